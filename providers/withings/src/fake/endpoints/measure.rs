//! `measure getmeas`: measure groups, newest first, with the real response's
//! quirks: `modelid` (not `model_id`), an integer `updatetime`, the time zone once
//! at body level, and `more` as 0/1, left out entirely when one page holds it all.

use serde_json::{Map, Value, json};

use super::page;
use crate::fake::demo::{DemoAccount, Measure, MeasureGroup};
use crate::fake::oauth::grants::Bearer;
use crate::fake::params::Params;
use crate::fake::reply::Reply;
use crate::fake::server::Shared;

pub(super) fn getmeas(shared: &Shared, params: &Params, _: &Bearer) -> Result<Value, Reply> {
    let demo = &*shared.demo();
    let mut types: Vec<i64> = Vec::new();
    if let Some(kind) = params.int("meastype")? {
        types.push(kind);
    }
    for kind in params.list("meastypes").unwrap_or_default() {
        types.push(
            kind.parse()
                .map_err(|_| Reply::invalid_params("invalid meastypes"))?,
        );
    }
    let category = params.int("category")?;
    let from = params.int("startdate")?;
    let to = params.int("enddate")?;
    let lastupdate = params.int("lastupdate")?;
    let offset = params.offset()?;

    let groups: Vec<Value> = demo
        .measure_groups
        .iter()
        .rev()
        .filter(|g| category.is_none_or(|c| g.category == c))
        .filter(|g| from.is_none_or(|f| g.date >= f) && to.is_none_or(|t| g.date <= t))
        .filter(|g| lastupdate.is_none_or(|since| g.modified >= since))
        .filter_map(|g| render(demo, g, &types))
        .collect();
    let (groups, next) = page(groups, offset, shared.config.page_size);

    let mut body = Map::new();
    body.insert("updatetime".into(), json!(updatetime(demo)));
    body.insert("timezone".into(), json!(demo.timezone));
    body.insert("measuregrps".into(), Value::Array(groups));
    match next {
        Some(next) => {
            body.insert("more".into(), json!(1));
            body.insert("offset".into(), json!(next));
        }
        // A later page that is the last one; a single page carries neither key.
        None if offset > 0 => {
            body.insert("more".into(), json!(0));
            body.insert("offset".into(), json!(0));
        }
        None => {}
    }
    Ok(Value::Object(body))
}

/// The last change to the user's measures, as Withings reports it.
fn updatetime(demo: &DemoAccount) -> i64 {
    demo.measure_groups
        .iter()
        .map(|g| g.modified)
        .max()
        .unwrap_or(demo.as_of)
}

/// A group with only the wanted measure types; `None` if it has none of them.
fn render(demo: &DemoAccount, group: &MeasureGroup, types: &[i64]) -> Option<Value> {
    let measures: Vec<Value> = group
        .measures
        .iter()
        .filter(|m| types.is_empty() || types.contains(&m.kind))
        .map(measure)
        .collect();
    if measures.is_empty() {
        return None;
    }
    let device = group.device.map(|kind| demo.device(kind));
    Some(json!({
        "grpid": group.grpid,
        "attrib": group.attrib,
        "date": group.date,
        "created": group.created,
        "modified": group.modified,
        "category": group.category,
        "deviceid": device.map(|d| d.deviceid.clone()),
        "hash_deviceid": device.map(|d| d.deviceid.clone()),
        "measures": measures,
        "modelid": device.map(|d| d.model_id),
        "model": device.map(|d| d.model),
        "comment": null,
    }))
}

fn measure(m: &Measure) -> Value {
    let mut fields = Map::new();
    fields.insert("value".into(), json!(m.value));
    fields.insert("type".into(), json!(m.kind));
    fields.insert("unit".into(), json!(m.unit));
    if let Some(algo) = m.algo {
        fields.insert("algo".into(), json!(algo));
    }
    if let Some(fm) = m.fm {
        fields.insert("fm".into(), json!(fm));
    }
    if m.app_entry {
        fields.insert("apppfmid".into(), json!(7));
        fields.insert("appliver".into(), json!(5_050_021));
    }
    Value::Object(fields)
}
