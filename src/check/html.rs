//! A light scan of show-notes HTML: relative links and tags apps refuse (feed-rules.md rules
//! 15 and 32). Not an HTML parser: it reads tag names and `href`/`src` values, which is all
//! these rules need.

use crate::xml::Element;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    RelativeUrl(String),
    UnsafeTag(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Byte offset in the HTML text.
    pub offset: usize,
    pub kind: Kind,
}

const UNSAFE_TAGS: &[&str] = &["script", "iframe", "object", "embed"];
const URL_ATTRS: &[&str] = &["href", "src"];

fn has_scheme(url: &str) -> bool {
    let Some((scheme, _)) = url.split_once(':') else {
        return false;
    };
    !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

pub fn scan(html: &str) -> Vec<Found> {
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(lt) = html[i..].find('<') {
        let start = i + lt;
        let after = &html[start + 1..];
        let name_len = after
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(after.len());
        if name_len == 0 {
            i = start + 1;
            continue;
        }
        let name = after[..name_len].to_ascii_lowercase();
        let end = after.find('>').map_or(html.len(), |e| start + 1 + e);
        if UNSAFE_TAGS.contains(&name.as_str()) {
            found.push(Found {
                offset: start,
                kind: Kind::UnsafeTag(name.clone()),
            });
        }
        // Attributes of this tag.
        let tag = &html[start + 1 + name_len..end];
        let tag_at = start + 1 + name_len;
        let mut j = 0;
        while j < tag.len() {
            let rest = &tag[j..];
            let Some(eq) = rest.find('=') else { break };
            let attr_name = rest[..eq]
                .trim_end()
                .rsplit(|c: char| c.is_whitespace())
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            let value_start = eq + 1 + (rest[eq + 1..].len() - rest[eq + 1..].trim_start().len());
            let value_rest = &rest[value_start..];
            let (value, quote, consumed) = match value_rest.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let close = value_rest[1..].find(q).map_or(value_rest.len() - 1, |c| c);
                    (&value_rest[1..1 + close], 1, 1 + close + 1)
                }
                _ => {
                    let stop = value_rest
                        .find(|c: char| c.is_whitespace())
                        .unwrap_or(value_rest.len());
                    (&value_rest[..stop], 0, stop)
                }
            };
            if URL_ATTRS.contains(&attr_name.as_str()) {
                let v = value.trim();
                if !v.is_empty() && !v.starts_with('#') && !has_scheme(v) {
                    found.push(Found {
                        offset: tag_at + j + value_start + quote,
                        kind: Kind::RelativeUrl(v.to_string()),
                    });
                }
            }
            j += value_start + consumed.min(value_rest.len());
        }
        i = end.max(start + 1);
    }
    found
}

/// Map an offset in an element's text back to the file: exact when the text is one CDATA
/// section or plain text without references (what generators write), a little off otherwise.
pub fn source_pos(el: &Element, offset: usize) -> usize {
    el.text_pos + offset.min(el.text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_relative_links_and_unsafe_tags() {
        let html = r##"<p><a href="/episodes/1/">one</a> <a href='https://x.org'>x</a>
            <img src=cover.jpg> <a href="#t">top</a> <a href="mailto:a@b.c">m</a>
            <script>alert(1)</script><IFRAME src="https://v"></IFRAME></p>"##;
        let kinds: Vec<Kind> = scan(html).into_iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            [
                Kind::RelativeUrl("/episodes/1/".into()),
                Kind::RelativeUrl("cover.jpg".into()),
                Kind::UnsafeTag("script".into()),
                Kind::UnsafeTag("iframe".into()),
            ]
        );
        let found = scan(html);
        assert_eq!(&html[found[0].offset..found[0].offset + 12], "/episodes/1/");
    }
}
