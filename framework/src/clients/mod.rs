//! Adding our server to an MCP client's own configuration file.
//!
//! These files belong to the user and hold their other servers, often with tokens, so
//! every write follows the same rules:
//! - the existing file is parsed first; one that cannot be parsed is never touched, and
//!   the error names the file and the position;
//! - only our server's entry is added or updated, field by field, and everything else
//!   keeps its bytes (JSON values we do not touch are copied raw; YAML is edited in place
//!   by position, so comments and quoting survive);
//! - the intended result is decided on parsed values first: when it equals what is on
//!   disk nothing is written, and otherwise the new text must parse back to exactly that
//!   result before it is written;
//! - the original is copied to a timestamped backup beside it before any change, and the
//!   new file replaces it atomically;
//! - no security setting of a client changes unless the caller passes an explicit opt-in
//!   ([`InstallOptions::allow_hermes_reload_without_confirmation`]).
//!
//! Nothing here reads the process environment: paths come from [`ClientPaths`].

mod client;
mod error;
mod fs;
mod hermes;
mod json_config;
mod paths;
mod plan;
mod update;
mod yaml_config;
mod yaml_splice;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

pub use client::{McpClient, UnknownClient};
pub use error::ClientConfigError;
pub use paths::{ClientPaths, Platform};

use json_config::JsonDoc;
use plan::{Document, Fragment, ShapeMismatch};
use update::update;
use yaml_config::YamlDoc;

/// Our server, as every client launches it.
///
/// `env` ends up in plain text in the client's file, readable by the client and by
/// anything that reads the user's dotfiles: pass only non-secret values (a privacy mode,
/// a path). Credentials stay in the provider's own owner-only config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerEntry {
    /// The key under which the client lists the server (`withings`).
    pub name: String,
    /// Absolute path of the installed binary: clients launch it without a shell or the
    /// user's `PATH`.
    pub command: PathBuf,
    pub args: Vec<String>,
    pub env: BTreeMap<String, String>,
}

impl ServerEntry {
    pub fn new(name: impl Into<String>, command: impl Into<PathBuf>) -> Self {
        Self {
            name: name.into(),
            command: command.into(),
            args: Vec::new(),
            env: BTreeMap::new(),
        }
    }
}

/// Choices the user makes explicitly.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstallOptions {
    /// Set Hermes' `approvals.mcp_reload_confirm` to `false`, so `/reload-mcp` stops
    /// asking for confirmation. A security setting of the client: only ever changed when
    /// the user asks for it by flag.
    pub allow_hermes_reload_without_confirmation: bool,
    /// The text of the Hermes skill (`SKILL.md`) that teaches the agent the server. No
    /// skill file is written without one.
    pub hermes_skill: Option<String>,
}

/// What happened to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Created,
    Updated,
    /// Already as intended: nothing written, no backup.
    Unchanged,
}

/// The Hermes skill file's fate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkillReport {
    pub path: PathBuf,
    pub outcome: Outcome,
    pub backup_path: Option<PathBuf>,
}

/// What [`install`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstallReport {
    pub client: McpClient,
    pub config_path: PathBuf,
    pub outcome: Outcome,
    /// The copy of the previous file, when it was changed.
    pub backup_path: Option<PathBuf>,
    pub skill: Option<SkillReport>,
    /// The configuration to show the user (`generic` prints it).
    pub snippet: Option<String>,
    /// Things the user should know: a setting we changed on request, a client that
    /// seems not to be installed...
    pub warnings: Vec<String>,
    /// How to make the client load the server.
    pub next_steps: Vec<String>,
}

/// What [`inspect`] found, for doctor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientStatus {
    pub client: McpClient,
    pub config_path: PathBuf,
    pub exists: bool,
    /// Our entry is present.
    pub configured: bool,
    /// Our entry launches the given binary.
    pub command_matches: bool,
    /// Hermes only.
    pub skill_path: Option<PathBuf>,
    /// Hermes only: the skill file exists.
    pub skill_installed: Option<bool>,
    /// Hermes only: `approvals.mcp_reload_confirm` is `false`.
    pub reload_confirmation_disabled: Option<bool>,
}

