//! Answering a listing from the local history.
//!
//! A window inside a domain's coverage, synced recently enough for how recent the
//! window's end is (the endpoint's own freshness, measured from the sync), is
//! answered from the history with no request. A window that starts inside the
//! coverage but reaches past what can be trusted (the coverage's end, less the few
//! days a device may take to sync) is answered from the history up to that point
//! and from Withings for the tail only. Anything else goes to Withings as before,
//! and so does every call asking for `refresh`.
//!
//! Records are filtered as Withings filters them: `startdate..=enddate` on the
//! record's instant for unix endpoints, `startdateymd..=enddateymd` on its `date`
//! for day endpoints; for getmeas, `category` and `meastype`/`meastypes` too (a
//! group keeps only the wanted measures, and goes if none is left). A request with
//! any other parameter (or other `data_fields` than a sync stores) is not served
//! from history.

use std::collections::HashSet;

use delx_framework::auth::unix_now;
use delx_framework::cache::{self, Coverage};
use jiff::ToSpan;
use jiff::civil::Date;
use serde_json::{Map, Value};

use super::domain::{Domain, Position};
use super::engine::{EXTRA_NOTE, earliest_start, utc_day, utc_midnight};
use crate::api::endpoints::{DateStyle, Endpoint, GETMEAS};
use crate::api::{ApiError, Listing, WithingsClient};

/// Data this close to a sync's end may still change (a watch syncs days late), so
/// a window reaching into it asks Withings for that part. Longer than the three
/// days after which the endpoints' freshness calls a window settled, plus the
/// half day a local day may end after the UTC one: the history's part is then
/// always "settled" as seen from the sync.
const SETTLING: i64 = 4 * 86_400;
/// A local day ends at most 36 h after its UTC midnight (UTC-12).
const LATEST_DAY_END: i64 = 36 * 3600;

impl WithingsClient {
    /// The listing from the history, with its tail from Withings when needed; `None`
    /// when the history cannot answer (not a synced domain, not covered, too old,
    /// `refresh` asked, parameters it cannot honour).
    pub(crate) async fn list_from_history(
        &self,
        endpoint: &Endpoint,
        params: &[(&str, String)],
        max_pages: u32,
    ) -> Result<Option<Listing>, ApiError> {
        let Some(plan) = self.history_plan(endpoint, params) else {
            return Ok(None);
        };
        let Plan {
            domain,
            query,
            coverage,
            records,
            extra,
            tail,
        } = plan;
        let mut listing = Listing {
            records: Vec::new(),
            extra,
            pages_fetched: 0,
            truncated: false,
            next_offset: None,
        };
        let mut kept: Vec<Value> = records
            .into_iter()
            .filter_map(|record| query.keep(domain, record))
            .collect();
        if let Some(tail) = tail {
            kept.retain(|record| domain.position(record).is_some_and(|at| at < tail.split));
            let upstream = self.list_pages(endpoint, &tail.params, max_pages).await?;
            let fetched: HashSet<String> = upstream
                .records
                .iter()
                .filter_map(|record| domain.identity(record))
                .collect();
            kept.retain(|record| {
                domain
                    .identity(record)
                    .is_none_or(|identity| !fetched.contains(&identity))
            });
            kept.extend(upstream.records);
            listing.extra.extend(upstream.extra);
            listing.pages_fetched = upstream.pages_fetched;
            // The offset belongs to the tail's parameters, not the caller's.
            listing.truncated = upstream.truncated;
        }
        kept.sort_by_key(|record| domain.position(record));
        if domain.newest_first() {
            kept.reverse();
        }
        listing.records = kept;
        cache::record(coverage.synced_at, false);
        Ok(Some(listing))
    }

