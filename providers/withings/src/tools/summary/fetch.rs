//! Everything a summary reads, fetched with one ranged request per domain for the
//! whole window: a weekly summary with its comparison window costs five data
//! requests (plus the time zone, asked once per process), not one per day and
//! domain as the original connector did.

use delx_framework::ToolError;
use delx_framework::time::DayRange;
use serde_json::Value;

use crate::api::endpoints::{
    Endpoint, GETACTIVITY, GETMEAS, GETWORKOUTS, HEART_LIST, SLEEP_SUMMARY,
};
use crate::model::{
    ActivityDay, Category, DecodedGroup, GroupFilter, HeartRecord, MeasureGroup, SleepSummary,
    Workout, decode_groups,
};
use crate::tools::ToolContext;
use crate::tools::window::Resolved;

/// Pages per domain: two months of any domain fit in one page of Withings' usual
/// page sizes, so this only matters for long wellness-context windows.
const MAX_PAGES: u32 = 5;

/// One domain's records, or why they could not be read.
pub type Domain<T> = Result<Vec<T>, String>;

pub struct Fetched {
    /// The zone local days are in.
    pub timezone: String,
    pub activity: Domain<ActivityDay>,
    pub sleep: Domain<SleepSummary>,
    /// The user's own real measures only: no objectives, no ambiguous groups.
    pub measures: Domain<DecodedGroup>,
    pub workouts: Domain<Workout>,
    pub heart: Domain<HeartRecord>,
    /// Problems that did not stop a domain: unreadable records, page caps.
    pub warnings: Vec<String>,
}

impl ToolContext {
    /// Reads every domain over `days`. Fails only when no domain could be read
    /// (then the first error says why: usually authorization); a domain that
    /// fails alone becomes a warning in the summary's data quality.
    pub(in crate::tools) async fn fetch_days(
        &self,
        days: DayRange,
        timezone: &str,
    ) -> Result<Fetched, ToolError> {
        let timezone = timezone.to_owned();
        let window = Resolved::whole_days(timezone.clone(), days, MAX_PAGES)?;
        let (activity, sleep, measures, workouts, heart) = tokio::join!(
            self.fetch(&GETACTIVITY, &window, Vec::new()),
            self.fetch(&SLEEP_SUMMARY, &window, Vec::new()),
            self.fetch(&GETMEAS, &window, vec![("category", "1".to_owned())]),
            self.fetch(&GETWORKOUTS, &window, Vec::new()),
            self.fetch(&HEART_LIST, &window, Vec::new()),
        );
        if let (Err(first), Err(_), Err(_), Err(_), Err(_)) =
            (&activity, &sleep, &measures, &workouts, &heart)
        {
            return Err(first.clone());
        }
        let mut warnings = Vec::new();
        let measures = measures.map(|listing| {
            let zone = listing
                .extra
                .get("timezone")
                .and_then(Value::as_str)
                .unwrap_or(&timezone)
                .to_owned();
            let groups: Vec<MeasureGroup> =
                decode_records(&GETMEAS, listing.records, &mut warnings);
            let own_real = GroupFilter {
                category: Some(Category::Real),
                include_ambiguous: false,
                types: Vec::new(),
            };
            own_real.apply(decode_groups(groups, Some(&zone)))
        });
        let mut read = |endpoint: &Endpoint, listing: Result<crate::api::Listing, ToolError>| {
            listing.map(|listing| {
                if listing.truncated {
                    warnings.push(format!(
                        "{}: more than {MAX_PAGES} pages in the window; later records were not read",
                        endpoint.name
                    ));
                }
                listing.records
            })
        };
        let activity = read(&GETACTIVITY, activity);
        let sleep = read(&SLEEP_SUMMARY, sleep);
        let workouts = read(&GETWORKOUTS, workouts);
        let heart = read(&HEART_LIST, heart);
        Ok(Fetched {
            activity: domain(&GETACTIVITY, activity, &mut warnings),
            sleep: domain(&SLEEP_SUMMARY, sleep, &mut warnings),
            measures: measures.map_err(|error| error.to_text()),
            workouts: domain(&GETWORKOUTS, workouts, &mut warnings),
            heart: domain(&HEART_LIST, heart, &mut warnings),
            timezone,
            warnings,
        })
    }
}

fn domain<T: serde::de::DeserializeOwned>(
    endpoint: &Endpoint,
    records: Result<Vec<Value>, ToolError>,
    warnings: &mut Vec<String>,
) -> Domain<T> {
    records
        .map(|records| decode_records(endpoint, records, warnings))
        .map_err(|error| error.to_text())
}

/// Typed records; one that does not decode is skipped and named in a warning
/// rather than failing the whole summary.
fn decode_records<T: serde::de::DeserializeOwned>(
    endpoint: &Endpoint,
    records: Vec<Value>,
    warnings: &mut Vec<String>,
) -> Vec<T> {
    let mut skipped = 0;
    let typed = records
        .into_iter()
        .filter_map(|record| {
            serde_json::from_value(record)
                .map_err(|_| skipped += 1)
                .ok()
        })
        .collect();
    if skipped > 0 {
        warnings.push(format!(
            "{}: {skipped} unreadable record(s) left out",
            endpoint.name
        ));
    }
    typed
}
