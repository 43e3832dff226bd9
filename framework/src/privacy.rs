//! Privacy modes and the redactor every output passes through.
//!
//! The redactor is the last line of defence: whatever a tool, an upstream error body
//! or a log line carries, tokens and secrets are replaced before anything leaves the
//! process. It works on two levels: keys that name a secret (anywhere in nested data)
//! and values that look like one (inside any string).

use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use regex::Regex;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::config::LayeredConfig;

/// How much of the upstream data a tool returns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PrivacyMode {
    /// Decoded values only; no device identifiers or upstream bookkeeping.
    Summary,
    /// Decoded, named values plus every non-sensitive upstream field.
    #[default]
    Structured,
    /// The upstream payload itself, still stripped of secrets. Only on request.
    Raw,
}

impl PrivacyMode {
    pub const ALL: [Self; 3] = [Self::Summary, Self::Structured, Self::Raw];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Summary => "summary",
            Self::Structured => "structured",
            Self::Raw => "raw",
        }
    }

    /// The per-call choice if any, else the configured default.
    pub fn resolve(per_call: Option<Self>, configured: Self) -> Self {
        per_call.unwrap_or(configured)
    }

    /// The default set by environment or config file under `key`; `structured` when
    /// unset. A value that names no mode is an error rather than a silent fallback,
    /// so a typo in `raw` or `summary` never changes what data flows.
    pub fn configured(config: &LayeredConfig, key: &str) -> Result<Self, UnknownPrivacyMode> {
        config.get(key).map_or(Ok(Self::default()), str::parse)
    }
}

impl fmt::Display for PrivacyMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown privacy mode {0:?}; use summary, structured or raw")]
pub struct UnknownPrivacyMode(pub String);

impl FromStr for PrivacyMode {
    type Err = UnknownPrivacyMode;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value.trim().to_ascii_lowercase().as_str() {
            "summary" => Ok(Self::Summary),
            "structured" => Ok(Self::Structured),
            "raw" => Ok(Self::Raw),
            _ => Err(UnknownPrivacyMode(value.to_owned())),
        }
    }
}

/// What replaces a secret.
pub const REDACTED: &str = "[REDACTED]";

/// Secret shorter than this are not searched for as plain substrings: a two-letter
/// "secret" would shred every text.
const MIN_KNOWN_SECRET_LEN: usize = 6;

/// Key names (lowercase, without `_` and `-`) whose values are secrets.
const SECRET_KEYS: &[&str] = &[
    "accesstoken",
    "refreshtoken",
    "idtoken",
    "token",
    "clientsecret",
    "secret",
    "authorization",
    "proxyauthorization",
    "password",
    "passwd",
    "apikey",
    "xapikey",
    "cookie",
    "setcookie",
    "privatekey",
];

/// What [`SECRET_VALUE_PATTERNS`] catch, in the same order, in words an audit can show.
const SECRET_VALUE_KINDS: &[&str] = &[
    "quoted JSON fields named like a credential, inside any text",
    "credential-named query or form parameters",
    "OAuth authorization codes in redirect addresses",
    "JSON Web Tokens",
    "credentials following an Authorization scheme name",
];

static SECRET_VALUE_PATTERNS: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    let names = r"access_token|refresh_token|id_token|client_secret|api_key|apikey|password";
    [
        // `"access_token": "..."` inside a string (an upstream body quoted in an error).
        (
            format!(r#"(?i)"({names})"\s*:\s*"[^"]*""#),
            r#""${1}":"[REDACTED]""#,
        ),
        // `access_token=...` in a query string or form body.
        (format!(r"(?i)\b({names})=[^&\s\x22']+"), "${1}=[REDACTED]"),
        // An OAuth authorization code in a redirect URL.
        (
            r"(?i)([?&])code=[^&\s\x22'#]+".to_owned(),
            "${1}code=[REDACTED]",
        ),
        // JSON Web Tokens.
        (
            r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*".to_owned(),
            REDACTED,
        ),
        // Authorization headers, quoted anywhere.
        (
            r"(?i)\b(bearer|basic)\s+[A-Za-z0-9\-._~+/]{6,}=*".to_owned(),
            "${1} [REDACTED]",
        ),
    ]
    .into_iter()
    .map(|(pattern, replacement)| {
        (
            Regex::new(&pattern).expect("redaction patterns are valid"),
            replacement,
        )
    })
    .collect()
});

