//! `v2/user`: the devices and the goals.

use serde_json::{Map, Value, json};

use crate::fake::oauth::grants::Bearer;
use crate::fake::params::Params;
use crate::fake::reply::Reply;
use crate::fake::server::Shared;

pub(super) fn getdevice(shared: &Shared, _: &Params, _: &Bearer) -> Result<Value, Reply> {
    let demo = &*shared.demo();
    let devices: Vec<Value> = demo
        .devices
        .iter()
        .map(|d| {
            json!({
                "type": d.type_name,
                "battery": d.battery,
                "model": d.model,
                "model_id": d.model_id,
                "timezone": demo.timezone,
                "first_session_date": d.first_session_date,
                "last_session_date": d.last_session_date,
                "deviceid": d.deviceid,
                "hash_deviceid": d.deviceid,
            })
        })
        .collect();
    Ok(json!({ "devices": devices }))
}

pub(super) fn getgoals(shared: &Shared, _: &Params, _: &Bearer) -> Result<Value, Reply> {
    let demo = &*shared.demo();
    let goals = &demo.goals;
    let mut body = Map::new();
    body.insert("steps".into(), json!(goals.steps));
    body.insert("sleep".into(), json!(goals.sleep));
    if let Some((value, unit)) = goals.weight {
        body.insert("weight".into(), json!({ "value": value, "unit": unit }));
    }
    // With no goals at all, Withings sends an empty list, not an object.
    let goals = if body.is_empty() {
        json!([])
    } else {
        Value::Object(body)
    };
    Ok(json!({ "goals": goals }))
}
