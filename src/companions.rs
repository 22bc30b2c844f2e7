//! An episode's companions: chapters, transcripts and people. Each is read once, from the
//! first source that has it (transcripts: every one the episode lists), when the site loads
//! (`attach`); rendering then publishes it everywhere from that one model (`publish`): as
//! files (/episodes/<slug>/chapters.json, transcript[.<language>].vtt/.srt/.json/.html), as
//! feed elements (`podcast:chapters`, `podcast:transcript`, `podcast:person`), as template
//! fields, and as people pages (`people_index`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::assets::Assets;
use crate::chapters::{self, Chapter, ChaptersField, ChaptersMeta};
use crate::config::Config;
use crate::content::{Episode, Site};
use crate::diag::Diagnostic;
use crate::people::Person;
use crate::render::feed::ExtraElement;
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
    pub transcript: Transcript,
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
    let file = Path::new(&ep.file);
    let duration = Some(ep.facts.duration).filter(|d| *d > 0.0);
    let (yaml, yaml_line) = (ep.yaml.as_str(), ep.yaml_line);
    let key_line = |key: &str| chapters::yaml_item_lines(yaml, yaml_line, key);

    let mut remote_chapters = None;
    // Chapters read from the audio file itself: errors name the episode's `audio:` line.
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
            match crate::content::read_text(&root.join(&rel), &rel) {
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
            let (kept, warnings) = chapters::fit_to_unprobed(chapters, d, whose, &chapter_file);
            diags.extend(warnings);
            kept
        }
        _ => chapters,
    };
    let chapter_errors = chapters::validate(&chapters, duration, &chapter_file);
    diags.extend(chapter_errors.into_iter().map(|mut d| {
        if embedded {
            d.message.push_str(
                " (chapters embedded in the audio file: fix them there, or give `chapters:`)",
            );
        }
        d
    }));

    let (transcripts, remote_transcripts) =
        attach_transcripts(root, ep, transcript_files, duration, &mut diags);

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
    (
        Companions {
            chapters,
            transcripts,
            people,
            remote_chapters,
            remote_transcripts,
        },
        diags,
    )
}

/// The episode's duration is its `duration:` key, not a probe's: remote audio only (local
/// audio is always probed).
fn duration_typed_by_hand(ep: &Episode) -> bool {
    matches!(ep.audio, crate::content::AudioSource::Remote(_)) && ep.front.duration.is_some()
}

fn site_relative(path: &str) -> String {
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
    let (yaml, yaml_line) = (ep.yaml.as_str(), ep.yaml_line);
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
    // (file or URL, language, line that names it)
    let wanted: Vec<(String, Option<String>, usize)> = match &ep.front.transcript {
        Some(field) => field
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
            .collect(),
        None => discover_transcripts(transcript_files, ep)
            .into_iter()
            .map(|rel| (rel, None, 1))
            .collect(),
    };
    let mut local = Vec::new();
    let mut remote = Vec::new();
    for (given, language, line) in wanted {
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
        let rel = site_relative(&given);
        if rel.is_empty() {
            diags.push(err(
                "`transcript:` is empty: give a file such as transcripts/218.srt".to_string(),
            ));
            continue;
        }
        if !root.join(&rel).is_file() {
            diags.push(err(format!(
                "transcript `{rel}` not found (a path in the site folder such as transcripts/218.srt)"
            )));
            continue;
        }
        let text = match crate::content::read_text(&root.join(&rel), &rel) {
            Ok(t) => t,
            Err(d) => {
                diags.push(err(format!("transcript `{rel}`: {}", d.message)));
                continue;
            }
        };
        let path = Path::new(&rel);
        let format = transcript::Format::detect(path, &text);
        match transcript::parse(&text, path, duration) {
            Ok(t) => {
                diags.extend(transcript::validate(&t, duration, path));
                if !t.cues.is_empty() {
                    local.push(LocalTranscript {
                        transcript: t,
                        format,
                        language,
                        source: rel.clone(),
                        line,
                        json: (format == transcript::Format::Json).then_some(text),
                    });
                }
            }
            Err(errors) => diags.extend(errors),
        }
    }
    // A transcript given or found as a file, or hosted elsewhere, is the episode's transcript,
    // whatever the notes hold.
    if ep.front.transcript.is_none() && local.is_empty() && remote.is_empty() {
        match transcript::from_notes_section(&ep.body, ep.body_line, file, duration) {
            Some(Ok(t)) => {
                diags.extend(transcript::validate(&t, duration, file));
                if !t.cues.is_empty() {
                    local.push(LocalTranscript {
                        transcript: t,
                        format: transcript::Format::TimestampedText,
                        language: None,
                        source: ep.file.clone(),
                        line: ep.body_line,
                        json: None,
                    });
                }
            }
            Some(Err(errors)) => diags.extend(errors),
            None => {}
        }
    }
    (local, remote)
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

/// Image settings of chapters and people (`assets/alex.jpg` or a URL) as absolute URLs.
pub struct Images<'a> {
    pub config: &'a Config,
    pub assets: &'a Assets,
}

