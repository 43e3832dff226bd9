//! The Withings list tools through the real `withings-mcp` binary over MCP, against
//! the fake Withings API with a pinned end date, checked against the demo account.

use delx_framework::time::{DateInput, zone};
use delx_withings::fake::FakeServer;
use delx_withings::model::{MeasureType, local_day, local_time};
use serde_json::{Value, json};

mod support;

use support::withings::{Session, text};

async fn connect() -> Session {
    Session::authorized_until("2026-06-30").await
}

async fn ok(session: &Session, name: &str, arguments: Value) -> Value {
    session.ok(name, arguments).await
}

/// (local time, type key, value) of every measure in summary records.
fn returned(data: &Value) -> Vec<(String, String, f64)> {
    let mut seen = Vec::new();
    for record in data["records"].as_array().unwrap() {
        let date = record["date"].as_str().unwrap().to_owned();
        for measure in record["measures"].as_array().unwrap() {
            seen.push((
                date.clone(),
                measure["type"].as_str().unwrap().to_owned(),
                measure["value"].as_f64().unwrap(),
            ));
        }
    }
    seen.sort_by(|a, b| a.partial_cmp(b).unwrap());
    seen
}

/// The same, computed from the demo account: groups of the window's local days
/// passing `keep(category, attrib)`, measures of `types` (all when empty).
fn expected(
    fake: &FakeServer,
    first: &str,
    last: &str,
    types: &[i64],
    keep: impl Fn(i64, i64) -> bool,
) -> Vec<(String, String, f64)> {
    let demo = fake.demo();
    let mut seen = Vec::new();
    for group in &demo.measure_groups {
        let day = local_day(group.date, demo.timezone).unwrap();
        if day.as_str() < first || day.as_str() > last || !keep(group.category, group.attrib) {
            continue;
        }
        for measure in &group.measures {
            if !types.is_empty() && !types.contains(&measure.kind) {
                continue;
            }
            seen.push((
                local_time(group.date, demo.timezone).unwrap(),
                MeasureType::from_code(measure.kind).key().to_owned(),
                measure.value as f64 * 10f64.powi(measure.unit as i32),
            ));
        }
    }
    seen.sort_by(|a, b| a.partial_cmp(b).unwrap());
    seen
}

fn assert_same(got: &[(String, String, f64)], want: &[(String, String, f64)]) {
    assert_eq!(got.len(), want.len(), "{got:?}\n{want:?}");
    for (g, w) in got.iter().zip(want) {
        assert_eq!((&g.0, &g.1), (&w.0, &w.1));
        assert!((g.2 - w.2).abs() < 1e-9, "{g:?} vs {w:?}");
    }
}

fn own_real(category: i64, attrib: i64) -> bool {
    category == 1 && !matches!(attrib, 1 | 4)
}

/// The local days from the group matching `find` to the one `span` groups later.
fn window_around(
    fake: &FakeServer,
    find: impl Fn(i64, i64) -> bool,
    span: usize,
) -> (String, String) {
    let demo = fake.demo();
    let groups = &demo.measure_groups;
    let at = groups
        .iter()
        .position(|g| find(g.category, g.attrib))
        .expect("such a group in the demo");
    let end = (at + span).min(groups.len() - 1);
    (
        local_day(groups[at].date, demo.timezone).unwrap(),
        local_day(groups[end].date, demo.timezone).unwrap(),
    )
}

