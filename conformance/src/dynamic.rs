//! Checks that need the connector running: against its own demo backend (the
//! provider's fake API), every tool that can be called with arguments derived from
//! its schema is called, in both response formats, and the answers are judged.

use std::collections::BTreeMap;

use delx_framework::auth::TokenStore;
use delx_framework::{BuildContext, CallError, NullContext, ProviderRegistration, Registry};
use serde_json::{Map, Value, json};

use crate::check::{CheckResult, Tier, Verdict};
use crate::surface::Surface;

/// What a call came back with, as any client can tell.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A result: its structured content and its text.
    Answer { structured: Value, text: String },
    /// `isError`: the model can read what went wrong.
    ToolError(String),
    /// A JSON-RPC error: the model never sees a readable answer.
    ProtocolError(String),
}

/// How the checks reach a connector: in process or over MCP.
#[delx_framework::async_trait]
pub trait Caller: Send + Sync {
    async fn call(&self, tool: &str, arguments: Value) -> Outcome;
}

/// Calls through a registry, as the server would.
pub struct RegistryCaller<'a>(pub &'a Registry);

#[delx_framework::async_trait]
impl Caller for RegistryCaller<'_> {
    async fn call(&self, tool: &str, arguments: Value) -> Outcome {
        match self
            .0
            .call_tool(tool, Some(arguments), &NullContext::default())
            .await
        {
            Ok(result) => Outcome::Answer {
                text: result.text(),
                structured: result.structured,
            },
            Err(CallError::Failed(error)) => Outcome::ToolError(error.to_text()),
            Err(error @ CallError::UnknownTool(_)) => Outcome::ProtocolError(error.to_string()),
        }
    }
}

/// What one call produced, kept for the judgments.
struct Call {
    tool: String,
    markdown: bool,
    outcome: Outcome,
}

/// Runs the dynamic checks for `registration`, whose demo backend they use.
/// Without a demo, they are not applicable.
pub async fn check_dynamic(registration: &ProviderRegistration) -> Vec<CheckResult> {
    let Some(demo) = registration.demo else {
        return not_applicable("the provider has no demo backend to run against");
    };
    let home = match tempfile::tempdir() {
        Ok(home) => home,
        Err(error) => return not_applicable(&format!("no temporary home: {error}")),
    };
    let ctx = BuildContext::new(BTreeMap::new(), Some(home.path().to_owned()));
    let running = match (demo.start)(ctx.clone()).await {
        Ok(running) => running,
        Err(error) => {
            return failed_all(&format!("the demo backend did not start: {error}"));
        }
    };
    let ctx = ctx.with_env(running.env.clone());
    let registry = match Registry::from_registrations([registration], &ctx) {
        Ok(registry) => registry,
        Err(error) => return failed_all(&format!("the provider did not build: {error}")),
    };
    let mut canaries: Vec<String> = registry
        .providers()
        .iter()
        .flat_map(|provider| provider.secrets())
        .filter(|secret| secret.len() >= 8)
        .collect();
    let tokens = TokenStore::new(
        home.path()
            .join(registration.descriptor.home_dir)
            .join("tokens.json"),
    );
    if let Ok(tokens) = tokens.load() {
        canaries.push(tokens.access_token.clone());
        canaries.extend(tokens.refresh_token.clone());
    }
    let surface = Surface::from_registry(&registry);
    let results = run_checks(&surface, &RegistryCaller(&registry), &canaries).await;
    drop(running);
    results
}

