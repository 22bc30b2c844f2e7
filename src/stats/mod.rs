//! `onair stats`: downloads counted from the show's own server logs by the IAB Tech Lab
//! Podcast Measurement Technical Guidelines v2.3, with what onair knows of each episode (its
//! exact size, duration and header bytes).
//!
//! - `formats`: one reader per log format behind `LogReader`, the format found per file;
//! - `sources`: files, folders, .gz and s3:// prefixes, read into `count`;
//! - `episodes`: the site's enclosures, matched by path;
//! - `agents`: the OPAWG user-agents-v2 lists (bots, apps, libraries, browsers, devices);
//! - `history`: SITE/.onair/stats.sqlite, so that several runs count as one;
//! - `count`: the windows (IP /64 + agent + episode, per UTC day) and the minute rule;
//! - `report`: the terminal table, JSON, CSV and the HTML report.

use std::borrow::Cow;

pub mod agents;
pub mod count;
pub mod episodes;
pub mod formats;
pub mod history;
pub mod html;
pub mod report;
pub mod sources;
pub mod time;

/// The method of a request, as far as the log tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    Other,
}

/// One request of a log line, borrowing from the line where it can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request<'a> {
    /// Unix seconds, UTC.
    pub secs: i64,
    pub ip: Cow<'a, str>,
    pub method: Method,
    /// The path as logged: maybe URL-encoded, maybe with a query string, maybe a whole URL or
    /// an S3 key without its leading slash.
    pub path: Cow<'a, str>,
    pub status: u16,
    /// Bytes of the response body sent (a log that counts headers too: the bytes it counts).
    pub bytes: u64,
    pub agent: Cow<'a, str>,
    /// A `Range: bytes=0-1` request (where the log does not record the range: a 206 that sent
    /// at most 2 bytes).
    pub probe: bool,
}

/// What a line of a log is.
#[derive(Debug, PartialEq, Eq)]
pub enum Line<'a> {
    Request(Request<'a>),
    /// A comment, header or blank line.
    Skip,
    /// Not a line of the format: what is wrong with it.
    Bad(&'static str),
}

/// Reads the lines of one log file of one format, in order (a reader may keep what a header
/// line says, as CloudFront's `#Fields:` does).
pub trait LogReader {
    fn read<'a>(&mut self, line: &'a str) -> Line<'a>;
}

/// Whether a Range header's value asks for the first two bytes only (the probe apps send to
/// learn a file's size, never a download).
pub fn is_probe_range(range: &str) -> bool {
    range.trim().eq_ignore_ascii_case("bytes=0-1")
}

/// The probe rule for logs that record no Range header: a partial response of two bytes or
/// fewer.
pub fn probe_without_range(status: u16, bytes: u64) -> bool {
    status == 206 && bytes <= 2
}

pub use crate::percent::decode as percent_decode;

/// Up to N items of `it` into `out`; how many there were.
pub fn fill<'a, const N: usize>(
    it: impl Iterator<Item = &'a str>,
    out: &mut [&'a str; N],
) -> usize {
    let mut n = 0;
    for (slot, item) in out.iter_mut().zip(it) {
        *slot = item;
        n += 1;
    }
    n
}

/// The space-separated fields of a log line, where `"..."` (with `\"` escapes) and `[...]`
/// are one field each, given without their quotes or brackets.
pub struct Fields<'a> {
    rest: &'a str,
}

impl<'a> Fields<'a> {
    pub fn new(line: &'a str) -> Fields<'a> {
        Fields { rest: line }
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        let s = self.rest.trim_start_matches(' ');
        let b = s.as_bytes();
        let (field, rest) = match b.first()? {
            b'"' => {
                let mut i = 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                let end = i.min(b.len());
                (&s[1..end], s.get(end + 1..).unwrap_or(""))
            }
            b'[' => match s.find(']') {
                Some(end) => (&s[1..end], &s[end + 1..]),
                None => (&s[1..], ""),
            },
            _ => match s.find(' ') {
                Some(end) => (&s[..end], &s[end..]),
                None => (s, ""),
            },
        };
        self.rest = rest;
        Some(field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_quotes_and_brackets() {
        let f: Vec<&str> = Fields::new(
            r#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 200 "x \"y\" z" end"#,
        )
        .collect();
        assert_eq!(
            f,
            [
                "1.2.3.4",
                "-",
                "-",
                "10/Oct/2000:13:55:36 -0700",
                "GET /a HTTP/1.1",
                "200",
                r#"x \"y\" z"#,
                "end"
            ]
        );
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("/audio/a%20b.mp3"), "/audio/a b.mp3");
        assert_eq!(percent_decode("/caf%C3%A9"), "/café");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert!(matches!(percent_decode("/plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn probes() {
        assert!(is_probe_range("bytes=0-1"));
        assert!(!is_probe_range("bytes=0-"));
        assert!(probe_without_range(206, 2));
        assert!(!probe_without_range(200, 2));
    }
}
