//! Chapters, transcripts and people through a whole build: each written once (front matter,
//! a JSON chapters file, a transcript file found by name, a Transcript section of the notes,
//! `hosts:`) and published as files, feed elements, episode-page fields and people pages.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use onair::pipeline::{BuildOptions, Built, build_site};
use quick_xml::Reader;
use quick_xml::events::Event;

mod site_support;
use site_support::{copy_site, fixture};

/// The basic fixture site (audio of about 1.2 and 1.1 seconds), with `files` written over it.
fn site(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let (tmp, root) = copy_site(&fixture("basic"));
    for (rel, text) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    (tmp, root)
}

fn build(root: &Path) -> Result<Built, Vec<String>> {
    build_site(&BuildOptions {
        root: root.to_path_buf(),
        ..BuildOptions::default()
    })
    .map_err(|d| d.iter().map(ToString::to_string).collect())
}

fn text(built: &Built, key: &str) -> String {
    String::from_utf8(
        built
            .output
            .bytes(key)
            .unwrap_or_else(|| panic!("no {key}"))
            .to_vec(),
    )
    .unwrap()
}

const SITE_HOSTS: &str = "hosts:\n  - name: Test Host\n    href: https://host.example\n";

const FIRST: &str = "---
title: First Steps
date: 2026-01-05 09:30:00
audio: audio/first.mp3
episode: 1
guid: fixture-0001
chapters:
  - start: 0
    title: Hello
  - { start: \"0:00.6\", title: \"[Later](https://later.example/)\" }
people:
  - { name: Alex Wood, role: Guest, href: https://alex.example }
---
Notes without timestamps.
";

const FIRST_SRT: &str = "1
00:00:00,000 --> 00:00:00,500
Test Host: Hello & welcome.

2
00:00:00,500 --> 00:00:01,100
Alex Wood: Thanks <i>for</i> having me.
";

const SECOND: &str = "---
title: Second Thoughts
date: 2026-02-01T18:00:00+01:00
audio: audio/second.m4a
episode: 2
chapters: chapters/second.json
---
Notes.

### Transcript

**HOST:** Hello there. **_[A sponsor message.]_** **ALEX:** &nbsp;Hi.
";

const SECOND_JSON: &str = r#"{"version": "1.2.0", "chapters": [
  {"startTime": 0, "title": "Start"},
  {"startTime": 0.75, "title": "End", "img": "https://img.example/e.png"}
]}"#;

type Element = (String, BTreeMap<String, String>, String);

fn attrs(e: &quick_xml::events::BytesStart<'_>) -> BTreeMap<String, String> {
    e.attributes()
        .map(|a| {
            let a = a.unwrap();
            let value = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .unwrap();
            (a.key.as_ref().to_string(), value.into_owned())
        })
        .collect()
}

/// Chapters and transcript hosted elsewhere (as `onair import` leaves them): linked, not
/// fetched.
const REMOTE: &str = "---
title: Remote Audio
date: 2026-03-01
audio: https://media.fixture.example.com/remote%20one.mp3
length: 28200000
duration: \"0:58:45\"
episode: 3
chapters: https://cdn.example.net/3/chapters.json
transcript: https://cdn.example.net/3/transcript.vtt
---
00:00 - Notes chapters lose to the `chapters:` key
00:10 - Second
";

