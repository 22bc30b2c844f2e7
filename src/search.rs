//! The chunked search index under `/search/`: a small entry file, `search/index.json`, that
//! maps word prefixes to fragment files `search/w/<n>.json`, each holding the words of its
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
//! digit. A word found in more than [`common_limit`] episodes is listed as common in the entry
//! file instead of carrying its episodes: it would not narrow a search, and its list would be
//! the largest download of all.

use std::collections::{BTreeMap, HashMap};

impl AsRef<EpisodeWords> for EpisodeWords {
    fn as_ref(&self) -> &EpisodeWords {
        self
    }
}

/// A fragment is split by a longer prefix once its JSON passes this many bytes.
pub const FRAGMENT_BUDGET: usize = 24 * 1024;
/// Words longer than this are not indexed (hashes, URLs run together).
pub const MAX_WORD: usize = 32;

/// One episode's distinct words, sorted, each with the time (seconds) of the first
/// transcript cue saying it, or None when the episode's own text (title, tags, summary, notes,
/// chapters) has it. Kept in one buffer (the words end to end) to keep a big catalogue's
/// millions of words from being millions of allocations.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EpisodeWords {
    buf: String,
    /// (end of the word in `buf`, second or -1), in word order.
    words: Vec<(u32, i64)>,
}

