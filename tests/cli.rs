//! The command line itself: every subcommand's `--help` describes each option and shows
//! examples, a closed pipe ends onair quietly, `onair init --title`.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use clap::CommandFactory;

fn onair(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_onair"))
        .args(args)
        .output()
        .unwrap()
}

/// Every subcommand's path (`["new", "episode"]`), from the parser the binary uses.
fn subcommands(cmd: &clap::Command, prefix: &[String], out: &mut Vec<Vec<String>>) {
    for sub in cmd.get_subcommands() {
        let mut path = prefix.to_vec();
        path.push(sub.get_name().to_string());
        out.push(path.clone());
        subcommands(sub, &path, out);
    }
}

/// The entries of the `Arguments:` and `Options:` sections of a `--help` text, each with the
/// text that follows its name: `("--port <PORT>", "The port to listen on [default: 4000]")`.
fn help_entries(help: &str) -> Vec<(String, String)> {
    let mut entries: Vec<(String, String)> = Vec::new();
    let mut in_section = false;
    for line in help.lines() {
        if line.is_empty() {
            in_section = false;
            continue;
        }
        if !line.starts_with(' ') {
            in_section = line == "Arguments:" || line == "Options:";
            continue;
        }
        if !in_section {
            continue;
        }
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let starts_entry =
            indent <= 6 && (trimmed.starts_with('-') || trimmed.starts_with(['<', '[']));
        if starts_entry {
            let (name, text) = trimmed.split_once("  ").unwrap_or((trimmed, ""));
            entries.push((name.trim().to_string(), text.trim().to_string()));
        } else if let Some(last) = entries.last_mut() {
            last.1.push(' ');
            last.1.push_str(trimmed);
        }
    }
    entries
}

/// A description is more than what clap adds by itself (`[default: 4000]`).
fn described(text: &str) -> bool {
    let mut rest = text.trim();
    while let Some(start) = rest.rfind('[') {
        let tail = &rest[start..];
        if tail.ends_with(']')
            && ["[default:", "[possible values:", "[aliases:"]
                .iter()
                .any(|p| tail.starts_with(p))
        {
            rest = rest[..start].trim_end();
        } else {
            break;
        }
    }
    !rest.is_empty()
}

#[test]
fn every_option_of_every_subcommand_is_described_and_each_has_examples() {
    let mut paths = Vec::new();
    subcommands(&onair::cli::Cli::command(), &[], &mut paths);
    assert!(paths.len() >= 9, "{paths:?}");
    let mut problems = Vec::new();
    for path in paths.iter().filter(|p| p.last().unwrap() != "help") {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let out = onair(&args);
        let help = String::from_utf8(out.stdout).unwrap();
        let what = path.join(" ");
        assert_eq!(out.status.code(), Some(0), "onair {what} --help");
        let entries = help_entries(&help);
        if entries.is_empty() {
            problems.push(format!("onair {what} --help: no options found in\n{help}"));
        }
        for (name, text) in entries {
            if !described(&text) {
                problems.push(format!("onair {what} --help: `{name}` has no description"));
            }
        }
        let examples = help.split_once("\nExamples:\n").map(|(_, e)| e);
        let onair_lines = examples.map_or(0, |e| {
            e.lines()
                .filter(|l| l.trim_start().starts_with(&format!("onair {}", path[0])))
                .count()
        });
        if onair_lines == 0 {
            problems.push(format!(
                "onair {what} --help: no `Examples:` of `onair {what}`"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_help_check_sees_an_option_without_a_description() {
    let help = "Usage: x\n\nOptions:\n      --port <PORT>  [default: 4000]\n      --json\n  -h, --help  Print help\n";
    let entries = help_entries(help);
    assert_eq!(entries.len(), 3, "{entries:?}");
    assert!(!described(&entries[0].1));
    assert!(!described(&entries[1].1));
    assert!(described(&entries[2].1));
    assert!(described("The port [default: 4000]"));
}

/// Runs onair with its stdout a pipe whose reading end is already closed, so its first write
/// fails as it does under `| head -1` once head has exited.
#[cfg(unix)]
fn with_closed_stdout(args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    Command::new(env!("CARGO_BIN_EXE_onair"))
        .args(args)
        .stdout(Stdio::from(writer))
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_onair_quietly() {
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().unwrap();
    let audio = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audio");
    let mp3 = audio.join("mp3-cbr-info.mp3");
    let flac = audio.join("flac.flac");
    let site = dir.path().join("show");
    let runs: Vec<Vec<&str>> = vec![
        vec!["check", "--rules"],
        vec!["probe", mp3.to_str().unwrap(), flac.to_str().unwrap()],
        vec!["probe", "--json", mp3.to_str().unwrap()],
        vec!["init", site.to_str().unwrap()],
    ];
    for args in runs {
        let out = with_closed_stdout(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr, "", "onair {args:?}");
        assert_eq!(
            out.status.signal(),
            Some(libc::SIGPIPE),
            "onair {args:?}: {:?}",
            out.status
        );
    }
    // The quiet exit came after the work: init wrote the site before it printed the list.
    assert!(site.join("site.yaml").is_file());
    // A closed stdout is not mistaken for other failures: a real error still says so.
    let out = with_closed_stdout(&["probe", dir.path().join("none.mp3").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("none.mp3"));
}

#[test]
fn init_takes_the_title_from_the_option_or_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("kitchen-table");
    let title = "Kitchen Table: \"Live\" & Loud";
    let out = onair(&["init", site.to_str().unwrap(), "--title", title]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let config = onair::config::Config::load(&site, None).unwrap();
    assert_eq!(config.title, title);

    let plain = dir.path().join("kitchen-table-2");
    assert!(onair(&["init", plain.to_str().unwrap()]).status.success());
    let config = onair::config::Config::load(&plain, None).unwrap();
    assert_eq!(config.title, "Kitchen Table 2");

    let empty = dir.path().join("empty");
    let out = onair(&["init", empty.to_str().unwrap(), "--title", " "]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: --title is empty; give the show's name, e.g. --title \"My Show\"\n"
    );
    assert!(!empty.exists());
}
