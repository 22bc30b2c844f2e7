//! MP4 family: .m4a, .mp4, .m4b (ISO base media file format / QuickTime).
//!
//! Method: walk the top-level boxes by their size fields (an `mdat` of any size is skipped
//! without reading it, so `moov` may come before or after the audio), read only `moov`, pick
//! the first sound track (`hdlr` = `soun`) and take:
//! - its sample table: `stts` (sample durations, summed) in the `mdhd` timescale, `stsz`
//!   (sample sizes, for the bitrate), `stsd` (codec, channels, sample rate; for AAC the
//!   AudioSpecificConfig inside `esds`);
//! - the exact playable length, in this order: an iTunes `iTunSMPB` tag (priming, padding and
//!   the original sample count), the edit list `elst` (which skips the encoder's priming
//!   samples and cuts the padding), else the whole sample table;
//! - for fragmented files (`mvex`), the sample durations of every `moof`/`traf`/`trun`.
//!
//! Truncated files are caught where a box claims more bytes than the file holds, or a chunk
//! offset points past the end.
//!
//! Chapters: the QuickTime chapter track the sound track names in `tref`/`chap` (a text track
//! whose samples are the titles; only those few samples are read from `mdat`), else Nero's
//! `chpl` box in `moov`/`udta`.

use super::source::{Reader, be16, be32, be64};
use super::{AudioFormat, EmbeddedChapter, Parsed};

/// Bigger `moov` boxes are refused: a multi-hour audio track needs well under 8 MiB.
const MAX_MOOV: u64 = 64 << 20;

/// The file starts with an ISO box onair recognises (`ftyp`, or a bare `moov`/`mdat`/…).
pub fn sniff(head: &[u8]) -> bool {
    head.len() >= 8
        && matches!(
            &head[4..8],
            b"ftyp" | b"moov" | b"mdat" | b"wide" | b"free" | b"skip" | b"pnot"
        )
        && (be32(head, 0) >= 8 || be32(head, 0) <= 1)
}

struct TopBox {
    kind: [u8; 4],
    offset: u64,
    header: u64,
    size: u64,
}

fn top_box(r: &mut Reader, offset: u64) -> Result<Option<TopBox>, String> {
    let h = r.bytes(offset, 16)?;
    if h.len() < 8 {
        return Ok(None);
    }
    let kind: [u8; 4] = h[4..8].try_into().expect("4 bytes");
    let (header, size) = match be32(&h, 0) {
        0 => (8, r.size() - offset),
        1 => {
            if h.len() < 16 {
                return Err(format!(
                    "truncated: the file ends inside the header of box '{}'",
                    name(&kind)
                ));
            }
            (16, be64(&h, 8))
        }
        n => (8, u64::from(n)),
    };
    if size < header {
        return Err(format!(
            "damaged MP4: box '{}' at byte {offset} has an impossible size {size}",
            name(&kind)
        ));
    }
    Ok(Some(TopBox {
        kind,
        offset,
        header,
        size,
    }))
}

fn name(kind: &[u8]) -> String {
    String::from_utf8_lossy(kind).into_owned()
}

/// A box as (type, payload).
type Child<'a> = ([u8; 4], &'a [u8]);

/// Child boxes of a box's payload.
fn children(data: &[u8]) -> Result<Vec<Child<'_>>, String> {
    let mut out = Vec::new();
    let mut p = 0usize;
    while p + 8 <= data.len() {
        let size32 = be32(data, p);
        let kind: [u8; 4] = data[p + 4..p + 8].try_into().expect("4 bytes");
        let (header, size) = match size32 {
            0 => (8, (data.len() - p) as u64),
            1 if p + 16 <= data.len() => (16, be64(data, p + 8)),
            1 => return Err(format!("damaged MP4: box '{}' is cut short", name(&kind))),
            n => (8, u64::from(n)),
        };
        if size < header || size > (data.len() - p) as u64 {
            return Err(format!(
                "damaged MP4: box '{}' claims {size} bytes but its parent holds {}",
                name(&kind),
                data.len() - p
            ));
        }
        out.push((kind, &data[p + header as usize..p + size as usize]));
        p += size as usize;
    }
    Ok(out)
}

fn child<'a>(data: &'a [u8], kind: &[u8; 4]) -> Result<Option<&'a [u8]>, String> {
    Ok(children(data)?
        .into_iter()
        .find(|(k, _)| k == kind)
        .map(|(_, d)| d))
}

fn need(data: &[u8], len: usize, what: &str) -> Result<(), String> {
    if data.len() < len {
        return Err(format!("damaged MP4: the '{what}' box is too short"));
    }
    Ok(())
}

/// (timescale, duration) of an `mvhd` or `mdhd` box.
fn header_times(data: &[u8], what: &str) -> Result<(u32, u64), String> {
    need(data, 4, what)?;
    if data[0] == 1 {
        need(data, 32, what)?;
        Ok((be32(data, 20), be64(data, 24)))
    } else {
        need(data, 20, what)?;
        Ok((be32(data, 12), u64::from(be32(data, 16))))
    }
}

struct Edit {
    segment_duration: u64,
    media_time: i64,
}

