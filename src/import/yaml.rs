//! Writing the YAML of site.yaml and front matter by hand, so the files read like ones a person
//! wrote: plain scalars where YAML reads them back as the same string, double-quoted (JSON
//! escapes, which YAML shares) everywhere else.

/// A string as a YAML scalar that reads back as exactly this string.
pub fn scalar(s: &str) -> String {
    if is_plain_safe(s) {
        s.to_string()
    } else {
        serde_json::to_string(s).expect("strings serialize")
    }
}

fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !(first.is_alphanumeric()) || s.ends_with([' ', ':']) || s.len() > 300 {
        return false;
    }
    const RESERVED: &[&str] = &[
        "true", "false", "yes", "no", "on", "off", "null", "y", "n", "~", ".nan", ".inf",
    ];
    if RESERVED.contains(&s.to_ascii_lowercase().as_str()) {
        return false;
    }
    // Anything YAML may read as a number (or a date/time, for other readers) is quoted.
    if s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_digit() || "._:-+eE".contains(c))
    {
        return false;
    }
    if s.contains(": ") || s.contains(" #") {
        return false;
    }
    s.chars().all(|c| {
        c.is_alphanumeric()
            || " .,-_/:?=&%+()'!@;*~$".contains(c)
            || (!c.is_ascii() && !c.is_control() && !c.is_whitespace())
    })
}

/// A one-line flow mapping: `{ name: Ann, role: guest }`.
pub fn flow_map(pairs: &[(&str, &str)]) -> String {
    let inner: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}: {}", flow_scalar(v)))
        .collect();
    format!("{{ {} }}", inner.join(", "))
}

/// A one-line flow sequence: `[a, "b, c"]`.
pub fn flow_list(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|v| flow_scalar(v)).collect();
    format!("[{}]", inner.join(", "))
}

/// Inside flow collections `,[]{}` are indicators too.
fn flow_scalar(s: &str) -> String {
    if s.contains([',', '[', ']', '{', '}']) {
        serde_json::to_string(s).expect("strings serialize")
    } else {
        scalar(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct One {
        v: String,
    }

    #[derive(serde::Deserialize)]
    struct Many {
        v: Vec<String>,
    }

    fn round_trip(s: &str) {
        let yaml = format!("v: {}\n", scalar(s));
        let back: One = crate::frontmatter::parse(&yaml, std::path::Path::new("t.yaml"), 1)
            .unwrap_or_else(|e| panic!("{yaml}: {e:?}"));
        assert_eq!(back.v, s, "{yaml}");
        let yaml = format!("v: {}\n", flow_list(&[s.to_string(), "x".into()]));
        let back: Many = crate::frontmatter::parse(&yaml, std::path::Path::new("t.yaml"), 1)
            .unwrap_or_else(|e| panic!("{yaml}: {e:?}"));
        assert_eq!(back.v, vec![s.to_string(), "x".to_string()], "{yaml}");
    }

    #[test]
    fn scalars_read_back_unchanged() {
        for s in [
            "Plain title",
            "Title: with colon",
            "#hashtag start",
            "a # comment?",
            "12345",
            "1.5",
            "2015-07-29",
            "yes",
            "No",
            "null",
            "",
            " leading space",
            "trailing space ",
            "https://cdn.example.com/a/b.mp3?x=1&y=2",
            "tag:soundcloud,2010:tracks/123",
            "quote \" and \\ backslash",
            "line\nbreak",
            "Café — “quotes” ✓ 東京",
            "- dash start",
            "* star",
            "[bracket]",
            "{brace}",
            "a, b",
            "@handle",
            "`tick`",
            "%percent",
            "it's",
            "tab\there",
            "ends with colon:",
            "8d9c1f2e-0b7a-4c1e-9d5f-1a2b3c4d5e6f",
        ] {
            round_trip(s);
        }
    }

    #[test]
    fn plain_where_possible() {
        assert_eq!(scalar("AWS Deployments"), "AWS Deployments");
        assert_eq!(
            scalar("https://cdn.example.com/ep1.mp3"),
            "https://cdn.example.com/ep1.mp3"
        );
        assert_eq!(scalar("42"), "\"42\"");
        assert_eq!(
            flow_map(&[("name", "Ann"), ("role", "guest")]),
            "{ name: Ann, role: guest }"
        );
    }
}
