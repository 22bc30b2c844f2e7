//! An episode's companions as the content model holds them: chapters, transcripts and
//! people, each read once when the site loads (`attach`) from the first source that has it
//! (transcripts: every one the episode lists). `render::companions` publishes them.

use std::path::{Path, PathBuf};

use crate::chapters::{self, Chapter, ChaptersField};
use crate::content::Episode;
use crate::diag::Diagnostic;
use crate::people::Person;
use crate::timecode;
use crate::transcript::{self, Transcript};

/// What `attach` found for one episode.
#[derive(Debug, Clone, Default)]
pub struct Companions {
    pub chapters: Vec<Chapter>,
    /// Every transcript read from the site, in the order given.
    pub transcripts: Vec<LocalTranscript>,
    /// The episode's own people (`people:`), not the show's hosts.
    pub people: Vec<Person>,
    /// `chapters:` or `transcript:` given as an http(s) URL: hosted elsewhere (as `onair
    /// import` leaves them), so only linked from the feed and the page, never fetched.
    pub remote_chapters: Option<String>,
    pub remote_transcripts: Vec<RemoteTranscript>,
}

/// A transcript read from a file of the site (or the notes' Transcript section).
#[derive(Debug, Clone)]
pub struct LocalTranscript {
    /// Shared with the episode page's view (`render::TranscriptView`), not copied.
    pub transcript: std::sync::Arc<Transcript>,
    pub format: transcript::Format,
    /// As given (`language:`); None is the site's language.
    pub language: Option<String>,
    /// Site-relative source (the episode file for a notes section).
    pub source: String,
    /// 1-based line of the episode file that names it.
    pub line: usize,
    /// The source text of a JSON transcript, published as written (it may time every word).
    pub json: Option<String>,
}

/// A transcript hosted elsewhere.
#[derive(Debug, Clone)]
pub struct RemoteTranscript {
    pub url: String,
    pub kind: &'static str,
    pub language: Option<String>,
}

fn is_url(s: &str) -> bool {
    let s = s.trim();
    s.starts_with("https://") || s.starts_with("http://")
}

/// The MIME type of a transcript at a URL, told by its extension.
fn transcript_type(url: &str) -> Option<&'static str> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "vtt" => "text/vtt",
        "srt" => "application/x-subrip",
        "json" => "application/json",
        "html" | "htm" => "text/html",
        "txt" => "text/plain",
        _ => return None,
    })
}

/// Reads an episode's chapters, transcript and people from their sources and checks them
/// against its audio. Chapters: a `chapters:` list or JSON file, else the show notes'
/// timestamp lines, else the chapters embedded in the audio (read when it was probed, so a
/// locked build without the audio has them too). Transcripts: see [`attach_transcripts`].
pub fn attach(
    root: &Path,
    ep: &Episode,
    transcript_files: &TranscriptFiles,
) -> (Companions, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let duration = Some(ep.facts.duration).filter(|d| *d > 0.0);
    let source = chapter_source(root, ep, &mut diags);
    let chapters = checked_chapters(
        ep,
        source.chapters,
        duration,
        &source.file,
        source.embedded,
        &mut diags,
    );
    let (transcripts, remote_transcripts) =
        attach_transcripts(root, ep, transcript_files, duration, &mut diags);
    let people = attach_people(ep, &mut diags);
    (
        Companions {
            chapters,
            transcripts,
            people,
            remote_chapters: source.remote,
            remote_transcripts,
        },
        diags,
    )
}

/// An episode's chapters as its source gives them, before they are checked.
struct ChapterSource {
    chapters: Vec<Chapter>,
    /// The file their lines are in: the episode's, or a chapters file.
    file: PathBuf,
    /// Read from the audio file itself: errors name the episode's `audio:` line.
    embedded: bool,
    /// `chapters:` names a URL: published as it is.
    remote: Option<String>,
}

