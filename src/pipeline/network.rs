//! Building a network (a site with `shows/`): each show is built as a site of its own (its
//! folder, its settings, its entries of onair.lock) published under `/<name>/`, or at the root
//! for the show with `path: /`; then the network's pages and feeds are made from the shows:
//! `/shows/` (also `/` when no show is at the root), `/shows/feed.xml` (every show's episodes,
//! each item naming its show in `<source>`) and `/shows/publisher.xml` (a Podcasting 2.0
//! `podcast:medium` publisher feed listing the shows, which each show's feed points back at
//! with `podcast:publisher`; the shows list each other in `podcast:podroll`).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::{BuildCache, BuildOptions, Built, Reuse, build_site_inner};
use crate::config::Config;
use crate::content::Site;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lock::Lock;
use crate::output::{OutputFile, SiteOutput};
use crate::render::{self, RenderData, feed, feed::ExtraElement};

/// The network's combined feed and its publisher feed, as output keys.
pub const NETWORK_FEED: &str = "shows/feed.xml";
pub const PUBLISHER_FEED: &str = "shows/publisher.xml";
pub const SHOWS_PAGE: &str = "shows/";

/// A show's items for the combined feed, with their dates.
type NetworkItems = Vec<(jiff::Timestamp, Vec<u8>)>;

/// What a show's build takes from its network (see `build_site_inner`).
pub struct ShowBuild {
    pub(crate) config: Config,
    /// The show's entries of the network's onair.lock, keyed as the show sees them.
    pub(crate) lock: Lock,
    /// Where the theme overrides (templates/) and shared assets/ are.
    pub(crate) network_root: PathBuf,
    /// `podcast:podroll` and `podcast:publisher`, for the show's channel.
    pub(crate) channel_extras: Vec<ExtraElement>,
    /// The `<source>` each of its items carries in the combined feed.
    pub(crate) source: ExtraElement,
    /// Its items for the combined feed, written by the show's build beside its own feed.
    pub(crate) items: Mutex<NetworkItems>,
    /// The network's templates, compiled once (None: each show reports the errors itself).
    pub(crate) templates: Option<render::Templates>,
    /// `site.network` of its pages: the network's title and shows page.
    pub(crate) network_link: serde_json::Value,
    /// Its artwork's absolute URL, as its build resolved it.
    pub(crate) image: Mutex<Option<String>>,
}

/// One show of a built network, as built on its own: output keys without its prefix.
#[derive(Debug)]
pub struct BuiltShow {
    /// `/<name>/` (see `network::Show`).
    pub name: String,
    /// Output key prefix: `<name>/`, or empty for the show at the root.
    pub prefix: String,
    /// Its folder relative to the site (`shows/<folder>`).
    pub rel: PathBuf,
    pub site: Arc<Site>,
    pub output: SiteOutput,
    pub parsed_feed: Option<crate::check::ParsedFeed>,
    /// Absolute URL of its artwork.
    pub image_url: Option<String>,
}

#[derive(Debug)]
pub struct BuiltNetwork {
    /// The network's settings (site.yaml over the first show's).
    pub config: Config,
    pub shows: Vec<BuiltShow>,
    /// URLs of the combined feed and the publisher feed.
    pub feed_url: String,
    pub publisher_url: String,
}

fn element(name: &str, attrs: &[(&str, &str)], children: Vec<ExtraElement>) -> ExtraElement {
    ExtraElement {
        name: name.to_string(),
        attrs: attrs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        text: None,
        children,
    }
}

