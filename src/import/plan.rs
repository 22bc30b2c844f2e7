//! From a parsed feed to the files of a site, in memory: site.yaml, one episode file per item,
//! and the lock entries that give each remote audio file its length and duration. Every
//! problem is collected: errors stop the import before anything is written; what cannot be
//! carried over is a warning naming the item.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::feed::{self, Feed, Item};
use super::notes;
use super::yaml::{flow_list, flow_map, scalar};
use super::{ImportOptions, one};
use crate::audio::{AudioFacts, AudioFormat};
use crate::content::EpisodeFrontMatter;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lock::{Lock, LockedAudio};

/// What is already in the target folder.
#[derive(Debug, Clone, Default)]
pub struct Existing {
    pub has_config: bool,
    /// GUIDs of the site's episodes, with their files.
    pub guids: HashMap<String, String>,
    /// Slugs and file names already taken in episodes/.
    pub slugs: HashSet<String>,
    pub files: HashSet<String>,
    pub lock: Lock,
    /// With `--show`: the new show of a network the feed becomes.
    pub into: Option<super::show::IntoShow>,
}

impl Existing {
    pub fn read(dir: &Path) -> Result<Existing, Diagnostics> {
        let mut ex = Existing {
            lock: Lock::new(),
            ..Existing::default()
        };
        if !dir.exists() {
            return Ok(ex);
        }
        if !dir.is_dir() {
            return Err(one(Diagnostic::error(
                "not a folder: give the site folder to import into",
            )
            .at(dir)));
        }
        ex.has_config = dir.join(crate::config::CONFIG_FILE).exists();
        ex.lock = Lock::load(dir).map_err(one)?;
        let mut diags = Diagnostics::new();
        for path in crate::content::markdown_files(dir, "episodes", &mut diags) {
            let file = crate::fsutil::rel(dir, &path);
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            ex.slugs.insert(crate::slug::slugify(undated(&stem)));
            ex.files.insert(file.clone());
            // An existing episode that cannot be read is left to `onair build` to report;
            // only its GUID matters here.
            let Ok(text) = crate::fsutil::read_text(&path, &file) else {
                continue;
            };
            let Ok(split) = crate::frontmatter::split(&text) else {
                continue;
            };
            if let Ok(front) = crate::frontmatter::parse::<EpisodeFrontMatter>(
                split.yaml,
                Path::new(&file),
                split.yaml_line,
            ) {
                if let Some(slug) = &front.slug {
                    ex.slugs.insert(slug.clone());
                }
                if let Some(g) = front.guid {
                    ex.guids.insert(g.trim().to_string(), file.clone());
                }
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(ex)
    }
}

impl Existing {
    /// What is already there for a new show of a network: nothing but the site's onair.lock
    /// (the remote audio it knows, keyed by URL, is every show's).
    pub fn for_show(dir: &Path, into: super::show::IntoShow) -> Result<Existing, Diagnostics> {
        let lock = if dir.is_dir() {
            Lock::load(dir).map_err(one)?
        } else {
            Lock::new()
        };
        Ok(Existing {
            lock,
            into: Some(into),
            ..Existing::default()
        })
    }
}

fn undated(stem: &str) -> &str {
    let b = stem.as_bytes();
    if b.len() > 11
        && b[4] == b'-'
        && b[7] == b'-'
        && b[..10].iter().filter(|c| c.is_ascii_digit()).count() == 8
    {
        &stem[11..]
    } else {
        stem
    }
}

#[derive(Debug, Clone)]
pub struct PlannedEpisode {
    /// Site-relative file name: `episodes/2015-07-29-aws-deployments.md`.
    pub file: String,
    pub content: String,
    pub guid: String,
    pub audio_url: String,
    /// Chapters/transcript to download into the site with `--download`: (url, site path).
    pub downloads: Vec<(String, String)>,
    /// With `--download-audio`: the audio to copy into the site.
    pub audio_download: Option<AudioDownload>,
}

/// An episode's audio to copy into the site.
#[derive(Debug, Clone)]
pub struct AudioDownload {
    pub url: String,
    /// Site-relative path: `audio/2015-07-29-aws-deployments.mp3`.
    pub path: String,
    /// The feed's enclosure length, which the download must match.
    pub expected: Option<u64>,
    /// Where the item is in the feed, for messages: (the item's label, the feed, line, col).
    pub origin: (String, std::path::PathBuf, usize, usize),
}

/// An image to copy into the site (`--download-audio`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArtworkDownload {
    pub url: String,
    /// Where it is written, relative to the site folder (`shows/<name>/...` for a show).
    pub path: String,
    /// How site.yaml and the episodes name it (relative to the show's folder).
    pub named: String,
}

/// The site path for the image at `url` (`{stem}.jpg`, `.png` when the URL says PNG); an
/// image already planned keeps its one path.
fn artwork_path(artwork: &mut Vec<ArtworkDownload>, url: &str, stem: &str) -> String {
    if let Some(a) = artwork.iter().find(|a| a.url == url) {
        return a.named.clone();
    }
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let ext = match path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()) {
        Some(e) if e == "png" => "png",
        _ => "jpg",
    };
    let named = format!("{stem}.{ext}");
    artwork.push(ArtworkDownload {
        url: url.to_string(),
        path: named.clone(),
        named: named.clone(),
    });
    named
}

/// An image's `image:` value: its URL, or with `--download-audio` the copy planned under
/// `stem`.
fn image_value(
    url: &str,
    opts: &ImportOptions,
    artwork: &mut Vec<ArtworkDownload>,
    stem: &str,
) -> String {
    if opts.download_audio && super::fetch::is_url(url) {
        artwork_path(artwork, url, stem)
    } else {
        url.to_string()
    }
}

/// site.yaml's text with its `image:` the planned copy (`assets/cover.jpg`) under
/// `--download-audio`.
fn local_show_image(
    text: String,
    image: Option<&str>,
    opts: &ImportOptions,
    artwork: &mut Vec<ArtworkDownload>,
) -> String {
    match image {
        Some(url) if opts.download_audio && super::fetch::is_url(url) => {
            let path = artwork_path(artwork, url, "assets/cover");
            text.replace(
                &format!("\nimage: {}\n", scalar(url)),
                &format!("\nimage: {}\n", scalar(&path)),
            )
        }
        _ => text,
    }
}

