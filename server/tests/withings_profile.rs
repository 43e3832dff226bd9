//! The shared Delx Wellness profile tools through the real `withings-mcp` binary:
//! read an empty profile, refuse to save without the user's say-so, save, read back,
//! refuse credentials, and onboard in Portuguese.

mod support;

use serde_json::{Value, json};
use support::withings::{Session, text};

const PROFILE: &str = ".delx-wellness/profile.json";

/// Checks `structured` against the output schema `name` advertises in tools/list.
async fn assert_matches_output_schema(session: &Session, name: &str, structured: &Value) {
    let tools = session.client.list_all_tools().await.expect("tools/list");
    let tool = tools
        .iter()
        .find(|tool| tool.name == name)
        .unwrap_or_else(|| panic!("{name} is listed"));
    let schema = Value::Object((*tool.output_schema.clone().expect("output schema")).clone());
    let validator = jsonschema::draft202012::new(&schema).expect("schema compiles");
    let problems: Vec<String> = validator
        .iter_errors(structured)
        .map(|error| error.to_string())
        .collect();
    assert!(problems.is_empty(), "{name}: {problems:?}");
}

#[tokio::test]
async fn the_profile_is_read_saved_with_consent_and_read_back() {
    let session = Session::authorized_until("2026-06-30").await;
    let home = session.home.path().to_path_buf();
    let file = home.join(PROFILE);

    let empty = session
        .ok("withings_profile_get", json!({"response_format": "json"}))
        .await;
    assert_eq!(empty["profile"]["schema"], "delx-wellness-profile/v1");
    assert_eq!(empty["storage_path"], "~/.delx-wellness/profile.json");
    assert_eq!(
        empty["missing_critical"],
        json!([
            "preferred_name",
            "timezone",
            "primary_goal",
            "connected_devices",
            "training_weekly_schedule"
        ])
    );
    assert_matches_output_schema(&session, "withings_profile_get", &empty).await;

    let patch = json!({
        "profile": {"preferred_name": "Ana", "language": "pt-BR", "timezone": "America/Sao_Paulo"},
        "goals": {"primary": "sleep repair"},
        "devices": {"connected": ["Body+", "ScanWatch"]},
        "training": {"weekly_schedule": "Mon/Wed/Fri tennis"},
    });
    for unconfirmed in [
        json!({"patch": patch, "explicit_user_intent": false}),
        json!({"patch": patch}),
    ] {
        let refused = session.call("withings_profile_update", unconfirmed).await;
        assert_eq!(refused.is_error, Some(true), "{}", text(&refused));
        assert!(!home.join(".delx-wellness").exists(), "nothing written");
    }
    let refused = session
        .call(
            "withings_profile_update",
            json!({"patch": patch, "explicit_user_intent": false}),
        )
        .await;
    assert!(
        text(&refused).contains("user_action_required"),
        "{}",
        text(&refused)
    );

    let saved = session
        .ok(
            "withings_profile_update",
            json!({"patch": patch, "explicit_user_intent": true, "response_format": "json"}),
        )
        .await;
    assert_eq!(
        saved["updated_sections"],
        json!(["profile", "goals", "devices", "training"])
    );
    assert_eq!(saved["missing_critical"], json!([]));
    assert_eq!(saved["profile"]["generated_by"], "withings-mcp");
    assert_matches_output_schema(&session, "withings_profile_update", &saved).await;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |path: &std::path::Path| {
            std::fs::metadata(path)
                .expect("exists")
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode(&file), 0o600);
        assert_eq!(mode(&home.join(".delx-wellness")), 0o700);
    }
    let on_disk: Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("written")).expect("JSON");
    assert_eq!(on_disk["goals"]["primary"], "sleep repair");

    let read_back = session.call("withings_profile_get", json!({})).await;
    assert_eq!(read_back.is_error, Some(false));
    let markdown = text(&read_back);
    assert!(
        markdown.contains("Ana · goal: sleep repair · devices: Body+, ScanWatch · lang: pt-BR"),
        "{markdown}"
    );
    assert!(
        markdown.contains("~/.delx-wellness/profile.json"),
        "{markdown}"
    );
    assert!(
        !markdown.contains(home.to_str().expect("utf-8")),
        "{markdown}"
    );
    let structured = read_back.structured_content.expect("structured");
    assert_eq!(structured["profile"], saved["profile"]);

    session.client.cancel().await.expect("close");
}

#[tokio::test]
async fn secret_shaped_fields_are_refused_and_not_echoed() {
    let session = Session::authorized_until("2026-06-30").await;
    let file = session.home.path().join(PROFILE);
    let secret = "hunter2-not-for-the-profile";
    let refused = session
        .call(
            "withings_profile_update",
            json!({
                "patch": {"devices": {"withings": {"refresh_token": secret}}},
                "explicit_user_intent": true,
            }),
        )
        .await;
    assert_eq!(refused.is_error, Some(true));
    let message = text(&refused);
    assert!(
        message.contains("devices.withings.refresh_token"),
        "{message}"
    );
    assert!(!message.contains(secret), "{message}");
    assert!(!file.exists());

    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln";
    let refused = session
        .call(
            "withings_profile_update",
            json!({"patch": {"notes": format!("token {jwt}")}, "explicit_user_intent": true}),
        )
        .await;
    assert_eq!(refused.is_error, Some(true));
    assert!(!text(&refused).contains(jwt));
    assert!(!file.exists());
    session.client.cancel().await.expect("close");
}

#[tokio::test]
async fn onboarding_speaks_brazilian_portuguese() {
    let session = Session::authorized_until("2026-06-30").await;
    let onboarding = session
        .ok("withings_onboarding", json!({"locale": "pt-BR"}))
        .await;
    assert_eq!(onboarding["locale"], "pt-BR");
    let questions = onboarding["questions"].as_array().expect("questions");
    let ids: Vec<&str> = questions
        .iter()
        .map(|question| question["id"].as_str().expect("id"))
        .collect();
    assert_eq!(
        ids,
        [
            "preferred_name",
            "locale_timezone_units",
            "body_basics",
            "primary_goal",
            "secondary_goals",
            "devices",
            "training_context",
            "nutrition_context",
            "exercise_preferences",
            "agent_preferences",
            "safety_context"
        ]
    );
    let required: Vec<&str> = questions
        .iter()
        .filter(|question| question["required"] == true)
        .map(|question| question["id"].as_str().expect("id"))
        .collect();
    assert_eq!(
        required,
        [
            "locale_timezone_units",
            "primary_goal",
            "devices",
            "training_context"
        ]
    );
    assert!(
        questions[0]["prompt"]
            .as_str()
            .expect("prompt")
            .contains("você"),
        "{}",
        questions[0]["prompt"]
    );
    assert_eq!(onboarding["storage_path"], "~/.delx-wellness/profile.json");
    assert!(
        onboarding["privacy_note"]
            .as_str()
            .expect("note")
            .contains("computador")
    );
    assert_matches_output_schema(&session, "withings_onboarding", &onboarding).await;
    assert!(
        !session.home.path().join(".delx-wellness").exists(),
        "reads never write"
    );
    session.client.cancel().await.expect("close");
}
