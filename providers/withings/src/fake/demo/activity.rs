//! Daily activity from the watch: steps on a weekday/weekend rhythm (more when
//! travelling), the day's workouts folded in, and heart-rate zones. Days without
//! the watch have no entry at all.

use jiff::civil::Date;
use serde_json::{Value, json};

use super::Person;
use super::calendar::{add_days, is_weekend, local_ts};
use super::dice::{Dice, Stream};
use super::plan::DayPlan;
use super::workouts::Workout;

#[derive(Debug, Clone, PartialEq)]
pub struct DayHeartRate {
    pub average: i64,
    pub min: i64,
    pub max: i64,
    /// Seconds in heart-rate zones 0 to 3.
    pub zones: [i64; 4],
}

#[derive(Debug, Clone, PartialEq)]
pub struct ActivityDay {
    /// The local date, in `timezone`.
    pub date: Date,
    pub timezone: &'static str,
    pub steps: i64,
    /// Metres.
    pub distance: f64,
    /// Floors.
    pub elevation: i64,
    /// Seconds of light, moderate and intense activity.
    pub soft: i64,
    pub moderate: i64,
    pub intense: i64,
    /// Active kilocalories.
    pub calories: f64,
    /// Active plus passive kilocalories.
    pub totalcalories: f64,
    /// Absent on days the watch recorded no heart rate.
    pub hr: Option<DayHeartRate>,
    pub modified: i64,
    /// The steps of the whole day, which the intraday minutes add up to; differs
    /// from `steps` only on the last, unfinished day.
    pub(crate) full_day_steps: i64,
    pub(crate) stride: f64,
}

impl ActivityDay {
    pub fn active(&self) -> i64 {
        self.moderate + self.intense
    }

    /// Every data field this day can report, in Withings' names; the `hr_*` ones
    /// only when there is heart-rate data.
    pub fn data_fields(&self) -> Vec<(&'static str, Value)> {
        let mut fields = vec![
            ("steps", json!(self.steps)),
            ("distance", json!(self.distance)),
            ("elevation", json!(self.elevation)),
            ("soft", json!(self.soft)),
            ("moderate", json!(self.moderate)),
            ("intense", json!(self.intense)),
            ("active", json!(self.active())),
            ("calories", json!(self.calories)),
            ("totalcalories", json!(self.totalcalories)),
        ];
        if let Some(hr) = &self.hr {
            fields.extend([
                ("hr_average", json!(hr.average)),
                ("hr_min", json!(hr.min)),
                ("hr_max", json!(hr.max)),
                ("hr_zone_0", json!(hr.zones[0])),
                ("hr_zone_1", json!(hr.zones[1])),
                ("hr_zone_2", json!(hr.zones[2])),
                ("hr_zone_3", json!(hr.zones[3])),
            ]);
        }
        fields
    }

    /// Scales the day down to the part already lived (the last day of the data).
    pub(crate) fn truncate_to(&mut self, steps_so_far: i64, passive_share: f64) {
        let share = if self.steps > 0 {
            steps_so_far as f64 / self.steps as f64
        } else {
            0.0
        };
        let scale = |v: i64| (v as f64 * share).round() as i64;
        let passive = self.totalcalories - self.calories;
        self.steps = steps_so_far;
        self.distance = round3(self.distance * share);
        self.elevation = scale(self.elevation);
        self.soft = scale(self.soft);
        self.moderate = scale(self.moderate);
        self.intense = scale(self.intense);
        self.calories = round3(self.calories * share);
        self.totalcalories = round3(self.calories + passive * passive_share);
        if let Some(hr) = &mut self.hr {
            for zone in &mut hr.zones {
                *zone = (*zone as f64 * passive_share.min(1.0)).round() as i64;
            }
        }
    }
}

pub(crate) fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

