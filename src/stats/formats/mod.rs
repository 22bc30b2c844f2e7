//! The log formats `onair stats` reads, one reader each, and the format of a file found from
//! its first lines.

use super::LogReader;

mod bunny;
mod caddy;
mod cloudflare;
mod cloudfront;
mod combined;
mod s3;

pub use bunny::url_path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Amazon S3 server access logs.
    S3,
    /// CloudFront standard logs (legacy and v2's W3C form): tab-separated, `#Fields:`.
    CloudFront,
    /// nginx's and Apache's combined log format (extra trailing fields allowed).
    Combined,
    /// Caddy's JSON access log.
    Caddy,
    /// Cloudflare Logpush, http_requests dataset, JSON lines.
    Cloudflare,
    /// bunny.net CDN raw logs (pipe-separated).
    Bunny,
}

pub const ALL: [Format; 6] = [
    Format::S3,
    Format::CloudFront,
    Format::Combined,
    Format::Caddy,
    Format::Cloudflare,
    Format::Bunny,
];

impl Format {
    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::S3 => "s3",
            Format::CloudFront => "cloudfront",
            Format::Combined => "combined",
            Format::Caddy => "caddy",
            Format::Cloudflare => "cloudflare",
            Format::Bunny => "bunny",
        }
    }

    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "nginx" | "apache" => Some(Format::Combined),
            _ => ALL.into_iter().find(|f| f.name() == name),
        }
    }

    pub fn reader(self) -> Box<dyn LogReader> {
        match self {
            Format::S3 => Box::new(s3::S3),
            Format::CloudFront => Box::new(cloudfront::CloudFront::default()),
            Format::Combined => Box::new(combined::Combined),
            Format::Caddy => Box::new(caddy::Caddy),
            Format::Cloudflare => Box::new(cloudflare::Cloudflare),
            Format::Bunny => Box::new(bunny::Bunny),
        }
    }

    /// The format one line looks like, if any.
    fn of_line(line: &str) -> Option<Format> {
        let line = line.trim_end();
        if line.starts_with("#Version:") || line.starts_with("#Fields:") {
            return Some(Format::CloudFront);
        }
        if line.starts_with('{') {
            if line.contains("\"ClientIP\"") || line.contains("\"EdgeStartTimestamp\"") {
                return Some(Format::Cloudflare);
            }
            if line.contains("\"request\"") {
                return Some(Format::Caddy);
            }
            return None;
        }
        if bunny::looks_like(line) {
            return Some(Format::Bunny);
        }
        if line.matches('\t').count() >= 10 && super::time::parse_day(line.get(..10)?).is_some() {
            return Some(Format::CloudFront);
        }
        let mut fields = line.split(' ');
        let starts: Vec<bool> = fields
            .by_ref()
            .take(4)
            .map(|f| f.starts_with('['))
            .collect();
        match starts.as_slice() {
            [_, _, true, _] => Some(Format::S3),
            [_, _, _, true] => Some(Format::Combined),
            _ => None,
        }
    }

    /// The format of a file from its first lines: the first of up to 20 non-blank lines that
    /// looks like one.
    pub fn detect<'a>(lines: impl IntoIterator<Item = &'a str>) -> Option<Format> {
        lines
            .into_iter()
            .filter(|l| !l.trim().is_empty())
            .take(20)
            .find_map(Format::of_line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_format() {
        let cases = [
            (
                "79a5 awsexamplebucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 - 3E57 REST.GET.OBJECT a.mp3 \"GET /a.mp3 HTTP/1.1\" 200 - 10 10 1 1 \"-\" \"ua\" -",
                Format::S3,
            ),
            ("#Version: 1.0", Format::CloudFront),
            (
                "1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.1\" 200 5 \"-\" \"ua\"",
                Format::Combined,
            ),
            (
                r#"{"level":"info","ts":1.5,"request":{"remote_ip":"1.2.3.4"}}"#,
                Format::Caddy,
            ),
            (r#"{"ClientIP":"1.2.3.4"}"#, Format::Cloudflare),
            (
                "HIT|200|1507167062421|412|390|163.172.53.229|-|https://x.b-cdn.net/a.mp3|WA|ua|322b|DE",
                Format::Bunny,
            ),
        ];
        for (line, format) in cases {
            assert_eq!(Format::detect([line]), Some(format), "{line}");
        }
        assert_eq!(Format::detect(["", "hello world"]), None);
        assert_eq!(Format::from_name("nginx"), Some(Format::Combined));
    }
}
