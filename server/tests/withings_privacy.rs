//! Privacy through the real binary: a canary client secret stored in config.json
//! and the OAuth tokens in tokens.json never appear in any output of any tool, in
//! any privacy mode and either response format; each list tool's modes keep what
//! they promise and drop what they must.

mod support;

use std::collections::BTreeMap;

use delx_withings::fake::{FakeConfig, FakeServer};
use rmcp::model::{CallToolResult, ReadResourceRequestParams};
use serde_json::{Value, json};
use support::withings::{ALL_SCOPES, Session, fake_env, store_tokens, text};

const CANARY: &str = "canary-withings-secret-3f9d2b7c41e8a605";

/// A server whose client secret lives only in config.json, mode 0600.
async fn session_with_secret_in_config() -> (Session, Vec<String>) {
    let end: jiff::civil::Date = "2026-06-30".parse().unwrap();
    let config = FakeConfig {
        client_secret: CANARY.to_owned(),
        ..FakeConfig::default().with_end_date(end)
    };
    let fake = FakeServer::start(config).await.expect("fake");
    let home = tempfile::tempdir().unwrap();
    store_tokens(&fake, home.path(), ALL_SCOPES);
    let dir = home.path().join(".withings-mcp");
    let config_path = dir.join("config.json");
    std::fs::write(
        &config_path,
        json!({"WITHINGS_CLIENT_SECRET": CANARY}).to_string(),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&config_path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let tokens: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("tokens.json")).unwrap()).unwrap();
    let mut secrets = vec![CANARY.to_owned()];
    for key in ["access_token", "refresh_token"] {
        secrets.push(tokens[key].as_str().expect(key).to_owned());
    }
    let mut env: BTreeMap<String, String> = fake_env(&fake);
    env.remove("WITHINGS_CLIENT_SECRET");
    (Session::spawn(fake, home, env).await, secrets)
}

fn everything(result: &CallToolResult) -> String {
    format!(
        "{}\n{}",
        text(result),
        result
            .structured_content
            .as_ref()
            .map(Value::to_string)
            .unwrap_or_default()
    )
}

