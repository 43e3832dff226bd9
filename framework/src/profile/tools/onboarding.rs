//! `<prefix>_onboarding`: the questions to ask, given what is already known.

use std::sync::Arc;

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::get::missing_text;
use super::{ProfileTools, wants_markdown};
use crate::context::CallContext;
use crate::error::ToolError;
use crate::profile::document::ProfileDocument;
use crate::profile::onboarding::{Locale, QUESTIONS, privacy_note};
use crate::render::{Markdown, ResponseFormat};
use crate::result::ToolOutput;
use crate::tool::{Tool, ToolAnnotations};

pub(super) struct Onboarding(pub Arc<ProfileTools>);

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OnboardingInput {
    /// The language of the questions: `en` (default) or `pt-BR`.
    #[serde(default)]
    pub locale: Locale,
    /// `markdown` (default) for people, `json` for programs.
    #[serde(default)]
    pub response_format: Option<ResponseFormat>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct OnboardingQuestion {
    pub id: &'static str,
    /// The profile section the answer goes to.
    pub category: &'static str,
    pub required: bool,
    pub prompt: &'static str,
    /// `section.key` paths to save the answer under.
    pub fills: &'static [&'static str],
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct OnboardingOutput {
    pub locale: Locale,
    pub questions: Vec<OnboardingQuestion>,
    pub current_profile: ProfileDocument,
    pub missing_critical: Vec<&'static str>,
    pub storage_path: String,
    pub privacy_note: &'static str,
}

#[async_trait]
impl Tool for Onboarding {
    type Input = OnboardingInput;
    type Output = OnboardingOutput;

    fn name(&self) -> &'static str {
        self.0.onboarding
    }
    fn title(&self) -> &'static str {
        "Wellness profile onboarding"
    }
    fn description(&self) -> &'static str {
        "Gives the eleven onboarding questions (English or Brazilian Portuguese) with the profile fields \
         each one fills, plus the current profile and what is still missing. Ask them one at a time, \
         skip what is already known, then save the answers with the profile update tool once the user \
         agrees. Reads a local file only."
    }
    fn annotations(&self) -> ToolAnnotations {
        ToolAnnotations::READ_LOCAL
    }

    async fn call(
        &self,
        input: OnboardingInput,
        _ctx: &dyn CallContext,
    ) -> Result<ToolOutput<OnboardingOutput>, ToolError> {
        let locale = input.locale;
        let (profile, storage_path) = self
            .0
            .with_store(|store| Ok((store.load()?, store.display_path())))
            .await?;
        let questions = QUESTIONS
            .iter()
            .map(|question| OnboardingQuestion {
                id: question.id,
                category: question.category.name(),
                required: question.required,
                prompt: question.prompt(locale),
                fills: question.fills,
            })
            .collect();
        let data = OnboardingOutput {
            locale,
            questions,
            missing_critical: profile.missing_critical(),
            current_profile: profile,
            storage_path,
            privacy_note: privacy_note(locale),
        };
        let mut output = ToolOutput::new(data);
        if wants_markdown(input.response_format) {
            let data = &output.data;
            let mut text = Markdown::new()
                .title(&format!("Wellness onboarding ({})", locale.as_str()))
                .line("Ask one question at a time and skip what the profile already holds.");
            for question in &data.questions {
                let mark = if question.required { " (required)" } else { "" };
                text = text.bullet(format!("{}{mark}: {}", question.id, question.prompt));
            }
            let text = text
                .title("Profile")
                .field("Missing", missing_text(&data.missing_critical))
                .field("Stored at", &data.storage_path)
                .line(data.privacy_note)
                .build();
            output = output.with_markdown(text);
        }
        Ok(output)
    }
}