fn parse_elst(data: &[u8]) -> Result<Vec<Edit>, String> {
    need(data, 8, "elst")?;
    let v1 = data[0] == 1;
    let count = be32(data, 4) as usize;
    let entry = if v1 { 20 } else { 12 };
    if count > (data.len() - 8) / entry {
        return Err("damaged MP4: the edit list claims more entries than it holds".into());
    }
    Ok((0..count)
        .map(|i| {
            let p = 8 + i * entry;
            if v1 {
                Edit {
                    segment_duration: be64(data, p),
                    media_time: be64(data, p + 8) as i64,
                }
            } else {
                Edit {
                    segment_duration: u64::from(be32(data, p)),
                    media_time: i64::from(be32(data, p + 4) as i32),
                }
            }
        })
        .collect())
}

/// (sample count, summed duration) of `stts`.
fn parse_stts(data: &[u8]) -> Result<(u64, u64), String> {
    need(data, 8, "stts")?;
    let count = be32(data, 4) as usize;
    if count > (data.len() - 8) / 8 {
        return Err(
            "damaged MP4: the time-to-sample table claims more entries than it holds".into(),
        );
    }
    let (mut samples, mut total) = (0u64, 0u64);
    for i in 0..count {
        let n = u64::from(be32(data, 8 + i * 8));
        samples += n;
        total += n * u64::from(be32(data, 12 + i * 8));
    }
    Ok((samples, total))
}

/// (sample count, total bytes) of `stsz`.
fn parse_stsz(data: &[u8]) -> Result<(u64, u64), String> {
    need(data, 12, "stsz")?;
    let fixed = u64::from(be32(data, 4));
    let count = be32(data, 8) as usize;
    if fixed != 0 {
        return Ok((count as u64, fixed * count as u64));
    }
    if count > (data.len() - 12) / 4 {
        return Err("damaged MP4: the sample size table claims more entries than it holds".into());
    }
    let total = (0..count).map(|i| u64::from(be32(data, 12 + i * 4))).sum();
    Ok((count as u64, total))
}

/// Largest chunk offset in `stco`/`co64`.
fn max_chunk_offset(stbl: &[u8]) -> Result<Option<u64>, String> {
    if let Some(d) = child(stbl, b"stco")? {
        need(d, 8, "stco")?;
        let n = (be32(d, 4) as usize).min((d.len() - 8) / 4);
        return Ok((0..n).map(|i| u64::from(be32(d, 8 + i * 4))).max());
    }
    if let Some(d) = child(stbl, b"co64")? {
        need(d, 8, "co64")?;
        let n = (be32(d, 4) as usize).min((d.len() - 8) / 8);
        return Ok((0..n).map(|i| be64(d, 8 + i * 8)).max());
    }
    Ok(None)
}

/// Codec details from the first `stsd` entry.
struct SampleEntry {
    codec: String,
    channels: u16,
    sample_rate: u32,
}

fn descriptor_len(d: &[u8], p: &mut usize) -> Option<usize> {
    let mut len = 0usize;
    for _ in 0..4 {
        let b = *d.get(*p)?;
        *p += 1;
        len = (len << 7) | usize::from(b & 0x7F);
        if b & 0x80 == 0 {
            break;
        }
    }
    Some(len)
}

/// (object type indication, AudioSpecificConfig) from an `esds` box.
fn parse_esds(d: &[u8]) -> Option<(u8, Vec<u8>)> {
    let mut p = 4; // version + flags
    if *d.get(p)? != 0x03 {
        return None;
    }
    p += 1;
    descriptor_len(d, &mut p)?;
    p += 2;
    let flags = *d.get(p)?;
    p += 1;
    if flags & 0x80 != 0 {
        p += 2;
    }
    if flags & 0x40 != 0 {
        p += 1 + usize::from(*d.get(p)?);
    }
    if flags & 0x20 != 0 {
        p += 2;
    }
    if *d.get(p)? != 0x04 {
        return None;
    }
    p += 1;
    descriptor_len(d, &mut p)?;
    let oti = *d.get(p)?;
    p += 13;
    if d.get(p) != Some(&0x05) {
        return Some((oti, Vec::new()));
    }
    p += 1;
    let len = descriptor_len(d, &mut p)?;
    Some((oti, d.get(p..p + len)?.to_vec()))
}

/// (audio object type, sample rate, channels) from an AAC AudioSpecificConfig.
fn parse_asc(asc: &[u8]) -> Option<(u32, u32, u16)> {
    let mut bits = BitReader { data: asc, pos: 0 };
    let mut object = bits.take(5)?;
    if object == 31 {
        object = 32 + bits.take(6)?;
    }
    let index = bits.take(4)?;
    let rate = if index == 15 {
        bits.take(24)?
    } else {
        *[
            96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
        ]
        .get(index as usize)?
    };
    let channels = bits.take(4)? as u16;
    Some((object, rate, if channels == 7 { 8 } else { channels }))
}

struct BitReader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl BitReader<'_> {
    fn take(&mut self, n: usize) -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..n {
            let byte = *self.data.get(self.pos / 8)?;
            v = (v << 1) | u32::from((byte >> (7 - self.pos % 8)) & 1);
            self.pos += 1;
        }
        Some(v)
    }
}

