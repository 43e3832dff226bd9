//! What a place to keep entries must do. The disk and memory stores implement it
//! over the same record layout, so [`Cache`](super::Cache) holds the semantics
//! (freshness, counters, eviction policy) once.

use super::CacheError;

pub(crate) trait Backend: Send + Sync {
    /// The record stored under `key`.
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, CacheError>;
    /// Stores `record` under `key`, replacing any earlier one, and returns the
    /// entries' total footprint afterwards.
    fn put(&self, key: &[u8], record: &[u8], stored_at: i64) -> Result<u64, CacheError>;
    /// Removes the oldest entries until the total footprint is at most `target`;
    /// returns how many went.
    fn evict_to(&self, target: u64) -> Result<usize, CacheError>;
    /// Removes every entry whose key starts with `prefix`; returns how many went.
    fn remove_prefix(&self, prefix: &[u8]) -> Result<usize, CacheError>;
    /// Removes everything; returns how many entries went.
    fn clear(&self) -> Result<usize, CacheError>;
    fn summary(&self) -> Result<Summary, CacheError>;
}

/// What a backend holds, for [`CacheStats`](super::CacheStats).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Summary {
    pub entries: u64,
    pub size_bytes: u64,
    pub oldest_stored_at: Option<i64>,
    pub newest_stored_at: Option<i64>,
}
