//! The import corpus: tests/fixtures/import-corpus/ (made by scripts/make-import-corpus.py),
//! small feeds of the kinds real shows have. Every feed imports without --strict; every item
//! with an audio enclosure becomes an episode and the rest are counted as skipped or guessed
//! as expected.json says; the imported site builds once the TODOs in its site.yaml are filled;
//! and the built feed, read back, keeps every GUID with its enclosure URL.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use onair::import::{ImportOptions, feed, import};
use onair::pipeline::{BuildOptions, build_site};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import-corpus")
}

#[derive(serde::Deserialize)]
struct Expected {
    episodes: Vec<Episode>,
    skipped: usize,
    guessed: usize,
}

#[derive(serde::Deserialize)]
struct Episode {
    guid: String,
    url: String,
}

/// Serves a real MP3 (a probe fixture) at every path, for the items whose facts the import
/// has to probe because the feed's are missing or unreadable.
fn audio_server() -> String {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let base = format!("http://{}", server.server_addr().to_ip().unwrap());
    let mp3 = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audio/mp3-cbr-info.mp3"),
    )
    .unwrap();
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let header = tiny_http::Header::from_bytes("Content-Type", "audio/mpeg").unwrap();
            let _ =
                request.respond(tiny_http::Response::from_data(mp3.clone()).with_header(header));
        }
    });
    base
}

