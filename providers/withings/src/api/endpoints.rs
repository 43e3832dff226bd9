//! The endpoint contract map: one entry per Withings endpoint we call.
//!
//! Withings' endpoints differ in small ways that are easy to get wrong (unix seconds
//! versus `YYYY-MM-DD`, where the records sit in the body, which fields must be
//! asked for by name); each entry states them once, and the client and the fake
//! server's tests read them from here.

/// How an endpoint takes its date window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateStyle {
    /// `startdate`/`enddate` in unix seconds.
    Unix,
    /// `startdateymd`/`enddateymd` as local `YYYY-MM-DD`.
    Ymd,
    /// No date window.
    None,
}

impl DateStyle {
    /// The names of the start and end parameters.
    pub fn params(self) -> Option<(&'static str, &'static str)> {
        match self {
            Self::Unix => Some(("startdate", "enddate")),
            Self::Ymd => Some(("startdateymd", "enddateymd")),
            Self::None => None,
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// Our name for it, unique (`getmeas`, `sleep_summary`).
    pub name: &'static str,
    pub path: &'static str,
    pub action: &'static str,
    pub dates: DateStyle,
    /// Where the records are in the body; `None` when the body itself is the record.
    pub records_key: Option<&'static str>,
    /// Fields requested when the caller names none: Withings returns only what is
    /// asked for, and its own default set omits heart rate, scores and snoring.
    pub default_data_fields: Option<&'static str>,
    pub scope: &'static str,
    /// Whether the endpoint pages with `more`/`offset`.
    pub paginated: bool,
    /// The longest window one call covers, in seconds; longer windows are cut by
    /// Withings, so callers split them.
    pub max_window_secs: Option<i64>,
    /// How long a cached answer stays fresh.
    pub freshness: Freshness,
}

/// How long a cached answer of an endpoint stays fresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// This many seconds, for answers that change slowly (devices, goals).
    Fixed(i64),
    /// By how recent the window's end is: today's data changes by the minute, the
    /// last few days settle as devices sync (a watch may sync days late), and older
    /// windows almost never change.
    Window,
    /// Never changes once recorded (an ECG signal).
    Immutable,
}

const MINUTE: i64 = 60;
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

impl Freshness {
    /// Seconds an answer to `params` stays fresh at `now`.
    pub fn max_age(self, dates: DateStyle, params: &[(&str, String)], now: i64) -> i64 {
        match self {
            Self::Fixed(seconds) => seconds,
            Self::Immutable => 30 * DAY,
            Self::Window => match window_end(dates, params) {
                Some(end) if end < now - 3 * DAY => 7 * DAY,
                Some(end) if end < now - 2 * HOUR => HOUR,
                _ => 5 * MINUTE,
            },
        }
    }
}

/// The unix time a request's window ends, as late as any time zone could put it.
fn window_end(dates: DateStyle, params: &[(&str, String)]) -> Option<i64> {
    let (_, end) = dates.params()?;
    let value = params.iter().find(|(name, _)| *name == end)?.1.as_str();
    match dates {
        DateStyle::Unix => value.parse().ok(),
        DateStyle::Ymd => {
            let day: jiff::civil::Date = value.parse().ok()?;
            let midnight = day.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp();
            // The day ends at most 24 h + 12 h (UTC-12) after its UTC midnight.
            Some(midnight.as_second() + DAY + 12 * HOUR)
        }
        DateStyle::None => None,
    }
}

pub const GETMEAS: Endpoint = Endpoint {
    name: "getmeas",
    path: "/measure",
    action: "getmeas",
    dates: DateStyle::Unix,
    records_key: Some("measuregrps"),
    default_data_fields: None,
    scope: "user.metrics",
    paginated: true,
    max_window_secs: None,
    freshness: Freshness::Window,
};

pub const GETACTIVITY: Endpoint = Endpoint {
    name: "getactivity",
    path: "/v2/measure",
    action: "getactivity",
    dates: DateStyle::Ymd,
    records_key: Some("activities"),
    default_data_fields: Some(
        "steps,distance,elevation,soft,moderate,intense,active,calories,totalcalories,\
         hr_average,hr_min,hr_max,hr_zone_0,hr_zone_1,hr_zone_2,hr_zone_3",
    ),
    scope: "user.activity",
    paginated: true,
    max_window_secs: None,
    freshness: Freshness::Window,
};

pub const GETINTRADAYACTIVITY: Endpoint = Endpoint {
    name: "getintradayactivity",
    path: "/v2/measure",
    action: "getintradayactivity",
    dates: DateStyle::Unix,
    records_key: Some("series"),
    default_data_fields: Some(
        "steps,elevation,calories,distance,stroke,pool_lap,duration,heart_rate,spo2_auto,rmssd,sdnn1,hrv_quality",
    ),
    scope: "user.activity",
    paginated: false,
    max_window_secs: Some(24 * 3600),
    freshness: Freshness::Window,
};

pub const GETWORKOUTS: Endpoint = Endpoint {
    name: "getworkouts",
    path: "/v2/measure",
    action: "getworkouts",
    dates: DateStyle::Ymd,
    records_key: Some("series"),
    default_data_fields: Some(
        "calories,intensity,manual_intensity,manual_distance,manual_calories,hr_average,hr_min,hr_max,\
         hr_zone_0,hr_zone_1,hr_zone_2,hr_zone_3,pause_duration,algo_pause_duration,spo2_average,\
         steps,distance,elevation,pool_laps,strokes,pool_length",
    ),
    scope: "user.activity",
    paginated: true,
    max_window_secs: None,
    freshness: Freshness::Window,
};

pub const SLEEP_GET: Endpoint = Endpoint {
    name: "sleep_get",
    path: "/v2/sleep",
    action: "get",
    dates: DateStyle::Unix,
    records_key: Some("series"),
    default_data_fields: Some("hr,rr,snoring,sdnn_1,rmssd,hrv_quality,mvt_score"),
    scope: "user.activity",
    paginated: false,
    max_window_secs: Some(7 * 24 * 3600),
    freshness: Freshness::Window,
};

pub const SLEEP_SUMMARY: Endpoint = Endpoint {
    name: "sleep_summary",
    path: "/v2/sleep",
    action: "getsummary",
    dates: DateStyle::Ymd,
    records_key: Some("series"),
    default_data_fields: Some(
        "total_timeinbed,total_sleep_time,asleepduration,lightsleepduration,remsleepduration,\
         deepsleepduration,sleep_efficiency,sleep_latency,wakeup_latency,wakeupduration,wakeupcount,\
         waso,nb_rem_episodes,breathing_disturbances_intensity,apnea_hypopnea_index,withings_index,\
         out_of_bed_count,hr_average,hr_min,hr_max,rr_average,rr_min,rr_max,snoring,\
         snoringepisodecount,sleep_score,night_events,mvt_score_avg,mvt_active_duration,\
         rmssd_start_avg,rmssd_end_avg",
    ),
    scope: "user.activity",
    paginated: true,
    max_window_secs: None,
    freshness: Freshness::Window,
};

pub const HEART_LIST: Endpoint = Endpoint {
    name: "heart_list",
    path: "/v2/heart",
    action: "list",
    dates: DateStyle::Unix,
    records_key: Some("series"),
    default_data_fields: None,
    scope: "user.metrics",
    paginated: true,
    max_window_secs: None,
    freshness: Freshness::Window,
};

pub const HEART_GET: Endpoint = Endpoint {
    name: "heart_get",
    path: "/v2/heart",
    action: "get",
    dates: DateStyle::None,
    records_key: None,
    default_data_fields: None,
    scope: "user.metrics",
    paginated: false,
    max_window_secs: None,
    freshness: Freshness::Immutable,
};

pub const GETDEVICE: Endpoint = Endpoint {
    name: "getdevice",
    path: "/v2/user",
    action: "getdevice",
    dates: DateStyle::None,
    records_key: Some("devices"),
    default_data_fields: None,
    scope: "user.info",
    paginated: false,
    max_window_secs: None,
    freshness: Freshness::Fixed(15 * MINUTE),
};

pub const GETGOALS: Endpoint = Endpoint {
    name: "getgoals",
    path: "/v2/user",
    action: "getgoals",
    dates: DateStyle::None,
    records_key: Some("goals"),
    default_data_fields: None,
    scope: "user.info",
    paginated: false,
    max_window_secs: None,
    freshness: Freshness::Fixed(HOUR),
};

/// Every data endpoint, for diagnostics and contract tests.
pub const ALL: &[&Endpoint] = &[
    &GETMEAS,
    &GETACTIVITY,
    &GETINTRADAYACTIVITY,
    &GETWORKOUTS,
    &SLEEP_GET,
    &SLEEP_SUMMARY,
    &HEART_LIST,
    &HEART_GET,
    &GETDEVICE,
    &GETGOALS,
];

/// The token and signature webservices.
pub const OAUTH2_PATH: &str = "/v2/oauth2";
pub const SIGNATURE_PATH: &str = "/v2/signature";
pub const AUTHORIZE_PATH: &str = "/oauth2_user/authorize2";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_near_now_stay_fresh_briefly_and_closed_ones_long() {
        let now = 1_790_000_000;
        let unix = |end: i64| vec![("startdate", "0".to_owned()), ("enddate", end.to_string())];
        let age = |end| Freshness::Window.max_age(DateStyle::Unix, &unix(end), now);
        assert_eq!(age(now), 5 * MINUTE);
        assert_eq!(age(now - DAY), HOUR);
        assert_eq!(age(now - 10 * DAY), 7 * DAY);
        // A window without an end is treated as reaching now.
        assert_eq!(
            Freshness::Window.max_age(DateStyle::Unix, &[], now),
            5 * MINUTE
        );
        // A past day, wherever the user lives, is at least an hour old.
        let ymd = vec![("enddateymd", "2026-01-01".to_owned())];
        let jan_5 = 1_767_571_200; // 2026-01-05T00:00:00Z
        assert_eq!(Freshness::Window.max_age(DateStyle::Ymd, &ymd, jan_5), HOUR);
        assert_eq!(
            Freshness::Window.max_age(DateStyle::Ymd, &ymd, jan_5 + 30 * DAY),
            7 * DAY
        );
    }

    #[test]
    fn names_are_unique_and_paths_are_absolute() {
        for (i, a) in ALL.iter().enumerate() {
            assert!(a.path.starts_with('/'), "{}", a.name);
            for b in &ALL[i + 1..] {
                assert_ne!(a.name, b.name);
                assert!(
                    (a.path, a.action) != (b.path, b.action),
                    "{} and {} collide",
                    a.name,
                    b.name
                );
            }
        }
    }

    #[test]
    fn day_endpoints_take_ymd_and_instant_endpoints_unix() {
        for endpoint in [&GETACTIVITY, &GETWORKOUTS, &SLEEP_SUMMARY] {
            assert_eq!(endpoint.dates, DateStyle::Ymd, "{}", endpoint.name);
        }
        for endpoint in [&GETMEAS, &GETINTRADAYACTIVITY, &SLEEP_GET, &HEART_LIST] {
            assert_eq!(endpoint.dates, DateStyle::Unix, "{}", endpoint.name);
        }
        assert_eq!(
            DateStyle::Ymd.params(),
            Some(("startdateymd", "enddateymd"))
        );
    }
}
