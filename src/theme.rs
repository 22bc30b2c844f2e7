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
