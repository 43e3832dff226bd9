//! The registry: every provider linked into the binary, built once, with one
//! namespace for tools, prompts and resources.
//!
//! Every front end (MCP, the `call` command, the conformance suite) goes through
//! [`Registry::call_tool`], so argument validation, output checks and redaction
//! happen in exactly one place.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::cache;
use crate::completion::Completion;
use crate::context::CallContext;
use crate::error::ToolError;
use crate::local_files::json_type;
use crate::privacy::Redactor;
use crate::prompt::{Prompt, PromptArgs, PromptContent, PromptReply, PromptSpec};
use crate::provider::{BuildContext, Provider, ProviderDescriptor, ProviderRegistration};
use crate::resource::{Resource, ResourceContent, ResourceSpec, ResourceSpecUri, UriVars};
use crate::result::ToolResult;
use crate::schema;
use crate::tool::{DynTool, ToolSpec};

/// MCP's limit on tool names.
const MAX_TOOL_NAME_LEN: usize = 128;

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error(
        "providers `{first}` and `{second}` both define the {kind} `{name}`; rename one of them"
    )]
    Duplicate {
        kind: &'static str,
        name: String,
        first: &'static str,
        second: &'static str,
    },
    #[error("provider `{provider}` could not start: {reason}")]
    Build {
        provider: &'static str,
        reason: String,
    },
    #[error("the {kind} `{name}` of provider `{provider}` is invalid: {reason}")]
    Invalid {
        kind: &'static str,
        name: String,
        provider: &'static str,
        reason: String,
    },
}

/// Why a tool call did not produce a result. Only an unknown name is the caller's
/// protocol mistake; everything else is a [`ToolError`] for the agent to read.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error("unknown tool `{0}`")]
    UnknownTool(String),
    #[error(transparent)]
    Failed(ToolError),
}

#[derive(Debug, thiserror::Error)]
pub enum PromptError {
    #[error("unknown prompt `{0}`")]
    Unknown(String),
    #[error("{0}")]
    InvalidArguments(String),
    #[error(transparent)]
    Failed(ToolError),
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("no resource at `{0}`")]
    NotFound(String),
    #[error(transparent)]
    Failed(ToolError),
}

#[derive(Debug, thiserror::Error)]
pub enum CompleteError {
    #[error("unknown {0}")]
    UnknownReference(String),
    #[error("`{reference}` has no argument `{argument}`")]
    UnknownArgument { reference: String, argument: String },
}

struct RegisteredTool {
    provider: &'static str,
    tool: Arc<dyn DynTool>,
    spec: ToolSpec,
    /// Reads an upstream service read-only: it takes the `refresh` argument.
    refreshable: bool,
    input: jsonschema::Validator,
    output: jsonschema::Validator,
}

struct RegisteredPrompt {
    provider: &'static str,
    prompt: Arc<dyn Prompt>,
    spec: PromptSpec,
}

struct RegisteredResource {
    provider: &'static str,
    resource: Arc<dyn Resource>,
    spec: ResourceSpec,
}

/// Every tool, prompt and resource of every provider, under unique names.
pub struct Registry {
    providers: Vec<Arc<dyn Provider>>,
    tools: BTreeMap<&'static str, RegisteredTool>,
    prompts: BTreeMap<&'static str, RegisteredPrompt>,
    resources: Vec<RegisteredResource>,
    redactor: Redactor,
}

impl Registry {
    /// Builds every provider linked into this binary.
    pub fn from_inventory(ctx: &BuildContext) -> Result<Self, RegistryError> {
        Self::from_registrations(ProviderRegistration::all(), ctx)
    }

