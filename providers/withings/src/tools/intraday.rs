//! `withings_get_intraday_activity`: a day or less of the watch's minute data,
//! bucketed per field so that a day fits in a chat.
//!
//! Withings cuts intraday windows at 24 hours without saying so, so longer windows
//! are refused rather than silently shortened; a whole local day of 25 hours (the
//! autumn clock change) is still one day and is fetched in two calls.

use std::collections::BTreeMap;
use std::sync::Arc;

use delx_framework::render::{Markdown, ResponseFormat};
use delx_framework::schemars::{self, JsonSchema};
use delx_framework::time::{DateInput, day_bounds, local_date, zone};
use delx_framework::{CallContext, Tool, ToolAnnotations, ToolError, ToolOutput, async_trait};
use serde::{Deserialize, Serialize};

use super::downsample::{Aggregation, Loss, bucket_count, buckets, empty_runs};
use super::format::{local_minute, number};
use super::{ToolContext, wants_markdown};
use crate::api::dates::split_window;
use crate::api::endpoints::GETINTRADAYACTIVITY;
use crate::model::{IntradayBody, local_time};

const DAY: i64 = 86_400;
/// Bucket widths picked when none is asked for, finest first.
const RESOLUTIONS: [u32; 9] = [5, 10, 15, 20, 30, 60, 120, 180, 240];
/// Points (all series together) one response carries, about the list tools' size
/// budget: a full day of six series fits at 20-minute buckets.
const MAX_POINTS: i64 = 480;
const MAX_RESOLUTION_MINUTES: u32 = 240;
/// Gaps listed per field; a day of sparse steps can have a hundred short ones, and
/// the longest are the ones worth reading.
const MAX_GAPS: usize = 12;

/// A field of `getintradayactivity`, by Withings' name.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum IntradayField {
    Steps,
    Distance,
    Elevation,
    Calories,
    /// Seconds of activity recorded in the minute.
    Duration,
    HeartRate,
    Spo2Auto,
    Stroke,
    PoolLap,
    Rmssd,
    Sdnn1,
}

impl IntradayField {
    const DEFAULT: &[Self] = &[
        Self::Steps,
        Self::Distance,
        Self::Elevation,
        Self::Calories,
        Self::HeartRate,
        Self::Spo2Auto,
    ];

