//! The one place Markdown is turned into HTML: pulldown-cmark with tables, footnotes,
//! strikethrough and heading ids. Each document is rendered twice from one event list: for the
//! web page (links as written) and for the feed, where apps need absolute URLs (rule 15).

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

/// What a Markdown document becomes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    /// HTML for the site's pages.
    pub html: String,
    /// The same HTML with every link and image URL made absolute, for the feed.
    pub feed_html: String,
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

/// Renders `markdown`; `page_url` is the absolute URL of the page it appears on, against which
/// relative links are resolved for the feed.
pub fn render(markdown: &str, page_url: &str) -> Rendered {
    let mut events: Vec<Event<'_>> = Parser::new_ext(markdown, options()).collect();
    add_heading_ids(&mut events);
    let first_paragraph = first_paragraph_text(&events);

    let mut page_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut page_html, events.iter().cloned());

    let feed_events = events.into_iter().map(|ev| match ev {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: absolutize(&dest_url, page_url).into(),
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
            dest_url: absolutize(&dest_url, page_url).into(),
            title,
            id,
        }),
        Event::Html(h) | Event::InlineHtml(h) if unsafe_for_feeds(&h) => {
            Event::Text(CowStr::Borrowed(""))
        }
        other => other,
    });
    let mut feed_html = String::with_capacity(page_html.len());
    html::push_html(&mut feed_html, feed_events);

    Rendered {
        html: page_html,
        feed_html,
        first_paragraph,
    }
}

/// Raw HTML that feed validators flag as a security risk and apps strip anyway (rule 32):
/// scripts, frames, plugins, styles and event-handler attributes.
fn unsafe_for_feeds(html: &str) -> bool {
    let lower = html.to_ascii_lowercase();
    [
        "<script",
        "</script",
        "<iframe",
        "</iframe",
        "<object",
        "</object",
        "<embed",
        "<style",
        "</style",
        "javascript:",
    ]
    .iter()
    .any(|t| lower.contains(t))
        || lower.match_indices(" on").any(|(i, _)| {
            lower[i + 3..]
                .chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .count()
                > 0
                && lower[i + 3..]
                    .trim_start_matches(|c: char| c.is_ascii_alphabetic())
                    .starts_with('=')
        })
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
}
