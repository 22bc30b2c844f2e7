//! A small element tree of a feed, read with quick-xml, that keeps every element's and
//! attribute's byte offset so that each problem can be reported at its line:col. Reading
//! reports the XML-level rules (well-formedness, entities, characters, namespaces) itself.

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

/// The namespaces onair knows, with the prefix clients expect for each (feed-rules.md A7, A8).
pub const ITUNES_NS: &str = "http://www.itunes.com/dtds/podcast-1.0.dtd";
pub const PODCAST_NS: &str = "https://podcastindex.org/namespace/1.0";
/// The spec says clients must treat this URI as identical to PODCAST_NS (feed-rules.md D1).
pub const PODCAST_NS_GITHUB: &str =
    "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md";
pub const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
pub const CONTENT_NS: &str = "http://purl.org/rss/1.0/modules/content/";

const KNOWN_NS: &[(&str, &str)] = &[
    ("itunes", ITUNES_NS),
    ("podcast", PODCAST_NS),
    ("atom", ATOM_NS),
    ("content", CONTENT_NS),
];

#[derive(Debug, Clone)]
pub struct Attr {
    /// The name as written (`isPermaLink`, `xmlns:itunes`).
    pub name: String,
    /// The value with references resolved.
    pub value: String,
    /// Byte offset of the attribute's name.
    pub pos: usize,
}

#[derive(Debug, Clone)]
pub struct Element {
    /// The name as written (`itunes:category`).
    pub qname: String,
    /// The name to match rules against: the conventional prefix of the element's namespace
    /// and its local name (`itunes:category` even when written `it:category`), or the local
    /// name for elements in no namespace.
    pub key: String,
    pub attrs: Vec<Attr>,
    pub children: Vec<Element>,
    /// The element's own text and CDATA, references resolved.
    pub text: String,
    /// Byte offset of `<`.
    pub pos: usize,
    /// Byte offset of the first text or CDATA, or of `<` when there is none.
    pub text_pos: usize,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }

    pub fn attr_value(&self, name: &str) -> Option<&str> {
        self.attr(name).map(|a| a.value.as_str())
    }

    pub fn child(&self, key: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.key == key)
    }

    pub fn children_named<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.key == key)
    }

    /// The text of the first child named `key`, trimmed.
    pub fn child_text(&self, key: &str) -> Option<&str> {
        self.child(key).map(|c| c.text.trim())
    }
}

/// A problem found while reading: rule id, byte offset, message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlProblem {
    pub rule: &'static str,
    pub pos: usize,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct Document {
    /// None when the XML is not well-formed enough to build a tree.
    pub root: Option<Element>,
    pub problems: Vec<XmlProblem>,
}

/// More than this many problems of one kind say the same thing; stop listing them.
const MAX_SAME_PROBLEMS: usize = 20;

struct Reading<'x> {
    xml: &'x str,
    problems: Vec<XmlProblem>,
    /// One map of prefix -> URI per open element.
    scopes: Vec<Vec<(String, String)>>,
    reported_prefixes: Vec<String>,
}

