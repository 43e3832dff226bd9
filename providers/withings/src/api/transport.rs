//! One HTTP exchange with Withings: a form POST in, the `{status, body, error}`
//! envelope out. Retrying and token handling live in the client above it.

use std::time::Duration;

use serde_json::Value;

/// What Withings puts in every answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    pub status: i64,
    pub body: Value,
    pub error: Option<String>,
}

impl Envelope {
    /// `body.wait_seconds` of a 601 answer.
    pub fn wait_seconds(&self) -> Option<u64> {
        self.body.get("wait_seconds").and_then(Value::as_u64)
    }
}

/// A failure below the Withings envelope: network, HTTP or framing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    #[error("the request to Withings timed out after {0:?}")]
    Timeout(Duration),
    #[error("cannot reach Withings: {0}")]
    Network(String),
    #[error("Withings answered HTTP {0}")]
    HttpStatus(u16),
    #[error(
        "Withings answered something that is not its JSON envelope (HTTP {http_status}, {content_type})"
    )]
    NotJson {
        http_status: u16,
        content_type: String,
    },
}

/// POSTs `form` to `url`, with the access token as a bearer header when given.
pub async fn post_form(
    http: &reqwest::Client,
    url: &str,
    form: &[(&str, String)],
    bearer: Option<&str>,
    timeout: Duration,
) -> Result<Envelope, TransportError> {
    let mut request = http.post(url).form(form).timeout(timeout);
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    let response = request
        .send()
        .await
        .map_err(|error| describe(error, timeout))?;
    let http_status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("no content type")
        .to_owned();
    let bytes = response
        .bytes()
        .await
        .map_err(|error| describe(error, timeout))?;
    let not_json = || TransportError::NotJson {
        http_status,
        content_type: content_type.clone(),
    };
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(mut envelope)) if envelope.get("status").is_some_and(Value::is_i64) => {
            Ok(Envelope {
                status: envelope
                    .get("status")
                    .and_then(Value::as_i64)
                    .unwrap_or_default(),
                body: envelope.remove("body").unwrap_or(Value::Null),
                error: envelope
                    .get("error")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            })
        }
        // A proxy's error page, or a gateway failure in front of Withings.
        _ if http_status >= 500 => Err(TransportError::HttpStatus(http_status)),
        _ => Err(not_json()),
    }
}

/// reqwest's errors can quote the URL; ours never carry more than the kind.
fn describe(error: reqwest::Error, timeout: Duration) -> TransportError {
    if error.is_timeout() {
        TransportError::Timeout(timeout)
    } else if error.is_connect() {
        TransportError::Network("connection failed".into())
    } else if let Some(status) = error.status() {
        TransportError::HttpStatus(status.as_u16())
    } else {
        TransportError::Network(error.without_url().to_string())
    }
}
