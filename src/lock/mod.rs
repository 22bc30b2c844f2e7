//! `onair.lock`: probed audio facts (so builds never re-read unchanged audio, and CI builds
//! without the audio) and the GUIDs onair assigned. Meant to be committed; written atomically
//! as sorted, pretty JSON, one entry per audio file and per episode, from content alone (size
//! and a sampled blake3, see [`resolve::sample_file`]), so it only changes when
//! the audio or the episodes do.
//!
//! The modification times the fast path compares live apart, in
//! `.onair/audio-stats.json` (onair's own cache, not committed): a checkout or a copy changes
//! every mtime, and the lock must not churn with them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::audio::AudioFacts;
use crate::diag::Diagnostic;

pub mod resolve;
pub use resolve::{Resolved, resolve_local, resolve_local_checked, resolve_remote};

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
    /// Measured loudness (`loudness:` in site.yaml, `probe --loudness --lock`), keyed by the
    /// audio's sampled content hash (`LockedAudio::sample`): a renamed or copied file is not
    /// decoded again. Entries no audio entry names any more are dropped when the lock is saved.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub loudness: BTreeMap<String, crate::audio::loudness::Loudness>,
}

fn is_url(key: &str) -> bool {
    key.starts_with("https://") || key.starts_with("http://")
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
    /// blake3 of the whole content, hex: what locks written before the sampled hash carried.
    /// Still read; never written again (an entry is rewritten with `sample` once its file is
    /// confirmed by probing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blake3: Option<String>,
    /// Sampled content hash (local files only): blake3 of the size, the first and last 64 KiB
    /// and 16 blocks of 4 KiB evenly spread between them; of the whole file when it is at most
    /// 192 KiB. See [`resolve::sample_file`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample: Option<String>,
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
/// sampled hash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct FileStat {
    size: u64,
    mtime_ns: i128,
    sample: String,
}

/// Version 1 recorded mtimes against the whole-file hash; its entries are not used (each file
/// is confirmed by probing once, and the cache rewritten).
const STATS_VERSION: u32 = 2;

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct StatsCache {
    version: u32,
    files: BTreeMap<String, FileStat>,
}

impl Lock {
    pub fn path(site_root: &Path) -> PathBuf {
        site_root.join(LOCK_FILE)
    }

    /// Gives each audio entry the mtime the stats cache recorded for the same size and
    /// sampled hash. A cache that is missing, damaged or of another version is just not used.
    fn apply_stats(&mut self, site_root: &Path) {
        let Some(cache) = std::fs::read(site_root.join(STATS_FILE))
            .ok()
            .and_then(|b| serde_json::from_slice::<StatsCache>(&b).ok())
            .filter(|c| c.version == STATS_VERSION)
        else {
            return;
        };
        for (key, stat) in cache.files {
            if let Some(entry) = self.audio.get_mut(&key)
                && entry.facts.size == stat.size
                && entry.sample.as_deref() == Some(stat.sample.as_str())
            {
                entry.mtime_ns = Some(stat.mtime_ns);
            }
        }
    }

    /// The cache's entries. A file whose size or mtime is no longer the one recorded (changed
    /// during the build) is left out, so the next build checks it.
    fn stats(&self, site_root: &Path) -> StatsCache {
        let files = self
            .audio
            .iter()
            .filter_map(|(key, entry)| {
                let mtime_ns = entry.mtime_ns?;
                let meta = std::fs::metadata(site_root.join(key)).ok()?;
                let now_mtime = resolve::mtime_ns(&meta);
                if meta.len() != entry.facts.size || now_mtime != Some(mtime_ns) {
                    return None;
                }
                Some((
                    key.clone(),
                    FileStat {
                        size: entry.facts.size,
                        mtime_ns,
                        sample: entry.sample.clone()?,
                    },
                ))
            })
            .collect();
        StatsCache {
            version: STATS_VERSION,
            files,
        }
    }

    /// Writes `.onair/audio-stats.json` when it changed. Best effort: without it the next
    /// build probes and samples the audio again instead of trusting mtimes, and is otherwise the
    /// same.
    fn save_stats(&self, site_root: &Path) {
        let stats = self.stats(site_root);
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

    /// The entries of one network show (`shows/<name>/`), keyed as the show sees them
    /// (`audio/ep1.mp3`); URL entries are every show's.
    pub fn scoped(&self, prefix: &str) -> Lock {
        let take = |key: &String| -> Option<String> {
            match key.strip_prefix(prefix) {
                Some(rest) => Some(rest.to_string()),
                None if is_url(key) => Some(key.clone()),
                None => None,
            }
        };
        Lock {
            version: self.version,
            audio: self
                .audio
                .iter()
                .filter_map(|(k, v)| Some((take(k)?, v.clone())))
                .collect(),
            episodes: self
                .episodes
                .iter()
                .filter_map(|(k, v)| Some((take(k).filter(|k| !is_url(k))?, v.clone())))
                .collect(),
            loudness: self.loudness.clone(),
        }
    }

    /// Takes back a show's lock from `scoped`, with what its build added.
    pub fn absorb(&mut self, prefix: &str, show: Lock) {
        self.audio.retain(|k, _| !k.starts_with(prefix));
        self.episodes.retain(|k, _| !k.starts_with(prefix));
        for (k, v) in show.audio {
            let key = if is_url(&k) {
                k
            } else {
                format!("{prefix}{k}")
            };
            self.audio.insert(key, v);
        }
        for (k, v) in show.episodes {
            self.episodes.insert(format!("{prefix}{k}"), v);
        }
        self.loudness.extend(show.loudness);
    }

    pub fn new() -> Lock {
        Lock {
            version: current_version(),
            ..Lock::default()
        }
    }

    /// The loudness measured for the audio entry `key`, when its content was measured.
    pub fn loudness_of(&self, key: &str) -> Option<&crate::audio::loudness::Loudness> {
        self.loudness.get(self.audio.get(key)?.sample.as_deref()?)
    }

    pub fn to_json(&self) -> String {
        let named: std::collections::HashSet<&str> = self
            .audio
            .values()
            .filter_map(|a| a.sample.as_deref())
            .collect();
        let mut s = if self.loudness.keys().all(|k| named.contains(k.as_str())) {
            serde_json::to_string_pretty(self)
        } else {
            let mut kept = self.clone();
            kept.loudness
                .retain(|hash, _| named.contains(hash.as_str()));
            serde_json::to_string_pretty(&kept)
        }
        .expect("lock serializes");
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
