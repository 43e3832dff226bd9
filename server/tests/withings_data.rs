//! The Withings data tools beyond the lists (one ECG, intraday minutes, body trends,
//! charts) through the real `withings-mcp` binary, checked against numbers computed
//! here from the fake's demo account.

use std::collections::BTreeMap;

use base64::Engine;
use delx_framework::time::{day_bounds, zone};
use delx_withings::model::local_time;
use serde_json::{Value, json};

mod support;

use support::withings::{Session, daily_weights, text};

const END: &str = "2026-06-30";
const PARIS: &str = "Europe/Paris";

fn close(got: &Value, want: f64) {
    let got = got
        .as_f64()
        .unwrap_or_else(|| panic!("{got} is not a number"));
    assert!((got - want).abs() < 1e-6, "{got} vs {want}");
}

#[tokio::test]
async fn an_ecg_from_the_heart_list_comes_with_its_facts_and_a_bounded_waveform() {
    let session = Session::authorized_until(END).await;
    let demo = session.fake.demo();
    let list = session
        .ok(
            "withings_list_heart",
            json!({"after": "2024-01-01", "before": END, "limit": 200, "all_pages": true}),
        )
        .await;
    let records = list["records"].as_array().unwrap();
    assert_eq!(records.len(), demo.ecgs.len());
    assert!(
        records.iter().all(|r| r["signalid"].is_i64()),
        "summary records carry the signal id: {records:?}"
    );
    let watch = demo
        .ecgs
        .iter()
        .find(|e| e.sampling_frequency() == 300)
        .expect("a watch ECG");
    let samples = watch.signal();

    let data = session
        .ok(
            "withings_get_heart_signal",
            json!({"signalid": watch.signalid, "include_waveform": true}),
        )
        .await;
    assert_eq!(data["time"], local_time(watch.timestamp, PARIS).unwrap());
    assert_eq!(data["timezone"], PARIS);
    assert_eq!(
        data["afib"]["key"],
        if watch.afib == 0 {
            "negative"
        } else {
            "inconclusive"
        }
    );
    assert_eq!(
        data["afib"]["note"],
        "the device's classification, not a diagnosis"
    );
    assert_eq!(data["samples"], samples.len());
    assert_eq!(data["sampling_rate_hz"], 300);
    close(&data["duration_s"], 30.0);
    assert_eq!(data["wearposition"]["key"], "left_wrist");
    assert_eq!(data["unit"], "µV");
    let wave = &data["waveform"];
    let loss = &wave["loss"];
    assert_eq!(loss["original_samples"], 9000);
    assert_eq!(loss["returned_points"], 500);
    close(&loss["factor"], 18.0);
    assert_eq!(loss["method"], "min_max_per_bucket");
    close(&wave["effective_sampling_rate_hz"], 16.67);
    let values: Vec<i64> = wave["values_uv"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    assert_eq!(values.len(), 500);
    assert_eq!(values.iter().max(), samples.iter().max(), "R peaks survive");
    assert_eq!(values.iter().min(), samples.iter().min());
    assert_eq!(wave["time_s"].as_array().unwrap().len(), 500);

    let small = session
        .ok(
            "withings_get_heart_signal",
            json!({"signalid": watch.signalid, "include_waveform": true, "max_points": 60}),
        )
        .await;
    assert_eq!(small["waveform"]["loss"]["returned_points"], 60);
    close(&small["waveform"]["loss"]["factor"], 150.0);

    let facts = session
        .call(
            "withings_get_heart_signal",
            json!({"signalid": watch.signalid}),
        )
        .await;
    assert_eq!(facts.is_error, Some(false));
    assert!(facts.structured_content.as_ref().unwrap()["waveform"].is_null());
    let shown = text(&facts);
    assert!(shown.contains("not a diagnosis"), "{shown}");
    assert!(!shown.contains('|'), "no tables: {shown}");

    let unknown = session
        .call("withings_get_heart_signal", json!({"signalid": 7}))
        .await;
    assert_eq!(unknown.is_error, Some(true));
    assert!(
        text(&unknown).contains("withings_list_heart"),
        "{}",
        text(&unknown)
    );
}

#[tokio::test]
async fn intraday_sums_and_means_match_the_minutes_and_long_windows_are_refused() {
    let session = Session::authorized_until(END).await;
    let demo = session.fake.demo();
    let day = demo
        .activities
        .iter()
        .rev()
        .find(|a| a.timezone == PARIS && a.steps > 3000 && a.hr.is_some())
        .expect("a day at home with the watch");
    let (start, end) = day_bounds(day.date, &zone(PARIS).unwrap()).unwrap();
    // The neighbouring days too: the fake serves every minute the window touches.
    let minutes: Vec<_> = [day.date.yesterday(), Ok(day.date), day.date.tomorrow()]
        .into_iter()
        .flat_map(|date| demo.intraday(date.unwrap()))
        .filter(|p| (start..end).contains(&p.timestamp))
        .collect();
    let steps: i64 = minutes.iter().filter_map(|p| p.steps).sum();
    let rates: Vec<i64> = minutes.iter().filter_map(|p| p.heart_rate).collect();

    session.fake.reset_stats();
    let data = session
        .ok(
            "withings_get_intraday_activity",
            json!({"date": day.date.to_string(), "data_fields": ["steps", "heart_rate"]}),
        )
        .await;
    assert_eq!(
        session.fake.stats().count("v2/measure/getintradayactivity"),
        1
    );
    // Two series over a day: the finest buckets that fit the size budget.
    assert_eq!(data["resolution_minutes"], 10);
    assert!(data.get("coarsened_from").is_none());
    assert_eq!(data["buckets"], (end - start) / 600);
    assert_eq!(data["start"], local_time(start, PARIS).unwrap());
    let [step_series, rate_series] = data["series"].as_array().unwrap().as_slice() else {
        panic!("two series: {data}")
    };
    assert_eq!(step_series["field"], "steps");
    assert_eq!(step_series["aggregation"], "sum");
    close(&step_series["total"], steps as f64);
    assert_eq!(
        step_series["total"].as_f64().unwrap() as i64,
        day.steps,
        "the day's total"
    );
    let points = step_series["points"].as_array().unwrap();
    let summed: f64 = points.iter().map(|p| p["value"].as_f64().unwrap()).sum();
    close(&json!(summed), steps as f64);
    assert!(
        points.iter().all(|p| p["value"].as_f64().unwrap() > 0.0),
        "no zero buckets"
    );
    assert_eq!(
        step_series["loss"]["original_samples"],
        minutes.iter().filter(|p| p.steps.is_some()).count()
    );
    assert_eq!(step_series["loss"]["returned_points"], points.len());
    assert_eq!(
        step_series["empty_buckets"].as_u64().unwrap() as usize + points.len(),
        data["buckets"].as_u64().unwrap() as usize
    );
    assert!(!step_series["gaps"].as_array().unwrap().is_empty());

    assert_eq!(rate_series["aggregation"], "mean");
    assert_eq!(rate_series["loss"]["original_samples"], rates.len());
    let mean = rates.iter().sum::<i64>() as f64 / rates.len() as f64;
    assert!((rate_series["mean"].as_f64().unwrap() - mean).abs() < 1e-3);
    assert_eq!(
        rate_series["max"].as_f64().unwrap() as i64,
        *rates.iter().max().unwrap()
    );

    // Three hours from 07:00 local: only the minutes in that window count.
    let from = start + 7 * 3600;
    let window_steps: i64 = minutes
        .iter()
        .filter(|p| (from..from + 3 * 3600).contains(&p.timestamp))
        .filter_map(|p| p.steps)
        .sum();
    let morning = session
        .ok(
            "withings_get_intraday_activity",
            json!({
                "after": format!("{}T07:00:00", day.date),
                "before": format!("{}T10:00:00", day.date),
                "data_fields": ["steps"],
                "resolution_minutes": 15,
            }),
        )
        .await;
    assert_eq!(morning["buckets"], 12);
    assert!(morning.get("coarsened_from").is_none());

    // Every series at one-minute buckets over a day would swamp the context: the
    // buckets widen and the answer says so.
    let full = session
        .ok(
            "withings_get_intraday_activity",
            json!({"date": day.date.to_string(), "resolution_minutes": 1,
                   "response_format": "json"}),
        )
        .await;
    assert_eq!(full["coarsened_from"], 1);
    assert!(full["resolution_minutes"].as_u64().unwrap() > 1);
    let size = full.to_string().len();
    assert!(size <= 24_000, "{size} characters");
    let total = &morning["series"][0]["total"];
    if window_steps == 0 {
        assert!(total.is_null(), "no steps is missing, not 0: {total}");
    } else {
        close(total, window_steps as f64);
    }

    let refused = session
        .call(
            "withings_get_intraday_activity",
            json!({"after": format!("{}T00:00:00", day.date), "before": format!("{}T06:00:00", day.date.tomorrow().unwrap())}),
        )
        .await;
    assert_eq!(refused.is_error, Some(true));
    let message = text(&refused);
    assert!(message.contains("24 hours"), "{message}");
    assert!(message.contains("`date`"), "says what to do: {message}");
}

#[tokio::test]
async fn body_trends_match_the_own_daily_weights_in_one_request() {
    let session = Session::authorized_until(END).await;
    let demo = session.fake.demo();
    let (first, last) = ("2026-04-02", END);
    let want = daily_weights(&demo, first, last);
    assert!(want.len() > 20, "the demo weighs in most days");

    session.fake.reset_stats();
    let data = session
        .ok(
            "withings_body_trends",
            json!({"after": first, "before": last, "types": ["weight"]}),
        )
        .await;
    assert_eq!(
        session.fake.stats().count("measure/getmeas"),
        1,
        "one request"
    );
    assert_eq!(data["truncated"], false);
    let weight = &data["trends"][0];
    assert_eq!(weight["type"], "weight");
    assert_eq!(weight["unit"], "kg");
    assert_eq!(weight["count"], want.len());
    let (first_day, (first_at, first_kg)) = want.first_key_value().unwrap();
    let (last_day, (_, last_kg)) = want.last_key_value().unwrap();
    assert_eq!(&weight["first"]["date"], first_day.as_str());
    assert_eq!(
        weight["first"]["time"],
        local_time(*first_at, PARIS).unwrap()
    );
    close(&weight["first"]["value"], *first_kg);
    assert_eq!(&weight["last"]["date"], last_day.as_str());
    close(&weight["last"]["value"], *last_kg);
    close(
        &weight["change"],
        ((last_kg - first_kg) * 1000.0).round() / 1000.0,
    );
    let min = want
        .values()
        .map(|(_, kg)| *kg)
        .fold(f64::INFINITY, f64::min);
    let max = want
        .values()
        .map(|(_, kg)| *kg)
        .fold(f64::NEG_INFINITY, f64::max);
    close(&weight["min"]["value"], min);
    close(&weight["max"]["value"], max);
    assert_eq!(want[weight["min"]["date"].as_str().unwrap()].1, min);

    let last_date: jiff::civil::Date = last_day.parse().unwrap();
    let week_start = last_date
        .checked_sub(jiff::ToSpan::days(6))
        .unwrap()
        .to_string();
    let week: Vec<f64> = want.range(week_start..).map(|(_, (_, kg))| *kg).collect();
    let average = week.iter().sum::<f64>() / week.len() as f64;
    assert!((weight["average_7d"].as_f64().unwrap() - average).abs() < 1e-3);
    assert!(weight["slope_per_week"].is_f64());
    assert!(!weight["summary"].as_str().unwrap().is_empty());

    let defaults = session
        .ok(
            "withings_body_trends",
            json!({"before": END, "response_format": "json"}),
        )
        .await;
    let kinds: Vec<&str> = defaults["trends"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["weight", "fat_ratio", "muscle_mass"]);
    assert_eq!(
        defaults["window"]["first"], "2026-04-02",
        "90 days by default"
    );

    // Two years still come back whole (several pages, well under the cap).
    let years = session
        .ok(
            "withings_body_trends",
            json!({"after": "2024-07-01", "before": END, "types": ["weight"]}),
        )
        .await;
    assert_eq!(years["truncated"], false);
    assert_eq!(
        years["trends"][0]["count"],
        daily_weights(&demo, "2024-07-01", END).len()
    );
}

/// The image of a result, decoded: `(width, height)`.
fn image_size(result: &rmcp::model::CallToolResult) -> (u32, u32) {
    let image = result
        .content
        .iter()
        .find_map(|c| c.as_image())
        .expect("an image block");
    assert_eq!(image.mime_type, "image/png");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&image.data)
        .expect("base64");
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let reader = decoder.read_info().expect("a PNG");
    let info = reader.info();
    (info.width, info.height)
}

