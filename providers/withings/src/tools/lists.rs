//! Listing tools over one endpoint each: activity, sleep, workouts, heart. Each
//! spec says how one upstream record becomes a summary record and a markdown line.

use std::sync::Arc;

use delx_framework::privacy::PrivacyMode;
use delx_framework::{CallContext, Tool, ToolAnnotations, ToolError, ToolOutput, async_trait};
use serde_json::{Map, Value, json};

use super::format::{hours_minutes, local_minute, local_or_unix, number};
use super::window::{DEFAULT_DAYS, Entry, ListInput, ListOutput, Resume, envelope, markdown};
use super::{ToolContext, wants_markdown};
use crate::api::endpoints::Endpoint;
/// One record of a list endpoint, decoded for the summary mode.
struct Summarized {
    /// Orders records newest first: unix seconds, or `YYYYMMDD` for day records.
    sort_key: i64,
    summary: Map<String, Value>,
    line: String,
    resume: Resume,
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
        let entries = decoded
            .into_iter()
            .map(|(summarized, upstream)| Entry {
                record: match window.mode {
                    PrivacyMode::Raw => upstream,
                    PrivacyMode::Summary => Value::Object(summarized.summary),
                    PrivacyMode::Structured => {
                        let mut record = summarized.summary;
                        if let Value::Object(upstream) = upstream {
                            record.extend(upstream);
                        }
                        Value::Object(record)
                    }
                },
                line: summarized.line,
                resume: summarized.resume,
            })
            .collect();
        let (data, lines) = envelope(spec.endpoint, &window, timezone, entries, listing.truncated);
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
    put_number(&mut summary, "elevation_floors", day.elevation);
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
        resume: Resume::Day(day.date.clone()),
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
        resume: Resume::Day(night.date.clone()),
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
        resume: Resume::At(workout.startdate),
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
        // What withings_get_heart_signal takes, so summary records must carry it.
        summary.insert("signalid".into(), json!(ecg.signalid));
        summary.insert("afib".into(), json!(ecg.afib.key()));
        summary.insert("afib_label".into(), json!(ecg.afib.label()));
        parts.push(format!(
            "ECG {}: {}",
            ecg.signalid,
            ecg.afib.label().to_lowercase()
        ));
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
        resume: Resume::At(heart.timestamp),
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
        resume: Resume::At(segment.startdate),
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
        steps, distance (m), floors climbed, active and total calories (kcal), time in soft, moderate \
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
