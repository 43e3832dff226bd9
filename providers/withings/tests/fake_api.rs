//! The fake Withings API, exercised over HTTP on loopback as a client would.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use delx_withings::api::signing::sign;
use delx_withings::fake::demo::{DEFAULT_SUMMARY_FIELDS, DemoAccount};
use delx_withings::fake::{FakeConfig, FakeServer, Fault, INVALID_TOKEN_MESSAGE};
use jiff::civil::{Date, date};
use jiff::tz::TimeZone;
use serde_json::{Value, json};

const END: Date = date(2025, 6, 30);
const CALLBACK: &str = "http://127.0.0.1:8765/callback";
const ALL_SCOPES: &str = "user.info,user.metrics,user.activity";

async fn server_with(configure: impl FnOnce(FakeConfig) -> FakeConfig) -> FakeServer {
    FakeServer::start(configure(FakeConfig::default().with_end_date(END)))
        .await
        .expect("the fake starts")
}

async fn server() -> FakeServer {
    server_with(|c| c).await
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

fn form(params: &[(&str, &str)]) -> String {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        form.append_pair(k, v);
    }
    form.finish()
}

async fn raw(
    server: &FakeServer,
    path: &str,
    params: &[(&str, &str)],
    token: Option<&str>,
) -> reqwest::Response {
    let mut request = http()
        .post(format!("{}/{path}", server.api_base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(params));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("request")
}

async fn call(
    server: &FakeServer,
    path: &str,
    params: &[(&str, &str)],
    token: Option<&str>,
) -> Value {
    raw(server, path, params, token)
        .await
        .json()
        .await
        .expect("a JSON answer")
}

async fn nonce(server: &FakeServer) -> String {
    let signature = sign(
        server.client_secret(),
        "getnonce",
        server.client_id(),
        "1700000000",
    );
    let answer = call(
        server,
        "v2/signature",
        &[
            ("action", "getnonce"),
            ("client_id", server.client_id()),
            ("timestamp", "1700000000"),
            ("signature", &signature),
        ],
        None,
    )
    .await;
    assert_eq!(answer["status"], 0, "{answer}");
    answer["body"]["nonce"].as_str().expect("nonce").to_owned()
}

/// Runs the authorize page and returns the code from the redirect.
async fn authorize(server: &FakeServer, scope: &str) -> String {
    let response = http()
        .get(server.authorize_url())
        .query(&[
            ("response_type", "code"),
            ("client_id", server.client_id()),
            ("scope", scope),
            ("redirect_uri", CALLBACK),
            ("state", "st@te 1"),
        ])
        .send()
        .await
        .expect("authorize");
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let location = url::Url::parse(&location).expect("a URL");
    assert!(location.as_str().starts_with(CALLBACK));
    let query: Vec<(String, String)> = location.query_pairs().into_owned().collect();
    assert!(query.contains(&("state".into(), "st@te 1".into())));
    query
        .into_iter()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v)
        .expect("a code")
}

async fn exchange(server: &FakeServer, code: &str) -> Value {
    call(
        server,
        "v2/oauth2",
        &[
            ("action", "requesttoken"),
            ("grant_type", "authorization_code"),
            ("client_id", server.client_id()),
            ("client_secret", server.client_secret()),
            ("code", code),
            ("redirect_uri", CALLBACK),
        ],
        None,
    )
    .await
}

async fn refresh(server: &FakeServer, refresh_token: &str) -> Value {
    call(
        server,
        "v2/oauth2",
        &[
            ("action", "requesttoken"),
            ("grant_type", "refresh_token"),
            ("client_id", server.client_id()),
            ("client_secret", server.client_secret()),
            ("refresh_token", refresh_token),
        ],
        None,
    )
    .await
}

async fn tokens(server: &FakeServer) -> (String, String) {
    let code = authorize(server, ALL_SCOPES).await;
    let answer = exchange(server, &code).await;
    assert_eq!(answer["status"], 0, "{answer}");
    let body = &answer["body"];
    (
        body["access_token"].as_str().expect("access").to_owned(),
        body["refresh_token"].as_str().expect("refresh").to_owned(),
    )
}

async fn devices(server: &FakeServer, access: &str) -> Value {
    call(server, "v2/user", &[("action", "getdevice")], Some(access)).await
}

fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .expect("an object")
        .keys()
        .cloned()
        .collect()
}

fn paris_midnight(day: Date) -> i64 {
    let paris = TimeZone::get("Europe/Paris").expect("tzdata");
    day.to_zoned(paris)
        .expect("a zoned day")
        .timestamp()
        .as_second()
}

