//! Loudness per EBU R128 / ITU-R BS.1770-4: integrated loudness (LUFS), true peak (dBTP) and
//! loudness range (LU) of a whole file, decoded with symphonia and measured with the `ebur128`
//! crate. Read only: onair never re-encodes or changes the audio.

use std::fs::File;
use std::path::Path;

use ebur128::{EbuR128, Mode};
use symphonia::core::codecs::audio::AudioDecoderOptions;
use symphonia::core::errors::Error;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, FormatReader, TrackType};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;

/// One file's figures, rounded to 0.01 (what `onair.lock` records).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Loudness {
    /// Integrated loudness in LUFS; None when no 0.4 s block is above the -70 LUFS absolute
    /// gate (silence, or audio shorter than one block).
    pub integrated: Option<f64>,
    /// The highest true peak of any channel in dBTP; None for digital silence.
    pub true_peak: Option<f64>,
    /// Loudness range in LU (0 for audio too short or too even to have one).
    pub range: f64,
}

/// Why Opus files are not measured, in one place for probe and build.
pub const OPUS_UNSUPPORTED: &str = "Opus audio cannot be measured: symphonia, the decoder onair uses, has no Opus decoder; measure the master you encoded it from (WAV or FLAC) with `onair probe --loudness`";

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Whether an Ogg file carries Opus (its first packet starts with `OpusHead`).
fn is_opus(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 64];
    let n = File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    head[..n].starts_with(b"OggS") && head[..n].windows(8).any(|w| w == b"OpusHead")
}

fn open(path: &Path) -> Result<Box<dyn FormatReader>, String> {
    if is_opus(path) {
        return Err(OPUS_UNSUPPORTED.to_string());
    }
    let file = File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let mss = MediaSourceStream::new(Box::new(file), Default::default());
    let mut hint = Hint::new();
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        hint.with_extension(ext);
    }
    symphonia::default::get_probe()
        .probe(
            &hint,
            mss,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .map_err(|e| format!("cannot decode this audio to measure its loudness: {e} (MP3, AAC/M4A, Vorbis, FLAC and WAV can be measured)"))
}

/// Decodes the whole of `path` and measures it. Packets the decoder rejects as malformed are
/// skipped (as players do) and counted: more than one in a hundred is an error.
pub fn measure_file(path: &Path) -> Result<Loudness, String> {
    let mut format = open(path)?;
    let track = format
        .default_track(TrackType::Audio)
        .ok_or("the file has no audio track")?;
    let track_id = track.id;
    let params = track
        .codec_params
        .as_ref()
        .and_then(|p| p.audio())
        .ok_or("the file has no audio track")?;
    let mut decoder = symphonia::default::get_codecs()
        .make_audio_decoder(params, &AudioDecoderOptions::default())
        .map_err(|e| format!("no decoder for this audio's codec: {e}"))?;
    let mut meter: Option<EbuR128> = None;
    let mut samples: Vec<f32> = Vec::new();
    let (mut packets, mut bad) = (0u64, 0u64);
    loop {
        let packet = match format.next_packet() {
            Ok(Some(p)) => p,
            Ok(None) => break,
            Err(Error::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(format!("cannot read the audio: {e}")),
        };
        if packet.track_id != track_id {
            continue;
        }
        packets += 1;
        let decoded = match decoder.decode(&packet) {
            Ok(b) => b,
            Err(Error::DecodeError(_)) => {
                bad += 1;
                continue;
            }
            Err(e) => return Err(format!("cannot decode the audio: {e}")),
        };
        let spec = decoded.spec();
        let (channels, rate) = (spec.channels().count() as u32, spec.rate());
        if channels == 0 || decoded.frames() == 0 {
            continue;
        }
        let m = match &mut meter {
            Some(m) if m.channels() == channels && m.rate() == rate => m,
            _ => {
                if meter.is_some() {
                    return Err("the audio changes its channels or sample rate midway: it cannot be measured as one programme".into());
                }
                meter.insert(
                    EbuR128::new(channels, rate, Mode::I | Mode::LRA | Mode::TRUE_PEAK).map_err(
                        |e| format!("cannot measure {channels} channels at {rate} Hz: {e}"),
                    )?,
                )
            }
        };
        decoded.copy_to_vec_interleaved(&mut samples);
        m.add_frames_f32(&samples)
            .map_err(|e| format!("cannot measure the audio: {e}"))?;
    }
    if bad * 100 > packets.max(1) {
        return Err(format!(
            "{bad} of {packets} audio packets are damaged: the file cannot be measured reliably"
        ));
    }
    let meter = meter.ok_or("the file holds no audio samples")?;
    figures(&meter)
}

fn figures(meter: &EbuR128) -> Result<Loudness, String> {
    let fail = |e: ebur128::Error| format!("cannot measure the audio: {e}");
    let integrated = meter.loudness_global().map_err(fail)?;
    let range = meter.loudness_range().map_err(fail)?;
    let mut peak = 0.0f64;
    for ch in 0..meter.channels() {
        peak = peak.max(meter.true_peak(ch).map_err(fail)?);
    }
    Ok(Loudness {
        integrated: integrated.is_finite().then(|| round2(integrated)),
        true_peak: (peak > 0.0).then(|| round2(20.0 * peak.log10())),
        range: if range.is_finite() {
            round2(range)
        } else {
            0.0
        },
    })
}

/// site.yaml's `loudness: { target: -16, tolerance: 1, true_peak: -1 }`: integrated loudness
/// in LUFS, how far from it an episode may be in LU (default 1), the highest true peak in dBTP
/// (default -1).
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    #[serde(rename = "target")]
    pub integrated: f64,
    #[serde(default = "default_tolerance")]
    pub tolerance: f64,
    #[serde(default = "default_true_peak")]
    pub true_peak: f64,
}

