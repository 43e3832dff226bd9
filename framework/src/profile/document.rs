//! The profile document as it sits in `profile.json`.
//!
//! Every Delx connector reads and writes this one file, each knowing a different
//! subset of fields, so sections stay open JSON objects: a connector must carry the
//! fields it does not understand through a round trip untouched, or two connectors
//! would keep erasing each other's answers.

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::local_files::json_type;

/// Identifies the document format; files with any other value are not ours to read.
pub const SCHEMA: &str = "delx-wellness-profile/v1";
/// The `version` written beside [`SCHEMA`], for readers that only look at numbers.
pub const VERSION: u32 = 1;

/// One of the object sections of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Section {
    Profile,
    Goals,
    Devices,
    Training,
    Nutrition,
    Preferences,
    Safety,
}

impl Section {
    /// In document order, which is also the order updates are reported in.
    pub const ALL: [Self; 7] = [
        Self::Profile,
        Self::Goals,
        Self::Devices,
        Self::Training,
        Self::Nutrition,
        Self::Preferences,
        Self::Safety,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Profile => "profile",
            Self::Goals => "goals",
            Self::Devices => "devices",
            Self::Training => "training",
            Self::Nutrition => "nutrition",
            Self::Preferences => "preferences",
            Self::Safety => "safety",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|section| section.name() == name)
    }
}

/// The shared Delx Wellness profile.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ProfileDocument {
    /// Always `delx-wellness-profile/v1`.
    pub schema: String,
    pub version: u32,
    /// The connector that wrote the file last (empty before the first write).
    pub generated_by: String,
    /// Name, language, time zone, units, body basics.
    pub profile: Map<String, Value>,
    pub goals: Map<String, Value>,
    pub devices: Map<String, Value>,
    pub training: Map<String, Value>,
    pub nutrition: Map<String, Value>,
    /// How the assistant should talk and behave.
    pub preferences: Map<String, Value>,
    /// Injuries, pain and medical constraints to stay conservative around.
    pub safety: Map<String, Value>,
    pub notes: String,
    /// RFC 3339; absent until the first write.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// Top-level fields a newer connector wrote, carried through unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Default for ProfileDocument {
    fn default() -> Self {
        Self {
            schema: SCHEMA.to_owned(),
            version: VERSION,
            generated_by: String::new(),
            profile: Map::new(),
            goals: Map::new(),
            devices: Map::new(),
            training: Map::new(),
            nutrition: Map::new(),
            preferences: Map::new(),
            safety: Map::new(),
            notes: String::new(),
            updated_at: None,
            extra: Map::new(),
        }
    }
}

/// Why a parsed file cannot be used as a v1 document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decode {
    /// Not an object, or an object whose `schema` is something else (shown).
    OtherSchema(String),
    /// A v1 document with a field of the wrong type.
    Shape {
        field: &'static str,
        found: &'static str,
    },
}

impl ProfileDocument {
    pub fn section(&self, section: Section) -> &Map<String, Value> {
        match section {
            Section::Profile => &self.profile,
            Section::Goals => &self.goals,
            Section::Devices => &self.devices,
            Section::Training => &self.training,
            Section::Nutrition => &self.nutrition,
            Section::Preferences => &self.preferences,
            Section::Safety => &self.safety,
        }
    }

    pub fn section_mut(&mut self, section: Section) -> &mut Map<String, Value> {
        match section {
            Section::Profile => &mut self.profile,
            Section::Goals => &mut self.goals,
            Section::Devices => &mut self.devices,
            Section::Training => &mut self.training,
            Section::Nutrition => &mut self.nutrition,
            Section::Preferences => &mut self.preferences,
            Section::Safety => &mut self.safety,
        }
    }

    /// Nothing a person said is stored yet.
    pub fn is_empty(&self) -> bool {
        Section::ALL
            .into_iter()
            .all(|section| self.section(section).is_empty())
            && self.notes.trim().is_empty()
    }

    /// Reads a parsed file. Missing sections are empty and a `null` one counts as
    /// missing, since other connectors write partial files; a section of another type
    /// is an error rather than a silent reset, so the file is never overwritten with
    /// less than it held.
    pub(crate) fn from_value(value: Value) -> Result<Self, Decode> {
        let Value::Object(mut map) = value else {
            return Err(Decode::OtherSchema(json_type(&value).to_owned()));
        };
        match map.get("schema") {
            Some(Value::String(schema)) if schema == SCHEMA => {}
            Some(Value::String(schema)) => return Err(Decode::OtherSchema(shown(schema))),
            Some(other) => return Err(Decode::OtherSchema(json_type(other).to_owned())),
            None => return Err(Decode::OtherSchema("none".to_owned())),
        }
        map.remove("schema");
        map.remove("version");
        let mut document = Self {
            generated_by: take_string(&mut map, "generated_by")?.unwrap_or_default(),
            notes: take_string(&mut map, "notes")?.unwrap_or_default(),
            updated_at: take_string(&mut map, "updated_at")?,
            ..Self::default()
        };
        for section in Section::ALL {
            match map.remove(section.name()) {
                None | Some(Value::Null) => {}
                Some(Value::Object(fields)) => *document.section_mut(section) = fields,
                Some(other) => {
                    return Err(Decode::Shape {
                        field: section.name(),
                        found: json_type(&other),
                    });
                }
            }
        }
        document.extra = map;
        Ok(document)
    }

    /// Applies a checked patch: section fields are merged one by one (`null` removes
    /// one), notes are replaced. Returns the names of the parts it touched.
    pub(crate) fn apply(&mut self, patch: &super::guard::CheckedPatch) -> Vec<&'static str> {
        let mut touched = Vec::new();
        for (section, fields) in &patch.sections {
            let stored = self.section_mut(*section);
            for (key, value) in fields {
                if value.is_null() {
                    stored.remove(key);
                } else {
                    stored.insert(key.clone(), value.clone());
                }
            }
            touched.push(section.name());
        }
        if let Some(notes) = &patch.notes {
            self.notes.clone_from(notes);
            touched.push("notes");
        }
        touched
    }
}

fn take_string(
    map: &mut Map<String, Value>,
    field: &'static str,
) -> Result<Option<String>, Decode> {
    match map.remove(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(other) => Err(Decode::Shape {
            field,
            found: json_type(&other),
        }),
    }
}

/// A foreign schema name, bounded: it is shown in errors and comes from a file.
fn shown(schema: &str) -> String {
    const MAX_CHARS: usize = 60;
    let mut text: String = schema.chars().take(MAX_CHARS).collect();
    if schema.chars().count() > MAX_CHARS {
        text.push('…');
    }
    format!("{text:?}")
}
