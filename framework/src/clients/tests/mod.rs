//! Behaviour of the client writers against real files in a temporary home.

mod hermes;
mod json;
mod paths;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use serde_norway::Value as Yaml;
use tempfile::TempDir;

use super::*;
use crate::provider::BuildContext;

const JSON_CLIENTS: [McpClient; 6] = [
    McpClient::ClaudeDesktop,
    McpClient::ClaudeCode,
    McpClient::Cursor,
    McpClient::Windsurf,
    McpClient::OpenClaw,
    McpClient::Generic,
];

struct Home {
    dir: TempDir,
    paths: ClientPaths,
}

impl Home {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let paths = ClientPaths::new(Platform::current(), dir.path(), ".test-mcp");
        Self { dir, paths }
    }

    fn binary(&self) -> PathBuf {
        self.dir.path().join("opt").join("bin").join("test-mcp")
    }

    fn entry(&self) -> ServerEntry {
        ServerEntry {
            name: "withings".to_owned(),
            command: self.binary(),
            args: vec!["serve".to_owned()],
            env: BTreeMap::from([("TEST_PRIVACY_MODE".to_owned(), "structured".to_owned())]),
        }
    }

    fn install(&self, client: McpClient) -> Result<InstallReport, ClientConfigError> {
        install(
            client,
            &self.paths,
            &self.entry(),
            &InstallOptions::default(),
        )
    }

    fn path(&self, client: McpClient) -> PathBuf {
        self.paths.config_path(client)
    }

    /// Writes a client file as a user would have, creating its directory.
    fn write(&self, client: McpClient, contents: &str) -> PathBuf {
        let path = self.path(client);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(&path, contents).expect("write");
        path
    }
}

/// The servers object of a JSON client, where our entry goes.
fn servers_pointer(client: McpClient) -> &'static str {
    match client {
        McpClient::OpenClaw => "/mcp/servers",
        _ => "/mcpServers",
    }
}

/// `servers` nested the way `client` nests its servers, beside unrelated settings.
fn json_config(client: McpClient, servers: Value) -> Value {
    let mut doc = json!({"theme": "dark", "numStartups": 12345678901234567_u64, "projects": {"/p": {"allowedTools": ["a", "b"]}}});
    match client {
        McpClient::OpenClaw => doc["mcp"] = json!({"servers": servers, "sessionIdleTtlMs": 0}),
        _ => doc["mcpServers"] = servers,
    }
    doc
}

fn other_server() -> Value {
    json!({"command": "npx", "args": ["-y", "other-mcp"], "env": {"OTHER_TOKEN": "s3cr3t-other-token"}})
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&fs::read(path).expect("read")).expect("valid JSON")
}

/// Every file in the directory of `path`, by name.
fn siblings(path: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(path.parent().expect("parent"))
        .expect("list")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).expect("stat").permissions().mode() & 0o777
}
