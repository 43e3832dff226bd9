//! Diagnostics every agent relies on before touching data, and a privacy mode on
//! every tool that can hand back upstream records.

use super::result;
use crate::check::{CheckResult, Tier, Verdict};
use crate::surface::Surface;

pub fn check(surface: &Surface) -> Vec<CheckResult> {
    let prefix = surface.prefix().unwrap_or_default();
    let has = |suffix: &str| surface.tool(&format!("{prefix}_{suffix}")).is_some();
    let mut missing = Vec::new();
    for suffix in ["connection_status", "privacy_audit", "agent_manifest"] {
        if !has(suffix) {
            missing.push(format!("`{prefix}_{suffix}`"));
        }
    }
    if !has("capabilities") && !has("data_inventory") {
        missing.push(format!(
            "`{prefix}_capabilities` or `{prefix}_data_inventory`"
        ));
    }
    let mut no_mode = Vec::new();
    for tool in &surface.tools {
        let lists = tool.name.split('_').any(|word| word == "list");
        if !lists {
            continue;
        }
        let modes = tool
            .input_property("privacy_mode")
            .map(|schema| schema.to_string())
            .unwrap_or_default();
        if !(modes.contains("\"raw\"") && modes.contains("\"summary\"")) {
            no_mode.push(format!("`{}`", tool.name));
        }
    }
    vec![
        result(
            "diagnostics.present",
            Tier::AgentReady,
            "connection status, privacy audit, agent manifest, and capabilities or inventory tools",
            if missing.is_empty() {
                Verdict::Pass
            } else {
                Verdict::Fail(format!("missing {}", missing.join(", ")))
            },
        ),
        result(
            "privacy.mode_argument",
            Tier::AgentReady,
            "every list tool takes `privacy_mode` with `summary` and `raw`",
            if no_mode.is_empty() {
                Verdict::Pass
            } else {
                Verdict::Fail(format!("no privacy_mode: {}", no_mode.join(", ")))
            },
        ),
    ]
}
