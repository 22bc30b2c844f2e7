//! Every mistake a podcaster makes, one at a time, on a copy of the basic fixture site: the
//! message, the place (path:line:col of the file they edit) and the exit code are pinned.
//! Feed rules of a site build point at site.yaml or the episode file, never at the built
//! feed.xml; all of a build's errors are reported at once.

use std::path::{Path, PathBuf};

mod site_support;
use site_support::{copy_site, fixture, onair};

fn site() -> (tempfile::TempDir, PathBuf) {
    copy_site(&fixture("basic"))
}

/// `onair build` of the site: (exit code, stderr).
fn build(root: &Path) -> (i32, String) {
    let (code, _, err) = onair(&["build", root.to_str().unwrap()]);
    (code, err)
}

fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no `{from}`");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// The lines of `err` that are diagnostics (not the summary line).
fn problems(err: &str) -> Vec<&str> {
    err.lines()
        .filter(|l| l.contains(": error") || l.contains(": warning"))
        .collect()
}

/// A PNG's signature and header: what the artwork checks read.
fn png(side: u32) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    b.extend(side.to_be_bytes());
    b.extend(side.to_be_bytes());
    b.extend([8, 2, 0, 0, 0, 0, 0, 0, 0]);
    b
}

const FIRST: &str = "episodes/2026-01-05-first-steps.md";

// Item 5: the feed's problems at the line the podcaster edits, in their terms.

#[test]
fn a_subcategory_alone_is_fixed_in_categories_terms() {
    let (_tmp, root) = site();
    edit(
        &root,
        "site.yaml",
        "categories: [Technology, \"Society & Culture > Documentary\"]",
        "categories:\n  - Technology\n  - Food",
    );
    let (code, err) = build(&root);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        problems(&err),
        [
            "site.yaml:10:1: error[itunes-category]: \"Food\" is a subcategory of \"Arts\": write it with its category, `categories: [\"Arts > Food\"]`"
        ]
    );
    assert!(!err.contains("feed.xml"), "{err}");
    // `onair check DIR` checks what build would publish, and says the same.
    let (code, out, err) = onair(&["check", root.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        format!("{out}{err}").contains(
            "site.yaml:10:1: error[itunes-category]: \"Food\" is a subcategory of \"Arts\""
        ),
        "{out}{err}"
    );
}

#[test]
fn a_page_slug_onair_uses_names_its_line() {
    let (_tmp, root) = site();
    std::fs::write(
        root.join("pages/tags.md"),
        "---\ntitle: Tags\nslug: tags\n---\nHi\n",
    )
    .unwrap();
    let (code, err) = build(&root);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        problems(&err),
        [
            "pages/tags.md:3: error: the page would be published at /tags/, which onair uses itself: rename the file or set `slug:`"
        ]
    );
}

#[test]
fn small_artwork_names_the_source_asset_and_the_image_line() {
    let (_tmp, root) = site();
    std::fs::write(root.join("assets/cover.png"), png(500)).unwrap();
    let (code, err) = build(&root);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        problems(&err),
        [
            "site.yaml:7:1: error[artwork-size]: assets/cover.png is 500x500 px; artwork must be 1400 to 3000 px a side"
        ]
    );
}

#[test]
fn an_owner_email_problem_is_at_the_owner_line() {
    let (_tmp, root) = site();
    edit(
        &root,
        "site.yaml",
        "email: owner@fixture.example.com",
        "email: nobody",
    );
    let (code, err) = build(&root);
    assert_eq!(code, 0, "{err}");
    let found = problems(&err);
    assert!(
        found.contains(&"site.yaml:6:1: warning[itunes-owner]: \"nobody\" is not an email address"),
        "{err}"
    );
    assert!(found.iter().all(|l| l.starts_with("site.yaml:")), "{err}");
}

#[test]
fn a_missing_owner_is_said_as_site_yaml_writes_it() {
    let (_tmp, root) = site();
    edit(
        &root,
        "site.yaml",
        "owner: { name: Test Owner, email: owner@fixture.example.com }\n",
        "",
    );
    let (code, err) = build(&root);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        problems(&err),
        [
            "site.yaml: warning[itunes-owner]: no `owner:` with an email: add `owner: { name: Your Name, email: you@example.com }` to site.yaml (Spotify and YouTube verify ownership by that address)",
            "site.yaml:12:1: warning[podcast-locked]: `locked` needs the owner's email, which partytime (Podcast Index) requires: add `owner: { name: Your Name, email: you@example.com }` to site.yaml",
        ]
    );
}

