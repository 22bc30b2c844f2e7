//! `onair build` runs the feed checks on what it is about to publish, and `onair check DIR`
//! checks a site built in memory: errors fail the build and leave public/ as it was.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod site_support;
use site_support::{copy_site, fixture, publish};

fn site() -> (tempfile::TempDir, PathBuf) {
    copy_site(&fixture("basic"))
}

fn onair(args: &[&str], root: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_onair"))
        .args(args)
        .arg(root)
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn errors(out: &Output) -> Vec<String> {
    stderr(out)
        .lines()
        .filter(|l| l.contains(": error["))
        .map(str::to_string)
        .collect()
}

fn set_guid(root: &Path, file: &str, guid: &str) {
    let path = root.join("episodes").join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let text = match text.find("\nguid:") {
        Some(at) => {
            let end = at + 1 + text[at + 1..].find('\n').unwrap();
            format!("{}\nguid: {guid}{}", &text[..at], &text[end..])
        }
        None => text.replacen("---\n", &format!("---\nguid: {guid}\n"), 1),
    };
    std::fs::write(path, text).unwrap();
}

#[test]
fn check_dir_builds_in_memory_and_writes_nothing() {
    let (_tmp, root) = site();
    let out = onair(&["check"], &root);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(errors(&out).is_empty());
    assert!(!root.join("public").exists());
}

/// Deploys the site to a folder and checks it went up: the baseline of what follows.
fn publish_ok(root: &Path) -> tempfile::TempDir {
    let (target, out) = publish(root, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    target
}

#[test]
fn a_changed_guid_fails_the_build_and_public_stays() {
    let (_tmp, root) = site();
    let _target = publish_ok(&root);
    let feed_before = std::fs::read(root.join("public/feed.xml")).unwrap();

    set_guid(&root, "2026-01-05-first-steps.md", "first-steps-renumbered");
    let second = onair(&["build"], &root);
    assert_eq!(second.status.code(), Some(1));
    let errs = errors(&second);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].contains("error[guid-changed]: First Steps: the GUID changed from")
            && errs[0].contains("(set `guid: ")
            && errs[0].contains("or pass --allow-feed-changes to publish it as a new one)"),
        "{errs:?}"
    );
    assert!(stderr(&second).contains("nothing was published"));
    assert_eq!(
        std::fs::read(root.join("public/feed.xml")).unwrap(),
        feed_before
    );

    // `onair check DIR` compares with the published feed the same way.
    let check = onair(&["check"], &root);
    assert_eq!(check.status.code(), Some(1));
    assert!(errors(&check)[0].contains("error[guid-changed]"));

    let allowed = onair(&["build", "--allow-feed-changes"], &root);
    assert_eq!(allowed.status.code(), Some(0), "{}", stderr(&allowed));
    assert!(stderr(&allowed).contains("warning[guid-changed]"));
    assert_ne!(
        std::fs::read(root.join("public/feed.xml")).unwrap(),
        feed_before
    );
    // A local build is no publication: the next build still compares with what listeners have.
    assert_eq!(onair(&["build"], &root).status.code(), Some(1));
}

#[test]
fn a_vanished_episode_fails_the_build_until_a_deploy_publishes_its_removal() {
    let (_tmp, root) = site();
    let target = publish_ok(&root);
    std::fs::remove_file(root.join("episodes/2026-02-01-second-thoughts.md")).unwrap();
    let out = onair(&["build"], &root);
    assert_eq!(out.status.code(), Some(1));
    let errs = errors(&out);
    assert_eq!(errs.len(), 1, "{errs:?}");
    // Located in the feed listeners have: the copy the deploy kept.
    assert!(errs[0].contains(".onair/published/feed.xml:"), "{errs:?}");
    assert!(
        errs[0].contains("error[episode-vanished]: Second Thoughts: this published episode")
            && errs[0].contains("(restore its episode file (or its `draft: false`, its date), or pass --allow-feed-changes if it is meant to go)"),
        "{errs:?}"
    );
    assert!(
        root.join("public/episodes/second-thoughts/index.html")
            .exists(),
        "public/ stays"
    );

    // Deleting it on purpose: allowed, reported as a warning, published.
    let to = format!("file://{}", target.path().display());
    let allowed = onair(&["deploy", "--to", &to, "--allow-feed-changes"], &root);
    assert_eq!(allowed.status.code(), Some(0), "{}", stderr(&allowed));
    assert!(
        stderr(&allowed)
            .contains("warning[episode-vanished]: Second Thoughts: this published episode")
            && stderr(&allowed).contains("(allowed by --allow-feed-changes)"),
        "{}",
        stderr(&allowed)
    );
    assert!(!root.join("public/episodes/second-thoughts").exists());
    // The next build compares with what was published: nothing left to report.
    let again = onair(&["build"], &root);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(!stderr(&again).contains("episode-vanished"));
}

#[test]
fn a_site_never_published_has_no_baseline() {
    let (_tmp, root) = site();
    assert_eq!(onair(&["build"], &root).status.code(), Some(0));
    std::fs::remove_file(root.join("episodes/2026-02-01-second-thoughts.md")).unwrap();
    set_guid(&root, "2026-01-05-first-steps.md", "renamed");
    for cmd in ["build", "check"] {
        let out = onair(&[cmd], &root);
        assert_eq!(out.status.code(), Some(0), "{cmd}: {}", stderr(&out));
        assert!(!stderr(&out).contains("vanished"), "{}", stderr(&out));
    }
}

