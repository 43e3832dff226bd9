//! The window every data tool reads: local days resolved from `after`/`before` in
//! the user's time zone, fetched with one ranged request per endpoint, and the
//! envelope list tools return.

use delx_framework::ToolError;
use delx_framework::privacy::PrivacyMode;
use delx_framework::render::{Markdown, ResponseFormat};
use delx_framework::schemars::{self, JsonSchema};
use delx_framework::time::{DateInput, DayRange, day_bounds, local_date, zone};
use jiff::ToSpan;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ToolContext;
use crate::api::endpoints::{DateStyle, Endpoint, GETDEVICE};
use crate::api::{ApiError, Listing};

const DEFAULT_LIMIT: u32 = 30;
const MAX_LIMIT: u32 = 200;
const DEFAULT_MAX_PAGES: u32 = 5;
const MAX_PAGES: u32 = 20;
pub(super) const DEFAULT_DAYS: u32 = 30;

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
    /// Whether the returned records are not all the window holds (cut by `limit`,
    /// the size budget or the page cap).
    pub truncated: bool,
    /// Whether more records exist in the window than were returned.
    pub has_more: bool,
    /// When records were cut: the `before` to pass to get the ones just older
    /// than those returned.
    pub next_before: Option<String>,
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

/// A resolved window: the local days, and the instants bounding it.
pub(super) struct Resolved {
    pub(super) tz_name: String,
    pub(super) days: DayRange,
    /// Unix seconds, inclusive.
    pub(super) start: i64,
    pub(super) end: i64,
    pub(super) limit: usize,
    pub(super) max_pages: u32,
    pub(super) mode: PrivacyMode,
}

impl Resolved {
    /// Whole local days `days` in `tz_name`, every record (up to `max_pages` pages).
    pub(super) fn whole_days(
        tz_name: String,
        days: DayRange,
        max_pages: u32,
    ) -> Result<Self, ToolError> {
        let tz = zone(&tz_name).map_err(time_error)?;
        let (start, end) = days.unix_bounds(&tz).map_err(time_error)?;
        Ok(Self {
            tz_name,
            days,
            start,
            end: end - 1,
            limit: usize::MAX,
            max_pages,
            mode: PrivacyMode::Summary,
        })
    }
}

pub(super) fn time_error(error: impl std::fmt::Display) -> ToolError {
    ToolError::invalid_input(error.to_string())
}