/// (name, attributes, text) of every `podcast:` element, keyed by its `<item>`'s title, or
/// "channel".
fn podcast_elements(feed: &str) -> BTreeMap<String, Vec<Element>> {
    let mut reader = Reader::from_str(feed);
    let mut out: BTreeMap<String, Vec<Element>> = BTreeMap::new();
    let mut open: Vec<(String, BTreeMap<String, String>)> = Vec::new();
    let mut text = String::new();
    let mut item: Option<(String, Vec<Element>)> = None;
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => {
                let name = e.name().as_ref().to_string();
                if name == "item" {
                    item = Some((String::new(), Vec::new()));
                }
                open.push((name, attrs(&e)));
                text.clear();
            }
            Event::Empty(e) => {
                let el = (e.name().as_ref().to_string(), attrs(&e), String::new());
                if !el.0.starts_with("podcast:") {
                    continue;
                }
                match item.as_mut() {
                    Some((_, els)) => els.push(el),
                    None => out.entry("channel".into()).or_default().push(el),
                }
            }
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => text.push_str(match r.xml10_content().as_ref() {
                "amp" => "&",
                "lt" => "<",
                "gt" => ">",
                "quot" => "\"",
                _ => "'",
            }),
            Event::End(_) => {
                let (name, a) = open.pop().unwrap();
                let value = std::mem::take(&mut text);
                if name == "item" {
                    let (title, els) = item.take().unwrap();
                    out.insert(title, els);
                } else if let Some((title, els)) = item.as_mut() {
                    if name == "title" {
                        *title = value;
                    } else if name.starts_with("podcast:") {
                        els.push((name, a, value));
                    }
                } else if name.starts_with("podcast:") {
                    out.entry("channel".into())
                        .or_default()
                        .push((name, a, value));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

#[test]
fn written_once_and_published_everywhere() {
    let site_yaml = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sites/basic/site.yaml"),
    )
    .unwrap();
    let site_yaml = format!("{site_yaml}{SITE_HOSTS}");
    let (_tmp, root) = site(&[
        ("site.yaml", &site_yaml),
        ("episodes/2026-01-05-first-steps.md", FIRST),
        ("transcripts/2026-01-05-first-steps.srt", FIRST_SRT),
        ("episodes/2026-02-01-second-thoughts.md", SECOND),
        ("chapters/second.json", SECOND_JSON),
        ("episodes/2026-03-01-remote.md", REMOTE),
    ]);
    let built = build(&root).unwrap_or_else(|e| panic!("{e:#?}"));

    // Files.
    let chapters: serde_json::Value =
        serde_json::from_str(&text(&built, "episodes/first-steps/chapters.json")).unwrap();
    assert_eq!(chapters["version"], "1.2.0");
    assert_eq!(chapters["chapters"][0]["startTime"], 0);
    assert_eq!(chapters["chapters"][1]["startTime"], 0.6);
    assert_eq!(chapters["chapters"][1]["title"], "Later");
    assert_eq!(chapters["chapters"][1]["url"], "https://later.example/");
    let from_json: serde_json::Value =
        serde_json::from_str(&text(&built, "episodes/second-thoughts/chapters.json")).unwrap();
    assert_eq!(from_json["chapters"][1]["img"], "https://img.example/e.png");

    let vtt = text(&built, "episodes/first-steps/transcript.vtt");
    let cues = onair::transcript::parse_vtt(&vtt, Path::new("t.vtt"))
        .unwrap()
        .cues;
    assert_eq!(cues.len(), 2);
    assert_eq!(cues[0].speaker.as_deref(), Some("Test Host"));
    assert_eq!(cues[0].text, "Hello & welcome.");
    assert!(
        vtt.contains("<v Alex Wood>Thanks for having me.\n"),
        "{vtt}"
    );
    let srt = text(&built, "episodes/first-steps/transcript.srt");
    let from_srt = onair::transcript::parse_srt(&srt, Path::new("t.srt"))
        .unwrap()
        .cues;
    let same = |a: &onair::transcript::Cue, b: &onair::transcript::Cue| {
        (a.start, a.end, &a.speaker, &a.text) == (b.start, b.end, &b.speaker, &b.text)
    };
    assert!(from_srt.len() == 2 && from_srt.iter().zip(&cues).all(|(a, b)| same(a, b)));
    // The notes' untimed turns become an HTML transcript, and no VTT pretends to have times.
    let html = text(&built, "episodes/second-thoughts/transcript.html");
    assert!(
        html.contains("<cite>Host:</cite>\n<p>Hello there.</p>"),
        "{html}"
    );
    assert!(html.contains("<p>[A sponsor message.]</p>"));
    assert!(html.contains("<cite>Alex:</cite>\n<p>Hi.</p>"));
    assert!(
        built
            .output
            .get("episodes/second-thoughts/transcript.vtt")
            .is_none()
    );

    // Feed.
    let feed = text(&built, "feed.xml");
    let els = podcast_elements(&feed);
    let base = "https://fixture.example.com/show/";
    let names = |who: &str, name: &str| -> Vec<BTreeMap<String, String>> {
        els[who]
            .iter()
            .filter(|e| e.0 == name)
            .map(|e| e.1.clone())
            .collect()
    };
    let channel_people: Vec<_> = els["channel"]
        .iter()
        .filter(|e| e.0 == "podcast:person")
        .collect();
    assert_eq!(channel_people.len(), 1);
    assert_eq!(channel_people[0].2, "Test Host");
    assert_eq!(channel_people[0].1["role"], "host");
    assert_eq!(channel_people[0].1["group"], "cast");
    assert_eq!(channel_people[0].1["href"], "https://host.example");
    let first_chapters = names("First Steps", "podcast:chapters");
    assert_eq!(
        first_chapters[0]["url"],
        format!("{base}episodes/first-steps/chapters.json")
    );
    assert_eq!(first_chapters[0]["type"], "application/json+chapters");
    let transcripts = names("First Steps", "podcast:transcript");
    assert_eq!(transcripts.len(), 2);
    assert_eq!(transcripts[0]["type"], "text/vtt");
    assert_eq!(transcripts[0]["rel"], "captions");
    assert_eq!(transcripts[1]["type"], "application/x-subrip");
    assert_eq!(
        transcripts[1]["url"],
        format!("{base}episodes/first-steps/transcript.srt")
    );
    // Item persons replace the channel's, so the host is restated before the guest.
    let people: Vec<(&str, &str)> = els["First Steps"]
        .iter()
        .filter(|e| e.0 == "podcast:person")
        .map(|e| (e.2.as_str(), e.1["role"].as_str()))
        .collect();
    assert_eq!(people, vec![("Test Host", "host"), ("Alex Wood", "guest")]);
    let second = names("Second Thoughts", "podcast:transcript");
    assert_eq!(second[0]["type"], "text/html");
    assert!(names("Second Thoughts", "podcast:person").is_empty());

    let remote_chapters = names("Remote Audio", "podcast:chapters");
    assert_eq!(
        remote_chapters[0]["url"],
        "https://cdn.example.net/3/chapters.json"
    );
    let remote_transcript = names("Remote Audio", "podcast:transcript");
    assert_eq!(remote_transcript[0]["type"], "text/vtt");
    assert_eq!(
        remote_transcript[0]["url"],
        "https://cdn.example.net/3/transcript.vtt"
    );
    assert!(
        built
            .output
            .get("episodes/remote-audio/chapters.json")
            .is_none()
    );

    // Pages.
    let page = text(&built, "episodes/first-steps/index.html");
    assert!(page.contains("<span class=\"ct\">Later</span>"));
    assert!(page.contains("href=\"/show/people/alex-wood/\""));
    assert!(
        page.contains("data-t=\"0.5\""),
        "transcript cues seek the player"
    );
    assert!(page.contains("href=\"/show/episodes/first-steps/transcript.vtt\""));
    let guest = text(&built, "people/alex-wood/index.html");
    assert!(guest.contains("<h1>Alex Wood</h1>"));
    assert!(guest.contains("/show/episodes/first-steps/"));
    assert!(!guest.contains("/show/episodes/second-thoughts/"));
    let host = text(&built, "people/test-host/index.html");
    assert!(
        host.contains("/show/episodes/second-thoughts/")
            && host.contains("/show/episodes/first-steps/")
    );
}

#[test]
fn errors_name_the_file_and_line() {
    let bad_first = FIRST
        .replace("start: \\\"0:00.6\\\"", "start: 5")
        .replace("{ start: \"0:00.6\"", "{ start: 5")
        .replace("role: Guest", "role: guset");
    let bad_srt = FIRST_SRT.replace("00:00:01,100", "00:00:09,000");
    let site_yaml = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sites/basic/site.yaml"),
    )
    .unwrap();
    let site_yaml = format!("{site_yaml}hosts:\n  - {{ name: Test Host, role: hots }}\n");
    let host_line = site_yaml.lines().count();
    let (_tmp, root) = site(&[
        ("site.yaml", &site_yaml),
        ("episodes/2026-01-05-first-steps.md", &bad_first),
        ("transcripts/2026-01-05-first-steps.srt", &bad_srt),
        (
            "episodes/2026-02-01-second-thoughts.md",
            &SECOND.replace("chapters/second.json", "chapters/missing.json"),
        ),
    ]);
    let errors = build(&root).unwrap_err();
    assert_eq!(
        errors,
        vec![format!(
            "site.yaml:{host_line}: error: person `Test Host`: role `hots` is not in the Podcast Index taxonomy; did you mean `host`?"
        )]
    );
    let fixed = site_yaml.replace("role: hots", "role: host");
    std::fs::write(root.join("site.yaml"), fixed).unwrap();
    let mut errors = build(&root).unwrap_err();
    errors.sort();
    assert_eq!(
        errors,
        vec![
            "episodes/2026-01-05-first-steps.md:10: error: chapter `Later` (0:05) starts past the end of the audio (0:01)",
            "episodes/2026-01-05-first-steps.md:12: error: person `Alex Wood`: role `guset` is not in the Podcast Index taxonomy; did you mean `guest`?",
            "episodes/2026-02-01-second-thoughts.md:6: error: chapters file `chapters/missing.json`: cannot read: No such file or directory (os error 2)",
            "transcripts/2026-01-05-first-steps.srt:6: error: cue runs to 00:00:09.000, past the end of the audio (00:00:01.179)",
        ]
    );
}

#[test]
fn a_timed_transcript_in_the_notes_shows_once_in_the_transcript_section() {
    let episode = "---
title: First Steps
date: 2026-01-05 09:30:00
audio: audio/first.mp3
guid: fixture-0001
---
Notes before the transcript.

## Transcript

[00:00:00]
>> Ann: Zebra crossings everywhere.
[00:00:01]
>> Bob: Indeed.

## Links

- After the transcript.
";
    let (_tmp, root) = site(&[("episodes/2026-01-05-first-steps.md", episode)]);
    let built = build(&root).unwrap_or_else(|e| panic!("{e:#?}"));
    let page = text(&built, "episodes/first-steps/index.html");
    assert_eq!(page.matches("Zebra crossings").count(), 1, "{page}");
    let section = page
        .find("id=\"transcript\"")
        .expect("a transcript section");
    assert!(page.find("Zebra crossings").unwrap() > section);
    assert!(page.contains("data-t=\"1\""), "the cue seeks the player");
    // The notes keep what is around the section.
    assert!(
        page.contains("Notes before the transcript.") && page.contains("After the transcript.")
    );
    // The feed publishes it as a transcript, not inside the description.
    let feed = text(&built, "feed.xml");
    assert!(!feed.contains("Zebra crossings"), "{feed}");
    assert!(feed.contains("episodes/first-steps/transcript.vtt"));
    let vtt = text(&built, "episodes/first-steps/transcript.vtt");
    assert!(vtt.contains("<v Ann>Zebra crossings everywhere."), "{vtt}");
}

#[test]
fn notes_timestamps_past_a_probed_duration_are_errors_naming_the_line() {
    let episode = "---
title: First Steps
date: 2026-01-05 09:30:00
audio: audio/first.mp3
guid: fixture-0001
---
- 00:00 - Hello
- 00:05 - Past the end
";
    let (_tmp, root) = site(&[("episodes/2026-01-05-first-steps.md", episode)]);
    let errors = build(&root).unwrap_err();
    assert_eq!(
        errors,
        vec![
            "episodes/2026-01-05-first-steps.md:8: error: chapter `Past the end` (0:05) starts past the end of the audio (0:01)"
        ]
    );
}

#[test]
fn a_typed_duration_wins_over_the_lock_and_only_warns() {
    // Remote audio the lock knows (probed once, 2 hours), with `duration:` typed by hand: the
    // typed duration is published, so notes timestamps past it are only warned about.
    let url = "https://media.fixture.example.com/long.mp3";
    let lock = format!(
        r#"{{"version": 1, "audio": {{"{url}": {{"format": "mp3", "size": 1000000, "duration": 7200.0,
        "codec": "mp3", "sample_rate": 44100, "channels": 2, "bitrate": 128000, "method": "xing header"}}}}}}"#
    );
    let episode = format!(
        "---\ntitle: Remote Audio\ndate: 2026-03-01\naudio: {url}\nduration: \"0:30:00\"\nguid: fixture-0003\n---\n- 00:00 - Start\n- 20:00 - Middle\n- 40:00 - Past the typed end\n"
    );
    let (_tmp, root) = site(&[
        ("onair.lock", &lock),
        ("episodes/2026-03-01-remote.md", &episode),
    ]);
    let built = build(&root).unwrap_or_else(|e| panic!("{e:#?}"));
    let warnings: Vec<String> = built.warnings.iter().map(ToString::to_string).collect();
    assert!(
        warnings.contains(&"episodes/2026-03-01-remote.md:10: warning: timestamp 40:00 is past the `duration:` given for this episode (30:00): not published as a chapter; check `duration:`".to_string()),
        "{warnings:#?}"
    );
    let chapters = text(&built, "episodes/remote/chapters.json");
    assert!(chapters.contains("Middle") && !chapters.contains("Past the typed end"));
    // Without `duration:`, the lock's probed duration rules, and 2:10:00 is past it: an error.
    let strict = episode
        .replace("duration: \"0:30:00\"\n", "")
        .replace("40:00", "2:10:00");
    std::fs::write(root.join("episodes/2026-03-01-remote.md"), strict).unwrap();
    assert_eq!(
        build(&root).unwrap_err(),
        vec![
            "episodes/2026-03-01-remote.md:9: error: chapter `Past the typed end` (2:10:00) starts past the end of the audio (2:00:00)"
        ]
    );
}

