//! `withings://capabilities`, `withings://agent-manifest` and `withings://inventory`:
//! the same documents as the tools of the same names, for clients that prefer to
//! read resources.

use std::sync::Arc;

use delx_framework::metadata::AgentClient;
use delx_framework::{
    Resource, ResourceContent, ResourceSpec, ResourceSpecUri, ToolError, UriVars, async_trait,
};
use serde::Serialize;

use crate::tools::ToolContext;
use crate::tools::metadata::{capabilities, inventory, manifest};

const JSON: &str = "application/json";
const MARKDOWN: &str = "text/markdown";

pub struct CapabilitiesResource(pub Arc<ToolContext>);

#[async_trait]
impl Resource for CapabilitiesResource {
    fn spec(&self) -> ResourceSpec {
        ResourceSpec {
            uri: ResourceSpecUri::Static("withings://capabilities".into()),
            name: "withings_capabilities",
            title: "Withings connector capabilities",
            description: "What the connector can read, through which tools, what it leaves out, \
                          and how to start; the withings_capabilities tool's data as JSON.",
            mime_type: JSON,
            follows_data: false,
        }
    }

    async fn read(&self, _uri: &str, _vars: &UriVars) -> Result<ResourceContent, ToolError> {
        json(&capabilities(&self.0))
    }
}

pub struct AgentManifestResource(pub Arc<ToolContext>);

#[async_trait]
impl Resource for AgentManifestResource {
    fn spec(&self) -> ResourceSpec {
        ResourceSpec {
            uri: ResourceSpecUri::Static("withings://agent-manifest".into()),
            name: "withings_agent_manifest",
            title: "Withings agent manifest",
            description: "How to install the connector in any MCP client and how an agent should \
                          use it, as markdown; withings_agent_manifest tailors it to one client.",
            mime_type: MARKDOWN,
            follows_data: false,
        }
    }

    async fn read(&self, _uri: &str, _vars: &UriVars) -> Result<ResourceContent, ToolError> {
        Ok(ResourceContent::Text {
            mime_type: MARKDOWN.into(),
            text: manifest(&self.0, AgentClient::Generic).markdown(),
        })
    }
}

pub struct InventoryResource(pub Arc<ToolContext>);

#[async_trait]
impl Resource for InventoryResource {
    fn spec(&self) -> ResourceSpec {
        ResourceSpec {
            uri: ResourceSpecUri::Static("withings://inventory".into()),
            name: "withings_data_inventory",
            title: "Withings data inventory",
            description: "Which Withings data the connector reads and through which tool, with \
                          counts; the withings_data_inventory tool's data as JSON.",
            mime_type: JSON,
            follows_data: false,
        }
    }

    async fn read(&self, _uri: &str, _vars: &UriVars) -> Result<ResourceContent, ToolError> {
        json(&inventory(&self.0))
    }
}

fn json(data: &impl Serialize) -> Result<ResourceContent, ToolError> {
    let text = serde_json::to_string_pretty(data)
        .map_err(|error| ToolError::internal(format!("could not encode the document: {error}")))?;
    Ok(ResourceContent::Text {
        mime_type: JSON.into(),
        text,
    })
}
