//! The build pipeline: site folder -> content model -> rendered files (`build_site`, or
//! `build_site_staged` writing pages as they render), and the one place that publishes them
//! to disk (`Staging::publish`), through a staging folder swapped into place only when
//! everything succeeded.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::audio::AudioFacts;
use crate::config::Config;
use crate::content::{self, AudioSource, Episode, EpisodeSource, Site, Tag};
use crate::diag::{Diagnostic, Diagnostics};
use crate::lock::{Lock, LockedAudio, LockedEpisode};
use crate::output::{OutputFile, SiteOutput};
use crate::render::{self, RenderData, feed};

mod loudness;
pub mod network;

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Include drafts and future-dated episodes.
    pub drafts: bool,
    /// Overrides site.yaml's `url`.
    pub base_url: Option<String>,
    /// Fail instead of re-probing audio that changed since the lock recorded it.
    pub locked: bool,
    /// May probe remote audio over the network when the lock does not know it.
    pub allow_network: bool,
    /// Build the site as it will be at this time (`--at`): what is published then. Now when
    /// None.
    pub at: Option<jiff::Timestamp>,
}

/// A successful build, entirely in memory.
#[derive(Debug)]
pub struct Built {
    pub site: Arc<Site>,
    pub output: SiteOutput,
    /// Warnings (a build with errors returns them instead of a `Built`).
    pub warnings: Vec<Diagnostic>,
    /// The lock with newly probed audio and newly assigned GUIDs.
    pub lock: Lock,
    /// One-off builds: the feed parsed for the checks, while the pages rendered.
    pub parsed_feed: Option<crate::check::ParsedFeed>,
    /// A network: the network's settings and feeds; `site` is then the network as one site
    /// (its settings, every show's episodes) and `output` holds every show's files.
    pub network: Option<network::BuiltNetwork>,
    /// Episodes dated after the build's time (not drafts): left out now, published by the
    /// first build after their date. Soonest first.
    pub scheduled: Vec<Scheduled>,
}

/// An episode waiting for its date.
#[derive(Debug, Clone)]
pub struct Scheduled {
    pub file: String,
    pub title: String,
    pub date: jiff::ZonedDateTime,
}

/// Builds the site in memory. Every problem of the build is collected; any error fails it.
pub fn build_site(opts: &BuildOptions) -> Result<Built, Diagnostics> {
    build_one_off(opts, None)
}

/// `build_site`, writing pages into `staging` as soon as they are rendered (the rest is
/// written by `Staging::publish`): the disk works while the next pages render.
pub fn build_site_staged(opts: &BuildOptions, staging: &Staging) -> Result<Built, Diagnostics> {
    build_one_off(opts, Some(staging))
}

/// A build whose cache is thrown away: a network's shows, or the one site (writing its pages
/// into `staging` as they render, when given).
fn build_one_off(opts: &BuildOptions, staging: Option<&Staging>) -> Result<Built, Diagnostics> {
    if crate::network::is_network(&opts.root) {
        return network::build_network(opts, None);
    }
    let mut cache = BuildCache::one_off();
    build_site_inner(opts, &mut cache, &Reuse::Nothing, staging, None)
}

/// What the previous builds of one site left for the next to reuse: `serve` keeps one between
/// rebuilds so that saving one episode re-reads that episode only and re-renders only the
/// pages whose inputs changed. A one-off build (`build_site`) keeps nothing.
#[derive(Default)]
pub struct BuildCache {
    /// Set for one-off builds: nothing is kept, so nothing is fingerprinted either.
    one_off: bool,
    /// The settings and build options the cached episodes were built under.
    config_stamp: Option<blake3::Hash>,
    /// Episodes as the last successful build finished them (audio facts, companions), with
    /// the warnings they gave, by site-relative file.
    episodes: HashMap<String, CachedEpisode>,
    render: RenderCache,
    /// A network's shows, each with its own cache, by show name.
    shows: HashMap<String, BuildCache>,
}

impl BuildCache {
    /// For a build whose cache is thrown away: no episode is kept or fingerprinted.
    pub fn one_off() -> Self {
        BuildCache {
            one_off: true,
            ..BuildCache::default()
        }
    }
}

struct CachedEpisode {
    episode: Arc<Episode>,
    warnings: Vec<Diagnostic>,
    /// `episode_stamp` of `episode`.
    stamp: blake3::Hash,
}

/// Rendered output by output key, each with the fingerprint of all it was made from.
#[derive(Default)]
struct RenderCache {
    pages: HashMap<String, (blake3::Hash, Arc<Vec<u8>>)>,
    /// Each episode's prepared view, companions and index entry, by episode file.
    prepared: HashMap<String, PreparedEpisode>,
    /// Feed items, by their prepared episode's key.
    feed_items: feed::ItemCache,
}

/// An episode made ready for rendering: its view (with chapters, transcript and people; its
/// card is what lists show), its companion files and feed elements, and its entry of
/// episodes/index.json. serve keeps them between rebuilds under `key`, a hash of everything
/// they are made from.
struct PreparedEpisode {
    key: blake3::Hash,
    view: Arc<render::EpisodeView>,
    /// A hash of the view's card: lists change only when the cards they show do.
    card_stamp: blake3::Hash,
    /// In memory, or already written to the staging folder of a one-off build.
    files: Vec<(String, OutputFile)>,
    feed: Arc<Vec<feed::ExtraElement>>,
    diags: Vec<Diagnostic>,
    index_entry: Arc<Vec<u8>>,
    /// Its words for the chunked search index under search/.
    search_words: Arc<crate::search::EpisodeWords>,
}

/// A hash of everything an episode holds (front matter, notes, audio facts, companions), so
/// that a rebuild can tell the episodes a save changed from those it did not.
fn episode_stamp(ep: &Episode) -> blake3::Hash {
    struct HashWriter(blake3::Hasher);
    impl std::fmt::Write for HashWriter {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0.update(s.as_bytes());
            Ok(())
        }
    }
    let mut w = HashWriter(blake3::Hasher::new());
    std::fmt::Write::write_fmt(&mut w, format_args!("{ep:?}")).expect("hashing cannot fail");
    w.0.finalize()
}

/// Which cached episodes a build may take without reading their files again. The caller
/// vouches that nothing else changed since the cache was filled (serve's watcher knows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reuse {
    /// Read everything again (the page cache still answers for unchanged pages).
    Nothing,
    /// Only these episode files (site-relative) changed, were added or were removed.
    EpisodesExcept(BTreeSet<PathBuf>),
    /// Only these audio files changed: the episodes using them are read and probed again.
    AudioExcept(BTreeSet<PathBuf>),
}

impl Reuse {
    fn keeps(&self, file: &str, cached: &Episode) -> bool {
        match self {
            Reuse::Nothing => false,
            Reuse::EpisodesExcept(changed) => !changed.contains(Path::new(file)),
            // By file name: `audio:` may name the file in more than one way (`ep1.mp3`,
            // `audio/ep1.mp3`), and re-reading one episode too many costs little.
            Reuse::AudioExcept(changed) => match &cached.audio {
                AudioSource::Local(rel) => {
                    let name = Path::new(rel).file_name();
                    !changed.iter().any(|c| c.file_name() == name)
                }
                AudioSource::Remote(_) => true,
            },
        }
    }
}

