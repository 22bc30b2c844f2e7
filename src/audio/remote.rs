//! Remote audio (a CDN, S3, an old host): an HTTP HEAD for the size, then ranged GETs for
//! exactly the parts the parsers read (the headers, the end of an M4A whose moov comes last,
//! the last Ogg page, or every block for an MP3 frame scan). Nothing else is downloaded.

use std::time::Duration;

use ureq::http::StatusCode;
use ureq::{Agent, ResponseExt};

use super::Probe;
use super::source::ByteSource;

/// How patient remote probing is.
#[derive(Debug, Clone, Copy)]
pub struct RemoteOptions {
    /// Limit for each request, connection included.
    pub timeout: Duration,
    pub max_redirects: u32,
}

impl Default for RemoteOptions {
    fn default() -> Self {
        RemoteOptions {
            timeout: Duration::from_secs(30),
            max_redirects: 5,
        }
    }
}

/// Probes audio at an http(s) URL with the default options.
pub fn probe_url(url: &str) -> Result<Probe, String> {
    probe_url_with(url, RemoteOptions::default())
}

pub fn probe_url_with(url: &str, options: RemoteOptions) -> Result<Probe, String> {
    let mut src = HttpSource::open(url, options)?;
    super::probe_source(&mut src, url)
}

/// An HTTP resource read with `Range` requests.
pub struct HttpSource {
    agent: Agent,
    url: String,
    size: u64,
    options: RemoteOptions,
    /// A whole small body some servers send instead of a range.
    whole: Option<Vec<u8>>,
}

const BLOCK: usize = 512 * 1024;

fn describe(e: ureq::Error, options: &RemoteOptions) -> String {
    match e {
        ureq::Error::Timeout(_) => format!(
            "the server did not answer within {} s (timeout)",
            options.timeout.as_secs_f64()
        ),
        ureq::Error::HostNotFound => "host not found (check the URL, or the network)".into(),
        ureq::Error::TooManyRedirects => format!(
            "more than {} redirects (a redirect loop?)",
            options.max_redirects
        ),
        ureq::Error::ConnectionFailed => "cannot connect to the server".into(),
        ureq::Error::Io(e) => format!("network error: {e}"),
        ureq::Error::BadUri(u) => format!("not a valid URL: {u}"),
        other => other.to_string(),
    }
}

fn status_error(status: StatusCode) -> String {
    match status.as_u16() {
        404 | 410 => format!("not found on the server (HTTP {})", status.as_u16()),
        401 | 403 => format!(
            "the server refused access (HTTP {}); is the file public?",
            status.as_u16()
        ),
        code => format!(
            "the server answered HTTP {code} {}",
            status.canonical_reason().unwrap_or("")
        )
        .trim_end()
        .to_string(),
    }
}

/// `bytes START-END/TOTAL` -> (start, total).
fn content_range(value: &str) -> Option<(u64, Option<u64>)> {
    let rest = value.trim().strip_prefix("bytes")?.trim();
    let (range, total) = rest.split_once('/')?;
    let start = range.split_once('-')?.0.trim().parse().ok()?;
    Some((start, total.trim().parse().ok()))
}

