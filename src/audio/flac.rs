//! FLAC (native, `fLaC`).
//!
//! Method: the mandatory STREAMINFO block at the start records the sample rate, channels and
//! the total number of samples: exact. Then the last frame is checked without decoding: onair
//! finds the last frame header near the end of the file (sync code, valid CRC-8), and checks
//! the CRC-16 that ends every frame. A file cut short fails that check (truncated); one whose
//! last frame ends well before STREAMINFO's count is truncated at a frame boundary. When
//! STREAMINFO leaves the total at 0 (unknown, e.g. a live encoder), the last frame header's
//! position (frame or sample number) plus its block size gives it.

use super::source::{Reader, be16, be32};
use super::{AudioFormat, Parsed, tags};

struct StreamInfo {
    max_block: u32,
    fixed_block: bool,
    max_frame: u32,
    rate: u32,
    channels: u16,
    total: u64,
}

fn parse_streaminfo(b: &[u8]) -> StreamInfo {
    let min_block = u32::from(be16(b, 0));
    let max_block = u32::from(be16(b, 2));
    let max_frame = (u32::from(b[7]) << 16) | (u32::from(b[8]) << 8) | u32::from(b[9]);
    let packed = u64::from(be32(b, 10)) << 32 | u64::from(be32(b, 14));
    StreamInfo {
        max_block,
        fixed_block: min_block == max_block,
        max_frame,
        rate: (packed >> 44) as u32,
        channels: ((packed >> 41) & 7) as u16 + 1,
        total: packed & 0xF_FFFF_FFFF,
    }
}

fn crc8(data: &[u8]) -> u8 {
    let mut crc = 0u8;
    for &b in data {
        crc ^= b;
        for _ in 0..8 {
            crc = if crc & 0x80 != 0 {
                (crc << 1) ^ 0x07
            } else {
                crc << 1
            };
        }
    }
    crc
}

