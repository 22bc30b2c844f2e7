//! Chapters in an ID3v2 tag (the ID3v2 Chapter Frame Addendum): `CHAP` frames, each with its
//! start time and `TIT2` (title) and `WXXX` (link) subframes, ordered by the top-level `CTOC`
//! (table of contents) frame when there is one, else by start time.
//!
//! Bounded with hostile input: frame headers are walked through the [`Reader`] (cover art and
//! other frames are never loaded); only `CHAP`/`CTOC` bodies are read, each cut at
//! [`MAX_FRAME`]; at most [`MAX_CHAPTERS`] chapters and [`MAX_FRAMES`] frames walked. A damaged
//! chapter frame is a warning, never a failed probe: the audio's facts do not depend on it.

use std::collections::{HashMap, HashSet};

use super::EmbeddedChapter;
use super::source::{Reader, be32};

/// Bytes of a `CHAP` or `CTOC` frame that are read; subframes past it (an embedded picture)
/// are not needed.
const MAX_FRAME: usize = 64 * 1024;
pub const MAX_CHAPTERS: usize = 4096;
/// Frames walked in one tag: real tags hold a few dozen (a few thousand with chapters); a
/// hostile one of millions of empty frames stops here.
const MAX_FRAMES: usize = 65_536;
/// A v2.3 tag unsynchronised as a whole must be read whole to find its frames.
const MAX_UNSYNC_TAG: u64 = 16 << 20;

fn syncsafe(b: &[u8]) -> u64 {
    b.iter()
        .fold(0u64, |acc, x| (acc << 7) | u64::from(x & 0x7F))
}

/// Reverses ID3 unsynchronisation: `FF 00` becomes `FF`.
fn unsync(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut prev_ff = false;
    for &b in data {
        if prev_ff && b == 0 {
            prev_ff = false;
            continue;
        }
        out.push(b);
        prev_ff = b == 0xFF;
    }
    out
}

struct Chap {
    id: Vec<u8>,
    start_ms: u32,
    title: String,
    url: Option<String>,
}

struct Toc {
    id: Vec<u8>,
    top_level: bool,
    ordered: bool,
    children: Vec<Vec<u8>>,
}

/// Where the frames are: read through the reader (the usual case) or, for a v2.3 tag
/// unsynchronised as a whole, from memory.
enum Frames<'a> {
    Stream,
    Memory(&'a [u8]),
}

/// Chapters of the ID3v2 tag at `offset` (none when there is no tag, or it has no `CHAP`
/// frames). Problems become `warnings`.
pub fn chapters(r: &mut Reader, offset: u64, warnings: &mut Vec<String>) -> Vec<EmbeddedChapter> {
    match read(r, offset) {
        Ok((chapters, notes)) => {
            warnings.extend(notes);
            chapters
        }
        Err(e) => {
            warnings.push(format!("the ID3 chapters were not read: {e}"));
            Vec::new()
        }
    }
}

