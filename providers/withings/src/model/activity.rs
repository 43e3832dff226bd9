//! Measure v2: daily activity (`getactivity`), workouts (`getworkouts`) and
//! intraday samples (`getintradayactivity`) (reference §3.2–3.4).

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::code::code_table;
use super::date::{self, InvalidDate};
use super::device::DeviceModel;
use super::fields::DataFields;
use super::page::paged_body;
use super::serde_helpers::{
    StrOrInt, compact_opt_f64, flag, object_or_empty_array, opt_flag, opt_int,
};
use super::workout::WorkoutCategory;

code_table! {
    /// Where a day's activity comes from.
    pub enum Brand {
        Withings = 1, "withings", "Withings";
        /// Another app or platform (GoogleFit, HealthKit...).
        External = 18, "external", "External source";
    }
}

/// The `body` of a `getactivity` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityBody {
    #[serde(default)]
    pub activities: Vec<ActivityDay>,
    #[serde(default, deserialize_with = "flag")]
    pub more: bool,
    #[serde(
        default,
        deserialize_with = "opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub offset: Option<i64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

paged_body!(ActivityBody, activities, ActivityDay);

/// One local day of activity. Data fields are `None` when not requested, and the
/// `hr_*` fields when the day has no heart-rate data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityDay {
    /// The day in `timezone`, `YYYY-MM-DD`.
    pub date: String,
    pub timezone: Option<String>,
    pub deviceid: Option<String>,
    pub hash_deviceid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<Brand>,
    #[serde(
        default,
        deserialize_with = "opt_flag",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_tracker: Option<bool>,
    #[serde(
        default,
        deserialize_with = "opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub modified: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<StrOrInt>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modelid: Option<DeviceModel>,
    #[serde(
        default,
        deserialize_with = "opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub steps: Option<i64>,
    /// Metres.
    #[serde(
        default,
        serialize_with = "compact_opt_f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub distance: Option<f64>,
    /// Floors climbed.
    #[serde(
        default,
        serialize_with = "compact_opt_f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub elevation: Option<f64>,
    /// Seconds of light activity.
    #[serde(
        default,
        deserialize_with = "opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub soft: Option<i64>,
    /// Seconds of moderate activity.
    #[serde(
        default,
        deserialize_with = "opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub moderate: Option<i64>,
    /// Seconds of intense activity.
    #[serde(
        default,
        deserialize_with = "opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub intense: Option<i64>,
    /// Seconds: moderate + intense.
    #[serde(
        default,
        deserialize_with = "opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub active: Option<i64>,
    /// Active kcal.
    #[serde(
        default,
        serialize_with = "compact_opt_f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub calories: Option<f64>,
    /// Active plus passive kcal.
    #[serde(
        default,
        serialize_with = "compact_opt_f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub totalcalories: Option<f64>,
    #[serde(
        default,
        deserialize_with = "opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub hr_average: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub hr_min: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub hr_max: Option<i64>,
    /// Seconds in heart-rate zone 0 (light) to 3 (peak).
    #[serde(
        default,
        deserialize_with = "opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub hr_zone_0: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub hr_zone_1: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub hr_zone_2: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub hr_zone_3: Option<i64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ActivityDay {
    pub fn local_date(&self) -> Result<jiff::civil::Date, InvalidDate> {
        date::parse_day(&self.date)
    }

    /// Whether the day carries heart-rate data (the `hr_*` keys are absent otherwise).
    pub fn has_heart_rate(&self) -> bool {
        self.hr_average.is_some() || self.hr_min.is_some() || self.hr_max.is_some()
    }
}

/// The `body` of a `getworkouts` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkoutsBody {
    #[serde(default)]
    pub series: Vec<Workout>,
    #[serde(default, deserialize_with = "flag")]
    pub more: bool,
    #[serde(
        default,
        deserialize_with = "opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub offset: Option<i64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

paged_body!(WorkoutsBody, series, Workout);

/// One workout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workout {
    pub id: i64,
    pub category: WorkoutCategory,
    pub timezone: Option<String>,
    /// A model id (an int) here, unlike getmeas.
    pub model: Option<DeviceModel>,
    /// Undocumented for workouts; kept as sent.
    #[serde(default, deserialize_with = "opt_int")]
    pub attrib: Option<i64>,
    pub startdate: i64,
    pub enddate: i64,
    /// The local day, `YYYY-MM-DD`.
    pub date: String,
    #[serde(
        default,
        deserialize_with = "opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub modified: Option<i64>,
    pub deviceid: Option<String>,
    /// Requested fields; values may be null, or 0 when not measured.
    #[serde(default, deserialize_with = "object_or_empty_array")]
    pub data: DataFields,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Workout {
    pub fn duration_seconds(&self) -> i64 {
        self.enddate.saturating_sub(self.startdate)
    }

    pub fn local_date(&self) -> Result<jiff::civil::Date, InvalidDate> {
        date::parse_day(&self.date)
    }
}

