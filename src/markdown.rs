//! The one place Markdown is turned into HTML: pulldown-cmark with tables, footnotes,
//! strikethrough and heading ids. Each document is rendered twice from one event list: for the
//! web page (links as written) and for the feed, where apps need absolute URLs (rule 15).

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

/// What a Markdown document becomes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    /// HTML for the site's pages (shared with the page's view, not copied).
    pub html: std::sync::Arc<str>,
    /// The same HTML with every link and image URL made absolute, for the feed. (The same
    /// string as `html` when that is already so.)
    pub feed_html: std::sync::Arc<str>,
    /// The text of the first paragraph, for summaries and descriptions.
    pub first_paragraph: String,
}

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
}

/// Renders an episode's show notes; `page_url` is the absolute URL of the page it appears on,
/// against which relative links are resolved for the feed. Timestamp lines (`00:00 - Welcome`
/// one under another) stay lines, and each timestamp becomes a link that plays the episode
/// from that time (`#t=SECONDS`, as the chapter list's links; in the feed, the episode page's
/// URL with it).
pub fn render(markdown: &str, page_url: &str) -> Rendered {
    render_with(markdown, page_url, true)
}

/// Renders a page that has no player: timestamp lines stay lines, and are not links.
pub fn render_page(markdown: &str, page_url: &str) -> Rendered {
    render_with(markdown, page_url, false)
}

fn render_with(markdown: &str, page_url: &str, link_times: bool) -> Rendered {
    let mut events: Vec<Event<'_>> = Parser::new_ext(markdown, options()).collect();
    add_heading_ids(&mut events);
    let first_paragraph = first_paragraph_text(&events);
    let events = timestamp_lines(events, link_times);

    let mut page_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut page_html, events.iter().cloned());
    let page_html: std::sync::Arc<str> = page_html.into();
    if !feed_differs(&events, page_url) {
        return Rendered {
            feed_html: page_html.clone(),
            html: page_html,
            first_paragraph,
        };
    }

    Rendered {
        html: page_html,
        feed_html: feed_html(events, page_url).into(),
        first_paragraph,
    }
}

/// The notes' HTML for the feed, from their events.
fn feed_html(events: Vec<Event<'_>>, page_url: &str) -> String {
    let feed_events = feed_safe(
        page_url,
        events.into_iter().map(|ev| match ev {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                link_type,
                dest_url: feed_url(&dest_url, page_url).into(),
                title,
                id,
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Image {
                link_type,
                dest_url: feed_url(&dest_url, page_url).into(),
                title,
                id,
            }),
            other => other,
        }),
    );
    let mut feed_html = String::new();
    html::push_html(&mut feed_html, feed_events);

    feed_html
}

/// Whether the feed needs HTML of its own: raw HTML to clean, or a link or image URL that is
/// not already absolute and harmless. Most show notes need neither, and are then rendered once.
fn feed_differs(events: &[Event<'_>], page_url: &str) -> bool {
    events.iter().any(|ev| match ev {
        Event::Html(_) | Event::InlineHtml(_) | Event::Start(Tag::HtmlBlock) => true,
        Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
            feed_url(dest_url, page_url) != **dest_url
        }
        _ => false,
    })
}

/// A Markdown link or image URL for the feed: absolute (rule 15), and never a script URL
/// (which becomes the page's own URL: the link stays, harmless).
fn feed_url(url: &str, page_url: &str) -> String {
    if script_url(url) {
        page_url.to_string()
    } else {
        absolutize(url, page_url)
    }
}

/// `javascript:` and `vbscript:` URLs, however spaced or cased.
fn script_url(value: &str) -> bool {
    let squeezed: String = value
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    squeezed.contains("javascript:") || squeezed.contains("vbscript:")
}

/// Elements whose content is dropped with them in the feed: code, styles and embeds that
/// validators flag as a security risk and apps strip anyway (rule 32).
const FEED_DROPPED_ELEMENTS: &[&str] = &["script", "style", "iframe", "object"];

/// Void elements left out of the feed (the tag alone: they have no content).
const FEED_DROPPED_VOID: &[&str] = &["embed"];