/// Adds or updates our server in `client`'s configuration.
pub fn install(
    client: McpClient,
    paths: &ClientPaths,
    entry: &ServerEntry,
    options: &InstallOptions,
) -> Result<InstallReport, ClientConfigError> {
    let command = validate(entry)?;
    let config_path = paths.config_path(client);
    let mut report = InstallReport {
        client,
        config_path: config_path.clone(),
        outcome: Outcome::Unchanged,
        backup_path: None,
        skill: None,
        snippet: None,
        warnings: Vec::new(),
        next_steps: Vec::new(),
    };
    let change = match client.json_base() {
        Some(base) => {
            let base = keys(base);
            let hint = (client == McpClient::OpenClaw).then(|| openclaw_hint(entry, command));
            update::<JsonDoc>(&config_path, hint.as_deref(), |doc| {
                plan::entry_edits(
                    doc,
                    &base,
                    &entry.name,
                    owned_fields(client, entry, command),
                    env_fields(entry),
                    Vec::new(),
                )
                .map_err(|mismatch| shape_error(&config_path, mismatch))
            })?
        }
        None => hermes::install_config(&config_path, entry, command, options, &mut report)?,
    };
    report.outcome = change.outcome;
    report.backup_path = change.backup;
    if change.created_dir && client != McpClient::Generic {
        report.warnings.push(format!(
            "{} did not exist: is {} installed? The file was created so it finds the server once it is.",
            config_path.parent().unwrap_or(&config_path).display(),
            client.display_name()
        ));
    }
    if client == McpClient::Hermes {
        hermes::install_skill(paths, entry, options, &mut report)?;
    }
    if client == McpClient::Generic {
        report.snippet = Some(snippet(client, entry)?);
    }
    guidance(client, paths.platform, entry, options, &mut report);
    Ok(report)
}

/// Reads `client`'s configuration to see whether our server `name` is there and
/// launches `command`. Changes nothing.
pub fn inspect(
    client: McpClient,
    paths: &ClientPaths,
    name: &str,
    command: &Path,
) -> Result<ClientStatus, ClientConfigError> {
    let config_path = paths.config_path(client);
    let existing = fs::read(&config_path)?;
    let entry_path = match client.json_base() {
        Some(base) => plan::child(&keys(base), name),
        None => keys(&["mcp_servers", name]),
    };
    let (configured, command_matches, reload_off) = match (client.json_base(), &existing) {
        (_, None) => (false, false, false),
        (Some(_), Some(file)) => {
            let doc = JsonDoc::parse(&file.bytes, &config_path, None)?;
            entry_state(&doc.value, &entry_path, command)
        }
        (None, Some(file)) => {
            let doc = YamlDoc::parse(&file.bytes, &config_path)?;
            entry_state(&doc.value, &entry_path, command)
        }
    };
    let skill_path = paths.skill_path(client, name);
    Ok(ClientStatus {
        client,
        config_path,
        exists: existing.is_some(),
        configured,
        command_matches,
        skill_installed: skill_path.as_deref().map(Path::is_file),
        skill_path,
        reload_confirmation_disabled: (client == McpClient::Hermes).then_some(reload_off),
    })
}

/// The configuration that adds our server to `client`, as text to show or paste.
pub fn snippet(client: McpClient, entry: &ServerEntry) -> Result<String, ClientConfigError> {
    let command = validate(entry)?;
    match client.json_base() {
        Some(base) => {
            let mut fields = owned_fields(client, entry, command);
            let env = env_fields(entry);
            if !env.is_empty() {
                fields.push(("env".to_owned(), Fragment::Map(env)));
            }
            let value = Fragment::nest(
                &plan::child(&keys(base), &entry.name),
                &Fragment::Map(fields),
            );
            // `{:#}` is serde_json's pretty printing, which cannot fail on a `Value`.
            Ok(format!("{:#}\n", value.to_json()))
        }
        None => Ok(hermes::snippet(entry, command)),
    }
}

/// The fields we own in every client's entry; the user's other fields are kept.
fn owned_fields(client: McpClient, entry: &ServerEntry, command: &str) -> Vec<(String, Fragment)> {
    let mut fields = Vec::new();
    if client == McpClient::ClaudeCode {
        // What `claude mcp add` writes for a local server.
        fields.push(("type".to_owned(), Fragment::Str("stdio".to_owned())));
    }
    fields.push(("command".to_owned(), Fragment::Str(command.to_owned())));
    fields.push((
        "args".to_owned(),
        Fragment::Seq(entry.args.iter().cloned().map(Fragment::Str).collect()),
    ));
    fields
}

