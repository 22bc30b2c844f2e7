//! The podcast RSS feed, written with quick-xml (never a template) so it is always well-formed.
//! Follows ../shared/research/feed-rules.md: exact namespace URIs and prefixes, RFC 2822 dates,
//! absolute URLs, exact enclosure lengths, CDATA notes with `]]>` split, no control characters.

use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;

use quick_xml::Writer;
use quick_xml::events::{BytesCData, BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use rayon::prelude::*;

use crate::config::ShowType;
use crate::content::{Episode, Site};
use crate::dates;
use crate::xml;

pub const NS_ITUNES: &str = "http://www.itunes.com/dtds/podcast-1.0.dtd";
pub const NS_PODCAST: &str = "https://podcastindex.org/namespace/1.0";
pub const NS_ATOM: &str = "http://www.w3.org/2005/Atom";
pub const NS_CONTENT: &str = "http://purl.org/rss/1.0/modules/content/";

/// The namespace the Podcast Index defines for podcast:guid (UUIDv5).
const PODCAST_GUID_NAMESPACE: uuid::Uuid = uuid::uuid!("ead4c236-bf58-58c6-a2c6-a6b28d128cb6");

/// Apple and rule 16/31: descriptions up to 4000 bytes.
const DESCRIPTION_LIMIT: usize = 4000;

/// The size a feed is kept under by default (and `onair check`'s `feed-size` threshold):
/// apps start refusing larger feeds (Pocket Casts refused 3 MB+ feeds, MinusPod #67).
pub const FEED_SIZE_BUDGET: usize = 3_000_000;

/// podcast:guid for a feed URL: UUIDv5 of the URL without scheme and trailing slashes.
pub fn podcast_guid(feed_url: &str) -> String {
    let name = feed_url
        .split_once("://")
        .map_or(feed_url, |(_, rest)| rest)
        .trim_end_matches('/');
    uuid::Uuid::new_v5(&PODCAST_GUID_NAMESPACE, name.as_bytes()).to_string()
}

/// What the feed needs besides the site model: resolved URLs of artwork.
pub struct FeedInputs<'a> {
    pub site: &'a Site,
    /// Absolute URL of the show artwork.
    pub image_url: Option<String>,
    /// Absolute URL of each episode's own artwork (same order as `site.episodes`).
    pub episode_images: Vec<Option<String>>,
    /// Per-episode extra elements (chapters, transcripts, people), written inside `<item>`.
    pub item_extras: Vec<std::sync::Arc<Vec<ExtraElement>>>,
    /// Extra elements written at the end of `<channel>` (people, ...).
    pub channel_extras: Vec<ExtraElement>,
    /// Items written by earlier builds (serve), by what each was made from: `item_keys[i]`
    /// hashes everything episode `i`'s item is written from but the notes mode.
    pub item_cache: Option<&'a ItemCache>,
    pub item_keys: Vec<Option<blake3::Hash>>,
    /// The feed's own URL and its `<link>`, when not the site's `feed.xml` and home page (the
    /// network's feeds under /shows/).
    pub urls: Option<(String, String)>,
}

/// Written `<item>`s by (item key, with full notes), kept by serve between rebuilds.
pub type ItemCache = std::sync::Mutex<HashMap<(blake3::Hash, bool), Arc<Vec<u8>>>>;

/// A simple extra element: `<name attr="v">text</name>` (or empty when `text` is None).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraElement {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: Option<String>,
    /// Nested elements (`podcast:podroll` holds `podcast:remoteItem`s); with none, `text`.
    pub children: Vec<ExtraElement>,
}

type W = Writer<Vec<u8>>;

/// How much of an episode's show notes its item carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Notes {
    /// The notes as HTML, in `<description>` (when short enough) and `<content:encoded>`.
    Full,
    /// The plain-text summary in `<description>` only; the episode's page has the rest.
    Summary,
}

/// The feed, kept under FEED_SIZE_BUDGET: see `write_feed_within`.
pub fn write_feed(inputs: &FeedInputs<'_>) -> Vec<u8> {
    write_feed_within(inputs, FEED_SIZE_BUDGET)
}