fn parse_stsd(stsd: &[u8]) -> Result<SampleEntry, String> {
    need(stsd, 8, "stsd")?;
    let entries = children(&stsd[8..])?;
    let (kind, e) = entries
        .first()
        .ok_or("damaged MP4: the sound track has no sample description")?;
    need(e, 28, "stsd")?;
    let qt_version = be16(e, 8);
    let mut channels = be16(e, 16);
    let mut sample_rate = be32(e, 24) >> 16;
    let ext_start = match qt_version {
        1 => 28 + 16,
        2 => {
            need(e, 28 + 36, "stsd")?;
            sample_rate = f64::from_bits(be64(e, 32)).round() as u32;
            channels = be32(e, 40) as u16;
            28 + 36
        }
        _ => 28,
    };
    let codec = match kind {
        b"mp4a" => {
            let esds = e.get(ext_start..).map(children).transpose()?.and_then(|c| {
                c.into_iter()
                    .find(|(k, _)| k == b"esds")
                    .and_then(|(_, d)| parse_esds(d))
            });
            match esds {
                Some((0x40 | 0x66 | 0x67 | 0x68, asc)) => {
                    if let Some((object, rate, ch)) = parse_asc(&asc) {
                        if sample_rate == 0 {
                            sample_rate = rate;
                        }
                        if ch != 0 {
                            channels = ch;
                        }
                        match object {
                            2 => "aac",
                            5 => "he-aac",
                            29 => "he-aac v2",
                            1 => "aac main",
                            _ => "aac",
                        }
                    } else {
                        "aac"
                    }
                }
                Some((0x69 | 0x6B, _)) => "mp3",
                _ => "aac",
            }
            .to_string()
        }
        b"alac" => "alac".into(),
        b"ac-3" => "ac3".into(),
        b"ec-3" => "eac3".into(),
        b"Opus" => "opus".into(),
        b"fLaC" => "flac".into(),
        other => name(other).trim().to_string(),
    };
    Ok(SampleEntry {
        codec,
        channels,
        sample_rate,
    })
}

/// The sample count iTunes records in `----` / `iTunSMPB` (priming, padding, original length).
fn itunsmpb(moov: &[u8]) -> Result<Option<u64>, String> {
    let Some(udta) = child(moov, b"udta")? else {
        return Ok(None);
    };
    let Some(meta) = child(udta, b"meta")? else {
        return Ok(None);
    };
    // `meta` is a full box in MP4 (4 bytes version/flags before its children), not in QuickTime.
    let meta = if meta.len() >= 4 && be32(meta, 0) == 0 {
        &meta[4..]
    } else {
        meta
    };
    let Some(ilst) = child(meta, b"ilst")? else {
        return Ok(None);
    };
    for (kind, item) in children(ilst)? {
        if &kind != b"----" {
            continue;
        }
        let parts = children(item)?;
        let is_smpb = parts
            .iter()
            .any(|(k, d)| k == b"name" && d.len() > 4 && &d[4..] == b"iTunSMPB");
        let data = parts.iter().find(|(k, _)| k == b"data").map(|(_, d)| *d);
        if let (true, Some(d)) = (is_smpb, data) {
            let text = String::from_utf8_lossy(d.get(8..).unwrap_or_default()).into_owned();
            let fields: Vec<&str> = text.split_whitespace().collect();
            if let Some(count) = fields.get(3).and_then(|f| u64::from_str_radix(f, 16).ok())
                && count > 0
            {
                return Ok(Some(count));
            }
        }
    }
    Ok(None)
}

/// Most chapters read from one file, and most bytes of one chapter title.
const MAX_CHAPTERS: usize = super::id3::MAX_CHAPTERS;
const MAX_TITLE: usize = 1024;

/// The sound track's chapters: from its chapter track, else from `chpl`. Problems become
/// warnings: the audio's facts do not depend on them.
fn chapters(
    r: &mut Reader,
    moov: &[u8],
    sound: &[u8],
    warnings: &mut Vec<String>,
) -> Vec<EmbeddedChapter> {
    match chapter_track(r, moov, sound) {
        Ok(found) if !found.is_empty() => return found,
        Ok(_) => {}
        Err(e) => warnings.push(format!("the MP4 chapter track was not read: {e}")),
    }
    chpl(moov).unwrap_or_else(|e| {
        warnings.push(format!("the MP4 `chpl` chapters were not read: {e}"));
        Vec::new()
    })
}

fn track_id(trak: &[u8]) -> Result<Option<u32>, String> {
    let Some(tkhd) = child(trak, b"tkhd")? else {
        return Ok(None);
    };
    let at = if tkhd.first() == Some(&1) { 20 } else { 12 };
    Ok((tkhd.len() >= at + 4).then(|| be32(tkhd, at)))
}

