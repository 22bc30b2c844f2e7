//! Audio facts for the build: from `onair.lock` when the file is unchanged (or absent, as on CI
//! or when the audio lives outside git), else probed, with the lock entry to record.

use std::path::{Component, Path};
use std::time::UNIX_EPOCH;

use super::{Lock, LockedAudio};
use crate::audio::AudioFacts;
use crate::diag::Diagnostic;

/// What the build needs to know about one episode's audio.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    pub facts: AudioFacts,
    /// Some when the audio was (re)probed or its lock entry changed: merge it into the lock
    /// under `lock_key`.
    pub lock_entry: Option<LockedAudio>,
    /// The key of this audio in `Lock::audio`: the normalised site-relative path
    /// (`./audio//a.mp3` -> `audio/a.mp3`), or the URL as given.
    pub lock_key: String,
    pub warnings: Vec<Diagnostic>,
}

/// The lock key of a site-relative audio path: `./audio//ep1.mp3` -> `audio/ep1.mp3`.
/// None for paths that leave the site folder (`..`, absolute paths).
pub fn lock_key(rel_path: &str) -> Option<String> {
    let path = Path::new(rel_path);
    let mut parts = Vec::new();
    for c in path.components() {
        match c {
            Component::Normal(p) => parts.push(p.to_str()?),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(parts.join("/"))
}

pub fn mtime_ns(meta: &std::fs::Metadata) -> Option<i128> {
    let t = meta.modified().ok()?;
    Some(match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    })
}

/// Bytes hashed whole at each end of a file by [`sample_file`].
pub const SAMPLE_END: u64 = 64 * 1024;
/// Blocks hashed between the two ends, and their size.
pub const SAMPLE_BLOCKS: u64 = 16;
pub const SAMPLE_BLOCK: u64 = 4 * 1024;

/// The byte ranges [`sample_file`] hashes in a file of `size` bytes, in order: the whole file
/// when it is at most 192 KiB, else the first and last 64 KiB and 16 blocks of 4 KiB evenly
/// spread between them (the first block right after the head, the last right before the
/// tail). Fixed by the size alone, so the same file always gives the same key.
pub fn sample_ranges(size: u64) -> Vec<std::ops::Range<u64>> {
    let whole = 2 * SAMPLE_END + SAMPLE_BLOCKS * SAMPLE_BLOCK;
    if size <= whole {
        return std::iter::once(0..size).collect();
    }
    let middle = size - 2 * SAMPLE_END;
    let step = (middle - SAMPLE_BLOCK) / (SAMPLE_BLOCKS - 1);
    let mut ranges = Vec::with_capacity(SAMPLE_BLOCKS as usize + 2);
    ranges.push(0..SAMPLE_END);
    for i in 0..SAMPLE_BLOCKS {
        let start = SAMPLE_END + i * step;
        ranges.push(start..start + SAMPLE_BLOCK);
    }
    ranges.push(size - SAMPLE_END..size);
    ranges
}

/// The lock's content key of a local file: blake3 (in its key-derivation mode, so it can never
/// equal a plain hash of the same bytes) of the file's size and of the [`sample_ranges`]. It
/// reads at most 192 KiB whatever the file's length. A same-size edit outside these ranges does
/// not change it; the build re-probes every file whose size or mtime moved, so such an edit can
/// only go unnoticed when it changes nothing probing reads either (docs/probing.md).
pub fn sample_file(path: &Path) -> std::io::Result<String> {
    use std::os::unix::fs::FileExt;
    let file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    let mut hasher = blake3::Hasher::new_derive_key("onair.lock sampled audio key v1");
    hasher.update(&size.to_le_bytes());
    let mut buf = vec![0u8; SAMPLE_END as usize];
    for range in sample_ranges(size) {
        let mut at = range.start;
        while at < range.end {
            let want = ((range.end - at) as usize).min(buf.len());
            let n = file.read_at(&mut buf[..want], at)?;
            if n == 0 {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "the file got shorter while it was read",
                ));
            }
            hasher.update(&buf[..n]);
            at += n as u64;
        }
    }
    Ok(hasher.finalize().to_hex().to_string())
}

/// Whether freshly probed facts are the ones a lock entry records. An entry written before
/// onair read chapters (`chapters` None) is compared without them.
fn same_facts(entry: &AudioFacts, probed: &AudioFacts) -> bool {
    match entry.chapters {
        Some(_) => entry == probed,
        None => {
            let mut probed = probed.clone();
            probed.chapters = None;
            *entry == probed
        }
    }
}

