//! URL slugs: lowercase ASCII words joined by `-`, with Unicode transliterated (`Ünïcödé` ->
//! `unicode`, `東京` -> `dong-jing`) so every URL is plain and stable.

/// `slugify("AWS Deployments: Part 2!")` -> `aws-deployments-part-2`.
pub fn slugify(text: &str) -> String {
    let ascii = deunicode::deunicode(text);
    let mut slug = String::with_capacity(ascii.len());
    let mut pending_dash = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.push(c.to_ascii_lowercase());
        } else {
            pending_dash = true;
        }
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn slugs() {
        assert_eq!(
            slugify("AWS Deployments: Part 2!"),
            "aws-deployments-part-2"
        );
        assert_eq!(slugify("  Café au lait  "), "cafe-au-lait");
        assert_eq!(slugify("ruby_rogues"), "ruby-rogues");
        assert_eq!(slugify("Ünïcödé"), "unicode");
        assert_eq!(slugify("!!!"), "");
    }
}
