//! The token file on disk: owner-only, replaced atomically, refreshed under a lock.
//!
//! A save writes a temporary file next to the target (created `0600`, so the tokens
//! are never readable by others even for an instant), syncs it, renames it over the
//! target and syncs the directory. Rename is atomic, so a crash at any instant leaves
//! either the old file or the new one. Temporary files carry the writer's pid
//! (`tokens.json.tmp-<pid>-<n>`); those of dead writers are removed by the next save,
//! and only the exact target path is ever read.

use std::ffi::OsStr;
use std::fs;
use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::Serialize;
use serde_json::Value;

use super::lock::{self, GONE_MARKER, LOCK_SUFFIX, LockOptions, TokenLock};
use super::process;
use super::tokens::{TokenFieldError, TokenUpdate, Tokens};
use crate::local_files::{
    TEMP_MARKER, ensure_private_dir, json_problem, permission_bits, write_private,
};

/// A leftover older than this is removed even if its pid is alive: the pid has been
/// reused, because no save takes this long.
const LEFTOVER_MAX_AGE: Duration = Duration::from_secs(600);

/// A token file operation that failed. Messages name paths, error kinds and fields,
/// never a value: they end up in logs, and the values are credentials.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenStoreError {
    #[error("no token file at {}", path.display())]
    NotFound { path: PathBuf },
    #[error("token path {} does not name a file", path.display())]
    InvalidPath { path: PathBuf },
    #[error("cannot {action} {}: {kind}", path.display())]
    Io {
        path: PathBuf,
        action: &'static str,
        kind: io::ErrorKind,
    },
    #[error(
        "token file {} is not valid JSON: {problem} at line {line} column {column}",
        path.display()
    )]
    InvalidJson {
        path: PathBuf,
        problem: String,
        line: usize,
        column: usize,
    },
    #[error("token file {} has no access_token (missing or empty)", path.display())]
    MissingAccessToken { path: PathBuf },
    #[error("token file {}: {error}", path.display())]
    Invalid {
        path: PathBuf,
        #[source]
        error: TokenFieldError,
    },
    #[error(
        "timed out after {waited:?} waiting for the token lock {}{}",
        path.display(),
        holder_pid.map(|pid| format!(" held by process {pid}")).unwrap_or_default()
    )]
    LockTimeout {
        path: PathBuf,
        waited: Duration,
        holder_pid: Option<u32>,
    },
}

pub(crate) fn io_error(path: &Path, action: &'static str, error: &io::Error) -> TokenStoreError {
    TokenStoreError::Io {
        path: path.to_path_buf(),
        action,
        kind: error.kind(),
    }
}

