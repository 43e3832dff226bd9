//! The spine served by the real binary over stdio, driven by rmcp's client.

#![allow(deprecated)] // MCP logging is deprecated in 2026-07-28 but part of 2025-11-25.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rmcp::model::{
    ArgumentInfo, ClientRequest, CompleteRequestParams, GetPromptRequestParams, LoggingLevel,
    LoggingMessageNotificationParam, ProgressNotificationParam, PromptReference,
    ReadResourceRequestParams, Reference, Request, ResourceContents, ResourceTemplateReference,
    ServerResult, SetLevelRequestParams,
};
use rmcp::service::{PeerRequestOptions, RunningService};
use rmcp::{ClientHandler, RoleClient};
use serde_json::{Value, json};
use support::{text as text_of, tool_call as call};

/// Records every notification the server sends.
#[derive(Clone, Default)]
struct Recorder {
    progress: Arc<Mutex<Vec<ProgressNotificationParam>>>,
    logs: Arc<Mutex<Vec<LoggingMessageNotificationParam>>>,
}

impl ClientHandler for Recorder {
    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: rmcp::service::NotificationContext<RoleClient>,
    ) {
        self.progress.lock().expect("lock").push(params);
    }

    async fn on_logging_message(
        &self,
        params: LoggingMessageNotificationParam,
        _context: rmcp::service::NotificationContext<RoleClient>,
    ) {
        self.logs.lock().expect("lock").push(params);
    }
}

/// Waits until `done` holds, for at most five seconds: notifications are handled
/// asynchronously on the client side.
async fn eventually(mut done: impl FnMut() -> bool) {
    for _ in 0..100 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

struct Session {
    client: RunningService<RoleClient, Recorder>,
    recorder: Recorder,
    _home: tempfile::TempDir,
}

async fn connect() -> Session {
    let home = tempfile::tempdir().expect("temp home");
    let command = support::spine_command(home.path());
    let recorder = Recorder::default();
    let client = support::serve_stdio(recorder.clone(), command).await;
    Session {
        client,
        recorder,
        _home: home,
    }
}

#[tokio::test]
async fn initialize_reports_identity_capabilities_and_instructions() {
    let session = connect().await;
    let info = session.client.peer_info().expect("server info");
    let server = info.server_info.as_ref().expect("server info");
    assert_eq!(server.name, "spine-server");
    assert_eq!(server.title.as_deref(), Some("Spine example server"));
    assert_eq!(server.version, env!("CARGO_PKG_VERSION"));
    let instructions = info.instructions.as_deref().expect("instructions");
    assert!(
        instructions.contains("spine provider is an example"),
        "{instructions}"
    );
    let capabilities = &info.capabilities;
    assert!(
        capabilities.tools.is_some()
            && capabilities.prompts.is_some()
            && capabilities.resources.is_some()
    );
    assert!(capabilities.completions.is_some() && capabilities.logging.is_some());
    session.client.cancel().await.expect("close");
}

#[tokio::test]
async fn tools_are_listed_sorted_with_titles_annotations_and_strict_schemas() {
    let session = connect().await;
    let tools = session.client.list_all_tools().await.expect("tools/list");
    let names: Vec<&str> = tools.iter().map(|tool| tool.name.as_ref()).collect();
    assert_eq!(names, ["spine_count", "spine_echo", "spine_fail"]);
    for tool in &tools {
        assert!(
            tool.title.as_deref().is_some_and(|title| !title.is_empty()),
            "{} has no title",
            tool.name
        );
        let annotations = tool.annotations.as_ref().expect("annotations");
        for (hint, value) in [
            ("readOnlyHint", annotations.read_only_hint),
            ("destructiveHint", annotations.destructive_hint),
            ("idempotentHint", annotations.idempotent_hint),
            ("openWorldHint", annotations.open_world_hint),
        ] {
            assert!(value.is_some(), "{} leaves {hint} unset", tool.name);
        }
        let input = Value::Object((*tool.input_schema).clone());
        assert_eq!(
            input["additionalProperties"], false,
            "{} input is open",
            tool.name
        );
        assert_eq!(input["type"], "object");
        let output = Value::Object((*tool.output_schema.clone().expect("output schema")).clone());
        for (kind, schema) in [("input", &input), ("output", &output)] {
            jsonschema::draft202012::meta::validate(schema).unwrap_or_else(|error| {
                panic!("{} {kind} schema is not valid 2020-12: {error}", tool.name)
            });
            jsonschema::draft202012::new(schema).unwrap_or_else(|error| {
                panic!("{} {kind} schema does not compile: {error}", tool.name)
            });
            let text = schema.to_string();
            assert!(
                !text.contains("$ref"),
                "{} {kind} schema has a $ref: {text}",
                tool.name
            );
            for format in [
                "uint", "int32", "int64", "uint8", "uint32", "uint64", "double", "float",
            ] {
                assert!(
                    !text.contains(&format!("\"format\":\"{format}\"")),
                    "{} {kind} schema keeps {format}",
                    tool.name
                );
            }
        }
    }
    session.client.cancel().await.expect("close");
}

#[tokio::test]
async fn a_call_returns_structured_content_that_matches_the_output_schema() {
    let session = connect().await;
    let tools = session.client.list_all_tools().await.expect("tools/list");
    let echo = tools
        .iter()
        .find(|tool| tool.name == "spine_echo")
        .expect("echo tool");
    let result = session
        .client
        .call_tool(call("spine_echo", json!({"text": "hello", "times": 2})))
        .await
        .expect("tools/call");
    assert_eq!(result.is_error, Some(false));
    let structured = result
        .structured_content
        .clone()
        .expect("structured content");
    assert_eq!(structured, json!({"echoed": ["hello", "hello"]}));
    let schema = Value::Object((*echo.output_schema.clone().expect("schema")).clone());
    let validator = jsonschema::draft202012::new(&schema).expect("compiles");
    assert!(validator.is_valid(&structured));
    assert_eq!(
        text_of(&result),
        "- hello\n- hello",
        "markdown is the text block"
    );
    let link = result
        .content
        .iter()
        .find_map(|block| block.as_resource_link())
        .expect("a resource link");
    assert_eq!(link.uri, "spine://about");

    let with_badge = session
        .client
        .call_tool(call("spine_echo", json!({"text": "b", "badge": true})))
        .await
        .expect("tools/call");
    let image = with_badge
        .content
        .iter()
        .find_map(|block| block.as_image())
        .expect("image content");
    assert_eq!(image.mime_type, "image/png");
    let bytes = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &image.data)
        .expect("base64");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");

    let json_mode = session
        .client
        .call_tool(call(
            "spine_echo",
            json!({"text": "x", "response_format": "json"}),
        ))
        .await
        .expect("tools/call");
    let text: Value = serde_json::from_str(&text_of(&json_mode)).expect("json text block");
    assert_eq!(
        text,
        json!({"echoed": ["x"]}),
        "json format puts the structured result in the text block"
    );
    session.client.cancel().await.expect("close");
}

