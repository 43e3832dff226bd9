//! tools/list and tools/call.

use delx_framework::registry::CallError;
use delx_framework::{ToolError, ToolResult, ToolSpec};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, MetaObject, Resource,
    ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer};
use serde_json::Value;

use super::McpServer;
use super::content;
use super::context::McpCallContext;

pub(super) fn to_mcp_tool(spec: &ToolSpec) -> rmcp::model::Tool {
    let hints = spec.annotations;
    let annotations = ToolAnnotations::with_title(spec.title)
        .read_only(hints.read_only)
        .destructive(hints.destructive)
        .idempotent(hints.idempotent)
        .open_world(hints.open_world);
    rmcp::model::Tool::new(spec.name, spec.description, spec.input_schema.clone())
        .with_title(spec.title)
        .with_raw_output_schema(spec.output_schema.clone().into())
        .with_annotations(annotations)
}

/// Runs a tool. Bad arguments and failures are `isError` results the model can read
/// and correct; only an unknown tool name is a protocol error.
pub(super) async fn call(
    server: &McpServer,
    request: CallToolRequestParams,
    context: RequestContext<RoleServer>,
) -> Result<CallToolResponse, McpError> {
    let ctx = McpCallContext::new(server, &context);
    let arguments = request.arguments.map(Value::Object);
    let outcome = tokio::select! {
        outcome = server.registry().call_tool(&request.name, arguments, &ctx) => outcome,
        () = context.ct.cancelled() => Err(CallError::Failed(
            ToolError::user_action_required("the call was cancelled before it finished")
                .with_next_step("Call the tool again if you still need the answer."),
        )),
    };
    match outcome {
        Ok(result) => Ok(success(result).into()),
        Err(CallError::Failed(error)) => {
            Ok(CallToolResult::error(vec![ContentBlock::text(error.to_text())]).into())
        }
        Err(CallError::UnknownTool(name)) => Err(McpError::invalid_params(
            format!("unknown tool `{name}`; call tools/list for the available tools"),
            None,
        )),
    }
}

fn success(result: ToolResult) -> CallToolResult {
    let mut blocks = vec![ContentBlock::text(result.text())];
    blocks.extend(result.images.iter().map(content::image));
    blocks.extend(result.audio.iter().map(content::audio));
    blocks.extend(result.resources.into_iter().map(content::embedded));
    for link in result.links {
        let mut resource = Resource::new(link.uri, link.name);
        if let Some(description) = link.description {
            resource = resource.with_description(description);
        }
        if let Some(mime_type) = link.mime_type {
            resource = resource.with_mime_type(mime_type);
        }
        blocks.push(ContentBlock::resource_link(resource));
    }
    let mut call_result = CallToolResult::success(blocks);
    call_result.structured_content = Some(result.structured);
    if let Some(provenance) = result.provenance
        && let Ok(value) = serde_json::to_value(provenance)
    {
        let mut meta = MetaObject::new();
        meta.0.insert(CACHE_META_KEY.to_owned(), value);
        call_result.meta = Some(meta);
    }
    call_result
}

/// Where a result says it came from the local cache: `cached`, `stale`,
/// `oldest_cached_at` (unix seconds).
pub const CACHE_META_KEY: &str = "delx/cache";