/// A refresh under [`TokenStore::refresh_with`] that failed: either the store or the
/// caller's refresh itself.
#[derive(Debug, thiserror::Error)]
pub enum RefreshError<E> {
    #[error(transparent)]
    Store(#[from] TokenStoreError),
    #[error("token refresh failed: {0}")]
    Refresh(#[source] E),
}

/// What is on disk, for doctor: reported, not enforced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenFileStatus {
    pub path: PathBuf,
    pub exists: bool,
    /// Permission bits (`0o600`), on unix and only when the file exists.
    pub permissions: Option<u32>,
    /// No group or other access to the file. `None` when unknown: no file, or not unix.
    pub secure: Option<bool>,
    /// Permission bits of the containing directory, on unix when it exists.
    pub dir_permissions: Option<u32>,
}

/// One token file, and its lock.
///
/// The intended refresh sequence, which [`TokenStore::refresh_with`] implements:
///
/// 1. take the lock ([`TokenStore::lock`]);
/// 2. load the file again: another process may have refreshed while this one waited,
///    and then its tokens are used instead of refreshing a second time (the refresh
///    token they replaced is likely already spent);
/// 3. refresh only if still needed, and [`Tokens::merge`] the response in;
/// 4. save before using the new access token, so the new refresh token is on disk
///    before anything depends on it;
/// 5. release the lock (drop the guard).
///
/// File operations are synchronous: each is a few small reads or writes, run rarely.
#[derive(Debug, Clone)]
pub struct TokenStore {
    path: PathBuf,
    lock_options: LockOptions,
}

impl TokenStore {
    /// A store for the token file at `path`, which the caller chooses (a provider's
    /// home directory, or an override from the environment).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            lock_options: LockOptions::default(),
        }
    }

    pub fn with_lock_options(mut self, options: LockOptions) -> Self {
        self.lock_options = options;
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The lock file: the token file's name with `.lock` appended.
    pub fn lock_path(&self) -> PathBuf {
        lock::with_suffix(&self.path, LOCK_SUFFIX)
    }

    pub fn lock_options(&self) -> &LockOptions {
        &self.lock_options
    }

    /// Whether a token file exists; says nothing about whether it is usable.
    pub fn exists(&self) -> bool {
        self.path.is_file()
    }

    /// Reads the tokens. A missing file is [`TokenStoreError::NotFound`], so "not
    /// logged in" can be told apart from a broken file.
    pub fn load(&self) -> Result<Tokens, TokenStoreError> {
        let bytes = match fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                return Err(TokenStoreError::NotFound {
                    path: self.path.clone(),
                });
            }
            Err(error) => return Err(io_error(&self.path, "read token file", &error)),
        };
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        let document: Value =
            serde_json::from_slice(bytes).map_err(|error| invalid_json(&self.path, &error))?;
        Tokens::from_json(document).map_err(|error| self.field_error(error))
    }

    /// Replaces the token file atomically, creating its directory (`0700`) if needed.
    /// Tokens without an access token are refused rather than written: such a file
    /// would log the user out at the next load.
    pub fn save(&self, tokens: &Tokens) -> Result<(), TokenStoreError> {
        if !tokens.has_access_token() {
            return Err(TokenStoreError::MissingAccessToken {
                path: self.path.clone(),
            });
        }
        let mut contents = serde_json::to_vec_pretty(&tokens.to_json())
            .map_err(|error| io_error(&self.path, "serialize tokens for", &error.into()))?;
        contents.push(b'\n');
        let (dir, name) = self.dir_and_name()?;
        self.ensure_dir(dir)?;
        self.remove_leftovers(dir, name);
        write_private(&self.path, &contents)
            .map_err(|error| io_error(&error.path, error.step, &error.source))
    }

    /// Removes the token file; a missing file is fine. Returns whether one was
    /// removed. Hold the lock while deleting, or a refresh in flight elsewhere may
    /// write the tokens back.
    pub fn delete(&self) -> Result<bool, TokenStoreError> {
        match fs::remove_file(&self.path) {
            Ok(()) => Ok(true),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(error) => Err(io_error(&self.path, "delete token file", &error)),
        }
    }

    /// The file's permissions, for doctor.
    pub fn permissions(&self) -> TokenFileStatus {
        let permissions = permission_bits(&self.path);
        TokenFileStatus {
            path: self.path.clone(),
            exists: self.exists(),
            permissions,
            secure: permissions.map(|mode| mode & 0o077 == 0),
            dir_permissions: self
                .dir_and_name()
                .ok()
                .and_then(|(dir, _)| permission_bits(dir)),
        }
    }

    /// Waits for the refresh lock, polling every [`LockOptions::poll_interval`] and
    /// failing after [`LockOptions::timeout`]. A stale lock is taken over.
    pub async fn lock(&self) -> Result<TokenLock, TokenStoreError> {
        let (dir, _) = self.dir_and_name()?;
        self.ensure_dir(dir)?;
        lock::acquire(&self.lock_path(), &self.lock_options).await
    }

    /// [`TokenStore::lock`] for callers without a runtime; blocks the thread.
    pub fn lock_blocking(&self) -> Result<TokenLock, TokenStoreError> {
        let (dir, _) = self.dir_and_name()?;
        self.ensure_dir(dir)?;
        lock::acquire_blocking(&self.lock_path(), &self.lock_options)
    }

    /// The refresh sequence from the type's documentation, in one call.
    ///
    /// `needs_refresh` sees the tokens as loaded under the lock: typically
    /// `|t| t.is_expired_within(margin, unix_now())`, or, after the upstream rejected
    /// an access token, `|t| t.access_token == rejected` (if the file holds a
    /// different one, someone else already refreshed). Returns the tokens to use.
    pub async fn refresh_with<N, F, Fut, E>(
        &self,
        needs_refresh: N,
        refresh: F,
    ) -> Result<Tokens, RefreshError<E>>
    where
        N: FnOnce(&Tokens) -> bool,
        F: FnOnce(Tokens) -> Fut,
        Fut: Future<Output = Result<TokenUpdate, E>>,
    {
        let lock = self.lock().await?;
        let current = self.load()?;
        if !needs_refresh(&current) {
            return Ok(current);
        }
        let update = refresh(current.clone())
            .await
            .map_err(RefreshError::Refresh)?;
        let refreshed = current.merge(update);
        self.save(&refreshed)?;
        // Dropped, not released with `?`: the tokens are saved, and failing the
        // refresh over a lock file that could not be removed would discard them.
        drop(lock);
        Ok(refreshed)
    }

    fn dir_and_name(&self) -> Result<(&Path, &OsStr), TokenStoreError> {
        let name = self
            .path
            .file_name()
            .ok_or_else(|| TokenStoreError::InvalidPath {
                path: self.path.clone(),
            })?;
        let dir = match self.path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        Ok((dir, name))
    }

    fn ensure_dir(&self, dir: &Path) -> Result<(), TokenStoreError> {
        ensure_private_dir(dir).map_err(|error| io_error(dir, "create token directory", &error))
    }

    /// Removes temporary files and lock remnants of writers that were killed. Best
    /// effort: a leftover never affects a load, it only takes space.
    fn remove_leftovers(&self, dir: &Path, name: &OsStr) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        let Some(name) = name.to_str() else {
            return;
        };
        let own_pid = std::process::id();
        for entry in entries.flatten() {
            let file_name = entry.file_name();
            let Some(pid) = file_name.to_str().and_then(|file| leftover_pid(name, file)) else {
                continue;
            };
            let old = entry
                .metadata()
                .and_then(|metadata| metadata.modified())
                .ok()
                .and_then(|modified| SystemTime::now().duration_since(modified).ok())
                .is_some_and(|age| age > LEFTOVER_MAX_AGE);
            // This process's own leftovers may belong to a save running right now.
            let dead = pid != own_pid && process::is_alive(pid) == Some(false);
            if dead || old {
                match fs::remove_file(entry.path()) {
                    Ok(()) => tracing::debug!(path = %entry.path().display(), "removed leftover"),
                    Err(error) => tracing::debug!(
                        path = %entry.path().display(),
                        kind = %error.kind(),
                        "cannot remove leftover"
                    ),
                }
            }
        }
    }

    fn field_error(&self, error: TokenFieldError) -> TokenStoreError {
        match error {
            TokenFieldError::Missing {
                field: "access_token",
            } => TokenStoreError::MissingAccessToken {
                path: self.path.clone(),
            },
            error => TokenStoreError::Invalid {
                path: self.path.clone(),
                error,
            },
        }
    }
}

