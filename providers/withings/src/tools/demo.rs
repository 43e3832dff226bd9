//! `withings_demo`: what the main tools answer, run for real over the built-in demo
//! account, so an agent (or a person deciding whether to connect) sees the shapes
//! and the kind of numbers before any Withings account is linked.

use std::sync::Arc;

use delx_framework::render::{Markdown, ResponseFormat};
use delx_framework::schemars::{self, JsonSchema};
use delx_framework::{
    BuildContext, CallContext, Tool, ToolAnnotations, ToolError, ToolOutput, async_trait,
};
use serde::Serialize;

use super::status::FormatOnly;
use super::summary::{
    ContextInput, DailyInput, DailySummary, DailySummaryTool, WellnessContext, WellnessContextTool,
};
use super::window::ListOutput;
use super::{BodyMeasuresInput, ListBodyMeasures, ToolContext, respond};
use crate::api::{ClientOptions, WithingsClient};
use crate::config::Settings;

#[derive(Debug, Serialize, JsonSchema)]
pub struct Samples {
    pub withings_daily_summary: DailySummary,
    pub withings_wellness_context: WellnessContext,
    pub withings_list_body_measures: ListOutput,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct DemoOutput {
    /// Always true: none of this is the user's data.
    pub is_demo: bool,
    pub samples: Samples,
    pub notes: Vec<&'static str>,
}

pub struct DemoTool;

#[async_trait]
impl Tool for DemoTool {
    type Input = FormatOnly;
    type Output = DemoOutput;

    fn name(&self) -> &'static str {
        "withings_demo"
    }
    fn title(&self) -> &'static str {
        "Withings demo"
    }
    fn description(&self) -> &'static str {
        "Shows what the daily summary, the wellness context and the body-measure list return, \
         computed by the real tools over a generated demo person (not the user). Use it to \
         preview the connector before the user connects Withings, or to learn the output shapes. \
         Runs locally, with no Withings account and no network."
    }
    fn annotations(&self) -> ToolAnnotations {
        ToolAnnotations::READ_LOCAL
    }

    async fn call(
        &self,
        input: FormatOnly,
        ctx: &dyn CallContext,
    ) -> Result<ToolOutput<DemoOutput>, ToolError> {
        let failed = |error: &dyn std::fmt::Display| {
            ToolError::internal(format!("the demo account could not start: {error}"))
        };
        let home = tempfile::tempdir().map_err(|error| failed(&error))?;
        let build = BuildContext::new(Default::default(), Some(home.path().to_owned()));
        let demo = (crate::lifecycle::demo::DEMO.start)(build.clone())
            .await
            .map_err(|error| failed(&error))?;
        let build = build.with_env(demo.env.clone());
        let settings = Settings::load(&build).map_err(|error| failed(&error))?;
        let client = WithingsClient::new(&settings, ClientOptions::default())
            .map_err(|error| failed(&error))?;
        let tools = Arc::new(ToolContext::new(settings, client));

        let daily = DailySummaryTool(tools.clone())
            .call(DailyInput::default(), ctx)
            .await?
            .data;
        let context = WellnessContextTool(tools.clone())
            .call(ContextInput::default(), ctx)
            .await?
            .data;
        let measures = ListBodyMeasures(tools)
            .call(
                BodyMeasuresInput {
                    limit: Some(3),
                    response_format: Some(ResponseFormat::Json),
                    ..BodyMeasuresInput::default()
                },
                ctx,
            )
            .await?
            .data;
        drop(demo);
        let data = DemoOutput {
            is_demo: true,
            samples: Samples {
                withings_daily_summary: daily,
                withings_wellness_context: context,
                withings_list_body_measures: measures,
            },
            notes: vec![
                "A generated person in Europe/Paris, not the user: never mix these numbers with \
                 theirs.",
                "The samples come from the same code as the real tools, so their shapes are the \
                 real ones.",
                "Body values are decoded (value × 10^unit) into kg, %, mmHg, bpm.",
                "Days without data stay absent rather than zero; data_quality says what is missing.",
                "Connect the user's own account with withings_get_auth_url or `withings-mcp auth`.",
            ],
        };
        Ok(respond(data, input.response_format, render))
    }
}

fn render(data: &DemoOutput) -> String {
    let daily = &data.samples.withings_daily_summary;
    let context = &data.samples.withings_wellness_context;
    let mut text = Markdown::new()
        .title("Withings demo (a generated person, not the user)")
        .field("Readiness today", daily.readiness.classification);
    for line in &daily.highlights {
        text = text.bullet(line);
    }
    text = text
        .field("Training load", context.recent_training_load.as_str())
        .field(
            "Body measure groups shown",
            data.samples.withings_list_body_measures.count,
        );
    for note in &data.notes {
        text = text.bullet(note);
    }
    text.build()
}