/// The settings and the options that shape every episode.
fn config_stamp(config: &Config, opts: &BuildOptions) -> blake3::Hash {
    // The settings as loaded (every field), not site.yaml's bytes read a second time.
    let mut h = blake3::Hasher::new();
    h.update(format!("{config:?}").as_bytes());
    h.update(format!("|{:?}|{}|{}", opts.base_url, opts.drafts, opts.locked).as_bytes());
    h.finalize()
}

/// One episode finished from its source: audio facts, then chapters, transcript and people,
/// and its `episode_stamp` when the build is not a one-off.
type Finished = (
    Arc<Episode>,
    Option<(String, LockedAudio)>,
    Vec<Diagnostic>,
    Option<blake3::Hash>,
);

/// Builds the site in memory, reusing what `cache` holds as far as `reuse` allows, and fills
/// the cache for the next build. The result is the same as `build_site`'s.
pub fn build_site_with(
    opts: &BuildOptions,
    cache: &mut BuildCache,
    reuse: &Reuse,
) -> Result<Built, Diagnostics> {
    // A network keeps one cache per show: a change in one show re-reads only that show's files.
    if crate::network::is_network(&opts.root) {
        return network::build_network(opts, Some((cache, reuse)));
    }
    build_site_inner(opts, cache, reuse, None, None)
}

fn build_site_inner(
    opts: &BuildOptions,
    cache: &mut BuildCache,
    reuse: &Reuse,
    staging: Option<&Staging>,
    show: Option<&network::ShowBuild>,
) -> Result<Built, Diagnostics> {
    let root = opts.root.as_path();
    let mut phases = crate::timings::Phases::start();
    let mut diags = Diagnostics::new();
    let config = match show {
        Some(s) => s.config.clone(),
        None => Config::load(root, opts.base_url.as_deref())
            .map_err(|d| content::with_content_errors(root, d))?,
    };
    let stamp = config_stamp(&config, opts);
    if cache.config_stamp != Some(stamp) {
        cache.episodes.clear();
        cache.config_stamp = Some(stamp);
    }
    let loaded = match show {
        Some(s) => Ok(s.lock.clone()),
        None => Lock::load(root),
    };
    let mut lock = match loaded {
        Ok(l) => l,
        Err(d) => {
            diags.push(d);
            Lock::new()
        }
    };
    // A network show takes its theme overrides from the network's folder.
    let templates_root = show.map_or(root, |s| s.network_root.as_path());
    let theme_dir = match crate::theme::theme_dir(templates_root, &config.theme) {
        Ok(dir) => dir,
        Err(message) => {
            // A network's shows share its theme: the network's build reports a bad one.
            if show.is_none() {
                diags.push(
                    Diagnostic::error(message)
                        .at(crate::config::CONFIG_FILE)
                        .line(config.theme_line),
                );
            }
            None
        }
    };
    let keep = |file: &str| {
        cache
            .episodes
            .get(file)
            .is_some_and(|cached| reuse.keeps(file, &cached.episode))
    };
    // The templates do not depend on the content: they are compiled while it is read.
    let ((listed, pages), templates) = rayon::join(
        || content::parse_all_except(root, &config, &mut diags, keep),
        || {
            let mut template_diags = Diagnostics::new();
            // A network compiles its templates once for all its shows.
            let templates = match show.and_then(|s| s.templates.clone()) {
                Some(t) => Some(t),
                None => render::load_templates(
                    templates_root,
                    theme_dir.as_deref(),
                    &mut template_diags,
                ),
            };
            (templates, template_diags)
        },
    );
    phases.mark("read and parse");

    let now = opts.at.unwrap_or_else(jiff::Timestamp::now);
    let published = |draft: bool, date: &jiff::ZonedDateTime| {
        opts.drafts || (!draft && date.timestamp() <= now)
    };
    let scheduled = scheduled_episodes(&listed, opts.drafts, now);
    let one_off = cache.one_off;
    let used_audio = local_audio_named(&listed, cache);
    let transcript_files = crate::content::companions::TranscriptFiles::list(root);
    // Audio facts, then companions, in parallel; the lock is read here and updated after.
    let finished: Vec<Result<Finished, Diagnostic>> = listed
        .into_par_iter()
        .filter_map(|item| match item {
            content::Listed::Kept(file) => {
                let cached = cache.episodes.get(&file)?;
                let ep = &cached.episode;
                published(ep.draft, &ep.date).then(|| {
                    Ok((
                        ep.clone(),
                        None,
                        cached.warnings.clone(),
                        Some(cached.stamp),
                    ))
                })
            }
            content::Listed::Parsed(src) => {
                if !published(src.draft, &src.date) {
                    return None;
                }
                Some(resolve_audio(root, &config, &src, &lock, opts).map(
                    |(facts, entry, mut warnings)| {
                        let mut ep = finish_episode(&config, *src, facts);
                        let (found, d) =
                            crate::content::companions::attach(root, &ep, &transcript_files);
                        ep.companions = found;
                        ep.body = String::new();
                        ep.yaml = String::new();
                        warnings.extend(d);
                        let stamp = (!one_off).then(|| episode_stamp(&ep));
                        (Arc::new(ep), entry, warnings, stamp)
                    },
                ))
            }
        })
        .collect();
    let mut episodes = Vec::with_capacity(finished.len());
    let mut episode_warnings = Vec::with_capacity(finished.len());
    for r in finished {
        match r {
            Ok((ep, entry, warnings, stamp)) => {
                if let Some((key, locked)) = entry {
                    lock.audio.insert(key, locked);
                }
                diags.extend(warnings.iter().cloned());
                episode_warnings.push((warnings, stamp));
                episodes.push(ep);
            }
            Err(d) => diags.push(d),
        }
    }
    phases.mark("audio facts and companions");
    if let Some(target) = &config.loudness {
        loudness::check(root, target, &episodes, &mut lock, &mut diags);
        phases.mark("loudness");
    }
    assign_guids(root, &config, &mut episodes, &mut lock);
    check_duplicates(&episodes, &mut diags);
    if diags.has_errors() {
        // What this build read is not kept: the next build reads every file again.
        cache.episodes.clear();
        return Err(diags);
    }
    if !one_off {
        cache.episodes = episodes
            .iter()
            .zip(episode_warnings)
            .filter_map(|(ep, (warnings, stamp))| {
                let cached = CachedEpisode {
                    episode: ep.clone(),
                    warnings,
                    stamp: stamp?,
                };
                Some((ep.file.clone(), cached))
            })
            .collect();
    }
    episodes.sort_by(|a, b| {
        b.date
            .timestamp()
            .cmp(&a.date.timestamp())
            .then_with(|| a.slug.cmp(&b.slug))
    });
    let tags = index_tags(&episodes);
    let site = Arc::new(Site {
        root: root.to_path_buf(),
        config,
        episodes,
        pages,
        tags,
    });
    diags.extend(crate::lint::placeholders(&site));
    diags.extend(crate::lint::empty_descriptions(&site.episodes));
    diags.extend(crate::lint::unused_audio(root, &used_audio));
    let render_cache = if one_off {
        None
    } else {
        let stamps = site
            .episodes
            .iter()
            .map(|e| cache.episodes.get(&e.file).map(|c| c.stamp))
            .collect::<Option<Vec<_>>>()
            .expect("every episode of an incremental build has a stamp");
        Some((&mut cache.render, stamps))
    };
    let rendered = render_site(&site, templates, render_cache, staging, show, &mut diags);
    phases.mark("render");
    if diags.has_errors() {
        cache.episodes.clear();
        return Err(diags);
    }
    let (output, parsed_feed) = rendered.expect("no errors means output");
    Ok(Built {
        site,
        output,
        warnings: diags.into_vec(),
        lock,
        parsed_feed,
        network: None,
        scheduled,
    })
}

