//! One local day as the summaries see it: the day's activity, the night that
//! ended that morning, the day's last weigh-in and blood pressure, its workouts.
//!
//! A value a device did not record stays absent; a domain that could not be read
//! leaves its fields absent on every day, never zero.

use std::collections::BTreeMap;

use delx_framework::schemars::{self, JsonSchema};
use delx_framework::time::DayRange;
use serde::Serialize;

use super::fetch::Fetched;
use crate::model::{MeasureType, local_day, local_time};
use crate::tools::format::round;

#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct DayStats {
    /// The local day, `YYYY-MM-DD`.
    pub date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steps: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_m: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_calories_kcal: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_calories_kcal: Option<f64>,
    /// Moderate plus intense activity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_minutes: Option<f64>,
    /// Asleep time of the night that ended this day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sleep_minutes: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_in_bed_minutes: Option<f64>,
    /// Withings' sleep score, 0 to 100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sleep_score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sleep_efficiency_pct: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deep_sleep_minutes: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rem_sleep_minutes: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wakeups: Option<f64>,
    /// Average heart rate during the night.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sleep_heart_rate_bpm: Option<f64>,
    /// Local `HH:MM` the night started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bedtime: Option<String>,
    /// Local `HH:MM` the night ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wake_time: Option<String>,
    /// The day's last own weigh-in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight_kg: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fat_ratio_pct: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub systolic_mmhg: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diastolic_mmhg: Option<f64>,
    /// Recorded workouts; absent when workouts could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workouts: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workout_minutes: Option<f64>,
    /// ECG recordings; absent when heart records could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ecg_recordings: Option<u32>,
    /// Bedtime as minutes after the noon before the night, for spreads.
    #[serde(skip)]
    pub bedtime_minutes: Option<f64>,
}

impl DayStats {
    pub fn has_activity(&self) -> bool {
        self.steps.is_some()
    }
    pub fn has_sleep(&self) -> bool {
        self.sleep_minutes.is_some() || self.sleep_score.is_some()
    }
}

/// `seconds` as minutes with one decimal.
pub fn minutes(seconds: f64) -> f64 {
    round(seconds / 60.0, 1)
}

/// The days of `range`, oldest first, filled from what was fetched.
pub fn days(range: DayRange, data: &Fetched) -> Vec<DayStats> {
    let mut by_day: BTreeMap<String, DayStats> = range
        .days()
        .map(|day| {
            let date = day.to_string();
            (
                date.clone(),
                DayStats {
                    date,
                    ..DayStats::default()
                },
            )
        })
        .collect();
    let zone = data.timezone.as_str();

    if let Ok(activities) = &data.activity {
        // A day synced from two trackers has two records: the fuller one counts.
        for record in activities {
            let Some(day) = by_day.get_mut(&record.date) else {
                continue;
            };
            if record.steps.is_none() || day.steps >= record.steps {
                continue;
            }
            day.steps = record.steps;
            day.distance_m = record.distance;
            day.active_calories_kcal = record.calories;
            day.total_calories_kcal = record.totalcalories;
            day.active_minutes = match (record.moderate, record.intense) {
                (None, None) => None,
                (moderate, intense) => Some(minutes(
                    (moderate.unwrap_or(0) + intense.unwrap_or(0)) as f64,
                )),
            };
        }
    }

    if let Ok(nights) = &data.sleep {
        // Naps and a second device give a day several records: the longest is the night.
        for night in nights {
            let Some(day) = by_day.get_mut(&night.date) else {
                continue;
            };
            let asleep = night.metric("total_sleep_time").map(minutes);
            if day.has_sleep() && day.sleep_minutes >= asleep {
                continue;
            }
            let night_zone = night.timezone.as_deref().unwrap_or(zone);
            day.sleep_minutes = asleep;
            day.time_in_bed_minutes = night.metric("total_timeinbed").map(minutes);
            day.sleep_score = night.metric("sleep_score");
            day.sleep_efficiency_pct = night
                .metric("sleep_efficiency")
                .map(|e| round(if e <= 1.0 { e * 100.0 } else { e }, 1));
            day.deep_sleep_minutes = night.metric("deepsleepduration").map(minutes);
            day.rem_sleep_minutes = night.metric("remsleepduration").map(minutes);
            day.wakeups = night.metric("wakeupcount");
            day.sleep_heart_rate_bpm = night.metric("hr_average").filter(|hr| *hr > 0.0);
            day.bedtime = clock(night.startdate, night_zone);
            day.wake_time = clock(night.enddate, night_zone);
            day.bedtime_minutes = day.bedtime.as_deref().and_then(after_noon);
        }
    }

    if let Ok(groups) = &data.measures {
        // Groups come oldest first, so the last one written wins: the day's latest.
        let mut groups: Vec<_> = groups.iter().collect();
        groups.sort_by_key(|group| group.date);
        for group in groups {
            let group_zone = group.timezone.as_deref().unwrap_or(zone);
            let Some(day) = local_day(group.date, group_zone).and_then(|d| by_day.get_mut(&d))
            else {
                continue;
            };
            for measure in &group.measures {
                let value = Some(measure.value);
                match measure.measure_type {
                    MeasureType::Weight => day.weight_kg = value.map(|v| round(v, 2)),
                    MeasureType::FatRatio => day.fat_ratio_pct = value.map(|v| round(v, 1)),
                    MeasureType::SystolicBp => day.systolic_mmhg = value,
                    MeasureType::DiastolicBp => day.diastolic_mmhg = value,
                    _ => {}
                }
            }
        }
    }

    if let Ok(workouts) = &data.workouts {
        for day in by_day.values_mut() {
            day.workouts = Some(0);
        }
        for workout in workouts {
            let Some(day) = by_day.get_mut(&workout.date) else {
                continue;
            };
            day.workouts = Some(day.workouts.unwrap_or(0) + 1);
            let spent = minutes(workout.duration_seconds() as f64);
            day.workout_minutes = Some(round(day.workout_minutes.unwrap_or(0.0) + spent, 1));
        }
    }

    if let Ok(records) = &data.heart {
        for day in by_day.values_mut() {
            day.ecg_recordings = Some(0);
        }
        for record in records.iter().filter(|record| record.ecg.is_some()) {
            if let Some(day) = local_day(record.timestamp, zone).and_then(|d| by_day.get_mut(&d)) {
                day.ecg_recordings = Some(day.ecg_recordings.unwrap_or(0) + 1);
            }
        }
    }

    by_day.into_values().collect()
}

/// Local `HH:MM` of a unix time.
fn clock(at: i64, zone: &str) -> Option<String> {
    local_time(at, zone).and_then(|time| time.get(11..16).map(str::to_owned))
}

/// `HH:MM` as minutes after noon, so 23:30 and 00:30 are an hour apart.
fn after_noon(clock: &str) -> Option<f64> {
    let (hours, minutes) = clock.split_once(':')?;
    let total = hours.parse::<f64>().ok()? * 60.0 + minutes.parse::<f64>().ok()?;
    Some(if total < 720.0 {
        total + 720.0
    } else {
        total - 720.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bedtimes_around_midnight_are_close() {
        assert_eq!(after_noon("23:30"), Some(690.0));
        assert_eq!(after_noon("00:30"), Some(750.0));
        assert_eq!(after_noon("12:00"), Some(0.0));
        assert_eq!(after_noon("nonsense"), None);
    }
}
