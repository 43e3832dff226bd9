//! The in-process store: what a process uses when the disk cache is held by another
//! process or cannot be used. Same semantics as on disk; gone at exit.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::CacheError;
use super::backend::{Backend, Summary};
use super::record;

#[derive(Debug, Default)]
pub(crate) struct MemoryStore {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Ordered, so a scope's entries are one range.
    entries: BTreeMap<Vec<u8>, Vec<u8>>,
    /// `(stored_at, key)`, oldest first.
    index: BTreeSet<(i64, Vec<u8>)>,
    size_bytes: u64,
}

impl MemoryStore {
    /// A panic elsewhere while the lock was held leaves the maps consistent (every
    /// update below is complete before it can panic), so the data stays usable.
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Backend for MemoryStore {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, CacheError> {
        Ok(self.state().entries.get(key).cloned())
    }

    fn put(&self, key: &[u8], record: &[u8], stored_at: i64) -> Result<u64, CacheError> {
        let mut state = self.state();
        state.remove(key);
        state.entries.insert(key.to_vec(), record.to_vec());
        state.index.insert((stored_at, key.to_vec()));
        state.size_bytes += record::footprint(key, record);
        Ok(state.size_bytes)
    }

    fn evict_to(&self, target: u64) -> Result<usize, CacheError> {
        let mut state = self.state();
        let mut evicted = 0;
        while state.size_bytes > target {
            let Some((_, key)) = state.index.first().cloned() else {
                break;
            };
            state.remove(&key);
            evicted += 1;
        }
        Ok(evicted)
    }

    fn remove_prefix(&self, prefix: &[u8]) -> Result<usize, CacheError> {
        let mut state = self.state();
        let keys: Vec<Vec<u8>> = state
            .entries
            .range(prefix.to_vec()..)
            .take_while(|(key, _)| key.starts_with(prefix))
            .map(|(key, _)| key.clone())
            .collect();
        for key in &keys {
            state.remove(key);
        }
        Ok(keys.len())
    }

    fn clear(&self) -> Result<usize, CacheError> {
        let mut state = self.state();
        let removed = state.entries.len();
        *state = State::default();
        Ok(removed)
    }

    fn summary(&self) -> Result<Summary, CacheError> {
        let state = self.state();
        Ok(Summary {
            entries: state.entries.len() as u64,
            size_bytes: state.size_bytes,
            oldest_stored_at: state.index.first().map(|(stamp, _)| *stamp),
            newest_stored_at: state.index.last().map(|(stamp, _)| *stamp),
        })
    }
}

impl State {
    fn remove(&mut self, key: &[u8]) {
        let Some(old) = self.entries.remove(key) else {
            return;
        };
        if let Ok((stamp, _)) = record::decode(&old) {
            self.index.remove(&(stamp, key.to_vec()));
        }
        self.size_bytes = self.size_bytes.saturating_sub(record::footprint(key, &old));
    }
}
