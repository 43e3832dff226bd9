//! Pointing MCP clients at this binary: what `setup --client` writes and
//! `doctor --client` checks.

use std::collections::BTreeMap;
use std::path::PathBuf;

use delx_framework::BuildContext;
use delx_framework::clients::{
    ClientPaths, ClientStatus, InstallOptions, InstallReport, McpClient, Platform, ServerEntry,
    inspect, install,
};

use crate::config::HOME_DIR;

/// The name MCP clients list the server under; agents see tools as `withings_*`.
pub const SERVER_NAME: &str = "withings";

/// What the Hermes skill teaches the agent.
const HERMES_SKILL: &str = "\
---
name: withings-mcp
description: Read the user's own Withings data (weight, body composition, blood pressure, sleep, activity, ECG) through the local withings MCP server.
---

# Withings

- Start with `mcp_withings_withings_connection_status`; if it is not ready, follow its next steps.
- Prefer daily and weekly summaries over raw lists; dates are the user's local days.
- The data is personal health data: quote only what the user asked for, never raw payloads unless asked.
- Nothing here is medical advice; suggest a professional for anything that looks worrying.
- After changing this server's configuration, reload with `/reload-mcp`; never restart the gateway for it.
";

fn paths(ctx: &BuildContext) -> Result<ClientPaths, String> {
    ClientPaths::from_context(ctx, Platform::current(), HOME_DIR)
        .ok_or_else(|| "no home directory: cannot find the MCP client's configuration".to_owned())
}

fn this_binary() -> Result<PathBuf, String> {
    std::env::current_exe()
        .map_err(|error| format!("cannot tell where withings-mcp is installed: {error}"))
}

/// Adds or updates the `withings` server in `client`'s configuration.
pub fn configure(
    ctx: &BuildContext,
    client: McpClient,
    allow_hermes_reload: bool,
) -> Result<InstallReport, String> {
    let entry = ServerEntry {
        name: SERVER_NAME.to_owned(),
        command: this_binary()?,
        args: Vec::new(),
        env: BTreeMap::new(),
    };
    let options = InstallOptions {
        allow_hermes_reload_without_confirmation: allow_hermes_reload,
        hermes_skill: Some(HERMES_SKILL.to_owned()),
    };
    install(client, &paths(ctx)?, &entry, &options).map_err(|error| error.to_string())
}

/// Whether `client` is set up to launch this binary.
pub fn check(ctx: &BuildContext, client: McpClient) -> Result<ClientStatus, String> {
    inspect(client, &paths(ctx)?, SERVER_NAME, &this_binary()?).map_err(|error| error.to_string())
}