fn default_tolerance() -> f64 {
    1.0
}

fn default_true_peak() -> f64 {
    -1.0
}

impl Target {
    /// What is wrong with the values as written, if anything.
    pub fn problem(&self) -> Option<String> {
        if !(-70.0..=0.0).contains(&self.integrated) {
            return Some(format!(
                "`loudness: target: {}` must be a loudness in LUFS between -70 and 0, such as -16 (Apple's) or -19 (mono speech)",
                self.integrated
            ));
        }
        if !(0.0..=20.0).contains(&self.tolerance) {
            return Some(format!(
                "`loudness: tolerance: {}` must be between 0 and 20 LU, such as 1",
                self.tolerance
            ));
        }
        if !(-30.0..=3.0).contains(&self.true_peak) {
            return Some(format!(
                "`loudness: true_peak: {}` must be a level in dBTP between -30 and 3, such as -1",
                self.true_peak
            ));
        }
        None
    }
}

fn num(x: f64) -> String {
    let s = format!("{x:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// What is outside `target`, as a sentence ("measured -19.4 LUFS, 3.4 LU below the target
/// -16 ±1; true peak -0.2 dBTP is above -1"); None when the file is within it.
pub fn off_target(m: &Loudness, target: &Target) -> Option<String> {
    let mut parts = Vec::new();
    let lufs = match m.integrated {
        Some(i) => format!("{} LUFS", num(i)),
        None => "no loudness (silent, or shorter than 0.4 s)".to_string(),
    };
    let aim = format!(
        "the target {} ±{}",
        num(target.integrated),
        num(target.tolerance)
    );
    let off = m.integrated.map(|i| i - target.integrated);
    match off {
        None => parts.push(format!("measured {lufs}, far below {aim}")),
        Some(d) if d < -target.tolerance => {
            parts.push(format!("measured {lufs}, {} LU below {aim}", num(-d)))
        }
        Some(d) if d > target.tolerance => {
            parts.push(format!("measured {lufs}, {} LU above {aim}", num(d)))
        }
        Some(_) => {}
    }
    if let Some(tp) = m.true_peak
        && tp > target.true_peak
    {
        let peak = format!(
            "true peak {} dBTP is above {}",
            num(tp),
            num(target.true_peak)
        );
        if parts.is_empty() {
            parts.push(format!("measured {lufs} (within {aim}); {peak}"));
        } else {
            parts.push(peak);
        }
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TARGET: Target = Target {
        integrated: -16.0,
        tolerance: 1.0,
        true_peak: -1.0,
    };

    fn m(integrated: Option<f64>, true_peak: Option<f64>) -> Loudness {
        Loudness {
            integrated,
            true_peak,
            range: 3.0,
        }
    }

    #[test]
    fn off_target_says_how_far_and_which_way() {
        assert_eq!(
            off_target(&m(Some(-19.4), Some(-0.2)), &TARGET).as_deref(),
            Some(
                "measured -19.4 LUFS, 3.4 LU below the target -16 ±1; true peak -0.2 dBTP is above -1"
            )
        );
        assert_eq!(
            off_target(&m(Some(-13.25), Some(-3.0)), &TARGET).as_deref(),
            Some("measured -13.2 LUFS, 2.8 LU above the target -16 ±1")
        );
        assert_eq!(
            off_target(&m(Some(-16.4), Some(0.5)), &TARGET).as_deref(),
            Some("measured -16.4 LUFS (within the target -16 ±1); true peak 0.5 dBTP is above -1")
        );
        assert_eq!(
            off_target(&m(None, None), &TARGET).as_deref(),
            Some(
                "measured no loudness (silent, or shorter than 0.4 s), far below the target -16 ±1"
            )
        );
    }

    #[test]
    fn targets_out_of_range_are_named() {
        assert_eq!(TARGET.problem(), None);
        let bad = Target {
            integrated: 16.0,
            ..TARGET
        };
        assert!(
            bad.problem()
                .unwrap()
                .starts_with("`loudness: target: 16` must be")
        );
        let bad = Target {
            tolerance: -1.0,
            ..TARGET
        };
        assert!(
            bad.problem()
                .unwrap()
                .starts_with("`loudness: tolerance: -1`")
        );
        let bad = Target {
            true_peak: f64::NAN,
            ..TARGET
        };
        assert!(
            bad.problem()
                .unwrap()
                .starts_with("`loudness: true_peak: NaN`")
        );
    }

    #[test]
    fn within_target_is_quiet() {
        assert_eq!(off_target(&m(Some(-15.0), Some(-1.0)), &TARGET), None);
        assert_eq!(off_target(&m(Some(-17.0), Some(-6.0)), &TARGET), None);
    }
}
