//! `onair deploy` end to end: file:// targets, a real S3 server (moto) on loopback, and a
//! local HTTP server that records the WebSub and Podping pings.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn example_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site");
    for e in walkdir::WalkDir::new(&src) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(&src).unwrap();
        if rel.starts_with("public") || rel.starts_with(".onair") {
            continue;
        }
        let dest = tmp.path().join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
    tmp
}

fn onair(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_onair"));
    c.args(args);
    for var in [
        "AWS_ENDPOINT_URL",
        "PODPING_AUTH_TOKEN",
        "ONAIR_PODPING_URL",
    ] {
        c.env_remove(var);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn files_under(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(root).unwrap();
            (
                rel.to_string_lossy().replace('\\', "/"),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn file_url(p: &Path) -> String {
    format!("file://{}", p.display())
}

fn append_to_episode(site: &Path) {
    let ep = site.join("episodes/2026-02-17-listener-mail.md");
    let mut s = std::fs::read_to_string(&ep).unwrap();
    s.push_str("\nOne more letter arrived after recording.\n");
    std::fs::write(&ep, s).unwrap();
}

#[test]
fn file_target_gets_public_and_a_second_deploy_uploads_nothing() {
    let site = example_copy();
    let dest = tempfile::tempdir().unwrap();
    let dir = site.path().to_str().unwrap();
    let to = file_url(dest.path());
    let o = onair(&["deploy", dir, "--to", &to], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let mut got = files_under(dest.path());
    let manifest = got
        .remove(".onair-manifest.json")
        .expect("manifest written");
    assert_eq!(got, files_under(&site.path().join("public")));
    let m: serde_json::Value = serde_json::from_slice(&manifest).unwrap();
    let files = &m["files"];
    assert_eq!(files["feed.xml"]["content_type"], "application/rss+xml");
    assert_eq!(files["feed.xml"]["cache_control"], "public, max-age=300");
    assert_eq!(files["audio/trailer.mp3"]["content_type"], "audio/mpeg");
    assert_eq!(
        files["audio/002-crystal-radio.m4a"]["content_type"],
        "audio/mp4"
    );
    assert_eq!(
        files["index.html"]["content_type"],
        "text/html; charset=utf-8"
    );
    assert!(
        files
            .as_object()
            .unwrap()
            .iter()
            .any(|(k, v)| k.ends_with(".css")
                && v["cache_control"] == "public, max-age=31536000, immutable"),
        "a fingerprinted stylesheet is immutable: {files}"
    );

    let o = onair(&["deploy", dir, "--to", &to, "--no-build"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("nothing to do"), "{}", text(&o));
    assert!(!text(&o).contains("uploaded "), "{}", text(&o));

    // A rebuild a second later: the feed differs in <lastBuildDate> alone, which is no change.
    let feed_before = std::fs::read(site.path().join("public/feed.xml")).unwrap();
    std::thread::sleep(Duration::from_millis(1100));
    let o = onair(&["deploy", dir, "--to", &to], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_ne!(
        std::fs::read(site.path().join("public/feed.xml")).unwrap(),
        feed_before
    );
    assert!(text(&o).contains("nothing to do"), "{}", text(&o));
}

#[test]
fn dry_run_prints_uploads_with_headers_and_touches_nothing() {
    let site = example_copy();
    let dest = tempfile::tempdir().unwrap();
    let o = onair(
        &[
            "deploy",
            site.path().to_str().unwrap(),
            "--to",
            &file_url(dest.path()),
            "--dry-run",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("upload feed.xml (")
            && out
                .contains("Content-Type: application/rss+xml; Cache-Control: public, max-age=300"),
        "{out}"
    );
    assert!(out.contains("upload audio/trailer.mp3 ("), "{out}");
    // The feed is the last upload but the sitemap.
    let uploads: Vec<&str> = out.lines().filter(|l| l.starts_with("upload ")).collect();
    let feed = uploads
        .iter()
        .position(|l| l.starts_with("upload feed.xml"))
        .unwrap();
    assert!(uploads.len() - feed <= 2, "{out}");
    assert!(uploads[0].starts_with("upload audio/"), "{out}");
    assert!(files_under(dest.path()).is_empty());
}

#[test]
fn deletions_past_max_deletes_are_refused_and_referenced_audio_is_kept() {
    let site = example_copy();
    let dest = tempfile::tempdir().unwrap();
    let dir = site.path().to_str().unwrap();
    let to = file_url(dest.path());
    let o = onair(&["deploy", dir, "--to", &to], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // Twelve old pages the site no longer has, as a previous deploy would have left them.
    let manifest_path = dest.path().join(".onair-manifest.json");
    let mut m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    for i in 0..12 {
        let key = format!("old/{i}/index.html");
        std::fs::create_dir_all(dest.path().join(format!("old/{i}"))).unwrap();
        std::fs::write(dest.path().join(&key), "old").unwrap();
        m["files"][&key] = m["files"]["index.html"].clone();
    }
    std::fs::write(&manifest_path, serde_json::to_vec(&m).unwrap()).unwrap();
    let before = files_under(dest.path());
    append_to_episode(site.path());
    let o = onair(&["deploy", dir, "--to", &to], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("refusing to delete 12 files") && text(&o).contains("--max-deletes 10"),
        "{}",
        text(&o)
    );
    assert_eq!(files_under(dest.path()), before, "nothing changed");

    // The audio of a live episode, gone from public/ while the feed still points at it.
    std::fs::remove_file(site.path().join("public/audio/trailer.mp3")).unwrap();
    let o = onair(
        &[
            "deploy",
            dir,
            "--to",
            &to,
            "--no-build",
            "--max-deletes",
            "12",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o)
            .contains("audio/trailer.mp3 is gone from the site but the feed still points at it"),
        "{}",
        text(&o)
    );
    assert!(dest.path().join("audio/trailer.mp3").is_file());
    assert!(!dest.path().join("old/3/index.html").exists());
    assert_eq!(
        std::fs::read(dest.path().join("feed.xml")).unwrap(),
        std::fs::read(site.path().join("public/feed.xml")).unwrap()
    );
}

#[test]
fn bad_targets_are_clear_errors() {
    let site = example_copy();
    let dir = site.path().to_str().unwrap();
    let o = onair(&["deploy", dir, "--to", "ftp://host/x", "--no-build"], &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("error: --to: unknown deploy target scheme in `ftp://host/x` (`ftp`): onair deploys to s3://BUCKET/PREFIX or file:///PATH"), "{}", text(&o));

    let o = onair(&["deploy", dir, "--to", "s3:///prefix", "--no-build"], &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("`s3:///prefix` names no bucket"),
        "{}",
        text(&o)
    );

    // From site.yaml, the error names the key's line.
    let yaml = site.path().join("site.yaml");
    let mut s = std::fs::read_to_string(&yaml).unwrap();
    s.push_str("deploy:\n  to: gs://bucket\n");
    std::fs::write(&yaml, &s).unwrap();
    let line = s.lines().position(|l| l.starts_with("deploy:")).unwrap() + 1;
    let o = onair(&["deploy", dir, "--no-build"], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains(&format!(
            "site.yaml:{line}: error: `deploy.to`: unknown deploy target scheme"
        )),
        "{}",
        text(&o)
    );

    // Nothing listens on the endpoint: a bounded failure, nothing deployed.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let started = Instant::now();
    let o = onair(
        &["deploy", dir, "--to", "s3://bucket/p"],
        &[
            ("AWS_ENDPOINT_URL", &format!("http://127.0.0.1:{port}")),
            ("AWS_ACCESS_KEY_ID", "k"),
            ("AWS_SECRET_ACCESS_KEY", "s"),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(started.elapsed() < Duration::from_secs(60));
    assert!(
        text(&o).contains("deploy target `s3://bucket/p`: ")
            && text(&o).contains("nothing was deployed"),
        "{}",
        text(&o)
    );
}

/// A local HTTP server that records each request (method, URL, Authorization, body) and
/// answers with `status`.
/// (method, URL, Authorization, body)
type Requests = Arc<Mutex<Vec<(String, String, String, String)>>>;

fn recorder(status: u16) -> (String, Requests) {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let addr = format!("http://{}", server.server_addr().to_ip().unwrap());
    let log = Arc::new(Mutex::new(Vec::new()));
    let l = log.clone();
    std::thread::spawn(move || {
        for mut req in server.incoming_requests() {
            let mut body = String::new();
            req.as_reader().read_to_string(&mut body).unwrap();
            let auth = req
                .headers()
                .iter()
                .find(|h| h.field.equiv("Authorization"))
                .map(|h| h.value.to_string())
                .unwrap_or_default();
            l.lock()
                .unwrap()
                .push((req.method().to_string(), req.url().to_string(), auth, body));
            let _ = req.respond(tiny_http::Response::from_string("ok").with_status_code(status));
        }
    });
    (addr, log)
}

#[test]
fn websub_and_podping_are_pinged_after_the_feed_changed_and_failures_only_warn() {
    let site = example_copy();
    let dest = tempfile::tempdir().unwrap();
    let dir = site.path().to_str().unwrap();
    let (hub, hub_log) = recorder(202);
    let (podping, podping_log) = recorder(200);
    let yaml = site.path().join("site.yaml");
    let mut s = std::fs::read_to_string(&yaml).unwrap();
    s.push_str(&format!("websub_hub: {hub}/hub\n"));
    std::fs::write(&yaml, s).unwrap();
    let to = file_url(dest.path());
    let env = [
        ("PODPING_AUTH_TOKEN", "secret-token"),
        ("ONAIR_PODPING_URL", &*format!("{podping}/")),
    ];
    let o = onair(&["deploy", dir, "--to", &to], &env);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let feed = std::fs::read_to_string(dest.path().join("feed.xml")).unwrap();
    assert!(
        feed.contains(&format!("<atom:link href=\"{hub}/hub\" rel=\"hub\"/>")),
        "{feed}"
    );
    let hub_reqs = hub_log.lock().unwrap().clone();
    assert_eq!(hub_reqs.len(), 1);
    assert_eq!(hub_reqs[0].0, "POST");
    assert_eq!(hub_reqs[0].1, "/hub");
    assert_eq!(
        hub_reqs[0].3,
        "hub.mode=publish&hub.url=https%3A%2F%2Fonair.example.com%2Ffeed.xml"
    );
    let pp = podping_log.lock().unwrap().clone();
    assert_eq!(pp.len(), 1);
    assert_eq!(pp[0].0, "GET");
    assert_eq!(pp[0].1, "/?url=https%3A%2F%2Fonair.example.com%2Ffeed.xml");
    assert_eq!(pp[0].2, "secret-token");

    // Nothing changed: no pings.
    let o = onair(&["deploy", dir, "--to", &to, "--no-build"], &env);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(hub_log.lock().unwrap().len(), 1);
    assert_eq!(podping_log.lock().unwrap().len(), 1);

    // A Podping endpoint that fails: a warning with the reason, the deploy succeeds.
    let (bad, _) = recorder(500);
    append_to_episode(site.path());
    let o = onair(
        &["deploy", dir, "--to", &to],
        &[("PODPING_AUTH_TOKEN", "t"), ("ONAIR_PODPING_URL", &bad)],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains(&format!("warning: the Podping ping to {bad} failed: the server answered HTTP 500 (the deploy itself succeeded)")),
        "{}",
        text(&o)
    );
}

// ---- A real S3 server: moto ----

struct Moto {
    child: Child,
    port: u16,
    log: Arc<Mutex<Vec<String>>>,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn moto_command() -> PathBuf {
    if let Some(p) = std::env::var_os("ONAIR_MOTO_SERVER") {
        return PathBuf::from(p);
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ci-venv/bin/moto_server");
    if venv.is_file() {
        return venv;
    }
    PathBuf::from("moto_server")
}

fn moto() -> Moto {
    let cmd = moto_command();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(&cmd)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot start the S3 test server `{}` ({e}): install moto (pip install 'moto[server]', .ci/run does it) and set ONAIR_MOTO_SERVER to its moto_server",
                cmd.display()
            )
        });
    // moto logs every request it served on stderr: "PUT /bucket/key HTTP/1.1" 200.
    let log = Arc::new(Mutex::new(Vec::new()));
    let l = log.clone();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { return };
            if let Some(req) = line
                .find('"')
                .and_then(|start| line[start + 1..].split('"').next())
            {
                l.lock().unwrap().push(req.to_string());
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if ureq::get(&format!("http://127.0.0.1:{port}/"))
            .call()
            .is_ok()
        {
            break;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "the S3 test server `{}` exited at start: {status}",
                cmd.display()
            );
        }
        assert!(
            Instant::now() < deadline,
            "the S3 test server `{}` did not answer in 30 s",
            cmd.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Moto { child, port, log }
}

impl Moto {
    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
    fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.endpoint()),
            ("AWS_ACCESS_KEY_ID", "testing".into()),
            ("AWS_SECRET_ACCESS_KEY", "testing".into()),
            ("AWS_REGION", "us-east-1".into()),
        ]
    }
    fn make_bucket(&self, name: &str) {
        ureq::put(&format!("{}/{name}", self.endpoint()))
            .send_empty()
            .unwrap();
    }
    /// An object's bytes, Content-Type and Cache-Control, read back over HTTP with a signed
    /// GET (moto's objects are private; object_store signs the request).
    fn get(&self, bucket: &str, key: &str) -> Option<(Vec<u8>, String, String)> {
        use object_store::{Attribute, ObjectStoreExt};
        let store = object_store::aws::AmazonS3Builder::new()
            .with_endpoint(self.endpoint())
            .with_allow_http(true)
            .with_bucket_name(bucket)
            .with_region("us-east-1")
            .with_access_key_id("testing")
            .with_secret_access_key("testing")
            .build()
            .unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let r = store.get(&object_store::path::Path::from(key)).await.ok()?;
            let attr = |a: &Attribute| {
                r.attributes
                    .get(a)
                    .map(|v| v.to_string())
                    .unwrap_or_default()
            };
            let (ct, cc) = (
                attr(&Attribute::ContentType),
                attr(&Attribute::CacheControl),
            );
            Some((r.bytes().await.unwrap().to_vec(), ct, cc))
        })
    }
    /// The requests logged since `from`, as "METHOD /path".
    fn requests_since(&self, from: usize) -> Vec<String> {
        std::thread::sleep(Duration::from_millis(300));
        let log = self.log.lock().unwrap();
        log[from.min(log.len())..]
            .iter()
            .map(|r| r.rsplit_once(' ').map_or(r.clone(), |(a, _)| a.to_string()))
            .collect()
    }
    fn log_len(&self) -> usize {
        std::thread::sleep(Duration::from_millis(300));
        self.log.lock().unwrap().len()
    }
}

fn onair_env(args: &[&str], env: &[(&'static str, String)]) -> Output {
    let e: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    onair(args, &e)
}

#[test]
fn s3_deploy_reads_back_every_object_with_its_headers_then_uploads_only_changes_in_order() {
    let server = moto();
    server.make_bucket("show");
    let site = example_copy();
    let dir = site.path().to_str().unwrap();
    let o = onair_env(&["deploy", dir, "--to", "s3://show/pod"], &server.env());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let public = site.path().join("public");
    for (key, bytes) in files_under(&public) {
        let (got, ct, cc) = server
            .get("show", &format!("pod/{key}"))
            .unwrap_or_else(|| panic!("{key} missing"));
        assert_eq!(got, bytes, "{key}");
        let want = match key.rsplit('.').next().unwrap() {
            "mp3" => "audio/mpeg",
            "m4a" => "audio/mp4",
            "html" => "text/html; charset=utf-8",
            "css" => "text/css",
            "vtt" => "text/vtt",
            "png" => "image/png",
            _ if key == "feed.xml" => "application/rss+xml",
            _ => "",
        };
        if !want.is_empty() {
            assert_eq!(ct, want, "{key}");
        }
        assert!(cc.starts_with("public, max-age="), "{key}: {cc}");
        if key == "feed.xml" || key.ends_with(".html") {
            assert_eq!(cc, "public, max-age=300", "{key}");
        }
    }

    // One episode changes: only what changed goes up, media and pages before the feed.
    append_to_episode(site.path());
    let from = server.log_len();
    let o = onair_env(&["deploy", dir, "--to", "s3://show/pod"], &server.env());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let puts: Vec<String> = server
        .requests_since(from)
        .into_iter()
        .filter(|r| r.starts_with("PUT "))
        .collect();
    assert!(!puts.iter().any(|p| p.contains("/audio/")), "{puts:?}");
    let feed = puts
        .iter()
        .position(|p| p == "PUT /show/pod/feed.xml")
        .expect("feed uploaded");
    assert!(
        puts.iter()
            .any(|p| p == "PUT /show/pod/listener-mail/index.html" || p.contains("listener-mail")),
        "{puts:?}"
    );
    for (i, p) in puts.iter().enumerate() {
        if p.ends_with(".html") {
            assert!(i < feed, "a page after the feed: {puts:?}");
        }
    }
    assert_eq!(
        puts.last().unwrap(),
        "PUT /show/pod/.onair-manifest.json",
        "{puts:?}"
    );
    assert!(
        puts.len() < files_under(&public).len() / 2,
        "only the changes: {puts:?}"
    );

    let o = onair_env(
        &["deploy", dir, "--to", "s3://show/pod", "--no-build"],
        &server.env(),
    );
    assert!(text(&o).contains("nothing to do"), "{}", text(&o));

    // A bucket that does not exist.
    let o = onair_env(
        &["deploy", dir, "--to", "s3://no-such-bucket", "--no-build"],
        &server.env(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains(
            "deploy target `s3://no-such-bucket`: the bucket `no-such-bucket` does not exist"
        ),
        "{}",
        text(&o)
    );
}

#[test]
fn s3_deploy_killed_midway_keeps_the_old_feed_and_the_rerun_finishes() {
    let server = moto();
    server.make_bucket("live");
    let site = example_copy();
    let dir = site.path().to_str().unwrap();
    let o = onair_env(&["deploy", dir, "--to", "s3://live"], &server.env());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let old_feed = server.get("live", "feed.xml").unwrap().0;

    // A new episode text and a large audio file (a multipart upload) to go up first.
    append_to_episode(site.path());
    let o = onair(&["build", dir], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let big: Vec<u8> = (0..40u32 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    std::fs::write(site.path().join("public/audio/big.mp3"), &big).unwrap();
    let new_feed = std::fs::read(site.path().join("public/feed.xml")).unwrap();
    assert_ne!(new_feed, old_feed);

    let from = server.log_len();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_onair"));
    cmd.args(["deploy", dir, "--to", "s3://live", "--no-build"])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in server.env() {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let seen = server.log.lock().unwrap()[from..]
            .iter()
            .any(|r| r.contains("/live/audio/big.mp3"));
        if seen {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the multipart upload never started"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        server.get("live", "feed.xml").unwrap().0,
        old_feed,
        "the old feed stays live after the kill"
    );

    let o = onair_env(
        &["deploy", dir, "--to", "s3://live", "--no-build"],
        &server.env(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    for (key, bytes) in files_under(&site.path().join("public")) {
        let got = server
            .get("live", &key)
            .unwrap_or_else(|| panic!("{key} missing"));
        assert!(got.0 == bytes, "{key} differs from public/");
        if key == "audio/big.mp3" {
            assert_eq!(got.1, "audio/mpeg");
        }
    }
    let o = onair_env(
        &["deploy", dir, "--to", "s3://live", "--no-build"],
        &server.env(),
    );
    assert!(text(&o).contains("nothing to do"), "{}", text(&o));
}