/// The feed with every episode (up to `feed_limit`). When it would be larger than `budget`
/// bytes, the oldest items carry their summary instead of their full show notes, as few of
/// them as it takes: every episode stays in the feed, with its enclosure, GUID and link to its
/// page, and the website keeps every word. If even that is over, `onair check` warns
/// (`feed-size`) and `feed_limit` is the way out.
pub fn write_feed_within(inputs: &FeedInputs<'_>, budget: usize) -> Vec<u8> {
    let (head, tail) = frame(inputs);
    let c = &inputs.site.config;
    let n = c
        .feed_limit
        .unwrap_or(usize::MAX)
        .min(inputs.site.episodes.len());
    let items = |range: std::ops::Range<usize>, notes: Notes| -> Vec<Arc<Vec<u8>>> {
        range
            .into_par_iter()
            .map(|i| item(inputs, i, notes).expect("writing to memory cannot fail"))
            .collect()
    };
    let frame_len = head.len() + tail.len();
    // Full items, newest first and a batch at a time: only as many as can fit are written
    // (a 10,000-episode feed keeps about a thousand of them whole).
    let mut full: Vec<Arc<Vec<u8>>> = Vec::new();
    let mut full_len = 0;
    while full.len() < n && frame_len + full_len <= budget {
        let batch = items(full.len()..(full.len() + 64).min(n), Notes::Full);
        full_len += batch.iter().map(|i| i.len()).sum::<usize>();
        full.extend(batch);
    }
    let join = |parts: &mut dyn Iterator<Item = &Arc<Vec<u8>>>, len: usize| {
        let mut out = Vec::with_capacity(len);
        out.extend_from_slice(&head);
        for part in parts {
            out.extend_from_slice(part);
        }
        out.extend_from_slice(&tail);
        out
    };
    // (With no items there is nothing to shorten, whatever the size.)
    if full.len() == n && (frame_len + full_len <= budget || n == 0) {
        return join(&mut full.iter(), frame_len + full_len);
    }
    let short = items(0..n, Notes::Summary);
    // With the newest `k` items full and the rest short; the size only grows with k: take the
    // largest k that fits (0 when none does).
    let mut short_after: Vec<usize> = vec![0; n + 1];
    for i in (0..n).rev() {
        short_after[i] = short_after[i + 1] + short[i].len();
    }
    let mut full_before = 0;
    let mut k = 0;
    let mut size = frame_len + short_after[0];
    for (i, f) in full.iter().enumerate().take(n - 1) {
        full_before += f.len();
        let with = frame_len + full_before + short_after[i + 1];
        if with > budget {
            break;
        }
        (k, size) = (i + 1, with);
    }
    join(&mut full[..k].iter().chain(&short[k..]), size)
}

/// A network show's items for the network's combined feed: each with `source` (the show's
/// `<source url>`) after its own elements, and the plain summary as its description (the
/// episode's page has the notes), with its date for ordering. Up to the show's `feed_limit`.
pub fn network_items(
    inputs: &FeedInputs<'_>,
    source: &ExtraElement,
) -> Vec<(jiff::Timestamp, Vec<u8>)> {
    let site = inputs.site;
    let n = site
        .config
        .feed_limit
        .unwrap_or(usize::MAX)
        .min(site.episodes.len());
    (0..n)
        .into_par_iter()
        .map(|i| {
            let ep = &site.episodes[i];
            let mut iw = Writer::new_with_indent(Vec::with_capacity(4 * 1024), b' ', 2);
            let mut extras: Vec<ExtraElement> = inputs
                .item_extras
                .get(i)
                .map(|e| e.as_slice().to_vec())
                .unwrap_or_default();
            extras.push(source.clone());
            let image = inputs.episode_images.get(i).cloned().flatten();
            (|| -> std::io::Result<()> {
                start(&mut iw, "rss", &[])?;
                start(&mut iw, "channel", &[])?;
                Ok(())
            })()
            .expect("writing to memory cannot fail");
            let from = iw.get_ref().len();
            write_item(
                &mut iw,
                &site.config,
                ep,
                image.as_deref(),
                &extras,
                Notes::Summary,
            )
            .expect("writing to memory cannot fail");
            (ep.date.timestamp(), iw.into_inner().split_off(from))
        })
        .collect()
}

