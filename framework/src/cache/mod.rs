//! The read-through cache for upstream answers: on disk with sled, shared by every
//! call of one process, keyed per account.
//!
//! Unlike the original connector's cache (written on every call but read only when
//! the upstream failed, with no age, no size cap and no marker on what it served),
//! this one is read first: a fresh entry answers without a request, a stale one is
//! handed back so the caller can serve it when the upstream fails and say so
//! ([`provenance`]), and the oldest entries go once the size budget is spent.
//!
//! It never fails a call. Opening falls back to memory (another process holds the
//! database) or rebuilds (the directory is damaged or from another version), and a
//! storage error during a lookup or a store is logged and treated as a miss. The
//! status tool reports which of these happened ([`Cache::mode`]).
//!
//! What it does not do: decide what may be cached (the provider stores response
//! bodies without tokens) or how old is too old (the caller passes `max_age_secs`).

mod backend;
mod disk;
mod error;
mod history;
mod key;
mod memory;
mod open;
pub mod provenance;
mod record;
mod refresh;
mod stats;
#[cfg(test)]
mod tests;

use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use backend::Backend;
use disk::DiskStore;
use memory::MemoryStore;
use stats::Counters;

pub use disk::FORMAT_VERSION;
pub use error::CacheError;
pub use history::{Coverage, History, Record, Upserted};
pub use key::{CREDENTIAL_PARAMS, CacheKey};
pub use provenance::{Provenance, collect, record};
pub use refresh::{refresh_requested, refreshing};
pub use stats::CacheStats;
pub(crate) use stats::stamp_text;

/// 200 MiB: years of one person's wellness answers, and small beside a disk.
pub const DEFAULT_MAX_BYTES: u64 = 200 * 1024 * 1024;
/// 1.5 s: long enough for a server that is shutting down (a client restarting it)
/// to release the database, short enough not to hold up a client's startup.
pub const DEFAULT_OPEN_WAIT: Duration = Duration::from_millis(1500);
/// Eviction goes on until the entries fit in the budget less a tenth of it (about
/// 90 %), so the next few stores do not each evict again.
const EVICTION_HEADROOM_DIVISOR: u64 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheOptions {
    /// The entries' total size (keys and values) beyond which the oldest go.
    pub max_bytes: u64,
    /// How long to wait for another process to release the database before
    /// caching in memory instead.
    pub open_wait: Duration,
}

impl Default for CacheOptions {
    fn default() -> Self {
        Self {
            max_bytes: DEFAULT_MAX_BYTES,
            open_wait: DEFAULT_OPEN_WAIT,
        }
    }
}

/// Where answers are being kept, and if not on disk, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum CacheMode {
    /// In the cache directory; shared with later runs.
    Disk,
    /// In this process only; lost when it exits.
    Memory { reason: String },
    /// Nothing is kept: every call reads upstream.
    Off,
}

/// A stored answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub value: Value,
    /// Unix seconds.
    pub stored_at: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    /// Young enough to answer with.
    Fresh(Entry),
    /// Too old to answer with, but better than nothing if the upstream fails.
    Stale(Entry),
    Miss,
}

/// Cheap to clone: every clone shares one store and one set of counters.
#[derive(Clone)]
pub struct Cache {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    /// The synced records: in the same database (sled admits one process per
    /// database) or, when the cache is in memory, in memory too.
    history: History,
    max_bytes: u64,
    counters: Counters,
}

enum Store {
    Disk(DiskStore),
    Memory { store: MemoryStore, reason: String },
    Off,
}

