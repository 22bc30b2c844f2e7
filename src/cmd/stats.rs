//! `onair stats`: the site's episodes, the logs read (every file on its own, on every core),
//! the count, and the report as a table, JSON, CSV or HTML.

use std::collections::BTreeSet;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use crate::cli::StatsArgs;
use crate::deploy::target::{S3Options, S3Target, Target};
use crate::diag::Diagnostic;
use crate::stats::agents::{Agent, Agents};
use crate::stats::count::{self, Period, Tally};
use crate::stats::episodes::{self, Catalog};
use crate::stats::formats::{ALL, Format};
use crate::stats::history::{FileRow, History};
use crate::stats::sources::{self, FileResult};
use crate::stats::{html, report, time};

/// An `agents` row of the history: agent, kind, name, device.
type AgentRow = (String, &'static str, String, Option<String>);

pub fn run(args: &StatsArgs) -> ExitCode {
    super::exit(stats(args))
}

fn fail(msg: String) -> u8 {
    super::report([&Diagnostic::error(msg)]);
    super::EXIT_ERRORS
}

/// The history's `agents` rows: each agent, its kind, name and device.
fn agent_rows(tally: &Tally, counted: &count::Counted) -> Vec<AgentRow> {
    tally
        .agents
        .iter()
        .zip(&counted.agents)
        .map(|(a, named)| match named {
            Agent::Bot { name, watch } => (
                a.clone(),
                if *watch { "watch" } else { "bot" },
                name.clone(),
                None,
            ),
            Agent::Listener { name, device } => {
                (a.clone(), "listener", name.clone(), Some(device.clone()))
            }
        })
        .collect()
}

fn usage(msg: String) -> u8 {
    eprintln!("error: {msg}");
    super::EXIT_USAGE
}

/// The period of --since and --until, or a usage error.
fn period(args: &StatsArgs) -> Result<Period, String> {
    let day = |flag: &str, v: &Option<String>| -> Result<Option<i64>, String> {
        v.as_deref()
            .map(|s| {
                time::parse_day(s.trim())
                    .ok_or_else(|| format!("{flag} `{s}` is not a date (YYYY-MM-DD)"))
            })
            .transpose()
    };
    let p = Period {
        since: day("--since", &args.since)?,
        until: day("--until", &args.until)?,
    };
    if let (Some(s), Some(u)) = (p.since, p.until)
        && s > u
    {
        return Err("--since is after --until".into());
    }
    Ok(p)
}

fn stats(args: &StatsArgs) -> u8 {
    if !args.dir.is_dir() {
        return usage(format!("`{}` is not a folder", args.dir.display()));
    }
    let period = match period(args) {
        Ok(p) => p,
        Err(e) => return usage(e),
    };
    let forced = match args.format.as_deref() {
        None => None,
        Some(name) => match Format::from_name(name) {
            Some(f) => Some(f),
            None => {
                let names: Vec<&str> = ALL.iter().map(|f| f.name()).collect();
                return usage(format!(
                    "--format `{name}`: not a log format onair reads ({})",
                    names.join(", ")
                ));
            }
        },
    };
    if args.logs.is_empty() && !History::exists(&args.dir) {
        return usage(format!(
            "no history yet ({} is missing): give the logs to count with --logs FILE|DIR|s3://BUCKET/PREFIX",
            History::path(&args.dir).display()
        ));
    }
    let agents = match &args.user_agents {
        None => Agents::bundled(),
        Some(dir) => match Agents::from_dir(dir) {
            Ok(a) => a,
            Err(e) => return usage(format!("--user-agents: {e}")),
        },
    };
    // Every show's episodes go into the history; --show chooses what is reported.
    let (catalog, shown) = match episodes::load(&args.dir, args.show.as_deref()) {
        Ok((all, shown)) => (Catalog::new(all), Catalog::new(shown)),
        Err(diags) => {
            super::report(diags.iter());
            eprintln!("stats failed: the site has errors");
            return super::EXIT_ERRORS;
        }
    };
    let mut history = match History::open(&args.dir) {
        Ok(h) => h,
        Err(e) => return fail(e),
    };
    let failed = match args.logs.is_empty() {
        true => false,
        false => match read_logs(args, &catalog, forced, &mut history) {
            Ok(failed) => failed,
            Err(code) => return code,
        },
    };
    let tally = match history.load(&shown, period) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let counted = count::count(&tally, &shown, &agents);
    if let Err(e) = history.describe(&catalog, &agent_rows(&tally, &counted)) {
        return fail(e);
    }
    let r = report::build(&counted, &tally, &shown, (period.since, period.until));
    if let Err(code) = print(args, &r) {
        return code;
    }
    if failed {
        super::EXIT_ERRORS
    } else {
        super::EXIT_OK
    }
}

/// The S3 client of `s3://bucket/prefix`, set up as `onair deploy`'s (site.yaml's
/// `deploy:` endpoint, region and addressing; the AWS variables and files).
fn s3_maker(args: &StatsArgs) -> impl Fn(&str, &str) -> Result<Arc<dyn Target>, String> {
    let deploy = crate::network::site_config(&args.dir)
        .map(|c| c.deploy)
        .unwrap_or_default();
    move |bucket: &str, prefix: &str| {
        use crate::deploy::{aws_files, credentials, s3};
        let env = |k: &str| std::env::var(k).ok();
        let settings = aws_files::resolve(&env)
            .and_then(|mut s| credentials::fetch(&mut s, &env).map(|()| s))
            .map_err(|e| match e.line {
                Some(line) => format!("{}:{line}: {}", e.path.display(), e.message),
                None if !e.path.as_os_str().is_empty() => {
                    format!("{}: {}", e.path.display(), e.message)
                }
                None => e.message,
            })?;
        let secs = |v: Option<u64>, default| v.map(Duration::from_secs).unwrap_or(default);
        let target = S3Target::new(S3Options {
            bucket: bucket.to_string(),
            prefix: prefix.to_string(),
            endpoint: deploy.endpoint.clone(),
            region: deploy.region.clone(),
            path_style: deploy.path_style,
            settings,
            connect_timeout: secs(deploy.connect_timeout, s3::DEFAULT_CONNECT_TIMEOUT),
            stall_timeout: secs(deploy.stall_timeout, s3::DEFAULT_STALL_TIMEOUT),
            verify_etag: deploy.verify_etag.unwrap_or(true),
        })?;
        Ok(Arc::new(target) as Arc<dyn Target>)
    }
}

/// Reads every source into the history (the files read before left out); whether a source
/// or file failed (its problems printed). Err: nothing could be read.
fn read_logs(
    args: &StatsArgs,
    catalog: &Catalog,
    forced: Option<Format>,
    history: &mut History,
) -> Result<bool, u8> {
    let maker = s3_maker(args);
    let (inputs, errors) = sources::expand(&args.logs, &maker);
    let mut diags: Vec<Diagnostic> = errors
        .iter()
        .map(|e| Diagnostic::error(format!("--logs {e}")))
        .collect();
    // The whole of each file goes into the history; --since and --until choose what is shown.
    let results = sources::read_all(&inputs, catalog, Period::default(), forced);
    let mut failed = !errors.is_empty();
    let mut seen = BTreeSet::new();
    let mut tally = Tally::default();
    let mut new = Vec::new();
    for mut r in results {
        failed |= file_problems(&r, &mut diags);
        if r.error.is_some() {
            continue;
        }
        let before = match history.known(&r.hash) {
            Ok(b) => b,
            Err(e) => {
                diags.push(Diagnostic::error(e));
                return Err(finish(&diags, super::EXIT_ERRORS));
            }
        };
        if let Some(first) = before {
            if first != r.label {
                diags.push(
                    Diagnostic::warning(format!(
                        "the same lines as {first}, read before: counted once"
                    ))
                    .at(&r.label),
                );
            }
            continue;
        }
        if !seen.insert(r.hash) {
            diags.push(
                Diagnostic::warning("the same lines as a file read before: counted once")
                    .at(&r.label),
            );
            continue;
        }
        new.push(FileRow {
            hash: r.hash,
            source: r.label.clone(),
            format: r.format.map_or("?", |f| f.name()),
            lines_read: r.tally.lines_read,
            unparsed: r.tally.unparsed,
        });
        tally.merge(std::mem::take(&mut r.tally));
    }
    if let Err(e) = history.record(&new, &tally, catalog) {
        diags.push(Diagnostic::error(format!(
            "{e}; nothing of this run was recorded"
        )));
        return Err(finish(&diags, super::EXIT_ERRORS));
    }
    super::report(diags.iter());
    if inputs.is_empty() {
        eprintln!("stats failed: no log files to read");
        return Err(super::EXIT_ERRORS);
    }
    Ok(failed)
}

fn finish(diags: &[Diagnostic], code: u8) -> u8 {
    super::report(diags.iter());
    code
}

/// A file's error and its first unparsed lines as problems; whether it failed.
fn file_problems(r: &FileResult, diags: &mut Vec<Diagnostic>) -> bool {
    if let Some(e) = &r.error {
        diags
            .push(Diagnostic::error(format!("{e}; nothing of this file was counted")).at(&r.label));
        return true;
    }
    let format = r.format.map_or("?", |f| f.name());
    for u in &r.tally.samples {
        diags.push(
            Diagnostic::warning(format!("not a {format} log line ({}): skipped", u.reason))
                .at(&r.label)
                .line(u.line),
        );
    }
    let more = r.tally.unparsed - r.tally.samples.len() as u64;
    if more > 0 {
        diags.push(
            Diagnostic::warning(format!("{more} more lines not read as {format} log lines"))
                .at(&r.label),
        );
    }
    false
}

fn print(args: &StatsArgs, r: &report::Report) -> Result<(), u8> {
    if let Some(dir) = &args.html {
        write_html(dir, r, &args.dir)?;
    }
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(r).expect("a report serializes")
        );
    } else if args.csv {
        print!("{}", report::csv(r));
    } else {
        print!("{}", report::table(r));
    }
    Ok(())
}

/// Writes DIR/index.html, never over a file onair did not write.
fn write_html(dir: &std::path::Path, r: &report::Report, site: &std::path::Path) -> Result<(), u8> {
    let index = dir.join("index.html");
    if let Ok(old) = std::fs::read_to_string(&index)
        && !old.contains("<meta name=\"generator\" content=\"onair stats\">")
    {
        super::report([&Diagnostic::error(
            "exists and is not an onair stats report: not overwritten (give another --html folder)",
        )
        .at(&index)]);
        return Err(super::EXIT_ERRORS);
    }
    let title = crate::network::site_config(site)
        .map(|c| c.title)
        .unwrap_or_else(|_| "onair".into());
    let written =
        std::fs::create_dir_all(dir).and_then(|()| std::fs::write(&index, html::page(r, &title)));
    if let Err(e) = written {
        super::report([&Diagnostic::error(format!("cannot write the report: {e}")).at(&index)]);
        return Err(super::EXIT_ERRORS);
    }
    eprintln!("report written to {}", index.display());
    Ok(())
}
