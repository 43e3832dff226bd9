//! `withings_body_trends`: how weight and body composition moved over a window,
//! from the user's own real measures, one value per local day.
//!
//! A scale can weigh someone twice in a morning, or a partner; goals sit in the same
//! list. Trends use only category-1 measures the scale is sure are the user's, and
//! the last of each local day, so that a day weighed twice counts once.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use delx_framework::render::{Markdown, ResponseFormat};
use delx_framework::schemars::{self, JsonSchema};
use delx_framework::{CallContext, Tool, ToolAnnotations, ToolError, ToolOutput, async_trait};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::format::{mean, number, round};
use super::window::{ListInput, Resolved, Window};
use super::{ToolContext, respond};
use crate::api::endpoints::GETMEAS;
use crate::model::{Category, GroupFilter, MeasureGroup, MeasureType, local_time, parse_day};

const DEFAULT_DAYS: u32 = 90;
/// Enough getmeas pages for two years of daily weigh-ins at Withings' page size.
const PAGE_CAP: u32 = 20;
const DEFAULT_TYPES: &[MeasureType] = &[
    MeasureType::Weight,
    MeasureType::FatRatio,
    MeasureType::MuscleMass,
];
/// A slope needs this many days measured, over at least this many days.
const MIN_SLOPE_POINTS: usize = 3;
const MIN_SLOPE_SPAN_DAYS: i64 = 7;
/// A weekly change below this share of the mean reads as stable: 0.1 % a week is
/// 80 g for an 80 kg person, below a scale's day-to-day noise.
const STABLE_SHARE_PER_WEEK: f64 = 0.001;

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BodyTrendsInput {
    /// First local day, `YYYY-MM-DD` (or an ISO 8601 date-time). Default: 89 days
    /// before `before` (90 days in all).
    #[serde(default)]
    pub after: Option<String>,
    /// Last local day, inclusive. Default: today in the user's time zone.
    #[serde(default)]
    pub before: Option<String>,
    /// Measure type keys: `weight`, `fat_ratio`, `muscle_mass`, `fat_mass`,
    /// `fat_free_mass`, `bone_mass`, `hydration`... Default: weight, fat_ratio and
    /// muscle_mass.
    #[serde(default)]
    pub types: Vec<String>,
    /// `markdown` (default) for people, `json` for programs.
    #[serde(default)]
    pub response_format: Option<ResponseFormat>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct BodyTrendsOutput {
    /// The IANA zone local days and times are in.
    pub timezone: String,
    /// The local days looked at, inclusive.
    pub window: Window,
    /// One per requested type, in the order asked.
    pub trends: Vec<TypeTrend>,
    /// Whether the page cap stopped reading before the window's end: the oldest
    /// measures may be missing.
    pub truncated: bool,
    pub next_step: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct TypeTrend {
    /// The measure type key (`weight`).
    #[serde(rename = "type")]
    pub measure_type: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    /// Local days with a measure.
    pub count: usize,
    pub first: Option<DayValue>,
    pub last: Option<DayValue>,
    /// `last - first`.
    pub change: Option<f64>,
    /// The lowest and highest daily value; the earliest day on a tie.
    pub min: Option<DayValue>,
    pub max: Option<DayValue>,
    /// Mean of the daily values in the 7 and 30 days ending on the last measured
    /// day. Null when no day in that span has a measure.
    pub average_7d: Option<f64>,
    pub average_30d: Option<f64>,
    /// Least-squares slope of the daily values, per week. Null with fewer than 3
    /// measured days or when they span less than 7 days.
    pub slope_per_week: Option<f64>,
    /// The trend in one plain sentence.
    pub summary: String,
}

/// One day's value: the last measure of that local day.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct DayValue {
    /// Local day, `YYYY-MM-DD`.
    pub date: String,
    /// When the measure was taken, local RFC 3339 with offset.
    pub time: String,
    pub value: f64,
}

pub struct BodyTrends(pub Arc<ToolContext>);

#[async_trait]
impl Tool for BodyTrends {
    type Input = BodyTrendsInput;
    type Output = BodyTrendsOutput;

    fn name(&self) -> &'static str {
        "withings_body_trends"
    }
    fn title(&self) -> &'static str {
        "Withings body trends"
    }
    fn description(&self) -> &'static str {
        "Summarizes how the user's weight and body composition changed over a period (default: \
         the last 90 days; weight, fat ratio and muscle mass unless `types` names others): per \
         type, days measured, first and last value, change, lowest and highest day, 7- and \
         30-day averages, the slope per week and one plain sentence. Uses only the user's own \
         real measures (not goals, not weigh-ins that may be someone else's), one per local day: \
         that day's last. Informational only, not medical advice."
    }
    fn annotations(&self) -> ToolAnnotations {
        ToolAnnotations::READ_UPSTREAM
    }

    async fn call(
        &self,
        input: BodyTrendsInput,
        _ctx: &dyn CallContext,
    ) -> Result<ToolOutput<BodyTrendsOutput>, ToolError> {
        let types = if input.types.is_empty() {
            DEFAULT_TYPES.to_vec()
        } else {
            parse_types(&input.types)?
        };
        let shared = ListInput {
            after: input.after.clone(),
            before: input.before.clone(),
            all_pages: true,
            max_pages: Some(PAGE_CAP),
            ..ListInput::default()
        };
        let window = self.0.resolve(&shared, DEFAULT_DAYS).await?;
        let daily = daily_measures(&self.0, &window, &types).await?;
        let trends = types
            .iter()
            .map(|kind| {
                let values = daily
                    .values
                    .get(kind)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                trend(*kind, values, &daily.timezone)
            })
            .collect();
        let data = BodyTrendsOutput {
            timezone: daily.timezone,
            window: Window {
                first: window.days.first.to_string(),
                last: window.days.last.to_string(),
            },
            trends,
            truncated: daily.truncated,
            next_step: daily.truncated.then(|| {
                "Withings had more measures than the page cap allows: narrow the window \
                 (set `after` later) for complete figures."
                    .to_owned()
            }),
        };
        Ok(respond(data, input.response_format, markdown))
    }
}

