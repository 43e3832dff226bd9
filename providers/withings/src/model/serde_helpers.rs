//! Deserializers for the places where Withings' JSON types drift.
//!
//! The same field changes type between endpoints, between the spec and real
//! responses, and over the years (reference §9 gotchas 3–5, §11): `more` is a bool on
//! v2 endpoints and an int on getmeas, `userid` and `model` are strings or ints, and
//! PHP encodes an empty map as `[]`. Each helper accepts every shape seen and nothing
//! that would silently change a value's meaning.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

/// A value Withings sends as a string in some places and as an integer in others
/// (`userid`, `model`). Serializes back in the shape it arrived in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum StrOrInt {
    Int(i64),
    Str(String),
}

impl StrOrInt {
    /// The integer, also when it arrived as a decimal string (`"12345"`).
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Self::Int(value) => Some(*value),
            Self::Str(text) => text.trim().parse().ok(),
        }
    }

    /// The text, only when it arrived as a string.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Self::Str(text) => Some(text),
            Self::Int(_) => None,
        }
    }
}

impl fmt::Display for StrOrInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Int(value) => write!(f, "{value}"),
            Self::Str(text) => f.write_str(text),
        }
    }
}

/// A flag sent as a bool (v2 endpoints), an int 0/1 (getmeas `more`), a `"0"`/`"1"`
/// or `"true"`/`"false"` string, or null. Use with `#[serde(default)]` so an absent
/// field reads as false, as the real single-page getmeas body requires.
pub fn flag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    deserializer.deserialize_any(FlagVisitor)
}

/// [`flag`] for a field where absence and null mean "not said" rather than false.
pub fn opt_flag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    match Option::<Value>::deserialize(deserializer)? {
        None | Some(Value::Null) => Ok(None),
        Some(value) => flag(value).map(Some).map_err(de::Error::custom),
    }
}

/// An integer that may arrive as an int, a float with no fraction, a decimal string
/// (the spec types getmeas `updatetime` as a string) or null. A fractional float is
/// rounded rather than rejected, so one odd value cannot fail a whole page.
pub fn opt_int<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    deserializer.deserialize_any(IntVisitor)
}

/// A string-or-integer identifier (`userid`) as text.
pub fn string_or_int<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    StrOrInt::deserialize(deserializer).map(|value| value.to_string())
}

/// [`string_or_int`] for a field that may be absent or null.
pub fn opt_string_or_int<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    Option::<StrOrInt>::deserialize(deserializer).map(|value| value.map(|v| v.to_string()))
}

/// An object that arrives as `[]` (or null) when it is empty: getgoals `goals`,
/// intraday `series`, sleep sample maps. A non-empty array is still an error, since
/// it would be a shape nobody has seen.
pub fn object_or_empty_array<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    deserializer.deserialize_any(ObjectOrEmptyArray(PhantomData))
}

/// Writes a number the way upstream JSON would: `1209`, not `1209.0`, when the value
/// has no fraction.
pub fn json_number(value: f64) -> Value {
    if value.fract() == 0.0 && value.abs() < MAX_EXACT_INT {
        Value::from(value as i64)
    } else {
        serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number)
    }
}

/// [`json_number`] as a `serialize_with` for optional floats.
pub fn compact_opt_f64<S: Serializer>(
    value: &Option<f64>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    value.map(json_number).serialize(serializer)
}

/// [`json_number`] as a `serialize_with` for floats.
pub fn compact_f64<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    json_number(*value).serialize(serializer)
}

/// Beyond 2^53 an f64 no longer holds every integer, so it is not written as one.
const MAX_EXACT_INT: f64 = 9_007_199_254_740_992.0;

struct FlagVisitor;

