//! Networks (several shows in one site): the example site converted into one show of a
//! three-show network (scripts/make-example-network.sh) keeps every feed item and page byte
//! for byte; the network's feeds parse back and point at each other; located errors for the
//! mistakes a network invites, with nothing published.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod site_support;
use site_support::{copy_site, example_network, files_under, onair};

/// The example network in a temp dir.
fn network() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("net");
    example_network(&root);
    (tmp, root)
}

fn build(root: &Path) -> (i32, String) {
    let (code, _, err) = onair(&["build", root.to_str().unwrap()]);
    (code, err.replace(&format!("{}/", root.display()), ""))
}

fn read(root: &Path, key: &str) -> String {
    std::fs::read_to_string(root.join("public").join(key))
        .unwrap_or_else(|e| panic!("public/{key}: {e}"))
}

fn items(feed: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = feed;
    while let Some(start) = rest.find("<item>") {
        let end = rest[start..].find("</item>").unwrap() + start + "</item>".len();
        out.push(rest[start..end].to_string());
        rest = &rest[end..];
    }
    out
}

/// Text of every `<tag ...>` start tag's `attr` in `xml` (simple, for our own output).
fn attrs(xml: &str, tag: &str, attr: &str) -> Vec<String> {
    let doc = elements(xml);
    doc.into_iter()
        .filter(|(name, _)| name == tag)
        .filter_map(|(_, a)| a.get(attr).cloned())
        .collect()
}

/// (element name, attributes) of every element, read back with quick-xml.
fn elements(xml: &str) -> Vec<(String, BTreeMap<String, String>)> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.name().as_ref().to_string();
                let attrs = e
                    .attributes()
                    .map(|a| {
                        let a = a.unwrap();
                        (
                            a.key.as_ref().to_string(),
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .unwrap()
                                .into_owned(),
                        )
                    })
                    .collect();
                out.push((name, attrs));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

fn text_of(xml: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(s) = rest.find(&open) {
        let from = s + open.len();
        let e = rest[from..].find(&close).unwrap() + from;
        out.push(rest[from..e].to_string());
        rest = &rest[e..];
    }
    out
}