impl Images<'_> {
    pub fn resolve(&self, image: &str) -> Result<String, String> {
        if image.starts_with("https://") || image.starts_with("http://") {
            return Ok(image.to_string());
        }
        let name = site_relative(image);
        let name = name.strip_prefix("assets/").unwrap_or(&name);
        self.assets
            .key(name)
            .map(|key| self.config.absolute(key))
            .ok_or_else(|| {
                format!("image `{image}` not found: put it in the site's assets/ folder")
            })
    }

    fn resolve_or_report(
        &self,
        image: Option<&str>,
        at: &Path,
        line: Option<usize>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<String> {
        match self.resolve(image?) {
            Ok(url) => Some(url),
            Err(message) => {
                let d = Diagnostic::error(message).at(at);
                diags.push(match line {
                    Some(l) => d.line(l),
                    None => d,
                });
                None
            }
        }
    }
}

/// Everything one episode's companions publish.
#[derive(Debug, Default)]
pub struct Published {
    /// Template fields, as themes/default/README.md documents them.
    pub chapters: Vec<crate::render::ChapterView>,
    pub chapters_url: Option<String>,
    pub transcript: Option<Value>,
    pub people: Vec<Value>,
    /// Output key -> bytes.
    pub files: Vec<(String, Vec<u8>)>,
    /// Elements for the episode's `<item>`.
    pub feed: Vec<ExtraElement>,
}

/// A person as templates see them: `{name, role, group, href, img, url}`.
fn person_value(config: &Config, p: &Person, img: Option<String>) -> Value {
    json!({
        "name": p.name, "role": p.role, "group": p.group, "href": p.href, "img": img,
        "url": config.root_relative(&format!("people/{}/", p.slug)),
    })
}

fn person_element(p: &Person, img: Option<String>) -> ExtraElement {
    let mut attrs = vec![
        ("role".to_string(), p.role.clone()),
        ("group".to_string(), p.group.clone()),
    ];
    if let Some(img) = img {
        attrs.push(("img".to_string(), img));
    }
    if let Some(href) = &p.href {
        attrs.push(("href".to_string(), href.clone()));
    }
    ExtraElement {
        name: "podcast:person".to_string(),
        attrs,
        text: Some(p.name.clone()),
    }
}

fn link_element(url: String, kind: &str, rel: Option<&str>) -> ExtraElement {
    let mut attrs = vec![
        ("url".to_string(), url),
        ("type".to_string(), kind.to_string()),
    ];
    if let Some(rel) = rel {
        attrs.push(("rel".to_string(), rel.to_string()));
    }
    let name = if kind == "application/json+chapters" {
        "podcast:chapters"
    } else {
        "podcast:transcript"
    };
    ExtraElement {
        name: name.to_string(),
        attrs,
        text: None,
    }
}

