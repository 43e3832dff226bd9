//! Listing tools: records of one Withings endpoint over a window of local days,
//! in the privacy mode asked for, with one envelope for every endpoint.

use std::collections::HashMap;
use std::sync::Arc;

use delx_framework::privacy::PrivacyMode;
use delx_framework::render::{Markdown, ResponseFormat};
use delx_framework::schemars::{self, JsonSchema};
use delx_framework::time::{DateInput, DayRange, day_bounds, local_date, zone};
use delx_framework::{CallContext, Tool, ToolAnnotations, ToolError, ToolOutput, async_trait};
use jiff::ToSpan;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::{ToolContext, wants_markdown};
use crate::api::endpoints::{DateStyle, Endpoint, GETDEVICE, GETMEAS};
use crate::api::{ApiError, Listing};
use crate::model::{Category, DecodedGroup, GroupFilter, MeasureGroup, MeasureType};

const DEFAULT_LIMIT: u32 = 30;
const MAX_LIMIT: u32 = 200;
const DEFAULT_MAX_PAGES: u32 = 5;
const MAX_PAGES: u32 = 20;
const DEFAULT_DAYS: u32 = 30;

/// The envelope every list tool returns.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ListOutput {
    /// The Withings endpoint the records come from.
    pub endpoint: String,
    pub privacy_mode: PrivacyMode,
    /// The IANA zone local dates and times are in.
    pub timezone: String,
    /// The local days asked for, inclusive.
    pub window: Window,
    /// How many records are returned.
    pub count: usize,
    /// The records, newest first. Their shape depends on `privacy_mode`: `summary`
    /// has decoded values only, `structured` adds every upstream field, `raw` is the
    /// upstream record as Withings sent it (secrets still redacted).
    pub records: Vec<Value>,
    /// Whether the returned records are not all the window holds (cut by `limit` or
    /// by the page cap).
    pub truncated: bool,
    /// Whether more records exist in the window than were returned.
    pub has_more: bool,
    /// How to get the rest, when there is more.
    pub next_step: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Window {
    /// First local day, `YYYY-MM-DD`.
    pub first: String,
    /// Last local day, `YYYY-MM-DD`.
    pub last: String,
}

/// The arguments every list tool shares.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListInput {
    /// Start of the window: a local day `YYYY-MM-DD` or an ISO 8601 date-time.
    /// Default: 29 days before `before` (30 days in all; 7 for detailed sleep).
    #[serde(default)]
    pub after: Option<String>,
    /// End of the window (inclusive): a local day `YYYY-MM-DD` or an ISO 8601
    /// date-time. Default: today in the user's time zone.
    #[serde(default)]
    pub before: Option<String>,
    /// How many records to return, newest first (1 to 200, default 30).
    #[serde(default)]
    #[schemars(range(min = 1, max = 200))]
    pub limit: Option<u32>,
    /// Follow Withings' pagination for up to `max_pages` pages (default false: one page).
    #[serde(default)]
    pub all_pages: bool,
    /// Page cap when `all_pages` is true (1 to 20, default 5).
    #[serde(default)]
    #[schemars(range(min = 1, max = 20))]
    pub max_pages: Option<u32>,
    /// `summary` (decoded values), `structured` (plus upstream fields) or `raw`
    /// (upstream records). Default: the configured mode.
    #[serde(default)]
    pub privacy_mode: Option<PrivacyMode>,
    /// `markdown` (default) for people, `json` for programs.
    #[serde(default)]
    pub response_format: Option<ResponseFormat>,
}

