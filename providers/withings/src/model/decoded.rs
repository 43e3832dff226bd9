//! Measure groups as a reader wants them: real units, names, local time, and the
//! group's attribution spelled out, plus the filter tools apply to them.
//!
//! The pipeline is: every page's groups → [`decode_groups`] (merges duplicate
//! `grpid`s, then decodes) → [`GroupFilter::apply`].

use serde::Serialize;

use super::code::{described, described_opt};
use super::date;
use super::device::DeviceModel;
use super::group::{Attrib, Category, GetmeasBody, Measure, MeasureGroup, merge_duplicate_groups};
use super::heart::AfibClass;
use super::measure::{MeasureType, MeasureTypeInfo};
use super::position::Position;
use super::serde_helpers::{StrOrInt, compact_f64};

/// One measure group, decoded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecodedGroup {
    pub grpid: i64,
    /// When the measures were taken (unix seconds).
    pub date: i64,
    /// The zone `local_time` is in: the group's own when it has one, else the body's.
    pub timezone: Option<String>,
    /// `date` in `timezone`, RFC 3339; `None` when the zone is missing or unknown.
    pub local_time: Option<String>,
    pub created: Option<i64>,
    pub modified: Option<i64>,
    #[serde(serialize_with = "described")]
    pub category: Category,
    #[serde(serialize_with = "described")]
    pub attrib: Attrib,
    /// Whether the group may be someone else's or inaccurate (see [`Attrib::is_ambiguous`]).
    pub ambiguous: bool,
    pub device: GroupDevice,
    pub measures: Vec<DecodedMeasure>,
}

/// What a group says about the device that took it; all `None` for manual entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupDevice {
    pub deviceid: Option<String>,
    pub hash_deviceid: Option<String>,
    pub model_id: Option<i64>,
    /// The upstream model name, else the name the model id has in the table.
    pub model: Option<String>,
}

/// One measure, decoded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecodedMeasure {
    #[serde(rename = "type", serialize_with = "type_info")]
    pub measure_type: MeasureType,
    /// `raw_value × 10^raw_unit`, in the type's unit.
    #[serde(serialize_with = "compact_f64")]
    pub value: f64,
    pub raw_value: i64,
    pub raw_unit: i64,
    #[serde(
        serialize_with = "described_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub position: Option<Position>,
    /// The class an atrial-fibrillation result (type 130) stands for.
    #[serde(
        serialize_with = "described_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub afib: Option<AfibClass>,
}

/// Which groups and measures a caller wants. The default keeps real measurements
/// that are unambiguously the user's, of every type: what a careful client shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupFilter {
    /// `None` keeps both measurements and objectives.
    pub category: Option<Category>,
    /// Keep groups that may be someone else's or inaccurate (attrib 1, 4, unknown).
    pub include_ambiguous: bool,
    /// Only these measure types; empty keeps all. A group left with no measure is
    /// dropped.
    pub types: Vec<MeasureType>,
}

impl Default for GroupFilter {
    fn default() -> Self {
        Self {
            category: Some(Category::Real),
            include_ambiguous: false,
            types: Vec::new(),
        }
    }
}

impl GroupFilter {
    /// Keeps every group and every measure.
    pub fn everything() -> Self {
        Self {
            category: None,
            include_ambiguous: true,
            types: Vec::new(),
        }
    }

    /// Whether a group of this category and attribution passes, before types.
    pub fn admits(&self, category: Category, attrib: Attrib) -> bool {
        self.category.is_none_or(|wanted| wanted == category)
            && (self.include_ambiguous || attrib.is_own())
    }

    pub fn apply(&self, groups: Vec<DecodedGroup>) -> Vec<DecodedGroup> {
        groups
            .into_iter()
            .filter(|group| self.admits(group.category, group.attrib))
            .filter_map(|mut group| {
                if self.types.is_empty() {
                    return Some(group);
                }
                group
                    .measures
                    .retain(|measure| self.types.contains(&measure.measure_type));
                (!group.measures.is_empty()).then_some(group)
            })
            .collect()
    }
}