impl Cache {
    /// Never fails: a directory another process holds (sled allows one process per
    /// database) is retried for `open_wait`, then the cache runs in memory and says
    /// why; a corrupt or unreadable directory, or one in another format version, is
    /// moved aside to `<dir>.broken-<unix seconds>` and rebuilt (unless it holds
    /// files sled did not make: then it is left alone and the cache runs in memory).
    /// The directory is made owner-only (0700). Blocks for up to `open_wait`.
    pub fn open(dir: &Path, options: CacheOptions) -> Cache {
        let store = match open::open(dir, &options) {
            open::Opened::Disk(store) => Store::Disk(store),
            open::Opened::Memory(reason) => {
                tracing::warn!(%reason, "the cache runs in memory for this process");
                Store::Memory {
                    store: MemoryStore::default(),
                    reason,
                }
            }
        };
        Self::with_store(store, options.max_bytes)
    }

    /// A cache that lives and dies with this process; `reason` is reported as is.
    pub fn in_memory(reason: impl Into<String>) -> Cache {
        Self::with_store(
            Store::Memory {
                store: MemoryStore::default(),
                reason: reason.into(),
            },
            DEFAULT_MAX_BYTES,
        )
    }

    /// No cache: lookups always miss, stores are dropped.
    pub fn off() -> Cache {
        Self::with_store(Store::Off, DEFAULT_MAX_BYTES)
    }

    fn with_store(store: Store, max_bytes: u64) -> Cache {
        let history = match &store {
            Store::Disk(disk) => History::disk(disk.db()).unwrap_or_else(|error| {
                tracing::warn!(%error, "cannot open the local history; keeping it in memory");
                History::memory()
            }),
            Store::Memory { .. } => History::memory(),
            Store::Off => History::off(),
        };
        Cache {
            inner: Arc::new(Inner {
                store,
                history,
                max_bytes,
                counters: Counters::default(),
            }),
        }
    }

    pub fn mode(&self) -> CacheMode {
        match &self.inner.store {
            Store::Disk(_) => CacheMode::Disk,
            Store::Memory { reason, .. } => CacheMode::Memory {
                reason: reason.clone(),
            },
            Store::Off => CacheMode::Off,
        }
    }

    /// The database directory, in disk mode.
    pub fn path(&self) -> Option<&Path> {
        match &self.inner.store {
            Store::Disk(store) => Some(store.path()),
            _ => None,
        }
    }

    /// Fresh when `0 <= now - stored_at <= max_age_secs`. An entry stamped in the
    /// future (the clock went back) is stale: its age is unknown. Counts a hit
    /// (fresh) or a miss (stale or absent).
    pub fn lookup(&self, key: &CacheKey, max_age_secs: i64, now: i64) -> Lookup {
        let counters = &self.inner.counters;
        match self.find(key) {
            Some(entry) if (0..=max_age_secs).contains(&now.saturating_sub(entry.stored_at)) => {
                counters.hit();
                Lookup::Fresh(entry)
            }
            Some(entry) => {
                counters.miss();
                Lookup::Stale(entry)
            }
            None => {
                counters.miss();
                Lookup::Miss
            }
        }
    }

    /// Keeps `value` as the answer for `key`, stamped `now`, then evicts the oldest
    /// entries if the budget is exceeded. Errors are logged (without values or
    /// parameters) and swallowed: a cache must never fail a call. A value larger
    /// than the whole budget is not kept: it would only push everything else out.
    pub fn store(&self, key: &CacheKey, value: &Value, now: i64) {
        let Some(backend) = self.inner.store.backend() else {
            return;
        };
        let json = match serde_json::to_vec(value) {
            Ok(json) => json,
            Err(error) => {
                tracing::warn!(namespace = key.namespace(), category = ?error.classify(), "cannot encode an answer for the cache");
                return;
            }
        };
        let key_bytes = key.to_bytes();
        let record = record::encode(now, &json);
        let max_bytes = self.inner.max_bytes;
        if record::footprint(&key_bytes, &record) > max_bytes {
            tracing::debug!(
                namespace = key.namespace(),
                "an answer larger than the cache budget is not cached"
            );
            return;
        }
        let stored = backend.put(&key_bytes, &record, now).and_then(|size| {
            if size > max_bytes {
                backend.evict_to(max_bytes - max_bytes / EVICTION_HEADROOM_DIVISOR)?;
            }
            Ok(())
        });
        if let Err(error) = stored {
            tracing::warn!(namespace = key.namespace(), %error, "cannot store an answer in the cache");
        }
    }

