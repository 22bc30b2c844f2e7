//! WAV (RIFF/WAVE, and RF64 for files over 4 GiB).
//!
//! Method: walk the RIFF chunks by their sizes. `fmt ` gives the encoding, channels, sample
//! rate and block alignment (bytes per sample frame); the `data` chunk's size divided by the
//! block alignment is the exact sample count for PCM. Compressed WAVs use the `fact` chunk's
//! sample count. RF64 files keep the real sizes in `ds64`. A `data` chunk claiming more bytes
//! than the file holds means the file is truncated.

use super::source::{Reader, le16, le32};
use super::{AudioFormat, Parsed};

struct Format {
    tag: u16,
    channels: u16,
    rate: u32,
    byte_rate: u32,
    block_align: u16,
    bits: u16,
}

fn codec_name(f: &Format) -> String {
    match (f.tag, f.bits) {
        (1, 8) => "pcm_u8".into(),
        (1, b) => format!("pcm_s{b}le"),
        (3, b) => format!("pcm_f{b}le"),
        (6, _) => "pcm_alaw".into(),
        (7, _) => "pcm_mulaw".into(),
        (0x55, _) => "mp3".into(),
        (tag, _) => format!("wav format 0x{tag:04x}"),
    }
}

pub fn probe(r: &mut Reader) -> Result<Parsed, String> {
    let size = r.size();
    let head = r.exact(0, 12, "RIFF header")?;
    if &head[8..12] != b"WAVE" {
        return Err("not a WAV file: a RIFF file of another kind".into());
    }
    let rf64 = &head[..4] == b"RF64";
    let mut format: Option<Format> = None;
    let mut fact_samples = None;
    let mut ds64_data = None;
    let mut at = 12u64;
    while at + 8 <= size {
        let h = r.exact(at, 8, "chunk header")?;
        let id: [u8; 4] = h[..4].try_into().expect("4 bytes");
        let len = u64::from(le32(&h, 4));
        let body = at + 8;
        match &id {
            b"ds64" if rf64 => {
                let d = r.exact(body, 28, "ds64 chunk")?;
                ds64_data = Some(u64::from(le32(&d, 8)) | u64::from(le32(&d, 12)) << 32);
                fact_samples = Some(u64::from(le32(&d, 16)) | u64::from(le32(&d, 20)) << 32)
                    .filter(|n| *n > 0);
            }
            b"fmt " => {
                if len < 16 {
                    return Err("damaged WAV: the fmt chunk is too short".into());
                }
                let d = r.exact(body, 40.min(len as usize), "fmt chunk")?;
                let mut tag = le16(&d, 0);
                if tag == 0xFFFE && d.len() >= 26 {
                    tag = le16(&d, 24); // WAVE_FORMAT_EXTENSIBLE: the subformat's first field
                }
                format = Some(Format {
                    tag,
                    channels: le16(&d, 2),
                    rate: le32(&d, 4),
                    byte_rate: le32(&d, 8),
                    block_align: le16(&d, 12),
                    bits: le16(&d, 14),
                });
            }
            b"fact" if len >= 4 && fact_samples.is_none() => {
                fact_samples = Some(u64::from(le32(&r.exact(body, 4, "fact chunk")?, 0)));
            }
            b"data" => {
                let f = format
                    .as_ref()
                    .ok_or("damaged WAV: the data chunk comes before the fmt chunk")?;
                let chunk = DataChunk {
                    body,
                    len,
                    size,
                    rf64,
                    ds64_data,
                    fact_samples,
                };
                return data_chunk(f, chunk);
            }
            _ => {}
        }
        at = body + len + (len & 1);
    }
    Err(if format.is_some() {
        "no audio: the WAV file has no data chunk".into()
    } else {
        "damaged WAV: no fmt chunk".into()
    })
}

/// Where the data chunk is, and what the chunks before it said of its length.
struct DataChunk {
    body: u64,
    len: u64,
    /// The file's size.
    size: u64,
    rf64: bool,
    ds64_data: Option<u64>,
    fact_samples: Option<u64>,
}