impl Reading<'_> {
    fn problem(&mut self, rule: &'static str, pos: usize, message: impl Into<String>) {
        if self.problems.iter().filter(|p| p.rule == rule).count() < MAX_SAME_PROBLEMS {
            self.problems.push(XmlProblem {
                rule,
                pos,
                message: message.into(),
            });
        }
    }

    /// Resolve references in escaped text (or an attribute value) starting at byte `pos`,
    /// reporting bare `&`, undefined entities and illegal characters.
    fn unescape(&mut self, raw: &str, pos: usize, out: &mut String) {
        let mut rest = raw;
        let mut at = pos;
        while let Some(amp) = rest.find('&') {
            out.push_str(&rest[..amp]);
            let after = &rest[amp + 1..];
            let name_len = after
                .find(|c: char| {
                    !(c.is_alphanumeric() || c == '#' || c == '_' || c == '-' || c == '.')
                })
                .unwrap_or(after.len());
            if after[name_len..].starts_with(';') && name_len > 0 {
                let name = &after[..name_len];
                self.reference(name, at + amp, out);
                let used = amp + 1 + name_len + 1;
                rest = &rest[used..];
                at += used;
            } else {
                self.problem(
                    "xml-escape",
                    at + amp,
                    "bare `&`: write it as `&amp;` (strict parsers reject the whole feed)",
                );
                out.push('&');
                rest = after;
                at += amp + 1;
            }
        }
        out.push_str(rest);
    }

    fn reference(&mut self, name: &str, pos: usize, out: &mut String) {
        let resolved = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ if name.starts_with('#') => {
                let num = &name[1..];
                let code = match num.strip_prefix('x') {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => num.parse::<u32>().ok(),
                };
                match code.and_then(char::from_u32) {
                    Some(c) if is_xml_char(c) => Some(c),
                    _ => {
                        self.problem(
                            "xml-char",
                            pos,
                            format!("`&{name};` is not a character XML allows"),
                        );
                        return;
                    }
                }
            }
            _ => None,
        };
        match resolved {
            Some(c) => out.push(c),
            None => {
                self.problem(
                    "xml-entity",
                    pos,
                    format!(
                        "undefined entity `&{name};`: XML knows only &amp; &lt; &gt; &quot; &apos;; \
                         write the character itself"
                    ),
                );
                out.push('&');
                out.push_str(name);
                out.push(';');
            }
        }
    }

    fn resolve_prefix(&self, prefix: &str) -> Option<&str> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|s| s.iter().rev())
            .find(|(p, _)| p == prefix)
            .map(|(_, uri)| uri.as_str())
    }

    /// Read a start tag; None when it is not a tag at all (fatal, already reported).
    fn element(&mut self, e: &BytesStart<'_>, pos: usize) -> Option<Element> {
        let tag: &str = e;
        let qname = e.name().0.to_string();
        if qname.is_empty() {
            self.problem(
                "xml-escape",
                pos,
                "a literal `<` in text: write it as `&lt;` (strict parsers reject the whole feed)",
            );
            return None;
        }
        let mut attrs = Vec::new();
        let mut search_from = qname.len();
        let mut scope = Vec::new();
        for attr in e.attributes().with_checks(true) {
            match attr {
                Ok(a) => {
                    let name = a.key.0.to_string();
                    let offset = find_attr(tag, &name, search_from).unwrap_or(0);
                    search_from = offset + name.len();
                    // The value starts after `name="`: close enough for a column.
                    let value_pos = pos
                        + 1
                        + tag[offset..]
                            .find(['"', '\''])
                            .map_or(offset, |q| offset + q + 1);
                    let mut value = String::new();
                    if a.value.contains('<') {
                        let at = value_pos + a.value.find('<').unwrap_or(0);
                        self.problem(
                            "xml-escape",
                            at,
                            "`<` in an attribute value: write it as `&lt;`",
                        );
                    }
                    self.unescape(&a.value, value_pos, &mut value);
                    // Attribute-value normalization (XML 1.0 §3.3.3).
                    let value = value.replace(['\t', '\n', '\r'], " ");
                    if name == "xmlns" {
                        scope.push((String::new(), value.clone()));
                    } else if let Some(prefix) = name.strip_prefix("xmlns:") {
                        self.declaration(prefix, &value, pos + 1 + offset);
                        scope.push((prefix.to_string(), value.clone()));
                    }
                    attrs.push(Attr {
                        name,
                        value,
                        pos: pos + 1 + offset,
                    });
                }
                Err(err) => {
                    self.problem("xml-well-formed", pos, format!("in <{qname}>: {err}"));
                    return None;
                }
            }
        }
        self.scopes.push(scope);
        let key = self.key_for(&qname, pos);
        Some(Element {
            qname,
            key,
            attrs,
            children: Vec::new(),
            text: String::new(),
            pos,
            text_pos: pos,
        })
    }

    /// Check one `xmlns:prefix="uri"` against the known namespaces.
    fn declaration(&mut self, prefix: &str, uri: &str, pos: usize) {
        if uri == PODCAST_NS_GITHUB && prefix == "podcast" {
            return;
        }
        if let Some((conventional, exact)) = known_namespace(uri) {
            if uri != exact {
                self.problem(
                    "namespace-uri",
                    pos,
                    format!("the {conventional}: namespace URI is `{exact}` exactly, not `{uri}`"),
                );
            }
            if prefix != conventional {
                self.problem(
                    "namespace-prefix",
                    pos,
                    format!(
                        "`{exact}` is bound to `{prefix}:`; apps such as partytime only read it as `{conventional}:`"
                    ),
                );
            }
        } else if let Some((_, exact)) = KNOWN_NS.iter().find(|(p, _)| *p == prefix) {
            self.problem(
                "namespace-uri",
                pos,
                format!("`{prefix}:` must be bound to `{exact}`, not `{uri}`"),
            );
        }
    }

    fn key_for(&mut self, qname: &str, pos: usize) -> String {
        let (prefix, local) = match qname.split_once(':') {
            Some((p, l)) => (p, l),
            None => ("", qname),
        };
        let uri = self.resolve_prefix(prefix).map(str::to_string);
        match uri {
            Some(uri) => match known_namespace(&uri) {
                Some((conventional, _)) => format!("{conventional}:{local}"),
                None if prefix.is_empty() => local.to_string(),
                None => qname.to_string(),
            },
            None => {
                if !prefix.is_empty() && !self.reported_prefixes.iter().any(|p| p == prefix) {
                    self.reported_prefixes.push(prefix.to_string());
                    let hint = KNOWN_NS
                        .iter()
                        .find(|(p, _)| *p == prefix)
                        .map(|(p, uri)| format!(": add xmlns:{p}=\"{uri}\" to <rss>"))
                        .unwrap_or_default();
                    self.problem(
                        "namespace-uri",
                        pos,
                        format!("prefix `{prefix}:` is used but never declared{hint}"),
                    );
                }
                qname.to_string()
            }
        }
    }
}

