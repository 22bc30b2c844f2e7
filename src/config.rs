//! site.yaml: read as a raw serde struct (unknown keys are errors), then validated into
//! `Config`, the form the rest of onair uses.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::tz::TimeZone;

use crate::diag::{Diagnostic, Diagnostics};
use crate::frontmatter;

pub const CONFIG_FILE: &str = "site.yaml";

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Option<String>,
    description: Option<String>,
    url: Option<String>,
    language: Option<String>,
    author: Option<String>,
    owner: Option<Owner>,
    image: Option<String>,
    #[serde(default)]
    categories: Vec<String>,
    explicit: Option<bool>,
    #[serde(rename = "type")]
    show_type: Option<String>,
    copyright: Option<String>,
    timezone: Option<String>,
    locked: Option<bool>,
    #[serde(default)]
    funding: Vec<Funding>,
    theme: Option<String>,
    /// Free values for templates (`site.extra`), as Hugo's `params` and Zola's `extra`.
    extra: Option<serde_json::Value>,
    feed_limit: Option<usize>,
    /// podcast:medium
    medium: Option<String>,
    /// Links for the home page's subscribe buttons: `{ apple: https://..., spotify: ... }`.
    #[serde(default)]
    subscribe: BTreeMap<String, String>,
    /// The feed's new address after a move: itunes:new-feed-url (with a 301 from this one).
    new_feed_url: Option<String>,
    /// itunes:block: hide the show from Apple Podcasts.
    block: Option<bool>,
    /// itunes:complete: the show is finished; no more episodes.
    complete: Option<bool>,
    /// Season names for podcast:season: `{ 1: "The Beginning" }`.
    #[serde(default)]
    seasons: BTreeMap<u32, String>,
    /// podcast:guid kept from a show's earlier feed (`onair import` writes it); without it the
    /// GUID is derived from the feed URL.
    podcast_guid: Option<String>,
    /// The show's hosts: `podcast:person` on the channel and people pages.
    #[serde(default)]
    hosts: Vec<crate::people::PersonEntry>,
    /// A WebSub hub: `<atom:link rel="hub">` in the feed, and `onair deploy` pings it.
    websub_hub: Option<String>,
    /// Where and how `onair deploy` publishes (never credentials).
    deploy: Option<DeployConfig>,
    /// A network show's place: only `path: /` (the show keeps the site's root URLs).
    path: Option<String>,
    /// `{ target: -16, tolerance: 1, true_peak: -1 }`: check and build measure the audio and
    /// warn about episodes outside it (docs/loudness.md).
    loudness: Option<crate::audio::loudness::Target>,
}

