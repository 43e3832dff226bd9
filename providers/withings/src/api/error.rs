//! What can go wrong talking to Withings, and what the user should do about it.

use std::time::Duration;

use delx_framework::ToolError;

use super::status::StatusFamily;
use super::transport::TransportError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("Withings is not configured: {0} is missing")]
    NotConfigured(&'static str),
    #[error("not signed in to Withings yet (no tokens)")]
    NotSignedIn,
    #[error("the Withings authorization is no longer valid: {0}")]
    AuthExpired(String),
    #[error("Withings asks to slow down (wait {} s)", .0.as_secs())]
    RateLimited(Duration),
    #[error("Withings answered status {code}: {} ({message})", .family.describe())]
    Status {
        code: i64,
        family: StatusFamily,
        message: String,
    },
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error("the token store failed: {0}")]
    TokenStore(String),
    #[error("{0}")]
    Invalid(String),
}

impl ApiError {
    pub fn status(code: i64, message: Option<String>) -> Self {
        Self::Status {
            code,
            family: StatusFamily::of(code),
            message: message.unwrap_or_else(|| "no message".into()),
        }
    }
}

impl From<ApiError> for ToolError {
    fn from(error: ApiError) -> Self {
        let text = error.to_string();
        match error {
            ApiError::NotConfigured(_) => ToolError::setup_required(text)
                .with_next_step("Run `withings-mcp setup` with your Withings app's client id and secret."),
            ApiError::NotSignedIn => ToolError::setup_required(text)
                .with_next_step("Run `withings-mcp auth` to connect your Withings account."),
            ApiError::AuthExpired(_) => ToolError::auth_expired(text)
                .with_next_step("Run `withings-mcp auth` again to reconnect your Withings account."),
            ApiError::RateLimited(wait) => ToolError::rate_limited(text, Some(wait)),
            ApiError::Status { family, .. } => match family {
                StatusFamily::Unauthorized => ToolError::user_action_required(text).with_next_step(
                    "Re-run `withings-mcp auth` granting the needed scopes; some data also needs a Withings API plan.",
                ),
                StatusFamily::InvalidParams => ToolError::invalid_input(text)
                    .with_next_step("Check the dates and filters of the request, then try again."),
                _ => ToolError::upstream(text),
            },
            ApiError::Transport(_) => ToolError::upstream(text),
            ApiError::TokenStore(_) => ToolError::internal(text)
                .with_next_step("Check that ~/.withings-mcp is writable, then run `withings-mcp doctor`."),
            ApiError::Invalid(_) => ToolError::invalid_input(text),
        }
    }
}
