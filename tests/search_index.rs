//! The chunked search index a build writes under public/search/: the example site's transcript
//! word is found through the entry file and one fragment, at its cue's second, for the episode
//! at the same place as its card on /episodes/.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

mod site_support;
use site_support::copy_site;

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// (episode number, second or -1) for `word`, looked up the way the theme's script does.
fn lookup(public: &Path, word: &str) -> Vec<(i64, i64)> {
    let mut get = |p: &str| {
        let bytes = std::fs::read(public.join(p)).ok()?;
        serde_json::from_slice(&bytes).ok()
    };
    let (_, hits) = onair::search::lookup(&mut get, word);
    hits.unwrap_or_default()
        .into_iter()
        .map(|(n, t)| (i64::from(n), t))
        .collect()
}

#[test]
fn a_transcript_word_leads_to_its_episode_at_its_cue() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site");
    let (_tmp, root) = copy_site(&example);
    let _ = std::fs::remove_dir_all(root.join("public"));
    let _ = std::fs::remove_dir_all(root.join(".onair"));
    let out = Command::new(env!("CARGO_BIN_EXE_onair"))
        .args(["build", root.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let public = root.join("public");

    // The cards of /episodes/, in order: the index numbers episodes the same way.
    let list = std::fs::read_to_string(public.join("episodes/index.html")).unwrap();
    let cards: Vec<&str> = list
        .split("data-url=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    let entry = json(&public.join("search/index.json"));
    assert_eq!(entry["episodes"].as_u64(), Some(cards.len() as u64));
    let pilot = cards
        .iter()
        .position(|u| *u == "/episodes/two-cans-and-a-string/")
        .unwrap() as i64;

    // Said at 00:00:03.000 in its transcript and nowhere else.
    assert_eq!(lookup(&public, "waxed"), vec![(pilot, 3)]);
    // In its summary and its transcript: the episode's own text wins (no time).
    assert!(lookup(&public, "tight").contains(&(pilot, -1)));
    assert_eq!(lookup(&public, "nowhere-said"), Vec::new());
    // The episode list points the script at the entry file.
    assert!(
        list.contains("data-search=\"/search/index.json\""),
        "{list}"
    );
}

/// The budget: at 10,000 episodes with transcripts, the first query downloads at most
/// 100 KB in all (the entry file and the one fragment a word needs), whatever the word. Every
/// key's fragment is what some word fetches, so entry + largest fragment bounds them all.
/// Synthetic words stand in for transcripts (scripts/search-size.py measures a real build):
/// 10,000 episodes, 200 transcript words each from a Zipf vocabulary of 30,000 made-up words,
/// plus `uniqNNNNN` in episode NNNNN only, so `uniq` is a prefix of 10,000 distinct words.
/// The synthetic catalogue of the budget test below, `count` episodes.
fn synthetic_episodes(count: u32) -> Vec<onair::search::EpisodeWords> {
    use onair::search::EpisodeWords;
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let syllables: Vec<String> = "bdfgklmnprstvz"
        .chars()
        .flat_map(|c| "aeiou".chars().map(move |v| format!("{c}{v}")))
        .collect();
    let mut vocab: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    while vocab.len() < 30_000 {
        let n = 2 + next() as usize % 3;
        let w: String = (0..n)
            .map(|_| syllables[next() as usize % syllables.len()].as_str())
            .collect();
        if seen.insert(w.clone()) {
            vocab.push(w);
        }
    }
    let mut cum = Vec::with_capacity(vocab.len());
    let mut total = 0.0;
    for k in 0..vocab.len() {
        total += 1.0 / (k + 1) as f64;
        cum.push(total);
    }
    let episodes: Vec<EpisodeWords> = (0..count)
        .map(|n| {
            let mut words: HashMap<String, Option<u32>> = HashMap::new();
            for cue in 0..200u32 {
                let x = (next() >> 11) as f64 / (1u64 << 53) as f64 * total;
                let k = cum.partition_point(|&c| c < x).min(vocab.len() - 1);
                words.entry(vocab[k].clone()).or_insert(Some(cue * 4));
            }
            words.insert(format!("uniq{n:05}"), Some(600));
            words.insert(format!("episode{n}"), None);
            EpisodeWords::from_pairs(words.iter().map(|(w, t)| (w.as_str(), *t)))
        })
        .collect();
    episodes
}

#[test]
fn the_first_query_stays_under_100_kb_at_10000_episodes() {
    use onair::search::write_index;
    let episodes = synthetic_episodes(10_000);
    let files = write_index(&episodes);
    let size = |p: &str| {
        files
            .iter()
            .find(|(q, _)| q == p)
            .map_or(0, |(_, b)| b.len())
    };
    let entry = size("search/index.json");
    let largest = files.iter().map(|(_, b)| b.len()).max().unwrap();
    assert!(
        entry + largest <= 100_000,
        "entry {entry} + largest fragment {largest} bytes"
    );
    let mut get = |p: &str| {
        files
            .iter()
            .find(|(q, _)| q == p)
            .map(|(_, b)| serde_json::from_slice(b).unwrap())
    };
    for (word, found) in [
        ("uniq", 10_000),
        ("uniq0", 10_000),
        ("uniq01", 1_000),
        ("uniq01234", 1),
    ] {
        let (paths, hits) = onair::search::lookup(&mut get, word);
        let bytes: usize = paths.iter().map(|p| size(p)).sum();
        assert!(
            paths.len() == 2 && bytes <= 100_000,
            "{word}: {paths:?}, {bytes} bytes"
        );
        let hits = hits.unwrap_or_else(|| panic!("{word} narrows the search"));
        assert_eq!(hits.len(), found, "{word}");
        assert!(hits.iter().all(|&(_, t)| t == 600), "{word}: said at 600 s");
    }
    eprintln!(
        "10,000 episodes: entry {entry} bytes, largest fragment {largest}, {} files",
        files.len()
    );
}

/// The files of two indexes that differ: changed, added or gone.
fn changed_files(a: &[(String, Vec<u8>)], b: &[(String, Vec<u8>)]) -> Vec<String> {
    let a: HashMap<&str, &[u8]> = a.iter().map(|(p, x)| (p.as_str(), x.as_slice())).collect();
    let b: HashMap<&str, &[u8]> = b.iter().map(|(p, x)| (p.as_str(), x.as_slice())).collect();
    let mut out: Vec<String> = a
        .keys()
        .chain(b.keys())
        .filter(|p| a.get(*p) != b.get(*p))
        .map(|p| p.to_string())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Fragments are named by their keys, so a one-word edit of one episode changes the entry file
/// at most and the few fragments its words land in, never the names of all the others.
#[test]
fn a_one_word_edit_changes_a_handful_of_fragments() {
    use onair::search::{EpisodeWords, write_index};
    for count in [300u32, 10_000] {
        let mut episodes = synthetic_episodes(count);
        let before = write_index(&episodes);
        let edited = (count / 2) as usize;
        let mut words: Vec<(String, Option<u32>)> = episodes[edited]
            .iter()
            .map(|(w, t)| (w.to_string(), t))
            .collect();
        // A new word no episode has, and one more common word in its notes.
        words.push(("zyzzyvas".to_string(), None));
        words.push(("aardvark".to_string(), None));
        episodes[edited] = EpisodeWords::from_pairs(words.iter().map(|(w, t)| (w.as_str(), *t)));
        let after = write_index(&episodes);
        let changed = changed_files(&before, &after);
        assert!(
            changed.len() <= 5,
            "{count} episodes: {} of {} files changed: {changed:?}",
            changed.len(),
            before.len()
        );
        assert!(
            changed.iter().any(|p| p.starts_with("search/w/z")),
            "{changed:?}"
        );
        eprintln!("{count} episodes: {changed:?} of {} files", before.len());
    }
}
