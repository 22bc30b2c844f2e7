//! `onair stats` end to end: one set of requests written in every log format the command
//! reads, with the count they must give beside them (the truth is worked out by hand from
//! the IAB v2.3 rules, not by onair); gzipped, split, unsorted and repeated files; bad lines
//! and a truncated .gz; an S3 prefix read from the suite's S3 server (moto).

#[path = "site_support/mod.rs"]
mod site_support;

use std::io::Write;
use std::path::{Path, PathBuf};

use site_support::{copy_site, fixture, onair};

/// The long episode: 6,000,000 bytes, 600 s: 10,000 bytes a second, so 600,000 bytes (no
/// header: remote audio) make a download.
const LONG: &str = "/show/audio/long%20one.mp3";
const LONG_SIZE: u64 = 6_000_000;
/// The short one (audio/first.mp3 of the basic fixture, 1 s): only the whole file counts.
const SHORT: &str = "/show/audio/first.mp3";

const OVERCAST: &str = "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)";
const SPOTIFY: &str = "Spotify/8.8.12 Android/33 (SM-G991B)";
const APPLE: &str = "Podcasts/1650.20 CFNetwork/1404.0.5 Darwin/22.3.0";
const POCKET: &str = "Pocket Casts";
const BOT: &str = "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)";

/// 2024-05-01 00:00:00 UTC.
const DAY1: i64 = 1_714_521_600;
const DAY2: i64 = DAY1 + 86_400;

#[derive(Clone)]
struct Req {
    secs: i64,
    ip: &'static str,
    head: bool,
    path: String,
    status: u16,
    bytes: u64,
    agent: &'static str,
    range: Option<&'static str>,
}

fn get(
    secs: i64,
    ip: &'static str,
    agent: &'static str,
    path: &str,
    status: u16,
    bytes: u64,
) -> Req {
    Req {
        secs,
        ip,
        head: false,
        path: path.to_string(),
        status,
        bytes,
        agent,
        range: None,
    }
}

fn short_size() -> u64 {
    std::fs::metadata(fixture("basic/audio/first.mp3"))
        .unwrap()
        .len()
}

/// The requests, in no particular order, and what they are.
fn requests() -> Vec<Req> {
    let mut probe = get(DAY1 + 50, "192.0.2.3", POCKET, LONG, 206, 2);
    probe.range = Some("bytes=0-1");
    let mut head = get(DAY1 + 60, "192.0.2.4", OVERCAST, LONG, 200, 0);
    head.head = true;
    vec![
        // A: two ranges, logged last first, sum to the minute: 1 download (day 1, Overcast);
        // the whole file later that day adds nothing.
        get(DAY1 + 3600, "192.0.2.1", OVERCAST, LONG, 206, 300_000),
        get(DAY1 + 10, "192.0.2.1", OVERCAST, LONG, 206, 300_000),
        get(DAY1 + 7200, "192.0.2.1", OVERCAST, LONG, 200, LONG_SIZE),
        // B: one /64, two addresses: 1 download on day 1; again on day 2: 1 more (Spotify).
        get(DAY1 + 100, "2001:db8:1:2::1", SPOTIFY, LONG, 200, 600_000),
        get(DAY1 + 200, "2001:db8:1:2::2", SPOTIFY, LONG, 200, 600_000),
        get(DAY2 + 100, "2001:db8:1:2::1", SPOTIFY, LONG, 200, 600_000),
        // C: the 0-1 probe's 2 bytes never count: 599,999 is one byte short.
        probe,
        get(DAY1 + 51, "192.0.2.3", POCKET, LONG, 206, 599_999),
        // Never: HEAD, 304, 404, a bot, the feed.
        head,
        get(DAY1 + 70, "192.0.2.5", OVERCAST, LONG, 304, 0),
        get(DAY1 + 80, "192.0.2.5", OVERCAST, LONG, 404, 900),
        get(DAY1 + 90, "192.0.2.6", BOT, LONG, 200, LONG_SIZE),
        get(
            DAY1 + 95,
            "192.0.2.6",
            OVERCAST,
            "/show/feed.xml",
            200,
            5000,
        ),
        // F: a query string: 1 download (Apple Podcasts).
        get(
            DAY1 + 300,
            "192.0.2.8",
            APPLE,
            &format!("{LONG}?from=rss"),
            200,
            LONG_SIZE,
        ),
        // G: two apps behind one address: 2 downloads.
        get(DAY1 + 400, "192.0.2.7", OVERCAST, LONG, 200, 600_000),
        get(DAY1 + 401, "192.0.2.7", SPOTIFY, LONG, 200, 600_000),
        // The short episode: a byte short, then the whole file (Pocket Casts).
        get(
            DAY1 + 500,
            "192.0.2.9",
            POCKET,
            SHORT,
            200,
            short_size() - 1,
        ),
        get(DAY1 + 500, "192.0.2.10", POCKET, SHORT, 200, short_size()),
    ]
}

