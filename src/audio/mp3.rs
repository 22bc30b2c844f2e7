//! MPEG-1, MPEG-2 and MPEG-2.5 Layer III (MP3).
//!
//! Method, in order of preference:
//! 1. Skip ID3v2 tags by their declared size and cut ID3v1/APEv2/Lyrics3 tags off the end.
//! 2. Find the first frame: a valid Layer III header followed by two more valid headers of the
//!    same MPEG version and sample rate exactly one frame length apart (so junk before the
//!    audio, or a stray 0xFFE sync inside a tag, is never taken for audio).
//! 3. If that first frame carries a Xing/Info header with a frame count, the length is
//!    `frames x samples-per-frame`, less the encoder delay and padding of a LAME tag when there
//!    is one: exact to the sample. A VBRI (Fraunhofer) header gives the frame count likewise.
//!    The header's byte count is checked against the file to catch truncated files.
//! 4. Otherwise walk every frame header (frame scan): each header gives its frame's length, so
//!    this reads 4 bytes per frame and decodes nothing. Frame count x samples-per-frame is exact
//!    for the stream as stored, which is what players play; it includes the encoder's delay
//!    and padding, which only a LAME tag records (LAME itself writes no tag when a CBR frame is
//!    too small to hold one: low-rate speech), so such files run 1 to 3 frames long. Bitrate x
//!    size would be wrong for VBR.
//!
//! MPEG-2 and MPEG-2.5 differ from MPEG-1 only in 576 samples a frame and shorter side
//! information, which moves the Xing/Info header (see `FrameHeader::xing_offset`).

use super::source::{Reader, be16, be32};
use super::{AudioFormat, Parsed, tags};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    Mpeg1,
    Mpeg2,
    Mpeg25,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameHeader {
    pub version: Version,
    pub bitrate: u32,
    pub sample_rate: u32,
    pub channels: u16,
    /// Whole frame length in bytes, header included.
    pub len: u32,
    pub samples: u32,
}

impl FrameHeader {
    /// Same stream: a following frame must agree on version and sample rate.
    fn continues(&self, other: &FrameHeader) -> bool {
        self.version == other.version && self.sample_rate == other.sample_rate
    }

    /// Offset of a Xing/Info header inside the frame: after the 4-byte header and side info.
    fn xing_offset(&self) -> usize {
        4 + match (self.version, self.channels) {
            (Version::Mpeg1, 1) => 17,
            (Version::Mpeg1, _) => 32,
            (_, 1) => 9,
            _ => 17,
        }
    }
}

const BITRATES_V1: [u32; 15] = [
    0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
];
const BITRATES_V2: [u32; 15] = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];

/// What `onair probe` says about an MP3 measured by frame scan: no tag records the encoder's
/// delay and padding, so the length is the stored frames' (what players play), not the
/// recording's. LAME writes no tag for CBR frames too small to hold one (below 56 kb/s at
/// 22.05 kHz mono, for example), so low-rate speech MP3s often land here.
pub fn frame_scan_note(sample_rate: u32) -> String {
    let frame = if sample_rate >= 32_000 { 1152 } else { 576 };
    // LAME: 576 samples of delay, then padding up to the frame end plus one to two frames.
    let most_ms = (576 + 2 * frame) * 1000 / sample_rate.max(1);
    format!(
        "no Xing/Info/LAME tag: the length counts every stored frame, including the encoder's \
         delay and padding (up to about {most_ms} ms here), which only such a tag records; \
         encode with one (LAME VBR, or CBR at a bitrate whose frame holds it, or ffmpeg) for a \
         sample-exact length"
    )
}

/// Parses a Layer III frame header. Free-format (bitrate index 0) frames are not accepted:
/// their length is not in the header.
pub fn parse_header(h: [u8; 4]) -> Option<FrameHeader> {
    if h[0] != 0xFF || h[1] & 0xE0 != 0xE0 {
        return None;
    }
    let version = match (h[1] >> 3) & 3 {
        0 => Version::Mpeg25,
        2 => Version::Mpeg2,
        3 => Version::Mpeg1,
        _ => return None,
    };
    if (h[1] >> 1) & 3 != 1 {
        return None; // not Layer III
    }
    let bitrate_index = (h[2] >> 4) as usize;
    let rate_index = ((h[2] >> 2) & 3) as usize;
    if bitrate_index == 0 || bitrate_index == 15 || rate_index == 3 || h[3] & 3 == 2 {
        return None;
    }
    let padding = u32::from((h[2] >> 1) & 1);
    let (bitrate, sample_rate, samples, coefficient) = match version {
        Version::Mpeg1 => (
            BITRATES_V1[bitrate_index],
            [44100, 48000, 32000][rate_index],
            1152,
            144,
        ),
        Version::Mpeg2 => (
            BITRATES_V2[bitrate_index],
            [22050, 24000, 16000][rate_index],
            576,
            72,
        ),
        Version::Mpeg25 => (
            BITRATES_V2[bitrate_index],
            [11025, 12000, 8000][rate_index],
            576,
            72,
        ),
    };
    let len = coefficient * bitrate * 1000 / sample_rate + padding;
    Some(FrameHeader {
        version,
        bitrate: bitrate * 1000,
        sample_rate,
        channels: if h[3] >> 6 == 3 { 1 } else { 2 },
        len,
        samples,
    })
}

