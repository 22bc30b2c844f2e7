//! A web page given where a feed is wanted: told apart from a feed before it is parsed as
//! XML, and searched for the feeds it names (`<link rel="alternate"
//! type="application/rss+xml" href="...">`), which the error then offers.

/// A feed a page names in its `<head>`: its address (resolved against the page's) and title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedLink {
    pub href: String,
    pub title: Option<String>,
}

/// Where an HTML page opens (the byte offset of its `<!DOCTYPE html` or `<html`), when
/// `text` is one: that comes first after a byte-order mark, white space and comments.
pub fn html_page_start(text: &str) -> Option<usize> {
    let mut rest = text.trim_start_matches('\u{feff}').trim_start();
    while let Some(after) = rest.strip_prefix("<!--") {
        let end = after.find("-->")?;
        rest = after[end + 3..].trim_start();
    }
    let head = rest.get(..14).unwrap_or(rest).to_ascii_lowercase();
    let html = head.starts_with("<!doctype html")
        || head.starts_with("<html")
            && head[5..].starts_with(|c: char| c.is_whitespace() || c == '>');
    html.then(|| text.len() - rest.len())
}

/// Whether `text` is an HTML page (see [`html_page_start`]).
pub fn is_html_page(text: &str) -> bool {
    html_page_start(text).is_some()
}

/// The attributes of one tag's text after its name (`rel="alternate" href=/x`), names
/// lowercased, `&amp;` and the like decoded.
fn attributes(inner: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = inner;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        let name_len = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '>' || c == '/')
            .unwrap_or(rest.len());
        if name_len == 0 {
            return out;
        }
        let name = rest[..name_len].to_ascii_lowercase();
        rest = rest[name_len..].trim_start();
        let Some(after_eq) = rest.strip_prefix('=') else {
            out.push((name, String::new()));
            continue;
        };
        let after_eq = after_eq.trim_start();
        let (value, next) = match after_eq.chars().next() {
            Some(q @ ('"' | '\'')) => match after_eq[1..].find(q) {
                Some(end) => (&after_eq[1..1 + end], &after_eq[end + 2..]),
                None => (&after_eq[1..], ""),
            },
            _ => {
                let end = after_eq
                    .find(|c: char| c.is_whitespace() || c == '>')
                    .unwrap_or(after_eq.len());
                (&after_eq[..end], &after_eq[end..])
            }
        };
        let value = quick_xml::escape::unescape(value)
            .map(|v| v.into_owned())
            .unwrap_or_else(|_| value.to_string());
        out.push((name, value));
        rest = next;
    }
}

/// The RSS and Atom feeds a page names with `<link rel="alternate">`, in page order, each
/// once; relative addresses are resolved against `page_url` when it is known.
pub fn feed_links(html: &str, page_url: Option<&str>) -> Vec<FeedLink> {
    let lower = html.to_ascii_lowercase();
    let mut found: Vec<FeedLink> = Vec::new();
    for (at, _) in lower.match_indices("<link") {
        let after = &html[at + 5..];
        if !after.starts_with(|c: char| c.is_whitespace()) {
            continue;
        }
        let end = after.find('>').unwrap_or(after.len());
        let attrs = attributes(&after[..end]);
        let get = |name: &str| attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.trim());
        let rel = get("rel").unwrap_or("").to_ascii_lowercase();
        let kind = get("type").unwrap_or("").to_ascii_lowercase();
        let is_feed = matches!(
            kind.split(';').next().unwrap_or("").trim(),
            "application/rss+xml" | "application/atom+xml"
        );
        let Some(href) = get("href").filter(|h| !h.is_empty()) else {
            continue;
        };
        if !is_feed || !rel.split_whitespace().any(|r| r == "alternate") {
            continue;
        }
        let href = match page_url {
            Some(base) => super::notes::resolve_url(base, href),
            None => href.to_string(),
        };
        let title = get("title").filter(|t| !t.is_empty()).map(str::to_string);
        if !found.iter().any(|f| f.href == href) {
            found.push(FeedLink { href, title });
        }
    }
    found
}

