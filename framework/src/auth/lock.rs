//! One refresh at a time, across processes.
//!
//! Several processes share one token file (an MCP server per client, plus the command
//! line), and refresh tokens are usually single use: two processes refreshing at once
//! means one of them spends a refresh token the other already spent, and the account
//! is logged out. So refreshing happens under a lock file, created with `O_EXCL`
//! (`create_new`) and holding the holder's pid, the time it was taken and a nonce.
//!
//! A holder that dies leaves its file behind, so nobody waits on a lock forever: a
//! lock whose process is gone (checked with `kill(pid, 0)` on unix) or that is older
//! than [`LockOptions::stale_after`] is taken over, and waiting gives up after
//! [`LockOptions::timeout`] with [`TokenStoreError::LockTimeout`]. The pid check
//! assumes the processes sharing the file see one another's pids (one machine, one
//! pid namespace); a token directory shared across containers or hosts would make a
//! live holder look dead, so keep it local, as the connector's design does anyway.
//!
//! Removing a file that someone else may be replacing at the same moment is the
//! delicate part. Nothing here ever deletes the lock path directly: a lock is first
//! renamed to a private name, then checked to be the one meant, then deleted, and put
//! back if it was not. Takeovers additionally happen one at a time under a short-lived
//! `.break` lock, and re-check staleness once they hold it, so two waiters that both
//! saw the same dead lock cannot remove each other's fresh one.

use std::fs::{self, File, OpenOptions};
use std::hash::{BuildHasher, RandomState};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::token_store::{TokenStoreError, io_error};

/// How long a takeover may hold the `.break` lock before others assume its holder
/// died: a takeover is a handful of file operations.
const BREAK_STALE_AFTER: Duration = Duration::from_secs(5);

/// Suffix of the lock file, appended to the token file's name.
pub(crate) const LOCK_SUFFIX: &str = ".lock";
/// Suffix of the breaker lock, appended to the lock file's name.
const BREAK_SUFFIX: &str = ".break";
/// Marks the private names locks are renamed to before being deleted; followed by
/// `<pid>-<n>`, so a leftover of a killed process can be recognised and cleaned up.
pub(crate) const GONE_MARKER: &str = ".gone-";

/// How the lock is waited for. The defaults suit a refresh over HTTP: a live holder
/// needs a few seconds, a dead one is noticed at the next poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockOptions {
    /// A lock older than this is taken over even if its holder still runs: a refresh
    /// that takes this long has hung. Keep the holder's HTTP timeout well below it.
    pub stale_after: Duration,
    /// Waiting longer than this fails with [`TokenStoreError::LockTimeout`].
    pub timeout: Duration,
    /// Pause between attempts.
    pub poll_interval: Duration,
}

impl Default for LockOptions {
    fn default() -> Self {
        Self {
            stale_after: Duration::from_secs(60),
            timeout: Duration::from_secs(30),
            poll_interval: Duration::from_millis(25),
        }
    }
}

/// Held lock on a token file; released on drop.
///
/// Release removes the lock file only if it still holds this guard's record: if the
/// lock was taken over as stale meanwhile, the file belongs to someone else now.
#[derive(Debug)]
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct TokenLock {
    path: PathBuf,
    record: Vec<u8>,
    released: bool,
}

impl TokenLock {
    /// The lock file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the lock file still carries this guard's record. A holder that took
    /// longer than [`LockOptions::stale_after`] may have lost it; checking before a
    /// save lets it avoid overwriting a newer refresh.
    pub fn is_held(&self) -> bool {
        !self.released && read_limited(&self.path).is_ok_and(|bytes| bytes == self.record)
    }

    /// Releases now, reporting a failure that dropping would only log.
    /// A lock that was taken over meanwhile is left to its new holder, which is not an
    /// error: the caller's work is done either way.
    pub fn release(mut self) -> Result<(), TokenStoreError> {
        self.released = true;
        let removed = remove_if_same(&self.path, &self.record)
            .map_err(|error| io_error(&self.path, "remove lock file", &error))?;
        if !removed {
            warn_taken_over(&self.path);
        }
        Ok(())
    }
}

impl Drop for TokenLock {
    fn drop(&mut self) {
        if self.released {
            return;
        }
        match remove_if_same(&self.path, &self.record) {
            Ok(true) => {}
            Ok(false) => warn_taken_over(&self.path),
            Err(error) => tracing::warn!(
                path = %self.path.display(),
                kind = %error.kind(),
                "cannot remove token lock file"
            ),
        }
    }
}

fn warn_taken_over(path: &Path) {
    tracing::warn!(
        path = %path.display(),
        "token lock was taken over while held; leaving the new holder's lock alone"
    );
}

