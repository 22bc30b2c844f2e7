//! `onair deploy`: publish a built `public/` to an S3-compatible bucket or a folder, changed
//! files only, in the order that never breaks a listener: media, assets, pages, then the feed
//! and sitemap, then deletions, then the manifest. Used by `cmd::deploy`; uses nothing of the
//! rest of onair but the configuration's header rules.
//!
//! The target keeps a manifest (`.onair-manifest.json`): each published file's BLAKE3 hash and
//! headers. A file is uploaded when its hash or headers differ from the manifest's. The
//! manifest is written last, so an interrupted deploy is finished by the next run; the feed
//! goes up only once everything it points at is up, so the old feed stays live until then.

pub mod aws_files;
pub mod credentials;
pub mod headers;
pub mod http;
pub mod media;
pub mod order;
pub mod ping;
pub mod s3;
pub mod target;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use headers::{Class, Headers};
use target::Target;

use crate::config::HeaderRule;

pub const MANIFEST: &str = ".onair-manifest.json";
pub const DEFAULT_MAX_DELETES: usize = 10;
/// Uploads at once (connections to the store).
pub const JOBS: usize = 4;
/// Above this many files to look for on the target, it is listed first.
pub const LIST_ABOVE: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    pub hash: String,
    pub size: u64,
    pub content_type: String,
    pub cache_control: String,
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    pub generator: String,
    pub files: BTreeMap<String, Entry>,
}

impl Manifest {
    pub fn parse(bytes: &[u8]) -> Result<Manifest, String> {
        serde_json::from_slice(bytes).map_err(|e| {
            format!(
                "the target's {MANIFEST} is not onair's manifest ({e}); remove it to deploy afresh"
            )
        })
    }
}

#[derive(Debug, Clone)]
pub struct LocalFile {
    pub key: String,
    pub path: PathBuf,
    pub hash: String,
    pub size: u64,
    pub headers: Headers,
    pub class: Class,
    /// Within its class, the stage it goes up in (pages: after the pages they link).
    pub stage: usize,
    /// A page: the new pages (not on the target before) of the same deploy it links.
    pub links: Vec<String>,
    /// Not on the target before this deploy (not in its manifest).
    pub new: bool,
}

impl LocalFile {
    fn entry(&self) -> Entry {
        Entry {
            hash: self.hash.clone(),
            size: self.size,
            content_type: self.headers.content_type.clone(),
            cache_control: self.headers.cache_control.clone(),
        }
    }
}

/// Every file under `public/` with its hash and headers.
pub fn scan(public: &Path, rules: &[HeaderRule]) -> Result<Vec<LocalFile>, String> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(public).sort_by_file_name() {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", public.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(public).unwrap_or(entry.path());
        let key = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if key == MANIFEST {
            continue;
        }
        let hash = hash_file(&key, entry.path())?;
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        files.push(LocalFile {
            headers: headers::for_path(&key, rules),
            class: headers::class(&key),
            stage: 0,
            links: Vec::new(),
            new: false,
            hash,
            path: entry.path().to_path_buf(),
            size,
            key,
        });
    }
    Ok(files)
}

/// Whether a key is a feed, whose hash leaves `<lastBuildDate>` out.
fn is_feed(key: &str) -> bool {
    headers::is_feed(key)
}

