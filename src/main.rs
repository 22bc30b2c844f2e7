use std::process::ExitCode;

use clap::Parser;
use onair::cli::{Cli, Command, NewCommand};
use onair::cmd;

// Rendering thousands of pages on every core is allocation-bound; glibc's malloc spent a
// quarter of a 10,000-episode build in its own locks and bookkeeping.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's option id for `purge_delay` (`mi_option_purge_delay` in mimalloc.h, 15 in both
/// its v2 and v3 headers; libmimalloc-sys names no constant for it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// A one-shot build frees and allocates hundreds of MB as it goes. mimalloc by default hands
/// freed memory back to the kernel moments later and takes it again just after, and every
/// page taken again is zeroed by the kernel: a quarter of a 10,000-episode build was that
/// zeroing. The process ends with the build, so freed memory is kept for reuse instead.
/// (`serve` runs for hours and keeps the default.)
fn keep_freed_memory() {
    // SAFETY: sets one of mimalloc's documented options; any value is valid (-1: never purge).
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

fn main() -> ExitCode {
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
    if matches!(cli.command, Command::Build(_) | Command::Check(_)) {
        keep_freed_memory();
    }
    match &cli.command {
        Command::Build(args) => cmd::build::run(args),
        Command::Import(args) => cmd::import::run(args),
        Command::Init(args) => cmd::init::run(args),
        Command::Probe(args) => cmd::probe::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::New(NewCommand::Episode(args)) => cmd::new_episode::run(args),
        Command::Serve(args) => cmd::serve::run(args),
    }
}