    /// What to read locally and what (if anything) to ask for, or `None`.
    fn history_plan<'a>(
        &self,
        endpoint: &Endpoint,
        params: &[(&'a str, String)],
    ) -> Option<Plan<'a>> {
        let domain = Domain::of(endpoint)?;
        let history = self.cache().history();
        if cache::refresh_requested() || !history.enabled() {
            return None;
        }
        let query = Query::parse(domain, params)?;
        let scope = self.cache_scope()?;
        let name = domain.name();
        let coverage = read(history.coverage(&scope, name))??;
        if query.start < coverage.start {
            return None;
        }
        let now = unix_now();
        let fresh_until = |end: i64| {
            let end_param = match endpoint.dates {
                DateStyle::Unix => ("enddate", end.to_string()),
                _ => ("enddateymd", utc_day(end)?.to_string()),
            };
            let max_age =
                endpoint
                    .freshness
                    .max_age(endpoint.dates, &[end_param], coverage.synced_at);
            Some((0..=max_age).contains(&(now - coverage.synced_at)))
        };
        let tail = if query.end <= coverage.end && fresh_until(query.end)? {
            None
        } else {
            let tail = query.tail(endpoint, params, coverage.end - SETTLING)?;
            if !fresh_until(tail.history_end)? {
                return None;
            }
            Some(tail)
        };
        let records = read(history.records(&scope, name))?;
        let extra = read(history.note(&scope, name, EXTRA_NOTE))?
            .and_then(|value| match value {
                Value::Object(map) => Some(map),
                _ => None,
            })
            .unwrap_or_default();
        Some(Plan {
            domain,
            query,
            coverage,
            records,
            extra,
            tail,
        })
    }
}

struct Plan<'a> {
    domain: &'static Domain,
    query: Query,
    coverage: Coverage,
    records: Vec<Value>,
    extra: Map<String, Value>,
    tail: Option<Tail<'a>>,
}

/// The part of a window the history cannot answer.
struct Tail<'a> {
    /// The caller's parameters with the window's start moved to `split`.
    params: Vec<(&'a str, String)>,
    /// The last instant the history answers for.
    history_end: i64,
    /// Records from here on come from Withings.
    split: Position,
}

/// A listing request as the history reads it.
struct Query {
    /// The window on the records' own axis, inclusive.
    first: Position,
    last: Position,
    /// The window as instants, as wide as any time zone could make it.
    start: i64,
    end: i64,
    /// getmeas only.
    category: Option<i64>,
    types: Vec<i64>,
}

impl Query {
    /// `None` when the request has a parameter the history cannot honour, or no
    /// whole window.
    fn parse(domain: &Domain, params: &[(&str, String)]) -> Option<Query> {
        let endpoint = domain.endpoint;
        let (start_name, end_name) = endpoint.dates.params()?;
        let mut first = None;
        let mut last = None;
        let mut category = None;
        let mut types = Vec::new();
        for (name, value) in params {
            match *name {
                name if name == start_name => first = Some(value.as_str()),
                name if name == end_name => last = Some(value.as_str()),
                "data_fields" if endpoint.default_data_fields == Some(value.as_str()) => {}
                "category" if endpoint == &GETMEAS => category = Some(value.parse().ok()?),
                "meastype" | "meastypes" if endpoint == &GETMEAS => {
                    for kind in value.split(',').map(str::trim).filter(|k| !k.is_empty()) {
                        types.push(kind.parse().ok()?);
                    }
                }
                _ => return None,
            }
        }
        let (first, last) = (first?, last?);
        let (first, last, start, end) = match endpoint.dates {
            DateStyle::Unix => {
                let (start, end): (i64, i64) = (first.parse().ok()?, last.parse().ok()?);
                (Position::At(start), Position::At(end), start, end)
            }
            DateStyle::Ymd => {
                let (first, last): (Date, Date) = (first.parse().ok()?, last.parse().ok()?);
                (
                    Position::Day(first.to_string()),
                    Position::Day(last.to_string()),
                    earliest_start(first),
                    utc_midnight(last) + LATEST_DAY_END,
                )
            }
            DateStyle::None => return None,
        };
        Some(Query {
            first,
            last,
            start,
            end,
            category,
            types,
        })
    }