/// The duration from the data chunk: PCM by its size, compressed audio by its sample count
/// (else estimated from the byte rate, with a warning).
fn data_chunk(f: &Format, chunk: DataChunk) -> Result<Parsed, String> {
    let DataChunk {
        body,
        mut len,
        size,
        rf64,
        ds64_data,
        fact_samples,
    } = chunk;
    if f.rate == 0 || f.channels == 0 || f.block_align == 0 {
        return Err(
            "damaged WAV: the fmt chunk has a zero rate, channel count or block size".into(),
        );
    }
    let mut warnings = Vec::new();
    if rf64 && len == u64::from(u32::MAX) {
        len = ds64_data.ok_or("damaged RF64: no ds64 chunk with the data size")?;
    } else if len == u64::from(u32::MAX) || (len == 0 && size > body) {
        // Written by a streaming recorder that never came back to fill the size.
        len = size - body;
        warnings.push("the WAV data size was never filled in (a streamed recording); using the rest of the file".to_string());
    }
    if body + len > size {
        return Err(format!(
            "truncated: the data chunk claims {len} bytes but the file holds {}",
            size - body
        ));
    }
    let pcm = matches!(f.tag, 1 | 3 | 6 | 7);
    let (length, method) = if pcm {
        (len / u64::from(f.block_align), "data size")
    } else if let Some(n) = fact_samples {
        (n, "fact chunk")
    } else if f.byte_rate > 0 {
        // No sample count: bytes / byte rate, in milliseconds.
        warnings.push(
            "a compressed WAV without a sample count: the duration is estimated from its byte rate"
                .into(),
        );
        return finish(
            f,
            len * 1000 / u64::from(f.byte_rate),
            1000,
            len,
            "byte rate",
            warnings,
        );
    } else {
        return Err("damaged WAV: no way to tell its length (no fact chunk, byte rate 0)".into());
    };
    if length == 0 {
        return Err("no audio: the WAV data chunk is empty".into());
    }
    finish(f, length, u64::from(f.rate), len, method, warnings)
}

fn finish(
    f: &Format,
    length: u64,
    timescale: u64,
    bytes: u64,
    method: &str,
    warnings: Vec<String>,
) -> Result<Parsed, String> {
    Ok(Parsed {
        format: AudioFormat::Wav,
        codec: codec_name(f),
        sample_rate: f.rate,
        channels: f.channels,
        length,
        timescale,
        audio_bytes: Some(bytes),
        nominal_bitrate: Some(f.byte_rate.saturating_mul(8)).filter(|b| *b > 0),
        method: method.into(),
        warnings,
        chapters: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wav(data_len: u32, actual: usize) -> Vec<u8> {
        let mut v = b"RIFF\0\0\0\0WAVEfmt ".to_vec();
        v.extend(16u32.to_le_bytes());
        v.extend(1u16.to_le_bytes());
        v.extend(2u16.to_le_bytes());
        v.extend(8000u32.to_le_bytes());
        v.extend(32000u32.to_le_bytes());
        v.extend(4u16.to_le_bytes());
        v.extend(16u16.to_le_bytes());
        v.extend(b"LIST\x03\0\0\0abc\0"); // odd-sized chunk, padded
        v.extend(b"data");
        v.extend(data_len.to_le_bytes());
        v.extend(vec![0; actual]);
        v
    }

    fn probe_bytes(data: &[u8]) -> Result<Parsed, String> {
        let mut src: &[u8] = data;
        probe(&mut Reader::new(&mut src))
    }

    #[test]
    fn pcm_length_is_data_size_over_block_align() {
        let p = probe_bytes(&wav(8000, 8000)).unwrap();
        assert_eq!(
            (p.length, p.sample_rate, p.channels, p.codec.as_str()),
            (2000, 8000, 2, "pcm_s16le")
        );
        assert_eq!(p.nominal_bitrate, Some(256_000));
    }

    #[test]
    fn truncated_and_empty_data() {
        let e = probe_bytes(&wav(8000, 4000)).unwrap_err();
        assert_eq!(
            e,
            "truncated: the data chunk claims 8000 bytes but the file holds 4000"
        );
        assert!(probe_bytes(&wav(0, 0)).unwrap_err().starts_with("no audio"));
    }
}
