//! Before anything goes up: every file of the site that the feed names must be on the target
//! once the deploy is done. An episode whose audio is known only from onair.lock (the file was
//! deleted, or a CI checkout has the lock but not the audio) is built from the lock's facts,
//! but `public/` has no file to send: publishing that feed would point apps at nothing.

use super::{LocalFile, Manifest};
use crate::xml::{self, Element};

/// A file the feed names that neither `public/` nor the target has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    /// The key under the site (`audio/ep1.mp3`).
    pub key: String,
    /// What the target holds instead, when it holds something else under that key.
    pub target_has: Option<u64>,
    /// The size the feed states (an enclosure's `length`).
    pub length: Option<u64>,
}

/// The files under `base_url` that the feed names (enclosures, alternate sources, artwork,
/// transcripts, chapters) and that this deploy could not make present: not in `local` (what
/// `public/` holds) and not on the target as the feed states it (`old`, the target's manifest,
/// at the enclosure's length).
pub fn missing(feed: &str, base_url: &str, local: &[LocalFile], old: &Manifest) -> Vec<Missing> {
    let doc = xml::parse(feed);
    let Some(root) = doc.root.as_ref() else {
        return Vec::new();
    };
    let prefix = format!("{}/", base_url.trim_end_matches('/'));
    let mut named = Vec::new();
    collect_references(root, &prefix, &mut named);
    let here: std::collections::HashSet<&str> = local.iter().map(|f| f.key.as_str()).collect();
    let mut out: Vec<Missing> = Vec::new();
    for (key, length) in named {
        if here.contains(key.as_str()) || out.iter().any(|m| m.key == key) {
            continue;
        }
        let held = old.files.get(&key).map(|e| e.size);
        if held.is_some() && (length.is_none() || held == length) {
            continue;
        }
        out.push(Missing {
            key,
            target_has: held,
            length,
        });
    }
    out
}

/// The elements that name a file the site publishes, and the attribute that names it (links to
/// pages and funding or people URLs may point anywhere on the site's domain).
const FILE_REFERENCES: &[(&str, &str)] = &[
    ("enclosure", "url"),
    ("podcast:source", "uri"),
    ("podcast:transcript", "url"),
    ("podcast:chapters", "url"),
    ("itunes:image", "href"),
];

/// Each file reference under `prefix` (as a key: the path after it, decoded), with the
/// `length` its element states.
fn collect_references(el: &Element, prefix: &str, out: &mut Vec<(String, Option<u64>)>) {
    for attr in &el.attrs {
        if !FILE_REFERENCES.contains(&(el.qname.as_str(), attr.name.as_str())) {
            continue;
        }
        let Some(path) = attr.value.trim().strip_prefix(prefix) else {
            continue;
        };
        let path = path.split(['?', '#']).next().unwrap_or("");
        let key = crate::percent::decode(path).into_owned();
        let length = el.attr_value("length").and_then(|l| l.trim().parse().ok());
        out.push((key, length));
    }
    for child in &el.children {
        collect_references(child, prefix, out);
    }
}

/// One line per missing file, saying what to do about it.
pub fn describe(m: &Missing) -> String {
    let why = match (m.target_has, m.length) {
        (Some(size), Some(len)) => {
            format!("the target holds a different file there ({size} bytes, the feed says {len})")
        }
        _ => "the target does not hold it either".to_string(),
    };
    format!(
        "{}: the feed points at it, but it is not in public/ (known only from onair.lock?) and {why}; put the file back in the site folder, or upload it once, or host it elsewhere and give the episode an https URL",
        m.key
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::Entry;

    fn local(key: &str) -> LocalFile {
        LocalFile {
            key: key.into(),
            path: key.into(),
            hash: String::new(),
            size: 1,
            headers: crate::deploy::headers::Headers {
                content_type: String::new(),
                cache_control: String::new(),
            },
            class: crate::deploy::headers::Class::Media,
            stage: 0,
            links: Vec::new(),
            new: false,
        }
    }

    const FEED: &str = r#"<rss><channel><itunes:image href="https://s.example/cover.jpg"/>
<item><enclosure url="https://s.example/audio/one%20a.mp3" length="100" type="audio/mpeg"/></item>
<item><enclosure url="https://s.example/audio/two.mp3" length="200" type="audio/mpeg"/></item>
<item><enclosure url="https://cdn.other/x.mp3" length="5" type="audio/mpeg"/></item>
</channel></rss>"#;

    #[test]
    fn a_file_neither_here_nor_on_the_target_is_missing() {
        let got = missing(
            FEED,
            "https://s.example",
            &[local("cover.jpg"), local("audio/one a.mp3")],
            &Manifest::default(),
        );
        assert_eq!(
            got,
            vec![Missing {
                key: "audio/two.mp3".into(),
                target_has: None,
                length: Some(200)
            }]
        );
    }

    #[test]
    fn the_target_holding_the_exact_object_is_enough() {
        let mut old = Manifest::default();
        let entry = |size| Entry {
            hash: "h".into(),
            size,
            content_type: "audio/mpeg".into(),
            cache_control: String::new(),
        };
        old.files.insert("audio/two.mp3".into(), entry(200));
        old.files.insert("audio/one a.mp3".into(), entry(99));
        let got = missing(FEED, "https://s.example/", &[local("cover.jpg")], &old);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].key, "audio/one a.mp3");
        assert_eq!(got[0].target_has, Some(99));
        assert!(describe(&got[0]).contains("different file there (99 bytes, the feed says 100)"));
    }
}
