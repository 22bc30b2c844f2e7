//! `onair check`: the feed validator. Every problem carries a rule id from `rules::RULES`.
//!
//! - `check_feed`: any feed's XML (pure: no disk, no network).
//! - `check_against`: publish safety, the new feed against the one it replaces.
//! - `check_site`: a built site's feed plus the files it points at and the artwork.

use std::path::Path;

use jiff::Timestamp;

use crate::diag::Diagnostic;

mod against;
mod data;
mod date;
mod feed;
mod html;
mod locate;
pub mod rules;
mod site;
use crate::xml;

pub use against::{AgainstOptions, check_against};
pub use date::parse_rfc2822;
pub use rules::{RULES, Rule};
pub use site::{check_artwork, check_site};

#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// "Now" for the future-date rule (a parameter so that checks are reproducible).
    pub now: Timestamp,
    /// The URL the feed is published at, when known: the self link must say the same.
    pub feed_url: Option<String>,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            now: Timestamp::now(),
            feed_url: None,
        }
    }
}

/// Check one feed. `label` is how the feed is named in messages (`feed.xml`, a user's path).
pub fn check_feed(xml: &str, label: &Path, opts: &CheckOptions) -> Vec<Diagnostic> {
    feed::check(xml, label, opts)
}

/// Check a feed given as bytes: reports non-UTF-8 input at its position, then checks the text.
pub fn check_feed_bytes(bytes: &[u8], label: &Path, opts: &CheckOptions) -> Vec<Diagnostic> {
    match std::str::from_utf8(bytes) {
        Ok(text) => check_feed(text, label, opts),
        Err(err) => {
            let valid = &bytes[..err.valid_up_to()];
            let text = String::from_utf8_lossy(valid);
            let line = text.matches('\n').count() + 1;
            let col = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            vec![
                Diagnostic::error(format!(
                    "byte 0x{:02X} is not UTF-8; save the feed as UTF-8",
                    bytes[err.valid_up_to()]
                ))
                .at(label)
                .line_col(line, col)
                .rule("xml-encoding"),
            ]
        }
    }
}

/// A build's feed as the checks read it, and the problems the feed rules find in it:
/// `onair build` makes this while the pages render, so that after the build only the checks
/// that need the finished site are left. It is made of the output's `feed.xml`; a feed that is
/// not UTF-8 has none (the checks then report the encoding).
#[derive(Debug)]
pub struct ParsedFeed {
    doc: xml::Document,
    /// Found by the feed rules, at `PARSED_FEED_LABEL` until the checks name the feed.
    rule_problems: Vec<Diagnostic>,
}

/// Where `ParsedFeed`'s problems are until `check_output` says where the feed is published.
const PARSED_FEED_LABEL: &str = "feed.xml";

impl ParsedFeed {
    /// `feed_url`: where the feed is published (its self link must say the same).
    pub fn parse(feed: &[u8], feed_url: String) -> Option<ParsedFeed> {
        let text = std::str::from_utf8(feed).ok()?;
        let doc = xml::parse(text);
        let opts = CheckOptions {
            now: Timestamp::now(),
            feed_url: Some(feed_url),
        };
        let rule_problems = feed::check_parsed(text, &doc, Path::new(PARSED_FEED_LABEL), &opts);
        Some(ParsedFeed { doc, rule_problems })
    }

    /// The feed rules' problems, at `label`.
    fn rule_problems_at(&self, label: &Path) -> Vec<Diagnostic> {
        let mut problems = self.rule_problems.clone();
        for d in &mut problems {
            if d.path.as_deref() == Some(Path::new(PARSED_FEED_LABEL)) {
                d.path = Some(label.to_path_buf());
            }
        }
        problems
    }
}

/// What `onair build` and `onair check DIR` check before publishing.
#[derive(Debug, Clone, Default)]
pub struct BuildCheck<'a> {
    /// The feed being replaced (the published `feed.xml`), for the publish-safety diff.
    pub previous_feed: Option<(&'a str, &'a Path)>,
    pub allow_feed_changes: bool,
    /// The time the site is built for (`--at`), else now: what "in the future" means.
    pub at: Option<Timestamp>,
}

