//! Editing a JSON client config while keeping everything else exactly as it was.
//!
//! Only the objects on the way to our entry are parsed into an ordered tree; every other
//! value is carried through as the raw text it was in the file. So other servers and
//! unrelated settings keep their key order, their number spellings (a big integer is not
//! rounded through `f64`) and, when the file was pretty-printed with the indentation we
//! detect, their exact bytes. `serde_json`'s `preserve_order` is not needed, and so not
//! imposed on every crate of the workspace.

use std::fmt;
use std::path::Path;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use serde_json::value::RawValue;

use super::ClientConfigError;
use super::plan::Edit;
use crate::local_files::{json_problem, json_type};

/// A parsed JSON config: its value for planning, and the ordered tree for rewriting.
pub(crate) struct JsonDoc {
    pub value: Value,
    root: Vec<(String, Node)>,
    indent: Vec<u8>,
    crlf: bool,
}

enum Node {
    /// Untouched: written back byte for byte.
    Raw(Box<RawValue>),
    /// On the way to an edit.
    Object(Vec<(String, Node)>),
    /// Ours.
    New(Value),
}

impl JsonDoc {
    /// The document for a file that does not exist yet.
    pub(crate) fn empty() -> Self {
        Self {
            value: Value::Object(serde_json::Map::new()),
            root: Vec::new(),
            indent: b"  ".to_vec(),
            crlf: false,
        }
    }

    /// Parses a config file. A file of only whitespace counts as an empty object: there
    /// is nothing in it to lose. Errors name the position, never the content.
    pub(crate) fn parse(
        bytes: &[u8],
        path: &Path,
        hint: Option<&str>,
    ) -> Result<Self, ClientConfigError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text = std::str::from_utf8(bytes).map_err(|error| {
            let (line, column) = position_of(bytes, error.valid_up_to());
            ClientConfigError::InvalidJson {
                path: path.to_path_buf(),
                problem: "invalid UTF-8".to_owned(),
                line,
                column,
                hint: hint.map(str::to_owned),
            }
        })?;
        if text.trim().is_empty() {
            return Ok(Self::empty());
        }
        let invalid = |error: serde_json::Error| ClientConfigError::InvalidJson {
            path: path.to_path_buf(),
            problem: json_problem(&error),
            line: error.line(),
            column: error.column(),
            hint: hint.map(str::to_owned),
        };
        let value: Value = serde_json::from_str(text).map_err(invalid)?;
        if !value.is_object() {
            return Err(ClientConfigError::UnexpectedShape {
                path: path.to_path_buf(),
                key: "(top level)".to_owned(),
                expected: "an object",
                found: json_type(&value),
            });
        }
        let Pairs(pairs) = serde_json::from_str(text).map_err(invalid)?;
        Ok(Self {
            value,
            root: pairs
                .into_iter()
                .map(|(key, raw)| (key, Node::Raw(raw)))
                .collect(),
            indent: detect_indent(text),
            crlf: text.contains("\r\n"),
        })
    }

    /// The file's new text with `edits` applied. The plan has already checked that the
    /// keys on the way are objects (or null, or absent).
    pub(crate) fn render(
        mut self,
        edits: &[Edit],
        path: &Path,
    ) -> Result<String, ClientConfigError> {
        for edit in edits {
            apply(&mut self.root, &edit.path, edit.value.to_json(), path)?;
        }
        let mut out = Vec::new();
        let formatter = serde_json::ser::PrettyFormatter::with_indent(&self.indent);
        let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
        ObjectRef(&self.root)
            .serialize(&mut serializer)
            .map_err(|_| ClientConfigError::VerificationFailed {
                path: path.to_path_buf(),
                hint: None,
            })?;
        let mut text =
            String::from_utf8(out).map_err(|_| ClientConfigError::VerificationFailed {
                path: path.to_path_buf(),
                hint: None,
            })?;
        text.push('\n');
        if self.crlf {
            // JSON strings cannot hold a raw line break, so every one is layout.
            text = text.replace("\r\n", "\n").replace('\n', "\r\n");
        }
        Ok(text)
    }
}

