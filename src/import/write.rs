//! Writing a plan: every file is first written into a staging folder, then moved into the
//! site without ever replacing a file (a hard link fails when the name is taken). A failure
//! at any point removes what this import had put in place, so nothing is half-written.

use std::path::{Path, PathBuf};

use super::plan::Plan;
use super::yaml::scalar;
use super::{ImportReport, one};
use crate::diag::{Diagnostic, Diagnostics};

pub fn write(plan: &Plan, dir: &Path) -> Result<ImportReport, Diagnostics> {
    let mut files = planned_files(plan);
    let mut warnings = plan.warnings.clone();
    download_companions(plan, &mut files, &mut warnings)?;
    let onair_dir = dir.join(".onair");
    let created_onair = !onair_dir.exists();
    let created_dir = !dir.exists();
    // Audio goes into onair's cache first (resumable), and is linked into audio/ with the
    // episode files once everything is in hand.
    let mut renamed = Vec::new();
    let audio = download_audio(plan, dir, &mut renamed).inspect_err(|_| {
        // Partial downloads stay for the next run to resume; empty folders do not.
        let downloads = onair_dir.join(DOWNLOADS);
        for d in [downloads.join("audio"), downloads] {
            let _ = std::fs::remove_dir(d);
        }
        if created_onair {
            let _ = std::fs::remove_dir(&onair_dir);
        }
        if created_dir {
            let _ = std::fs::remove_dir(dir);
        }
    })?;
    rename_audio(&mut files, &renamed);
    for (name, _) in &files {
        if dir.join(name).exists() {
            return Err(one(Diagnostic::error(
                "already exists: onair import never overwrites a file; move it away or import into another folder",
            )
            .at(dir.join(name))));
        }
    }
    let report = ImportReport {
        written: files
            .iter()
            .map(|(n, _)| n.clone())
            .chain(audio.iter().map(|(n, _)| n.clone()))
            .collect(),
        already_present: plan.already_present.clone(),
        warnings,
        skipped: plan.skipped.clone(),
        guessed: plan.guessed.clone(),
    };
    let fail = |what: &str, path: &Path, e: std::io::Error| {
        one(Diagnostic::error(format!("cannot {what}: {e}")).at(path))
    };

    if !dir.exists() {
        // A new site: stage it whole beside its final place, then one rename.
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| fail("create the folder", &parent, e))?;
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "site".into());
        let staging = parent.join(format!(".{name}.import-{}", std::process::id()));
        let result = stage(&staging, &files, plan).and_then(|()| {
            std::fs::rename(&staging, dir).map_err(|e| fail("create the site", dir, e))
        });
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&staging);
        }
        return result.map(|()| report);
    }

    let staging = onair_dir.join(format!("import-{}", std::process::id()));
    let result =
        stage(&staging, &files, plan).and_then(|()| move_in(&staging, dir, &files, &audio, plan));
    let _ = std::fs::remove_dir_all(&staging);
    if result.is_ok() {
        // The audio is in audio/ now; its cached copies (the same files) go.
        let downloads = onair_dir.join(DOWNLOADS);
        for (_, cached) in &audio {
            let _ = std::fs::remove_file(cached);
            // And the folders it was in (a show's: shows/<name>/audio/), when empty.
            for folder in cached.ancestors().skip(1) {
                if !folder.starts_with(&downloads) || std::fs::remove_dir(folder).is_err() {
                    break;
                }
            }
        }
        let _ = std::fs::remove_dir(downloads.join("audio"));
        let _ = std::fs::remove_dir(&downloads);
    }
    // An earlier, interrupted run may have made .onair/ for its downloads: gone when empty.
    if created_onair || plan.episodes.iter().any(|e| e.audio_download.is_some()) {
        let _ = std::fs::remove_dir(&onair_dir);
    }
    result.map(|()| report)
}

