//! The feed rules: everything that can be checked from the XML alone.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use jiff::{SignedDuration, Timestamp};

use super::data;
use super::date::parse_rfc2822;
use super::{CheckOptions, rules};
use crate::diag::Diagnostic;
use crate::xml::{self, Element, LineIndex};

/// Where feeds start being refused by some apps (rules.rs `feed-size`); onair's own feed
/// writer keeps under it.
pub const FEED_SIZE_WARNING: usize = crate::render::feed::FEED_SIZE_BUDGET;

/// Collects diagnostics for one file, placing them by byte offset.
pub(crate) struct Reporter<'a> {
    label: &'a Path,
    index: LineIndex<'a>,
    pub out: Vec<Diagnostic>,
}

impl<'a> Reporter<'a> {
    pub fn new(label: &'a Path, text: &'a str) -> Self {
        Reporter {
            label,
            index: LineIndex::new(text),
            out: Vec::new(),
        }
    }

    pub fn report(&mut self, rule: &str, pos: Option<usize>, message: impl Into<String>) {
        let r = rules::find(rule).unwrap_or_else(|| panic!("rule `{rule}` is not in the table"));
        let mut d = match r.severity {
            crate::diag::Severity::Error => Diagnostic::error(message),
            crate::diag::Severity::Warning => Diagnostic::warning(message),
        }
        .at(self.label)
        .rule(r.id);
        if let Some(pos) = pos {
            let (line, col) = self.index.line_col(pos);
            d = d.line_col(line, col);
        }
        self.out.push(d);
    }
}

/// How an item is named in messages: its title, else its guid, else its position.
pub(crate) fn item_label(item: &Element, number: usize) -> String {
    if let Some(title) = item.child_text("title").filter(|t| !t.is_empty()) {
        return title.to_string();
    }
    if let Some(guid) = item.child_text("guid").filter(|g| !g.is_empty()) {
        return format!("guid {guid}");
    }
    format!("item {number}")
}

pub(crate) fn is_absolute_http(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or("");
        !host.is_empty()
    }) && !url.chars().any(char::is_whitespace)
}

/// The lowercase extension of a URL's path, without query or fragment.
pub(crate) fn url_extension(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next()?;
    let path = path.split_once("://").map_or(path, |(_, rest)| {
        rest.split_once('/').map_or("", |(_, p)| p)
    });
    let file = path.rsplit('/').next()?;
    let (_, ext) = file.rsplit_once('.')?;
    (!ext.is_empty()).then(|| ext.to_ascii_lowercase())
}

fn is_uuid(s: &str) -> bool {
    uuid::Uuid::try_parse(s).is_ok() && s.len() == 36
}

/// The version digit of a UUID `is_uuid` accepts (the first of its third group), as written.
fn uuid_version(s: &str) -> Option<u32> {
    s.split('-').nth(2)?.chars().next()?.to_digit(16)
}

fn valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !local
            .chars()
            .any(|c| c.is_whitespace() || c == '<' || c == '>')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
}

fn valid_mime(s: &str) -> bool {
    let Some((top, sub)) = s.split_once('/') else {
        return false;
    };
    let sub = sub.split(';').next().unwrap_or("").trim();
    let token = |t: &str| {
        !t.is_empty()
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$&^_.+-".contains(c))
    };
    token(top) && token(sub)
}