/// Arguments that make each tool do real work over the demo window.
fn arguments(name: &str, schema: &Value, signalid: Option<i64>) -> Value {
    let properties = schema["properties"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let mut args = json!({});
    if properties.contains_key("after") && properties.contains_key("before") {
        args["after"] = json!("2026-06-24");
        args["before"] = json!("2026-06-30");
    }
    match name {
        "withings_get_heart_signal" => {
            args["signalid"] = json!(signalid);
            args["include_waveform"] = json!(true);
        }
        "withings_get_intraday_activity" => {
            args = json!({"date": "2026-06-29"});
        }
        "withings_chart" => args["metric"] = json!("weight"),
        "withings_agent_manifest" => args["client"] = json!("hermes"),
        "withings_exchange_code" => args["code"] = json!("not-a-real-code"),
        "withings_profile_update" => {
            args = json!({"patch": {"notes": "likes tennis"}, "explicit_user_intent": true});
        }
        "withings_daily_summary" => args["date"] = json!("2026-06-29"),
        "withings_weekly_summary" => args["end_date"] = json!("2026-06-29"),
        _ => {}
    }
    args
}

#[tokio::test]
async fn no_secret_reaches_any_tool_output_in_any_mode() {
    let (session, secrets) = session_with_secret_in_config().await;
    let heart = session
        .ok(
            "withings_list_heart",
            json!({"after": "2026-01-01", "before": "2026-06-30", "privacy_mode": "summary",
                   "response_format": "json", "limit": 200}),
        )
        .await;
    let signalid = heart["records"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|r| r["signalid"].as_i64());

    let tools = session.client.list_all_tools().await.expect("tools/list");
    let mut calls = 0;
    let mut successes = 0;
    let mut failing: std::collections::BTreeSet<String> =
        tools.iter().map(|t| t.name.to_string()).collect();
    // A made-up code is refused by design; revoke is called once, below.
    failing.remove("withings_exchange_code");
    failing.remove("withings_revoke_access");
    for tool in &tools {
        let name = tool.name.to_string();
        if name == "withings_revoke_access" {
            continue; // Checked last: it ends the session.
        }
        let schema = Value::Object((*tool.input_schema).clone());
        let base = arguments(&name, &schema, signalid);
        let has_modes = schema["properties"].get("privacy_mode").is_some();
        let modes: &[Option<&str>] = if has_modes {
            &[Some("summary"), Some("structured"), Some("raw")]
        } else {
            &[None]
        };
        for mode in modes {
            for format in ["markdown", "json"] {
                let mut args = base.clone();
                if let Some(mode) = mode {
                    args["privacy_mode"] = json!(mode);
                }
                if schema["properties"].get("response_format").is_some() {
                    args["response_format"] = json!(format);
                }
                let result = session.call(&name, args.clone()).await;
                calls += 1;
                if result.is_error != Some(true) {
                    successes += 1;
                    // Success means the server checked the result against the
                    // tool's output schema.
                    failing.remove(&name);
                }
                let shown = everything(&result);
                for secret in &secrets {
                    assert!(
                        !shown.contains(secret.as_str()),
                        "{name} {args} showed a secret: {shown}"
                    );
                }
                assert!(
                    !shown.contains(session.home.path().to_str().unwrap()),
                    "{name} {args} showed the home directory"
                );
            }
        }
    }
    // The sweep really exercised the tools, not just their error paths.
    assert!(calls > 60, "{calls} calls");
    assert!(failing.is_empty(), "never succeeded: {failing:?}");
    assert!(
        successes * 10 >= calls * 8,
        "{successes} of {calls} calls succeeded"
    );

    let resources = session
        .client
        .list_all_resources()
        .await
        .expect("resources/list");
    for resource in resources {
        let Ok(read) = session
            .client
            .read_resource(ReadResourceRequestParams::new(resource.uri.clone()))
            .await
        else {
            continue;
        };
        let shown = serde_json::to_string(&read).unwrap();
        for secret in &secrets {
            assert!(
                !shown.contains(secret.as_str()),
                "{} showed a secret",
                resource.uri
            );
        }
    }

    let revoke = session
        .call(
            "withings_revoke_access",
            json!({"explicit_user_intent": true}),
        )
        .await;
    let shown = everything(&revoke);
    for secret in &secrets {
        assert!(
            !shown.contains(secret.as_str()),
            "revoke showed a secret: {shown}"
        );
    }
}

/// Keys present anywhere in `value`.
fn keys(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                found.push(key.clone());
                keys(inner, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| keys(item, found)),
        _ => {}
    }
}

#[tokio::test]
async fn each_mode_of_each_list_keeps_what_it_promises() {
    let session = Session::authorized_until("2026-06-30").await;
    let window = json!({"after": "2026-06-01", "before": "2026-06-30", "limit": 50,
                        "response_format": "json"});
    // (tool, a decoded key summary must have, an upstream key only structured and raw have)
    let lists = [
        ("withings_list_body_measures", "measures", "grpid"),
        ("withings_list_activity", "steps", "brand"),
        ("withings_list_sleep_summary", "total_sleep_time", "id"),
        ("withings_list_workouts", "category_label", "id"),
        ("withings_list_heart", "afib", "deviceid"),
        ("withings_list_sleep", "state_label", "model_id"),
    ];
    for (name, decoded, upstream) in lists {
        for mode in ["summary", "structured", "raw"] {
            let mut args = window.clone();
            args["privacy_mode"] = json!(mode);
            if name == "withings_list_sleep" {
                args["after"] = json!("2026-06-24"); // Stages: 7 days at most.
            }
            let data = session.ok(name, args).await;
            assert_eq!(data["privacy_mode"], mode);
            let records = data["records"].as_array().unwrap();
            assert!(!records.is_empty(), "{name} {mode}: no records");
            let mut found = Vec::new();
            keys(&data["records"], &mut found);
            let has = |key: &str| found.iter().any(|k| k == key);
            match mode {
                "summary" => {
                    assert!(has(decoded), "{name} summary lacks {decoded}");
                    for identifier in ["deviceid", "hash_deviceid", "grpid", upstream] {
                        assert!(!has(identifier), "{name} summary shows {identifier}");
                    }
                }
                "structured" => {
                    assert!(has(decoded), "{name} structured lacks {decoded}");
                    assert!(has(upstream), "{name} structured lacks upstream {upstream}");
                }
                _ => {
                    assert!(has(upstream), "{name} raw lacks upstream {upstream}");
                }
            }
        }
    }
}
