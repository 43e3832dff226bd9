//! `~/.delx-wellness/profile.json` on disk: read without side effects, updated under
//! a cross-process lock, replaced atomically, readable by the owner only.
//!
//! Up to fifteen connectors (each its own process, some not written in Rust) share
//! the file, so an update re-reads the file under the lock and merges into what is
//! there now, not into what it read earlier. A file this module cannot understand is
//! reported and left alone: it may hold a person's answers in a newer format.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::document::{Decode, ProfileDocument, SCHEMA};
use super::guard::{self, PatchError};
use crate::auth::{LockOptions, TokenStore, TokenStoreError};
use crate::local_files::{ensure_private_dir, json_problem, write_private};

/// The shared directory under the home, and the file in it.
pub const PROFILE_DIR: &str = ".delx-wellness";
pub const PROFILE_FILE: &str = "profile.json";

/// Where earlier Delx agents kept the profile, relative to the home, oldest last.
pub const LEGACY_PATHS: [&str; 2] = [
    ".hermes/profiles/delx-wellness/wellness-profile.json",
    ".openclaw-delx-wellness/workspace/wellness-profile.json",
];

/// A profile is a page of answers; this bounds what one agent can make every
/// connector read into every prompt.
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024;

/// Far above what any writer produces, so only a misplaced file reaches it, and
/// reading it does not cost unbounded memory.
const MAX_READ_BYTES: u64 = 1024 * 1024;

/// A profile operation that failed. Messages name paths and fields, never values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    #[error(transparent)]
    Patch(#[from] PatchError),
    #[error("the profile would take {bytes} bytes; it must stay within {MAX_DOCUMENT_BYTES}")]
    TooLarge { bytes: usize },
    #[error("cannot {action} {}: {kind}", path.display())]
    Io {
        path: PathBuf,
        action: &'static str,
        kind: io::ErrorKind,
    },
    #[error(
        "profile file {} is not valid JSON ({problem} at line {line} column {column}); it was left untouched",
        path.display()
    )]
    InvalidJson {
        path: PathBuf,
        problem: String,
        line: usize,
        column: usize,
    },
    #[error(
        "profile file {}: {field} is {found}, not what {SCHEMA} expects; it was left untouched",
        path.display()
    )]
    InvalidShape {
        path: PathBuf,
        field: &'static str,
        found: &'static str,
    },
    #[error(
        "profile file {} is not a {SCHEMA} document (schema: {found}); it was left untouched",
        path.display()
    )]
    OtherSchema { path: PathBuf, found: String },
    #[error("profile file {} is larger than {MAX_READ_BYTES} bytes; it was left untouched", path.display())]
    FileTooLarge { path: PathBuf },
    #[error(
        "timed out waiting for the profile lock {}{}; another connector is saving the profile",
        path.display(),
        holder_pid.map(|pid| format!(" (held by process {pid})")).unwrap_or_default()
    )]
    LockTimeout {
        path: PathBuf,
        holder_pid: Option<u32>,
    },
    #[error("cannot encode the profile: {0}")]
    Encode(String),
}

/// What an update changed, and the document as now stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileUpdate {
    pub document: ProfileDocument,
    /// Sections (and `notes`) the patch touched, in document order.
    pub updated_sections: Vec<&'static str>,
}

/// The profile file of one user.
#[derive(Debug, Clone)]
pub struct ProfileStore {
    path: PathBuf,
    legacy: Vec<PathBuf>,
    /// Set for the canonical location: its directory belongs to Delx and is kept
    /// owner-only, and paths are shown relative to it.
    home: Option<PathBuf>,
    lock_options: LockOptions,
}

/// What is at a path.
enum Found {
    Missing,
    Document(Box<ProfileDocument>),
    OtherSchema(String),
}

impl ProfileStore {
    /// The canonical store: `<home>/.delx-wellness/profile.json`, migrating from the
    /// legacy locations.
    pub fn for_home(home: &Path) -> Self {
        Self {
            path: home.join(PROFILE_DIR).join(PROFILE_FILE),
            legacy: LEGACY_PATHS.iter().map(|path| home.join(path)).collect(),
            home: Some(home.to_path_buf()),
            lock_options: LockOptions::default(),
        }
    }

    /// A store at an arbitrary path, without migration. Its directory's permissions
    /// are set only if the directory is created here: it may be shared on purpose.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            legacy: Vec::new(),
            home: None,
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

    pub fn home(&self) -> Option<&Path> {
        self.home.as_deref()
    }

    /// The path for people to read: `~/...` rather than the user's home directory.
    pub fn display_path(&self) -> String {
        match self
            .home()
            .and_then(|home| self.path.strip_prefix(home).ok())
        {
            Some(rest) => format!("~/{}", rest.display()),
            None => self.path.display().to_string(),
        }
    }

    /// The stored profile; defaults when there is none. A canonical file in another
    /// format reads as absent. Never writes: a legacy profile is only copied to the
    /// canonical file by the next [`ProfileStore::update`].
    pub fn load(&self) -> Result<ProfileDocument, ProfileError> {
        match read(&self.path)? {
            Found::Document(document) => Ok(*document),
            Found::OtherSchema(_) => Ok(ProfileDocument::default()),
            Found::Missing => Ok(self.read_legacy().unwrap_or_default()),
        }
    }

