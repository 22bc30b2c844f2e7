//! Where a deploy goes: an S3-compatible bucket (`s3`) or a local folder (std::fs, each file
//! written aside then renamed).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use std::sync::atomic::{AtomicBool, Ordering};

use super::LocalFile;
use super::headers::Headers;
pub use super::s3::{Pending, S3Options, S3Target};

/// Files above this size go up as multipart uploads.
pub const MULTIPART_THRESHOLD: u64 = 16 * 1024 * 1024;
pub const PART_SIZE: usize = 8 * 1024 * 1024;

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
    /// What an earlier deploy left under way (multipart uploads, staged copies), from the
    /// journal beside the manifest; nothing for a folder.
    fn stale_uploads(&self) -> Result<Vec<Pending>, String> {
        Ok(Vec::new())
    }
    /// Aborts or deletes what `stale_uploads` answered.
    fn clean_up(&self, _stale: &[Pending]) -> Result<(), String> {
        Ok(())
    }
    /// Before a stage goes up: notes what it may leave aside (a store's staging keys).
    fn begin_stage(&self, _files: &[&LocalFile]) -> Result<(), String> {
        Ok(())
    }
    /// After a deploy finished: forgets what `begin_stage` noted, unless something may still
    /// land there.
    fn finish(&self) -> Result<(), String> {
        Ok(())
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
