//! The order pages go up in: a page only after every page it links that goes up in the same
//! deploy is on the target and read back. The links are the built HTML's `href` and `src`
//! attributes; pages that link each other in a circle (an episode's previous and next) go up
//! together, in one stage, after everything the circle links outside itself.

use std::collections::{BTreeMap, BTreeSet};

/// The keys a page links, as published keys: `href="..."` and `src="..."` attributes that
/// name a place on the site (root-relative, relative to the page, or absolute under
/// `base_url`), without `#fragment` and `?query`; a folder is its `index.html`. `exists`
/// says whether a key is published (a link to `/about` finds `about/index.html`).
pub fn links(
    page_key: &str,
    html: &str,
    base_url: &str,
    exists: &dyn Fn(&str) -> bool,
) -> BTreeSet<String> {
    let base_url = base_url.trim_end_matches('/');
    // The site's path below its host: "" or "/show".
    let base_path = base_url
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
        .unwrap_or("");
    let dir = page_key.rsplit_once('/').map_or("", |(d, _)| d);
    let mut out = BTreeSet::new();
    for value in attribute_values(html) {
        let value = value.split(['#', '?']).next().unwrap_or("");
        let path = if let Some(rest) = value.strip_prefix(base_url) {
            match rest.strip_prefix('/') {
                Some(r) => r.to_string(),
                None if rest.is_empty() => String::new(),
                None => continue,
            }
        } else if value.starts_with("//") || value.contains(':') {
            continue;
        } else if let Some(abs) = value.strip_prefix('/') {
            match ("/".to_string() + abs).strip_prefix(base_path) {
                Some(r) => r.trim_start_matches('/').to_string(),
                None => continue,
            }
        } else if value.is_empty() {
            continue;
        } else {
            match join(dir, value) {
                Some(p) => p,
                None => continue,
            }
        };
        let key = if path.is_empty() || path.ends_with('/') {
            format!("{path}index.html")
        } else {
            path
        };
        if exists(&key) {
            out.insert(key);
        } else if exists(&format!("{key}/index.html")) {
            out.insert(format!("{key}/index.html"));
        }
    }
    out.remove(page_key);
    out
}

/// `rel` resolved against the folder `dir` (`..` and `.` taken out); None above the root.
fn join(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for p in rel.split('/') {
        match p {
            "." | "" => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    let mut s = parts.join("/");
    if rel.ends_with('/') && !s.is_empty() {
        s.push('/');
    }
    Some(s)
}

/// The values of the `href` and `src` attributes (quoted with `"` or `'`), in the order
/// found. `data-src` and the like are not taken: the name must follow whitespace.
fn attribute_values(html: &str) -> Vec<&str> {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(at) = html[i..].find('=').map(|j| i + j) {
        i = at + 1;
        let name_start = html[..at]
            .rfind(|c: char| !c.is_ascii_alphanumeric() && c != '-')
            .map_or(0, |j| j + 1);
        let name = &html[name_start..at];
        let after_space = name_start > 0 && bytes[name_start - 1].is_ascii_whitespace();
        if !after_space || !(name.eq_ignore_ascii_case("href") || name.eq_ignore_ascii_case("src"))
        {
            continue;
        }
        let Some(&quote) = bytes.get(i) else { break };
        if quote != b'"' && quote != b'\'' {
            continue;
        }
        if let Some(len) = html[i + 1..].find(quote as char) {
            out.push(html[i + 1..i + 1 + len].trim());
            i += len + 2;
        }
    }
    out
}

/// Each page's stage: 0 for a page that links no other page of `deps`' keys, else one more
/// than the highest stage of what it links. Pages in a circle of links share a stage.
/// `deps` maps each page to the pages (among `deps`' keys) it links.
pub fn stages(deps: &BTreeMap<String, BTreeSet<String>>) -> BTreeMap<String, usize> {
    let keys: Vec<&String> = deps.keys().collect();
    let index: BTreeMap<&str, usize> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    let edges: Vec<Vec<usize>> = keys
        .iter()
        .map(|k| {
            deps[*k]
                .iter()
                .filter_map(|d| index.get(d.as_str()).copied())
                .collect()
        })
        .collect();
    let comp = components(&edges);
    // Tarjan numbers components in reverse topological order: a component's dependencies
    // have lower numbers, so one pass in number order sees them first.
    let n_comp = comp.iter().copied().max().map_or(0, |m| m + 1);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); n_comp];
    for (v, &c) in comp.iter().enumerate() {
        members[c].push(v);
    }
    let mut stage_of = vec![0usize; n_comp];
    for c in 0..n_comp {
        let mut s = 0;
        for &v in &members[c] {
            for &w in &edges[v] {
                if comp[w] != c {
                    s = s.max(stage_of[comp[w]] + 1);
                }
            }
        }
        stage_of[c] = s;
    }
    keys.iter()
        .enumerate()
        .map(|(v, k)| ((*k).clone(), stage_of[comp[v]]))
        .collect()
}

