//! The three tools, called in-process the way the registry calls them.

use std::sync::Arc;

use super::*;
use crate::context::NullContext;
use crate::error::{ErrorKind, ToolError};
use crate::result::ToolResult;
use crate::schema;
use crate::tool::DynTool;

struct Tools {
    home: Home,
    get: Arc<dyn DynTool>,
    update: Arc<dyn DynTool>,
    onboarding: Arc<dyn DynTool>,
}

fn tools_for(store: Option<ProfileStore>) -> Vec<Arc<dyn DynTool>> {
    ProfileTools {
        get: "test_profile_get",
        update: "test_profile_update",
        onboarding: "test_onboarding",
        store,
        generated_by: "test-mcp",
    }
    .into_tools()
}

impl Tools {
    fn new() -> Self {
        let home = Home::new();
        let mut tools = tools_for(Some(home.store.clone())).into_iter();
        let mut next = || tools.next().expect("three tools");
        let (get, update, onboarding) = (next(), next(), next());
        Self {
            home,
            get,
            update,
            onboarding,
        }
    }
}

/// Calls `tool` and checks what the registry would: the structured result matches
/// the advertised output schema.
async fn call(tool: &Arc<dyn DynTool>, arguments: Value) -> Result<ToolResult, ToolError> {
    let result = tool.call_json(arguments, &NullContext::default()).await?;
    let validator = schema::compile(&tool.spec().output_schema).expect("schema compiles");
    let problems = schema::violations(&validator, &result.structured);
    assert!(problems.is_empty(), "{}: {problems:?}", tool.spec().name);
    Ok(result)
}

#[test]
fn names_come_from_the_provider_and_annotations_match_what_each_does() {
    let tools = Tools::new();
    let get = tools.get.spec();
    let update = tools.update.spec();
    let onboarding = tools.onboarding.spec();
    assert_eq!(
        [get.name, update.name, onboarding.name],
        ["test_profile_get", "test_profile_update", "test_onboarding"]
    );
    assert_eq!(get.annotations, crate::tool::ToolAnnotations::READ_LOCAL);
    assert_eq!(
        onboarding.annotations,
        crate::tool::ToolAnnotations::READ_LOCAL
    );
    let update_hints = update.annotations;
    assert!(!update_hints.read_only && !update_hints.destructive);
    assert!(!update_hints.idempotent && !update_hints.open_world);
    for spec in [&get, &update, &onboarding] {
        assert_eq!(
            spec.input_schema["additionalProperties"],
            json!(false),
            "{}",
            spec.name
        );
        assert!(
            !Value::Object(spec.output_schema.clone())
                .to_string()
                .contains("$ref")
        );
        schema::compile(&spec.input_schema).expect("input schema compiles");
    }
    let required = update.input_schema["required"].to_string();
    assert!(required.contains("explicit_user_intent") && required.contains("patch"));
    let patch = &update.input_schema["properties"]["patch"];
    assert!(patch["properties"]["training"].is_object(), "{patch}");
}

#[tokio::test]
async fn get_on_an_empty_home_reports_an_empty_profile() {
    let tools = Tools::new();
    let result = call(&tools.get, json!({"response_format": "json"}))
        .await
        .expect("get");
    let data = &result.structured;
    assert_eq!(data["profile"]["schema"], json!(SCHEMA));
    assert_eq!(data["summary"], json!(EMPTY_SUMMARY));
    assert_eq!(data["missing_critical"], json!(CRITICAL_FIELDS));
    assert_eq!(data["storage_path"], json!("~/.delx-wellness/profile.json"));
    assert!(result.markdown.is_none(), "json was asked for");
    assert!(!tools.home.profile_file().exists());
}

#[tokio::test]
async fn update_without_intent_is_a_user_action_error_and_writes_nothing() {
    let tools = Tools::new();
    let error = call(
        &tools.update,
        json!({"patch": {"goals": {"primary": "x"}}, "explicit_user_intent": false}),
    )
    .await
    .expect_err("needs intent");
    assert_eq!(error.kind, ErrorKind::UserActionRequired);
    assert!(error.message.contains("explicit_user_intent"));
    assert!(!tools.home.path().join(".delx-wellness").exists());
}

