//! `onair deploy`: build (unless --no-build), then publish `public/` through `crate::deploy`.

use std::process::ExitCode;

use crate::cli::{BuildArgs, DeployArgs};
use crate::config::{CONFIG_FILE, Config};
use crate::deploy::target::{self, FileTarget, S3Options, S3Target, Target, Url};
use crate::deploy::{self, DEFAULT_MAX_DELETES, MANIFEST, Manifest, aws_files, ping};
use crate::diag::Diagnostic;

pub fn run(args: &DeployArgs) -> ExitCode {
    super::exit(deploy_site(args))
}

fn error(d: Diagnostic) -> u8 {
    super::report([&d]);
    super::EXIT_ERRORS
}

fn deploy_site(args: &DeployArgs) -> u8 {
    if !args.dir.is_dir() {
        eprintln!("error: `{}` is not a folder", args.dir.display());
        return super::EXIT_USAGE;
    }
    let config = match crate::network::site_config(&args.dir) {
        Ok(c) => c,
        Err(diags) => {
            super::report(diags.iter());
            eprintln!("deploy failed: site.yaml has errors; nothing was deployed");
            return super::EXIT_ERRORS;
        }
    };
    let (url, from_config) = match (&args.to, &config.deploy.to) {
        (Some(to), _) => (to.clone(), false),
        (None, Some(to)) => (to.clone(), true),
        (None, None) => {
            eprintln!(
                "error: no deploy target: give --to s3://BUCKET/PREFIX (or file:///PATH), or set `deploy: {{ to: ... }}` in site.yaml"
            );
            return super::EXIT_USAGE;
        }
    };
    let parsed = match target::parse_url(&url) {
        Ok(u) => u,
        Err(msg) if from_config => {
            return error(
                Diagnostic::error(format!("`deploy.to`: {msg}"))
                    .at(CONFIG_FILE)
                    .line(config.deploy_line),
            );
        }
        Err(msg) => {
            eprintln!("error: --to: {msg}");
            return super::EXIT_USAGE;
        }
    };
    if !args.no_build {
        let build = BuildArgs {
            dir: args.dir.clone(),
            output: None,
            drafts: false,
            base_url: None,
            locked: false,
            allow_feed_changes: args.allow_feed_changes,
        };
        if crate::cmd::build::build(&build) != super::EXIT_OK {
            eprintln!("deploy failed: the build failed; nothing was deployed");
            return super::EXIT_ERRORS;
        }
    }
    let public = args.dir.join("public");
    // A network's combined feed names the audio of every show (what must never be deleted).
    let feed_key = match crate::network::is_network(&args.dir) {
        true => crate::build::network::NETWORK_FEED,
        false => "feed.xml",
    };
    if !public.join(feed_key).is_file() {
        return error(Diagnostic::error(format!(
            "`{}` has no {feed_key}: run `onair build` first (or drop --no-build)",
            public.display()
        )));
    }
    let local = match deploy::scan(&public, &config.deploy.headers) {
        Ok(l) => l,
        Err(e) => return error(Diagnostic::error(e)),
    };
    let feed = std::fs::read_to_string(public.join(feed_key)).unwrap_or_default();
    let target: Box<dyn Target> = match &parsed {
        Url::File(root) => {
            if !root.is_dir() {
                return error(Diagnostic::error(format!(
                    "deploy target `{url}`: `{}` is not a folder (make it first)",
                    root.display()
                )));
            }
            Box::new(FileTarget { root: root.clone() })
        }
        Url::S3 { bucket, prefix } => match S3Target::new(S3Options {
            bucket: bucket.clone(),
            prefix: prefix.clone(),
            endpoint: config.deploy.endpoint.clone(),
            region: config.deploy.region.clone(),
            path_style: config.deploy.path_style,
            settings: match aws_files::resolve(&|k| std::env::var(k).ok()) {
                Ok(s) => s,
                Err(e) => {
                    let mut d = Diagnostic::error(format!("{}; nothing was deployed", e.message));
                    if !e.path.as_os_str().is_empty() {
                        d = d.at(&e.path);
                    }
                    if let Some(line) = e.line {
                        d = d.line(line);
                    }
                    return error(d);
                }
            },
        }) {
            Ok(t) => Box::new(t),
            Err(e) => return error(Diagnostic::error(format!("deploy target `{url}`: {e}"))),
        },
    };
    let old = match target.get(MANIFEST) {
        Ok(Some(bytes)) => match Manifest::parse(&bytes) {
            Ok(m) => m,
            Err(e) => return error(Diagnostic::error(format!("deploy target `{url}`: {e}"))),
        },
        Ok(None) => Manifest::default(),
        Err(e) => {
            return error(Diagnostic::error(format!(
                "deploy target `{url}`: {e}; nothing was deployed"
            )));
        }
    };
    let mut plan = deploy::plan(&local, &old, &feed, &config.base_url);
    if let Err(e) = plan.skip_held(target.as_ref()) {
        return error(Diagnostic::error(format!(
            "deploy target `{url}`: {e}; nothing was deployed"
        )));
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
        return error(Diagnostic::error(format!(
            "refusing to delete {} files from `{url}` (more than --max-deletes {max}): {}; pass --max-deletes {} to allow it; nothing was deployed",
            plan.deletes.len(),
            shown.join(", "),
            plan.deletes.len()
        )));
    }
    // Each changed feed's URL: the site's feed, or every changed feed of a network.
    let changed_feeds: Vec<String> = plan
        .changed_feeds
        .iter()
        .map(|key| config.absolute(key))
        .collect();
    if args.dry_run {
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
        for feed_url in &changed_feeds {
            if let Some(hub) = &config.websub_hub {
                println!("ping WebSub hub {hub} for {feed_url}");
            }
            if std::env::var_os("PODPING_AUTH_TOKEN").is_some() {
                println!("ping Podping {} for {feed_url}", podping_url(&config));
            }
        }
        eprintln!(
            "dry run: {} upload(s), {} deletion(s), {} file(s) unchanged{}; `{url}` was not changed",
            plan.uploads.len(),
            plan.deletes.len(),
            plan.unchanged,
            already(&plan)
        );
        return super::EXIT_OK;
    }
    if plan.is_empty(&old) {
        eprintln!(
            "nothing to do: all {} file(s) on `{url}` are up to date",
            plan.unchanged
        );
        return super::EXIT_OK;
    }
    let outcome = match deploy::execute(&plan, target.as_ref()) {
        Ok(o) => o,
        Err(e) => {
            return error(Diagnostic::error(format!(
                "deploy to `{url}` stopped: {e}; the feed there is still the old one unless it was already up; run `onair deploy` again to finish"
            )));
        }
    };
    eprintln!(
        "deployed to `{url}`: {} file(s) uploaded ({} bytes), {} deleted, {} unchanged{}",
        outcome.uploaded,
        outcome.bytes,
        outcome.deleted,
        plan.unchanged,
        already(&plan)
    );
    let pinged: Vec<String> = outcome
        .changed_feeds
        .iter()
        .map(|key| config.absolute(key))
        .collect();
    for feed_url in &pinged {
        if let Some(hub) = &config.websub_hub {
            match ping::websub(hub, feed_url) {
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
                let endpoint = podping_url(&config);
                match ping::podping(&endpoint, &token, feed_url) {
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
    super::EXIT_OK
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
