//! The summaries through the real `withings-mcp` binary over MCP, against the fake
//! Withings API: every number is recomputed here from the generated demo account,
//! over plain windows, a window with missing days, and one across a DST change.

mod support;

use delx_withings::fake::demo::DemoAccount;
use delx_withings::fake::{FakeConfig, Fault};
use delx_withings::model::local_day;
use jiff::ToSpan;
use jiff::civil::Date;
use serde_json::{Value, json};
use support::withings::{ALL_SCOPES, Session, text};

fn day(text: &str) -> Date {
    text.parse().expect("YYYY-MM-DD")
}

fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// The demo's numbers for one local day, computed from the generator's records.
#[derive(Debug, Default)]
struct Truth {
    steps: Option<i64>,
    sleep_minutes: Option<f64>,
    sleep_score: Option<f64>,
    weight_kg: Option<f64>,
}

fn truth(demo: &DemoAccount, date: Date) -> Truth {
    let steps = demo
        .activities
        .iter()
        .filter(|a| a.date == date)
        .map(|a| a.steps)
        .max();
    let night = demo
        .nights
        .iter()
        .filter(|n| n.date == date)
        .max_by_key(|n| n.summary_field("total_sleep_time").and_then(Value::as_i64));
    let weight = demo
        .measure_groups
        .iter()
        .filter(|g| g.category == 1 && !matches!(g.attrib, 1 | 4))
        .filter(|g| local_day(g.date, demo.timezone).as_deref() == Some(&date.to_string()))
        .filter_map(|g| {
            let m = g.measures.iter().find(|m| m.kind == 1)?;
            Some((g.date, m.value as f64 * 10f64.powi(m.unit as i32)))
        })
        .max_by_key(|(at, _)| *at)
        .map(|(_, kg)| round(kg, 2));
    Truth {
        steps,
        sleep_minutes: night
            .and_then(|n| n.summary_field("total_sleep_time")?.as_f64())
            .map(|s| round(s / 60.0, 1)),
        sleep_score: night.and_then(|n| n.summary_field("sleep_score")?.as_f64()),
        weight_kg: weight,
    }
}

fn days_between(first: Date, last: Date) -> Vec<Date> {
    first.series(1.day()).take_while(|d| *d <= last).collect()
}

/// What `WindowStats` should say for `first..=last`.
fn expected_window(demo: &DemoAccount, first: Date, last: Date) -> Value {
    let truths: Vec<(Date, Truth)> = days_between(first, last)
        .into_iter()
        .map(|d| (d, truth(demo, d)))
        .collect();
    let steps: Vec<f64> = truths
        .iter()
        .filter_map(|(_, t)| t.steps)
        .map(|s| s as f64)
        .collect();
    let sleep: Vec<f64> = truths.iter().filter_map(|(_, t)| t.sleep_minutes).collect();
    let weights: Vec<(Date, f64)> = truths
        .iter()
        .filter_map(|(d, t)| Some((*d, t.weight_kg?)))
        .collect();
    json!({
        "days": truths.len(),
        "days_with_activity": steps.len(),
        "days_with_sleep": truths.iter().filter(|(_, t)| t.sleep_minutes.is_some() || t.sleep_score.is_some()).count(),
        "days_with_weight": weights.len(),
        "total_steps": (!steps.is_empty()).then(|| steps.iter().sum::<f64>() as i64),
        "avg_steps": mean(&steps).map(f64::round),
        "avg_sleep_minutes": mean(&sleep).map(|m| round(m, 1)),
        "latest_weight_kg": weights.last().map(|(_, kg)| *kg),
        "latest_weight_date": weights.last().map(|(d, _)| d.to_string()),
        "weight_change_kg": (weights.len() >= 2).then(|| round(weights[weights.len() - 1].1 - weights[0].1, 2)),
    })
}

/// Each expected key equals the reported one; `null` expected means absent.
fn assert_window(got: &Value, want: &Value, label: &str) {
    for (key, value) in want.as_object().unwrap() {
        let reported = got.get(key).cloned().unwrap_or(Value::Null);
        match (value.as_f64(), reported.as_f64()) {
            (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "{label} {key}: want {a}, got {b}"),
            _ => assert_eq!(&reported, value, "{label} {key}"),
        }
    }
}

