//! The serve HTTP layer over real sockets: a server on an ephemeral port answering from a
//! hand-built SiteOutput (the build is exercised in serve_live.rs).

mod serve_support;

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use onair::diag::Diagnostic;
use onair::output::SiteOutput;
use onair::serve::{BindError, LiveSite, Server};
use serve_support::{EventStream, get, get_answer, get_range, request};

struct Fixture {
    dir: tempfile::TempDir,
    root: PathBuf,
    audio: Vec<u8>,
    server: Server,
}

impl Fixture {
    fn addr(&self) -> SocketAddr {
        self.server.addr()
    }
    fn site(&self) -> &Arc<LiveSite> {
        self.server.site()
    }
}

fn output(root: &std::path::Path, home: &str, css: (&str, &str)) -> SiteOutput {
    let mut out = SiteOutput::new();
    out.insert_bytes(
        "index.html",
        format!(
            "<!doctype html><html><head><link rel=\"stylesheet\" href=\"/{}\"></head>\
             <body><h1>{home}</h1></body></html>",
            css.0
        )
        .into_bytes(),
    );
    out.insert_bytes(
        "episodes/pilot/index.html",
        b"<!doctype html><html><body><h1>Pilot</h1></body></html>".to_vec(),
    );
    out.insert_bytes(
        "404.html",
        b"<!doctype html><html><body><h1>Lost in the static</h1></body></html>".to_vec(),
    );
    out.insert_bytes(
        "feed.xml",
        b"<?xml version=\"1.0\"?><rss version=\"2.0\"/>".to_vec(),
    );
    out.insert_bytes(css.0, css.1.as_bytes().to_vec());
    out.insert_bytes(
        "episodes/pilot/chapters.json",
        b"{\"chapters\":[]}".to_vec(),
    );
    out.insert_bytes("episodes/pilot/transcript.vtt", b"WEBVTT\n".to_vec());
    out.insert_bytes("assets/cover.0123abcd.png", b"\x89PNG\r\n".to_vec());
    out.insert_copy("audio/pilot.mp3", root.join("audio/pilot.mp3"));
    out
}

fn start() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    std::fs::create_dir_all(root.join("audio")).unwrap();
    let audio: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(root.join("audio/pilot.mp3"), &audio).unwrap();
    std::fs::write(dir.path().join("secret.txt"), "TOP SECRET").unwrap();
    std::fs::write(root.join("site.yaml"), "title: SITE YAML CONTENT\n").unwrap();
    let out = output(
        &root,
        "Home",
        ("assets/style.aaaaaaaa.css", "body{color:black}"),
    );
    let site = Arc::new(LiveSite::new(&root, out, None));
    let server = Server::bind("127.0.0.1:0".parse().unwrap(), site).unwrap();
    Fixture {
        dir,
        root,
        audio,
        server,
    }
}

#[test]
fn pages_and_assets_with_their_types() {
    let f = start();
    let cases = [
        ("/", "text/html; charset=utf-8"),
        ("/episodes/pilot/", "text/html; charset=utf-8"),
        // What `onair deploy` sets on the store too (one table, crate::mime).
        ("/feed.xml", "application/rss+xml; charset=utf-8"),
        ("/assets/style.aaaaaaaa.css", "text/css; charset=utf-8"),
        ("/assets/cover.0123abcd.png", "image/png"),
        ("/episodes/pilot/chapters.json", "application/json+chapters"),
        ("/episodes/pilot/transcript.vtt", "text/vtt; charset=utf-8"),
        ("/audio/pilot.mp3", "audio/mpeg"),
    ];
    for (path, ctype) in cases {
        let r = get(f.addr(), path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("Content-Type"), Some(ctype), "{path}");
        assert_eq!(r.header("Accept-Ranges"), Some("bytes"), "{path}");
        assert_eq!(
            r.header("Content-Length")
                .map(|l| l.parse::<usize>().unwrap()),
            Some(r.body.len()),
            "{path}"
        );
    }
    let home = get(f.addr(), "/").text();
    assert!(home.contains("<h1>Home</h1>"));
    // The live-reload script sits just before </body>.
    let script = home.find("<script data-onair-live>").unwrap();
    assert!(script > home.find("<h1>Home</h1>").unwrap());
    assert!(home[script..].contains("/_onair/events"));
    assert!(home.trim_end().ends_with("</script>\n</body></html>"));

    assert_eq!(get(f.addr(), "/audio/pilot.mp3").body, f.audio);
    // Non-HTML is served byte for byte, with no script.
    assert_eq!(
        get(f.addr(), "/feed.xml").text(),
        "<?xml version=\"1.0\"?><rss version=\"2.0\"/>"
    );
}

