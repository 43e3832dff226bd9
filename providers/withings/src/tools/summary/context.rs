//! `withings_wellness_context`: the Delx `wellness_context` contract, filled from
//! a window of Withings data plus what the user said (soreness, injuries, notes),
//! for handing to other Delx connectors such as a training planner.

use std::sync::Arc;

use delx_framework::render::{Markdown, ResponseFormat};
use delx_framework::schemars::{self, JsonSchema};
use delx_framework::{CallContext, Tool, ToolAnnotations, ToolError, ToolOutput, async_trait};
use serde::{Deserialize, Serialize};

use super::aggregate::WindowStats;
use super::day::days;
use super::insight::{DataQuality, TrainingLoad, data_quality, hm, training_load};
use super::{Days, now, problems};
use crate::tools::{ToolContext, respond};

const MAX_ITEMS: usize = 20;

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContextInput {
    /// Days of data behind the context, ending today (1 to 30, default 7).
    #[serde(default)]
    #[schemars(range(min = 1, max = 30))]
    pub days: Option<u32>,
    /// An IANA zone for local days. Default: the zone of the user's Withings devices.
    #[serde(default)]
    pub timezone: Option<String>,
    /// Sore body areas the user reported, e.g. `left_knee` (up to 20, 80 characters each).
    #[serde(default)]
    #[schemars(length(max = 20), inner(length(min = 1, max = 80)))]
    pub soreness: Vec<String>,
    /// Caution flags the user gave, e.g. `recovering ankle sprain` (up to 20, 120
    /// characters each). Treated as constraints, not diagnoses.
    #[serde(default)]
    #[schemars(length(max = 20), inner(length(min = 1, max = 120)))]
    pub injury_flags: Vec<String>,
    /// A short note from the user to pass along (500 characters at most).
    #[serde(default)]
    #[schemars(length(max = 500))]
    pub notes: Option<String>,
    /// `markdown` (default) for people, `json` for programs.
    #[serde(default)]
    pub response_format: Option<ResponseFormat>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Signals {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avg_sleep_minutes: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avg_steps: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_minutes_per_week: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workouts: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest_weight_kg: Option<f64>,
}

/// The Delx `wellness_context` contract (names are shared across connectors).
#[derive(Debug, Serialize, JsonSchema)]
pub struct WellnessContext {
    /// Always `withings`.
    pub source: &'static str,
    pub generated_at: String,
    pub timezone: String,
    /// First and last local day of the data, `YYYY-MM-DD`.
    pub window: [String; 2],
    /// The latest night's Withings sleep score, 0 to 100.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 100))]
    pub sleep_score: Option<f64>,
    /// From the whole window, not from today's partial count.
    pub recent_training_load: TrainingLoad,
    pub soreness: Vec<String>,
    pub injury_flags: Vec<String>,
    /// Short, chat-safe notes: the user's, then what the data says.
    pub notes: Vec<String>,
    /// The window's numbers behind the context.
    pub signals: Signals,
    pub data_quality: DataQuality,
}

pub struct WellnessContextTool(pub Arc<ToolContext>);

#[async_trait]
impl Tool for WellnessContextTool {
    type Input = ContextInput;
    type Output = WellnessContext;

    fn name(&self) -> &'static str {
        "withings_wellness_context"
    }
    fn title(&self) -> &'static str {
        "Withings wellness context"
    }
    fn description(&self) -> &'static str {
        "Builds the shared Delx `wellness_context` from the last `days` of Withings data (default \
         7): latest sleep score, recent training load over the whole window, key averages, and data \
         quality, plus soreness, injury flags and notes the user reported. Use it to hand the \
         user's state to a training, nutrition or coaching tool; pass only what the user said, \
         never guess injuries. Informational only, not medical advice."
    }
    fn annotations(&self) -> ToolAnnotations {
        ToolAnnotations::READ_UPSTREAM
    }

    async fn call(
        &self,
        input: ContextInput,
        _ctx: &dyn CallContext,
    ) -> Result<ToolOutput<WellnessContext>, ToolError> {
        let soreness = clean("soreness", &input.soreness, 80)?;
        let injury_flags = clean("injury_flags", &input.injury_flags, 120)?;
        if input
            .notes
            .as_deref()
            .is_some_and(|n| n.chars().count() > 500)
        {
            return Err(ToolError::invalid_input(
                "`notes` is longer than 500 characters",
            ));
        }
        let calendar = self.0.summary_days(input.timezone.as_deref()).await?;
        let range = Days::ending(calendar.today, input.days.unwrap_or(7).clamp(1, 30))?;
        let fetched = self.0.fetch_days(range, &calendar.timezone).await?;
        let all = days(range, &fetched);
        // Today's activity is partial: load and averages use the complete days
        // when there are any; today's night is complete and counts.
        let complete = if all.len() > 1 {
            &all[..all.len() - 1]
        } else {
            &all[..]
        };
        let stats = WindowStats::of(complete);
        let with_today = WindowStats::of(&all);
        let latest_night = all.iter().rev().find(|d| d.sleep_score.is_some());
        let load = training_load(&stats);
        let (warnings, failed) = problems(&fetched);
        let mut notes: Vec<String> = input.notes.iter().map(|n| n.trim().to_owned()).collect();
        if let Some(night) = latest_night {
            notes.push(format!(
                "Latest sleep score {:.0} (night ending {}).",
                night.sleep_score.unwrap_or_default(),
                night.date
            ));
        }
        if let Some(sleep) = with_today.avg_sleep_minutes {
            notes.push(format!(
                "Average sleep {} over {} nights.",
                hm(sleep),
                with_today.days_with_sleep
            ));
        }
        notes.push(format!("Training load {}.", load.as_str()));
        let context = WellnessContext {
            source: "withings",
            generated_at: now(),
            timezone: calendar.timezone,
            window: [range.first.to_string(), range.last.to_string()],
            sleep_score: latest_night.and_then(|d| d.sleep_score),
            recent_training_load: load,
            soreness,
            injury_flags,
            notes,
            signals: Signals {
                avg_sleep_minutes: with_today.avg_sleep_minutes,
                avg_steps: stats.avg_steps,
                active_minutes_per_week: stats.active_minutes_per_week,
                workouts: with_today.workouts,
                latest_weight_kg: with_today.latest_weight_kg,
            },
            data_quality: data_quality(&with_today, &all, warnings, failed),
        };
        Ok(respond(context, input.response_format, render))
    }
}