/// A show's problems named from the site folder: `episodes/a.md` -> `shows/x/episodes/a.md`,
/// and its settings are its show.yaml.
/// A mistake in site.yaml or a show.yaml does not hide the shows' own: each show folder's
/// episodes and pages are read as well, with a stand-in of the settings (site.yaml's time zone
/// and URL), and their errors added to the settings' ones.
fn with_show_content_errors(root: &Path, mut diags: Diagnostics) -> Diagnostics {
    let Ok(entries) = std::fs::read_dir(root.join(crate::network::SHOWS_DIR)) else {
        return diags;
    };
    let mut folders: Vec<std::path::PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    folders.sort();
    let config = crate::config::Config::stand_in(root);
    for dir in folders {
        let rel = dir.strip_prefix(root).unwrap_or(&dir).to_path_buf();
        let mut show = Diagnostics::new();
        crate::content::parse_all(&dir, &config, &mut show);
        diags.extend(relocate(show.into_vec(), &rel));
    }
    diags
}

fn relocate(diags: Vec<Diagnostic>, rel: &Path) -> Vec<Diagnostic> {
    diags
        .into_iter()
        .map(|mut d| {
            // Inside a show, "the site" of a path is the show's folder.
            if d.message.contains("leaves the site folder")
                && let Some(path) = d.message.split('`').nth(1)
            {
                d.message = format!(
                    "the audio path `{path}` leaves the show's folder {0}: an episode plays audio of its own show only; copy the file into {0}/audio/ and give its path relative to the show, or give an https URL",
                    rel.display()
                );
            } else if d.message.contains("(relative to the site folder)") {
                d.message = d.message.replace(
                    "(relative to the site folder)",
                    &format!("(relative to the show's folder {})", rel.display()),
                );
            }
            if let Some(p) = &d.path
                && p.is_relative()
                && !p.starts_with(crate::network::SHOWS_DIR)
            {
                d.path = Some(if p == Path::new(crate::config::CONFIG_FILE) {
                    rel.join(crate::network::SHOW_FILE)
                } else {
                    rel.join(p)
                });
            }
            d
        })
        .collect()
}

fn show_guid(c: &Config) -> String {
    c.podcast_guid
        .clone()
        .unwrap_or_else(|| feed::podcast_guid(&c.feed_url()))
}