fn crc16(data: &[u8]) -> u16 {
    let mut crc = 0u16;
    for &b in data {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x8005
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// A frame header at the start of `b`: (first sample, block size), given the stream's
/// nominal block size for fixed-blocksize streams. None if it is not a valid header.
fn frame_header(b: &[u8], nominal_block: u32) -> Option<(u64, u32)> {
    if b.len() < 6 || b[0] != 0xFF || b[1] & 0xFE != 0xF8 || b[3] & 1 != 0 {
        return None;
    }
    let variable = b[1] & 1 == 1;
    let block_code = b[2] >> 4;
    let rate_code = b[2] & 0x0F;
    if block_code == 0 || rate_code == 15 || b[3] >> 4 >= 11 || (b[3] >> 1) & 7 == 3 {
        return None;
    }
    // UTF-8-like coded frame or sample number.
    let lead = b[4];
    let extra = lead.leading_ones() as usize;
    if extra == 1 || extra > 7 {
        return None;
    }
    let mut number = u64::from(if extra == 0 {
        lead
    } else {
        lead & (0x7F >> extra)
    });
    let mut p = 5;
    for _ in 1..extra.max(1) {
        let c = *b.get(p)?;
        if c & 0xC0 != 0x80 {
            return None;
        }
        number = (number << 6) | u64::from(c & 0x3F);
        p += 1;
    }
    let block = match block_code {
        1 => 192,
        2..=5 => 576 << (block_code - 2),
        6 => {
            p += 1;
            u32::from(*b.get(p - 1)?) + 1
        }
        7 => {
            p += 2;
            u32::from(be16(b.get(p - 2..p)?, 0)) + 1
        }
        _ => 256 << (block_code - 8),
    };
    p += match rate_code {
        12 => 1,
        13 | 14 => 2,
        _ => 0,
    };
    if crc8(b.get(..p)?) != *b.get(p)? {
        return None;
    }
    let first = if variable {
        number
    } else {
        number * u64::from(nominal_block)
    };
    Some((first, block))
}

/// The last audio frame: (whether its CRC-16 checks out, (its first sample, its block size)),
/// searched back from the end for the latest valid header.
fn last_frame(
    r: &mut Reader,
    info: &StreamInfo,
    audio_start: u64,
    end: u64,
) -> Result<(bool, (u64, u32)), String> {
    // The last frame: search back from the end for a valid header whose frame checks out.
    let window = (u64::from(info.max_frame.max(16 * 1024)) * 2).min(end - audio_start);
    let tail_start = end - window;
    let tail = r.bytes(tail_start, window as usize)?;
    let nominal = if info.fixed_block { info.max_block } else { 0 };
    // A frame-like header inside the last frame's data is possible (1 in 256 passes CRC-8),
    // so the last frame is the latest header whose frame's CRC-16 checks out up to the end.
    let frame_ok = |i: usize| {
        let frame = &tail[i..];
        frame.len() >= 8 && crc16(&frame[..frame.len() - 2]) == be16(frame, frame.len() - 2)
    };
    let mut newest_header = None;
    let mut last = None;
    for i in (0..tail.len().saturating_sub(6)).rev() {
        if tail[i] != 0xFF {
            continue;
        }
        if let Some((first, block)) = frame_header(&tail[i..], nominal) {
            newest_header.get_or_insert((first, block));
            if frame_ok(i) {
                last = Some((first, block));
                break;
            }
        }
    }
    match (last, newest_header) {
        (Some(l), _) => Ok((true, l)),
        (None, Some(h)) => Ok((false, h)),
        (None, None) => Err("damaged FLAC: no audio frame found near the end of the file".into()),
    }
}

pub fn probe(r: &mut Reader, start: u64) -> Result<Parsed, String> {
    let mut at = start + 4;
    let mut info = None;
    loop {
        let h = r.exact(at, 4, "FLAC metadata")?;
        let kind = h[0] & 0x7F;
        let len = u64::from(be32(&h, 0) & 0xFF_FFFF);
        if info.is_none() {
            if kind != 0 || len < 34 {
                return Err("damaged FLAC: the first metadata block is not STREAMINFO".into());
            }
            info = Some(parse_streaminfo(&r.exact(at + 4, 34, "FLAC STREAMINFO")?));
        }
        at += 4 + len;
        if at > r.size() {
            return Err(format!(
                "truncated: a FLAC metadata block claims {len} bytes, past the end of the file"
            ));
        }
        if h[0] & 0x80 != 0 {
            break;
        }
    }
    let info = info.expect("read above");
    if info.rate == 0 {
        return Err("damaged FLAC: sample rate 0".into());
    }
    let audio_start = at;
    let end = tags::audio_end(r, audio_start)?;
    if end <= audio_start {
        return Err("no audio: the FLAC file has metadata but no audio frames".into());
    }

    let (frame_ok, (first, block)) = last_frame(r, &info, audio_start, end)?;
    let frame_end = first + u64::from(block);
    let mut warnings = Vec::new();
    let length = if info.total == 0 {
        if !frame_ok {
            return Err("truncated: the last FLAC frame is incomplete".into());
        }
        frame_end
    } else {
        if !frame_ok || frame_end + u64::from(info.max_block) < info.total {
            return Err(format!(
                "truncated: STREAMINFO promises {} samples but the audio stops at {} (its last \
                 frame is {})",
                info.total,
                if frame_ok { frame_end } else { first },
                if frame_ok { "complete" } else { "cut short" }
            ));
        }
        if frame_end != info.total {
            warnings.push(format!(
                "the last FLAC frame ends at sample {frame_end} but STREAMINFO counts {}",
                info.total
            ));
        }
        info.total
    };
    if length == 0 {
        return Err("no audio: the FLAC stream holds no samples".into());
    }
    Ok(Parsed {
        format: AudioFormat::Flac,
        codec: "flac".into(),
        sample_rate: info.rate,
        channels: info.channels,
        length,
        timescale: u64::from(info.rate),
        audio_bytes: Some(end - audio_start),
        nominal_bitrate: None,
        method: if info.total == 0 {
            "last frame header"
        } else {
            "streaminfo"
        }
        .into(),
        warnings,
        chapters: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crcs_match_the_spec_check_values() {
        // CRC-8/SMBUS and CRC-16/UMTS (FLAC's) of "123456789".
        assert_eq!(crc8(b"123456789"), 0xF4);
        assert_eq!(crc16(b"123456789"), 0xFEE8);
    }

    #[test]
    fn frame_headers_give_position_and_block_size() {
        // Fixed blocksize, block code 12 (4096), 44.1 kHz, stereo, 16-bit, frame number 3.
        let mut h = vec![0xFF, 0xF8, 0xC9, 0x18, 0x03];
        h.push(crc8(&h));
        assert_eq!(frame_header(&h, 4096), Some((3 * 4096, 4096)));
        // Variable blocksize, explicit 16-bit block size 1000, sample number 70000 (4 bytes).
        let n = 70000u32;
        let mut h = vec![0xFF, 0xF9, 0x79, 0x18];
        h.extend([
            0xF0 | (n >> 18) as u8,
            0x80 | ((n >> 12) & 0x3F) as u8,
            0x80 | ((n >> 6) & 0x3F) as u8,
            0x80 | (n & 0x3F) as u8,
        ]);
        h.extend(999u16.to_be_bytes());
        h.push(crc8(&h));
        assert_eq!(frame_header(&h, 0), Some((70000, 1000)));
        let last = h.len() - 1;
        h[last] ^= 1;
        assert_eq!(frame_header(&h, 0), None);
    }
}
