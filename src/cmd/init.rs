//! `onair init DIR`: a new site that builds as is, from the files `crate::scaffold` embeds.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::InitArgs;
use crate::cmd::new_episode::yaml_quote;
use crate::diag::{Diagnostic, Diagnostics};

use crate::scaffold::{
    ABOUT_PAGE, COVER_JPEG, GITIGNORE, SITE_YAML, WELCOME_AUDIO, WELCOME_EPISODE,
};

/// The folders of a site (PRODUCT.md), created even when the scaffold puts nothing in them.
pub const SITE_FOLDERS: [&str; 6] = [
    "episodes",
    "audio",
    "pages",
    "assets",
    "templates",
    "transcripts",
];

/// One file `init` writes: its path relative to the site and its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaffoldFile {
    pub path: PathBuf,
    pub content: Vec<u8>,
}

pub fn run(args: &InitArgs) -> ExitCode {
    let now = jiff::ZonedDateTime::now().with_time_zone(jiff::tz::TimeZone::UTC);
    let title = match args.title.as_deref().map(str::trim) {
        Some("") => {
            eprintln!("error: --title is empty; give the show's name, e.g. --title \"My Show\"");
            return super::exit(super::EXIT_USAGE);
        }
        Some(title) => title.to_string(),
        None => site_title_for(&args.dir),
    };
    let mut files = scaffold_files(&title, &now);
    // A new site is a repository of its own: its CI recipe goes beside site.yaml.
    if let Some((path, text)) = super::ci::recipe(args.ci, "") {
        files.push(ScaffoldFile {
            path,
            content: text.into_bytes(),
        });
    }
    match write_site(&args.dir, &files) {
        Ok(()) => {
            println!("Created a new site in {}", args.dir.display());
            for file in &files {
                println!("  {}", file.path.display());
            }
            let dir = args.dir.display();
            println!("Next: edit {dir}/site.yaml, then `onair serve {dir}` to see it.");
            let ci = super::ci::next_steps(args.ci);
            if !ci.is_empty() {
                println!("{ci}.");
            }
            super::exit(super::EXIT_OK)
        }
        Err(diags) => {
            super::report(diags.iter());
            super::exit(super::EXIT_ERRORS)
        }
    }
}

