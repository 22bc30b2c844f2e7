//! A fault-injecting HTTP/1.1 proxy for the deploy tests: onair talks to it as its S3
//! endpoint, it forwards each request to the S3 test server, except where a rule says to fail
//! it: answer 500 or 503 SlowDown, reset the connection, stall before forwarding, hang for
//! good, or flip a byte of the request body. One request per connection (it answers
//! `Connection: close`), which keeps it small.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// 500 InternalError, not forwarded.
    Error500,
    /// 503 SlowDown, not forwarded.
    SlowDown,
    /// The connection reset (RST) once the request is read, not forwarded.
    Reset,
    /// Forwarded after this long.
    Stall(Duration),
    /// Never answered: the connection stays open and silent until the proxy is dropped.
    Hang,
    /// Forwarded with one byte of the body flipped (a request with a body only).
    FlipByte,
}

/// Which requests a rule fails: `method` (empty: any) and a path (with its query) holding
/// each of `parts`, at most `times` of them.
pub struct Rule {
    pub fault: Fault,
    pub method: &'static str,
    pub parts: Vec<String>,
    pub times: usize,
}

#[derive(Default)]
struct Shared {
    rules: Vec<Rule>,
    /// Each faulted request: "FAULT METHOD PATH".
    faulted: Vec<String>,
    /// Requests read and not yet answered or given up (a stalled one forwarded late).
    in_flight: usize,
}

pub struct Proxy {
    pub port: u16,
    shared: Arc<Mutex<Shared>>,
    done: Arc<AtomicBool>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.done.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees `done`.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

impl Proxy {
    /// A proxy in front of the server on `upstream` (a loopback port).
    pub fn start(upstream: u16) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let shared = Arc::new(Mutex::new(Shared::default()));
        let done = Arc::new(AtomicBool::new(false));
        let (s, d) = (shared.clone(), done.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if d.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(conn) = conn else { continue };
                let (s, d) = (s.clone(), d.clone());
                std::thread::spawn(move || serve(conn, upstream, &s, &d));
            }
        });
        Proxy { port, shared, done }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Replaces the rules (none: every request is forwarded as it is).
    pub fn set(&self, rules: Vec<Rule>) {
        let mut s = self.shared.lock().unwrap();
        s.rules = rules;
    }

    /// Waits until no request is on its way to the server (a stalled one forwarded after
    /// onair gave up on it), so what the server holds is settled. Hung ones do not count.
    pub fn quiet(&self) {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while self.shared.lock().unwrap().in_flight > 0 {
            assert!(
                std::time::Instant::now() < deadline,
                "the proxy never went quiet"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The requests faulted so far.
    pub fn faulted(&self) -> Vec<String> {
        self.shared.lock().unwrap().faulted.clone()
    }
}

/// The fault for a request, counting it against its rule.
fn fault_for(shared: &Mutex<Shared>, method: &str, path: &str) -> Option<Fault> {
    let mut s = shared.lock().unwrap();
    let rule = s.rules.iter_mut().find(|r| {
        r.times > 0
            && (r.method.is_empty() || r.method == method)
            && r.parts.iter().all(|p| path.contains(p.as_str()))
    })?;
    rule.times -= 1;
    let fault = rule.fault;
    s.faulted.push(format!("{fault:?} {method} {path}"));
    Some(fault)
}

/// Reads one request: its head (as sent) and body (by Content-Length).
fn read_request(reader: &mut BufReader<TcpStream>) -> Option<(String, Vec<u8>)> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let end = line == "\r\n";
        head.push_str(&line);
        if end {
            break;
        }
    }
    let length = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    assert!(
        !head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked"),
        "the proxy reads Content-Length bodies only: {head}"
    );
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some((head, body))
}

/// The head with `Connection: close` in place of any Connection header.
fn closing(head: &str) -> String {
    let mut out = String::new();
    for line in head.split("\r\n").filter(|l| !l.is_empty()) {
        if !line.to_ascii_lowercase().starts_with("connection:") {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("Connection: close\r\n\r\n");
    out
}

fn answer(mut conn: TcpStream, status: &str, code: &str) {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>injected by the test proxy</Message></Error>"
    );
    let _ = write!(
        conn,
        "HTTP/1.1 {status}\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

/// Closes with a reset rather than a FIN: SO_LINGER with a zero timeout.
fn reset(conn: TcpStream) {
    use std::os::fd::AsRawFd;
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: a valid socket and a linger struct of the size given.
    unsafe {
        libc::setsockopt(
            conn.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&linger as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
    drop(conn);
}

fn serve(conn: TcpStream, upstream: u16, shared: &Mutex<Shared>, done: &AtomicBool) {
    shared.lock().unwrap().in_flight += 1;
    forward(conn, upstream, shared, done);
    shared.lock().unwrap().in_flight -= 1;
}

fn forward(conn: TcpStream, upstream: u16, shared: &Mutex<Shared>, done: &AtomicBool) {
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let Some((head, mut body)) = read_request(&mut reader) else {
        return;
    };
    let mut words = head.split_whitespace();
    let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    match fault_for(shared, method, path) {
        Some(Fault::Error500) => return answer(conn, "500 Internal Server Error", "InternalError"),
        Some(Fault::SlowDown) => return answer(conn, "503 Slow Down", "SlowDown"),
        Some(Fault::Reset) => return reset(conn),
        Some(Fault::Hang) => {
            shared.lock().unwrap().in_flight -= 1;
            while !done.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(50));
            }
            shared.lock().unwrap().in_flight += 1;
            return;
        }
        Some(Fault::Stall(d)) => std::thread::sleep(d),
        Some(Fault::FlipByte) => {
            let middle = body.len() / 2;
            if let Some(b) = body.get_mut(middle) {
                *b ^= 0x01;
            }
        }
        None => {}
    }
    let Ok(mut up) = TcpStream::connect(("127.0.0.1", upstream)) else {
        return reset(conn);
    };
    if up.write_all(closing(&head).as_bytes()).is_err() || up.write_all(&body).is_err() {
        return reset(conn);
    }
    // The server closes after its answer (Connection: close): its head said so to onair
    // too, then the rest copied through.
    let mut up = BufReader::new(up);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if up.read_line(&mut line).unwrap_or(0) == 0 {
            return reset(conn);
        }
        let end = line == "\r\n";
        head.push_str(&line);
        if end {
            break;
        }
    }
    let mut conn = conn;
    if conn.write_all(closing(&head).as_bytes()).is_ok() {
        let _ = std::io::copy(&mut up, &mut conn);
    }
    let _ = conn.shutdown(Shutdown::Write);
}