fn apply(
    object: &mut Vec<(String, Node)>,
    path: &[String],
    value: Value,
    file: &Path,
) -> Result<(), ClientConfigError> {
    let Some((key, rest)) = path.split_first() else {
        return Ok(());
    };
    let mut found = object
        .iter()
        .enumerate()
        .filter(|(_, (name, _))| name == key)
        .map(|(index, _)| index);
    let index = match (found.next(), found.next()) {
        // Readers disagree on which duplicate wins; editing either could be wrong.
        (Some(_), Some(_)) => {
            return Err(ClientConfigError::DuplicateKey {
                path: file.to_path_buf(),
                key: key.clone(),
            });
        }
        (Some(index), None) => index,
        (None, _) => {
            object.push((key.clone(), Node::Object(Vec::new())));
            object.len() - 1
        }
    };
    let node = &mut object[index].1;
    if rest.is_empty() {
        *node = Node::New(value);
        return Ok(());
    }
    apply(node.open(file)?, rest, value, file)
}

impl Node {
    /// This node as an editable object. The plan only lets objects and nulls (which
    /// become empty objects) reach here.
    fn open(&mut self, file: &Path) -> Result<&mut Vec<(String, Node)>, ClientConfigError> {
        let children = match std::mem::replace(self, Node::Object(Vec::new())) {
            Node::Raw(raw) if raw.get().trim_start().starts_with('{') => {
                let Pairs(pairs) = serde_json::from_str(raw.get()).map_err(|_| {
                    ClientConfigError::VerificationFailed {
                        path: file.to_path_buf(),
                        hint: None,
                    }
                })?;
                pairs
                    .into_iter()
                    .map(|(key, raw)| (key, Node::Raw(raw)))
                    .collect()
            }
            Node::New(Value::Object(map)) => map
                .into_iter()
                .map(|(key, value)| (key, Node::New(value)))
                .collect(),
            Node::Object(children) => children,
            Node::Raw(_) | Node::New(_) => Vec::new(),
        };
        *self = Node::Object(children);
        match self {
            Node::Object(children) => Ok(children),
            _ => unreachable!("just made an object"),
        }
    }
}

/// The whitespace before the first key, so a rewritten file keeps its style; two spaces
/// when there is no line to learn from.
fn detect_indent(text: &str) -> Vec<u8> {
    let learned = text.lines().skip(1).find_map(|line| {
        let rest = line.trim_start_matches([' ', '\t']);
        rest.starts_with('"')
            .then(|| &line[..line.len() - rest.len()])
            .filter(|indent| {
                !indent.is_empty()
                    && indent.len() <= 8
                    && (indent.bytes().all(|b| b == b' ') || indent.bytes().all(|b| b == b'\t'))
            })
    });
    learned.unwrap_or("  ").as_bytes().to_vec()
}

/// 1-based line and column of a byte offset, for messages.
fn position_of(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}

/// An object's members in file order, values unparsed.
struct Pairs(Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for Pairs {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PairsVisitor;

        impl<'de> Visitor<'de> for PairsVisitor {
            type Value = Pairs;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Pairs, A::Error> {
                let mut pairs = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    pairs.push((key, map.next_value::<Box<RawValue>>()?));
                }
                Ok(Pairs(pairs))
            }
        }

        deserializer.deserialize_map(PairsVisitor)
    }
}

struct ObjectRef<'a>(&'a [(String, Node)]);