/// The raw HTML of the notes, made fit for a feed: comments (authors' private remarks, never
/// meant for listeners), scripts, frames, plugins, styles and event-handler attributes are left
/// out. An HTML block arrives as one event per line, so a block is cleaned as a whole; inline
/// HTML is cleaned tag by tag, with the text between an inline `<script>` and `</script>` left
/// out too.
fn feed_safe<'a>(
    page_url: &'a str,
    events: impl Iterator<Item = Event<'a>>,
) -> impl Iterator<Item = Event<'a>> {
    let mut block: Option<String> = None;
    let mut inline_skip: Option<&'static str> = None;
    events.flat_map(move |ev| -> Vec<Event<'a>> {
        match ev {
            Event::Start(Tag::HtmlBlock) => {
                block = Some(String::new());
                vec![ev]
            }
            Event::Html(h) => match block.as_mut() {
                Some(b) => {
                    b.push_str(&h);
                    Vec::new()
                }
                None => vec![Event::Html(clean_feed_html(&h, page_url).into())],
            },
            Event::End(TagEnd::HtmlBlock) => {
                let html = block.take().unwrap_or_default();
                vec![Event::Html(clean_feed_html(&html, page_url).into()), ev]
            }
            Event::InlineHtml(h) => {
                if let Some(name) = inline_skip {
                    if closing_tag_name(&h).as_deref() == Some(name) {
                        inline_skip = None;
                    }
                    return Vec::new();
                }
                if let Some(name) = opening_tag_name(&h)
                    && let Some(dropped) = FEED_DROPPED_ELEMENTS.iter().find(|d| **d == name)
                    && !h.trim_end().ends_with("/>")
                {
                    inline_skip = Some(dropped);
                    return Vec::new();
                }
                let clean = clean_feed_html(&h, page_url);
                if clean.is_empty() {
                    Vec::new()
                } else {
                    vec![Event::InlineHtml(clean.into())]
                }
            }
            // An unclosed inline <script> ends with its paragraph.
            Event::End(TagEnd::Paragraph) => {
                inline_skip = None;
                vec![ev]
            }
            _ if inline_skip.is_some() => Vec::new(),
            other => vec![other],
        }
    })
}

/// `<name ...>` -> `name`, lowercased.
fn opening_tag_name(html: &str) -> Option<String> {
    let rest = html.strip_prefix('<')?;
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    (!name.is_empty() && rest.starts_with(|c: char| c.is_ascii_alphabetic()))
        .then(|| name.to_ascii_lowercase())
}

/// `</name>` -> `name`, lowercased.
fn closing_tag_name(html: &str) -> Option<String> {
    opening_tag_name(&format!("<{}", html.strip_prefix("</")?))
}

/// Raw HTML without comments, without the elements of FEED_DROPPED_ELEMENTS (content and
/// all), without event-handler attributes and `javascript:` URLs, and with link and image
/// URLs made absolute against `page_url` (rule 15), as Markdown links are.
fn clean_feed_html(html: &str, page_url: &str) -> String {
    let without_comments = strip_comments(html);
    let without_elements = strip_dropped_elements(&without_comments);
    clean_tags(&without_elements, page_url)
}

fn strip_comments(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        // "<!-->" and "<!--->" are (empty) comments too.
        let body = &rest[start + 4..];
        rest = body
            .strip_prefix('>')
            .or_else(|| body.strip_prefix("->"))
            .or_else(|| body.find("-->").map(|end| &body[end + 3..]))
            .unwrap_or_default();
    }
    out.push_str(rest);
    out
}

fn strip_dropped_elements(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len());
    let mut pos = 0;
    'scan: while let Some(lt) = lower[pos..].find('<').map(|i| pos + i) {
        for name in FEED_DROPPED_ELEMENTS {
            let open = format!("<{name}");
            let after = lt + open.len();
            let is_open = lower[lt..].starts_with(&open)
                && lower[after..]
                    .chars()
                    .next()
                    .is_none_or(|c| c.is_ascii_whitespace() || c == '>' || c == '/');
            if is_open {
                out.push_str(&html[pos..lt]);
                let close = format!("</{name}");
                pos = match lower[after..].find(&close) {
                    Some(i) => {
                        let close_at = after + i;
                        lower[close_at..]
                            .find('>')
                            .map_or(html.len(), |j| close_at + j + 1)
                    }
                    None => html.len(),
                };
                continue 'scan;
            }
        }
        out.push_str(&html[pos..=lt]);
        pos = lt + 1;
    }
    out.push_str(&html[pos..]);
    out
}

