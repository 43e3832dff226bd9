//! `withings_daily_summary`: one local day against the days before it.

use std::sync::Arc;

use delx_framework::render::{Markdown, ResponseFormat};
use delx_framework::schemars::{self, JsonSchema};
use delx_framework::{CallContext, Tool, ToolAnnotations, ToolError, ToolOutput, async_trait};
use serde::{Deserialize, Serialize};

use super::aggregate::WindowStats;
use super::day::{DayStats, days};
use super::insight::{DataQuality, Readiness, data_quality, hm, readiness};
use super::{Days, SAFETY, Safety, now, problems};
use crate::tools::format::number;
use crate::tools::{ToolContext, respond};

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DailyInput {
    /// The local day, `YYYY-MM-DD`. Default: today (still in progress).
    #[serde(default)]
    pub date: Option<String>,
    /// Days before `date` the day is compared with (1 to 30, default 7).
    #[serde(default)]
    #[schemars(range(min = 1, max = 30))]
    pub days: Option<u32>,
    /// An IANA zone for local days. Default: the zone of the user's Withings devices.
    #[serde(default)]
    pub timezone: Option<String>,
    /// `markdown` (default) for people, `json` for programs.
    #[serde(default)]
    pub response_format: Option<ResponseFormat>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct DailySummary {
    /// Always `daily_summary`.
    pub kind: &'static str,
    pub generated_at: String,
    /// The local day summarized.
    pub date: String,
    pub timezone: String,
    /// True for today: activity totals are still growing.
    pub in_progress: bool,
    pub day: DayStats,
    /// The days before `date`, for comparison.
    pub baseline: WindowStats,
    pub readiness: Readiness,
    /// How the day compares with the baseline, one line per domain with data.
    pub highlights: Vec<String>,
    /// Suggestions that follow from the numbers above.
    pub actions: Vec<String>,
    pub data_quality: DataQuality,
    pub safety: Safety,
}

pub struct DailySummaryTool(pub Arc<ToolContext>);

#[async_trait]
impl Tool for DailySummaryTool {
    type Input = DailyInput;
    type Output = DailySummary;

    fn name(&self) -> &'static str {
        "withings_daily_summary"
    }
    fn title(&self) -> &'static str {
        "Withings daily summary"
    }
    fn description(&self) -> &'static str {
        "Summarizes one local day (default today) from all the user's Withings data: the night that \
         ended that morning (duration, score, stages, bedtime), activity (steps, active minutes, \
         calories), the day's last weigh-in and blood pressure, workouts, compared with the 7 days \
         before, with a readiness reading and suggestions drawn from those numbers. Start here for \
         'how am I doing today'; use the list tools to drill into one domain. Missing data is \
         reported as missing. Informational only, not medical advice."
    }
    fn annotations(&self) -> ToolAnnotations {
        ToolAnnotations::READ_UPSTREAM
    }

    async fn call(
        &self,
        input: DailyInput,
        _ctx: &dyn CallContext,
    ) -> Result<ToolOutput<DailySummary>, ToolError> {
        let summary = self.0.daily_summary(&input).await?;
        Ok(respond(summary, input.response_format, render))
    }
}

impl ToolContext {
    pub(in crate::tools) async fn daily_summary(
        &self,
        input: &DailyInput,
    ) -> Result<DailySummary, ToolError> {
        let calendar = self.summary_days(input.timezone.as_deref()).await?;
        let date = match &input.date {
            Some(text) => calendar.parse("date", text)?,
            None => calendar.today,
        };
        let baseline_days = input.days.unwrap_or(7).clamp(1, 30);
        let range = Days::ending(date, baseline_days + 1)?;
        let fetched = self.fetch_days(range, &calendar.timezone).await?;
        let mut all = days(range, &fetched);
        let day = all.pop().unwrap_or_default();
        let baseline = WindowStats::of(&all);
        let in_progress = date == calendar.today;
        let (mut warnings, failed) = problems(&fetched);
        if in_progress {
            warnings.push("Today is still in progress: activity totals are partial.".into());
        }
        let quality = data_quality(
            &WindowStats::of(std::slice::from_ref(&day)),
            std::slice::from_ref(&day),
            warnings,
            failed,
        );
        let readiness = readiness(&day, all.last(), &baseline);
        Ok(DailySummary {
            kind: "daily_summary",
            generated_at: now(),
            date: date.to_string(),
            timezone: calendar.timezone,
            in_progress,
            highlights: highlights(&day, &baseline, &all, in_progress),
            actions: actions(&day, &baseline, &readiness),
            readiness,
            day,
            baseline,
            data_quality: quality,
            safety: SAFETY,
        })
    }
}

