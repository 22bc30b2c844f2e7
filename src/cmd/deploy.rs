//! `onair deploy`: build (unless --no-build), then publish `public/` through `crate::deploy`.
//!
//! The stages, each a function below: open the site and its target, read what the target holds
//! (manifest and published feeds: the publish-safety baseline), build against that baseline,
//! check that every file the feed names will be there, plan, then upload (or list, for
//! --dry-run), keep the published feeds in `.onair/published/`, and ping.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::{BuildArgs, DeployArgs};
use crate::config::{CONFIG_FILE, Config};
use crate::deploy::target::{self, FileTarget, S3Options, S3Target, Target, Url};
use crate::deploy::{
    self, DEFAULT_MAX_DELETES, LocalFile, MANIFEST, Manifest, aws_files, credentials, ping, s3,
};
use crate::diag::Diagnostic;
use crate::published::{self, Baseline};

pub fn run(args: &DeployArgs) -> ExitCode {
    super::exit(match deploy_site(args) {
        Ok(code) | Err(code) => code,
    })
}

fn error(d: Diagnostic) -> u8 {
    super::report([&d]);
    super::EXIT_ERRORS
}

/// A stage's early end: the exit status, its reason already printed.
type Stage<T> = Result<T, u8>;

fn deploy_site(args: &DeployArgs) -> Stage<u8> {
    let (config, url) = open_site(args)?;
    let target = connect(args, &config, &url)?;
    let old = read_manifest(target.as_ref(), &url)?;
    let stale = target.stale_uploads().map_err(|e| {
        error(Diagnostic::error(format!(
            "deploy target `{url}`: {e}; nothing was deployed"
        )))
    })?;
    let baseline = read_baseline(target.as_ref(), &old, &url, args)?;
    if args.no_build {
        refuse_config_placeholders(args, &config)?;
        check_unbuilt_feeds(args, &baseline)?;
    } else {
        build(args, &baseline)?;
    }
    let public = args.dir.join("public");
    let (local, feed) = scan_public(args, &config, &public)?;
    refuse_missing_media(&feed, &config, &local, &old, &url)?;
    let plan = make_plan(args, &config, &local, &old, &feed, target.as_ref(), &url)?;
    if args.dry_run {
        print_stale(&stale, false);
        print_dry_run(&plan, &config, &url);
        return Ok(super::EXIT_OK);
    }
    clean_up(target.as_ref(), &url, &stale)?;
    if plan.is_empty(&old) {
        keep_published(args, &public, &local);
        eprintln!(
            "nothing to do: all {} file(s) on `{url}` are up to date",
            plan.unchanged
        );
        return Ok(super::EXIT_OK);
    }
    let outcome = deploy::execute(&plan, target.as_ref()).map_err(|e| {
        error(Diagnostic::error(format!(
            "deploy to `{url}` stopped: {e}; the feed there is still the old one unless it was already up; run `onair deploy` again to finish"
        )))
    })?;
    keep_published(args, &public, &local);
    eprintln!(
        "deployed to `{url}`: {} file(s) uploaded ({} bytes), {} deleted, {} unchanged{}",
        outcome.uploaded,
        outcome.bytes,
        outcome.deleted,
        plan.unchanged,
        already(&plan)
    );
    ping_feeds(&config, &outcome.changed_feeds);
    Ok(super::EXIT_OK)
}

/// site.yaml and the target's URL (`--to`, else `deploy.to`).
fn open_site(args: &DeployArgs) -> Stage<(Config, String)> {
    if !args.dir.is_dir() {
        eprintln!("error: `{}` is not a folder", args.dir.display());
        return Err(super::EXIT_USAGE);
    }
    let config = crate::network::site_config(&args.dir).map_err(|diags| {
        super::report(diags.iter());
        eprintln!("deploy failed: site.yaml has errors; nothing was deployed");
        super::EXIT_ERRORS
    })?;
    let url = match (&args.to, &config.deploy.to) {
        (Some(to), _) => to.clone(),
        (None, Some(to)) => to.clone(),
        (None, None) => {
            eprintln!(
                "error: no deploy target: give --to s3://BUCKET/PREFIX (or file:///PATH), or set `deploy: {{ to: ... }}` in site.yaml"
            );
            return Err(super::EXIT_USAGE);
        }
    };
    Ok((config, url))
}

