//! Answering one request from the in-memory site: path checks, Content-Type, HEAD, Range,
//! directory index, the 404 page. Pure over a `SiteOutput` so it is tested without sockets;
//! `serve::server` turns a `Reply` into bytes on the wire.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::output::{OutputFile, SiteOutput};

/// What the handler needs from a request: nothing here depends on tiny_http.
#[derive(Debug, Clone, Default)]
pub struct RequestHead {
    pub method: String,
    /// The request target as sent: `/episodes/pilot/?t=1`.
    pub target: String,
    /// The `Range` header, when sent.
    pub range: Option<String>,
    /// Whether an `If-Range` header was sent (we send no validators, so it never matches).
    pub if_range: bool,
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Body,
}

/// A response body. Its length is always known, so every reply carries Content-Length.
#[derive(Debug)]
pub enum Body {
    Empty,
    Owned(Vec<u8>),
    Shared(Arc<Vec<u8>>, Range<usize>),
    /// `len` bytes of an open file from `start` (audio is never loaded in memory).
    File {
        file: File,
        start: u64,
        len: u64,
    },
}

impl Body {
    pub fn len(&self) -> u64 {
        match self {
            Body::Empty => 0,
            Body::Owned(v) => v.len() as u64,
            Body::Shared(_, r) => r.len() as u64,
            Body::File { len, .. } => *len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A reader over the body's bytes, positioned at its start.
    pub fn into_reader(self) -> std::io::Result<Box<dyn Read + Send>> {
        Ok(match self {
            Body::Empty => Box::new(std::io::empty()),
            Body::Owned(v) => Box::new(std::io::Cursor::new(v)),
            Body::Shared(bytes, range) => Box::new(SharedReader { bytes, range }),
            Body::File {
                mut file,
                start,
                len,
            } => {
                file.seek(SeekFrom::Start(start))?;
                Box::new(file.take(len))
            }
        })
    }

    /// The whole body in memory (tests and HTML injection).
    pub fn into_bytes(self) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        self.into_reader()?.read_to_end(&mut out)?;
        Ok(out)
    }
}

struct SharedReader {
    bytes: Arc<Vec<u8>>,
    range: Range<usize>,
}

impl Read for SharedReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.range.len());
        buf[..n].copy_from_slice(&self.bytes[self.range.start..self.range.start + n]);
        self.range.start += n;
        Ok(n)
    }
}

impl Reply {
    pub fn new(status: u16, body: Body) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body,
        }
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn get_header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// A short plain-text reply for errors that have no page of their own.
    pub fn text(status: u16, message: &str) -> Self {
        Reply::new(status, Body::Owned(format!("{message}\n").into_bytes()))
            .header("Content-Type", "text/plain; charset=utf-8")
    }
}

/// Why a request path was not turned into a site path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathError {
    /// Malformed percent-encoding or not UTF-8: 400.
    Malformed,
    /// A way out of the site (`..`, encoded slashes, absolute paths, backslashes): 403.
    Refused,
}

/// Turn a request target into a path under the site root without a leading slash, keeping a
/// trailing slash (`/episodes/a%20b/?x` -> `episodes/a b/`). Every segment is decoded on its
/// own, so an encoded `/` or `\` can never create a segment and `..` is refused in any spelling.
pub fn site_path(target: &str) -> Result<String, PathError> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    // Absolute-form (`GET http://host/x`) and anything not rooted at `/` is not for us.
    let rest = path.strip_prefix('/').ok_or(PathError::Refused)?;
    if rest.is_empty() {
        return Ok(String::new());
    }
    let raw_segments: Vec<&str> = rest.split('/').collect();
    let last = raw_segments.len() - 1;
    let mut out = String::with_capacity(rest.len());
    for (i, raw) in raw_segments.iter().enumerate() {
        if raw.is_empty() {
            if i == last {
                break; // the trailing slash of a directory
            }
            return Err(PathError::Refused); // `//etc/passwd`, `a//b`
        }
        let segment = percent_decode(raw)?;
        if segment == "." || segment == ".." {
            return Err(PathError::Refused);
        }
        if segment.contains(['/', '\\', '\0']) || looks_like_drive(&segment) {
            return Err(PathError::Refused);
        }
        out.push_str(&segment);
        if i != last {
            out.push('/');
        }
    }
    if path.ends_with('/') && !out.ends_with('/') {
        out.push('/');
    }
    Ok(out)
}

