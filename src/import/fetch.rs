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
