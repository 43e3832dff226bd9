//! The MCP face of the registry: one hand-written rmcp `ServerHandler`.
//!
//! Each capability lives in its own file (tools, prompts, resources, completion,
//! logging); this module holds the shared state and the dispatch.

// MCP logging is deprecated in 2026-07-28 but current in 2025-11-25, which we serve.
#![allow(deprecated)]

mod completion;
mod content;
mod context;
mod prompts;
mod resources;
mod subscriptions;
mod tools;

use std::sync::{Arc, Mutex};

use delx_framework::Registry;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CompleteRequestParams, CompleteResult,
    GetPromptRequestParams, GetPromptResponse, Implementation, ListPromptsResult,
    ListResourceTemplatesResult, ListResourcesResult, ListToolsResult, LoggingLevel,
    PaginatedRequestParams, ReadResourceRequestParams, ReadResourceResponse, ServerCapabilities,
    ServerConfig, SetLevelRequestParams, SubscribeRequestParams, SubscriptionFilter,
    UnsubscribeRequestParams,
};
use rmcp::service::{RequestContext, SubscriptionContext};
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};

use crate::App;
use subscriptions::Subscriptions;

/// What every session shares: the registry and the advertised lists, built once.
struct Shared {
    app: App,
    registry: Registry,
    tools: Vec<rmcp::model::Tool>,
    instructions: String,
}

/// One MCP session's handler. Make one per session with [`McpServer::new_session`]:
/// the log level and the subscriptions are per session.
#[derive(Clone)]
pub struct McpServer {
    shared: Arc<Shared>,
    /// The level a 2025-era client chose with `logging/setLevel`; `None` means the
    /// client never asked for logs, so none are sent.
    session_log_level: Arc<Mutex<Option<LoggingLevel>>>,
    subscriptions: Arc<Subscriptions>,
}

impl McpServer {
    pub fn new(app: App, registry: Registry) -> Self {
        let tools = registry.tools().map(tools::to_mcp_tool).collect();
        let instructions = instructions(&app, &registry);
        Self {
            shared: Arc::new(Shared {
                app,
                registry,
                tools,
                instructions,
            }),
            session_log_level: Arc::new(Mutex::new(None)),
            subscriptions: Arc::default(),
        }
    }

    /// A handler for a new session: same registry, fresh session state.
    pub fn new_session(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
            session_log_level: Arc::new(Mutex::new(None)),
            subscriptions: Arc::default(),
        }
    }

    pub fn app(&self) -> App {
        self.shared.app
    }

    pub fn registry(&self) -> &Registry {
        &self.shared.registry
    }
}

fn instructions(app: &App, registry: &Registry) -> String {
    let mut text = format!(
        "{} serves personal wellness data from the user's own accounts, read on this machine. \
         Start with summary tools before listing raw records; dates are the user's local days. \
         Nothing here is medical advice.",
        app.title
    );
    for descriptor in registry.descriptors() {
        if !descriptor.instructions.is_empty() {
            text.push_str("\n\n");
            text.push_str(descriptor.instructions);
        }
    }
    text
}

/// We never hand out cursors, so any cursor a client sends is not ours.
fn reject_cursor(request: Option<&PaginatedRequestParams>) -> Result<(), McpError> {
    match request.and_then(|params| params.cursor.as_deref()) {
        Some(cursor) => Err(McpError::invalid_params(
            format!(
                "unknown cursor {cursor:?}: this server returns complete lists without cursors"
            ),
            None,
        )),
        None => Ok(()),
    }
}

impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        let app = &self.shared.app;
        let capabilities = ServerCapabilities::builder()
            .enable_tools()
            .enable_prompts()
            .enable_resources()
            .enable_resources_subscribe()
            .enable_completions()
            .enable_logging()
            .build();
        ServerConfig::new(capabilities)
            .with_server_info(
                Implementation::new(app.name, app.version)
                    .with_title(app.title)
                    .with_description(app.description),
            )
            .with_instructions(self.shared.instructions.clone())
    }

    async fn list_tools(
        &self,
        request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        reject_cursor(request.as_ref())?;
        Ok(ListToolsResult::with_all_items(self.shared.tools.clone()))
    }

    fn get_tool(&self, name: &str) -> Option<rmcp::model::Tool> {
        self.shared
            .tools
            .iter()
            .find(|tool| tool.name == name)
            .cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        tools::call(self, request, context).await
    }

    async fn list_prompts(
        &self,
        request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, McpError> {
        reject_cursor(request.as_ref())?;
        Ok(ListPromptsResult::with_all_items(prompts::list(
            self.registry(),
        )))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, McpError> {
        prompts::get(self.registry(), request).await.map(Into::into)
    }

    async fn list_resources(
        &self,
        request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        reject_cursor(request.as_ref())?;
        Ok(ListResourcesResult::with_all_items(resources::list(
            self.registry(),
        )))
    }

    async fn list_resource_templates(
        &self,
        request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, McpError> {
        reject_cursor(request.as_ref())?;
        Ok(ListResourceTemplatesResult::with_all_items(
            resources::templates(self.registry()),
        ))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        resources::read(self.registry(), &request.uri)
            .await
            .map(Into::into)
    }

    async fn complete(
        &self,
        request: CompleteRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CompleteResult, McpError> {
        completion::complete(self.registry(), request).await
    }

    fn accepted_subscription_filter(
        &self,
        requested: &SubscriptionFilter,
    ) -> Option<SubscriptionFilter> {
        subscriptions::accepted_filter(&self.shared, requested)
    }

    async fn listen(&self, context: SubscriptionContext) -> Result<(), McpError> {
        subscriptions::listen(&self.shared, context).await
    }

    async fn subscribe(
        &self,
        request: SubscribeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        self.subscriptions
            .subscribe(&self.shared, request.uri, context.peer)
    }

    async fn unsubscribe(
        &self,
        request: UnsubscribeRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        self.subscriptions.unsubscribe(&request.uri);
        Ok(())
    }

    async fn set_level(
        &self,
        request: SetLevelRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        if let Ok(mut level) = self.session_log_level.lock() {
            *level = Some(request.level);
        }
        Ok(())
    }
}