#[test]
fn the_example_site_becomes_a_show_without_changing_an_item_or_a_page() {
    let (_tmp, net) = network();
    let (code, err) = build(&net);
    assert_eq!(code, 0, "{err}");
    let (_ex_tmp, example) = copy_site(&Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site"));
    let (code, err) = build(&example);
    assert_eq!(code, 0, "{err}");

    // The feed: the same items, byte for byte (GUIDs, enclosure URLs, dates, notes).
    let before = read(&example, "feed.xml");
    let after = read(&net, "feed.xml");
    assert_eq!(items(&before).len(), 5);
    assert_eq!(items(&before), items(&after));
    assert_eq!(
        text_of(&before, "podcast:guid"),
        text_of(&after, "podcast:guid"),
        "the show's podcast:guid stays"
    );
    // Every page, asset and audio file of the single-show site is published unchanged, but
    // for the link to the network's shows page in each page's menu; the feed gains the
    // network's links and robots.txt every show's sitemap.
    let single = files_under(&example.join("public"));
    let networked = files_under(&net.join("public"));
    let shows_link = "\n        <li><a href=\"/shows/\">Shows</a></li>";
    for (key, bytes) in &single {
        if key == "feed.xml" || key == "robots.txt" {
            continue;
        }
        let after = networked
            .get(key)
            .unwrap_or_else(|| panic!("{key} is missing"));
        if key.ends_with(".html") {
            let after = String::from_utf8_lossy(after);
            assert!(after.contains(shows_link), "{key} links the shows page");
            assert_eq!(
                after.replacen(shows_link, "", 1),
                String::from_utf8_lossy(bytes),
                "{key}"
            );
        } else {
            assert!(after == bytes, "{key} changed");
        }
    }
}

#[test]
fn each_show_has_its_own_feed_and_the_network_links_them() {
    let (_tmp, net) = network();
    let (code, err) = build(&net);
    assert_eq!(code, 0, "{err}");
    let shows = [
        ("feed.xml", "https://onair.example.com/feed.xml", 5),
        (
            "solder-club/feed.xml",
            "https://onair.example.com/solder-club/feed.xml",
            2,
        ),
        (
            "night-shift/feed.xml",
            "https://onair.example.com/night-shift/feed.xml",
            2,
        ),
    ];
    let publisher = read(&net, "shows/publisher.xml");
    assert_eq!(text_of(&publisher, "podcast:medium"), ["publisher"]);
    let publisher_guid = text_of(&publisher, "podcast:guid").remove(0);
    let listed = attrs(&publisher, "podcast:remoteItem", "feedUrl");
    let mut guids = BTreeMap::new();
    for (key, url, count) in shows {
        let feed = read(&net, key);
        assert_eq!(items(&feed).len(), count, "{key}");
        let self_url = attrs(&feed, "atom:link", "href");
        assert_eq!(self_url[0], url, "{key}");
        assert!(listed.contains(&url.to_string()), "publisher lists {url}");
        // Its publisher, and the other two shows in its podroll.
        let items = elements(&feed);
        let remote: Vec<&BTreeMap<String, String>> = items
            .iter()
            .filter(|(n, _)| n == "podcast:remoteItem")
            .map(|(_, a)| a)
            .collect();
        assert_eq!(remote.len(), 3, "{key}: publisher + two in the podroll");
        assert_eq!(remote[0]["feedGuid"], publisher_guid);
        assert_eq!(remote[0]["medium"], "publisher");
        assert!(remote[1..].iter().all(|r| r["feedUrl"] != url));
        guids.insert(url.to_string(), text_of(&feed, "podcast:guid").remove(0));
    }
    // The publisher's remote items carry each show's own podcast:guid.
    for (name, a) in elements(&publisher) {
        if name == "podcast:remoteItem" {
            assert_eq!(guids[&a["feedUrl"]], a["feedGuid"]);
        }
    }
    // The combined feed: every show's episodes, newest first, each naming its show.
    let all = read(&net, "shows/feed.xml");
    let all_items = items(&all);
    assert_eq!(all_items.len(), 9);
    let sources = attrs(&all, "source", "url");
    assert_eq!(sources.len(), 9);
    for (_, url, count) in shows {
        assert_eq!(sources.iter().filter(|s| *s == url).count(), count);
    }
    let dates: Vec<jiff::Timestamp> = text_of(&all, "pubDate")
        .iter()
        .map(|d| jiff::fmt::rfc2822::parse(d).unwrap().timestamp())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first");
    // Its GUIDs are the shows' GUIDs.
    let mut show_guids: Vec<String> = shows
        .iter()
        .flat_map(|(key, _, _)| text_of(&read(&net, key), "guid"))
        .collect();
    let mut combined: Vec<String> = text_of(&all, "guid");
    show_guids.sort();
    combined.sort();
    assert_eq!(show_guids, combined);
    // The lock keeps each show's entries under its folder.
    let lock = std::fs::read_to_string(net.join("onair.lock")).unwrap();
    assert!(lock.contains("\"shows/solder-club/audio/solder-01.mp3\""));
    assert!(!lock.contains("\"audio/"), "{lock}");
    // Pages: the shows page, a show under its name, people across shows.
    let page = read(&net, "shows/index.html");
    for title in ["Tin Can Radio", "Solder Club", "Night Shift"] {
        assert!(page.contains(title), "{title}");
    }
    assert!(page.contains("href=\"/solder-club/\""));
    let rosa = read(&net, "shows/people/rosa-lindqvist/index.html");
    for episode in [
        "Your First Solder Joint",
        "The Last Tram",
        "Two Cans and a String",
    ] {
        assert!(rosa.contains(episode), "{episode}");
    }
    assert!(
        read(&net, "solder-club/episodes/first-joint/index.html")
            .contains("/solder-club/audio/solder-01.mp3")
    );
    let (code, out, err) = onair(&["check", net.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn without_a_show_at_the_root_the_shows_page_is_the_home_page() {
    let (_tmp, net) = network();
    let show_yaml = net.join("shows/tin-can-radio/show.yaml");
    let text = std::fs::read_to_string(&show_yaml).unwrap();
    // Its own `url:` (the example site's) goes too: the show now lives under /tin-can-radio/.
    let text = text
        .replace("path: /", "")
        .replace("url: https://onair.example.com\n", "");
    std::fs::write(&show_yaml, text).unwrap();
    let (code, err) = build(&net);
    assert_eq!(code, 0, "{err}");
    assert!(!net.join("public/feed.xml").exists());
    // The shows page twice: at / and at /shows/ (its canonical URL tells them apart).
    let home = read(&net, "index.html");
    assert_eq!(
        home.replace(
            "https://onair.example.com/\"",
            "https://onair.example.com/shows/\""
        ),
        read(&net, "shows/index.html").replace(" aria-current=\"page\"", "")
    );
    assert!(home.contains("href=\"/tin-can-radio/\""));
    assert!(
        !home.contains("href=\"/episodes/\""),
        "no episode list at the root"
    );
    assert!(read(&net, "tin-can-radio/feed.xml").contains("tin-can-radio-001"));
    assert!(net.join("public/404.html").is_file());
    let (code, out, err) = onair(&["check", net.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
}

/// Builds the network after `edit`; returns the exit code and the messages, and checks that
/// nothing was published.
fn broken(edit: impl FnOnce(&Path)) -> (i32, String) {
    let (_tmp, net) = network();
    edit(&net);
    let (code, err) = build(&net);
    assert!(
        !net.join("public").exists(),
        "a failed build publishes nothing"
    );
    (code, err)
}

fn append(path: &Path, text: &str) {
    let old = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, format!("{old}{text}")).unwrap();
}

#[test]
fn a_show_folder_without_show_yaml_and_two_folders_with_one_slug() {
    let (code, err) = broken(|net| {
        std::fs::create_dir_all(net.join("shows/drafts/episodes")).unwrap();
        site_support::copy_tree(
            &net.join("shows/night-shift"),
            &net.join("shows/Night Shift"),
            &[],
        );
    });
    assert_eq!(code, 1);
    assert_eq!(
        err.lines().collect::<Vec<_>>(),
        [
            "shows/drafts: error: the show folder has no show.yaml: every folder in shows/ is a show and needs its settings (title, description, image, categories, ...)",
            "shows/night-shift: error: shows `Night Shift` and `night-shift` would both be published at /night-shift/: rename one folder",
            "build failed: 2 error(s), 0 warning(s); nothing was published",
        ]
    );
}

#[test]
fn an_episode_cannot_play_another_shows_audio() {
    let (code, err) = broken(|net| {
        let ep = net.join("shows/night-shift/episodes/2026-01-09-the-lighthouse.md");
        let text = std::fs::read_to_string(&ep).unwrap();
        std::fs::write(
            &ep,
            text.replace(
                "audio: audio/night-01.mp3",
                "audio: ../solder-club/audio/solder-01.mp3",
            ),
        )
        .unwrap();
    });
    assert_eq!(code, 1);
    assert!(
        err.starts_with("shows/night-shift/episodes/2026-01-09-the-lighthouse.md:4: error: the audio path `../solder-club/audio/solder-01.mp3` leaves the show's folder shows/night-shift: an episode plays audio of its own show only; copy the file into shows/night-shift/audio/"),
        "{err}"
    );
}

#[test]
fn two_shows_with_one_feed_url_or_both_at_the_root_or_a_reserved_name() {
    let (code, err) = broken(|net| {
        append(
            &net.join("shows/solder-club/show.yaml"),
            "url: https://onair.example.com\n",
        );
    });
    assert_eq!(code, 1);
    assert!(
        err.starts_with("shows/solder-club/show.yaml:6: error: `url: https://onair.example.com`: under the site's url this show is published at https://onair.example.com/solder-club (the site's url, then /solder-club/, or the root with `path: /`), so its feed would not be at https://onair.example.com/feed.xml, which is shows/tin-can-radio's feed; remove `url:` from show.yaml (or give the show's own domain)"),
        "{err}"
    );
    let (code, err) = broken(|net| {
        append(&net.join("shows/solder-club/show.yaml"), "path: /\n");
    });
    assert_eq!(code, 1);
    assert!(
        err.contains("shows/tin-can-radio/show.yaml:19: error: `path: /` is also set by shows/solder-club/show.yaml: only one show can keep the site's root URLs"),
        "{err}"
    );
    let (code, err) = broken(|net| {
        std::fs::rename(net.join("shows/night-shift"), net.join("shows/tags")).unwrap();
    });
    assert_eq!(code, 1);
    assert!(
        err.starts_with("shows/tags: error: a show cannot be called `tags`: /tags/ is one of the site's own paths"),
        "{err}"
    );
    let (code, err) = broken(|net| {
        append(&net.join("shows/night-shift/show.yaml"), "path: /night/\n");
    });
    assert_eq!(code, 1);
    assert!(
        err.contains("shows/night-shift/show.yaml:6: error: `path: /night/`: a show lives under /<its folder name>/"),
        "{err}"
    );
}

#[test]
fn a_show_on_its_own_domain_keeps_its_urls() {
    let (_tmp, net) = network();
    append(
        &net.join("shows/solder-club/show.yaml"),
        "url: https://solder.example.net\n",
    );
    let (code, err) = build(&net);
    assert_eq!(code, 0, "{err}");
    let feed = read(&net, "solder-club/feed.xml");
    assert!(feed.contains("<enclosure url=\"https://solder.example.net/audio/solder-01.mp3\""));
    assert!(
        read(&net, "shows/feed.xml")
            .contains("<source url=\"https://solder.example.net/feed.xml\">")
    );
    let (code, out, err) = onair(&["check", net.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn an_inherited_setting_is_reported_where_it_is_written() {
    let (code, err) = broken(|net| {
        let site = net.join("site.yaml");
        let text = std::fs::read_to_string(&site).unwrap();
        std::fs::write(
            &site,
            text.replace("timezone: Europe/Stockholm", "timezone: Mars/Olympus"),
        )
        .unwrap();
    });
    assert_eq!(code, 1);
    // Two shows inherit it (the third sets its own): it is reported once, at site.yaml's line.
    let at_site: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("site.yaml:9: error: `timezone: Mars/Olympus`"))
        .collect();
    assert_eq!(at_site.len(), 1, "{err}");
}

#[test]
fn a_mistake_in_site_yaml_does_not_hide_the_shows_episode_errors() {
    let (code, err) = broken(|net| {
        append(&net.join("site.yaml"), "colour: blue\n");
        let ep = net.join("shows/night-shift/episodes/2026-01-09-the-lighthouse.md");
        let text = std::fs::read_to_string(&ep).unwrap();
        std::fs::write(&ep, text.replacen("---\n", "---\ndraft: yes\n", 1)).unwrap();
    });
    assert_eq!(code, 1);
    assert!(err.contains("site.yaml:"), "{err}");
    assert!(err.contains("`colour`"), "{err}");
    assert!(
        err.lines().any(|l| l
            .starts_with("shows/night-shift/episodes/2026-01-09-the-lighthouse.md:2:")
            && l.contains("must be true or false")),
        "{err}"
    );
}
