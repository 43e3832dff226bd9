//! One domain's sync: the first run (or `full`) pulls the whole window from
//! `since` to now; later runs ask only for what changed since the last one
//! (`lastupdate`). Each page is stored as it arrives, in one atomic write with a
//! note of where the walk stands, so a sync killed at any instant loses nothing it
//! stored and the next run resumes from that page. The coverage moves only once a
//! walk is complete.

use delx_framework::auth::unix_now;
use delx_framework::cache::{CacheError, Coverage, History, Record, Upserted};
use delx_framework::schemars::{self, JsonSchema};
use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use thiserror::Error;

use super::domain::Domain;
use crate::api::client::Page;
use crate::api::endpoints::DateStyle;
use crate::api::{ApiError, WithingsClient};

/// How far back a sync reaches when no `since` is given.
pub const DEFAULT_YEARS: i16 = 2;
const FULL: &str = "full";
const INCREMENTAL: &str = "incremental";
/// Where a walk stands, between pages.
const PROGRESS_NOTE: &str = "progress";
/// The body fields besides records (getmeas' `timezone`), for answers from history.
pub(crate) const EXTRA_NOTE: &str = "extra";
/// A local day starts at most 14 h before its UTC midnight (UTC+14) and ends at
/// most 36 h after it (UTC-12).
const EARLIEST_DAY_START: i64 = 14 * 3600;
/// A later sync of a domain without `lastupdate` asks again for this much before
/// the last sync's end: an ECG may reach Withings hours after it was taken.
const REFETCH_WITHOUT_LASTUPDATE: i64 = 7 * 86_400;

#[derive(Debug, Clone, Default)]
pub struct SyncOptions {
    /// First local day to keep; default [`default_since`].
    pub since: Option<Date>,
    /// Pull the whole window again, ignoring the last sync's time.
    pub full: bool,
}

/// What a sync of one domain did.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct DomainReport {
    pub domain: &'static str,
    /// `full` (the whole window), `incremental` (changes since the last sync) or
    /// `resumed` (an interrupted walk picked up where it stopped).
    pub mode: &'static str,
    /// Pages read from Withings.
    pub requests: u32,
    #[serde(flatten)]
    pub upserted: Upserted,
    /// Records of this domain now stored.
    pub stored: u64,
    pub coverage: Coverage,
}

/// A domain that could not be synced, and why (the others still were).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct DomainFailure {
    pub domain: &'static str,
    pub error: String,
}

/// What a whole sync did.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct SyncReport {
    /// Where the history is kept: on disk, or in memory for this process only.
    pub storage: delx_framework::cache::CacheMode,
    pub domains: Vec<DomainReport>,
    pub failures: Vec<DomainFailure>,
}

impl SyncReport {
    /// Whether the history gained or changed any record.
    pub fn changed(&self) -> bool {
        self.domains
            .iter()
            .any(|domain| domain.upserted.added + domain.upserted.updated > 0)
    }

    /// One line per domain, for a terminal or a chat.
    pub fn lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self.domains.iter().map(DomainReport::line).collect();
        lines.extend(
            self.failures
                .iter()
                .map(|failure| format!("{}: failed: {}", failure.domain, failure.error)),
        );
        lines
    }
}

impl DomainReport {
    pub fn line(&self) -> String {
        format!(
            "{}: {}, {} request{}, {} added, {} updated, {} unchanged; {} stored, covering {} to {}",
            self.domain,
            self.mode,
            self.requests,
            if self.requests == 1 { "" } else { "s" },
            self.upserted.added,
            self.upserted.updated,
            self.upserted.unchanged,
            self.stored,
            stamp(self.coverage.start),
            stamp(self.coverage.end),
        )
    }
}

fn stamp(at: i64) -> String {
    jiff::Timestamp::from_second(at).map_or_else(|_| at.to_string(), |stamp| stamp.to_string())
}

#[derive(Debug, Error)]
pub enum SyncError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("local history: {0}")]
    Store(#[from] CacheError),
    #[error(
        "the local cache is off (WITHINGS_CACHE=off), and the history lives in it: turn it on to sync"
    )]
    Off,
    #[error("the stored tokens carry no account id; connect again with `withings-mcp auth`")]
    NoAccount,
}

