//! `onair new episode`: from an audio file to an episode file with its front matter filled in
//! (audio probed, date now in the site's time zone, the next episode number, a fresh GUID).
//! In a network, `--show NAME` picks the show: its folder, its settings, its numbers.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use jiff::ZonedDateTime as Zoned;

use crate::cli::NewEpisodeArgs;
use crate::config::Config;
use crate::content;
use crate::diag::{Diagnostic, Diagnostics};

/// Where the show notes go. A `{# … #}` comment, which the notes pre-processing removes
/// (crate::liquid), so a file published before it is edited shows no filler text.
pub const NOTES_PLACEHOLDER: &str =
    "{# Write the show notes below, in Markdown (this comment is never published). A line
   such as \"02:44 - Topic\" becomes a chapter. Fill in `summary:` above: one or two plain
   sentences that apps show under the title. #}
";

pub fn run(args: &NewEpisodeArgs) -> ExitCode {
    match create_episode(args, &Zoned::now()) {
        Ok(path) => {
            println!("{}", path.display());
            super::exit(super::EXIT_OK)
        }
        Err(failure) => {
            super::report(failure.diags.iter());
            super::exit(failure.code)
        }
    }
}

/// Why no episode was written, and the exit status that says so.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub diags: Diagnostics,
}

impl Failure {
    fn usage(d: Diagnostic) -> Failure {
        Failure::with(super::EXIT_USAGE, d)
    }

    fn errors(d: Diagnostic) -> Failure {
        Failure::with(super::EXIT_ERRORS, d)
    }

    fn with(code: u8, d: Diagnostic) -> Failure {
        let mut diags = Diagnostics::new();
        diags.push(d);
        Failure { code, diags }
    }
}

/// Writes the new episode file and returns its path (the site folder as given, joined with
/// `episodes/<date>-<slug>.md`). Writes nothing when anything is wrong.
pub fn create_episode(args: &NewEpisodeArgs, now: &Zoned) -> Result<PathBuf, Failure> {
    let root = args.dir.as_path();
    let title = args.title.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.is_empty() {
        return Err(Failure::usage(Diagnostic::error("--title is empty")));
    }
    for (flag, value) in [("--number", args.number), ("--season", args.season)] {
        if value == Some(0) {
            return Err(Failure::usage(Diagnostic::error(format!(
                "{flag} must be a positive number"
            ))));
        }
    }
    let target = target(root, args.show.as_deref())?;
    let config = &target.config;
    let date = match &args.date {
        Some(text) => crate::dates::parse_date(text, &config.timezone)
            .map_err(|msg| Failure::usage(Diagnostic::error(format!("--date: {msg}"))))?,
        None => now.clone(),
    }
    .with_time_zone(config.timezone.clone())
    // Truncate, never round up: a date even half a second ahead is a future episode, which
    // a build right after this one would leave out.
    .round(
        jiff::ZonedDateTimeRound::new()
            .smallest(jiff::Unit::Second)
            .mode(jiff::RoundMode::Trunc),
    )
    .map_err(|e| Failure::usage(Diagnostic::error(format!("--date: {e}"))))?;

    // A show's episodes, audio and numbers are its folder's; the lock is the site's.
    let show_root = target.dir.as_path();
    let audio = resolve_audio(&target, &args.audio)?;
    if let Audio::Local { rel, path } = &audio {
        check_local_audio(show_root, rel, path)?;
    }

    let existing = existing_episodes(show_root, config)?;
    let wanted = match &audio {
        Audio::Local { rel, .. } => audio_key(&content::AudioSource::Local(rel.clone())),
        Audio::Remote { url, .. } => url.clone(),
    };
    let reused = existing.iter().find(|e| e.audio == wanted).map(|other| {
        Diagnostic::warning(format!(
            "`{wanted}` is already the audio of {}: each episode needs its own audio file (apps ignore a reused enclosure URL), so the build refuses both until one names another file",
            other.file
        ))
    });
    let number = match args.number {
        Some(n) => {
            if let Some(taken) = existing
                .iter()
                .find(|e| e.number == Some(n) && e.season == args.season)
            {
                return Err(Failure::usage(Diagnostic::error(format!(
                    "episode {n} already exists ({}); choose another --number",
                    taken.file
                ))));
            }
            n
        }
        None => next_number(&existing),
    };
    let taken: BTreeSet<&str> = existing.iter().map(|e| e.slug.as_str()).collect();
    let slug = unique_slug(&title, number, &taken);

    let file_name = format!("{}-{slug}.md", date.strftime("%Y-%m-%d"));
    let episodes_dir = show_root.join("episodes");
    let path = episodes_dir.join(&file_name);
    let front = FrontMatter {
        title: &title,
        date: &date,
        audio: audio.front_matter_value(),
        number,
        season: args.season,
        summary: args.summary.as_deref().map(str::trim).unwrap_or(""),
        tags: &args.tags,
        guid: &uuid::Uuid::new_v4().to_string(),
        draft: args.draft,
    };
    if let Audio::Remote {
        lock_entry: Some(entry),
        url,
    } = &audio
    {
        // The build knows remote audio only from the lock: record what was probed.
        let mut lock = crate::lock::Lock::load(root).map_err(Failure::errors)?;
        lock.audio.insert(url.clone(), entry.clone());
        lock.save(root).map_err(Failure::errors)?;
    }
    write_new_file(&episodes_dir, &path, front.render().as_bytes()).map_err(|d| {
        Failure::errors(d.at(display_path(show_root, &format!("episodes/{file_name}"))))
    })?;
    if let Some(warning) = reused {
        super::report([&warning.at(display_path(show_root, &format!("episodes/{file_name}")))]);
    }
    Ok(path)
}