/// Adds what site.yaml lacks, as a podcaster following the import's TODO lines would.
fn fill_todos(site: &Path) {
    let path = site.join("site.yaml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    let has = |text: &str, key: &str| text.lines().any(|l| l.starts_with(&format!("{key}:")));
    for (key, value) in [
        ("title", "Filled Title"),
        ("description", "Filled in after the import."),
        ("url", "https://filled.example.net"),
        ("author", "Filled Author"),
        ("categories", "[Education]"),
        ("image", "assets/cover.png"),
    ] {
        if !has(&text, key) {
            text.push_str(&format!("{key}: {value}\n"));
            if key == "image" {
                std::fs::create_dir_all(site.join("assets")).unwrap();
                std::fs::copy(
                    Path::new(env!("CARGO_MANIFEST_DIR"))
                        .join("tests/fixtures/sites/basic/assets/cover.png"),
                    site.join("assets/cover.png"),
                )
                .unwrap();
            }
        }
    }
    std::fs::write(&path, text).unwrap();
}

fn options(feed: &Path, dir: &Path) -> ImportOptions {
    ImportOptions {
        feed: feed.to_str().unwrap().to_string(),
        dir: dir.to_path_buf(),
        download: false,
        download_audio: false,
        url: None,
        allow_network: true,
        strict: false,
        keep_posts: false,
        show: None,
    }
}

fn messages(d: &onair::diag::Diagnostics) -> String {
    d.iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_corpus_feed_imports_and_builds_keeping_guids_and_enclosures() {
    let expected: BTreeMap<String, Expected> =
        serde_json::from_str(&std::fs::read_to_string(corpus().join("expected.json")).unwrap())
            .unwrap();
    assert!(expected.len() >= 40, "{} feeds", expected.len());
    let audio_base = audio_server();
    let tmp = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (name, want) in &expected {
        let original = std::fs::read(corpus().join(name)).unwrap();
        let placeholder = b"{AUDIO_BASE}";
        let mut bytes = Vec::new();
        let mut rest = &original[..];
        while let Some(i) = rest
            .windows(placeholder.len())
            .position(|w| w == placeholder)
        {
            bytes.extend_from_slice(&rest[..i]);
            bytes.extend_from_slice(audio_base.as_bytes());
            rest = &rest[i + placeholder.len()..];
        }
        bytes.extend_from_slice(rest);
        let feed_path = tmp.path().join(name);
        std::fs::write(&feed_path, &bytes).unwrap();
        let site = tmp.path().join(name.trim_end_matches(".xml"));
        let report = match import(&options(&feed_path, &site)) {
            Ok(r) => r,
            Err(d) => {
                failures.push(format!("{name}: import failed:\n{}", messages(&d)));
                continue;
            }
        };
        let episodes = report
            .written
            .iter()
            .filter(|f| f.starts_with("episodes/"))
            .count();
        if (episodes, report.skipped.len(), report.guessed.len())
            != (want.episodes.len(), want.skipped, want.guessed)
        {
            failures.push(format!(
                "{name}: {episodes} episodes, skipped {:?}, guessed {:?}; expected {} episodes, {} skipped, {} guessed",
                report.skipped,
                report.guessed,
                want.episodes.len(),
                want.skipped,
                want.guessed
            ));
        }
        fill_todos(&site);
        let built = match build_site(&BuildOptions {
            root: site.clone(),
            allow_network: false,
            at: None,
            ..BuildOptions::default()
        }) {
            Ok(b) => b,
            Err(d) => {
                failures.push(format!(
                    "{name}: the imported site does not build:\n{}",
                    messages(&d)
                ));
                continue;
            }
        };
        let xml = String::from_utf8(built.output.bytes("feed.xml").unwrap().to_vec()).unwrap();
        let published = feed::parse(&xml).expect("the built feed parses back");
        let got: BTreeMap<String, String> = published
            .items
            .iter()
            .map(|i| {
                (
                    i.guid.clone().unwrap_or_default(),
                    i.enclosure
                        .as_ref()
                        .map(|e| e.url.clone())
                        .unwrap_or_default(),
                )
            })
            .collect();
        let want_map: BTreeMap<String, String> = want
            .episodes
            .iter()
            .map(|e| (e.guid.clone(), e.url.replace("{AUDIO_BASE}", &audio_base)))
            .collect();
        if got != want_map {
            failures.push(format!(
                "{name}: published {got:#?}, expected {want_map:#?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn onair(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_onair"))
        .args(args)
        .current_dir(corpus())
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn the_command_line_says_what_it_skipped_and_guessed() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let site = site.to_str().unwrap();
    let (code, stderr) = onair(&["import", "20-announcement-post.xml", site]);
    assert_eq!(code, Some(0), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines[..2],
        [
            "20-announcement-post.xml:10:1: warning: \"We are on a break\" has no <enclosure>: onair publishes episodes with audio (--keep-posts writes such items as pages); skipped (not an episode of the new site)",
            &format!(
                "imported 2 episode(s) into {site} (3 file(s) written, 0 already there); skipped 1 (no audio enclosure: 1); guessed 0; 1 warning(s) above"
            )[..],
        ],
        "{stderr}"
    );

    let site2 = tmp.path().join("site2");
    let (code, stderr) = onair(&[
        "import",
        "14-no-pubdate-old-items.xml",
        site2.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("14-no-pubdate-old-items.xml:12:1: warning: \"Field notes 4\": has no <pubDate>: dated 2025-02-17 08:00:00 +0000, after the item at line 11 in the feed's order; check `date:` in its file"),
        "{stderr}"
    );
    assert!(
        stderr.contains("; skipped 0; guessed 2 (date: 2);"),
        "{stderr}"
    );
    // The guessed dates keep the feed's order, and each episode its GUID.
    let ep = std::fs::read_to_string(site2.join("episodes/2025-02-16-field-notes-5.md")).unwrap();
    assert!(ep.contains("guid: fieldnotes-5\n"), "{ep}");

    let site3 = tmp.path().join("site3");
    let (_, stderr) = onair(&[
        "import",
        "27-several-enclosures.xml",
        site3.to_str().unwrap(),
    ]);
    assert!(
        stderr.contains("warning: \"Field notes 2\": has 2 enclosures; the episode's audio is https://media.example.net/show/fieldnotes-2.mp3, and https://media.example.net/show/fieldnotes-2.mp4 is not carried over"),
        "{stderr}"
    );
}

#[test]
fn strict_keeps_all_or_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let (code, stderr) = onair(&[
        "import",
        "--strict",
        "18-bad-pubdate.xml",
        site.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("18-bad-pubdate.xml:10:1: error: \"Field notes 2\": <pubDate>sometime in May</pubDate> is not an RFC 2822 date"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(!site.exists());
}

#[test]
fn keep_posts_makes_items_without_audio_pages_that_build() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let (code, stderr) = onair(&[
        "import",
        "--keep-posts",
        "20-announcement-post.xml",
        site.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("\"We are on a break\": has no <enclosure>, so it is not an episode: kept as the page pages/we-are-on-a-break.md"),
        "{stderr}"
    );
    assert!(
        stderr.contains("skipped 1 (no audio, kept as pages/we-are-on-a-break.md: 1)"),
        "{stderr}"
    );
    let page = std::fs::read_to_string(site.join("pages/we-are-on-a-break.md")).unwrap();
    assert_eq!(
        page,
        "---\ntitle: We are on a break\nmenu: false\n---\n\nBack in April. Thanks for listening!\n"
    );
    let built = build_site(&BuildOptions {
        root: site.clone(),
        ..BuildOptions::default()
    })
    .unwrap_or_else(|d| panic!("{}", messages(&d)));
    let html = String::from_utf8(
        built
            .output
            .bytes("we-are-on-a-break/index.html")
            .expect("the page is published")
            .to_vec(),
    )
    .unwrap();
    assert!(html.contains("Back in April."), "{html}");
}

#[test]
fn check_reports_each_problem_of_a_corpus_feed_once_with_its_rule() {
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(corpus()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if !name.ends_with(".xml") || name.contains("AUDIO_BASE") {
            continue;
        }
        let out = Command::new(env!("CARGO_BIN_EXE_onair"))
            .args(["check", &name])
            .current_dir(corpus())
            .output()
            .unwrap();
        if !matches!(out.status.code(), Some(0 | 1)) {
            failures.push(format!("{name}: exit {:?}", out.status.code()));
        }
        let stderr = String::from_utf8(out.stderr).unwrap();
        let problems: Vec<&str> = stderr
            .lines()
            .filter(|l| l.contains(": error[") || l.contains(": warning["))
            .collect();
        let mut seen = std::collections::HashSet::new();
        for p in &problems {
            if !seen.insert(*p) {
                failures.push(format!("{name}: reported twice: {p}"));
            }
        }
        // Every line is a located problem with its rule id, or the closing count.
        let summary = |l: &str| {
            let tail = l.rsplit(": ").next().unwrap_or("");
            tail.contains(" error") && (tail.ends_with(" warning") || tail.ends_with(" warnings"))
        };
        for line in stderr.lines() {
            if !summary(line) && !line.contains(": error[") && !line.contains(": warning[") {
                failures.push(format!("{name}: a line without a rule id: {line}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
