//! The S3 target: object_store's S3 client in a small tokio runtime of its own, on onair's HTTP
//! client (`http`: a stalled connection is given up, a slow one is not). Every upload carries
//! its SHA-256 (x-amz-checksum-sha256), which a store that checks it uses to refuse a body
//! that differs; the ETag the store answers is compared with the MD5 of what was sent, so a
//! store that does not check still cannot keep other bytes unnoticed. Pages and feeds go up
//! under a staging key first and are copied into place once whole and checked. Each multipart upload onair
//! starts is written into a journal beside the manifest until it is completed or aborted,
//! so the next deploy aborts what an interrupted one left.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use md5::{Digest, Md5};
use object_store::multipart::{MultipartStore, PartId};
use object_store::path::Path as Key;

use super::LocalFile;
use super::aws_files::{Settings, Source};
use super::headers::{Class, Headers};
use super::http::StallConnector;
use super::target::{HASH_METADATA, MULTIPART_THRESHOLD, PART_SIZE, STOPPED, Stored, Target};

/// The journal of multipart uploads under way, beside the manifest.
pub const JOURNAL: &str = ".onair-uploads.json";
/// Where a feed goes up before it is copied into place.
pub const STAGING: &str = ".onair-staging";
/// Sends of one file whose ETag says the store got other bytes, before giving up.
const ATTEMPTS: usize = 3;

pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const DEFAULT_STALL_TIMEOUT: Duration = Duration::from_secs(30);

pub struct S3Options {
    pub bucket: String,
    pub prefix: String,
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub path_style: Option<bool>,
    /// The environment's and the AWS files' credentials, region and endpoint.
    pub settings: Settings,
    /// How long connecting may take, and how long a request may go without progress.
    pub connect_timeout: Duration,
    pub stall_timeout: Duration,
    /// Whether the store's ETag is compared with the MD5 of what was sent (off for a store
    /// whose ETags are no MD5, as S3 with SSE-KMS).
    pub verify_etag: bool,
}

/// What an interrupted deploy left: a multipart upload onair started (with its id, from the
/// journal), or a key under the staging prefix (no id).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Pending {
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload_id: Option<String>,
}

#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Journal {
    pending: Vec<Pending>,
}

pub struct S3Target {
    rt: tokio::runtime::Runtime,
    store: object_store::aws::AmazonS3,
    bucket: String,
    prefix: String,
    source: Source,
    verify_etag: bool,
    /// What this run has under way, as last written to the journal.
    journal: futures::lock::Mutex<Vec<Pending>>,
    /// A request to a staging key was given up (stalled): the store may still write it.
    gave_up: Arc<AtomicBool>,
}

/// The `<Code>` of an S3 error response, when the error carries one.
fn s3_code(text: &str) -> Option<&str> {
    let start = text.find("<Code>")? + "<Code>".len();
    let len = text[start..].find("</Code>")?;
    Some(&text[start..start + len])
}

