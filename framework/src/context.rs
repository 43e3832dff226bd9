//! What a running call can tell its caller while it works.
//!
//! Tools stay protocol-agnostic: they report progress, log, watch for
//! cancellation and ask the client's model or user through this trait, and each
//! front end (the MCP server, the command line, a test) decides what those mean.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
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

    /// Asks the client's own model to complete `prompt` (MCP sampling), for a tool
    /// that needs language without shipping a model or a key. Callers without a
    /// model to ask (the command line, in-process callers) refuse.
    async fn sample(&self, _prompt: &str, _max_tokens: u32) -> Result<String, ClientRequestError> {
        Err(ClientRequestError::Unsupported("sampling"))
    }

    /// Asks the user for structured input through the client (MCP elicitation):
    /// `schema` is a flat object schema of primitive fields. Callers without a user
    /// to ask refuse.
    async fn elicit(
        &self,
        _message: &str,
        _schema: &Map<String, Value>,
    ) -> Result<Elicitation, ClientRequestError> {
        Err(ClientRequestError::Unsupported("elicitation"))
    }

    fn is_cancelled(&self) -> bool {
        self.cancellation().is_cancelled()
    }
}

/// Why the client could not answer a question a tool asked it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientRequestError {
    #[error("the client does not support {0}")]
    Unsupported(&'static str),
    #[error("the request to the client is malformed: {0}")]
    Invalid(String),
    #[error("the client did not answer: {0}")]
    Failed(String),
}

/// What the user did with an elicitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ElicitationAction {
    Accept,
    Decline,
    Cancel,
}

/// The user's answer: the fields only when they accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct Elicitation {
    pub action: ElicitationAction,
    pub content: Option<Map<String, Value>>,
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
