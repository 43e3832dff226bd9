//! Workouts recorded by the watch: a few a week, on a weekly rhythm (runs on
//! Tuesdays and Thursdays, a swim on Wednesdays, a ride or a hike on Saturdays, a
//! walk on Sundays) and walks while travelling.

use jiff::civil::{Date, Weekday};
use serde_json::{Value, json};

use super::calendar::{is_weekend, local_ts};
use super::dice::{Dice, Stream};
use super::plan::DayPlan;

/// How a sport is done, for deriving a workout's numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Sport {
    /// Withings' workout category code.
    pub(crate) category: i64,
    pub(crate) minutes: (i64, i64),
    /// Steps per minute (0: not a stepping sport).
    pub(crate) cadence: f64,
    /// Metres per minute.
    pub(crate) speed: f64,
    pub(crate) kcal_per_minute: f64,
    pub(crate) heart_rate: f64,
    /// Share of time in heart-rate zones 0 to 3.
    pub(crate) zones: [f64; 4],
    pub(crate) climb_per_hour: f64,
}

pub(crate) const WALK: Sport = Sport {
    category: 1,
    minutes: (30, 90),
    cadence: 108.0,
    speed: 80.0,
    kcal_per_minute: 4.5,
    heart_rate: 102.0,
    zones: [0.55, 0.4, 0.05, 0.0],
    climb_per_hour: 20.0,
};
pub(crate) const RUN: Sport = Sport {
    category: 2,
    minutes: (30, 55),
    cadence: 164.0,
    speed: 180.0,
    kcal_per_minute: 11.0,
    heart_rate: 150.0,
    zones: [0.05, 0.2, 0.5, 0.25],
    climb_per_hour: 60.0,
};
pub(crate) const HIKE: Sport = Sport {
    category: 3,
    minutes: (110, 190),
    cadence: 72.0,
    speed: 60.0,
    kcal_per_minute: 6.5,
    heart_rate: 116.0,
    zones: [0.3, 0.5, 0.2, 0.0],
    climb_per_hour: 250.0,
};
pub(crate) const RIDE: Sport = Sport {
    category: 6,
    minutes: (60, 150),
    cadence: 0.0,
    speed: 400.0,
    kcal_per_minute: 8.0,
    heart_rate: 134.0,
    zones: [0.1, 0.35, 0.45, 0.1],
    climb_per_hour: 220.0,
};
pub(crate) const SWIM: Sport = Sport {
    category: 7,
    minutes: (30, 50),
    cadence: 0.0,
    speed: 38.0,
    kcal_per_minute: 9.0,
    heart_rate: 128.0,
    zones: [0.15, 0.4, 0.4, 0.05],
    climb_per_hour: 0.0,
};
pub(crate) const WEIGHTS: Sport = Sport {
    category: 16,
    minutes: (40, 60),
    cadence: 0.0,
    speed: 0.0,
    kcal_per_minute: 5.0,
    heart_rate: 110.0,
    zones: [0.5, 0.35, 0.15, 0.0],
    climb_per_hour: 0.0,
};
pub(crate) const YOGA: Sport = Sport {
    category: 28,
    minutes: (40, 70),
    cadence: 0.0,
    speed: 0.0,
    kcal_per_minute: 3.0,
    heart_rate: 88.0,
    zones: [0.9, 0.1, 0.0, 0.0],
    climb_per_hour: 0.0,
};

const POOL_LENGTH: i64 = 25;

#[derive(Debug, Clone, PartialEq)]
pub struct Workout {
    pub id: i64,
    pub category: i64,
    pub timezone: &'static str,
    pub startdate: i64,
    pub enddate: i64,
    /// The local date of the start.
    pub date: Date,
    pub modified: i64,
    pub calories: i64,
    pub intensity: i64,
    pub hr_average: i64,
    pub hr_min: i64,
    pub hr_max: i64,
    pub hr_zones: [i64; 4],
    pub pause_duration: i64,
    pub algo_pause_duration: Option<i64>,
    pub steps: i64,
    pub distance: i64,
    pub elevation: i64,
    pub pool_laps: i64,
    pub strokes: i64,
    pub(crate) sport: Sport,
}