/// Chapters from `chapters:` (a list or a JSON file), else the notes' timestamp lines, else
/// the chapters embedded in the audio.
fn chapter_source(root: &Path, ep: &Episode, diags: &mut Vec<Diagnostic>) -> ChapterSource {
    let file = Path::new(&ep.file);
    let (yaml, yaml_line) = (ep.yaml.as_str(), ep.yaml_line);
    let key_line = |key: &str| chapters::yaml_item_lines(yaml, yaml_line, key);
    let mut remote_chapters = None;
    let mut embedded = false;
    let (chapters, chapter_file): (Vec<Chapter>, PathBuf) = match &ep.front.chapters {
        Some(ChaptersField::File(url)) if is_url(url) => {
            remote_chapters = Some(url.trim().to_string());
            (Vec::new(), file.to_path_buf())
        }
        Some(ChaptersField::List(entries)) => {
            let (key, lines) = key_line("chapters");
            let (found, errors) =
                chapters::from_entries(entries, &lines, key.unwrap_or(yaml_line), file);
            diags.extend(errors);
            (found, file.to_path_buf())
        }
        Some(ChaptersField::File(rel)) => {
            let rel = site_relative(rel);
            match crate::fsutil::read_text(&root.join(&rel), &rel) {
                Ok(text) => {
                    let (found, errors) = chapters::from_json(&text, Path::new(&rel));
                    diags.extend(errors);
                    (found, PathBuf::from(rel))
                }
                Err(d) => {
                    diags.push(
                        Diagnostic::error(format!("chapters file `{rel}`: {}", d.message))
                            .at(file)
                            .line(key_line("chapters").0.unwrap_or(yaml_line)),
                    );
                    (Vec::new(), file.to_path_buf())
                }
            }
        }
        None => {
            let (found, errors) = chapters::from_notes(&ep.body, ep.body_line, file);
            let none_in_notes = found.is_empty() && errors.is_empty();
            diags.extend(errors);
            match ep.facts.chapters.as_deref() {
                Some(stored) if none_in_notes && !stored.is_empty() => {
                    embedded = true;
                    let audio_line = crate::config::key_line(yaml, "audio") + yaml_line - 1;
                    (
                        chapters::from_embedded(stored, audio_line),
                        file.to_path_buf(),
                    )
                }
                _ => (found, file.to_path_buf()),
            }
        }
    };
    ChapterSource {
        chapters,
        file: chapter_file,
        embedded,
        remote: remote_chapters,
    }
}