#[tokio::test]
async fn signatures_are_verified_and_nonces_are_single_use_and_expire() {
    let server = server().await;
    let bad = sign(
        "not-the-secret",
        "getnonce",
        server.client_id(),
        "1700000000",
    );
    let answer = call(
        &server,
        "v2/signature",
        &[
            ("action", "getnonce"),
            ("client_id", server.client_id()),
            ("timestamp", "1700000000"),
            ("signature", &bad),
        ],
        None,
    )
    .await;
    assert_eq!(answer["status"], 342);

    let demo_access = |nonce: String, secret: String| {
        let server = &server;
        async move {
            let signature = sign(&secret, "getdemoaccess", server.client_id(), &nonce);
            call(
                server,
                "v2/oauth2",
                &[
                    ("action", "getdemoaccess"),
                    ("client_id", server.client_id()),
                    ("nonce", &nonce),
                    ("signature", &signature),
                    ("scope_oauth2", "user.metrics,user.activity"),
                ],
                None,
            )
            .await
        }
    };
    let secret = server.client_secret().to_owned();
    let first = nonce(&server).await;
    let answer = demo_access(first.clone(), secret.clone()).await;
    assert_eq!(answer["status"], 0, "{answer}");
    assert_eq!(
        keys(&answer["body"]),
        ["access_token", "expires_in", "refresh_token"]
            .map(String::from)
            .into()
    );
    let access = answer["body"]["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    assert_eq!(
        call(&server, "measure", &[("action", "getmeas")], Some(&access)).await["status"],
        0
    );

    let reused = demo_access(first, secret.clone()).await;
    assert_eq!(
        reused,
        json!({"status": 503, "body": {}, "error": "Invalid Params: invalid nonce"})
    );

    let wrong = demo_access(nonce(&server).await, "not-the-secret".into()).await;
    assert_eq!(wrong["status"], 342);

    let stale = nonce(&server).await;
    server.clock().advance(Duration::from_secs(30 * 60));
    assert_eq!(demo_access(stale, secret).await["status"], 503);
}

#[tokio::test]
async fn codes_are_single_use_bound_and_expire_after_30_seconds() {
    let server = server().await;
    let code = authorize(&server, ALL_SCOPES).await;
    let answer = exchange(&server, &code).await;
    assert_eq!(answer["status"], 0, "{answer}");
    let body = &answer["body"];
    assert_eq!(body["userid"], json!(server.userid()));
    assert!(body["userid"].is_string());
    assert_eq!(body["expires_in"], 10800);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], ALL_SCOPES);

    let again = raw(
        &server,
        "v2/oauth2",
        &[
            ("action", "requesttoken"),
            ("grant_type", "authorization_code"),
            ("client_id", server.client_id()),
            ("client_secret", server.client_secret()),
            ("code", &code),
            ("redirect_uri", CALLBACK),
        ],
        None,
    )
    .await
    .text()
    .await
    .expect("text");
    assert_eq!(
        again,
        r#"{"status":503,"body":{},"error":"Invalid Params: invalid code"}"#
    );
    assert_eq!(again.len(), 63, "the length seen in real responses");

    let late = authorize(&server, ALL_SCOPES).await;
    server.clock().advance(Duration::from_secs(31));
    assert_eq!(exchange(&server, &late).await["status"], 503);

    // The signature variant of the exchange.
    let code = authorize(&server, "user.metrics").await;
    let nonce = nonce(&server).await;
    let signature = sign(
        server.client_secret(),
        "requesttoken",
        server.client_id(),
        &nonce,
    );
    let answer = call(
        &server,
        "v2/oauth2",
        &[
            ("action", "requesttoken"),
            ("grant_type", "authorization_code"),
            ("client_id", server.client_id()),
            ("nonce", &nonce),
            ("signature", &signature),
            ("code", &code),
            ("redirect_uri", CALLBACK),
        ],
        None,
    )
    .await;
    assert_eq!(answer["status"], 0, "{answer}");
    assert_eq!(answer["body"]["scope"], "user.metrics");

    // A code is bound to its callback.
    let code = authorize(&server, ALL_SCOPES).await;
    let answer = call(
        &server,
        "v2/oauth2",
        &[
            ("action", "requesttoken"),
            ("grant_type", "authorization_code"),
            ("client_id", server.client_id()),
            ("client_secret", server.client_secret()),
            ("code", &code),
            ("redirect_uri", "http://127.0.0.1:9999/other"),
        ],
        None,
    )
    .await;
    assert_eq!(answer["status"], 503);

    // Unregistered callbacks never get a code.
    let response = http()
        .get(server.authorize_url())
        .query(&[
            ("response_type", "code"),
            ("client_id", server.client_id()),
            ("scope", ALL_SCOPES),
            ("redirect_uri", "https://attacker.example/cb"),
            ("state", "s"),
        ])
        .send()
        .await
        .expect("authorize");
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn the_token_endpoint_wants_a_post_body() {
    let server = server().await;
    let url = format!("{}/v2/oauth2", server.api_base_url());
    let answer: Value = http()
        .get(url)
        .query(&[
            ("action", "requesttoken"),
            ("grant_type", "refresh_token"),
            ("client_id", server.client_id()),
            ("client_secret", server.client_secret()),
            ("refresh_token", "x"),
        ])
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(answer["error"], "Invalid Params: invalid grant_type");
}

