//! Metadata tags around the audio: ID3v2 at the start (skipped by its header's size, so cover
//! art of any size costs nothing), ID3v1, APEv2 and Lyrics3v2 at the end (cut off so they are
//! never mistaken for audio frames).

use super::source::{Reader, le32};

/// Byte offset just after the ID3v2 tag(s) at `offset` (several may follow each other), or
/// `offset` itself when there is none.
pub fn skip_id3v2(r: &mut Reader, mut offset: u64) -> Result<u64, String> {
    loop {
        let h = r.bytes(offset, 10)?;
        if h.len() < 10 || &h[..3] != b"ID3" || h[3] == 0xFF || h[4] == 0xFF {
            return Ok(offset);
        }
        if h[6..10].iter().any(|b| b & 0x80 != 0) {
            return Err(format!(
                "damaged ID3v2 tag at byte {offset}: its size is not a syncsafe integer"
            ));
        }
        let size = h[6..10]
            .iter()
            .fold(0u64, |acc, b| (acc << 7) | u64::from(*b));
        let footer = if h[5] & 0x10 != 0 { 10 } else { 0 };
        let end = offset + 10 + size + footer;
        if end > r.size() {
            return Err(format!(
                "truncated: the ID3v2 tag at byte {offset} claims {size} bytes but the file ends \
                 {} bytes later",
                r.size() - offset
            ));
        }
        offset = end;
    }
}

/// Where the audio ends: the file size less ID3v1, APEv2 and Lyrics3v2 tags at the end.
pub fn audio_end(r: &mut Reader, start: u64) -> Result<u64, String> {
    let mut end = r.size();
    // Each tag kind at most once, in any order.
    for _ in 0..3 {
        if end >= start + 128 && r.bytes(end - 128, 3)? == b"TAG" {
            end -= 128;
            continue;
        }
        if end >= start + 32 {
            let f = r.bytes(end - 32, 32)?;
            if &f[..8] == b"APETAGEX" {
                let size = u64::from(le32(&f, 12));
                let has_header = le32(&f, 20) & 0x8000_0000 != 0;
                let total = size + if has_header { 32 } else { 0 };
                if total <= end - start {
                    end -= total;
                    continue;
                }
            }
        }
        if end >= start + 15 {
            let f = r.bytes(end - 15, 15)?;
            if &f[6..] == b"LYRICS200" {
                let size: Option<u64> = std::str::from_utf8(&f[..6])
                    .ok()
                    .and_then(|s| s.parse().ok());
                if let Some(size) = size.filter(|s| s + 15 <= end - start) {
                    end -= size + 15;
                    continue;
                }
            }
        }
        break;
    }
    Ok(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id3v2(payload: usize) -> Vec<u8> {
        let mut v = b"ID3\x04\x00\x00".to_vec();
        let s = payload as u32;
        v.extend([
            (s >> 21) as u8 & 0x7F,
            (s >> 14) as u8 & 0x7F,
            (s >> 7) as u8 & 0x7F,
            s as u8 & 0x7F,
        ]);
        v.extend(std::iter::repeat_n(0u8, payload));
        v
    }

    #[test]
    fn skips_consecutive_id3v2_tags_of_any_size() {
        let mut data = id3v2(300_000);
        data.extend(id3v2(5));
        data.extend(b"audio");
        let mut src: &[u8] = &data;
        let mut r = Reader::new(&mut src);
        assert_eq!(skip_id3v2(&mut r, 0).unwrap(), data.len() as u64 - 5);
    }

    #[test]
    fn a_tag_longer_than_the_file_is_truncation() {
        let mut data = id3v2(1000);
        data.truncate(500);
        let mut src: &[u8] = &data;
        let mut r = Reader::new(&mut src);
        let e = skip_id3v2(&mut r, 0).unwrap_err();
        assert!(
            e.starts_with("truncated: the ID3v2 tag at byte 0 claims 1000 bytes"),
            "{e}"
        );
    }

    #[test]
    fn cuts_id3v1_and_ape_at_the_end() {
        let mut data = vec![0xAA; 1000];
        // APEv2 with header: 32 header + 10 items + 32 footer; size field = items + footer.
        let mut ape = b"APETAGEX".to_vec();
        ape.extend(2000u32.to_le_bytes());
        ape.extend(42u32.to_le_bytes());
        ape.extend(1u32.to_le_bytes());
        ape.extend(0xA000_0000u32.to_le_bytes());
        ape.extend([0; 8]);
        data.extend(&ape);
        data.extend([0x20; 10]);
        data.extend(&ape);
        let mut v1 = b"TAG".to_vec();
        v1.resize(128, b' ');
        data.extend(v1);
        let mut src: &[u8] = &data;
        let mut r = Reader::new(&mut src);
        assert_eq!(audio_end(&mut r, 0).unwrap(), 1000);
    }
}
