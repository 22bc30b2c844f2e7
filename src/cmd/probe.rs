//! `onair probe FILE|URL... [--json] [--lock [--site DIR]]`: each audio's exact facts, and
//! optionally recorded in a site's onair.lock (how remote audio gets its length into builds);
//! `--loudness` also decodes local files and measures their loudness (crate::audio::loudness).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rayon::prelude::*;

use crate::audio::loudness::{self, Loudness};
use crate::audio::{self, AudioFacts, AudioFormat, Probe};
use crate::cli::ProbeArgs;
use crate::diag::Diagnostic;
use crate::lock::{self, Lock, LockedAudio};

fn is_url(s: &str) -> bool {
    s.starts_with("https://") || s.starts_with("http://")
}

/// `3723.456` -> `1:02:03` (rounded to whole seconds, as itunes:duration is).
pub fn hms(seconds: f64) -> String {
    let s = seconds.round() as u64;
    format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

fn probe_one(target: &str) -> Result<Probe, String> {
    if is_url(target) {
        audio::remote::probe_url(target)
    } else {
        audio::probe_file_detailed(Path::new(target)).map_err(|e| e.message)
    }
}

fn to_json(target: &str, result: &Result<Probe, String>) -> serde_json::Value {
    match result {
        Ok(p) => {
            let f = &p.facts;
            serde_json::json!({
                "file": target,
                "format": f.format,
                "mime": f.format.mime(),
                "size": f.size,
                "duration": (f.duration * 1000.0).round() / 1000.0,
                "duration_hms": hms(f.duration),
                "samples": p.samples,
                "codec": f.codec,
                "sample_rate": f.sample_rate,
                "channels": f.channels,
                "bitrate": f.bitrate,
                "method": f.method,
                "note": probe_note(f),
                "chapters": f.chapters.as_deref().unwrap_or_default(),
                "warnings": p.warnings,
            })
        }
        Err(e) => serde_json::json!({ "file": target, "error": e }),
    }
}

/// Why a length is not sample-exact, where the file cannot say.
fn probe_note(f: &AudioFacts) -> Option<String> {
    (f.format == AudioFormat::Mp3 && f.method == "frame scan")
        .then(|| crate::audio::mp3::frame_scan_note(f.sample_rate))
}

/// `--loudness`: the figures of each target, measured in parallel (one file per core). None
/// without `--loudness`.
fn measure_all(args: &ProbeArgs) -> Vec<Option<Result<Loudness, String>>> {
    args.files
        .par_iter()
        .map(|target| {
            args.loudness.then(|| {
                if is_url(target) {
                    Err("the loudness of remote audio is not measured: download the file and probe it (onair never downloads whole episodes to measure them)".to_string())
                } else {
                    loudness::measure_file(Path::new(target))
                }
            })
        })
        .collect()
}

fn loudness_json(result: &Option<Result<Loudness, String>>) -> serde_json::Value {
    match result {
        None => serde_json::Value::Null,
        Some(Ok(l)) => serde_json::json!({
            "integrated_lufs": l.integrated,
            "true_peak_dbtp": l.true_peak,
            "range_lu": l.range,
        }),
        Some(Err(e)) => serde_json::json!({ "error": e }),
    }
}

fn print_loudness(l: &Loudness) {
    let integrated = l
        .integrated
        .map_or("none (silent, or shorter than 0.4 s)".to_string(), |i| {
            format!("{i:.1} LUFS integrated")
        });
    let peak = l
        .true_peak
        .map_or("none (digital silence)".to_string(), |p| {
            format!("{p:.1} dBTP true peak")
        });
    println!("  loudness  {integrated}, {:.1} LU range", l.range);
    println!("  peak      {peak}");
}

fn print_human(target: &str, p: &Probe) {
    let f = &p.facts;
    println!("{target}");
    println!("  duration  {:.3} s ({})", f.duration, hms(f.duration));
    println!("  size      {} bytes", f.size);
    println!("  type      {} ({})", f.format.mime(), f.codec);
    println!(
        "  audio     {} Hz, {} channel{}, {} kb/s average",
        f.sample_rate,
        f.channels,
        if f.channels == 1 { "" } else { "s" },
        (f64::from(f.bitrate) / 1000.0).round()
    );
    println!("  method    {}", f.method);
    if let Some(note) = probe_note(f) {
        println!("  note      {note}");
    }
    for (i, c) in f.chapters.iter().flatten().enumerate() {
        let label = if i == 0 { "chapters" } else { "" };
        println!("  {label:<8}  {:>9.3} s  {}", c.start, c.title);
    }
}

/// The lock key of `target`: the URL, or the file's path relative to the site.
fn lock_key(site: &Path, target: &str) -> Result<String, String> {
    if is_url(target) {
        return Ok(target.to_string());
    }
    let root = site
        .canonicalize()
        .map_err(|e| format!("cannot open the site folder {}: {e}", site.display()))?;
    let file = Path::new(target)
        .canonicalize()
        .map_err(|e| format!("cannot resolve the path: {e}"))?;
    let rel: PathBuf = file
        .strip_prefix(&root)
        .map_err(|_| {
            format!(
                "--lock records files inside the site folder {} only",
                root.display()
            )
        })?
        .to_path_buf();
    lock::resolve::lock_key(&rel.to_string_lossy())
        .ok_or_else(|| "cannot record this path in the lock".to_string())
}

fn lock_entry(target: &str, probe: &Probe) -> Result<LockedAudio, String> {
    if is_url(target) {
        return Ok(LockedAudio {
            mtime_ns: None,
            blake3: None,
            sample: None,
            facts: probe.facts.clone(),
        });
    }
    let meta = std::fs::metadata(target).map_err(|e| format!("cannot read: {e}"))?;
    let mtime_ns = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as i128);
    let sample =
        lock::resolve::sample_file(Path::new(target)).map_err(|e| format!("cannot read: {e}"))?;
    Ok(LockedAudio {
        mtime_ns,
        blake3: None,
        sample: Some(sample),
        facts: probe.facts.clone(),
    })
}

