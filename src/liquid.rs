//! Liquid (Jekyll) and Nunjucks (Eleventy) tags in show notes written for those generators.
//!
//! onair does not run a template language over show notes, but episodes moved over from
//! Jekyll or Eleventy carry `{% raw %}`, `{{ site.url }}`, `{% include ... %}` and the like.
//! The markdown step runs notes through [`render_template_tags`] (or
//! [`strip_template_tags`]) first, so those files build unedited and no tag leaks into a
//! page or the feed:
//!
//! - `{% raw %}…{% endraw %}` and Nunjucks `{% verbatim %}…{% endverbatim %}`: the content,
//!   verbatim (that is what the author escaped it for).
//! - `{% comment %}…{% endcomment %}` and `{# … #}`: removed with their content.
//! - `{% highlight ruby %}…{% endhighlight %}`: a fenced code block (```` ```ruby ````).
//! - `{{ "literal" }}`: the literal (the usual way to write `{{` in Liquid).
//! - `{{ some.variable | filter }}`: the value `lookup("some.variable")` gives, else nothing.
//! - any other `{% tag %}` (`include`, `if`, `for`, `assign`, …): the tag is removed, text
//!   between block tags is kept (we cannot evaluate conditions; keeping the text loses less).
//! - whitespace control (`{%-`, `-%}`, `{{-`, `-}}`) trims whitespace as in Liquid.
//!
//! A `{%` or `{{` that is never closed is left as it is.
//!
//! Those generators also print titles unescaped, so titles carry HTML character references
//! (`Q&amp;A`); [`decode_html_entities`] turns them into the text they stand for.

use std::borrow::Cow;

/// Removes template tags, replacing every `{{ variable }}` with nothing.
pub fn strip_template_tags(text: &str) -> Cow<'_, str> {
    render_template_tags(text, |_| None)
}

/// Renders template tags as the module documentation says; `lookup` gets a variable's dotted
/// path (`site.title`, `page.episode_number`) and returns its text, or None to drop it.
pub fn render_template_tags<'a>(
    text: &'a str,
    lookup: impl Fn(&str) -> Option<String>,
) -> Cow<'a, str> {
    if !has_tag_opener(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    render_into(text, &lookup, &mut out);
    Cow::Owned(out)
}

fn has_tag_opener(text: &str) -> bool {
    text.contains("{%") || text.contains("{{") || text.contains("{#")
}

/// One `{% … %}`, `{{ … }}` or `{# … #}` found in the text.
struct Tag<'a> {
    kind: TagKind,
    /// Byte range of the whole tag, delimiters included.
    start: usize,
    end: usize,
    /// What is between the delimiters, whitespace-control dashes and spaces removed.
    inner: &'a str,
    trim_before: bool,
    trim_after: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TagKind {
    Statement,
    Output,
    Comment,
}

/// The next complete tag at or after `from`, or None when no tag is opened and closed.
fn next_tag(text: &str, from: usize) -> Option<Tag<'_>> {
    let mut search = from;
    loop {
        let rel = text[search..].find('{')?;
        let start = search + rel;
        let (kind, close) = match text.as_bytes().get(start + 1) {
            Some(b'%') => (TagKind::Statement, "%}"),
            Some(b'{') => (TagKind::Output, "}}"),
            Some(b'#') => (TagKind::Comment, "#}"),
            _ => {
                search = start + 1;
                continue;
            }
        };
        let body_start = start + 2;
        let Some(close_rel) = text[body_start..].find(close) else {
            // Unclosed: leave it, but a later opener of another kind may still be complete.
            search = start + 1;
            continue;
        };
        let body = &text[body_start..body_start + close_rel];
        let trim_before = body.starts_with('-');
        let trim_after = body.ends_with('-') && body.len() > usize::from(trim_before);
        let mut inner = body;
        if trim_before {
            inner = &inner[1..];
        }
        if trim_after {
            inner = &inner[..inner.len() - 1];
        }
        return Some(Tag {
            kind,
            start,
            end: body_start + close_rel + 2,
            inner: inner.trim(),
            trim_before,
            trim_after,
        });
    }
}

/// The tag's name (`raw`, `endraw`, `include`) and the rest of its text.
fn split_statement(inner: &str) -> (&str, &str) {
    match inner.find(char::is_whitespace) {
        Some(i) => (&inner[..i], inner[i..].trim()),
        None => (inner, ""),
    }
}

