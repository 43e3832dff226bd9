//! The profile against real files in a temporary home.

mod guard;
mod onboarding;
mod store;
mod summary;
mod tools;

use std::fs;
use std::path::Path;

use serde_json::{Map, Value, json};
use tempfile::TempDir;

use super::*;

/// A temporary home with the canonical store in it.
struct Home {
    dir: TempDir,
    store: ProfileStore,
}

impl Home {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp home");
        let store = ProfileStore::for_home(dir.path());
        Self { dir, store }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn profile_file(&self) -> std::path::PathBuf {
        self.path().join(".delx-wellness/profile.json")
    }

    fn write(&self, relative: &str, contents: &str) {
        let path = self.path().join(relative);
        fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
        fs::write(path, contents).expect("write");
    }

    fn update(&self, patch: Value) -> Result<ProfileUpdate, ProfileError> {
        self.store.update(&object(patch), "test-mcp")
    }

    fn stored(&self) -> Value {
        let text = fs::read_to_string(self.profile_file()).expect("profile written");
        serde_json::from_str(&text).expect("valid JSON")
    }
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).expect("metadata").permissions().mode() & 0o777
}

fn patch_error(result: Result<ProfileUpdate, ProfileError>) -> PatchError {
    match result {
        Err(ProfileError::Patch(error)) => error,
        other => panic!("expected a refused patch, got {other:?}"),
    }
}

#[test]
fn defaults_are_an_empty_v1_document() {
    let document = ProfileDocument::default();
    let value = serde_json::to_value(&document).expect("encodes");
    assert_eq!(value["schema"], json!(SCHEMA));
    assert_eq!(value["version"], json!(1));
    for section in Section::ALL {
        assert_eq!(value[section.name()], json!({}), "{}", section.name());
    }
    assert_eq!(value["notes"], json!(""));
    assert!(value.get("updated_at").is_none());
}
