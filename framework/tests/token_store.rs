//! The token store's guarantees: owner-only files, atomic replacement that survives
//! `SIGKILL` at any instant, and one refresh at a time across tasks and processes.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use delx_framework::auth::{
    LockOptions, RefreshError, TokenStore, TokenStoreError, TokenUpdate, Tokens, unix_now,
};
use serde_json::json;

/// Set in a re-executed test binary to make it a child writer; see `crash_child_writer`.
const CRASH_CHILD_ENV: &str = "DELX_TOKEN_STORE_CRASH_CHILD";
/// Set in a re-executed test binary to make it a counting child; see `counter_child`.
const COUNTER_CHILD_ENV: &str = "DELX_TOKEN_STORE_COUNTER_CHILD";
const COUNTER_CHILD_ROUNDS: u64 = 10;
/// What the crash child prints once its first save is done.
const CRASH_CHILD_READY: &str = "crash-child-ready";

fn fixture() -> (tempfile::TempDir, TokenStore) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = TokenStore::new(dir.path().join("home").join("tokens.json"));
    (dir, store)
}

fn sample() -> Tokens {
    Tokens::from_json(json!({
        "access_token": "sample-access-token",
        "refresh_token": "sample-refresh-token",
        "expires_at": 1_700_000_000,
        "token_type": "Bearer",
        "scope": "user.info,user.metrics",
        "userid": 123_456,
        "future_field": {"nested": [1, 2, 3]},
    }))
    .expect("valid tokens")
}

fn fast_lock(stale_after: Duration, timeout: Duration) -> LockOptions {
    LockOptions {
        stale_after,
        timeout,
        poll_interval: Duration::from_millis(5),
    }
}

fn unix_millis() -> u64 {
    let elapsed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970");
    u64::try_from(elapsed.as_millis()).expect("millis fit")
}

fn write_lock_file(store: &TokenStore, pid: u32, acquired_at_ms: u64) {
    std::fs::create_dir_all(store.path().parent().expect("parent")).expect("dir");
    let record = json!({"pid": pid, "acquired_at_ms": acquired_at_ms, "nonce": "someone-else"});
    std::fs::write(store.lock_path(), record.to_string()).expect("lock file");
}

/// The pid of a process that has exited and been reaped: certainly not running.
fn dead_pid() -> u32 {
    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .arg("--list")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let pid = child.id();
    child.wait().expect("wait");
    pid
}

fn dir_entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

#[test]
fn save_then_load_round_trips() {
    let (_dir, store) = fixture();
    assert!(!store.exists());
    let tokens = sample();
    store.save(&tokens).expect("save");
    assert!(store.exists());

    let loaded = store.load().expect("load");
    assert_eq!(loaded, tokens);
    assert_eq!(loaded.userid.as_deref(), Some("123456"));
    assert_eq!(loaded.extra["future_field"], json!({"nested": [1, 2, 3]}));

    // The file keeps the agreed key names, the numeric userid as a string, and the
    // unknown field untouched.
    let raw: serde_json::Value =
        serde_json::from_slice(&std::fs::read(store.path()).expect("read")).expect("json");
    assert_eq!(raw["access_token"], "sample-access-token");
    assert_eq!(raw["refresh_token"], "sample-refresh-token");
    assert_eq!(raw["expires_at"], 1_700_000_000);
    assert_eq!(raw["token_type"], "Bearer");
    assert_eq!(raw["scope"], "user.info,user.metrics");
    assert_eq!(raw["userid"], "123456");
    assert_eq!(raw["future_field"], json!({"nested": [1, 2, 3]}));

    // Nothing but the token file is left behind.
    let dir = store.path().parent().expect("parent");
    assert_eq!(dir_entries(dir), vec!["tokens.json".to_owned()]);
}

#[cfg(unix)]
#[test]
fn file_is_0600_and_new_directory_0700() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, store) = fixture();
    store.save(&sample()).expect("save");
    let mode = |path: &Path| {
        std::fs::metadata(path)
            .expect("metadata")
            .permissions()
            .mode()
            & 0o7777
    };
    assert_eq!(mode(store.path()), 0o600);
    assert_eq!(mode(store.path().parent().expect("parent")), 0o700);

    let status = store.permissions();
    assert!(status.exists);
    assert_eq!(status.permissions, Some(0o600));
    assert_eq!(status.secure, Some(true));
    assert_eq!(status.dir_permissions, Some(0o700));

    // A replaced file is 0600 again even if someone loosened the old one.
    std::fs::set_permissions(store.path(), std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let status = store.permissions();
    assert_eq!(status.permissions, Some(0o644));
    assert_eq!(status.secure, Some(false));
    store.save(&sample()).expect("save");
    assert_eq!(mode(store.path()), 0o600);
}

