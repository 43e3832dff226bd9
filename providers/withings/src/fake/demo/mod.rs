//! The demo account: a deterministic, plausible person generated from a seed.
//!
//! The data is a pure function of `(seed, end_date)`: the same pair gives the same
//! account, byte for byte, so golden tests can pin both. Without an `end_date` the
//! data ends now, "today" in Europe/Paris, so that summaries of today and this week
//! have something to show; records that would lie after that moment are left out.
//!
//! The person lives in Europe/Paris (so the window crosses daylight-saving changes),
//! weighs in most mornings on a Body+ scale, sometimes takes their blood pressure on
//! a BPM Core, wears a ScanWatch (activity, workouts, intraday minutes, ECGs, sleep
//! when travelling) and sleeps on a Sleep Analyzer. Trips, a watch repair and
//! ordinary forgetfulness leave gaps; a partner's weigh-ins (attrib 1) and weight
//! goals (category 2) are there for clients to filter out.

mod activity;
mod body;
mod calendar;
mod devices;
mod dice;
mod heart;
mod intraday;
mod plan;
mod sleep;
mod workouts;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use jiff::Timestamp;
use jiff::civil::Date;

pub use activity::{ActivityDay, DayHeartRate};
pub use body::{Measure, MeasureGroup};
pub use devices::{Device, DeviceKind, Goals};
pub use heart::EcgRecord;
pub use intraday::{FIELDS as INTRADAY_FIELDS, IntradayPoint};
pub use sleep::{DEFAULT_SUMMARY_FIELDS, Night, SERIES_FIELDS as SLEEP_SERIES_FIELDS, Segment};
pub use workouts::Workout;

pub(crate) use calendar::HOME_ZONE;
pub(crate) use devices::record_model_name;

use crate::fake::FakeError;
use calendar::{Zone, add_days, local_date};
use dice::{Dice, Stream, mix};

/// Days of history by default: a little over two years.
pub const DEFAULT_HISTORY_DAYS: u32 = 800;

/// The person behind the account.
#[derive(Debug, Clone)]
pub struct Person {
    pub height_mm: i64,
    /// Kilograms around which the weight drifts.
    pub weight: f64,
    pub fat_percent: f64,
    /// The other household member's weight, for their ambiguous weigh-ins.
    pub other_weight: f64,
    pub age: u32,
    /// Metres per step.
    pub stride: f64,
}

impl Person {
    fn from_seed(seed: u64) -> Self {
        let mut dice = Dice::new(seed, Stream::Ids);
        let height_mm = dice.int(1_680, 1_880);
        Self {
            height_mm,
            weight: dice.range(72.0, 84.0),
            fat_percent: dice.range(17.5, 22.5),
            other_weight: dice.range(56.0, 66.0),
            age: dice.int(28, 55) as u32,
            stride: (height_mm as f64 / 1000.0 * dice.range(0.40, 0.43) * 1000.0).round() / 1000.0,
        }
    }
}

#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub seed: u64,
    /// Withings user ids are numbers that the token endpoint sends as strings.
    pub userid: u64,
    /// The account's (and the getmeas body's) time zone.
    pub timezone: &'static str,
    pub first_day: Date,
    pub last_day: Date,
    /// The moment the data ends: the end of `last_day`, or the generation time.
    pub as_of: i64,
    pub person: Person,
    pub devices: Vec<Device>,
    pub goals: Goals,
    /// Ascending by `date`; `grpid` grows with `created`.
    pub measure_groups: Vec<MeasureGroup>,
    /// Ascending by date; days without the watch are missing.
    pub activities: Vec<ActivityDay>,
    pub workouts: Vec<Workout>,
    /// Ascending; nights nobody recorded are missing.
    pub nights: Vec<Night>,
    pub ecgs: Vec<EcgRecord>,
    home: Zone,
    zones: Vec<Zone>,
}

/// Accounts with a pinned end date, kept for the life of the process: generation
/// takes a noticeable fraction of a second in debug builds, and a test suite starts
/// many servers over the same `(seed, end_date)`.
type Cache = Mutex<HashMap<(u64, Date, u32), Arc<DemoAccount>>>;
const CACHE_CAPACITY: usize = 8;

