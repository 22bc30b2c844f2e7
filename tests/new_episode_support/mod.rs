//! Helpers shared by the `new episode`, `init` and episode-add.sh tests: they run the real
//! onair binary on sites made in temporary folders.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[path = "../site_support/mod.rs"]
mod site_support;

/// The scaffold's five seconds of speech: real, probe-able MP3 (CBR, 44.1 kHz mono).
pub const SPEECH_MP3: &[u8] = include_bytes!("../../src/scaffold/audio/welcome.mp3");

pub fn onair_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_onair"))
}

pub fn onair(args: &[&str]) -> Output {
    Command::new(onair_bin())
        .args(args)
        .output()
        .expect("onair runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `onair init` into `dir`, asserting it worked.
pub fn init_site(dir: &Path) {
    let out = Command::new(onair_bin())
        .arg("init")
        .arg(dir)
        .output()
        .expect("onair runs");
    assert!(out.status.success(), "init failed: {}", stderr(&out));
}

/// Replaces a `key: value` line of site.yaml.
pub fn set_site_key(site: &Path, key: &str, value: &str) {
    let path = site.join("site.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let prefix = format!("{key}:");
    let mut found = false;
    let lines: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with(&prefix) {
                found = true;
                format!("{key}: {value}")
            } else {
                l.to_string()
            }
        })
        .collect();
    assert!(found, "site.yaml has no `{key}:`");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
}

/// The files under `dir`, relative, sorted: to show that a failed command left nothing.
pub fn tree(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    out.sort();
    out
}

/// The front matter of an episode file as YAML.
pub fn front_matter(path: &Path) -> serde_yaml::Mapping {
    let text = std::fs::read_to_string(path).unwrap();
    let rest = text.strip_prefix("---\n").expect("opens with ---");
    let end = rest.find("\n---\n").expect("closes with ---");
    serde_yaml::from_str(&rest[..end]).unwrap()
}

pub fn get_str<'a>(m: &'a serde_yaml::Mapping, key: &str) -> &'a str {
    m.get(key)
        .and_then(|v| v.as_str())
        .unwrap_or_else(|| panic!("no string `{key}` in {m:?}"))
}

pub fn get_u64(m: &serde_yaml::Mapping, key: &str) -> u64 {
    m.get(key)
        .and_then(|v| v.as_u64())
        .unwrap_or_else(|| panic!("no number `{key}` in {m:?}"))
}

/// Seeds from the shared folder, as PROTOCOL.md says to find them.
pub fn seeds_dir() -> PathBuf {
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    if beside.is_dir() {
        beside
    } else {
        PathBuf::from("/work/shared/seeds")
    }
}

/// Each `<item>` of a feed read back with an XML parser: every child element's text by tag
/// name, and attributes as `tag@name` (`enclosure@length`).
pub fn feed_items(xml: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut items = Vec::new();
    let mut item: Option<std::collections::BTreeMap<String, String>> = None;
    let mut current: Option<String> = None;
    loop {
        let event = reader.read_event().expect("the feed is well-formed XML");
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.name().as_ref().to_string();
                if name == "item" {
                    item = Some(Default::default());
                } else if let Some(fields) = item.as_mut() {
                    for a in e.attributes() {
                        let a = a.expect("well-formed attribute");
                        let value = a
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .expect("valid escapes")
                            .into_owned();
                        fields.insert(format!("{name}@{}", a.key.as_ref()), value);
                    }
                    if matches!(event, Event::Start(_)) {
                        current = Some(name);
                    }
                }
            }
            Event::Text(t) => {
                if let (Some(fields), Some(name)) = (item.as_mut(), &current) {
                    fields
                        .entry(name.clone())
                        .or_default()
                        .push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let (Some(fields), Some(name)) = (item.as_mut(), &current) {
                    fields.entry(name.clone()).or_default().push_str(t);
                }
            }
            Event::GeneralRef(r) => {
                if let (Some(fields), Some(name)) = (item.as_mut(), &current) {
                    let text = match r.resolve_char_ref().expect("valid character reference") {
                        Some(c) => c.to_string(),
                        None => match &*r.xml10_content() {
                            "amp" => "&".to_string(),
                            "lt" => "<".to_string(),
                            "gt" => ">".to_string(),
                            "quot" => "\"".to_string(),
                            "apos" => "'".to_string(),
                            other => panic!("undefined entity &{other};"),
                        },
                    };
                    fields.entry(name.clone()).or_default().push_str(&text);
                }
            }
            Event::End(e) => {
                if e.name().as_ref() == "item" {
                    items.extend(item.take());
                }
                current = None;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    items
}

/// The three-show example network (scripts/make-example-network.sh) in `out`.
#[allow(unused_imports)]
pub use site_support::example_network;

/// Warnings these tests expect of a fresh episode: `new episode` leaves the notes and the
/// summary to the podcaster, and the tests' speech is `onair init`'s sample audio.
const EXPECTED_WARNINGS: [&str; 2] = [
    "warning: no `summary:` and no show notes: apps show this episode with an empty description",
    "warning: this is the sample episode `onair init` wrote",
];

/// `onair build` and `onair check` on the site both pass with nothing to report but the
/// warnings every fresh episode of these tests gives (EXPECTED_WARNINGS).
pub fn builds_and_checks_clean(site: &Path) {
    let built = onair(&["build", site.to_str().unwrap()]);
    assert!(built.status.success(), "build: {}", stderr(&built));
    let checked = onair(&["check", site.to_str().unwrap()]);
    assert_eq!(
        checked.status.code(),
        Some(0),
        "check: {}",
        stdout(&checked)
    );
    let others: Vec<String> = stderr(&checked)
        .lines()
        .filter(|l| l.contains(": warning") || l.contains(": error"))
        .filter(|l| !EXPECTED_WARNINGS.iter().any(|w| l.contains(w)))
        .map(str::to_string)
        .collect();
    assert!(
        others.is_empty()
            && (stdout(&checked).contains("ok (no errors, no warnings)")
                || stderr(&checked).contains(": 0 errors,")),
        "check: {}{}",
        stdout(&checked),
        stderr(&checked)
    );
}
