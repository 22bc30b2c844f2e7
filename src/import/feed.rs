//! An RSS podcast feed read into what onair needs from it: the show and its episodes, each
//! with its position in the file, plus every element that onair has no place for (so the
//! import can list what it could not carry over instead of dropping it silently).

use super::xml::{self, Element, Vocab};

/// The show, as the channel describes it.
#[derive(Debug, Clone, Default)]
pub struct Channel {
    pub title: Option<String>,
    /// `description`, else `itunes:summary` (may be HTML).
    pub description: Option<String>,
    pub link: Option<String>,
    pub language: Option<String>,
    pub author: Option<String>,
    pub owner_name: Option<String>,
    pub owner_email: Option<String>,
    pub image: Option<String>,
    /// `Technology`, `Business > Entrepreneurship`.
    pub categories: Vec<String>,
    pub explicit: Option<bool>,
    pub show_type: Option<String>,
    pub copyright: Option<String>,
    pub podcast_guid: Option<String>,
    pub locked: Option<bool>,
    /// The `owner` attribute of `podcast:locked`.
    pub locked_owner: Option<String>,
    /// Channel-level `podcast:person`: the show's hosts and crew.
    pub people: Vec<Person>,
    pub funding: Vec<(String, String)>,
    pub medium: Option<String>,
    pub new_feed_url: Option<String>,
    /// `itunes:block` and `itunes:complete` (Apple acts on `Yes` only).
    pub block: Option<bool>,
    pub complete: Option<bool>,
    /// The feed's own URL (`atom:link rel="self"`).
    pub self_url: Option<String>,
    /// `lastBuildDate`, else the channel's `pubDate` (Atom: `updated`): the date an item
    /// without one can be given when no other item has one either.
    pub last_build_date: Option<String>,
    /// Elements onair does not carry over, by display name, with their line.
    pub dropped: Vec<(String, usize)>,
}

#[derive(Debug, Clone, Default)]
pub struct Enclosure {
    pub url: String,
    pub length: Option<u64>,
    /// The length attribute as written, when it was not a byte count.
    pub length_text: Option<String>,
    pub mime: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub role: Option<String>,
    pub group: Option<String>,
    pub href: Option<String>,
    pub img: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Linked {
    pub url: String,
    pub mime: Option<String>,
}

/// One `<item>`.
#[derive(Debug, Clone, Default)]
pub struct Item {
    /// 1-based line and column of `<item>`.
    pub line: usize,
    pub col: usize,
    pub title: Option<String>,
    pub guid: Option<String>,
    pub pub_date: Option<String>,
    /// The episode's audio: the first enclosure with an audio type (or, when none says,
    /// the first enclosure).
    pub enclosure: Option<Enclosure>,
    /// The item's other enclosures, by URL, with the reason each was not taken.
    pub other_enclosures: Vec<String>,
    pub duration: Option<String>,
    pub episode: Option<String>,
    pub season: Option<String>,
    pub episode_type: Option<String>,
    pub subtitle: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub content_encoded: Option<String>,
    pub explicit: Option<bool>,
    pub image: Option<String>,
    pub link: Option<String>,
    pub keywords: Vec<String>,
    /// RSS `<category>` values.
    pub categories: Vec<String>,
    /// `itunes:author`, else the RSS `<author>`.
    pub author: Option<String>,
    pub people: Vec<Person>,
    pub chapters: Option<Linked>,
    pub transcripts: Vec<Linked>,
    /// Elements onair does not carry over, by display name, with their line.
    pub dropped: Vec<(String, usize)>,
}

impl Item {
    /// The show notes: `content:encoded`, else `description`, else `itunes:summary` (HTML).
    pub fn notes_html(&self) -> &str {
        self.content_encoded
            .as_deref()
            .or(self.description.as_deref())
            .or(self.summary.as_deref())
            .unwrap_or("")
    }

