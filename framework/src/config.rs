//! Configuration layering: the environment over `~/<home_dir>/config.json`.
//!
//! The file is a flat JSON object keyed by the environment variable names
//! (`{"WITHINGS_CLIENT_ID": "..."}`), the format the original connector used, so
//! existing files keep working. One name per setting means the user never has to learn
//! two spellings, and "which layer did this come from" is a simple per-key question.
//!
//! Loading is strict but forgiving where it can be: a broken file is a typed error that
//! names the path and position, while an unknown key or an unusable value becomes a
//! warning, so a typo never silently drops a setting and never locks the user out.
//! No error or warning ever quotes a value from the file: it may hold a secret.

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use crate::local_files::{json_problem, json_type, permission_bits};
use crate::privacy::REDACTED;
use crate::provider::BuildContext;

/// The file name inside the provider's home directory.
pub const CONFIG_FILE_NAME: &str = "config.json";

/// One setting a provider understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfigKey {
    /// The full environment variable name, also the key in `config.json`.
    pub name: &'static str,
    /// Its value is handed to the redactor and never shown by `Debug`.
    pub secret: bool,
    /// Its value is a path: `~` is expanded at load time, so every reader (the
    /// provider, doctor's report) sees the path that will actually be opened. MCP
    /// clients pass `env` blocks without a shell, so nobody else expands it.
    pub path: bool,
    /// One line for manifests and help (`server.json`'s environment variables).
    pub description: &'static str,
}

impl ConfigKey {
    /// The same key, described.
    pub const fn about(mut self, description: &'static str) -> Self {
        self.description = description;
        self
    }

    pub const fn plain(name: &'static str) -> Self {
        Self {
            name,
            secret: false,
            path: false,
            description: "",
        }
    }

    pub const fn secret(name: &'static str) -> Self {
        Self {
            name,
            secret: true,
            path: false,
            description: "",
        }
    }

    pub const fn path(name: &'static str) -> Self {
        Self {
            name,
            secret: false,
            path: true,
            description: "",
        }
    }
}

/// Where one value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueSource {
    Env,
    LocalConfig,
    Missing,
}

impl ValueSource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Env => "env",
            Self::LocalConfig => "local_config",
            Self::Missing => "missing",
        }
    }
}

impl fmt::Display for ValueSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where the configuration as a whole came from, for doctor and manifests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConfigSource {
    /// Every present value came from the environment.
    Env,
    /// Every present value came from `config.json`.
    LocalConfig,
    /// Some values from each.
    Mixed,
    /// No value at all.
    Missing,
}

impl ConfigSource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Env => "env",
            Self::LocalConfig => "local_config",
            Self::Mixed => "mixed",
            Self::Missing => "missing",
        }
    }
}

impl fmt::Display for ConfigSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What was found on disk, reported rather than enforced: a readable-by-others file
/// is worth a loud doctor line, not a connector that refuses to start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigFileStatus {
    /// `None` only when there is no home directory to look in.
    pub path: Option<PathBuf>,
    pub exists: bool,
    /// Permission bits (`0o600`), on unix and only when the file exists.
    pub permissions: Option<u32>,
    /// No group or other access. `None` when unknown: no file, or not unix.
    pub secure: Option<bool>,
}

/// A `config.json` that cannot be used at all. Messages name the path and position,
/// never a value: the file may hold secrets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {}: {kind}", path.display())]
    Unreadable { path: PathBuf, kind: io::ErrorKind },
    #[error(
        "config file {} is not valid JSON: {problem} at line {line} column {column}",
        path.display()
    )]
    InvalidJson {
        path: PathBuf,
        problem: String,
        line: usize,
        column: usize,
    },
    #[error(
        "config file {} must be a JSON object of settings (like {{\"NAME\": \"value\"}}), found {found}",
        path.display()
    )]
    NotAnObject { path: PathBuf, found: &'static str },
    #[error("cannot write config file {}: {step}: {kind}", path.display())]
    Unwritable {
        path: PathBuf,
        step: &'static str,
        kind: io::ErrorKind,
    },
    #[error("no home directory to keep the config file in")]
    NoHome,
}

#[derive(Clone)]
struct Entry {
    value: String,
    source: ValueSource,
}

