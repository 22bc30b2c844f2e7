//! `onair serve`: build in memory, serve, watch, rebuild, reload. Never writes `public/`; the
//! only files it may write are `onair.lock` (newly probed audio, newly assigned GUIDs) and
//! the audio stats cache in `.onair/`, as `build` does. A content error never stops it: the last good build stays served and the
//! browser shows the problems over it.

use std::collections::HashSet;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::cli::ServeArgs;
use crate::diag::Diagnostic;
use crate::output::SiteOutput;
use crate::pipeline::{BuildCache, BuildOptions, Built, Reuse, build_site_with};
use crate::serve::watch::{ChangeSet, Rebuild, SiteWatcher, next_batch};
use crate::serve::{LiveSite, Server};

/// One editor save is several file events within a few milliseconds (write, rename, chmod).
const DEBOUNCE_QUIET: Duration = Duration::from_millis(30);
/// A file being written for longer than this (a big audio copy) is rebuilt anyway.
const DEBOUNCE_MAX: Duration = Duration::from_secs(2);

pub fn run(args: &ServeArgs) -> ExitCode {
    let (root, listener, opts) = match prepare(args) {
        Ok(p) => p,
        Err(msg) => {
            eprintln!("error: {msg}");
            return super::exit(super::EXIT_USAGE);
        }
    };
    // Watch before the first build: a file saved while it runs (or just after the server
    // answers its first request) must still reach the browser.
    let watcher = match SiteWatcher::new(&root) {
        Ok(w) => Some(w),
        Err(e) => {
            eprintln!(
                "error: cannot watch `{}` for changes: {e}; serving without live reload",
                root.display()
            );
            None
        }
    };
    let mut cache = BuildCache::default();
    let mut shown = HashSet::new();
    let started = Instant::now();
    let first = build(&opts, &mut cache, &Reuse::Nothing, &mut shown);
    let first_ms = started.elapsed().as_millis();
    let site = Arc::new(LiveSite::new(&root, SiteOutput::new(), None));
    let summary = match first {
        Ok(built) => {
            let summary = describe(&built);
            let urls = site_urls(&built);
            site.publish_at(built.output, &built.site.config.base_path, urls, false);
            save_lock(&built.lock, &opts);
            summary
        }
        Err(problems) => {
            site.fail(problems);
            "the site has errors: they show in the browser until fixed".to_string()
        }
    };

    let server = match Server::start(listener, site.clone()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return super::exit(super::EXIT_USAGE);
        }
    };
    let mount = site.current().mount.clone();
    println!("onair: first build in {first_ms} ms: {summary}");
    println!("onair: serving http://{}{mount}", server.addr());
    println!(
        "onair: app view http://{}/_onair/ · watching {} · Ctrl+C to stop",
        server.addr(),
        root.display()
    );

    let Some(mut watcher) = watcher else {
        // Keep serving what was built: the server threads run until Ctrl+C.
        loop {
            std::thread::park();
        }
    };
    watch_loop(&opts, &site, &mut watcher, &mut cache, &mut shown);
    drop(server);
    super::exit(super::EXIT_OK)
}

/// The site folder, the bound listener and the build options, or why serving cannot start.
fn prepare(args: &ServeArgs) -> Result<(PathBuf, std::net::TcpListener, BuildOptions), String> {
    if !args.dir.is_dir() {
        return Err(format!("`{}` is not a folder", args.dir.display()));
    }
    let root = std::fs::canonicalize(&args.dir)
        .map_err(|e| format!("cannot open `{}`: {e}", args.dir.display()))?;
    let addr = listen_addr(&args.bind, args.port)?;
    let listener = crate::serve::listen(addr).map_err(|e| e.to_string())?;
    let at = match &args.at {
        Some(text) => Some(super::schedule::parse_at(text, &root)?),
        None => None,
    };
    let opts = BuildOptions {
        root: root.clone(),
        drafts: args.drafts,
        base_url: None,
        locked: false,
        allow_network: true,
        at,
    };
    Ok((root, listener, opts))
}

/// `--bind` and `--port` as one address; `localhost` and IPv6 work too.
fn listen_addr(bind: &str, port: u16) -> Result<SocketAddr, String> {
    let host = bind.trim_start_matches('[').trim_end_matches(']');
    (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("--bind {bind}: {e}"))?
        .next()
        .ok_or_else(|| format!("--bind {bind}: no address found"))
}

/// Build once. Warnings already printed by an earlier build are counted, not printed again: a save
/// should show what it changed, not a thousand lines the terminal showed before.
fn build(
    opts: &BuildOptions,
    cache: &mut BuildCache,
    reuse: &Reuse,
    shown: &mut HashSet<String>,
) -> Result<Built, Vec<Diagnostic>> {
    match build_site_with(opts, cache, reuse) {
        Ok(built) => {
            let lines: Vec<String> = built.warnings.iter().map(|w| w.to_string()).collect();
            let mut repeated = 0;
            for line in &lines {
                if shown.contains(line) {
                    repeated += 1;
                } else {
                    eprintln!("{line}");
                }
            }
            if repeated > 0 {
                eprintln!("onair: {repeated} warning(s) shown before still apply");
            }
            *shown = lines.into_iter().collect();
            Ok(built)
        }
        Err(mut diags) => {
            diags.sort();
            super::report(diags.iter());
            Err(diags.into_vec())
        }
    }
}

