//! `withings-mcp` with the official MCP conformance suite's fixtures linked in.
//!
//! The suite (`@modelcontextprotocol/conformance`) probes tools, prompts and
//! resources of its own reference server by name (`test_simple_text`,
//! `test://static-text`...). This binary is the real command line with the
//! Withings provider plus a test-only provider serving those names through the
//! same registry and MCP handler, so the suite exercises our image, audio,
//! embedded-resource, progress, logging, sampling and elicitation paths instead of
//! passing vacuously. It never ships: examples are not installed, and
//! `withings-mcp` does not link the fixtures. `scripts/mcp-conformance.sh` runs it.

mod fixtures;

use std::process::ExitCode;

use delx_server::App;

use delx_withings as _;

const APP: App = App {
    name: "withings-mcp",
    title: "Withings MCP with the MCP conformance fixtures",
    version: env!("CARGO_PKG_VERSION"),
    description: "withings-mcp plus the official MCP conformance suite's fixtures; for tests only.",
    env_prefix: "WITHINGS_MCP",
};

fn main() -> ExitCode {
    delx_server::cli::run(APP)
}
