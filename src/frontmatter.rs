//! Front matter and YAML: the only module that knows serde_yaml (deprecated upstream), so it
//! can be swapped without touching the rest. Errors come back located in the *file* (not in the
//! front matter block) with a "did you mean" for misspelled keys.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diag::Diagnostic;

/// A Markdown file split at its `---` fences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the fences ("" when the file has no front matter).
    pub yaml: &'a str,
    /// 1-based line of the file where `yaml` starts.
    pub yaml_line: usize,
    /// The Markdown after the closing fence.
    pub body: &'a str,
    /// 1-based line of the file where `body` starts.
    pub body_line: usize,
}

/// Splits `---\nyaml\n---\nbody`. Accepts a BOM, CRLF line endings and leading blank lines.
/// A file that opens a fence but never closes it is an error naming the opening line.
pub fn split(text: &str) -> Result<Split<'_>, (usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut offset = 0;
    let mut line_no = 1;
    // Skip blank lines before the opening fence.
    let mut lines = text.split_inclusive('\n');
    let mut opening: Option<usize> = None;
    for line in lines.by_ref() {
        let trimmed = line.trim_end_matches(['\n', '\r']);
        offset += line.len();
        if trimmed.trim().is_empty() {
            line_no += 1;
            continue;
        }
        if trimmed.trim_end() == "---" {
            opening = Some(line_no);
        }
        break;
    }
    let Some(open_line) = opening else {
        return Ok(Split {
            yaml: "",
            yaml_line: 1,
            body: text,
            body_line: 1,
        });
    };
    let yaml_start = offset;
    for (cur_line, line) in (open_line + 1..).zip(lines) {
        let trimmed = line.trim_end_matches(['\n', '\r']).trim_end();
        if trimmed == "---" || trimmed == "..." {
            let yaml = &text[yaml_start..offset];
            let body_start = offset + line.len();
            return Ok(Split {
                yaml,
                yaml_line: open_line + 1,
                body: &text[body_start..],
                body_line: cur_line + 1,
            });
        }
        offset += line.len();
    }
    Err((
        open_line,
        "front matter opened with `---` is never closed: add a line `---` after the last key"
            .to_string(),
    ))
}

