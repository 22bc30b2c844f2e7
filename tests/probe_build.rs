//! The lock file through `onair build`: probed facts recorded, unchanged audio not re-read,
//! changed audio re-probed, or refused under `--locked` with the file named.

use std::path::Path;
use std::process::{Command, Output};

fn onair(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_onair"))
        .args(args)
        .output()
        .unwrap()
}

fn build(site: &Path, locked: bool) -> Output {
    let mut args: Vec<&std::ffi::OsStr> = vec!["build".as_ref()];
    if locked {
        args.push("--locked".as_ref());
    }
    args.push(site.as_os_str());
    onair(&args)
}

fn feed(site: &Path) -> String {
    std::fs::read_to_string(site.join("public/feed.xml")).unwrap()
}

#[test]
fn builds_record_reuse_and_refresh_audio_facts() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("show");
    let out = onair(&["init".as_ref(), site.as_os_str()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let audio = site.join("audio/welcome.mp3");
    let size = std::fs::metadata(&audio).unwrap().len();

    // First build: the audio is probed and recorded.
    let out = build(&site, false);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lock = onair::lock::Lock::load(&site).unwrap();
    let entry = &lock.audio["audio/welcome.mp3"];
    assert_eq!(entry.facts.size, size);
    assert_eq!(entry.facts, onair::audio::probe_file(&audio).unwrap());
    assert!(feed(&site).contains(&format!("length=\"{size}\" type=\"audio/mpeg\"")));

    // Unchanged audio is not read again: facts only the lock could give reach the feed.
    let mut lock = lock;
    lock.audio
        .get_mut("audio/welcome.mp3")
        .unwrap()
        .facts
        .duration = 3600.0;
    lock.save(&site).unwrap();
    let out = build(&site, true);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(feed(&site).contains("<itunes:duration>3600</itunes:duration>"));

    // Changed audio: --locked refuses, naming the file; a plain build re-probes it.
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audio/mp3-vbr-xing.mp3");
    std::fs::copy(&fixture, &audio).unwrap();
    // The new audio lasts 1.4 s: the sample's chapter at 0:03 would now fall past its end.
    for entry in std::fs::read_dir(site.join("episodes")).unwrap() {
        let path = entry.unwrap().path();
        let notes = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, notes.replace("00:03 - ", "00:01 - ")).unwrap();
    }
    let out = build(&site, true);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "the audio `audio/welcome.mp3` changed since onair.lock recorded it (6339 bytes now, \
             {size} then); run `onair build` without --locked to re-probe it, then commit onair.lock"
        )),
        "{stderr}"
    );
    let out = build(&site, false);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lock = onair::lock::Lock::load(&site).unwrap();
    assert_eq!(lock.audio["audio/welcome.mp3"].facts.size, 6339);
    assert_eq!(
        lock.audio["audio/welcome.mp3"].facts.method,
        "xing header + lame tag"
    );
    assert!(feed(&site).contains("length=\"6339\" type=\"audio/mpeg\""));
    assert!(feed(&site).contains("<itunes:duration>1</itunes:duration>"));
}
