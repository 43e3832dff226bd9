//! The local history of an account: `withings-mcp sync` and `withings_sync` pull
//! body measures, activity, workouts, sleep summaries and the ECG list into the
//! store beside the cache, and [`WithingsClient::list`](crate::api::WithingsClient::list)
//! answers windows it covers without asking Withings.
//!
//! - [`domain`]: what is synced and how a record is identified and placed in time;
//! - [`engine`]: one domain's sync, page by page, resumable;
//! - [`serve`]: answering a listing from the history, or its tail from Withings.

pub mod domain;
pub mod engine;
mod serve;

pub use domain::{DOMAINS, Domain};
pub use engine::{
    DomainFailure, DomainReport, SyncError, SyncOptions, SyncReport, default_since, dump, status,
    sync_domain,
};
