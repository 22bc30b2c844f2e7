//! Caddy's JSON access log (caddyserver.com/docs/caddyfile/directives/log): one object a line,
//! `ts` (Unix seconds, or a time string with a `time_format`), `request.client_ip` (else
//! `remote_ip`), `request.method`, `request.uri`, `request.headers` (`User-Agent`, `Range`),
//! `status` and `size` (the body bytes written).

use std::borrow::Cow;

use serde::Deserialize;

use crate::stats::{Line, LogReader, Method, Request, is_probe_range, time};

pub struct Caddy;

#[derive(Deserialize)]
#[serde(untagged)]
pub enum Stamp<'a> {
    Number(f64),
    Text(#[serde(borrow)] Cow<'a, str>),
}

impl Stamp<'_> {
    /// Unix seconds: a number in seconds (or milli-, micro-, nanoseconds when it is that
    /// large), or an RFC 3339 time.
    pub fn secs(&self) -> Option<i64> {
        match self {
            Stamp::Number(n) => {
                let n = *n;
                Some(if n > 1e17 {
                    (n / 1e9) as i64
                } else if n > 1e14 {
                    (n / 1e6) as i64
                } else if n > 1e11 {
                    (n / 1e3) as i64
                } else {
                    n.floor() as i64
                })
            }
            Stamp::Text(t) => time::parse_rfc3339(t).or_else(|| time::parse_clf(t)),
        }
    }
}

#[derive(Deserialize)]
struct Entry<'a> {
    ts: Stamp<'a>,
    #[serde(borrow)]
    request: Req<'a>,
    #[serde(default)]
    size: u64,
    status: u16,
}

#[derive(Deserialize)]
struct Req<'a> {
    #[serde(borrow, default)]
    client_ip: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    remote_ip: Option<Cow<'a, str>>,
    #[serde(borrow)]
    method: Cow<'a, str>,
    #[serde(borrow)]
    uri: Cow<'a, str>,
    #[serde(borrow, default)]
    headers: Headers<'a>,
}

/// The two request headers read (Caddy logs Go's canonical names); the rest are skipped.
#[derive(Deserialize, Default)]
struct Headers<'a> {
    #[serde(rename = "User-Agent", borrow, default)]
    agent: Vec<Cow<'a, str>>,
    #[serde(rename = "Range", borrow, default)]
    range: Vec<Cow<'a, str>>,
}

pub fn method(m: &str) -> Method {
    match m {
        "GET" => Method::Get,
        "HEAD" => Method::Head,
        _ => Method::Other,
    }
}

impl LogReader for Caddy {
    fn read<'a>(&mut self, line: &'a str) -> Line<'a> {
        if line.trim().is_empty() {
            return Line::Skip;
        }
        let Ok(e) = serde_json::from_str::<Entry>(line) else {
            return Line::Bad("not a Caddy access log entry (JSON with ts, request, status)");
        };
        let Some(secs) = e.ts.secs() else {
            return Line::Bad("`ts` is not a time");
        };
        let mut req = e.request;
        let probe = req.headers.range.first().is_some_and(|r| is_probe_range(r));
        let agent = req.headers.agent.drain(..).next().unwrap_or_default();
        let Some(ip) = req.client_ip.take().or(req.remote_ip.take()) else {
            return Line::Bad("the request has neither client_ip nor remote_ip");
        };
        Line::Request(Request {
            secs,
            ip,
            method: method(&req.method),
            path: req.uri,
            status: e.status,
            bytes: e.size,
            agent,
            probe,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caddy_entry() {
        let line = r#"{"level":"info","ts":1646861401.5241024,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"10.0.0.1","remote_port":"41342","client_ip":"192.0.2.9","proto":"HTTP/2.0","method":"GET","host":"pod.example","uri":"/audio/a.mp3?src=rss","headers":{"User-Agent":["Overcast/3.0 (+http://overcast.fm/)"],"Range":["bytes=0-1"]}},"bytes_read":0,"duration":0.0009,"size":2,"status":206,"resp_headers":{}}"#;
        let Line::Request(r) = Caddy.read(line) else {
            panic!("a request")
        };
        assert_eq!(r.secs, 1_646_861_401);
        assert_eq!(r.ip, "192.0.2.9");
        assert_eq!(r.path, "/audio/a.mp3?src=rss");
        assert!(r.probe);
        assert_eq!(r.agent, "Overcast/3.0 (+http://overcast.fm/)");
        assert!(matches!(Caddy.read("{\"ts\":1}"), Line::Bad(_)));
    }
}
