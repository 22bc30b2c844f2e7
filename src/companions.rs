//! An episode's companions: chapters, transcript and people. Each is read once, from the first
//! source that has it, when the site loads (`attach`); rendering then publishes it everywhere
//! from that one model (`publish`): as files (/episodes/<slug>/chapters.json, transcript.vtt,
//! transcript.srt), as feed elements (`podcast:chapters`, `podcast:transcript`,
//! `podcast:person`), as template fields, and as people pages (`people_index`).

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
    pub transcript: Option<Transcript>,
    /// The episode's own people (`people:`), not the show's hosts.
    pub people: Vec<Person>,
    /// `chapters:` or `transcript:` given as an http(s) URL: hosted elsewhere (as `onair
    /// import` leaves them), so only linked from the feed and the page, never fetched.
    pub remote_chapters: Option<String>,
    pub remote_transcript: Option<String>,
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

/// File names tried in transcripts/ for an episode without a `transcript:` key.
const TRANSCRIPT_EXTENSIONS: [&str; 4] = ["vtt", "srt", "json", "txt"];

/// Reads an episode's chapters, transcript and people from their sources and checks them
/// against its audio. Chapters: a `chapters:` list or JSON file, else the show notes'
/// timestamp lines, else the chapters embedded in the audio (read when it was probed, so a
/// locked build without the audio has them too). Transcript: the `transcript:` file, else transcripts/<file stem or
/// slug>.{vtt,srt,json,txt}, else a Transcript section of the notes.
pub fn attach(root: &Path, ep: &Episode) -> (Companions, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let file = Path::new(&ep.file);
    let duration = Some(ep.facts.duration).filter(|d| *d > 0.0);
    // serde kept no positions: the front matter is read again for the lines of list items.
    let source = crate::content::read_text(&ep.path, &ep.file).unwrap_or_default();
    let (yaml, yaml_line) = match crate::frontmatter::split(&source) {
        Ok(s) => (s.yaml.to_string(), s.yaml_line),
        Err(_) => (String::new(), 1),
    };
    let key_line = |key: &str| chapters::yaml_item_lines(&yaml, yaml_line, key);

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
                    let audio_line = crate::config::key_line(&yaml, "audio") + yaml_line - 1;
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
    // Probed durations and explicit chapter sources stay strict: errors naming the line.
    let chapters = match (duration, &ep.front.chapters) {
        (Some(d), None) if duration_typed_by_hand(ep) => {
            let (inside, outside): (Vec<Chapter>, Vec<Chapter>) =
                chapters.into_iter().partition(|c| c.start < d);
            for c in &outside {
                diags.push(
                    Diagnostic::warning(format!(
                        "timestamp {} is past the `duration:` given for this episode ({}): not published as a chapter; check `duration:`",
                        crate::timecode::display(c.start),
                        crate::timecode::display(d)
                    ))
                    .at(file)
                    .line(c.line),
                );
            }
            inside
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

    let mut remote_transcript = None;
    if let Some(url) = ep.front.transcript.as_deref().filter(|t| is_url(t)) {
        if transcript_type(url).is_some() {
            remote_transcript = Some(url.trim().to_string());
        } else {
            diags.push(
                Diagnostic::warning(format!(
                    "transcript `{url}`: its type cannot be told from the URL (.vtt, .srt, .json, .html or .txt); it is not published"
                ))
                .at(file)
                .line(crate::config::key_line(&yaml, "transcript") + yaml_line - 1),
            );
        }
    }
    let transcript = match transcript_file(root, ep) {
        Ok(Some(rel)) => match crate::content::read_text(&root.join(&rel), &rel) {
            Ok(text) => match transcript::parse(&text, Path::new(&rel), duration) {
                Ok(t) => {
                    diags.extend(transcript::validate(&t, duration, Path::new(&rel)));
                    Some(t)
                }
                Err(errors) => {
                    diags.extend(errors);
                    None
                }
            },
            Err(d) => {
                diags.push(
                    Diagnostic::error(format!("transcript `{rel}`: {}", d.message))
                        .at(file)
                        .line(crate::config::key_line(&yaml, "transcript") + yaml_line - 1),
                );
                None
            }
        },
        // A transcript hosted elsewhere is the episode's transcript, whatever the notes hold.
        Ok(None) if remote_transcript.is_some() => None,
        Ok(None) => match transcript::from_notes_section(&ep.body, ep.body_line, file, duration) {
            Some(Ok(t)) => {
                diags.extend(transcript::validate(&t, duration, file));
                Some(t)
            }
            Some(Err(errors)) => {
                diags.extend(errors);
                None
            }
            None => None,
        },
        Err(d) => {
            diags.push(
                d.at(file)
                    .line(crate::config::key_line(&yaml, "transcript") + yaml_line - 1),
            );
            None
        }
    }
    .filter(|t| !t.cues.is_empty());

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
            transcript,
            people,
            remote_chapters,
            remote_transcript,
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

/// The transcript file of an episode: `transcript:` (which must exist), else the first of
/// transcripts/<file stem>.<ext> and transcripts/<slug>.<ext> that does.
fn transcript_file(root: &Path, ep: &Episode) -> Result<Option<String>, Diagnostic> {
    if let Some(rel) = &ep.front.transcript {
        if is_url(rel) {
            return Ok(None);
        }
        let rel = site_relative(rel);
        if rel.is_empty() {
            return Err(Diagnostic::error(
                "`transcript:` is empty: give a file such as transcripts/218.srt",
            ));
        }
        if !root.join(&rel).is_file() {
            return Err(Diagnostic::error(format!(
                "transcript `{rel}` not found (a path in the site folder such as transcripts/218.srt)"
            )));
        }
        return Ok(Some(rel));
    }
    let stem = ep
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    for name in [stem.as_str(), ep.slug.as_str()] {
        for ext in TRANSCRIPT_EXTENSIONS {
            let rel = format!("transcripts/{name}.{ext}");
            if !name.is_empty() && root.join(&rel).is_file() {
                return Ok(Some(rel));
            }
        }
    }
    Ok(None)
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
    pub chapters: Vec<Value>,
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
            .map(|ch| {
                json!({
                    "start": ch.start, "start_display": timecode::display(ch.start),
                    "title": ch.title, "url": ch.url, "img": ch.img,
                })
            })
            .collect();
    }

    if let Some(url) = &c.remote_chapters {
        out.feed
            .push(link_element(url.clone(), "application/json+chapters", None));
        out.chapters_url = Some(url.clone());
    }
    if let Some(url) = &c.remote_transcript {
        let kind = transcript_type(url).expect("checked by attach");
        let captions = (kind == "text/vtt").then_some("captions");
        out.feed.push(link_element(url.clone(), kind, captions));
        out.transcript = Some(json!({
            "vtt_url": (kind == "text/vtt").then_some(url),
            "srt_url": (kind == "application/x-subrip").then_some(url),
            "cues": [],
        }));
    }
    if let Some(t) = &c.transcript {
        let cue_values = |timed: bool| -> Vec<Value> {
            t.cues
                .iter()
                .map(|cue| {
                    let (start, end, display) = if timed {
                        (
                            json!(cue.start),
                            json!(cue.end),
                            json!(timecode::display(cue.start)),
                        )
                    } else {
                        (Value::Null, Value::Null, Value::Null)
                    };
                    json!({
                        "start": start, "end": end, "start_display": display,
                        "speaker": cue.speaker, "text": cue.text,
                    })
                })
                .collect()
        };
        match (transcript::to_vtt(t), transcript::to_srt(t)) {
            (Some(vtt), Some(srt)) => {
                let vtt_key = format!("{dir}transcript.vtt");
                let srt_key = format!("{dir}transcript.srt");
                out.feed.push(link_element(
                    config.absolute(&vtt_key),
                    "text/vtt",
                    Some("captions"),
                ));
                out.feed.push(link_element(
                    config.absolute(&srt_key),
                    "application/x-subrip",
                    None,
                ));
                out.transcript = Some(json!({
                    "vtt_url": config.root_relative(&vtt_key),
                    "srt_url": config.root_relative(&srt_key),
                    "cues": cue_values(true),
                }));
                out.files.push((vtt_key, vtt.into_bytes()));
                out.files.push((srt_key, srt.into_bytes()));
            }
            // Untimed turns: an HTML transcript for apps. The page already shows the notes'
            // Transcript section, so the template gets no second copy.
            _ => {
                let key = format!("{dir}transcript.html");
                out.feed
                    .push(link_element(config.absolute(&key), "text/html", None));
                out.files
                    .push((key, transcript::to_html(t, &ep.title).into_bytes()));
            }
        }
    }

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
