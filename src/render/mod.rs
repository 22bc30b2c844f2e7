//! Rendering: the read-only site model in, published files out. Pages go through Tera (the
//! default theme, overridable per template by the site's templates/), the feed through
//! quick-xml (`feed`).

pub mod aliases;
pub mod companions;
pub mod feed;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera, Value};

use crate::assets::Assets;
use crate::content::{Episode, Site};
use crate::dates;
use crate::diag::{Diagnostic, Diagnostics};

/// Loads the theme's templates, then the site's overrides of the same names (and any new ones).
/// The templates (the theme's, with the site's overrides), and a hash of all their sources for
/// fingerprinting what a page was rendered from.
pub fn load_templates(
    site_root: &Path,
    theme_dir: Option<&Path>,
    diags: &mut Diagnostics,
) -> Option<Templates> {
    let mut sources: Vec<(String, String, String)> = crate::theme::templates()
        .iter()
        .map(|(name, bytes)| {
            (
                (*name).to_string(),
                String::from_utf8_lossy(bytes).into_owned(),
                format!("themes/default/templates/{name}"),
            )
        })
        .collect();
    // The theme's files replace the built-in ones, and the site's templates/ replace both.
    if let Some(theme) = theme_dir {
        let shown = crate::fsutil::rel(site_root, &theme.join("templates"));
        overlay_templates(&theme.join("templates"), &shown, &mut sources, diags);
    }
    overlay_templates(
        &site_root.join("templates"),
        "templates",
        &mut sources,
        diags,
    );
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_html);
    if let Err(e) = tera.add_raw_templates(sources.iter().map(|(n, t, _)| (n.as_str(), t.as_str())))
    {
        // Tera names the broken template in quotes: point at the file it came from.
        let chain = error_chain(&e);
        let shown = sources
            .iter()
            .find(|(n, _, _)| {
                chain.contains(&format!("'{n}'"))
                    || chain.contains(&format!("\"{n}\""))
                    || chain.contains(&format!("`{n}`"))
            })
            .map(|(_, _, shown)| shown.as_str())
            .unwrap_or("templates");
        diags.push(template_error(shown, &e));
        return None;
    }
    let uses_build_time = sources
        .iter()
        .any(|(_, text, _)| text.contains("build_time"));
    let mut stamp = blake3::Hasher::new();
    for (name, text, _) in &sources {
        stamp.update(name.as_bytes());
        stamp.update(&[0]);
        stamp.update(text.as_bytes());
        stamp.update(&[0]);
    }
    Some(Templates {
        tera,
        stamp: stamp.finalize(),
        uses_build_time,
    })
}

/// Reads each template under `dir` over the one of the same name in `sources` (`shown` names
/// the folder in messages).
fn overlay_templates(
    dir: &Path,
    shown: &str,
    sources: &mut Vec<(String, String, String)>,
    diags: &mut Diagnostics,
) {
    if !dir.is_dir() {
        return;
    }
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let name = crate::fsutil::rel(dir, entry.path());
        let file = format!("{shown}/{name}");
        match crate::fsutil::read_text(entry.path(), &file) {
            Ok(text) => {
                sources.retain(|(n, _, _)| *n != name);
                sources.push((name, text, file));
            }
            Err(d) => diags.push(d),
        }
    }
}

/// Loaded templates and what a page cache needs to know of them.
#[derive(Clone)]
pub struct Templates {
    pub tera: Tera,
    /// A hash of every template's name and source.
    pub stamp: blake3::Hash,
    /// Whether any template reads `site.build_time`, the one variable that changes every build.
    pub uses_build_time: bool,
}

/// Tera's default escaper also turns `/` into `&#x2F;`, which bloats every URL; HTML needs
/// only these five. (Also what serve's overlay and app view escape with.)
pub fn escape_html(input: &str) -> String {
    let bytes = input.as_bytes();
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    // Copies the runs between special characters whole: most text has none.
    let mut run_start = 0;
    for (i, b) in bytes.iter().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        // The five are ASCII, so `i` is a character boundary.
        out.push_str(&input[run_start..i]);
        out.push_str(entity);
        run_start = i + 1;
    }
    out.push_str(&input[run_start..]);
    out
}