/// The listed episodes that are no drafts but dated after `now`, soonest first (none when
/// drafts and future episodes are built too).
fn scheduled_episodes(
    listed: &[content::Listed],
    drafts: bool,
    now: jiff::Timestamp,
) -> Vec<Scheduled> {
    if drafts {
        return Vec::new();
    }
    let mut out: Vec<Scheduled> = listed
        .iter()
        .filter_map(|item| match item {
            content::Listed::Parsed(src) if !src.draft && src.date.timestamp() > now => {
                Some(Scheduled {
                    file: src.file.clone(),
                    title: src.title.clone(),
                    date: src.date.clone(),
                })
            }
            _ => None,
        })
        .collect();
    out.sort_by_key(|s| s.date.timestamp());
    out
}

/// The local audio every listed episode names, drafts and scheduled ones too (as lock keys:
/// `audio/ep1.mp3`), for `lint::unused_audio`.
fn local_audio_named(listed: &[content::Listed], cache: &BuildCache) -> HashSet<String> {
    listed
        .iter()
        .filter_map(|item| match item {
            content::Listed::Parsed(src) => Some(&src.audio),
            content::Listed::Kept(file) => cache.episodes.get(file).map(|c| &c.episode.audio),
        })
        .filter_map(|audio| match audio {
            AudioSource::Local(rel) => crate::lock::resolve::lock_key(rel),
            AudioSource::Remote(_) => None,
        })
        .collect()
}

type Resolution = (AudioFacts, Option<(String, LockedAudio)>, Vec<Diagnostic>);

/// Facts for an episode's audio: probed (or from the lock) for local files; for remote audio
/// from `length:` + `duration:`, else the lock.
fn resolve_audio(
    root: &Path,
    _config: &Config,
    src: &EpisodeSource,
    lock: &Lock,
    opts: &BuildOptions,
) -> Result<Resolution, Diagnostic> {
    let at = |d: Diagnostic| {
        if d.path.is_none() {
            d.at(&src.file).line(src.audio_line)
        } else {
            d
        }
    };
    match &src.audio {
        AudioSource::Local(rel) => {
            let r =
                crate::lock::resolve_local_checked(root, rel, lock, opts.locked).map_err(|d| {
                    Diagnostic::error(d.message)
                        .at(&src.file)
                        .line(src.audio_line)
                })?;
            let mut warnings: Vec<Diagnostic> = r.warnings.into_iter().map(at).collect();
            if let Some(len) = src.front.length
                && len != r.facts.size
            {
                warnings.push(
                    Diagnostic::warning(format!("`length: {len}` differs from the audio file's real size ({} bytes): the real size is published; remove `length:`", r.facts.size))
                        .at(&src.file)
                        .line(src.audio_line),
                );
            }
            let entry = r.lock_entry.map(|e| (r.lock_key.clone(), e));
            Ok((r.facts, entry, warnings))
        }
        AudioSource::Remote(url) => {
            let given_duration = match &src.front.duration {
                Some(d) => Some(content::parse_duration(d).map_err(|m| at(Diagnostic::error(m)))?),
                None => None,
            };
            if let (Some(len), Some(dur)) = (src.front.length, given_duration) {
                if len == 0 {
                    return Err(at(Diagnostic::error(
                        "`length: 0` is not a byte length: give the audio file's exact size in bytes",
                    )));
                }
                return Ok((
                    content::facts_from_front_matter(url, len, dur),
                    None,
                    Vec::new(),
                ));
            }
            match crate::lock::resolve_remote(url, lock, opts.allow_network) {
                Ok(r) => {
                    let mut facts = r.facts;
                    if let Some(len) = src.front.length {
                        facts.size = len;
                    }
                    if let Some(d) = given_duration {
                        facts.duration = d;
                    }
                    Ok((facts, r.lock_entry.map(|e| (url.clone(), e)), r.warnings))
                }
                Err(d) => {
                    // The other fix, which needs no network: the facts in the episode itself.
                    let missing = match (src.front.length.is_some(), given_duration.is_some()) {
                        (false, true) => {
                            "`length:` (the file's exact size in bytes) next to its `duration:`"
                        }
                        (true, false) => {
                            "`duration:` (\"1:02:03\" or seconds) next to its `length:`"
                        }
                        _ => {
                            "`length:` (the file's exact size in bytes) and `duration:` (\"1:02:03\")"
                        }
                    };
                    Err(Diagnostic::error(format!(
                        "{}; or add {missing} to this episode",
                        d.message
                    ))
                    .at(&src.file)
                    .line(src.audio_line))
                }
            }
        }
    }
}

fn finish_episode(config: &Config, src: EpisodeSource, facts: AudioFacts) -> Episode {
    let audio_url = match &src.audio {
        AudioSource::Local(rel) => config.absolute(&percent_encode_path(rel)),
        AudioSource::Remote(url) => url.clone(),
    };
    let summary = src
        .front
        .summary
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| src.notes.first_paragraph.clone());
    Episode {
        guid: src
            .front
            .guid
            .clone()
            .map(|g| g.trim().to_string())
            .unwrap_or_default(),
        number: src.front.episode,
        season: src.front.season,
        explicit: src.front.explicit,
        image: src.front.image.clone(),
        file: src.file,
        path: src.path,
        slug: src.slug,
        title: src.title,
        date: src.date,
        audio: src.audio,
        audio_url,
        facts,
        episode_type: src.episode_type,
        summary,
        tags: src.tags,
        notes: src.notes,
        body: src.body,
        body_line: src.body_line,
        yaml: src.yaml,
        yaml_line: src.yaml_line,
        key_lines: src.key_lines,
        draft: src.draft,
        front: src.front,
        companions: Default::default(),
    }
}

