//! The rule table: every rule `onair check` applies, in one place. `onair check --rules`
//! prints it and docs/feed-checks.md is generated from that; a rule's id never changes once released.
//! The section numbers (A1, C26, ...) point into ../shared/research/feed-rules.md, which holds
//! the sources; `source` names the primary one.

use crate::diag::Severity;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    /// One line: what the rule requires.
    pub summary: &'static str,
    /// Where the requirement comes from.
    pub source: &'static str,
}

use Severity::{Error as E, Warning as W};

const fn rule(
    id: &'static str,
    severity: Severity,
    summary: &'static str,
    source: &'static str,
) -> Rule {
    Rule {
        id,
        severity,
        summary,
        source,
    }
}

/// Every rule, grouped as the research notes group them.
pub const RULES: &[Rule] = &[
    // A. XML, encoding and hosting
    rule(
        "xml-well-formed",
        E,
        "The feed is well-formed XML 1.0: one root element, every tag closed and nested.",
        "A1: XML 1.0; partytime and podcastparser reject the whole feed",
    ),
    rule(
        "xml-encoding",
        E,
        "The feed is UTF-8 and starts with <?xml version=\"1.0\" encoding=\"UTF-8\"?>.",
        "A1: Apple podcaster's guide, PSP-1",
    ),
    rule(
        "xml-escape",
        E,
        "A literal & or < in text or attribute values is escaped (&amp; &lt;).",
        "A2: XML 1.0 §2.4; a bare & made podcastparser and partytime drop the feed",
    ),
    rule(
        "xml-entity",
        E,
        "Only the five XML entities (&amp; &lt; &gt; &quot; &apos;) or numeric references; no HTML entities such as &nbsp;.",
        "A3: XML 1.0 §4.6; W3C \"Undefined named entity\"",
    ),
    rule(
        "xml-char",
        E,
        "No characters outside XML's Char production (control characters other than tab, LF, CR; U+FFFE, U+FFFF), not even as references.",
        "A4: XML 1.0 §2.2",
    ),
    rule(
        "xml-cdata-end",
        E,
        "The sequence ]]> never appears in text: a CDATA section ends at the first one.",
        "A5: XML 1.0 §2.4, §2.7",
    ),
    rule(
        "rss-root",
        E,
        "The root is <rss version=\"2.0\"> containing exactly one <channel>; Atom is not accepted.",
        "A6: RSS 2.0; Apple dropped Atom in 2023",
    ),
    rule(
        "namespace-uri",
        E,
        "Every prefix used is declared, with the exact case-sensitive namespace URI (itunes: http://www.itunes.com/dtds/podcast-1.0.dtd).",
        "A7: Apple podcaster's guide, PSP-1; podcastparser matches the http URI only",
    ),
    rule(
        "namespace-prefix",
        E,
        "The namespaces use the conventional prefixes itunes:, podcast:, atom:, content:.",
        "A8: partytime matches literal prefixes and ignores other ones",
    ),
    rule(
        "text-whitespace",
        W,
        "Values have no leading or trailing whitespace.",
        "A9: Apple podcaster's guide",
    ),
    rule(
        "text-length",
        W,
        "Titles, author and owner values are at most 255 characters.",
        "A9: Apple podcaster's guide",
    ),
    rule(
        "url-https",
        W,
        "Feed, site, artwork, media and podcast: URLs use https.",
        "A11: Google RSS guidelines; Podcasting 2.0 requires https in podcast: tags",
    ),
    rule(
        "xml-trailing",
        W,
        "Nothing (comments, processing instructions) follows </rss>.",
        "A13: Blubrry: intermittent Apple ingestion failures",
    ),
    rule(
        "feed-size",
        W,
        "The feed stays under 3 MB (onair shortens older items' notes to stay under it); larger feeds are refused by some apps.",
        "K/anchors 3.8: feeds of 3 MB+ refused by Pocket Casts (MinusPod #67)",
    ),
    // B. Channel
    rule(
        "channel-title",
        E,
        "The channel has a non-empty <title>.",
        "B14: RSS 2.0, Apple",
    ),
    rule(
        "channel-link",
        E,
        "The channel has a <link> to the show's website.",
        "B14: RSS 2.0, PSP-1",
    ),
    rule(
        "channel-description",
        E,
        "The channel has a non-empty <description>.",
        "B14: RSS 2.0, Apple",
    ),
    rule(
        "channel-description-length",
        E,
        "The channel <description> is at most 4000 bytes.",
        "B16: Apple podcaster's guide",
    ),
    rule(
        "description-html",
        E,
        "HTML in <description> or <content:encoded> is escaped or inside CDATA, not raw child elements.",
        "B16: Apple podcaster's guide",
    ),
    rule(
        "url-absolute",
        E,
        "Every URL in the feed (links, enclosures, images, podcast: URLs) is absolute http(s).",
        "B15: W3C \"must be a full URL\"",
    ),
    rule(
        "html-relative-url",
        W,
        "Links and images inside show-notes HTML are absolute; apps do not resolve relative URLs.",
        "B15: W3C \"should not contain relative URL references\"",
    ),
    rule(
        "language",
        E,
        "The channel has a <language> that is an ISO 639 code, optionally with a region (en, en-us).",
        "B17: Apple \"Invalid language codes will cause your feed to fail\"",
    ),
    rule(
        "atom-self",
        W,
        "The channel has <atom:link rel=\"self\" type=\"application/rss+xml\"> with the feed's own public URL.",
        "B18: PSP-1 (required), W3C warning",
    ),
    rule(
        "rss-image",
        W,
        "An RSS <image> has url, title and link matching the channel, and no width/height beyond 144x400.",
        "B19: RSS 2.0, W3C image.py",
    ),
    rule(
        "channel-episodes",
        E,
        "The feed has at least one episode (an item with an enclosure).",
        "B22: Spotify, PRX",
    ),
    // C. Items
    rule(
        "item-title",
        E,
        "Every item has a non-empty <title>.",
        "C23: Apple (required), partytime drops items without one",
    ),
    rule(
        "item-enclosure",
        E,
        "Every item has exactly one <enclosure>.",
        "C24: RSS Best Practices, Apple, Spotify; partytime drops items without one",
    ),
    rule(
        "enclosure-url",
        E,
        "The enclosure url is an absolute http(s) URL without spaces, ending in the file's real extension.",
        "C25: Apple \"the file extension ... determines whether content appears\"",
    ),
    rule(
        "enclosure-format",
        W,
        "The enclosure is a format Apple Podcasts plays (.mp3 .m4a .mp4 .m4v .mov .pdf).",
        "C25: Apple audio requirements (MP3 or AAC)",
    ),
    rule(
        "enclosure-unique",
        E,
        "No two items share an enclosure URL.",
        "C25: Apple \"will ignore previously used enclosure URLs\"",
    ),
    rule(
        "enclosure-length",
        E,
        "The enclosure length is the file's exact size in bytes, a plain positive integer.",
        "C26: RSS 2.0, Spotify; podcastparser reads 0 as unknown",
    ),
    rule(
        "enclosure-type",
        E,
        "The enclosure type is the correct MIME type for the file (audio/mpeg for .mp3, not audio/mp3).",
        "C27: Apple podcaster's guide, RFC 3003",
    ),
    rule(
        "item-guid",
        E,
        "Every item has a non-empty <guid>.",
        "C28: Apple (required since 2023), Spotify; partytime drops items without one",
    ),
    rule(
        "guid-unique",
        E,
        "Item GUIDs are unique within the feed.",
        "C28: Apple skips duplicates; W3C DuplicateValue",
    ),
    rule(
        "guid-permalink",
        E,
        "A guid without isPermaLink=\"false\" is the episode's absolute URL; isPermaLink is true or false.",
        "C29: RSS 2.0, W3C InvalidHttpGUID",
    ),
    rule(
        "guid-short",
        W,
        "A GUID is not a short number (8 digits or fewer), which other feeds reuse.",
        "C29: W3C NotSufficientlyUnique",
    ),
    rule(
        "item-pubdate",
        E,
        "Every item has a <pubDate>.",
        "C30: Apple (episodic shows), Spotify",
    ),
    rule(
        "pubdate-rfc2822",
        E,
        "Dates are RFC 2822: \"Wed, 15 Jun 2022 19:00:00 +0000\", English names, 4-digit year, numeric zone or GMT, correct weekday.",
        "C30: RSS 2.0, Apple, W3C rfc822",
    ),
    rule(
        "pubdate-future",
        W,
        "No item is dated in the future (more than 10 minutes ahead).",
        "C30/C34: W3C \"Implausible date\"",
    ),
    rule(
        "item-description-length",
        W,
        "An item <description> is at most 4000 bytes.",
        "C31: Apple podcaster's guide",
    ),
    rule(
        "content-order",
        W,
        "An item's <description> comes before its <content:encoded>.",
        "C32: RSS Best Practices profile, W3C",
    ),
    rule(
        "html-unsafe",
        W,
        "Show-notes HTML has no <script>, <iframe>, <object> or <embed>.",
        "C32: W3C SecurityRisk",
    ),
    rule(
        "item-link",
        W,
        "Every item has a <link> to its episode page.",
        "C33: Apple podcaster's guide",
    ),
    rule(
        "item-order",
        W,
        "Items are listed newest first.",
        "C34: RSS convention; Apple and podcastparser order by date",
    ),
    // D. Apple (itunes:)
    rule(
        "itunes-image",
        E,
        "The channel has <itunes:image href> with an absolute .jpg/.jpeg/.png URL (items may have their own).",
        "D35: Apple (required)",
    ),
    rule(
        "artwork-format",
        E,
        "Artwork is a JPEG or PNG file whose extension matches its content.",
        "D35: Apple artwork requirements",
    ),
    rule(
        "artwork-size",
        E,
        "Artwork is square, 1400 to 3000 pixels a side.",
        "D35: Apple artwork requirements",
    ),
    rule(
        "artwork-color",
        E,
        "Artwork is RGB: no CMYK or grayscale, no alpha channel.",
        "D35: Apple artwork requirements",
    ),
    rule(
        "itunes-category",
        E,
        "<itunes:category> names come from Apple's list, spelt exactly, subcategories nested in their parent; pre-2019 names are obsolete.",
        "D36: Apple categories, W3C InvalidItunesCategory",
    ),
    rule(
        "itunes-explicit",
        E,
        "The channel has <itunes:explicit> true or false (lowercase); items, when they have one, too.",
        "D37: Apple (required), W3C",
    ),
    rule(
        "item-explicit",
        W,
        "Every item states <itunes:explicit>.",
        "D45: Apple podcaster's guide (recommended)",
    ),
    rule(
        "itunes-author",
        W,
        "The channel has a non-empty <itunes:author>.",
        "D38: Apple (recommended), Spotify (required)",
    ),
    rule(
        "itunes-owner",
        W,
        "The channel has <itunes:owner> with a valid <itunes:email> (Spotify and YouTube verify ownership with it).",
        "D39: Spotify, YouTube, W3C MissingItunesEmail",
    ),
    rule(
        "itunes-type",
        E,
        "<itunes:type> is episodic or serial; in a serial show every item has <itunes:episode>.",
        "D40: Apple podcaster's guide",
    ),
    rule(
        "itunes-block",
        W,
        "<itunes:block> is Yes (any other value has no effect).",
        "D43: Apple podcaster's guide",
    ),
    rule(
        "itunes-complete",
        W,
        "<itunes:complete> is Yes (any other value has no effect).",
        "D43: Apple podcaster's guide",
    ),
    rule(
        "itunes-duration",
        W,
        "Every item has a non-zero <itunes:duration>.",
        "D44: Apple (recommended); K9",
    ),
    rule(
        "itunes-duration-format",
        E,
        "<itunes:duration> is whole seconds, MM:SS or H:MM:SS, without fractions.",
        "D44: W3C InvalidDuration; partytime reads bad values as 1800 s",
    ),
    rule(
        "itunes-episode",
        E,
        "<itunes:episode> and <itunes:season> are positive integers.",
        "D46: Apple podcaster's guide, W3C",
    ),
    rule(
        "itunes-episode-type",
        E,
        "<itunes:episodeType> is full, trailer or bonus (lowercase).",
        "D47: Apple podcaster's guide",
    ),
    // E. Podcasting 2.0 (podcast:)
    rule(
        "podcast-guid",
        W,
        "The channel has one <podcast:guid>, a UUIDv5 (of the feed URL when first assigned); a valid UUID of another version is only a warning.",
        "E49: Podcasting 2.0 guid, PSP-1",
    ),
    rule(
        "podcast-guid-uuid",
        E,
        "The <podcast:guid> is a UUID (the namespace requires a UUIDv5); anything else is no id apps can match.",
        "E49: Podcasting 2.0 guid, PSP-1",
    ),
    rule(
        "podcast-locked",
        W,
        "The channel has <podcast:locked owner=\"email\"> yes or no; partytime ignores it without owner.",
        "E50: Podcasting 2.0 locked, PSP-1",
    ),
    rule(
        "podcast-transcript",
        E,
        "<podcast:transcript> has an absolute url and a known type (text/vtt, application/x-subrip, application/json, text/html, text/plain).",
        "E51: Podcasting 2.0 transcript",
    ),
    rule(
        "podcast-chapters",
        E,
        "An item has at most one <podcast:chapters>, with an absolute url and type application/json+chapters.",
        "E52: Podcasting 2.0 chapters",
    ),
    rule(
        "podcast-person",
        E,
        "<podcast:person> has a non-empty name of at most 128 characters and absolute img/href URLs.",
        "E53: Podcasting 2.0 person",
    ),
    rule(
        "podcast-person-role",
        W,
        "<podcast:person> role and group come from the Podcasting 2.0 taxonomy.",
        "E53: Podcasting 2.0 taxonomy.json",
    ),
    rule(
        "podcast-season",
        E,
        "<podcast:season> is an integer; its name is at most 128 characters.",
        "E54: Podcasting 2.0 season",
    ),
    rule(
        "podcast-episode",
        E,
        "<podcast:episode> is a number; its display is at most 32 characters.",
        "E54: Podcasting 2.0 episode",
    ),
    rule(
        "podcast-funding",
        E,
        "<podcast:funding> has an absolute url and a label of 1 to 128 characters.",
        "E55: Podcasting 2.0 funding",
    ),
    rule(
        "podcast-medium",
        E,
        "<podcast:medium> is one of the listed mediums (podcast, music, video, film, audiobook, newsletter, blog, publisher, course, their L lists, mixed).",
        "E56: Podcasting 2.0 medium",
    ),
    rule(
        "podcast-trailer",
        E,
        "<podcast:trailer> has an absolute url, an RFC 2822 pubdate, a title of 1 to 128 characters, and a numeric length.",
        "Podcasting 2.0 trailer",
    ),
    // Site-level: what only the build output can tell
    rule(
        "local-file",
        E,
        "Every enclosure, chapters, transcript and artwork URL under the site's URL is a file the site publishes.",
        "C24-C26, E51, E52: a missing file is a broken episode",
    ),
    rule(
        "remote-under-site",
        W,
        "An artwork, audio, chapters or transcript URL written as an absolute URL in site.yaml or an episode is not under the site's own URL (as an imported show's files on its old website are): it breaks once the new site replaces the old one.",
        "C24-C26: a missing file is a broken episode",
    ),
    // Publish safety (`--against`, and every `onair build` against the feed it replaces)
    rule(
        "guid-changed",
        E,
        "An episode keeps its GUID: apps treat a new GUID as a new episode and download it again.",
        "C28: Apple, anchors 3.7",
    ),
    rule(
        "episode-vanished",
        E,
        "A published episode does not disappear from the feed (apps delete it from listeners' libraries).",
        "C28, anchors 3.7",
    ),
    rule(
        "enclosure-changed",
        W,
        "A published episode keeps its enclosure URL (some apps download it again).",
        "C25: Apple, anchors 3.7",
    ),
    rule(
        "podcast-guid-changed",
        W,
        "The feed keeps its <podcast:guid> forever, even when its URL moves.",
        "E49: Podcasting 2.0 guid",
    ),
    rule(
        "feed-url-changed",
        W,
        "The feed's self URL stays the same; a move needs <itunes:new-feed-url> and a 301 redirect.",
        "D42: Apple, PRX",
    ),
];

/// Requirements of the research notes that cannot be checked from the feed and the build output,
/// listed so that `--rules` and docs/feed-checks.md say what `onair check` does not cover.
pub const NOT_CHECKED: &[(&str, &str)] = &[
    (
        "A10",
        "the server answers HEAD and byte-range requests and needs no login: needs the live server",
    ),
    (
        "A12",
        "the feed is served as application/rss+xml with charset=utf-8 and ETag/Last-Modified: a server setting",
    ),
    (
        "C23",
        "titles hold no episode numbers or show name: an Apple guideline that real shows break on purpose",
    ),
    (
        "D35",
        "artwork is 72 dpi and its URL changes with the image: not visible in one build",
    ),
];

pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_kebab_case() {
        let mut seen = HashSet::new();
        for r in RULES {
            assert!(seen.insert(r.id), "duplicate rule id {}", r.id);
            assert!(
                r.id.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "rule id {} is not kebab-case",
                r.id
            );
            assert!(!r.summary.is_empty() && !r.source.is_empty());
        }
    }
}
