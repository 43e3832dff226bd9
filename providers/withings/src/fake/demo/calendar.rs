//! Local days and instants: the demo person lives in Europe/Paris (so the data
//! crosses daylight-saving changes) and sometimes travels to other zones.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};

pub(crate) const HOME_ZONE: &str = "Europe/Paris";

/// A zone the demo person is in on some day, with its IANA name for the JSON.
#[derive(Debug, Clone)]
pub(crate) struct Zone {
    pub(crate) name: &'static str,
    pub(crate) tz: TimeZone,
}

/// The unix time of `seconds` after local midnight of `date`; seconds past one day
/// roll over into the next. Nonexistent local times (in a spring-forward gap) move
/// forward, as Withings devices do.
pub(crate) fn local_ts(zone: &Zone, date: Date, seconds: i64) -> i64 {
    let date = add_days(date, seconds.div_euclid(86_400));
    let seconds = seconds.rem_euclid(86_400);
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    let time = jiff::civil::time(h as i8, m as i8, s as i8, 0);
    zone.tz
        .to_timestamp(date.to_datetime(time))
        .map(Timestamp::as_second)
        // Unreachable within the validated window; UTC is an honest fallback.
        .unwrap_or_else(|_| epoch_day(date) * 86_400 + seconds)
}

/// The local date of a unix time in `zone`.
pub(crate) fn local_date(zone: &Zone, unix: i64) -> Date {
    match Timestamp::from_second(unix) {
        Ok(ts) => zone.tz.to_datetime(ts).date(),
        Err(_) => Date::ZERO,
    }
}

pub(crate) fn add_days(date: Date, days: i64) -> Date {
    date.checked_add(Span::new().days(days)).unwrap_or(date)
}

/// Days since 1970-01-01: a stable key for per-day random streams.
pub(crate) fn epoch_day(date: Date) -> i64 {
    let epoch = jiff::civil::date(1970, 1, 1);
    date.since(epoch)
        .map(|span| i64::from(span.get_days()))
        .unwrap_or(0)
}

/// Whether the day after `date` is a working day (the person goes to bed earlier).
pub(crate) fn is_weekend(date: Date) -> bool {
    matches!(
        date.weekday(),
        jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
    )
}
