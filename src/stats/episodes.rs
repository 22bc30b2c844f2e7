//! The episodes a log's requests are matched against: every enclosure of the site (each show
//! of a network), with its exact size, duration and header bytes, found by the path of a
//! request.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use rustc_hash::FxHashMap;

use crate::content::{AudioSource, Site};
use crate::diag::Diagnostics;
use crate::pipeline::{BuildOptions, build_site};

use super::formats::url_path;
use super::percent_decode;

#[derive(Debug, Clone, PartialEq)]
pub struct EpisodeInfo {
    pub slug: String,
    pub title: String,
    /// The show's name in a network.
    pub show: Option<String>,
    /// The enclosure URL as the feed has it.
    pub url: String,
    /// Publication time, Unix seconds (the list is newest first).
    pub published: i64,
    pub size: u64,
    /// Seconds.
    pub duration: f64,
    /// Bytes before the audio itself (ID3v2 tag, MP4 boxes before `mdat`, FLAC metadata);
    /// 0 when the file is not at hand.
    pub header: u64,
}

impl EpisodeInfo {
    /// The bytes a window must reach to be a download (IAB v2.3): the header plus one minute
    /// at the file's average byte rate, or the whole file when it plays under a minute.
    pub fn threshold(&self) -> u64 {
        if self.duration < 60.0 || self.duration.is_nan() {
            return self.size;
        }
        let rate = self.size as f64 / self.duration;
        (self.header + (rate * 60.0).ceil() as u64).min(self.size)
    }
}

pub struct Catalog {
    pub episodes: Vec<EpisodeInfo>,
    /// Each episode's enclosure path, decoded (the history's key for it).
    keys: Vec<String>,
    paths: FxHashMap<String, u32>,
}

impl Catalog {
    pub fn new(mut episodes: Vec<EpisodeInfo>) -> Catalog {
        episodes.sort_by(|a, b| b.published.cmp(&a.published).then(a.slug.cmp(&b.slug)));
        // Keyed without the leading `/`, so that an S3 key (`audio/a.mp3`) is looked up as
        // it is logged.
        let mut paths = FxHashMap::default();
        let full: Vec<String> = episodes.iter().map(|e| clean_path(&e.url)).collect();
        for (i, path) in full.iter().enumerate() {
            paths.entry(path[1..].to_string()).or_insert(i as u32);
        }
        // Then the tails of each path: the site's `url:` may have a path of its own
        // (https://host/show/) that an S3 key or a CDN's path does not.
        for (i, path) in full.iter().enumerate() {
            for (at, _) in path.match_indices('/').skip(1) {
                paths.entry(path[at + 1..].to_string()).or_insert(i as u32);
            }
        }
        Catalog {
            episodes,
            keys: full,
            paths,
        }
    }

    /// An episode's enclosure path, decoded.
    pub fn path_of(&self, episode: u32) -> &str {
        &self.keys[episode as usize]
    }

    /// The episode of an enclosure path as `path_of` gives it.
    pub fn by_path(&self, path: &str) -> Option<u32> {
        let i = *self.paths.get(path.strip_prefix('/')?)?;
        (self.keys[i as usize] == path).then_some(i)
    }

    /// The episode a logged path asks for: query string dropped, URL-decoded, matched whole
    /// or (an S3 key under a deploy prefix, a CDN path under a folder) by its longest tail.
    /// No allocation unless the path has `%` escapes.
    pub fn lookup(&self, logged: &str) -> Option<u32> {
        let path = url_path(logged);
        let path = path.split(['?', '#']).next().unwrap_or("");
        let path = percent_decode(path);
        let mut tail: &str = path.trim_start_matches('/');
        loop {
            if let Some(&i) = self.paths.get(tail) {
                return Some(i);
            }
            let next = tail.find('/')?;
            tail = &tail[next + 1..];
        }
    }
}

/// A URL or logged path as the history keys it: `/`-led, no scheme, host, query or
/// fragment, `%XX` decoded.
fn clean_path(logged: &str) -> String {
    let path = url_path(logged);
    let path = path.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path);
    if decoded.starts_with('/') {
        decoded.into_owned()
    } else {
        format!("/{decoded}")
    }
}

/// Every published episode of the site at `root`, built in memory as `onair build` would
/// (the audio facts from onair.lock, or probed); and those of one show of a network with
/// `show` (its name or its folder), else all again.
pub fn load(
    root: &Path,
    show: Option<&str>,
) -> Result<(Vec<EpisodeInfo>, Vec<EpisodeInfo>), Diagnostics> {
    let built = build_site(&BuildOptions {
        root: root.to_path_buf(),
        ..Default::default()
    })?;
    let Some(network) = &built.network else {
        let all = of_site(&built.site, None);
        return Ok((all.clone(), all));
    };
    let (mut all, mut shown) = (Vec::new(), Vec::new());
    let mut found = false;
    for s in &network.shows {
        let folder = s.rel.file_name().map(|f| f.to_string_lossy().into_owned());
        let eps = of_site(&s.site, Some(&s.name));
        if show.is_none_or(|want| want == s.name || Some(want) == folder.as_deref()) {
            found = true;
            shown.extend(eps.iter().cloned());
        }
        all.extend(eps);
    }
    if let (Some(want), false) = (show, found) {
        let mut d = Diagnostics::new();
        d.push(crate::diag::Diagnostic::error(format!(
            "the network has no show `{want}` (--show takes a show's name or its folder in shows/)"
        )));
        return Err(d);
    }
    Ok((all, shown))
}

