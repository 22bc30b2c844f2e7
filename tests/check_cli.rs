//! `onair check` from the command line: output, --json, --rules, --against, exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/feeds")
        .join(name)
}

fn onair(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_onair"))
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_passing_feed_exits_0() {
    let path = fixture("pass.xml");
    let out = onair(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).ends_with("pass.xml: ok (no errors, no warnings)\n"));
}

#[test]
fn errors_print_rustc_style_and_exit_1() {
    let path = fixture("enclosure-length.xml");
    let arg = path.to_str().unwrap();
    let out = onair(&["check", arg]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert_eq!(
        stderr,
        format!(
            "{arg}:41:61: error[enclosure-length]: The Bakery at 3 AM: length is 0; give the file's size in bytes (apps read 0 as unknown)\n{arg}: 1 error, 0 warnings\n"
        )
    );
}

#[test]
fn warnings_alone_exit_0() {
    let path = fixture("item-link.xml");
    let out = onair(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stderr).contains("warning[item-link]"));
}

#[test]
fn json_output() {
    let path = fixture("guid-unique.xml");
    let out = onair(&["check", "--json", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["errors"], 1);
    assert_eq!(v["warnings"], 0);
    assert_eq!(v["diagnostics"][0]["rule"], "guid-unique");
    assert_eq!(v["diagnostics"][0]["line"], 58);
    assert_eq!(v["diagnostics"][0]["col"], 33);
    // The episodes as the feed states them, for tools such as scripts/check-clients.sh.
    let episodes = v["episodes"].as_array().unwrap();
    assert_eq!(episodes.len(), 3);
    assert_eq!(
        episodes[2],
        serde_json::json!({
            "guid": "https://example.com/episodes/nurses/",
            "url": "https://example.com/audio/nurses.mp3",
            "length": 30212096,
            "type": "audio/mpeg",
            "duration": 1888,
        })
    );
}

#[test]
fn against_an_old_feed() {
    let dir = tempfile::tempdir().unwrap();
    let old = std::fs::read_to_string(fixture("pass.xml")).unwrap();
    let new = old.replace("0b7e2c1a-6a49-4a4e-8d1e-3f7e0c5b9a01", "bakery");
    let (old_path, new_path) = (dir.path().join("old.xml"), dir.path().join("new.xml"));
    std::fs::write(&old_path, &old).unwrap();
    std::fs::write(&new_path, &new).unwrap();
    let (o, n) = (old_path.to_str().unwrap(), new_path.to_str().unwrap());
    let out = onair(&["check", n, "--against", o]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("error[guid-changed]: The Bakery at 3 AM: the GUID changed")
    );
    let out = onair(&["check", n, "--against", o, "--allow-feed-changes"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stderr).contains("warning[guid-changed]"));
}

#[test]
fn rules_lists_every_rule() {
    let out = onair(&["check", "--rules"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    for rule in onair::check::RULES {
        assert!(stdout.contains(rule.id), "{} missing", rule.id);
    }
    let out = onair(&["check", "--rules", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["rules"].as_array().unwrap().len(),
        onair::check::RULES.len()
    );
    assert_eq!(v["rules"][0]["id"], "xml-well-formed");
}

#[test]
fn a_missing_file_is_a_usage_error() {
    let out = onair(&["check", "/nonexistent/feed.xml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).starts_with("error: cannot read /nonexistent/feed.xml"));
}

#[test]
fn non_utf8_feeds_are_reported_at_the_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.xml");
    std::fs::write(&path, b"<?xml version=\"1.0\"?>\n<rss><t>caf\xe9</t></rss>").unwrap();
    let out = onair(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains(":2:12: error[xml-encoding]: byte 0xE9 is not UTF-8"),
        "{}",
        text(&out.stderr)
    );
}
