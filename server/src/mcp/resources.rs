//! resources/list, resources/templates/list and resources/read.

use delx_framework::registry::ReadError;
use delx_framework::{ErrorKind, Registry, ResourceSpecUri};
use rmcp::ErrorData as McpError;
use rmcp::model::{ReadResourceResult, Resource, ResourceTemplate};

pub(super) fn list(registry: &Registry) -> Vec<Resource> {
    registry
        .resources()
        .filter_map(|spec| match &spec.uri {
            ResourceSpecUri::Static(uri) => Some(
                Resource::new(uri.clone(), spec.name)
                    .with_title(spec.title)
                    .with_description(spec.description)
                    .with_mime_type(spec.mime_type),
            ),
            ResourceSpecUri::Template(_) => None,
        })
        .collect()
}

pub(super) fn templates(registry: &Registry) -> Vec<ResourceTemplate> {
    registry
        .resource_templates()
        .filter_map(|spec| match &spec.uri {
            ResourceSpecUri::Template(template) => Some(
                ResourceTemplate::new(template.as_str(), spec.name)
                    .with_title(spec.title)
                    .with_description(spec.description)
                    .with_mime_type(spec.mime_type),
            ),
            ResourceSpecUri::Static(_) => None,
        })
        .collect()
}

pub(super) async fn read(registry: &Registry, uri: &str) -> Result<ReadResourceResult, McpError> {
    let content = registry
        .read_resource(uri)
        .await
        .map_err(|error| match error {
            ReadError::NotFound(uri) => McpError::resource_not_found(
                format!("no resource at `{uri}`; list resources and templates to see what exists"),
                None,
            ),
            ReadError::Failed(error) if error.kind == ErrorKind::InvalidInput => {
                McpError::invalid_params(error.to_text(), None)
            }
            ReadError::Failed(error) => McpError::internal_error(error.to_text(), None),
        })?;
    Ok(ReadResourceResult::new(vec![super::content::contents(
        uri, content,
    )]))
}
