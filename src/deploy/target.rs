//! Where a deploy goes: an S3-compatible bucket (through object_store, in a small tokio
//! runtime of its own) or a local folder (std::fs, each file written aside then renamed).

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::headers::Headers;

/// Files above this size go up as multipart uploads.
pub const MULTIPART_THRESHOLD: u64 = 16 * 1024 * 1024;
const PART_SIZE: usize = 8 * 1024 * 1024;

pub trait Target: Send + Sync {
    /// Bytes of an object, None when it does not exist.
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, String>;
    fn put_file(&self, key: &str, file: &Path, headers: &Headers) -> Result<(), String>;
    fn put_bytes(&self, key: &str, bytes: Vec<u8>, headers: &Headers) -> Result<(), String>;
    /// Deleting what is already gone is no error.
    fn delete(&self, key: &str) -> Result<(), String>;
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
    fn put_file(&self, key: &str, file: &Path, _: &Headers) -> Result<(), String> {
        self.write_atomic(key, |tmp| std::fs::copy(file, tmp).map(|_| ()))
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
}

pub struct S3Options {
    pub bucket: String,
    pub prefix: String,
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub path_style: Option<bool>,
}

pub struct S3Target {
    rt: tokio::runtime::Runtime,
    store: object_store::aws::AmazonS3,
    bucket: String,
    prefix: String,
}

fn describe(e: object_store::Error) -> String {
    match &e {
        object_store::Error::NotFound { .. } => "not found".into(),
        object_store::Error::PermissionDenied { .. }
        | object_store::Error::Unauthenticated { .. } => {
            format!(
                "the store refused the credentials (check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY): {e}"
            )
        }
        _ => {
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
            msg
        }
    }
}

impl S3Target {
    pub fn new(o: S3Options) -> Result<S3Target, String> {
        use object_store::aws::AmazonS3Builder;
        use object_store::{BackoffConfig, ClientOptions, RetryConfig};
        let mut b = AmazonS3Builder::from_env().with_bucket_name(o.bucket.clone());
        let endpoint = o.endpoint.or_else(|| {
            std::env::var("AWS_ENDPOINT_URL")
                .ok()
                .filter(|s| !s.is_empty())
        });
        if let Some(ep) = &endpoint {
            b = b
                .with_endpoint(ep)
                .with_virtual_hosted_style_request(o.path_style == Some(false));
        } else if o.path_style == Some(true) {
            b = b.with_virtual_hosted_style_request(false);
        }
        if let Some(r) = o.region {
            b = b.with_region(r);
        } else if std::env::var_os("AWS_REGION").is_none()
            && std::env::var_os("AWS_DEFAULT_REGION").is_none()
        {
            b = b.with_region("us-east-1");
        }
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
        let store = b.build().map_err(describe)?;
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
        })
    }

    fn key(&self, key: &str) -> object_store::path::Path {
        if self.prefix.is_empty() {
            object_store::path::Path::from(key)
        } else {
            object_store::path::Path::from(format!("{}/{key}", self.prefix))
        }
    }
}

fn attributes(h: &Headers) -> object_store::Attributes {
    use object_store::{Attribute, Attributes};
    let mut a = Attributes::new();
    a.insert(Attribute::ContentType, h.content_type.clone().into());
    a.insert(Attribute::CacheControl, h.cache_control.clone().into());
    a
}

impl Target for S3Target {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, String> {
        use object_store::ObjectStoreExt;
        self.rt.block_on(async {
            match self.store.get(&self.key(key)).await {
                Ok(r) => Ok(Some(r.bytes().await.map_err(describe)?.to_vec())),
                Err(e @ object_store::Error::NotFound { .. }) => {
                    if format!("{e:?}").contains("NoSuchBucket") {
                        Err(format!("the bucket `{}` does not exist", self.bucket))
                    } else {
                        Ok(None)
                    }
                }
                Err(e) => Err(describe(e)),
            }
        })
    }
    fn put_file(&self, key: &str, file: &Path, headers: &Headers) -> Result<(), String> {
        use object_store::{ObjectStore, PutMultipartOptions, WriteMultipart};
        use std::io::Read;
        let size = std::fs::metadata(file)
            .map_err(|e| format!("{}: {e}", file.display()))?
            .len();
        if size <= MULTIPART_THRESHOLD {
            let bytes = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
            return self.put_bytes(key, bytes, headers);
        }
        self.rt.block_on(async {
            let opts = PutMultipartOptions {
                attributes: attributes(headers),
                ..Default::default()
            };
            let upload = self
                .store
                .put_multipart_opts(&self.key(key), opts)
                .await
                .map_err(describe)?;
            let mut w = WriteMultipart::new_with_chunk_size(upload, PART_SIZE);
            let mut f =
                std::fs::File::open(file).map_err(|e| format!("{}: {e}", file.display()))?;
            let mut buf = vec![0u8; PART_SIZE];
            loop {
                let n = f
                    .read(&mut buf)
                    .map_err(|e| format!("{}: {e}", file.display()))?;
                if n == 0 {
                    break;
                }
                w.wait_for_capacity(4).await.map_err(describe)?;
                w.write(&buf[..n]);
            }
            w.finish().await.map_err(describe)?;
            Ok(())
        })
    }
    fn put_bytes(&self, key: &str, bytes: Vec<u8>, headers: &Headers) -> Result<(), String> {
        use object_store::{ObjectStore, PutOptions};
        self.rt.block_on(async {
            let opts = PutOptions {
                attributes: attributes(headers),
                ..Default::default()
            };
            self.store
                .put_opts(&self.key(key), bytes.into(), opts)
                .await
                .map_err(describe)?;
            Ok(())
        })
    }
    fn delete(&self, key: &str) -> Result<(), String> {
        use object_store::ObjectStoreExt;
        self.rt.block_on(async {
            match self.store.delete(&self.key(key)).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(e) => Err(describe(e)),
            }
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