/// The show title a new site starts with, from its folder name: `my-show` -> `My Show`.
pub fn site_title_for(dir: &Path) -> String {
    let name = dir
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .or_else(|| dir.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let words: Vec<String> = name
        .split(['-', '_', ' ', '.'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect();
    if words.is_empty() {
        "My Podcast".to_string()
    } else {
        words.join(" ")
    }
}

/// Everything `init` writes, with the title, this year, the sample's date and a fresh GUID
/// filled in.
pub fn scaffold_files(title: &str, now: &jiff::ZonedDateTime) -> Vec<ScaffoldFile> {
    // The title goes into YAML values (quoted) and Markdown (as is).
    let description =
        format!("{title} is a new podcast. Say here what it is about and who it is for.");
    let site_yaml = SITE_YAML
        .replace("@TITLE@", &yaml_quote(title))
        .replace("@DESCRIPTION@", &yaml_quote(&description))
        .replace("@YEAR@", &now.year().to_string());
    let date = now.strftime("%Y-%m-%d").to_string();
    let episode = WELCOME_EPISODE
        .replace("@DATE@", &now.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string())
        .replace("@GUID@", &uuid::Uuid::new_v4().to_string());
    let about = ABOUT_PAGE.replace("@TITLE@", title);
    let file = |path: &str, content: Vec<u8>| ScaffoldFile {
        path: PathBuf::from(path),
        content,
    };
    vec![
        file("site.yaml", site_yaml.into_bytes()),
        file(&format!("episodes/{date}-welcome.md"), episode.into_bytes()),
        file("audio/welcome.mp3", WELCOME_AUDIO.to_vec()),
        file("assets/cover.jpg", COVER_JPEG.to_vec()),
        file("pages/about.md", about.into_bytes()),
        file(".gitignore", GITIGNORE.as_bytes().to_vec()),
    ]
}

/// Writes the scaffold into `dir`, all or nothing: if any file already exists nothing is
/// written, and a failure halfway removes what was written.
pub fn write_site(dir: &Path, files: &[ScaffoldFile]) -> Result<(), Diagnostics> {
    let mut diags = Diagnostics::new();
    if dir.exists() && !dir.is_dir() {
        diags.push(Diagnostic::error("exists and is not a folder").at(dir));
        return Err(diags);
    }
    for folder in SITE_FOLDERS {
        let path = dir.join(folder);
        if path.exists() && !path.is_dir() {
            diags.push(
                Diagnostic::error("exists and is not a folder; onair init changes nothing")
                    .at(&path),
            );
        }
    }
    for file in files {
        let path = dir.join(&file.path);
        if fs::symlink_metadata(&path).is_ok() {
            diags.push(
                Diagnostic::error(
                    "already exists; onair init never overwrites a file, so it wrote nothing",
                )
                .at(&path),
            );
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }

    let mut created = Created::default();
    let result = (|| -> Result<(), Diagnostic> {
        created.dir(dir)?;
        for folder in SITE_FOLDERS {
            created.dir(&dir.join(folder))?;
        }
        for file in files {
            let path = dir.join(&file.path);
            if let Some(parent) = path.parent() {
                created.dir(parent)?;
            }
            created.file(&path, &file.content)?;
        }
        Ok(())
    })();
    match result {
        Ok(()) => Ok(()),
        Err(d) => {
            created.undo();
            diags.push(d);
            Err(diags)
        }
    }
}

/// What `write_site` made, so that a failure can take it back.
#[derive(Default)]
struct Created {
    files: Vec<PathBuf>,
    dirs: Vec<PathBuf>,
}

impl Created {
    fn dir(&mut self, path: &Path) -> Result<(), Diagnostic> {
        if path.is_dir() {
            return Ok(());
        }
        if let Some(parent) = path.parent()
            && !parent.as_os_str().is_empty()
        {
            self.dir(parent)?;
        }
        fs::create_dir(path)
            .map_err(|e| Diagnostic::error(format!("cannot create the folder: {e}")).at(path))?;
        self.dirs.push(path.to_path_buf());
        Ok(())
    }

    fn file(&mut self, path: &Path, content: &[u8]) -> Result<(), Diagnostic> {
        // create_new: never overwrite, even a file that appeared since the check.
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|e| Diagnostic::error(format!("cannot create the file: {e}")).at(path))?;
        self.files.push(path.to_path_buf());
        f.write_all(content)
            .and_then(|()| f.sync_all())
            .map_err(|e| Diagnostic::error(format!("cannot write the file: {e}")).at(path))
    }

    fn undo(self) {
        for file in self.files.iter().rev() {
            let _ = fs::remove_file(file);
        }
        for dir in self.dirs.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed_now() -> jiff::ZonedDateTime {
        "2026-03-04T05:06:07+00:00[UTC]".parse().unwrap()
    }

    #[test]
    fn titles_come_from_the_folder_name() {
        assert_eq!(site_title_for(Path::new("/x/my-show")), "My Show");
        assert_eq!(site_title_for(Path::new("ruby_rogues")), "Ruby Rogues");
        assert_eq!(site_title_for(Path::new("/")), "My Podcast");
    }

    #[test]
    fn scaffold_fills_every_marker() {
        let files = scaffold_files("Café \"Live\"", &fixed_now());
        let names: Vec<_> = files.iter().map(|f| f.path.to_str().unwrap()).collect();
        assert_eq!(
            names,
            [
                "site.yaml",
                "episodes/2026-03-04-welcome.md",
                "audio/welcome.mp3",
                "assets/cover.jpg",
                "pages/about.md",
                ".gitignore"
            ]
        );
        for f in &files {
            if let Ok(text) = std::str::from_utf8(&f.content) {
                assert!(!text.contains("@TITLE@") && !text.contains("@DATE@"));
                assert!(!text.contains("@GUID@") && !text.contains("@YEAR@"));
            }
        }
        let site = std::str::from_utf8(&files[0].content).unwrap();
        assert!(site.contains("title: \"Café \\\"Live\\\"\"\n"), "{site}");
        assert!(site.contains("copyright: \"© 2026 Your Name\""));
        assert!(site.contains(
            "description: \"Café \\\"Live\\\" is a new podcast. Say here what it is about"
        ));
        let episode = std::str::from_utf8(&files[1].content).unwrap();
        assert!(episode.contains("date: 2026-03-04T05:06:07+00:00\n"));
        let guid_line = episode.lines().find(|l| l.starts_with("guid: ")).unwrap();
        assert!(uuid::Uuid::parse_str(&guid_line["guid: ".len()..]).is_ok());
    }

    #[test]
    fn every_site_yaml_key_has_a_comment() {
        let mut previous = "";
        for line in SITE_YAML.lines() {
            if !line.is_empty() && !line.starts_with('#') && !line.starts_with(' ') {
                assert!(previous.starts_with('#'), "no comment above `{line}`");
            }
            previous = line;
        }
    }

    #[test]
    fn scaffold_media_are_what_directories_accept() {
        // MPEG-1 Layer III frame sync with no ID3 tag in front, and a LAME Info frame (CBR).
        assert_eq!(&WELCOME_AUDIO[..2], &[0xff, 0xfb]);
        assert!(WELCOME_AUDIO.windows(4).any(|w| w == b"Info"));
        let size = imagesize::blob_size(COVER_JPEG).unwrap();
        assert_eq!((size.width, size.height), (1400, 1400));
        assert_eq!(
            imagesize::image_type(COVER_JPEG).unwrap(),
            imagesize::ImageType::Jpeg
        );
    }

    #[test]
    fn refuses_to_overwrite_and_writes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("show");
        fs::create_dir_all(site.join("pages")).unwrap();
        fs::write(site.join("pages/about.md"), "mine").unwrap();
        let files = scaffold_files("Show", &fixed_now());
        let err = write_site(&site, &files).unwrap_err();
        let messages: Vec<String> = err.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            messages,
            [format!(
                "{}: error: already exists; onair init never overwrites a file, so it wrote nothing",
                site.join("pages/about.md").display()
            )]
        );
        assert_eq!(
            fs::read_to_string(site.join("pages/about.md")).unwrap(),
            "mine"
        );
        assert!(!site.join("site.yaml").exists());
        assert!(!site.join("episodes").exists());
    }

    #[test]
    fn writes_into_a_new_or_unrelated_folder() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("README.md"), "keep").unwrap();
        let files = scaffold_files("Show", &fixed_now());
        write_site(tmp.path(), &files).unwrap();
        for f in &files {
            assert_eq!(fs::read(tmp.path().join(&f.path)).unwrap(), f.content);
        }
        for folder in SITE_FOLDERS {
            assert!(tmp.path().join(folder).is_dir(), "{folder}");
        }
        assert_eq!(
            fs::read_to_string(tmp.path().join("README.md")).unwrap(),
            "keep"
        );
        // A second run refuses every file.
        let err = write_site(tmp.path(), &files).unwrap_err();
        assert_eq!(err.error_count(), files.len());
    }
}
