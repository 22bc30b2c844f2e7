//! Cloudflare Logpush, the zone's http_requests dataset, as JSON lines
//! (developers.cloudflare.com/logs/reference/log-fields/zone/http_requests/): `ClientIP`,
//! `ClientRequestMethod`, `ClientRequestURI` (or `ClientRequestPath`),
//! `ClientRequestUserAgent`, `EdgeResponseStatus`, `EdgeResponseBodyBytes` (else
//! `EdgeResponseBytes`), `EdgeStartTimestamp` (any `timestamp_format`), and a `range` request
//! header when the job logs it as a custom field (`RequestHeaders`).

use std::borrow::Cow;
use std::collections::HashMap;

use serde::Deserialize;

use super::caddy::{Stamp, method};
use crate::stats::{Line, LogReader, Request, is_probe_range, probe_without_range};

pub struct Cloudflare;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Entry<'a> {
    #[serde(rename = "ClientIP", borrow)]
    client_ip: Cow<'a, str>,
    #[serde(borrow)]
    client_request_method: Cow<'a, str>,
    #[serde(rename = "ClientRequestURI", borrow, default)]
    client_request_uri: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    client_request_path: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    client_request_user_agent: Cow<'a, str>,
    edge_response_status: u16,
    #[serde(default)]
    edge_response_body_bytes: Option<u64>,
    #[serde(default)]
    edge_response_bytes: Option<u64>,
    #[serde(borrow)]
    edge_start_timestamp: Stamp<'a>,
    #[serde(borrow, default)]
    request_headers: Option<HashMap<Cow<'a, str>, Cow<'a, str>>>,
}

impl LogReader for Cloudflare {
    fn read<'a>(&mut self, line: &'a str) -> Line<'a> {
        if line.trim().is_empty() {
            return Line::Skip;
        }
        let Ok(e) = serde_json::from_str::<Entry>(line) else {
            return Line::Bad(
                "not an http_requests entry (JSON with ClientIP, ClientRequestMethod, ClientRequestURI, EdgeResponseStatus, EdgeStartTimestamp)",
            );
        };
        let Some(secs) = e.edge_start_timestamp.secs() else {
            return Line::Bad("EdgeStartTimestamp is not a time");
        };
        let Some(path) = e.client_request_uri.or(e.client_request_path) else {
            return Line::Bad("the entry has neither ClientRequestURI nor ClientRequestPath");
        };
        let bytes = e
            .edge_response_body_bytes
            .or(e.edge_response_bytes)
            .unwrap_or(0);
        let status = e.edge_response_status;
        let range = e.request_headers.as_ref().and_then(|h| {
            h.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("range"))
                .map(|(_, v)| v.clone())
        });
        let probe = match range {
            Some(r) => is_probe_range(&r),
            None => probe_without_range(status, bytes),
        };
        Line::Request(Request {
            secs,
            ip: e.client_ip,
            method: method(&e.client_request_method),
            path,
            status,
            bytes,
            agent: e.client_request_user_agent,
            probe,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Method;

    #[test]
    fn logpush_entry() {
        let line = r#"{"ClientIP":"2001:db8:1:2:3::4","ClientRequestHost":"pod.example","ClientRequestMethod":"GET","ClientRequestURI":"/audio/a.mp3?x=1","ClientRequestUserAgent":"Spotify/8.8 Android/33","EdgeEndTimestamp":"2024-05-01T10:00:01Z","EdgeResponseBytes":1200,"EdgeResponseBodyBytes":1000,"EdgeResponseStatus":200,"EdgeStartTimestamp":"2024-05-01T10:00:00Z","RayID":"8"}"#;
        let Line::Request(r) = Cloudflare.read(line) else {
            panic!("a request")
        };
        assert_eq!(r.secs, 1_714_557_600);
        assert_eq!((r.bytes, r.method), (1000, Method::Get));
        let nanos = r#"{"ClientIP":"1.2.3.4","ClientRequestMethod":"HEAD","ClientRequestPath":"/a.mp3","EdgeResponseStatus":200,"EdgeStartTimestamp":1714557600000000000,"RequestHeaders":{"range":"bytes=0-1"}}"#;
        let Line::Request(r) = Cloudflare.read(nanos) else {
            panic!("a request")
        };
        assert_eq!(
            (r.secs, r.method, r.probe),
            (1_714_557_600, Method::Head, true)
        );
    }
}