/// Titles and start times of the text track(s) that the sound track's `tref`/`chap` names.
fn chapter_track(
    r: &mut Reader,
    moov: &[u8],
    sound: &[u8],
) -> Result<Vec<EmbeddedChapter>, String> {
    let Some(chap) = child(sound, b"tref")?
        .map(|t| child(t, b"chap"))
        .transpose()?
        .flatten()
    else {
        return Ok(Vec::new());
    };
    let ids: Vec<u32> = chap.chunks_exact(4).map(|c| be32(c, 0)).collect();
    for (kind, trak) in children(moov)? {
        if &kind != b"trak" || !track_id(trak)?.is_some_and(|id| ids.contains(&id)) {
            continue;
        }
        let mdia = child(trak, b"mdia")?.ok_or("the chapter track has no 'mdia' box")?;
        let (timescale, _) = header_times(
            child(mdia, b"mdhd")?.ok_or("the chapter track has no 'mdhd' box")?,
            "mdhd",
        )?;
        if timescale == 0 {
            return Err("the chapter track's timescale is 0".into());
        }
        let stbl = child(mdia, b"minf")?
            .map(|m| child(m, b"stbl"))
            .transpose()?
            .flatten()
            .ok_or("the chapter track has no sample table")?;
        let samples = sample_layout(stbl)?;
        let mut out = Vec::with_capacity(samples.len());
        for (start, offset, size) in samples {
            let data = r.bytes(offset, size.min(2 + MAX_TITLE))?;
            if data.len() < 2 {
                return Err(format!(
                    "a chapter title at byte {offset} lies past the end of the file"
                ));
            }
            let len = usize::from(be16(&data, 0)).min(data.len() - 2);
            let text = &data[2..2 + len];
            let title = match text {
                [0xFE, 0xFF, rest @ ..] => char::decode_utf16(
                    rest.chunks_exact(2)
                        .map(|c| u16::from_be_bytes([c[0], c[1]])),
                )
                .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect(),
                _ => String::from_utf8_lossy(text).into_owned(),
            };
            out.push(EmbeddedChapter {
                start: start as f64 / f64::from(timescale),
                title: title.trim().to_string(),
                url: None,
            });
        }
        return Ok(out);
    }
    Ok(Vec::new())
}

/// (start time, byte offset, size) of each sample of a sample table, at most
/// [`MAX_CHAPTERS`] of them.
fn sample_layout(stbl: &[u8]) -> Result<Vec<(u64, u64, usize)>, String> {
    let stts = child(stbl, b"stts")?.ok_or("no 'stts' box")?;
    need(stts, 8, "stts")?;
    let entries = (be32(stts, 4) as usize).min((stts.len() - 8) / 8);
    let mut starts = Vec::new();
    let mut t = 0u64;
    'outer: for i in 0..entries {
        let (count, delta) = (be32(stts, 8 + i * 8), u64::from(be32(stts, 12 + i * 8)));
        for _ in 0..count {
            if starts.len() == MAX_CHAPTERS {
                break 'outer;
            }
            starts.push(t);
            t += delta;
        }
    }
    let stsz = child(stbl, b"stsz")?.ok_or("no 'stsz' box")?;
    need(stsz, 12, "stsz")?;
    let fixed = be32(stsz, 4) as usize;
    let size_of = |i: usize| -> Option<usize> {
        if fixed != 0 {
            Some(fixed)
        } else {
            stsz.get(12 + i * 4..16 + i * 4)
                .map(|b| be32(b, 0) as usize)
        }
    };
    let offsets: Vec<u64> = if let Some(d) = child(stbl, b"stco")? {
        need(d, 8, "stco")?;
        let n = (be32(d, 4) as usize).min((d.len() - 8) / 4);
        (0..n).map(|i| u64::from(be32(d, 8 + i * 4))).collect()
    } else if let Some(d) = child(stbl, b"co64")? {
        need(d, 8, "co64")?;
        let n = (be32(d, 4) as usize).min((d.len() - 8) / 8);
        (0..n).map(|i| be64(d, 8 + i * 8)).collect()
    } else {
        return Err("no chunk offsets".into());
    };
    let stsc = child(stbl, b"stsc")?.ok_or("no 'stsc' box")?;
    need(stsc, 8, "stsc")?;
    let runs = (be32(stsc, 4) as usize).min((stsc.len() - 8) / 12);
    // (first chunk, samples per chunk), chunks counted from 1.
    let runs: Vec<(u64, u64)> = (0..runs)
        .map(|i| {
            (
                u64::from(be32(stsc, 8 + i * 12)),
                u64::from(be32(stsc, 12 + i * 12)),
            )
        })
        .collect();
    let mut out = Vec::with_capacity(starts.len());
    let mut sample = 0usize;
    let (mut run, mut per_chunk) = (0usize, 0u64);
    for (chunk, &chunk_offset) in offsets.iter().enumerate() {
        let chunk = chunk as u64 + 1;
        while run < runs.len() && runs[run].0 <= chunk {
            per_chunk = runs[run].1;
            run += 1;
        }
        if sample == starts.len() {
            break;
        }
        let mut at = chunk_offset;
        for _ in 0..per_chunk {
            if sample == starts.len() {
                return Ok(out);
            }
            let size = size_of(sample).ok_or("the sample size table is cut short")?;
            out.push((starts[sample], at, size));
            at += size as u64;
            sample += 1;
        }
    }
    Ok(out)
}