#[cfg(unix)]
#[test]
fn an_existing_directory_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let store = TokenStore::new(dir.path().join("tokens.json"));
    store.save(&sample()).expect("save");
    let mode = std::fs::metadata(dir.path())
        .expect("metadata")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o755, "a shared directory is not the store's");
}

#[test]
fn status_of_a_missing_file() {
    let (_dir, store) = fixture();
    let status = store.permissions();
    assert!(!status.exists);
    assert_eq!(status.permissions, None);
    assert_eq!(status.secure, None);
    assert_eq!(
        store.load(),
        Err(TokenStoreError::NotFound {
            path: store.path().to_path_buf()
        })
    );
}

#[test]
fn empty_access_token_is_refused_on_save_and_load() {
    let (_dir, store) = fixture();
    let mut tokens = sample();
    tokens.access_token = String::new();
    let error = store.save(&tokens).expect_err("empty access token");
    assert_eq!(
        error,
        TokenStoreError::MissingAccessToken {
            path: store.path().to_path_buf()
        }
    );
    assert!(!store.exists(), "nothing written");
    assert!(error.to_string().contains("access_token"), "{error}");

    std::fs::create_dir_all(store.path().parent().expect("parent")).expect("dir");
    for document in [
        r#"{"access_token": "", "refresh_token": "secret-refresh"}"#,
        r#"{"refresh_token": "secret-refresh"}"#,
    ] {
        std::fs::write(store.path(), document).expect("write");
        let error = store.load().expect_err("no access token");
        assert!(
            matches!(error, TokenStoreError::MissingAccessToken { .. }),
            "{error:?}"
        );
        assert!(!error.to_string().contains("secret-refresh"), "{error}");
    }
}

#[test]
fn errors_name_paths_and_fields_but_never_values() {
    let (_dir, store) = fixture();
    std::fs::create_dir_all(store.path().parent().expect("parent")).expect("dir");

    std::fs::write(
        store.path(),
        r#"{"access_token": "secret-access", "scope": ["secret-scope"]}"#,
    )
    .expect("write");
    let error = store.load().expect_err("scope must be a string");
    let text = format!("{error} {error:?}");
    assert!(text.contains("scope"), "{text}");
    assert!(text.contains(&store.path().display().to_string()), "{text}");
    assert!(!text.contains("secret"), "{text}");

    std::fs::write(
        store.path(),
        "{\"access_token\": \"secret-access\",\n oops}",
    )
    .expect("write");
    let error = store.load().expect_err("invalid JSON");
    assert!(
        matches!(error, TokenStoreError::InvalidJson { line: 2, .. }),
        "{error:?}"
    );
    assert!(!format!("{error} {error:?}").contains("secret"));
}

#[test]
fn delete_is_fine_when_missing() {
    let (_dir, store) = fixture();
    assert_eq!(store.delete(), Ok(false));
    store.save(&sample()).expect("save");
    assert_eq!(store.delete(), Ok(true));
    assert!(!store.exists());
    assert_eq!(store.delete(), Ok(false));
}

#[test]
fn a_refresh_keeps_omitted_fields_on_disk() {
    let (_dir, store) = fixture();
    store.save(&sample()).expect("save");
    let response = json!({"access_token": "fresh-access", "expires_in": 10_800});
    let update = TokenUpdate::from_oauth_response(response, 1_800_000_000).expect("update");
    store
        .save(&store.load().expect("load").merge(update))
        .expect("save");

    let loaded = store.load().expect("load");
    assert_eq!(loaded.access_token, "fresh-access");
    assert_eq!(loaded.expires_at, Some(1_800_010_800));
    assert_eq!(
        loaded.refresh_token.as_deref(),
        Some("sample-refresh-token")
    );
    assert_eq!(loaded.scope.as_deref(), Some("user.info,user.metrics"));
    assert_eq!(loaded.userid.as_deref(), Some("123456"));
    assert_eq!(loaded.extra["future_field"], json!({"nested": [1, 2, 3]}));
}

