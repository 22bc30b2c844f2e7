//! `onair serve` end to end: the real binary on an ephemeral port over a copy of the example
//! site. Edits reach open pages, errors show as an overlay and go when fixed, and the site
//! folder (public/ above all) is left as it was.

mod serve_support;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serve_support::{EventStream, get, get_range};

mod site_support;
use site_support::copy_site;

const WAIT: Duration = Duration::from_secs(60);
const EPISODE: &str = "episodes/2026-01-13-two-cans-and-a-string.md";

fn example_site() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site")
}

/// Every file under `dir` with its bytes (and every folder), to compare before and after.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let content = e
                .file_type()
                .is_file()
                .then(|| std::fs::read(e.path()).unwrap());
            (e.path().strip_prefix(dir).unwrap().to_path_buf(), content)
        })
        .collect()
}

struct Serve {
    child: Child,
    addr: SocketAddr,
    lines: mpsc::Receiver<String>,
}

impl Serve {
    fn start(site: &Path) -> Serve {
        use std::os::unix::process::CommandExt;
        let mut command = Command::new(env!("CARGO_BIN_EXE_onair"));
        command
            .args(["serve", "--port", "0"])
            .arg(site)
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        // A test run started in the background of a non-interactive shell inherits SIGINT
        // ignored; the server must see the Ctrl+C this test sends it.
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            command.pre_exec(|| {
                libc::signal(libc::SIGINT, libc::SIG_DFL);
                Ok(())
            });
        }
        let mut child = command.spawn().unwrap();
        let (tx, lines) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut seen = Vec::new();
        let addr = loop {
            let line = lines
                .recv_timeout(WAIT)
                .unwrap_or_else(|_| panic!("serve printed no URL; printed {seen:?}"));
            if let Some(url) = line.strip_prefix("onair: serving http://") {
                break url.trim_end_matches('/').parse().unwrap();
            }
            seen.push(line);
        };
        assert!(
            seen.iter()
                .any(|l| l.starts_with("onair: first build in ") && l.contains(" ms")),
            "{seen:?}"
        );
        Serve { child, addr, lines }
    }

    /// Wait for a line of output containing `text`.
    fn expect_line(&self, text: &str) -> String {
        let deadline = Instant::now() + WAIT;
        while let Ok(line) = self.lines.recv_timeout(deadline - Instant::now()) {
            if line.contains(text) {
                return line;
            }
        }
        panic!("serve printed no line with {text:?}");
    }

    /// Ctrl+C, and the process is gone soon after.
    fn interrupt(mut self) {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = Instant::now() + WAIT;
        loop {
            if self.child.try_wait().unwrap().is_some() {
                return;
            }
            assert!(Instant::now() < deadline, "serve did not exit on SIGINT");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn setup() -> (tempfile::TempDir, PathBuf) {
    copy_site(&example_site())
}

#[test]
fn serves_edits_errors_and_leaves_the_site_folder_alone() {
    let (_tmp, site) = setup();
    // A public/ from an earlier `onair build`, with a file of the user's own in it.
    std::fs::create_dir_all(site.join("public/episodes")).unwrap();
    std::fs::write(site.join("public/index.html"), "old build").unwrap();
    std::fs::write(site.join("public/CNAME"), "podcast.example.com").unwrap();
    std::fs::write(site.join("assets/style.css"), "body { color: black; }").unwrap();
    let public_before = snapshot(&site.join("public"));

    let serve = Serve::start(&site);
    let a = serve.addr;

    // Pages and assets.
    let home = get(a, "/");
    assert_eq!(home.status, 200);
    assert!(home.text().contains("Tin Can Radio"));
    assert!(home.text().contains("/_onair/events"));
    // Tera escapes `/` in attributes as `&#x2F;`, which browsers decode.
    let css_href = home
        .text()
        .replace("&#x2F;", "/")
        .split('"')
        .find(|s| s.starts_with("/assets/style.") && s.ends_with(".css"))
        .expect("the home page links the stylesheet")
        .to_string();
    let css = get(a, &css_href);
    assert_eq!(css.status, 200);
    assert_eq!(css.header("Content-Type"), Some("text/css; charset=utf-8"));
    assert_eq!(css.text(), "body { color: black; }");
    let episode = get(a, "/episodes/two-cans-and-a-string/");
    assert_eq!(episode.status, 200);
    assert!(episode.text().contains("Two Cans and a String"));
    // The player's audio and the artwork are the preview's own files, not the live site's.
    let page = episode.text().replace("&#x2F;", "/");
    let attr = |before: &str| {
        let rest =
            &page[page.find(before).unwrap_or_else(|| panic!("no {before}")) + before.len()..];
        rest[..rest.find('"').unwrap()].to_string()
    };
    for src in [
        attr("<audio controls preload=\"none\" src=\""),
        attr("<img class=\"ep-art\" src=\""),
    ] {
        assert!(src.starts_with('/'), "{src}");
        assert_eq!(get(a, &src).status, 200, "{src}");
    }
    let feed = get(a, "/feed.xml");
    assert_eq!(feed.status, 200);
    assert!(feed.text().contains("<title>Two Cans and a String</title>"));
    assert_eq!(get(a, "/episodes/no-such-episode/").status, 404);
    let audio = std::fs::read(site.join("audio/001-string-telephone.mp3")).unwrap();
    let first = get_range(a, "/audio/001-string-telephone.mp3", "bytes=0-99");
    assert_eq!(first.status, 206);
    assert_eq!(first.body, &audio[..100]);
    let app = get(a, "/_onair/").text();
    assert!(app.contains("Two Cans and a String"));
    assert!(app.contains("onair check: "), "{app}");

    let mut events = EventStream::open(a);
    events.expect("hello", WAIT);

    // Edit an episode: a reload, and the new content.
    edit(
        &site.join(EPISODE),
        "title: Two Cans and a String",
        "title: Two Cans and a Tight String",
    );
    events.expect("reload", WAIT);
    let line = serve.expect_line("rebuilt in");
    assert!(line.ends_with(&format!(" ms ({EPISODE})")), "{line}");
    let episode = get(a, "/episodes/two-cans-and-a-string/").text();
    assert!(episode.contains("Two Cans and a Tight String"), "{episode}");
    assert!(
        get(a, "/feed.xml")
            .text()
            .contains("Two Cans and a Tight String")
    );

    // Break the front matter: the overlay names the place; the last good build stays.
    edit(
        &site.join(EPISODE),
        "title: Two Cans and a Tight String",
        "title: [Two Cans",
    );
    let overlay = events.expect("overlay", WAIT);
    serve.expect_line("1 error(s) after episodes/");
    let html = overlay.data["html"].as_str().unwrap().to_string();
    assert!(html.contains(&format!("{EPISODE}:2:8</code>")), "{html}");
    assert!(
        html.contains("invalid type: sequence, expected a string"),
        "{html}"
    );
    let page = get(a, "/episodes/two-cans-and-a-string/").text();
    assert!(page.contains("Two Cans and a Tight String"));
    assert!(page.contains("id=\"onair-overlay\""));
    assert!(page.contains(&format!("{EPISODE}:2:8")));

    // Fix it: a reload, and the overlay is gone.
    edit(&site.join(EPISODE), "title: [Two Cans", "title: Fixed Cans");
    events.expect("reload", WAIT);
    serve.expect_line("fixed: rebuilt in");
    let page = get(a, "/episodes/two-cans-and-a-string/").text();
    assert!(page.contains("Fixed Cans"));
    assert!(!page.contains("id=\"onair-overlay\""));

    // A stylesheet edit is swapped into open pages without a reload.
    std::fs::write(site.join("assets/style.css"), "body { color: red; }").unwrap();
    let swap = events.expect("css", WAIT);
    let swaps = swap.data["swaps"].as_array().unwrap();
    assert_eq!(swaps.len(), 1, "{swaps:?}");
    assert_eq!(swaps[0]["from"], css_href.as_str());
    let to = swaps[0]["to"].as_str().unwrap();
    assert_eq!(get(a, to).text(), "body { color: red; }");

    // Editor droppings and public/ changes do not rebuild.
    std::fs::write(site.join("episodes/.notes.md.swp"), "x").unwrap();
    std::fs::write(site.join(format!("{EPISODE}~")), "x").unwrap();
    assert!(events.next(Duration::from_millis(800)).is_none());
    std::fs::remove_file(site.join("episodes/.notes.md.swp")).unwrap();
    std::fs::remove_file(site.join(format!("{EPISODE}~"))).unwrap();

    let before_exit = snapshot(&site);
    serve.interrupt();
    assert_eq!(snapshot(&site.join("public")), public_before);
    // Nothing left behind: the site folder is exactly as it was while serving.
    assert_eq!(snapshot(&site), before_exit);
    // In .onair/ at most the audio stats cache (docs/probing.md), never a staging folder.
    let onair_dir: Vec<String> = std::fs::read_dir(site.join(".onair"))
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    assert!(
        onair_dir.iter().all(|n| n == "audio-stats.json"),
        "{onair_dir:?}"
    );
}

#[test]
fn a_site_broken_from_the_start_is_served_with_the_overlay_until_fixed() {
    let (_tmp, site) = setup();
    edit(
        &site.join(EPISODE),
        "title: Two Cans and a String",
        "title: [Two Cans",
    );
    let serve = Serve::start(&site);
    let home = get(serve.addr, "/");
    assert_eq!(home.status, 404);
    assert!(home.text().contains("id=\"onair-overlay\""));
    assert!(home.text().contains(&format!("{EPISODE}:2:8")));
    let mut events = EventStream::open(serve.addr);
    events.expect("hello", WAIT);
    edit(&site.join(EPISODE), "title: [Two Cans", "title: Two Cans");
    events.expect("reload", WAIT);
    let home = get(serve.addr, "/");
    assert_eq!(home.status, 200);
    assert!(!home.text().contains("id=\"onair-overlay\""));
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let (_tmp, site) = setup();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let out = Command::new(env!("CARGO_BIN_EXE_onair"))
        .args(["serve", "--port", &port.to_string()])
        .arg(&site)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "error: cannot listen on 127.0.0.1:{port}: port {port} is already in use"
        )),
        "{stderr}"
    );
}