#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// site.yaml's text, None when the folder already has one.
    pub config: Option<String>,
    /// With `--show`: the show's show.yaml (its path, its text).
    pub show_config: Option<(String, String)>,
    pub episodes: Vec<PlannedEpisode>,
    /// The lock to write: the existing one plus the imported audio facts.
    pub lock: Lock,
    pub lock_changed: bool,
    pub already_present: Vec<String>,
    pub warnings: Vec<Diagnostic>,
    /// Items without audio kept with --keep-posts: (site-relative file, its text).
    pub pages: Vec<(String, String)>,
    /// With `--download-audio`: the show's and episodes' artwork to copy into the site, each
    /// image once.
    pub artwork: Vec<ArtworkDownload>,
    /// Items that did not become episodes: (the item, why).
    pub skipped: Vec<(String, String)>,
    /// What was guessed: (the item, "date" or "title").
    pub guessed: Vec<(String, String)>,
}

impl Plan {
    /// Puts every file of the plan under `prefix` (a show's folder, `shows/<name>/`); what
    /// the files say (`audio: audio/...`) stays relative to that folder.
    pub fn relocate(&mut self, prefix: &str) {
        let under = |p: &mut String| p.insert_str(0, prefix);
        for ep in &mut self.episodes {
            under(&mut ep.file);
            for (_, path) in &mut ep.downloads {
                under(path);
            }
            if let Some(d) = &mut ep.audio_download {
                under(&mut d.path);
            }
        }
        for (file, _) in &mut self.pages {
            under(file);
        }
        for art in &mut self.artwork {
            under(&mut art.path);
        }
        if let Some((file, _)) = &mut self.show_config {
            under(file);
        }
    }
}

