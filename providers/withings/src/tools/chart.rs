//! `withings_chart`: a PNG of one daily metric over a window, with a short text
//! summary beside it and the plotted points in the structured result.
//!
//! The picture is for the person; the points are for the model, which cannot see
//! the image reliably, so both always say the same thing.

use std::collections::BTreeMap;
use std::sync::Arc;

use delx_framework::chart::{ChartKind, DayChart};
use delx_framework::render::{Markdown, ResponseFormat};
use delx_framework::schemars::{self, JsonSchema};
use delx_framework::{
    CallContext, Image, Tool, ToolAnnotations, ToolError, ToolOutput, async_trait,
};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::body_trends::daily_measures;
use super::format::number;
use super::window::{ListInput, Resolved, Window};
use super::{ToolContext, wants_markdown};
use crate::api::endpoints::{GETACTIVITY, SLEEP_SUMMARY};
use crate::model::{ActivityDay, MeasureType, SleepSummary, parse_day};

const DEFAULT_DAYS: u32 = 30;
/// A year and a leap day: one slot per day still shows at the default width.
const MAX_DAYS: usize = 366;
/// Enough pages for a year of days or nights at Withings' page sizes.
const PAGE_CAP: u32 = 20;
const DEFAULT_WIDTH: u32 = 800;
const DEFAULT_HEIGHT: u32 = 400;

/// What to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// The user's own real weight, the last weigh-in of each local day (kg).
    Weight,
    /// Total sleep time of each night, on the day the user woke up (hours).
    Sleep,
    /// Daily steps.
    Steps,
}

