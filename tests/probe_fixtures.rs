//! Every committed audio fixture probes as scripts/make-audio-fixtures.sh recorded it in
//! tests/fixtures/audio/expected.tsv: exact sample counts (within the stated tolerance),
//! method, format; bad files fail with the recorded message.

use std::path::{Path, PathBuf};

use onair::audio::{AudioFormat, probe_file, probe_file_detailed};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audio")
}

struct Row {
    file: String,
    fields: Vec<String>,
}

fn expected() -> Vec<Row> {
    let text = std::fs::read_to_string(fixtures().join("expected.tsv")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut parts = l.split('\t').map(str::to_string);
            Row {
                file: parts.next().unwrap(),
                fields: parts.collect(),
            }
        })
        .collect()
}

fn format_named(name: &str) -> AudioFormat {
    serde_json::from_value(serde_json::Value::String(name.into())).unwrap()
}

#[test]
fn fixtures_probe_to_their_known_lengths() {
    let rows = expected();
    assert!(
        rows.len() >= 20,
        "expected.tsv lists {} fixtures",
        rows.len()
    );
    let mut failures = Vec::new();
    for row in &rows {
        let path = fixtures().join(&row.file);
        let result = probe_file_detailed(&path);
        if row.fields[0] == "error" {
            match result {
                Ok(p) => failures.push(format!(
                    "{}: probed as {:?}, expected an error",
                    row.file, p.facts
                )),
                Err(e) if !e.message.starts_with(&row.fields[1]) => failures.push(format!(
                    "{}: error `{}` does not start with `{}`",
                    row.file, e.message, row.fields[1]
                )),
                Err(e) => assert_eq!(e.path, path, "the error names the file"),
            }
            continue;
        }
        let p = match result {
            Ok(p) => p,
            Err(e) => {
                failures.push(format!("{}: {e}", row.file));
                continue;
            }
        };
        let f = &p.facts;
        let [format, rate, channels, samples, tolerance_ms, method] = &row.fields[..] else {
            panic!("bad row for {}", row.file);
        };
        let rate: u32 = rate.parse().unwrap();
        let samples: u64 = samples.parse().unwrap();
        let tolerance_ms: f64 = tolerance_ms.parse().unwrap();
        let true_duration = samples as f64 / f64::from(rate);
        let error_ms = (f.duration - true_duration).abs() * 1000.0;
        if f.format != format_named(format)
            || f.sample_rate != rate
            || f.channels.to_string() != *channels
            || f.method != *method
            || error_ms > tolerance_ms.max(0.001)
            || f.size != std::fs::metadata(&path).unwrap().len()
            || f.bitrate == 0
        {
            failures.push(format!(
                "{}: got {:?} (off by {error_ms:.3} ms), expected {format} {rate} Hz {channels} ch \
                 {samples} samples within {tolerance_ms} ms by {method}",
                row.file, f
            ));
        }
        // Tolerance 0: the file records its exact sample count and onair finds it.
        if tolerance_ms == 0.0 && p.samples != Some(samples) {
            failures.push(format!(
                "{}: {:?} samples, expected {samples}",
                row.file, p.samples
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_lying_extension_is_a_warning_to_rename_and_the_content_wins() {
    let file = fixtures().join("really-an-mp3.m4a");
    let p = probe_file_detailed(&file).unwrap();
    assert_eq!(p.facts.format, AudioFormat::Mp3);
    assert_eq!(p.facts.format.mime(), "audio/mpeg");
    assert_eq!(
        p.warnings,
        vec![format!(
            "the file holds MP3 audio, but its name ends in .m4a; rename the file to {} \
             (podcast apps choose how to play a file by its extension)",
            file.with_extension("mp3").display()
        )]
    );
    let clean = probe_file_detailed(&fixtures().join("mp3-cbr-info.mp3")).unwrap();
    assert!(clean.warnings.is_empty(), "{:?}", clean.warnings);
}

#[test]
fn cbr_bitrate_is_the_streams_not_the_tag_frames() {
    let f = probe_file(&fixtures().join("mp3-cbr-info.mp3")).unwrap();
    assert_eq!(f.bitrate, 32_000);
    assert_eq!(f.codec, "mp3");
}

#[test]
fn missing_files_and_directories_are_errors() {
    let e = probe_file(&fixtures().join("no-such-file.mp3")).unwrap_err();
    assert!(e.message.starts_with("cannot read:"), "{e}");
    let e = probe_file(&fixtures()).unwrap_err();
    assert!(e.message.contains("directory"), "{e}");
}
