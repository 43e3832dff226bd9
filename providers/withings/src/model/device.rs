//! Devices (`getdevice`), device model ids (reference §4.5) and goals
//! (`getgoals`, §3.9–3.10).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::code::code_table;
use super::measure::decode_value;
use super::serde_helpers::{StrOrInt, object_or_empty_array, opt_int};

code_table! {
    /// A device model id: `model_id` on devices, sleep and intraday, `modelid` on
    /// getmeas and getactivity, the int `model` on workouts and heart records.
    ///
    /// Several ids name one product (91/92 Move ECG); they share a key.
    pub enum DeviceModel {
        Wbs01 = 1, "wbs01", "WBS01";
        Ws30 = 2, "ws30", "WS30";
        KidScale = 3, "kid_scale", "Kid Scale";
        SmartBodyAnalyzer = 4, "smart_body_analyzer", "Smart Body Analyzer";
        BodyPlus = 5, "body_plus", "Body+";
        BodyCardio = 6, "body_cardio", "Body Cardio";
        Body = 7, "body", "Body";
        BodyPro = 9, "body_pro", "Body Pro";
        BodyScan = 10, "body_scan", "Body Scan";
        Wbs10 = 11, "wbs10", "WBS10";
        Wbs11 = 12, "wbs11", "WBS11";
        /// Sources disagree: a Body+ in some, a Sleep Analyzer in the device fixture.
        BodyPlusOrSleepAnalyzer = 13, "body_plus_or_sleep_analyzer", "Body+ or Sleep Analyzer";
        BodyComp = 18, "body_comp", "Body Comp";
        SmartBabyMonitor = 21, "smart_baby_monitor", "Smart Baby Monitor";
        WithingsHome = 22, "withings_home", "Withings Home";
        BpmV1 = 41, "bpm_v1", "Blood Pressure Monitor V1";
        BpmV2 = 42, "bpm_v2", "Blood Pressure Monitor V2";
        BpmV3 = 43, "bpm_v3", "Blood Pressure Monitor V3";
        BpmCore = 44, "bpm_core", "BPM Core";
        BpmConnect = 45, "bpm_connect", "BPM Connect";
        BpmConnectPro = 46, "bpm_connect_pro", "BPM Connect Pro";
        BpmPro2 = 47, "bpm_pro_2", "BPM Pro 2";
        BpmVision = 48, "bpm_vision", "BPM Vision";
        Pulse = 51, "pulse", "Pulse";
        Activite = 52, "activite", "Activité";
        ActivitePopSteel = 53, "activite_pop_steel", "Activité Pop / Steel";
        Go = 54, "go", "Go";
        SteelHr = 55, "steel_hr", "Steel HR";
        PulseHr = 58, "pulse_hr", "Pulse HR";
        SteelHrSport = 59, "steel_hr_sport", "Steel HR Sport";
        AuraDock = 60, "aura_dock", "Aura Dock";
        AuraSensor = 61, "aura_sensor", "Aura Sensor";
        /// The Sleep Analyzer; real sleep data names it "Aura Sensor V2".
        AuraSensorV2 = 63, "aura_sensor_v2", "Aura Sensor V2";
        Thermo = 70, "thermo", "Thermo";
        BeamO = 71, "beamo", "BeamO";
        Move = 90, "move", "Move";
        MoveEcg = 91, "move_ecg", "Move ECG";
        MoveEcg92 = 92, "move_ecg", "Move ECG";
        ScanWatch = 93, "scanwatch", "ScanWatch";
        ScanWatch2 = 94, "scanwatch_2", "ScanWatch 2";
        ScanWatchLight = 95, "scanwatch_light", "ScanWatch Light";
        Wup01 = 100, "wup01", "WUP01";
        IosTracker = 1051, "ios_tracker", "iOS tracker";
        IosTracker1052 = 1052, "ios_tracker", "iOS tracker";
        AndroidTracker = 1053, "android_tracker", "Android tracker";
        AndroidTracker1054 = 1054, "android_tracker", "Android tracker";
        GoogleFit = 1055, "google_fit", "GoogleFit tracker";
        SamsungHealth = 1056, "samsung_health", "Samsung Health";
        HealthKit = 1057, "healthkit", "HealthKit";
        HealthKit1058 = 1058, "healthkit", "HealthKit";
        HealthKit1059 = 1059, "healthkit", "HealthKit";
        HealthConnect = 1060, "health_connect", "Google Health Connect";
        IGlucose = 1061, "iglucose", "iGlucose";
        Huawei = 1062, "huawei", "Huawei Health";
        Lingo = 1063, "lingo", "Lingo";
    }
}