    pub fn from_registrations<'a>(
        registrations: impl IntoIterator<Item = &'a ProviderRegistration>,
        ctx: &BuildContext,
    ) -> Result<Self, RegistryError> {
        let providers = registrations
            .into_iter()
            .map(|registration| {
                (registration.build)(ctx).map_err(|error| RegistryError::Build {
                    provider: registration.descriptor.id,
                    reason: error.to_string(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Self::from_providers(providers)
    }

    /// Builds a registry from providers already made (tests, the conformance suite).
    pub fn from_providers(mut providers: Vec<Arc<dyn Provider>>) -> Result<Self, RegistryError> {
        providers.sort_by_key(|provider| provider.descriptor().id);
        let mut registry = Self {
            providers: Vec::new(),
            tools: BTreeMap::new(),
            prompts: BTreeMap::new(),
            resources: Vec::new(),
            redactor: Redactor::new(),
        };
        let mut secrets = Vec::new();
        for provider in &providers {
            let id = provider.descriptor().id;
            for tool in provider.tools() {
                registry.add_tool(id, tool)?;
            }
            for prompt in provider.prompts() {
                registry.add_prompt(id, prompt)?;
            }
            for resource in provider.resources() {
                registry.add_resource(id, resource)?;
            }
            secrets.extend(provider.secrets());
        }
        registry
            .resources
            .sort_by(|a, b| uri_text(&a.spec).cmp(uri_text(&b.spec)));
        registry.redactor = Redactor::new().with_known_secrets(secrets);
        registry.providers = providers;
        Ok(registry)
    }

    fn add_tool(
        &mut self,
        provider: &'static str,
        tool: Arc<dyn DynTool>,
    ) -> Result<(), RegistryError> {
        let spec = tool.spec();
        let invalid = |reason: String| RegistryError::Invalid {
            kind: "tool",
            name: spec.name.to_owned(),
            provider,
            reason,
        };
        if !is_valid_tool_name(spec.name) {
            return Err(invalid(format!(
                "names are 1 to {MAX_TOOL_NAME_LEN} characters of A-Z, a-z, 0-9, '_', '-' and '.'"
            )));
        }
        let mut spec = spec;
        let refreshable = spec.annotations.read_only && spec.annotations.open_world;
        if refreshable {
            add_refresh_argument(&mut spec.input_schema)
                .map_err(|reason| invalid(reason.to_owned()))?;
        }
        let input = schema::compile(&spec.input_schema)
            .map_err(|e| invalid(format!("input schema: {e}")))?;
        let output = schema::compile(&spec.output_schema)
            .map_err(|e| invalid(format!("output schema: {e}")))?;
        if let Some(existing) = self.tools.get(spec.name) {
            return Err(duplicate("tool", spec.name, existing.provider, provider));
        }
        self.tools.insert(
            spec.name,
            RegisteredTool {
                provider,
                tool,
                spec,
                refreshable,
                input,
                output,
            },
        );
        Ok(())
    }

    fn add_prompt(
        &mut self,
        provider: &'static str,
        prompt: Arc<dyn Prompt>,
    ) -> Result<(), RegistryError> {
        let spec = prompt.spec();
        if let Some(existing) = self.prompts.get(spec.name) {
            return Err(duplicate("prompt", spec.name, existing.provider, provider));
        }
        self.prompts.insert(
            spec.name,
            RegisteredPrompt {
                provider,
                prompt,
                spec,
            },
        );
        Ok(())
    }

    fn add_resource(
        &mut self,
        provider: &'static str,
        resource: Arc<dyn Resource>,
    ) -> Result<(), RegistryError> {
        let spec = resource.spec();
        let clash = self.resources.iter().find(|existing| {
            uri_text(&existing.spec) == uri_text(&spec) || existing.spec.name == spec.name
        });
        if let Some(existing) = clash {
            return Err(duplicate(
                "resource",
                uri_text(&spec),
                existing.provider,
                provider,
            ));
        }
        self.resources.push(RegisteredResource {
            provider,
            resource,
            spec,
        });
        Ok(())
    }

    pub fn descriptors(&self) -> impl Iterator<Item = &'static ProviderDescriptor> + '_ {
        self.providers.iter().map(|provider| provider.descriptor())
    }

    pub fn providers(&self) -> &[Arc<dyn Provider>] {
        &self.providers
    }

    /// The redactor with every provider's known secrets; front ends use it for logs.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// Tools sorted by name, so `tools/list` is deterministic.
    pub fn tools(&self) -> impl Iterator<Item = &ToolSpec> {
        self.tools.values().map(|tool| &tool.spec)
    }

    pub fn tool(&self, name: &str) -> Option<&ToolSpec> {
        self.tools.get(name).map(|tool| &tool.spec)
    }

    /// Validates `arguments` against the tool's schema, runs it, checks the result
    /// against the output schema and redacts everything that comes back.
    pub async fn call_tool(
        &self,
        name: &str,
        arguments: Option<Value>,
        ctx: &dyn CallContext,
    ) -> Result<ToolResult, CallError> {
        let tool = self
            .tools
            .get(name)
            .ok_or_else(|| CallError::UnknownTool(name.to_owned()))?;
        let (outcome, provenance) = cache::collect(self.run_tool(tool, arguments, ctx)).await;
        match outcome {
            Ok(mut result) => {
                self.redactor.redact_value(&mut result.structured);
                result.markdown = result.markdown.map(|text| self.redactor.redact_str(&text));
                for embedded in &mut result.resources {
                    self.redact_content(&mut embedded.content);
                }
                if provenance.cached > 0 {
                    result.markdown = result
                        .markdown
                        .map(|text| format!("{text}\n\n{}", provenance.note()));
                    result.provenance = Some(provenance);
                }
                Ok(result)
            }
            Err(error) => Err(CallError::Failed(self.redact_error(error))),
        }
    }

    async fn run_tool(
        &self,
        tool: &RegisteredTool,
        arguments: Option<Value>,
        ctx: &dyn CallContext,
    ) -> Result<ToolResult, ToolError> {
        let arguments = match arguments {
            None | Some(Value::Null) => Value::Object(Map::new()),
            Some(object @ Value::Object(_)) => object,
            Some(other) => {
                return Err(ToolError::invalid_input(format!(
                    "arguments must be a JSON object, not {}",
                    json_type(&other)
                )));
            }
        };
        let problems = schema::violations(&tool.input, &arguments);
        if !problems.is_empty() {
            return Err(ToolError::invalid_input(format!(
                "invalid arguments for `{}`: {}",
                tool.spec.name,
                problems.join("; ")
            ))
            .with_next_step(
                "Fix the listed arguments (see the tool's input schema) and call it again.",
            ));
        }
        let mut arguments = arguments;
        let refresh = tool.refreshable
            && arguments
                .as_object_mut()
                .and_then(|args| args.remove(REFRESH))
                .is_some_and(|value| value == Value::Bool(true));
        let result = if refresh {
            cache::refreshing(tool.tool.call_json(arguments, ctx)).await?
        } else {
            tool.tool.call_json(arguments, ctx).await?
        };
        let problems = schema::violations(&tool.output, &result.structured);
        if !problems.is_empty() {
            return Err(ToolError::internal(format!(
                "`{}` produced a result that does not match its output schema: {}",
                tool.spec.name,
                problems.join("; ")
            )));
        }
        Ok(result)
    }

    fn redact_error(&self, mut error: ToolError) -> ToolError {
        error.message = self.redactor.redact_str(&error.message);
        error.next_step = self.redactor.redact_str(&error.next_step);
        error
    }

    pub fn prompts(&self) -> impl Iterator<Item = &PromptSpec> {
        self.prompts.values().map(|prompt| &prompt.spec)
    }

    /// Renders a prompt after checking its arguments: required ones present, no
    /// unknown ones.
    pub async fn get_prompt(
        &self,
        name: &str,
        args: PromptArgs,
    ) -> Result<PromptReply, PromptError> {
        let prompt = self
            .prompts
            .get(name)
            .ok_or_else(|| PromptError::Unknown(name.to_owned()))?;
        let known: Vec<&str> = prompt.spec.arguments.iter().map(|arg| arg.name).collect();
        if let Some(unknown) = args.keys().find(|key| !known.contains(&key.as_str())) {
            return Err(PromptError::InvalidArguments(format!(
                "prompt `{name}` has no argument `{unknown}`; it takes: {}",
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            )));
        }
        let missing: Vec<&str> = prompt
            .spec
            .arguments
            .iter()
            .filter(|arg| arg.required && args.get(arg.name).is_none_or(|v| v.trim().is_empty()))
            .map(|arg| arg.name)
            .collect();
        if !missing.is_empty() {
            return Err(PromptError::InvalidArguments(format!(
                "prompt `{name}` needs the argument(s): {}",
                missing.join(", ")
            )));
        }
        let mut reply = prompt
            .prompt
            .get(&args)
            .await
            .map_err(|error| PromptError::Failed(self.redact_error(error)))?;
        for message in &mut reply.messages {
            match &mut message.content {
                PromptContent::Text(text) => *text = self.redactor.redact_str(text),
                PromptContent::Resource(embedded) => self.redact_content(&mut embedded.content),
                PromptContent::Image(_) => {}
            }
        }
        Ok(reply)
    }

    /// Static resources, sorted by URI.
    pub fn resources(&self) -> impl Iterator<Item = &ResourceSpec> {
        self.resources
            .iter()
            .map(|resource| &resource.spec)
            .filter(|spec| matches!(spec.uri, ResourceSpecUri::Static(_)))
    }

    /// Resource templates, sorted by template.
    pub fn resource_templates(&self) -> impl Iterator<Item = &ResourceSpec> {
        self.resources
            .iter()
            .map(|resource| &resource.spec)
            .filter(|spec| matches!(spec.uri, ResourceSpecUri::Template(_)))
    }

    pub async fn read_resource(&self, uri: &str) -> Result<ResourceContent, ReadError> {
        let (resource, vars) = self
            .find_resource(uri)
            .ok_or_else(|| ReadError::NotFound(uri.to_owned()))?;
        let mut content = resource
            .resource
            .read(uri, &vars)
            .await
            .map_err(|error| ReadError::Failed(self.redact_error(error)))?;
        self.redact_content(&mut content);
        Ok(content)
    }

    fn redact_content(&self, content: &mut ResourceContent) {
        if let ResourceContent::Text { text, .. } = content {
            *text = self.redactor.redact_str(text);
        }
    }

    /// Checks that `uri` names a resource (static, or matching a template) before
    /// a client subscribes to it: a subscription to nothing would never fire.
    pub fn check_subscription(&self, uri: &str) -> Result<(), ReadError> {
        self.find_resource(uri)
            .map(|_| ())
            .ok_or_else(|| ReadError::NotFound(uri.to_owned()))
    }

    /// The provider whose new data changes what `uri` reads; `None` when nothing
    /// but a new binary changes it (or there is no such resource).
    pub fn data_source(&self, uri: &str) -> Option<&'static str> {
        self.find_resource(uri)
            .filter(|(resource, _)| resource.spec.follows_data)
            .map(|(resource, _)| resource.provider)
    }

    fn find_resource(&self, uri: &str) -> Option<(&RegisteredResource, UriVars)> {
        let exact = self
            .resources
            .iter()
            .find(|resource| match &resource.spec.uri {
                ResourceSpecUri::Static(fixed) => fixed == uri,
                ResourceSpecUri::Template(_) => false,
            });
        if let Some(resource) = exact {
            return Some((resource, UriVars::new()));
        }
        self.resources
            .iter()
            .find_map(|resource| match &resource.spec.uri {
                ResourceSpecUri::Template(template) => {
                    template.matches(uri).map(|vars| (resource, vars))
                }
                ResourceSpecUri::Static(_) => None,
            })
    }

    /// Completes a prompt argument from what the user typed.
    pub async fn complete_prompt_argument(
        &self,
        prompt: &str,
        argument: &str,
        typed: &str,
        context: &PromptArgs,
    ) -> Result<Completion, CompleteError> {
        let registered = self
            .prompts
            .get(prompt)
            .ok_or_else(|| CompleteError::UnknownReference(format!("prompt `{prompt}`")))?;
        if !registered
            .spec
            .arguments
            .iter()
            .any(|arg| arg.name == argument)
        {
            return Err(CompleteError::UnknownArgument {
                reference: prompt.to_owned(),
                argument: argument.to_owned(),
            });
        }
        let candidates = registered.prompt.complete(argument, context).await;
        Ok(Completion::filter(candidates, typed))
    }

    /// Completes a variable of a resource template (named by its template text).
    pub async fn complete_template_variable(
        &self,
        template: &str,
        variable: &str,
        typed: &str,
        context: &UriVars,
    ) -> Result<Completion, CompleteError> {
        let registered = self
            .resources
            .iter()
            .find_map(|resource| match &resource.spec.uri {
                ResourceSpecUri::Template(t) if t.as_str() == template => Some((resource, t)),
                _ => None,
            })
            .ok_or_else(|| {
                CompleteError::UnknownReference(format!("resource template `{template}`"))
            })?;
        let (resource, parsed) = registered;
        if !parsed.variables().any(|name| name == variable) {
            return Err(CompleteError::UnknownArgument {
                reference: template.to_owned(),
                argument: variable.to_owned(),
            });
        }
        let candidates = resource.resource.complete(variable, context).await;
        Ok(Completion::filter(candidates, typed))
    }
}

fn duplicate(
    kind: &'static str,
    name: &str,
    first: &'static str,
    second: &'static str,
) -> RegistryError {
    RegistryError::Duplicate {
        kind,
        name: name.to_owned(),
        first,
        second,
    }
}

fn uri_text(spec: &ResourceSpec) -> &str {
    match &spec.uri {
        ResourceSpecUri::Static(uri) => uri,
        ResourceSpecUri::Template(template) => template.as_str(),
    }
}

/// The argument every read-only upstream tool takes to skip the local cache.
const REFRESH: &str = "refresh";

/// Adds `refresh` to a read-only upstream tool's input schema, so every such tool
/// offers a way past the cache without each declaring it.
fn add_refresh_argument(schema: &mut Map<String, Value>) -> Result<(), &'static str> {
    let properties = schema
        .entry("properties")
        .or_insert_with(|| Value::Object(Map::new()));
    let Value::Object(properties) = properties else {
        return Err("input schema: `properties` is not an object");
    };
    if properties.contains_key(REFRESH) {
        return Err("`refresh` is reserved: the registry adds it to read-only upstream tools");
    }
    properties.insert(
        REFRESH.to_owned(),
        serde_json::json!({
            "type": "boolean",
            "default": false,
            "description": "Ask the upstream service again instead of answering from the local cache."
        }),
    );
    Ok(())
}

fn is_valid_tool_name(name: &str) -> bool {
    (1..=MAX_TOOL_NAME_LEN).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}