/// Percent-encodes a site path for a URL (spaces and the like), keeping `/`.
pub fn percent_encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Episodes without `guid:` keep the GUID the lock recorded for their file; a renamed file
/// keeps it when its episode number or audio is unchanged; a new one gets a UUID (v5 of the
/// feed's podcast:guid and the file, so a lost lock gives the same answer) recorded in the lock.
fn assign_guids(root: &Path, config: &Config, episodes: &mut [Arc<Episode>], lock: &mut Lock) {
    let namespace =
        uuid::Uuid::parse_str(&feed::podcast_guid(&config.feed_url())).unwrap_or(uuid::Uuid::nil());
    // Files the lock knows that are gone: the only candidates for a rename. Found once, not
    // once per new episode (that was a stat per lock entry per episode: quadratic).
    let mut vanished: Vec<String> = lock
        .episodes
        .keys()
        .filter(|file| !root.join(file).exists())
        .cloned()
        .collect();
    for ep in episodes.iter_mut().filter(|e| e.guid.is_empty()) {
        let ep = Arc::make_mut(ep);
        let audio_key = match &ep.audio {
            AudioSource::Local(r) => r.clone(),
            AudioSource::Remote(u) => u.clone(),
        };
        if let Some(entry) = lock.episodes.get(&ep.file) {
            ep.guid = entry.guid.clone();
        } else {
            let renamed_from = vanished
                .iter()
                .position(|file| {
                    lock.episodes.get(file).is_some_and(|e| {
                        (ep.number.is_some() && e.episode == ep.number)
                            || e.audio.as_deref() == Some(audio_key.as_str())
                    })
                })
                .map(|i| vanished.remove(i));
            ep.guid = match renamed_from.and_then(|f| lock.episodes.remove(&f)) {
                Some(old) => old.guid,
                None => uuid::Uuid::new_v5(&namespace, ep.file.as_bytes()).to_string(),
            };
        }
        lock.episodes.insert(
            ep.file.clone(),
            LockedEpisode {
                guid: ep.guid.clone(),
                episode: ep.number,
                audio: Some(audio_key),
            },
        );
    }
}

fn check_duplicates(episodes: &[Arc<Episode>], diags: &mut Diagnostics) {
    let mut seen: HashMap<(&str, String), &str> = HashMap::new();
    for ep in episodes {
        let mut keys = vec![("slug", ep.slug.clone()), ("guid", ep.guid.clone())];
        if let Some(n) = ep.number {
            let what = match ep.season {
                Some(s) => format!("season {s} episode {n}"),
                None => format!("episode {n}"),
            };
            keys.push(("episode number", what));
        }
        let (AudioSource::Local(a) | AudioSource::Remote(a)) = &ep.audio;
        keys.push(("audio", a.clone()));
        for (kind, value) in keys {
            if let Some(first) = seen.get(&(kind, value.clone())) {
                let hint = match kind {
                    "audio" => {
                        "each episode needs its own audio file (apps ignore a reused enclosure URL)"
                    }
                    "slug" => "rename one file or set `slug:`",
                    "guid" => "every episode needs its own GUID",
                    _ => "give each episode its own number",
                };
                let d = Diagnostic::error(format!("same {kind} `{value}` as {first}: {hint}"))
                    .at(&ep.file);
                let line = match kind {
                    "audio" => ep.key_lines.any(&["audio", "audio_url"]),
                    "episode number" => ep.key_lines.any(&["episode", "episode_number"]),
                    other => ep.key_lines.get(other),
                };
                diags.push(match line {
                    Some(l) => d.line(l),
                    None => d,
                });
            } else {
                seen.insert((kind, value), &ep.file);
            }
        }
    }
}

fn index_tags(episodes: &[Arc<Episode>]) -> Vec<Tag> {
    let mut by_slug: BTreeMap<String, Tag> = BTreeMap::new();
    for (i, ep) in episodes.iter().enumerate() {
        for t in &ep.tags {
            let slug = crate::slug::slugify(t);
            if slug.is_empty() {
                continue;
            }
            by_slug
                .entry(slug.clone())
                .or_insert_with(|| Tag {
                    name: t.clone(),
                    slug,
                    episodes: Vec::new(),
                })
                .episodes
                .push(i);
        }
    }
    by_slug.into_values().collect()
}

/// An image setting (`assets/cover.png` or a URL) as an absolute, fingerprinted URL.
fn image_url(
    config: &Config,
    assets: &crate::assets::Assets,
    image: &str,
    (from, line): (&str, Option<usize>),
    diags: &mut Diagnostics,
) -> Option<String> {
    if image.starts_with("https://") || image.starts_with("http://") {
        return Some(image.to_string());
    }
    let name = image.trim_start_matches("./").trim_start_matches('/');
    let name = name.strip_prefix("assets/").unwrap_or(name);
    match assets.key(name) {
        Some(key) => Some(config.absolute(key)),
        None => {
            let d = Diagnostic::error(format!(
                "image `{image}` not found: put it in the site's assets/ folder"
            ))
            .at(from);
            diags.push(match line {
                Some(l) => d.line(l),
                None => d,
            });
            None
        }
    }
}

