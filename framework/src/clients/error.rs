//! Why a client file was not written or read.

use std::io;
use std::path::PathBuf;

/// A client file that could not be written or read. Messages name paths, positions and
/// keys, never values: the files hold other servers' tokens. Every variant means the
/// file was left exactly as it was.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientConfigError {
    #[error("invalid MCP server name {name:?}: use letters, digits, '-' and '_' (at most 64)")]
    InvalidName { name: String },
    #[error("the server command must be an absolute path, got {}", path.display())]
    CommandNotAbsolute { path: PathBuf },
    #[error("the server command {} is not valid UTF-8, which client configs cannot hold", path.display())]
    CommandNotUtf8 { path: PathBuf },
    #[error("cannot {action} {}: {kind}", path.display())]
    Io {
        path: PathBuf,
        action: &'static str,
        kind: io::ErrorKind,
    },
    #[error(
        "{} is not valid JSON: {problem} at line {line} column {column}; it was left unchanged{}",
        path.display(),
        hint_suffix(hint)
    )]
    InvalidJson {
        path: PathBuf,
        problem: String,
        line: usize,
        column: usize,
        hint: Option<String>,
    },
    #[error(
        "{} is not valid YAML: {problem} at line {line} column {column}; it was left unchanged",
        path.display()
    )]
    InvalidYaml {
        path: PathBuf,
        problem: String,
        line: usize,
        column: usize,
    },
    #[error("{}: {key} must be {expected} but is {found}; the file was left unchanged", path.display())]
    UnexpectedShape {
        path: PathBuf,
        key: String,
        expected: &'static str,
        found: &'static str,
    },
    #[error("{}: the key {key:?} appears more than once; the file was left unchanged", path.display())]
    DuplicateKey { path: PathBuf, key: String },
    #[error(
        "{}: cannot safely edit {reason}; the file was left unchanged{}",
        path.display(),
        hint_suffix(hint)
    )]
    UnsupportedLayout {
        path: PathBuf,
        reason: &'static str,
        hint: Option<String>,
    },
    #[error(
        "{}: the edited text did not parse back to the intended configuration; the file was left unchanged{}",
        path.display(),
        hint_suffix(hint)
    )]
    VerificationFailed { path: PathBuf, hint: Option<String> },
    #[error(
        "{} changed while it was being updated (is the client running?); it was left as the client wrote it, try again",
        path.display()
    )]
    ChangedDuringUpdate { path: PathBuf },
}

fn hint_suffix(hint: &Option<String>) -> String {
    hint.as_deref()
        .map(|hint| format!(". {hint}"))
        .unwrap_or_default()
}
