//! `server.json` for the MCP registry.

use delx_framework::ProviderDescriptor;
use serde_json::{Value, json};

use super::{ManifestError, distribution};

pub const SCHEMA: &str =
    "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json";

pub fn server_json(descriptor: &ProviderDescriptor) -> Result<Value, ManifestError> {
    let dist = distribution(descriptor)?;
    let variables: Vec<Value> = dist
        .settings
        .iter()
        .map(|key| {
            json!({
                "name": key.name,
                "description": key.description,
                "isRequired": false,
                "format": if key.path { "filepath" } else { "string" },
                "isSecret": key.secret,
            })
        })
        .collect();
    let mut server = json!({
        "$schema": SCHEMA,
        "name": dist.mcp_name,
        "description": format!(
            "Local-first MCP server for {} data: summaries, lists and context for AI agents.",
            descriptor.display_name
        ),
        "repository": {"url": dist.repository, "source": "github"},
        "version": descriptor.version,
        "packages": [{
            "registryType": "cargo",
            "identifier": dist.package,
            "version": descriptor.version,
            "transport": {"type": "stdio"},
            "environmentVariables": variables,
        }],
    });
    if let Some(website) = dist.website {
        server["websiteUrl"] = json!(website);
    }
    Ok(server)
}