/// Renders every page, the feed and the other files into memory. With a cache (serve), each
/// episode's prepared view and each page are taken from it when what they are made from is
/// unchanged; `stamps` are the episodes' `episode_stamp`s, in `site.episodes` order.
fn render_site(
    site: &Arc<Site>,
    (templates, template_diags): (Option<render::Templates>, Diagnostics),
    mut cache: Option<(&mut RenderCache, Vec<blake3::Hash>)>,
    staging: Option<&Staging>,
    show: Option<&network::ShowBuild>,
    diags: &mut Diagnostics,
) -> Option<(SiteOutput, Option<crate::check::ParsedFeed>)> {
    let root = &site.root;
    let config = &site.config;
    let mut phases = crate::timings::Phases::start();
    let asset_roots: Vec<&Path> = match show {
        Some(s) => vec![s.network_root.as_path(), root.as_path()],
        None => vec![root.as_path()],
    };
    // (A theme that is not there was reported with the templates.)
    let theme_dir = crate::theme::theme_dir(asset_roots[0], &config.theme)
        .ok()
        .flatten();
    let assets = Arc::new(crate::assets::collect_layers(
        &asset_roots,
        crate::theme::static_files(),
        theme_dir.as_deref(),
        diags,
    ));
    let show_image = config.image.as_deref().and_then(|img| {
        image_url(
            config,
            &assets,
            img,
            (crate::config::CONFIG_FILE, config.key_lines.get("image")),
            diags,
        )
    });
    let episode_images: Vec<Option<String>> = site
        .episodes
        .iter()
        .map(|e| {
            e.image.as_deref().and_then(|img| {
                image_url(
                    config,
                    &assets,
                    img,
                    (&e.file, e.key_lines.get("image")),
                    diags,
                )
            })
        })
        .collect();
    diags.extend(template_diags.into_vec());
    let render::Templates {
        mut tera,
        stamp: templates_stamp,
        uses_build_time,
    } = templates?;
    render::register_functions(&mut tera, assets.clone(), config.base_path.clone());
    phases.mark("render: assets, templates");
    // Chapters, transcripts and people: files, feed elements and template fields.
    let images = crate::render::companions::Images {
        config,
        assets: &assets,
    };
    // What an episode's prepared view is made from besides the episode: the settings and the
    // asset URLs (the episode's artwork URL and GUID are hashed per episode below).
    let inputs_stamp = {
        let mut h = blake3::Hasher::new();
        h.update(format!("{config:?}").as_bytes());
        hash_asset_urls(&mut h, &assets);
        h.finalize()
    };
    let mut reusable = cache
        .as_mut()
        .map(|(c, _)| std::mem::take(&mut c.prepared))
        .unwrap_or_default();
    let keys: Vec<Option<blake3::Hash>> = match &cache {
        Some((_, stamps)) => site
            .episodes
            .iter()
            .zip(stamps)
            .zip(&episode_images)
            .map(|((e, stamp), image)| {
                let mut h = blake3::Hasher::new();
                h.update(inputs_stamp.as_bytes());
                h.update(stamp.as_bytes());
                h.update(e.guid.as_bytes());
                h.update(&[0]);
                h.update(image.as_deref().unwrap_or("").as_bytes());
                Some(h.finalize())
            })
            .collect(),
        None => vec![None; site.episodes.len()],
    };
    let mut taken: Vec<Option<PreparedEpisode>> = site
        .episodes
        .iter()
        .zip(&keys)
        .map(|(e, key)| {
            let key = (*key)?;
            reusable.remove(&e.file).filter(|p| p.key == key)
        })
        .collect();
    drop(reusable);
    let mut prepared: Vec<PreparedEpisode> = site
        .episodes
        .par_iter()
        .zip(taken.par_iter_mut())
        .zip(keys.par_iter())
        .zip(episode_images.par_iter())
        .map(|(((e, taken), key), image)| match taken.take() {
            Some(p) => p,
            None => prepare_episode(site, e, image.clone(), &images, *key, staging),
        })
        .collect();
    drop(taken);
    phases.mark("render: episode views");
    let mut item_extras = Vec::with_capacity(prepared.len());
    let mut companion_files = Vec::new();
    for p in &mut prepared {
        diags.extend(p.diags.iter().cloned());
        item_extras.push(p.feed.clone());
        if cache.is_some() {
            companion_files.extend(p.files.iter().cloned());
        } else {
            companion_files.append(&mut p.files);
        }
    }
    let mut data = RenderData::new(
        site,
        assets.clone(),
        show_image.clone(),
        prepared.iter().map(|p| p.view.clone()).collect(),
    );
    let (hosts, mut channel_people, person_pages, people_diags) =
        crate::render::companions::people_index(site, &images);
    if let Some(s) = show {
        channel_people.extend(s.channel_extras.iter().cloned());
    }
    diags.extend(people_diags);
    data.site_value["hosts"] = serde_json::Value::from(hosts);
    if let Some(s) = show {
        data.site_value["network"] = s.network_link.clone();
    }

    phases.mark("render: companions, people");
    let mut output = SiteOutput::new();
    // The two indexes; a one-off build writes each at once and frees what it was made from
    // (tens of MB at 10,000 episodes), before the pages.
    let entries: Vec<&[u8]> = prepared.iter().map(|p| p.index_entry.as_slice()).collect();
    match staging {
        Some(staging) => {
            match staging.write_streamed(INDEX_JSON, |w| render::write_joined_index(&entries, w)) {
                Ok(path) => output.insert_copy(INDEX_JSON, path),
                Err(d) => diags.push(d),
            }
        }
        None => output.insert_bytes(INDEX_JSON, render::join_index(&entries)),
    }
    drop(entries);
    if cache.is_none() {
        prepared
            .iter_mut()
            .for_each(|p| p.index_entry = Arc::default());
    }
    let fragments = crate::timings::task("search: index", "build", || {
        let kept = cache.is_some();
        crate::search::write_index_with(prepared.len(), |n| match kept {
            true => std::borrow::Cow::Borrowed(prepared[n].search_words.as_ref()),
            false => std::borrow::Cow::Owned(render::search_words(&prepared[n].view)),
        })
    });
    for (key, bytes) in fragments {
        stage_or_keep(&mut output, staging, key, bytes, diags);
    }
    // What every page is rendered from besides its own variables: the templates, the `site`
    // variable, the asset URLs and the base path the template functions answer with.
    let site_stamp = {
        let mut h = blake3::Hasher::new();
        h.update(templates_stamp.as_bytes());
        let mut site_value = data.site_value.clone();
        // The build time changes every build: it counts only where a template shows it.
        if !uses_build_time && let Some(fields) = site_value.as_object_mut() {
            fields.remove("build_time");
        }
        h.update(site_value.to_string().as_bytes());
        hash_asset_urls(&mut h, &assets);
        h.update(config.base_path.as_bytes());
        h.update(config.base_url.as_bytes());
        h.finalize()
    };
    // Lists get the cards typed, serialized only when a list page is rendered.
    let cards: Vec<&render::CardView> = prepared.iter().map(|p| &p.view.card).collect();
    let tag_refs: Vec<_> = site
        .tags
        .iter()
        .map(|t| {
            serde_json::json!({
                "name": t.name, "slug": t.slug, "count": t.episodes.len(),
                "url": config.root_relative(&format!("tags/{}/", t.slug)),
            })
        })
        .collect();
    // The fingerprint of a page made from cards: the cards it shows, in order, and `extra`.
    let list_fingerprint =
        |template: &str, path: &str, episodes: &mut dyn Iterator<Item = usize>, extra: &str| {
            let mut h = page_hasher(&site_stamp, template, path);
            for i in episodes {
                h.update(prepared[i].card_stamp.as_bytes());
            }
            h.update(extra.as_bytes());
            h.finalize()
        };
    let mut jobs: Vec<Job> = Vec::new();
    for page in &person_pages {
        let eps: Vec<&render::CardView> = page.episodes.iter().map(|&i| cards[i]).collect();
        let path = format!("people/{}/", page.slug);
        jobs.push(Job::Ready((
            format!("{path}index.html"),
            "person.html",
            path,
            serde_json::json!({ "person": page.person, "episodes": eps }),
        )));
    }
    for p in &site.pages {
        let path = format!("{}/", p.slug);
        let page = serde_json::json!({
            "title": p.title, "slug": p.slug, "description": p.description,
            "url": config.root_relative(&path),
            "permalink": config.absolute(&path),
            "content": p.content.html,
            "extra": p.extra,
        });
        jobs.push(Job::Ready((
            format!("{path}index.html"),
            "page.html",
            path,
            serde_json::json!({ "page": page }),
        )));
    }
    jobs.push(Job::Ready((
        "404.html".into(),
        "404.html",
        "404.html".into(),
        serde_json::json!({}),
    )));
    // Episode and tag pages, the thousands, get their variables built inside the parallel
    // render, only when the page is not cached, and dropped right after. The longest first
    // (tag pages by how many episodes they list, then the episodes): no core is left waiting
    // at the end for one long page.
    let mut tag_jobs: Vec<usize> = (0..site.tags.len()).collect();
    tag_jobs.sort_by_key(|&t| std::cmp::Reverse(site.tags[t].episodes.len()));
    jobs.extend(tag_jobs.into_iter().map(Job::Tag));
    jobs.extend((0..prepared.len()).map(Job::Episode));

    // Everything but the pages first: the feed, the sitemap, companions, assets and audio
    // (none of them needs a page).
    let feed_inputs = feed::FeedInputs {
        site,
        image_url: show_image,
        episode_images,
        item_extras,
        channel_extras: channel_people,
        item_cache: cache.as_ref().map(|(c, _)| &c.feed_items),
        item_keys: keys.clone(),
        urls: None,
    };
    output.insert_bytes("feed.xml", feed::write_feed(&feed_inputs));
    if let Some(s) = show {
        *s.items.lock().expect("network items") = feed::network_items(&feed_inputs, &s.source);
        *s.image.lock().expect("show image") = feed_inputs.image_url.clone();
    }
    drop(feed_inputs);
    if let Some((c, _)) = cache.as_mut() {
        // Only the current episodes' items are worth keeping.
        let current: HashSet<_> = keys.iter().flatten().collect();
        c.feed_items
            .get_mut()
            .expect("item cache")
            .retain(|(key, _), _| current.contains(key));
    }
    phases.mark("render: feed");
    let page_paths: Vec<String> = site
        .pages
        .iter()
        .map(|p| format!("{}/", p.slug))
        .chain(site.tags.iter().map(|t| format!("tags/{}/", t.slug)))
        .chain(person_pages.iter().map(|p| format!("people/{}/", p.slug)))
        .collect();
    output.insert_bytes("sitemap.xml", render::sitemap(site, &page_paths));
    output.insert_bytes("robots.txt", render::robots(site));
    for (key, file) in companion_files {
        output.files.insert(key, file);
    }
    for (key, bytes) in &assets.files {
        output.insert_bytes(key.clone(), bytes.clone());
    }
    for ep in &site.episodes {
        if let AudioSource::Local(rel) = &ep.audio {
            let source = root.join(rel);
            // Audio absent but locked (CI without the audio) is deployed by other means.
            if source.is_file() {
                output.insert_copy(rel.clone(), source);
            } else {
                output.external.insert(rel.clone(), ep.facts.size);
            }
        }
    }
    output.remote = site.remote_urls();
    let page_cache = cache.as_ref().map(|(c, _)| &c.pages);
    let tag_list = page_cache
        .map(|_| serde_json::Value::from(tag_refs.clone()).to_string())
        .unwrap_or_default();
    // A page whose fingerprint is the one in the cache: its cached bytes.
    let cached = |key: &String, fingerprint: Option<blake3::Hash>| -> Option<RenderedPage> {
        let (fingerprint, pages) = (fingerprint?, page_cache?);
        let (fp, bytes) = pages.get(key)?;
        (*fp == fingerprint).then(|| (key.clone(), fingerprint, OutputFile::Bytes(bytes.clone())))
    };
    // A freshly rendered page: written now, it is not kept in memory (the output points at
    // its file), unless the build is in memory.
    let finish = |key: String,
                  fingerprint: Option<blake3::Hash>,
                  bytes: Vec<u8>|
     -> Result<RenderedPage, Diagnostic> {
        let fingerprint = fingerprint.unwrap_or_else(|| blake3::hash(b""));
        if let Some(staging) = staging {
            let staged = staging.write(&key, &bytes)?;
            return Ok((key, fingerprint, OutputFile::Copy(staged)));
        }
        Ok((key, fingerprint, OutputFile::Bytes(Arc::new(bytes))))
    };
    // The home page and the episode list show every episode: one context serves both, as
    // its cards are the bulk of the work.
    let render_lists = || -> Vec<Result<RenderedPage, Diagnostic>> {
        let mut done = Vec::new();
        let mut todo = Vec::new();
        for (key, template, path) in [
            ("index.html", "index.html", ""),
            ("episodes/index.html", "episodes.html", "episodes/"),
        ] {
            let key = key.to_string();
            let fingerprint = page_cache
                .is_some()
                .then(|| list_fingerprint(template, path, &mut (0..prepared.len()), &tag_list));
            match cached(&key, fingerprint) {
                Some(page) => done.push(Ok(page)),
                None => todo.push((key, template, path, fingerprint)),
            }
        }
        if !todo.is_empty() {
            let latest: Vec<_> = prepared
                .iter()
                .take(render::LATEST)
                .map(|p| p.view.card_with_chapters())
                .collect();
            let mut ctx = render::page_context(
                &data,
                serde_json::json!({ "episodes": cards, "latest": latest, "tags": tag_refs }),
            );
            for (key, template, path, fingerprint) in todo {
                done.push(
                    crate::timings::template(template, || {
                        render::render_in(&tera, &data, &mut ctx, template, path)
                    })
                    .and_then(|bytes| finish(key, fingerprint, bytes)),
                );
            }
        }
        done
    };
    let render_job = |job: Job| -> Result<RenderedPage, Diagnostic> {
        // The variable closures below move these references, not the vectors.
        let (prepared, cards, tag_refs) = (&prepared, &cards, &tag_refs);
        let (key, template, path, fingerprint, vars): PageJob<'_> = match job {
            Job::Ready((key, template, path, vars)) => {
                let fingerprint = page_cache
                    .is_some()
                    .then(|| page_fingerprint(&site_stamp, template, &path, &vars));
                (key, template, path, fingerprint, Box::new(move || vars))
            }
            Job::Episode(i) => {
                let path = format!("episodes/{}/", prepared[i].view.slug);
                // Episodes are newest first: the previous (older) one is the next index.
                let (prev, next) = (i + 1, i.checked_sub(1));
                let fingerprint = page_cache.is_some().then(|| {
                    // Its own prepared episode, and the cards of its neighbours.
                    list_fingerprint(
                        "episode.html",
                        &path,
                        &mut [Some(prev).filter(|&p| p < prepared.len()), next]
                            .into_iter()
                            .flatten(),
                        &format!("{}|{:?}|{}", prev < prepared.len(), next, prepared[i].key),
                    )
                });
                let vars = move || {
                    let vars = EpisodeVars {
                        episode: &prepared[i].view,
                        prev: cards.get(prev).copied(),
                        next: next.and_then(|j| cards.get(j)).copied(),
                    };
                    serde_json::to_value(&vars).expect("episode variables serialize")
                };
                (
                    format!("{path}index.html"),
                    "episode.html",
                    path,
                    fingerprint,
                    Box::new(vars),
                )
            }
            Job::Tag(t) => {
                let tag = &site.tags[t];
                let path = format!("tags/{}/", tag.slug);
                let fingerprint = page_cache.is_some().then(|| {
                    list_fingerprint(
                        "tag.html",
                        &path,
                        &mut tag.episodes.iter().copied(),
                        &tag_refs[t].to_string(),
                    )
                });
                // A tag page is a list: light cards, like the other lists.
                let vars = move || {
                    let eps: Vec<&render::CardView> =
                        tag.episodes.iter().map(|&i| cards[i]).collect();
                    serde_json::json!({ "tag": tag_refs[t], "episodes": eps })
                };
                (
                    format!("{path}index.html"),
                    "tag.html",
                    path,
                    fingerprint,
                    Box::new(vars),
                )
            }
        };
        if let Some(page) = cached(&key, fingerprint) {
            return Ok(page);
        }
        let bytes = crate::timings::template(template, || {
            render::render_page(&tera, &data, template, &path, vars())
        })?;
        finish(key, fingerprint, bytes)
    };
    // A one-off build's checks read the feed next: it is parsed and put through the feed
    // rules now, as one more job beside the pages (serve does not check).
    let feed_to_parse = cache.is_none().then(|| output.bytes("feed.xml")).flatten();
    // The lists' context (every card as a template value) is let go before the feed is parsed:
    // the two were a tenth of the peak memory of 10,000 episodes.
    let ((mut rendered, parsed_feed), pages): ((Vec<_>, _), Vec<_>) = rayon::join(
        || {
            let lists = render_lists();
            let parsed = feed_to_parse
                .and_then(|feed| crate::check::ParsedFeed::parse(feed, config.feed_url()));
            (lists, parsed)
        },
        || jobs.into_par_iter().map(render_job).collect(),
    );
    rendered.extend(pages);
    let page_count = rendered.len();
    let mut template_errors = 0;
    let mut fresh_pages = HashMap::with_capacity(if cache.is_some() { rendered.len() } else { 0 });
    let mut reused = 0;
    for r in rendered {
        match r {
            Ok((key, _, OutputFile::Copy(staged))) => output.insert_copy(key, staged),
            Ok((key, fingerprint, OutputFile::Bytes(bytes))) => {
                if let Some((c, _)) = &cache {
                    if c.pages
                        .get(&key)
                        .is_some_and(|(old, _)| *old == fingerprint)
                    {
                        reused += 1;
                    }
                    fresh_pages.insert(key.clone(), (fingerprint, bytes.clone()));
                }
                output.insert_shared(key, bytes);
            }
            // One broken template fails every page using it: report each distinct message once.
            Err(d) => {
                if template_errors < 20 && !diags.iter().any(|x| x.message == d.message) {
                    diags.push(d);
                }
                template_errors += 1;
            }
        }
    }
    if crate::timings::enabled() {
        eprintln!("onair: timing: {reused} of {page_count} pages reused");
    }
    drop(cards);
    drop(data);
    if let Some((c, _)) = cache.as_mut() {
        c.pages = fresh_pages;
        c.prepared = site
            .episodes
            .iter()
            .zip(prepared)
            .map(|(e, p)| (e.file.clone(), p))
            .collect();
    } else {
        // Freeing every episode's view is thousands of small frees: not on the way to the
        // feed, the checks and publishing.
        std::thread::spawn(move || drop(prepared));
    }
    if template_errors > 0 {
        return None;
    }
    // Last, so an alias can be checked against every other file the site publishes.
    render::aliases::insert(site, &mut output, diags);
    phases.mark("render: pages");
    crate::timings::print_tasks();
    Some((output, parsed_feed))
}

