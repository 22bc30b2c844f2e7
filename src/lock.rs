//! `onair.lock`: probed audio facts (so builds never re-read unchanged audio, and CI builds
//! without the audio) and the GUIDs onair assigned. Meant to be committed; written atomically
//! as sorted, pretty JSON, one entry per audio file and per episode.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::audio::AudioFacts;
use crate::diag::Diagnostic;

pub const LOCK_FILE: &str = "onair.lock";

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
    #[serde(default, skip_serializing_if = "Option::is_none")]
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

impl Lock {
    pub fn path(site_root: &Path) -> PathBuf {
        site_root.join(LOCK_FILE)
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
        serde_json::from_str(&text).map_err(|e| {
            Diagnostic::error(format!(
                "the lock file is damaged ({e}); fix it or delete it to re-probe"
            ))
            .at(&path)
            .line_col(e.line(), e.column())
        })
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

    /// Writes the lock atomically (temp file + rename), and only when its content changed.
    pub fn save(&self, site_root: &Path) -> Result<(), Diagnostic> {
        let path = Lock::path(site_root);
        let text = self.to_json();
        if std::fs::read_to_string(&path).ok().as_deref() == Some(text.as_str()) {
            return Ok(());
        }
        crate::fsutil::write_atomic(&path, text.as_bytes())
            .map_err(|e| Diagnostic::error(format!("cannot write the lock file: {e}")).at(&path))
    }
}
