//! Opening the disk store without ever failing the process.
//!
//! A cache is an optimisation: whatever is wrong with its directory, the server
//! must start and answer. So every problem ends in a working cache and a reason:
//! - another process holds the database (sled admits one process, and two MCP
//!   clients may each start a server): wait a little, since that process may be
//!   exiting, then keep this process's cache in memory;
//! - the database cannot be read, or was written in another format version: move
//!   it aside and start a new one. Moved, not deleted: the path comes from the
//!   user's settings and we will not destroy what we do not recognise; and a
//!   directory holding anything but sled's files is not touched at all.

use std::fs;
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::CacheOptions;
use super::disk::{AttachError, DiskStore};
use crate::local_files::ensure_private_dir;

/// How often a held database is tried again while waiting for it.
const LOCK_POLL: Duration = Duration::from_millis(50);
/// sled's page cache in memory. Its default (1 GiB) is meant for a database
/// server; a connector's cache is read a few entries at a time.
const PAGE_CACHE_BYTES: u64 = 16 * 1024 * 1024;
/// The names sled 0.34 creates in its directory; anything else means the
/// directory is not (only) a cache.
const SLED_FILES: &[&str] = &["conf", "db", "blobs"];
const SLED_SNAPSHOT_PREFIX: &str = "snap.";

/// Reasons shown to users through the cache status. They never include the path
/// (it is shown separately, relative to `~`) nor sled's own messages (logged).
pub(crate) const HELD_ELSEWHERE: &str = "another process is using the cache directory \
     (only one process can open it at a time), so this process keeps its cache in memory";
const NOT_A_DIRECTORY: &str = "the cache path exists but is not a directory";
const FOREIGN_FILES: &str = "the cache directory holds files that are not a cache; \
     they were left untouched";
const CANNOT_MOVE: &str = "the cache directory is unusable and could not be moved aside";
const CANNOT_REBUILD: &str = "a new cache directory could not be opened";

pub(crate) enum Opened {
    Disk(DiskStore),
    /// Why the disk could not be used.
    Memory(String),
}

pub(crate) fn open(dir: &Path, options: &CacheOptions) -> Opened {
    if let Err(reason) = prepare_dir(dir) {
        return Opened::Memory(reason);
    }
    let started = Instant::now();
    let mut rebuilt = false;
    loop {
        let problem = match try_open(dir) {
            Ok(db) => match DiskStore::attach(db, dir.to_path_buf()) {
                Ok(store) => return Opened::Disk(store),
                Err(AttachError::Foreign(why)) => why,
                Err(AttachError::Storage(error)) => error.to_string(),
            },
            Err(OpenFailure::Held) if started.elapsed() < options.open_wait => {
                std::thread::sleep(LOCK_POLL);
                continue;
            }
            Err(OpenFailure::Held) => return Opened::Memory(HELD_ELSEWHERE.to_owned()),
            Err(OpenFailure::Unreadable(problem)) => problem,
        };
        if rebuilt {
            tracing::warn!(%problem, "a new cache directory cannot be opened; caching in memory");
            return Opened::Memory(CANNOT_REBUILD.to_owned());
        }
        if !holds_only_sled_files(dir) {
            tracing::warn!(%problem, path = %dir.display(), "the cache directory is unusable and holds other files; caching in memory");
            return Opened::Memory(FOREIGN_FILES.to_owned());
        }
        match move_aside(dir) {
            Ok(moved_to) => tracing::warn!(
                %problem,
                moved_to = %moved_to.display(),
                "the cache directory was unusable; moved it aside and started a new one"
            ),
            Err(error) => {
                tracing::warn!(%problem, %error, "the cache directory is unusable and cannot be moved aside");
                return Opened::Memory(CANNOT_MOVE.to_owned());
            }
        }
        if let Err(reason) = prepare_dir(dir) {
            return Opened::Memory(reason);
        }
        rebuilt = true;
    }
}

