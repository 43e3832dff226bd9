//! `withings_weekly_summary`: a window of days against the window before it.

use std::sync::Arc;

use delx_framework::render::{Markdown, ResponseFormat};
use delx_framework::schemars::{self, JsonSchema};
use delx_framework::{CallContext, Tool, ToolAnnotations, ToolError, ToolOutput, async_trait};
use serde::{Deserialize, Serialize};

use super::aggregate::{Delta, WindowStats, deltas};
use super::day::days;
use super::insight::{
    Bottleneck, DataQuality, PlanItem, TrainingLoad, bottlenecks, data_quality, hm, plan,
    training_load,
};
use super::{Days, SAFETY, Safety, now, problems};
use crate::tools::{ToolContext, respond};

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WeeklyInput {
    /// Days in the window (1 to 60, default 7).
    #[serde(default)]
    #[schemars(range(min = 1, max = 60))]
    pub days: Option<u32>,
    /// Days in the comparison window just before it (0 to 60, default 7; 0 turns
    /// the comparison off).
    #[serde(default)]
    #[schemars(range(min = 0, max = 60))]
    pub compare_days: Option<u32>,
    /// Last local day of the window, `YYYY-MM-DD`. Default: yesterday, the last
    /// complete day.
    #[serde(default)]
    pub end_date: Option<String>,
    /// An IANA zone for local days. Default: the zone of the user's Withings devices.
    #[serde(default)]
    pub timezone: Option<String>,
    /// `markdown` (default) for people, `json` for programs.
    #[serde(default)]
    pub response_format: Option<ResponseFormat>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Scorecard {
    pub current: WindowStats,
    /// The comparison window; absent when `compare_days` is 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<WindowStats>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Load {
    /// From moderate and intense minutes, steps and workouts over the whole window.
    pub classification: TrainingLoad,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_minutes_per_week: Option<f64>,
    /// `rising`, `falling` or `stable` against the comparison window, when both
    /// have activity data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trend: Option<&'static str>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct WeeklySummary {
    /// Always `weekly_summary`.
    pub kind: &'static str,
    pub generated_at: String,
    pub timezone: String,
    pub scorecard: Scorecard,
    /// Changes of each metric both windows have.
    pub deltas: Vec<Delta>,
    pub load: Load,
    /// What limits progress in this window; empty when nothing does.
    pub bottlenecks: Vec<Bottleneck>,
    /// Next week's targets, each a step beyond this window's value.
    pub next_week_plan: Vec<PlanItem>,
    pub data_quality: DataQuality,
    pub safety: Safety,
}

pub struct WeeklySummaryTool(pub Arc<ToolContext>);

#[async_trait]
impl Tool for WeeklySummaryTool {
    type Input = WeeklyInput;
    type Output = WeeklySummary;

    fn name(&self) -> &'static str {
        "withings_weekly_summary"
    }
    fn title(&self) -> &'static str {
        "Withings weekly review"
    }
    fn description(&self) -> &'static str {
        "Reviews the last 7 complete days (or `days`, ending `end_date`) of the user's Withings data \
         against the 7 days before (`compare_days`, 0 for none): a scorecard of averages (sleep, \
         score, steps, active minutes, workouts, weight, blood pressure), the changes between the \
         two windows, training load, bottlenecks found in the numbers, and a next-week plan with \
         targets derived from this week's values. Use it for weekly reviews and 'how was my week'. \
         Days without data are left out of averages and listed. Informational only, not medical \
         advice."
    }
    fn annotations(&self) -> ToolAnnotations {
        ToolAnnotations::READ_UPSTREAM
    }

    async fn call(
        &self,
        input: WeeklyInput,
        _ctx: &dyn CallContext,
    ) -> Result<ToolOutput<WeeklySummary>, ToolError> {
        let summary = self.0.weekly_summary(&input).await?;
        Ok(respond(summary, input.response_format, render))
    }
}