/// The known namespace a URI means, also when it is written with the wrong scheme, case or
/// trailing slash (reported by `declaration`): (conventional prefix, exact URI).
fn known_namespace(uri: &str) -> Option<(&'static str, &'static str)> {
    if uri == PODCAST_NS_GITHUB {
        return Some(("podcast", PODCAST_NS));
    }
    let loose = |u: &str| {
        let u = u.trim().to_ascii_lowercase();
        let u = u
            .strip_prefix("https://")
            .or_else(|| u.strip_prefix("http://"))
            .map(str::to_string)
            .unwrap_or(u);
        u.trim_end_matches('/').to_string()
    };
    let wanted = loose(uri);
    KNOWN_NS
        .iter()
        .find(|(_, exact)| loose(exact) == wanted)
        .map(|(p, exact)| (*p, *exact))
}

/// Offset in the tag text of attribute `name`, searching after `from`.
fn find_attr(tag: &str, name: &str, from: usize) -> Option<usize> {
    let mut start = from.min(tag.len());
    while let Some(i) = tag[start..].find(name) {
        let at = start + i;
        let before_ok = at > 0 && tag.as_bytes()[at - 1].is_ascii_whitespace();
        let after = tag[at + name.len()..].trim_start();
        if before_ok && after.starts_with('=') {
            return Some(at);
        }
        start = at + name.len();
    }
    None
}

/// XML 1.0 §2.2 Char.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// The characters of `s` that XML 1.0 refuses even escaped, with their byte offsets: found
/// byte by byte, as `is_xml_char` on every character would find them, without decoding. In
/// UTF-8 (which has no surrogates) those are the ASCII controls but tab, newline and return,
/// and U+FFFE and U+FFFF (EF BF BE, EF BF BF).
pub fn refused_chars(s: &str) -> impl Iterator<Item = (usize, u32)> + '_ {
    let bytes = s.as_bytes();
    bytes.iter().enumerate().filter_map(move |(i, &b)| match b {
        b'\t' | b'\n' | b'\r' => None,
        0..0x20 => Some((i, u32::from(b))),
        0xEF if bytes.get(i + 1) == Some(&0xBF) => match bytes.get(i + 2) {
            Some(0xBE) => Some((i, 0xFFFE)),
            Some(0xBF) => Some((i, 0xFFFF)),
            _ => None,
        },
        _ => None,
    })
}

