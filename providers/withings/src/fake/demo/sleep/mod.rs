//! Nights: a hypnogram of 90-minute cycles (deep sleep early, REM late, a few
//! awakenings), per-minute vitals derived from it, and a summary computed from
//! those very samples, so that the detail (`sleep get`) and the summary
//! (`getsummary`) of a night always agree. At home the Sleep Analyzer records the
//! night; away, the watch does, with fewer signals.

mod signals;
mod summary;

use jiff::civil::Date;
use serde_json::Value;

use super::calendar::{add_days, is_weekend, local_date, local_ts};
use super::devices::DeviceKind;
use super::dice::{Dice, Stream};
use super::plan::DayPlan;

pub const AWAKE: i64 = 0;
pub const LIGHT: i64 = 1;
pub const DEEP: i64 = 2;
pub const REM: i64 = 3;

/// The per-minute signals of `sleep get`, in Withings' names.
pub const SERIES_FIELDS: &[&str] = &[
    "hr",
    "rr",
    "snoring",
    "sdnn_1",
    "rmssd",
    "hrv_quality",
    "mvt_score",
    "chest_movement_rate",
    "withings_index",
    "breathing_sounds",
];

/// The summary fields Withings returns when `data_fields` is omitted.
pub const DEFAULT_SUMMARY_FIELDS: &[&str] = &[
    "wakeupduration",
    "wakeupcount",
    "durationtosleep",
    "remsleepduration",
    "durationtowakeup",
    "total_timeinbed",
    "total_sleep_time",
    "sleep_efficiency",
    "sleep_latency",
    "wakeup_latency",
    "waso",
    "nb_rem_episodes",
    "out_of_bed_count",
    "lightsleepduration",
    "deepsleepduration",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    pub startdate: i64,
    pub enddate: i64,
    /// 0 awake, 1 light, 2 deep, 3 REM.
    pub state: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Night {
    pub id: i64,
    pub timezone: &'static str,
    /// The Sleep Analyzer (model 32) or, when travelling, the watch (model 16).
    pub device: DeviceKind,
    pub startdate: i64,
    pub enddate: i64,
    /// The local date of the wake-up.
    pub date: Date,
    pub created: i64,
    pub modified: i64,
    pub segments: Vec<Segment>,
    /// The summary's `data`, every field this night has.
    pub summary: Vec<(&'static str, Value)>,
    key: u64,
    hr_base: f64,
    rr_base: f64,
    snore_rate: f64,
}

impl Night {
    /// Withings' `model` for sleep: 32 for a sleep monitor, 16 for a tracker.
    pub fn model(&self) -> i64 {
        if self.device == DeviceKind::SleepAnalyzer {
            32
        } else {
            16
        }
    }

    pub fn summary_field(&self, name: &str) -> Option<&Value> {
        self.summary
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value)
    }
}

struct Timing {
    startdate: i64,
    minutes: Vec<(i64, i64)>,
}

fn hypnogram(dice: &mut Dice, total_minutes: i64) -> Vec<(i64, i64)> {
    let latency = dice.int(4, 25);
    let wake_latency = dice.int(2, 15);
    let asleep = total_minutes - latency - wake_latency;
    let mut minutes = vec![(AWAKE, latency)];
    let mut used = 0;
    let mut cycle = 0;
    while used < asleep {
        let deep = match cycle {
            0 | 1 => dice.int(20, 40),
            2 => dice.int(5, 15),
            _ => 0,
        };
        let rem = if cycle == 0 {
            dice.int(5, 12)
        } else {
            dice.int(15, 30)
        };
        let light_first = dice.int(15, 30);
        let light_second = (dice.int(85, 110) - deep - rem - light_first).max(5);
        for (state, length) in [
            (LIGHT, light_first),
            (DEEP, deep),
            (LIGHT, light_second),
            (REM, rem),
        ] {
            let length = length.min(asleep - used);
            if length > 0 {
                minutes.push((state, length));
                used += length;
            }
        }
        if used < asleep - 20 && dice.chance(0.3) {
            let length = dice.int(2, 10);
            minutes.push((AWAKE, length));
            used += length;
        }
        cycle += 1;
    }
    minutes.push((AWAKE, wake_latency));
    // Adjacent segments of one state are one segment.
    let mut merged: Vec<(i64, i64)> = Vec::new();
    for (state, length) in minutes {
        match merged.last_mut() {
            Some((last, total)) if *last == state => *total += length,
            _ => merged.push((state, length)),
        }
    }
    merged
}

fn timing(dice: &mut Dice, day: &DayPlan) -> Timing {
    let evening = add_days(day.date, -1);
    let workday = !is_weekend(day.date);
    let bedtime = if workday {
        dice.int(22 * 3600 + 40 * 60, 23 * 3600 + 50 * 60)
    } else {
        dice.int(23 * 3600 + 15 * 60, 24 * 3600 + 45 * 60)
    };
    let hours = if workday {
        dice.normal(7.5, 0.5)
    } else {
        dice.normal(8.3, 0.6)
    }
    .clamp(6.2, 9.4);
    Timing {
        startdate: local_ts(&day.zone, evening, bedtime) + dice.int(0, 59),
        minutes: hypnogram(dice, (hours * 60.0).round() as i64),
    }
}

pub(crate) fn generate(seed: u64, plans: &[DayPlan], as_of: i64) -> Vec<Night> {
    let mut dice = Dice::new(seed, Stream::Sleep);
    let mut id = 2_000_000_000 + (seed % 700_000_000) as i64;
    let mut nights = Vec::new();
    for day in plans.iter().skip(1) {
        let timing = timing(&mut dice, day);
        let hr_base = dice.normal(58.0, 3.0) + if day.away { 3.0 } else { 0.0 };
        let rr_base = dice.normal(14.5, 0.8);
        let snore_rate = if dice.chance(0.4) {
            dice.range(0.02, 0.2)
        } else {
            0.0
        };
        let out_of_bed = dice.chance(0.15);
        let breathing = (dice.int(0, 20), dice.int(0, 12), dice.chance(0.1));
        let upload = dice.int(10 * 60, 40 * 60);
        id += dice.int(1_000, 60_000);
        let device = if day.away {
            DeviceKind::Watch
        } else {
            DeviceKind::SleepAnalyzer
        };
        let recorded = if day.away {
            day.watch_worn
        } else {
            day.analyzer_night
        };
        let total: i64 = timing.minutes.iter().map(|(_, m)| m * 60).sum();
        let enddate = timing.startdate + total;
        let created = enddate + upload;
        if !recorded || created > as_of {
            continue;
        }
        let mut at = timing.startdate;
        let segments = timing
            .minutes
            .iter()
            .map(|&(state, minutes)| {
                let segment = Segment {
                    startdate: at,
                    enddate: at + minutes * 60,
                    state,
                };
                at = segment.enddate;
                segment
            })
            .collect();
        let mut night = Night {
            id,
            timezone: day.zone.name,
            device,
            startdate: timing.startdate,
            enddate,
            date: local_date(&day.zone, enddate),
            created,
            modified: created,
            segments,
            summary: Vec::new(),
            key: seed ^ (id as u64).rotate_left(21),
            hr_base,
            rr_base,
            snore_rate,
        };
        night.summary = summary::summarize(&night, out_of_bed, breathing);
        nights.push(night);
    }
    nights
}