/// The chapters against the episode's duration: lenient where the duration was typed or
/// imported, strict against a probed one.
fn checked_chapters(
    ep: &Episode,
    chapters: Vec<Chapter>,
    duration: Option<f64>,
    chapter_file: &Path,
    embedded: bool,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Chapter> {
    let file = Path::new(&ep.file);
    // Timestamp lines in notes are prose, and a duration typed by hand (`duration:` of remote
    // audio, which wins over the lock's) may be the wrong one: when they disagree, leave those
    // chapters out and warn, rather than refuse a site that Hugo or Jekyll would publish.
    // Probed durations stay strict: errors naming the line. (Explicit chapter sources against
    // a typed or imported duration: see `chapters::fit_to_unprobed` below.)
    let chapters = match (duration, &ep.front.chapters) {
        (Some(d), None) if duration_typed_by_hand(ep) => {
            let (inside, outside): (Vec<Chapter>, Vec<Chapter>) =
                chapters.into_iter().partition(|c| c.start < d);
            // One warning per episode, on the first such line: a duration typed too short
            // pushes every later timestamp out, and one line says so as well as ten.
            if let Some(first) = outside.first() {
                let stamps = match outside.as_slice() {
                    [only] => format!("timestamp {} is", timecode::display(only.start)),
                    [.., last] => format!(
                        "{} timestamps ({} to {}) are",
                        outside.len(),
                        timecode::display(first.start),
                        timecode::display(last.start)
                    ),
                    [] => unreachable!("outside has a first chapter"),
                };
                let what = if outside.len() == 1 {
                    "a chapter"
                } else {
                    "chapters"
                };
                diags.push(
                    Diagnostic::warning(format!(
                        "{stamps} past the `duration:` given for this episode ({}): not published as {what}; check `duration:`",
                        timecode::display(d)
                    ))
                    .at(file)
                    .line(first.line),
                );
            }
            inside
        }
        _ => chapters,
    };
    // Any other chapter source against a duration from an imported feed or front matter:
    // the same leniency, chapter by chapter (embedded chapters come with probed facts).
    let chapters = match duration {
        Some(d) if (!ep.facts.probed() || duration_typed_by_hand(ep)) && !embedded => {
            let whose = if duration_typed_by_hand(ep) {
                "the typed `duration:`"
            } else {
                "the imported feed's"
            };
            let (kept, warnings) = chapters::fit_to_unprobed(chapters, d, whose, chapter_file);
            diags.extend(warnings);
            kept
        }
        _ => chapters,
    };
    let chapter_errors = chapters::validate(&chapters, duration, chapter_file);
    diags.extend(chapter_errors.into_iter().map(|mut d| {
        if embedded {
            d.message.push_str(
                " (chapters embedded in the audio file: fix them there, or give `chapters:`)",
            );
        }
        d
    }));

    chapters
}

/// `people:` of the front matter, each once.
fn attach_people(ep: &Episode, diags: &mut Vec<Diagnostic>) -> Vec<Person> {
    let file = Path::new(&ep.file);
    let (yaml, yaml_line) = (ep.yaml.as_str(), ep.yaml_line);
    let key_line = |key: &str| chapters::yaml_item_lines(yaml, yaml_line, key);
    let mut people = Vec::new();
    if let Some(entries) = &ep.front.people {
        let (key, lines) = key_line("people");
        for (i, entry) in entries.iter().enumerate() {
            let line = lines.get(i).copied().or(key);
            match entry.resolve(file, line) {
                Ok(p) if people.iter().any(|q: &Person| q.slug == p.slug) => diags.push(
                    Diagnostic::error(format!("`{}` is listed twice in `people`", p.name))
                        .at(file)
                        .line(line.unwrap_or(yaml_line)),
                ),
                Ok(p) => people.push(p),
                Err(errors) => diags.extend(errors),
            }
        }
    }
    people
}

/// The episode's duration is its `duration:` key, not a probe's: remote audio only (local
/// audio is always probed).
fn duration_typed_by_hand(ep: &Episode) -> bool {
    matches!(ep.audio, crate::content::AudioSource::Remote(_)) && ep.front.duration.is_some()
}

pub(crate) fn site_relative(path: &str) -> String {
    path.trim()
        .trim_start_matches("./")
        .trim_start_matches('/')
        .to_string()
}

/// The episode's transcripts: those `transcript:`/`transcripts:` lists (files must exist;
/// URLs are linked, not fetched), else every transcripts/<file stem or slug>.{vtt,srt,json}
/// (a .txt only when there is none of those), else a Transcript section of the notes.
fn attach_transcripts(
    root: &Path,
    ep: &Episode,
    transcript_files: &TranscriptFiles,
    duration: Option<f64>,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<LocalTranscript>, Vec<RemoteTranscript>) {
    let file = Path::new(&ep.file);
    let mut local = Vec::new();
    let mut remote = Vec::new();
    for (given, language, line) in wanted_transcripts(ep, transcript_files) {
        let err = |m: String| Diagnostic::error(m).at(file).line(line);
        if let Some(lang) = &language
            && !crate::config::valid_language(lang)
        {
            diags.push(err(format!(
                "transcript language `{lang}` is not an ISO 639 code such as `en` or `pt-br`"
            )));
            continue;
        }
        if is_url(&given) {
            match transcript_type(&given) {
                Some(kind) => remote.push(RemoteTranscript { url: given, kind, language }),
                None => diags.push(
                    Diagnostic::warning(format!(
                        "transcript `{given}`: its type cannot be told from the URL (.vtt, .srt, .json, .html or .txt); it is not published"
                    ))
                    .at(file)
                    .line(line),
                ),
            }
            continue;
        }
        let wanted = Wanted {
            rel: site_relative(&given),
            language,
            line,
        };
        local.extend(read_transcript(root, file, wanted, duration, diags));
    }
    // A transcript given or found as a file, or hosted elsewhere, is the episode's transcript,
    // whatever the notes hold.
    if ep.front.transcript.is_none() && local.is_empty() && remote.is_empty() {
        local.extend(notes_transcript(ep, duration, diags));
    }
    (local, remote)
}

/// The transcripts an episode names (file or URL, language, the line naming it), else those
/// found by its name in transcripts/.
fn wanted_transcripts(
    ep: &Episode,
    transcript_files: &TranscriptFiles,
) -> Vec<(String, Option<String>, usize)> {
    let (yaml, yaml_line) = (ep.yaml.as_str(), ep.yaml_line);
    let Some(field) = &ep.front.transcript else {
        return discover_transcripts(transcript_files, ep)
            .into_iter()
            .map(|rel| (rel, None, 1))
            .collect();
    };
    let key = ["transcripts", "transcript"]
        .into_iter()
        .find(|k| {
            yaml.lines().any(|l| {
                l.strip_prefix(k)
                    .is_some_and(|r| r.trim_start().starts_with(':'))
            })
        })
        .unwrap_or("transcript");
    let (key_line, item_lines) = chapters::yaml_item_lines(yaml, yaml_line, key);
    let key_line = key_line.unwrap_or(yaml_line);
    field
        .entries()
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let line = match field {
                transcript::TranscriptField::List(_) => {
                    item_lines.get(i).copied().unwrap_or(key_line)
                }
                transcript::TranscriptField::One(_) => key_line,
            };
            (
                e.file().trim().to_string(),
                e.language().map(str::to_string),
                line,
            )
        })
        .collect()
}

