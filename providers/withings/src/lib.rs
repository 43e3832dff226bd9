//! `delx-withings`: the Withings provider.
//!
//! It owns everything Withings-specific: the signed OAuth client and every endpoint
//! ([`api`]), decoding of Withings' encodings and code tables ([`model`]), and a
//! faithful fake of the Withings API ([`fake`], behind the `fake` feature) that
//! tests, the demo and benchmarks run against with no account and no network.

pub mod api;
pub mod config;
#[cfg(feature = "fake")]
pub mod fake;
pub mod lifecycle;
pub mod model;
pub mod prompts;
pub mod provider;
pub mod resources;
pub mod sync;
pub mod tools;
