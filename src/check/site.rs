//! Checks that need the build output next to the feed: every local file the feed points at
//! exists with the stated size, and the artwork is what Apple accepts.

use std::io::Read;
use std::path::Path;

use super::CheckOptions;
use super::feed::{self, Reporter};
use crate::diag::Diagnostic;
use crate::output::{OutputFile, SiteOutput, key_for_url_path};
use crate::xml::{self, Element};

/// What a feed URL points at inside the site, when it is under `base_url`.
fn local_path<'u>(url: &'u str, base_url: &str) -> Option<&'u str> {
    let base = base_url.trim_end_matches('/');
    let rest = url.strip_prefix(base)?;
    if !(rest.is_empty() || rest.starts_with('/')) {
        return None; // https://example.com.evil/ is not under https://example.com
    }
    Some(rest.split(['?', '#']).next().unwrap_or(rest))
}

/// The first bytes of a published file (enough for any image header).
fn head_of(file: &OutputFile, max: usize) -> Option<Vec<u8>> {
    match file {
        OutputFile::Bytes(b) => Some(b[..b.len().min(max)].to_vec()),
        OutputFile::Copy(p) => {
            let mut buf = Vec::new();
            std::fs::File::open(p)
                .ok()?
                .take(max as u64)
                .read_to_end(&mut buf)
                .ok()?;
            Some(buf)
        }
    }
}

/// One artwork problem: rule id and message.
pub type ArtworkProblem = (&'static str, String);

/// Apple's artwork requirements, from the file's first bytes (feed-rules.md rule 35).
pub fn check_artwork(bytes: &[u8], name: &str) -> Vec<ArtworkProblem> {
    let mut problems = Vec::new();
    let ext = feed::url_extension(&format!("https://x/{name}"));
    let info = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        png_info(bytes).map(|i| ("PNG", i))
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        jpeg_info(bytes).map(|i| ("JPEG", i))
    } else {
        let what = imagesize::image_type(bytes)
            .map(|t| format!("{t:?}"))
            .unwrap_or_else(|_| "not an image".to_string());
        problems.push((
            "artwork-format",
            format!("{name} is {what}; artwork must be JPEG or PNG"),
        ));
        return problems;
    };
    let Some((format, info)) = info else {
        problems.push((
            "artwork-format",
            format!("{name}: cannot read the image header; is the file cut short?"),
        ));
        return problems;
    };
    let matches = match format {
        "PNG" => ext.as_deref() == Some("png"),
        _ => matches!(ext.as_deref(), Some("jpg" | "jpeg")),
    };
    if !matches {
        problems.push((
            "artwork-format",
            format!(
                "{name} holds {format} data; name it .{}",
                if format == "PNG" { "png" } else { "jpg" }
            ),
        ));
    }
    let (w, h) = (info.width, info.height);
    if w != h {
        problems.push((
            "artwork-size",
            format!("{name} is {w}x{h} px; artwork must be square"),
        ));
    }
    if w.min(h) < 1400 || w.max(h) > 3000 {
        problems.push((
            "artwork-size",
            format!("{name} is {w}x{h} px; artwork must be 1400 to 3000 px a side"),
        ));
    }
    if let Some(why) = info.color_problem {
        problems.push((
            "artwork-color",
            format!("{name} {why}; artwork must be RGB"),
        ));
    }
    problems
}

struct ImageInfo {
    width: u32,
    height: u32,
    color_problem: Option<&'static str>,
}

fn png_info(b: &[u8]) -> Option<ImageInfo> {
    if b.len() < 29 || &b[12..16] != b"IHDR" {
        return None;
    }
    let width = u32::from_be_bytes(b[16..20].try_into().ok()?);
    let height = u32::from_be_bytes(b[20..24].try_into().ok()?);
    let color_problem = match b[25] {
        0 => Some("is grayscale"),
        4 => Some("is grayscale with an alpha channel"),
        6 => Some("has an alpha channel"),
        3 if png_has_chunk(b, b"tRNS") => Some("has transparency (a tRNS chunk)"),
        _ => None,
    };
    Some(ImageInfo {
        width,
        height,
        color_problem,
    })
}

fn png_has_chunk(b: &[u8], name: &[u8; 4]) -> bool {
    let mut at = 8;
    while at + 8 <= b.len() {
        let len = u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize;
        let kind = &b[at + 4..at + 8];
        if kind == name {
            return true;
        }
        if kind == b"IDAT" || kind == b"IEND" {
            return false; // tRNS must come before IDAT
        }
        at += 12 + len;
    }
    false
}