/// `withings_list_body_measures` takes the shared arguments plus filters. The shared
/// fields are repeated rather than flattened in: serde cannot combine `flatten` with
/// `deny_unknown_fields`, and refusing unknown arguments matters more.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BodyMeasuresInput {
    /// Start of the window: a local day `YYYY-MM-DD` or an ISO 8601 date-time.
    /// Default: 29 days before `before` (30 days in all).
    #[serde(default)]
    pub after: Option<String>,
    /// End of the window (inclusive): a local day `YYYY-MM-DD` or an ISO 8601
    /// date-time. Default: today in the user's time zone.
    #[serde(default)]
    pub before: Option<String>,
    /// How many measure groups to return, newest first (1 to 200, default 30).
    #[serde(default)]
    #[schemars(range(min = 1, max = 200))]
    pub limit: Option<u32>,
    /// Follow Withings' pagination for up to `max_pages` pages (default false: one page).
    #[serde(default)]
    pub all_pages: bool,
    /// Page cap when `all_pages` is true (1 to 20, default 5).
    #[serde(default)]
    #[schemars(range(min = 1, max = 20))]
    pub max_pages: Option<u32>,
    /// `summary` (decoded values), `structured` (plus upstream fields) or `raw`
    /// (upstream records). Default: the configured mode.
    #[serde(default)]
    pub privacy_mode: Option<PrivacyMode>,
    /// `markdown` (default) for people, `json` for programs.
    #[serde(default)]
    pub response_format: Option<ResponseFormat>,
    /// Only these measure types, by key: `weight`, `fat_ratio`, `fat_mass`,
    /// `systolic_bp`, `heart_pulse`... Default: every type.
    #[serde(default)]
    pub types: Vec<String>,
    /// Also return the user's objectives (category 2), default false.
    #[serde(default)]
    pub include_goals: bool,
    /// Also return groups that may be another person's or inaccurate (attrib 1, 4
    /// or unknown), default false.
    #[serde(default)]
    pub include_ambiguous: bool,
}

impl BodyMeasuresInput {
    fn shared(&self) -> ListInput {
        ListInput {
            after: self.after.clone(),
            before: self.before.clone(),
            limit: self.limit,
            all_pages: self.all_pages,
            max_pages: self.max_pages,
            privacy_mode: self.privacy_mode,
            response_format: self.response_format,
        }
    }
}

/// A resolved window: the local days, and the instants bounding it.
struct Resolved {
    tz_name: String,
    days: DayRange,
    /// Unix seconds, inclusive.
    start: i64,
    end: i64,
    limit: usize,
    max_pages: u32,
    mode: PrivacyMode,
}

fn time_error(error: impl std::fmt::Display) -> ToolError {
    ToolError::invalid_input(error.to_string())
}

impl ToolContext {
    /// The user's time zone: the first device's, else UTC. Asked once per process.
    async fn user_timezone(&self) -> Result<String, ToolError> {
        let zone_name = self
            .user_tz
            .get_or_try_init(|| async {
                let body = self.client.call(&GETDEVICE, &[]).await?;
                let name = body
                    .get("devices")
                    .and_then(Value::as_array)
                    .and_then(|devices| devices.first())
                    .and_then(|device| device.get("timezone"))
                    .and_then(Value::as_str)
                    .filter(|name| zone(name).is_ok())
                    .unwrap_or("UTC")
                    .to_owned();
                Ok::<String, ApiError>(name)
            })
            .await
            .map_err(ToolError::from)?;
        Ok(zone_name.clone())
    }

    async fn resolve(&self, input: &ListInput, default_days: u32) -> Result<Resolved, ToolError> {
        let tz_name = self.user_timezone().await?;
        let tz = zone(&tz_name).map_err(time_error)?;
        let parse = |text: &Option<String>| -> Result<Option<DateInput>, ToolError> {
            text.as_deref()
                .map(|text| DateInput::parse(text, &tz).map_err(time_error))
                .transpose()
        };
        let after = parse(&input.after)?;
        let before = parse(&input.before)?;
        let last = match before {
            Some(bound) => bound.date(&tz),
            None => local_date(jiff::Timestamp::now(), &tz),
        };
        let first = match after {
            Some(bound) => bound.date(&tz),
            None => last
                .checked_sub(i64::from(default_days.max(1) - 1).days())
                .map_err(time_error)?,
        };
        let days = DayRange::new(first, last).map_err(time_error)?;
        let start = match after {
            Some(DateInput::Instant(at)) => at.as_second(),
            _ => day_bounds(first, &tz).map_err(time_error)?.0,
        };
        let end = match before {
            Some(DateInput::Instant(at)) => at.as_second(),
            _ => day_bounds(last, &tz).map_err(time_error)?.1 - 1,
        };
        if start > end {
            return Err(ToolError::invalid_input("`after` is later than `before`"));
        }
        let limit = input.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT) as usize;
        let max_pages = if input.all_pages {
            input
                .max_pages
                .unwrap_or(DEFAULT_MAX_PAGES)
                .clamp(1, MAX_PAGES)
        } else {
            1
        };
        Ok(Resolved {
            tz_name,
            days,
            start,
            end,
            limit,
            max_pages,
            mode: PrivacyMode::resolve(input.privacy_mode, self.settings.privacy_mode),
        })
    }

    /// Lists `endpoint` over the window, with `extra` parameters.
    async fn fetch(
        &self,
        endpoint: &Endpoint,
        window: &Resolved,
        extra: Vec<(&'static str, String)>,
    ) -> Result<Listing, ToolError> {
        let mut params: Vec<(&str, String)> = Vec::new();
        match endpoint.dates {
            DateStyle::Unix => {
                params.push(("startdate", window.start.to_string()));
                params.push(("enddate", window.end.to_string()));
            }
            DateStyle::Ymd => {
                params.push(("startdateymd", window.days.first.to_string()));
                params.push(("enddateymd", window.days.last.to_string()));
            }
            DateStyle::None => {}
        }
        if let Some(fields) = endpoint.default_data_fields {
            params.push(("data_fields", fields.to_owned()));
        }
        params.extend(extra);
        self.client
            .list(endpoint, &params, window.max_pages)
            .await
            .map_err(ToolError::from)
    }
}

