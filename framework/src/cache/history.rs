//! The local history: every record of an account a sync has pulled, kept by its
//! identity, with the time range each domain covers.
//!
//! Unlike the cache (answers to requests, evicted when the budget is spent), the
//! history holds records: a later sync replaces a record only with a newer version
//! of itself (a later `modified`), nothing is evicted, and a domain's coverage says
//! which time range is known to be complete, so a read inside it needs no request.
//!
//! It lives in the cache's sled database (sled admits one process per database, so
//! a second database would need a second lock), in one tree of its own, and in
//! memory when the cache is in memory. One tree, so that a page of records and the
//! note saying how far a sync got are written in one atomic batch: a sync killed at
//! any instant leaves records and progress that agree.
//!
//! What it does not do: know what a record is (the provider names its identity and
//! `modified`) or decide when the coverage is fresh enough to answer from.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::CacheError;
use super::key::{push_field, scope_prefix};

/// A stored key and its value.
type KeyValue = (Vec<u8>, Vec<u8>);

/// The tree in the cache database that holds the history.
pub(crate) const HISTORY_TREE: &[u8] = b"history";

/// Kinds of keys in the tree, after the scope.
const RECORD: &str = "r";
const NOTE: &str = "n";
/// The note holding a domain's coverage.
const COVERAGE_NOTE: &str = "coverage";
/// Bytes of `modified` before a record's JSON.
const MODIFIED_LEN: usize = 8;

/// The contiguous time range of one domain known to be complete locally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Coverage {
    /// Unix seconds: nothing from this instant on is missing...
    pub start: i64,
    /// ...up to this instant (the start of the sync that completed it).
    pub end: i64,
    /// Unix seconds: when the sync that last extended it started. Records changed
    /// upstream after this are not known here.
    pub synced_at: i64,
}

/// One record to keep.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// What makes it this record and no other, within its domain.
    pub identity: String,
    /// Unix seconds of its last change upstream; a stored version at least as
    /// recent is kept.
    pub modified: i64,
    pub value: Value,
}

/// What one write did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Upserted {
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl Upserted {
    pub fn add(&mut self, other: Upserted) {
        self.added += other.added;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
    }
}

/// Cheap to clone: clones share one store.
#[derive(Clone)]
pub struct History {
    store: Arc<Store>,
}

enum Store {
    Disk { db: sled::Db, tree: sled::Tree },
    Memory(Mutex<BTreeMap<Vec<u8>, Vec<u8>>>),
    Off,
}

impl History {
    pub(crate) fn disk(db: &sled::Db) -> Result<History, CacheError> {
        let tree = db.open_tree(HISTORY_TREE)?;
        Ok(Self::with(Store::Disk {
            db: db.clone(),
            tree,
        }))
    }

    pub(crate) fn memory() -> History {
        Self::with(Store::Memory(Mutex::default()))
    }

    pub(crate) fn off() -> History {
        Self::with(Store::Off)
    }

    fn with(store: Store) -> History {
        History {
            store: Arc::new(store),
        }
    }

    /// Whether anything written is kept at all (false when the cache is off).
    pub fn enabled(&self) -> bool {
        !matches!(*self.store, Store::Off)
    }

    /// Keeps `records` (each unless a version at least as recent is stored) and
    /// sets or removes `notes`, all in one atomic write made durable before it
    /// returns: a process killed right after has lost none of it.
    pub fn write(
        &self,
        scope: &str,
        domain: &str,
        records: &[Record],
        notes: &[(&str, Option<&Value>)],
    ) -> Result<Upserted, CacheError> {
        let mut outcome = Upserted::default();
        let mut changes: Vec<(Vec<u8>, Option<Vec<u8>>)> = Vec::new();
        let mut latest: BTreeMap<Vec<u8>, i64> = BTreeMap::new();
        for record in records {
            let key = record_key(scope, domain, &record.identity);
            let stored = match latest.get(&key) {
                Some(modified) => Some(*modified),
                None => self.get(&key)?.map(|bytes| stored_modified(&bytes)),
            };
            match stored {
                Some(modified) if modified >= record.modified => {
                    outcome.unchanged += 1;
                    continue;
                }
                Some(_) => outcome.updated += 1,
                None => outcome.added += 1,
            }
            let json = serde_json::to_vec(&record.value).map_err(|_| CacheError::Malformed)?;
            let mut bytes = Vec::with_capacity(MODIFIED_LEN + json.len());
            bytes.extend_from_slice(&record.modified.to_be_bytes());
            bytes.extend_from_slice(&json);
            latest.insert(key.clone(), record.modified);
            changes.push((key, Some(bytes)));
        }
        for (name, value) in notes {
            let value = value
                .map(|value| serde_json::to_vec(value).map_err(|_| CacheError::Malformed))
                .transpose()?;
            changes.push((note_key(scope, domain, name), value));
        }
        self.apply(changes)?;
        Ok(outcome)
    }