/// The text files of a plan: site.yaml, show.yaml, episodes and pages.
fn planned_files(plan: &Plan) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    if let Some(cfg) = &plan.config {
        files.push((
            crate::config::CONFIG_FILE.to_string(),
            cfg.clone().into_bytes(),
        ));
    }
    if let Some((file, text)) = &plan.show_config {
        files.push((file.clone(), text.clone().into_bytes()));
    }
    for ep in &plan.episodes {
        files.push((ep.file.clone(), ep.content.clone().into_bytes()));
    }
    for (file, content) in &plan.pages {
        files.push((file.clone(), content.clone().into_bytes()));
    }
    files
}

/// Chapters, transcripts (`--download`) and artwork (`--download-audio`) into `files`.
/// Downloads happen before anything is written: a failed chapters or transcript download
/// fails the import.
fn download_companions(
    plan: &Plan,
    files: &mut Vec<(String, Vec<u8>)>,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(), Diagnostics> {
    let mut diags = Diagnostics::new();
    for ep in &plan.episodes {
        for (url, path) in &ep.downloads {
            match super::fetch::get(url, 64 * 1024 * 1024) {
                Ok((bytes, _)) => files.push((path.clone(), bytes)),
                Err(e) => diags
                    .push(Diagnostic::error(format!("cannot download {url}: {e}")).at(&ep.file)),
            }
        }
    }
    let artwork = download_artwork(plan, files, warnings);
    files.extend(artwork);
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(())
}

/// The largest image `--download-audio` copies (artwork is a few MB at most).
const MAX_ARTWORK_BYTES: u64 = 64 * 1024 * 1024;

/// `.jpg` or `.png` as the bytes are (JPEG or PNG), whatever the URL said; None for other
/// content, which keeps its name (the build says what is wrong with it).
fn artwork_extension(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpg")
    } else {
        None
    }
}

/// Downloads the plan's artwork into `files`. An image whose content is not what its
/// planned name says (a PNG behind a `.jpg` URL) is named by its content, and the files
/// that name it (site.yaml, episodes) say so. An image that cannot be fetched stays at its
/// URL, with a warning: the show's audio is what must not be left behind half-copied.
fn download_artwork(
    plan: &Plan,
    files: &mut [(String, Vec<u8>)],
    warnings: &mut Vec<Diagnostic>,
) -> Vec<(String, Vec<u8>)> {
    let mut fetched = Vec::new();
    let mut renamed: Vec<(String, String)> = Vec::new();
    for art in &plan.artwork {
        let bytes = match super::fetch::get(&art.url, MAX_ARTWORK_BYTES) {
            Ok((bytes, _)) => bytes,
            Err(e) => {
                warnings.push(
                    Diagnostic::warning(format!(
                        "cannot download the artwork {}: {e}; it stays on the old host: copy it into assets/ and name it in `image:`",
                        art.url
                    ))
                    .at(&art.url),
                );
                renamed.push((scalar(&art.named), scalar(&art.url)));
                continue;
            }
        };
        let mut path = art.path.clone();
        if let Some(ext) = artwork_extension(&bytes)
            && let Some((stem, old)) = art.named.rsplit_once('.')
            && old != ext
        {
            let named = format!("{stem}.{ext}");
            path = format!("{}{named}", &art.path[..art.path.len() - art.named.len()]);
            renamed.push((scalar(&art.named), scalar(&named)));
        }
        fetched.push((path, bytes));
    }
    for (name, content) in files.iter_mut() {
        if !(name.ends_with(".md") || name.ends_with(".yaml")) {
            continue;
        }
        for (old, new) in &renamed {
            let (old, new) = (format!("image: {old}\n"), format!("image: {new}\n"));
            let text = String::from_utf8_lossy(content);
            if text.contains(&old) {
                *content = text.replace(&old, &new).into_bytes();
            }
        }
    }
    fetched
}

/// Where downloads wait inside `.onair/` until the import is complete.
const DOWNLOADS: &str = "downloads";