    /// Checks `patch`, then merges it into the stored profile under the lock and
    /// writes the result, stamped with `generated_by` and the current time.
    pub fn update(
        &self,
        patch: &Map<String, Value>,
        generated_by: &str,
    ) -> Result<ProfileUpdate, ProfileError> {
        let patch = guard::check(patch)?;
        self.prepare_dir()?;
        let lock = TokenStore::new(&self.path)
            .with_lock_options(self.lock_options)
            .lock_blocking()
            .map_err(|error| lock_error(error, &self.path))?;
        let mut document = match read(&self.path)? {
            Found::Document(document) => *document,
            Found::Missing => self.read_legacy().unwrap_or_default(),
            Found::OtherSchema(found) => {
                return Err(ProfileError::OtherSchema {
                    path: self.path.clone(),
                    found,
                });
            }
        };
        let updated_sections = document.apply(&patch);
        document.generated_by = generated_by.to_owned();
        document.updated_at = Some(format!("{:.0}", jiff::Timestamp::now()));
        let mut bytes = serde_json::to_vec_pretty(&document)
            .map_err(|error| ProfileError::Encode(error.to_string()))?;
        bytes.push(b'\n');
        if bytes.len() > MAX_DOCUMENT_BYTES {
            return Err(ProfileError::TooLarge { bytes: bytes.len() });
        }
        write_private(&self.path, &bytes).map_err(|error| ProfileError::Io {
            path: error.path,
            action: error.step,
            kind: error.source.kind(),
        })?;
        drop(lock);
        Ok(ProfileUpdate {
            document,
            updated_sections,
        })
    }

    /// The first legacy file that holds a v1 profile. Anything wrong with a legacy
    /// file only means it is not used: it is not ours, and the canonical file
    /// replaces it.
    fn read_legacy(&self) -> Option<ProfileDocument> {
        self.legacy.iter().find_map(|path| match read(path) {
            Ok(Found::Document(document)) => {
                tracing::info!(path = %path.display(), "using the legacy wellness profile");
                Some(*document)
            }
            Ok(Found::Missing | Found::OtherSchema(_)) => None,
            Err(error) => {
                tracing::warn!(%error, "ignoring a legacy wellness profile");
                None
            }
        })
    }

    /// Creates the directory owner-only; the canonical one is also tightened when it
    /// exists looser, since it holds nothing but profile data.
    fn prepare_dir(&self) -> Result<(), ProfileError> {
        let dir = match self.path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let io_error = |action, error: io::Error| ProfileError::Io {
            path: dir.to_path_buf(),
            action,
            kind: error.kind(),
        };
        ensure_private_dir(dir).map_err(|error| io_error("create directory", error))?;
        if self.home.is_some() {
            tighten(dir).map_err(|error| io_error("restrict permissions of", error))?;
        }
        Ok(())
    }
}

fn read(path: &Path) -> Result<Found, ProfileError> {
    let io_error = |error: io::Error| ProfileError::Io {
        path: path.to_path_buf(),
        action: "read",
        kind: error.kind(),
    };
    let mut bytes = Vec::new();
    match File::open(path) {
        Ok(file) => file
            .take(MAX_READ_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(io_error)?,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Found::Missing),
        Err(error) => return Err(io_error(error)),
    };
    if bytes.len() as u64 > MAX_READ_BYTES {
        return Err(ProfileError::FileTooLarge {
            path: path.to_path_buf(),
        });
    }
    let value: Value =
        serde_json::from_slice(&bytes).map_err(|error| ProfileError::InvalidJson {
            path: path.to_path_buf(),
            problem: json_problem(&error),
            line: error.line(),
            column: error.column(),
        })?;
    match ProfileDocument::from_value(value) {
        Ok(document) => Ok(Found::Document(Box::new(document))),
        Err(Decode::OtherSchema(found)) => Ok(Found::OtherSchema(found)),
        Err(Decode::Shape { field, found }) => Err(ProfileError::InvalidShape {
            path: path.to_path_buf(),
            field,
            found,
        }),
    }
}

/// The lock is the token store's: same file protocol, same stale-holder recovery.
fn lock_error(error: TokenStoreError, profile: &Path) -> ProfileError {
    match error {
        TokenStoreError::LockTimeout {
            path, holder_pid, ..
        } => ProfileError::LockTimeout { path, holder_pid },
        TokenStoreError::Io { path, kind, .. } => ProfileError::Io {
            path,
            action: "take the lock",
            kind,
        },
        _ => ProfileError::Io {
            path: profile.to_path_buf(),
            action: "take the lock for",
            kind: io::ErrorKind::InvalidInput,
        },
    }
}

#[cfg(unix)]
fn tighten(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(dir)?.permissions().mode();
    if mode & 0o077 != 0 {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn tighten(_dir: &Path) -> io::Result<()> {
    Ok(())
}