/// Nero chapters: `moov`/`udta`/`chpl`, start times in units of 100 ns.
fn chpl(moov: &[u8]) -> Result<Vec<EmbeddedChapter>, String> {
    let Some(chpl) = child(moov, b"udta")?
        .map(|u| child(u, b"chpl"))
        .transpose()?
        .flatten()
    else {
        return Ok(Vec::new());
    };
    need(chpl, 5, "chpl")?;
    // Version 1 has four more bytes before the count.
    let mut p = if chpl[0] == 1 { 8 } else { 4 };
    let count = *chpl.get(p).ok_or("the 'chpl' box is too short")?;
    p += 1;
    let mut out = Vec::with_capacity(usize::from(count));
    for _ in 0..count {
        let head = chpl.get(p..p + 9).ok_or("the 'chpl' box is cut short")?;
        let start = be64(head, 0);
        let len = usize::from(head[8]);
        let title = chpl
            .get(p + 9..p + 9 + len)
            .ok_or("the 'chpl' box is cut short")?;
        out.push(EmbeddedChapter {
            start: start as f64 / 10_000_000.0,
            title: String::from_utf8_lossy(title).trim().to_string(),
            url: None,
        });
        p += 9 + len;
    }
    Ok(out)
}

/// Summed sample durations of one track's fragments (`moof` boxes at the top level).
fn fragment_duration(
    moofs: &[Vec<u8>],
    track_id: u32,
    default_duration: u32,
) -> Result<(u64, u64), String> {
    let (mut total, mut bytes) = (0u64, 0u64);
    for moof in moofs {
        for (kind, traf) in children(moof)? {
            if &kind != b"traf" {
                continue;
            }
            let Some(tfhd) = child(traf, b"tfhd")? else {
                continue;
            };
            need(tfhd, 8, "tfhd")?;
            if be32(tfhd, 4) != track_id {
                continue;
            }
            let flags = be32(tfhd, 0) & 0xFF_FFFF;
            let mut p = 8;
            if flags & 0x01 != 0 {
                p += 8;
            }
            if flags & 0x02 != 0 {
                p += 4;
            }
            let mut duration = default_duration;
            if flags & 0x08 != 0 {
                need(tfhd, p + 4, "tfhd")?;
                duration = be32(tfhd, p);
                p += 4;
            }
            let mut default_size = 0;
            if flags & 0x10 != 0 {
                need(tfhd, p + 4, "tfhd")?;
                default_size = be32(tfhd, p);
            }
            for (kind, trun) in children(traf)? {
                if &kind != b"trun" {
                    continue;
                }
                need(trun, 8, "trun")?;
                let tf = be32(trun, 0) & 0xFF_FFFF;
                let count = be32(trun, 4) as usize;
                let mut p =
                    8 + if tf & 0x01 != 0 { 4 } else { 0 } + if tf & 0x04 != 0 { 4 } else { 0 };
                let per = [0x100, 0x200, 0x400, 0x800]
                    .iter()
                    .filter(|f| tf & **f != 0)
                    .count()
                    * 4;
                if count > trun.len().saturating_sub(p) / per.max(1) && per > 0 {
                    return Err(
                        "damaged MP4: a fragment's sample run claims more samples than it holds"
                            .into(),
                    );
                }
                for _ in 0..count {
                    let mut q = p;
                    if tf & 0x100 != 0 {
                        total += u64::from(be32(trun, q));
                        q += 4;
                    } else {
                        total += u64::from(duration);
                    }
                    if tf & 0x200 != 0 {
                        bytes += u64::from(be32(trun, q));
                    } else {
                        bytes += u64::from(default_size);
                    }
                    p += per;
                }
            }
        }
    }
    Ok((total, bytes))
}

