//! What a connector says about itself, and what it measures about this machine.
//!
//! Agents decide what to call from a connector's own description, and people decide
//! whether to trust it from its audit, so both must be true of the running process:
//! - the static facts come from the [`ProviderDescriptor`] plus a small [`Catalog`]
//!   the provider writes once (which tool serves which data category, the first
//!   calls, troubleshooting);
//! - every tool and resource name comes from the [`Surface`] the provider really
//!   serves, so a description cannot advertise a tool that is gone;
//! - the privacy audit reads file modes and the transport as they are now, rather
//!   than repeating what the code intends.
//!
//! Nothing here calls an upstream API, and every path is shown relative to `~`.

mod audit;
mod cache;
mod capabilities;
mod inventory;
mod manifest;

use std::path::Path;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::Serialize;

use crate::provider::ProviderDescriptor;
use crate::resource::{Resource, ResourceSpecUri};
use crate::tool::{DynTool, ToolSpec};

pub use audit::{
    AuditInput, EntryKind, FileCheck, Finding, PrivacyAudit, PrivacyModeInEffect, RedactionReport,
    SecretSetting, SettingSource, Severity, TransportKind, TransportReport, Watched, audit,
};
pub use cache::{CacheStatus, HistoryDomain};
pub use capabilities::{
    ApiBoundary, AuthSummary, Capabilities, DataCategoryEntry, PrivacyModeGuide, capabilities,
};
pub use inventory::{DataInventory, InventoryKind, InventoryTotals, inventory};
pub use manifest::{
    AgentClient, AgentManifest, ClientSetup, ManifestHost, SnippetFormat, TroubleshootingEntry,
    manifest,
};

/// The provider-written half of the metadata: what the descriptor cannot say.
#[derive(Debug)]
pub struct Catalog {
    pub descriptor: &'static ProviderDescriptor,
    /// The binary users run (`withings-mcp`), for install and fix commands.
    pub command: &'static str,
    /// The key MCP clients list the server under (`withings`); Hermes builds tool
    /// names from it.
    pub server_name: &'static str,
    /// One entry per id in the descriptor's `data_categories`.
    pub categories: &'static [DataCategory],
    /// What the connector deliberately does not offer, in plain words.
    pub excluded: &'static [&'static str],
    /// Where tokens live and how they are protected, for people.
    pub token_storage: &'static str,
    pub redirect_uri: Option<&'static str>,
    /// The tools an agent should start with, in order.
    pub first_tools: &'static [&'static str],
    /// The provider's steps for an agent, in order.
    pub agent_flow: &'static [&'static str],
    /// Rules beyond the ones every connector shares (see [`manifest`]).
    pub agent_rules: &'static [&'static str],
    pub troubleshooting: &'static [Troubleshooting],
    /// The server's variable holding the HTTP bearer token (`WITHINGS_MCP_TOKEN`).
    pub http_token_variable: &'static str,
}

/// A data category and the tools that read it.
#[derive(Debug, Clone, Copy)]
pub struct DataCategory {
    /// The id from the descriptor (`blood_pressure`).
    pub id: &'static str,
    pub name: &'static str,
    /// Signals an agent can expect, in plain words.
    pub examples: &'static [&'static str],
    pub tools: &'static [&'static str],
}

/// A symptom a user or agent may meet, and what to do about it.
#[derive(Debug, Clone, Copy)]
pub struct Troubleshooting {
    pub symptom: &'static str,
    pub action: &'static str,
}

/// What a provider serves right now: the only source of tool and resource names.
#[derive(Debug, Clone, Default)]
pub struct Surface {
    /// Sorted by name.
    pub tools: Vec<ToolSpec>,
    /// Static URIs and templates, sorted.
    pub resources: Vec<String>,
}

impl Surface {
    pub fn new(tools: &[Arc<dyn DynTool>], resources: &[Arc<dyn Resource>]) -> Self {
        let mut tools: Vec<ToolSpec> = tools.iter().map(|tool| tool.spec()).collect();
        tools.sort_by_key(|spec| spec.name);
        let mut resources: Vec<String> = resources
            .iter()
            .map(|resource| match resource.spec().uri {
                ResourceSpecUri::Static(uri) => uri,
                ResourceSpecUri::Template(template) => template.as_str().to_owned(),
            })
            .collect();
        resources.sort();
        Self { tools, resources }
    }

    /// Every tool name, sorted.
    pub fn tool_names(&self) -> Vec<String> {
        self.tools.iter().map(|spec| spec.name.to_owned()).collect()
    }

    pub fn has_tool(&self, name: &str) -> bool {
        self.tools.iter().any(|spec| spec.name == name)
    }

    /// Tools that read the user's data upstream: read-only and open-world. These
    /// are the ones a category must name.
    pub fn data_tools(&self) -> impl Iterator<Item = &ToolSpec> {
        self.tools
            .iter()
            .filter(|spec| spec.annotations.read_only && spec.annotations.open_world)
    }

    /// `names` without the ones not served, keeping their order: a catalog entry for
    /// a tool that is not registered (yet) must not reach an agent.
    fn served(&self, names: &[&str]) -> Vec<String> {
        names
            .iter()
            .filter(|name| self.has_tool(name))
            .map(|name| (*name).to_owned())
            .collect()
    }
}

