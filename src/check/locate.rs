//! A site build's feed problems, moved from the generated `feed.xml` to what the podcaster
//! edits: the site.yaml key, the episode file's front matter key or its notes, the source
//! asset (`assets/cover.png`, not the published `assets/cover.1a2b3c4d5e.png`), with the fix
//! said in site.yaml's and front matter's terms. `onair check FEED.xml` of any other feed
//! keeps the feed's lines (this is only used for a feed onair built).

use std::path::{Path, PathBuf};

use crate::config::{CONFIG_FILE, Config, KeyLines};
use crate::content::{Episode, Site};
use crate::diag::Diagnostic;
use crate::xml::{self, Element, LineIndex};

/// Channel elements and the site.yaml keys they are made from (the first key written wins).
const CHANNEL_KEYS: &[(&str, &[&str])] = &[
    ("title", &["title"]),
    ("description", &["description"]),
    ("itunes:summary", &["description"]),
    ("link", &["url"]),
    ("atom:link", &["url", "websub_hub"]),
    ("language", &["language"]),
    ("itunes:author", &["author"]),
    ("itunes:owner", &["owner"]),
    ("itunes:name", &["owner"]),
    ("itunes:email", &["owner"]),
    ("itunes:image", &["image"]),
    ("image", &["image"]),
    ("itunes:category", &["categories"]),
    ("itunes:explicit", &["explicit"]),
    ("itunes:type", &["type"]),
    ("copyright", &["copyright"]),
    ("podcast:funding", &["funding"]),
    ("podcast:person", &["hosts"]),
    ("podcast:locked", &["locked", "owner"]),
    ("podcast:guid", &["podcast_guid", "url"]),
    ("podcast:medium", &["medium"]),
    ("itunes:new-feed-url", &["new_feed_url"]),
    ("itunes:block", &["block"]),
    ("itunes:complete", &["complete"]),
    ("podcast:season", &["seasons"]),
];

/// Item elements and the front matter keys they are made from. An empty list, or keys the
/// file does not have, names the file itself (`BODY` names the notes).
const ITEM_KEYS: &[(&str, &[&str])] = &[
    ("title", &["title"]),
    ("itunes:title", &["title"]),
    ("description", &["summary", BODY]),
    ("itunes:summary", &["summary", BODY]),
    ("content:encoded", &[BODY]),
    ("enclosure", &["audio", "audio_url"]),
    ("itunes:duration", &["duration", "audio", "audio_url"]),
    ("guid", &["guid"]),
    ("pubDate", &["date"]),
    ("itunes:episode", &["episode", "episode_number"]),
    ("podcast:episode", &["episode", "episode_number"]),
    ("itunes:season", &["season"]),
    ("podcast:season", &["season"]),
    ("itunes:episodeType", &["type"]),
    ("itunes:explicit", &["explicit"]),
    ("itunes:image", &["image"]),
    ("podcast:chapters", &["chapters"]),
    ("podcast:transcript", &["transcript", "transcripts"]),
    ("podcast:person", &["people"]),
];

const BODY: &str = "(notes)";

/// One element of the feed in document order: where it starts, its key, and the keys of its
/// ancestors below the channel (the item first, when it is in one).
struct Placed<'a> {
    at: (usize, usize),
    chain: Vec<&'a Element>,
}

/// Moves the problems at `label` (the built feed) to their sources; others pass unchanged.
pub(crate) fn to_sources(
    diags: Vec<Diagnostic>,
    text: &str,
    doc: &xml::Document,
    label: &Path,
    site: &Site,
) -> Vec<Diagnostic> {
    let Some(channel) = doc.root.as_ref().and_then(|r| r.child("channel")) else {
        return diags;
    };
    // A network show's settings come from two files (see `Config::key_lines`).
    if site.config.key_lines == KeyLines::default() {
        return diags;
    }
    let index = LineIndex::new(text);
    let mut placed = Vec::new();
    walk(channel, &index, &mut Vec::new(), &mut placed);
    diags
        .into_iter()
        .map(|d| {
            if d.path.as_deref() != Some(label) {
                return d;
            }
            let Some(line) = d.line else {
                return rewritten(d, &site.config, None);
            };
            let at = (line, d.col.unwrap_or(1));
            let chain = placed
                .iter()
                .take_while(|p| p.at <= at)
                .last()
                .map_or(&[][..], |p| p.chain.as_slice());
            relocated(d, chain, site)
        })
        .collect()
}