/// The text of a top-level scalar key of YAML that may hold mistakes elsewhere (None when the
/// YAML does not parse as a mapping at all or the key is missing or not a scalar).
pub fn top_level_scalar(yaml: &str, key: &str) -> Option<String> {
    let value: serde_yaml::Value = serde_yaml::from_str(yaml).ok()?;
    match value.get(key)? {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        serde_yaml::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// At most this many problems of one YAML file are reported (each needs one more parse).
const MAX_PROBLEMS: usize = 50;

/// Parses YAML that starts at `first_line` of `path` into `T`, locating errors in the file.
/// Every problem is reported, not only the first: after each one the key it is about is taken
/// out (its lines blanked, so lines stay where they are) and the rest is parsed again.
pub fn parse<T: DeserializeOwned>(
    yaml: &str,
    path: &Path,
    first_line: usize,
) -> Result<T, Vec<Diagnostic>> {
    match parse_lenient(yaml, path, first_line) {
        (Some(v), problems) if problems.is_empty() => Ok(v),
        (_, problems) => Err(problems),
    }
}

/// Drops "`key` is required" from `problems` for each key an unknown key was taken for
/// (`titel` -> "did you mean `title`?"): the misspelling is the one problem to fix.
pub fn drop_implied_missing(problems: &mut Vec<Diagnostic>) {
    let meant: Vec<String> = problems
        .iter()
        .filter_map(|d| d.message.split_once("(did you mean `"))
        .filter_map(|(_, k)| k.split_once('`'))
        .map(|(k, _)| format!("`{k}` is required"))
        .collect();
    problems.retain(|d| !meant.iter().any(|m| d.message.starts_with(m.as_str())));
}

/// `parse`, and when every problem is an unknown key, also the value the other keys make:
/// the caller can check those too and report everything at once. (A key with a wrong value
/// gives no value: checks of the rest would call it missing.)
pub fn parse_lenient<T: DeserializeOwned>(
    yaml: &str,
    path: &Path,
    first_line: usize,
) -> (Option<T>, Vec<Diagnostic>) {
    let original = if yaml.trim().is_empty() { "{}" } else { yaml };
    let mut text = original.to_string();
    let mut problems: Vec<Diagnostic> = Vec::new();
    let mut removed: Vec<String> = Vec::new();
    while problems.len() < MAX_PROBLEMS {
        let e = match serde_yaml::from_str::<T>(&text) {
            Ok(v) => {
                let unknown_only = problems.iter().all(|d| d.message.contains("unknown key `"));
                return (unknown_only.then_some(v), problems);
            }
            Err(e) => e,
        };
        let raw = e.to_string();
        // A key we took out is not missing: the problem with it is already reported (as is
        // the key a misspelling was taken for).
        if removed
            .iter()
            .any(|k| raw.contains(&format!("missing field `{k}`")))
        {
            break;
        }
        let d = yaml_error(&e, original, path, first_line);
        let suggested = d
            .message
            .split_once("(did you mean `")
            .and_then(|(_, k)| k.split_once('`'))
            .map(|(k, _)| k.to_string());
        if problems.last().is_some_and(|p| p.message == d.message) {
            break;
        }
        let Some(line) = d.line.filter(|_| e.location().is_some()) else {
            problems.push(d);
            break;
        };
        problems.push(d);
        removed.extend(suggested);
        match blank_entry(&text, line + 1 - first_line) {
            Some((next, key)) => {
                text = next;
                removed.push(key);
            }
            None => break,
        }
    }
    (None, problems)
}

/// `text` with the mapping entry that holds line `line` (1-based) blanked, and its key: the
/// nearest key line at or above it that is not a list item's, and the lines indented deeper
/// after it. Lines stay where they are, so later errors keep their places.
fn blank_entry(text: &str, line: usize) -> Option<(String, String)> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let indent_of = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let key_of = |l: &str| -> Option<String> {
        let rest = l.trim_start_matches(' ');
        let (key, after) = rest.split_once(':')?;
        let key = key.trim().trim_matches(['"', '\'']);
        let plain = !key.is_empty() && !key.starts_with(['-', '[', '{', '#']);
        (plain && (after.is_empty() || after.starts_with([' ', '\t', '\r', '\n'])))
            .then(|| key.to_string())
    };
    let mut i = line.checked_sub(1).filter(|&i| i < lines.len())?;
    let mut limit = usize::MAX;
    let (start, key) = loop {
        let l = lines[i];
        if !l.trim().is_empty() && indent_of(l) < limit {
            if let Some(key) = key_of(l) {
                break (i, key);
            }
            limit = indent_of(l);
        }
        i = i.checked_sub(1)?;
    };
    let indent = indent_of(lines[start]);
    let mut end = start + 1;
    while end < lines.len() && (lines[end].trim().is_empty() || indent_of(lines[end]) > indent) {
        end += 1;
    }
    let mut out = String::with_capacity(text.len());
    for (i, l) in lines.iter().enumerate() {
        if (start..end).contains(&i) {
            out.push_str(if l.ends_with('\n') { "\n" } else { "" });
        } else {
            out.push_str(l);
        }
    }
    Some((out, key))
}

fn yaml_error(e: &serde_yaml::Error, text: &str, path: &Path, first_line: usize) -> Diagnostic {
    let raw = e.to_string();
    let place = better_place(&raw, text).or(e.location().map(|l| (l.line(), l.column())));
    let hint = place.and_then(|(line, col)| syntax_hint(&raw, text, (line, col), first_line));
    let message = match hint {
        Some(hint) => hint,
        None => {
            // serde_yaml appends " at line N column M" (we print the place ourselves) and may
            // add ", while parsing X at line N column M": shift that one into file lines.
            let message = relocate(&raw, first_line);
            plain_types(
                &with_suggestion(&message),
                place.map(|(l, _)| line_of(text, l)),
            )
        }
    };
    let d = Diagnostic::error(message).at(path);
    match place {
        Some((line, col)) => d.line_col(line + first_line - 1, col),
        None => d.line(first_line),
    }
}

/// Where the mistake is when serde_yaml finds it later: the opening of a quote never closed,
/// the key line missing its `:`, the second of two equal keys.
fn better_place(raw: &str, text: &str) -> Option<(usize, usize)> {
    let inner = |what: &str| {
        raw.split_once(what)
            .map(|(_, at)| at)
            .and_then(|at| at.split_once(" column "))
            .and_then(|(l, c)| {
                let c: String = c.chars().take_while(char::is_ascii_digit).collect();
                Some((l.parse().ok()?, c.parse().ok()?))
            })
    };
    if raw.contains("end of stream")
        && let Some(at) = inner("while scanning a quoted scalar at line ")
    {
        return Some(at);
    }
    if raw.starts_with("could not find expected ':'") {
        return inner("while scanning a simple key at line ");
    }
    let key = raw.strip_prefix("duplicate field `")?.split('`').next()?;
    let (i, l) = text
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|r| r.starts_with(':'))
        })
        .nth(1)?;
    Some((i + 1, l.len() - l.trim_start().len() + 1))
}

