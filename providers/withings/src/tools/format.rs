//! Small text helpers shared by the tools' markdown and records.

use serde_json::{Value, json};

/// `value` with at most `decimals` decimals and no trailing zeros.
pub fn number(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

pub fn local_minute(at: i64, timezone: &str) -> String {
    crate::model::local_time(at, timezone)
        .map(|time| time.get(..16).unwrap_or(&time).replace('T', " "))
        .unwrap_or_else(|| at.to_string())
}

pub fn local_or_unix(at: i64, timezone: &str) -> Value {
    crate::model::local_time(at, timezone).map_or(json!(at), Value::from)
}

/// `5400` as `1 h 30 min`.
pub fn hours_minutes(seconds: f64) -> String {
    let minutes = (seconds / 60.0).round() as i64;
    if minutes >= 60 {
        format!("{} h {:02} min", minutes / 60, minutes % 60)
    } else {
        format!("{minutes} min")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_drop_trailing_zeros() {
        assert_eq!(number(74.30, 2), "74.3");
        assert_eq!(number(80.0, 2), "80");
        assert_eq!(number(19.812, 1), "19.8");
    }
}