#[test]
fn directory_without_slash_redirects_and_missing_pages_get_the_404_page() {
    let f = start();
    let r = get(f.addr(), "/episodes/pilot");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("Location"), Some("/episodes/pilot/"));
    let r = get(f.addr(), "/episodes/nope/");
    assert_eq!(r.status, 404);
    assert!(r.text().contains("Lost in the static"));
    assert!(r.text().contains("/_onair/events"));
}

#[test]
fn head_sends_headers_only() {
    let f = start();
    let r = request(f.addr(), "HEAD", "/audio/pilot.mp3", &[]);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Length"), Some("100000"));
    assert_eq!(r.header("Content-Type"), Some("audio/mpeg"));
    assert!(r.body.is_empty());
}

#[test]
fn range_requests_on_audio() {
    let f = start();
    let a = f.addr();
    let first = get_range(a, "/audio/pilot.mp3", "bytes=0-1023");
    assert_eq!(first.status, 206);
    assert_eq!(first.header("Content-Range"), Some("bytes 0-1023/100000"));
    assert_eq!(first.header("Content-Length"), Some("1024"));
    assert_eq!(first.body, &f.audio[..1024]);

    let middle = get_range(a, "/audio/pilot.mp3", "bytes=50000-50099");
    assert_eq!(middle.status, 206);
    assert_eq!(
        middle.header("Content-Range"),
        Some("bytes 50000-50099/100000")
    );
    assert_eq!(middle.body, &f.audio[50000..50100]);

    let open_ended = get_range(a, "/audio/pilot.mp3", "bytes=99990-");
    assert_eq!(open_ended.status, 206);
    assert_eq!(open_ended.body, &f.audio[99990..]);

    let suffix = get_range(a, "/audio/pilot.mp3", "bytes=-500");
    assert_eq!(suffix.status, 206);
    assert_eq!(
        suffix.header("Content-Range"),
        Some("bytes 99500-99999/100000")
    );
    assert_eq!(suffix.body, &f.audio[99500..]);

    let past = get_range(a, "/audio/pilot.mp3", "bytes=100000-100100");
    assert_eq!(past.status, 416);
    assert_eq!(past.header("Content-Range"), Some("bytes */100000"));
    assert!(past.body.is_empty());

    let head = request(a, "HEAD", "/audio/pilot.mp3", &["Range: bytes=10-19"]);
    assert_eq!(head.status, 206);
    assert_eq!(head.header("Content-Length"), Some("10"));
    assert!(head.body.is_empty());
}

#[test]
fn traversal_attempts_never_reach_a_file() {
    let f = start();
    let secret = f.dir.path().join("secret.txt");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&secret, f.root.join("audio/leak.mp3")).unwrap();
    let mut out = output(&f.root, "Home", ("assets/style.aaaaaaaa.css", "x"));
    out.insert_copy("audio/leak.mp3", f.root.join("audio/leak.mp3"));
    f.site().publish(out, false);

    let absolute = format!("/{}", secret.display());
    let attempts = [
        "/../secret.txt",
        "/../../../../../../etc/passwd",
        "/audio/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/etc/passwd",
        "/audio/%2e%2e/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/audio%2f..%2f..%2fsecret.txt",
        "/audio%5c..%5c..%5csecret.txt",
        "/%2fetc%2fpasswd",
        "//etc/passwd",
        absolute.as_str(),
        "/site.yaml",
        "/../site/site.yaml",
        "/audio/leak.mp3",
    ];
    for target in attempts {
        let r = get(f.addr(), target);
        assert!(
            r.status == 403 || r.status == 404,
            "{target} answered {}",
            r.status
        );
        let text = r.text();
        assert!(!text.contains("TOP SECRET"), "{target}");
        assert!(!text.contains("SITE YAML CONTENT"), "{target}");
        assert!(!text.contains("root:"), "{target}");
    }
}