fn walk<'a>(
    el: &'a Element,
    index: &LineIndex<'_>,
    chain: &mut Vec<&'a Element>,
    out: &mut Vec<Placed<'a>>,
) {
    for child in &el.children {
        chain.push(child);
        out.push(Placed {
            at: index.line_col(child.pos),
            chain: chain.clone(),
        });
        walk(child, index, chain, out);
        chain.pop();
    }
}

/// `d` at the source of the element `chain` ends with (channel children first).
fn relocated(d: Diagnostic, chain: &[&Element], site: &Site) -> Diagnostic {
    let config = &site.config;
    let Some(first) = chain.first() else {
        // Something the channel lacks: no line of site.yaml gives it.
        return placed(rewritten(d, config, None), PathBuf::from(CONFIG_FILE), None);
    };
    if first.key != "item" {
        let key = source_key(chain, CHANNEL_KEYS, &config.key_lines);
        let line = match key {
            Some("categories") => category_line(&d.message, config),
            Some(k) => config.key_lines.get(k),
            None => None,
        };
        return placed(rewritten(d, config, None), PathBuf::from(CONFIG_FILE), line);
    }
    let Some(ep) = episode_of(first, site) else {
        return rewritten(d, config, None);
    };
    let line = match source_key(&chain[1..], ITEM_KEYS, &ep.key_lines) {
        Some(BODY) => Some(ep.body_line),
        Some(k) => ep.key_lines.get(k),
        None => None,
    };
    placed(
        rewritten(d, config, Some(ep)),
        PathBuf::from(&ep.file),
        line,
    )
}

fn placed(mut d: Diagnostic, path: PathBuf, line: Option<usize>) -> Diagnostic {
    d.path = Some(path);
    d.line = line;
    d.col = line.map(|_| 1);
    d
}

/// The source key of the deepest element of `chain` the table knows (nested elements such
/// as `<itunes:email>` in `<itunes:owner>` are their own or their parent's), the first of its
/// keys that `lines` has (or the notes); None when the element has none written.
fn source_key(
    chain: &[&Element],
    table: &[(&str, &'static [&'static str])],
    lines: &KeyLines,
) -> Option<&'static str> {
    let keys = chain
        .iter()
        .rev()
        .find_map(|el| table.iter().find(|(k, _)| *k == el.key).map(|(_, v)| *v))?;
    keys.iter()
        .copied()
        .find(|k| *k == BODY || lines.get(k).is_some())
}

/// The line of the category a message quotes (`"Food" is a subcategory of ...`).
fn category_line(message: &str, config: &Config) -> Option<usize> {
    let quoted = message.split('"').nth(1)?;
    let i = config
        .categories
        .iter()
        .position(|c| c.name == quoted || c.sub.as_deref() == Some(quoted));
    i.and_then(|i| config.category_lines.get(i).copied())
        .or_else(|| config.key_lines.get("categories"))
}

fn episode_of<'s>(item: &Element, site: &'s Site) -> Option<&'s Episode> {
    let guid = item.child_text("guid").map(str::trim);
    let url = item
        .child("enclosure")
        .and_then(|e| e.attr_value("url"))
        .map(str::trim);
    site.episodes
        .iter()
        .find(|ep| Some(ep.guid.as_str()) == guid)
        .or_else(|| {
            site.episodes
                .iter()
                .find(|ep| Some(ep.audio_url.as_str()) == url)
        })
        .map(|ep| &**ep)
}

