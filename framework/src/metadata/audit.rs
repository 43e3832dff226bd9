//! The privacy audit: what this connector really exposes on this machine, measured
//! when asked (file modes, where each secret setting comes from, the transport in
//! use), with a concrete fix for every problem found.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::Serialize;

use super::{Catalog, tilde};
use crate::config::{LayeredConfig, ValueSource};
use crate::local_files::permission_bits;
use crate::privacy::{PrivacyMode, Redactor};
use crate::provider::Transport;
use crate::render::Markdown;

/// Group and other permission bits: any of them set means someone else has access.
const SHARED_BITS: u32 = 0o077;

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct PrivacyAudit {
    /// True when there is nothing to fix.
    pub ok: bool,
    pub files: Vec<FileCheck>,
    /// Where each secret setting is read from (never its value).
    pub secret_settings: Vec<SecretSetting>,
    pub privacy_mode: PrivacyModeInEffect,
    pub transport: TransportReport,
    pub redaction: RedactionReport,
    /// Most severe first; each with a fix.
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct FileCheck {
    /// A stable name for the entry (`config_file`, `tokens`...).
    pub label: String,
    /// What the entry holds, in words.
    pub holds: String,
    pub path: String,
    pub kind: EntryKind,
    pub exists: bool,
    /// Permission bits in octal (`0600`), where the platform has them.
    pub mode: Option<String>,
    /// No group or other access; `None` when absent or unknown.
    pub private: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    File,
    Directory,
    /// Something else (a socket, a device).
    Other,
    /// Nothing at that path yet.
    Missing,
    /// It could not be examined (a parent directory denies access).
    Inaccessible,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct SecretSetting {
    pub setting: String,
    pub stored_in: SettingSource,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SettingSource {
    Env,
    ConfigFile,
    /// Not set anywhere: the built-in default applies.
    Unset,
}

impl From<ValueSource> for SettingSource {
    fn from(source: ValueSource) -> Self {
        match source {
            ValueSource::Env => Self::Env,
            ValueSource::LocalConfig => Self::ConfigFile,
            ValueSource::Missing => Self::Unset,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PrivacyModeInEffect {
    /// The mode used when a call does not choose one.
    pub mode: PrivacyMode,
    pub setting: String,
    pub source: SettingSource,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TransportReport {
    pub kind: TransportKind,
    /// The address really bound (HTTP only).
    pub bind: Option<String>,
    pub loopback: Option<bool>,
    /// Clients must present the server's token (HTTP only).
    pub token_required: Option<bool>,
    /// Stdio only: the server writes nothing but MCP messages to stdout; logs go to
    /// stderr. A property of the server, not measured per call.
    pub stdout_reserved_for_mcp: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TransportKind {
    Stdio,
    Http,
    /// Built for a one-off call (the command line, a test), not serving MCP.
    NotServing,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct RedactionReport {
    /// Keys whose values never leave the process (lowercase, without `_` or `-`).
    pub secret_key_names: Vec<String>,
    /// Credential shapes removed from inside any text.
    pub secret_value_kinds: Vec<String>,
    /// How many configured secret values are also removed wherever they appear.
    pub configured_values: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Finding {
    pub severity: Severity,
    /// The label of the file, `transport` or `privacy_mode`.
    pub subject: String,
    pub problem: String,
    /// What to run or change.
    pub fix: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
}

/// A path the audit looks at besides the config file and its directory.
#[derive(Debug, Clone)]
pub struct Watched {
    pub label: &'static str,
    pub holds: &'static str,
    pub path: PathBuf,
    /// How bad it is when others can read it.
    pub exposed: Severity,
}

/// Everything the audit measures against.
#[derive(Debug, Clone)]
pub struct AuditInput<'a> {
    pub catalog: &'a Catalog,
    pub config: &'a LayeredConfig,
    pub privacy_mode: PrivacyMode,
    /// The setting that holds the default privacy mode.
    pub privacy_mode_key: &'a str,
    pub watched: Vec<Watched>,
    pub transport: Option<Transport>,
    pub home: Option<&'a Path>,
}

/// Measures now, so a `chmod` since startup shows up.
pub fn audit(input: &AuditInput<'_>) -> PrivacyAudit {
    let config = input.config;
    let secret_settings: Vec<SecretSetting> = config
        .keys()
        .iter()
        .filter(|key| key.secret)
        .map(|key| SecretSetting {
            setting: key.name.to_owned(),
            stored_in: config.source_of(key.name).into(),
        })
        .collect();
    let file_holds_secret = secret_settings
        .iter()
        .any(|setting| setting.stored_in == SettingSource::ConfigFile);

    let mut watched = Vec::new();
    if let Some(path) = &config.file.path {
        if let Some(dir) = path.parent() {
            watched.push(Watched {
                label: "config_dir",
                holds: "the connector's own files",
                path: dir.to_path_buf(),
                exposed: Severity::Low,
            });
        }
        watched.push(if file_holds_secret {
            Watched {
                label: "config_file",
                holds: "settings, including a client secret",
                path: path.clone(),
                exposed: Severity::High,
            }
        } else {
            Watched {
                label: "config_file",
                holds: "settings without secrets (those come from the environment)",
                path: path.clone(),
                exposed: Severity::Low,
            }
        });
    }
    watched.extend(input.watched.iter().cloned());

    let mut findings = Vec::new();
    let files: Vec<FileCheck> = watched
        .iter()
        .map(|entry| {
            let check = measure(entry, input.home);
            if let Some(finding) = exposure_finding(entry, &check) {
                findings.push(finding);
            }
            check
        })
        .collect();

    let privacy_mode = PrivacyModeInEffect {
        mode: input.privacy_mode,
        setting: input.privacy_mode_key.to_owned(),
        source: config.source_of(input.privacy_mode_key).into(),
    };
    findings.extend(raw_by_default_finding(&privacy_mode, config, input.home));
    let transport = transport_report(input.transport);
    findings.extend(transport_finding(input.transport, input.catalog));
    findings.sort_by_key(|finding| std::cmp::Reverse(finding.severity));

    PrivacyAudit {
        ok: findings.is_empty(),
        files,
        secret_settings,
        privacy_mode,
        transport,
        redaction: RedactionReport {
            secret_key_names: owned(Redactor::secret_key_names()),
            secret_value_kinds: owned(Redactor::secret_value_kinds()),
            configured_values: config.secrets().len(),
        },
        findings,
    }
}

impl EntryKind {
    /// What is at `path` now, following symbolic links as every reader would.
    pub fn of(path: &Path) -> Self {
        match fs::metadata(path) {
            Ok(metadata) if metadata.is_file() => Self::File,
            Ok(metadata) if metadata.is_dir() => Self::Directory,
            Ok(_) => Self::Other,
            Err(error) if error.kind() == io::ErrorKind::NotFound => Self::Missing,
            Err(_) => Self::Inaccessible,
        }
    }

    pub fn exists(self) -> bool {
        !matches!(self, Self::Missing | Self::Inaccessible)
    }
}

fn measure(entry: &Watched, home: Option<&Path>) -> FileCheck {
    let kind = EntryKind::of(&entry.path);
    let exists = kind.exists();
    let bits = if exists {
        permission_bits(&entry.path)
    } else {
        None
    };
    FileCheck {
        label: entry.label.to_owned(),
        holds: entry.holds.to_owned(),
        path: tilde(&entry.path, home),
        kind,
        exists,
        mode: bits.map(|bits| format!("{bits:04o}")),
        private: bits.map(|bits| bits & SHARED_BITS == 0),
    }
}

fn exposure_finding(entry: &Watched, check: &FileCheck) -> Option<Finding> {
    if check.private != Some(false) {
        return None;
    }
    let mode = check.mode.as_deref().unwrap_or("unknown");
    let (fix, what) = match check.kind {
        EntryKind::Directory => (format!("chmod 700 {}", check.path), "can look inside"),
        _ => (format!("chmod 600 {}", check.path), "can access"),
    };
    Some(Finding {
        severity: entry.exposed,
        subject: check.label.clone(),
        problem: format!(
            "{} has mode {mode}: other users of this machine {what} it, and it holds {}.",
            check.path, check.holds
        ),
        fix,
    })
}

fn raw_by_default_finding(
    mode: &PrivacyModeInEffect,
    config: &LayeredConfig,
    home: Option<&Path>,
) -> Option<Finding> {
    if mode.mode != PrivacyMode::Raw {
        return None;
    }
    let key = &mode.setting;
    let fix = match (mode.source, &config.file.path) {
        (SettingSource::ConfigFile, Some(path)) => format!(
            "Remove {key} from {} (or set it to structured).",
            tilde(path, home)
        ),
        _ => format!(
            "Unset {key} where the server is launched (or set it to structured), then restart it."
        ),
    };
    Some(Finding {
        severity: Severity::Medium,
        subject: "privacy_mode".to_owned(),
        problem: "Every call returns the upstream payload unless it asks for less: raw is \
                  meant to be chosen per call, when the user wants it."
            .to_owned(),
        fix,
    })
}

fn transport_report(transport: Option<Transport>) -> TransportReport {
    match transport {
        None => TransportReport {
            kind: TransportKind::NotServing,
            bind: None,
            loopback: None,
            token_required: None,
            stdout_reserved_for_mcp: None,
        },
        Some(Transport::Stdio) => TransportReport {
            kind: TransportKind::Stdio,
            bind: None,
            loopback: None,
            token_required: None,
            stdout_reserved_for_mcp: Some(true),
        },
        Some(Transport::Http {
            bind,
            token_required,
        }) => TransportReport {
            kind: TransportKind::Http,
            bind: Some(bind.to_string()),
            loopback: Some(bind.ip().is_loopback()),
            token_required: Some(token_required),
            stdout_reserved_for_mcp: None,
        },
    }
}

fn transport_finding(transport: Option<Transport>, catalog: &Catalog) -> Option<Finding> {
    let Some(Transport::Http {
        bind,
        token_required,
    }) = transport
    else {
        return None;
    };
    let variable = catalog.http_token_variable;
    let (severity, problem, fix) = match (bind.ip().is_loopback(), token_required) {
        (true, true) => return None,
        (true, false) => (
            Severity::Low,
            format!(
                "Listening on {bind} without a token: any program on this machine, run by any \
                 user, can call the server."
            ),
            format!(
                "Set {variable} to a long random value, restart the server, and configure \
                 clients with the same value."
            ),
        ),
        (false, true) => (
            Severity::Medium,
            format!(
                "Listening on {bind}: reachable from the network, over plain HTTP that anyone \
                 on the path can read."
            ),
            "Bind 127.0.0.1 unless another machine must connect; if one must, put TLS in \
             front of the server."
                .to_owned(),
        ),
        (false, false) => (
            Severity::High,
            format!(
                "Listening on {bind} without a token: anyone who can reach this machine can read \
                 the health data."
            ),
            format!("Restart bound to 127.0.0.1, or set {variable} before listening elsewhere."),
        ),
    };
    Some(Finding {
        severity,
        subject: "transport".to_owned(),
        problem,
        fix,
    })
}

fn owned(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}

impl PrivacyAudit {
    /// Findings first, then one line per measured fact.
    pub fn markdown(&self, display_name: &str) -> String {
        let mut text = Markdown::new().title(&format!("{display_name} privacy audit"));
        text = if self.findings.is_empty() {
            text.field("Findings", "none")
        } else {
            text.field("Findings", self.findings.len())
        };
        for finding in &self.findings {
            text = text.bullet(format!(
                "{}: {} Fix: {}",
                severity_word(finding.severity),
                finding.problem,
                finding.fix
            ));
        }
        text = text.title("Measured");
        for file in &self.files {
            let state = match (&file.mode, file.private) {
                (Some(mode), Some(true)) => format!("{mode}, private"),
                (Some(mode), _) => format!("{mode}, shared"),
                (None, _) if file.exists => "present".to_owned(),
                (None, _) => "absent".to_owned(),
            };
            text = text.bullet(format!("{} {}: {state}", file.label, file.path));
        }
        for setting in &self.secret_settings {
            text = text.bullet(format!(
                "{} read from: {}",
                setting.setting,
                source_word(setting.stored_in)
            ));
        }
        text = text.bullet(format!(
            "Default privacy mode: {} ({})",
            self.privacy_mode.mode,
            source_word(self.privacy_mode.source)
        ));
        let transport = &self.transport;
        let line = match transport.kind {
            TransportKind::Stdio => "stdio; stdout carries only MCP messages".to_owned(),
            TransportKind::NotServing => "not serving MCP (a one-off call)".to_owned(),
            TransportKind::Http => format!(
                "HTTP on {}, {}, {}",
                transport.bind.as_deref().unwrap_or("unknown"),
                if transport.loopback == Some(true) {
                    "loopback only"
                } else {
                    "reachable from the network"
                },
                if transport.token_required == Some(true) {
                    "token required"
                } else {
                    "no token"
                }
            ),
        };
        text.bullet(format!("Transport: {line}"))
            .bullet(format!(
                "Redaction: {} key names and {} value shapes; configured secrets also \
                 removed: {}",
                self.redaction.secret_key_names.len(),
                self.redaction.secret_value_kinds.len(),
                self.redaction.configured_values
            ))
            .build()
    }
}

fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Low => "Low",
        Severity::Medium => "Medium",
        Severity::High => "High",
    }
}

fn source_word(source: SettingSource) -> &'static str {
    match source {
        SettingSource::Env => "environment",
        SettingSource::ConfigFile => "config file",
        SettingSource::Unset => "not set, default",
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::collections::BTreeMap;
    use std::net::SocketAddr;
    use std::os::unix::fs::PermissionsExt;

    use super::*;
    use crate::config::{self, ConfigKey};
    use crate::metadata::tests::CATALOG;
    use crate::provider::BuildContext;

    const KEYS: &[ConfigKey] = &[
        ConfigKey::plain("ACME_CLIENT_ID"),
        ConfigKey::secret("ACME_CLIENT_SECRET"),
        ConfigKey::plain("ACME_PRIVACY_MODE"),
    ];
    const CANARY: &str = "canary-acme-secret-4411";

    struct Home {
        dir: tempfile::TempDir,
    }

    impl Home {
        fn new() -> Self {
            Self {
                dir: tempfile::tempdir().unwrap(),
            }
        }

        fn path(&self) -> &Path {
            self.dir.path()
        }

        fn write(&self, relative: &str, text: &str, mode: u32) -> PathBuf {
            let path = self.path().join(relative);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, text).unwrap();
            fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
            path
        }

        fn chmod(&self, relative: &str, mode: u32) {
            fs::set_permissions(self.path().join(relative), fs::Permissions::from_mode(mode))
                .unwrap();
        }

        fn config(&self, env: &[(&str, &str)]) -> LayeredConfig {
            let env: BTreeMap<String, String> = env
                .iter()
                .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
                .collect();
            let ctx = BuildContext::new(env, Some(self.path().to_path_buf()));
            config::load(&ctx, ".acme-mcp", KEYS).unwrap()
        }

        fn audit(
            &self,
            config: &LayeredConfig,
            mode: PrivacyMode,
            transport: Option<Transport>,
        ) -> PrivacyAudit {
            audit(&AuditInput {
                catalog: &CATALOG,
                config,
                privacy_mode: mode,
                privacy_mode_key: "ACME_PRIVACY_MODE",
                watched: vec![
                    Watched {
                        label: "tokens",
                        holds: "OAuth tokens",
                        path: self.path().join(".acme-mcp/tokens.json"),
                        exposed: Severity::High,
                    },
                    Watched {
                        label: "cache",
                        holds: "cached health data",
                        path: self.path().join(".acme-mcp/cache"),
                        exposed: Severity::Medium,
                    },
                ],
                transport,
                home: Some(self.path()),
            })
        }
    }

    fn finding<'a>(audit: &'a PrivacyAudit, subject: &str) -> Option<&'a Finding> {
        audit
            .findings
            .iter()
            .find(|finding| finding.subject == subject)
    }

    fn file<'a>(audit: &'a PrivacyAudit, label: &str) -> &'a FileCheck {
        audit.files.iter().find(|file| file.label == label).unwrap()
    }

    #[test]
    fn a_shared_config_file_holding_the_secret_is_a_high_finding_with_a_chmod_fix() {
        let home = Home::new();
        home.write(
            ".acme-mcp/config.json",
            &format!(r#"{{"ACME_CLIENT_SECRET": "{CANARY}"}}"#),
            0o644,
        );
        home.chmod(".acme-mcp", 0o700);
        let config = home.config(&[]);
        let audit = home.audit(&config, PrivacyMode::Structured, None);
        let found = finding(&audit, "config_file").expect("a finding for config.json");
        assert_eq!(found.severity, Severity::High);
        assert_eq!(found.fix, "chmod 600 ~/.acme-mcp/config.json");
        assert!(found.problem.contains("0644"), "{}", found.problem);
        let check = file(&audit, "config_file");
        assert_eq!(check.mode.as_deref(), Some("0644"));
        assert_eq!(check.private, Some(false));
        assert_eq!(
            audit.secret_settings,
            [SecretSetting {
                setting: "ACME_CLIENT_SECRET".into(),
                stored_in: SettingSource::ConfigFile,
            }]
        );
        assert!(!audit.ok);
        let everything = format!(
            "{}{}",
            serde_json::to_string(&audit).unwrap(),
            audit.markdown("Acme")
        );
        assert!(!everything.contains(CANARY), "{everything}");
        let home_text = home.path().to_str().unwrap();
        assert!(!everything.contains(home_text), "{everything}");
    }

    #[test]
    fn a_private_config_file_is_fine() {
        let home = Home::new();
        home.write(
            ".acme-mcp/config.json",
            &format!(r#"{{"ACME_CLIENT_SECRET": "{CANARY}"}}"#),
            0o600,
        );
        home.chmod(".acme-mcp", 0o700);
        let config = home.config(&[]);
        let audit = home.audit(&config, PrivacyMode::Structured, None);
        assert_eq!(finding(&audit, "config_file"), None);
        assert_eq!(file(&audit, "config_file").mode.as_deref(), Some("0600"));
        assert_eq!(file(&audit, "config_dir").private, Some(true));
        assert!(audit.ok, "{:?}", audit.findings);
    }

    #[test]
    fn the_audit_measures_now_not_at_load_time() {
        let home = Home::new();
        home.write(".acme-mcp/config.json", "{}", 0o600);
        home.chmod(".acme-mcp", 0o700);
        let config = home.config(&[("ACME_CLIENT_SECRET", CANARY)]);
        home.chmod(".acme-mcp/config.json", 0o640);
        let audit = home.audit(&config, PrivacyMode::Structured, None);
        let found = finding(&audit, "config_file").expect("the later chmod is seen");
        assert_eq!(
            found.severity,
            Severity::Low,
            "the secret comes from the environment, so the file holds none"
        );
        assert_eq!(audit.secret_settings[0].stored_in, SettingSource::Env);
    }

    #[test]
    fn shared_tokens_and_directories_get_their_own_fixes_and_missing_files_none() {
        let home = Home::new();
        home.write(".acme-mcp/tokens.json", "{}", 0o604);
        home.chmod(".acme-mcp", 0o755);
        let config = home.config(&[]);
        let audit = home.audit(&config, PrivacyMode::Structured, None);
        let tokens = finding(&audit, "tokens").expect("tokens finding");
        assert_eq!(tokens.severity, Severity::High);
        assert_eq!(tokens.fix, "chmod 600 ~/.acme-mcp/tokens.json");
        let dir = finding(&audit, "config_dir").expect("directory finding");
        assert_eq!(dir.fix, "chmod 700 ~/.acme-mcp");
        assert_eq!(audit.findings[0].severity, Severity::High, "worst first");
        let cache = file(&audit, "cache");
        assert_eq!((cache.kind, cache.exists), (EntryKind::Missing, false));
        assert_eq!(cache.path, "~/.acme-mcp/cache");
        assert_eq!(finding(&audit, "cache"), None);
        assert_eq!(file(&audit, "config_file").kind, EntryKind::Missing);
    }

    #[test]
    fn http_binds_are_reported_and_judged() {
        let home = Home::new();
        let config = home.config(&[]);
        let http = |bind: &str, token_required| {
            let bind: SocketAddr = bind.parse().unwrap();
            home.audit(
                &config,
                PrivacyMode::Structured,
                Some(Transport::Http {
                    bind,
                    token_required,
                }),
            )
        };
        let local = http("127.0.0.1:3333", true);
        assert_eq!(local.transport.kind, TransportKind::Http);
        assert_eq!(local.transport.bind.as_deref(), Some("127.0.0.1:3333"));
        assert_eq!(local.transport.loopback, Some(true));
        assert_eq!(local.transport.token_required, Some(true));
        assert_eq!(finding(&local, "transport"), None);
        let open_local = http("127.0.0.1:3333", false);
        let found = finding(&open_local, "transport").unwrap();
        assert_eq!(found.severity, Severity::Low);
        assert!(found.fix.contains("ACME_MCP_TOKEN"), "{}", found.fix);
        assert_eq!(
            finding(&http("0.0.0.0:3333", true), "transport")
                .unwrap()
                .severity,
            Severity::Medium
        );
        let stdio = home.audit(&config, PrivacyMode::Structured, Some(Transport::Stdio));
        assert_eq!(stdio.transport.stdout_reserved_for_mcp, Some(true));
        assert_eq!(
            home.audit(&config, PrivacyMode::Structured, None)
                .transport
                .kind,
            TransportKind::NotServing
        );
    }

    #[test]
    fn raw_by_default_is_a_finding_that_names_where_it_is_set() {
        let home = Home::new();
        home.write(
            ".acme-mcp/config.json",
            r#"{"ACME_PRIVACY_MODE": "raw"}"#,
            0o600,
        );
        let config = home.config(&[]);
        let audit = home.audit(&config, PrivacyMode::Raw, None);
        assert_eq!(audit.privacy_mode.source, SettingSource::ConfigFile);
        let found = finding(&audit, "privacy_mode").unwrap();
        assert!(
            found.fix.contains("~/.acme-mcp/config.json"),
            "{}",
            found.fix
        );
        let unset = home.audit(&home.config(&[]), PrivacyMode::Structured, None);
        assert_eq!(finding(&unset, "privacy_mode"), None);
    }

    #[test]
    fn the_redaction_lists_are_the_redactors_own() {
        let home = Home::new();
        let config = home.config(&[("ACME_CLIENT_SECRET", CANARY)]);
        let audit = home.audit(&config, PrivacyMode::Structured, None);
        assert_eq!(
            audit.redaction.secret_key_names,
            Redactor::secret_key_names()
        );
        assert!(
            audit
                .redaction
                .secret_key_names
                .contains(&"clientsecret".to_owned())
        );
        assert_eq!(audit.redaction.configured_values, 1);
    }
}