#[tokio::test]
async fn access_tokens_expire_after_three_hours() {
    let server = server().await;
    let (access, _) = tokens(&server).await;
    assert_eq!(devices(&server, &access).await["status"], 0);
    server.clock().advance(Duration::from_secs(3 * 3600 - 5));
    assert_eq!(devices(&server, &access).await["status"], 0);
    server.clock().advance(Duration::from_secs(5));
    assert_eq!(
        devices(&server, &access).await,
        json!({"status": 401, "body": {}, "error": INVALID_TOKEN_MESSAGE})
    );
}

#[tokio::test]
async fn the_old_refresh_token_works_until_the_new_access_token_is_used() {
    let server = server().await;
    let (first_access, first_refresh) = tokens(&server).await;
    let rotated = refresh(&server, &first_refresh).await;
    assert_eq!(rotated["status"], 0, "{rotated}");
    let new_access = rotated["body"]["access_token"]
        .as_str()
        .expect("access")
        .to_owned();
    let new_refresh = rotated["body"]["refresh_token"]
        .as_str()
        .expect("refresh")
        .to_owned();
    assert_ne!(new_refresh, first_refresh);

    // The old access token lives on, and using it does not retire anything.
    assert_eq!(devices(&server, &first_access).await["status"], 0);
    let again = refresh(&server, &first_refresh).await;
    assert_eq!(
        again["status"], 0,
        "still valid before the new token is used"
    );

    assert_eq!(devices(&server, &new_access).await["status"], 0);
    assert_eq!(
        refresh(&server, &first_refresh).await,
        json!({"status": 503, "body": {}, "error": "Invalid Params: invalid token"})
    );
    assert_eq!(refresh(&server, &new_refresh).await["status"], 0);
}

#[tokio::test]
async fn the_old_refresh_token_dies_eight_hours_after_rotation() {
    let server = server().await;
    let (_, first_refresh) = tokens(&server).await;
    let rotated = refresh(&server, &first_refresh).await;
    let new_refresh = rotated["body"]["refresh_token"]
        .as_str()
        .expect("refresh")
        .to_owned();
    server.clock().advance(Duration::from_secs(8 * 3600 + 1));
    assert_eq!(refresh(&server, &first_refresh).await["status"], 503);
    assert_eq!(refresh(&server, &new_refresh).await["status"], 0);
}

#[tokio::test]
async fn revoke_invalidates_access_and_refresh_tokens() {
    let server = server().await;
    let (access, refresh_token) = tokens(&server).await;
    let revoke = |userid: String| {
        let server = &server;
        async move {
            let nonce = nonce(server).await;
            let signature = sign(server.client_secret(), "revoke", server.client_id(), &nonce);
            call(
                server,
                "v2/oauth2",
                &[
                    ("action", "revoke"),
                    ("client_id", server.client_id()),
                    ("nonce", &nonce),
                    ("signature", &signature),
                    ("userid", &userid),
                ],
                None,
            )
            .await
        }
    };
    assert_eq!(revoke("1".into()).await["status"], 247);
    assert_eq!(
        revoke(server.userid()).await,
        json!({"status": 0, "body": {}})
    );
    assert_eq!(devices(&server, &access).await["status"], 401);
    assert_eq!(refresh(&server, &refresh_token).await["status"], 503);
}

#[tokio::test]
async fn getmeas_pages_cover_every_group_once_with_an_integer_more() {
    let server = server_with(|c| c.with_page_size(100)).await;
    let access = server.issue_tokens(ALL_SCOPES).access_token;
    let mut seen = Vec::new();
    let mut offset = 0;
    let mut pages = 0;
    loop {
        let offset_text = offset.to_string();
        let answer = call(
            &server,
            "measure",
            &[("action", "getmeas"), ("offset", &offset_text)],
            Some(&access),
        )
        .await;
        assert_eq!(answer["status"], 0);
        let body = &answer["body"];
        assert_eq!(body["timezone"], "Europe/Paris");
        assert!(body["updatetime"].is_i64());
        pages += 1;
        let groups = body["measuregrps"].as_array().expect("groups");
        assert!(groups.len() <= 100);
        seen.extend(groups.iter().map(|g| g["grpid"].as_i64().expect("grpid")));
        assert!(
            groups
                .iter()
                .all(|g| g.get("modelid").is_some() && g.get("model_id").is_none())
        );
        match body["more"].as_i64().expect("more is an integer") {
            1 => offset = body["offset"].as_i64().expect("offset"),
            0 => break,
            other => panic!("more = {other}"),
        }
    }
    let demo = server.demo();
    assert!(pages > 2);
    assert_eq!(seen.len(), demo.measure_groups.len());
    assert_eq!(
        seen.iter().collect::<BTreeSet<_>>().len(),
        seen.len(),
        "no group twice"
    );
    let dates: Vec<i64> = demo.measure_groups.iter().rev().map(|g| g.date).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first");

    // One page: neither `more` nor `offset`, as in the real fixture.
    let from = paris_midnight(date(2025, 6, 1)).to_string();
    let to = paris_midnight(date(2025, 6, 8)).to_string();
    let answer = call(
        &server,
        "measure",
        &[
            ("action", "getmeas"),
            ("startdate", &from),
            ("enddate", &to),
            ("meastypes", "1,6"),
        ],
        Some(&access),
    )
    .await;
    let body = &answer["body"];
    assert!(body.get("more").is_none() && body.get("offset").is_none());
    let groups = body["measuregrps"].as_array().expect("groups");
    assert!(!groups.is_empty());
    for group in groups {
        let date = group["date"].as_i64().expect("date");
        assert!((from.parse::<i64>().unwrap_or(0)..=to.parse().unwrap_or(0)).contains(&date));
        for measure in group["measures"].as_array().expect("measures") {
            assert!([1, 6].contains(&measure["type"].as_i64().expect("type")));
            if measure["type"] == 6 {
                assert!(measure.get("algo").is_none() && measure.get("fm").is_none());
            }
        }
    }
}

