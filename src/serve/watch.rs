//! Watching the site folder: notify events become paths, a short debounce turns a burst of
//! them (one editor save is several events) into one batch, and a pure classifier says what
//! each path touches, so a rebuild does only what the change needs.

use std::collections::{BTreeSet, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

/// What one changed path touches.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Change {
    /// site.yaml: everything depends on it.
    Config,
    /// One episode's Markdown file (path relative to the site).
    Episode(PathBuf),
    /// One page under pages/.
    Page(PathBuf),
    /// A template override: every page may use it.
    Template(PathBuf),
    /// A stylesheet under assets/: can be swapped in without a reload.
    Stylesheet(PathBuf),
    /// Another asset (image, script, font): fingerprinted, so every page linking it changes.
    Asset(PathBuf),
    /// An audio file: re-probe that file only.
    Audio(PathBuf),
    /// A transcript file: the episodes pointing at it.
    Transcript(PathBuf),
    /// Anything else in the site folder that a build may read (a chapters file, a folder
    /// appearing or vanishing).
    Other(PathBuf),
}

/// Top-level folders and files that are never part of the source: what builds write, version
/// control, dependencies of other tools.
const IGNORED_TOP: &[&str] = &["public", "onair.lock", "target", "node_modules"];

/// Whether a file name is an editor's temporary, swap, backup or lock file, or a download in
/// progress. Hidden names (vim's `.x.swp`, emacs' `.#x`, `.DS_Store`, onair's own
/// `.x.tmp-PID`) are caught earlier as hidden.
pub fn is_editor_temp(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    is_sed_temp(name)
        || name.ends_with('~')
        || name.starts_with("~$") // office programs' lock files
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913" // vim probes whether it may write in a folder with this name
        || name.contains("___jb_tmp___")
        || name.contains("___jb_old___")
        || [
            ".swp",
            ".swo",
            ".swx",
            ".swpx",
            ".tmp",
            ".temp",
            ".bak",
            ".orig",
            ".kate-swp",
            ".crdownload",
            ".part",
            ".partial",
            ".download",
        ]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// GNU sed's `-i` writes the new file as `sedXXXXXX` (six random letters and digits) next to
/// the old one, then renames it over it.
fn is_sed_temp(name: &str) -> bool {
    name.len() == 9
        && name.starts_with("sed")
        && name[3..].bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Classify one changed path of the site at `root`. `None`: not a source of the site (outside
/// it, ignored, hidden, an editor temp file).
pub fn classify(root: &Path, path: &Path) -> Option<Change> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<&str> = rel
        .components()
        .map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let (mut first, name) = (*parts.first()?, *parts.last()?);
    if IGNORED_TOP.contains(&first)
        || parts.iter().any(|p| p.starts_with('.'))
        || is_editor_temp(name)
    {
        return None;
    }
    let rel = rel.to_path_buf();
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let mut nested = parts.len() > 1;
    // A network show's folder (shows/<name>/) is laid out like a site of its own.
    if first == crate::network::SHOWS_DIR && parts.len() > 2 {
        first = parts[2];
        nested = parts.len() > 3;
        if first == crate::network::SHOW_FILE && !nested {
            return Some(Change::Config);
        }
    }
    Some(match first {
        "site.yaml" | "site.yml" if !nested => Change::Config,
        "episodes" if nested && matches!(ext.as_str(), "md" | "markdown") => Change::Episode(rel),
        "pages" if nested && matches!(ext.as_str(), "md" | "markdown") => Change::Page(rel),
        "templates" if nested => Change::Template(rel),
        // themes/NAME/templates/ and themes/NAME/static/, as templates/ and assets/.
        "themes" if nested && ext == "css" => Change::Stylesheet(rel),
        "themes" if nested => Change::Template(rel),
        "assets" if nested && ext == "css" => Change::Stylesheet(rel),
        "assets" if nested => Change::Asset(rel),
        "audio" if nested => Change::Audio(rel),
        "transcripts" if nested => Change::Transcript(rel),
        _ => Change::Other(rel),
    })
}

/// What a batch of changes asks of the next build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rebuild {
    /// Only these episode files changed (edited, added or removed): re-read them and re-render
    /// what lists them.
    Episodes(BTreeSet<PathBuf>),
    /// Only these audio files changed: re-probe them, re-render the episodes that use them.
    Audio(BTreeSet<PathBuf>),
    /// Only stylesheets changed: rebuild and swap them into open pages without a reload.
    Stylesheets,
    /// Anything else: build everything again from the files.
    Full,
}

/// The classified changes of one debounced batch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeSet {
    pub changes: BTreeSet<Change>,
}