pub fn plan(
    feed: &Feed,
    label: &Path,
    feed_url: Option<&str>,
    existing: &Existing,
    opts: &ImportOptions,
) -> Result<Plan, Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut plan = Plan {
        lock: existing.lock.clone(),
        ..Plan::default()
    };
    let c = &feed.channel;
    // Relative links resolve against the show's website, else the feed's own URL.
    let base: Option<String> = c
        .link
        .as_deref()
        .filter(|l| super::fetch::is_url(l))
        .map(str::to_string)
        .or_else(|| feed_url.map(str::to_string))
        .or_else(|| c.self_url.clone().filter(|u| super::fetch::is_url(u)));
    let absolute = |link: &str| match &base {
        Some(b) => notes::resolve_url(b, link),
        None => link.to_string(),
    };

    if feed.items.is_empty() {
        diags.push(
            Diagnostic::error("the feed has no <item> elements: there are no episodes to import")
                .at(label),
        );
        return Err(diags);
    }

    let warn_at = |line: usize, msg: String| Diagnostic::warning(msg).at(label).line(line);
    for (name, line) in &c.dropped {
        plan.warnings.push(warn_at(
            *line,
            format!("channel: <{name}> is not carried over (onair has no setting for it)"),
        ));
    }
    if existing.has_config {
        plan.warnings.push(
            Diagnostic::warning(if opts.url.is_some() {
                "site.yaml exists: the show's settings from the feed and --url are not applied (only its episodes are added)"
            } else {
                "site.yaml exists: the show's settings from the feed are not applied (only its episodes are added)"
            })
            .at(label),
        );
    } else {
        let text = site_yaml(
            feed,
            label,
            base.as_deref(),
            opts.url.as_deref(),
            existing.into.as_ref(),
            &mut plan.warnings,
        );
        let image = c.image.as_deref().map(&absolute);
        let text = local_show_image(text, image.as_deref(), opts, &mut plan.artwork);
        match &existing.into {
            None => plan.config = Some(text),
            Some(into) => {
                let (network, show) = super::show::split(&text, into);
                plan.config = network;
                plan.show_config = Some((crate::network::SHOW_FILE.to_string(), show));
            }
        }
    }

    let mut guids: HashMap<String, usize> = HashMap::new();
    let mut urls: HashMap<String, usize> = HashMap::new();
    let mut slugs = existing.slugs.clone();
    // onair refuses two episodes with the same (season, episode) number: the oldest keeps it.
    let renumbered = repeated_numbers(feed);
    let old_addresses = match opts.show {
        // A show of a network lives under its own folder of the network's site.
        Some(_) => HashMap::new(),
        None => old_link_aliases(feed, &absolute, opts.url.as_deref()),
    };
    let mut files = existing.files.clone();
    let dates = item_dates(feed);
    let mut page_slugs: HashSet<String> = HashSet::new();
    for (item, date_guess) in feed.items.iter().zip(&dates) {
        let err = |msg: String| {
            Diagnostic::error(msg)
                .at(label)
                .line_col(item.line, item.col)
        };
        let warn = |msg: String| {
            Diagnostic::warning(format!("{}: {msg}", item.label()))
                .at(label)
                .line_col(item.line, item.col)
        };
        // An item that cannot become an episode: an error with --strict, else skipped with a
        // warning that says why, and listed in the summary by `reason`.
        let refuse = |plan: &mut Plan, diags: &mut Diagnostics, msg: String, reason: &str| {
            if opts.strict {
                diags.push(err(msg));
            } else {
                plan.warnings.push(
                    Diagnostic::warning(format!("{msg}; skipped (not an episode of the new site)"))
                        .at(label)
                        .line_col(item.line, item.col),
                );
                plan.skipped.push((item.label(), reason.to_string()));
            }
        };
        let Some(enclosure) = &item.enclosure else {
            if opts.keep_posts && !opts.strict {
                let file = page_file(item, &opts.dir, &mut page_slugs);
                plan.warnings.push(warn(format!(
                    "has no <enclosure>, so it is not an episode: kept as the page {file}"
                )));
                plan.pages
                    .push((file.clone(), page_text(item, base.as_deref())));
                plan.skipped
                    .push((item.label(), format!("no audio, kept as {file}")));
                continue;
            }
            refuse(
                &mut plan,
                &mut diags,
                format!(
                    "{} has no <enclosure>: onair publishes episodes with audio{}",
                    item.label(),
                    if opts.strict {
                        "; add the audio to the old feed or remove the item (or import without --strict)"
                    } else {
                        " (--keep-posts writes such items as pages)"
                    }
                ),
                "no audio enclosure",
            );
            continue;
        };
        if !item.other_enclosures.is_empty() {
            plan.warnings.push(warn(format!(
                "has {} enclosures; the episode's audio is {}, and {} {} not carried over",
                item.other_enclosures.len() + 1,
                enclosure.url,
                item.other_enclosures.join(", "),
                if item.other_enclosures.len() == 1 {
                    "is"
                } else {
                    "are"
                }
            )));
        }
        if enclosure.url.is_empty() {
            refuse(
                &mut plan,
                &mut diags,
                format!("{}: the <enclosure> has no url", item.label()),
                "enclosure without a URL",
            );
            continue;
        }
        let audio_url = absolute(&enclosure.url);
        if !super::fetch::is_url(&audio_url) {
            refuse(
                &mut plan,
                &mut diags,
                format!(
                    "{}: the enclosure URL `{}` is relative and the feed gives no address to resolve it against",
                    item.label(),
                    enclosure.url
                ),
                "relative enclosure URL, no address to resolve it",
            );
            continue;
        }
        if audio_url != enclosure.url {
            plan.warnings.push(warn(format!(
                "the relative enclosure URL `{}` is published as `{audio_url}`",
                enclosure.url
            )));
        }
        let guid = match &item.guid {
            Some(g) => g.clone(),
            None => {
                plan.warnings.push(warn(format!(
                    "has no <guid>; apps identified it by its enclosure URL, which becomes its guid: {audio_url}"
                )));
                audio_url.clone()
            }
        };
        if let Some(first) = guids.get(&guid) {
            refuse(
                &mut plan,
                &mut diags,
                format!(
                    "{} has the same guid `{guid}` as the item at line {first}: apps would see one episode; give one of them its own guid in the old feed first",
                    item.label()
                ),
                "the guid of an earlier item",
            );
            continue;
        }
        guids.insert(guid.clone(), item.line);
        if let Some(first) = urls.get(&audio_url) {
            refuse(
                &mut plan,
                &mut diags,
                format!(
                    "{} has the same enclosure URL as the item at line {first}: each episode needs its own audio file",
                    item.label()
                ),
                "the audio of an earlier item",
            );
            continue;
        }
        urls.insert(audio_url.clone(), item.line);
        if let Some(file) = existing.guids.get(&guid) {
            plan.already_present.push(format!(
                "{} (guid {guid}) is already in {file}",
                item.label()
            ));
            continue;
        }
        let date = match (item.pub_date.as_deref(), date_guess) {
            (_, ItemDate::Given(d)) => d.clone(),
            (None, _) if opts.strict => {
                diags.push(err(format!(
                    "{} has no <pubDate>: apps order episodes by it; add one to the old feed (or import without --strict to have it guessed)",
                    item.label()
                )));
                continue;
            }
            (Some(date_text), _) if opts.strict => {
                diags.push(err(format!(
                    "{}: <pubDate>{date_text}</pubDate> is not an RFC 2822 date such as `Wed, 29 Jul 2015 15:00:00 -0400`",
                    item.label()
                )));
                continue;
            }
            (written, ItemDate::Guessed(d, from)) => {
                let day = d.strftime("%Y-%m-%d %H:%M:%S %z");
                plan.warnings.push(warn(match written {
                    None => format!("has no <pubDate>: dated {day}, {from}; check `date:` in its file"),
                    Some(t) => format!(
                        "<pubDate>{t}</pubDate> is not an RFC 2822 date: dated {day}, {from}; check `date:` in its file"
                    ),
                }));
                plan.guessed.push((item.label(), "date".to_string()));
                d.clone()
            }
        };
        let body_html = item.notes_html();
        let item_base = item
            .link
            .as_deref()
            .map(&absolute)
            .filter(|l| super::fetch::is_url(l))
            .or_else(|| base.clone());
        let body = notes::to_markdown(body_html, item_base.as_deref());
        let title = match &item.title {
            Some(t) => t.clone(),
            None => {
                let plain = notes::to_plain(body_html);
                let t: String = plain.chars().take(80).collect();
                if !t.is_empty() {
                    plan.warnings.push(warn(format!(
                        "has no <title>; its notes begin the title: {t}"
                    )));
                    plan.guessed.push((item.label(), "title".to_string()));
                    t
                } else if opts.strict {
                    diags.push(err("an item without <title> and without notes: give it a title in the old feed".to_string()));
                    continue;
                } else {
                    let t = audio_file_title(&audio_url);
                    plan.warnings.push(warn(format!(
                        "has no <title> and no notes; titled after its audio file: {t}"
                    )));
                    plan.guessed.push((item.label(), "title".to_string()));
                    t
                }
            }
        };

        // Facts for the lock: the feed's length and duration, or a probe of what is missing.
        let format = enclosure
            .mime
            .as_deref()
            .and_then(format_of_mime)
            .or_else(|| AudioFormat::from_extension(&audio_url));
        let duration = item.duration.as_deref().and_then(feed::parse_duration);
        if let Some(d) = &item.duration
            && duration.is_none()
        {
            plan.warnings.push(warn(format!(
                "itunes:duration `{d}` is not a duration; the audio's own is used"
            )));
        }
        if let Some(t) = &enclosure.length_text {
            plan.warnings.push(warn(format!(
                "enclosure length `{t}` is not a byte count; the audio's own is used"
            )));
        }
        let length = enclosure.length.filter(|l| *l > 0);
        // With --download-audio the build probes the copied file: no facts to record here.
        let local_ext = if opts.download_audio {
            let ext = local_extension(&audio_url, format);
            if ext.is_none() {
                plan.warnings.push(warn(format!(
                    "the audio type is unknown (no audio extension in the URL, no audio MIME type): it is not downloaded and stays at {audio_url}"
                )));
            }
            ext
        } else {
            None
        };
        let facts = match (format, length, duration) {
            _ if local_ext.is_some() => None,
            (Some(format), Some(size), Some(duration)) => {
                Some(imported_facts(format, size, duration))
            }
            _ if plan.lock.audio.contains_key(&audio_url) => None,
            _ if opts.allow_network => match crate::audio::remote::probe_url(&audio_url) {
                Ok(p) => {
                    let mut f = p.facts;
                    // The feed's numbers win: apps already hold them.
                    if let Some(l) = length {
                        f.size = l;
                    }
                    if let Some(d) = duration {
                        f.duration = d;
                    }
                    let missing = [
                        length.is_none().then_some("length"),
                        duration.is_none().then_some("duration"),
                    ];
                    let missing: Vec<&str> = missing.into_iter().flatten().collect();
                    if !missing.is_empty() {
                        plan.warnings.push(warn(format!(
                            "the feed gives no {}: probed from the audio ({} bytes, {:.0} s)",
                            missing.join(" or "),
                            f.size,
                            f.duration
                        )));
                    }
                    Some(f)
                }
                Err(e) => {
                    plan.warnings.push(warn(format!(
                        "the feed gives no usable length, duration or audio type, and probing the audio failed ({e}); run `onair probe --lock {audio_url}` in the site before building"
                    )));
                    None
                }
            },
            _ => {
                plan.warnings.push(warn(format!(
                    "the feed gives no usable length, duration or audio type; run `onair probe --lock {audio_url}` in the site before building"
                )));
                None
            }
        };
        if let Some(mime) = &enclosure.mime
            && format_of_mime(mime).is_none()
        {
            plan.warnings.push(warn(format!(
                "enclosure type `{mime}` is not an audio type onair publishes; it is published as {}",
                facts.as_ref().map_or("the probed type", |f| f.format.mime())
            )));
        }
        if let Some(f) = facts
            && !plan.lock.audio.contains_key(&audio_url)
        {
            plan.lock.audio.insert(
                audio_url.clone(),
                LockedAudio {
                    mtime_ns: None,
                    blake3: None,
                    sample: None,
                    facts: f,
                },
            );
            plan.lock_changed = true;
        }

        // File name: date + title, unique in the site.
        let day = date.strftime("%Y-%m-%d").to_string();
        let mut slug = short_slug(&title);
        if slug.is_empty() {
            slug = match &item.episode {
                Some(n) => format!("episode-{}", crate::slug::slugify(n)),
                None => "episode".to_string(),
            };
        }
        let mut unique = slug.clone();
        let mut n = 2;
        while slugs.contains(&unique) || files.contains(&format!("episodes/{day}-{unique}.md")) {
            unique = format!("{slug}-{n}");
            n += 1;
        }
        slugs.insert(unique.clone());
        let file = format!("episodes/{day}-{unique}.md");
        files.insert(file.clone());

        let mut fm = String::from("---\n");
        let mut line = |k: &str, v: String| {
            fm.push_str(k);
            fm.push_str(": ");
            fm.push_str(&v);
            fm.push('\n');
        };
        line("title", scalar(&title));
        line(
            "date",
            scalar(&date.strftime("%Y-%m-%d %H:%M:%S %z").to_string()),
        );
        line("guid", scalar(&guid));
        let audio_download = local_ext.map(|ext| AudioDownload {
            url: audio_url.clone(),
            path: format!("audio/{day}-{unique}.{ext}"),
            expected: length,
            origin: (item.label(), label.to_path_buf(), item.line, item.col),
        });
        match &audio_download {
            Some(d) => line("audio", scalar(&d.path)),
            None => line("audio", scalar(&audio_url)),
        }
        let mut number_of = |key: &str, value: &Option<String>| match value {
            Some(v) => match v.trim().parse::<u32>() {
                Ok(n) if n > 0 => Some(n),
                _ => {
                    plan.warnings.push(warn(format!(
                        "itunes:{key} `{v}` is not a positive whole number; not carried over"
                    )));
                    None
                }
            },
            None => None,
        };
        let season = number_of("season", &item.season);
        let mut episode = number_of("episode", &item.episode);
        if let Some(n) = episode
            && let Some(first) = renumbered.get(&item.line)
        {
            plan.warnings.push(warn(format!(
                "itunes:episode {n} is also the number of the older {first}; onair numbers each episode once, so this one is published without a number"
            )));
            episode = None;
        }
        if let Some(n) = episode {
            line("episode", n.to_string());
        } else if c.show_type.as_deref() == Some("serial") {
            // The old feed had the same problem; onair refuses to publish it (itunes-type).
            plan.warnings.push(warn(
                "has no episode number, which a serial show needs on every episode: give it `episode:` before building".to_string(),
            ));
        }
        if let Some(n) = season {
            line("season", n.to_string());
        }
        match item.episode_type.as_deref() {
            None | Some("full") => {}
            Some(t @ ("trailer" | "bonus")) => line("type", t.to_string()),
            Some(other) => plan.warnings.push(warn(format!(
                "itunes:episodeType `{other}` is not full, trailer or bonus; published as full"
            ))),
        }
        if let Some(summary) = summary_of(item, body_html) {
            line("summary", scalar(&summary));
        }
        if let Some(e) = item.explicit {
            line("explicit", e.to_string());
        }
        if let Some(img) = item.image.as_deref().map(&absolute) {
            let stem = format!("assets/episodes/{day}-{unique}");
            line(
                "image",
                scalar(&image_value(&img, opts, &mut plan.artwork, &stem)),
            );
        }
        let own_page = format!("episodes/{unique}/index.html");
        if let Some(alias) = old_addresses
            .get(&item.line)
            .filter(|a| crate::render::aliases::alias_key(a).is_ok_and(|key| key != own_page))
        {
            line("aliases", flow_list(std::slice::from_ref(alias)));
        }
        if !item.keywords.is_empty() {
            line("tags", flow_list(&item.keywords));
        }
        let mut downloads = Vec::new();
        if let Some(ch) = &item.chapters {
            let url = absolute(&ch.url);
            if opts.download {
                let path = format!("chapters/{day}-{unique}.json");
                downloads.push((url, path.clone()));
                line("chapters", scalar(&path));
            } else {
                line("chapters", scalar(&url));
            }
        }
        if let Some((first, rest)) = best_transcript(&item.transcripts) {
            let url = absolute(&first.url);
            if opts.download {
                let ext = transcript_ext(first);
                let path = format!("transcripts/{day}-{unique}.{ext}");
                downloads.push((url, path.clone()));
                line("transcript", scalar(&path));
            } else {
                line("transcript", scalar(&url));
            }
            for t in rest {
                plan.warnings.push(warn(format!(
                    "a second podcast:transcript ({}) is not carried over: add it to the episode's `transcripts:` list (with its `language:`) to publish it too",
                    t.url
                )));
            }
        }
        let people = people_lines(&item.people, &absolute, &mut |m| {
            plan.warnings.push(warn(m))
        });
        if !people.is_empty() {
            fm.push_str("people:\n");
            fm.push_str(&people);
        }
        for category in &item.categories {
            if !item.keywords.contains(category) {
                plan.warnings.push(warn(format!(
                    "<category> `{category}` is not carried over (add it to the episode's `tags:` if it names a topic)"
                )));
            }
        }
        if let Some(author) = &item.author
            && ![&c.author, &c.owner_name].contains(&&Some(author.clone()))
        {
            plan.warnings.push(warn(format!(
                "the episode's author `{author}` is not carried over: onair credits every episode to the show's `author:` (list the person in `people:` instead)"
            )));
        }
        for (name, line) in &item.dropped {
            plan.warnings.push(
                Diagnostic::warning(format!(
                    "{}: <{name}> is not carried over (onair has no place for it)",
                    item.label()
                ))
                .at(label)
                .line(*line),
            );
        }
        fm.push_str("---\n");
        if !body.is_empty() {
            fm.push('\n');
            fm.push_str(&body);
        }
        plan.episodes.push(PlannedEpisode {
            file,
            content: fm,
            guid,
            audio_url,
            downloads,
            audio_download,
        });
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(plan)
}

