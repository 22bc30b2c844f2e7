//! `onair.lock`: probed audio facts (so builds never re-read unchanged audio, and CI builds
//! without the audio) and the GUIDs onair assigned. Meant to be committed; written atomically
//! as sorted, pretty JSON, one entry per audio file and per episode, from content alone (size
//! and blake3), so it only changes when the audio or the episodes do.
//!
//! The modification times the fast path compares live apart, in `.onair/audio-stats.json`
//! (onair's own cache, not committed): a checkout or a copy changes every mtime, and the lock
//! must not churn with them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::audio::AudioFacts;
use crate::diag::Diagnostic;

pub const LOCK_FILE: &str = "onair.lock";

/// The fast path's cache of file modification times, inside the site's `.onair/`.
pub const STATS_FILE: &str = ".onair/audio-stats.json";

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    /// Format version of this file.
    #[serde(default = "current_version")]
    pub version: u32,
    /// Keyed by the audio path relative to the site (`audio/ep1.mp3`) or by its URL.
    #[serde(default)]
    pub audio: BTreeMap<String, LockedAudio>,
    /// Keyed by the episode file relative to the site (`episodes/2026-01-05-pilot.md`).
    #[serde(default)]
    pub episodes: BTreeMap<String, LockedEpisode>,
}

fn current_version() -> u32 {
    1
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LockedAudio {
    /// Modification time in nanoseconds since the epoch, for the fast path (local files only).
    /// Kept in `.onair/audio-stats.json`, never written to the lock (older locks that carry it
    /// are still read).
    #[serde(default, skip_serializing)]
    pub mtime_ns: Option<i128>,
    /// blake3 of the content, hex (local files only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blake3: Option<String>,
    #[serde(flatten)]
    pub facts: AudioFacts,
}

/// The identity onair assigned to an episode written without a `guid:`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LockedEpisode {
    pub guid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub episode: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio: Option<String>,
}

/// One file's entry in `.onair/audio-stats.json`: the mtime at which the file had this size and
/// content hash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct FileStat {
    size: u64,
    mtime_ns: i128,
    blake3: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct StatsCache {
    version: u32,
    files: BTreeMap<String, FileStat>,
}

impl Lock {
    pub fn path(site_root: &Path) -> PathBuf {
        site_root.join(LOCK_FILE)
    }

    /// Gives each audio entry the mtime the stats cache recorded for the same size and content
    /// hash. A cache that is missing, damaged or of another version is just not used.
    fn apply_stats(&mut self, site_root: &Path) {
        let Some(cache) = std::fs::read(site_root.join(STATS_FILE))
            .ok()
            .and_then(|b| serde_json::from_slice::<StatsCache>(&b).ok())
            .filter(|c| c.version == 1)
        else {
            return;
        };
        for (key, stat) in cache.files {
            if let Some(entry) = self.audio.get_mut(&key)
                && entry.facts.size == stat.size
                && entry.blake3.as_deref() == Some(stat.blake3.as_str())
            {
                entry.mtime_ns = Some(stat.mtime_ns);
            }
        }
    }

    fn stats(&self) -> StatsCache {
        let files = self
            .audio
            .iter()
            .filter_map(|(key, entry)| {
                Some((
                    key.clone(),
                    FileStat {
                        size: entry.facts.size,
                        mtime_ns: entry.mtime_ns?,
                        blake3: entry.blake3.clone()?,
                    },
                ))
            })
            .collect();
        StatsCache { version: 1, files }
    }

    /// Writes `.onair/audio-stats.json` when it changed. Best effort: without it the next
    /// build hashes the audio again instead of trusting mtimes, and is otherwise the same.
    fn save_stats(&self, site_root: &Path) {
        let stats = self.stats();
        let path = site_root.join(STATS_FILE);
        let current = std::fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice::<StatsCache>(&b).ok());
        if current.as_ref() == Some(&stats) || (current.is_none() && stats.files.is_empty()) {
            return;
        }
        let mut text = serde_json::to_string_pretty(&stats).expect("stats serialize");
        text.push('\n');
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = crate::fsutil::write_atomic(&path, text.as_bytes());
    }

    /// Reads the lock of a site; a missing file is an empty lock.
    pub fn load(site_root: &Path) -> Result<Lock, Diagnostic> {
        let path = Lock::path(site_root);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Lock::new()),
            Err(e) => {
                return Err(Diagnostic::error(format!("cannot read the lock file: {e}")).at(&path));
            }
        };
        let mut lock: Lock = serde_json::from_str(&text).map_err(|e| {
            Diagnostic::error(format!(
                "the lock file is damaged ({e}); fix it or delete it to re-probe"
            ))
            .at(&path)
            .line_col(e.line(), e.column())
        })?;
        lock.apply_stats(site_root);
        Ok(lock)
    }

    pub fn new() -> Lock {
        Lock {
            version: current_version(),
            ..Lock::default()
        }
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("lock serializes");
        s.push('\n');
        s
    }

    /// Writes the lock atomically (temp file + rename), and only when its content changed;
    /// the mtimes go to the stats cache.
    pub fn save(&self, site_root: &Path) -> Result<(), Diagnostic> {
        self.save_stats(site_root);
        let path = Lock::path(site_root);
        let text = self.to_json();
        if std::fs::read_to_string(&path).ok().as_deref() == Some(text.as_str()) {
            return Ok(());
        }
        crate::fsutil::write_atomic(&path, text.as_bytes())
            .map_err(|e| Diagnostic::error(format!("cannot write the lock file: {e}")).at(&path))
    }
}
