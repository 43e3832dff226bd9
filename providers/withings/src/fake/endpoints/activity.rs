//! `v2/measure`: daily activity and workouts by local date (or `lastupdate`), and
//! intraday minutes by unix time, at most 24 hours per call.

use serde_json::{Map, Value, json};

use super::{DayFilter, page, requested_fields, select, with_more};
use crate::fake::demo::{DeviceKind, INTRADAY_FIELDS};
use crate::fake::oauth::grants::Bearer;
use crate::fake::params::Params;
use crate::fake::reply::Reply;
use crate::fake::server::Shared;

/// The longest window one intraday call returns, from its start.
const INTRADAY_WINDOW: i64 = 86_400;

pub(super) fn getactivity(shared: &Shared, params: &Params, _: &Bearer) -> Result<Value, Reply> {
    let demo = &*shared.demo();
    let filter = DayFilter::parse(params)?;
    let wanted = requested_fields(params);
    let watch = demo.device(DeviceKind::Watch);
    let days: Vec<Value> = demo
        .activities
        .iter()
        .filter(|day| filter.keeps(day.date, day.modified))
        .map(|day| {
            let mut item = select(day.data_fields(), wanted.as_deref());
            item.extend([
                ("deviceid".into(), json!(watch.deviceid)),
                ("hash_deviceid".into(), json!(watch.deviceid)),
                ("timezone".into(), json!(day.timezone)),
                ("date".into(), json!(day.date.to_string())),
                ("modified".into(), json!(day.modified)),
                ("brand".into(), json!(1)),
                ("is_tracker".into(), json!(true)),
                ("model".into(), json!(watch.model)),
                ("modelid".into(), json!(watch.model_id)),
            ]);
            Value::Object(item)
        })
        .collect();
    let (days, next) = page(days, params.offset()?, shared.config.page_size);
    let mut body = Map::new();
    body.insert("activities".into(), Value::Array(days));
    Ok(with_more(body, next))
}

pub(super) fn getworkouts(shared: &Shared, params: &Params, _: &Bearer) -> Result<Value, Reply> {
    let demo = &*shared.demo();
    let filter = DayFilter::parse(params)?;
    let wanted = requested_fields(params);
    let watch = demo.device(DeviceKind::Watch);
    let workouts: Vec<Value> = demo
        .workouts
        .iter()
        .filter(|w| filter.keeps(w.date, w.modified))
        .map(|w| {
            json!({
                "id": w.id,
                "category": w.category,
                "timezone": w.timezone,
                "model": watch.model_id,
                "attrib": 0,
                "startdate": w.startdate,
                "enddate": w.enddate,
                "date": w.date.to_string(),
                "deviceid": watch.deviceid,
                "data": select(w.data_fields(), wanted.as_deref()),
                "modified": w.modified,
            })
        })
        .collect();
    let (workouts, next) = page(workouts, params.offset()?, shared.config.page_size);
    let mut body = Map::new();
    body.insert("series".into(), Value::Array(workouts));
    Ok(with_more(body, next))
}

pub(super) fn getintradayactivity(
    shared: &Shared,
    params: &Params,
    _: &Bearer,
) -> Result<Value, Reply> {
    let demo = &*shared.demo();
    let latest = shared.clock.now().min(demo.as_of);
    let (from, to) = match (params.int("startdate")?, params.int("enddate")?) {
        (Some(from), Some(to)) => (from, to.min(from + INTRADAY_WINDOW)),
        (Some(from), None) => (from, from + INTRADAY_WINDOW),
        (None, Some(to)) => (to - INTRADAY_WINDOW, to),
        (None, None) => (latest - INTRADAY_WINDOW, latest),
    };
    let wanted: Vec<String> = requested_fields(params)
        .unwrap_or_else(|| INTRADAY_FIELDS.iter().map(|f| (*f).to_owned()).collect());
    let watch = demo.device(DeviceKind::Watch);
    let mut series = Map::new();
    for date in demo.days_touching(from, to) {
        for point in demo.intraday(date) {
            if !(from..=to).contains(&point.timestamp) {
                continue;
            }
            let fields = select(point.fields(), Some(&wanted));
            if fields.is_empty() {
                continue;
            }
            let mut entry = Map::new();
            entry.insert("deviceid".into(), json!(watch.deviceid));
            entry.insert("model".into(), json!(watch.model));
            entry.insert("model_id".into(), json!(watch.model_id));
            entry.extend(fields);
            series.insert(point.timestamp.to_string(), Value::Object(entry));
        }
    }
    // PHP encodes an empty map as a list, and so does Withings.
    let series = if series.is_empty() {
        json!([])
    } else {
        Value::Object(series)
    };
    Ok(json!({ "series": series }))
}
