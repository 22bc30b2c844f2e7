//! `onair probe`: human and JSON output, exit codes, and --lock for local files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/audio")
        .join(name)
}

fn onair(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_onair"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn prints_every_fact_and_fails_only_for_the_bad_file() {
    let good = fixture("mp3-cbr-info.mp3");
    let bad = fixture("truncated.mp3");
    let out = onair(&["probe".as_ref(), good.as_os_str(), bad.as_os_str()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let expected = format!(
        "{}\n  duration  1.179 s (0:00:01)\n  size      5138 bytes\n  type      audio/mpeg (mp3)\n  \
         audio     44100 Hz, 1 channel, 32 kb/s average\n  method    info header + lame tag\n",
        good.display()
    );
    assert_eq!(stdout, expected);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr,
        format!(
            "{}: error: truncated: the Info header promises 47 frames (5093 bytes) but the file \
             holds only 2455 bytes of audio\n",
            bad.display()
        )
    );
}

#[test]
fn json_lists_facts_and_errors() {
    let files = ["m4a-moov-last.m4a", "really-an-mp3.m4a", "text.mp3"].map(fixture);
    let mut args: Vec<&std::ffi::OsStr> = vec!["probe".as_ref(), "--json".as_ref()];
    args.extend(files.iter().map(|f| f.as_os_str()));
    let out = onair(&args);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let items = v.as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["mime"], "audio/x-m4a");
    assert_eq!(items[0]["samples"], 50000);
    assert_eq!(items[0]["duration"], 1.134);
    assert_eq!(items[0]["duration_hms"], "0:00:01");
    assert_eq!(items[0]["method"], "edit list");
    assert_eq!(items[0]["codec"], "aac");
    assert_eq!(items[0]["channels"], 1);
    assert_eq!(items[0]["sample_rate"], 44100);
    assert_eq!(items[0]["size"], 4374);
    assert_eq!(items[1]["format"], "mp3");
    let renamed = files[1].with_extension("mp3");
    assert_eq!(
        items[1]["warnings"][0].as_str().unwrap(),
        format!(
            "the file holds MP3 audio, but its name ends in .m4a; rename the file to {} \
             (podcast apps choose how to play a file by its extension)",
            renamed.display()
        )
    );
    assert!(
        items[2]["error"]
            .as_str()
            .unwrap()
            .starts_with("this is a text file")
    );
    assert_eq!(items[2]["file"], files[2].to_str().unwrap());
}

#[test]
fn no_files_is_a_usage_error() {
    assert_eq!(onair(&["probe".as_ref()]).status.code(), Some(2));
    assert_eq!(
        onair(&[
            "probe".as_ref(),
            "--site".as_ref(),
            ".".as_ref(),
            "x.mp3".as_ref()
        ])
        .status
        .code(),
        Some(2)
    );
}

#[test]
fn lock_records_local_files_by_site_relative_path() {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir(site.path().join("audio")).unwrap();
    let audio = site.path().join("audio/ep1.mp3");
    std::fs::copy(fixture("mp3-vbr-xing.mp3"), &audio).unwrap();
    let out = onair(&[
        "probe".as_ref(),
        "--lock".as_ref(),
        "--site".as_ref(),
        site.path().as_os_str(),
        audio.as_os_str(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lock = onair::lock::Lock::load(site.path()).unwrap();
    let entry = &lock.audio["audio/ep1.mp3"];
    assert_eq!(entry.facts.method, "xing header + lame tag");
    assert!(entry.sample.is_some() && entry.mtime_ns.is_some());
    // The build's fast path then takes it as is.
    let r = onair::lock::resolve_local(site.path(), "audio/ep1.mp3", &lock, true).unwrap();
    assert!(r.lock_entry.is_none());

    // A file outside the site cannot be recorded in its lock.
    let outside = fixture("mp3-cbr-info.mp3");
    let out = onair(&[
        "probe".as_ref(),
        "--lock".as_ref(),
        "--site".as_ref(),
        site.path().as_os_str(),
        outside.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("--lock records files inside the site folder")
    );
}

#[test]
fn lists_the_chapters_embedded_in_the_audio() {
    let file = fixture("chapters/chapters-id3v23.mp3");
    let out = onair(&["probe".as_ref(), file.as_os_str()]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.ends_with(
            "  chapters      0.000 s  Cold open\n                1.500 s  Café talk\n                3.250 s  Wrap-up\n"
        ),
        "{stdout}"
    );
    let file = fixture("chapters/chapters-track-only.m4a");
    let out = onair(&["probe".as_ref(), "--json".as_ref(), file.as_os_str()]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let item = if v.is_array() { &v[0] } else { &v };
    assert_eq!(item["chapters"][1]["title"], "Café talk");
    assert_eq!(item["chapters"][2]["start"], 3.25);
    // Audio without chapters gives an empty list.
    let file = fixture("mp3-cbr-info.mp3");
    let out = onair(&["probe".as_ref(), "--json".as_ref(), file.as_os_str()]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let item = if v.is_array() { &v[0] } else { &v };
    assert_eq!(item["chapters"], serde_json::json!([]));
}

#[test]
fn an_mp3_without_a_tag_says_why_its_length_is_not_sample_exact() {
    // LAME wrote no tag: one 48 kb/s frame at 22.05 kHz is too small to hold it.
    let untagged = fixture("mp3-mpeg2-lame-cbr-notag.mp3");
    let tagged = fixture("mp3-mpeg2-lame-cbr-mono.mp3");
    let out = onair(&["probe".as_ref(), untagged.as_os_str(), tagged.as_os_str()]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let notes: Vec<&str> = stdout.lines().filter(|l| l.starts_with("  note")).collect();
    assert_eq!(
        notes,
        [
            "  note      no Xing/Info/LAME tag: the length counts every stored frame, including \
          the encoder's delay and padding (up to about 78 ms here), which only such a tag \
          records; encode with one (LAME VBR, or CBR at a bitrate whose frame holds it, or \
          ffmpeg) for a sample-exact length"
        ],
        "{stdout}"
    );
    let out = onair(&["probe".as_ref(), "--json".as_ref(), tagged.as_os_str()]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["method"], "info header + lame tag");
    assert_eq!(v[0]["samples"], 20011);
    assert!(v[0]["note"].is_null());
}
