use std::process::ExitCode;

use clap::Parser;
use onair::cli::{Cli, Command, NewCommand};
use onair::cmd;

// Rendering thousands of pages on every core is allocation-bound; glibc's malloc spent a
// quarter of a 10,000-episode build in its own locks and bookkeeping.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
