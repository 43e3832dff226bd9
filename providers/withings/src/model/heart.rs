//! Heart v2: ECG records (`list`), one ECG signal (`get`), and the atrial
//! fibrillation classes (reference §3.7, §3.8, §4.2).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::code::code_table;
use super::device::DeviceModel;
use super::page::paged_body;
use super::position::Position;
use super::serde_helpers::{flag, opt_int};

code_table! {
    /// The result class of measure type 130 (reference §4.2).
    pub enum AfibClass {
        Negative = 0, "negative", "Negative";
        Positive = 1, "positive", "Positive";
        Inconclusive = 2, "inconclusive", "Inconclusive";
        NoSignal = 3, "no_signal", "No signal";
        Other = 4, "other", "Other";
        Noise = 5, "noise", "Noise";
        LowHeartRate = 6, "low_heart_rate", "Heart rate too low";
        HighHeartRate = 7, "high_heart_rate", "Heart rate too high";
        InconclusiveUs = 8, "inconclusive_us", "Inconclusive (US)";
        NegativeNormalHeartRate = 9, "negative_normal_heart_rate", "Negative, normal heart rate";
        NegativeHighHeartRate = 10, "negative_high_heart_rate", "Negative, high heart rate";
        PositiveNormalHeartRate = 11, "positive_normal_heart_rate", "Positive, normal heart rate";
        PositiveHighHeartRate = 12, "positive_high_heart_rate", "Positive, high heart rate";
        NoDiagnosis = 13, "no_diagnosis", "No diagnosis";
    }
}

code_table! {
    /// `ecg.afib` in a heart list record: only three classes there.
    pub enum EcgAfib {
        Negative = 0, "negative", "Negative";
        Positive = 1, "positive", "Positive";
        Inconclusive = 2, "inconclusive", "Inconclusive";
    }
}

/// The `body` of a heart `list` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeartListBody {
    #[serde(default)]
    pub series: Vec<HeartRecord>,
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

paged_body!(HeartListBody, series, HeartRecord);

/// One ECG recording, with the blood pressure a BPM Core took alongside.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeartRecord {
    pub deviceid: Option<String>,
    /// An int model id here (44 BPM Core, 91 Move ECG, 93 ScanWatch...).
    pub model: Option<DeviceModel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecg: Option<Ecg>,
    /// BPM Core only; absent for watches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bloodpressure: Option<BloodPressure>,
    /// BeamO only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stetho: Option<Stetho>,
    #[serde(default, deserialize_with = "opt_int")]
    pub heart_rate: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub modified: Option<i64>,
    /// When the recording was taken (unix seconds).
    pub timestamp: i64,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ecg {
    /// What heart `get` takes as `signalid`.
    pub signalid: i64,
    pub afib: EcgAfib,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// In mmHg.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BloodPressure {
    #[serde(default, deserialize_with = "opt_int")]
    pub diastole: Option<i64>,
    #[serde(default, deserialize_with = "opt_int")]
    pub systole: Option<i64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A stethoscope recording (BeamO).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stetho {
    pub signalid: i64,
    /// Valvular heart disease result; its classes are undocumented.
    #[serde(
        default,
        deserialize_with = "opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub vhd: Option<i64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The `body` of a heart `get` answer: one ECG trace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeartSignal {
    /// Samples in µV.
    #[serde(default)]
    pub signal: Vec<i64>,
    /// Hz: 500 on BPM Core, 300 on Move ECG and ScanWatch.
    #[serde(default, deserialize_with = "opt_int")]
    pub sampling_frequency: Option<i64>,
    pub wearposition: Option<Position>,
    pub model: Option<DeviceModel>,
    #[serde(default, deserialize_with = "opt_int")]
    pub heart_rate: Option<i64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl HeartSignal {
    /// The recording's length in seconds (20 s on BPM Core, 30 s on watches).
    pub fn duration_seconds(&self) -> Option<f64> {
        self.sampling_frequency
            .filter(|hz| *hz > 0)
            .map(|hz| self.signal.len() as f64 / hz as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = r#"{"series":[
 {"deviceid":"0123456789abcdef0123456789abcdef01234567","model":44,"ecg":{"signalid":9876543,"afib":0},
  "bloodpressure":{"diastole":80,"systole":120},"heart_rate":78,"timestamp":1594911107,"modified":1594911120},
 {"deviceid":"abcdef0123456789abcdef012345670123456789","model":91,"ecg":{"signalid":123987,"afib":2},
  "heart_rate":77,"timestamp":1594921551,"modified":1594921560}],
 "more":false,"offset":0}"#;

    const GET: &str = r#"{"signal":[-20,0,20],"sampling_frequency":500,"wearposition":3,"model":44,"heart_rate":82}"#;

    #[test]
    fn a_heart_list_decodes_with_and_without_blood_pressure() {
        let body: HeartListBody = serde_json::from_str(LIST).unwrap();
        assert!(!body.more);
        assert_eq!(body.offset, Some(0));
        let [core, watch] = body.series.as_slice() else {
            panic!("two records")
        };
        assert_eq!(core.model, Some(DeviceModel::BpmCore));
        assert_eq!(core.model.and_then(DeviceModel::name), Some("BPM Core"));
        let ecg = core.ecg.as_ref().unwrap();
        assert_eq!((ecg.signalid, ecg.afib), (9876543, EcgAfib::Negative));
        let bp = core.bloodpressure.as_ref().unwrap();
        assert_eq!((bp.systole, bp.diastole), (Some(120), Some(80)));
        assert_eq!((core.heart_rate, core.timestamp), (Some(78), 1594911107));
        assert_eq!(watch.model, Some(DeviceModel::MoveEcg));
        assert_eq!(watch.ecg.as_ref().unwrap().afib, EcgAfib::Inconclusive);
        assert!(watch.bloodpressure.is_none());
        let again = serde_json::to_value(&body.series).unwrap();
        assert!(
            again[1].get("bloodpressure").is_none(),
            "absent stays absent"
        );
        assert_eq!(again[0]["bloodpressure"]["systole"], 120);
    }

    #[test]
    fn a_heart_signal_decodes() {
        let signal: HeartSignal = serde_json::from_str(GET).unwrap();
        assert_eq!(signal.signal, vec![-20, 0, 20]);
        assert_eq!(signal.sampling_frequency, Some(500));
        assert_eq!(signal.wearposition, Some(Position::LeftArm));
        assert_eq!(signal.model, Some(DeviceModel::BpmCore));
        assert_eq!(signal.heart_rate, Some(82));
        assert_eq!(signal.duration_seconds(), Some(3.0 / 500.0));
    }

    #[test]
    fn unknown_afib_classes_are_kept() {
        let ecg: Ecg = serde_json::from_str(r#"{"signalid":1,"afib":7,"new":true}"#).unwrap();
        assert_eq!(ecg.afib, EcgAfib::Unknown(7));
        assert_eq!(ecg.extra["new"], true);
        assert_eq!(AfibClass::from_code(13), AfibClass::NoDiagnosis);
        assert_eq!(AfibClass::from_code(12).key(), "positive_high_heart_rate");
        assert_eq!(AfibClass::from_code(14), AfibClass::Unknown(14));
        assert_eq!(AfibClass::ALL.len(), 14);
    }
}
