//! Who the binary is: the identity a provider binary passes to the server.

/// The names a binary serves under; the server itself has no opinion on them.
#[derive(Debug, Clone, Copy)]
pub struct App {
    /// Command and MCP server name (`withings-mcp`).
    pub name: &'static str,
    /// Human-readable name shown by clients.
    pub title: &'static str,
    pub version: &'static str,
    pub description: &'static str,
    /// Prefix of the server's own variables (`WITHINGS_MCP` gives `WITHINGS_MCP_TOKEN`).
    pub env_prefix: &'static str,
}

impl App {
    /// The name of one of the server's own environment variables.
    pub fn env_var(&self, suffix: &str) -> String {
        format!("{}_{suffix}", self.env_prefix)
    }
}