    /// The local history of synced records, kept where the cache is.
    pub fn history(&self) -> &History {
        &self.inner.history
    }

    /// Removes everything stored for one account (after it disconnects), its
    /// history included; returns how many cache entries went.
    pub fn purge_scope(&self, scope: &str) -> Result<usize, CacheError> {
        self.inner.history.purge_scope(scope)?;
        match self.inner.store.backend() {
            Some(backend) => backend.remove_prefix(&key::scope_prefix(scope)),
            None => Ok(0),
        }
    }

    /// Removes every entry of every account, and the history; returns how many
    /// cache entries went.
    pub fn clear(&self) -> Result<usize, CacheError> {
        self.inner.history.clear()?;
        match self.inner.store.backend() {
            Some(backend) => backend.clear(),
            None => Ok(0),
        }
    }

    /// A storage error reads as an empty cache here (and is logged): the status
    /// must answer even when the store cannot.
    pub fn stats(&self) -> CacheStats {
        let summary = match self.inner.store.backend().map(Backend::summary) {
            Some(Ok(summary)) => summary,
            Some(Err(error)) => {
                tracing::warn!(%error, "cannot read the cache's totals");
                Default::default()
            }
            None => Default::default(),
        };
        let (hits, misses, stale_served) = self.inner.counters.read();
        let disk = match &self.inner.store {
            Store::Disk(store) => Some(store),
            _ => None,
        };
        CacheStats {
            mode: self.mode(),
            path: disk.map(|store| store.path().to_path_buf()),
            format_version: disk.map(|_| FORMAT_VERSION),
            entries: summary.entries,
            size_bytes: summary.size_bytes,
            max_bytes: self.inner.max_bytes,
            disk_bytes: disk.and_then(DiskStore::size_on_disk),
            hits,
            misses,
            stale_served,
            oldest_stored_at: summary.oldest_stored_at,
            newest_stored_at: summary.newest_stored_at,
        }
    }

    /// The caller served a stale entry because the upstream failed.
    pub fn note_stale_served(&self) {
        self.inner.counters.stale_served();
    }

    /// Makes every store so far durable now. sled also flushes in the background
    /// (every half second) and when the last clone is dropped; this is for a
    /// process about to exit without dropping its cache.
    pub fn flush(&self) -> Result<(), CacheError> {
        match &self.inner.store {
            Store::Disk(store) => store.flush(),
            _ => Ok(()),
        }
    }

    /// The entry under `key`, if one can be read. An unreadable record is logged
    /// and reads as absent, so the caller fetches and overwrites it.
    fn find(&self, key: &CacheKey) -> Option<Entry> {
        let backend = self.inner.store.backend()?;
        let found = backend.get(&key.to_bytes()).and_then(|record| {
            record
                .map(|record| {
                    let (stored_at, json) = record::decode(&record)?;
                    let value = serde_json::from_slice(json).map_err(|_| CacheError::Malformed)?;
                    Ok(Entry { value, stored_at })
                })
                .transpose()
        });
        found
            .inspect_err(|error| {
                tracing::warn!(namespace = key.namespace(), %error, "cannot read from the cache; treating it as a miss");
            })
            .ok()
            .flatten()
    }
}

impl Store {
    fn backend(&self) -> Option<&dyn Backend> {
        match self {
            Store::Disk(store) => Some(store),
            Store::Memory { store, .. } => Some(store),
            Store::Off => None,
        }
    }
}

impl fmt::Debug for Cache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cache")
            .field("mode", &self.mode())
            .field("path", &self.path())
            .finish_non_exhaustive()
    }
}
