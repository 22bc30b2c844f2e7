//! Where a deploy goes: an S3-compatible bucket (through object_store, in a small tokio
//! runtime of its own) or a local folder (std::fs, each file written aside then renamed).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use std::sync::atomic::{AtomicBool, Ordering};

use super::LocalFile;
use super::aws_files::{Settings, Source};
use super::headers::Headers;

/// Files above this size go up as multipart uploads.
pub const MULTIPART_THRESHOLD: u64 = 16 * 1024 * 1024;
const PART_SIZE: usize = 8 * 1024 * 1024;

/// What `put_file` answers when it stopped because another upload failed.
pub const STOPPED: &str = "stopped";

/// The object metadata key under which an upload records its BLAKE3 hash (as onair's
/// manifest has it), so that a rerun after an interrupted deploy knows what is already there.
pub const HASH_METADATA: &str = "onair-blake3";

pub trait Target: Send + Sync {
    /// Bytes of an object, None when it does not exist.
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, String>;
    /// Uploads a file with its headers (and its hash, where the target keeps metadata).
    /// Stops when `stop` is set, answering `Err(STOPPED)` and leaving nothing half-sent.
    fn put_file(&self, f: &LocalFile, stop: &AtomicBool) -> Result<(), String>;
    fn put_bytes(&self, key: &str, bytes: Vec<u8>, headers: &Headers) -> Result<(), String>;
    /// Deleting what is already gone is no error.
    fn delete(&self, key: &str) -> Result<(), String>;
    /// What the target has under each file's key, None where it has nothing.
    fn stat(&self, files: &[&LocalFile]) -> Result<Vec<Option<Stored>>, String>;
    /// Every key under the target with its size, when one listing is cheaper than a look at
    /// each file (a store: a request per 1,000 keys); None when it is not (a folder).
    fn list_sizes(&self) -> Result<Option<BTreeMap<String, u64>>, String> {
        Ok(None)
    }
}

/// What a target holds under a key, as far as it can tell without reading it all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub size: u64,
    /// The hash onair recorded (a store's metadata; a folder's file hashed when its size is
    /// the local file's), None when unknown.
    pub hash: Option<String>,
    /// The object's headers; None for a folder, which keeps none.
    pub headers: Option<Headers>,
}

impl Stored {
    /// Whether this is `f` as onair would publish it: a rerun need not send it again.
    pub fn is(&self, f: &LocalFile) -> bool {
        self.size == f.size
            && self.hash.as_deref() == Some(f.hash.as_str())
            && self.headers.as_ref().is_none_or(|h| *h == f.headers)
    }
}

/// A parsed `--to` / `deploy.to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Url {
    S3 { bucket: String, prefix: String },
    File(PathBuf),
}

pub fn parse_url(url: &str) -> Result<Url, String> {
    if let Some(rest) = url.strip_prefix("s3://") {
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(format!(
                "`{url}` names no bucket: write s3://BUCKET or s3://BUCKET/PREFIX"
            ));
        }
        Ok(Url::S3 {
            bucket: bucket.to_string(),
            prefix: prefix.trim_matches('/').to_string(),
        })
    } else if let Some(rest) = url.strip_prefix("file://") {
        if !rest.starts_with('/') {
            return Err(format!(
                "`{url}` is not an absolute file URL: write file:///path/to/folder"
            ));
        }
        Ok(Url::File(PathBuf::from(rest)))
    } else {
        let scheme = url.split_once("://").map_or(url, |(s, _)| s);
        Err(format!(
            "unknown deploy target scheme in `{url}` (`{scheme}`): onair deploys to s3://BUCKET/PREFIX or file:///PATH"
        ))
    }
}

pub struct FileTarget {
    pub root: PathBuf,
}

impl FileTarget {
    fn path(&self, key: &str) -> PathBuf {
        self.root.join(key)
    }
    fn write_atomic(
        &self,
        key: &str,
        write: impl FnOnce(&Path) -> std::io::Result<()>,
    ) -> Result<(), String> {
        let dest = self.path(key);
        if let Some(dir) = dest.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dest.with_file_name(format!(".{name}.onair-tmp"));
        write(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, &dest).map_err(|e| format!("{}: {e}", dest.display()))
    }
}

