//! Body measures: morning weigh-ins with composition, evening blood pressure, the
//! person's height, weight goals (category 2), a hotel-scale weigh-in typed in by
//! hand, and weigh-ins by another member of the household that the scale could not
//! attribute (attrib 1), which clients are expected to filter out.

use super::Person;
use super::calendar::local_ts;
use super::devices::DeviceKind;
use super::dice::{Dice, Stream};
use super::plan::DayPlan;

/// One measure: `value × 10^unit`, in the unit of its `type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measure {
    pub value: i64,
    /// Withings' measure type code (1 weight, 6 fat ratio, 9 diastolic…).
    pub kind: i64,
    pub unit: i64,
    /// Deprecated fields the devices still send; absent on fat ratio, as in real data.
    pub algo: Option<i64>,
    pub fm: Option<i64>,
    /// Entered in the app: carries the undocumented `apppfmid` and `appliver`.
    pub app_entry: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureGroup {
    pub grpid: i64,
    pub attrib: i64,
    pub date: i64,
    pub created: i64,
    pub modified: i64,
    /// 1 real measure, 2 user objective.
    pub category: i64,
    /// `None` for manual entries (null `deviceid`, `modelid` and `model`).
    pub device: Option<DeviceKind>,
    pub measures: Vec<Measure>,
}

pub(crate) struct Body {
    pub(crate) groups: Vec<MeasureGroup>,
    /// The person's underlying weight (kg) each day, for calorie estimates.
    pub(crate) weight_trend: Vec<f64>,
    /// The latest weight goal, `(value, unit)`.
    pub(crate) weight_goal: (i64, i64),
}

fn measure(value: i64, kind: i64, unit: i64) -> Measure {
    Measure {
        value,
        kind,
        unit,
        algo: Some(if matches!(kind, 9..=11) { 0 } else { 3 }),
        fm: Some(3),
        app_entry: false,
    }
}

fn manual(value: i64, kind: i64, unit: i64) -> Measure {
    Measure {
        value,
        kind,
        unit,
        algo: Some(0),
        fm: Some(128),
        app_entry: true,
    }
}

fn group(
    attrib: i64,
    date: i64,
    created: i64,
    category: i64,
    device: Option<DeviceKind>,
    measures: Vec<Measure>,
) -> MeasureGroup {
    MeasureGroup {
        grpid: 0,
        attrib,
        date,
        created,
        modified: created,
        category,
        device,
        measures,
    }
}

/// The measures of one weigh-in on the Body+ scale, consistent with each other.
pub(crate) fn composition(weight_kg: f64, fat_percent: f64, dice: &mut Dice) -> Vec<Measure> {
    let weight_g = (weight_kg * 1000.0).round() as i64;
    let fat_g = (weight_kg * fat_percent * 10.0).round() as i64;
    let free_g = weight_g - fat_g;
    let free_kg = free_g as f64 / 1000.0;
    let bone = free_kg * dice.range(0.046, 0.05);
    let muscle = free_kg - bone - dice.range(0.2, 0.6);
    let water = free_kg * dice.range(0.70, 0.73);
    let mut ratio = measure((fat_percent * 1000.0).round() as i64, 6, -3);
    ratio.algo = None;
    ratio.fm = None;
    vec![
        measure(weight_g, 1, -3),
        measure(free_g, 5, -3),
        ratio,
        measure(fat_g, 8, -3),
        measure((muscle * 100.0).round() as i64, 76, -2),
        measure((water * 100.0).round() as i64, 77, -2),
        measure((bone * 100.0).round() as i64, 88, -2),
    ]
}

/// A weigh-in on the scale at `at` (Unix seconds): weight alone, as a scale reports
/// for a person it could not analyse further. Used to make new data arrive while a
/// client runs.
pub(crate) fn weigh_in(weight_g: i64, at: i64) -> MeasureGroup {
    group(
        0,
        at,
        at,
        1,
        Some(DeviceKind::Scale),
        vec![measure(weight_g, 1, -3)],
    )
}

pub(crate) fn blood_pressure(diastole: i64, systole: i64, pulse: i64) -> Vec<Measure> {
    vec![
        measure(diastole, 9, 0),
        measure(systole, 10, 0),
        measure(pulse, 11, 0),
    ]
}

