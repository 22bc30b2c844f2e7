//! `onair import`: feeds in the styles of real hosts become sites whose built feed keeps every
//! GUID, enclosure URL, date, duration and length; bad feeds fail clearly with nothing written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use onair::import::feed;
use onair::import::{ImportOptions, import};
use onair::pipeline::{BuildOptions, build_site};

mod site_support;
use site_support::example_network;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

fn options(feed: &str, dir: &Path) -> ImportOptions {
    ImportOptions {
        feed: feed.to_string(),
        dir: dir.to_path_buf(),
        download: false,
        download_audio: false,
        url: None,
        allow_network: false,
        strict: false,
        keep_posts: false,
        show: None,
    }
}

/// What an app remembers of each episode, keyed by GUID.
#[derive(Debug, PartialEq)]
struct Remembered {
    url: String,
    length: Option<u64>,
    /// Seconds since the epoch: the same instant whatever offset it is written with.
    date: i64,
    duration: Option<u64>,
}

fn remembered(xml: &str) -> BTreeMap<String, Remembered> {
    let parsed = feed::parse(xml).expect("a feed");
    let mut out = BTreeMap::new();
    for item in parsed.items {
        let enc = item.enclosure.expect("an enclosure");
        let guid = item.guid.clone().unwrap_or_else(|| enc.url.clone());
        let date = feed::parse_pub_date(item.pub_date.as_deref().unwrap())
            .unwrap()
            .timestamp()
            .as_second();
        let old = out.insert(
            guid,
            Remembered {
                url: enc.url,
                length: enc.length,
                date,
                duration: item
                    .duration
                    .as_deref()
                    .and_then(feed::parse_duration)
                    .map(|d| d.round() as u64),
            },
        );
        assert!(old.is_none(), "duplicate guid in {xml:.200}");
    }
    out
}