/// The target `url` names: a folder or an S3-compatible store.
fn connect(args: &DeployArgs, config: &Config, url: &str) -> Stage<Box<dyn Target>> {
    let d = &config.deploy;
    let from_config = config.deploy.to.as_deref() == Some(url);
    let parsed = match target::parse_url(url) {
        Ok(u) => u,
        Err(msg) if from_config => {
            return Err(error(
                Diagnostic::error(format!("`deploy.to`: {msg}"))
                    .at(CONFIG_FILE)
                    .line(config.deploy_line),
            ));
        }
        Err(msg) => {
            eprintln!("error: --to: {msg}");
            return Err(super::EXIT_USAGE);
        }
    };
    match parsed {
        Url::File(root) => {
            if !root.is_dir() {
                return Err(error(Diagnostic::error(format!(
                    "deploy target `{url}`: `{}` is not a folder (make it first)",
                    root.display()
                ))));
            }
            Ok(Box::new(FileTarget { root }))
        }
        Url::S3 { bucket, prefix } => {
            let env = |k: &str| std::env::var(k).ok();
            let settings = aws_files::resolve(&env)
                .and_then(|mut s| credentials::fetch(&mut s, &env).map(|()| s))
                .map_err(|e| {
                    let mut d = Diagnostic::error(format!("{}; nothing was deployed", e.message));
                    if !e.path.as_os_str().is_empty() {
                        d = d.at(&e.path);
                    }
                    if let Some(line) = e.line {
                        d = d.line(line);
                    }
                    error(d)
                })?;
            let connect_timeout = seconds(args.connect_timeout, d.connect_timeout)
                .unwrap_or(s3::DEFAULT_CONNECT_TIMEOUT);
            let stall_timeout =
                seconds(args.stall_timeout, d.stall_timeout).unwrap_or(s3::DEFAULT_STALL_TIMEOUT);
            if connect_timeout.is_zero() || stall_timeout.is_zero() {
                eprintln!(
                    "error: --connect-timeout / --stall-timeout (deploy.connect_timeout / deploy.stall_timeout) must be at least 1 second"
                );
                return Err(super::EXIT_USAGE);
            }
            let target = S3Target::new(S3Options {
                bucket,
                prefix,
                endpoint: config.deploy.endpoint.clone(),
                region: config.deploy.region.clone(),
                path_style: config.deploy.path_style,
                settings,
                connect_timeout,
                stall_timeout,
                verify_etag: d.verify_etag.unwrap_or(true),
            })
            .map_err(|e| error(Diagnostic::error(format!("deploy target `{url}`: {e}"))))?;
            Ok(Box::new(target))
        }
    }
}

/// A flag's seconds, else site.yaml's.
fn seconds(flag: Option<u64>, config: Option<u64>) -> Option<std::time::Duration> {
    flag.or(config).map(std::time::Duration::from_secs)
}

/// What an interrupted deploy left under way, one line each: to do (a dry run, on stdout) or
/// done.
fn print_stale(stale: &[target::Pending], done: bool) {
    for p in stale {
        let line = match (&p.upload_id, done) {
            (Some(id), false) => format!("abort multipart upload {} (id {id})", p.key),
            (Some(id), true) => format!("aborted multipart upload {} (id {id})", p.key),
            (None, false) => format!("delete staged copy {}", p.key),
            (None, true) => format!("deleted staged copy {}", p.key),
        };
        match done {
            false => println!("{line}, left by an interrupted deploy"),
            true => eprintln!("{line}, left by an interrupted deploy"),
        }
    }
}

/// Aborts the multipart uploads (and deletes the staged copies) an interrupted deploy left.
fn clean_up(target: &dyn Target, url: &str, stale: &[target::Pending]) -> Stage<()> {
    if stale.is_empty() {
        return Ok(());
    }
    target.clean_up(stale).map_err(|e| {
        error(Diagnostic::error(format!(
            "deploy target `{url}`: {e}; nothing was deployed"
        )))
    })?;
    print_stale(stale, true);
    Ok(())
}

fn read_manifest(target: &dyn Target, url: &str) -> Stage<Manifest> {
    match target.get(MANIFEST) {
        Ok(Some(bytes)) => Manifest::parse(&bytes)
            .map_err(|e| error(Diagnostic::error(format!("deploy target `{url}`: {e}")))),
        Ok(None) => Ok(Manifest::default()),
        Err(e) => Err(error(Diagnostic::error(format!(
            "deploy target `{url}`: {e}; nothing was deployed"
        )))),
    }
}