impl DemoAccount {
    /// Like [`generate`](Self::generate), sharing one account per pinned
    /// `(seed, end_date, history_days)` within the process.
    pub fn shared(
        seed: u64,
        end_date: Option<Date>,
        history_days: u32,
    ) -> Result<Arc<Self>, FakeError> {
        let Some(end) = end_date else {
            return Self::generate(seed, None, history_days).map(Arc::new);
        };
        static CACHE: OnceLock<Cache> = OnceLock::new();
        let cache = CACHE.get_or_init(Cache::default);
        let key = (seed, end, history_days);
        if let Some(account) = cache.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
            return Ok(account.clone());
        }
        let account = Arc::new(Self::generate(seed, end_date, history_days)?);
        let mut cached = cache.lock().unwrap_or_else(|p| p.into_inner());
        if cached.len() >= CACHE_CAPACITY {
            cached.clear();
        }
        cached.insert(key, account.clone());
        Ok(account)
    }

    /// Generates the account. `end_date` `None` means today in Europe/Paris, with
    /// the data ending now.
    pub fn generate(
        seed: u64,
        end_date: Option<Date>,
        history_days: u32,
    ) -> Result<Self, FakeError> {
        let home = plan::home_zone()?;
        let now = Timestamp::now().as_second();
        let (last_day, as_of) = match end_date {
            Some(date) => {
                if !(jiff::civil::date(2001, 1, 1)..=jiff::civil::date(2099, 12, 31))
                    .contains(&date)
                {
                    return Err(FakeError::Config(format!(
                        "end_date {date} is outside 2001-01-01..=2099-12-31"
                    )));
                }
                (date, calendar::local_ts(&home, add_days(date, 1), 0) - 1)
            }
            None => (local_date(&home, now), now),
        };
        let days = history_days.max(2) as usize;
        let first_day = add_days(last_day, 1 - days as i64);
        let plans = plan::plan(seed, first_day, days)?;
        let person = Person::from_seed(seed);

        let body = body::generate(seed, &person, &plans, as_of);
        let workouts = workouts::generate(seed, &plans, as_of);
        let mut activities =
            activity::generate(seed, &person, &plans, &workouts, &body.weight_trend, as_of);
        let nights = sleep::generate(seed, &plans, as_of);
        let heart = heart::generate(seed, &plans, as_of);

        let mut measure_groups = body.groups;
        measure_groups.extend(heart.groups);
        measure_groups.sort_by_key(|g| (g.created, g.date));
        let mut dice = Dice::new(seed, Stream::Ids);
        let mut grpid = 4_000_000_000 + (seed % 400_000_000) as i64;
        for group in &mut measure_groups {
            grpid += dice.int(500, 40_000);
            group.grpid = grpid;
        }
        measure_groups.sort_by_key(|g| (g.date, g.grpid));

        let mut zones: Vec<Zone> = Vec::new();
        for day in &plans {
            if !zones.iter().any(|z| z.name == day.zone.name) {
                zones.push(day.zone.clone());
            }
        }

        let mut account = Self {
            seed,
            userid: 10_000_000 + mix(seed) % 89_999_999,
            timezone: HOME_ZONE,
            first_day,
            last_day,
            as_of,
            person,
            devices: devices::devices(seed),
            goals: Goals {
                steps: 10_000,
                sleep: 28_800,
                weight: Some(body.weight_goal),
            },
            measure_groups,
            activities: Vec::new(),
            workouts,
            nights,
            ecgs: heart.records,
            home,
            zones,
        };

        // The last day is lived only up to `as_of`: keep the minutes so far.
        if let Some(today) = activities.last_mut() {
            let zone = account.zone(today.timezone).clone();
            let start = calendar::local_ts(&zone, today.date, 0);
            let end = calendar::local_ts(&zone, add_days(today.date, 1), 0);
            if as_of < end {
                let so_far: i64 = account
                    .intraday_of(today)
                    .iter()
                    .filter(|p| p.timestamp <= as_of)
                    .filter_map(|p| p.steps)
                    .sum();
                let share = (as_of - start) as f64 / (end - start) as f64;
                today.truncate_to(so_far, share);
            }
        }
        account.activities = activities;
        account.fill_sessions();
        Ok(account)
    }

    /// Records a new weigh-in of `weight_g` grams at `at` (Unix seconds), as if
    /// the person had just stepped on the scale; returns the new group. Its
    /// `grpid` is the largest so far, and `modified` is `at`, so `lastupdate`
    /// queries see it as new.
    pub fn weigh_in(&mut self, weight_g: i64, at: i64) -> &MeasureGroup {
        let mut group = body::weigh_in(weight_g, at);
        group.grpid = self
            .measure_groups
            .iter()
            .map(|g| g.grpid)
            .max()
            .unwrap_or(0)
            + 1;
        let place = self
            .measure_groups
            .partition_point(|g| (g.date, g.grpid) <= (group.date, group.grpid));
        self.measure_groups.insert(place, group);
        self.fill_sessions();
        &self.measure_groups[place]
    }

    fn zone(&self, name: &str) -> &Zone {
        self.zones
            .iter()
            .find(|z| z.name == name)
            .unwrap_or(&self.home)
    }

    /// First and last use of each device, as the device list reports them.
    fn fill_sessions(&mut self) {
        let mut times: Vec<(DeviceKind, i64)> = Vec::new();
        times.extend(
            self.measure_groups
                .iter()
                .filter_map(|g| g.device.map(|d| (d, g.date))),
        );
        times.extend(self.nights.iter().map(|n| (n.device, n.startdate)));
        times.extend(
            self.workouts
                .iter()
                .map(|w| (DeviceKind::Watch, w.startdate)),
        );
        for device in &mut self.devices {
            let used = times
                .iter()
                .filter(|(d, _)| *d == device.kind)
                .map(|(_, t)| *t);
            device.first_session_date = used.clone().min();
            device.last_session_date = used.max();
            if device.kind == DeviceKind::SleepAnalyzer {
                // Real accounts show a Sleep Analyzer with no last session.
                device.last_session_date = None;
            }
        }
    }

    pub fn device(&self, kind: DeviceKind) -> &Device {
        // `devices()` always lists every kind.
        self.devices
            .iter()
            .find(|d| d.kind == kind)
            .unwrap_or(&self.devices[0])
    }

    pub fn activity_on(&self, date: Date) -> Option<&ActivityDay> {
        self.activities.iter().find(|a| a.date == date)
    }

    pub fn ecg(&self, signalid: i64) -> Option<&EcgRecord> {
        self.ecgs.iter().find(|e| e.signalid == signalid)
    }

    /// The intraday minutes of one local day (empty if the watch was off), up to
    /// the end of the data.
    pub fn intraday(&self, date: Date) -> Vec<IntradayPoint> {
        match self.activity_on(date) {
            Some(day) => self
                .intraday_of(day)
                .into_iter()
                .filter(|p| p.timestamp <= self.as_of)
                .collect(),
            None => Vec::new(),
        }
    }

    fn intraday_of(&self, day: &ActivityDay) -> Vec<IntradayPoint> {
        let todays: Vec<&Workout> = self
            .workouts
            .iter()
            .filter(|w| w.date == day.date)
            .collect();
        intraday::day_points(self.seed, self.zone(day.timezone), day, &todays)
    }

    /// The local dates, in the activity's zones, that a unix-time range touches.
    pub(crate) fn days_touching(&self, from: i64, to: i64) -> Vec<Date> {
        let mut dates: Vec<Date> = Vec::new();
        for zone in &self.zones {
            let mut date = add_days(local_date(zone, from), -1);
            let last = add_days(local_date(zone, to), 1);
            while date <= last {
                if !dates.contains(&date) {
                    dates.push(date);
                }
                date = add_days(date, 1);
            }
        }
        dates.sort();
        dates
    }
}
