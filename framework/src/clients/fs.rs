//! Reading and replacing a client's file without ever leaving it half-written.
//!
//! A change copies the original bytes to a timestamped backup beside the file first,
//! then writes a temporary file, syncs it, and renames it over the original: a crash at
//! any instant leaves the old file or the new one. The replacement keeps the original's
//! permission bits (we never widen or narrow what the user chose); a file we create is
//! `0600` in directories we create `0700`, because client configs hold other servers'
//! tokens. A symlinked config (dotfile managers do this) is written through to its
//! target so the link survives.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::ClientConfigError;

/// Permissions of a file we create: it may end up holding other servers' secrets.
const NEW_FILE_MODE: u32 = 0o600;
/// Permissions of a directory we create.
const NEW_DIR_MODE: u32 = 0o700;

/// A file as it was read, before any change.
#[derive(Debug, Clone)]
pub(crate) struct Existing {
    /// Where the bytes live: the symlink's target when the path is a link.
    pub target: PathBuf,
    pub bytes: Vec<u8>,
    /// Permission bits, on unix.
    pub mode: Option<u32>,
}

/// What a commit did beyond writing the file.
#[derive(Debug, Clone, Default)]
pub(crate) struct Committed {
    pub backup: Option<PathBuf>,
    /// The file's directory had to be created: the client is probably not installed.
    pub created_dir: bool,
}

/// The file at `path`, or `None` if there is none.
pub(crate) fn read(path: &Path) -> Result<Option<Existing>, ClientConfigError> {
    let target = resolve_link(path)?;
    let bytes = match fs::read(&target) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(io_error(&target, "read", &error)),
    };
    let metadata = fs::metadata(&target).map_err(|error| io_error(&target, "read", &error))?;
    Ok(Some(Existing {
        target,
        bytes,
        mode: mode_of(&metadata),
    }))
}

/// Replaces `existing` (or creates `path`) with `contents`, keeping a backup of the
/// original first. Refuses if the file changed since it was read, so a client writing
/// its own config at the same moment never loses its change to ours.
pub(crate) fn commit(
    path: &Path,
    existing: Option<&Existing>,
    contents: &[u8],
) -> Result<Committed, ClientConfigError> {
    match existing {
        Some(existing) => {
            let backup = write_backup(&existing.target, &existing.bytes)?;
            let written = replace(
                &existing.target,
                contents,
                existing.mode.unwrap_or(NEW_FILE_MODE),
                Some(&existing.bytes),
            );
            if let Err(error) = written {
                // Nothing changed, so the copy would only mislead.
                fs::remove_file(&backup).ok();
                return Err(error);
            }
            Ok(Committed {
                backup: Some(backup),
                created_dir: false,
            })
        }
        None => {
            let created_dir = match path.parent() {
                Some(dir) if !dir.as_os_str().is_empty() => ensure_dir(dir)?,
                _ => false,
            };
            replace(path, contents, NEW_FILE_MODE, None)?;
            Ok(Committed {
                backup: None,
                created_dir,
            })
        }
    }
}

/// Follows a symlink to the file it names; anything else is returned as given.
fn resolve_link(path: &Path) -> Result<PathBuf, ClientConfigError> {
    match fs::symlink_metadata(path) {
        Ok(metadata) if metadata.file_type().is_symlink() => {
            fs::canonicalize(path).map_err(|error| io_error(path, "follow the symlink", &error))
        }
        _ => Ok(path.to_path_buf()),
    }
}

/// `<file>.bak-<UTC timestamp>`, never overwriting an earlier backup: a second change
/// within the same second gets a `-1`, `-2`... suffix. The copy is owner-only whatever
/// the original's mode, and synced before the original is touched.
fn write_backup(target: &Path, bytes: &[u8]) -> Result<PathBuf, ClientConfigError> {
    let (dir, name) = dir_and_name(target)?;
    let stamp = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string();
    for attempt in 0..1000u32 {
        let mut backup_name = name.clone();
        backup_name.push(format!(".bak-{stamp}"));
        if attempt > 0 {
            backup_name.push(format!("-{attempt}"));
        }
        let backup = dir.join(backup_name);
        let mut file = match create_new(&backup, NEW_FILE_MODE) {
            Ok(file) => file,
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(io_error(&backup, "create a backup at", &error)),
        };
        let written = file.write_all(bytes).and_then(|()| file.sync_all());
        drop(file);
        if let Err(error) = written {
            fs::remove_file(&backup).ok();
            return Err(io_error(&backup, "write the backup", &error));
        }
        return Ok(backup);
    }
    Err(io_error(
        target,
        "find a free backup name beside",
        &io::Error::from(io::ErrorKind::AlreadyExists),
    ))
}

