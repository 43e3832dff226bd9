//! `withings-mcp`: the Withings connector's MCP server and command line.

use std::process::ExitCode;

use delx_server::App;

// Providers are linked here, one line each (`use delx_withings as _;`): linking a
// provider crate is what registers it. None ships yet; the Withings provider is next.

const APP: App = App {
    name: "withings-mcp",
    title: "Withings MCP",
    version: env!("CARGO_PKG_VERSION"),
    description: "Local-first MCP server for your Withings health data.",
    env_prefix: "WITHINGS_MCP",
    commands: &[],
};

fn main() -> ExitCode {
    delx_server::cli::run(APP)
}
