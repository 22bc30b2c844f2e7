//! `loudness:` in site.yaml: each local episode audio's loudness, measured once per content
//! (the figures are kept in onair.lock under the audio's sampled hash) and compared with the
//! target. Only warnings: onair never changes the audio.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::audio::loudness::{self, Target};
use crate::content::{AudioSource, Episode};
use crate::diag::{Diagnostic, Diagnostics};
use crate::lock::Lock;

/// 1-based line of the `audio:` key of an episode file (read again only for a warning: the
/// build keeps no front matter text).
fn audio_line(path: &Path) -> usize {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let key = if text.starts_with("audio:") || text.contains("\naudio:") {
        "audio"
    } else {
        "audio_url"
    };
    crate::config::key_line(&text, key)
}

/// Measures what the lock does not know yet (each content once, one file per core), records
/// it, and warns at the `audio:` line of each episode outside `target`. Audio that is absent
/// (a CI checkout that has only the lock) and remote audio are not measured.
pub fn check(
    root: &Path,
    target: &Target,
    episodes: &[Arc<Episode>],
    lock: &mut Lock,
    diags: &mut Diagnostics,
) {
    // (episode, lock key, sampled hash) of each local audio the lock has sampled.
    let local: Vec<(&Episode, String, String)> = episodes
        .iter()
        .filter_map(|ep| {
            let AudioSource::Local(rel) = &ep.audio else {
                return None;
            };
            let key = crate::lock::resolve::lock_key(rel)?;
            let sample = lock.audio.get(&key)?.sample.clone()?;
            Some((ep.as_ref(), key, sample))
        })
        .collect();
    let mut missing: HashMap<&str, &str> = HashMap::new();
    for (_, key, sample) in &local {
        if !lock.loudness.contains_key(sample) && root.join(key).is_file() {
            missing.entry(sample.as_str()).or_insert(key.as_str());
        }
    }
    let measured: Vec<(String, Result<loudness::Loudness, String>)> = missing
        .into_par_iter()
        .map(|(sample, key)| (sample.to_string(), loudness::measure_file(&root.join(key))))
        .collect();
    let mut failed: HashMap<String, String> = HashMap::new();
    for (sample, result) in measured {
        match result {
            Ok(figures) => {
                lock.loudness.insert(sample, figures);
            }
            Err(e) => {
                failed.insert(sample, e);
            }
        }
    }
    for (ep, key, sample) in &local {
        let message = match (lock.loudness.get(sample), failed.get(sample)) {
            (Some(figures), _) => match loudness::off_target(figures, target) {
                Some(off) => format!("the loudness of {key} is off target: {off}"),
                None => continue,
            },
            (None, Some(e)) => format!("cannot measure the loudness of {key}: {e}"),
            (None, None) => continue,
        };
        diags.push(
            Diagnostic::warning(message)
                .at(&ep.file)
                .line(audio_line(&ep.path)),
        );
    }
}
