//! prompts/list and prompts/get.

use delx_framework::registry::PromptError;
use delx_framework::{PromptContent, PromptRole, Registry};
use rmcp::ErrorData as McpError;
use rmcp::model::{
    ContentBlock, GetPromptRequestParams, GetPromptResult, Prompt, PromptArgument, PromptMessage,
    Role,
};

use super::content;

pub(super) fn list(registry: &Registry) -> Vec<Prompt> {
    registry
        .prompts()
        .map(|spec| {
            let arguments = spec
                .arguments
                .iter()
                .map(|arg| {
                    PromptArgument::new(arg.name)
                        .with_title(arg.title)
                        .with_description(arg.description)
                        .with_required(arg.required)
                })
                .collect();
            Prompt::new(spec.name, Some(spec.description), Some(arguments)).with_title(spec.title)
        })
        .collect()
}

pub(super) async fn get(
    registry: &Registry,
    request: GetPromptRequestParams,
) -> Result<GetPromptResult, McpError> {
    let args = request
        .arguments
        .unwrap_or_default()
        .into_iter()
        .map(|(name, value)| match value {
            serde_json::Value::String(text) => (name, text),
            other => (name, other.to_string()),
        })
        .collect();
    let reply = registry
        .get_prompt(&request.name, args)
        .await
        .map_err(|error| match error {
            PromptError::Unknown(_) | PromptError::InvalidArguments(_) => {
                McpError::invalid_params(error.to_string(), None)
            }
            PromptError::Failed(error) => McpError::internal_error(error.to_text(), None),
        })?;
    let messages = reply
        .messages
        .into_iter()
        .map(|message| {
            let role = match message.role {
                PromptRole::User => Role::User,
                PromptRole::Assistant => Role::Assistant,
            };
            let block = match message.content {
                PromptContent::Text(text) => ContentBlock::text(text),
                PromptContent::Image(image) => content::image(&image),
                PromptContent::Resource(embedded) => content::embedded(embedded),
            };
            PromptMessage::new(role, block)
        })
        .collect();
    let mut result = GetPromptResult::new(messages);
    result.description = reply.description;
    Ok(result)
}
