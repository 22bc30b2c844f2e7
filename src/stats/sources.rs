//! Where logs come from: a file, a folder (every file under it), a `.gz` (or any gzip
//! stream), or `s3://bucket/prefix` (every object whose key starts so, through the deploy's
//! S3 client). Files are read on every core, each into a tally of its own; a file whose
//! content another file already had adds nothing.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::sync::Arc;

use crate::deploy::target::Target;

use super::count::{Period, Tally};
use super::episodes::Catalog;
use super::formats::Format;
use super::{Line, LogReader};

/// One log file to read.
#[derive(Clone)]
pub enum Input {
    Local(PathBuf),
    Remote {
        store: Arc<dyn Target>,
        /// The key under the store's prefix.
        key: String,
        /// `s3://bucket/prefix/key`, for messages.
        label: String,
    },
}

impl Input {
    pub fn label(&self) -> String {
        match self {
            Input::Local(p) => p.display().to_string(),
            Input::Remote { label, .. } => label.clone(),
        }
    }

    fn open(&self) -> Result<Box<dyn Read + Send>, String> {
        match self {
            Input::Local(p) => std::fs::File::open(p)
                .map(|f| Box::new(f) as Box<dyn Read + Send>)
                .map_err(|e| e.to_string()),
            Input::Remote { store, key, .. } => match store.get(key)? {
                Some(bytes) => Ok(Box::new(std::io::Cursor::new(bytes))),
                None => Err("the object is gone".into()),
            },
        }
    }
}

/// Makes the S3 client of `s3://bucket/prefix`.
pub type S3Maker<'a> = dyn Fn(&str, &str) -> Result<Arc<dyn Target>, String> + 'a;

/// The files of each source, in order: a folder's files sorted by path (hidden ones left
/// out), an S3 prefix's keys sorted. Sources that name nothing are errors.
pub fn expand(sources: &[String], s3: &S3Maker) -> (Vec<Input>, Vec<String>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for source in sources {
        if let Some(rest) = source.strip_prefix("s3://") {
            match s3_inputs(rest, s3) {
                Ok(found) if found.is_empty() => {
                    errors.push(format!("{source}: no objects under this prefix"))
                }
                Ok(found) => inputs.extend(found),
                Err(e) => errors.push(format!("{source}: {e}")),
            }
            continue;
        }
        let path = PathBuf::from(source);
        if path.is_file() {
            inputs.push(Input::Local(path));
        } else if path.is_dir() {
            let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&path)
                .into_iter()
                .filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_file())
                .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                .map(|e| e.into_path())
                .collect();
            files.sort();
            if files.is_empty() {
                errors.push(format!("{source}: the folder has no files"));
            }
            inputs.extend(files.into_iter().map(Input::Local));
        } else {
            errors.push(format!("{source}: no such file or folder"));
        }
    }
    (inputs, errors)
}

/// `s3://bucket/dir/name-prefix`: the store at `dir`, its keys that start with `name-prefix`.
fn s3_inputs(rest: &str, s3: &S3Maker) -> Result<Vec<Input>, String> {
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err("names no bucket: write s3://BUCKET/PREFIX".into());
    }
    let (dir, start) = match prefix.rfind('/') {
        Some(i) => (&prefix[..i], &prefix[i + 1..]),
        None => ("", prefix),
    };
    let store = s3(bucket, dir)?;
    let keys = store
        .list_sizes()?
        .ok_or_else(|| "the store cannot list its keys".to_string())?;
    let base = if dir.is_empty() {
        format!("s3://{bucket}/")
    } else {
        format!("s3://{bucket}/{dir}/")
    };
    Ok(keys
        .into_keys()
        .filter(|k| k.starts_with(start) && !k.ends_with('/'))
        .map(|key| Input::Remote {
            store: store.clone(),
            label: format!("{base}{key}"),
            key,
        })
        .collect())
}

/// What reading one file gave.
pub struct FileResult {
    pub label: String,
    pub format: Option<Format>,
    pub tally: Tally,
    /// BLAKE3 of the file's (decompressed) content.
    pub hash: [u8; 32],
    /// Why the file could not be read to its end; its tally is then empty.
    pub error: Option<String>,
}

/// Hashes what passes through.
struct Hashing<R> {
    inner: R,
    hasher: blake3::Hasher,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// Reads every input, on every core; the results in the inputs' order.
pub fn read_all(
    inputs: &[Input],
    catalog: &Catalog,
    period: Period,
    forced: Option<Format>,
) -> Vec<FileResult> {
    use rayon::prelude::*;
    inputs
        .par_iter()
        .map(|i| read_one(i, catalog, period, forced))
        .collect()
}

fn read_one(
    input: &Input,
    catalog: &Catalog,
    period: Period,
    forced: Option<Format>,
) -> FileResult {
    let mut result = FileResult {
        label: input.label(),
        format: forced,
        tally: Tally::default(),
        hash: [0; 32],
        error: None,
    };
    match read_lines(input, catalog, period, forced, &mut result) {
        Ok(hash) => result.hash = hash,
        Err(e) => {
            result.error = Some(e);
            result.tally = Tally::default();
        }
    }
    result
}

fn decoder(mut raw: Box<dyn Read + Send>) -> std::io::Result<Box<dyn Read + Send>> {
    let mut magic = [0u8; 2];
    let mut got = 0;
    while got < 2 {
        let n = raw.read(&mut magic[got..])?;
        if n == 0 {
            break;
        }
        got += n;
    }
    let chained = std::io::Cursor::new(magic[..got].to_vec()).chain(raw);
    Ok(if got == 2 && magic == [0x1f, 0x8b] {
        Box::new(flate2::read::MultiGzDecoder::new(chained))
    } else {
        Box::new(chained)
    })
}

fn io_error(e: std::io::Error, line: usize) -> String {
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof => {
            format!("the gzip stream ends early (a truncated file?) after line {line}")
        }
        std::io::ErrorKind::InvalidInput | std::io::ErrorKind::InvalidData => {
            format!("not a valid gzip stream after line {line}: {e}")
        }
        _ => format!("cannot read after line {line}: {e}"),
    }
}

