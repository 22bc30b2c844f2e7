//! The default theme, embedded at compile time from themes/default/ (see build.rs).

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/theme_files.rs"));
}

/// `(file name, content)` of every default template.
pub fn templates() -> &'static [(&'static str, &'static [u8])] {
    embedded::TEMPLATES
}

/// `(path under static/, content)` of every default CSS/JS/image file.
pub fn static_files() -> &'static [(&'static str, &'static [u8])] {
    embedded::STATIC
}

/// The folder of the site's theme, `themes/NAME/` in `site_root` (its `templates/` and
/// `static/` override the built-in theme's files one by one). None for `default` without such
/// a folder: the built-in theme as it is. An error (for the `theme:` line) when NAME names no
/// folder.
pub fn theme_dir(
    site_root: &std::path::Path,
    name: &str,
) -> Result<Option<std::path::PathBuf>, String> {
    let safe = !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\'])
        && !name.contains(char::is_whitespace);
    if !safe {
        return Err(format!(
            "`theme: {name}` is not a theme name: write the name of a folder in themes/ (or `default`, the built-in theme)"
        ));
    }
    let dir = site_root.join("themes").join(name);
    if dir.is_dir() {
        return Ok(Some(dir));
    }
    if name == "default" {
        return Ok(None);
    }
    let mut known: Vec<String> = std::fs::read_dir(site_root.join("themes"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    known.sort();
    known.insert(0, "default".to_string());
    Err(format!(
        "unknown theme `{name}`: there is no folder themes/{name}/ in the site (themes here: {}); make it, with templates/ and static/ holding the files that replace the built-in theme's, or write `theme: default`",
        known.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_theme_is_a_folder_of_the_site_and_default_is_built_in() {
        let site = tempfile::tempdir().unwrap();
        assert_eq!(theme_dir(site.path(), "default"), Ok(None));
        let err = theme_dir(site.path(), "kitchen").unwrap_err();
        assert!(err.starts_with("unknown theme `kitchen`: there is no folder themes/kitchen/ in the site (themes here: default)"), "{err}");
        std::fs::create_dir_all(site.path().join("themes/kitchen/templates")).unwrap();
        assert_eq!(
            theme_dir(site.path(), "kitchen"),
            Ok(Some(site.path().join("themes/kitchen")))
        );
        assert!(theme_dir(site.path(), "../etc").is_err());
    }
}
