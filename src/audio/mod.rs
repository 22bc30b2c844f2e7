//! Audio facts: exact duration, byte size and format of an episode's audio, from the file alone.

use std::fmt;
use std::path::{Path, PathBuf};

/// The container/codec families onair publishes. The enclosure MIME type comes from here,
/// never from the file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AudioFormat {
    Mp3,
    M4a,
    Vorbis,
    Opus,
    Flac,
    Wav,
}

impl AudioFormat {
    /// MIME types as ../shared/research/feed-rules.md settles them (rule 27, D4).
    pub fn mime(self) -> &'static str {
        match self {
            AudioFormat::Mp3 => "audio/mpeg",
            AudioFormat::M4a => "audio/x-m4a",
            AudioFormat::Vorbis => "audio/ogg",
            AudioFormat::Opus => "audio/opus",
            AudioFormat::Flac => "audio/flac",
            AudioFormat::Wav => "audio/wav",
        }
    }

    /// File extensions that name this format.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            AudioFormat::Mp3 => &["mp3"],
            AudioFormat::M4a => &["m4a", "mp4", "m4b", "aac"],
            AudioFormat::Vorbis => &["ogg", "oga"],
            AudioFormat::Opus => &["opus", "ogg", "oga"],
            AudioFormat::Flac => &["flac"],
            AudioFormat::Wav => &["wav"],
        }
    }

    /// Guess from a file name, for remote audio that is not probed.
    pub fn from_extension(name: &str) -> Option<AudioFormat> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        let ext = ext.split(['?', '#']).next().unwrap_or("");
        match ext {
            "mp3" => Some(AudioFormat::Mp3),
            "m4a" | "mp4" | "m4b" | "aac" => Some(AudioFormat::M4a),
            "ogg" | "oga" => Some(AudioFormat::Vorbis),
            "opus" => Some(AudioFormat::Opus),
            "flac" => Some(AudioFormat::Flac),
            "wav" => Some(AudioFormat::Wav),
            _ => None,
        }
    }
}

/// What probing an audio file tells us.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AudioFacts {
    pub format: AudioFormat,
    /// Exact byte size of the file.
    pub size: u64,
    /// Duration in seconds (sample count / sample rate where the file records it).
    pub duration: f64,
    pub codec: String,
    pub sample_rate: u32,
    pub channels: u16,
    /// Average bitrate in bits per second.
    pub bitrate: u32,
    /// How the duration was found, e.g. "xing header", "frame scan".
    pub method: String,
}

impl AudioFacts {
    /// Whole seconds for `itunes:duration` (rule 44).
    pub fn duration_secs_rounded(&self) -> u64 {
        self.duration.round() as u64
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeError {
    pub path: PathBuf,
    pub message: String,
}

impl fmt::Display for ProbeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for ProbeError {}

/// Probe a local audio file by its content.
pub fn probe_file(path: &Path) -> Result<AudioFacts, ProbeError> {
    Err(ProbeError {
        path: path.to_path_buf(),
        message: "audio probing is being written (issue 11)".into(),
    })
}