fn valid_language(code: &str) -> bool {
    let mut parts = code.split('-');
    let lang = parts.next().unwrap_or("").to_ascii_lowercase();
    let known = match lang.len() {
        2 => data::ISO_639_1.contains(&lang.as_str()),
        3 => data::ISO_639_2.contains(&lang.as_str()),
        _ => false,
    };
    known
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// `SS`, `M:SS`, `MM:SS`, `H:MM:SS` (feed-rules.md rule 44, as W3C accepts). Returns seconds.
pub(crate) fn parse_duration(value: &str) -> Option<u64> {
    let parts: Vec<&str> = value.split(':').collect();
    if parts.len() > 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    if parts.len() > 1 && parts[1..].iter().any(|p| p.len() != 2 || p > &"59") {
        return None;
    }
    parts.iter().try_fold(0u64, |acc, p| {
        Some(acc.checked_mul(60)? + p.parse::<u64>().ok()?)
    })
}

fn is_positive_integer(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && s.parse::<u64>().is_ok_and(|n| n > 0)
}

/// What a category name is, for messages.
fn category_problem(name: &str, parent: Option<&str>) -> Option<String> {
    match parent {
        None => {
            if data::APPLE_CATEGORIES.iter().any(|(top, _)| *top == name) {
                return None;
            }
            if let Some((top, _)) = data::APPLE_CATEGORIES
                .iter()
                .find(|(_, subs)| subs.contains(&name))
            {
                return Some(format!(
                    "\"{name}\" is a subcategory of \"{top}\": nest it inside <itunes:category text=\"{}\">",
                    top.replace('&', "&amp;")
                ));
            }
            Some(unknown_category(name))
        }
        Some(parent) => {
            let (_, subs) = data::APPLE_CATEGORIES
                .iter()
                .find(|(top, _)| *top == parent)?;
            if subs.contains(&name) {
                return None;
            }
            if let Some((top, _)) = data::APPLE_CATEGORIES
                .iter()
                .find(|(_, subs)| subs.contains(&name))
            {
                return Some(format!(
                    "\"{name}\" belongs under \"{top}\", not \"{parent}\""
                ));
            }
            Some(unknown_category(name))
        }
    }
}

fn unknown_category(name: &str) -> String {
    if data::OBSOLETE_CATEGORIES.contains(&name) {
        return format!(
            "\"{name}\" is an obsolete (pre-2019) Apple category; pick one from the current list"
        );
    }
    let all = data::APPLE_CATEGORIES
        .iter()
        .flat_map(|(top, subs)| std::iter::once(*top).chain(subs.iter().copied()));
    let folded = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    match all.clone().find(|c| folded(c) == folded(name)) {
        Some(close) => format!("\"{name}\" is not on Apple's list; it is spelt \"{close}\""),
        None => format!("\"{name}\" is not on Apple's category list"),
    }
}

/// Tags whose text is HTML (whitespace around it does not matter).
const HTML_TAGS: &[&str] = &["description", "content:encoded", "itunes:summary"];
/// Tags with Apple's 255-character limit.
const SHORT_TAGS: &[&str] = &[
    "title",
    "itunes:title",
    "itunes:author",
    "itunes:subtitle",
    "itunes:name",
    "itunes:email",
    "itunes:keywords",
];

struct Feed<'a, 'r> {
    rep: &'r mut Reporter<'a>,
    opts: &'r CheckOptions,
    /// http (not https) URLs by host: first position and count.
    plain_http: BTreeMap<String, (usize, usize)>,
}

pub(crate) fn check_tree(root: &Element, rep: &mut Reporter<'_>, opts: &CheckOptions, size: usize) {
    let mut f = Feed {
        rep,
        opts,
        plain_http: BTreeMap::new(),
    };
    f.run(root, size);
    let plain = std::mem::take(&mut f.plain_http);
    for (host, (pos, count)) in plain {
        let places = if count == 1 {
            String::new()
        } else {
            format!(" ({count} URLs)")
        };
        f.rep.report(
            "url-https",
            Some(pos),
            format!("http://{host} is not https{places}; serve the feed, art and media over https"),
        );
    }
}

impl Feed<'_, '_> {
    fn report(&mut self, rule: &str, pos: usize, message: impl Into<String>) {
        self.rep.report(rule, Some(pos), message);
    }

    fn run(&mut self, root: &Element, size: usize) {
        if size > FEED_SIZE_WARNING {
            self.rep.report(
                "feed-size",
                None,
                format!(
                    "the feed is {:.1} MB; apps start refusing feeds over {} MB: list fewer episodes in it (in site.yaml, `feed_limit: N` keeps the newest N in the feed; the website keeps them all)",
                    size as f64 / 1_000_000.0,
                    FEED_SIZE_WARNING / 1_000_000
                ),
            );
        }
        if root.qname != "rss" {
            let hint = if root.key == "feed" || root.qname.ends_with("feed") {
                " (Atom feeds are no longer accepted by Apple)"
            } else {
                ""
            };
            self.report(
                "rss-root",
                root.pos,
                format!(
                    "the root element is <{}>, not <rss version=\"2.0\">{hint}",
                    root.qname
                ),
            );
            return;
        }
        match root.attr("version") {
            Some(v) if v.value == "2.0" => {}
            Some(v) => self.report(
                "rss-root",
                v.pos,
                format!(
                    "version=\"{}\": podcast feeds are RSS version=\"2.0\"",
                    v.value
                ),
            ),
            None => self.report("rss-root", root.pos, "<rss> has no version=\"2.0\""),
        }
        let channels: Vec<&Element> = root.children_named("channel").collect();
        let Some(channel) = channels.first() else {
            self.report("rss-root", root.pos, "<rss> has no <channel>");
            return;
        };
        for extra in &channels[1..] {
            self.report(
                "rss-root",
                extra.pos,
                "a second <channel>; a feed has exactly one",
            );
        }
        self.text_rules(root);
        self.channel(channel);
    }

    /// Whitespace and length rules, over every element.
    fn text_rules(&mut self, el: &Element) {
        if el.children.is_empty() && !HTML_TAGS.contains(&el.key.as_str()) {
            let trimmed = el.text.trim();
            if !trimmed.is_empty() && trimmed.len() != el.text.len() {
                self.report(
                    "text-whitespace",
                    el.pos,
                    format!("<{}> has leading or trailing whitespace", el.qname),
                );
            }
            if SHORT_TAGS.contains(&el.key.as_str()) && trimmed.chars().count() > 255 {
                self.report(
                    "text-length",
                    el.text_pos,
                    format!(
                        "<{}> is {} characters; Apple allows 255",
                        el.qname,
                        trimmed.chars().count()
                    ),
                );
            }
        }
        for child in &el.children {
            self.text_rules(child);
        }
    }

    /// An URL-valued place: absolute http(s), https preferred. `what` names it in messages.
    fn url(&mut self, value: &str, pos: usize, what: &str) -> bool {
        let value = value.trim();
        if value.is_empty() {
            self.report("url-absolute", pos, format!("{what} is empty"));
            return false;
        }
        if !is_absolute_http(value) {
            let why = if value.chars().any(char::is_whitespace) {
                "contains spaces; escape them as %20"
            } else {
                "is not an absolute http(s) URL"
            };
            self.report("url-absolute", pos, format!("{what} \"{value}\" {why}"));
            return false;
        }
        if let Some(rest) = value.strip_prefix("http://") {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("").to_string();
            let entry = self.plain_http.entry(host).or_insert((pos, 0));
            entry.1 += 1;
        }
        true
    }

    fn url_attr(&mut self, el: &Element, attr: &str, label: &str) -> Option<String> {
        match el.attr(attr) {
            Some(a) => {
                let what = format!("{label}<{} {attr}>", el.qname);
                self.url(&a.value, a.pos, &what)
                    .then(|| a.value.trim().to_string())
            }
            None => None,
        }
    }

    fn date(&mut self, el: &Element, label: &str) -> Option<Timestamp> {
        let value = el.text.trim();
        match parse_rfc2822(value) {
            Ok(t) => Some(t),
            Err(why) => {
                self.report(
                    "pubdate-rfc2822",
                    el.text_pos,
                    format!("{label}<{}> {why}", el.qname),
                );
                None
            }
        }
    }

    fn channel(&mut self, ch: &Element) {
        for (key, rule) in [
            ("title", "channel-title"),
            ("description", "channel-description"),
        ] {
            match ch.child(key) {
                None => self.report(rule, ch.pos, format!("<channel> has no <{key}>")),
                Some(el) if el.text.trim().is_empty() => {
                    self.report(rule, el.pos, format!("the channel <{key}> is empty"))
                }
                Some(_) => {}
            }
        }
        match ch.child("link") {
            None => self.report(
                "channel-link",
                ch.pos,
                "<channel> has no <link> to the show's website",
            ),
            Some(link) => {
                self.url(&link.text, link.text_pos, "the channel <link>");
            }
        }
        if let Some(desc) = ch.child("description") {
            let bytes = desc.text.trim().len();
            if bytes > 4000 {
                self.report(
                    "channel-description-length",
                    desc.text_pos,
                    format!("the channel <description> is {bytes} bytes; Apple allows 4000"),
                );
            }
        }
        self.html_fields(ch, "");
        match ch.child("language") {
            None => self.report(
                "language",
                ch.pos,
                "<channel> has no <language> (e.g. <language>en</language>)",
            ),
            Some(lang) => {
                let code = lang.text.trim();
                if !valid_language(code) {
                    self.report(
                        "language",
                        lang.text_pos,
                        format!("\"{code}\" is not an ISO 639 language code such as en or en-us"),
                    );
                }
            }
        }
        self.atom_self(ch);
        if let Some(image) = ch.child("image") {
            self.rss_image(ch, image);
        }
        for key in ["pubDate", "lastBuildDate"] {
            if let Some(el) = ch.child(key) {
                self.date(el, "the channel ");
            }
        }
        self.itunes_channel(ch);
        self.podcast_channel(ch);
        self.items(ch);
    }

    fn atom_self(&mut self, ch: &Element) {
        let links: Vec<&Element> = ch
            .children_named("atom:link")
            .filter(|l| l.attr_value("rel") == Some("self"))
            .collect();
        let Some(link) = links.first() else {
            self.report(
                "atom-self",
                ch.pos,
                "<channel> has no <atom:link rel=\"self\" type=\"application/rss+xml\" href=\"...\"/> with the feed's URL",
            );
            return;
        };
        let Some(href) = self.url_attr(link, "href", "") else {
            if link.attr("href").is_none() {
                self.report(
                    "atom-self",
                    link.pos,
                    "<atom:link rel=\"self\"> has no href",
                );
            }
            return;
        };
        if link.attr_value("type") != Some("application/rss+xml") {
            self.report(
                "atom-self",
                link.pos,
                "<atom:link rel=\"self\"> should have type=\"application/rss+xml\"",
            );
        }
        if let Some(expected) = &self.opts.feed_url
            && href != *expected
        {
            let pos = link.attr("href").map_or(link.pos, |a| a.pos);
            self.report(
                "atom-self",
                pos,
                format!("the self link is \"{href}\" but the feed is published at \"{expected}\""),
            );
        }
    }

    fn rss_image(&mut self, ch: &Element, image: &Element) {
        for key in ["url", "title", "link"] {
            if image.child(key).is_none() {
                self.report("rss-image", image.pos, format!("<image> has no <{key}>"));
            }
        }
        if let Some(url) = image.child("url") {
            self.url(&url.text, url.text_pos, "<image><url>");
        }
        for key in ["title", "link"] {
            if let (Some(mine), Some(theirs)) = (image.child_text(key), ch.child_text(key))
                && mine != theirs
            {
                let pos = image.child(key).map_or(image.pos, |e| e.pos);
                self.report(
                    "rss-image",
                    pos,
                    format!("<image><{key}> differs from the channel's <{key}>"),
                );
            }
        }
        for (key, max) in [("width", 144u64), ("height", 400)] {
            if let Some(el) = image.child(key) {
                match el.text.trim().parse::<u64>() {
                    Ok(n) if n <= max => {}
                    _ => self.report(
                        "rss-image",
                        el.pos,
                        format!(
                            "<image><{key}> \"{}\" is over {max} (leave it out)",
                            el.text.trim()
                        ),
                    ),
                }
            }
        }
    }

    fn itunes_image(&mut self, el: &Element, label: &str) {
        let Some(href) = el.attr("href") else {
            let hint = if el.text.trim().is_empty() {
                String::new()
            } else {
                format!(
                    " (the URL goes in href=\"{}\", not in the text)",
                    el.text.trim()
                )
            };
            self.report(
                "itunes-image",
                el.pos,
                format!("{label}<itunes:image> has no href{hint}"),
            );
            return;
        };
        if self.url(
            &href.value,
            href.pos,
            &format!("{label}<itunes:image href>"),
        ) {
            match url_extension(&href.value).as_deref() {
                Some("jpg" | "jpeg" | "png") => {}
                _ => self.report(
                    "itunes-image",
                    href.pos,
                    format!(
                        "{label}artwork \"{}\" does not end in .jpg or .png",
                        href.value.trim()
                    ),
                ),
            }
        }
    }

    fn explicit(&mut self, el: &Element, label: &str) {
        let v = el.text.trim();
        if v != "true" && v != "false" {
            let hint = match v.to_ascii_lowercase().as_str() {
                "yes" | "explicit" => " (write true)",
                "no" | "clean" => " (write false)",
                _ => "",
            };
            self.report(
                "itunes-explicit",
                el.text_pos,
                format!("{label}<itunes:explicit> is \"{v}\"; it must be true or false{hint}"),
            );
        }
    }

    fn itunes_channel(&mut self, ch: &Element) {
        match ch.child("itunes:image") {
            None => self.report(
                "itunes-image",
                ch.pos,
                "<channel> has no <itunes:image href=\"...\"/> (show artwork)",
            ),
            Some(img) => self.itunes_image(img, ""),
        }
        self.categories(ch);
        match ch.child("itunes:explicit") {
            None => self.report(
                "itunes-explicit",
                ch.pos,
                "<channel> has no <itunes:explicit>true|false</itunes:explicit>",
            ),
            Some(e) => self.explicit(e, ""),
        }
        match ch.child("itunes:author") {
            Some(a) if !a.text.trim().is_empty() => {}
            Some(a) => self.report("itunes-author", a.pos, "<itunes:author> is empty"),
            None => self.report(
                "itunes-author",
                ch.pos,
                "<channel> has no <itunes:author> (Spotify requires one)",
            ),
        }
        match ch.child("itunes:owner") {
            None => self.report(
                "itunes-owner",
                ch.pos,
                "<channel> has no <itunes:owner> with <itunes:email> (Spotify and YouTube verify ownership by that address)",
            ),
            Some(owner) => match owner.child("itunes:email") {
                None => self.report("itunes-owner", owner.pos, "<itunes:owner> has no <itunes:email>"),
                Some(email) if !valid_email(email.text.trim()) => self.report(
                    "itunes-owner",
                    email.text_pos,
                    format!("\"{}\" is not an email address", email.text.trim()),
                ),
                Some(_) => {}
            },
        }
        if let Some(t) = ch.child("itunes:type") {
            let v = t.text.trim();
            if v != "episodic" && v != "serial" {
                self.report(
                    "itunes-type",
                    t.text_pos,
                    format!("<itunes:type> is \"{v}\"; it must be episodic or serial"),
                );
            }
        }
        for (key, rule) in [
            ("itunes:block", "itunes-block"),
            ("itunes:complete", "itunes-complete"),
        ] {
            if let Some(el) = ch.child(key) {
                self.yes_flag(el, rule, "");
            }
        }
        if let Some(el) = ch.child("itunes:new-feed-url") {
            self.url(&el.text, el.text_pos, "<itunes:new-feed-url>");
        }
    }

    fn yes_flag(&mut self, el: &Element, rule: &str, label: &str) {
        let v = el.text.trim();
        if v != "Yes" {
            self.report(
                rule,
                el.text_pos,
                format!(
                    "{label}<{}> is \"{v}\"; only Yes has an effect (leave the tag out otherwise)",
                    el.qname
                ),
            );
        }
    }

    fn categories(&mut self, ch: &Element) {
        let cats: Vec<&Element> = ch.children_named("itunes:category").collect();
        if cats.is_empty() {
            self.report(
                "itunes-category",
                ch.pos,
                "<channel> has no <itunes:category text=\"...\"/> from Apple's list",
            );
        }
        for cat in cats {
            let Some(text) = cat.attr("text") else {
                self.report(
                    "itunes-category",
                    cat.pos,
                    "<itunes:category> has no text attribute",
                );
                continue;
            };
            if let Some(why) = category_problem(&text.value, None) {
                self.report("itunes-category", text.pos, why);
                continue;
            }
            for sub in &cat.children {
                if sub.key != "itunes:category" {
                    continue;
                }
                let Some(sub_text) = sub.attr("text") else {
                    self.report(
                        "itunes-category",
                        sub.pos,
                        "<itunes:category> has no text attribute",
                    );
                    continue;
                };
                if let Some(why) = category_problem(&sub_text.value, Some(&text.value)) {
                    self.report("itunes-category", sub_text.pos, why);
                }
                if let Some(deeper) = sub.child("itunes:category") {
                    self.report(
                        "itunes-category",
                        deeper.pos,
                        "categories nest only two levels (category > subcategory)",
                    );
                }
            }
        }
    }

    fn podcast_channel(&mut self, ch: &Element) {
        let guids: Vec<&Element> = ch.children_named("podcast:guid").collect();
        match guids.first() {
            None => self.report(
                "podcast-guid",
                ch.pos,
                "<channel> has no <podcast:guid> (the show's permanent id, kept when the feed moves)",
            ),
            Some(g) => {
                let v = g.text.trim();
                if !is_uuid(v) {
                    self.report(
                        "podcast-guid-uuid",
                        g.text_pos,
                        format!("<podcast:guid> \"{v}\" is not a UUID; the Podcasting 2.0 namespace requires a UUIDv5 of the feed URL"),
                    );
                } else if let Some(version) = uuid_version(v).filter(|&n| n != 5) {
                    self.report(
                        "podcast-guid",
                        g.text_pos,
                        format!("<podcast:guid> \"{v}\" is a version {version} UUID; the Podcasting 2.0 namespace asks for a UUIDv5 of the feed URL (keep this one if apps already know it)"),
                    );
                }
                for extra in &guids[1..] {
                    self.report("podcast-guid", extra.pos, "a second <podcast:guid>; a feed has one");
                }
            }
        }
        match ch.child("podcast:locked") {
            None => self.report(
                "podcast-locked",
                ch.pos,
                "<channel> has no <podcast:locked owner=\"email\">yes|no</podcast:locked>",
            ),
            Some(l) => {
                let v = l.text.trim();
                if v != "yes" && v != "no" {
                    self.report(
                        "podcast-locked",
                        l.text_pos,
                        format!("<podcast:locked> is \"{v}\"; it must be yes or no"),
                    );
                }
                match l.attr("owner") {
                    None => self.report(
                        "podcast-locked",
                        l.pos,
                        "<podcast:locked> has no owner=\"email\"; partytime (Podcast Index) ignores it without one",
                    ),
                    Some(o) if !valid_email(o.value.trim()) => self.report(
                        "podcast-locked",
                        o.pos,
                        format!("owner \"{}\" is not an email address", o.value),
                    ),
                    Some(_) => {}
                }
            }
        }
        if let Some(m) = ch.child("podcast:medium") {
            let v = m.text.trim();
            let known = v == "mixed"
                || data::PODCAST_MEDIUMS.contains(&v)
                || v.strip_suffix('L')
                    .is_some_and(|base| data::PODCAST_MEDIUMS.contains(&base));
            if !known {
                self.report(
                    "podcast-medium",
                    m.text_pos,
                    format!("<podcast:medium> \"{v}\" is not a listed medium"),
                );
            }
        }
        for el in ch.children_named("podcast:trailer") {
            self.trailer(el);
        }
        self.podcast_common(ch, "");
    }

    /// Tags allowed in both channel and item: funding and person.
    fn podcast_common(&mut self, el: &Element, label: &str) {
        for f in el.children_named("podcast:funding") {
            if f.attr("url").is_none() {
                self.report(
                    "podcast-funding",
                    f.pos,
                    format!("{label}<podcast:funding> has no url"),
                );
            } else if let Some(u) = f.attr("url")
                && !is_absolute_http(u.value.trim())
            {
                self.report(
                    "podcast-funding",
                    u.pos,
                    format!(
                        "{label}<podcast:funding url> \"{}\" is not an absolute URL",
                        u.value
                    ),
                );
            } else {
                self.url_attr(f, "url", label);
            }
            let n = f.text.trim().chars().count();
            if n == 0 || n > 128 {
                self.report(
                    "podcast-funding",
                    f.pos,
                    format!(
                        "{label}<podcast:funding> needs a label of 1 to 128 characters (has {n})"
                    ),
                );
            }
        }
        for p in el.children_named("podcast:person") {
            let n = p.text.trim().chars().count();
            if n == 0 || n > 128 {
                self.report(
                    "podcast-person",
                    p.pos,
                    format!(
                        "{label}<podcast:person> needs a name of 1 to 128 characters (has {n})"
                    ),
                );
            }
            for attr in ["img", "href"] {
                if let Some(a) = p.attr(attr)
                    && !is_absolute_http(a.value.trim())
                {
                    self.report(
                        "podcast-person",
                        a.pos,
                        format!(
                            "{label}<podcast:person {attr}> \"{}\" is not an absolute URL",
                            a.value
                        ),
                    );
                } else {
                    self.url_attr(p, attr, label);
                }
            }
            if let Some(role) = p.attr("role")
                && !data::PERSON_ROLES.contains(&role.value.trim().to_lowercase().as_str())
            {
                self.report(
                    "podcast-person-role",
                    role.pos,
                    format!(
                        "{label}role \"{}\" is not in the Podcasting 2.0 taxonomy",
                        role.value
                    ),
                );
            }
            if let Some(group) = p.attr("group")
                && !data::PERSON_GROUPS.contains(&group.value.trim().to_lowercase().as_str())
            {
                self.report(
                    "podcast-person-role",
                    group.pos,
                    format!(
                        "{label}group \"{}\" is not in the Podcasting 2.0 taxonomy",
                        group.value
                    ),
                );
            }
        }
    }

    fn trailer(&mut self, el: &Element) {
        match el.attr("url") {
            None => self.report("podcast-trailer", el.pos, "<podcast:trailer> has no url"),
            Some(u) if !is_absolute_http(u.value.trim()) => self.report(
                "podcast-trailer",
                u.pos,
                format!(
                    "<podcast:trailer url> \"{}\" is not an absolute URL",
                    u.value
                ),
            ),
            Some(_) => {
                self.url_attr(el, "url", "");
            }
        }
        match el.attr("pubdate") {
            None => self.report(
                "podcast-trailer",
                el.pos,
                "<podcast:trailer> has no pubdate",
            ),
            Some(d) => {
                if let Err(why) = parse_rfc2822(d.value.trim()) {
                    self.report(
                        "podcast-trailer",
                        d.pos,
                        format!("<podcast:trailer pubdate> {why}"),
                    );
                }
            }
        }
        let n = el.text.trim().chars().count();
        if n == 0 || n > 128 {
            self.report(
                "podcast-trailer",
                el.pos,
                format!("<podcast:trailer> needs a title of 1 to 128 characters (has {n})"),
            );
        }
        if let Some(len) = el.attr("length")
            && !len.value.trim().bytes().all(|b| b.is_ascii_digit())
        {
            self.report(
                "podcast-trailer",
                len.pos,
                format!(
                    "<podcast:trailer length> \"{}\" is not a number of bytes",
                    len.value
                ),
            );
        }
        if let Some(t) = el.attr("type")
            && !valid_mime(t.value.trim())
        {
            self.report(
                "podcast-trailer",
                t.pos,
                format!("<podcast:trailer type> \"{}\" is not a MIME type", t.value),
            );
        }
        if let Some(s) = el.attr("season")
            && s.value.trim().parse::<u64>().is_err()
        {
            self.report(
                "podcast-trailer",
                s.pos,
                format!("<podcast:trailer season> \"{}\" is not a number", s.value),
            );
        }
    }

    /// description and content:encoded: raw markup, order, relative links, unsafe tags.
    fn html_fields(&mut self, el: &Element, label: &str) {
        let mut seen_description = false;
        for child in &el.children {
            match child.key.as_str() {
                "description" => seen_description = true,
                "content:encoded" if !seen_description && el.child("description").is_some() => {
                    self.report(
                        "content-order",
                        child.pos,
                        format!("{label}<content:encoded> comes before <description>; put <description> first"),
                    );
                }
                _ => {}
            }
            if !HTML_TAGS.contains(&child.key.as_str()) {
                continue;
            }
            if let Some(raw) = child.children.first() {
                self.report(
                    "description-html",
                    raw.pos,
                    format!(
                        "{label}<{}> contains a raw <{}> element; wrap the HTML in <![CDATA[ ... ]]> or escape it",
                        child.qname, raw.qname
                    ),
                );
            }
            for found in super::html::scan(&child.text) {
                let pos = super::html::source_pos(child, found.offset);
                match found.kind {
                    super::html::Kind::RelativeUrl(url) => self.report(
                        "html-relative-url",
                        pos,
                        format!("{label}<{}> links to relative \"{url}\"; apps cannot follow it, make it absolute", child.qname),
                    ),
                    super::html::Kind::UnsafeTag(tag) => self.report(
                        "html-unsafe",
                        pos,
                        format!("{label}<{}> contains <{tag}>, which apps strip or refuse", child.qname),
                    ),
                }
            }
        }
    }

    fn items(&mut self, ch: &Element) {
        let serial = ch.child_text("itunes:type") == Some("serial");
        let mut seen = ItemsSeen::default();
        for (i, item) in ch.children_named("item").enumerate() {
            self.item(item, i, serial, &mut seen);
        }
        // A list feed (podcast:medium `publisher`, or a medium ending in L such as `podcastL`)
        // lists other feeds in <podcast:remoteItem> and has no episodes of its own.
        let list_feed = ch
            .child("podcast:medium")
            .map(|m| m.text.trim())
            .is_some_and(|m| m == "publisher" || (m.len() > 1 && m.ends_with('L')));
        if seen.episodes == 0 && !(list_feed && ch.child("podcast:remoteItem").is_some()) {
            self.report(
                "channel-episodes",
                ch.pos,
                "the feed has no episode (no <item> with an <enclosure>); directories refuse empty feeds",
            );
        }
    }

    /// The `i`-th item (0-based): every rule of an item, and the ones across items in `seen`.
    fn item(&mut self, item: &Element, i: usize, serial: bool, seen: &mut ItemsSeen) {
        let label = item_label(item, i + 1);
        let lp = format!("{label}: ");
        match item.child("title") {
            Some(t) if !t.text.trim().is_empty() => {}
            Some(t) => self.report("item-title", t.pos, format!("{lp}<title> is empty")),
            None => self.report(
                "item-title",
                item.pos,
                format!("{lp}the item has no <title>"),
            ),
        }
        self.item_enclosures(item, &label, &lp, seen);
        self.item_guid(item, &label, &lp, seen);
        self.item_date(item, &label, &lp, serial, seen);
        if let Some(d) = item.child("description") {
            let bytes = d.text.trim().len();
            if bytes > 4000 {
                self.report(
                    "item-description-length",
                    d.text_pos,
                    format!("{lp}<description> is {bytes} bytes; Apple shows 4000 (put full notes in <content:encoded>)"),
                );
            }
        }
        self.html_fields(item, &lp);
        match item.child("link") {
            None => self.report(
                "item-link",
                item.pos,
                format!("{lp}the item has no <link> to its episode page"),
            ),
            Some(l) => {
                self.url(&l.text, l.text_pos, &format!("{lp}<link>"));
            }
        }
        self.itunes_item(item, &lp, serial);
        self.podcast_item(item, &lp);
    }

    fn item_enclosures(&mut self, item: &Element, label: &str, lp: &str, seen: &mut ItemsSeen) {
        let encs: Vec<&Element> = item.children_named("enclosure").collect();
        match encs.len() {
            0 => self.report(
                "item-enclosure",
                item.pos,
                format!("{lp}the item has no <enclosure>, so it is not an episode"),
            ),
            1 => {}
            n => self.report(
                "item-enclosure",
                encs[1].pos,
                format!("{lp}the item has {n} enclosures; give each file its own item"),
            ),
        }
        let Some(enc) = encs.first() else {
            return;
        };
        seen.episodes += 1;
        let Some(url) = self.enclosure(enc, lp) else {
            return;
        };
        if let Some(first) = seen.enclosures.get(&url) {
            self.report(
                "enclosure-unique",
                enc.attr("url").map_or(enc.pos, |a| a.pos),
                format!("{lp}\"{url}\" is also the enclosure of {first}; Apple ignores a reused enclosure URL"),
            );
        } else {
            seen.enclosures.insert(url, label.to_string());
        }
    }

    fn item_guid(&mut self, item: &Element, label: &str, lp: &str, seen: &mut ItemsSeen) {
        let Some(g) = item.child("guid") else {
            self.report("item-guid", item.pos, format!("{lp}the item has no <guid>"));
            return;
        };
        let v = g.text.trim();
        if v.is_empty() {
            self.report("item-guid", g.pos, format!("{lp}<guid> is empty"));
            return;
        }
        if let Some((_, other)) = seen.guids.get(v) {
            self.report(
                "guid-unique",
                g.text_pos,
                format!("{lp}guid \"{v}\" is also the guid of {other}"),
            );
        } else {
            seen.guids.insert(v.to_string(), (g.pos, label.to_string()));
        }
        self.guid_form(g, v, lp);
    }

    fn item_date(
        &mut self,
        item: &Element,
        label: &str,
        lp: &str,
        serial: bool,
        seen: &mut ItemsSeen,
    ) {
        let Some(d) = item.child("pubDate") else {
            self.report(
                "item-pubdate",
                item.pos,
                format!("{lp}the item has no <pubDate>"),
            );
            return;
        };
        let Some(t) = self.date(d, lp) else {
            return;
        };
        if t > self.opts.now + SignedDuration::from_mins(10) {
            self.report(
                "pubdate-future",
                d.text_pos,
                format!(
                    "{lp}<pubDate> {} is in the future; apps hide or misorder it",
                    d.text.trim()
                ),
            );
        }
        if !serial
            && !seen.order_reported
            && let Some((prev, prev_label)) = &seen.previous_date
            && t > *prev
        {
            seen.order_reported = true;
            let prev_label = prev_label.clone();
            self.report(
                "item-order",
                item.pos,
                format!("{lp}is newer than the item before it ({prev_label}); list episodes newest first"),
            );
        }
        seen.previous_date = Some((t, label.to_string()));
    }

    fn guid_form(&mut self, g: &Element, v: &str, lp: &str) {
        let permalink = match g.attr("isPermaLink") {
            None => true,
            Some(a) if a.value == "true" => true,
            Some(a) if a.value == "false" => false,
            Some(a) => {
                self.report(
                    "guid-permalink",
                    a.pos,
                    format!("{lp}isPermaLink=\"{}\" must be true or false", a.value),
                );
                return;
            }
        };
        if permalink && !is_absolute_http(v) {
            self.report(
                "guid-permalink",
                g.pos,
                format!("{lp}guid \"{v}\" is not a URL, so it needs isPermaLink=\"false\""),
            );
        }
        if !permalink && v.len() < 9 && v.bytes().all(|b| b.is_ascii_digit()) {
            self.report(
                "guid-short",
                g.text_pos,
                format!(
                    "{lp}guid \"{v}\" is a short number, which other feeds use too; use a UUID"
                ),
            );
        }
    }

    /// Returns the URL when it is usable, for the uniqueness check.
    fn enclosure(&mut self, enc: &Element, lp: &str) -> Option<String> {
        let url = self.enclosure_url(enc, lp);
        let ext = url.as_deref().and_then(url_extension);
        let known = ext
            .as_deref()
            .and_then(|e| data::MEDIA_TYPES.iter().find(|(x, _)| *x == e));
        self.enclosure_extension(enc, url.as_deref(), ext.as_deref(), known.is_some(), lp);
        self.enclosure_length(enc, lp);
        self.enclosure_type(enc, known.copied(), lp);
        url
    }

    /// The enclosure's url when it is an absolute http(s) URL.
    fn enclosure_url(&mut self, enc: &Element, lp: &str) -> Option<String> {
        match enc.attr("url") {
            None => {
                self.report(
                    "enclosure-url",
                    enc.pos,
                    format!("{lp}<enclosure> has no url"),
                );
                None
            }
            Some(u) => {
                let v = u.value.trim();
                if !is_absolute_http(v) {
                    let why = if v.chars().any(char::is_whitespace) {
                        "contains spaces (escape them as %20)"
                    } else {
                        "is not an absolute http(s) URL"
                    };
                    self.report(
                        "enclosure-url",
                        u.pos,
                        format!("{lp}enclosure url \"{v}\" {why}"),
                    );
                    None
                } else {
                    self.url(v, u.pos, &format!("{lp}enclosure url"));
                    Some(v.to_string())
                }
            }
        }
    }

    /// A media file extension Apple plays.
    fn enclosure_extension(
        &mut self,
        enc: &Element,
        url: Option<&str>,
        ext: Option<&str>,
        known: bool,
        lp: &str,
    ) {
        let (Some(u), Some(v)) = (enc.attr("url"), url) else {
            return;
        };
        if !known {
            self.report(
                "enclosure-url",
                u.pos,
                format!("{lp}enclosure url \"{v}\" does not end in a media file extension (.mp3, .m4a, ...); Apple decides by it"),
            );
            return;
        }
        let e = ext.unwrap_or_default();
        if !data::APPLE_EXTENSIONS.contains(&e) {
            self.report(
                "enclosure-format",
                u.pos,
                format!("{lp}Apple Podcasts does not play .{e} files; publish MP3 or AAC (.m4a)"),
            );
        }
    }

    fn enclosure_length(&mut self, enc: &Element, lp: &str) {
        match enc.attr("length") {
            None => self.report(
                "enclosure-length",
                enc.pos,
                format!("{lp}<enclosure> has no length (the file size in bytes)"),
            ),
            Some(l) => {
                let v = l.value.trim();
                if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
                    self.report(
                        "enclosure-length",
                        l.pos,
                        format!("{lp}length \"{v}\" is not a number of bytes"),
                    );
                } else if v.parse::<u64>().map_or(true, |n| n == 0) {
                    self.report(
                        "enclosure-length",
                        l.pos,
                        format!("{lp}length is 0; give the file's size in bytes (apps read 0 as unknown)"),
                    );
                }
            }
        }
    }

    /// A MIME type, and the right one for a known extension.
    fn enclosure_type(&mut self, enc: &Element, known: Option<(&str, &[&str])>, lp: &str) {
        match enc.attr("type") {
            None => self.report(
                "enclosure-type",
                enc.pos,
                format!("{lp}<enclosure> has no type (e.g. audio/mpeg)"),
            ),
            Some(t) => {
                let v = t.value.trim();
                if !valid_mime(v) {
                    self.report(
                        "enclosure-type",
                        t.pos,
                        format!("{lp}type \"{v}\" is not a MIME type"),
                    );
                } else if let Some((e, types)) = known {
                    let base = v.split(';').next().unwrap_or(v).trim().to_ascii_lowercase();
                    if !types.contains(&base.as_str()) {
                        self.report(
                            "enclosure-type",
                            t.pos,
                            format!(
                                "{lp}type \"{v}\" is wrong for a .{e} file; use {}",
                                types[0]
                            ),
                        );
                    }
                } else if v.eq_ignore_ascii_case("audio/mp3") {
                    self.report(
                        "enclosure-type",
                        t.pos,
                        format!("{lp}type \"audio/mp3\" is not registered; MP3 is audio/mpeg"),
                    );
                }
            }
        }
    }

    fn itunes_item(&mut self, item: &Element, lp: &str, serial: bool) {
        match item.child("itunes:duration") {
            None => self.report(
                "itunes-duration",
                item.pos,
                format!("{lp}the item has no <itunes:duration>"),
            ),
            Some(d) => {
                let v = d.text.trim();
                match parse_duration(v) {
                    None => {
                        let hint = if v.contains('.') {
                            " (no fractions: round to whole seconds)"
                        } else {
                            ""
                        };
                        self.report(
                            "itunes-duration-format",
                            d.text_pos,
                            format!("{lp}<itunes:duration> \"{v}\" is not seconds, MM:SS or H:MM:SS{hint}"),
                        );
                    }
                    Some(0) => self.report(
                        "itunes-duration",
                        d.text_pos,
                        format!("{lp}<itunes:duration> is 0"),
                    ),
                    Some(_) => {}
                }
            }
        }
        match item.child("itunes:explicit") {
            None => self.report(
                "item-explicit",
                item.pos,
                format!("{lp}the item has no <itunes:explicit>"),
            ),
            Some(e) => self.explicit(e, lp),
        }
        if let Some(img) = item.child("itunes:image") {
            self.itunes_image(img, lp);
        }
        for key in ["itunes:episode", "itunes:season"] {
            if let Some(el) = item.child(key) {
                let v = el.text.trim();
                if !is_positive_integer(v) {
                    self.report(
                        "itunes-episode",
                        el.text_pos,
                        format!("{lp}<{}> \"{v}\" is not a positive whole number", el.qname),
                    );
                }
            }
        }
        if serial && item.child("itunes:episode").is_none() {
            self.report(
                "itunes-type",
                item.pos,
                format!("{lp}a serial show needs <itunes:episode> on every item"),
            );
        }
        if let Some(t) = item.child("itunes:episodeType") {
            let v = t.text.trim();
            if !matches!(v, "full" | "trailer" | "bonus") {
                self.report(
                    "itunes-episode-type",
                    t.text_pos,
                    format!(
                        "{lp}<itunes:episodeType> is \"{v}\"; it must be full, trailer or bonus"
                    ),
                );
            }
        }
        if let Some(el) = item.child("itunes:block") {
            self.yes_flag(el, "itunes-block", lp);
        }
    }

    fn podcast_item(&mut self, item: &Element, lp: &str) {
        self.podcast_transcripts(item, lp);
        self.podcast_chapters(item, lp);
        self.podcast_numbers(item, lp);
        self.podcast_common(item, lp);
    }

    /// Each `<podcast:transcript>`: an absolute url and a known type.
    fn podcast_transcripts(&mut self, item: &Element, lp: &str) {
        for t in item.children_named("podcast:transcript") {
            match t.attr("url") {
                None => self.report(
                    "podcast-transcript",
                    t.pos,
                    format!("{lp}<podcast:transcript> has no url"),
                ),
                Some(u) if !is_absolute_http(u.value.trim()) => self.report(
                    "podcast-transcript",
                    u.pos,
                    format!(
                        "{lp}<podcast:transcript url> \"{}\" is not an absolute URL",
                        u.value
                    ),
                ),
                Some(_) => {
                    self.url_attr(t, "url", lp);
                }
            }
            match t.attr("type") {
                None => self.report(
                    "podcast-transcript",
                    t.pos,
                    format!("{lp}<podcast:transcript> has no type"),
                ),
                Some(ty) if !data::TRANSCRIPT_TYPES.contains(&ty.value.trim()) => self.report(
                    "podcast-transcript",
                    ty.pos,
                    format!(
                        "{lp}transcript type \"{}\" is not one of {}",
                        ty.value,
                        data::TRANSCRIPT_TYPES.join(", ")
                    ),
                ),
                Some(_) => {}
            }
        }
    }

    /// One `<podcast:chapters>`, with an absolute url and the JSON chapters type.
    fn podcast_chapters(&mut self, item: &Element, lp: &str) {
        let chapters: Vec<&Element> = item.children_named("podcast:chapters").collect();
        for (n, c) in chapters.iter().enumerate() {
            if n > 0 {
                self.report(
                    "podcast-chapters",
                    c.pos,
                    format!("{lp}a second <podcast:chapters>; an item has one"),
                );
            }
            match c.attr("url") {
                None => self.report(
                    "podcast-chapters",
                    c.pos,
                    format!("{lp}<podcast:chapters> has no url"),
                ),
                Some(u) if !is_absolute_http(u.value.trim()) => self.report(
                    "podcast-chapters",
                    u.pos,
                    format!(
                        "{lp}<podcast:chapters url> \"{}\" is not an absolute URL",
                        u.value
                    ),
                ),
                Some(_) => {
                    self.url_attr(c, "url", lp);
                }
            }
            match c.attr("type") {
                Some(t) if t.value.trim() == "application/json+chapters" => {}
                Some(t) => self.report(
                    "podcast-chapters",
                    t.pos,
                    format!(
                        "{lp}chapters type \"{}\" must be application/json+chapters",
                        t.value
                    ),
                ),
                None => self.report(
                    "podcast-chapters",
                    c.pos,
                    format!("{lp}<podcast:chapters> has no type=\"application/json+chapters\""),
                ),
            }
        }
    }

    /// `<podcast:season>` and `<podcast:episode>`: numbers, and their names' lengths.
    fn podcast_numbers(&mut self, item: &Element, lp: &str) {
        if let Some(s) = item.child("podcast:season") {
            if s.text.trim().parse::<u64>().is_err() {
                self.report(
                    "podcast-season",
                    s.text_pos,
                    format!(
                        "{lp}<podcast:season> \"{}\" is not a whole number",
                        s.text.trim()
                    ),
                );
            }
            if let Some(name) = s.attr("name")
                && name.value.chars().count() > 128
            {
                self.report(
                    "podcast-season",
                    name.pos,
                    format!("{lp}<podcast:season name> is over 128 characters"),
                );
            }
        }
        if let Some(e) = item.child("podcast:episode") {
            let v = e.text.trim();
            if v.parse::<f64>().map_or(true, |n| !n.is_finite() || n < 0.0) || v.is_empty() {
                self.report(
                    "podcast-episode",
                    e.text_pos,
                    format!("{lp}<podcast:episode> \"{v}\" is not a number"),
                );
            }
            if let Some(d) = e.attr("display")
                && d.value.chars().count() > 32
            {
                self.report(
                    "podcast-episode",
                    d.pos,
                    format!("{lp}<podcast:episode display> is over 32 characters"),
                );
            }
        }
    }
}