    /// How messages name this item: its title, else its GUID, else its position.
    pub fn label(&self) -> String {
        match (&self.title, &self.guid) {
            (Some(t), _) => format!("\"{t}\""),
            (None, Some(g)) => format!("guid {g}"),
            (None, None) => format!("the item at line {}", self.line),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Feed {
    pub channel: Channel,
    pub items: Vec<Item>,
}

/// Why a document is not a podcast feed onair can read, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// Reads feed bytes: UTF-8 (BOM accepted), or ISO-8859-1 / windows-1252 when the XML
/// declaration says so.
pub fn decode(bytes: &[u8]) -> Result<String, FeedError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let head = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).to_ascii_lowercase();
            let declared = head
                .split_once("encoding=")
                .map(|(_, rest)| rest.trim_start_matches(['"', '\'']))
                .map(|rest| rest.split(['"', '\'']).next().unwrap_or("").to_string());
            match declared.as_deref() {
                // Latin-1 maps each byte to the same code point; 1252's extra
                // punctuation in 0x80-0x9F is mapped by hand.
                Some("iso-8859-1" | "latin1" | "latin-1" | "windows-1252" | "cp1252") => {
                    Ok(bytes.iter().map(|&b| windows_1252(b)).collect())
                }
                _ => {
                    let valid = e.valid_up_to();
                    let (line, col) =
                        xml::line_col(std::str::from_utf8(&bytes[..valid]).unwrap_or(""), valid);
                    Err(FeedError {
                        line,
                        col,
                        message: "not UTF-8 text (and no ISO-8859-1/windows-1252 encoding is declared): is this really a feed?".into(),
                    })
                }
            }
        }
    }
}

fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    if (0x80..0xA0).contains(&b) {
        HIGH[(b - 0x80) as usize]
    } else {
        b as char
    }
}

/// Parses a feed's text. Errors: not XML, not RSS, no channel.
pub fn parse(text: &str) -> Result<Feed, FeedError> {
    let at = |pos: usize, message: String| {
        let (line, col) = xml::line_col(text, pos);
        FeedError { line, col, message }
    };
    let trimmed = text.trim_start();
    if !trimmed.starts_with('<') {
        return Err(at(
            text.len() - trimmed.len(),
            "not XML: a feed starts with `<?xml` or `<rss` (is this the show's web page rather than its feed?)".into(),
        ));
    }
    let root =
        xml::parse(text).map_err(|e| at(e.pos, format!("not well-formed XML: {}", e.message)))?;
    let line_of = |el: &Element| xml::line_col(text, el.pos).0;
    if root.is(Vocab::Atom, "feed") {
        // An Atom podcast feed: the <feed> is the channel, each <entry> an item, and a
        // `<link rel="enclosure">` the audio. Both read through the same functions.
        let mut feed = Feed {
            channel: read_channel(&root, &line_of),
            items: Vec::new(),
        };
        for el in root.children_named(Vocab::Atom, "entry") {
            let (line, col) = xml::line_col(text, el.pos);
            feed.items.push(read_item(el, line, col, &line_of));
        }
        return Ok(feed);
    }
    if !(root.vocab() == Vocab::Rss && root.name == "rss") {
        return Err(at(
            root.pos,
            format!(
                "not an RSS feed: the root element is <{}>, a podcast feed's is <rss>",
                root.display_name()
            ),
        ));
    }
    let channel = root
        .child(Vocab::Rss, "channel")
        .ok_or_else(|| at(root.pos, "the feed has no <channel> element".into()))?;
    let mut feed = Feed {
        channel: read_channel(channel, &line_of),
        items: Vec::new(),
    };
    for el in channel.children_named(Vocab::Rss, "item") {
        let (line, col) = xml::line_col(text, el.pos);
        feed.items.push(read_item(el, line, col, &line_of));
    }
    Ok(feed)
}

fn text_of(el: &Element) -> Option<String> {
    let t = el.text.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// `yes`, `true`, `explicit` -> true; `no`, `false`, `clean` -> false.
fn yes_no(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "yes" | "true" | "explicit" => Some(true),
        "no" | "false" | "clean" => Some(false),
        _ => None,
    }
}

fn read_channel(ch: &Element, line_of: &dyn Fn(&Element) -> usize) -> Channel {
    let mut c = Channel::default();
    let mut itunes_summary = None;
    for el in &ch.children {
        let known = match el.vocab() {
            Vocab::Rss => channel_rss(&mut c, el),
            Vocab::Itunes => channel_itunes(&mut c, el, &mut itunes_summary),
            Vocab::Podcast => channel_podcast(&mut c, el),
            Vocab::Atom => channel_atom(&mut c, el),
            _ => false,
        };
        if !known {
            c.dropped.push((el.display_name(), line_of(el)));
        }
    }
    if c.description.is_none() {
        c.description = itunes_summary;
    }
    c
}