/// `C:` as a segment names a drive on Windows.
fn looks_like_drive(segment: &str) -> bool {
    let b = segment.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
}

/// Decode `%XX` escapes; the result must be UTF-8. `+` stays a plus in a path.
pub fn percent_decode(s: &str) -> Result<String, PathError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).ok_or(PathError::Malformed)?;
            let hi = (hex[0] as char).to_digit(16).ok_or(PathError::Malformed)?;
            let lo = (hex[1] as char).to_digit(16).ok_or(PathError::Malformed)?;
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| PathError::Malformed)
}

pub use crate::mime::content_type;

pub fn is_html(content_type: &str) -> bool {
    content_type.starts_with("text/html")
}

/// What the Range header asks of a body of `len` bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RangeRequest {
    /// No usable Range: send everything with 200 (also for syntax we do not serve, such as
    /// several ranges at once, which RFC 9110 allows a server to ignore).
    Full,
    Partial {
        start: u64,
        end_inclusive: u64,
    },
    Unsatisfiable,
}

/// Parse `bytes=0-99`, `bytes=100-`, `bytes=-500` against a body of `len` bytes.
pub fn parse_range(header: &str, len: u64) -> RangeRequest {
    let Some(spec) = header.trim().strip_prefix("bytes=") else {
        return RangeRequest::Full;
    };
    if spec.contains(',') {
        return RangeRequest::Full;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return RangeRequest::Full;
    };
    let (first, last) = (first.trim(), last.trim());
    let parse = |s: &str| -> Option<u64> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            None
        } else {
            s.parse().ok()
        }
    };
    if first.is_empty() {
        // A suffix: the last N bytes.
        let Some(n) = parse(last) else {
            return RangeRequest::Full;
        };
        if n == 0 || len == 0 {
            return RangeRequest::Unsatisfiable;
        }
        let n = n.min(len);
        return RangeRequest::Partial {
            start: len - n,
            end_inclusive: len - 1,
        };
    }
    let Some(start) = parse(first) else {
        return RangeRequest::Full;
    };
    let end = if last.is_empty() {
        None
    } else {
        match parse(last) {
            Some(e) if e >= start => Some(e),
            _ => return RangeRequest::Full, // `bytes=5-2` is invalid, so ignored
        }
    };
    if start >= len {
        return RangeRequest::Unsatisfiable;
    }
    RangeRequest::Partial {
        start,
        end_inclusive: end.map_or(len - 1, |e| e.min(len - 1)),
    }
}

/// Where a path resolved to in the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    File(String),
    /// A directory asked for without its trailing slash: redirect so relative links work.
    AddSlash,
    NotFound,
}

/// Resolve a decoded site path (`episodes/pilot/`) to an output key.
pub fn resolve(output: &SiteOutput, path: &str) -> Resolved {
    if path.is_empty() {
        return if output.files.contains_key("index.html") {
            Resolved::File("index.html".into())
        } else {
            Resolved::NotFound
        };
    }
    if let Some(dir) = path.strip_suffix('/') {
        let index = format!("{dir}/index.html");
        return if output.files.contains_key(&index) {
            Resolved::File(index)
        } else {
            Resolved::NotFound
        };
    }
    if output.files.contains_key(path) {
        return Resolved::File(path.to_string());
    }
    if output.files.contains_key(&format!("{path}/index.html")) {
        return Resolved::AddSlash;
    }
    Resolved::NotFound
}