/// Where the episode goes: the site, or one show of a network.
#[derive(Debug)]
struct Target {
    /// The site folder as given (its onair.lock is the one remote audio is recorded in).
    root: PathBuf,
    /// The folder holding episodes/ and the audio: the site, or `<site>/shows/<folder>`.
    dir: PathBuf,
    /// The settings: site.yaml, or the show's show.yaml over site.yaml.
    config: Config,
    /// For a show: its folder relative to the site (`shows/<folder>`), and the other shows'.
    show: Option<(PathBuf, Vec<PathBuf>)>,
}

/// The site, or with `--show NAME` the show of the network that NAME names (its `name`, the
/// slug it is published under, or its folder name). A network needs `--show`; a single-show
/// site refuses it.
fn target(root: &Path, show: Option<&str>) -> Result<Target, Failure> {
    if !crate::network::is_network(root) {
        // (A folder that is no site at all is Config::load's to explain.)
        if let Some(name) = show
            && root.join(crate::config::CONFIG_FILE).is_file()
        {
            return Err(Failure::usage(Diagnostic::error(format!(
                "--show {name}: {} is a single-show site (it has no shows/ folder); leave out --show",
                root.display()
            ))));
        }
        let config = Config::load(root, None).map_err(|diags| Failure {
            code: super::EXIT_ERRORS,
            diags,
        })?;
        return Ok(Target {
            root: root.to_path_buf(),
            dir: root.to_path_buf(),
            config,
            show: None,
        });
    }
    let net = crate::network::load(root, None).map_err(|diags| Failure {
        code: super::EXIT_ERRORS,
        diags,
    })?;
    let names = net
        .shows
        .iter()
        .map(|s| s.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let Some(name) = show else {
        return Err(Failure::usage(Diagnostic::error(format!(
            "{} is a network: say which show the episode is for with --show NAME (the shows: {names})",
            root.display()
        ))));
    };
    let folder = |s: &crate::network::Show| {
        s.dir
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let Some(found) = net
        .shows
        .iter()
        .find(|s| s.name == name || folder(s) == name)
    else {
        return Err(Failure::usage(Diagnostic::error(format!(
            "--show {name}: {} has no such show (the shows: {names})",
            root.display()
        ))));
    };
    let others = net
        .shows
        .iter()
        .filter(|s| s.name != found.name)
        .map(|s| s.rel.clone())
        .collect();
    Ok(Target {
        root: root.to_path_buf(),
        dir: root.join(&found.rel),
        config: found.config.clone(),
        show: Some((found.rel.clone(), others)),
    })
}

/// Local audio must be audio onair can publish, named as its content is (the build refuses a
/// file whose name does not fit its content: say so before anything is written).
fn check_local_audio(show_root: &Path, rel: &str, path: &Path) -> Result<(), Failure> {
    let shown = display_path(show_root, rel);
    let facts = crate::audio::probe_file(path).map_err(|e| {
        Failure::errors(
            Diagnostic::error(format!(
                "is not audio onair can publish ({}); nothing was written",
                e.message
            ))
            .at(&shown),
        )
    })?;
    match crate::audio::misnamed_problem(rel, facts.format) {
        Some(problem) => {
            let fitting = crate::audio::fitting_name(&shown.to_string_lossy(), facts.format);
            Err(Failure::errors(
                Diagnostic::error(format!(
                    "{problem}; rename it to {fitting} and run this again ({}); nothing was written",
                    crate::audio::MISNAMED_WHY
                ))
                .at(shown),
            ))
        }
        None => Ok(()),
    }
}

/// The path a user recognises: the site folder as given plus the site-relative path.
fn display_path(root: &Path, rel: &str) -> PathBuf {
    root.join(rel)
}

/// The `--audio` argument, resolved.
#[derive(Debug)]
enum Audio {
    /// A file inside the site: its site-relative path with `/` separators.
    Local { rel: String, path: PathBuf },
    /// An http(s) URL, probed over the network or known from the lock.
    Remote {
        url: String,
        lock_entry: Option<crate::lock::LockedAudio>,
    },
}

impl Audio {
    fn front_matter_value(&self) -> &str {
        match self {
            Audio::Local { rel, .. } => rel,
            Audio::Remote { url, .. } => url,
        }
    }
}

/// Finds `--audio` relative to the current folder (as a shell user means it), else relative
/// to the site (for a show: its folder, then the site); it must be a file inside the site, or
/// inside the show's folder, since the build publishes it from there.
fn resolve_audio(target: &Target, arg: &str) -> Result<Audio, Failure> {
    let root = target.dir.as_path();
    if arg.starts_with("https://") || arg.starts_with("http://") {
        let lock = crate::lock::Lock::load(&target.root).map_err(Failure::errors)?;
        let resolved =
            crate::lock::resolve::resolve_remote(arg, &lock, true).map_err(|mut d| {
                d.message.push_str("; nothing was written");
                Failure::errors(d)
            })?;
        return Ok(Audio::Remote {
            url: arg.to_string(),
            lock_entry: resolved.lock_entry,
        });
    }
    let given = Path::new(arg);
    let candidates = [
        given.to_path_buf(),
        root.join(given),
        target.root.join(given),
    ];
    let Some(found) = candidates.iter().find(|p| p.exists()) else {
        return Err(Failure::errors(
            Diagnostic::error(match target.show {
                Some(_) => "no such audio file (looked in the current folder, in the show's folder and in the site folder)",
                None => "no such audio file (looked in the current folder and in the site folder)",
            })
            .at(given),
        ));
    };
    if !found.is_file() {
        return Err(Failure::errors(
            Diagnostic::error("is not a file").at(found),
        ));
    }
    let real = found
        .canonicalize()
        .map_err(|e| Failure::errors(Diagnostic::error(format!("cannot read: {e}")).at(found)))?;
    let real_root = root.canonicalize().map_err(|e| {
        Failure::errors(Diagnostic::error(format!("cannot read the site folder: {e}")).at(root))
    })?;
    let Ok(inside) = real.strip_prefix(&real_root) else {
        let message = match &target.show {
            None => format!(
                "is not inside the site folder; copy it into {} first (scripts/episode-add.sh \
                 does that for you)",
                root.join("audio").display()
            ),
            Some((rel, others)) => {
                let name = rel.file_name().unwrap_or_default().to_string_lossy();
                // Another show's audio is that show's: each show publishes its own folder.
                let other = others.iter().find(|o| {
                    target
                        .root
                        .join(o)
                        .canonicalize()
                        .is_ok_and(|o| real.starts_with(o))
                });
                format!(
                    "is not inside the show's folder {}{}; copy it into {} first \
                     (scripts/episode-add.sh --show {name} does that for you)",
                    rel.display(),
                    other.map_or(String::new(), |o| format!(
                        " (it is {}'s audio)",
                        o.display()
                    )),
                    root.join("audio").display()
                )
            }
        };
        return Err(Failure::errors(Diagnostic::error(message).at(found)));
    };
    let rel = inside
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    Ok(Audio::Local { rel, path: real })
}

/// What numbering and slugs need to know of an episode already in the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingEpisode {
    pub file: String,
    pub slug: String,
    pub number: Option<u32>,
    pub season: Option<u32>,
    /// Its audio: the site-relative path of a local file, or the URL.
    pub audio: String,
}

/// Every episode file of the site, drafts included, read with the build's own parser (so
/// `episode_number:` and friends count). A file the build would reject stops `new episode`
/// too: its number or slug might be the one we are about to take.
pub fn existing_episodes(root: &Path, config: &Config) -> Result<Vec<ExistingEpisode>, Failure> {
    let mut diags = Diagnostics::new();
    let files = content::markdown_files(root, "episodes", &mut diags);
    let mut episodes = Vec::new();
    for path in files {
        match content::parse_episode(root, &path, config) {
            Ok(source) => episodes.push(ExistingEpisode {
                file: source.file,
                slug: source.slug,
                number: source.front.episode,
                season: source.front.season,
                audio: audio_key(&source.audio),
            }),
            Err(errors) => diags.extend(errors),
        }
    }
    if diags.has_errors() {
        diags.push(Diagnostic::error(
            "fix the episode files above first: onair new episode reads them all to choose the next number and a free slug",
        ));
        return Err(Failure {
            code: super::EXIT_ERRORS,
            diags,
        });
    }
    Ok(episodes)
}

/// An episode's audio as `new episode` compares it: a local path as a lock key.
fn audio_key(audio: &content::AudioSource) -> String {
    match audio {
        content::AudioSource::Local(rel) => {
            crate::lock::resolve::lock_key(rel).unwrap_or_else(|| rel.clone())
        }
        content::AudioSource::Remote(url) => url.clone(),
    }
}

/// One more than the highest episode number in the site (1 for the first).
pub fn next_number(existing: &[ExistingEpisode]) -> u32 {
    existing
        .iter()
        .filter_map(|e| e.number)
        .max()
        .map_or(1, |n| n.saturating_add(1))
}

/// The title's slug, made unique among `taken` with `-2`, `-3`…; `episode-N` when the title
/// has no letters or digits to make one from.
pub fn unique_slug(title: &str, number: u32, taken: &BTreeSet<&str>) -> String {
    let mut base = crate::slug::slugify(title);
    if base.is_empty() {
        base = format!("episode-{number}");
    }
    if !taken.contains(base.as_str()) {
        return base;
    }
    (2..)
        .map(|i| format!("{base}-{i}"))
        .find(|s| !taken.contains(s.as_str()))
        .expect("some suffix is free")
}

/// The front matter of a new episode.
struct FrontMatter<'a> {
    title: &'a str,
    date: &'a Zoned,
    audio: &'a str,
    number: u32,
    season: Option<u32>,
    summary: &'a str,
    tags: &'a [String],
    guid: &'a str,
    draft: bool,
}

