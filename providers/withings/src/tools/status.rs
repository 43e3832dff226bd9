//! `withings_connection_status` and `withings_quickstart`: the doctor's answers,
//! for agents.

use std::sync::Arc;

use delx_framework::render::{Markdown, ResponseFormat};
use delx_framework::schemars::{self, JsonSchema};
use delx_framework::{CallContext, Tool, ToolAnnotations, ToolError, ToolOutput, async_trait};
use serde::{Deserialize, Serialize};

use super::{ToolContext, wants_markdown};
use crate::lifecycle::readiness::{Readiness, assess};

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FormatOnly {
    /// `markdown` (default) for people, `json` for programs.
    #[serde(default)]
    pub response_format: Option<ResponseFormat>,
}

pub struct ConnectionStatus(pub Arc<ToolContext>);

#[async_trait]
impl Tool for ConnectionStatus {
    type Input = FormatOnly;
    type Output = Readiness;

    fn name(&self) -> &'static str {
        "withings_connection_status"
    }
    fn title(&self) -> &'static str {
        "Withings connection status"
    }
    fn description(&self) -> &'static str {
        "Says whether the connector can reach the user's Withings data right now: credentials, stored \
         tokens (with their real file permissions), granted scopes and privacy mode, plus the next steps \
         when something is missing. Call it first, and whenever a Withings tool reports a setup or \
         authorization problem. Reads local files only."
    }
    fn annotations(&self) -> ToolAnnotations {
        ToolAnnotations::READ_LOCAL
    }

    async fn call(
        &self,
        input: FormatOnly,
        _ctx: &dyn CallContext,
    ) -> Result<ToolOutput<Readiness>, ToolError> {
        let readiness = assess(&self.0.settings);
        let mut output = ToolOutput::new(readiness.clone());
        if wants_markdown(input.response_format) {
            let mut text = Markdown::new()
                .title("Withings connection")
                .field("Ready", if readiness.ready { "yes" } else { "no" })
                .field(
                    "Token",
                    if readiness.token.exists {
                        "stored"
                    } else {
                        "missing"
                    },
                )
                .field(
                    "Scopes",
                    format!("{:?}", readiness.scopes.status).to_lowercase(),
                )
                .field("Privacy mode", readiness.privacy_mode);
            if !readiness.missing_settings.is_empty() {
                text = text.field("Missing", readiness.missing_settings.join(", "));
            }
            for (number, step) in readiness.next_steps.iter().enumerate() {
                text = text.bullet(format!("Step {}: {step}", number + 1));
            }
            output = output.with_markdown(text.build());
        }
        Ok(output)
    }
}

pub struct Quickstart(pub Arc<ToolContext>);

#[derive(Debug, Serialize, JsonSchema)]
pub struct QuickstartOutput {
    pub ready: bool,
    pub steps: Vec<QuickstartStep>,
    /// The first step not done yet, or `None` when everything is.
    pub next: Option<usize>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct QuickstartStep {
    pub step: usize,
    pub title: String,
    pub action: String,
    pub done: bool,
}

#[async_trait]
impl Tool for Quickstart {
    type Input = FormatOnly;
    type Output = QuickstartOutput;

    fn name(&self) -> &'static str {
        "withings_quickstart"
    }
    fn title(&self) -> &'static str {
        "Withings quickstart"
    }
    fn description(&self) -> &'static str {
        "The steps from nothing to asking about Withings data, each marked done or not, with what to do \
         next. Use it to guide a person through setup. Reads local files only."
    }
    fn annotations(&self) -> ToolAnnotations {
        ToolAnnotations::READ_LOCAL
    }

    async fn call(
        &self,
        input: FormatOnly,
        _ctx: &dyn CallContext,
    ) -> Result<ToolOutput<QuickstartOutput>, ToolError> {
        let readiness = assess(&self.0.settings);
        let credentials = readiness.missing_settings.is_empty();
        let connected = readiness.token.exists && readiness.token.readable;
        let steps = vec![
            QuickstartStep {
                step: 1,
                title: "Create a Withings developer app and store its credentials".into(),
                action: format!(
                    "Create an app at {} with the callback http://127.0.0.1:3000/callback, then run \
                     `withings-mcp setup`.",
                    crate::lifecycle::readiness::DEVELOPER_DASHBOARD
                ),
                done: credentials,
            },
            QuickstartStep {
                step: 2,
                title: "Connect the Withings account".into(),
                action: "Run `withings-mcp auth`, or call withings_get_auth_url and then withings_exchange_code \
                         with the address the browser lands on."
                    .into(),
                done: connected,
            },
            QuickstartStep {
                step: 3,
                title: "Ask about the data".into(),
                action: "Call withings_connection_status to confirm, then start with the daily or weekly summary."
                    .into(),
                done: readiness.ready,
            },
        ];
        let next = steps.iter().find(|step| !step.done).map(|step| step.step);
        let data = QuickstartOutput {
            ready: readiness.ready,
            steps,
            next,
        };
        let mut output = ToolOutput::new(data);
        if wants_markdown(input.response_format) {
            let mut text = Markdown::new().title("Withings quickstart");
            for step in &output.data.steps {
                let mark = if step.done { "done" } else { "to do" };
                text = text.bullet(format!(
                    "{}. {} ({mark}): {}",
                    step.step, step.title, step.action
                ));
            }
            output = output.with_markdown(text.build());
        }
        Ok(output)
    }
}
