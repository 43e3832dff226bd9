//! Fault injection and rate limiting: the failures a client must survive, on
//! demand. Rules are checked in the order they were added, before a request is
//! handled; a rule can target every request, one action (`getmeas` or
//! `measure/getmeas`) or one path, and can run out after a number of requests.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::http::StatusCode;

mod spec;

use super::reply::{INVALID_TOKEN, Reply};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultTarget {
    Any,
    /// An action name (`getmeas`) or a `path/action` key (`v2/sleep/get`).
    Action(String),
    /// A webservice path (`v2/measure`), with or without slashes around it.
    Path(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum FaultKind {
    /// HTTP 200 with this Withings status (and `wait_seconds` in the body, for 601).
    Status {
        status: i64,
        error: String,
        wait_seconds: Option<u64>,
    },
    /// A body that is not JSON, as from a proxy in front of Withings.
    NonJson { http: u16, body: String },
    /// An HTTP error status (5xx) with an HTML page.
    Http(u16),
    /// Answers normally, this much later.
    Delay(Duration),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    pub target: FaultTarget,
    pub kind: FaultKind,
    /// How many requests it applies to; `None` is every matching request.
    pub times: Option<u32>,
}

impl Fault {
    fn new(kind: FaultKind) -> Self {
        Self {
            target: FaultTarget::Any,
            kind,
            times: None,
        }
    }

    /// Any Withings status, with the message Withings gives for it where known.
    pub fn status(status: i64) -> Self {
        Self::new(FaultKind::Status {
            status,
            error: default_message(status).to_owned(),
            wait_seconds: None,
        })
    }

    /// 601 with `wait_seconds`.
    pub fn too_many_requests(wait_seconds: u64) -> Self {
        Self::new(FaultKind::Status {
            status: 601,
            error: default_message(601).to_owned(),
            wait_seconds: Some(wait_seconds),
        })
    }

    /// HTTP 200 with an HTML body.
    pub fn non_json() -> Self {
        Self::new(FaultKind::NonJson {
            http: 200,
            body: "<html><body><h1>Service Unavailable</h1></body></html>".to_owned(),
        })
    }

    pub fn http(status: u16) -> Self {
        Self::new(FaultKind::Http(status))
    }

    pub fn delay(by: Duration) -> Self {
        Self::new(FaultKind::Delay(by))
    }

    /// Replaces the `error` message of a status fault.
    pub fn with_error(mut self, message: impl Into<String>) -> Self {
        if let FaultKind::Status { error, .. } = &mut self.kind {
            *error = message.into();
        }
        self
    }

    pub fn times(mut self, count: u32) -> Self {
        self.times = Some(count);
        self
    }

    pub fn once(self) -> Self {
        self.times(1)
    }

    pub fn on_action(mut self, action: impl Into<String>) -> Self {
        self.target = FaultTarget::Action(action.into());
        self
    }

    pub fn on_path(mut self, path: impl Into<String>) -> Self {
        self.target = FaultTarget::Path(path.into().trim_matches('/').to_owned());
        self
    }

    fn matches(&self, key: &str, path: &str, action: &str) -> bool {
        match &self.target {
            FaultTarget::Any => true,
            FaultTarget::Action(name) => name == action || name == key,
            FaultTarget::Path(p) => p == path,
        }
    }

    fn reply(&self) -> Option<Reply> {
        match &self.kind {
            FaultKind::Status {
                status,
                error,
                wait_seconds,
            } => Some(match wait_seconds {
                Some(wait) => Reply::Withings {
                    status: *status,
                    body: serde_json::json!({ "wait_seconds": wait }),
                    error: Some(error.clone()),
                },
                None => Reply::error(*status, error.clone()),
            }),
            FaultKind::NonJson { http, body } => Some(Reply::Html {
                http: StatusCode::from_u16(*http).unwrap_or(StatusCode::OK),
                html: body.clone(),
            }),
            FaultKind::Http(code) => {
                let http = StatusCode::from_u16(*code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                Some(Reply::Html {
                    http,
                    html: format!("<html><body><h1>{http}</h1></body></html>"),
                })
            }
            FaultKind::Delay(_) => None,
        }
    }
}

/// The message Withings gives for a status, where one is known.
pub fn default_message(status: i64) -> &'static str {
    match status {
        401 => INVALID_TOKEN,
        342 => "The signature (using Oauth) is invalid",
        503 => "Invalid Params",
        522 => "Timeout",
        524 => "Bad state",
        601 => "Too Many Request",
        2554 => "Not implemented",
        214 | 277 | 2553 | 2555 => "Unauthorized",
        _ => "An error occurred",
    }
}

/// Identifies an injected fault, to remove it early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaultId(u64);

#[derive(Debug, Default)]
struct State {
    rules: Vec<(FaultId, Fault)>,
    next_id: u64,
    latency: Duration,
    rate_limit: Option<u32>,
    /// Times (ms) of the requests admitted in the last minute.
    window: VecDeque<i64>,
    /// Last time (ms) each request fingerprint was seen.
    recent: HashMap<String, i64>,
}

/// What to do with one request before handling it.
pub(crate) struct Decision {
    pub(crate) delay: Duration,
    pub(crate) reply: Option<Reply>,
}

/// A handle on the server's faults, shared with the server; clone it freely.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    state: Arc<Mutex<State>>,
}

impl Faults {
    pub(crate) fn new(latency: Duration, rate_limit: Option<u32>) -> Self {
        let faults = Self::default();
        {
            let mut state = faults.lock();
            state.latency = latency;
            state.rate_limit = rate_limit;
        }
        faults
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves plain data behind; keep going.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn inject(&self, fault: Fault) -> FaultId {
        let mut state = self.lock();
        state.next_id += 1;
        let id = FaultId(state.next_id);
        state.rules.push((id, fault));
        id
    }

    /// Removes one fault; false if it had already run out.
    pub fn remove(&self, id: FaultId) -> bool {
        let mut state = self.lock();
        let before = state.rules.len();
        state.rules.retain(|(rule, _)| *rule != id);
        state.rules.len() != before
    }

    /// Removes every injected fault (latency and rate limit stay).
    pub fn clear(&self) {
        self.lock().rules.clear();
    }

    /// Faults that have not run out.
    pub fn pending(&self) -> usize {
        self.lock().rules.len()
    }

    /// Latency added to every response.
    pub fn set_latency(&self, latency: Duration) {
        self.lock().latency = latency;
    }

    pub fn latency(&self) -> Duration {
        self.lock().latency
    }

    /// Requests allowed per sliding minute; `None` lifts the limit.
    pub fn set_rate_limit(&self, per_minute: Option<u32>) {
        let mut state = self.lock();
        state.rate_limit = per_minute;
        state.window.clear();
    }

    pub(crate) fn decide(&self, key: &str, path: &str, action: &str) -> Decision {
        let mut state = self.lock();
        let mut delay = state.latency;
        let mut reply = None;
        for (_, rule) in state.rules.iter_mut() {
            if !rule.matches(key, path, action) {
                continue;
            }
            let applies = match &rule.kind {
                FaultKind::Delay(by) => {
                    delay += *by;
                    true
                }
                _ if reply.is_none() => {
                    reply = rule.reply();
                    true
                }
                _ => false,
            };
            if applies && let Some(times) = &mut rule.times {
                *times = times.saturating_sub(1);
            }
        }
        state.rules.retain(|(_, rule)| rule.times != Some(0));
        Decision { delay, reply }
    }

    /// Admits one request under the per-minute limit, or says how long to wait.
    pub(crate) fn admit(&self, now_ms: i64) -> Result<(), u64> {
        let mut state = self.lock();
        let Some(limit) = state.rate_limit else {
            return Ok(());
        };
        while state.window.front().is_some_and(|t| *t <= now_ms - 60_000) {
            state.window.pop_front();
        }
        if state.window.len() >= limit as usize {
            let oldest = state.window.front().copied().unwrap_or(now_ms);
            let wait_ms = (oldest + 60_000 - now_ms).max(1);
            return Err((wait_ms as u64).div_ceil(1000));
        }
        state.window.push_back(now_ms);
        Ok(())
    }

    /// Whether the same request was seen less than 10 s ago; records it either way.
    pub(crate) fn repeated(&self, fingerprint: String, now_ms: i64) -> Option<u64> {
        let mut state = self.lock();
        state.recent.retain(|_, seen| *seen > now_ms - 10_000);
        let previous = state.recent.insert(fingerprint, now_ms);
        previous.map(|seen| ((seen + 10_000 - now_ms).max(1) as u64).div_ceil(1000))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_matching_rule_answers_and_delays_add_up() {
        let faults = Faults::default();
        faults.inject(Fault::delay(Duration::from_millis(5)).once());
        faults.inject(Fault::status(522).on_action("getmeas").once());
        faults.inject(Fault::status(2555).once());
        let decision = faults.decide("measure/getmeas", "measure", "getmeas");
        assert_eq!(decision.delay, Duration::from_millis(5));
        assert!(matches!(
            decision.reply,
            Some(Reply::Withings { status: 522, .. })
        ));
        assert_eq!(faults.pending(), 1, "the 2555 rule was not used");
        let decision = faults.decide("v2/user/getgoals", "v2/user", "getgoals");
        assert!(matches!(
            decision.reply,
            Some(Reply::Withings { status: 2555, .. })
        ));
        assert_eq!(faults.pending(), 0);
    }
}
