//! The summaries: a day, a week against the week before, and the Delx wellness
//! context. Each reads one window of days with one ranged request per domain
//! (see `fetch`), reduces it to per-day stats (`day`), window stats and deltas
//! (`aggregate`), and findings derived from those numbers (`insight`).

mod aggregate;
mod context;
mod daily;
mod day;
mod fetch;
mod insight;
mod weekly;

pub use context::{ContextInput, WellnessContext, WellnessContextTool};
pub use daily::{DailyInput, DailySummary, DailySummaryTool};
pub use weekly::{WeeklyInput, WeeklySummaryTool};

use delx_framework::ToolError;
use delx_framework::schemars::{self, JsonSchema};
use delx_framework::time::{DateInput, DayRange, local_date, zone};
use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use super::ToolContext;
use super::window::time_error;

/// Every summary says what it is not.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Safety {
    /// Always false: these are wellness trends, not a diagnosis.
    pub medical_advice: bool,
    pub note: &'static str,
}

pub const SAFETY: Safety = Safety {
    medical_advice: false,
    note: "Wellness context from Withings devices, not medical advice. Symptoms or unusual \
           readings are for a clinician.",
};

/// The local days a summary covers, and the zone they are in.
struct Days {
    timezone: String,
    today: Date,
}

impl ToolContext {
    /// The user's zone (or `timezone` when given) and today's local date in it.
    async fn summary_days(&self, timezone: Option<&str>) -> Result<Days, ToolError> {
        let timezone = match timezone {
            Some(name) => {
                zone(name).map_err(|error| {
                    ToolError::invalid_input(format!("`timezone`: {error}")).with_next_step(
                        "Give an IANA zone such as Europe/Paris, or leave it out to use the \
                         zone of the user's Withings devices.",
                    )
                })?;
                name.to_owned()
            }
            None => self.user_timezone().await?,
        };
        let tz = zone(&timezone).map_err(time_error)?;
        Ok(Days {
            today: local_date(jiff::Timestamp::now(), &tz),
            timezone,
        })
    }
}

impl Days {
    /// A `YYYY-MM-DD` argument (or a date-time, taken as its local day), not after today.
    fn parse(&self, argument: &str, text: &str) -> Result<Date, ToolError> {
        let tz = zone(&self.timezone).map_err(time_error)?;
        let day = DateInput::parse(text, &tz)
            .map_err(|error| ToolError::invalid_input(format!("`{argument}`: {error}")))?
            .date(&tz);
        if day > self.today {
            return Err(ToolError::invalid_input(format!(
                "`{argument}` {day} is after today ({}) in {}",
                self.today, self.timezone
            )));
        }
        Ok(day)
    }

    /// `count` days ending with `last`.
    fn ending(last: Date, count: u32) -> Result<DayRange, ToolError> {
        DayRange::ending(last, count).map_err(time_error)
    }

    fn before(day: Date, days: i64) -> Result<Date, ToolError> {
        day.checked_sub(days.days()).map_err(time_error)
    }
}

fn now() -> String {
    jiff::Timestamp::now().to_string()
}

/// Fetch failures and warnings as data-quality warnings.
fn problems(fetched: &fetch::Fetched) -> (Vec<String>, usize) {
    let mut warnings = fetched.warnings.clone();
    let failures = [
        ("activity", fetched.activity.as_ref().err()),
        ("sleep", fetched.sleep.as_ref().err()),
        ("body measures", fetched.measures.as_ref().err()),
        ("workouts", fetched.workouts.as_ref().err()),
        ("heart records", fetched.heart.as_ref().err()),
    ];
    let mut failed = 0;
    for (domain, error) in failures {
        if let Some(error) = error {
            failed += 1;
            warnings.push(format!("{domain} could not be read: {error}"));
        }
    }
    (warnings, failed)
}