fn read(r: &mut Reader, offset: u64) -> Result<(Vec<EmbeddedChapter>, Vec<String>), String> {
    let h = r.bytes(offset, 10)?;
    if h.len() < 10 || &h[..3] != b"ID3" {
        return Ok((Vec::new(), Vec::new()));
    }
    let version = h[3];
    if version != 3 && version != 4 {
        // ID3v2.2 has no chapter frames.
        return Ok((Vec::new(), Vec::new()));
    }
    let flags = h[5];
    let size = syncsafe(&h[6..10]);
    let tag_end = (offset + 10 + size).min(r.size());
    let whole_unsync = flags & 0x80 != 0;

    let owned;
    let (frames, mut pos, end) = if whole_unsync && version == 3 {
        if size > MAX_UNSYNC_TAG {
            return Err(format!(
                "the tag is unsynchronised as a whole and larger than {} MiB",
                MAX_UNSYNC_TAG >> 20
            ));
        }
        owned = unsync(&r.bytes(offset + 10, size as usize)?);
        (Frames::Memory(&owned), 0u64, owned.len() as u64)
    } else {
        (Frames::Stream, offset + 10, tag_end)
    };
    let header_at = |r: &mut Reader, at: u64, len: usize| -> Result<Vec<u8>, String> {
        match frames {
            Frames::Stream => r.bytes(at, len),
            Frames::Memory(data) => {
                let start = (at as usize).min(data.len());
                Ok(data[start..(start + len).min(data.len())].to_vec())
            }
        }
    };

    if flags & 0x40 != 0 {
        // Extended header: v2.3 gives its size without the size field, v2.4 with it.
        let ext = header_at(r, pos, 4)?;
        if ext.len() < 4 {
            return Err("the extended header is cut short".into());
        }
        pos += if version == 3 {
            u64::from(be32(&ext, 0)) + 4
        } else {
            syncsafe(&ext)
        };
    }

    let mut chaps: Vec<Chap> = Vec::new();
    let mut tocs: Vec<Toc> = Vec::new();
    let mut notes = Vec::new();
    let mut too_many = false;
    let mut walked = 0usize;
    while pos + 10 <= end {
        walked += 1;
        if walked > MAX_FRAMES {
            notes.push(format!(
                "the ID3 tag has more than {MAX_FRAMES} frames; chapters after them are not read"
            ));
            break;
        }
        let fh = header_at(r, pos, 10)?;
        if fh.len() < 10 || fh[0] == 0 {
            break; // padding
        }
        if !fh[..4]
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            notes.push(format!(
                "the ID3 tag has a damaged frame header at byte {pos}; chapters after it are not read"
            ));
            break;
        }
        let frame_size = if version == 4 {
            syncsafe(&fh[4..8])
        } else {
            u64::from(be32(&fh, 4))
        };
        let body_at = pos + 10;
        if body_at + frame_size > end {
            notes.push(format!(
                "the ID3 frame `{}` at byte {pos} runs past the end of its tag; chapters after it are not read",
                String::from_utf8_lossy(&fh[..4])
            ));
            break;
        }
        let kind = &fh[..4];
        if kind == b"CHAP" || kind == b"CTOC" {
            let format_flags = fh[9];
            let mut body = header_at(r, body_at, (frame_size as usize).min(MAX_FRAME))?;
            let usable = frame_body(&mut body, version, format_flags, whole_unsync);
            match usable {
                Err(why) => notes.push(format!(
                    "the ID3 frame `{}` at byte {pos} is {why}: skipped",
                    String::from_utf8_lossy(kind)
                )),
                Ok(()) if kind == b"CHAP" => match parse_chap(&body, version) {
                    Some(c) if chaps.len() < MAX_CHAPTERS => chaps.push(c),
                    Some(_) => too_many = true,
                    None => notes.push(format!(
                        "the ID3 chapter frame at byte {pos} is damaged: skipped"
                    )),
                },
                Ok(()) => match parse_ctoc(&body) {
                    Some(t) if tocs.len() < MAX_CHAPTERS => tocs.push(t),
                    Some(_) => {}
                    None => notes.push(format!(
                        "the ID3 table of contents at byte {pos} is damaged: skipped"
                    )),
                },
            }
        }
        pos = body_at + frame_size;
    }
    if too_many {
        notes.push(format!(
            "the ID3 tag has more than {MAX_CHAPTERS} chapters: only the first are read"
        ));
    }
    Ok((order(chaps, &tocs), notes))
}

/// Makes a frame body plain (flags of v2.4 frames: grouping byte, data length indicator,
/// unsynchronisation); compressed or encrypted frames are refused.
fn frame_body(
    body: &mut Vec<u8>,
    version: u8,
    flags: u8,
    whole_unsync: bool,
) -> Result<(), &'static str> {
    if version == 3 {
        // v2.3 format flags: 0x80 compression, 0x40 encryption, 0x20 grouping.
        if flags & 0xC0 != 0 {
            return Err("compressed or encrypted");
        }
        if flags & 0x20 != 0 {
            body.drain(..1.min(body.len()));
        }
        return Ok(());
    }
    // v2.4: 0x40 grouping, 0x08 compression, 0x04 encryption, 0x02 unsync, 0x01 data length.
    if flags & 0x0C != 0 {
        return Err("compressed or encrypted");
    }
    let mut skip = 0;
    if flags & 0x40 != 0 {
        skip += 1;
    }
    if flags & 0x01 != 0 {
        skip += 4;
    }
    body.drain(..skip.min(body.len()));
    if flags & 0x02 != 0 || whole_unsync {
        *body = unsync(body);
    }
    Ok(())
}

/// Up to the first NUL (exclusive) and the rest after it.
fn split_nul(data: &[u8]) -> Option<(&[u8], &[u8])> {
    let at = data.iter().position(|b| *b == 0)?;
    Some((&data[..at], &data[at + 1..]))
}

