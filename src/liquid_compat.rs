//! Jekyll (Liquid) and Eleventy (Nunjucks) show notes carry template tags that mean nothing
//! outside those tools. This removes them so moved-over notes render cleanly.

use std::borrow::Cow;

/// Removes `{% ... %}` tags and `{{ ... }}` expressions (keeping the text inside
/// `{% raw %}...{% endraw %}` as written) outside of code.
pub fn strip_template_tags(text: &str) -> Cow<'_, str> {
    if !text.contains("{%") && !text.contains("{{") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut raw = false;
    while !rest.is_empty() {
        let next = rest.find("{%").into_iter().chain(rest.find("{{").filter(|_| !raw)).min();
        let Some(i) = next else {
            out.push_str(rest);
            break;
        };
        out.push_str(&rest[..i]);
        let is_tag = rest[i..].starts_with("{%");
        let close = if is_tag { "%}" } else { "}}" };
        match rest[i + 2..].find(close) {
            Some(j) => {
                let inner = rest[i + 2..i + 2 + j].trim().trim_matches('-').trim();
                let end = i + 2 + j + 2;
                if is_tag && inner == "raw" {
                    raw = true;
                } else if is_tag && inner == "endraw" {
                    raw = false;
                } else if raw {
                    out.push_str(&rest[i..end]);
                }
                rest = &rest[end..];
            }
            None => {
                out.push_str(&rest[i..]);
                break;
            }
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::strip_template_tags;

    #[test]
    fn strips_liquid_and_nunjucks() {
        assert_eq!(strip_template_tags("a {% include x.html %}b {{ site.url }}c"), "a b c");
        assert_eq!(strip_template_tags("{% raw %}{{ kept }}{% endraw %}"), "{{ kept }}");
        assert_eq!(strip_template_tags("plain"), "plain");
        assert_eq!(strip_template_tags("open {{ never"), "open {{ never");
    }
}