#[tokio::test]
async fn lastupdate_keeps_only_recent_changes() {
    let server = server().await;
    let access = server.issue_tokens(ALL_SCOPES).access_token;
    let demo = server.demo();
    let since = demo.measure_groups[demo.measure_groups.len() - 20].modified;
    let since_text = since.to_string();
    let answer = call(
        &server,
        "measure",
        &[("action", "getmeas"), ("lastupdate", &since_text)],
        Some(&access),
    )
    .await;
    let groups = answer["body"]["measuregrps"]
        .as_array()
        .expect("groups")
        .clone();
    let expected = demo
        .measure_groups
        .iter()
        .filter(|g| g.modified >= since)
        .count();
    assert_eq!(groups.len(), expected);
    assert!(
        groups
            .iter()
            .all(|g| g["modified"].as_i64().unwrap_or(0) >= since)
    );

    let since = paris_midnight(date(2025, 6, 20)).to_string();
    let answer = call(
        &server,
        "v2/measure",
        &[("action", "getactivity"), ("lastupdate", &since)],
        Some(&access),
    )
    .await;
    let days = answer["body"]["activities"].as_array().expect("days");
    assert!(!days.is_empty() && days.len() < 15);
}

#[tokio::test]
async fn v2_lists_have_a_boolean_more_and_honour_ymd_ranges() {
    let server = server_with(|c| c.with_page_size(50)).await;
    let access = server.issue_tokens(ALL_SCOPES).access_token;
    let answer = call(
        &server,
        "v2/measure",
        &[("action", "getactivity")],
        Some(&access),
    )
    .await;
    assert_eq!(answer["body"]["more"], json!(true));
    assert_eq!(answer["body"]["offset"], json!(50));

    let range = [("startdateymd", "2025-06-01"), ("enddateymd", "2025-06-14")];
    let demo = server.demo();
    let inside = |d: Date| (date(2025, 6, 1)..=date(2025, 6, 14)).contains(&d);
    for (path, action, list, expected) in [
        (
            "v2/measure",
            "getactivity",
            "activities",
            demo.activities.iter().filter(|a| inside(a.date)).count(),
        ),
        (
            "v2/measure",
            "getworkouts",
            "series",
            demo.workouts.iter().filter(|w| inside(w.date)).count(),
        ),
        (
            "v2/sleep",
            "getsummary",
            "series",
            demo.nights.iter().filter(|n| inside(n.date)).count(),
        ),
    ] {
        let mut params = vec![("action", action)];
        params.extend(range);
        let answer = call(&server, path, &params, Some(&access)).await;
        assert_eq!(answer["status"], 0);
        assert_eq!(answer["body"]["more"], json!(false), "{action}");
        let items = answer["body"][list].as_array().expect("items");
        assert_eq!(items.len(), expected, "{action}");
        assert!(expected > 0, "{action}");
        for item in items {
            let day: Date = item["date"]
                .as_str()
                .expect("date")
                .parse()
                .expect("a date");
            assert!(inside(day), "{action}: {day}");
            assert!(item["timezone"].is_string());
        }
    }
}

