//! Episodes moved over from Jekyll and Eleventy build with no edit to their files: the seed
//! 002 episode (read from ../shared/seeds at test time) and an Eleventy-style episode with
//! Nunjucks tags in its notes.

mod new_episode_support;

use std::fs;
use std::path::{Path, PathBuf};

use new_episode_support::*;
use onair::audio::{AudioFacts, AudioFormat};
use onair::lock::{Lock, LockedAudio};
use onair::pipeline::{BuildOptions, build_site};

const SEED_AUDIO_URL: &str = "https://media.devchat.tv/ruby-rogues/RR218AWS.mp3";

fn seed_002() -> PathBuf {
    let dir = seeds_dir();
    fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read the seeds folder {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("002_"))
        .expect("seed 002 is in the seeds folder")
}

/// A site from `onair init` without its sample, in New York time, holding `files`
/// (episode file name -> bytes, copied unedited).
fn site_with(tmp: &Path, files: &[(&str, Vec<u8>)]) -> PathBuf {
    let site = tmp.join("rr");
    init_site(&site);
    for entry in fs::read_dir(site.join("episodes")).unwrap() {
        fs::remove_file(entry.unwrap().path()).unwrap();
    }
    fs::remove_file(site.join("audio/welcome.mp3")).unwrap();
    set_site_key(&site, "timezone", "America/New_York");
    for (name, bytes) in files {
        fs::write(site.join("episodes").join(name), bytes).unwrap();
    }
    site
}

/// What `onair probe --lock URL` records for remote audio (no network in tests).
fn lock_remote(site: &Path, url: &str, size: u64, duration: f64) {
    let mut lock = Lock::load(site).unwrap();
    lock.audio.insert(
        url.to_string(),
        LockedAudio {
            mtime_ns: None,
            blake3: None,
            sample: None,
            facts: AudioFacts {
                format: AudioFormat::Mp3,
                size,
                duration,
                codec: "mp3".into(),
                sample_rate: 44100,
                channels: 2,
                bitrate: 128_000,
                method: "xing header".into(),
                chapters: None,
            },
        },
    );
    lock.save(site).unwrap();
}

/// Builds in memory without network access (tests never reach the audio's real host).
fn build(site: &Path) -> Result<onair::pipeline::Built, Vec<String>> {
    build_site(&BuildOptions {
        root: site.to_path_buf(),
        ..BuildOptions::default()
    })
    .map_err(|diags| diags.iter().map(|d| d.to_string()).collect())
}

#[test]
fn seed_002_builds_with_title_date_number_duration_and_tags() {
    let tmp = tempfile::tempdir().unwrap();
    let seed = fs::read(seed_002()).unwrap();
    let site = site_with(tmp.path(), &[("2015-07-29-aws-deployments.md", seed)]);
    lock_remote(&site, SEED_AUDIO_URL, 56_422_400, 3525.0);

    let built = build(&site).unwrap_or_else(|errors| panic!("{errors:#?}"));
    let episodes = &built.site.episodes;
    assert_eq!(episodes.len(), 1);
    let ep = &episodes[0];
    assert_eq!(
        ep.title,
        "218 RR AWS Deployments with Alex Wood and Trevor Rowe"
    );
    assert_eq!(onair::dates::rfc3339(&ep.date), "2015-07-29T15:00:00-04:00");
    assert_eq!(ep.number, Some(218));
    assert_eq!(ep.facts.duration, 3525.0);
    assert_eq!(ep.facts.size, 56_422_400);
    assert_eq!(ep.tags, ["ruby_rogues", "podcast"]);
    assert_eq!(ep.audio_url, SEED_AUDIO_URL);
    assert_eq!(ep.slug, "aws-deployments");
    // `&nbsp;` is an entity to the browser, not text to escape.
    assert!(!ep.notes.html.contains("&amp;nbsp;"));
    assert!(ep.notes.html.contains("Alex Wood Introduction"));

    let feed = std::str::from_utf8(built.output.bytes("feed.xml").expect("a feed")).unwrap();
    let item = &feed_items(feed)[0];
    assert_eq!(
        item.get("title").map(String::as_str),
        Some(ep.title.as_str())
    );
    assert_eq!(item.get("itunes:episode").map(String::as_str), Some("218"));
    assert_eq!(
        item.get("itunes:duration").map(String::as_str),
        Some("3525")
    );
    assert_eq!(
        item.get("pubDate").map(String::as_str),
        Some("Wed, 29 Jul 2015 15:00:00 -0400")
    );
    assert!(built.output.get("tags/ruby-rogues/index.html").is_some());
}

#[test]
fn remote_audio_without_a_length_fails_with_one_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let seed = fs::read(seed_002()).unwrap();
    let site = site_with(tmp.path(), &[("2015-07-29-aws-deployments.md", seed)]);
    let errors = build(&site).expect_err("the build fails");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(
        errors[0],
        format!(
            "episodes/2015-07-29-aws-deployments.md:8: error: onair.lock does not know this remote \
             audio's size and duration; run `onair probe --lock {SEED_AUDIO_URL}` in the site \
             folder to record them (this needs network access once), then commit onair.lock; or \
             add `length:` (the file's exact size in bytes) next to its `duration:` to this episode"
        )
    );
}

#[test]
fn eleventy_episode_with_nunjucks_and_liquid_tags_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let episode = "---\nlayout: layouts/episode.njk\npodcast: tin-can\ntitle: >\n  Cans &amp; strings,\n  \
                   part&nbsp;two\ndate: 2024-02-03\nepisode_number: 12\nduration: 1234\nlength: 9876543\n\
                   audio_url: https://cdn.example.org/tc12.mp3\ntags: radio crafts\n---\n\
                   {% include \"sponsor.njk\" %}\nWe built a {{ site.title }} receiver.{# a note #}\n\n\
                   {% raw %}Write {{ name }} in templates.{% endraw %}\n\n\
                   {% highlight sh %}\necho hi\n{% endhighlight %}\n";
    let site = site_with(tmp.path(), &[("cans.md", episode.as_bytes().to_vec())]);
    let built = build(&site).unwrap_or_else(|errors| panic!("{errors:#?}"));
    let ep = &built.site.episodes[0];
    // A folded title keeps its text; YAML does not decode HTML entities, and neither do we.
    // Titles were HTML to Jekyll and Eleventy: entities decode, spaces normalise.
    assert_eq!(ep.title, "Cans & strings, part two");
    assert_eq!(ep.number, Some(12));
    assert_eq!(ep.facts.duration, 1234.0);
    assert_eq!(ep.facts.size, 9_876_543);
    assert_eq!(ep.tags, ["radio", "crafts"]);
    let html = &ep.notes.html;
    for gone in ["{%", "%}", "{{ site", "{#", "sponsor"] {
        assert!(!html.contains(gone), "`{gone}` left in {html}");
    }
    assert!(html.contains("We built a  receiver."), "{html}");
    assert!(html.contains("Write {{ name }} in templates."), "{html}");
    assert!(
        html.contains("<code class=\"language-sh\">echo hi\n</code>"),
        "{html}"
    );
}