// Under load this once left a request unanswered for 90 s: tiny_http's pool had queued the
// connection behind threads held by the stalled clients (see `nudge_loop` in src/serve).
#[test]
fn stalled_and_slow_clients_do_not_block_others() {
    let f = start();
    let a = f.addr();
    // Big enough that an unread response fills the socket buffers and its writer blocks.
    let long = f.root.join("audio/long.mp3");
    std::fs::write(&long, vec![7u8; 16 << 20]).unwrap();
    let mut out = output(&f.root, "Home", ("assets/style.aaaaaaaa.css", "x"));
    out.insert_copy("audio/long.mp3", long);
    f.site().publish(out, false);
    let mut held = Vec::new();
    // 25 clients that send half a request line and then nothing.
    for _ in 0..25 {
        let mut s = TcpStream::connect(a).unwrap();
        s.write_all(b"GET /episodes/pi").unwrap();
        held.push(s);
    }
    // 25 clients that ask for the audio and never read it.
    for _ in 0..25 {
        let mut s = TcpStream::connect(a).unwrap();
        write!(s, "GET /audio/long.mp3 HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        held.push(s);
    }
    // 50 concurrent clients all get their pages.
    let threads: Vec<_> = (0..50)
        .map(|i| {
            std::thread::spawn(move || {
                let target = if i % 2 == 0 { "/" } else { "/audio/pilot.mp3" };
                get_answer(a, target).status
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), 200);
    }
    drop(held);
}

#[test]
fn rebuilds_reach_open_pages() {
    let f = start();
    let mut events = EventStream::open(f.addr());
    let hello = events.expect("hello", Duration::from_secs(10));
    let generation = hello.data["generation"].as_u64().unwrap();
    assert_eq!(generation, f.site().current().generation);

    // A new build: reload, and the new content is served.
    f.site().publish(
        output(
            &f.root,
            "Home, edited",
            ("assets/style.aaaaaaaa.css", "body{}"),
        ),
        false,
    );
    let reload = events.expect("reload", Duration::from_secs(10));
    assert_eq!(reload.data["generation"].as_u64(), Some(generation + 1));
    assert!(get(f.addr(), "/").text().contains("Home, edited"));

    // A failed build: the overlay is pushed and injected, the last good build stays.
    let problem = Diagnostic::error("unknown key `titel`; did you mean `title`?")
        .at("episodes/pilot.md")
        .line_col(2, 1);
    f.site().fail(vec![problem]);
    let overlay = events.expect("overlay", Duration::from_secs(10));
    let html = overlay.data["html"].as_str().unwrap();
    assert!(html.contains("episodes/pilot.md:2:1"));
    assert!(html.contains("unknown key `titel`; did you mean `title`?"));
    let page = get(f.addr(), "/").text();
    assert!(page.contains("Home, edited"));
    assert!(page.contains("id=\"onair-overlay\""));
    assert!(page.contains("episodes/pilot.md:2:1"));
    let missing = get(f.addr(), "/nope/");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("id=\"onair-overlay\""));
    // Non-HTML files are never decorated.
    assert!(!get(f.addr(), "/feed.xml").text().contains("onair-overlay"));

    // Fixed: reload, overlay gone.
    f.site().publish(
        output(
            &f.root,
            "Home, fixed",
            ("assets/style.aaaaaaaa.css", "body{}"),
        ),
        false,
    );
    events.expect("reload", Duration::from_secs(10));
    let page = get(f.addr(), "/").text();
    assert!(page.contains("Home, fixed"));
    assert!(!page.contains("id=\"onair-overlay\""));
}

#[test]
fn a_stylesheet_change_is_swapped_without_reload() {
    let f = start();
    let mut events = EventStream::open(f.addr());
    events.expect("hello", Duration::from_secs(10));
    f.site().publish(
        output(
            &f.root,
            "Home",
            ("assets/style.bbbbbbbb.css", "body{color:red}"),
        ),
        true,
    );
    let css = events.expect("css", Duration::from_secs(10));
    assert_eq!(
        css.data["swaps"],
        serde_json::json!([{"from": "/assets/style.aaaaaaaa.css", "to": "/assets/style.bbbbbbbb.css"}])
    );
    assert_eq!(
        get(f.addr(), "/assets/style.bbbbbbbb.css").text(),
        "body{color:red}"
    );
    // Announced as a stylesheet change, but no stylesheet changed: a reload.
    f.site().publish(
        output(
            &f.root,
            "Home",
            ("assets/style.bbbbbbbb.css", "body{color:red}"),
        ),
        true,
    );
    events.expect("reload", Duration::from_secs(10));
}

#[test]
fn a_port_in_use_is_named() {
    let f = start();
    let site = f.site().clone();
    let err = Server::bind(f.addr(), site)
        .err()
        .expect("second bind must fail");
    assert!(matches!(err, BindError::InUse { .. }));
    let msg = err.to_string();
    assert!(
        msg.contains(&format!("port {} is already in use", f.addr().port())),
        "{msg}"
    );
}

#[test]
fn shutdown_stops_listening_and_ends_stream_threads() {
    let f = start();
    let addr = f.addr();
    let site = f.site().clone();
    let mut events = EventStream::open(addr);
    events.expect("hello", Duration::from_secs(10));
    assert_eq!(site.events.subscriber_count(), 1);
    f.server.shutdown();
    assert_eq!(site.events.subscriber_count(), 0);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(addr).is_ok() {
        assert!(
            std::time::Instant::now() < deadline,
            "still listening on {addr}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_app_view_lives_under_onair() {
    let f = start();
    let r = get(f.addr(), "/_onair/");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"));
    let page = r.text();
    assert!(page.contains("app view"));
    // This fixture's feed has no channel: the view says so instead of showing nothing.
    assert!(page.contains("the feed has no &lt;rss&gt;&lt;channel&gt;"));
    assert!(page.contains("/_onair/events"));
    let r = get(f.addr(), "/_onair");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("Location"), Some("/_onair/"));
    assert_eq!(get(f.addr(), "/_onair/nothing").status, 404);
}
