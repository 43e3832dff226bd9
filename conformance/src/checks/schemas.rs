//! Schemas: valid JSON Schema 2020-12, closed inputs that refuse what they do not
//! know, every argument explained, and an output schema so results can be checked.

use serde_json::Value;

use super::result;
use crate::check::{CheckResult, Tier, Verdict};
use crate::surface::Surface;

pub fn check(surface: &Surface) -> Vec<CheckResult> {
    let mut invalid = Vec::new();
    let mut no_output = Vec::new();
    let mut open = Vec::new();
    let mut undocumented = Vec::new();
    for tool in &surface.tools {
        let name = &tool.name;
        let input = Value::Object(tool.input_schema.clone());
        if let Err(error) = jsonschema::draft202012::meta::validate(&input) {
            invalid.push(format!("`{name}` input: {error}"));
        }
        if input.get("type").and_then(Value::as_str) != Some("object") {
            invalid.push(format!("`{name}` input is not an object schema"));
        }
        match &tool.output_schema {
            Some(output) => {
                let output = Value::Object(output.clone());
                if let Err(error) = jsonschema::draft202012::meta::validate(&output) {
                    invalid.push(format!("`{name}` output: {error}"));
                }
            }
            None => no_output.push(format!("`{name}`")),
        }
        if input.get("additionalProperties") != Some(&Value::Bool(false)) {
            open.push(format!("`{name}`"));
        }
        if let Some(properties) = input.get("properties").and_then(Value::as_object) {
            for (argument, schema) in properties {
                let described = schema
                    .get("description")
                    .and_then(Value::as_str)
                    .is_some_and(|text| !text.trim().is_empty());
                if !described {
                    undocumented.push(format!("`{name}.{argument}`"));
                }
            }
        }
    }
    let list = |what: &str, items: Vec<String>| {
        if items.is_empty() {
            Verdict::Pass
        } else {
            Verdict::Fail(format!("{what}: {}", items.join(", ")))
        }
    };
    vec![
        result(
            "schemas.valid",
            Tier::Experimental,
            "input and output schemas are valid JSON Schema 2020-12",
            Verdict::from_problems(invalid),
        ),
        result(
            "schemas.output_declared",
            Tier::RegistryReady,
            "every tool declares an output schema for its structured content",
            list("no output schema", no_output),
        ),
        result(
            "schemas.closed_inputs",
            Tier::AgentReady,
            "inputs set `additionalProperties: false`, so a mistyped argument is refused",
            list("open inputs", open),
        ),
        result(
            "schemas.documented_arguments",
            Tier::AgentReady,
            "every argument has a description",
            list("undocumented", undocumented),
        ),
    ]
}
