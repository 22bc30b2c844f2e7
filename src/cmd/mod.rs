//! One module per subcommand. Each prints its own results and problems and returns the exit
//! status of PRODUCT.md: 0 success, 1 the site or feed has errors, 2 a usage error.

use std::process::ExitCode;

use crate::diag::Diagnostic;

pub mod build;
pub mod check;
pub mod ci;
pub mod deploy;
pub mod import;
pub mod init;
pub mod new_episode;
pub mod probe;
pub mod schedule;
pub mod serve;
pub mod stats;

pub const EXIT_OK: u8 = 0;
pub const EXIT_ERRORS: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

/// Print problems to stderr, one per line, then a summary line.
pub fn report<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>) -> (usize, usize) {
    use std::io::Write;
    let (mut errors, mut warnings) = (0, 0);
    // One buffered stream: stderr is unbuffered, and a line is several writes otherwise.
    let mut out = std::io::BufWriter::new(std::io::stderr().lock());
    for d in diags {
        let _ = writeln!(out, "{d}");
        if d.is_error() {
            errors += 1;
        } else {
            warnings += 1;
        }
    }
    (errors, warnings)
}

pub fn exit(code: u8) -> ExitCode {
    ExitCode::from(code)
}
