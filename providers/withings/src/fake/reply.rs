//! What the fake answers, in Withings' shape: HTTP 200 with
//! `{"status":…,"body":…,"error":…}`, `error` only when the status is not 0. The
//! envelope is written by hand so that its keys come in Withings' order.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// The message Withings gives for an unknown, expired or revoked access token.
pub const INVALID_TOKEN: &str =
    "XRequestID: Not provided invalid_token: The access token provided is invalid";

#[derive(Debug, Clone)]
pub(crate) enum Reply {
    Withings {
        status: i64,
        body: Value,
        error: Option<String>,
    },
    /// An HTML page, for the authorize page's errors and for non-JSON faults.
    Html { http: StatusCode, html: String },
    /// A 302 to the client's callback.
    Redirect(String),
    /// Plain JSON, for the fake's own routes.
    Json(Value),
}

impl Reply {
    pub(crate) fn ok(body: Value) -> Self {
        Self::Withings {
            status: 0,
            body,
            error: None,
        }
    }

    pub(crate) fn error(status: i64, message: impl Into<String>) -> Self {
        Self::Withings {
            status,
            body: json!({}),
            error: Some(message.into()),
        }
    }

    /// 503, the generic "Invalid Params" answer.
    pub(crate) fn invalid_params(detail: &str) -> Self {
        Self::error(503, format!("Invalid Params: {detail}"))
    }

    pub(crate) fn invalid_token() -> Self {
        Self::error(401, INVALID_TOKEN)
    }

    pub(crate) fn too_many_requests(wait_seconds: u64, message: &str) -> Self {
        Self::Withings {
            status: 601,
            body: json!({ "wait_seconds": wait_seconds }),
            error: Some(message.to_owned()),
        }
    }

    /// Counted as a failure in the stats: anything but a success or a redirect.
    pub(crate) fn is_failure(&self) -> bool {
        match self {
            Self::Withings { status, .. } => *status != 0,
            Self::Html { .. } => true,
            Self::Redirect(_) | Self::Json(_) => false,
        }
    }

    pub(crate) fn envelope(status: i64, body: &Value, error: Option<&str>) -> String {
        match error {
            Some(error) => format!(
                "{{\"status\":{status},\"body\":{body},\"error\":{}}}",
                Value::String(error.to_owned())
            ),
            None => format!("{{\"status\":{status},\"body\":{body}}}"),
        }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        match self {
            Self::Withings {
                status,
                body,
                error,
            } => json_response(Self::envelope(status, &body, error.as_deref())),
            Self::Json(value) => json_response(value.to_string()),
            Self::Html { http, html } => (
                http,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                html,
            )
                .into_response(),
            Self::Redirect(location) => match HeaderValue::from_str(&location) {
                Ok(location) => (StatusCode::FOUND, [(header::LOCATION, location)]).into_response(),
                Err(_) => (StatusCode::BAD_REQUEST, "invalid redirect").into_response(),
            },
        }
    }
}

fn json_response(text: String) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        text,
    )
        .into_response()
}