fn template_error(shown: &str, e: &tera::Error) -> Diagnostic {
    let chain = error_chain(e);
    // Tera's parse errors carry " --> line:col" in their text.
    let loc = chain.find("--> ").and_then(|i| {
        let rest = &chain[i + 4..];
        let end = rest
            .find(|c: char| !c.is_ascii_digit() && c != ':')
            .unwrap_or(rest.len());
        let mut parts = rest[..end].split(':');
        Some((
            parts.next()?.parse::<usize>().ok()?,
            parts.next()?.parse::<usize>().ok()?,
        ))
    });
    let msg = chain
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let d = Diagnostic::error(format!("template error: {msg}")).at(shown);
    match loc {
        Some((l, c)) => d.line_col(l, c),
        None => d,
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(src) = cur {
        s.push_str(": ");
        s.push_str(&src.to_string());
        cur = src.source();
    }
    s
}

#[derive(Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    pub url: String,
    pub base_path: String,
    pub language: String,
    pub author: String,
    pub owner: Option<crate::config::Owner>,
    /// Absolute, for feeds and Open Graph.
    pub image_url: Option<String>,
    /// Root-relative when the image is the site's own: for `<img src>`.
    pub image_path: Option<String>,
    pub categories: Vec<String>,
    pub explicit: bool,
    #[serde(rename = "type")]
    pub show_type: crate::config::ShowType,
    pub copyright: Option<String>,
    pub funding: Vec<crate::config::Funding>,
    pub feed_url: String,
    pub hosts: Vec<Value>,
    pub subscribe: std::collections::BTreeMap<String, String>,
    pub episode_count: usize,
    pub build_time: String,
    /// The site's pages, for navigation: `[{title, url}]`.
    pub pages: Vec<Value>,
    /// site.yaml's `extra:`, as written (null when absent).
    pub extra: Value,
}

#[derive(Serialize, Clone)]
pub struct TagRef {
    pub name: String,
    pub slug: String,
    pub url: String,
}

/// An episode as pages show it: its card (what lists show) plus the chapters, the show notes
/// and the transcript, which its own page shows. Fields of the card read through
/// (`view.title`).
#[derive(Serialize, Clone)]
pub struct EpisodeView {
    #[serde(flatten)]
    pub card: CardView,
    pub chapters: Vec<ChapterView>,
    pub content: Arc<str>,
    pub transcript: Option<TranscriptView>,
}

impl EpisodeView {
    /// The card with the chapters: what the home page's `latest` lists.
    pub fn card_with_chapters(&self) -> CardWithChapters<'_> {
        CardWithChapters {
            card: &self.card,
            chapters: &self.chapters,
        }
    }
}

/// A card and the episode's chapters (the home page shows the newest episodes' first
/// chapters).
#[derive(Serialize)]
pub struct CardWithChapters<'a> {
    #[serde(flatten)]
    pub card: &'a CardView,
    pub chapters: &'a [ChapterView],
}

/// How many episodes the home page's `latest` lists, newest first.
pub const LATEST: usize = 10;

impl std::ops::Deref for EpisodeView {
    type Target = CardView;
    fn deref(&self) -> &CardView {
        &self.card
    }
}

impl std::ops::DerefMut for EpisodeView {
    fn deref_mut(&mut self) -> &mut CardView {
        &mut self.card
    }
}

/// An episode in a list (and an episode page's `prev` and `next`): everything but the
/// chapters, the show notes and the transcript. (A site lists each episode about six times:
/// its dozen chapters as template values were the most of a build's work; `chapter_count`
/// says how many there are.)
#[derive(Serialize, Clone)]
pub struct CardView {
    pub title: String,
    pub slug: String,
    pub url: String,
    pub permalink: String,
    pub guid: String,
    pub date: String,
    pub date_display: String,
    pub summary: String,
    pub audio_url: String,
    /// Root-relative when the audio is published with the site: for the player and the
    /// download link, so they also work on `onair serve`.
    pub audio_path: String,
    pub audio_mime: &'static str,
    pub audio_size: u64,
    pub audio_size_display: String,
    pub duration: f64,
    pub duration_display: String,
    pub duration_hms: String,
    pub number: Option<u32>,
    pub season: Option<u32>,
    pub episode_type: &'static str,
    pub explicit: Option<bool>,
    /// Absolute, for feeds and Open Graph.
    pub image_url: Option<String>,
    /// Root-relative when the image is the site's own: for `<img src>`.
    pub image_path: Option<String>,
    pub tags: Vec<TagRef>,
    pub chapter_count: usize,
    pub chapters_url: Option<String>,
    pub people: Vec<Value>,
    /// The front matter's `extra:`, as written (null when absent).
    pub extra: Option<Value>,
}