impl Serialize for ObjectRef<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, node) in self.0 {
            map.serialize_entry(key, node)?;
        }
        map.end()
    }
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Raw(raw) => raw.serialize(serializer),
            Self::Object(children) => ObjectRef(children).serialize(serializer),
            Self::New(value) => value.serialize(serializer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clients::plan::Fragment;

    fn edit(path: &[&str], value: Fragment) -> Edit {
        Edit {
            path: path.iter().map(|key| (*key).to_owned()).collect(),
            value,
        }
    }

    fn render(text: &str, edits: &[Edit]) -> String {
        JsonDoc::parse(text.as_bytes(), Path::new("c.json"), None)
            .expect("parses")
            .render(edits, Path::new("c.json"))
            .expect("renders")
    }

    #[test]
    fn untouched_values_keep_their_bytes_and_order() {
        let original = "{\n  \"zeta\": 1.50,\n  \"big\": 123456789012345678901234567890,\n  \"mcpServers\": {\n    \"other\": {\"command\": \"x\", \"args\": [ 1,2 ]}\n  },\n  \"alpha\": true\n}\n";
        let text = render(
            original,
            &[edit(&["mcpServers", "ours"], Fragment::Str("v".to_owned()))],
        );
        assert_eq!(
            text,
            "{\n  \"zeta\": 1.50,\n  \"big\": 123456789012345678901234567890,\n  \"mcpServers\": {\n    \"other\": {\"command\": \"x\", \"args\": [ 1,2 ]},\n    \"ours\": \"v\"\n  },\n  \"alpha\": true\n}\n"
        );
    }

    #[test]
    fn indentation_and_line_endings_are_learned() {
        let original = "{\r\n\t\"a\": {\r\n\t\t\"b\": 1\r\n\t}\r\n}";
        let text = render(original, &[edit(&["c", "d"], Fragment::Int(2))]);
        assert_eq!(
            text,
            "{\r\n\t\"a\": {\r\n\t\t\"b\": 1\r\n\t},\r\n\t\"c\": {\r\n\t\t\"d\": 2\r\n\t}\r\n}\r\n"
        );
    }

    #[test]
    fn null_parents_and_replaced_values_stay_in_place() {
        let original = "{\"mcp\": null, \"x\": {\"servers\": {\"ours\": {\"old\": 1}}}}";
        let text = render(
            original,
            &[
                edit(&["mcp", "servers", "ours"], Fragment::Bool(true)),
                edit(&["x", "servers", "ours"], Fragment::Int(7)),
            ],
        );
        let value: Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(
            value,
            serde_json::json!({"mcp": {"servers": {"ours": true}}, "x": {"servers": {"ours": 7}}})
        );
        assert!(text.find("\"mcp\"") < text.find("\"x\""), "{text}");
    }

    #[test]
    fn a_duplicated_key_on_the_way_is_refused() {
        let doc = JsonDoc::parse(
            b"{\"mcpServers\": {}, \"mcpServers\": {}}",
            Path::new("c.json"),
            None,
        )
        .expect("serde_json accepts duplicates");
        let error = doc
            .render(
                &[edit(&["mcpServers", "ours"], Fragment::Int(1))],
                Path::new("c.json"),
            )
            .expect_err("refused");
        assert!(
            matches!(error, ClientConfigError::DuplicateKey { .. }),
            "{error:?}"
        );
    }

    #[test]
    fn errors_name_the_position_not_the_content() {
        let error = JsonDoc::parse(
            b"{\n  \"token\": \"hunter2-secret\",\n  oops\n}",
            Path::new("c.json"),
            None,
        )
        .err()
        .expect("invalid");
        let ClientConfigError::InvalidJson { line, .. } = &error else {
            panic!("wrong error: {error:?}");
        };
        assert_eq!(*line, 3);
        assert!(!error.to_string().contains("hunter2"), "{error}");
        let error = JsonDoc::parse(b"[1, 2]", Path::new("c.json"), None)
            .err()
            .expect("not an object");
        assert!(error.to_string().contains("an array"), "{error}");
        assert!(JsonDoc::parse(b" \n", Path::new("c.json"), None).is_ok());
    }
}