impl DeviceModel {
    /// The product name, when the id is in the table.
    pub fn name(self) -> Option<&'static str> {
        self.is_known().then(|| self.label())
    }
}

/// The `body` of a `getdevice` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DevicesBody {
    #[serde(default)]
    pub devices: Vec<Device>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One device linked to the account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Device {
    /// "Scale", "Blood Pressure Monitor", "Activity Tracker", "Sleep Monitor"...
    #[serde(rename = "type")]
    pub device_type: Option<String>,
    pub battery: Option<Battery>,
    /// May be `""` (a Sleep Analyzer in real data).
    pub model: Option<StrOrInt>,
    pub model_id: Option<DeviceModel>,
    pub timezone: Option<String>,
    #[serde(default, deserialize_with = "opt_int")]
    pub first_session_date: Option<i64>,
    #[serde(default, deserialize_with = "opt_int")]
    pub last_session_date: Option<i64>,
    pub deviceid: Option<String>,
    pub hash_deviceid: Option<String>,
    /// Also where `mac_address`, `fw`, `network`... land for advanced partners.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Device {
    /// The upstream name when it says something, else the model id's name.
    pub fn model_name(&self) -> Option<String> {
        self.model
            .as_ref()
            .and_then(StrOrInt::as_text)
            .filter(|name| !name.trim().is_empty())
            .map(str::to_owned)
            .or_else(|| self.model_id.and_then(DeviceModel::name).map(str::to_owned))
    }
}

/// A device's battery level, as Withings words it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Battery {
    /// Above 75 %.
    High,
    /// Above 30 %.
    Medium,
    Low,
    /// Sent by real devices, missing from the spec.
    Unknown,
    /// A level this client does not know, kept as sent.
    Other(String),
}

impl Battery {
    pub fn as_str(&self) -> &str {
        match self {
            Self::High => "high",
            Self::Medium => "medium",
            Self::Low => "low",
            Self::Unknown => "unknown",
            Self::Other(text) => text,
        }
    }
}

impl From<String> for Battery {
    fn from(text: String) -> Self {
        match text.as_str() {
            "high" => Self::High,
            "medium" => Self::Medium,
            "low" => Self::Low,
            "unknown" => Self::Unknown,
            _ => Self::Other(text),
        }
    }
}

impl From<Battery> for String {
    fn from(battery: Battery) -> Self {
        match battery {
            Battery::Other(text) => text,
            known => known.as_str().to_owned(),
        }
    }
}

impl fmt::Display for Battery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `body` of a `getgoals` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoalsBody {
    /// `[]`, not `{}`, when the user has set no goal.
    #[serde(default, deserialize_with = "object_or_empty_array")]
    pub goals: Goals,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The user's goals; any of them may be unset.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Goals {
    #[serde(
        default,
        deserialize_with = "opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub steps: Option<i64>,
    /// Seconds of sleep per night.
    #[serde(
        default,
        deserialize_with = "opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub sleep: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<GoalWeight>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Goals {
    pub fn is_empty(&self) -> bool {
        self.steps.is_none()
            && self.sleep.is_none()
            && self.weight.is_none()
            && self.extra.is_empty()
    }
}

