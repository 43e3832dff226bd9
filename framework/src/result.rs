//! What a successful call returns.
//!
//! A result is always structured JSON (it matches the tool's output schema) plus,
//! optionally, a short markdown rendering for the human reading the chat, media
//! (charts, sound), embedded resources and links to resources instead of inlining
//! big payloads.

use serde::Serialize;
use serde_json::Value;

use crate::resource::EmbeddedResource;

/// Bytes of a known type to show or play beside the answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Media {
    pub mime_type: String,
    /// Raw bytes; the server encodes them for the wire.
    pub data: Vec<u8>,
}

/// An image (a chart) to show beside the answer.
pub type Image = Media;

/// A sound to play beside the answer.
pub type Audio = Media;

/// A pointer to a resource the client can read later.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceLink {
    pub uri: String,
    pub name: String,
    pub description: Option<String>,
    pub mime_type: Option<String>,
}

/// A typed result, as a tool author writes it.
#[derive(Debug, Clone)]
pub struct ToolOutput<T> {
    pub data: T,
    pub markdown: Option<String>,
    pub images: Vec<Image>,
    pub audio: Vec<Audio>,
    /// Resources inlined in the answer, for content a client should keep as a
    /// document rather than read as chat text.
    pub resources: Vec<EmbeddedResource>,
    pub links: Vec<ResourceLink>,
}

impl<T> ToolOutput<T> {
    pub fn new(data: T) -> Self {
        Self {
            data,
            markdown: None,
            images: Vec::new(),
            audio: Vec::new(),
            resources: Vec::new(),
            links: Vec::new(),
        }
    }

    pub fn with_markdown(mut self, markdown: impl Into<String>) -> Self {
        self.markdown = Some(markdown.into());
        self
    }

    pub fn with_image(mut self, image: Image) -> Self {
        self.images.push(image);
        self
    }

    pub fn with_audio(mut self, audio: Audio) -> Self {
        self.audio.push(audio);
        self
    }

    pub fn with_resource(mut self, resource: EmbeddedResource) -> Self {
        self.resources.push(resource);
        self
    }

    pub fn with_link(mut self, link: ResourceLink) -> Self {
        self.links.push(link);
        self
    }
}

impl<T> From<T> for ToolOutput<T> {
    fn from(data: T) -> Self {
        Self::new(data)
    }
}

/// The type-erased result every front end renders.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolResult {
    pub structured: Value,
    pub markdown: Option<String>,
    pub images: Vec<Image>,
    pub audio: Vec<Audio>,
    pub resources: Vec<EmbeddedResource>,
    pub links: Vec<ResourceLink>,
    /// Set when the answer used cached data: front ends put it in the result's
    /// metadata, so a client can tell a live answer from a stored one.
    pub provenance: Option<crate::cache::Provenance>,
}

impl ToolResult {
    pub(crate) fn from_output<T: Serialize>(
        output: ToolOutput<T>,
    ) -> Result<Self, serde_json::Error> {
        Ok(Self {
            structured: serde_json::to_value(output.data)?,
            markdown: output.markdown,
            images: output.images,
            audio: output.audio,
            resources: output.resources,
            links: output.links,
            provenance: None,
        })
    }

    /// The text block: the markdown when the tool wrote one, the JSON otherwise.
    pub fn text(&self) -> String {
        match &self.markdown {
            Some(markdown) => markdown.clone(),
            None => serde_json::to_string_pretty(&self.structured)
                .unwrap_or_else(|_| self.structured.to_string()),
        }
    }
}
