//! Publish safety: the feed about to be published against the one it replaces.

use std::path::Path;

use onair::check::{AgainstOptions, check_against};
use onair::diag::Severity;

fn base() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds/pass.xml"),
    )
    .unwrap()
}

fn compare(old: &str, new: &str, allow: bool) -> Vec<String> {
    check_against(
        old,
        Path::new("old.xml"),
        new,
        Path::new("feed.xml"),
        &AgainstOptions {
            allow_feed_changes: allow,
            ..AgainstOptions::default()
        },
    )
    .iter()
    .map(ToString::to_string)
    .collect()
}

const GUID2: &str = "6c1f9d2e-5b3a-4f70-9e8d-2a1b0c9d8e02";

#[test]
fn an_unchanged_feed_and_a_new_episode_are_fine() {
    let old = base();
    assert!(compare(&old, &old, false).is_empty());
    // Drop the newest item from the old feed: the new feed adds an episode.
    let start = old.find("    <item>").unwrap();
    let end = old.find("    </item>").unwrap() + "    </item>\n".len();
    let older = format!("{}{}", &old[..start], &old[end..]);
    assert!(compare(&older, &old, false).is_empty());
}

#[test]
fn a_changed_guid_is_an_error_found_by_enclosure() {
    let old = base();
    let new = old.replace(GUID2, "signals-episode-2");
    assert_eq!(
        compare(&old, &new, false),
        [format!(
            "feed.xml:58:33: error[guid-changed]: Signal Maintenance: the GUID changed from \"{GUID2}\" to \"signals-episode-2\"; apps will show and download it as a new episode (give it its old GUID back to keep it the same episode, or pass --allow-feed-changes to publish it as a new one)"
        )]
    );
    let allowed = compare(&old, &new, true);
    assert_eq!(allowed.len(), 1);
    assert!(allowed[0].contains("warning[guid-changed]"));
    assert!(allowed[0].ends_with("(allowed by --allow-feed-changes)"));
}

#[test]
fn a_changed_guid_and_file_is_found_by_title() {
    let old = base();
    let new = old
        .replace(GUID2, "signals-episode-2")
        .replace("audio/signals.m4a", "audio/signals-v2.m4a");
    let out = compare(&old, &new, false);
    assert_eq!(out.len(), 1, "{out:?}");
    assert!(out[0].contains("error[guid-changed]: Signal Maintenance"));
}

#[test]
fn a_vanished_episode_is_reported_in_the_old_feed() {
    let old = base();
    let start = old.find("    <item>\n      <title>Signal").unwrap();
    let end = start + old[start..].find("    </item>").unwrap() + "    </item>\n".len();
    let new = format!("{}{}", &old[..start], &old[end..]);
    assert_eq!(
        compare(&old, &new, false),
        [format!(
            "old.xml:54:5: error[episode-vanished]: Signal Maintenance: this published episode (guid \"{GUID2}\") is not in the new feed; apps will remove it (pass --allow-feed-changes if it is meant to go)"
        )]
    );
    let allowed = check_against(
        &old,
        Path::new("old.xml"),
        &new,
        Path::new("feed.xml"),
        &AgainstOptions {
            allow_feed_changes: true,
            ..AgainstOptions::default()
        },
    );
    assert_eq!(allowed[0].severity, Severity::Warning);
}