fn clf_time(secs: i64) -> String {
    let t = jiff::Timestamp::from_second(secs).unwrap();
    // Any zone offset: written at -07:00.
    let z = t.to_zoned_datetime(jiff::tz::TimeZone::fixed(jiff::tz::offset(-7)));
    z.strftime("%d/%b/%Y:%H:%M:%S %z").to_string()
}

fn method(r: &Req) -> &'static str {
    if r.head { "HEAD" } else { "GET" }
}

fn combined(r: &Req) -> String {
    format!(
        "{} - - [{}] \"{} {} HTTP/1.1\" {} {} \"-\" \"{}\" 0.012 \"-\"\n",
        r.ip,
        clf_time(r.secs),
        method(r),
        r.path,
        r.status,
        r.bytes,
        r.agent
    )
}

fn s3(r: &Req) -> String {
    let key = r
        .path
        .trim_start_matches("/show/")
        .split('?')
        .next()
        .unwrap();
    let op = if r.head {
        "REST.HEAD.OBJECT"
    } else {
        "REST.GET.OBJECT"
    };
    let bytes = if r.bytes == 0 {
        "-".to_string()
    } else {
        r.bytes.to_string()
    };
    format!(
        "79a5 podbucket [{}] {} - 3E57 {op} {key} \"{} /podbucket/{} HTTP/1.1\" {} - {bytes} {LONG_SIZE} 20 10 \"-\" \"{}\" - hostid SigV4 ECDHE AuthHeader podbucket.s3.amazonaws.com TLSv1.2 - -\n",
        clf_time(r.secs),
        r.ip,
        method(r),
        r.path.trim_start_matches("/show/"),
        r.status,
        r.agent
    )
}

fn cloudfront(r: &Req) -> String {
    let t = jiff::Timestamp::from_second(r.secs).unwrap();
    let (path, query) = r.path.split_once('?').unwrap_or((&r.path, "-"));
    let agent = r.agent.replace(' ', "%20");
    let (start, end) = match r.range {
        Some(_) => ("0", "1"),
        None => ("-", "-"),
    };
    format!(
        "{}\t{}\tLAX1\t{}\t{}\t{}\td1.cloudfront.net\t{path}\t{}\t-\t{agent}\t{query}\t-\tHit\tid\tpod.example\thttps\t200\t0.01\t-\tTLSv1.3\tTLS_AES\tHit\tHTTP/2.0\t-\t-\t5000\t0.01\tHit\taudio/mpeg\t{}\t{start}\t{end}\n",
        t.strftime("%Y-%m-%d"),
        t.strftime("%H:%M:%S"),
        r.bytes,
        r.ip,
        method(r),
        r.status,
        r.bytes
    )
}

fn caddy(r: &Req) -> String {
    let mut headers = serde_json::json!({ "User-Agent": [r.agent] });
    if let Some(range) = r.range {
        headers["Range"] = serde_json::json!([range]);
    }
    serde_json::json!({
        "level": "info", "ts": r.secs as f64 + 0.25, "logger": "http.log.access",
        "msg": "handled request",
        "request": { "remote_ip": r.ip, "remote_port": "5000", "client_ip": r.ip,
            "proto": "HTTP/2.0", "method": method(r), "host": "pod.example", "uri": r.path,
            "headers": headers },
        "bytes_read": 0, "duration": 0.01, "size": r.bytes, "status": r.status,
    })
    .to_string()
        + "\n"
}

