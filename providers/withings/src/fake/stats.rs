//! Request counts per `path/action` (e.g. `measure/getmeas`,
//! `v2/oauth2/requesttoken`, `oauth2_user/authorize2`), so tests can check how many
//! calls a client made: that it paginates, retries, caches and refreshes as
//! intended.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StatsSnapshot {
    pub total: u64,
    /// Requests answered with anything but success (status 0 or a redirect).
    pub failures: u64,
    pub by_action: BTreeMap<String, u64>,
    pub failures_by_action: BTreeMap<String, u64>,
}

impl StatsSnapshot {
    /// Requests for one `path/action` key.
    pub fn count(&self, key: &str) -> u64 {
        self.by_action.get(key).copied().unwrap_or(0)
    }

    pub fn failures_of(&self, key: &str) -> u64 {
        self.failures_by_action.get(key).copied().unwrap_or(0)
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Stats {
    inner: Arc<Mutex<StatsSnapshot>>,
}

impl Stats {
    fn lock(&self) -> MutexGuard<'_, StatsSnapshot> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn record(&self, key: &str, failed: bool) {
        let mut stats = self.lock();
        stats.total += 1;
        *stats.by_action.entry(key.to_owned()).or_default() += 1;
        if failed {
            stats.failures += 1;
            *stats.failures_by_action.entry(key.to_owned()).or_default() += 1;
        }
    }

    pub(crate) fn snapshot(&self) -> StatsSnapshot {
        self.lock().clone()
    }

    pub(crate) fn reset(&self) {
        *self.lock() = StatsSnapshot::default();
    }
}
