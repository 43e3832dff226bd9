//! What a profile patch may contain.
//!
//! The profile is plain JSON that several connectors, and the agents driving them,
//! read back into prompts; a credential stored there would leak into every chat. So a
//! patch is refused whole when any key is named like a secret or any string looks
//! like a credential, and the error names where, never what.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Map, Value};

use super::document::Section;
use crate::local_files::json_type;

/// Notes are a free-text remark, not a journal: longer text belongs elsewhere.
pub const MAX_NOTES_CHARS: usize = 2000;

/// The keys a patch may have, for messages.
pub const ALLOWED_KEYS: &str =
    "profile, goals, devices, training, nutrition, preferences, safety, notes";

/// A patch that was refused; nothing was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatchError {
    #[error("the patch is empty; give at least one of: {ALLOWED_KEYS}")]
    Empty,
    #[error("unknown top-level key {key:?}; a patch may only contain: {ALLOWED_KEYS}")]
    UnknownKey { key: String },
    #[error("{section} must be an object of fields, not {found}")]
    SectionNotObject {
        section: &'static str,
        found: &'static str,
    },
    #[error("notes must be a string, not {found}")]
    NotesNotString { found: &'static str },
    #[error("notes has {chars} characters; at most {MAX_NOTES_CHARS} are kept")]
    NotesTooLong { chars: usize },
    #[error(
        "refusing to store a field named like a secret at {path}: credentials never belong in the wellness profile"
    )]
    SecretKey { path: String },
    #[error(
        "refusing to store a value that looks like a credential ({family}) at {path}: credentials never belong in the wellness profile"
    )]
    CredentialValue { path: String, family: &'static str },
}

/// A patch that passed every check, sections in document order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CheckedPatch {
    pub sections: Vec<(Section, Map<String, Value>)>,
    pub notes: Option<String>,
}

/// Checks the whole patch before anything is read or written.
pub(crate) fn check(patch: &Map<String, Value>) -> Result<CheckedPatch, PatchError> {
    if patch.is_empty() {
        return Err(PatchError::Empty);
    }
    let mut checked = CheckedPatch {
        sections: Vec::new(),
        notes: None,
    };
    for (key, value) in patch {
        if key == "notes" {
            let Value::String(notes) = value else {
                return Err(PatchError::NotesNotString {
                    found: json_type(value),
                });
            };
            let chars = notes.chars().count();
            if chars > MAX_NOTES_CHARS {
                return Err(PatchError::NotesTooLong { chars });
            }
            scan_string(notes, "notes")?;
            checked.notes = Some(notes.clone());
            continue;
        }
        let Some(section) = Section::from_name(key) else {
            return Err(PatchError::UnknownKey {
                key: shown_key(key),
            });
        };
        let Value::Object(fields) = value else {
            return Err(PatchError::SectionNotObject {
                section: section.name(),
                found: json_type(value),
            });
        };
        scan_object(fields, section.name())?;
        checked.sections.push((section, fields.clone()));
    }
    checked.sections.sort_by_key(|(section, _)| *section);
    Ok(checked)
}

fn scan_object(fields: &Map<String, Value>, path: &str) -> Result<(), PatchError> {
    for (key, value) in fields {
        let path = format!("{path}.{}", shown_key(key));
        if SECRET_KEY.is_match(key) || credential_family(key).is_some() {
            return Err(PatchError::SecretKey { path });
        }
        scan_value(value, &path)?;
    }
    Ok(())
}

fn scan_value(value: &Value, path: &str) -> Result<(), PatchError> {
    match value {
        Value::String(text) => scan_string(text, path),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(index, item)| scan_value(item, &format!("{path}[{index}]"))),
        Value::Object(fields) => scan_object(fields, path),
        Value::Null | Value::Bool(_) | Value::Number(_) => Ok(()),
    }
}

fn scan_string(text: &str, path: &str) -> Result<(), PatchError> {
    match credential_family(text) {
        Some(family) => Err(PatchError::CredentialValue {
            path: path.to_owned(),
            family,
        }),
        None => Ok(()),
    }
}

/// Key names that say "this is a secret". Deliberately broad: a false alarm costs a
/// renamed field, a miss costs a leaked credential.
static SECRET_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(oauth|token|secret|password|passwd|cookie|refresh|api[_-]?key|bearer|credential|session[_-]?id|private[_-]?key)",
    )
    .expect("the secret key pattern is valid")
});

/// Shapes of real credentials, each with the family named in errors.
static CREDENTIAL_VALUES: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    [
        ("JSON Web Token", r"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\."),
        ("bearer token", r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{20,}"),
        ("Stripe key", r"\b[sr]k_(?:live|test)_[A-Za-z0-9]{8,}"),
        ("Slack token", r"\bxox[bporas]-[A-Za-z0-9-]{8,}"),
        ("GitHub token", r"\bgithub_pat_[A-Za-z0-9_]{20,}"),
        ("GitHub token", r"\bgh[posru]_[A-Za-z0-9]{20,}"),
        ("API key", r"\bsk-[A-Za-z0-9_-]{20,}"),
        (
            "Authorization header",
            r"(?i)\bauthorization\s*:\s*[A-Za-z][A-Za-z0-9_-]*\s+[A-Za-z0-9._~+/=-]{8,}",
        ),
        ("PEM block", r"-----BEGIN [A-Z0-9 ]+-----"),
    ]
    .into_iter()
    .map(|(family, pattern)| {
        (
            family,
            Regex::new(pattern).expect("the credential patterns are valid"),
        )
    })
    .collect()
});

/// The credential family `text` belongs to, if it contains one.
fn credential_family(text: &str) -> Option<&'static str> {
    CREDENTIAL_VALUES
        .iter()
        .find(|(_, pattern)| pattern.is_match(text))
        .map(|(family, _)| *family)
}

/// A key as errors show it: bounded, on one line, and withheld when the key itself
/// is credential-shaped (someone pasted a token where a name goes).
fn shown_key(key: &str) -> String {
    const MAX_CHARS: usize = 60;
    if credential_family(key).is_some() {
        return "<credential-shaped key>".to_owned();
    }
    let mut text: String = key
        .chars()
        .take(MAX_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if key.chars().count() > MAX_CHARS {
        text.push('…');
    }
    text
}