/// An episode's transcript as templates see it: `{vtt_url, srt_url, json_url, language, cues,
/// files}` (themes/default/README.md). The cues are the content model's, shared: a
/// transcript's hundreds of cues as JSON objects, kept for every episode of a big catalogue,
/// were gigabytes.
#[derive(Serialize, Clone, Debug, Default, PartialEq)]
pub struct TranscriptView {
    pub vtt_url: Option<String>,
    pub srt_url: Option<String>,
    pub json_url: Option<String>,
    pub language: Option<String>,
    /// The timed transcript the page shows, if any: `[{start, end, start_display, speaker,
    /// text}]`.
    #[serde(serialize_with = "serialize_cues")]
    pub cues: Option<Arc<crate::transcript::Transcript>>,
    /// Every transcript file in every language: `[{url, type, language, label}]`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<TranscriptFileView>,
}

/// One published transcript file, as templates see it.
#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct TranscriptFileView {
    pub url: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub language: String,
    pub label: String,
}

fn serialize_cues<S: serde::Serializer>(
    cues: &Option<Arc<crate::transcript::Transcript>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct CueOut<'a> {
        start: f64,
        end: f64,
        start_display: String,
        speaker: &'a Option<String>,
        text: &'a str,
    }
    let cues = cues
        .as_deref()
        .map(|t| t.cues.as_slice())
        .unwrap_or_default();
    s.collect_seq(cues.iter().map(|c| CueOut {
        start: c.start,
        end: c.end,
        start_display: crate::timecode::display(c.start),
        speaker: &c.speaker,
        text: &c.text,
    }))
}

/// A chapter as templates see it. (Typed, not a JSON object: an episode's dozen chapters are
/// kept for every episode, and a JSON object is a B-tree node of its own.)
#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct ChapterView {
    /// Seconds.
    pub start: f64,
    /// "12:30".
    pub start_display: String,
    pub title: String,
    pub url: Option<String>,
    pub img: Option<String>,
}

/// "1 hr 43 min", "12 min", "45 sec".
pub fn human_duration(secs: f64) -> String {
    let total = secs.round() as u64;
    let (h, m, s) = (total / 3600, total % 3600 / 60, total % 60);
    match (h, m) {
        (0, 0) => format!("{s} sec"),
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} hr"),
        (h, m) => format!("{h} hr {m} min"),
    }
}

/// "1:43:05" or "58:45".
pub fn hms(secs: f64) -> String {
    let total = secs.round() as u64;
    let (h, m, s) = (total / 3600, total % 3600 / 60, total % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// "27.4 MB" (decimal units, as apps show them).
pub fn human_size(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.1} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.1} MB", b / 1e6)
    } else if b >= 1e3 {
        format!("{:.0} KB", b / 1e3)
    } else {
        format!("{bytes} bytes")
    }
}

/// Everything the templates need, computed once per build and shared by reference.
pub struct RenderData<'a> {
    pub site: &'a Site,
    pub site_value: Value,
    pub episodes: Vec<Arc<EpisodeView>>,
    pub assets: Arc<Assets>,
}

impl<'a> RenderData<'a> {
    pub fn new(
        site: &'a Site,
        assets: Arc<Assets>,
        image_url: Option<String>,
        episodes: Vec<Arc<EpisodeView>>,
    ) -> Self {
        let c = &site.config;
        let site_view = SiteView {
            title: c.title.clone(),
            description: c.description.clone(),
            url: c.base_url.clone(),
            base_path: c.base_path.clone(),
            language: c.language.clone(),
            author: c.author.clone(),
            owner: c.owner.clone(),
            image_path: image_url.as_deref().map(|u| c.on_site(u)),
            image_url,
            categories: c
                .categories
                .iter()
                .map(|cat| match &cat.sub {
                    Some(s) => format!("{} > {s}", cat.name),
                    None => cat.name.clone(),
                })
                .collect(),
            explicit: c.explicit,
            show_type: c.show_type,
            copyright: c.copyright.clone(),
            funding: c.funding.clone(),
            feed_url: c.feed_url(),
            hosts: Vec::new(),
            subscribe: c.subscribe.clone(),
            episode_count: site.episodes.len(),
            pages: site
                .pages
                .iter()
                .filter(|p| p.menu)
                .map(|p| serde_json::json!({"title": p.title, "url": c.root_relative(&format!("{}/", p.slug))}))
                .collect(),
            build_time: dates::rfc3339(
                &jiff::Timestamp::now().to_zoned_datetime(jiff::tz::TimeZone::UTC),
            ),
            extra: c.extra.clone(),
        };
        RenderData {
            site,
            site_value: serde_json::to_value(&site_view).expect("site view serializes"),
            episodes,
            assets,
        }
    }
}

