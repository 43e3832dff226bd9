//! The cache against real sled databases in temporary directories.

mod keys;
mod lookup;
mod process;
mod recovery;
mod removal;

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::*;

/// A moment in 2026, so stamps read as real dates in failures.
const NOW: i64 = 1_782_806_400;

fn key(scope: &str, namespace: &str, params: &[(&str, &str)]) -> CacheKey {
    let params: Vec<(&str, String)> = params
        .iter()
        .map(|(name, value)| (*name, (*value).to_owned()))
        .collect();
    CacheKey::new(scope, namespace, &params)
}

fn open(dir: &Path) -> Cache {
    Cache::open(dir, CacheOptions::default())
}

fn open_with_budget(dir: &Path, max_bytes: u64) -> Cache {
    Cache::open(
        dir,
        CacheOptions {
            max_bytes,
            ..CacheOptions::default()
        },
    )
}

/// The value a lookup found, fresh or stale.
fn found(lookup: Lookup) -> Option<Value> {
    match lookup {
        Lookup::Fresh(entry) | Lookup::Stale(entry) => Some(entry.value),
        Lookup::Miss => None,
    }
}

fn is_fresh(lookup: &Lookup) -> bool {
    matches!(lookup, Lookup::Fresh(_))
}

/// sled directly, as another version of this code would open it. A database just
/// dropped may stay locked for a moment while sled's threads finish.
fn raw_sled(dir: &Path) -> sled::Db {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match sled::open(dir) {
            Ok(db) => return db,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            Err(error) => panic!("cannot open {}: {error}", dir.display()),
        }
    }
}

/// The siblings of `dir` that an unusable cache was moved to.
fn moved_aside(dir: &Path) -> Vec<std::path::PathBuf> {
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let mut found: Vec<_> = std::fs::read_dir(dir.parent().unwrap())
        .unwrap()
        .map(|child| child.unwrap().path())
        .filter(|path| {
            path.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(&format!("{name}.broken-"))
        })
        .collect();
    found.sort();
    found
}

fn sample(n: i64) -> Value {
    json!({"series": [{"date": n, "steps": n * 100}], "more": false})
}

#[test]
fn a_cache_is_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<Cache>();
}
