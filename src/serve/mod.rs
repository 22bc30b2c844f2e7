//! `onair serve`: the site served from memory with live reload.
//!
//! - `http`: answering a request from a `SiteOutput` (paths, types, Range, index, 404).
//! - `reload`: the event stream, the injected script, the CSS swap and the error overlay.
//! - `watch`: notify, the debounce, and the classifier that says what a change touches.
//! - `appview`: `/_onair/`, the feed as a podcast app shows it.
//!
//! The served build is an `Arc<SiteOutput>` behind a `RwLock`: a request clones the `Arc` and
//! lets go of the lock, a rebuild swaps in a whole new build at once, so a page and its assets
//! always come from one build. A failed build keeps the last good one and records its
//! problems for the overlay.

pub mod appview;
pub mod http;
pub mod reload;
pub mod watch;

use std::io::Read;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::thread::JoinHandle;

use crate::diag::Diagnostic;
use crate::output::SiteOutput;
use http::{RequestHead, SiteView};

/// One state of the served site: the last good build and, when the newest build failed, its
/// problems.
pub struct Served {
    pub output: Arc<SiteOutput>,
    /// Problems of the newest build when it failed (the overlay shows them).
    pub problems: Option<Arc<Vec<Diagnostic>>>,
    /// Bumped on every rebuild, good or bad; pages compare it on (re)connect.
    pub generation: u64,
    /// The path the site lives under, from its `url` (`/` or `/show/`): served there, as
    /// published, so root-relative links work.
    pub mount: String,
    /// The public URLs of the build, so `/_onair/` can run `onair check` on it.
    pub urls: Option<SiteUrls>,
}

/// Where a build says the site and its feed are published.
#[derive(Debug, Clone)]
pub struct SiteUrls {
    pub base_url: String,
    pub feed_url: String,
    /// The episodes waiting for their date, for the app view: "Title, 2027-01-05 06:00 Zone".
    pub scheduled: Vec<String>,
    /// The loudness onair.lock knows of each site file of audio (by its key, `audio/ep1.mp3`),
    /// for the app view: "-16.2 LUFS, -1.3 dBTP, 5.1 LU range".
    pub loudness: std::collections::BTreeMap<String, String>,
}

/// The state shared by the request threads and the rebuild loop.
pub struct LiveSite {
    root: PathBuf,
    served: RwLock<Arc<Served>>,
    pub events: reload::Broadcaster,
}