#[tokio::test]
async fn invalid_arguments_are_tool_errors_that_say_what_to_fix() {
    let session = connect().await;
    for (arguments, expected) in [
        (json!({"text": "", "times": 9}), "/times"),
        (json!({"text": "a", "surprise": true}), "surprise"),
        (json!({}), "text"),
        (json!({"text": 12}), "/text"),
    ] {
        let result = session
            .client
            .call_tool(call("spine_echo", arguments.clone()))
            .await
            .expect("invalid arguments are not a protocol error");
        assert_eq!(result.is_error, Some(true), "{arguments}");
        let text = text_of(&result);
        assert!(text.starts_with("Error (invalid_input)"), "{text}");
        assert!(text.contains(expected), "{arguments}: {text}");
        assert!(text.contains("Next step:"), "{text}");
    }
    session.client.cancel().await.expect("close");
}

#[tokio::test]
async fn tool_errors_are_results_with_next_steps_and_no_secrets() {
    let session = connect().await;
    for (kind, next) in [
        ("invalid_input", "Fix the arguments"),
        ("auth_expired", "auth"),
        ("rate_limited", "Wait 30 s"),
        ("upstream", "Try again"),
    ] {
        let result = session
            .client
            .call_tool(call("spine_fail", json!({"kind": kind})))
            .await
            .expect("a failing tool is not a protocol error");
        assert_eq!(result.is_error, Some(true));
        let text = text_of(&result);
        let kind_text = if kind == "upstream" {
            "upstream_failure"
        } else {
            kind
        };
        assert!(text.starts_with(&format!("Error ({kind_text})")), "{text}");
        assert!(text.contains(next), "{kind}: {text}");
        for secret in [
            support::CANARY_SECRET,
            "leaky-access-token",
            "leakybearer123",
        ] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
        assert!(text.contains("[REDACTED]"), "{text}");
        assert!(
            result.structured_content.is_none(),
            "errors carry no structured content"
        );
    }
    session.client.cancel().await.expect("close");
}