/// site.yaml `deploy:`. Credentials are never read from here: only from the environment or
/// the AWS config files.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeployConfig {
    /// The target: `s3://bucket/prefix` or `file:///path`.
    pub to: Option<String>,
    /// An S3-compatible endpoint (R2, B2, MinIO...); path-style addressing when given.
    pub endpoint: Option<String>,
    pub region: Option<String>,
    /// Force path-style (true) or virtual-hosted (false) addressing.
    pub path_style: Option<bool>,
    /// The Podping HTTP endpoint (default https://podping.cloud/).
    pub podping_url: Option<String>,
    /// Deletions allowed without `--max-deletes` (default 10).
    pub max_deletes: Option<usize>,
    /// Seconds a connection to the store may take (default 10; `--connect-timeout`).
    pub connect_timeout: Option<u64>,
    /// Seconds a request may go without progress before it is retried (default 30;
    /// `--stall-timeout`).
    pub stall_timeout: Option<u64>,
    /// Compare the store's ETag with the MD5 of what was sent (default true; false for a
    /// store whose ETags are no MD5, as S3 with SSE-KMS).
    pub verify_etag: Option<bool>,
    /// Header overrides by glob, the first match wins.
    #[serde(default)]
    pub headers: Vec<HeaderRule>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderRule {
    pub glob: String,
    pub cache_control: Option<String>,
    pub content_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Owner {
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Funding {
    pub url: String,
    pub text: String,
}

/// An Apple category with an optional subcategory ("Business > Entrepreneurship").
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Category {
    pub name: String,
    pub sub: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ShowType {
    Episodic,
    Serial,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub path: PathBuf,
    pub title: String,
    pub description: String,
    /// Absolute base URL without a trailing slash: `https://example.com` or `https://example.com/show`.
    pub base_url: String,
    /// The path part of the base URL, always starting and ending with `/`.
    pub base_path: String,
    pub language: String,
    pub author: String,
    pub owner: Option<Owner>,
    /// Site-relative path of the show artwork.
    pub image: Option<String>,
    pub categories: Vec<Category>,
    pub explicit: bool,
    pub show_type: ShowType,
    pub copyright: Option<String>,
    pub timezone: TimeZone,
    pub timezone_name: String,
    pub locked: bool,
    pub funding: Vec<Funding>,
    pub theme: String,
    /// 1-based line of `theme:` in site.yaml.
    pub theme_line: usize,
    /// `extra:` as written (a map, or null), for templates as `site.extra`.
    pub extra: serde_json::Value,
    pub feed_limit: Option<usize>,
    pub medium: String,
    pub subscribe: BTreeMap<String, String>,
    pub new_feed_url: Option<String>,
    pub block: bool,
    pub complete: bool,
    pub seasons: BTreeMap<u32, String>,
    pub podcast_guid: Option<String>,
    /// `hosts:`, checked against the Podcast Index person taxonomy.
    pub hosts: Vec<crate::people::Person>,
    pub websub_hub: Option<String>,
    pub deploy: DeployConfig,
    /// 1-based line of the `deploy:` key in site.yaml (for errors about it).
    pub deploy_line: usize,
    /// Where each key is written in site.yaml, for problems found in what it becomes (the
    /// feed's categories, artwork, owner...).
    pub key_lines: KeyLines,
    /// The text of site.yaml's `categories:` item lines, for the line of one category.
    pub category_lines: Vec<usize>,
    /// A network show with `path: /`: published at the site's root.
    pub at_root: bool,
    /// `loudness:`; None: builds never decode audio.
    pub loudness: Option<crate::audio::loudness::Target>,
}

impl Config {
    pub fn feed_url(&self) -> String {
        format!("{}/feed.xml", self.base_url)
    }

    /// Absolute URL of a site path such as `episodes/pilot/` (no leading slash).
    pub fn absolute(&self, path: &str) -> String {
        format!("{}/{}", self.base_url, path.trim_start_matches('/'))
    }

    /// An absolute URL of this site as a root-relative one (`https://show.example/assets/a.png`
    /// -> `/assets/a.png`), for `<img src>` that must also work on `onair serve`'s own address;
    /// URLs of other hosts are returned as they are.
    pub fn on_site(&self, url: &str) -> String {
        match url.strip_prefix(self.base_url.as_str()) {
            Some(rest) if rest.starts_with('/') => self.root_relative(rest),
            _ => url.to_string(),
        }
    }

    /// Root-relative URL of a site path, under the base path.
    pub fn root_relative(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path.trim_start_matches('/'))
    }

    /// Loads `site.yaml` of `root`; `base_url` overrides its `url`. All problems are collected.
    pub fn load(root: &Path, base_url: Option<&str>) -> Result<Config, Diagnostics> {
        let path = root.join(CONFIG_FILE);
        let shown = PathBuf::from(CONFIG_FILE);
        let mut diags = Diagnostics::new();
        let text = match std::fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => {
                    diags.push(
                        Diagnostic::error(format!(
                            "not valid UTF-8 (byte {}): save the file as UTF-8",
                            e.utf8_error().valid_up_to()
                        ))
                        .at(&shown),
                    );
                    return Err(diags);
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                diags.push(
                    Diagnostic::error(format!(
                        "no site.yaml in `{}`: is this a site folder? (`onair init DIR` makes one)",
                        root.display()
                    ))
                    .at(&shown),
                );
                return Err(diags);
            }
            Err(e) => {
                diags.push(Diagnostic::error(format!("cannot read: {e}")).at(&shown));
                return Err(diags);
            }
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        Config::from_text(text, path, &shown, base_url, false)
    }

    /// `load` on text already read: `shown` names the file in messages, `path` is where it is.
    /// `show` is true for a network show's merged settings (show.yaml over site.yaml), where
    /// `path:` is allowed.
    pub fn from_text(
        text: &str,
        path: PathBuf,
        shown: &Path,
        base_url: Option<&str>,
        show: bool,
    ) -> Result<Config, Diagnostics> {
        let shown = shown.to_path_buf();
        let mut diags = Diagnostics::new();
        if text.trim().is_empty() {
            diags.push(
                Diagnostic::error("site.yaml is empty: it needs at least title, description, url, language, author, image and categories")
                    .at(&shown),
            );
            return Err(diags);
        }
        // Unknown keys do not stop the checks of the others: all are reported at once.
        let (raw, problems) = frontmatter::parse_lenient::<RawConfig>(text, &shown, 1);
        diags.extend(problems);
        let Some(raw) = raw else {
            return Err(diags);
        };
        let mut v = Checker::new(text, &shown, &mut diags);
        let title = v.required(raw.title.clone(), "title", "the show's name");
        let description = v.required(
            raw.description.clone(),
            "description",
            "what the show is about",
        );
        let author = v.required(
            raw.author.clone(),
            "author",
            "the show's author or network (Spotify requires it)",
        );
        let language = v.language(raw.language.clone());
        let (base_url, base_path) = v.base_url(base_url, raw.url.clone());
        let show_type = v.show_type(raw.show_type.as_deref());
        let (timezone, timezone_name) = v.timezone(raw.timezone.clone());
        let categories = v.categories(&raw.categories);
        v.other_values(&raw);
        let hosts = v.hosts(&raw.hosts);
        let at_root = v.at_root(raw.path.as_deref(), show);
        if diags.has_errors() {
            return Err(without_implied_missing(diags));
        }
        Ok(Config {
            loudness: raw.loudness,
            at_root,
            path,
            title,
            description,
            base_url,
            base_path,
            language,
            author,
            owner: raw.owner,
            image: raw.image,
            categories,
            explicit: raw.explicit.unwrap_or(false),
            show_type,
            copyright: raw.copyright,
            timezone,
            timezone_name,
            locked: raw.locked.unwrap_or(false),
            funding: raw.funding,
            theme: raw.theme.unwrap_or_else(|| "default".to_string()),
            theme_line: key_line(text, "theme"),
            extra: raw.extra.unwrap_or(serde_json::Value::Null),
            feed_limit: raw.feed_limit,
            medium: raw.medium.unwrap_or_else(|| "podcast".to_string()),
            subscribe: raw.subscribe,
            new_feed_url: raw.new_feed_url,
            websub_hub: raw.websub_hub.clone(),
            deploy: raw.deploy.clone().unwrap_or_default(),
            deploy_line: key_line(text, "deploy"),
            // A network show's settings are show.yaml merged over site.yaml: their lines are
            // of neither file, so its feed's problems keep the feed's lines.
            key_lines: if show {
                KeyLines::default()
            } else {
                KeyLines::of(text, 1)
            },
            category_lines: if show {
                Vec::new()
            } else {
                crate::chapters::yaml_item_lines(text, 1, "categories").1
            },
            block: raw.block.unwrap_or(false),
            complete: raw.complete.unwrap_or(false),
            seasons: raw.seasons,
            podcast_guid: raw
                .podcast_guid
                .map(|g| g.trim().to_string())
                .filter(|g| !g.is_empty()),
            hosts,
        })
    }
}

impl Config {
    /// A stand-in for a site.yaml that has errors, so that the episodes can still be read and
    /// their problems reported with the site's (PRODUCT.md: a build reports all errors at
    /// once). Only what reading episodes needs is taken from the file: its time zone and URL
    /// when they are valid. Never used to publish anything.
    pub fn stand_in(root: &Path) -> Config {
        let text = std::fs::read_to_string(root.join(CONFIG_FILE)).unwrap_or_default();
        let value = |key: &str| frontmatter::top_level_scalar(&text, key);
        let timezone_name = value("timezone").unwrap_or_else(|| "UTC".to_string());
        let (timezone, timezone_name) = match TimeZone::get(&timezone_name) {
            Ok(tz) => (tz, timezone_name),
            Err(_) => (TimeZone::UTC, "UTC".to_string()),
        };
        let (base_url, base_path) = value("url")
            .and_then(|u| parse_base_url(&u).ok())
            .unwrap_or_else(|| ("https://site.invalid".to_string(), "/".to_string()));
        Config {
            path: root.join(CONFIG_FILE),
            title: String::new(),
            description: String::new(),
            base_url,
            base_path,
            language: "en".to_string(),
            author: String::new(),
            owner: None,
            image: None,
            categories: Vec::new(),
            explicit: false,
            show_type: ShowType::Episodic,
            copyright: None,
            timezone,
            timezone_name,
            locked: false,
            funding: Vec::new(),
            theme: "default".to_string(),
            theme_line: 1,
            extra: serde_json::Value::Null,
            feed_limit: None,
            medium: "podcast".to_string(),
            subscribe: BTreeMap::new(),
            new_feed_url: None,
            block: false,
            complete: false,
            seasons: BTreeMap::new(),
            podcast_guid: None,
            hosts: Vec::new(),
            websub_hub: None,
            deploy: DeployConfig::default(),
            deploy_line: 1,
            key_lines: KeyLines::default(),
            category_lines: Vec::new(),
            loudness: None,
            at_root: false,
        }
    }
}

/// `diags` without the "is required" of a key a misspelt key was taken for.
fn without_implied_missing(diags: Diagnostics) -> Diagnostics {
    let mut problems = diags.into_vec();
    frontmatter::drop_implied_missing(&mut problems);
    let mut out = Diagnostics::new();
    out.extend(problems);
    out
}

/// `Config::from_text`'s checks of the values, each reporting at its key's line.
struct Checker<'a> {
    text: &'a str,
    shown: &'a Path,
    diags: &'a mut Diagnostics,
}

impl<'a> Checker<'a> {
    fn new(text: &'a str, shown: &'a Path, diags: &'a mut Diagnostics) -> Self {
        Checker { text, shown, diags }
    }

    fn line_of(&self, key: &str) -> usize {
        key_line(self.text, key)
    }

    fn error_at(&mut self, key: &str, message: String) {
        let line = self.line_of(key);
        self.diags
            .push(Diagnostic::error(message).at(self.shown).line(line));
    }

    fn required(&mut self, value: Option<String>, key: &str, hint: &str) -> String {
        match value
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
        {
            Some(v) => v,
            None => {
                self.diags
                    .push(Diagnostic::error(format!("`{key}` is required: {hint}")).at(self.shown));
                String::new()
            }
        }
    }

    fn language(&mut self, language: Option<String>) -> String {
        let language = language.unwrap_or_else(|| "en".to_string());
        if !valid_language(&language) {
            self.error_at(
                "language",
                format!("`language: {language}` is not an ISO 639 code such as `en` or `en-us`"),
            );
        }
        language
    }

    /// The base URL and its path; `given` (`--base-url`) wins over site.yaml's `url`.
    fn base_url(&mut self, given: Option<&str>, url: Option<String>) -> (String, String) {
        let url = match given.map(str::to_string).or(url) {
            Some(u) => u,
            None => {
                self.diags.push(
                    Diagnostic::error("`url` is required: the public base URL, e.g. https://podcast.example.com (every feed link is absolute)")
                        .at(self.shown),
                );
                String::new()
            }
        };
        match parse_base_url(&url) {
            Ok(v) => v,
            Err(msg) => {
                if !url.is_empty() {
                    let d = Diagnostic::error(msg).at(self.shown);
                    let line = self.line_of("url");
                    self.diags
                        .push(if given.is_some() { d } else { d.line(line) });
                }
                (String::new(), "/".to_string())
            }
        }
    }

    fn show_type(&mut self, value: Option<&str>) -> ShowType {
        match value {
            None | Some("episodic") => ShowType::Episodic,
            Some("serial") => ShowType::Serial,
            Some(other) => {
                self.error_at(
                    "type",
                    format!("`type: {other}` must be `episodic` or `serial`"),
                );
                ShowType::Episodic
            }
        }
    }

    fn timezone(&mut self, name: Option<String>) -> (TimeZone, String) {
        let name = name.unwrap_or_else(|| "UTC".to_string());
        match TimeZone::get(&name) {
            Ok(tz) => (tz, name),
            Err(_) => {
                self.error_at(
                    "timezone",
                    format!("`timezone: {name}` is not a time zone name such as `America/New_York` or `UTC`"),
                );
                (TimeZone::UTC, name)
            }
        }
    }

    fn categories(&mut self, raw: &[String]) -> Vec<Category> {
        let categories: Vec<Category> = raw
            .iter()
            .map(|c| match c.split_once('>') {
                Some((a, b)) => Category {
                    name: a.trim().to_string(),
                    sub: Some(b.trim().to_string()),
                },
                None => Category {
                    name: c.trim().to_string(),
                    sub: None,
                },
            })
            .collect();
        if categories.is_empty() {
            self.diags.push(
                Diagnostic::error("`categories` is required: at least one of Apple's categories, e.g. [Technology]")
                    .at(self.shown),
            );
        }
        categories
    }

    /// `image` (required), `new_feed_url`, `extra`, `seasons` and `loudness`.
    fn other_values(&mut self, raw: &RawConfig) {
        if let Some(problem) = raw.loudness.as_ref().and_then(|l| l.problem()) {
            self.error_at("loudness", problem);
        }
        if raw.image.is_none() {
            self.diags.push(
                Diagnostic::error("`image` is required: square JPEG or PNG artwork, 1400-3000 px (Apple rejects a feed without it)")
                    .at(self.shown),
            );
        }
        if let Some(url) = &raw.new_feed_url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            self.error_at(
                "new_feed_url",
                format!("`new_feed_url` must be the new feed's absolute URL (https://...), not \"{url}\""),
            );
        }
        if let Some(extra) = &raw.extra
            && !extra.is_object()
            && !extra.is_null()
        {
            self.error_at(
                "extra",
                "`extra:` is a map of your own keys for templates (`extra: { sponsor: Acme }`), given to them as `site.extra`".to_string(),
            );
        }
        for (number, name) in &raw.seasons {
            if name.trim().is_empty() || name.chars().count() > 128 {
                self.error_at(
                    "seasons",
                    format!("`seasons`: the name of season {number} must be 1 to 128 characters"),
                );
            }
        }
    }

    fn hosts(&mut self, entries: &[crate::people::PersonEntry]) -> Vec<crate::people::Person> {
        let (hosts_line, host_lines) = crate::chapters::yaml_item_lines(self.text, 1, "hosts");
        let mut hosts: Vec<crate::people::Person> = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            let line = host_lines.get(i).copied().or(hosts_line);
            match entry.resolve(self.shown, line) {
                Ok(h) if !hosts.iter().any(|x| x.slug == h.slug) => hosts.push(h),
                Ok(h) => self.diags.push(
                    Diagnostic::error(format!("`{}` is listed twice in `hosts`", h.name))
                        .at(self.shown)
                        .line(line.unwrap_or(1)),
                ),
                Err(errors) => self.diags.extend(errors),
            }
        }
        hosts
    }

    /// `path:`, which only a network show's show.yaml may have (`show`).
    fn at_root(&mut self, path: Option<&str>, show: bool) -> bool {
        match path.map(str::trim) {
            None => false,
            Some(_) if !show => {
                self.error_at(
                    "path",
                    "`path` belongs in a network show's show.yaml (shows/<name>/show.yaml), not in site.yaml".to_string(),
                );
                false
            }
            Some("/") => true,
            Some(other) => {
                self.error_at(
                    "path",
                    format!("`path: {other}`: a show lives under /<its folder name>/; the only other place is `path: /` (the site's root)"),
                );
                false
            }
        }
    }
}