impl ToolContext {
    /// The user's time zone: the first device's, else UTC. Asked once per process.
    pub(super) async fn user_timezone(&self) -> Result<String, ToolError> {
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

    /// The user's zone if already known: for answers that must not wait on the network.
    pub(crate) fn known_timezone(&self) -> Option<String> {
        self.user_tz.get().cloned()
    }

    pub(super) async fn resolve(
        &self,
        input: &ListInput,
        default_days: u32,
    ) -> Result<Resolved, ToolError> {
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
    pub(super) async fn fetch(
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

/// About how many characters of records one response may carry: enough for a
/// month of detail, small enough not to swamp an agent's context.
pub const SIZE_BUDGET: usize = 20_000;

/// Where a record sits in time, so a cut list can say where to resume.
pub(super) enum Resume {
    /// A record taken at this unix time.
    At(i64),
    /// A record of a whole local day.
    Day(String),
}

/// One record, its markdown line, and where it sits in time.
pub(super) struct Entry {
    pub(super) record: Value,
    pub(super) line: String,
    pub(super) resume: Resume,
}

/// Builds the envelope from entries given newest first: keeps the newest `limit`
/// entries that fit the size budget (at least one), and returns the markdown
/// lines of the entries kept.
pub(super) fn envelope(
    endpoint: &Endpoint,
    window: &Resolved,
    timezone: String,
    entries: Vec<Entry>,
    upstream_truncated: bool,
) -> (ListOutput, Vec<String>) {
    let available = entries.len();
    let mut used = 0;
    let mut kept = Vec::new();
    for entry in entries.into_iter().take(window.limit) {
        let size = serde_json::to_string(&entry.record).map_or(0, |text| text.len());
        if !kept.is_empty() && used + size > SIZE_BUDGET {
            break;
        }
        used += size;
        kept.push(entry);
    }
    let over_limit = available > window.limit;
    let over_budget = kept.len() < available.min(window.limit);
    let cut = over_limit || over_budget;
    let has_more = cut || upstream_truncated;
    let next_before = cut
        .then(|| {
            kept.last()
                .and_then(|oldest| resume_before(&oldest.resume, &timezone))
        })
        .flatten();
    let next_step = has_more.then(|| {
        let mut steps = Vec::new();
        if over_budget {
            steps.push(format!(
                "the response reached its size budget (about {SIZE_BUDGET} characters) after {} records",
                kept.len()
            ));
        } else if over_limit && window.limit < MAX_LIMIT as usize {
            steps.push(format!("raise `limit` (up to {MAX_LIMIT})"));
        }
        if let Some(before) = &next_before {
            steps.push(format!("call again with `before` {before} for the older ones"));
        }
        if upstream_truncated {
            steps.push(format!(
                "set `all_pages` true and raise `max_pages` (up to {MAX_PAGES})"
            ));
        }
        if over_budget && window.mode != PrivacyMode::Summary {
            steps.push("privacy_mode `summary` makes records smaller".into());
        }
        format!("More records exist in this window: {}.", steps.join("; "))
    });
    let (records, lines) = kept.into_iter().map(|e| (e.record, e.line)).unzip();
    let output = ListOutput {
        endpoint: endpoint.name.to_owned(),
        privacy_mode: window.mode,
        timezone,
        window: Window {
            first: window.days.first.to_string(),
            last: window.days.last.to_string(),
        },
        count: 0,
        records,
        truncated: has_more,
        has_more,
        next_before,
        next_step,
    };
    let count = output.records.len();
    (ListOutput { count, ..output }, lines)
}

/// The `before` that lists what comes just before `oldest`.
fn resume_before(oldest: &Resume, timezone: &str) -> Option<String> {
    match oldest {
        Resume::At(at) => crate::model::local_time(at - 1, timezone),
        Resume::Day(day) => {
            let day: jiff::civil::Date = day.parse().ok()?;
            day.checked_sub(1.days()).ok().map(|d| d.to_string())
        }
    }
}

pub(super) fn markdown(title: &str, output: &ListOutput, lines: Vec<String>) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::endpoints::GETMEAS;
    use serde_json::json;

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
        let entries = (0..3)
            .map(|n| Entry {
                record: json!(n),
                line: n.to_string(),
                resume: Resume::Day(format!("2026-06-1{n}")),
            })
            .collect();
        let (out, lines) = envelope(&GETMEAS, &window, "UTC".into(), entries, false);
        assert_eq!(lines, ["0", "1"]);
        assert_eq!(out.count, 2);
        assert!(out.truncated && out.has_more);
        assert_eq!(out.next_before.as_deref(), Some("2026-06-10"));
        assert!(out.next_step.unwrap().contains("limit"));
    }

    #[test]
    fn a_budget_cut_keeps_whole_records_and_says_where_to_resume() {
        let window = Resolved::whole_days(
            "Europe/Paris".into(),
            DayRange::new(
                jiff::civil::date(2026, 6, 1),
                jiff::civil::date(2026, 6, 30),
            )
            .unwrap(),
            1,
        )
        .unwrap();
        let big = "x".repeat(SIZE_BUDGET / 3);
        let entries = (0..10)
            .map(|n| Entry {
                record: json!({"n": n, "pad": big}),
                line: n.to_string(),
                resume: Resume::At(1_780_000_000 - n * 3600),
            })
            .collect();
        let (out, lines) = envelope(&GETMEAS, &window, "Europe/Paris".into(), entries, false);
        assert_eq!(out.count, 2);
        assert_eq!(lines.len(), 2);
        assert!(serde_json::to_string(&out.records).unwrap().len() <= SIZE_BUDGET + 100);
        assert!(out.next_step.unwrap().contains("size budget"));
        // One second before the oldest record kept, in local time.
        assert_eq!(
            out.next_before.as_deref(),
            crate::model::local_time(1_780_000_000 - 3600 - 1, "Europe/Paris").as_deref()
        );
    }
}