/// One line for an error from the store: the refused credentials named by where they came
/// from, an S3 error by its code rather than its XML.
fn describe(e: object_store::Error, source: &Source) -> String {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(&e);
    while let Some(s) = src {
        let text = s.to_string();
        if !msg.contains(&text) {
            msg.push_str(": ");
            msg.push_str(&text);
        }
        src = s.source();
    }
    if *source == Source::None && msg.contains("169.254.169.254") {
        // object_store's last resort, an instance's role, answered nothing useful.
        return format!(
            "no credentials: none in the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) or in the AWS files (~/.aws/credentials, ~/.aws/config), and no instance role (the metadata service at 169.254.169.254 said: {})",
            msg.rsplit(" - ").next().unwrap_or(&msg)
        );
    }
    let code = s3_code(&msg).map(str::to_string);
    match (&e, code.as_deref()) {
        (object_store::Error::NotFound { .. }, _) => "not found".into(),
        (
            object_store::Error::PermissionDenied { .. }
            | object_store::Error::Unauthenticated { .. },
            Some("AccessDenied" | "AllAccessDisabled"),
        ) => format!(
            "the store denied access (AccessDenied): the credentials ({source}) are not allowed to do this; check their policy"
        ),
        (
            object_store::Error::PermissionDenied { .. }
            | object_store::Error::Unauthenticated { .. },
            code,
        )
        | (
            _,
            code @ Some(
                "SignatureDoesNotMatch"
                | "InvalidAccessKeyId"
                | "InvalidToken"
                | "ExpiredToken"
                | "InvalidSecurity"
                | "TokenRefreshRequired",
            ),
        ) => format!(
            "the store refused the credentials ({}{source}): check the key pair and the profile",
            code.map(|c| format!("{c}; ")).unwrap_or_default()
        ),
        (_, Some(code)) => {
            let message = msg
                .find("<Message>")
                .and_then(|i| {
                    let rest = &msg[i + "<Message>".len()..];
                    rest.find("</Message>").map(|j| rest[..j].to_string())
                })
                .unwrap_or_default();
            format!("the store answered {code}: {message}")
                .trim_end_matches(": ")
                .to_string()
        }
        _ => msg.replace(['\n', '\r'], " "),
    }
}

/// The ETag S3 gives what it received, from MD5s: of the body, or for a multipart upload of
/// the parts' MD5s, with the number of parts.
fn etag_of(part_md5s: &[[u8; 16]], multipart: bool) -> String {
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    if !multipart {
        return part_md5s.first().map(|d| hex(d)).unwrap_or_default();
    }
    let mut all = Md5::new();
    for d in part_md5s {
        all.update(d);
    }
    format!("{}-{}", hex(&all.finalize()), part_md5s.len())
}

/// The ETag S3 gives a file as onair sends it: in one part up to MULTIPART_THRESHOLD, else
/// in parts of PART_SIZE.
fn file_etag(path: &Path, size: u64) -> Result<String, String> {
    use std::io::Read;
    let err = |e: std::io::Error| format!("{}: {e}", path.display());
    if size <= MULTIPART_THRESHOLD {
        return Ok(etag_of(&[md5(&std::fs::read(path).map_err(err)?)], false));
    }
    let mut f = std::fs::File::open(path).map_err(err)?;
    let mut md5s = Vec::new();
    let mut part = Vec::with_capacity(PART_SIZE);
    loop {
        part.clear();
        (&mut f)
            .take(PART_SIZE as u64)
            .read_to_end(&mut part)
            .map_err(err)?;
        if part.is_empty() && !md5s.is_empty() {
            break;
        }
        md5s.push(md5(&part));
        if part.len() < PART_SIZE {
            break;
        }
    }
    Ok(etag_of(&md5s, true))
}

fn md5(bytes: &[u8]) -> [u8; 16] {
    Md5::digest(bytes).into()
}

/// Whether the store's ETag (quotes and all) is not the one expected: only an ETag that is
/// an MD5 (32 hex digits, `-N` after a multipart one's) is compared.
fn etag_differs(store: Option<&str>, expected: &str) -> bool {
    // Quoted, and some stores' CompleteMultipartUpload answers escape the quotes.
    let Some(tag) = store.map(|t| {
        t.replace("&quot;", "\"")
            .trim_matches('"')
            .to_ascii_lowercase()
    }) else {
        return false;
    };
    let digits = tag.split('-').next().unwrap_or("");
    let md5_like = digits.len() == 32 && digits.bytes().all(|b| b.is_ascii_hexdigit());
    md5_like && tag != expected
}

/// Whether a file goes up under a staging key and is copied into place: pages and feeds.
fn staged(f: &LocalFile) -> bool {
    matches!(f.class, Class::Feed | Class::Page)
}

fn attributes(h: &Headers, hash: Option<&str>) -> object_store::Attributes {
    use object_store::{Attribute, Attributes};
    let mut a = Attributes::new();
    a.insert(Attribute::ContentType, h.content_type.clone().into());
    a.insert(Attribute::CacheControl, h.cache_control.clone().into());
    if let Some(hash) = hash {
        a.insert(
            Attribute::Metadata(HASH_METADATA.into()),
            hash.to_string().into(),
        );
    }
    a
}

