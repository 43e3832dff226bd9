//! The on-disk store: one sled database per cache directory.
//!
//! Three trees of the cache (the history keeps a fourth, see `history`): `entries` (key → record), `index` (age-ordered key → nothing, for
//! eviction) and `meta` (format version and running totals). Every change to an
//! entry updates all three in one sled transaction, so a crash never leaves the
//! totals or the index out of step with the entries; the totals make `stats` and
//! the eviction check O(1) where counting would read the whole database.

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use sled::Transactional;
use sled::transaction::{TransactionError, TransactionalTree, UnabortableTransactionError};

use super::CacheError;
use super::backend::{Backend, Summary};
use super::record;

/// The layout of the trees below. Bump it when the layout changes: a directory
/// written in another version is moved aside and rebuilt rather than misread.
pub const FORMAT_VERSION: u32 = 1;

const ENTRIES_TREE: &[u8] = b"entries";
const INDEX_TREE: &[u8] = b"index";
const META_TREE: &[u8] = b"meta";
const META_FORMAT_VERSION: &[u8] = b"format_version";
const META_ENTRIES: &[u8] = b"entries";
const META_SIZE_BYTES: &[u8] = b"size_bytes";
/// sled's own tree, always present.
const DEFAULT_TREE: &[u8] = b"__sled__default";

pub(crate) struct DiskStore {
    db: sled::Db,
    entries: sled::Tree,
    index: sled::Tree,
    meta: sled::Tree,
    path: PathBuf,
    /// One writer at a time within this process (sled admits one process), so the
    /// eviction loop and bulk removals never race a store over the totals and
    /// transactions never conflict.
    writes: Mutex<()>,
    /// A background flush is queued and has not started: later stores ride on it.
    flush_queued: Arc<AtomicBool>,
}

/// Why an opened database cannot serve as this cache.
#[derive(Debug)]
pub(crate) enum AttachError {
    /// It holds something this version must not read; the text is for the log.
    Foreign(String),
    Storage(sled::Error),
}

impl From<sled::Error> for AttachError {
    fn from(error: sled::Error) -> Self {
        Self::Storage(error)
    }
}

impl DiskStore {
    /// Takes an opened database as the cache: a new one gets the current format
    /// version; one with another version, or with data but no version, is refused.
    pub(crate) fn attach(db: sled::Db, path: PathBuf) -> Result<Self, AttachError> {
        let entries = db.open_tree(ENTRIES_TREE)?;
        let index = db.open_tree(INDEX_TREE)?;
        let meta = db.open_tree(META_TREE)?;
        match meta.get(META_FORMAT_VERSION)? {
            Some(found) if found.as_ref() == FORMAT_VERSION.to_be_bytes() => {}
            Some(found) => {
                return Err(AttachError::Foreign(format!(
                    "format version {} (this build reads {FORMAT_VERSION})",
                    describe_version(&found)
                )));
            }
            None => {
                let known = [
                    DEFAULT_TREE,
                    ENTRIES_TREE,
                    INDEX_TREE,
                    META_TREE,
                    super::history::HISTORY_TREE,
                ];
                let unknown_tree = db
                    .tree_names()
                    .iter()
                    .any(|name| !known.contains(&name.as_ref()));
                if unknown_tree || !db.is_empty() || !entries.is_empty() || !index.is_empty() {
                    return Err(AttachError::Foreign(
                        "data without a format version".to_owned(),
                    ));
                }
                meta.insert(META_FORMAT_VERSION, &FORMAT_VERSION.to_be_bytes())?;
            }
        }
        let store = Self {
            db,
            entries,
            index,
            meta,
            path,
            writes: Mutex::new(()),
            flush_queued: Arc::default(),
        };
        if Totals::read_plain(&store.meta)?.is_none() {
            store.recount()?;
        }
        Ok(store)
    }