/// Everything a site reply depends on besides the request.
pub struct SiteView<'a> {
    pub output: &'a SiteOutput,
    /// The canonical site folder: copied files must resolve inside it (no symlinks out).
    pub root: &'a Path,
    /// Adds the live-reload script (and the error overlay, when the last build failed) to an
    /// HTML page.
    pub decorate_html: &'a dyn Fn(&[u8]) -> Vec<u8>,
}

/// Answer a GET or HEAD for a site path (not `/_onair/`, which `serve` routes first).
pub fn site_reply(req: &RequestHead, view: &SiteView<'_>) -> Reply {
    if req.method != "GET" && req.method != "HEAD" {
        return Reply::text(405, "405 Method Not Allowed").header("Allow", "GET, HEAD");
    }
    let path = match site_path(&req.target) {
        Ok(p) => p,
        Err(PathError::Malformed) => return Reply::text(400, "400 Bad Request: malformed path"),
        Err(PathError::Refused) => {
            return Reply::text(403, "403 Forbidden: not a path inside the site");
        }
    };
    match resolve(view.output, &path) {
        Resolved::File(key) => file_reply(req, view, &key, 200),
        Resolved::AddSlash => {
            let raw = req.target.split(['?', '#']).next().unwrap_or("");
            let query = &req.target[raw.len()..];
            Reply::text(301, "301 Moved Permanently").header("Location", format!("{raw}/{query}"))
        }
        Resolved::NotFound => not_found(req, view),
    }
}

/// The site's own 404.html with status 404, or a plain page when the site has none.
pub fn not_found(req: &RequestHead, view: &SiteView<'_>) -> Reply {
    if view.output.files.contains_key("404.html") {
        return file_reply(req, view, "404.html", 404);
    }
    let page = b"<!doctype html><html><head><meta charset=\"utf-8\"><title>404 Not Found</title>\
        </head><body><h1>404 Not Found</h1><p>No page of this site has that address.</p></body></html>";
    let body = (view.decorate_html)(page);
    Reply::new(404, Body::Owned(body))
        .header("Content-Type", "text/html; charset=utf-8")
        .header("Cache-Control", "no-cache")
}

/// Serve one output file, honouring Range (on every file, audio above all).
fn file_reply(req: &RequestHead, view: &SiteView<'_>, key: &str, status: u16) -> Reply {
    let ctype = content_type(key);
    let full = match view.output.get(key) {
        Some(OutputFile::Bytes(bytes)) => {
            if is_html(ctype) {
                Body::Owned((view.decorate_html)(bytes))
            } else {
                Body::Shared(bytes.clone(), 0..bytes.len())
            }
        }
        Some(OutputFile::Copy(source)) => match open_inside(view.root, source) {
            Ok(Some((file, len))) => Body::File {
                file,
                start: 0,
                len,
            },
            Ok(None) => return Reply::text(403, "403 Forbidden: the file lies outside the site"),
            Err(_) => return Reply::text(404, "404 Not Found: the file is gone"),
        },
        None => return Reply::text(404, "404 Not Found"),
    };
    let reply = |status, body| {
        Reply::new(status, body)
            .header("Content-Type", ctype)
            .header("Accept-Ranges", "bytes")
            .header("Cache-Control", "no-cache")
    };
    let len = full.len();
    let range = match (&req.range, req.if_range, status) {
        (Some(h), false, 200) => parse_range(h, len),
        _ => RangeRequest::Full,
    };
    match range {
        RangeRequest::Full => reply(status, full),
        RangeRequest::Unsatisfiable => {
            reply(416, Body::Empty).header("Content-Range", format!("bytes */{len}"))
        }
        RangeRequest::Partial {
            start,
            end_inclusive,
        } => {
            let part_len = end_inclusive - start + 1;
            let body = match full {
                Body::Owned(v) => Body::Owned(v[start as usize..=end_inclusive as usize].to_vec()),
                Body::Shared(b, r) => {
                    let s = r.start + start as usize;
                    Body::Shared(b, s..s + part_len as usize)
                }
                Body::File { file, .. } => Body::File {
                    file,
                    start,
                    len: part_len,
                },
                Body::Empty => Body::Empty,
            };
            reply(206, body).header(
                "Content-Range",
                format!("bytes {start}-{end_inclusive}/{len}"),
            )
        }
    }
}