    /// Withings' name, as `data_fields` and the samples use it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Steps => "steps",
            Self::Distance => "distance",
            Self::Elevation => "elevation",
            Self::Calories => "calories",
            Self::Duration => "duration",
            Self::HeartRate => "heart_rate",
            Self::Spo2Auto => "spo2_auto",
            Self::Stroke => "stroke",
            Self::PoolLap => "pool_lap",
            Self::Rmssd => "rmssd",
            Self::Sdnn1 => "sdnn1",
        }
    }

    pub fn unit(self) -> &'static str {
        match self {
            Self::Steps => "steps",
            Self::Distance => "m",
            Self::Elevation => "floors",
            Self::Calories => "kcal",
            Self::Duration => "s",
            Self::HeartRate => "bpm",
            Self::Spo2Auto => "%",
            Self::Stroke => "strokes",
            Self::PoolLap => "laps",
            Self::Rmssd | Self::Sdnn1 => "ms",
        }
    }

    /// Amounts add up over a bucket; rates and levels average.
    pub fn aggregation(self) -> Aggregation {
        match self {
            Self::HeartRate | Self::Spo2Auto | Self::Rmssd | Self::Sdnn1 => Aggregation::Mean,
            _ => Aggregation::Sum,
        }
    }
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IntradayInput {
    /// One whole local day, `YYYY-MM-DD`. Use it instead of `after`/`before`.
    #[serde(default)]
    pub date: Option<String>,
    /// Start: an ISO 8601 date-time (local time when it has no offset) or a local day
    /// (its midnight). Alone, the window is the 24 hours after it.
    #[serde(default)]
    pub after: Option<String>,
    /// End (exclusive): an ISO 8601 date-time, or a local day (through its end).
    /// Alone, the window is the 24 hours before it. With neither `date`, `after`
    /// nor `before`: today, in the user's time zone.
    #[serde(default)]
    pub before: Option<String>,
    /// Which series to return. Default: steps, distance, elevation, calories,
    /// heart_rate and spo2_auto.
    #[serde(default)]
    pub data_fields: Vec<IntradayField>,
    /// Bucket width in minutes (1 to 240). Default, and at least: the finest of 5,
    /// 10, 15, 20, 30, 60... that keeps the response within its size budget.
    #[serde(default)]
    #[schemars(range(min = 1, max = 240))]
    pub resolution_minutes: Option<u32>,
    /// `markdown` (default) for people, `json` for programs.
    #[serde(default)]
    pub response_format: Option<ResponseFormat>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct IntradayOutput {
    /// The IANA zone every time here is in.
    pub timezone: String,
    /// First instant of the window, local RFC 3339 with offset.
    pub start: String,
    /// End of the window (exclusive), local RFC 3339 with offset.
    pub end: String,
    pub resolution_minutes: u32,
    /// The `resolution_minutes` asked for, when it was raised to keep the response
    /// within its size budget; ask for fewer `data_fields` or a shorter window for
    /// finer buckets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coarsened_from: Option<u32>,
    /// Buckets the window holds, with or without data.
    pub buckets: usize,
    /// One per requested field, in the order asked.
    pub series: Vec<FieldSeries>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct FieldSeries {
    pub field: IntradayField,
    pub unit: &'static str,
    /// `sum`: each point is the bucket's total; `mean`: the mean of its samples.
    pub aggregation: Aggregation,
    /// For summed fields: the total over the window. Null when there is no sample.
    pub total: Option<f64>,
    /// For averaged fields: mean, lowest and highest sample over the window.
    pub mean: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Buckets with data, in time order; buckets without data are absent, not 0.
    pub points: Vec<Point>,
    pub loss: Loss,
    /// Buckets with no sample of this field.
    pub empty_buckets: usize,
    /// Runs of empty buckets, the longest first when there are many.
    pub gaps: Vec<Gap>,
    /// Runs of empty buckets not listed in `gaps`.
    pub gaps_not_listed: usize,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Point {
    /// Start of the bucket, local RFC 3339 with offset.
    pub time: String,
    pub value: f64,
    /// Upstream samples in the bucket.
    pub samples: usize,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Gap {
    /// Local RFC 3339 with offset.
    pub start: String,
    /// Exclusive.
    pub end: String,
    pub minutes: i64,
}

pub struct GetIntradayActivity(pub Arc<ToolContext>);

#[async_trait]
impl Tool for GetIntradayActivity {
    type Input = IntradayInput;
    type Output = IntradayOutput;

    fn name(&self) -> &'static str {
        "withings_get_intraday_activity"
    }
    fn title(&self) -> &'static str {
        "Get Withings intraday activity"
    }
    fn description(&self) -> &'static str {
        "Returns the watch's minute-level data for at most 24 hours (or one whole local day with \
         `date`) as series per field: steps, distance (m), elevation (floors), calories (kcal) \
         summed per bucket; heart rate (bpm) and SpO2 (%) averaged per bucket. Buckets are \
         `resolution_minutes` wide (by default the finest that keeps the answer small); a bucket without data is left out, never 0, and \
         gaps are listed. Use it for what happened within a day; for daily totals over longer \
         periods use withings_list_activity. Informational only, not medical advice."
    }
    fn annotations(&self) -> ToolAnnotations {
        ToolAnnotations::READ_UPSTREAM
    }

    async fn call(
        &self,
        input: IntradayInput,
        _ctx: &dyn CallContext,
    ) -> Result<ToolOutput<IntradayOutput>, ToolError> {
        let timezone = self.0.user_timezone().await?;
        let (start, end) = window(&input, &timezone, jiff::Timestamp::now())?;
        let mut fields: Vec<IntradayField> = if input.data_fields.is_empty() {
            IntradayField::DEFAULT.to_vec()
        } else {
            input.data_fields.clone()
        };
        let mut seen = Vec::new();
        fields.retain(|field| {
            let first = !seen.contains(field);
            seen.push(*field);
            first
        });
        let names: Vec<&str> = fields.iter().map(|f| f.name()).collect();
        let asked = input
            .resolution_minutes
            .map(|minutes| minutes.clamp(1, MAX_RESOLUTION_MINUTES));
        let fitting = fitting_resolution(end - start, fields.len());
        let resolution = asked.unwrap_or(fitting).max(fitting);
        let coarsened_from = asked.filter(|asked| *asked < resolution);

        // Samples by timestamp; the pieces do not overlap, but a map also orders them.
        let mut samples: BTreeMap<i64, crate::model::DataFields> = BTreeMap::new();
        let max = GETINTRADAYACTIVITY.max_window_secs.unwrap_or(DAY);
        for (from, to) in split_window(start, end, max) {
            let params = [
                ("startdate", from.to_string()),
                // Withings' end bound is inclusive.
                ("enddate", (to - 1).to_string()),
                ("data_fields", names.join(",")),
            ];
            let body = self.0.client.call(&GETINTRADAYACTIVITY, &params).await?;
            let body: IntradayBody = serde_json::from_value(body).map_err(|error| {
                ToolError::upstream(format!(
                    "getintradayactivity returned unreadable samples: {error}"
                ))
            })?;
            for sample in body.series.0 {
                if (from..to).contains(&sample.timestamp) {
                    samples.insert(sample.timestamp, sample.fields);
                }
            }
        }

        let width = i64::from(resolution) * 60;
        let total = bucket_count(start, end, width);
        let series = fields
            .iter()
            .map(|field| {
                let values: Vec<(i64, f64)> = samples
                    .iter()
                    .filter_map(|(at, data)| Some((*at, data.number(field.name())?)))
                    .collect();
                field_series(*field, &values, start, end, width, total, &timezone)
            })
            .collect();
        let data = IntradayOutput {
            start: local_or_unix(start, &timezone),
            end: local_or_unix(end, &timezone),
            timezone,
            resolution_minutes: resolution,
            coarsened_from,
            buckets: total,
            series,
        };
        let mut output = ToolOutput::new(data);
        if wants_markdown(input.response_format) {
            let text = markdown(&output.data, start, end);
            output = output.with_markdown(text);
        }
        Ok(output)
    }
}

/// The finest bucket width whose buckets, across `fields` series, stay within
/// `MAX_POINTS` over `seconds`.
fn fitting_resolution(seconds: i64, fields: usize) -> u32 {
    let fields = fields.max(1) as i64;
    RESOLUTIONS
        .into_iter()
        .find(|minutes| {
            let width = i64::from(*minutes) * 60;
            (seconds + width - 1) / width * fields <= MAX_POINTS
        })
        .unwrap_or(MAX_RESOLUTION_MINUTES)
}

/// The window `[start, end)` in unix seconds, at most 24 hours or one local day.
fn window(
    input: &IntradayInput,
    timezone: &str,
    now: jiff::Timestamp,
) -> Result<(i64, i64), ToolError> {
    let bad = |error: delx_framework::time::TimeError| ToolError::invalid_input(error.to_string());
    let tz = zone(timezone).map_err(bad)?;
    let parse = |text: &Option<String>| {
        text.as_deref()
            .map(|text| DateInput::parse(text, &tz).map_err(bad))
            .transpose()
    };
    let whole_day = |day| day_bounds(day, &tz).map_err(bad);
    let (after, before) = (parse(&input.after)?, parse(&input.before)?);
    let (start, end) = match (&input.date, after, before) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            return Err(ToolError::invalid_input(
                "give either `date` or `after`/`before`, not both",
            ));
        }
        (Some(date), None, None) => match DateInput::parse(date, &tz).map_err(bad)? {
            DateInput::Day(day) => whole_day(day)?,
            DateInput::Instant(_) => {
                return Err(ToolError::invalid_input(
                    "`date` is a local day, YYYY-MM-DD; use `after`/`before` for times",
                ));
            }
        },
        (None, None, None) => whole_day(local_date(now, &tz))?,
        (None, Some(DateInput::Day(day)), None) | (None, None, Some(DateInput::Day(day))) => {
            whole_day(day)?
        }
        (None, Some(DateInput::Instant(at)), None) => (at.as_second(), at.as_second() + DAY),
        (None, None, Some(DateInput::Instant(at))) => (at.as_second() - DAY, at.as_second()),
        (None, Some(after), Some(before)) => {
            let start = match after {
                DateInput::Day(day) => whole_day(day)?.0,
                DateInput::Instant(at) => at.as_second(),
            };
            let end = match before {
                DateInput::Day(day) => whole_day(day)?.1,
                DateInput::Instant(at) => at.as_second(),
            };
            (start, end)
        }
    };
    if end <= start {
        return Err(ToolError::invalid_input(
            "the window is empty: `after` must be earlier than `before`",
        ));
    }
    let one_local_day = {
        let day = local_date(
            jiff::Timestamp::from_second(start)
                .map_err(|_| ToolError::invalid_input("the window's start is out of range"))?,
            &tz,
        );
        whole_day(day)? == (start, end)
    };
    if end - start > DAY && !one_local_day {
        let hours = (end - start) as f64 / 3600.0;
        return Err(ToolError::invalid_input(format!(
            "intraday data covers at most 24 hours per call; this window is {} hours",
            number(hours, 1)
        ))
        .with_next_step(
            "Ask for one local day with `date` (YYYY-MM-DD), or `after`/`before` at most 24 hours \
             apart, and call again per day; for daily totals over longer periods use \
             withings_list_activity.",
        ));
    }
    Ok((start, end))
}

