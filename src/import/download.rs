//! `--download-audio`: an episode's audio copied from its old host into the site. Transfers
//! go into a `.part` file in onair's cache folder and resume from it with an HTTP Range
//! request (a server that ignores Range sends the whole file again, which restarts it). A
//! file is complete only when its length is what the feed's enclosure and the server's
//! Content-Length both say.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::Path;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use ureq::Agent;
use ureq::http::StatusCode;

/// Why a download did not complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DownloadError {
    /// The transfer stopped part way; the `.part` file is kept to resume from.
    Interrupted(String),
    /// The server's file is not the one the feed describes (or cannot be read at all); no
    /// partial file is kept.
    Failed(String),
}

impl DownloadError {
    pub fn message(&self) -> &str {
        match self {
            DownloadError::Interrupted(m) | DownloadError::Failed(m) => m,
        }
    }
}

fn agent() -> Agent {
    // No limit on the whole transfer (an episode can take long on a slow line), but a server
    // that stops sending for a minute is given up on; the next run resumes.
    Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(30)))
        .timeout_recv_response(Some(Duration::from_secs(60)))
        .timeout_per_read(Some(Duration::from_secs(60)))
        .max_redirects(10)
        .http_status_as_error(false)
        .user_agent(concat!("onair/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// A progress bar on stderr when a person watches it: hidden when stderr is not a terminal
/// or under CI.
pub fn progress_bar(name: &str) -> ProgressBar {
    let target = if std::env::var_os("CI").is_some() {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    };
    let bar = ProgressBar::with_draw_target(None, target);
    bar.set_style(
        ProgressStyle::with_template(
            "{msg} {wide_bar} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} {eta}",
        )
        .expect("a valid template"),
    );
    bar.set_message(name.to_string());
    bar
}

/// `bytes 100-199/1000` -> (100, Some(1000)); `*` total -> None.
fn content_range(value: &str) -> Option<(u64, Option<u64>)> {
    let rest = value.trim().strip_prefix("bytes")?.trim_start();
    let (range, total) = rest.split_once('/')?;
    let start = range.split_once('-')?.0.trim().parse().ok()?;
    let total = match total.trim() {
        "*" => None,
        t => Some(t.parse().ok()?),
    };
    Some((start, total))
}

/// Downloads `url` into `part`, continuing what `part` already holds. Returns the complete
/// length. `expected` is the feed's enclosure length, when it gives one.
pub fn fetch_resumable(
    url: &str,
    part: &Path,
    expected: Option<u64>,
    bar: &ProgressBar,
) -> Result<u64, DownloadError> {
    let failed = |m: String| {
        let _ = std::fs::remove_file(part);
        DownloadError::Failed(m)
    };
    if let Some(parent) = part.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| failed(format!("cannot create {}: {e}", parent.display())))?;
    }
    let mut have = std::fs::metadata(part).map(|m| m.len()).unwrap_or(0);
    if expected.is_some_and(|e| have > e) {
        // Longer than the whole file can be: not a beginning of it.
        have = 0;
    }
    if have > 0 && Some(have) == expected {
        return Ok(have);
    }
    let agent = agent();
    let mut request = agent.get(url).header("Accept-Encoding", "identity");
    if have > 0 {
        request = request.header("Range", format!("bytes={have}-"));
    }
    let mut resp = request
        .call()
        .map_err(|e| DownloadError::Interrupted(super::fetch::describe(e)))?;
    let status = resp.status();
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    // Where this response's bytes start, and the whole file's length when the server says.
    let (start, total) = match status {
        StatusCode::PARTIAL_CONTENT if have > 0 => {
            match header("content-range").as_deref().and_then(content_range) {
                Some((start, total)) if start == have => (start, total),
                _ => {
                    return Err(failed(format!(
                        "the server answered the request to resume at byte {have} with another range ({}); run the import again to start over",
                        header("content-range").unwrap_or_else(|| "none given".into())
                    )));
                }
            }
        }
        StatusCode::RANGE_NOT_SATISFIABLE if have > 0 => {
            // The .part is no beginning of the server's file (it changed, or it is shorter).
            return Err(failed(format!(
                "the server cannot resume at byte {have} (HTTP 416): the file changed on the server since the download began; run the import again to start over"
            )));
        }
        s if s.is_success() && s != StatusCode::PARTIAL_CONTENT => {
            // A whole file: a first download, or a server that ignores Range.
            (0, resp.body().content_length())
        }
        s => {
            let code = s.as_u16();
            let m = match code {
                404 | 410 => format!("not found on the server (HTTP {code})"),
                401 | 403 => format!("the server refused access (HTTP {code})"),
                _ => format!(
                    "the server answered HTTP {code} {}",
                    s.canonical_reason().unwrap_or("")
                )
                .trim_end()
                .to_string(),
            };
            return Err(if have > 0 {
                DownloadError::Interrupted(m)
            } else {
                failed(m)
            });
        }
    };
    if let (Some(total), Some(expected)) = (total, expected)
        && total != expected
    {
        return Err(failed(format!(
            "the server's file is {total} bytes but the feed's enclosure length is {expected}: not the file the feed describes, so it is not kept"
        )));
    }
    let mut file = if start == 0 {
        File::create(part)
    } else {
        OpenOptions::new().append(true).open(part)
    }
    .map_err(|e| failed(format!("cannot write {}: {e}", part.display())))?;
    bar.set_length(total.unwrap_or(0));
    bar.set_position(start);
    let mut body = resp.body_mut().as_reader();
    let mut buf = vec![0u8; 64 * 1024];
    let mut done = start;
    loop {
        let n = match body.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                let _ = file.flush();
                let of = total.map_or(String::new(), |t| format!(" of {t}"));
                return Err(DownloadError::Interrupted(format!(
                    "the transfer stopped after {done}{of} bytes ({e}); run the import again to resume it"
                )));
            }
        };
        file.write_all(&buf[..n])
            .map_err(|e| failed(format!("cannot write {}: {e}", part.display())))?;
        done += n as u64;
        if expected.is_some_and(|e| done > e) {
            return Err(failed(format!(
                "the server sent more than the feed's enclosure length of {} bytes: not the file the feed describes, so it is not kept",
                expected.unwrap_or(0)
            )));
        }
        bar.set_position(done);
    }
    file.sync_all()
        .map_err(|e| failed(format!("cannot write {}: {e}", part.display())))?;
    if let Some(total) = total
        && done != total
    {
        return Err(DownloadError::Interrupted(format!(
            "the transfer stopped after {done} of {total} bytes; run the import again to resume it"
        )));
    }
    if let Some(expected) = expected
        && done != expected
    {
        return Err(failed(format!(
            "the download is {done} bytes but the feed's enclosure length is {expected}: not the file the feed describes, so it is not kept"
        )));
    }
    Ok(done)
}

/// Whether two files hold the same bytes.
pub fn same_content(a: &Path, b: &Path) -> std::io::Result<bool> {
    let (ma, mb) = (std::fs::metadata(a)?, std::fs::metadata(b)?);
    if ma.len() != mb.len() {
        return Ok(false);
    }
    let (mut fa, mut fb) = (File::open(a)?, File::open(b)?);
    let (mut ba, mut bb) = (vec![0u8; 64 * 1024], vec![0u8; 64 * 1024]);
    loop {
        let n = read_full(&mut fa, &mut ba)?;
        let m = read_full(&mut fb, &mut bb)?;
        if n != m || ba[..n] != bb[..m] {
            return Ok(false);
        }
        if n == 0 {
            return Ok(true);
        }
    }
}

fn read_full(f: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match f.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_ranges_as_servers_write_them() {
        assert_eq!(content_range("bytes 100-199/1000"), Some((100, Some(1000))));
        assert_eq!(content_range("bytes 5-9/*"), Some((5, None)));
        assert_eq!(content_range("bytes */1000"), None);
        assert_eq!(content_range("items 1-2/3"), None);
    }
}
