//! The MCP clients we write configuration for, and their names on the command line.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// An MCP client whose configuration we know how to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum McpClient {
    #[serde(rename = "claude-desktop")]
    ClaudeDesktop,
    #[serde(rename = "claude-code")]
    ClaudeCode,
    #[serde(rename = "cursor")]
    Cursor,
    #[serde(rename = "windsurf")]
    Windsurf,
    #[serde(rename = "hermes")]
    Hermes,
    #[serde(rename = "openclaw")]
    OpenClaw,
    #[serde(rename = "generic")]
    Generic,
}

impl McpClient {
    pub const ALL: [McpClient; 7] = [
        Self::ClaudeDesktop,
        Self::ClaudeCode,
        Self::Cursor,
        Self::Windsurf,
        Self::Hermes,
        Self::OpenClaw,
        Self::Generic,
    ];

    /// Every name [`FromStr`] accepts; `claude` is Claude Desktop, as it always was.
    pub const NAMES: [&'static str; 8] = [
        "claude",
        "claude-desktop",
        "claude-code",
        "cursor",
        "windsurf",
        "hermes",
        "openclaw",
        "generic",
    ];

    /// The canonical name, as accepted on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ClaudeDesktop => "claude-desktop",
            Self::ClaudeCode => "claude-code",
            Self::Cursor => "cursor",
            Self::Windsurf => "windsurf",
            Self::Hermes => "hermes",
            Self::OpenClaw => "openclaw",
            Self::Generic => "generic",
        }
    }

    pub fn display_name(self) -> &'static str {
        match self {
            Self::ClaudeDesktop => "Claude Desktop",
            Self::ClaudeCode => "Claude Code",
            Self::Cursor => "Cursor",
            Self::Windsurf => "Windsurf",
            Self::Hermes => "Hermes",
            Self::OpenClaw => "OpenClaw",
            Self::Generic => "a generic MCP client",
        }
    }

    /// Where the servers live inside the client's JSON file; `None` for Hermes (YAML).
    pub(super) fn json_base(self) -> Option<&'static [&'static str]> {
        match self {
            Self::Hermes => None,
            Self::OpenClaw => Some(&["mcp", "servers"]),
            _ => Some(&["mcpServers"]),
        }
    }
}

impl fmt::Display for McpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A client name that is not one of [`McpClient::NAMES`]. Refused rather than mapped to
/// `generic`: a typo must not silently write a file nobody reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown MCP client {name:?}; expected one of: {}", McpClient::NAMES.join(", "))]
pub struct UnknownClient {
    pub name: String,
}

impl FromStr for McpClient {
    type Err = UnknownClient;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name.trim().to_ascii_lowercase().as_str() {
            "claude" | "claude-desktop" => Ok(Self::ClaudeDesktop),
            "claude-code" => Ok(Self::ClaudeCode),
            "cursor" => Ok(Self::Cursor),
            "windsurf" => Ok(Self::Windsurf),
            "hermes" => Ok(Self::Hermes),
            "openclaw" => Ok(Self::OpenClaw),
            "generic" => Ok(Self::Generic),
            _ => Err(UnknownClient {
                name: name.to_owned(),
            }),
        }
    }
}