/// A feed of `inputs`' channel with the given items (already written, in order) instead of
/// its site's episodes: the network's combined feed, and its publisher feed (no items).
pub fn write_with_items(inputs: &FeedInputs<'_>, items: &[&[u8]]) -> Vec<u8> {
    let (head, tail) = frame(inputs);
    let mut out =
        Vec::with_capacity(head.len() + tail.len() + items.iter().map(|i| i.len()).sum::<usize>());
    out.extend_from_slice(&head);
    for item in items {
        out.extend_from_slice(item);
    }
    out.extend_from_slice(&tail);
    out
}

/// The feed's bytes before its first item and after its last.
fn frame(inputs: &FeedInputs<'_>) -> (Vec<u8>, Vec<u8>) {
    let mut w = Writer::new_with_indent(Vec::with_capacity(16 * 1024), b' ', 2);
    write_head(&mut w, inputs).expect("writing to memory cannot fail");
    let at = w.get_ref().len();
    end(&mut w, "channel").expect("writing to memory cannot fail");
    end(&mut w, "rss").expect("writing to memory cannot fail");
    let mut head = w.into_inner();
    let mut tail = head.split_off(at);
    tail.push(b'\n');
    (head, tail)
}

/// Episode `i`'s `<item>`, written by a writer nested as deep as the feed's own (inside rss
/// and channel) so its indentation is the same; taken from the item cache when it has it.
fn item(inputs: &FeedInputs<'_>, i: usize, notes: Notes) -> std::io::Result<Arc<Vec<u8>>> {
    let cache_key = inputs
        .item_keys
        .get(i)
        .copied()
        .flatten()
        .map(|k| (k, notes == Notes::Full));
    if let (Some(cache), Some(key)) = (inputs.item_cache, cache_key)
        && let Some(item) = cache.lock().expect("item cache").get(&key)
    {
        return Ok(item.clone());
    }
    let ep = &inputs.site.episodes[i];
    let mut iw = Writer::new_with_indent(Vec::with_capacity(8 * 1024), b' ', 2);
    start(&mut iw, "rss", &[])?;
    start(&mut iw, "channel", &[])?;
    let from = iw.get_ref().len();
    let image = inputs.episode_images.get(i).cloned().flatten();
    let extras = inputs
        .item_extras
        .get(i)
        .map(|e| e.as_slice())
        .unwrap_or(&[]);
    write_item(
        &mut iw,
        &inputs.site.config,
        ep,
        image.as_deref(),
        extras,
        notes,
    )?;
    let item = Arc::new(iw.into_inner().split_off(from));
    if let (Some(cache), Some(key)) = (inputs.item_cache, cache_key) {
        cache.lock().expect("item cache").insert(key, item.clone());
    }
    Ok(item)
}

/// Everything of the feed before its items.
fn write_head(w: &mut W, inputs: &FeedInputs<'_>) -> std::io::Result<()> {
    let site = inputs.site;
    let c = &site.config;
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let rss = BytesStart::new("rss").with_attributes([
        ("version", "2.0"),
        ("xmlns:itunes", NS_ITUNES),
        ("xmlns:podcast", NS_PODCAST),
        ("xmlns:atom", NS_ATOM),
        ("xmlns:content", NS_CONTENT),
    ]);
    w.write_event(Event::Start(rss))?;
    start(w, "channel", &[])?;
    let (feed_url, link) = match &inputs.urls {
        Some((feed, link)) => (feed.clone(), link.clone()),
        None => (c.feed_url(), format!("{}/", c.base_url)),
    };
    empty(
        w,
        "atom:link",
        &[
            ("href", &feed_url),
            ("rel", "self"),
            ("type", "application/rss+xml"),
        ],
    )?;
    if let Some(hub) = &c.websub_hub {
        empty(w, "atom:link", &[("href", hub), ("rel", "hub")])?;
    }
    text(w, "title", &c.title)?;
    text(w, "link", &link)?;
    plain_text(
        w,
        "description",
        &truncate_bytes(&c.description, DESCRIPTION_LIMIT),
    )?;
    text(w, "language", &c.language)?;
    if let Some(copy) = &c.copyright {
        text(w, "copyright", copy)?;
    }
    if let Some(newest) = site.episodes.first() {
        text(w, "pubDate", &dates::rfc2822(&newest.date))?;
    }
    text(
        w,
        "lastBuildDate",
        &dates::rfc2822(&jiff::Timestamp::now().to_zoned_datetime(jiff::tz::TimeZone::UTC)),
    )?;
    text(w, "generator", concat!("onair ", env!("CARGO_PKG_VERSION")))?;
    write_artwork_and_itunes(w, inputs, &link)?;
    write_podcast_channel(w, c, &feed_url)?;
    write_trailers(w, site)?;
    for extra in &inputs.channel_extras {
        write_extra(w, extra)?;
    }
    Ok(())
}

