//! Every feed rule has a fixture that breaks it (tests/fixtures/feeds/RULE.xml, written by
//! scripts/make-feed-fixtures.py) whose full output is pinned in RULE.expected, and the
//! passing feeds (pass.xml, RULE.pass.xml) give no diagnostics at all.
//! Set ONAIR_BLESS=1 to rewrite the .expected files after a deliberate message change.

use std::path::{Path, PathBuf};

use onair::check::{CheckOptions, RULES, check_feed};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds")
}

fn options() -> CheckOptions {
    CheckOptions {
        now: "2025-01-01T00:00:00Z".parse().unwrap(),
        feed_url: Some("https://example.com/feed.xml".to_string()),
    }
}

fn render(name: &str) -> Vec<String> {
    let xml = std::fs::read_to_string(fixtures().join(name)).unwrap();
    check_feed(&xml, Path::new(name), &options())
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// Rules checked elsewhere: the build output (tests/check_site.rs), publish safety
/// (tests/check_against.rs) and feed size (below).
const NOT_FEED_FIXTURES: &[&str] = &[
    "feed-size",
    "local-file",
    "remote-under-site",
    "artwork-format",
    "artwork-size",
    "artwork-color",
    "guid-changed",
    "episode-vanished",
    "enclosure-changed",
    "podcast-guid-changed",
    "feed-url-changed",
];

#[test]
fn passing_feeds_have_no_diagnostics() {
    let mut checked = 0;
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name == "pass.xml" || name.ends_with(".pass.xml") {
            let out = render(&name);
            assert!(out.is_empty(), "{name}:\n{}", out.join("\n"));
            checked += 1;
        }
    }
    assert!(checked > 10);
}

#[test]
fn every_rule_has_a_broken_fixture_that_is_caught() {
    let bless = std::env::var_os("ONAIR_BLESS").is_some();
    let mut failures = Vec::new();
    for rule in RULES {
        if NOT_FEED_FIXTURES.contains(&rule.id) {
            continue;
        }
        let name = format!("{}.xml", rule.id);
        assert!(fixtures().join(&name).exists(), "no fixture {name}");
        let out = render(&name);
        let tag = format!("[{}]", rule.id);
        if !out.iter().any(|line| line.contains(&tag)) {
            failures.push(format!(
                "{name} is not caught as {}:\n{}",
                rule.id,
                out.join("\n")
            ));
        }
        let expected_path = fixtures().join(format!("{}.expected", rule.id));
        let actual = out.join("\n") + "\n";
        if bless {
            std::fs::write(&expected_path, &actual).unwrap();
        } else {
            let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
            if expected != actual {
                failures.push(format!(
                    "{name}: output differs from {}.expected\n--- expected\n{expected}--- actual\n{actual}",
                    rule.id
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_feed_over_3_mb_gets_a_size_warning() {
    let base = std::fs::read_to_string(fixtures().join("pass.xml")).unwrap();
    let item_start = base.find("    <item>").unwrap();
    let item_end = base.find("    </item>").unwrap() + "    </item>\n".len();
    let item = &base[item_start..item_end];
    let mut items = String::new();
    for i in 0..3000 {
        items.push_str(
            &item
                .replace(
                    "0b7e2c1a-6a49-4a4e-8d1e-3f7e0c5b9a01",
                    &format!("guid-{i:05}-long-enough"),
                )
                .replace("bakery.mp3", &format!("bakery-{i}.mp3")),
        );
    }
    let big = format!("{}{}{}", &base[..item_start], items, &base[item_end..]);
    assert!(big.len() > 3_000_000);
    let out = check_feed(&big, Path::new("feed.xml"), &options());
    let rules: Vec<_> = out.iter().filter_map(|d| d.rule.as_deref()).collect();
    assert_eq!(rules, ["feed-size"], "{out:?}");
    assert_eq!(
        out[0].to_string(),
        format!(
            "feed.xml: warning[feed-size]: the feed is {:.1} MB; apps start refusing feeds over 3 MB: list fewer episodes in it (in site.yaml, `feed_limit: N` keeps the newest N in the feed; the website keeps them all)",
            big.len() as f64 / 1e6
        )
    );
    // Just under the threshold passes.
    let under_items = items.len() - (big.len() - 3_000_000) - 1;
    let cut = items[..under_items].rfind("    <item>").unwrap();
    let under = format!(
        "{}{}{}",
        &base[..item_start],
        &items[..cut],
        &base[item_end..]
    );
    assert!(
        under.len() <= 3_000_000 && under.len() > 2_990_000,
        "{}",
        under.len()
    );
    assert!(check_feed(&under, Path::new("feed.xml"), &options()).is_empty());
}

#[test]
fn json_shape_of_a_diagnostic() {
    let xml = std::fs::read_to_string(fixtures().join("enclosure-length.xml")).unwrap();
    let out = check_feed(&xml, Path::new("feed.xml"), &options());
    let json = serde_json::to_value(&out[0]).unwrap();
    assert_eq!(json["rule"], "enclosure-length");
    assert_eq!(json["severity"], "error");
    assert_eq!(json["path"], "feed.xml");
    assert_eq!(json["line"], 41);
}

/// docs/feed-checks.md's rule table is generated from what `onair check --rules --json`
/// prints, so the page and the command cannot drift.
#[test]
fn feed_checks_page_documents_every_rule() {
    // Markdown renders <tag> as HTML: escape it so the table shows the text.
    let md = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('|', "\\|")
    };
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_onair"))
        .args(["check", "--rules", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "onair check --rules --json failed");
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = listed["rules"].as_array().unwrap();
    assert_eq!(rules.len(), RULES.len(), "--rules lists every rule");
    let text = |v: &serde_json::Value, key: &str| v[key].as_str().unwrap().to_string();
    let mut table = String::from("| rule | level | requires | source |\n|---|---|---|---|\n");
    for r in rules {
        table.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            text(r, "id"),
            text(r, "severity"),
            md(&text(r, "summary")),
            md(&text(r, "source"))
        ));
    }
    table.push_str("\nNot checked (they need the live server or are judgment calls):\n\n");
    for n in listed["not_checked"].as_array().unwrap() {
        table.push_str(&format!(
            "- {}: {}\n",
            text(n, "section"),
            md(&text(n, "what"))
        ));
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/feed-checks.md");
    let page = std::fs::read_to_string(&path).unwrap();
    let start = page
        .find("<!-- rules:start")
        .expect("docs/feed-checks.md has a rules:start marker");
    let start = start + page[start..].find("-->\n").unwrap() + 4;
    let end = page
        .find("<!-- rules:end -->")
        .expect("docs/feed-checks.md has a rules:end marker");
    if std::env::var_os("ONAIR_BLESS").is_some() {
        let updated = format!("{}{}{}", &page[..start], table, &page[end..]);
        std::fs::write(&path, updated).unwrap();
    } else {
        assert_eq!(
            &page[start..end],
            table,
            "docs/feed-checks.md's rule table is stale: ONAIR_BLESS=1 cargo test --test check_rules"
        );
    }
}