/// The dynamic checks over any caller. Canaries are the secrets to watch for; with
/// none, the secret check is not applicable.
pub async fn run_checks(
    surface: &Surface,
    caller: &dyn Caller,
    canaries: &[String],
) -> Vec<CheckResult> {
    let mut calls = Vec::new();
    let mut skipped = Vec::new();
    let mut protocol_errors = Vec::new();
    for tool in &surface.tools {
        let name = tool.name.as_str();
        // A bad argument must come back as a tool error the model can read.
        let bogus = json!({"conformance_unknown_argument": true});
        match caller.call(name, bogus).await {
            Outcome::ToolError(_) => {}
            Outcome::ProtocolError(error) => protocol_errors.push(format!("{name}: {error}")),
            Outcome::Answer { .. } => {
                protocol_errors.push(format!("{name} accepted an unknown argument"))
            }
        }
        if tool.destructive != Some(false) || tool.read_only != Some(true) {
            skipped.push(format!("{name} (changes state)"));
            continue;
        }
        let Some(arguments) = minimal_arguments(&tool.input_schema) else {
            skipped.push(format!("{name} (needs values from another call)"));
            continue;
        };
        let formats: &[&str] = if tool.input_property("response_format").is_some() {
            &["markdown", "json"]
        } else {
            &["markdown"]
        };
        for format in formats {
            let mut arguments = arguments.clone();
            if let Some(args) = arguments.as_object_mut()
                && tool.input_property("response_format").is_some()
            {
                args.insert("response_format".into(), json!(format));
            }
            calls.push(Call {
                tool: name.to_owned(),
                markdown: *format == "markdown",
                outcome: caller.call(name, arguments).await,
            });
        }
    }
    let mut results = judge(surface, &calls, &skipped, protocol_errors, canaries);
    results.push(upstream_wins(surface, caller).await);
    results.push(agent_manifest(surface, caller).await);
    results
}

/// The agent manifest is what an agent reads first: it must name where to start
/// and every tool it may use.
async fn agent_manifest(surface: &Surface, caller: &dyn Caller) -> CheckResult {
    let verdict = match surface
        .tools
        .iter()
        .find(|tool| tool.name.ends_with("_agent_manifest"))
    {
        None => Verdict::Fail("no `*_agent_manifest` tool".into()),
        Some(tool) => match caller
            .call(&tool.name, json!({"response_format": "json"}))
            .await
        {
            Outcome::Answer { structured, .. } => {
                let listed = |key: &str| {
                    structured
                        .get(key)
                        .and_then(Value::as_array)
                        .is_some_and(|items| !items.is_empty())
                };
                let missing: Vec<String> = ["recommended_first_calls", "standard_tools"]
                    .into_iter()
                    .filter(|key| !listed(key))
                    .map(|key| format!("`{key}` is missing or empty"))
                    .collect();
                Verdict::from_problems(missing)
            }
            Outcome::ToolError(error) | Outcome::ProtocolError(error) => {
                Verdict::Fail(format!("`{}` failed: {error}", tool.name))
            }
        },
    };
    result(
        "dynamic.agent_manifest",
        Tier::AgentReady,
        "the agent manifest lists first calls and standard tools",
        verdict,
    )
}

/// In `structured` mode a connector adds decoded fields to each upstream record; where
/// a name collides, the upstream value must win, so an agent never reads an alias
/// that contradicts the source.
async fn upstream_wins(surface: &Surface, caller: &dyn Caller) -> CheckResult {
    let mut compared = 0;
    let mut problems = Vec::new();
    for tool in &surface.tools {
        let modes = tool
            .input_property("privacy_mode")
            .map(Value::to_string)
            .unwrap_or_default();
        if !(modes.contains("\"raw\"") && modes.contains("\"structured\"")) {
            continue;
        }
        let Some(arguments) = minimal_arguments(&tool.input_schema) else {
            continue;
        };
        let mut records = Vec::new();
        for mode in ["raw", "structured"] {
            let mut arguments = arguments.clone();
            if let Some(args) = arguments.as_object_mut() {
                args.insert("privacy_mode".into(), json!(mode));
            }
            match caller.call(&tool.name, arguments).await {
                Outcome::Answer { structured, .. } => records.push(
                    structured
                        .get("records")
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default(),
                ),
                _ => records.push(Vec::new()),
            }
        }
        let (raw, structured) = (&records[0], &records[1]);
        if raw.is_empty() || raw.len() != structured.len() {
            continue;
        }
        compared += 1;
        for (upstream, shown) in raw.iter().zip(structured) {
            let (Some(upstream), Some(shown)) = (upstream.as_object(), shown.as_object()) else {
                continue;
            };
            if let Some((key, _)) = upstream
                .iter()
                .find(|(key, value)| shown.get(*key) != Some(value))
            {
                problems.push(format!(
                    "`{}`: structured `{key}` differs from upstream",
                    tool.name
                ));
                break;
            }
        }
    }
    result(
        "dynamic.upstream_wins",
        Tier::AgentReady,
        "structured records keep every upstream field as Withings or the source sent it",
        if compared == 0 {
            Verdict::NotApplicable(
                "no tool returned records in both raw and structured mode".into(),
            )
        } else {
            Verdict::from_problems(problems)
        },
    )
}