impl S3Target {
    pub fn new(o: S3Options) -> Result<S3Target, String> {
        use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
        use object_store::{BackoffConfig, ClientOptions, RetryConfig};
        let settings = o.settings;
        // object_store's own AWS_* variables (as AmazonS3Builder::from_env), but with a key
        // pair from a file none of the environment's credentials: the AWS CLI never mixes a
        // file's key pair with the environment's session token.
        let from_file = matches!(
            settings.source,
            Source::File { .. } | Source::Fetched { .. }
        );
        let mut b = AmazonS3Builder::new();
        for (k, v) in std::env::vars_os() {
            let (Some(k), Some(v)) = (k.to_str(), v.to_str()) else {
                continue;
            };
            // Web identity is onair's to exchange (`credentials`), not object_store's.
            let credential = matches!(
                k,
                "AWS_ACCESS_KEY_ID"
                    | "AWS_SECRET_ACCESS_KEY"
                    | "AWS_SESSION_TOKEN"
                    | "AWS_TOKEN"
                    | "AWS_WEB_IDENTITY_TOKEN_FILE"
                    | "AWS_ROLE_ARN"
                    | "AWS_ROLE_SESSION_NAME"
            );
            if k.starts_with("AWS_")
                && !(from_file && credential)
                && let Ok(key) = k.to_ascii_lowercase().parse::<AmazonS3ConfigKey>()
            {
                b = b.with_config(key, v);
            }
        }
        b = b.with_bucket_name(o.bucket.clone());

        if let (true, Some((id, secret, token))) = (from_file, &settings.key) {
            b = b.with_access_key_id(id).with_secret_access_key(secret);
            if let Some(t) = token {
                b = b.with_token(t);
            }
        }
        let endpoint = o.endpoint.or(settings.endpoint_url);
        if let Some(ep) = &endpoint {
            b = b
                .with_endpoint(ep)
                .with_virtual_hosted_style_request(o.path_style == Some(false));
        } else if o.path_style == Some(true) {
            b = b.with_virtual_hosted_style_request(false);
        }
        b = b.with_region(
            o.region
                .or(settings.region)
                .unwrap_or_else(|| "us-east-1".to_string()),
        );
        let gave_up = Arc::new(AtomicBool::new(false));
        let allow_http = endpoint
            .as_deref()
            .is_some_and(|e| e.starts_with("http://"));
        b = b
            .with_client_options(ClientOptions::new().with_allow_http(allow_http))
            .with_http_connector(StallConnector {
                connect_timeout: o.connect_timeout,
                stall_timeout: o.stall_timeout,
                allow_http,
                gave_up: gave_up.clone(),
                watch: STAGING,
            })
            .with_checksum_algorithm(object_store::aws::Checksum::SHA256)
            .with_retry(RetryConfig {
                backoff: BackoffConfig {
                    init_backoff: Duration::from_millis(200),
                    max_backoff: Duration::from_secs(4),
                    base: 2.0,
                },
                max_retries: 3,
                // Time for each try to stall once, and the backoff between.
                retry_timeout: o.stall_timeout * 4 + Duration::from_secs(15),
            });
        let store = b.build().map_err(|e| describe(e, &settings.source))?;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the network runtime: {e}"))?;
        Ok(S3Target {
            rt,
            store,
            bucket: o.bucket,
            prefix: o.prefix,
            source: settings.source,
            verify_etag: o.verify_etag,
            journal: futures::lock::Mutex::new(Vec::new()),
            gave_up,
        })
    }

    fn key(&self, key: &str) -> Key {
        if self.prefix.is_empty() {
            Key::from(key)
        } else {
            Key::from(format!("{}/{key}", self.prefix))
        }
    }

    fn describe(&self, e: object_store::Error) -> String {
        describe(e, &self.source)
    }

