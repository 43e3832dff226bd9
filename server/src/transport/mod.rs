//! The ways the MCP server is reached: stdio (the default) and streamable HTTP.

pub mod http;
pub mod stdio;
