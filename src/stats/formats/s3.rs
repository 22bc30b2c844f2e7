//! Amazon S3 server access logs (docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html):
//! `owner bucket [time] ip requester request-id operation key "request-uri" status error
//! bytes-sent object-size total-time turnaround "referer" "user-agent" ...` and more fields at
//! the end as AWS adds them. The key is URL-encoded; the Range header is not logged.

use std::borrow::Cow;

use super::combined::{bytes, request_line};
use crate::stats::{Fields, Line, LogReader, Method, Request, fill, probe_without_range, time};

pub struct S3;

impl LogReader for S3 {
    fn read<'a>(&mut self, line: &'a str) -> Line<'a> {
        if line.trim().is_empty() {
            return Line::Skip;
        }
        let mut f = [""; 17];
        let n = fill(Fields::new(line), &mut f);
        if n < 12 {
            return Line::Bad("too few fields for an S3 server access log");
        }
        let [t, ip, operation, key, uri, status, sent] =
            [f[2], f[3], f[6], f[7], f[8], f[9], f[11]];
        let agent = if n > 16 { f[16] } else { "-" };
        let Some(secs) = time::parse_clf(t) else {
            return Line::Bad("the time is not [dd/Mon/yyyy:hh:mm:ss +zzzz]");
        };
        let Ok(status) = status.parse::<u16>() else {
            return Line::Bad("the status is not a number");
        };
        let Some(bytes) = bytes(sent) else {
            return Line::Bad("the bytes sent are not a number");
        };
        let method = match operation {
            "REST.GET.OBJECT" => Method::Get,
            "REST.HEAD.OBJECT" => Method::Head,
            _ if operation.starts_with("REST.") => Method::Other,
            _ => request_line(uri).0,
        };
        let path = if key == "-" {
            Cow::Borrowed(request_line(uri).1)
        } else {
            // The key as logged (URL-encoded, no leading `/`): the catalog matches it so.
            Cow::Borrowed(key)
        };
        Line::Request(Request {
            secs,
            ip: Cow::Borrowed(ip),
            method,
            path,
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
    fn aws_example_line() {
        let line = r#"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be awsexamplebucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be 3E57427F3EXAMPLE REST.GET.OBJECT audio/ep%201.mp3 "GET /awsexamplebucket1/audio/ep%201.mp3?x-id=GetObject HTTP/1.1" 206 - 65536 1000000 70 10 "-" "AppleCoreMedia/1.0.0.20E252 (iPhone; U; CPU OS 16_4 like Mac OS X)" - s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader awsexamplebucket1.s3.us-west-1.amazonaws.com TLSV1.2 - -"#;
        let Line::Request(r) = S3.read(line) else {
            panic!("a request")
        };
        assert_eq!(r.secs, 1_549_411_238);
        assert_eq!(r.ip, "192.0.2.3");
        assert_eq!(r.method, Method::Get);
        assert_eq!(r.path, "audio/ep%201.mp3");
        assert_eq!((r.status, r.bytes), (206, 65536));
        assert!(r.agent.starts_with("AppleCoreMedia/"));
    }

    #[test]
    fn head_and_dash_bytes() {
        let line = r#"o b [06/Feb/2019:00:00:38 +0000] 192.0.2.3 - ID REST.HEAD.OBJECT a.mp3 "HEAD /b/a.mp3 HTTP/1.1" 200 - - 10 1 1 "-" "curl/8" -"#;
        let Line::Request(r) = S3.read(line) else {
            panic!("a request")
        };
        assert_eq!((r.method, r.bytes), (Method::Head, 0));
    }
}
