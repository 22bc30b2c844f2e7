//! Fingerprinted assets: every file of the theme's static/ and the site's assets/ is published
//! as /assets/<name>.<hash>.<ext>, named by its content, so browsers and apps can cache it
//! forever and artwork URLs change when the artwork does. `url(...)` references inside CSS are
//! rewritten to the fingerprinted names (and the CSS is hashed after rewriting).

use std::collections::BTreeMap;
use std::path::Path;

use crate::diag::{Diagnostic, Diagnostics};

/// The published assets of one build.
#[derive(Debug, Clone, Default)]
pub struct Assets {
    /// Source name (`style.css`, `img/cover.png`) -> output key (`assets/style.1a2b3c4d5e.css`).
    pub urls: BTreeMap<String, String>,
    /// Output key -> content.
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Assets {
    /// Output key (`assets/...`) of a source name, if it exists.
    pub fn key(&self, name: &str) -> Option<&str> {
        self.urls
            .get(name.trim_start_matches('/'))
            .map(String::as_str)
    }
}

/// Collects theme static files and the site's assets/ (which win on the same name).
pub fn collect(site_root: &Path, theme: &[(&str, &[u8])], diags: &mut Diagnostics) -> Assets {
    collect_layers(&[site_root], theme, None, diags)
}

/// `collect` over several site folders, later ones winning on the same name: a network show
/// has the network's assets/ and then its own. `theme_dir` (the site's `themes/NAME/`) puts
/// its `static/` over the built-in files, under the sites' assets/.
pub fn collect_layers(
    roots: &[&Path],
    theme: &[(&str, &[u8])],
    theme_dir: Option<&Path>,
    diags: &mut Diagnostics,
) -> Assets {
    let mut sources: BTreeMap<String, Vec<u8>> = theme
        .iter()
        .map(|(name, bytes)| ((*name).to_string(), bytes.to_vec()))
        .collect();
    if let Some(theme_dir) = theme_dir {
        let root = roots.first().copied().unwrap_or(theme_dir);
        read_folder(root, &theme_dir.join("static"), &mut sources, diags);
    }
    for root in roots {
        read_folder(root, &root.join("assets"), &mut sources, diags);
    }
    fingerprint(sources)
}

/// Every file under `dir` (a folder of `site_root`, named relative to it in messages) into
/// `sources`, by its path under `dir`.
fn read_folder(
    site_root: &Path,
    dir: &Path,
    sources: &mut BTreeMap<String, Vec<u8>>,
    diags: &mut Diagnostics,
) {
    let shown = crate::fsutil::rel(site_root, dir);
    if dir.is_dir() {
        for entry in walkdir::WalkDir::new(dir)
            .follow_links(false)
            .sort_by_file_name()
        {
            match entry {
                Ok(e) if e.file_type().is_file() => {
                    let name = crate::fsutil::rel(dir, e.path());
                    if name.split('/').any(|part| part.starts_with('.')) {
                        continue;
                    }
                    match std::fs::read(e.path()) {
                        Ok(bytes) => {
                            sources.insert(name, bytes);
                        }
                        Err(err) => diags.push(
                            Diagnostic::error(format!("cannot read: {err}"))
                                .at(format!("{shown}/{name}")),
                        ),
                    }
                }
                Ok(e) if e.file_type().is_symlink() => diags.push(
                    Diagnostic::warning(format!("symbolic link in {shown}/ not published (onair never follows links out of the site)"))
                        .at(crate::fsutil::rel(site_root, e.path())),
                ),
                Ok(_) => {}
                Err(err) => diags.push(Diagnostic::error(format!("cannot read folder: {err}")).at(&shown)),
            }
        }
    }
}

/// Names every source by its content; CSS last, after its references are rewritten.
pub fn fingerprint(sources: BTreeMap<String, Vec<u8>>) -> Assets {
    let mut assets = Assets::default();
    let (css, other): (Vec<_>, Vec<_>) =
        sources.into_iter().partition(|(n, _)| n.ends_with(".css"));
    for (name, bytes) in other {
        let key = fingerprinted_key(&name, &bytes);
        assets.urls.insert(name, key.clone());
        assets.files.insert(key, bytes);
    }
    // CSS may reference other CSS (@import url(...)); rewrite against non-CSS names, then
    // let CSS reference CSS in sorted order of resolution (good enough for imports of
    // plain files; a cycle is impossible to fingerprint anyway).
    for (name, bytes) in css {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let rewritten = rewrite_css_urls(&text, &name, &assets.urls);
        let key = fingerprinted_key(&name, rewritten.as_bytes());
        assets.urls.insert(name, key.clone());
        assets.files.insert(key, rewritten.into_bytes());
    }
    assets
}

fn fingerprinted_key(name: &str, bytes: &[u8]) -> String {
    let hash = blake3::hash(bytes).to_hex();
    let short = &hash.as_str()[..10];
    let (dir, file) = match name.rfind('/') {
        Some(i) => (&name[..=i], &name[i + 1..]),
        None => ("", name),
    };
    match file.rfind('.') {
        Some(i) if i > 0 => format!("assets/{dir}{}.{short}{}", &file[..i], &file[i..]),
        _ => format!("assets/{dir}{file}.{short}"),
    }
}

/// Rewrites `url(x)` in the CSS file `css_name` when `x` names another asset.
fn rewrite_css_urls(css: &str, css_name: &str, urls: &BTreeMap<String, String>) -> String {
    let css_dir = match css_name.rfind('/') {
        Some(i) => &css_name[..=i],
        None => "",
    };
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(i) = rest.find("url(") {
        out.push_str(&rest[..i + 4]);
        rest = &rest[i + 4..];
        let Some(end) = rest.find(')') else { break };
        let raw = rest[..end].trim();
        let (quote, inner) = match raw.chars().next() {
            Some(q @ ('"' | '\'')) if raw.len() >= 2 && raw.ends_with(q) => {
                (Some(q), &raw[1..raw.len() - 1])
            }
            _ => (None, raw),
        };
        let (path, suffix) = match inner.find(['?', '#']) {
            Some(k) => (&inner[..k], &inner[k..]),
            None => (inner, ""),
        };
        let resolved = resolve_relative(css_dir, path);
        match resolved.as_deref().and_then(|r| urls.get(r)) {
            Some(key) => {
                // Both live under /assets/, so a path relative to the CSS file's folder works
                // whatever the site's base path is.
                let target = key.trim_start_matches("assets/");
                let depth = css_dir.matches('/').count();
                let rel = format!("{}{}", "../".repeat(depth), target);
                let q = quote.map(String::from).unwrap_or_default();
                out.push_str(&format!("{q}{rel}{suffix}{q}"));
            }
            None => out.push_str(&rest[..end]),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn resolve_relative(dir: &str, path: &str) -> Option<String> {
    if path.is_empty() || path.starts_with("data:") || path.contains("://") || path.starts_with('#')
    {
        return None;
    }
    let joined = if let Some(abs) = path.strip_prefix("/assets/") {
        abs.to_string()
    } else if path.starts_with('/') {
        return None;
    } else {
        format!("{dir}{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for p in joined.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(items: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
        items
            .iter()
            .map(|(n, c)| (n.to_string(), c.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn names_carry_a_content_hash() {
        let a = fingerprint(sources(&[("style.css", "body{}"), ("img/logo.png", "PNG")]));
        let css = a.key("style.css").unwrap();
        assert!(
            css.starts_with("assets/style.") && css.ends_with(".css"),
            "{css}"
        );
        assert_eq!(css.len(), "assets/style.".len() + 10 + ".css".len());
        assert!(
            a.key("img/logo.png")
                .unwrap()
                .starts_with("assets/img/logo.")
        );
    }

    #[test]
    fn fingerprint_changes_with_content_and_only_then() {
        let a = fingerprint(sources(&[("app.js", "1")]));
        let b = fingerprint(sources(&[("app.js", "1")]));
        let c = fingerprint(sources(&[("app.js", "2")]));
        assert_eq!(a.key("app.js"), b.key("app.js"));
        assert_ne!(a.key("app.js"), c.key("app.js"));
    }

    #[test]
    fn css_urls_are_rewritten() {
        let a = fingerprint(sources(&[
            (
                "css/site.css",
                "a{background:url('../img/bg.png?v=1')} b{background:url(https://x/y.png)} c{src:url(missing.woff)}",
            ),
            ("img/bg.png", "PNG"),
        ]));
        let css = String::from_utf8(a.files[a.key("css/site.css").unwrap()].clone()).unwrap();
        let bg = a.key("img/bg.png").unwrap().trim_start_matches("assets/");
        assert!(css.contains(&format!("url('../{bg}?v=1')")), "{css}");
        assert!(css.contains("url(https://x/y.png)"));
        assert!(css.contains("url(missing.woff)"));
    }

    #[test]
    fn css_hash_follows_referenced_asset() {
        let a = fingerprint(sources(&[
            ("s.css", "a{background:url(bg.png)}"),
            ("bg.png", "1"),
        ]));
        let b = fingerprint(sources(&[
            ("s.css", "a{background:url(bg.png)}"),
            ("bg.png", "2"),
        ]));
        assert_ne!(a.key("s.css"), b.key("s.css"));
    }
}
