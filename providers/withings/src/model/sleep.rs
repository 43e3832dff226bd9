//! Sleep v2: per-minute segments (`get`) and nightly summaries (`getsummary`)
//! (reference §3.5, §3.6).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::code::code_table;
use super::date::{self, InvalidDate};
use super::device::DeviceModel;
use super::fields::DataFields;
use super::page::paged_body;
use super::serde_helpers::{StrOrInt, flag, json_number, object_or_empty_array, opt_flag, opt_int};

code_table! {
    /// What the sleeper was doing during a segment.
    pub enum SleepState {
        Awake = 0, "awake", "Awake";
        Light = 1, "light", "Light sleep";
        Deep = 2, "deep", "Deep sleep";
        Rem = 3, "rem", "REM sleep";
        Manual = 4, "manual", "Manual";
        Unspecified = 5, "unspecified", "Unspecified";
        /// Needs a specific plan.
        OutOfBed = 15, "out_of_bed", "Out of bed";
    }
}

code_table! {
    /// The kind of device behind sleep data: the int `model` of sleep bodies and
    /// summaries (not a model id).
    pub enum SleepDevice {
        Tracker = 16, "tracker", "Activity tracker";
        SleepMonitor = 32, "sleep_monitor", "Sleep monitor";
    }
}

code_table! {
    /// A `night_events` key.
    pub enum NightEventKind {
        GotInBed = 1, "got_in_bed", "Got in bed";
        FellAsleep = 2, "fell_asleep", "Fell asleep";
        WokeUp = 3, "woke_up", "Woke up";
        GotOutOfBed = 4, "got_out_of_bed", "Got out of bed";
        ManualAsleepStart = 5, "manual_asleep_start", "Manual asleep start";
        ManualAwakeStart = 6, "manual_awake_start", "Manual awake start";
    }
}

/// The `body` of a sleep `get` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SleepGetBody {
    /// An array of segments, though the spec shows an object.
    #[serde(default)]
    pub series: Vec<SleepSegment>,
    pub model: Option<SleepDevice>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One sleep segment: a stretch in one state, with per-minute samples of each
/// requested field (`hr`, `rr`, `snoring`...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "WireSegment", into = "WireSegment")]
pub struct SleepSegment {
    pub startdate: i64,
    pub enddate: i64,
    pub state: SleepState,
    /// The model's name here ("Aura Sensor V2").
    pub model: Option<StrOrInt>,
    pub model_id: Option<DeviceModel>,
    pub hash_deviceid: Option<String>,
    /// Samples per field, in time order. Upstream each field is an object keyed
    /// by unix seconds as text, or `[]` when empty.
    pub samples: BTreeMap<String, Vec<Sample>>,
    /// Fields that are not sample maps.
    pub extra: Map<String, Value>,
}

/// One sample of a sleep field.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Sample {
    /// Unix seconds.
    pub timestamp: i64,
    #[serde(serialize_with = "super::serde_helpers::compact_f64")]
    pub value: f64,
}

impl SleepSegment {
    pub fn duration_seconds(&self) -> i64 {
        self.enddate.saturating_sub(self.startdate)
    }

    /// The samples of one field; empty when the field was not sent.
    pub fn field(&self, name: &str) -> &[Sample] {
        self.samples.get(name).map_or(&[], Vec::as_slice)
    }
}

/// A sample map whose key is not unix seconds: a shape nobody has seen, so the
/// segment is refused rather than silently losing samples.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("sleep field {field:?} has sample key {key:?}, not unix seconds")]
pub struct BadSampleKey {
    pub field: String,
    pub key: String,
}

/// The `body` of a sleep `getsummary` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SleepSummaryBody {
    #[serde(default)]
    pub series: Vec<SleepSummary>,
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

paged_body!(SleepSummaryBody, series, SleepSummary);

