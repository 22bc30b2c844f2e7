//! The lock file's fast path and the build's audio resolution: unchanged audio is not re-read,
//! absent-but-locked audio resolves, `--locked` fails naming the file, escapes are refused.

use std::path::{Path, PathBuf};

use onair::audio::AudioFormat;
use onair::lock::{Lock, LockedAudio};
use onair::lock::{resolve_local, resolve_remote};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/audio")
        .join(name)
}

/// A site folder with audio/ep1.mp3.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("audio")).unwrap();
    std::fs::copy(
        fixture("mp3-cbr-info.mp3"),
        dir.path().join("audio/ep1.mp3"),
    )
    .unwrap();
    dir
}

#[test]
fn first_resolution_probes_and_returns_a_lock_entry() {
    let site = site();
    let r = resolve_local(site.path(), "audio/ep1.mp3", &Lock::new(), false).unwrap();
    assert_eq!(r.facts.format, AudioFormat::Mp3);
    assert!((r.facts.duration - 52000.0 / 44100.0).abs() < 1e-9);
    let entry = r.lock_entry.expect("probed audio comes with a lock entry");
    assert_eq!(entry.facts, r.facts);
    assert!(entry.mtime_ns.is_some());
    // A small file (at most 192 KiB) is keyed by all of its bytes, and no whole-file hash is
    // written any more.
    let path = site.path().join("audio/ep1.mp3");
    assert_eq!(
        onair::lock::resolve::sample_ranges(std::fs::metadata(&path).unwrap().len()),
        vec![0..5138]
    );
    assert_eq!(
        entry.sample.as_deref(),
        Some(onair::lock::resolve::sample_file(&path).unwrap().as_str())
    );
    assert_eq!(entry.blake3, None);
    assert!(r.warnings.is_empty());
}

fn locked_site() -> (tempfile::TempDir, Lock) {
    let site = site();
    let r = resolve_local(site.path(), "audio/ep1.mp3", &Lock::new(), false).unwrap();
    let mut lock = Lock::new();
    lock.audio
        .insert("audio/ep1.mp3".into(), r.lock_entry.unwrap());
    lock.save(site.path()).unwrap();
    let loaded = Lock::load(site.path()).unwrap();
    (site, loaded)
}

#[test]
fn unchanged_audio_is_not_read_again() {
    let (site, mut lock) = locked_site();
    // Facts no probe would produce: if they come back, the file was not probed.
    let entry = lock.audio.get_mut("audio/ep1.mp3").unwrap();
    entry.facts.duration = 999.0;
    entry.facts.method = "from the lock".into();
    entry.blake3 = Some("not even a hash".into());
    let r = resolve_local(site.path(), "./audio/ep1.mp3", &lock, true).unwrap();
    assert_eq!(r.facts.duration, 999.0);
    assert_eq!(r.lock_key, "audio/ep1.mp3");
    assert!(r.lock_entry.is_none());
}

#[test]
fn a_touched_but_identical_file_is_confirmed_by_its_hash() {
    let (site, lock) = locked_site();
    let path = site.path().join("audio/ep1.mp3");
    let f = std::fs::File::options().write(true).open(&path).unwrap();
    f.set_modified(std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000))
        .unwrap();
    let r = resolve_local(site.path(), "audio/ep1.mp3", &lock, false).unwrap();
    assert_eq!(r.facts, lock.audio["audio/ep1.mp3"].facts);
    let refreshed = r
        .lock_entry
        .expect("the new mtime is recorded for the fast path");
    assert_eq!(refreshed.mtime_ns, Some(1_000_000_000_000_000));
    // Under --locked the hash still confirms it, and the lock is left alone.
    let r = resolve_local(site.path(), "audio/ep1.mp3", &lock, true).unwrap();
    assert!(r.lock_entry.is_none());
}