/// The BLAKE3 hash (hex) onair records for the file published as `key`: of its bytes, or for
/// a feed, of its bytes without `<lastBuildDate>` (a rebuild's feed differs in that alone,
/// which is no change).
pub fn hash_file(key: &str, path: &Path) -> Result<String, String> {
    let mut hasher = blake3::Hasher::new();
    if is_feed(key) {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        hasher.update(&without_last_build_date(&bytes));
    } else {
        let mut file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        std::io::copy(&mut file, &mut hasher).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(hasher.finalize().to_hex().to_string())
}

/// A feed's bytes without its `<lastBuildDate>` element.
pub fn without_last_build_date(feed: &[u8]) -> Vec<u8> {
    const OPEN: &[u8] = b"<lastBuildDate>";
    const CLOSE: &[u8] = b"</lastBuildDate>";
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    match find(feed, OPEN) {
        Some(start) => match find(&feed[start..], CLOSE) {
            Some(len) => [&feed[..start], &feed[start + len + CLOSE.len()..]].concat(),
            None => feed.to_vec(),
        },
        None => feed.to_vec(),
    }
}

#[derive(Debug, Default)]
pub struct Plan {
    /// In upload order: media, assets, pages, feed and sitemap.
    pub uploads: Vec<LocalFile>,
    pub deletes: Vec<String>,
    /// Gone from the site but still named by the feed being published: kept.
    pub kept: Vec<String>,
    pub unchanged: usize,
    /// Not in the manifest as they are, but already on the target as they are (sent by a
    /// deploy that was interrupted before it wrote the manifest): not sent again.
    pub already: Vec<String>,
    /// The feeds (`feed.xml`, a network's `<show>/feed.xml` and `shows/feed.xml`) that differ
    /// from the manifest's, so the apps are told, even when an interrupted deploy had already
    /// sent them.
    pub changed_feeds: Vec<String>,
    /// The manifest as it will be after the deploy.
    pub manifest: Manifest,
}

/// What to upload and delete. `feed` is the feed being published, `base_url` the site's
/// address without a trailing slash: a file the feed still names is never deleted.
pub fn plan(local: &[LocalFile], old: &Manifest, feed: &str, base_url: &str) -> Plan {
    let mut p = Plan {
        manifest: Manifest {
            generator: concat!("onair ", env!("CARGO_PKG_VERSION")).to_string(),
            files: BTreeMap::new(),
        },
        ..Plan::default()
    };
    for f in local {
        let entry = f.entry();
        if old.files.get(&f.key) == Some(&entry) {
            p.unchanged += 1;
        } else {
            if is_feed(&f.key) {
                p.changed_feeds.push(f.key.clone());
            }
            p.uploads.push(LocalFile {
                new: !old.files.contains_key(&f.key),
                ..f.clone()
            });
        }
        p.manifest.files.insert(f.key.clone(), entry);
    }
    stage_pages(&mut p.uploads, local, base_url);
    p.uploads.sort_by(|a, b| {
        (a.class, a.stage)
            .cmp(&(b.class, b.stage))
            .then(a.key.cmp(&b.key))
    });
    for (key, entry) in &old.files {
        if p.manifest.files.contains_key(key) {
            continue;
        }
        if feed.contains(&format!("{base_url}/{key}\""))
            || feed.contains(&format!("{base_url}/{key}<"))
        {
            p.kept.push(key.clone());
            p.manifest.files.insert(key.clone(), entry.clone());
        } else {
            p.deletes.push(key.clone());
        }
    }
    p
}

/// Sets each page's stage: after every new page it links (see `order`). A link to a page the
/// target already has is no broken link while the new version goes up, so only new pages
/// order; pages that link each other in a circle are all new (a first deploy's episodes),
/// and share a stage. A page that cannot be read links nothing here; its upload says what
/// is wrong with it.
fn stage_pages(uploads: &mut [LocalFile], local: &[LocalFile], base_url: &str) {
    let published: std::collections::HashSet<&str> = local.iter().map(|f| f.key.as_str()).collect();
    let new_pages: std::collections::HashSet<String> = uploads
        .iter()
        .filter(|f| f.class == Class::Page && f.new)
        .map(|f| f.key.clone())
        .collect();
    let mut deps: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
    for f in uploads.iter_mut().filter(|f| f.class == Class::Page) {
        let html = std::fs::read_to_string(&f.path).unwrap_or_default();
        let mut links = order::links(&f.key, &html, base_url, &|k| published.contains(k));
        links.retain(|k| new_pages.contains(k));
        f.links = links.iter().cloned().collect();
        deps.insert(f.key.clone(), links);
    }
    let stages = order::stages(&deps);
    for f in uploads {
        f.stage = stages.get(&f.key).copied().unwrap_or(0);
    }
}

impl Plan {
    /// Takes out of the uploads what the target already holds as it is (see
    /// `Target::holds`): what an interrupted deploy sent is not sent again.
    pub fn skip_held(&mut self, target: &dyn Target) -> Result<(), String> {
        if self.uploads.is_empty() {
            return Ok(());
        }
        let mut candidates: Vec<&LocalFile> = self.uploads.iter().collect();
        // Many to look at (a first deploy, a lost manifest): one listing first, and a look
        // only at what is there with the same size.
        if candidates.len() > LIST_ABOVE
            && let Some(sizes) = target.list_sizes()?
        {
            candidates.retain(|f| sizes.get(&f.key) == Some(&f.size));
        }
        let held: std::collections::HashSet<String> = target
            .stat(&candidates)?
            .iter()
            .zip(&candidates)
            .filter(|(s, f)| s.as_ref().is_some_and(|s| s.is(f)))
            .map(|(_, f)| f.key.clone())
            .collect();
        let already = &mut self.already;
        self.uploads.retain(|f| {
            let keep = !held.contains(&f.key);
            if !keep {
                already.push(f.key.clone());
            }
            keep
        });
        Ok(())
    }

    /// Whether running the plan changes anything on the target.
    pub fn is_empty(&self, old: &Manifest) -> bool {
        self.uploads.is_empty() && self.deletes.is_empty() && self.manifest.files == old.files
    }
}

/// Reports as the deploy goes: a progress bar on a terminal, plain lines otherwise.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
    files: AtomicUsize,
    total_files: usize,
}