pub(crate) fn generate(
    seed: u64,
    person: &Person,
    plans: &[DayPlan],
    workouts: &[Workout],
    weight_trend: &[f64],
    as_of: i64,
) -> Vec<ActivityDay> {
    let mut dice = Dice::new(seed, Stream::Activity);
    let mut days = Vec::new();
    for (index, day) in plans.iter().enumerate() {
        // Draw for every day so that a missing day does not shift the next ones.
        let base = if day.away {
            dice.normal(12_000.0, 2_500.0)
        } else if is_weekend(day.date) {
            dice.normal(6_800.0, 3_000.0)
        } else {
            dice.normal(8_200.0, 1_700.0)
        };
        let light_per_step = dice.range(1.1, 1.6);
        let moderate_per_step = dice.range(0.12, 0.2);
        let climb = dice.range(0.4, 1.6);
        let no_heart_rate = dice.chance(0.03);
        let hr_average = dice.normal(72.0, 3.0);
        let hr_min = dice.normal(52.0, 2.0);
        let hr_max = dice.normal(118.0, 8.0);
        let sync = dice.int(7 * 3600, 9 * 3600);
        let day_start = local_ts(&day.zone, day.date, 0);
        if !day.watch_worn || day_start > as_of {
            continue;
        }

        let todays: Vec<&Workout> = workouts.iter().filter(|w| w.date == day.date).collect();
        let workout_steps: i64 = todays.iter().map(|w| w.steps).sum();
        let workout_climb: i64 = todays.iter().map(|w| w.elevation).sum();
        let workout_kcal: i64 = todays.iter().map(|w| w.calories).sum();
        let mut workout_zones = [0i64; 4];
        for w in &todays {
            for (total, zone) in workout_zones.iter_mut().zip(w.hr_zones) {
                *total += zone;
            }
        }

        let share = if workout_steps > 0 { 0.7 } else { 1.0 };
        let ceiling = 15_000f64.max(workout_steps as f64 + 1_500.0);
        let steps = (base * share + workout_steps as f64)
            .clamp(2_000.0, ceiling)
            .round() as i64;
        let stride = person.stride;
        let soft = (steps as f64 * light_per_step).round() as i64;
        let moderate = (steps as f64 * moderate_per_step).round() as i64 + workout_zones[1];
        let intense = workout_zones[2] + workout_zones[3];
        let calories = round3(
            steps as f64 * 0.04
                + moderate as f64 / 60.0 * 3.5
                + intense as f64 / 60.0 * 7.0
                + workout_kcal as f64 * 0.3,
        );
        let weight = weight_trend.get(index).copied().unwrap_or(person.weight);
        let resting = 10.0 * weight + 6.25 * person.height_mm as f64 / 10.0
            - 5.0 * f64::from(person.age)
            + 5.0;
        let worn = 86_400 - 8 * 3600;
        let hr = (!no_heart_rate).then(|| {
            let zone_1 = moderate;
            let zone_2 = workout_zones[2] + intense / 10;
            let zone_3 = workout_zones[3];
            DayHeartRate {
                average: (hr_average + if intense > 1200 { 4.0 } else { 0.0 }).round() as i64,
                min: hr_min.round() as i64,
                max: todays
                    .iter()
                    .map(|w| w.hr_max)
                    .max()
                    .unwrap_or(0)
                    .max(hr_max.round() as i64),
                zones: [worn - zone_1 - zone_2 - zone_3, zone_1, zone_2, zone_3],
            }
        });
        let next_morning = local_ts(&day.zone, add_days(day.date, 1), sync);
        days.push(ActivityDay {
            date: day.date,
            timezone: day.zone.name,
            steps,
            distance: round3(steps as f64 * stride),
            elevation: (steps as f64 / 1000.0 * climb).round() as i64 + workout_climb / 3,
            soft,
            moderate,
            intense,
            calories,
            totalcalories: round3(resting + calories),
            hr,
            modified: next_morning.min(as_of),
            full_day_steps: steps,
            stride,
        });
    }
    days
}