impl Metric {
    fn unit(self) -> &'static str {
        match self {
            Self::Weight => "kg",
            Self::Sleep => "h",
            Self::Steps => "steps",
        }
    }

    fn kind(self) -> ChartKind {
        match self {
            Self::Steps => ChartKind::Bar,
            Self::Weight | Self::Sleep => ChartKind::Line,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Weight => "weight",
            Self::Sleep => "sleep",
            Self::Steps => "steps",
        }
    }

    fn decimals(self) -> usize {
        match self {
            Self::Weight | Self::Sleep => 2,
            Self::Steps => 0,
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChartInput {
    /// `weight` (kg, line), `sleep` (hours a night, line) or `steps` (a day, bars).
    pub metric: Metric,
    /// First local day, `YYYY-MM-DD`. Default: 29 days before `before` (30 days).
    #[serde(default)]
    pub after: Option<String>,
    /// Last local day, inclusive. Default: today. At most 366 days in all.
    #[serde(default)]
    pub before: Option<String>,
    /// Image width in pixels (200 to 2000, default 800).
    #[serde(default)]
    #[schemars(range(min = 200, max = 2000))]
    pub width: Option<u32>,
    /// Image height in pixels (150 to 1200, default 400).
    #[serde(default)]
    #[schemars(range(min = 150, max = 1200))]
    pub height: Option<u32>,
    /// `markdown` (default) for people, `json` for programs.
    #[serde(default)]
    pub response_format: Option<ResponseFormat>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ChartOutput {
    pub metric: Metric,
    pub unit: &'static str,
    /// `line` or `bar`.
    pub chart: &'static str,
    /// The IANA zone the days are local to.
    pub timezone: String,
    pub window: Window,
    /// The image's size in pixels, and its type.
    pub width: u32,
    pub height: u32,
    pub mime_type: &'static str,
    /// Days in the window.
    pub days: usize,
    /// Days without a value: drawn as gaps, not zeros.
    pub missing_days: usize,
    /// The plotted values, one per day that has one, ascending.
    pub points: Vec<ChartPoint>,
    pub min: Option<ChartPoint>,
    pub max: Option<ChartPoint>,
    pub latest: Option<ChartPoint>,
    /// Whether the page cap stopped reading before the window's end.
    pub truncated: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ChartPoint {
    /// Local day, `YYYY-MM-DD`.
    pub date: String,
    pub value: f64,
}

pub struct Chart(pub Arc<ToolContext>);

#[async_trait]
impl Tool for Chart {
    type Input = ChartInput;
    type Output = ChartOutput;

    fn name(&self) -> &'static str {
        "withings_chart"
    }
    fn title(&self) -> &'static str {
        "Chart Withings weight, sleep or steps"
    }
    fn description(&self) -> &'static str {
        "Draws one daily metric as a PNG image over a period (default: the last 30 days, at \
         most 366): `weight` (the user's own weigh-ins, kg, the last of each day), `sleep` \
         (total sleep a night, hours, on the wake-up day) or `steps` (a day, as bars). Days \
         without data are gaps, not zeros. Beside the image: a short summary (range, lowest, \
         highest, latest, missing days), and the plotted points in the structured result. \
         Informational only, not medical advice."
    }
    fn annotations(&self) -> ToolAnnotations {
        ToolAnnotations::READ_UPSTREAM
    }

    async fn call(
        &self,
        input: ChartInput,
        _ctx: &dyn CallContext,
    ) -> Result<ToolOutput<ChartOutput>, ToolError> {
        let width = input.width.unwrap_or(DEFAULT_WIDTH).clamp(200, 2000);
        let height = input.height.unwrap_or(DEFAULT_HEIGHT).clamp(150, 1200);
        let shared = ListInput {
            after: input.after.clone(),
            before: input.before.clone(),
            all_pages: true,
            max_pages: Some(PAGE_CAP),
            ..ListInput::default()
        };
        let window = self.0.resolve(&shared, DEFAULT_DAYS).await?;
        if window.days.len() > MAX_DAYS {
            return Err(ToolError::invalid_input(format!(
                "a chart covers at most {MAX_DAYS} days; {} to {} is {} days",
                window.days.first,
                window.days.last,
                window.days.len()
            ))
            .with_next_step(
                "Set `after` and `before` at most a year apart, or draw one chart per year.",
            ));
        }
        let series = match input.metric {
            Metric::Weight => self.weight(&window).await?,
            Metric::Sleep => self.sleep(&window).await?,
            Metric::Steps => self.steps(&window).await?,
        };
        let values: Vec<Option<f64>> = window
            .days
            .days()
            .map(|day| series.values.get(&day).copied())
            .collect();
        let (canvas, _) = DayChart {
            first_day: window.days.first,
            values: &values,
            kind: input.metric.kind(),
            width,
            height,
        }
        .render()
        .and_then(|(canvas, plot)| Ok((canvas.to_png()?, plot)))
        .map_err(|error| ToolError::internal(format!("could not draw the chart: {error}")))?;

        let points: Vec<ChartPoint> = series
            .values
            .iter()
            .map(|(day, value)| ChartPoint {
                date: day.to_string(),
                value: (value * 1000.0).round() / 1000.0,
            })
            .collect();
        let pick = |better: fn(f64, f64) -> bool| {
            points
                .iter()
                .fold(None::<&ChartPoint>, |best, p| match best {
                    Some(b) if !better(p.value, b.value) => Some(b),
                    _ => Some(p),
                })
                .cloned()
        };
        let data = ChartOutput {
            metric: input.metric,
            unit: input.metric.unit(),
            chart: match input.metric.kind() {
                ChartKind::Line => "line",
                ChartKind::Bar => "bar",
            },
            timezone: series.timezone,
            window: Window {
                first: window.days.first.to_string(),
                last: window.days.last.to_string(),
            },
            width,
            height,
            mime_type: "image/png",
            days: values.len(),
            missing_days: values.iter().filter(|v| v.is_none()).count(),
            min: pick(|a, b| a < b),
            max: pick(|a, b| a > b),
            latest: points.last().cloned(),
            points,
            truncated: series.truncated,
        };
        let mut output = ToolOutput::new(data).with_image(Image {
            mime_type: "image/png".into(),
            data: canvas,
        });
        if wants_markdown(input.response_format) {
            let text = markdown(&output.data, input.metric);
            output = output.with_markdown(text);
        }
        Ok(output)
    }
}

/// One value per local day that has one.
struct Series {
    timezone: String,
    values: BTreeMap<Date, f64>,
    truncated: bool,
}

impl Chart {
    async fn weight(&self, window: &Resolved) -> Result<Series, ToolError> {
        let mut daily = daily_measures(&self.0, window, &[MeasureType::Weight]).await?;
        let values = daily
            .values
            .remove(&MeasureType::Weight)
            .unwrap_or_default()
            .into_iter()
            .map(|d| (d.day, d.value))
            .collect();
        Ok(Series {
            timezone: daily.timezone,
            values,
            truncated: daily.truncated,
        })
    }

    /// A day with two sleep records (a nap, two devices) shows the longest.
    async fn sleep(&self, window: &Resolved) -> Result<Series, ToolError> {
        let listing = self.0.fetch(&SLEEP_SUMMARY, window, Vec::new()).await?;
        let mut values = BTreeMap::new();
        for record in listing.records {
            let night: SleepSummary = read(record, "sleep summary")?;
            let (Ok(day), Some(seconds)) =
                (parse_day(&night.date), night.metric("total_sleep_time"))
            else {
                continue;
            };
            keep_largest(&mut values, day, seconds / 3600.0);
        }
        Ok(Series {
            timezone: window.tz_name.clone(),
            values: within(values, window),
            truncated: listing.truncated,
        })
    }

    /// A day reported by two trackers shows the larger count rather than their sum,
    /// which would count the same steps twice.
    async fn steps(&self, window: &Resolved) -> Result<Series, ToolError> {
        let listing = self.0.fetch(&GETACTIVITY, window, Vec::new()).await?;
        let mut values = BTreeMap::new();
        for record in listing.records {
            let day: ActivityDay = read(record, "activity")?;
            let (Ok(date), Some(steps)) = (parse_day(&day.date), day.steps) else {
                continue;
            };
            keep_largest(&mut values, date, steps as f64);
        }
        Ok(Series {
            timezone: window.tz_name.clone(),
            values: within(values, window),
            truncated: listing.truncated,
        })
    }
}

fn read<T: serde::de::DeserializeOwned>(record: Value, what: &str) -> Result<T, ToolError> {
    serde_json::from_value(record).map_err(|error| {
        ToolError::upstream(format!("Withings sent an unreadable {what}: {error}"))
    })
}

fn keep_largest(values: &mut BTreeMap<Date, f64>, day: Date, value: f64) {
    let slot = values.entry(day).or_insert(value);
    *slot = slot.max(value);
}

fn within(values: BTreeMap<Date, f64>, window: &Resolved) -> BTreeMap<Date, f64> {
    values
        .into_iter()
        .filter(|(day, _)| (window.days.first..=window.days.last).contains(day))
        .collect()
}

fn markdown(data: &ChartOutput, metric: Metric) -> String {
    let show = |point: &ChartPoint| {
        format!(
            "{} {} on {}",
            number(point.value, metric.decimals()),
            data.unit,
            point.date
        )
    };
    let mut text = Markdown::new()
        .title(&format!("Withings {} chart", metric.label()))
        .field(
            "Window",
            format!(
                "{} to {} ({})",
                data.window.first, data.window.last, data.timezone
            ),
        )
        .field(
            "Days with data",
            format!(
                "{} of {} ({} missing, drawn as gaps)",
                data.points.len(),
                data.days,
                data.missing_days
            ),
        );
    if data.points.is_empty() {
        text = text.bullet(format!("No {} data in this window.", metric.label()));
    }
    text = text
        .field_opt("Lowest", data.min.as_ref().map(show))
        .field_opt("Highest", data.max.as_ref().map(show))
        .field_opt("Latest", data.latest.as_ref().map(show));
    if data.truncated {
        text = text.bullet("Withings had more data than the page cap allows: the oldest days may be missing; narrow the window.");
    }
    text.line(format!(
        "The {}×{} PNG is attached; the plotted points are in the structured result. \
         Informational only, not medical advice.",
        data.width, data.height
    ))
    .build()
}