impl HttpSource {
    pub fn open(url: &str, options: RemoteOptions) -> Result<HttpSource, String> {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err("only http:// and https:// URLs can be probed".into());
        }
        let agent: Agent = Agent::config_builder()
            .timeout_global(Some(options.timeout))
            .max_redirects(options.max_redirects)
            .http_status_as_error(false)
            .user_agent(concat!("onair/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        let head = agent.head(url).call().map_err(|e| describe(e, &options))?;
        let final_url = head.get_uri().to_string();
        let status = head.status();
        let length = head
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let size = match (status.is_success(), length) {
            (true, Some(n)) => n,
            // No HEAD support, or no length in it: a one-byte range tells the total.
            (false, _) if status != StatusCode::NOT_FOUND && status != StatusCode::GONE => {
                Self::size_by_range(&agent, url, &options)
                    .map_err(|e| format!("{e} (HEAD answered HTTP {})", status.as_u16()))?
            }
            (true, None) => Self::size_by_range(&agent, url, &options)?,
            (false, _) => return Err(status_error(status)),
        };
        Ok(HttpSource {
            agent,
            url: final_url,
            options,
            size,
            whole: None,
        })
    }

    fn size_by_range(agent: &Agent, url: &str, options: &RemoteOptions) -> Result<u64, String> {
        let resp = agent
            .get(url)
            .header("Range", "bytes=0-0")
            .call()
            .map_err(|e| describe(e, options))?;
        if resp.status() == StatusCode::PARTIAL_CONTENT {
            let total = resp
                .headers()
                .get("content-range")
                .and_then(|v| v.to_str().ok())
                .and_then(content_range)
                .and_then(|(_, total)| total);
            return total.ok_or_else(|| {
                "the server does not tell the file's size (no Content-Length, no total in \
                 Content-Range)"
                    .to_string()
            });
        }
        if !resp.status().is_success() {
            return Err(status_error(resp.status()));
        }
        // Range ignored: the whole body's length is the size (reading it is left to read_at,
        // which accepts a whole body only for small files).
        resp.headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(|| "the server does not tell the file's size (no Content-Length)".into())
    }
}

impl ByteSource for HttpSource {
    fn size(&self) -> u64 {
        self.size
    }

    fn block_size(&self) -> usize {
        BLOCK
    }

    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<usize, String> {
        if offset >= self.size || buf.is_empty() {
            return Ok(0);
        }
        if let Some(whole) = &self.whole {
            let start = offset as usize;
            let n = buf.len().min(whole.len().saturating_sub(start));
            buf[..n].copy_from_slice(&whole[start..start + n]);
            return Ok(n);
        }
        let last = (offset + buf.len() as u64).min(self.size) - 1;
        let options = self.options;
        let mut resp = self
            .agent
            .get(&self.url)
            .header("Range", format!("bytes={offset}-{last}"))
            .call()
            .map_err(|e| describe(e, &options))?;
        let status = resp.status();
        let want = (last - offset + 1) as usize;
        if status == StatusCode::OK {
            // The server ignored the range. Acceptable only for a small file sent whole.
            if self.size > BLOCK as u64 * 2 {
                return Err(format!(
                    "the server does not support byte ranges (it answered a Range request with \
                     the whole {} byte file); onair needs ranges to read only the headers",
                    self.size
                ));
            }
            let body = resp
                .body_mut()
                .with_config()
                .limit(self.size + 1)
                .read_to_vec()
                .map_err(|e| describe(e, &options))?;
            if body.len() as u64 != self.size {
                return Err(format!(
                    "the server sent {} bytes but announced {}",
                    body.len(),
                    self.size
                ));
            }
            self.whole = Some(body);
            return self.read_at(offset, buf);
        }
        if status != StatusCode::PARTIAL_CONTENT {
            return Err(status_error(status));
        }
        let start = resp
            .headers()
            .get("content-range")
            .and_then(|v| v.to_str().ok())
            .and_then(content_range);
        if let Some((start, total)) = start {
            if start != offset {
                return Err(format!(
                    "the server sent bytes from {start} when asked for {offset}"
                ));
            }
            if total.is_some_and(|t| t != self.size) {
                return Err("the file changed on the server while it was being probed".into());
            }
        }
        let body = resp
            .body_mut()
            .with_config()
            .limit(want as u64)
            .read_to_vec()
            .map_err(|e| describe(e, &options))?;
        let n = body.len().min(want);
        buf[..n].copy_from_slice(&body[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_content_range() {
        assert_eq!(content_range("bytes 0-0/1234"), Some((0, Some(1234))));
        assert_eq!(content_range("bytes 100-199/*"), Some((100, None)));
        assert_eq!(content_range("items 1-2/3"), None);
    }
}
