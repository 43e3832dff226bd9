//! JSON Schemas that strict clients accept.
//!
//! schemars describes Rust types faithfully, which is more than MCP clients want:
//! `$ref`s into `$defs` trip clients that do not resolve references, and formats such
//! as `uint32` or `double` are not JSON Schema formats, so strict validators reject
//! them. Every schema the framework advertises goes through here.

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value};

/// The dialect every advertised schema declares.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// Formats defined by JSON Schema 2020-12; anything else is dropped.
const STANDARD_FORMATS: &[&str] = &[
    "date-time",
    "date",
    "time",
    "duration",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "uuid",
    "uri-template",
    "json-pointer",
    "relative-json-pointer",
    "regex",
];

/// The schema of a tool's arguments: a closed object.
pub fn input_schema<T: JsonSchema>() -> Map<String, Value> {
    let mut schema = object_schema::<T>();
    schema
        .entry("additionalProperties")
        .or_insert(Value::Bool(false));
    schema
        .entry("properties")
        .or_insert_with(|| Value::Object(Map::new()));
    schema
}

/// The schema of a tool's structured result.
pub fn output_schema<T: JsonSchema>() -> Map<String, Value> {
    object_schema::<T>()
}

fn object_schema<T: JsonSchema>() -> Map<String, Value> {
    let generator = SchemaSettings::draft2020_12()
        .with(|settings| settings.inline_subschemas = true)
        .into_generator();
    let mut value = generator.into_root_schema_for::<T>().to_value();
    strip_nonstandard_formats(&mut value);
    let mut schema = match value {
        Value::Object(map) => map,
        other => {
            let mut map = Map::new();
            map.insert("allOf".into(), Value::Array(vec![other]));
            map
        }
    };
    if schema
        .get("$defs")
        .is_some_and(|defs| defs.as_object().is_some_and(Map::is_empty))
    {
        schema.remove("$defs");
    }
    schema.insert("$schema".into(), Value::String(DIALECT.into()));
    // MCP requires object schemas for tool inputs and outputs.
    schema
        .entry("type")
        .or_insert_with(|| Value::String("object".into()));
    schema
}

/// Removes `format` keywords whose value is not a JSON Schema format.
///
/// Only string-valued `format` keys are keywords; a property *named* `format` has an
/// object value and is left alone.
pub fn strip_nonstandard_formats(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let drop = map
                .get("format")
                .and_then(Value::as_str)
                .is_some_and(|format| !STANDARD_FORMATS.contains(&format));
            if drop {
                map.remove("format");
            }
            map.values_mut().for_each(strip_nonstandard_formats);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nonstandard_formats),
        _ => {}
    }
}

/// Compiles a schema as a strict 2020-12 validator would; the error says why not.
pub fn compile(schema: &Map<String, Value>) -> Result<jsonschema::Validator, String> {
    jsonschema::draft202012::options()
        .should_validate_formats(false)
        .build(&Value::Object(schema.clone()))
        .map_err(|error| error.to_string())
}

/// Every reason `instance` fails `validator`, as `path: message` lines.
pub fn violations(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|error| {
            let path = error.instance_path().to_string();
            let at = if path.is_empty() {
                "arguments".to_owned()
            } else {
                path
            };
            format!("{at}: {error}")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[allow(dead_code)]
    #[derive(Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        /// A small unsigned number.
        count: u32,
        ratio: f64,
    }

    #[allow(dead_code)]
    #[derive(Deserialize, JsonSchema)]
    struct Args {
        inner: Inner,
        /// A property that happens to be called `format`.
        format: Option<String>,
        when: Option<String>,
    }

    #[test]
    fn input_schema_is_closed_inlined_and_standard() {
        let schema = input_schema::<Args>();
        let text = serde_json::to_string(&schema).unwrap();
        assert_eq!(schema["additionalProperties"], Value::Bool(false));
        assert_eq!(schema["$schema"], DIALECT);
        assert!(!text.contains("$ref"), "refs must be inlined: {text}");
        assert!(
            !text.contains("\"uint32\""),
            "non-standard format kept: {text}"
        );
        assert!(
            !text.contains("\"double\""),
            "non-standard format kept: {text}"
        );
        assert!(
            schema["properties"]["format"].is_object(),
            "property named format kept"
        );
        compile(&schema).expect("compiles under 2020-12");
    }

    #[test]
    fn unit_input_is_an_empty_closed_object() {
        let schema = input_schema::<crate::NoInput>();
        assert_eq!(schema["type"], "object");
        assert_eq!(schema["additionalProperties"], Value::Bool(false));
        let validator = compile(&schema).unwrap();
        assert!(validator.is_valid(&serde_json::json!({})));
        assert!(!validator.is_valid(&serde_json::json!({"x": 1})));
    }

    #[test]
    fn violations_name_the_path() {
        let validator = compile(&input_schema::<Args>()).unwrap();
        let errors = violations(
            &validator,
            &serde_json::json!({"inner": {"count": -1, "ratio": 1.0}}),
        );
        assert!(
            errors.iter().any(|e| e.starts_with("/inner/count")),
            "{errors:?}"
        );
    }
}