fn of_site(site: &Site, show: Option<&str>) -> Vec<EpisodeInfo> {
    site.episodes
        .iter()
        .map(|e| EpisodeInfo {
            slug: e.slug.clone(),
            title: e.title.clone(),
            show: show.map(str::to_string),
            url: e.audio_url.clone(),
            published: e.date.timestamp().as_second(),
            size: e.facts.size,
            duration: e.facts.duration,
            header: match &e.audio {
                AudioSource::Local(rel) => header_bytes(&site.root.join(rel)),
                AudioSource::Remote(_) => 0,
            },
        })
        .collect()
}

/// Bytes before the audio of a file: an ID3v2 tag (with its footer), the MP4 boxes before
/// `mdat`'s payload, FLAC's metadata blocks; 0 for anything else or a file not at hand.
pub fn header_bytes(path: &Path) -> u64 {
    let Ok(mut f) = std::fs::File::open(path) else {
        return 0;
    };
    let mut head = [0u8; 12];
    if f.read_exact(&mut head).is_err() {
        return 0;
    }
    if &head[0..3] == b"ID3" {
        let size = head[6..10]
            .iter()
            .fold(0u64, |n, b| (n << 7) | (*b & 0x7f) as u64);
        let footer = if head[5] & 0x10 != 0 { 10 } else { 0 };
        return 10 + size + footer;
    }
    if &head[4..8] == b"ftyp" {
        return mp4_header(&mut f).unwrap_or(0);
    }
    if &head[0..4] == b"fLaC" {
        return flac_header(&mut f).unwrap_or(0);
    }
    0
}

fn mp4_header(f: &mut std::fs::File) -> Option<u64> {
    let mut at = 0u64;
    for _ in 0..64 {
        f.seek(SeekFrom::Start(at)).ok()?;
        let mut h = [0u8; 16];
        f.read_exact(&mut h[..8]).ok()?;
        let mut size = u32::from_be_bytes(h[0..4].try_into().ok()?) as u64;
        let mut len = 8;
        if size == 1 {
            f.read_exact(&mut h[8..16]).ok()?;
            size = u64::from_be_bytes(h[8..16].try_into().ok()?);
            len = 16;
        }
        if &h[4..8] == b"mdat" {
            return Some(at + len);
        }
        if size < len {
            return None;
        }
        at += size;
    }
    None
}

fn flac_header(f: &mut std::fs::File) -> Option<u64> {
    let mut at = 4u64;
    for _ in 0..128 {
        f.seek(SeekFrom::Start(at)).ok()?;
        let mut h = [0u8; 4];
        f.read_exact(&mut h).ok()?;
        let len = u32::from_be_bytes([0, h[1], h[2], h[3]]) as u64;
        at += 4 + len;
        if h[0] & 0x80 != 0 {
            return Some(at);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep(slug: &str, url: &str, size: u64, duration: f64, header: u64) -> EpisodeInfo {
        EpisodeInfo {
            slug: slug.into(),
            title: slug.into(),
            show: None,
            url: url.into(),
            published: 0,
            size,
            duration,
            header,
        }
    }

    #[test]
    fn minute_rule() {
        // 600 s at 1,000 bytes a second: the header and 60,000 bytes.
        assert_eq!(ep("a", "/a", 600_000, 600.0, 1234).threshold(), 61_234);
        // Under a minute: the whole file.
        assert_eq!(ep("b", "/b", 50_000, 59.5, 100).threshold(), 50_000);
        assert_eq!(ep("c", "/c", 61_000, 61.0, 0).threshold(), 60_000);
    }

    #[test]
    fn lookup_by_path_forms() {
        let c = Catalog::new(vec![
            ep("a", "https://pod.example/audio/ep%201.mp3", 1, 1.0, 0),
            ep("b", "https://pod.example/show2/audio/ep%201.mp3", 1, 1.0, 0),
        ]);
        let slug = |p: &str| c.lookup(p).map(|i| c.episodes[i as usize].slug.as_str());
        assert_eq!(slug("/audio/ep%201.mp3?utm=rss"), Some("a"));
        assert_eq!(slug("/audio/ep 1.mp3"), Some("a"));
        assert_eq!(slug("audio/ep%201.mp3"), Some("a"));
        assert_eq!(slug("/site-prefix/audio/ep%201.mp3"), Some("a"));
        assert_eq!(
            slug("https://zone.b-cdn.net/show2/audio/ep%201.mp3"),
            Some("b")
        );
        assert_eq!(slug("/audio/other.mp3"), None);
        // An S3 key without the site's own path.
        let c = Catalog::new(vec![ep(
            "s",
            "https://pod.example/show/audio/s.mp3",
            1,
            1.0,
            0,
        )]);
        assert_eq!(c.lookup("audio/s.mp3"), Some(0));
        assert_eq!(slug("/"), None);
    }

    #[test]
    fn id3_header() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.mp3");
        // ID3v2.4, no footer, syncsafe size 0x0201 = 257.
        let mut bytes = b"ID3\x04\x00\x00\x00\x00\x02\x01".to_vec();
        bytes.extend(vec![0u8; 300]);
        std::fs::write(&p, bytes).unwrap();
        assert_eq!(header_bytes(&p), 10 + 257);
        assert_eq!(header_bytes(&dir.path().join("missing.mp3")), 0);
    }
}