fn line_of(text: &str, line: usize) -> &str {
    text.lines().nth(line.saturating_sub(1)).unwrap_or("")
}

fn relocate(raw: &str, first_line: usize) -> String {
    let mut out = String::new();
    let mut rest = raw;
    let mut first = true;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + " at line ".len()..];
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        let after_line = &after[digits.len()..];
        let col_digits: String = after_line
            .strip_prefix(" column ")
            .map(|c| c.chars().take_while(char::is_ascii_digit).collect())
            .unwrap_or_default();
        let consumed = digits.len()
            + if col_digits.is_empty() {
                0
            } else {
                " column ".len() + col_digits.len()
            };
        if !first && let Ok(n) = digits.parse::<usize>() {
            out.push_str(&format!(" at line {}", n + first_line - 1));
            if !col_digits.is_empty() {
                out.push_str(&format!(", column {col_digits}"));
            }
        }
        first = false;
        rest = &after[consumed..];
    }
    out.push_str(rest);
    out
}

/// The YAML syntax mistakes people make, said with their fix.
fn syntax_hint(
    raw: &str,
    text: &str,
    (line, col): (usize, usize),
    first_line: usize,
) -> Option<String> {
    let here = line_of(text, line);
    let tab_indented = |l: &str| {
        l.chars()
            .take_while(|c| c.is_whitespace())
            .any(|c| c == '\t')
    };
    if (raw.contains("tab character") || raw.contains("cannot start any token"))
        && (tab_indented(here) || here.chars().nth(col.saturating_sub(1)) == Some('\t'))
    {
        return Some(
            "a tab in the indentation: YAML does not allow tabs; indent with spaces".to_string(),
        );
    }
    if raw.starts_with("mapping values are not allowed") {
        let indent = here.len() - here.trim_start().len();
        let trimmed = here.trim_start().trim_start_matches("- ");
        let first_colon = indent + here.trim_start().find(':').unwrap_or(0) + 1;
        if first_colon == col && indent > 0 {
            let key = trimmed.split(':').next().unwrap_or("").trim();
            return Some(format!(
                "`{key}` is indented more than the key above it, so YAML reads it as part of that value: start it in the same column as the other keys"
            ));
        }
        if let Some((key, value)) = trimmed.split_once(": ") {
            let value = value.trim();
            let quoted = value.replace('\\', "\\\\").replace('"', "\\\"");
            return Some(format!(
                "the value of `{}` has `: ` in it, which YAML reads as another key: quote the value: `{}: \"{quoted}\"`",
                key.trim(),
                key.trim()
            ));
        }
    }
    if let Some(key) = raw.strip_prefix("duplicate field `") {
        let key = key.split('`').next().unwrap_or("");
        let first = text
            .lines()
            .position(|l| {
                l.trim_start()
                    .strip_prefix(key)
                    .is_some_and(|r| r.starts_with(':'))
            })
            .map_or(0, |i| i + first_line);
        return Some(format!(
            "`{key}` is written twice (first at line {first}): keep one"
        ));
    }
    if raw.starts_with("could not find expected ':'") {
        return Some(format!(
            "`{}` is not `key: value`: add the `:` after the key (and a space after it)",
            here.trim()
        ));
    }
    if raw.contains("cannot start any token") {
        let c = here.chars().nth(col.saturating_sub(1)).unwrap_or(' ');
        if let Some((key, value)) = here.trim_start().split_once(": ") {
            return Some(format!(
                "a value cannot start with `{c}`: quote it: `{}: \"{}\"`",
                key.trim(),
                value.trim().replace('"', "\\\"")
            ));
        }
    }
    if raw.starts_with("did not find expected key") && here.contains('\'') {
        return Some(
            "a `'` inside a value quoted with `'`: write it twice (`'it''s'`) or quote the value with `\"`".to_string(),
        );
    }
    if raw.contains("while scanning a quoted scalar") && raw.contains("end of stream") {
        return Some(
            "a quoted value is never closed: end it with the same quote it starts with".to_string(),
        );
    }
    None
}