/// [`resolve_local`] for a build: a file whose name does not fit its content (an M4A named
/// `.mp3`) is an error that says to rename it, whether its facts came from the lock or a probe.
pub fn resolve_local_checked(
    site_root: &Path,
    rel_path: &str,
    lock: &Lock,
    locked: bool,
) -> Result<Resolved, Diagnostic> {
    let mut resolved = resolve_local(site_root, rel_path, lock, locked)?;
    let key = &resolved.lock_key;
    let format = resolved.facts.format;
    // The probe's own warning names the file it read; the build's error replaces it.
    let probe_warning = crate::audio::misnamed(&site_root.join(key).to_string_lossy(), format);
    resolved
        .warnings
        .retain(|w| Some(&w.message) != probe_warning.as_ref());
    match crate::audio::misnamed_problem(key, format) {
        Some(problem) => {
            let fitting = crate::audio::fitting_name(key, format);
            Err(Diagnostic::error(format!(
                "{problem}; rename {key} to {fitting} and change `audio:` to match ({})",
                crate::audio::MISNAMED_WHY
            ))
            .at(key))
        }
        None => Ok(resolved),
    }
}

/// Audio absent from the site folder: its facts from the lock (a CI checkout kept the audio
/// out of git) with a warning, since there is no file to publish (which `onair deploy` checks
/// against its target); an error when the lock does not know it either.
fn lock_only(
    path: &Path,
    key: String,
    locked_entry: Option<&LockedAudio>,
) -> Result<Resolved, Diagnostic> {
    if let Some(entry) = locked_entry
        && std::fs::symlink_metadata(path).is_err()
    {
        let warning = Diagnostic::warning(format!(
            "`{key}` is not in the site folder: its facts ({} bytes) come from onair.lock; \
             `onair deploy` refuses to publish it unless the target already holds that \
             exact file (put the file back, upload it once, or give the episode an https URL)",
            entry.facts.size
        ));
        return Ok(Resolved {
            facts: entry.facts.clone(),
            lock_entry: None,
            lock_key: key,
            warnings: vec![warning],
        });
    }
    Err(Diagnostic::error(format!(
        "audio file not found: `{key}` (looked for {}), and onair.lock has no record of \
         it; check the path (relative to the site folder) or add the file",
        path.display()
    ))
    .at(&key))
}

/// `--locked` and audio that changed since the lock recorded it, or that it never recorded.
fn locked_refusal(key: &str, locked_entry: Option<&LockedAudio>, size: u64) -> Diagnostic {
    let message = match locked_entry {
        Some(entry) if entry.facts.size != size => format!(
            "the audio `{key}` changed since onair.lock recorded it ({size} bytes now, {} then); \
             run `onair build` without --locked to re-probe it, then commit onair.lock",
            entry.facts.size
        ),
        Some(_) => format!(
            "the audio `{key}` changed since onair.lock recorded it (its content hash \
             differs); run `onair build` without --locked to re-probe it, then commit \
             onair.lock"
        ),
        None => format!(
            "the audio `{key}` is not recorded in onair.lock; run `onair build` without \
             --locked to probe it, then commit onair.lock"
        ),
    };
    Diagnostic::error(message).at(key)
}

/// Symlinks are fine inside the site; one that resolves outside it is refused unread.
fn inside_site(path: &Path, site_root: &Path, key: &str) -> Result<(), Diagnostic> {
    match (path.canonicalize(), site_root.canonicalize()) {
        (Ok(real), Ok(root)) if real.starts_with(&root) => Ok(()),
        (Ok(real), Ok(_)) => Err(Diagnostic::error(format!(
            "the audio path `{key}` leads outside the site folder (to {}); copy the file into \
             the site instead of linking to it",
            real.display()
        ))
        .at(key)),
        (Err(e), _) | (_, Err(e)) => {
            Err(Diagnostic::error(format!("cannot resolve the audio path: {e}")).at(key))
        }
    }
}