#[test]
fn changed_audio_is_reprobed_or_fails_under_locked() {
    let (site, lock) = locked_site();
    std::fs::copy(
        fixture("mp3-vbr-xing.mp3"),
        site.path().join("audio/ep1.mp3"),
    )
    .unwrap();
    let r = resolve_local(site.path(), "audio/ep1.mp3", &lock, false).unwrap();
    assert!((r.facts.duration - 60000.0 / 44100.0).abs() < 1e-9);
    assert!(r.lock_entry.is_some());

    let d = resolve_local(site.path(), "audio/ep1.mp3", &lock, true).unwrap_err();
    assert_eq!(d.path.as_deref(), Some(Path::new("audio/ep1.mp3")));
    assert_eq!(
        d.to_string(),
        "audio/ep1.mp3: error: the audio `audio/ep1.mp3` changed since onair.lock recorded it \
         (6339 bytes now, 5138 then); run `onair build` without --locked to re-probe it, then \
         commit onair.lock"
    );

    let d = resolve_local(site.path(), "audio/ep1.mp3", &Lock::new(), true).unwrap_err();
    assert!(
        d.message
            .starts_with("the audio `audio/ep1.mp3` is not recorded in onair.lock"),
        "{d}"
    );
}

#[test]
fn absent_but_locked_audio_resolves_from_the_lock() {
    let (site, lock) = locked_site();
    std::fs::remove_file(site.path().join("audio/ep1.mp3")).unwrap();
    for locked in [false, true] {
        let r = resolve_local(site.path(), "audio/ep1.mp3", &lock, locked).unwrap();
        assert_eq!(r.facts, lock.audio["audio/ep1.mp3"].facts);
        assert!(r.lock_entry.is_none());
    }
    let d = resolve_local(site.path(), "audio/ep2.mp3", &lock, false).unwrap_err();
    assert_eq!(d.path.as_deref(), Some(Path::new("audio/ep2.mp3")));
    assert!(
        d.message
            .starts_with("audio file not found: `audio/ep2.mp3`"),
        "{d}"
    );
}

#[test]
fn bad_audio_is_an_error_naming_the_file() {
    let site = site();
    std::fs::copy(fixture("truncated.mp3"), site.path().join("audio/cut.mp3")).unwrap();
    let d = resolve_local(site.path(), "audio/cut.mp3", &Lock::new(), false).unwrap_err();
    assert_eq!(d.path.as_deref(), Some(Path::new("audio/cut.mp3")));
    assert!(
        d.message.contains("truncated: the Info header promises"),
        "{d}"
    );
}

#[test]
fn paths_leaving_the_site_are_refused_unread() {
    let site = site();
    for bad in ["../../etc/passwd", "/etc/passwd", "audio/../../secret.mp3"] {
        let d = resolve_local(site.path(), bad, &Lock::new(), false).unwrap_err();
        assert!(d.message.contains("leaves the site folder"), "{bad}: {d}");
        assert_eq!(d.path.as_deref(), Some(Path::new(bad)));
    }
    #[cfg(unix)]
    {
        let outside = tempfile::tempdir().unwrap();
        std::fs::copy(fixture("mp3-cbr-info.mp3"), outside.path().join("x.mp3")).unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("x.mp3"),
            site.path().join("audio/link.mp3"),
        )
        .unwrap();
        let d = resolve_local(site.path(), "audio/link.mp3", &Lock::new(), false).unwrap_err();
        assert!(d.message.contains("leads outside the site folder"), "{d}");
        // A symlink that stays inside the site is fine.
        std::os::unix::fs::symlink("ep1.mp3", site.path().join("audio/alias.mp3")).unwrap();
        resolve_local(site.path(), "audio/alias.mp3", &Lock::new(), false).unwrap();
    }
}

#[test]
fn remote_audio_comes_from_the_lock_or_says_how_to_record_it() {
    let url = "https://cdn.example.com/ep1.mp3";
    let d = resolve_remote(url, &Lock::new(), false).unwrap_err();
    assert_eq!(
        d.to_string(),
        "https://cdn.example.com/ep1.mp3: error: onair.lock does not know this remote audio's \
         size and duration; run `onair probe --lock https://cdn.example.com/ep1.mp3` in the site \
         folder to record them (this needs network access once), then commit onair.lock"
    );
    let mut lock = Lock::new();
    let facts = onair::audio::probe_file(&fixture("m4a-moov-last.m4a")).unwrap();
    lock.audio.insert(
        url.into(),
        LockedAudio {
            mtime_ns: None,
            blake3: None,
            sample: None,
            facts: facts.clone(),
        },
    );
    let r = resolve_remote(url, &lock, false).unwrap();
    assert_eq!(r.facts, facts);
    assert!(r.lock_entry.is_none());
}