/// What the lock file says about its holder.
#[derive(Debug, Serialize, Deserialize)]
struct LockRecord {
    pid: u32,
    /// Unix milliseconds.
    acquired_at_ms: u64,
    /// Tells two records of one process apart, which the pid cannot.
    nonce: String,
}

/// The outcome of one attempt.
pub(crate) enum Attempt {
    Acquired(TokenLock),
    Busy { holder_pid: Option<u32> },
}

/// What a waiter concluded about the current lock file.
enum Verdict {
    Free,
    Held {
        holder_pid: Option<u32>,
    },
    Stale {
        holder_pid: Option<u32>,
        reason: &'static str,
        bytes: Vec<u8>,
    },
}

/// Waits for the lock at `path`, asynchronously.
pub(crate) async fn acquire(
    path: &Path,
    options: &LockOptions,
) -> Result<TokenLock, TokenStoreError> {
    let started = Instant::now();
    loop {
        match try_acquire(path, options)? {
            Attempt::Acquired(lock) => return Ok(lock),
            Attempt::Busy { holder_pid } => {
                check_timeout(path, options, started, holder_pid)?;
                tokio::time::sleep(options.poll_interval).await;
            }
        }
    }
}

/// Waits for the lock at `path`, blocking the thread.
pub(crate) fn acquire_blocking(
    path: &Path,
    options: &LockOptions,
) -> Result<TokenLock, TokenStoreError> {
    let started = Instant::now();
    loop {
        match try_acquire(path, options)? {
            Attempt::Acquired(lock) => return Ok(lock),
            Attempt::Busy { holder_pid } => {
                check_timeout(path, options, started, holder_pid)?;
                std::thread::sleep(options.poll_interval);
            }
        }
    }
}

fn check_timeout(
    path: &Path,
    options: &LockOptions,
    started: Instant,
    holder_pid: Option<u32>,
) -> Result<(), TokenStoreError> {
    let waited = started.elapsed();
    if waited >= options.timeout {
        return Err(TokenStoreError::LockTimeout {
            path: path.to_path_buf(),
            waited,
            holder_pid,
        });
    }
    Ok(())
}

/// One attempt: take the lock if it is free, take it over if it is stale.
pub(crate) fn try_acquire(path: &Path, options: &LockOptions) -> Result<Attempt, TokenStoreError> {
    if let Some(lock) = try_create(path)? {
        return Ok(Attempt::Acquired(lock));
    }
    match judge(path, options.stale_after)? {
        // Released between our attempt and our look: try again at once.
        Verdict::Free => {
            Ok(try_create(path)?.map_or(Attempt::Busy { holder_pid: None }, Attempt::Acquired))
        }
        Verdict::Held { holder_pid } => Ok(Attempt::Busy { holder_pid }),
        Verdict::Stale { holder_pid, .. } => {
            if break_stale(path, options)?
                && let Some(lock) = try_create(path)?
            {
                return Ok(Attempt::Acquired(lock));
            }
            Ok(Attempt::Busy { holder_pid })
        }
    }
}

/// Creates the lock file if nobody holds it; `None` if it already exists.
fn try_create(path: &Path) -> Result<Option<TokenLock>, TokenStoreError> {
    let record = new_record();
    match create_exclusive(path, &record) {
        Ok(()) => Ok(Some(TokenLock {
            path: path.to_path_buf(),
            record,
            released: false,
        })),
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => Ok(None),
        Err(error) => Err(io_error(path, "create lock file", &error)),
    }
}

/// Removes a stale lock, one breaker at a time. Returns whether the lock path is now
/// worth another attempt.
fn break_stale(path: &Path, options: &LockOptions) -> Result<bool, TokenStoreError> {
    let break_path = with_suffix(path, BREAK_SUFFIX);
    let break_record = new_record();
    match create_exclusive(&break_path, &break_record) {
        Ok(()) => {}
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
            // Another waiter is breaking; a breaker that died mid-way is cleared so
            // the next poll can break.
            if let Verdict::Stale { bytes, .. } = judge(&break_path, BREAK_STALE_AFTER)? {
                remove_if_same(&break_path, &bytes)
                    .map_err(|error| io_error(&break_path, "remove lock file", &error))?;
            }
            return Ok(false);
        }
        Err(error) => return Err(io_error(&break_path, "create lock file", &error)),
    }

    // Judged again now that no other breaker runs: someone may have broken the old
    // lock and taken a fresh one since we looked.
    let outcome = match judge(path, options.stale_after) {
        Ok(Verdict::Stale {
            holder_pid,
            reason,
            bytes,
        }) => {
            tracing::warn!(
                path = %path.display(),
                holder_pid,
                reason,
                "taking over a stale token lock"
            );
            remove_if_same(path, &bytes)
                .map(|_| true)
                .map_err(|error| io_error(path, "remove stale lock file", &error))
        }
        Ok(Verdict::Free) => Ok(true),
        Ok(Verdict::Held { .. }) => Ok(false),
        Err(error) => Err(error),
    };
    if let Err(error) = remove_if_same(&break_path, &break_record) {
        tracing::warn!(
            path = %break_path.display(),
            kind = %error.kind(),
            "cannot remove token lock breaker file"
        );
    }
    outcome
}

