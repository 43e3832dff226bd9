//! The shared `wellness_context` contract: stable names other Delx connectors read,
//! bounded scores, and a data-quality block.

use serde_json::Value;

use super::result;
use crate::check::{CheckResult, Tier, Verdict};
use crate::surface::Surface;

/// Fields the contract requires of every `wellness_context`.
const REQUIRED: &[&str] = &[
    "source",
    "recent_training_load",
    "soreness",
    "injury_flags",
    "notes",
    "data_quality",
];
const DATA_QUALITY: &[&str] = &["completeness", "confidence", "warnings"];
/// Scores the contract bounds to 0..=100.
const SCORES: &[&str] = &[
    "recovery_score",
    "readiness_score",
    "sleep_score",
    "body_battery",
];

pub fn check(surface: &Surface) -> Vec<CheckResult> {
    let tool = surface
        .tools
        .iter()
        .find(|tool| tool.name.ends_with("_wellness_context"));
    let verdict = match tool {
        None => Verdict::Fail("no `*_wellness_context` tool".into()),
        Some(tool) => match &tool.output_schema {
            None => Verdict::Fail(format!("`{}` has no output schema", tool.name)),
            Some(schema) => Verdict::from_problems(problems(schema)),
        },
    };
    vec![result(
        "context.wellness_contract",
        Tier::ContextReady,
        "a `wellness_context` tool whose output carries the contract's fields, bounded scores and data quality",
        verdict,
    )]
}

fn problems(schema: &serde_json::Map<String, Value>) -> Vec<String> {
    let properties = schema.get("properties").and_then(Value::as_object);
    let Some(properties) = properties else {
        return vec!["the output schema has no properties".into()];
    };
    let mut problems: Vec<String> = REQUIRED
        .iter()
        .filter(|field| !properties.contains_key(**field))
        .map(|field| format!("no `{field}`"))
        .collect();
    if let Some(quality) = properties
        .get("data_quality")
        .and_then(|q| q.get("properties"))
        .and_then(Value::as_object)
    {
        for field in DATA_QUALITY {
            if !quality.contains_key(*field) {
                problems.push(format!("no `data_quality.{field}`"));
            }
        }
    }
    let load = properties
        .get("recent_training_load")
        .map(Value::to_string)
        .unwrap_or_default();
    for level in ["low", "normal", "high", "unknown"] {
        if properties.contains_key("recent_training_load")
            && !load.contains(&format!("\"{level}\""))
        {
            problems.push(format!("`recent_training_load` lacks `{level}`"));
        }
    }
    for score in SCORES {
        if let Some(schema) = properties.get(*score) {
            let bounded = schema.get("minimum") == Some(&Value::from(0))
                && schema.get("maximum") == Some(&Value::from(100));
            if !bounded {
                problems.push(format!("`{score}` is not bounded to 0..=100"));
            }
        }
    }
    problems
}