/// Builds the envelope: keeps the newest `limit` records (given newest first).
fn envelope(
    endpoint: &Endpoint,
    window: &Resolved,
    timezone: String,
    mut records: Vec<Value>,
    upstream_truncated: bool,
) -> ListOutput {
    let cut = records.len() > window.limit;
    records.truncate(window.limit);
    let has_more = cut || upstream_truncated;
    let next_step = has_more.then(|| {
        let mut steps = Vec::new();
        if cut && window.limit < MAX_LIMIT as usize {
            steps.push(format!("raise `limit` (up to {MAX_LIMIT})"));
        }
        if upstream_truncated {
            steps.push(format!(
                "set `all_pages` true and raise `max_pages` (up to {MAX_PAGES})"
            ));
        }
        steps.push(
            "or narrow the window: set `before` to the day of the oldest record returned".into(),
        );
        format!("More records exist in this window: {}.", steps.join(", "))
    });
    ListOutput {
        endpoint: endpoint.name.to_owned(),
        privacy_mode: window.mode,
        timezone,
        window: Window {
            first: window.days.first.to_string(),
            last: window.days.last.to_string(),
        },
        count: records.len(),
        records,
        truncated: has_more,
        has_more,
        next_step,
    }
}

fn markdown(title: &str, output: &ListOutput, lines: Vec<String>) -> String {
    let mut text = Markdown::new()
        .title(title)
        .field(
            "Window",
            format!(
                "{} to {} ({})",
                output.window.first, output.window.last, output.timezone
            ),
        )
        .field("Records", output.count);
    if lines.is_empty() {
        text = text.line("No records in this window.");
    }
    for line in lines {
        text = text.bullet(line);
    }
    if let Some(step) = &output.next_step {
        text = text.line(step);
    }
    text.build()
}

