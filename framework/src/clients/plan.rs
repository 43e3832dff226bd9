//! What an install changes, decided on the parsed document before any text is touched.
//!
//! Deciding on values first makes "nothing to do" a semantic question (a file is never
//! rewritten for formatting alone), and gives each writer an exact expected document to
//! verify its output against before anything reaches the disk.

use serde_json::Value as Json;
use serde_norway::Value as Yaml;

/// A small value tree, rendered as JSON or YAML by the writers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fragment {
    Str(String),
    Int(i64),
    Bool(bool),
    Seq(Vec<Fragment>),
    Map(Vec<(String, Fragment)>),
}

impl Fragment {
    /// `value` under the keys of `path`, outermost first.
    pub(crate) fn nest(path: &[String], value: &Fragment) -> Fragment {
        path.iter().rev().fold(value.clone(), |inner, key| {
            Fragment::Map(vec![(key.clone(), inner)])
        })
    }

    pub(crate) fn to_json(&self) -> Json {
        match self {
            Self::Str(text) => Json::String(text.clone()),
            Self::Int(number) => Json::from(*number),
            Self::Bool(flag) => Json::Bool(*flag),
            Self::Seq(items) => Json::Array(items.iter().map(Self::to_json).collect()),
            Self::Map(entries) => Json::Object(
                entries
                    .iter()
                    .map(|(key, value)| (key.clone(), value.to_json()))
                    .collect(),
            ),
        }
    }

    pub(crate) fn to_yaml(&self) -> Yaml {
        match self {
            Self::Str(text) => Yaml::String(text.clone()),
            Self::Int(number) => Yaml::from(*number),
            Self::Bool(flag) => Yaml::Bool(*flag),
            Self::Seq(items) => Yaml::Sequence(items.iter().map(Self::to_yaml).collect()),
            Self::Map(entries) => Yaml::Mapping(
                entries
                    .iter()
                    .map(|(key, value)| (Yaml::String(key.clone()), value.to_yaml()))
                    .collect(),
            ),
        }
    }
}

/// Set the value at `path`, creating the mappings on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Edit {
    pub path: Vec<String>,
    pub value: Fragment,
}

/// What a document holds at a path, as far as an edit cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Absent,
    Null,
    Mapping,
    /// Anything else, named for messages ("an array").
    Other(&'static str),
}

/// A key on the way to an edit holds something other than a mapping. The key is the
/// dotted path; the value itself is never quoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ShapeMismatch {
    pub key: String,
    pub found: &'static str,
}

/// A parsed configuration document the plan can query and edit.
pub(crate) trait Document: Clone + PartialEq {
    fn shape(&self, path: &[String]) -> Shape;
    fn string_at(&self, path: &[String]) -> Option<&str>;
    fn bool_at(&self, path: &[String]) -> Option<bool>;
    /// Applies the edit; the plan has checked that every key on the way is absent, null
    /// or a mapping.
    fn apply(&mut self, edit: &Edit);
}

/// The edits that make `base.name` hold our entry. An existing mapping is updated field
/// by field, so anything the user added to our entry (a tool filter, a timeout, another
/// environment variable) survives; `seeded` fields are only written into a new entry.
pub(crate) fn entry_edits(
    doc: &impl Document,
    base: &[String],
    name: &str,
    owned: Vec<(String, Fragment)>,
    env: Vec<(String, Fragment)>,
    seeded: Vec<(String, Fragment)>,
) -> Result<Vec<Edit>, ShapeMismatch> {
    let entry_path = child(base, name);
    check_path(doc, &entry_path)?;
    if doc.shape(&entry_path) != Shape::Mapping {
        let mut fields = owned;
        if !env.is_empty() {
            fields.push(("env".to_owned(), Fragment::Map(env)));
        }
        fields.extend(seeded);
        return Ok(vec![Edit {
            path: entry_path,
            value: Fragment::Map(fields),
        }]);
    }
    let mut edits: Vec<Edit> = owned
        .into_iter()
        .map(|(field, value)| Edit {
            path: child(&entry_path, &field),
            value,
        })
        .collect();
    if !env.is_empty() {
        let env_path = child(&entry_path, "env");
        if doc.shape(&env_path) == Shape::Mapping {
            edits.extend(env.into_iter().map(|(key, value)| Edit {
                path: child(&env_path, &key),
                value,
            }));
        } else {
            edits.push(Edit {
                path: env_path,
                value: Fragment::Map(env),
            });
        }
    }
    Ok(edits)
}