#[tokio::test]
async fn body_measures_match_the_demo_account_with_filters_and_modes() {
    let session = connect().await;
    let fake = &session.fake;
    let name = "withings_list_body_measures";

    // Goals are left out by default and come back when asked for.
    let (first, last) = window_around(fake, |category, _| category == 2, 8);
    let base = json!({"after": first, "before": last, "privacy_mode": "summary",
                      "response_format": "json", "limit": 200});
    let data = ok(&session, name, base.clone()).await;
    assert_eq!(data["endpoint"], "getmeas");
    assert_eq!(data["privacy_mode"], "summary");
    assert_eq!(data["timezone"], fake.demo().timezone);
    assert_eq!(data["window"], json!({"first": first, "last": last}));
    assert_eq!(data["truncated"], false);
    assert_eq!(data["has_more"], false);
    assert_eq!(
        data["count"].as_u64().unwrap() as usize,
        data["records"].as_array().unwrap().len()
    );
    let want = expected(fake, &first, &last, &[], own_real);
    assert!(!want.is_empty());
    assert_same(&returned(&data), &want);
    for record in data["records"].as_array().unwrap() {
        for secret in ["grpid", "deviceid", "hash_deviceid"] {
            assert!(record.get(secret).is_none(), "summary shows {secret}");
        }
    }

    let mut with_goals = base.clone();
    with_goals["include_goals"] = json!(true);
    let data = ok(&session, name, with_goals).await;
    let want = expected(fake, &first, &last, &[], |c, a| {
        (c == 1 || c == 2) && !matches!(a, 1 | 4)
    });
    assert_same(&returned(&data), &want);
    assert!(
        data["records"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["goal"] == true)
    );

    // Someone else's weigh-in (attrib 1) likewise.
    let (first, last) = window_around(fake, |_, attrib| attrib == 1, 8);
    let mut ambiguous = json!({"after": first, "before": last, "privacy_mode": "summary",
                               "response_format": "json", "limit": 200});
    let data = ok(&session, name, ambiguous.clone()).await;
    assert_same(
        &returned(&data),
        &expected(fake, &first, &last, &[], own_real),
    );
    ambiguous["include_ambiguous"] = json!(true);
    let data = ok(&session, name, ambiguous).await;
    let want = expected(fake, &first, &last, &[], |c, _| c == 1);
    assert!(want.len() > expected(fake, &first, &last, &[], own_real).len());
    assert_same(&returned(&data), &want);

    // A types filter keeps only those measures.
    let data = ok(
        &session,
        name,
        json!({"after": first, "before": last, "privacy_mode": "summary",
               "response_format": "json", "limit": 200, "types": ["weight", "fat_ratio"]}),
    )
    .await;
    let want = expected(fake, &first, &last, &[1, 6], own_real);
    assert!(!want.is_empty());
    assert_same(&returned(&data), &want);

    // An unknown key is refused with the valid ones.
    let refused = session.call(name, json!({"types": ["wieght"]})).await;
    assert_eq!(refused.is_error, Some(true));
    assert!(text(&refused).contains("fat_ratio"), "{}", text(&refused));

    // Structured keeps upstream fields; raw is the upstream group.
    let structured = ok(
        &session,
        name,
        json!({"after": first, "before": last, "privacy_mode": "structured", "response_format": "json"}),
    )
    .await;
    let record = &structured["records"][0];
    for field in [
        "grpid",
        "deviceid",
        "hash_deviceid",
        "attrib",
        "category",
        "measures",
    ] {
        assert!(
            record.get(field).is_some(),
            "structured lacks {field}: {record}"
        );
    }
    assert!(record["values"][0]["label"].is_string());
    let raw = ok(
        &session,
        name,
        json!({"after": first, "before": last, "privacy_mode": "raw", "response_format": "json"}),
    )
    .await;
    let record = raw["records"][0].as_object().unwrap();
    assert!(record["grpid"].is_i64() && record["measures"][0]["value"].is_i64());
    assert!(record.get("values").is_none() && record.get("local_time").is_none());

    // A limit smaller than the data says so and how to get the rest.
    let limited = ok(
        &session,
        name,
        json!({"after": first, "before": last, "limit": 2}),
    )
    .await;
    assert_eq!(limited["count"], 2);
    assert_eq!(limited["truncated"], true);
    assert_eq!(limited["has_more"], true);
    assert!(limited["next_step"].as_str().unwrap().contains("limit"));
    let markdown = session
        .call(name, json!({"after": first, "before": last, "limit": 2}))
        .await;
    assert!(text(&markdown).contains("- "), "{}", text(&markdown));
    assert!(text(&markdown).contains(" kg"), "{}", text(&markdown));
    session.client.cancel().await.unwrap();
}

fn count_of(data: &Value) -> usize {
    let count = data["count"].as_u64().unwrap() as usize;
    assert_eq!(count, data["records"].as_array().unwrap().len());
    count
}

