//! The tokens themselves, and the update a refresh produces.
//!
//! Parsing is written by hand rather than derived: serde's messages quote the
//! offending value, and a token file's values are secrets. Every error here names a
//! field and what it should have been, never what it was.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};

use crate::local_files::json_type;
use crate::privacy::REDACTED;

const ACCESS_TOKEN: &str = "access_token";
const REFRESH_TOKEN: &str = "refresh_token";
const EXPIRES_AT: &str = "expires_at";
const EXPIRES_IN: &str = "expires_in";
const TOKEN_TYPE: &str = "token_type";
const SCOPE: &str = "scope";
const USERID: &str = "userid";

/// The fields this crate understands; everything else travels in `extra`.
const KNOWN_FIELDS: &[&str] = &[
    ACCESS_TOKEN,
    REFRESH_TOKEN,
    EXPIRES_AT,
    TOKEN_TYPE,
    SCOPE,
    USERID,
];

/// A token document that cannot be used. Names fields, never values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenFieldError {
    #[error("expected a JSON object, found {found}")]
    NotAnObject { found: &'static str },
    #[error("{field} is missing or empty")]
    Missing { field: &'static str },
    #[error("{field} must be {expected}, found {found}")]
    Invalid {
        field: &'static str,
        expected: &'static str,
        found: &'static str,
    },
}

/// The stored credentials of one account.
///
/// Unknown fields are kept in `extra` and written back, so a file written by a newer
/// version (or by hand) loses nothing when an older one refreshes it.
#[derive(Clone, PartialEq)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: Option<String>,
    /// Unix seconds. `None` counts as already expired: see [`Tokens::is_expired_within`].
    pub expires_at: Option<i64>,
    pub token_type: Option<String>,
    pub scope: Option<String>,
    /// Kept as a string because upstreams disagree on whether it is a number.
    pub userid: Option<String>,
    pub extra: Map<String, Value>,
}

impl Tokens {
    /// Tokens with only an access token; the rest is for the caller to fill in.
    pub fn new(access_token: impl Into<String>) -> Self {
        Self {
            access_token: access_token.into(),
            refresh_token: None,
            expires_at: None,
            token_type: None,
            scope: None,
            userid: None,
            extra: Map::new(),
        }
    }

    /// Whether the access token expires before `now_unix + margin`: refreshing a little
    /// early avoids a call that fails halfway through. An unknown expiry counts as
    /// expired, since one needless refresh is cheaper than a call with a dead token.
    pub fn is_expired_within(&self, margin: Duration, now_unix: i64) -> bool {
        let margin = i64::try_from(margin.as_secs()).unwrap_or(i64::MAX);
        self.expires_at
            .is_none_or(|expires_at| expires_at <= now_unix.saturating_add(margin))
    }

    /// These tokens after a refresh. A field the refresh did not send keeps its stored
    /// value: upstreams commonly omit `scope`, `userid`, or the refresh token when it
    /// did not rotate, and dropping them would lose the account. An omitted expiry
    /// keeps the old one too, which errs towards refreshing early.
    pub fn merge(self, update: TokenUpdate) -> Tokens {
        let mut extra = self.extra;
        extra.extend(update.extra);
        Tokens {
            access_token: update.access_token,
            refresh_token: update.refresh_token.or(self.refresh_token),
            expires_at: update.expires_at.or(self.expires_at),
            token_type: update.token_type.or(self.token_type),
            scope: update.scope.or(self.scope),
            userid: update.userid.or(self.userid),
            extra,
        }
    }

    /// Reads the token file's format. An empty or missing `access_token` is an error:
    /// such a file cannot authenticate anything, and treating it as "logged in" would
    /// only move the failure to the first API call.
    pub fn from_json(value: Value) -> Result<Tokens, TokenFieldError> {
        let mut object = into_object(value)?;
        let access_token = take_access_token(&mut object)?;
        let tokens = Tokens {
            access_token,
            refresh_token: take_string(&mut object, REFRESH_TOKEN)?,
            expires_at: take_unix_seconds(&mut object, EXPIRES_AT)?,
            token_type: take_string(&mut object, TOKEN_TYPE)?,
            scope: take_string(&mut object, SCOPE)?,
            userid: take_userid(&mut object)?,
            extra: object,
        };
        Ok(tokens)
    }

