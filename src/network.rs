//! A network: a site folder with `shows/<name>/`, one show per folder. Each show's settings
//! are its show.yaml over the root site.yaml (a show inherits every key it does not set,
//! except the ones that identify one feed); the network's own settings are site.yaml over
//! the first show's, so the network feeds and pages have artwork, categories and an owner
//! without repeating them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::{CONFIG_FILE, Config};
use crate::diag::{Diagnostic, Diagnostics};

pub const SHOWS_DIR: &str = "shows";
pub const SHOW_FILE: &str = "show.yaml";

/// Keys of site.yaml a show does not inherit: each names one feed (its GUID, its move), or is
/// the network's alone.
const NOT_INHERITED: &[&str] = &["podcast_guid", "new_feed_url", "deploy", "path"];

/// What the network's own feeds and pages take from its first show when site.yaml leaves them
/// out: what a valid feed needs, nothing that speaks for one show (funding, people, seasons).
const FROM_FIRST_SHOW: &[&str] = &[
    "description",
    "image",
    "categories",
    "language",
    "owner",
    "explicit",
    "copyright",
];

/// Top-level paths of the site that a show's folder name would collide with: the network's
/// own pages and those of a show at the root.
const RESERVED: &[&str] = &[
    "shows", "episodes", "tags", "people", "assets", "audio", "search", "pages",
];

#[derive(Debug, Clone)]
pub struct Show {
    /// URL slug of the show: its folder name, slugified (`/<name>/`).
    pub name: String,
    /// The show's folder (`<site>/shows/<folder>`).
    pub dir: PathBuf,
    /// The folder relative to the site, as messages name it (`shows/<folder>`).
    pub rel: PathBuf,
    /// Prefix of its output keys: `<name>/`, or empty for the show with `path: /`.
    pub prefix: String,
    pub config: Config,
}

#[derive(Debug, Clone)]
pub struct Network {
    /// The network's settings (site.yaml over the first show's show.yaml), at the site's URL.
    pub config: Config,
    /// Shows by folder name.
    pub shows: Vec<Show>,
}

/// The settings of the site at `root`: site.yaml, or for a network the network's settings.
pub fn site_config(root: &Path) -> Result<Config, Diagnostics> {
    match is_network(root) {
        true => load(root, None).map(|n| n.config),
        false => Config::load(root, None),
    }
}

/// Why `name` cannot be a new show's folder (and so its URL, `/<name>/`), if it cannot: a
/// show's name is a slug (lowercase ASCII letters, digits and `-`) and not one of the site's
/// own paths.
pub fn show_name_problem(name: &str) -> Option<String> {
    let slug = crate::slug::slugify(name);
    if slug.is_empty() {
        return Some(
            "a show's name is its folder in shows/ and its URL /NAME/: use lowercase letters, digits and dashes".to_string(),
        );
    }
    if slug != name {
        return Some(format!(
            "a show's name is its folder in shows/ and its URL /NAME/: use lowercase letters, digits and dashes, such as `{slug}`"
        ));
    }
    if RESERVED.contains(&name) {
        return Some(format!(
            "/{name}/ is one of the site's own paths ({}): choose another name",
            RESERVED.join(", ")
        ));
    }
    None
}

/// The top-level keys a YAML mapping sets (site.yaml's, as written).
pub fn top_level_keys(text: &str) -> Vec<String> {
    top_level_blocks(text).into_iter().map(|b| b.0).collect()
}

/// Whether the site folder is a network (it has `shows/`).
pub fn is_network(root: &Path) -> bool {
    root.join(SHOWS_DIR).is_dir()
}

/// The top-level `key:` blocks of a YAML mapping: (key, first line index, lines).
fn top_level_blocks(text: &str) -> Vec<(String, usize, Vec<&str>)> {
    let mut blocks: Vec<(String, usize, Vec<&str>)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let starts_key = line
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '"' || c == '\'');
        match line.split_once(':').filter(|_| starts_key) {
            Some((key, _)) => {
                let key = key.trim().trim_matches(['"', '\'']).to_string();
                blocks.push((key, i, vec![line]));
            }
            None if line.trim_start() == "---" && blocks.is_empty() => {}
            None => {
                if let Some(last) = blocks.last_mut() {
                    last.2.push(line);
                }
            }
        }
    }
    blocks
}

/// show.yaml's text followed by the blocks of site.yaml it inherits, and where each appended
/// line came from (merged line -> site.yaml line), for messages.
fn merge_texts(show: &str, site: &str) -> (String, BTreeMap<usize, usize>) {
    merge_texts_only(show, site, None)
}