fn judge(
    surface: &Surface,
    calls: &[Call],
    skipped: &[String],
    protocol_errors: Vec<String>,
    canaries: &[String],
) -> Vec<CheckResult> {
    let failures: Vec<String> = calls
        .iter()
        .filter_map(|call| match &call.outcome {
            Outcome::Answer { structured, .. } => mismatch(surface, &call.tool, structured),
            Outcome::ToolError(error) | Outcome::ProtocolError(error) => {
                Some(format!("{}: {error}", call.tool))
            }
        })
        .collect();
    let leaks: Vec<String> = calls
        .iter()
        .filter(|call| {
            let text = match &call.outcome {
                Outcome::Answer { structured, text } => format!("{structured}{text}"),
                Outcome::ToolError(error) | Outcome::ProtocolError(error) => error.clone(),
            };
            canaries.iter().any(|canary| text.contains(canary.as_str()))
        })
        .map(|call| call.tool.clone())
        .collect();
    let messy: Vec<String> = calls
        .iter()
        .filter_map(|call| match &call.outcome {
            Outcome::Answer { text, .. } if call.markdown && !clean_markdown(text) => {
                Some(call.tool.clone())
            }
            _ => None,
        })
        .collect();
    let raw_by_default: Vec<String> = calls
        .iter()
        .filter_map(|call| match &call.outcome {
            Outcome::Answer { structured, .. }
                if structured.get("privacy_mode") == Some(&json!("raw")) =>
            {
                Some(call.tool.clone())
            }
            _ => None,
        })
        .collect();
    let evidence = |problems: Vec<String>| {
        let mut problems = problems;
        problems.sort();
        problems.dedup();
        Verdict::from_problems(problems)
    };
    vec![
        result(
            "dynamic.tools_succeed",
            Tier::RegistryReady,
            "every read-only tool answers its demo backend with a result matching its output schema",
            if calls.is_empty() {
                Verdict::NotApplicable(format!("no tool could be called: {}", skipped.join(", ")))
            } else {
                evidence(failures)
            },
        ),
        result(
            "dynamic.argument_errors_are_tool_errors",
            Tier::RegistryReady,
            "an unknown argument comes back as a tool error, not a protocol error or a success",
            evidence(protocol_errors),
        ),
        result(
            "dynamic.no_secret_in_output",
            Tier::AgentReady,
            "configured secrets and stored tokens never appear in a result or an error",
            if canaries.is_empty() {
                Verdict::NotApplicable("no secret to watch for".into())
            } else {
                evidence(leaks)
            },
        ),
        result(
            "dynamic.raw_only_on_request",
            Tier::AgentReady,
            "no result is in `raw` privacy mode unless asked for",
            evidence(raw_by_default),
        ),
        result(
            "dynamic.markdown_is_chat_safe",
            Tier::AgentReady,
            "markdown has no pipe tables and no raw JSON dumps",
            evidence(messy),
        ),
    ]
}

/// How `structured` breaks the tool's declared output schema, if it does: a client
/// that trusts the schema would misread it.
fn mismatch(surface: &Surface, tool: &str, structured: &Value) -> Option<String> {
    let schema = surface.tool(tool)?.output_schema.as_ref()?;
    let validator = jsonschema::validator_for(&Value::Object(schema.clone())).ok()?;
    let problems: Vec<String> = validator
        .iter_errors(structured)
        .take(3)
        .map(|error| error.to_string())
        .collect();
    (!problems.is_empty()).then(|| {
        format!(
            "{tool}: the result does not match its output schema: {}",
            problems.join("; ")
        )
    })
}