fn env_fields(entry: &ServerEntry) -> Vec<(String, Fragment)> {
    entry
        .env
        .iter()
        .map(|(key, value)| (key.clone(), Fragment::Str(value.clone())))
        .collect()
}

/// Longest server name accepted; clients build tool names from it.
const MAX_NAME_LEN: usize = 64;

/// Checks the entry and returns its command as text.
fn validate(entry: &ServerEntry) -> Result<&str, ClientConfigError> {
    let name = &entry.name;
    let valid_name = name.len() <= MAX_NAME_LEN
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid_name {
        return Err(ClientConfigError::InvalidName { name: name.clone() });
    }
    if !entry.command.is_absolute() {
        return Err(ClientConfigError::CommandNotAbsolute {
            path: entry.command.clone(),
        });
    }
    entry
        .command
        .to_str()
        .ok_or_else(|| ClientConfigError::CommandNotUtf8 {
            path: entry.command.clone(),
        })
}

fn entry_state(doc: &impl Document, entry_path: &[String], command: &Path) -> (bool, bool, bool) {
    let configured = doc.shape(entry_path) == plan::Shape::Mapping;
    let command_matches = configured
        && command.to_str().is_some()
        && doc.string_at(&plan::child(entry_path, "command")) == command.to_str();
    let reload_off = doc.bool_at(&keys(&["approvals", "mcp_reload_confirm"])) == Some(false);
    (configured, command_matches, reload_off)
}

fn keys(path: &[&str]) -> Vec<String> {
    path.iter().map(|key| (*key).to_owned()).collect()
}

fn shape_error(path: &Path, mismatch: ShapeMismatch) -> ClientConfigError {
    ClientConfigError::UnexpectedShape {
        path: path.to_path_buf(),
        key: mismatch.key,
        expected: "a mapping",
        found: mismatch.found,
    }
}

/// OpenClaw reads JSON5, which this writer does not edit; its own CLI does.
fn openclaw_hint(entry: &ServerEntry, command: &str) -> String {
    let mut fields = serde_json::Map::new();
    fields.insert("command".to_owned(), command.into());
    fields.insert("args".to_owned(), entry.args.clone().into());
    if !entry.env.is_empty() {
        fields.insert(
            "env".to_owned(),
            serde_json::to_value(&entry.env).unwrap_or_default(),
        );
    }
    format!(
        "If it uses JSON5 (comments, trailing commas), add the server with OpenClaw itself: openclaw mcp set {} '{}'",
        entry.name,
        serde_json::Value::Object(fields)
    )
}

fn guidance(
    client: McpClient,
    platform: Platform,
    entry: &ServerEntry,
    options: &InstallOptions,
    report: &mut InstallReport,
) {
    let name = &entry.name;
    let step = match client {
        McpClient::ClaudeDesktop => {
            if platform == Platform::Linux {
                report.warnings.push(
                    "Claude Desktop has no official Linux build; this is where community builds read their config."
                        .to_owned(),
                );
            }
            "Quit and reopen Claude Desktop to load the server.".to_owned()
        }
        McpClient::ClaudeCode => {
            report.warnings.push(
                "Claude Code rewrites this file while it runs: if the entry disappears, quit every Claude Code session and run setup again."
                    .to_owned(),
            );
            format!("Start a new Claude Code session; `claude mcp get {name}` shows the server.")
        }
        McpClient::Cursor => {
            "Restart Cursor, or enable the server under Settings > MCP.".to_owned()
        }
        McpClient::Windsurf => {
            "Refresh the MCP servers in Windsurf's Cascade panel, or restart Windsurf.".to_owned()
        }
        McpClient::Hermes => hermes::next_step(name, options, report),
        McpClient::OpenClaw => format!(
            "Check the entry with `openclaw mcp doctor {name} --probe`; restart the OpenClaw gateway to load it."
        ),
        McpClient::Generic => {
            "Copy this snippet into your MCP client's configuration file.".to_owned()
        }
    };
    report.next_steps.push(step);
}

#[cfg(test)]
mod tests;
