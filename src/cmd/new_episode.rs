//! `onair new episode`: from an audio file to an episode file with its front matter filled in.

/// `text` as a double-quoted YAML scalar that reads back exactly: quotes, backslashes, `#`,
/// `: `, leading `-`/`*`/`&`, and control or line-separator characters are all safe in it.
pub fn yaml_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            // YAML folds or rejects these in a plain file; escapes keep them.
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_quote_reads_back_exactly() {
        for text in [
            "Plain title",
            "It's \"quoted\": a # comment? - no",
            "- starts like a list",
            "back\\slash and $HOME and `tick`",
            "Ünïcödé 東京 🎙",
            "line\nbreak\ttab\u{7}bell\u{2028}sep",
            "",
            "yes",
            "123",
            "null",
        ] {
            let yaml = format!("title: {}\n", yaml_quote(text));
            let back: std::collections::BTreeMap<String, String> =
                serde_yaml::from_str(&yaml).unwrap();
            assert_eq!(back["title"], text, "{yaml}");
        }
        assert_eq!(yaml_quote("a \"b\""), r#""a \"b\"""#);
    }
}
