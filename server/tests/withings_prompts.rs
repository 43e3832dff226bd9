//! The Withings prompts through the real binary: listed, rendered, validated,
//! completed, and naming only tools that exist.

mod support;

use std::collections::BTreeSet;

use rmcp::model::{
    ArgumentInfo, CompleteRequestParams, GetPromptRequestParams, PromptReference, Reference,
};
use serde_json::{Map, Value, json};
use support::withings::Session;

fn args(value: Value) -> Map<String, Value> {
    let Value::Object(map) = value else {
        panic!("object")
    };
    map
}

async fn render(session: &Session, name: &str, arguments: Value) -> Result<String, String> {
    session
        .client
        .get_prompt(GetPromptRequestParams::new(name).with_arguments(args(arguments)))
        .await
        .map(|reply| {
            serde_json::to_value(&reply.messages)
                .expect("json")
                .to_string()
        })
        .map_err(|error| error.to_string())
}

async fn complete(session: &Session, prompt: &str, argument: &str, typed: &str) -> Vec<String> {
    session
        .client
        .complete(CompleteRequestParams::new(
            Reference::Prompt(PromptReference::new(prompt)),
            ArgumentInfo::new(argument, typed),
        ))
        .await
        .expect("completion/complete")
        .completion
        .values
}

/// Every `withings_...` word in `text`.
fn tools_named(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|word| word.starts_with("withings_"))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn prompts_render_validate_and_complete() {
    let session = Session::authorized_until("2026-06-30").await;
    let prompts = session
        .client
        .list_all_prompts()
        .await
        .expect("prompts/list");
    let names: BTreeSet<&str> = prompts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        BTreeSet::from([
            "withings_body_sleep_investigation",
            "withings_daily_checkin",
            "withings_weekly_review"
        ])
    );
    let investigation = prompts
        .iter()
        .find(|p| p.name == "withings_body_sleep_investigation")
        .unwrap();
    let arguments = investigation.arguments.clone().expect("arguments");
    assert_eq!(arguments[0].name, "after");
    assert_eq!(arguments[0].required, Some(true));

    let daily = render(
        &session,
        "withings_daily_checkin",
        json!({"focus": "sleep"}),
    )
    .await
    .expect("daily");
    assert!(daily.contains("focus on sleep"), "{daily}");
    assert!(daily.contains("withings_daily_summary"), "{daily}");
    let weekly = render(&session, "withings_weekly_review", json!({}))
        .await
        .expect("weekly");
    assert!(weekly.contains("withings_weekly_summary"), "{weekly}");
    assert!(!weekly.contains("My goal is"), "{weekly}");
    let body = render(
        &session,
        "withings_body_sleep_investigation",
        json!({"after": "2026-05-01", "before": "2026-06-30"}),
    )
    .await
    .expect("investigation");
    assert!(body.contains(r#"\"after\": \"2026-05-01\""#), "{body}");

    // Every tool a prompt tells the agent to call exists.
    let tools: BTreeSet<String> = session
        .client
        .list_all_tools()
        .await
        .expect("tools/list")
        .into_iter()
        .map(|t| t.name.to_string())
        .collect();
    for text in [&daily, &weekly, &body] {
        for named in tools_named(text) {
            assert!(
                tools.contains(&named),
                "a prompt names {named}, which is no tool"
            );
        }
    }

    // Bad arguments fail at the prompt, with the argument named.
    let missing = render(&session, "withings_body_sleep_investigation", json!({}))
        .await
        .expect_err("after is required");
    assert!(missing.contains("after"), "{missing}");
    let typo = render(
        &session,
        "withings_body_sleep_investigation",
        json!({"after": "2026-13-45"}),
    )
    .await
    .expect_err("not a date");
    assert!(typo.contains("after"), "{typo}");
    let long = render(
        &session,
        "withings_weekly_review",
        json!({"goal": "x".repeat(500)}),
    )
    .await
    .expect_err("too long");
    assert!(long.contains("goal"), "{long}");

    assert_eq!(
        complete(&session, "withings_daily_checkin", "focus", "sl").await,
        ["sleep"]
    );
    assert!(
        complete(&session, "withings_weekly_review", "goal", "")
            .await
            .contains(&"sleep repair".to_owned())
    );
    let dates = complete(&session, "withings_body_sleep_investigation", "after", "20").await;
    assert!(dates.len() >= 5, "{dates:?}");
    for date in &dates {
        assert!(date.parse::<jiff::civil::Date>().is_ok(), "{date}");
    }
}
