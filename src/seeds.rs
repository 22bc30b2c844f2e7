//! Test access to the seed documents in ../shared/seeds (read at test time, never copied
//! into the repository).

use std::path::PathBuf;

fn dir() -> Option<PathBuf> {
    let beside = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    [beside, PathBuf::from("/work/shared/seeds")]
        .into_iter()
        .find(|d| d.is_dir())
}

/// The text of the seed whose file name starts with `prefix` (`"002_"`). None, with a note on
/// stderr, only when no seed folder exists on this machine.
pub fn read(prefix: &str) -> Option<String> {
    let Some(dir) = dir() else {
        eprintln!("no seeds folder; skipping a seed test");
        return None;
    };
    let entry = std::fs::read_dir(&dir)
        .expect("seeds folder readable")
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with(prefix))
        .unwrap_or_else(|| panic!("no seed {prefix}* in {}", dir.display()));
    Some(std::fs::read_to_string(entry.path()).expect("seed readable"))
}

/// The Markdown after a `---` front-matter block, and the 1-based line it starts on.
pub fn body(text: &str) -> (usize, &str) {
    if !text.starts_with("---") {
        return (1, text);
    }
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        offset += line.len();
        if i > 0 && line.trim_end() == "---" {
            return (i + 2, &text[offset..]);
        }
    }
    (1, text)
}