fn transcript_element(url: String, kind: &str, language: &str) -> ExtraElement {
    let mut e = link_element(
        url,
        kind,
        matches!(kind, "text/vtt" | "application/x-subrip").then_some("captions"),
    );
    e.attrs.push(("language".to_string(), language.to_string()));
    e
}

/// How well a transcript serves the episode page: timed beats untimed, speakers named beat
/// none, then the richer format.
fn page_rank(t: &LocalTranscript) -> (bool, bool, u8) {
    let format = match t.format {
        transcript::Format::Json => 3,
        transcript::Format::Vtt => 2,
        transcript::Format::Srt => 1,
        transcript::Format::TimestampedText => 0,
    };
    let speakers = t.transcript.cues.iter().any(|c| c.speaker.is_some());
    (t.transcript.timed, speakers, format)
}

fn format_name(format: transcript::Format) -> &'static str {
    match format {
        transcript::Format::Srt => "SRT",
        transcript::Format::Vtt => "WebVTT",
        transcript::Format::Json => "JSON",
        transcript::Format::TimestampedText => "timestamped text",
    }
}

/// The transcripts of one episode, by language (the site's language when none is given).
/// Each language's timed transcript is published as transcript.vtt and transcript.srt
/// (from the source of that format when there is one, else from the best source), a JSON
/// source also as transcript.json; an untimed one (notes turns) as transcript.html. The page
/// language (the site's, else the first given) has the bare names and the page's transcript;
/// others are named transcript.<language>.<ext>. Every file is a `podcast:transcript`.
fn publish_transcripts(
    config: &Config,
    ep: &Episode,
    dir: &str,
    out: &mut Published,
    diags: &mut Vec<Diagnostic>,
) {
    let c = &ep.companions;
    let site_language = config.language.to_ascii_lowercase();
    let language_of = |given: &Option<String>| {
        given
            .as_deref()
            .map_or(site_language.clone(), str::to_ascii_lowercase)
    };
    // Languages in the order given, the page's first.
    let mut languages: Vec<String> = Vec::new();
    for t in &c.transcripts {
        let lang = language_of(&t.language);
        if !languages.contains(&lang) {
            languages.push(lang);
        }
    }
    if let Some(i) = languages.iter().position(|l| *l == site_language) {
        let site = languages.remove(i);
        languages.insert(0, site);
    }

    let mut files: Vec<Value> = Vec::new();
    let mut page: Option<Value> = None;
    let file = Path::new(&ep.file);
    for (i, lang) in languages.iter().enumerate() {
        let members: Vec<&LocalTranscript> = c
            .transcripts
            .iter()
            .filter(|t| language_of(&t.language) == *lang)
            .collect();
        let mut clash = false;
        for (k, t) in members.iter().enumerate() {
            if let Some(first) = members[..k].iter().find(|m| m.format == t.format) {
                diags.push(
                    Diagnostic::error(format!(
                        "transcripts `{}` and `{}` are both {} in language `{lang}`: give each a `language:`, or keep one",
                        first.source,
                        t.source,
                        format_name(t.format)
                    ))
                    .at(file)
                    .line(t.line),
                );
                clash = true;
            }
        }
        if clash {
            continue;
        }
        let best = members
            .iter()
            .copied()
            .max_by_key(|t| page_rank(t))
            .expect("a language has a transcript");
        let name = if i == 0 {
            format!("{dir}transcript")
        } else {
            format!("{dir}transcript.{lang}")
        };
        let mut push =
            |key: String, kind: &str, label: &str, bytes: Vec<u8>, out: &mut Published| {
                out.feed
                    .push(transcript_element(config.absolute(&key), kind, lang));
                files.push(json!({
                    "url": config.root_relative(&key), "type": kind, "language": lang,
                    "label": label,
                }));
                out.files.push((key, bytes));
            };
        let mut urls = serde_json::Map::new();
        if best.transcript.timed {
            let of_format = |f: transcript::Format| {
                members
                    .iter()
                    .copied()
                    .find(|t| t.format == f && t.transcript.timed)
                    .unwrap_or(best)
            };
            let vtt = transcript::to_vtt(&of_format(transcript::Format::Vtt).transcript);
            let srt = transcript::to_srt(&of_format(transcript::Format::Srt).transcript);
            if let Some(vtt) = vtt {
                let key = format!("{name}.vtt");
                urls.insert("vtt_url".into(), json!(config.root_relative(&key)));
                push(key, "text/vtt", "WebVTT", vtt.into_bytes(), out);
            }
            if let Some(srt) = srt {
                let key = format!("{name}.srt");
                urls.insert("srt_url".into(), json!(config.root_relative(&key)));
                push(key, "application/x-subrip", "SRT", srt.into_bytes(), out);
            }
            if let Some(text) = members.iter().find_map(|t| t.json.as_ref()) {
                let key = format!("{name}.json");
                urls.insert("json_url".into(), json!(config.root_relative(&key)));
                push(
                    key,
                    "application/json",
                    "JSON",
                    text.clone().into_bytes(),
                    out,
                );
            }
        } else {
            // Untimed turns: an HTML transcript for apps. The page already shows the notes'
            // Transcript section, so the template gets no second copy.
            let key = format!("{name}.html");
            push(
                key,
                "text/html",
                "HTML",
                transcript::to_html(&best.transcript, &ep.title).into_bytes(),
                out,
            );
        }
        if i == 0 && best.transcript.timed {
            let cues: Vec<Value> = best
                .transcript
                .cues
                .iter()
                .map(|cue| {
                    json!({
                        "start": cue.start, "end": cue.end,
                        "start_display": timecode::display(cue.start),
                        "speaker": cue.speaker, "text": cue.text,
                    })
                })
                .collect();
            let mut value = json!({
                "vtt_url": null, "srt_url": null, "json_url": null, "language": lang, "cues": cues,
            });
            for (k, v) in urls {
                value[k] = v;
            }
            page = Some(value);
        }
    }

    let mut first_remote: BTreeMap<&str, &str> = BTreeMap::new();
    for r in &c.remote_transcripts {
        let lang = language_of(&r.language);
        out.feed
            .push(transcript_element(r.url.clone(), r.kind, &lang));
        files.push(json!({"url": r.url, "type": r.kind, "language": lang, "label": match r.kind {
            "text/vtt" => "WebVTT", "application/x-subrip" => "SRT", "application/json" => "JSON",
            "text/html" => "HTML", _ => "text",
        }}));
        first_remote.entry(r.kind).or_insert(&r.url);
    }
    if page.is_none() && !c.remote_transcripts.is_empty() {
        page = Some(json!({
            "vtt_url": first_remote.get("text/vtt"),
            "srt_url": first_remote.get("application/x-subrip"),
            "json_url": first_remote.get("application/json"),
            "language": site_language,
            "cues": [],
        }));
    }
    if !files.is_empty() {
        let value = page.get_or_insert_with(|| json!({"vtt_url": null, "srt_url": null, "json_url": null, "language": null, "cues": []}));
        value["files"] = Value::from(files);
    }
    out.transcript = page;
}

