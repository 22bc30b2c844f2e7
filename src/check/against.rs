//! Publish safety: compare the feed about to be published with the one it replaces, and
//! report the changes that make apps download episodes again or drop them.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::feed::{Reporter, item_label};
use crate::diag::{Diagnostic, Severity};
use crate::xml::{self, Element};

#[derive(Debug, Clone, Default)]
pub struct AgainstOptions {
    /// Vanished and re-GUIDed episodes are warnings instead of errors.
    pub allow_feed_changes: bool,
    /// GUIDs of episodes the site still publishes but leaves out of the feed (`feed_limit`):
    /// the cap rolling them out is what the user asked for, so they are not reported as
    /// vanished.
    pub left_out_by_feed_limit: HashSet<String>,
    /// The new feed is an onair site's (the fix is in its files), not any feed file.
    pub from_site: bool,
}

struct Episode {
    guid: String,
    label: String,
    enclosure: Option<String>,
    title: String,
    pos: usize,
    guid_pos: usize,
    enclosure_pos: usize,
}

struct Summary {
    podcast_guid: Option<(String, usize)>,
    self_url: Option<(String, usize)>,
    /// `<itunes:new-feed-url>`: a move the feed announces.
    new_feed_url: Option<String>,
    episodes: Vec<Episode>,
}

fn summarize(channel: &Element) -> Summary {
    let podcast_guid = channel
        .child("podcast:guid")
        .map(|g| (g.text.trim().to_string(), g.text_pos));
    let self_url = channel
        .children_named("atom:link")
        .find(|l| l.attr_value("rel") == Some("self"))
        .and_then(|l| l.attr("href"))
        .map(|a| (a.value.trim().to_string(), a.pos));
    let new_feed_url = channel
        .child("itunes:new-feed-url")
        .map(|u| u.text.trim().to_string());
    let episodes = channel
        .children_named("item")
        .enumerate()
        .filter_map(|(i, item)| {
            let guid_el = item.child("guid")?;
            let guid = guid_el.text.trim().to_string();
            if guid.is_empty() {
                return None;
            }
            // An item without audio (a post, an announcement) is no episode apps hold, so its
            // absence is no vanished episode (`onair import` skips or keeps it as a page).
            let enc = Some(item.child("enclosure")?);
            Some(Episode {
                guid,
                label: item_label(item, i + 1),
                enclosure: enc
                    .and_then(|e| e.attr_value("url"))
                    .map(|u| u.trim().to_string()),
                title: item.child_text("title").unwrap_or("").to_string(),
                pos: item.pos,
                guid_pos: guid_el.text_pos,
                enclosure_pos: enc.and_then(|e| e.attr("url")).map_or(item.pos, |a| a.pos),
            })
        })
        .collect();
    Summary {
        podcast_guid,
        self_url,
        new_feed_url,
        episodes,
    }
}

fn channel_of(doc: &xml::Document) -> Option<&Element> {
    doc.root.as_ref()?.child("channel")
}

/// Compare `new_xml` (about to be published) with `old_xml` (what apps have now).
pub fn check_against(
    old_xml: &str,
    old_label: &Path,
    new_xml: &str,
    new_label: &Path,
    opts: &AgainstOptions,
) -> Vec<Diagnostic> {
    let new_doc = xml::parse(new_xml);
    compare(old_xml, old_label, new_xml, &new_doc, new_label, opts)
}

/// `check_against` with the new feed already read into `new_doc`.
pub(crate) fn compare(
    old_xml: &str,
    old_label: &Path,
    new_xml: &str,
    new_doc: &xml::Document,
    new_label: &Path,
    opts: &AgainstOptions,
) -> Vec<Diagnostic> {
    let old_doc = xml::parse(old_xml);
    let mut old_rep = Reporter::new(old_label, old_xml);
    let mut new_rep = Reporter::new(new_label, new_xml);
    let (Some(old_ch), Some(new_ch)) = (channel_of(&old_doc), channel_of(new_doc)) else {
        let (rep, doc) = if channel_of(&old_doc).is_none() {
            (&mut old_rep, &old_doc)
        } else {
            (&mut new_rep, new_doc)
        };
        let pos = doc.problems.first().map(|p| p.pos);
        rep.report(
            "xml-well-formed",
            pos,
            "cannot compare the feeds: this one has no readable <rss><channel>",
        );
        return [old_rep.out, new_rep.out].concat();
    };
    let old = summarize(old_ch);
    let new = summarize(new_ch);
    compare_episodes(&old, &new, opts, &mut old_rep, &mut new_rep);
    compare_channel(&old, &new, &mut new_rep);
    [old_rep.out, new_rep.out].concat()
}

