//! Small helpers for the user's local JSON files (config, tokens), shared so that
//! every file reports problems the same way and never quotes what it holds.

use std::ffi::OsStr;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::Value;

/// Marks the temporary files of [`write_private`]: `<name>.tmp-<pid>-<n>`.
pub(crate) const TEMP_MARKER: &str = ".tmp-";

/// Which step of a private write failed, and on which path.
#[derive(Debug)]
pub(crate) struct WriteError {
    pub path: PathBuf,
    pub step: &'static str,
    pub source: io::Error,
}

/// Replaces `target` with `contents` so that a crash at any instant leaves either
/// the old or the new file: a fresh owner-only temporary file in the same
/// directory, flushed to disk, renamed over the target, and the rename made
/// durable. The directory is created owner-only when missing.
pub(crate) fn write_private(target: &Path, contents: &[u8]) -> Result<(), WriteError> {
    let name = target.file_name().ok_or_else(|| WriteError {
        path: target.to_path_buf(),
        step: "name",
        source: io::Error::from(io::ErrorKind::InvalidInput),
    })?;
    let dir = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    ensure_private_dir(dir).map_err(|source| WriteError {
        path: dir.to_path_buf(),
        step: "create directory",
        source,
    })?;
    let (temp_path, mut file) = create_temp(dir, name)?;
    let written = file.write_all(contents).and_then(|()| file.sync_all());
    drop(file);
    if let Err(source) = written {
        fs::remove_file(&temp_path).ok();
        return Err(WriteError {
            path: temp_path,
            step: "write temporary file",
            source,
        });
    }
    if let Err(source) = fs::rename(&temp_path, target) {
        fs::remove_file(&temp_path).ok();
        return Err(WriteError {
            path: target.to_path_buf(),
            step: "replace",
            source,
        });
    }
    sync_dir(dir);
    Ok(())
}

/// Creates `dir` owner-only. An existing directory is left as it is: it may be one
/// the user shares on purpose (even `$HOME`).
pub(crate) fn ensure_private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)?;
    // The mode above passed through the umask; set it exactly.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// A fresh owner-only file `<name>.tmp-<pid>-<n>` in `dir`. The mode is given at
/// creation, so there is no moment where the file is readable by others.
fn create_temp(dir: &Path, name: &OsStr) -> Result<(PathBuf, File), WriteError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let pid = std::process::id();
    let mut last_error = None;
    // A name can only be taken by a killed writer that had our pid: skip past it.
    for _ in 0..16 {
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut temp_name = name.to_owned();
        temp_name.push(format!("{TEMP_MARKER}{pid}-{count}"));
        let temp_path = dir.join(temp_name);
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(&temp_path) {
            Ok(file) => return Ok((temp_path, file)),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
                last_error = Some((temp_path, error))
            }
            Err(source) => {
                return Err(WriteError {
                    path: temp_path,
                    step: "create temporary file",
                    source,
                });
            }
        }
    }
    let (path, source) = last_error.unwrap_or_else(|| {
        (
            dir.to_path_buf(),
            io::Error::from(io::ErrorKind::AlreadyExists),
        )
    });
    Err(WriteError {
        path,
        step: "create temporary file",
        source,
    })
}

/// Makes the rename durable. A failure is logged, not returned: the new file is
/// complete and in place either way, and reporting the write as failed would make
/// the caller discard data that was in fact stored.
#[cfg(unix)]
fn sync_dir(dir: &Path) {
    if let Err(error) = File::open(dir).and_then(|handle| handle.sync_all()) {
        tracing::warn!(
            path = %dir.display(),
            kind = %error.kind(),
            "cannot sync the directory; the write may not survive a power loss"
        );
    }
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) {}

/// "a string", "an object"...: for messages that must name a type, not a value.
pub(crate) fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// What is wrong with a JSON file, without its content: `serde_json`'s syntax and
/// end-of-file messages are fixed texts, while its data errors may quote the input
/// (a secret), so those get a generic description.
pub(crate) fn json_problem(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match error.classify() {
        Category::Syntax | Category::Eof => {
            let text = error.to_string();
            let suffix = format!(" at line {} column {}", error.line(), error.column());
            text.strip_suffix(&suffix).unwrap_or(&text).to_owned()
        }
        Category::Data => "unexpected data".to_owned(),
        Category::Io => "read error".to_owned(),
    }
}

/// The file's mode bits, where the platform has them.
#[cfg(unix)]
pub(crate) fn permission_bits(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .ok()
        .map(|metadata| metadata.permissions().mode() & 0o7777)
}

#[cfg(not(unix))]
pub(crate) fn permission_bits(_path: &Path) -> Option<u32> {
    None
}
