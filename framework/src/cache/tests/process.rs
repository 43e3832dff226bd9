//! What only another process can show: sled admits one process per database, so
//! the fallback to memory needs a second one; and whether an entry survives an exit
//! that drops nothing. This test binary runs itself again as that process.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

use super::*;

/// Tells [`holder`] which directory to hold.
const HOLD_DIR: &str = "DELX_CACHE_TEST_HOLD_DIR";
/// What [`holder`] prints once it holds the database.
const HOLDING: &str = "delx-cache-test: holding";
const HOLDER_TEST: &str = "cache::tests::process::holder";

/// Not a test on its own: opens the cache in `HOLD_DIR`, says so, and holds it
/// until its standard input closes (so it never outlives the test that started it).
#[test]
#[ignore = "run by a_second_process_falls_back_to_memory_and_says_why, in a child process"]
fn holder() {
    let Some(dir) = std::env::var_os(HOLD_DIR) else {
        return;
    };
    let cache = open(Path::new(&dir));
    assert_eq!(cache.mode(), CacheMode::Disk);
    cache.store(&key("42", "activity", &[]), &sample(1), NOW);
    cache.flush().unwrap();
    println!("{HOLDING}");
    let mut rest = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut rest);
}

/// Tells [`writer_that_never_drops_its_cache`] where to store.
const WRITE_DIR: &str = "DELX_CACHE_TEST_WRITE_DIR";
const WRITER_TEST: &str = "cache::tests::process::writer_that_never_drops_its_cache";

/// Not a test on its own: stores one entry from inside a runtime, as a server
/// does, keeps the cache alive forever (as a static would) and exits at once.
#[test]
#[ignore = "run by an_entry_stored_just_before_exit_survives, in a child process"]
fn writer_that_never_drops_its_cache() {
    let Some(dir) = std::env::var_os(WRITE_DIR) else {
        return;
    };
    let cache = open(Path::new(&dir));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .unwrap();
    runtime.block_on(async {
        cache.store(&key("42", "activity", &[]), &sample(3), NOW);
    });
    drop(runtime);
    std::mem::forget(cache);
    std::process::exit(0);
}

#[test]
fn an_entry_stored_just_before_exit_survives() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("cache");
    let status = Command::new(std::env::current_exe().unwrap())
        .args([WRITER_TEST, "--exact", "--ignored", "--test-threads=1"])
        .env(WRITE_DIR, &dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "the writer failed: {status}");
    let cache = open(&dir);
    assert_eq!(cache.mode(), CacheMode::Disk);
    assert_eq!(
        found(cache.lookup(&key("42", "activity", &[]), i64::MAX, NOW)),
        Some(sample(3))
    );
}

#[test]
fn a_second_process_falls_back_to_memory_and_says_why() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("cache");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            HOLDER_TEST,
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(HOLD_DIR, &dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let ready = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|line| line.contains(HOLDING));
    assert!(ready, "the holder never said it held the cache");

    let started = Instant::now();
    let second = Cache::open(
        &dir,
        CacheOptions {
            open_wait: Duration::from_millis(200),
            ..CacheOptions::default()
        },
    );
    assert!(
        started.elapsed() >= Duration::from_millis(200),
        "it waited first"
    );
    match second.mode() {
        CacheMode::Memory { reason } => {
            assert!(reason.contains("another process"), "{reason}");
            assert!(
                !reason.contains(&*dir.to_string_lossy()),
                "no path in the reason"
            );
        }
        other => panic!("expected memory, got {other:?}"),
    }
    assert_eq!(second.path(), None);
    let steps = key("42", "activity", &[]);
    assert_eq!(
        second.lookup(&steps, i64::MAX, NOW),
        Lookup::Miss,
        "memory starts empty"
    );
    second.store(&steps, &sample(2), NOW);
    assert_eq!(found(second.lookup(&steps, 60, NOW)), Some(sample(2)));

    // Once the holder exits, a process that waits long enough gets the disk.
    drop(child.stdin.take());
    let waiting = Cache::open(
        &dir,
        CacheOptions {
            open_wait: Duration::from_secs(20),
            ..CacheOptions::default()
        },
    );
    let status = child.wait().unwrap();
    assert!(status.success(), "the holder failed: {status}");
    assert_eq!(waiting.mode(), CacheMode::Disk);
    assert_eq!(
        found(waiting.lookup(&steps, i64::MAX, NOW)),
        Some(sample(1))
    );
}