/// The feeds listeners have now: each feed the target holds (by its manifest; `feed.xml` when
/// the manifest is lost), else the copy the last successful deploy kept.
fn read_baseline(
    target: &dyn Target,
    old: &Manifest,
    url: &str,
    args: &DeployArgs,
) -> Stage<Baseline> {
    let mut keys: Vec<&str> = old
        .files
        .keys()
        .map(String::as_str)
        .filter(|k| published::is_feed_key(k))
        .collect();
    if keys.is_empty() {
        keys.push("feed.xml");
    }
    let mut feeds = BTreeMap::new();
    for key in keys {
        match target.get(key) {
            Ok(Some(bytes)) => {
                feeds.insert(
                    key.to_string(),
                    String::from_utf8_lossy(&bytes).into_owned(),
                );
            }
            Ok(None) => {}
            Err(e) => {
                return Err(error(Diagnostic::error(format!(
                    "deploy target `{url}`: cannot read its {key} to compare the new feed with: {e}; nothing was deployed"
                ))));
            }
        }
    }
    Ok(Baseline::Target {
        url: url.to_string(),
        feeds,
        site: args.dir.clone(),
    })
}

fn build(args: &DeployArgs, baseline: &Baseline) -> Stage<()> {
    let build = BuildArgs {
        dir: args.dir.clone(),
        output: None,
        drafts: false,
        base_url: None,
        locked: false,
        allow_feed_changes: args.allow_feed_changes,
        at: args.at.clone(),
    };
    if crate::cmd::build::build_against(&build, baseline, true) != super::EXIT_OK {
        eprintln!("deploy failed: the build failed; nothing was deployed");
        return Err(super::EXIT_ERRORS);
    }
    Ok(())
}

/// `onair init`'s sample values in site.yaml: refused without a build too.
fn refuse_config_placeholders(args: &DeployArgs, config: &Config) -> Stage<()> {
    let found = crate::lint::config_placeholders(&args.dir, config);
    if found.is_empty() {
        return Ok(());
    }
    for mut d in found {
        d.severity = crate::diag::Severity::Error;
        super::report([&d]);
    }
    eprintln!(
        "deploy failed: site.yaml still holds the sample values `onair init` wrote; nothing was deployed"
    );
    Err(super::EXIT_ERRORS)
}

/// --no-build publishes `public/` as it is: its feeds still get the publish-safety comparison
/// with what listeners have now.
fn check_unbuilt_feeds(args: &DeployArgs, baseline: &Baseline) -> Stage<()> {
    let Baseline::Target { feeds, .. } = baseline else {
        return Ok(());
    };
    let public = args.dir.join("public");
    let mut diags = Vec::new();
    for key in feeds.keys() {
        let label = public.join(key);
        let (Ok(new), Some((old, old_label))) =
            (std::fs::read_to_string(&label), baseline.feed(key))
        else {
            continue;
        };
        diags.extend(crate::check::check_against(
            &old,
            &old_label,
            &new,
            &label,
            &crate::check::AgainstOptions {
                allow_feed_changes: args.allow_feed_changes,
                from_site: true,
                ..Default::default()
            },
        ));
    }
    let (errors, _) = super::report(diags.iter());
    if errors > 0 {
        eprintln!("deploy failed: the feed in public/ has {errors} error(s); nothing was deployed");
        return Err(super::EXIT_ERRORS);
    }
    Ok(())
}

/// What `public/` holds, and the feed that names every published file (a network's combined
/// feed names the audio of every show).
fn scan_public(
    args: &DeployArgs,
    config: &Config,
    public: &std::path::Path,
) -> Stage<(Vec<LocalFile>, String)> {
    let feed_key = match crate::network::is_network(&args.dir) {
        true => crate::pipeline::network::NETWORK_FEED,
        false => "feed.xml",
    };
    if !public.join(feed_key).is_file() {
        return Err(error(Diagnostic::error(format!(
            "`{}` has no {feed_key}: run `onair build` first (or drop --no-build)",
            public.display()
        ))));
    }
    let local =
        deploy::scan(public, &config.deploy.headers).map_err(|e| error(Diagnostic::error(e)))?;
    let feed = std::fs::read_to_string(public.join(feed_key)).unwrap_or_default();
    Ok((local, feed))
}

/// Refuses (before anything goes up, --dry-run too) a feed that names site files this deploy
/// cannot make present: audio known only from onair.lock that the target does not hold.
fn refuse_missing_media(
    feed: &str,
    config: &Config,
    local: &[LocalFile],
    old: &Manifest,
    url: &str,
) -> Stage<()> {
    let missing = deploy::media::missing(feed, &config.base_url, local, old);
    if missing.is_empty() {
        return Ok(());
    }
    for m in &missing {
        super::report([&Diagnostic::error(deploy::media::describe(m))]);
    }
    eprintln!(
        "deploy failed: {} file(s) the feed names would not be on `{url}`; nothing was deployed",
        missing.len()
    );
    Err(super::EXIT_ERRORS)
}

