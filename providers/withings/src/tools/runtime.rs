//! What the diagnostic tools need to know about the process around them, captured
//! once when the provider is built: how the server is reached, where the user's MCP
//! clients keep their configuration, and which binary is running.

use std::path::PathBuf;

use delx_framework::clients::{ClientPaths, Platform};
use delx_framework::{BuildContext, Transport};

use crate::config::HOME_DIR;

#[derive(Debug, Clone, Default)]
pub struct Runtime {
    /// `None` when the provider is built for a one-off call rather than to serve.
    pub transport: Option<Transport>,
    pub client_paths: Option<ClientPaths>,
    /// The command a client entry should launch.
    pub binary: Option<PathBuf>,
}

impl Runtime {
    pub fn from_build(ctx: &BuildContext) -> Self {
        Self {
            transport: ctx.transport(),
            client_paths: ClientPaths::from_context(ctx, Platform::current(), HOME_DIR),
            // Without it the manifest still gives the install command; nothing breaks.
            binary: std::env::current_exe().ok(),
        }
    }
}