fn clean_tags(html: &str, page_url: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let tail = &rest[lt..];
        if opening_tag_name(tail).is_none() && closing_tag_name(tail).is_none() {
            // Not a tag (`a < b`, `<!DOCTYPE`): the `<` is text. Written `&lt;`, so that no
            // tag removed after it can make it start a new one (`<</style>b` must not
            // become `<b`).
            out.push_str("&lt;");
            rest = &tail[1..];
            continue;
        }
        // An unterminated tag is no tag for a browser either: it goes.
        let Some(tag_len) = tag_length(tail) else {
            return out;
        };
        clean_tag(&tail[..tag_len], page_url, &mut out);
        rest = &tail[tag_len..];
    }
    out.push_str(rest);
    out
}

/// The length of the tag at the start of `s`, to its `>`, a `>` inside a quoted attribute
/// value not counting (`<a title="a>b" onclick=x>` is one tag).
fn tag_length(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// Attributes whose value is a URL: made absolute, and dropped when `javascript:`.
const URL_ATTRIBUTES: &[&str] = &["href", "src", "poster", "cite", "action", "formaction"];

/// Writes `tag` (`<...>`) to `out` without what a feed must not carry: the tags of dropped
/// elements (stray ones; their content is already gone), event-handler attributes
/// (`onclick=`) and `javascript:` URLs. Other attributes are kept as written.
fn clean_tag(tag: &str, page_url: &str, out: &mut String) {
    if let Some(name) = closing_tag_name(tag) {
        if !FEED_DROPPED_ELEMENTS.contains(&name.as_str()) {
            out.push_str(tag);
        }
        return;
    }
    let Some(name) = opening_tag_name(tag) else {
        return;
    };
    if FEED_DROPPED_ELEMENTS.contains(&name.as_str()) || FEED_DROPPED_VOID.contains(&name.as_str())
    {
        return;
    }
    let inner = tag[1 + name.len()..].trim_end_matches('>');
    let self_closing = inner.trim_end().ends_with('/');
    out.push('<');
    out.push_str(&tag[1..1 + name.len()]);
    for (attr, value) in attributes(inner) {
        let lower = attr.to_ascii_lowercase();
        // Only plain names; anything odd (quotes, `<`, `>`) is not worth the risk in a feed.
        if lower.starts_with("on")
            || !attr
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_:.".contains(c))
        {
            continue;
        }
        match value {
            None => {
                out.push(' ');
                out.push_str(attr);
            }
            Some(value) => {
                let is_url = URL_ATTRIBUTES.contains(&lower.as_str());
                if script_url(value) {
                    continue;
                }
                let value = if is_url {
                    absolutize(value, page_url)
                } else {
                    value.to_string()
                };
                out.push(' ');
                out.push_str(attr);
                out.push_str("=\"");
                out.push_str(&value.replace('"', "&quot;"));
                out.push('"');
            }
        }
    }
    if self_closing {
        out.push_str(" /");
    }
    out.push('>');
}

/// The attributes of a tag's inside (after its name): `(name, value as written)`.
fn attributes(inner: &str) -> Vec<(&str, Option<&str>)> {
    let mut attrs = Vec::new();
    let mut rest = inner;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if rest.is_empty() {
            return attrs;
        }
        let name_end = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        let (name, after) = rest.split_at(name_end);
        let after_ws = after.trim_start();
        let Some(value_part) = after_ws.strip_prefix('=') else {
            if !name.is_empty() {
                attrs.push((name, None));
            }
            rest = after;
            continue;
        };
        let value_part = value_part.trim_start();
        let (value, next) = match value_part.chars().next() {
            Some(q @ ('"' | '\'')) => match value_part[1..].find(q) {
                Some(end) => (&value_part[1..1 + end], &value_part[end + 2..]),
                None => (&value_part[1..], ""),
            },
            _ => {
                let end = value_part
                    .find(|c: char| c.is_ascii_whitespace())
                    .unwrap_or(value_part.len());
                (&value_part[..end], &value_part[end..])
            }
        };
        if !name.is_empty() {
            attrs.push((name, Some(value)));
        }
        rest = next;
    }
}

/// Gives every heading without an explicit `{#id}` an id made from its text, unique in the page.
/// Ids the default theme's page furniture uses; headings in notes never take them.
const THEME_IDS: &[&str] = &[
    "chapters",
    "chapters-h",
    "feed-url",
    "files-h",
    "filter-q",
    "latest",
    "main",
    "notes-h",
    "people",
    "people-h",
    "player",
    "show-title",
    "transcript",
    "transcript-h",
];

