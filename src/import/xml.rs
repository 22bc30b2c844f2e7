//! A small element tree read with quick-xml, tolerant the way feed readers must be: namespaces
//! resolved by URI (any prefix), CDATA and text joined, HTML named entities (`&nbsp;`) accepted
//! where XML only knows five, and every element's byte offset kept for `line:col` errors.

use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;

/// One element: its namespace URI (if any), local name, attributes, text and children.
#[derive(Debug, Clone, Default)]
pub struct Element {
    pub ns: Option<String>,
    pub name: String,
    /// The prefix as written (`dc` of `dc:creator`), for messages.
    pub prefix: Option<String>,
    /// Attributes by their name as written (`href`, `isPermaLink`, `xml:lang`).
    pub attrs: Vec<(String, String)>,
    /// Text and CDATA directly inside this element, joined in order.
    pub text: String,
    pub children: Vec<Element>,
    /// Byte offset of the `<` that opens the element.
    pub pos: usize,
}

/// Which vocabulary an element belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vocab {
    /// No namespace: plain RSS.
    Rss,
    Itunes,
    Podcast,
    Content,
    Atom,
    Other,
}

impl Element {
    pub fn vocab(&self) -> Vocab {
        match self.ns.as_deref() {
            None => Vocab::Rss,
            Some(uri) => {
                let u = uri.trim().trim_end_matches('/').to_ascii_lowercase();
                // Apple's URI is matched without regard to case: feeds in the wild vary it.
                if u == "http://www.itunes.com/dtds/podcast-1.0.dtd"
                    || u == "https://www.itunes.com/dtds/podcast-1.0.dtd"
                {
                    Vocab::Itunes
                } else if u == "https://podcastindex.org/namespace/1.0"
                    || u == "http://podcastindex.org/namespace/1.0"
                    || u.starts_with("https://github.com/podcastindex-org/podcast-namespace")
                {
                    Vocab::Podcast
                } else if u == "http://purl.org/rss/1.0/modules/content" {
                    Vocab::Content
                } else if u == "http://www.w3.org/2005/atom" {
                    Vocab::Atom
                } else {
                    Vocab::Other
                }
            }
        }
    }

    pub fn is(&self, vocab: Vocab, name: &str) -> bool {
        self.name == name && self.vocab() == vocab
    }

    /// The element as a reader would name it: `itunes:duration`, `title`.
    pub fn display_name(&self) -> String {
        let prefix = match self.vocab() {
            Vocab::Rss => return self.name.clone(),
            Vocab::Itunes => "itunes",
            Vocab::Podcast => "podcast",
            Vocab::Content => "content",
            Vocab::Atom => "atom",
            Vocab::Other => match &self.prefix {
                Some(p) => return format!("{p}:{}", self.name),
                None => return format!("{{{}}}{}", self.ns.as_deref().unwrap_or(""), self.name),
            },
        };
        format!("{prefix}:{}", self.name)
    }

    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn child(&self, vocab: Vocab, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.is(vocab, name))
    }

    pub fn children_named<'a>(
        &'a self,
        vocab: Vocab,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.is(vocab, name))
    }

    /// Trimmed text of the first such child, None when absent or blank.
    pub fn child_text(&self, vocab: Vocab, name: &str) -> Option<&str> {
        self.child(vocab, name)
            .map(|c| c.text.trim())
            .filter(|t| !t.is_empty())
    }
}

/// A parse failure at a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError {
    pub pos: usize,
    pub message: String,
}

/// Parses a whole document into its root element.
pub fn parse(text: &str) -> Result<Element, XmlError> {
    let mut reader = NsReader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let pos = reader.buffer_position() as usize;
        let (ns, event) = match reader.read_resolved_event() {
            Ok((ResolveResult::Bound(n), ev)) => (Ok(Some(n.as_ref().to_string())), ev),
            Ok((ResolveResult::Unbound, ev)) => (Ok(None), ev),
            Ok((ResolveResult::Unknown(p), ev)) => (Err(p), ev),
            Err(e) => {
                let message = e.to_string();
                return Err(XmlError {
                    pos: reader.error_position() as usize,
                    message,
                });
            }
        };
        let ns = ns.unwrap_or_else(|prefix| Some(forgiven_namespace(&prefix)));
        let open = |e: &quick_xml::events::BytesStart<'_>| open_element(e, ns.clone(), pos);
        match event {
            Event::Start(e) => {
                let el = open(&e)?;
                stack.push(el);
            }
            Event::Empty(e) => {
                let el = open(&e)?;
                attach(&mut stack, &mut root, el, pos)?;
            }
            Event::End(_) => {
                let el = stack.pop().expect("quick-xml checks end names");
                attach(&mut stack, &mut root, el, pos)?;
            }
            Event::Text(t) => {
                let content = t.xml10_content();
                match stack.last_mut() {
                    Some(top) => top.text.push_str(&content),
                    None if content.trim().is_empty() => {}
                    None => {
                        return Err(XmlError {
                            pos,
                            message: "text outside the root element".into(),
                        });
                    }
                }
            }
            Event::CData(c) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&c.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let name = r.as_ref().to_string();
                let resolved = resolve_reference(&name).ok_or_else(|| XmlError {
                    pos,
                    message: format!(
                        "unknown entity `&{name};` (write `&amp;{name};` or the character itself)"
                    ),
                })?;
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(XmlError {
            pos: open.pos,
            message: format!("`<{}>` is never closed (the file ends first)", open.name),
        });
    }
    root.ok_or(XmlError {
        pos: 0,
        message: "the document has no elements".into(),
    })
}

