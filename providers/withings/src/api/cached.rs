//! [`WithingsClient::call`]: the cache in front of every data call.
//!
//! A fresh entry answers without a request; a stale one is kept in hand while
//! Withings is asked, and answers (flagged stale) only if Withings cannot be
//! reached. Entries are keyed by account, endpoint and canonical parameters, so two
//! accounts never mix and no token ever enters a key. Every answer served from the
//! cache is reported to the call's provenance, which the server turns into result
//! metadata. A fresh answer that differs from the one it replaces is announced as
//! new data, so subscribers to the data resources hear of it.

use delx_framework::auth::unix_now;
use delx_framework::cache::{self, CacheKey, CacheMode, Lookup};
use delx_framework::updates;
use serde_json::Value;

use super::client::WithingsClient;
use super::endpoints::Endpoint;
use super::error::ApiError;
use super::status::StatusFamily;

impl WithingsClient {
    /// Calls one endpoint and returns the body of a successful answer, from the
    /// cache when it holds a fresh one.
    pub async fn call(
        &self,
        endpoint: &Endpoint,
        params: &[(&str, String)],
    ) -> Result<Value, ApiError> {
        let cache = self.cache();
        let enabled = !matches!(cache.mode(), CacheMode::Off);
        let Some(scope) = enabled.then(|| self.cache_scope()).flatten() else {
            return self.call_upstream(endpoint, params).await;
        };
        let key = CacheKey::new(&scope, endpoint.name, params);
        let now = unix_now();
        let mut max_age = endpoint.freshness.max_age(endpoint.dates, params, now);
        if let Some(cap) = self.cache_max_age() {
            max_age = max_age.min(cap);
        }
        let fallback = match cache.lookup(&key, max_age, now) {
            Lookup::Fresh(entry) if !cache::refresh_requested() => {
                cache::record(entry.stored_at, false);
                return Ok(entry.value);
            }
            Lookup::Fresh(entry) | Lookup::Stale(entry) => Some(entry),
            Lookup::Miss => None,
        };
        match self.call_upstream(endpoint, params).await {
            Ok(body) => {
                cache.store(&key, &body, unix_now());
                if fallback.is_some_and(|entry| !same_answer(&entry.value, &body)) {
                    updates::announce(crate::provider::DESCRIPTOR.id);
                }
                Ok(body)
            }
            Err(error) if unreachable(&error) => match fallback {
                Some(entry) => {
                    tracing::warn!(
                        endpoint = endpoint.name,
                        "Withings unreachable; answering from the cache"
                    );
                    cache.note_stale_served();
                    cache::record(entry.stored_at, true);
                    Ok(entry.value)
                }
                None => Err(error),
            },
            Err(error) => Err(error),
        }
    }
}

/// Whether two bodies of one request say the same thing. The body-level
/// `updatetime` is when Withings answered, not when the data changed.
fn same_answer(stored: &Value, fresh: &Value) -> bool {
    match (stored, fresh) {
        (Value::Object(stored), Value::Object(fresh)) => {
            stored.len() == fresh.len()
                && stored
                    .iter()
                    .all(|(name, value)| name == "updatetime" || fresh.get(name) == Some(value))
        }
        _ => stored == fresh,
    }
}

/// Failures a stored answer may stand in for: Withings down, slow or busy. Not
/// authorization or bad requests: those need the user, not old data.
fn unreachable(error: &ApiError) -> bool {
    match error {
        ApiError::Transport(_) | ApiError::RateLimited(_) => true,
        ApiError::Status { family, .. } => {
            family.is_transient() || *family == StatusFamily::TooManyRequests
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::same_answer;

    #[test]
    fn only_the_answer_time_may_differ() {
        let stored =
            json!({"updatetime": 1, "timezone": "Europe/Paris", "measuregrps": [{"grpid": 1}]});
        let later =
            json!({"updatetime": 2, "timezone": "Europe/Paris", "measuregrps": [{"grpid": 1}]});
        let new_measure = json!({"updatetime": 2, "timezone": "Europe/Paris", "measuregrps": [{"grpid": 1}, {"grpid": 2}]});
        let without_time = json!({"timezone": "Europe/Paris", "measuregrps": [{"grpid": 1}]});
        assert!(same_answer(&stored, &later));
        assert!(!same_answer(&stored, &new_measure));
        assert!(!same_answer(&stored, &without_time), "a field went away");
        assert!(!same_answer(&json!([1]), &json!([2])));
    }
}
