//! `onair import FEED [DIR]`: an existing show's feed (a file or an http(s) URL) becomes an
//! onair site that publishes the same feed to every app: same GUIDs, enclosure URLs, dates,
//! durations and lengths. The feed is read and every episode planned in memory first; only a
//! plan without errors is written, staged and then moved into place without overwriting a file.

pub mod download;
pub mod feed;
pub mod fetch;
pub mod html;
pub mod notes;
pub mod plan;
pub mod show;
pub mod write;
pub mod xml;
pub mod yaml;

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Diagnostics};

pub use plan::{Plan, PlannedEpisode};

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// A feed file or an http(s) URL.
    pub feed: String,
    pub dir: PathBuf,
    /// Download chapters and transcripts into the site.
    pub download: bool,
    /// Copy each episode's audio into the site's audio/ folder.
    pub download_audio: bool,
    /// The new site's address: site.yaml's `url:`, and its feed as `new_feed_url`.
    pub url: Option<String>,
    /// May probe remote audio whose length or duration the feed does not give.
    pub allow_network: bool,
    /// All or nothing: an item that cannot become an episode as it is fails the import,
    /// instead of being skipped (or given a guessed date) with a warning.
    pub strict: bool,
    /// Items without audio become pages under pages/ instead of being skipped.
    pub keep_posts: bool,
    /// Import as a new show of a network, into `shows/<name>/` (see `show`).
    pub show: Option<String>,
}

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    /// Files written, relative to the site folder.
    pub written: Vec<String>,
    /// Items already in the site (same GUID), left alone.
    pub already_present: Vec<String>,
    /// Everything that could not be carried over, item by item.
    pub warnings: Vec<Diagnostic>,
    /// Items that did not become episodes: (the item, why, in a few words).
    pub skipped: Vec<(String, String)>,
    /// What was guessed to make an item an episode: (the item, what: "date", "title").
    pub guessed: Vec<(String, String)>,
}

/// Reads the feed, plans the site and writes it. Nothing is written when there are errors.
pub fn import(opts: &ImportOptions) -> Result<ImportReport, Diagnostics> {
    // A show's folder is checked before the feed is fetched.
    let into = match &opts.show {
        Some(name) => Some(show::target(&opts.dir, name, opts.url.as_deref())?),
        None => None,
    };
    let (text, label, base) = load_feed(&opts.feed)?;
    if let Some(start) = html::html_page_start(&text) {
        let message = html::not_a_feed(&text, base.as_deref(), &opts.dir);
        let (line, col) = xml::line_col(&text, start);
        return Err(one(Diagnostic::error(message)
            .at(&label)
            .line_col(line, col)));
    }
    let parsed = feed::parse(&text).map_err(|e| {
        one(Diagnostic::error(e.message)
            .at(&label)
            .line_col(e.line, e.col))
    })?;
    let existing = match into.clone() {
        Some(into) => plan::Existing::for_show(&opts.dir, into)?,
        None => plan::Existing::read(&opts.dir)?,
    };
    let mut plan = plan::plan(&parsed, &label, base.as_deref(), &existing, opts)?;
    if let Some(into) = &into {
        plan.relocate(&into.prefix());
    }
    write::write(&plan, &opts.dir)
}

/// The feed's text, the label errors name it by, and its URL (for relative links).
fn load_feed(feed: &str) -> Result<(String, PathBuf, Option<String>), Diagnostics> {
    if fetch::is_url(feed) {
        let (bytes, final_url) = fetch::get(feed, fetch::MAX_FEED_BYTES)
            .map_err(|e| one(Diagnostic::error(format!("cannot read the feed: {e}")).at(feed)))?;
        let text = feed::decode(&bytes).map_err(|e| {
            one(Diagnostic::error(e.message)
                .at(feed)
                .line_col(e.line, e.col))
        })?;
        return Ok((text, PathBuf::from(feed), Some(final_url)));
    }
    let from_url = match fetch::file_url_path(feed) {
        Some(Ok(path)) => Some(path),
        Some(Err(message)) => return Err(one(Diagnostic::error(message).at(feed))),
        None => None,
    };
    let path = from_url.as_deref().unwrap_or(Path::new(feed));
    let bytes = std::fs::read(path).map_err(|e| {
        one(Diagnostic::error(match e.kind() {
            std::io::ErrorKind::NotFound => {
                "no such file (give a feed file, or the feed's http(s) URL)".to_string()
            }
            _ => format!("cannot read the feed: {e}"),
        })
        .at(path))
    })?;
    let text = feed::decode(&bytes).map_err(|e| {
        one(Diagnostic::error(e.message)
            .at(path)
            .line_col(e.line, e.col))
    })?;
    Ok((text, path.to_path_buf(), None))
}

fn one(d: Diagnostic) -> Diagnostics {
    let mut all = Diagnostics::new();
    all.push(d);
    all
}