/// Finds the `{% end %}` statement that closes a block, searching from `from`.
fn find_statement<'a>(text: &'a str, from: usize, name: &str) -> Option<Tag<'a>> {
    let mut at = from;
    while let Some(tag) = next_tag(text, at) {
        if tag.kind == TagKind::Statement && split_statement(tag.inner).0 == name {
            return Some(tag);
        }
        at = tag.start + 2;
    }
    None
}

fn render_into(text: &str, lookup: &dyn Fn(&str) -> Option<String>, out: &mut String) {
    let mut pos = 0;
    let mut skip_leading_ws = false;
    while let Some(tag) = next_tag(text, pos) {
        push_text(out, &text[pos..tag.start], skip_leading_ws);
        if tag.trim_before {
            let kept = out.trim_end().len();
            out.truncate(kept);
        }
        pos = tag.end;
        let mut trim_after = tag.trim_after;
        match tag.kind {
            TagKind::Comment => {}
            TagKind::Output => out.push_str(&output_value(tag.inner, lookup)),
            TagKind::Statement => {
                let (name, args) = split_statement(tag.inner);
                let block_end = match name {
                    "raw" | "verbatim" => Some(("endraw", BlockBody::Verbatim)),
                    "comment" => Some(("endcomment", BlockBody::Dropped)),
                    "highlight" => Some(("endhighlight", BlockBody::Code)),
                    _ => None,
                };
                if let Some((end_name, body)) = block_end {
                    let end_name = if name == "verbatim" {
                        "endverbatim"
                    } else {
                        end_name
                    };
                    let end = find_statement(text, tag.end, end_name);
                    let body_end = end.as_ref().map_or(text.len(), |e| e.start);
                    let mut content = &text[tag.end..body_end];
                    if tag.trim_after {
                        content = content.trim_start();
                    }
                    if end.as_ref().is_some_and(|e| e.trim_before) {
                        content = content.trim_end();
                    }
                    match body {
                        BlockBody::Verbatim => out.push_str(content),
                        BlockBody::Dropped => {}
                        BlockBody::Code => push_code_block(out, args, content, lookup),
                    }
                    pos = end.as_ref().map_or(text.len(), |e| e.end);
                    trim_after = end.is_some_and(|e| e.trim_after);
                }
            }
        }
        skip_leading_ws = trim_after;
    }
    push_text(out, &text[pos..], skip_leading_ws);
}

enum BlockBody {
    Verbatim,
    Dropped,
    Code,
}

fn push_text(out: &mut String, text: &str, skip_leading_ws: bool) {
    out.push_str(if skip_leading_ws {
        text.trim_start()
    } else {
        text
    });
}

/// `{{ "x" }}` -> `x`; `{{ site.title | upcase }}` -> lookup("site.title").
fn output_value(expr: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    let subject = expr.split('|').next().unwrap_or("").trim();
    for quote in ['"', '\''] {
        if subject.len() >= 2 && subject.starts_with(quote) && subject.ends_with(quote) {
            return subject[1..subject.len() - 1].to_string();
        }
    }
    lookup(subject).unwrap_or_default()
}

/// `{% highlight ruby linenos %}` body as a fenced block, long enough a fence that backticks
/// inside the code cannot end it.
fn push_code_block(
    out: &mut String,
    args: &str,
    content: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) {
    let language = args.split_whitespace().next().unwrap_or("");
    let mut code = String::new();
    render_into(content.trim_matches('\n'), lookup, &mut code);
    let longest_run = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run.max(2) + 1);
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&fence);
    out.push_str(language);
    out.push('\n');
    out.push_str(&code);
    out.push('\n');
    out.push_str(&fence);
}

