//! Providers: who a connector talks to, and how it plugs in.
//!
//! A provider crate submits one [`ProviderRegistration`] with `inventory::submit!`;
//! linking the crate into a binary is all it takes to serve it.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::prompt::Prompt;
use crate::resource::Resource;
use crate::tool::DynTool;

/// How a provider authenticates its user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthModel {
    /// OAuth 2.0 authorization code with a local loopback callback.
    OAuth2AuthorizationCode,
    /// A personal API key or token the user pastes in.
    ApiKey,
    /// Local files only, no account.
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProviderLink {
    pub label: &'static str,
    pub url: &'static str,
}

/// The static facts about a provider, used by manifests, doctor and the server.
#[derive(Debug)]
pub struct ProviderDescriptor {
    /// Short lowercase id; also the prefix of every tool name (`withings`).
    pub id: &'static str,
    pub display_name: &'static str,
    /// Directory under the user's home holding config and tokens (`.withings-mcp`).
    pub home_dir: &'static str,
    /// Prefix of the provider's environment variables (`WITHINGS`).
    pub env_prefix: &'static str,
    pub scopes: &'static [&'static str],
    pub auth_model: AuthModel,
    /// What crosses the machine boundary, in one sentence.
    pub api_boundary: &'static str,
    pub data_categories: &'static [&'static str],
    pub signals: &'static [&'static str],
    pub links: &'static [ProviderLink],
    pub version: &'static str,
    /// Guidance for agents, merged into the server's `instructions`.
    pub instructions: &'static str,
    /// How the connector is published, for the generated manifests; `None` for
    /// providers that are never listed (examples, tests).
    pub distribution: Option<&'static Distribution>,
}

/// What the registry manifests say about a published connector that the code
/// cannot infer.
#[derive(Debug)]
pub struct Distribution {
    /// The package and binary name (`withings-mcp`).
    pub package: &'static str,
    /// The MCP registry name (`io.github.owner/name`).
    pub mcp_name: &'static str,
    pub repository: &'static str,
    pub website: Option<&'static str>,
    /// Every setting, with descriptions: the manifests' environment variables.
    pub settings: &'static [crate::config::ConfigKey],
    /// The Delx boundary contract: `remote_api`, `multi_provider_api`,
    /// `local_export` or `computational`.
    pub boundary_contract: &'static str,
    /// Connectors this one hands context to (`exercise-catalog`, `nourish`).
    pub recommended_handoffs: &'static [&'static str],
    /// One line on how data and auth work, for the registry's `auth_model`.
    pub auth_summary: &'static str,
    /// Known limits worth a line in the registry's `notes`.
    pub notes: &'static str,
}

/// How the server that built the provider is reached. Only the server knows; a
/// provider's privacy audit reports it, because a health server on a network port is
/// a different exposure from one speaking over a pipe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// The MCP client launched the process; stdout carries the protocol.
    Stdio,
    /// Streamable HTTP on `bind` (the address really bound, port resolved).
    Http {
        bind: SocketAddr,
        token_required: bool,
    },
}

/// Where a provider reads its environment from; a snapshot, so tests can inject one.
#[derive(Debug, Clone, Default)]
pub struct BuildContext {
    env: BTreeMap<String, String>,
    home: Option<PathBuf>,
    transport: Option<Transport>,
}

impl BuildContext {
    /// The real process environment and the user's home directory.
    pub fn from_process() -> Self {
        Self {
            env: std::env::vars().collect(),
            home: dirs::home_dir(),
            transport: None,
        }
    }

    pub fn new(env: BTreeMap<String, String>, home: Option<PathBuf>) -> Self {
        Self {
            env,
            home,
            transport: None,
        }
    }

    /// This context for a provider about to be served over `transport`.
    pub fn with_transport(mut self, transport: Transport) -> Self {
        self.transport = Some(transport);
        self
    }

    /// `None` when the provider is not being served (a one-off `call`, a test).
    pub fn transport(&self) -> Option<Transport> {
        self.transport
    }

    /// This context with `extra` settings added (and winning).
    pub fn with_env(mut self, extra: BTreeMap<String, String>) -> Self {
        self.env.extend(extra);
        self
    }

    /// A non-empty environment value; an empty variable counts as unset.
    pub fn env(&self, key: &str) -> Option<&str> {
        self.env
            .get(key)
            .map(String::as_str)
            .filter(|value| !value.trim().is_empty())
    }

    pub fn home(&self) -> Option<&Path> {
        self.home.as_deref()
    }
}

/// A provider, built and ready to serve.
pub trait Provider: Send + Sync + 'static {
    fn descriptor(&self) -> &'static ProviderDescriptor;
    fn tools(&self) -> Vec<Arc<dyn DynTool>>;

    fn prompts(&self) -> Vec<Arc<dyn Prompt>> {
        Vec::new()
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        Vec::new()
    }

    /// Values that must never reach any output (the configured client secret, say).
    fn secrets(&self) -> Vec<String> {
        Vec::new()
    }
}

/// A failure to build a provider; the registry reports it with the provider's id.
pub type BuildError = Box<dyn std::error::Error + Send + Sync>;

/// One provider's entry in the link-time registry.
pub struct ProviderRegistration {
    pub descriptor: &'static ProviderDescriptor,
    pub build: fn(&BuildContext) -> Result<Arc<dyn Provider>, BuildError>,
    /// Commands the provider adds to the binary's command line (`setup`, `auth`...).
    pub commands: &'static [ProviderCommand],
    /// How to run the provider against a built-in demo account, if it has one.
    pub demo: Option<&'static DemoSpec>,
}

/// A demo account that needs no real account and no network: `withings-mcp demo`.
pub struct DemoSpec {
    /// Prepares the demo in `ctx` (whose home is a throwaway directory): starts the
    /// fake backend, signs in through the real code path, and says which settings
    /// point the provider at it. The demo lasts as long as the returned guard.
    pub start: fn(BuildContext) -> BoxFuture<Result<Demo, BuildError>>,
    /// The tool calls `demo --print` shows: (tool name, JSON arguments).
    pub showcase: &'static [(&'static str, &'static str)],
}

/// A running demo.
pub struct Demo {
    /// Settings to add to the build context, such as the fake backend's address.
    pub env: BTreeMap<String, String>,
    /// Keeps the fake backend alive; dropped when the demo ends.
    pub guard: Box<dyn std::any::Any + Send>,
}

/// A boxed future, so function pointers can be async.
pub type BoxFuture<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send>>;

/// A command a provider contributes to the command line. The binary's front end
/// hands it the arguments after its name; the command parses them itself, so the
/// framework never reads argv.
#[derive(Debug, Clone, Copy)]
pub struct ProviderCommand {
    pub name: &'static str,
    /// One line for `help`.
    pub about: &'static str,
    pub run: fn(Vec<std::ffi::OsString>) -> std::process::ExitCode,
}

inventory::collect!(ProviderRegistration);

impl ProviderRegistration {
    /// Every provider linked into this binary, sorted by id.
    pub fn all() -> Vec<&'static ProviderRegistration> {
        let mut all: Vec<_> = inventory::iter::<ProviderRegistration>
            .into_iter()
            .collect();
        all.sort_by_key(|registration| registration.descriptor.id);
        all
    }
}
