//! A window of days reduced to averages and totals over the days that have data,
//! and the changes between two windows. An average over no day is absent.

use delx_framework::schemars::{self, JsonSchema};
use serde::Serialize;

use super::day::DayStats;
use crate::tools::format::{mean, round};

#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct WindowStats {
    /// First local day, `YYYY-MM-DD`.
    pub first: String,
    /// Last local day, `YYYY-MM-DD`.
    pub last: String,
    pub days: usize,
    pub days_with_activity: usize,
    pub days_with_sleep: usize,
    pub days_with_weight: usize,
    pub days_with_blood_pressure: usize,
    /// Steps summed over the days with activity data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_steps: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avg_steps: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avg_active_minutes: Option<f64>,
    /// Moderate and intense minutes per 7 days, from the days with activity data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_minutes_per_week: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avg_sleep_minutes: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avg_sleep_score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avg_sleep_efficiency_pct: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avg_deep_sleep_minutes: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avg_sleep_heart_rate_bpm: Option<f64>,
    /// Standard deviation of bedtimes, in minutes (at least 3 nights).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bedtime_spread_minutes: Option<f64>,
    /// Absent when workouts could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workouts: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workout_minutes: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest_weight_kg: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest_weight_date: Option<String>,
    /// Last weigh-in minus first weigh-in of the window (at least two).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight_change_kg: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avg_systolic_mmhg: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avg_diastolic_mmhg: Option<f64>,
}

fn collect(days: &[DayStats], field: impl Fn(&DayStats) -> Option<f64>) -> Vec<f64> {
    days.iter().filter_map(field).collect()
}

fn avg(days: &[DayStats], decimals: i32, field: impl Fn(&DayStats) -> Option<f64>) -> Option<f64> {
    mean(&collect(days, field)).map(|value| round(value, decimals))
}

/// Population standard deviation, from `min` values up.
fn spread(values: &[f64], min: usize) -> Option<f64> {
    if values.len() < min {
        return None;
    }
    let mean = mean(values)?;
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / values.len() as f64;
    Some(variance.sqrt())
}

impl WindowStats {
    /// `days` oldest first.
    pub fn of(days: &[DayStats]) -> Self {
        let steps = collect(days, |d| d.steps.map(|s| s as f64));
        let active = collect(days, |d| d.active_minutes);
        let weights: Vec<&DayStats> = days.iter().filter(|d| d.weight_kg.is_some()).collect();
        let workouts_known = days.iter().any(|d| d.workouts.is_some());
        Self {
            first: days.first().map(|d| d.date.clone()).unwrap_or_default(),
            last: days.last().map(|d| d.date.clone()).unwrap_or_default(),
            days: days.len(),
            days_with_activity: days.iter().filter(|d| d.has_activity()).count(),
            days_with_sleep: days.iter().filter(|d| d.has_sleep()).count(),
            days_with_weight: weights.len(),
            days_with_blood_pressure: days.iter().filter(|d| d.systolic_mmhg.is_some()).count(),
            total_steps: (!steps.is_empty()).then(|| steps.iter().sum::<f64>() as i64),
            avg_steps: mean(&steps).map(|v| v.round()),
            avg_active_minutes: mean(&active).map(|v| round(v, 1)),
            active_minutes_per_week: mean(&active).map(|v| round(v * 7.0, 0)),
            avg_sleep_minutes: avg(days, 1, |d| d.sleep_minutes),
            avg_sleep_score: avg(days, 1, |d| d.sleep_score),
            avg_sleep_efficiency_pct: avg(days, 1, |d| d.sleep_efficiency_pct),
            avg_deep_sleep_minutes: avg(days, 1, |d| d.deep_sleep_minutes),
            avg_sleep_heart_rate_bpm: avg(days, 0, |d| d.sleep_heart_rate_bpm),
            bedtime_spread_minutes: spread(&collect(days, |d| d.bedtime_minutes), 3)
                .map(|v| v.round()),
            workouts: workouts_known.then(|| days.iter().filter_map(|d| d.workouts).sum::<u32>()),
            workout_minutes: workouts_known.then(|| {
                round(
                    days.iter().filter_map(|d| d.workout_minutes).sum::<f64>(),
                    1,
                )
            }),
            latest_weight_kg: weights.last().and_then(|d| d.weight_kg),
            latest_weight_date: weights.last().map(|d| d.date.clone()),
            weight_change_kg: match (weights.first(), weights.last()) {
                (Some(first), Some(last)) if weights.len() >= 2 => first
                    .weight_kg
                    .zip(last.weight_kg)
                    .map(|(a, b)| round(b - a, 2)),
                _ => None,
            },
            avg_systolic_mmhg: avg(days, 0, |d| d.systolic_mmhg),
            avg_diastolic_mmhg: avg(days, 0, |d| d.diastolic_mmhg),
        }
    }

