//! stdio: the transport MCP clients launch us with. stdout carries only MCP
//! messages; everything else (logs, errors) goes to stderr.

use rmcp::ServiceExt;
use rmcp::service::ServerInitializeError;

use crate::mcp::McpServer;

/// Serves one session on stdin/stdout until the client closes it.
pub async fn serve(server: McpServer) -> std::io::Result<()> {
    let running = match server.serve(rmcp::transport::stdio()).await {
        Ok(running) => running,
        // A client that closes stdin before its first message (a 2026-07-28 client
        // with nothing to ask, a health probe) has ended the session cleanly.
        Err(ServerInitializeError::ConnectionClosed(_)) => return Ok(()),
        Err(error) => return Err(std::io::Error::other(error)),
    };
    running.waiting().await.map_err(std::io::Error::other)?;
    Ok(())
}
