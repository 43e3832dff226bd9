//! `delx-framework`: everything a local-first wellness connector needs, and nothing
//! about any particular provider or about MCP itself.
//!
//! A provider crate describes itself with a [`ProviderDescriptor`], implements
//! [`Tool`], [`Prompt`] and [`Resource`] for its surface, and submits one
//! [`ProviderRegistration`] with `inventory`. The server turns the resulting
//! [`Registry`] into an MCP server; the conformance suite and the command line call
//! the very same registry in-process, so every caller shares one validation path.
//!
//! What this crate deliberately does not own: wire protocols (the server speaks MCP),
//! argv parsing (the binary does), and provider knowledge (provider crates do).

pub mod auth;
pub mod cache;
pub mod chart;
pub mod clients;
pub mod completion;
pub mod config;
pub mod context;
pub mod error;
pub mod http;
mod local_files;
pub mod metadata;
pub mod privacy;
pub mod profile;
pub mod prompt;
pub mod provider;
pub mod random;
pub mod registry;
pub mod render;
pub mod resource;
pub mod result;
pub mod schema;
pub mod time;
pub mod tool;
pub mod updates;

pub use async_trait::async_trait;
pub use inventory;
pub use schemars;

pub use auth::{TokenStore, TokenStoreError, TokenUpdate, Tokens};
pub use config::{
    ConfigError, ConfigFileStatus, ConfigKey, ConfigSource, LayeredConfig, ValueSource,
};
pub use context::{
    CallContext, ClientRequestError, Elicitation, ElicitationAction, LogLevel, NullContext,
};
pub use error::{ErrorKind, ToolError};
pub use privacy::{PrivacyMode, Redactor};
pub use prompt::{
    Prompt, PromptArgs, PromptArgument, PromptContent, PromptMessage, PromptReply, PromptRole,
    PromptSpec,
};
pub use provider::{
    AuthModel, BuildContext, Demo, DemoSpec, Distribution, Provider, ProviderCommand,
    ProviderDescriptor, ProviderLink, ProviderRegistration, Transport,
};
pub use registry::{CallError, CompleteError, PromptError, ReadError, Registry, RegistryError};
pub use render::ResponseFormat;
pub use resource::{
    EmbeddedResource, Resource, ResourceContent, ResourceSpec, ResourceSpecUri, UriTemplate,
    UriVars,
};
pub use result::{Audio, Image, Media, ResourceLink, ToolOutput, ToolResult};
pub use tool::{DynTool, NoInput, Tool, ToolAnnotations, ToolSpec};
