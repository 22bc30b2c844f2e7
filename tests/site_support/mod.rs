//! Copies of fixture and example sites in temporary folders, for the tests that build them.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A fixture site of tests/fixtures/sites.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sites")
        .join(name)
}

/// Copies the tree at `from` into `to`, leaving out the entries at its top named in `skip`
/// (`public`, `.onair`: what building the original left there).
pub fn copy_tree(from: &Path, to: &Path, skip: &[&str]) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        if skip.iter().any(|s| rel.starts_with(s)) {
            continue;
        }
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// A fresh copy of the site at `from`, as `<temporary folder>/site`.
pub fn copy_site(from: &Path) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_tree(from, &root, &[]);
    (tmp, root)
}

/// The three-show example network (scripts/make-example-network.sh) in `out`, which must not
/// exist: shows/tin-can-radio (the example site, `path: /`), shows/solder-club and
/// shows/night-shift.
pub fn example_network(out: &Path) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/make-example-network.sh");
    let made = std::process::Command::new("bash")
        .arg(script)
        .arg(out)
        .output()
        .expect("bash runs");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
}

/// Every file under `dir` with its bytes, keyed by its `/`-separated path below `dir`.
pub fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            (
                rel.to_string_lossy().replace('\\', "/"),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// Runs the onair binary: (exit code, stdout, stderr).
pub fn onair(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_onair"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Publishes the site at `root` with `onair deploy` to a fresh folder (which it returns): what
/// the publish-safety checks compare later builds with.
pub fn publish(root: &Path, extra: &[&str]) -> (tempfile::TempDir, std::process::Output) {
    let target = tempfile::tempdir().unwrap();
    let to = format!("file://{}", target.path().display());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_onair"))
        .args(["deploy", "--to", &to])
        .args(extra)
        .arg(root)
        .output()
        .unwrap();
    (target, out)
}
