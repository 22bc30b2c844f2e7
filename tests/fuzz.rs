//! Property-based fuzzing of every parser that reads user or network input, and of the feed
//! writer: no panic, no hang, output that parses back. Cases per target come from
//! PROPTEST_CASES (CI runs a bounded number; see CONTRIBUTING.md, "Fuzzing"); failures found are kept in
//! tests/fuzz.proptest-regressions and replayed first on every run.

use std::path::Path;
use std::sync::OnceLock;

use onair::audio::probe_source;
use onair::config::Config;
use onair::content::{AudioSource, Episode, EpisodeFrontMatter, EpisodeType, Site};
use onair::render::feed::{FeedInputs, write_feed};
use proptest::prelude::*;

fn fixture_audio() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audio");
    let mut out = Vec::new();
    let files = std::fs::read_dir(&dir)
        .unwrap()
        .chain(std::fs::read_dir(dir.join("chapters")).unwrap());
    for e in files {
        let p = e.unwrap().path();
        if p.is_file() && p.extension().is_some_and(|x| x != "tsv" && x != "txt") {
            out.push((
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            ));
        }
    }
    out.sort();
    out
}

fn config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("site.yaml"),
            "title: Fuzz\ndescription: d\nurl: https://f.example.com\nauthor: a\nimage: c.png\ncategories: [Technology]\n",
        )
        .unwrap();
        Config::load(dir.path(), None).unwrap()
    })
}

fn episode(title: &str, notes: &str, tag: &str, i: usize) -> Episode {
    let c = config();
    let rendered = onair::markdown::render(notes, &c.absolute("episodes/x/"));
    Episode {
        file: format!("episodes/{i}.md"),
        path: format!("episodes/{i}.md").into(),
        slug: format!("e{i}"),
        title: title.to_string(),
        date: "2026-01-01T00:00:00Z"
            .parse::<jiff::Timestamp>()
            .unwrap()
            .to_zoned_datetime(jiff::tz::TimeZone::UTC),
        guid: format!("{title}-{i}"),
        audio: AudioSource::Remote(format!("https://cdn.example.com/{i}.mp3")),
        audio_url: format!("https://cdn.example.com/{i}.mp3?a=1&b={tag}"),
        facts: onair::content::facts_from_front_matter("x.mp3", 1234, 61.5),
        number: Some(i as u32 + 1),
        season: None,
        episode_type: EpisodeType::Full,
        summary: notes.chars().take(200).collect(),
        explicit: None,
        image: None,
        tags: vec![tag.to_string()],
        body: notes.to_string(),
        body_line: 1,
        yaml: String::new(),
        yaml_line: 1,
        key_lines: Default::default(),
        notes: rendered,
        draft: false,
        front: EpisodeFrontMatter::default(),
        companions: Default::default(),
    }
}

/// Raw-HTML fragments that feed sanitizing must handle in any order and nesting.
const HTML_FRAGMENTS: &[&str] = &[
    "<div onclick=\"x()\">",
    "</div>",
    "<a href=\"javascript:alert(1)\">",
    "<a href='../rel'>",
    "</a>",
    "<!-- secret",
    "-->",
    "<!---->",
    "<script>",
    "</script>",
    "<SCRIPT src=x>",
    "<img/onerror=y src=a.png>",
    "<style>",
    "</style>",
    "<iframe src=x>",
    "</iframe>",
    "<object data=x>",
    "</object>",
    "<embed src=x>",
    "text ",
    "\n",
    "\n\n",
    "<b>",
    "</b>",
    "`code <a onclick=z>`",
    "    indented <script>",
    "> quote <img onload=z>",
    "- item <a onmouseover=q>",
    "]]>",
    "&amp;",
    "<",
    ">",
    "\"",
    "'",
    "=",
    " on",
    "<p title=\"a>b\" onclick=x>",
    "<a href=\" java\tscript:x\">",
    "<b x\"y z=2 \">",
    "[md](javascript:x)",
    "<br/>",
    "<?php ?>",
];