fn days(first: &str, last: &str, page: &str) -> Value {
    json!({"after": first, "before": last, "limit": 200, "response_format": "json",
           "privacy_mode": page})
}

#[tokio::test]
async fn the_other_lists_match_the_demo_account() {
    let session = connect().await;
    let demo = session.fake.demo();
    let (first, last) = ("2026-06-17", "2026-06-30");
    let within = |day: String| day.as_str() >= first && day.as_str() <= last;

    let activity = ok(
        &session,
        "withings_list_activity",
        days(first, last, "summary"),
    )
    .await;
    let want = demo
        .activities
        .iter()
        .filter(|d| within(d.date.to_string()))
        .count();
    assert!(want > 0);
    assert_eq!(count_of(&activity), want);
    assert_eq!(activity["endpoint"], "getactivity");
    let newest = &activity["records"][0];
    assert!(
        newest["steps"].is_number() && newest["distance_m"].is_number(),
        "{newest}"
    );
    assert!(newest.get("deviceid").is_none());

    let nights = ok(
        &session,
        "withings_list_sleep_summary",
        days(first, last, "summary"),
    )
    .await;
    let want = demo
        .nights
        .iter()
        .filter(|n| within(n.date.to_string()))
        .count();
    assert!(want > 0);
    assert_eq!(count_of(&nights), want);
    assert!(
        nights["records"][0]["total_sleep_time"].is_number(),
        "{}",
        nights["records"][0]
    );

    let workouts = ok(
        &session,
        "withings_list_workouts",
        days(first, last, "structured"),
    )
    .await;
    let want = demo
        .workouts
        .iter()
        .filter(|w| within(w.date.to_string()))
        .count();
    assert_eq!(count_of(&workouts), want);
    if want > 0 {
        let record = &workouts["records"][0];
        assert!(
            record["category_label"].is_string() && record["id"].is_i64(),
            "{record}"
        );
    }

    let (heart_first, heart_last) = ("2026-01-01", "2026-06-30");
    let heart = ok(
        &session,
        "withings_list_heart",
        days(heart_first, heart_last, "summary"),
    )
    .await;
    let want = demo
        .ecgs
        .iter()
        .filter(|e| {
            let day = local_day(e.timestamp, demo.timezone).unwrap();
            day.as_str() >= heart_first && day.as_str() <= heart_last
        })
        .count();
    assert_eq!(count_of(&heart), want.min(200));
    if want > 0 {
        assert!(
            heart["records"][0]["afib"].is_string(),
            "{}",
            heart["records"][0]
        );
    }

    // Detailed sleep: two days, segments overlapping those local days.
    let tz = zone(demo.timezone).unwrap();
    let day = |text: &str| match DateInput::parse(text, &tz).unwrap() {
        DateInput::Day(day) => day,
        DateInput::Instant(_) => panic!("a day"),
    };
    let (from, _) = delx_framework::time::day_bounds(day("2026-06-29"), &tz).unwrap();
    let (_, to) = delx_framework::time::day_bounds(day("2026-06-30"), &tz).unwrap();
    let to = to - 1;
    let want = demo
        .nights
        .iter()
        .flat_map(|n| &n.segments)
        .filter(|s| s.enddate > from && s.startdate < to)
        .count();
    let sleep = ok(
        &session,
        "withings_list_sleep",
        days("2026-06-29", "2026-06-30", "summary"),
    )
    .await;
    assert!(want > 0);
    assert_eq!(count_of(&sleep), want.min(200));
    assert!(
        sleep["records"][0]["state"].is_string(),
        "{}",
        sleep["records"][0]
    );
    let too_long = session
        .call(
            "withings_list_sleep",
            json!({"after": "2026-06-01", "before": "2026-06-30"}),
        )
        .await;
    assert_eq!(too_long.is_error, Some(true));
    assert!(text(&too_long).contains("7 days"), "{}", text(&too_long));

    let markdown = session
        .call(
            "withings_list_activity",
            json!({"after": first, "before": last}),
        )
        .await;
    assert!(text(&markdown).contains(" steps"), "{}", text(&markdown));
    session.client.cancel().await.unwrap();
}

