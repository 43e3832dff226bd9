//! Getmeas bodies and measure groups as they really arrive (reference §3.1), their
//! `category` and `attrib` codes (§4.3), and the merge of duplicate groups (§9.15).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::code::code_table;
use super::device::DeviceModel;
use super::measure::{MeasureType, decode_value};
use super::page::paged_body;
use super::position::Position;
use super::serde_helpers::{StrOrInt, flag, opt_int};

/// The `body` of a getmeas answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetmeasBody {
    /// An int in real answers, a string in the spec; both read.
    #[serde(
        default,
        deserialize_with = "opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub updatetime: Option<i64>,
    /// The user's zone, once for the whole body (groups carry none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    #[serde(default)]
    pub measuregrps: Vec<MeasureGroup>,
    /// An int 0/1 on getmeas; absent on a single page.
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

paged_body!(GetmeasBody, measuregrps, MeasureGroup);

/// One measure group: the measures one device (or one manual entry) took together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasureGroup {
    pub grpid: i64,
    pub attrib: Attrib,
    /// When the measures were taken (unix seconds).
    pub date: i64,
    /// When Withings stored them.
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
    pub category: Category,
    pub deviceid: Option<String>,
    pub hash_deviceid: Option<String>,
    #[serde(default)]
    pub measures: Vec<Measure>,
    /// `modelid` here, though the spec says `model_id`.
    pub modelid: Option<DeviceModel>,
    /// Usually the model's name ("Body+"), sometimes its id as an int (gotcha 4).
    pub model: Option<StrOrInt>,
    /// Deprecated; always null in real answers.
    pub comment: Option<Value>,
    /// Not sent by Withings (the zone is body-level); some schemas allow it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One encoded measure of a group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measure {
    pub value: i64,
    #[serde(rename = "type")]
    pub measure_type: MeasureType,
    /// The power of ten `value` is scaled by.
    pub unit: i64,
    /// Deprecated, often missing (type 6 comes as just `{value, type, unit}`).
    #[serde(
        default,
        deserialize_with = "opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub algo: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub fm: Option<i64>,
    /// Which body part, for segmental measures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
    /// Undocumented extras seen in real data: `apppfmid`, `appliver`, `algo_params`.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Measure {
    /// `value × 10^unit`.
    pub fn decoded_value(&self) -> f64 {
        decode_value(self.value, self.unit)
    }
}

code_table! {
    /// Whether a group holds measurements or the user's objectives.
    pub enum Category {
        Real = 1, "real", "Real measurement";
        Goal = 2, "goal", "User objective";
    }
}

code_table! {
    /// Who a group is attributed to, and how sure Withings is of it.
    ///
    /// Aliases share a key: 8 reads as 0 and 17 as 15, as aiowithings maps them.
    pub enum Attrib {
        Device = 0, "device", "Device, unambiguously this user";
        /// A device measure that may belong to another person in the household.
        DeviceAmbiguous = 1, "device_ambiguous", "Device, possibly another user";
        Manual = 2, "manual", "Manual entry";
        /// Typed in at account creation; may be inaccurate.
        ManualAtCreation = 4, "manual_at_creation", "Manual entry at account creation";
        Auto = 5, "auto", "Automatic (blood pressure best-of)";
        UserConfirmed = 7, "user_confirmed", "Confirmed by the user";
        /// Documented as "same as 0".
        DeviceAlias = 8, "device", "Device, unambiguously this user (code 8)";
        Guided = 15, "guided", "Measured in guided conditions";
        /// Undocumented, frequent in real Body Cardio and BPM Connect data.
        GuidedAlias = 17, "guided", "Measured in guided conditions (code 17)";
    }
}

impl Attrib {
    /// Whether the group is this user's own data.
    pub fn is_own(self) -> bool {
        !self.is_ambiguous()
    }

    /// Whether the group may not be this user's, or may be inaccurate: attrib 1 and
    /// 4, which clients drop, and every unknown code, on the safe side.
    pub fn is_ambiguous(self) -> bool {
        matches!(
            self,
            Self::DeviceAmbiguous | Self::ManualAtCreation | Self::Unknown(_)
        )
    }
}

/// Keeps one group per `grpid`, the one with the latest `modified` (the first seen
/// on a tie, and any group with `modified` over one without), then orders the groups
/// by `date`, keeping arrival order among equal dates.
///
/// Withings sends some groups twice (the aiowithings fixture has one `grpid` with
/// attrib 0 and 8), and paging with `lastupdate` can return a group again after it
/// changed.
pub fn merge_duplicate_groups(groups: impl IntoIterator<Item = MeasureGroup>) -> Vec<MeasureGroup> {
    let mut kept: Vec<MeasureGroup> = Vec::new();
    let mut slot_of: HashMap<i64, usize> = HashMap::new();
    for group in groups {
        match slot_of
            .get(&group.grpid)
            .and_then(|&slot| kept.get_mut(slot))
        {
            Some(existing) => {
                if group.modified > existing.modified {
                    *existing = group;
                }
            }
            None => {
                slot_of.insert(group.grpid, kept.len());
                kept.push(group);
            }
        }
    }
    kept.sort_by_key(|group| group.date);
    kept
}