/// `value` with at most `decimals` decimals and no trailing zeros.
fn number(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

pub struct ListBodyMeasures(pub Arc<ToolContext>);

#[async_trait]
impl Tool for ListBodyMeasures {
    type Input = BodyMeasuresInput;
    type Output = ListOutput;

    fn name(&self) -> &'static str {
        "withings_list_body_measures"
    }
    fn title(&self) -> &'static str {
        "List Withings body measures"
    }
    fn description(&self) -> &'static str {
        "Lists the user's body measurements (weight, body composition, blood pressure, heart \
         pulse, temperature, SpO2...) taken by Withings devices or entered by hand, newest first, \
         in real units (kg, %, mmHg, bpm, °C). Use it to answer questions about specific readings \
         or trends over a period. `after`/`before` are local days in the user's time zone \
         (default: the last 30 days). Objectives and measures that may belong to someone else are \
         left out unless asked for. Informational only, not medical advice."
    }
    fn annotations(&self) -> ToolAnnotations {
        ToolAnnotations::READ_UPSTREAM
    }

    async fn call(
        &self,
        input: BodyMeasuresInput,
        _ctx: &dyn CallContext,
    ) -> Result<ToolOutput<ListOutput>, ToolError> {
        let types = input
            .types
            .iter()
            .map(|key| {
                MeasureType::parse(key).map_err(|error| ToolError::invalid_input(error.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let window = self.0.resolve(&input.shared(), DEFAULT_DAYS).await?;
        let mut extra = Vec::new();
        if !types.is_empty() {
            let codes: Vec<String> = types.iter().map(|t| t.code().to_string()).collect();
            extra.push(("meastypes", codes.join(",")));
        }
        if !input.include_goals {
            extra.push(("category", "1".to_owned()));
        }
        let listing = self.0.fetch(&GETMEAS, &window, extra).await?;
        let timezone = listing
            .extra
            .get("timezone")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| window.tz_name.clone());
        let mut upstream: HashMap<(i64, Option<i64>), Value> = HashMap::new();
        let mut groups = Vec::new();
        for record in &listing.records {
            let group: MeasureGroup = serde_json::from_value(record.clone()).map_err(|error| {
                ToolError::upstream(format!("getmeas returned an unreadable group: {error}"))
            })?;
            upstream.insert((group.grpid, group.modified), record.clone());
            groups.push(group);
        }
        let filter = GroupFilter {
            category: (!input.include_goals).then_some(Category::Real),
            include_ambiguous: input.include_ambiguous,
            types: types.clone(),
        };
        let mut decoded = filter.apply(crate::model::decode_groups(groups, Some(&timezone)));
        decoded.reverse();
        let lines: Vec<String> = decoded
            .iter()
            .take(window.limit)
            .map(|group| group_line(group, &timezone))
            .collect();
        let records = decoded
            .iter()
            .map(|group| {
                let raw = upstream
                    .get(&(group.grpid, group.modified))
                    .cloned()
                    .unwrap_or(Value::Null);
                group_record(group, raw, window.mode, &timezone, &types)
            })
            .collect();
        let data = envelope(&GETMEAS, &window, timezone, records, listing.truncated);
        let mut output = ToolOutput::new(data);
        if wants_markdown(input.response_format) {
            let text = markdown("Withings body measures", &output.data, lines);
            output = output.with_markdown(text);
        }
        Ok(output)
    }
}

fn local_minute(at: i64, timezone: &str) -> String {
    crate::model::local_time(at, timezone)
        .map(|time| time.get(..16).unwrap_or(&time).replace('T', " "))
        .unwrap_or_else(|| at.to_string())
}

fn group_line(group: &DecodedGroup, timezone: &str) -> String {
    let values: Vec<String> = group
        .measures
        .iter()
        .map(|m| {
            let label = m.measure_type.label().to_lowercase();
            let unit = m.measure_type.unit();
            let position = m
                .position
                .map(|p| format!(" ({})", p.label().to_lowercase()))
                .unwrap_or_default();
            let value = number(m.value, 2);
            if unit.is_empty() {
                format!("{label}{position} {value}")
            } else {
                format!("{label}{position} {value} {unit}")
            }
        })
        .collect();
    let mut line = format!(
        "{}: {}",
        local_minute(group.date, timezone),
        values.join(", ")
    );
    if group.category == Category::Goal {
        line.push_str(" (goal)");
    }
    if group.ambiguous {
        line.push_str(" (possibly another person's)");
    }
    line
}

fn summary_measures(group: &DecodedGroup) -> Vec<Value> {
    group
        .measures
        .iter()
        .map(|m| {
            let mut measure = json!({
                "type": m.measure_type.key(),
                "label": m.measure_type.label(),
                "value": m.value,
                "unit": m.measure_type.unit(),
            });
            if let Some(position) = m.position {
                measure["position"] = json!(position.key());
            }
            measure
        })
        .collect()
}

fn group_record(
    group: &DecodedGroup,
    raw: Value,
    mode: PrivacyMode,
    timezone: &str,
    types: &[MeasureType],
) -> Value {
    let local = group
        .local_time
        .clone()
        .or_else(|| crate::model::local_time(group.date, timezone));
    match mode {
        PrivacyMode::Raw => raw,
        PrivacyMode::Summary => {
            let mut record = json!({
                "date": local,
                "measures": summary_measures(group),
            });
            if group.category == Category::Goal {
                record["goal"] = json!(true);
            }
            if group.ambiguous {
                record["ambiguous"] = json!(true);
            }
            record
        }
        PrivacyMode::Structured => {
            let mut record = Map::new();
            record.insert("local_time".into(), json!(local));
            record.insert("timezone".into(), json!(timezone));
            record.insert("values".into(), json!(summary_measures(group)));
            record.insert("category_key".into(), json!(group.category.key()));
            record.insert("attrib_key".into(), json!(group.attrib.key()));
            record.insert("ambiguous".into(), json!(group.ambiguous));
            record.insert("device_model".into(), json!(group.device.model));
            if let Value::Object(mut upstream) = raw {
                if !types.is_empty()
                    && let Some(Value::Array(measures)) = upstream.get_mut("measures")
                {
                    measures.retain(|m| {
                        m.get("type")
                            .and_then(Value::as_i64)
                            .is_some_and(|code| types.iter().any(|t| t.code() == code))
                    });
                }
                record.extend(upstream);
            }
            Value::Object(record)
        }
    }
}

/// One record of a list endpoint, decoded for the summary mode.
struct Summarized {
    /// Orders records newest first: unix seconds, or `YYYYMMDD` for day records.
    sort_key: i64,
    summary: Map<String, Value>,
    line: String,
}

type Summarize = fn(&Value, &str) -> Result<Summarized, String>;

/// What tells one list tool from another.
pub struct ListSpec {
    name: &'static str,
    title: &'static str,
    description: &'static str,
    markdown_title: &'static str,
    endpoint: &'static Endpoint,
    summarize: Summarize,
    /// The longest window the tool accepts, in days.
    max_days: Option<usize>,
}

/// A list tool over one endpoint, with the shared arguments only.
pub struct ListTool {
    pub ctx: Arc<ToolContext>,
    pub spec: &'static ListSpec,
}

#[async_trait]
impl Tool for ListTool {
    type Input = ListInput;
    type Output = ListOutput;

    fn name(&self) -> &'static str {
        self.spec.name
    }
    fn title(&self) -> &'static str {
        self.spec.title
    }
    fn description(&self) -> &'static str {
        self.spec.description
    }
    fn annotations(&self) -> ToolAnnotations {
        ToolAnnotations::READ_UPSTREAM
    }

    async fn call(
        &self,
        input: ListInput,
        _ctx: &dyn CallContext,
    ) -> Result<ToolOutput<ListOutput>, ToolError> {
        let spec = self.spec;
        let default_days = spec.max_days.map_or(DEFAULT_DAYS, |max| max as u32);
        let window = self.ctx.resolve(&input, default_days).await?;
        if let Some(max) = spec.max_days
            && window.days.len() > max
        {
            return Err(ToolError::invalid_input(format!(
                "{} covers at most {max} days per call; the window {} to {} has {}",
                spec.name,
                window.days.first,
                window.days.last,
                window.days.len()
            ))
            .with_next_step(format!(
                "Ask for {max} days or fewer, e.g. `after` {} days before `before`.",
                max - 1
            )));
        }
        let listing = self.ctx.fetch(spec.endpoint, &window, Vec::new()).await?;
        let timezone = listing
            .extra
            .get("timezone")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| window.tz_name.clone());
        let mut decoded = Vec::new();
        for record in listing.records {
            let summarized = (spec.summarize)(&record, &timezone).map_err(|error| {
                ToolError::upstream(format!(
                    "{} returned an unreadable record: {error}",
                    spec.endpoint.name
                ))
            })?;
            decoded.push((summarized, record));
        }
        decoded.sort_by_key(|(summarized, _)| std::cmp::Reverse(summarized.sort_key));
        let lines: Vec<String> = decoded
            .iter()
            .take(window.limit)
            .map(|(summarized, _)| summarized.line.clone())
            .collect();
        let records = decoded
            .into_iter()
            .map(|(summarized, upstream)| match window.mode {
                PrivacyMode::Raw => upstream,
                PrivacyMode::Summary => Value::Object(summarized.summary),
                PrivacyMode::Structured => {
                    let mut record = summarized.summary;
                    if let Value::Object(upstream) = upstream {
                        record.extend(upstream);
                    }
                    Value::Object(record)
                }
            })
            .collect();
        let data = envelope(spec.endpoint, &window, timezone, records, listing.truncated);
        let mut output = ToolOutput::new(data);
        if wants_markdown(input.response_format) {
            let text = markdown(spec.markdown_title, &output.data, lines);
            output = output.with_markdown(text);
        }
        Ok(output)
    }
}