#[tokio::test]
async fn sleep_summaries_honour_data_fields() {
    let server = server().await;
    let access = server.issue_tokens(ALL_SCOPES).access_token;
    let summary = |fields: Option<&'static str>| {
        let (server, access) = (&server, access.clone());
        async move {
            let mut params = vec![
                ("action", "getsummary"),
                ("startdateymd", "2025-06-20"),
                ("enddateymd", "2025-06-29"),
            ];
            if let Some(fields) = fields {
                params.push(("data_fields", fields));
            }
            let answer = call(server, "v2/sleep", &params, Some(&access)).await;
            answer["body"]["series"].as_array().expect("series").clone()
        }
    };
    let defaults: BTreeSet<String> = DEFAULT_SUMMARY_FIELDS
        .iter()
        .map(|f| f.to_string())
        .collect();
    let nights = summary(None).await;
    assert!(!nights.is_empty());
    for night in &nights {
        assert_eq!(keys(&night["data"]), defaults);
        let data = &night["data"];
        let asleep = data["lightsleepduration"].as_i64().unwrap_or(0)
            + data["deepsleepduration"].as_i64().unwrap_or(0)
            + data["remsleepduration"].as_i64().unwrap_or(0);
        assert_eq!(data["total_sleep_time"].as_i64(), Some(asleep));
        assert_eq!(
            data["total_timeinbed"].as_i64(),
            Some(night["enddate"].as_i64().unwrap_or(0) - night["startdate"].as_i64().unwrap_or(0))
        );
    }
    for night in summary(Some("hr_average,sleep_score,not_a_field")).await {
        assert_eq!(
            keys(&night["data"]),
            ["hr_average", "sleep_score"].map(String::from).into()
        );
        let score = night["data"]["sleep_score"].as_i64().expect("score");
        assert!((40..=95).contains(&score));
    }
}

#[tokio::test]
async fn intraday_windows_are_cut_to_24_hours_and_add_up_to_the_day() {
    let server = server().await;
    let access = server.issue_tokens(ALL_SCOPES).access_token;
    let demo = server.demo();
    let day = demo
        .activities
        .iter()
        .rev()
        .find(|a| a.timezone == "Europe/Paris" && a.date < END)
        .expect("a recent day at home");
    let start = paris_midnight(day.date);
    let (from, to) = (start.to_string(), (start + 3 * 86_400).to_string());
    let answer = call(
        &server,
        "v2/measure",
        &[
            ("action", "getintradayactivity"),
            ("startdate", &from),
            ("enddate", &to),
        ],
        Some(&access),
    )
    .await;
    let series = answer["body"]["series"]
        .as_object()
        .expect("a map of minutes");
    let times: Vec<i64> = series
        .keys()
        .map(|k| k.parse().expect("unix time"))
        .collect();
    assert!(times.iter().all(|t| (start..=start + 86_400).contains(t)));
    let steps: i64 = series
        .iter()
        .filter(|(k, _)| k.parse::<i64>().unwrap_or(0) < start + 86_400)
        .filter_map(|(_, v)| v["steps"].as_i64())
        .sum();
    assert_eq!(steps, day.steps);
    let sample = series.values().next().expect("a minute");
    assert_eq!(sample["model"], "ScanWatch");
    assert_eq!(sample["model_id"], 93);

    let answer = call(
        &server,
        "v2/measure",
        &[
            ("action", "getintradayactivity"),
            ("startdate", &from),
            ("enddate", &to),
            ("data_fields", "heart_rate"),
        ],
        Some(&access),
    )
    .await;
    for minute in answer["body"]["series"]
        .as_object()
        .expect("minutes")
        .values()
    {
        assert_eq!(
            keys(minute),
            ["deviceid", "heart_rate", "model", "model_id"]
                .map(String::from)
                .into()
        );
    }
}

#[tokio::test]
async fn sleep_detail_covers_up_to_seven_days_with_the_requested_signals() {
    let server = server().await;
    let access = server.issue_tokens(ALL_SCOPES).access_token;
    let start = paris_midnight(date(2025, 6, 10));
    let (from, to) = (start.to_string(), (start + 10 * 86_400).to_string());
    let answer = call(
        &server,
        "v2/sleep",
        &[
            ("action", "get"),
            ("startdate", &from),
            ("enddate", &to),
            ("data_fields", "hr,rr,snoring,rmssd"),
        ],
        Some(&access),
    )
    .await;
    let series = answer["body"]["series"].as_array().expect("an array");
    assert!(!series.is_empty());
    assert!(
        series
            .iter()
            .all(|s| s["startdate"].as_i64().unwrap_or(0) < start + 7 * 86_400)
    );
    assert!(
        series
            .iter()
            .any(|s| s["hr"].is_object() && s["rr"].is_object())
    );
    assert!(answer["body"]["model"].is_i64());

    let answer = call(
        &server,
        "v2/sleep",
        &[("action", "get"), ("startdate", &from), ("enddate", &to)],
        Some(&access),
    )
    .await;
    for segment in answer["body"]["series"].as_array().expect("an array") {
        assert_eq!(
            keys(segment),
            [
                "enddate",
                "hash_deviceid",
                "model",
                "model_id",
                "startdate",
                "state"
            ]
            .map(String::from)
            .into()
        );
    }
}