pub fn episode_view(site: &Site, e: &Episode, image_url: Option<String>) -> EpisodeView {
    let c = &site.config;
    EpisodeView {
        card: CardView {
            title: e.title.clone(),
            slug: e.slug.clone(),
            url: c.root_relative(&format!("episodes/{}/", e.slug)),
            permalink: c.absolute(&format!("episodes/{}/", e.slug)),
            guid: e.guid.clone(),
            date: dates::rfc3339(&e.date),
            date_display: dates::display(&e.date),
            summary: e.summary.clone(),
            audio_url: e.audio_url.clone(),
            audio_path: c.on_site(&e.audio_url),
            audio_mime: e.facts.format.mime(),
            audio_size: e.facts.size,
            audio_size_display: human_size(e.facts.size),
            duration: e.facts.duration,
            duration_display: human_duration(e.facts.duration),
            duration_hms: hms(e.facts.duration),
            number: e.number,
            season: e.season,
            episode_type: e.episode_type.as_str(),
            explicit: e.explicit,
            image_path: image_url.as_deref().map(|u| c.on_site(u)),
            image_url,
            tags: e
                .tags
                .iter()
                .map(|t| {
                    let slug = crate::slug::slugify(t);
                    TagRef {
                        name: t.clone(),
                        url: c.root_relative(&format!("tags/{slug}/")),
                        slug,
                    }
                })
                .collect(),
            chapter_count: 0,
            chapters_url: None,
            people: Vec::new(),
            extra: e.front.extra.clone(),
        },
        chapters: Vec::new(),
        content: e.notes.html.clone(),
        transcript: None,
    }
}

/// The `ld` filter: a value as JSON for a `<script type="application/ld+json">` block, with
/// no `<` left that could close the script element. (The `ld` macro of macros.html does the
/// same for templates written before the filter; a filter is one call, a macro a new frame.)
struct JsonLd;

impl tera::Filter for JsonLd {
    fn filter(&self, value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
        let json = serde_json::to_string(value).map_err(tera::Error::json)?;
        Ok(Value::String(json.replace('<', "\\u003c")))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// Registers `asset_url(name=...)` and `url_for(path=...)`, and the `ld` filter, for the
/// templates.
pub fn register_functions(tera: &mut Tera, assets: Arc<Assets>, base_path: String) {
    tera.register_filter("ld", JsonLd);
    let bp = base_path.clone();
    tera.register_function("asset_url", move |args: &HashMap<String, Value>| {
        let name = args
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| tera::Error::msg("asset_url needs name=\"file\""))?;
        match assets.key(name) {
            Some(key) => Ok(Value::String(format!("{bp}{key}"))),
            None => Err(tera::Error::msg(format!(
                "asset_url: no asset named `{name}` in the theme's static/ or the site's assets/"
            ))),
        }
    });
    tera.register_function("url_for", move |args: &HashMap<String, Value>| {
        let path = args
            .get("path")
            .and_then(Value::as_str)
            .ok_or_else(|| tera::Error::msg("url_for needs path=\"...\""))?;
        Ok(Value::String(format!(
            "{base_path}{}",
            path.trim_start_matches('/')
        )))
    });
}

/// Renders one template with the common variables (`site`, `page_url`, `canonical`) plus
/// `extra`, a JSON object of the page's own variables.
pub fn render_page(
    tera: &Tera,
    data: &RenderData<'_>,
    template: &str,
    url_path: &str,
    extra: Value,
) -> Result<Vec<u8>, Diagnostic> {
    render_in(
        tera,
        data,
        &mut page_context(data, extra),
        template,
        url_path,
    )
}

/// A page's context: `site` plus `extra`, a JSON object of the page's own variables. One
/// context can render several pages (`render_in`) that share their variables.
pub fn page_context(data: &RenderData<'_>, extra: Value) -> Context {
    let mut ctx = Context::from_value(extra).unwrap_or_default();
    ctx.insert("site", &data.site_value);
    ctx
}

/// Renders one template for the page at `url_path` with `ctx` (see `page_context`), after
/// setting the page's own `page_url` and `canonical`.
pub fn render_in(
    tera: &Tera,
    data: &RenderData<'_>,
    ctx: &mut Context,
    template: &str,
    url_path: &str,
) -> Result<Vec<u8>, Diagnostic> {
    let c = &data.site.config;
    ctx.insert("page_url", &c.root_relative(url_path));
    ctx.insert("canonical", &c.absolute(url_path));
    // Rendered straight into bytes, with room for a typical page: `Tera::render` starts at
    // 2 KB, grows the buffer three times for an episode page and then checks it is UTF-8.
    let mut out = Vec::with_capacity(16 * 1024);
    tera.render_to(template, ctx, &mut out)
        .map(|()| out)
        .map_err(|e| {
            Diagnostic::error(format!(
                "template `{template}` failed for /{url_path}: {}",
                error_chain(&e)
            ))
            .at(format!("templates/{template}"))
        })
}

/// One entry of `/episodes/index.json`, the index the default theme's episode filter searches
/// (its shape is documented in themes/default/README.md).
#[derive(Serialize)]
struct IndexEntry<'a> {
    title: &'a str,
    url: &'a str,
    date: &'a str,
    tags: Vec<&'a str>,
    summary: &'a str,
    /// The show notes as plain text, then the chapter titles.
    text: String,
}