#[test]
fn drafts_dry_runs_and_refused_deploys_never_move_the_baseline() {
    let (_tmp, root) = site();
    let target = publish_ok(&root);
    let to = format!("file://{}", target.path().display());
    let draft = root.join("episodes/2026-03-05-preview-only.md");
    std::fs::write(
        &draft,
        "---\ntitle: A Draft\ndraft: true\nguid: the-draft\naudio: https://cdn.example.org/draft.mp3\nlength: 123456\nduration: \"12:34\"\n---\nNot yet.\n",
    )
    .unwrap();
    // A preview with the draft, then a plain build: the draft was never published.
    assert_eq!(onair(&["build", "--drafts"], &root).status.code(), Some(0));
    let plain = onair(&["build"], &root);
    assert_eq!(plain.status.code(), Some(0), "{}", stderr(&plain));
    std::fs::remove_file(&draft).unwrap();

    // A dry run that allows the removal rewrites public/ but publishes nothing ...
    std::fs::remove_file(root.join("episodes/2026-02-01-second-thoughts.md")).unwrap();
    let dry = onair(
        &["deploy", "--to", &to, "--dry-run", "--allow-feed-changes"],
        &root,
    );
    assert_eq!(dry.status.code(), Some(0), "{}", stderr(&dry));
    // ... and one refused by --max-deletes publishes nothing either.
    let refused = onair(
        &[
            "deploy",
            "--to",
            &to,
            "--max-deletes",
            "0",
            "--allow-feed-changes",
        ],
        &root,
    );
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("refusing to delete"));
    // So the check is still armed for the real deploy.
    for args in [&["build"][..], &["deploy", "--to", &to]] {
        let out = onair(args, &root);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("error[episode-vanished]"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn deploy_compares_with_the_feed_on_its_target() {
    let (_tmp, root) = site();
    let target = publish_ok(&root);
    let to = format!("file://{}", target.path().display());
    // The local copy is gone (another machine, a CI checkout): the target's feed is the baseline.
    std::fs::remove_dir_all(root.join(".onair/published")).unwrap();
    std::fs::remove_file(root.join("episodes/2026-02-01-second-thoughts.md")).unwrap();
    assert_eq!(onair(&["build"], &root).status.code(), Some(0));
    let out = onair(&["deploy", "--to", &to], &root);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let errs = errors(&out);
    assert!(
        errs.iter()
            .any(|e| e.starts_with(&format!("{to}/feed.xml:"))
                && e.contains("error[episode-vanished]")),
        "{errs:?}"
    );
    // --no-build publishes public/ as it is, and is compared all the same.
    let out = onair(&["deploy", "--to", &to, "--no-build"], &root);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("error[episode-vanished]"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_artwork_fails_the_first_build_and_nothing_is_published() {
    let (_tmp, root) = site();
    // A 1000x1000 RGBA PNG header in place of the cover.
    let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    png.extend(1000u32.to_be_bytes());
    png.extend(1000u32.to_be_bytes());
    png.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
    std::fs::write(root.join("assets/cover.png"), png).unwrap();
    let out = onair(&["build"], &root);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let errs = errors(&out);
    assert!(
        errs.iter().any(|e| e.contains("error[artwork-size]")),
        "{errs:?}"
    );
    assert!(
        errs.iter().any(|e| e.contains("error[artwork-color]")),
        "{errs:?}"
    );
    assert!(!root.join("public").exists());
}

#[test]
fn the_feed_writer_covers_moves_block_complete_season_names_and_trailers() {
    let (_tmp, root) = site();
    let yaml = root.join("site.yaml");
    let mut config = std::fs::read_to_string(&yaml).unwrap();
    config.push_str(
        "new_feed_url: https://new.example.com/feed.xml\nblock: true\ncomplete: true\nseasons: { 1: \"First Light\" }\n",
    );
    std::fs::write(&yaml, config).unwrap();
    let second = root.join("episodes/2026-02-01-second-thoughts.md");
    let text = std::fs::read_to_string(&second).unwrap();
    std::fs::write(&second, text.replacen("---\n", "---\ntype: trailer\n", 1)).unwrap();

    let out = onair(&["build"], &root);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning["), "{}", stderr(&out));
    let feed = std::fs::read_to_string(root.join("public/feed.xml")).unwrap();
    for expected in [
        "<itunes:new-feed-url>https://new.example.com/feed.xml</itunes:new-feed-url>",
        "<itunes:block>Yes</itunes:block>",
        "<itunes:complete>Yes</itunes:complete>",
        "<podcast:season name=\"First Light\">1</podcast:season>",
        "<podcast:trailer pubdate=\"Sun, 01 Feb 2026 18:00:00 +0100\" url=\"https://fixture.example.com/show/audio/second.m4a\"",
    ] {
        assert!(feed.contains(expected), "feed lacks {expected}:\n{feed}");
    }
    // Every item states itunes:explicit, inheriting the show's when the episode has none.
    let items = feed.matches("<item>").count();
    assert_eq!(feed.matches("      <itunes:explicit>").count(), items);
}

#[test]
fn a_relative_new_feed_url_is_a_config_error() {
    let (_tmp, root) = site();
    let yaml = root.join("site.yaml");
    let mut config = std::fs::read_to_string(&yaml).unwrap();
    config.push_str("new_feed_url: /feed2.xml\n");
    std::fs::write(&yaml, config).unwrap();
    let out = onair(&["build"], &root);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("`new_feed_url` must be the new feed's absolute URL"),
        "{}",
        stderr(&out)
    );
}
