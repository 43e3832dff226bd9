//! The Withings settings: `WITHINGS_*` variables over `~/.withings-mcp/config.json`,
//! with the names the original connector used so existing setups keep working.

use std::path::{Path, PathBuf};

use delx_framework::config::{self, ConfigError, ConfigKey, LayeredConfig};
use delx_framework::privacy::UnknownPrivacyMode;
use delx_framework::{BuildContext, PrivacyMode};

pub const HOME_DIR: &str = ".withings-mcp";

pub const CLIENT_ID: &str = "WITHINGS_CLIENT_ID";
pub const CLIENT_SECRET: &str = "WITHINGS_CLIENT_SECRET";
pub const REDIRECT_URI: &str = "WITHINGS_REDIRECT_URI";
pub const SCOPES: &str = "WITHINGS_SCOPES";
pub const TOKEN_PATH: &str = "WITHINGS_TOKEN_PATH";
pub const PRIVACY_MODE: &str = "WITHINGS_PRIVACY_MODE";
pub const CACHE: &str = "WITHINGS_CACHE";
pub const CACHE_PATH: &str = "WITHINGS_CACHE_PATH";
pub const CACHE_MAX_MB: &str = "WITHINGS_CACHE_MAX_MB";
pub const CACHE_MAX_AGE: &str = "WITHINGS_CACHE_MAX_AGE";
pub const API_BASE_URL: &str = "WITHINGS_API_BASE_URL";
pub const AUTH_BASE_URL: &str = "WITHINGS_AUTH_BASE_URL";

/// Every setting, in the order doctor reports them.
pub const KEYS: &[ConfigKey] = &[
    ConfigKey::plain(CLIENT_ID).about("Client id of your Withings developer app."),
    ConfigKey::secret(CLIENT_SECRET)
        .about("Client secret of your Withings developer app; prefer `withings-mcp setup`, which stores it owner-only."),
    ConfigKey::plain(REDIRECT_URI)
        .about("Callback registered with the app (default http://127.0.0.1:3000/callback)."),
    ConfigKey::plain(SCOPES)
        .about("OAuth scopes, comma-separated (default user.info,user.metrics,user.activity)."),
    ConfigKey::path(TOKEN_PATH).about("Where tokens are stored (default ~/.withings-mcp/tokens.json)."),
    ConfigKey::plain(PRIVACY_MODE)
        .about("Default privacy mode of list tools: summary, structured (default) or raw."),
    ConfigKey::plain(CACHE).about("Local cache of Withings answers: on (default) or off."),
    ConfigKey::path(CACHE_PATH).about("Cache directory (default ~/.withings-mcp/cache)."),
    ConfigKey::plain(CACHE_MAX_MB).about("Cache size limit in MiB (default 200)."),
    ConfigKey::plain(CACHE_MAX_AGE)
        .about("Seconds after which no cached answer counts as fresh, whatever the endpoint allows."),
    ConfigKey::plain(API_BASE_URL)
        .about("Withings API base (default https://wbsapi.withings.net; a regional cloud or the fake API)."),
    ConfigKey::plain(AUTH_BASE_URL).about("Withings account base for the consent page."),
];