#[tokio::test]
async fn heart_user_and_dispatch() {
    let server = server().await;
    let access = server.issue_tokens(ALL_SCOPES).access_token;
    let list = call(&server, "v2/heart", &[("action", "list")], Some(&access)).await;
    let records = list["body"]["series"].as_array().expect("records");
    assert_eq!(records.len(), server.demo().ecgs.len());
    assert!(
        records
            .iter()
            .any(|r| r["bloodpressure"].is_object() && r["model"] == 44)
    );
    assert!(
        records
            .iter()
            .any(|r| r.get("bloodpressure").is_none() && r["model"] == 93)
    );
    for record in records.iter().take(2) {
        let signalid = record["ecg"]["signalid"].to_string();
        let ecg = call(
            &server,
            "v2/heart",
            &[("action", "get"), ("signalid", &signalid)],
            Some(&access),
        )
        .await;
        let body = &ecg["body"];
        let samples = body["signal"].as_array().expect("signal").len() as i64;
        let rate = body["sampling_frequency"].as_i64().expect("rate");
        assert!(samples == rate * 30 || samples == rate * 20);
    }

    let devices = devices(&server, &access).await;
    let devices = devices["body"]["devices"]
        .as_array()
        .expect("devices")
        .clone();
    assert_eq!(devices.len(), 4);
    assert!(
        devices
            .iter()
            .any(|d| d["type"] == "Sleep Monitor" && d["model"] == "")
    );
    let goals = call(&server, "v2/user", &[("action", "getgoals")], Some(&access)).await;
    assert_eq!(goals["body"]["goals"]["steps"], 10000);
    assert_eq!(goals["body"]["goals"]["weight"]["unit"], -3);

    // The legacy token parameter in a GET query string.
    let legacy: Value = http()
        .get(format!("{}/v2/user", server.api_base_url()))
        .query(&[("action", "getgoals"), ("access_token", access.as_str())])
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(legacy["status"], 0);

    let unknown = call(
        &server,
        "measure",
        &[("action", "getmeasure")],
        Some(&access),
    )
    .await;
    assert_eq!(unknown["status"], 2554);
    let activity_only = server.issue_tokens("user.activity").access_token;
    let denied = call(
        &server,
        "measure",
        &[("action", "getmeas")],
        Some(&activity_only),
    )
    .await;
    assert_eq!(denied["status"], 214);
    let no_token = call(&server, "measure", &[("action", "getmeas")], None).await;
    assert_eq!(no_token["status"], 401);
}

#[tokio::test]
async fn faults_are_injected_on_demand() {
    let server = server().await;
    let access = server.issue_tokens(ALL_SCOPES).access_token;
    let goals = || call(&server, "v2/user", &[("action", "getgoals")], Some(&access));

    server.faults().inject(Fault::status(522).times(2));
    assert_eq!(goals().await["status"], 522);
    assert_eq!(goals().await["status"], 522);
    assert_eq!(goals().await["status"], 0);

    let id = server
        .faults()
        .inject(Fault::status(2555).on_action("getmeas"));
    for _ in 0..3 {
        let answer = call(&server, "measure", &[("action", "getmeas")], Some(&access)).await;
        assert_eq!(answer["status"], 2555);
    }
    assert_eq!(goals().await["status"], 0);
    assert!(server.faults().remove(id));

    server.faults().inject(Fault::too_many_requests(188).once());
    assert_eq!(
        goals().await,
        json!({"status": 601, "body": {"wait_seconds": 188}, "error": "Too Many Request"})
    );

    server.faults().inject(Fault::non_json().once());
    let response = raw(&server, "v2/user", &[("action", "getgoals")], Some(&access)).await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap_or("")
            .starts_with("text/html")
    );
    let text = response.text().await.expect("text");
    assert!(serde_json::from_str::<Value>(&text).is_err());

    server
        .faults()
        .inject(Fault::http(500).on_path("/v2/user").once());
    let response = raw(&server, "v2/user", &[("action", "getgoals")], Some(&access)).await;
    assert_eq!(response.status(), 500);

    server
        .faults()
        .inject(Fault::delay(Duration::from_millis(150)).once());
    let started = Instant::now();
    assert_eq!(goals().await["status"], 0);
    assert!(started.elapsed() >= Duration::from_millis(150));
    assert_eq!(server.faults().pending(), 0);
}

#[tokio::test]
async fn the_per_minute_limit_answers_601_with_a_wait() {
    let server = server_with(|c| FakeConfig {
        rate_limit_per_minute: Some(3),
        ..c
    })
    .await;
    let access = server.issue_tokens(ALL_SCOPES).access_token;
    for _ in 0..3 {
        assert_eq!(devices(&server, &access).await["status"], 0);
    }
    let limited = devices(&server, &access).await;
    assert_eq!(limited["status"], 601);
    let wait = limited["body"]["wait_seconds"]
        .as_i64()
        .expect("wait_seconds");
    assert!((1..=60).contains(&wait));
    server.clock().advance(Duration::from_secs(61));
    assert_eq!(devices(&server, &access).await["status"], 0);
}