/// Measure type keys to types; refuses classes and per-body-part types, which have
/// no single daily value to trend.
fn parse_types(keys: &[String]) -> Result<Vec<MeasureType>, ToolError> {
    let mut types = Vec::new();
    for key in keys {
        let kind = MeasureType::parse(key).map_err(|error| {
            ToolError::invalid_input(error.to_string()).with_next_step(format!(
                "Use measure type keys such as weight, fat_ratio, muscle_mass, fat_mass, \
                 bone_mass or hydration (all keys: {}).",
                MeasureType::keys().collect::<Vec<_>>().join(", ")
            ))
        })?;
        if kind.is_classification() || kind.is_segmental() {
            return Err(ToolError::invalid_input(format!(
                "`{key}` has no single daily value to trend"
            ))
            .with_next_step(
                "Use withings_list_body_measures for classifications and per-body-part measures.",
            ));
        }
        if !types.contains(&kind) {
            types.push(kind);
        }
    }
    Ok(types)
}

/// The user's own real measures of `types` over the window, one per local day.
pub(super) struct DailyMeasures {
    pub(super) timezone: String,
    /// Per type, ascending by day.
    pub(super) values: HashMap<MeasureType, Vec<Daily>>,
    pub(super) truncated: bool,
}

/// The last measure of one local day.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Daily {
    pub(super) day: Date,
    /// Unix seconds.
    pub(super) at: i64,
    pub(super) value: f64,
}

/// Reads getmeas once (following pages up to the window's page cap) and keeps, per
/// type and local day, the day's last real, unambiguous measure. Measures of one
/// body part (with a `position`) are left out: they are not the whole body's.
pub(super) async fn daily_measures(
    ctx: &ToolContext,
    window: &Resolved,
    types: &[MeasureType],
) -> Result<DailyMeasures, ToolError> {
    let codes: Vec<String> = types.iter().map(|t| t.code().to_string()).collect();
    let extra = vec![("meastypes", codes.join(",")), ("category", "1".to_owned())];
    let listing = ctx.fetch(&GETMEAS, window, extra).await?;
    let timezone = listing
        .extra
        .get("timezone")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| window.tz_name.clone());
    let groups = listing
        .records
        .into_iter()
        .map(serde_json::from_value::<MeasureGroup>)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| {
            ToolError::upstream(format!("getmeas returned an unreadable group: {error}"))
        })?;
    let filter = GroupFilter {
        category: Some(Category::Real),
        include_ambiguous: false,
        types: types.to_vec(),
    };
    let mut latest: HashMap<MeasureType, BTreeMap<Date, Daily>> = HashMap::new();
    for group in filter.apply(crate::model::decode_groups(groups, Some(&timezone))) {
        let zone = group.timezone.as_deref().unwrap_or(&timezone);
        let Some(day) = crate::model::local_day(group.date, zone).and_then(|d| parse_day(&d).ok())
        else {
            continue;
        };
        if !(window.days.first..=window.days.last).contains(&day) {
            continue;
        }
        for measure in group.measures.iter().filter(|m| m.position.is_none()) {
            let days = latest.entry(measure.measure_type).or_default();
            let candidate = Daily {
                day,
                at: group.date,
                value: measure.value,
            };
            match days.get(&day) {
                Some(kept) if kept.at > group.date => {}
                _ => {
                    days.insert(day, candidate);
                }
            }
        }
    }
    Ok(DailyMeasures {
        timezone,
        values: latest
            .into_iter()
            .map(|(kind, days)| (kind, days.into_values().collect()))
            .collect(),
        truncated: listing.truncated,
    })
}

