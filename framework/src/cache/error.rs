//! What can go wrong in the cache's own storage. Callers of [`Cache::lookup`] and
//! [`Cache::store`] never see these (a cache must never fail a call); they surface
//! only from the maintenance operations a person asked for: purge and clear.
//!
//! [`Cache::lookup`]: super::Cache::lookup
//! [`Cache::store`]: super::Cache::store

use thiserror::Error;

#[derive(Debug, Error)]
pub enum CacheError {
    /// sled reported an I/O or consistency problem. Its messages name files and
    /// offsets, never stored values.
    #[error("cache storage: {0}")]
    Storage(#[from] sled::Error),
    /// A stored record is too short to hold its timestamp: written by something else.
    #[error("cache record is malformed")]
    Malformed,
}