/// The message in the podcaster's terms: the site's own URLs and the published (fingerprinted)
/// names become the files of the site folder, a feed tag becomes the key it is made from, and
/// a category's fix is written as `categories:` takes it.
fn rewritten(mut d: Diagnostic, config: &Config, episode: Option<&Episode>) -> Diagnostic {
    let mut m = d.message.clone();
    // A remote URL under the site's is named as written: it is not a file of the site.
    if !config.base_url.is_empty() && d.rule.as_deref() != Some("remote-under-site") {
        m = m.replace(&format!("{}/", config.base_url), "");
    }
    m = unfingerprinted(&m);
    if d.rule.as_deref() == Some("itunes-category") {
        m = category_fix(&m);
    }
    if let Some(fix) = owner_fix(d.rule.as_deref(), &m) {
        m = fix;
    }
    m = m.replace("<channel> has no ", "site.yaml has no ");
    let table = if episode.is_some() {
        ITEM_KEYS
    } else {
        CHANNEL_KEYS
    };
    for (tag, keys) in table {
        let key = keys
            .first()
            .copied()
            .filter(|k| *k != BODY)
            .unwrap_or("notes");
        m = m.replace(&format!("<{tag}>"), &format!("`{key}`"));
    }
    d.message = m;
    d
}

/// The owner's e-mail address, which the feed gives in two places, said as site.yaml has it.
fn owner_fix(rule: Option<&str>, message: &str) -> Option<String> {
    const ADD: &str = "add `owner: { name: Your Name, email: you@example.com }` to site.yaml";
    match rule? {
        "itunes-owner" if message.contains("has no <itunes:") => Some(format!(
            "no `owner:` with an email: {ADD} (Spotify and YouTube verify ownership by that address)"
        )),
        "podcast-locked" if message.contains("has no owner=") => Some(format!(
            "`locked` needs the owner's email, which partytime (Podcast Index) requires: {ADD}"
        )),
        _ => None,
    }
}

/// `"Food" is a subcategory of "Arts": nest it inside <itunes:category text="Arts">` ->
/// `... write it `categories: ["Arts > Food"]``.
fn category_fix(message: &str) -> String {
    let parts: Vec<&str> = message.split('"').collect();
    let (Some(name), Some(top)) = (parts.get(1), parts.get(3)) else {
        return message.to_string();
    };
    if message.contains("is a subcategory of") {
        return format!(
            "\"{name}\" is a subcategory of \"{top}\": write it with its category, `categories: [\"{top} > {name}\"]`"
        );
    }
    if message.contains("belongs under") {
        return format!("{message}: write `\"{top} > {name}\"` in `categories`");
    }
    message.to_string()
}

/// `assets/cover.ec5ca25825.jpg` -> `assets/cover.jpg`: a path under assets/ loses the
/// 10-hex-digit fingerprint the build gave it.
fn unfingerprinted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find("assets/") {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let end = after
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '`' | '\'' | ',' | ')' | ';'))
            .unwrap_or(after.len());
        let path = &after[..end];
        out.push_str(&without_hash(path));
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

fn without_hash(path: &str) -> String {
    let bytes = path.as_bytes();
    for (i, _) in path.match_indices('.') {
        let hex = bytes.get(i + 1..i + 11);
        let after = bytes.get(i + 11).copied();
        if hex.is_some_and(|h| {
            h.iter()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
        }) && matches!(after, None | Some(b'.'))
        {
            return format!("{}{}", &path[..i], &path[i + 11..]);
        }
    }
    path.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_taken_off() {
        assert_eq!(
            unfingerprinted("assets/cover.ec5ca25825.jpg is 1000x1000 px"),
            "assets/cover.jpg is 1000x1000 px"
        );
        assert_eq!(
            unfingerprinted("\"assets/img/a.b.0123456789.png\" and assets/x.png"),
            "\"assets/img/a.b.png\" and assets/x.png"
        );
    }

    #[test]
    fn category_fixes_are_in_site_yaml_terms() {
        assert_eq!(
            category_fix(
                "\"Food\" is a subcategory of \"Arts\": nest it inside <itunes:category text=\"Arts\">"
            ),
            "\"Food\" is a subcategory of \"Arts\": write it with its category, `categories: [\"Arts > Food\"]`"
        );
    }
}