fn cloudflare(r: &Req) -> String {
    let t = jiff::Timestamp::from_second(r.secs).unwrap();
    let mut v = serde_json::json!({
        "ClientIP": r.ip, "ClientRequestHost": "pod.example", "ClientRequestMethod": method(r),
        "ClientRequestURI": r.path, "ClientRequestUserAgent": r.agent,
        "EdgeResponseBodyBytes": r.bytes, "EdgeResponseBytes": r.bytes + 300,
        "EdgeResponseStatus": r.status, "EdgeStartTimestamp": t.to_string(), "RayID": "8a",
    });
    if let Some(range) = r.range {
        v["RequestHeaders"] = serde_json::json!({ "range": range });
    }
    v.to_string() + "\n"
}

/// Bunny logs no method: a HEAD is a line that sent no bytes.
fn bunny(r: &Req) -> String {
    format!(
        "HIT|{}|{}|{}|390|{}|-|https://zone.b-cdn.net{}|WA|{}|322b688bd63fb63f|DE\n",
        r.status,
        r.secs * 1000 + 421,
        r.bytes,
        r.ip,
        r.path,
        r.agent
    )
}

/// The basic fixture with two episodes: the long remote one and the short local one.
fn site() -> (tempfile::TempDir, PathBuf) {
    let (tmp, root) = copy_site(&fixture("basic"));
    let eps = root.join("episodes");
    std::fs::remove_dir_all(&eps).unwrap();
    std::fs::create_dir(&eps).unwrap();
    std::fs::write(
        eps.join("2024-04-01-long.md"),
        "---\ntitle: Long One\ndate: 2024-04-01\naudio: https://fixture.example.com/show/audio/long%20one.mp3\nlength: 6000000\nduration: 600\nguid: long-1\n---\nLong.\n",
    )
    .unwrap();
    std::fs::write(
        eps.join("2024-04-20-short.md"),
        "---\ntitle: Short One\ndate: 2024-04-20\naudio: audio/first.mp3\nguid: short-1\n---\nShort.\n",
    )
    .unwrap();
    (tmp, root)
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn gzip(text: &str) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text.as_bytes()).unwrap();
    gz.finish().unwrap()
}

fn json_of(args: &[&str]) -> (i32, serde_json::Value, String) {
    let (code, out, err) = onair(args);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, v, err)
}

/// What every format must give.
fn assert_truth(v: &serde_json::Value, what: &str) {
    assert_eq!(v["downloads"], 7, "{what}: {v:#}");
    assert_eq!(
        v["days"],
        serde_json::json!({"2024-05-01": 6, "2024-05-02": 1}),
        "{what}"
    );
    assert_eq!(
        v["apps"],
        serde_json::json!({"Apple Podcasts": 1, "Overcast": 2, "Pocket Casts": 1, "Spotify": 3}),
        "{what}"
    );
    let eps = v["episodes"].as_array().unwrap();
    // Newest first.
    assert_eq!(eps[0]["slug"], "short", "{what}");
    assert_eq!(eps[0]["downloads"], 1, "{what}");
    assert_eq!(eps[1]["slug"], "long", "{what}");
    assert_eq!(eps[1]["downloads"], 6, "{what}");
    assert_eq!(
        eps[1]["url"],
        "https://fixture.example.com/show/audio/long%20one.mp3"
    );
    assert_eq!(
        eps[1]["days"],
        serde_json::json!({"2024-05-01": 5, "2024-05-02": 1})
    );
    assert_eq!(
        v["period"],
        serde_json::json!({"from": "2024-05-01", "to": "2024-05-02"})
    );
}

/// Writes one request as a log line of one format.
type Writer = fn(&Req) -> String;

