//! The chunked search index under `/search/`: a small entry file, `search/index.json`, that
//! lists the word prefixes of the fragment files `search/w/<prefix>.json`, each holding the words of its
//! prefixes and, for every word, the episodes it is found in. A query downloads the entry file
//! and only the fragments of its own words, never the whole index.
//!
//! Episodes are numbered by their place in the published list, newest first (the order of
//! the cards on `/episodes/`). A word found in the title, tags, summary, show notes or chapter
//! titles is recorded without a time; a word found only in the transcript is recorded with the
//! start of the first cue that says it, in whole seconds, so a result can link to
//! `/episodes/<slug>/#t=<seconds>`.
//!
//! Words are folded the way the theme's script folds what a listener types (lower case,
//! accents removed, see [`fold_char`]), and split at every character that is not a letter or a
//! digit. A word found in more than [`common_limit`] episodes is marked common in its fragment
//! instead of carrying its episodes: it would not narrow a search, and its list would be the
//! largest download of all.
//!
//! A query downloads the entry file and one fragment a word: the fragment of the longest key
//! the word starts with; when the word is itself a key of four characters or more that was split
//! by longer ones, that fragment holds the union of every word under it (`"*"`).
//! So a prefix of thousands of words costs one fragment, not every fragment under it.

use std::borrow::Cow;
use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

impl AsRef<EpisodeWords> for EpisodeWords {
    fn as_ref(&self) -> &EpisodeWords {
        self
    }
}

/// A fragment is split by a longer prefix once its JSON passes this many bytes.
pub const FRAGMENT_BUDGET: usize = 24 * 1024;
/// A key split by longer ones holds the union of its words (`"*"`) from this many characters
/// on: a shorter word typed finds only itself and the words of its own fragment, so that one
/// or two letters do not fetch a list of nearly every episode.
pub const UNION_DEPTH: usize = 4;
/// Words longer than this are not indexed (hashes, URLs run together).
pub const MAX_WORD: usize = 32;

/// One episode's distinct words, each with the time (seconds) of the first
/// transcript cue saying it, or None when the episode's own text (title, tags, summary, notes,
/// chapters) has it. Kept in one buffer (the words end to end) to keep a big catalogue's
/// millions of words from being millions of allocations.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EpisodeWords {
    buf: String,
    /// (end of the word in `buf`, second or [`NO_TIME`]), in word order.
    words: Vec<(u32, u32)>,
}

/// The time of a word the episode's own text has.
const NO_TIME: u32 = u32::MAX;

impl EpisodeWords {
    /// From (word, time) pairs, each word once, in any order.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, Option<u32>)>) -> Self {
        let mut pairs: Vec<(&str, Option<u32>)> = pairs.into_iter().collect();
        pairs.sort_unstable();
        let mut out = EpisodeWords {
            buf: String::with_capacity(pairs.iter().map(|(w, _)| w.len()).sum()),
            words: Vec::with_capacity(pairs.len()),
        };
        for (w, t) in pairs {
            out.push(w, t);
        }
        out
    }

    fn push(&mut self, word: &str, time: Option<u32>) {
        self.buf.push_str(word);
        // A cue at u32::MAX seconds (136 years) is one second earlier: it keeps its time.
        let t = time.map_or(NO_TIME, |t| t.min(NO_TIME - 1));
        self.words.push((self.buf.len() as u32, t));
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, Option<u32>)> + '_ {
        let mut start = 0;
        self.words.iter().map(move |&(end, t)| {
            let w = &self.buf[start..end as usize];
            start = end as usize;
            (w, (t != NO_TIME).then_some(t))
        })
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// How many episodes a word may be found in before it is common (not indexed): a tenth of the
/// catalogue, and never fewer than 100.
pub fn common_limit(episodes: usize) -> usize {
    (episodes / 10).max(100)
}