fn header_at(r: &mut Reader, at: u64) -> Result<Option<FrameHeader>, String> {
    let mut h = [0u8; 4];
    if r.read_into(at, &mut h)? < 4 {
        return Ok(None);
    }
    Ok(parse_header(h))
}

/// True when `count` frames chain from `at` (or the chain reaches exactly `end`).
fn chains(
    r: &mut Reader,
    at: u64,
    first: &FrameHeader,
    end: u64,
    count: u32,
) -> Result<bool, String> {
    let mut pos = at + u64::from(first.len);
    for _ in 1..count {
        if pos == end {
            return Ok(true);
        }
        match header_at(r, pos)? {
            Some(h) if first.continues(&h) && pos + 4 <= end => pos += u64::from(h.len),
            _ => return Ok(false),
        }
    }
    Ok(pos <= end)
}

/// How far past the tags onair looks for the first frame.
const SYNC_WINDOW: u64 = 1 << 20;

/// Finds the first frame at or after `from`, searching at most `window` bytes.
fn find_frame(
    r: &mut Reader,
    from: u64,
    end: u64,
    window: u64,
    chain: u32,
) -> Result<Option<(u64, FrameHeader)>, String> {
    let stop = end.min(from.saturating_add(window));
    let mut pos = from;
    while pos + 4 <= stop {
        let chunk = r.bytes(pos, 64 * 1024)?;
        if chunk.len() < 4 {
            break;
        }
        for i in 0..chunk.len() - 3 {
            let at = pos + i as u64;
            if at + 4 > stop {
                return Ok(None);
            }
            if chunk[i] != 0xFF || chunk[i + 1] & 0xE0 != 0xE0 {
                continue;
            }
            let h = [chunk[i], chunk[i + 1], chunk[i + 2], chunk[i + 3]];
            if let Some(header) = parse_header(h)
                && at + u64::from(header.len) <= end
                && chains(r, at, &header, end, chain)?
            {
                return Ok(Some((at, header)));
            }
        }
        pos += chunk.len() as u64 - 3;
    }
    Ok(None)
}

/// Why no MP3 frame was found, as precisely as the first bytes allow.
fn explain_no_frames(r: &mut Reader, start: u64, end: u64) -> Result<String, String> {
    if start >= end {
        return Ok(if start == 0 {
            "the file is empty".into()
        } else {
            "no audio: the file holds only tags, no MP3 frames".into()
        });
    }
    let head = r.bytes(start, 4096.min((end - start) as usize))?;
    let text = head
        .iter()
        .filter(|b| b.is_ascii_graphic() || b.is_ascii_whitespace())
        .count();
    if text * 100 >= head.len() * 95 {
        return Ok("this is a text file, not audio: no MP3 frames found".into());
    }
    // MPEG Layer I/II: the same sync, another layer.
    if head.len() >= 4
        && head[0] == 0xFF
        && head[1] & 0xE0 == 0xE0
        && matches!((head[1] >> 1) & 3, 2 | 3)
    {
        return Ok(
            "this is MPEG Layer I/II audio (MP2), not MP3, and podcast apps expect MP3: \
                   re-encode it with `ffmpeg -i FILE -c:a libmp3lame -b:a 128k OUT.mp3`"
                .into(),
        );
    }
    // ADTS AAC: a 0xFFF sync with layer 0 at the start, and another one frame length later.
    let is_adts = |h: &[u8]| h.len() >= 7 && h[0] == 0xFF && h[1] & 0xF6 == 0xF0;
    let adts = is_adts(&head) && {
        let len = (usize::from(head[3] & 3) << 11)
            | (usize::from(head[4]) << 3)
            | usize::from(head[5] >> 5);
        len >= 7 && is_adts(&r.bytes(start + len as u64, 7)?)
    };
    if adts {
        return Ok(
            "no MP3 frames found; this looks like raw ADTS AAC, which podcast apps do not \
                   play reliably: wrap it in M4A with `ffmpeg -i FILE -c copy OUT.m4a`"
                .into(),
        );
    }
    Ok(format!(
        "not MP3 audio: no run of valid MPEG Layer III frames in the first {} KiB after the tags",
        SYNC_WINDOW / 1024
    ))
}