/// An item's date: the feed's, or one guessed from its neighbours, with how.
#[derive(Debug, Clone)]
enum ItemDate {
    Given(jiff::ZonedDateTime),
    Guessed(jiff::ZonedDateTime, String),
}

/// Every item's date. An item without a readable <pubDate> is placed between its dated
/// neighbours in feed order (evenly, when several in a row lack one), or one day past the
/// nearest dated one at either end of the feed; when no item has a date, the channel's
/// lastBuildDate (else the time of the import) dates the first item and each next one a
/// day earlier, as feeds list the newest first.
fn item_dates(feed: &Feed) -> Vec<ItemDate> {
    let given: Vec<Option<jiff::ZonedDateTime>> = feed
        .items
        .iter()
        .map(|i| i.pub_date.as_deref().and_then(feed::parse_pub_date))
        .collect();
    let dated: Vec<usize> = (0..given.len()).filter(|&i| given[i].is_some()).collect();
    let day = jiff::SignedDuration::from_hours(24);
    let shift = |z: &jiff::ZonedDateTime, by: jiff::SignedDuration| {
        z.checked_add(by).unwrap_or_else(|_| z.clone())
    };
    // Newest first unless the dated items say otherwise.
    let newest_first = match (dated.first(), dated.last()) {
        (Some(&a), Some(&b)) if a != b => given[a] >= given[b],
        _ => true,
    };
    let older = if newest_first { 1 } else { -1 };
    (0..given.len())
        .map(|i| {
            if let Some(d) = &given[i] {
                return ItemDate::Given(d.clone());
            }
            let before = dated.iter().rev().find(|&&j| j < i).copied();
            let after = dated.iter().find(|&&j| j > i).copied();
            match (before, after) {
                (Some(b), Some(a)) => {
                    let (db, da) = (given[b].as_ref().unwrap(), given[a].as_ref().unwrap());
                    let span = da.timestamp().duration_since(db.timestamp());
                    let step = span / i32::try_from(a - b).unwrap_or(i32::MAX);
                    let k = i32::try_from(i - b).unwrap_or(i32::MAX);
                    ItemDate::Guessed(
                        shift(db, step * k),
                        format!(
                            "between the items at lines {} and {}",
                            feed.items[b].line, feed.items[a].line
                        ),
                    )
                }
                (Some(b), None) => ItemDate::Guessed(
                    shift(
                        given[b].as_ref().unwrap(),
                        -day * (older * i32::try_from(i - b).unwrap_or(i32::MAX)),
                    ),
                    format!("after the item at line {} in the feed's order", feed.items[b].line),
                ),
                (None, Some(a)) => ItemDate::Guessed(
                    shift(
                        given[a].as_ref().unwrap(),
                        day * (older * i32::try_from(a - i).unwrap_or(i32::MAX)),
                    ),
                    format!("before the item at line {} in the feed's order", feed.items[a].line),
                ),
                (None, None) => {
                    let (start, from) = match feed
                        .channel
                        .last_build_date
                        .as_deref()
                        .and_then(feed::parse_pub_date)
                    {
                        Some(d) => (d, "from the channel's lastBuildDate and the feed's order"),
                        None => (
                            jiff::ZonedDateTime::now().with_time_zone(jiff::tz::TimeZone::UTC),
                            "from the time of the import and the feed's order (no item and not the channel has a date)",
                        ),
                    };
                    let k = i32::try_from(i).unwrap_or(i32::MAX);
                    ItemDate::Guessed(shift(&start, -day * k), from.to_string())
                }
            }
        })
        .collect()
}

