//! The one error type every tool, prompt and resource returns.
//!
//! An agent can only recover from an error it understands, so each error carries a
//! kind (what went wrong, machine-readable) and a next step (what the person or the
//! agent should do now). The server turns it into an `isError: true` tool result,
//! never into a protocol error.

use std::fmt;
use std::time::Duration;

use serde::Serialize;

/// What kind of failure this is; decides the default next step and lets agents branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The arguments were wrong; the caller can fix them and retry.
    InvalidInput,
    /// The connector is not configured yet (no app credentials, for example).
    SetupRequired,
    /// A person must act (consent in a browser, confirm an intent).
    UserActionRequired,
    /// The stored authorization no longer works and could not be renewed.
    AuthExpired,
    /// The upstream asked us to slow down.
    RateLimited,
    /// The upstream failed or answered something we could not use.
    #[serde(rename = "upstream_failure")]
    Upstream,
    /// A defect or an unexpected local failure.
    Internal,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidInput => "invalid_input",
            Self::SetupRequired => "setup_required",
            Self::UserActionRequired => "user_action_required",
            Self::AuthExpired => "auth_expired",
            Self::RateLimited => "rate_limited",
            Self::Upstream => "upstream_failure",
            Self::Internal => "internal",
        }
    }

    fn default_next_step(self) -> &'static str {
        match self {
            Self::InvalidInput => "Fix the arguments as described and call the tool again.",
            Self::SetupRequired => "Run the connector's `setup` command, then try again.",
            Self::UserActionRequired => "Ask the user to complete the step described above.",
            Self::AuthExpired => "Run the connector's `auth` command to sign in again.",
            Self::RateLimited => "Wait for the indicated time, then try again.",
            Self::Upstream => "Try again in a few minutes; if it persists, run `doctor`.",
            Self::Internal => {
                "This is a bug in the connector; please report it with `doctor` output."
            }
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failure a caller can act on. Build one with the constructor of its kind.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize)]
#[error("{message}")]
pub struct ToolError {
    pub kind: ErrorKind,
    pub message: String,
    pub next_step: String,
    /// For [`ErrorKind::RateLimited`]: how long to wait before trying again.
    #[serde(
        rename = "retry_after_seconds",
        serialize_with = "serialize_secs",
        skip_serializing_if = "Option::is_none"
    )]
    pub retry_after: Option<Duration>,
}

impl ToolError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            next_step: kind.default_next_step().to_owned(),
            retry_after: None,
        }
    }

    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }

    pub fn setup_required(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::SetupRequired, message)
    }

    pub fn user_action_required(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::UserActionRequired, message)
    }

    pub fn auth_expired(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::AuthExpired, message)
    }

    pub fn rate_limited(message: impl Into<String>, retry_after: Option<Duration>) -> Self {
        let mut error = Self::new(ErrorKind::RateLimited, message);
        error.retry_after = retry_after;
        if let Some(wait) = retry_after {
            error.next_step = format!("Wait {} s, then try again.", wait.as_secs().max(1));
        }
        error
    }

    pub fn upstream(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Upstream, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }

    /// Replaces the kind's default next step with a more precise one.
    pub fn with_next_step(mut self, next_step: impl Into<String>) -> Self {
        self.next_step = next_step.into();
        self
    }

    /// The text an agent reads: what happened and what to do.
    pub fn to_text(&self) -> String {
        format!(
            "Error ({}): {}\nNext step: {}",
            self.kind, self.message, self.next_step
        )
    }
}

fn serialize_secs<S: serde::Serializer>(
    value: &Option<Duration>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(wait) => serializer.serialize_u64(wait.as_secs().max(1)),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_next_step() {
        for kind in [
            ErrorKind::InvalidInput,
            ErrorKind::SetupRequired,
            ErrorKind::UserActionRequired,
            ErrorKind::AuthExpired,
            ErrorKind::RateLimited,
            ErrorKind::Upstream,
            ErrorKind::Internal,
        ] {
            let error = ToolError::new(kind, "boom");
            assert!(!error.next_step.is_empty(), "{kind} has no next step");
            assert!(error.to_text().contains(kind.as_str()));
        }
    }

    #[test]
    fn rate_limited_names_the_wait() {
        let error = ToolError::rate_limited("slow down", Some(Duration::from_secs(42)));
        assert!(error.next_step.contains("42 s"));
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["retry_after_seconds"], 42);
        assert_eq!(json["kind"], "rate_limited");
    }
}