    /// The token file's format. Known fields win over a same-named key in `extra`, so
    /// the document never holds a key twice.
    pub fn to_json(&self) -> Value {
        let mut object: Map<String, Value> = self
            .extra
            .iter()
            .filter(|(key, _)| !KNOWN_FIELDS.contains(&key.as_str()))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        object.insert(ACCESS_TOKEN.to_owned(), self.access_token.clone().into());
        let optional = [
            (REFRESH_TOKEN, self.refresh_token.clone().map(Value::from)),
            (EXPIRES_AT, self.expires_at.map(Value::from)),
            (TOKEN_TYPE, self.token_type.clone().map(Value::from)),
            (SCOPE, self.scope.clone().map(Value::from)),
            (USERID, self.userid.clone().map(Value::from)),
        ];
        for (key, value) in optional {
            if let Some(value) = value {
                object.insert(key.to_owned(), value);
            }
        }
        Value::Object(object)
    }

    /// Whether the access token is usable at all; the store refuses to write one that
    /// is not.
    pub(crate) fn has_access_token(&self) -> bool {
        !self.access_token.trim().is_empty()
    }
}

impl From<TokenUpdate> for Tokens {
    /// The first tokens of an account, from the authorization code exchange.
    fn from(update: TokenUpdate) -> Self {
        Tokens {
            access_token: update.access_token,
            refresh_token: update.refresh_token,
            expires_at: update.expires_at,
            token_type: update.token_type,
            scope: update.scope,
            userid: update.userid,
            extra: update.extra,
        }
    }
}

/// Hand-written so that logging tokens can never print one.
impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tokens")
            .field("access_token", &Redacted(Some(&self.access_token)))
            .field("refresh_token", &Redacted(self.refresh_token.as_deref()))
            .field("expires_at", &self.expires_at)
            .field("token_type", &self.token_type)
            .field("scope", &self.scope)
            .field("userid", &self.userid)
            .field("extra", &ExtraKeys(&self.extra))
            .finish()
    }
}

/// What a token endpoint answered: the access token is required, every other field
/// is optional and, when absent, leaves the stored value alone (see [`Tokens::merge`]).
#[derive(Clone, PartialEq)]
pub struct TokenUpdate {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_at: Option<i64>,
    pub token_type: Option<String>,
    pub scope: Option<String>,
    pub userid: Option<String>,
    /// Other fields of the response, kept so nothing the upstream sent is lost.
    pub extra: Map<String, Value>,
}

impl TokenUpdate {
    pub fn new(access_token: impl Into<String>) -> Self {
        Self {
            access_token: access_token.into(),
            refresh_token: None,
            expires_at: None,
            token_type: None,
            scope: None,
            userid: None,
            extra: Map::new(),
        }
    }

    /// Reads an OAuth 2.0 token response (RFC 6749 section 5.1), already unwrapped
    /// from any provider envelope. The relative `expires_in` becomes an absolute
    /// `expires_at` against `now_unix`, because a relative time means nothing once
    /// written to disk; an absolute `expires_at` is accepted as well.
    pub fn from_oauth_response(response: Value, now_unix: i64) -> Result<Self, TokenFieldError> {
        let mut object = into_object(response)?;
        let access_token = take_access_token(&mut object)?;
        let expires_in = take_unix_seconds(&mut object, EXPIRES_IN)?;
        let expires_at = take_unix_seconds(&mut object, EXPIRES_AT)?;
        Ok(TokenUpdate {
            access_token,
            refresh_token: take_string(&mut object, REFRESH_TOKEN)?,
            expires_at: expires_in
                .map(|seconds| now_unix.saturating_add(seconds))
                .or(expires_at),
            token_type: take_string(&mut object, TOKEN_TYPE)?,
            scope: take_string(&mut object, SCOPE)?,
            userid: take_userid(&mut object)?,
            extra: object,
        })
    }
}

impl fmt::Debug for TokenUpdate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenUpdate")
            .field("access_token", &Redacted(Some(&self.access_token)))
            .field("refresh_token", &Redacted(self.refresh_token.as_deref()))
            .field("expires_at", &self.expires_at)
            .field("token_type", &self.token_type)
            .field("scope", &self.scope)
            .field("userid", &self.userid)
            .field("extra", &ExtraKeys(&self.extra))
            .finish()
    }
}

/// The current time in unix seconds, for [`Tokens::is_expired_within`] and
/// [`TokenUpdate::from_oauth_response`]. A clock before 1970 reads as 0.
pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
        })
}

/// Shows whether a secret is present, never what it is.
struct Redacted<'a>(Option<&'a str>);

impl fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(_) => f.write_str(REDACTED),
            None => f.write_str("None"),
        }
    }
}

/// Unknown fields may be secrets too (an `id_token`, say): only their names show.
struct ExtraKeys<'a>(&'a Map<String, Value>);

impl fmt::Debug for ExtraKeys<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