/// The figures of one type from its daily values (ascending by day).
fn trend(kind: MeasureType, values: &[Daily], timezone: &str) -> TypeTrend {
    let label = kind.label();
    let unit = kind.unit();
    let stats = Stats::of(values);
    let day_value = |daily: &Daily| DayValue {
        date: daily.day.to_string(),
        time: local_time(daily.at, timezone).unwrap_or_else(|| daily.at.to_string()),
        value: daily.value,
    };
    let summary = summary_line(label, unit, values, &stats);
    TypeTrend {
        measure_type: kind.key(),
        label,
        unit,
        count: values.len(),
        first: values.first().map(day_value),
        last: values.last().map(day_value),
        change: stats.change.map(|v| round(v, 3)),
        min: stats.min.map(day_value),
        max: stats.max.map(day_value),
        average_7d: stats.average_7d.map(|v| round(v, 3)),
        average_30d: stats.average_30d.map(|v| round(v, 3)),
        slope_per_week: stats.slope_per_week.map(|v| round(v, 3)),
        summary,
    }
}

/// Figures over daily values, before rounding.
#[derive(Debug, Clone, PartialEq)]
struct Stats<'a> {
    change: Option<f64>,
    min: Option<&'a Daily>,
    max: Option<&'a Daily>,
    average_7d: Option<f64>,
    average_30d: Option<f64>,
    slope_per_week: Option<f64>,
    mean: Option<f64>,
}

impl<'a> Stats<'a> {
    fn of(values: &'a [Daily]) -> Self {
        let (first, last) = (values.first(), values.last());
        let mut min: Option<&Daily> = None;
        let mut max: Option<&Daily> = None;
        for daily in values {
            if min.is_none_or(|m| daily.value < m.value) {
                min = Some(daily);
            }
            if max.is_none_or(|m| daily.value > m.value) {
                max = Some(daily);
            }
        }
        let average_over = |days: i64| {
            let last = last?;
            let recent: Vec<f64> = values
                .iter()
                .filter(|d| days_between(d.day, last.day) < days)
                .map(|d| d.value)
                .collect();
            mean(&recent)
        };
        let all: Vec<f64> = values.iter().map(|d| d.value).collect();
        Self {
            change: first.zip(last).map(|(f, l)| l.value - f.value),
            min,
            max,
            average_7d: average_over(7),
            average_30d: average_over(30),
            slope_per_week: slope_per_day(values).map(|slope| slope * 7.0),
            mean: mean(&all),
        }
    }
}

/// Least-squares slope of value against days since the first measure, per day;
/// `None` with too few days, or days too close together, to mean anything.
fn slope_per_day(values: &[Daily]) -> Option<f64> {
    let first = values.first()?.day;
    let last = values.last()?.day;
    if values.len() < MIN_SLOPE_POINTS || days_between(first, last) < MIN_SLOPE_SPAN_DAYS {
        return None;
    }
    let xs: Vec<f64> = values
        .iter()
        .map(|d| days_between(first, d.day) as f64)
        .collect();
    let ys: Vec<f64> = values.iter().map(|d| d.value).collect();
    let (mx, my) = (mean(&xs)?, mean(&ys)?);
    let covariance: f64 = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let variance: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
    (variance > 0.0).then(|| covariance / variance)
}

fn days_between(from: Date, to: Date) -> i64 {
    to.duration_since(from).as_secs().div_euclid(86_400)
}

fn with_unit(value: f64, unit: &str) -> String {
    if unit.is_empty() {
        number(value, 2)
    } else if unit == "%" {
        format!("{}%", number(value, 2))
    } else {
        format!("{} {unit}", number(value, 2))
    }
}

fn summary_line(label: &str, unit: &str, values: &[Daily], stats: &Stats) -> String {
    let (Some(first), Some(last)) = (values.first(), values.last()) else {
        return format!("{label}: no measures in this window.");
    };
    let span = format!(
        "{} on {} to {} on {}",
        with_unit(first.value, unit),
        first.day,
        with_unit(last.value, unit),
        last.day
    );
    let Some(slope) = stats.slope_per_week else {
        return format!(
            "{label}: {} day(s) measured, too few or too close together for a trend; last {} on {}.",
            values.len(),
            with_unit(last.value, unit),
            last.day
        );
    };
    let stable = stats
        .mean
        .is_some_and(|mean| slope.abs() < STABLE_SHARE_PER_WEEK * mean.abs());
    if stable {
        format!("{label} roughly stable: {span}.")
    } else {
        let direction = if slope > 0.0 { "rising" } else { "falling" };
        format!(
            "{label} {direction} about {} a week: {span}.",
            with_unit(slope.abs(), unit)
        )
    }
}