enum OpenFailure {
    /// Another process has the database open.
    Held,
    /// For the log only.
    Unreadable(String),
}

fn try_open(dir: &Path) -> Result<sled::Db, OpenFailure> {
    let config = sled::Config::new()
        .path(dir)
        .cache_capacity(PAGE_CACHE_BYTES)
        .mode(sled::Mode::LowSpace);
    // sled panics on some damaged files instead of returning an error; a damaged
    // cache must not take the server down.
    match catch_unwind(AssertUnwindSafe(|| config.open())) {
        Ok(Ok(db)) => Ok(db),
        Ok(Err(error)) if is_held(&error) => Err(OpenFailure::Held),
        Ok(Err(error)) => Err(OpenFailure::Unreadable(error.to_string())),
        Err(_) => Err(OpenFailure::Unreadable(
            "sled panicked while reading it".to_owned(),
        )),
    }
}

/// sled reports a held lock only as an I/O error of kind `Other` with this text
/// (0.34, `Config::try_lock`); there is no dedicated variant to match.
fn is_held(error: &sled::Error) -> bool {
    matches!(error, sled::Error::Io(io) if io.kind() == io::ErrorKind::Other
        && io.to_string().contains("could not acquire lock"))
}

/// Creates the directory owner-only, or tightens an existing cache directory to
/// owner-only: it holds the user's health data.
fn prepare_dir(dir: &Path) -> Result<(), String> {
    match fs::metadata(dir) {
        Ok(metadata) if !metadata.is_dir() => return Err(NOT_A_DIRECTORY.to_owned()),
        Ok(_) => {}
        Err(error) if error.kind() == io::ErrorKind::NotFound => {}
        Err(error) => {
            return Err(format!(
                "the cache directory cannot be examined ({})",
                error.kind()
            ));
        }
    }
    ensure_private_dir(dir)
        .map_err(|error| format!("the cache directory cannot be created ({})", error.kind()))?;
    // A directory that holds other files may be one the user shares on purpose
    // (even `$HOME`); its mode is theirs to choose.
    if holds_only_sled_files(dir) {
        tighten(dir)?;
    }
    Ok(())
}

#[cfg(unix)]
fn tighten(dir: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    const OWNER_ONLY: u32 = 0o700;
    let mode = fs::metadata(dir)
        .map_err(|error| format!("the cache directory cannot be examined ({})", error.kind()))?
        .permissions()
        .mode();
    if mode & 0o777 != OWNER_ONLY {
        fs::set_permissions(dir, fs::Permissions::from_mode(OWNER_ONLY)).map_err(|error| {
            format!(
                "the cache directory cannot be made owner-only ({})",
                error.kind()
            )
        })?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn tighten(_dir: &Path) -> Result<(), String> {
    Ok(())
}

fn holds_only_sled_files(dir: &Path) -> bool {
    let Ok(children) = fs::read_dir(dir) else {
        return false;
    };
    children.into_iter().all(|child| {
        child.is_ok_and(|child| {
            let name = child.file_name();
            let name = name.to_string_lossy();
            SLED_FILES.contains(&name.as_ref()) || name.starts_with(SLED_SNAPSHOT_PREFIX)
        })
    })
}

/// Renames `dir` to `<dir>.broken-<unix seconds>` (with `-<n>` if taken) beside it.
fn move_aside(dir: &Path) -> io::Result<PathBuf> {
    let name = dir
        .file_name()
        .ok_or_else(|| io::Error::from(io::ErrorKind::InvalidInput))?
        .to_string_lossy()
        .into_owned();
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    let base = format!("{name}.broken-{stamp}");
    let mut target = dir.with_file_name(&base);
    let mut attempt = 1;
    while target.exists() {
        target = dir.with_file_name(format!("{base}-{attempt}"));
        attempt += 1;
    }
    fs::rename(dir, &target)?;
    Ok(target)
}