    /// The request for the part from `trusted_until` on, and where the history's
    /// part ends; `None` when the history would answer none of the window.
    fn tail<'a>(
        &self,
        endpoint: &Endpoint,
        params: &[(&'a str, String)],
        trusted_until: i64,
    ) -> Option<Tail<'a>> {
        let (start_name, _) = endpoint.dates.params()?;
        let (tail_start, history_end, split) = match &self.first {
            Position::At(first) => {
                if trusted_until <= *first {
                    return None;
                }
                (
                    trusted_until.to_string(),
                    trusted_until - 1,
                    Position::At(trusted_until),
                )
            }
            Position::Day(first) => {
                let day = utc_day(trusted_until)?;
                if day.to_string() <= *first {
                    return None;
                }
                let before = day.checked_sub(1.day()).ok()?;
                (
                    day.to_string(),
                    utc_midnight(before) + LATEST_DAY_END,
                    Position::Day(day.to_string()),
                )
            }
        };
        let mut tail: Vec<(&'a str, String)> = params
            .iter()
            .filter(|(name, _)| *name != start_name)
            .cloned()
            .collect();
        tail.push((start_name, tail_start));
        Some(Tail {
            params: tail,
            history_end,
            split,
        })
    }

    /// `record` as the request would have it from Withings, or `None` if it would
    /// not be in the answer.
    fn keep(&self, domain: &Domain, mut record: Value) -> Option<Value> {
        let position = domain.position(&record)?;
        if position < self.first || position > self.last {
            return None;
        }
        if domain.endpoint != &GETMEAS {
            return Some(record);
        }
        if let Some(category) = self.category
            && record.get("category").and_then(Value::as_i64) != Some(category)
        {
            return None;
        }
        if !self.types.is_empty() {
            let measures = record.get_mut("measures")?.as_array_mut()?;
            measures.retain(|measure| {
                measure
                    .get("type")
                    .and_then(Value::as_i64)
                    .is_some_and(|kind| self.types.contains(&kind))
            });
            if measures.is_empty() {
                return None;
            }
        }
        Some(record)
    }
}

/// A history that cannot be read answers nothing; the call goes upstream.
fn read<T>(result: Result<T, delx_framework::cache::CacheError>) -> Option<T> {
    result
        .inspect_err(|error| tracing::warn!(%error, "cannot read the local history"))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::endpoints::GETACTIVITY;
    use serde_json::json;

    fn params<'a>(pairs: &[(&'a str, &str)]) -> Vec<(&'a str, String)> {
        pairs
            .iter()
            .map(|(name, value)| (*name, (*value).to_owned()))
            .collect()
    }

    #[test]
    fn getmeas_from_history_honours_the_window_category_and_types() {
        let domain = Domain::of(&GETMEAS).unwrap();
        let query = Query::parse(
            domain,
            &params(&[
                ("startdate", "100"),
                ("enddate", "200"),
                ("category", "1"),
                ("meastypes", "1,6"),
            ]),
        )
        .unwrap();
        let group = |date: i64, category: i64, types: &[i64]| {
            let measures: Vec<Value> = types.iter().map(|t| json!({"type": t})).collect();
            json!({"grpid": date, "date": date, "category": category, "measures": measures})
        };
        let kept = query.keep(domain, group(150, 1, &[1, 76])).unwrap();
        assert_eq!(kept["measures"], json!([{"type": 1}]));
        assert!(query.keep(domain, group(150, 1, &[76])).is_none());
        assert!(query.keep(domain, group(150, 2, &[1])).is_none());
        assert!(query.keep(domain, group(201, 1, &[1])).is_none());
        assert!(query.keep(domain, group(100, 1, &[6])).is_some());
    }

    #[test]
    fn a_parameter_the_history_cannot_honour_goes_upstream() {
        let domain = Domain::of(&GETACTIVITY).unwrap();
        let window = [("startdateymd", "2026-06-01"), ("enddateymd", "2026-06-30")];
        assert!(Query::parse(domain, &params(&window)).is_some());
        let mut other_fields = window.to_vec();
        other_fields.push(("data_fields", "steps"));
        assert!(Query::parse(domain, &params(&other_fields)).is_none());
        let mut lastupdate = window.to_vec();
        lastupdate.push(("lastupdate", "1"));
        assert!(Query::parse(domain, &params(&lastupdate)).is_none());
        assert!(Query::parse(domain, &params(&window[..1])).is_none());
    }

    #[test]
    fn the_tail_of_a_day_window_starts_on_the_first_untrusted_day() {
        let domain = Domain::of(&GETACTIVITY).unwrap();
        let asked = params(&[("startdateymd", "2026-06-01"), ("enddateymd", "2026-06-30")]);
        let query = Query::parse(domain, &asked).unwrap();
        let june_20 = utc_midnight(jiff::civil::date(2026, 6, 20)) + 3600;
        let tail = query.tail(&GETACTIVITY, &asked, june_20).unwrap();
        assert_eq!(
            tail.params,
            params(&[("enddateymd", "2026-06-30"), ("startdateymd", "2026-06-20")])
        );
        assert_eq!(tail.split, Position::Day("2026-06-20".into()));
        // The history answers up to the end of June 19, wherever the user lives.
        assert_eq!(
            tail.history_end,
            utc_midnight(jiff::civil::date(2026, 6, 19)) + LATEST_DAY_END
        );
        // A window wholly in the untrusted part has no history to read.
        let may_31 = utc_midnight(jiff::civil::date(2026, 5, 31));
        assert!(query.tail(&GETACTIVITY, &asked, may_31).is_none());
    }
}
