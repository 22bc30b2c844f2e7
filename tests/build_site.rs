//! End-to-end builds of fixture sites: published tree, feed snapshot and parse-back, page
//! snapshot, pinned error messages, and the guarantee that a failed build publishes nothing.
//!
//! Snapshots live in tests/snapshots/; after an intended change, accept new ones with
//! `UPDATE_SNAPSHOTS=1 cargo test --test build_site`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use quick_xml::Reader;
use quick_xml::events::Event;

mod site_support;
use site_support::{copy_site, fixture, onair};

/// A fresh copy of a fixture site in a temp dir.
fn site(name: &str) -> (tempfile::TempDir, PathBuf) {
    copy_site(&fixture(name))
}

fn build(root: &Path, extra: &[&str]) -> (i32, String) {
    let mut args = vec!["build", root.to_str().unwrap()];
    args.extend_from_slice(extra);
    let (code, _, err) = onair(&args);
    (code, err.replace(&format!("{}/", root.display()), ""))
}

/// Replaces asset fingerprints (`.1a2b3c4d5e.`) so theme edits don't churn page snapshots.
fn without_fingerprints(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'.'
            && i + 11 < b.len()
            && b[i + 11] == b'.'
            && b[i + 1..i + 11]
                .iter()
                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
        {
            out.push_str(".[hash].");
            i += 12;
        } else {
            let ch = text[i..].chars().next().unwrap();
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

fn snapshot(name: &str, actual: &str) {
    let actual = &without_fingerprints(actual);
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() || !path.exists() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap();
    if expected != *actual {
        let diff_at = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b);
        panic!(
            "snapshot {name} differs (first differing line: {diff_at:?}); if intended, run UPDATE_SNAPSHOTS=1 cargo test --test build_site\n--- actual ---\n{actual}"
        );
    }
}

/// Every file under `dir` with its bytes, for before/after comparisons.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

#[derive(Debug, Default)]
struct Item {
    title: String,
    guid: String,
    enclosure: BTreeMap<String, String>,
    duration: String,
    pub_date: String,
}

/// Parses the feed back with quick-xml.
fn parse_feed(xml: &str) -> (BTreeMap<String, String>, Vec<Item>) {
    let mut reader = Reader::from_str(xml);
    let mut channel = BTreeMap::new();
    let mut items = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut current: Option<Item> = None;
    loop {
        match reader.read_event().expect("feed is well-formed XML") {
            Event::Start(e) => {
                let name = e.name().as_ref().to_string();
                if name == "item" {
                    current = Some(Item::default());
                }
                stack.push(name);
                text.clear();
            }
            Event::Empty(e) => {
                if e.name().as_ref() == "enclosure"
                    && let Some(item) = current.as_mut()
                {
                    for a in e.attributes() {
                        let a = a.unwrap();
                        let value = a
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .unwrap()
                            .into_owned();
                        item.enclosure.insert(a.key.as_ref().to_string(), value);
                    }
                }
            }
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::CData(t) => text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                if r.is_char_ref() {
                    text.extend(r.resolve_char_ref().unwrap());
                } else {
                    let name = r.xml10_content();
                    text.push_str(match name.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        other => panic!("undefined entity {other}"),
                    });
                }
            }
            Event::End(e) => {
                let name = stack.pop().unwrap_or_default();
                let value = std::mem::take(&mut text);
                match current.as_mut() {
                    Some(item) => match name.as_str() {
                        "title" => item.title = value,
                        "guid" => item.guid = value,
                        "itunes:duration" => item.duration = value,
                        "pubDate" => item.pub_date = value,
                        _ => {}
                    },
                    None if stack.len() == 2 => {
                        channel.insert(name, value);
                    }
                    None => {}
                }
                if e.name().as_ref() == "item" {
                    items.push(current.take().unwrap());
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    (channel, items)
}

#[test]
fn builds_the_basic_site() {
    let (_tmp, root) = site("basic");
    let (code, err) = build(&root, &[]);
    assert_eq!(code, 0, "{err}");
    let public = root.join("public");
    for path in [
        "index.html",
        "episodes/index.html",
        "episodes/first-steps/index.html",
        "episodes/second-thoughts/index.html",
        "episodes/remote/index.html",
        "tags/basics/index.html",
        "tags/q-a/index.html",
        "tags/advanced/index.html",
        "about/index.html",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "audio/first.mp3",
        "audio/second.m4a",
    ] {
        assert!(public.join(path).is_file(), "missing {path}");
    }
    // Drafts and future episodes are not published.
    assert!(!public.join("episodes/a-draft").exists());
    assert!(!public.join("episodes/future").exists());
    // Audio is published byte for byte; assets are fingerprinted.
    assert_eq!(
        std::fs::read(public.join("audio/first.mp3")).unwrap(),
        std::fs::read(root.join("audio/first.mp3")).unwrap()
    );
    let assets: Vec<String> = std::fs::read_dir(public.join("assets"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        assets.iter().any(|n| n.starts_with("cover.")
            && n.ends_with(".png")
            && n.len() == "cover.".len() + 10 + 4),
        "{assets:?}"
    );
    // Nothing but public/, onair.lock and .onair/ was written in the site.
    let mut top: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    top.sort();
    assert_eq!(
        top,
        [
            ".onair",
            "assets",
            "audio",
            "episodes",
            "onair.lock",
            "pages",
            "public",
            "site.yaml"
        ]
    );
}

#[test]
fn feed_parses_back_with_exact_lengths() {
    let (_tmp, root) = site("basic");
    let (code, err) = build(&root, &[]);
    assert_eq!(code, 0, "{err}");
    let xml = std::fs::read_to_string(root.join("public/feed.xml")).unwrap();
    let (channel, items) = parse_feed(&xml);
    assert_eq!(channel["title"], "Fixture & Friends");
    assert_eq!(channel["link"], "https://fixture.example.com/show/");
    assert_eq!(channel["podcast:guid"].len(), 36);
    let titles: Vec<&str> = items.iter().map(|i| i.title.as_str()).collect();
    assert_eq!(
        titles,
        ["Remote Audio", "Second Thoughts", "First Steps"],
        "newest first"
    );
    for item in &items {
        let url = &item.enclosure["url"];
        let length: u64 = item.enclosure["length"].parse().unwrap();
        assert!(length > 0);
        if let Some(local) = url.strip_prefix("https://fixture.example.com/show/") {
            let size = std::fs::metadata(root.join(local)).unwrap().len();
            assert_eq!(length, size, "{url}");
        }
        assert!(!item.guid.is_empty());
        assert!(
            item.duration.chars().all(|c| c.is_ascii_digit()),
            "{}",
            item.duration
        );
    }
    assert_eq!(
        items[0].enclosure["url"],
        "https://media.fixture.example.com/remote%20one.mp3"
    );
    assert_eq!(items[0].enclosure["length"], "28200000");
    assert_eq!(items[0].duration, "3525");
    assert_eq!(items[1].enclosure["type"], "audio/x-m4a");
    assert_eq!(items[2].enclosure["type"], "audio/mpeg");
    assert_eq!(items[2].guid, "fixture-0001");
    assert_eq!(items[2].pub_date, "Mon, 05 Jan 2026 09:30:00 -0500");
    assert_eq!(items[1].pub_date, "Sun, 01 Feb 2026 18:00:00 +0100");
}

#[test]
fn feed_and_episode_page_snapshots() {
    let (_tmp, root) = site("basic");
    let (code, err) = build(&root, &[]);
    assert_eq!(code, 0, "{err}");
    let xml = std::fs::read_to_string(root.join("public/feed.xml")).unwrap();
    let xml: String = xml
        .lines()
        .map(|l| {
            if l.trim_start().starts_with("<lastBuildDate>") {
                "    <lastBuildDate>[build time]</lastBuildDate>"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    snapshot("basic-feed.xml", &xml);
    let page =
        std::fs::read_to_string(root.join("public/episodes/first-steps/index.html")).unwrap();
    snapshot("basic-episode.html", &page);
}

#[test]
fn guids_are_assigned_once_and_kept_in_the_lock() {
    let (_tmp, root) = site("basic");
    assert_eq!(build(&root, &[]).0, 0);
    let lock = std::fs::read_to_string(root.join("onair.lock")).unwrap();
    assert!(
        lock.contains("episodes/2026-02-01-second-thoughts.md"),
        "{lock}"
    );
    let feed1 = std::fs::read_to_string(root.join("public/feed.xml")).unwrap();
    let guid = |feed: &str, title: &str| {
        parse_feed(feed)
            .1
            .into_iter()
            .find(|i| i.title == title)
            .unwrap()
            .guid
    };
    let g1 = guid(&feed1, "Second Thoughts");
    // Renaming the file, retitling and redating keep the GUID (episode number unchanged).
    let old = root.join("episodes/2026-02-01-second-thoughts.md");
    let text = std::fs::read_to_string(&old)
        .unwrap()
        .replace("Thoughts", "Thoughts, Revised")
        .replace("2026-02-01T18", "2026-02-02T18");
    std::fs::remove_file(&old).unwrap();
    std::fs::write(
        root.join("episodes/2026-02-02-second-thoughts-revised.md"),
        text,
    )
    .unwrap();
    assert_eq!(build(&root, &[]).0, 0);
    let feed2 = std::fs::read_to_string(root.join("public/feed.xml")).unwrap();
    assert_eq!(guid(&feed2, "Second Thoughts, Revised"), g1);
}

#[test]
fn a_failed_build_leaves_public_untouched() {
    let (_tmp, root) = site("basic");
    assert_eq!(build(&root, &[]).0, 0);
    let before = tree(&root.join("public"));
    std::fs::write(
        root.join("episodes/2026-03-05-broken.md"),
        "---\ntitle: [unclosed\n---\n",
    )
    .unwrap();
    let (code, err) = build(&root, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("nothing was published"), "{err}");
    assert_eq!(tree(&root.join("public")), before);
}

#[test]
fn stale_files_do_not_linger() {
    let (_tmp, root) = site("basic");
    assert_eq!(build(&root, &[]).0, 0);
    assert!(root.join("public/episodes/remote/index.html").exists());
    std::fs::remove_file(root.join("episodes/2026-03-01-remote.md")).unwrap();
    // Removing a published episode is a publish-safety error unless allowed (check_build.rs).
    assert_eq!(build(&root, &["--allow-feed-changes"]).0, 0);
    assert!(!root.join("public/episodes/remote").exists());
    // No staging folders are left behind (only the audio stats cache stays in .onair/).
    let leftovers: Vec<_> = std::fs::read_dir(root.join(".onair"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "audio-stats.json")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn drafts_flag_includes_drafts_and_future_episodes() {
    let (_tmp, root) = site("basic");
    let out = root.parent().unwrap().join("out");
    let (code, err) = build(&root, &["--drafts", "--output", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.join("episodes/a-draft/index.html").exists());
    assert!(out.join("episodes/future/index.html").exists());
    assert!(
        !root.join("public").exists(),
        "--output publishes elsewhere"
    );
}

#[test]
fn base_url_override() {
    let (_tmp, root) = site("basic");
    let (code, err) = build(&root, &["--base-url", "https://staging.example.org"]);
    assert_eq!(code, 0, "{err}");
    let xml = std::fs::read_to_string(root.join("public/feed.xml")).unwrap();
    assert!(xml.contains("<link>https://staging.example.org/episodes/first-steps/</link>"));
}

#[test]
fn asset_fingerprint_changes_with_the_asset_only() {
    let (_tmp, root) = site("basic");
    let cover_name = |root: &Path| {
        std::fs::read_dir(root.join("public/assets"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .find(|n| n.starts_with("cover."))
            .unwrap()
    };
    assert_eq!(build(&root, &[]).0, 0);
    let first = cover_name(&root);
    assert_eq!(build(&root, &[]).0, 0);
    assert_eq!(cover_name(&root), first, "same content, same name");
    let mut png = std::fs::read(root.join("assets/cover.png")).unwrap();
    png.extend_from_slice(b"trailing bytes change the hash");
    std::fs::write(root.join("assets/cover.png"), png).unwrap();
    assert_eq!(build(&root, &[]).0, 0);
    assert_ne!(cover_name(&root), first);
}

#[test]
fn template_overrides_win() {
    let (_tmp, root) = site("basic");
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("templates/page.html"),
        "<p>custom {{ page.title }}</p>",
    )
    .unwrap();
    assert_eq!(build(&root, &[]).0, 0);
    assert_eq!(
        std::fs::read_to_string(root.join("public/about/index.html")).unwrap(),
        "<p>custom About the fixture</p>"
    );
}

/// What each page's template gets (themes/default/README.md): list cards and `prev`/`next` say
/// how many chapters an episode has; its own page and the home page's `latest` list them.
#[test]
fn cards_count_chapters_and_pages_that_show_them_list_them() {
    let (_tmp, root) = site("basic");
    std::fs::create_dir_all(root.join("templates")).unwrap();
    let card =
        "{{ e.slug }}:{{ e.chapter_count }}:{% if e.chapters %}listed{% else %}none{% endif %}";
    for (name, body) in [
        (
            "tag.html",
            format!("{{% for e in episodes %}}{card} {{% endfor %}}"),
        ),
        (
            "index.html",
            format!(
                "{{% for e in latest %}}{card}[{{% for c in e.chapters %}}{{{{ c.title }}}};{{% endfor %}}] {{% endfor %}}|{{{{ episodes | length }}}}"
            ),
        ),
        (
            "episode.html",
            "{{ episode.chapter_count }}:{% for c in episode.chapters %}{{ c.start_display }} {{ c.title }};{% endfor %}\
             |{% if prev %}{% set e = prev %}{{ e.slug }}:{{ e.chapter_count }}:{% if e.chapters %}listed{% else %}none{% endif %}{% endif %}"
                .to_string(),
        ),
    ] {
        std::fs::write(root.join("templates").join(name), body).unwrap();
    }
    let (code, err) = build(&root, &[]);
    assert_eq!(code, 0, "{err}");
    let read = |p: &str| std::fs::read_to_string(root.join("public").join(p)).unwrap();
    assert_eq!(
        read("tags/basics/index.html"),
        "second-thoughts:0:none first-steps:2:none "
    );
    assert_eq!(
        read("index.html"),
        "remote:0:none[] second-thoughts:0:none[] first-steps:2:listed[Hello;The middle;] |3"
    );
    assert_eq!(
        read("episodes/first-steps/index.html"),
        "2:0:00 Hello;0:01 The middle;|"
    );
    assert_eq!(
        read("episodes/second-thoughts/index.html"),
        "0:|first-steps:2:none"
    );
}

// Pinned error messages.

#[test]
fn error_bad_front_matter() {
    let (_tmp, root) = site("basic");
    std::fs::write(
        root.join("episodes/2026-03-05-broken.md"),
        "---\ntitle: ok\nsummary: \"unclosed\nepisode: 4\n---\nNotes\n",
    )
    .unwrap();
    let (code, err) = build(&root, &[]);
    assert_eq!(code, 1);
    assert!(
        err.contains("episodes/2026-03-05-broken.md:3:10: error: a quoted value is never closed: end it with the same quote it starts with"),
        "{err}"
    );
}

#[test]
fn error_unknown_key_with_suggestion() {
    let (_tmp, root) = site("basic");
    std::fs::write(
        root.join("episodes/2026-03-05-typo.md"),
        "---\ntitle: Typo\naudio: audio/first.mp3\nsumary: oops\n---\n",
    )
    .unwrap();
    let (code, err) = build(&root, &[]);
    assert_eq!(code, 1);
    assert!(
        err.contains(
            "episodes/2026-03-05-typo.md:4:1: error: unknown key `sumary` (did you mean `summary`?)"
        ),
        "{err}"
    );
}

#[test]
fn error_missing_audio_and_all_errors_at_once() {
    let (_tmp, root) = site("basic");
    std::fs::write(
        root.join("episodes/2026-03-05-a.md"),
        "---\ntitle: A\naudio: audio/missing.mp3\n---\n",
    )
    .unwrap();
    std::fs::write(
        root.join("episodes/2026-03-06-b.md"),
        "---\ntitle: B\ndate: yesterday\naudio: audio/first.mp3\n---\n",
    )
    .unwrap();
    let (code, err) = build(&root, &[]);
    assert_eq!(code, 1);
    assert!(err.contains("episodes/2026-03-05-a.md:3: error: "), "{err}");
    assert!(err.contains("audio/missing.mp3"), "{err}");
    assert!(
        err.contains("episodes/2026-03-06-b.md:3: error: `yesterday` is not a date"),
        "{err}"
    );
    assert!(err.contains("build failed: 2 error(s)"), "{err}");
}

#[test]
fn error_missing_site_yaml_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, err) = build(tmp.path(), &[]);
    assert_eq!(code, 1);
    assert!(err.contains("site.yaml: error: no site.yaml in"), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(onair(&["build", "--no-such-flag"]).0, 2);
    assert_eq!(onair(&["frobnicate"]).0, 2);
}

#[test]
fn audio_absent_but_locked_builds_from_the_lock() {
    let (_tmp, root) = site("basic");
    assert_eq!(build(&root, &[]).0, 0);
    let size = std::fs::metadata(root.join("audio/first.mp3"))
        .unwrap()
        .len();
    // CI without the audio: the lock answers, the enclosure keeps its exact length.
    std::fs::remove_file(root.join("audio/first.mp3")).unwrap();
    let (code, err) = build(&root, &["--locked"]);
    assert_eq!(code, 0, "{err}");
    let xml = std::fs::read_to_string(root.join("public/feed.xml")).unwrap();
    let (_, items) = parse_feed(&xml);
    let first = items.iter().find(|i| i.title == "First Steps").unwrap();
    assert_eq!(first.enclosure["length"], size.to_string());
    assert!(!root.join("public/audio/first.mp3").exists());
}

#[test]
fn notes_timestamps_past_a_hand_given_duration_warn_and_are_left_out() {
    let (_tmp, root) = site("basic");
    std::fs::write(
        root.join("episodes/2026-03-01-remote.md"),
        "---\ntitle: Remote Audio\ndate: 2026-03-01\naudio: https://media.fixture.example.com/remote%20one.mp3\nlength: 28200000\nduration: \"0:58:45\"\nepisode: 3\n---\n- 00:00 - Start\n- 30:00 - Middle\n- 1:10:00 - Past the end\n- 1:20:00 - Later still\n",
    )
    .unwrap();
    let (code, err) = build(&root, &[]);
    assert_eq!(code, 0, "{err}");
    // One warning for the episode, on its first line past the end.
    assert!(
        err.contains("episodes/2026-03-01-remote.md:11: warning: 2 timestamps (1:10:00 to 1:20:00) are past the `duration:` given for this episode (58:45): not published as chapters; check `duration:`\n"),
        "{err}"
    );
    assert_eq!(
        err.matches("episodes/2026-03-01-remote.md:").count(),
        1,
        "{err}"
    );
    let chapters =
        std::fs::read_to_string(root.join("public/episodes/remote/chapters.json")).unwrap();
    assert!(
        chapters.contains("Middle") && !chapters.contains("Past the end"),
        "{chapters}"
    );
}
