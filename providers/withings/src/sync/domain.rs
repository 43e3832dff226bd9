//! The five domains a sync keeps, and for each how Withings identifies a record
//! and where the record sits in time: what upserts and window filters need.

use serde_json::Value;

use crate::api::endpoints::{
    DateStyle, Endpoint, GETACTIVITY, GETMEAS, GETWORKOUTS, HEART_LIST, SLEEP_SUMMARY,
};

/// One synced domain.
#[derive(Debug)]
pub struct Domain {
    pub endpoint: &'static Endpoint,
    /// Whether Withings takes `lastupdate` here (the heart list does not: a later
    /// sync asks it for a recent window instead).
    pub lastupdate: bool,
    identity: fn(&Value) -> Option<String>,
}

/// In the order a sync runs them.
pub const DOMAINS: &[Domain] = &[
    Domain {
        endpoint: &GETMEAS,
        lastupdate: true,
        identity: measure_group,
    },
    Domain {
        endpoint: &GETACTIVITY,
        lastupdate: true,
        identity: activity_day,
    },
    Domain {
        endpoint: &GETWORKOUTS,
        lastupdate: true,
        identity: by_id,
    },
    Domain {
        endpoint: &SLEEP_SUMMARY,
        lastupdate: true,
        identity: by_id,
    },
    Domain {
        endpoint: &HEART_LIST,
        lastupdate: false,
        identity: heart_recording,
    },
];

impl Domain {
    /// The synced domain `endpoint` belongs to, if any.
    pub fn of(endpoint: &Endpoint) -> Option<&'static Domain> {
        DOMAINS
            .iter()
            .find(|domain| domain.endpoint.name == endpoint.name)
    }

    pub fn name(&self) -> &'static str {
        self.endpoint.name
    }

    /// What makes `record` itself; `None` for a record without one (not kept).
    pub fn identity(&self, record: &Value) -> Option<String> {
        (self.identity)(record)
    }

    /// When Withings last changed `record`; 0 when it does not say.
    pub fn modified(&self, record: &Value) -> i64 {
        record.get("modified").and_then(as_int).unwrap_or(0)
    }

    /// Where `record` sits on the axis the endpoint's window filters on.
    pub fn position(&self, record: &Value) -> Option<Position> {
        match self.endpoint.dates {
            DateStyle::Unix => {
                let field = if self.endpoint == &HEART_LIST {
                    "timestamp"
                } else {
                    "date"
                };
                record.get(field).and_then(as_int).map(Position::At)
            }
            DateStyle::Ymd => record
                .get("date")
                .and_then(Value::as_str)
                .map(|day| Position::Day(day.to_owned())),
            DateStyle::None => None,
        }
    }

    /// Withings lists measure groups newest first, everything else oldest first.
    pub(crate) fn newest_first(&self) -> bool {
        self.endpoint == &GETMEAS
    }
}

/// A record's place: an instant (unix seconds) or a local day (`YYYY-MM-DD`, which
/// sorts as text).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Position {
    At(i64),
    Day(String),
}

fn measure_group(record: &Value) -> Option<String> {
    record
        .get("grpid")
        .and_then(as_int)
        .map(|id| id.to_string())
}

/// A day per tracker: two devices' days must not overwrite each other.
fn activity_day(record: &Value) -> Option<String> {
    let date = record.get("date").and_then(Value::as_str)?;
    let device = record
        .get("deviceid")
        .or_else(|| record.get("hash_deviceid"))
        .map(text)
        .unwrap_or_default();
    let brand = record.get("brand").map(text).unwrap_or_default();
    Some(format!("{date}/{device}/{brand}"))
}

fn by_id(record: &Value) -> Option<String> {
    record.get("id").and_then(as_int).map(|id| id.to_string())
}

/// The ECG's signal id, else the recording's time.
fn heart_recording(record: &Value) -> Option<String> {
    let signal = record
        .get("ecg")
        .and_then(|ecg| ecg.get("signalid"))
        .or_else(|| record.get("signalid"))
        .and_then(as_int);
    match signal {
        Some(id) => Some(format!("signal/{id}")),
        None => record
            .get("timestamp")
            .and_then(as_int)
            .map(|at| format!("at/{at}")),
    }
}

/// Withings sends ids and times as numbers, sometimes as strings.
fn as_int(value: &Value) -> Option<i64> {
    value
        .as_i64()
        .or_else(|| value.as_str().and_then(|text| text.parse().ok()))
}

fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn two_trackers_days_have_different_identities() {
        let domain = Domain::of(&GETACTIVITY).unwrap();
        let watch = json!({"date": "2026-06-01", "deviceid": "a", "brand": 1});
        let phone = json!({"date": "2026-06-01", "deviceid": null, "brand": 18});
        assert_ne!(domain.identity(&watch), domain.identity(&phone));
    }

    #[test]
    fn an_ecg_is_its_signal_or_else_its_time() {
        let domain = Domain::of(&HEART_LIST).unwrap();
        let ecg = json!({"ecg": {"signalid": 7}, "timestamp": 100});
        assert_eq!(domain.identity(&ecg).as_deref(), Some("signal/7"));
        let bare = json!({"timestamp": 100});
        assert_eq!(domain.identity(&bare).as_deref(), Some("at/100"));
        assert_eq!(domain.position(&bare), Some(Position::At(100)));
    }
}