/// One night.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SleepSummary {
    pub id: i64,
    pub timezone: Option<String>,
    pub model: Option<SleepDevice>,
    pub model_id: Option<DeviceModel>,
    pub hash_deviceid: Option<String>,
    pub startdate: i64,
    pub enddate: i64,
    /// The local day of the wake-up, not of the evening: a night starting
    /// 2021-04-17 22:30 in Paris is dated 2021-04-18.
    pub date: String,
    #[serde(
        default,
        deserialize_with = "opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub created: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub modified: Option<i64>,
    /// In the spec only.
    #[serde(
        default,
        deserialize_with = "opt_flag",
        skip_serializing_if = "Option::is_none"
    )]
    pub completed: Option<bool>,
    /// Durations in seconds, `sleep_efficiency` in 0..1, `-1` for "not computed".
    #[serde(default, deserialize_with = "object_or_empty_array")]
    pub data: DataFields,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One event of the night, from `night_events`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NightEvent {
    #[serde(serialize_with = "super::code::described")]
    pub kind: NightEventKind,
    /// Seconds after the night's `startdate`.
    pub offset: i64,
    /// Unix seconds.
    pub at: i64,
}

/// Withings' "not computed" marker in summary data.
const NOT_COMPUTED: f64 = -1.0;

impl SleepSummary {
    /// The wake-up day.
    pub fn local_date(&self) -> Result<jiff::civil::Date, InvalidDate> {
        date::parse_day(&self.date)
    }

    /// A numeric data field; `None` when absent, null, not a number, or `-1`
    /// (not computed).
    pub fn metric(&self, field: &str) -> Option<f64> {
        self.data
            .number(field)
            .filter(|value| *value != NOT_COMPUTED)
    }

    /// Every numeric data field, with "not computed" as `None`.
    pub fn metrics(&self) -> BTreeMap<&str, Option<f64>> {
        self.data
            .numbers()
            .map(|(field, value)| (field, (value != NOT_COMPUTED).then_some(value)))
            .collect()
    }

    /// The `night_events`, in time order; read from `data`, or from the record
    /// itself should Withings move them.
    pub fn night_events(&self) -> Vec<NightEvent> {
        let Some(Value::Object(events)) = self
            .data
            .get("night_events")
            .or_else(|| self.extra.get("night_events"))
        else {
            return Vec::new();
        };
        let mut found: Vec<NightEvent> = events
            .iter()
            .filter_map(|(kind, offsets)| Some((kind.trim().parse::<i64>().ok()?, offsets)))
            .flat_map(|(kind, offsets)| {
                offsets
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_f64)
                    .map(move |offset| NightEvent {
                        kind: NightEventKind::from_code(kind),
                        offset: offset.round() as i64,
                        at: self.startdate.saturating_add(offset.round() as i64),
                    })
            })
            .collect();
        found.sort_by_key(|event| (event.at, event.kind.code()));
        found
    }
}

/// A segment as it travels: known fields, then everything else.
#[derive(Serialize, Deserialize)]
struct WireSegment {
    startdate: i64,
    enddate: i64,
    state: SleepState,
    #[serde(default)]
    model: Option<StrOrInt>,
    #[serde(default)]
    model_id: Option<DeviceModel>,
    #[serde(default)]
    hash_deviceid: Option<String>,
    #[serde(flatten)]
    rest: Map<String, Value>,
}

impl TryFrom<WireSegment> for SleepSegment {
    type Error = BadSampleKey;

    fn try_from(wire: WireSegment) -> Result<Self, BadSampleKey> {
        let mut samples = BTreeMap::new();
        let mut extra = Map::new();
        for (field, value) in wire.rest {
            match value {
                Value::Object(map) => {
                    let series = parse_samples(&field, map)?;
                    samples.insert(field, series);
                }
                Value::Array(items) if items.is_empty() => {
                    samples.insert(field, Vec::new());
                }
                other => {
                    extra.insert(field, other);
                }
            }
        }
        Ok(Self {
            startdate: wire.startdate,
            enddate: wire.enddate,
            state: wire.state,
            model: wire.model,
            model_id: wire.model_id,
            hash_deviceid: wire.hash_deviceid,
            samples,
            extra,
        })
    }
}

impl From<SleepSegment> for WireSegment {
    fn from(segment: SleepSegment) -> Self {
        let mut rest = segment.extra;
        for (field, series) in segment.samples {
            let map: Map<String, Value> = series
                .into_iter()
                .map(|sample| (sample.timestamp.to_string(), json_number(sample.value)))
                .collect();
            rest.insert(field, Value::Object(map));
        }
        Self {
            startdate: segment.startdate,
            enddate: segment.enddate,
            state: segment.state,
            model: segment.model,
            model_id: segment.model_id,
            hash_deviceid: segment.hash_deviceid,
            rest,
        }
    }
}

