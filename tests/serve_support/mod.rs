//! A raw HTTP/1.1 client for the serve tests: it sends exactly the bytes given (so `..` and
//! `%2e%2e` reach the server unnormalised) and reads event streams line by line.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

// Only a failure waits this long: generous, because a loaded 2-core CI machine with 100 client
// threads can take many seconds to answer, and only a server that never answers is a bug.
const TIMEOUT: Duration = Duration::from_secs(90);

/// Send `method target` with extra header lines and read the whole response (the connection is
/// closed by the server after it, as asked).
pub fn request(addr: SocketAddr, method: &str, target: &str, extra: &[&str]) -> Response {
    let mut raw = format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for h in extra {
        raw.push_str(h);
        raw.push_str("\r\n");
    }
    raw.push_str("\r\n");
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(TIMEOUT)).unwrap();
    s.write_all(raw.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    s.read_to_end(&mut bytes).unwrap();
    parse_response(&bytes, method == "HEAD")
}

/// GET `target` and read exactly one response by its Content-Length, without waiting for the
/// server to close the connection: for tests about answers, not about connection handling.
pub fn get_answer(addr: SocketAddr, target: &str) -> Response {
    let raw = format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(TIMEOUT)).unwrap();
    s.write_all(raw.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    loop {
        if let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&bytes[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            if let Some(length) = length
                && bytes.len() >= end + 4 + length
            {
                bytes.truncate(end + 4 + length);
                break;
            }
        }
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
            Err(e) => panic!("GET {target}: no complete answer within {TIMEOUT:?}: {e}"),
        }
    }
    parse_response(&bytes, false)
}

pub fn get(addr: SocketAddr, target: &str) -> Response {
    request(addr, "GET", target, &[])
}

pub fn get_range(addr: SocketAddr, target: &str, range: &str) -> Response {
    request(addr, "GET", target, &[&format!("Range: {range}")])
}

pub fn parse_response(bytes: &[u8], head_only: bool) -> Response {
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(bytes)));
    let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status: u16 = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = bytes[end + 4..].to_vec();
    let chunked = headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("Transfer-Encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked && !head_only {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        body,
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = b.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size =
            usize::from_str_radix(std::str::from_utf8(&b[..eol]).unwrap().trim(), 16).unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + size]);
        b = &b[eol + 2 + size + 2..];
    }
}

/// An open `/_onair/events` stream.
pub struct EventStream {
    reader: BufReader<TcpStream>,
}

#[derive(Debug, Clone)]
pub struct Event {
    pub name: String,
    pub data: serde_json::Value,
}

impl EventStream {
    pub fn open(addr: SocketAddr) -> EventStream {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        write!(
            s,
            "GET /_onair/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let mut reader = BufReader::new(s);
        let deadline = Instant::now() + TIMEOUT;
        let mut line = String::new();
        // Skip the status line and headers.
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) => panic!("event stream closed before its headers ended"),
                Ok(_) if line == "\r\n" => break,
                Ok(_) => {
                    if line.starts_with("HTTP/") {
                        assert!(line.contains(" 200 "), "{line}");
                    }
                }
                Err(_) if Instant::now() < deadline => continue,
                Err(e) => panic!("{e}"),
            }
        }
        EventStream { reader }
    }

    /// The next event, or None when none came within `wait`.
    pub fn next(&mut self, wait: Duration) -> Option<Event> {
        let deadline = Instant::now() + wait;
        let mut name = None;
        let mut data = None;
        let mut line = String::new();
        while Instant::now() < deadline {
            match self.reader.read_line(&mut line) {
                Ok(0) => return None,
                Ok(_) => {
                    if !line.ends_with('\n') {
                        continue; // a partial line: keep reading into the same buffer
                    }
                    let l = line.trim_end_matches(['\r', '\n']).to_string();
                    line.clear();
                    if l.is_empty() {
                        if let (Some(n), Some(d)) = (name.take(), data.take()) {
                            return Some(Event { name: n, data: d });
                        }
                    } else if let Some(n) = l.strip_prefix("event: ") {
                        name = Some(n.to_string());
                    } else if let Some(d) = l.strip_prefix("data: ") {
                        data = Some(serde_json::from_str(d).unwrap());
                    }
                }
                Err(_) => continue,
            }
        }
        None
    }

    /// Wait for an event of this name, skipping others.
    pub fn expect(&mut self, name: &str, wait: Duration) -> Event {
        let deadline = Instant::now() + wait;
        while Instant::now() < deadline {
            if let Some(e) = self.next(deadline - Instant::now())
                && e.name == name
            {
                return e;
            }
        }
        panic!("no `{name}` event within {wait:?}");
    }
}
