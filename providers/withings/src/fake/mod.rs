//! The fake Withings API.
//!
//! A real HTTP server (axum, on 127.0.0.1) that answers like Withings: HTTP 200 with
//! `{status, body, error}`, the real key names and types, the real OAuth rules
//! (single-use 30 s codes, single-use 30 min nonces, HMAC signatures, 3 h access
//! tokens, refresh rotation with an 8 h grace), pagination, `data_fields`,
//! `lastupdate` and date ranges, all over a deterministic demo account
//! ([`demo::DemoAccount`]) generated from a seed. Tests drive it in-process through
//! [`FakeServer`] (faults, clock, stats); people run it with `withings-mcp
//! fake-api` ([`run_cli`]).
//!
//! Where the reference and real responses disagree, the fake follows the real ones;
//! where Withings documents nothing, [`codes`] says what the fake chose.
//!
//! ```no_run
//! # async fn example() -> Result<(), delx_withings::fake::FakeError> {
//! use std::time::Duration;
//! use delx_withings::fake::{FakeConfig, FakeServer, Fault};
//!
//! // Pin the end date and the data is the same on every run.
//! let config = FakeConfig::default().with_end_date(jiff::civil::date(2025, 6, 30));
//! let server = FakeServer::start(config).await?; // needs a Tokio runtime
//! let tokens = server.issue_tokens("user.metrics,user.activity");
//! server.faults().inject(Fault::status(601).on_action("getmeas").once());
//! // ... point the client at server.api_base_url() and call it ...
//! server.clock().advance(Duration::from_secs(3 * 3600)); // tokens expire
//! assert_eq!(server.stats().count("measure/getmeas"), 0);
//! # let _ = tokens;
//! server.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! Lists come in Withings' order where known: `getmeas` newest first, the v2 lists
//! (activity, workouts, sleep summaries, heart records) oldest first.

mod cli;
mod clock;
pub mod codes;
mod config;
mod control;
pub mod demo;
mod endpoints;
mod faults;
mod oauth;
mod params;
mod reply;
mod server;
mod stats;

pub use cli::{COMMAND_ABOUT, COMMAND_NAME, DEFAULT_PORT, run_cli};
pub use clock::Clock;
pub use config::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, FakeConfig};
pub use control::{CLOCK_PATH, FAULTS_PATH, STATS_PATH, WEIGH_IN_PATH};
pub use faults::{Fault, FaultId, FaultKind, FaultTarget, Faults, default_message};
pub use reply::INVALID_TOKEN as INVALID_TOKEN_MESSAGE;
pub use server::{FakeServer, IssuedTokens};
pub use stats::StatsSnapshot;

/// The entry point under the name tests expect: `FakeWithings::start(config)`.
pub struct FakeWithings;

impl FakeWithings {
    pub async fn start(config: FakeConfig) -> Result<FakeServer, FakeError> {
        FakeServer::start(config).await
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FakeError {
    #[error("time zone {zone} is unavailable (is tzdata installed?): {message}")]
    TimeZone { zone: &'static str, message: String },
    #[error("invalid fake configuration: {0}")]
    Config(String),
    #[error("a weigh-in of {0} kg is not a person's weight; give 2 to 400 kg")]
    Weight(f64),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
}