/// `/episodes/index.json`: every published episode, newest first, as JSON.
pub fn episode_index(episodes: &[EpisodeView]) -> Vec<u8> {
    let entries: Vec<Vec<u8>> = episodes.par_iter().map(index_entry).collect();
    join_index(&entries)
}

/// An episode's words for the chunked search index (crate::search): its title, summary, show
/// notes, tags and chapter titles, then its transcript's cues.
pub fn search_words(e: &EpisodeView) -> crate::search::EpisodeWords {
    search_words_of(e, &html_text(&e.content))
}

/// [`search_words`] with the notes' text (`html_text` of them) already made.
pub fn search_words_of(e: &EpisodeView, notes: &str) -> crate::search::EpisodeWords {
    let cues = e
        .transcript
        .as_ref()
        .and_then(|t| t.cues.as_deref())
        .map(|t| t.cues.as_slice())
        .unwrap_or_default();
    crate::timings::task("search: episode words", "episode(s)", || {
        crate::search::episode_words(
            [e.title.as_str(), e.summary.as_str(), notes]
                .into_iter()
                .chain(e.tags.iter().map(|t| t.name.as_str()))
                .chain(e.chapters.iter().map(|c| c.title.as_str())),
            cues.iter().map(|c| (c.start, c.text.as_str())),
        )
    })
}

/// One episode's entry of `/episodes/index.json`, as JSON.
pub fn index_entry(e: &EpisodeView) -> Vec<u8> {
    index_entry_of(e, html_text(&e.content))
}

/// [`index_entry`] with the notes' text (`html_text` of them) already made.
pub fn index_entry_of(e: &EpisodeView, notes: String) -> Vec<u8> {
    let mut text = notes;
    for title in e.chapters.iter().map(|c| c.title.as_str()) {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(title);
    }
    let entry = IndexEntry {
        title: &e.title,
        url: &e.url,
        date: &e.date,
        tags: e.tags.iter().map(|t| t.name.as_str()).collect(),
        summary: &e.summary,
        text,
    };
    // Sized up front: 10,000 entries grown by doubling held a third more than their bytes.
    let fields = [
        entry.title,
        entry.url,
        entry.date,
        entry.summary,
        &entry.text,
    ];
    let plain = fields.iter().map(|f| f.len()).sum::<usize>()
        + entry.tags.iter().map(|t| t.len() + 3).sum::<usize>();
    let mut json = Vec::with_capacity(plain + plain / 32 + 80);
    serde_json::to_writer(&mut json, &entry).expect("episode index entry serializes");
    json
}