    /// Adds an entry to the journal (`add`) or takes it out, and writes the journal (one
    /// write at a time, so the last one written is the last change).
    async fn journal(&self, entry: &Pending, add: bool) -> Result<(), String> {
        let mut j = self.journal.lock().await;
        if add {
            j.push(entry.clone());
        } else {
            j.retain(|p| p != entry);
        }
        self.write_journal(&j).await
    }

    /// Writes the journal; deletes it when nothing is under way.
    async fn write_journal(&self, pending: &[Pending]) -> Result<(), String> {
        use object_store::ObjectStoreExt;
        let key = self.key(JOURNAL);
        if pending.is_empty() {
            return match self.store.delete(&key).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(e) => Err(format!("cannot delete {JOURNAL}: {}", self.describe(e))),
            };
        }
        let json = serde_json::to_vec_pretty(&Journal {
            pending: pending.to_vec(),
        })
        .map_err(|e| e.to_string())?;
        let headers = Headers {
            content_type: "application/json".into(),
            cache_control: "no-store".into(),
        };
        self.put_once(&key, json, attributes(&headers, None))
            .await
            .map(|_| ())
            .map_err(|e| format!("cannot write {JOURNAL}: {e}"))
    }

    /// One single-part upload: the ETag expected and the store's answer.
    async fn put_once(
        &self,
        key: &Key,
        bytes: Vec<u8>,
        attributes: object_store::Attributes,
    ) -> Result<(String, Option<String>), String> {
        use object_store::{ObjectStore, PutOptions};
        let expected = etag_of(&[md5(&bytes)], false);
        let opts = PutOptions {
            attributes,
            ..Default::default()
        };
        let r = self
            .store
            .put_opts(key, bytes.into(), opts)
            .await
            .map_err(|e| self.describe(e))?;
        Ok((expected, r.e_tag))
    }

    /// One multipart upload, journaled while under way and aborted on any error.
    async fn put_multipart(
        &self,
        key: &Key,
        f: &LocalFile,
        stop: &AtomicBool,
    ) -> Result<(String, Option<String>), String> {
        use object_store::PutMultipartOptions;
        let opts = PutMultipartOptions {
            attributes: attributes(&f.headers, Some(&f.hash)),
            ..Default::default()
        };
        let id = self
            .store
            .create_multipart_opts(key, opts)
            .await
            .map_err(|e| self.describe(e))?;
        let entry = Pending {
            key: f.key.clone(),
            upload_id: Some(id.clone()),
        };
        let sent = match self.journal(&entry, true).await {
            Ok(()) => self.send_parts(key, &id, &f.path, stop).await,
            Err(e) => Err(e),
        };
        match sent {
            Ok(r) => {
                self.journal(&entry, false).await?;
                Ok(r)
            }
            Err(e) => match self.store.abort_multipart(key, &id).await {
                // No orphan parts: whatever was sent is dropped by the store.
                Ok(()) => {
                    self.journal(&entry, false).await?;
                    Err(e)
                }
                Err(abort) => Err(format!(
                    "{e} (and aborting the multipart upload failed: {}; the next deploy aborts it)",
                    self.describe(abort)
                )),
            },
        }
    }

    /// Sends a file in parts (at most four at once), then completes the upload; stops
    /// between parts when `stop` is set. Answers the ETag expected and the store's.
    async fn send_parts(
        &self,
        key: &Key,
        id: &str,
        file: &Path,
        stop: &AtomicBool,
    ) -> Result<(String, Option<String>), String> {
        use futures::StreamExt;
        use std::io::Read;
        let id = id.to_string();
        let mut f = std::fs::File::open(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let mut inflight: futures::stream::FuturesUnordered<
            futures::future::BoxFuture<'_, (usize, object_store::Result<PartId>)>,
        > = futures::stream::FuturesUnordered::new();
        let mut parts: Vec<Option<PartId>> = Vec::new();
        let mut md5s = Vec::new();
        loop {
            if stop.load(Ordering::SeqCst) {
                return Err(STOPPED.into());
            }
            // Every part but the last is PART_SIZE bytes: S3 refuses smaller ones.
            let mut part = Vec::with_capacity(PART_SIZE);
            (&mut f)
                .take(PART_SIZE as u64)
                .read_to_end(&mut part)
                .map_err(|e| format!("{}: {e}", file.display()))?;
            if part.is_empty() && !parts.is_empty() {
                break;
            }
            while inflight.len() >= 4 {
                if let Some((i, r)) = inflight.next().await {
                    parts[i] = Some(r.map_err(|e| self.describe(e))?);
                }
            }
            let last = part.len() < PART_SIZE;
            md5s.push(md5(&part));
            let i = parts.len();
            parts.push(None);
            let (store, key, id) = (&self.store, key.clone(), id.clone());
            inflight.push(Box::pin(async move {
                (i, store.put_part(&key, &id, i, part.into()).await)
            }));
            if last {
                break;
            }
        }
        while let Some((i, r)) = inflight.next().await {
            parts[i] = Some(r.map_err(|e| self.describe(e))?);
        }
        if stop.load(Ordering::SeqCst) {
            return Err(STOPPED.into());
        }
        let parts: Vec<PartId> = parts.into_iter().flatten().collect();
        let r = self
            .store
            .complete_multipart(key, &id.to_string(), parts)
            .await
            .map_err(|e| self.describe(e))?;
        Ok((etag_of(&md5s, true), r.e_tag))
    }

    /// Sends a file under `key` until the store's ETag is the MD5 of what was sent.
    async fn send_checked(
        &self,
        key: &Key,
        f: &LocalFile,
        stop: &AtomicBool,
    ) -> Result<(), String> {
        let size = std::fs::metadata(&f.path)
            .map_err(|e| format!("{}: {e}", f.path.display()))?
            .len();
        let mut last = String::new();
        for _ in 0..ATTEMPTS {
            if stop.load(Ordering::SeqCst) {
                return Err(STOPPED.into());
            }
            let (expected, got) = if size <= MULTIPART_THRESHOLD {
                let bytes =
                    std::fs::read(&f.path).map_err(|e| format!("{}: {e}", f.path.display()))?;
                self.put_once(key, bytes, attributes(&f.headers, Some(&f.hash)))
                    .await?
            } else {
                self.put_multipart(key, f, stop).await?
            };
            if !self.verify_etag {
                return Ok(());
            }
            // A store may answer a completed multipart upload without its ETag: a HEAD has it.
            let got = match got {
                Some(tag) => Some(tag),
                None => {
                    use object_store::ObjectStoreExt;
                    let meta = self.store.head(key).await.map_err(|e| self.describe(e))?;
                    meta.e_tag
                }
            };
            if !etag_differs(got.as_deref(), &expected) {
                return Ok(());
            }
            last = format!(
                "the store received other bytes than were sent (its ETag {} is not {expected}, the MD5 of the file)",
                got.unwrap_or_default()
            );
        }
        Err(format!("{last}, {ATTEMPTS} times"))
    }

    /// A page or feed: sent under the staging key, then copied into place (the store copies
    /// what it holds, so what is live is only ever whole and checked, and a request the
    /// store gets after onair gave up on it lands aside), then the staging key deleted. The
    /// stage's staging keys are in the journal (`begin_stage`): what a failed deploy leaves
    /// there the next one deletes.
    async fn put_staged(&self, f: &LocalFile, stop: &AtomicBool) -> Result<(), String> {
        use object_store::ObjectStoreExt;
        let staging = Pending {
            key: format!("{STAGING}/{}", f.key),
            upload_id: None,
        };
        let from = self.key(&staging.key);
        self.send_checked(&from, f, stop).await?;
        self.store
            .copy(&from, &self.key(&f.key))
            .await
            .map_err(|e| {
                format!(
                    "cannot copy {} into place: {}",
                    staging.key,
                    self.describe(e)
                )
            })?;
        match self.store.delete(&from).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(self.describe(e)),
        }
        Ok(())
    }
}