#[tokio::test]
async fn an_unknown_tool_is_a_protocol_error() {
    let session = connect().await;
    let error = session
        .client
        .call_tool(call("spine_nope", json!({})))
        .await
        .expect_err("unknown tool");
    let rmcp::ServiceError::McpError(data) = error else {
        panic!("expected a JSON-RPC error, got {error:?}");
    };
    assert_eq!(data.code, rmcp::model::ErrorCode::INVALID_PARAMS);
    assert!(data.message.contains("spine_nope"), "{}", data.message);
    session.client.cancel().await.expect("close");
}

#[tokio::test]
async fn progress_is_reported_when_the_request_carries_a_token() {
    let session = connect().await;
    let handle = session
        .client
        .send_cancellable_request(
            ClientRequest::CallToolRequest(Request::new(call("spine_count", json!({"steps": 4})))),
            PeerRequestOptions::no_options(),
        )
        .await
        .expect("send");
    let token = handle.progress_token.clone();
    let response = handle.await_response().await.expect("response");
    let ServerResult::CallToolResult(result) = response else {
        panic!("unexpected response {response:?}");
    };
    assert_eq!(
        result.structured_content,
        Some(json!({"counted": 4, "cancelled": false}))
    );
    eventually(|| session.recorder.progress.lock().expect("lock").len() >= 4).await;
    let progress = session.recorder.progress.lock().expect("lock").clone();
    let mine: Vec<_> = progress
        .iter()
        .filter(|p| p.progress_token == token)
        .collect();
    let values: Vec<f64> = mine.iter().map(|p| p.progress).collect();
    assert_eq!(values, [1.0, 2.0, 3.0, 4.0]);
    assert!(mine.iter().all(|p| p.total == Some(4.0)));
    assert_eq!(mine[0].message.as_deref(), Some("step 1"));
    session.client.cancel().await.expect("close");
}

#[tokio::test]
async fn no_log_messages_until_the_client_asks_then_only_at_its_level() {
    let session = connect().await;
    session
        .client
        .call_tool(call("spine_count", json!({"steps": 2})))
        .await
        .expect("call");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        session.recorder.logs.lock().expect("lock").is_empty(),
        "logged without being asked"
    );

    session
        .client
        .set_level(SetLevelRequestParams::new(LoggingLevel::Info))
        .await
        .expect("logging/setLevel");
    session
        .client
        .call_tool(call("spine_count", json!({"steps": 2})))
        .await
        .expect("call");
    eventually(|| session.recorder.logs.lock().expect("lock").len() >= 2).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let logs = session.recorder.logs.lock().expect("lock").clone();
    assert_eq!(logs.len(), 2, "two info lines, no debug line: {logs:?}");
    assert!(logs.iter().all(|log| log.level == LoggingLevel::Info));
    assert_eq!(logs[0].data, json!("counted 1 of 2"));
    assert_eq!(logs[0].logger.as_deref(), Some("spine-server"));

    session
        .client
        .set_level(SetLevelRequestParams::new(LoggingLevel::Debug))
        .await
        .expect("logging/setLevel");
    session
        .client
        .call_tool(call("spine_count", json!({"steps": 1})))
        .await
        .expect("call");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let logs = session.recorder.logs.lock().expect("lock").clone();
    assert!(
        logs.iter().any(|log| log.level == LoggingLevel::Debug),
        "debug after setLevel(debug)"
    );
    session.client.cancel().await.expect("close");
}

#[tokio::test]
async fn cancelling_a_call_stops_the_tool() {
    let session = connect().await;
    let handle = session
        .client
        .send_cancellable_request(
            ClientRequest::CallToolRequest(Request::new(call(
                "spine_count",
                json!({"steps": 20, "delay_ms": 200}),
            ))),
            PeerRequestOptions::no_options(),
        )
        .await
        .expect("send");
    let token = handle.progress_token.clone();
    tokio::time::sleep(Duration::from_millis(500)).await;
    handle.cancel(Some("test".into())).await.expect("cancel");
    tokio::time::sleep(Duration::from_millis(800)).await;
    let before = session
        .recorder
        .progress
        .lock()
        .expect("lock")
        .iter()
        .filter(|p| p.progress_token == token)
        .count();
    tokio::time::sleep(Duration::from_millis(800)).await;
    let after = session
        .recorder
        .progress
        .lock()
        .expect("lock")
        .iter()
        .filter(|p| p.progress_token == token)
        .count();
    assert!(
        before < 20,
        "the tool ran to the end despite cancellation ({before} steps)"
    );
    assert_eq!(before, after, "the tool kept working after cancellation");
    // The session still works.
    let result = session
        .client
        .call_tool(call("spine_echo", json!({"text": "ok"})))
        .await
        .expect("call");
    assert_eq!(result.is_error, Some(false));
    session.client.cancel().await.expect("close");
}

