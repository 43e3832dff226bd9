//! Hermes: `mcp_servers` in `config.yaml`, plus a skill that teaches the agent the server.
//!
//! Hermes asks for confirmation before `/reload-mcp` rebuilds its tools
//! (`approvals.mcp_reload_confirm`, on by default). That is the user's security setting:
//! it is changed only with [`InstallOptions::allow_hermes_reload_without_confirmation`],
//! and otherwise the report says how to reload.

use std::path::Path;

use super::plan::{self, Fragment};
use super::update::{FileChange, update, write_text};
use super::yaml_config::YamlDoc;
use super::yaml_splice::render_block_pair;
use super::{
    ClientConfigError, ClientPaths, InstallOptions, InstallReport, McpClient, Outcome, ServerEntry,
    SkillReport, env_fields, keys, owned_fields, shape_error,
};

/// Seconds Hermes waits for one tool call: summaries may page through a year of data.
const TOOL_TIMEOUT_SECONDS: i64 = 120;
/// Seconds Hermes waits for the server to start and answer `initialize`.
const CONNECT_TIMEOUT_SECONDS: i64 = 60;

/// Fields written only into a new entry, so the user's later tuning survives updates.
/// Sampling (the server asking Hermes' model for completions) is off for our entry:
/// the server never uses it, and least privilege costs nothing.
fn seeded_fields() -> Vec<(String, Fragment)> {
    vec![
        ("timeout".to_owned(), Fragment::Int(TOOL_TIMEOUT_SECONDS)),
        (
            "connect_timeout".to_owned(),
            Fragment::Int(CONNECT_TIMEOUT_SECONDS),
        ),
        (
            "sampling".to_owned(),
            Fragment::Map(vec![("enabled".to_owned(), Fragment::Bool(false))]),
        ),
    ]
}

pub(super) fn install_config(
    config_path: &Path,
    entry: &ServerEntry,
    command: &str,
    options: &InstallOptions,
    report: &mut InstallReport,
) -> Result<FileChange, ClientConfigError> {
    let hint = format!(
        "Add this to {} by hand:\n{}",
        config_path.display(),
        snippet(entry, command)
    );
    let change = update::<YamlDoc>(config_path, Some(&hint), |doc| {
        let shape = |mismatch| shape_error(config_path, mismatch);
        let mut edits = plan::entry_edits(
            doc,
            &keys(&["mcp_servers"]),
            &entry.name,
            owned_fields(McpClient::Hermes, entry, command),
            env_fields(entry),
            seeded_fields(),
        )
        .map_err(shape)?;
        if options.allow_hermes_reload_without_confirmation {
            edits.push(
                plan::setting_edit(
                    doc,
                    keys(&["approvals", "mcp_reload_confirm"]),
                    Fragment::Bool(false),
                )
                .map_err(shape)?,
            );
        }
        Ok(edits)
    })?;
    if options.allow_hermes_reload_without_confirmation {
        report.warnings.push(
            "As requested, Hermes' approvals.mcp_reload_confirm is false: /reload-mcp no longer asks before reloading MCP servers."
                .to_owned(),
        );
    }
    Ok(change)
}

pub(super) fn install_skill(
    paths: &ClientPaths,
    entry: &ServerEntry,
    options: &InstallOptions,
    report: &mut InstallReport,
) -> Result<(), ClientConfigError> {
    let Some(path) = paths.skill_path(McpClient::Hermes, &entry.name) else {
        return Ok(());
    };
    let Some(text) = &options.hermes_skill else {
        report.warnings.push(format!(
            "No Hermes skill text was given; {} was not written.",
            path.display()
        ));
        return Ok(());
    };
    let change = write_text(&path, text)?;
    report.skill = Some(SkillReport {
        path,
        outcome: change.outcome,
        backup_path: change.backup,
    });
    Ok(())
}

/// `mcp_servers:` with our entry, as it is written into a new file.
pub(super) fn snippet(entry: &ServerEntry, command: &str) -> String {
    let mut fields = owned_fields(McpClient::Hermes, entry, command);
    let env = env_fields(entry);
    if !env.is_empty() {
        fields.push(("env".to_owned(), Fragment::Map(env)));
    }
    fields.extend(seeded_fields());
    let servers = Fragment::Map(vec![(entry.name.clone(), Fragment::Map(fields))]);
    let mut text = String::new();
    render_block_pair(&mut text, 0, "mcp_servers", &servers, "\n");
    text
}

pub(super) fn next_step(name: &str, options: &InstallOptions, report: &InstallReport) -> String {
    let changed = report.outcome != Outcome::Unchanged;
    match (changed, options.allow_hermes_reload_without_confirmation) {
        (false, _) => format!("Hermes already has the server; `hermes mcp test {name}` checks it."),
        (true, true) => format!(
            "Run /reload-mcp in a running Hermes session (or start a new one); `hermes mcp test {name}` checks the server."
        ),
        (true, false) => format!(
            "Run /reload-mcp in a running Hermes session and confirm (approvals.mcp_reload_confirm was left as it is), or start a new session; `hermes mcp test {name}` checks the server."
        ),
    }
}
