//! Date windows in the form each endpoint wants, built from the user's local days.
//!
//! Day-based endpoints take the local dates themselves; instant-based ones take
//! unix seconds, which must be the start and end of the user's local days in their
//! own time zone (the one Withings reports), not UTC midnight.

use delx_framework::time::DayRange;
use jiff::tz::TimeZone;

use super::endpoints::{DateStyle, Endpoint};
use super::error::ApiError;

/// The window parameters of `endpoint` for `days` in `tz`.
pub fn window_params(
    endpoint: &Endpoint,
    days: &DayRange,
    tz: &TimeZone,
) -> Result<Vec<(&'static str, String)>, ApiError> {
    let Some((start_name, end_name)) = endpoint.dates.params() else {
        return Ok(Vec::new());
    };
    Ok(match endpoint.dates {
        DateStyle::Ymd => vec![
            (start_name, days.first.to_string()),
            (end_name, days.last.to_string()),
        ],
        DateStyle::Unix | DateStyle::None => {
            let (start, end) = days
                .unix_bounds(tz)
                .map_err(|error| ApiError::Invalid(error.to_string()))?;
            // Withings' end bound is inclusive; the day's end is exclusive.
            vec![
                (start_name, start.to_string()),
                (end_name, (end - 1).to_string()),
            ]
        }
    })
}

/// Splits `[start, end)` into windows no longer than `max` seconds, for
/// endpoints that silently cut longer ones (intraday: 24 h).
pub fn split_window(start: i64, end: i64, max: i64) -> Vec<(i64, i64)> {
    let max = max.max(1);
    let mut windows = Vec::new();
    let mut from = start;
    while from < end {
        let to = (from + max).min(end);
        windows.push((from, to));
        from = to;
    }
    windows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::endpoints::{GETACTIVITY, GETMEAS};
    use delx_framework::time::zone;
    use jiff::civil::date;

    #[test]
    fn ymd_endpoints_get_local_dates_and_unix_ones_local_midnights() {
        let paris = zone("Europe/Paris").unwrap();
        let days = DayRange::new(date(2025, 3, 29), date(2025, 3, 30)).unwrap();
        let ymd = window_params(&GETACTIVITY, &days, &paris).unwrap();
        assert_eq!(
            ymd,
            [
                ("startdateymd", "2025-03-29".into()),
                ("enddateymd", "2025-03-30".into())
            ]
        );
        let unix = window_params(&GETMEAS, &days, &paris).unwrap();
        // 2025-03-29 00:00 CET = 2025-03-28T23:00Z; the 30th is a 23-hour day (DST).
        assert_eq!(unix[0], ("startdate", "1743202800".into()));
        assert_eq!(
            unix[1],
            (
                "enddate",
                (1_743_202_800 + 24 * 3600 + 23 * 3600 - 1).to_string()
            )
        );
    }

    #[test]
    fn windows_split_without_gaps_or_overlap() {
        assert_eq!(split_window(0, 50, 20), [(0, 20), (20, 40), (40, 50)]);
        assert_eq!(split_window(0, 20, 20), [(0, 20)]);
        assert!(split_window(5, 5, 20).is_empty());
    }
}