fn parse_chap(body: &[u8], version: u8) -> Option<Chap> {
    let (id, rest) = split_nul(body)?;
    if rest.len() < 16 {
        return None;
    }
    let start_ms = be32(rest, 0);
    let mut chap = Chap {
        id: id.to_vec(),
        start_ms,
        title: String::new(),
        url: None,
    };
    for (kind, data) in subframes(&rest[16..], version) {
        match kind {
            b"TIT2" => chap.title = text_frame(data).unwrap_or_default(),
            b"WXXX" => chap.url = wxxx(data),
            _ => {}
        }
    }
    Some(chap)
}

fn parse_ctoc(body: &[u8]) -> Option<Toc> {
    let (id, rest) = split_nul(body)?;
    let (&flags, rest) = rest.split_first()?;
    let (&count, mut rest) = rest.split_first()?;
    let mut children = Vec::with_capacity(usize::from(count));
    for _ in 0..count {
        let (child, after) = split_nul(rest)?;
        children.push(child.to_vec());
        rest = after;
    }
    Some(Toc {
        id: id.to_vec(),
        top_level: flags & 0x02 != 0,
        ordered: flags & 0x01 != 0,
        children,
    })
}

/// Subframes inside a `CHAP`/`CTOC` body (those cut off by [`MAX_FRAME`] are left out).
fn subframes(mut data: &[u8], version: u8) -> Vec<(&[u8; 4], &[u8])> {
    let mut out = Vec::new();
    while data.len() >= 10 && data[0] != 0 {
        let kind: &[u8; 4] = data[..4].try_into().expect("4 bytes");
        let size = if version == 4 {
            syncsafe(&data[4..8])
        } else {
            u64::from(be32(data, 4))
        } as usize;
        let Some(body) = data.get(10..10usize.saturating_add(size)) else {
            break;
        };
        if data[9] & if version == 4 { 0x0C } else { 0xC0 } == 0 {
            out.push((kind, body));
        }
        data = &data[10 + size..];
    }
    out
}

/// Text in one of ID3's encodings: 0 ISO-8859-1, 1 UTF-16 with BOM, 2 UTF-16BE, 3 UTF-8.
fn decode(encoding: u8, bytes: &[u8]) -> Option<String> {
    let text = match encoding {
        0 => bytes.iter().map(|b| char::from(*b)).collect(),
        3 => String::from_utf8_lossy(bytes).into_owned(),
        1 | 2 => {
            let (big_endian, bytes) = match bytes {
                [0xFF, 0xFE, rest @ ..] => (false, rest),
                [0xFE, 0xFF, rest @ ..] => (true, rest),
                _ => (encoding == 2, bytes),
            };
            let units = bytes.chunks_exact(2).map(|c| {
                if big_endian {
                    u16::from_be_bytes([c[0], c[1]])
                } else {
                    u16::from_le_bytes([c[0], c[1]])
                }
            });
            char::decode_utf16(units)
                .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect()
        }
        _ => return None,
    };
    Some(text)
}

/// A text frame's first value, without the terminator(s) and surrounding space.
fn text_frame(data: &[u8]) -> Option<String> {
    let (&encoding, bytes) = data.split_first()?;
    let text = decode(encoding, bytes)?;
    let first = text.split('\0').next().unwrap_or("");
    Some(first.trim().to_string())
}

/// `WXXX`: encoding, a description terminated in that encoding, then the URL in ISO-8859-1.
fn wxxx(data: &[u8]) -> Option<String> {
    let (&encoding, rest) = data.split_first()?;
    let url_at = if encoding == 1 || encoding == 2 {
        (0..rest.len().saturating_sub(1))
            .step_by(2)
            .find(|&i| rest[i] == 0 && rest[i + 1] == 0)?
            + 2
    } else {
        rest.iter().position(|b| *b == 0)? + 1
    };
    let url: String = rest
        .get(url_at..)?
        .iter()
        .take_while(|b| **b != 0)
        .map(|b| char::from(*b))
        .collect();
    let url = url.trim().to_string();
    (!url.is_empty()).then_some(url)
}