/// Read a feed into a tree, collecting XML-level problems.
pub fn parse(xml: &str) -> Document {
    let mut r = Reading {
        xml,
        problems: Vec::new(),
        scopes: Vec::new(),
        reported_prefixes: Vec::new(),
    };
    for (i, code) in refused_chars(xml) {
        r.problem(
            "xml-char",
            i,
            format!("character U+{code:04X} is not allowed in XML; remove it"),
        );
    }
    let body_start = usize::from(xml.starts_with('\u{FEFF}')) * 3;
    let mut reader = Reader::from_str(&xml[body_start..]);
    {
        let config = reader.config_mut();
        config.allow_dangling_amp = true;
        config.check_comments = true;
        config.check_end_names = true;
    }
    let mut tree = Tree {
        body_start,
        ..Tree::default()
    };
    loop {
        let pos = body_start + reader.buffer_position() as usize;
        let event = match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(ev) => ev,
            Err(err) => {
                let at = body_start + reader.error_position() as usize;
                let message = match &err {
                    quick_xml::Error::Syntax(_) if r.xml[at..].starts_with('<') => {
                        format!("{err} (a literal `<` in text must be written `&lt;`)")
                    }
                    _ => err.to_string(),
                };
                r.problem("xml-well-formed", at, message);
                return unreadable(r);
            }
        };
        if tree.take(&mut r, event, pos).is_err() {
            return unreadable(r);
        }
    }
    tree.finish(r)
}

/// A document that could not be read to its end: no tree, the problems found.
fn unreadable(r: Reading<'_>) -> Document {
    Document {
        root: None,
        problems: r.problems,
    }
}

/// A problem after which the rest of the file cannot be read as one tree.
struct Fatal;

/// The tree as `parse` builds it, one event at a time.
#[derive(Default)]
struct Tree {
    /// After a byte order mark, where the XML starts.
    body_start: usize,
    stack: Vec<Element>,
    root: Option<Element>,
    seen_decl: bool,
    seen_event: bool,
}

impl Tree {
    fn take(&mut self, r: &mut Reading<'_>, event: Event<'_>, pos: usize) -> Result<(), Fatal> {
        let is_first = !std::mem::replace(&mut self.seen_event, true);
        match event {
            Event::Decl(d) => self.declaration(r, &d, pos, is_first),
            Event::Start(_) | Event::Empty(_) if self.root.is_some() && self.stack.is_empty() => {
                r.problem("xml-well-formed", pos, "a second root element after </rss>");
                return Err(Fatal);
            }
            Event::Start(e) => {
                let el = r.element(&e, pos).ok_or(Fatal)?;
                self.stack.push(el);
            }
            Event::Empty(e) => {
                let el = r.element(&e, pos).ok_or(Fatal)?;
                r.scopes.pop();
                self.attach(el);
            }
            Event::End(_) => {
                r.scopes.pop();
                if let Some(el) = self.stack.pop() {
                    self.attach(el);
                }
            }
            Event::Text(t) => self.text(r, &t, pos)?,
            Event::GeneralRef(g) => self.reference(r, &g, pos)?,
            Event::CData(c) => {
                let Some(el) = self.stack.last_mut() else {
                    r.problem("xml-well-formed", pos, "CDATA outside the root element");
                    return Err(Fatal);
                };
                if el.text.trim().is_empty() {
                    // Point at the content, after `<![CDATA[`.
                    el.text_pos = pos + 9;
                }
                el.text.push_str(&c.xml10_content());
            }
            Event::Comment(_) | Event::PI(_) => {
                if self.root.is_some() && self.stack.is_empty() {
                    r.problem(
                        "xml-trailing",
                        pos,
                        "content after </rss>; some directories fail to read such feeds",
                    );
                }
            }
            Event::DocType(_) | Event::Eof => {}
        }
        Ok(())
    }

    /// A finished element joins its parent, or is the root.
    fn attach(&mut self, el: Element) {
        match self.stack.last_mut() {
            Some(parent) => parent.children.push(el),
            None => self.root = Some(el),
        }
    }