pub const DEFAULT_API_BASE_URL: &str = "https://wbsapi.withings.net";
pub const DEFAULT_AUTH_BASE_URL: &str = "https://account.withings.com";
pub const DEFAULT_REDIRECT_URI: &str = "http://127.0.0.1:3000/callback";
/// `user.info` is needed for devices and goals; refresh needs no extra scope.
pub const DEFAULT_SCOPES: &[&str] = &["user.info", "user.metrics", "user.activity"];

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error(transparent)]
    File(#[from] ConfigError),
    #[error("{PRIVACY_MODE}: {0}")]
    PrivacyMode(#[from] UnknownPrivacyMode),
    #[error("no home directory and no {TOKEN_PATH}: set {TOKEN_PATH} to where tokens should live")]
    NoTokenPath,
    #[error("{key} is {value:?}; expected {expected}")]
    Invalid {
        key: &'static str,
        value: String,
        expected: &'static str,
    },
}

/// The local cache, as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheSettings {
    /// `WITHINGS_CACHE`, on unless set to `off`, `false`, `0` or `no`.
    pub enabled: bool,
    /// `None` without a home directory and without `WITHINGS_CACHE_PATH`: then the
    /// cache lives in memory.
    pub path: Option<PathBuf>,
    pub max_mb: u64,
    /// `WITHINGS_CACHE_MAX_AGE`: no cached answer older than this many seconds is
    /// served as fresh, whatever the endpoint allows.
    pub max_age: Option<i64>,
}

pub const DEFAULT_CACHE_MAX_MB: u64 = 200;

impl CacheSettings {
    fn load(layers: &LayeredConfig, home: Option<&Path>) -> Result<Self, SettingsError> {
        let invalid = |key, value: &str, expected| SettingsError::Invalid {
            key,
            value: value.to_owned(),
            expected,
        };
        let enabled = match layers.get(CACHE).map(|v| v.trim().to_ascii_lowercase()) {
            None => true,
            Some(v) if matches!(v.as_str(), "" | "on" | "true" | "1" | "yes") => true,
            Some(v) if matches!(v.as_str(), "off" | "false" | "0" | "no") => false,
            Some(v) => return Err(invalid(CACHE, &v, "on or off")),
        };
        let positive = |key| -> Result<Option<u64>, SettingsError> {
            match layers.get(key) {
                None => Ok(None),
                Some(text) => match text.trim().parse::<u64>() {
                    Ok(n) if n > 0 => Ok(Some(n)),
                    _ => Err(invalid(key, text, "a whole number above 0")),
                },
            }
        };
        Ok(Self {
            enabled,
            path: layers
                .path(CACHE_PATH)
                .or_else(|| home.map(|home| home.join(HOME_DIR).join("cache"))),
            max_mb: positive(CACHE_MAX_MB)?.unwrap_or(DEFAULT_CACHE_MAX_MB),
            max_age: positive(CACHE_MAX_AGE)?.map(|n| n.min(i64::MAX as u64) as i64),
        })
    }
}

/// The resolved settings, each with its source kept in `layers`.
#[derive(Debug, Clone)]
pub struct Settings {
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub token_path: PathBuf,
    pub api_base_url: String,
    pub auth_base_url: String,
    pub privacy_mode: PrivacyMode,
    pub cache: CacheSettings,
    pub layers: LayeredConfig,
    /// The user's home, to show paths as `~/...` rather than with the user's name.
    pub home: Option<PathBuf>,
}

impl Settings {
    pub fn load(ctx: &BuildContext) -> Result<Self, SettingsError> {
        let layers = config::load(ctx, HOME_DIR, KEYS)?;
        let owned = |key| layers.get(key).map(str::to_owned);
        let token_path = match layers.path(TOKEN_PATH) {
            Some(path) => path,
            None => ctx
                .home()
                .map(|home| home.join(HOME_DIR).join("tokens.json"))
                .ok_or(SettingsError::NoTokenPath)?,
        };
        let scopes = layers
            .get(SCOPES)
            .map(split_scopes)
            .filter(|scopes| !scopes.is_empty())
            .unwrap_or_else(|| {
                DEFAULT_SCOPES
                    .iter()
                    .map(|scope| (*scope).to_owned())
                    .collect()
            });
        Ok(Self {
            client_id: owned(CLIENT_ID),
            client_secret: owned(CLIENT_SECRET),
            redirect_uri: owned(REDIRECT_URI).unwrap_or_else(|| DEFAULT_REDIRECT_URI.into()),
            scopes,
            token_path,
            api_base_url: owned(API_BASE_URL).unwrap_or_else(|| DEFAULT_API_BASE_URL.into()),
            auth_base_url: owned(AUTH_BASE_URL).unwrap_or_else(|| DEFAULT_AUTH_BASE_URL.into()),
            privacy_mode: PrivacyMode::configured(&layers, PRIVACY_MODE)?,
            cache: CacheSettings::load(&layers, ctx.home())?,
            layers,
            home: ctx.home().map(Path::to_path_buf),
        })
    }

