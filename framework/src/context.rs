//! What a running call can tell its caller while it works.
//!
//! Tools stay protocol-agnostic: they report progress, log and watch for
//! cancellation through this trait, and each front end (the MCP server, the command
//! line, a test) decides what those mean.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

/// Severity of a log message, ordered from most to least verbose (RFC 5424 names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    Debug,
    Info,
    Notice,
    Warning,
    Error,
    Critical,
    Alert,
    Emergency,
}

/// Handed to every tool call.
#[async_trait]
pub trait CallContext: Send + Sync {
    /// Reports how far the call is. Front ends without a progress channel ignore it.
    async fn progress(&self, done: f64, total: Option<f64>, message: Option<&str>);

    /// Sends a log message to the client, if the client asked for logs at this level.
    async fn log(&self, level: LogLevel, message: &str);

    /// Cancelled when the caller no longer wants the answer.
    fn cancellation(&self) -> &CancellationToken;

    fn is_cancelled(&self) -> bool {
        self.cancellation().is_cancelled()
    }
}

/// A context that reports nowhere and is never cancelled; for in-process callers.
#[derive(Debug, Default)]
pub struct NullContext {
    cancellation: CancellationToken,
}

#[async_trait]
impl CallContext for NullContext {
    async fn progress(&self, _done: f64, _total: Option<f64>, _message: Option<&str>) {}

    async fn log(&self, _level: LogLevel, _message: &str) {}

    fn cancellation(&self) -> &CancellationToken {
        &self.cancellation
    }
}