impl LiveSite {
    /// `root` is the site folder; copied files (audio) must resolve inside it.
    pub fn new(root: &Path, output: SiteOutput, problems: Option<Vec<Diagnostic>>) -> Self {
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        // Start from the clock so a page left open across a restart sees a new generation.
        let generation = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(1);
        LiveSite {
            root,
            served: RwLock::new(Arc::new(Served {
                output: Arc::new(output),
                problems: problems.map(Arc::new),
                generation,
                mount: "/".into(),
                urls: None,
            })),
            events: reload::Broadcaster::default(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The state served now. The lock is held only to clone the `Arc`.
    pub fn current(&self) -> Arc<Served> {
        self.served.read().unwrap().clone()
    }

    /// A build succeeded: serve it, drop any overlay, and tell open pages. When only
    /// stylesheets changed (`css_only`) and nothing else did, pages swap them in place.
    pub fn publish(&self, output: SiteOutput, css_only: bool) {
        let current = self.current();
        self.publish_at(output, &current.mount, current.urls.clone(), css_only);
    }

    /// `publish`, for a build whose site lives under `mount` (`/show/`) at `urls`.
    pub fn publish_at(
        &self,
        output: SiteOutput,
        mount: &str,
        urls: Option<SiteUrls>,
        css_only: bool,
    ) {
        let mut served = self.served.write().unwrap();
        let generation = served.generation + 1;
        let swaps = if css_only && served.problems.is_none() {
            reload::css_swaps(&served.output, &output)
        } else {
            None
        };
        *served = Arc::new(Served {
            output: Arc::new(output),
            problems: None,
            generation,
            mount: mount.to_string(),
            urls,
        });
        drop(served);
        match swaps {
            Some(swaps) => self.events.send(&reload::css_frame(generation, &swaps)),
            None => self.events.send(&reload::reload_frame(generation)),
        }
    }

    /// A build failed: keep serving the last good build and show the problems over it.
    pub fn fail(&self, problems: Vec<Diagnostic>) {
        let overlay = reload::overlay_html(&problems);
        let mut served = self.served.write().unwrap();
        let generation = served.generation + 1;
        *served = Arc::new(Served {
            output: served.output.clone(),
            problems: Some(Arc::new(problems)),
            generation,
            mount: served.mount.clone(),
            urls: served.urls.clone(),
        });
        drop(served);
        self.events
            .send(&reload::overlay_frame(generation, &overlay));
    }
}

/// The live-reload script, plus the overlay when the served state has problems.
pub fn html_decoration(served: &Served) -> String {
    let mut s = reload::live_script(served.generation);
    if let Some(problems) = &served.problems {
        s.push_str(&reload::overlay_html(problems));
    }
    s
}

#[derive(Debug, thiserror::Error)]
pub enum BindError {
    #[error("cannot listen on {addr}: port {port} is already in use (is another `onair serve` running? choose another with --port)", port = .addr.port())]
    InUse { addr: SocketAddr },
    #[error("cannot use the listening socket: {0}")]
    Socket(std::io::Error),
    #[error("cannot listen on {addr}: {source}")]
    Other {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// Take the listening socket, naming the port when it is in use.
pub fn listen(addr: SocketAddr) -> Result<TcpListener, BindError> {
    TcpListener::bind(addr).map_err(|source| {
        if source.kind() == std::io::ErrorKind::AddrInUse {
            BindError::InUse { addr }
        } else {
            BindError::Other { addr, source }
        }
    })
}

/// A running server. Each request is answered on its own thread, so a slow download or an
/// open event stream never holds up another request; tiny_http reads each connection on a
/// pool that grows as needed, so a client that stalls mid-request holds only its own thread.
pub struct Server {
    http: Arc<tiny_http::Server>,
    addr: SocketAddr,
    site: Arc<LiveSite>,
    stopping: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
    nudge: Option<JoinHandle<()>>,
}

/// The path of the server's own nudge requests (see `nudge_loop`), answered with no content.
const NUDGE_PATH: &str = "/_onair/nudge";
/// How long a connection can wait in tiny_http's queue at worst.
const NUDGE_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

/// tiny_http 0.12's connection pool can leave a new connection queued with no thread to read
/// it: `spawn` queues it when a thread counts as waiting, but that thread may already have
/// been woken for the connection before, and the queue is only looked at again when some
/// pool thread finishes a connection. Connections that never finish (a browser's keep-alive
/// sockets, a live-reload stream, a stalled client) can hold every other thread, so the page
/// a browser asked for hangs. A short connection of our own, every `NUDGE_EVERY`, makes a
/// pool thread finish one and take the queued connection.
fn nudge_loop(addr: SocketAddr, stopping: &AtomicBool) {
    use std::io::Write;
    let target = match addr {
        SocketAddr::V4(a) if a.ip().is_unspecified() => {
            SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, a.port()))
        }
        SocketAddr::V6(a) if a.ip().is_unspecified() => {
            SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, a.port()))
        }
        other => other,
    };
    while !stopping.load(Ordering::SeqCst) {
        std::thread::sleep(NUDGE_EVERY);
        if stopping.load(Ordering::SeqCst) {
            break;
        }
        if let Ok(mut s) = std::net::TcpStream::connect_timeout(&target, NUDGE_EVERY) {
            // HTTP/1.0 without keep-alive: tiny_http reads one request and lets the thread go.
            let _ = write!(s, "GET {NUDGE_PATH} HTTP/1.0\r\n\r\n");
        }
    }
}

impl Server {
    /// Listen on `addr` and serve `site`.
    pub fn bind(addr: SocketAddr, site: Arc<LiveSite>) -> Result<Server, BindError> {
        Server::start(listen(addr)?, site)
    }

    /// Serve `site` on a socket from `listen` (taken before the first build, so a port in
    /// use is reported at once).
    pub fn start(listener: TcpListener, site: Arc<LiveSite>) -> Result<Server, BindError> {
        let addr = listener.local_addr().map_err(BindError::Socket)?;
        let http =
            tiny_http::Server::from_listener(listener, None).map_err(|e| BindError::Other {
                addr,
                source: std::io::Error::other(e.to_string()),
            })?;
        let http = Arc::new(http);
        let stopping = Arc::new(AtomicBool::new(false));
        let accept = {
            let (http, site, stopping) = (http.clone(), site.clone(), stopping.clone());
            std::thread::Builder::new()
                .name("onair-serve".into())
                .spawn(move || accept_loop(&http, &site, &stopping))
                .map_err(|source| BindError::Other { addr, source })?
        };
        let nudge = {
            let stopping = stopping.clone();
            std::thread::Builder::new()
                .name("onair-nudge".into())
                .spawn(move || nudge_loop(addr, &stopping))
                .map_err(|source| BindError::Other { addr, source })?
        };
        Ok(Server {
            http,
            addr,
            site,
            stopping,
            accept: Some(accept),
            nudge: Some(nudge),
        })
    }

    /// The address actually listened on (the port is known even when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn site(&self) -> &Arc<LiveSite> {
        &self.site
    }

