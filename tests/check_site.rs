//! Site-level checks: the files a built site's feed points at, and its artwork.

use std::path::Path;

use onair::check::{CheckOptions, check_site};
use onair::output::SiteOutput;

fn png(w: u32, h: u32, color: u8) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    b.extend(w.to_be_bytes());
    b.extend(h.to_be_bytes());
    b.extend([8, color, 0, 0, 0, 0, 0, 0, 0]);
    b
}

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

fn options() -> CheckOptions {
    CheckOptions {
        now: "2025-01-01T00:00:00Z".parse().unwrap(),
        feed_url: Some("https://example.com/feed.xml".to_string()),
    }
}

/// pass.xml with small enclosure lengths, so that the test can publish files of those sizes.
fn feed() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds/pass.xml"),
    )
    .unwrap()
    .replace("28341760", "1000")
    .replace("31457280", "2000")
    .replace("30212096", "3000")
    .replace("498213", "400")
}

fn complete_site() -> SiteOutput {
    let mut out = SiteOutput::new();
    out.insert_bytes("feed.xml", feed().into_bytes());
    out.insert_bytes("audio/bakery.mp3", vec![0; 1000]);
    out.insert_bytes("audio/signals.m4a", vec![0; 2000]);
    out.insert_bytes("audio/nurses.mp3", vec![0; 3000]);
    out.insert_bytes("audio/trailer.mp3", vec![0; 400]);
    out.insert_bytes("assets/cover.jpg", jpeg(3000, 3000, 3));
    out.insert_bytes("assets/bakery.jpg", jpeg(1400, 1400, 3));
    out.insert_bytes("episodes/bakery/transcript.vtt", b"WEBVTT\n".to_vec());
    out.insert_bytes("episodes/bakery/chapters.json", b"{}".to_vec());
    out
}

fn run(out: &SiteOutput) -> Vec<String> {
    check_site(
        out,
        "https://example.com",
        "feed.xml",
        Path::new("feed.xml"),
        &options(),
    )
    .iter()
    .map(ToString::to_string)
    .collect()
}

#[test]
fn a_complete_site_passes() {
    assert_eq!(run(&complete_site()), Vec::<String>::new());
}

#[test]
fn missing_files_and_wrong_lengths_are_errors() {
    let mut out = complete_site();
    out.files.remove("episodes/bakery/chapters.json");
    out.files.remove("audio/nurses.mp3");
    out.insert_bytes("audio/signals.m4a", vec![0; 1999]);
    out.insert_bytes("audio/trailer.mp3", vec![0; 401]);
    assert_eq!(
        run(&out),
        [
            "feed.xml:33:108: error[enclosure-length]: length=\"400\" but audio/trailer.mp3 is 401 bytes",
            "feed.xml:51:25: error[local-file]: \"https://example.com/episodes/bakery/chapters.json\" points into the site, but the site publishes no /episodes/bakery/chapters.json",
            "feed.xml:60:62: error[enclosure-length]: length=\"2000\" but audio/signals.m4a is 1999 bytes",
            "feed.xml:72:18: error[local-file]: \"https://example.com/audio/nurses.mp3\" points into the site, but the site publishes no /audio/nurses.mp3",
        ]
    );
}

#[test]
fn artwork_is_read_from_the_published_file() {
    let mut out = complete_site();
    out.insert_bytes("assets/cover.jpg", jpeg(1400, 1400, 4));
    out.insert_bytes("assets/bakery.jpg", png(1000, 800, 6));
    assert_eq!(
        run(&out),
        [
            "feed.xml:16:19: error[artwork-color]: assets/cover.jpg is CMYK; artwork must be RGB",
            "feed.xml:44:21: error[artwork-format]: assets/bakery.jpg holds PNG data; name it .png",
            "feed.xml:44:21: error[artwork-size]: assets/bakery.jpg is 1000x800 px; artwork must be square",
            "feed.xml:44:21: error[artwork-size]: assets/bakery.jpg is 1000x800 px; artwork must be 1400 to 3000 px a side",
            "feed.xml:44:21: error[artwork-color]: assets/bakery.jpg has an alpha channel; artwork must be RGB",
        ]
    );
}

#[test]
fn a_site_without_a_feed_is_an_error() {
    let out = SiteOutput::new();
    assert_eq!(
        run(&out),
        ["feed.xml: error[rss-root]: the site publishes no feed.xml"]
    );
}
