//! Moving a show with `onair import`, as a podcaster does it: a file:// URL, a web page given
//! instead of the feed, everything copied off the old host, the old episode pages' addresses
//! kept as redirects, posts without audio kept out of the way, and `check --against` the old
//! feed after it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use onair::import::{ImportOptions, import};

fn onair(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_onair"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn options(feed: &str, dir: &Path) -> ImportOptions {
    ImportOptions {
        feed: feed.to_string(),
        dir: dir.to_path_buf(),
        ..ImportOptions::default()
    }
}

fn messages(d: &onair::diag::Diagnostics) -> String {
    d.iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Serves `routes` (path -> (content type, body)) on 127.0.0.1; anything else is a 404.
fn serve(routes: Vec<(&'static str, &'static str, Vec<u8>)>) -> String {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let base = format!("http://{}", server.server_addr().to_ip().unwrap());
    let routes = Arc::new(routes);
    std::thread::spawn(move || {
        for req in server.incoming_requests() {
            let path = req.url().split('?').next().unwrap_or("").to_string();
            match routes.iter().find(|(p, _, _)| *p == path) {
                Some((_, ctype, body)) => {
                    let header =
                        tiny_http::Header::from_bytes("Content-Type", ctype.as_bytes()).unwrap();
                    let _ = req
                        .respond(tiny_http::Response::from_data(body.clone()).with_header(header));
                }
                None => {
                    let _ = req.respond(tiny_http::Response::empty(404));
                }
            }
        }
    });
    base
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn read(site: &Path, rel: &str) -> String {
    std::fs::read_to_string(site.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The only episode file whose name contains `part`.
fn episode_file(site: &Path, part: &str) -> String {
    let names: Vec<String> = std::fs::read_dir(site.join("episodes"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(part))
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    format!("episodes/{}", names[0])
}

/// A show on its own website (show.example) whose audio and artwork the test serves.
fn own_site_feed(base: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel>
<title>Moving Show</title>
<link>https://show.example/</link>
<description>A show that moves.</description>
<language>en</language>
<itunes:author>Mover</itunes:author>
<itunes:owner><itunes:name>Mover</itunes:name><itunes:email>mover@show.example</itunes:email></itunes:owner>
<itunes:image href="{base}/art/cover.png"/>
<itunes:category text="Arts"/>
<itunes:explicit>false</itunes:explicit>
<item>
<title>News post</title>
<guid>post-1</guid>
<link>https://show.example/news/we-moved</link>
<pubDate>Tue, 07 Jan 2025 10:00:00 +0000</pubDate>
<description>We are moving.</description>
</item>
<item>
<title>Second</title>
<guid>ep-2</guid>
<link>https://show.example/2025/01/second</link>
<pubDate>Mon, 06 Jan 2025 10:00:00 +0000</pubDate>
<itunes:image href="{base}/art/cover.png"/>
<enclosure url="{base}/audio/second.mp3" length="LEN" type="audio/mpeg"/>
<itunes:duration>2</itunes:duration>
</item>
<item>
<title>First</title>
<guid>ep-1</guid>
<link>https://host.example/show/first</link>
<pubDate>Mon, 30 Dec 2024 10:00:00 +0000</pubDate>
<itunes:image href="{base}/art/first.jpg"/>
<enclosure url="{base}/audio/first.mp3" length="LEN" type="audio/mpeg"/>
<itunes:duration>2</itunes:duration>
</item>
</channel>
</rss>
"#
    )
}

#[test]
fn a_file_url_names_the_feed_file() {
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("old feed.xml");
    std::fs::write(
        &feed,
        own_site_feed("https://cdn.example").replace("LEN", "1000"),
    )
    .unwrap();
    let url = format!("file://{}", feed.display().to_string().replace(' ', "%20"));
    let site = dir.path().join("site");
    let report = import(&options(&url, &site)).unwrap_or_else(|d| panic!("{}", messages(&d)));
    assert!(
        report.written.iter().any(|f| f == "site.yaml"),
        "{:?}",
        report.written
    );
    assert!(read(&site, "site.yaml").contains("Moving Show"));

    let (code, _, stderr) = onair(&[
        "import",
        "file://elsewhere/feed.xml",
        site.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("file:///path/to/feed.xml"), "{stderr}");
}

#[test]
fn a_web_page_is_not_a_feed_and_its_feed_is_offered() {
    let page = br#"<!DOCTYPE html>
<html lang="en"><head><title>Moving Show</title>
<link rel="alternate" type="application/rss+xml" title="Moving Show" href="/feed.xml">
</head><body><h1>Moving Show</h1></body></html>"#;
    let base = serve(vec![("/podcast/", "text/html", page.to_vec())]);
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let page_url = format!("{base}/podcast/");
    let (code, _, stderr) = onair(&["import", &page_url, site.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(
        stderr.lines().next().unwrap(),
        format!(
            "{page_url}:1:1: error: this is an HTML page (a website), not a podcast feed; the page \
             names its feed \"Moving Show\": {base}/feed.xml; import that: `onair import \
             {base}/feed.xml {}`",
            site.display()
        )
    );
    assert!(!site.exists());
}

/// The show's feed, audio and artwork on a local server, imported with `--download-audio`.
fn imported_with_everything(dir: &Path, keep_posts: bool) -> (PathBuf, String, String) {
    imported_with_audio(dir, keep_posts, "tests/fixtures/audio/mp3-cbr-info.mp3")
}

fn imported_with_audio(dir: &Path, keep_posts: bool, audio: &str) -> (PathBuf, String, String) {
    let mp3 = std::fs::read(repo(audio)).unwrap();
    let cover = std::fs::read(repo("src/scaffold/assets/cover.jpg")).unwrap();
    // The feed names the server's own address, so it is served from a file written below.
    let feed_path = dir.join("feed.xml");
    let base = serve(vec![
        ("/audio/first.mp3", "audio/mpeg", mp3.clone()),
        ("/audio/second.mp3", "audio/mpeg", mp3.clone()),
        // A JPEG behind a .png URL: it is named by its content.
        ("/art/cover.png", "image/png", cover.clone()),
        ("/art/first.jpg", "image/jpeg", cover),
    ]);
    let feed = own_site_feed(&base).replace("LEN", &mp3.len().to_string());
    std::fs::write(&feed_path, &feed).unwrap();
    let site = dir.join("site");
    let mut opts = options(feed_path.to_str().unwrap(), &site);
    opts.download_audio = true;
    opts.keep_posts = keep_posts;
    opts.url = Some("https://show.example".into());
    import(&opts).unwrap_or_else(|d| panic!("{}", messages(&d)));
    (site, base, feed)
}

#[test]
fn download_audio_copies_the_artwork_too_so_nothing_stays_on_the_old_host() {
    let dir = tempfile::tempdir().unwrap();
    let (site, base, _) = imported_with_everything(dir.path(), false);
    let config = read(&site, "site.yaml");
    assert!(config.contains("\nimage: assets/cover.jpg\n"), "{config}");
    let cover = std::fs::read(repo("src/scaffold/assets/cover.jpg")).unwrap();
    assert_eq!(std::fs::read(site.join("assets/cover.jpg")).unwrap(), cover);
    let first = read(&site, &episode_file(&site, "first"));
    let second = read(&site, &episode_file(&site, "second"));
    // The episode whose image is the show's names the one copy.
    assert!(second.contains("\nimage: assets/cover.jpg\n"), "{second}");
    let first_image = first
        .lines()
        .find_map(|l| l.strip_prefix("image: "))
        .unwrap();
    assert!(first_image.starts_with("assets/episodes/") && first_image.ends_with("-first.jpg"));
    assert!(site.join(first_image).is_file());
    for (name, text) in [
        ("site.yaml", &config),
        ("first", &first),
        ("second", &second),
    ] {
        assert!(
            !text.contains(&base),
            "{name} still names the old host:\n{text}"
        );
    }
    let (code, _, stderr) = onair(&["build", site.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    let feed = read(&site, "public/feed.xml");
    assert!(!feed.contains(&base), "{feed}");
}

#[test]
fn old_episode_pages_become_aliases_that_redirect() {
    let dir = tempfile::tempdir().unwrap();
    let (site, _, old_feed) = imported_with_everything(dir.path(), true);
    let second_file = episode_file(&site, "second");
    let second = read(&site, &second_file);
    assert!(
        second.contains("\naliases: [/2025/01/second]\n")
            || second.contains("\naliases: [\"/2025/01/second\"]\n"),
        "{second}"
    );
    // A page on the old podcast host's domain is not the site's to serve.
    assert!(!read(&site, &episode_file(&site, "first")).contains("aliases:"));

    let (code, _, stderr) = onair(&["build", site.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    let redirect = read(&site, "public/2025/01/second/index.html");
    let to = "https://show.example/episodes/second/";
    assert!(
        redirect.contains(&format!("<link rel=\"canonical\" href=\"{to}\">")),
        "{redirect}"
    );
    assert!(
        redirect.contains(&format!("content=\"0; url={to}\"")),
        "{redirect}"
    );
    assert!(site.join("public/episodes/second/index.html").is_file());

    // The post kept as a page is published, and stays out of the header menu.
    let page_file = std::fs::read_dir(site.join("pages"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            read(
                p.parent().unwrap(),
                p.file_name().unwrap().to_str().unwrap(),
            )
            .contains("News post")
        })
        .unwrap();
    assert!(
        std::fs::read_to_string(&page_file)
            .unwrap()
            .contains("\nmenu: false\n")
    );
    let slug = page_file.file_stem().unwrap().to_str().unwrap();
    assert!(site.join(format!("public/{slug}/index.html")).is_file());
    let home = read(&site, "public/index.html");
    let nav = &home[home.find("<nav").unwrap()..home.find("</nav>").unwrap()];
    assert!(!nav.contains(&format!("/{slug}/")), "{nav}");
    assert!(
        nav.contains("/about/") || !site.join("pages/about.md").exists(),
        "{nav}"
    );

    // The old feed's post was never an episode: comparing with it finds nothing vanished.
    let old = dir.path().join("old.xml");
    std::fs::write(&old, old_feed).unwrap();
    let (code, _, stderr) = onair(&[
        "check",
        site.to_str().unwrap(),
        "--against",
        old.to_str().unwrap(),
    ]);
    assert!(!stderr.contains("episode-vanished"), "{stderr}");
    assert!(!stderr.contains("News post"), "{stderr}");
    assert_ne!(code, None);

    // An alias that is a published page's address, or the episode's own, is an error at its line.
    let text = second.replace(
        "aliases: [",
        "aliases:\n  - /episodes/first/\n  - /episodes/second\n  - https://show.example/x\n# [",
    );
    std::fs::write(site.join(&second_file), &text).unwrap();
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let (code, _, stderr) = onair(&["build", site.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{stderr}");
    let first_page = format!(
        "{}:{}: error: alias `/episodes/first/` is the address of a page the site publishes (episodes/first/index.html); remove the alias or rename that page",
        second_file,
        line_of("- /episodes/first/")
    );
    let own = format!(
        "{}:{}: error: alias `/episodes/second` is this episode's own address; remove it",
        second_file,
        line_of("- /episodes/second")
    );
    let url = format!(
        "{}:{}: error: alias `https://show.example/x` is a full URL",
        second_file,
        line_of("https://show.example/x")
    );
    for expected in [first_page, own, url] {
        assert!(
            stderr.lines().any(|l| l
                .replace(&format!("{}/", site.display()), "")
                .starts_with(&expected)),
            "{expected}\n{stderr}"
        );
    }
}

#[test]
fn downloaded_audio_is_named_by_its_content() {
    let dir = tempfile::tempdir().unwrap();
    // M4A audio behind the old host's .mp3 URLs (and an audio/mpeg type).
    let (site, _, _) =
        imported_with_audio(dir.path(), false, "tests/fixtures/audio/m4a-moov-first.m4a");
    let second = read(&site, &episode_file(&site, "second"));
    let audio = second
        .lines()
        .find_map(|l| l.strip_prefix("audio: "))
        .unwrap();
    assert!(
        audio.starts_with("audio/") && audio.ends_with("-second.m4a"),
        "{second}"
    );
    assert!(site.join(audio).is_file());
    assert!(!site.join(audio.replace(".m4a", ".mp3")).exists());
    let (code, _, stderr) = onair(&["build", site.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(read(&site, "public/feed.xml").contains("type=\"audio/x-m4a\""));
}

#[test]
fn check_says_a_saved_web_page_is_not_a_feed() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("show.html");
    std::fs::write(
        &page,
        "\n<!doctype html>\n<html><head><link rel=\"alternate\" type=\"application/rss+xml\" href=\"https://show.example/feed.xml\"></head></html>",
    )
    .unwrap();
    let (code, _, stderr) = onair(&["check", page.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(
        stderr.lines().next().unwrap(),
        format!(
            "{}:2:1: error: this is an HTML page (a website), not a podcast feed; the page names \
             its feed: https://show.example/feed.xml; save that with `curl -o feed.xml URL` and \
             check it",
            page.display()
        )
    );
}