/// A plain RSS element of the channel into `c`; false for one onair has no setting for.
fn channel_rss(c: &mut Channel, el: &Element) -> bool {
    match el.name.as_str() {
        "title" => c.title = text_of(el),
        "description" => c.description = text_of(el),
        "link" => c.link = text_of(el),
        "language" => c.language = text_of(el),
        "copyright" => c.copyright = text_of(el),
        "image" => {
            if c.image.is_none() {
                c.image = el.child_text(Vocab::Rss, "url").map(str::to_string);
            }
        }
        "lastBuildDate" => c.last_build_date = text_of(el),
        "pubDate" => {
            if c.last_build_date.is_none() {
                c.last_build_date = text_of(el);
            }
        }
        // Items are read on their own; the rest is written anew by every build, or describes
        // the old feed rather than the show.
        "item" | "generator" | "docs" | "ttl" | "webMaster" | "managingEditor" => {}
        _ => return false,
    }
    true
}

/// An itunes: element of the channel into `c` (its summary into `summary`, the description
/// when the feed has none).
fn channel_itunes(c: &mut Channel, el: &Element, summary: &mut Option<String>) -> bool {
    match el.name.as_str() {
        "image" => {
            if let Some(href) = el.attr("href").map(str::trim).filter(|h| !h.is_empty()) {
                c.image = Some(href.to_string());
            }
        }
        "author" => c.author = text_of(el),
        "summary" => *summary = text_of(el),
        "owner" => {
            c.owner_name = el.child_text(Vocab::Itunes, "name").map(str::to_string);
            c.owner_email = el.child_text(Vocab::Itunes, "email").map(str::to_string);
        }
        "category" => channel_category(c, el),
        "explicit" => c.explicit = yes_no(&el.text),
        "type" => c.show_type = text_of(el).map(|t| t.to_ascii_lowercase()),
        "new-feed-url" => c.new_feed_url = text_of(el),
        "block" => c.block = yes_no(&el.text),
        "complete" => c.complete = yes_no(&el.text),
        _ => return false,
    }
    true
}

/// `<itunes:category text>`, with its subcategories as "Parent > Child".
fn channel_category(c: &mut Channel, el: &Element) {
    let Some(name) = el.attr("text").map(str::trim).filter(|t| !t.is_empty()) else {
        return;
    };
    let subs: Vec<&str> = el
        .children_named(Vocab::Itunes, "category")
        .filter_map(|s| s.attr("text").map(str::trim))
        .filter(|s| !s.is_empty())
        .collect();
    if subs.is_empty() {
        c.categories.push(name.to_string());
    }
    for sub in subs {
        c.categories.push(format!("{name} > {sub}"));
    }
}

/// A podcast: element of the channel into `c`.
fn channel_podcast(c: &mut Channel, el: &Element) -> bool {
    match el.name.as_str() {
        "guid" => c.podcast_guid = text_of(el),
        "locked" => {
            c.locked = yes_no(&el.text);
            c.locked_owner = el
                .attr("owner")
                .map(str::trim)
                .filter(|o| !o.is_empty())
                .map(str::to_string);
        }
        "person" => c.people.extend(person(el)),
        "medium" => c.medium = text_of(el),
        "funding" => {
            if let Some(url) = el.attr("url").map(str::trim).filter(|u| !u.is_empty()) {
                let text = text_of(el).unwrap_or_else(|| "Support the show".to_string());
                c.funding.push((url.to_string(), text));
            }
        }
        _ => return false,
    }
    true
}

/// An Atom element of the channel (an Atom feed, or atom: links in RSS) into `c`.
fn channel_atom(c: &mut Channel, el: &Element) -> bool {
    match el.name.as_str() {
        "link" if el.attr("rel") == Some("self") => {
            c.self_url = el.attr("href").map(|h| h.trim().to_string());
        }
        // Atom: `<link href>` without rel, or rel="alternate", is the show's website.
        "link" if matches!(el.attr("rel"), None | Some("alternate")) => {
            if c.link.is_none() {
                c.link = el.attr("href").map(|h| h.trim().to_string());
            }
        }
        "title" => c.title = text_of(el).map(|t| collapse_space(&t)),
        "subtitle" => c.description = text_of(el),
        "rights" => c.copyright = text_of(el),
        "author" => {
            if c.author.is_none() {
                c.author = el.child_text(Vocab::Atom, "name").map(collapse_space);
            }
        }
        "logo" | "icon" => {
            if c.image.is_none() {
                c.image = text_of(el);
            }
        }
        "updated" => c.last_build_date = text_of(el),
        // Entries are read on their own; other links (hub, ...) and the generator describe
        // the old feed.
        "entry" | "id" | "link" | "generator" => {}
        _ => return false,
    }
    true
}

