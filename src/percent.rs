//! `%XX` escapes in URL paths, decoded the one way every module reads them (the feed's
//! enclosure URLs, log lines, site paths): anything that is no escape is kept as it is, and
//! bytes that are not UTF-8 become U+FFFD.

use std::borrow::Cow;

/// `%XX` escapes decoded (anything else kept as it is); no allocation when there are none.
pub fn decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    match String::from_utf8(out) {
        Ok(s) => Cow::Owned(s),
        Err(e) => Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned()),
    }
}

fn hex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_decoded_and_the_rest_kept() {
        assert_eq!(decode("/audio/a%20b.mp3"), "/audio/a b.mp3");
        assert_eq!(decode("/caf%C3%A9"), "/café");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz"), "%zz");
        assert_eq!(decode("%ff"), "\u{fffd}");
        assert!(matches!(decode("/plain"), Cow::Borrowed(_)));
    }
}