/// The writer's pid of a leftover of the token file `name`: `<name>.tmp-<pid>-<n>`,
/// or `<name>.lock[.break].gone-<pid>-<n>`. Anything else is not ours to touch.
fn leftover_pid(name: &str, file: &str) -> Option<u32> {
    let rest = file.strip_prefix(name)?;
    let tail = if let Some(tail) = rest.strip_prefix(TEMP_MARKER) {
        tail
    } else {
        let rest = rest.strip_prefix(LOCK_SUFFIX)?;
        let rest = rest.strip_prefix(".break").unwrap_or(rest);
        rest.strip_prefix(GONE_MARKER)?
    };
    let (pid, count) = tail.split_once('-')?;
    count.parse::<u64>().ok()?;
    pid.parse().ok()
}

fn invalid_json(path: &Path, error: &serde_json::Error) -> TokenStoreError {
    TokenStoreError::InvalidJson {
        path: path.to_path_buf(),
        problem: json_problem(error),
        line: error.line(),
        column: error.column(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftover_names() {
        let name = "tokens.json";
        assert_eq!(leftover_pid(name, "tokens.json.tmp-123-0"), Some(123));
        assert_eq!(leftover_pid(name, "tokens.json.lock.gone-77-3"), Some(77));
        assert_eq!(
            leftover_pid(name, "tokens.json.lock.break.gone-78-4"),
            Some(78)
        );
        for not_ours in [
            "tokens.json",
            "tokens.json.lock",
            "tokens.json.lock.break",
            "tokens.json.tmp-",
            "tokens.json.tmp-123",
            "tokens.json.tmp-abc-1",
            "tokens.json.tmp-123-x",
            "other.json.tmp-123-0",
            "tokens.json.bak",
            "config.json",
        ] {
            assert_eq!(leftover_pid(name, not_ours), None, "{not_ours}");
        }
    }
}
