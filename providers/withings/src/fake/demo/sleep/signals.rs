//! The per-minute signals of a night (heart rate, breathing, snoring, HRV,
//! movement), computed from the hypnogram and stateless noise, so that any minute
//! can be computed alone and always gives the same value.

use super::{AWAKE, DEEP, LIGHT, Night, REM, Segment};
use crate::fake::demo::devices::DeviceKind;
use crate::fake::demo::dice::noise;

impl Night {
    /// Whether this night's device records a series field.
    pub fn has_series(&self, field: &str) -> bool {
        Signal::parse(field).is_some_and(|signal| self.records(signal))
    }

    fn records(&self, signal: Signal) -> bool {
        match self.device {
            DeviceKind::SleepAnalyzer => signal != Signal::Chest,
            _ => matches!(
                signal,
                Signal::Hr
                    | Signal::Sdnn
                    | Signal::Rmssd
                    | Signal::HrvQuality
                    | Signal::Movement
                    | Signal::Chest
            ),
        }
    }

    /// One sample of a series field at a minute inside `segment`.
    pub fn sample(&self, field: &str, segment: &Segment, at: i64) -> Option<i64> {
        let signal = Signal::parse(field)?;
        self.records(signal)
            .then(|| self.value(signal, segment.state, at))
    }

    fn value(&self, signal: Signal, state: i64, at: i64) -> i64 {
        let n = |salt: u64| noise(self.key, at as u64, salt);
        let value = match signal {
            Signal::Hr => {
                let offset = match state {
                    AWAKE => 7.0,
                    DEEP => -4.0,
                    REM => 3.0,
                    _ => 0.0,
                };
                let progress =
                    (at - self.startdate) as f64 / (self.enddate - self.startdate).max(1) as f64;
                self.hr_base + offset - 3.0 * progress + 5.0 * (n(1) - 0.5)
            }
            Signal::Rr | Signal::Chest => {
                let offset = if state == AWAKE { 1.5 } else { 0.0 };
                self.rr_base + offset + 2.0 * (n(2) - 0.5)
            }
            Signal::Snoring => {
                if matches!(state, LIGHT | DEEP) && n(3) < self.snore_rate {
                    (20.0 + 40.0 * n(4)).floor()
                } else {
                    0.0
                }
            }
            Signal::Sdnn => 45.0 + 30.0 * n(5) + if state == DEEP { 10.0 } else { 0.0 },
            Signal::Rmssd => 30.0 + 30.0 * n(6) + if state == DEEP { 12.0 } else { 0.0 },
            Signal::HrvQuality => 1.0 + (n(7) * 3.99).floor(),
            Signal::Movement => {
                if state == AWAKE {
                    20.0 + 60.0 * n(8)
                } else {
                    12.0 * n(8)
                }
            }
            Signal::WithingsIndex => (n(9) * 4.0).floor(),
            Signal::BreathingSounds => {
                if state == LIGHT && n(10) < 0.02 {
                    (10.0 + 40.0 * n(11)).floor()
                } else {
                    0.0
                }
            }
        };
        value.round() as i64
    }

    /// The minutes at which a segment has samples: every 60 s from its start.
    pub fn sample_times(segment: &Segment) -> impl Iterator<Item = i64> {
        (segment.startdate..segment.enddate).step_by(60)
    }

    pub(super) fn series(&self, signal: Signal) -> Vec<(i64, i64)> {
        if !self.records(signal) {
            return Vec::new();
        }
        let mut samples = Vec::with_capacity(((self.enddate - self.startdate) / 60 + 1) as usize);
        for segment in &self.segments {
            let mut at = segment.startdate;
            while at < segment.enddate {
                samples.push((at, self.value(signal, segment.state, at)));
                at += 60;
            }
        }
        samples
    }
}

/// The per-minute signals of sleep detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Signal {
    Hr,
    Rr,
    Snoring,
    Sdnn,
    Rmssd,
    HrvQuality,
    Movement,
    Chest,
    WithingsIndex,
    BreathingSounds,
}

impl Signal {
    fn parse(field: &str) -> Option<Self> {
        Some(match field {
            "hr" => Self::Hr,
            "rr" => Self::Rr,
            "snoring" => Self::Snoring,
            "sdnn_1" => Self::Sdnn,
            "rmssd" => Self::Rmssd,
            "hrv_quality" => Self::HrvQuality,
            "mvt_score" => Self::Movement,
            "chest_movement_rate" => Self::Chest,
            "withings_index" => Self::WithingsIndex,
            "breathing_sounds" => Self::BreathingSounds,
            _ => return None,
        })
    }
}