/// The error for a page given as a feed: what it is, and the feeds it names to import instead.
pub fn not_a_feed(html: &str, page_url: Option<&str>, dir: &std::path::Path) -> String {
    let links = feed_links(html, page_url);
    let dir = dir.display();
    match links.as_slice() {
        [] => "this is an HTML page (a website), not a podcast feed, and it names no feed \
               (no <link rel=\"alternate\" type=\"application/rss+xml\">); give the show's RSS \
               feed address instead (podcast hosts show it as the \"RSS feed\")"
            .to_string(),
        [one] if !super::fetch::is_url(&one.href) => format!(
            "this is an HTML page (a website), not a podcast feed; the page names its feed at \
             `{}`, relative to the page's own web address: import the feed's full http(s) URL",
            one.href
        ),
        [one] => format!(
            "this is an HTML page (a website), not a podcast feed; the page names its feed{}: \
             {}; import that: `onair import {} {dir}`",
            one.title
                .as_deref()
                .map_or(String::new(), |t| format!(" \"{t}\"")),
            one.href,
            one.href
        ),
        many => {
            let list: Vec<String> = many
                .iter()
                .map(|l| match &l.title {
                    Some(t) => format!("{} (\"{t}\")", l.href),
                    None => l.href.clone(),
                })
                .collect();
            format!(
                "this is an HTML page (a website), not a podcast feed; the page names {} feeds: \
                 {}; import the podcast's: `onair import {} {dir}`",
                many.len(),
                list.join(", "),
                many[0].href
            )
        }
    }
}

/// [`not_a_feed`] for `onair check`: the feeds the page names, to check instead.
pub fn not_a_feed_to_check(html: &str) -> String {
    let links: Vec<String> = feed_links(html, None).into_iter().map(|l| l.href).collect();
    match links.as_slice() {
        [] => "this is an HTML page (a website), not a podcast feed; check the show's RSS feed (save it with `curl -o feed.xml URL`)"
            .to_string(),
        _ => format!(
            "this is an HTML page (a website), not a podcast feed; the page names {}: {}; save that with `curl -o feed.xml URL` and check it",
            if links.len() == 1 { "its feed" } else { "these feeds" },
            links.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_pages_are_told_apart_from_feeds() {
        for page in [
            "<!DOCTYPE html><html><head></head></html>",
            "\u{feff}  <!doctype HTML>\n<html lang=en>",
            "<!-- built by x --><html>",
            "<HTML>\n<head>",
        ] {
            assert!(is_html_page(page), "{page}");
        }
        for feed in [
            "<?xml version=\"1.0\"?><rss>",
            "<rss version=\"2.0\">",
            "<htmlish/>",
            "not markup",
        ] {
            assert!(!is_html_page(feed), "{feed}");
        }
        assert_eq!(html_page_start("<!-- x -->\n  <html>"), Some(13));
    }

    #[test]
    fn the_feeds_a_page_names_are_found_and_resolved() {
        let page = r#"<html><head>
            <link rel="stylesheet" href="/style.css">
            <LINK REL="alternate" TYPE="application/rss+xml" TITLE="The Show" HREF="/feed.xml?a=1&amp;b=2">
            <link type='application/atom+xml' rel='alternate home' href='https://x.example/atom'>
            <link rel=alternate type=application/rss+xml href=/feed.xml?a=1&amp;b=2>
            <link rel="alternate" type="text/html" hreflang="de" href="/de/">
        </head></html>"#;
        assert_eq!(
            feed_links(page, Some("https://show.example.com/podcast/")),
            vec![
                FeedLink {
                    href: "https://show.example.com/feed.xml?a=1&b=2".into(),
                    title: Some("The Show".into())
                },
                FeedLink {
                    href: "https://x.example/atom".into(),
                    title: None
                },
            ]
        );
        assert_eq!(feed_links(page, None)[0].href, "/feed.xml?a=1&b=2");
    }

    #[test]
    fn the_error_offers_the_feed() {
        let dir = std::path::Path::new("my-show");
        let one = r#"<!doctype html><link rel="alternate" type="application/rss+xml" title="Show" href="https://h.example/rss">"#;
        assert_eq!(
            not_a_feed(one, None, dir),
            "this is an HTML page (a website), not a podcast feed; the page names its feed \
             \"Show\": https://h.example/rss; import that: `onair import https://h.example/rss my-show`"
        );
        assert!(not_a_feed("<html><body>hi</body></html>", None, dir).contains("names no feed"));
        let relative = r#"<html><link rel="alternate" type="application/rss+xml" href="/rss">"#;
        assert!(
            not_a_feed(relative, None, dir).contains("names its feed at `/rss`, relative to"),
            "{}",
            not_a_feed(relative, None, dir)
        );
    }
}