fn read<T: serde::de::DeserializeOwned>(record: &Value) -> Result<T, String> {
    serde_json::from_value(record.clone()).map_err(|error| error.to_string())
}

/// `YYYYMMDD` of a `YYYY-MM-DD` day, for ordering.
fn day_key(day: &str) -> i64 {
    day.chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or(0)
}

fn local_or_unix(at: i64, timezone: &str) -> Value {
    crate::model::local_time(at, timezone).map_or(json!(at), Value::from)
}

/// `5400` as `1 h 30 min`.
fn hours_minutes(seconds: f64) -> String {
    let minutes = (seconds / 60.0).round() as i64;
    if minutes >= 60 {
        format!("{} h {:02} min", minutes / 60, minutes % 60)
    } else {
        format!("{minutes} min")
    }
}

fn put_number(summary: &mut Map<String, Value>, key: &str, value: Option<f64>) {
    if let Some(value) = value {
        summary.insert(key.to_owned(), json!(value));
    }
}

fn summarize_activity(record: &Value, _timezone: &str) -> Result<Summarized, String> {
    let day: crate::model::ActivityDay = read(record)?;
    let mut summary = Map::new();
    summary.insert("date".into(), json!(day.date));
    put_number(&mut summary, "steps", day.steps.map(|v| v as f64));
    put_number(&mut summary, "distance_m", day.distance);
    put_number(&mut summary, "elevation_m", day.elevation);
    put_number(&mut summary, "active_calories_kcal", day.calories);
    put_number(&mut summary, "total_calories_kcal", day.totalcalories);
    put_number(&mut summary, "soft_s", day.soft.map(|v| v as f64));
    put_number(&mut summary, "moderate_s", day.moderate.map(|v| v as f64));
    put_number(&mut summary, "intense_s", day.intense.map(|v| v as f64));
    put_number(
        &mut summary,
        "hr_average_bpm",
        day.hr_average.map(|v| v as f64),
    );
    put_number(&mut summary, "hr_min_bpm", day.hr_min.map(|v| v as f64));
    put_number(&mut summary, "hr_max_bpm", day.hr_max.map(|v| v as f64));
    let mut parts = Vec::new();
    if let Some(steps) = day.steps {
        parts.push(format!("{steps} steps"));
    }
    if let Some(distance) = day.distance {
        parts.push(format!("{} km", number(distance / 1000.0, 2)));
    }
    if let Some(calories) = day.calories {
        parts.push(format!("{} kcal active", number(calories, 0)));
    }
    if let Some(hr) = day.hr_average {
        parts.push(format!("average heart rate {hr} bpm"));
    }
    Ok(Summarized {
        sort_key: day_key(&day.date),
        line: format!("{}: {}", day.date, parts.join(", ")),
        summary,
    })
}