/// A title from the audio's file name: `ep-12_final.mp3` -> `ep 12 final`.
fn audio_file_title(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let name = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path);
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let t = stem
        .replace(['-', '_', '+'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if t.is_empty() {
        "Untitled episode".to_string()
    } else {
        t
    }
}

/// pages/<slug>.md for an item kept as a page, unique and not a path onair uses itself.
fn page_file(item: &Item, dir: &Path, taken: &mut HashSet<String>) -> String {
    let base = item
        .title
        .as_deref()
        .map(short_slug)
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "post".to_string());
    let base = if crate::content::RESERVED_PAGE_SLUGS.contains(&base.as_str()) {
        format!("{base}-post")
    } else {
        base
    };
    let mut slug = base.clone();
    let mut n = 2;
    while taken.contains(&slug) || dir.join(format!("pages/{slug}.md")).exists() {
        slug = format!("{base}-{n}");
        n += 1;
    }
    taken.insert(slug.clone());
    format!("pages/{slug}.md")
}

/// The page an item without audio becomes: its title and notes.
fn page_text(item: &Item, base: Option<&str>) -> String {
    let body_html = item.notes_html();
    let mut out = String::from("---\n");
    if let Some(t) = &item.title {
        out.push_str("title: ");
        out.push_str(&scalar(t));
        out.push('\n');
    }
    // Old posts are kept, not promoted: the header menu is for the site's own few pages.
    out.push_str("menu: false\n");
    out.push_str("---\n");
    let body = notes::to_markdown(body_html, base);
    if !body.is_empty() {
        out.push('\n');
        out.push_str(&body);
    }
    out
}

