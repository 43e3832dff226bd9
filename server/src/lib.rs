//! `delx-server`: serves the provider registry over MCP, and the command line.
//!
//! The server knows no provider. It builds the [`delx_framework::Registry`] from
//! whatever provider crates the binary links, then exposes it over stdio or
//! streamable HTTP ([`transport`]) through one hand-written rmcp handler ([`mcp`]).
//! The binary is a few lines: it names itself with an [`App`] and calls [`cli::run`].

pub mod app;
pub mod cli;
pub mod mcp;
pub mod transport;

pub use app::App;