/// Trimmed, non-empty items within the limits, or a clear refusal.
fn clean(argument: &str, items: &[String], max_chars: usize) -> Result<Vec<String>, ToolError> {
    if items.len() > MAX_ITEMS {
        return Err(ToolError::invalid_input(format!(
            "`{argument}` has {} items; at most {MAX_ITEMS}",
            items.len()
        )));
    }
    items
        .iter()
        .map(|item| {
            let item = item.trim();
            if item.is_empty() || item.chars().count() > max_chars {
                Err(ToolError::invalid_input(format!(
                    "`{argument}` items must be 1 to {max_chars} characters"
                )))
            } else {
                Ok(item.to_owned())
            }
        })
        .collect()
}

fn render(context: &WellnessContext) -> String {
    let mut text = Markdown::new()
        .title("Withings wellness context")
        .field(
            "Window",
            format!("{} to {}", context.window[0], context.window[1]),
        )
        .field_opt(
            "Sleep score",
            context.sleep_score.map(|s| format!("{s:.0}")),
        )
        .field("Training load", context.recent_training_load.as_str());
    if !context.soreness.is_empty() {
        text = text.field("Soreness", context.soreness.join(", "));
    }
    if !context.injury_flags.is_empty() {
        text = text.field("Injury flags", context.injury_flags.join(", "));
    }
    for note in &context.notes {
        text = text.bullet(note);
    }
    text.field("Data confidence", context.data_quality.confidence)
        .build()
}