    /// The database, for the history's tree beside the cache's.
    pub(crate) fn db(&self) -> &sled::Db {
        &self.db
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// What the database takes on disk, which sled lets exceed the entries' own
    /// size (its log keeps old versions until it compacts).
    pub(crate) fn size_on_disk(&self) -> Option<u64> {
        self.db.size_on_disk().ok()
    }

    /// Makes every store so far durable.
    pub(crate) fn flush(&self) -> Result<(), CacheError> {
        self.db.flush()?;
        Ok(())
    }

    /// Makes recent stores durable without making the caller wait for the disk.
    /// sled alone flushes every half second, and on drop; but a process may keep
    /// its cache in a static (never dropped) and exit right after a store. Tokio
    /// waits for a running blocking task when its runtime shuts down, and drops a
    /// queued one, which flushes on drop (see [`PendingFlush`]); so a normal exit
    /// keeps the entry either way. Outside a runtime the flush runs here.
    fn flush_soon(&self) {
        if self.flush_queued.swap(true, Ordering::AcqRel) {
            return;
        }
        let pending = PendingFlush {
            db: Some(self.db.clone()),
            queued: Arc::clone(&self.flush_queued),
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => drop(runtime.spawn_blocking(move || pending.run())),
            Err(_) => pending.run(),
        }
    }

    fn writes(&self) -> MutexGuard<'_, ()> {
        self.writes.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Rebuilds the totals from the entries, after a bulk removal was interrupted.
    fn recount(&self) -> Result<(), sled::Error> {
        let _writes = self.writes();
        let mut totals = Totals::default();
        for item in self.entries.iter() {
            let (key, record) = item?;
            totals.add(&key, &record);
        }
        totals.write_plain(&self.meta)?;
        Ok(())
    }

    /// Removes one entry, its index key and its share of the totals, in one
    /// transaction. `expected_stamp` guards eviction against an entry rewritten
    /// since its index key was read.
    fn remove_entry(&self, key: &[u8], expected_stamp: Option<i64>) -> Result<bool, CacheError> {
        let removed = (&self.entries, &self.index, &self.meta)
            .transaction(|(entries, index, meta)| {
                let Some(old) = entries.get(key)? else {
                    return Ok(false);
                };
                let old_stamp = record::decode(&old).ok().map(|(stamp, _)| stamp);
                if expected_stamp.is_some() && expected_stamp != old_stamp {
                    return Ok(false);
                }
                entries.remove(key)?;
                if let Some(stamp) = old_stamp {
                    index.remove(record::index_key(stamp, key))?;
                }
                let mut totals = Totals::read(meta)?;
                totals.subtract(key, &old);
                totals.write(meta)?;
                Ok(true)
            })
            .map_err(storage)?;
        Ok(removed)
    }
}

impl Backend for DiskStore {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, CacheError> {
        Ok(self.entries.get(key)?.map(|record| record.to_vec()))
    }

    fn put(&self, key: &[u8], record: &[u8], stored_at: i64) -> Result<u64, CacheError> {
        let _writes = self.writes();
        let size = (&self.entries, &self.index, &self.meta)
            .transaction(|(entries, index, meta)| {
                let mut totals = Totals::read(meta)?;
                if let Some(old) = entries.insert(key, record)? {
                    if let Ok((old_stamp, _)) = record::decode(&old) {
                        index.remove(record::index_key(old_stamp, key))?;
                    }
                    totals.subtract(key, &old);
                }
                index.insert(record::index_key(stored_at, key), &[])?;
                totals.add(key, record);
                totals.write(meta)?;
                Ok(totals.size_bytes)
            })
            .map_err(storage)?;
        self.flush_soon();
        Ok(size)
    }

    fn evict_to(&self, target: u64) -> Result<usize, CacheError> {
        let _writes = self.writes();
        let mut evicted = 0;
        while Totals::read_plain(&self.meta)?
            .unwrap_or_default()
            .size_bytes
            > target
        {
            let Some((index_key, _)) = self.index.first()? else {
                break;
            };
            match record::split_index_key(&index_key) {
                Ok((stamp, key)) => {
                    if self.remove_entry(key, Some(stamp))? {
                        evicted += 1;
                    } else {
                        // An index key whose entry is gone or newer: drop it.
                        self.index.remove(&index_key)?;
                    }
                }
                Err(_) => {
                    self.index.remove(&index_key)?;
                }
            }
        }
        Ok(evicted)
    }

    fn remove_prefix(&self, prefix: &[u8]) -> Result<usize, CacheError> {
        let _writes = self.writes();
        let keys = self
            .entries
            .scan_prefix(prefix)
            .keys()
            .collect::<Result<Vec<_>, _>>()?;
        let mut removed = 0;
        for key in keys {
            if self.remove_entry(&key, None)? {
                removed += 1;
            }
        }
        // A purge follows a disconnect: a restart must not bring the account's
        // entries back. (sled may keep the old bytes in its log until it reuses
        // the space; only removing the directory erases them at once.)
        self.db.flush()?;
        Ok(removed)
    }

