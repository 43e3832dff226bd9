//! The demo person's devices and goals.

use super::dice::hex_id;

/// Which of the person's devices recorded something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceKind {
    Scale,
    Watch,
    SleepAnalyzer,
    BloodPressure,
}

#[derive(Debug, Clone)]
pub struct Device {
    pub kind: DeviceKind,
    /// Withings' device `type` string.
    pub type_name: &'static str,
    /// The model name; the Sleep Analyzer reports `""`, as real accounts do.
    pub model: &'static str,
    pub model_id: i64,
    /// 40 hex digits; Withings reports the same value as `hash_deviceid`.
    pub deviceid: String,
    pub battery: &'static str,
    pub first_session_date: Option<i64>,
    pub last_session_date: Option<i64>,
}

/// The name under which records (sleep series, intraday samples) name the
/// model, which for the Sleep Analyzer differs from the device list's `""`.
pub(crate) fn record_model_name(kind: DeviceKind) -> &'static str {
    match kind {
        DeviceKind::Scale => "Body+",
        DeviceKind::Watch => "ScanWatch",
        DeviceKind::SleepAnalyzer => "Aura Sensor V2",
        DeviceKind::BloodPressure => "BPM Core",
    }
}

pub(crate) fn devices(seed: u64) -> Vec<Device> {
    let device = |kind, type_name, model, model_id, label: &str, battery| Device {
        kind,
        type_name,
        model,
        model_id,
        deviceid: hex_id(seed, label),
        battery,
        first_session_date: None,
        last_session_date: None,
    };
    vec![
        device(DeviceKind::Scale, "Scale", "Body+", 5, "scale", "high"),
        device(
            DeviceKind::Watch,
            "Activity Tracker",
            "ScanWatch",
            93,
            "watch",
            "medium",
        ),
        device(
            DeviceKind::SleepAnalyzer,
            "Sleep Monitor",
            "",
            63,
            "sleep",
            "high",
        ),
        device(
            DeviceKind::BloodPressure,
            "Blood Pressure Monitor",
            "BPM Core",
            44,
            "bpm",
            "unknown",
        ),
    ]
}

/// The person's goals; the weight goal follows the latest category-2 group.
#[derive(Debug, Clone)]
pub struct Goals {
    pub steps: i64,
    pub sleep: i64,
    /// `(value, unit)`: kilograms × 10^unit.
    pub weight: Option<(i64, i64)>,
}
