//! serve's incremental rebuilds (`build_site_with` and a `BuildCache`) must publish exactly
//! what a full build of the same files publishes, while reusing what did not change.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use onair::output::OutputFile;
use onair::pipeline::{BuildCache, BuildOptions, Built, Reuse, build_site, build_site_with};

mod site_support;
use site_support::copy_tree;

fn site() -> (tempfile::TempDir, BuildOptions) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site"),
        &root,
        &["public", ".onair"],
    );
    let opts = BuildOptions {
        root,
        allow_network: false,
        at: None,
        ..Default::default()
    };
    (tmp, opts)
}

/// The published files, with the one line that changes every build (the feed's
/// lastBuildDate) taken out.
fn published(built: &Built) -> Vec<(String, Vec<u8>)> {
    built
        .output
        .files
        .iter()
        .map(|(key, file)| {
            let bytes = match file {
                OutputFile::Bytes(b) => b.as_slice().to_vec(),
                OutputFile::Copy(p) => std::fs::read(p).unwrap(),
            };
            let bytes = if key == "feed.xml" {
                String::from_utf8(bytes)
                    .unwrap()
                    .lines()
                    .filter(|l| !l.contains("<lastBuildDate>"))
                    .collect::<Vec<_>>()
                    .join("\n")
                    .into_bytes()
            } else {
                bytes
            };
            (key.clone(), bytes)
        })
        .collect()
}