    fn clear(&self) -> Result<usize, CacheError> {
        let _writes = self.writes();
        let removed = self.entries.len();
        // Without totals, the next open recounts: an interrupted clear cannot leave
        // totals that disagree with what is left.
        self.meta.remove(META_ENTRIES)?;
        self.meta.remove(META_SIZE_BYTES)?;
        self.entries.clear()?;
        self.index.clear()?;
        Totals::default().write_plain(&self.meta)?;
        self.db.flush()?;
        Ok(removed)
    }

    fn summary(&self) -> Result<Summary, CacheError> {
        let totals = Totals::read_plain(&self.meta)?.unwrap_or_default();
        let stamp = |item: Option<(sled::IVec, sled::IVec)>| {
            item.and_then(|(key, _)| record::split_index_key(&key).ok().map(|(stamp, _)| stamp))
        };
        Ok(Summary {
            entries: totals.entries,
            size_bytes: totals.size_bytes,
            oldest_stored_at: stamp(self.index.first()?),
            newest_stored_at: stamp(self.index.last()?),
        })
    }
}

impl Drop for DiskStore {
    /// sled flushes every half second in the background; flushing here as well
    /// means entries stored just before a normal exit are still there next time.
    fn drop(&mut self) {
        if let Err(error) = self.db.flush() {
            tracing::warn!(%error, "cannot flush the cache on close; recent entries may be lost");
        }
    }
}

/// A flush that happens exactly once: when run, or else when dropped unrun (a
/// runtime shutting down discards queued blocking tasks).
struct PendingFlush {
    db: Option<sled::Db>,
    queued: Arc<AtomicBool>,
}

impl PendingFlush {
    fn run(mut self) {
        self.flush();
    }

    fn flush(&mut self) {
        let Some(db) = self.db.take() else {
            return;
        };
        // Cleared before flushing: a store after this point queues its own flush.
        self.queued.store(false, Ordering::Release);
        if let Err(error) = db.flush() {
            tracing::warn!(%error, "cannot flush the cache; recent entries may be lost");
        }
    }
}

impl Drop for PendingFlush {
    fn drop(&mut self) {
        self.flush();
    }
}

/// The running totals kept in `meta`.
#[derive(Debug, Clone, Copy, Default)]
struct Totals {
    entries: u64,
    size_bytes: u64,
}

impl Totals {
    fn add(&mut self, key: &[u8], record: &[u8]) {
        self.entries += 1;
        self.size_bytes += record::footprint(key, record);
    }

    fn subtract(&mut self, key: &[u8], record: &[u8]) {
        self.entries = self.entries.saturating_sub(1);
        self.size_bytes = self
            .size_bytes
            .saturating_sub(record::footprint(key, record));
    }

    fn read(meta: &TransactionalTree) -> Result<Self, UnabortableTransactionError> {
        Ok(Self {
            entries: meta.get(META_ENTRIES)?.map_or(0, |bytes| number(&bytes)),
            size_bytes: meta.get(META_SIZE_BYTES)?.map_or(0, |bytes| number(&bytes)),
        })
    }

    fn write(&self, meta: &TransactionalTree) -> Result<(), UnabortableTransactionError> {
        meta.insert(META_ENTRIES, &self.entries.to_be_bytes())?;
        meta.insert(META_SIZE_BYTES, &self.size_bytes.to_be_bytes())?;
        Ok(())
    }

    /// `None` when the totals are missing: a bulk removal was interrupted.
    fn read_plain(meta: &sled::Tree) -> Result<Option<Self>, sled::Error> {
        let entries = meta.get(META_ENTRIES)?;
        let size_bytes = meta.get(META_SIZE_BYTES)?;
        Ok(entries.zip(size_bytes).map(|(entries, size_bytes)| Self {
            entries: number(&entries),
            size_bytes: number(&size_bytes),
        }))
    }

    fn write_plain(&self, meta: &sled::Tree) -> Result<(), sled::Error> {
        meta.insert(META_ENTRIES, &self.entries.to_be_bytes())?;
        meta.insert(META_SIZE_BYTES, &self.size_bytes.to_be_bytes())?;
        Ok(())
    }
}

/// A big-endian u64; anything else (never written by this code) counts as 0 and
/// is corrected by the next recount.
fn number(bytes: &[u8]) -> u64 {
    bytes.try_into().map(u64::from_be_bytes).unwrap_or_default()
}

fn describe_version(bytes: &[u8]) -> String {
    bytes
        .try_into()
        .map(|array| u32::from_be_bytes(array).to_string())
        .unwrap_or_else(|_| "unreadable".to_owned())
}

fn storage(error: TransactionError<Infallible>) -> CacheError {
    match error {
        TransactionError::Abort(never) => match never {},
        TransactionError::Storage(error) => CacheError::Storage(error),
    }
}
