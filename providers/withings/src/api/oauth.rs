//! OAuth with Withings: the authorize URL, and the signed token-endpoint calls
//! (code exchange, refresh, revoke), each preceded by a fresh nonce.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Deserialize;
use serde_json::Value;
use url::Url;

use super::endpoints::{AUTHORIZE_PATH, OAUTH2_PATH, SIGNATURE_PATH};
use super::error::ApiError;
use super::signing::sign;
use super::status::StatusFamily;
use super::transport::{Envelope, post_form};

/// The app's credentials. The secret only ever signs; it is never sent.
#[derive(Clone)]
pub struct Credentials {
    pub client_id: String,
    pub client_secret: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[REDACTED]")
            .finish()
    }
}

/// What the token endpoint grants.
#[derive(Clone, PartialEq, Eq, Deserialize)]
pub struct Grant {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    #[serde(default)]
    pub expires_in: Option<i64>,
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default)]
    pub token_type: Option<String>,
    /// A string in some answers and a number in others; kept as text.
    #[serde(default, deserialize_with = "text_or_number")]
    pub userid: Option<String>,
}

impl std::fmt::Debug for Grant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Grant")
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .field("userid", &self.userid)
            .finish_non_exhaustive()
    }
}

fn text_or_number<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(deserializer)? {
        Some(Value::String(text)) if !text.is_empty() => Some(text),
        Some(Value::Number(number)) => Some(number.to_string()),
        _ => None,
    })
}

/// The page the user opens to grant access. Scopes are comma-separated, as
/// Withings wants, not space-separated as generic OAuth libraries send them.
pub fn authorize_url(
    auth_base: &str,
    client_id: &str,
    redirect_uri: &str,
    scopes: &[String],
    state: &str,
) -> Result<String, ApiError> {
    let mut url = Url::parse(auth_base)
        .and_then(|base| base.join(AUTHORIZE_PATH))
        .map_err(|error| ApiError::Invalid(format!("invalid Withings auth base URL: {error}")))?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", client_id)
        .append_pair("scope", &scopes.join(","))
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("state", state);
    Ok(url.into())
}

/// The token webservice of one Withings cloud.
#[derive(Debug, Clone)]
pub struct OAuthClient {
    pub http: reqwest::Client,
    pub api_base: String,
    pub credentials: Credentials,
    pub timeout: Duration,
}

impl OAuthClient {
    /// Exchanges an authorization code (valid 30 s, single use) for tokens.
    pub async fn exchange_code(&self, code: &str, redirect_uri: &str) -> Result<Grant, ApiError> {
        let envelope = self
            .signed(
                "requesttoken",
                vec![
                    ("grant_type", "authorization_code".into()),
                    ("code", code.to_owned()),
                    ("redirect_uri", redirect_uri.to_owned()),
                ],
            )
            .await?;
        grant_from(
            envelope,
            "the authorization code was refused (codes expire after 30 s and work once)",
        )
    }

    /// Trades the refresh token for new tokens; Withings rotates the refresh token.
    pub async fn refresh(&self, refresh_token: &str) -> Result<Grant, ApiError> {
        let envelope = self
            .signed(
                "requesttoken",
                vec![
                    ("grant_type", "refresh_token".into()),
                    ("refresh_token", refresh_token.to_owned()),
                ],
            )
            .await?;
        grant_from(
            envelope,
            "the refresh token was refused (revoked, expired or already rotated)",
        )
    }

    /// Revokes the user's grant upstream: both tokens stop working.
    pub async fn revoke(&self, userid: &str) -> Result<(), ApiError> {
        let envelope = self
            .signed("revoke", vec![("userid", userid.to_owned())])
            .await?;
        match envelope.status {
            0 => Ok(()),
            code => Err(ApiError::status(code, envelope.error)),
        }
    }

    /// Sends a signed `action` to the token webservice with a fresh nonce.
    async fn signed(
        &self,
        action: &str,
        mut form: Vec<(&str, String)>,
    ) -> Result<Envelope, ApiError> {
        let nonce = self.nonce().await?;
        let Credentials {
            client_id,
            client_secret,
        } = &self.credentials;
        form.extend([
            ("action", action.to_owned()),
            ("client_id", client_id.clone()),
            ("nonce", nonce.clone()),
            ("signature", sign(client_secret, action, client_id, &nonce)),
        ]);
        let url = format!("{}{OAUTH2_PATH}", self.api_base.trim_end_matches('/'));
        Ok(post_form(&self.http, &url, &form, None, self.timeout).await?)
    }

