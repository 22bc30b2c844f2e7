//! `onair check [DIR | FEED.xml]`: validate a feed file, or a site's feed built in memory.

use std::path::Path;
use std::process::ExitCode;

use crate::check::{self, AgainstOptions, BuildCheck, CheckOptions, rules};
use crate::cli::CheckArgs;
use crate::diag::{Diagnostic, Severity};
use crate::pipeline::{BuildOptions, build_site};
use crate::published::Baseline;

pub fn run(args: &CheckArgs) -> ExitCode {
    if args.rules {
        print_rules(args.json);
        return super::exit(super::EXIT_OK);
    }
    let target = &args.target;
    if target.is_dir() {
        return check_site_folder(args);
    }
    let bytes = match std::fs::read(target) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", target.display());
            return super::exit(super::EXIT_USAGE);
        }
    };
    // A web page saved or given instead of its feed: say so, and name the feed it links to.
    let text = String::from_utf8_lossy(&bytes);
    if let Some(start) = crate::import::html::html_page_start(&text) {
        let (line, col) = crate::import::xml::line_col(&text, start);
        let message = crate::import::html::not_a_feed_to_check(&text);
        let d = Diagnostic::error(message).at(target).line_col(line, col);
        return finish(&[d], &[], target, args.json);
    }
    let opts = CheckOptions::default();
    let mut diags = check::check_feed_bytes(&bytes, target, &opts);
    let episodes = check::feed_episodes(&String::from_utf8_lossy(&bytes));
    if let Some(old_path) = &args.against {
        let old = match std::fs::read_to_string(old_path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", old_path.display());
                return super::exit(super::EXIT_USAGE);
            }
        };
        let new = String::from_utf8_lossy(&bytes);
        diags.extend(check::check_against(
            &old,
            old_path,
            &new,
            target,
            &AgainstOptions {
                allow_feed_changes: args.allow_feed_changes,
                ..AgainstOptions::default()
            },
        ));
    }
    finish(&diags, &episodes, target, args.json)
}

/// `onair check DIR`: build the site in memory and check what `onair build` would publish,
/// against `--against` or else the feed last published (`crate::published`).
fn check_site_folder(args: &CheckArgs) -> ExitCode {
    let dir = &args.target;
    let opts = BuildOptions {
        root: dir.clone(),
        drafts: args.drafts,
        base_url: None,
        locked: false,
        allow_network: true,
        at: None,
    };
    let built = match build_site(&opts) {
        Ok(b) => b,
        Err(diags) => {
            let mut diags = diags.into_vec();
            diags.sort_by(|a, b| (&a.path, a.line, a.col).cmp(&(&b.path, b.line, b.col)));
            return finish(&diags, &[], dir, args.json);
        }
    };
    let label = dir.join("public").join("feed.xml");
    // The baseline is what was last published (never a local build), or the feed --against names.
    let against = match &args.against {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => Some((text, path.clone())),
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", path.display());
                return super::exit(super::EXIT_USAGE);
            }
        },
        None => None,
    };
    let mut diags = built.warnings.clone();
    if let Some(net) = &built.network {
        if against.is_some() {
            eprintln!(
                "error: --against compares one feed: a network has one per show; check a show's feed file instead"
            );
            return super::exit(super::EXIT_USAGE);
        }
        diags.extend(check_network(
            net,
            &built.output,
            &dir.join("public"),
            &Baseline::kept(dir),
            args.allow_feed_changes,
        ));
        return finish(&diags, &check::site_episodes(&built.site), dir, args.json);
    }
    let previous = against.or_else(|| Baseline::kept(dir).feed("feed.xml"));
    diags.extend(check::check_output(
        &built.site,
        &built.output,
        built.parsed_feed.as_ref(),
        &label,
        &BuildCheck {
            previous_feed: previous.as_ref().map(|(o, p)| (o.as_str(), p.as_path())),
            allow_feed_changes: args.allow_feed_changes,
            at: None,
        },
    ));
    finish(&diags, &check::site_episodes(&built.site), dir, args.json)
}