#[test]
fn an_episode_feed_problem_is_at_its_front_matter_line() {
    let (_tmp, root) = site();
    let long = "A".repeat(300);
    edit(
        &root,
        FIRST,
        "title: First Steps",
        &format!("title: {long}"),
    );
    let (code, err) = build(&root);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        problems(&err),
        [format!(
            "{FIRST}:2:1: warning[text-length]: `title` is 300 characters; Apple allows 255"
        )]
    );
}

#[test]
fn a_feed_file_checked_on_its_own_keeps_its_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let feed = tmp.path().join("feed.xml");
    let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\">\n<channel>\n<title>T</title>\n<itunes:category text=\"Food\"/>\n</channel>\n</rss>\n";
    std::fs::write(&feed, xml).unwrap();
    let (code, out, err) = onair(&["check", feed.to_str().unwrap()]);
    assert_eq!(code, 1);
    let all = format!("{out}{err}");
    assert!(
        all.contains(&format!(
            "{}:5:18: error[itunes-category]: \"Food\" is a subcategory of \"Arts\": nest it inside <itunes:category text=\"Arts\">",
            feed.display()
        )),
        "{all}"
    );
}

#[test]
fn same_audio_and_missing_image_name_their_lines() {
    let (_tmp, root) = site();
    std::fs::write(
        root.join("episodes/2026-04-01-again.md"),
        "---\ntitle: Again\nimage: assets/nope.png\naudio: audio/first.mp3\n---\nNotes.\n",
    )
    .unwrap();
    let (code, err) = build(&root);
    assert_eq!(code, 1, "{err}");
    let found = problems(&err);
    assert!(
        found.contains(&"episodes/2026-04-01-again.md:4: error: same audio `audio/first.mp3` as episodes/2026-01-05-first-steps.md: each episode needs its own audio file (apps ignore a reused enclosure URL)"),
        "{err}"
    );
    let (_tmp2, root) = site();
    edit(
        &root,
        "site.yaml",
        "image: assets/cover.png",
        "image: assets/covr.png",
    );
    let (code, err) = build(&root);
    assert_eq!(code, 1, "{err}");
    assert!(
        problems(&err).contains(&"site.yaml:7: error: image `assets/covr.png` not found: put it in the site's assets/ folder"),
        "{err}"
    );
}

// Item 6: all errors at once.

#[test]
fn every_unknown_key_of_every_file_and_site_yaml_does_not_hide_episodes() {
    let (_tmp, root) = site();
    edit(&root, "site.yaml", "language: en-us", "langauge: en-us");
    std::fs::write(
        root.join("episodes/2026-04-01-a.md"),
        "---\ntitle: A\naudio: audio/first.mp3\ntitel: x\nsumary: y\n---\n",
    )
    .unwrap();
    std::fs::write(
        root.join("episodes/2026-04-02-b.md"),
        "---\ntitle: B\naudio: audio/second.m4a\nseason: one\ntags: [a]\nguests: [Ann]\n---\n",
    )
    .unwrap();
    let (code, err) = build(&root);
    assert_eq!(code, 1, "{err}");
    let found: Vec<String> = problems(&err)
        .iter()
        .map(|l| l.split("; known keys").next().unwrap().to_string())
        .collect();
    assert_eq!(
        found,
        [
            "episodes/2026-04-01-a.md:4:1: error: unknown key `titel` (did you mean `title`?)",
            "episodes/2026-04-01-a.md:5:1: error: unknown key `sumary` (did you mean `summary`?)",
            "episodes/2026-04-02-b.md:4:9: error: season: invalid type: string \"one\", expected a whole number",
            "episodes/2026-04-02-b.md:6:1: error: unknown key `guests` (did you mean `people`?)",
            "site.yaml:4:1: error: unknown key `langauge` (did you mean `language`?)",
        ]
    );
    assert!(err.contains("build failed: 5 error(s)"), "{err}");
}

#[test]
fn an_unknown_key_does_not_hide_the_files_other_errors() {
    let (_tmp, root) = site();
    std::fs::write(
        root.join("episodes/2026-04-01-a.md"),
        "---\ntitle: A\nsumary: x\ntype: full-length\n---\nNotes.\n",
    )
    .unwrap();
    let (code, err) = build(&root);
    assert_eq!(code, 1, "{err}");
    let found: Vec<String> = problems(&err)
        .iter()
        .map(|l| l.split("; known keys").next().unwrap().to_string())
        .collect();
    assert_eq!(
        found,
        [
            "episodes/2026-04-01-a.md:2: error: `audio` is required: a file in the site such as audio/ep1.mp3, or an https URL",
            "episodes/2026-04-01-a.md:3:1: error: unknown key `sumary` (did you mean `summary`?)",
            "episodes/2026-04-01-a.md:4: error: `type: full-length` must be `full`, `trailer` or `bonus`",
        ]
    );
}