#[tokio::test]
async fn requests_are_counted_per_action() {
    let server = server().await;
    let access = server.issue_tokens(ALL_SCOPES).access_token;
    for _ in 0..3 {
        call(&server, "measure", &[("action", "getmeas")], Some(&access)).await;
    }
    call(
        &server,
        "measure",
        &[("action", "getmeas")],
        Some("expired"),
    )
    .await;
    devices(&server, &access).await;
    let stats = server.stats();
    assert_eq!(stats.count("measure/getmeas"), 4);
    assert_eq!(stats.failures_of("measure/getmeas"), 1);
    assert_eq!(stats.count("v2/user/getdevice"), 1);
    assert_eq!(stats.total, 5);

    let served: Value = http()
        .get(format!("{}/__stats", server.api_base_url()))
        .send()
        .await
        .expect("stats")
        .json()
        .await
        .expect("json");
    assert_eq!(served["by_action"]["measure/getmeas"], 4);
    assert_eq!(served["total"], 5, "reading the stats is not counted");
}

async fn getmeas_text(server: &FakeServer) -> String {
    let access = server.issue_tokens(ALL_SCOPES).access_token;
    raw(server, "measure", &[("action", "getmeas")], Some(&access))
        .await
        .text()
        .await
        .expect("text")
}

