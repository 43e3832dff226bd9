//! Withings dates: unix seconds everywhere, `YYYY-MM-DD` local days on day-granular
//! records, and an IANA zone next to them (reference §5).

use jiff::Zoned;
use jiff::civil::Date;

/// A `date` field that is not a `YYYY-MM-DD` day.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a Withings day (YYYY-MM-DD)")]
pub struct InvalidDate(pub String);

/// A day-granular `date` (getactivity, getworkouts, getsummary): a day in the
/// record's own zone, not in UTC.
pub fn parse_day(text: &str) -> Result<Date, InvalidDate> {
    text.trim()
        .parse::<Date>()
        .map_err(|_| InvalidDate(text.to_owned()))
}

/// The instant `at` (unix seconds) in `zone`; `None` when the zone is not a known
/// IANA name or the instant is out of range, since a display hint must never fail
/// a decode.
pub fn zoned(at: i64, zone: &str) -> Option<Zoned> {
    let zone = delx_framework::time::zone(zone).ok()?;
    jiff::Timestamp::from_second(at)
        .ok()
        .map(|at| at.to_zoned(zone))
}

/// `at` in `zone` as RFC 3339 with the zone's offset, e.g. `2023-09-02T12:39:11+02:00`.
pub fn local_time(at: i64, zone: &str) -> Option<String> {
    zoned(at, zone).map(|local| local.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string())
}

/// The local day `at` falls on in `zone`, as `YYYY-MM-DD`.
pub fn local_day(at: i64, zone: &str) -> Option<String> {
    zoned(at, zone).map(|local| local.date().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_parse_and_bad_days_say_what_they_got() {
        assert_eq!(parse_day("2021-04-18"), Ok(jiff::civil::date(2021, 4, 18)));
        assert_eq!(
            parse_day("18/04/2021").unwrap_err().to_string(),
            "\"18/04/2021\" is not a Withings day (YYYY-MM-DD)"
        );
    }

    #[test]
    fn instants_read_in_the_records_zone() {
        // 22:30 UTC on the 17th is already 00:30 on the 18th in Paris.
        assert_eq!(local_day(1618698600, "UTC").as_deref(), Some("2021-04-17"));
        assert_eq!(
            local_day(1618698600, "Europe/Paris").as_deref(),
            Some("2021-04-18")
        );
        assert_eq!(
            local_time(1693651151, "Europe/Amsterdam").as_deref(),
            Some("2023-09-02T12:39:11+02:00")
        );
        assert_eq!(local_time(1693651151, "Mars/Olympus"), None);
    }
}