/// One setting at `path`, after checking the keys on the way.
pub(crate) fn setting_edit(
    doc: &impl Document,
    path: Vec<String>,
    value: Fragment,
) -> Result<Edit, ShapeMismatch> {
    check_path(doc, &path)?;
    Ok(Edit { path, value })
}

pub(crate) fn child(path: &[String], key: &str) -> Vec<String> {
    let mut path = path.to_vec();
    path.push(key.to_owned());
    path
}

/// Every proper prefix of `path` must be absent, null or a mapping: we never replace a
/// value of the user's to make room for ours.
fn check_path(doc: &impl Document, path: &[String]) -> Result<(), ShapeMismatch> {
    for end in 1..path.len() {
        let prefix = &path[..end];
        if let Shape::Other(found) = doc.shape(prefix) {
            return Err(ShapeMismatch {
                key: prefix.join("."),
                found,
            });
        }
    }
    Ok(())
}

impl Document for Json {
    fn shape(&self, path: &[String]) -> Shape {
        match json_at(self, path) {
            None => Shape::Absent,
            Some(Json::Null) => Shape::Null,
            Some(Json::Object(_)) => Shape::Mapping,
            Some(other) => Shape::Other(crate::local_files::json_type(other)),
        }
    }

    fn string_at(&self, path: &[String]) -> Option<&str> {
        json_at(self, path)?.as_str()
    }

    fn bool_at(&self, path: &[String]) -> Option<bool> {
        json_at(self, path)?.as_bool()
    }

    fn apply(&mut self, edit: &Edit) {
        let Some((last, parents)) = edit.path.split_last() else {
            return;
        };
        let mut current = self;
        for key in parents {
            current = json_object(current)
                .entry(key.clone())
                .or_insert(Json::Null);
        }
        json_object(current).insert(last.clone(), edit.value.to_json());
    }
}

fn json_at<'a>(doc: &'a Json, path: &[String]) -> Option<&'a Json> {
    path.iter().try_fold(doc, |current, key| current.get(key))
}

/// The object at `value`, turning a null (or, defensively, anything else) into one.
fn json_object(value: &mut Json) -> &mut serde_json::Map<String, Json> {
    if !value.is_object() {
        *value = Json::Object(serde_json::Map::new());
    }
    match value {
        Json::Object(map) => map,
        _ => unreachable!("just made an object"),
    }
}

impl Document for Yaml {
    fn shape(&self, path: &[String]) -> Shape {
        match yaml_at(self, path) {
            None => Shape::Absent,
            Some(Yaml::Null) => Shape::Null,
            Some(Yaml::Mapping(_)) => Shape::Mapping,
            Some(other) => Shape::Other(yaml_type(other)),
        }
    }

    fn string_at(&self, path: &[String]) -> Option<&str> {
        yaml_at(self, path)?.as_str()
    }

    fn bool_at(&self, path: &[String]) -> Option<bool> {
        yaml_at(self, path)?.as_bool()
    }

    fn apply(&mut self, edit: &Edit) {
        let Some((last, parents)) = edit.path.split_last() else {
            return;
        };
        let mut current = self;
        for key in parents {
            current = yaml_mapping(current)
                .entry(Yaml::String(key.clone()))
                .or_insert(Yaml::Null);
        }
        yaml_mapping(current).insert(Yaml::String(last.clone()), edit.value.to_yaml());
    }
}

fn yaml_at<'a>(doc: &'a Yaml, path: &[String]) -> Option<&'a Yaml> {
    path.iter()
        .try_fold(doc, |current, key| current.as_mapping()?.get(key.as_str()))
}

fn yaml_mapping(value: &mut Yaml) -> &mut serde_norway::Mapping {
    if !value.is_mapping() {
        *value = Yaml::Mapping(serde_norway::Mapping::new());
    }
    match value {
        Yaml::Mapping(map) => map,
        _ => unreachable!("just made a mapping"),
    }
}

