//! `onair init`: the new site builds as is, passes `onair check`, and is refused over files.

mod new_episode_support;

use std::fs;

use new_episode_support::*;

#[test]
fn init_output_builds_and_passes_check() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("tin-can");
    init_site(&site);

    let out = onair(&["build", site.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "build: {}{}",
        stdout(&out),
        stderr(&out)
    );
    let feed = fs::read_to_string(site.join("public/feed.xml")).unwrap();
    let items = feed_items(&feed);
    assert_eq!(items.len(), 1, "{feed}");
    let item = &items[0];
    assert_eq!(item["title"], "Welcome to the show");
    assert_eq!(item["itunes:episode"], "1");
    assert_eq!(item["enclosure@length"], SPEECH_MP3.len().to_string());
    assert_eq!(item["enclosure@type"], "audio/mpeg");
    assert!(
        uuid::Uuid::parse_str(&item["guid"]).is_ok(),
        "{}",
        item["guid"]
    );
    assert_eq!(
        fs::read(site.join("public/audio/welcome.mp3")).unwrap(),
        SPEECH_MP3
    );
    assert!(site.join("public/about/index.html").is_file());

    let out = onair(&["check", site.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "check: {}{}",
        stdout(&out),
        stderr(&out)
    );
}

#[test]
fn init_refuses_a_site_that_is_already_there() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("show");
    init_site(&site);
    fs::write(site.join("site.yaml"), "title: mine\n").unwrap();
    let before = tree(&site);
    let out = onair(&["init", site.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!(
            "{}: error: already exists; onair init never overwrites a file, so it wrote nothing\n",
            site.join("site.yaml").display()
        )),
        "{err}"
    );
    assert_eq!(tree(&site), before);
    assert_eq!(
        fs::read_to_string(site.join("site.yaml")).unwrap(),
        "title: mine\n"
    );
}
