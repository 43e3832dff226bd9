//! `<prefix>_profile_update`: saves what the user said, only when they asked to.

use std::sync::Arc;

use async_trait::async_trait;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::get::missing_text;
use super::{ProfileTools, wants_markdown};
use crate::context::CallContext;
use crate::error::ToolError;
use crate::profile::document::ProfileDocument;
use crate::profile::guard::MAX_NOTES_CHARS;
use crate::render::{Markdown, ResponseFormat};
use crate::result::ToolOutput;
use crate::tool::{Tool, ToolAnnotations};

pub(super) struct ProfileUpdate(pub Arc<ProfileTools>);

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileUpdateInput {
    /// The sections to change. Each section's fields are merged into what is stored;
    /// a field set to null is removed. `notes` replaces the stored notes.
    #[schemars(schema_with = "patch_schema")]
    pub patch: Map<String, Value>,
    /// Must be `true`, and only after the user agreed to save these answers.
    pub explicit_user_intent: bool,
    /// `markdown` (default) for people, `json` for programs.
    #[serde(default)]
    pub response_format: Option<ResponseFormat>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ProfileUpdateOutput {
    /// The parts of the document the patch changed.
    pub updated_sections: Vec<&'static str>,
    pub profile: ProfileDocument,
    pub summary: String,
    pub missing_critical: Vec<&'static str>,
    pub storage_path: String,
}

#[async_trait]
impl Tool for ProfileUpdate {
    type Input = ProfileUpdateInput;
    type Output = ProfileUpdateOutput;

    fn name(&self) -> &'static str {
        self.0.update
    }
    fn title(&self) -> &'static str {
        "Save to the wellness profile"
    }
    fn description(&self) -> &'static str {
        "Saves answers the user gave into the shared Delx Wellness profile, merging field by field so \
         other answers are kept (a field set to null is removed). Call it only after the user agreed to \
         save, with explicit_user_intent true. Refuses unknown sections and anything that looks like a \
         password, token or key. Writes a local owner-only file that every Delx connector reads."
    }
    fn annotations(&self) -> ToolAnnotations {
        ToolAnnotations {
            read_only: false,
            destructive: false,
            idempotent: false,
            open_world: false,
        }
    }

    async fn call(
        &self,
        input: ProfileUpdateInput,
        _ctx: &dyn CallContext,
    ) -> Result<ToolOutput<ProfileUpdateOutput>, ToolError> {
        if !input.explicit_user_intent {
            return Err(ToolError::user_action_required(
                "saving to the wellness profile needs the user's explicit confirmation (explicit_user_intent: true)",
            )
            .with_next_step(
                "Tell the user what will be saved, ask whether to save it, and call again only if they agree.",
            ));
        }
        let generated_by = self.0.generated_by;
        let patch = input.patch;
        let (update, storage_path) = self
            .0
            .with_store(move |store| {
                Ok((store.update(&patch, generated_by)?, store.display_path()))
            })
            .await?;
        let profile = update.document;
        let data = ProfileUpdateOutput {
            updated_sections: update.updated_sections,
            summary: profile.summary(),
            missing_critical: profile.missing_critical(),
            profile,
            storage_path,
        };
        let mut output = ToolOutput::new(data);
        if wants_markdown(input.response_format) {
            let data = &output.data;
            let text = Markdown::new()
                .title("Wellness profile saved")
                .field("Updated", data.updated_sections.join(", "))
                .field("Summary", &data.summary)
                .field("Still missing", missing_text(&data.missing_critical))
                .field("Stored at", &data.storage_path)
                .build();
            output = output.with_markdown(text);
        }
        Ok(output)
    }
}

/// Lists the sections so agents see the shape; unknown keys stay allowed by the
/// schema so the store can reject them with a message naming the allowed ones.
fn patch_schema(_generator: &mut SchemaGenerator) -> Schema {
    let section = |about: &str| json_schema!({"type": "object", "description": about});
    json_schema!({
        "type": "object",
        "minProperties": 1,
        "properties": {
            "profile": section("preferred_name, language (en or pt-BR), timezone (IANA), units (metric or imperial), age_or_birth_year, height, weight, sex_or_gender_context"),
            "goals": section("primary, secondary (list), training_focus, recovery_focus, nutrition_focus, sleep_focus, biggest_friction"),
            "devices": section("connected (list), desired (list), primary_recovery_source, primary_activity_source, primary_nutrition_source"),
            "training": section("sports (list), weekly_schedule, equipment (list), location (list), preferred_duration_minutes, exercises_to_avoid (list), limitations (list)"),
            "nutrition": section("dietary_preferences (list), restrictions_or_allergies (list), protein_target_g, hydration_target_ml, calorie_target"),
            "preferences": section("language_priority (list), reply_style (concise or detailed), telegram_style, ask_before_logging, include_exercise_videos_when_available"),
            "safety": section("injuries_or_pain (list), medical_constraints (list), conservative_flags (list)"),
            "notes": {"type": "string", "maxLength": MAX_NOTES_CHARS, "description": "Free-text remark; replaces the stored notes."}
        }
    })
}
