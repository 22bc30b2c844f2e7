//! Reading a feed (and, with `--download`, chapters and transcripts) over HTTP with the same
//! client the remote audio probe uses (ureq), with its limits and messages.

use std::time::Duration;

use ureq::Agent;

/// Largest feed onair reads: big shows publish feeds of tens of megabytes.
pub const MAX_FEED_BYTES: u64 = 256 * 1024 * 1024;

pub fn agent(timeout: Duration) -> Agent {
    Agent::config_builder()
        .timeout_global(Some(timeout))
        .max_redirects(10)
        .http_status_as_error(false)
        .user_agent(concat!("onair/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

pub fn is_url(s: &str) -> bool {
    let lower = s.trim().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// The file a `file://` URL names (`file:///home/me/feed.xml`, `file://localhost/...`, with
/// `%20` and other escapes decoded); None for anything else, an error for a `file://` URL
/// of another machine or one that is not a path.
pub fn file_url_path(s: &str) -> Option<Result<std::path::PathBuf, String>> {
    let s = s.trim();
    let rest = s.get(..7).filter(|p| p.eq_ignore_ascii_case("file://"))?;
    let rest = &s[rest.len()..];
    let path = match rest.find('/') {
        Some(0) => rest,
        Some(i) if rest[..i].eq_ignore_ascii_case("localhost") => &rest[i..],
        _ => {
            return Some(Err(format!(
                "a file:// URL names a file on this machine: file:///path/to/feed.xml (this one names the host `{}`)",
                rest.split('/').next().unwrap_or(rest)
            )));
        }
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    Some(percent_decode(path).map(std::path::PathBuf::from))
}

/// `%20` -> ` `; an escape that is not two hex digits, or bytes that are not UTF-8, are errors.
fn percent_decode(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("`{s}` has a `%` that is not followed by two hex digits"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| format!("`{s}` does not decode to a UTF-8 path"))
}

/// GETs a URL whole (up to `limit` bytes). Returns the body and the final URL after
/// redirects. Errors are sentences for the user.
pub fn get(url: &str, limit: u64) -> Result<(Vec<u8>, String), String> {
    let agent = agent(Duration::from_secs(60));
    let mut resp = agent.get(url).call().map_err(describe)?;
    let status = resp.status();
    if !status.is_success() {
        return Err(match status.as_u16() {
            404 | 410 => format!("not found on the server (HTTP {})", status.as_u16()),
            401 | 403 => format!("the server refused access (HTTP {})", status.as_u16()),
            code => format!(
                "the server answered HTTP {code} {}",
                status.canonical_reason().unwrap_or("")
            )
            .trim_end()
            .to_string(),
        });
    }
    use ureq::ResponseExt;
    let final_url = resp.get_uri().to_string();
    let body = resp
        .body_mut()
        .with_config()
        .limit(limit)
        .read_to_vec()
        .map_err(describe)?;
    Ok((body, final_url))
}

pub fn describe(e: ureq::Error) -> String {
    match e {
        ureq::Error::Timeout(_) => "the server did not answer in time (timeout)".into(),
        ureq::Error::HostNotFound => "host not found (check the URL, or the network)".into(),
        ureq::Error::TooManyRedirects => "too many redirects (a redirect loop?)".into(),
        ureq::Error::ConnectionFailed => "cannot connect to the server".into(),
        ureq::Error::Io(e) => format!("network error: {e}"),
        ureq::Error::BadUri(u) => format!("not a valid URL: {u}"),
        ureq::Error::BodyExceedsLimit(n) => format!("the response is larger than {n} bytes"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn file_urls_name_local_files() {
        let path = |s: &str| file_url_path(s).map(|r| r.map_err(|e| e.to_string()));
        assert_eq!(path("feed.xml"), None);
        assert_eq!(path("https://x.example/feed.xml"), None);
        assert_eq!(
            path("file:///home/me/old%20feed.xml"),
            Some(Ok(PathBuf::from("/home/me/old feed.xml")))
        );
        assert_eq!(
            path("FILE://localhost/tmp/f.xml"),
            Some(Ok(PathBuf::from("/tmp/f.xml")))
        );
        assert!(
            path("file://server/share/f.xml")
                .unwrap()
                .unwrap_err()
                .contains("`server`")
        );
        assert!(
            path("file:///a%zz")
                .unwrap()
                .unwrap_err()
                .contains("two hex digits")
        );
    }
}
