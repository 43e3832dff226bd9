//! Resources over the user's data: the latest day of activity and sleep, the
//! summaries, and one day of measures or sleep by URI. Each reads through the tool
//! that answers the same question, so a resource and its tool never disagree.

use std::sync::Arc;

use delx_framework::render::ResponseFormat;
use delx_framework::time::{local_date, zone};
use delx_framework::{
    NullContext, Resource, ResourceContent, ResourceSpec, ResourceSpecUri, Tool, ToolError,
    UriTemplate, UriVars, async_trait,
};
use jiff::ToSpan;
use serde::Serialize;

use crate::tools::{
    ACTIVITY, BodyMeasuresInput, DailyInput, DailySummaryTool, ListBodyMeasures, ListInput,
    ListTool, SLEEP, SLEEP_SUMMARY, ToolContext, WeeklyInput, WeeklySummaryTool,
};

const JSON: &str = "application/json";
const MARKDOWN: &str = "text/markdown";

/// What a resource reads, and how.
#[derive(Clone, Copy)]
enum Kind {
    LatestActivity,
    LatestSleep,
    DailySummary,
    WeeklySummary,
    DailySummaryOn,
    MeasuresOn,
    SleepOn,
}

pub struct DataResource {
    ctx: Arc<ToolContext>,
    kind: Kind,
}

pub fn all(ctx: &Arc<ToolContext>) -> Vec<Arc<dyn Resource>> {
    [
        Kind::LatestActivity,
        Kind::LatestSleep,
        Kind::DailySummary,
        Kind::WeeklySummary,
        Kind::DailySummaryOn,
        Kind::MeasuresOn,
        Kind::SleepOn,
    ]
    .into_iter()
    .map(|kind| {
        Arc::new(DataResource {
            ctx: ctx.clone(),
            kind,
        }) as Arc<dyn Resource>
    })
    .collect()
}

fn template(source: &str) -> ResourceSpecUri {
    match UriTemplate::parse(source) {
        Ok(template) => ResourceSpecUri::Template(template),
        // The sources below are fixed and valid; a static URI is a safe fallback.
        Err(_) => ResourceSpecUri::Static(source.to_owned()),
    }
}

fn json_text(value: &impl Serialize) -> Result<ResourceContent, ToolError> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|error| ToolError::internal(format!("cannot encode the resource: {error}")))?;
    Ok(ResourceContent::Text {
        mime_type: JSON.to_owned(),
        text,
    })
}

fn markdown(text: Option<String>) -> ResourceContent {
    ResourceContent::Text {
        mime_type: MARKDOWN.to_owned(),
        text: text.unwrap_or_default(),
    }
}

fn json_list() -> ListInput {
    ListInput {
        response_format: Some(ResponseFormat::Json),
        ..ListInput::default()
    }
}

/// `date` from the URI, checked before any request is made.
fn date_var(vars: &UriVars) -> Result<String, ToolError> {
    let date = vars.get("date").cloned().unwrap_or_default();
    date.parse::<jiff::civil::Date>()
        .map_err(|_| ToolError::invalid_input(format!("{date:?} is not a day; use YYYY-MM-DD")))?;
    Ok(date)
}

#[async_trait]
impl Resource for DataResource {
    fn spec(&self) -> ResourceSpec {
        let (uri, name, title, description, mime_type) = match self.kind {
            Kind::LatestActivity => (
                ResourceSpecUri::Static("withings://latest/activity".into()),
                "withings_latest_activity",
                "Latest Withings activity day",
                "The most recent day of activity totals (steps, distance, calories, active time) \
                 within the last 30 days, in the configured privacy mode.",
                JSON,
            ),
            Kind::LatestSleep => (
                ResourceSpecUri::Static("withings://latest/sleep".into()),
                "withings_latest_sleep",
                "Latest Withings night",
                "The most recent night's sleep summary within the last 30 days, in the \
                 configured privacy mode.",
                JSON,
            ),
            Kind::DailySummary => (
                ResourceSpecUri::Static("withings://summary/daily".into()),
                "withings_daily_summary",
                "Withings summary of today",
                "Today so far against the previous 7 days, as withings_daily_summary gives it.",
                MARKDOWN,
            ),
            Kind::WeeklySummary => (
                ResourceSpecUri::Static("withings://summary/weekly".into()),
                "withings_weekly_summary",
                "Withings review of the last week",
                "The last 7 complete days against the 7 before, as withings_weekly_summary \
                 gives it.",
                MARKDOWN,
            ),
            Kind::DailySummaryOn => (
                template("withings://summary/daily/{date}"),
                "withings_daily_summary_on",
                "Withings summary of a day",
                "One local day (YYYY-MM-DD) against the 7 days before it.",
                MARKDOWN,
            ),
            Kind::MeasuresOn => (
                template("withings://measures/{date}"),
                "withings_measures_on",
                "Withings body measures of a day",
                "The user's own body measures taken on one local day (YYYY-MM-DD).",
                JSON,
            ),
            Kind::SleepOn => (
                template("withings://sleep/{date}"),
                "withings_sleep_on",
                "Withings night ending on a day",
                "The sleep summary and stages of the night that ended on a local day \
                 (YYYY-MM-DD).",
                JSON,
            ),
        };
        ResourceSpec {
            uri,
            name,
            title,
            description,
            mime_type,
            follows_data: true,
        }
    }

