//! `/_onair/`: the show as a podcast app shows it. Everything on the page is read back from
//! the served `feed.xml` (not from the site model), so what it shows is exactly what apps get:
//! the artwork, each episode with its duration, size, chapters and transcripts.

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use super::Served;
use super::http::{Body, Reply, RequestHead};
use crate::output::SiteOutput;
use crate::render::escape_html;

pub const APP_PATH: &str = "/_onair/";

/// An element of the feed: its name as written, attributes, text, children.
#[derive(Debug, Default, Clone)]
struct Node {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
    children: Vec<Node>,
}

impl Node {
    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }
    fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
    fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name)
            .map(|c| c.text.trim())
            .filter(|t| !t.is_empty())
    }
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn start_node(e: &BytesStart<'_>) -> Node {
    let name = e.name().as_ref().to_string();
    let attrs = e
        .attributes()
        .flatten()
        .map(|a| {
            let key = a.key.as_ref().to_string();
            let value = a
                .normalized_value(XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| a.value.to_string());
            (key, value)
        })
        .collect();
    Node {
        name,
        attrs,
        ..Node::default()
    }
}

/// Read the feed into a tree. Err carries the XML reader's message (`onair check` reports
/// such problems in detail; here it is enough to say the feed cannot be read).
fn parse_tree(xml: &str) -> Result<Node, String> {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<Node> = vec![Node::default()];
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("at byte {}: {e}", reader.error_position()))?;
        match event {
            Event::Start(e) => stack.push(start_node(&e)),
            Event::Empty(e) => {
                let node = start_node(&e);
                stack.last_mut().expect("root").children.push(node);
            }
            Event::End(_) => {
                if stack.len() < 2 {
                    return Err("an end tag closes nothing".into());
                }
                let node = stack.pop().expect("checked");
                stack.last_mut().expect("root").children.push(node);
            }
            Event::Text(t) => stack
                .last_mut()
                .expect("root")
                .text
                .push_str(&t.xml10_content()),
            Event::CData(t) => stack
                .last_mut()
                .expect("root")
                .text
                .push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => match &*r {
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "amp" => "&".into(),
                        "quot" => "\"".into(),
                        "apos" => "'".into(),
                        other => format!("&{other};"),
                    },
                };
                stack.last_mut().expect("root").text.push_str(&resolved);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        return Err("the feed ends inside an element".into());
    }
    Ok(stack.pop().expect("root"))
}

/// One episode as an app lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct AppEpisode {
    pub title: String,
    pub date: Option<String>,
    pub duration: Option<String>,
    pub audio_url: Option<String>,
    pub audio_type: Option<String>,
    pub audio_length: Option<u64>,
    pub image: Option<String>,
    pub number: Option<String>,
    pub season: Option<String>,
    pub episode_type: Option<String>,
    pub summary: Option<String>,
    pub chapters_url: Option<String>,
    pub transcripts: Vec<(String, String)>,
    pub explicit: Option<String>,
}

/// The show as an app sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct AppShow {
    pub title: String,
    pub author: Option<String>,
    pub description: Option<String>,
    pub image: Option<String>,
    pub link: Option<String>,
    pub self_url: Option<String>,
    pub language: Option<String>,
    pub categories: Vec<String>,
    pub show_type: Option<String>,
    pub explicit: Option<String>,
    pub episodes: Vec<AppEpisode>,
}