/// Two years before today (local time).
pub fn default_since() -> Date {
    let today = jiff::Zoned::now().date();
    today
        .checked_sub(DEFAULT_YEARS.years())
        .unwrap_or(jiff::civil::Date::MIN)
}

/// A walk in progress, as stored between pages.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Progress {
    mode: String,
    params: Vec<(String, String)>,
    offset: Option<i64>,
    /// The coverage the walk completes: from here...
    start: i64,
    /// ...to when it started.
    started_at: i64,
}

/// Syncs one domain of the signed-in account into the local history.
pub async fn sync_domain(
    client: &WithingsClient,
    domain: &Domain,
    options: &SyncOptions,
) -> Result<DomainReport, SyncError> {
    let history = client.cache().history();
    if !history.enabled() {
        return Err(SyncError::Off);
    }
    let scope = client.cache_scope().ok_or(SyncError::NoAccount)?;
    let name = domain.name();
    let since = options.since.unwrap_or_else(default_since);
    let since_start = earliest_start(since);
    let now = unix_now();
    let previous = history.coverage(&scope, name)?;
    let stored_progress = history
        .note(&scope, name, PROGRESS_NOTE)?
        .and_then(|value| serde_json::from_value::<Progress>(value).ok());
    let (mut progress, resumed) = match stored_progress {
        Some(progress)
            if progress.start <= since_start && (!options.full || progress.mode == FULL) =>
        {
            (progress, true)
        }
        _ => (
            plan(domain, previous, since, since_start, options.full, now),
            false,
        ),
    };
    let mode = match progress.mode.as_str() {
        _ if resumed => "resumed",
        INCREMENTAL => INCREMENTAL,
        _ => FULL,
    };
    let mut upserted = Upserted::default();
    let mut requests = 0;
    let mut extra = Map::new();
    loop {
        let mut params: Vec<(&str, String)> = progress
            .params
            .iter()
            .map(|(name, value)| (name.as_str(), value.clone()))
            .collect();
        if let Some(offset) = progress.offset {
            params.push(("offset", offset.to_string()));
        }
        let body = client.call_upstream(domain.endpoint, &params).await?;
        requests += 1;
        let page = Page::split(domain.endpoint, body)?;
        let records = keepable(domain, page.records);
        extra.extend(page.extra);
        let next = page
            .next_offset
            .filter(|next| page.more && Some(*next) != progress.offset);
        let done = next.is_none();
        progress.offset = next;
        let note = serde_json::to_value(&progress).map_err(|_| CacheError::Malformed)?;
        let written = history.write(
            &scope,
            name,
            &records,
            &[(PROGRESS_NOTE, (!done).then_some(&note))],
        )?;
        upserted.add(written);
        if done {
            break;
        }
    }
    let coverage = merged(previous, progress.start, progress.started_at);
    let extra = Value::Object(extra);
    let extra_note = (!extra.as_object().is_some_and(Map::is_empty)).then_some(&extra);
    let mut notes = vec![(PROGRESS_NOTE, None)];
    if extra_note.is_some() {
        notes.push((EXTRA_NOTE, extra_note));
    }
    history.set_coverage(&scope, name, &coverage, &notes)?;
    Ok(DomainReport {
        domain: name,
        mode,
        requests,
        upserted,
        stored: history.count(&scope, name)?,
        coverage,
    })
}

/// Every stored record of the account, per domain, for `sync --dump-json` and
/// tests: what two syncs can be compared by.
pub fn dump(history: &History, scope: &str) -> Result<Map<String, Value>, CacheError> {
    let mut out = Map::new();
    for domain in super::DOMAINS {
        out.insert(
            domain.name().to_owned(),
            Value::Array(history.records(scope, domain.name())?),
        );
    }
    Ok(out)
}

/// Each domain's records and coverage for `scope`, for the cache status. A domain
/// that cannot be read is left out (and logged): a status must answer.
pub fn status(history: &History, scope: &str) -> Vec<delx_framework::metadata::HistoryDomain> {
    super::DOMAINS
        .iter()
        .filter_map(|domain| {
            let name = domain.name();
            let read = history
                .count(scope, name)
                .and_then(|records| Ok((records, history.coverage(scope, name)?)));
            match read {
                Ok((0, None)) => None,
                Ok((records, coverage)) => Some(delx_framework::metadata::HistoryDomain::new(
                    name, records, coverage,
                )),
                Err(error) => {
                    tracing::warn!(%error, domain = name, "cannot read the local history");
                    None
                }
            }
        })
        .collect()
}