fn into_object(value: Value) -> Result<Map<String, Value>, TokenFieldError> {
    match value {
        Value::Object(object) => Ok(object),
        other => Err(TokenFieldError::NotAnObject {
            found: json_type(&other),
        }),
    }
}

fn take_access_token(object: &mut Map<String, Value>) -> Result<String, TokenFieldError> {
    take_string(object, ACCESS_TOKEN)?
        .filter(|token| !token.trim().is_empty())
        .ok_or(TokenFieldError::Missing {
            field: ACCESS_TOKEN,
        })
}

/// A string field; `null` and absence both mean "not set".
fn take_string(
    object: &mut Map<String, Value>,
    field: &'static str,
) -> Result<Option<String>, TokenFieldError> {
    match object.remove(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(other) => Err(invalid(field, "a string", &other)),
    }
}

/// Whole seconds. A fractional number (some clients write `time.time()`) is
/// truncated, and a numeric string is accepted, since refusing either would log the
/// user out over a formatting detail.
fn take_unix_seconds(
    object: &mut Map<String, Value>,
    field: &'static str,
) -> Result<Option<i64>, TokenFieldError> {
    const EXPECTED: &str = "a number of seconds";
    let value = match object.remove(field) {
        None | Some(Value::Null) => return Ok(None),
        Some(value) => value,
    };
    let seconds = match &value {
        Value::Number(number) => number
            .as_i64()
            .or_else(|| number.as_f64().and_then(float_seconds)),
        Value::String(text) => text.trim().parse::<f64>().ok().and_then(float_seconds),
        _ => None,
    };
    seconds
        .map(Some)
        .ok_or_else(|| invalid(field, EXPECTED, &value))
}

fn float_seconds(value: f64) -> Option<i64> {
    // The range check keeps the cast exact; NaN fails it too.
    (value.is_finite() && value.abs() < 9.0e15).then(|| value.trunc() as i64)
}

/// Upstreams send the user id as a string or a number; either is kept as text.
fn take_userid(object: &mut Map<String, Value>) -> Result<Option<String>, TokenFieldError> {
    match object.remove(USERID) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(Value::Number(number)) => Ok(Some(number.to_string())),
        Some(other) => Err(invalid(USERID, "a string or a number", &other)),
    }
}