#[test]
fn the_lock_round_trips_audio_facts_exactly() {
    let (site, lock) = locked_site();
    let text = std::fs::read_to_string(site.path().join("onair.lock")).unwrap();
    assert!(text.contains("\"audio/ep1.mp3\""), "{text}");
    assert!(
        text.contains("\"method\": \"info header + lame tag\""),
        "{text}"
    );
    assert_eq!(Lock::load(site.path()).unwrap(), lock);
}

#[test]
fn an_entry_from_before_chapters_were_read_is_probed_again() {
    let (site, mut lock) = locked_site();
    std::fs::copy(
        fixture("chapters/chapters-id3v24.mp3"),
        site.path().join("audio/ep1.mp3"),
    )
    .unwrap();
    let fresh = resolve_local(site.path(), "audio/ep1.mp3", &Lock::new(), false).unwrap();
    let mut old = fresh.lock_entry.unwrap();
    assert_eq!(old.facts.chapters.as_ref().map(Vec::len), Some(3));
    // What an older onair wrote: the same facts, no `chapters` key.
    old.facts.chapters = None;
    let json = serde_json::to_string(&old).unwrap();
    assert!(!json.contains("chapters"), "{json}");
    lock.audio.insert("audio/ep1.mp3".into(), old);
    let r = resolve_local(site.path(), "audio/ep1.mp3", &lock, false).unwrap();
    assert_eq!(r.facts.chapters.as_ref().map(Vec::len), Some(3));
    assert!(r.lock_entry.is_some(), "the lock gets the chapters");
    // --locked never re-probes: the entry stands as it is.
    let r = resolve_local(site.path(), "audio/ep1.mp3", &lock, true).unwrap();
    assert_eq!(r.facts.chapters, None);
    // A file without chapters is recorded as read (an empty list), so it is not probed again.
    let (_site, lock) = locked_site();
    assert_eq!(lock.audio["audio/ep1.mp3"].facts.chapters, Some(Vec::new()));
}

#[test]
fn mtimes_live_in_the_onair_cache_and_the_lock_stays_content_only() {
    let (site, lock) = locked_site();
    let lock_text = std::fs::read_to_string(site.path().join("onair.lock")).unwrap();
    assert!(!lock_text.contains("mtime"), "{lock_text}");
    let stats = std::fs::read_to_string(site.path().join(".onair/audio-stats.json")).unwrap();
    assert!(
        stats.contains("\"audio/ep1.mp3\"") && stats.contains("\"mtime_ns\""),
        "{stats}"
    );
    // The cache gives the loaded lock its mtime back: the fast path is not lost.
    assert!(lock.audio["audio/ep1.mp3"].mtime_ns.is_some());

    // A fresh checkout: every mtime changes. The hash confirms the file; only the cache moves.
    let path = site.path().join("audio/ep1.mp3");
    let f = std::fs::File::options().write(true).open(&path).unwrap();
    f.set_modified(std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(2_000_000))
        .unwrap();
    let r = resolve_local(site.path(), "audio/ep1.mp3", &lock, false).unwrap();
    let mut updated = lock.clone();
    updated
        .audio
        .insert(r.lock_key.clone(), r.lock_entry.unwrap());
    updated.save(site.path()).unwrap();
    assert_eq!(
        std::fs::read_to_string(site.path().join("onair.lock")).unwrap(),
        lock_text,
        "the committed lock does not churn with mtimes"
    );
    let reloaded = Lock::load(site.path()).unwrap();
    assert_eq!(
        reloaded.audio["audio/ep1.mp3"].mtime_ns,
        Some(2_000_000_000_000_000)
    );

    // Without the cache (a clean clone) the lock still builds; the hash does the checking.
    std::fs::remove_dir_all(site.path().join(".onair")).unwrap();
    let bare = Lock::load(site.path()).unwrap();
    assert_eq!(bare.audio["audio/ep1.mp3"].mtime_ns, None);
    let r = resolve_local(site.path(), "audio/ep1.mp3", &bare, true).unwrap();
    assert_eq!(r.facts, lock.audio["audio/ep1.mp3"].facts);
}