/// Merges duplicate `grpid`s across all pages, then decodes every group, reading
/// local times in the group's zone or else `timezone` (the body-level zone).
pub fn decode_groups(
    groups: impl IntoIterator<Item = MeasureGroup>,
    timezone: Option<&str>,
) -> Vec<DecodedGroup> {
    merge_duplicate_groups(groups)
        .iter()
        .map(|group| group.decode(timezone))
        .collect()
}

impl GetmeasBody {
    /// This page's groups, merged and decoded in the body's zone.
    pub fn decoded_groups(&self) -> Vec<DecodedGroup> {
        decode_groups(self.measuregrps.iter().cloned(), self.timezone.as_deref())
    }
}

impl MeasureGroup {
    /// Decodes this group; `body_timezone` is used when the group has no zone of its own.
    pub fn decode(&self, body_timezone: Option<&str>) -> DecodedGroup {
        let timezone = self.timezone.as_deref().or(body_timezone);
        DecodedGroup {
            grpid: self.grpid,
            date: self.date,
            timezone: timezone.map(str::to_owned),
            local_time: timezone.and_then(|zone| date::local_time(self.date, zone)),
            created: self.created,
            modified: self.modified,
            category: self.category,
            attrib: self.attrib,
            ambiguous: self.attrib.is_ambiguous(),
            device: self.device(),
            measures: self.measures.iter().map(Measure::decode).collect(),
        }
    }

    fn device(&self) -> GroupDevice {
        // `model` is usually a name but has been seen as the model id (gotcha 4).
        let model_as_id = match self.model {
            Some(StrOrInt::Int(id)) => Some(id),
            _ => None,
        };
        let model_id = self.modelid.map(DeviceModel::code).or(model_as_id);
        let named = self
            .model
            .as_ref()
            .and_then(StrOrInt::as_text)
            .filter(|name| !name.trim().is_empty())
            .map(str::to_owned);
        GroupDevice {
            deviceid: self.deviceid.clone(),
            hash_deviceid: self.hash_deviceid.clone(),
            model_id,
            model: named.or_else(|| {
                model_id.and_then(|id| DeviceModel::from_code(id).name().map(str::to_owned))
            }),
        }
    }
}

impl Measure {
    pub fn decode(&self) -> DecodedMeasure {
        let value = self.decoded_value();
        DecodedMeasure {
            measure_type: self.measure_type,
            value,
            raw_value: self.value,
            raw_unit: self.unit,
            position: self.position,
            afib: (self.measure_type == MeasureType::AtrialFibrillation)
                .then(|| AfibClass::from_code(value.round() as i64)),
        }
    }
}

