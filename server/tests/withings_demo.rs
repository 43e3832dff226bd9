//! `withings-mcp demo`: the real binary on the built-in demo account.

mod support;

use rmcp::model::CallToolRequestParams;
use serde_json::Value;

#[test]
fn demo_print_shows_real_tool_results_from_the_demo_account() {
    let home = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_withings-mcp"))
        .args(["demo", "--print"])
        .env_clear()
        .env("HOME", home.path())
        .output()
        .expect("demo --print");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("## withings_connection_status"), "{text}");
    assert!(
        text.contains("- Ready: yes"),
        "the demo signs in for real: {text}"
    );
    // The daily and weekly summaries over the demo account, with real numbers.
    assert!(text.contains("## withings_daily_summary"), "{text}");
    assert!(text.contains("**Withings day: "), "{text}");
    assert!(text.contains("## withings_weekly_summary"), "{text}");
    assert!(text.contains("a night over"), "{text}");
    assert!(text.contains(" a day over "), "{text}");
    assert!(text.contains("## withings_list_body_measures"), "{text}");
    assert!(text.contains(" kg"), "{text}");
    assert!(
        !home.path().join(".withings-mcp").exists(),
        "the demo never touches the user's home directory"
    );
}

#[tokio::test]
async fn an_mcp_client_lists_and_calls_tools_on_the_demo() {
    let home = tempfile::tempdir().unwrap();
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_withings-mcp"));
    command.arg("demo").env_clear().env("HOME", home.path());
    let client = support::serve_stdio((), command).await;
    let tools = client.list_all_tools().await.expect("tools/list");
    assert!(
        tools
            .iter()
            .any(|tool| tool.name == "withings_connection_status")
    );
    let status = client
        .call_tool(
            CallToolRequestParams::new("withings_connection_status").with_arguments(
                serde_json::Map::from_iter([("response_format".to_owned(), Value::from("json"))]),
            ),
        )
        .await
        .expect("tools/call");
    assert_eq!(status.is_error, Some(false));
    let data = status.structured_content.expect("structured");
    assert_eq!(data["ready"], true, "{data}");
    assert_eq!(data["token"]["exists"], true);
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn the_demo_tool_runs_the_real_builders_without_an_account() {
    let session =
        support::withings::Session::unauthorized(delx_withings::fake::FakeConfig::default()).await;
    let data = session
        .ok(
            "withings_demo",
            serde_json::json!({"response_format": "json"}),
        )
        .await;
    assert_eq!(data["is_demo"], true);
    let samples = &data["samples"];
    assert_eq!(samples["withings_daily_summary"]["kind"], "daily_summary");
    assert_eq!(
        samples["withings_daily_summary"]["timezone"],
        "Europe/Paris"
    );
    assert_eq!(samples["withings_wellness_context"]["source"], "withings");
    let measures = samples["withings_list_body_measures"]["count"]
        .as_u64()
        .unwrap();
    assert!((1..=3).contains(&measures), "{measures}");
    // The sample is the demo person's: the user's own (absent) account was not touched.
    assert_eq!(
        session.fake.stats().total,
        0,
        "the user's backend was called"
    );
    assert!(
        !session
            .home
            .path()
            .join(".withings-mcp/tokens.json")
            .exists()
    );
}