impl EpisodeWords {
    /// From (word, time) pairs, each word once, in any order.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, Option<u32>)>) -> Self {
        let mut pairs: Vec<(&str, Option<u32>)> = pairs.into_iter().collect();
        pairs.sort_unstable();
        let mut out = EpisodeWords::default();
        for (w, t) in pairs {
            out.buf.push_str(w);
            out.words
                .push((out.buf.len() as u32, t.map_or(-1, i64::from)));
        }
        out
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, Option<u32>)> + '_ {
        let mut start = 0;
        self.words.iter().map(move |&(end, t)| {
            let w = &self.buf[start..end as usize];
            start = end as usize;
            (w, u32::try_from(t).ok())
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

/// Folds `text` ([`fold_char`]) into `out`, each word followed by a space; one-character and
/// over-long words are left out.
fn fold_words(text: &str, out: &mut String) {
    for w in text.split(|c: char| !c.is_alphanumeric()) {
        if w.chars().nth(1).is_none() {
            continue;
        }
        let start = out.len();
        w.chars().for_each(|c| fold_char(c, out));
        if out[start..].chars().count() > MAX_WORD {
            out.truncate(start);
        } else {
            out.push(' ');
        }
    }
}

/// The folded words of `text`, in order, with repeats; one-character words are left out.
pub fn words(text: &str) -> Vec<String> {
    let mut out = String::new();
    fold_words(text, &mut out);
    out.split_whitespace().map(str::to_string).collect()
}

/// The words of one episode: those of `text` (its own text) first, without a time, then those
/// only `cues` (start seconds, text) have, with the first cue's start.
pub fn episode_words<'a>(
    text: impl IntoIterator<Item = &'a str>,
    cues: impl IntoIterator<Item = (f64, &'a str)>,
) -> EpisodeWords {
    // Everything folded into one buffer first, then looked up by slices of it.
    let mut own = String::new();
    for t in text {
        fold_words(t, &mut own);
    }
    let mut spoken = String::new();
    let mut marks: Vec<(usize, u32)> = Vec::new();
    for (start, t) in cues {
        let second = if start.is_finite() && start > 0.0 {
            start.floor().min(f64::from(u32::MAX)) as u32
        } else {
            0
        };
        marks.push((spoken.len(), second));
        fold_words(t, &mut spoken);
    }
    let mut seen: HashMap<&str, Option<u32>> = HashMap::new();
    for w in own.split(' ').filter(|w| !w.is_empty()) {
        seen.insert(w, None);
    }
    let mut at = 0;
    let mut mark = 0;
    for w in spoken.split(' ') {
        while mark + 1 < marks.len() && marks[mark + 1].0 <= at {
            mark += 1;
        }
        at += w.len() + 1;
        if !w.is_empty() {
            seen.entry(w).or_insert(Some(marks[mark].1));
        }
    }
    EpisodeWords::from_pairs(seen)
}

/// A word's episodes, ascending, each with its time.
type Postings = Vec<(u32, Option<u32>)>;
/// A word and its fragment JSON (`"word":[...]`).
type Entry<'a> = (&'a str, Vec<u8>);

/// The files of the index: `search/index.json` and its fragments, as (path, bytes), for the
/// episodes' words in published order (newest first).
pub fn write_index(episodes: &[impl AsRef<EpisodeWords>]) -> Vec<(String, Vec<u8>)> {
    // word -> [(episode, time)], episodes ascending.
    let mut postings: HashMap<&str, Postings> = HashMap::new();
    for (n, words) in episodes.iter().enumerate() {
        for (w, t) in words.as_ref().iter() {
            postings.entry(w).or_default().push((n as u32, t));
        }
    }
    let mut postings: Vec<(&str, Postings)> = postings.into_iter().collect();
    postings.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let limit = common_limit(episodes.len());
    let mut common = Vec::new();
    let mut entries: Vec<Entry> = Vec::with_capacity(postings.len());
    for (w, list) in &postings {
        if list.len() > limit {
            common.push(*w);
        } else {
            entries.push((w, posting_json(w, list)));
        }
    }
    let mut groups = Vec::new();
    split(&entries, 1, &mut groups);

    let mut files = Vec::with_capacity(groups.len() + 1);
    let mut fragments = BTreeMap::new();
    for (n, (prefix, group)) in groups.into_iter().enumerate() {
        let mut json =
            Vec::with_capacity(group.iter().map(|(_, e)| e.len() + 1).sum::<usize>() + 2);
        json.push(b'{');
        for (i, (_, e)) in group.iter().enumerate() {
            if i > 0 {
                json.push(b',');
            }
            json.extend_from_slice(e);
        }
        json.push(b'}');
        fragments.insert(prefix, n);
        files.push((format!("search/w/{n}.json"), json));
    }
    let entry = serde_json::json!({
        "version": 1,
        "episodes": episodes.len(),
        "common": common,
        "fragments": fragments,
    });
    files.push((
        "search/index.json".to_string(),
        serde_json::to_vec(&entry).expect("search entry serializes"),
    ));
    files
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
fn split<'a>(entries: &'a [Entry<'a>], depth: usize, out: &mut Vec<(String, &'a [Entry<'a>])>) {
    let mut start = 0;
    while start < entries.len() {
        let key = prefix(entries[start].0, depth);
        let mut end = start + 1;
        while end < entries.len() && prefix(entries[end].0, depth) == key {
            end += 1;
        }
        let group = &entries[start..end];
        let size: usize = group.iter().map(|(_, e)| e.len() + 1).sum();
        let splittable = group.iter().any(|(w, _)| w.chars().count() > depth);
        if size > FRAGMENT_BUDGET && splittable && group.len() > 1 {
            // The word that is the key itself (if any) sorts first: it stays under the key.
            let (exact, longer) = match group[0].0.chars().count() == depth {
                true => group.split_at(1),
                false => group.split_at(0),
            };
            if !exact.is_empty() {
                out.push((key.to_string(), exact));
            }
            split(longer, depth + 1, out);
        } else {
            out.push((key.to_string(), group));
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

    fn parse(files: &[(String, Vec<u8>)], path: &str) -> serde_json::Value {
        let (_, b) = files.iter().find(|(p, _)| p == path).expect(path);
        serde_json::from_slice(b).unwrap()
    }

    /// What the theme's script does: the fragment of the longest key the word starts with,
    /// then the word's list decoded to (episode, time).
    fn lookup(files: &[(String, Vec<u8>)], word: &str) -> Option<Vec<(i64, i64)>> {
        let entry = parse(files, "search/index.json");
        let frags = entry["fragments"].as_object().unwrap();
        let key = frags
            .keys()
            .filter(|k| word.starts_with(k.as_str()))
            .max_by_key(|k| k.len())?;
        let frag = parse(files, &format!("search/w/{}.json", frags[key]));
        let list = frag.get(word)?.as_array()?.clone();
        let mut n = -1;
        Some(
            list.chunks(2)
                .map(|p| {
                    n += p[0].as_i64().unwrap();
                    (n, p[1].as_i64().unwrap())
                })
                .collect(),
        )
    }

    #[test]
    fn every_word_is_found_through_the_entry_file_and_its_fragment() {
        // 300 episodes, each with its own words and some shared ones.
        let episodes: Vec<EpisodeWords> = (0..300)
            .map(|n| {
                let own = format!("Episode number{n} about topic{} word{n}x", n % 7);
                let cue = format!("only said in transcript{n} and shared");
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
            assert_eq!(lookup(&files, &format!("number{n}")), Some(vec![(n, -1)]));
            let t = (n as f64 * 1.5).floor() as i64;
            assert_eq!(
                lookup(&files, &format!("transcript{n}")),
                Some(vec![(n, t)])
            );
        }
        let topic3 = lookup(&files, "topic3").unwrap();
        assert_eq!(topic3.len(), 43);
        assert!(topic3.iter().all(|(n, t)| n % 7 == 3 && *t == -1));
        // In every episode: common, not listed with its episodes.
        let entry = parse(&files, "search/index.json");
        let common: Vec<&str> = entry["common"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert!(common.contains(&"shared") && common.contains(&"episode"));
        assert_eq!(lookup(&files, "shared"), None);
        assert_eq!(entry["episodes"], 300);
        assert_eq!(lookup(&files, "absent"), None);
    }

    #[test]
    fn an_oversized_group_splits_and_keeps_its_exact_word() {
        // "ab" alone, and enough "ab…" words to pass the budget.
        let mut eps: Vec<EpisodeWords> = Vec::new();
        for n in 0..2000u32 {
            let own = format!("ab{n:04}");
            eps.push(EpisodeWords::from_pairs([
                ("ab", None),
                (own.as_str(), Some(n)),
            ]));
        }
        // Every episode says "ab": make it rare enough to be indexed by adding episodes.
        eps.extend((0..30000).map(|_| EpisodeWords::default()));
        let files = write_index(&eps);
        let entry = parse(&files, "search/index.json");
        let keys: Vec<&String> = entry["fragments"].as_object().unwrap().keys().collect();
        assert!(keys.iter().any(|k| *k == "ab"), "{keys:?}");
        assert_eq!(keys, ["ab", "ab0", "ab1"]);
        assert_eq!(lookup(&files, "ab").unwrap().len(), 2000);
        assert_eq!(lookup(&files, "ab1234"), Some(vec![(1234, 1234)]));
    }
}