// Item 7: YAML mistakes with their fix.

fn front_matter_errors(yaml: &str) -> (i32, Vec<String>) {
    let (_tmp, root) = site();
    std::fs::write(
        root.join("episodes/2026-04-01-x.md"),
        format!("---\n{yaml}---\nNotes.\n"),
    )
    .unwrap();
    let (code, err) = build(&root);
    (code, problems(&err).iter().map(|l| l.to_string()).collect())
}

#[test]
fn yaml_mistakes_say_their_fix() {
    const AT: &str = "episodes/2026-04-01-x.md";
    let cases = [
        (
            "title: Ep 1: Start\naudio: audio/x.mp3\n",
            format!(
                "{AT}:2:12: error: the value of `title` has `: ` in it, which YAML reads as another key: quote the value: `title: \"Ep 1: Start\"`"
            ),
        ),
        (
            "title: X\npeople:\n\t- Ann\n",
            format!(
                "{AT}:4:1: error: a tab in the indentation: YAML does not allow tabs; indent with spaces"
            ),
        ),
        (
            "title: X\ndraft: yes\n",
            format!(
                "{AT}:3:8: error: `draft: yes` must be true or false: write `draft: true` or `draft: false`"
            ),
        ),
        (
            "title: X\ndescription: About it\n",
            format!("{AT}:3:1: error: unknown key `description` (did you mean `summary`?)"),
        ),
        (
            "title: X\npeople: [42]\n",
            format!(
                "{AT}:3:10: error: people[0]: invalid type: integer `42`, expected a name or `{{ name: …, role: guest }}`"
            ),
        ),
    ];
    for (yaml, want) in cases {
        let (code, found) = front_matter_errors(yaml);
        assert_eq!(code, 1, "{yaml}");
        assert!(
            found.iter().any(|l| l.starts_with(&want)),
            "{yaml}: want {want}\nfound {found:#?}"
        );
        assert!(
            found
                .iter()
                .all(|l| !l.contains("struct") && !l.contains("u32")),
            "{found:#?}"
        );
    }
}

#[test]
fn a_person_may_be_a_plain_name() {
    let (_tmp, root) = site();
    edit(
        &root,
        FIRST,
        "guid: fixture-0001",
        "guid: fixture-0001\npeople: [\"Jon Park\"]",
    );
    let (code, err) = build(&root);
    assert_eq!(code, 0, "{err}");
    let feed = std::fs::read_to_string(root.join("public/feed.xml")).unwrap();
    assert!(feed.contains(">Jon Park</podcast:person>"), "{feed}");
}

// Item 9: transcripts and chapters are read strictly.

#[test]
fn a_mistyped_transcript_line_is_an_error_at_its_line() {
    let (_tmp, root) = site();
    std::fs::create_dir_all(root.join("transcripts")).unwrap();
    std::fs::write(
        root.join("transcripts/2026-01-05-first-steps.srt"),
        "1\n00:00:00,000 --> 00:00:00,400\nHello\n\n2\n00:00:00,400 -> 00:00:00,800\nthere\n",
    )
    .unwrap();
    let (code, err) = build(&root);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        problems(&err),
        [
            "transcripts/2026-01-05-first-steps.srt:6: error: `->` between two times: a cue timing line is `00:00:01,000 --> 00:00:04,000` (two dashes and `>`)"
        ]
    );
}

#[test]
fn a_misspelled_chapters_key_is_an_error_at_its_line() {
    let (_tmp, root) = site();
    std::fs::write(
        root.join("episodes/2026-01-05-first-steps.chapters.json"),
        "{\"version\": \"1.2.0\", \"chapters\": [\n{\"startTime\": 0, \"title\": \"A\"},\n{\"starttime\": 0.5, \"title\": \"B\"}\n]}\n",
    )
    .unwrap();
    edit(
        &root,
        FIRST,
        "guid: fixture-0001",
        "guid: fixture-0001\nchapters: episodes/2026-01-05-first-steps.chapters.json",
    );
    let (code, err) = build(&root);
    assert_eq!(code, 1, "{err}");
    assert!(
        problems(&err).contains(&"episodes/2026-01-05-first-steps.chapters.json:3: error: unknown key \"starttime\" (did you mean \"startTime\"?)"),
        "{err}"
    );
}