#[test]
fn a_stale_cache_entry_is_not_trusted() {
    let (site, _) = locked_site();
    // The cache claims this mtime for other content: it must not lend it to the lock's entry.
    let stats_path = site.path().join(".onair/audio-stats.json");
    let stats = std::fs::read_to_string(&stats_path).unwrap();
    let lock = Lock::load(site.path()).unwrap();
    let hash = lock.audio["audio/ep1.mp3"].sample.clone().unwrap();
    std::fs::write(&stats_path, stats.replace(&hash, &"0".repeat(64))).unwrap();
    assert_eq!(
        Lock::load(site.path()).unwrap().audio["audio/ep1.mp3"].mtime_ns,
        None
    );
    // A damaged cache is ignored, not an error.
    std::fs::write(&stats_path, "{ not json").unwrap();
    assert!(Lock::load(site.path()).is_ok());
}

#[test]
fn an_older_lock_with_mtimes_is_read_and_rewritten_without_them() {
    let (site, lock) = locked_site();
    let entry = &lock.audio["audio/ep1.mp3"];
    let mtime = entry.mtime_ns.unwrap();
    std::fs::remove_dir_all(site.path().join(".onair")).unwrap();
    let text = std::fs::read_to_string(site.path().join("onair.lock")).unwrap();
    let legacy = text.replacen(
        "\"audio/ep1.mp3\": {",
        &format!("\"audio/ep1.mp3\": {{\n      \"mtime_ns\": {mtime},"),
        1,
    );
    std::fs::write(site.path().join("onair.lock"), &legacy).unwrap();
    let loaded = Lock::load(site.path()).unwrap();
    assert_eq!(loaded.audio["audio/ep1.mp3"].mtime_ns, Some(mtime));
    loaded.save(site.path()).unwrap();
    assert_eq!(
        std::fs::read_to_string(site.path().join("onair.lock")).unwrap(),
        text
    );
}

/// A 2 MB MP3 with no Xing/Info header (so probing walks every frame header): the CBR fixture
/// repeated, which is a valid stream of whole frames. Returns the site, the locked lock, and
/// the fixture's length (a frame header starts at every multiple of it).
fn long_locked_site() -> (tempfile::TempDir, Lock, u64) {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir(site.path().join("audio")).unwrap();
    let one = std::fs::read(fixture("mp3-cbr-noheader.mp3")).unwrap();
    assert_eq!(
        &one[..2],
        &[0xFF, 0xFB],
        "the fixture starts with a frame header"
    );
    let long: Vec<u8> = one.iter().copied().cycle().take(one.len() * 400).collect();
    std::fs::write(site.path().join("audio/long.mp3"), &long).unwrap();
    let r = resolve_local(site.path(), "audio/long.mp3", &Lock::new(), false).unwrap();
    assert_eq!(r.facts.method, "frame scan");
    let mut lock = Lock::new();
    lock.audio
        .insert("audio/long.mp3".into(), r.lock_entry.unwrap());
    lock.save(site.path()).unwrap();
    let loaded = Lock::load(site.path()).unwrap();
    (site, loaded, one.len() as u64)
}

/// Overwrites one byte of `path` at `offset` in place, keeping its size and setting its
/// modification time back to what it was.
fn edit_keeping_size_and_mtime(path: &Path, offset: u64, value: u8) {
    use std::os::unix::fs::FileExt;
    let meta = std::fs::metadata(path).unwrap();
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.write_all_at(&[value], offset).unwrap();
    f.set_modified(meta.modified().unwrap()).unwrap();
    drop(f);
    let after = std::fs::metadata(path).unwrap();
    assert_eq!(after.len(), meta.len());
    assert_eq!(after.modified().unwrap(), meta.modified().unwrap());
}

/// The lock as a build finds it with no `.onair/` cache (a clone, a new machine, or after the
/// file's size or mtime moved): every local file is probed and sampled again.
fn without_cache(site: &Path) -> Lock {
    std::fs::remove_dir_all(site.join(".onair")).unwrap();
    let lock = Lock::load(site).unwrap();
    assert!(lock.audio.values().all(|e| e.mtime_ns.is_none()));
    lock
}

/// An offset in the middle of a `size`-byte file, outside every sampled range, `delta` bytes
/// after a multiple of `frame_period`.
fn unsampled_offset(size: u64, frame_period: u64, delta: u64) -> u64 {
    let ranges = onair::lock::resolve::sample_ranges(size);
    let sampled = |o: u64| ranges.iter().any(|r| r.contains(&o));
    (size / 2 / frame_period..)
        .map(|k| k * frame_period + delta)
        .find(|&o| !sampled(o))
        .unwrap()
}