/// Check a site's output: its feed, the files the feed points at and its artwork, and compare
/// the feed with the one it replaces. `feed_label` names the feed in messages (e.g.
/// `public/feed.xml`). What `onair build` and `onair check DIR` run before publishing.
/// `parsed`, when given, is `ParsedFeed::parse` of the output's feed.
pub fn check_output(
    site: &crate::content::Site,
    output: &crate::output::SiteOutput,
    parsed: Option<&ParsedFeed>,
    feed_label: &Path,
    check: &BuildCheck<'_>,
) -> Vec<Diagnostic> {
    let config = &site.config;
    let opts = CheckOptions {
        now: check.at.unwrap_or_else(Timestamp::now),
        feed_url: Some(config.feed_url()),
    };
    let Some(bytes) = output.bytes("feed.xml") else {
        return check_site(output, &config.base_url, "feed.xml", feed_label, &opts);
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return check_feed_bytes(bytes, feed_label, &opts);
    };
    // One parse of the new feed serves the feed rules, the site checks and the comparison.
    let parsed_here;
    let (doc, mut out) = match parsed {
        Some(parsed) => (&parsed.doc, parsed.rule_problems_at(feed_label)),
        None => {
            parsed_here = xml::parse(text);
            let problems = feed::check_parsed(text, &parsed_here, feed_label, &opts);
            (&parsed_here, problems)
        }
    };
    out.extend(site::check_site_files(
        output,
        &config.base_url,
        text,
        doc,
        feed_label,
    ));
    // The feed is onair's: its problems are the site's, at the lines the podcaster edits.
    let mut out = locate::to_sources(out, text, doc, feed_label, site);
    if let Some((old, old_label)) = check.previous_feed {
        out.extend(against::compare(
            old,
            old_label,
            text,
            doc,
            feed_label,
            &AgainstOptions {
                allow_feed_changes: check.allow_feed_changes,
                left_out_by_feed_limit: site
                    .episodes
                    .iter()
                    .skip(config.feed_limit.unwrap_or(usize::MAX))
                    .map(|ep| ep.guid.clone())
                    .collect(),
                from_site: true,
            },
        ));
    }
    out
}

/// One more feed of an output, such as a network's combined feed at `key`: its rules and the
/// files it points at (no comparison with a previous feed: each show's own feed has that).
pub fn check_feed_of_output(
    output: &crate::output::SiteOutput,
    base_url: &str,
    key: &str,
    feed_url: String,
    label: &Path,
) -> Vec<Diagnostic> {
    let opts = CheckOptions {
        now: Timestamp::now(),
        feed_url: Some(feed_url),
    };
    let Some(bytes) = output.bytes(key) else {
        return vec![Diagnostic::error("the feed was not built").at(label)];
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return check_feed_bytes(bytes, label, &opts);
    };
    let doc = xml::parse(text);
    let mut out = feed::check_parsed(text, &doc, label, &opts);
    out.extend(site::check_site_files(output, base_url, text, &doc, label));
    out
}

/// One episode as a feed states it: what apps must read back (scripts/check-clients.sh
/// compares podcast clients with this).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FeedEpisode {
    pub guid: String,
    pub url: String,
    pub length: Option<u64>,
    #[serde(rename = "type")]
    pub mime: String,
    /// Seconds.
    pub duration: Option<u64>,
}

/// The episodes of a feed as onair reads them (items with a guid and an enclosure).
pub fn feed_episodes(xml_text: &str) -> Vec<FeedEpisode> {
    let doc = xml::parse(xml_text);
    let Some(channel) = doc.root.as_ref().and_then(|r| r.child("channel")) else {
        return Vec::new();
    };
    channel
        .children_named("item")
        .filter_map(|item| {
            let enc = item.child("enclosure")?;
            Some(FeedEpisode {
                guid: item.child_text("guid")?.to_string(),
                url: enc.attr_value("url")?.trim().to_string(),
                length: enc.attr_value("length").and_then(|l| l.trim().parse().ok()),
                mime: enc.attr_value("type").unwrap_or("").trim().to_string(),
                duration: item
                    .child_text("itunes:duration")
                    .and_then(feed::parse_duration),
            })
        })
        .collect()
}

/// The episodes a built site publishes in its feed, from the site model (not the XML).
pub fn site_episodes(site: &crate::content::Site) -> Vec<FeedEpisode> {
    let limit = site.config.feed_limit.unwrap_or(usize::MAX);
    site.episodes
        .iter()
        .take(limit)
        .map(|ep| FeedEpisode {
            guid: ep.guid.clone(),
            url: ep.audio_url.clone(),
            length: Some(ep.facts.size),
            mime: ep.facts.format.mime().to_string(),
            duration: Some(ep.facts.duration_secs_rounded()),
        })
        .collect()
}