#[tokio::test]
async fn prompts_list_get_and_complete() {
    let session = connect().await;
    let prompts = session
        .client
        .list_all_prompts()
        .await
        .expect("prompts/list");
    assert_eq!(prompts.len(), 1);
    let prompt = &prompts[0];
    assert_eq!(prompt.name, "spine_checkin");
    assert_eq!(prompt.title.as_deref(), Some("Daily check-in"));
    let arguments = prompt.arguments.clone().expect("arguments");
    assert_eq!(arguments[0].name, "focus");
    assert_eq!(arguments[0].required, Some(true));
    assert_eq!(arguments[1].required, Some(false));

    let mut args = serde_json::Map::new();
    args.insert("focus".into(), json!("sleep"));
    let reply = session
        .client
        .get_prompt(GetPromptRequestParams::new("spine_checkin").with_arguments(args))
        .await
        .expect("prompts/get");
    let message = serde_json::to_value(&reply.messages[0]).expect("serialize");
    assert!(message.to_string().contains("review my sleep"), "{message}");

    let missing = session
        .client
        .get_prompt(GetPromptRequestParams::new("spine_checkin"))
        .await
        .expect_err("a required argument is missing");
    assert!(missing.to_string().contains("focus"), "{missing}");

    let completion = session
        .client
        .complete(CompleteRequestParams::new(
            Reference::Prompt(PromptReference::new("spine_checkin")),
            ArgumentInfo::new("focus", "st"),
        ))
        .await
        .expect("completion/complete");
    assert_eq!(completion.completion.values, ["steps", "stress"]);
    assert_eq!(completion.completion.total, Some(2));
    assert_eq!(completion.completion.has_more, Some(false));

    let unknown = session
        .client
        .complete(CompleteRequestParams::new(
            Reference::Prompt(PromptReference::new("spine_checkin")),
            ArgumentInfo::new("mood", ""),
        ))
        .await
        .expect_err("unknown argument");
    assert!(unknown.to_string().contains("mood"), "{unknown}");
    session.client.cancel().await.expect("close");
}

#[tokio::test]
async fn resources_templates_read_and_complete() {
    let session = connect().await;
    let resources = session
        .client
        .list_all_resources()
        .await
        .expect("resources/list");
    assert_eq!(resources.len(), 1);
    assert_eq!(resources[0].uri, "spine://about");
    assert_eq!(resources[0].mime_type.as_deref(), Some("text/markdown"));

    let templates = session
        .client
        .list_all_resource_templates()
        .await
        .expect("templates/list");
    assert_eq!(templates.len(), 1);
    assert_eq!(templates[0].uri_template, "spine://day/{date}");

    let about = session
        .client
        .read_resource(ReadResourceRequestParams::new("spine://about"))
        .await
        .expect("read");
    let ResourceContents::TextResourceContents { text, uri, .. } = &about.contents[0] else {
        panic!("text expected");
    };
    assert_eq!(uri, "spine://about");
    assert!(text.contains("example provider"));

    let day = session
        .client
        .read_resource(ReadResourceRequestParams::new("spine://day/2026-01-02"))
        .await
        .expect("read template");
    let ResourceContents::TextResourceContents { text, .. } = &day.contents[0] else {
        panic!("text expected");
    };
    let value: Value = serde_json::from_str(text).expect("json");
    assert_eq!(value["date"], "2026-01-02");

    let missing = session
        .client
        .read_resource(ReadResourceRequestParams::new("spine://nothing"))
        .await
        .expect_err("no such resource");
    assert!(missing.to_string().contains("spine://nothing"), "{missing}");
    let bad_day = session
        .client
        .read_resource(ReadResourceRequestParams::new("spine://day/1999-01-01"))
        .await
        .expect_err("no data for that day");
    assert!(bad_day.to_string().contains("1999-01-01"), "{bad_day}");

    let completion = session
        .client
        .complete(CompleteRequestParams::new(
            Reference::Resource(ResourceTemplateReference::new("spine://day/{date}")),
            ArgumentInfo::new("date", "2026-01"),
        ))
        .await
        .expect("completion/complete");
    assert_eq!(
        completion.completion.values,
        ["2026-01-01", "2026-01-02", "2026-01-03"]
    );
    session.client.cancel().await.expect("close");
}