/// Read a podcast feed's channel and items.
pub fn read_feed(xml: &str) -> Result<AppShow, String> {
    let tree = parse_tree(xml)?;
    let channel = tree
        .child("rss")
        .and_then(|r| r.child("channel"))
        .ok_or("the feed has no <rss><channel>")?;
    let own = |s: Option<&str>| s.map(str::to_string);
    let mut categories = Vec::new();
    for cat in channel.children("itunes:category") {
        let Some(top) = cat.attr("text") else {
            continue;
        };
        let subs: Vec<&str> = cat
            .children("itunes:category")
            .filter_map(|s| s.attr("text"))
            .collect();
        if subs.is_empty() {
            categories.push(top.to_string());
        }
        for sub in subs {
            categories.push(format!("{top} › {sub}"));
        }
    }
    let episodes = channel
        .children("item")
        .map(|item| {
            let enclosure = item.child("enclosure");
            AppEpisode {
                title: item
                    .text_of("itunes:title")
                    .or(item.text_of("title"))
                    .unwrap_or("(no title)")
                    .to_string(),
                date: own(item.text_of("pubDate")),
                duration: own(item.text_of("itunes:duration")),
                audio_url: own(enclosure.and_then(|e| e.attr("url"))),
                audio_type: own(enclosure.and_then(|e| e.attr("type"))),
                audio_length: enclosure
                    .and_then(|e| e.attr("length"))
                    .and_then(|l| l.trim().parse().ok()),
                image: own(item.child("itunes:image").and_then(|i| i.attr("href"))),
                number: own(item.text_of("itunes:episode")),
                season: own(item.text_of("itunes:season")),
                episode_type: own(item.text_of("itunes:episodeType")),
                summary: item
                    .text_of("itunes:summary")
                    .or(item.text_of("description"))
                    .map(plain_text),
                chapters_url: own(item.child("podcast:chapters").and_then(|c| c.attr("url"))),
                transcripts: item
                    .children("podcast:transcript")
                    .filter_map(|t| {
                        Some((
                            t.attr("url")?.to_string(),
                            t.attr("type").unwrap_or("").to_string(),
                        ))
                    })
                    .collect(),
                explicit: own(item.text_of("itunes:explicit")),
            }
        })
        .collect();
    Ok(AppShow {
        title: channel.text_of("title").unwrap_or("(no title)").to_string(),
        author: own(channel.text_of("itunes:author")),
        description: channel
            .text_of("itunes:summary")
            .or(channel.text_of("description"))
            .map(plain_text),
        image: own(channel.child("itunes:image").and_then(|i| i.attr("href")))
            .or_else(|| own(channel.child("image").and_then(|i| i.text_of("url")))),
        link: own(channel.text_of("link")),
        self_url: own(channel
            .children("atom:link")
            .find(|l| l.attr("rel") == Some("self"))
            .and_then(|l| l.attr("href"))),
        language: own(channel.text_of("language")),
        categories,
        show_type: own(channel.text_of("itunes:type")),
        explicit: own(channel.text_of("itunes:explicit")),
        episodes,
    })
}

/// Show notes as apps show them in a list: tags dropped, entities decoded (the page escapes
/// the text again), whitespace folded.
fn plain_text(html: &str) -> String {
    crate::render::html_text(html)
}

/// `3525` or `58:45` or `0:58:45` -> `58:45`; anything else as written.
pub fn display_duration(d: &str) -> String {
    let d = d.trim();
    let secs: Option<u64> = if d.bytes().all(|b| b.is_ascii_digit()) && !d.is_empty() {
        d.parse().ok()
    } else {
        let parts: Option<Vec<u64>> = d.split(':').map(|p| p.parse().ok()).collect();
        parts
            .filter(|p| (2..=3).contains(&p.len()))
            .map(|p| p.iter().fold(0, |acc, n| acc * 60 + n))
    };
    match secs {
        Some(s) if s >= 3600 => format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60),
        Some(s) => format!("{}:{:02}", s / 60, s % 60),
        None => d.to_string(),
    }
}

pub fn display_size(bytes: u64) -> String {
    const MB: f64 = 1_000_000.0;
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / MB)
    } else if bytes >= 1_000 {
        format!("{:.0} kB", bytes as f64 / 1000.0)
    } else {
        format!("{bytes} bytes")
    }
}

/// The site path a feed URL points at when it is under the site's base (`https://x.org/a/`),
/// or `None` for URLs elsewhere (remote audio, other hosts).
pub fn local_path(url: &str, base: &str) -> Option<String> {
    let base = base.trim_end_matches('/');
    let rest = url.strip_prefix(base)?;
    if rest.is_empty() {
        return Some("/".into());
    }
    rest.starts_with('/').then(|| rest.to_string())
}

/// The base URL of the site from the feed's self link (`…/feed.xml`) or channel link.
fn site_base(show: &AppShow) -> Option<String> {
    if let Some(self_url) = &show.self_url
        && let Some((base, _)) = self_url.rsplit_once('/')
    {
        return Some(base.to_string());
    }
    show.link.clone()
}

/// Where the preview serves the site: its base URL and the path it is mounted at.
struct Local<'a> {
    base: Option<String>,
    mount: &'a str,
    output: &'a SiteOutput,
    /// Loudness figures by site key (`SiteUrls::loudness`).
    loudness: Option<&'a std::collections::BTreeMap<String, String>>,
}

