//! `v2/heart`: the list of ECG recordings and one recording's signal.

use serde_json::{Map, Value, json};

use super::{page, with_more};
use crate::fake::oauth::grants::Bearer;
use crate::fake::params::Params;
use crate::fake::reply::Reply;
use crate::fake::server::Shared;

pub(super) fn list(shared: &Shared, params: &Params, _: &Bearer) -> Result<Value, Reply> {
    let demo = &*shared.demo();
    let from = params.int("startdate")?;
    let to = params.int("enddate")?;
    let records: Vec<Value> = demo
        .ecgs
        .iter()
        .filter(|e| from.is_none_or(|f| e.timestamp >= f) && to.is_none_or(|t| e.timestamp <= t))
        .map(|e| {
            let mut item = Map::new();
            item.insert("deviceid".into(), json!(demo.device(e.device).deviceid));
            item.insert("model".into(), json!(e.model()));
            item.insert(
                "ecg".into(),
                json!({ "signalid": e.signalid, "afib": e.afib }),
            );
            if let Some((diastole, systole)) = e.bloodpressure {
                item.insert(
                    "bloodpressure".into(),
                    json!({ "diastole": diastole, "systole": systole }),
                );
            }
            item.insert("heart_rate".into(), json!(e.heart_rate));
            item.insert("timestamp".into(), json!(e.timestamp));
            item.insert("modified".into(), json!(e.modified));
            Value::Object(item)
        })
        .collect();
    let (records, next) = page(records, params.offset()?, shared.config.page_size);
    let mut body = Map::new();
    body.insert("series".into(), Value::Array(records));
    Ok(with_more(body, next))
}

pub(super) fn get(shared: &Shared, params: &Params, _: &Bearer) -> Result<Value, Reply> {
    let Some(signalid) = params.int("signalid")? else {
        return Err(Reply::invalid_params("signalid is required"));
    };
    let demo = &*shared.demo();
    let Some(ecg) = demo.ecg(signalid) else {
        return Err(Reply::invalid_params("unknown signalid"));
    };
    Ok(json!({
        "signal": ecg.signal(),
        "sampling_frequency": ecg.sampling_frequency(),
        "wearposition": ecg.wearposition(),
        "model": ecg.model(),
        "heart_rate": ecg.heart_rate,
    }))
}
