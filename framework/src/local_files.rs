//! Small helpers for the user's local JSON files (config, tokens), shared so that
//! every file reports problems the same way and never quotes what it holds.

use std::path::Path;

use serde_json::Value;

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
