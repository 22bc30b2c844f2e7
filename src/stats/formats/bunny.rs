//! bunny.net CDN raw logs (docs.bunny.net/docs/cdn-log-format), pipe-separated:
//! `cache-status|status|timestamp-ms|bytes-sent|pull-zone|ip|referer|url|edge|user-agent|
//! request-id|country`. The log names no method (a HEAD sends no body: it adds no bytes) and
//! no Range header.

use std::borrow::Cow;

use crate::stats::{Line, LogReader, Method, Request, probe_without_range};

pub struct Bunny;

/// Whether a line is a Bunny log line: at least 12 fields, the first a cache status, the
/// third a timestamp.
pub fn looks_like(line: &str) -> bool {
    let mut f = line.split('|');
    let status = f.next().unwrap_or("");
    let _ = f.next();
    let stamp = f.next().unwrap_or("");
    status.chars().all(|c| c.is_ascii_uppercase())
        && !status.is_empty()
        && !stamp.is_empty()
        && stamp.bytes().all(|c| c.is_ascii_digit())
        && line.split('|').count() >= 12
}

/// The path of a URL (`https://host/path?q` -> `/path?q`); a path stays as it is.
pub fn url_path(url: &str) -> &str {
    match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => url,
    }
}

impl LogReader for Bunny {
    fn read<'a>(&mut self, line: &'a str) -> Line<'a> {
        let line = line.trim_end_matches(['\r', '\n']);
        if line.trim().is_empty() {
            return Line::Skip;
        }
        let mut head = line.splitn(10, '|');
        let fields: Vec<&str> = head.by_ref().take(9).collect();
        let Some(rest) = head.next() else {
            return Line::Bad("fewer than 12 |-separated fields");
        };
        // The agent may hold a `|`: the request id and the country are the last two fields.
        let mut tail = rest.rsplitn(3, '|');
        let (Some(_country), Some(_id), Some(agent)) = (tail.next(), tail.next(), tail.next())
        else {
            return Line::Bad("fewer than 12 |-separated fields");
        };
        let [_cache, status, stamp, sent, _zone, ip, _referer, url, _edge] = fields[..] else {
            return Line::Bad("fewer than 12 |-separated fields");
        };
        let (Ok(status), Ok(ms), Ok(bytes)) = (
            status.parse::<u16>(),
            stamp.parse::<i64>(),
            sent.parse::<u64>(),
        ) else {
            return Line::Bad("the status, timestamp or bytes sent is not a number");
        };
        Line::Request(Request {
            secs: ms.div_euclid(1000),
            ip: Cow::Borrowed(ip),
            method: Method::Get,
            path: Cow::Borrowed(url_path(url)),
            status,
            bytes,
            agent: Cow::Borrowed(agent),
            probe: probe_without_range(status, bytes),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bunny_line_with_pipe_in_agent() {
        let line = "MISS|206|1507167062421|412|390|163.172.53.229|-|https://zone.b-cdn.net/audio/a.mp3?v=2|WA|Odd|Agent/1.0|322b688bd63fb63f2babe9de30a5d262|DE";
        let Line::Request(r) = Bunny.read(line) else {
            panic!("a request")
        };
        assert_eq!(r.secs, 1_507_167_062);
        assert_eq!(r.path, "/audio/a.mp3?v=2");
        assert_eq!(r.agent, "Odd|Agent/1.0");
        assert_eq!((r.status, r.bytes), (206, 412));
        assert!(matches!(Bunny.read("HIT|200|x"), Line::Bad(_)));
    }
}