fn add_heading_ids(events: &mut [Event<'_>]) {
    let mut used: Vec<String> = THEME_IDS.iter().map(|s| s.to_string()).collect();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { id: None, .. }) = &events[i] {
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() {
                match &events[j] {
                    Event::End(TagEnd::Heading(_)) => break,
                    Event::Text(t) | Event::Code(t) => text.push_str(t),
                    _ => {}
                }
                j += 1;
            }
            let base = crate::slug::slugify(&text);
            let base = if base.is_empty() {
                "section".to_string()
            } else {
                base
            };
            let mut candidate = base.clone();
            let mut n = 1;
            while used.contains(&candidate) {
                candidate = format!("{base}-{n}");
                n += 1;
            }
            used.push(candidate.clone());
            if let Event::Start(Tag::Heading {
                level,
                classes,
                attrs,
                ..
            }) = std::mem::replace(&mut events[i], Event::Text(CowStr::Borrowed("")))
            {
                let level: HeadingLevel = level;
                events[i] = Event::Start(Tag::Heading {
                    level,
                    id: Some(candidate.into()),
                    classes,
                    attrs,
                });
            }
        } else if let Event::Start(Tag::Heading { id: Some(id), .. }) = &events[i] {
            used.push(id.to_string());
        }
        i += 1;
    }
}

/// Where a timestamp stands in a run of text: the clock's byte range and its time.
struct Stamp {
    start: usize,
    end: usize,
    seconds: f64,
}

/// The dashes that follow a timestamp in running text (`Topics 1:45 – One 7:01 – Two`).
const STAMP_DASHES: [char; 3] = ['-', '–', '—'];

/// The clock at `at` in `text` when it is a timestamp there: at the start of a line
/// (`line_start`, optionally after `[`, `(`), in brackets (`(12:30)`), or followed by a dash
/// in running text (` 7:01 – Two`). A clock glued to a word (`10:30am`) is not one.
fn stamp_at(text: &str, at: usize, line_start: bool) -> Option<Stamp> {
    let len = crate::timecode::clock_len(&text[at..])?;
    let end = at + len;
    let before = text[..at].chars().next_back();
    let after = text[end..].chars().next();
    if after.is_some_and(|c| c.is_alphanumeric() || c == '_') {
        return None;
    }
    let leading = line_start && text[..at].chars().all(|c| matches!(c, '[' | '('));
    let bracketed = matches!(
        (before, after),
        (Some('('), Some(')')) | (Some('['), Some(']'))
    );
    let dashed = before.is_some_and(char::is_whitespace) && {
        let rest = text[end..].trim_start();
        rest.starts_with(STAMP_DASHES)
            && rest[rest.chars().next()?.len_utf8()..].starts_with(char::is_whitespace)
    };
    if !(leading || bracketed || dashed) {
        return None;
    }
    let seconds = crate::timecode::parse_clock(&text[at..end]).ok()?;
    Some(Stamp {
        start: at,
        end,
        seconds,
    })
}

/// Every timestamp in one text event.
fn stamps_in(text: &str, line_start: bool) -> Vec<Stamp> {
    let mut stamps = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let starts_number = text.as_bytes()[i].is_ascii_digit()
            && (i == 0 || !text.as_bytes()[i - 1].is_ascii_alphanumeric())
            && (i == 0 || !matches!(text.as_bytes()[i - 1], b':' | b'.' | b','));
        match starts_number
            .then(|| stamp_at(text, i, line_start))
            .flatten()
        {
            Some(stamp) => {
                i = stamp.end;
                stamps.push(stamp);
            }
            None => i += 1,
        }
    }
    stamps
}

/// `#t=750`, `#t=750.5`: the fragment the player seeks to.
fn time_fragment(seconds: f64) -> String {
    let millis = crate::timecode::to_millis(seconds);
    if millis.is_multiple_of(1000) {
        format!("#t={}", millis / 1000)
    } else {
        format!("#t={}", (millis as f64 / 1000.0))
    }
}

/// Pushes `text` with each of its `stamps` made a `#t=` link.
fn push_linked<'a>(text: &str, stamps: &[Stamp], out: &mut Vec<Event<'a>>) {
    let mut done = 0;
    for stamp in stamps {
        if stamp.start > done {
            out.push(Event::Text(text[done..stamp.start].to_string().into()));
        }
        out.push(Event::Start(Tag::Link {
            link_type: pulldown_cmark::LinkType::Inline,
            dest_url: time_fragment(stamp.seconds).into(),
            title: CowStr::Borrowed(""),
            id: CowStr::Borrowed(""),
        }));
        out.push(Event::Text(text[stamp.start..stamp.end].to_string().into()));
        out.push(Event::End(TagEnd::Link));
        done = stamp.end;
    }
    if done < text.len() {
        out.push(Event::Text(text[done..].to_string().into()));
    }
}