    async fn read(&self, _uri: &str, vars: &UriVars) -> Result<ResourceContent, ToolError> {
        let ctx = &NullContext::default();
        let tools = &self.ctx;
        match self.kind {
            Kind::LatestActivity | Kind::LatestSleep => {
                let spec = match self.kind {
                    Kind::LatestActivity => &ACTIVITY,
                    _ => &SLEEP_SUMMARY,
                };
                let list = ListTool {
                    ctx: tools.clone(),
                    spec,
                };
                let mut output = list.call(json_list(), ctx).await?.data;
                // Lists are newest first: the latest is the first record.
                output.records.truncate(1);
                output.count = output.records.len();
                json_text(&output)
            }
            Kind::DailySummary | Kind::DailySummaryOn => {
                let date = match self.kind {
                    Kind::DailySummaryOn => Some(date_var(vars)?),
                    _ => None,
                };
                let input = DailyInput {
                    date,
                    ..DailyInput::default()
                };
                let output = DailySummaryTool(tools.clone()).call(input, ctx).await?;
                Ok(markdown(output.markdown))
            }
            Kind::WeeklySummary => {
                let output = WeeklySummaryTool(tools.clone())
                    .call(WeeklyInput::default(), ctx)
                    .await?;
                Ok(markdown(output.markdown))
            }
            Kind::MeasuresOn => {
                let date = date_var(vars)?;
                let input = BodyMeasuresInput {
                    after: Some(date.clone()),
                    before: Some(date),
                    limit: Some(200),
                    response_format: Some(ResponseFormat::Json),
                    ..BodyMeasuresInput::default()
                };
                json_text(&ListBodyMeasures(tools.clone()).call(input, ctx).await?.data)
            }
            Kind::SleepOn => {
                let date = date_var(vars)?;
                let night = ListInput {
                    after: Some(date.clone()),
                    before: Some(date.clone()),
                    ..json_list()
                };
                let summary = ListTool {
                    ctx: tools.clone(),
                    spec: &SLEEP_SUMMARY,
                }
                .call(night, ctx)
                .await?
                .data;
                // The night began the evening before the day it ended.
                let evening = date
                    .parse::<jiff::civil::Date>()
                    .ok()
                    .and_then(|day| day.checked_sub(1.day()).ok())
                    .map(|day| day.to_string());
                let stages = ListInput {
                    after: evening,
                    before: Some(date.clone()),
                    limit: Some(200),
                    ..json_list()
                };
                let segments = ListTool {
                    ctx: tools.clone(),
                    spec: &SLEEP,
                }
                .call(stages, ctx)
                .await?
                .data;
                json_text(&serde_json::json!({
                    "date": date,
                    "summary": summary,
                    "stages": segments,
                }))
            }
        }
    }

    async fn complete(&self, variable: &str, _context: &UriVars) -> Vec<String> {
        if variable != "date" {
            return Vec::new();
        }
        // Completion must be instant: the zone already known, else UTC.
        let name = self
            .ctx
            .known_timezone()
            .unwrap_or_else(|| "UTC".to_owned());
        let Ok(tz) = zone(&name) else {
            return Vec::new();
        };
        let today = local_date(jiff::Timestamp::now(), &tz);
        (0..14)
            .filter_map(|back| today.checked_sub(back.days()).ok())
            .map(|day| day.to_string())
            .collect()
    }
}