/// An episode page's own variables.
#[derive(serde::Serialize)]
struct EpisodeVars<'a> {
    episode: &'a render::EpisodeView,
    prev: Option<&'a render::CardView>,
    next: Option<&'a render::CardView>,
}

/// A page to render: output key, template, URL path, fingerprint (when cached builds are
/// kept), and its variables, built only when it is rendered.
type PageJob<'a> = (
    String,
    &'static str,
    String,
    Option<blake3::Hash>,
    Box<dyn FnOnce() -> serde_json::Value + 'a>,
);

/// A rendered page: its output key, fingerprint and bytes.
/// (In memory, or already written to the staging folder.)
type RenderedPage = (String, blake3::Hash, OutputFile);

/// What a page was rendered from, as one hash: the site-wide inputs, the template, the URL
/// and the page's own variables. Equal fingerprints render equal bytes.
fn page_fingerprint(
    site_stamp: &blake3::Hash,
    template: &str,
    path: &str,
    vars: &impl serde::Serialize,
) -> blake3::Hash {
    let mut h = page_hasher(site_stamp, template, path);
    // serde_json writes in small pieces: buffered, blake3 gets whole chunks to hash.
    let mut w = std::io::BufWriter::with_capacity(64 * 1024, &mut h);
    serde_json::to_writer(&mut w, vars).expect("JSON values serialize");
    drop(w);
    h.finalize()
}