/// An item as it is read, element by element.
struct ItemReading {
    it: Item,
    enclosures: Vec<Enclosure>,
    /// Atom's `<updated>`: the date when there is no `<published>`.
    atom_updated: Option<String>,
}

impl ItemReading {
    /// A plain RSS element of the item; false for one onair has no place for.
    fn rss(&mut self, ch: &Element) -> bool {
        let it = &mut self.it;
        match ch.name.as_str() {
            "title" => it.title = text_of(ch).map(|t| collapse_space(&t)),
            // The GUID is kept byte for byte: apps compare it as a string.
            "guid" => it.guid = Some(ch.text.trim().to_string()).filter(|g| !g.is_empty()),
            "pubDate" => it.pub_date = text_of(ch),
            "enclosure" => self.enclosures.push(enclosure(ch, "url")),
            "description" => it.description = text_of(ch),
            "link" => it.link = text_of(ch),
            "author" => {
                if it.author.is_none() {
                    it.author = text_of(ch);
                }
            }
            "category" => it.categories.extend(text_of(ch)),
            _ => return false,
        }
        true
    }

    /// An itunes: element of the item.
    fn itunes(&mut self, ch: &Element) -> bool {
        let it = &mut self.it;
        match ch.name.as_str() {
            "title" => {
                if it.title.is_none() {
                    it.title = text_of(ch).map(|t| collapse_space(&t));
                }
            }
            "duration" => it.duration = text_of(ch),
            "episode" => it.episode = text_of(ch),
            "season" => it.season = text_of(ch),
            "episodeType" => it.episode_type = text_of(ch).map(|t| t.to_ascii_lowercase()),
            "subtitle" => it.subtitle = text_of(ch),
            "summary" => it.summary = text_of(ch),
            "explicit" => it.explicit = yes_no(&ch.text),
            "image" => {
                it.image = ch
                    .attr("href")
                    .map(|h| h.trim().to_string())
                    .filter(|h| !h.is_empty())
            }
            "keywords" => {
                it.keywords = ch
                    .text
                    .split(',')
                    .map(str::trim)
                    .filter(|k| !k.is_empty())
                    .map(str::to_string)
                    .collect()
            }
            // onair has no per-episode block: a blocked episode would become visible (so it
            // is reported as dropped); `no` is what every episode is anyway.
            "block" => return yes_no(&ch.text) != Some(true),
            "author" => it.author = text_of(ch),
            _ => return false,
        }
        true
    }

    /// A podcast: element of the item.
    fn podcast(&mut self, ch: &Element) -> bool {
        let it = &mut self.it;
        let linked = |ch: &Element| {
            ch.attr("url")
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .map(|url| Linked {
                    url: url.to_string(),
                    mime: ch.attr("type").map(str::to_string),
                })
        };
        match ch.name.as_str() {
            "episode" => {
                if it.episode.is_none() {
                    it.episode = text_of(ch);
                }
            }
            "season" => {
                if it.season.is_none() {
                    it.season = text_of(ch);
                }
            }
            "person" => it.people.extend(person(ch)),
            "chapters" => {
                if let Some(l) = linked(ch) {
                    it.chapters = Some(l);
                }
            }
            "transcript" => it.transcripts.extend(linked(ch)),
            _ => return false,
        }
        true
    }

    /// An Atom element of the entry.
    fn atom(&mut self, ch: &Element) -> bool {
        let it = &mut self.it;
        match ch.name.as_str() {
            "link" if ch.attr("rel") == Some("enclosure") => {
                self.enclosures.push(enclosure(ch, "href"))
            }
            "link" if matches!(ch.attr("rel"), None | Some("alternate")) => {
                if it.link.is_none() {
                    it.link = ch.attr("href").map(|h| h.trim().to_string());
                }
            }
            "link" => {}
            "title" => it.title = text_of(ch).map(|t| collapse_space(&t)),
            "id" => it.guid = Some(ch.text.trim().to_string()).filter(|g| !g.is_empty()),
            "published" => it.pub_date = text_of(ch),
            "updated" => self.atom_updated = text_of(ch),
            "content" => it.content_encoded = text_of(ch),
            "summary" => it.description = text_of(ch),
            "author" => {
                if it.author.is_none() {
                    it.author = ch.child_text(Vocab::Atom, "name").map(collapse_space);
                }
            }
            "category" => it.categories.extend(
                ch.attr("term")
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string),
            ),
            _ => return false,
        }
        true
    }
}