    /// Every record of a domain, in identity order.
    pub fn records(&self, scope: &str, domain: &str) -> Result<Vec<Value>, CacheError> {
        self.scan(&kind_prefix(scope, RECORD, domain))?
            .into_iter()
            .map(|(_, bytes)| {
                let json = bytes.get(MODIFIED_LEN..).ok_or(CacheError::Malformed)?;
                serde_json::from_slice(json).map_err(|_| CacheError::Malformed)
            })
            .collect()
    }

    /// How many records a domain holds.
    pub fn count(&self, scope: &str, domain: &str) -> Result<u64, CacheError> {
        Ok(self.scan(&kind_prefix(scope, RECORD, domain))?.len() as u64)
    }

    pub fn note(&self, scope: &str, domain: &str, name: &str) -> Result<Option<Value>, CacheError> {
        self.get(&note_key(scope, domain, name))?
            .map(|bytes| serde_json::from_slice(&bytes).map_err(|_| CacheError::Malformed))
            .transpose()
    }

    pub fn coverage(&self, scope: &str, domain: &str) -> Result<Option<Coverage>, CacheError> {
        self.note(scope, domain, COVERAGE_NOTE)?
            .map(|value| serde_json::from_value(value).map_err(|_| CacheError::Malformed))
            .transpose()
    }

    /// Sets a domain's coverage together with `notes`, atomically.
    pub fn set_coverage(
        &self,
        scope: &str,
        domain: &str,
        coverage: &Coverage,
        notes: &[(&str, Option<&Value>)],
    ) -> Result<(), CacheError> {
        let coverage = serde_json::to_value(coverage).map_err(|_| CacheError::Malformed)?;
        let mut all = vec![(COVERAGE_NOTE, Some(&coverage))];
        all.extend_from_slice(notes);
        self.write(scope, domain, &[], &all).map(|_| ())
    }

    /// Removes an account's records and notes; returns how many keys went.
    pub fn purge_scope(&self, scope: &str) -> Result<usize, CacheError> {
        let keys: Vec<Vec<u8>> = self
            .scan(&scope_prefix(scope))?
            .into_iter()
            .map(|(key, _)| key)
            .collect();
        let removed = keys.len();
        self.apply(keys.into_iter().map(|key| (key, None)).collect())?;
        Ok(removed)
    }

    /// Removes everything; returns how many keys went.
    pub fn clear(&self) -> Result<usize, CacheError> {
        match &*self.store {
            Store::Disk { db, tree } => {
                let removed = tree.len();
                tree.clear()?;
                db.flush()?;
                Ok(removed)
            }
            Store::Memory(map) => {
                let mut map = lock(map);
                let removed = map.len();
                map.clear();
                Ok(removed)
            }
            Store::Off => Ok(0),
        }
    }

    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, CacheError> {
        match &*self.store {
            Store::Disk { tree, .. } => Ok(tree.get(key)?.map(|bytes| bytes.to_vec())),
            Store::Memory(map) => Ok(lock(map).get(key).cloned()),
            Store::Off => Ok(None),
        }
    }

    fn scan(&self, prefix: &[u8]) -> Result<Vec<KeyValue>, CacheError> {
        match &*self.store {
            Store::Disk { tree, .. } => tree
                .scan_prefix(prefix)
                .map(|item| {
                    item.map(|(key, value)| (key.to_vec(), value.to_vec()))
                        .map_err(CacheError::from)
                })
                .collect(),
            Store::Memory(map) => Ok(lock(map)
                .range(prefix.to_vec()..)
                .take_while(|(key, _)| key.starts_with(prefix))
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect()),
            Store::Off => Ok(Vec::new()),
        }
    }