    /// The share of day-domain slots (activity and sleep) that have data, 0 to 1.
    pub fn completeness(&self) -> f64 {
        if self.days == 0 {
            return 0.0;
        }
        round(
            (self.days_with_activity + self.days_with_sleep) as f64 / (2 * self.days) as f64,
            2,
        )
    }
}

/// How one metric moved between the comparison window and the current one.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Delta {
    /// The `WindowStats` field compared.
    pub metric: &'static str,
    pub current: f64,
    pub previous: f64,
    /// `current - previous`, in the metric's unit.
    pub change: f64,
    /// The change relative to `previous`; absent when `previous` is 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_pct: Option<f64>,
}

type Metric = (&'static str, fn(&WindowStats) -> Option<f64>);

/// The metrics present in both windows, and how each moved.
pub fn deltas(current: &WindowStats, previous: &WindowStats) -> Vec<Delta> {
    let metrics: [Metric; 8] = [
        ("avg_steps", |w| w.avg_steps),
        ("avg_active_minutes", |w| w.avg_active_minutes),
        ("avg_sleep_minutes", |w| w.avg_sleep_minutes),
        ("avg_sleep_score", |w| w.avg_sleep_score),
        ("avg_sleep_efficiency_pct", |w| w.avg_sleep_efficiency_pct),
        ("workout_minutes", |w| w.workout_minutes),
        ("latest_weight_kg", |w| w.latest_weight_kg),
        ("avg_systolic_mmhg", |w| w.avg_systolic_mmhg),
    ];
    metrics
        .into_iter()
        .filter_map(|(metric, get)| {
            let (current, previous) = (get(current)?, get(previous)?);
            Some(Delta {
                metric,
                current,
                previous,
                change: round(current - previous, 2),
                change_pct: (previous != 0.0)
                    .then(|| round((current - previous) / previous * 100.0, 1)),
            })
        })
        .collect()
}

/// The delta of `metric`, if both windows had it.
pub fn delta_pct(deltas: &[Delta], metric: &str) -> Option<f64> {
    deltas
        .iter()
        .find(|delta| delta.metric == metric)
        .and_then(|delta| delta.change_pct)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(date: &str, steps: Option<i64>, sleep: Option<f64>) -> DayStats {
        DayStats {
            date: date.into(),
            steps,
            sleep_minutes: sleep,
            ..DayStats::default()
        }
    }

    #[test]
    fn averages_skip_missing_days_instead_of_counting_zero() {
        let days = [
            day("2026-06-01", Some(8000), Some(420.0)),
            day("2026-06-02", None, None),
            day("2026-06-03", Some(6000), Some(390.0)),
        ];
        let stats = WindowStats::of(&days);
        assert_eq!(stats.days, 3);
        assert_eq!(stats.days_with_activity, 2);
        assert_eq!(stats.avg_steps, Some(7000.0));
        assert_eq!(stats.total_steps, Some(14000));
        assert_eq!(stats.avg_sleep_minutes, Some(405.0));
        assert_eq!(stats.avg_sleep_score, None);
        assert_eq!(stats.workouts, None);
        assert_eq!(stats.completeness(), 0.67);
    }

    #[test]
    fn deltas_cover_only_metrics_both_windows_have() {
        let current = WindowStats::of(&[day("2026-06-08", Some(9000), None)]);
        let previous = WindowStats::of(&[day("2026-06-01", Some(6000), Some(400.0))]);
        let deltas = deltas(&current, &previous);
        assert_eq!(deltas.len(), 1);
        assert_eq!(deltas[0].metric, "avg_steps");
        assert_eq!(deltas[0].change, 3000.0);
        assert_eq!(deltas[0].change_pct, Some(50.0));
    }

    #[test]
    fn bedtime_spread_needs_three_nights() {
        let mut days = vec![
            DayStats {
                bedtime_minutes: Some(600.0),
                ..day("a", None, Some(400.0))
            },
            DayStats {
                bedtime_minutes: Some(660.0),
                ..day("b", None, Some(400.0))
            },
        ];
        assert_eq!(WindowStats::of(&days).bedtime_spread_minutes, None);
        days.push(DayStats {
            bedtime_minutes: Some(720.0),
            ..day("c", None, Some(400.0))
        });
        // Population deviation of 600, 660, 720.
        assert_eq!(WindowStats::of(&days).bedtime_spread_minutes, Some(49.0));
    }
}