#[tokio::test]
async fn the_demo_is_a_function_of_seed_and_end_date() {
    let first = DemoAccount::generate(7, Some(END), 800).expect("demo");
    let second = DemoAccount::generate(7, Some(END), 800).expect("demo");
    assert_eq!(first.measure_groups, second.measure_groups);
    assert_eq!(first.activities, second.activities);
    assert_eq!(first.workouts, second.workouts);
    assert_eq!(first.nights, second.nights);
    assert_eq!(first.ecgs, second.ecgs);
    let day = first.activities[first.activities.len() - 3].date;
    assert_eq!(first.intraday(day), second.intraday(day));

    let a = server_with(|c| c.with_seed(7)).await;
    let b = server_with(|c| c.with_seed(7)).await;
    let c = server_with(|c| c.with_seed(8)).await;
    let (a, b, c) = (
        getmeas_text(&a).await,
        getmeas_text(&b).await,
        getmeas_text(&c).await,
    );
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[tokio::test]
async fn the_demo_account_has_what_clients_must_handle() {
    let server = server().await;
    let demo = server.demo();
    assert!(
        demo.activities.len() >= 730,
        "{} days",
        demo.activities.len()
    );
    assert_eq!(demo.last_day, END);

    let active: BTreeSet<Date> = demo.activities.iter().map(|a| a.date).collect();
    let missing = demo
        .activities
        .windows(2)
        .filter(|w| {
            w[1].date
                .since(w[0].date)
                .map(|s| s.get_days())
                .unwrap_or(0)
                > 3
        })
        .count();
    assert!(missing >= 1, "a multi-day gap");
    assert!(active.len() < 800);
    assert!(demo.measure_groups.iter().any(|g| g.category == 2));
    assert!(demo.measure_groups.iter().any(|g| g.attrib == 1));
    assert!(
        demo.measure_groups
            .iter()
            .any(|g| g.measures.iter().any(|m| m.kind == 9))
    );
    assert!(
        demo.activities.iter().any(|a| a.timezone != "Europe/Paris"),
        "per-record zones"
    );

    let paris = TimeZone::get("Europe/Paris").expect("tzdata");
    let offsets: BTreeSet<i32> = demo
        .measure_groups
        .iter()
        .map(|g| {
            let at = jiff::Timestamp::from_second(g.date).expect("a time");
            paris.to_offset(at).seconds()
        })
        .collect();
    assert_eq!(offsets.len(), 2, "winter and summer time");

    let recent = demo.nights.iter().rev().take(7).collect::<Vec<_>>();
    assert_eq!(recent.len(), 7);
    for night in recent {
        let segment = night.segments[1];
        let at = segment.startdate;
        assert!(night.sample("hr", &segment, at).is_some(), "sleep detail");
    }
}

#[test]
fn the_command_rejects_unknown_flags() {
    let code = delx_withings::fake::run_cli(vec!["--no-such-flag".into()]);
    assert_eq!(
        format!("{code:?}"),
        format!("{:?}", std::process::ExitCode::from(2))
    );
}

#[tokio::test]
async fn control_routes_drive_a_fake_in_another_process() {
    let server = server().await;
    let access = server.issue_tokens(ALL_SCOPES).access_token;
    let base = server.api_base_url();
    let injected: Value = http()
        .post(format!("{base}/__faults"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&[(
            "spec",
            "status=601,wait=12,action=getgoals,times=1",
        )]))
        .send()
        .await
        .expect("inject")
        .json()
        .await
        .expect("json");
    assert_eq!(injected["pending"], 1);
    let goals = call(&server, "v2/user", &[("action", "getgoals")], Some(&access)).await;
    assert_eq!(goals["body"]["wait_seconds"], 12);

    let moved: Value = http()
        .post(format!("{base}/__clock?advance=10800"))
        .send()
        .await
        .expect("clock")
        .json()
        .await
        .expect("json");
    assert_eq!(moved["offset_seconds"], 10800);
    let goals = call(&server, "v2/user", &[("action", "getgoals")], Some(&access)).await;
    assert_eq!(goals["status"], 401, "the token expired with the clock");

    let reset: Value = http()
        .delete(format!("{base}/__stats"))
        .send()
        .await
        .expect("reset")
        .json()
        .await
        .expect("json");
    assert_eq!(reset["total"], 0);
}

#[tokio::test]
async fn refresh_with_a_signature_and_repeated_requests() {
    let server = server_with(|c| FakeConfig {
        reject_repeated_requests: true,
        ..c
    })
    .await;
    let (_, refresh_token) = tokens(&server).await;
    let nonce = nonce(&server).await;
    let signature = sign(
        server.client_secret(),
        "requesttoken",
        server.client_id(),
        &nonce,
    );
    let answer = call(
        &server,
        "v2/oauth2",
        &[
            ("action", "requesttoken"),
            ("grant_type", "refresh_token"),
            ("client_id", server.client_id()),
            ("nonce", &nonce),
            ("signature", &signature),
            ("refresh_token", &refresh_token),
        ],
        None,
    )
    .await;
    assert_eq!(answer["status"], 0, "{answer}");
    let access = answer["body"]["access_token"]
        .as_str()
        .expect("access")
        .to_owned();

    assert_eq!(devices(&server, &access).await["status"], 0);
    let repeated = devices(&server, &access).await;
    assert_eq!(repeated["status"], 601);
    assert_eq!(repeated["error"], "Same arguments in less than 10 seconds");
    server.clock().advance(Duration::from_secs(10));
    assert_eq!(devices(&server, &access).await["status"], 0);
}

/// A weigh-in through the control route, as a test in another process would.
async fn weigh_in(base: &str, kg: &str) -> Value {
    http()
        .post(format!("{base}/__weigh_in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&[("kg", kg)]))
        .send()
        .await
        .expect("weigh in")
        .json()
        .await
        .expect("json")
}

#[tokio::test]
async fn a_weigh_in_is_new_data_for_this_server_only() {
    let neighbour = server().await;
    let server = server().await;
    let access = server.issue_tokens(ALL_SCOPES).access_token;
    let getmeas = [("action", "getmeas")];
    let before = call(&server, "measure", &getmeas, Some(&access)).await;
    let newest_before = before["body"]["measuregrps"][0]["grpid"].as_i64().unwrap();
    let generated = server.demo().measure_groups.len();

    let base = server.api_base_url();
    let asked = server.clock().now();
    let weighed = weigh_in(&base, "81.25").await;
    let grpid = weighed["grpid"].as_i64().expect("grpid");
    let date = weighed["date"].as_i64().expect("date");
    assert!(grpid > newest_before, "a new group has the largest id");
    assert!(
        (asked..=server.clock().now()).contains(&date),
        "weighed in now, by the fake's clock"
    );

    let after = call(&server, "measure", &getmeas, Some(&access)).await;
    let newest = &after["body"]["measuregrps"][0];
    assert_eq!(newest["grpid"], grpid, "newest first: {newest}");
    assert_eq!(newest["category"], 1);
    assert_eq!(newest["attrib"], 0);
    assert_eq!(newest["measures"][0]["type"], 1);
    assert_eq!(newest["measures"][0]["value"], 81_250);
    assert_eq!(newest["measures"][0]["unit"], -3);
    assert!(
        newest["deviceid"].is_string(),
        "the scale took it: {newest}"
    );
    assert_eq!(after["body"]["updatetime"], date, "the account changed now");
    assert_eq!(server.demo().measure_groups.len(), generated + 1);

    // An incremental reader sees it as the one change.
    let since = date.to_string();
    let changed = call(
        &server,
        "measure",
        &[("action", "getmeas"), ("lastupdate", &since)],
        Some(&access),
    )
    .await;
    let groups = changed["body"]["measuregrps"].as_array().expect("groups");
    assert_eq!(groups.len(), 1, "{changed}");
    assert_eq!(groups[0]["grpid"], grpid);

    // A server over the same pinned account keeps the generated data.
    assert_eq!(neighbour.demo().measure_groups.len(), generated);

    // Nonsense is refused with the reason, and records nothing.
    for kg in ["", "heavy", "0.5", "NaN", "inf", "900"] {
        let refused = weigh_in(&base, kg).await;
        let error = refused["error"].as_str().unwrap_or_default();
        assert!(error.contains("kg"), "kg={kg}: {refused}");
    }
    assert!(server.weigh_in(f64::NAN).is_err());
    assert_eq!(server.demo().measure_groups.len(), generated + 1);
}