#[tokio::test]
async fn devices_and_goals_match_the_demo_account() {
    let session = connect().await;
    let demo = session.fake.demo();

    let summary = ok(
        &session,
        "withings_list_devices",
        json!({"privacy_mode": "summary"}),
    )
    .await;
    assert_eq!(summary["count"], demo.devices.len());
    let types: Vec<&str> = summary["devices"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["type"].as_str())
        .collect();
    for device in &demo.devices {
        assert!(
            types.contains(&device.type_name),
            "{} missing: {types:?}",
            device.type_name
        );
    }
    let text = summary.to_string();
    for device in &demo.devices {
        assert!(
            !text.contains(&device.deviceid),
            "summary mode leaks a device id: {text}"
        );
    }
    assert!(
        summary["devices"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["model"].as_str().is_some_and(|m| !m.is_empty())),
        "an empty upstream model name falls back to the model id's name: {summary}"
    );
    let structured = ok(
        &session,
        "withings_list_devices",
        json!({"privacy_mode": "structured"}),
    )
    .await;
    assert!(
        structured["devices"][0]["deviceid"].is_string(),
        "{structured}"
    );

    let goals = ok(
        &session,
        "withings_get_goals",
        json!({"response_format": "json"}),
    )
    .await;
    assert_eq!(goals["steps"], demo.goals.steps);
    assert_eq!(goals["sleep_minutes"], demo.goals.sleep / 60);
    if let Some((value, unit)) = demo.goals.weight {
        let kg = value as f64 * 10f64.powi(unit as i32);
        assert!(
            (goals["weight_kg"].as_f64().unwrap() - kg).abs() < 0.01,
            "{goals}"
        );
    }
    assert_eq!(goals["none_set"], false);
}

/// The `date`/`time`/`start` local time of a record, whichever it has.
fn when(record: &Value) -> String {
    ["date", "time", "start", "local_time"]
        .iter()
        .find_map(|key| record.get(*key).and_then(Value::as_str))
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn two_years_of_records_stay_within_the_size_budget_and_resume() {
    let session = connect().await;
    for (name, mode) in [
        ("withings_list_body_measures", "structured"),
        ("withings_list_sleep_summary", "raw"),
        ("withings_list_activity", "summary"),
    ] {
        let base = json!({"after": "2024-07-01", "before": "2026-06-30", "limit": 200,
                          "all_pages": true, "max_pages": 20, "privacy_mode": mode,
                          "response_format": "json"});
        let first = ok(&session, name, base.clone()).await;
        let size = serde_json::to_string(&first["records"]).unwrap().len();
        assert!(size <= 20_500, "{name}: {size} characters of records");
        assert_eq!(first["has_more"], true, "{name}");
        assert_eq!(first["truncated"], true, "{name}");
        assert!(
            first["next_step"].as_str().unwrap().contains("before"),
            "{name}: {}",
            first["next_step"]
        );
        let before = first["next_before"]
            .as_str()
            .expect("next_before")
            .to_owned();
        let mut next = base.clone();
        next["before"] = json!(before);
        let second = ok(&session, name, next).await;
        let oldest_first = first["records"]
            .as_array()
            .unwrap()
            .last()
            .map(when)
            .unwrap();
        let newest_second = second["records"]
            .as_array()
            .unwrap()
            .first()
            .map(when)
            .unwrap();
        assert!(
            !newest_second.is_empty() && newest_second < oldest_first,
            "{name}: resumed at {newest_second}, after {oldest_first}"
        );
    }
    // The markdown of a cut list shows only what was returned, then how to go on.
    let result = session
        .call(
            "withings_list_body_measures",
            json!({"after": "2024-07-01", "before": "2026-06-30", "limit": 200, "all_pages": true,
                   "privacy_mode": "raw"}),
        )
        .await;
    let shown = text(&result);
    assert!(
        shown.len() < 40_000,
        "{} characters of markdown",
        shown.len()
    );
    assert!(shown.contains("size budget"), "{shown}");
}
