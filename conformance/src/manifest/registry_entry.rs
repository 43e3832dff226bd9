//! The provider's entry in the Delx Wellness `registry.json` (its `connectors[]`).

use delx_framework::privacy::PrivacyMode;
use delx_framework::{ProviderDescriptor, Registry};
use serde_json::{Value, json};

use super::{ManifestError, distribution};
use crate::Report;

/// The version of the shared context contracts the checks hold connectors to.
pub const CONTEXT_CONTRACT_VERSION: &str = "delx-wellness-context/v1";

pub fn registry_entry(
    descriptor: &ProviderDescriptor,
    registry: &Registry,
    report: &Report,
) -> Result<Value, ManifestError> {
    let dist = distribution(descriptor)?;
    let prefix = format!("{}_", descriptor.id);
    let has = |suffix: &str| {
        registry
            .tools()
            .any(|t| t.name == format!("{prefix}{suffix}"))
    };
    let mut signals: Vec<String> = descriptor
        .data_categories
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    for summary in ["daily_summary", "weekly_summary", "wellness_context"] {
        if has(summary) {
            signals.push(summary.to_owned());
        }
    }
    let passed = report
        .checks
        .iter()
        .filter(|c| !c.verdict.is_fail())
        .count();
    let readiness = (100 * passed).checked_div(report.checks.len()).unwrap_or(0);
    let mut quality = json!({
        "tier": report.tier.map(|tier| tier.as_str()),
        "boundary_contract": dist.boundary_contract,
        "privacy_audit_tool": has("privacy_audit"),
        "connection_status_tool": has("connection_status"),
        "agent_manifest": has("agent_manifest"),
        "notes": format!(
            "Generated from the code by `{} manifest registry`; tier from its conformance checks.",
            dist.package
        ),
    });
    if has("wellness_context") {
        quality["context_contract_version"] = json!(CONTEXT_CONTRACT_VERSION);
    }
    Ok(json!({
        "id": descriptor.id,
        "name": descriptor.display_name,
        "status": "active",
        "repository": dist.repository,
        "package": dist.package,
        "agentReadiness": readiness,
        "transport": ["stdio", "streamable_http"],
        "auth_model": dist.auth_summary,
        "local_storage": format!("~/{}/", descriptor.home_dir),
        "entrypoint": dist.package,
        "signals": signals,
        "privacy_default": PrivacyMode::default(),
        "recommended_handoffs": dist.recommended_handoffs,
        "mutation_gate": "",
        "quality": quality,
        "notes": dist.notes,
    }))
}