/// The settings of one provider, each taken from the environment if set there, else
/// from `config.json`.
#[derive(Clone)]
pub struct LayeredConfig {
    keys: Vec<ConfigKey>,
    values: BTreeMap<&'static str, Entry>,
    home: Option<PathBuf>,
    pub file: ConfigFileStatus,
    /// Problems worth telling the user about that did not stop loading.
    pub warnings: Vec<String>,
}

impl LayeredConfig {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(|entry| entry.value.as_str())
    }

    pub fn source_of(&self, name: &str) -> ValueSource {
        self.values
            .get(name)
            .map_or(ValueSource::Missing, |entry| entry.source)
    }

    pub fn source(&self) -> ConfigSource {
        let from = |source| self.values.values().any(|entry| entry.source == source);
        match (from(ValueSource::Env), from(ValueSource::LocalConfig)) {
            (true, true) => ConfigSource::Mixed,
            (true, false) => ConfigSource::Env,
            (false, true) => ConfigSource::LocalConfig,
            (false, false) => ConfigSource::Missing,
        }
    }

    /// The value as a path with `~` expanded, whether or not the key is flagged `path`:
    /// a caller asking for a path wants one it can open.
    pub fn path(&self, name: &str) -> Option<PathBuf> {
        self.get(name)
            .map(|value| expand_tilde(value, self.home.as_deref()))
    }

    /// The settings this configuration was loaded for, in the caller's order.
    pub fn keys(&self) -> &[ConfigKey] {
        &self.keys
    }

    /// The values of secret keys, for [`crate::Redactor::with_known_secrets`].
    pub fn secrets(&self) -> Vec<String> {
        self.keys
            .iter()
            .filter(|key| key.secret)
            .filter_map(|key| self.get(key.name))
            .map(str::to_owned)
            .collect()
    }
}

/// Hand-written so that logging a configuration can never print a secret.
impl fmt::Debug for LayeredConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LayeredConfig")
            .field("values", &DebugValues(self))
            .field("file", &self.file)
            .field("warnings", &self.warnings)
            .finish()
    }
}

struct DebugValues<'a>(&'a LayeredConfig);

impl fmt::Debug for DebugValues<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let config = self.0;
        let mut values = f.debug_map();
        for key in &config.keys {
            let source = config.source_of(key.name);
            let shown = match config.get(key.name) {
                Some(_) if key.secret => format!("{REDACTED} ({source})"),
                Some(value) => format!("{value:?} ({source})"),
                None => source.to_string(),
            };
            values.entry(&key.name, &format_args!("{shown}"));
        }
        values.finish()
    }
}

/// Expands a leading `~` or `~/` against `home`; anything else (including `~user`,
/// which would need the password database) is returned unchanged, as is everything
/// when there is no home.
pub fn expand_tilde(path: &str, home: Option<&Path>) -> PathBuf {
    let Some(home) = home else {
        return PathBuf::from(path);
    };
    let Some(rest) = path.strip_prefix('~') else {
        return PathBuf::from(path);
    };
    let mut chars = rest.chars();
    match chars.next() {
        None => home.to_path_buf(),
        Some(separator) if std::path::is_separator(separator) => home.join(chars.as_str()),
        Some(_) => PathBuf::from(path),
    }
}

/// Where the provider's config file lives: `<home>/<home_dir>/config.json`.
pub fn file_path(ctx: &BuildContext, home_dir: &str) -> Result<PathBuf, ConfigError> {
    ctx.home()
        .map(|home| home.join(home_dir).join(CONFIG_FILE_NAME))
        .ok_or(ConfigError::NoHome)
}

/// Writes the config file: the given settings as a flat JSON object, owner-only,
/// atomically. Empty values are left out, so "unset" has one spelling.
pub fn save(path: &Path, values: &BTreeMap<String, String>) -> Result<(), ConfigError> {
    let object: serde_json::Map<String, Value> = values
        .iter()
        .filter(|(_, value)| !value.trim().is_empty())
        .map(|(key, value)| (key.clone(), Value::String(value.clone())))
        .collect();
    let mut text =
        serde_json::to_vec_pretty(&Value::Object(object)).map_err(|_| ConfigError::Unwritable {
            path: path.to_path_buf(),
            step: "serialize",
            kind: io::ErrorKind::InvalidData,
        })?;
    text.push(b'\n');
    crate::local_files::write_private(path, &text).map_err(|error| ConfigError::Unwritable {
        path: error.path,
        step: error.step,
        kind: error.source.kind(),
    })
}