impl Progress {
    pub fn new(plan: &Plan) -> Progress {
        use std::io::IsTerminal;
        let total: u64 = plan.uploads.iter().map(|f| f.size).sum();
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(total);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:30} {bytes}/{total_bytes} {msg} {elapsed}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        Progress {
            bar,
            files: AtomicUsize::new(0),
            total_files: plan.uploads.len(),
        }
    }
    fn uploaded(&self, f: &LocalFile) {
        let n = self.files.fetch_add(1, Ordering::SeqCst) + 1;
        match &self.bar {
            Some(bar) => {
                bar.inc(f.size);
                bar.set_message(format!("{n}/{} files", self.total_files));
            }
            None => eprintln!(
                "uploaded {} ({} bytes) [{n}/{}]",
                f.key, f.size, self.total_files
            ),
        }
    }
    fn line(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(text),
            None => eprintln!("{text}"),
        }
    }
    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// What a finished deploy did.
#[derive(Debug, Default)]
pub struct Outcome {
    pub uploaded: usize,
    pub bytes: u64,
    pub deleted: usize,
    /// As in the plan: the feeds whose change the apps are told of.
    pub changed_feeds: Vec<String>,
}

/// Runs a plan against the target. On an error, what was uploaded stays, the manifest is
/// left as it was, and the feed is only up if everything before it was.
pub fn execute(plan: &Plan, target: &dyn Target) -> Result<Outcome, String> {
    let progress = Progress::new(plan);
    let mut outcome = Outcome {
        changed_feeds: plan.changed_feeds.clone(),
        ..Outcome::default()
    };
    let result = (|| -> Result<(), String> {
        // One phase per class and stage, in the plan's order; each read back before the next.
        for batch in plan
            .uploads
            .chunk_by(|a, b| (a.class, a.stage) == (b.class, b.stage))
        {
            let batch: Vec<&LocalFile> = batch.iter().collect();
            target.begin_stage(&batch)?;
            upload_batch(&batch, target, &progress)?;
            verify(&batch, target)?;
            for f in batch {
                outcome.uploaded += 1;
                outcome.bytes += f.size;
            }
        }
        for key in &plan.deletes {
            target
                .delete(key)
                .map_err(|e| format!("cannot delete {key}: {e}"))?;
            progress.line(&format!("deleted {key}"));
            outcome.deleted += 1;
        }
        Ok(())
    })();
    progress.finish();
    result?;
    let json = serde_json::to_vec_pretty(&plan.manifest).map_err(|e| e.to_string())?;
    target
        .put_bytes(
            MANIFEST,
            json,
            &Headers {
                content_type: "application/json".into(),
                cache_control: "no-store".into(),
            },
        )
        .map_err(|e| format!("cannot write {MANIFEST}: {e}"))?;
    target.finish()?;
    Ok(outcome)
}