/// `<image>`, `itunes:image`, categories and the other itunes: tags of the channel.
fn write_artwork_and_itunes(w: &mut W, inputs: &FeedInputs<'_>, link: &str) -> std::io::Result<()> {
    let c = &inputs.site.config;
    if let Some(img) = &inputs.image_url {
        start(w, "image", &[])?;
        text(w, "url", img)?;
        text(w, "title", &c.title)?;
        text(w, "link", link)?;
        end(w, "image")?;
        empty(w, "itunes:image", &[("href", img)])?;
    }
    for cat in &c.categories {
        match &cat.sub {
            Some(sub) => {
                start(w, "itunes:category", &[("text", &cat.name)])?;
                empty(w, "itunes:category", &[("text", sub)])?;
                end(w, "itunes:category")?;
            }
            None => empty(w, "itunes:category", &[("text", &cat.name)])?,
        }
    }
    text(
        w,
        "itunes:explicit",
        if c.explicit { "true" } else { "false" },
    )?;
    text(w, "itunes:author", &c.author)?;
    if let Some(owner) = &c.owner {
        start(w, "itunes:owner", &[])?;
        text(w, "itunes:name", &owner.name)?;
        text(w, "itunes:email", &owner.email)?;
        end(w, "itunes:owner")?;
    }
    text(
        w,
        "itunes:type",
        match c.show_type {
            ShowType::Episodic => "episodic",
            ShowType::Serial => "serial",
        },
    )?;
    Ok(())
}

/// The channel's podcast: tags (guid, locked, medium, funding) and Apple's move and block tags.
fn write_podcast_channel(
    w: &mut W,
    c: &crate::config::Config,
    feed_url: &str,
) -> std::io::Result<()> {
    let show_guid = match &c.podcast_guid {
        Some(kept) => kept.clone(),
        None => podcast_guid(feed_url),
    };
    text(w, "podcast:guid", &show_guid)?;
    let locked = if c.locked { "yes" } else { "no" };
    match &c.owner {
        Some(owner) => text_attrs(w, "podcast:locked", &[("owner", &owner.email)], locked)?,
        None => text(w, "podcast:locked", locked)?,
    }
    text(w, "podcast:medium", &c.medium)?;
    for f in &c.funding {
        text_attrs(w, "podcast:funding", &[("url", &f.url)], &f.text)?;
    }
    if let Some(url) = &c.new_feed_url {
        text(w, "itunes:new-feed-url", url)?;
    }
    // Only "Yes" has an effect; the tags are left out otherwise (feed-rules.md rule 43).
    if c.block {
        text(w, "itunes:block", "Yes")?;
    }
    if c.complete {
        text(w, "itunes:complete", "Yes")?;
    }
    Ok(())
}

/// Trailer episodes are also the show's (or their season's) podcast:trailer.
fn write_trailers(w: &mut W, site: &crate::content::Site) -> std::io::Result<()> {
    for ep in site
        .episodes
        .iter()
        .filter(|e| e.episode_type == crate::content::EpisodeType::Trailer)
    {
        let length = ep.facts.size.to_string();
        let pubdate = dates::rfc2822(&ep.date);
        let season = ep.season.map(|s| s.to_string());
        let mut attrs = vec![
            ("pubdate", pubdate.as_str()),
            ("url", ep.audio_url.as_str()),
            ("length", length.as_str()),
            ("type", ep.facts.format.mime()),
        ];
        if let Some(season) = &season {
            attrs.push(("season", season));
        }
        let title: String = ep.title.chars().take(128).collect();
        text_attrs(w, "podcast:trailer", &attrs, &title)?;
    }
    Ok(())
}