/// Tarjan's strongly connected components, without recursion (a site may have thousands of
/// pages in one chain of links): each vertex's component number.
fn components(edges: &[Vec<usize>]) -> Vec<usize> {
    const NONE: usize = usize::MAX;
    let n = edges.len();
    let (mut index, mut low, mut comp) = (vec![NONE; n], vec![0; n], vec![NONE; n]);
    let (mut on_stack, mut stack) = (vec![false; n], Vec::new());
    let (mut next_index, mut next_comp) = (0, 0);
    for root in 0..n {
        if index[root] != NONE {
            continue;
        }
        // (vertex, next edge to look at)
        let mut call = vec![(root, 0usize)];
        while let Some(&mut (v, ref mut e)) = call.last_mut() {
            if *e == 0 && index[v] == NONE {
                index[v] = next_index;
                low[v] = next_index;
                next_index += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = edges[v].get(*e) {
                *e += 1;
                if index[w] == NONE {
                    call.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            call.pop();
            if let Some(&(parent, _)) = call.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp[w] = next_comp;
                    if w == v {
                        break;
                    }
                }
                next_comp += 1;
            }
        }
    }
    comp
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(keys: &[&str]) -> BTreeSet<String> {
        keys.iter().map(|k| k.to_string()).collect()
    }

    #[test]
    fn links_are_the_sites_own_pages_and_files_as_published_keys() {
        let site = set(&[
            "index.html",
            "about/index.html",
            "episodes/index.html",
            "episodes/one/index.html",
            "episodes/one/chapters.json",
            "assets/style.css",
            "audio/one.mp3",
        ]);
        let html = r##"<a href="/">host</a> <a href="/show/about">about</a>
            <link rel="stylesheet" href="/show/assets/style.css?v=2"><img data-src="/nope.png">
            <a href='https://x.example/show/episodes/#list'>all</a>
            <a href="one/chapters.json">c</a> <a href="../index.html">up</a>
            <audio src="https://x.example/show/audio/one.mp3"></audio>
            <a href="https://elsewhere.example/">out</a> <a href="mailto:a@b">m</a>
            <a href="/missing/">gone</a> <a href="#top">top</a> <a href="../../../x">above</a>"##;
        let got = links(
            "episodes/index.html",
            html,
            "https://x.example/show",
            &|k| site.contains(k),
        );
        // "/" is the host's, not the site's (which is under /show/).
        assert_eq!(
            got,
            set(&[
                "about/index.html",
                "assets/style.css",
                "audio/one.mp3",
                "episodes/one/chapters.json",
                "index.html"
            ])
        );
        // At the host's root, "/" is the home page.
        let got = links(
            "a.html",
            r#" href="/" src="/about/""#,
            "https://x.example",
            &|k| site.contains(k),
        );
        assert_eq!(got, set(&["about/index.html", "index.html"]));
    }

    fn deps(pairs: &[(&str, &[&str])]) -> BTreeMap<String, BTreeSet<String>> {
        pairs.iter().map(|(k, d)| (k.to_string(), set(d))).collect()
    }

    #[test]
    fn linked_pages_come_first_and_a_circle_shares_one_stage() {
        // Episodes link each other (previous / next), the lists link the episodes, the
        // home page links the list too.
        let d = deps(&[
            ("episodes/a/index.html", &["episodes/b/index.html"]),
            (
                "episodes/b/index.html",
                &["episodes/a/index.html", "episodes/c/index.html"],
            ),
            ("episodes/c/index.html", &["episodes/b/index.html"]),
            (
                "episodes/index.html",
                &["episodes/a/index.html", "episodes/c/index.html"],
            ),
            (
                "index.html",
                &["episodes/index.html", "episodes/a/index.html"],
            ),
            ("about/index.html", &[]),
        ]);
        let s = stages(&d);
        assert_eq!(s["about/index.html"], 0);
        assert_eq!(s["episodes/a/index.html"], 0);
        assert_eq!(s["episodes/b/index.html"], 0);
        assert_eq!(s["episodes/c/index.html"], 0);
        assert_eq!(s["episodes/index.html"], 1);
        assert_eq!(s["index.html"], 2);
    }

    #[test]
    fn a_long_chain_needs_no_deep_recursion() {
        let n = 20_000;
        let d: BTreeMap<String, BTreeSet<String>> = (0..n)
            .map(|i| {
                let deps = if i + 1 < n {
                    set(&[&format!("p{:05}", i + 1)])
                } else {
                    BTreeSet::new()
                };
                (format!("p{i:05}"), deps)
            })
            .collect();
        let s = stages(&d);
        assert_eq!(s["p00000"], n - 1);
        assert_eq!(s[&format!("p{:05}", n - 1)], 0);
    }
}