fn read_item(el: &Element, line: usize, col: usize, line_of: &dyn Fn(&Element) -> usize) -> Item {
    let mut r = ItemReading {
        it: Item {
            line,
            col,
            ..Item::default()
        },
        enclosures: Vec::new(),
        atom_updated: None,
    };
    for ch in &el.children {
        let known = match ch.vocab() {
            Vocab::Rss => r.rss(ch),
            Vocab::Itunes => r.itunes(ch),
            Vocab::Podcast => r.podcast(ch),
            Vocab::Atom => r.atom(ch),
            Vocab::Content if ch.name == "encoded" => {
                r.it.content_encoded = text_of(ch);
                true
            }
            _ => false,
        };
        if !known {
            r.it.dropped.push((ch.display_name(), line_of(ch)));
        }
    }
    let ItemReading {
        mut it,
        mut enclosures,
        atom_updated,
    } = r;
    if it.pub_date.is_none() {
        it.pub_date = atom_updated;
    }
    // The first audio enclosure is the episode's; a video or document beside it is not.
    let audio = enclosures
        .iter()
        .position(|e| match e.mime.as_deref() {
            Some(m) if !m.is_empty() => m.starts_with("audio/"),
            _ => crate::audio::AudioFormat::from_extension(&e.url).is_some(),
        })
        .unwrap_or(0);
    if audio < enclosures.len() {
        let chosen = enclosures.remove(audio);
        it.other_enclosures = enclosures.into_iter().map(|e| e.url).collect();
        it.enclosure = Some(chosen);
    }
    it
}

/// An RSS `<enclosure url>` or Atom `<link rel="enclosure" href>`.
fn enclosure(el: &Element, url_attr: &str) -> Enclosure {
    let length_text = el.attr("length").map(str::trim).unwrap_or("");
    let length = length_text.parse::<u64>().ok();
    Enclosure {
        url: el.attr(url_attr).map(str::trim).unwrap_or("").to_string(),
        length,
        length_text: (length.is_none() && !length_text.is_empty()).then(|| length_text.to_string()),
        mime: el.attr("type").map(|t| t.trim().to_ascii_lowercase()),
    }
}