#[test]
fn a_long_file_is_keyed_by_a_bounded_sample() {
    let (site, lock, _) = long_locked_site();
    let path = site.path().join("audio/long.mp3");
    let size = std::fs::metadata(&path).unwrap().len();
    let ranges = onair::lock::resolve::sample_ranges(size);
    assert_eq!(ranges.len(), 18);
    assert_eq!(ranges[0], 0..64 * 1024);
    assert_eq!(ranges[17], size - 64 * 1024..size);
    let read: u64 = ranges.iter().map(|r| r.end - r.start).sum();
    assert_eq!(read, 192 * 1024);
    assert!(ranges.windows(2).all(|w| w[0].end <= w[1].start));
    assert!(lock.audio["audio/long.mp3"].sample.is_some());
}

#[test]
fn an_edit_in_the_middle_that_changes_a_frame_header_is_seen() {
    let (site, lock, period) = long_locked_site();
    let path = site.path().join("audio/long.mp3");
    let size = std::fs::metadata(&path).unwrap().len();
    let before = lock.audio["audio/long.mp3"].clone();
    // The sync byte of a frame header no sampled block covers.
    let offset = unsampled_offset(size, period, 0);
    edit_keeping_size_and_mtime(&path, offset, 0x00);
    let lock = without_cache(site.path());
    match resolve_local(site.path(), "audio/long.mp3", &lock, false) {
        Ok(r) => {
            let entry = r.lock_entry.expect("the edit is seen and the lock updated");
            assert_ne!(entry.facts, before.facts, "probing reads frame headers");
        }
        Err(d) => assert!(d.message.contains("audio/long.mp3"), "{d}"),
    }
    // Under --locked it fails instead.
    assert!(resolve_local(site.path(), "audio/long.mp3", &lock, true).is_err());
}

#[test]
fn an_edit_inside_a_sampled_block_is_seen_even_when_the_facts_stay() {
    let (site, lock, _) = long_locked_site();
    let path = site.path().join("audio/long.mp3");
    let size = std::fs::metadata(&path).unwrap().len();
    let before = lock.audio["audio/long.mp3"].clone();
    // A byte in the middle of the 8th sampled block (audio data or a header: either way the
    // sample changes).
    let block = &onair::lock::resolve::sample_ranges(size)[8];
    let offset = block.start + 2000;
    let old = std::fs::read(&path).unwrap()[offset as usize];
    edit_keeping_size_and_mtime(&path, offset, old ^ 0x01);
    let lock = without_cache(site.path());
    let r = resolve_local(site.path(), "audio/long.mp3", &lock, false).unwrap();
    let entry = r.lock_entry.expect("the changed sample is recorded");
    assert_ne!(entry.sample, before.sample);
    let d = resolve_local(site.path(), "audio/long.mp3", &lock, true).unwrap_err();
    assert!(d.message.contains("its content hash differs"), "{d}");
}

#[test]
fn an_unsampled_edit_that_probing_does_not_read_goes_unnoticed_and_publishes_the_same_facts() {
    // The documented boundary (docs/probing.md): a same-size edit of audio data that is neither
    // sampled nor read by probing keeps the lock entry. What the feed publishes from it (size,
    // duration, format, chapters) is exactly what probing the edited file gives.
    let (site, lock, period) = long_locked_site();
    let path = site.path().join("audio/long.mp3");
    let size = std::fs::metadata(&path).unwrap().len();
    let before = lock.audio["audio/long.mp3"].clone();
    // Main data, 60 bytes into a 104-byte frame (after its 4-byte header and 17-byte side
    // information), outside every sampled block.
    let offset = unsampled_offset(size, period, 60);
    let old = std::fs::read(&path).unwrap()[offset as usize];
    edit_keeping_size_and_mtime(&path, offset, old ^ 0xFF);
    let lock = without_cache(site.path());
    let r = resolve_local(site.path(), "audio/long.mp3", &lock, false).unwrap();
    assert_eq!(r.facts, before.facts);
    let entry = r
        .lock_entry
        .expect("the file's mtime is recorded for the fast path again");
    assert_eq!(
        (&entry.sample, &entry.facts),
        (&before.sample, &before.facts)
    );
    let fresh = onair::audio::probe_file(&path).unwrap();
    assert_eq!(
        r.facts, fresh,
        "a build from scratch would publish the same facts"
    );
    assert!(resolve_local(site.path(), "audio/long.mp3", &lock, true).is_ok());
}

