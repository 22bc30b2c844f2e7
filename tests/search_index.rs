//! The chunked search index a build writes under public/search/: the example site's transcript
//! word is found through the entry file and one fragment, at its cue's second, for the episode
//! at the same place as its card on /episodes/.

use std::path::Path;
use std::process::Command;

mod site_support;
use site_support::copy_site;

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// (episode number, second or -1) for `word`, read the way the theme's script reads them.
fn lookup(public: &Path, word: &str) -> Vec<(i64, i64)> {
    let entry = json(&public.join("search/index.json"));
    let frags = entry["fragments"].as_object().unwrap();
    let Some(key) = frags
        .keys()
        .filter(|k| word.starts_with(k.as_str()))
        .max_by_key(|k| k.len())
    else {
        return Vec::new();
    };
    let frag = json(&public.join(format!("search/w/{}.json", frags[key])));
    let Some(list) = frag.get(word).and_then(|l| l.as_array()) else {
        return Vec::new();
    };
    let mut n = -1;
    list.chunks(2)
        .map(|p| {
            n += p[0].as_i64().unwrap();
            (n, p[1].as_i64().unwrap())
        })
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
