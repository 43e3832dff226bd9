//! The account's equipment and objectives: `withings_list_devices` and
//! `withings_get_goals`.

use std::sync::Arc;

use delx_framework::render::Markdown;
use delx_framework::schemars::{self, JsonSchema};
use delx_framework::{
    CallContext, PrivacyMode, Tool, ToolAnnotations, ToolError, ToolOutput, async_trait,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::status::FormatOnly;
use super::{ToolContext, wants_markdown};
use crate::api::endpoints::{GETDEVICE, GETGOALS};
use crate::model::{DevicesBody, GoalsBody, local_time};

/// Reads the account; changes nothing.
const READ_ACCOUNT: ToolAnnotations = ToolAnnotations::READ_UPSTREAM;

pub struct ListDevices(pub Arc<ToolContext>);

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DevicesInput {
    /// `summary` hides device identifiers; `structured` (default: the configured
    /// mode) adds them and every other upstream field; `raw` is Withings' list.
    #[serde(default)]
    pub privacy_mode: Option<PrivacyMode>,
    /// `markdown` (default) for people, `json` for programs.
    #[serde(default)]
    pub response_format: Option<delx_framework::ResponseFormat>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct DevicesOutput {
    pub privacy_mode: PrivacyMode,
    pub count: usize,
    /// Devices; their fields depend on `privacy_mode`.
    pub devices: Vec<Value>,
}

#[async_trait]
impl Tool for ListDevices {
    type Input = DevicesInput;
    type Output = DevicesOutput;

    fn name(&self) -> &'static str {
        "withings_list_devices"
    }
    fn title(&self) -> &'static str {
        "Withings devices"
    }
    fn description(&self) -> &'static str {
        "Lists the devices linked to the Withings account (scale, watch, sleep analyzer, blood-pressure \
         monitor...) with model, battery level and when each last synced, in the device's local time. \
         Useful to explain missing data: a device that has not synced for days sends nothing."
    }
    fn annotations(&self) -> ToolAnnotations {
        READ_ACCOUNT
    }

    async fn call(
        &self,
        input: DevicesInput,
        _ctx: &dyn CallContext,
    ) -> Result<ToolOutput<DevicesOutput>, ToolError> {
        let mode = PrivacyMode::resolve(input.privacy_mode, self.0.settings.privacy_mode);
        let body = self
            .0
            .client
            .call(&GETDEVICE, &[])
            .await
            .map_err(ToolError::from)?;
        let parsed: DevicesBody = serde_json::from_value(body.clone()).map_err(|error| {
            ToolError::upstream(format!("unreadable device list from Withings: {error}"))
        })?;
        let raw_devices = body
            .get("devices")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut lines = Vec::new();
        let devices: Vec<Value> = parsed
            .devices
            .iter()
            .zip(raw_devices)
            .map(|(device, raw)| {
                let zone = device.timezone.as_deref().unwrap_or("UTC");
                let last_sync = device.last_session_date.and_then(|at| local_time(at, zone));
                let model = device.model_name();
                lines.push(format!(
                    "{} ({}): battery {}, last sync {}",
                    model.as_deref().unwrap_or("unknown model"),
                    device.device_type.as_deref().unwrap_or("device"),
                    device
                        .battery
                        .as_ref()
                        .map_or("unknown", |battery| battery.as_str()),
                    last_sync.as_deref().unwrap_or("never")
                ));
                let summary = serde_json::json!({
                    "type": device.device_type,
                    "model": model,
                    "battery": device.battery.as_ref().map(|battery| battery.as_str().to_owned()),
                    "timezone": device.timezone,
                    "last_sync": last_sync,
                });
                match mode {
                    PrivacyMode::Summary => summary,
                    PrivacyMode::Raw => raw,
                    // Upstream fields win over our names when they collide.
                    PrivacyMode::Structured => merge(summary, raw),
                }
            })
            .collect();
        let data = DevicesOutput {
            privacy_mode: mode,
            count: devices.len(),
            devices,
        };
        let mut output = ToolOutput::new(data);
        if wants_markdown(input.response_format) {
            let mut text = Markdown::new().title("Withings devices");
            if lines.is_empty() {
                text = text.line("No device is linked to this account.");
            }
            for line in lines {
                text = text.bullet(line);
            }
            output = output.with_markdown(text.build());
        }
        Ok(output)
    }
}

fn merge(ours: Value, upstream: Value) -> Value {
    match (ours, upstream) {
        (Value::Object(mut ours), Value::Object(upstream)) => {
            ours.extend(upstream);
            Value::Object(ours)
        }
        (ours, _) => ours,
    }
}

pub struct GetGoals(pub Arc<ToolContext>);

#[derive(Debug, Serialize, JsonSchema)]
pub struct GoalsOutput {
    /// Daily step goal.
    pub steps: Option<i64>,
    /// Nightly sleep goal, in minutes.
    pub sleep_minutes: Option<i64>,
    /// Target weight in kilograms.
    pub weight_kg: Option<f64>,
    /// True when the user has set no goal at all.
    pub none_set: bool,
}

#[async_trait]
impl Tool for GetGoals {
    type Input = FormatOnly;
    type Output = GoalsOutput;

    fn name(&self) -> &'static str {
        "withings_get_goals"
    }
    fn title(&self) -> &'static str {
        "Withings goals"
    }
    fn description(&self) -> &'static str {
        "The goals the user set in the Withings app: daily steps, nightly sleep and target weight. Any of \
         them may be unset; compare progress against these rather than generic targets."
    }
    fn annotations(&self) -> ToolAnnotations {
        READ_ACCOUNT
    }

    async fn call(
        &self,
        input: FormatOnly,
        _ctx: &dyn CallContext,
    ) -> Result<ToolOutput<GoalsOutput>, ToolError> {
        let body = self
            .0
            .client
            .call(&GETGOALS, &[])
            .await
            .map_err(ToolError::from)?;
        let parsed: GoalsBody = serde_json::from_value(body).map_err(|error| {
            ToolError::upstream(format!("unreadable goals from Withings: {error}"))
        })?;
        let goals = parsed.goals;
        let data = GoalsOutput {
            steps: goals.steps,
            sleep_minutes: goals.sleep.map(|seconds| seconds / 60),
            weight_kg: goals
                .weight
                .as_ref()
                .map(|weight| (weight.kg() * 100.0).round() / 100.0),
            none_set: goals.is_empty(),
        };
        let mut output = ToolOutput::new(data);
        if wants_markdown(input.response_format) {
            let goals = &output.data;
            let mut text = Markdown::new().title("Withings goals");
            if goals.none_set {
                text = text.line("No goal is set in the Withings app.");
            }
            let text = text
                .field_opt("Steps per day", goals.steps)
                .field_opt(
                    "Sleep per night",
                    goals
                        .sleep_minutes
                        .map(|m| format!("{} h {:02} min", m / 60, m % 60)),
                )
                .field_opt(
                    "Target weight",
                    goals.weight_kg.map(|kg| format!("{kg} kg")),
                )
                .build();
            output = output.with_markdown(text);
        }
        Ok(output)
    }
}
