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

/// Parses YAML that starts at `first_line` of `path` into `T`, locating errors in the file.
pub fn parse<T: DeserializeOwned>(
    yaml: &str,
    path: &Path,
    first_line: usize,
) -> Result<T, Diagnostic> {
    let yaml = if yaml.trim().is_empty() { "{}" } else { yaml };
    serde_yaml::from_str::<T>(yaml).map_err(|e| yaml_error(&e, path, first_line))
}

fn yaml_error(e: &serde_yaml::Error, path: &Path, first_line: usize) -> Diagnostic {
    let raw = e.to_string();
    // serde_yaml appends " at line N column M" (we print the place ourselves) and may add
    // ", while parsing X at line N column M": shift that one into file lines.
    let message = relocate(&raw, first_line);
    let message = with_suggestion(&message);
    let d = Diagnostic::error(message).at(path);
    match e.location() {
        Some(loc) => d.line_col(loc.line() + first_line - 1, loc.column()),
        None => d.line(first_line),
    }
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
    let best = expected
        .iter()
        .map(|k| (edit_distance(unknown, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min();
    let mut out = format!("{prefix}unknown key `{unknown}`");
    if let Some((_, k)) = best {
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
            e.to_string(),
            "episodes/a.md:3:1: error: unknown key `tittle` (did you mean `title`?); known keys: title, episode"
        );
        let e = parse::<Fm>("title: x\nepisode: abc\n", Path::new("a.md"), 2).unwrap_err();
        assert_eq!(
            e.to_string(),
            "a.md:3:10: error: episode: invalid type: string \"abc\", expected u32"
        );
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