    fn declaration(
        &mut self,
        r: &mut Reading<'_>,
        d: &quick_xml::events::BytesDecl<'_>,
        pos: usize,
        is_first: bool,
    ) {
        self.seen_decl = true;
        if !is_first || pos != self.body_start {
            r.problem(
                "xml-well-formed",
                pos,
                "the XML declaration must be the very first thing in the file",
            );
        }
        let encoding = d.encoding().and_then(Result::ok).map(|e| e.to_string());
        match encoding {
            Some(enc) if enc.eq_ignore_ascii_case("utf-8") => {}
            Some(enc) => r.problem(
                "xml-encoding",
                pos,
                format!("the declaration says encoding=\"{enc}\"; feeds must be UTF-8"),
            ),
            None => r.problem(
                "xml-encoding",
                pos,
                "the XML declaration has no encoding=\"UTF-8\"",
            ),
        }
    }

    fn text(&mut self, r: &mut Reading<'_>, raw: &str, pos: usize) -> Result<(), Fatal> {
        if self.stack.is_empty() {
            if let Some(i) = raw.find(|c: char| !c.is_whitespace()) {
                r.problem("xml-well-formed", pos + i, "text outside the root element");
                return Err(Fatal);
            }
            return Ok(());
        }
        if let Some(i) = raw.find("]]>") {
            r.problem(
                "xml-cdata-end",
                pos + i,
                "`]]>` in text: a CDATA section ended early here (split `]]>` inside CDATA as `]]]]><![CDATA[>`)",
            );
        }
        let mut text = String::new();
        r.unescape(raw, pos, &mut text);
        if text.contains('\r') {
            text = text.replace("\r\n", "\n").replace('\r', "\n");
        }
        let el = self.stack.last_mut().expect("checked above");
        if el.text.is_empty() && !text.trim().is_empty() {
            el.text_pos = pos;
        }
        el.text.push_str(&text);
        Ok(())
    }

    fn reference(
        &mut self,
        r: &mut Reading<'_>,
        g: &quick_xml::events::BytesRef<'_>,
        pos: usize,
    ) -> Result<(), Fatal> {
        let Some(el) = self.stack.last_mut() else {
            r.problem(
                "xml-well-formed",
                pos,
                "a reference outside the root element",
            );
            return Err(Fatal);
        };
        let mut text = String::new();
        r.reference(g, pos, &mut text);
        if el.text.trim().is_empty() {
            el.text_pos = pos;
        }
        el.text.push_str(&text);
        Ok(())
    }

    /// The end of the file: what is still open, a missing declaration or root.
    fn finish(self, mut r: Reading<'_>) -> Document {
        if let Some(open) = self.stack.first() {
            r.problem(
                "xml-well-formed",
                open.pos,
                format!("<{}> is never closed", open.qname),
            );
            return unreadable(r);
        }
        if !self.seen_decl {
            r.problem(
                "xml-encoding",
                self.body_start,
                "the feed does not start with <?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            );
        }
        if self.root.is_none() {
            r.problem("xml-well-formed", 0, "the file has no root element");
        }
        Document {
            root: self.root,
            problems: r.problems,
        }
    }
}

/// Byte offset -> 1-based line and column (in characters).
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    pub fn line_col(&self, pos: usize) -> (usize, usize) {
        let pos = pos.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= pos) - 1;
        let start = self.starts[line];
        let col = self
            .text
            .get(start..pos)
            .map_or(pos - start, |s| s.chars().count());
        (line + 1, col + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(xml: &str) -> Vec<&'static str> {
        parse(xml).problems.iter().map(|p| p.rule).collect()
    }

    const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

    #[test]
    fn builds_a_tree_with_positions_and_keys() {
        let xml = format!(
            "{HEAD}<rss version=\"2.0\" xmlns:itunes=\"{ITUNES_NS}\">\n  <channel>\n    <title>A &amp; B</title>\n    <itunes:image href=\"https://x/a.jpg?a=1&amp;b=2\"/>\n  </channel>\n</rss>\n"
        );
        let doc = parse(&xml);
        assert!(doc.problems.is_empty(), "{:?}", doc.problems);
        let root = doc.root.unwrap();
        let channel = root.child("channel").unwrap();
        assert_eq!(channel.child_text("title"), Some("A & B"));
        let image = channel.child("itunes:image").unwrap();
        assert_eq!(image.attr_value("href"), Some("https://x/a.jpg?a=1&b=2"));
        let index = LineIndex::new(&xml);
        assert_eq!(index.line_col(image.pos), (5, 5));
        assert_eq!(index.line_col(image.attr("href").unwrap().pos), (5, 19));
    }