/// Downloads every episode's audio that `--download-audio` asked for into
/// `.onair/downloads/`, returning (site path, cached file) for each file to link into the
/// site. A file already in the site with the same bytes is kept (and not listed); one with
/// other bytes is an error: never overwritten. Every failure is reported, item by item.
/// The name a downloaded audio file should have when its content is not what its planned
/// name says (an M4A behind an `.mp3` URL): the build would refuse it as it is.
fn named_by_content(path: &str, file: &Path) -> Option<String> {
    let format = crate::audio::probe_file(file).ok()?.format;
    crate::audio::misnamed_problem(path, format)?;
    Some(crate::audio::fitting_name(path, format))
}

/// In the episode files of `files`, `audio: OLD` becomes `audio: NEW` for each renamed audio.
fn rename_audio(files: &mut [(String, Vec<u8>)], renamed: &[(String, String)]) {
    for (_, content) in files.iter_mut().filter(|(n, _)| n.ends_with(".md")) {
        for (old, new) in renamed {
            let (old, new) = (format!("\naudio: {old}\n"), format!("\naudio: {new}\n"));
            let text = String::from_utf8_lossy(content);
            if text.contains(&old) {
                *content = text.replace(&old, &new).into_bytes();
            }
        }
    }
}

fn download_audio(
    plan: &Plan,
    dir: &Path,
    renamed: &mut Vec<(String, String)>,
) -> Result<Vec<(String, PathBuf)>, Diagnostics> {
    let cache = dir.join(".onair").join(DOWNLOADS);
    let mut out = Vec::new();
    let mut diags = Diagnostics::new();
    for d in plan
        .episodes
        .iter()
        .filter_map(|e| e.audio_download.as_ref())
    {
        let (item, feed, line, col) = &d.origin;
        let error = |m: String| {
            Diagnostic::error(format!("{item}: {m}"))
                .at(feed)
                .line_col(*line, *col)
        };
        let dest = dir.join(&d.path);
        if let (Ok(meta), Some(expected)) = (std::fs::metadata(&dest), d.expected)
            && meta.len() != expected
        {
            diags.push(error(format!(
                "{} already exists in the site and is not this episode's audio ({} bytes, the feed says {expected}): onair import never overwrites a file; move it away",
                d.path,
                meta.len()
            )));
            continue;
        }
        let part = cache.join(format!("{}.part", d.path));
        let cached = cache.join(&d.path);
        let bar = super::download::progress_bar(&d.path);
        let result = if cached.is_file() && d.expected.is_some() {
            // Downloaded and checked by an earlier run that did not finish.
            std::fs::metadata(&cached)
                .map(|m| m.len())
                .map_err(|e| super::download::DownloadError::Failed(e.to_string()))
                .and_then(|len| {
                    if Some(len) == d.expected {
                        Ok(len)
                    } else {
                        let _ = std::fs::remove_file(&cached);
                        super::download::fetch_resumable(&d.url, &part, d.expected, &bar)
                    }
                })
        } else {
            super::download::fetch_resumable(&d.url, &part, d.expected, &bar)
        };
        bar.finish_and_clear();
        match result {
            Ok(_) => {
                if part.exists()
                    && let Err(e) = std::fs::rename(&part, &cached)
                {
                    diags.push(error(format!("cannot move {}: {e}", part.display())));
                    continue;
                }
                let (site_path, dest) = match named_by_content(&d.path, &cached) {
                    Some(fitting) => {
                        let from = &d.path[d.path.rfind("audio/").unwrap_or(0)..];
                        let to = &fitting[fitting.rfind("audio/").unwrap_or(0)..];
                        renamed.push((scalar(from), scalar(to)));
                        (fitting.clone(), dir.join(fitting))
                    }
                    None => (d.path.clone(), dest),
                };
                if dest.exists() {
                    match super::download::same_content(&cached, &dest) {
                        Ok(true) => {
                            let _ = std::fs::remove_file(&cached);
                        }
                        Ok(false) => diags.push(error(format!(
                            "{} already exists in the site with other bytes than {}: onair import never overwrites a file; move it away",
                            d.path, d.url
                        ))),
                        Err(e) => diags.push(error(format!("cannot compare with {}: {e}", d.path))),
                    }
                    continue;
                }
                out.push((site_path, cached));
            }
            Err(e) => diags.push(error(format!(
                "cannot download the audio {}: {}",
                d.url,
                e.message()
            ))),
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(out)
}

fn stage(staging: &Path, files: &[(String, Vec<u8>)], plan: &Plan) -> Result<(), Diagnostics> {
    if staging.exists() {
        std::fs::remove_dir_all(staging)
            .map_err(|e| one(Diagnostic::error(format!("cannot clear: {e}")).at(staging)))?;
    }
    for (name, bytes) in files {
        let path = staging.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| one(Diagnostic::error(format!("cannot create: {e}")).at(parent)))?;
        }
        std::fs::write(&path, bytes)
            .map_err(|e| one(Diagnostic::error(format!("cannot write: {e}")).at(&path)))?;
    }
    if plan.lock_changed || plan.config.is_some() {
        std::fs::create_dir_all(staging)
            .map_err(|e| one(Diagnostic::error(format!("cannot create: {e}")).at(staging)))?;
        std::fs::write(staging.join(crate::lock::LOCK_FILE), plan.lock.to_json()).map_err(|e| {
            one(Diagnostic::error(format!("cannot write the lock file: {e}")).at(staging))
        })?;
    }
    Ok(())
}