/// Saves the lock when the build learned something (probed audio, new GUIDs): after the
/// browser has the new build, which need not wait for it.
fn save_lock(lock: &crate::lock::Lock, opts: &BuildOptions) {
    if let Err(d) = lock.save(&opts.root) {
        super::report([&d]);
    }
}

fn site_urls(built: &Built) -> Option<crate::serve::SiteUrls> {
    let config = &built.site.config;
    let urls = crate::serve::SiteUrls {
        base_url: config.base_url.clone(),
        feed_url: config.feed_url(),
        scheduled: built
            .scheduled
            .iter()
            .map(|s| {
                format!(
                    "{}, {} {}",
                    s.title,
                    s.date.strftime("%Y-%m-%d %H:%M"),
                    s.date.time_zone().iana_name().unwrap_or("UTC")
                )
            })
            .collect(),
        loudness: loudness_figures(built),
    };
    Some(urls)
}

/// The loudness figures the lock holds for the site's own audio, by site key.
fn loudness_figures(built: &Built) -> std::collections::BTreeMap<String, String> {
    built
        .site
        .episodes
        .iter()
        .filter_map(|ep| match &ep.audio {
            crate::content::AudioSource::Local(rel) => crate::lock::resolve::lock_key(rel),
            crate::content::AudioSource::Remote(_) => None,
        })
        .filter_map(|key| {
            let l = built.lock.loudness_of(&key)?;
            let integrated = l
                .integrated
                .map_or("silent".to_string(), |i| format!("{i:.1} LUFS"));
            let peak = l
                .true_peak
                .map_or(String::new(), |p| format!(", {p:.1} dBTP"));
            Some((key, format!("{integrated}{peak}, {:.1} LU range", l.range)))
        })
        .collect()
}

fn describe(built: &Built) -> String {
    format!(
        "{} episode(s), {} page(s), {} file(s)",
        built.site.episodes.len(),
        built.site.pages.len(),
        built.output.files.len()
    )
}

fn watch_loop(
    opts: &BuildOptions,
    site: &LiveSite,
    watcher: &mut SiteWatcher,
    cache: &mut BuildCache,
    shown: &mut HashSet<String>,
) {
    while let Some(batch) = next_batch(&watcher.paths, DEBOUNCE_QUIET, DEBOUNCE_MAX) {
        watcher.follow(&batch);
        let changes = ChangeSet::from_paths(&opts.root, &batch);
        let Some(plan) = changes.rebuild() else {
            continue;
        };
        let started = Instant::now();
        let what = describe_changes(&opts.root, &changes);
        // The classifier knows what the batch touched: everything else is reused as the last
        // build left it. Pages are re-rendered only when what they show changed.
        let reuse = match &plan {
            Rebuild::Episodes(files) => Reuse::EpisodesExcept(files.clone()),
            Rebuild::Audio(files) => Reuse::AudioExcept(files.clone()),
            Rebuild::Stylesheets | Rebuild::Full => Reuse::Nothing,
        };
        match build(opts, cache, &reuse, shown) {
            Ok(built) => {
                let had_problems = site.current().problems.is_some();
                let urls = site_urls(&built);
                site.publish_at(
                    built.output,
                    &built.site.config.base_path,
                    urls,
                    plan == Rebuild::Stylesheets,
                );
                save_lock(&built.lock, opts);
                println!(
                    "onair: {}rebuilt in {} ms ({what})",
                    if had_problems { "fixed: " } else { "" },
                    started.elapsed().as_millis()
                );
            }
            Err(problems) => {
                let n = problems.iter().filter(|d| d.is_error()).count();
                site.fail(problems);
                println!("onair: {n} error(s) after {what}; still serving the last good build");
            }
        }
    }
}

/// `episodes/a.md, site.yaml` (at most a few names).
fn describe_changes(root: &Path, changes: &ChangeSet) -> String {
    use crate::serve::watch::Change;
    let names: Vec<String> = changes
        .changes
        .iter()
        .map(|c| match c {
            Change::Config => PathBuf::from("site.yaml"),
            Change::Episode(p)
            | Change::Page(p)
            | Change::Template(p)
            | Change::Stylesheet(p)
            | Change::Asset(p)
            | Change::Audio(p)
            | Change::Transcript(p)
            | Change::Other(p) => p.clone(),
        })
        .map(|p| p.strip_prefix(root).unwrap_or(&p).display().to_string())
        .collect();
    let shown = names.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
    if names.len() > 3 {
        format!("{shown} and {} more", names.len() - 3)
    } else {
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bind_and_port_make_one_address() {
        assert_eq!(
            listen_addr("127.0.0.1", 4000).unwrap(),
            "127.0.0.1:4000".parse().unwrap()
        );
        assert_eq!(listen_addr("::1", 0).unwrap(), "[::1]:0".parse().unwrap());
        assert_eq!(
            listen_addr("[::1]", 8080).unwrap(),
            "[::1]:8080".parse().unwrap()
        );
        assert!(listen_addr("localhost", 4000).unwrap().ip().is_loopback());
        assert!(listen_addr("not a host name", 4000).is_err());
    }
}
