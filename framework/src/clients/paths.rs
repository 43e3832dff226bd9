//! Where each MCP client keeps its configuration, per operating system.
//!
//! Everything is computed from a [`ClientPaths`] value rather than from the running
//! system, so one test run on Linux can check the macOS and Windows locations too, and
//! the environment is read only through [`BuildContext`].
//!
//! Sources, checked against each client's own documentation or code:
//! - Claude Desktop: `claude_desktop_config.json` under `~/Library/Application Support/Claude`
//!   (macOS) and `%APPDATA%\Claude` (Windows). There is no official Linux build; community
//!   builds read `$XDG_CONFIG_HOME/Claude` (default `~/.config/Claude`).
//! - Claude Code: user scope is the top-level `mcpServers` of `~/.claude.json` on every
//!   system, or of `$CLAUDE_CONFIG_DIR/.claude.json` when that variable is set.
//! - Cursor: `~/.cursor/mcp.json`; Windsurf: `~/.codeium/windsurf/mcp_config.json`
//!   (`~` is `%USERPROFILE%` on Windows).
//! - Hermes: `$HERMES_HOME`, else `%LOCALAPPDATA%\hermes` on Windows and `~/.hermes`
//!   elsewhere (Hermes' `get_hermes_home`); `config.yaml` and `skills/` inside it.
//! - OpenClaw: `$OPENCLAW_CONFIG_PATH`, else `$OPENCLAW_STATE_DIR/openclaw.json`, else
//!   `~/.openclaw/openclaw.json` (OpenClaw's `src/config/paths.ts`). OpenClaw's legacy
//!   `~/.clawdbot`-style directories are not looked at.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::McpClient;
use crate::config::expand_tilde;
use crate::provider::BuildContext;

/// The operating system whose conventions decide the paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Linux,
    MacOs,
    Windows,
}

impl Platform {
    /// The system this binary was built for. Any unix other than macOS counts as Linux:
    /// the clients that run there follow the XDG layout.
    pub fn current() -> Self {
        if cfg!(target_os = "macos") {
            Self::MacOs
        } else if cfg!(windows) {
            Self::Windows
        } else {
            Self::Linux
        }
    }
}

/// Everything the client paths depend on: the home directory and the few environment
/// variables clients honour. Variables that do not hold an absolute path (after `~`
/// expansion) are ignored: a relative one would depend on the directory setup happened
/// to run in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientPaths {
    pub platform: Platform,
    pub home: PathBuf,
    /// The provider's directory under the home (`.withings-mcp`), for generic snippets.
    pub provider_home_dir: String,
    /// `%APPDATA%` (Windows only).
    pub appdata: Option<PathBuf>,
    /// `%LOCALAPPDATA%` (Windows only).
    pub local_appdata: Option<PathBuf>,
    /// `$XDG_CONFIG_HOME` (Linux only).
    pub xdg_config_home: Option<PathBuf>,
    pub claude_config_dir: Option<PathBuf>,
    pub hermes_home: Option<PathBuf>,
    pub openclaw_config_path: Option<PathBuf>,
    pub openclaw_state_dir: Option<PathBuf>,
}

impl ClientPaths {
    /// Default locations only, as if no client-specific variable were set.
    pub fn new(platform: Platform, home: impl Into<PathBuf>, provider_home_dir: &str) -> Self {
        Self {
            platform,
            home: home.into(),
            provider_home_dir: provider_home_dir.to_owned(),
            appdata: None,
            local_appdata: None,
            xdg_config_home: None,
            claude_config_dir: None,
            hermes_home: None,
            openclaw_config_path: None,
            openclaw_state_dir: None,
        }
    }

