//! One file update: read, plan on the parsed value, render, verify, commit.

use std::path::{Path, PathBuf};

use super::json_config::JsonDoc;
use super::plan::{Document, Edit};
use super::yaml_config::{self, YamlDoc};
use super::{ClientConfigError, Outcome, fs};

/// The result of one file update.
pub(super) struct FileChange {
    pub outcome: Outcome,
    pub backup: Option<PathBuf>,
    pub created_dir: bool,
}

/// A configuration format: parse, plan on the value, render the text, check it.
pub(super) trait ConfigFormat: Sized {
    type Value: Document;
    fn empty() -> Self;
    fn parse(bytes: &[u8], path: &Path, hint: Option<&str>) -> Result<Self, ClientConfigError>;
    fn value(&self) -> &Self::Value;
    fn render(
        self,
        edits: &[Edit],
        path: &Path,
        hint: Option<&str>,
    ) -> Result<String, ClientConfigError>;
    fn reparse(text: &str) -> Option<Self::Value>;
}

impl ConfigFormat for JsonDoc {
    type Value = serde_json::Value;

    fn empty() -> Self {
        JsonDoc::empty()
    }

    fn parse(bytes: &[u8], path: &Path, hint: Option<&str>) -> Result<Self, ClientConfigError> {
        JsonDoc::parse(bytes, path, hint)
    }

    fn value(&self) -> &Self::Value {
        &self.value
    }

    fn render(
        self,
        edits: &[Edit],
        path: &Path,
        _hint: Option<&str>,
    ) -> Result<String, ClientConfigError> {
        JsonDoc::render(self, edits, path)
    }

    fn reparse(text: &str) -> Option<Self::Value> {
        serde_json::from_str(text).ok()
    }
}

impl ConfigFormat for YamlDoc {
    type Value = serde_norway::Value;

    fn empty() -> Self {
        YamlDoc::empty()
    }

    fn parse(bytes: &[u8], path: &Path, _hint: Option<&str>) -> Result<Self, ClientConfigError> {
        YamlDoc::parse(bytes, path)
    }

    fn value(&self) -> &Self::Value {
        &self.value
    }

    fn render(
        self,
        edits: &[Edit],
        path: &Path,
        hint: Option<&str>,
    ) -> Result<String, ClientConfigError> {
        YamlDoc::render(self, edits, path, hint)
    }

    fn reparse(text: &str) -> Option<Self::Value> {
        yaml_config::reparse(text)
    }
}

/// Read, plan, and write only if something changes and the new text parses back to
/// exactly the planned document.
pub(super) fn update<F: ConfigFormat>(
    path: &Path,
    hint: Option<&str>,
    plan: impl FnOnce(&F::Value) -> Result<Vec<Edit>, ClientConfigError>,
) -> Result<FileChange, ClientConfigError> {
    let existing = fs::read(path)?;
    let doc = match &existing {
        Some(file) => F::parse(&file.bytes, path, hint)?,
        None => F::empty(),
    };
    let edits = plan(doc.value())?;
    let mut expected = doc.value().clone();
    for edit in &edits {
        expected.apply(edit);
    }
    if existing.is_some() && &expected == doc.value() {
        return Ok(FileChange {
            outcome: Outcome::Unchanged,
            backup: None,
            created_dir: false,
        });
    }
    let text = doc.render(&edits, path, hint)?;
    if F::reparse(&text).as_ref() != Some(&expected) {
        return Err(ClientConfigError::VerificationFailed {
            path: path.to_path_buf(),
            hint: hint.map(str::to_owned),
        });
    }
    let committed = fs::commit(path, existing.as_ref(), text.as_bytes())?;
    Ok(FileChange {
        outcome: if existing.is_some() {
            Outcome::Updated
        } else {
            Outcome::Created
        },
        backup: committed.backup,
        created_dir: committed.created_dir,
    })
}

/// Writes a whole text file (the Hermes skill) under the same rules.
pub(super) fn write_text(path: &Path, contents: &str) -> Result<FileChange, ClientConfigError> {
    let existing = fs::read(path)?;
    if existing
        .as_ref()
        .is_some_and(|file| file.bytes == contents.as_bytes())
    {
        return Ok(FileChange {
            outcome: Outcome::Unchanged,
            backup: None,
            created_dir: false,
        });
    }
    let committed = fs::commit(path, existing.as_ref(), contents.as_bytes())?;
    Ok(FileChange {
        outcome: if existing.is_some() {
            Outcome::Updated
        } else {
            Outcome::Created
        },
        backup: committed.backup,
        created_dir: committed.created_dir,
    })
}
