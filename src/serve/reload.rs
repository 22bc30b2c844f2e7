//! Live reload: a Server-Sent Events stream at `/_onair/events`, the small script injected into
//! every HTML page that listens to it, the CSS swap, and the error overlay.

use std::io::Write;
use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use crate::diag::{Diagnostic, Severity};
use crate::output::SiteOutput;
use crate::render::escape_html;

/// The path of the event stream.
pub const EVENTS_PATH: &str = "/_onair/events";

/// How often an idle stream gets a comment line, so a vanished client is noticed and its
/// thread ends.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// Fans one event out to every connected page. Each subscriber is a channel read by the
/// thread that holds that page's connection.
#[derive(Default)]
pub struct Broadcaster {
    subscribers: Mutex<Vec<Sender<String>>>,
}

impl Broadcaster {
    pub fn subscribe(&self) -> Receiver<String> {
        let (tx, rx) = mpsc::channel();
        self.subscribers.lock().unwrap().push(tx);
        rx
    }

    /// Send a frame to everyone still listening, forgetting those who left.
    pub fn send(&self, frame: &str) {
        self.subscribers
            .lock()
            .unwrap()
            .retain(|tx| tx.send(frame.to_string()).is_ok());
    }

    /// End every stream (shutdown).
    pub fn close(&self) {
        self.subscribers.lock().unwrap().clear();
    }

    pub fn subscriber_count(&self) -> usize {
        self.subscribers.lock().unwrap().len()
    }
}

/// One SSE message: `event: NAME` and one `data:` line of JSON.
pub fn sse_frame(event: &str, data: &serde_json::Value) -> String {
    // serde_json never emits a raw newline, so one data line always suffices.
    format!("event: {event}\ndata: {data}\n\n")
}

pub fn reload_frame(generation: u64) -> String {
    sse_frame("reload", &serde_json::json!({ "generation": generation }))
}

pub fn overlay_frame(generation: u64, overlay_html: &str) -> String {
    sse_frame(
        "overlay",
        &serde_json::json!({ "generation": generation, "html": overlay_html }),
    )
}

pub fn css_frame(generation: u64, swaps: &[CssSwap]) -> String {
    let swaps: Vec<_> = swaps
        .iter()
        .map(|s| serde_json::json!({ "from": s.from, "to": s.to }))
        .collect();
    sse_frame(
        "css",
        &serde_json::json!({ "generation": generation, "swaps": swaps }),
    )
}

/// Hold one page's event stream open until the page goes away or the server stops. The
/// `hello` carries the generation served now; the page reloads when it was built from another.
pub fn stream_events(
    mut out: Box<dyn Write + Send>,
    events: Receiver<String>,
    generation: u64,
) -> std::io::Result<()> {
    out.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\
          Connection: close\r\nX-Accel-Buffering: no\r\n\r\nretry: 500\n\n",
    )?;
    out.write_all(sse_frame("hello", &serde_json::json!({ "generation": generation })).as_bytes())?;
    out.flush()?;
    loop {
        match events.recv_timeout(KEEPALIVE) {
            Ok(frame) => out.write_all(frame.as_bytes())?,
            Err(RecvTimeoutError::Timeout) => out.write_all(b": keepalive\n\n")?,
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        }
        out.flush()?;
    }
}

/// The `<script>` injected into every HTML page served.
pub fn live_script(generation: u64) -> String {
    let js = include_str!("reload.js").replace("__ONAIR_GENERATION__", &generation.to_string());
    format!("<script data-onair-live>\n{js}</script>\n")
}