/// `people:` or `hosts:` entries, one `  - { name: ... }` line each, links made absolute.
/// Whom onair would refuse (a role outside the Podcast Index taxonomy, a name listed twice)
/// is left out, each with a warning.
fn people_lines(
    people: &[feed::Person],
    absolute: &dyn Fn(&str) -> String,
    warn: &mut dyn FnMut(String),
) -> String {
    let mut out = String::new();
    let mut seen: Vec<String> = Vec::new();
    for p in people {
        let entry = crate::people::PersonEntry {
            name: p.name.clone(),
            role: p.role.clone(),
            group: p.group.clone(),
            href: p.href.as_deref().map(absolute),
            img: p.img.as_deref().map(absolute),
        };
        let resolved = match entry.resolve(Path::new(""), None) {
            Ok(r) => r,
            Err(errors) => {
                let why: Vec<&str> = errors.iter().map(|d| d.message.as_str()).collect();
                warn(format!(
                    "podcast:person `{}` is not carried over: {}",
                    p.name,
                    why.join("; ")
                ));
                continue;
            }
        };
        if seen.contains(&resolved.slug) {
            warn(format!(
                "podcast:person `{}` is listed twice; only the first is carried over",
                p.name
            ));
            continue;
        }
        seen.push(resolved.slug);
        let mut pairs: Vec<(&str, &str)> = vec![("name", p.name.as_str())];
        for (k, v) in [
            ("role", &entry.role),
            ("group", &entry.group),
            ("href", &entry.href),
            ("img", &entry.img),
        ] {
            if let Some(v) = v {
                pairs.push((k, v.as_str()));
            }
        }
        out.push_str("  - ");
        out.push_str(&flow_map(&pairs));
        out.push('\n');
    }
    out
}

/// The host of an http(s) URL, lowercased: `https://Show.example:8080/x` -> `show.example`.
fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?.split(':').next()?;
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// Each item's old web page (`<link>`) as an alias of its new one (by item line), when that
/// page was on the show's own website, which the new site takes over: the host of `--url`,
/// else of the channel's `<link>`. Pages on another host (a podcast host's episode pages)
/// stay where they are. A link several items share, the home page and addresses a static
/// site cannot serve (`?p=12`) give no alias.
fn old_link_aliases(
    feed: &Feed,
    absolute: &dyn Fn(&str) -> String,
    new_url: Option<&str>,
) -> HashMap<usize, String> {
    let site = new_url.or(feed.channel.link.as_deref()).unwrap_or("");
    let Some(site_host) = host_of(site) else {
        return HashMap::new();
    };
    // Aliases are paths under the site's own address (`https://show.example/podcast/`).
    let path_of = |url: &str| {
        let rest = url.split_once("://").map_or("", |(_, r)| r);
        rest[rest.find('/').unwrap_or(rest.len())..].to_string()
    };
    let site_path = path_of(site.split(['?', '#']).next().unwrap_or(site));
    let site_path = format!("{}/", site_path.trim_end_matches('/'));
    let mut by_path: HashMap<String, Vec<usize>> = HashMap::new();
    for item in &feed.items {
        let Some(link) = item.link.as_deref().map(absolute) else {
            continue;
        };
        if host_of(&link).as_deref() != Some(site_host.as_str()) {
            continue;
        }
        let path = path_of(&link);
        let Some(path) = path.strip_prefix(&site_path) else {
            continue;
        };
        if path.contains(['?', '#']) || crate::render::aliases::alias_key(path).is_err() {
            continue;
        }
        by_path
            .entry(format!("/{path}"))
            .or_default()
            .push(item.line);
    }
    by_path
        .into_iter()
        .filter(|(_, lines)| lines.len() == 1)
        .map(|(path, lines)| (lines[0], path))
        .collect()
}

/// Items (by line) whose (season, episode) number an older item already has, with that item.
fn repeated_numbers(feed: &Feed) -> HashMap<usize, String> {
    let number = |v: &Option<String>| v.as_deref().and_then(|t| t.trim().parse::<u32>().ok());
    let mut dated: Vec<&Item> = feed.items.iter().collect();
    dated.sort_by_key(|i| {
        i.pub_date
            .as_deref()
            .and_then(feed::parse_pub_date)
            .map(|d| d.timestamp())
    });
    let mut owner: HashMap<(Option<u32>, u32), String> = HashMap::new();
    let mut repeated = HashMap::new();
    for item in dated {
        if let Some(n) = number(&item.episode) {
            let key = (number(&item.season), n);
            match owner.get(&key) {
                Some(first) => {
                    repeated.insert(item.line, first.clone());
                }
                None => {
                    owner.insert(key, item.label());
                }
            }
        }
    }
    repeated
}

fn imported_facts(format: AudioFormat, size: u64, duration: f64) -> AudioFacts {
    AudioFacts {
        format,
        size,
        duration,
        codec: String::new(),
        sample_rate: 0,
        channels: 0,
        bitrate: (size as f64 * 8.0 / duration) as u32,
        method: crate::audio::METHOD_IMPORTED.to_string(),
        chapters: None,
    }
}

/// Enclosure MIME types as hosts write them.
fn format_of_mime(mime: &str) -> Option<AudioFormat> {
    let m = mime.split(';').next().unwrap_or("").trim();
    match m {
        "audio/mpeg" | "audio/mp3" | "audio/mpeg3" | "audio/x-mp3" | "audio/x-mpeg" => {
            Some(AudioFormat::Mp3)
        }
        "audio/x-m4a" | "audio/m4a" | "audio/mp4" | "audio/aac" | "audio/x-aac"
        | "audio/mp4a-latm" => Some(AudioFormat::M4a),
        "audio/ogg" | "audio/vorbis" | "audio/x-ogg" => Some(AudioFormat::Vorbis),
        "audio/opus" => Some(AudioFormat::Opus),
        "audio/flac" | "audio/x-flac" => Some(AudioFormat::Flac),
        "audio/wav" | "audio/x-wav" | "audio/wave" => Some(AudioFormat::Wav),
        _ => None,
    }
}