/// The `body` of a `getintradayactivity` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntradayBody {
    /// In time order. Upstream an object keyed by unix seconds as text, or `[]`.
    #[serde(default)]
    pub series: IntradaySeries,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Intraday samples in time order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IntradaySeries(pub Vec<IntradaySample>);

/// What one intraday timestamp holds: the device, and the requested fields
/// (`steps`, `heart_rate`, `calories`...).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntradaySample {
    /// Unix seconds.
    pub timestamp: i64,
    pub deviceid: Option<String>,
    pub model: Option<StrOrInt>,
    pub model_id: Option<DeviceModel>,
    #[serde(flatten)]
    pub fields: DataFields,
}

/// One upstream series entry: a sample without its key.
#[derive(Serialize, Deserialize)]
struct IntradayEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    deviceid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    model: Option<StrOrInt>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    model_id: Option<DeviceModel>,
    #[serde(flatten)]
    fields: DataFields,
}

impl<'de> Deserialize<'de> for IntradaySeries {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let entries: BTreeMap<String, IntradayEntry> = object_or_empty_array(deserializer)?;
        let mut samples = entries
            .into_iter()
            .map(|(key, entry)| {
                let timestamp = key
                    .trim()
                    .parse::<i64>()
                    .map_err(|_| <D::Error as de::Error>::custom(NotUnixSeconds(&key)))?;
                Ok(IntradaySample {
                    timestamp,
                    deviceid: entry.deviceid,
                    model: entry.model,
                    model_id: entry.model_id,
                    fields: entry.fields,
                })
            })
            .collect::<Result<Vec<_>, D::Error>>()?;
        samples.sort_by_key(|sample| sample.timestamp);
        Ok(Self(samples))
    }
}

impl Serialize for IntradaySeries {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for sample in &self.0 {
            let entry = IntradayEntry {
                deviceid: sample.deviceid.clone(),
                model: sample.model.clone(),
                model_id: sample.model_id,
                fields: sample.fields.clone(),
            };
            map.serialize_entry(&sample.timestamp.to_string(), &entry)?;
        }
        map.end()
    }
}

struct NotUnixSeconds<'a>(&'a str);