/// A weight goal, encoded like a measure: `value × 10^unit` kg.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoalWeight {
    pub value: i64,
    pub unit: i64,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl GoalWeight {
    pub fn kg(&self) -> f64 {
        decode_value(self.value, self.unit)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const DEVICES: &str = r#"{"devices":[
 {"type":"Scale","battery":"high","model":"Body+","model_id":5,"timezone":"Europe/Amsterdam",
  "first_session_date":null,"last_session_date":1693867179,
  "deviceid":"f998be4b9ccc9e136fd8cd8e8e344c31ec3b271d","hash_deviceid":"f998be4b9ccc9e136fd8cd8e8e344c31ec3b271d"},
 {"type":"Sleep Monitor","battery":"high","model":"","model_id":13,"timezone":"Europe/Amsterdam",
  "first_session_date":1693867179,"last_session_date":null,
  "deviceid":"f998be4b9ccc9e136fd8cd8e8e344c31ec3b271d","hash_deviceid":"f998be4b9ccc9e136fd8cd8e8e344c31ec3b271d"}]}"#;

    #[test]
    fn real_devices_decode_with_an_empty_model_and_null_sessions() {
        let body: DevicesBody = serde_json::from_str(DEVICES).unwrap();
        let [scale, sleep] = body.devices.as_slice() else {
            panic!("two devices")
        };
        assert_eq!(scale.device_type.as_deref(), Some("Scale"));
        assert_eq!(scale.battery, Some(Battery::High));
        assert_eq!(scale.model_id, Some(DeviceModel::BodyPlus));
        assert_eq!(scale.model_name().as_deref(), Some("Body+"));
        assert_eq!(
            (scale.first_session_date, scale.last_session_date),
            (None, Some(1693867179))
        );
        assert_eq!(sleep.model, Some(StrOrInt::Str(String::new())));
        assert_eq!(
            sleep.model_name().as_deref(),
            Some("Body+ or Sleep Analyzer"),
            "an empty name falls back to the id's"
        );
        assert_eq!(sleep.last_session_date, None);
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::from_str::<Value>(DEVICES).unwrap()
        );
    }

    #[test]
    fn battery_levels_outside_the_spec_are_kept() {
        let device: Device = serde_json::from_value(json!({
            "type": "Activity Tracker", "battery": "unknown", "model": "ScanWatch", "model_id": 93,
            "timezone": "Europe/Paris", "first_session_date": 1, "last_session_date": 2,
            "deviceid": "d", "hash_deviceid": "h", "mac_address": "00:24:e4:aa:bb:cc"
        }))
        .unwrap();
        assert_eq!(device.battery, Some(Battery::Unknown));
        assert_eq!(device.extra["mac_address"], "00:24:e4:aa:bb:cc");
        let odd: Battery = serde_json::from_value(json!("critical")).unwrap();
        assert_eq!(odd, Battery::Other("critical".into()));
        assert_eq!(serde_json::to_value(&odd).unwrap(), json!("critical"));
    }

    #[test]
    fn an_unknown_device_model_decodes() {
        let device: Device =
            serde_json::from_value(json!({"type": "Scale", "model_id": 4242})).unwrap();
        assert_eq!(device.model_id, Some(DeviceModel::Unknown(4242)));
        assert_eq!(device.model_name(), None);
        assert_eq!(DeviceModel::from_code(4242).name(), None);
        assert_eq!(
            DeviceModel::from_code(1055).name(),
            Some("GoogleFit tracker")
        );
    }

    #[test]
    fn goals_decode_as_an_object_or_an_empty_array() {
        let set: GoalsBody = serde_json::from_str(
            r#"{"goals":{"steps":10000,"sleep":28800,"weight":{"value":70500,"unit":-3}}}"#,
        )
        .unwrap();
        assert_eq!(set.goals.steps, Some(10000));
        assert_eq!(set.goals.sleep, Some(28800));
        assert_eq!(set.goals.weight.as_ref().map(GoalWeight::kg), Some(70.5));
        assert!(!set.goals.is_empty());

        let none: GoalsBody = serde_json::from_str(r#"{"goals":[]}"#).unwrap();
        assert!(none.goals.is_empty());
        let partial: GoalsBody = serde_json::from_str(r#"{"goals":{"steps":8000}}"#).unwrap();
        assert_eq!(
            (partial.goals.steps, partial.goals.weight),
            (Some(8000), None)
        );
    }
}
