//! The content model: what a site folder says, parsed and checked. Built once per build by
//! `load`, then only read (pages, feed and checks all borrow it). `companions` attaches each
//! episode's chapters, transcripts and people to it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::ZonedDateTime as Zoned;
use rayon::prelude::*;

use crate::audio::{AudioFacts, AudioFormat};
use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};
use crate::frontmatter;
use crate::fsutil::{read_text, rel};
use crate::markdown::{self, Rendered};

pub mod companions;

/// Episode front matter as written. Jekyll/Eleventy spellings are aliases of ours.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EpisodeFrontMatter {
    pub title: Option<String>,
    pub date: Option<String>,
    #[serde(alias = "audio_url")]
    pub audio: Option<String>,
    /// Byte length, for remote audio that is not probed.
    pub length: Option<u64>,
    /// For remote audio that is not probed: "1:02:03", "58:45" or seconds.
    pub duration: Option<NumberOrText>,
    #[serde(alias = "episode_number")]
    pub episode: Option<u32>,
    pub season: Option<u32>,
    #[serde(rename = "type")]
    pub episode_type: Option<String>,
    pub summary: Option<String>,
    pub explicit: Option<bool>,
    pub image: Option<String>,
    pub tags: Option<Tags>,
    pub people: Option<Vec<crate::people::PersonEntry>>,
    /// A list of `{start, title, url?, img?}`, or the path of a JSON chapters file.
    pub chapters: Option<crate::chapters::ChaptersField>,
    /// One transcript (a path or URL), or a list of them, each optionally `{file, language}`.
    #[serde(alias = "transcripts")]
    pub transcript: Option<crate::transcript::TranscriptField>,
    pub guid: Option<String>,
    pub draft: Option<bool>,
    pub slug: Option<String>,
    /// The episode's old addresses (paths on this site): each gets a page that redirects to
    /// it (`render::aliases`).
    pub aliases: Option<Vec<String>>,
    /// Jekyll/Eleventy layout name: accepted and ignored (onair's theme decides).
    #[serde(default)]
    pub layout: Option<serde_json::Value>,
    /// Eleventy's show id for multi-show sites: accepted and ignored.
    #[serde(default)]
    pub podcast: Option<serde_json::Value>,
    /// Free values for templates (`episode.extra`), as Hugo's `params` and Zola's `extra`.
    #[serde(default)]
    pub extra: Option<serde_json::Value>,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(untagged)]
pub enum NumberOrText {
    Number(f64),
    Text(String),
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(untagged)]
pub enum Tags {
    List(Vec<String>),
    /// Jekyll allows `tags: a b c` (or comma-separated).
    Text(String),
}

impl Tags {
    fn into_vec(self) -> Vec<String> {
        let list = match self {
            Tags::List(v) => v,
            Tags::Text(s) if s.contains(',') => s.split(',').map(str::to_string).collect(),
            Tags::Text(s) => s.split_whitespace().map(str::to_string).collect(),
        };
        let mut out: Vec<String> = Vec::new();
        for t in list {
            let t = t.trim().to_string();
            if !t.is_empty() && !out.contains(&t) {
                out.push(t);
            }
        }
        out
    }
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageFrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub slug: Option<String>,
    pub draft: Option<bool>,
    /// false keeps the page out of the site's header menu (it is still published).
    pub menu: Option<bool>,
    #[serde(default)]
    pub layout: Option<serde_json::Value>,
    /// Free values for templates (`page.extra`).
    #[serde(default)]
    pub extra: Option<serde_json::Value>,
}

/// Top-level paths onair publishes itself, so no page may take them.
pub const RESERVED_PAGE_SLUGS: &[&str] = &[
    "episodes", "tags", "assets", "audio", "people", "feed-xml", "404",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EpisodeType {
    Full,
    Trailer,
    Bonus,
}

impl EpisodeType {
    pub fn as_str(self) -> &'static str {
        match self {
            EpisodeType::Full => "full",
            EpisodeType::Trailer => "trailer",
            EpisodeType::Bonus => "bonus",
        }
    }
}