    /// One atomic batch, flushed: durable when this returns.
    fn apply(&self, changes: Vec<(Vec<u8>, Option<Vec<u8>>)>) -> Result<(), CacheError> {
        match &*self.store {
            Store::Disk { db, tree } => {
                let mut batch = sled::Batch::default();
                for (key, value) in changes {
                    match value {
                        Some(value) => batch.insert(key, value),
                        None => batch.remove(key),
                    }
                }
                tree.apply_batch(batch)?;
                db.flush()?;
                Ok(())
            }
            Store::Memory(map) => {
                let mut map = lock(map);
                for (key, value) in changes {
                    match value {
                        Some(value) => map.insert(key, value),
                        None => map.remove(&key),
                    };
                }
                Ok(())
            }
            Store::Off => Ok(()),
        }
    }
}

/// Every update above completes before it could panic, so a poisoned map is
/// still consistent.
fn lock(map: &Mutex<BTreeMap<Vec<u8>, Vec<u8>>>) -> MutexGuard<'_, BTreeMap<Vec<u8>, Vec<u8>>> {
    map.lock().unwrap_or_else(PoisonError::into_inner)
}

fn kind_prefix(scope: &str, kind: &str, domain: &str) -> Vec<u8> {
    let mut key = scope_prefix(scope);
    push_field(&mut key, kind);
    push_field(&mut key, domain);
    key
}

fn record_key(scope: &str, domain: &str, identity: &str) -> Vec<u8> {
    let mut key = kind_prefix(scope, RECORD, domain);
    push_field(&mut key, identity);
    key
}

fn note_key(scope: &str, domain: &str, name: &str) -> Vec<u8> {
    let mut key = kind_prefix(scope, NOTE, domain);
    push_field(&mut key, name);
    key
}

/// A stored record's `modified`; an unreadable one counts as the oldest, so the
/// next write replaces it.
fn stored_modified(bytes: &[u8]) -> i64 {
    bytes
        .first_chunk::<MODIFIED_LEN>()
        .map_or(i64::MIN, |stamp| i64::from_be_bytes(*stamp))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(identity: &str, modified: i64, value: Value) -> Record {
        Record {
            identity: identity.into(),
            modified,
            value,
        }
    }

    fn both(check: impl Fn(History)) {
        check(History::memory());
        let dir = tempfile::tempdir().unwrap();
        let db = sled::open(dir.path()).unwrap();
        check(History::disk(&db).unwrap());
    }

    #[test]
    fn a_later_modified_wins_and_an_older_one_is_ignored() {
        both(|history| {
            let first = history
                .write("u1", "meas", &[record("1", 10, json!({"v": 1}))], &[])
                .unwrap();
            assert_eq!(first.added, 1);
            let older = history
                .write("u1", "meas", &[record("1", 5, json!({"v": 0}))], &[])
                .unwrap();
            assert_eq!(older.unchanged, 1);
            let newer = history
                .write("u1", "meas", &[record("1", 20, json!({"v": 2}))], &[])
                .unwrap();
            assert_eq!(newer.updated, 1);
            assert_eq!(history.records("u1", "meas").unwrap(), [json!({"v": 2})]);
        });
    }

    #[test]
    fn accounts_and_domains_stay_apart_and_purge_takes_one_account() {
        both(|history| {
            let notes = [("progress", Some(&json!({"offset": 3})))];
            history
                .write("u1", "meas", &[record("1", 1, json!(1))], &notes)
                .unwrap();
            history
                .write("u1", "sleep", &[record("1", 1, json!(2))], &[])
                .unwrap();
            history
                .write("u2", "meas", &[record("1", 1, json!(3))], &[])
                .unwrap();
            let coverage = Coverage {
                start: 1,
                end: 2,
                synced_at: 2,
            };
            history.set_coverage("u1", "meas", &coverage, &[]).unwrap();
            assert_eq!(history.coverage("u1", "meas").unwrap(), Some(coverage));
            assert_eq!(history.coverage("u2", "meas").unwrap(), None);
            assert_eq!(
                history.note("u1", "meas", "progress").unwrap(),
                Some(json!({"offset": 3}))
            );
            assert_eq!(history.records("u1", "meas").unwrap(), [json!(1)]);
            assert_eq!(history.purge_scope("u1").unwrap(), 4);
            assert!(history.records("u1", "sleep").unwrap().is_empty());
            assert_eq!(history.count("u2", "meas").unwrap(), 1);
            assert_eq!(history.clear().unwrap(), 1);
        });
    }
}