    /// A single-use nonce, valid 30 minutes, for the next signed call.
    async fn nonce(&self) -> Result<String, ApiError> {
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs())
            .to_string();
        let Credentials {
            client_id,
            client_secret,
        } = &self.credentials;
        let form = [
            ("action", "getnonce".to_owned()),
            ("client_id", client_id.clone()),
            ("timestamp", timestamp.clone()),
            (
                "signature",
                sign(client_secret, "getnonce", client_id, &timestamp),
            ),
        ];
        let url = format!("{}{SIGNATURE_PATH}", self.api_base.trim_end_matches('/'));
        let envelope = post_form(&self.http, &url, &form, None, self.timeout).await?;
        if envelope.status != 0 {
            return Err(ApiError::status(envelope.status, envelope.error));
        }
        envelope
            .body
            .get("nonce")
            .and_then(Value::as_str)
            .filter(|nonce| !nonce.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| ApiError::Invalid("Withings returned no nonce".into()))
    }
}

/// Reads a token-endpoint answer. An invalid-params refusal means the code or the
/// refresh token is dead: only a new authorization helps.
fn grant_from(envelope: Envelope, refused: &str) -> Result<Grant, ApiError> {
    match StatusFamily::of(envelope.status) {
        StatusFamily::Success => {}
        StatusFamily::InvalidParams | StatusFamily::AuthenticationFailed => {
            return Err(ApiError::AuthExpired(refused.to_owned()));
        }
        _ => return Err(ApiError::status(envelope.status, envelope.error)),
    }
    let grant: Grant = serde_json::from_value(envelope.body).map_err(|error| {
        ApiError::Invalid(format!("unreadable token answer from Withings: {error}"))
    })?;
    if grant.access_token.trim().is_empty() {
        return Err(ApiError::Invalid(
            "Withings returned an empty access token".into(),
        ));
    }
    Ok(grant)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_authorize_url_has_comma_scopes_and_every_parameter() {
        let url = authorize_url(
            "https://account.withings.com",
            "cid",
            "http://127.0.0.1:3000/callback",
            &["user.info".into(), "user.metrics".into()],
            "s1",
        )
        .unwrap();
        let parsed = Url::parse(&url).unwrap();
        assert_eq!(parsed.path(), "/oauth2_user/authorize2");
        let pairs: std::collections::HashMap<_, _> = parsed.query_pairs().into_owned().collect();
        assert_eq!(pairs["scope"], "user.info,user.metrics");
        assert_eq!(pairs["response_type"], "code");
        assert_eq!(pairs["redirect_uri"], "http://127.0.0.1:3000/callback");
        assert_eq!(pairs["state"], "s1");
    }

    #[test]
    fn userid_is_kept_as_text_whether_string_or_number() {
        for userid in [json!("363"), json!(363)] {
            let envelope = Envelope {
                status: 0,
                body: json!({"access_token": "a", "refresh_token": "r", "expires_in": 10800, "userid": userid}),
                error: None,
            };
            assert_eq!(
                grant_from(envelope, "x").unwrap().userid.as_deref(),
                Some("363")
            );
        }
    }

    #[test]
    fn empty_or_missing_access_tokens_are_errors() {
        for body in [json!({"access_token": ""}), json!({"refresh_token": "r"})] {
            let envelope = Envelope {
                status: 0,
                body,
                error: None,
            };
            assert!(matches!(
                grant_from(envelope, "x"),
                Err(ApiError::Invalid(_))
            ));
        }
    }

    #[test]
    fn a_refused_code_or_token_is_an_expired_authorization() {
        let envelope = Envelope {
            status: 503,
            body: json!({}),
            error: Some("Invalid Params: invalid code".into()),
        };
        assert!(matches!(
            grant_from(envelope, "refused"),
            Err(ApiError::AuthExpired(_))
        ));
    }
}