/// Where an episode's audio lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AudioSource {
    /// A file in the site folder, relative to it with `/` separators (`audio/ep1.mp3`).
    Local(String),
    Remote(String),
}

/// An episode file after parsing, before its audio is resolved.
#[derive(Debug, Clone)]
pub struct EpisodeSource {
    /// Site-relative path with `/` separators (`episodes/2026-01-05-pilot.md`).
    pub file: String,
    pub path: PathBuf,
    pub front: EpisodeFrontMatter,
    pub title: String,
    pub date: Zoned,
    pub slug: String,
    pub audio: AudioSource,
    /// 1-based line of the `audio:` key, for errors about the audio.
    pub audio_line: usize,
    pub body: String,
    pub body_line: usize,
    /// The front matter's text and its first line, for the lines of list items (serde keeps
    /// no positions).
    pub yaml: String,
    pub yaml_line: usize,
    /// Where each front matter key is written (kept when `yaml` is let go).
    pub key_lines: crate::config::KeyLines,
    pub notes: Rendered,
    pub tags: Vec<String>,
    pub episode_type: EpisodeType,
    pub draft: bool,
}

/// A published episode, complete.
#[derive(Debug, Clone)]
pub struct Episode {
    pub file: String,
    pub path: PathBuf,
    pub slug: String,
    pub title: String,
    pub date: Zoned,
    pub guid: String,
    pub audio: AudioSource,
    pub audio_url: String,
    pub facts: AudioFacts,
    pub number: Option<u32>,
    pub season: Option<u32>,
    pub episode_type: EpisodeType,
    pub summary: String,
    pub explicit: Option<bool>,
    pub image: Option<String>,
    pub tags: Vec<String>,
    pub notes: Rendered,
    /// The notes as written, for `companions::attach`. A build empties this and `yaml` once
    /// attach has run: the rendered notes and the parsed front matter carry the rest, and
    /// 10,000 episodes' sources are tens of MB.
    pub body: String,
    pub body_line: usize,
    /// The front matter's text and its first line (see `EpisodeSource`).
    pub yaml: String,
    pub yaml_line: usize,
    /// Where each front matter key is written, for problems found later (the feed's checks,
    /// duplicates): kept when `yaml` is let go.
    pub key_lines: crate::config::KeyLines,
    pub draft: bool,
    pub front: EpisodeFrontMatter,
    /// Chapters, transcript and people, read by `companions::attach` once the audio is known.
    pub companions: companions::Companions,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub file: String,
    pub slug: String,
    pub title: String,
    pub description: Option<String>,
    pub content: Rendered,
    /// `extra:` of its front matter, for templates.
    pub extra: Option<serde_json::Value>,
    /// Listed in the site's header menu (front matter `menu:`, default true).
    pub menu: bool,
}

/// A tag and the episodes that carry it (indexes into `Site::episodes`, newest first).
#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    pub slug: String,
    pub episodes: Vec<usize>,
}

/// The whole site, read-only once loaded.
#[derive(Debug, Clone)]
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    /// Published episodes, newest first. Shared with serve's build cache, which keeps them
    /// between rebuilds.
    pub episodes: Vec<Arc<Episode>>,
    pub pages: Vec<Page>,
    pub tags: Vec<Tag>,
}

impl Site {
    /// The URLs the site's own files give as absolute http(s) URLs (artwork, audio, chapters,
    /// transcripts): published as written. They are files of another server even when they
    /// lie under the site's `url:`, as an imported show's links to its old website do.
    pub fn remote_urls(&self) -> std::collections::BTreeSet<String> {
        let is_url = |s: &str| s.starts_with("https://") || s.starts_with("http://");
        let mut out = std::collections::BTreeSet::new();
        if let Some(img) = self.config.image.as_deref().filter(|i| is_url(i)) {
            out.insert(img.to_string());
        }
        for ep in &self.episodes {
            if let AudioSource::Remote(url) = &ep.audio {
                out.insert(url.clone());
            }
            let companions = &ep.companions;
            let links = [ep.image.as_deref(), companions.remote_chapters.as_deref()];
            let transcripts = companions
                .remote_transcripts
                .iter()
                .map(|t| Some(t.url.as_str()));
            out.extend(
                links
                    .into_iter()
                    .chain(transcripts)
                    .flatten()
                    .filter(|u| is_url(u))
                    .map(str::to_string),
            );
        }
        out
    }
}

