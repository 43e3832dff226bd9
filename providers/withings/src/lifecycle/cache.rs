//! The local cache: opened once per process from the settings, and the
//! `withings-mcp cache status|clear` command.
//!
//! sled lets one process at a time hold a cache directory. The MCP server holds it
//! while it runs; a second server (two MCP clients open at once) waits briefly, then
//! works from memory and says so. `cache clear` refuses while a server holds the
//! directory rather than pretend it cleared something.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Mutex, OnceLock};

use clap::{Parser, Subcommand};
use delx_framework::BuildContext;
use delx_framework::cache::{Cache, CacheMode, CacheOptions};
use serde_json::json;

use super::{EXIT_FAILURE, parse_args, print_json};
use crate::config::{CacheSettings, Settings};

/// The cache `settings` ask for. Within one process every caller shares the cache
/// of a directory: sled would refuse this process a second handle on it.
pub fn open(settings: &CacheSettings) -> Cache {
    if !settings.enabled {
        return Cache::off();
    }
    let Some(dir) = &settings.path else {
        return Cache::in_memory("no home directory and no WITHINGS_CACHE_PATH");
    };
    static OPEN: OnceLock<Mutex<HashMap<PathBuf, Cache>>> = OnceLock::new();
    let mut open = OPEN
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    open.entry(dir.clone())
        .or_insert_with(|| {
            let options = CacheOptions {
                max_bytes: settings.max_mb.saturating_mul(1024 * 1024),
                ..CacheOptions::default()
            };
            Cache::open(dir, options)
        })
        .clone()
}

/// Look at or empty the local cache of Withings answers.
#[derive(Debug, Parser)]
#[command(name = "withings-mcp cache")]
struct Args {
    #[command(subcommand)]
    action: Action,
    /// Print the outcome as JSON.
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Debug, Subcommand)]
enum Action {
    /// Where the cache is, what it holds, and whether another process has it open.
    Status,
    /// Delete every cached answer and the synced history.
    Clear,
}

pub fn run(args: Vec<OsString>) -> ExitCode {
    let args: Args = match parse_args("cache", args) {
        Ok(args) => args,
        Err(code) => return code,
    };
    let settings = match Settings::load(&BuildContext::from_process()) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("withings-mcp cache: {error}");
            return ExitCode::from(EXIT_FAILURE);
        }
    };
    let cache = open(&settings.cache);
    let stats = cache.stats();
    let path = settings
        .cache
        .path
        .as_deref()
        .map(|path| settings.display(path));
    match args.action {
        Action::Status => {
            let scope = crate::api::WithingsClient::new(&settings, Default::default())
                .ok()
                .and_then(|client| client.cache_scope());
            let history = scope
                .map(|scope| crate::sync::status(cache.history(), &scope))
                .unwrap_or_default();
            if args.json {
                print_json(&json!({
                    "mode": cache.mode(),
                    "path": path,
                    "entries": stats.entries,
                    "size_bytes": stats.size_bytes,
                    "history": history,
                }));
            } else {
                outln!("Cache: {}", describe(&cache.mode()));
                if let Some(path) = &path {
                    outln!("Path: {path}");
                }
                outln!("Entries: {} ({} bytes)", stats.entries, stats.size_bytes);
                for domain in &history {
                    match (&domain.covered_from, &domain.covered_to) {
                        (Some(from), Some(to)) => outln!(
                            "History {}: {} records, complete from {from} to {to}",
                            domain.domain,
                            domain.records
                        ),
                        _ => outln!(
                            "History {}: {} records, no complete range yet",
                            domain.domain,
                            domain.records
                        ),
                    }
                }
            }
            ExitCode::SUCCESS
        }
        Action::Clear => {
            if let CacheMode::Memory { reason } = cache.mode() {
                eprintln!(
                    "withings-mcp cache: cannot clear {}: {reason}. Quit the MCP clients that \
                     run withings-mcp, then run this again.",
                    path.as_deref().unwrap_or("the cache")
                );
                return ExitCode::from(EXIT_FAILURE);
            }
            match cache.clear() {
                Ok(removed) => {
                    if args.json {
                        print_json(&json!({"removed": removed, "path": path}));
                    } else {
                        outln!("Removed {removed} cached answers.");
                    }
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("withings-mcp cache: {error}");
                    ExitCode::from(EXIT_FAILURE)
                }
            }
        }
    }
}

/// The cache as `doctor` and `withings_connection_status` report it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, delx_framework::schemars::JsonSchema)]
#[schemars(crate = "delx_framework::schemars")]
pub struct CacheCheck {
    pub enabled: bool,
    /// Shown with `~`.
    pub path: Option<String>,
    /// How this process finds it; absent while the cache was never created.
    pub mode: Option<CacheMode>,
    pub entries: Option<u64>,
}

/// Looks at the cache without creating it: a directory that does not exist yet is
/// reported as such, not made by a health check.
pub fn check(settings: &Settings) -> CacheCheck {
    let cache = &settings.cache;
    let path = cache.path.as_deref().map(|path| settings.display(path));
    let exists = cache.path.as_deref().is_none_or(|path| path.exists());
    let (mode, entries) = if cache.enabled && exists {
        let opened = open(cache);
        let stats = opened.stats();
        (Some(opened.mode()), Some(stats.entries))
    } else if !cache.enabled {
        (Some(CacheMode::Off), None)
    } else {
        (None, None)
    };
    CacheCheck {
        enabled: cache.enabled,
        path,
        mode,
        entries,
    }
}

/// The mode in words, for terminals and doctor.
pub fn describe(mode: &CacheMode) -> String {
    match mode {
        CacheMode::Disk => "on disk".into(),
        CacheMode::Memory { reason } => format!("in memory only ({reason})"),
        CacheMode::Off => "off (WITHINGS_CACHE=off)".into(),
    }
}