impl Target for S3Target {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, String> {
        use object_store::ObjectStoreExt;
        self.rt.block_on(async {
            match self.store.get(&self.key(key)).await {
                Ok(r) => Ok(Some(
                    r.bytes().await.map_err(|e| self.describe(e))?.to_vec(),
                )),
                Err(e @ object_store::Error::NotFound { .. }) => {
                    if format!("{e:?}").contains("NoSuchBucket") {
                        Err(format!("the bucket `{}` does not exist", self.bucket))
                    } else {
                        Ok(None)
                    }
                }
                Err(e) => Err(self.describe(e)),
            }
        })
    }
    fn put_file(&self, f: &LocalFile, stop: &AtomicBool) -> Result<(), String> {
        if stop.load(Ordering::SeqCst) {
            return Err(STOPPED.into());
        }
        self.rt.block_on(async {
            if staged(f) {
                self.put_staged(f, stop).await
            } else {
                self.send_checked(&self.key(&f.key), f, stop).await
            }
        })
    }
    fn put_bytes(&self, key: &str, bytes: Vec<u8>, headers: &Headers) -> Result<(), String> {
        self.rt.block_on(async {
            let (expected, got) = self
                .put_once(&self.key(key), bytes, attributes(headers, None))
                .await?;
            if self.verify_etag && etag_differs(got.as_deref(), &expected) {
                return Err(format!(
                    "the store received other bytes than were sent (its ETag {} is not {expected})",
                    got.unwrap_or_default()
                ));
            }
            Ok(())
        })
    }
    fn delete(&self, key: &str) -> Result<(), String> {
        use object_store::ObjectStoreExt;
        self.rt.block_on(async {
            match self.store.delete(&self.key(key)).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(e) => Err(self.describe(e)),
            }
        })
    }
    fn list_sizes(&self) -> Result<Option<BTreeMap<String, u64>>, String> {
        use futures::TryStreamExt;
        use object_store::ObjectStore;
        let prefix =
            (!self.prefix.is_empty()).then(|| object_store::path::Path::from(self.prefix.as_str()));
        self.rt.block_on(async {
            let metas: Vec<object_store::ObjectMeta> = self
                .store
                .list(prefix.as_ref())
                .try_collect()
                .await
                .map_err(|e| format!("cannot list the target: {}", self.describe(e)))?;
            let strip = if self.prefix.is_empty() {
                String::new()
            } else {
                format!("{}/", self.prefix)
            };
            Ok(Some(
                metas
                    .into_iter()
                    .filter_map(|m| {
                        let key = m.location.to_string();
                        key.strip_prefix(&strip).map(|k| (k.to_string(), m.size))
                    })
                    .collect(),
            ))
        })
    }
    /// A HEAD of each object, eight at once.
    fn stat(&self, files: &[&LocalFile]) -> Result<Vec<Option<Stored>>, String> {
        use futures::StreamExt;
        use object_store::{Attribute, GetOptions, ObjectStore};
        self.rt.block_on(async {
            let checks = files.iter().map(|f| async move {
                let opts = GetOptions {
                    head: true,
                    ..Default::default()
                };
                match self.store.get_opts(&self.key(&f.key), opts).await {
                    Ok(r) => {
                        let attr = |a: &Attribute| r.attributes.get(a).map(|v| v.to_string());
                        let mut hash = attr(&Attribute::Metadata(HASH_METADATA.into()));
                        // The recorded hash is what onair meant to send; the ETag says what
                        // the store got (a body changed on the way still carries the hash).
                        if self.verify_etag
                            && r.meta.size == f.size
                            && hash.as_ref() == Some(&f.hash)
                        {
                            let expected = file_etag(&f.path, f.size)?;
                            if etag_differs(r.meta.e_tag.as_deref(), &expected) {
                                hash = Some(format!(
                                    "other bytes than the file's (ETag {}, not {expected})",
                                    r.meta.e_tag.unwrap_or_default()
                                ));
                            }
                        }
                        Ok(Some(Stored {
                            size: r.meta.size,
                            hash,
                            headers: Some(Headers {
                                content_type: attr(&Attribute::ContentType).unwrap_or_default(),
                                cache_control: attr(&Attribute::CacheControl).unwrap_or_default(),
                            }),
                        }))
                    }
                    Err(object_store::Error::NotFound { .. }) => Ok(None),
                    Err(e) => Err(format!("cannot look at {}: {}", f.key, self.describe(e))),
                }
            });
            let results: Vec<Result<Option<Stored>, String>> =
                futures::stream::iter(checks).buffered(8).collect().await;
            results.into_iter().collect()
        })
    }
    fn stale_uploads(&self) -> Result<Vec<Pending>, String> {
        match self.get(JOURNAL)? {
            None => Ok(Vec::new()),
            Some(bytes) => serde_json::from_slice::<Journal>(&bytes)
                .map(|j| j.pending)
                .map_err(|e| {
                    format!("the target's {JOURNAL} is not onair's journal ({e}); remove it")
                }),
        }
    }
    /// A stage of pages or feeds: their staging keys go into the journal first (one write),
    /// so that what a failed or killed stage leaves there is deleted by the next deploy.
    fn begin_stage(&self, files: &[&LocalFile]) -> Result<(), String> {
        let staged: Vec<Pending> = files
            .iter()
            .filter(|f| staged(f))
            .map(|f| Pending {
                key: format!("{STAGING}/{}", f.key),
                upload_id: None,
            })
            .collect();
        if staged.is_empty() {
            return Ok(());
        }
        self.rt.block_on(async {
            let mut j = self.journal.lock().await;
            for p in staged {
                if !j.contains(&p) {
                    j.push(p);
                }
            }
            self.write_journal(&j).await
        })
    }
    /// Each staged file was deleted once copied into place: the journal forgets them, unless
    /// a request to one was given up on, which the store may still write (the next deploy
    /// deletes them then).
    fn finish(&self) -> Result<(), String> {
        if self.gave_up.load(Ordering::SeqCst) {
            return Ok(());
        }
        self.rt.block_on(async {
            let mut j = self.journal.lock().await;
            let before = j.len();
            j.retain(|p| p.upload_id.is_some());
            if j.len() == before {
                return Ok(());
            }
            self.write_journal(&j).await
        })
    }
    fn clean_up(&self, stale: &[Pending]) -> Result<(), String> {
        use object_store::ObjectStoreExt;
        self.rt.block_on(async {
            for p in stale {
                let key = self.key(&p.key);
                let done = match &p.upload_id {
                    Some(id) => self.store.abort_multipart(&key, id).await,
                    None => self.store.delete(&key).await,
                };
                match done {
                    Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                    Err(e) => {
                        return Err(format!("cannot clean up {}: {}", p.key, self.describe(e)));
                    }
                }
            }
            Ok(())
        })?;
        self.rt.block_on(async {
            let mut j = self.journal.lock().await;
            j.retain(|p| !stale.contains(p));
            self.write_journal(&j).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_are_md5s_of_the_body_or_of_the_parts_md5s() {
        assert_eq!(
            etag_of(&[md5(b"")], false),
            "d41d8cd98f00b204e9800998ecf8427e"
        );
        // Two parts: MD5 of the two MD5s, "-2".
        let two = etag_of(&[md5(b"a"), md5(b"b")], true);
        let mut both = Vec::new();
        both.extend_from_slice(&md5(b"a"));
        both.extend_from_slice(&md5(b"b"));
        assert_eq!(two, format!("{}-2", etag_of(&[md5(&both)], false)));
        let e = etag_of(&[md5(b"x")], false);
        assert!(!etag_differs(
            Some(&format!("\"{}\"", e.to_uppercase())),
            &e
        ));
        assert!(etag_differs(
            Some("\"0cc175b9c0f1b6a831c399e269772661\""),
            &e
        ));
        // Not an MD5 (another store's form): not compared.
        assert!(!etag_differs(Some("\"abc\""), &e));
        assert!(!etag_differs(None, &e));
    }
}