/// The extension of a downloaded audio file: the URL's own when it names an audio type,
/// else the enclosure type's.
fn local_extension(url: &str, format: Option<AudioFormat>) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let name = path.rsplit('/').next().unwrap_or(path);
    if let Some((_, ext)) = name.rsplit_once('.') {
        let ext = ext.to_ascii_lowercase();
        if let Some(f) = AudioFormat::from_extension(name)
            && format.is_none_or(|g| g == f || g.extensions().contains(&ext.as_str()))
        {
            return Some(ext);
        }
    }
    format.map(|f| f.extensions()[0].to_string())
}

/// A slug of at most 60 characters, cut at a word boundary.
fn short_slug(title: &str) -> String {
    let full = crate::slug::slugify(title);
    if full.len() <= 60 {
        return full;
    }
    let cut = full[..60].rfind('-').unwrap_or(60);
    full[..cut].to_string()
}

/// A short plain summary, when the feed has one distinct from the notes.
fn summary_of(item: &Item, body_html: &str) -> Option<String> {
    let notes_text = notes::to_plain(body_html);
    let candidates = [
        item.subtitle.as_deref(),
        // A short description beside full content:encoded notes is the summary.
        item.content_encoded
            .as_ref()
            .and(item.description.as_deref()),
        item.summary.as_deref(),
    ];
    candidates
        .into_iter()
        .flatten()
        .map(notes::to_plain)
        .find(|s| !s.is_empty() && *s != notes_text && s.len() <= 4000)
}

/// SRT or VTT first (what onair reads best), then JSON, then anything.
fn best_transcript(list: &[feed::Linked]) -> Option<(&feed::Linked, Vec<&feed::Linked>)> {
    let rank = |t: &feed::Linked| match transcript_ext(t) {
        "vtt" | "srt" => 0,
        "json" => 1,
        _ => 2,
    };
    let best = list.iter().min_by_key(|t| rank(t))?;
    let rest = list.iter().filter(|t| !std::ptr::eq(*t, best)).collect();
    Some((best, rest))
}

fn transcript_ext(t: &feed::Linked) -> &'static str {
    let mime = t.mime.as_deref().unwrap_or("").to_ascii_lowercase();
    let url = t.url.to_ascii_lowercase();
    let path = url.split(['?', '#']).next().unwrap_or("");
    if mime.contains("vtt") || path.ends_with(".vtt") {
        "vtt"
    } else if mime.contains("srt") || mime.contains("subrip") || path.ends_with(".srt") {
        "srt"
    } else if mime.contains("json") || path.ends_with(".json") {
        "json"
    } else if mime.contains("html") || path.ends_with(".html") {
        "html"
    } else {
        "txt"
    }
}