fn build(dir: &Path) -> String {
    let built = build_site(&BuildOptions {
        root: dir.to_path_buf(),
        allow_network: false,
        at: None,
        ..BuildOptions::default()
    })
    .unwrap_or_else(|d| {
        panic!(
            "build failed:\n{}",
            d.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    let bytes = built.output.bytes("feed.xml").expect("a feed");
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// Import, build, and compare what apps remember.
fn round_trip(feed_arg: &str, original: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let report = import(&options(feed_arg, &site)).unwrap_or_else(|d| {
        panic!(
            "import failed:\n{}",
            d.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    assert!(!report.written.is_empty());
    let new_feed = build(&site);
    // `onair check --against`: no GUID changed, no enclosure changed, nothing vanished. Only
    // the feed's own address changes (the move itself; docs/migrating-from-a-host.md).
    let against = onair::check::check_against(
        original,
        Path::new("old.xml"),
        &new_feed,
        Path::new("feed.xml"),
        &onair::check::AgainstOptions::default(),
    );
    let unexpected: Vec<String> = against
        .iter()
        .filter(|d| d.rule.as_deref() != Some("feed-url-changed"))
        .map(|d| d.to_string())
        .collect();
    assert!(unexpected.is_empty(), "check --against: {unexpected:#?}");
    // And `onair check` finds no error in the new feed that the old one did not have already.
    let errors = |xml: &str| {
        onair::check::check_feed(
            xml,
            Path::new("feed.xml"),
            &onair::check::CheckOptions::default(),
        )
        .into_iter()
        .filter(|d| d.is_error())
        .collect::<Vec<_>>()
    };
    let old_rules: Vec<Option<String>> = errors(original).into_iter().map(|d| d.rule).collect();
    let problems: Vec<String> = errors(&new_feed)
        .iter()
        .filter(|d| !old_rules.contains(&d.rule))
        .map(|d| d.to_string())
        .collect();
    assert!(problems.is_empty(), "onair check: {problems:#?}");
    let before = remembered(original);
    let after = remembered(&new_feed);
    assert_eq!(before.len(), after.len(), "episode count");
    for (guid, old) in &before {
        let new = after
            .get(guid)
            .unwrap_or_else(|| panic!("guid {guid} vanished"));
        assert_eq!(new.url, old.url, "enclosure URL of {guid}");
        assert_eq!(new.date, old.date, "date of {guid}");
        if old.length.is_some_and(|l| l > 0) {
            assert_eq!(new.length, old.length, "length of {guid}");
        }
        if old.duration.is_some() {
            assert_eq!(new.duration, old.duration, "duration of {guid}");
        }
    }
    tmp
}

#[test]
fn host_style_feeds_round_trip() {
    for name in [
        "hosted-cdata.xml",
        "wordpress-entities.xml",
        "podcasting20.xml",
    ] {
        let path = fixture(name);
        let original = std::fs::read_to_string(&path).unwrap();
        round_trip(path.to_str().unwrap(), &original);
    }
}

fn read_episode(site: &Path, name_part: &str) -> String {
    let dir = site.join("episodes");
    let entry = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().contains(name_part))
        .unwrap_or_else(|| panic!("no episode file with {name_part}"));
    std::fs::read_to_string(entry.path()).unwrap()
}

#[test]
fn episode_files_carry_everything_the_feed_said() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("s");
    let report = import(&options(
        fixture("podcasting20.xml").to_str().unwrap(),
        &site,
    ))
    .unwrap();
    let ep = read_episode(&site, "2024-11-14-burnout-and-bus-factors");
    for expected in [
        "title: Burnout and Bus Factors\n",
        "date: 2024-11-14 17:00:00 +0100\n",
        "guid: d1a2b3c4-e5f6-4711-8899-aabbccddeeff\n",
        "audio: https://media.osh.example.net/ep/31.mp3\n",
        "episode: 31\n",
        "chapters: https://osh.example.net/ep/31/chapters.json\n",
        "transcript: https://osh.example.net/ep/31/transcript.vtt\n",
        "  - { name: Ana Ruiz, role: guest, href: https://example.com/ana }\n",
        "  - { name: Sam Lee, role: host }\n",
        "With [Ana Ruiz](https://example.com/ana).",
        "[00:05:00] Welcome  \n[00:12:30] The bus factor\n",
    ] {
        assert!(ep.contains(expected), "missing {expected:?} in\n{ep}");
    }
    // A relative chapters link resolves against the show's website.
    let ep30 = read_episode(&site, "licenses-without-tears");
    assert!(
        ep30.contains("chapters: https://osh.example.net/chapters/30.json\n"),
        "{ep30}"
    );
    let config = std::fs::read_to_string(site.join("site.yaml")).unwrap();
    for expected in [
        "title: Open Source Hour\n",
        "podcast_guid: 3e5f0d2a-6c1b-5b8e-9a7d-2f4c1e0b9a88\n",
        "locked: true\n",
        "explicit: true\n",
        "  - { url: https://osh.example.net/support, text: Support the show }\n",
        "owner: { name: Sam Lee, email: sam@osh.example.net }\n",
    ] {
        assert!(
            config.contains(expected),
            "missing {expected:?} in\n{config}"
        );
    }
    // What has no place in onair is listed, item by item, with its line.
    let warnings: Vec<String> = report.warnings.iter().map(|w| w.to_string()).collect();
    let has = |s: &str| warnings.iter().any(|w| w.contains(s));
    assert!(
        has(
            "podcasting20.xml:36: warning: \"Burnout and Bus Factors\": <podcast:soundbite> is not carried over"
        ),
        "{warnings:#?}"
    );
    assert!(
        has("<podcast:location> is not carried over"),
        "{warnings:#?}"
    );
    assert!(
        has("a second podcast:transcript (https://osh.example.net/ep/31/transcript.html)"),
        "{warnings:#?}"
    );
    // The show keeps its podcast:guid in the new feed.
    let new_feed = build(&site);
    assert!(new_feed.contains("<podcast:guid>3e5f0d2a-6c1b-5b8e-9a7d-2f4c1e0b9a88</podcast:guid>"));
}

#[test]
fn notes_become_clean_markdown() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("s");
    import(&options(
        fixture("wordpress-entities.xml").to_str().unwrap(),
        &site,
    ))
    .unwrap();
    let ep = read_episode(&site, "tomatoes-don-t-overwater-them");
    for expected in [
        "title: \"Tomatoes: Don’t Overwater Them!\"\n",
        "date: 2024-11-02 09:00:00 +0000\n",
        "guid: https://gardenshed.example/?p=412\n",
        "summary: Tomatoes and the art of doing less.\n",
        "This week: **tomatoes** & the art of doing less.",
        "1. [Our compost episode](https://gardenshed.example/2024/10/compost/)",
        "2. [The seed list](https://gardenshed.example/2024/11/tomatoes/seed-list.pdf)",
        "It’s 100 % organic — promise.",
    ] {
        assert!(ep.contains(expected), "missing {expected:?} in\n{ep}");
    }
    let ep = read_episode(&site, "compost-honestly");
    assert!(
        ep.contains("03:10 – What goes in  \n12:45 – What stays out\n"),
        "{ep}"
    );
    let ep = {
        let tmp2 = tempfile::tempdir().unwrap();
        let s2 = tmp2.path().join("s");
        let report = import(&options(fixture("hosted-cdata.xml").to_str().unwrap(), &s2)).unwrap();
        // The old feed's serial trailer has no number: onair would refuse to publish that.
        assert!(
            report.warnings.iter().any(|w| w.to_string().ends_with(
                "hosted-cdata.xml:67:5: warning: \"Season 2 Trailer\": has no episode number, which a serial show needs on every episode: give it `episode:` before building"
            )),
            "{:#?}",
            report.warnings
        );
        read_episode(&s2, "the-baker-at-3-am")
    };
    for expected in [
        "### Chapters\n\n- 00:00 - Cold open\n- 02:44 - Why 3 AM?\n- 1:02:03 - The last loaf\n",
        "**twenty years**",
        "*sourdough*",
        "[the perfect crust](https://example.org/bread)",
        "season: 2\n",
        "image: https://assets.hostco.example/art/ep12.jpg\n",
        "tags: [bakery, sourdough]\n",
    ] {
        assert!(ep.contains(expected), "missing {expected:?} in\n{ep}");
    }
}

/// A 1,000-item feed, written the way a long-running show's host writes it.
fn big_feed(items: usize) -> String {
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
<title>The Long Run</title>
<link>https://longrun.example.com</link>
<description>Twenty years of weekly episodes.</description>
<language>en</language>
<itunes:author>Long Run Media</itunes:author>
<itunes:image href="https://longrun.example.com/cover.jpg"/>
<itunes:category text="News"><itunes:category text="Daily News"/></itunes:category>
"#,
    );
    let start = jiff::Timestamp::from_second(1_000_000_000).unwrap();
    for i in 0..items {
        let n = items - i;
        let date = start
            .checked_add(jiff::SignedDuration::from_hours(24 * 7 * n as i64))
            .unwrap()
            .to_zoned_datetime(jiff::tz::TimeZone::fixed(
                jiff::tz::Offset::from_hours((n % 5) as i8 - 2).unwrap(),
            ));
        let duration = 600 + (n * 37) % 5000;
        // Alternate the ways hosts write durations.
        let written = if n.is_multiple_of(2) {
            duration.to_string()
        } else {
            format!(
                "{}:{:02}:{:02}",
                duration / 3600,
                duration / 60 % 60,
                duration % 60
            )
        };
        // Some titles repeat, so file names must be made unique.
        let title = if n.is_multiple_of(10) {
            "Listener Mail".to_string()
        } else {
            format!("Episode {n}: Running &amp; Rest")
        };
        xml.push_str(&format!(
            "<item><title>{title}</title><guid isPermaLink=\"false\">longrun-{n}</guid><pubDate>{}</pubDate>\
             <enclosure url=\"https://cdn.longrun.example.com/ep{n}.mp3\" length=\"{}\" type=\"audio/mpeg\"/>\
             <itunes:duration>{written}</itunes:duration><itunes:episode>{n}</itunes:episode>\
             <content:encoded><![CDATA[<p>Notes for episode {n}.</p><ul><li>00:00 - Start</li><li>05:00 - Middle</li></ul>]]></content:encoded></item>\n",
            onair::dates::rfc2822(&date),
            duration * 16_000 + n
        ));
    }
    xml.push_str("</channel></rss>\n");
    xml
}

#[test]
fn a_thousand_items_round_trip() {
    let xml = big_feed(1000);
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("feed.xml");
    std::fs::write(&path, &xml).unwrap();
    let site = round_trip(path.to_str().unwrap(), &xml);
    let files = std::fs::read_dir(site.path().join("site/episodes"))
        .unwrap()
        .count();
    assert_eq!(files, 1000);
}

// --- the URL form, against a local server --------------------------------------------------

struct Server {
    base: String,
    _thread: std::thread::JoinHandle<()>,
}

/// Serves `routes` (path -> (content type, body)) on 127.0.0.1; anything else is a 404.
fn serve(routes: Vec<(String, &'static str, Vec<u8>)>) -> Server {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let base = format!("http://{}", server.server_addr().to_ip().unwrap());
    let routes = Arc::new(routes);
    let thread = std::thread::spawn(move || {
        for req in server.incoming_requests() {
            let path = req.url().to_string();
            match routes.iter().find(|(p, _, _)| *p == path) {
                Some((_, ctype, body)) => {
                    let header =
                        tiny_http::Header::from_bytes("Content-Type", ctype.as_bytes()).unwrap();
                    let resp = tiny_http::Response::from_data(body.clone()).with_header(header);
                    let _ = req.respond(resp);
                }
                None => {
                    let _ = req.respond(tiny_http::Response::empty(404));
                }
            }
        }
    });
    Server {
        base,
        _thread: thread,
    }
}

#[test]
fn a_feed_url_is_read_and_missing_facts_are_probed() {
    let cover_free = std::fs::read_to_string(fixture("minimal.xml")).unwrap();
    let mp3 = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audio/mp3-cbr-info.mp3"),
    )
    .unwrap();
    let vbr = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audio/mp3-vbr-xing.mp3"),
    )
    .unwrap();
    // The feed names its own server, so it is served from a second one started first.
    let audio = serve(vec![
        ("/audio/first.mp3".into(), "audio/mpeg", mp3.clone()),
        ("/audio/second.mp3".into(), "audio/mpeg", vbr.clone()),
    ]);
    let xml = cover_free.replace("AUDIO_BASE", &audio.base);
    let feeds = serve(vec![(
        "/feed.rss".into(),
        "application/rss+xml",
        xml.clone().into_bytes(),
    )]);
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let mut opts = options(&format!("{}/feed.rss", feeds.base), &site);
    opts.allow_network = true;
    let report = import(&opts).unwrap_or_else(|d| {
        panic!(
            "{}",
            d.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    let warnings: Vec<String> = report.warnings.iter().map(|w| w.to_string()).collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("\"Second\": has no <guid>")),
        "{warnings:#?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("\"First\": the feed gives no length or duration: probed from the audio (5138 bytes, 1 s)")),
        "{warnings:#?}"
    );
    // Builds need no network: the probed facts are in the lock.
    let new_feed = build(&site);
    let after = remembered(&new_feed);
    let first = &after["tiny-1"];
    assert_eq!(first.length, Some(mp3.len() as u64));
    assert_eq!(first.duration, Some(1));
    let second_url = format!("{}/audio/second.mp3", audio.base);
    let second = &after[&second_url];
    assert_eq!(second.url, second_url);
    assert_eq!(second.length, Some(vbr.len() as u64));
    let before = remembered(&xml.replace("\"audio/second.mp3\"", &format!("\"{second_url}\"")));
    assert_eq!(before["tiny-1"].date, first.date);
    assert_eq!(before[&second_url].date, second.date);
}

#[test]
fn a_host_style_feed_round_trips_from_a_url() {
    let original = std::fs::read_to_string(fixture("hosted-cdata.xml")).unwrap();
    let server = serve(vec![(
        "/shows/night-shift".into(),
        "application/xml",
        original.clone().into_bytes(),
    )]);
    round_trip(&format!("{}/shows/night-shift", server.base), &original);
}

#[test]
fn download_copies_chapters_and_transcripts_into_the_site() {
    let chapters = br#"{"version":"1.2.0","chapters":[{"startTime":0,"title":"Intro"}]}"#.to_vec();
    let vtt = b"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n<v Sam>Hello.\n".to_vec();
    let server = serve(vec![
        (
            "/ep/1/chapters.json".into(),
            "application/json",
            chapters.clone(),
        ),
        ("/ep/1/transcript.vtt".into(), "text/vtt", vtt.clone()),
    ]);
    let xml = format!(
        "{HEAD}<item><title>One</title><guid>g1</guid><pubDate>Mon, 06 Jan 2025 10:00:00 +0000</pubDate>\
         <enclosure url=\"https://a.example/1.mp3\" length=\"1000\" type=\"audio/mpeg\"/><itunes:duration>60</itunes:duration>\
         <podcast:chapters xmlns:podcast=\"https://podcastindex.org/namespace/1.0\" url=\"{0}/ep/1/chapters.json\" type=\"application/json+chapters\"/>\
         <podcast:transcript xmlns:podcast=\"https://podcastindex.org/namespace/1.0\" url=\"{0}/ep/1/transcript.vtt\" type=\"text/vtt\"/></item>\n</channel></rss>",
        server.base
    );
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("old.xml");
    std::fs::write(&path, &xml).unwrap();
    let site = tmp.path().join("site");
    let mut opts = options(path.to_str().unwrap(), &site);
    opts.download = true;
    import(&opts).unwrap();
    let ep = read_episode(&site, "2025-01-06-one");
    assert!(
        ep.contains("chapters: chapters/2025-01-06-one.json\n"),
        "{ep}"
    );
    assert!(
        ep.contains("transcript: transcripts/2025-01-06-one.vtt\n"),
        "{ep}"
    );
    assert_eq!(
        std::fs::read(site.join("chapters/2025-01-06-one.json")).unwrap(),
        chapters
    );
    assert_eq!(
        std::fs::read(site.join("transcripts/2025-01-06-one.vtt")).unwrap(),
        vtt
    );

    // A download that fails fails the import, and nothing is written.
    let broken = xml.replace("/ep/1/transcript.vtt", "/ep/1/gone.vtt");
    std::fs::write(&path, &broken).unwrap();
    let site2 = tmp.path().join("site2");
    let mut opts = options(path.to_str().unwrap(), &site2);
    opts.download = true;
    let err = import(&opts).unwrap_err();
    let msg = err.iter().next().unwrap().to_string();
    assert!(
        msg.contains("gone.vtt: not found on the server (HTTP 404)"),
        "{msg}"
    );
    assert!(!site2.exists());
}

// --- bad input: clear errors, nothing written ----------------------------------------------

fn import_errors(feed_text: &str) -> (Vec<String>, bool) {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("old.xml");
    std::fs::write(&path, feed_text).unwrap();
    let site = tmp.path().join("site");
    let strict = ImportOptions {
        strict: true,
        ..options(path.to_str().unwrap(), &site)
    };
    let errs = match import(&strict) {
        Ok(_) => panic!("import of a bad feed succeeded"),
        Err(d) => d.iter().map(|x| x.to_string()).collect(),
    };
    (errs, site.exists())
}

const HEAD: &str = r#"<?xml version="1.0"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel><title>T</title><link>https://t.example</link><description>D</description>
"#;

#[test]
fn bad_feeds_fail_clearly_and_write_nothing() {
    let cases: Vec<(String, &str)> = vec![
        (
            "<!DOCTYPE html><html><body>Hi</body></html>".into(),
            "old.xml:1:1: error: this is an HTML page (a website), not a podcast feed, and it names no feed",
        ),
        ("{\"items\": []}".into(), "old.xml:1:1: error: not XML"),
        (
            "<rss><channel><title>x</title></chanel></rss>".into(),
            "old.xml:1:31: error: not well-formed XML",
        ),
        (
            format!("{HEAD}</channel></rss>"),
            "old.xml: error: the feed has no <item> elements",
        ),
        (
            format!(
                "{HEAD}<item><title>No audio</title><guid>a</guid><pubDate>Mon, 06 Jan 2025 10:00:00 +0000</pubDate></item>\n</channel></rss>"
            ),
            "old.xml:4:1: error: \"No audio\" has no <enclosure>",
        ),
        (
            format!(
                "{HEAD}<item><title>One</title><guid>same</guid><pubDate>Mon, 06 Jan 2025 10:00:00 +0000</pubDate><enclosure url=\"https://a.example/1.mp3\" length=\"10\" type=\"audio/mpeg\"/><itunes:duration>10</itunes:duration></item>\n<item><title>Two</title><guid>same</guid><pubDate>Mon, 13 Jan 2025 10:00:00 +0000</pubDate><enclosure url=\"https://a.example/2.mp3\" length=\"10\" type=\"audio/mpeg\"/><itunes:duration>10</itunes:duration></item>\n</channel></rss>"
            ),
            "old.xml:5:1: error: \"Two\" has the same guid `same` as the item at line 4",
        ),
        (
            format!(
                "{HEAD}<item><title>Undated</title><guid>u</guid><pubDate>sometime in May</pubDate><enclosure url=\"https://a.example/1.mp3\" length=\"10\" type=\"audio/mpeg\"/></item>\n</channel></rss>"
            ),
            "old.xml:4:1: error: \"Undated\": <pubDate>sometime in May</pubDate> is not an RFC 2822 date",
        ),
    ];
    for (text, expected) in cases {
        let (errors, site_exists) = import_errors(&text);
        assert!(
            errors.iter().any(|e| e.contains(&format!("/{expected}"))),
            "expected {expected:?}, got {errors:#?}"
        );
        assert!(
            !site_exists,
            "a failed import created the site ({expected})"
        );
    }
}

#[test]
fn a_repeated_episode_number_stays_with_the_oldest_item_so_the_site_builds() {
    let text = format!(
        "{HEAD}<itunes:image href=\"https://t.example/c.jpg\"/><itunes:category text=\"Arts\"/><itunes:author>A</itunes:author>\n\
         <item><title>Best of 12</title><guid>rerun</guid><pubDate>Mon, 13 Jan 2025 10:00:00 +0000</pubDate><enclosure url=\"https://a.example/r.mp3\" length=\"10\" type=\"audio/mpeg\"/><itunes:duration>10</itunes:duration><itunes:episode>12</itunes:episode></item>\n\
         <item><title>Twelve</title><guid>twelve</guid><pubDate>Mon, 06 Jan 2025 10:00:00 +0000</pubDate><enclosure url=\"https://a.example/12.mp3\" length=\"10\" type=\"audio/mpeg\"/><itunes:duration>10</itunes:duration><itunes:episode>12</itunes:episode></item>\n</channel></rss>"
    );
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("old.xml");
    std::fs::write(&path, &text).unwrap();
    let site = round_trip(path.to_str().unwrap(), &text);
    let ep = read_episode(&site.path().join("site"), "best-of-12");
    assert!(!ep.contains("episode:"), "{ep}");
    let ep = read_episode(&site.path().join("site"), "2025-01-06-twelve");
    assert!(ep.contains("episode: 12\n"), "{ep}");
}

#[test]
fn every_bad_item_is_reported_not_just_the_first() {
    let text = format!(
        "{HEAD}<item><title>A</title><guid>a</guid></item>\n<item><title>B</title><guid>b</guid></item>\n</channel></rss>"
    );
    let (errors, _) = import_errors(&text);
    assert_eq!(errors.len(), 2, "{errors:#?}");
}

#[test]
fn urls_that_fail_are_errors() {
    let server = serve(vec![]);
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let url = format!("{}/missing.xml", server.base);
    let err = import(&options(&url, &site)).unwrap_err();
    let msg = err.iter().next().unwrap().to_string();
    assert!(
        msg.contains("cannot read the feed: not found on the server (HTTP 404)"),
        "{msg}"
    );
    assert!(!site.exists());
    // Nothing listens on port 9 of this machine's loopback.
    let err = import(&options("http://127.0.0.1:9/feed.xml", &site)).unwrap_err();
    let msg = err.iter().next().unwrap().to_string();
    assert!(msg.contains("cannot read the feed"), "{msg}");
    assert!(!site.exists());
}

// --- into an existing site -------------------------------------------------------------------

#[test]
fn importing_into_an_existing_site_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let feed_path = fixture("hosted-cdata.xml");
    import(&options(feed_path.to_str().unwrap(), &site)).unwrap();
    // A file of the same name, but written by hand: the import refuses and changes nothing.
    let other = tmp.path().join("other");
    std::fs::create_dir_all(other.join("episodes")).unwrap();
    let mine = other.join("episodes/2024-02-27-radio-silence.md");
    std::fs::write(&mine, "mine").unwrap();
    std::fs::write(other.join("site.yaml"), "title: Mine\n").unwrap();
    let report = import(&options(feed_path.to_str().unwrap(), &other)).unwrap();
    // The hand-written file has no GUID, so the item is added under another name.
    assert_eq!(std::fs::read_to_string(&mine).unwrap(), "mine");
    assert_eq!(
        std::fs::read_to_string(other.join("site.yaml")).unwrap(),
        "title: Mine\n"
    );
    assert!(
        report
            .written
            .contains(&"episodes/2024-02-27-radio-silence-2.md".to_string()),
        "{:?}",
        report.written
    );
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.message.contains("site.yaml exists"))
    );

    // Importing the same feed again finds every episode already there and writes nothing new.
    let before: Vec<_> = std::fs::read_dir(site.join("episodes"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    let report = import(&options(feed_path.to_str().unwrap(), &site)).unwrap();
    assert!(report.written.is_empty(), "{:?}", report.written);
    assert_eq!(report.already_present.len(), 3);
    let after: Vec<_> = std::fs::read_dir(site.join("episodes"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(before.len(), after.len());
}

#[test]
fn the_command_line_reports_and_exits_as_documented() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let out = Command::new(env!("CARGO_BIN_EXE_onair"))
        .arg("import")
        .arg(fixture("podcasting20.xml"))
        .arg(&site)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("imported 2 episode(s)"), "{stderr}");
    assert!(
        stderr.contains("<podcast:soundbite> is not carried over"),
        "{stderr}"
    );

    let bad = tmp.path().join("bad.xml");
    std::fs::write(&bad, "<html></html>").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_onair"))
        .arg("import")
        .arg(&bad)
        .arg(tmp.path().join("nope"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("bad.xml:1:1: error: this is an HTML page (a website), not a podcast feed"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(!tmp.path().join("nope").exists());
}

/// Runs the onair binary; returns (exit code, stderr + stdout).
fn onair(args: &[&std::ffi::OsStr]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_onair"))
        .args(args)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    (out.status.code(), text)
}

#[test]
fn a_show_on_its_own_website_builds_right_after_import() {
    // Artwork, audio, chapters and transcripts all live under the old site's <link>, which
    // import writes as `url:`. They are remote files of the old site, not files the new site
    // lacks: the build publishes them as they were and only warns that they break once the
    // new site replaces the old one at that address.
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let feed_path = fixture("own-website.xml");
    let (code, out) = onair(&["import".as_ref(), feed_path.as_os_str(), site.as_os_str()]);
    assert_eq!(code, Some(0), "{out}");
    // The channel's people become the show's hosts, their links absolute.
    let config = std::fs::read_to_string(site.join("site.yaml")).unwrap();
    assert!(
        config.contains(
            "locked: true\nhosts:\n  - { name: Mara Quay, role: host, href: https://harbournotes.example/about, img: https://harbournotes.example/images/mara.jpg }\n  - { name: Ivo Net, role: co-host, group: cast }\n"
        ),
        "{config}"
    );
    assert!(
        out.contains("own-website.xml: warning: podcast:locked owner `locks@harbournotes.example` is not carried over: onair names the lock's owner by the email of `owner:` in site.yaml (mara@harbournotes.example)"),
        "{out}"
    );
    // A finished show stays finished; what has no place in onair is listed.
    assert!(config.contains("\ncomplete: true\n"), "{config}");
    assert!(!config.contains("block"), "{config}");
    for expected in [
        "own-website.xml:15: warning: channel: <itunes:subtitle> is not carried over",
        "own-website.xml:27: warning: \"Low Tide\": <itunes:block> is not carried over",
        "own-website.xml:33:5: warning: \"Nets\": <category> `Fishing` is not carried over (add it to the episode's `tags:` if it names a topic)",
        "own-website.xml:33:5: warning: \"Nets\": the episode's author `Ivo Net` is not carried over: onair credits every episode to the show's `author:`",
    ] {
        assert!(out.contains(expected), "{expected}: {out}");
    }
    // A person onair would refuse is listed, not written into a file the build rejects.
    let nets = read_episode(&site, "2025-02-25-nets");
    assert!(
        nets.contains("people:\n  - { name: Old Tomas, role: guest }\n---"),
        "{nets}"
    );
    assert!(
        out.contains("own-website.xml:33:5: warning: \"Nets\": podcast:person `Young Tomas` is not carried over: person `Young Tomas`: role `fisherman` is not in the Podcast Index taxonomy"),
        "{out}"
    );
    let (code, out) = onair(&["build".as_ref(), site.as_os_str()]);
    assert_eq!(code, Some(0), "{out}");
    assert!(!out.contains(": error"), "{out}");
    assert!(
        out.contains("warning[remote-under-site]: \"https://harbournotes.example/images/cover.jpg\" lies under the site's URL but is a remote URL, not a file of the site"),
        "{out}"
    );
    for url in [
        "https://harbournotes.example/audio/low-tide.mp3",
        "https://harbournotes.example/images/low-tide.jpg",
        "https://harbournotes.example/episodes/low-tide/chapters.json",
        "https://harbournotes.example/episodes/low-tide/transcript.vtt",
        "https://harbournotes.example/episodes/nets/transcript.srt",
    ] {
        assert!(
            out.contains(&format!("[remote-under-site]: \"{url}\"")),
            "{url}: {out}"
        );
    }
    let (code, out) = onair(&[
        "check".as_ref(),
        site.as_os_str(),
        "--against".as_ref(),
        feed_path.as_os_str(),
    ]);
    assert_eq!(code, Some(0), "{out}");
    for rule in [
        "guid-changed",
        "enclosure-changed",
        "episode-vanished",
        ": error",
    ] {
        assert!(!out.contains(rule), "{rule}: {out}");
    }
    // Once `url:` is the new site's address, nothing is under it but the site's own files.
    let (code, out) = onair(&[
        "build".as_ref(),
        site.as_os_str(),
        "--base-url".as_ref(),
        "https://new-home.example".as_ref(),
    ]);
    assert_eq!(code, Some(0), "{out}");
    assert!(!out.contains("remote-under-site"), "{out}");
    let feed_xml = std::fs::read_to_string(site.join("public/feed.xml")).unwrap();
    assert!(
        feed_xml
            .contains("<podcast:person role=\"co-host\" group=\"cast\">Ivo Net</podcast:person>"),
        "{feed_xml}"
    );
    // The library round trip holds too (same GUIDs, URLs, dates, lengths, durations).
    let original = std::fs::read_to_string(&feed_path).unwrap();
    round_trip(feed_path.to_str().unwrap(), &original);
}

// --- --download-audio, against a scripted server ------------------------------------------

/// How the audio server answers a request that asks for a range.
#[derive(Clone, Copy, PartialEq)]
enum Ranges {
    Honoured,
    Ignored,
}

struct AudioServer {
    base: String,
    /// Each request as (path, its Range header or "").
    requests: Arc<std::sync::Mutex<Vec<(String, String)>>>,
    /// Bytes after which the next response to `cut_path` is cut off (the connection closed).
    cut: Arc<std::sync::Mutex<Option<(String, usize)>>>,
}

/// Serves `files` over plain HTTP/1.1, one request per connection: Range requests are
/// answered with 206 or, with `Ranges::Ignored`, with the whole file; a cut set in `cut`
/// sends the full Content-Length but closes the connection after that many bytes, once.
fn audio_server(files: Vec<(&'static str, Vec<u8>)>, ranges: Ranges) -> AudioServer {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(std::sync::Mutex::new(Vec::new()));
    let cut: Arc<std::sync::Mutex<Option<(String, usize)>>> = Arc::new(std::sync::Mutex::new(None));
    let (log, cut_now) = (requests.clone(), cut.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut first = String::new();
            if reader.read_line(&mut first).is_err() {
                continue;
            }
            let path = first.split_whitespace().nth(1).unwrap_or("").to_string();
            let mut range = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
                    break;
                }
                if let Some((k, v)) = line.split_once(':')
                    && k.eq_ignore_ascii_case("range")
                {
                    range = v.trim().to_string();
                }
            }
            log.lock().unwrap().push((path.clone(), range.clone()));
            let Some((_, body)) = files.iter().find(|(p, _)| *p == path) else {
                let _ = stream.write_all(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
                continue;
            };
            let start = range
                .strip_prefix("bytes=")
                .and_then(|r| r.strip_suffix('-'))
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|n| *n < body.len() && ranges == Ranges::Honoured);
            let (head, part) = match start {
                Some(n) => (
                    format!(
                        "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {n}-{}/{}\r\nContent-Length: {}\r\n",
                        body.len() - 1,
                        body.len(),
                        body.len() - n
                    ),
                    &body[n..],
                ),
                None => (
                    format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n", body.len()),
                    &body[..],
                ),
            };
            let _ = stream.write_all(
                format!("{head}Content-Type: audio/mpeg\r\nConnection: close\r\n\r\n").as_bytes(),
            );
            let send = match cut_now.lock().unwrap().take_if(|(p, _)| *p == path) {
                Some((_, n)) => &part[..n.min(part.len())],
                None => part,
            };
            let _ = stream.write_all(send);
            let _ = stream.flush();
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
    });
    AudioServer {
        base,
        requests,
        cut,
    }
}

fn fixture_audio(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/audio")
            .join(name),
    )
    .unwrap()
}

/// A two-episode feed whose audio is on `base`; `one_length` is what it says of the first.
fn audio_feed(base: &str, one_length: usize, two_length: usize) -> String {
    format!(
        "{HEAD}<itunes:image href=\"https://t.example/c.jpg\"/><itunes:category text=\"Arts\"/><itunes:author>A</itunes:author>\n\
         <item><title>Two</title><guid>g2</guid><pubDate>Mon, 13 Jan 2025 10:00:00 -0500</pubDate><enclosure url=\"{base}/media/two.mp3?src=feed\" length=\"{two_length}\" type=\"audio/mpeg\"/><itunes:duration>1</itunes:duration></item>\n\
         <item><title>One</title><guid isPermaLink=\"false\">g1</guid><pubDate>Mon, 06 Jan 2025 10:00:00 +0000</pubDate><enclosure url=\"{base}/media/one\" length=\"{one_length}\" type=\"audio/mpeg\"/><itunes:duration>1</itunes:duration></item>\n\
         </channel></rss>"
    )
}

fn download_options(feed_path: &Path, site: &Path) -> ImportOptions {
    let mut opts = options(feed_path.to_str().unwrap(), site);
    opts.download_audio = true;
    opts
}

fn messages(d: &onair::diag::Diagnostics) -> String {
    d.iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn download_audio_resumes_an_interrupted_transfer() {
    let (one, two) = (
        fixture_audio("mp3-cbr-info.mp3"),
        fixture_audio("mp3-vbr-xing.mp3"),
    );
    let server = audio_server(
        vec![
            ("/media/one", one.clone()),
            ("/media/two.mp3?src=feed", two.clone()),
        ],
        Ranges::Honoured,
    );
    *server.cut.lock().unwrap() = Some(("/media/one".into(), 2000));
    let tmp = tempfile::tempdir().unwrap();
    let feed_path = tmp.path().join("old.xml");
    let xml = audio_feed(&server.base, one.len(), two.len());
    std::fs::write(&feed_path, &xml).unwrap();
    let site = tmp.path().join("site");

    // The first run is cut off: an error naming the item, no episode written, the part kept.
    let err = import(&download_options(&feed_path, &site)).unwrap_err();
    let text = messages(&err);
    assert!(
        text.contains(&format!(
            "old.xml:6:1: error: \"One\": cannot download the audio {}/media/one: the transfer stopped after",
            server.base
        )) && text.contains("run the import again to resume it"),
        "{text}"
    );
    assert!(!site.join("episodes").exists());
    assert!(!site.join("audio").exists());
    let part = site.join(".onair/downloads/audio/2025-01-06-one.mp3.part");
    let kept = std::fs::metadata(&part).unwrap().len() as usize;
    assert!(kept > 0 && kept < one.len(), "{kept}");

    // The second run asks only for the rest, and completes the site.
    let report =
        import(&download_options(&feed_path, &site)).unwrap_or_else(|d| panic!("{}", messages(&d)));
    let asked: Vec<String> = server
        .requests
        .lock()
        .unwrap()
        .iter()
        .filter(|(p, _)| p == "/media/one")
        .map(|(_, r)| r.clone())
        .collect();
    assert_eq!(asked, vec![String::new(), format!("bytes={kept}-")]);
    assert_eq!(
        std::fs::read(site.join("audio/2025-01-06-one.mp3")).unwrap(),
        one
    );
    assert_eq!(
        std::fs::read(site.join("audio/2025-01-13-two.mp3")).unwrap(),
        two
    );
    assert!(
        report
            .written
            .contains(&"audio/2025-01-06-one.mp3".to_string())
    );
    assert!(
        !site.join(".onair").exists(),
        "the download cache is cleared"
    );
    let ep = read_episode(&site, "2025-01-06-one");
    assert!(ep.contains("guid: g1\n"), "{ep}");
    assert!(ep.contains("audio: audio/2025-01-06-one.mp3\n"), "{ep}");

    // The feed now points at the site's copies; GUIDs, dates and lengths stay.
    let new_feed = build(&site);
    let (before, after) = (remembered(&xml), remembered(&new_feed));
    assert_eq!(
        after["g1"].url,
        "https://t.example/audio/2025-01-06-one.mp3"
    );
    assert_eq!(
        after["g2"].url,
        "https://t.example/audio/2025-01-13-two.mp3"
    );
    for guid in ["g1", "g2"] {
        assert_eq!(after[guid].date, before[guid].date, "{guid}");
        assert_eq!(after[guid].length, before[guid].length, "{guid}");
        assert_eq!(after[guid].duration, before[guid].duration, "{guid}");
    }
    let against = onair::check::check_against(
        &xml,
        Path::new("old.xml"),
        &new_feed,
        Path::new("feed.xml"),
        &onair::check::AgainstOptions::default(),
    );
    let rules: Vec<&str> = against.iter().filter_map(|d| d.rule.as_deref()).collect();
    assert!(
        rules
            .iter()
            .all(|r| ["enclosure-changed", "feed-url-changed"].contains(r)),
        "{against:#?}"
    );
    assert_eq!(
        rules.iter().filter(|r| **r == "enclosure-changed").count(),
        2
    );
}

#[test]
fn download_audio_restarts_when_the_server_ignores_range() {
    let (one, two) = (
        fixture_audio("mp3-cbr-info.mp3"),
        fixture_audio("mp3-vbr-xing.mp3"),
    );
    let server = audio_server(
        vec![
            ("/media/one", one.clone()),
            ("/media/two.mp3?src=feed", two.clone()),
        ],
        Ranges::Ignored,
    );
    *server.cut.lock().unwrap() = Some(("/media/one".into(), 3000));
    let tmp = tempfile::tempdir().unwrap();
    let feed_path = tmp.path().join("old.xml");
    std::fs::write(&feed_path, audio_feed(&server.base, one.len(), two.len())).unwrap();
    let site = tmp.path().join("site");
    import(&download_options(&feed_path, &site)).unwrap_err();
    import(&download_options(&feed_path, &site)).unwrap_or_else(|d| panic!("{}", messages(&d)));
    let asked: Vec<String> = server
        .requests
        .lock()
        .unwrap()
        .iter()
        .filter(|(p, _)| p == "/media/one")
        .map(|(_, r)| r.clone())
        .collect();
    assert_eq!(asked.len(), 2);
    assert!(asked[1].starts_with("bytes="), "{asked:?}");
    // The whole file came back: written from the start, not after the part.
    assert_eq!(
        std::fs::read(site.join("audio/2025-01-06-one.mp3")).unwrap(),
        one
    );
}

#[test]
fn download_audio_refuses_a_wrong_length_and_never_overwrites() {
    let (one, two) = (
        fixture_audio("mp3-cbr-info.mp3"),
        fixture_audio("mp3-vbr-xing.mp3"),
    );
    let server = audio_server(
        vec![
            ("/media/one", one.clone()),
            ("/media/two.mp3?src=feed", two.clone()),
        ],
        Ranges::Honoured,
    );
    let tmp = tempfile::tempdir().unwrap();
    let feed_path = tmp.path().join("old.xml");
    // The feed says 100 bytes more than the server's file.
    std::fs::write(
        &feed_path,
        audio_feed(&server.base, one.len() + 100, two.len()),
    )
    .unwrap();
    let site = tmp.path().join("site");
    let err = import(&download_options(&feed_path, &site)).unwrap_err();
    let text = messages(&err);
    assert!(
        text.contains(&format!(
            "old.xml:6:1: error: \"One\": cannot download the audio {}/media/one: the server's file is {} bytes but the feed's enclosure length is {}: not the file the feed describes, so it is not kept",
            server.base,
            one.len(),
            one.len() + 100
        )),
        "{text}"
    );
    assert_eq!(err.iter().count(), 1, "{text}");
    // Nothing of it is kept; the other episode's checked download waits for the next run.
    assert!(!site.join("audio").exists());
    assert!(!site.join("episodes").exists());
    let cache = site.join(".onair/downloads/audio");
    assert!(!cache.join("2025-01-06-one.mp3.part").exists());
    assert!(!cache.join("2025-01-06-one.mp3").exists());
    assert_eq!(
        std::fs::read(cache.join("2025-01-13-two.mp3")).unwrap(),
        two
    );

    // An existing file of the same name: kept when it is the same audio, an error otherwise.
    std::fs::write(&feed_path, audio_feed(&server.base, one.len(), two.len())).unwrap();
    std::fs::create_dir_all(site.join("audio")).unwrap();
    let mut other = one.clone();
    other[100] ^= 0xff;
    std::fs::write(site.join("audio/2025-01-06-one.mp3"), &other).unwrap();
    std::fs::write(site.join("audio/2025-01-13-two.mp3"), &two).unwrap();
    let err = import(&download_options(&feed_path, &site)).unwrap_err();
    let text = messages(&err);
    assert!(
        text.contains(&format!(
            "old.xml:6:1: error: \"One\": audio/2025-01-06-one.mp3 already exists in the site with other bytes than {}/media/one: onair import never overwrites a file",
            server.base
        )),
        "{text}"
    );
    assert_eq!(err.iter().count(), 1, "{text}");
    assert_eq!(
        std::fs::read(site.join("audio/2025-01-06-one.mp3")).unwrap(),
        other
    );
    assert!(!site.join("episodes").exists());
    std::fs::write(site.join("audio/2025-01-06-one.mp3"), &one).unwrap();
    let report =
        import(&download_options(&feed_path, &site)).unwrap_or_else(|d| panic!("{}", messages(&d)));
    assert!(
        !report.written.iter().any(|f| f.starts_with("audio/")),
        "{:?}",
        report.written
    );
    let ep = read_episode(&site, "2025-01-13-two");
    assert!(ep.contains("audio: audio/2025-01-13-two.mp3\n"), "{ep}");
}

#[test]
fn url_gives_the_new_address_and_the_feed_names_itself_for_redirected_apps() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let feed_path = fixture("own-website.xml");
    let (code, out) = onair(&[
        "import".as_ref(),
        feed_path.as_os_str(),
        site.as_os_str(),
        "--url".as_ref(),
        "https://harbour.example.org/".as_ref(),
    ]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("next: `onair build`, publish, then redirect the old feed to https://harbour.example.org/feed.xml"),
        "{out}"
    );
    let config = std::fs::read_to_string(site.join("site.yaml")).unwrap();
    assert!(
        config.contains("\nurl: https://harbour.example.org\n"),
        "{config}"
    );
    assert!(
        config.contains("\nnew_feed_url: https://harbour.example.org/feed.xml\n"),
        "{config}"
    );
    let (code, out) = onair(&["build".as_ref(), site.as_os_str()]);
    assert_eq!(code, Some(0), "{out}");
    // The old site's files are no longer under the site's URL: nothing to warn about.
    assert!(!out.contains("remote-under-site"), "{out}");
    let feed_xml = std::fs::read_to_string(site.join("public/feed.xml")).unwrap();
    assert!(
        feed_xml.contains(
            "<itunes:new-feed-url>https://harbour.example.org/feed.xml</itunes:new-feed-url>"
        ),
        "{feed_xml}"
    );
    // The move is the only change apps could notice, and the feed announces it
    // (<itunes:new-feed-url>): nothing to report.
    let (code, out) = onair(&[
        "check".as_ref(),
        site.as_os_str(),
        "--against".as_ref(),
        feed_path.as_os_str(),
    ]);
    assert_eq!(code, Some(0), "{out}");
    assert!(!out.contains("feed-url-changed"), "{out}");
    assert!(out.contains("ok (no errors, no warnings)"), "{out}");

    let (code, out) = onair(&[
        "import".as_ref(),
        feed_path.as_os_str(),
        tmp.path().join("other").as_os_str(),
        "--url".as_ref(),
        "harbour.example.org".as_ref(),
    ]);
    assert_eq!(code, Some(2), "{out}");
    assert!(
        out.contains("error: --url harbour.example.org: give the new site's absolute address"),
        "{out}"
    );
    assert!(!tmp.path().join("other").exists());
}

#[test]
fn a_feed_that_already_points_elsewhere_is_named_not_followed() {
    let xml = std::fs::read_to_string(fixture("hosted-cdata.xml")).unwrap();
    let moved = xml.replacen(
        "<channel>",
        "<channel>\n<itunes:new-feed-url>https://elsewhere.example/feed.xml</itunes:new-feed-url>",
        1,
    );
    assert_ne!(moved, xml);
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("old.xml");
    std::fs::write(&path, &moved).unwrap();
    let report = import(&options(path.to_str().unwrap(), &tmp.path().join("a"))).unwrap();
    let warnings: Vec<String> = report.warnings.iter().map(|w| w.to_string()).collect();
    assert!(
        warnings.iter().any(|w| w.contains("old.xml: warning: <itunes:new-feed-url> is not carried over: this feed already sends apps to https://elsewhere.example/feed.xml; if that is the show's current feed, import from it instead")),
        "{warnings:#?}"
    );
    let config = std::fs::read_to_string(tmp.path().join("a/site.yaml")).unwrap();
    assert!(!config.contains("new_feed_url"), "{config}");
    // Already redirected to the address the import is given: consistent, nothing to say.
    let mut opts = options(path.to_str().unwrap(), &tmp.path().join("b"));
    opts.url = Some("https://elsewhere.example".into());
    let report = import(&opts).unwrap();
    assert!(
        !report
            .warnings
            .iter()
            .any(|w| w.message.contains("new-feed-url")),
        "{:#?}",
        report.warnings
    );
    let config = std::fs::read_to_string(tmp.path().join("b/site.yaml")).unwrap();
    assert!(
        config.contains("\nnew_feed_url: https://elsewhere.example/feed.xml\n"),
        "{config}"
    );
}

// --- --show: a feed becomes a show of a network ----------------------------------------------

fn show_options(feed: &Path, dir: &Path, show: &str) -> ImportOptions {
    ImportOptions {
        show: Some(show.to_string()),
        ..options(feed.to_str().unwrap(), dir)
    }
}

/// `onair build` then `onair check` on the site: both exit 0, with no error.
fn builds_and_checks(site: &Path) {
    for cmd in ["build", "check"] {
        let (code, text) = onair(&[cmd.as_ref(), site.as_os_str()]);
        assert_eq!(code, Some(0), "onair {cmd}: {text}");
        assert!(!text.contains(": error"), "onair {cmd}: {text}");
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn show_into_a_missing_folder_makes_a_network_around_the_show() {
    let tmp = tempfile::tempdir().unwrap();
    let net = tmp.path().join("net");
    let feed_path = fixture("podcasting20.xml");
    let report = import(&ImportOptions {
        url: Some("https://net.example".into()),
        ..show_options(&feed_path, &net, "open-source")
    })
    .unwrap();
    let mut written = report.written.clone();
    written.sort();
    assert_eq!(
        written[written.len() - 2..],
        ["shows/open-source/show.yaml", "site.yaml"]
    );
    assert!(
        written
            .iter()
            .filter(|f| !f.ends_with(".yaml"))
            .all(|f| f.starts_with("shows/open-source/episodes/")),
        "{written:?}"
    );
    let heading = format!(
        "# Imported from {} by `onair import`.\n",
        feed_path.display()
    );
    // What shows share is the network's; the show's feed is under it at /open-source/.
    assert_eq!(
        read(&net.join("site.yaml")),
        format!(
            "{heading}title: Open Source Hour\nurl: https://net.example\nauthor: Open Source Hour\n"
        )
    );
    let show = read(&net.join("shows/open-source/show.yaml"));
    assert!(
        show.starts_with(&format!("{heading}title: Open Source Hour\n")),
        "{show}"
    );
    assert!(
        !show.contains("\nurl:") && !show.contains("\nauthor:"),
        "{show}"
    );
    assert!(
        show.contains("\nnew_feed_url: https://net.example/open-source/feed.xml\n"),
        "{show}"
    );
    assert!(show.contains("\npodcast_guid: "), "{show}");
    assert!(!net.join("episodes").exists() && !net.join("shows/open-source/onair.lock").exists());
    builds_and_checks(&net);
    // Apps see the same episodes at the show's new feed.
    let original = read(&feed_path);
    let built = read(&net.join("public/open-source/feed.xml"));
    assert_eq!(remembered(&built), remembered(&original));
    assert!(net.join("public/shows/feed.xml").is_file());
}

#[test]
fn show_adds_a_show_to_an_existing_network_and_touches_nothing_else() {
    let tmp = tempfile::tempdir().unwrap();
    let net = tmp.path().join("net");
    example_network(&net);
    let before: BTreeMap<PathBuf, Vec<u8>> = walk(&net);
    let feed_path = fixture("podcasting20.xml");
    let report = import(&show_options(&feed_path, &net, "open-source")).unwrap();
    assert_eq!(
        report
            .written
            .iter()
            .filter(|f| f.starts_with("shows/open-source/episodes/"))
            .count(),
        2
    );
    // Every file that was there is as it was; the new ones are the show's (and the lock).
    let after = walk(&net);
    for (path, bytes) in &before {
        assert_eq!(after.get(path), Some(bytes), "{}", path.display());
    }
    for path in after.keys().filter(|p| !before.contains_key(*p)) {
        assert!(
            path.starts_with("shows/open-source") || path == Path::new("onair.lock"),
            "{}",
            path.display()
        );
    }
    let show = read(&net.join("shows/open-source/show.yaml"));
    // Its URL is the network's: no url: of its own, and --url is not for a network.
    assert!(
        !show.contains("\nurl:") && !show.contains("new_feed_url"),
        "{show}"
    );
    builds_and_checks(&net);
    let built = read(&net.join("public/open-source/feed.xml"));
    assert_eq!(remembered(&built), remembered(&read(&feed_path)));
    let all = read(&net.join("public/shows/feed.xml"));
    assert!(all.contains("Open Source Hour"), "{all}");
}

/// A feed without author, owner, artwork and categories.
const BARE: &str = r#"<?xml version="1.0"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel><title>Bare</title><link>https://bare.example</link><description>Little said.</description>
<item><title>One</title><guid>bare-1</guid><pubDate>Mon, 05 Jan 2026 10:00:00 +0000</pubDate>
<enclosure url="https://cdn.bare.example/1.mp3" length="1000000" type="audio/mpeg"/><itunes:duration>600</itunes:duration></item>
</channel></rss>
"#;

#[test]
fn show_todo_lines_go_where_the_key_belongs() {
    let tmp = tempfile::tempdir().unwrap();
    let feed_path = tmp.path().join("bare.xml");
    std::fs::write(&feed_path, BARE).unwrap();
    let todo = |text: &str| -> Vec<String> {
        text.lines()
            .filter_map(|l| l.strip_prefix("# TODO: the old feed has no "))
            .filter_map(|l| {
                l.split_once("; ")
                    .map(|(_, k)| k.split(':').next().unwrap().to_string())
            })
            .collect()
    };
    // A new network: author is the network's to set, the rest the show's.
    let net = tmp.path().join("new");
    let report = import(&show_options(&feed_path, &net, "bare")).unwrap();
    assert_eq!(todo(&read(&net.join("site.yaml"))), ["author"]);
    let show = read(&net.join("shows/bare/show.yaml"));
    assert_eq!(todo(&show), ["owner", "image", "categories"]);
    let warnings: Vec<String> = report.warnings.iter().map(|w| w.message.clone()).collect();
    assert!(
        warnings.contains(
            &"the feed has no <itunes:author>: add `author:` to site.yaml before building"
                .to_string()
        ),
        "{warnings:?}"
    );
    assert!(
        warnings.contains(&"the feed has no <itunes:category>: add `categories:` to shows/bare/show.yaml before building".to_string()),
        "{warnings:?}"
    );
    // Into the example network, whose site.yaml sets author and owner: not asked for again.
    let example = tmp.path().join("example");
    example_network(&example);
    let report = import(&show_options(&feed_path, &example, "bare")).unwrap();
    let show = read(&example.join("shows/bare/show.yaml"));
    assert_eq!(todo(&show), ["image", "categories"], "{show}");
    assert!(
        !report.warnings.iter().any(|w| w.message.contains("author")),
        "{:?}",
        report.warnings
    );
}

#[test]
fn show_refuses_a_single_show_site_an_existing_show_and_a_bad_name() {
    let tmp = tempfile::tempdir().unwrap();
    let feed = fixture("podcasting20.xml");
    // A single-show site: never converted, and told how.
    let site = tmp.path().join("site");
    import(&options(feed.to_str().unwrap(), &site)).unwrap();
    let before = walk(&site);
    let (code, text) = onair(&[
        "import".as_ref(),
        feed.as_os_str(),
        site.as_os_str(),
        "--show".as_ref(),
        "second".as_ref(),
    ]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.starts_with(&format!(
            "{}: error: is a single-show site (site.yaml, no shows/ folder): --show adds a show to a network, and onair import never converts a site. To make it a network by hand, pick a name for the show it holds (say `main`), move its episodes/, audio/, assets/, pages/ and transcripts/ into shows/main/, move the show's keys of site.yaml (title, description, image, categories, owner, ...) into shows/main/show.yaml with `path: /` (its feed and episode URLs then stay where they are), keep what the shows share (title, url, author, theme, timezone, deploy) in site.yaml, and import again with --show second\n",
            site.display()
        )),
        "{text}"
    );
    assert!(
        text.contains("import failed: 1 error(s); nothing was written"),
        "{text}"
    );
    assert_eq!(walk(&site), before);

    let net = tmp.path().join("net");
    example_network(&net);
    std::fs::rename(net.join("shows/night-shift"), net.join("shows/Night_Shift")).unwrap();
    let before = walk(&net);
    // The folder is checked before the feed is even read.
    let missing_feed = tmp.path().join("no-such-feed.xml");
    let cases: [(&str, Option<&str>, i32, String); 5] = [
        (
            "solder-club",
            None,
            1,
            format!(
                "{}: error: the show `solder-club` already exists: onair import never overwrites a show; give the new one another --show NAME\n",
                net.join("shows/solder-club").display()
            ),
        ),
        (
            "night-shift",
            None,
            1,
            format!(
                "{}: error: is published at /night-shift/ already: give the new show another --show NAME\n",
                net.join("shows/Night_Shift").display()
            ),
        ),
        (
            "new-show",
            Some("https://other.example"),
            1,
            format!(
                "error: --url: {} is a network, whose address is `url:` in its site.yaml; the new show is published under it at /new-show/ (leave out --url)\n",
                net.display()
            ),
        ),
        (
            "New Show",
            None,
            2,
            "error: --show New Show: a show's name is its folder in shows/ and its URL /NAME/: use lowercase letters, digits and dashes, such as `new-show`\n".to_string(),
        ),
        (
            "tags",
            None,
            2,
            "error: --show tags: /tags/ is one of the site's own paths (shows, episodes, tags, people, assets, audio, search, pages): choose another name\n".to_string(),
        ),
    ];
    for (name, url, expected, message) in cases {
        let mut args: Vec<&std::ffi::OsStr> = vec![
            "import".as_ref(),
            missing_feed.as_os_str(),
            net.as_os_str(),
            "--show".as_ref(),
            name.as_ref(),
        ];
        if let Some(url) = url {
            args.extend([std::ffi::OsStr::new("--url"), std::ffi::OsStr::new(url)]);
        }
        let (code, text) = onair(&args);
        assert_eq!(code, Some(expected), "{name}: {text}");
        assert!(text.starts_with(&message), "{name}: {text}");
    }
    assert_eq!(walk(&net), before);
}

/// Every file under `dir` (relative path -> bytes).
fn walk(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn show_download_audio_goes_into_the_show_and_resumes() {
    let (one, two) = (
        fixture_audio("mp3-cbr-info.mp3"),
        fixture_audio("mp3-vbr-xing.mp3"),
    );
    let server = audio_server(
        vec![
            ("/media/one", one.clone()),
            ("/media/two.mp3?src=feed", two.clone()),
        ],
        Ranges::Honoured,
    );
    *server.cut.lock().unwrap() = Some(("/media/one".into(), 2000));
    let tmp = tempfile::tempdir().unwrap();
    let feed_path = tmp.path().join("old.xml");
    std::fs::write(&feed_path, audio_feed(&server.base, one.len(), two.len())).unwrap();
    let net = tmp.path().join("net");
    example_network(&net);
    let opts = ImportOptions {
        show: Some("radio".into()),
        ..download_options(&feed_path, &net)
    };
    import(&opts).unwrap_err();
    assert!(!net.join("shows/radio").exists());
    let part = net.join(".onair/downloads/shows/radio/audio/2025-01-06-one.mp3.part");
    assert!(part.is_file(), "the part waits for the next run");
    let report = import(&opts).unwrap_or_else(|d| panic!("{}", messages(&d)));
    assert!(
        report
            .written
            .contains(&"shows/radio/audio/2025-01-06-one.mp3".to_string()),
        "{:?}",
        report.written
    );
    assert_eq!(
        std::fs::read(net.join("shows/radio/audio/2025-01-06-one.mp3")).unwrap(),
        one
    );
    assert!(
        !net.join(".onair").exists(),
        "the download cache is cleared"
    );
    let ep = read(&net.join("shows/radio/episodes/2025-01-06-one.md"));
    assert!(ep.contains("audio: audio/2025-01-06-one.mp3\n"), "{ep}");
    builds_and_checks(&net);
    assert_eq!(
        std::fs::read(net.join("public/radio/audio/2025-01-13-two.mp3")).unwrap(),
        two
    );
}
