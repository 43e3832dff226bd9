//! Connecting from inside a chat: `withings_get_auth_url`, `withings_exchange_code`
//! and `withings_revoke_access`. Tokens are stored locally and never returned.

use std::sync::Arc;
use std::time::{Duration, Instant};

use delx_framework::random::hex_token;
use delx_framework::render::{Markdown, ResponseFormat};
use delx_framework::schemars::{self, JsonSchema};
use delx_framework::{CallContext, Tool, ToolAnnotations, ToolError, ToolOutput, async_trait};
use serde::{Deserialize, Serialize};

use super::status::FormatOnly;
use super::{ToolContext, wants_markdown};
use crate::lifecycle::revoke::{RevokeReport, revoke};

/// A remembered state is useless after this: the consent page's code lives 30 s.
const STATE_LIFETIME: Duration = Duration::from_secs(15 * 60);

pub struct GetAuthUrl(pub Arc<ToolContext>);

#[derive(Debug, Serialize, JsonSchema)]
pub struct AuthUrlOutput {
    pub auth_url: String,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub next_step: String,
}

#[async_trait]
impl Tool for GetAuthUrl {
    type Input = FormatOnly;
    type Output = AuthUrlOutput;

    fn name(&self) -> &'static str {
        "withings_get_auth_url"
    }
    fn title(&self) -> &'static str {
        "Get the Withings sign-in link"
    }
    fn description(&self) -> &'static str {
        "Creates the Withings consent link for the user to open, with a fresh unguessable state that \
         withings_exchange_code checks later. Use it when no tokens are stored and the user cannot run \
         `withings-mcp auth` in a terminal. Makes no network call."
    }
    fn annotations(&self) -> ToolAnnotations {
        ToolAnnotations {
            read_only: true,
            destructive: false,
            idempotent: false,
            open_world: false,
        }
    }

    async fn call(
        &self,
        input: FormatOnly,
        _ctx: &dyn CallContext,
    ) -> Result<ToolOutput<AuthUrlOutput>, ToolError> {
        let state = hex_token(16).map_err(|error| ToolError::internal(error.to_string()))?;
        let auth_url = self
            .0
            .client
            .authorize_url(&state)
            .map_err(ToolError::from)?;
        if let Ok(mut pending) = self.0.pending_state.lock() {
            *pending = Some((state, Instant::now()));
        }
        let data = AuthUrlOutput {
            auth_url,
            redirect_uri: self.0.settings.redirect_uri.clone(),
            scopes: self.0.settings.scopes.clone(),
            next_step: "Ask the user to open auth_url and approve access, then pass the full address the browser \
                        lands on (or just its code) to withings_exchange_code right away: codes expire after 30 s."
                .into(),
        };
        let mut output = ToolOutput::new(data);
        if wants_markdown(input.response_format) {
            let text = Markdown::new()
                .title("Withings sign-in")
                .field("Open", &output.data.auth_url)
                .line(&output.data.next_step)
                .build();
            output = output.with_markdown(text);
        }
        Ok(output)
    }
}

pub struct ExchangeCode(pub Arc<ToolContext>);

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeInput {
    /// The authorization code, or the full address the browser was sent to after
    /// approving (it contains `code=` and `state=`). Never invent one.
    #[schemars(length(min = 1, max = 4096))]
    pub code: String,
    /// `markdown` (default) or `json`.
    #[serde(default)]
    pub response_format: Option<ResponseFormat>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ExchangeOutput {
    pub ok: bool,
    pub token_path: String,
    pub scope: Option<String>,
    pub expires_at: Option<i64>,
    /// Whether the link's state was checked against the one this server handed out.
    pub state_verified: bool,
    pub note: String,
}

#[async_trait]
impl Tool for ExchangeCode {
    type Input = ExchangeInput;
    type Output = ExchangeOutput;

    fn name(&self) -> &'static str {
        "withings_exchange_code"
    }
    fn title(&self) -> &'static str {
        "Finish the Withings sign-in"
    }
    fn description(&self) -> &'static str {
        "Exchanges the code from the Withings consent page for tokens and stores them locally; the tokens \
         are never returned. Accepts the code or the full redirect address, and checks its state against \
         the one withings_get_auth_url handed out. Needs the user to have approved access in the browser: \
         never invent a code."
    }
    fn annotations(&self) -> ToolAnnotations {
        ToolAnnotations {
            read_only: false,
            destructive: false,
            idempotent: false,
            open_world: true,
        }
    }

    async fn call(
        &self,
        input: ExchangeInput,
        _ctx: &dyn CallContext,
    ) -> Result<ToolOutput<ExchangeOutput>, ToolError> {
        let (code, state) = parse_code(&input.code)?;
        let remembered = self
            .0
            .pending_state
            .lock()
            .ok()
            .and_then(|pending| pending.clone())
            .filter(|(_, at)| at.elapsed() < STATE_LIFETIME);
        let state_verified = match (&state, &remembered) {
            (Some(given), Some((expected, _))) if given == expected => true,
            (Some(_), Some(_)) => {
                return Err(ToolError::invalid_input(
                    "the link's state does not match the sign-in this server started; it may be stale or forged",
                )
                .with_next_step("Call withings_get_auth_url again and use the new link."));
            }
            _ => false,
        };
        let tokens = self
            .0
            .client
            .exchange_code(&code)
            .await
            .map_err(ToolError::from)?;
        if let Ok(mut pending) = self.0.pending_state.lock() {
            *pending = None;
        }
        let settings = &self.0.settings;
        let data = ExchangeOutput {
            ok: true,
            token_path: settings.display(&settings.token_path),
            scope: tokens.scope,
            expires_at: tokens.expires_at,
            state_verified,
            note: "Tokens were stored locally (owner-only file) and are deliberately not shown."
                .into(),
        };
        let mut output = ToolOutput::new(data);
        if wants_markdown(input.response_format) {
            let text = Markdown::new()
                .title("Withings connected")
                .field("Tokens", &output.data.token_path)
                .field_opt("Scopes", output.data.scope.as_deref())
                .line("Next: call withings_connection_status.")
                .build();
            output = output.with_markdown(text);
        }
        Ok(output)
    }
}