/// Null samples carry nothing and are left out.
fn parse_samples(field: &str, map: Map<String, Value>) -> Result<Vec<Sample>, BadSampleKey> {
    let mut samples = Vec::with_capacity(map.len());
    for (key, value) in map {
        let timestamp = key.trim().parse::<i64>().map_err(|_| BadSampleKey {
            field: field.to_owned(),
            key: key.clone(),
        })?;
        if let Some(value) = value.as_f64() {
            samples.push(Sample { timestamp, value });
        }
    }
    samples.sort_by_key(|sample| sample.timestamp);
    Ok(samples)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const GET: &str = r#"{"series":[
 {"startdate":1618691453,"state":0,"enddate":1618691573,"model":"Aura Sensor V2",
  "hr":{"1618691453":70,"1618691513":71},"rr":{"1618691453":15,"1618691513":15},
  "snoring":{"1618691453":0,"1618691513":0},
  "hash_deviceid":"201d0b9a0556d6b755166b2cf8d22d3bdf0487ee","model_id":63},
 {"startdate":1618692053,"state":1,"enddate":1618692113,"model":"Aura Sensor V2",
  "hr":{"1618692053":81},"rr":{"1618692053":16},"snoring":{"1618692053":0},
  "hash_deviceid":"201d0b9a0556d6b755166b2cf8d22d3bdf0487ee","model_id":63}],
 "model":32}"#;

    const SUMMARY: &str = r#"{"series":[
 {"id":2081804182,"timezone":"Europe/Paris","model":32,"model_id":63,
  "hash_deviceid":"201d0b9a0556d6b755166b2cf8d22d3bdf0487ee","startdate":1618691453,"enddate":1618713173,
  "date":"2021-04-18",
  "data":{"wakeupduration":3060,"wakeupcount":1,"durationtosleep":540,"remsleepduration":2400,"durationtowakeup":1140,
          "total_sleep_time":18660,"sleep_efficiency":0.86,"sleep_latency":540,"wakeup_latency":1140,"waso":1380,
          "nb_rem_episodes":1,"out_of_bed_count":0,"lightsleepduration":10440,"deepsleepduration":5820,
          "hr_average":103,"hr_min":70,"hr_max":120,"rr_average":14,"rr_min":10,"rr_max":20,
          "breathing_disturbances_intensity":9,"snoring":1080,"snoringepisodecount":18,"sleep_score":37,
          "apnea_hypopnea_index":9},
  "created":1620237476,"modified":1620237476}],
 "more":true,"offset":300}"#;

    #[test]
    fn a_real_sleep_get_decodes_its_two_segments() {
        let body: SleepGetBody = serde_json::from_str(GET).unwrap();
        assert_eq!(body.model, Some(SleepDevice::SleepMonitor));
        let [awake, light] = body.series.as_slice() else {
            panic!("two segments")
        };
        assert_eq!(awake.state, SleepState::Awake);
        assert_eq!(light.state, SleepState::Light);
        assert_eq!(awake.duration_seconds(), 120);
        assert_eq!(awake.model_id, Some(DeviceModel::AuraSensorV2));
        assert_eq!(
            awake.model.as_ref().and_then(StrOrInt::as_text),
            Some("Aura Sensor V2")
        );
        assert_eq!(
            awake.field("hr"),
            [
                Sample {
                    timestamp: 1618691453,
                    value: 70.0
                },
                Sample {
                    timestamp: 1618691513,
                    value: 71.0
                },
            ]
        );
        assert_eq!(
            light.field("rr"),
            [Sample {
                timestamp: 1618692053,
                value: 16.0
            }]
        );
        assert_eq!(light.field("snoring")[0].value, 0.0);
        assert!(light.field("sdnn_1").is_empty());
        assert!(awake.extra.is_empty(), "every non-map field is typed");
    }

    #[test]
    fn segments_serialize_back_to_the_upstream_shape() {
        let upstream: Value = serde_json::from_str(GET).unwrap();
        let body: SleepGetBody = serde_json::from_value(upstream.clone()).unwrap();
        assert_eq!(serde_json::to_value(&body).unwrap(), upstream);
    }

    #[test]
    fn segment_maps_may_be_empty_arrays_and_states_unknown() {
        let segment: SleepSegment = serde_json::from_value(json!({
            "startdate": 1, "enddate": 61, "state": 9, "model": "Aura Sensor V2",
            "model_id": 63, "hash_deviceid": null, "hr": [], "rr": {"1": null}, "note": "x"
        }))
        .unwrap();
        assert_eq!(segment.state, SleepState::Unknown(9));
        assert_eq!(segment.state.code(), 9);
        assert!(segment.field("hr").is_empty());
        assert!(segment.field("rr").is_empty(), "null samples are dropped");
        assert_eq!(segment.extra["note"], "x");
        let bad = serde_json::from_value::<SleepSegment>(json!({
            "startdate": 1, "enddate": 61, "state": 1, "hr": {"yesterday": 60}
        }));
        assert!(bad.unwrap_err().to_string().contains("\"yesterday\""));
    }

    #[test]
    fn a_segment_without_data_fields_decodes() {
        let segment: SleepSegment = serde_json::from_value(json!({
            "startdate": 1618691453, "state": 2, "enddate": 1618691573,
            "model": "Aura Sensor V2", "hash_deviceid": "h", "model_id": 63
        }))
        .unwrap();
        assert_eq!(segment.state, SleepState::Deep);
        assert!(segment.samples.is_empty());
    }

    #[test]
    fn a_real_sleep_summary_decodes() {
        let body: SleepSummaryBody = serde_json::from_str(SUMMARY).unwrap();
        assert!(body.more);
        assert_eq!(body.offset, Some(300));
        let night = &body.series[0];
        assert_eq!(night.id, 2081804182);
        assert_eq!(night.model, Some(SleepDevice::SleepMonitor));
        assert_eq!(night.model_id, Some(DeviceModel::AuraSensorV2));
        assert_eq!(night.local_date(), Ok(jiff::civil::date(2021, 4, 18)));
        assert_eq!(night.metric("total_sleep_time"), Some(18660.0));
        assert_eq!(night.metric("sleep_efficiency"), Some(0.86));
        assert_eq!(night.metric("sleep_score"), Some(37.0));
        assert_eq!(night.metric("hr_average"), Some(103.0));
        assert_eq!(night.metric("mvt_score_avg"), None);
        assert_eq!(night.metrics().len(), 25);
        assert_eq!(
            (night.created, night.modified),
            (Some(1620237476), Some(1620237476))
        );
    }

    #[test]
    fn not_computed_values_read_as_none() {
        let night: SleepSummary = serde_json::from_value(json!({
            "id": 1, "timezone": "Europe/Paris", "model": 32, "model_id": 63,
            "hash_deviceid": "h", "startdate": 1000, "enddate": 2000, "date": "2021-04-18",
            "data": {
                "breathing_disturbances_intensity": -1, "apnea_hypopnea_index": -1,
                "sleep_score": 80, "core_body_temperature_status": "usual",
                "night_events": {"3": [900], "1": [0], "2": [300, 120]}
            },
            "created": 1, "modified": 2
        }))
        .unwrap();
        assert_eq!(night.metric("breathing_disturbances_intensity"), None);
        assert_eq!(night.metric("apnea_hypopnea_index"), None);
        assert_eq!(
            night.data.number("apnea_hypopnea_index"),
            Some(-1.0),
            "raw stays raw"
        );
        assert_eq!(night.metric("sleep_score"), Some(80.0));
        let metrics = night.metrics();
        assert_eq!(metrics["apnea_hypopnea_index"], None);
        assert_eq!(metrics["sleep_score"], Some(80.0));
        assert!(!metrics.contains_key("core_body_temperature_status"));
        assert_eq!(
            night.data.text("core_body_temperature_status"),
            Some("usual")
        );
        let events: Vec<(NightEventKind, i64)> = night
            .night_events()
            .iter()
            .map(|e| (e.kind, e.at))
            .collect();
        assert_eq!(
            events,
            [
                (NightEventKind::GotInBed, 1000),
                (NightEventKind::FellAsleep, 1120),
                (NightEventKind::FellAsleep, 1300),
                (NightEventKind::WokeUp, 1900),
            ]
        );
    }

    #[test]
    fn summary_data_may_be_an_empty_array() {
        let night: SleepSummary = serde_json::from_value(json!({
            "id": 1, "startdate": 1, "enddate": 2, "date": "2021-04-18", "data": []
        }))
        .unwrap();
        assert!(night.data.is_empty());
        assert_eq!(night.model, None);
    }
}
