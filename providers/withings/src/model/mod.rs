//! Decoding of Withings data: values, code tables, records.
//!
//! Two layers, because tools need both:
//!
//! - Wire records ([`GetmeasBody`], [`MeasureGroup`], [`ActivityDay`],
//!   [`SleepSegment`], [`HeartRecord`], [`Device`]...) read the JSON Withings really
//!   sends, which differs from its spec (reference §11): `more` as a bool or an int,
//!   `model` as a name or an id, `[]` for an empty object, nulls almost anywhere.
//!   Each keeps the fields it does not name in `extra` and serializes back to the
//!   upstream shape, so the structured privacy mode can return every upstream field
//!   and the fake server can answer with real-looking bodies.
//! - Decoded records ([`DecodedGroup`], [`DecodedMeasure`]) carry what a reader
//!   wants: `value × 10^unit` in real units, names, units and local times, with
//!   every code shown as `{code, key, label}`.
//!
//! No code ever fails a decode: an unknown measure type, attrib, sleep state,
//! workout category or device model becomes `Unknown(code)` and keeps its number.
//! A `model` documented as a string also reads an int (gotcha 4); one documented as
//! an int is a typed [`DeviceModel`] or [`SleepDevice`].

mod activity;
mod code;
mod date;
mod decoded;
mod device;
mod fields;
mod group;
mod heart;
mod measure;
mod page;
mod position;
pub mod serde_helpers;
mod sleep;
mod workout;

pub use activity::{
    ActivityBody, ActivityDay, Brand, IntradayBody, IntradaySample, IntradaySeries, Workout,
    WorkoutsBody,
};
pub use code::{CodeTable, Described, described, described_opt};
pub use date::{InvalidDate, local_day, local_time, parse_day};
pub use decoded::{DecodedGroup, DecodedMeasure, GroupDevice, GroupFilter, decode_groups};
pub use device::{Battery, Device, DeviceModel, DevicesBody, GoalWeight, Goals, GoalsBody};
pub use fields::DataFields;
pub use group::{Attrib, Category, GetmeasBody, Measure, MeasureGroup, merge_duplicate_groups};
pub use heart::{
    AfibClass, BloodPressure, Ecg, EcgAfib, HeartListBody, HeartRecord, HeartSignal, Stetho,
};
pub use measure::{MeasureType, MeasureTypeInfo, UnknownMeasureType, decode_value};
pub use page::Page;
pub use position::Position;
pub use serde_helpers::StrOrInt;
pub use sleep::{
    BadSampleKey, NightEvent, NightEventKind, Sample, SleepDevice, SleepGetBody, SleepSegment,
    SleepState, SleepSummary, SleepSummaryBody,
};
pub use workout::WorkoutCategory;