/// A character as the index and the theme's script compare it: lower case, with the accents of
/// Latin letters removed (é -> e, ß -> ss, ø -> o). Other scripts keep their letters.
pub fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else if ('\u{C0}'..='\u{24F}').contains(&c) {
        match deunicode::deunicode_char(c) {
            Some(s) if !s.is_empty() && s.chars().all(|a| a.is_ascii_alphanumeric()) => {
                out.extend(s.chars().map(|a| a.to_ascii_lowercase()));
            }
            _ => out.extend(c.to_lowercase()),
        }
    } else {
        out.extend(c.to_lowercase());
    }
}

/// The first run of letters and digits of `text` from byte `i` on: its start, its end and
/// whether it is all ASCII, or None. (Runs are what `text.split(|c| !c.is_alphanumeric())`
/// gives, without the empty pieces.)
fn run_from(text: &str, mut i: usize) -> Option<(usize, usize, bool)> {
    let bytes = text.as_bytes();
    // Whether the character at `i` is a letter or digit, and its length.
    let at = |i: usize| -> (bool, usize) {
        let b = bytes[i];
        if b < 0x80 {
            (b.is_ascii_alphanumeric(), 1)
        } else {
            let c = text[i..].chars().next().expect("a char starts here");
            (c.is_alphanumeric(), c.len_utf8())
        }
    };
    while i < bytes.len() {
        let (word, len) = at(i);
        if word {
            break;
        }
        i += len;
    }
    if i >= bytes.len() {
        return None;
    }
    let start = i;
    let mut ascii = true;
    while i < bytes.len() {
        let (word, len) = at(i);
        if !word {
            break;
        }
        ascii &= len == 1;
        i += len;
    }
    Some((start, i, ascii))
}

/// What [`fold_into`] makes of each byte: an ASCII letter or digit folded, 0 for any other
/// ASCII byte (a separator), [`NOT_ASCII`] for the bytes of other characters.
const ASCII_FOLD: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = if byte >= 0x80 {
            NOT_ASCII
        } else if byte.is_ascii_alphanumeric() {
            byte.to_ascii_lowercase()
        } else {
            0
        };
        b += 1;
    }
    table
};
const NOT_ASCII: u8 = 0x80;

/// Folds the words of `text` ([`fold_char`]) into `buf` (UTF-8), end to end, and pushes each
/// one's end in `buf` with `time` to `spans`; one-character and over-long words are left out.
fn fold_into(text: &str, buf: &mut Vec<u8>, spans: &mut Vec<(u32, u32)>, time: u32) {
    let bytes = text.as_bytes();
    buf.reserve(bytes.len());
    let mut folded = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let f = ASCII_FOLD[bytes[i] as usize];
        if f == 0 {
            i += 1;
            continue;
        }
        if f != NOT_ASCII {
            // The common case, a run of ASCII letters and digits ending in ASCII: folded as
            // it is scanned.
            let end = bytes[i..]
                .iter()
                .position(|&b| matches!(ASCII_FOLD[b as usize], 0 | NOT_ASCII))
                .map_or(bytes.len(), |n| i + n);
            if end == bytes.len() || bytes[end] < 0x80 {
                if (2..=MAX_WORD).contains(&(end - i)) {
                    buf.extend(bytes[i..end].iter().map(|&b| ASCII_FOLD[b as usize]));
                    spans.push((buf.len() as u32, time));
                }
                i = end;
                continue;
            }
        }
        // A word with other letters (or a separator that is not ASCII): char by char.
        let Some((from, to, ascii)) = run_from(text, i) else {
            break;
        };
        i = to;
        let w = &text[from..to];
        if ascii {
            if !(2..=MAX_WORD).contains(&w.len()) {
                continue;
            }
            buf.extend(w.bytes().map(|b| b.to_ascii_lowercase()));
        } else {
            if w.chars().nth(1).is_none() {
                continue;
            }
            folded.clear();
            w.chars().for_each(|c| fold_char(c, &mut folded));
            if folded.chars().count() > MAX_WORD {
                continue;
            }
            buf.extend_from_slice(folded.as_bytes());
        }
        spans.push((buf.len() as u32, time));
    }
}