/// A transcript file of the site an episode names.
struct Wanted {
    rel: String,
    language: Option<String>,
    /// The line of the episode file that names it.
    line: usize,
}

/// Reads and checks one transcript file; None when it is missing, broken or has no cues.
fn read_transcript(
    root: &Path,
    file: &Path,
    wanted: Wanted,
    duration: Option<f64>,
    diags: &mut Vec<Diagnostic>,
) -> Option<LocalTranscript> {
    let Wanted {
        rel,
        language,
        line,
    } = wanted;
    let err = |m: String| Diagnostic::error(m).at(file).line(line);
    if rel.is_empty() {
        diags.push(err(
            "`transcript:` is empty: give a file such as transcripts/218.srt".to_string(),
        ));
        return None;
    }
    if !root.join(&rel).is_file() {
        diags.push(err(format!(
            "transcript `{rel}` not found (a path in the site folder such as transcripts/218.srt)"
        )));
        return None;
    }
    let text = match crate::fsutil::read_text(&root.join(&rel), &rel) {
        Ok(t) => t,
        Err(d) => {
            diags.push(err(format!("transcript `{rel}`: {}", d.message)));
            return None;
        }
    };
    let path = Path::new(&rel);
    let format = transcript::Format::detect(path, &text);
    match transcript::parse(&text, path, duration) {
        Ok(t) => {
            diags.extend(transcript::validate(&t, duration, path));
            (!t.cues.is_empty()).then(|| LocalTranscript {
                transcript: std::sync::Arc::new(t),
                format,
                language,
                source: rel.clone(),
                line,
                json: (format == transcript::Format::Json).then_some(text),
            })
        }
        Err(errors) => {
            diags.extend(errors);
            None
        }
    }
}

/// A Transcript section of the show notes, as the episode's transcript.
fn notes_transcript(
    ep: &Episode,
    duration: Option<f64>,
    diags: &mut Vec<Diagnostic>,
) -> Option<LocalTranscript> {
    let file = Path::new(&ep.file);
    match transcript::from_notes_section(&ep.body, ep.body_line, file, duration)? {
        Ok(t) => {
            diags.extend(transcript::validate(&t, duration, file));
            (!t.cues.is_empty()).then(|| LocalTranscript {
                transcript: std::sync::Arc::new(t),
                format: transcript::Format::TimestampedText,
                language: None,
                source: ep.file.clone(),
                line: ep.body_line,
                json: None,
            })
        }
        Err(errors) => {
            diags.extend(errors);
            None
        }
    }
}

/// The files of the site's transcripts/ folder, listed once per build: every episode looks
/// for its transcripts by name, and a listing is one system call where eight lookups per
/// episode were thousands.
#[derive(Default)]
pub struct TranscriptFiles(std::collections::HashSet<String>);

impl TranscriptFiles {
    pub fn list(root: &Path) -> TranscriptFiles {
        let Ok(entries) = std::fs::read_dir(root.join("transcripts")) else {
            return TranscriptFiles::default();
        };
        TranscriptFiles(
            entries
                .flatten()
                .filter(|e| {
                    // Like `Path::is_file`: a link counts by what it points to.
                    e.file_type()
                        .is_ok_and(|t| t.is_file() || (t.is_symlink() && e.path().is_file()))
                })
                .filter_map(|e| e.file_name().into_string().ok())
                .collect(),
        )
    }

    fn has(&self, name: &str) -> bool {
        self.0.contains(name)
    }
}

/// Transcript files found by name: transcripts/<file stem or slug>.{vtt,srt,json}, every one
/// that exists for the first name that has any; a .txt only when there is none of those.
fn discover_transcripts(files: &TranscriptFiles, ep: &Episode) -> Vec<String> {
    let stem = ep
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    for name in [stem.as_str(), ep.slug.as_str()] {
        if name.is_empty() {
            continue;
        }
        let exists = |ext: &str| {
            let file = format!("{name}.{ext}");
            files.has(&file).then(|| format!("transcripts/{file}"))
        };
        let found: Vec<String> = ["vtt", "srt", "json"]
            .into_iter()
            .filter_map(exists)
            .collect();
        if !found.is_empty() {
            return found;
        }
        if let Some(txt) = exists("txt") {
            return vec![txt];
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transcript_types_by_extension() {
        assert_eq!(
            transcript_type("https://x.example/t.VTT?x=1"),
            Some("text/vtt")
        );
        assert_eq!(
            transcript_type("https://x.example/a/t.srt"),
            Some("application/x-subrip")
        );
        assert_eq!(transcript_type("https://x.example/transcript"), None);
    }
}