/// Files, feed elements and template fields of one episode's companions.
pub fn publish(site: &Site, ep: &Episode, images: &Images<'_>) -> (Published, Vec<Diagnostic>) {
    let config = &site.config;
    let mut diags = Vec::new();
    let mut out = Published::default();
    let file = Path::new(&ep.file);
    let dir = format!("episodes/{}/", ep.slug);
    let c = &ep.companions;

    if !c.chapters.is_empty() {
        let mut resolved = c.chapters.clone();
        for ch in &mut resolved {
            ch.img = images.resolve_or_report(ch.img.as_deref(), file, Some(ch.line), &mut diags);
        }
        let meta = ChaptersMeta {
            title: Some(ep.title.clone()),
            podcast_name: Some(config.title.clone()),
            author: Some(config.author.clone()).filter(|a| !a.is_empty()),
            file_name: None,
        };
        let key = format!("{dir}chapters.json");
        out.files.push((
            key.clone(),
            chapters::to_json(&resolved, &meta).into_bytes(),
        ));
        out.feed.push(link_element(
            config.absolute(&key),
            "application/json+chapters",
            None,
        ));
        out.chapters_url = Some(config.root_relative(&key));
        out.chapters = resolved
            .iter()
            .map(|ch| crate::render::ChapterView {
                start: ch.start,
                start_display: timecode::display(ch.start),
                title: ch.title.clone(),
                url: ch.url.clone(),
                img: ch.img.clone(),
            })
            .collect();
    }

    if let Some(url) = &c.remote_chapters {
        out.feed
            .push(link_element(url.clone(), "application/json+chapters", None));
        out.chapters_url = Some(url.clone());
    }
    publish_transcripts(config, ep, &dir, &mut out, &mut diags);

    for p in &c.people {
        let img = images.resolve_or_report(p.img.as_deref(), file, None, &mut diags);
        out.people.push(person_value(config, p, img.clone()));
    }
    // Item-level persons replace the channel's for that episode (feed-rules 53): restate the
    // hosts, then the episode's own people.
    if !c.people.is_empty() {
        let hosts = config
            .hosts
            .iter()
            .filter(|h| !c.people.iter().any(|p| p.slug == h.slug));
        for p in hosts.chain(&c.people) {
            let img = p.img.as_deref().and_then(|i| images.resolve(i).ok());
            out.feed.push(person_element(p, img));
        }
    }
    (out, diags)
}