fn jpeg_info(b: &[u8]) -> Option<ImageInfo> {
    let mut at = 2;
    while at + 4 <= b.len() {
        if b[at] != 0xFF {
            return None;
        }
        let marker = b[at + 1];
        if marker == 0xFF {
            at += 1; // fill byte
            continue;
        }
        if matches!(marker, 0xD0..=0xD9 | 0x01) {
            at += 2;
            continue;
        }
        let len = u16::from_be_bytes([b[at + 2], b[at + 3]]) as usize;
        let is_sof = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_sof {
            let seg = b.get(at + 4..at + 2 + len)?;
            let height = u16::from_be_bytes([*seg.get(1)?, *seg.get(2)?]) as u32;
            let width = u16::from_be_bytes([*seg.get(3)?, *seg.get(4)?]) as u32;
            let color_problem = match *seg.get(5)? {
                1 => Some("is grayscale"),
                3 => None,
                4 => Some("is CMYK"),
                _ => Some("has an unusual number of colour components"),
            };
            return Some(ImageInfo {
                width,
                height,
                color_problem,
            });
        }
        at += 2 + len;
    }
    None
}

/// The URLs of a feed that may point into the site: (element, attribute holding the URL).
fn linked_files(channel: &Element) -> Vec<(&Element, &'static str)> {
    let mut out = Vec::new();
    if let Some(img) = channel.child("itunes:image") {
        out.push((img, "href"));
    }
    for trailer in channel.children_named("podcast:trailer") {
        out.push((trailer, "url"));
    }
    for item in channel.children_named("item") {
        for child in &item.children {
            match child.key.as_str() {
                "enclosure" => out.push((child, "url")),
                "itunes:image" => out.push((child, "href")),
                "podcast:chapters" | "podcast:transcript" => out.push((child, "url")),
                _ => {}
            }
        }
    }
    out
}

/// Check a built site: its feed (`feed_key` in `output`, e.g. `feed.xml`), the files the feed
/// points at under `base_url`, and the artwork. `label` names the feed in messages.
pub fn check_site(
    output: &SiteOutput,
    base_url: &str,
    feed_key: &str,
    label: &Path,
    opts: &CheckOptions,
) -> Vec<Diagnostic> {
    let Some(bytes) = output.bytes(feed_key) else {
        return vec![
            Diagnostic::error(format!("the site publishes no {feed_key}"))
                .at(label)
                .rule("rss-root"),
        ];
    };
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) => return super::check_feed_bytes(bytes, label, opts),
    };
    check_site_parsed(output, base_url, text, &xml::parse(text), label, opts)
}

/// `check_site` for a feed already read into `doc`.
pub(crate) fn check_site_parsed(
    output: &SiteOutput,
    base_url: &str,
    text: &str,
    doc: &xml::Document,
    label: &Path,
    opts: &CheckOptions,
) -> Vec<Diagnostic> {
    let mut out = feed::check_parsed(text, doc, label, opts);
    out.extend(check_site_files(output, base_url, text, doc, label));
    out
}

