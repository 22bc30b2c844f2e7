//! Random access to the bytes of an audio file, local or remote, through a small block cache,
//! so parsers can jump to headers (and to the end of a file) without ever loading it whole.

use std::fs::File;
use std::io;
use std::path::Path;

/// Something audio bytes can be read from at any offset: a local file, or an HTTP resource
/// read with ranged GETs.
pub trait ByteSource {
    /// Total size in bytes.
    fn size(&self) -> u64;
    /// Fill `buf` from `offset`, returning how many bytes were read (fewer only at the end).
    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<usize, String>;
    /// How much to read at once; remote sources want bigger blocks (fewer requests).
    fn block_size(&self) -> usize {
        64 * 1024
    }
}

/// A local file.
pub struct FileSource {
    file: File,
    size: u64,
}

impl FileSource {
    pub fn open(path: &Path) -> io::Result<FileSource> {
        let file = File::open(path)?;
        let meta = file.metadata()?;
        if meta.is_dir() {
            return Err(io::Error::other("is a directory, not an audio file"));
        }
        Ok(FileSource {
            file,
            size: meta.len(),
        })
    }
}

impl ByteSource for FileSource {
    fn size(&self) -> u64 {
        self.size
    }

    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<usize, String> {
        use std::io::{Read, Seek, SeekFrom};
        self.file
            .seek(SeekFrom::Start(offset))
            .map_err(|e| format!("cannot read: {e}"))?;
        let mut filled = 0;
        while filled < buf.len() {
            match self.file.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(format!("cannot read: {e}")),
            }
        }
        Ok(filled)
    }
}

/// Bytes in memory (unit tests of the parsers on crafted bytes).
impl ByteSource for &[u8] {
    fn size(&self) -> u64 {
        self.len() as u64
    }

    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<usize, String> {
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.len());
        let n = buf.len().min(self.len() - start);
        buf[..n].copy_from_slice(&self[start..start + n]);
        Ok(n)
    }
}

const CACHED_BLOCKS: usize = 4;

/// Reads through a few cached, aligned blocks of the source.
pub struct Reader<'a> {
    src: &'a mut dyn ByteSource,
    size: u64,
    block: usize,
    /// (block start offset, bytes), most recently used last.
    cache: Vec<(u64, Vec<u8>)>,
}

impl<'a> Reader<'a> {
    pub fn new(src: &'a mut dyn ByteSource) -> Reader<'a> {
        let size = src.size();
        let block = src.block_size().max(4096);
        Reader {
            src,
            size,
            block,
            cache: Vec::new(),
        }
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    fn block_at(&mut self, start: u64) -> Result<&[u8], String> {
        if let Some(i) = self.cache.iter().position(|(s, _)| *s == start) {
            let entry = self.cache.remove(i);
            self.cache.push(entry);
        } else {
            let len = (self.size - start).min(self.block as u64) as usize;
            let mut buf = vec![0; len];
            let n = self.src.read_at(start, &mut buf)?;
            buf.truncate(n);
            if self.cache.len() == CACHED_BLOCKS {
                self.cache.remove(0);
            }
            self.cache.push((start, buf));
        }
        Ok(&self.cache.last().expect("just pushed").1)
    }

    /// Fill `buf` from `offset`; returns the number of bytes read (short only at the end).
    pub fn read_into(&mut self, offset: u64, buf: &mut [u8]) -> Result<usize, String> {
        if offset >= self.size {
            return Ok(0);
        }
        let want = (buf.len() as u64).min(self.size - offset) as usize;
        if want > self.block {
            // Big reads (a whole moov box) bypass the cache.
            return self.src.read_at(offset, &mut buf[..want]);
        }
        let mut done = 0;
        while done < want {
            let pos = offset + done as u64;
            let start = pos - pos % self.block as u64;
            let block = self.block_at(start)?;
            let skip = (pos - start) as usize;
            if skip >= block.len() {
                break;
            }
            let n = (block.len() - skip).min(want - done);
            buf[done..done + n].copy_from_slice(&block[skip..skip + n]);
            done += n;
        }
        Ok(done)
    }

    /// Up to `len` bytes at `offset` (fewer at the end of the file). Callers bound `len`.
    pub fn bytes(&mut self, offset: u64, len: usize) -> Result<Vec<u8>, String> {
        let len = if offset >= self.size {
            0
        } else {
            (len as u64).min(self.size - offset) as usize
        };
        let mut buf = vec![0; len];
        let n = self.read_into(offset, &mut buf)?;
        buf.truncate(n);
        Ok(buf)
    }

    /// Exactly `len` bytes at `offset`, or a "truncated" error naming `what`.
    pub fn exact(&mut self, offset: u64, len: usize, what: &str) -> Result<Vec<u8>, String> {
        let b = self.bytes(offset, len)?;
        if b.len() < len {
            return Err(format!(
                "truncated: the file ends inside the {what} (at byte {}, {} bytes short)",
                offset + b.len() as u64,
                len - b.len()
            ));
        }
        Ok(b)
    }
}

pub(crate) fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}
pub(crate) fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(b[at..at + 4].try_into().expect("4 bytes"))
}
pub(crate) fn be64(b: &[u8], at: usize) -> u64 {
    u64::from_be_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}
pub(crate) fn le16(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}
pub(crate) fn le64(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}
pub(crate) fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_across_blocks_and_stops_at_the_end() {
        let data: Vec<u8> = (0..20_000u32).map(|i| (i % 251) as u8).collect();
        let mut src: &[u8] = &data;
        let mut r = Reader::new(&mut src);
        r.block = 4096;
        assert_eq!(r.bytes(4090, 10).unwrap(), data[4090..4100].to_vec());
        assert_eq!(r.bytes(19_995, 100).unwrap(), data[19_995..].to_vec());
        assert!(r.bytes(30_000, 4).unwrap().is_empty());
        let err = r.exact(19_990, 20, "frame").unwrap_err();
        assert!(err.contains("truncated"), "{err}");
    }
}
