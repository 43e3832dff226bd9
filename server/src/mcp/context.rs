//! The framework's `CallContext` over an rmcp request: progress, logs,
//! cancellation, and the questions a tool asks the client (sampling, elicitation).

// MCP logging and sampling: deprecated in 2026-07-28, current in 2025-11-25.
#![allow(deprecated)]

use std::sync::Arc;

use delx_framework::{
    CallContext, ClientRequestError, Elicitation, ElicitationAction, LogLevel, async_trait,
};
use rmcp::RoleServer;
use rmcp::model::{
    ClientCapabilities, CreateMessageRequestParams, ElicitRequestParams, ElicitationSchema,
    LoggingLevel, LoggingMessageNotificationParam, ProgressNotificationParam, ProgressToken,
    SamplingMessage,
};
use rmcp::service::{Peer, RequestContext};
use serde_json::{Map, Value};
use tokio_util::sync::CancellationToken;

use super::{McpServer, Shared};

pub(super) struct McpCallContext {
    shared: Arc<Shared>,
    peer: Peer<RoleServer>,
    progress_token: Option<ProgressToken>,
    /// The least severe level the client asked for; `None`: it asked for no logs.
    min_log_level: Option<LoggingLevel>,
    cancellation: CancellationToken,
}

impl McpCallContext {
    pub(super) fn new(server: &McpServer, request: &RequestContext<RoleServer>) -> Self {
        // A 2026-07-28 client opts in per request; a 2025 client once per session.
        let session_level = server
            .session_log_level
            .lock()
            .ok()
            .and_then(|level| *level);
        Self {
            shared: Arc::clone(&server.shared),
            peer: request.peer.clone(),
            progress_token: request.meta.get_progress_token(),
            min_log_level: request.meta.log_level().or(session_level),
            cancellation: request.ct.clone(),
        }
    }
}

#[async_trait]
impl CallContext for McpCallContext {
    async fn progress(&self, done: f64, total: Option<f64>, message: Option<&str>) {
        let Some(token) = &self.progress_token else {
            return;
        };
        let mut param = ProgressNotificationParam::new(token.clone(), done);
        if let Some(total) = total {
            param = param.with_total(total);
        }
        if let Some(message) = message {
            param = param.with_message(self.shared.registry.redactor().redact_str(message));
        }
        if let Err(error) = self.peer.notify_progress(param).await {
            tracing::debug!("progress notification not delivered: {error}");
        }
    }

    async fn log(&self, level: LogLevel, message: &str) {
        let wanted = self
            .min_log_level
            .is_some_and(|min| severity(to_mcp_level(level)) >= severity(min));
        if !wanted {
            return;
        }
        let text = self.shared.registry.redactor().redact_str(message);
        let param = LoggingMessageNotificationParam::new(
            to_mcp_level(level),
            serde_json::Value::String(text),
        )
        .with_logger(self.shared.app.name);
        if let Err(error) = self.peer.notify_logging_message(param).await {
            tracing::debug!("log notification not delivered: {error}");
        }
    }

    fn cancellation(&self) -> &CancellationToken {
        &self.cancellation
    }

    async fn sample(&self, prompt: &str, max_tokens: u32) -> Result<String, ClientRequestError> {
        self.client_declared("sampling", |client| client.sampling.is_some())?;
        let prompt = self.shared.registry.redactor().redact_str(prompt);
        let params =
            CreateMessageRequestParams::new(vec![SamplingMessage::user_text(prompt)], max_tokens);
        let reply = self
            .peer
            .create_message(params)
            .await
            .map_err(|error| ClientRequestError::Failed(error.to_string()))?;
        let text: Vec<String> = reply
            .message
            .content
            .into_vec()
            .iter()
            .filter_map(|block| block.as_text().map(|text| text.text.clone()))
            .collect();
        Ok(text.join("\n"))
    }

    async fn elicit(
        &self,
        message: &str,
        schema: &Map<String, Value>,
    ) -> Result<Elicitation, ClientRequestError> {
        self.client_declared("elicitation", |client| client.elicitation.is_some())?;
        let requested_schema: ElicitationSchema =
            serde_json::from_value(Value::Object(schema.clone())).map_err(|error| {
                ClientRequestError::Invalid(format!("not an elicitation schema: {error}"))
            })?;
        let params = ElicitRequestParams::FormElicitationParams {
            meta: None,
            message: self.shared.registry.redactor().redact_str(message),
            requested_schema,
        };
        let reply = self
            .peer
            .create_elicitation(params)
            .await
            .map_err(|error| ClientRequestError::Failed(error.to_string()))?;
        let action = match reply.action {
            rmcp::model::ElicitationAction::Accept => ElicitationAction::Accept,
            rmcp::model::ElicitationAction::Decline => ElicitationAction::Decline,
            // Cancel, and any action a later protocol adds: nothing was agreed to.
            _ => ElicitationAction::Cancel,
        };
        let content = match (action, reply.content) {
            (ElicitationAction::Accept, Some(Value::Object(fields))) => Some(fields),
            _ => None,
        };
        Ok(Elicitation { action, content })
    }
}

impl McpCallContext {
    /// Asking a client for what it did not declare would only fail later, and
    /// less clearly.
    fn client_declared(
        &self,
        feature: &'static str,
        declared: impl FnOnce(&ClientCapabilities) -> bool,
    ) -> Result<(), ClientRequestError> {
        match self.peer.peer_info() {
            Some(client) if declared(&client.capabilities) => Ok(()),
            _ => Err(ClientRequestError::Unsupported(feature)),
        }
    }
}

fn to_mcp_level(level: LogLevel) -> LoggingLevel {
    match level {
        LogLevel::Debug => LoggingLevel::Debug,
        LogLevel::Info => LoggingLevel::Info,
        LogLevel::Notice => LoggingLevel::Notice,
        LogLevel::Warning => LoggingLevel::Warning,
        LogLevel::Error => LoggingLevel::Error,
        LogLevel::Critical => LoggingLevel::Critical,
        LogLevel::Alert => LoggingLevel::Alert,
        LogLevel::Emergency => LoggingLevel::Emergency,
    }
}

/// RFC 5424 order, least severe first.
fn severity(level: LoggingLevel) -> u8 {
    match level {
        LoggingLevel::Debug => 0,
        LoggingLevel::Info => 1,
        LoggingLevel::Notice => 2,
        LoggingLevel::Warning => 3,
        LoggingLevel::Error => 4,
        LoggingLevel::Critical => 5,
        LoggingLevel::Alert => 6,
        LoggingLevel::Emergency => 7,
    }
}
