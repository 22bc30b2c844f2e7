//! `onair check [DIR | FEED.xml]`: validate a feed file, or a site's feed built in memory.

use std::path::Path;
use std::process::ExitCode;

use crate::check::{self, AgainstOptions, CheckOptions, rules};
use crate::cli::CheckArgs;
use crate::diag::{Diagnostic, Severity};

pub fn run(args: &CheckArgs) -> ExitCode {
    if args.rules {
        print_rules(args.json);
        return super::exit(super::EXIT_OK);
    }
    let target = &args.target;
    if target.is_dir() {
        eprintln!(
            "error: checking a site folder needs `onair build`'s in-memory build, which is not available yet; \
             check a feed file instead: onair check {}/public/feed.xml",
            target.display()
        );
        return super::exit(super::EXIT_USAGE);
    }
    let bytes = match std::fs::read(target) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", target.display());
            return super::exit(super::EXIT_USAGE);
        }
    };
    let opts = CheckOptions::default();
    let mut diags = check::check_feed_bytes(&bytes, target, &opts);
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
            },
        ));
    }
    finish(&diags, target, args.json)
}

/// Print the problems (text or JSON) and return the exit status.
pub fn finish(diags: &[Diagnostic], target: &Path, json: bool) -> ExitCode {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    if json {
        let out = serde_json::json!({
            "target": target,
            "errors": errors,
            "warnings": warnings,
            "diagnostics": diags,
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
