//! CloudFront standard logs (docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/
//! standard-logs-reference.html): tab-separated, `#Version:` and `#Fields:` comment lines,
//! the user agent URL-encoded, the range in `sc-range-start` / `sc-range-end`. The fields are
//! found by the `#Fields:` names; without that header, the documented order.

use std::borrow::Cow;

use crate::stats::{
    Line, LogReader, Method, Request, fill, percent_decode, probe_without_range, time,
};

const DEFAULT_FIELDS: &str = "date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end";

/// Column numbers of the fields onair reads.
#[derive(Debug, Clone, Copy)]
struct Columns {
    date: usize,
    time: usize,
    bytes: usize,
    ip: usize,
    method: usize,
    path: usize,
    status: usize,
    agent: usize,
    range_start: Option<usize>,
    range_end: Option<usize>,
}

impl Columns {
    fn of(names: &str) -> Option<Columns> {
        let names: Vec<&str> = names.split_whitespace().collect();
        let at = |n: &str| names.iter().position(|x| *x == n);
        Some(Columns {
            date: at("date")?,
            time: at("time")?,
            bytes: at("sc-bytes")?,
            ip: at("c-ip")?,
            method: at("cs-method")?,
            path: at("cs-uri-stem")?,
            status: at("sc-status")?,
            agent: at("cs(User-Agent)")?,
            range_start: at("sc-range-start"),
            range_end: at("sc-range-end"),
        })
    }
}

pub struct CloudFront {
    columns: Option<Columns>,
}

impl Default for CloudFront {
    fn default() -> Self {
        CloudFront {
            columns: Columns::of(DEFAULT_FIELDS),
        }
    }
}

impl LogReader for CloudFront {
    fn read<'a>(&mut self, line: &'a str) -> Line<'a> {
        let line = line.trim_end_matches(['\r', '\n']);
        if let Some(names) = line.strip_prefix("#Fields:") {
            self.columns = Columns::of(names);
            return Line::Skip;
        }
        if line.starts_with('#') || line.trim().is_empty() {
            return Line::Skip;
        }
        let Some(c) = self.columns else {
            return Line::Bad(
                "the #Fields: header lacks date, time, c-ip, cs-method, cs-uri-stem, sc-status, sc-bytes or cs(User-Agent)",
            );
        };
        let mut fields = [""; 64];
        let n = fill(line.split('\t'), &mut fields);
        let f = &fields[..n];
        let get = |i: usize| f.get(i).copied();
        let (Some(date), Some(t), Some(bytes), Some(ip), Some(method), Some(path), Some(status)) = (
            get(c.date),
            get(c.time),
            get(c.bytes),
            get(c.ip),
            get(c.method),
            get(c.path),
            get(c.status),
        ) else {
            return Line::Bad("fewer tab-separated fields than #Fields: names");
        };
        let Some(secs) = time::parse_date_time(date, t) else {
            return Line::Bad("the date and time are not YYYY-MM-DD and hh:mm:ss");
        };
        let (Ok(status), Ok(bytes)) = (status.parse::<u16>(), bytes.parse::<u64>()) else {
            return Line::Bad("sc-status or sc-bytes is not a number");
        };
        let range = (
            c.range_start.and_then(get).filter(|s| *s != "-"),
            c.range_end.and_then(get).filter(|s| *s != "-"),
        );
        let probe = match range {
            (Some(start), Some(end)) => start == "0" && end == "1",
            _ if c.range_start.is_some() => false,
            _ => probe_without_range(status, bytes),
        };
        // cs(User-Agent) is URL-encoded; some characters were encoded twice (%2520).
        let agent = match percent_decode(get(c.agent).unwrap_or("-")) {
            Cow::Owned(once) if once.contains("%2") || once.contains("%3") => {
                Cow::Owned(percent_decode(&once).into_owned())
            }
            agent => agent,
        };
        Line::Request(Request {
            secs,
            ip: Cow::Borrowed(ip),
            method: match method {
                "GET" => Method::Get,
                "HEAD" => Method::Head,
                _ => Method::Other,
            },
            path: Cow::Borrowed(path),
            status,
            bytes,
            agent,
            probe,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_fields_and_encoded_agent() {
        let line = "2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100\tGET\td111111abcdef8.cloudfront.net\t/audio/ep%201.mp3\t206\t-\tAppleCoreMedia/1.0.0.20E252%20(iPhone;%20U;%20CPU%20OS%2016_4%20like%20Mac%20OS%20X)\t-\t-\tHit\tSOX4x\td111111abcdef8.cloudfront.net\thttps\t23\t0.001\t-\tTLSv1.2\tECDHE-RSA-AES128-GCM-SHA256\tHit\tHTTP/2.0\t-\t-\t11040\t0.001\tHit\taudio/mpeg\t2\t0\t1";
        let Line::Request(r) = CloudFront::default().read(line) else {
            panic!("a request")
        };
        assert_eq!(r.secs, 1_575_493_351);
        assert_eq!(
            r.agent,
            "AppleCoreMedia/1.0.0.20E252 (iPhone; U; CPU OS 16_4 like Mac OS X)"
        );
        assert_eq!(r.path, "/audio/ep%201.mp3");
        assert!(r.probe);
    }

    #[test]
    fn fields_header_reorders() {
        let mut cf = CloudFront::default();
        assert_eq!(cf.read("#Version: 1.0"), Line::Skip);
        assert_eq!(
            cf.read(
                "#Fields: c-ip date time cs-method cs-uri-stem sc-status sc-bytes cs(User-Agent)"
            ),
            Line::Skip
        );
        let Line::Request(r) =
            cf.read("192.0.2.1\t2019-12-04\t21:02:31\tHEAD\t/a.mp3\t200\t0\tcurl/8.0")
        else {
            panic!("a request")
        };
        assert_eq!((r.method, r.ip.as_ref()), (Method::Head, "192.0.2.1"));
        assert!(matches!(cf.read("192.0.2.1\t2019-12-04"), Line::Bad(_)));
        assert!(matches!(cf.read("#Fields: date time"), Line::Skip));
        assert!(matches!(cf.read("a\tb"), Line::Bad(_)));
    }
}