/// `merge_texts`, inheriting only the keys in `only` when given.
fn merge_texts_only(
    show: &str,
    site: &str,
    only: Option<&[&str]>,
) -> (String, BTreeMap<usize, usize>) {
    let own: Vec<String> = top_level_blocks(show).into_iter().map(|b| b.0).collect();
    let mut text = show.to_string();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    let mut origin = BTreeMap::new();
    let mut line = text.lines().count();
    for (key, first, lines) in top_level_blocks(site) {
        if own.contains(&key)
            || NOT_INHERITED.contains(&key.as_str())
            || only.is_some_and(|only| !only.contains(&key.as_str()))
        {
            continue;
        }
        for (k, l) in lines.iter().enumerate() {
            line += 1;
            origin.insert(line, first + k + 1);
            text.push_str(l);
            text.push('\n');
        }
    }
    (text, origin)
}

/// Problems in the merged text, placed in the file each line came from.
fn place(diags: Diagnostics, show_file: &Path, origin: &BTreeMap<usize, usize>) -> Diagnostics {
    let mut out = Diagnostics::new();
    for mut d in diags.into_vec() {
        if let Some(site_line) = d.line.and_then(|l| origin.get(&l)) {
            d.path = Some(PathBuf::from(CONFIG_FILE));
            d.line = Some(*site_line);
        } else if d.path.is_none() || d.path.as_deref() == Some(show_file) {
            d.path = Some(show_file.to_path_buf());
        }
        out.push(d);
    }
    out
}

/// Reads the network of the site at `root` (which has `shows/`): every show's settings, and
/// the network's. All problems are collected.
pub fn load(root: &Path, base_url: Option<&str>) -> Result<Network, Diagnostics> {
    let mut diags = Diagnostics::new();
    let site_text = match crate::fsutil::read_text(&root.join(CONFIG_FILE), CONFIG_FILE) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return Err(diags);
        }
    };
    let folders = show_folders(root).map_err(|d| {
        diags.push(d);
        diags.clone()
    })?;
    let site_url = match base_url {
        Some(u) => Some(u.trim_end_matches('/').to_string()),
        None => Config::from_text(
            &site_text,
            root.join(CONFIG_FILE),
            Path::new(CONFIG_FILE),
            None,
            false,
        )
        .ok()
        .map(|c| c.base_url)
        .or_else(|| raw_url(&site_text)),
    };
    let reading = ShowReading {
        root,
        site_text: &site_text,
        site_url: site_url.as_deref(),
        base_url,
    };
    let mut shows: Vec<Show> = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    let mut by_name: BTreeMap<String, String> = BTreeMap::new();
    // show.yaml `url:`s that are not where the show is published: reported once all are read.
    let mut own_urls: Vec<OwnUrl> = Vec::new();
    for folder in &folders {
        let name = crate::slug::slugify(folder);
        let rel = Path::new(SHOWS_DIR).join(folder);
        if let Some(first) = by_name.insert(name.clone(), folder.clone()) {
            diags.push(
                Diagnostic::error(format!(
                    "shows `{first}` and `{folder}` would both be published at /{name}/: rename one folder"
                ))
                .at(&rel),
            );
            continue;
        }
        match reading.show(folder, &name, &mut own_urls) {
            Ok((show, text)) => {
                shows.push(show);
                texts.push(text);
            }
            Err(d) => diags.extend(d.into_vec()),
        }
    }
    report_own_urls(own_urls, &shows, &mut diags);
    check_one_root(&shows, &mut diags);
    if diags.has_errors() {
        return Err(once(diags));
    }
    let config = network_config(root, &site_text, &shows, &texts, base_url)?;
    Ok(Network { config, shows })
}

/// The show folders of `shows/`, sorted; an error when there is none.
fn show_folders(root: &Path) -> Result<Vec<String>, Diagnostic> {
    let mut folders: Vec<String> = std::fs::read_dir(root.join(SHOWS_DIR))
        .map_err(|e| Diagnostic::error(format!("cannot read: {e}")).at(SHOWS_DIR))?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    folders.sort();
    if folders.is_empty() {
        return Err(Diagnostic::error("`shows/` has no show folder: add shows/<name>/show.yaml, or remove shows/ for a single-show site")
            .at(SHOWS_DIR));
    }
    Ok(folders)
}

