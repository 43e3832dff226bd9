//! Is this connector ready to talk to Withings, and if not, what is the next step?
//!
//! One assessment serves `doctor` and the `withings_connection_status` tool, so a
//! person at the terminal and an agent in a chat get the same answer. It is built
//! from what is really on disk (permissions included), never from claims.

use delx_framework::PrivacyMode;
use delx_framework::auth::{TokenStore, TokenStoreError, unix_now};
use delx_framework::config::ConfigSource;
use delx_framework::schemars::{self, JsonSchema};
use serde::Serialize;

use crate::config::{
    CLIENT_ID, CLIENT_SECRET, DEFAULT_SCOPES, REDIRECT_URI, Settings, split_scopes,
};

/// Where people create a Withings app to get a client id and secret.
pub const DEVELOPER_DASHBOARD: &str = "https://developer.withings.com/dashboard/";

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Readiness {
    /// Everything needed for API calls is in place.
    pub ready: bool,
    pub config: ConfigCheck,
    /// The settings that must be present, and which are missing.
    pub missing_settings: Vec<&'static str>,
    /// The redirect URI is a local `http://127.0.0.1:PORT/...` one, so `auth` can
    /// catch the callback by itself.
    pub automatic_auth_supported: bool,
    pub token: TokenCheck,
    pub scopes: ScopeCheck,
    pub privacy_mode: PrivacyMode,
    pub cache: super::cache::CacheCheck,
    /// Numbered by the renderer; empty only when ready.
    pub next_steps: Vec<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ConfigCheck {
    pub exists: bool,
    pub source: ConfigSource,
    /// `None` when there is no file or the platform has no permission bits.
    pub secure_permissions: Option<bool>,
    /// The file holds the client secret (instead of the environment).
    pub holds_secret: bool,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TokenCheck {
    pub exists: bool,
    pub readable: bool,
    pub secure_permissions: Option<bool>,
    pub expires_at: Option<i64>,
    pub expired: Option<bool>,
    pub has_refresh_token: bool,
    /// Why the file could not be used, without its content.
    pub problem: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScopeStatus {
    Ok,
    MissingRecommended,
    /// The token file records no scope.
    Unknown,
    MissingToken,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ScopeCheck {
    pub recommended: Vec<String>,
    pub granted: Vec<String>,
    pub missing: Vec<String>,
    pub status: ScopeStatus,
}

/// Assesses `settings` against what is on disk now.
pub fn assess(settings: &Settings) -> Readiness {
    let layers = &settings.layers;
    let config = ConfigCheck {
        exists: layers.file.exists,
        source: layers.source(),
        secure_permissions: layers.file.secure,
        holds_secret: layers.source_of(CLIENT_SECRET)
            == delx_framework::config::ValueSource::LocalConfig,
        warnings: layers
            .warnings
            .iter()
            .map(|warning| match &layers.file.path {
                Some(path) => warning.replace(&path.display().to_string(), &settings.display(path)),
                None => warning.clone(),
            })
            .collect(),
    };
    let missing_settings: Vec<&'static str> = [
        (CLIENT_ID, settings.client_id.is_some()),
        (CLIENT_SECRET, settings.client_secret.is_some()),
    ]
    .into_iter()
    .filter_map(|(name, present)| (!present).then_some(name))
    .collect();
    let automatic_auth_supported =
        delx_framework::auth::callback::LoopbackRedirect::parse(&settings.redirect_uri).is_ok();
    let (token, granted) = check_token(&TokenStore::new(&settings.token_path), settings);
    let recommended: Vec<String> = DEFAULT_SCOPES
        .iter()
        .map(|scope| (*scope).to_owned())
        .collect();
    let scopes = match (&granted, token.exists && token.readable) {
        (_, false) => ScopeCheck {
            missing: recommended.clone(),
            recommended,
            granted: Vec::new(),
            status: ScopeStatus::MissingToken,
        },
        (None, true) => ScopeCheck {
            recommended,
            granted: Vec::new(),
            missing: Vec::new(),
            status: ScopeStatus::Unknown,
        },
        (Some(granted), true) => {
            let missing: Vec<String> = recommended
                .iter()
                .filter(|scope| !granted.contains(scope))
                .cloned()
                .collect();
            ScopeCheck {
                status: if missing.is_empty() {
                    ScopeStatus::Ok
                } else {
                    ScopeStatus::MissingRecommended
                },
                recommended,
                granted: granted.clone(),
                missing,
            }
        }
    };
    let token_usable = token.exists
        && token.readable
        && token.secure_permissions != Some(false)
        && (token.expired != Some(true) || token.has_refresh_token);
    let ready = missing_settings.is_empty()
        && token_usable
        && !matches!(scopes.status, ScopeStatus::MissingRecommended);
    let mut readiness = Readiness {
        ready,
        config,
        missing_settings,
        automatic_auth_supported,
        token,
        scopes,
        privacy_mode: settings.privacy_mode,
        cache: super::cache::check(settings),
        next_steps: Vec::new(),
    };
    readiness.next_steps = next_steps(&readiness, settings);
    readiness
}

fn check_token(store: &TokenStore, settings: &Settings) -> (TokenCheck, Option<Vec<String>>) {
    let status = store.permissions();
    let mut check = TokenCheck {
        exists: status.exists,
        readable: false,
        secure_permissions: status.secure,
        expires_at: None,
        expired: None,
        has_refresh_token: false,
        problem: None,
    };
    match store.load() {
        Ok(tokens) => {
            check.readable = true;
            check.expires_at = tokens.expires_at;
            check.expired = tokens.expires_at.map(|at| at <= unix_now());
            check.has_refresh_token = tokens
                .refresh_token
                .as_deref()
                .is_some_and(|token| !token.is_empty());
            let granted = tokens.scope.as_deref().map(|scope| {
                let mut scopes = split_scopes(scope);
                scopes.sort();
                scopes.dedup();
                scopes
            });
            (check, granted)
        }
        Err(TokenStoreError::NotFound { .. }) => (check, None),
        Err(error) => {
            let absolute = settings.token_path.display().to_string();
            check.problem = Some(
                error
                    .to_string()
                    .replace(&absolute, &settings.display(&settings.token_path)),
            );
            (check, None)
        }
    }
}

fn next_steps(readiness: &Readiness, settings: &Settings) -> Vec<String> {
    let mut steps = Vec::new();
    if readiness.config.secure_permissions == Some(false) {
        steps.push("Restrict the config file: chmod 600 ~/.withings-mcp/config.json".to_owned());
    }
    if !readiness.missing_settings.is_empty() {
        steps.push(format!(
            "Set {}: run `withings-mcp setup` (create a Withings app at {DEVELOPER_DASHBOARD} if you have none).",
            readiness.missing_settings.join(" and ")
        ));
    }
    if !readiness.automatic_auth_supported {
        steps.push(format!(
            "For one-command auth, set {REDIRECT_URI} to a local callback such as http://127.0.0.1:3000/callback \
             (and register it in your Withings app), or use `withings-mcp auth --paste`."
        ));
    }
    let token = &readiness.token;
    if !token.exists {
        steps.push("Run `withings-mcp auth` to connect your Withings account.".to_owned());
    } else if !token.readable {
        steps.push(format!(
            "The token file cannot be used ({}); run `withings-mcp auth` to write a new one.",
            token.problem.as_deref().unwrap_or("unreadable")
        ));
    } else {
        if token.secure_permissions == Some(false) {
            steps.push(format!(
                "Restrict the token file: chmod 600 {}",
                settings.display(&settings.token_path)
            ));
        }
        if token.expired == Some(true) && !token.has_refresh_token {
            steps.push(
                "The access token expired and no refresh token is stored: run `withings-mcp auth`."
                    .to_owned(),
            );
        }
    }
    match readiness.scopes.status {
        ScopeStatus::MissingRecommended => steps.push(format!(
            "Run `withings-mcp auth` again to grant the missing scopes: {}.",
            readiness.scopes.missing.join(", ")
        )),
        ScopeStatus::Unknown => steps.push(
            "The token file records no scope; if some data is refused, run `withings-mcp auth` again.".to_owned(),
        ),
        ScopeStatus::Ok | ScopeStatus::MissingToken => {}
    }
    steps
}
