//! Local days. Wellness questions are about the user's days ("how did I sleep last
//! night?"), so every window is built from the user's IANA time zone, never UTC,
//! and days around a DST change are 23 or 25 hours long.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    #[error("unknown time zone {0:?}; use an IANA name such as Europe/Paris")]
    UnknownZone(String),
    #[error("{0:?} is neither a date (YYYY-MM-DD) nor an ISO 8601 date-time")]
    BadDate(String),
    #[error("the window starts ({start}) after it ends ({end})")]
    Reversed { start: Date, end: Date },
    #[error("date out of range")]
    OutOfRange,
}

pub fn zone(name: &str) -> Result<TimeZone, TimeError> {
    TimeZone::get(name).map_err(|_| TimeError::UnknownZone(name.to_owned()))
}

/// The calendar date `at` falls on in `tz`.
pub fn local_date(at: Timestamp, tz: &TimeZone) -> Date {
    at.to_zoned(tz.clone()).date()
}

/// Unix seconds of the first instant of `date` in `tz` and of the next day:
/// the half-open interval `[start, end)` covering that whole local day.
pub fn day_bounds(date: Date, tz: &TimeZone) -> Result<(i64, i64), TimeError> {
    let start = date
        .to_zoned(tz.clone())
        .map_err(|_| TimeError::OutOfRange)?;
    let next = date
        .checked_add(1.day())
        .and_then(|next| next.to_zoned(tz.clone()))
        .map_err(|_| TimeError::OutOfRange)?;
    Ok((start.timestamp().as_second(), next.timestamp().as_second()))
}

/// An inclusive range of local days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayRange {
    pub first: Date,
    pub last: Date,
}

impl DayRange {
    pub fn new(first: Date, last: Date) -> Result<Self, TimeError> {
        if first > last {
            return Err(TimeError::Reversed {
                start: first,
                end: last,
            });
        }
        Ok(Self { first, last })
    }

    /// The `days` days ending with `last` (one day when `days` is 0 or 1).
    pub fn ending(last: Date, days: u32) -> Result<Self, TimeError> {
        let back = i64::from(days.max(1) - 1);
        let first = last
            .checked_sub(back.days())
            .map_err(|_| TimeError::OutOfRange)?;
        Ok(Self { first, last })
    }

    /// Unix seconds `[start of first day, start of the day after last)` in `tz`.
    pub fn unix_bounds(&self, tz: &TimeZone) -> Result<(i64, i64), TimeError> {
        let (start, _) = day_bounds(self.first, tz)?;
        let (_, end) = day_bounds(self.last, tz)?;
        Ok((start, end))
    }

    pub fn days(&self) -> impl Iterator<Item = Date> + use<> {
        let last = self.last;
        self.first
            .series(1.day())
            .take_while(move |day| *day <= last)
    }

    pub fn len(&self) -> usize {
        self.days().count()
    }

    pub fn is_empty(&self) -> bool {
        false
    }
}

/// A user-supplied bound: a whole local day, or an exact instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateInput {
    Day(Date),
    Instant(Timestamp),
}

impl DateInput {
    /// Parses `YYYY-MM-DD`, or an ISO 8601 date-time with an offset (`Z` or
    /// `+02:00`), or one without, read as local time in `tz`.
    pub fn parse(text: &str, tz: &TimeZone) -> Result<Self, TimeError> {
        let text = text.trim();
        let bad = || TimeError::BadDate(text.to_owned());
        // jiff reads the date part of a date-time as a date, so tell them apart first.
        if !text.contains(['T', 't', ' ']) {
            return text.parse::<Date>().map(Self::Day).map_err(|_| bad());
        }
        if let Ok(at) = text.parse::<Timestamp>() {
            return Ok(Self::Instant(at));
        }
        let local = text.parse::<jiff::civil::DateTime>().map_err(|_| bad())?;
        let zoned = local
            .to_zoned(tz.clone())
            .map_err(|_| TimeError::OutOfRange)?;
        Ok(Self::Instant(zoned.timestamp()))
    }

    /// The local day this bound falls on.
    pub fn date(&self, tz: &TimeZone) -> Date {
        match self {
            Self::Day(day) => *day,
            Self::Instant(at) => local_date(*at, tz),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_dst_spring_day_is_23_hours_and_an_autumn_day_25() {
        let paris = zone("Europe/Paris").unwrap();
        let (start, end) = day_bounds(date(2025, 3, 30), &paris).unwrap();
        assert_eq!(end - start, 23 * 3600);
        let (start, end) = day_bounds(date(2025, 10, 26), &paris).unwrap();
        assert_eq!(end - start, 25 * 3600);
        let (start, _) = day_bounds(date(2025, 1, 15), &paris).unwrap();
        assert_eq!(
            start, 1_736_895_600,
            "midnight in Paris is 23:00 UTC in winter"
        );
    }

    #[test]
    fn ranges_cover_whole_local_days() {
        let paris = zone("Europe/Paris").unwrap();
        let range = DayRange::ending(date(2025, 3, 31), 3).unwrap();
        assert_eq!(range.first, date(2025, 3, 29));
        assert_eq!(range.len(), 3);
        let (start, end) = range.unix_bounds(&paris).unwrap();
        assert_eq!(end - start, (24 + 23 + 24) * 3600);
        assert!(DayRange::new(date(2025, 1, 2), date(2025, 1, 1)).is_err());
    }

    #[test]
    fn inputs_parse_as_days_or_instants() {
        let paris = zone("Europe/Paris").unwrap();
        assert_eq!(
            DateInput::parse("2025-06-01", &paris).unwrap(),
            DateInput::Day(date(2025, 6, 1))
        );
        let utc = DateInput::parse("2025-06-01T22:30:00Z", &paris).unwrap();
        assert_eq!(
            utc.date(&paris),
            date(2025, 6, 2),
            "00:30 in Paris the next day"
        );
        let local = DateInput::parse("2025-06-01T08:00:00", &paris).unwrap();
        assert_eq!(
            local,
            DateInput::Instant("2025-06-01T06:00:00Z".parse().unwrap())
        );
        assert!(DateInput::parse("yesterday", &paris).is_err());
        assert!(zone("Mars/Olympus").is_err());
    }
}