pub fn run(args: &ProbeArgs) -> ExitCode {
    let mut lock = if args.lock {
        match Lock::load(&args.site) {
            Ok(l) => Some(l),
            Err(d) => {
                eprintln!("{d}");
                return super::exit(super::EXIT_ERRORS);
            }
        }
    } else {
        None
    };
    let mut failed = false;
    let mut json = Vec::new();
    let measured = measure_all(args);
    for (target, measured) in args.files.iter().zip(&measured) {
        let mut result = probe_one(target);
        if let (Some(lock), Ok(probe)) = (lock.as_mut(), &result) {
            match lock_key(&args.site, target).and_then(|k| Ok((k, lock_entry(target, probe)?))) {
                Ok((key, entry)) => {
                    if let (Some(Ok(l)), Some(sample)) = (measured, &entry.sample) {
                        lock.loudness.insert(sample.clone(), *l);
                    }
                    lock.audio.insert(key, entry);
                }
                Err(e) => result = Err(e),
            }
        }
        if args.json {
            let mut value = to_json(target, &result);
            if args.loudness {
                value["loudness"] = loudness_json(measured);
            }
            json.push(value);
        }
        // A file that does not even probe has its one error below.
        if let (Some(Err(e)), Ok(_)) = (measured, &result) {
            failed = true;
            eprintln!("{}", Diagnostic::error(e.clone()).at(target));
        }
        match &result {
            Ok(probe) => {
                if !args.json {
                    print_human(target, probe);
                    if let Some(Ok(l)) = measured {
                        print_loudness(l);
                    }
                }
                for w in &probe.warnings {
                    eprintln!("{}", Diagnostic::warning(w.clone()).at(target));
                }
            }
            Err(e) => {
                failed = true;
                eprintln!("{}", Diagnostic::error(e.clone()).at(target));
            }
        }
    }
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json).expect("JSON values serialize")
        );
    }
    if let Some(lock) = &lock {
        if let Err(d) = lock.save(&args.site) {
            eprintln!("{d}");
            failed = true;
        } else if !args.json {
            eprintln!("recorded in {}", Lock::path(&args.site).display());
        }
    }
    super::exit(if failed {
        super::EXIT_ERRORS
    } else {
        super::EXIT_OK
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hms_rounds_to_whole_seconds() {
        assert_eq!(hms(3723.456), "1:02:03");
        assert_eq!(hms(59.6), "0:01:00");
        assert_eq!(hms(0.2), "0:00:00");
    }
}
