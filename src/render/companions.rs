//! Publishing an episode's companions (chapters, transcripts, people) everywhere from the one
//! model `content::companions::attach` read: as files (/episodes/<slug>/chapters.json,
//! transcript[.<language>].vtt/.srt/.json/.html), as feed elements (`podcast:chapters`,
//! `podcast:transcript`, `podcast:person`), as template fields, and as people pages
//! (`people_index`).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use crate::assets::Assets;
use crate::chapters::{self, ChaptersMeta};
use crate::config::Config;
use crate::content::companions::{LocalTranscript, site_relative};
use crate::content::{Episode, Site};
use crate::diag::Diagnostic;
use crate::people::Person;
use crate::render::feed::ExtraElement;
use crate::render::{TranscriptFileView, TranscriptView};
use crate::timecode;
use crate::transcript;

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
    pub transcript: Option<TranscriptView>,
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
        children: Vec::new(),
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
        children: Vec::new(),
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
    let mut files = TranscriptFiles {
        config,
        views: Vec::new(),
    };
    let mut page: Option<TranscriptView> = None;
    for (i, lang) in transcript_languages(c, &site_language, &language_of)
        .iter()
        .enumerate()
    {
        let members: Vec<&LocalTranscript> = c
            .transcripts
            .iter()
            .filter(|t| language_of(&t.language) == *lang)
            .collect();
        if same_format_twice(&members, lang, Path::new(&ep.file), diags) {
            continue;
        }
        let name = match i {
            0 => format!("{dir}transcript"),
            _ => format!("{dir}transcript.{lang}"),
        };
        let shown = publish_language(ep, &members, lang, &name, &mut files, out);
        if i == 0 {
            page = shown;
        }
    }
    publish_remote_transcripts(c, &site_language, &language_of, &mut files, out, &mut page);
    if !files.views.is_empty() {
        page.get_or_insert_with(TranscriptView::default).files = files.views;
    }
    out.transcript = page;
}

/// The languages of an episode's transcripts in the order given, the page's (the site's) first.
fn transcript_languages(
    c: &crate::content::companions::Companions,
    site_language: &str,
    language_of: &dyn Fn(&Option<String>) -> String,
) -> Vec<String> {
    let mut languages: Vec<String> = Vec::new();
    for t in &c.transcripts {
        let lang = language_of(&t.language);
        if !languages.contains(&lang) {
            languages.push(lang);
        }
    }
    if let Some(i) = languages.iter().position(|l| l == site_language) {
        let site = languages.remove(i);
        languages.insert(0, site);
    }
    languages
}

/// Two transcripts of one format in one language: an error at the second (true when so).
fn same_format_twice(
    members: &[&LocalTranscript],
    lang: &str,
    file: &Path,
    diags: &mut Vec<Diagnostic>,
) -> bool {
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
    clash
}

/// The transcript files of an episode as they are published: feed elements, files and the
/// list templates get.
struct TranscriptFiles<'a> {
    config: &'a Config,
    views: Vec<TranscriptFileView>,
}

impl TranscriptFiles<'_> {
    fn push(
        &mut self,
        out: &mut Published,
        (key, kind, label): (String, &str, &str),
        lang: &str,
        bytes: Vec<u8>,
    ) {
        out.feed
            .push(transcript_element(self.config.absolute(&key), kind, lang));
        self.views.push(TranscriptFileView {
            url: self.config.root_relative(&key),
            kind: kind.to_string(),
            language: lang.to_string(),
            label: label.to_string(),
        });
        out.files.push((key, bytes));
    }
}

/// One language's files under `name` (`.vtt`, `.srt`, `.json`, or `.html` for untimed turns),
/// and the page's transcript view when the best one is timed.
fn publish_language(
    ep: &Episode,
    members: &[&LocalTranscript],
    lang: &str,
    name: &str,
    files: &mut TranscriptFiles<'_>,
    out: &mut Published,
) -> Option<TranscriptView> {
    let config = files.config;
    let best = members
        .iter()
        .copied()
        .max_by_key(|t| page_rank(t))
        .expect("a language has a transcript");
    if !best.transcript.timed {
        // Untimed turns: an HTML transcript for apps. The page already shows the notes'
        // Transcript section, so the template gets no second copy.
        let html = transcript::to_html(&best.transcript, &ep.title).into_bytes();
        files.push(
            out,
            (format!("{name}.html"), "text/html", "HTML"),
            lang,
            html,
        );
        return None;
    }
    let of_format = |f: transcript::Format| {
        members
            .iter()
            .copied()
            .find(|t| t.format == f && t.transcript.timed)
            .unwrap_or(best)
    };
    let mut urls = TranscriptView::default();
    if let Some(vtt) = transcript::to_vtt(&of_format(transcript::Format::Vtt).transcript) {
        let key = format!("{name}.vtt");
        urls.vtt_url = Some(config.root_relative(&key));
        files.push(out, (key, "text/vtt", "WebVTT"), lang, vtt.into_bytes());
    }
    if let Some(srt) = transcript::to_srt(&of_format(transcript::Format::Srt).transcript) {
        let key = format!("{name}.srt");
        urls.srt_url = Some(config.root_relative(&key));
        files.push(
            out,
            (key, "application/x-subrip", "SRT"),
            lang,
            srt.into_bytes(),
        );
    }
    if let Some(text) = members.iter().find_map(|t| t.json.as_ref()) {
        let key = format!("{name}.json");
        urls.json_url = Some(config.root_relative(&key));
        files.push(
            out,
            (key, "application/json", "JSON"),
            lang,
            text.clone().into_bytes(),
        );
    }
    Some(TranscriptView {
        language: Some(lang.to_string()),
        cues: Some(best.transcript.clone()),
        ..urls
    })
}

/// Transcripts at URLs of their own: feed elements and the file list; the page's links when
/// no local transcript made them.
fn publish_remote_transcripts(
    c: &crate::content::companions::Companions,
    site_language: &str,
    language_of: &dyn Fn(&Option<String>) -> String,
    files: &mut TranscriptFiles<'_>,
    out: &mut Published,
    page: &mut Option<TranscriptView>,
) {
    let mut first_remote: BTreeMap<&str, &str> = BTreeMap::new();
    for r in &c.remote_transcripts {
        let lang = language_of(&r.language);
        out.feed
            .push(transcript_element(r.url.clone(), r.kind, &lang));
        files.views.push(TranscriptFileView {
            url: r.url.clone(),
            kind: r.kind.to_string(),
            language: lang,
            label: match r.kind {
                "text/vtt" => "WebVTT",
                "application/x-subrip" => "SRT",
                "application/json" => "JSON",
                "text/html" => "HTML",
                _ => "text",
            }
            .to_string(),
        });
        first_remote.entry(r.kind).or_insert(&r.url);
    }
    if page.is_none() && !c.remote_transcripts.is_empty() {
        let url = |kind: &str| first_remote.get(kind).map(|u| u.to_string());
        *page = Some(TranscriptView {
            vtt_url: url("text/vtt"),
            srt_url: url("application/x-subrip"),
            json_url: url("application/json"),
            language: Some(site_language.to_string()),
            ..TranscriptView::default()
        });
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
