//! Prompts: reusable conversation starters with named arguments.

use std::collections::BTreeMap;

use async_trait::async_trait;

use crate::error::ToolError;

/// One named argument of a prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct PromptArgument {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PromptSpec {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub arguments: Vec<PromptArgument>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptRole {
    User,
    Assistant,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PromptMessage {
    pub role: PromptRole,
    pub text: String,
}

impl PromptMessage {
    pub fn user(text: impl Into<String>) -> Self {
        Self {
            role: PromptRole::User,
            text: text.into(),
        }
    }
}

/// A rendered prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct PromptReply {
    pub description: Option<String>,
    pub messages: Vec<PromptMessage>,
}

/// Arguments by name, as the client sent them.
pub type PromptArgs = BTreeMap<String, String>;

#[async_trait]
pub trait Prompt: Send + Sync + 'static {
    fn spec(&self) -> PromptSpec;

    /// Renders the prompt. Required arguments are present; unknown ones were refused.
    async fn get(&self, args: &PromptArgs) -> Result<PromptReply, ToolError>;

    /// Candidate values for `argument`; the registry filters them by what the user
    /// typed, so returning every candidate is fine. `context` holds the arguments
    /// already chosen.
    async fn complete(&self, _argument: &str, _context: &PromptArgs) -> Vec<String> {
        Vec::new()
    }
}