/// The folded words of `text`, in order, with repeats; one-character words are left out.
pub fn words(text: &str) -> Vec<String> {
    let (mut buf, mut spans) = (Vec::new(), Vec::new());
    fold_into(text, &mut buf, &mut spans, NO_TIME);
    let buf = String::from_utf8(buf).expect("folded words are UTF-8");
    let mut start = 0;
    spans
        .iter()
        .map(|&(end, _)| {
            let w = buf[start..end as usize].to_string();
            start = end as usize;
            w
        })
        .collect()
}

/// The words of one episode: those of `text` (its own text) first, without a time, then those
/// only `cues` (start seconds, text) have, with the first cue's start.
pub fn episode_words<'a>(
    text: impl IntoIterator<Item = &'a str>,
    cues: impl IntoIterator<Item = (f64, &'a str)>,
) -> EpisodeWords {
    // Every word folded into one buffer first, then looked up by slices of it.
    let (mut buf, mut spans) = (Vec::new(), Vec::new());
    for t in text {
        fold_into(t, &mut buf, &mut spans, NO_TIME);
    }
    for (start, t) in cues {
        let second = if start.is_finite() && start > 0.0 {
            // A cue at u32::MAX seconds (136 years) is one second earlier: it keeps its time.
            start.floor().min(f64::from(NO_TIME - 1)) as u32
        } else {
            0
        };
        fold_into(t, &mut buf, &mut spans, second);
    }
    // Whole characters went in, so this is UTF-8 (checked once for all the words).
    let buf = String::from_utf8(buf).expect("folded words are UTF-8");
    // Each word once, in the order first found: the own text's first.
    let mut seen: FxHashSet<&str> =
        FxHashSet::with_capacity_and_hasher(spans.len() / 2, Default::default());
    let mut out = EpisodeWords::default();
    let mut start = 0;
    for &(end, time) in &spans {
        let w = &buf[start..end as usize];
        start = end as usize;
        if seen.insert(w) {
            out.buf.push_str(w);
            out.words.push((out.buf.len() as u32, time));
        }
    }
    out.buf.shrink_to_fit();
    out.words.shrink_to_fit();
    out
}

