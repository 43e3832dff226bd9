//! Getting from nothing to connected: readiness checks and the commands people run
//! at a terminal (`doctor`, `auth`, `revoke`...).

/// `println!` that never panics: a closed stdout (`| head`) is the reader's choice,
/// not an error worth a crash.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// `print!` that never panics, like [`outln!`].
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout().lock(), $($arg)*);
    }};
}

pub mod auth;
pub mod cache;
pub mod clients;
#[cfg(feature = "fake")]
pub mod demo;
pub mod doctor;
pub mod readiness;
pub mod revoke;
pub mod setup;
pub mod sync;

use std::ffi::OsString;
use std::process::ExitCode;

/// A command that ran and failed.
const EXIT_FAILURE: u8 = 1;
/// A command line we could not understand.
const EXIT_USAGE: u8 = 2;

/// Parses a command's arguments; help goes to stdout, an error is one line.
pub(crate) fn parse_args<T: clap::Parser>(name: &str, args: Vec<OsString>) -> Result<T, ExitCode> {
    let program = OsString::from(format!("withings-mcp {name}"));
    T::try_parse_from(std::iter::once(program).chain(args)).map_err(|error| {
        if !error.use_stderr() {
            let _ = error.print();
            return ExitCode::SUCCESS;
        }
        let rendered = error.render().to_string();
        let first = rendered.lines().next().unwrap_or("invalid arguments");
        eprintln!(
            "withings-mcp {name}: {}",
            first.trim_start_matches("error: ")
        );
        ExitCode::from(EXIT_USAGE)
    })
}

fn print_json(value: &serde_json::Value) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => outln!("{text}"),
        Err(error) => eprintln!("cannot print JSON: {error}"),
    }
}
