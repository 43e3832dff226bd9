//! `withings-mcp`: the Withings connector's MCP server and command line.

use std::process::ExitCode;

use delx_server::App;

// Providers are linked here, one line each: linking a provider crate registers it.
use delx_withings as _;

const APP: App = App {
    name: "withings-mcp",
    title: "Withings MCP",
    version: env!("CARGO_PKG_VERSION"),
    description: "Local-first MCP server for your Withings health data.",
    env_prefix: "WITHINGS_MCP",
};

fn main() -> ExitCode {
    delx_server::cli::run(APP)
}