struct XingInfo {
    cbr: bool,
    frames: Option<u32>,
    bytes: Option<u32>,
    /// Encoder delay and padding from a LAME tag.
    gapless: Option<(u32, u32)>,
    lame: bool,
}

fn parse_xing(frame: &[u8], h: &FrameHeader) -> Option<XingInfo> {
    // LAME writes the tag right after the side information even when the frame carries a
    // CRC (protection bit 0); other encoders count the CRC's 2 bytes first. Both are found.
    let has_crc = frame.get(1).is_some_and(|b| b & 1 == 0);
    let offsets = [h.xing_offset(), h.xing_offset() + 2];
    let offsets = &offsets[..if has_crc { 2 } else { 1 }];
    let (at, cbr) = offsets
        .iter()
        .find_map(|&at| match frame.get(at..at + 4)? {
            b"Xing" => Some((at, false)),
            b"Info" => Some((at, true)),
            _ => None,
        })?;
    let tag = frame.get(at..at + 8)?;
    let flags = be32(tag, 4);
    let mut p = at + 8;
    let mut field = |present: bool, len: usize| -> Option<Option<u32>> {
        if !present {
            return Some(None);
        }
        let v = frame.get(p..p + 4).map(|b| be32(b, 0));
        p += len;
        v.map(Some)
    };
    let frames = field(flags & 1 != 0, 4)?;
    let bytes = field(flags & 2 != 0, 4)?;
    field(flags & 4 != 0, 100)?;
    field(flags & 8 != 0, 4)?;
    // The LAME tag follows: 9 bytes of encoder name, then the delay/padding 12+12 bits at +21.
    let lame_tag = frame.get(p..p + 24);
    let lame = lame_tag.is_some_and(|t| {
        t.starts_with(b"LAME")
            || t.starts_with(b"Lavf")
            || t.starts_with(b"Lavc")
            || t.starts_with(b"L3.99")
    });
    let gapless = lame_tag.filter(|_| lame).map(|t| {
        let delay = (u32::from(t[21]) << 4) | (u32::from(t[22]) >> 4);
        let padding = (u32::from(t[22] & 0x0F) << 8) | u32::from(t[23]);
        (delay, padding)
    });
    Some(XingInfo {
        cbr,
        frames,
        bytes,
        gapless,
        lame,
    })
}

/// VBRI header (Fraunhofer encoders): always 32 bytes after the frame header.
fn parse_vbri(frame: &[u8]) -> Option<(u32, u32)> {
    let t = frame.get(36..36 + 18)?;
    if &t[..4] != b"VBRI" || be16(t, 4) != 1 {
        return None;
    }
    Some((be32(t, 10), be32(t, 14)))
}

struct Scan {
    frames: u64,
    samples: u64,
    frame_bytes: u64,
    constant_bitrate: Option<u32>,
    skipped: u64,
    partial_tail: u64,
}

/// Walks every frame header from `first` to `end`, resynchronising over junk between frames.
fn frame_scan(r: &mut Reader, first: u64, header: FrameHeader, end: u64) -> Result<Scan, String> {
    let mut scan = Scan {
        frames: 0,
        samples: 0,
        frame_bytes: 0,
        constant_bitrate: Some(header.bitrate),
        skipped: 0,
        partial_tail: 0,
    };
    let mut pos = first;
    while pos + 4 <= end {
        match header_at(r, pos)? {
            Some(h) if header.continues(&h) => {
                if pos + u64::from(h.len) > end {
                    scan.partial_tail = end - pos;
                    return Ok(scan);
                }
                scan.frames += 1;
                scan.samples += u64::from(h.samples);
                scan.frame_bytes += u64::from(h.len);
                if scan.constant_bitrate != Some(h.bitrate) {
                    scan.constant_bitrate = None;
                }
                pos += u64::from(h.len);
            }
            _ => match find_frame(r, pos + 1, end, 64 * 1024, 2)? {
                Some((next, h)) if header.continues(&h) => {
                    scan.skipped += next - pos;
                    pos = next;
                }
                _ => {
                    scan.skipped += end - pos;
                    return Ok(scan);
                }
            },
        }
    }
    scan.partial_tail = end - pos;
    Ok(scan)
}