/// A new walk: from `since` to now, or what changed since the last sync.
fn plan(
    domain: &Domain,
    previous: Option<Coverage>,
    since: Date,
    since_start: i64,
    full: bool,
    now: i64,
) -> Progress {
    let endpoint = domain.endpoint;
    let mut params: Vec<(String, String)> = Vec::new();
    if let Some(fields) = endpoint.default_data_fields {
        params.push(("data_fields".into(), fields.to_owned()));
    }
    let incremental = previous.filter(|coverage| !full && coverage.start <= since_start);
    let (mode, start) = match incremental {
        Some(coverage) if domain.lastupdate => {
            params.push(("lastupdate".into(), coverage.synced_at.to_string()));
            (INCREMENTAL, coverage.start)
        }
        Some(coverage) => {
            let from = (coverage.end - REFETCH_WITHOUT_LASTUPDATE).max(coverage.start);
            params.extend(window(endpoint.dates, from, since, now));
            (INCREMENTAL, coverage.start)
        }
        None => {
            params.extend(window(endpoint.dates, since_start, since, now));
            (FULL, since_start)
        }
    };
    Progress {
        mode: mode.into(),
        params,
        offset: None,
        start,
        started_at: now,
    }
}

/// The window parameters from `from` (or the day `since`, for day endpoints) to
/// now, in the endpoint's style.
fn window(dates: DateStyle, from: i64, since: Date, now: i64) -> Vec<(String, String)> {
    match dates {
        DateStyle::Unix => vec![
            ("startdate".into(), from.to_string()),
            ("enddate".into(), now.to_string()),
        ],
        DateStyle::Ymd => {
            let first = utc_day(from).map_or(since, |day| day.max(since));
            // Tomorrow in UTC is today somewhere east; the window takes it all.
            let last = utc_day(now)
                .and_then(|day| day.checked_add(1.day()).ok())
                .unwrap_or(since);
            vec![
                ("startdateymd".into(), first.to_string()),
                ("enddateymd".into(), last.to_string()),
            ]
        }
        DateStyle::None => Vec::new(),
    }
}

/// The records of a page that can be kept (those with an identity).
fn keepable(domain: &Domain, records: Vec<Value>) -> Vec<Record> {
    records
        .into_iter()
        .filter_map(|value| {
            let identity = domain.identity(&value)?;
            Some(Record {
                identity,
                modified: domain.modified(&value),
                value,
            })
        })
        .collect()
}

/// The coverage after a walk over `[start, end]`: joined to the previous one when
/// they touch, replacing it otherwise.
fn merged(previous: Option<Coverage>, start: i64, end: i64) -> Coverage {
    let start = match previous {
        Some(previous) if previous.start <= start && previous.end >= start => previous.start,
        _ => start,
    };
    Coverage {
        start,
        end,
        synced_at: end,
    }
}

/// The earliest instant `day` starts anywhere.
pub(crate) fn earliest_start(day: Date) -> i64 {
    utc_midnight(day) - EARLIEST_DAY_START
}

pub(crate) fn utc_midnight(day: Date) -> i64 {
    day.to_zoned(jiff::tz::TimeZone::UTC)
        .map_or(0, |zoned| zoned.timestamp().as_second())
}

pub(crate) fn utc_day(at: i64) -> Option<Date> {
    jiff::Timestamp::from_second(at)
        .ok()
        .map(|stamp| stamp.to_zoned(jiff::tz::TimeZone::UTC).date())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_walk_that_touches_the_previous_coverage_extends_it() {
        let previous = Coverage {
            start: 100,
            end: 200,
            synced_at: 200,
        };
        assert_eq!(merged(Some(previous), 150, 300).start, 100);
        assert_eq!(merged(Some(previous), 250, 300).start, 250);
        assert_eq!(merged(None, 250, 300).end, 300);
    }

    #[test]
    fn the_first_day_starts_before_its_utc_midnight() {
        let day = jiff::civil::date(2026, 6, 1);
        assert_eq!(earliest_start(day), utc_midnight(day) - 14 * 3600);
        assert_eq!(utc_day(utc_midnight(day) + 5), Some(day));
    }
}
