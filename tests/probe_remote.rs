//! Remote probing against a local HTTP server on 127.0.0.1 started by each test: HEAD for the
//! size, ranged GETs for the headers only; redirects, 404, servers without Range or HEAD
//! support, timeouts; and `onair probe --lock` recording a URL in a site's lock.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use onair::audio::AudioFormat;
use onair::audio::remote::{RemoteOptions, probe_url, probe_url_with};
use onair::lock::Lock;
use onair::lock::resolve_remote;
use tiny_http::{Header, Method, Response, Server};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/audio")
            .join(name),
    )
    .unwrap()
}

/// Serves `files` under several behaviours chosen by the first path segment:
/// `/ok/NAME` (HEAD + ranges), `/norange/NAME` (ignores Range), `/nohead/NAME` (HEAD 405),
/// `/redirect/NAME` (302 to /ok/NAME), `/loop` (redirects to itself); anything else is 404.
struct TestServer {
    base: String,
    served: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl TestServer {
    fn start(files: HashMap<&'static str, Vec<u8>>) -> TestServer {
        let server = Server::http("127.0.0.1:0").unwrap();
        let port = server.server_addr().to_ip().unwrap().port();
        let served = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (served2, stop2) = (served.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            while !stop2.load(Ordering::Relaxed) {
                let Ok(Some(req)) = server.recv_timeout(Duration::from_millis(50)) else {
                    continue;
                };
                let url = req.url().to_string();
                let (kind, name) = url[1..].split_once('/').unwrap_or((&url[1..], ""));
                let header = |s: &str| {
                    Header::from_bytes(
                        &s.as_bytes()[..s.find(':').unwrap()],
                        s[s.find(':').unwrap() + 1..].trim(),
                    )
                    .unwrap()
                };
                let range = req
                    .headers()
                    .iter()
                    .find(|h| h.field.equiv("Range"))
                    .map(|h| h.value.as_str().to_string());
                let is_head = *req.method() == Method::Head;
                let response = match (kind, files.get(name)) {
                    ("redirect", Some(_)) => Response::from_data(Vec::new())
                        .with_status_code(302)
                        .with_header(header(&format!("Location: /ok/{name}"))),
                    ("loop", _) => Response::from_data(Vec::new())
                        .with_status_code(302)
                        .with_header(header("Location: /loop")),
                    ("nohead", Some(_)) if is_head => {
                        Response::from_data(Vec::new()).with_status_code(405)
                    }
                    ("ok" | "nohead" | "norange", Some(data)) => {
                        let ranged =
                            range
                                .filter(|_| kind != "norange" && !is_head)
                                .and_then(|r| {
                                    let (a, b) = r.strip_prefix("bytes=")?.split_once('-')?;
                                    let a: usize = a.parse().ok()?;
                                    let b: usize = b.parse::<usize>().ok()?.min(data.len() - 1);
                                    Some((a, b))
                                });
                        match ranged {
                            Some((a, b)) => {
                                served2.fetch_add((b + 1 - a) as u64, Ordering::Relaxed);
                                Response::from_data(data[a..=b].to_vec())
                                    .with_status_code(206)
                                    .with_header(header(&format!(
                                        "Content-Range: bytes {a}-{b}/{}",
                                        data.len()
                                    )))
                            }
                            None => {
                                if !is_head {
                                    served2.fetch_add(data.len() as u64, Ordering::Relaxed);
                                }
                                Response::from_data(data.clone())
                            }
                        }
                    }
                    _ => Response::from_data(b"not here".to_vec()).with_status_code(404),
                };
                // Always a Content-Length (tiny_http would switch big bodies to chunked).
                let _ = req.respond(response.with_chunked_threshold(usize::MAX));
            }
        });
        TestServer {
            base: format!("http://127.0.0.1:{port}"),
            served,
            stop,
            thread: Some(thread),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.base)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// An MP3 with 3 MiB of cover art in its ID3v2 tag and an ID3v1 tag at the end.
fn big_cover_art_mp3() -> Vec<u8> {
    let art = 3 << 20;
    let mut v = b"ID3\x03\x00\x00".to_vec();
    v.extend([
        (art >> 21) as u8 & 0x7F,
        (art >> 14) as u8 & 0x7F,
        (art >> 7) as u8 & 0x7F,
        art as u8 & 0x7F,
    ]);
    v.extend(std::iter::repeat_n(0x55u8, art));
    v.extend(fixture("mp3-cbr-info.mp3"));
    let mut v1 = b"TAG".to_vec();
    v1.resize(128, 0);
    v.extend(v1);
    v
}

fn files() -> HashMap<&'static str, Vec<u8>> {
    HashMap::from([
        ("ep1.mp3", fixture("mp3-cbr-info.mp3")),
        ("ep2.m4a", fixture("m4a-moov-last.m4a")),
        ("ep3.opus", fixture("opus.opus")),
        ("cover-art.mp3", big_cover_art_mp3()),
        ("text.mp3", fixture("text.mp3")),
    ])
}

#[test]
fn remote_files_probe_like_local_ones() {
    let server = TestServer::start(files());
    for (name, local) in [
        ("ep1.mp3", "mp3-cbr-info.mp3"),
        ("ep2.m4a", "m4a-moov-last.m4a"),
        ("ep3.opus", "opus.opus"),
    ] {
        let remote = probe_url(&server.url(&format!("ok/{name}"))).unwrap();
        let local = onair::audio::probe_file_detailed(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/audio")
                .join(local),
        )
        .unwrap();
        assert_eq!(remote.facts, local.facts, "{name}");
        assert_eq!(remote.samples, local.samples, "{name}");
    }
}

#[test]
fn only_the_headers_are_downloaded() {
    let server = TestServer::start(files());
    let p = probe_url(&server.url("ok/cover-art.mp3")).unwrap();
    assert_eq!(p.facts.format, AudioFormat::Mp3);
    assert_eq!(p.samples, Some(52000));
    assert_eq!(p.facts.size, big_cover_art_mp3().len() as u64);
    let served = server.served.load(Ordering::Relaxed);
    assert!(
        served < 1 << 20,
        "downloaded {served} bytes of a 3 MiB file"
    );
}

#[test]
fn redirects_are_followed_and_loops_stopped() {
    let server = TestServer::start(files());
    let p = probe_url(&server.url("redirect/ep2.m4a")).unwrap();
    assert_eq!(p.facts.format, AudioFormat::M4a);
    let e = probe_url(&server.url("loop")).unwrap_err();
    assert_eq!(e, "more than 5 redirects (a redirect loop?)");
}

#[test]
fn http_errors_are_clear() {
    let server = TestServer::start(files());
    assert_eq!(
        probe_url(&server.url("ok/nope.mp3")).unwrap_err(),
        "not found on the server (HTTP 404)"
    );
    let e = probe_url(&server.url("norange/cover-art.mp3")).unwrap_err();
    assert!(
        e.starts_with("the server does not support byte ranges"),
        "{e}"
    );
    // A small file sent whole is fine even without range support.
    probe_url(&server.url("norange/ep1.mp3")).unwrap();
    // Without HEAD, a one-byte range tells the size.
    let p = probe_url(&server.url("nohead/ep3.opus")).unwrap();
    assert_eq!(p.samples, Some(50000));
    let e = probe_url(&server.url("ok/text.mp3")).unwrap_err();
    assert!(e.starts_with("this is a text file"), "{e}");
    assert_eq!(
        probe_url("ftp://example.com/a.mp3").unwrap_err(),
        "only http:// and https:// URLs can be probed"
    );
}

#[test]
fn a_silent_server_times_out() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accept and say nothing, for a bounded time.
    let holder = std::thread::spawn(move || {
        let conn = listener.accept();
        std::thread::sleep(Duration::from_millis(1500));
        drop(conn);
    });
    let options = RemoteOptions {
        timeout: Duration::from_millis(500),
        ..RemoteOptions::default()
    };
    let e = probe_url_with(&format!("http://127.0.0.1:{port}/ep1.mp3"), options).unwrap_err();
    assert_eq!(e, "the server did not answer within 0.5 s (timeout)");
    holder.join().unwrap();
}

#[test]
fn probe_lock_records_a_url_for_later_builds() {
    let server = TestServer::start(files());
    let site = tempfile::tempdir().unwrap();
    let url = server.url("ok/ep2.m4a");
    assert!(resolve_remote(&url, &Lock::load(site.path()).unwrap(), false).is_err());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_onair"))
        .args(["probe", "--lock", "--site"])
        .arg(site.path())
        .arg(&url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lock = Lock::load(site.path()).unwrap();
    let r = resolve_remote(&url, &lock, false).unwrap();
    assert_eq!(r.facts.format, AudioFormat::M4a);
    assert!((r.facts.duration - 50000.0 / 44100.0).abs() < 0.001);
    assert!(r.lock_entry.is_none());
    // And with network allowed but nothing locked, the build gets a lock entry to merge.
    let r = resolve_remote(&server.url("ok/ep1.mp3"), &lock, true).unwrap();
    assert_eq!(r.lock_entry.unwrap().facts, r.facts);
}
