//! The demo person's calendar: where they are each day and which devices they
//! used. Trips leave the home devices (scale, Sleep Analyzer, blood-pressure
//! monitor) behind and move the watch to another time zone; a repair leaves a week
//! without the watch; and ordinary life skips a weigh-in or a night now and then.

use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::calendar::{HOME_ZONE, Zone, add_days};
use super::dice::{Dice, Stream};
use crate::fake::FakeError;

/// Zones the person travels to; each differs from Paris so per-record zones show.
const TRIP_ZONES: &[&str] = &[
    "America/New_York",
    "Asia/Tokyo",
    "Europe/London",
    "Asia/Singapore",
];

#[derive(Debug, Clone)]
pub(crate) struct DayPlan {
    pub(crate) date: Date,
    pub(crate) zone: Zone,
    /// Travelling: no home device records anything.
    pub(crate) away: bool,
    /// The first day of a trip (a manual weigh-in on a hotel scale may follow).
    pub(crate) trip_day: u32,
    pub(crate) watch_worn: bool,
    pub(crate) weighs_in: bool,
    /// The Sleep Analyzer recorded the night that ends this morning.
    pub(crate) analyzer_night: bool,
}

pub(crate) fn home_zone() -> Result<Zone, FakeError> {
    Ok(Zone {
        name: HOME_ZONE,
        tz: TimeZone::get(HOME_ZONE).map_err(|source| FakeError::TimeZone {
            zone: HOME_ZONE,
            message: source.to_string(),
        })?,
    })
}

pub(crate) fn plan(seed: u64, first: Date, days: usize) -> Result<Vec<DayPlan>, FakeError> {
    let home = home_zone()?;
    let mut dice = Dice::new(seed, Stream::Plan);
    let mut plans: Vec<DayPlan> = (0..days)
        .map(|index| DayPlan {
            date: add_days(first, index as i64),
            zone: home.clone(),
            away: false,
            trip_day: 0,
            watch_worn: true,
            weighs_in: false,
            analyzer_night: true,
        })
        .collect();

    // Trips every two to five months, the first one early so short windows have one.
    let mut start = dice.int(20, 60) as usize;
    while start < days.saturating_sub(3) {
        let length = dice.int(4, 10) as usize;
        let name = *dice.pick(TRIP_ZONES);
        let zone = match TimeZone::get(name) {
            Ok(tz) => Zone { name, tz },
            Err(_) => home.clone(),
        };
        for (offset, day) in plans.iter_mut().skip(start).take(length).enumerate() {
            day.zone = zone.clone();
            day.away = true;
            day.trip_day = offset as u32 + 1;
        }
        start += length + dice.int(60, 150) as usize;
    }

    // The watch went for repair once: a week with no activity at all.
    let repair_start = dice.int(120, 220).min(days as i64 / 2) as usize;
    let repair_length = dice.int(5, 8) as usize;
    for day in plans.iter_mut().skip(repair_start).take(repair_length) {
        day.watch_worn = false;
    }

    for day in &mut plans {
        if dice.chance(0.015) {
            day.watch_worn = false; // flat battery
        }
        let weekend = super::calendar::is_weekend(day.date);
        day.weighs_in = !day.away && dice.chance(if weekend { 0.6 } else { 0.75 });
        day.analyzer_night = !day.away && !dice.chance(0.03);
    }
    Ok(plans)
}