/// A network (scripts/make-example-network.sh) is served with every show and the network's
/// own pages, and an edit in one show reloads the pages with the new content everywhere it
/// shows (the show's page and the combined feed); nothing is written to public/.
#[test]
fn a_network_is_served_with_every_show_live() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("net");
    site_support::example_network(&root);
    let serve = Serve::start(&root);
    let a = serve.addr;
    for path in [
        "/",
        "/shows/",
        "/shows/feed.xml",
        "/shows/publisher.xml",
        "/solder-club/",
        "/night-shift/episodes/the-last-tram/",
        "/solder-club/audio/solder-01.mp3",
    ] {
        assert_eq!(get(a, path).status, 200, "{path}");
    }
    let mut events = EventStream::open(a);
    events.expect("hello", WAIT);
    edit(
        &root.join("shows/night-shift/episodes/2026-01-16-the-last-tram.md"),
        "title: The Last Tram",
        "title: The Very Last Tram",
    );
    events.expect("reload", WAIT);
    let line = serve.expect_line("rebuilt in");
    assert!(
        line.ends_with(" ms (shows/night-shift/episodes/2026-01-16-the-last-tram.md)"),
        "{line}"
    );
    let page = get(a, "/night-shift/episodes/the-last-tram/").text();
    assert!(page.contains("The Very Last Tram"), "{page}");
    assert!(
        get(a, "/shows/feed.xml")
            .text()
            .contains("The Very Last Tram")
    );
    assert!(get(a, "/shows/").text().contains("The Very Last Tram"));
    // A new episode with its audio in another show: also live.
    std::fs::copy(
        root.join("shows/solder-club/audio/solder-01.mp3"),
        root.join("shows/solder-club/audio/solder-03.mp3"),
    )
    .unwrap();
    std::fs::write(
        root.join("shows/solder-club/episodes/2026-02-05-flux.md"),
        "---\ntitle: A Word About Flux\ndate: 2026-02-05 18:00:00\naudio: audio/solder-03.mp3\nguid: solder-club-003\n---\nRosin, and why it smokes.\n",
    )
    .unwrap();
    events.expect("reload", WAIT);
    assert!(
        get(a, "/solder-club/episodes/flux/")
            .text()
            .contains("A Word About Flux")
    );
    assert!(get(a, "/shows/feed.xml").text().contains("solder-club-003"));
    assert!(!root.join("public").exists(), "serve never writes public/");
    serve.interrupt();
}
