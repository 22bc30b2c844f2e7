//! Audio facts: exact duration, byte size and format of an episode's audio, from the file alone.

//!
//! Probing reads headers and frame headers only, never decodes: each format's method is
//! documented in its module. Local files and remote URLs share the parsers through
//! [`source::ByteSource`].

use std::fmt;
use std::path::{Path, PathBuf};

pub mod flac;
pub mod id3;
pub mod loudness;
pub mod mp3;
pub mod mp4;
pub mod ogg;
pub mod remote;

pub mod source;
pub mod tags;
pub mod wav;

use source::{ByteSource, FileSource, Reader};

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

    /// A human name for messages.
    pub fn label(self) -> &'static str {
        match self {
            AudioFormat::Mp3 => "MP3",
            AudioFormat::M4a => "MP4/M4A",
            AudioFormat::Vorbis => "Ogg Vorbis",
            AudioFormat::Opus => "Ogg Opus",
            AudioFormat::Flac => "FLAC",
            AudioFormat::Wav => "WAV",
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
    /// Chapters embedded in the file (ID3v2 `CHAP` frames, MP4 chapter track or `chpl`), in
    /// the file's order. None when the file was not read for them: facts typed by hand, or a
    /// lock entry written before onair read chapters (such audio is probed again).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chapters: Option<Vec<EmbeddedChapter>>,
}

/// `AudioFacts::method` of facts taken from an imported feed's enclosure and itunes:duration.
pub const METHOD_IMPORTED: &str = "imported feed";
/// `AudioFacts::method` of facts typed in front matter (`length:` + `duration:`).
pub const METHOD_TYPED: &str = "front matter";

impl AudioFacts {
    /// Whether onair measured these facts from the audio itself (a local file, or remote audio
    /// `onair probe --lock` read), rather than taking them from an old feed or front matter,
    /// whose durations hosts round.
    pub fn probed(&self) -> bool {
        self.method != METHOD_IMPORTED && self.method != METHOD_TYPED
    }
}

/// A chapter as an audio file stores it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EmbeddedChapter {
    /// Seconds from the start of the audio.
    pub start: f64,
    /// May be empty: a chapter without a title frame.
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
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

/// What one format parser found, before it becomes [`AudioFacts`].
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub format: AudioFormat,
    pub codec: String,
    pub sample_rate: u32,
    pub channels: u16,
    /// Playable length in `timescale` units (samples, for all formats but some MP4s).
    pub length: u64,
    pub timescale: u64,
    /// Bytes of encoded audio, for the average bitrate.
    pub audio_bytes: Option<u64>,
    /// The bitrate of a constant-bitrate stream.
    pub nominal_bitrate: Option<u32>,
    pub method: String,
    pub warnings: Vec<String>,
    /// Chapters stored in the file.
    pub chapters: Vec<EmbeddedChapter>,
}

/// Facts plus what `onair probe` shows beyond them.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    pub facts: AudioFacts,
    /// Exact playable sample count, when the length is counted in samples.
    pub samples: Option<u64>,
    /// Problems that did not stop probing (e.g. the extension names another format).
    pub warnings: Vec<String>,
}

/// Probe a local audio file by its content.
pub fn probe_file(path: &Path) -> Result<AudioFacts, ProbeError> {
    probe_file_detailed(path).map(|p| p.facts)
}

/// Probe a local audio file by its content, with the sample count and warnings.
pub fn probe_file_detailed(path: &Path) -> Result<Probe, ProbeError> {
    let error = |message: String| ProbeError {
        path: path.to_path_buf(),
        message,
    };
    let mut src = FileSource::open(path).map_err(|e| error(format!("cannot read: {e}")))?;
    // The whole path, so a warning's advice names the file as the user gave it.
    probe_source(&mut src, &path.to_string_lossy()).map_err(error)
}

/// Probe any byte source; `name` (a file name or URL) is only used to compare its extension
/// with the format found in the content.
pub fn probe_source(src: &mut dyn ByteSource, name: &str) -> Result<Probe, String> {
    let mut r = Reader::new(src);
    let parsed = sniff_and_parse(&mut r)?;
    let size = r.size();
    Ok(finish(parsed, size, name))
}

fn sniff_and_parse(r: &mut Reader) -> Result<Parsed, String> {
    let head = r.bytes(0, 12)?;
    if head.is_empty() {
        return Err("the file is empty".into());
    }
    if mp4::sniff(&head) {
        return mp4::probe(r);
    }
    if head.starts_with(b"OggS") {
        return ogg::probe(r);
    }
    if (head.starts_with(b"RIFF") || head.starts_with(b"RF64")) && head.get(8..12) == Some(b"WAVE")
    {
        return wav::probe(r);
    }
    let start = tags::skip_id3v2(r, 0)?;
    let mut parsed = if r.bytes(start, 4)? == b"fLaC" {
        flac::probe(r, start)?
    } else {
        mp3::probe(r, start)?
    };
    if start > 0 {
        parsed.chapters = id3::chapters(r, 0, &mut parsed.warnings);
    }
    Ok(parsed)
}