fn highlights(
    day: &DayStats,
    baseline: &WindowStats,
    before: &[DayStats],
    in_progress: bool,
) -> Vec<String> {
    let mut lines = Vec::new();
    let against = |average: Option<f64>, days: usize, show: &dyn Fn(f64) -> String| {
        average
            .map(|value| format!(" ({days}-day average {})", show(value)))
            .unwrap_or_default()
    };
    if let Some(sleep) = day.sleep_minutes {
        let mut line = format!("Slept {}", hm(sleep));
        if let (Some(bed), Some(wake)) = (&day.bedtime, &day.wake_time) {
            line.push_str(&format!(", {bed} to {wake}"));
        }
        if let Some(score) = day.sleep_score {
            line.push_str(&format!(", score {score:.0}"));
        }
        line.push_str(&against(
            baseline.avg_sleep_minutes,
            baseline.days_with_sleep,
            &hm,
        ));
        lines.push(line + ".");
    }
    if let Some(steps) = day.steps {
        let so_far = if in_progress { " so far" } else { "" };
        let mut line = format!("{steps} steps{so_far}");
        if let Some(active) = day.active_minutes {
            line.push_str(&format!(", {active:.0} active minutes"));
        }
        line.push_str(&against(
            baseline.avg_steps,
            baseline.days_with_activity,
            &|v| format!("{v:.0} steps"),
        ));
        lines.push(line + ".");
    }
    if let Some(weight) = day.weight_kg {
        let previous = before
            .iter()
            .rev()
            .find_map(|d| Some((d.weight_kg?, d.date.as_str())));
        let mut line = format!("Weighed {} kg", number(weight, 2));
        if let Some(fat) = day.fat_ratio_pct {
            line.push_str(&format!(", {} % fat", number(fat, 1)));
        }
        if let Some((kg, date)) = previous {
            line.push_str(&format!(" (previous {} kg on {date})", number(kg, 2)));
        }
        lines.push(line + ".");
    }
    if let (Some(sys), Some(dia)) = (day.systolic_mmhg, day.diastolic_mmhg) {
        lines.push(format!("Blood pressure {sys:.0}/{dia:.0} mmHg."));
    }
    if let (Some(count), Some(minutes)) = (day.workouts, day.workout_minutes)
        && count > 0
    {
        lines.push(format!("{count} workout(s), {}.", hm(minutes)));
    }
    lines
}

fn actions(day: &DayStats, baseline: &WindowStats, readiness: &Readiness) -> Vec<String> {
    let mut actions = Vec::new();
    match readiness.classification {
        "unknown" => actions.push(
            "No night recorded: wear the watch or keep the Sleep Analyzer plugged in tonight so \
             tomorrow has a night to read."
                .to_owned(),
        ),
        "short_sleep" | "low_sleep_score" | "below_baseline" => {
            actions.push("Keep today's training easy; recovery is the constraint.".to_owned());
            if let Some(bed) = &day.bedtime {
                actions.push(format!(
                    "Aim for bed about 30 minutes earlier than last night's {bed}."
                ));
            }
        }
        "high_activity_low_sleep" => actions.push(
            "Yesterday was big and the night short: favour mobility or an easy walk today."
                .to_owned(),
        ),
        _ => {}
    }
    if let Some(average) = baseline.avg_steps {
        let below = day.steps.is_some_and(|steps| (steps as f64) < average);
        if below || day.steps.is_none() {
            actions.push(format!(
                "A 20-minute walk would bring the day toward your {average:.0}-step average."
            ));
        }
    }
    if actions.is_empty() {
        actions.push("Nothing stands out: keep the routine that produced this baseline.".into());
    }
    actions
}

pub fn render(summary: &DailySummary) -> String {
    let mut text = Markdown::new().title(&format!("Withings day: {}", summary.date));
    if summary.in_progress {
        text = text.line("Today is in progress; activity totals are partial.");
    }
    text = text.field("Readiness", summary.readiness.classification);
    for reason in &summary.readiness.reasons {
        text = text.bullet(reason);
    }
    text = text.title("Highlights");
    if summary.highlights.is_empty() {
        text = text.line("No data recorded for this day.");
    }
    for line in &summary.highlights {
        text = text.bullet(line);
    }
    text = text.title("Suggestions");
    for line in &summary.actions {
        text = text.bullet(line);
    }
    text = text
        .title("Data quality")
        .field("Confidence", summary.data_quality.confidence);
    for warning in &summary.data_quality.warnings {
        text = text.bullet(warning);
    }
    text.line(summary.safety.note).build()
}