fn type_info<S: serde::Serializer>(kind: &MeasureType, serializer: S) -> Result<S::Ok, S::Error> {
    MeasureTypeInfo::serialize(&kind.info(), serializer)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    /// `tests/fixtures/measurement.json` of joostlek/python-withings, as the reference
    /// quotes it (the attrib-8 duplicate removed).
    const GETMEAS: &str = r#"{
    "updatetime": 1693651185,
    "timezone": "Europe/Amsterdam",
    "measuregrps": [
      {
        "grpid": 4815757309, "attrib": 0, "date": 1693651151, "created": 1693651185,
        "modified": 1693651185, "category": 1,
        "deviceid": "f998be4b9ccc9e136fd8cd8e8e344c31ec3b271d",
        "hash_deviceid": "f998be4b9ccc9e136fd8cd8e8e344c31ec3b271d",
        "measures": [ { "value": 118003, "type": 1, "unit": -3, "algo": 3, "fm": 3 } ],
        "modelid": 5, "model": "Body+", "comment": null
      }
    ]
  }"#;

    const BP_GROUP: &str = r#"{"grpid":4716596696,"attrib":0,"date":1690491576,"created":1690491663,"modified":1690491663,"category":1,
 "deviceid":"c405eb8e0e053f6601e151c7e43c04e29aad6956","hash_deviceid":"c405eb8e0e053f6601e151c7e43c04e29aad6956",
 "measures":[{"value":89,"type":9,"unit":0,"algo":0,"fm":3},{"value":109,"type":10,"unit":0,"algo":0,"fm":3},
             {"value":88,"type":11,"unit":0,"algo":0,"fm":3}],
 "modelid":44,"model":"BPM Core","comment":null}"#;

    fn group(value: Value) -> MeasureGroup {
        serde_json::from_value(value).expect("a measure group")
    }

    fn bare_group(grpid: i64, date: i64, modified: i64, attrib: i64) -> MeasureGroup {
        group(json!({
            "grpid": grpid, "attrib": attrib, "date": date, "created": date, "modified": modified,
            "category": 1, "deviceid": null, "hash_deviceid": null,
            "measures": [{"value": 70000 + modified % 1000, "type": 1, "unit": -3}],
            "modelid": null, "model": null, "comment": null
        }))
    }

    #[test]
    fn the_real_getmeas_body_decodes() {
        let body: GetmeasBody = serde_json::from_str(GETMEAS).unwrap();
        assert_eq!(body.updatetime, Some(1693651185));
        assert_eq!(body.timezone.as_deref(), Some("Europe/Amsterdam"));
        assert!(!body.more, "absent `more` is a single page");
        assert_eq!(body.offset, None);
        let [weight] = body.decoded_groups().try_into().unwrap();
        assert_eq!(weight.grpid, 4815757309);
        assert_eq!(weight.date, 1693651151);
        assert_eq!(
            weight.local_time.as_deref(),
            Some("2023-09-02T12:39:11+02:00")
        );
        assert_eq!(weight.category, Category::Real);
        assert_eq!(weight.attrib, Attrib::Device);
        assert!(!weight.ambiguous);
        assert_eq!(weight.device.model.as_deref(), Some("Body+"));
        assert_eq!(weight.device.model_id, Some(5));
        let [measure] = weight.measures.as_slice() else {
            panic!("one measure")
        };
        assert_eq!(measure.measure_type, MeasureType::Weight);
        assert_eq!(measure.value, 118.003);
        assert_eq!((measure.raw_value, measure.raw_unit), (118003, -3));
    }

    #[test]
    fn the_wire_body_serializes_back_to_the_upstream_shape() {
        let upstream: Value = serde_json::from_str(GETMEAS).unwrap();
        let body: GetmeasBody = serde_json::from_value(upstream.clone()).unwrap();
        let mut expected = upstream;
        expected["more"] = json!(false);
        assert_eq!(serde_json::to_value(&body).unwrap(), expected);
    }

    #[test]
    fn a_blood_pressure_group_decodes_in_mmhg_and_bpm() {
        let decoded = group(serde_json::from_str(BP_GROUP).unwrap()).decode(None);
        let read: Vec<(&str, f64, &str)> = decoded
            .measures
            .iter()
            .map(|m| (m.measure_type.key(), m.value, m.measure_type.unit()))
            .collect();
        assert_eq!(
            read,
            [
                ("diastolic_bp", 89.0, "mmHg"),
                ("systolic_bp", 109.0, "mmHg"),
                ("heart_pulse", 88.0, "bpm"),
            ]
        );
        assert_eq!(decoded.device.model.as_deref(), Some("BPM Core"));
        assert_eq!(decoded.local_time, None, "no zone, no local time");
    }

    #[test]
    fn a_segmental_measure_keeps_its_position_and_extras() {
        let measure: Measure = serde_json::from_value(json!({
            "value": 4000, "type": 173, "unit": -2, "algo": 218235904, "fm": 3, "position": 12,
            "apppfmid": 9, "algo_params": {"1": 1}
        }))
        .unwrap();
        assert_eq!(measure.algo, Some(218235904));
        assert_eq!(measure.extra["algo_params"], json!({"1": 1}));
        let decoded = measure.decode();
        assert_eq!(decoded.measure_type, MeasureType::SegmentalFatFreeMass);
        assert_eq!(decoded.value, 40.0);
        assert_eq!(decoded.position, Some(Position::Torso));
        assert_eq!(
            serde_json::to_value(&decoded).unwrap(),
            json!({
                "type": {"code": 173, "key": "segmental_fat_free_mass",
                         "label": "Fat-free mass (segmental)", "unit": "kg"},
                "value": 40, "raw_value": 4000, "raw_unit": -2,
                "position": {"code": 12, "key": "torso", "label": "Torso"}
            })
        );
    }

    #[test]
    fn a_fat_ratio_without_algo_or_fm_decodes() {
        let measure: Measure =
            serde_json::from_value(json!({"value": 21533, "type": 6, "unit": -3})).unwrap();
        assert_eq!(
            (measure.algo, measure.fm, measure.position),
            (None, None, None)
        );
        assert_eq!(measure.decoded_value(), 21.533);
    }

    #[test]
    fn more_reads_as_an_int_a_bool_or_nothing() {
        let page = |more: Value| -> GetmeasBody {
            serde_json::from_value(json!({"measuregrps": [], "more": more, "offset": 300})).unwrap()
        };
        assert!(page(json!(1)).more);
        assert!(!page(json!(0)).more);
        assert!(page(json!(true)).more);
        let body = page(json!(1));
        assert_eq!(crate::model::Page::offset(&body), Some(300));
        let single: GetmeasBody = serde_json::from_value(json!({"measuregrps": []})).unwrap();
        assert!(!single.more);
    }

    #[test]
    fn model_reads_as_a_name_or_an_id() {
        let mut value: Value = serde_json::from_str(BP_GROUP).unwrap();
        value["model"] = json!(10);
        value["modelid"] = Value::Null;
        value["brand"] = json!(1);
        value["devtype"] = json!(1);
        let by_id = group(value);
        assert_eq!(by_id.model, Some(StrOrInt::Int(10)));
        assert_eq!(by_id.extra["devtype"], 1);
        let device = by_id.decode(None).device;
        assert_eq!(device.model_id, Some(10));
        assert_eq!(device.model.as_deref(), Some("Body Scan"));
    }

    #[test]
    fn a_manual_entry_has_no_device() {
        let manual = group(json!({
            "grpid": 1, "attrib": 2, "date": 1, "created": 1, "modified": 1, "category": 1,
            "deviceid": null, "hash_deviceid": null, "modelid": null, "model": null, "comment": null,
            "measures": [{"value": 7050, "type": 1, "unit": -2, "algo": 0, "fm": 128}]
        }))
        .decode(Some("Europe/Paris"));
        assert_eq!(manual.attrib, Attrib::Manual);
        assert!(!manual.ambiguous);
        assert_eq!(
            manual.device,
            GroupDevice {
                deviceid: None,
                hash_deviceid: None,
                model_id: None,
                model: None
            }
        );
        assert_eq!(manual.measures[0].value, 70.5);
    }

    #[test]
    fn unknown_types_and_attribs_decode_and_count_as_ambiguous() {
        let odd = group(json!({
            "grpid": 7, "attrib": 10000, "date": 5, "category": 3,
            "measures": [{"value": 12, "type": 26, "unit": 0}],
            "deviceid": null, "hash_deviceid": null, "modelid": 4242, "model": null, "comment": null
        }))
        .decode(None);
        assert_eq!(odd.attrib, Attrib::Unknown(10000));
        assert!(odd.ambiguous);
        assert_eq!(odd.category, Category::Unknown(3));
        assert_eq!(odd.measures[0].measure_type, MeasureType::Unknown(26));
        assert_eq!(odd.measures[0].value, 12.0);
        assert_eq!(
            (odd.device.model_id, odd.device.model.as_deref()),
            (Some(4242), None)
        );
        let shown = serde_json::to_value(&odd).unwrap();
        assert_eq!(
            shown["attrib"],
            json!({"code": 10000, "key": "unknown", "label": "Unknown"})
        );
        assert_eq!(shown["measures"][0]["type"]["code"], 26);
    }

    #[test]
    fn attribution_follows_the_reference_table() {
        for own in [0, 2, 5, 7, 8, 15, 17] {
            assert!(Attrib::from_code(own).is_own(), "attrib {own}");
        }
        for ambiguous in [1, 4, 3, 10, 10000, 10009, 10010] {
            assert!(
                Attrib::from_code(ambiguous).is_ambiguous(),
                "attrib {ambiguous}"
            );
        }
        assert_eq!(Attrib::from_code(8).key(), Attrib::Device.key());
        assert_eq!(
            Attrib::from_code(8).code(),
            8,
            "the alias keeps its own code"
        );
    }

    #[test]
    fn duplicate_groups_merge_to_the_latest_modified_in_date_order() {
        let merged = merge_duplicate_groups([
            bare_group(30, 300, 1_000, 0),
            bare_group(10, 100, 1_000, 0),
            bare_group(30, 300, 2_000, 8),
            bare_group(20, 100, 1_000, 0),
            bare_group(30, 300, 1_500, 0),
        ]);
        let seen: Vec<(i64, Option<i64>)> = merged.iter().map(|g| (g.grpid, g.modified)).collect();
        assert_eq!(
            seen,
            [(10, Some(1_000)), (20, Some(1_000)), (30, Some(2_000))]
        );
        assert_eq!(merged[2].attrib, Attrib::DeviceAlias);
    }

    #[test]
    fn a_tie_on_modified_keeps_the_first_group_seen() {
        let merged = merge_duplicate_groups([bare_group(5, 1, 9, 0), bare_group(5, 1, 9, 8)]);
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].attrib, Attrib::Device);
    }

    #[test]
    fn decoding_pages_merges_duplicates_across_them() {
        let decoded = decode_groups(
            [bare_group(1, 10, 100, 0), bare_group(1, 10, 200, 0)],
            Some("Europe/Paris"),
        );
        assert_eq!(decoded.len(), 1);
        assert_eq!(decoded[0].modified, Some(200));
        assert_eq!(decoded[0].measures[0].value, 70.2);
    }

    #[test]
    fn the_default_filter_keeps_own_real_measurements() {
        let mut goal = bare_group(3, 3, 1, 0);
        goal.category = Category::Goal;
        let groups = decode_groups(
            [
                bare_group(1, 1, 1, 0),
                bare_group(2, 2, 1, 1),
                goal,
                bare_group(4, 4, 1, 4),
            ],
            None,
        );
        let ids = |kept: Vec<DecodedGroup>| kept.iter().map(|g| g.grpid).collect::<Vec<_>>();
        assert_eq!(ids(GroupFilter::default().apply(groups.clone())), [1]);
        assert_eq!(
            ids(GroupFilter::everything().apply(groups.clone())),
            [1, 2, 3, 4]
        );
        let goals = GroupFilter {
            category: Some(Category::Goal),
            ..GroupFilter::default()
        };
        assert_eq!(ids(goals.apply(groups.clone())), [3]);
        let with_ambiguous = GroupFilter {
            include_ambiguous: true,
            ..GroupFilter::default()
        };
        assert_eq!(ids(with_ambiguous.apply(groups)), [1, 2, 4]);
    }

    #[test]
    fn a_type_filter_keeps_only_those_measures() {
        let bp = group(serde_json::from_str(BP_GROUP).unwrap()).decode(None);
        let weight = bare_group(1, 1, 1, 0).decode(None);
        let filter = GroupFilter {
            types: vec![MeasureType::SystolicBp, MeasureType::DiastolicBp],
            ..GroupFilter::default()
        };
        let kept = filter.apply(vec![bp, weight]);
        assert_eq!(kept.len(), 1, "the weight-only group is dropped");
        let types: Vec<_> = kept[0].measures.iter().map(|m| m.measure_type).collect();
        assert_eq!(types, [MeasureType::DiastolicBp, MeasureType::SystolicBp]);
    }

    #[test]
    fn an_afib_result_is_read_as_its_class() {
        let measure: Measure =
            serde_json::from_value(json!({"value": 11, "type": 130, "unit": 0})).unwrap();
        assert_eq!(
            measure.decode().afib,
            Some(AfibClass::PositiveNormalHeartRate)
        );
        let weight: Measure =
            serde_json::from_value(json!({"value": 1, "type": 1, "unit": 0})).unwrap();
        assert_eq!(weight.decode().afib, None);
    }
}