fn read_lines(
    input: &Input,
    catalog: &Catalog,
    period: Period,
    forced: Option<Format>,
    result: &mut FileResult,
) -> Result<[u8; 32], String> {
    let raw = input.open()?;
    let decoded = decoder(raw).map_err(|e| io_error(e, 0))?;
    let mut r = BufReader::with_capacity(
        256 * 1024,
        Hashing {
            inner: decoded,
            hasher: blake3::Hasher::new(),
        },
    );
    // The first lines, to find the format.
    let mut head: Vec<Vec<u8>> = Vec::new();
    let mut buf = Vec::with_capacity(1024);
    while head.len() < 20 {
        buf.clear();
        if r.read_until(b'\n', &mut buf)
            .map_err(|e| io_error(e, head.len()))?
            == 0
        {
            break;
        }
        head.push(buf.clone());
    }
    let format = match forced {
        Some(f) => f,
        None => {
            let texts: Vec<String> = head
                .iter()
                .map(|l| String::from_utf8_lossy(l).into_owned())
                .collect();
            Format::detect(texts.iter().map(String::as_str)).ok_or_else(|| {
                "cannot tell the log format from its first lines (give --format)".to_string()
            })?
        }
    };
    result.format = Some(format);
    let mut reader = format.reader();
    let mut number = 0;
    for line in &head {
        number += 1;
        take(
            reader.as_mut(),
            line,
            number,
            catalog,
            period,
            &mut result.tally,
        );
    }
    loop {
        buf.clear();
        if r.read_until(b'\n', &mut buf)
            .map_err(|e| io_error(e, number))?
            == 0
        {
            break;
        }
        number += 1;
        take(
            reader.as_mut(),
            &buf,
            number,
            catalog,
            period,
            &mut result.tally,
        );
    }
    Ok(*r.into_inner().hasher.finalize().as_bytes())
}

fn take(
    reader: &mut dyn LogReader,
    bytes: &[u8],
    number: usize,
    catalog: &Catalog,
    period: Period,
    tally: &mut Tally,
) {
    let text = String::from_utf8_lossy(bytes);
    let line = text.trim_end_matches(['\n', '\r']);
    let parsed: Line = reader.read(line);
    tally.line(parsed, number, catalog, period);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::episodes::EpisodeInfo;
    use std::io::Write;

    fn catalog() -> Catalog {
        Catalog::new(vec![EpisodeInfo {
            slug: "a".into(),
            title: "A".into(),
            show: None,
            url: "https://pod.example/audio/a.mp3".into(),
            published: 0,
            size: 100_000,
            duration: 100.0,
            header: 0,
        }])
    }

    const LINE: &str = "192.0.2.1 - - [10/Oct/2024:13:55:36 +0000] \"GET /audio/a.mp3 HTTP/1.1\" 200 100000 \"-\" \"Spotify/8.8.12 Android/33\"\n";

    #[test]
    fn gzip_and_truncated_gzip() {
        let dir = tempfile::tempdir().unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        for _ in 0..200 {
            gz.write_all(LINE.as_bytes()).unwrap();
        }
        let bytes = gz.finish().unwrap();
        std::fs::write(dir.path().join("ok.log.gz"), &bytes).unwrap();
        std::fs::write(dir.path().join("cut.log.gz"), &bytes[..bytes.len() - 12]).unwrap();
        let (inputs, errors) = expand(&[dir.path().display().to_string()], &|_, _| {
            Err("no s3".into())
        });
        assert!(errors.is_empty());
        let results = read_all(&inputs, &catalog(), Period::default(), None);
        let cut = &results[0];
        assert!(cut.label.ends_with("cut.log.gz"));
        assert!(
            cut.error.as_deref().unwrap().contains("ends early"),
            "{:?}",
            cut.error
        );
        assert_eq!(cut.tally.lines_read, 0);
        let ok = &results[1];
        assert_eq!(ok.error, None);
        assert_eq!(ok.format, Some(Format::Combined));
        assert_eq!(ok.tally.lines_read, 200);
    }

    #[test]
    fn unknown_format_and_missing_source() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x.txt"), "hello\nworld\n").unwrap();
        let (inputs, errors) = expand(
            &[
                dir.path().join("x.txt").display().to_string(),
                dir.path().join("nope").display().to_string(),
            ],
            &|_, _| Err("no s3".into()),
        );
        assert_eq!(errors.len(), 1);
        assert!(errors[0].ends_with("no such file or folder"));
        let r = read_all(&inputs, &catalog(), Period::default(), None);
        assert!(r[0].error.as_deref().unwrap().contains("--format"));
    }
}
