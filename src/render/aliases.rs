//! An episode's `aliases:` (its old addresses, as Hugo's and Zola's `aliases`): each becomes
//! a small page at that path that sends browsers and search engines on to the episode (a
//! meta refresh and a canonical link). An alias that is the address of another published
//! file, or another episode's alias, is an error at its front-matter line.

use std::collections::HashMap;

use crate::content::{Episode, Site};
use crate::diag::{Diagnostic, Diagnostics};
use crate::output::SiteOutput;

/// The published file of an alias: `/2019/05/ep-12` -> `2019/05/ep-12/index.html`,
/// `old/ep.html` stays a file. Errors say what to write instead.
pub fn alias_key(alias: &str) -> Result<String, String> {
    let trimmed = alias.trim();
    if trimmed.contains("://") || trimmed.starts_with("//") {
        return Err(format!(
            "alias `{trimmed}` is a full URL; give its path on this site, such as `/episodes/12/`"
        ));
    }
    if trimmed.contains(['?', '#', '\\']) || trimmed.chars().any(char::is_control) {
        return Err(format!(
            "alias `{trimmed}` has a `?`, `#` or `\\`; give a plain path such as `/episodes/12/`"
        ));
    }
    let path = trimmed.trim_start_matches('/');
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    if parts.is_empty() {
        return Err(format!(
            "alias `{trimmed}` is the site's home page; give the episode's old path, such as `/episodes/12/`"
        ));
    }
    if parts.iter().any(|p| *p == "." || *p == "..") {
        return Err(format!(
            "alias `{trimmed}` has `.` or `..` in it; give the path from the site's root"
        ));
    }
    let joined = parts.join("/");
    let last = parts.last().expect("not empty");
    if !path.ends_with('/') && (last.ends_with(".html") || last.ends_with(".htm")) {
        Ok(joined)
    } else {
        Ok(format!("{joined}/index.html"))
    }
}

/// The redirect page itself.
pub fn redirect_page(language: &str, title: &str, to: &str) -> String {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let (title, to, language) = (esc(title), esc(to), esc(language));
    format!(
        "<!DOCTYPE html>\n<html lang=\"{language}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{title}</title>\n<link rel=\"canonical\" href=\"{to}\">\n\
         <meta name=\"robots\" content=\"noindex\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={to}\">\n</head>\n<body>\n\
         <p>This episode has moved to <a href=\"{to}\">{to}</a>.</p>\n</body>\n</html>\n"
    )
}

/// The line of `alias` in the episode file's front matter (the `aliases:` key's line when
/// the alias itself is not found; 0 when the file cannot be read).
fn alias_line(ep: &Episode, alias: &str) -> usize {
    let Ok(text) = std::fs::read_to_string(&ep.path) else {
        return 0;
    };
    let mut lines = text.lines().enumerate().skip(1);
    let Some((key, first)) = lines.find(|(_, l)| l.starts_with("aliases:")) else {
        return 0;
    };
    if first.contains(alias) {
        return key + 1;
    }
    text.lines()
        .enumerate()
        .skip(key + 1)
        .take_while(|(_, l)| l.starts_with([' ', '\t', '-']))
        .find(|(_, l)| l.contains(alias))
        .map_or(key + 1, |(i, _)| i + 1)
}

/// Adds every episode's alias pages to `output`, which holds every other published file.
pub fn insert(site: &Site, output: &mut SiteOutput, diags: &mut Diagnostics) {
    let mut taken: HashMap<String, &str> = HashMap::new();
    for ep in &site.episodes {
        let own = format!("episodes/{}/index.html", ep.slug);
        let to = site.config.absolute(&format!("episodes/{}/", ep.slug));
        for alias in ep.front.aliases.iter().flatten() {
            let error = |message: String| {
                Diagnostic::error(message)
                    .at(&ep.file)
                    .line(alias_line(ep, alias))
            };
            let key = match alias_key(alias) {
                Ok(key) => key,
                Err(message) => {
                    diags.push(error(message));
                    continue;
                }
            };
            let problem = if key == own {
                Some("is this episode's own address; remove it".to_string())
            } else if let Some(other) = taken.get(&key) {
                Some(format!(
                    "is also an alias of {other}; keep it on one episode"
                ))
            } else if output.files.contains_key(&key) {
                Some(format!(
                    "is the address of a page the site publishes ({key}); remove the alias or rename that page"
                ))
            } else {
                None
            };
            if let Some(problem) = problem {
                diags.push(error(format!("alias `{}` {problem}", alias.trim())));
                continue;
            }
            let page = redirect_page(&site.config.language, &ep.title, &to);
            output.insert_bytes(key.clone(), page.into_bytes());
            taken.insert(key, &ep.file);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_paths_on_the_site() {
        assert_eq!(
            alias_key("/2019/05/ep-12").unwrap(),
            "2019/05/ep-12/index.html"
        );
        assert_eq!(
            alias_key("2019/05/ep-12/").unwrap(),
            "2019/05/ep-12/index.html"
        );
        assert_eq!(alias_key("/old//ep.html").unwrap(), "old/ep.html");
        assert_eq!(
            alias_key("/old/ep.html/").unwrap(),
            "old/ep.html/index.html"
        );
        for (bad, says) in [
            ("https://old.example/ep/12", "full URL"),
            ("/", "home page"),
            ("/a/../b", "`..`"),
            ("/ep?id=12", "plain path"),
        ] {
            let e = alias_key(bad).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }

    #[test]
    fn the_redirect_page_refreshes_and_names_the_canonical_address() {
        let page = redirect_page("en", "A & B", "https://x.example/episodes/a/");
        assert!(page.contains(r#"<link rel="canonical" href="https://x.example/episodes/a/">"#));
        assert!(page.contains(
            r#"<meta http-equiv="refresh" content="0; url=https://x.example/episodes/a/">"#
        ));
        assert!(page.contains("<title>A &amp; B</title>"));
    }
}