/// Insert `snippet` before the last `</body>` (any case), or at the end when there is none.
pub fn inject(html: &[u8], snippet: &str) -> Vec<u8> {
    let at = find_last_ci(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + snippet.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(snippet.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find_last_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if haystack.len() < needle.len() {
        return None;
    }
    (0..=haystack.len() - needle.len())
        .rev()
        .find(|&i| haystack[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// `path:line:col` as the terminal prints it, or None when the problem has no place.
pub fn location(d: &Diagnostic) -> Option<String> {
    let path = d.path.as_ref()?;
    let mut s = path.display().to_string();
    if let Some(line) = d.line {
        s.push_str(&format!(":{line}"));
        if let Some(col) = d.col {
            s.push_str(&format!(":{col}"));
        }
    }
    Some(s)
}

/// The overlay shown over the last good build while the site has errors: every problem with
/// its `path:line:col` and message, errors first.
pub fn overlay_html(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let mut sorted: Vec<&Diagnostic> = diagnostics.iter().collect();
    sorted.sort_by_key(|d| d.severity != Severity::Error);
    let mut items = String::new();
    for d in sorted {
        let (level, colour) = match d.severity {
            Severity::Error => ("error", "#ff7b72"),
            Severity::Warning => ("warning", "#e3b341"),
        };
        let level = match &d.rule {
            Some(rule) => format!("{level}[{}]", escape_html(rule)),
            None => level.to_string(),
        };
        let place = location(d)
            .map(|l| {
                format!(
                    "<code data-onair-location style=\"color:#79c0ff\">{}</code>: ",
                    escape_html(&l)
                )
            })
            .unwrap_or_default();
        items.push_str(&format!(
            "<li style=\"margin:.6em 0;white-space:pre-wrap\">{place}<b style=\"color:{colour}\">{level}</b>: \
             <span data-onair-message>{}</span></li>",
            escape_html(&d.message)
        ));
    }
    let title = if errors == 1 {
        "1 error".to_string()
    } else {
        format!("{errors} errors")
    };
    format!(
        "<div id=\"onair-overlay\" role=\"alert\" style=\"position:fixed;inset:0;z-index:2147483647;\
         overflow:auto;background:rgba(13,17,23,.94);color:#e6edf3;padding:2rem;\
         font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;text-align:left\">\
         <div style=\"max-width:64rem;margin:0 auto\">\
         <button type=\"button\" onclick=\"this.closest('#onair-overlay').remove()\" \
         style=\"float:right;font:inherit;background:#21262d;color:inherit;border:1px solid #30363d;\
         border-radius:6px;padding:.2em .8em;cursor:pointer\">hide</button>\
         <h2 style=\"margin:0 0 .3em;font-size:1.3em;color:#ff7b72\">onair: the site has {title}</h2>\
         <p style=\"margin:0;color:#8b949e\">You are looking at the last build that worked. \
         Fix the file and save: this goes away by itself.</p>\
         <ol style=\"padding-left:1.5em\">{items}</ol></div></div>\n"
    )
}

/// A stylesheet that changed between two builds, as URL paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CssSwap {
    pub from: String,
    pub to: String,
}

/// The stylesheet swaps that turn a page of build `old` into one of `new`, for a rebuild
/// caused by stylesheet edits alone: other differences (pages linking the new names, the
/// feed's build date) follow from those edits and need no reload. `None` when a stylesheet
/// appeared or vanished without a counterpart, or none changed: reload instead.
pub fn css_swaps(old: &SiteOutput, new: &SiteOutput) -> Option<Vec<CssSwap>> {
    let is_css = |k: &&String| k.ends_with(".css");
    let mut removed = Vec::new();
    let mut swaps = Vec::new();
    for (key, file) in old.files.iter().filter(|(k, _)| is_css(k)) {
        match new.files.get(key) {
            Some(other) if other == file => {}
            Some(_) => swaps.push(CssSwap {
                from: format!("/{key}"),
                to: format!("/{key}"),
            }),
            None => removed.push(key.as_str()),
        }
    }
    let added: Vec<&str> = new
        .files
        .keys()
        .filter(is_css)
        .filter(|k| !old.files.contains_key(*k))
        .map(String::as_str)
        .collect();
    if removed.len() != added.len() {
        return None;
    }
    for from in removed {
        let logical = unfingerprinted(from);
        let to = added.iter().find(|a| unfingerprinted(a) == logical)?;
        swaps.push(CssSwap {
            from: format!("/{from}"),
            to: format!("/{to}"),
        });
    }
    (!swaps.is_empty()).then_some(swaps)
}

/// `assets/style.1a2b3c4d.css` -> `assets/style.css`: the name without its content hash.
pub fn unfingerprinted(key: &str) -> String {
    let (dir, name) = match key.rsplit_once('/') {
        Some((d, n)) => (format!("{d}/"), n),
        None => (String::new(), key),
    };
    let parts: Vec<&str> = name.split('.').collect();
    if parts.len() >= 3 {
        let hash = parts[parts.len() - 2];
        if hash.len() >= 6 && hash.bytes().all(|b| b.is_ascii_alphanumeric()) {
            let mut kept = parts.clone();
            kept.remove(parts.len() - 2);
            return format!("{dir}{}", kept.join("."));
        }
    }
    key.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inject_goes_before_the_last_body_close() {
        assert_eq!(
            inject(b"<html><BODY>x</Body></html>", "<s>"),
            b"<html><BODY>x<s></Body></html>"
        );
        assert_eq!(inject(b"a</body>b</body>c", "<s>"), b"a</body>b<s></body>c");
        assert_eq!(inject(b"<p>no body</p>", "<s>"), b"<p>no body</p><s>");
        assert_eq!(inject(b"", "<s>"), b"<s>");
    }

    #[test]
    fn script_carries_the_generation_and_the_stream() {
        let s = live_script(42);
        assert!(s.contains("var generation = 42;"));
        assert!(s.contains(EVENTS_PATH));
        assert!(!s.contains("__ONAIR_GENERATION__"));
    }

    #[test]
    fn frames_are_one_event_and_one_data_line() {
        let f = overlay_frame(7, "<div>\n\"x\"\n</div>");
        assert!(f.starts_with("event: overlay\ndata: {"));
        assert!(f.ends_with("}\n\n"));
        assert_eq!(f.trim_end().lines().count(), 2);
        let data: serde_json::Value =
            serde_json::from_str(f.lines().nth(1).unwrap().strip_prefix("data: ").unwrap())
                .unwrap();
        assert_eq!(data["generation"], 7);
        assert_eq!(data["html"], "<div>\n\"x\"\n</div>");
    }

    #[test]
    fn overlay_shows_place_and_message_escaped() {
        let d = vec![
            Diagnostic::warning("no summary").at("episodes/b.md"),
            Diagnostic::error("expected a date, found `<tomorrow>`")
                .at("episodes/a.md")
                .line_col(3, 7),
        ];
        let html = overlay_html(&d);
        assert!(html.contains("onair: the site has 1 error"));
        assert!(html.contains("episodes/a.md:3:7</code>"));
        assert!(html.contains("expected a date, found `&lt;tomorrow&gt;`"));
        // Errors come first.
        assert!(html.find("episodes/a.md").unwrap() < html.find("episodes/b.md").unwrap());
    }

    #[test]
    fn broadcaster_forgets_departed_listeners() {
        let b = Broadcaster::default();
        let kept = b.subscribe();
        drop(b.subscribe());
        b.send("x");
        assert_eq!(b.subscriber_count(), 1);
        assert_eq!(kept.recv().unwrap(), "x");
        b.close();
        assert!(kept.recv().is_err());
    }

    #[test]
    fn stream_sends_hello_then_events() {
        let (tx, rx) = mpsc::channel();
        tx.send(reload_frame(8)).unwrap();
        drop(tx);
        let buf = std::sync::Arc::new(Mutex::new(Vec::new()));
        struct Shared(std::sync::Arc<Mutex<Vec<u8>>>);
        impl Write for Shared {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        stream_events(Box::new(Shared(buf.clone())), rx, 7).unwrap();
        let text = String::from_utf8(buf.lock().unwrap().clone()).unwrap();
        assert!(text.starts_with("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"));
        let hello = text.find("event: hello\ndata: {\"generation\":7}").unwrap();
        let reload = text
            .find("event: reload\ndata: {\"generation\":8}")
            .unwrap();
        assert!(hello < reload);
    }

    #[test]
    fn unfingerprinted_names() {
        assert_eq!(
            unfingerprinted("assets/style.1a2b3c4d.css"),
            "assets/style.css"
        );
        assert_eq!(
            unfingerprinted("assets/style.min.css"),
            "assets/style.min.css"
        );
        assert_eq!(unfingerprinted("style.css"), "style.css");
        assert_eq!(
            unfingerprinted("assets/theme.dark.abcdef12.css"),
            "assets/theme.dark.css"
        );
    }

    #[test]
    fn css_only_changes_become_swaps() {
        let mut old = SiteOutput::new();
        old.insert_bytes(
            "index.html",
            b"<link href=/assets/style.aaaaaaaa.css>".to_vec(),
        );
        old.insert_bytes("assets/style.aaaaaaaa.css", b"a{}".to_vec());
        old.insert_bytes("assets/plain.css", b"p{}".to_vec());
        old.insert_bytes("feed.xml", b"<rss/>".to_vec());

        let mut new = old.clone();
        new.files.remove("assets/style.aaaaaaaa.css");
        new.insert_bytes("assets/style.bbbbbbbb.css", b"b{}".to_vec());
        new.insert_bytes(
            "index.html",
            b"<link href=/assets/style.bbbbbbbb.css>".to_vec(),
        );
        new.insert_bytes("assets/plain.css", b"p{color:red}".to_vec());
        let mut swaps = css_swaps(&old, &new).unwrap();
        swaps.sort_by(|a, b| a.from.cmp(&b.from));
        assert_eq!(
            swaps,
            vec![
                CssSwap {
                    from: "/assets/plain.css".into(),
                    to: "/assets/plain.css".into()
                },
                CssSwap {
                    from: "/assets/style.aaaaaaaa.css".into(),
                    to: "/assets/style.bbbbbbbb.css".into()
                },
            ]
        );

        // What follows from the stylesheet edit (a feed's build date) needs no reload.
        let mut dated = new.clone();
        dated.insert_bytes("feed.xml", b"<rss>built now</rss>".to_vec());
        assert_eq!(css_swaps(&old, &dated).map(|s| s.len()), Some(2));
        // A new stylesheet with no predecessor means a reload.
        let mut extra = new.clone();
        extra.insert_bytes("assets/new.cccccccc.css", b"".to_vec());
        assert_eq!(css_swaps(&old, &extra), None);
        // Nothing changed: nothing to swap.
        assert_eq!(css_swaps(&old, &old.clone()), None);
    }
}