/// An undeclared prefix is a mistake browsers and apps forgive for the well-known ones.
fn forgiven_namespace(prefix: &str) -> String {
    match prefix {
        "itunes" => "http://www.itunes.com/dtds/podcast-1.0.dtd",
        "podcast" => "https://podcastindex.org/namespace/1.0",
        "content" => "http://purl.org/rss/1.0/modules/content/",
        "atom" => "http://www.w3.org/2005/Atom",
        other => return format!("undeclared:{other}"),
    }
    .to_string()
}

/// A start tag as an element of namespace `ns`, its attributes' values resolved.
fn open_element(
    e: &quick_xml::events::BytesStart<'_>,
    ns: Option<String>,
    pos: usize,
) -> Result<Element, XmlError> {
    let mut attrs = Vec::new();
    for a in e.attributes().with_checks(false) {
        let a = a.map_err(|err| XmlError {
            pos,
            message: format!("bad attribute: {err}"),
        })?;
        let key = a.key.as_ref().to_string();
        let value = a
            .normalized_value_with(quick_xml::XmlVersion::Implicit1_0, 128, |ent| {
                quick_xml::escape::resolve_html5_entity(ent)
            })
            .map_err(|err| XmlError {
                pos,
                message: format!("attribute `{key}`: {err}"),
            })?
            .into_owned();
        attrs.push((key, value));
    }
    Ok(Element {
        ns,
        name: e.local_name().as_ref().to_string(),
        prefix: e.name().prefix().map(|p| p.as_ref().to_string()),
        attrs,
        text: String::new(),
        children: Vec::new(),
        pos,
    })
}

fn attach(
    stack: &mut [Element],
    root: &mut Option<Element>,
    el: Element,
    pos: usize,
) -> Result<(), XmlError> {
    match stack.last_mut() {
        Some(parent) => parent.children.push(el),
        None if root.is_none() => *root = Some(el),
        None => {
            return Err(XmlError {
                pos,
                message: "a second root element (an XML document has exactly one)".into(),
            });
        }
    }
    Ok(())
}

/// `amp`, `#233`, `#xE9`, and HTML's named entities (`nbsp`, `eacute`, ...).
fn resolve_reference(name: &str) -> Option<String> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).map(String::from);
    }
    quick_xml::escape::resolve_html5_entity(name).map(str::to_string)
}

/// 1-based (line, column) of a byte offset; the column counts characters.
pub fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let mut pos = pos.min(text.len());
    while !text.is_char_boundary(pos) {
        pos -= 1;
    }
    let before = &text[..pos];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_resolve_by_uri_whatever_the_prefix() {
        let doc = parse(
            r#"<rss xmlns:it="http://www.itunes.com/DTDs/Podcast-1.0.dtd"><channel><it:author>A</it:author></channel></rss>"#,
        )
        .unwrap();
        let channel = doc.child(Vocab::Rss, "channel").unwrap();
        assert_eq!(channel.child_text(Vocab::Itunes, "author"), Some("A"));
        assert_eq!(channel.children[0].display_name(), "itunes:author");
    }

    #[test]
    fn undeclared_well_known_prefixes_are_forgiven() {
        let doc = parse("<rss><itunes:author>A</itunes:author><media:x/></rss>").unwrap();
        assert_eq!(doc.child_text(Vocab::Itunes, "author"), Some("A"));
        assert_eq!(doc.children[1].vocab(), Vocab::Other);
    }

    #[test]
    fn text_cdata_and_entities_join() {
        let doc = parse("<a>x &amp; y&nbsp;z &#233;&#xE9; <![CDATA[<b>bold</b>]]></a>").unwrap();
        assert_eq!(doc.text, "x & y\u{a0}z éé <b>bold</b>");
    }

    #[test]
    fn attributes_accept_html_entities() {
        let doc = parse(r#"<a href="https://e.com/?a=1&amp;b=2&eacute;"/>"#).unwrap();
        assert_eq!(doc.attr("href"), Some("https://e.com/?a=1&b=2é"));
    }

    #[test]
    fn errors_are_located() {
        let text = "<rss>\n  <channel>\n    <title>x</titel>\n";
        let e = parse(text).unwrap_err();
        assert_eq!(line_col(text, e.pos).0, 3, "{e:?}");
        let e = parse("<rss>&bogus;</rss>").unwrap_err();
        assert!(e.message.contains("&bogus;"), "{}", e.message);
        let e = parse("<rss><channel>").unwrap_err();
        assert!(e.message.contains("never closed"), "{}", e.message);
        assert!(parse("just text").is_err());
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncdé f", 9), (2, 6));
        assert_eq!(line_col("x", 0), (1, 1));
    }
}