/// The chapters in the order of the top-level table of contents (children that are tables
/// themselves are expanded in place), or by start time when there is none or it is unordered.
fn order(chaps: Vec<Chap>, tocs: &[Toc]) -> Vec<EmbeddedChapter> {
    let convert = |c: Chap| EmbeddedChapter {
        start: f64::from(c.start_ms) / 1000.0,
        title: c.title,
        url: c.url,
    };
    let top = tocs.iter().find(|t| t.top_level).or(tocs.first());
    let Some(top) = top.filter(|t| t.ordered) else {
        let mut chaps = chaps;
        chaps.sort_by_key(|c| c.start_ms);
        return chaps.into_iter().map(convert).collect();
    };
    let tocs_by_id: HashMap<&[u8], &Toc> = tocs.iter().map(|t| (t.id.as_slice(), t)).collect();
    let mut by_id: HashMap<Vec<u8>, Chap> = HashMap::new();
    for c in chaps {
        by_id.entry(c.id.clone()).or_insert(c);
    }
    let mut out = Vec::new();
    let mut seen: HashSet<&[u8]> = HashSet::new();
    // Depth-first through nested tables; `seen` stops cycles.
    let mut stack: Vec<&[u8]> = top.children.iter().rev().map(Vec::as_slice).collect();
    seen.insert(top.id.as_slice());
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        if let Some(c) = by_id.remove(id) {
            out.push(convert(c));
        } else if let Some(t) = tocs_by_id.get(id) {
            stack.extend(t.children.iter().rev().map(Vec::as_slice));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(version: u8, kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut v = kind.to_vec();
        let n = body.len() as u32;
        if version == 4 {
            v.extend([
                (n >> 21) as u8 & 0x7F,
                (n >> 14) as u8 & 0x7F,
                (n >> 7) as u8 & 0x7F,
                n as u8 & 0x7F,
            ]);
        } else {
            v.extend(n.to_be_bytes());
        }
        v.extend([0, 0]);
        v.extend(body);
        v
    }

    fn chap(
        version: u8,
        id: &str,
        start_ms: u32,
        title: Option<&[u8]>,
        url: Option<&str>,
    ) -> Vec<u8> {
        let mut body = id.as_bytes().to_vec();
        body.push(0);
        body.extend(start_ms.to_be_bytes());
        body.extend((start_ms + 1000).to_be_bytes());
        body.extend([0xFF; 8]);
        if let Some(t) = title {
            body.extend(frame(version, b"TIT2", t));
        }
        if let Some(u) = url {
            body.extend(frame(
                version,
                b"WXXX",
                &[&[0u8, 0][..], u.as_bytes()].concat(),
            ));
        }
        frame(version, b"CHAP", &body)
    }

    fn ctoc(version: u8, id: &str, flags: u8, children: &[&str]) -> Vec<u8> {
        let mut body = id.as_bytes().to_vec();
        body.extend([0, flags, children.len() as u8]);
        for c in children {
            body.extend(c.as_bytes());
            body.push(0);
        }
        frame(version, b"CTOC", &body)
    }

    fn tag(version: u8, frames: &[Vec<u8>], padding: usize) -> Vec<u8> {
        let body: Vec<u8> = [frames.concat(), vec![0; padding]].concat();
        let n = body.len() as u32;
        let mut v = vec![b'I', b'D', b'3', version, 0, 0];
        v.extend([
            (n >> 21) as u8 & 0x7F,
            (n >> 14) as u8 & 0x7F,
            (n >> 7) as u8 & 0x7F,
            n as u8 & 0x7F,
        ]);
        v.extend(body);
        v.extend([0xFF, 0xFB, 0x90, 0x44]);
        v
    }

    fn read_bytes(data: &[u8]) -> (Vec<EmbeddedChapter>, Vec<String>) {
        let mut src: &[u8] = data;
        let mut r = Reader::new(&mut src);
        let mut warnings = Vec::new();
        (chapters(&mut r, 0, &mut warnings), warnings)
    }

    #[test]
    fn chapters_in_table_of_contents_order_with_titles_and_links() {
        for version in [3, 4] {
            let data = tag(
                version,
                &[
                    frame(version, b"TIT2", b"\x03Episode"),
                    frame(version, b"APIC", &vec![0xAB; 200_000]),
                    chap(version, "c2", 90_500, Some(b"\x01\xFF\xFEB\0e\0"), None),
                    chap(
                        version,
                        "c1",
                        0,
                        Some(b"\x03Intro\0"),
                        Some("https://a.example/"),
                    ),
                    chap(version, "c3", 120_000, Some(b"\x00Caf\xE9"), None),
                    ctoc(version, "toc", 0x03, &["c1", "c2", "c3"]),
                ],
                100,
            );
            let (got, warnings) = read_bytes(&data);
            assert!(warnings.is_empty(), "{warnings:?}");
            let got: Vec<(f64, &str, Option<&str>)> = got
                .iter()
                .map(|c| (c.start, c.title.as_str(), c.url.as_deref()))
                .collect();
            assert_eq!(
                got,
                vec![
                    (0.0, "Intro", Some("https://a.example/")),
                    (90.5, "Be", None),
                    (120.0, "Café", None),
                ]
            );
        }
    }

    #[test]
    fn the_table_of_contents_decides_order_and_membership() {
        // Ordered TOC listing c3 before c1 through a nested table; c2 is in no table.
        let data = tag(
            4,
            &[
                chap(4, "c1", 1000, Some(b"\x03One"), None),
                chap(4, "c2", 2000, Some(b"\x03Two"), None),
                chap(4, "c3", 3000, Some(b"\x03Three"), None),
                ctoc(4, "top", 0x03, &["c3", "sub", "top"]),
                ctoc(4, "sub", 0x01, &["c1", "top"]),
            ],
            0,
        );
        let titles: Vec<String> = read_bytes(&data).0.into_iter().map(|c| c.title).collect();
        assert_eq!(titles, vec!["Three", "One"]);
        // Without a table of contents: by start time.
        let data = tag(
            3,
            &[
                chap(3, "b", 5000, Some(b"\x03Later"), None),
                chap(3, "a", 0, None, None),
            ],
            0,
        );
        let got = read_bytes(&data).0;
        assert_eq!((got[0].start, got[0].title.as_str()), (0.0, ""));
        assert_eq!(got[1].title, "Later");
    }

    #[test]
    fn damaged_frames_are_warnings_and_bounded() {
        // A CHAP claiming more than the tag holds.
        let mut bad = chap(3, "c1", 0, Some(b"\x03One"), None);
        bad[4..8].copy_from_slice(&1_000_000u32.to_be_bytes());
        let (got, warnings) = read_bytes(&tag(
            3,
            &[chap(3, "c0", 0, Some(b"\x03Zero"), None), bad],
            0,
        ));
        assert_eq!(got.len(), 1);
        assert!(
            warnings[0].contains("runs past the end of its tag"),
            "{warnings:?}"
        );
        // A CHAP body too short for its times.
        let (got, warnings) = read_bytes(&tag(4, &[frame(4, b"CHAP", b"x\0\0\0")], 0));
        assert!(got.is_empty());
        assert!(warnings[0].contains("damaged"), "{warnings:?}");
        // A tag whose size runs past the file, cut anywhere: never a panic.
        let full = tag(
            4,
            &[chap(
                4,
                "c1",
                0,
                Some(b"\x03One"),
                Some("https://x.example"),
            )],
            0,
        );
        for cut in 0..full.len() {
            let _ = read_bytes(&full[..cut]);
        }
        // No tag, or ID3v2.2: no chapters, no warnings.
        assert_eq!(
            read_bytes(&[0xFF, 0xFB, 0x90, 0x44]),
            (Vec::new(), Vec::new())
        );
    }

    #[test]
    fn at_most_max_chapters_are_kept() {
        let frames: Vec<Vec<u8>> = (0..MAX_CHAPTERS as u32 + 10)
            .map(|i| chap(4, &format!("c{i}"), i * 1000, None, None))
            .collect();
        let (got, warnings) = read_bytes(&tag(4, &frames, 0));
        assert_eq!(got.len(), MAX_CHAPTERS);
        assert!(
            warnings[0].contains("more than 4096 chapters"),
            "{warnings:?}"
        );
    }

    #[test]
    fn a_tag_of_countless_empty_frames_is_walked_only_so_far() {
        let empty = frame(3, b"TXXX", b"");
        let mut frames = vec![empty; MAX_FRAMES + 1];
        frames.push(chap(3, "late", 0, Some(b"\x03Late"), None));
        let (got, warnings) = read_bytes(&tag(3, &frames, 0));
        assert!(got.is_empty());
        assert!(
            warnings[0].contains("more than 65536 frames"),
            "{warnings:?}"
        );
    }

    #[test]
    fn unsynchronised_v23_tags_are_read_whole() {
        let frames = chap(3, "c1", 0x00FF_0000, Some(b"\x03One"), None);
        let mut synced = Vec::new();
        for b in &frames {
            synced.push(*b);
            if *b == 0xFF {
                synced.push(0);
            }
        }
        let mut data = tag(3, &[synced], 0);
        data[5] = 0x80;
        let (got, warnings) = read_bytes(&data);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(got[0].start, f64::from(0x00FF_0000u32) / 1000.0);
    }
}
