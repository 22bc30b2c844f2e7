//! Large feeds: the feed stays under the size apps accept (FEED_SIZE_BUDGET) by giving the
//! oldest items their summary instead of their full notes; every episode stays in the feed
//! and on the website; `feed_limit` caps the feed without the publish-safety check calling the
//! older episodes vanished.

use std::path::Path;
use std::process::Command;

fn write(root: &Path, rel: &str, content: impl AsRef<[u8]>) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}

/// A site with `n` episodes of about 3 KB of show notes each (remote audio, nothing probed).
fn site(n: usize, extra_yaml: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    write(
        &root,
        "site.yaml",
        format!(
            "title: Big\ndescription: A long-running show.\nurl: https://big.example.com\nlanguage: en\nauthor: A\nowner: {{ name: A, email: a@big.example.com }}\nimage: assets/cover.png\ncategories: [Technology]\nexplicit: false\n{extra_yaml}"
        ),
    );
    write(
        &root,
        "assets/cover.png",
        std::fs::read(fixtures.join("sites/basic/assets/cover.png")).unwrap(),
    );
    let paragraph = "Deploys, rollbacks and the queue that ate the weekend, told by the people who were paged for it. ".repeat(6);
    for i in 1..=n {
        let links: String = (0..10)
            .map(|k| format!("- [Link {k} of episode {i}](https://example.org/{i}/{k}) with a few words about it\n"))
            .collect();
        write(
            &root,
            &format!("episodes/2000-01-01-e{i}.md"),
            format!(
                "---\ntitle: Episode {i}\ndate: {}\naudio: https://cdn.big.example.com/e{i}.mp3\nlength: {}\nduration: \"0:30:00\"\nepisode: {i}\nguid: big-{i}\nsummary: The summary of episode {i}.\n---\n{paragraph}\n\n## Links\n\n{links}\n{paragraph}\n",
                jiff::civil::date(2000, 1, 1)
                    .checked_add(jiff::Span::new().days(i as i64))
                    .unwrap(),
                1_000_000 + i,
            ),
        );
    }
    (tmp, root)
}

fn onair(args: &[&std::ffi::OsStr]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_onair"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// (guid, has content:encoded, description) of each item, in feed order.
fn items(feed: &str) -> Vec<(String, bool, String)> {
    let mut reader = quick_xml::Reader::from_str(feed);
    let mut out = Vec::new();
    let mut path: Vec<String> = Vec::new();
    loop {
        match reader.read_event().expect("the feed parses back") {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(e) => {
                let name = e.name().as_ref().to_string();
                if name == "item" {
                    out.push((String::new(), false, String::new()));
                }
                if name == "content:encoded" {
                    out.last_mut().unwrap().1 = true;
                }
                path.push(name);
            }
            quick_xml::events::Event::End(_) => {
                path.pop();
            }
            quick_xml::events::Event::Text(t) => {
                let text = t.xml10_content().into_owned();
                match path.last().map(String::as_str) {
                    Some("guid") if path.len() == 4 => out.last_mut().unwrap().0 = text,
                    Some("description") if path.len() == 4 => out.last_mut().unwrap().2 = text,
                    _ => {}
                }
            }
            quick_xml::events::Event::CData(t)
                if path.last().map(String::as_str) == Some("description") && path.len() == 4 =>
            {
                out.last_mut().unwrap().2 = t.xml10_content().into_owned();
            }
            _ => {}
        }
    }
    out
}

#[test]
fn a_large_feed_keeps_every_episode_and_stays_under_the_budget() {
    // ~7 KB an item with full notes: 600 episodes would be over 4 MB.
    let (_t, root) = site(600, "");
    let (code, err) = onair(&["build".as_ref(), root.as_os_str()]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("warning"), "no feed-size warning: {err}");
    let feed = std::fs::read_to_string(root.join("public/feed.xml")).unwrap();
    assert!(
        feed.len() <= onair::render::feed::FEED_SIZE_BUDGET,
        "{}",
        feed.len()
    );
    assert!(
        feed.len() > onair::render::feed::FEED_SIZE_BUDGET - 20_000,
        "budget used"
    );
    let items = items(&feed);
    let guids: Vec<&str> = items.iter().map(|(g, _, _)| g.as_str()).collect();
    let expected: Vec<String> = (1..=600).rev().map(|i| format!("big-{i}")).collect();
    assert_eq!(guids, expected, "every episode, newest first");
    // The newest have their full notes, the oldest their summary; one cut between them.
    let full = items.iter().take_while(|(_, content, _)| *content).count();
    assert!(full > 100 && full < 600, "{full}");
    assert!(items[full..].iter().all(|(_, content, _)| !content));
    assert!(items[0].2.contains("<h2"), "full notes: {}", items[0].2);
    assert_eq!(items[599].2, "The summary of episode 1.");
    // The website keeps every word of the oldest episode.
    let page = std::fs::read_to_string(root.join("public/episodes/e1/index.html")).unwrap();
    assert!(page.contains("Link 9 of episode 1"));
    // And `onair check` agrees: no errors, no warnings.
    let (code, err) = onair(&["check".as_ref(), root.as_os_str()]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("warning"), "{err}");
}

#[test]
fn a_small_feed_is_untouched() {
    let (_t, root) = site(3, "");
    let (code, err) = onair(&["build".as_ref(), root.as_os_str()]);
    assert_eq!(code, 0, "{err}");
    let feed = std::fs::read_to_string(root.join("public/feed.xml")).unwrap();
    assert!(items(&feed).iter().all(|(_, content, _)| *content));
}

#[test]
fn feed_limit_rolls_old_episodes_out_without_a_publish_safety_error() {
    let (_t, root) = site(5, "feed_limit: 3\n");
    // Published (to a folder): the feed listeners have is the baseline of what follows.
    let target = tempfile::tempdir().unwrap();
    let to = format!("file://{}", target.path().display());
    let (code, err) = onair(&[
        "deploy".as_ref(),
        "--to".as_ref(),
        to.as_ref(),
        root.as_os_str(),
    ]);
    assert_eq!(code, 0, "{err}");
    let feed = std::fs::read_to_string(root.join("public/feed.xml")).unwrap();
    let guids: Vec<String> = items(&feed).into_iter().map(|(g, _, _)| g).collect();
    assert_eq!(guids, ["big-5", "big-4", "big-3"]);
    // A new episode pushes big-3 out of the feed; it is still on the website, so this is the
    // cap doing its job, not an episode that vanished.
    write(
        &root,
        "episodes/2001-01-01-e6.md",
        "---\ntitle: Episode 6\naudio: https://cdn.big.example.com/e6.mp3\nlength: 1000006\nduration: \"0:30:00\"\nepisode: 6\nguid: big-6\n---\nNew.\n",
    );
    let (code, err) = onair(&["build".as_ref(), root.as_os_str()]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("episode-vanished"), "{err}");
    assert!(root.join("public/episodes/e3/index.html").exists());
    // An episode deleted from the site is still caught.
    std::fs::remove_file(root.join("episodes/2000-01-01-e5.md")).unwrap();
    let (code, err) = onair(&["build".as_ref(), root.as_os_str()]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("error[episode-vanished]: Episode 5: this published episode (guid \"big-5\") is not in the new feed; apps will remove it"),
        "{err}"
    );
}