/// The part of `check_site_parsed` that looks past the feed: the site's files it points at and
/// its artwork.
pub(crate) fn check_site_files(
    output: &SiteOutput,
    base_url: &str,
    text: &str,
    doc: &xml::Document,
    label: &Path,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(channel) = doc.root.as_ref().and_then(|r| r.child("channel")) else {
        return out;
    };
    let mut rep = Reporter::new(label, text);
    let mut artwork_seen = Vec::new();
    for (el, attr_name) in linked_files(channel) {
        let Some(attr) = el.attr(attr_name) else {
            continue;
        };
        let url = attr.value.trim();
        let Some(path) = local_path(url, base_url) else {
            continue;
        };
        if output.remote.contains(url) {
            rep.report(
                "remote-under-site",
                Some(attr.pos),
                format!(
                    "\"{url}\" lies under the site's URL but is a remote URL, not a file of the site: it breaks once the new site replaces the old one there (set `url:` to the new site's address, or copy the file into the site)"
                ),
            );
            continue;
        }
        let decoded = crate::percent::decode(path);
        if let Some(&size) = output.external.get(decoded.trim_start_matches('/')) {
            if let Some(stated) = el.attr("length")
                && let Ok(stated_len) = stated.value.trim().parse::<u64>()
                && stated_len != size
            {
                rep.report(
                    "enclosure-length",
                    Some(stated.pos),
                    format!(
                        "length=\"{stated_len}\" but onair.lock records {size} bytes for {decoded}"
                    ),
                );
            }
            continue;
        }
        let Some(key) = key_for_url_path(output, &decoded) else {
            rep.report(
                "local-file",
                Some(attr.pos),
                format!("\"{url}\" points into the site, but the site publishes no {decoded}"),
            );
            continue;
        };
        if (el.key == "enclosure" || el.key == "podcast:trailer")
            && let Some(stated) = el.attr("length")
            && let Ok(stated_len) = stated.value.trim().parse::<u64>()
            && let Some(actual) = output.size(&key)
            && stated_len != actual
        {
            rep.report(
                "enclosure-length",
                Some(stated.pos),
                format!("length=\"{stated_len}\" but {key} is {actual} bytes"),
            );
        }
        if el.key == "itunes:image" && !artwork_seen.contains(&key) {
            artwork_seen.push(key.clone());
            if let Some(head) = output.get(&key).and_then(|f| head_of(f, 1 << 20)) {
                for (rule, message) in check_artwork(&head, &key) {
                    rep.report(rule, Some(attr.pos), message);
                }
            }
        }
    }
    out.extend(rep.out);
    out.sort_by_key(|d| (d.line, d.col));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal PNG header: signature and IHDR (no image data needed by the checks).
    fn png(w: u32, h: u32, color: u8) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
        b.extend(w.to_be_bytes());
        b.extend(h.to_be_bytes());
        b.extend([8, color, 0, 0, 0, 0, 0, 0, 0]);
        b
    }

    /// A minimal JPEG header: SOI, an APP0 segment and a baseline SOF0.
    fn jpeg(w: u16, h: u16, components: u8) -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, b'J', b'F'];
        b.extend([0xFF, 0xC0, 0x00, 8 + 3 * components, 8]);
        b.extend(h.to_be_bytes());
        b.extend(w.to_be_bytes());
        b.push(components);
        for c in 0..components {
            b.extend([c + 1, 0x11, 0]);
        }
        b
    }

    fn rules_of(problems: &[ArtworkProblem]) -> Vec<&'static str> {
        problems.iter().map(|p| p.0).collect()
    }

    #[test]
    fn artwork_rules() {
        assert!(check_artwork(&png(1400, 1400, 2), "cover.png").is_empty());
        assert!(check_artwork(&jpeg(3000, 3000, 3), "cover.jpg").is_empty());
        assert_eq!(
            rules_of(&check_artwork(&png(1400, 1400, 2), "cover.jpg")),
            ["artwork-format"]
        );
        assert_eq!(
            rules_of(&check_artwork(&png(1400, 1200, 2), "c.png")),
            ["artwork-size", "artwork-size"]
        );
        assert_eq!(
            rules_of(&check_artwork(&png(1000, 1000, 2), "c.png")),
            ["artwork-size"]
        );
        assert_eq!(
            rules_of(&check_artwork(&jpeg(3200, 3200, 3), "c.jpg")),
            ["artwork-size"]
        );
        assert_eq!(
            rules_of(&check_artwork(&png(1400, 1400, 6), "c.png")),
            ["artwork-color"]
        );
        assert_eq!(
            rules_of(&check_artwork(&jpeg(1400, 1400, 4), "c.jpg")),
            ["artwork-color"]
        );
        assert_eq!(
            rules_of(&check_artwork(b"GIF89a\x01\x00\x01\x00", "c.gif")),
            ["artwork-format"]
        );
        let msg = &check_artwork(&jpeg(1400, 1400, 4), "c.jpg")[0].1;
        assert_eq!(msg, "c.jpg is CMYK; artwork must be RGB");
    }

    #[test]
    fn local_paths() {
        assert_eq!(
            local_path("https://a.com/audio/x.mp3", "https://a.com"),
            Some("/audio/x.mp3")
        );
        assert_eq!(
            local_path("https://a.com/audio/x.mp3?v=1", "https://a.com/"),
            Some("/audio/x.mp3")
        );
        assert_eq!(
            local_path("https://a.com.evil/x.mp3", "https://a.com"),
            None
        );
        assert_eq!(local_path("https://cdn.a.com/x.mp3", "https://a.com"), None);
        assert_eq!(
            crate::percent::decode("/audio/my%20show.mp3"),
            "/audio/my show.mp3"
        );
    }
}
