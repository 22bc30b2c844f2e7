//! `onair build`.

use std::process::ExitCode;

use crate::cli::BuildArgs;

pub fn run(_args: &BuildArgs) -> ExitCode {
    eprintln!("error: build is being written (issue 3)");
    super::exit(super::EXIT_ERRORS)
}
