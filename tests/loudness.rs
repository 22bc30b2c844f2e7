//! Loudness (docs/loudness.md): `onair probe --loudness` on fixtures of known level
//! (scripts/make-loudness-fixtures.py), cross-checked with ffmpeg's ebur128 filter when ffmpeg
//! is installed; `loudness:` in site.yaml: the build's warnings, the lock's cache, and builds
//! without it never decoding.

mod site_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use site_support::{copy_site, fixture, onair};

fn audio(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/audio")
        .join(name)
}

/// `probe --loudness --json` of one file: (integrated LUFS, true peak dBTP, range LU); an
/// integrated loudness of none (audio shorter than one 0.4 s block) as -70, as ffmpeg says.
fn measured(path: &Path) -> (f64, f64, f64) {
    let (code, stdout, stderr) = onair(&["probe", "--loudness", "--json", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let l = &json[0]["loudness"];
    let f = |k: &str| l[k].as_f64().unwrap_or_else(|| panic!("{k} in {l}"));
    let integrated = if l["integrated_lufs"].is_null() {
        -70.0
    } else {
        f("integrated_lufs")
    };
    (integrated, f("true_peak_dbtp"), f("range_lu"))
}

fn near(what: &str, got: f64, want: f64, within: f64) {
    assert!(
        (got - want).abs() <= within,
        "{what}: measured {got}, expected {want} ±{within}"
    );
}

#[test]
fn sines_of_known_level_measure_as_bs1770_says() {
    // A 1 kHz sine peaking at -20 dBFS: -23.01 LUFS mono (K-weighting's +0.69 dB at 1 kHz
    // and the -0.691 offset cancel), 3.01 LU more on both channels of a stereo file.
    let (i, tp, lra) = measured(&audio("loudness/sine-1k-20dbfs-mono.wav"));
    near("mono integrated", i, -23.01, 0.05);
    near("mono true peak", tp, -20.0, 0.05);
    near("mono range", lra, 0.0, 0.05);
    let (i, tp, lra) = measured(&audio("loudness/sine-1k-20dbfs-stereo.wav"));
    near("stereo integrated", i, -20.0, 0.05);
    near("stereo true peak", tp, -20.0, 0.05);
    near("stereo range", lra, 0.0, 0.05);
    // 4 s at -30 dBFS, then 4 s at -10: the quiet half falls under the relative gate, and the
    // range spans the two levels (ffmpeg 5.1's ebur128 filter: -13.5 LUFS, 19.7 LU, -10.1 dBTP).
    let (i, tp, lra) = measured(&audio("loudness/steps-500hz-30-then-10dbfs.wav"));
    near("steps integrated", i, -13.5, 0.1);
    near("steps true peak", tp, -10.1, 0.1);
    near("steps range", lra, 19.7, 0.2);
}

#[test]
fn human_output_and_opus_refusal() {
    let wav = audio("loudness/sine-1k-20dbfs-stereo.wav");
    let opus = audio("opus.opus");
    let (code, stdout, stderr) = onair(&[
        "probe",
        "--loudness",
        wav.to_str().unwrap(),
        opus.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stdout.contains(
            "\n  loudness  -20.0 LUFS integrated, 0.0 LU range\n  peak      -20.0 dBTP true peak\n"
        ),
        "{stdout}"
    );
    assert!(
        stderr.contains(&format!(
            "{}: error: Opus audio cannot be measured: symphonia, the decoder onair uses, has no Opus decoder",
            opus.display()
        )),
        "{stderr}"
    );
}

/// ffmpeg's ebur128 filter: (integrated, true peak, range) from its summary.
fn ffmpeg_figures(path: &Path) -> Option<(f64, f64, f64)> {
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostats", "-i"])
        .arg(path)
        .args(["-af", "ebur128=peak=true", "-f", "null", "-"])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stderr);
    let summary = &text[text.rfind("Summary:")?..];
    let value = |label: &str| -> Option<f64> {
        let at = summary.find(label)? + label.len();
        summary[at..].split_whitespace().next()?.parse().ok()
    };
    Some((value("I:")?, value("Peak:")?, value("LRA:")?))
}

#[test]
fn agrees_with_ffmpeg_within_half_a_unit() {
    if Command::new("ffmpeg").arg("-version").output().is_err() {
        println!(
            "note: ffmpeg is not installed: the comparison with its ebur128 filter is skipped"
        );
        return;
    }
    let files = [
        "loudness/sine-1k-20dbfs-mono.wav",
        "loudness/sine-1k-20dbfs-stereo.wav",
        "loudness/steps-500hz-30-then-10dbfs.wav",
        "flac.flac",
        "mp3-cbr-info.mp3",
        "mp3-mpeg2-lame-vbr-stereo.mp3",
        "m4a-moov-first.m4a",
        "vorbis.ogg",
        "wav-s16-stereo.wav",
    ];
    for name in files {
        let path = audio(name);
        let ours = measured(&path);
        let theirs = ffmpeg_figures(&path).unwrap_or_else(|| panic!("ffmpeg's summary of {name}"));
        near(&format!("{name} integrated"), ours.0, theirs.0, 0.5);
        near(&format!("{name} true peak"), ours.1, theirs.1, 0.5);
        near(&format!("{name} range"), ours.2, theirs.2, 0.5);
    }
}

const QUIET: &str = "episodes/2026-01-05-quiet.md:5: warning: the loudness of audio/quiet.wav is off target: measured -23 LUFS, 7 LU below the target -16 ±1\n";
const LOUD: &str = "episodes/2026-01-12-loud.md:5: warning: the loudness of audio/loud.wav is off target: measured -3.5 LUFS, 12.5 LU above the target -16 ±1; true peak -0.5 dBTP is above -1\n";

fn lock(root: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(root.join("onair.lock")).unwrap()).unwrap()
}

#[test]
fn build_and_check_warn_at_the_audio_line_and_the_lock_keeps_the_figures() {
    let (_tmp, root) = copy_site(&fixture("loudness"));
    let site = root.to_str().unwrap();
    let (code, _, stderr) = onair(&["build", site]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains(QUIET), "{stderr}");
    assert!(stderr.contains(LOUD), "{stderr}");
    assert!(!stderr.contains("right.wav"), "{stderr}");
    let (code, _, stderr) = onair(&["check", site]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains(QUIET) && stderr.contains(LOUD), "{stderr}");

    // The figures live under the audio's sampled hash; a later build reads them, not the audio.
    let mut lock = lock(&root);
    let sample = lock["audio"]["audio/quiet.wav"]["sample"]
        .as_str()
        .unwrap()
        .to_string();
    // -22.99 at 8 kHz, where the K-weighting filters are recomputed for the rate.
    assert_eq!(lock["loudness"][&sample]["integrated"], -22.99);
    assert_eq!(lock["loudness"].as_object().unwrap().len(), 3);
    lock["loudness"][&sample]["integrated"] = serde_json::json!(-20.0);
    std::fs::write(root.join("onair.lock"), lock.to_string()).unwrap();
    let (code, _, stderr) = onair(&["build", site]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(
            "the loudness of audio/quiet.wav is off target: measured -20 LUFS, 4 LU below"
        ),
        "{stderr}"
    );
}

#[test]
fn without_loudness_builds_never_decode() {
    let (_tmp, root) = copy_site(&fixture("loudness"));
    let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    let without: String = yaml
        .lines()
        .filter(|l| !l.starts_with("loudness:"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(root.join("site.yaml"), without).unwrap();
    let (code, _, stderr) = onair(&["build", root.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("loudness"), "{stderr}");
    assert!(lock(&root).get("loudness").is_none());
}

#[test]
fn a_bad_target_is_an_error_at_its_line() {
    let (_tmp, root) = copy_site(&fixture("loudness"));
    let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    let bad = yaml.replace("target: -16", "target: 16");
    std::fs::write(root.join("site.yaml"), bad).unwrap();
    let (code, _, stderr) = onair(&["build", root.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("site.yaml:9: error: `loudness: target: 16` must be a loudness in LUFS between -70 and 0"),
        "{stderr}"
    );
}

#[test]
fn probe_lock_records_the_figures() {
    let (_tmp, root) = copy_site(&fixture("loudness"));
    let file = root.join("audio/right.wav");
    let (code, _, stderr) = onair(&[
        "probe",
        "--loudness",
        "--lock",
        "--site",
        root.to_str().unwrap(),
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let lock = lock(&root);
    let sample = lock["audio"]["audio/right.wav"]["sample"].as_str().unwrap();
    assert_eq!(lock["loudness"][sample]["integrated"], -15.98);
}
