//! Small helpers for numbers and text shared by the tools' records and markdown.

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

/// `value` rounded to `decimals` decimals.
pub fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

/// The mean; `None` over nothing, so a missing value is never averaged as zero.
pub fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
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