fn markdown(data: &BodyTrendsOutput) -> String {
    let mut text = Markdown::new().title("Withings body trends").field(
        "Window",
        format!(
            "{} to {} ({})",
            data.window.first, data.window.last, data.timezone
        ),
    );
    for trend in &data.trends {
        let mut line = trend.summary.clone();
        let averages: Vec<String> = [("7-day", trend.average_7d), ("30-day", trend.average_30d)]
            .into_iter()
            .filter_map(|(name, value)| {
                Some(format!("{name} average {}", with_unit(value?, trend.unit)))
            })
            .collect();
        if trend.count >= MIN_SLOPE_POINTS && !averages.is_empty() {
            line.push(' ');
            line.push_str(&averages.join(", "));
            line.push('.');
        }
        text = text.bullet(line);
    }
    if let Some(step) = &data.next_step {
        text = text.line(step);
    }
    text.line("Informational only, not medical advice.").build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn daily(day: Date, value: f64) -> Daily {
        Daily { day, at: 0, value }
    }

    #[test]
    fn a_steady_loss_has_its_slope_averages_and_extremes() {
        // 80 kg falling 0.1 kg a day for 21 days, one day skipped.
        let values: Vec<Daily> = (0..21)
            .filter(|n| *n != 10)
            .map(|n| {
                daily(
                    date(2026, 6, 1).checked_add(jiff::ToSpan::days(n)).unwrap(),
                    80.0 - 0.1 * n as f64,
                )
            })
            .collect();
        let trend = trend(MeasureType::Weight, &values, "Europe/Paris");
        assert_eq!(trend.count, 20);
        assert_eq!(trend.first.as_ref().unwrap().value, 80.0);
        assert_eq!(trend.last.as_ref().unwrap().date, "2026-06-21");
        assert_eq!(trend.change, Some(-2.0));
        assert_eq!(trend.slope_per_week, Some(-0.7));
        assert_eq!(trend.min.as_ref().unwrap().date, "2026-06-21");
        assert_eq!(trend.max.as_ref().unwrap().date, "2026-06-01");
        // Days 14..=20 are the last 7: 78.6 down to 78.0.
        assert_eq!(trend.average_7d, Some(78.3));
        assert!(
            trend
                .summary
                .starts_with("Weight falling about 0.7 kg a week"),
            "{}",
            trend.summary
        );
    }

    #[test]
    fn a_30_day_average_uses_only_the_days_in_its_span() {
        let values = vec![
            daily(date(2026, 1, 1), 90.0),
            daily(date(2026, 5, 1), 70.0),
            daily(date(2026, 5, 20), 72.0),
        ];
        let stats = Stats::of(&values);
        assert_eq!(stats.average_30d, Some(71.0));
        assert_eq!(stats.average_7d, Some(72.0));
    }

    #[test]
    fn a_slope_needs_three_days_over_a_week() {
        let close = vec![
            daily(date(2026, 6, 1), 80.0),
            daily(date(2026, 6, 3), 81.0),
            daily(date(2026, 6, 6), 82.0),
        ];
        assert_eq!(slope_per_day(&close), None, "5 days apart");
        assert_eq!(slope_per_day(&close[..2]), None);
        let spread = vec![
            daily(date(2026, 6, 1), 80.0),
            daily(date(2026, 6, 4), 80.0),
            daily(date(2026, 6, 8), 80.0),
        ];
        assert_eq!(slope_per_day(&spread), Some(0.0));
        let trend = trend(MeasureType::Weight, &spread, "UTC");
        assert!(
            trend.summary.contains("roughly stable"),
            "{}",
            trend.summary
        );
    }

    #[test]
    fn no_data_is_null_not_zero() {
        let trend = trend(MeasureType::FatRatio, &[], "UTC");
        assert_eq!(trend.count, 0);
        assert!(trend.first.is_none() && trend.change.is_none() && trend.average_7d.is_none());
        assert!(trend.summary.contains("no measures"));
    }

    #[test]
    fn classes_and_segmental_types_are_refused() {
        assert!(parse_types(&["atrial_fibrillation".into()]).is_err());
        assert!(parse_types(&["segmental_muscle_mass".into()]).is_err());
        assert!(parse_types(&["waist".into()]).is_err());
        assert_eq!(
            parse_types(&["weight".into(), "weight".into(), "fat_ratio".into()]).unwrap(),
            vec![MeasureType::Weight, MeasureType::FatRatio]
        );
    }
}
