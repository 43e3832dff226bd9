//! Prompts: reusable conversation starters with named arguments.

use std::collections::BTreeMap;

use async_trait::async_trait;

use crate::error::ToolError;
use crate::resource::EmbeddedResource;
use crate::result::Image;

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

/// What one message of a prompt carries.
#[derive(Debug, Clone, PartialEq)]
pub enum PromptContent {
    Text(String),
    Image(Image),
    /// A document handed to the model with the URI it is known by.
    Resource(EmbeddedResource),
}

#[derive(Debug, Clone, PartialEq)]
pub struct PromptMessage {
    pub role: PromptRole,
    pub content: PromptContent,
}

impl PromptMessage {
    pub fn user(text: impl Into<String>) -> Self {
        Self::new(PromptRole::User, PromptContent::Text(text.into()))
    }

    pub fn new(role: PromptRole, content: PromptContent) -> Self {
        Self { role, content }
    }

    /// The text of a text message.
    pub fn text(&self) -> Option<&str> {
        match &self.content {
            PromptContent::Text(text) => Some(text),
            _ => None,
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