/// A show.yaml `url:` inside the network's that is not the show's place: (show.yaml, its
/// line, the url, where the show is published, the show's name).
type OwnUrl = (PathBuf, usize, String, String, String);

/// What every show is read against: the site's folder, site.yaml and its URL.
struct ShowReading<'a> {
    root: &'a Path,
    site_text: &'a str,
    site_url: Option<&'a str>,
    /// `--base-url`, which decides every show's URL.
    base_url: Option<&'a str>,
}

impl ShowReading<'_> {
    /// One show of `shows/<folder>`, published at /<name>/ (or the root), and its show.yaml.
    fn show(
        &self,
        folder: &str,
        name: &str,
        own_urls: &mut Vec<OwnUrl>,
    ) -> Result<(Show, String), Diagnostics> {
        let rel = Path::new(SHOWS_DIR).join(folder);
        let show_file = rel.join(SHOW_FILE);
        let dir = self.root.join(&rel);
        let fail = |d: Diagnostic| {
            let mut diags = Diagnostics::new();
            diags.push(d);
            diags
        };
        if !dir.join(SHOW_FILE).is_file() {
            return Err(fail(Diagnostic::error(format!(
                "the show folder has no {SHOW_FILE}: every folder in shows/ is a show and needs its settings (title, description, image, categories, ...)"
            ))
            .at(&rel)));
        }
        if name.is_empty() || RESERVED.contains(&name) {
            return Err(fail(Diagnostic::error(format!(
                "a show cannot be called `{folder}`: /{name}/ is one of the site's own paths ({}); rename the folder",
                RESERVED.join(", ")
            ))
            .at(&rel)));
        }
        let show_text =
            crate::fsutil::read_text(&dir.join(SHOW_FILE), &show_file.to_string_lossy())
                .map_err(fail)?;
        let (merged, origin) = merge_texts(&show_text, self.site_text);
        let show_url = self.show_url(&show_text, &show_file, name, own_urls);
        let config = Config::from_text(
            &merged,
            dir.join(SHOW_FILE),
            &show_file,
            show_url.as_deref(),
            true,
        )
        .map_err(|d| place(d, &show_file, &origin))?;
        let prefix = match config.at_root {
            true => String::new(),
            false => format!("{name}/"),
        };
        let show = Show {
            prefix,
            name: name.to_string(),
            dir,
            rel,
            config,
        };
        Ok((show, show_text))
    }

    /// A show's URL follows the network's (its folder under the site's url, or the root),
    /// unless its show.yaml gives one on another host or path: its own domain, where its
    /// folder of public/ is served. A URL inside the network's that is not the show's place
    /// would point its feed at another show's files: noted in `own_urls`.
    fn show_url(
        &self,
        show_text: &str,
        show_file: &Path,
        name: &str,
        own_urls: &mut Vec<OwnUrl>,
    ) -> Option<String> {
        // Where the show lives decides its URL: read `path:` before the rest.
        let at_root = top_level_blocks(show_text).iter().any(|(k, _, lines)| {
            k == "path"
                && lines[0]
                    .split_once(':')
                    .is_some_and(|(_, v)| v.trim() == "/")
        });
        let derived = self.site_url.map(|u| match at_root {
            true => u.to_string(),
            false => format!("{u}/{name}"),
        });
        if let (Some(own), Some(derived), Some(site), None) =
            (raw_url(show_text), &derived, self.site_url, self.base_url)
            && own != *derived
        {
            let inside = own == site || own.starts_with(&format!("{site}/"));
            if !inside {
                return None;
            }
            let line = crate::config::key_line(show_text, "url");
            own_urls.push((
                show_file.to_path_buf(),
                line,
                own,
                derived.clone(),
                name.to_string(),
            ));
        }
        derived
    }
}

fn report_own_urls(own_urls: Vec<OwnUrl>, shows: &[Show], diags: &mut Diagnostics) {
    for (show_file, line, own, derived, name) in own_urls {
        let taken = shows
            .iter()
            .find(|s| s.config.base_url == own)
            .map(|s| format!(", which is {}'s feed", s.rel.display()))
            .unwrap_or_default();
        diags.push(
            Diagnostic::error(format!(
                "`url: {own}`: under the site's url this show is published at {derived} (the site's url, then /{name}/, or the root with `path: /`), so its feed would not be at {own}/feed.xml{taken}; remove `url:` from show.yaml (or give the show's own domain)"
            ))
            .at(&show_file)
            .line(line),
        );
    }
}