/// site.yaml from the channel. What onair requires but the feed lacks is a warning. For a
/// show of a network (`into`) the warnings name the file each key goes to, and what the
/// network's site.yaml already sets is not asked for.
fn site_yaml(
    feed: &Feed,
    label: &Path,
    base: Option<&str>,
    new_url: Option<&str>,
    into: Option<&super::show::IntoShow>,
    warnings: &mut Vec<Diagnostic>,
) -> String {
    let inherited = |key: &str| into.is_some_and(|i| i.inherited.iter().any(|k| k == key));
    let c = &feed.channel;
    let mut out = String::from("# Imported from ");
    out.push_str(&label.display().to_string());
    out.push_str(" by `onair import`.\n");
    // What the feed lacks is a warning now and a commented-out key in site.yaml, which
    // `onair build` then asks for by name.
    let mut todo = String::new();
    // `why` says "add `KEY:` ... to site.yaml": a show's key goes to its show.yaml.
    let missing = |warnings: &mut Vec<Diagnostic>, what: &str, why: &str| {
        let key = why
            .split_once("add `")
            .and_then(|(_, k)| k.split_once(':'))
            .map_or("", |(k, _)| k);
        if inherited(key) {
            return;
        }
        let why = match into {
            Some(i) => why.replace(crate::config::CONFIG_FILE, &i.file_for(key)),
            None => why.to_string(),
        };
        warnings.push(Diagnostic::warning(format!("the feed has no {what}: {why}")).at(label));
    };
    let mut todo_key = |key: &str, example: &str, what: &str| {
        if inherited(key) {
            return;
        }
        todo.push_str(&format!(
            "# TODO: the old feed has no {what}; {key}: {example}\n"
        ));
    };
    let kv = |out: &mut String, k: &str, v: String| {
        out.push_str(k);
        out.push_str(": ");
        out.push_str(&v);
        out.push('\n');
    };
    let title = c.title.clone().unwrap_or_default();
    if title.is_empty() {
        missing(
            warnings,
            "<title>",
            "add `title:` to site.yaml before building",
        );
        todo_key("title", "The Show's Name", "title");
    } else {
        kv(&mut out, "title", scalar(&title));
    }
    match &c.description {
        Some(d) => kv(&mut out, "description", scalar(&notes::to_plain(d))),
        None => {
            missing(
                warnings,
                "<description>",
                "add `description:` to site.yaml before building",
            );
            todo_key(
                "description",
                "What the show is about, in a sentence or two.",
                "description",
            );
        }
    }
    // The new site's address when given, else the old website's (to be changed before
    // publishing).
    let new_feed = new_url.map(|u| {
        let show = into.map_or(String::new(), |i| format!("{}/", i.name));
        format!("{}/{show}feed.xml", u.trim_end_matches('/'))
    });
    match new_url.or(base.filter(|b| super::fetch::is_url(b))) {
        Some(url) => kv(&mut out, "url", scalar(url.trim_end_matches('/'))),
        None => {
            missing(
                warnings,
                "<link>",
                "add `url:` (where the new site will live) to site.yaml before building",
            );
            todo_key(
                "url",
                "https://podcast.example.com  (where the new site will live)",
                "website address",
            );
        }
    }
    let language = c
        .language
        .as_deref()
        .map(|l| l.trim().replace('_', "-").to_ascii_lowercase())
        .unwrap_or_default();
    if !language.is_empty() {
        kv(&mut out, "language", scalar(&language));
    }
    let author = c.author.clone().or_else(|| c.owner_name.clone());
    match author {
        Some(a) => kv(&mut out, "author", scalar(&a)),
        None => {
            missing(
                warnings,
                "<itunes:author>",
                "add `author:` to site.yaml before building",
            );
            todo_key("author", "Your Name", "author");
        }
    }
    match (&c.owner_name, &c.owner_email) {
        (Some(n), Some(e)) => kv(&mut out, "owner", flow_map(&[("name", n), ("email", e)])),
        (None, Some(e)) => kv(
            &mut out,
            "owner",
            flow_map(&[
                ("name", c.author.as_deref().unwrap_or(&title)),
                ("email", e),
            ]),
        ),
        _ => todo_key(
            "owner",
            "{ name: Your Name, email: you@example.com }  (Apple and Spotify write to it)",
            "owner email (<itunes:owner>)",
        ),
    }
    match &c.image {
        Some(img) => kv(
            &mut out,
            "image",
            scalar(&base.map_or(img.clone(), |b| notes::resolve_url(b, img))),
        ),
        None => {
            missing(
                warnings,
                "artwork (<itunes:image>)",
                "add `image:` to site.yaml before building (Apple requires it)",
            );
            todo_key(
                "image",
                "assets/cover.jpg  (square JPEG or PNG, 1400 to 3000 px)",
                "artwork",
            );
        }
    }
    if c.categories.is_empty() {
        missing(
            warnings,
            "<itunes:category>",
            "add `categories:` to site.yaml before building",
        );
        todo_key(
            "categories",
            "[Technology]  (one or more of Apple's categories)",
            "category",
        );
    } else {
        kv(&mut out, "categories", flow_list(&c.categories));
    }
    if let Some(e) = c.explicit {
        kv(&mut out, "explicit", e.to_string());
    }
    match c.show_type.as_deref() {
        Some("serial") => kv(&mut out, "type", "serial".into()),
        Some("episodic") | None => {}
        Some(other) => warnings.push(
            Diagnostic::warning(format!(
                "itunes:type `{other}` is not episodic or serial; not carried over"
            ))
            .at(label),
        ),
    }
    if let Some(copy) = &c.copyright {
        kv(&mut out, "copyright", scalar(copy));
    }
    if let Some(locked) = c.locked {
        kv(&mut out, "locked", locked.to_string());
        // onair names the lock's owner by `owner:`'s email (as the feed had it, or not at all).
        if let Some(lock_owner) = &c.locked_owner
            && c.owner_email.as_deref() != Some(lock_owner.as_str())
        {
            warnings.push(
                Diagnostic::warning(format!(
                    "podcast:locked owner `{lock_owner}` is not carried over: onair names the lock's owner by the email of `owner:` in site.yaml{}",
                    match &c.owner_email {
                        Some(e) => format!(" ({e})"),
                        None => ", which the feed does not give (no <itunes:owner>)".to_string(),
                    }
                ))
                .at(label),
            );
        }
    }
    let absolute = |link: &str| match base {
        Some(b) => notes::resolve_url(b, link),
        None => link.to_string(),
    };
    let hosts = people_lines(&c.people, &absolute, &mut |m| {
        warnings.push(Diagnostic::warning(format!("channel: {m}")).at(label))
    });
    if !hosts.is_empty() {
        out.push_str("hosts:\n");
        out.push_str(&hosts);
    }
    if !c.funding.is_empty() {
        out.push_str("funding:\n");
        for (url, text) in &c.funding {
            out.push_str("  - ");
            out.push_str(&flow_map(&[("url", url), ("text", text)]));
            out.push('\n');
        }
    }
    if c.block == Some(true) {
        kv(&mut out, "block", "true".into());
    }
    if c.complete == Some(true) {
        kv(&mut out, "complete", "true".into());
    }
    if let Some(m) = &c.medium {
        kv(&mut out, "medium", scalar(m));
    }
    match &c.podcast_guid {
        Some(g) if uuid::Uuid::try_parse(g).is_ok() && g.len() == 36 => {
            kv(&mut out, "podcast_guid", scalar(g))
        }
        // The namespace requires a UUID: the new feed's would fail `onair check`, so the
        // site derives its own from the feed URL, as a show without one gets.
        Some(g) => warnings.push(
            Diagnostic::warning(format!(
                "<podcast:guid> `{g}` is not a UUID, which the Podcasting 2.0 namespace requires; not carried over: the new feed gets a UUIDv5 of its URL (apps that matched the show by the old value match it by its feed URL)"
            ))
            .at(label),
        ),
        None => {}
    }
    if let Some(feed_url) = &new_feed {
        // Apps that follow the old feed's 301 read this feed: it names its own address, so
        // they keep it (Apple asks for the tag in the new feed; hosts put it in the old one).
        kv(&mut out, "new_feed_url", scalar(feed_url));
    }
    if let Some(url) = &c.new_feed_url
        && new_feed.as_deref() != Some(url.as_str())
    {
        warnings.push(
            Diagnostic::warning(format!(
                "<itunes:new-feed-url> is not carried over: this feed already sends apps to {url}; if that is the show's current feed, import from it instead"
            ))
            .at(label),
        );
    }
    out.push_str(&todo);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downloaded_audio_is_named_by_its_type() {
        let mp3 = Some(AudioFormat::Mp3);
        let m4a = Some(AudioFormat::M4a);
        assert_eq!(
            local_extension("https://a.example/x/ep1.MP3?t=1", mp3).as_deref(),
            Some("mp3")
        );
        assert_eq!(
            local_extension("https://a.example/x/ep1.m4b", m4a).as_deref(),
            Some("m4b")
        );
        // No extension, or one that contradicts the enclosure type: the type decides.
        assert_eq!(
            local_extension("https://a.example/media/123", mp3).as_deref(),
            Some("mp3")
        );
        assert_eq!(
            local_extension("https://a.example/ep.mp3", m4a).as_deref(),
            Some("m4a")
        );
        assert_eq!(local_extension("https://a.example/ep.php", None), None);
        assert_eq!(
            local_extension("https://a.example/ep.ogg", None).as_deref(),
            Some("ogg")
        );
    }
}