/// A person's page: their details and the episodes they are in (indexes into
/// `site.episodes`, newest first).
pub struct PersonPage {
    pub slug: String,
    pub person: Value,
    pub episodes: Vec<usize>,
}

/// The show's hosts (template values and channel `podcast:person` elements) and one page per
/// person: a host's page lists every episode, anyone else's the episodes that name them.
pub fn people_index(
    site: &Site,
    images: &Images<'_>,
) -> (
    Vec<Value>,
    Vec<ExtraElement>,
    Vec<PersonPage>,
    Vec<Diagnostic>,
) {
    let config = &site.config;
    let mut diags = Vec::new();
    let mut pages: BTreeMap<String, PersonPage> = BTreeMap::new();
    let mut hosts = Vec::new();
    let mut channel = Vec::new();
    let config_path = Path::new(crate::config::CONFIG_FILE);
    for h in &config.hosts {
        let img = images.resolve_or_report(h.img.as_deref(), config_path, None, &mut diags);
        let value = person_value(config, h, img.clone());
        hosts.push(value.clone());
        channel.push(person_element(h, img));
        pages.entry(h.slug.clone()).or_insert(PersonPage {
            slug: h.slug.clone(),
            person: value,
            episodes: (0..site.episodes.len()).collect(),
        });
    }
    let host_count = pages.len();
    for (i, ep) in site.episodes.iter().enumerate() {
        for p in &ep.companions.people {
            let page = pages.entry(p.slug.clone()).or_insert_with(|| {
                let img = p.img.as_deref().and_then(|i| images.resolve(i).ok());
                PersonPage {
                    slug: p.slug.clone(),
                    person: person_value(config, p, img),
                    episodes: Vec::new(),
                }
            });
            if page.episodes.last() != Some(&i) && !config.hosts.iter().any(|h| h.slug == p.slug) {
                page.episodes.push(i);
            }
        }
    }
    debug_assert!(pages.len() >= host_count);
    (hosts, channel, pages.into_values().collect(), diags)
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

    #[test]
    fn links_in_the_feed() {
        let e = link_element(
            "https://x.example/t.vtt".into(),
            "text/vtt",
            Some("captions"),
        );
        assert_eq!(e.name, "podcast:transcript");
        assert_eq!(e.attrs[2], ("rel".to_string(), "captions".to_string()));
        let e = link_element(
            "https://x.example/c.json".into(),
            "application/json+chapters",
            None,
        );
        assert_eq!(e.name, "podcast:chapters");
        assert_eq!(e.attrs.len(), 2);
    }
}
