//! Show notes from a feed (HTML, or plain text) to the Markdown of an episode file: links,
//! lists, emphasis and headings kept, relative links made absolute, and timestamp lines left
//! as lines so onair still finds the chapters in them.

/// Converts notes to Markdown. `base` (an absolute http(s) URL) resolves relative links.
pub fn to_markdown(notes: &str, base: Option<&str>) -> String {
    let notes = notes.trim();
    if notes.is_empty() {
        return String::new();
    }
    if !looks_like_html(notes) {
        return plain_text(notes);
    }
    let html = match base {
        Some(b) => absolutize_links(notes, b),
        None => notes.to_string(),
    };
    let converter = htmd::HtmlToMarkdown::builder()
        .options(htmd::options::Options {
            bullet_list_marker: htmd::options::BulletListMarker::Dash,
            ul_bullet_spacing: 1,
            ol_number_spacing: 1,
            ..Default::default()
        })
        .skip_tags(vec![
            "script", "style", "iframe", "object", "embed", "form", "head",
        ])
        .build();
    let md = converter
        .convert(&html)
        .unwrap_or_else(|_| plain_text(&strip_tags(&html)));
    tidy(&md)
}

/// Plain text for a one-line summary: tags dropped, entities decoded, space collapsed.
pub fn to_plain(notes: &str) -> String {
    let text = if looks_like_html(notes) {
        let md = htmd::HtmlToMarkdown::builder()
            .skip_tags(vec!["script", "style"])
            .build()
            .convert(notes)
            .unwrap_or_else(|_| strip_tags(notes));
        // Markdown punctuation is noise in a summary: keep the words and link texts.
        markdown_to_text(&md)
    } else {
        notes.to_string()
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn markdown_to_text(md: &str) -> String {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut out = String::new();
    for ev in Parser::new(md) {
        match ev {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::TableCell,
            ) => out.push(' '),
            _ => {}
        }
    }
    out
}

/// HTML if it has a tag or an entity; plain text otherwise.
fn looks_like_html(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
        || (s.contains('&') && s.contains(';'))
}

/// Plain-text notes: paragraphs stay paragraphs and each line stays a line (timestamps and
/// lists written by hand keep their shape).
fn plain_text(s: &str) -> String {
    let lines: Vec<&str> = s.lines().map(str::trim_end).collect();
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        out.push_str(line);
        let next_blank = lines.get(i + 1).is_none_or(|l| l.trim().is_empty());
        // A line followed by another in the same paragraph ends with a hard break.
        if !line.trim().is_empty() && !next_blank && !is_list_line(lines[i + 1]) {
            out.push_str("  ");
        }
        out.push('\n');
    }
    tidy(&out)
}

fn is_list_line(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("- ") || t.starts_with("* ") || t.starts_with("+ ")
}

/// Blank-line runs collapsed, trailing spaces on blank lines removed, one final newline.
fn tidy(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut blank_run = 0;
    let mut after_hard_break = false;
    for line in md.trim().lines() {
        if line.trim().is_empty() {
            blank_run += 1;
            if blank_run == 1 {
                out.push('\n');
            }
            after_hard_break = false;
            continue;
        }
        blank_run = 0;
        // Non-breaking spaces from `&nbsp;` become plain spaces.
        let mut line = line.replace('\u{a0}', " ");
        // `<br>` followed by a newline in the HTML leaves a space at the next line's start.
        if after_hard_break && line.starts_with(' ') && !line.starts_with("  ") {
            line.remove(0);
        }
        after_hard_break = line.ends_with("  ") || line.ends_with('\\');
        out.push_str(&unescape_timestamp(&line));
        out.push('\n');
    }
    out
}

/// `\[00:12:30\] Title` (the converter escapes brackets) back to `[00:12:30] Title`, so the
/// timestamp reads as podcasters wrote it and onair finds the chapter in it.
fn unescape_timestamp(line: &str) -> String {
    let (indent, rest) = line.split_at(line.len() - line.trim_start().len());
    let (marker, rest) = match rest.strip_prefix("- ") {
        Some(r) => ("- ", r),
        None => ("", rest),
    };
    if let Some(inner) = rest.strip_prefix("\\[")
        && let Some(end) = inner.find("\\]")
        && end > 0
        && inner[..end]
            .chars()
            .all(|c| c.is_ascii_digit() || c == ':' || c == '.')
    {
        return format!("{indent}{marker}[{}]{}", &inner[..end], &inner[end + 2..]);
    }
    line.to_string()
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Rewrites relative `href` and `src` attribute values against `base`.
fn absolutize_links(html: &str, base: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    loop {
        let next = ["href=", "src=", "HREF=", "SRC="]
            .iter()
            .filter_map(|k| rest.find(k).map(|i| (i, k.len())))
            .min();
        let Some((i, klen)) = next else {
            out.push_str(rest);
            break;
        };
        let value_start = i + klen;
        out.push_str(&rest[..value_start]);
        rest = &rest[value_start..];
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'');
        let (value, after) = match quote {
            Some(q) => match rest[1..].find(q) {
                Some(end) => (&rest[1..1 + end], &rest[end + 2..]),
                None => {
                    out.push_str(rest);
                    break;
                }
            },
            None => {
                let end = rest
                    .find(|c: char| c.is_whitespace() || c == '>')
                    .unwrap_or(rest.len());
                (&rest[..end], &rest[end..])
            }
        };
        let q = quote.unwrap_or('"');
        out.push(q);
        out.push_str(&resolve_url(base, value));
        out.push(q);
        rest = after;
    }
    out
}