/// Print the problems (text or JSON) and return the exit status. The JSON also lists the
/// episodes the feed states (from the site model when a site was built).
pub fn finish(
    diags: &[Diagnostic],
    episodes: &[check::FeedEpisode],
    target: &Path,
    json: bool,
) -> ExitCode {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    if json {
        let out = serde_json::json!({
            "target": target,
            "errors": errors,
            "warnings": warnings,
            "diagnostics": diags,
            "episodes": episodes,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&out).expect("diagnostics serialize")
        );
    } else {
        super::report(diags);
        if diags.is_empty() {
            println!("{}: ok (no errors, no warnings)", target.display());
        } else {
            eprintln!(
                "{}: {errors} error{}, {warnings} warning{}",
                target.display(),
                if errors == 1 { "" } else { "s" },
                if warnings == 1 { "" } else { "s" }
            );
        }
    }
    super::exit(if errors > 0 {
        super::EXIT_ERRORS
    } else {
        super::EXIT_OK
    })
}

fn print_rules(json: bool) {
    if json {
        let not_checked: Vec<_> = rules::NOT_CHECKED
            .iter()
            .map(|(section, what)| serde_json::json!({ "section": section, "what": what }))
            .collect();
        let out = serde_json::json!({ "rules": rules::RULES, "not_checked": not_checked });
        println!(
            "{}",
            serde_json::to_string_pretty(&out).expect("rules serialize")
        );
        return;
    }
    let width = rules::RULES.iter().map(|r| r.id.len()).max().unwrap_or(0);
    for r in rules::RULES {
        let level = match r.severity {
            Severity::Error => "error  ",
            Severity::Warning => "warning",
        };
        println!("{:width$}  {level}  {}  [{}]", r.id, r.summary, r.source);
    }
    println!();
    println!("Not checked (outside what a feed file and a build can show):");
    for (section, what) in rules::NOT_CHECKED {
        println!("  {section}: {what}");
    }
}

/// `onair build`'s check of what it is about to publish into `dest`: the feed rules, and the
/// feed against the one listeners have now (`baseline`). The problems, in file order, for
/// `report_before_publish`.
pub fn before_publish(
    built: &crate::pipeline::Built,
    dest: &Path,
    baseline: &Baseline,
    allow_feed_changes: bool,
    at: Option<jiff::Timestamp>,
) -> Vec<Diagnostic> {
    if let Some(net) = &built.network {
        return check_network(net, &built.output, dest, baseline, allow_feed_changes);
    }
    let label = dest.join("feed.xml");
    let old = baseline.feed("feed.xml");
    // The feed was put through the rules as of now while it rendered: --at checks it again.
    let parsed = built.parsed_feed.as_ref().filter(|_| at.is_none());
    let mut diags = check::check_output(
        &built.site,
        &built.output,
        parsed,
        &label,
        &BuildCheck {
            previous_feed: old.as_ref().map(|(o, p)| (o.as_str(), p.as_path())),
            allow_feed_changes,
            at,
        },
    );
    diags.sort_by(|a, b| (&a.path, a.line, a.col).cmp(&(&b.path, b.line, b.col)));
    diags
}

/// `before_publish` for a network: each show's feed as a site of its own (against the show's
/// published feed), then the network's combined and publisher feeds.
fn check_network(
    net: &crate::pipeline::network::BuiltNetwork,
    output: &crate::output::SiteOutput,
    dest: &Path,
    baseline: &Baseline,
    allow_feed_changes: bool,
) -> Vec<Diagnostic> {
    use crate::pipeline::network::{NETWORK_FEED, PUBLISHER_FEED};
    let mut diags = Vec::new();
    for show in &net.shows {
        let label = dest.join(&show.prefix).join("feed.xml");
        let old = baseline.feed(&format!("{}feed.xml", show.prefix));
        diags.extend(check::check_output(
            &show.site,
            &show.output,
            show.parsed_feed.as_ref(),
            &label,
            &BuildCheck {
                previous_feed: old.as_ref().map(|(o, p)| (o.as_str(), p.as_path())),
                allow_feed_changes,
                at: None,
            },
        ));
    }
    for (key, url) in [
        (NETWORK_FEED, &net.feed_url),
        (PUBLISHER_FEED, &net.publisher_url),
    ] {
        diags.extend(check::check_feed_of_output(
            output,
            &net.config.base_url,
            key,
            url.clone(),
            &dest.join(key),
        ));
    }
    diags.sort_by(|a, b| (&a.path, a.line, a.col).cmp(&(&b.path, b.line, b.col)));
    diags
}

/// Prints `before_publish`'s problems; false when there are errors.
pub fn report_before_publish(diags: &[Diagnostic]) -> bool {
    let (errors, _) = super::report(diags.iter());
    if errors > 0 {
        eprintln!(
            "build failed: the feed has {errors} error(s) (rule ids above; `onair check --rules` explains them); nothing was published"
        );
    }
    errors == 0
}