/// A word's episodes, ascending, each with its time.
type Postings = Vec<(u32, Option<u32>)>;
/// A word, its fragment JSON (`"word":[...]`, or `"word":0` when it is common) and its
/// episodes (None when common).
type Entry<'a> = (&'a str, Vec<u8>, Option<&'a [(u32, Option<u32>)]>);
/// A fragment: its key, its words and, for a key that was split by a longer one, the JSON of
/// the union of every word starting with the key (`"*":[...]` or `"*":0`).
type Group<'a> = (String, &'a [Entry<'a>], Option<Vec<u8>>);

/// The files of the index: `search/index.json` and its fragments, as (path, bytes), for the
/// episodes' words in published order (newest first).
///
/// The entry file is `{"version":3,"episodes":N,"keys":"k0 k1 k2 ..."}` (sorted keys); the
/// fragment of key k is [`fragment_path`]`(k)`. A fragment is
/// `{"word":[d0,t0,...],"common":0,...}`; the fragment of a key of [`UNION_DEPTH`] characters
/// or more that was split by longer ones also holds `"*"`, every episode of every word starting
/// with the key (what a query of the key itself needs, in one file instead of every fragment
/// under it).
pub fn write_index(episodes: &[impl AsRef<EpisodeWords> + Sync]) -> Vec<(String, Vec<u8>)> {
    write_index_with(episodes.len(), |n| Cow::Borrowed(episodes[n].as_ref()))
}

/// [`write_index`] for `count` episodes whose words `words_of(n)` gives, borrowed (kept
/// between builds) or made on the spot and dropped once their postings are taken: a one-off
/// build of 10,000 episodes with transcripts never holds every episode's words at once.
pub fn write_index_with<'w>(
    count: usize,
    words_of: impl Fn(usize) -> Cow<'w, EpisodeWords> + Sync,
) -> Vec<(String, Vec<u8>)> {
    // word -> [(episode, time)], episodes ascending: one map a core over a run of
    // episodes, then merged in episode order.
    let run = count.div_ceil(rayon::current_num_threads()).max(1);
    let mut maps: Vec<FxHashMap<Box<str>, Postings>> = (0..count.div_ceil(run))
        .into_par_iter()
        .map(|r| {
            let mut postings: FxHashMap<Box<str>, Postings> = FxHashMap::default();
            for n in r * run..((r + 1) * run).min(count) {
                for (w, t) in words_of(n).iter() {
                    let hit = (n as u32, t);
                    match postings.get_mut(w) {
                        Some(list) => list.push(hit),
                        None => {
                            postings.insert(w.into(), vec![hit]);
                        }
                    }
                }
            }
            postings
        })
        .collect();
    let mut postings = if maps.is_empty() {
        FxHashMap::default()
    } else {
        maps.remove(0)
    };
    for map in maps {
        for (w, list) in map {
            postings.entry(w).or_default().extend(list);
        }
    }
    let mut postings: Vec<(Box<str>, Postings)> = postings.into_iter().collect();
    postings.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let limit = common_limit(count);
    let entries: Vec<Entry> = postings
        .par_iter()
        .map(|(w, list)| {
            if list.len() > limit {
                (&**w, common_json(w), None)
            } else {
                (&**w, posting_json(w, list), Some(list.as_slice()))
            }
        })
        .collect();
    let mut groups = Vec::new();
    split(&entries, 1, count, &mut groups);

    let mut files = Vec::with_capacity(groups.len() + 1);
    let mut keys = String::new();
    for (n, (key, group, union)) in groups.into_iter().enumerate() {
        let mut json = Vec::with_capacity(
            group.iter().map(|(_, e, _)| e.len() + 1).sum::<usize>()
                + union.as_ref().map_or(0, |u| u.len() + 1)
                + 2,
        );
        json.push(b'{');
        for (i, e) in union
            .iter()
            .chain(group.iter().map(|(_, e, _)| e))
            .enumerate()
        {
            if i > 0 {
                json.push(b',');
            }
            json.extend_from_slice(e);
        }
        json.push(b'}');
        if n > 0 {
            keys.push(' ');
        }
        keys.push_str(&key);
        files.push((fragment_path(&key), json));
    }
    let entry = serde_json::json!({
        "version": 3,
        "episodes": count,
        "keys": keys,
    });
    files.push((
        "search/index.json".to_string(),
        serde_json::to_vec(&entry).expect("search entry serializes"),
    ));
    files
}

/// Where the fragment of `key` is published: `search/w/<key>.json`, named by its key (never
/// by its place among the keys), so that a new word changes only the fragments it lands in,
/// not the name of every fragment after it. ASCII letters and digits stand as they are; any
/// other character as `_` and the hex of each UTF-8 byte (`é` -> `_c3_a9`), which the theme's
/// script writes the same way (`encodeURIComponent`, `%` -> `_`, lower case).
pub fn fragment_path(key: &str) -> String {
    use std::fmt::Write;
    let mut name = String::with_capacity(key.len() + 16);
    for c in key.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            name.push(c);
        } else {
            let mut bytes = [0u8; 4];
            for b in c.encode_utf8(&mut bytes).bytes() {
                let _ = write!(name, "_{b:02x}");
            }
        }
    }
    format!("search/w/{name}.json")
}

/// `"word":0`: a common word, found in too many episodes to narrow a search.
fn common_json(word: &str) -> Vec<u8> {
    let mut s = serde_json::to_vec(word).expect("a word serializes");
    s.extend_from_slice(b":0");
    s
}

/// `"word":[d0,t0,d1,t1,...]`: each episode as the difference from the one before (the first
/// as its number plus one), then its time, or -1 for the episode's own text.
fn posting_json(word: &str, list: &[(u32, Option<u32>)]) -> Vec<u8> {
    use std::fmt::Write;
    let mut s = serde_json::to_string(word).expect("a word serializes");
    s.push_str(":[");
    let mut prev: i64 = -1;
    for (i, (n, t)) in list.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        let t = t.map_or(-1, i64::from);
        let _ = write!(s, "{},{t}", i64::from(*n) - prev);
        prev = i64::from(*n);
    }
    s.push(']');
    s.into_bytes()
}