/// The settings stored in the config file alone, ignoring the environment: what
/// `setup` starts from when it updates the file.
pub fn stored_values(path: &Path) -> Result<BTreeMap<String, String>, ConfigError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(error) => {
            return Err(ConfigError::Unreadable {
                path: path.to_path_buf(),
                kind: error.kind(),
            });
        }
    };
    let document: Value =
        serde_json::from_slice(&bytes).map_err(|error| invalid_json(path, &error))?;
    let Value::Object(object) = document else {
        return Err(ConfigError::NotAnObject {
            path: path.to_path_buf(),
            found: json_type(&document),
        });
    };
    Ok(object
        .into_iter()
        .filter_map(|(key, value)| match value {
            Value::String(text) => Some((key, text)),
            Value::Number(number) => Some((key, number.to_string())),
            Value::Bool(flag) => Some((key, flag.to_string())),
            _ => None,
        })
        .collect())
}

/// Loads `keys` from the environment in `ctx`, falling back to
/// `<home>/<home_dir>/config.json`. A missing file or home directory is not an error:
/// an environment-only setup is normal.
pub fn load(
    ctx: &BuildContext,
    home_dir: &str,
    keys: &[ConfigKey],
) -> Result<LayeredConfig, ConfigError> {
    let path = ctx
        .home()
        .map(|home| home.join(home_dir).join(CONFIG_FILE_NAME));
    let mut warnings = Vec::new();
    let (file, mut from_file) = match &path {
        Some(path) => read_file(path, keys, &mut warnings)?,
        None => (
            ConfigFileStatus {
                path: None,
                exists: false,
                permissions: None,
                secure: None,
            },
            BTreeMap::new(),
        ),
    };

    let mut values = BTreeMap::new();
    for key in keys {
        let entry = match (ctx.env(key.name), from_file.remove(key.name)) {
            (Some(value), _) => Entry {
                value: value.to_owned(),
                source: ValueSource::Env,
            },
            (None, Some(value)) => Entry {
                value,
                source: ValueSource::LocalConfig,
            },
            (None, None) => continue,
        };
        let value = if key.path {
            expand_path_value(entry.value, ctx.home())
        } else {
            entry.value
        };
        values.insert(key.name, Entry { value, ..entry });
    }

    Ok(LayeredConfig {
        keys: keys.to_vec(),
        values,
        home: ctx.home().map(Path::to_path_buf),
        file,
        warnings,
    })
}

/// Keeps the text unexpanded when the home directory is not UTF-8, rather than
/// mangling it into a path that does not exist.
fn expand_path_value(value: String, home: Option<&Path>) -> String {
    expand_tilde(&value, home)
        .into_os_string()
        .into_string()
        .unwrap_or(value)
}

/// Reads and checks the file; returns its status and the usable values by key name.
fn read_file(
    path: &Path,
    keys: &[ConfigKey],
    warnings: &mut Vec<String>,
) -> Result<(ConfigFileStatus, BTreeMap<String, String>), ConfigError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            let status = ConfigFileStatus {
                path: Some(path.to_path_buf()),
                exists: false,
                permissions: None,
                secure: None,
            };
            return Ok((status, BTreeMap::new()));
        }
        Err(error) => {
            return Err(ConfigError::Unreadable {
                path: path.to_path_buf(),
                kind: error.kind(),
            });
        }
    };
    let permissions = permission_bits(path);
    let status = ConfigFileStatus {
        path: Some(path.to_path_buf()),
        exists: true,
        permissions,
        secure: permissions.map(|mode| mode & 0o077 == 0),
    };

    // Some Windows editors write a byte-order mark, which JSON parsers reject.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let document: Value =
        serde_json::from_slice(bytes).map_err(|error| invalid_json(path, &error))?;
    let Value::Object(object) = document else {
        return Err(ConfigError::NotAnObject {
            path: path.to_path_buf(),
            found: json_type(&document),
        });
    };

    let mut values = BTreeMap::new();
    for (name, value) in object {
        if !keys.iter().any(|key| key.name == name) {
            warnings.push(unknown_key_warning(path, &name, keys));
            continue;
        }
        let text = match value {
            Value::String(text) => text,
            Value::Number(number) => number.to_string(),
            Value::Bool(flag) => flag.to_string(),
            // An explicit null is a natural way to say "not set".
            Value::Null => continue,
            Value::Array(_) | Value::Object(_) => {
                warnings.push(format!(
                    "{}: {name} must be a string, found {}; ignored",
                    path.display(),
                    json_type(&value)
                ));
                continue;
            }
        };
        // Same rule as the environment: blank means unset.
        if !text.trim().is_empty() {
            values.insert(name, text);
        }
    }
    Ok((status, values))
}