#[cfg(unix)]
#[test]
fn leftovers_of_dead_writers_are_cleaned_and_never_read() {
    let (_dir, store) = fixture();
    store.save(&sample()).expect("save");
    let dir = store.path().parent().expect("parent").to_path_buf();
    let dead = dead_pid();
    let dead_temp = dir.join(format!("tokens.json.tmp-{dead}-0"));
    let dead_grave = dir.join(format!("tokens.json.lock.gone-{dead}-0"));
    // pid 1 always runs: its leftover may be a save in progress and must stay.
    let live_temp = dir.join("tokens.json.tmp-1-0");
    let unrelated = dir.join("tokens.json.tmp-backup");
    for path in [&dead_temp, &dead_grave, &live_temp, &unrelated] {
        std::fs::write(path, "{\"access_token\": \"half-writ").expect("leftover");
    }
    assert_eq!(
        store.load().expect("load"),
        sample(),
        "only the target is read"
    );

    store.save(&sample()).expect("save");
    assert!(!dead_temp.exists());
    assert!(!dead_grave.exists());
    assert!(live_temp.exists());
    assert!(unrelated.exists());
    assert_eq!(store.load().expect("load"), sample());
}

#[tokio::test]
async fn second_acquirer_waits_until_the_first_releases() {
    let (_dir, store) = fixture();
    let store =
        store.with_lock_options(fast_lock(Duration::from_secs(60), Duration::from_secs(10)));
    let first = store.lock().await.expect("first lock");
    assert!(first.is_held());
    assert!(store.lock_path().exists());

    let waiter = tokio::spawn({
        let store = store.clone();
        async move {
            let lock = store.lock().await.expect("second lock");
            let acquired_at = Instant::now();
            drop(lock);
            acquired_at
        }
    });
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert!(!waiter.is_finished(), "acquired while the first still held");

    let released_at = Instant::now();
    drop(first);
    let acquired_at = tokio::time::timeout(Duration::from_secs(2), waiter)
        .await
        .expect("acquired soon after release")
        .expect("task");
    assert!(acquired_at >= released_at);
    assert!(!store.lock_path().exists(), "released on drop");
}

#[tokio::test]
async fn a_live_holder_beyond_the_timeout_is_a_timeout_error() {
    let (_dir, store) = fixture();
    let store = store.with_lock_options(fast_lock(
        Duration::from_secs(60),
        Duration::from_millis(200),
    ));
    let _held = store.lock().await.expect("first lock");
    let started = Instant::now();
    let error = store.lock().await.expect_err("times out");
    let elapsed = started.elapsed();
    let TokenStoreError::LockTimeout {
        path,
        waited,
        holder_pid,
    } = &error
    else {
        panic!("wrong error: {error:?}");
    };
    assert_eq!(path, &store.lock_path());
    assert!(*waited >= Duration::from_millis(200), "{waited:?}");
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
    assert_eq!(*holder_pid, Some(std::process::id()));
    assert!(error.to_string().contains("timed out"), "{error}");
    assert!(
        store.lock_path().exists(),
        "the holder's lock is left alone"
    );
}

#[cfg(unix)]
#[tokio::test]
async fn a_lock_of_a_dead_process_is_taken_over_at_once() {
    let (_dir, store) = fixture();
    let store = store.with_lock_options(fast_lock(Duration::from_secs(60), Duration::from_secs(5)));
    write_lock_file(&store, dead_pid(), unix_millis());

    let started = Instant::now();
    let lock = store.lock().await.expect("takes over");
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
    assert!(lock.is_held());
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(store.lock_path()).expect("read")).expect("json");
    assert_eq!(record["pid"], std::process::id());
    drop(lock);
    assert!(!store.lock_path().exists());
    let dir = store.path().parent().expect("parent");
    assert!(dir_entries(dir).is_empty(), "{:?}", dir_entries(dir));
}

