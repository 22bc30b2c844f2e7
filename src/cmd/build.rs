//! `onair build`: build in memory, then publish through a staging folder.

use std::process::ExitCode;
use std::time::Instant;

use crate::cli::BuildArgs;
use crate::diag::Diagnostic;
use crate::pipeline::{BuildOptions, Staging, build_site, build_site_staged};
use crate::published::Baseline;

pub fn run(args: &BuildArgs) -> ExitCode {
    super::exit(build(args))
}

/// Builds and publishes into `public/`; the exit status as a number. The publish-safety
/// baseline is the feed the last successful deploy kept (none for a site never published).
pub fn build(args: &BuildArgs) -> u8 {
    build_against(args, &Baseline::kept(&args.dir), false)
}

/// `build` comparing the feed with `baseline` (`onair deploy`: the feed on its target). With
/// `deploying`, the sample values of `onair init` are errors, not warnings.
pub fn build_against(args: &BuildArgs, baseline: &Baseline, deploying: bool) -> u8 {
    let started = Instant::now();
    if !args.dir.is_dir() {
        eprintln!("error: `{}` is not a folder", args.dir.display());
        return super::EXIT_USAGE;
    }
    let at = match &args.at {
        Some(text) => match super::schedule::parse_at(text, &args.dir) {
            Ok(t) => Some(t),
            Err(msg) => {
                eprintln!("error: {msg}");
                return super::EXIT_USAGE;
            }
        },
        None => None,
    };
    let opts = BuildOptions {
        root: args.dir.clone(),
        drafts: args.drafts,
        base_url: args.base_url.clone(),
        locked: args.locked,
        allow_network: true,
        at,
    };
    let dest = args
        .output
        .clone()
        .unwrap_or_else(|| args.dir.join("public"));
    // Pages are written to the staging folder while the build renders; it replaces `dest` only
    // once the build and its checks passed. When it cannot be made, the build still runs, to
    // report every problem of the site, and publishing reports why it cannot.
    let staging = Staging::create(&args.dir, &dest);
    let result = match &staging {
        Ok(staging) => build_site_staged(&opts, staging),
        Err(_) => build_site(&opts),
    };
    let built = match result {
        Ok(b) => b,
        Err(mut diags) => {
            diags.sort();
            let (errors, warnings) = super::report(diags.iter());
            eprintln!(
                "build failed: {errors} error(s), {warnings} warning(s); nothing was published"
            );
            return super::EXIT_ERRORS;
        }
    };
    if deploying && !refuse_placeholders(&built) {
        return super::EXIT_ERRORS;
    }
    super::report(built.warnings.iter());
    let mut phases = crate::timings::Phases::start();
    // The feed rules and publish safety (issue 10): errors keep the published site as it is.
    // (The feed they read was parsed while the pages rendered.)
    let diags = super::check::before_publish(&built, &dest, baseline, args.allow_feed_changes, at);
    if !super::check::report_before_publish(&diags) {
        return super::EXIT_ERRORS;
    }
    phases.mark("check");
    if let Err(d) = staging.and_then(|staging| staging.publish(&built.output)) {
        super::report([&d]);
        eprintln!("build failed: nothing was published");
        return super::EXIT_ERRORS;
    }
    phases.mark("publish");
    if let Err(d) = built.lock.save(&args.dir) {
        super::report([&d]);
        return super::EXIT_ERRORS;
    }
    if let Some(line) =
        super::schedule::summary(&built.scheduled, at.unwrap_or_else(jiff::Timestamp::now))
    {
        eprintln!("{line}");
    }
    eprintln!(
        "built {} episode(s), {} page(s), {} file(s) into {} in {} ms",
        built.site.episodes.len(),
        built.site.pages.len(),
        built.output.files.len(),
        dest.display(),
        started.elapsed().as_millis()
    );
    // The process ends soon (a deploy only reads public/ after): the system takes the memory back at once, where dropping the
    // site model frees its hundreds of thousands of allocations one by one.
    std::mem::forget(built);
    super::EXIT_OK
}

/// A deploy publishes nothing that still holds `onair init`'s sample values: each is an error
/// (the other warnings are still printed). False when there are any.
fn refuse_placeholders(built: &crate::pipeline::Built) -> bool {
    let mut sites = vec![built.site.as_ref()];
    if let Some(net) = &built.network {
        sites.extend(net.shows.iter().map(|s| s.site.as_ref()));
    }
    let found: Vec<Diagnostic> = sites
        .into_iter()
        .flat_map(crate::lint::placeholders)
        .collect();
    if found.is_empty() {
        return true;
    }
    let others = built.warnings.iter().filter(|w| !found.contains(w));
    super::report(others);
    let errors: Vec<Diagnostic> = found
        .into_iter()
        .map(|mut d| {
            d.severity = crate::diag::Severity::Error;
            d
        })
        .collect();
    let (n, _) = super::report(errors.iter());
    eprintln!(
        "deploy failed: {n} sample value(s) that `onair init` wrote are still in the site; replace them, then deploy again; nothing was deployed"
    );
    false
}
