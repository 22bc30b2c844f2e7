//! What listeners have now: the feeds of the last successful `onair deploy`, the baseline of
//! the publish-safety comparison (episode-vanished, guid-changed, ...).
//!
//! A local build is a preview and never a baseline: `public/` is rewritten by `--drafts`,
//! `--at`, `deploy --dry-run` and by deploys that were refused. So the baseline is the feed on
//! the deploy target, read at deploy time, or else the copy that the last successful deploy
//! kept in `.onair/published/` (same key as on the target: `feed.xml`, `<show>/feed.xml`). A
//! site that was never published has none, and nothing to compare with.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Inside the site folder: the copies the last successful deploy kept.
pub const DIR: &str = ".onair/published";

/// A feed key on the target (`feed.xml`, `shows/a/feed.xml`): the ones kept as a baseline.
pub fn is_feed_key(key: &str) -> bool {
    key == "feed.xml" || key.ends_with("/feed.xml")
}

/// Where the feeds listeners have now come from.
#[derive(Debug, Clone)]
pub enum Baseline {
    /// Nothing to compare with (a check that compares `--against` a file names it itself).
    None,
    /// The copies in `<site>/.onair/published/`: `onair build` and `onair check DIR`.
    Kept { site: PathBuf },
    /// Feeds read from the deploy target just now (`url` names it in messages); a key the
    /// target does not hold falls back to the kept copy.
    Target {
        url: String,
        feeds: BTreeMap<String, String>,
        site: PathBuf,
    },
}

impl Baseline {
    pub fn kept(site: &Path) -> Baseline {
        Baseline::Kept {
            site: site.to_path_buf(),
        }
    }

    /// The published feed at `key` and the name to give it in messages, None when there is
    /// none (never published).
    pub fn feed(&self, key: &str) -> Option<(String, PathBuf)> {
        match self {
            Baseline::None => None,
            Baseline::Kept { site } => read_kept(site, key),
            Baseline::Target { url, feeds, site } => match feeds.get(key) {
                Some(text) => Some((
                    text.clone(),
                    PathBuf::from(format!("{}/{key}", url.trim_end_matches('/'))),
                )),
                None => read_kept(site, key),
            },
        }
    }
}

fn read_kept(site: &Path, key: &str) -> Option<(String, PathBuf)> {
    let path = site.join(DIR).join(key);
    let text = std::fs::read_to_string(&path).ok()?;
    Some((text, path))
}

/// After a successful deploy: keep each feed it published (`public/<key>`) as the baseline.
/// Copies of feeds the site no longer has are removed. Each file is replaced whole.
pub fn keep(site: &Path, public: &Path, keys: &[&str]) -> std::io::Result<()> {
    let dir = site.join(DIR);
    let wanted: std::collections::BTreeSet<&str> = keys.iter().copied().collect();
    for key in keys {
        let dest = dir.join(key);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let bytes = std::fs::read(public.join(key))?;
        let tmp = dest.with_extension("xml.tmp");
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, &dest)?;
    }
    for old in kept_keys(&dir) {
        if !wanted.contains(old.as_str()) {
            let _ = std::fs::remove_file(dir.join(&old));
        }
    }
    Ok(())
}

/// The feed keys kept under `dir`.
fn kept_keys(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?;
            let key = rel.to_string_lossy().replace('\\', "/");
            is_feed_key(&key).then_some(key)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_never_published_has_no_baseline() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Baseline::kept(dir.path()).feed("feed.xml").is_none());
    }

    #[test]
    fn keep_replaces_the_copies_and_drops_feeds_gone_from_the_site() {
        let site = tempfile::tempdir().unwrap();
        let public = site.path().join("public");
        std::fs::create_dir_all(public.join("a")).unwrap();
        std::fs::write(public.join("feed.xml"), "<rss>one</rss>").unwrap();
        std::fs::write(public.join("a/feed.xml"), "<rss>a</rss>").unwrap();
        keep(site.path(), &public, &["feed.xml", "a/feed.xml"]).unwrap();
        let base = Baseline::kept(site.path());
        let (text, path) = base.feed("a/feed.xml").unwrap();
        assert_eq!(text, "<rss>a</rss>");
        assert_eq!(path, site.path().join(".onair/published/a/feed.xml"));
        std::fs::write(public.join("feed.xml"), "<rss>two</rss>").unwrap();
        keep(site.path(), &public, &["feed.xml"]).unwrap();
        assert_eq!(base.feed("feed.xml").unwrap().0, "<rss>two</rss>");
        assert!(base.feed("a/feed.xml").is_none());
    }

    #[test]
    fn the_target_s_feed_wins_over_the_kept_copy() {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(site.path().join(DIR)).unwrap();
        std::fs::write(site.path().join(DIR).join("feed.xml"), "kept").unwrap();
        let base = Baseline::Target {
            url: "s3://b/p/".into(),
            feeds: BTreeMap::from([("feed.xml".to_string(), "live".to_string())]),
            site: site.path().to_path_buf(),
        };
        let (text, label) = base.feed("feed.xml").unwrap();
        assert_eq!(
            (text.as_str(), label),
            ("live", PathBuf::from("s3://b/p/feed.xml"))
        );
        assert!(base.feed("x/feed.xml").is_none());
    }
}