impl ToolContext {
    pub(in crate::tools) async fn weekly_summary(
        &self,
        input: &WeeklyInput,
    ) -> Result<WeeklySummary, ToolError> {
        let calendar = self.summary_days(input.timezone.as_deref()).await?;
        let last = match &input.end_date {
            Some(text) => calendar.parse("end_date", text)?,
            None => Days::before(calendar.today, 1)?,
        };
        let count = input.days.unwrap_or(7).clamp(1, 60);
        let compare = input.compare_days.unwrap_or(7).min(60);
        let range = Days::ending(last, count + compare)?;
        let fetched = self.fetch_days(range, &calendar.timezone).await?;
        let mut all = days(range, &fetched);
        let current_days = all.split_off(compare as usize);
        let current = WindowStats::of(&current_days);
        let previous = (compare > 0).then(|| WindowStats::of(&all));
        let deltas = previous
            .as_ref()
            .map(|previous| deltas(&current, previous))
            .unwrap_or_default();
        let found = bottlenecks(&current, &deltas);
        let (warnings, failed) = problems(&fetched);
        Ok(WeeklySummary {
            kind: "weekly_summary",
            generated_at: now(),
            timezone: calendar.timezone,
            load: Load {
                classification: training_load(&current),
                active_minutes_per_week: current.active_minutes_per_week,
                trend: previous
                    .as_ref()
                    .and_then(|previous| trend(&current, previous)),
            },
            next_week_plan: plan(&current, &current_days, &found),
            bottlenecks: found,
            deltas,
            data_quality: data_quality(&current, &current_days, warnings, failed),
            scorecard: Scorecard { current, previous },
            safety: SAFETY,
        })
    }
}

/// Rising or falling when active minutes moved by a quarter or more.
fn trend(current: &WindowStats, previous: &WindowStats) -> Option<&'static str> {
    let (now, before) = (
        current.active_minutes_per_week?,
        previous.active_minutes_per_week?,
    );
    Some(if now > before * 1.25 {
        "rising"
    } else if now < before * 0.75 {
        "falling"
    } else {
        "stable"
    })
}

pub fn render(summary: &WeeklySummary) -> String {
    let current = &summary.scorecard.current;
    let mut text = Markdown::new()
        .title(&format!(
            "Withings week: {} to {}",
            current.first, current.last
        ))
        .field_opt(
            "Sleep",
            current
                .avg_sleep_minutes
                .map(|m| format!("{} a night over {} nights", hm(m), current.days_with_sleep)),
        )
        .field_opt(
            "Sleep score",
            current.avg_sleep_score.map(|s| format!("{s:.0}")),
        )
        .field_opt(
            "Steps",
            current
                .avg_steps
                .map(|s| format!("{s:.0} a day over {} days", current.days_with_activity)),
        )
        .field_opt(
            "Active minutes",
            current
                .active_minutes_per_week
                .map(|m| format!("{m:.0} a week")),
        )
        .field_opt(
            "Workouts",
            current
                .workouts
                .zip(current.workout_minutes)
                .map(|(n, m)| format!("{n}, {}", hm(m))),
        )
        .field_opt(
            "Weight",
            current
                .latest_weight_kg
                .map(|kg| match current.weight_change_kg {
                    Some(change) => format!("{kg} kg ({change:+} kg over the window)"),
                    None => format!("{kg} kg"),
                }),
        )
        .field("Load", summary.load.classification.as_str());
    if !summary.deltas.is_empty() {
        text = text.title("Against the previous window");
        for delta in &summary.deltas {
            let pct = delta
                .change_pct
                .map(|p| format!(" ({p:+}%)"))
                .unwrap_or_default();
            text = text.bullet(format!(
                "{}: {} to {}{pct}",
                delta.metric.replace('_', " "),
                delta.previous,
                delta.current
            ));
        }
    }
    text = text.title("Bottlenecks");
    if summary.bottlenecks.is_empty() {
        text = text.line("None found in the data.");
    }
    for bottleneck in &summary.bottlenecks {
        text = text.bullet(&bottleneck.finding);
    }
    text = text.title("Next week");
    for item in &summary.next_week_plan {
        text = text.bullet(&item.action);
    }
    text = text
        .title("Data quality")
        .field("Confidence", summary.data_quality.confidence);
    for warning in &summary.data_quality.warnings {
        text = text.bullet(warning);
    }
    text.line(summary.safety.note).build()
}