/// A link shown to people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Link {
    pub label: String,
    pub url: String,
}

fn links(descriptor: &ProviderDescriptor) -> Vec<Link> {
    descriptor
        .links
        .iter()
        .map(|link| Link {
            label: link.label.to_owned(),
            url: link.url.to_owned(),
        })
        .collect()
}

/// `path` for an output: under the home directory it starts with `~`, so outputs
/// show where a file is without saying whose home it is in.
pub fn tilde(path: &Path, home: Option<&Path>) -> String {
    match home.and_then(|home| path.strip_prefix(home).ok()) {
        Some(rest) if rest.as_os_str().is_empty() => "~".to_owned(),
        Some(rest) => format!("~/{}", rest.display()),
        None => path.display().to_string(),
    }
}

/// Replaces the home directory inside free text (a generated snippet), in its plain
/// and its JSON-escaped spelling.
fn tilde_text(text: &str, home: Option<&Path>) -> String {
    let Some(home) = home.and_then(Path::to_str).filter(|home| home.len() > 1) else {
        return text.to_owned();
    };
    let escaped = serde_json::to_string(home)
        .ok()
        .and_then(|quoted| {
            quoted
                .strip_prefix('"')
                .and_then(|rest| rest.strip_suffix('"'))
                .map(str::to_owned)
        })
        .unwrap_or_else(|| home.to_owned());
    text.replace(&escaped, "~").replace(home, "~")
}

fn owned(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::provider::{AuthModel, ProviderLink};
    use crate::tool::ToolAnnotations;
    use serde_json::Map;

    pub static DESCRIPTOR: ProviderDescriptor = ProviderDescriptor {
        id: "acme",
        display_name: "Acme",
        home_dir: ".acme-mcp",
        env_prefix: "ACME",
        scopes: &["read.sleep", "read.steps"],
        auth_model: AuthModel::OAuth2AuthorizationCode,
        api_boundary: "Only the Acme API, with the user's own token.",
        data_categories: &["sleep", "steps"],
        signals: &["sleep_duration", "steps"],
        links: &[ProviderLink {
            label: "Acme API",
            url: "https://acme.example/api",
        }],
        version: "1.2.3",
        instructions: "",
        distribution: None,
    };

    pub static CATALOG: Catalog = Catalog {
        descriptor: &DESCRIPTOR,
        command: "acme-mcp",
        server_name: "acme",
        categories: &[
            DataCategory {
                id: "sleep",
                name: "Sleep",
                examples: &["duration", "stages"],
                tools: &["acme_list_sleep", "acme_not_built_yet"],
            },
            DataCategory {
                id: "steps",
                name: "Steps",
                examples: &["daily steps"],
                tools: &["acme_list_steps"],
            },
        ],
        excluded: &["writes to the Acme account"],
        token_storage: "~/.acme-mcp/tokens.json, owner-only",
        redirect_uri: Some("http://127.0.0.1:3000/callback"),
        first_tools: &["acme_connection_status", "acme_list_sleep"],
        agent_flow: &["Check the connection first."],
        agent_rules: &["Acme days end at 4 am."],
        troubleshooting: &[Troubleshooting {
            symptom: "No steps",
            action: "Sync the watch.",
        }],
        http_token_variable: "ACME_MCP_TOKEN",
    };

    pub fn spec(name: &'static str, annotations: ToolAnnotations) -> ToolSpec {
        ToolSpec {
            name,
            title: name,
            description: "",
            annotations,
            input_schema: Map::new(),
            output_schema: Map::new(),
        }
    }

    pub fn surface() -> Surface {
        Surface {
            tools: vec![
                spec("acme_connection_status", ToolAnnotations::READ_LOCAL),
                spec("acme_list_sleep", ToolAnnotations::READ_UPSTREAM),
                spec("acme_list_steps", ToolAnnotations::READ_UPSTREAM),
            ],
            resources: vec!["acme://capabilities".to_owned()],
        }
    }

    #[test]
    fn tilde_hides_the_home_directory_only() {
        let home = Path::new("/home/ada");
        assert_eq!(
            tilde(Path::new("/home/ada/.acme-mcp/config.json"), Some(home)),
            "~/.acme-mcp/config.json"
        );
        assert_eq!(tilde(home, Some(home)), "~");
        assert_eq!(tilde(Path::new("/etc/acme"), Some(home)), "/etc/acme");
        assert_eq!(
            tilde(Path::new("/home/adam/x"), Some(home)),
            "/home/adam/x",
            "a sibling whose name starts the same is not home"
        );
        assert_eq!(
            tilde_text(r#"{"command": "/home/ada/bin/acme"}"#, Some(home)),
            r#"{"command": "~/bin/acme"}"#
        );
    }

    #[test]
    fn catalog_names_only_reach_agents_when_served() {
        let surface = surface();
        assert_eq!(
            surface.served(&["acme_list_sleep", "acme_not_built_yet"]),
            ["acme_list_sleep"]
        );
        let data: Vec<_> = surface.data_tools().map(|spec| spec.name).collect();
        assert_eq!(data, ["acme_list_sleep", "acme_list_steps"]);
    }
}