/// A hasher fed with what every page's fingerprint starts with.
fn page_hasher(site_stamp: &blake3::Hash, template: &str, path: &str) -> blake3::Hasher {
    let mut h = blake3::Hasher::new();
    h.update(site_stamp.as_bytes());
    h.update(template.as_bytes());
    h.update(&[0]);
    h.update(path.as_bytes());
    h.update(&[0]);
    h
}

/// One page to render: ready (plain and people pages), or a list, episode or tag page whose
/// variables are built where it is rendered, and only when it is not cached.
enum Job {
    Ready((String, &'static str, String, serde_json::Value)),
    Episode(usize),
    Tag(usize),
}

/// Feeds the asset names and their fingerprinted keys to a hash.
fn hash_asset_urls(h: &mut blake3::Hasher, assets: &crate::assets::Assets) {
    for (name, key) in &assets.urls {
        h.update(name.as_bytes());
        h.update(&[0]);
        h.update(key.as_bytes());
        h.update(&[0]);
    }
}

/// An episode's view, card, companions and index entry, made from scratch.
fn prepare_episode(
    site: &Site,
    e: &Episode,
    image: Option<String>,
    images: &crate::render::companions::Images<'_>,
    key: Option<blake3::Hash>,
    staging: Option<&Staging>,
) -> PreparedEpisode {
    let mut view = render::episode_view(site, e, image);
    let (p, mut diags) = crate::render::companions::publish(site, e, images);
    view.card.chapter_count = p.chapters.len();
    view.chapters = p.chapters;
    view.chapters_url = p.chapters_url;
    view.transcript = p.transcript;
    view.people = p.people;
    let notes = render::html_text(&view.content);
    // Kept between builds only: a one-off build makes each episode's words as the index takes
    // them (`render_site`).
    let search_words = match key {
        Some(_) => render::search_words_of(&view, &notes),
        None => Default::default(),
    };
    let index_entry = render::index_entry_of(&view, notes);
    PreparedEpisode {
        key: key.unwrap_or_else(|| blake3::hash(b"")),
        card_stamp: match key {
            // With the chapters: the home page lists the newest episodes' chapters.
            Some(_) => blake3::hash(
                &serde_json::to_vec(&view.card_with_chapters()).expect("episode card serializes"),
            ),
            None => blake3::hash(b""),
        },
        index_entry: Arc::new(index_entry),
        search_words: Arc::new(search_words),
        view: Arc::new(view),
        // A one-off build writes them now: they are not held until the pages are done.
        files: p
            .files
            .into_iter()
            .filter_map(|(key, bytes)| match staging {
                Some(staging) => match staging.write(&key, &bytes) {
                    Ok(path) => Some((key, OutputFile::Copy(path))),
                    Err(d) => {
                        diags.push(d);
                        None
                    }
                },
                None => Some((key, OutputFile::Bytes(Arc::new(bytes)))),
            })
            .collect(),
        feed: Arc::new(p.feed),
        diags,
    }
}

/// The episode list's JSON, which the default theme's filter reads.
const INDEX_JSON: &str = "episodes/index.json";

/// Puts a generated file in `output`: written to the staging folder now when there is one (so
/// that it is not held in memory), otherwise kept as bytes.
fn stage_or_keep(
    output: &mut SiteOutput,
    staging: Option<&Staging>,
    key: String,
    bytes: Vec<u8>,
    diags: &mut Diagnostics,
) {
    match staging.map(|s| s.write(&key, &bytes)) {
        Some(Ok(path)) => output.insert_copy(key, path),
        Some(Err(d)) => diags.push(d),
        None => output.insert_bytes(key, bytes),
    }
}

/// Where staging folders go: inside the site's `.onair/` for the default output, otherwise
/// beside the output folder (a rename only swaps within one file system).
fn staging_parent(site_root: &Path, dest: &Path) -> PathBuf {
    let default = site_root.join("public");
    if dest == default {
        site_root.join(".onair")
    } else {
        dest.parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."))
    }
}

/// The folder a build is written into before it replaces the published one (`dest`) in one
/// atomic exchange. `onair build` creates it first, so pages go to disk while others are still
/// rendering (`build_site_staged`). A failure at any point leaves `dest` as it was: dropped
/// without `publish`, the folder is removed. Files of earlier builds that are no longer
/// produced disappear with the old folder.
pub struct Staging {
    dir: PathBuf,
    dest: PathBuf,
    /// Output keys already written.
    written: std::sync::Mutex<HashSet<String>>,
    published: bool,
}

impl Staging {
    pub fn create(site_root: &Path, dest: &Path) -> Result<Staging, Diagnostic> {
        let parent = staging_parent(site_root, dest);
        let fail = |what: &str, path: &Path, e: std::io::Error| {
            Diagnostic::error(format!("cannot {what} `{}`: {e}", path.display()))
        };
        std::fs::create_dir_all(&parent).map_err(|e| fail("create", &parent, e))?;
        clean_stale_staging(&parent);
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| fail("remove", &dir, e))?;
        }
        std::fs::create_dir_all(&dir).map_err(|e| {
            Diagnostic::error(format!(
                "cannot publish into `{}`: the new site is written beside it first, and `{}` cannot be created: {e}",
                dest.display(),
                dir.display()
            ))
        })?;
        Ok(Staging {
            dir,
            dest: dest.to_path_buf(),
            written: Default::default(),
            published: false,
        })
    }

