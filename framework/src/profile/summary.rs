//! What an agent needs at a glance: a one-line summary and the answers it should
//! still ask for.
//!
//! Sections are open JSON written by many connectors, so the few fields read here
//! are read leniently: a string or a number is a value, blank is missing, a list may
//! also be given as a single string.

use serde_json::{Map, Value};

use super::document::ProfileDocument;

/// Fields without which the assistant cannot tailor advice, in the order to ask.
pub const CRITICAL_FIELDS: [&str; 5] = [
    "preferred_name",
    "timezone",
    "primary_goal",
    "connected_devices",
    "training_weekly_schedule",
];

/// Said when nothing is stored yet.
pub const EMPTY_SUMMARY: &str = "Empty profile: nothing saved yet. Run onboarding to fill it in.";

/// One summary part longer than this is cut: the summary is a single chat line.
const MAX_PART_CHARS: usize = 60;

impl ProfileDocument {
    /// `Ana · goal: sleep repair · devices: Body+, ScanWatch · lang: en`.
    pub fn summary(&self) -> String {
        if self.is_empty() {
            return EMPTY_SUMMARY.to_owned();
        }
        let mut parts = Vec::new();
        if let Some(name) = text(&self.profile, "preferred_name") {
            parts.push(cut(&name));
        }
        if let Some(goal) = text(&self.goals, "primary") {
            parts.push(format!("goal: {}", cut(&goal)));
        }
        let devices = list(&self.devices, "connected");
        if !devices.is_empty() {
            parts.push(format!("devices: {}", cut(&devices.join(", "))));
        }
        if let Some(language) = text(&self.profile, "language") {
            parts.push(format!("lang: {}", cut(&language)));
        }
        if parts.is_empty() {
            return "Profile started, but without a name, goal or devices yet. Run onboarding to complete it."
                .to_owned();
        }
        parts.join(" · ")
    }

    /// The critical fields still missing, named as in [`CRITICAL_FIELDS`].
    pub fn missing_critical(&self) -> Vec<&'static str> {
        let present = [
            text(&self.profile, "preferred_name").is_some(),
            text(&self.profile, "timezone").is_some(),
            text(&self.goals, "primary").is_some(),
            !list(&self.devices, "connected").is_empty(),
            self.training.get("weekly_schedule").is_some_and(is_filled),
        ];
        CRITICAL_FIELDS
            .into_iter()
            .zip(present)
            .filter(|(_, present)| !present)
            .map(|(field, _)| field)
            .collect()
    }
}

fn text(section: &Map<String, Value>, key: &str) -> Option<String> {
    match section.get(key)? {
        Value::String(text) if !text.trim().is_empty() => Some(text.trim().to_owned()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

fn list(section: &Map<String, Value>, key: &str) -> Vec<String> {
    match section.get(key) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|item| match item {
                Value::String(text) if !text.trim().is_empty() => Some(text.trim().to_owned()),
                _ => None,
            })
            .collect(),
        Some(Value::String(text)) if !text.trim().is_empty() => vec![text.trim().to_owned()],
        _ => Vec::new(),
    }
}

/// A schedule may be prose, a list of days or an object of days to sessions.
fn is_filled(value: &Value) -> bool {
    match value {
        Value::String(text) => !text.trim().is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::Object(fields) => !fields.is_empty(),
        Value::Number(_) => true,
        Value::Null | Value::Bool(_) => false,
    }
}

fn cut(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= MAX_PART_CHARS {
        return one_line;
    }
    let mut short: String = one_line.chars().take(MAX_PART_CHARS - 1).collect();
    short.push('…');
    short
}