/// The entries as one JSON array, byte for byte what serializing them together gives.
pub fn join_index(entries: &[impl AsRef<[u8]>]) -> Vec<u8> {
    let len = entries.iter().map(|e| e.as_ref().len() + 1).sum::<usize>() + 2;
    let mut out = Vec::with_capacity(len);
    write_joined_index(entries, &mut out).expect("writing to memory cannot fail");
    out
}

/// `join_index` written to `w` as it goes.
pub fn write_joined_index(
    entries: &[impl AsRef<[u8]>],
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    w.write_all(b"[")?;
    for (i, e) in entries.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        w.write_all(e.as_ref())?;
    }
    w.write_all(b"]")
}

/// The text of an HTML fragment: tags become spaces (so "</li><li>" separates words), the
/// contents of `<script>` and `<style>` are dropped, entities are decoded and runs of
/// whitespace become one space. One pass, straight into the result: the search index makes
/// this of every episode's notes.
pub fn html_text(html: &str) -> String {
    let mut out = TextOut::with_capacity(html.len());
    let mut rest = html;
    loop {
        // Bytes, not characters: both are ASCII, so where one is is a character boundary.
        let Some(special) = rest.bytes().position(|b| b == b'<' || b == b'&') else {
            out.push_text(rest);
            break;
        };
        out.push_text(&rest[..special]);
        let tail = &rest[special..];
        if let Some(after_amp) = tail.strip_prefix('&') {
            match decode_entity(tail) {
                Some((c, len)) => {
                    out.push_char(c);
                    rest = &tail[len..];
                }
                None => {
                    out.push_char('&');
                    rest = after_amp;
                }
            }
            continue;
        }
        out.gap();
        let Some(gt) = tail.find('>') else {
            break;
        };
        let name_len = tail[1..gt]
            .bytes()
            .take_while(u8::is_ascii_alphanumeric)
            .count();
        let name = &tail[1..1 + name_len];
        rest = &tail[gt + 1..];
        if name.eq_ignore_ascii_case("script") || name.eq_ignore_ascii_case("style") {
            let close = format!("</{}", name.to_ascii_lowercase());
            rest = match rest.to_ascii_lowercase().find(&close) {
                Some(end) => rest[end..].find('>').map_or("", |g| &rest[end + g + 1..]),
                None => "",
            };
        }
    }
    out.text
}

/// Text with runs of whitespace as one space and none at either end, as it is pushed.
struct TextOut {
    text: String,
    gap: bool,
}

impl TextOut {
    fn with_capacity(n: usize) -> Self {
        TextOut {
            text: String::with_capacity(n),
            gap: false,
        }
    }

    fn gap(&mut self) {
        self.gap = !self.text.is_empty();
    }

    fn push_char(&mut self, c: char) {
        if c.is_whitespace() {
            self.gap();
        } else {
            if self.gap {
                self.text.push(' ');
                self.gap = false;
            }
            self.text.push(c);
        }
    }

    fn push_text(&mut self, s: &str) {
        // Words are copied whole; only the whitespace between them is looked at. ASCII bytes
        // are told apart without decoding; other characters are decoded to ask if they are
        // whitespace (U+00A0, U+2003...).
        let bytes = s.as_bytes();
        let mut word_start = None;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            let (space, len) = if b.is_ascii() {
                (char::from(b).is_whitespace(), 1)
            } else {
                let c = s[i..].chars().next().expect("a character starts here");
                (c.is_whitespace(), c.len_utf8())
            };
            if space {
                if let Some(start) = word_start.take() {
                    self.push_word(&s[start..i]);
                }
                self.gap();
            } else if word_start.is_none() {
                word_start = Some(i);
            }
            i += len;
        }
        if let Some(start) = word_start {
            self.push_word(&s[start..]);
        }
    }

    fn push_word(&mut self, word: &str) {
        if self.gap {
            self.text.push(' ');
            self.gap = false;
        }
        self.text.push_str(word);
    }
}

/// The character an entity at the start of `s` (`&amp;`, `&#x41;`) stands for, and the
/// entity's length.
fn decode_entity(s: &str) -> Option<(char, usize)> {
    let semi = s.find(';').filter(|&semi| semi <= 10)?;
    let name = &s[1..semi];
    let c = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        _ => {
            let code = if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok()
            } else {
                name.strip_prefix('#').and_then(|d| d.parse().ok())
            };
            code.and_then(char::from_u32)
        }
    };
    c.map(|c| (c, semi + 1))
}