impl Target for FileTarget {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, String> {
        match std::fs::read(self.path(key)) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("{}: {e}", self.path(key).display())),
        }
    }
    fn put_file(&self, f: &LocalFile, stop: &AtomicBool) -> Result<(), String> {
        if stop.load(Ordering::SeqCst) {
            return Err(STOPPED.into());
        }
        self.write_atomic(&f.key, |tmp| std::fs::copy(&f.path, tmp).map(|_| ()))
    }
    fn put_bytes(&self, key: &str, bytes: Vec<u8>, _: &Headers) -> Result<(), String> {
        self.write_atomic(key, |tmp| std::fs::write(tmp, &bytes))
    }
    fn delete(&self, key: &str) -> Result<(), String> {
        match std::fs::remove_file(self.path(key)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(format!("{}: {e}", self.path(key).display())),
        }
    }
    /// A folder keeps no metadata: a file's hash is computed, and only when its size is the
    /// local file's.
    fn stat(&self, files: &[&LocalFile]) -> Result<Vec<Option<Stored>>, String> {
        files
            .iter()
            .map(|f| {
                let dest = self.path(&f.key);
                match std::fs::metadata(&dest) {
                    Ok(m) if m.is_file() => Ok(Some(Stored {
                        size: m.len(),
                        hash: if m.len() == f.size {
                            Some(super::hash_file(&f.key, &dest)?)
                        } else {
                            None
                        },
                        headers: None,
                    })),
                    Ok(_) => Ok(None),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(format!("{}: {e}", dest.display())),
                }
            })
            .collect()
    }
}

pub struct S3Options {
    pub bucket: String,
    pub prefix: String,
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub path_style: Option<bool>,
    /// The environment's and the AWS files' credentials, region and endpoint.
    pub settings: Settings,
}