#[tokio::test]
async fn update_with_intent_saves_and_get_reflects_it() {
    let tools = Tools::new();
    let result = call(
        &tools.update,
        json!({
            "patch": {
                "profile": {"preferred_name": "Ana", "language": "en"},
                "devices": {"connected": ["Body+", "ScanWatch"]},
                "goals": {"primary": "sleep repair"},
            },
            "explicit_user_intent": true,
        }),
    )
    .await
    .expect("update");
    let data = &result.structured;
    assert_eq!(
        data["updated_sections"],
        json!(["profile", "goals", "devices"])
    );
    assert_eq!(
        data["summary"],
        json!("Ana · goal: sleep repair · devices: Body+, ScanWatch · lang: en")
    );
    assert_eq!(
        data["missing_critical"],
        json!(["timezone", "training_weekly_schedule"])
    );
    assert_eq!(data["profile"]["generated_by"], json!("test-mcp"));
    let markdown = result.markdown.as_deref().expect("markdown by default");
    assert!(
        markdown.contains("Updated: profile, goals, devices"),
        "{markdown}"
    );
    assert!(
        !markdown.contains('{') && !markdown.contains('|'),
        "{markdown}"
    );

    let got = call(&tools.get, json!({})).await.expect("get");
    assert_eq!(got.structured["profile"], data["profile"]);
    let markdown = got.markdown.expect("markdown");
    assert!(markdown.contains("Ana · goal: sleep repair"), "{markdown}");
    assert!(
        markdown.contains("~/.delx-wellness/profile.json"),
        "{markdown}"
    );
    assert!(!markdown.contains(tools.home.path().to_str().expect("utf-8")));
}

#[tokio::test]
async fn refused_patches_are_invalid_input_without_the_value() {
    let tools = Tools::new();
    let token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
    let error = call(
        &tools.update,
        json!({"patch": {"devices": {"sync": token}}, "explicit_user_intent": true}),
    )
    .await
    .expect_err("credential");
    assert_eq!(error.kind, ErrorKind::InvalidInput);
    assert!(error.message.contains("devices.sync"), "{}", error.message);
    assert!(!error.to_text().contains(token));

    let error = call(
        &tools.update,
        json!({"patch": {"vitals": {}}, "explicit_user_intent": true}),
    )
    .await
    .expect_err("unknown key");
    assert_eq!(error.kind, ErrorKind::InvalidInput);
    assert!(
        error.message.contains("preferences, safety, notes"),
        "{}",
        error.message
    );
    assert!(!tools.home.profile_file().exists());
}

#[tokio::test]
async fn a_broken_file_is_reported_with_the_home_as_tilde() {
    let tools = Tools::new();
    tools.home.write(".delx-wellness/profile.json", "{oops");
    let error = call(&tools.get, json!({})).await.expect_err("broken");
    assert_eq!(error.kind, ErrorKind::UserActionRequired);
    assert!(
        error.message.contains("~/.delx-wellness/profile.json"),
        "{}",
        error.message
    );
    let home = tools.home.path().to_str().expect("utf-8");
    assert!(!error.to_text().contains(home), "{}", error.to_text());
}

#[tokio::test]
async fn onboarding_in_portuguese_lists_the_questions_and_the_current_profile() {
    let tools = Tools::new();
    tools
        .home
        .update(json!({"profile": {"preferred_name": "Ana"}}))
        .expect("seed");
    let result = call(&tools.onboarding, json!({"locale": "pt-BR"}))
        .await
        .expect("onboarding");
    let data = &result.structured;
    assert_eq!(data["locale"], json!("pt-BR"));
    let questions = data["questions"].as_array().expect("questions");
    assert_eq!(questions.len(), 11);
    assert_eq!(questions[0]["id"], json!("preferred_name"));
    assert_eq!(
        questions[0]["prompt"],
        json!(QUESTIONS[0].prompt(Locale::PtBr))
    );
    assert_eq!(questions[3]["required"], json!(true));
    assert_eq!(questions[3]["fills"], json!(["goals.primary"]));
    assert_eq!(
        data["current_profile"]["profile"]["preferred_name"],
        json!("Ana")
    );
    assert!(
        !data["missing_critical"]
            .to_string()
            .contains("preferred_name")
    );
    assert_eq!(data["privacy_note"], json!(privacy_note(Locale::PtBr)));
    let markdown = result.markdown.expect("markdown");
    assert!(markdown.contains("primary_goal (required)"), "{markdown}");

    let english = call(&tools.onboarding, json!({})).await.expect("default");
    assert_eq!(english.structured["locale"], json!("en"));
    assert!(
        call(&tools.onboarding, json!({"locale": "fr"}))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn without_a_home_every_tool_says_setup_is_needed() {
    for tool in tools_for(None) {
        let arguments = if tool.spec().name.ends_with("update") {
            json!({"patch": {"notes": "x"}, "explicit_user_intent": true})
        } else {
            json!({})
        };
        let error = tool
            .call_json(arguments, &NullContext::default())
            .await
            .expect_err("no home");
        assert_eq!(error.kind, ErrorKind::SetupRequired, "{}", tool.spec().name);
        assert!(error.message.contains("home directory"));
    }
}