fn summarize_sleep_summary(record: &Value, timezone: &str) -> Result<Summarized, String> {
    let night: crate::model::SleepSummary = read(record)?;
    let zone = night.timezone.as_deref().unwrap_or(timezone);
    let mut summary = Map::new();
    summary.insert("date".into(), json!(night.date));
    summary.insert("bedtime".into(), local_or_unix(night.startdate, zone));
    summary.insert("wake_time".into(), local_or_unix(night.enddate, zone));
    for (field, value) in night.metrics() {
        if let Some(value) = value {
            summary.insert(field.to_owned(), json!(value));
        }
    }
    let mut parts = Vec::new();
    if let Some(total) = night.metric("total_sleep_time") {
        parts.push(format!("slept {}", hours_minutes(total)));
    }
    for (field, name) in [
        ("deepsleepduration", "deep"),
        ("remsleepduration", "REM"),
        ("lightsleepduration", "light"),
    ] {
        if let Some(value) = night.metric(field) {
            parts.push(format!("{name} {}", hours_minutes(value)));
        }
    }
    if let Some(score) = night.metric("sleep_score") {
        parts.push(format!("score {}", number(score, 0)));
    }
    if let Some(hr) = night.metric("hr_average") {
        parts.push(format!("heart rate {} bpm", number(hr, 0)));
    }
    Ok(Summarized {
        sort_key: day_key(&night.date),
        line: format!("night ending {}: {}", night.date, parts.join(", ")),
        summary,
    })
}

