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

/// The sample episode's file (relative to the site) and the line of its `audio:`.
fn sample_episode(site: &Path) -> (String, usize) {
    let entry = std::fs::read_dir(site.join("episodes"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "md"))
        .unwrap();
    let text = std::fs::read_to_string(&entry).unwrap();
    let line = text.lines().position(|l| l.starts_with("audio:")).unwrap() + 1;
    let name = entry.file_name().unwrap().to_string_lossy().into_owned();
    (format!("episodes/{name}"), line)
}

#[test]
fn audio_whose_name_lies_about_its_content_is_to_be_renamed() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("show");
    assert!(onair(&["init".as_ref(), site.as_os_str()]).status.success());
    let (episode, line) = sample_episode(&site);
    let expected = format!(
        "{episode}:{line}: error: the file holds MP4/M4A audio, but its name ends in .mp3; \
         rename audio/welcome.mp3 to audio/welcome.m4a and change `audio:` to match (podcast \
         apps choose how to play a file by its extension)"
    );

    // Probed: M4A content under the sample's .mp3 name.
    let original = std::fs::read(site.join("audio/welcome.mp3")).unwrap();
    let m4a = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audio/m4a-moov-first.m4a");
    std::fs::copy(&m4a, site.join("audio/welcome.mp3")).unwrap();
    let out = onair(&[
        "build".as_ref(),
        "--output".as_ref(),
        dir.path().join("out").as_os_str(),
        site.as_os_str(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let first = stderr.lines().next().unwrap();
    assert_eq!(
        first.replace(&format!("{}/", site.display()), ""),
        expected,
        "{stderr}"
    );
    assert!(
        !stderr.contains("audio/x-m4a") && !stderr.contains("use audio"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("holds MP4/M4A").count(), 1, "{stderr}");

    // From the lock, unread: the same error.
    std::fs::write(site.join("audio/welcome.mp3"), original).unwrap();
    assert!(build(&site, false).status.success());
    let mut lock = onair::lock::Lock::load(&site).unwrap();
    lock.audio
        .get_mut("audio/welcome.mp3")
        .unwrap()
        .facts
        .format = onair::audio::AudioFormat::M4a;
    lock.save(&site).unwrap();
    let out = build(&site, false);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let first = stderr.lines().next().unwrap();
    assert_eq!(
        first.replace(&format!("{}/", site.display()), ""),
        expected,
        "{stderr}"
    );
}

#[test]
fn new_episode_refuses_audio_whose_name_lies_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("show");
    assert!(onair(&["init".as_ref(), site.as_os_str()]).status.success());
    let mp3 = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audio/really-an-mp3.m4a");
    std::fs::copy(&mp3, site.join("audio/ep2.m4a")).unwrap();
    let before: Vec<_> = std::fs::read_dir(site.join("episodes")).unwrap().collect();
    let out = onair(&[
        "new".as_ref(),
        "episode".as_ref(),
        site.as_os_str(),
        "--audio".as_ref(),
        "audio/ep2.m4a".as_ref(),
        "--title".as_ref(),
        "Two".as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let audio = site.join("audio/ep2.m4a");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "{}: error: the file holds MP3 audio, but its name ends in .m4a; rename it to {} and \
             run this again (podcast apps choose how to play a file by its extension); nothing \
             was written\n",
            audio.display(),
            audio.with_extension("mp3").display()
        )
    );
    let after: Vec<_> = std::fs::read_dir(site.join("episodes")).unwrap().collect();
    assert_eq!(before.len(), after.len());
}
