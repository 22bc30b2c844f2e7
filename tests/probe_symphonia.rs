//! Cross-check with an independent implementation: symphonia's demuxers must agree with onair's
//! header probing on every audio fixture about the sample rate and the channel count, and
//! onair's sample count must never be further from the true one than symphonia's frame count.
//! (Symphonia matches onair exactly where the file states its length plainly: LAME/Xing MP3,
//! Vorbis, FLAC, WAV. It estimates header-less VBR MP3 from the bitrate, counts end tags as
//! audio, ignores MP4 edit lists and Opus pre-skip: there onair is closer, except that a
//! bitrate estimate may by chance land nearer a tag-less VBR file's recording than its stored
//! frames do.)

use std::path::{Path, PathBuf};

use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, TrackType};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audio")
}

struct SymphoniaView {
    sample_rate: Option<u32>,
    channels: Option<usize>,
    frames: Option<u64>,
}

fn symphonia_view(path: &Path) -> Option<SymphoniaView> {
    let file = std::fs::File::open(path).unwrap();
    let mss = MediaSourceStream::new(Box::new(file), Default::default());
    let format = symphonia::default::get_probe()
        .probe(
            &Hint::new(),
            mss,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .ok()?;
    let track = format.default_track(TrackType::Audio)?;
    let params = track.codec_params.as_ref().and_then(|p| p.audio());
    Some(SymphoniaView {
        sample_rate: params.and_then(|p| p.sample_rate),
        channels: params.and_then(|p| p.channels.as_ref()).map(|c| c.count()),
        frames: track.num_frames,
    })
}

#[test]
fn symphonia_agrees_on_every_fixture_it_reads() {
    let expected = std::fs::read_to_string(fixtures().join("expected.tsv")).unwrap();
    let mut compared = 0;
    let mut report = Vec::new();
    for line in expected.lines().filter(|l| !l.starts_with('#')) {
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.get(1) == Some(&"error") {
            continue;
        }
        let path = fixtures().join(fields[0]);
        let ours = onair::audio::probe_file_detailed(&path).unwrap();
        let Some(theirs) = symphonia_view(&path) else {
            continue;
        };
        compared += 1;
        if let Some(rate) = theirs.sample_rate
            && rate != ours.facts.sample_rate
        {
            report.push(format!(
                "{}: sample rate {rate} vs onair {}",
                fields[0], ours.facts.sample_rate
            ));
        }
        if let Some(ch) = theirs.channels
            && ch != usize::from(ours.facts.channels)
        {
            report.push(format!(
                "{}: {ch} channels vs onair {}",
                fields[0], ours.facts.channels
            ));
        }
        let truth: u64 = fields[4].parse().unwrap();
        if let (Some(frames), Some(samples)) = (theirs.frames.filter(|f| *f > 0), ours.samples) {
            // An MP3 without any tag: onair counts its stored frames (within the bound that
            // tests/probe_fixtures.rs pins), and symphonia estimates VBR from the bitrate,
            // which can land nearer the recording's length or farther, by chance.
            let estimated = fields[6] == "frame scan" && frames != samples;
            if !estimated && samples.abs_diff(truth) > frames.abs_diff(truth) {
                report.push(format!(
                    "{}: onair counts {samples} samples, symphonia {frames}, truly {truth}",
                    fields[0]
                ));
            }
            if fields[5] == "0" && frames == truth && samples != frames {
                report.push(format!(
                    "{}: symphonia is exact ({frames}), onair says {samples}",
                    fields[0]
                ));
            }
        }
    }
    assert!(compared >= 10, "symphonia read only {compared} fixtures");
    assert!(report.is_empty(), "{}", report.join("\n"));
}
