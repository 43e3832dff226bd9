//! stdio: the transport MCP clients launch us with. stdout carries only MCP
//! messages; everything else (logs, errors) goes to stderr.

use rmcp::ServiceExt;

use crate::mcp::McpServer;

/// Serves one session on stdin/stdout until the client closes it.
pub async fn serve(server: McpServer) -> std::io::Result<()> {
    let running = server
        .serve(rmcp::transport::stdio())
        .await
        .map_err(std::io::Error::other)?;
    running.waiting().await.map_err(std::io::Error::other)?;
    Ok(())
}