/// `"*":[...]`, every episode of every word of `group` but the common ones (which a prefix
/// query leaves out, as it does in a fragment of its own), with its earliest time (the
/// episode's own text first). At most every episode once, so a few bytes an episode however
/// many words the prefix has.
fn union_json(group: &[Entry], episodes: usize) -> Vec<u8> {
    // Per episode: 0 unseen, 1 the episode's own text, else 2 + the earliest second.
    let mut best = vec![0u64; episodes];
    for (_, _, list) in group {
        for &(n, t) in list.unwrap_or_default() {
            let t = t.map_or(1, |t| 2 + u64::from(t));
            let b = &mut best[n as usize];
            if *b == 0 || t < *b {
                *b = t;
            }
        }
    }
    let list: Vec<(u32, Option<u32>)> = best
        .iter()
        .enumerate()
        .filter(|(_, b)| **b > 0)
        .map(|(n, &b)| {
            (
                n as u32,
                if b == 1 {
                    None
                } else {
                    u32::try_from(b - 2).ok()
                },
            )
        })
        .collect();
    posting_json("*", &list)
}

/// What a search for one folded `word` finds, the way the theme's script (onair.js,
/// `searchIndex`) looks it up: the paths it fetches (`search/index.json`, then one fragment)
/// and its hits, None when the word does not narrow a search (common), else each episode
/// once, ascending, with the second of the first cue saying it or -1 for its own text.
/// `get` reads a file of the built site as JSON. The reference the script is tested against
/// (tests/search_index.rs) and what the download sizes are measured with.
pub fn lookup(
    get: &mut dyn FnMut(&str) -> Option<serde_json::Value>,
    word: &str,
) -> (Vec<String>, Option<Vec<(u32, i64)>>) {
    let mut paths = vec!["search/index.json".to_string()];
    let Some(entry) = get(&paths[0]) else {
        return (paths, Some(Vec::new()));
    };
    let keys = entry["keys"].as_str().unwrap_or("");
    let by_key: FxHashSet<&str> = keys.split(' ').collect();
    // The longest key the word starts with.
    let mut key = word;
    while !key.is_empty() && !by_key.contains(key) {
        let mut c = key.chars();
        c.next_back();
        key = c.as_str();
    }
    if key.is_empty() || !by_key.contains(key) {
        return (paths, Some(Vec::new()));
    }
    paths.push(fragment_path(key));
    let Some(serde_json::Value::Object(frag)) = get(&paths[1]) else {
        return (paths, Some(Vec::new()));
    };
    let union = key == word && frag.contains_key("*");
    let mut hits: BTreeMap<u32, i64> = BTreeMap::new();
    for (w, list) in &frag {
        let Some(list) = list.as_array() else {
            // A common word: the word typed does not narrow; longer ones are left out.
            if w == word {
                return (paths, None);
            }
            continue;
        };
        let wanted = match union {
            true => w == "*",
            false => w != "*" && w.starts_with(word),
        };
        if !wanted {
            continue;
        }
        let mut n = -1i64;
        for p in list.chunks(2) {
            n += p[0].as_i64().unwrap_or(0);
            let t = p.get(1).and_then(|t| t.as_i64()).unwrap_or(-1);
            let had = hits.entry(n as u32).or_insert(t);
            if *had >= 0 && (t < 0 || t < *had) {
                *had = t;
            }
        }
    }
    (paths, Some(hits.into_iter().collect()))
}

/// The first `depth` characters of `w` (all of it when shorter).
fn prefix(w: &str, depth: usize) -> &str {
    match w.char_indices().nth(depth) {
        Some((i, _)) => &w[..i],
        None => w,
    }
}