/// Reads back what a phase uploaded (a HEAD each, or a folder's file hashed) before the next
/// phase, which points at it, goes up: each object has the file's size and, where the target
/// keeps it, its hash. Headers are not compared, since a store may write them its own way.
fn verify(batch: &[&LocalFile], target: &dyn Target) -> Result<(), String> {
    if batch.is_empty() {
        return Ok(());
    }
    let stored = target.stat(batch)?;
    for (f, s) in batch.iter().zip(stored) {
        let problem = match s {
            None => "is missing".to_string(),
            Some(s) if s.size != f.size => {
                format!("has {} bytes where {} were sent", s.size, f.size)
            }
            Some(s) if s.hash.as_ref().is_some_and(|h| *h != f.hash) => {
                "has other content than was sent (its recorded BLAKE3 hash or its ETag differs)"
                    .to_string()
            }
            Some(_) => continue,
        };
        return Err(format!(
            "read back after uploading, {} on the target {problem}",
            f.key
        ));
    }
    Ok(())
}

/// Uploads a stage, JOBS at once; on a failure, the others stop and the new pages that went
/// up linking one that did not are taken back (see `take_back`).
fn upload_batch(
    batch: &[&LocalFile],
    target: &dyn Target,
    progress: &Progress,
) -> Result<(), String> {
    let done: Mutex<Vec<&LocalFile>> = Mutex::new(Vec::new());
    let result = send_all(batch, target, progress, &done);
    match result {
        Ok(()) => Ok(()),
        Err(e) => {
            let done = done.into_inner().unwrap_or_default();
            Err(take_back(batch, &done, target, progress, e))
        }
    }
}

/// After a stage failed: deletes the new pages of it that went up and link a page that is
/// not up (pages in a circle of links go up together; the first of them links the others
/// before they are there), until none is left linking a missing one. They were not on the
/// target before, so the target is as it was for them; the rerun sends them again.
fn take_back(
    batch: &[&LocalFile],
    done: &[&LocalFile],
    target: &dyn Target,
    progress: &Progress,
    error: String,
) -> String {
    let mut up: std::collections::HashSet<&str> = done.iter().map(|f| f.key.as_str()).collect();
    let missing = |up: &std::collections::HashSet<&str>, k: &str| {
        !up.contains(k) && batch.iter().any(|f| f.key == k)
    };
    let mut taken = 0;
    while let Some(f) = done
        .iter()
        .find(|f| f.new && up.contains(f.key.as_str()) && f.links.iter().any(|l| missing(&up, l)))
    {
        if let Err(e) = target.delete(&f.key) {
            return format!(
                "{error} (and taking back {}, which links a page that is not up, failed: {e})",
                f.key
            );
        }
        progress.line(&format!(
            "took back {}: it links a page that is not up",
            f.key
        ));
        up.remove(f.key.as_str());
        taken += 1;
    }
    match taken {
        0 => error,
        n => format!("{error}; {n} new page(s) linking it were taken back"),
    }
}

