//! nginx's and Apache's combined log format:
//! `%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"`, any zone offset, anything after
//! the agent ignored (nginx's `$request_time`, `$http_x_forwarded_for`...).
//! Neither logs the Range header by default: see `probe_without_range`.

use std::borrow::Cow;

use crate::stats::{Fields, Line, LogReader, Method, Request, probe_without_range, time};

pub struct Combined;

/// "GET /path HTTP/1.1" as method and path.
pub fn request_line(r: &str) -> (Method, &str) {
    let mut parts = r.split(' ');
    let method = match parts.next().unwrap_or("") {
        "GET" => Method::Get,
        "HEAD" => Method::Head,
        _ => Method::Other,
    };
    (method, parts.next().unwrap_or(""))
}

/// A byte count; "-" is none.
pub fn bytes(s: &str) -> Option<u64> {
    if s == "-" { Some(0) } else { s.parse().ok() }
}

impl LogReader for Combined {
    fn read<'a>(&mut self, line: &'a str) -> Line<'a> {
        if line.trim().is_empty() {
            return Line::Skip;
        }
        let mut f = Fields::new(line);
        let (Some(ip), Some(_), Some(_), Some(t), Some(req), Some(status), Some(size)) = (
            f.next(),
            f.next(),
            f.next(),
            f.next(),
            f.next(),
            f.next(),
            f.next(),
        ) else {
            return Line::Bad("too few fields for the combined log format");
        };
        let _referer = f.next();
        let agent = f.next().unwrap_or("");
        let Some(secs) = time::parse_clf(t) else {
            return Line::Bad("the time is not [dd/Mon/yyyy:hh:mm:ss +zzzz]");
        };
        let Ok(status) = status.parse::<u16>() else {
            return Line::Bad("the status is not a number");
        };
        let Some(bytes) = bytes(size) else {
            return Line::Bad("the byte count is not a number");
        };
        let (method, path) = request_line(req);
        Line::Request(Request {
            secs,
            ip: Cow::Borrowed(ip),
            method,
            path: Cow::Borrowed(path),
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
    fn nginx_line_with_extra_fields() {
        let line = r#"2001:db8::1 - - [10/Oct/2000:13:55:36 -0700] "GET /audio/a%20b.mp3?x=1 HTTP/2.0" 206 1048576 "-" "Overcast/3.0 (+http://overcast.fm/)" 0.004 "-""#;
        let Line::Request(r) = Combined.read(line) else {
            panic!("a request")
        };
        assert_eq!(r.ip, "2001:db8::1");
        assert_eq!(r.secs, 971_211_336);
        assert_eq!(r.method, Method::Get);
        assert_eq!(r.path, "/audio/a%20b.mp3?x=1");
        assert_eq!((r.status, r.bytes), (206, 1_048_576));
        assert_eq!(r.agent, "Overcast/3.0 (+http://overcast.fm/)");
        assert!(!r.probe);
    }

    #[test]
    fn bad_lines() {
        assert_eq!(
            Combined.read("garbage"),
            Line::Bad("too few fields for the combined log format")
        );
        assert!(matches!(
            Combined.read(r#"1.2.3.4 - - [yesterday] "GET / HTTP/1.1" 200 5 "-" "ua""#),
            Line::Bad(_)
        ));
        assert_eq!(Combined.read(""), Line::Skip);
    }
}