    /// Stop accepting requests and end every event stream.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.http.unblock();
        self.site.events.close();
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
        // Not joined: it sees `stopping` within NUDGE_EVERY and only ever makes connections.
        drop(self.nudge.take());
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn accept_loop(http: &tiny_http::Server, site: &Arc<LiveSite>, stopping: &AtomicBool) {
    while !stopping.load(Ordering::SeqCst) {
        let Ok(request) = http.recv() else {
            continue; // unblocked for shutdown, or a failed accept; the flag decides
        };
        let site = site.clone();
        // If no thread can be had, the request is dropped and tiny_http answers 500.
        let _ = std::thread::Builder::new()
            .name("onair-request".into())
            .spawn(move || handle(request, &site));
    }
}

fn header(request: &tiny_http::Request, name: &str) -> Option<String> {
    request
        .headers()
        .iter()
        .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str().to_string())
}

fn handle(request: tiny_http::Request, site: &LiveSite) {
    let head = RequestHead {
        method: request.method().as_str().to_ascii_uppercase(),
        target: request.url().to_string(),
        range: header(&request, "Range"),
        if_range: header(&request, "If-Range").is_some(),
    };
    let path = head.target.split(['?', '#']).next().unwrap_or("");
    if path == NUDGE_PATH {
        let _ = request.respond(tiny_http::Response::empty(204));
        return;
    }
    if path == reload::EVENTS_PATH && head.method == "GET" {
        // Subscribe before reading the generation so no rebuild falls in between.
        let events = site.events.subscribe();
        let generation = site.current().generation;
        let _ = reload::stream_events(request.into_writer(), events, generation);
        return;
    }
    let served = site.current();
    let decoration = html_decoration(&served);
    let reply = if path == crate::stats::html::SERVE_PATH {
        stats_reply(site.root(), &decoration)
    } else if path == "/_onair" || path.starts_with("/_onair/") {
        appview::reply(&head, &served, &decoration)
    } else if let Some(redirect) = outside_mount(path, &served.mount) {
        redirect
    } else {
        let head = RequestHead {
            target: head.target[served.mount.len() - 1..].to_string(),
            ..head
        };
        let decorate = |html: &[u8]| reload::inject(html, &decoration);
        http::site_reply(
            &head,
            &SiteView {
                output: &served.output,
                root: site.root(),
                decorate_html: &decorate,
            },
        )
    };
    send(request, reply);
}

/// `/_onair/stats`: the report of `onair stats`' history (SITE/.onair/stats.sqlite), when
/// there is one.
fn stats_reply(root: &Path, decoration: &str) -> http::Reply {
    use http::{Body, Reply};
    let title = crate::network::site_config(root)
        .map(|c| c.title)
        .unwrap_or_else(|_| "onair".into());
    match crate::stats::html::history_page(root, &title) {
        Ok(Some(page)) => Reply::new(
            200,
            Body::Owned(reload::inject(page.as_bytes(), decoration)),
        )
        .header("Content-Type", "text/html; charset=utf-8")
        .header("Cache-Control", "no-cache"),
        Ok(None) => Reply::text(
            404,
            "404 Not Found: no download stats yet; run `onair stats --logs LOGS` first",
        ),
        Err(e) => Reply::text(500, &format!("500: the stats history cannot be read: {e}")),
    }
}

/// For a site published under a sub-path (`/show/`), requests outside it: `/` and `/show`
/// lead to the site, anything else is not part of it. `None` when the path is inside.
fn outside_mount(path: &str, mount: &str) -> Option<http::Reply> {
    if path.starts_with(mount) {
        return None;
    }
    if path == "/" || path == mount.trim_end_matches('/') {
        return Some(http::Reply::text(302, "302 Found").header("Location", mount));
    }
    Some(http::Reply::text(
        404,
        &format!("404 Not Found: this site is published under {mount}"),
    ))
}

fn send(request: tiny_http::Request, reply: http::Reply) {
    let len = reply.body.len();
    let headers = reply
        .headers
        .iter()
        .filter_map(|(n, v)| tiny_http::Header::from_bytes(n.as_bytes(), v.as_bytes()).ok())
        .collect();
    let reader: Box<dyn Read + Send> = match reply.body.into_reader() {
        Ok(r) => r,
        Err(_) => {
            let _ = request.respond(tiny_http::Response::empty(500));
            return;
        }
    };
    // Always a Content-Length (never chunked), so players know an audio file's size.
    let response = tiny_http::Response::new(
        tiny_http::StatusCode(reply.status),
        headers,
        reader,
        Some(len as usize),
        None,
    )
    .with_chunked_threshold(usize::MAX);
    let _ = request.respond(response);
}
