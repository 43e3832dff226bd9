//! prompts/list and prompts/get.

use delx_framework::registry::PromptError;
use delx_framework::{PromptRole, Registry};
use rmcp::ErrorData as McpError;
use rmcp::model::{
    GetPromptRequestParams, GetPromptResult, Prompt, PromptArgument, PromptMessage, Role,
};

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
            PromptMessage::new_text(role, message.text)
        })
        .collect();
    let mut result = GetPromptResult::new(messages);
    result.description = reply.description;
    Ok(result)
}