/// Facts for local audio `rel_path` (relative to the site, e.g. "audio/ep1.mp3"): from the
/// lock, unread, when its size and mtime are the ones the stats cache recorded; else
/// probed and sampled ([`sample_file`]), and the lock's entry kept when both agree with it;
/// `lock_entry` is Some when the entry is new or changed (facts, sampled hash, times), so the
/// build merges it into the lock under `lock_key(rel_path)`.
/// A file absent on disk but present in the lock resolves from the lock (CI without audio).
/// `locked` = fail instead of re-probing.
/// Refuses paths that leave the site folder (`../../etc/passwd`, absolute paths, symlinks
/// pointing outside), without reading them.
pub fn resolve_local(
    site_root: &Path,
    rel_path: &str,
    lock: &Lock,
    locked: bool,
) -> Result<Resolved, Diagnostic> {
    let Some(key) = lock_key(rel_path) else {
        return Err(Diagnostic::error(format!(
            "the audio path `{rel_path}` leaves the site folder; put the file inside the site \
             (e.g. audio/) and give its path relative to the site, or give an https URL"
        ))
        .at(rel_path));
    };
    let path = site_root.join(&key);
    let locked_entry = lock.audio.get(&key);
    let meta = match std::fs::metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return lock_only(&path, key, locked_entry);
        }
        Err(e) => {
            return Err(Diagnostic::error(format!("cannot read the audio file: {e}")).at(&key));
        }
    };
    inside_site(&path, site_root, &key)?;
    if !meta.is_file() {
        return Err(
            Diagnostic::error(format!("the audio path `{key}` is not a regular file")).at(&key),
        );
    }
    let size = meta.len();
    let mtime = mtime_ns(&meta);

    // An entry written before onair read embedded chapters is probed again (not under
    // --locked, which never rewrites the lock: there the entry stands as it is).
    let current = |e: &&LockedAudio| e.facts.size == size && (e.facts.chapters.is_some() || locked);
    let current_entry = locked_entry.filter(current);
    if let Some(entry) = current_entry
        && entry.mtime_ns.is_some()
        && entry.mtime_ns == mtime
    {
        return Ok(Resolved {
            facts: entry.facts.clone(),
            lock_entry: None,
            lock_key: key,
            warnings: Vec::new(),
        });
    }

    // Touched (a fresh git checkout, a copy, an edit) or new: probing reads what the published
    // facts come from, the sample covers the rest of the file at a bounded cost.
    let read_error =
        |e: std::io::Error| Diagnostic::error(format!("cannot read the audio file: {e}")).at(&key);
    let probed = crate::audio::probe_file_detailed(&path).map_err(|e| e.message);
    // Audio probing refuses (unreadable, damaged) is reported as the probe saw it.
    let sample = match &probed {
        Ok(_) => Some(sample_file(&path).map_err(read_error)?),
        Err(_) => None,
    };
    if let Some(entry) = current_entry
        && let (Ok(probe), Some(sample)) = (&probed, &sample)
        && same_facts(&entry.facts, &probe.facts)
        // A whole-file hash from an older lock cannot be checked without reading the whole
        // file; the probe's agreement confirms such an entry, which then gets its sample.
        && entry.sample.as_ref().is_none_or(|s| s == sample)
    {
        let refreshed = LockedAudio {
            mtime_ns: mtime,
            blake3: None,
            sample: Some(sample.clone()),
            ..entry.clone()
        };
        return Ok(Resolved {
            facts: entry.facts.clone(),
            // Under --locked the lock is not rewritten: the probe and the sample confirmed it.
            lock_entry: (!locked).then_some(refreshed),
            lock_key: key,
            warnings: Vec::new(),
        });
    }

    if locked {
        return Err(locked_refusal(&key, locked_entry, size));
    }

    let probe = probed.map_err(|message| {
        Diagnostic::error(format!("cannot use the audio `{key}`: {message}")).at(&key)
    })?;
    Ok(newly_probed(probe, key, mtime, sample))
}

/// Audio probed afresh: its facts, a new lock entry, and the probe's warnings at the file.
fn newly_probed(
    probe: crate::audio::Probe,
    key: String,
    mtime: Option<i128>,
    sample: Option<String>,
) -> Resolved {
    let warnings = probe
        .warnings
        .iter()
        .map(|w| Diagnostic::warning(w.clone()).at(&key))
        .collect();
    Resolved {
        lock_entry: Some(LockedAudio {
            mtime_ns: mtime,
            blake3: None,
            sample,
            facts: probe.facts.clone(),
        }),
        facts: probe.facts,
        lock_key: key,
        warnings,
    }
}

/// Remote audio: from the lock (key = URL); with `allow_network`, probed via HEAD + ranged
/// GETs and returned with a lock entry.
pub fn resolve_remote(url: &str, lock: &Lock, allow_network: bool) -> Result<Resolved, Diagnostic> {
    if let Some(entry) = lock.audio.get(url) {
        return Ok(Resolved {
            facts: entry.facts.clone(),
            lock_entry: None,
            lock_key: url.to_string(),
            warnings: Vec::new(),
        });
    }
    if !allow_network {
        return Err(Diagnostic::error(format!(
            "onair.lock does not know this remote audio's size and duration; run \
             `onair probe --lock {url}` in the site folder to record them (this needs network \
             access once), then commit onair.lock"
        ))
        .at(url));
    }
    let probe = crate::audio::remote::probe_url(url)
        .map_err(|e| Diagnostic::error(format!("cannot probe the remote audio: {e}")).at(url))?;
    let warnings = probe
        .warnings
        .iter()
        .map(|w| Diagnostic::warning(w.clone()).at(url))
        .collect();
    Ok(Resolved {
        lock_entry: Some(LockedAudio {
            mtime_ns: None,
            blake3: None,
            sample: None,
            facts: probe.facts.clone(),
        }),
        facts: probe.facts,
        lock_key: url.to_string(),
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_keys_are_normalised_and_escapes_refused() {
        assert_eq!(
            lock_key("./audio//ep1.mp3").as_deref(),
            Some("audio/ep1.mp3")
        );
        assert_eq!(lock_key("audio/ep1.mp3").as_deref(), Some("audio/ep1.mp3"));
        assert_eq!(lock_key("../../etc/passwd"), None);
        assert_eq!(lock_key("audio/../../x.mp3"), None);
        assert_eq!(lock_key("/etc/passwd"), None);
        assert_eq!(lock_key(""), None);
        assert_eq!(lock_key("."), None);
    }
}