#[tokio::test]
async fn weekly_summary_matches_the_demo_account_in_at_most_eight_requests() {
    let session = Session::authorized_until("2026-06-30").await;
    let demo = session.fake.demo().clone();
    session.fake.reset_stats();
    let data = session
        .ok(
            "withings_weekly_summary",
            json!({"end_date": "2026-06-28", "days": 7, "compare_days": 7, "response_format": "json"}),
        )
        .await;
    let stats = session.fake.stats();
    assert!(
        stats.total <= 8,
        "{} requests: {:?}",
        stats.total,
        stats.by_action
    );

    assert_eq!(data["kind"], "weekly_summary");
    assert_eq!(data["timezone"], "Europe/Paris");
    let current = &data["scorecard"]["current"];
    let previous = &data["scorecard"]["previous"];
    assert_eq!(current["first"], "2026-06-22");
    assert_eq!(previous["last"], "2026-06-21");
    let want_current = expected_window(&demo, day("2026-06-22"), day("2026-06-28"));
    let want_previous = expected_window(&demo, day("2026-06-15"), day("2026-06-21"));
    assert_window(current, &want_current, "current");
    assert_window(previous, &want_previous, "previous");

    // The steps delta is the change of the two averages.
    let steps = data["deltas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["metric"] == "avg_steps")
        .expect("a steps delta");
    let (now, before) = (
        want_current["avg_steps"].as_f64().unwrap(),
        want_previous["avg_steps"].as_f64().unwrap(),
    );
    assert_eq!(steps["change"].as_f64().unwrap(), now - before);
    assert_eq!(
        steps["change_pct"].as_f64().unwrap(),
        round((now - before) / before * 100.0, 1)
    );
    // The plan quotes this week's numbers, so it is not fixed text.
    for item in data["next_week_plan"].as_array().unwrap() {
        assert!(item["action"].as_str().unwrap().len() > 10, "{item}");
    }
    assert!(!data["next_week_plan"].as_array().unwrap().is_empty());

    // Markdown: bullets, no JSON dump.
    let markdown = session
        .call("withings_weekly_summary", json!({"end_date": "2026-06-28"}))
        .await;
    let shown = text(&markdown);
    assert!(
        shown.contains("Withings week: 2026-06-22 to 2026-06-28"),
        "{shown}"
    );
    assert!(!shown.contains('{'), "{shown}");
}

#[tokio::test]
async fn missing_days_are_left_out_and_named() {
    let session = Session::authorized_until("2026-06-30").await;
    let demo = session.fake.demo().clone();
    // The first week of the account with both activity and sleep gaps.
    let end = days_between(demo.first_day + 20.days(), demo.last_day - 1.day())
        .into_iter()
        .find(|end| {
            let window = days_between(*end - 6.days(), *end);
            let truths: Vec<Truth> = window.iter().map(|d| truth(&demo, *d)).collect();
            let active = truths.iter().filter(|t| t.steps.is_some()).count();
            let slept = truths.iter().filter(|t| t.sleep_minutes.is_some()).count();
            (1..7).contains(&active) && (1..7).contains(&slept)
        })
        .expect("the demo account has gaps");
    let data = session
        .ok(
            "withings_weekly_summary",
            json!({"end_date": end.to_string(), "compare_days": 0, "response_format": "json"}),
        )
        .await;
    let want = expected_window(&demo, end - 6.days(), end);
    assert_window(&data["scorecard"]["current"], &want, "gappy week");
    assert!(data["scorecard"].get("previous").is_none());
    assert!(data["deltas"].as_array().unwrap().is_empty());
    let warnings = data["data_quality"]["warnings"].to_string();
    assert!(warnings.contains("No activity recorded on"), "{warnings}");
    assert!(data["data_quality"]["completeness"].as_f64().unwrap() < 1.0);
}

#[tokio::test]
async fn a_week_across_the_autumn_clock_change_uses_local_days() {
    let session = Session::authorized_until("2026-06-30").await;
    let demo = session.fake.demo().clone();
    // Europe/Paris left summer time on 2025-10-26.
    let data = session
        .ok(
            "withings_weekly_summary",
            json!({"end_date": "2025-10-29", "days": 7, "compare_days": 7, "response_format": "json"}),
        )
        .await;
    assert_window(
        &data["scorecard"]["current"],
        &expected_window(&demo, day("2025-10-23"), day("2025-10-29")),
        "DST week",
    );
    assert_window(
        &data["scorecard"]["previous"],
        &expected_window(&demo, day("2025-10-16"), day("2025-10-22")),
        "week before",
    );
}

#[tokio::test]
async fn daily_summary_matches_the_day_and_its_baseline() {
    let session = Session::authorized_until("2026-06-30").await;
    let demo = session.fake.demo().clone();
    let data = session
        .ok(
            "withings_daily_summary",
            json!({"date": "2026-06-29", "response_format": "json"}),
        )
        .await;
    assert_eq!(data["kind"], "daily_summary");
    assert_eq!(data["date"], "2026-06-29");
    assert_eq!(data["in_progress"], false);
    let want = truth(&demo, day("2026-06-29"));
    let got = &data["day"];
    assert_eq!(got["steps"].as_i64(), want.steps);
    assert_eq!(got["sleep_minutes"].as_f64(), want.sleep_minutes);
    assert_eq!(got["sleep_score"].as_f64(), want.sleep_score);
    assert_eq!(got["weight_kg"].as_f64(), want.weight_kg);
    assert_window(
        &data["baseline"],
        &expected_window(&demo, day("2026-06-22"), day("2026-06-28")),
        "baseline",
    );
    assert!(!data["highlights"].as_array().unwrap().is_empty());

    // A day after the data: missing, not zero, and said so.
    let future = session
        .call("withings_daily_summary", json!({"date": "2099-01-01"}))
        .await;
    assert_eq!(future.is_error, Some(true));
    assert!(text(&future).contains("after today"), "{}", text(&future));
}

#[tokio::test]
async fn a_domain_that_fails_becomes_a_warning_not_an_error() {
    let session = Session::authorized_until("2026-06-30").await;
    session
        .fake
        .faults()
        .inject(Fault::http(503).on_action("getworkouts"));
    let data = session
        .ok(
            "withings_weekly_summary",
            json!({"end_date": "2026-06-28", "response_format": "json"}),
        )
        .await;
    let current = &data["scorecard"]["current"];
    assert!(current.get("workouts").is_none(), "{current}");
    assert!(current["avg_steps"].is_number());
    let warnings = data["data_quality"]["warnings"].to_string();
    assert!(
        warnings.contains("workouts could not be read"),
        "{warnings}"
    );
    assert_ne!(data["data_quality"]["confidence"], "high");
}

#[tokio::test]
async fn wellness_context_follows_the_delx_contract() {
    // Data that ends now, so "the last 7 days" has something in it.
    let session = Session::start(FakeConfig::default(), Some(ALL_SCOPES), Default::default()).await;
    let demo = session.fake.demo().clone();
    let data = session
        .ok(
            "withings_wellness_context",
            json!({"soreness": ["left_knee"], "injury_flags": ["recovering ankle sprain"],
                   "notes": "Slept badly on the plane", "response_format": "json"}),
        )
        .await;
    assert_eq!(data["source"], "withings");
    assert_eq!(data["soreness"], json!(["left_knee"]));
    assert_eq!(data["injury_flags"], json!(["recovering ankle sprain"]));
    assert_eq!(data["notes"][0], "Slept badly on the plane");
    let today = demo.last_day;
    assert_eq!(
        data["window"],
        json!([(today - 6.days()).to_string(), today.to_string()])
    );
    let latest_score = days_between(today - 6.days(), today)
        .into_iter()
        .rev()
        .find_map(|d| truth(&demo, d).sleep_score);
    assert_eq!(data["sleep_score"].as_f64(), latest_score);
    // Averages leave out today, which is still in progress.
    let steps: Vec<f64> = days_between(today - 6.days(), today - 1.day())
        .into_iter()
        .filter_map(|d| truth(&demo, d).steps)
        .map(|s| s as f64)
        .collect();
    assert_eq!(
        data["signals"]["avg_steps"].as_f64(),
        mean(&steps).map(f64::round)
    );
    assert!(
        ["low", "normal", "high", "unknown"]
            .contains(&data["recent_training_load"].as_str().unwrap())
    );
    for key in ["completeness", "confidence", "warnings"] {
        assert!(data["data_quality"].get(key).is_some(), "{key}");
    }

    // Inputs are validated.
    let refused = session
        .call("withings_wellness_context", json!({"soreness": [""]}))
        .await;
    assert_eq!(refused.is_error, Some(true));
}