/// serde's words for the expected type, in the terms of someone writing YAML.
fn plain_types(message: &str, line: Option<&str>) -> String {
    let key = message
        .split_once(": ")
        .map(|(k, _)| k)
        .filter(|k| !k.contains(' '))
        .unwrap_or("");
    let base = key.split('[').next().unwrap_or(key);
    if message.contains("expected a boolean") {
        let shown = line
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim())
            .unwrap_or("");
        return format!(
            "`{base}: {shown}` must be true or false: write `{base}: true` or `{base}: false`"
        );
    }
    let mut out = message.to_string();
    for (rust, plain) in [
        ("expected u32", "expected a whole number"),
        ("expected u64", "expected a whole number"),
        ("expected usize", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected i64", "expected a whole number"),
    ] {
        out = out.replace(rust, plain);
    }
    if let Some(i) = out.find("expected struct ") {
        out.truncate(i);
        out.push_str("expected `key: value` lines (a mapping)");
    }
    if out.contains("data did not match any variant of untagged enum") {
        let what = match base {
            "chapters" => "a list of `{ start: 0:00, title: … }` or the path of a chapters file",
            "transcript" | "transcripts" => {
                "the path or URL of a transcript, or a list of them, each optionally `{ file: …, language: en }`"
            }
            "duration" => "a duration such as `58:45`, `1:02:03` or seconds",
            "tags" => "a list of tags (`[one, two]`) or words separated by spaces",
            _ => "a value of another kind",
        };
        let shown = if key.is_empty() { base } else { key };
        return format!("`{shown}` must be {what}");
    }
    out
}

/// Keys of other tools (or other files of onair) and the key onair has for them.
const SYNONYMS: &[(&str, &str)] = &[
    ("description", "summary"),
    ("subtitle", "summary"),
    ("excerpt", "summary"),
    ("number", "episode"),
    ("episode_type", "type"),
    ("enclosure", "audio"),
    ("file", "audio"),
    ("mp3", "audio"),
    ("cover", "image"),
    ("artwork", "image"),
    ("category", "categories"),
    ("tag", "tags"),
    ("keywords", "tags"),
    ("published", "date"),
    ("pubdate", "date"),
    ("guests", "people"),
    ("host", "hosts"),
    ("mail", "email"),
];

/// Turns serde's "unknown field `tittle`, expected one of `title`, ..." into
/// "unknown key `tittle` (did you mean `title`?); known keys: ...".
fn with_suggestion(message: &str) -> String {
    let Some(rest) = message
        .find("unknown field `")
        .map(|i| (&message[..i], &message[i + "unknown field `".len()..]))
    else {
        return message.to_string();
    };
    let (prefix, rest) = rest;
    let Some(end) = rest.find('`') else {
        return message.to_string();
    };
    let unknown = &rest[..end];
    let expected: Vec<&str> = rest[end..]
        .split('`')
        .enumerate()
        .filter(|(i, s)| i % 2 == 0 && *i > 0 && !s.is_empty())
        .map(|(_, s)| s)
        .collect();
    let synonym = SYNONYMS
        .iter()
        .find(|(other, ours)| unknown.eq_ignore_ascii_case(other) && expected.contains(ours))
        .map(|(_, ours)| *ours);
    let best = synonym.or_else(|| {
        expected
            .iter()
            .map(|k| (edit_distance(unknown, k), *k))
            .filter(|(d, k)| *d <= 2.max(k.len() / 3))
            .min()
            .map(|(_, k)| k)
    });
    let mut out = format!("{prefix}unknown key `{unknown}`");
    if let Some(k) = best {
        out.push_str(&format!(" (did you mean `{k}`?)"));
    }
    if !expected.is_empty() {
        out.push_str("; known keys: ");
        out.push_str(&expected.join(", "));
    }
    out
}