/// Markdown files directly in `dir` (sorted), or an empty list if the folder is missing.
pub fn markdown_files(root: &Path, dir: &str, diags: &mut Diagnostics) -> Vec<PathBuf> {
    let base = root.join(dir);
    if !base.is_dir() {
        return Vec::new();
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(&base)
        .follow_links(false)
        .sort_by_file_name()
    {
        match entry {
            Ok(e) => {
                let p = e.path();
                let name = e.file_name().to_string_lossy();
                let markdown = p.extension().is_some_and(|x| x == "md" || x == "markdown")
                    && !name.starts_with('.');
                if e.file_type().is_file() && markdown {
                    files.push(p.to_path_buf());
                } else if e.file_type().is_symlink()
                    && let Some(target) = symlinked_markdown(root, p, markdown, diags)
                {
                    files.push(target);
                }
            }
            Err(err) => {
                let at = err
                    .path()
                    .map(|p| rel(root, p))
                    .unwrap_or_else(|| dir.to_string());
                diags.push(Diagnostic::error(format!("cannot read folder: {err}")).at(at));
            }
        }
    }
    files
}

/// A symbolic link met in a content folder. A link to a Markdown file inside the site is read
/// like the file (its path is the link's: the slug comes from the link's name); anything
/// else is reported, never followed: a loop or a broken link named like an episode is an
/// error (that episode would silently go missing), a link leading out of the site is an error
/// for Markdown and a warning otherwise, a link to a folder is a warning.
fn symlinked_markdown(
    root: &Path,
    link: &Path,
    markdown: bool,
    diags: &mut Diagnostics,
) -> Option<PathBuf> {
    let at = rel(root, link);
    let target = std::fs::read_link(link)
        .map(|t| t.display().to_string())
        .unwrap_or_default();
    let report = |d: Diagnostic, diags: &mut Diagnostics| {
        diags.push(d.at(&at));
        None
    };
    let meta = match std::fs::metadata(link) {
        Ok(m) => m,
        Err(e) => {
            let what = if e.raw_os_error() == Some(libc::ELOOP) {
                format!("symbolic link loop: `{at}` -> `{target}` never reaches a file")
            } else if e.kind() == std::io::ErrorKind::NotFound {
                format!("broken symbolic link (`{at}` -> `{target}`, which does not exist)")
            } else {
                format!("cannot follow the symbolic link `{at}` -> `{target}`: {e}")
            };
            let d = if markdown {
                Diagnostic::error(format!("{what}: replace it with the file itself"))
            } else {
                Diagnostic::warning(format!("{what}: ignored"))
            };
            return report(d, diags);
        }
    };
    let inside = match (link.canonicalize(), root.canonicalize()) {
        (Ok(real), Ok(root)) => real.starts_with(root),
        _ => false,
    };
    if !inside {
        let what = format!(
            "the symbolic link `{at}` leads outside the site folder (to `{target}`); onair never follows links out of the site"
        );
        return if markdown {
            report(
                Diagnostic::error(format!("{what}: copy the file into the site")),
                diags,
            )
        } else {
            report(Diagnostic::warning(format!("{what}: ignored")), diags)
        };
    }
    if meta.is_dir() {
        return report(
            Diagnostic::warning(format!(
                "the symbolic link `{at}` leads to a folder, which is not searched: move the files here instead"
            )),
            diags,
        );
    }
    (markdown && meta.is_file()).then(|| link.to_path_buf())
}

pub const MAX_TAGS_PER_EPISODE: usize = 100;

/// Parses one episode file. Problems are collected, not stopped at.
pub fn parse_episode(
    root: &Path,
    path: &Path,
    config: &Config,
) -> Result<EpisodeSource, Vec<Diagnostic>> {
    let file = rel(root, path);
    let text = read_text(path, &file).map_err(|d| vec![d])?;
    let split = frontmatter::split(&text)
        .map_err(|(line, msg)| vec![Diagnostic::error(msg).at(&file).line(line)])?;
    // Unknown keys do not stop the checks of the others: all are reported at once.
    let (front, mut errors) = frontmatter::parse_lenient::<EpisodeFrontMatter>(
        split.yaml,
        Path::new(&file),
        split.yaml_line,
    );
    let Some(front) = front else {
        return Err(errors);
    };
    let key_line = |key: &str| split.yaml_line + crate::config::key_line(split.yaml, key) - 1;

    let title = episode_title(&front);
    if title.is_empty() {
        errors.push(
            Diagnostic::error("`title` is required (apps show it in every episode list)")
                .at(&file)
                .line(split.yaml_line),
        );
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (file_date, file_slug) = split_dated_name(&stem);
    let date = match front.date.as_deref().or(file_date) {
        Some(d) => match crate::dates::parse_date(d, &config.timezone) {
            Ok(z) => Some(z),
            Err(msg) => {
                errors.push(Diagnostic::error(msg).at(&file).line(key_line("date")));
                None
            }
        },
        None => {
            errors.push(
                Diagnostic::error("`date` is required (e.g. `date: 2026-01-05 09:00`), or start the file name with it: 2026-01-05-slug.md")
                    .at(&file)
                    .line(split.yaml_line),
            );
            None
        }
    };
    let slug = checked_slug(
        front.slug.as_deref(),
        file_slug,
        &file,
        &key_line,
        &mut errors,
    );
    let (audio, audio_line) = checked_audio(&front, &split, &file, &key_line, &mut errors);
    let episode_type = checked_kind(&front, &file, &key_line, &mut errors);
    let tags = checked_tags(&front, &file, &key_line, &mut errors);
    if let Some(d) = extra_not_a_map(front.extra.as_ref(), "episode") {
        errors.push(d.at(&file).line(key_line("extra")));
    }
    frontmatter::drop_implied_missing(&mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let slug_url = config.absolute(&format!("episodes/{slug}/"));
    let body = crate::liquid::strip_template_tags(split.body);
    // A timed transcript pasted into the notes is a transcript, not notes: it is published as
    // one (files, feed, the page's transcript section), so the notes leave it out and it
    // shows once.
    let notes = match crate::transcript::notes_section(&body).filter(|s| s.timed) {
        Some(s) => markdown::render(
            &format!("{}{}", &body[..s.heading], &body[s.end..]),
            &slug_url,
        ),
        None => markdown::render(&body, &slug_url),
    };
    Ok(EpisodeSource {
        file,
        path: path.to_path_buf(),
        title,
        date: date.expect("checked above"),
        slug,
        audio: audio.expect("checked above"),
        audio_line,
        body: body.into_owned(),
        body_line: split.body_line,
        yaml: split.yaml.to_string(),
        yaml_line: split.yaml_line,
        key_lines: crate::config::KeyLines::of(split.yaml, split.yaml_line),
        notes,
        tags,
        episode_type,
        draft: front.draft.unwrap_or(false),
        front,
    })
}

/// The title as apps show it: Jekyll/Eleventy titles are HTML (`Q&amp;A`), decoded before
/// spaces are normalised.
fn episode_title(front: &EpisodeFrontMatter) -> String {
    front
        .title
        .as_deref()
        .map(|t| {
            crate::liquid::decode_html_entities(t)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

/// The tags, at most `MAX_TAGS_PER_EPISODE`.
fn checked_tags(
    front: &EpisodeFrontMatter,
    file: &str,
    key_line: &dyn Fn(&str) -> usize,
    errors: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let tags = front.tags.clone().map(Tags::into_vec).unwrap_or_default();
    if tags.len() > MAX_TAGS_PER_EPISODE {
        // Every tag page lists its episodes with their tags: thousands of tags on one
        // episode would make the site grow with the square of their number.
        errors.push(
            Diagnostic::error(format!(
                "{} tags on one episode; at most {MAX_TAGS_PER_EPISODE} are published (each tag gets a page)",
                tags.len()
            ))
            .at(file)
            .line(key_line("tags")),
        );
    }
    tags
}

/// The episode's slug: `slug:` when given (which must be a slug already), else the file
/// name's.
fn checked_slug(
    front_slug: Option<&str>,
    file_slug: &str,
    file: &str,
    key_line: &dyn Fn(&str) -> usize,
    errors: &mut Vec<Diagnostic>,
) -> String {
    let slug = match front_slug {
        Some(s) => {
            let clean = crate::slug::slugify(s);
            if clean != s {
                errors.push(
                    Diagnostic::error(format!(
                        "`slug: {s}` must be lowercase letters, digits and dashes, e.g. `{clean}`"
                    ))
                    .at(file)
                    .line(key_line("slug")),
                );
            }
            clean
        }
        None => crate::slug::slugify(file_slug),
    };
    if slug.is_empty() {
        errors.push(
            Diagnostic::error(
                "the file name gives no slug: name it like 2026-01-05-my-episode.md or set `slug:`",
            )
            .at(file),
        );
    }
    slug
}

/// Where the audio is, and the line of its key (`audio:` or Jekyll's `audio_url:`).
fn checked_audio(
    front: &EpisodeFrontMatter,
    split: &frontmatter::Split<'_>,
    file: &str,
    key_line: &dyn Fn(&str) -> usize,
    errors: &mut Vec<Diagnostic>,
) -> (Option<AudioSource>, usize) {
    let audio_line = key_line(
        if front.audio.is_some()
            && !split.yaml.contains("\naudio:")
            && !split.yaml.starts_with("audio:")
        {
            "audio_url"
        } else {
            "audio"
        },
    );
    let audio = match front.audio.as_deref().map(str::trim) {
        Some(a) if a.starts_with("https://") || a.starts_with("http://") => {
            Some(AudioSource::Remote(a.to_string()))
        }
        Some(a) if !a.is_empty() => Some(AudioSource::Local(
            a.trim_start_matches("./")
                .trim_start_matches('/')
                .to_string(),
        )),
        _ => {
            errors.push(Diagnostic::error("`audio` is required: a file in the site such as audio/ep1.mp3, or an https URL").at(file).line(split.yaml_line));
            None
        }
    };
    (audio, audio_line)
}

/// `type:`, and `episode:` and `season:` when given.
fn checked_kind(
    front: &EpisodeFrontMatter,
    file: &str,
    key_line: &dyn Fn(&str) -> usize,
    errors: &mut Vec<Diagnostic>,
) -> EpisodeType {
    let episode_type = match front.episode_type.as_deref() {
        None | Some("full") => EpisodeType::Full,
        Some("trailer") => EpisodeType::Trailer,
        Some("bonus") => EpisodeType::Bonus,
        Some(other) => {
            errors.push(
                Diagnostic::error(format!(
                    "`type: {other}` must be `full`, `trailer` or `bonus`"
                ))
                .at(file)
                .line(key_line("type")),
            );
            EpisodeType::Full
        }
    };
    for (key, value) in [("episode", front.episode), ("season", front.season)] {
        if value == Some(0) {
            errors.push(
                Diagnostic::error(format!("`{key}` must be a positive number"))
                    .at(file)
                    .line(key_line(key)),
            );
        }
    }
    episode_type
}

/// `2015-07-29-aws-deployments` -> (Some("2015-07-29"), "aws-deployments").
fn split_dated_name(stem: &str) -> (Option<&str>, &str) {
    let b = stem.as_bytes();
    let dated = b.len() >= 10
        && b[..10].iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if dated {
        let rest = stem[10..].trim_start_matches(['-', '_']);
        (Some(&stem[..10]), if rest.is_empty() { stem } else { rest })
    } else {
        (None, stem)
    }
}

pub fn parse_page(
    root: &Path,
    path: &Path,
    config: &Config,
) -> Result<Option<Page>, Vec<Diagnostic>> {
    let file = rel(root, path);
    let text = read_text(path, &file).map_err(|d| vec![d])?;
    let split = frontmatter::split(&text)
        .map_err(|(line, msg)| vec![Diagnostic::error(msg).at(&file).line(line)])?;
    let front: PageFrontMatter = frontmatter::parse(split.yaml, Path::new(&file), split.yaml_line)?;
    if front.draft == Some(true) {
        return Ok(None);
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let slug = crate::slug::slugify(front.slug.as_deref().unwrap_or(&stem));
    if slug.is_empty() || RESERVED_PAGE_SLUGS.contains(&slug.as_str()) {
        let d = Diagnostic::error(format!(
            "the page would be published at /{slug}/, which onair uses itself: rename the file or set `slug:`"
        ))
        .at(&file);
        let slug_line = front
            .slug
            .is_some()
            .then(|| split.yaml_line + crate::config::key_line(split.yaml, "slug") - 1);
        return Err(vec![match slug_line {
            Some(l) => d.line(l),
            None => d,
        }]);
    }
    if let Some(d) = extra_not_a_map(front.extra.as_ref(), "page") {
        let line = split.yaml_line + crate::config::key_line(split.yaml, "extra") - 1;
        return Err(vec![d.at(&file).line(line)]);
    }
    let body = crate::liquid::strip_template_tags(split.body);
    let content = markdown::render_page(&body, &config.absolute(&format!("{slug}/")));
    let title = front.title.clone().unwrap_or_else(|| deslug(&stem));
    Ok(Some(Page {
        file,
        slug,
        title,
        description: front.description,
        content,
        extra: front.extra,
        menu: front.menu != Some(false),
    }))
}

/// `extra:` must be a map of the user's own keys (templates read `episode.extra.KEY`).
fn extra_not_a_map(extra: Option<&serde_json::Value>, what: &str) -> Option<Diagnostic> {
    let extra = extra?;
    (!extra.is_object() && !extra.is_null()).then(|| {
        Diagnostic::error(format!(
            "`extra:` is a map of your own keys for templates (`extra: {{ guest_site: https://... }}`), given to them as `{what}.extra`"
        ))
    })
}

fn deslug(stem: &str) -> String {
    let s = stem.replace(['-', '_'], " ");
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Parses a duration written by hand: `1:02:03`, `58:45`, `3525`, `3525.5`.
pub fn parse_duration(value: &NumberOrText) -> Result<f64, String> {
    match value {
        NumberOrText::Number(n) if *n > 0.0 && n.is_finite() => Ok(*n),
        NumberOrText::Number(n) => Err(format!("`duration: {n}` must be positive")),
        NumberOrText::Text(t) => {
            let t = t.trim();
            let parts: Vec<&str> = t.split(':').collect();
            if parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
                return Err(format!("`duration: {t}` is not H:MM:SS, MM:SS or seconds"));
            }
            let mut total = 0.0;
            for p in &parts {
                let v: f64 = p
                    .parse()
                    .map_err(|_| format!("`duration: {t}` is not H:MM:SS, MM:SS or seconds"))?;
                if v < 0.0 {
                    return Err(format!("`duration: {t}` is negative"));
                }
                total = total * 60.0 + v;
            }
            if total <= 0.0 {
                return Err(format!("`duration: {t}` must be more than zero"));
            }
            Ok(total)
        }
    }
}

/// Facts for remote audio given by hand in front matter (`length:` + `duration:`).
pub fn facts_from_front_matter(url: &str, length: u64, duration: f64) -> AudioFacts {
    let format = AudioFormat::from_extension(url).unwrap_or(AudioFormat::Mp3);
    AudioFacts {
        format,
        size: length,
        duration,
        codec: String::new(),
        sample_rate: 0,
        channels: 0,
        bitrate: if duration > 0.0 {
            (length as f64 * 8.0 / duration) as u32
        } else {
            0
        },
        method: crate::audio::METHOD_TYPED.to_string(),
        chapters: None,
    }
}

/// Parses every episode and page of the site in parallel, collecting every problem.
pub fn parse_all(
    root: &Path,
    config: &Config,
    diags: &mut Diagnostics,
) -> (Vec<EpisodeSource>, Vec<Page>) {
    let (listed, pages) = parse_all_except(root, config, diags, |_| false);
    let sources = listed
        .into_iter()
        .filter_map(|l| match l {
            Listed::Parsed(src) => Some(*src),
            Listed::Kept(_) => None,
        })
        .collect();
    (sources, pages)
}

/// `Config::load`'s errors, and with them the errors of the episode and page files read with
/// `Config::stand_in`: a mistake in site.yaml does not hide the episodes' (a folder with no
/// site.yaml at all is not a site, and its files are not read).
pub fn with_content_errors(root: &Path, mut diags: Diagnostics) -> Diagnostics {
    if !root.join(crate::config::CONFIG_FILE).is_file() {
        return diags;
    }
    let config = Config::stand_in(root);
    parse_all(root, &config, &mut diags);
    diags
}

/// One episode file of the listing.
#[derive(Debug)]
pub enum Listed {
    /// Read and parsed now.
    Parsed(Box<EpisodeSource>),
    /// Not read: the caller said it has this file (site-relative path) from an earlier build.
    Kept(String),
}

/// Lists the episode files in order and parses all but those `keep` answers true for (by
/// site-relative path), then parses the pages. Files that fail to parse are left out of the
/// list and their errors added to `diags`.
pub fn parse_all_except(
    root: &Path,
    config: &Config,
    diags: &mut Diagnostics,
    keep: impl Fn(&str) -> bool + Sync,
) -> (Vec<Listed>, Vec<Page>) {
    let episode_files = markdown_files(root, "episodes", diags);
    let page_files = markdown_files(root, "pages", diags);
    let parsed: Vec<_> = episode_files
        .par_iter()
        .map(|p| {
            let file = rel(root, p);
            if keep(&file) {
                Ok(Listed::Kept(file))
            } else {
                parse_episode(root, p, config).map(|src| Listed::Parsed(Box::new(src)))
            }
        })
        .collect();
    let mut episodes = Vec::with_capacity(parsed.len());
    for r in parsed {
        match r {
            Ok(e) => episodes.push(e),
            Err(errs) => diags.extend(errs),
        }
    }
    let mut pages = Vec::new();
    for p in &page_files {
        match parse_page(root, p, config) {
            Ok(Some(page)) => pages.push(page),
            Ok(None) => {}
            Err(errs) => diags.extend(errs),
        }
    }
    (episodes, pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dated_names() {
        assert_eq!(
            split_dated_name("2015-07-29-aws-deployments"),
            (Some("2015-07-29"), "aws-deployments")
        );
        assert_eq!(
            split_dated_name("aws-deployments"),
            (None, "aws-deployments")
        );
        assert_eq!(
            split_dated_name("2015-07-29"),
            (Some("2015-07-29"), "2015-07-29")
        );
    }

    #[test]
    fn durations() {
        assert_eq!(
            parse_duration(&NumberOrText::Text("0:58:45".into())),
            Ok(3525.0)
        );
        assert_eq!(
            parse_duration(&NumberOrText::Text("58:45".into())),
            Ok(3525.0)
        );
        assert_eq!(parse_duration(&NumberOrText::Number(12.5)), Ok(12.5));
        assert!(parse_duration(&NumberOrText::Text("1h".into())).is_err());
        assert!(parse_duration(&NumberOrText::Text("0:00".into())).is_err());
    }

    #[test]
    fn tags_from_text() {
        assert_eq!(Tags::Text("a b  a".into()).into_vec(), vec!["a", "b"]);
        assert_eq!(Tags::Text("x y, z".into()).into_vec(), vec!["x y", "z"]);
    }
}
