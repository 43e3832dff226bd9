//! completion/complete for prompt arguments and resource-template variables.

use delx_framework::Registry;
use rmcp::ErrorData as McpError;
use rmcp::model::{CompleteRequestParams, CompleteResult, CompletionInfo, Reference};

pub(super) async fn complete(
    registry: &Registry,
    request: CompleteRequestParams,
) -> Result<CompleteResult, McpError> {
    let context = request
        .context
        .and_then(|context| context.arguments)
        .unwrap_or_default()
        .into_iter()
        .collect();
    let typed = &request.argument.value;
    let completion = match &request.r#ref {
        Reference::Prompt(prompt) => {
            registry
                .complete_prompt_argument(&prompt.name, &request.argument.name, typed, &context)
                .await
        }
        Reference::Resource(template) => {
            registry
                .complete_template_variable(&template.uri, &request.argument.name, typed, &context)
                .await
        }
        _ => {
            return Err(McpError::invalid_params(
                "unsupported completion reference type",
                None,
            ));
        }
    }
    .map_err(|error| McpError::invalid_params(error.to_string(), None))?;
    let total = u32::try_from(completion.total).unwrap_or(u32::MAX);
    let info = CompletionInfo::with_pagination(completion.values, Some(total), completion.has_more)
        .map_err(|error| McpError::internal_error(error, None))?;
    Ok(CompleteResult::new(info))
}
