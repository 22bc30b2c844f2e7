//! Timestamp lines in show notes: kept as lines and linked to their time, on the episode page
//! and in the feed's content:encoded (read back with an XML parser).

use std::path::Path;
use std::process::Command;

use quick_xml::events::Event;

/// The text of every `<content:encoded>` in a feed.
fn content_encoded(feed: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(feed);
    let (mut inside, mut found) = (false, Vec::new());
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) if e.name().as_ref() == "content:encoded" => {
                inside = true;
                found.push(String::new());
            }
            Event::End(e) if e.name().as_ref() == "content:encoded" => inside = false,
            Event::CData(t) if inside => found.last_mut().unwrap().push_str(&t.xml10_content()),
            Event::Text(t) if inside => found.last_mut().unwrap().push_str(&t.xml10_content()),
            Event::Eof => break,
            _ => {}
        }
    }
    found
}

fn run(args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_onair"))
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{args:?}: {stderr}");
    stderr
}

#[test]
fn timestamp_lines_are_lines_that_play_from_their_time() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("show");
    run(&["init".as_ref(), site.as_os_str()]);
    let episode = std::fs::read_dir(site.join("episodes"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .next()
        .unwrap();
    let text = std::fs::read_to_string(&episode).unwrap();
    let front_end = text.match_indices("---\n").nth(1).unwrap().0 + 4;
    let notes = "In this one:\n00:00 - Welcome\n00:03 - What to do next\n";
    std::fs::write(&episode, format!("{}{notes}", &text[..front_end])).unwrap();
    let out = dir.path().join("public");
    run(&[
        "build".as_ref(),
        site.as_os_str(),
        "--output".as_ref(),
        out.as_os_str(),
    ]);

    let feed = std::fs::read_to_string(out.join("feed.xml")).unwrap();
    let encoded = content_encoded(&feed);
    assert_eq!(encoded.len(), 1, "{feed}");
    let page_url = "https://podcast.example.com/episodes/welcome/";
    assert_eq!(
        encoded[0].trim(),
        format!(
            "<p>In this one:<br />\n<a href=\"{page_url}#t=0\">00:00</a> - Welcome<br />\n\
             <a href=\"{page_url}#t=3\">00:03</a> - What to do next</p>"
        )
    );
    let page = std::fs::read_to_string(out.join("episodes/welcome/index.html")).unwrap();
    assert!(
        page.contains(
            "<a href=\"#t=0\">00:00</a> - Welcome<br />\n<a href=\"#t=3\">00:03</a> - What to do next"
        ),
        "{page}"
    );
    // The player seeks on any `#t=` link of the page, the chapter list's and these alike.
    let script = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/onair.js"),
    )
    .unwrap();
    assert!(script.contains("a[href^='#t=']"));
    // The same lines are still the episode's chapters.
    assert!(page.contains("data-t=\"3\" data-chapter"), "{page}");
}