    #[test]
    fn refuses_exactly_the_characters_xml_refuses() {
        for c in ['\u{0}', '\u{8}', '\u{1F}', '\u{FFFE}', '\u{FFFF}'] {
            let doc = parse(&format!("<rss>a{c}b</rss>"));
            let refused: Vec<_> = doc
                .problems
                .iter()
                .filter(|p| p.rule == "xml-char")
                .collect();
            assert_eq!(refused.len(), 1, "{c:?}");
            assert_eq!(refused[0].pos, 6);
            assert!(refused[0].message.contains(&format!("U+{:04X}", c as u32)));
        }
        for c in [
            '\t',
            '\n',
            '\r',
            ' ',
            'é',
            '\u{FFFD}',
            '\u{EFFF}',
            '\u{1F600}',
        ] {
            let doc = parse(&format!("<rss>a{c}b</rss>"));
            assert!(!doc.problems.iter().any(|p| p.rule == "xml-char"), "{c:?}");
        }
    }

    #[test]
    fn the_byte_scan_agrees_with_is_xml_char() {
        // One character per document (a document reports only its first problems).
        for c in (0..0x800u32)
            .chain(0xD000..0xD800)
            .chain(0xE000..0x10100)
            .filter_map(char::from_u32)
        {
            let doc = parse(&format!("<r>{c}</r>"));
            let refused = doc
                .problems
                .iter()
                .any(|p| p.rule == "xml-char" && p.pos == 3);
            assert_eq!(refused, !is_xml_char(c), "{c:?}");
        }
    }

    #[test]
    fn reports_entities_ampersands_and_characters_and_keeps_going() {
        let xml = format!("{HEAD}<rss><t>Q&A &nbsp; &#1; ok\u{1}</t><u a=\"x&y\"/></rss>");
        assert_eq!(
            rules(&xml),
            [
                "xml-char",
                "xml-escape",
                "xml-entity",
                "xml-char",
                "xml-escape"
            ]
        );
    }

    #[test]
    fn fatal_errors_stop_with_a_position() {
        let xml = format!("{HEAD}<rss>\n<a></b>\n</rss>");
        let doc = parse(&xml);
        assert!(doc.root.is_none());
        assert_eq!(doc.problems[0].rule, "xml-well-formed");
        let (line, _) = LineIndex::new(&xml).line_col(doc.problems[0].pos);
        assert_eq!(line, 3);
        assert_eq!(rules(&format!("{HEAD}<rss>a < b</rss>")), ["xml-escape"]);
        assert_eq!(rules(&format!("{HEAD}<rss><a>")), ["xml-well-formed"]);
    }

    #[test]
    fn namespaces_are_checked_and_still_matched() {
        let xml = format!(
            "{HEAD}<rss xmlns:it=\"https://www.itunes.com/dtds/podcast-1.0.dtd\"><it:author>x</it:author><podcast:guid>y</podcast:guid></rss>"
        );
        let doc = parse(&xml);
        let found: Vec<_> = doc.problems.iter().map(|p| p.rule).collect();
        assert_eq!(
            found,
            ["namespace-uri", "namespace-prefix", "namespace-uri"]
        );
        let root = doc.root.unwrap();
        assert!(root.child("itunes:author").is_some());
    }

    #[test]
    fn missing_declaration_trailing_comment_and_cdata_end() {
        assert_eq!(rules("<rss/>"), ["xml-encoding"]);
        assert_eq!(
            rules(&format!("{HEAD}<rss/><!-- host -->")),
            ["xml-trailing"]
        );
        assert_eq!(
            rules(&format!("{HEAD}<rss><d><![CDATA[a]]>b]]></d></rss>")),
            ["xml-cdata-end"]
        );
        assert_eq!(
            rules("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss/>"),
            ["xml-encoding"]
        );
    }
}