/// The code and, when a full address was given, its state.
fn parse_code(text: &str) -> Result<(String, Option<String>), ToolError> {
    let text = text.trim().trim_matches(['"', '\'', '<', '>']);
    if !text.contains("code=") && !text.contains("error=") {
        if text.is_empty() || text.contains(char::is_whitespace) {
            return Err(ToolError::invalid_input(
                "that is neither a code nor a redirect address",
            ));
        }
        return Ok((text.to_owned(), None));
    }
    let query = match text.split_once('?') {
        Some((_, query)) => query,
        None => text,
    };
    let query = query.split('#').next().unwrap_or(query);
    let mut code = None;
    let mut state = None;
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "code" => code = Some(value.into_owned()),
            "state" => state = Some(value.into_owned()),
            "error" => {
                return Err(ToolError::user_action_required(format!(
                    "Withings reported an error: {value}"
                ))
                .with_next_step(
                    "Ask the user to approve access on the consent page, then try again.",
                ));
            }
            _ => {}
        }
    }
    let code = code
        .filter(|code| !code.is_empty())
        .ok_or_else(|| ToolError::invalid_input("the address carries no code"))?;
    Ok((code, state))
}

pub struct RevokeAccess(pub Arc<ToolContext>);

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeInput {
    /// Must be `true`, and only after the user explicitly asked to disconnect.
    pub explicit_user_intent: bool,
    /// `markdown` (default) or `json`.
    #[serde(default)]
    pub response_format: Option<ResponseFormat>,
}

#[async_trait]
impl Tool for RevokeAccess {
    type Input = RevokeInput;
    type Output = RevokeReport;

    fn name(&self) -> &'static str {
        "withings_revoke_access"
    }
    fn title(&self) -> &'static str {
        "Disconnect Withings"
    }
    fn description(&self) -> &'static str {
        "Disconnects the user's Withings account: revokes the grant at Withings when the app credentials \
         are configured, then deletes the local tokens and the account's cached data, and reports \
         each step. Destructive: call it only \
         when the user explicitly asked, with explicit_user_intent set to true."
    }
    fn annotations(&self) -> ToolAnnotations {
        ToolAnnotations {
            read_only: false,
            destructive: true,
            idempotent: true,
            open_world: true,
        }
    }

    async fn call(
        &self,
        input: RevokeInput,
        _ctx: &dyn CallContext,
    ) -> Result<ToolOutput<RevokeReport>, ToolError> {
        if !input.explicit_user_intent {
            return Err(ToolError::user_action_required(
                "disconnecting needs the user's explicit confirmation (explicit_user_intent: true)",
            )
            .with_next_step("Ask the user whether they really want to disconnect Withings."));
        }
        let report = revoke(&self.0.settings)
            .await
            .map_err(ToolError::upstream)?;
        let mut output = ToolOutput::new(report);
        if wants_markdown(input.response_format) {
            let text = Markdown::new()
                .title("Withings disconnected")
                .field("At Withings", output.data.upstream)
                .field_opt("Detail", output.data.upstream_detail.as_deref())
                .field(
                    "Local tokens removed",
                    if output.data.local_tokens_removed {
                        "yes"
                    } else {
                        "none stored"
                    },
                )
                .field_opt("Cached answers removed", output.data.cache_entries_removed)
                .field_opt("Cache", output.data.cache_detail.as_deref())
                .build();
            output = output.with_markdown(text);
        }
        Ok(output)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_come_raw_or_inside_the_redirect_address() {
        assert_eq!(parse_code(" abc123 ").unwrap(), ("abc123".into(), None));
        let (code, state) =
            parse_code("http://127.0.0.1:3000/callback?code=c0de&state=s7").unwrap();
        assert_eq!((code.as_str(), state.as_deref()), ("c0de", Some("s7")));
        assert_eq!(parse_code("code=x&state=y").unwrap().0, "x");
        assert!(parse_code("http://127.0.0.1:3000/callback?error=access_denied&state=s").is_err());
        assert!(parse_code("http://127.0.0.1:3000/callback?code=&state=s").is_err());
        assert!(parse_code("two words").is_err());
    }
}
