//! The framework's media and resource content as MCP content blocks.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use delx_framework::{EmbeddedResource, Media, ResourceContent};
use rmcp::model::{ContentBlock, ResourceContents};

pub(super) fn image(image: &Media) -> ContentBlock {
    ContentBlock::image(STANDARD.encode(&image.data), image.mime_type.clone())
}

pub(super) fn audio(audio: &Media) -> ContentBlock {
    ContentBlock::audio(STANDARD.encode(&audio.data), audio.mime_type.clone())
}

pub(super) fn embedded(embedded: EmbeddedResource) -> ContentBlock {
    ContentBlock::resource(contents(&embedded.uri, embedded.content))
}

/// One resource's contents, text as is and bytes in base64.
pub(super) fn contents(uri: &str, content: ResourceContent) -> ResourceContents {
    match content {
        ResourceContent::Text { mime_type, text } => {
            ResourceContents::text(text, uri).with_mime_type(mime_type)
        }
        ResourceContent::Blob { mime_type, data } => {
            ResourceContents::blob(STANDARD.encode(data), uri).with_mime_type(mime_type)
        }
    }
}