/// "a string", "a sequence"...: for messages that must name a type, not a value.
pub(crate) fn yaml_type(value: &Yaml) -> &'static str {
    match value {
        Yaml::Null => "null",
        Yaml::Bool(_) => "a boolean",
        Yaml::Number(_) => "a number",
        Yaml::String(_) => "a string",
        Yaml::Sequence(_) => "a sequence",
        Yaml::Mapping(_) => "a mapping",
        Yaml::Tagged(_) => "a tagged value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(keys: &[&str]) -> Vec<String> {
        keys.iter().map(|key| (*key).to_owned()).collect()
    }

    fn owned() -> Vec<(String, Fragment)> {
        vec![
            (
                "command".to_owned(),
                Fragment::Str("/bin/server".to_owned()),
            ),
            ("args".to_owned(), Fragment::Seq(Vec::new())),
        ]
    }

    #[test]
    fn a_missing_entry_is_written_whole_with_its_seeded_fields() {
        let doc: Json = serde_json::json!({"mcpServers": {"other": {"command": "x"}}});
        let seeded = vec![("timeout".to_owned(), Fragment::Int(120))];
        let edits = entry_edits(
            &doc,
            &path(&["mcpServers"]),
            "ours",
            owned(),
            vec![],
            seeded,
        )
        .expect("plans");
        assert_eq!(edits.len(), 1);
        assert_eq!(edits[0].path, path(&["mcpServers", "ours"]));
        let mut expected = doc.clone();
        expected.apply(&edits[0]);
        assert_eq!(
            expected,
            serde_json::json!({"mcpServers": {
                "other": {"command": "x"},
                "ours": {"command": "/bin/server", "args": [], "timeout": 120}
            }})
        );
    }

    #[test]
    fn an_existing_entry_keeps_the_fields_we_do_not_own() {
        let doc: Json = serde_json::json!({"mcpServers": {"ours": {
            "command": "/old", "args": ["x"], "disabled": true, "env": {"KEEP": "1"}
        }}});
        let env = vec![("MODE".to_owned(), Fragment::Str("structured".to_owned()))];
        let seeded = vec![("timeout".to_owned(), Fragment::Int(120))];
        let edits =
            entry_edits(&doc, &path(&["mcpServers"]), "ours", owned(), env, seeded).expect("plans");
        let mut result = doc.clone();
        for edit in &edits {
            result.apply(edit);
        }
        assert_eq!(
            result,
            serde_json::json!({"mcpServers": {"ours": {
                "command": "/bin/server", "args": [], "disabled": true,
                "env": {"KEEP": "1", "MODE": "structured"}
            }}})
        );
    }

    #[test]
    fn a_non_mapping_on_the_way_is_refused() {
        let doc: Json = serde_json::json!({"mcpServers": ["not", "an", "object"]});
        let error = entry_edits(
            &doc,
            &path(&["mcpServers"]),
            "ours",
            owned(),
            vec![],
            vec![],
        )
        .expect_err("refused");
        assert_eq!(
            error,
            ShapeMismatch {
                key: "mcpServers".to_owned(),
                found: "an array"
            }
        );
        let doc: Yaml = serde_norway::from_str("approvals: strict\n").expect("parses");
        let error = setting_edit(&doc, path(&["approvals", "x"]), Fragment::Bool(false))
            .expect_err("refused");
        assert_eq!(error.found, "a string");
    }

    #[test]
    fn null_parents_become_mappings() {
        let mut doc: Yaml = serde_norway::from_str("mcp_servers:\n").expect("parses");
        let edit = setting_edit(
            &doc,
            path(&["mcp_servers", "ours", "command"]),
            Fragment::Int(1),
        )
        .expect("plans");
        doc.apply(&edit);
        assert_eq!(
            doc,
            serde_norway::from_str::<Yaml>("mcp_servers: {ours: {command: 1}}").expect("parses")
        );
        assert_eq!(doc.shape(&path(&["mcp_servers", "ours"])), Shape::Mapping);
    }
}