#[tokio::test]
async fn charts_are_pngs_of_the_declared_size_with_the_same_points() {
    let session = Session::authorized_until(END).await;
    let demo = session.fake.demo();

    let weight = session
        .call(
            "withings_chart",
            json!({"metric": "weight", "after": "2026-06-01", "before": END, "width": 640, "height": 320}),
        )
        .await;
    assert_eq!(weight.is_error, Some(false), "{}", text(&weight));
    assert_eq!(image_size(&weight), (640, 320));
    let summary = text(&weight);
    assert!(
        summary.contains("Lowest") && summary.contains("missing"),
        "{summary}"
    );
    let data = weight.structured_content.unwrap();
    let want = daily_weights(&demo, "2026-06-01", END);
    let points = data["points"].as_array().unwrap();
    assert_eq!(points.len(), want.len());
    for point in points {
        close(&point["value"], want[point["date"].as_str().unwrap()].1);
    }
    assert_eq!(data["days"], 30);
    assert_eq!(data["missing_days"], 30 - want.len());
    assert_eq!(data["chart"], "line");
    assert_eq!(
        (data["width"].as_u64(), data["height"].as_u64()),
        (Some(640), Some(320))
    );

    let steps = session
        .call("withings_chart", json!({"metric": "steps", "before": END}))
        .await;
    assert_eq!(steps.is_error, Some(false), "{}", text(&steps));
    assert_eq!(image_size(&steps), (800, 400), "the default size");
    let data = steps.structured_content.unwrap();
    assert_eq!(data["window"]["first"], "2026-06-01");
    let want: BTreeMap<String, i64> = demo
        .activities
        .iter()
        .filter(|a| a.date.to_string().as_str() >= "2026-06-01")
        .map(|a| (a.date.to_string(), a.steps))
        .collect();
    let got: BTreeMap<String, i64> = data["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["date"].as_str().unwrap().to_owned(),
                p["value"].as_f64().unwrap() as i64,
            )
        })
        .collect();
    assert_eq!(got, want);
    assert_eq!(data["chart"], "bar");

    let sleep = session
        .ok(
            "withings_chart",
            json!({"metric": "sleep", "after": "2026-06-01", "before": END}),
        )
        .await;
    let nights: BTreeMap<String, f64> = demo
        .nights
        .iter()
        .filter(|n| n.date.to_string().as_str() >= "2026-06-01")
        .map(|n| {
            let seconds = n
                .summary_field("total_sleep_time")
                .unwrap()
                .as_f64()
                .unwrap();
            // Hours, to the 3 decimals the tool rounds points to.
            (n.date.to_string(), (seconds / 3.6).round() / 1000.0)
        })
        .collect();
    let points = sleep["points"].as_array().unwrap();
    assert_eq!(points.len(), nights.len());
    for point in points {
        close(&point["value"], nights[point["date"].as_str().unwrap()]);
    }

    let too_long = session
        .call(
            "withings_chart",
            json!({"metric": "weight", "after": "2025-01-01", "before": END}),
        )
        .await;
    assert_eq!(too_long.is_error, Some(true));
    assert!(text(&too_long).contains("366"), "{}", text(&too_long));
    let too_small = session
        .call("withings_chart", json!({"metric": "weight", "width": 100}))
        .await;
    assert_eq!(too_small.is_error, Some(true));
}
