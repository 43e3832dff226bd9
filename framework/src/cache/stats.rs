//! What the cache holds and how it has served this process, for the cache status
//! tool: enough to tell a person why an answer was fresh, stale or fetched.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use super::CacheMode;

#[derive(Debug, Clone, PartialEq)]
pub struct CacheStats {
    pub mode: CacheMode,
    /// The database directory, in disk mode only.
    pub path: Option<PathBuf>,
    /// The on-disk layout version, in disk mode only.
    pub format_version: Option<u32>,
    pub entries: u64,
    /// The entries' keys and values: what the size budget counts.
    pub size_bytes: u64,
    /// The size budget; beyond it the oldest entries go.
    pub max_bytes: u64,
    /// What the database takes on disk (sled's log can hold more than the entries
    /// until it compacts); disk mode only.
    pub disk_bytes: Option<u64>,
    /// Lookups, since this process started, that found a fresh entry.
    pub hits: u64,
    /// Lookups that found nothing or only a stale entry.
    pub misses: u64,
    /// Stale entries served because the upstream failed.
    pub stale_served: u64,
    /// Unix seconds.
    pub oldest_stored_at: Option<i64>,
    pub newest_stored_at: Option<i64>,
}

/// Per-process counters: they describe this run, not the directory's history.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    hits: AtomicU64,
    misses: AtomicU64,
    stale_served: AtomicU64,
}

impl Counters {
    pub(crate) fn hit(&self) {
        self.hits.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn miss(&self) {
        self.misses.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn stale_served(&self) {
        self.stale_served.fetch_add(1, Ordering::Relaxed);
    }

    /// `(hits, misses, stale_served)`.
    pub(crate) fn read(&self) -> (u64, u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
            self.stale_served.load(Ordering::Relaxed),
        )
    }
}

/// Unix seconds as RFC 3339 in UTC (`2026-06-30T08:00:00Z`), or the plain number
/// when it is outside the calendar's range.
pub(crate) fn stamp_text(unix_seconds: i64) -> String {
    jiff::Timestamp::from_second(unix_seconds)
        .map_or_else(|_| unix_seconds.to_string(), |stamp| stamp.to_string())
}