/// A `podcast:person` element (None without a name).
fn person(el: &Element) -> Option<Person> {
    let name = collapse_space(&text_of(el)?);
    let attr = |k: &str| {
        el.attr(k)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    Some(Person {
        name,
        role: attr("role").map(|r| r.to_ascii_lowercase()),
        group: attr("group").map(|g| g.to_ascii_lowercase()),
        href: attr("href"),
        img: attr("img"),
    })
}

fn collapse_space(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `itunes:duration` as written by hosts: seconds (`3525`, `3525.4`), `MM:SS`, `H:MM:SS`.
pub fn parse_duration(text: &str) -> Option<f64> {
    let t = text.trim();
    let parts: Vec<&str> = t.split(':').collect();
    if parts.len() > 3 || parts.iter().any(|p| p.trim().is_empty()) {
        return None;
    }
    let mut total = 0.0f64;
    for p in &parts {
        let v: f64 = p.trim().parse().ok()?;
        if !v.is_finite() || v < 0.0 {
            return None;
        }
        total = total * 60.0 + v;
    }
    (total > 0.0).then_some(total)
}

/// `pubDate` as hosts write it: RFC 2822 (with named zones such as GMT or EST), else RFC 3339.
pub fn parse_pub_date(text: &str) -> Option<jiff::ZonedDateTime> {
    let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Ok(z) = jiff::fmt::rfc2822::parse(&t) {
        return Some(z);
    }
    // Some hosts write `UTC`, or a zone name RFC 2822 does not list; and some drop the weekday.
    let (head, zone) = t.rsplit_once(' ').unwrap_or(("", ""));
    let offset = match zone.to_ascii_uppercase().as_str() {
        "UTC" | "Z" | "GMT" | "UT" => Some("+0000"),
        "BST" => Some("+0100"),
        "CET" => Some("+0100"),
        "CEST" => Some("+0200"),
        "AEST" => Some("+1000"),
        "AEDT" => Some("+1100"),
        _ => None,
    };
    if let Some(off) = offset
        && let Ok(z) = jiff::fmt::rfc2822::parse(&format!("{head} {off}"))
    {
        return Some(z);
    }
    crate::dates::parse_date(&t, &jiff::tz::TimeZone::UTC)
        .ok()
        .filter(|_| {
            // Only with an explicit offset: a date without one says nothing about its zone.
            t.ends_with('Z') || t.rfind(['+', '-']).is_some_and(|i| i > 10)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_as_hosts_write_them() {
        assert_eq!(parse_duration("3525"), Some(3525.0));
        assert_eq!(parse_duration("58:45"), Some(3525.0));
        assert_eq!(parse_duration("0:58:45"), Some(3525.0));
        assert_eq!(parse_duration("1:02:03"), Some(3723.0));
        assert_eq!(parse_duration("3525.5"), Some(3525.5));
        assert_eq!(parse_duration(""), None);
        assert_eq!(parse_duration("1h"), None);
        assert_eq!(parse_duration("1::2"), None);
    }

    #[test]
    fn dates_as_hosts_write_them() {
        let d = parse_pub_date("Wed, 29 Jul 2015 15:00:00 -0400").unwrap();
        assert_eq!(crate::dates::rfc3339(&d), "2015-07-29T15:00:00-04:00");
        let d = parse_pub_date("Wed, 29 Jul 2015 19:00:00 GMT").unwrap();
        assert_eq!(crate::dates::rfc3339(&d), "2015-07-29T19:00:00+00:00");
        let d = parse_pub_date("Wed, 29 Jul 2015 19:00:00 UTC").unwrap();
        assert_eq!(crate::dates::rfc3339(&d), "2015-07-29T19:00:00+00:00");
        let d = parse_pub_date("29 Jul 2015 15:00:00 EST").unwrap();
        assert_eq!(crate::dates::rfc3339(&d), "2015-07-29T15:00:00-05:00");
        let d = parse_pub_date("2015-07-29T15:00:00+02:00").unwrap();
        assert_eq!(crate::dates::rfc3339(&d), "2015-07-29T15:00:00+02:00");
        assert!(parse_pub_date("yesterday").is_none());
        assert!(parse_pub_date("2015-07-29 15:00").is_none());
    }

    #[test]
    fn not_rss_is_named() {
        let e = parse("<html><body>hi</body></html>").unwrap_err();
        assert!(
            e.message.contains("root element is <html>"),
            "{}",
            e.message
        );
        let e = parse("{\"json\": true}").unwrap_err();
        assert!(e.message.starts_with("not XML"), "{}", e.message);
        let e = parse("<rss>\n<channel><title>x</title></rss>").unwrap_err();
        assert_eq!(e.line, 2, "{e:?}");
    }

    #[test]
    fn atom_entries_are_items_and_enclosure_links_their_audio() {
        let feed = parse(
            r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>Walks</title>
<link href="https://walks.example/"/><updated>2024-11-01T10:00:00Z</updated>
<entry><title>One</title><id>w1</id><updated>2024-11-01T10:00:00Z</updated>
<link rel="alternate" href="https://walks.example/1"/>
<link rel="enclosure" href="https://cdn.example/1.pdf" type="application/pdf"/>
<link rel="enclosure" href="https://cdn.example/1.mp3" length="900" type="audio/mpeg"/>
<summary>First.</summary></entry></feed>"#,
        )
        .unwrap();
        let c = &feed.channel;
        assert_eq!(
            (
                c.title.as_deref(),
                c.link.as_deref(),
                c.last_build_date.as_deref()
            ),
            (
                Some("Walks"),
                Some("https://walks.example/"),
                Some("2024-11-01T10:00:00Z")
            )
        );
        let item = &feed.items[0];
        let enclosure = item.enclosure.as_ref().unwrap();
        assert_eq!(
            (
                enclosure.url.as_str(),
                enclosure.length,
                item.guid.as_deref()
            ),
            ("https://cdn.example/1.mp3", Some(900), Some("w1"))
        );
        assert_eq!(item.other_enclosures, ["https://cdn.example/1.pdf"]);
        assert_eq!(item.pub_date.as_deref(), Some("2024-11-01T10:00:00Z"));
        assert_eq!(item.link.as_deref(), Some("https://walks.example/1"));
        assert_eq!(item.description.as_deref(), Some("First."));
    }

    #[test]
    fn latin1_feeds_are_decoded() {
        let bytes = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><channel><title>Caf\xe9 \x93x\x94</title></channel></rss>";
        let text = decode(bytes).unwrap();
        let feed = parse(&text).unwrap();
        assert_eq!(feed.channel.title.as_deref(), Some("Café “x”"));
        assert!(decode(b"<rss>\xff\xfe</rss>").is_err());
    }
}
