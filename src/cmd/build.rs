//! `onair build`: build in memory, then publish through a staging folder.

use std::process::ExitCode;
use std::time::Instant;

use crate::build::{BuildOptions, build_site, publish};
use crate::cli::BuildArgs;

pub fn run(args: &BuildArgs) -> ExitCode {
    let started = Instant::now();
    if !args.dir.is_dir() {
        eprintln!("error: `{}` is not a folder", args.dir.display());
        return super::exit(super::EXIT_USAGE);
    }
    let opts = BuildOptions {
        root: args.dir.clone(),
        drafts: args.drafts,
        base_url: args.base_url.clone(),
        locked: args.locked,
        allow_network: true,
    };
    let built = match build_site(&opts) {
        Ok(b) => b,
        Err(mut diags) => {
            diags.sort();
            let (errors, warnings) = super::report(diags.iter());
            eprintln!(
                "build failed: {errors} error(s), {warnings} warning(s); nothing was published"
            );
            return super::exit(super::EXIT_ERRORS);
        }
    };
    super::report(built.warnings.iter());
    let dest = args
        .output
        .clone()
        .unwrap_or_else(|| args.dir.join("public"));
    let mut phases = crate::timings::Phases::start();
    // The feed rules and publish safety (issue 10): errors keep the published site as it is.
    if !super::check::before_publish(&built, &dest, args.allow_feed_changes) {
        return super::exit(super::EXIT_ERRORS);
    }
    phases.mark("check");
    if let Err(d) = publish(&built.output, &args.dir, &dest) {
        super::report([&d]);
        eprintln!("build failed: nothing was published");
        return super::exit(super::EXIT_ERRORS);
    }
    phases.mark("publish");
    if let Err(d) = built.lock.save(&args.dir) {
        super::report([&d]);
        return super::exit(super::EXIT_ERRORS);
    }
    eprintln!(
        "built {} episode(s), {} page(s), {} file(s) into {} in {} ms",
        built.site.episodes.len(),
        built.site.pages.len(),
        built.output.files.len(),
        dest.display(),
        started.elapsed().as_millis()
    );
    super::exit(super::EXIT_OK)
}