    /// The paths for `platform` as the environment in `ctx` sets them. `None` when there
    /// is no home directory: every client keeps its configuration under it.
    pub fn from_context(
        ctx: &BuildContext,
        platform: Platform,
        provider_home_dir: &str,
    ) -> Option<Self> {
        let home = ctx.home()?.to_path_buf();
        let var = |key: &str| {
            ctx.env(key)
                .map(|value| expand_tilde(value.trim(), Some(&home)))
                .filter(|path| path.is_absolute())
        };
        let windows = platform == Platform::Windows;
        Some(Self {
            appdata: var("APPDATA").filter(|_| windows),
            local_appdata: var("LOCALAPPDATA").filter(|_| windows),
            xdg_config_home: var("XDG_CONFIG_HOME").filter(|_| platform == Platform::Linux),
            claude_config_dir: var("CLAUDE_CONFIG_DIR"),
            hermes_home: var("HERMES_HOME"),
            openclaw_config_path: var("OPENCLAW_CONFIG_PATH"),
            openclaw_state_dir: var("OPENCLAW_STATE_DIR"),
            ..Self::new(platform, home, provider_home_dir)
        })
    }

    /// The file `client` reads its MCP servers from (for `Generic`, the file we write the
    /// snippet to).
    pub fn config_path(&self, client: McpClient) -> PathBuf {
        match client {
            McpClient::ClaudeDesktop => {
                self.claude_desktop_dir().join("claude_desktop_config.json")
            }
            McpClient::ClaudeCode => self
                .claude_config_dir
                .as_deref()
                .unwrap_or(&self.home)
                .join(".claude.json"),
            McpClient::Cursor => self.home.join(".cursor").join("mcp.json"),
            McpClient::Windsurf => self
                .home
                .join(".codeium")
                .join("windsurf")
                .join("mcp_config.json"),
            McpClient::Hermes => self.hermes_dir().join("config.yaml"),
            McpClient::OpenClaw => self.openclaw_config(),
            McpClient::Generic => self.snippet_dir().join("generic.json"),
        }
    }

    /// Hermes' skill file for the server `name`; only Hermes has skills.
    pub fn skill_path(&self, client: McpClient, name: &str) -> Option<PathBuf> {
        (client == McpClient::Hermes).then(|| {
            self.hermes_dir()
                .join("skills")
                .join(format!("{name}-mcp"))
                .join("SKILL.md")
        })
    }

    /// `<home>/<provider home>/mcp-configs`, where generic snippets go.
    pub fn snippet_dir(&self) -> PathBuf {
        self.home.join(&self.provider_home_dir).join("mcp-configs")
    }

    fn claude_desktop_dir(&self) -> PathBuf {
        match self.platform {
            Platform::MacOs => self
                .home
                .join("Library")
                .join("Application Support")
                .join("Claude"),
            Platform::Windows => self
                .windows_dir(self.appdata.as_deref(), "Roaming")
                .join("Claude"),
            Platform::Linux => self
                .xdg_config_home
                .clone()
                .unwrap_or_else(|| self.home.join(".config"))
                .join("Claude"),
        }
    }

    fn hermes_dir(&self) -> PathBuf {
        if let Some(dir) = &self.hermes_home {
            return dir.clone();
        }
        match self.platform {
            Platform::Windows => self
                .windows_dir(self.local_appdata.as_deref(), "Local")
                .join("hermes"),
            Platform::Linux | Platform::MacOs => self.home.join(".hermes"),
        }
    }

    fn openclaw_config(&self) -> PathBuf {
        if let Some(path) = &self.openclaw_config_path {
            return path.clone();
        }
        self.openclaw_state_dir
            .clone()
            .unwrap_or_else(|| self.home.join(".openclaw"))
            .join("openclaw.json")
    }

    /// A Windows known folder, falling back to its default under the profile the way the
    /// clients themselves do when the variable is missing.
    fn windows_dir(&self, from_env: Option<&Path>, default_leaf: &str) -> PathBuf {
        from_env.map_or_else(
            || self.home.join("AppData").join(default_leaf),
            Path::to_path_buf,
        )
    }
}
