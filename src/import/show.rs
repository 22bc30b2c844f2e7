//! `onair import FEED DIR --show NAME`: the feed becomes a new show of a network, in
//! `shows/NAME/` (its show.yaml, episodes/, audio/, ...). Into an existing network the show
//! inherits what site.yaml sets; a missing or empty DIR becomes a network whose site.yaml
//! holds what shows share (title, url, author). A single-show site is never converted: the
//! import says how to do it by hand.

use std::path::Path;

use super::one;
use crate::config::CONFIG_FILE;
use crate::diag::{Diagnostic, Diagnostics};
use crate::network::{SHOW_FILE, SHOWS_DIR};

/// Where the new show goes.
#[derive(Debug, Clone, Default)]
pub struct IntoShow {
    /// Its folder in shows/, which is also its URL (`/<name>/`).
    pub name: String,
    /// The network exists (DIR has shows/); else the import makes one around the show.
    pub network_exists: bool,
    /// The top-level keys of the network's site.yaml, which the show inherits: the feed's
    /// lack of one of them is no problem.
    pub inherited: Vec<String>,
}

impl IntoShow {
    /// `shows/<name>/`, the prefix of every file the show's import writes.
    pub fn prefix(&self) -> String {
        format!("{SHOWS_DIR}/{}/", self.name)
    }

    /// The file a key of the imported settings is written to, as messages name it.
    pub fn file_for(&self, key: &str) -> String {
        let show = format!("{}{SHOW_FILE}", self.prefix());
        match key {
            _ if self.network_exists => show,
            "title" => format!("{CONFIG_FILE} and {show}"),
            k if NETWORK_KEYS.contains(&k) => CONFIG_FILE.to_string(),
            _ => show,
        }
    }
}

/// The keys of a new network's site.yaml (`title` is also the show's). Everything else the
/// feed gives is the show's.
const NETWORK_KEYS: &[&str] = &["title", "url", "author"];

/// Checks DIR and NAME before the feed is read; nothing is written.
pub fn target(dir: &Path, name: &str, url: Option<&str>) -> Result<IntoShow, Diagnostics> {
    if let Some(problem) = crate::network::show_name_problem(name) {
        return Err(one(Diagnostic::error(format!("--show {name}: {problem}"))));
    }
    let mut into = IntoShow {
        name: name.to_string(),
        ..IntoShow::default()
    };
    if !dir.exists() {
        return Ok(into);
    }
    if !dir.is_dir() {
        return Err(one(Diagnostic::error(
            "not a folder: give the site folder to import into",
        )
        .at(dir)));
    }
    let shows = dir.join(SHOWS_DIR);
    if shows.is_dir() {
        let folder = shows.join(name);
        if folder.exists() {
            return Err(one(Diagnostic::error(format!(
                "the show `{name}` already exists: onair import never overwrites a show; give the new one another --show NAME"
            ))
            .at(folder)));
        }
        // Another folder published at the same URL (`Night_Shift` is /night-shift/).
        if let Ok(entries) = std::fs::read_dir(&shows) {
            for e in entries.flatten() {
                let other = e.file_name().to_string_lossy().into_owned();
                if e.path().is_dir() && crate::slug::slugify(&other) == name {
                    return Err(one(Diagnostic::error(format!(
                        "is published at /{name}/ already: give the new show another --show NAME"
                    ))
                    .at(e.path())));
                }
            }
        }
        if url.is_some() {
            return Err(one(Diagnostic::error(format!(
                "--url: {} is a network, whose address is `url:` in its site.yaml; the new show is published under it at /{name}/ (leave out --url)",
                dir.display()
            ))));
        }
        into.network_exists = true;
        into.inherited = std::fs::read_to_string(dir.join(CONFIG_FILE))
            .map(|t| crate::network::top_level_keys(&t))
            .unwrap_or_default();
        return Ok(into);
    }
    if dir.join(CONFIG_FILE).exists() || dir.join("episodes").is_dir() {
        return Err(one(Diagnostic::error(format!(
            "is a single-show site (site.yaml, no shows/ folder): --show adds a show to a network, and onair import never converts a site. \
             To make it a network by hand, pick a name for the show it holds (say `main`), move its episodes/, audio/, assets/, pages/ and transcripts/ \
             into shows/main/, move the show's keys of site.yaml (title, description, image, categories, owner, ...) into shows/main/show.yaml with \
             `path: /` (its feed and episode URLs then stay where they are), keep what the shows share (title, url, author, theme, timezone, deploy) \
             in site.yaml, and import again with --show {name}"
        ))
        .at(dir)));
    }
    Ok(into)
}

/// Splits the settings import writes for one site into the network's site.yaml (None when
/// the network exists) and the show's show.yaml, key by key; each `# TODO:` line goes with
/// the key it names, the heading comment into both.
pub fn split(text: &str, into: &IntoShow) -> (Option<String>, String) {
    let mut network = String::new();
    let mut show = String::new();
    let mut key = String::new();
    for line in text.lines() {
        if let Some(todo) = line.strip_prefix("# TODO: ") {
            key = todo
                .split_once("; ")
                .and_then(|(_, rest)| rest.split_once(':'))
                .map(|(k, _)| k.trim().to_string())
                .unwrap_or_default();
        } else if line.starts_with('#') {
            key.clear();
        } else if !line.starts_with([' ', '\t', '-'])
            && let Some((k, _)) = line.split_once(':')
        {
            key = k.trim().to_string();
        }
        let (to_network, to_show) = match key.as_str() {
            "" => (true, true),
            "url" => (true, false),
            _ if into.network_exists => (false, true),
            "title" => (true, true),
            k if NETWORK_KEYS.contains(&k) => (true, false),
            _ => (false, true),
        };
        for (yes, out) in [(to_network, &mut network), (to_show, &mut show)] {
            if yes {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    ((!into.network_exists).then_some(network), show)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITE: &str = "# Imported from feed.xml by `onair import`.\ntitle: Show\ndescription: About\nurl: https://old.example\nauthor: Ann\nhosts:\n  - { name: Ann, role: host }\n# TODO: the old feed has no owner email (<itunes:owner>); owner: { name: Your Name, email: you@example.com }  (Apple and Spotify write to it)\n# TODO: the old feed has no author; author: Your Name\n";

    #[test]
    fn a_new_network_keeps_what_shows_share() {
        let into = IntoShow {
            name: "one".into(),
            ..IntoShow::default()
        };
        let (network, show) = split(SITE, &into);
        assert_eq!(
            network.unwrap(),
            "# Imported from feed.xml by `onair import`.\ntitle: Show\nurl: https://old.example\nauthor: Ann\n# TODO: the old feed has no author; author: Your Name\n"
        );
        assert_eq!(
            show,
            "# Imported from feed.xml by `onair import`.\ntitle: Show\ndescription: About\nhosts:\n  - { name: Ann, role: host }\n# TODO: the old feed has no owner email (<itunes:owner>); owner: { name: Your Name, email: you@example.com }  (Apple and Spotify write to it)\n"
        );
    }

    #[test]
    fn a_show_of_a_network_has_no_url_of_its_own() {
        let into = IntoShow {
            name: "one".into(),
            network_exists: true,
            inherited: vec!["url".into()],
        };
        let (network, show) = split(SITE, &into);
        assert_eq!(network, None);
        assert!(!show.contains("url:"), "{show}");
        assert!(show.contains("author: Ann\n"), "{show}");
        assert_eq!(into.file_for("author"), "shows/one/show.yaml");
    }
}
