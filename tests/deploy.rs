//! `onair deploy` end to end: file:// targets, a real S3 server (moto) on loopback, and a
//! local HTTP server that records the WebSub and Podping pings.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod site_support;
use site_support::files_under;

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

/// The variables a deploy reads; the tests set what they mean to.
const DEPLOY_VARS: &[&str] = &[
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_S3",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_PROFILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_CONFIG_FILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ENDPOINT_URL_STS",
    "AWS_ENDPOINT_URL_SSO",
    "PODPING_AUTH_TOKEN",
    "ONAIR_PODPING_URL",
];

/// A command for onair with none of the deploy variables but `env`'s, and HOME an empty
/// folder unless `env` gives one (so the tester's ~/.aws is never read).
fn onair_command(args: &[&str], env: &[(&str, &str)]) -> (Command, tempfile::TempDir) {
    let home = tempfile::tempdir().unwrap();
    let mut c = Command::new(env!("CARGO_BIN_EXE_onair"));
    c.args(args).env("HOME", home.path());
    for var in DEPLOY_VARS {
        c.env_remove(var);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    (c, home)
}

fn onair(args: &[&str], env: &[(&str, &str)]) -> Output {
    let (mut c, _home) = onair_command(args, env);
    c.output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
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
    assert_eq!(
        files["feed.xml"]["content_type"],
        "application/rss+xml; charset=utf-8"
    );
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
                .contains("Content-Type: application/rss+xml; charset=utf-8; Cache-Control: public, max-age=300"),
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
    /// The key pair the test's own requests sign with.
    key: (String, String),
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `s` without its terminal colour sequences (ESC [ ... m).
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
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
    moto_with(&[])
}

/// moto's server with `env` (e.g. INITIAL_NO_AUTH_ACTION_COUNT): ready when it answered a
/// `GET /` (one request it counts).
fn moto_with(env: &[(&str, &str)]) -> Moto {
    let cmd = moto_command();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(&cmd)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .envs(env.iter().copied())
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
            // Statuses other than 200 come coloured: drop the escape sequences.
            let line = strip_ansi(&line);
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
    Moto {
        child,
        port,
        log,
        key: ("testing".into(), "testing".into()),
    }
}

impl Moto {
    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
    fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.endpoint()),
            ("AWS_ACCESS_KEY_ID", self.key.0.clone()),
            ("AWS_SECRET_ACCESS_KEY", self.key.1.clone()),
            ("AWS_REGION", "us-east-1".into()),
        ]
    }
    fn store(&self, bucket: &str) -> object_store::aws::AmazonS3 {
        object_store::aws::AmazonS3Builder::new()
            .with_endpoint(self.endpoint())
            .with_allow_http(true)
            .with_bucket_name(bucket)
            .with_region("us-east-1")
            .with_access_key_id(&self.key.0)
            .with_secret_access_key(&self.key.1)
            .build()
            .unwrap()
    }
    /// Every object in the bucket with its bytes.
    fn objects(&self, bucket: &str) -> BTreeMap<String, Vec<u8>> {
        use futures::TryStreamExt;
        use object_store::{ObjectStore, ObjectStoreExt};
        let store = self.store(bucket);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let metas: Vec<object_store::ObjectMeta> =
                store.list(None).try_collect().await.unwrap();
            let mut out = BTreeMap::new();
            for m in metas {
                let bytes = store.get(&m.location).await.unwrap().bytes().await.unwrap();
                out.insert(m.location.to_string(), bytes.to_vec());
            }
            out
        })
    }
    /// The keys of the bucket's unfinished multipart uploads (ListMultipartUploads, through
    /// boto3 beside moto in its venv).
    fn multipart_uploads(&self, bucket: &str) -> Vec<String> {
        let python = moto_command().with_file_name("python");
        assert!(
            python.is_file(),
            "`{}` is missing: the test lists multipart uploads with the boto3 of moto's venv (scripts/test makes it)",
            python.display()
        );
        let script = "import boto3, sys\n\
            s3 = boto3.client('s3', endpoint_url=sys.argv[1], aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3], region_name='us-east-1')\n\
            for u in s3.list_multipart_uploads(Bucket=sys.argv[4]).get('Uploads', []): print(u['Key'])\n";
        let o = Command::new(&python)
            .args([
                "-c",
                script,
                &self.endpoint(),
                &self.key.0,
                &self.key.1,
                bucket,
            ])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", text(&o));
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(str::to_string)
            .collect()
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
        let store = self.store(bucket);
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
    let from = server.log_len();
    let o = onair_env(&["deploy", dir, "--to", "s3://show/pod"], &server.env());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // Many files and no manifest: one listing, no HEAD of each before uploading.
    let first = server.requests_since(from);
    let first_put = first.iter().position(|r| r.starts_with("PUT ")).unwrap();
    assert!(
        first[..first_put]
            .iter()
            .any(|r| r.starts_with("GET /show?list-type=2") && r.contains("prefix=pod")),
        "{first:?}"
    );
    assert!(
        !first[..first_put].iter().any(|r| r.starts_with("HEAD ")),
        "{first:?}"
    );
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
            "css" => "text/css; charset=utf-8",
            "vtt" => "text/vtt; charset=utf-8",
            "png" => "image/png",
            _ if key == "feed.xml" => "application/rss+xml; charset=utf-8",
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

    // The manifest lost: the listing and each object's recorded hash show everything is
    // there; only the manifest is written.
    {
        use object_store::ObjectStoreExt;
        let store = server.store("show");
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(store.delete(&object_store::path::Path::from("pod/.onair-manifest.json")))
            .unwrap();
    }
    let from = server.log_len();
    let o = onair_env(
        &["deploy", dir, "--to", "s3://show/pod", "--no-build"],
        &server.env(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let n = files_under(&public).len();
    assert!(
        text(&o).contains(&format!(
            "0 file(s) uploaded (0 bytes), 0 deleted, 0 unchanged, {n} already there"
        )),
        "{}",
        text(&o)
    );
    let puts: Vec<String> = server
        .requests_since(from)
        .into_iter()
        .filter(|r| r.starts_with("PUT "))
        .collect();
    assert_eq!(puts, ["PUT /show/pod/.onair-manifest.json"]);

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
fn s3_deploy_killed_midway_keeps_the_old_feed_and_the_rerun_sends_only_what_is_missing() {
    let server = moto();
    server.make_bucket("live");
    let site = example_copy();
    let dir = site.path().to_str().unwrap();
    let o = onair_env(&["deploy", dir, "--to", "s3://live"], &server.env());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let old_feed = server.get("live", "feed.xml").unwrap().0;

    // A new episode text, a large audio file (a multipart upload) and three small ones, all
    // to go up before the pages and the feed.
    append_to_episode(site.path());
    let o = onair(&["build", dir], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let big: Vec<u8> = (0..64u32 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    std::fs::write(site.path().join("public/audio/big.mp3"), &big).unwrap();
    let extras = [
        "audio/extra-1.mp3",
        "audio/extra-2.mp3",
        "audio/extra-3.mp3",
    ];
    for (i, extra) in extras.iter().enumerate() {
        std::fs::write(
            site.path().join("public").join(extra),
            vec![i as u8; 100_000],
        )
        .unwrap();
    }
    let new_feed = std::fs::read(site.path().join("public/feed.xml")).unwrap();
    assert_ne!(new_feed, old_feed);

    // Killed once the small files are up and the large one is under way.
    let from = server.log_len();
    let env: Vec<(&str, String)> = server.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (mut cmd, _home) = onair_command(&["deploy", dir, "--to", "s3://live", "--no-build"], &env);
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let seen = {
            let log = server.log.lock().unwrap();
            let log = &log[from..];
            // A part on its way: the journal naming the upload was written before it.
            log.iter()
                .any(|r| r.starts_with("PUT /live/audio/big.mp3?partNumber="))
                && extras.iter().all(|e| {
                    log.iter()
                        .any(|r| r.starts_with(&format!("PUT /live/{e} ")))
                })
        };
        if seen {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the uploads never started: {:?}",
            server.requests_since(from)
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let killed = server.requests_since(from);
    assert!(
        !killed
            .iter()
            .any(|r| r.starts_with("POST /live/audio/big.mp3?uploadId=")),
        "the large upload finished before the kill, so this test proves nothing: {killed:?}"
    );
    assert_eq!(
        server.get("live", "feed.xml").unwrap().0,
        old_feed,
        "the old feed stays live after the kill"
    );

    // The killed run left its multipart upload, and the journal beside the manifest names
    // it: a dry run lists it, changing nothing.
    assert_eq!(server.multipart_uploads("live"), ["audio/big.mp3"]);
    let o = onair_env(
        &[
            "deploy",
            dir,
            "--to",
            "s3://live",
            "--no-build",
            "--dry-run",
        ],
        &server.env(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.lines().any(
            |l| l.starts_with("abort multipart upload audio/big.mp3 (id ")
                && l.ends_with("), left by an interrupted deploy")
        ),
        "{out}"
    );
    assert_eq!(server.multipart_uploads("live"), ["audio/big.mp3"]);

    let from = server.log_len();
    let o = onair_env(
        &["deploy", dir, "--to", "s3://live", "--no-build"],
        &server.env(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains("aborted multipart upload audio/big.mp3 (id "),
        "{out}"
    );
    assert_eq!(server.multipart_uploads("live"), Vec::<String>::new());
    assert!(server.get("live", ".onair-uploads.json").is_none());
    // What the killed run had sent is not sent again (the hash kept with each object says
    // so); the rest is.
    let rerun = server.requests_since(from);
    for extra in extras {
        assert!(
            !out.contains(&format!("uploaded {extra} ")),
            "{extra} sent again: {out}"
        );
        assert!(
            !rerun
                .iter()
                .any(|r| r.starts_with("PUT ") && r.contains(extra)),
            "{extra} sent again: {rerun:?}"
        );
    }
    assert!(out.contains("uploaded audio/big.mp3 "), "{out}");
    assert!(out.contains("uploaded feed.xml "), "{out}");
    assert!(
        out.contains("3 already there (sent by an interrupted deploy)"),
        "{out}"
    );
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

#[test]
fn file_target_rerun_after_an_interrupted_deploy_sends_only_what_is_missing() {
    let site = example_copy();
    let dest = tempfile::tempdir().unwrap();
    let dir = site.path().to_str().unwrap();
    let to = file_url(dest.path());
    let o = onair(&["deploy", dir, "--to", &to], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // As a deploy stopped before it wrote the manifest and before index.html went up would
    // leave it.
    let manifest = std::fs::read(dest.path().join(".onair-manifest.json")).unwrap();
    std::fs::remove_file(dest.path().join(".onair-manifest.json")).unwrap();
    std::fs::write(dest.path().join("index.html"), "an older page").unwrap();
    let o = onair(
        &["deploy", dir, "--to", &to, "--no-build", "--dry-run"],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("upload index.html ("), "{out}");
    assert!(out.contains("already there feed.xml\n"), "{out}");
    assert!(!out.contains("upload feed.xml"), "{out}");
    let o = onair(&["deploy", dir, "--to", &to, "--no-build"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let uploaded: Vec<&str> = std::str::from_utf8(&o.stderr)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("uploaded "))
        .collect();
    assert_eq!(uploaded.len(), 1, "{}", text(&o));
    assert!(
        uploaded[0].starts_with("uploaded index.html "),
        "{}",
        text(&o)
    );
    assert!(text(&o).contains("already there"), "{}", text(&o));
    let mut got = files_under(dest.path());
    assert_eq!(got.remove(".onair-manifest.json"), Some(manifest));
    assert_eq!(got, files_under(&site.path().join("public")));

    // Everything there but the manifest: nothing is sent, the manifest is written.
    std::fs::remove_file(dest.path().join(".onair-manifest.json")).unwrap();
    let o = onair(&["deploy", dir, "--to", &to, "--no-build"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        !text(&o).lines().any(|l| l.starts_with("uploaded ")),
        "{}",
        text(&o)
    );
    assert!(text(&o).contains("0 file(s) uploaded"), "{}", text(&o));
    assert!(dest.path().join(".onair-manifest.json").is_file());
}

#[test]
fn allow_feed_changes_is_passed_to_the_build() {
    let site = example_copy();
    let dest = tempfile::tempdir().unwrap();
    let dir = site.path().to_str().unwrap();
    let to = file_url(dest.path());
    let o = onair(&["deploy", dir, "--to", &to], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // An episode that disappears from the feed fails the build, and so the deploy...
    std::fs::remove_file(site.path().join("episodes/2026-02-17-listener-mail.md")).unwrap();
    let before = files_under(dest.path());
    let o = onair(&["deploy", dir, "--to", &to], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("deploy failed: the build failed; nothing was deployed"),
        "{}",
        text(&o)
    );
    assert_eq!(files_under(dest.path()), before);
    // ...unless allowed.
    let o = onair(&["deploy", dir, "--to", &to, "--allow-feed-changes"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("allowed by --allow-feed-changes"),
        "{}",
        text(&o)
    );
    assert_eq!(
        std::fs::read(dest.path().join("feed.xml")).unwrap(),
        std::fs::read(site.path().join("public/feed.xml")).unwrap()
    );
}

// ---- moto checking signatures: IAM users, refused credentials, the AWS files ----

/// The text between `open` and `close` in `s`.
fn between<'a>(s: &'a str, open: &str, close: &str) -> &'a str {
    let start = s.find(open).unwrap_or_else(|| panic!("no {open} in {s}")) + open.len();
    let len = s[start..].find(close).unwrap();
    &s[start..start + len]
}

/// The bucket moto_with_iam makes, and the one key its user may not upload.
const AUTHED: &str = "authed";
const DENIED: &str = "audio/zz-denied.mp3";

/// moto checking every request's SigV4 signature against its IAM users, after the first
/// five it serves unchecked (moto/core/authorization.py counts them): the readiness `GET /`,
/// then the four that make the user `deployer`, its access key, its policy (all of S3 but
/// uploading `DENIED`) and the bucket `AUTHED`. The server's `key` is the user's.
fn moto_with_iam() -> Moto {
    let mut m = moto_with(&[("INITIAL_NO_AUTH_ACTION_COUNT", "5")]);
    // Unchecked, but moto routes a request by the service its Authorization names.
    let iam = |params: &[(&str, &str)]| -> String {
        let mut form = vec![("Version", "2010-05-08")];
        form.extend_from_slice(params);
        ureq::post(&m.endpoint())
            .header(
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=setup/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0",
            )
            .send_form(form)
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap()
    };
    iam(&[("Action", "CreateUser"), ("UserName", "deployer")]);
    let key = iam(&[("Action", "CreateAccessKey"), ("UserName", "deployer")]);
    let id = between(&key, "<AccessKeyId>", "</AccessKeyId>").to_string();
    let secret = between(&key, "<SecretAccessKey>", "</SecretAccessKey>").to_string();
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:*","Resource":"*"}},{{"Effect":"Deny","Action":"s3:PutObject","Resource":"arn:aws:s3:::{AUTHED}/{DENIED}"}}]}}"#
    );
    iam(&[
        ("Action", "PutUserPolicy"),
        ("UserName", "deployer"),
        ("PolicyName", "deploy"),
        ("PolicyDocument", &policy),
    ]);
    m.make_bucket(AUTHED);
    m.key = (id, secret);
    // From here on moto checks: an unsigned request is refused.
    assert!(
        ureq::get(&m.endpoint()).call().is_err(),
        "moto still serves unsigned requests: INITIAL_NO_AUTH_ACTION_COUNT miscounted"
    );
    m
}

#[test]
fn s3_refused_credentials_are_one_line_and_change_nothing_and_the_right_key_deploys() {
    let server = moto_with_iam();
    let site = example_copy();
    let dir = site.path().to_str().unwrap();
    let to = format!("s3://{AUTHED}");
    let o = onair_env(&["deploy", dir, "--to", &to], &server.env());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let before = server.objects(AUTHED);
    assert_eq!(
        before["feed.xml"],
        std::fs::read(site.path().join("public/feed.xml")).unwrap()
    );

    append_to_episode(site.path());
    let (id, secret) = server.key.clone();
    for (i, (bad_id, bad_secret, token, code)) in [
        (id.as_str(), "not-the-secret", None, "SignatureDoesNotMatch"),
        (
            "AKIANOSUCHKEY0000000",
            secret.as_str(),
            None,
            "InvalidAccessKeyId",
        ),
        (id.as_str(), secret.as_str(), Some("forged"), "InvalidToken"),
    ]
    .into_iter()
    .enumerate()
    {
        let mut env = server.env();
        env[1].1 = bad_id.to_string();
        env[2].1 = bad_secret.to_string();
        if let Some(t) = token {
            env.push(("AWS_SESSION_TOKEN", t.to_string()));
        }
        let args: &[&str] = if i == 0 {
            &["deploy", dir, "--to", &to]
        } else {
            &["deploy", dir, "--to", &to, "--no-build"]
        };
        let o = onair_env(args, &env);
        assert_eq!(o.status.code(), Some(1), "{}", text(&o));
        let stderr = String::from_utf8_lossy(&o.stderr);
        let lines: Vec<&str> = stderr
            .lines()
            .filter(|l| l.contains("refused the credentials"))
            .collect();
        assert_eq!(lines.len(), 1, "{stderr}");
        assert_eq!(
            lines[0],
            format!(
                "error: deploy target `{to}`: the store refused the credentials ({code}; from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY): check the key pair and the profile; nothing was deployed"
            ),
            "{stderr}"
        );
        assert_eq!(server.objects(AUTHED), before, "the target is unchanged");
    }

    // The right key again: the change goes up.
    let o = onair_env(&["deploy", dir, "--to", &to, "--no-build"], &server.env());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(
        server.objects(AUTHED)["feed.xml"],
        std::fs::read(site.path().join("public/feed.xml")).unwrap()
    );
}

#[test]
fn s3_credentials_from_a_profile_in_the_aws_files() {
    let server = moto_with_iam();
    let site = example_copy();
    let dir = site.path().to_str().unwrap();
    let to = format!("s3://{AUTHED}/show");
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join(".aws")).unwrap();
    let creds = home.path().join(".aws/credentials");
    let (id, secret) = &server.key;
    std::fs::write(
        &creds,
        format!(
            "[default]\naws_access_key_id = AKIANOSUCHKEY0000000\naws_secret_access_key = wrong\n\n\
             # the show's deploy key\n[podcast]\n  aws_access_key_id = {id}\n  aws_secret_access_key={secret} ; from IAM\n"
        ),
    )
    .unwrap();
    // The endpoint and region from the config file's `[profile podcast]`.
    std::fs::write(
        home.path().join(".aws/config"),
        format!(
            "[default]\nregion = us-east-1\n\n[profile podcast]\nregion = us-east-1\nendpoint_url = {}\n",
            server.endpoint()
        ),
    )
    .unwrap();
    let home_s = home.path().to_str().unwrap();
    // A stray session token in the environment is not sent with the file's key pair.
    let o = onair(
        &["deploy", dir, "--to", &to],
        &[
            ("HOME", home_s),
            ("AWS_PROFILE", "podcast"),
            ("AWS_SESSION_TOKEN", "stray"),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(
        server.objects(AUTHED)["show/feed.xml"],
        std::fs::read(site.path().join("public/feed.xml")).unwrap()
    );

    // Without AWS_PROFILE, the default profile's (wrong) key, named in the refusal.
    append_to_episode(site.path());
    let endpoint = server.endpoint();
    let o = onair(
        &["deploy", dir, "--to", &to],
        &[("HOME", home_s), ("AWS_ENDPOINT_URL", &endpoint)],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains(&format!(
            "the store refused the credentials (InvalidAccessKeyId; from profile `default` in {})",
            creds.display()
        )),
        "{}",
        text(&o)
    );

    // A profile that is in neither file.
    let o = onair(
        &["deploy", dir, "--to", &to, "--no-build"],
        &[("HOME", home_s), ("AWS_PROFILE", "podcats")],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains(&format!(
            "error: AWS_PROFILE names the profile `podcats`, which is neither `[podcats]` in {} nor `[profile podcats]` in {}; nothing was deployed",
            creds.display(),
            home.path().join(".aws/config").display()
        )),
        "{}",
        text(&o)
    );

    // A malformed file: its path and line.
    let mut c = std::fs::read_to_string(&creds).unwrap();
    c.push_str("aws_session_token\n");
    std::fs::write(&creds, &c).unwrap();
    let o = onair(
        &["deploy", dir, "--to", &to, "--no-build"],
        &[("HOME", home_s), ("AWS_PROFILE", "podcast")],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains(&format!(
            "{}:{}: error: expected `key = value` or `[section]`, found `aws_session_token`",
            creds.display(),
            c.lines().count()
        )),
        "{}",
        text(&o)
    );
}

#[test]
fn s3_a_failed_upload_aborts_the_multipart_upload_in_flight() {
    let server = moto_with_iam();
    let site = example_copy();
    let dir = site.path().to_str().unwrap();
    let to = format!("s3://{AUTHED}");
    let o = onair_env(&["deploy", dir, "--to", &to], &server.env());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let before = server.objects(AUTHED);

    // Two new audio files, uploaded at once: a large one in parts, and one the user's policy
    // forbids, which fails at once.
    let big: Vec<u8> = (0..64u32 * 1024 * 1024).map(|i| (i % 241) as u8).collect();
    std::fs::write(site.path().join("public/audio/big.mp3"), &big).unwrap();
    std::fs::write(site.path().join("public").join(DENIED), b"not allowed").unwrap();
    let from = server.log_len();
    let o = onair_env(&["deploy", dir, "--to", &to, "--no-build"], &server.env());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains(&format!(
            "cannot upload {DENIED}: the store denied access (AccessDenied)"
        )),
        "{}",
        text(&o)
    );
    let seen = server.requests_since(from);
    if seen
        .iter()
        .any(|r| r.starts_with("POST /authed/audio/big.mp3?uploads"))
    {
        assert!(
            seen.iter()
                .any(|r| r.starts_with("DELETE /authed/audio/big.mp3?uploadId=")),
            "the multipart upload was not aborted: {seen:?}"
        );
        assert!(
            text(&o).contains("stopped audio/big.mp3: another upload failed"),
            "{}",
            text(&o)
        );
    }
    assert_eq!(
        server.multipart_uploads(AUTHED),
        Vec::<String>::new(),
        "no unfinished multipart upload is left"
    );
    assert_eq!(server.objects(AUTHED), before, "nothing else changed");
}

/// A network (scripts/make-example-network.sh) deploys as one tree: every show's files, the
/// network's pages and feeds; each changed feed is pinged (the three show feeds and the two
/// network feeds); a second deploy uploads nothing.
#[test]
fn a_network_deploys_every_show_and_pings_each_changed_feed() {
    let tmp = tempfile::tempdir().unwrap();
    let net = tmp.path().join("net");
    site_support::example_network(&net);
    let (hub, hub_log) = recorder(202);
    let yaml = net.join("site.yaml");
    let mut s = std::fs::read_to_string(&yaml).unwrap();
    s.push_str(&format!("websub_hub: {hub}/hub\n"));
    std::fs::write(&yaml, s).unwrap();
    let dest = tempfile::tempdir().unwrap();
    let to = file_url(dest.path());
    let dir = net.to_str().unwrap();
    let o = onair(&["deploy", dir, "--to", &to], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let published = files_under(dest.path());
    for key in [
        "feed.xml",
        "solder-club/feed.xml",
        "night-shift/audio/night-01.mp3",
        "shows/index.html",
        "shows/feed.xml",
        "shows/publisher.xml",
    ] {
        assert!(published.contains_key(key), "{key}");
    }
    let mut pinged: Vec<String> = hub_log
        .lock()
        .unwrap()
        .iter()
        .map(|r| r.3.clone())
        .collect();
    pinged.sort();
    let url =
        |path: &str| format!("hub.mode=publish&hub.url=https%3A%2F%2Fonair.example.com%2F{path}");
    let mut want = vec![
        url("feed.xml"),
        url("night-shift%2Ffeed.xml"),
        url("shows%2Ffeed.xml"),
        url("shows%2Fpublisher.xml"),
        url("solder-club%2Ffeed.xml"),
    ];
    want.sort();
    assert_eq!(pinged, want);
    let o = onair(&["deploy", dir, "--to", &to, "--no-build"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("nothing to do"), "{}", text(&o));
}

// ---- Audio known only from onair.lock ----

#[test]
fn audio_known_only_from_the_lock_is_refused_unless_the_target_holds_it() {
    let site = example_copy();
    let dir = site.path().to_str().unwrap();
    assert_eq!(onair(&["build", dir], &[]).status.code(), Some(0));
    let audio = site.path().join("audio/trailer.mp3");
    let kept = std::fs::read(&audio).unwrap();
    std::fs::remove_file(&audio).unwrap();

    // build and check warn at the episode's `audio:` line.
    let warning = "episodes/2026-01-06-trailer.md:4: warning: `audio/trailer.mp3` is not in the site folder: its facts";
    for cmd in ["build", "check"] {
        let o = onair(&[cmd, dir], &[]);
        assert_eq!(o.status.code(), Some(0), "{cmd}: {}", text(&o));
        assert!(text(&o).contains(warning), "{cmd}: {}", text(&o));
    }

    // A fresh target holds nothing: refused before anything goes up, --dry-run too.
    let target = tempfile::tempdir().unwrap();
    let to = file_url(target.path());
    for extra in [&["--dry-run"][..], &[]] {
        let mut args = vec!["deploy", dir, "--to", &to];
        args.extend_from_slice(extra);
        let o = onair(&args, &[]);
        assert_eq!(o.status.code(), Some(1), "{extra:?}: {}", text(&o));
        assert!(
            text(&o).contains(
                "error: audio/trailer.mp3: the feed points at it, but it is not in public/"
            ),
            "{}",
            text(&o)
        );
        assert!(text(&o).contains("nothing was deployed"), "{}", text(&o));
        assert!(std::fs::read_dir(target.path()).unwrap().next().is_none());
    }

    // The lock-only workflow: the audio went up once; later deploys without it are fine.
    std::fs::write(&audio, &kept).unwrap();
    assert_eq!(
        onair(&["deploy", dir, "--to", &to], &[]).status.code(),
        Some(0)
    );
    std::fs::remove_file(&audio).unwrap();
    append_to_episode(site.path());
    let o = onair(&["deploy", dir, "--to", &to], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(
        std::fs::read(target.path().join("audio/trailer.mp3")).unwrap(),
        kept
    );

    // A different file under that key on the target is no proof: refused.
    std::fs::write(target.path().join("audio/trailer.mp3"), b"short").unwrap();
    let manifest_path = target.path().join(".onair-manifest.json");
    let manifest = std::fs::read_to_string(&manifest_path).unwrap();
    let size = format!("\"size\": {}", kept.len());
    assert!(manifest.contains(&size), "{manifest}");
    std::fs::write(&manifest_path, manifest.replacen(&size, "\"size\": 5", 1)).unwrap();
    let o = onair(&["deploy", dir, "--to", &to], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("the target holds a different file there (5 bytes, the feed says"));
}

#[test]
fn s3_refuses_audio_the_bucket_does_not_hold() {
    let server = moto();
    server.make_bucket("lockonly");
    let site = example_copy();
    let dir = site.path().to_str().unwrap();
    assert_eq!(onair(&["build", dir], &[]).status.code(), Some(0));
    std::fs::remove_file(site.path().join("audio/trailer.mp3")).unwrap();
    let o = onair_env(
        &["deploy", dir, "--to", "s3://lockonly/show"],
        &server.env(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("error: audio/trailer.mp3: the feed points at it"),
        "{}",
        text(&o)
    );
    assert!(server.get("lockonly", "show/feed.xml").is_none());
}

// ---- Faults between onair and the store: a proxy of the tests' own ----

#[path = "deploy_support/proxy.rs"]
mod proxy;
use proxy::{Fault, Proxy, Rule};

const SITE_URL: &str = "https://onair.example.com";

/// Every `<enclosure>` of a feed (parsed, so a cut or mangled feed fails here): its key on
/// the site and its length.
fn enclosures(feed: &[u8]) -> Vec<(String, u64)> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(feed);
    let mut out = Vec::new();
    let mut buf = Vec::new();
    let mut depth = 0usize;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) => break,
            Ok(Event::Start(_)) => depth += 1,
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::Empty(e)) if e.name().as_ref() == "enclosure" => {
                let attr = |name: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == name)
                        .map(|a| a.value.to_string())
                        .unwrap_or_else(|| panic!("an enclosure without {name:?}"))
                };
                // Audio on another host (the example's media host) is not the target's.
                if let Some(key) = attr("url").strip_prefix(&format!("{SITE_URL}/")) {
                    out.push((key.to_string(), attr("length").parse().unwrap()));
                }
            }
            Ok(_) => {}
            Err(e) => panic!("the feed on the target is not whole XML: {e}"),
        }
        buf.clear();
    }
    assert_eq!(depth, 0, "the feed on the target is cut short");
    assert!(!out.is_empty(), "a feed with none of the site's audio");
    out
}

/// What a listener may see at any time: a feed that is whole and is one of `feeds` (None:
/// no feed yet), each of its enclosures there at its length, and each page or file a page
/// on the target links there (but the feed and sitemap, which go up last by design).
fn assert_live_site_whole(server: &Moto, bucket: &str, feeds: &[Option<&[u8]>], public: &Path) {
    let objects = server.objects(bucket);
    let feed = objects.get("feed.xml").map(Vec::as_slice);
    assert!(
        feeds.contains(&feed),
        "the feed on the target is neither the old nor the new one ({} bytes)",
        feed.map_or(0, <[u8]>::len)
    );
    if let Some(feed) = feed {
        for (key, length) in enclosures(feed) {
            let got = objects
                .get(&key)
                .unwrap_or_else(|| panic!("the feed's enclosure {key} is not on the target"));
            assert_eq!(got.len() as u64, length, "{key}");
        }
    }
    let local = files_under(public);
    let exists = |k: &str| local.contains_key(k) || objects.contains_key(k);
    // Pages under the staging prefix are on their way, linked by nothing.
    let pages = objects
        .iter()
        .filter(|(k, _)| k.ends_with(".html") && !k.starts_with(".onair-staging/"));
    for (key, bytes) in pages {
        let html = String::from_utf8_lossy(bytes);
        for link in onair::deploy::order::links(key, &html, SITE_URL, &exists) {
            if link == "feed.xml" || link == "sitemap.xml" {
                continue;
            }
            assert!(
                objects.contains_key(&link),
                "{key} on the target links {link}, which is not there"
            );
        }
    }
}

/// After a deploy that finished: the target is public/ (and the manifest) and nothing is
/// left under way.
fn assert_target_is_public(server: &Moto, bucket: &str, public: &Path) {
    let mut objects = server.objects(bucket);
    assert!(objects.remove(".onair-manifest.json").is_some());
    let keys: Vec<&String> = objects.keys().collect();
    let local = files_under(public);
    let want: Vec<&String> = local.keys().collect();
    assert_eq!(keys, want);
    for (key, bytes) in &local {
        assert!(
            objects[key] == *bytes,
            "{key} on the target differs from public/"
        );
    }
    assert_eq!(server.multipart_uploads(bucket), Vec::<String>::new());
}

fn rule(fault: Fault, method: &'static str, parts: &[&str], times: usize) -> Rule {
    Rule {
        fault,
        method,
        parts: parts.iter().map(|p| p.to_string()).collect(),
        times,
    }
}

/// A new episode with 21 MB of audio (three parts of a multipart upload) and another one's
/// text edited.
fn add_long_episode(site: &Path) {
    let mp3 = std::fs::read(site.join("audio/001-string-telephone.mp3")).unwrap();
    std::fs::write(site.join("audio/004-long.mp3"), mp3.repeat(380)).unwrap();
    std::fs::write(
        site.join("episodes/2026-03-03-a-long-one.md"),
        "---\ntitle: \"A Long One\"\ndate: 2026-03-03 08:00:00\naudio: audio/004-long.mp3\n\
         summary: A long episode about long strings.\nguid: tin-can-radio-long-1\n---\n\
         A long talk about long strings.\n",
    )
    .unwrap();
    append_to_episode(site);
}

/// One fault kind on a first deploy and on an update: every try of one upload fails (the
/// deploy stops, the live site stays whole), then a rerun with the fault once (retried)
/// finishes it.
fn faults_keep_the_live_site_whole(fault: Fault) {
    let server = moto();
    server.make_bucket("faults");
    let proxy = Proxy::start(server.port);
    let mut env = server.env();
    env[0].1 = proxy.endpoint();
    let site = example_copy();
    let dir = site.path().to_str().unwrap();
    let public = site.path().join("public");
    let deploy = [
        "deploy",
        dir,
        "--to",
        "s3://faults",
        "--no-build",
        "--stall-timeout",
        "1",
    ];
    let o = onair(&["build", dir], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // Its staging key's PUT and the copy into place alike.
    let page = "episodes/listener-mail/index.html";

    // A first deploy: one episode page never goes up.
    proxy.set(vec![rule(fault, "PUT", &[page], usize::MAX)]);
    let o = onair_env(&deploy, &env);
    proxy.quiet();
    assert_eq!(o.status.code(), Some(1), "{fault:?}: {}", text(&o));
    assert!(
        text(&o).contains("cannot upload episodes/listener-mail/index.html"),
        "{fault:?}: {}",
        text(&o)
    );
    assert!(!proxy.faulted().is_empty());
    assert_live_site_whole(&server, "faults", &[None], &public);
    let objects = server.objects("faults");
    for linking in ["index.html", "episodes/index.html"] {
        assert!(
            !objects.contains_key(linking),
            "{fault:?}: {linking} went up"
        );
    }
    // The rerun, the fault once: retried. Then a clean one (which deletes what a stalled
    // request onair gave up on wrote under the staging prefix after all).
    proxy.set(vec![rule(fault, "PUT", &[page], 1)]);
    let o = onair_env(&deploy, &env);
    proxy.quiet();
    assert_eq!(o.status.code(), Some(0), "{fault:?}: {}", text(&o));
    proxy.set(Vec::new());
    let o = onair_env(&deploy, &env);
    assert_eq!(o.status.code(), Some(0), "{fault:?}: {}", text(&o));
    assert_target_is_public(&server, "faults", &public);
    let old_feed = std::fs::read(public.join("feed.xml")).unwrap();

    // An update: the new episode's audio (multipart) has a part that never goes up.
    add_long_episode(site.path());
    let o = onair(&["build", dir], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let new_feed = std::fs::read(public.join("feed.xml")).unwrap();
    let part = ["/faults/audio/004-long.mp3?", "partNumber=2"];
    proxy.set(vec![rule(fault, "PUT", &part, usize::MAX)]);
    let o = onair_env(&deploy, &env);
    proxy.quiet();
    assert_eq!(o.status.code(), Some(1), "{fault:?}: {}", text(&o));
    assert!(
        text(&o).contains("cannot upload audio/004-long.mp3"),
        "{fault:?}: {}",
        text(&o)
    );
    let feeds = [Some(old_feed.as_slice()), Some(new_feed.as_slice())];
    assert_live_site_whole(&server, "faults", &feeds, &public);
    assert_eq!(server.get("faults", "feed.xml").unwrap().0, old_feed);
    assert_eq!(
        server.multipart_uploads("faults"),
        Vec::<String>::new(),
        "{fault:?}: the failed multipart upload was not aborted"
    );
    proxy.set(vec![rule(fault, "PUT", &part, 1)]);
    let o = onair_env(&deploy, &env);
    proxy.quiet();
    assert_eq!(o.status.code(), Some(0), "{fault:?}: {}", text(&o));
    proxy.set(Vec::new());
    let o = onair_env(&deploy, &env);
    assert_eq!(o.status.code(), Some(0), "{fault:?}: {}", text(&o));
    assert_target_is_public(&server, "faults", &public);
}

#[test]
fn s3_faults_500() {
    faults_keep_the_live_site_whole(Fault::Error500);
}

#[test]
fn s3_faults_503_slow_down() {
    faults_keep_the_live_site_whole(Fault::SlowDown);
}

#[test]
fn s3_faults_connection_reset() {
    faults_keep_the_live_site_whole(Fault::Reset);
}

/// A 30-second stall, scaled down: 3 s against a stall timeout of 1 s.
#[test]
fn s3_faults_stall() {
    faults_keep_the_live_site_whole(Fault::Stall(Duration::from_secs(3)));
}

#[test]
fn s3_faults_hang() {
    faults_keep_the_live_site_whole(Fault::Hang);
}

#[test]
fn s3_faults_flipped_byte() {
    faults_keep_the_live_site_whole(Fault::FlipByte);
}

#[test]
fn s3_credentials_fetched_for_a_profile_process_role_and_sso() {
    // credential_process, against a server that checks the key.
    let server = moto_with_iam();
    let site = example_copy();
    let dir = site.path().to_str().unwrap();
    let to = format!("s3://{AUTHED}/show");
    let home = tempfile::tempdir().unwrap();
    let aws = home.path().join(".aws");
    std::fs::create_dir_all(aws.join("sso/cache")).unwrap();
    let (id, secret) = &server.key;
    let script = home.path().join("creds.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '{{\"Version\": 1, \"AccessKeyId\": \"{id}\", \"SecretAccessKey\": \"{secret}\"}}'\n"
        ),
    )
    .unwrap();
    std::fs::write(
        aws.join("config"),
        format!(
            "[profile proc]\ncredential_process = sh {}\n\
             [profile broken]\ncredential_process = sh -c 'echo no such vault >&2; exit 7'\n\
             [profile role]\nrole_arn = arn:aws:iam::123456789012:role/deploy\nsource_profile = proc\n\
             [profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Deploy\n\
             [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n",
            script.display()
        ),
    )
    .unwrap();
    let home_s = home.path().to_str().unwrap();
    let endpoint = server.endpoint();
    let with = |profile: &'static str| {
        vec![
            ("HOME", home_s),
            ("AWS_PROFILE", profile),
            ("AWS_ENDPOINT_URL", endpoint.as_str()),
            ("AWS_REGION", "us-east-1"),
        ]
    };
    let o = onair(&["deploy", dir, "--to", &to], &with("proc"));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = onair(&["deploy", dir, "--to", &to, "--no-build"], &with("broken"));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains(&format!(
            "{}:4: error: profile `broken`: credential_process `sh -c 'echo no such vault >&2; exit 7'`: it failed (exit status: 7): no such vault; nothing was deployed",
            aws.join("config").display()
        )),
        "{}",
        text(&o)
    );

    // role_arn + source_profile: the process's key signs AssumeRole at the STS endpoint
    // (moto's, on the same port), which checks the signature and the user's policy (S3 only).
    let o = onair(&["deploy", dir, "--to", &to, "--no-build"], &with("role"));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains(
            "assuming arn:aws:iam::123456789012:role/deploy at http://127.0.0.1:"
        ) && text(&o).contains(
            "STS answered 403 Forbidden AccessDenied: User: arn:aws:iam::123456789012:user/deployer is not authorized to perform: sts:AssumeRole"
        ),
        "{}",
        text(&o)
    );
    // A server that lets anyone assume the role: its credentials deploy.
    let open = moto();
    open.make_bucket("roles");
    let open_endpoint = open.endpoint();
    let from = open.log_len();
    let o = onair(
        &["deploy", dir, "--to", "s3://roles", "--no-build"],
        &[
            ("HOME", home_s),
            ("AWS_PROFILE", "role"),
            ("AWS_ENDPOINT_URL", open_endpoint.as_str()),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let log = open.requests_since(from);
    assert_eq!(log.iter().filter(|r| *r == "POST /").count(), 1, "{log:?}");
    assert!(open.objects("roles").contains_key("feed.xml"));

    // SSO: the cached token goes to the portal, whose credentials deploy.
    let (portal, requests) = sso_portal(id, secret);
    std::fs::write(
        aws.join("sso/cache/0123abcd.json"),
        r#"{"startUrl": "https://corp.awsapps.com/start", "region": "eu-west-1", "accessToken": "cached-token", "expiresAt": "2999-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    let mut env = with("sso");
    env.push(("AWS_ENDPOINT_URL_SSO", portal.as_str()));
    let o = onair(&["deploy", dir, "--to", &to, "--no-build"], &env);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(
        *requests.lock().unwrap(),
        ["/federation/credentials?account_id=123456789012&role_name=Deploy cached-token"]
    );
    // An expired token: what to run.
    std::fs::write(
        aws.join("sso/cache/0123abcd.json"),
        r#"{"startUrl": "https://corp.awsapps.com/start", "accessToken": "old", "expiresAt": "2020-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    let o = onair(&["deploy", dir, "--to", &to, "--no-build"], &env);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("expired at 2020-01-01T00:00:00Z: run `aws sso login --profile sso`"),
        "{}",
        text(&o)
    );
}

/// An SSO portal answering GetRoleCredentials with the key pair; records "PATH?QUERY TOKEN".
fn sso_portal(id: &str, secret: &str) -> (String, Arc<Mutex<Vec<String>>>) {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let addr = format!("http://{}", server.server_addr().to_ip().unwrap());
    let log = Arc::new(Mutex::new(Vec::new()));
    let l = log.clone();
    let body = format!(
        r#"{{"roleCredentials": {{"accessKeyId": "{id}", "secretAccessKey": "{secret}", "expiration": 4102444800000}}}}"#
    );
    std::thread::spawn(move || {
        for req in server.incoming_requests() {
            let token = req
                .headers()
                .iter()
                .find(|h| h.field.equiv("x-amz-sso_bearer_token"))
                .map(|h| h.value.to_string())
                .unwrap_or_default();
            l.lock().unwrap().push(format!("{} {token}", req.url()));
            let _ = req.respond(tiny_http::Response::from_string(body.clone()));
        }
    });
    (addr, log)
}

#[test]
fn s3_web_identity_from_the_environment() {
    let server = moto();
    server.make_bucket("oidc");
    let site = example_copy();
    let dir = site.path().to_str().unwrap();
    let token = site.path().join("token");
    std::fs::write(&token, "a.jwt.token").unwrap();
    let endpoint = server.endpoint();
    let o = onair(&["build", dir], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let from = server.log_len();
    let o = onair(
        &["deploy", dir, "--to", "s3://oidc", "--no-build"],
        &[
            ("AWS_ENDPOINT_URL", &endpoint),
            ("AWS_ENDPOINT_URL_STS", &endpoint),
            ("AWS_REGION", "us-east-1"),
            ("AWS_WEB_IDENTITY_TOKEN_FILE", token.to_str().unwrap()),
            ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/ci"),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let log = server.requests_since(from);
    assert!(
        log.iter()
            .any(|r| r.starts_with("POST /") || r.contains("AssumeRoleWithWebIdentity")),
        "no STS request: {log:?}"
    );
    assert!(server.objects("oidc").contains_key("feed.xml"));
}
