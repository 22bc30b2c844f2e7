//! Helpers shared by the `new episode`, `init` and episode-add.sh tests: they run the real
//! onair binary on sites made in temporary folders.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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