fn write_item(
    w: &mut W,
    c: &crate::config::Config,
    ep: &Episode,
    image: Option<&str>,
    extras: &[ExtraElement],
    notes: Notes,
) -> std::io::Result<()> {
    start(w, "item", &[])?;
    text(w, "title", &ep.title)?;
    let notes = match notes {
        Notes::Full => ep.notes.feed_html.trim(),
        Notes::Summary => "",
    };
    let description = if !notes.is_empty() && notes.len() <= DESCRIPTION_LIMIT {
        notes.to_string()
    } else {
        truncate_bytes(&ep.summary, DESCRIPTION_LIMIT)
    };
    cdata_or_text(w, "description", &description)?;
    if !notes.is_empty() {
        start(w, "content:encoded", &[])?;
        cdata(w, notes)?;
        end(w, "content:encoded")?;
    }
    let link = c.absolute(&format!("episodes/{}/", ep.slug));
    text(w, "link", &link)?;
    let permalink = if ep.guid == link { "true" } else { "false" };
    text_attrs(w, "guid", &[("isPermaLink", permalink)], &ep.guid)?;
    text(w, "pubDate", &dates::rfc2822(&ep.date))?;
    empty(
        w,
        "enclosure",
        &[
            ("url", &ep.audio_url),
            ("length", &ep.facts.size.to_string()),
            ("type", ep.facts.format.mime()),
        ],
    )?;
    text(
        w,
        "itunes:duration",
        &ep.facts.duration_secs_rounded().to_string(),
    )?;
    if let Some(img) = image {
        empty(w, "itunes:image", &[("href", img)])?;
    }
    // Every item states it (Apple recommends it); an episode without its own inherits the show's.
    let explicit = ep.explicit.unwrap_or(c.explicit);
    text(
        w,
        "itunes:explicit",
        if explicit { "true" } else { "false" },
    )?;
    if let Some(n) = ep.number {
        text(w, "itunes:episode", &n.to_string())?;
    }
    if let Some(s) = ep.season {
        text(w, "itunes:season", &s.to_string())?;
    }
    text(w, "itunes:episodeType", ep.episode_type.as_str())?;
    if !ep.summary.is_empty() {
        text(
            w,
            "itunes:summary",
            &truncate_bytes(&ep.summary, DESCRIPTION_LIMIT),
        )?;
    }
    if let Some(n) = ep.number {
        text(w, "podcast:episode", &n.to_string())?;
    }
    if let Some(s) = ep.season {
        match c.seasons.get(&s) {
            Some(name) => text_attrs(w, "podcast:season", &[("name", name)], &s.to_string())?,
            None => text(w, "podcast:season", &s.to_string())?,
        }
    }
    for extra in extras {
        write_extra(w, extra)?;
    }
    end(w, "item")
}

fn write_extra(w: &mut W, e: &ExtraElement) -> std::io::Result<()> {
    let attrs: Vec<(&str, &str)> = e
        .attrs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    if !e.children.is_empty() {
        start(w, &e.name, &attrs)?;
        for child in &e.children {
            write_extra(w, child)?;
        }
        return end(w, &e.name);
    }
    match &e.text {
        Some(t) => text_attrs(w, &e.name, &attrs, t),
        None => empty(w, &e.name, &attrs),
    }
}

/// Removes characters XML 1.0 forbids even when escaped (rule 4) and trims.
pub fn xml_clean(s: &str) -> std::borrow::Cow<'_, str> {
    let t = s.trim();
    if !has_char_xml_refuses(t) {
        std::borrow::Cow::Borrowed(t)
    } else {
        std::borrow::Cow::Owned(t.chars().filter(|&c| xml::is_xml_char(c)).collect())
    }
}

/// Whether `s` holds a character XML 1.0 refuses (every feed field passes through here).
fn has_char_xml_refuses(s: &str) -> bool {
    xml::refused_chars(s).next().is_some()
}

fn truncate_bytes(s: &str, limit: usize) -> String {
    if s.len() <= limit {
        return s.to_string();
    }
    let mut end = limit - 3;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end])
}

fn start(w: &mut W, name: &str, attrs: &[(&str, &str)]) -> std::io::Result<()> {
    w.write_event(Event::Start(element(name, attrs)))
}

fn end(w: &mut W, name: &str) -> std::io::Result<()> {
    w.write_event(Event::End(BytesEnd::new(name)))
}

fn empty(w: &mut W, name: &str, attrs: &[(&str, &str)]) -> std::io::Result<()> {
    w.write_event(Event::Empty(element(name, attrs)))
}