/// Waiters that all find the same dead lock take it over one at a time: a takeover
/// never removes the fresh lock another waiter just took.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_takeovers_of_a_dead_lock_never_overlap() {
    const ROUNDS: usize = 20;
    const WAITERS: usize = 8;
    let (_dir, store) = fixture();
    let dead = dead_pid();
    let holders = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    for _ in 0..ROUNDS {
        write_lock_file(&store, dead, unix_millis());
        let tasks: Vec<_> = (0..WAITERS)
            .map(|_| {
                let store = TokenStore::new(store.path())
                    .with_lock_options(fast_lock(Duration::from_secs(60), Duration::from_secs(20)));
                let holders = Arc::clone(&holders);
                tokio::spawn(async move {
                    let lock = store.lock().await.expect("lock");
                    assert_eq!(holders.fetch_add(1, Ordering::SeqCst), 0, "two holders");
                    tokio::time::sleep(Duration::from_millis(2)).await;
                    assert!(lock.is_held());
                    holders.fetch_sub(1, Ordering::SeqCst);
                    lock.release().expect("release");
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("task");
        }
        assert!(!store.lock_path().exists());
    }
    let dir = store.path().parent().expect("parent");
    assert!(dir_entries(dir).is_empty(), "{:?}", dir_entries(dir));
    eprintln!(
        "{ROUNDS} rounds of {WAITERS} waiters on a dead lock in {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_lock_older_than_the_bound_is_taken_over() {
    let (_dir, store) = fixture();
    let store = store.with_lock_options(fast_lock(
        Duration::from_millis(300),
        Duration::from_secs(5),
    ));
    // A live holder (this very process), but one that has held it for too long.
    write_lock_file(&store, std::process::id(), unix_millis() - 10_000);
    let started = Instant::now();
    let lock = store.lock().await.expect("takes over");
    assert!(started.elapsed() < Duration::from_millis(500));
    assert!(lock.is_held());

    // And a fresh lock of a live holder is waited for until it becomes too old.
    drop(lock);
    write_lock_file(&store, std::process::id(), unix_millis());
    let started = Instant::now();
    let lock = store.lock().await.expect("takes over once stale");
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(250), "{waited:?}");
    assert!(waited < Duration::from_secs(3), "{waited:?}");
    drop(lock);
}

#[tokio::test]
async fn a_guard_whose_lock_was_taken_over_leaves_the_new_lock_alone() {
    let (_dir, store) = fixture();
    let lock = store.lock().await.expect("lock");
    // Someone judged it stale and took over.
    write_lock_file(&store, std::process::id(), unix_millis());
    let new_holder = std::fs::read(store.lock_path()).expect("read");
    assert!(!lock.is_held());
    drop(lock);
    assert_eq!(
        std::fs::read(store.lock_path()).expect("still there"),
        new_holder
    );

    // An explicit release of a held lock does remove it.
    std::fs::remove_file(store.lock_path()).expect("remove");
    let lock = store.lock().await.expect("lock");
    lock.release().expect("release");
    assert!(!store.lock_path().exists());
}

#[test]
fn blocking_lock_excludes_the_async_one() {
    let (_dir, store) = fixture();
    let store = store.with_lock_options(fast_lock(
        Duration::from_secs(60),
        Duration::from_millis(100),
    ));
    let held = store.lock_blocking().expect("lock");
    assert!(matches!(
        store.lock_blocking(),
        Err(TokenStoreError::LockTimeout { .. })
    ));
    drop(held);
    store
        .lock_blocking()
        .expect("free again")
        .release()
        .expect("release");
}

/// One read-increment-write under the lock: the update a refresh is.
fn increment(store: &TokenStore) {
    let mut tokens = store.load().expect("load");
    let count = tokens.extra["counter"].as_u64().expect("counter");
    // Widen the window between read and write, so a missing lock would lose updates.
    std::thread::sleep(Duration::from_millis(1));
    tokens.extra.insert("counter".to_owned(), json!(count + 1));
    store.save(&tokens).expect("save");
}

fn counter_store(store: &TokenStore) {
    let mut tokens = Tokens::new("counter-access");
    tokens.extra.insert("counter".to_owned(), json!(0));
    store.save(&tokens).expect("save");
}

fn counter(store: &TokenStore) -> u64 {
    store.load().expect("load").extra["counter"]
        .as_u64()
        .expect("counter")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_tasks_lose_no_update() {
    const TASKS: u64 = 24;
    let (_dir, store) = fixture();
    counter_store(&store);
    let started = Instant::now();
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            // A store of its own, as another process would have.
            let store = TokenStore::new(store.path())
                .with_lock_options(fast_lock(Duration::from_secs(60), Duration::from_secs(20)));
            tokio::spawn(async move {
                let lock = store.lock().await.expect("lock");
                increment(&store);
                lock.release().expect("release");
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("task");
    }
    assert_eq!(counter(&store), TASKS);
    assert!(!store.lock_path().exists());
    eprintln!("{TASKS} locked increments in {:?}", started.elapsed());
}

/// A child process for `concurrent_processes_lose_no_update`: increments the counter
/// of the token file named in the environment, under the blocking lock.
#[test]
#[ignore = "child process of concurrent_processes_lose_no_update"]
fn counter_child() {
    let Some(path) = std::env::var_os(COUNTER_CHILD_ENV) else {
        return;
    };
    let store = TokenStore::new(PathBuf::from(path))
        .with_lock_options(fast_lock(Duration::from_secs(60), Duration::from_secs(20)));
    for _ in 0..COUNTER_CHILD_ROUNDS {
        let lock = store.lock_blocking().expect("lock");
        increment(&store);
        lock.release().expect("release");
    }
}

#[tokio::test]
async fn concurrent_processes_lose_no_update() {
    const CHILDREN: u64 = 4;
    let (_dir, store) = fixture();
    counter_store(&store);
    let store =
        store.with_lock_options(fast_lock(Duration::from_secs(60), Duration::from_secs(20)));
    let started = Instant::now();
    let mut children: Vec<_> = (0..CHILDREN)
        .map(|_| {
            Command::new(std::env::current_exe().expect("test binary"))
                .args(["counter_child", "--exact", "--ignored", "--nocapture"])
                .env(COUNTER_CHILD_ENV, store.path())
                .stdout(Stdio::null())
                .spawn()
                .expect("spawn child")
        })
        .collect();
    // This process competes too, through the async lock.
    for _ in 0..COUNTER_CHILD_ROUNDS {
        let lock = store.lock().await.expect("lock");
        increment(&store);
        lock.release().expect("release");
    }
    for child in &mut children {
        assert!(child.wait().expect("wait").success(), "child failed");
    }
    assert_eq!(counter(&store), (CHILDREN + 1) * COUNTER_CHILD_ROUNDS);
    eprintln!(
        "{} processes x {COUNTER_CHILD_ROUNDS} locked increments in {:?}",
        CHILDREN + 1,
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn refresh_under_the_lock_rereads_and_refreshes_once() {
    const CALLERS: usize = 8;
    let (_dir, store) = fixture();
    let mut expired = sample();
    expired.expires_at = Some(unix_now() - 10);
    store.save(&expired).expect("save");

    let refreshes = Arc::new(AtomicUsize::new(0));
    let margin = Duration::from_secs(300);
    let callers: Vec<_> = (0..CALLERS)
        .map(|_| {
            let store = TokenStore::new(store.path());
            let refreshes = Arc::clone(&refreshes);
            tokio::spawn(async move {
                // Every caller saw expired tokens before taking the lock.
                assert!(
                    store
                        .load()
                        .expect("load")
                        .is_expired_within(margin, unix_now())
                );
                store
                    .refresh_with(
                        |tokens| tokens.is_expired_within(margin, unix_now()),
                        |tokens| async move {
                            assert_eq!(
                                tokens.refresh_token.as_deref(),
                                Some("sample-refresh-token")
                            );
                            refreshes.fetch_add(1, Ordering::SeqCst);
                            tokio::time::sleep(Duration::from_millis(20)).await;
                            let mut update = TokenUpdate::new("refreshed-access");
                            update.refresh_token = Some("rotated-refresh".to_owned());
                            update.expires_at = Some(unix_now() + 10_800);
                            Ok::<_, std::io::Error>(update)
                        },
                    )
                    .await
                    .expect("refresh")
            })
        })
        .collect();
    for caller in callers {
        let tokens = caller.await.expect("task");
        assert_eq!(tokens.access_token, "refreshed-access");
        assert_eq!(tokens.refresh_token.as_deref(), Some("rotated-refresh"));
        assert_eq!(
            tokens.userid.as_deref(),
            Some("123456"),
            "kept by the merge"
        );
    }
    assert_eq!(
        refreshes.load(Ordering::SeqCst),
        1,
        "one refresh for all callers"
    );
    let on_disk = store.load().expect("load");
    assert_eq!(on_disk.refresh_token.as_deref(), Some("rotated-refresh"));
    assert!(!store.lock_path().exists());
}

#[tokio::test]
async fn a_failed_refresh_keeps_the_old_tokens_and_frees_the_lock() {
    let (_dir, store) = fixture();
    store.save(&sample()).expect("save");
    let result = store
        .refresh_with(
            |_| true,
            |_| async { Err::<TokenUpdate, _>(std::io::Error::other("upstream said no")) },
        )
        .await;
    assert!(
        matches!(result, Err(RefreshError::Refresh(_))),
        "{result:?}"
    );
    assert_eq!(store.load().expect("load"), sample());
    assert!(!store.lock_path().exists());

    // Not logged in: the store's error, not a refresh attempt.
    store.delete().expect("delete");
    let called = AtomicUsize::new(0);
    let result = store
        .refresh_with(
            |_| true,
            |_| async {
                called.fetch_add(1, Ordering::SeqCst);
                Ok::<_, std::io::Error>(TokenUpdate::new("never"))
            },
        )
        .await;
    assert!(
        matches!(
            result,
            Err(RefreshError::Store(TokenStoreError::NotFound { .. }))
        ),
        "{result:?}"
    );
    assert_eq!(called.load(Ordering::SeqCst), 0);
    assert!(!store.exists());
}

/// Two token sets a crashing writer alternates between; large, so a write takes long
/// enough to be interrupted in the middle.
fn crash_sets() -> [Tokens; 2] {
    ["a", "b"].map(|tag| {
        let mut tokens = Tokens::new(format!("access-{tag}"));
        tokens.refresh_token = Some(format!("refresh-{tag}"));
        tokens.expires_at = Some(1_700_000_000);
        tokens.userid = Some(tag.to_owned());
        tokens
            .extra
            .insert("padding".to_owned(), json!(tag.repeat(256 * 1024)));
        tokens
    })
}

/// A child process for `sigkill_never_leaves_a_broken_file`: saves set b, says
/// `ready`, then saves the two sets in turn until killed.
#[test]
#[ignore = "child process of sigkill_never_leaves_a_broken_file"]
fn crash_child_writer() {
    let Some(path) = std::env::var_os(CRASH_CHILD_ENV) else {
        return;
    };
    let store = TokenStore::new(PathBuf::from(path));
    let [a, b] = crash_sets();
    store.save(&b).expect("save b");
    println!("{CRASH_CHILD_READY}");
    loop {
        store.save(&a).expect("save a");
        store.save(&b).expect("save b");
    }
}

/// xorshift: enough randomness for kill timing, without a dependency.
fn next_random(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[cfg(unix)]
#[test]
fn sigkill_never_leaves_a_broken_file() {
    const ROUNDS: usize = 100;
    let (_dir, store) = fixture();
    let [a, b] = crash_sets();
    store.save(&a).expect("seed");
    let dir = store.path().parent().expect("parent").to_path_buf();

    let mut seed = u64::from(std::process::id()) ^ (unix_millis() << 20) | 1;
    let mut seen = [0usize; 2];
    let mut leftovers = 0;
    let started = Instant::now();
    for round in 0..ROUNDS {
        let mut child = Command::new(std::env::current_exe().expect("test binary"))
            .args(["crash_child_writer", "--exact", "--ignored", "--nocapture"])
            .env(CRASH_CHILD_ENV, store.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn child");
        // The harness prints its own lines first; the kill window starts at ready.
        let stdout = child.stdout.take().expect("piped stdout");
        let ready = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .any(|line| line == CRASH_CHILD_READY);
        assert!(
            ready,
            "round {round}: the child ended before its first save"
        );
        std::thread::sleep(Duration::from_millis(next_random(&mut seed) % 31));
        child.kill().expect("SIGKILL");
        child.wait().expect("reap");

        let loaded = store
            .load()
            .unwrap_or_else(|error| panic!("round {round}: {error}"));
        if loaded == a {
            seen[0] += 1;
        } else if loaded == b {
            seen[1] += 1;
        } else {
            panic!("round {round}: the file is neither token set");
        }
        leftovers += dir_entries(&dir)
            .iter()
            .filter(|name| name.contains(".tmp-"))
            .count();
    }
    let elapsed = started.elapsed();
    eprintln!(
        "{ROUNDS} kills in {elapsed:?}: file was set a {} times, set b {} times; {leftovers} temp files seen after kills",
        seen[0], seen[1]
    );
    assert!(
        seen[1] > 0,
        "the child never completed a save: the test proved nothing"
    );

    // The next save clears what killed writers left, and only the file remains.
    store.save(&a).expect("save");
    assert_eq!(dir_entries(&dir), vec!["tokens.json".to_owned()]);
    assert_eq!(store.load().expect("load"), a);
}
