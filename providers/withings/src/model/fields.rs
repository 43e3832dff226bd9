//! Open sets of data fields: a workout's or a night's `data`, an intraday sample.
//!
//! Which keys arrive depends on the `data_fields` a request asked for, values are
//! ints, floats or null, and a few are not numbers at all (`night_events`,
//! `core_body_temperature_status`), so the fields stay upstream JSON with typed
//! accessors rather than a struct that would drop what it does not name.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Data fields as sent, keyed by field name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DataFields(pub Map<String, Value>);

impl DataFields {
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.0.get(field)
    }

    /// A numeric field; `None` when absent, null or not a number.
    pub fn number(&self, field: &str) -> Option<f64> {
        self.0.get(field).and_then(Value::as_f64)
    }

    /// A numeric field as an integer, rounding a float.
    pub fn int(&self, field: &str) -> Option<i64> {
        let value = self.0.get(field)?;
        value
            .as_i64()
            .or_else(|| value.as_f64().map(|float| float.round() as i64))
    }

    pub fn text(&self, field: &str) -> Option<&str> {
        self.0.get(field).and_then(Value::as_str)
    }

    /// Every numeric field, by name; null and non-numeric fields are left out.
    pub fn numbers(&self) -> impl Iterator<Item = (&str, f64)> {
        self.0
            .iter()
            .filter_map(|(field, value)| Some((field.as_str(), value.as_f64()?)))
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl From<Map<String, Value>> for DataFields {
    fn from(map: Map<String, Value>) -> Self {
        Self(map)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::DataFields;

    #[test]
    fn fields_read_as_numbers_ints_or_text() {
        let fields: DataFields = serde_json::from_value(json!({
            "calories": 47, "distance": 13.2, "spo2_average": null, "status": "usual"
        }))
        .unwrap();
        assert_eq!(fields.number("calories"), Some(47.0));
        assert_eq!(fields.int("distance"), Some(13));
        assert_eq!(fields.number("spo2_average"), None);
        assert_eq!(fields.number("missing"), None);
        assert_eq!(fields.text("status"), Some("usual"));
        assert_eq!(fields.numbers().count(), 2);
        assert_eq!(fields.len(), 4);
    }
}
