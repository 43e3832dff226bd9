//! A night's summary, computed from its segments and its very samples.

use serde_json::{Map, Value, json};

use super::signals::Signal;
use super::{AWAKE, DEEP, LIGHT, Night, REM, Segment};
use crate::fake::demo::devices::DeviceKind;
use crate::fake::demo::dice::noise;

fn stats(samples: &[(i64, i64)]) -> Option<(i64, i64, i64)> {
    let values = samples.iter().map(|(_, v)| *v);
    let min = values.clone().min()?;
    let max = values.clone().max()?;
    let average = values.sum::<i64>() as f64 / samples.len() as f64;
    Some((average.round() as i64, min, max))
}

fn mean_between(samples: &[(i64, i64)], from: i64, to: i64) -> i64 {
    let inside: Vec<i64> = samples
        .iter()
        .filter(|(at, _)| (from..to).contains(at))
        .map(|(_, v)| *v)
        .collect();
    if inside.is_empty() {
        return 0;
    }
    (inside.iter().sum::<i64>() as f64 / inside.len() as f64).round() as i64
}

/// Episodes: runs of consecutive non-zero minutes; total: the summed seconds.
fn episodes(samples: &[(i64, i64)]) -> (i64, i64) {
    let mut count = 0;
    let mut previous_zero = true;
    for (_, value) in samples {
        if *value > 0 && previous_zero {
            count += 1;
        }
        previous_zero = *value == 0;
    }
    (samples.iter().map(|(_, v)| v).sum(), count)
}

pub(super) fn summarize(
    night: &Night,
    out_of_bed: bool,
    breathing: (i64, i64, bool),
) -> Vec<(&'static str, Value)> {
    let segments = &night.segments;
    let duration = |state: i64| -> i64 {
        segments
            .iter()
            .filter(|s| s.state == state)
            .map(|s| s.enddate - s.startdate)
            .sum()
    };
    let (light, deep, rem) = (duration(LIGHT), duration(DEEP), duration(REM));
    let asleep = light + deep + rem;
    let in_bed = night.enddate - night.startdate;
    let latency = segments.first().map_or(0, |s| s.enddate - s.startdate);
    let wake_latency = segments.last().map_or(0, |s| s.enddate - s.startdate);
    let inner_awake: Vec<&Segment> = segments[1..segments.len().saturating_sub(1)]
        .iter()
        .filter(|s| s.state == AWAKE)
        .collect();
    let waso: i64 = inner_awake.iter().map(|s| s.enddate - s.startdate).sum();
    let efficiency = (asleep as f64 / in_bed as f64 * 100.0).round() / 100.0;
    let rem_episodes = segments.iter().filter(|s| s.state == REM).count() as i64;
    let out_of_bed_count =
        i64::from(out_of_bed && inner_awake.iter().any(|s| s.enddate - s.startdate >= 300));
    let last_asleep = night.enddate - wake_latency;

    let hr = night.series(Signal::Hr);
    let (hr_average, hr_min, hr_max) = stats(&hr).unwrap_or((0, 0, 0));
    let hours = asleep as f64 / 3600.0;
    let score = 100.0
        * (0.4 * (hours / 8.0).min(1.0)
            + 0.25 * efficiency
            + 0.2 * (deep as f64 / asleep.max(1) as f64 / 0.2).min(1.0)
            + 0.15 * (rem as f64 / asleep.max(1) as f64 / 0.22).min(1.0))
        - 8.0 * waso as f64 / 3600.0
        + 6.0 * (noise(night.key, 0, 99) - 0.5);
    let rmssd = night.series(Signal::Rmssd);
    let movement = night.series(Signal::Movement);
    let (mvt_average, _, _) = stats(&movement).unwrap_or((0, 0, 0));

    let mut data = vec![
        ("wakeupduration", json!(latency + waso + wake_latency)),
        ("wakeupcount", json!(inner_awake.len())),
        ("durationtosleep", json!(latency)),
        ("remsleepduration", json!(rem)),
        ("durationtowakeup", json!(wake_latency)),
        ("total_timeinbed", json!(in_bed)),
        ("total_sleep_time", json!(asleep)),
        ("asleepduration", json!(asleep)),
        ("sleep_efficiency", json!(efficiency)),
        ("sleep_latency", json!(latency)),
        ("wakeup_latency", json!(wake_latency)),
        ("waso", json!(waso)),
        ("nb_rem_episodes", json!(rem_episodes)),
        ("out_of_bed_count", json!(out_of_bed_count)),
        ("lightsleepduration", json!(light)),
        ("deepsleepduration", json!(deep)),
        ("hr_average", json!(hr_average)),
        ("hr_min", json!(hr_min)),
        ("hr_max", json!(hr_max)),
        ("sleep_score", json!(score.round().clamp(40.0, 95.0) as i64)),
        (
            "night_events",
            night_events(latency, last_asleep - night.startdate, in_bed),
        ),
        ("mvt_score_avg", json!(mvt_average)),
        (
            "mvt_active_duration",
            json!(movement.iter().filter(|(_, v)| *v > 30).count() as i64 * 60),
        ),
        (
            "rmssd_start_avg",
            json!(mean_between(
                &rmssd,
                night.startdate,
                night.startdate + 3600
            )),
        ),
        (
            "rmssd_end_avg",
            json!(mean_between(&rmssd, night.enddate - 3600, night.enddate)),
        ),
    ];
    if night.device == DeviceKind::SleepAnalyzer {
        let rr = night.series(Signal::Rr);
        let (rr_average, rr_min, rr_max) = stats(&rr).unwrap_or((0, 0, 0));
        let (snoring, snoring_episodes) = episodes(&night.series(Signal::Snoring));
        let (sounds, sound_episodes) = episodes(&night.series(Signal::BreathingSounds));
        let (intensity, apnea, not_computed) = breathing;
        data.extend([
            ("rr_average", json!(rr_average)),
            ("rr_min", json!(rr_min)),
            ("rr_max", json!(rr_max)),
            ("snoring", json!(snoring)),
            ("snoringepisodecount", json!(snoring_episodes)),
            ("breathing_sounds", json!(sounds)),
            ("breathing_sounds_episode_count", json!(sound_episodes)),
            (
                "breathing_disturbances_intensity",
                json!(if not_computed { -1 } else { intensity }),
            ),
            (
                "apnea_hypopnea_index",
                json!(if not_computed { -1 } else { apnea }),
            ),
            (
                "breathing_quality_assessment",
                json!(i64::from(apnea >= 10)),
            ),
            ("withings_index", json!(intensity.min(10) / 3)),
        ]);
    } else {
        let chest = night.series(Signal::Chest);
        let (average, min, max) = stats(&chest).unwrap_or((0, 0, 0));
        data.extend([
            ("chest_movement_rate_average", json!(average)),
            ("chest_movement_rate_min", json!(min)),
            ("chest_movement_rate_max", json!(max)),
        ]);
    }
    data
}

/// Event type → offsets in seconds from the start: 1 in bed, 2 asleep, 3 awake,
/// 4 out of bed.
fn night_events(asleep_at: i64, awake_at: i64, out_at: i64) -> Value {
    let mut events = Map::new();
    events.insert("1".into(), json!([0]));
    events.insert("2".into(), json!([asleep_at]));
    events.insert("3".into(), json!([awake_at]));
    events.insert("4".into(), json!([out_at]));
    Value::Object(events)
}