pub fn sitemap(site: &Site, extra_paths: &[String]) -> Vec<u8> {
    let c = &site.config;
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut push = |path: &str, lastmod: Option<String>| {
        out.push_str("  <url><loc>");
        out.push_str(&xml_escape(&c.absolute(path)));
        out.push_str("</loc>");
        if let Some(m) = lastmod {
            out.push_str("<lastmod>");
            out.push_str(&m);
            out.push_str("</lastmod>");
        }
        out.push_str("</url>\n");
    };
    push("", site.episodes.first().map(|e| dates::rfc3339(&e.date)));
    push("episodes/", None);
    for e in &site.episodes {
        push(
            &format!("episodes/{}/", e.slug),
            Some(dates::rfc3339(&e.date)),
        );
    }
    for p in extra_paths {
        push(p, None);
    }
    out.push_str("</urlset>\n");
    out.into_bytes()
}

pub fn robots(site: &Site) -> Vec<u8> {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        site.config.absolute("sitemap.xml")
    )
    .into_bytes()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    #[test]
    fn ld_filter_escapes_like_the_ld_macro_and_never_closes_the_script() {
        let macros = crate::theme::templates()
            .iter()
            .find(|(name, _)| *name == "macros.html")
            .map(|(_, bytes)| std::str::from_utf8(bytes).unwrap())
            .unwrap();
        let mut tera = Tera::default();
        tera.add_raw_templates(vec![
            ("macros.html", macros),
            ("filter", "{{ v | ld }}"),
            ("macro", "{% import \"macros.html\" as m %}{{ m::ld(v=v) }}"),
        ])
        .unwrap();
        register_functions(&mut tera, Arc::new(Assets::default()), "/".into());
        let mut ctx = Context::new();
        ctx.insert("v", "Tips & \"tricks\" </script><b>");
        let filtered = tera.render("filter", &ctx).unwrap();
        assert_eq!(filtered, r#""Tips & \"tricks\" \u003c/script>\u003cb>""#);
        assert_eq!(filtered, tera.render("macro", &ctx).unwrap());
        ctx.insert("v", &serde_json::json!({"n": 3, "s": "<"}));
        assert_eq!(
            tera.render("filter", &ctx).unwrap(),
            r#"{"n":3,"s":"\u003c"}"#
        );
    }

    use super::*;

    /// html_text as it was written first, in three passes (tags, entities, whitespace): the
    /// one-pass version must give the same text.
    fn html_text_by_passes(html: &str) -> String {
        let mut raw = String::with_capacity(html.len());
        let mut rest = html;
        while let Some(lt) = rest.find('<') {
            raw.push_str(&rest[..lt]);
            raw.push(' ');
            let tag = &rest[lt..];
            let Some(gt) = tag.find('>') else {
                rest = "";
                break;
            };
            let name_len = tag[1..gt]
                .bytes()
                .take_while(u8::is_ascii_alphanumeric)
                .count();
            let name = &tag[1..1 + name_len];
            rest = &tag[gt + 1..];
            if name.eq_ignore_ascii_case("script") || name.eq_ignore_ascii_case("style") {
                let close = format!("</{}", name.to_ascii_lowercase());
                rest = match rest.to_ascii_lowercase().find(&close) {
                    Some(end) => rest[end..].find('>').map_or("", |g| &rest[end + g + 1..]),
                    None => "",
                };
            }
        }
        raw.push_str(rest);
        let mut decoded = String::new();
        let mut rest = raw.as_str();
        while let Some(amp) = rest.find('&') {
            decoded.push_str(&rest[..amp]);
            let tail = &rest[amp..];
            match decode_entity(tail) {
                Some((c, len)) => {
                    decoded.push(c);
                    rest = &tail[len..];
                }
                None => {
                    decoded.push('&');
                    rest = &tail[1..];
                }
            }
        }
        decoded.push_str(rest);
        decoded.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    proptest::proptest! {
        #[test]
        fn html_text_in_one_pass_is_the_three_passes(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "<", ">", "&", ";", "amp", "nbsp", "#x41", "#10", "#xZZ", "</", "p", "b ", "script",
                "STYLE", "style", " ", "\n", "\u{a0}", "\u{2003}", "\u{b}", "\u{85}", "\u{1f}",
                "word", "é", "<!--", "-->", "=", "'",
            ]), 0..24)
        ) {
            let html: String = parts.concat();
            proptest::prop_assert_eq!(html_text(&html), html_text_by_passes(&html), "{:?}", html);
        }
    }

    #[test]
    fn html_text_strips_tags_and_decodes_entities() {
        assert_eq!(
            html_text(
                "<h2 id=\"x\">Parts</h2>\n<ul><li>a coil &amp; a diode</li><li>an&#39;earpiece&#x21;</li></ul>"
            ),
            "Parts a coil & a diode an'earpiece!"
        );
        assert_eq!(
            html_text("<p>a<script>var x = '<p>';</script>b<STYLE>p{}</style>c</p>"),
            "a b c"
        );
        assert_eq!(html_text("5 &lt; 6 &bogus; &"), "5 < 6 &bogus; &");
        assert_eq!(html_text("broken <a href"), "broken");
        assert_eq!(html_text("  a \u{a0}\n b&nbsp;&#10; c  "), "a b c");
        assert_eq!(html_text("<p>x</p><SCRIPT>y</SCRIPT>z"), "x z");
    }

    #[test]
    fn episode_index_lists_each_episode_with_text() {
        let ep = |title: &str, slug: &str, content: &str, chapters: Vec<ChapterView>| EpisodeView {
            card: CardView {
                title: title.into(),
                slug: slug.into(),
                url: format!("/episodes/{slug}/"),
                permalink: format!("https://x.test/episodes/{slug}/"),
                guid: slug.into(),
                date: "2026-01-13T08:00:00+01:00".into(),
                date_display: "13 January 2026".into(),
                summary: format!("About {title}."),
                audio_url: "https://x.test/a.mp3".into(),
                audio_path: "/a.mp3".into(),
                audio_mime: "audio/mpeg",
                audio_size: 1000,
                audio_size_display: human_size(1000),
                duration: 60.0,
                duration_display: human_duration(60.0),
                duration_hms: hms(60.0),
                number: Some(1),
                season: None,
                episode_type: "full",
                explicit: None,
                image_url: None,
                image_path: None,
                tags: vec![TagRef {
                    name: "Crystal Radio".into(),
                    slug: "crystal-radio".into(),
                    url: "/tags/crystal-radio/".into(),
                }],
                chapter_count: chapters.len(),
                chapters_url: None,
                people: Vec::new(),
                extra: None,
            },
            chapters,
            content: content.into(),
            transcript: None,
        };
        let eps = [
            ep(
                "Coils",
                "coils",
                "<p>Wind the <em>coil</em> tight.</p>",
                vec![ChapterView {
                    start: 0.0,
                    start_display: "0:00".into(),
                    title: "Winding".into(),
                    url: None,
                    img: None,
                }],
            ),
            ep("Cans", "cans", "", Vec::new()),
        ];
        let parsed: Value = serde_json::from_slice(&episode_index(&eps)).unwrap();
        assert_eq!(
            parsed,
            serde_json::json!([
                {"title": "Coils", "url": "/episodes/coils/", "date": "2026-01-13T08:00:00+01:00",
                 "tags": ["Crystal Radio"], "summary": "About Coils.", "text": "Wind the coil tight. Winding"},
                {"title": "Cans", "url": "/episodes/cans/", "date": "2026-01-13T08:00:00+01:00",
                 "tags": ["Crystal Radio"], "summary": "About Cans.", "text": ""}
            ])
        );
    }

    #[test]
    fn escape_html_escapes_the_five_and_keeps_the_rest() {
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("plain / text"), "plain / text");
        assert_eq!(
            escape_html("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
        );
        assert_eq!(escape_html("café <ü>&"), "café &lt;ü&gt;&amp;");
    }

    #[test]
    fn human_units() {
        assert_eq!(human_duration(6185.0), "1 hr 43 min");
        assert_eq!(human_duration(720.4), "12 min");
        assert_eq!(human_duration(45.0), "45 sec");
        assert_eq!(human_duration(7200.0), "2 hr");
        assert_eq!(hms(6185.0), "1:43:05");
        assert_eq!(hms(3525.0), "58:45");
        assert_eq!(human_size(27_400_000), "27.4 MB");
        assert_eq!(human_size(999), "999 bytes");
    }
}