/// Builds every show and the network around them, in memory. Any show's error fails the
/// whole build; every show is built so that all problems are reported at once.
pub fn build_network(
    opts: &BuildOptions,
    mut cached: Option<(&mut BuildCache, &Reuse)>,
) -> Result<Built, Diagnostics> {
    let root = opts.root.as_path();
    let net = crate::network::load(root, opts.base_url.as_deref())
        .map_err(|d| with_show_content_errors(root, d))?;
    let mut diags = Diagnostics::new();
    let mut lock = Lock::load(root).unwrap_or_else(|d| {
        diags.push(d);
        Lock::new()
    });
    let base = net.config.base_url.clone();
    let feed_url = format!("{base}/{NETWORK_FEED}");
    let publisher_url = format!("{base}/{PUBLISHER_FEED}");
    let publisher_guid = net
        .config
        .podcast_guid
        .clone()
        .unwrap_or_else(|| feed::podcast_guid(&publisher_url));
    let publisher = element(
        "podcast:publisher",
        &[],
        vec![element(
            "podcast:remoteItem",
            &[
                ("feedGuid", &publisher_guid),
                ("feedUrl", &publisher_url),
                ("medium", "publisher"),
            ],
            Vec::new(),
        )],
    );
    let remote_item = |c: &Config| {
        element(
            "podcast:remoteItem",
            &[("feedGuid", &show_guid(c)), ("feedUrl", &c.feed_url())],
            Vec::new(),
        )
    };
    let theme_dir = crate::theme::theme_dir(root, &net.config.theme);
    if let Err(message) = &theme_dir {
        diags.push(
            Diagnostic::error(message.clone())
                .at(crate::config::CONFIG_FILE)
                .line(net.config.theme_line),
        );
    }
    let templates = render::load_templates(
        root,
        theme_dir.as_ref().ok().and_then(Option::as_deref),
        &mut Diagnostics::new(),
    );
    let mut shows: Vec<(BuiltShow, NetworkItems)> = Vec::new();
    let mut scheduled = Vec::new();
    for show in &net.shows {
        let lock_prefix = format!("{}/", crate::fsutil::rel(root, &show.dir));
        let others: Vec<ExtraElement> = net
            .shows
            .iter()
            .filter(|o| o.name != show.name)
            .map(|o| remote_item(&o.config))
            .collect();
        let mut channel_extras = vec![publisher.clone()];
        if !others.is_empty() {
            channel_extras.push(element("podcast:podroll", &[], others));
        }
        let ctx = ShowBuild {
            config: show.config.clone(),
            lock: lock.scoped(&lock_prefix),
            network_root: root.to_path_buf(),
            channel_extras,
            source: ExtraElement {
                name: "source".into(),
                attrs: vec![("url".into(), show.config.feed_url())],
                text: Some(show.config.title.clone()),
                children: Vec::new(),
            },
            items: Mutex::new(Vec::new()),
            image: Mutex::new(None),
            templates: templates.clone(),
            network_link: serde_json::json!({
                "title": net.config.title,
                "url": net.config.root_relative(SHOWS_PAGE),
            }),
        };
        let show_opts = BuildOptions {
            root: show.dir.clone(),
            ..opts.clone()
        };
        let mut one_off = BuildCache::one_off();
        let (show_cache, show_reuse) = match cached.as_mut() {
            Some((cache, reuse)) => (
                cache.shows.entry(show.name.clone()).or_default(),
                scoped_reuse(reuse, &lock_prefix),
            ),
            None => (&mut one_off, Reuse::Nothing),
        };
        match build_site_inner(&show_opts, show_cache, &show_reuse, None, Some(&ctx)) {
            Ok(b) => {
                scheduled.extend(b.scheduled);
                lock.absorb(&lock_prefix, b.lock);
                diags.extend(relocate(b.warnings, &show.rel));
                shows.push((
                    BuiltShow {
                        name: show.name.clone(),
                        prefix: show.prefix.clone(),
                        rel: show.rel.clone(),
                        site: b.site,
                        output: b.output,
                        parsed_feed: b.parsed_feed,
                        image_url: ctx.image.lock().expect("show image").clone(),
                    },
                    ctx.items.into_inner().expect("network items"),
                ));
            }
            Err(d) => diags.extend(relocate(d.into_vec(), &show.rel)),
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    let mut output = SiteOutput::new();
    let mut owner: std::collections::HashMap<String, PathBuf> = Default::default();
    for (show, _) in &shows {
        for (key, file) in &show.output.files {
            // One robots.txt for the whole site, written below.
            if key == "robots.txt" {
                continue;
            }
            let full = format!("{}{key}", show.prefix);
            publish_once(&mut output, &mut owner, full, file, &show.rel, &mut diags);
        }
        for (key, size) in &show.output.external {
            output
                .external
                .insert(format!("{}{key}", show.prefix), *size);
        }
        output.remote.extend(show.output.remote.iter().cloned());
    }
    let network_side = network_files(
        root,
        &net.config,
        &shows,
        templates,
        [&feed_url, &publisher_url],
        &publisher,
        &mut diags,
    );
    let network_rel = PathBuf::from(crate::config::CONFIG_FILE);
    for (key, bytes) in network_side {
        publish_once(
            &mut output,
            &mut owner,
            key,
            &OutputFile::Bytes(Arc::new(bytes)),
            &network_rel,
            &mut diags,
        );
    }
    if diags.has_errors() {
        return Err(diags);
    }
    let mut episodes: Vec<_> = shows
        .iter()
        .flat_map(|(s, _)| s.site.episodes.iter().cloned())
        .collect();
    episodes.sort_by_key(|e| std::cmp::Reverse(e.date.timestamp()));
    let site = Arc::new(Site {
        root: root.to_path_buf(),
        config: net.config.clone(),
        episodes,
        pages: shows
            .iter()
            .flat_map(|(s, _)| s.site.pages.iter().cloned())
            .collect(),
        tags: Vec::new(),
    });
    Ok(Built {
        site,
        output,
        warnings: diags.into_vec(),
        lock,
        parsed_feed: None,
        scheduled,
        network: Some(BuiltNetwork {
            config: net.config,
            shows: shows.into_iter().map(|(s, _)| s).collect(),
            feed_url,
            publisher_url,
        }),
    })
}

/// What one show may reuse of its cache when `reuse` names site-relative changes: the
/// changes inside its folder, relative to it; a change outside every show reuses nothing.
fn scoped_reuse(reuse: &Reuse, prefix: &str) -> Reuse {
    let scope = |changed: &std::collections::BTreeSet<PathBuf>| {
        if changed
            .iter()
            .any(|p| !p.starts_with(crate::network::SHOWS_DIR))
        {
            return None;
        }
        Some(
            changed
                .iter()
                .filter_map(|p| p.strip_prefix(prefix).ok().map(Path::to_path_buf))
                .collect(),
        )
    };
    match reuse {
        Reuse::Nothing => Reuse::Nothing,
        Reuse::EpisodesExcept(changed) => {
            scope(changed).map_or(Reuse::Nothing, Reuse::EpisodesExcept)
        }
        Reuse::AudioExcept(changed) => scope(changed).map_or(Reuse::Nothing, Reuse::AudioExcept),
    }
}

/// Puts a file in the network's output unless another show already publishes that key;
/// the same bytes twice (the theme's fingerprinted assets) are one file.
fn publish_once(
    output: &mut SiteOutput,
    owner: &mut std::collections::HashMap<String, PathBuf>,
    key: String,
    file: &OutputFile,
    from: &Path,
    diags: &mut Diagnostics,
) {
    if let Some(first) = owner.get(&key) {
        let same = match (output.files.get(&key), file) {
            (Some(OutputFile::Bytes(a)), OutputFile::Bytes(b)) => a == b,
            (Some(OutputFile::Copy(a)), OutputFile::Copy(b)) => a == b,
            _ => false,
        };
        if !same {
            diags.push(
                Diagnostic::error(format!(
                    "/{key} is published by both {} and {}: rename the show folder or the file",
                    first.display(),
                    from.display()
                ))
                .at(from),
            );
        }
        return;
    }
    owner.insert(key.clone(), from.to_path_buf());
    output.files.insert(key, file.clone());
}

/// The network's own files: its page(s), combined feed, publisher feed, robots.txt, and the
/// assets its page uses.
fn network_files(
    root: &Path,
    config: &Config,
    shows: &[(BuiltShow, NetworkItems)],
    templates: Option<render::Templates>,
    [feed_url, publisher_url]: [&str; 2],
    publisher: &ExtraElement,
    diags: &mut Diagnostics,
) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let at_root = shows.iter().any(|(s, _)| s.prefix.is_empty());
    // The network's artwork may be inherited from the first show: its assets come too.
    let first_show = shows
        .iter()
        .find(|(s, _)| s.prefix.is_empty())
        .or(shows.first())
        .map(|(s, _)| s.site.root.clone());
    let mut layers: Vec<&Path> = Vec::new();
    if let Some(first) = &first_show {
        layers.push(first);
    }
    layers.push(root);
    let mut asset_diags = Diagnostics::new();
    let theme_dir = crate::theme::theme_dir(root, &config.theme).ok().flatten();
    let assets = Arc::new(crate::assets::collect_layers(
        &layers,
        crate::theme::static_files(),
        theme_dir.as_deref(),
        &mut asset_diags,
    ));
    // Artwork that is not found leaves the network's feeds without it: a show's own
    // artwork was checked by its build.
    let image_url = config.image.as_deref().and_then(|img| {
        super::image_url(
            config,
            &assets,
            img,
            (crate::config::CONFIG_FILE, None),
            &mut Diagnostics::new(),
        )
    });
    let channel_site = Site {
        root: root.to_path_buf(),
        config: config.clone(),
        episodes: Vec::new(),
        pages: Vec::new(),
        tags: Vec::new(),
    };
    let shows_link = config.absolute(SHOWS_PAGE);
    // Every show's episodes, newest first, each item naming its show.
    let mut items: Vec<(jiff::Timestamp, &[u8])> = shows
        .iter()
        .flat_map(|(_, items)| items.iter().map(|(t, b)| (*t, b.as_slice())))
        .collect();
    items.sort_by_key(|i| std::cmp::Reverse(i.0));
    items.truncate(config.feed_limit.unwrap_or(usize::MAX));
    let item_bytes: Vec<&[u8]> = items.iter().map(|(_, b)| *b).collect();
    let inputs = |site: &Site, extras: Vec<ExtraElement>, url: &str| -> Vec<u8> {
        let inputs = feed::FeedInputs {
            site,
            image_url: image_url.clone(),
            episode_images: Vec::new(),
            item_extras: Vec::new(),
            channel_extras: extras,
            item_cache: None,
            item_keys: Vec::new(),
            urls: Some((url.to_string(), shows_link.clone())),
        };
        feed::write_with_items(
            &inputs,
            if url == feed_url {
                &item_bytes[..]
            } else {
                &[]
            },
        )
    };
    files.push((
        NETWORK_FEED.to_string(),
        inputs(&channel_site, vec![publisher.clone()], feed_url),
    ));
    let mut publisher_site = Site {
        config: config.clone(),
        ..channel_site.clone()
    };
    publisher_site.config.medium = "publisher".into();
    if config.podcast_guid.is_none() {
        publisher_site.config.podcast_guid = Some(feed::podcast_guid(publisher_url));
    }
    let listed: Vec<ExtraElement> = shows
        .iter()
        .map(|(s, _)| {
            element(
                "podcast:remoteItem",
                &[
                    ("feedGuid", &show_guid(&s.site.config)),
                    ("feedUrl", &s.site.config.feed_url()),
                    ("medium", &s.site.config.medium),
                ],
                Vec::new(),
            )
        })
        .collect();
    files.push((
        PUBLISHER_FEED.to_string(),
        inputs(&publisher_site, listed, publisher_url),
    ));
    // One robots.txt: every show's sitemap and the network's own (shows/sitemap.xml, below).
    let mut robots = String::from("User-agent: *\nAllow: /\n\n");
    for (s, _) in shows {
        robots.push_str(&format!(
            "Sitemap: {}\n",
            s.site.config.absolute("sitemap.xml")
        ));
    }
    robots.push_str(&format!(
        "Sitemap: {}\n",
        config.absolute(&format!("{SHOWS_PAGE}sitemap.xml"))
    ));
    files.push(("robots.txt".into(), robots.into_bytes()));
    // The shows page.
    // (Templates that do not load were reported by the shows' builds.)
    let Some(render::Templates { mut tera, .. }) = templates else {
        return files;
    };
    render::register_functions(&mut tera, assets.clone(), config.base_path.clone());
    let mut data = RenderData::new(&channel_site, assets.clone(), image_url.clone(), Vec::new());
    data.site_value["feed_url"] = serde_json::Value::from(feed_url);
    data.site_value["network"] = serde_json::json!({
        "title": config.title, "url": config.root_relative(SHOWS_PAGE),
    });
    data.site_value["network_page"] = serde_json::Value::Bool(true);
    let show_values: Vec<serde_json::Value> = shows
        .iter()
        .map(|(s, _)| {
            let c = &s.site.config;
            let image = s.image_url.clone();
            let latest = s
                .site
                .episodes
                .first()
                .map(|e| render::episode_view(&s.site, e, None).card.clone());
            serde_json::json!({
                "title": c.title, "description": c.description, "author": c.author,
                "url": c.root_relative(""), "feed_url": c.feed_url(),
                "image_url": image, "image_path": image.as_deref().map(|u| c.on_site(u)),
                "episode_count": s.site.episodes.len(), "latest": latest,
            })
        })
        .collect();
    // People across shows: one page per person under /shows/people/, with the episodes of
    // every show that names them (a host of two shows appears once, with both).
    let mut people: std::collections::BTreeMap<String, (serde_json::Value, Vec<(usize, usize)>)> =
        Default::default();
    let no_assets = crate::assets::Assets::default();
    for (si, (s, _)) in shows.iter().enumerate() {
        let images = render::companions::Images {
            config: &s.site.config,
            assets: &no_assets,
        };
        // Images were checked by the show's own build; here only names and episodes count.
        let (_, _, pages, _) = render::companions::people_index(&s.site, &images);
        for page in pages {
            let entry = people
                .entry(page.slug.clone())
                .or_insert_with(|| (page.person.clone(), Vec::new()));
            entry.1.extend(page.episodes.iter().map(|&i| (si, i)));
        }
    }
    let mut people_values = Vec::new();
    for (slug, (mut person, eps)) in people {
        let url = config.root_relative(&format!("{SHOWS_PAGE}people/{slug}/"));
        person["url"] = serde_json::Value::from(url.clone());
        person["img"] = serde_json::Value::Null;
        let mut in_shows: Vec<&str> = eps
            .iter()
            .map(|&(si, _)| shows[si].0.site.config.title.as_str())
            .collect();
        in_shows.dedup();
        let mut cards: Vec<(jiff::Timestamp, render::CardView)> = eps
            .iter()
            .map(|&(si, i)| {
                let site = &shows[si].0.site;
                let e = &site.episodes[i];
                (
                    e.date.timestamp(),
                    render::episode_view(site, e, None).card.clone(),
                )
            })
            .collect();
        cards.sort_by_key(|c| std::cmp::Reverse(c.0));
        let cards: Vec<render::CardView> = cards.into_iter().map(|c| c.1).collect();
        let path = format!("{SHOWS_PAGE}people/{slug}/");
        match render::render_page(
            &tera,
            &data,
            "person.html",
            &path,
            serde_json::json!({ "person": person, "episodes": cards }),
        ) {
            Ok(bytes) => files.push((format!("{path}index.html"), bytes)),
            Err(d) => diags.push(d),
        }
        people_values.push(serde_json::json!({
            "name": person["name"], "url": url, "shows": in_shows,
        }));
    }
    let mut pages = vec![("shows/index.html", SHOWS_PAGE)];
    if !at_root {
        pages.push(("index.html", ""));
    }
    // The network's sitemap: its pages (the shows' own sitemaps list theirs).
    let mut sitemap = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let page_urls = pages.iter().map(|(_, path)| path.to_string()).chain(
        people_values
            .iter()
            .filter_map(|p| p["url"].as_str())
            .map(|u| u.trim_start_matches(&config.base_path).to_string()),
    );
    for path in page_urls {
        let loc = config
            .absolute(&path)
            .replace('&', "&amp;")
            .replace('<', "&lt;");
        sitemap.push_str(&format!("  <url><loc>{loc}</loc></url>\n"));
    }
    sitemap.push_str("</urlset>\n");
    files.push((format!("{SHOWS_PAGE}sitemap.xml"), sitemap.into_bytes()));
    for (key, path) in pages {
        match render::render_page(
            &tera,
            &data,
            "shows.html",
            path,
            serde_json::json!({ "shows": show_values, "people": people_values }),
        ) {
            Ok(bytes) => files.push((key.to_string(), bytes)),
            Err(d) => diags.push(d),
        }
    }
    if !at_root {
        match render::render_page(&tera, &data, "404.html", "404.html", serde_json::json!({})) {
            Ok(bytes) => files.push(("404.html".into(), bytes)),
            Err(d) => diags.push(d),
        }
    }
    for (key, bytes) in &assets.files {
        files.push((key.clone(), bytes.clone()));
    }
    diags.extend(asset_diags.into_vec());
    files
}
