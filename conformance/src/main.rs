//! `delx-conformance check -- <command>`: the Delx Wellness quality checks over any
//! MCP server that speaks stdio.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "delx-conformance", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Launch an MCP server over stdio and check it from outside.
    Check {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// A secret the server was given that must never come back (repeatable).
        #[arg(long = "canary")]
        canaries: Vec<String>,
        /// The server command and its arguments, after `--`.
        #[arg(last = true, required = true)]
        server: Vec<OsString>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let Command::Check {
        json,
        canaries,
        server,
    } = cli.command;
    let Some((program, args)) = server.split_first() else {
        eprintln!("delx-conformance: give the server command after --");
        return ExitCode::from(2);
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("delx-conformance: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(delx_conformance::check_command(program, args, &canaries)) {
        Ok(report) => {
            if json {
                match serde_json::to_string_pretty(&report) {
                    Ok(text) => println!("{text}"),
                    Err(error) => eprintln!("delx-conformance: {error}"),
                }
            } else {
                print!("{}", report.text());
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("delx-conformance: {error}");
            ExitCode::FAILURE
        }
    }
}