fn field_series(
    field: IntradayField,
    values: &[(i64, f64)],
    start: i64,
    end: i64,
    width: i64,
    total: usize,
    timezone: &str,
) -> FieldSeries {
    let aggregation = field.aggregation();
    let filled = buckets(values, start, end, width, aggregation);
    let at = |index: usize| start + index as i64 * width;
    let points = filled
        .iter()
        .map(|bucket| Point {
            time: local_or_unix(at(bucket.index), timezone),
            value: round3(bucket.value),
            samples: bucket.samples,
        })
        .collect();
    let mut runs = empty_runs(&filled, total);
    let empty_buckets = runs.iter().map(|(first, last)| last - first + 1).sum();
    let gaps_not_listed = runs.len().saturating_sub(MAX_GAPS);
    if gaps_not_listed > 0 {
        runs.sort_by_key(|(first, last)| std::cmp::Reverse(last - first));
        runs.truncate(MAX_GAPS);
        runs.sort();
    }
    let gaps = runs
        .into_iter()
        .map(|(first, last)| {
            let (from, to) = (at(first), at(last + 1).min(end));
            Gap {
                start: local_or_unix(from, timezone),
                end: local_or_unix(to, timezone),
                minutes: (to - from) / 60,
            }
        })
        .collect();
    let raw = values.iter().map(|(_, v)| *v);
    let count = values.len();
    let (total_value, mean, min, max) = match (aggregation, count) {
        (_, 0) => (None, None, None, None),
        (Aggregation::Sum, _) => (Some(round3(raw.sum())), None, None, None),
        (Aggregation::Mean, _) => (
            None,
            Some(round3(raw.clone().sum::<f64>() / count as f64)),
            raw.clone().reduce(f64::min),
            raw.reduce(f64::max),
        ),
    };
    FieldSeries {
        field,
        unit: field.unit(),
        aggregation,
        total: total_value,
        mean,
        min,
        max,
        loss: Loss::new(count, filled.len(), aggregation.method()),
        points,
        empty_buckets,
        gaps,
        gaps_not_listed,
    }
}

fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

fn local_or_unix(at: i64, timezone: &str) -> String {
    local_time(at, timezone).unwrap_or_else(|| at.to_string())
}

fn markdown(data: &IntradayOutput, start: i64, end: i64) -> String {
    let mut text = Markdown::new()
        .title("Withings intraday activity")
        .field(
            "Window",
            format!(
                "{} to {} ({})",
                local_minute(start, &data.timezone),
                local_minute(end, &data.timezone),
                data.timezone
            ),
        )
        .field(
            "Buckets",
            format!("{} of {} min", data.buckets, data.resolution_minutes),
        );
    for series in &data.series {
        let name = series.field.name().replace('_', " ");
        let with_data = series.points.len();
        let line = match (series.total, series.mean) {
            _ if with_data == 0 => format!("{name}: no data"),
            (Some(total), _) => format!(
                "{name}: {} {} in total, in {with_data} buckets (sum per bucket)",
                number(total, 1),
                series.unit
            ),
            (_, Some(mean)) => format!(
                "{name}: mean {} {} ({} to {}), in {with_data} buckets (mean per bucket)",
                number(mean, 1),
                series.unit,
                number(series.min.unwrap_or(mean), 1),
                number(series.max.unwrap_or(mean), 1)
            ),
            _ => format!("{name}: no data"),
        };
        text = text.bullet(line);
    }
    text.line(
        "The series are in the structured result; buckets without data are left out, not zero. \
         Informational only, not medical advice.",
    )
    .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> jiff::Timestamp {
        text.parse().unwrap()
    }

    fn input(date: Option<&str>, after: Option<&str>, before: Option<&str>) -> IntradayInput {
        IntradayInput {
            date: date.map(str::to_owned),
            after: after.map(str::to_owned),
            before: before.map(str::to_owned),
            ..IntradayInput::default()
        }
    }

    #[test]
    fn a_window_over_24_hours_is_refused_with_a_next_step() {
        let error = window(
            &input(
                None,
                Some("2026-06-01T08:00:00"),
                Some("2026-06-02T09:00:00"),
            ),
            "Europe/Paris",
            at("2026-06-30T12:00:00Z"),
        )
        .unwrap_err();
        assert!(error.message.contains("25 hours"), "{}", error.message);
        assert!(error.next_step.contains("`date`"), "{}", error.next_step);
    }

    #[test]
    fn a_25_hour_local_day_is_one_day() {
        let (start, end) = window(
            &input(Some("2026-10-25"), None, None),
            "Europe/Paris",
            at("2026-10-30T12:00:00Z"),
        )
        .unwrap();
        assert_eq!(end - start, 25 * 3600);
        assert_eq!(start, at("2026-10-24T22:00:00Z").as_second());
    }

    #[test]
    fn one_bound_alone_gives_24_hours_and_no_bound_today() {
        let paris = "Europe/Paris";
        let now = at("2026-06-30T10:00:00Z");
        let (start, end) =
            window(&input(None, Some("2026-06-01T08:00:00"), None), paris, now).unwrap();
        assert_eq!(
            (start, end - start),
            (at("2026-06-01T06:00:00Z").as_second(), DAY)
        );
        let (start, end) = window(&input(None, None, None), paris, now).unwrap();
        assert_eq!(start, at("2026-06-29T22:00:00Z").as_second());
        assert_eq!(end - start, DAY);
        assert!(
            window(
                &input(Some("2026-06-01"), Some("2026-06-01"), None),
                paris,
                now
            )
            .is_err()
        );
    }

    #[test]
    fn a_series_sums_counts_and_reports_gaps_with_exact_loss() {
        let start = 1_000_000;
        let values = [(start, 10.0), (start + 60, 20.0), (start + 1200, 7.0)];
        let series = field_series(
            IntradayField::Steps,
            &values,
            start,
            start + 3600,
            300,
            12,
            "UTC",
        );
        assert_eq!(series.total, Some(37.0));
        let points: Vec<(f64, usize)> =
            series.points.iter().map(|p| (p.value, p.samples)).collect();
        assert_eq!(points, vec![(30.0, 2), (7.0, 1)]);
        assert_eq!(series.loss, Loss::new(3, 2, "sum_per_bucket"));
        assert_eq!(series.loss.factor, 1.5);
        assert_eq!(series.empty_buckets, 10);
        let gaps: Vec<i64> = series.gaps.iter().map(|g| g.minutes).collect();
        assert_eq!(gaps, vec![15, 35]);
        let rate = field_series(
            IntradayField::HeartRate,
            &values,
            start,
            start + 3600,
            300,
            12,
            "UTC",
        );
        assert_eq!(
            (rate.total, rate.mean, rate.min, rate.max),
            (None, Some(12.333), Some(7.0), Some(20.0))
        );
        assert_eq!(rate.points[0].value, 15.0);
    }
}