/// Open a copied file only if its real path (symlinks followed) is inside `root`.
/// `Ok(None)` means it leads outside.
fn open_inside(root: &Path, source: &Path) -> std::io::Result<Option<(File, u64)>> {
    let real: PathBuf = std::fs::canonicalize(source)?;
    if !real.starts_with(root) {
        return Ok(None);
    }
    let file = File::open(&real)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a file"));
    }
    Ok(Some((file, meta.len())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(method: &str, target: &str, range: Option<&str>) -> RequestHead {
        RequestHead {
            method: method.into(),
            target: target.into(),
            range: range.map(str::to_string),
            if_range: false,
        }
    }

    fn mark_html(b: &[u8]) -> Vec<u8> {
        let mut v = b.to_vec();
        v.extend_from_slice(b"<!--live-->");
        v
    }

    struct Fixture {
        dir: tempfile::TempDir,
        root: PathBuf,
        output: SiteOutput,
    }

    fn fixture() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("audio")).unwrap();
        let root = std::fs::canonicalize(&root).unwrap();
        let audio: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        std::fs::write(root.join("audio/ep1.mp3"), &audio).unwrap();
        std::fs::write(dir.path().join("secret.txt"), b"TOP SECRET").unwrap();
        let mut output = SiteOutput::new();
        output.insert_bytes("index.html", b"<html><body>home</body></html>".to_vec());
        output.insert_bytes(
            "episodes/pilot/index.html",
            b"<html><body>pilot</body></html>".to_vec(),
        );
        output.insert_bytes("feed.xml", b"<rss/>".to_vec());
        output.insert_bytes("assets/style.1a2b.css", b"body{}".to_vec());
        output.insert_bytes("episodes/a b/index.html", b"<p>space</p>".to_vec());
        output.insert_copy("audio/ep1.mp3", root.join("audio/ep1.mp3"));
        Fixture { dir, root, output }
    }

    fn get(f: &Fixture, req: RequestHead) -> (Reply, Vec<u8>) {
        let view = SiteView {
            output: &f.output,
            root: &f.root,
            decorate_html: &mark_html,
        };
        let mut reply = site_reply(&req, &view);
        let body = std::mem::replace(&mut reply.body, Body::Empty);
        (reply, body.into_bytes().unwrap())
    }

    #[test]
    fn site_path_decodes_and_keeps_trailing_slash() {
        assert_eq!(site_path("/").unwrap(), "");
        assert_eq!(
            site_path("/episodes/pilot/?t=1").unwrap(),
            "episodes/pilot/"
        );
        assert_eq!(site_path("/episodes/a%20b/").unwrap(), "episodes/a b/");
        assert_eq!(site_path("/feed.xml#x").unwrap(), "feed.xml");
        assert_eq!(site_path("/caf%C3%A9").unwrap(), "café");
        assert_eq!(site_path("/a+b").unwrap(), "a+b");
    }

    #[test]
    fn site_path_refuses_every_way_out() {
        for target in [
            "/..",
            "/../secret.txt",
            "/audio/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E/secret.txt",
            "/.%2e/secret.txt",
            "/audio/%2e%2e%2f%2e%2e%2fsecret.txt",
            "/..%2fsecret.txt",
            "/..%5csecret.txt",
            "/audio%2f..%2f..%2fsecret.txt",
            "//etc/passwd",
            "/%2fetc%2fpasswd",
            "/C:/Windows/win.ini",
            "/./index.html",
            "http://example.com/index.html",
            "etc/passwd",
            "/a%00b",
        ] {
            assert_eq!(site_path(target), Err(PathError::Refused), "{target}");
        }
    }

    #[test]
    fn site_path_rejects_malformed_escapes() {
        for target in ["/%", "/%2", "/%zz", "/%ff%fe"] {
            assert_eq!(site_path(target), Err(PathError::Malformed), "{target}");
        }
    }

    #[test]
    fn ranges_parse_as_rfc_9110_says() {
        use RangeRequest::*;
        let p = |start, end_inclusive| Partial {
            start,
            end_inclusive,
        };
        assert_eq!(parse_range("bytes=0-99", 1000), p(0, 99));
        assert_eq!(parse_range("bytes=500-", 1000), p(500, 999));
        assert_eq!(parse_range("bytes=-100", 1000), p(900, 999));
        assert_eq!(parse_range("bytes=-5000", 1000), p(0, 999));
        assert_eq!(parse_range("bytes=990-5000", 1000), p(990, 999));
        assert_eq!(parse_range("bytes=1000-", 1000), Unsatisfiable);
        assert_eq!(parse_range("bytes=2000-3000", 1000), Unsatisfiable);
        assert_eq!(parse_range("bytes=-0", 1000), Unsatisfiable);
        assert_eq!(parse_range("bytes=0-", 0), Unsatisfiable);
        assert_eq!(parse_range("bytes=5-2", 1000), Full);
        assert_eq!(parse_range("bytes=0-1,5-6", 1000), Full);
        assert_eq!(parse_range("items=0-1", 1000), Full);
        assert_eq!(parse_range("bytes=x-1", 1000), Full);
        assert_eq!(parse_range("bytes=+1-2", 1000), Full);
    }

    #[test]
    fn serves_pages_with_index_and_injection() {
        let f = fixture();
        let (r, body) = get(&f, head("GET", "/", None));
        assert_eq!(r.status, 200);
        assert_eq!(
            r.get_header("Content-Type"),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(body, b"<html><body>home</body></html><!--live-->");

        let (r, body) = get(&f, head("GET", "/episodes/pilot/", None));
        assert_eq!(r.status, 200);
        assert!(body.starts_with(b"<html><body>pilot"));

        let (r, _) = get(&f, head("GET", "/episodes/a%20b/", None));
        assert_eq!(r.status, 200);

        let (r, _) = get(&f, head("GET", "/episodes/pilot?x=1", None));
        assert_eq!(r.status, 301);
        assert_eq!(r.get_header("Location"), Some("/episodes/pilot/?x=1"));

        let (r, body) = get(&f, head("GET", "/feed.xml", None));
        assert_eq!(r.status, 200);
        assert_eq!(body, b"<rss/>");
        assert_eq!(
            r.get_header("Content-Type"),
            Some("application/rss+xml; charset=utf-8")
        );
    }

    #[test]
    fn head_has_length_but_no_body_difference_in_headers() {
        let f = fixture();
        let (get_r, get_body) = get(&f, head("GET", "/audio/ep1.mp3", None));
        let (head_r, _) = get(&f, head("HEAD", "/audio/ep1.mp3", None));
        assert_eq!(get_r.status, 200);
        assert_eq!(head_r.status, 200);
        assert_eq!(get_body.len(), 1000);
        assert_eq!(get_r.headers, head_r.headers);
        assert_eq!(head_r.get_header("Accept-Ranges"), Some("bytes"));
        assert_eq!(head_r.get_header("Content-Type"), Some("audio/mpeg"));
    }

    #[test]
    fn audio_ranges() {
        let f = fixture();
        let audio = std::fs::read(f.root.join("audio/ep1.mp3")).unwrap();
        let (r, body) = get(&f, head("GET", "/audio/ep1.mp3", Some("bytes=0-9")));
        assert_eq!(r.status, 206);
        assert_eq!(r.get_header("Content-Range"), Some("bytes 0-9/1000"));
        assert_eq!(body, &audio[..10]);

        let (r, body) = get(&f, head("GET", "/audio/ep1.mp3", Some("bytes=300-399")));
        assert_eq!(r.status, 206);
        assert_eq!(body, &audio[300..400]);

        let (r, body) = get(&f, head("GET", "/audio/ep1.mp3", Some("bytes=-10")));
        assert_eq!(r.status, 206);
        assert_eq!(r.get_header("Content-Range"), Some("bytes 990-999/1000"));
        assert_eq!(body, &audio[990..]);

        let (r, body) = get(&f, head("GET", "/audio/ep1.mp3", Some("bytes=1000-")));
        assert_eq!(r.status, 416);
        assert_eq!(r.get_header("Content-Range"), Some("bytes */1000"));
        assert!(body.is_empty());

        // If-Range can never match (we send no validators): the whole file.
        let mut req = head("GET", "/audio/ep1.mp3", Some("bytes=0-9"));
        req.if_range = true;
        let (r, body) = get(&f, req);
        assert_eq!(r.status, 200);
        assert_eq!(body.len(), 1000);
    }

    #[test]
    fn ranges_on_generated_files_too() {
        let f = fixture();
        let (r, body) = get(&f, head("GET", "/feed.xml", Some("bytes=1-3")));
        assert_eq!(r.status, 206);
        assert_eq!(body, b"rss");
    }

    #[test]
    fn not_found_uses_the_site_404_page() {
        let mut f = fixture();
        let (r, body) = get(&f, head("GET", "/nope/", None));
        assert_eq!(r.status, 404);
        assert!(String::from_utf8(body).unwrap().ends_with("<!--live-->"));

        f.output
            .insert_bytes("404.html", b"<html><body>lost</body></html>".to_vec());
        let (r, body) = get(&f, head("GET", "/nope", None));
        assert_eq!(r.status, 404);
        assert_eq!(body, b"<html><body>lost</body></html><!--live-->");
        // A Range on a 404 is ignored.
        let (r, _) = get(&f, head("GET", "/nope", Some("bytes=0-1")));
        assert_eq!(r.status, 404);
    }

    #[test]
    fn other_methods_get_405() {
        let f = fixture();
        let (r, _) = get(&f, head("POST", "/", None));
        assert_eq!(r.status, 405);
        assert_eq!(r.get_header("Allow"), Some("GET, HEAD"));
    }

    #[test]
    fn traversal_never_returns_file_content() {
        let f = fixture();
        for target in [
            "/../secret.txt",
            "/audio/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/audio/%2e%2e/%2e%2e/secret.txt",
            "/audio%2f..%2f..%2fsecret.txt",
            "//secret.txt",
            &format!("/{}", f.dir.path().join("secret.txt").display()),
        ] {
            let (r, body) = get(&f, head("GET", target, None));
            assert!(r.status == 403 || r.status == 404, "{target}: {}", r.status);
            assert!(
                !String::from_utf8_lossy(&body).contains("TOP SECRET"),
                "{target}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_leading_outside_are_refused() {
        let mut f = fixture();
        let link = f.root.join("audio/leak.mp3");
        std::os::unix::fs::symlink(f.dir.path().join("secret.txt"), &link).unwrap();
        f.output.insert_copy("audio/leak.mp3", link);
        let inside = f.root.join("audio/alias.mp3");
        std::os::unix::fs::symlink(f.root.join("audio/ep1.mp3"), &inside).unwrap();
        f.output.insert_copy("audio/alias.mp3", inside);

        let (r, body) = get(&f, head("GET", "/audio/leak.mp3", None));
        assert_eq!(r.status, 403);
        assert!(!String::from_utf8_lossy(&body).contains("TOP SECRET"));
        let (r, body) = get(&f, head("GET", "/audio/alias.mp3", None));
        assert_eq!(r.status, 200);
        assert_eq!(body.len(), 1000);
    }
}