/// Temp file (with `mode` from creation on), write, sync, check that the target is
/// still what we read, rename, sync the directory. The temp file is removed on failure.
fn replace(
    target: &Path,
    contents: &[u8],
    mode: u32,
    expected: Option<&[u8]>,
) -> Result<(), ClientConfigError> {
    let (dir, name) = dir_and_name(target)?;
    let (temp, mut file) = create_temp(&dir, &name, mode)?;
    let written = file
        .write_all(contents)
        .and_then(|()| set_mode(&file, mode))
        .and_then(|()| file.sync_all())
        .map_err(|error| io_error(&temp, "write", &error));
    drop(file);
    let checked = written.and_then(|()| unchanged_since_read(target, expected));
    if let Err(error) = checked {
        fs::remove_file(&temp).ok();
        return Err(error);
    }
    if let Err(error) = fs::rename(&temp, target) {
        fs::remove_file(&temp).ok();
        return Err(io_error(target, "replace", &error));
    }
    sync_dir(&dir);
    Ok(())
}

fn unchanged_since_read(target: &Path, expected: Option<&[u8]>) -> Result<(), ClientConfigError> {
    let now = match fs::read(target) {
        Ok(bytes) => Some(bytes),
        Err(error) if error.kind() == io::ErrorKind::NotFound => None,
        Err(error) => return Err(io_error(target, "re-read", &error)),
    };
    if now.as_deref() == expected {
        Ok(())
    } else {
        Err(ClientConfigError::ChangedDuringUpdate {
            path: target.to_path_buf(),
        })
    }
}

/// A fresh `<name>.tmp-<pid>-<n>` beside the target.
fn create_temp(
    dir: &Path,
    name: &OsString,
    mode: u32,
) -> Result<(PathBuf, File), ClientConfigError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let pid = std::process::id();
    let mut last = None;
    for _ in 0..16 {
        let mut temp_name = name.clone();
        temp_name.push(format!(
            ".tmp-{pid}-{}",
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let temp = dir.join(temp_name);
        match create_new(&temp, mode) {
            Ok(file) => return Ok((temp, file)),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => last = Some(temp),
            Err(error) => return Err(io_error(&temp, "create", &error)),
        }
    }
    let path = last.unwrap_or_else(|| dir.to_path_buf());
    Err(io_error(
        &path,
        "create",
        &io::Error::from(io::ErrorKind::AlreadyExists),
    ))
}

fn create_new(path: &Path, mode: u32) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    options.open(path)
}

/// The mode given at creation passed through the umask; this sets it exactly.
#[cfg(unix)]
fn set_mode(file: &File, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_file: &File, _mode: u32) -> io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn mode_of(metadata: &fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    Some(metadata.permissions().mode() & 0o7777)
}

#[cfg(not(unix))]
fn mode_of(_metadata: &fs::Metadata) -> Option<u32> {
    None
}

/// Creates the missing directories of `dir` owner-only; existing ones are left as they
/// are. Returns whether any was created.
fn ensure_dir(dir: &Path) -> Result<bool, ClientConfigError> {
    if dir.is_dir() {
        return Ok(false);
    }
    let missing: Vec<&Path> = dir
        .ancestors()
        .take_while(|ancestor| !ancestor.as_os_str().is_empty() && !ancestor.exists())
        .collect();
    for path in missing.into_iter().rev() {
        let mut builder = fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(NEW_DIR_MODE);
        }
        match builder.create(path) {
            Ok(()) => {}
            // Another process got there first; its mode is its business.
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(io_error(path, "create the directory", &error)),
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(path, fs::Permissions::from_mode(NEW_DIR_MODE))
                .map_err(|error| io_error(path, "restrict the directory", &error))?;
        }
    }
    Ok(true)
}

fn dir_and_name(path: &Path) -> Result<(PathBuf, OsString), ClientConfigError> {
    let name = path
        .file_name()
        .ok_or_else(|| ClientConfigError::Io {
            path: path.to_path_buf(),
            action: "write",
            kind: io::ErrorKind::InvalidInput,
        })?
        .to_owned();
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((dir, name))
}

/// Makes the rename durable; a failure is logged, not returned, because the new file
/// is complete and in place either way.
#[cfg(unix)]
fn sync_dir(dir: &Path) {
    if let Err(error) = File::open(dir).and_then(|handle| handle.sync_all()) {
        tracing::warn!(path = %dir.display(), kind = %error.kind(), "cannot sync directory");
    }
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) {}

pub(crate) fn io_error(path: &Path, action: &'static str, error: &io::Error) -> ClientConfigError {
    ClientConfigError::Io {
        path: path.to_path_buf(),
        action,
        kind: error.kind(),
    }
}