    /// `path` for people to read: under the home directory it starts with `~`.
    pub fn display(&self, path: &Path) -> String {
        display_path(path, self.home.as_deref())
    }
}

/// `path` for people to read: outputs show where a file is, not whose home it is in.
pub fn display_path(path: &Path, home: Option<&Path>) -> String {
    match home.and_then(|home| path.strip_prefix(home).ok()) {
        Some(rest) => format!("~/{}", rest.display()),
        None => path.display().to_string(),
    }
}

/// Scopes as the original accepted them: separated by commas or spaces.
pub fn split_scopes(text: &str) -> Vec<String> {
    text.split([',', ' '])
        .map(str::trim)
        .filter(|scope| !scope.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn settings(env: &[(&str, &str)], home: &std::path::Path) -> Settings {
        let env: BTreeMap<String, String> = env
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        Settings::load(&BuildContext::new(env, Some(home.to_path_buf()))).unwrap()
    }

    #[test]
    fn defaults_fill_what_is_unset() {
        let home = tempfile::tempdir().unwrap();
        let settings = settings(&[], home.path());
        assert_eq!(settings.api_base_url, DEFAULT_API_BASE_URL);
        assert_eq!(
            settings.token_path,
            home.path().join(".withings-mcp/tokens.json")
        );
        assert_eq!(
            settings.scopes,
            ["user.info", "user.metrics", "user.activity"]
        );
        assert_eq!(settings.privacy_mode, PrivacyMode::Structured);
        assert!(settings.client_id.is_none());
        assert!(settings.cache.enabled);
        assert_eq!(
            settings.cache.path.as_deref(),
            Some(home.path().join(".withings-mcp/cache").as_path())
        );
        assert_eq!(settings.cache.max_mb, DEFAULT_CACHE_MAX_MB);
    }

    #[test]
    fn cache_settings_are_checked() {
        let home = tempfile::tempdir().unwrap();
        let off = settings(&[(CACHE, "off"), (CACHE_MAX_AGE, "60")], home.path());
        assert!(!off.cache.enabled);
        assert_eq!(off.cache.max_age, Some(60));
        let load = |key, value| {
            let env = BTreeMap::from([(String::from(key), String::from(value))]);
            Settings::load(&BuildContext::new(env, Some(home.path().to_path_buf())))
        };
        for (key, value) in [
            (CACHE, "maybe"),
            (CACHE_MAX_MB, "0"),
            (CACHE_MAX_AGE, "soon"),
        ] {
            let error = load(key, value).unwrap_err().to_string();
            assert!(error.contains(key) && error.contains(value), "{error}");
        }
    }

    #[test]
    fn env_overrides_and_scopes_split_on_commas_or_spaces() {
        let home = tempfile::tempdir().unwrap();
        let settings = settings(
            &[
                (SCOPES, "user.activity user.metrics,user.info"),
                (API_BASE_URL, "https://wbsapi.us.withingsmed.net"),
                (TOKEN_PATH, "~/elsewhere/t.json"),
                (CLIENT_ID, "cid"),
            ],
            home.path(),
        );
        assert_eq!(
            settings.scopes,
            ["user.activity", "user.metrics", "user.info"]
        );
        assert_eq!(settings.api_base_url, "https://wbsapi.us.withingsmed.net");
        assert_eq!(settings.token_path, home.path().join("elsewhere/t.json"));
        assert_eq!(settings.client_id.as_deref(), Some("cid"));
    }
}