/// Arguments for the required properties a schema alone can fill: enums, numbers,
/// booleans other than intent. `None` when a required value must come from elsewhere
/// (an id, a code).
fn minimal_arguments(schema: &Map<String, Value>) -> Option<Value> {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut arguments = Map::new();
    for name in required {
        // An identifier names something that exists upstream: only another call knows one.
        if name.ends_with("id") {
            return None;
        }
        let property = schema.get("properties")?.get(name)?;
        let value = if let Some(first) = property.get("enum").and_then(|e| e.get(0)) {
            first.clone()
        } else {
            match property.get("type").and_then(Value::as_str)? {
                "integer" | "number" => property.get("minimum").cloned().unwrap_or(json!(1)),
                _ => return None,
            }
        };
        arguments.insert(name.to_owned(), value);
    }
    Some(Value::Object(arguments))
}

/// No line of a pipe table, no JSON object or fenced JSON dumped as text.
fn clean_markdown(text: &str) -> bool {
    !text.lines().any(|line| {
        let line = line.trim_start();
        (line.starts_with('|') && line.matches('|').count() >= 2)
            || line.starts_with("```json")
            || line.starts_with("{\"")
    })
}

fn result(
    id: &'static str,
    tier: Tier,
    requirement: &'static str,
    verdict: Verdict,
) -> CheckResult {
    CheckResult::new(id, tier, requirement, verdict)
}

const IDS: [(&str, Tier, &str); 7] = [
    (
        "dynamic.tools_succeed",
        Tier::RegistryReady,
        "tools answer their demo backend",
    ),
    (
        "dynamic.argument_errors_are_tool_errors",
        Tier::RegistryReady,
        "bad arguments are tool errors",
    ),
    (
        "dynamic.no_secret_in_output",
        Tier::AgentReady,
        "no secret in any output",
    ),
    (
        "dynamic.raw_only_on_request",
        Tier::AgentReady,
        "raw only on request",
    ),
    (
        "dynamic.markdown_is_chat_safe",
        Tier::AgentReady,
        "chat-safe markdown",
    ),
    (
        "dynamic.upstream_wins",
        Tier::AgentReady,
        "upstream fields win over aliases",
    ),
    (
        "dynamic.agent_manifest",
        Tier::AgentReady,
        "the agent manifest lists first calls and standard tools",
    ),
];

fn not_applicable(why: &str) -> Vec<CheckResult> {
    IDS.iter()
        .map(|(id, tier, requirement)| {
            result(id, *tier, requirement, Verdict::NotApplicable(why.into()))
        })
        .collect()
}

fn failed_all(why: &str) -> Vec<CheckResult> {
    IDS.iter()
        .map(|(id, tier, requirement)| result(id, *tier, requirement, Verdict::Fail(why.into())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_with_tables_or_json_is_not_chat_safe() {
        assert!(clean_markdown("**Title**\n- a: 1\n- b: 2"));
        assert!(!clean_markdown("| a | b |\n|---|---|"));
        assert!(!clean_markdown("```json\n{}\n```"));
        assert!(!clean_markdown("{\"a\": 1}"));
    }

    #[test]
    fn arguments_are_derived_only_when_the_schema_suffices() {
        let schema = json!({"properties": {"kind": {"enum": ["weight", "sleep"]}, "n": {"type": "integer", "minimum": 3}},
                            "required": ["kind", "n"]});
        let Value::Object(schema) = schema else {
            unreachable!()
        };
        assert_eq!(
            minimal_arguments(&schema),
            Some(json!({"kind": "weight", "n": 3}))
        );
        let needs_id =
            json!({"properties": {"signalid": {"type": "integer"}}, "required": ["signalid"]});
        let Value::Object(needs_id) = needs_id else {
            unreachable!()
        };
        assert_eq!(minimal_arguments(&needs_id), None);
    }
}