fn summarize_workout(record: &Value, timezone: &str) -> Result<Summarized, String> {
    let workout: crate::model::Workout = read(record)?;
    let zone = workout.timezone.as_deref().unwrap_or(timezone);
    let duration = workout.enddate - workout.startdate;
    let mut summary = Map::new();
    summary.insert("date".into(), json!(workout.date));
    summary.insert("category".into(), json!(workout.category.key()));
    summary.insert("category_label".into(), json!(workout.category.label()));
    summary.insert("start".into(), local_or_unix(workout.startdate, zone));
    summary.insert("end".into(), local_or_unix(workout.enddate, zone));
    summary.insert("duration_s".into(), json!(duration));
    for (field, value) in workout.data.numbers() {
        summary.insert(field.to_owned(), json!(value));
    }
    let mut parts = vec![hours_minutes(duration as f64)];
    if let Some(calories) = workout.data.number("calories") {
        parts.push(format!("{} kcal", number(calories, 0)));
    }
    if let Some(distance) = workout.data.number("distance").filter(|d| *d > 0.0) {
        parts.push(format!("{} km", number(distance / 1000.0, 2)));
    }
    if let Some(hr) = workout.data.number("hr_average").filter(|hr| *hr > 0.0) {
        parts.push(format!("average heart rate {} bpm", number(hr, 0)));
    }
    Ok(Summarized {
        sort_key: workout.startdate,
        line: format!(
            "{}: {} ({})",
            local_minute(workout.startdate, zone),
            workout.category.label().to_lowercase(),
            parts.join(", ")
        ),
        summary,
    })
}

fn summarize_heart(record: &Value, timezone: &str) -> Result<Summarized, String> {
    let heart: crate::model::HeartRecord = read(record)?;
    let mut summary = Map::new();
    summary.insert("time".into(), local_or_unix(heart.timestamp, timezone));
    let mut parts = Vec::new();
    if let Some(ecg) = &heart.ecg {
        summary.insert("afib".into(), json!(ecg.afib.key()));
        summary.insert("afib_label".into(), json!(ecg.afib.label()));
        parts.push(format!("ECG: {}", ecg.afib.label().to_lowercase()));
    }
    if let Some(hr) = heart.heart_rate {
        summary.insert("heart_rate_bpm".into(), json!(hr));
        parts.push(format!("heart rate {hr} bpm"));
    }
    if let Some(bp) = &heart.bloodpressure {
        put_number(&mut summary, "systolic_mmhg", bp.systole.map(|v| v as f64));
        put_number(
            &mut summary,
            "diastolic_mmhg",
            bp.diastole.map(|v| v as f64),
        );
        if let (Some(sys), Some(dia)) = (bp.systole, bp.diastole) {
            parts.push(format!("blood pressure {sys}/{dia} mmHg"));
        }
    }
    Ok(Summarized {
        sort_key: heart.timestamp,
        line: format!(
            "{}: {}",
            local_minute(heart.timestamp, timezone),
            parts.join(", ")
        ),
        summary,
    })
}

fn summarize_sleep_segment(record: &Value, timezone: &str) -> Result<Summarized, String> {
    let segment: crate::model::SleepSegment = read(record)?;
    let duration = segment.enddate - segment.startdate;
    let mut summary = Map::new();
    summary.insert("start".into(), local_or_unix(segment.startdate, timezone));
    summary.insert("end".into(), local_or_unix(segment.enddate, timezone));
    summary.insert("duration_s".into(), json!(duration));
    summary.insert("state".into(), json!(segment.state.key()));
    summary.insert("state_label".into(), json!(segment.state.label()));
    for (field, samples) in &segment.samples {
        if !samples.is_empty() {
            let mean = samples.iter().map(|s| s.value).sum::<f64>() / samples.len() as f64;
            summary.insert(format!("{field}_average"), json!(mean));
        }
    }
    Ok(Summarized {
        sort_key: segment.startdate,
        line: format!(
            "{} to {}: {} ({})",
            local_minute(segment.startdate, timezone),
            local_minute(segment.enddate, timezone)
                .get(11..)
                .unwrap_or_default(),
            segment.state.label().to_lowercase(),
            hours_minutes(duration as f64)
        ),
        summary,
    })
}