    /// Writes one file now (creating its folders); `publish` will not write it again. Returns
    /// where it was written.
    fn write(&self, key: &str, bytes: &[u8]) -> Result<PathBuf, Diagnostic> {
        let path = self.dir.join(key);
        // The folder is made when the first file in it is written: trying the file first
        // saves two system calls for every other file of the folder.
        let r = match std::fs::write(&path, bytes) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => match path.parent() {
                Some(parent) => {
                    std::fs::create_dir_all(parent).and_then(|()| std::fs::write(&path, bytes))
                }
                None => Err(e),
            },
            r => r,
        };
        r.map_err(|e| self.write_error(key, &path, e))?;
        self.written
            .lock()
            .expect("staging")
            .insert(key.to_string());
        Ok(path)
    }

    /// Like `write`, with the content written by `fill` as it is made, never whole in memory.
    fn write_streamed(
        &self,
        key: &str,
        fill: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> Result<PathBuf, Diagnostic> {
        let path = self.dir.join(key);
        let write = || -> std::io::Result<()> {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            let mut w = std::io::BufWriter::new(std::fs::File::create(&path)?);
            fill(&mut w)?;
            w.into_inner().map_err(|e| e.into_error())?;
            Ok(())
        };
        write().map_err(|e| self.write_error(key, &path, e))?;
        self.written
            .lock()
            .expect("staging")
            .insert(key.to_string());
        Ok(path)
    }

    fn write_error(&self, key: &str, path: &Path, e: std::io::Error) -> Diagnostic {
        Diagnostic::error(format!(
            "cannot write `{}` (staged at `{}`): {e}",
            self.dest.join(key).display(),
            path.display()
        ))
    }

    /// Writes the rest of `output` and swaps the staging folder into place.
    pub fn publish(mut self, output: &SiteOutput) -> Result<(), Diagnostic> {
        self.write_rest(output)?;
        swap_into_place(&self.dir, &self.dest)?;
        self.published = true;
        Ok(())
    }

    /// Writes every file not written yet; an error names the file by where it was to be
    /// published (`dest`), since the staging folder is onair's own.
    fn write_rest(&self, output: &SiteOutput) -> Result<(), Diagnostic> {
        let mut written = self.written.lock().expect("staging");
        let rest: Vec<(&String, &OutputFile)> = output
            .files
            .iter()
            .filter(|(key, _)| !written.contains(*key))
            .collect();
        written.extend(rest.iter().map(|(key, _)| (*key).clone()));
        drop(written);
        let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
        for (key, _) in &rest {
            if let Some(parent) = Path::new(key).parent()
                && !parent.as_os_str().is_empty()
            {
                dirs.insert(self.dir.join(parent));
            }
        }
        for d in &dirs {
            std::fs::create_dir_all(d)
                .map_err(|e| Diagnostic::error(format!("cannot create `{}`: {e}", d.display())))?;
        }
        rest.par_iter().try_for_each(|(key, file)| {
            let path = self.dir.join(key);
            let r = match file {
                OutputFile::Bytes(b) => std::fs::write(&path, b.as_slice()),
                // A hard link publishes the audio byte for byte without copying it; across
                // file systems fall back to a copy.
                OutputFile::Copy(src) => std::fs::hard_link(src, &path)
                    .or_else(|_| std::fs::copy(src, &path).map(|_| ())),
            };
            r.map_err(|e| self.write_error(key, &path, e))
        })
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.published {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn swap_into_place(staging: &Path, dest: &Path) -> Result<(), Diagnostic> {
    let err = |e: std::io::Error| {
        Diagnostic::error(format!("cannot publish into `{}`: {e}", dest.display()))
    };
    if !dest.exists() {
        return std::fs::rename(staging, dest).map_err(err);
    }
    exchange(staging, dest).map_err(err)?;
    // `staging` now holds the previous site.
    let _ = std::fs::remove_dir_all(staging);
    Ok(())
}

/// Atomically swaps two paths (Linux renameat2 RENAME_EXCHANGE), so `dest` is at every
/// instant either the complete old site or the complete new one.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes())?;
    let cb = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both are valid NUL-terminated paths; AT_FDCWD resolves them like rename(2).
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        let e = std::io::Error::last_os_error();
        // File systems without RENAME_EXCHANGE: two renames, the old site kept until the end.
        if e.raw_os_error() == Some(libc::EINVAL) || e.raw_os_error() == Some(libc::ENOSYS) {
            exchange_by_renames(a, b)
        } else {
            Err(e)
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    exchange_by_renames(a, b)
}

fn exchange_by_renames(new: &Path, dest: &Path) -> std::io::Result<()> {
    let old = new.with_extension("old");
    std::fs::rename(dest, &old)?;
    if let Err(e) = std::fs::rename(new, dest) {
        let _ = std::fs::rename(&old, dest);
        return Err(e);
    }
    std::fs::rename(&old, new)
}

/// Removes staging folders left by builds that were killed (their process is gone).
fn clean_stale_staging(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .rsplit_once(".staging-")
            .and_then(|(_, p)| p.parse::<u32>().ok())
        else {
            continue;
        };
        if name.starts_with('.')
            && pid != std::process::id()
            && !Path::new(&format!("/proc/{pid}")).exists()
        {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_paths() {
        assert_eq!(
            percent_encode_path("audio/my ep #1.mp3"),
            "audio/my%20ep%20%231.mp3"
        );
        assert_eq!(percent_encode_path("audio/é.mp3"), "audio/%C3%A9.mp3");
    }
}