#[test]
fn every_format_gives_the_same_count() {
    let reqs = requests();
    let writers: [(&str, Writer); 6] = [
        ("combined", combined),
        ("s3", s3),
        ("cloudfront", cloudfront),
        ("caddy", caddy),
        ("cloudflare", cloudflare),
        ("bunny", bunny),
    ];
    for (name, writer) in writers {
        // A site (and so a history) of its own for each format.
        let (_tmp, root) = site();
        let logs = root.parent().unwrap().join("logs");
        let mut text: String = reqs.iter().map(writer).collect();
        if name == "cloudfront" {
            text = format!(
                "#Version: 1.0\n#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end\n{text}"
            );
            let path = logs.join(name).join("E2X.2024-05-01-00.abc.gz");
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, gzip(&text)).unwrap();
        } else {
            write(&logs.join(name).join("access.log"), &text);
        }
        let dir = logs.join(name);
        let (code, v, err) = json_of(&[
            "stats",
            root.to_str().unwrap(),
            "--logs",
            dir.to_str().unwrap(),
            "--json",
        ]);
        assert_eq!(code, 0, "{name}: {err}");
        assert_truth(&v, name);
        assert_eq!(v["lines"]["read"], reqs.len() as u64, "{name}");
        if name != "bunny" {
            // Bunny logs no method: its HEAD is a window that sent no bytes.
            assert_eq!(
                v["excluded"],
                serde_json::json!({"bot": 1, "head": 1, "not_an_episode": 1, "not_modified": 1,
                    "probe": 1, "status": 1, "under_threshold": 2}),
                "{name}"
            );
        }
    }
}