pub static ACTIVITY: ListSpec = ListSpec {
    name: "withings_list_activity",
    title: "List Withings daily activity",
    description: "Lists the user's daily activity totals, one record per local day, newest first: \
        steps, distance (m), elevation (m), active and total calories (kcal), time in soft, moderate \
        and intense activity (s), and heart rate (bpm) when a watch recorded it. Use it for questions \
        about steps or movement over days. `after`/`before` are local days (default: the last 30). \
        Informational only, not medical advice.",
    markdown_title: "Withings daily activity",
    endpoint: &crate::api::endpoints::GETACTIVITY,
    summarize: summarize_activity,
    max_days: None,
};

pub static SLEEP_SUMMARY: ListSpec = ListSpec {
    name: "withings_list_sleep_summary",
    title: "List Withings sleep summaries",
    description: "Lists one summary per night, keyed by the local day the user woke up, newest first: \
        total sleep and time in bed, light, deep and REM durations (s), wake-ups, sleep score, heart \
        and breathing rates, snoring. Use it for questions about how the user slept over several \
        nights. `after`/`before` are local wake-up days (default: the last 30). Informational only, \
        not medical advice.",
    markdown_title: "Withings sleep summaries",
    endpoint: &crate::api::endpoints::SLEEP_SUMMARY,
    summarize: summarize_sleep_summary,
    max_days: None,
};

pub static WORKOUTS: ListSpec = ListSpec {
    name: "withings_list_workouts",
    title: "List Withings workouts",
    description: "Lists the user's recorded workouts, newest first: sport (walking, running, \
        cycling...), start and end in local time, duration (s), calories (kcal), distance (m), steps \
        and heart rate (bpm) when measured. Use it for questions about exercise sessions. \
        `after`/`before` are local days (default: the last 30). Informational only, not medical advice.",
    markdown_title: "Withings workouts",
    endpoint: &crate::api::endpoints::GETWORKOUTS,
    summarize: summarize_workout,
    max_days: None,
};

pub static HEART: ListSpec = ListSpec {
    name: "withings_list_heart",
    title: "List Withings heart recordings",
    description: "Lists the user's ECG and heart recordings, newest first: time, the device's atrial \
        fibrillation classification, heart rate (bpm) and blood pressure (mmHg) when taken with it. \
        Use it to find recordings over a period; the classification is the device's, not a diagnosis: \
        informational only, not medical advice. `after`/`before` are local days (default: the last 30).",
    markdown_title: "Withings heart recordings",
    endpoint: &crate::api::endpoints::HEART_LIST,
    summarize: summarize_heart,
    max_days: None,
};

pub static SLEEP: ListSpec = ListSpec {
    name: "withings_list_sleep",
    title: "List Withings sleep stages",
    description: "Lists the detailed sleep segments of up to 7 local days, newest first: start and end \
        in local time, duration (s), state (awake, light, deep, REM) and average heart and breathing \
        rates in the segment. Use it for how a particular night went; for several nights use \
        withings_list_sleep_summary. `after`/`before` are local days (default: the last 7); longer \
        windows are refused. Informational only, not medical advice.",
    markdown_title: "Withings sleep stages",
    endpoint: &crate::api::endpoints::SLEEP_GET,
    summarize: summarize_sleep_segment,
    max_days: Some(7),
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_drop_trailing_zeros() {
        assert_eq!(number(74.30, 2), "74.3");
        assert_eq!(number(80.0, 2), "80");
        assert_eq!(number(19.812, 1), "19.8");
    }

    #[test]
    fn a_limit_cut_says_how_to_get_the_rest() {
        let window = Resolved {
            tz_name: "UTC".into(),
            days: DayRange::new(
                jiff::civil::date(2026, 6, 1),
                jiff::civil::date(2026, 6, 30),
            )
            .unwrap(),
            start: 0,
            end: 1,
            limit: 2,
            max_pages: 1,
            mode: PrivacyMode::Summary,
        };
        let out = envelope(
            &GETMEAS,
            &window,
            "UTC".into(),
            vec![json!(1), json!(2), json!(3)],
            false,
        );
        assert_eq!(out.count, 2);
        assert!(out.truncated && out.has_more);
        assert!(out.next_step.unwrap().contains("limit"));
    }
}