impl FrontMatter<'_> {
    fn render(&self) -> String {
        let mut out = String::from("---\n");
        out += &format!("title: {}\n", yaml_quote(self.title));
        out += &format!("date: {}\n", crate::dates::rfc3339(self.date));
        out += &format!("audio: {}\n", yaml_quote(self.audio));
        out += &format!("episode: {}\n", self.number);
        if let Some(season) = self.season {
            out += &format!("season: {season}\n");
        }
        out += &format!("summary: {}\n", yaml_quote(self.summary));
        let tags: Vec<String> = self
            .tags
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .map(yaml_quote)
            .collect();
        if !tags.is_empty() {
            out += &format!("tags: [{}]\n", tags.join(", "));
        }
        out += &format!("guid: {}\n", self.guid);
        if self.draft {
            out += "draft: true\n";
        }
        out += "---\n";
        out += NOTES_PLACEHOLDER;
        out
    }
}

/// Creates `path` with `bytes`, never replacing an existing file (even one that appears
/// while we write), and leaves nothing behind on failure.
fn write_new_file(dir: &Path, path: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    fs::create_dir_all(dir)
        .map_err(|e| Diagnostic::error(format!("cannot create the episodes folder: {e}")))?;
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => {
                Diagnostic::error("already exists; onair new episode never overwrites a file")
            }
            _ => Diagnostic::error(format!("cannot create the episode file: {e}")),
        })?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if let Err(e) = written {
        drop(file);
        let _ = fs::remove_file(path);
        return Err(Diagnostic::error(format!(
            "cannot write the episode file: {e}"
        )));
    }
    Ok(())
}

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

    fn existing(slug: &str, number: Option<u32>) -> ExistingEpisode {
        ExistingEpisode {
            file: format!("episodes/{slug}.md"),
            slug: slug.to_string(),
            number,
            season: None,
            audio: format!("audio/{slug}.mp3"),
        }
    }

    #[test]
    fn next_number_follows_the_highest() {
        assert_eq!(next_number(&[]), 1);
        assert_eq!(next_number(&[existing("a", None)]), 1);
        let site = [
            existing("a", Some(3)),
            existing("b", None),
            existing("c", Some(218)),
        ];
        assert_eq!(next_number(&site), 219);
    }

    #[test]
    fn slugs_are_unique_and_never_empty() {
        let taken: BTreeSet<&str> = ["pilot", "pilot-2", "episode-4"].into_iter().collect();
        assert_eq!(unique_slug("Pilot", 1, &taken), "pilot-3");
        assert_eq!(unique_slug("Café Olé!", 1, &taken), "cafe-ole");
        assert_eq!(unique_slug("東京", 1, &taken), "dong-jing");
        assert_eq!(unique_slug("???", 5, &taken), "episode-5");
        assert_eq!(unique_slug("???", 4, &taken), "episode-4-2");
    }

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
                crate::frontmatter::parse(&yaml, std::path::Path::new("t.yaml"), 1).unwrap();
            assert_eq!(back["title"], text, "{yaml}");
        }
        assert_eq!(yaml_quote("a \"b\""), r#""a \"b\"""#);
    }
}
