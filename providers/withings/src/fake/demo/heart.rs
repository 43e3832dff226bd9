//! ECG recordings: a few from the watch (30 s at 300 Hz) and from the BPM Core (20 s
//! at 500 Hz, with a blood-pressure reading). Each also leaves measure groups, as on
//! a real account. Signals are computed on request from the record, not stored:
//! ten thousand samples each would dominate the account's memory.

use super::body::{Measure, MeasureGroup, blood_pressure};
use super::calendar::local_ts;
use super::devices::DeviceKind;
use super::dice::{Dice, Stream, noise};
use super::plan::DayPlan;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcgRecord {
    pub signalid: i64,
    /// The watch or the BPM Core.
    pub device: DeviceKind,
    pub timestamp: i64,
    pub modified: i64,
    /// 0 negative, 1 positive, 2 inconclusive.
    pub afib: i64,
    pub heart_rate: i64,
    /// `(diastole, systole)`, BPM Core only.
    pub bloodpressure: Option<(i64, i64)>,
    key: u64,
}

impl EcgRecord {
    /// Withings' numeric model in heart records.
    pub fn model(&self) -> i64 {
        if self.device == DeviceKind::BloodPressure {
            44
        } else {
            93
        }
    }

    pub fn sampling_frequency(&self) -> i64 {
        if self.device == DeviceKind::BloodPressure {
            500
        } else {
            300
        }
    }

    /// Left arm for the cuff, left wrist for the watch.
    pub fn wearposition(&self) -> i64 {
        if self.device == DeviceKind::BloodPressure {
            3
        } else {
            1
        }
    }

    pub fn duration_seconds(&self) -> i64 {
        if self.device == DeviceKind::BloodPressure {
            20
        } else {
            30
        }
    }

    /// The signal in µV: P, QRS and T waves at the record's heart rate with a little
    /// beat-to-beat variability, baseline wander and noise.
    pub fn signal(&self) -> Vec<i64> {
        let rate = self.sampling_frequency();
        let count = (rate * self.duration_seconds()) as usize;
        let mean_interval = 60.0 / self.heart_rate.max(30) as f64;
        let duration = self.duration_seconds() as f64;
        let mut beats = Vec::new();
        let mut at = 0.3 * mean_interval;
        while at < duration + mean_interval {
            beats.push(at);
            at += mean_interval * (0.95 + 0.1 * noise(self.key, beats.len() as u64, 1));
        }
        let amplitude = if self.device == DeviceKind::BloodPressure {
            1100.0
        } else {
            650.0
        };
        let wave = |t: f64, centre: f64, width: f64, height: f64| {
            let x = (t - centre) / width;
            height * (-0.5 * x * x).exp()
        };
        let mut next_beat = 0;
        (0..count)
            .map(|index| {
                let t = index as f64 / rate as f64;
                while next_beat + 1 < beats.len() && beats[next_beat + 1] <= t + 0.4 {
                    next_beat += 1;
                }
                let mut value = 40.0 * (std::f64::consts::TAU * 0.25 * t).sin()
                    + 24.0 * (noise(self.key, index as u64, 2) - 0.5);
                for beat in beats.iter().skip(next_beat.saturating_sub(1)).take(3) {
                    value += wave(t, beat - 0.18, 0.025, 0.12 * amplitude)
                        + wave(t, beat - 0.035, 0.01, -0.1 * amplitude)
                        + wave(t, *beat, 0.009, amplitude)
                        + wave(t, beat + 0.035, 0.011, -0.22 * amplitude)
                        + wave(t, beat + 0.28, 0.045, 0.28 * amplitude);
                }
                value.round() as i64
            })
            .collect()
    }
}

pub(crate) struct Heart {
    pub(crate) records: Vec<EcgRecord>,
    pub(crate) groups: Vec<MeasureGroup>,
}

fn ecg_measures(afib: i64, dice: &mut Dice) -> Vec<Measure> {
    let interval = |kind: i64, value: i64| Measure {
        value,
        kind,
        unit: 0,
        algo: Some(0),
        fm: Some(0),
        app_entry: false,
    };
    vec![
        interval(130, afib),
        interval(135, dice.int(84, 102)),
        interval(136, dice.int(140, 180)),
        interval(137, dice.int(370, 410)),
        interval(138, dice.int(395, 430)),
    ]
}

pub(crate) fn generate(seed: u64, plans: &[DayPlan], as_of: i64) -> Heart {
    let mut dice = Dice::new(seed, Stream::Heart);
    let mut signalid = 100_000_000 + (seed % 50_000_000) as i64;
    let mut records = Vec::new();
    let mut groups = Vec::new();
    let days = plans.len() as i64;

    let mut watch_days = Vec::new();
    let mut day = dice.int(15, 60);
    while day < days {
        watch_days.push((day, DeviceKind::Watch));
        day += dice.int(60, 130);
    }
    let cuff_days = [days / 4, days / 2, days * 3 / 4]
        .map(|d| (d + dice.int(-10, 10), DeviceKind::BloodPressure));
    let mut all: Vec<(i64, DeviceKind)> = watch_days.into_iter().chain(cuff_days).collect();
    all.sort_by_key(|(day, _)| *day);

    for (nth, (index, device)) in all.into_iter().enumerate() {
        let Some(plan) = usize::try_from(index).ok().and_then(|i| plans.get(i)) else {
            continue;
        };
        if device == DeviceKind::BloodPressure && plan.away {
            continue;
        }
        let timestamp = local_ts(&plan.zone, plan.date, dice.int(10 * 3600, 21 * 3600));
        let modified = timestamp + dice.int(40, 120);
        let heart_rate = dice.int(60, 82);
        let afib = if nth == 2 { 2 } else { 0 };
        signalid += dice.int(10_000, 900_000);
        if modified > as_of {
            continue;
        }
        let bloodpressure =
            (device == DeviceKind::BloodPressure).then(|| (dice.int(72, 86), dice.int(116, 134)));
        let measures = match bloodpressure {
            Some((diastole, systole)) => blood_pressure(diastole, systole, heart_rate),
            None => ecg_measures(afib, &mut dice),
        };
        groups.push(MeasureGroup {
            grpid: 0,
            attrib: 0,
            date: timestamp,
            created: modified,
            modified,
            category: 1,
            device: Some(device),
            measures,
        });
        records.push(EcgRecord {
            signalid,
            device,
            timestamp,
            modified,
            afib,
            heart_rate,
            bloodpressure,
            key: seed ^ (signalid as u64).rotate_left(29),
        });
    }
    Heart { records, groups }
}