#[test]
fn a_lock_with_whole_file_hashes_is_confirmed_by_probing_and_rewritten_with_samples() {
    let (site, lock) = locked_site();
    let path = site.path().join("audio/ep1.mp3");
    let bytes = std::fs::read(&path).unwrap();
    let whole = blake3::hash(&bytes).to_hex().to_string();
    let sample = lock.audio["audio/ep1.mp3"].sample.clone().unwrap();
    // What the onair before sampled keys wrote, with its version-1 stats cache.
    let text = std::fs::read_to_string(site.path().join("onair.lock")).unwrap();
    let legacy = text.replace(
        &format!("\"sample\": \"{sample}\""),
        &format!("\"blake3\": \"{whole}\""),
    );
    assert_ne!(legacy, text);
    std::fs::write(site.path().join("onair.lock"), &legacy).unwrap();
    let meta = std::fs::metadata(&path).unwrap();
    let mtime = meta
        .modified()
        .unwrap()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    std::fs::write(
        site.path().join(".onair/audio-stats.json"),
        format!(
            "{{\"version\": 1, \"files\": {{\"audio/ep1.mp3\": {{\"size\": {}, \
             \"mtime_ns\": {mtime}, \"blake3\": \"{whole}\"}}}}}}",
            meta.len()
        ),
    )
    .unwrap();
    let old = Lock::load(site.path()).unwrap();
    let entry = &old.audio["audio/ep1.mp3"];
    assert_eq!(entry.blake3.as_deref(), Some(whole.as_str()));
    assert_eq!((entry.sample.as_ref(), entry.mtime_ns), (None, None));
    // --locked: confirmed by probing, the lock left alone.
    let r = resolve_local(site.path(), "audio/ep1.mp3", &old, true).unwrap();
    assert_eq!(r.facts, entry.facts);
    assert!(r.lock_entry.is_none());
    // A plain build: confirmed, and rewritten with the sampled key, byte for byte what a new
    // lock holds.
    let r = resolve_local(site.path(), "audio/ep1.mp3", &old, false).unwrap();
    let mut updated = old.clone();
    updated.audio.insert(r.lock_key, r.lock_entry.unwrap());
    updated.save(site.path()).unwrap();
    assert_eq!(
        std::fs::read_to_string(site.path().join("onair.lock")).unwrap(),
        text
    );
    // A whole-file hash whose file changed is not confirmed.
    let mut changed = old.clone();
    changed
        .audio
        .get_mut("audio/ep1.mp3")
        .unwrap()
        .facts
        .duration += 1.0;
    let r = resolve_local(site.path(), "audio/ep1.mp3", &changed, false).unwrap();
    assert_eq!(r.facts, entry.facts);
    assert!(resolve_local(site.path(), "audio/ep1.mp3", &changed, true).is_err());
}

#[test]
fn with_the_cache_an_edit_keeping_size_and_mtime_is_not_seen() {
    // The other documented boundary (docs/probing.md): the fast path trusts size and mtime, as
    // make and cargo do, so a same-size edit that sets the mtime back is not read while
    // .onair/ says the file is unchanged.
    let (site, lock, period) = long_locked_site();
    let path = site.path().join("audio/long.mp3");
    let size = std::fs::metadata(&path).unwrap().len();
    let before = lock.audio["audio/long.mp3"].clone();
    edit_keeping_size_and_mtime(&path, unsampled_offset(size, period, 0), 0x00);
    let r = resolve_local(site.path(), "audio/long.mp3", &lock, false).unwrap();
    assert_eq!(r.facts, before.facts);
    assert!(r.lock_entry.is_none(), "the file was not read");
    // Touching it (any new mtime) or deleting .onair/ brings the edit to light.
    let lock = without_cache(site.path());
    match resolve_local(site.path(), "audio/long.mp3", &lock, false) {
        Ok(r) => assert_ne!(r.lock_entry.unwrap().facts, before.facts),
        Err(d) => assert!(d.message.contains("audio/long.mp3"), "{d}"),
    }
}