/// Decodes HTML character references in text that Jekyll or Eleventy printed unescaped,
/// such as titles: `Q&amp;A` -> `Q&A`, `Rock&#8217;n&#x27;roll` -> `Rock’n'roll`. Numeric
/// references and the named ones such sites use are decoded; anything else (`AT&T`,
/// `&unknown;`) stays as written. onair escapes the result again wherever it is published.
pub fn decode_html_entities(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        // A reference is short: look for its `;` within a few characters.
        let decoded = after
            .char_indices()
            .take(12)
            .find(|&(_, c)| c == ';')
            .and_then(|(semi, _)| Some((entity_char(&after[..semi])?, semi)));
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn entity_char(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).filter(|c| *c != '\0');
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "middot" => '·',
        "bull" => '•',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(s: &str) -> String {
        strip_template_tags(s).into_owned()
    }

    #[test]
    fn text_without_tags_is_borrowed() {
        let text = "Plain notes, {curly} and 100% sure.";
        assert!(matches!(strip_template_tags(text), Cow::Borrowed(_)));
    }

    #[test]
    fn statements_are_removed_and_text_kept() {
        assert_eq!(
            strip("Intro\n{% include sponsor.html %}\nOutro"),
            "Intro\n\nOutro"
        );
        assert_eq!(
            strip("{% if page.guest %}Our guest{% endif %} talks."),
            "Our guest talks."
        );
        assert_eq!(strip("{% assign x = 1 %}done"), "done");
    }

    #[test]
    fn raw_and_verbatim_keep_their_content() {
        assert_eq!(
            strip("Use {% raw %}{{ name }} and {% tag %}{% endraw %} in templates."),
            "Use {{ name }} and {% tag %} in templates."
        );
        assert_eq!(strip("{% verbatim %}{{ x }}{% endverbatim %}!"), "{{ x }}!");
        // An unterminated raw keeps everything after it.
        assert_eq!(strip("a {% raw %}{{ b }}"), "a {{ b }}");
    }

    #[test]
    fn comments_are_removed() {
        assert_eq!(
            strip("a{% comment %} secret {{ x }} {% endcomment %}b"),
            "ab"
        );
        assert_eq!(strip("a{# nunjucks note #}b"), "ab");
        // Kramdown heading ids are not Nunjucks comments.
        assert_eq!(strip("## Title {#intro}\n"), "## Title {#intro}\n");
    }

    #[test]
    fn output_tags_use_the_lookup() {
        let lookup = |path: &str| match path {
            "site.title" => Some("Ruby Rogues".to_string()),
            _ => None,
        };
        assert_eq!(
            render_template_tags("Welcome to {{ site.title | upcase }}{{ page.x }}!", lookup),
            "Welcome to Ruby Rogues!"
        );
        assert_eq!(strip("{{ '{{' }} literal"), "{{ literal");
        assert_eq!(strip("say {{ \"hi\" }}"), "say hi");
    }

    #[test]
    fn whitespace_control_trims() {
        assert_eq!(strip("a   \n{%- if x -%}\n  b"), "ab");
        assert_eq!(strip("a {{- site.x -}} b"), "ab");
        assert_eq!(
            strip("a\n{% raw -%}\n  {{x}}  \n{%- endraw %}\nb"),
            "a\n{{x}}\nb"
        );
    }

    #[test]
    fn highlight_becomes_a_fenced_block() {
        assert_eq!(
            strip("Code:\n{% highlight ruby linenos %}\nputs 'hi'\n{% endhighlight %}\nEnd"),
            "Code:\n```ruby\nputs 'hi'\n```\nEnd"
        );
        assert_eq!(
            strip("{% highlight sh %}\necho ```\n{% endhighlight %}"),
            "````sh\necho ```\n````"
        );
    }

    #[test]
    fn unclosed_tags_are_left_alone() {
        assert_eq!(
            strip("price {{ 5 and {% nothing"),
            "price {{ 5 and {% nothing"
        );
        assert_eq!(strip("{{ open {% if x %}yes"), "{{ open yes");
    }

    #[test]
    fn html_entities_in_titles_are_decoded() {
        let d = |s: &str| decode_html_entities(s).into_owned();
        assert_eq!(d("Q&amp;A with &quot;Tom&quot;"), "Q&A with \"Tom\"");
        assert_eq!(
            d("Rock&#8217;n&#x27;roll &ndash; live"),
            "Rock’n'roll – live"
        );
        assert_eq!(d("a&nbsp;b"), "a\u{a0}b");
        assert_eq!(
            d("AT&T & friends; &unknown; &#xZZ; &#0; &"),
            "AT&T & friends; &unknown; &#xZZ; &#0; &"
        );
        assert!(matches!(decode_html_entities("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn non_ascii_text_around_tags_survives() {
        assert_eq!(
            strip("Café {% if a %}naïve{% endif %} 東京"),
            "Café naïve 東京"
        );
    }
}