/// Links each staged file into the site (failing, not replacing, when a name is taken), then
/// replaces the lock atomically. On failure the files linked so far are removed again.
fn move_in(
    staging: &Path,
    dir: &Path,
    files: &[(String, Vec<u8>)],
    audio: &[(String, PathBuf)],
    plan: &Plan,
) -> Result<(), Diagnostics> {
    let mut placed: Vec<PathBuf> = Vec::new();
    let mut made_dirs: Vec<PathBuf> = Vec::new();
    let undo = |placed: &[PathBuf], made_dirs: &[PathBuf]| {
        for p in placed {
            let _ = std::fs::remove_file(p);
        }
        for d in made_dirs.iter().rev() {
            let _ = std::fs::remove_dir(d);
        }
    };
    let sources = files
        .iter()
        .map(|(name, _)| (name, staging.join(name)))
        .chain(audio.iter().map(|(name, cached)| (name, cached.clone())));
    for (name, source) in sources {
        let dest = dir.join(name);
        if let Some(parent) = dest.parent()
            && !parent.exists()
        {
            if let Err(e) = std::fs::create_dir_all(parent) {
                undo(&placed, &made_dirs);
                return Err(one(
                    Diagnostic::error(format!("cannot create: {e}")).at(parent)
                ));
            }
            made_dirs.push(parent.to_path_buf());
        }
        if let Err(e) = std::fs::hard_link(&source, &dest) {
            undo(&placed, &made_dirs);
            let msg = if e.kind() == std::io::ErrorKind::AlreadyExists {
                "already exists: onair import never overwrites a file".to_string()
            } else {
                format!("cannot write: {e}")
            };
            return Err(one(Diagnostic::error(msg).at(&dest)));
        }
        placed.push(dest);
    }
    if plan.lock_changed {
        let lock_path = dir.join(crate::lock::LOCK_FILE);
        if let Err(e) = crate::fsutil::write_atomic(&lock_path, plan.lock.to_json().as_bytes()) {
            undo(&placed, &made_dirs);
            return Err(one(Diagnostic::error(format!(
                "cannot write the lock file: {e}"
            ))
            .at(&lock_path)));
        }
    }
    Ok(())
}
