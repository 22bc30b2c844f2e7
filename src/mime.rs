//! Content types by published path: one table for what `onair serve` answers and what
//! `onair deploy` sets on the store, so the preview sends what production will.

/// Whether a published file is a feed: `feed.xml`, a network's show feeds and its combined
/// (`shows/feed.xml`) and publisher (`shows/publisher.xml`) feeds.
pub fn is_feed(path: &str) -> bool {
    path == "feed.xml" || path.ends_with("/feed.xml") || path == "shows/publisher.xml"
}

/// Podcasting 2.0 JSON chapters: `episodes/<slug>/chapters.json` and a site's own
/// `chapters/*.json`.
fn is_chapters(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    // A search fragment is named by its word prefix, which may be `chapters`.
    !path.starts_with("search/") && name == "chapters.json"
        || name.ends_with(".chapters.json")
        || path.starts_with("chapters/") && name.ends_with(".json")
}

/// The Content-Type of a published path (text types with `charset=utf-8`).
pub fn content_type(path: &str) -> &'static str {
    if is_feed(path) {
        return "application/rss+xml; charset=utf-8";
    }
    if is_chapters(path) {
        return "application/json+chapters";
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        // RFC 9239: text/javascript is the one type for JavaScript.
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" | "xsl" => "application/xml; charset=utf-8",
        "rss" => "application/rss+xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "vtt" => "text/vtt; charset=utf-8",
        "srt" => "application/x-subrip; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "webmanifest" => "application/manifest+json",
        "mp3" => "audio/mpeg",
        "m4a" | "m4b" | "mp4a" => "audio/mp4",
        "aac" => "audio/aac",
        "mp4" | "m4v" => "video/mp4",
        "ogg" | "oga" => "audio/ogg",
        // An .opus file is Ogg Opus (RFC 7845); audio/opus names the RTP payload.
        "opus" => "audio/ogg; codecs=opus",
        "flac" => "audio/flac",
        "wav" => "audio/wav",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_cover_what_a_site_publishes() {
        let cases = [
            ("index.html", "text/html; charset=utf-8"),
            ("assets/style.ab12.css", "text/css; charset=utf-8"),
            ("assets/app.ab12.js", "text/javascript; charset=utf-8"),
            ("episodes/x/chapters.json", "application/json+chapters"),
            ("chapters/218.json", "application/json+chapters"),
            ("episodes/index.json", "application/json"),
            ("search/w/3.json", "application/json"),
            ("search/w/chapters.json", "application/json"),
            ("feed.xml", "application/rss+xml; charset=utf-8"),
            ("solder-club/feed.xml", "application/rss+xml; charset=utf-8"),
            ("shows/publisher.xml", "application/rss+xml; charset=utf-8"),
            ("sitemap.xml", "application/xml; charset=utf-8"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("episodes/x/transcript.vtt", "text/vtt; charset=utf-8"),
            (
                "episodes/x/transcript.srt",
                "application/x-subrip; charset=utf-8",
            ),
            ("audio/a.mp3", "audio/mpeg"),
            ("audio/a.M4A", "audio/mp4"),
            ("audio/a.m4b", "audio/mp4"),
            ("audio/a.ogg", "audio/ogg"),
            ("audio/a.opus", "audio/ogg; codecs=opus"),
            ("audio/a.flac", "audio/flac"),
            ("audio/a.wav", "audio/wav"),
            ("audio/a.aac", "audio/aac"),
            ("assets/cover.ab.jpg", "image/jpeg"),
            ("assets/cover.ab.jpeg", "image/jpeg"),
            ("assets/cover.ab.png", "image/png"),
            ("assets/x.gif", "image/gif"),
            ("assets/x.webp", "image/webp"),
            ("assets/x.svg", "image/svg+xml"),
            ("favicon.ico", "image/x-icon"),
            ("assets/f.woff2", "font/woff2"),
            ("site.webmanifest", "application/manifest+json"),
            ("noextension", "application/octet-stream"),
            ("dir.d/noext", "application/octet-stream"),
        ];
        for (path, want) in cases {
            assert_eq!(content_type(path), want, "{path}");
        }
    }
}