/// Removes secrets from strings and JSON values.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    known_secrets: Vec<String>,
}

impl Redactor {
    pub fn new() -> Self {
        Self::default()
    }

    /// The key names whose values are always removed, lowercase and without `_` or
    /// `-`: a privacy audit shows this list rather than a copy that could drift.
    pub fn secret_key_names() -> &'static [&'static str] {
        SECRET_KEYS
    }

    /// What the value patterns catch inside strings, described in words.
    pub fn secret_value_kinds() -> &'static [&'static str] {
        SECRET_VALUE_KINDS
    }

    /// Also redacts these exact values wherever they appear (a configured secret).
    pub fn with_known_secrets(mut self, secrets: impl IntoIterator<Item = String>) -> Self {
        self.known_secrets.extend(
            secrets
                .into_iter()
                .filter(|secret| secret.len() >= MIN_KNOWN_SECRET_LEN),
        );
        // Longest first, so a secret containing another is replaced whole.
        self.known_secrets
            .sort_by_key(|secret| std::cmp::Reverse(secret.len()));
        self.known_secrets.dedup();
        self
    }

    pub fn redact_str(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in &self.known_secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), REDACTED);
            }
        }
        for (pattern, replacement) in SECRET_VALUE_PATTERNS.iter() {
            if pattern.is_match(&out) {
                out = pattern.replace_all(&out, *replacement).into_owned();
            }
        }
        out
    }

    /// Redacts in place: secret-named keys lose their value, every string is scanned.
    pub fn redact_value(&self, value: &mut Value) {
        match value {
            Value::String(text) => {
                let redacted = self.redact_str(text);
                if redacted != *text {
                    *text = redacted;
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| self.redact_value(item)),
            Value::Object(map) => {
                for (key, item) in map.iter_mut() {
                    if is_secret_key(key) {
                        redact_strings(item);
                    } else {
                        self.redact_value(item);
                    }
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }
}

/// Replaces every string under a secret-named key, keeping the shape (objects,
/// lists, numbers, booleans, nulls), so a redacted result still matches its schema.
fn redact_strings(value: &mut Value) {
    match value {
        Value::String(text) => *text = REDACTED.to_owned(),
        Value::Array(items) => items.iter_mut().for_each(redact_strings),
        Value::Object(map) => map.values_mut().for_each(redact_strings),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// True for key names like `access_token`, `Client-Secret` or `apiKey`.
pub fn is_secret_key(key: &str) -> bool {
    let normalized: String = key
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    SECRET_KEYS.contains(&normalized.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTYifQ.c2lnbmF0dXJlX2hlcmU";

    #[test]
    fn secret_keys_are_redacted_at_any_depth() {
        let mut value = json!({
            "ok": true,
            "nested": [{"deeper": {"access_token": "abc", "Refresh-Token": "def", "steps": 42}}],
            "auth": {"Authorization": "Bearer xyz", "apiKey": "k", "clientSecret": {"v": "hidden", "n": 1}},
            "token": {"exists": true, "problem": "bad"},
            "cookie": "session=1",
            "token_type": "Bearer",
            "password": null
        });
        Redactor::new().redact_value(&mut value);
        let deeper = &value["nested"][0]["deeper"];
        assert_eq!(deeper["access_token"], REDACTED);
        assert_eq!(deeper["Refresh-Token"], REDACTED);
        assert_eq!(deeper["steps"], 42, "ordinary values survive");
        assert_eq!(value["auth"]["Authorization"], REDACTED);
        assert_eq!(value["auth"]["apiKey"], REDACTED);
        assert_eq!(
            value["auth"]["clientSecret"],
            json!({"v": REDACTED, "n": 1}),
            "strings under a secret key go, the shape stays"
        );
        assert_eq!(value["token"], json!({"exists": true, "problem": REDACTED}));
        assert_eq!(value["cookie"], REDACTED);
        assert_eq!(
            value["token_type"], "Bearer",
            "a bare scheme name is not a secret"
        );
        assert!(
            value["password"].is_null(),
            "null stays null: nothing to hide"
        );
    }

    #[test]
    fn secret_shaped_values_are_redacted_inside_strings() {
        let redactor = Redactor::new();
        let text = format!(
            "upstream said {{\"status\":401,\"access_token\": \"tok123\"}} after \
             POST /oauth2?grant_type=refresh_token&refresh_token=rt-999&client_id=abc \
             with header Authorization: Bearer abcdef123456 and jwt {JWT} \
             from http://127.0.0.1:8080/callback?code=c0de77&state=s1"
        );
        let out = redactor.redact_str(&text);
        for leaked in ["tok123", "rt-999", "abcdef123456", JWT, "c0de77"] {
            assert!(!out.contains(leaked), "{leaked} leaked in {out}");
        }
        assert!(
            out.contains("client_id=abc"),
            "non-secret parameters survive: {out}"
        );
        assert!(out.contains("grant_type=refresh_token"), "{out}");
        assert!(out.contains("state=s1"), "{out}");
        assert_eq!(
            redactor.redact_str("HTTP status code=503"),
            "HTTP status code=503"
        );
    }

    #[test]
    fn known_secrets_are_redacted_wherever_they_appear() {
        let redactor =
            Redactor::new().with_known_secrets(["s3cr3t-value-42".to_owned(), "ab".to_owned()]);
        let mut value = json!({"note": "my secret is s3cr3t-value-42!", "list": ["xs3cr3t-value-42x"], "ab": "ab"});
        redactor.redact_value(&mut value);
        let text = value.to_string();
        assert!(!text.contains("s3cr3t-value-42"), "{text}");
        assert_eq!(value["ab"], "ab", "too-short known secrets are ignored");
    }

    #[test]
    fn error_text_with_nested_json_secrets_is_clean() {
        let redactor = Redactor::new();
        let body =
            json!({"body": {"access_token": "AAA111", "refresh_token": "BBB222"}}).to_string();
        let out = redactor.redact_str(&format!("refresh failed: {body}"));
        assert!(!out.contains("AAA111") && !out.contains("BBB222"), "{out}");
    }

    #[test]
    fn the_configured_mode_comes_from_env_over_the_config_file() {
        use crate::BuildContext;
        use crate::config::{ConfigKey, load};
        const KEYS: &[ConfigKey] = &[ConfigKey::plain("TEST_PRIVACY_MODE")];
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join(".test-mcp");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("config.json"),
            r#"{"TEST_PRIVACY_MODE": "summary"}"#,
        )
        .unwrap();
        let from = |env: &[(&str, &str)]| {
            let env = env
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            let ctx = BuildContext::new(env, Some(home.path().to_path_buf()));
            PrivacyMode::configured(&load(&ctx, ".test-mcp", KEYS).unwrap(), "TEST_PRIVACY_MODE")
        };
        assert_eq!(from(&[]).unwrap(), PrivacyMode::Summary, "config file");
        assert_eq!(
            from(&[("TEST_PRIVACY_MODE", "raw")]).unwrap(),
            PrivacyMode::Raw,
            "env wins"
        );
        assert!(
            from(&[("TEST_PRIVACY_MODE", "rawr")]).is_err(),
            "typos are errors"
        );
        std::fs::remove_file(dir.join("config.json")).unwrap();
        assert_eq!(from(&[]).unwrap(), PrivacyMode::Structured, "unset");
    }

    #[test]
    fn every_value_pattern_is_described() {
        assert_eq!(
            Redactor::secret_value_kinds().len(),
            SECRET_VALUE_PATTERNS.len()
        );
        let redactor = Redactor::new();
        for kind in Redactor::secret_value_kinds() {
            assert_eq!(
                &redactor.redact_str(kind),
                kind,
                "descriptions survive redaction"
            );
        }
    }

    #[test]
    fn privacy_mode_parses_and_defaults() {
        assert_eq!("RAW".parse::<PrivacyMode>().unwrap(), PrivacyMode::Raw);
        assert_eq!(
            " summary ".parse::<PrivacyMode>().unwrap(),
            PrivacyMode::Summary
        );
        assert!("everything".parse::<PrivacyMode>().is_err());
        assert_eq!(PrivacyMode::default(), PrivacyMode::Structured);
        assert_eq!(
            PrivacyMode::resolve(Some(PrivacyMode::Raw), PrivacyMode::Summary),
            PrivacyMode::Raw
        );
        assert_eq!(
            PrivacyMode::resolve(None, PrivacyMode::Summary),
            PrivacyMode::Summary
        );
    }
}
