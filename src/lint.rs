//! Warnings about a site that builds but should not ship as it is: the sample values `onair
//! init` wrote (which `onair deploy` refuses), episodes with nothing to describe them, and
//! audio files no episode uses.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use crate::config::{CONFIG_FILE, Config, key_line};
use crate::content::{AudioSource, Episode, Site};
use crate::diag::Diagnostic;
use crate::scaffold::{
    COVER_JPEG, PLACEHOLDER_EMAIL, PLACEHOLDER_NAME, PLACEHOLDER_URL, WELCOME_AUDIO,
};

/// The sample values of `onair init` still in the site: in site.yaml (`url:`, `author:`,
/// `owner:`, `copyright:`, the sample cover) and the sample episode. Warnings for `check` and
/// `build`; `onair deploy` refuses each.
pub fn placeholders(site: &Site) -> Vec<Diagnostic> {
    let mut out = config_placeholders(&site.root, &site.config);
    out.extend(
        site.episodes
            .iter()
            .filter_map(|ep| sample_episode(&site.root, ep)),
    );
    out
}

/// The site.yaml part of `placeholders` (all `deploy --no-build` has).
pub fn config_placeholders(root: &Path, config: &Config) -> Vec<Diagnostic> {
    let Ok(text) = std::fs::read_to_string(root.join(CONFIG_FILE)) else {
        return Vec::new();
    };
    let at = |key: &str, message: String| {
        Diagnostic::warning(message)
            .at(CONFIG_FILE)
            .line(key_line(&text, key))
    };
    let mut out = Vec::new();
    if config.base_url == PLACEHOLDER_URL {
        out.push(at("url", format!(
            "`url: {PLACEHOLDER_URL}` is the placeholder `onair init` wrote: set it to the address the site will be published at (every link in the feed is absolute)"
        )));
    }
    if config.author == PLACEHOLDER_NAME {
        out.push(at("author", format!(
            "`author: {PLACEHOLDER_NAME}` is the placeholder `onair init` wrote: give the host's or the company's name"
        )));
    }
    if let Some(owner) = &config.owner {
        if owner.name == PLACEHOLDER_NAME {
            out.push(at("owner", format!(
                "`owner: {{ name: {PLACEHOLDER_NAME} }}` is the placeholder `onair init` wrote: give the owner's name"
            )));
        }
        if owner.email == PLACEHOLDER_EMAIL {
            out.push(at("owner", format!(
                "`email: {PLACEHOLDER_EMAIL}` is the placeholder `onair init` wrote: directories send the show's verification code to this address, so give yours"
            )));
        }
    }
    if config
        .copyright
        .as_deref()
        .is_some_and(|c| c.contains(PLACEHOLDER_NAME))
    {
        out.push(at("copyright", format!(
            "`copyright:` still names \"{PLACEHOLDER_NAME}\", the placeholder `onair init` wrote: give the rights holder"
        )));
    }
    if let Some(image) = config.image.as_deref()
        && is_file_like(&root.join(image), COVER_JPEG)
    {
        out.push(at("image", format!(
            "`image: {image}` is still the sample artwork `onair init` wrote: replace the file with the show's own cover"
        )));
    }
    out.sort_by_key(|d| d.line);
    out
}

fn sample_episode(root: &Path, ep: &Episode) -> Option<Diagnostic> {
    let AudioSource::Local(audio) = &ep.audio else {
        return None;
    };
    if ep.facts.size != WELCOME_AUDIO.len() as u64
        || !is_file_like(&root.join(audio), WELCOME_AUDIO)
    {
        return None;
    }
    Some(
        Diagnostic::warning(format!(
            "this is the sample episode `onair init` wrote (`{audio}` is its five-second sample audio): delete the episode file and the audio before publishing"
        ))
        .at(&ep.file)
        .line(front_matter_line(&ep.path, "audio")),
    )
}

/// Whether the file at `path` holds exactly `bytes` (the size is looked at first).
fn is_file_like(path: &Path, bytes: &[u8]) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.len() == bytes.len() as u64)
        && std::fs::read(path).is_ok_and(|b| b == bytes)
}

fn front_matter_line(path: &Path, key: &str) -> usize {
    std::fs::read_to_string(path).map_or(1, |text| key_line(&text, key))
}

/// Episodes that give apps nothing to show: no `summary:` and no show notes.
pub fn empty_descriptions(episodes: &[Arc<Episode>]) -> Vec<Diagnostic> {
    episodes
        .iter()
        .filter(|ep| ep.summary.trim().is_empty() && ep.notes.html.trim().is_empty())
        .map(|ep| {
            Diagnostic::warning(
                "no `summary:` and no show notes: apps show this episode with an empty description; write a line or two of notes below the front matter, or a `summary:`",
            )
            .at(&ep.file)
        })
        .collect()
}

/// The extensions of the audio and video files an episode can name.
const MEDIA_EXTENSIONS: &[&str] = &[
    "mp3", "m4a", "m4b", "mp4", "m4v", "mov", "aac", "ogg", "oga", "opus", "flac", "wav",
];

/// Media files in the site's `audio/` folder that no episode names (drafts and scheduled
/// episodes included, in `used`): usually an episode that lost its `audio:` or names another
/// file. Such a file is not published.
pub fn unused_audio(root: &Path, used: &HashSet<String>) -> Vec<Diagnostic> {
    let dir = root.join("audio");
    walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(root).ok()?;
            let key = rel.to_string_lossy().replace('\\', "/");
            let ext = key.rsplit_once('.')?.1.to_ascii_lowercase();
            (MEDIA_EXTENSIONS.contains(&ext.as_str()) && !used.contains(&key)).then_some(key)
        })
        .map(|key| {
            Diagnostic::warning(format!(
                "no episode uses this file, so it is not published: give an episode `audio: {key}`, or remove the file"
            ))
            .at(&key)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_audio_file_no_episode_names_is_reported_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("audio/old")).unwrap();
        for f in ["audio/a.mp3", "audio/old/b.M4A", "audio/notes.txt"] {
            std::fs::write(dir.path().join(f), b"x").unwrap();
        }
        let used = HashSet::from(["audio/a.mp3".to_string()]);
        let got: Vec<String> = unused_audio(dir.path(), &used)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            got,
            [
                "audio/old/b.M4A: warning: no episode uses this file, so it is not published: give an episode `audio: audio/old/b.M4A`, or remove the file"
            ]
        );
    }
}