pub(crate) fn generate(seed: u64, person: &Person, plans: &[DayPlan], as_of: i64) -> Body {
    let mut dice = Dice::new(seed, Stream::Body);
    let mut groups = Vec::new();
    let mut weight_trend = Vec::with_capacity(plans.len());
    let mut drift = 0.0;
    let mut fat_drift = 0.0;
    let home = &plans[0].zone;

    let first = &plans[0];
    let entered = local_ts(home, first.date, 20 * 3600 + 31 * 60);
    groups.push(group(
        2,
        entered,
        entered + 1,
        1,
        None,
        vec![manual(person.height_mm, 4, -3)],
    ));

    let goals = [
        (10, ((person.weight - 3.0) * 2.0).round() * 500.0),
        (
            plans.len() / 2,
            ((person.weight - 4.5) * 2.0).round() * 500.0,
        ),
    ];
    let mut weight_goal = (0, -3);
    for (index, grams) in goals {
        let Some(day) = plans.get(index) else {
            continue;
        };
        let at = local_ts(home, day.date, 21 * 3600 + dice.int(0, 3000));
        if at > as_of {
            continue;
        }
        weight_goal = (grams as i64, -3);
        groups.push(group(2, at, at, 2, None, vec![manual(grams as i64, 1, -3)]));
    }

    for day in plans {
        // A slow, mean-reverting drift plus a winter bump.
        drift = drift * 0.995 + dice.normal(0.0, 0.06);
        fat_drift = fat_drift * 0.99 + dice.normal(0.0, 0.05);
        let season =
            0.8 * (f64::from(day.date.day_of_year() - 15) / 365.25 * std::f64::consts::TAU).cos();
        let trend = person.weight + drift + season;
        weight_trend.push(trend);
        let fat_trend =
            (person.fat_percent + 0.5 * (trend - person.weight) + fat_drift).clamp(15.5, 24.5);

        if day.weighs_in {
            let weekend = super::calendar::is_weekend(day.date);
            let seconds = if weekend {
                dice.int(8 * 3600, 9 * 3600 + 40 * 60)
            } else {
                dice.int(6 * 3600 + 40 * 60, 7 * 3600 + 50 * 60)
            };
            let at = local_ts(&day.zone, day.date, seconds);
            let weight = trend + dice.normal(0.0, 0.3);
            let fat = (fat_trend + dice.normal(0.0, 0.4)).clamp(15.0, 25.0);
            let measures = composition(weight, fat, &mut dice);
            let created = at + dice.int(3, 90);
            if created <= as_of {
                groups.push(group(0, at, created, 1, Some(DeviceKind::Scale), measures));
            }
        }

        if !day.away && dice.chance(0.045) {
            // Someone else in the household steps on the scale.
            let at = local_ts(&day.zone, day.date, dice.int(7 * 3600, 9 * 3600));
            let weight = person.other_weight + dice.normal(0.0, 0.5);
            let fat = 27.0 + dice.normal(0.0, 0.8);
            let mut measures = composition(weight, fat, &mut dice);
            measures.truncate(4);
            let created = at + dice.int(3, 90);
            if created <= as_of {
                groups.push(group(1, at, created, 1, Some(DeviceKind::Scale), measures));
            }
        }

        if day.away && day.trip_day == 3 && dice.chance(0.6) {
            let at = local_ts(&day.zone, day.date, dice.int(20 * 3600, 22 * 3600));
            let weight = trend + 0.6 + dice.normal(0.0, 0.3);
            let value = (weight * 10.0).round() as i64 * 10;
            if at + 2 <= as_of {
                groups.push(group(2, at, at + 2, 1, None, vec![manual(value, 1, -2)]));
            }
        }

        if !day.away && dice.chance(0.13) {
            let at = local_ts(&day.zone, day.date, dice.int(20 * 3600, 22 * 3600 + 1800));
            let systole = dice.normal(124.0, 6.0).round().clamp(110.0, 140.0) as i64;
            let diastole = dice.normal(78.0, 4.0).round().clamp(68.0, 88.0) as i64;
            let pulse = dice.normal(68.0, 6.0).round().clamp(52.0, 90.0) as i64;
            let created = at + dice.int(30, 180);
            if created <= as_of {
                groups.push(group(
                    0,
                    at,
                    created,
                    1,
                    Some(DeviceKind::BloodPressure),
                    blood_pressure(diastole, systole, pulse),
                ));
            }
        }
    }
    Body {
        groups,
        weight_trend,
        weight_goal,
    }
}