/// Only one show keeps the site's root URLs; with at most one, no two feeds may collide.
fn check_one_root(shows: &[Show], diags: &mut Diagnostics) {
    let at_root: Vec<&Show> = shows.iter().filter(|s| s.config.at_root).collect();
    if at_root.len() <= 1 {
        check_feed_urls(shows, diags);
        return;
    }
    for s in &at_root[1..] {
        diags.push(
            Diagnostic::error(format!(
                "`path: /` is also set by {}: only one show can keep the site's root URLs",
                at_root[0].rel.join(SHOW_FILE).display()
            ))
            .at(s.rel.join(SHOW_FILE))
            .line(crate::config::key_line(
                &std::fs::read_to_string(s.dir.join(SHOW_FILE)).unwrap_or_default(),
                "path",
            )),
        );
    }
}

/// A mistake in site.yaml is every inheriting show's: said once.
fn once(diags: Diagnostics) -> Diagnostics {
    let mut once = Diagnostics::new();
    let mut seen = std::collections::HashSet::new();
    for d in diags.into_vec() {
        if seen.insert((d.path.clone(), d.line, d.message.clone())) {
            once.push(d);
        }
    }
    once
}

/// The network's own settings: site.yaml over the show at the root (else the first show).
fn network_config(
    root: &Path,
    site_text: &str,
    shows: &[Show],
    texts: &[String],
    base_url: Option<&str>,
) -> Result<Config, Diagnostics> {
    let first = shows
        .iter()
        .position(|s| s.config.at_root)
        .unwrap_or_default();
    let (merged, origin) = merge_texts_only(site_text, &texts[first], Some(FROM_FIRST_SHOW));
    Config::from_text(
        &merged,
        root.join(CONFIG_FILE),
        Path::new(CONFIG_FILE),
        base_url,
        false,
    )
    .map_err(|d| {
        // A line that came from the show is that show's problem.
        let show_file = shows[first].rel.join(SHOW_FILE);
        let mut out = Diagnostics::new();
        for mut d in d.into_vec() {
            if let Some(l) = d.line.and_then(|l| origin.get(&l)) {
                d.path = Some(show_file.clone());
                d.line = Some(*l);
            }
            out.push(d);
        }
        out
    })
}

/// `url:` of site.yaml as written, when the file does not load as a whole (a network's
/// site.yaml may leave out what its shows set).
fn raw_url(text: &str) -> Option<String> {
    top_level_blocks(text)
        .into_iter()
        .find(|(k, _, _)| k == "url")
        .and_then(|(_, _, lines)| {
            let (_, v) = lines[0].split_once(':')?;
            let v = v.trim().trim_matches(['"', '\'']).trim_end_matches('/');
            (!v.is_empty()).then(|| v.to_string())
        })
}

/// Two shows must not publish the same feed: a show's `url:` may point it anywhere.
fn check_feed_urls(shows: &[Show], diags: &mut Diagnostics) {
    let mut seen: BTreeMap<String, &Show> = BTreeMap::new();
    for s in shows {
        let feed = s.config.feed_url();
        if let Some(other) = seen.insert(feed.clone(), s) {
            diags.push(
                Diagnostic::error(format!(
                    "the feed {feed} is also {}'s feed: each show needs its own URL",
                    other.rel.display()
                ))
                .at(s.rel.join(SHOW_FILE)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_show_inherits_what_it_does_not_set() {
        let site = "title: Net\nurl: https://n.example\npodcast_guid: x\nhosts:\n  - name: A\n    role: host\nauthor: N\n";
        let show = "title: One\nauthor: Show Author\n";
        let (text, origin) = merge_texts(show, site);
        assert_eq!(
            text,
            "title: One\nauthor: Show Author\nurl: https://n.example\nhosts:\n  - name: A\n    role: host\n"
        );
        // Appended lines point back at site.yaml's lines.
        assert_eq!(origin.get(&3), Some(&2));
        assert_eq!(origin.get(&6), Some(&6));
        assert_eq!(origin.get(&1), None);
    }

    #[test]
    fn blocks_keep_comments_and_nested_lines() {
        let blocks = top_level_blocks("---\n# top\ntitle: A\n  # in\nowner: { name: B }\n");
        let keys: Vec<&str> = blocks.iter().map(|b| b.0.as_str()).collect();
        assert_eq!(keys, ["title", "owner"]);
        assert_eq!(blocks[0].2, ["title: A", "  # in"]);
        assert_eq!(
            raw_url("url: 'https://x.example/'\n"),
            Some("https://x.example".into())
        );
    }
}