/// Resolves a link against an absolute http(s) base URL with the same rules as the feed's
/// links (`markdown::absolutize`), except that an in-page `#fragment` stays as written.
pub fn resolve_url(base: &str, link: &str) -> String {
    let link = link.trim();
    if link.is_empty() || link.starts_with('#') {
        return link.to_string();
    }
    crate::markdown::absolutize(link, base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve() {
        let b = "https://show.example.com/episodes/12/";
        assert_eq!(resolve_url(b, "https://x.com/a"), "https://x.com/a");
        assert_eq!(resolve_url(b, "/about"), "https://show.example.com/about");
        assert_eq!(
            resolve_url(b, "notes.pdf"),
            "https://show.example.com/episodes/12/notes.pdf"
        );
        assert_eq!(
            resolve_url(b, "../11/"),
            "https://show.example.com/episodes/11/"
        );
        assert_eq!(
            resolve_url(b, "//cdn.example.com/x.jpg"),
            "https://cdn.example.com/x.jpg"
        );
        assert_eq!(resolve_url(b, "#t=120"), "#t=120");
        assert_eq!(resolve_url(b, "mailto:a@b.c"), "mailto:a@b.c");
        assert_eq!(resolve_url("https://e.com", "a?x=1"), "https://e.com/a?x=1");
        assert_eq!(
            resolve_url("https://e.com/a/b/c/", "../../x/y/"),
            "https://e.com/a/x/y/"
        );
        assert_eq!(resolve_url("https://e.com/a/b", ".."), "https://e.com/");
        assert_eq!(resolve_url("https://e.com/a/b/", "."), "https://e.com/a/b/");
    }

    #[test]
    fn html_notes_become_markdown() {
        let html = "<h2>In this episode</h2><p>We talk <strong>databases</strong> and <em>caching</em> with <a href=\"/guests/ann\">Ann</a>.</p>\
            <ul><li>00:00 - Intro</li><li>12:30 - Postgres &amp; friends</li></ul>\
            <ol><li>one</li><li>two</li></ol><script>alert(1)</script>";
        let md = to_markdown(html, Some("https://old.example.com/ep/1"));
        assert!(md.contains("## In this episode"), "{md}");
        assert!(md.contains("**databases**"), "{md}");
        assert!(md.contains("_caching_") || md.contains("*caching*"), "{md}");
        assert!(
            md.contains("[Ann](https://old.example.com/guests/ann)"),
            "{md}"
        );
        assert!(md.contains("- 00:00 - Intro"), "{md}");
        assert!(md.contains("- 12:30 - Postgres & friends"), "{md}");
        assert!(md.contains("1. one"), "{md}");
        assert!(!md.contains("alert"), "{md}");
    }

    #[test]
    fn timestamp_lines_separated_by_br_stay_lines() {
        let md = to_markdown("<p>02:44 - Intro<br>1:02:03 - Outro&nbsp;</p>", None);
        let lines: Vec<&str> = md.lines().map(str::trim_end).collect();
        assert_eq!(lines, vec!["02:44 - Intro", "1:02:03 - Outro"], "{md:?}");
    }

    #[test]
    fn bracketed_timestamps_are_not_escaped() {
        let md = to_markdown(
            "<p>[00:05:00] Welcome<br>\n[1:02:03] Bye</p><ul><li>[00:10] Item</li></ul>",
            None,
        );
        assert_eq!(
            md, "[00:05:00] Welcome  \n[1:02:03] Bye\n\n- [00:10] Item\n",
            "{md:?}"
        );
    }

    #[test]
    fn plain_text_notes_keep_their_lines() {
        let md = to_markdown("First line\nSecond line\n\n- a\n- b", None);
        assert_eq!(md, "First line  \nSecond line\n\n- a\n- b\n");
    }

    #[test]
    fn plain_summaries() {
        assert_eq!(
            to_plain("<p>Hello <a href=\"x\">world</a> &amp; <b>more</b>.</p><p>Two</p>"),
            "Hello world & more. Two"
        );
    }
}