/// Parse and check one feed.
pub(crate) fn check(xml_text: &str, label: &Path, opts: &CheckOptions) -> Vec<Diagnostic> {
    check_parsed(xml_text, &xml::parse(xml_text), label, opts)
}

/// Check a feed already read into `doc` (callers that also need the tree parse once).
pub(crate) fn check_parsed(
    xml_text: &str,
    doc: &xml::Document,
    label: &Path,
    opts: &CheckOptions,
) -> Vec<Diagnostic> {
    let mut rep = Reporter::new(label, xml_text);
    for p in &doc.problems {
        rep.report(p.rule, Some(p.pos), p.message.clone());
    }
    if let Some(root) = &doc.root {
        check_tree(root, &mut rep, opts, xml_text.len());
    }
    let mut out = rep.out;
    // By place in the file; problems without a place (feed size) first.
    out.sort_by_key(|d| (d.line, d.col));
    out
}

/// What the item rules remember from one item to the next.
#[derive(Default)]
struct ItemsSeen {
    /// guid -> (its position, the item's label).
    guids: HashMap<String, (usize, String)>,
    /// enclosure URL -> the item's label.
    enclosures: HashMap<String, String>,
    /// Items with an enclosure.
    episodes: usize,
    previous_date: Option<(Timestamp, String)>,
    order_reported: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_feed_lists_feeds_instead_of_episodes() {
        let feed = |medium: &str, remote: &str| {
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:podcast=\"https://podcastindex.org/namespace/1.0\"><channel><title>N</title><podcast:medium>{medium}</podcast:medium>{remote}</channel></rss>"
            )
        };
        let remote = "<podcast:remoteItem feedGuid=\"917393e3-1b1e-5cef-ace4-edaa54e1f810\"/>";
        let flagged = |xml: &str| {
            check(xml, Path::new("f.xml"), &CheckOptions::default())
                .iter()
                .any(|d| d.rule.as_deref() == Some("channel-episodes"))
        };
        assert!(!flagged(&feed("publisher", remote)));
        assert!(!flagged(&feed("podcastL", remote)));
        assert!(flagged(&feed("publisher", "")), "a list of nothing");
        assert!(
            flagged(&feed("podcast", remote)),
            "a podcast needs episodes"
        );
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1801"), Some(1801));
        assert_eq!(parse_duration("30:01"), Some(1801));
        assert_eq!(parse_duration("0:30:01"), Some(1801));
        assert_eq!(parse_duration("1801.5"), None);
        assert_eq!(parse_duration("00:8:19"), None);
        assert_eq!(parse_duration("1:60"), None);
        assert_eq!(parse_duration(""), None);
    }

    #[test]
    fn categories() {
        assert_eq!(category_problem("Technology", None), None);
        assert_eq!(
            category_problem("Documentary", Some("Society & Culture")),
            None
        );
        assert!(
            category_problem("Tech News", Some("Technology"))
                .unwrap()
                .contains("under \"News\"")
        );
        assert!(
            category_problem("Technology News", Some("News"))
                .unwrap()
                .contains("not on Apple's")
        );
        assert!(
            category_problem("Stand Up", Some("Comedy"))
                .unwrap()
                .contains("spelt \"Stand-Up\"")
        );
        assert!(
            category_problem("Games & Hobbies", None)
                .unwrap()
                .contains("obsolete")
        );
        assert!(
            category_problem("Documentary", None)
                .unwrap()
                .contains("subcategory of \"Society & Culture\"")
        );
    }

    #[test]
    fn urls_and_languages() {
        assert!(is_absolute_http("https://example.com/a.mp3"));
        assert!(!is_absolute_http("/a.mp3"));
        assert!(!is_absolute_http("https://example.com/a b.mp3"));
        assert!(!is_absolute_http("https:///a.mp3"));
        assert_eq!(
            url_extension("https://x.com/a/b.MP3?x=1").as_deref(),
            Some("mp3")
        );
        assert_eq!(url_extension("https://x.com/a/b").as_deref(), None);
        assert_eq!(url_extension("https://x.com").as_deref(), None);
        assert!(valid_language("en"));
        assert!(valid_language("en-us"));
        assert!(valid_language("pt-BR"));
        assert!(!valid_language("english"));
        assert!(!valid_language("xx"));
    }
}
