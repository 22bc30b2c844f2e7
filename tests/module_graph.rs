//! The crate's top-level modules import each other without circles: data flows one way
//! (config -> content model -> render -> output -> build/check -> commands). This reads every
//! `crate::<module>` path in src/ (test modules left out) and fails on the first circle, naming
//! the file that closes it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module -> (module it names -> first file that names it).
type Graph = BTreeMap<String, BTreeMap<String, PathBuf>>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Names after `crate::`, including each name of a `crate::{a, b::c}` group.
fn named_modules(code: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // The first name of each top-level item: `{a::{X, y}, b}` names a and b.
            let mut depth = 0;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && !c.is_whitespace() => {
                        item_start = false;
                        let name = ident(&group[i..]);
                        if !name.is_empty() {
                            names.insert(name);
                        }
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                names.insert(name);
            }
        }
    }
    names
}

fn graph(src: &Path) -> Graph {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut graph = Graph::new();
    for file in files {
        let rel = file.strip_prefix(src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "lib" || module == "main" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        // Unit tests may reach anywhere; only the shipped code must keep the order.
        let code = text.split("#[cfg(test)]").next().unwrap();
        let edges = graph.entry(module.clone()).or_default();
        for name in named_modules(code) {
            if name != module && name != "self" && name != "super" {
                edges.entry(name).or_insert_with(|| rel.to_path_buf());
            }
        }
    }
    graph
}

/// A circle as `a -> b -> ... -> a`, each step with the file that makes it.
fn find_circle(graph: &Graph) -> Option<Vec<(String, PathBuf)>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        graph: &Graph,
        node: &str,
        marks: &mut BTreeMap<String, Mark>,
        path: &mut Vec<(String, PathBuf)>,
    ) -> Option<Vec<(String, PathBuf)>> {
        marks.insert(node.to_string(), Mark::Open);
        for (next, file) in graph.get(node).into_iter().flatten() {
            path.push((next.clone(), file.clone()));
            match marks.get(next.as_str()) {
                Some(Mark::Open) => {
                    let start = path.iter().position(|(n, _)| n == next).unwrap_or(0);
                    return Some(path[start..].to_vec());
                }
                Some(Mark::Done) => {}
                None => {
                    if let Some(c) = visit(graph, next, marks, path) {
                        return Some(c);
                    }
                }
            }
            path.pop();
        }
        marks.insert(node.to_string(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for node in graph.keys() {
        if !marks.contains_key(node) {
            let mut path = vec![(node.clone(), PathBuf::new())];
            if let Some(c) = visit(graph, node, &mut marks, &mut path) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn top_level_modules_have_no_circles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = graph(&src);
    assert!(graph.contains_key("render") && graph.contains_key("content"));
    if let Some(circle) = find_circle(&graph) {
        let steps: Vec<String> = circle
            .iter()
            .map(|(m, file)| match file.as_os_str().is_empty() {
                true => m.clone(),
                false => format!("{m} (named in src/{})", file.display()),
            })
            .collect();
        panic!("module circle: {}", steps.join(" -> "));
    }
}

#[test]
fn a_circle_is_found_and_named() {
    let mut g = Graph::new();
    let edge = |g: &mut Graph, a: &str, b: &str| {
        g.entry(a.into())
            .or_default()
            .insert(b.into(), PathBuf::from(format!("{a}.rs")));
    };
    edge(&mut g, "config", "diag");
    edge(&mut g, "content", "config");
    edge(&mut g, "render", "content");
    assert_eq!(find_circle(&g), None);
    edge(&mut g, "content", "render");
    let circle = find_circle(&g).unwrap();
    let names: Vec<&str> = circle.iter().map(|(m, _)| m.as_str()).collect();
    assert_eq!(names, ["content", "render", "content"]);
}

#[test]
fn grouped_and_nested_paths_are_read() {
    let names = named_modules(
        "use crate::{audio::{A, B}, diag};\nlet x = crate::slug::slugify(s);\n// crate::",
    );
    assert_eq!(
        names.into_iter().collect::<Vec<_>>(),
        ["audio", "diag", "slug"]
    );
}