/// Every tag of `html` as a browser would see it: `<` then a letter, `/` or `!`, up to the
/// `>` outside quotes (a `<` before anything else is text).
fn tags(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        let tail = &rest[lt..];
        if !tail[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!') {
            rest = &tail[1..];
            continue;
        }
        let mut quote = None;
        let mut end = tail.len();
        for (i, c) in tail.char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '>') => {
                    end = i + 1;
                    break;
                }
                _ => {}
            }
        }
        out.push(&tail[..end]);
        rest = &tail[end..];
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256), ..ProptestConfig::default() })]

    #[test]
    fn front_matter_splitter(text in "(---\n)?[\\PC\n\r-]{0,400}(\n---\n)?[\\PC\n]{0,100}") {
        if let Ok(split) = onair::frontmatter::split(&text) {
            prop_assert!(split.body_line >= split.yaml_line);
            prop_assert!(text.contains(split.yaml) && text.contains(split.body));
        }
    }

    #[test]
    fn front_matter_yaml(text in "[a-z_:\\[\\]{}, \"'\n#&*!|>-]{0,200}") {
        let _ = onair::frontmatter::parse::<EpisodeFrontMatter>(&text, Path::new("f.md"), 2);
    }

    #[test]
    fn dates(text in "[0-9TZ:+ -]{0,30}|[A-Za-z, 0-9:+-]{0,40}") {
        let _ = onair::dates::parse_date(&text, &jiff::tz::TimeZone::UTC);
    }

    #[test]
    fn audio_probe_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let mut src: &[u8] = &bytes;
        let _ = probe_source(&mut src, "random.mp3");
    }

    #[test]
    fn audio_probe_mutated_and_truncated_fixtures(which in 0usize..64, cut in 0.0f64..1.0, flips in proptest::collection::vec((0.0f64..1.0, any::<u8>()), 0..16)) {
        let fixtures = fixture_audio();
        let (name, data) = &fixtures[which % fixtures.len()];
        let mut data = data.clone();
        let len = data.len();
        for (pos, byte) in flips {
            if len > 0 {
                data[((pos * len as f64) as usize).min(len - 1)] = byte;
            }
        }
        data.truncate((cut * len as f64) as usize + 1);
        let mut src: &[u8] = &data;
        if let Ok(probe) = probe_source(&mut src, name) {
            // Whatever it reports must be a real duration, never NaN or a negative time.
            prop_assert!(probe.facts.duration.is_finite() && probe.facts.duration > 0.0);
            prop_assert!(probe.facts.chapters.iter().flatten().all(|c| c.start.is_finite() && c.start >= 0.0));
        }
    }

    #[test]
    fn transcripts_parse_and_round_trip(text in "[\\PC\n]{0,600}", ext in prop::sample::select(vec!["srt", "vtt", "json", "txt"])) {
        let path = format!("t.{ext}");
        if let Ok(t) = onair::transcript::parse(&text, Path::new(&path), Some(3600.0)) {
            if let Some(vtt) = onair::transcript::to_vtt(&t) {
                let back = onair::transcript::parse_vtt(&vtt, Path::new("t.vtt"));
                prop_assert!(back.is_ok(), "our VTT must parse back: {vtt}");
            }
            if let Some(srt) = onair::transcript::to_srt(&t) {
                prop_assert!(onair::transcript::parse_srt(&srt, Path::new("t.srt")).is_ok(), "our SRT must parse back: {srt}");
            }
        }
    }

    #[test]
    fn structured_transcripts(lines in proptest::collection::vec(("[0-9]{1,2}", "[0-9]{2}", "[0-9]{2}", "[\\PC]{0,40}"), 0..30)) {
        let mut srt = String::new();
        for (i, (h, m, s, text)) in lines.iter().enumerate() {
            srt.push_str(&format!("{}\n{h}:{m}:{s},000 --> {h}:{m}:{s},500\n{text}\n\n", i + 1));
        }
        let _ = onair::transcript::parse(&srt, Path::new("t.srt"), None);
        let vtt = format!("WEBVTT\n\n{}", srt.replace(",000", ".000").replace(",500", ".500"));
        let _ = onair::transcript::parse(&vtt, Path::new("t.vtt"), None);
    }

    #[test]
    fn chapters_from_notes(lines in proptest::collection::vec("(- )?\\[?[0-9]{1,2}(:[0-9]{1,2}){1,2}\\]? ?[-–]? ?[\\PC]{0,30}", 0..20)) {
        let notes = lines.join("\n");
        let (chapters, _errors) = onair::chapters::from_notes(&notes, 5, Path::new("e.md"));
        let _ = onair::chapters::validate(&chapters, Some(3600.0), Path::new("e.md"));
    }

    #[test]
    fn feed_is_always_well_formed(title in "[\\PC\u{1}\u{b}\u{fffe}]{0,80}", notes in "[\\PC\n\u{1}]{0,400}", tag in "[\\PC]{0,20}") {
        let c = config();
        let site = Site {
            root: ".".into(),
            config: c.clone(),
            episodes: vec![
                episode(&title, &notes, &tag, 0).into(),
                episode(&notes, &title, &tag, 1).into(),
            ],
            pages: Vec::new(),
            tags: Vec::new(),
        };
        let inputs = FeedInputs {
            site: &site,
            image_url: Some("https://f.example.com/c.png".into()),
            episode_images: vec![None, None],
            item_extras: Vec::new(),
            channel_extras: Vec::new(),
            item_cache: None,
            item_keys: Vec::new(),
            urls: None,
        };
        let xml = String::from_utf8(write_feed(&inputs)).unwrap();
        let mut reader = quick_xml::Reader::from_str(&xml);
        let mut items = 0;
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(quick_xml::events::Event::Start(e)) if e.name().as_ref() == "item" => items += 1,
                Ok(_) => {}
                Err(e) => return Err(TestCaseError::fail(format!("{e}\n{xml}"))),
            }
        }
        prop_assert_eq!(items, 2);
    }

    #[test]
    fn feed_html_carries_no_comments_scripts_or_handlers(parts in proptest::collection::vec(prop::sample::select(HTML_FRAGMENTS), 0..40)) {
        let notes = parts.concat();
        let r = onair::markdown::render(&notes, "https://f.example.com/episodes/x/");
        for tag in tags(&r.feed_html) {
            let lower = tag.to_ascii_lowercase();
            prop_assert!(!lower.starts_with("<!--"), "comment {tag:?} in {:?}", r.feed_html);
            for name in ["<script", "</script", "<style", "<iframe", "<object", "<embed"] {
                prop_assert!(!lower.starts_with(name), "{tag:?} in {:?}", r.feed_html);
            }
            prop_assert!(!lower.contains("javascript:"), "{tag:?} in {:?}", r.feed_html);
            let handler = lower
                .split(|c: char| c.is_ascii_whitespace() || c == '/' || c == '"')
                .any(|w| w.starts_with("on") && w.contains('=') && w[2..].split('=').next().is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphabetic())));
            prop_assert!(!handler, "handler in {tag:?} of {:?}", r.feed_html);
        }
    }
}