fn send_all<'a>(
    batch: &[&'a LocalFile],
    target: &dyn Target,
    progress: &Progress,
    done: &Mutex<Vec<&'a LocalFile>>,
) -> Result<(), String> {
    let next = AtomicUsize::new(0);
    let failed: Mutex<Option<String>> = Mutex::new(None);
    // Set once one upload failed: the others stop, a multipart one aborting what it sent.
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        for _ in 0..JOBS.min(batch.len()) {
            s.spawn(|| {
                loop {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(f) = batch.get(i) else { return };
                    match target.put_file(f, &stop) {
                        Ok(()) => {
                            progress.uploaded(f);
                            if let Ok(mut d) = done.lock() {
                                d.push(f);
                            }
                        }
                        Err(e) if e == target::STOPPED => {
                            progress.line(&format!(
                                "stopped {}: another upload failed (what it had sent was aborted)",
                                f.key
                            ));
                            return;
                        }
                        Err(e) => {
                            if let Ok(mut slot) = failed.lock() {
                                slot.get_or_insert(format!("cannot upload {}: {e}", f.key));
                            }
                            stop.store(true, Ordering::SeqCst);
                            return;
                        }
                    }
                }
            });
        }
    });
    match failed.into_inner().ok().flatten() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::target::Stored;
    use super::*;

    /// A target that answers `stat` with what it is given (by key) and records uploads.
    struct Fake {
        stored: BTreeMap<String, Stored>,
        fail: Option<&'static str>,
        uploads: Mutex<Vec<String>>,
        listed: Option<BTreeMap<String, u64>>,
        stat_calls: Mutex<usize>,
        deleted: Mutex<Vec<String>>,
    }

    impl Fake {
        fn new(stored: BTreeMap<String, Stored>) -> Fake {
            Fake {
                stored,
                fail: None,
                uploads: Mutex::new(Vec::new()),
                listed: None,
                stat_calls: Mutex::new(0),
                deleted: Mutex::new(Vec::new()),
            }
        }
    }

    impl Target for Fake {
        fn list_sizes(&self) -> Result<Option<BTreeMap<String, u64>>, String> {
            Ok(self.listed.clone())
        }
        fn get(&self, _: &str) -> Result<Option<Vec<u8>>, String> {
            Ok(None)
        }
        fn put_file(&self, f: &LocalFile, stop: &AtomicBool) -> Result<(), String> {
            if self.fail == Some(f.key.as_str()) {
                return Err("refused".into());
            }
            if stop.load(Ordering::SeqCst) {
                return Err(target::STOPPED.into());
            }
            self.uploads.lock().unwrap().push(f.key.clone());
            Ok(())
        }
        fn put_bytes(&self, _: &str, _: Vec<u8>, _: &Headers) -> Result<(), String> {
            Ok(())
        }
        fn delete(&self, key: &str) -> Result<(), String> {
            self.deleted.lock().unwrap().push(key.to_string());
            Ok(())
        }
        fn stat(&self, files: &[&LocalFile]) -> Result<Vec<Option<Stored>>, String> {
            *self.stat_calls.lock().unwrap() += files.len();
            Ok(files
                .iter()
                .map(|f| self.stored.get(&f.key).cloned())
                .collect())
        }
    }

    fn file(key: &str, hash: &str, size: u64) -> LocalFile {
        LocalFile {
            key: key.into(),
            path: PathBuf::from(key),
            hash: hash.into(),
            size,
            headers: headers::for_path(key, &[]),
            class: headers::class(key),
            stage: 0,
            links: Vec::new(),
            new: false,
        }
    }

    fn stored(f: &LocalFile) -> Stored {
        Stored {
            size: f.size,
            hash: Some(f.hash.clone()),
            headers: Some(f.headers.clone()),
        }
    }

    #[test]
    fn stored_is_the_file_only_with_its_size_hash_and_headers() {
        let f = file("audio/a.mp3", "h1", 10);
        assert!(stored(&f).is(&f));
        assert!(
            !Stored {
                size: 11,
                ..stored(&f)
            }
            .is(&f)
        );
        assert!(
            !Stored {
                hash: None,
                ..stored(&f)
            }
            .is(&f)
        );
        assert!(
            !Stored {
                hash: Some("h2".into()),
                ..stored(&f)
            }
            .is(&f)
        );
        let mut other = stored(&f);
        other.headers.as_mut().unwrap().cache_control = "no-cache".into();
        assert!(!other.is(&f));
        // A folder keeps no headers: the content decides.
        assert!(
            Stored {
                headers: None,
                ..stored(&f)
            }
            .is(&f)
        );
    }

    #[test]
    fn what_the_target_already_holds_is_not_uploaded_but_still_counts_for_the_feed() {
        let local = [file("audio/a.mp3", "a", 1), file("feed.xml", "f", 2)];
        let mut p = plan(&local, &Manifest::default(), "", "https://x");
        assert_eq!(p.changed_feeds, ["feed.xml"]);
        let target = Fake::new(BTreeMap::from([(
            "feed.xml".to_string(),
            stored(&local[1]),
        )]));
        p.skip_held(&target).unwrap();
        assert_eq!(p.already, ["feed.xml"]);
        assert_eq!(p.uploads.len(), 1);
        assert_eq!(p.changed_feeds, ["feed.xml"]);
        assert!(!p.is_empty(&Manifest::default()));
        // All there but the manifest: still something to do (write it).
        let mut p = plan(&local[1..], &Manifest::default(), "", "https://x");
        p.skip_held(&target).unwrap();
        assert!(p.uploads.is_empty());
        assert!(!p.is_empty(&Manifest::default()));
        assert!(p.is_empty(&p.manifest.clone()));
    }

    #[test]
    fn a_read_back_that_differs_stops_the_deploy_before_the_next_phase() {
        let f = file("audio/a.mp3", "a", 5);
        let p = plan(
            std::slice::from_ref(&f),
            &Manifest::default(),
            "",
            "https://x",
        );
        for (bad, want) in [
            (None, "audio/a.mp3 on the target is missing"),
            (
                Some(Stored {
                    size: 4,
                    ..stored(&f)
                }),
                "has 4 bytes where 5 were sent",
            ),
            (
                Some(Stored {
                    hash: Some("b".into()),
                    ..stored(&f)
                }),
                "recorded BLAKE3 hash or its ETag differs",
            ),
        ] {
            let target = Fake::new(bad.into_iter().map(|s| (f.key.clone(), s)).collect());
            let e = execute(&p, &target).unwrap_err();
            assert!(e.contains(want), "{e}");
        }
        // A store that keeps no hash, or other header spellings, passes on its size.
        let target = Fake::new(BTreeMap::from([(
            f.key.clone(),
            Stored {
                hash: None,
                headers: None,
                ..stored(&f)
            },
        )]));
        assert!(execute(&p, &target).is_ok());
    }

    #[test]
    fn a_failed_upload_stops_the_phase_and_the_feed_never_goes_up() {
        let local: Vec<LocalFile> = (0..20)
            .map(|i| file(&format!("audio/{i:02}.mp3"), "h", 1))
            .chain([file("feed.xml", "f", 1)])
            .collect();
        let p = plan(&local, &Manifest::default(), "", "https://x");
        let target = Fake {
            fail: Some("audio/00.mp3"),
            ..Fake::new(local.iter().map(|f| (f.key.clone(), stored(f))).collect())
        };
        let e = execute(&p, &target).unwrap_err();
        assert!(e.starts_with("cannot upload audio/00.mp3: refused"), "{e}");
        let up = target.uploads.lock().unwrap();
        assert!(up.len() < 19, "the others stopped: {up:?}");
        assert!(!up.contains(&"feed.xml".to_string()));
    }

    #[test]
    fn a_page_goes_up_only_after_the_pages_it_links_and_not_when_one_failed() {
        let dir = tempfile::tempdir().unwrap();
        let write = |key: &str, html: &str| {
            let p = dir.path().join(key);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, html).unwrap();
            LocalFile {
                path: p,
                ..file(key, "h", html.len() as u64)
            }
        };
        let local = [
            write(
                "index.html",
                r#"<a href="/episodes/">all</a> <a href="/episodes/b/">b</a>"#,
            ),
            write(
                "episodes/index.html",
                r#"<a href="a/">a</a> <a href="b/">b</a>"#,
            ),
            write("episodes/a/index.html", r#"<a href="../b/">next</a>"#),
            write(
                "episodes/b/index.html",
                r#"<a href="/episodes/a/">prev</a>"#,
            ),
            write(
                "about/index.html",
                r#"<a href="https://elsewhere/">out</a>"#,
            ),
            file("feed.xml", "f", 1),
        ];
        let p = plan(&local, &Manifest::default(), "", "https://x");
        let order: Vec<(&str, usize)> = p
            .uploads
            .iter()
            .map(|f| (f.key.as_str(), f.stage))
            .collect();
        assert_eq!(
            order,
            [
                ("about/index.html", 0),
                ("episodes/a/index.html", 0),
                ("episodes/b/index.html", 0),
                ("episodes/index.html", 1),
                ("index.html", 2),
                ("feed.xml", 0)
            ]
        );
        let target = Fake {
            fail: Some("episodes/b/index.html"),
            ..Fake::new(local.iter().map(|f| (f.key.clone(), stored(f))).collect())
        };
        let e = execute(&p, &target).unwrap_err();
        assert!(e.starts_with("cannot upload episodes/b/index.html"), "{e}");
        let up = target.uploads.lock().unwrap();
        for linked in ["episodes/index.html", "index.html", "feed.xml"] {
            assert!(
                !up.contains(&linked.to_string()),
                "{linked} went up: {up:?}"
            );
        }
        // a goes up with b (they link each other), b does not: a, new, is taken back (when
        // it went up before b failed).
        if up.contains(&"episodes/a/index.html".to_string()) {
            assert!(
                e.ends_with("1 new page(s) linking it were taken back"),
                "{e}"
            );
            assert_eq!(*target.deleted.lock().unwrap(), ["episodes/a/index.html"]);
        } else {
            assert!(target.deleted.lock().unwrap().is_empty());
        }
        drop(up);

        // An update: a page the target has is no constraint, so the new page goes first
        // and the edited pages linking it after it.
        let old = Manifest {
            files: local[..4]
                .iter()
                .filter(|f| f.key != "episodes/b/index.html")
                .map(|f| {
                    let entry = Entry {
                        hash: "old".into(),
                        ..f.entry()
                    };
                    (f.key.clone(), entry)
                })
                .collect(),
            ..Manifest::default()
        };
        let p = plan(&local, &old, "", "https://x");
        let stage = |k: &str| p.uploads.iter().find(|f| f.key == k).unwrap().stage;
        assert_eq!(stage("episodes/b/index.html"), 0);
        assert_eq!(stage("episodes/a/index.html"), 1);
        assert_eq!(stage("episodes/index.html"), 1);
        assert_eq!(stage("index.html"), 1);
        assert_eq!(stage("about/index.html"), 0);
    }

    #[test]
    fn many_files_to_look_for_are_listed_first_and_only_those_there_are_looked_at() {
        let local: Vec<LocalFile> = (0..LIST_ABOVE + 10)
            .map(|i| file(&format!("episodes/{i}/index.html"), "h", 7))
            .collect();
        let mut p = plan(&local, &Manifest::default(), "", "https://x");
        let mut target = Fake::new(BTreeMap::from([(local[3].key.clone(), stored(&local[3]))]));
        // Listed: one with the size, one with another size, one the site does not have.
        target.listed = Some(BTreeMap::from([
            (local[3].key.clone(), 7),
            (local[4].key.clone(), 8),
            ("old.html".to_string(), 1),
        ]));
        p.skip_held(&target).unwrap();
        assert_eq!(p.already, [local[3].key.clone()]);
        assert_eq!(p.uploads.len(), local.len() - 1);
        assert_eq!(
            *target.stat_calls.lock().unwrap(),
            1,
            "only the one there looked at"
        );
        // Few: no listing (a folder target never lists).
        let mut p = plan(&local[..3], &Manifest::default(), "", "https://x");
        target.listed = None;
        p.skip_held(&target).unwrap();
        assert_eq!(*target.stat_calls.lock().unwrap(), 4);
    }
}