#[test]
fn enclosure_podcast_guid_and_self_url_changes_are_warnings() {
    let old = base();
    let new = old
        .replace("audio/nurses.mp3", "media/nurses.mp3")
        .replace(
            "4a5d36c8-8f0e-5a4c-9d7e-1f2b3c4d5e6f",
            "11111111-2222-5333-8444-555555555555",
        )
        .replace(
            "https://example.com/feed.xml",
            "https://example.com/podcast.xml",
        );
    // Warnings: apps keep working, but each of these costs something; pinned in full.
    assert_eq!(
        compare(&old, &new, false),
        [
            "feed.xml:72:18: warning[enclosure-changed]: Night Nurses: the enclosure URL changed from \"https://example.com/audio/nurses.mp3\" to \"https://example.com/media/nurses.mp3\"; some apps download the episode again",
            "feed.xml:28:19: warning[podcast-guid-changed]: <podcast:guid> changed from \"4a5d36c8-8f0e-5a4c-9d7e-1f2b3c4d5e6f\" to \"11111111-2222-5333-8444-555555555555\"; keep the old one forever (in onair: `podcast_guid: 4a5d36c8-8f0e-5a4c-9d7e-1f2b3c4d5e6f` in site.yaml)",
            "feed.xml:4:16: warning[feed-url-changed]: the feed's self URL changed from \"https://example.com/feed.xml\" to \"https://example.com/podcast.xml\"; serve a 301 from the old URL and set `new_feed_url`",
        ]
    );
    // --allow-feed-changes only concerns errors: these stay warnings, unchanged.
    assert_eq!(compare(&old, &new, true), compare(&old, &new, false));
}

#[test]
fn a_feed_move_announced_with_new_feed_url_is_not_reported() {
    let old = base();
    let moved = old.replace(
        "https://example.com/feed.xml",
        "https://example.com/podcast.xml",
    );
    let announce = |url: &str| {
        moved.replacen(
            "<channel>",
            &format!("<channel>\n    <itunes:new-feed-url>{url}</itunes:new-feed-url>"),
            1,
        )
    };
    assert_eq!(
        compare(&old, &announce("https://example.com/podcast.xml"), false),
        Vec::<String>::new()
    );
    // Announcing some other URL is not this move: still reported.
    let other = compare(&old, &announce("https://example.org/elsewhere.xml"), false);
    assert_eq!(other.len(), 1, "{other:?}");
    assert!(other[0].contains("warning[feed-url-changed]"), "{other:?}");
}

#[test]
fn a_podcast_guid_that_is_gone_is_reported() {
    let old = base();
    let start = old.find("    <podcast:guid>").unwrap();
    let end = start + old[start..].find('\n').unwrap() + 1;
    let new = format!("{}{}", &old[..start], &old[end..]);
    assert_eq!(
        compare(&old, &new, false),
        [
            "feed.xml: warning[podcast-guid-changed]: <podcast:guid> \"4a5d36c8-8f0e-5a4c-9d7e-1f2b3c4d5e6f\" is gone from the new feed; keep it forever (in onair: `podcast_guid: 4a5d36c8-8f0e-5a4c-9d7e-1f2b3c4d5e6f` in site.yaml)"
        ]
    );
}

#[test]
fn vanished_and_re_guided_together_are_each_reported() {
    let old = base();
    let start = old.find("    <item>\n      <title>Signal").unwrap();
    let end = start + old[start..].find("    </item>").unwrap() + "    </item>\n".len();
    let new = format!("{}{}", &old[..start], &old[end..])
        .replace("0b7e2c1a-6a49-4a4e-8d1e-3f7e0c5b9a01", "bakery-renamed");
    let out = compare(&old, &new, false);
    assert_eq!(out.len(), 2, "{out:?}");
    assert!(
        out[0].starts_with("old.xml:54:5: error[episode-vanished]: Signal Maintenance: "),
        "{out:?}"
    );
    assert!(out[1].contains("error[guid-changed]: The Bakery at 3 AM: the GUID changed from \"0b7e2c1a-6a49-4a4e-8d1e-3f7e0c5b9a01\" to \"bakery-renamed\""), "{out:?}");
}

#[test]
fn an_unreadable_old_feed_is_reported() {
    let out = compare("<rss>", &base(), false);
    assert_eq!(out.len(), 1);
    assert!(
        out[0].starts_with("old.xml:1:1: error[xml-well-formed]: cannot compare"),
        "{out:?}"
    );
}
