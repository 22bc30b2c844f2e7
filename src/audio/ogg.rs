//! Ogg Vorbis and Ogg Opus.
//!
//! Method: the first page (beginning of stream) carries the codec's identification header:
//! Vorbis gives channels and sample rate, Opus gives channels and the pre-skip (the decoder
//! discards that many samples at the start). Every Ogg page records a granule position, which
//! for both codecs is the number of samples decoded by the end of that page (at 48 kHz for
//! Opus, whatever the input rate was). So the exact length is the granule position of the
//! stream's last page (less the pre-skip for Opus), found by reading backwards from the end
//! of the file for a page with a valid header and checksum. Nothing in between is read.
//!
//! A last page that extends past the end of the file means the file is truncated; a stream
//! without its end-of-stream page gets a warning.

use super::source::{Reader, le16, le32, le64};
use super::{AudioFormat, Parsed};

/// Page header fields onair uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PageHeader {
    flags: u8,
    granule: u64,
    serial: u32,
    /// Header length (27 + segment table) and body length.
    header_len: u64,
    body_len: u64,
}

const BOS: u8 = 0x02;
const EOS: u8 = 0x04;
const NO_GRANULE: u64 = u64::MAX;
/// How far back from the end onair looks for the last page (pages are at most 64 KiB).
const MAX_TAIL: u64 = 16 << 20;

/// Parses the page header at `at`; None if it is not one. Reads at most 282 bytes.
fn page_header(r: &mut Reader, at: u64) -> Result<Option<PageHeader>, String> {
    let h = r.bytes(at, 27 + 255)?;
    if h.len() < 27 || &h[..4] != b"OggS" || h[4] != 0 || h[5] & !0x07 != 0 {
        return Ok(None);
    }
    let segments = usize::from(h[26]);
    if h.len() < 27 + segments {
        return Ok(None);
    }
    Ok(Some(PageHeader {
        flags: h[5],
        granule: le64(&h, 6),
        serial: le32(&h, 14),
        header_len: 27 + segments as u64,
        body_len: h[27..27 + segments].iter().map(|&b| u64::from(b)).sum(),
    }))
}

/// Ogg's CRC-32 (polynomial 0x04C11DB7, not reflected, zero start), over the page with its
/// checksum field zeroed.
fn page_crc(page: &[u8]) -> u32 {
    let mut crc = 0u32;
    for (i, &b) in page.iter().enumerate() {
        let b = if (22..26).contains(&i) { 0 } else { b };
        crc ^= u32::from(b) << 24;
        for _ in 0..8 {
            crc = if crc & 0x8000_0000 != 0 {
                (crc << 1) ^ 0x04C1_1DB7
            } else {
                crc << 1
            };
        }
    }
    crc
}

enum Codec {
    Vorbis { rate: u32, channels: u16 },
    Opus { pre_skip: u16, channels: u16 },
}

fn identify(packet: &[u8]) -> Result<Option<Codec>, String> {
    if packet.starts_with(b"\x01vorbis") {
        if packet.len() < 30 {
            return Err("damaged Ogg Vorbis: the identification header is too short".into());
        }
        let rate = le32(packet, 12);
        if rate == 0 {
            return Err("damaged Ogg Vorbis: sample rate 0".into());
        }
        return Ok(Some(Codec::Vorbis {
            rate,
            channels: u16::from(packet[11]),
        }));
    }
    if packet.starts_with(b"OpusHead") {
        if packet.len() < 19 {
            return Err("damaged Ogg Opus: the identification header is too short".into());
        }
        return Ok(Some(Codec::Opus {
            pre_skip: le16(packet, 10),
            channels: u16::from(packet[9]),
        }));
    }
    if packet.starts_with(b"\x7fFLAC") {
        return Err(
            "FLAC inside Ogg is not supported; publish native FLAC (.flac) instead: \
             `ffmpeg -i FILE -c copy OUT.flac`"
                .into(),
        );
    }
    Ok(None)
}

/// The last page of `serial` with a granule position, searching back from the end.
fn last_page(r: &mut Reader, serial: u32) -> Result<(PageHeader, Vec<String>), String> {
    let size = r.size();
    let mut warnings = Vec::new();
    let mut window: u64 = 128 * 1024;
    let mut newest_seen = true;
    let mut searched_from = size;
    loop {
        let start = size.saturating_sub(window);
        let chunk = r.bytes(start, (searched_from - start) as usize + 3)?;
        let mut i = chunk.len().saturating_sub(4);
        loop {
            if &chunk[i..(i + 4).min(chunk.len())] == b"OggS" {
                let at = start + i as u64;
                if let Some(h) = page_header(r, at)? {
                    let end = at + h.header_len + h.body_len;
                    if end > size {
                        if newest_seen {
                            return Err(format!(
                                "truncated: the last Ogg page (at byte {at}) needs {} more bytes \
                                 than the file holds",
                                end - size
                            ));
                        }
                    } else {
                        let page = r.bytes(at, (h.header_len + h.body_len) as usize)?;
                        if page_crc(&page) == le32(&page, 22) {
                            if h.serial == serial && h.granule != NO_GRANULE {
                                if h.flags & EOS == 0 && newest_seen {
                                    warnings.push(
                                        "the Ogg stream has no end-of-stream page: the file may \
                                         be truncated"
                                            .to_string(),
                                    );
                                }
                                return Ok((h, warnings));
                            }
                            newest_seen = false;
                        }
                    }
                }
            }
            if i == 0 {
                break;
            }
            i -= 1;
        }
        if start == 0 {
            return Err("no audio: no Ogg page of the audio stream records a position".into());
        }
        if window >= MAX_TAIL {
            return Err(format!(
                "no Ogg page of the audio stream with a position in the last {} MiB",
                MAX_TAIL >> 20
            ));
        }
        searched_from = start;
        window = (window * 4).min(MAX_TAIL);
    }
}