/// Whether the line after a soft break starts with a timestamp: the events up to the next
/// text, skipping emphasis openers.
fn next_line_is_stamped(events: &[Event<'_>]) -> bool {
    for ev in events {
        match ev {
            Event::Start(Tag::Strong | Tag::Emphasis) => {}
            Event::Text(t) if t.chars().all(|c| matches!(c, '[' | '(')) => {}
            Event::Text(t) => {
                let at = t.len() - t.trim_start_matches(['[', '(']).len();
                return stamp_at(t, at, true).is_some();
            }
            _ => return false,
        }
    }
    false
}

/// Keeps timestamp lines as lines (a soft break before one becomes a line break) and, with
/// `link`, makes each timestamp outside links, code and headings a `#t=` link.
fn timestamp_lines(mut events: Vec<Event<'_>>, link: bool) -> Vec<Event<'_>> {
    let mut in_code = false;
    for i in 0..events.len() {
        match &events[i] {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::SoftBreak if !in_code && next_line_is_stamped(&events[i + 1..]) => {
                events[i] = Event::HardBreak;
            }
            _ => {}
        }
    }
    if !link {
        return events;
    }
    let mut out = Vec::with_capacity(events.len());
    let (mut in_link, mut in_heading) = (0usize, false);
    let mut line_start = false;
    for ev in events {
        let was_line_start = line_start;
        line_start = false;
        match &ev {
            Event::Start(Tag::Paragraph | Tag::Item) | Event::SoftBreak | Event::HardBreak => {
                line_start = true
            }
            Event::Start(Tag::Strong | Tag::Emphasis) => line_start = was_line_start,
            Event::Start(Tag::Link { .. }) => in_link += 1,
            Event::End(TagEnd::Link) => in_link = in_link.saturating_sub(1),
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Start(Tag::Heading { .. }) => in_heading = true,
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Text(t) if in_link == 0 && !in_code && !in_heading => {
                // `[` and `(` may come as texts of their own; the line starts after them.
                line_start = was_line_start && t.chars().all(|c| matches!(c, '[' | '('));
                let stamps = stamps_in(t, was_line_start);
                if !stamps.is_empty() {
                    push_linked(t, &stamps, &mut out);
                    continue;
                }
            }
            _ => {}
        }
        out.push(ev);
    }
    out
}

fn first_paragraph_text(events: &[Event<'_>]) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    let mut inside = false;
    for ev in events {
        match ev {
            Event::Start(Tag::Paragraph) if depth == 0 => {
                inside = true;
            }
            Event::End(TagEnd::Paragraph) if inside => {
                if !out.trim().is_empty() {
                    break;
                }
                inside = false;
                out.clear();
            }
            Event::Start(Tag::List(_))
            | Event::Start(Tag::Table(_))
            | Event::Start(Tag::BlockQuote(_)) => depth += 1,
            Event::End(TagEnd::List(_))
            | Event::End(TagEnd::Table)
            | Event::End(TagEnd::BlockQuote(_)) => depth = depth.saturating_sub(1),
            Event::Text(t) | Event::Code(t) if inside => out.push_str(t),
            Event::SoftBreak | Event::HardBreak if inside => out.push(' '),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// Resolves `url` against the absolute `base` page URL. Absolute URLs and `mailto:`-style
/// links are kept.
pub fn absolutize(url: &str, base: &str) -> String {
    if url.is_empty() {
        return base.to_string();
    }
    if has_scheme(url) {
        return url.to_string();
    }
    if let Some(rest) = url.strip_prefix("//") {
        let scheme = base.split_once("://").map_or("https", |(s, _)| s);
        return format!("{scheme}://{rest}");
    }
    let (scheme, after) = match base.split_once("://") {
        Some(v) => v,
        None => return url.to_string(),
    };
    let host_end = after.find('/').unwrap_or(after.len());
    let origin = format!("{scheme}://{}", &after[..host_end]);
    if url.starts_with('/') {
        return format!("{origin}{url}");
    }
    let base_path = &after[host_end..];
    let base_no_query = base_path.split(['?', '#']).next().unwrap_or("");
    if url.starts_with('#') || url.starts_with('?') {
        return format!("{origin}{base_no_query}{url}");
    }
    let dir = match base_no_query.rfind('/') {
        Some(i) => &base_no_query[..=i],
        None => "/",
    };
    let mut segments: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    let (path_part, suffix) = match url.find(['?', '#']) {
        Some(i) => (&url[..i], &url[i..]),
        None => (url, ""),
    };
    let parts: Vec<&str> = path_part.split('/').collect();
    for part in &parts {
        match *part {
            "." => {}
            ".." => {
                segments.pop();
            }
            "" => {}
            p => segments.push(p),
        }
    }
    let trailing = if path_part.ends_with('/')
        || path_part.ends_with("/.")
        || path_part.ends_with("/..")
        || path_part == "."
        || path_part == ".."
    {
        "/"
    } else {
        ""
    };
    let joined = segments.join("/");
    if joined.is_empty() {
        format!("{origin}/{suffix}")
    } else {
        format!("{origin}/{joined}{trailing}{suffix}")
    }
}

fn has_scheme(url: &str) -> bool {
    match url.find(':') {
        Some(i) => {
            let scheme = &url[..i];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_gfm_extras_and_heading_ids() {
        let r = render(
            "# Links & Notes\n\n## Links & Notes\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ text[^1]\n\n[^1]: a note\n",
            "https://e.com/episodes/x/",
        );
        assert!(r.html.contains("<h1 id=\"links-notes\">"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"links-notes-1\">"));
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("<del>old</del>"));
        assert!(r.html.contains("footnote"));
        let notes = render("## Chapters\n", "https://e.com/");
        assert!(
            notes.html.contains("<h2 id=\"chapters-1\">"),
            "theme ids stay unique: {}",
            notes.html
        );
    }

    #[test]
    fn notes_the_feed_can_take_as_they_are_are_rendered_once() {
        let page = "https://e.com/show/episodes/x/";
        let alike = [
            "Plain *notes* with [a link](https://x.org/a?b=1&c=2) and ![art](https://x.org/i.png).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nA note[^1].\n\n[^1]: The footnote, [mail](mailto:a@b.c).\n",
            "# Heading {#id}\n\n- one\n- two\n\n`code` and ~~gone~~\n",
        ];
        for md in alike {
            let r = render(md, page);
            assert!(std::sync::Arc::ptr_eq(&r.html, &r.feed_html), "{md}");
            let mut events: Vec<Event<'_>> = Parser::new_ext(md, options()).collect();
            add_heading_ids(&mut events);
            assert_eq!(&*r.feed_html, feed_html(events, page), "{md}");
        }
        for md in [
            "[rel](../other/)",
            "<b>raw</b>",
            "Inline <i>x</i>.",
            "[js](javascript:x)",
        ] {
            let r = render(md, page);
            assert!(!std::sync::Arc::ptr_eq(&r.html, &r.feed_html), "{md}");
        }
    }

    #[test]
    fn feed_html_has_absolute_links() {
        let r = render(
            "See [about](/about/), [next](../other/), [img](cover.png) and [ext](https://x.org/a?b=1&c=2).\n",
            "https://e.com/show/episodes/x/",
        );
        assert!(r.html.contains("href=\"/about/\""));
        assert!(
            r.feed_html.contains("href=\"https://e.com/about/\""),
            "{}",
            r.feed_html
        );
        assert!(
            r.feed_html
                .contains("href=\"https://e.com/show/episodes/other/\"")
        );
        assert!(
            r.feed_html
                .contains("href=\"https://e.com/show/episodes/x/cover.png\"")
        );
        assert!(r.feed_html.contains("href=\"https://x.org/a?b=1&amp;c=2\""));
    }

    #[test]
    fn feed_html_drops_scripts_and_handlers() {
        let r = render(
            "Hi <script>x()</script> there\n\n<div onclick=\"y()\">box</div>\n\n<b>bold</b>\n",
            "https://e.com/",
        );
        assert!(
            r.html.contains("<script>"),
            "pages keep raw HTML as Markdown allows"
        );
        assert!(!r.feed_html.contains("<script"), "{}", r.feed_html);
        assert!(!r.feed_html.contains("onclick"));
        assert!(r.feed_html.contains("<b>bold</b>"));
    }

    #[test]
    fn feed_html_has_no_script_links() {
        let r = render(
            "[a](javascript:alert(1)) ![i](JavaScript:x)",
            "https://e.com/ep/",
        );
        assert_eq!(
            &*r.feed_html,
            "<p><a href=\"https://e.com/ep/\">a</a> <img src=\"https://e.com/ep/\" alt=\"i\" /></p>\n"
        );
    }

    #[test]
    fn feed_html_leaves_out_comments() {
        let r = render(
            "<!-- private: ask Alex\nabout the sponsor -->\nIntro <!-- inline --> text.\n\n<div>\n<!-- in a block -->\n<p>kept</p>\n</div>\n\nAfter<!---->.\n",
            "https://e.com/",
        );
        assert!(
            r.html
                .contains("<!-- private: ask Alex\nabout the sponsor -->")
                && r.html.contains("<!-- inline -->"),
            "pages keep comments as Markdown allows: {}",
            r.html
        );
        assert!(!r.feed_html.contains("<!--"), "{}", r.feed_html);
        assert!(!r.feed_html.contains("sponsor"), "{}", r.feed_html);
        assert!(!r.feed_html.contains("in a block"), "{}", r.feed_html);
        assert!(
            r.feed_html.contains("<p>Intro  text.</p>"),
            "{}",
            r.feed_html
        );
        assert!(r.feed_html.contains("<p>kept</p>"), "{}", r.feed_html);
        assert!(r.feed_html.contains("<p>After.</p>"), "{}", r.feed_html);
    }

    #[test]
    fn feed_html_drops_script_bodies_in_blocks_and_inline() {
        let r = render(
            "<div>\n<script>\nsteal()\n</script>\n<p>stays</p>\n</div>\n\nx <script>inline()</script> y <SCRIPT src=a.js></SCRIPT> z\n",
            "https://e.com/",
        );
        assert!(r.html.contains("steal()"), "pages as Markdown allows");
        assert!(!r.feed_html.contains("steal"), "{}", r.feed_html);
        assert!(!r.feed_html.contains("inline()"), "{}", r.feed_html);
        assert!(
            !r.feed_html.to_ascii_lowercase().contains("script"),
            "{}",
            r.feed_html
        );
        assert!(r.feed_html.contains("<p>stays</p>"), "{}", r.feed_html);
        assert!(r.feed_html.contains("<p>x  y  z</p>"), "{}", r.feed_html);
    }

    #[test]
    fn clean_feed_html_cases() {
        let clean = |h: &str| clean_feed_html(h, "https://e.com/show/ep/");
        assert_eq!(clean("a<!--b-->c<!-- d"), "ac");
        assert_eq!(clean("<a href=\"javascript:x()\">t</a>"), "<a>t</a>");
        assert_eq!(clean("<a href=\" java\tscript:x()\">t</a>"), "<a>t</a>");
        assert_eq!(
            clean("<img src=a.png onerror = \"x\">"),
            "<img src=\"https://e.com/show/ep/a.png\">"
        );
        assert_eq!(clean("<IMG/ONERROR=x>"), "<IMG>");
        assert_eq!(
            clean("<img src=\"a\"onload=x/>"),
            "<img src=\"https://e.com/show/ep/a\" />"
        );
        assert_eq!(
            clean(
                "<div class='note \"x\"' hidden onClick=\"y()\"><a href=\"../about/\">a</a></div>"
            ),
            "<div class=\"note &quot;x&quot;\" hidden><a href=\"https://e.com/show/about/\">a</a></div>"
        );
        assert_eq!(clean("1 < 2 and 3 > 2"), "1 &lt; 2 and 3 > 2");
        assert_eq!(clean("<</style>b onclick=x>"), "&lt;b onclick=x>");
        assert_eq!(clean("ok <img src=x onerror=y"), "ok ");
        assert_eq!(clean("a < b"), "a &lt; b");
        assert_eq!(clean("<a title=\"a>b\" onclick=x>t"), "<a title=\"a>b\">t");
        assert_eq!(clean("<\"<div onclick=x>"), "&lt;\"<div>");
        // Quotes where no value starts: the whole tag goes rather than guess.
        assert_eq!(clean("<b x\"y=1 z=\"2\">t"), "");
        assert_eq!(clean("<b x\"y z=2 \">t"), "<b z=\"2\">t");
        assert_eq!(
            clean("<p class=\"only\">on=1</p>"),
            "<p class=\"only\">on=1</p>"
        );
        assert_eq!(
            clean("<style>p{}</style><b>b</b><embed src=x> after"),
            "<b>b</b> after"
        );
    }

    #[test]
    fn first_paragraph_skips_lists() {
        let r = render(
            "- a list\n\nThe *real* intro\nline two.\n\nMore.",
            "https://e.com/",
        );
        assert_eq!(r.first_paragraph, "The real intro line two.");
    }

    #[test]
    fn absolutize_cases() {
        let b = "https://e.com/a/b/";
        assert_eq!(absolutize("mailto:x@y.z", b), "mailto:x@y.z");
        assert_eq!(absolutize("#t=10", b), "https://e.com/a/b/#t=10");
        assert_eq!(absolutize("//cdn.x/y", b), "https://cdn.x/y");
        assert_eq!(absolutize("../", b), "https://e.com/a/");
        assert_eq!(absolutize("c.html?q=1", b), "https://e.com/a/b/c.html?q=1");
    }

    const PAGE: &str = "https://x.example/episodes/a/";

    #[test]
    fn timestamp_lines_stay_lines_and_link_to_their_time() {
        let r = render("00:00 - Welcome\n05:30 - News\n1:02:03 - The end", PAGE);
        assert_eq!(
            &*r.html,
            "<p><a href=\"#t=0\">00:00</a> - Welcome<br />\n\
             <a href=\"#t=330\">05:30</a> - News<br />\n\
             <a href=\"#t=3723\">1:02:03</a> - The end</p>\n"
        );
        // In the feed the links open the episode page at that time.
        assert_eq!(
            &*r.feed_html,
            "<p><a href=\"https://x.example/episodes/a/#t=0\">00:00</a> - Welcome<br />\n\
             <a href=\"https://x.example/episodes/a/#t=330\">05:30</a> - News<br />\n\
             <a href=\"https://x.example/episodes/a/#t=3723\">1:02:03</a> - The end</p>\n"
        );
    }

    #[test]
    fn every_way_of_writing_a_timestamp_is_linked() {
        let html = |md: &str| render(md, PAGE).html.to_string();
        assert_eq!(
            html("Topics:\n[00:12:30] Intro\n(12:31) Next\n**1:02:03** Bold\n00:00.5 - Half"),
            "<p>Topics:<br />\n[<a href=\"#t=750\">00:12:30</a>] Intro<br />\n\
             (<a href=\"#t=751\">12:31</a>) Next<br />\n\
             <strong><a href=\"#t=3723\">1:02:03</a></strong> Bold<br />\n\
             <a href=\"#t=0.5\">00:00.5</a> - Half</p>\n"
        );
        assert_eq!(
            html("- 00:00 Welcome\n- 05:00 News"),
            "<ul>\n<li><a href=\"#t=0\">00:00</a> Welcome</li>\n\
             <li><a href=\"#t=300\">05:00</a> News</li>\n</ul>\n"
        );
        assert_eq!(
            html("Topics 1:45 – One 7:01 – Two, and more (9:00)."),
            "<p>Topics <a href=\"#t=105\">1:45</a> – One <a href=\"#t=421\">7:01</a> – Two, \
             and more (<a href=\"#t=540\">9:00</a>).</p>\n"
        );
        // A timestamp already written as a link stays the one link.
        assert_eq!(
            html("[12:30](#t=750) Linked\n13:00 - plain"),
            "<p><a href=\"#t=750\">12:30</a> Linked<br />\n<a href=\"#t=780\">13:00</a> - plain</p>\n"
        );
    }

    #[test]
    fn times_that_are_not_timestamps_are_left_alone() {
        let html = |md: &str| render(md, PAGE).html.to_string();
        for md in [
            "Recorded at 10:30am with a 2:1 mix in 1999.\n12:30pm came.",
            "We met at 12:30 on Friday.",
            "Ratio 16:9, version 1.2:30x",
        ] {
            assert!(!html(md).contains("<a"), "{md}: {}", html(md));
        }
        let code = html("```\n00:00 - code\n01:00 - code\n```\n\n`00:00 - inline`");
        assert!(!code.contains("<a") && !code.contains("<br"), "{code}");
        let heading = html("## 12:30 Part two");
        assert!(!heading.contains("<a"), "{heading}");
        // A wrapped line after a timestamp line is the same line, as Markdown has it.
        assert_eq!(
            html("00:00 - Welcome, and a long\nsentence that wraps"),
            "<p><a href=\"#t=0\">00:00</a> - Welcome, and a long\nsentence that wraps</p>\n"
        );
    }

    #[test]
    fn pages_keep_timestamp_lines_without_links() {
        let r = render_page("00:00 - Welcome\n05:30 - News", "https://x.example/about/");
        assert_eq!(&*r.html, "<p>00:00 - Welcome<br />\n05:30 - News</p>\n");
    }
}