/// The file lines of a YAML file's top-level keys (serde keeps no positions): messages about
/// a value point at the line the podcaster edits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyLines(Vec<(String, usize)>);

impl KeyLines {
    /// The top-level keys of `yaml`, whose first line is line `first_line` of its file.
    pub fn of(yaml: &str, first_line: usize) -> KeyLines {
        let keys = yaml
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.starts_with([' ', '\t', '-', '#']))
            .filter_map(|(i, l)| {
                let (key, after) = l.split_once(':')?;
                let key = key.trim().trim_matches(['"', '\'']);
                (!key.is_empty() && (after.is_empty() || after.starts_with([' ', '\t', '\r'])))
                    .then(|| (key.to_string(), i + first_line))
            })
            .collect();
        KeyLines(keys)
    }

    /// The line of `key`, or of the first of `keys` written, when one is.
    pub fn get(&self, key: &str) -> Option<usize> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, l)| *l)
    }

    /// The line of the first of `keys` the file has.
    pub fn any(&self, keys: &[&str]) -> Option<usize> {
        keys.iter().find_map(|k| self.get(k))
    }
}

/// 1-based line of a top-level `key:` in YAML text (best effort, for locating errors).
pub fn key_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| {
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map_or(1, |i| i + 1)
}

pub fn valid_language(lang: &str) -> bool {
    let mut parts = lang.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Splits `https://host/path/` into (`https://host/path`, `/path/`).
fn parse_base_url(url: &str) -> Result<(String, String), String> {
    let trimmed = url.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or_else(|| {
            format!(
                "`url: {url}` must be an absolute http(s) URL such as https://podcast.example.com"
            )
        })?;
    if rest.is_empty() || rest.starts_with('/') || rest.contains(char::is_whitespace) {
        return Err(format!("`url: {url}` has no host name"));
    }
    let path = match rest.find('/') {
        Some(i) => format!("{}/", &rest[i..]),
        None => "/".to_string(),
    };
    Ok((trimmed.to_string(), path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        assert_eq!(
            parse_base_url("https://ex.com/").unwrap(),
            ("https://ex.com".to_string(), "/".to_string())
        );
        assert_eq!(
            parse_base_url("https://ex.com/show").unwrap(),
            ("https://ex.com/show".to_string(), "/show/".to_string())
        );
        assert!(parse_base_url("ex.com").is_err());
    }

    #[test]
    fn languages() {
        assert!(valid_language("en"));
        assert!(valid_language("en-us"));
        assert!(valid_language("pt-BR"));
        assert!(!valid_language("english"));
        assert!(!valid_language("e"));
    }

    #[test]
    fn unknown_key_is_located() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("site.yaml"),
            "title: T\ndescription: D\nurl: https://e.com\nauthor: A\nimage: c.png\ncategories: [Technology]\nlangauge: en\n",
        )
        .unwrap();
        let err = Config::load(dir.path(), None).unwrap_err();
        let msgs: Vec<String> = err.iter().map(|d| d.to_string()).collect();
        assert_eq!(msgs.len(), 1);
        assert!(
            msgs[0].starts_with(
                "site.yaml:7:1: error: unknown key `langauge` (did you mean `language`?)"
            ),
            "{}",
            msgs[0]
        );
    }

    #[test]
    fn an_unknown_key_does_not_hide_the_other_problems() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("site.yaml"),
            "title: T\nurl: https://e.com\nauthor: A\nimage: c.png\ncategories: [Technology]\nlangauge: en\ntimezone: Mars/Olympus\n",
        )
        .unwrap();
        let err = Config::load(dir.path(), None).unwrap_err();
        let msgs: Vec<String> = err.iter().map(|d| d.to_string()).collect();
        assert_eq!(msgs.len(), 3, "{msgs:#?}");
        assert!(msgs[0].starts_with("site.yaml:6:1: error: unknown key `langauge`"));
        assert_eq!(
            msgs[1],
            "site.yaml: error: `description` is required: what the show is about"
        );
        assert_eq!(
            msgs[2],
            "site.yaml:7: error: `timezone: Mars/Olympus` is not a time zone name such as `America/New_York` or `UTC`"
        );
    }

    #[test]
    fn a_misspelt_required_key_is_one_problem() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("site.yaml"),
            "titel: T\ndescription: D\nurl: https://e.com\nauthor: A\nimage: c.png\ncategories: [Technology]\n",
        )
        .unwrap();
        let err = Config::load(dir.path(), None).unwrap_err();
        let msgs: Vec<String> = err.iter().map(|d| d.to_string()).collect();
        assert_eq!(msgs.len(), 1, "{msgs:#?}");
        assert!(
            msgs[0]
                .starts_with("site.yaml:1:1: error: unknown key `titel` (did you mean `title`?)")
        );
    }

    #[test]
    fn missing_keys_are_all_reported() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("site.yaml"), "title: T\n").unwrap();
        let err = Config::load(dir.path(), None).unwrap_err();
        let text: Vec<String> = err.iter().map(|d| d.to_string()).collect();
        assert!(text.iter().any(|m| m.contains("`description` is required")));
        assert!(text.iter().any(|m| m.contains("`url` is required")));
        assert!(text.iter().any(|m| m.contains("`image` is required")));
        assert!(text.iter().any(|m| m.contains("`categories` is required")));
    }
}