impl Local<'_> {
    /// The site key a feed URL points at, when it is a file of this site.
    fn key(&self, url: &str) -> Option<String> {
        let path = local_path(url, self.base.as_deref()?)?;
        let site_path = super::http::site_path(&path).ok()?;
        match super::http::resolve(self.output, &site_path) {
            super::http::Resolved::File(key) => Some(key),
            _ => None,
        }
    }

    /// A link usable from the preview: local when the URL is in the site, else the URL.
    fn href(&self, url: &str) -> String {
        match (
            self.key(url),
            self.base.as_deref().and_then(|b| local_path(url, b)),
        ) {
            (Some(_), Some(path)) => format!("{}{}", self.mount, path.trim_start_matches('/')),
            _ => url.to_string(),
        }
    }
}

/// Chapters from a Podcasting 2.0 JSON chapters file published by the site.
pub fn read_chapters(json: &[u8]) -> Vec<(f64, String)> {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(json) else {
        return Vec::new();
    };
    value["chapters"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|c| {
                    Some((
                        c["startTime"].as_f64()?,
                        c["title"].as_str().unwrap_or("").to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn clock(secs: f64) -> String {
    let s = secs.max(0.0) as u64;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// The page for `/_onair/`.
pub fn render(served: &Served) -> String {
    let output = &served.output;
    let mut body = String::new();
    let show = match output.bytes("feed.xml") {
        None => Err("the site publishes no feed.xml".to_string()),
        Some(bytes) => std::str::from_utf8(bytes)
            .map_err(|_| "feed.xml is not UTF-8".to_string())
            .and_then(read_feed),
    };
    render_checks(&mut body, served);
    render_scheduled(&mut body, served);
    match show {
        Err(message) => body.push_str(&format!(
            "<p class=\"problem\">The feed cannot be read as an app would read it: {}</p>",
            escape_html(&message)
        )),
        Ok(show) => {
            let local = Local {
                base: site_base(&show),
                mount: &served.mount,
                output,
                loudness: served.urls.as_ref().map(|u| &u.loudness),
            };
            render_show(&mut body, &show, &local)
        }
    }
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>App view · onair</title><style>{STYLE}</style></head><body>\
         <header class=\"bar\"><b>onair</b> app view: the feed as podcast apps see it · \
         <a href=\"{mount}\">site</a> · <a href=\"{mount}feed.xml\">feed.xml</a></header>\
         <main>{body}</main></body></html>",
        mount = escape_html(&served.mount)
    )
}

/// `onair check` on the served build, run when the page is asked for (it reloads on every
/// rebuild, so the results stay live).
fn render_checks(out: &mut String, served: &Served) {
    let Some(urls) = &served.urls else {
        return;
    };
    let opts = crate::check::CheckOptions {
        now: jiff::Timestamp::now(),
        feed_url: Some(urls.feed_url.clone()),
    };
    let mut problems = crate::check::check_site(
        &served.output,
        &urls.base_url,
        "feed.xml",
        std::path::Path::new("feed.xml"),
        &opts,
    );
    problems.sort_by_key(|d| !d.is_error());
    let errors = problems.iter().filter(|d| d.is_error()).count();
    let warnings = problems.len() - errors;
    out.push_str("<section class=\"checks\">");
    if problems.is_empty() {
        out.push_str("<p class=\"ok\">onair check: no problems: apps and directories will accept this feed</p>");
    } else {
        out.push_str(&format!(
            "<p class=\"{}\">onair check: {errors} error(s), {warnings} warning(s)</p><ul>",
            if errors > 0 { "problem" } else { "warn" }
        ));
        for d in &problems {
            out.push_str(&format!(
                "<li><code>{}</code></li>",
                escape_html(&d.to_string())
            ));
        }
        out.push_str("</ul>");
    }
    out.push_str("</section>");
}

/// The episodes dated in the future: not in the feed yet, published by the first build after
/// their date.
fn render_scheduled(out: &mut String, served: &Served) {
    let Some(urls) = served.urls.as_ref().filter(|u| !u.scheduled.is_empty()) else {
        return;
    };
    out.push_str("<section class=\"checks\"><p class=\"warn\">Scheduled (not in the feed until a build after their date):</p><ul>");
    for line in &urls.scheduled {
        out.push_str(&format!("<li>{}</li>", escape_html(line)));
    }
    out.push_str("</ul></section>");
}

fn render_show(out: &mut String, show: &AppShow, local: &Local<'_>) {
    let total_secs: u64 = show
        .episodes
        .iter()
        .filter_map(|e| e.duration.as_deref())
        .filter_map(|d| {
            let shown = display_duration(d);
            let parts: Option<Vec<u64>> = shown.split(':').map(|p| p.parse().ok()).collect();
            parts.map(|p| p.iter().fold(0, |acc, n| acc * 60 + n))
        })
        .sum();
    out.push_str("<section class=\"show\">");
    if let Some(img) = &show.image {
        out.push_str(&format!(
            "<img class=\"art\" src=\"{}\" alt=\"show artwork\">",
            escape_html(&local.href(img))
        ));
    } else {
        out.push_str("<div class=\"art missing\">no artwork</div>");
    }
    out.push_str(&format!("<div><h1>{}</h1>", escape_html(&show.title)));
    if let Some(author) = &show.author {
        out.push_str(&format!("<p class=\"author\">{}</p>", escape_html(author)));
    }
    let mut facts = vec![format!(
        "{} episode{}",
        show.episodes.len(),
        if show.episodes.len() == 1 { "" } else { "s" }
    )];
    if total_secs > 0 {
        facts.push(format!("{} in all", clock(total_secs as f64)));
    }
    facts.extend(show.categories.iter().cloned());
    if let Some(l) = &show.language {
        facts.push(l.clone());
    }
    if let Some(t) = &show.show_type {
        facts.push(t.clone());
    }
    if show.explicit.as_deref() == Some("true") {
        facts.push("explicit".into());
    }
    out.push_str(&format!(
        "<p class=\"facts\">{}</p>",
        facts
            .iter()
            .map(|f| escape_html(f))
            .collect::<Vec<_>>()
            .join(" · ")
    ));
    if let Some(d) = &show.description {
        out.push_str(&format!("<p>{}</p>", escape_html(d)));
    }
    out.push_str("</div></section><ol class=\"episodes\">");
    for e in &show.episodes {
        render_episode(out, e, local);
    }
    out.push_str("</ol>");
}

fn render_episode(out: &mut String, e: &AppEpisode, local: &Local<'_>) {
    out.push_str("<li class=\"episode\">");
    if let Some(img) = &e.image {
        out.push_str(&format!(
            "<img class=\"thumb\" src=\"{}\" alt=\"\">",
            escape_html(&local.href(img))
        ));
    }
    out.push_str("<div class=\"ep\">");
    let mut label = Vec::new();
    if let Some(s) = &e.season {
        label.push(format!("S{s}"));
    }
    if let Some(n) = &e.number {
        label.push(format!("E{n}"));
    }
    if let Some(t) = e.episode_type.as_deref().filter(|t| *t != "full") {
        label.push(t.to_string());
    }
    out.push_str(&format!(
        "<h2>{}{}</h2>",
        if label.is_empty() {
            String::new()
        } else {
            format!(
                "<span class=\"num\">{}</span> ",
                escape_html(&label.join(" "))
            )
        },
        escape_html(&e.title)
    ));
    let mut facts = episode_facts(e);
    let loudness = e.audio_url.as_deref().and_then(|url| {
        let key = local.key(url)?;
        local.loudness?.get(&key)
    });
    if let Some(figures) = loudness {
        facts.push(escape_html(figures));
    }
    out.push_str(&format!("<p class=\"facts\">{}</p>", facts.join(" · ")));
    if let Some(s) = &e.summary {
        let short: String = s.chars().take(280).collect();
        let more = if short.len() < s.len() { "…" } else { "" };
        out.push_str(&format!("<p>{}{more}</p>", escape_html(&short)));
    }
    match &e.audio_url {
        Some(url) => out.push_str(&format!(
            "<audio controls preload=\"none\" src=\"{}\"></audio>",
            escape_html(&local.href(url))
        )),
        None => out.push_str("<p class=\"problem\">no enclosure: apps cannot play this</p>"),
    }
    render_chapters(out, e, local);
    if !e.transcripts.is_empty() {
        let links: Vec<String> = e
            .transcripts
            .iter()
            .map(|(url, kind)| {
                format!(
                    "<a href=\"{}\">{}</a>",
                    escape_html(&local.href(url)),
                    escape_html(if kind.is_empty() { url } else { kind })
                )
            })
            .collect();
        out.push_str(&format!(
            "<p class=\"facts\">transcript: {}</p>",
            links.join(" · ")
        ));
    }
    out.push_str("</div></li>");
}

/// The line under an episode's title: date, duration, size, type, explicit (missing duration
/// or size shown as problems).
fn episode_facts(e: &AppEpisode) -> Vec<String> {
    let mut facts = Vec::new();
    if let Some(d) = &e.date {
        facts.push(escape_html(d));
    }
    match &e.duration {
        Some(d) => facts.push(escape_html(&display_duration(d))),
        None => facts.push("<span class=\"problem\">no duration</span>".into()),
    }
    match e.audio_length {
        Some(len) => facts.push(escape_html(&display_size(len))),
        None => facts.push("<span class=\"problem\">no size</span>".into()),
    }
    if let Some(t) = &e.audio_type {
        facts.push(escape_html(t));
    }
    if e.explicit.as_deref() == Some("true") {
        facts.push("explicit".into());
    }
    facts
}

/// The chapters an app shows, read from the episode's chapters file.
fn render_chapters(out: &mut String, e: &AppEpisode, local: &Local<'_>) {
    if let Some(url) = &e.chapters_url {
        let link = local.href(url);
        let chapters = local
            .key(url)
            .and_then(|k| local.output.bytes(&k).map(read_chapters))
            .unwrap_or_default();
        out.push_str(&format!(
            "<details><summary>{} chapters</summary><ol class=\"chapters\">",
            chapters.len()
        ));
        for (start, title) in &chapters {
            out.push_str(&format!(
                "<li><span class=\"time\">{}</span> {}</li>",
                clock(*start),
                escape_html(title)
            ));
        }
        out.push_str(&format!(
            "</ol><a href=\"{}\">chapters file</a></details>",
            escape_html(&link)
        ));
    }
}

const STYLE: &str = "body{margin:0;font:15px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;\
background:#f4f4f6;color:#1d1d1f}.bar{background:#1d1d1f;color:#f4f4f6;padding:.5em 1em}\
.bar a{color:#9ecbff}main{max-width:52rem;margin:0 auto;padding:1rem}\
.show{display:flex;gap:1.2rem;align-items:flex-start;margin:1rem 0 2rem}\
.art{width:180px;height:180px;border-radius:12px;object-fit:cover;flex:none;\
box-shadow:0 2px 12px rgba(0,0,0,.2)}.art.missing{display:grid;place-items:center;\
background:#ddd;color:#777}h1{margin:.1em 0}.author{margin:0;color:#6e6e73}\
.facts{color:#6e6e73;font-size:.9em;margin:.3em 0}.episodes{list-style:none;padding:0}\
.episode{display:flex;gap:1rem;background:#fff;border-radius:12px;padding:1rem;margin:.8rem 0}\
.thumb{width:72px;height:72px;border-radius:8px;object-fit:cover;flex:none}\
.ep{flex:1;min-width:0}h2{font-size:1.05em;margin:0}.num{color:#8e44ad;font-weight:600}\
audio{width:100%;margin:.4em 0}.time{font-variant-numeric:tabular-nums;color:#6e6e73;\
margin-right:.5em}.problem{color:#c0392b;font-weight:600}.warn{color:#b7791f;font-weight:600}\
.ok{color:#2e7d32;font-weight:600}.checks{background:#fff;border-radius:12px;padding:.6rem 1rem}\
.checks ul{margin:.3em 0;padding-left:1.2em;font-size:.9em}";

/// Answer a request under `/_onair/` (other than the event stream).
pub fn reply(req: &RequestHead, served: &Served, decoration: &str) -> Reply {
    if req.method != "GET" && req.method != "HEAD" {
        return Reply::text(405, "405 Method Not Allowed").header("Allow", "GET, HEAD");
    }
    let path = req.target.split(['?', '#']).next().unwrap_or("");
    if path == "/_onair" {
        return Reply::text(301, "301 Moved Permanently").header("Location", APP_PATH);
    }
    if path != APP_PATH {
        return Reply::text(
            404,
            "404 Not Found: onair's own pages are /_onair/ and /_onair/events",
        );
    }
    let page = super::reload::inject(render(served).as_bytes(), decoration);
    Reply::new(200, Body::Owned(page))
        .header("Content-Type", "text/html; charset=utf-8")
        .header("Cache-Control", "no-cache")
}

#[cfg(test)]
mod tests {
    #[test]
    fn list_text_decodes_what_the_page_escapes_again() {
        assert_eq!(
            super::plain_text(
                "<p>Tips &amp; <b>tricks</b></p>\n<script>x()</script><p>2 &lt; 3</p>"
            ),
            "Tips & tricks 2 < 3"
        );
    }

    use super::*;
    use std::sync::Arc;

    const FEED: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
  <title>Running in Production</title>
  <link>https://pod.example.com/</link>
  <atom:link href="https://pod.example.com/feed.xml" rel="self" type="application/rss+xml"/>
  <description><![CDATA[How <b>real</b> web apps survive.]]></description>
  <language>en</language>
  <itunes:author>Nick &amp; Co</itunes:author>
  <itunes:image href="https://pod.example.com/assets/cover.abcdef12.jpg"/>
  <itunes:category text="Business"><itunes:category text="Entrepreneurship"/></itunes:category>
  <itunes:category text="Technology"/>
  <itunes:explicit>false</itunes:explicit>
  <item>
    <title>AWS Deployments</title>
    <pubDate>Wed, 29 Jul 2015 15:00:00 +0000</pubDate>
    <enclosure url="https://pod.example.com/audio/rr218.mp3" length="28200000" type="audio/mpeg"/>
    <itunes:duration>3525</itunes:duration>
    <itunes:episode>218</itunes:episode>
    <itunes:season>3</itunes:season>
    <description>&lt;p&gt;Alex &#38; Trevor talk.&lt;/p&gt;</description>
    <podcast:chapters url="https://pod.example.com/episodes/aws/chapters.json" type="application/json+chapters"/>
    <podcast:transcript url="https://pod.example.com/episodes/aws/transcript.vtt" type="text/vtt"/>
    <podcast:transcript url="https://cdn.example.net/aws.srt" type="application/x-subrip"/>
  </item>
  <item>
    <title>Trailer</title>
    <itunes:episodeType>trailer</itunes:episodeType>
    <enclosure url="https://cdn.example.net/trailer.mp3" length="900" type="audio/mpeg"/>
  </item>
</channel>
</rss>"#;

    #[test]
    fn reads_what_apps_read() {
        let show = read_feed(FEED).unwrap();
        assert_eq!(show.title, "Running in Production");
        assert_eq!(show.author.as_deref(), Some("Nick & Co"));
        assert_eq!(
            show.description.as_deref(),
            Some("How real web apps survive.")
        );
        assert_eq!(
            show.categories,
            vec!["Business › Entrepreneurship", "Technology"]
        );
        assert_eq!(
            show.image.as_deref(),
            Some("https://pod.example.com/assets/cover.abcdef12.jpg")
        );
        assert_eq!(show.episodes.len(), 2);
        let e = &show.episodes[0];
        assert_eq!(e.title, "AWS Deployments");
        assert_eq!(e.audio_length, Some(28_200_000));
        assert_eq!(e.duration.as_deref(), Some("3525"));
        assert_eq!(e.number.as_deref(), Some("218"));
        assert_eq!(e.summary.as_deref(), Some("Alex & Trevor talk."));
        assert_eq!(e.transcripts.len(), 2);
        assert_eq!(show.episodes[1].episode_type.as_deref(), Some("trailer"));
        assert_eq!(show.episodes[1].duration, None);
    }

    #[test]
    fn broken_feeds_are_reported_not_hidden() {
        assert!(read_feed("<rss><channel><title>x</channel></rss>").is_err());
        assert!(read_feed("<html/>").is_err());
    }

    #[test]
    fn durations_and_sizes_as_apps_show_them() {
        assert_eq!(display_duration("3525"), "58:45");
        assert_eq!(display_duration("0:58:45"), "58:45");
        assert_eq!(display_duration("3725"), "1:02:05");
        assert_eq!(display_duration("45"), "0:45");
        assert_eq!(display_duration("about an hour"), "about an hour");
        assert_eq!(display_size(28_200_000), "28.2 MB");
        assert_eq!(display_size(4_600), "5 kB");
        assert_eq!(display_size(900), "900 bytes");
    }

    #[test]
    fn local_paths_only_under_the_base() {
        let base = "https://pod.example.com";
        assert_eq!(
            local_path("https://pod.example.com/audio/a.mp3", base).as_deref(),
            Some("/audio/a.mp3")
        );
        assert_eq!(local_path("https://pod.example.com.evil/a", base), None);
        assert_eq!(local_path("https://cdn.example.net/a.mp3", base), None);
        assert_eq!(
            local_path("https://x.org/show/feed.xml", "https://x.org/show/").as_deref(),
            Some("/feed.xml")
        );
    }

    #[test]
    fn page_shows_episodes_with_local_media_and_chapters() {
        let mut out = SiteOutput::new();
        out.insert_bytes("feed.xml", FEED.as_bytes().to_vec());
        out.insert_bytes("assets/cover.abcdef12.jpg", vec![0xff, 0xd8]);
        out.insert_bytes("audio/rr218.mp3", vec![0; 4]);
        out.insert_bytes(
            "episodes/aws/chapters.json",
            br#"{"version":"1.2.0","chapters":[{"startTime":0,"title":"Intro"},{"startTime":164,"title":"Alex Wood"}]}"#.to_vec(),
        );
        out.insert_bytes("episodes/aws/transcript.vtt", b"WEBVTT".to_vec());
        let served = Served {
            output: Arc::new(out),
            problems: None,
            generation: 1,
            mount: "/".into(),
            urls: None,
        };
        let page = render(&served);
        assert!(page.contains("<img class=\"art\" src=\"/assets/cover.abcdef12.jpg\""));
        assert!(page.contains("<audio controls preload=\"none\" src=\"/audio/rr218.mp3\">"));
        // Remote audio stays remote.
        assert!(page.contains("src=\"https://cdn.example.net/trailer.mp3\""));
        assert!(page.contains("58:45"));
        assert!(page.contains("28.2 MB"));
        assert!(page.contains("2 chapters"));
        assert!(page.contains("<span class=\"time\">2:44</span> Alex Wood"));
        assert!(page.contains("href=\"/episodes/aws/transcript.vtt\""));
        assert!(page.contains("<span class=\"num\">S3 E218</span>"));
        // The trailer has no duration: apps show none, the page says so.
        assert!(page.contains("no duration"));
    }

    #[test]
    fn the_loudness_the_lock_knows_is_shown_beside_the_audio() {
        let mut out = SiteOutput::new();
        out.insert_bytes("feed.xml", FEED.as_bytes().to_vec());
        out.insert_bytes("audio/rr218.mp3", vec![0; 4]);
        let served = Served {
            output: Arc::new(out),
            problems: None,
            generation: 1,
            mount: "/".into(),
            urls: Some(crate::serve::SiteUrls {
                scheduled: Vec::new(),
                loudness: [(
                    "audio/rr218.mp3".to_string(),
                    "-16.2 LUFS, -1.3 dBTP, 5.1 LU range".to_string(),
                )]
                .into(),
                base_url: "https://pod.example.com".into(),
                feed_url: "https://pod.example.com/feed.xml".into(),
            }),
        };
        let page = render(&served);
        assert!(
            page.contains(" · -16.2 LUFS, -1.3 dBTP, 5.1 LU range</p>"),
            "{page}"
        );
    }

    #[test]
    fn check_results_are_shown_with_rule_ids() {
        let mut out = SiteOutput::new();
        out.insert_bytes("feed.xml", FEED.as_bytes().to_vec());
        let served = Served {
            output: Arc::new(out),
            problems: None,
            generation: 1,
            mount: "/".into(),
            urls: Some(crate::serve::SiteUrls {
                scheduled: vec!["Knife Skills, 2027-01-05 06:00 Europe/Stockholm".into()],
                loudness: Default::default(),
                base_url: "https://pod.example.com".into(),
                feed_url: "https://pod.example.com/feed.xml".into(),
            }),
        };
        let page = render(&served);
        assert!(page.contains("onair check: "), "{page}");
        // The audio the feed points at is not published by this site: check says so.
        assert!(page.contains("feed.xml:"), "{page}");
        assert!(page.contains("error["), "{page}");
        assert!(
            page.contains("<li>Knife Skills, 2027-01-05 06:00 Europe/Stockholm</li>"),
            "{page}"
        );
    }

    #[test]
    fn a_site_without_a_feed_says_so() {
        let served = Served {
            output: Arc::new(SiteOutput::new()),
            problems: None,
            generation: 1,
            mount: "/".into(),
            urls: None,
        };
        assert!(render(&served).contains("the site publishes no feed.xml"));
    }
}