/// Probes an MP3 whose ID3v2 tags end at `start`.
pub fn probe(r: &mut Reader, start: u64) -> Result<Parsed, String> {
    let end = tags::audio_end(r, start)?;
    let Some((first, header)) = find_frame(r, start, end, SYNC_WINDOW, 3)? else {
        return Err(explain_no_frames(r, start, end)?);
    };
    let mut warnings = Vec::new();
    if first > start {
        warnings.push(format!(
            "{} bytes of junk before the first MP3 frame (at byte {first})",
            first - start
        ));
    }
    let frame = r.bytes(first, header.len as usize)?;
    let region = end - first;
    let mut parsed = Parsed {
        format: AudioFormat::Mp3,
        codec: "mp3".into(),
        sample_rate: header.sample_rate,
        channels: header.channels,
        length: 0,
        timescale: u64::from(header.sample_rate),
        audio_bytes: Some(region),
        nominal_bitrate: None,
        method: String::new(),
        warnings: Vec::new(),
        chapters: Vec::new(),
    };

    if let Some(xing) = parse_xing(&frame, &header)
        && let Some(frames) = xing.frames
    {
        if frames == 0 {
            return Err("no audio: the Xing/Info header counts 0 MP3 frames".into());
        }
        // The tag's own frame is not counted in `frames`.
        // Even at the lowest bitrate every frame takes some bytes: a frame count the file
        // cannot hold means a truncated file (or a corrupt header), never a long duration.
        let smallest_frame = match header.version {
            Version::Mpeg1 => 144 * 32_000 / header.sample_rate,
            _ => 72 * 8_000 / header.sample_rate,
        };
        let expected_min = u64::from(frames) * u64::from(smallest_frame);
        let expected_min = match xing.bytes {
            Some(b) => u64::from(b).max(expected_min),
            None if xing.cbr => u64::from(frames) * u64::from(header.len - 1),
            None => expected_min,
        };
        if region + u64::from(header.len) < expected_min {
            return Err(format!(
                "truncated: the {} header promises {} frames ({} bytes) but the file holds only \
                 {region} bytes of audio",
                if xing.cbr { "Info" } else { "Xing" },
                frames,
                expected_min
            ));
        }
        let stale = xing
            .bytes
            .is_some_and(|b| region > u64::from(b) + u64::from(b) / 50 + 8192);
        if stale {
            warnings.push(format!(
                "the Xing/Info header counts {} bytes but the file holds {region}: the header is \
                 stale (edited or concatenated file), so every frame was counted instead",
                xing.bytes.unwrap_or(0)
            ));
        } else {
            let mut samples = u64::from(frames) * u64::from(header.samples);
            let mut method = if xing.cbr {
                "info header"
            } else {
                "xing header"
            }
            .to_string();
            if let Some((delay, padding)) = xing.gapless {
                let trim = u64::from(delay) + u64::from(padding);
                if trim < samples {
                    samples -= trim;
                    method.push_str(" + lame tag");
                }
            } else if xing.lame {
                method.push_str(" + lame tag");
            }
            parsed.length = samples;
            parsed.audio_bytes = Some(region - u64::from(header.len));
            if xing.cbr {
                // The tag's own frame may use another bitrate than the stream; ask the next.
                let next = header_at(r, first + u64::from(header.len))?;
                parsed.nominal_bitrate = Some(next.map_or(header.bitrate, |h| h.bitrate));
            }
            parsed.method = method;
            parsed.warnings = warnings;
            return Ok(parsed);
        }
    }

    if let Some((bytes, frames)) = parse_vbri(&frame) {
        if frames == 0 {
            return Err("no audio: the VBRI header counts 0 MP3 frames".into());
        }
        let smallest_frame = u64::from(72 * 8_000 / header.sample_rate);
        if region + u64::from(header.len) < u64::from(bytes).max(u64::from(frames) * smallest_frame)
        {
            return Err(format!(
                "truncated: the VBRI header promises {bytes} bytes of audio but the file holds \
                 only {region}"
            ));
        }
        parsed.length = u64::from(frames) * u64::from(header.samples);
        parsed.audio_bytes = Some(region - u64::from(header.len));
        parsed.method = "vbri header".into();
        parsed.warnings = warnings;
        return Ok(parsed);
    }

    let scan = frame_scan(r, first, header, end)?;
    if scan.frames == 0 {
        return Err("no audio: no complete MP3 frame".into());
    }
    if scan.frame_bytes * 10 < region * 9 {
        return Err(format!(
            "not MP3 audio: only {}% of the bytes after the first frame header are MPEG frames",
            scan.frame_bytes * 100 / region
        ));
    }
    if scan.skipped > 0 {
        warnings.push(format!(
            "{} bytes of junk between MP3 frames were skipped",
            scan.skipped
        ));
    }
    if scan.partial_tail > 4 {
        warnings.push(format!(
            "the last MP3 frame is incomplete ({} bytes): the file may be truncated",
            scan.partial_tail
        ));
    }
    parsed.length = scan.samples;
    parsed.audio_bytes = Some(scan.frame_bytes);
    parsed.nominal_bitrate = scan.constant_bitrate;
    parsed.method = "frame scan".into();
    parsed.warnings = warnings;
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_headers_of_each_version() {
        // MPEG-1, 128 kb/s, 44.1 kHz, no padding, joint stereo.
        let h = parse_header([0xFF, 0xFB, 0x90, 0x44]).unwrap();
        assert_eq!(
            (
                h.version,
                h.bitrate,
                h.sample_rate,
                h.len,
                h.samples,
                h.channels
            ),
            (Version::Mpeg1, 128_000, 44100, 417, 1152, 2)
        );
        // MPEG-2, 64 kb/s, 22.05 kHz, padding, mono.
        let h = parse_header([0xFF, 0xF3, 0x82, 0xC4]).unwrap();
        assert_eq!(
            (
                h.version,
                h.bitrate,
                h.sample_rate,
                h.len,
                h.samples,
                h.channels
            ),
            (
                Version::Mpeg2,
                64_000,
                22050,
                72 * 64_000 / 22050 + 1,
                576,
                1
            )
        );
        // MPEG-2.5, 8 kb/s, 8 kHz.
        let h = parse_header([0xFF, 0xE3, 0x18, 0xC4]).unwrap();
        assert_eq!(
            (h.version, h.sample_rate, h.len),
            (Version::Mpeg25, 8000, 72)
        );
        // Layer II, reserved version, bad bitrate are refused.
        assert!(parse_header([0xFF, 0xFD, 0x90, 0x44]).is_none());
        assert!(parse_header([0xFF, 0xEB, 0x90, 0x44]).is_none());
        assert!(parse_header([0xFF, 0xFB, 0xF0, 0x44]).is_none());
        assert!(parse_header([0xFF, 0xFB, 0x00, 0x44]).is_none());
    }

    /// A stream of `n` silent MPEG-1 128 kb/s frames, frame 0 optionally replaced.
    fn frames(n: usize) -> Vec<u8> {
        let mut v = Vec::new();
        for _ in 0..n {
            let mut f = vec![0u8; 417];
            f[..4].copy_from_slice(&[0xFF, 0xFB, 0x90, 0x44]);
            v.extend(f);
        }
        v
    }

    /// `n` frames whose first carries a Xing/Info header (`tag`) with `flags`, a frame count
    /// and, when given, a byte count (flag 2).
    fn with_xing(
        n: usize,
        tag: &[u8; 4],
        flags: u32,
        frame_count: u32,
        bytes: Option<u32>,
    ) -> Vec<u8> {
        let mut data = frames(n);
        let x = 4 + 32;
        data[x..x + 4].copy_from_slice(tag);
        data[x + 4..x + 8].copy_from_slice(&flags.to_be_bytes());
        data[x + 8..x + 12].copy_from_slice(&frame_count.to_be_bytes());
        if let Some(bytes) = bytes {
            data[x + 12..x + 16].copy_from_slice(&bytes.to_be_bytes());
        }
        data
    }

    /// `n` MPEG-2 Layer III frames (22.05 kHz, 64 kb/s, mono, 208 bytes), the first with an
    /// Info header and LAME tag `tag_gap` bytes after the side information, `crc` setting
    /// the CRC bit of the headers.
    fn mpeg2_with_info(n: usize, crc: bool, tag_gap: usize) -> Vec<u8> {
        let header = [0xFF, if crc { 0xF2 } else { 0xF3 }, 0x80, 0xC0];
        let mut data = Vec::new();
        for _ in 0..n {
            let mut f = vec![0u8; 208];
            f[..4].copy_from_slice(&header);
            data.extend(f);
        }
        let x = 4 + 9 + tag_gap;
        data[x..x + 4].copy_from_slice(b"Info");
        data[x + 4..x + 8].copy_from_slice(&1u32.to_be_bytes());
        data[x + 8..x + 12].copy_from_slice(&(n as u32 - 1).to_be_bytes());
        let l = x + 12;
        data[l..l + 9].copy_from_slice(b"LAME3.100");
        // delay 576, padding 300: 0x240 0x12C
        data[l + 21..l + 24].copy_from_slice(&[0x24, 0x01, 0x2C]);
        data
    }

    #[test]
    fn mpeg2_info_header_follows_the_9_byte_side_info_with_or_without_crc() {
        let want = 9 * 576 - 576 - 300;
        for (crc, gap) in [(false, 0), (true, 0), (true, 2)] {
            let p = probe_bytes(&mpeg2_with_info(10, crc, gap)).unwrap();
            assert_eq!(
                (p.method.as_str(), p.length, p.sample_rate, p.channels),
                ("info header + lame tag", want, 22050, 1),
                "crc {crc}, tag {gap} bytes after the side info"
            );
        }
        // Without a CRC the 2-byte shift is not a place a tag can be: every frame is audio.
        let p = probe_bytes(&mpeg2_with_info(10, false, 2)).unwrap();
        assert_eq!((p.method.as_str(), p.length), ("frame scan", 10 * 576));
    }

    fn probe_bytes(data: &[u8]) -> Result<Parsed, String> {
        let mut src: &[u8] = data;
        let mut r = Reader::new(&mut src);
        probe(&mut r, 0)
    }

    #[test]
    fn frame_scan_counts_frames_after_junk() {
        let mut data = b"junk junk junk \xFF\xFB".to_vec();
        data.extend(frames(100));
        let p = probe_bytes(&data).unwrap();
        assert_eq!(p.method, "frame scan");
        assert_eq!(p.length, 100 * 1152);
        assert_eq!(p.nominal_bitrate, Some(128_000));
        assert!(
            p.warnings[0].contains("17 bytes of junk"),
            "{:?}",
            p.warnings
        );
    }

    #[test]
    fn xing_with_lame_tag_trims_delay_and_padding() {
        let mut data = with_xing(11, b"Xing", 3, 10, Some(417 * 11));
        let l = 4 + 32 + 16;
        data[l..l + 9].copy_from_slice(b"LAME3.100");
        // delay 576, padding 1000: 0x240 0x3E8
        data[l + 21..l + 24].copy_from_slice(&[0x24, 0x03, 0xE8]);
        let p = probe_bytes(&data).unwrap();
        assert_eq!(p.method, "xing header + lame tag");
        assert_eq!(p.length, 10 * 1152 - 576 - 1000);
    }

    #[test]
    fn xing_promising_more_than_the_file_holds_is_truncation() {
        let data = with_xing(11, b"Info", 3, 1000, Some(417 * 1001));
        let e = probe_bytes(&data).unwrap_err();
        assert!(
            e.starts_with("truncated: the Info header promises 1000 frames"),
            "{e}"
        );
    }

    #[test]
    fn a_frame_count_the_file_cannot_hold_is_truncation() {
        let data = with_xing(11, b"Xing", 1, 4_000_000_000, None);
        let e = probe_bytes(&data).unwrap_err();
        assert!(
            e.starts_with("truncated: the Xing header promises 4000000000 frames"),
            "{e}"
        );
    }

    #[test]
    fn vbri_header_gives_the_frame_count() {
        let mut data = frames(21);
        data[36..40].copy_from_slice(b"VBRI");
        data[40..42].copy_from_slice(&1u16.to_be_bytes());
        data[46..50].copy_from_slice(&(417u32 * 21).to_be_bytes());
        data[50..54].copy_from_slice(&20u32.to_be_bytes());
        let p = probe_bytes(&data).unwrap();
        assert_eq!((p.method.as_str(), p.length), ("vbri header", 20 * 1152));
    }

    #[test]
    fn bad_inputs_are_explained() {
        assert_eq!(probe_bytes(b"").unwrap_err(), "the file is empty");
        let e = probe_bytes(b"# Show notes\n\nThis is not audio at all.\n").unwrap_err();
        assert!(e.starts_with("this is a text file"), "{e}");
        let mut noise = Vec::new();
        let mut x: u32 = 12345;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            noise.push(x as u8);
        }
        let e = probe_bytes(&noise).unwrap_err();
        assert!(e.starts_with("not MP3 audio"), "{e}");
    }
}
