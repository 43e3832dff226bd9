//! `<prefix>_profile_get`: what the profile says, and what it is still missing.

use std::sync::Arc;

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{ProfileTools, wants_markdown};
use crate::context::CallContext;
use crate::error::ToolError;
use crate::profile::document::ProfileDocument;
use crate::render::{Markdown, ResponseFormat};
use crate::result::ToolOutput;
use crate::tool::{Tool, ToolAnnotations};

pub(super) struct ProfileGet(pub Arc<ProfileTools>);

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileGetInput {
    /// `markdown` (default) for people, `json` for programs.
    #[serde(default)]
    pub response_format: Option<ResponseFormat>,
}

/// The profile with what an agent derives from it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ProfileView {
    pub profile: ProfileDocument,
    pub summary: String,
    /// Critical answers still to ask for.
    pub missing_critical: Vec<&'static str>,
    pub storage_path: String,
}

impl ProfileView {
    pub(super) fn new(profile: ProfileDocument, storage_path: String) -> Self {
        Self {
            summary: profile.summary(),
            missing_critical: profile.missing_critical(),
            profile,
            storage_path,
        }
    }
}

#[async_trait]
impl Tool for ProfileGet {
    type Input = ProfileGetInput;
    type Output = ProfileView;

    fn name(&self) -> &'static str {
        self.0.get
    }
    fn title(&self) -> &'static str {
        "Read the wellness profile"
    }
    fn description(&self) -> &'static str {
        "Returns the user's shared Delx Wellness profile (name, goals, devices, training, nutrition, \
         preferences, safety notes), a one-line summary and the critical answers still missing. Read it \
         before personal advice so answers fit the person; if fields are missing, offer onboarding. \
         Reads a local file only; every Delx connector shares it."
    }
    fn annotations(&self) -> ToolAnnotations {
        ToolAnnotations::READ_LOCAL
    }

    async fn call(
        &self,
        input: ProfileGetInput,
        _ctx: &dyn CallContext,
    ) -> Result<ToolOutput<ProfileView>, ToolError> {
        let (profile, storage_path) = self
            .0
            .with_store(|store| Ok((store.load()?, store.display_path())))
            .await?;
        let view = ProfileView::new(profile, storage_path);
        let mut output = ToolOutput::new(view);
        if wants_markdown(input.response_format) {
            let view = &output.data;
            let text = Markdown::new()
                .title("Wellness profile")
                .field("Summary", &view.summary)
                .field("Missing", missing_text(&view.missing_critical))
                .field("Stored at", &view.storage_path)
                .build();
            output = output.with_markdown(text);
        }
        Ok(output)
    }
}

pub(super) fn missing_text(missing: &[&str]) -> String {
    if missing.is_empty() {
        "nothing critical".to_owned()
    } else {
        missing.join(", ")
    }
}