/// The lowercase extension of a file name or URL (query and fragment cut off); None when the
/// last path segment has none.
fn extension_of(name: &str) -> Option<String> {
    let path = name.split(['?', '#']).next().unwrap_or("");
    let last = path.rsplit('/').next().unwrap_or(path);
    last.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .filter(|e| !e.is_empty())
}

/// `name` (a file name, site path or URL) with the extension that fits `format`: its own
/// extension replaced, or one added when it has none.
pub fn fitting_name(name: &str, format: AudioFormat) -> String {
    let cut = name.find(['?', '#']).unwrap_or(name.len());
    let (path, rest) = name.split_at(cut);
    let last_start = path.rfind('/').map_or(0, |i| i + 1);
    let stem_end = match path[last_start..].rfind('.') {
        Some(i) if i > 0 => last_start + i,
        _ => path.len(),
    };
    format!("{}.{}{rest}", &path[..stem_end], format.extensions()[0])
}

/// What is wrong when a file's name does not say what its content is (an M4A named `.mp3`,
/// an MP3 named `.m4a`, no extension at all): `the file holds MP4/M4A audio, but its name
/// ends in .mp3`. None when the name fits.
pub fn misnamed_problem(name: &str, format: AudioFormat) -> Option<String> {
    if name.is_empty() {
        return None;
    }
    let what = match extension_of(name) {
        Some(ext) if format.extensions().contains(&ext.as_str()) => return None,
        Some(ext) => format!("its name ends in .{ext}"),
        None => "its name has no extension".to_string(),
    };
    Some(format!(
        "the file holds {} audio, but {what}",
        format.label()
    ))
}

/// Why the name is what to fix, for messages about a misnamed file.
pub const MISNAMED_WHY: &str = "podcast apps choose how to play a file by its extension";

/// [`misnamed_problem`] with its fix: rename the file. The feed's type comes from the
/// content, so the name, not a type, is what the podcaster changes.
pub fn misnamed(name: &str, format: AudioFormat) -> Option<String> {
    let problem = misnamed_problem(name, format)?;
    let remote = name.starts_with("https://") || name.starts_with("http://");
    let fix = if remote {
        format!(
            "publish it under a name ending in .{}",
            format.extensions()[0]
        )
    } else {
        format!("rename the file to {}", fitting_name(name, format))
    };
    Some(format!("{problem}; {fix} ({MISNAMED_WHY})"))
}

fn finish(p: Parsed, size: u64, name: &str) -> Probe {
    let duration = p.length as f64 / p.timescale as f64;
    let bitrate = match (p.nominal_bitrate, p.audio_bytes) {
        (Some(b), _) => b,
        (None, bytes) => (bytes.unwrap_or(size) as f64 * 8.0 / duration).round() as u32,
    };
    let mut warnings = p.warnings;
    warnings.extend(misnamed(name, p.format));
    Probe {
        samples: (p.timescale == u64::from(p.sample_rate)).then_some(p.length),
        facts: AudioFacts {
            format: p.format,
            size,
            duration,
            codec: p.codec,
            sample_rate: p.sample_rate,
            channels: p.channels,
            bitrate,
            method: p.method,
            chapters: Some(p.chapters),
        },
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misnamed_files_are_told_to_rename() {
        assert_eq!(
            misnamed("audio/ep1.mp3", AudioFormat::M4a).as_deref(),
            Some(
                "the file holds MP4/M4A audio, but its name ends in .mp3; rename the file to \
                 audio/ep1.m4a (podcast apps choose how to play a file by its extension)"
            )
        );
        let m = misnamed("really.an.mp3.M4A", AudioFormat::Mp3).unwrap();
        assert!(
            m.contains("ends in .m4a; rename the file to really.an.mp3.mp3 "),
            "{m}"
        );
        let m = misnamed("audio/episode", AudioFormat::Flac).unwrap();
        assert!(
            m.contains("has no extension; rename the file to audio/episode.flac"),
            "{m}"
        );
        let m = misnamed("https://cdn.example/a/ep.mp3?x=1", AudioFormat::M4a).unwrap();
        assert!(m.contains("publish it under a name ending in .m4a"), "{m}");
        assert!(!m.contains("audio/x-m4a"), "{m}");
        for ok in ["a.mp3", "a.MP3", "x/a.m4b", "a.ogg?x", "b.opus"] {
            let f = AudioFormat::from_extension(ok).unwrap();
            assert_eq!(misnamed(ok, f), None, "{ok}");
        }
        assert_eq!(misnamed("a.ogg", AudioFormat::Opus), None);
        assert_eq!(fitting_name("./x.y/ep", AudioFormat::Mp3), "./x.y/ep.mp3");
        assert_eq!(fitting_name(".hidden", AudioFormat::Wav), ".hidden.wav");
    }
}
