//! The local cache through the real binary, counted with the fake API's request
//! counter: hits cost nothing upstream, expiry and `refresh` cost one request,
//! stale answers stand in only when Withings fails and say so, two servers share a
//! home, revoke and `cache clear` empty it.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use delx_withings::fake::{FakeConfig, Fault};
use rmcp::model::CallToolResult;
use serde_json::{Value, json};
use support::withings::{ALL_SCOPES, Session, fake_env, text};

const ACTIVITY: &str = "v2/measure/getactivity";

fn past_window() -> Value {
    json!({"after": "2026-06-01", "before": "2026-06-14", "response_format": "json"})
}

async fn session(extra: &[(&str, &str)]) -> Session {
    let end: jiff::civil::Date = "2026-06-30".parse().unwrap();
    let extra: BTreeMap<String, String> = extra
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    Session::start(
        FakeConfig::default().with_end_date(end),
        Some(ALL_SCOPES),
        extra,
    )
    .await
}

fn cache_meta(result: &CallToolResult) -> Option<Value> {
    result
        .meta
        .as_ref()
        .and_then(|meta| meta.0.get("delx/cache").cloned())
}

#[tokio::test]
async fn a_repeated_call_is_answered_locally_and_says_so() {
    let session = session(&[]).await;
    let first = session.call("withings_list_activity", past_window()).await;
    assert_eq!(first.is_error, Some(false), "{}", text(&first));
    assert!(
        cache_meta(&first).is_none(),
        "a live answer claims the cache"
    );

    session.fake.reset_stats();
    let second = session.call("withings_list_activity", past_window()).await;
    assert_eq!(session.fake.stats().total, 0, "{:?}", session.fake.stats());
    assert_eq!(second.structured_content, first.structured_content);
    let meta = cache_meta(&second).expect("cache metadata");
    assert_eq!(meta["stale"], false);
    assert!(meta["cached"].as_u64().unwrap() >= 1);
    assert!(meta["oldest_cached_at"].as_i64().is_some());

    // `refresh: true` asks Withings again, once.
    let refreshed = session
        .call(
            "withings_list_activity",
            json!({"after": "2026-06-01", "before": "2026-06-14", "refresh": true}),
        )
        .await;
    assert_eq!(refreshed.is_error, Some(false), "{}", text(&refreshed));
    assert_eq!(session.fake.stats().count(ACTIVITY), 1);
    assert!(cache_meta(&refreshed).is_none());

    // Markdown says when an answer came from the cache.
    let shown = session
        .call(
            "withings_list_activity",
            json!({"after": "2026-06-01", "before": "2026-06-14"}),
        )
        .await;
    assert!(text(&shown).contains("cache"), "{}", text(&shown));

    // The status counts what happened.
    let status = session
        .ok("withings_cache_status", json!({"response_format": "json"}))
        .await;
    assert_eq!(status["mode"]["mode"], "disk", "{status}");
    assert!(status["entries"].as_u64().unwrap() >= 1, "{status}");
    assert!(status["hits"].as_u64().unwrap() >= 2, "{status}");
}

#[tokio::test]
async fn expiry_costs_one_request_and_a_stale_answer_covers_an_outage() {
    let session = session(&[("WITHINGS_CACHE_MAX_AGE", "1")]).await;
    session.ok("withings_list_activity", past_window()).await;
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    session.fake.reset_stats();
    session.ok("withings_list_activity", past_window()).await;
    assert_eq!(session.fake.stats().count(ACTIVITY), 1);

    // Withings down: the expired entry answers, flagged stale.
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    session
        .fake
        .faults()
        .inject(Fault::http(503).on_action("getactivity"));
    let stale = session.call("withings_list_activity", past_window()).await;
    assert_eq!(stale.is_error, Some(false), "{}", text(&stale));
    assert_eq!(cache_meta(&stale).expect("metadata")["stale"], true);

    // Nothing stored for this window: the error stands.
    let missing = session
        .call(
            "withings_list_activity",
            json!({"after": "2026-05-01", "before": "2026-05-03"}),
        )
        .await;
    assert_eq!(missing.is_error, Some(true), "{}", text(&missing));
}