/// Decides whether the lock at `path` may be taken over.
fn judge(path: &Path, stale_after: Duration) -> Result<Verdict, TokenStoreError> {
    let bytes = match read_limited(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Verdict::Free),
        Err(error) => return Err(io_error(path, "read lock file", &error)),
    };
    let Ok(record) = serde_json::from_slice::<LockRecord>(&bytes) else {
        // Empty or partial: most likely its holder has created it and not yet written
        // it. Only its age can tell a crash in that instant from a slow writer.
        let age = fs::metadata(path)
            .and_then(|metadata| metadata.modified())
            .ok()
            .and_then(|modified| SystemTime::now().duration_since(modified).ok());
        return Ok(match age {
            Some(age) if age > stale_after => Verdict::Stale {
                holder_pid: None,
                reason: "unreadable and old",
                bytes,
            },
            _ => Verdict::Held { holder_pid: None },
        });
    };
    let holder_pid = Some(record.pid);
    if super::process::is_alive(record.pid) == Some(false) {
        return Ok(Verdict::Stale {
            holder_pid,
            reason: "holder process is gone",
            bytes,
        });
    }
    // Measured either way, so a clock stepped backwards cannot pin a lock forever.
    let age = Duration::from_millis(unix_millis().abs_diff(record.acquired_at_ms));
    if age > stale_after {
        return Ok(Verdict::Stale {
            holder_pid,
            reason: "older than the staleness bound",
            bytes,
        });
    }
    Ok(Verdict::Held { holder_pid })
}

/// Deletes the file at `path` if, and only if, it holds `expected`. Returns whether
/// it did.
///
/// The file is first renamed to a private name, so the bytes compared are the bytes
/// deleted; if they turn out to be someone else's, the file is linked back, which
/// fails rather than overwrites should yet another lock have appeared meanwhile.
fn remove_if_same(path: &Path, expected: &[u8]) -> io::Result<bool> {
    match read_limited(path) {
        Ok(bytes) if bytes == expected => {}
        Ok(_) => return Ok(false),
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(error) => return Err(error),
    }
    let grave = with_suffix(path, &grave_suffix());
    match fs::rename(path, &grave) {
        Ok(()) => {}
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(error) => return Err(error),
    }
    let moved = read_limited(&grave);
    let ours = moved.as_ref().is_ok_and(|bytes| bytes == expected);
    if !ours {
        match fs::hard_link(&grave, path) {
            Ok(()) => {}
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
                tracing::warn!(
                    path = %path.display(),
                    "a token lock changed hands during release; two holders may overlap"
                );
            }
            Err(error) => {
                fs::remove_file(&grave).ok();
                return Err(error);
            }
        }
    }
    fs::remove_file(&grave)?;
    Ok(ours)
}

/// Creates `path` exclusively, owner-only, holding `contents`. A file that could not
/// be written completely is removed again, so no half-written lock is left behind.
fn create_exclusive(path: &Path, contents: &[u8]) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    if let Err(error) = file.write_all(contents) {
        drop(file);
        fs::remove_file(path).ok();
        return Err(error);
    }
    Ok(())
}

/// Lock files are tiny; a huge file at the lock path is not a lock, and reading only
/// a bounded prefix keeps a misplaced file from costing memory.
fn read_limited(path: &Path) -> io::Result<Vec<u8>> {
    const LIMIT: u64 = 4096;
    let mut bytes = Vec::new();
    File::open(path)?.take(LIMIT).read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn new_record() -> Vec<u8> {
    let record = LockRecord {
        pid: std::process::id(),
        acquired_at_ms: unix_millis(),
        nonce: nonce(),
    };
    // Serializing a struct of integers and a string cannot fail.
    serde_json::to_vec(&record).unwrap_or_default()
}

/// Unique within this process by the counter, across processes by the pid and the
/// per-process random hasher keys.
fn nonce() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let hash = RandomState::new().hash_one((std::process::id(), unix_nanos(), count));
    format!("{hash:016x}-{count}")
}

fn grave_suffix() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{GONE_MARKER}{}-{count}", std::process::id())
}

/// `path` with `suffix` appended to its file name (`tokens.json` → `tokens.json.lock`).
pub(crate) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn unix_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
        })
}

fn unix_nanos() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos())
}