fn element<'a>(name: &'a str, attrs: &[(&str, &str)]) -> BytesStart<'a> {
    let mut e = BytesStart::new(name);
    for (k, v) in attrs {
        e.push_attribute((*k, xml_clean(v).as_ref()));
    }
    e
}

fn text(w: &mut W, name: &str, value: &str) -> std::io::Result<()> {
    text_attrs(w, name, &[], value)
}

fn text_attrs(w: &mut W, name: &str, attrs: &[(&str, &str)], value: &str) -> std::io::Result<()> {
    w.write_event(Event::Start(element(name, attrs)))?;
    w.write_event(Event::Text(BytesText::new(&xml_clean(value))))?;
    w.write_event(Event::End(BytesEnd::new(name)))
}

/// Plain text with `&` and `<` as hexadecimal character references, as the RSS Profile asks
/// (the W3C validator warns about them raw in CDATA, where a reader may take them for HTML).
fn plain_text(w: &mut W, name: &str, value: &str) -> std::io::Result<()> {
    let clean = xml_clean(value);
    let mut escaped = String::with_capacity(clean.len() + 16);
    for c in clean.chars() {
        match c {
            '&' => escaped.push_str("&#x26;"),
            '<' => escaped.push_str("&#x3C;"),
            '>' => escaped.push_str("&gt;"),
            c => escaped.push(c),
        }
    }
    w.write_event(Event::Start(element(name, &[])))?;
    w.write_event(Event::Text(BytesText::from_escaped(escaped)))?;
    w.write_event(Event::End(BytesEnd::new(name)))
}

/// HTML goes in CDATA (apps expect it there); plain text is escaped.
fn cdata_or_text(w: &mut W, name: &str, value: &str) -> std::io::Result<()> {
    if value.contains('<') || value.contains('&') {
        start(w, name, &[])?;
        cdata(w, value)?;
        end(w, name)
    } else {
        text(w, name, value)
    }
}

/// Writes CDATA, splitting any `]]>` across two sections (rule 5).
fn cdata(w: &mut W, value: &str) -> std::io::Result<()> {
    let clean = xml_clean(value);
    let mut rest: &str = &clean;
    loop {
        match rest.find("]]>") {
            Some(i) => {
                w.write_event(Event::CData(BytesCData::new(&rest[..i + 2])))?;
                rest = &rest[i + 2..];
            }
            None => {
                w.write_event(Event::CData(BytesCData::new(rest)))?;
                break;
            }
        }
    }
    w.get_mut().flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_characters_are_found_in_the_bytes() {
        let refused = |c: char| !xml::is_xml_char(c);
        // Every character below U+10000 alone, then with neighbours on either side.
        for c in (0..0x10000u32)
            .filter_map(char::from_u32)
            .chain(['\u{10000}', '\u{10FFFF}'])
        {
            let alone = c.to_string();
            assert_eq!(has_char_xml_refuses(&alone), refused(c), "{:X}", c as u32);
            let framed = format!("a\u{FFBF}{c}\u{EFBF}z");
            assert_eq!(has_char_xml_refuses(&framed), refused(c), "{:X}", c as u32);
        }
    }

    #[test]
    fn podcast_guid_matches_the_spec_vectors() {
        assert_eq!(
            podcast_guid("https://mp3s.nashownotes.com/pc20rss.xml"),
            "917393e3-1b1e-5cef-ace4-edaa54e1f810"
        );
        assert_eq!(
            podcast_guid("https://podnews.net/rss/"),
            "9b024349-ccf0-5f69-a609-6b82873eab3c"
        );
        assert_eq!(
            podcast_guid("https://example.com/feed.xml"),
            "d84ced82-1926-54c0-88c2-bb01dd35d7e3"
        );
    }

    #[test]
    fn cdata_splits_terminators_and_control_characters_go() {
        let mut w = Writer::new(Vec::new());
        cdata(&mut w, "a]]>b\u{1}c").unwrap();
        let s = String::from_utf8(w.into_inner()).unwrap();
        assert_eq!(s, "<![CDATA[a]]]]><![CDATA[>bc]]>");
    }

    #[test]
    fn truncation_respects_char_boundaries() {
        let s = "é".repeat(3000);
        let t = truncate_bytes(&s, 4000);
        assert!(t.len() <= 4000 && t.ends_with("..."));
    }
}
