//! `v2/sleep`: nightly summaries by wake-up date (or `lastupdate`), and the
//! per-minute detail of a time range, up to 7 days in one call as real responses
//! show (the spec's "24 h" contradicts its own 7-day rule and the real data).

use serde_json::{Map, Value, json};

use super::{DayFilter, page, requested_fields, select, with_more};
use crate::fake::demo::{
    DEFAULT_SUMMARY_FIELDS, DemoAccount, Night, SLEEP_SERIES_FIELDS, record_model_name,
};
use crate::fake::oauth::grants::Bearer;
use crate::fake::params::Params;
use crate::fake::reply::Reply;
use crate::fake::server::Shared;

const DETAIL_WINDOW: i64 = 7 * 86_400;

fn model_id(demo: &DemoAccount, night: &Night) -> (i64, String) {
    let device = demo.device(night.device);
    (device.model_id, device.deviceid.clone())
}

pub(super) fn getsummary(shared: &Shared, params: &Params, _: &Bearer) -> Result<Value, Reply> {
    let filter = DayFilter::parse(params)?;
    let wanted: Vec<String> = requested_fields(params).unwrap_or_else(|| {
        DEFAULT_SUMMARY_FIELDS
            .iter()
            .map(|f| (*f).to_owned())
            .collect()
    });
    let demo = &*shared.demo();
    let nights: Vec<Value> = demo
        .nights
        .iter()
        .filter(|n| filter.keeps(n.date, n.modified))
        .map(|night| {
            let (model_id, hash) = model_id(demo, night);
            json!({
                "id": night.id,
                "timezone": night.timezone,
                "model": night.model(),
                "model_id": model_id,
                "hash_deviceid": hash,
                "startdate": night.startdate,
                "enddate": night.enddate,
                "date": night.date.to_string(),
                "data": select(night.summary.clone(), Some(&wanted)),
                "created": night.created,
                "modified": night.modified,
            })
        })
        .collect();
    let (nights, next) = page(nights, params.offset()?, shared.config.page_size);
    let mut body = Map::new();
    body.insert("series".into(), Value::Array(nights));
    Ok(with_more(body, next))
}

pub(super) fn get(shared: &Shared, params: &Params, _: &Bearer) -> Result<Value, Reply> {
    let (Some(from), Some(to)) = (params.int("startdate")?, params.int("enddate")?) else {
        return Err(Reply::invalid_params("startdate and enddate are required"));
    };
    let to = to.min(from + DETAIL_WINDOW);
    let wanted: Vec<&str> = requested_fields(params)
        .unwrap_or_default()
        .iter()
        .filter_map(|f| {
            SLEEP_SERIES_FIELDS
                .iter()
                .find(|known| *known == f)
                .copied()
        })
        .collect();
    let mut series = Vec::new();
    let mut model = None;
    let demo = &*shared.demo();
    for night in &demo.nights {
        if night.enddate <= from || night.startdate >= to {
            continue;
        }
        let (model_id, hash) = model_id(demo, night);
        model.get_or_insert(night.model());
        for segment in &night.segments {
            if segment.enddate <= from || segment.startdate >= to {
                continue;
            }
            let mut item = Map::new();
            item.insert("startdate".into(), json!(segment.startdate));
            item.insert("state".into(), json!(segment.state));
            item.insert("enddate".into(), json!(segment.enddate));
            item.insert("model".into(), json!(record_model_name(night.device)));
            item.insert("model_id".into(), json!(model_id));
            item.insert("hash_deviceid".into(), json!(hash));
            for field in &wanted {
                let samples: Map<String, Value> = Night::sample_times(segment)
                    .filter_map(|at| {
                        night
                            .sample(field, segment, at)
                            .map(|v| (at.to_string(), json!(v)))
                    })
                    .collect();
                if !samples.is_empty() {
                    item.insert((*field).to_owned(), Value::Object(samples));
                }
            }
            series.push(Value::Object(item));
        }
    }
    Ok(json!({ "series": series, "model": model.unwrap_or(32) }))
}
