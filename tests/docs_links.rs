//! The user documentation holds together: every relative link of README.md, CONTRIBUTING.md
//! and docs/*.md names a file of the repository (and, with `#anchor`, a heading of it, as
//! GitHub names headings), no page points outside the repository, and the README stays a
//! short guide.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The README is a guide: what onair is, install, quick start, links. The rest is in docs/.
const README_MAX_LINES: usize = 260;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The pages checked: README.md, CONTRIBUTING.md and every docs/*.md.
fn pages() -> Vec<PathBuf> {
    let mut pages = vec![repo().join("README.md"), repo().join("CONTRIBUTING.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(repo().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    pages.extend(docs);
    pages
}

/// The text outside fenced code blocks and inline code, line by line (1-based line numbers):
/// links are only links there.
fn prose(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut fenced = false;
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced || line.starts_with("    ") && !line.trim_start().starts_with('-') {
            continue;
        }
        let mut kept = String::new();
        let mut in_code = false;
        for c in line.chars() {
            if c == '`' {
                in_code = !in_code;
            } else if !in_code {
                kept.push(c);
            }
        }
        out.push((i + 1, kept));
    }
    out
}

/// Every `](target)` of the page's prose, with its line.
fn links(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (line, s) in prose(text) {
        let mut rest = s.as_str();
        while let Some(i) = rest.find("](") {
            let after = &rest[i + 2..];
            let Some(end) = after.find(')') else { break };
            out.push((line, after[..end].trim().to_string()));
            rest = &after[end..];
        }
    }
    out
}

/// GitHub's anchor of a heading: lower case, punctuation dropped (but `-` and `_`), spaces as
/// `-`; a repeated heading gets `-1`, `-2`, ...
fn anchors(text: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        let Some(heading) = line.strip_prefix('#').filter(|_| !fenced) else {
            continue;
        };
        let heading = heading.trim_start_matches('#').trim();
        let slug: String = heading
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        let mut unique = slug.clone();
        let mut n = 0;
        while seen.contains(&unique) {
            n += 1;
            unique = format!("{slug}-{n}");
        }
        seen.insert(unique);
    }
    seen
}

/// Problems with one link of `page`, if any.
fn check_link(page: &Path, target: &str) -> Option<String> {
    if target.starts_with("https://") || target.starts_with("http://") {
        return None;
    }
    if target.contains("://") || target.starts_with("mailto:") {
        return Some(format!(
            "`{target}`: only http(s) links may leave the repository"
        ));
    }
    let (file, anchor) = match target.split_once('#') {
        Some((f, a)) => (f, Some(a)),
        None => (target, None),
    };
    let dir = page.parent().unwrap();
    let resolved = if file.is_empty() {
        page.to_path_buf()
    } else {
        dir.join(file)
    };
    let Ok(resolved) = resolved.canonicalize() else {
        return Some(format!("`{target}`: no such file"));
    };
    if !resolved.starts_with(repo().canonicalize().unwrap()) {
        return Some(format!("`{target}` is outside the repository"));
    }
    let anchor = anchor?;
    if resolved.extension().is_none_or(|e| e != "md") || resolved.is_dir() {
        return None;
    }
    let text = std::fs::read_to_string(&resolved).unwrap();
    (!anchors(&text).contains(anchor)).then(|| format!("`{target}`: no heading `#{anchor}`"))
}

#[test]
fn every_relative_link_of_the_docs_resolves() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        let shown = page.strip_prefix(repo()).unwrap().display().to_string();
        for (line, target) in links(&text) {
            checked += 1;
            if let Some(p) = check_link(&page, &target) {
                problems.push(format!("{shown}:{line}: {p}"));
            }
        }
    }
    assert!(
        checked > 50,
        "only {checked} links found: is the link finder broken?"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_page_names_a_path_outside_the_repository() {
    let mut problems = Vec::new();
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        let shown = page.strip_prefix(repo()).unwrap().display().to_string();
        for (i, line) in text.lines().enumerate() {
            for outside in ["../shared", "/work/"] {
                if line.contains(outside) {
                    problems.push(format!("{shown}:{}: names `{outside}`", i + 1));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_readme_is_a_short_guide() {
    let text = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let lines = text.lines().count();
    assert!(
        lines <= README_MAX_LINES,
        "README.md has {lines} lines (at most {README_MAX_LINES}): move the details into docs/"
    );
    for needed in [
        "cargo install --locked --path .",
        "cargo run --release -- build example-site",
        "scripts/test",
        "/_onair/",
    ] {
        assert!(text.contains(needed), "README.md should say `{needed}`");
    }
    // The README's links reach every page of docs/.
    for page in pages()
        .iter()
        .filter(|p| p.parent() == Some(&repo().join("docs")))
    {
        let name = format!("docs/{}", page.file_name().unwrap().to_string_lossy());
        assert!(text.contains(&name), "README.md does not link {name}");
    }
}

#[test]
fn the_link_finder_and_anchors_work_as_github_does() {
    let text = "# Publishing: `onair deploy`\n## CI without the audio: the lock-only workflow\n\
                ## Limits\n## Limits\nSee [a](x.md#y) and `[not](a link)`.\n```\n[no](z)\n```\n";
    let a = anchors(text);
    assert!(a.contains("publishing-onair-deploy"), "{a:?}");
    assert!(a.contains("ci-without-the-audio-the-lock-only-workflow"));
    assert!(a.contains("limits") && a.contains("limits-1"));
    assert_eq!(links(text), vec![(5, "x.md#y".to_string())]);
}
