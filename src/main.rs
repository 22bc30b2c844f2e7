use std::process::ExitCode;

use clap::Parser;
use onair::cli::{Cli, Command, NewCommand};
use onair::cmd;

// Rendering thousands of pages on every core is allocation-bound; glibc's malloc spent a
// quarter of a 10,000-episode build in its own locks and bookkeeping.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's option ids (`mi_option_purge_delay` and `mi_option_allow_thp` in the v3
/// mimalloc.h that libmimalloc-sys builds; it names no constants for them).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
const MI_OPTION_ALLOW_THP: libmimalloc_sys::mi_option_t = 43;

/// A one-shot build frees and allocates hundreds of MB as it goes, and every page the kernel
/// hands out is zeroed first (on the VMs measured, 1-2 ms of CPU per MB: a quarter of a
/// build). So:
/// - mimalloc by default hands freed memory back to the kernel moments later and takes it
///   again just after; the process ends with the build, so freed memory is kept for reuse.
/// - transparent huge pages make the kernel zero 2 MB at the first touch of any byte of them;
///   with 4 KB pages a 1,000-episode build's peak memory is a third lower (98 -> 64 MB).
///
/// (`serve` runs for hours and keeps mimalloc's defaults.)
fn tune_allocator_for_one_shot() {
    // SAFETY: sets documented mimalloc options; any value is valid (-1: never purge, 0: off).
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1);
        libmimalloc_sys::mi_option_set(MI_OPTION_ALLOW_THP, 0);
    }
    // mimalloc reads its THP option when the process starts, before main: the memory it has
    // mapped since is told the same through the kernel.
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes one integer flag and touches no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Whether a panic is `println!`/`eprintln!` failing because the reader went away
/// (`onair check --rules | head -1`): std panics with "failed printing to stdout: Broken pipe".
fn is_closed_pipe(info: &std::panic::PanicHookInfo<'_>) -> bool {
    let message = info
        .payload()
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| info.payload().downcast_ref::<&str>().copied())
        .unwrap_or_default();
    #[cfg(unix)]
    let broken = format!("(os error {})", libc::EPIPE);
    #[cfg(not(unix))]
    let broken = "(os error 232)".to_string(); // ERROR_NO_DATA: the pipe is being closed
    message.starts_with("failed printing to std") && message.ends_with(&broken)
}

/// A closed stdout or stderr ends onair quietly, as it ends `cat` or `grep`: by SIGPIPE, with
/// no panic message or backtrace. Rust ignores SIGPIPE so that a closed socket is an error
/// to handle (deploy and serve need that), and then panics in `println!`; this hook turns
/// only that panic into the quiet exit, in any thread.
fn quiet_exit_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if is_closed_pipe(info) {
            #[cfg(unix)]
            // SAFETY: restoring the default action of a signal and raising it touch no memory
            // of ours; the default action ends the process.
            unsafe {
                libc::signal(libc::SIGPIPE, libc::SIG_DFL);
                libc::raise(libc::SIGPIPE);
            }
            std::process::exit(cmd::EXIT_OK.into());
        }
        default(info);
    }));
}

fn main() -> ExitCode {
    quiet_exit_on_closed_pipe();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                cmd::EXIT_USAGE
            } else {
                cmd::EXIT_OK
            };
            let _ = e.print();
            return cmd::exit(code);
        }
    };
    if matches!(
        cli.command,
        Command::Build(_) | Command::Check(_) | Command::Stats(_)
    ) {
        tune_allocator_for_one_shot();
    }
    match &cli.command {
        Command::Build(args) => cmd::build::run(args),
        Command::Import(args) => cmd::import::run(args),
        Command::Init(args) => cmd::init::run(args),
        Command::Probe(args) => cmd::probe::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::New(NewCommand::Episode(args)) => cmd::new_episode::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Deploy(args) => cmd::deploy::run(args),
        Command::Ci(args) => cmd::ci::run(args),
        Command::Stats(args) => cmd::stats::run(args),
    }
}
