//! The Withings connection tools through the real `withings-mcp` binary over MCP,
//! against the fake Withings API: sign in from a chat, check, disconnect.

use std::time::Duration;

use delx_withings::fake::FakeConfig;
use rmcp::model::CallToolRequestParams;
use serde_json::{Value, json};

mod support;

use support::withings::{Session, text};

async fn connect() -> Session {
    Session::unauthorized(FakeConfig::default()).await
}

#[tokio::test]
async fn every_withings_tool_is_annotated_and_strictly_typed() {
    let session = connect().await;
    let tools = session.client.list_all_tools().await.expect("tools/list");
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    // Every tool of the original connector keeps its name, so agents written for it work.
    for expected in [
        "withings_agent_manifest",
        "withings_cache_status",
        "withings_capabilities",
        "withings_connection_status",
        "withings_daily_summary",
        "withings_data_inventory",
        "withings_demo",
        "withings_exchange_code",
        "withings_get_auth_url",
        "withings_list_activity",
        "withings_list_body_measures",
        "withings_list_heart",
        "withings_list_sleep",
        "withings_list_sleep_summary",
        "withings_list_workouts",
        "withings_onboarding",
        "withings_privacy_audit",
        "withings_profile_get",
        "withings_profile_update",
        "withings_quickstart",
        "withings_revoke_access",
        "withings_weekly_summary",
        "withings_wellness_context",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    for tool in &tools {
        assert!(tool.name.starts_with("withings_"));
        let annotations = tool.annotations.as_ref().expect("annotations");
        assert!(annotations.read_only_hint.is_some() && annotations.destructive_hint.is_some());
        assert!(annotations.idempotent_hint.is_some() && annotations.open_world_hint.is_some());
        let input = Value::Object((*tool.input_schema).clone());
        assert_eq!(input["additionalProperties"], false, "{}", tool.name);
        assert!(
            input["properties"].get("response_format").is_some(),
            "{} has no response_format",
            tool.name
        );
        let output = Value::Object((*tool.output_schema.clone().expect("output schema")).clone());
        for schema in [&input, &output] {
            jsonschema::draft202012::meta::validate(schema)
                .unwrap_or_else(|e| panic!("{}: {e}", tool.name));
            assert!(!schema.to_string().contains("$ref"), "{}", tool.name);
        }
    }
    let revoke = tools
        .iter()
        .find(|t| t.name == "withings_revoke_access")
        .unwrap();
    assert_eq!(
        revoke.annotations.as_ref().unwrap().destructive_hint,
        Some(true)
    );
    let required = revoke
        .input_schema
        .get("required")
        .cloned()
        .unwrap_or_default();
    assert!(
        required.to_string().contains("explicit_user_intent"),
        "revoke is gated: {required}"
    );
    session.client.cancel().await.unwrap();
}

#[tokio::test]
async fn signing_in_from_a_chat_then_disconnecting() {
    let session = connect().await;
    let before = session
        .call(
            "withings_connection_status",
            json!({"response_format": "json"}),
        )
        .await;
    assert_eq!(before.structured_content.as_ref().unwrap()["ready"], false);

    let link = session.call("withings_get_auth_url", json!({})).await;
    assert_eq!(link.is_error, Some(false), "{}", text(&link));
    let auth_url = link.structured_content.as_ref().unwrap()["auth_url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(auth_url.contains("state="));
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let consent = browser.get(&auth_url).send().await.unwrap();
    let landed = consent.headers()["location"].to_str().unwrap().to_owned();

    // A link whose state is not the one handed out is refused.
    let forged = landed.replace("state=", "state=0");
    let refused = session
        .call("withings_exchange_code", json!({"code": forged}))
        .await;
    assert_eq!(refused.is_error, Some(true));
    assert!(text(&refused).contains("state"), "{}", text(&refused));

    let exchanged = session
        .call("withings_exchange_code", json!({"code": landed}))
        .await;
    assert_eq!(exchanged.is_error, Some(false), "{}", text(&exchanged));
    let data = exchanged.structured_content.clone().unwrap();
    assert_eq!(data["state_verified"], true);
    assert_eq!(data["token_path"], "~/.withings-mcp/tokens.json");
    let stored: Value = serde_json::from_str(
        &std::fs::read_to_string(session.home.path().join(".withings-mcp/tokens.json")).unwrap(),
    )
    .unwrap();
    let access = stored["access_token"].as_str().unwrap();
    assert!(
        !data.to_string().contains(access) && !text(&exchanged).contains(access),
        "tokens are never returned"
    );

    let after = session.call("withings_connection_status", json!({})).await;
    assert_eq!(
        after.structured_content.as_ref().unwrap()["ready"],
        true,
        "{}",
        text(&after)
    );

    let unconfirmed = session
        .call(
            "withings_revoke_access",
            json!({"explicit_user_intent": false}),
        )
        .await;
    assert_eq!(unconfirmed.is_error, Some(true));
    assert!(
        session
            .home
            .path()
            .join(".withings-mcp/tokens.json")
            .exists()
    );

    let revoked = session
        .call(
            "withings_revoke_access",
            json!({"explicit_user_intent": true}),
        )
        .await;
    assert_eq!(revoked.is_error, Some(false), "{}", text(&revoked));
    let report = revoked.structured_content.unwrap();
    assert_eq!(report["upstream"], "revoked");
    assert_eq!(report["local_tokens_removed"], true);
    assert!(
        !session
            .home
            .path()
            .join(".withings-mcp/tokens.json")
            .exists()
    );
    assert_eq!(session.fake.stats().count("v2/oauth2/revoke"), 1);
    tokio::time::sleep(Duration::from_millis(10)).await;
    session.client.cancel().await.unwrap();
}

#[tokio::test]
async fn a_broken_config_file_is_explained_instead_of_crashing_the_server() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join(".withings-mcp");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.json"),
        "{\"WITHINGS_CLIENT_ID\": \"abc\",\n  oops\n}",
    )
    .unwrap();
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_withings-mcp"));
    command.env_clear().env("HOME", home.path());
    // The server still starts.
    let client = support::serve_stdio((), command).await;
    let tools = client.list_all_tools().await.expect("tools/list");
    assert_eq!(tools.len(), 1);
    assert_eq!(tools[0].name, "withings_connection_status");
    let result = client
        .call_tool(CallToolRequestParams::new("withings_connection_status"))
        .await
        .expect("tools/call");
    assert_eq!(result.is_error, Some(true));
    let message = text(&result);
    assert!(message.contains("line 2"), "says where: {message}");
    assert!(message.contains("~/.withings-mcp/config.json"), "{message}");
    assert!(
        !message.contains(home.path().to_str().unwrap()),
        "no absolute home path: {message}"
    );
    assert!(message.contains("setup"), "says what to do: {message}");
    client.cancel().await.unwrap();
}