impl Workout {
    /// Every `data` key this workout can report, in Withings' names.
    pub fn data_fields(&self) -> Vec<(&'static str, Value)> {
        let swim = self.category == SWIM.category;
        vec![
            ("calories", json!(self.calories)),
            ("intensity", json!(self.intensity)),
            ("manual_intensity", json!(0)),
            ("manual_distance", json!(0)),
            ("manual_calories", json!(0)),
            ("hr_average", json!(self.hr_average)),
            ("hr_min", json!(self.hr_min)),
            ("hr_max", json!(self.hr_max)),
            ("hr_zone_0", json!(self.hr_zones[0])),
            ("hr_zone_1", json!(self.hr_zones[1])),
            ("hr_zone_2", json!(self.hr_zones[2])),
            ("hr_zone_3", json!(self.hr_zones[3])),
            ("pause_duration", json!(self.pause_duration)),
            ("algo_pause_duration", json!(self.algo_pause_duration)),
            ("spo2_average", Value::Null),
            ("steps", json!(self.steps)),
            ("distance", json!(self.distance)),
            ("elevation", json!(self.elevation)),
            ("pool_laps", json!(self.pool_laps)),
            ("strokes", json!(self.strokes)),
            ("pool_length", json!(if swim { POOL_LENGTH } else { 0 })),
        ]
    }

    /// Seconds of actual movement (the pause excluded).
    pub(crate) fn moving_seconds(&self) -> i64 {
        self.enddate - self.startdate - self.pause_duration
    }
}

fn choose(dice: &mut Dice, day: &DayPlan) -> Option<Sport> {
    if day.away {
        return dice.chance(0.5).then_some(WALK);
    }
    let roll = dice.unit();
    let pick = |options: &[(f64, Sport)]| {
        let mut threshold = 0.0;
        options.iter().find_map(|(p, sport)| {
            threshold += p;
            (roll < threshold).then_some(*sport)
        })
    };
    match day.date.weekday() {
        Weekday::Monday => pick(&[(0.25, WEIGHTS), (0.2, YOGA)]),
        Weekday::Tuesday => pick(&[(0.6, RUN)]),
        Weekday::Wednesday => pick(&[(0.35, SWIM)]),
        Weekday::Thursday => pick(&[(0.5, RUN)]),
        Weekday::Friday => pick(&[(0.15, YOGA)]),
        Weekday::Saturday => pick(&[(0.45, RIDE), (0.15, HIKE)]),
        Weekday::Sunday => pick(&[(0.5, WALK), (0.1, RUN)]),
    }
}

pub(crate) fn generate(seed: u64, plans: &[DayPlan], as_of: i64) -> Vec<Workout> {
    let mut dice = Dice::new(seed, Stream::Workouts);
    let mut id = 3_000_000_000 + (seed % 500_000_000) as i64;
    let mut workouts = Vec::new();
    for day in plans.iter().filter(|day| day.watch_worn) {
        let Some(sport) = choose(&mut dice, day) else {
            continue;
        };
        let start_seconds = if day.away {
            dice.int(10 * 3600, 15 * 3600)
        } else if is_weekend(day.date) {
            dice.int(9 * 3600, 11 * 3600)
        } else {
            dice.int(18 * 3600 + 900, 19 * 3600 + 1800)
        };
        let startdate = local_ts(&day.zone, day.date, start_seconds);
        let minutes = dice.int(sport.minutes.0, sport.minutes.1);
        let moving = minutes * 60;
        let pause = if sport.cadence > 0.0 || sport.category == RIDE.category {
            if dice.chance(0.5) {
                dice.int(30, 300)
            } else {
                0
            }
        } else {
            0
        };
        let enddate = startdate + moving + pause;
        let modified = enddate + dice.int(300, 3600);
        if modified > as_of {
            continue;
        }
        let effort = dice.range(0.9, 1.1);
        let hr_average = (sport.heart_rate * effort).round() as i64;
        let mut zones = [0i64; 4];
        for (zone, share) in zones.iter_mut().zip(sport.zones) {
            *zone = (share * moving as f64).round() as i64;
        }
        zones[0] += moving - zones.iter().sum::<i64>();
        let distance = (sport.speed * minutes as f64 * effort).round() as i64;
        let pool_laps = if sport.category == SWIM.category {
            distance / POOL_LENGTH
        } else {
            0
        };
        id += dice.int(1_000, 90_000);
        workouts.push(Workout {
            id,
            category: sport.category,
            timezone: day.zone.name,
            startdate,
            enddate,
            date: day.date,
            modified,
            calories: (sport.kcal_per_minute * minutes as f64 * effort).round() as i64,
            intensity: (dice.range(30.0, 60.0) * effort).round() as i64
                + if sport.zones[3] > 0.1 { 30 } else { 0 },
            hr_average,
            hr_min: hr_average - dice.int(25, 40),
            hr_max: hr_average + dice.int(12, 30),
            hr_zones: zones,
            pause_duration: pause,
            algo_pause_duration: (pause > 0)
                .then(|| pause + dice.int(-20, 20))
                .map(|p| p.max(0)),
            steps: (sport.cadence * minutes as f64 * effort).round() as i64,
            distance,
            elevation: (sport.climb_per_hour * minutes as f64 / 60.0 * dice.range(0.6, 1.3)).round()
                as i64,
            pool_laps,
            strokes: pool_laps * dice.int(16, 22),
            sport,
        });
    }
    workouts
}