fn unknown_key_warning(path: &Path, name: &str, keys: &[ConfigKey]) -> String {
    let hint = keys
        .iter()
        .find(|key| key.name.eq_ignore_ascii_case(name))
        .map(|key| format!(" (did you mean {}?)", key.name))
        .unwrap_or_default();
    format!("{}: unknown key {name:?} ignored{hint}", path.display())
}

fn invalid_json(path: &Path, error: &serde_json::Error) -> ConfigError {
    ConfigError::InvalidJson {
        path: path.to_path_buf(),
        problem: json_problem(error),
        line: error.line(),
        column: error.column(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLIENT_ID: ConfigKey = ConfigKey::plain("TEST_CLIENT_ID");
    const CLIENT_SECRET: ConfigKey = ConfigKey::secret("TEST_CLIENT_SECRET");
    const TOKEN_PATH: ConfigKey = ConfigKey::path("TEST_TOKEN_PATH");
    const KEYS: &[ConfigKey] = &[CLIENT_ID, CLIENT_SECRET, TOKEN_PATH];
    const HOME_DIR: &str = ".test-mcp";

    struct Fixture {
        home: tempfile::TempDir,
    }

    impl Fixture {
        fn new() -> Self {
            Self {
                home: tempfile::tempdir().expect("temp home"),
            }
        }

        fn write(&self, contents: &str) -> PathBuf {
            let dir = self.home.path().join(HOME_DIR);
            std::fs::create_dir_all(&dir).expect("home dir");
            let path = dir.join(CONFIG_FILE_NAME);
            std::fs::write(&path, contents).expect("config file");
            path
        }

        fn ctx(&self, env: &[(&str, &str)]) -> BuildContext {
            let env = env
                .iter()
                .map(|(key, value)| (key.to_string(), value.to_string()))
                .collect();
            BuildContext::new(env, Some(self.home.path().to_path_buf()))
        }

        fn load(&self, env: &[(&str, &str)]) -> Result<LayeredConfig, ConfigError> {
            load(&self.ctx(env), HOME_DIR, KEYS)
        }
    }

    #[test]
    fn saved_files_are_private_and_load_back() {
        let home = tempfile::tempdir().unwrap();
        let path = home.path().join(".test-mcp").join(CONFIG_FILE_NAME);
        let values = BTreeMap::from([
            ("TEST_CLIENT_ID".to_owned(), "cid".to_owned()),
            ("TEST_EMPTY".to_owned(), "  ".to_owned()),
        ]);
        save(&path, &values).unwrap();
        let stored = stored_values(&path).unwrap();
        assert_eq!(
            stored,
            BTreeMap::from([("TEST_CLIENT_ID".to_owned(), "cid".to_owned())])
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(path.parent().unwrap()), 0o700);
        }
        assert!(
            stored_values(&home.path().join("missing.json"))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn env_beats_file() {
        let fixture = Fixture::new();
        fixture.write(r#"{"TEST_CLIENT_ID": "from-file", "TEST_CLIENT_SECRET": "file-secret"}"#);
        let config = fixture
            .load(&[("TEST_CLIENT_ID", "from-env")])
            .expect("loads");
        assert_eq!(config.get("TEST_CLIENT_ID"), Some("from-env"));
        assert_eq!(config.source_of("TEST_CLIENT_ID"), ValueSource::Env);
        assert_eq!(config.get("TEST_CLIENT_SECRET"), Some("file-secret"));
        assert_eq!(
            config.source_of("TEST_CLIENT_SECRET"),
            ValueSource::LocalConfig
        );
        assert!(config.warnings.is_empty(), "{:?}", config.warnings);
    }

    #[test]
    fn overall_source_follows_the_layers() {
        let fixture = Fixture::new();
        let config = fixture.load(&[]).expect("loads without a file");
        assert_eq!(config.source(), ConfigSource::Missing);
        assert_eq!(config.source_of("TEST_CLIENT_ID"), ValueSource::Missing);
        assert!(!config.file.exists);
        assert_eq!(config.file.secure, None);

        let config = fixture.load(&[("TEST_CLIENT_ID", "env")]).expect("loads");
        assert_eq!(config.source(), ConfigSource::Env);

        fixture.write(r#"{"TEST_CLIENT_SECRET": "s3cr3t-value"}"#);
        let config = fixture.load(&[]).expect("loads");
        assert_eq!(config.source(), ConfigSource::LocalConfig);
        assert!(config.file.exists);

        let config = fixture.load(&[("TEST_CLIENT_ID", "env")]).expect("loads");
        assert_eq!(config.source(), ConfigSource::Mixed);
        assert_eq!(
            serde_json::to_value(config.source()).expect("serializes"),
            "mixed"
        );
        assert_eq!(
            serde_json::to_value(ConfigSource::LocalConfig).expect("serializes"),
            "local_config"
        );
    }

    #[test]
    fn works_without_a_home_directory() {
        let ctx = BuildContext::new(
            [("TEST_CLIENT_ID".to_owned(), "env".to_owned())].into(),
            None,
        );
        let config = load(&ctx, HOME_DIR, KEYS).expect("loads");
        assert_eq!(config.get("TEST_CLIENT_ID"), Some("env"));
        assert_eq!(config.file.path, None);
        assert!(!config.file.exists);
    }

    #[test]
    fn empty_env_var_falls_back_to_the_file() {
        let fixture = Fixture::new();
        fixture.write(r#"{"TEST_CLIENT_ID": "from-file"}"#);
        let config = fixture
            .load(&[("TEST_CLIENT_ID", ""), ("TEST_CLIENT_SECRET", "  ")])
            .expect("loads");
        assert_eq!(config.get("TEST_CLIENT_ID"), Some("from-file"));
        assert_eq!(config.source_of("TEST_CLIENT_ID"), ValueSource::LocalConfig);
        assert_eq!(config.source_of("TEST_CLIENT_SECRET"), ValueSource::Missing);
    }

    #[test]
    fn tilde_is_expanded() {
        let home = Path::new("/home/someone");
        assert_eq!(expand_tilde("~", Some(home)), home);
        assert_eq!(
            expand_tilde("~/.test-mcp/tokens.json", Some(home)),
            home.join(".test-mcp/tokens.json")
        );
        assert_eq!(expand_tilde("~other/x", Some(home)), Path::new("~other/x"));
        assert_eq!(expand_tilde("/abs/~/x", Some(home)), Path::new("/abs/~/x"));
        assert_eq!(expand_tilde("~/x", None), Path::new("~/x"));

        let fixture = Fixture::new();
        fixture.write(r#"{"TEST_TOKEN_PATH": "~/tokens.json", "TEST_CLIENT_ID": "~/x"}"#);
        let config = fixture.load(&[]).expect("loads");
        let expected = fixture.home.path().join("tokens.json");
        assert_eq!(config.path("TEST_TOKEN_PATH"), Some(expected.clone()));
        // A path key is expanded for plain readers too; other keys stay as written.
        assert_eq!(config.get("TEST_TOKEN_PATH"), expected.to_str());
        assert_eq!(config.get("TEST_CLIENT_ID"), Some("~/x"));
    }

    #[cfg(unix)]
    #[test]
    fn permissions_are_reported() {
        use std::os::unix::fs::PermissionsExt;
        let fixture = Fixture::new();
        let path = fixture.write(r#"{"TEST_CLIENT_ID": "id"}"#);

        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let config = fixture.load(&[]).expect("loads");
        assert_eq!(config.file.permissions, Some(0o644));
        assert_eq!(config.file.secure, Some(false));
        assert_eq!(config.file.path.as_deref(), Some(path.as_path()));

        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        let config = fixture.load(&[]).expect("loads");
        assert_eq!(config.file.permissions, Some(0o600));
        assert_eq!(config.file.secure, Some(true));
    }

    #[test]
    fn unknown_key_is_a_warning_naming_it() {
        let fixture = Fixture::new();
        fixture.write(
            r#"{"TEST_CLIENT_ID": "id", "TEST_CLIENT_IDD": "typo", "test_client_secret": "x"}"#,
        );
        let config = fixture.load(&[]).expect("loads");
        assert_eq!(config.get("TEST_CLIENT_ID"), Some("id"));
        assert_eq!(config.get("TEST_CLIENT_IDD"), None);
        assert_eq!(config.warnings.len(), 2, "{:?}", config.warnings);
        assert!(
            config
                .warnings
                .iter()
                .any(|w| w.contains("\"TEST_CLIENT_IDD\""))
        );
        assert!(
            config
                .warnings
                .iter()
                .any(|w| w.contains("did you mean TEST_CLIENT_SECRET?"))
        );
        assert!(config.warnings.iter().all(|w| !w.contains("typo")));
    }

    #[test]
    fn invalid_json_names_path_and_line_but_not_values() {
        let fixture = Fixture::new();
        let path = fixture.write("{\n  \"TEST_CLIENT_SECRET\": \"hunter2-secret\",\n  oops\n}");
        let error = fixture.load(&[]).expect_err("invalid JSON");
        let ConfigError::InvalidJson { line, .. } = &error else {
            panic!("wrong error: {error:?}");
        };
        assert_eq!(*line, 3);
        let text = error.to_string();
        assert!(text.contains(&path.display().to_string()), "{text}");
        assert!(text.contains("line 3"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(!format!("{error:?}").contains("hunter2"));
    }

    #[test]
    fn a_file_that_is_not_an_object_is_an_error() {
        let fixture = Fixture::new();
        let path = fixture.write(r#"["TEST_CLIENT_ID"]"#);
        let error = fixture.load(&[]).expect_err("not an object");
        assert_eq!(
            error,
            ConfigError::NotAnObject {
                path: path.clone(),
                found: "an array"
            }
        );
        assert!(error.to_string().contains(&path.display().to_string()));
    }

    #[cfg(unix)]
    #[test]
    fn an_unreadable_file_is_an_error() {
        let fixture = Fixture::new();
        let path = fixture.write("{}");
        std::fs::remove_file(&path).expect("remove");
        std::fs::create_dir(&path).expect("a directory where the file should be");
        let error = fixture.load(&[]).expect_err("unreadable");
        assert!(matches!(error, ConfigError::Unreadable { .. }), "{error:?}");
    }

    #[test]
    fn non_string_values() {
        let fixture = Fixture::new();
        fixture.write(
            r#"{"TEST_CLIENT_ID": 12345, "TEST_TOKEN_PATH": true, "TEST_CLIENT_SECRET": ["a-secret-value"]}"#,
        );
        let config = fixture.load(&[]).expect("loads");
        assert_eq!(config.get("TEST_CLIENT_ID"), Some("12345"));
        assert_eq!(config.get("TEST_TOKEN_PATH"), Some("true"));
        assert_eq!(config.get("TEST_CLIENT_SECRET"), None);
        assert_eq!(config.warnings.len(), 1, "{:?}", config.warnings);
        let warning = &config.warnings[0];
        assert!(warning.contains("TEST_CLIENT_SECRET"), "{warning}");
        assert!(warning.contains("an array"), "{warning}");
        assert!(!warning.contains("a-secret-value"), "{warning}");
    }

    #[test]
    fn secrets_are_listed_and_never_debug_printed() {
        let fixture = Fixture::new();
        fixture.write(r#"{"TEST_CLIENT_ID": "visible-id", "TEST_CLIENT_SECRET": "very-secret"}"#);
        let config = fixture.load(&[]).expect("loads");
        assert_eq!(config.secrets(), vec!["very-secret".to_owned()]);
        let debug = format!("{config:?}");
        assert!(debug.contains("visible-id"), "{debug}");
        assert!(!debug.contains("very-secret"), "{debug}");
    }
}