#[test]
fn split_unsorted_repeated_files_and_bad_lines() {
    let (_tmp, root) = site();
    let logs = root.parent().unwrap().join("logs");
    let mut reqs = requests();
    reqs.reverse();
    let lines: Vec<String> = reqs.iter().map(combined).collect();
    // Two files whose times overlap, one gzipped, one repeated under another name, and bad lines.
    let (a, b) = lines.split_at(lines.len() / 2);
    write(
        &logs.join("a.log"),
        &format!("{}not a log line\n", a.concat()),
    );
    std::fs::write(logs.join("b.log.gz"), gzip(&b.concat())).unwrap();
    write(
        &logs.join("old/a-copy.log"),
        &format!("{}not a log line\n", a.concat()),
    );
    let (code, v, err) = json_of(&[
        "stats",
        root.to_str().unwrap(),
        "--logs",
        logs.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_truth(&v, "split");
    assert_eq!(v["lines"]["unparsed"], 1);
    let a_log = logs.join("a.log");
    assert!(
        err.contains(&format!(
            "{}:{}: warning: not a combined log line",
            a_log.display(),
            a.len() + 1
        )),
        "{err}"
    );
    assert!(
        err.contains("a-copy.log: warning: the same lines as a file read before"),
        "{err}"
    );

    // A truncated .gz is an error naming it; the other files still count.
    let full = gzip(&b.concat());
    std::fs::write(logs.join("c.log.gz"), &full[..full.len() / 2]).unwrap();
    let (code, v, err) = json_of(&[
        "stats",
        root.to_str().unwrap(),
        "--logs",
        logs.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("c.log.gz: error: the gzip stream ends early"),
        "{err}"
    );
    assert_truth(&v, "truncated");
}

#[test]
fn period_csv_table_and_html() {
    let (_tmp, root) = site();
    let log = root.parent().unwrap().join("access.log");
    write(&log, &requests().iter().map(combined).collect::<String>());
    let (r, l) = (root.to_str().unwrap(), log.to_str().unwrap());
    let (code, v, _) = json_of(&["stats", r, "--logs", l, "--json", "--since", "2024-05-02"]);
    assert_eq!(code, 0);
    assert_eq!(v["downloads"], 1);
    assert_eq!(
        v["period"],
        serde_json::json!({"from": "2024-05-02", "to": "2024-05-02"})
    );

    let (code, csv, _) = onair(&["stats", r, "--logs", l, "--csv"]);
    assert_eq!(code, 0);
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows[0], "episode,show,day,app,downloads");
    assert!(rows.contains(&"long,,2024-05-01,Overcast,2"), "{csv}");
    assert!(rows.contains(&"long,,2024-05-02,Spotify,1"), "{csv}");
    assert_eq!(rows.len(), 6, "{csv}");

    let (code, table, _) = onair(&["stats", r, "--logs", l]);
    assert_eq!(code, 0);
    assert!(
        table.starts_with("7 downloads, 2024-05-01 to 2024-05-02"),
        "{table}"
    );
    assert!(table.contains("Spotify"), "{table}");

    let out = root.parent().unwrap().join("report");
    let (code, _, err) = onair(&["stats", r, "--logs", l, "--html", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("<svg") && !html.contains("<script"), "{html}");
    assert!(!html.contains("192.0.2."), "no address in the report");
    // Never over a file onair did not write.
    std::fs::write(out.join("index.html"), "mine").unwrap();
    let (code, _, err) = onair(&["stats", r, "--logs", l, "--html", out.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        err.contains("is not an onair stats report: not overwritten"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("index.html")).unwrap(),
        "mine"
    );
}

#[test]
fn usage_errors() {
    let (_tmp, root) = site();
    let r = root.to_str().unwrap();
    let (code, _, err) = onair(&["stats", r, "--logs", "/nonexistent/x.log", "--json"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("--logs /nonexistent/x.log: no such file or folder"),
        "{err}"
    );
    let (code, _, err) = onair(&["stats", r, "--logs", r, "--since", "May 1"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--since `May 1` is not a date (YYYY-MM-DD)"),
        "{err}"
    );
    let (code, _, err) = onair(&["stats", r, "--logs", r, "--format", "iis"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--format `iis`: not a log format onair reads"),
        "{err}"
    );
}

// ---- An S3 prefix, read from the suite's S3 server (moto, as tests/deploy.rs starts it) ----

struct Moto {
    child: std::process::Child,
    port: u16,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn moto() -> Moto {
    let cmd = match std::env::var_os("ONAIR_MOTO_SERVER") {
        Some(p) => PathBuf::from(p),
        None => {
            let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ci-venv/bin/moto_server");
            if venv.is_file() {
                venv
            } else {
                PathBuf::from("moto_server")
            }
        }
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = std::process::Command::new(&cmd)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start the S3 test server `{}` ({e}): install moto (pip install 'moto[server]', .ci/run does it) and set ONAIR_MOTO_SERVER", cmd.display()));
    // Ready when it answers; it exits at once when it cannot start.
    for _ in 0..300 {
        if ureq::get(&format!("http://127.0.0.1:{port}/"))
            .call()
            .is_ok()
        {
            return Moto { child, port };
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "the S3 test server `{}` exited at start: {status}",
                cmd.display()
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!(
        "the S3 test server `{}` did not answer in 30 s",
        cmd.display()
    );
}

#[test]
fn s3_prefix_from_the_suite_s3_server() {
    let server = moto();
    let endpoint = format!("http://127.0.0.1:{}", server.port);
    ureq::put(&format!("{endpoint}/podlogs"))
        .send_empty()
        .unwrap();
    let lines: Vec<String> = requests().iter().map(s3).collect();
    let (a, b) = lines.split_at(lines.len() / 2);
    // S3 names its log objects TargetPrefix + time; the prefix given is a name's start.
    let objects = [
        ("logs/2024-05-01-00-00-00-AAAA", a.concat()),
        ("logs/2024-05-02-00-00-00-BBBB", b.concat()),
        (
            "logs-other/2024-05-01-00-00-00-CCCC",
            "not read\n".to_string(),
        ),
    ];
    for (key, text) in &objects {
        ureq::put(&format!("{endpoint}/podlogs/{key}"))
            .send(text.as_bytes())
            .unwrap();
    }
    let (_tmp, root) = site();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_onair"))
        .args([
            "stats",
            root.to_str().unwrap(),
            "--logs",
            "s3://podlogs/logs/2024-05",
            "--json",
        ])
        .env("AWS_ENDPOINT_URL", &endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_truth(&v, "s3://");
    assert_eq!(v["lines"]["read"], requests().len() as u64);

    // A prefix with no objects is an error naming it.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_onair"))
        .args([
            "stats",
            root.to_str().unwrap(),
            "--logs",
            "s3://podlogs/nothing-here/",
            "--json",
        ])
        .env("AWS_ENDPOINT_URL", &endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("--logs s3://podlogs/nothing-here/: no objects under this prefix"),
        "{err}"
    );
}

#[test]
fn two_runs_equal_one_and_the_history_keeps_no_address() {
    let reqs = requests();
    let lines: Vec<String> = reqs.iter().map(combined).collect();
    // Split so that windows straddle the runs: A's two ranges, C's probe and its bytes.
    let (a, b): (Vec<_>, Vec<_>) = lines.iter().enumerate().partition(|(i, _)| i % 2 == 0);
    let text =
        |v: Vec<(usize, &String)>| v.into_iter().map(|(_, l)| l.as_str()).collect::<String>();
    let (one_tmp, one) = site();
    let all = one_tmp.path().join("all.log");
    write(&all, &lines.concat());
    let (_, whole, _) = json_of(&[
        "stats",
        one.to_str().unwrap(),
        "--logs",
        all.to_str().unwrap(),
        "--json",
    ]);
    assert_truth(&whole, "one run");

    let (two_tmp, two) = site();
    let (first, second) = (two_tmp.path().join("1.log"), two_tmp.path().join("2.log"));
    write(&first, &text(a));
    write(&second, &text(b));
    let t = two.to_str().unwrap();
    let (code, _, err) = json_of(&["stats", t, "--logs", first.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{err}");
    let (code, v, err) = json_of(&["stats", t, "--logs", second.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v, whole, "two runs equal one");
    // Reading a file again adds nothing; no --logs reports from the history.
    let (_, again, _) = json_of(&["stats", t, "--logs", first.to_str().unwrap(), "--json"]);
    assert_eq!(again, whole);
    let (code, history, err) = json_of(&["stats", t, "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(history, whole);

    let db = std::fs::read(two.join(".onair/stats.sqlite")).unwrap();
    let db = String::from_utf8_lossy(&db);
    for addr in ["192.0.2.", "2001:db8", "c000:02", "20010db8"] {
        assert!(!db.contains(addr), "the history holds `{addr}`");
    }
    assert!(db.contains("Overcast/3.0"), "agents are kept");
    assert!(two.join(".onair/stats-salt").is_file());
    // sqlite3 reads it: the downloads view counts as the report does.
    if let Ok(out) = std::process::Command::new("sqlite3")
        .arg(two.join(".onair/stats.sqlite"))
        .arg("SELECT count(*) FROM downloads")
        .output()
    {
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "7");
    }
}

#[test]
fn no_history_and_no_logs_is_a_usage_error() {
    let (_tmp, root) = site();
    let (code, _, err) = onair(&["stats", root.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("no history yet"), "{err}");
}

#[test]
fn a_network_counts_every_show_and_show_picks_one() {
    let tmp = tempfile::tempdir().unwrap();
    let net = tmp.path().join("net");
    site_support::example_network(&net);
    let n = net.to_str().unwrap();
    // The episodes and their enclosures, from a log with nothing but the feed in it.
    let feed_only = tmp.path().join("feed.log");
    write(
        &feed_only,
        &combined(&get(DAY1, "192.0.2.1", OVERCAST, "/feed.xml", 200, 900)),
    );
    let (code, v, err) = json_of(&["stats", n, "--logs", feed_only.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["downloads"], 0);
    let eps = v["episodes"].as_array().unwrap().clone();
    let shows: std::collections::BTreeSet<&str> =
        eps.iter().map(|e| e["show"].as_str().unwrap()).collect();
    assert_eq!(shows.len(), 3, "{v:#}");
    // One whole-file download of the first episode of each show.
    let mut log = String::new();
    let mut firsts = Vec::new();
    for show in &shows {
        let e = eps.iter().find(|e| e["show"] == *show).unwrap();
        let url = e["url"].as_str().unwrap();
        let path = &url[url.find("://").unwrap() + 3..];
        let path = &path[path.find('/').unwrap()..];
        log += &combined(&get(
            DAY1 + 60,
            "192.0.2.2",
            SPOTIFY,
            path,
            200,
            10_000_000_000,
        ));
        firsts.push((show.to_string(), e["slug"].as_str().unwrap().to_string()));
    }
    let all = tmp.path().join("all.log");
    write(&all, &log);
    let (code, v, err) = json_of(&["stats", n, "--logs", all.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["downloads"], 3, "{v:#}");
    for (show, slug) in &firsts {
        let e = v["episodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["show"] == show.as_str() && e["slug"] == slug.as_str())
            .unwrap();
        assert_eq!(e["downloads"], 1, "{show}/{slug}");
    }
    // --show reports one show from the history, which keeps them all.
    let (code, v, err) = json_of(&["stats", n, "--show", "solder-club", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["downloads"], 1, "{v:#}");
    assert!(
        v["episodes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["show"] == "solder-club")
    );
    let (code, _, err) = onair(&["stats", n, "--show", "nope", "--json"]);
    assert_eq!(code, 1);
    assert!(err.contains("the network has no show `nope`"), "{err}");
}

#[path = "serve_support/mod.rs"]
mod serve_support;

#[test]
fn serve_shows_the_report_when_a_history_exists() {
    use onair::serve::{LiveSite, Server};
    let (_tmp, root) = site();
    let site = std::sync::Arc::new(LiveSite::new(&root, onair::output::SiteOutput::new(), None));
    let server = Server::bind("127.0.0.1:0".parse().unwrap(), site).unwrap();
    let none = serve_support::get(server.addr(), "/_onair/stats");
    assert_eq!(none.status, 404);
    assert!(
        none.text().contains("no download stats yet"),
        "{}",
        none.text()
    );
    let log = root.parent().unwrap().join("access.log");
    write(&log, &requests().iter().map(combined).collect::<String>());
    let (code, _, err) = onair(&[
        "stats",
        root.to_str().unwrap(),
        "--logs",
        log.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let page = serve_support::get(server.addr(), "/_onair/stats");
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(
        html.contains("<strong>7</strong> downloads, 2024-05-01 to 2024-05-02"),
        "{html}"
    );
    assert!(html.contains("<svg"));
}

#[test]
fn user_agents_dir_replaces_the_bundled_lists() {
    let (tmp, root) = site();
    let lists = tmp.path().join("ua");
    std::fs::create_dir(&lists).unwrap();
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/stats/user-agents");
    for f in ["bots", "libraries", "browsers", "devices"] {
        std::fs::copy(
            bundled.join(format!("{f}.json")),
            lists.join(format!("{f}.json")),
        )
        .unwrap();
    }
    std::fs::write(
        lists.join("apps.json"),
        r#"{"entries": [{"name": "Kitchen Player", "pattern": "^KitchenPlayer/"}]}"#,
    )
    .unwrap();
    let log = tmp.path().join("access.log");
    write(
        &log,
        &combined(&get(
            DAY1,
            "192.0.2.1",
            "KitchenPlayer/1.0",
            LONG,
            200,
            LONG_SIZE,
        )),
    );
    let (r, l, u) = (
        root.to_str().unwrap(),
        log.to_str().unwrap(),
        lists.to_str().unwrap(),
    );
    let (code, v, err) = json_of(&["stats", r, "--logs", l, "--json", "--user-agents", u]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["apps"], serde_json::json!({"Kitchen Player": 1}));
    std::fs::write(
        lists.join("apps.json"),
        r#"{"entries": [{"name": "x", "pattern": "(("}]}"#,
    )
    .unwrap();
    let (code, _, err) = onair(&["stats", r, "--json", "--user-agents", u]);
    assert_eq!(code, 2);
    assert!(
        err.contains("apps.json: a pattern does not compile"),
        "{err}"
    );
}
