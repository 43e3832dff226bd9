//! A complete example connector, and the fixture the server's tests run against.
//!
//! `spine-server` is the real `withings-mcp` command line with one small provider
//! linked in instead of Withings, so the spine (registry, MCP handler, transports)
//! is tested through the binary's own code paths. It never ships: examples are not
//! installed, and the `withings-mcp` binary does not link this provider.
//!
//! Writing a provider is what `provider.rs` shows: a descriptor, typed tools, a
//! prompt, resources, and one `inventory::submit!`.

mod provider;

use std::process::ExitCode;

use delx_server::App;

const APP: App = App {
    name: "spine-server",
    title: "Spine example server",
    version: env!("CARGO_PKG_VERSION"),
    description: "The delx server with a small example provider, for tests and as a template.",
    env_prefix: "SPINE_MCP",
};

fn main() -> ExitCode {
    delx_server::cli::run(APP)
}
