//! Minute-by-minute activity from the watch, computed on request for one local day
//! from that day's totals and workouts: the steps of a day's minutes add up exactly
//! to the day's `steps`, and a workout's minutes carry its cadence and heart rate.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::activity::{ActivityDay, round3};
use super::calendar::{HOME_ZONE, Zone, add_days, epoch_day, is_weekend, local_ts};
use super::dice::{Dice, Stream, noise};
use super::workouts::{SWIM, Workout};

/// The fields of `getintradayactivity`, in Withings' names.
pub const FIELDS: &[&str] = &[
    "steps",
    "elevation",
    "calories",
    "distance",
    "stroke",
    "pool_lap",
    "duration",
    "heart_rate",
    "spo2_auto",
];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct IntradayPoint {
    pub timestamp: i64,
    pub steps: Option<i64>,
    pub elevation: Option<i64>,
    pub calories: Option<f64>,
    pub distance: Option<f64>,
    pub duration: Option<i64>,
    pub heart_rate: Option<i64>,
    pub spo2_auto: Option<i64>,
    pub stroke: Option<i64>,
    pub pool_lap: Option<i64>,
}

impl IntradayPoint {
    /// The fields this minute has, in Withings' names.
    pub fn fields(&self) -> Vec<(&'static str, Value)> {
        let mut fields = Vec::new();
        let mut put = |name, value: Option<Value>| {
            if let Some(value) = value {
                fields.push((name, value));
            }
        };
        put("steps", self.steps.map(|v| json!(v)));
        put("elevation", self.elevation.map(|v| json!(v)));
        put("calories", self.calories.map(|v| json!(v)));
        put("distance", self.distance.map(|v| json!(v)));
        put("stroke", self.stroke.map(|v| json!(v)));
        put("pool_lap", self.pool_lap.map(|v| json!(v)));
        put("duration", self.duration.map(|v| json!(v)));
        put("heart_rate", self.heart_rate.map(|v| json!(v)));
        put("spo2_auto", self.spo2_auto.map(|v| json!(v)));
        fields
    }
}

fn point(points: &mut BTreeMap<i64, IntradayPoint>, at: i64) -> &mut IntradayPoint {
    points.entry(at).or_insert_with(|| IntradayPoint {
        timestamp: at,
        ..IntradayPoint::default()
    })
}

/// Adds a workout's minutes; returns the steps they hold.
fn workout_minutes(
    points: &mut BTreeMap<i64, IntradayPoint>,
    workout: &Workout,
    stride: f64,
    key: u64,
) -> i64 {
    let minutes = (workout.moving_seconds() / 60).max(1);
    let mut steps_left = workout.steps;
    let swim = workout.category == SWIM.category;
    for minute in 0..minutes {
        let at = workout.startdate + minute * 60;
        let n = noise(key, at as u64, 1);
        let last = minute == minutes - 1;
        let entry = point(points, at);
        entry.heart_rate = Some((workout.hr_average as f64 + 16.0 * (n - 0.5)).round() as i64);
        entry.duration = Some(60);
        entry.calories = Some(round3(workout.calories as f64 / minutes as f64));
        if workout.steps > 0 {
            let share = if last {
                steps_left
            } else {
                (workout.steps / minutes).min(steps_left)
            };
            steps_left -= share;
            entry.steps = Some(share);
            entry.distance = Some(round3(share as f64 * stride));
        } else if workout.distance > 0 {
            entry.distance = Some(round3(workout.distance as f64 / minutes as f64));
        }
        if swim {
            entry.stroke = Some(workout.strokes / minutes);
            entry.pool_lap = Some(
                (minute + 1) * workout.pool_laps / minutes - minute * workout.pool_laps / minutes,
            );
        }
    }
    workout.steps
}

/// Every minute with data on `day`, in time order.
pub(crate) fn day_points(
    seed: u64,
    zone: &Zone,
    day: &ActivityDay,
    workouts: &[&Workout],
) -> Vec<IntradayPoint> {
    let key = seed ^ (epoch_day(day.date) as u64).rotate_left(33);
    let mut dice = Dice::keyed(seed, Stream::Intraday, epoch_day(day.date) as u64);
    let midnight = local_ts(zone, day.date, 0);
    let next_midnight = local_ts(zone, add_days(day.date, 1), 0);
    let mut points = BTreeMap::new();

    let mut workout_steps = 0;
    for workout in workouts {
        workout_steps += workout_minutes(&mut points, workout, day.stride, key);
    }
    let busy = |at: i64| {
        workouts
            .iter()
            .any(|w| (w.startdate..w.enddate).contains(&at))
    };

    let windows: &[(i64, i64)] = if is_weekend(day.date) || day.timezone != HOME_ZONE {
        &[(9 * 60 + 30, 12 * 60 + 30), (14 * 60, 18 * 60 + 30)]
    } else {
        &[
            (7 * 60 + 30, 9 * 60),
            (12 * 60, 13 * 60 + 45),
            (17 * 60 + 30, 20 * 60),
        ]
    };
    let candidates: Vec<i64> = windows
        .iter()
        .flat_map(|&(from, to)| from..to)
        .map(|minute| midnight + minute * 60)
        .filter(|at| *at < next_midnight && !busy(*at))
        .collect();
    let mut walked: BTreeMap<i64, i64> = BTreeMap::new();
    let mut left = (day.full_day_steps - workout_steps).max(0);
    let mut attempts = 0;
    while left > 0 && !candidates.is_empty() && attempts < 100_000 {
        attempts += 1;
        let at = *dice.pick(&candidates);
        let steps = walked.entry(at).or_insert(0);
        let room = 140 - *steps;
        if room <= 0 {
            continue;
        }
        let chunk = dice.int(30, 110).min(room).min(left);
        *steps += chunk;
        left -= chunk;
    }
    for (at, steps) in walked {
        let entry = point(&mut points, at);
        entry.steps = Some(steps);
        entry.distance = Some(round3(steps as f64 * day.stride));
        entry.calories = Some(round3(steps as f64 * 0.04));
        entry.duration = Some(60);
        entry.elevation = Some(i64::from(noise(key, at as u64, 2) < 0.05));
    }

    if day.hr.is_some() {
        let mut at = midnight;
        while at < next_midnight {
            let minute_of_day = (at - midnight) / 60;
            let asleep = !(7 * 60..23 * 60).contains(&minute_of_day);
            if !busy(at) {
                let n = noise(key, at as u64, 3);
                let moving = points.get(&at).and_then(|p| p.steps).unwrap_or(0) > 80;
                let rate = if asleep {
                    52.0 + 8.0 * n
                } else {
                    66.0 + 16.0 * n
                } + if moving { 20.0 } else { 0.0 };
                point(&mut points, at).heart_rate = Some(rate.round() as i64);
            }
            if (60..6 * 60).contains(&minute_of_day) && minute_of_day % 30 == 0 {
                let spo2 = 94.0 + 5.0 * noise(key, at as u64, 4);
                point(&mut points, at).spo2_auto = Some(spo2.floor() as i64);
            }
            at += 600;
        }
    }
    points.into_values().collect()
}