pub fn probe(r: &mut Reader) -> Result<Parsed, String> {
    // Beginning-of-stream pages come first, one per logical stream; take the first audio one.
    let mut at = 0u64;
    let mut found = None;
    while let Some(h) = page_header(r, at)? {
        if h.flags & BOS == 0 {
            break;
        }
        let body = r.exact(
            at + h.header_len,
            h.body_len.min(4096) as usize,
            "first Ogg page",
        )?;
        if let Some(codec) = identify(&body)? {
            found = Some((h.serial, codec));
            break;
        }
        at += h.header_len + h.body_len;
    }
    let Some((serial, codec)) = found else {
        return Err(if at == 0 {
            "damaged Ogg file: it does not start with a valid beginning-of-stream page".into()
        } else {
            "the Ogg file holds no Vorbis or Opus audio stream".into()
        });
    };
    let (last, warnings) = last_page(r, serial)?;
    let (format, codec_name, rate, channels, length) = match codec {
        Codec::Vorbis { rate, channels } => {
            (AudioFormat::Vorbis, "vorbis", rate, channels, last.granule)
        }
        Codec::Opus { pre_skip, channels } => (
            AudioFormat::Opus,
            "opus",
            48_000,
            channels,
            last.granule.saturating_sub(u64::from(pre_skip)),
        ),
    };
    if length == 0 {
        return Err(format!(
            "no audio: the Ogg {} stream holds no samples",
            if format == AudioFormat::Opus {
                "Opus"
            } else {
                "Vorbis"
            }
        ));
    }
    Ok(Parsed {
        format,
        codec: codec_name.into(),
        sample_rate: rate,
        channels,
        length,
        timescale: u64::from(rate),
        audio_bytes: None,
        nominal_bitrate: None,
        method: if format == AudioFormat::Opus {
            "granule position - pre-skip".into()
        } else {
            "granule position".into()
        },
        warnings,
        chapters: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(flags: u8, granule: u64, serial: u32, body: &[u8]) -> Vec<u8> {
        assert!(body.len() < 255);
        let mut p = b"OggS\0".to_vec();
        p.push(flags);
        p.extend(granule.to_le_bytes());
        p.extend(serial.to_le_bytes());
        p.extend(0u32.to_le_bytes());
        p.extend(0u32.to_le_bytes());
        p.push(1);
        p.push(body.len() as u8);
        p.extend(body);
        let crc = page_crc(&p);
        p[22..26].copy_from_slice(&crc.to_le_bytes());
        p
    }

    fn opus_head(pre_skip: u16) -> Vec<u8> {
        let mut h = b"OpusHead\x01\x02".to_vec();
        h.extend(pre_skip.to_le_bytes());
        h.extend(44100u32.to_le_bytes());
        h.extend([0, 0, 0]);
        h
    }

    fn probe_bytes(data: &[u8]) -> Result<Parsed, String> {
        let mut src: &[u8] = data;
        probe(&mut Reader::new(&mut src))
    }

    #[test]
    fn opus_length_is_the_last_granule_less_pre_skip() {
        let mut data = page(BOS, 0, 7, &opus_head(312));
        data.extend(page(0, 0, 7, b"OpusTags"));
        data.extend(page(0, 48_312, 7, &[0; 100]));
        // Another stream's page after ours, and a page without a granule position.
        data.extend(page(0, 999_999, 8, &[0; 10]));
        data.extend(page(EOS, 96_312, 7, &[0; 100]));
        let p = probe_bytes(&data).unwrap();
        assert_eq!((p.length, p.sample_rate, p.channels), (96_000, 48_000, 2));
        assert!(p.warnings.is_empty());
    }

    #[test]
    fn a_cut_last_page_is_truncation_and_a_missing_eos_a_warning() {
        let mut data = page(BOS, 0, 7, &opus_head(312));
        data.extend(page(0, 48_312, 7, &[0; 100]));
        let whole = data.len();
        data.extend(page(EOS, 96_312, 7, &[0; 100]));
        let e = probe_bytes(&data[..data.len() - 50]).unwrap_err();
        assert!(e.starts_with("truncated: the last Ogg page"), "{e}");
        let p = probe_bytes(&data[..whole]).unwrap();
        assert_eq!(p.length, 48_000);
        assert!(p.warnings[0].contains("no end-of-stream page"));
    }

    #[test]
    fn headers_only_is_no_audio() {
        let mut data = page(BOS, 0, 7, &opus_head(312));
        data.extend(page(EOS, 0, 7, b"OpusTags"));
        assert!(probe_bytes(&data).unwrap_err().starts_with("no audio"));
    }
}
