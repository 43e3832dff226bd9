//! The Withings MCP resources: data an agent can read by URI. [`all`] is the one
//! list the provider serves; static descriptions live in [`metadata`].

mod data;
mod metadata;

use std::sync::Arc;

use delx_framework::Resource;

use crate::tools::ToolContext;

/// Every resource the provider serves.
pub fn all(ctx: &Arc<ToolContext>) -> Vec<Arc<dyn Resource>> {
    let fixed: Vec<Arc<dyn Resource>> = vec![
        Arc::new(metadata::CapabilitiesResource(ctx.clone())),
        Arc::new(metadata::AgentManifestResource(ctx.clone())),
        Arc::new(metadata::InventoryResource(ctx.clone())),
    ];
    fixed.into_iter().chain(data::all(ctx)).collect()
}