pub struct S3Target {
    rt: tokio::runtime::Runtime,
    store: object_store::aws::AmazonS3,
    bucket: String,
    prefix: String,
    source: Source,
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

impl S3Target {
    pub fn new(o: S3Options) -> Result<S3Target, String> {
        use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
        use object_store::{BackoffConfig, ClientOptions, RetryConfig};
        let settings = o.settings;
        // object_store's own AWS_* variables (as AmazonS3Builder::from_env), but with a key
        // pair from a file none of the environment's credentials: the AWS CLI never mixes a
        // file's key pair with the environment's session token.
        let from_file = matches!(settings.source, Source::File { .. });
        let mut b = AmazonS3Builder::new();
        for (k, v) in std::env::vars_os() {
            let (Some(k), Some(v)) = (k.to_str(), v.to_str()) else {
                continue;
            };
            let credential = matches!(
                k,
                "AWS_ACCESS_KEY_ID" | "AWS_SECRET_ACCESS_KEY" | "AWS_SESSION_TOKEN" | "AWS_TOKEN"
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
        b = b
            .with_client_options(
                ClientOptions::new()
                    .with_allow_http(
                        endpoint
                            .as_deref()
                            .is_some_and(|e| e.starts_with("http://")),
                    )
                    .with_connect_timeout(Duration::from_secs(5))
                    .with_timeout(Duration::from_secs(120)),
            )
            .with_retry(RetryConfig {
                backoff: BackoffConfig {
                    init_backoff: Duration::from_millis(200),
                    max_backoff: Duration::from_secs(4),
                    base: 2.0,
                },
                max_retries: 3,
                retry_timeout: Duration::from_secs(30),
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
        })
    }

    fn key(&self, key: &str) -> object_store::path::Path {
        if self.prefix.is_empty() {
            object_store::path::Path::from(key)
        } else {
            object_store::path::Path::from(format!("{}/{key}", self.prefix))
        }
    }

    fn describe(&self, e: object_store::Error) -> String {
        describe(e, &self.source)
    }

    /// Sends a file in parts (at most four at once), then completes the upload; stops
    /// between parts when `stop` is set. The caller aborts the upload on any error.
    async fn send_parts(
        &self,
        upload: &mut dyn object_store::MultipartUpload,
        file: &Path,
        stop: &AtomicBool,
    ) -> Result<(), String> {
        use futures::StreamExt;
        use std::io::Read;
        let mut f = std::fs::File::open(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let mut inflight: futures::stream::FuturesUnordered<object_store::UploadPart> =
            futures::stream::FuturesUnordered::new();
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
            if part.is_empty() {
                break;
            }
            while inflight.len() >= 4 {
                if let Some(r) = inflight.next().await {
                    r.map_err(|e| self.describe(e))?;
                }
            }
            let last = part.len() < PART_SIZE;
            inflight.push(upload.put_part(part.into()));
            if last {
                break;
            }
        }
        while let Some(r) = inflight.next().await {
            r.map_err(|e| self.describe(e))?;
        }
        if stop.load(Ordering::SeqCst) {
            return Err(STOPPED.into());
        }
        upload.complete().await.map_err(|e| self.describe(e))?;
        Ok(())
    }
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
        use object_store::{ObjectStore, PutMultipartOptions, PutOptions};
        if stop.load(Ordering::SeqCst) {
            return Err(STOPPED.into());
        }
        let size = std::fs::metadata(&f.path)
            .map_err(|e| format!("{}: {e}", f.path.display()))?
            .len();
        let attributes = attributes(&f.headers, Some(&f.hash));
        if size <= MULTIPART_THRESHOLD {
            let bytes = std::fs::read(&f.path).map_err(|e| format!("{}: {e}", f.path.display()))?;
            return self.rt.block_on(async {
                let opts = PutOptions {
                    attributes,
                    ..Default::default()
                };
                self.store
                    .put_opts(&self.key(&f.key), bytes.into(), opts)
                    .await
                    .map_err(|e| self.describe(e))?;
                Ok(())
            });
        }
        self.rt.block_on(async {
            let opts = PutMultipartOptions {
                attributes,
                ..Default::default()
            };
            let mut upload = self
                .store
                .put_multipart_opts(&self.key(&f.key), opts)
                .await
                .map_err(|e| self.describe(e))?;
            match self.send_parts(upload.as_mut(), &f.path, stop).await {
                Ok(()) => Ok(()),
                Err(e) => {
                    // No orphan parts: whatever was sent is dropped by the store.
                    if let Err(abort) = upload.abort().await {
                        return Err(format!(
                            "{e} (and aborting the multipart upload failed: {}; a lifecycle rule that aborts incomplete multipart uploads cleans it up)",
                            self.describe(abort)
                        ));
                    }
                    Err(e)
                }
            }
        })
    }
    fn put_bytes(&self, key: &str, bytes: Vec<u8>, headers: &Headers) -> Result<(), String> {
        use object_store::{ObjectStore, PutOptions};
        self.rt.block_on(async {
            let opts = PutOptions {
                attributes: attributes(headers, None),
                ..Default::default()
            };
            self.store
                .put_opts(&self.key(key), bytes.into(), opts)
                .await
                .map_err(|e| self.describe(e))?;
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
                        Ok(Some(Stored {
                            size: r.meta.size,
                            hash: attr(&Attribute::Metadata(HASH_METADATA.into())),
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            parse_url("s3://b/p/q/").unwrap(),
            Url::S3 {
                bucket: "b".into(),
                prefix: "p/q".into()
            }
        );
        assert!(
            parse_url("s3:///x")
                .unwrap_err()
                .contains("names no bucket")
        );
        assert!(
            parse_url("ftp://x")
                .unwrap_err()
                .contains("unknown deploy target scheme")
        );
        assert_eq!(
            parse_url("file:///srv/www").unwrap(),
            Url::File("/srv/www".into())
        );
    }
}