impl ChangeSet {
    pub fn from_paths<'a>(root: &Path, paths: impl IntoIterator<Item = &'a PathBuf>) -> Self {
        ChangeSet {
            changes: paths
                .into_iter()
                .filter_map(|p| classify(root, p))
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The least work that covers every change in the batch. `None` when there is nothing to do.
    pub fn rebuild(&self) -> Option<Rebuild> {
        if self.changes.is_empty() {
            return None;
        }
        let all = |f: fn(&Change) -> bool| self.changes.iter().all(f);
        let paths = || -> BTreeSet<PathBuf> {
            self.changes
                .iter()
                .filter_map(|c| match c {
                    Change::Episode(p) | Change::Audio(p) => Some(p.clone()),
                    _ => None,
                })
                .collect()
        };
        Some(if all(|c| matches!(c, Change::Episode(_))) {
            Rebuild::Episodes(paths())
        } else if all(|c| matches!(c, Change::Audio(_))) {
            Rebuild::Audio(paths())
        } else if all(|c| matches!(c, Change::Stylesheet(_))) {
            Rebuild::Stylesheets
        } else {
            Rebuild::Full
        })
    }
}

/// Wait for the next burst of changed paths and return it once no new path has arrived for
/// `quiet` (or `max_wait` after the first, so a file written for a long time still shows up).
/// `None` when the sender is gone and nothing is pending.
pub fn next_batch(
    rx: &Receiver<PathBuf>,
    quiet: Duration,
    max_wait: Duration,
) -> Option<Vec<PathBuf>> {
    let first = rx.recv().ok()?;
    let started = Instant::now();
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let mut batch = Vec::new();
    seen.insert(first.clone());
    batch.push(first);
    loop {
        let left = max_wait.saturating_sub(started.elapsed());
        if left.is_zero() {
            break;
        }
        match rx.recv_timeout(quiet.min(left)) {
            Ok(p) => {
                if seen.insert(p.clone()) {
                    batch.push(p);
                }
            }
            Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    Some(batch)
}

/// A notify watcher on a site folder. It watches the folder itself (not recursively) and each
/// top-level folder that is a source recursively, so `public/`, `.git/` and the like cost no
/// watches. Folders created later are added by `follow`.
pub struct SiteWatcher {
    root: PathBuf,
    watcher: RecommendedWatcher,
    watched: BTreeSet<PathBuf>,
    pub paths: Receiver<PathBuf>,
}

impl SiteWatcher {
    pub fn new(root: &Path) -> notify::Result<SiteWatcher> {
        let (tx, rx) = mpsc::channel();
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                let Ok(event) = event else { return };
                // Opening and reading files changes nothing.
                if matches!(event.kind, EventKind::Access(_)) {
                    return;
                }
                for path in event.paths {
                    let _ = tx.send(path);
                }
            })?;
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        let mut me = SiteWatcher {
            root: root.to_path_buf(),
            watcher,
            watched: BTreeSet::new(),
            paths: rx,
        };
        me.watch_top_folders();
        Ok(me)
    }

    fn watch_top_folders(&mut self) {
        let Ok(entries) = std::fs::read_dir(&self.root) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
            if is_dir
                && !self.watched.contains(&path)
                && classify(&self.root, &path).is_some()
                && self.watcher.watch(&path, RecursiveMode::Recursive).is_ok()
            {
                self.watched.insert(path);
            }
        }
    }

    /// Keep the watches in step with a batch: a top-level folder that appeared (or was
    /// replaced, as `git checkout` does) gets watched; one that vanished is forgotten.
    pub fn follow(&mut self, batch: &[PathBuf]) {
        let top_level = batch
            .iter()
            .any(|p| p.parent() == Some(self.root.as_path()));
        if !top_level {
            return;
        }
        let gone: Vec<PathBuf> = self
            .watched
            .iter()
            .filter(|p| !p.is_dir())
            .cloned()
            .collect();
        for p in gone {
            let _ = self.watcher.unwatch(&p);
            self.watched.remove(&p);
        }
        self.watch_top_folders();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(path: &str) -> Option<Change> {
        classify(Path::new("/site"), &Path::new("/site").join(path))
    }

    fn p(s: &str) -> PathBuf {
        PathBuf::from(s)
    }

    #[test]
    fn classifies_each_kind_of_source() {
        assert_eq!(c("site.yaml"), Some(Change::Config));
        assert_eq!(
            c("episodes/2015-07-29-aws.md"),
            Some(Change::Episode(p("episodes/2015-07-29-aws.md")))
        );
        assert_eq!(
            c("episodes/2015/x.markdown"),
            Some(Change::Episode(p("episodes/2015/x.markdown")))
        );
        assert_eq!(c("pages/about.md"), Some(Change::Page(p("pages/about.md"))));
        assert_eq!(
            c("templates/episode.html"),
            Some(Change::Template(p("templates/episode.html")))
        );
        assert_eq!(
            c("assets/css/site.css"),
            Some(Change::Stylesheet(p("assets/css/site.css")))
        );
        assert_eq!(
            c("assets/cover.jpg"),
            Some(Change::Asset(p("assets/cover.jpg")))
        );
        assert_eq!(
            c("audio/rr218.mp3"),
            Some(Change::Audio(p("audio/rr218.mp3")))
        );
        assert_eq!(
            c("transcripts/218.srt"),
            Some(Change::Transcript(p("transcripts/218.srt")))
        );
        assert_eq!(
            c("chapters/218.json"),
            Some(Change::Other(p("chapters/218.json")))
        );
        // A folder appearing or vanishing, and non-Markdown files beside episodes.
        assert_eq!(c("episodes"), Some(Change::Other(p("episodes"))));
        assert_eq!(
            c("episodes/notes.txt"),
            Some(Change::Other(p("episodes/notes.txt")))
        );
        assert_eq!(c("README.md"), Some(Change::Other(p("README.md"))));
    }

    #[test]
    fn a_network_shows_folder_is_classified_like_a_site() {
        assert_eq!(c("shows/a/show.yaml"), Some(Change::Config));
        assert_eq!(
            c("shows/a/episodes/x.md"),
            Some(Change::Episode(p("shows/a/episodes/x.md")))
        );
        assert_eq!(
            c("shows/a/audio/x.mp3"),
            Some(Change::Audio(p("shows/a/audio/x.mp3")))
        );
        assert_eq!(
            c("shows/a/assets/s.css"),
            Some(Change::Stylesheet(p("shows/a/assets/s.css")))
        );
        // A show folder appearing, or a file beside the shows: everything is read again.
        assert_eq!(c("shows/a"), Some(Change::Other(p("shows/a"))));
        assert_eq!(
            c("shows/notes.md"),
            Some(Change::Other(p("shows/notes.md")))
        );
    }

    #[test]
    fn ignores_outputs_hidden_and_editor_files() {
        for path in [
            "public/index.html",
            "public",
            "onair.lock",
            ".onair.lock.tmp-1234",
            ".onair/cache",
            ".git/index",
            "target/debug/x",
            "node_modules/x/y.js",
            "episodes/.aws.md.swp",
            "episodes/.#aws.md",
            "episodes/aws.md~",
            "episodes/#aws.md#",
            "episodes/4913",
            "episodes/aws.md.swp",
            "episodes/aws.md___jb_tmp___",
            "episodes/sedAb12Xz",
            "episodes/sed000000",
            "pages/~$about.md",
            "audio/sedq7RTk2",
            "audio/ep.mp3.part",
            "audio/ep.mp3.crdownload",
            "assets/.DS_Store",
            "templates/base.html.orig",
        ] {
            assert_eq!(c(path), None, "{path}");
        }
        assert_eq!(
            classify(Path::new("/site"), Path::new("/elsewhere/site.yaml")),
            None
        );
        assert_eq!(classify(Path::new("/site"), Path::new("/site")), None);
        // Names that only look like a temp file's are sources.
        for name in ["sedation.md", "sed.md", "sed-notes.md", "sedAb12Xzz.md"] {
            assert!(!is_editor_temp(name), "{name}");
        }
        assert!(c("episodes/sedation.md").is_some());
    }

    fn plan(paths: &[&str]) -> Option<Rebuild> {
        let paths: Vec<PathBuf> = paths.iter().map(|s| Path::new("/site").join(s)).collect();
        ChangeSet::from_paths(Path::new("/site"), &paths).rebuild()
    }

    #[test]
    fn rebuild_does_the_least_that_covers_the_batch() {
        assert_eq!(plan(&[]), None);
        assert_eq!(plan(&["public/index.html", "episodes/.a.md.swp"]), None);
        assert_eq!(
            plan(&["episodes/a.md", "episodes/b.md", "episodes/a.md~"]),
            Some(Rebuild::Episodes(
                [p("episodes/a.md"), p("episodes/b.md")].into()
            ))
        );
        assert_eq!(
            plan(&["audio/a.mp3"]),
            Some(Rebuild::Audio([p("audio/a.mp3")].into()))
        );
        assert_eq!(
            plan(&["assets/a.css", "assets/b.css"]),
            Some(Rebuild::Stylesheets)
        );
        for mixed in [
            &["episodes/a.md", "audio/a.mp3"][..],
            &["assets/a.css", "assets/logo.png"],
            &["episodes/a.md", "site.yaml"],
            &["templates/base.html"],
            &["pages/about.md"],
            &["transcripts/1.vtt"],
            &["chapters/1.json"],
        ] {
            assert_eq!(plan(mixed), Some(Rebuild::Full), "{mixed:?}");
        }
    }

    #[test]
    fn debounce_collects_a_burst_once() {
        let (tx, rx) = mpsc::channel();
        for name in ["a", "b", "a", "c"] {
            tx.send(p(name)).unwrap();
        }
        let batch = next_batch(&rx, Duration::from_millis(30), Duration::from_secs(5)).unwrap();
        assert_eq!(batch, vec![p("a"), p("b"), p("c")]);

        // A later path after the quiet time starts a new batch.
        let sender = std::thread::spawn(move || {
            tx.send(p("d")).unwrap();
            std::thread::sleep(Duration::from_millis(300));
            tx.send(p("e")).unwrap();
        });
        let first = next_batch(&rx, Duration::from_millis(30), Duration::from_secs(5)).unwrap();
        assert_eq!(first, vec![p("d")]);
        let second = next_batch(&rx, Duration::from_millis(30), Duration::from_secs(5)).unwrap();
        assert_eq!(second, vec![p("e")]);
        sender.join().unwrap();
        assert_eq!(
            next_batch(&rx, Duration::from_millis(30), Duration::from_secs(5)),
            None
        );
    }

    #[test]
    fn debounce_gives_up_waiting_after_max_wait() {
        let (tx, rx) = mpsc::channel();
        let sender = std::thread::spawn(move || {
            for i in 0..40 {
                if tx.send(p(&format!("f{i}"))).is_err() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        });
        let batch =
            next_batch(&rx, Duration::from_millis(100), Duration::from_millis(150)).unwrap();
        assert!(batch.len() < 40, "{}", batch.len());
        drop(rx);
        sender.join().unwrap();
    }

    #[test]
    fn watcher_reports_a_saved_episode_and_a_new_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir(root.join("episodes")).unwrap();
        std::fs::create_dir(root.join("public")).unwrap();
        let mut w = SiteWatcher::new(&root).unwrap();
        std::fs::write(root.join("public/index.html"), "x").unwrap();
        std::fs::write(root.join("episodes/a.md"), "x").unwrap();
        let wait = |w: &SiteWatcher, want: &Path| {
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Ok(path) = w.paths.recv_timeout(Duration::from_millis(100))
                    && path == want
                {
                    return true;
                }
            }
            false
        };
        assert!(wait(&w, &root.join("episodes/a.md")));

        std::fs::create_dir(root.join("pages")).unwrap();
        assert!(wait(&w, &root.join("pages")));
        w.follow(&[root.join("pages")]);
        std::fs::write(root.join("pages/about.md"), "x").unwrap();
        assert!(wait(&w, &root.join("pages/about.md")));
    }
}