impl<'de> Visitor<'de> for FlagVisitor {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean, an integer 0 or 1, or null")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<bool, E> {
        Ok(value)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<bool, E> {
        Ok(value != 0)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<bool, E> {
        Ok(value != 0)
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<bool, E> {
        match value.trim().to_ascii_lowercase().as_str() {
            "1" | "true" => Ok(true),
            "0" | "false" | "" => Ok(false),
            _ => Err(E::invalid_value(de::Unexpected::Str(value), &self)),
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_none<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

struct IntVisitor;

impl<'de> Visitor<'de> for IntVisitor {
    type Value = Option<i64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer, a decimal string or null")
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Ok(Some(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        i64::try_from(value)
            .map(Some)
            .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(value), &self))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        if value.is_finite() && value.abs() < MAX_EXACT_INT {
            Ok(Some(value.round() as i64))
        } else {
            Err(E::invalid_value(de::Unexpected::Float(value), &self))
        }
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        let text = value.trim();
        if text.is_empty() {
            return Ok(None);
        }
        text.parse()
            .map(Some)
            .map_err(|_| E::invalid_value(de::Unexpected::Str(value), &self))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

struct ObjectOrEmptyArray<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de> + Default> Visitor<'de> for ObjectOrEmptyArray<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object, or an empty array standing for an empty object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
        if seq.next_element::<IgnoredAny>()?.is_some() {
            return Err(de::Error::invalid_length(1, &self));
        }
        Ok(T::default())
    }

    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        Ok(T::default())
    }

    fn visit_none<E: de::Error>(self) -> Result<T, E> {
        Ok(T::default())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_any(self)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize)]
    struct Paged {
        #[serde(default, deserialize_with = "flag")]
        more: bool,
        #[serde(default, deserialize_with = "opt_string_or_int")]
        userid: Option<String>,
        #[serde(default, deserialize_with = "opt_int")]
        updatetime: Option<i64>,
        #[serde(default, deserialize_with = "object_or_empty_array")]
        goals: BTreeMap<String, i64>,
    }

    fn paged(value: Value) -> Paged {
        serde_json::from_value(value).expect("decodes")
    }

    #[test]
    fn more_reads_as_bool_int_string_null_or_absent() {
        assert!(paged(json!({"more": true})).more);
        assert!(!paged(json!({"more": false})).more);
        assert!(paged(json!({"more": 1})).more);
        assert!(!paged(json!({"more": 0})).more);
        assert!(paged(json!({"more": "1"})).more);
        assert!(!paged(json!({"more": null})).more);
        assert!(!paged(json!({})).more, "absent means a single page");
        assert!(serde_json::from_value::<Paged>(json!({"more": "maybe"})).is_err());
    }

    #[test]
    fn userid_reads_as_string_or_int() {
        assert_eq!(
            paged(json!({"userid": 12345})).userid.as_deref(),
            Some("12345")
        );
        assert_eq!(
            paged(json!({"userid": "12345"})).userid.as_deref(),
            Some("12345")
        );
        assert_eq!(paged(json!({})).userid, None);
    }

    #[test]
    fn string_or_int_keeps_its_shape() {
        let int: StrOrInt = serde_json::from_value(json!(10)).unwrap();
        let text: StrOrInt = serde_json::from_value(json!("Body+")).unwrap();
        assert_eq!(int, StrOrInt::Int(10));
        assert_eq!(text.as_text(), Some("Body+"));
        assert_eq!(text.as_int(), None);
        assert_eq!(StrOrInt::Str("42".into()).as_int(), Some(42));
        assert_eq!(serde_json::to_value(&int).unwrap(), json!(10));
        assert_eq!(serde_json::to_value(&text).unwrap(), json!("Body+"));
    }

    #[test]
    fn updatetime_reads_as_int_or_string() {
        assert_eq!(
            paged(json!({"updatetime": 1693651185})).updatetime,
            Some(1693651185)
        );
        assert_eq!(
            paged(json!({"updatetime": "1693651185"})).updatetime,
            Some(1693651185)
        );
        assert_eq!(paged(json!({"updatetime": null})).updatetime, None);
    }

    #[test]
    fn an_empty_array_is_an_empty_object() {
        assert!(paged(json!({"goals": []})).goals.is_empty());
        assert_eq!(
            paged(json!({"goals": {"steps": 10000}})).goals["steps"],
            10000
        );
        assert!(serde_json::from_value::<Paged>(json!({"goals": [1]})).is_err());
    }

    #[test]
    fn numbers_are_written_without_a_needless_fraction() {
        assert_eq!(json_number(1209.0), json!(1209));
        assert_eq!(json_number(-3.0), json!(-3));
        assert_eq!(json_number(1028.559), json!(1028.559));
        assert_eq!(json_number(f64::NAN), Value::Null);
    }
}