/// Levenshtein distance, for "did you mean" suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Fm {
        title: String,
        episode: Option<u32>,
    }

    #[test]
    fn splits_front_matter_and_body() {
        let s = split("---\ntitle: x\n---\nHello\n").unwrap();
        assert_eq!(s.yaml, "title: x\n");
        assert_eq!(s.yaml_line, 2);
        assert_eq!(s.body, "Hello\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn accepts_bom_crlf_and_leading_blank_lines() {
        let s = split("\u{feff}\r\n---\r\ntitle: x\r\n---\r\nHi\r\n").unwrap();
        assert_eq!(s.yaml, "title: x\r\n");
        assert_eq!(s.yaml_line, 3);
        assert_eq!(s.body, "Hi\r\n");
    }

    #[test]
    fn no_front_matter_is_all_body() {
        let s = split("# Just notes\n").unwrap();
        assert_eq!(s.yaml, "");
        assert_eq!(s.body, "# Just notes\n");
    }

    #[test]
    fn unclosed_front_matter_names_the_opening_line() {
        let e = split("\n---\ntitle: x\nbody\n").unwrap_err();
        assert_eq!(e.0, 2);
        assert!(e.1.contains("never closed"));
    }

    #[test]
    fn errors_are_located_in_the_file_with_suggestions() {
        let e = parse::<Fm>("title: x\ntittle: y\n", Path::new("episodes/a.md"), 2).unwrap_err();
        assert_eq!(
            e[0].to_string(),
            "episodes/a.md:3:1: error: unknown key `tittle` (did you mean `title`?); known keys: title, episode"
        );
        let e = parse::<Fm>("title: x\nepisode: abc\n", Path::new("a.md"), 2).unwrap_err();
        assert_eq!(
            e[0].to_string(),
            "a.md:3:10: error: episode: invalid type: string \"abc\", expected a whole number"
        );
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Episode {
        title: Option<String>,
        summary: Option<String>,
        draft: Option<bool>,
        people: Option<Vec<crate::people::PersonEntry>>,
        owner: Option<Owner>,
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Owner {
        name: String,
        email: String,
    }

    fn messages(yaml: &str) -> Vec<String> {
        parse::<Episode>(yaml, Path::new("e.md"), 2)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn every_problem_of_a_file_is_reported() {
        assert_eq!(
            messages("titel: x\ndraft: yes\nsumary: s\nowner:\n  name: n\n  mail: m\n"),
            [
                "e.md:2:1: error: unknown key `titel` (did you mean `title`?); known keys: title, summary, draft, people, owner",
                "e.md:3:8: error: `draft: yes` must be true or false: write `draft: true` or `draft: false`",
                "e.md:4:1: error: unknown key `sumary` (did you mean `summary`?); known keys: title, summary, draft, people, owner",
                "e.md:7:3: error: owner: unknown key `mail` (did you mean `email`?); known keys: name, email",
            ]
        );
    }

    #[test]
    fn yaml_mistakes_come_with_their_fix() {
        assert_eq!(
            messages("title: Ep 1: Start\n"),
            [
                "e.md:2:12: error: the value of `title` has `: ` in it, which YAML reads as another key: quote the value: `title: \"Ep 1: Start\"`"
            ]
        );
        assert_eq!(
            messages("title: x\nowner:\n\tname: n\n"),
            [
                "e.md:4:1: error: a tab in the indentation: YAML does not allow tabs; indent with spaces"
            ]
        );
        assert_eq!(
            messages("description: d\n"),
            [
                "e.md:2:1: error: unknown key `description` (did you mean `summary`?); known keys: title, summary, draft, people, owner"
            ]
        );
        assert_eq!(
            messages("people:\n  - 7\n"),
            [
                "e.md:3:5: error: people[0]: invalid type: integer `7`, expected a name or `{ name: …, role: guest }`"
            ]
        );
    }

    #[test]
    fn more_yaml_mistakes_come_with_their_fix() {
        assert_eq!(
            messages("title: a\n  summary: b\n"),
            [
                "e.md:3:10: error: `summary` is indented more than the key above it, so YAML reads it as part of that value: start it in the same column as the other keys"
            ]
        );
        assert_eq!(
            messages("title: a\nsummary b\ndraft: true\n"),
            [
                "e.md:3:1: error: `summary b` is not `key: value`: add the `:` after the key (and a space after it)"
            ]
        );
        assert_eq!(
            messages("title: a\nsummary: s\ntitle: b\n"),
            ["e.md:4:1: error: `title` is written twice (first at line 2): keep one"]
        );
        assert_eq!(
            messages("title: @home\n"),
            ["e.md:2:8: error: a value cannot start with `@`: quote it: `title: \"@home\"`"]
        );
        assert_eq!(
            messages("title: 'it's'\n"),
            [
                "e.md:2:12: error: a `'` inside a value quoted with `'`: write it twice (`'it''s'`) or quote the value with `\"`"
            ]
        );
    }

    #[test]
    fn a_person_is_a_name_or_a_mapping() {
        let e: Episode = parse(
            "people: [\"Jon Park\", { name: Ann, role: guest }]\n",
            Path::new("e.md"),
            1,
        )
        .unwrap();
        let people = e.people.unwrap();
        assert_eq!(people[0].name, "Jon Park");
        assert_eq!(people[0].role, None);
        assert_eq!(people[1].role.as_deref(), Some("guest"));
    }

    #[test]
    fn distance() {
        assert_eq!(edit_distance("tittle", "title"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn nested_locations_move_to_file_lines() {
        assert_eq!(
            relocate(
                "found unexpected end of stream at line 4 column 1, while scanning a quoted scalar at line 2 column 10",
                2
            ),
            "found unexpected end of stream, while scanning a quoted scalar at line 3, column 10"
        );
    }
}
