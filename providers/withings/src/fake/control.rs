//! The fake's own routes, for tests that run it as a separate process: they are
//! neither counted nor subject to faults.
//!
//! - `GET /__stats`: request counts; `DELETE /__stats` resets them.
//! - `POST /__faults` with `spec=…` (the `--fault` syntax) injects a fault;
//!   `DELETE /__faults` removes them all.
//! - `POST /__clock` with `advance=SECONDS` moves the fake's clock forward.
//! - `POST /__weigh_in` with `kg=KILOGRAMS` records a weigh-in now, so new data
//!   arrives while a client runs.

use axum::http::Method;
use serde_json::json;

use super::Fault;
use super::params::Params;
use super::reply::Reply;
use super::server::{Shared, weight_grams};

pub const STATS_PATH: &str = "__stats";
pub const FAULTS_PATH: &str = "__faults";
pub const CLOCK_PATH: &str = "__clock";
pub const WEIGH_IN_PATH: &str = "__weigh_in";

fn problem(message: &str) -> Reply {
    Reply::Json(json!({ "error": message }))
}

/// Answers a control route; `None` if `path` is not one.
pub(crate) fn handle(
    shared: &Shared,
    method: &Method,
    path: &str,
    params: &Params,
) -> Option<Reply> {
    let reply = match (path, method.as_str()) {
        (STATS_PATH, "DELETE") => {
            shared.stats.reset();
            stats(shared)
        }
        (STATS_PATH, _) => stats(shared),
        (FAULTS_PATH, "DELETE") => {
            shared.faults.clear();
            Reply::Json(json!({ "pending": 0 }))
        }
        (FAULTS_PATH, "POST") => match params.get("spec").map(str::parse::<Fault>) {
            Some(Ok(fault)) => {
                shared.faults.inject(fault);
                Reply::Json(json!({ "pending": shared.faults.pending() }))
            }
            Some(Err(error)) => problem(&error),
            None => problem("spec is required"),
        },
        (FAULTS_PATH, _) => Reply::Json(json!({ "pending": shared.faults.pending() })),
        (CLOCK_PATH, "POST") => match params.int("advance") {
            Ok(Some(seconds)) if seconds >= 0 => {
                shared
                    .clock
                    .advance(std::time::Duration::from_secs(seconds as u64));
                clock(shared)
            }
            _ => problem("advance=SECONDS is required"),
        },
        (CLOCK_PATH, _) => clock(shared),
        (WEIGH_IN_PATH, "POST") => weigh_in(shared, params),
        (WEIGH_IN_PATH, _) => problem("POST kg=KILOGRAMS to record a weigh-in"),
        _ => return None,
    };
    Some(reply)
}

fn stats(shared: &Shared) -> Reply {
    Reply::Json(serde_json::to_value(shared.stats.snapshot()).unwrap_or_default())
}

fn weigh_in(shared: &Shared, params: &Params) -> Reply {
    let kg = params.get("kg").map(|kg| kg.trim().parse::<f64>());
    let grams = match kg {
        Some(Ok(kg)) => weight_grams(kg),
        Some(Err(_)) | None => return problem("kg=KILOGRAMS is required, as a number"),
    };
    match grams {
        Ok(grams) => {
            let group = shared.weigh_in(grams);
            Reply::Json(json!({ "grpid": group.grpid, "date": group.date }))
        }
        Err(error) => problem(&error.to_string()),
    }
}

fn clock(shared: &Shared) -> Reply {
    Reply::Json(json!({
        "now": shared.clock.now(),
        "offset_seconds": shared.clock.offset().as_secs(),
    }))
}