impl fmt::Display for NotUnixSeconds<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "intraday series key {:?} is not unix seconds", self.0)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const ACTIVITY: &str = r#"{"activities":[
 {"steps":1209,"distance":1028.559,"elevation":0,"soft":1864,"moderate":292,"intense":0,"active":292,
  "calories":85.497,"totalcalories":2303.788,"hr_average":80,"hr_min":70,"hr_max":80,
  "hr_zone_0":100,"hr_zone_1":200,"hr_zone_2":300,"hr_zone_3":400,
  "deviceid":null,"hash_deviceid":null,"timezone":"Europe/Amsterdam","date":"2023-10-20",
  "modified":1697884856,"brand":18,"modelid":1055,"model":"GoogleFit tracker","is_tracker":false},
 {"steps":1155,"distance":1020.121,"elevation":0,"soft":1516,"moderate":287,"intense":420,"active":707,
  "calories":134.132,"totalcalories":2357.149,"deviceid":null,"hash_deviceid":null,
  "timezone":"Europe/Amsterdam","date":"2023-10-21","modified":1697887349,"brand":18,
  "modelid":1055,"model":"GoogleFit tracker","is_tracker":false}],
 "more":false,"offset":200}"#;

    const WORKOUTS: &str = r#"{"series":[
 {"id":3661300277,"category":1,"timezone":"Europe/Amsterdam","model":1055,"attrib":0,
  "startdate":1693336011,"enddate":1693336513,"date":"2023-08-29","deviceid":null,
  "data":{"calories":47,"intensity":30,"manual_distance":60,"manual_calories":70,"hr_average":80,"hr_min":70,
          "hr_max":80,"hr_zone_0":100,"hr_zone_1":200,"hr_zone_2":300,"hr_zone_3":400,"pause_duration":80,
          "steps":779,"distance":680,"elevation":10,"algo_pause_duration":null,"spo2_average":15},
  "modified":1693481873}],
 "more":false,"offset":0}"#;

    const INTRADAY: &str = r#"{"series":{
  "1594245660":{"deviceid":"892359876fd8805ac45bab078c4828692f0276b1","model":"ScanWatch","model_id":93,"steps":18,"calories":0.84,"distance":13.2,"duration":60,"elevation":0},
  "1594245600":{"deviceid":"892359876fd8805ac45bab078c4828692f0276b1","model":"ScanWatch","model_id":93,"heart_rate":62}}}"#;

    #[test]
    fn real_activity_days_decode_with_and_without_heart_rate() {
        let body: ActivityBody = serde_json::from_str(ACTIVITY).unwrap();
        assert!(!body.more);
        assert_eq!(body.offset, Some(200));
        let [with_hr, without_hr] = body.activities.as_slice() else {
            panic!("two days")
        };
        assert_eq!(with_hr.local_date(), Ok(jiff::civil::date(2023, 10, 20)));
        assert_eq!(with_hr.steps, Some(1209));
        assert_eq!(with_hr.distance, Some(1028.559));
        assert_eq!(with_hr.calories, Some(85.497));
        assert_eq!(with_hr.totalcalories, Some(2303.788));
        assert_eq!(with_hr.active, Some(292));
        assert_eq!(with_hr.brand, Some(Brand::External));
        assert_eq!(with_hr.is_tracker, Some(false));
        assert_eq!(with_hr.modelid, Some(DeviceModel::GoogleFit));
        assert_eq!(with_hr.deviceid, None);
        assert!(with_hr.has_heart_rate());
        assert_eq!(
            (with_hr.hr_average, with_hr.hr_min, with_hr.hr_max),
            (Some(80), Some(70), Some(80))
        );
        assert_eq!(with_hr.hr_zone_3, Some(400));
        assert!(!without_hr.has_heart_rate());
        assert_eq!((without_hr.hr_average, without_hr.hr_zone_0), (None, None));
        assert_eq!(without_hr.intense, Some(420));
        assert!(with_hr.extra.is_empty() && without_hr.extra.is_empty());
    }

    #[test]
    fn activity_serializes_back_to_the_upstream_shape() {
        let upstream: Value = serde_json::from_str(ACTIVITY).unwrap();
        let body: ActivityBody = serde_json::from_value(upstream.clone()).unwrap();
        assert_eq!(serde_json::to_value(&body).unwrap(), upstream);
    }

    #[test]
    fn a_real_workout_decodes_with_null_data() {
        let body: WorkoutsBody = serde_json::from_str(WORKOUTS).unwrap();
        let workout = &body.series[0];
        assert_eq!(workout.id, 3661300277);
        assert_eq!(workout.category, WorkoutCategory::Walk);
        assert_eq!(workout.model, Some(DeviceModel::GoogleFit));
        assert_eq!(workout.attrib, Some(0));
        assert_eq!(workout.duration_seconds(), 502);
        assert_eq!(workout.local_date(), Ok(jiff::civil::date(2023, 8, 29)));
        assert_eq!(workout.data.number("calories"), Some(47.0));
        assert_eq!(workout.data.number("steps"), Some(779.0));
        assert_eq!(workout.data.get("algo_pause_duration"), Some(&Value::Null));
        assert_eq!(workout.data.number("algo_pause_duration"), None);
        assert_eq!(workout.deviceid, None);
        let upstream: Value = serde_json::from_str(WORKOUTS).unwrap();
        assert_eq!(serde_json::to_value(&body).unwrap(), upstream);
    }

    #[test]
    fn an_unknown_workout_category_decodes() {
        let workout: Workout = serde_json::from_value(json!({
            "id": 1, "category": 999, "timezone": "Europe/Paris", "model": 4242, "attrib": 10000,
            "startdate": 10, "enddate": 70, "date": "2024-01-01", "deviceid": null, "data": []
        }))
        .unwrap();
        assert_eq!(workout.category, WorkoutCategory::Unknown(999));
        assert_eq!(workout.model, Some(DeviceModel::Unknown(4242)));
        assert!(workout.data.is_empty());
    }

    #[test]
    fn intraday_series_come_sorted_by_time() {
        let body: IntradayBody = serde_json::from_str(INTRADAY).unwrap();
        let [first, second] = body.series.0.as_slice() else {
            panic!("two samples")
        };
        assert_eq!(first.timestamp, 1594245600);
        assert_eq!(first.fields.number("heart_rate"), Some(62.0));
        assert_eq!(first.model_id, Some(DeviceModel::ScanWatch));
        assert_eq!(second.timestamp, 1594245660);
        assert_eq!(second.fields.number("steps"), Some(18.0));
        assert_eq!(second.fields.number("calories"), Some(0.84));
        assert_eq!(second.fields.len(), 5, "device fields are not data fields");
        let upstream: Value = serde_json::from_str(INTRADAY).unwrap();
        assert_eq!(serde_json::to_value(&body).unwrap(), upstream);
    }

    #[test]
    fn an_empty_intraday_series_may_be_an_empty_array() {
        let empty: IntradayBody = serde_json::from_str(r#"{"series":[]}"#).unwrap();
        assert!(empty.series.0.is_empty());
        let absent: IntradayBody = serde_json::from_str("{}").unwrap();
        assert!(absent.series.0.is_empty());
        let bad = serde_json::from_str::<IntradayBody>(r#"{"series":{"noon":{"steps":1}}}"#);
        assert!(bad.unwrap_err().to_string().contains("\"noon\""));
    }

    #[test]
    fn a_sample_serializes_flat_for_tool_outputs() {
        let body: IntradayBody = serde_json::from_str(INTRADAY).unwrap();
        assert_eq!(
            serde_json::to_value(&body.series.0[0]).unwrap(),
            json!({
                "timestamp": 1594245600, "deviceid": "892359876fd8805ac45bab078c4828692f0276b1",
                "model": "ScanWatch", "model_id": 93, "heart_rate": 62
            })
        );
    }
}