/// Each episode of the old feed in the new one: the same GUID (its enclosure URL kept), else
/// the same file or title under a new GUID (guid-changed), else gone (episode-vanished).
fn compare_episodes(
    old: &Summary,
    new: &Summary,
    opts: &AgainstOptions,
    old_rep: &mut Reporter,
    new_rep: &mut Reporter,
) {
    let gate = |d: &mut Diagnostic| {
        if opts.allow_feed_changes && d.severity == Severity::Error {
            d.severity = Severity::Warning;
            d.message.push_str(" (allowed by --allow-feed-changes)");
        }
    };

    let new_by_guid: HashMap<&str, &Episode> =
        new.episodes.iter().map(|e| (e.guid.as_str(), e)).collect();
    let old_guids: HashSet<&str> = old.episodes.iter().map(|e| e.guid.as_str()).collect();
    // New episodes not in the old feed: candidates for an old episode that changed GUID.
    let fresh: Vec<&Episode> = new
        .episodes
        .iter()
        .filter(|e| !old_guids.contains(e.guid.as_str()))
        .collect();
    let mut claimed: HashSet<&str> = HashSet::new();
    for ep in &old.episodes {
        if opts.left_out_by_feed_limit.contains(&ep.guid) {
            continue;
        }
        if let Some(now) = new_by_guid.get(ep.guid.as_str()) {
            if let (Some(before), Some(after)) = (&ep.enclosure, &now.enclosure)
                && before != after
            {
                new_rep.report(
                    "enclosure-changed",
                    Some(now.enclosure_pos),
                    format!(
                        "{}: the enclosure URL changed from \"{before}\" to \"{after}\"; some apps download the episode again",
                        now.label
                    ),
                );
            }
            continue;
        }
        let same_file = fresh.iter().find(|n| {
            !claimed.contains(n.guid.as_str())
                && n.enclosure.is_some()
                && n.enclosure == ep.enclosure
        });
        let same_title = || {
            fresh.iter().find(|n| {
                !claimed.contains(n.guid.as_str()) && !ep.title.is_empty() && n.title == ep.title
            })
        };
        if let Some(now) = same_file.or_else(same_title) {
            claimed.insert(now.guid.as_str());
            new_rep.report(
                "guid-changed",
                Some(now.guid_pos),
                format!(
                    "{}: the GUID changed from \"{}\" to \"{}\"; apps will show and download it as a new episode ({}, or pass --allow-feed-changes to publish it as a new one)",
                    now.label,
                    ep.guid,
                    now.guid,
                    match opts.from_site {
                        true => format!("set `guid: {}` in its front matter to keep it the same episode", ep.guid),
                        false => "give it its old GUID back to keep it the same episode".to_string(),
                    }
                ),
            );
            if let Some(d) = new_rep.out.last_mut() {
                gate(d);
            }
        } else {
            old_rep.report(
                "episode-vanished",
                Some(ep.pos),
                format!(
                    "{}: this published episode (guid \"{}\") is not in the new feed; apps will remove it ({}pass --allow-feed-changes if it is meant to go)",
                    ep.label,
                    ep.guid,
                    match opts.from_site {
                        true => "restore its episode file (or its `draft: false`, its date), or ",
                        false => "",
                    }
                ),
            );
            if let Some(d) = old_rep.out.last_mut() {
                gate(d);
            }
        }
    }
}

/// The show's own identity: its podcast:guid and its self URL.
fn compare_channel(old: &Summary, new: &Summary, new_rep: &mut Reporter) {
    if let Some((before, _)) = &old.podcast_guid {
        match &new.podcast_guid {
            Some((after, pos)) if after != before => new_rep.report(
                "podcast-guid-changed",
                Some(*pos),
                format!("<podcast:guid> changed from \"{before}\" to \"{after}\"; keep the old one forever (in onair: `podcast_guid: {before}` in site.yaml)"),
            ),
            None => new_rep.report(
                "podcast-guid-changed",
                None,
                format!("<podcast:guid> \"{before}\" is gone from the new feed; keep it forever (in onair: `podcast_guid: {before}` in site.yaml)"),
            ),
            _ => {}
        }
    }
    // A move the new feed announces with <itunes:new-feed-url> is the move done right (the
    // 301 from the old URL is the server's part, which no feed shows).
    if let (Some((before, _)), Some((after, pos))) = (&old.self_url, &new.self_url)
        && before != after
        && new.new_feed_url.as_deref() != Some(after.as_str())
    {
        new_rep.report(
            "feed-url-changed",
            Some(*pos),
            format!(
                "the feed's self URL changed from \"{before}\" to \"{after}\"; serve a 301 from the old URL and set `new_feed_url`"
            ),
        );
    }
}
