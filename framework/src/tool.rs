//! Tools: typed async functions with schemas.
//!
//! A provider author implements [`Tool`] with plain Rust types for its input and
//! output; the blanket [`DynTool`] impl derives the schemas, decodes arguments and
//! erases the types so the registry can hold every tool of every provider.

use std::sync::Arc;

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::context::CallContext;
use crate::error::ToolError;
use crate::result::{ToolOutput, ToolResult};
use crate::schema;

/// The four MCP behaviour hints. There are no defaults on purpose: MCP's defaults
/// (destructive, open world) are wrong for most wellness tools, so each tool says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolAnnotations {
    pub read_only: bool,
    pub destructive: bool,
    pub idempotent: bool,
    /// True when the tool reaches beyond the local machine (an upstream API).
    pub open_world: bool,
}

impl ToolAnnotations {
    /// Reads upstream data and changes nothing.
    pub const READ_UPSTREAM: Self = Self {
        read_only: true,
        destructive: false,
        idempotent: true,
        open_world: true,
    };

    /// Reads only local state (configuration, cache, files).
    pub const READ_LOCAL: Self = Self {
        read_only: true,
        destructive: false,
        idempotent: true,
        open_world: false,
    };
}

/// A tool as a provider author writes it.
#[async_trait]
pub trait Tool: Send + Sync + 'static {
    type Input: DeserializeOwned + JsonSchema + Send;
    type Output: Serialize + JsonSchema + Send;

    /// Unique across all providers; prefixed with the provider id (`withings_...`).
    fn name(&self) -> &'static str;
    fn title(&self) -> &'static str;
    fn description(&self) -> &'static str;
    fn annotations(&self) -> ToolAnnotations;

    async fn call(
        &self,
        input: Self::Input,
        ctx: &dyn CallContext,
    ) -> Result<ToolOutput<Self::Output>, ToolError>;
}

/// Everything a front end advertises about a tool.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolSpec {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub annotations: ToolAnnotations,
    pub input_schema: Map<String, Value>,
    pub output_schema: Map<String, Value>,
}

/// The type-erased form the registry holds.
#[async_trait]
pub trait DynTool: Send + Sync {
    fn spec(&self) -> ToolSpec;

    /// Decodes `arguments` into the tool's input and runs it. Schema validation has
    /// already happened in the registry; decoding errors still become invalid input.
    async fn call_json(
        &self,
        arguments: Value,
        ctx: &dyn CallContext,
    ) -> Result<ToolResult, ToolError>;
}

#[async_trait]
impl<T: Tool> DynTool for T {
    fn spec(&self) -> ToolSpec {
        ToolSpec {
            name: self.name(),
            title: self.title(),
            description: self.description(),
            annotations: self.annotations(),
            input_schema: schema::input_schema::<T::Input>(),
            output_schema: schema::output_schema::<T::Output>(),
        }
    }

    async fn call_json(
        &self,
        arguments: Value,
        ctx: &dyn CallContext,
    ) -> Result<ToolResult, ToolError> {
        let input: T::Input = serde_json::from_value(arguments)
            .map_err(|error| ToolError::invalid_input(format!("invalid arguments: {error}")))?;
        let output = self.call(input, ctx).await?;
        ToolResult::from_output(output)
            .map_err(|error| ToolError::internal(format!("could not encode the result: {error}")))
    }
}

/// Shorthand for a provider's tool list.
pub type ToolList = Vec<Arc<dyn DynTool>>;

/// The input of a tool that takes no arguments.
#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoInput {}

/// The output of a tool that only ever fails, or returns nothing worth a schema.
#[derive(Debug, Clone, Copy, Default, Serialize, JsonSchema)]
pub struct NoOutput {}
