//! The Content-Type and Cache-Control of every published file, with site.yaml's
//! `deploy.headers` overrides (the first matching glob wins).

use crate::config::HeaderRule;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Headers {
    pub content_type: String,
    pub cache_control: String,
}

/// The order class of a file: media first, then assets, then pages, then the feed and sitemap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    Media,
    Asset,
    Page,
    Feed,
}

pub const CACHE_IMMUTABLE: &str = "public, max-age=31536000, immutable";
pub const CACHE_SHORT: &str = "public, max-age=300";
pub const CACHE_AUDIO: &str = "public, max-age=86400";
pub const CACHE_DEFAULT: &str = "public, max-age=3600";

pub use crate::mime::content_type;

pub use crate::mime::is_feed;

pub fn class(path: &str) -> Class {
    let ct = content_type(path);
    if is_feed(path) || path == "sitemap.xml" || path.ends_with("/sitemap.xml") {
        Class::Feed
    } else if ct.starts_with("audio/") || ct.starts_with("video/") {
        Class::Media
    } else if ct.starts_with("text/html") {
        Class::Page
    } else {
        Class::Asset
    }
}

/// A fingerprinted name: a run of 8 or more hex digits between dots or a dash and a dot
/// (`style.3f9a0c1d.css`, `app-3f9a0c1d2b.js`).
pub fn fingerprinted(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.split(['.', '-'])
        .rev()
        .skip(1)
        .any(|part| part.len() >= 8 && part.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub fn defaults(path: &str) -> Headers {
    let ct = content_type(path);
    let cache = match class(path) {
        Class::Feed | Class::Page => CACHE_SHORT,
        Class::Media => CACHE_AUDIO,
        Class::Asset if fingerprinted(path) => CACHE_IMMUTABLE,
        Class::Asset => CACHE_DEFAULT,
    };
    Headers {
        content_type: ct.to_string(),
        cache_control: cache.to_string(),
    }
}

pub fn for_path(path: &str, rules: &[HeaderRule]) -> Headers {
    let mut h = defaults(path);
    let matching = || rules.iter().filter(|r| glob_match(&r.glob, path));
    if let Some(c) = matching().find_map(|r| r.cache_control.as_ref()) {
        h.cache_control.clone_from(c);
    }
    if let Some(t) = matching().find_map(|r| r.content_type.as_ref()) {
        h.content_type.clone_from(t);
    }
    h
}

/// `*` matches within one path segment, `**` across segments, `?` one character.
pub fn glob_match(glob: &str, path: &str) -> bool {
    fn m(g: &[u8], p: &[u8]) -> bool {
        match g.first() {
            None => p.is_empty(),
            Some(b'*') if g.get(1) == Some(&b'*') => {
                let rest = g[2..].strip_prefix(b"/").unwrap_or(&g[2..]);
                (0..=p.len()).any(|i| m(rest, &p[i..]))
                    || (0..=p.len()).any(|i| m(&g[2..], &p[i..]))
            }
            Some(b'*') => (0..=p.len())
                .take_while(|&i| i == 0 || p[i - 1] != b'/')
                .any(|i| m(&g[1..], &p[i..])),
            Some(b'?') => !p.is_empty() && p[0] != b'/' && m(&g[1..], &p[1..]),
            Some(&c) => p.first() == Some(&c) && m(&g[1..], &p[1..]),
        }
    }
    m(glob.as_bytes(), path.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_and_caches() {
        assert_eq!(defaults("audio/a.mp3").content_type, "audio/mpeg");
        assert_eq!(defaults("audio/a.m4a").content_type, "audio/mp4");
        assert_eq!(
            defaults("feed.xml").content_type,
            "application/rss+xml; charset=utf-8"
        );
        assert_eq!(defaults("feed.xml").cache_control, CACHE_SHORT);
        assert_eq!(defaults("index.html").cache_control, CACHE_SHORT);
        assert_eq!(defaults("audio/a.mp3").cache_control, CACHE_AUDIO);
        assert_eq!(
            defaults("assets/style.3f9a0c1d.css").cache_control,
            CACHE_IMMUTABLE
        );
        assert_eq!(defaults("assets/style.css").cache_control, CACHE_DEFAULT);
        assert_eq!(
            defaults("chapters/218.json").content_type,
            "application/json+chapters"
        );
        assert_eq!(
            defaults("episodes/trailer/chapters.json").content_type,
            "application/json+chapters"
        );
        assert_eq!(
            defaults("episodes/index.json").content_type,
            "application/json"
        );
        assert_eq!(class("sitemap.xml"), Class::Feed);
    }

    #[test]
    fn the_first_matching_rule_wins_per_header() {
        let rule = |glob: &str, cc: Option<&str>, ct: Option<&str>| HeaderRule {
            glob: glob.into(),
            cache_control: cc.map(Into::into),
            content_type: ct.map(Into::into),
        };
        let rules = [
            rule("audio/**", Some("public, max-age=604800"), None),
            rule("**/*.mp3", Some("no-cache"), Some("audio/x-mp3")),
        ];
        let h = for_path("audio/a.mp3", &rules);
        assert_eq!(h.cache_control, "public, max-age=604800");
        assert_eq!(h.content_type, "audio/x-mp3");
        assert_eq!(for_path("index.html", &rules), defaults("index.html"));
    }

    #[test]
    fn globs() {
        assert!(glob_match("audio/*.mp3", "audio/a.mp3"));
        assert!(!glob_match("*.mp3", "audio/a.mp3"));
        assert!(glob_match("**/*.mp3", "audio/a.mp3"));
        assert!(glob_match("**.html", "a/b/index.html"));
        assert!(!glob_match("audio/?.mp3", "audio/ab.mp3"));
    }
}