fn invalid(field: &'static str, expected: &'static str, found: &Value) -> TokenFieldError {
    TokenFieldError::Invalid {
        field,
        expected,
        found: json_type(found),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn stored() -> Tokens {
        Tokens::from_json(json!({
            "access_token": "old-access",
            "refresh_token": "old-refresh",
            "expires_at": 1_000,
            "token_type": "Bearer",
            "scope": "user.metrics",
            "userid": 42,
            "csrf_token": "kept",
        }))
        .expect("valid tokens")
    }

    #[test]
    fn merge_keeps_what_the_refresh_omits() {
        let mut update = TokenUpdate::new("new-access");
        update.expires_at = Some(2_000);
        update
            .extra
            .insert("new_field".to_owned(), json!("from-refresh"));
        let merged = stored().merge(update);
        assert_eq!(merged.access_token, "new-access");
        assert_eq!(merged.expires_at, Some(2_000));
        assert_eq!(merged.refresh_token.as_deref(), Some("old-refresh"));
        assert_eq!(merged.scope.as_deref(), Some("user.metrics"));
        assert_eq!(merged.userid.as_deref(), Some("42"));
        assert_eq!(merged.token_type.as_deref(), Some("Bearer"));
        assert_eq!(merged.extra["csrf_token"], "kept");
        assert_eq!(merged.extra["new_field"], "from-refresh");
    }

    #[test]
    fn merge_takes_what_the_refresh_sends() {
        let mut update = TokenUpdate::new("new-access");
        update.refresh_token = Some("new-refresh".to_owned());
        update.scope = Some("user.activity".to_owned());
        update.userid = Some("43".to_owned());
        update.extra.insert("csrf_token".to_owned(), json!("new"));
        let merged = stored().merge(update);
        assert_eq!(merged.refresh_token.as_deref(), Some("new-refresh"));
        assert_eq!(merged.scope.as_deref(), Some("user.activity"));
        assert_eq!(merged.userid.as_deref(), Some("43"));
        assert_eq!(merged.expires_at, Some(1_000));
        assert_eq!(merged.extra["csrf_token"], "new");
    }

    #[test]
    fn oauth_response_becomes_an_absolute_expiry() {
        let response = json!({
            "access_token": "a",
            "refresh_token": "r",
            "expires_in": 10_800,
            "userid": "12345",
            "scope": "user.metrics",
            "token_type": "Bearer",
            "csrf_token": "c",
        });
        let update = TokenUpdate::from_oauth_response(response, 1_700_000_000).expect("valid");
        assert_eq!(update.expires_at, Some(1_700_010_800));
        assert_eq!(update.userid.as_deref(), Some("12345"));
        assert!(!update.extra.contains_key("expires_in"));
        assert_eq!(update.extra["csrf_token"], "c");

        let numeric = json!({"access_token": "a", "userid": 12345});
        let update = TokenUpdate::from_oauth_response(numeric, 0).expect("valid");
        assert_eq!(update.userid.as_deref(), Some("12345"));
        assert_eq!(update.expires_at, None);
    }

    #[test]
    fn missing_or_empty_access_token_is_refused() {
        for document in [
            json!({"refresh_token": "r"}),
            json!({"access_token": "", "refresh_token": "r"}),
            json!({"access_token": "  "}),
            json!({"access_token": null}),
        ] {
            assert_eq!(
                Tokens::from_json(document.clone()),
                Err(TokenFieldError::Missing {
                    field: "access_token"
                })
            );
            assert_eq!(
                TokenUpdate::from_oauth_response(document, 0),
                Err(TokenFieldError::Missing {
                    field: "access_token"
                })
            );
        }
    }

    #[test]
    fn wrong_types_name_the_field_but_not_the_value() {
        let error = Tokens::from_json(json!({"access_token": "a", "expires_at": "soon-secret"}))
            .expect_err("not a number");
        assert_eq!(
            error,
            TokenFieldError::Invalid {
                field: "expires_at",
                expected: "a number of seconds",
                found: "a string"
            }
        );
        assert!(!error.to_string().contains("soon-secret"));

        let error = Tokens::from_json(json!({"access_token": ["a-secret"]})).expect_err("array");
        assert!(error.to_string().contains("access_token"), "{error}");
        assert!(!error.to_string().contains("a-secret"), "{error}");

        assert_eq!(
            Tokens::from_json(json!(["a"])),
            Err(TokenFieldError::NotAnObject { found: "an array" })
        );
    }

    #[test]
    fn lenient_expiry_formats() {
        let tokens = Tokens::from_json(json!({"access_token": "a", "expires_at": 1700000000.75}))
            .expect("float");
        assert_eq!(tokens.expires_at, Some(1_700_000_000));
        let tokens = Tokens::from_json(json!({"access_token": "a", "expires_at": "1700000000"}))
            .expect("numeric string");
        assert_eq!(tokens.expires_at, Some(1_700_000_000));
    }

    #[test]
    fn expiry_with_margin() {
        let mut tokens = Tokens::new("a");
        assert!(
            tokens.is_expired_within(Duration::ZERO, 0),
            "unknown expiry"
        );
        tokens.expires_at = Some(1_000);
        assert!(!tokens.is_expired_within(Duration::from_secs(60), 900));
        assert!(tokens.is_expired_within(Duration::from_secs(100), 900));
        assert!(tokens.is_expired_within(Duration::ZERO, 1_000));
        assert!(tokens.is_expired_within(Duration::ZERO, 2_000));
        assert!(!tokens.is_expired_within(Duration::MAX, i64::MIN));
    }

    #[test]
    fn known_fields_win_over_extra_when_written() {
        let mut tokens = Tokens::new("real");
        tokens
            .extra
            .insert("access_token".to_owned(), json!("shadow"));
        tokens.extra.insert("other".to_owned(), json!(1));
        let value = tokens.to_json();
        assert_eq!(value["access_token"], "real");
        assert_eq!(value["other"], 1);
        assert!(value.get("refresh_token").is_none(), "absent, not null");
    }

    #[test]
    fn debug_redacts_secrets() {
        let mut tokens = stored();
        tokens
            .extra
            .insert("id_token".to_owned(), json!("extra-secret-value"));
        let debug = format!("{tokens:?}");
        assert!(!debug.contains("old-access"), "{debug}");
        assert!(!debug.contains("old-refresh"), "{debug}");
        assert!(!debug.contains("extra-secret-value"), "{debug}");
        assert!(debug.contains(REDACTED), "{debug}");
        assert!(debug.contains("id_token"), "{debug}");
        assert!(debug.contains("user.metrics"), "{debug}");

        let mut update = TokenUpdate::new("update-access");
        update.refresh_token = Some("update-refresh".to_owned());
        let debug = format!("{update:?}");
        assert!(!debug.contains("update-access"), "{debug}");
        assert!(!debug.contains("update-refresh"), "{debug}");
    }
}
