//! Annotations: clients decide what to confirm with the user from them, so all four
//! are set, and anything that changes or removes data asks for explicit intent.

use super::result;
use crate::check::{CheckResult, Tier, Verdict};
use crate::surface::{Surface, SurfaceTool};

/// Name parts that say a tool changes or removes something.
const MUTATING: &[&str] = &[
    "update", "delete", "remove", "revoke", "clear", "write", "set", "reset", "purge",
];

/// Name parts that say a tool only reads.
const READING: &[&str] = &[
    "list",
    "get",
    "status",
    "summary",
    "capabilities",
    "inventory",
    "manifest",
    "audit",
];

/// The argument that proves the user asked for a mutation.
pub const INTENT: &str = "explicit_user_intent";

pub fn check(surface: &Surface) -> Vec<CheckResult> {
    let mut missing = Vec::new();
    let mut inconsistent = Vec::new();
    let mut ungated = Vec::new();
    for tool in &surface.tools {
        let name = &tool.name;
        let hints = [
            ("readOnlyHint", tool.read_only),
            ("destructiveHint", tool.destructive),
            ("idempotentHint", tool.idempotent),
            ("openWorldHint", tool.open_world),
        ];
        for (hint, value) in hints {
            if value.is_none() {
                missing.push(format!("`{name}` {hint}"));
            }
        }
        let words: Vec<&str> = name.split('_').collect();
        let reads = words.iter().any(|w| READING.contains(w));
        let mutates = words.iter().any(|w| MUTATING.contains(w));
        if reads && !mutates && tool.read_only == Some(false) {
            inconsistent.push(format!("`{name}` reads by its name but is not read-only"));
        }
        if tool.read_only == Some(true) && tool.destructive == Some(true) {
            inconsistent.push(format!("`{name}` is read-only and destructive"));
        }
        let needs_gate =
            tool.destructive == Some(true) || (mutates && tool.read_only != Some(true));
        if needs_gate && !gated(tool) {
            ungated.push(format!("`{name}`"));
        }
    }
    vec![
        result(
            "annotations.complete",
            Tier::RegistryReady,
            "every tool sets readOnly, destructive, idempotent and openWorld hints",
            Verdict::from_problems(missing),
        ),
        result(
            "annotations.consistent",
            Tier::RegistryReady,
            "hints agree with what the tool's name says it does",
            Verdict::from_problems(inconsistent),
        ),
        result(
            "annotations.mutations_gated",
            Tier::AgentReady,
            "tools that change or remove data require `explicit_user_intent` and say so",
            if ungated.is_empty() {
                Verdict::Pass
            } else {
                Verdict::Fail(format!("not gated: {}", ungated.join(", ")))
            },
        ),
    ]
}

/// Requires a boolean `explicit_user_intent` and mentions it, or explicit
/// confirmation, in its description.
fn gated(tool: &SurfaceTool) -> bool {
    let boolean = tool
        .input_property(INTENT)
        .and_then(|schema| schema.get("type"))
        .is_some_and(|kind| kind == "boolean");
    let said = tool.description.as_deref().is_some_and(|text| {
        let text = text.to_lowercase();
        text.contains(INTENT) || text.contains("explicit")
    });
    boolean && tool.requires(INTENT) && said
}
