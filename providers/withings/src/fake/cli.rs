//! `withings-mcp fake-api`: the fake as a process, for the demo and for tests of
//! other programs. It prints where it listens and the demo app's credentials (fake
//! ones, good for this server only) on stderr, or writes them as JSON to
//! `--info-file`, and serves until Ctrl-C or SIGTERM.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use jiff::civil::Date;
use serde_json::json;

use super::{FakeConfig, FakeServer, Fault};

fn parse_fault(spec: &str) -> Result<Fault, String> {
    spec.parse()
}

pub const COMMAND_NAME: &str = "fake-api";
pub const COMMAND_ABOUT: &str =
    "Serve a fake Withings API with a generated demo account on 127.0.0.1";

/// A fixed port, so a demo configuration can name the fake's URL; `--port 0`
/// picks a free one.
pub const DEFAULT_PORT: u16 = 5081;

#[derive(Debug, Parser)]
#[command(name = "withings-mcp fake-api", about = COMMAND_ABOUT)]
struct Args {
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = DEFAULT_PORT)]
    port: u16,
    /// Seed of the demo account: the same seed gives the same data.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Items per page on paginated endpoints.
    #[arg(long, default_value_t = 300)]
    page_size: usize,
    /// Latency added to every response, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Last day of the data (YYYY-MM-DD); default today, Europe/Paris.
    #[arg(long)]
    end_date: Option<Date>,
    /// Days of history.
    #[arg(long)]
    history_days: Option<u32>,
    /// Requests allowed per minute (Withings: 120); default unlimited.
    #[arg(long)]
    rate_limit: Option<u32>,
    /// Access-token lifetime in seconds (Withings: 10800).
    #[arg(long)]
    access_token_ttl: Option<u64>,
    /// A callback URL to accept besides loopback ones; repeatable.
    #[arg(long = "redirect-uri")]
    redirect_uris: Vec<String>,
    /// Answer 601 to an identical request repeated within 10 s, as Withings does.
    #[arg(long)]
    reject_repeats: bool,
    /// Inject a fault, e.g. `status=601,wait=30,action=getmeas`, `http=502,times=3`,
    /// `non-json,times=1`, `delay-ms=2000,path=v2/sleep`; repeatable.
    #[arg(long = "fault", value_parser = parse_fault)]
    faults: Vec<Fault>,
    /// Write the URLs and credentials as JSON to this file instead of stderr.
    #[arg(long)]
    info_file: Option<PathBuf>,
}

impl Args {
    fn config(&self) -> FakeConfig {
        let defaults = FakeConfig::default();
        FakeConfig {
            port: self.port,
            seed: self.seed,
            end_date: self.end_date,
            history_days: self.history_days.unwrap_or(defaults.history_days),
            page_size: self.page_size,
            latency: Duration::from_millis(self.latency_ms),
            access_token_ttl: self
                .access_token_ttl
                .map_or(defaults.access_token_ttl, Duration::from_secs),
            rate_limit_per_minute: self.rate_limit,
            redirect_uris: self.redirect_uris.clone(),
            reject_repeated_requests: self.reject_repeats,
            ..defaults
        }
    }
}

/// Runs the command; `args` are those after the command name.
pub fn run_cli(args: Vec<OsString>) -> ExitCode {
    let args: Args = match crate::lifecycle::parse_args("fake-api", args) {
        Ok(args) => args,
        Err(code) => return code,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("fake-api: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(serve(args))
}

async fn serve(args: Args) -> ExitCode {
    let server = match FakeServer::start(args.config()).await {
        Ok(server) => server,
        Err(error) => {
            eprintln!("fake-api: {error}");
            return ExitCode::FAILURE;
        }
    };
    for fault in &args.faults {
        server.faults().inject(fault.clone());
    }
    let demo = server.demo();
    let info = json!({
        "api_base_url": server.api_base_url(),
        "auth_base_url": server.auth_base_url(),
        "authorize_url": server.authorize_url(),
        "stats_url": format!("{}/{}", server.api_base_url(), super::STATS_PATH),
        "faults_url": format!("{}/{}", server.api_base_url(), super::FAULTS_PATH),
        "clock_url": format!("{}/{}", server.api_base_url(), super::CLOCK_PATH),
        "weigh_in_url": format!("{}/{}", server.api_base_url(), super::WEIGH_IN_PATH),
        "client_id": server.client_id(),
        "client_secret": server.client_secret(),
        "userid": server.userid(),
        "seed": demo.seed,
        "first_day": demo.first_day.to_string(),
        "last_day": demo.last_day.to_string(),
        "timezone": demo.timezone,
        "pid": std::process::id(),
    });
    match &args.info_file {
        Some(path) => {
            if let Err(error) = write_info(path, &info) {
                eprintln!("fake-api: cannot write {}: {error}", path.display());
                return ExitCode::FAILURE;
            }
        }
        None => {
            eprintln!("fake Withings API listening on {}", server.api_base_url());
            eprintln!("  api base url:   {}", server.api_base_url());
            eprintln!("  auth base url:  {}", server.auth_base_url());
            eprintln!("  authorize:      {}", server.authorize_url());
            eprintln!("  client id:      {}", server.client_id());
            eprintln!("  client secret:  {}", server.client_secret());
            eprintln!(
                "  demo user:      {} ({} to {}, {}, seed {})",
                server.userid(),
                demo.first_day,
                demo.last_day,
                demo.timezone,
                demo.seed
            );
            eprintln!(
                "  stats:          {}/{}",
                server.api_base_url(),
                super::STATS_PATH
            );
            eprintln!("Ctrl-C stops it.");
        }
    }
    wait_for_stop().await;
    server.shutdown().await;
    ExitCode::SUCCESS
}

/// Writes the file whole or not at all, so a watcher never reads half of it.
fn write_info(path: &Path, info: &serde_json::Value) -> std::io::Result<()> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    std::fs::write(&partial, format!("{info:#}\n"))?;
    std::fs::rename(&partial, path)
}

async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