#[tokio::test]
async fn a_second_server_on_the_same_home_works_from_memory() {
    let session = session(&[]).await;
    session.ok("withings_list_activity", past_window()).await;

    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_withings-mcp"));
    command
        .env_clear()
        .env("HOME", session.home.path())
        .envs(fake_env(&session.fake));
    let second = support::serve_stdio((), command).await;
    let call = support::tool_call;
    let listed = second
        .call_tool(call("withings_list_activity", past_window()))
        .await
        .expect("call");
    assert_eq!(listed.is_error, Some(false), "{}", text(&listed));
    let status = second
        .call_tool(call(
            "withings_cache_status",
            json!({"response_format": "json"}),
        ))
        .await
        .expect("call");
    let status = status.structured_content.expect("status");
    assert_eq!(status["mode"]["mode"], "memory", "{status}");
    // The first server still serves, from its disk cache.
    session.fake.reset_stats();
    session.ok("withings_list_activity", past_window()).await;
    assert_eq!(session.fake.stats().total, 0);
    second.cancel().await.ok();
}

#[tokio::test]
async fn revoke_purges_the_account_and_cache_clear_empties_the_rest() {
    let session = session(&[]).await;
    session.ok("withings_list_activity", past_window()).await;
    let report = session
        .ok(
            "withings_revoke_access",
            json!({"explicit_user_intent": true, "response_format": "json"}),
        )
        .await;
    assert!(
        report["cache_entries_removed"].as_u64().unwrap() >= 1,
        "{report}"
    );
    let status = session
        .ok("withings_cache_status", json!({"response_format": "json"}))
        .await;
    assert_eq!(status["entries"], 0, "{status}");
}

#[tokio::test]
async fn cache_clear_refuses_while_a_server_holds_the_cache_then_clears() {
    let session = session(&[]).await;
    session.ok("withings_list_activity", past_window()).await;
    let home = session.home.path().to_owned();
    let env = fake_env(&session.fake);
    let cli = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_withings-mcp"))
            .args(args)
            .env_clear()
            .env("HOME", &home)
            .envs(&env)
            .output()
            .expect("run withings-mcp")
    };
    // doctor sees that another process holds the cache.
    let doctor = String::from_utf8_lossy(&cli(&["doctor"]).stdout).into_owned();
    assert!(doctor.contains("Cache: in memory only"), "{doctor}");
    let busy = cli(&["cache", "clear"]);
    assert_eq!(busy.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&busy.stderr).contains("Quit the MCP clients"));

    let Session {
        client,
        fake,
        home: dir,
    } = session;
    client.cancel().await.ok();
    // The server exits once its stdin closes; give it a moment to release the lock.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let doctor = String::from_utf8_lossy(&cli(&["doctor"]).stdout).into_owned();
    assert!(
        doctor.contains("Cache: on disk at ~/.withings-mcp/cache"),
        "{doctor}"
    );
    let status = cli(&["cache", "status", "--json"]);
    let status: Value = serde_json::from_slice(&status.stdout).expect("status JSON");
    assert!(status["entries"].as_u64().unwrap() >= 1, "{status}");
    let cleared = cli(&["cache", "clear", "--json"]);
    assert!(
        cleared.status.success(),
        "{}",
        String::from_utf8_lossy(&cleared.stderr)
    );
    let cleared: Value = serde_json::from_slice(&cleared.stdout).expect("clear JSON");
    assert!(cleared["removed"].as_u64().unwrap() >= 1);
    let status: Value =
        serde_json::from_slice(&cli(&["cache", "status", "--json"]).stdout).unwrap();
    assert_eq!(status["entries"], 0);
    drop((fake, dir));
}