fn same_bytes(a: &Built, b: &Built, key: &str) -> bool {
    match (a.output.get(key), b.output.get(key)) {
        (Some(OutputFile::Bytes(x)), Some(OutputFile::Bytes(y))) => Arc::ptr_eq(x, y),
        _ => false,
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn changed(files: &[&str]) -> BTreeSet<PathBuf> {
    files.iter().map(PathBuf::from).collect()
}

const EPISODE: &str = "episodes/2026-01-27-a-radio-without-a-battery.md";

#[test]
fn an_edited_episode_rebuilds_as_a_full_build_would_and_reuses_the_rest() {
    let (_tmp, opts) = site();
    let mut cache = BuildCache::default();
    let first = build_site_with(&opts, &mut cache, &Reuse::Nothing).unwrap();

    edit(
        &opts.root.join(EPISODE),
        "title: A Radio Without a Battery",
        "title: A Radio Without Any Battery",
    );
    let reuse = Reuse::EpisodesExcept(changed(&[EPISODE]));
    let second = build_site_with(&opts, &mut cache, &reuse).unwrap();
    let full = build_site(&opts).unwrap();
    assert_eq!(published(&second), published(&full));
    assert!(
        String::from_utf8_lossy(second.output.bytes("feed.xml").unwrap())
            .contains("A Radio Without Any Battery")
    );

    // The edited page and the lists were rendered again; a page that shows nothing of the
    // edited episode was taken from the cache as it was.
    let edited = "episodes/a-radio-without-a-battery/index.html";
    assert!(!same_bytes(&first, &second, edited));
    assert!(!same_bytes(&first, &second, "index.html"));
    assert!(same_bytes(&first, &second, "about/index.html"));
    // Its neighbours show its title (older/newer links): rendered again too.
    let neighbours = ["episodes/two-cans-and-a-string/index.html"];
    for page in neighbours {
        assert!(!same_bytes(&first, &second, page), "{page}");
    }
}

#[test]
fn a_notes_edit_renders_only_that_page_and_what_shows_the_notes() {
    let (_tmp, opts) = site();
    let mut cache = BuildCache::default();
    let first = build_site_with(&opts, &mut cache, &Reuse::Nothing).unwrap();

    // Deep in the notes: not in the summary, so no card (lists, neighbours) changes.
    edit(
        &opts.root.join(EPISODE),
        "take it down before a thunderstorm",
        "take it down before any thunderstorm",
    );
    let reuse = Reuse::EpisodesExcept(changed(&[EPISODE]));
    let second = build_site_with(&opts, &mut cache, &reuse).unwrap();
    assert_eq!(published(&second), published(&build_site(&opts).unwrap()));
    let edited = "episodes/a-radio-without-a-battery/index.html";
    assert!(!same_bytes(&first, &second, edited));
    assert!(
        String::from_utf8_lossy(second.output.bytes(edited).unwrap())
            .contains("before any thunderstorm")
    );
    for page in [
        "index.html",
        "episodes/index.html",
        "tags/antennas/index.html",
        "episodes/two-cans-and-a-string/index.html",
    ] {
        assert!(
            same_bytes(&first, &second, page),
            "{page} was rendered again"
        );
    }
    // The search index carries the notes' text: it follows the edit.
    assert!(
        String::from_utf8_lossy(second.output.bytes("episodes/index.json").unwrap())
            .contains("before any thunderstorm")
    );

    // A template edit renders every page again, from the cached episodes.
    let template = opts.root.join("templates/episode.html");
    std::fs::create_dir_all(template.parent().unwrap()).unwrap();
    let theme = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/episode.html"),
    )
    .unwrap();
    std::fs::write(
        &template,
        theme.replacen("</article>", "<p>edited theme</p></article>", 1),
    )
    .unwrap();
    let third =
        build_site_with(&opts, &mut cache, &Reuse::EpisodesExcept(BTreeSet::new())).unwrap();
    assert_eq!(published(&third), published(&build_site(&opts).unwrap()));
    assert!(String::from_utf8_lossy(third.output.bytes(edited).unwrap()).contains("edited theme"));
}

#[test]
fn added_removed_and_broken_episodes_end_as_a_full_build() {
    let (_tmp, opts) = site();
    let mut cache = BuildCache::default();
    build_site_with(&opts, &mut cache, &Reuse::Nothing).unwrap();

    // A new episode (a copy with its own slug, audio and number) and a removed one.
    let new = "episodes/2026-03-03-more-string.md";
    let text = std::fs::read_to_string(opts.root.join(EPISODE)).unwrap();
    let text = text
        .replace("title: A Radio Without a Battery", "title: More String")
        .replace("002-crystal-radio.m4a", "001-string-telephone.mp3")
        .replace("date: 2026-01-27", "date: 2026-03-03");
    let text = regex_free_renumber(&text);
    std::fs::write(opts.root.join(new), text).unwrap();
    let gone = "episodes/2026-01-13-two-cans-and-a-string.md";
    std::fs::remove_file(opts.root.join(gone)).unwrap();
    let reuse = Reuse::EpisodesExcept(changed(&[new, gone]));
    let second = build_site_with(&opts, &mut cache, &reuse).unwrap();
    assert_eq!(published(&second), published(&build_site(&opts).unwrap()));
    assert!(
        second
            .output
            .get("episodes/more-string/index.html")
            .is_some()
    );
    assert!(
        second
            .output
            .get("episodes/two-cans-and-a-string/index.html")
            .is_none()
    );

    // A broken episode fails the build; fixed, the next build is whole again even though
    // another episode changed in between.
    edit(
        &opts.root.join(new),
        "title: More String",
        "title: [More String",
    );
    let reuse = Reuse::EpisodesExcept(changed(&[new]));
    assert!(build_site_with(&opts, &mut cache, &reuse).is_err());
    let other = "episodes/2026-02-10-antennas-from-coat-hangers.md";
    edit(
        &opts.root.join(other),
        "title: Antennas from Coat Hangers",
        "title: Antennas from Old Coat Hangers",
    );
    edit(
        &opts.root.join(new),
        "title: [More String",
        "title: More String",
    );
    // Only the fixed file is named: the edit made while the site was broken must not be lost.
    let reuse = Reuse::EpisodesExcept(changed(&[new]));
    let third = build_site_with(&opts, &mut cache, &reuse).unwrap();
    assert_eq!(published(&third), published(&build_site(&opts).unwrap()));
    assert!(
        String::from_utf8_lossy(third.output.bytes("feed.xml").unwrap())
            .contains("Antennas from Old Coat Hangers")
    );
}

#[test]
fn a_changed_site_yaml_or_audio_file_is_never_served_from_the_cache() {
    let (_tmp, opts) = site();
    let mut cache = BuildCache::default();
    build_site_with(&opts, &mut cache, &Reuse::Nothing).unwrap();

    // site.yaml: the caller (serve) asks for a full read, and the cache does not hide it.
    let config = opts.root.join("site.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    let title_line = text.lines().find(|l| l.starts_with("title:")).unwrap();
    std::fs::write(&config, text.replacen(title_line, "title: Another Show", 1)).unwrap();
    let second = build_site_with(&opts, &mut cache, &Reuse::Nothing).unwrap();
    assert_eq!(published(&second), published(&build_site(&opts).unwrap()));
    assert!(
        String::from_utf8_lossy(second.output.bytes("index.html").unwrap())
            .contains("Another Show")
    );

    // One audio file replaced by another: the episode using it is probed again.
    let audio = opts.root.join("audio/002-crystal-radio.m4a");
    let other = opts.root.join("audio/bonus-listener-mail.m4a");
    std::fs::copy(&other, &audio).unwrap();
    let reuse = Reuse::AudioExcept(changed(&["audio/002-crystal-radio.m4a"]));
    let third = build_site_with(&opts, &mut cache, &reuse).unwrap();
    assert_eq!(published(&third), published(&build_site(&opts).unwrap()));
    let size = std::fs::metadata(&audio).unwrap().len().to_string();
    let feed = String::from_utf8_lossy(third.output.bytes("feed.xml").unwrap()).into_owned();
    assert!(
        feed.lines()
            .any(|l| l.contains("002-crystal-radio.m4a")
                && l.contains(&format!("length=\"{size}\""))),
        "{feed}"
    );
}

/// The copied episode gets a number no other episode has.
fn regex_free_renumber(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.starts_with("episode:") || l.starts_with("number:") {
                "episode: 99".to_string()
            } else if l.starts_with("guid:") {
                String::new()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