/// Groups sorted `entries` by prefixes of `depth` characters, splitting a group whose JSON
/// passes [`FRAGMENT_BUDGET`] by a prefix one character longer. A word as long as its group's
/// prefix is the group's key itself; a single word over the budget keeps a fragment of its own.
/// From [`UNION_DEPTH`] characters on, a split group keeps a fragment under its key in any case,
/// with the union of its words ([`union_json`]).
fn split<'a>(entries: &'a [Entry<'a>], depth: usize, episodes: usize, out: &mut Vec<Group<'a>>) {
    let mut start = 0;
    while start < entries.len() {
        let key = prefix(entries[start].0, depth);
        let mut end = start + 1;
        while end < entries.len() && prefix(entries[end].0, depth) == key {
            end += 1;
        }
        let group = &entries[start..end];
        let size: usize = group.iter().map(|(_, e, _)| e.len() + 1).sum();
        let splittable = group.iter().any(|(w, _, _)| w.chars().count() > depth);
        if size > FRAGMENT_BUDGET && splittable && group.len() > 1 {
            // The word that is the key itself (if any) sorts first: it stays under the key.
            let (exact, longer) = match group[0].0.chars().count() == depth {
                true => group.split_at(1),
                false => group.split_at(0),
            };
            let union = (depth >= UNION_DEPTH).then(|| union_json(group, episodes));
            if !exact.is_empty() || union.is_some() {
                out.push((key.to_string(), exact, union));
            }
            split(longer, depth + 1, episodes, out);
        } else {
            out.push((key.to_string(), group, None));
        }
        start = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_folded_and_split_like_the_script_does() {
        let w: Vec<String> = words("Café au LAIT: Straße, Ørsted's I/O a 3D");
        assert_eq!(w, ["cafe", "au", "lait", "strasse", "orsted", "3d"]);
        assert_eq!(words("東京 タワー"), ["東京", "タワー"]);
        let long = "x".repeat(MAX_WORD + 1);
        assert!(words(&long).is_empty());
    }

    /// The plain statement of what `words` does (split at every character that is not a
    /// letter or digit, fold, keep 2..=MAX_WORD characters), which its ASCII fast path must
    /// match on any text.
    fn words_by_definition(text: &str) -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 2)
            .map(|w| {
                let mut folded = String::new();
                w.chars().for_each(|c| fold_char(c, &mut folded));
                folded
            })
            .filter(|w| w.chars().count() <= MAX_WORD)
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn the_fast_split_matches_the_definition(
            text in "([a-zA-Z0-9]{0,5}[ .,'\\-—éÉßøØ東京1²٣]{0,2}){0,12}|[a-z]{30,36}"
        ) {
            proptest::prop_assert_eq!(words(&text), words_by_definition(&text));
        }
    }

    /// [`fold_char`] over U+00C0..U+024F as the theme's script holds it: runs of letters that
    /// fold alike, each its fold then its length as a capital (A = 1, at most 26), "." for a
    /// letter that folds to its own lower case.
    fn latin_runs() -> String {
        let mut runs: Vec<(String, u8)> = Vec::new();
        for c in '\u{C0}'..='\u{24F}' {
            let mut f = String::new();
            fold_char(c, &mut f);
            let token = if f == c.to_lowercase().collect::<String>() {
                ".".to_string()
            } else {
                assert!(
                    f.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
                    "{c}: {f}"
                );
                f
            };
            match runs.last_mut() {
                Some((t, n)) if *t == token && *n < 26 => *n += 1,
                _ => runs.push((token, 1)),
            }
        }
        runs.into_iter()
            .map(|(t, n)| format!("{t}{}", char::from(b'@' + n)))
            .collect()
    }

    #[test]
    fn the_script_folds_latin_letters_with_the_same_table() {
        let js = include_str!("../themes/default/static/onair.js");
        let line = js
            .lines()
            .find(|l| l.contains(".replace(/([a-z\\d.]+)([A-Z])/g"))
            .expect("onair.js decodes its table of Latin folds");
        let table = line
            .trim_start()
            .strip_prefix('"')
            .and_then(|l| l.split('"').next())
            .unwrap();
        let want = latin_runs();
        assert_eq!(
            table, want,
            "onair.js's table of Latin folds is stale: put in {want}"
        );
        // And decoded the way the script decodes it, letter by letter.
        let mut c = 0xC0u32;
        let mut rest = table;
        while !rest.is_empty() {
            let at = rest.find(|x: char| x.is_ascii_uppercase()).unwrap();
            let (fold, count) = (&rest[..at], rest.as_bytes()[at] - b'@');
            for _ in 0..count {
                let ch = char::from_u32(c).unwrap();
                let mut f = String::new();
                fold_char(ch, &mut f);
                let script: String = match fold {
                    "." => ch.to_lowercase().collect(),
                    f => f.to_string(),
                };
                assert_eq!(script, f, "U+{c:04X} {ch}");
                c += 1;
            }
            rest = &rest[at + 1..];
        }
        assert_eq!(c, 0x250);
        for (typed, indexed) in [("ı", "i"), ("ħ", "h"), ("ŧ", "t"), ("Ŋ", "ng"), ("ſ", "s")] {
            assert_eq!(words(&format!("x{typed}x")), [format!("x{indexed}x")]);
        }
    }

    #[test]
    fn own_text_beats_the_transcript_and_the_first_cue_gives_the_time() {
        let w = episode_words(
            ["Pilot episode", "about tin cans"],
            [
                (12.7, "Tin cans and string"),
                (95.2, "more string, zeppelins"),
            ],
        );
        let get = |k: &str| w.iter().find(|(x, _)| *x == k).map(|(_, t)| t);
        assert_eq!(get("tin"), Some(None));
        assert_eq!(get("string"), Some(Some(12)));
        assert_eq!(get("zeppelins"), Some(Some(95)));
        assert_eq!(get("and"), Some(Some(12)));
        assert_eq!(get("nothing"), None);
    }

    #[test]
    fn a_fragment_is_named_by_its_key() {
        assert_eq!(fragment_path("ab1"), "search/w/ab1.json");
        assert_eq!(fragment_path("caf\u{e9}"), "search/w/caf_c3_a9.json");
        assert_eq!(fragment_path("\u{65e5}"), "search/w/_e6_97_a5.json");
    }

    fn parse(files: &[(String, Vec<u8>)], path: &str) -> serde_json::Value {
        let (_, b) = files.iter().find(|(p, _)| p == path).expect(path);
        serde_json::from_slice(b).unwrap()
    }

    /// [`super::lookup`] over the written files: None when common.
    fn lookup(files: &[(String, Vec<u8>)], word: &str) -> Option<Vec<(i64, i64)>> {
        let mut get = |p: &str| {
            files
                .iter()
                .find(|(q, _)| q == p)
                .map(|(_, b)| serde_json::from_slice(b).unwrap())
        };
        let (_, hits) = super::lookup(&mut get, word);
        hits.map(|h| h.into_iter().map(|(n, t)| (i64::from(n), t)).collect())
    }

    #[test]
    fn every_word_is_found_through_the_entry_file_and_its_fragment() {
        // 300 episodes, each with its own words and some shared ones.
        let episodes: Vec<EpisodeWords> = (0..300)
            .map(|n| {
                let own = format!("Episode number{n}x about topic{} word{n}", n % 7);
                let cue = format!("only said in transcript{n}z and shared");
                episode_words([own.as_str()], [(f64::from(n) * 1.5, cue.as_str())])
            })
            .collect();
        let files = write_index(&episodes);
        assert!(files.len() > 3, "the index is split into fragments");
        for (path, bytes) in &files {
            assert!(
                bytes.len() <= FRAGMENT_BUDGET + 1024 || path == "search/index.json",
                "{path}: {} bytes",
                bytes.len()
            );
        }
        for n in [0i64, 1, 150, 299] {
            assert_eq!(lookup(&files, &format!("number{n}x")), Some(vec![(n, -1)]));
            let t = (n as f64 * 1.5).floor() as i64;
            assert_eq!(
                lookup(&files, &format!("transcript{n}z")),
                Some(vec![(n, t)])
            );
        }
        // A word is a prefix: word1 is in 1, 10-19 and 100-199.
        let word1 = lookup(&files, "word1").unwrap();
        let want: Vec<(i64, i64)> = [1]
            .into_iter()
            .chain(10..20)
            .chain(100..200)
            .map(|n| (n, -1))
            .collect();
        assert_eq!(word1, want);
        let topic3 = lookup(&files, "topic3").unwrap();
        assert_eq!(topic3.len(), 43);
        assert!(topic3.iter().all(|(n, t)| n % 7 == 3 && *t == -1));
        // In every episode: common, marked so in its fragment, without its episodes.
        assert_eq!(lookup(&files, "shared"), None);
        assert_eq!(lookup(&files, "episode"), None);
        let entry = parse(&files, "search/index.json");
        assert_eq!(entry["episodes"], 300);
        assert_eq!(entry["version"], 3);
        assert_eq!(lookup(&files, "absent"), Some(vec![]));
    }

    #[test]
    fn an_oversized_group_splits_keeps_its_exact_word_and_the_union_of_its_words() {
        // "ab" alone, and enough "ab…" words to pass the budget.
        let mut eps: Vec<EpisodeWords> = Vec::new();
        for n in 0..2000u32 {
            let own = format!("ab{n:04}");
            let abc = format!("abcd{n:04}");
            eps.push(EpisodeWords::from_pairs([
                ("ab", None),
                (own.as_str(), Some(n)),
                (abc.as_str(), Some(n + 5)),
            ]));
        }
        // Every episode says "ab": make it rare enough to be indexed by adding episodes.
        eps.extend((0..30000).map(|_| EpisodeWords::default()));
        let files = write_index(&eps);
        let entry = parse(&files, "search/index.json");
        let keys: Vec<&str> = entry["keys"].as_str().unwrap().split(' ').collect();
        // "a" and "abc" were split and have no word of their own: no fragment.
        assert_eq!(keys, ["ab", "ab0", "ab1", "abcd", "abcd0", "abcd1"]);
        let has_union = |key: &str| parse(&files, &fragment_path(key)).get("*").is_some();
        assert!(!has_union("ab") && has_union("abcd") && !has_union("abcd0"));
        assert!(files.iter().any(|(p, _)| p == "search/w/abcd0.json"));
        // A short word: only itself, from the key's own fragment.
        assert_eq!(lookup(&files, "ab").unwrap().len(), 2000);
        assert_eq!(lookup(&files, "ab1234"), Some(vec![(1234, 1234)]));
        // "abcd" is a prefix of 2,000 words in several fragments: its union, in one fragment.
        let mut get = |p: &str| {
            files
                .iter()
                .find(|(q, _)| q == p)
                .map(|(_, b)| serde_json::from_slice(b).unwrap())
        };
        let (paths, hits) = super::lookup(&mut get, "abcd");
        assert_eq!(paths.len(), 2, "{paths:?}");
        let want: Vec<(u32, i64)> = (0..2000).map(|n| (n, i64::from(n) + 5)).collect();
        assert_eq!(hits, Some(want));
        let (_, abc) = super::lookup(&mut get, "abcd0");
        assert_eq!(abc.map(|h| h.len()), Some(1000));
    }

    #[test]
    fn a_common_word_does_not_narrow_and_a_prefix_leaves_it_out() {
        // 1,000 episodes, each its own "prefixed…" word, and "prefixedcommon" in every one.
        let eps: Vec<EpisodeWords> = (0..1000)
            .map(|n| {
                let w = format!("prefixed{n:04}wordsplenty");
                EpisodeWords::from_pairs([(w.as_str(), None), ("prefixedcommon", Some(n))])
            })
            .collect();
        let files = write_index(&eps);
        assert_eq!(lookup(&files, "prefixedcommon"), None);
        // A prefix leaves the common words out, in a union as in a fragment.
        let all: Vec<(i64, i64)> = (0..1000).map(|n| (n, -1)).collect();
        assert_eq!(lookup(&files, "prefixed"), Some(all.clone()));
        assert_eq!(lookup(&files, "prefixedco"), Some(vec![]));
        assert_eq!(lookup(&files, "prefixed0042"), Some(vec![(42, -1)]));
        assert_eq!(lookup(&files, "prefixed0"), Some(all));
    }
}
