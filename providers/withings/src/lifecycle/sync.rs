//! `withings-mcp sync`: pull the account's history into the local store, so later
//! questions about it are answered on this machine.
//!
//! The history lives in the cache's database, which one process holds at a time:
//! while an MCP server runs on this home, the command refuses (its sync would
//! vanish with it) and points at the `withings_sync` tool, which syncs inside the
//! server. A log line per domain goes to stderr as each completes.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;
use delx_framework::BuildContext;
use delx_framework::cache::CacheMode;
use jiff::civil::Date;
use serde_json::{Value, json};

use super::{EXIT_FAILURE, parse_args, print_json};
use crate::api::{ClientOptions, WithingsClient};
use crate::config::Settings;
use crate::sync::{DOMAINS, DomainFailure, SyncOptions, SyncReport, sync_domain};

/// Copy your Withings history (body, activity, workouts, sleep, ECG list) to this machine.
#[derive(Debug, Parser)]
#[command(name = "withings-mcp sync")]
struct Args {
    /// First day to keep, YYYY-MM-DD. Default: two years ago.
    #[arg(long)]
    since: Option<Date>,
    /// Pull everything again instead of only what changed since the last sync.
    #[arg(long)]
    full: bool,
    /// Print the outcome as JSON.
    #[arg(long)]
    json: bool,
    /// Print every stored record, per domain, as JSON, and sync nothing (for tests
    /// and for comparing two histories).
    #[arg(long, hide = true)]
    dump_json: bool,
}

pub fn run(args: Vec<OsString>) -> ExitCode {
    let args: Args = match parse_args("sync", args) {
        Ok(args) => args,
        Err(code) => return code,
    };
    match sync(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("withings-mcp sync: {message}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

fn sync(args: &Args) -> Result<ExitCode, String> {
    let settings =
        Settings::load(&BuildContext::from_process()).map_err(|error| error.to_string())?;
    let cache = super::cache::open(&settings.cache);
    match cache.mode() {
        CacheMode::Off => {
            return Err(
                "the local cache is off (WITHINGS_CACHE=off), and the history lives \
                        in it: turn it on to sync"
                    .into(),
            );
        }
        CacheMode::Memory { reason } => {
            return Err(format!(
                "{reason}. A sync here would be lost when this command exits: ask your MCP \
                 client to run the withings_sync tool, or quit the clients running \
                 withings-mcp and run this again."
            ));
        }
        CacheMode::Disk => {}
    }
    let client = WithingsClient::with_cache(&settings, ClientOptions::default(), cache.clone())
        .map_err(|error| error.to_string())?;
    if args.dump_json {
        let scope = client
            .cache_scope()
            .ok_or("no account is connected; run `withings-mcp auth`")?;
        let dump = crate::sync::dump(cache.history(), &scope).map_err(|e| e.to_string())?;
        print_json(&Value::Object(dump));
        return Ok(ExitCode::SUCCESS);
    }
    let options = SyncOptions {
        since: args.since,
        full: args.full,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| error.to_string())?;
    let report = runtime.block_on(async {
        let mut report = SyncReport {
            storage: cache.mode(),
            domains: Vec::new(),
            failures: Vec::new(),
        };
        let progress = Progress::new(DOMAINS.len());
        for domain in DOMAINS {
            progress.start(domain.name());
            match sync_domain(&client, domain, &options).await {
                Ok(done) => {
                    progress.done(&done.line());
                    report.domains.push(done);
                }
                Err(error) => {
                    progress.done(&format!("{}: failed: {error}", domain.name()));
                    report.failures.push(DomainFailure {
                        domain: domain.name(),
                        error: error.to_string(),
                    });
                }
            }
        }
        progress.finish();
        report
    });
    if let Err(error) = cache.flush() {
        tracing::warn!(%error, "cannot flush the cache after a sync");
    }
    if args.json {
        print_json(&json!(report));
    } else {
        let stored: u64 = report.domains.iter().map(|domain| domain.stored).sum();
        outln!(
            "Synced {} of {} domains; {stored} records stored.",
            report.domains.len(),
            DOMAINS.len()
        );
    }
    Ok(if report.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FAILURE)
    })
}

/// A bar on a terminal; a plain line per domain anywhere else (logs, pipes, CI).
struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    fn new(domains: usize) -> Self {
        use std::io::IsTerminal;
        if !std::io::stderr().is_terminal() {
            return Self(None);
        }
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(domains as u64),
            indicatif::ProgressDrawTarget::stderr(),
        );
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{bar:24} {pos}/{len} {msg} {elapsed}")
        {
            bar.set_style(style);
        }
        Self(Some(bar))
    }

    fn start(&self, domain: &str) {
        match &self.0 {
            Some(bar) => bar.set_message(format!("{domain}...")),
            None => eprintln!("{domain}: syncing..."),
        }
    }

    fn done(&self, line: &str) {
        match &self.0 {
            Some(bar) => {
                bar.println(line);
                bar.inc(1);
            }
            None => eprintln!("{line}"),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