fn make_plan(
    args: &DeployArgs,
    config: &Config,
    local: &[LocalFile],
    old: &Manifest,
    feed: &str,
    target: &dyn Target,
    url: &str,
) -> Stage<deploy::Plan> {
    let mut plan = deploy::plan(local, old, feed, &config.base_url);
    if let Err(e) = plan.skip_held(target) {
        return Err(error(Diagnostic::error(format!(
            "deploy target `{url}`: {e}; nothing was deployed"
        ))));
    }
    for key in &plan.kept {
        super::report([&Diagnostic::warning(format!(
            "{key} is gone from the site but the feed still points at it: kept on the target"
        ))]);
    }
    let max = args
        .max_deletes
        .or(config.deploy.max_deletes)
        .unwrap_or(DEFAULT_MAX_DELETES);
    if plan.deletes.len() > max {
        let mut shown: Vec<&str> = plan.deletes.iter().map(String::as_str).take(20).collect();
        if plan.deletes.len() > 20 {
            shown.push("...");
        }
        return Err(error(Diagnostic::error(format!(
            "refusing to delete {} files from `{url}` (more than --max-deletes {max}): {}; pass --max-deletes {} to allow it; nothing was deployed",
            plan.deletes.len(),
            shown.join(", "),
            plan.deletes.len()
        ))));
    }
    Ok(plan)
}

fn print_dry_run(plan: &deploy::Plan, config: &Config, url: &str) {
    for f in &plan.uploads {
        println!(
            "upload {} ({} bytes) Content-Type: {}; Cache-Control: {}",
            f.key, f.size, f.headers.content_type, f.headers.cache_control
        );
    }
    for key in &plan.deletes {
        println!("delete {key}");
    }
    for key in &plan.already {
        println!("already there {key}");
    }
    for key in &plan.changed_feeds {
        let feed_url = config.absolute(key);
        if let Some(hub) = &config.websub_hub {
            println!("ping WebSub hub {hub} for {feed_url}");
        }
        if std::env::var_os("PODPING_AUTH_TOKEN").is_some() {
            println!("ping Podping {} for {feed_url}", podping_url(config));
        }
    }
    eprintln!(
        "dry run: {} upload(s), {} deletion(s), {} file(s) unchanged{}; `{url}` was not changed",
        plan.uploads.len(),
        plan.deletes.len(),
        plan.unchanged,
        already(plan)
    );
}

/// The target now holds `public/`'s feeds: they are the next baseline. Best effort: without
/// the copy the next deploy still reads the target's feed.
fn keep_published(args: &DeployArgs, public: &std::path::Path, local: &[LocalFile]) {
    let keys: Vec<&str> = local
        .iter()
        .map(|f| f.key.as_str())
        .filter(|k| published::is_feed_key(k))
        .collect();
    if let Err(e) = published::keep(&args.dir, public, &keys) {
        super::report([&Diagnostic::warning(format!(
            "cannot keep a copy of the published feed in {}: {e} (the deploy itself succeeded)",
            PathBuf::from(&args.dir).join(published::DIR).display()
        ))]);
    }
}

fn ping_feeds(config: &Config, changed_feeds: &[String]) {
    for feed_url in changed_feeds.iter().map(|key| config.absolute(key)) {
        if let Some(hub) = &config.websub_hub {
            match ping::websub(hub, &feed_url) {
                Ok(()) => eprintln!("pinged WebSub hub {hub} for {feed_url}"),
                Err(e) => {
                    super::report([&Diagnostic::warning(format!(
                        "the WebSub ping to {hub} failed: {e} (the deploy itself succeeded)"
                    ))]);
                }
            }
        }
        match std::env::var("PODPING_AUTH_TOKEN") {
            Ok(token) if !token.is_empty() => {
                let endpoint = podping_url(config);
                match ping::podping(&endpoint, &token, &feed_url) {
                    Ok(()) => eprintln!("pinged Podping ({endpoint}) for {feed_url}"),
                    Err(e) => {
                        super::report([&Diagnostic::warning(format!(
                            "the Podping ping to {endpoint} failed: {e} (the deploy itself succeeded)"
                        ))]);
                    }
                }
            }
            _ => {}
        }
    }
}

/// ", N already there (sent by an interrupted deploy)", or nothing.
fn already(plan: &deploy::Plan) -> String {
    match plan.already.len() {
        0 => String::new(),
        n => format!(", {n} already there (sent by an interrupted deploy)"),
    }
}

fn podping_url(config: &Config) -> String {
    std::env::var("ONAIR_PODPING_URL")
        .ok()
        .filter(|s| !s.is_empty())
        .or_else(|| config.deploy.podping_url.clone())
        .unwrap_or_else(|| ping::PODPING_DEFAULT.to_string())
}