pub fn probe(r: &mut Reader) -> Result<Parsed, String> {
    let size = r.size();
    let mut moov: Option<Vec<u8>> = None;
    let mut moofs = Vec::new();
    let mut mdat_end = 0u64;
    let mut offset = 0u64;
    while let Some(b) = top_box(r, offset)? {
        let end = b
            .offset
            .checked_add(b.size)
            .ok_or("damaged MP4: box size overflows")?;
        if end > size {
            return Err(format!(
                "truncated: box '{}' at byte {} claims {} bytes but the file ends {} bytes after it starts",
                name(&b.kind),
                b.offset,
                b.size,
                size - b.offset
            ));
        }
        match &b.kind {
            b"moov" => {
                if b.size > MAX_MOOV {
                    return Err(format!(
                        "the 'moov' box is {} MiB, more than onair reads (64 MiB)",
                        b.size >> 20
                    ));
                }
                moov = Some(r.exact(
                    b.offset + b.header,
                    (b.size - b.header) as usize,
                    "moov box",
                )?);
            }
            b"moof" if b.size <= 16 << 20 => {
                moofs.push(r.exact(
                    b.offset + b.header,
                    (b.size - b.header) as usize,
                    "moof box",
                )?);
            }
            b"mdat" => mdat_end = mdat_end.max(end),
            _ => {}
        }
        offset = end;
        if offset + 8 > size {
            break;
        }
    }
    let moov = moov.ok_or(if mdat_end > 0 {
        "no 'moov' box: the file has audio data but no index (an interrupted recording or a \
         truncated download); remux it with `ffmpeg -i FILE -c copy OUT.m4a`"
    } else {
        "not an MP4 audio file: no 'moov' box"
    })?;
    let (movie_timescale, _) = header_times(
        child(&moov, b"mvhd")?.ok_or("damaged MP4: no 'mvhd' box")?,
        "mvhd",
    )?;

    for (kind, trak) in children(&moov)? {
        if &kind != b"trak" {
            continue;
        }
        let Some(mdia) = child(trak, b"mdia")? else {
            continue;
        };
        let is_sound = child(mdia, b"hdlr")?.is_some_and(|h| h.len() >= 12 && &h[8..12] == b"soun");
        if !is_sound {
            continue;
        }
        let (timescale, mdhd_duration) = header_times(
            child(mdia, b"mdhd")?.ok_or("damaged MP4: no 'mdhd' box")?,
            "mdhd",
        )?;
        if timescale == 0 {
            return Err("damaged MP4: the sound track's timescale is 0".into());
        }
        let stbl = child(mdia, b"minf")?
            .map(|m| child(m, b"stbl"))
            .transpose()?
            .flatten()
            .ok_or("damaged MP4: the sound track has no sample table")?;
        let entry = parse_stsd(child(stbl, b"stsd")?.ok_or("damaged MP4: no 'stsd' box")?)?;
        let (_, mut media_length) = match child(stbl, b"stts")? {
            Some(d) => parse_stts(d)?,
            None => (0, 0),
        };
        let (_, mut audio_bytes) = match child(stbl, b"stsz")? {
            Some(d) => parse_stsz(d)?,
            None => (0, 0),
        };
        if let Some(max) = max_chunk_offset(stbl)?
            && max >= size
        {
            return Err(format!(
                "truncated: the sample table points at byte {max} but the file has {size} bytes"
            ));
        }
        let mut method = "sample table";
        if media_length == 0 && child(&moov, b"mvex")?.is_some() {
            let tkhd = child(trak, b"tkhd")?.ok_or("damaged MP4: no 'tkhd' box")?;
            let id_at = if tkhd.first() == Some(&1) { 20 } else { 12 };
            need(tkhd, id_at + 4, "tkhd")?;
            let track_id = be32(tkhd, id_at);
            let trex_default = child(child(&moov, b"mvex")?.unwrap_or_default(), b"trex")?
                .filter(|t| t.len() >= 16 && be32(t, 4) == track_id)
                .map_or(0, |t| be32(t, 12));
            (media_length, audio_bytes) = fragment_duration(&moofs, track_id, trex_default)?;
            method = "fragments";
        }
        if media_length == 0
            && mdhd_duration > 0
            && mdhd_duration != u64::from(u32::MAX)
            && audio_bytes > 0
        {
            media_length = mdhd_duration;
            method = "media header";
        }
        if media_length == 0 || audio_bytes == 0 {
            return Err("no audio: the sound track has no samples".into());
        }

        let mut length = media_length;
        let mut warnings = Vec::new();
        let edits = child(trak, b"edts")?
            .map(|e| child(e, b"elst"))
            .transpose()?
            .flatten()
            .map(parse_elst)
            .transpose()?;
        if let Some(count) = itunsmpb(&moov)?.filter(|c| {
            // Only trust it when the track's rate is the sample rate it counts in.
            timescale == entry.sample_rate && *c <= media_length
        }) {
            length = count;
            method = "itunsmpb";
        } else if let Some(edits) = edits.filter(|e| !e.is_empty()) {
            let mut edited = 0u64;
            for edit in edits.iter().filter(|e| e.media_time >= 0) {
                let available = media_length.saturating_sub(edit.media_time as u64);
                let wanted = if edit.segment_duration == 0 || movie_timescale == 0 {
                    available // fragmented files leave the duration open
                } else {
                    // Movie timescale to media timescale, to the nearest sample.
                    ((u128::from(edit.segment_duration) * u128::from(timescale)
                        + u128::from(movie_timescale) / 2)
                        / u128::from(movie_timescale)) as u64
                };
                edited += wanted.min(available);
            }
            if edited > 0 {
                length = edited;
                method = "edit list";
            } else {
                warnings
                    .push("the edit list selects no audio; using the whole sample table".into());
            }
        }
        let chapters = chapters(r, &moov, trak, &mut warnings);
        return Ok(Parsed {
            format: AudioFormat::M4a,
            codec: entry.codec,
            sample_rate: if entry.sample_rate > 0 {
                entry.sample_rate
            } else {
                timescale
            },
            channels: entry.channels,
            length,
            timescale: u64::from(timescale),
            audio_bytes: Some(audio_bytes),
            nominal_bitrate: None,
            method: method.into(),
            warnings,
            chapters,
        });
    }
    Err("no audio: the MP4 file has no sound track (a video without audio?)".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bx(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
        let mut v = ((payload.len() + 8) as u32).to_be_bytes().to_vec();
        v.extend(kind);
        v.extend(payload);
        v
    }

    fn full(version: u8, rest: &[u8]) -> Vec<u8> {
        let mut v = vec![version, 0, 0, 0];
        v.extend(rest);
        v
    }

    fn be(n: u32) -> [u8; 4] {
        n.to_be_bytes()
    }

    /// A minimal AAC track: `frames` samples of 1024 at 44.1 kHz, optional edit list.
    fn m4a(frames: u32, edit: Option<(u32, i32)>, moov_last: bool) -> Vec<u8> {
        m4a_with(frames, edit, moov_last, &[], &[])
    }

    /// [`m4a`] with more boxes in the sound track (`tref`) and in `moov` (another track, `udta`).
    fn m4a_with(
        frames: u32,
        edit: Option<(u32, i32)>,
        moov_last: bool,
        in_trak: &[u8],
        in_moov: &[u8],
    ) -> Vec<u8> {
        let mvhd = bx(
            b"mvhd",
            &full(
                0,
                &[&be(0)[..], &be(0), &be(1000), &be(0), &[0; 80]].concat(),
            ),
        );
        let mdhd = bx(
            b"mdhd",
            &full(
                0,
                &[&be(0)[..], &be(0), &be(44100), &be(frames * 1024), &[0; 4]].concat(),
            ),
        );
        let hdlr = bx(b"hdlr", &full(0, &[&be(0)[..], b"soun", &[0; 13]].concat()));
        let asc = [0x12, 0x10]; // AAC LC, 44.1 kHz, stereo
        let esds = bx(
            b"esds",
            &full(
                0,
                &[
                    &[0x03, 25, 0, 1, 0, 0x04, 17, 0x40, 0x15][..],
                    &[0; 11],
                    &[0x05, 2],
                    &asc,
                ]
                .concat(),
            ),
        );
        let mut mp4a = vec![0; 6];
        mp4a.extend([0, 1]);
        mp4a.extend([0; 8]);
        mp4a.extend([0, 2, 0, 16, 0, 0, 0, 0]);
        mp4a.extend(be(44100 << 16));
        mp4a.extend(esds);
        let stsd = bx(
            b"stsd",
            &full(0, &[&be(1)[..], &bx(b"mp4a", &mp4a)].concat()),
        );
        let stts = bx(
            b"stts",
            &full(0, &[&be(1)[..], &be(frames), &be(1024)].concat()),
        );
        let stsz = bx(b"stsz", &full(0, &[&be(10)[..], &be(frames)].concat()));
        let data_at = if moov_last { 8 } else { 0 };
        let stco = bx(b"stco", &full(0, &[&be(1)[..], &be(data_at)].concat()));
        let stbl = bx(b"stbl", &[stsd, stts, stsz, stco].concat());
        let minf = bx(b"minf", &stbl);
        let mdia = bx(b"mdia", &[mdhd, hdlr, minf].concat());
        let mut trak = Vec::new();
        if let Some((duration, media_time)) = edit {
            let elst = bx(
                b"elst",
                &full(
                    0,
                    &[
                        &be(1)[..],
                        &be(duration),
                        &(media_time as u32).to_be_bytes(),
                        &be(0x10000),
                    ]
                    .concat(),
                ),
            );
            trak.extend(bx(b"edts", &elst));
        }
        trak.extend(mdia);
        trak.extend(in_trak);
        let moov = bx(
            b"moov",
            &[mvhd, bx(b"trak", &trak), in_moov.to_vec()].concat(),
        );
        let mdat = bx(b"mdat", &vec![0xAB; frames as usize * 10]);
        let ftyp = bx(b"ftyp", b"M4A \0\0\0\0");
        if moov_last {
            [ftyp, mdat, moov].concat()
        } else {
            [ftyp, moov, mdat].concat()
        }
    }

    fn probe_bytes(data: &[u8]) -> Result<Parsed, String> {
        let mut src: &[u8] = data;
        probe(&mut Reader::new(&mut src))
    }

    #[test]
    fn sample_table_without_edits() {
        let p = probe_bytes(&m4a(100, None, false)).unwrap();
        assert_eq!(
            (p.length, p.timescale, p.sample_rate, p.channels),
            (102_400, 44100, 44100, 2)
        );
        assert_eq!(
            (p.codec.as_str(), p.method.as_str()),
            ("aac", "sample table")
        );
    }

    #[test]
    fn edit_list_skips_priming_with_moov_first_or_last() {
        for moov_last in [false, true] {
            // 2000 ms of audio after 2112 priming samples.
            let p = probe_bytes(&m4a(100, Some((2000, 2112)), moov_last)).unwrap();
            assert_eq!((p.length, p.method.as_str()), (88_200, "edit list"));
        }
    }

    #[test]
    fn truncated_mdat_is_an_error() {
        let mut data = m4a(100, None, false);
        data.truncate(data.len() - 100);
        let e = probe_bytes(&data).unwrap_err();
        assert!(e.starts_with("truncated: box 'mdat'"), "{e}");
        let mut data = m4a(100, None, true);
        data.truncate(data.len() - 50);
        assert!(
            probe_bytes(&data)
                .unwrap_err()
                .starts_with("truncated: box 'moov'")
        );
    }

    #[test]
    fn huge_claims_are_refused_without_allocating() {
        let mut data = bx(b"ftyp", b"M4A \0\0\0\0");
        data.extend([0, 0, 0, 1]);
        data.extend(b"moov");
        data.extend((40u64 << 30).to_be_bytes());
        let e = probe_bytes(&data).unwrap_err();
        assert!(e.starts_with("truncated: box 'moov'"), "{e}");
    }

    #[test]
    fn no_sound_track_and_no_samples() {
        assert!(
            probe_bytes(&bx(b"ftyp", b"isom"))
                .unwrap_err()
                .contains("no 'moov' box")
        );
        let e = probe_bytes(&m4a(0, None, false)).unwrap_err();
        assert!(e.starts_with("no audio"), "{e}");
    }

    fn chpl(entries: &[(u64, &str)]) -> Vec<u8> {
        let mut body = vec![1, 0, 0, 0, 0, 0, 0, 0, entries.len() as u8];
        for (start, title) in entries {
            body.extend(start.to_be_bytes());
            body.push(title.len() as u8);
            body.extend(title.as_bytes());
        }
        bx(b"udta", &bx(b"chpl", &body))
    }

    #[test]
    fn nero_chapters() {
        let udta = chpl(&[(0, "Intro"), (15_000_000, "Second")]);
        let p = probe_bytes(&m4a_with(100, None, false, &[], &udta)).unwrap();
        let got: Vec<(f64, &str)> = p
            .chapters
            .iter()
            .map(|c| (c.start, c.title.as_str()))
            .collect();
        assert_eq!(got, vec![(0.0, "Intro"), (1.5, "Second")]);
        // A count larger than the box: a warning, the audio still probes.
        let mut udta = chpl(&[(0, "Intro")]);
        udta[16 + 8] = 9;
        let p = probe_bytes(&m4a_with(100, None, false, &[], &udta)).unwrap();
        assert!(p.chapters.is_empty());
        assert!(
            p.warnings[0].contains("`chpl` chapters were not read"),
            "{:?}",
            p.warnings
        );
    }

    /// A text track (id 2) with `titles` as samples in one chunk at `offset`, 500 units each
    /// at timescale 1000.
    fn text_track(titles: &[&str], offset: u32) -> (Vec<u8>, Vec<u8>) {
        let mut samples = Vec::new();
        let mut sizes = Vec::new();
        for t in titles {
            let mut s = (t.len() as u16).to_be_bytes().to_vec();
            s.extend(t.as_bytes());
            sizes.extend(be(s.len() as u32));
            samples.extend(s);
        }
        let n = titles.len() as u32;
        let tkhd = bx(
            b"tkhd",
            &full(0, &[&be(0)[..], &be(0), &be(2), &[0; 68]].concat()),
        );
        let mdhd = bx(
            b"mdhd",
            &full(
                0,
                &[&be(0)[..], &be(0), &be(1000), &be(n * 500), &[0; 4]].concat(),
            ),
        );
        let hdlr = bx(b"hdlr", &full(0, &[&be(0)[..], b"text", &[0; 13]].concat()));
        let stts = bx(b"stts", &full(0, &[&be(1)[..], &be(n), &be(500)].concat()));
        let stsz = bx(b"stsz", &full(0, &[&be(0)[..], &be(n), &sizes].concat()));
        let stsc = bx(
            b"stsc",
            &full(0, &[&be(1)[..], &be(1), &be(n), &be(1)].concat()),
        );
        let stco = bx(b"stco", &full(0, &[&be(1)[..], &be(offset)].concat()));
        let stbl = bx(b"stbl", &[stts, stsz, stsc, stco].concat());
        let mdia = bx(b"mdia", &[mdhd, hdlr, bx(b"minf", &stbl)].concat());
        (bx(b"trak", &[tkhd, mdia].concat()), samples)
    }

    #[test]
    fn quicktime_chapter_track_named_by_tref() {
        let titles = ["Intro", "Caf\u{e9}", "End"];
        let tref = bx(b"tref", &bx(b"chap", &be(2)));
        // The samples go in a box after the file: first build to learn its length.
        let (trak, samples) = text_track(&titles, 0);
        let len = m4a_with(100, None, false, &tref, &trak).len() as u32;
        let (trak, _) = text_track(&titles, len + 8);
        let samples = bx(b"free", &samples);
        let mut data = m4a_with(100, None, false, &tref, &trak);
        data.extend(&samples);
        let p = probe_bytes(&data).unwrap();
        let got: Vec<(f64, &str)> = p
            .chapters
            .iter()
            .map(|c| (c.start, c.title.as_str()))
            .collect();
        assert_eq!(got, vec![(0.0, "Intro"), (0.5, "Caf\u{e9}"), (1.0, "End")]);
        // The chapter track wins over chpl; without tref, chpl is used.
        let udta = chpl(&[(0, "Nero")]);
        let mut data = m4a_with(
            100,
            None,
            false,
            &tref,
            &[trak.clone(), udta.clone()].concat(),
        );
        data.extend(&samples);
        assert_eq!(probe_bytes(&data).unwrap().chapters.len(), 3);
        let mut data = m4a_with(100, None, false, &[], &[trak, udta].concat());
        data.extend(&samples);
        assert_eq!(probe_bytes(&data).unwrap().chapters[0].title, "Nero");
        // Titles pointing past the end of the file: a warning, not a failed probe.
        let (far, _) = text_track(&titles, u32::MAX - 10);
        let p = probe_bytes(&m4a_with(100, None, false, &tref, &far)).unwrap();
        assert!(
            p.chapters.is_empty() && p.warnings[0].contains("chapter track"),
            "{:?}",
            p.warnings
        );
    }
}
