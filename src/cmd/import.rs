//! `onair import FEED [DIR]`: an existing show's feed becomes an onair site.

use std::process::ExitCode;

use crate::cli::ImportArgs;
use crate::import::{ImportOptions, import};

pub fn run(args: &ImportArgs) -> ExitCode {
    if let Some(url) = &args.url
        && !is_site_address(url)
    {
        eprintln!(
            "error: --url {url}: give the new site's absolute address, such as https://podcast.example.com"
        );
        return super::exit(super::EXIT_USAGE);
    }
    if let Some(name) = &args.show
        && let Some(problem) = crate::network::show_name_problem(name)
    {
        eprintln!("error: --show {name}: {problem}");
        return super::exit(super::EXIT_USAGE);
    }
    // A show's files are under shows/<name>/.
    let prefix = args.show.as_ref().map_or(String::new(), |n| {
        format!("{}/{n}/", crate::network::SHOWS_DIR)
    });
    let opts = ImportOptions {
        feed: args.feed.clone(),
        dir: args.dir.clone(),
        download: args.download,
        download_audio: args.download_audio,
        url: args.url.clone(),
        allow_network: true,
        strict: args.strict,
        keep_posts: args.keep_posts,
        show: args.show.clone(),
    };
    match import(&opts) {
        Ok(report) => {
            let (_, warnings) = super::report(report.warnings.iter());
            for line in &report.already_present {
                eprintln!("skipped: {line}");
            }
            let episodes = report
                .written
                .iter()
                .filter(|f| {
                    f.strip_prefix(&prefix)
                        .is_some_and(|f| f.starts_with("episodes/"))
                })
                .count();
            eprintln!(
                "imported {episodes} episode(s) into {} ({} file(s) written, {} already there); {}; {}; {warnings} warning(s) above",
                args.dir.display(),
                report.written.len(),
                report.already_present.len(),
                tally("skipped", &report.skipped),
                tally("guessed", &report.guessed),
            );
            let wrote = |file: &str| report.written.iter().any(|f| f == file);
            if !wrote(crate::config::CONFIG_FILE)
                && let Some(name) = &args.show
            {
                eprintln!(
                    "next: check {prefix}{}, `onair build`, publish, then redirect the old feed to /{name}/feed.xml under the network's url (docs/migrating-from-a-host.md)",
                    crate::network::SHOW_FILE
                );
            } else if wrote(crate::config::CONFIG_FILE) {
                match &args.url {
                    Some(url) => eprintln!(
                        "next: `onair build`, publish, then redirect the old feed to {}/{}feed.xml (docs/migrating-from-a-host.md)",
                        url.trim_end_matches('/'),
                        args.show
                            .as_ref()
                            .map_or(String::new(), |n| format!("{n}/"))
                    ),
                    None => eprintln!(
                        "next: set `url:` in site.yaml to the new site's address (or import with --url), `onair build`, then redirect the old feed (docs/migrating-from-a-host.md)"
                    ),
                }
            }
            super::exit(super::EXIT_OK)
        }
        Err(mut diags) => {
            diags.sort();
            let (errors, _) = super::report(diags.iter());
            eprintln!("import failed: {errors} error(s); nothing was written");
            let downloads = args.dir.join(".onair").join("downloads");
            if args.download_audio && downloads.is_dir() {
                eprintln!(
                    "the audio downloaded so far waits in {} for the next run, which resumes it",
                    downloads.display()
                );
            }
            super::exit(super::EXIT_ERRORS)
        }
    }
}

/// `skipped 3 (no audio enclosure: 2, the guid of an earlier item: 1)`: how many, and why.
fn tally(verb: &str, items: &[(String, String)]) -> String {
    if items.is_empty() {
        return format!("{verb} 0");
    }
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for (_, why) in items {
        match counts.iter_mut().find(|(w, _)| w == why) {
            Some((_, n)) => *n += 1,
            None => counts.push((why, 1)),
        }
    }
    let parts: Vec<String> = counts.iter().map(|(w, n)| format!("{w}: {n}")).collect();
    format!("{verb} {} ({})", items.len(), parts.join(", "))
}

/// `https://host` or `https://host/path`: what site.yaml's `url:` accepts.
fn is_site_address(url: &str) -> bool {
    let host = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    host.is_some_and(|h| !h.is_empty() && !h.starts_with('/') && !h.contains(char::is_whitespace))
}