/// (start in seconds, title) of each chapter of the ffmpeg metadata file the chapter fixtures
/// were made from (scripts/make-chapter-fixtures.sh).
fn fixture_chapters() -> Vec<(f64, String)> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audio/chapters/chapters.txt"),
    )
    .unwrap();
    let mut out = Vec::new();
    let mut start = None;
    for line in text.lines() {
        if let Some(ms) = line.strip_prefix("START=") {
            start = Some(ms.parse::<f64>().unwrap() / 1000.0);
        } else if let Some(title) = line.strip_prefix("title=")
            && let Some(s) = start.take()
        {
            out.push((s, title.to_string()));
        }
    }
    assert_eq!(out.len(), 3);
    out
}

const EMBEDDED_FIXTURES: [&str; 5] = [
    "chapters-id3v24.mp3",
    "chapters-id3v23.mp3",
    "chapters.m4b",
    "chapters-track-only.m4a",
    "chapters-chpl-only.m4a",
];

fn episode_with_audio(audio: &str, notes: &str) -> String {
    format!(
        "---\ntitle: First Steps\ndate: 2026-01-05 09:30:00\naudio: audio/{audio}\nguid: fixture-0001\n---\n{notes}"
    )
}

#[test]
fn chapters_embedded_in_the_audio_are_published_when_nothing_else_gives_them() {
    let want = fixture_chapters();
    for name in EMBEDDED_FIXTURES {
        let (_tmp, root) = site(&[(
            "episodes/2026-01-05-first-steps.md",
            &episode_with_audio(name, "Notes without timestamps.\n"),
        )]);
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/audio/chapters")
                .join(name),
            root.join("audio").join(name),
        )
        .unwrap();
        let built = build(&root).unwrap_or_else(|e| panic!("{name}: {e:#?}"));
        let check = |built: &Built, how: &str| {
            let json: serde_json::Value =
                serde_json::from_str(&text(built, "episodes/first-steps/chapters.json")).unwrap();
            let got: Vec<(f64, String)> = json["chapters"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    (
                        c["startTime"].as_f64().unwrap(),
                        c["title"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            assert_eq!(got, want, "{name} ({how})");
            let page = text(built, "episodes/first-steps/index.html");
            for (start, title) in &want {
                assert!(
                    page.contains(&format!("data-t=\"{start}\" data-chapter>"))
                        && page.contains(&format!("<span class=\"ct\">{title}</span>")),
                    "{name} ({how}): chapter {title} at {start} not on the page"
                );
            }
            let feed = text(built, "feed.xml");
            assert!(
                feed.contains("episodes/first-steps/chapters.json"),
                "{name}"
            );
        };
        check(&built, "probed");
        // The lock keeps them: a locked build without the audio file publishes them too.
        built.lock.save(&root).unwrap();
        let lock = std::fs::read_to_string(root.join("onair.lock")).unwrap();
        assert!(lock.contains("\"title\": \"Wrap-up\""), "{lock}");
        std::fs::remove_file(root.join("audio").join(name)).unwrap();
        let locked = build_site(&BuildOptions {
            root: root.clone(),
            locked: true,
            ..BuildOptions::default()
        })
        .unwrap_or_else(|d| {
            panic!(
                "{name}: {:?}",
                d.iter().map(ToString::to_string).collect::<Vec<_>>()
            )
        });
        check(&locked, "locked, audio absent");
    }
}

#[test]
fn notes_timestamps_win_over_embedded_chapters_and_embedded_errors_say_where() {
    let notes = "- 00:00 - Mine\n- 00:02 - Also mine\n";
    let (_tmp, root) = site(&[(
        "episodes/2026-01-05-first-steps.md",
        &episode_with_audio("chapters-id3v24.mp3", notes),
    )]);
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/audio/chapters/chapters-id3v24.mp3");
    std::fs::copy(&fixture, root.join("audio/chapters-id3v24.mp3")).unwrap();
    let built = build(&root).unwrap_or_else(|e| panic!("{e:#?}"));
    let json = text(&built, "episodes/first-steps/chapters.json");
    assert!(
        json.contains("Also mine") && !json.contains("Wrap-up"),
        "{json}"
    );

    // Embedded chapters out of order (the fixture's table of contents reversed): an error on
    // the episode's `audio:` line that says where the chapters come from.
    let mut data = std::fs::read(&fixture).unwrap();
    let toc = data
        .windows(15)
        .position(|w| w == b"ch0\0ch1\0ch2\0CHA")
        .unwrap();
    data[toc..toc + 12].copy_from_slice(b"ch2\0ch1\0ch0\0");
    std::fs::write(root.join("audio/chapters-id3v24.mp3"), data).unwrap();
    std::fs::write(
        root.join("episodes/2026-01-05-first-steps.md"),
        episode_with_audio("chapters-id3v24.mp3", "No timestamps.\n"),
    )
    .unwrap();
    let errors = build(&root).unwrap_err();
    assert_eq!(
        errors,
        vec![
            "episodes/2026-01-05-first-steps.md:4: error: chapter `Café talk` (0:01) is out of order: it starts before the chapter on line 4 (0:03) (chapters embedded in the audio file: fix them there, or give `chapters:`)",
            "episodes/2026-01-05-first-steps.md:4: error: chapter `Cold open` (0:00) is out of order: it starts before the chapter on line 4 (0:01) (chapters embedded in the audio file: fix them there, or give `chapters:`)",
        ]
    );
}

const MULTI: &str = "---
title: First Steps
date: 2026-01-05 09:30:00
audio: audio/first.mp3
guid: fixture-0001
transcripts:
  - transcripts/first.srt
  - transcripts/first.vtt
  - transcripts/first.json
  - { file: transcripts/first.es.vtt, language: es }
  - { url: https://cdn.example.net/first.fr.vtt, language: fr }
---
Notes.
";

const FIRST_VTT: &str = "WEBVTT

00:00:00.000 --> 00:00:00.500
<v Test Host>Hello from the VTT.

00:00:00.500 --> 00:00:01.100
<v Alex Wood>Thanks from the VTT.
";

const FIRST_JSON: &str = r#"{"version": "1.0.0", "segments": [
  {"speaker": "Test Host", "startTime": 0, "endTime": 0.5, "body": "Hello from the JSON."},
  {"speaker": "Alex Wood", "startTime": 0.5, "endTime": 1.1, "body": "Thanks from the JSON."}
]}"#;

const FIRST_ES_VTT: &str = "WEBVTT

00:00:00.000 --> 00:00:01.000
<v Test Host>Hola desde el VTT.
";

#[test]
fn several_transcripts_each_published_and_the_best_on_the_page() {
    let (_tmp, root) = site(&[
        ("episodes/2026-01-05-first-steps.md", MULTI),
        ("transcripts/first.srt", FIRST_SRT),
        ("transcripts/first.vtt", FIRST_VTT),
        ("transcripts/first.json", FIRST_JSON),
        ("transcripts/first.es.vtt", FIRST_ES_VTT),
    ]);
    let built = build(&root).unwrap_or_else(|e| panic!("{e:#?}"));
    let dir = "episodes/first-steps/";
    // Each format from its own source; JSON as written; Spanish under its own names.
    assert!(
        text(&built, &format!("{dir}transcript.vtt")).contains("<v Test Host>Hello from the VTT.")
    );
    let srt = text(&built, &format!("{dir}transcript.srt"));
    assert!(srt.contains("Test Host: Hello & welcome."), "{srt}");
    assert_eq!(text(&built, &format!("{dir}transcript.json")), FIRST_JSON);
    let es = text(&built, &format!("{dir}transcript.es.vtt"));
    assert!(es.contains("<v Test Host>Hola desde el VTT."), "{es}");
    let es_srt = text(&built, &format!("{dir}transcript.es.srt"));
    assert!(es_srt.contains("Test Host: Hola desde el VTT."), "{es_srt}");

    let feed = text(&built, "feed.xml");
    let els = podcast_elements(&feed);
    let got: Vec<(String, String, String, Option<String>)> = els["First Steps"]
        .iter()
        .filter(|e| e.0 == "podcast:transcript")
        .map(|e| {
            (
                e.1["url"].replace("https://fixture.example.com/show/episodes/first-steps/", ""),
                e.1["type"].clone(),
                e.1["language"].clone(),
                e.1.get("rel").cloned(),
            )
        })
        .collect();
    let captions = Some("captions".to_string());
    let row = |u: &str, t: &str, l: &str, r: &Option<String>| {
        (u.to_string(), t.to_string(), l.to_string(), r.clone())
    };
    assert_eq!(
        got,
        vec![
            row("transcript.vtt", "text/vtt", "en-us", &captions),
            row("transcript.srt", "application/x-subrip", "en-us", &captions),
            row("transcript.json", "application/json", "en-us", &None),
            row("transcript.es.vtt", "text/vtt", "es", &captions),
            row("transcript.es.srt", "application/x-subrip", "es", &captions),
            row(
                "https://cdn.example.net/first.fr.vtt",
                "text/vtt",
                "fr",
                &captions
            ),
        ]
    );

    // The page shows one transcript, the richest in the site's language (the JSON, with
    // speakers), and links every file.
    let page = text(&built, &format!("{dir}index.html"));
    assert!(page.contains("Hello from the JSON."), "{page}");
    assert!(!page.contains("Hello from the VTT.") && !page.contains("Hola desde"));
    for link in [
        "href=\"/show/episodes/first-steps/transcript.vtt\" hreflang=\"en-us\">Transcript (WebVTT)</a>",
        "href=\"/show/episodes/first-steps/transcript.json\" hreflang=\"en-us\">Transcript (JSON)</a>",
        "href=\"/show/episodes/first-steps/transcript.es.srt\" hreflang=\"es\">Transcript (SRT, es)</a>",
        "href=\"https://cdn.example.net/first.fr.vtt\" hreflang=\"fr\">Transcript (WebVTT, fr)</a>",
    ] {
        assert!(page.contains(link), "{link}");
    }
}

#[test]
fn transcripts_found_by_name_and_list_errors() {
    // Without a key, every format of transcripts/<file stem> is found.
    let (_tmp, root) = site(&[
        ("transcripts/2026-01-05-first-steps.srt", FIRST_SRT),
        ("transcripts/2026-01-05-first-steps.vtt", FIRST_VTT),
    ]);
    let built = build(&root).unwrap_or_else(|e| panic!("{e:#?}"));
    let dir = "episodes/first-steps/";
    assert!(text(&built, &format!("{dir}transcript.vtt")).contains("Hello from the VTT."));
    assert!(text(&built, &format!("{dir}transcript.srt")).contains("Hello & welcome."));

    // Two of one format in one language, a bad language, a missing file: each names its line.
    let bad = MULTI
        .replace("transcripts/first.vtt", "transcripts/first.es.vtt")
        .replace("language: es", "language: spanish")
        .replace("transcripts/first.json", "transcripts/missing.json");
    std::fs::write(root.join("episodes/2026-01-05-first-steps.md"), bad).unwrap();
    for (name, text) in [
        ("transcripts/first.srt", FIRST_SRT),
        ("transcripts/first.es.vtt", FIRST_ES_VTT),
    ] {
        std::fs::write(root.join(name), text).unwrap();
    }
    assert_eq!(
        build(&root).unwrap_err(),
        vec![
            "episodes/2026-01-05-first-steps.md:9: error: transcript `transcripts/missing.json` not found (a path in the site folder such as transcripts/218.srt)",
            "episodes/2026-01-05-first-steps.md:10: error: transcript language `spanish` is not an ISO 639 code such as `en` or `pt-br`",
        ]
    );
    // The Spanish file listed without its language: two WebVTT transcripts in the site's.
    let clash = MULTI
        .replace(
            "{ file: transcripts/first.es.vtt, language: es }",
            "transcripts/first.es.vtt",
        )
        .replace("\n  - transcripts/first.json", "");
    std::fs::write(root.join("episodes/2026-01-05-first-steps.md"), clash).unwrap();
    std::fs::write(root.join("transcripts/first.vtt"), FIRST_VTT).unwrap();
    assert_eq!(
        build(&root).unwrap_err(),
        vec![
            "episodes/2026-01-05-first-steps.md:9: error: transcripts `transcripts/first.vtt` and `transcripts/first.es.vtt` are both WebVTT in language `en-us`: give each a `language:`, or keep one"
        ]
    );
}

#[test]
fn chapters_past_an_imported_duration_are_dropped_with_a_warning_and_past_a_probed_one_fail() {
    // Remote audio whose facts came from the old feed (what `onair import` locks: no blake3,
    // method "imported feed"): its itunes:duration was rounded to 1:01:00 by the host.
    let url = "https://media.fixture.example.com/imported.mp3";
    let lock = format!(
        r#"{{"version": 1, "audio": {{"{url}": {{"format": "mp3", "size": 58560000, "duration": 3660.0,
        "codec": "", "sample_rate": 0, "channels": 0, "bitrate": 128000, "method": "imported feed"}}}}}}"#
    );
    let episode = format!(
        "---\ntitle: Imported\ndate: 2026-03-01\naudio: {url}\nguid: fixture-0003\n---\n- 00:00 - Start\n- 1:00:00 - Wrap-up\n- 1:01:04 - Outtakes\n"
    );
    let (_tmp, root) = site(&[
        ("onair.lock", &lock),
        ("episodes/2026-03-01-imported.md", &episode),
    ]);
    let onair = |root: &Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_onair"))
            .arg("build")
            .current_dir(root)
            .output()
            .unwrap()
    };
    let out = onair(&root);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("episodes/2026-03-01-imported.md:9: warning: chapter `Outtakes` (1:01:04) starts past the end of the audio (1:01:00): not published, because the duration is the imported feed's, not probed"),
        "{stderr}"
    );
    let built = build(&root).unwrap_or_else(|e| panic!("{e:#?}"));
    let chapters = text(&built, "episodes/imported/chapters.json");
    assert!(
        chapters.contains("Wrap-up") && !chapters.contains("Outtakes"),
        "{chapters}"
    );
    let page = text(&built, "episodes/imported/index.html");
    // The page's chapter list drops it; the notes keep their line (prose, as written).
    assert!(
        page.contains(r#"<span class="ct">Wrap-up</span>"#),
        "{page}"
    );
    assert!(
        !page.contains(r#"<span class="ct">Outtakes</span>"#),
        "{page}"
    );
    // (Its timestamp is a link that plays from that time, as every timestamp in the notes.)
    assert!(
        page.contains(r##"<a href="#t=3664">1:01:04</a> - Outtakes"##),
        "{page}"
    );

    // A chapters file: the one past the end dropped, one ending past it ends at the end.
    let json = r#"{"version": "1.2.0", "chapters": [
  {"startTime": 0, "title": "Start"},
  {"startTime": 3600, "title": "Wrap-up", "endTime": 3700},
  {"startTime": 3664, "title": "Outtakes"}
]}"#;
    std::fs::write(root.join("episodes/imported.json"), json).unwrap();
    let with_file = episode.replace(
        "guid: fixture-0003\n",
        "guid: fixture-0003\nchapters: episodes/imported.json\n",
    );
    std::fs::write(root.join("episodes/2026-03-01-imported.md"), &with_file).unwrap();
    let built = build(&root).unwrap_or_else(|e| panic!("{e:#?}"));
    let warnings: Vec<String> = built.warnings.iter().map(ToString::to_string).collect();
    assert!(
        warnings.iter().any(|w| w.starts_with("episodes/imported.json:3: warning: chapter `Wrap-up` (1:00:00) ends at 1:01:40, past the end of the audio (1:01:00): published ending at 1:01:00")),
        "{warnings:#?}"
    );
    assert!(
        warnings.iter().any(|w| w.starts_with(
            "episodes/imported.json:4: warning: chapter `Outtakes` (1:01:04) starts past the end"
        )),
        "{warnings:#?}"
    );
    let chapters: serde_json::Value =
        serde_json::from_str(&text(&built, "episodes/imported/chapters.json")).unwrap();
    let titles: Vec<&str> = chapters["chapters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Start", "Wrap-up"]);
    assert_eq!(chapters["chapters"][1]["endTime"], 3660.0);

    // The same notes against audio onair probed (the fixture's local file): an error, exit 1.
    let local = "---\ntitle: Imported\ndate: 2026-03-01\naudio: audio/first.mp3\nguid: fixture-0003\n---\n- 00:00 - Start\n- 00:05 - Outtakes\n";
    std::fs::write(root.join("episodes/2026-03-01-imported.md"), local).unwrap();
    let out = onair(&root);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("episodes/2026-03-01-imported.md:8: error: chapter `Outtakes` (0:05) starts past the end of the audio (0:01)"),
        "{stderr}"
    );
}
