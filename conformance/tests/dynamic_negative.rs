//! Each dynamic check fails alone when a connector misbehaves in exactly its way:
//! a stub connector answers well except for one defect.

use delx_conformance::{Caller, Outcome, Report, Surface, SurfaceTool, run_checks};
use serde_json::{Map, Value, json};

const SECRET: &str = "canary-secret-0b7e41d2";

#[derive(Clone, Copy, PartialEq)]
enum Defect {
    None,
    FailsToAnswer,
    ProtocolErrorOnBadArguments,
    LeaksSecret,
    RawByDefault,
    TableInMarkdown,
    AliasOverwritesUpstream,
    EmptyManifest,
    ResultOffSchema,
}

struct Stub(Defect);

#[delx_framework::async_trait]
impl Caller for Stub {
    async fn call(&self, tool: &str, arguments: Value) -> Outcome {
        if tool == "acme_agent_manifest" && arguments.get("conformance_unknown_argument").is_none()
        {
            let first = if self.0 == Defect::EmptyManifest {
                json!([])
            } else {
                json!(["acme_list_steps"])
            };
            return Outcome::Answer {
                structured: json!({"recommended_first_calls": first, "standard_tools": ["acme_list_steps"]}),
                text: "**Acme agent manifest**".into(),
            };
        }
        if arguments.get("conformance_unknown_argument").is_some() {
            return match self.0 {
                Defect::ProtocolErrorOnBadArguments => {
                    Outcome::ProtocolError("-32602 invalid params".into())
                }
                _ => Outcome::ToolError("unknown argument".into()),
            };
        }
        let markdown = arguments.get("response_format") == Some(&json!("markdown"));
        let mode = arguments.get("privacy_mode").and_then(Value::as_str);
        if self.0 == Defect::AliasOverwritesUpstream && mode.is_some() {
            let steps = if mode == Some("raw") { 5 } else { 6 };
            return Outcome::Answer {
                structured: json!({"privacy_mode": mode, "records": [{"date": "2026-01-01", "steps": steps}]}),
                text: "{}".into(),
            };
        }
        match self.0 {
            Defect::ResultOffSchema => Outcome::Answer {
                structured: json!({"privacy_mode": "structured", "records": "not a list"}),
                text: "- ok".into(),
            },
            Defect::FailsToAnswer => Outcome::ToolError("upstream down".into()),
            Defect::LeaksSecret => Outcome::Answer {
                structured: json!({"privacy_mode": "structured", "token": SECRET}),
                text: "- ok".into(),
            },
            Defect::RawByDefault => Outcome::Answer {
                structured: json!({"privacy_mode": "raw", "records": []}),
                text: "- ok".into(),
            },
            Defect::TableInMarkdown if markdown => Outcome::Answer {
                structured: json!({"privacy_mode": "structured"}),
                text: "| day | steps |\n|---|---|\n| 1 | 2 |".into(),
            },
            _ => Outcome::Answer {
                structured: json!({"privacy_mode": "structured", "records": []}),
                text: if markdown {
                    "**Steps**\n- 1: 2".into()
                } else {
                    "{}".into()
                },
            },
        }
    }
}

fn records_schema() -> Map<String, Value> {
    let Value::Object(schema) = json!({
        "type": "object",
        "properties": {"records": {"type": "array"}, "privacy_mode": {"type": "string"}}
    }) else {
        unreachable!()
    };
    schema
}

fn surface() -> Surface {
    let Value::Object(input) = json!({
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "privacy_mode": {"description": "mode", "enum": ["summary", "structured", "raw"]},
            "response_format": {"description": "format", "enum": ["markdown", "json"]}
        }
    }) else {
        unreachable!()
    };
    let manifest = SurfaceTool {
        name: "acme_agent_manifest".into(),
        title: Some("Agent manifest".into()),
        description: Some(
            "How an agent should use the Acme connector, first calls included.".into(),
        ),
        read_only: Some(true),
        destructive: Some(false),
        idempotent: Some(true),
        open_world: Some(false),
        input_schema: Map::new(),
        output_schema: Some(Map::new()),
    };
    Surface {
        tools: vec![
            manifest,
            SurfaceTool {
                name: "acme_list_steps".into(),
                title: Some("List steps".into()),
                description: Some("Lists the user's daily steps over a window of days.".into()),
                read_only: Some(true),
                destructive: Some(false),
                idempotent: Some(true),
                open_world: Some(true),
                input_schema: input,
                output_schema: Some(records_schema()),
            },
        ],
        ..Surface::default()
    }
}

async fn report(defect: Defect) -> Report {
    Report::new(run_checks(&surface(), &Stub(defect), &[SECRET.to_owned()]).await)
}

#[tokio::test]
async fn each_dynamic_check_fails_alone_on_its_defect() {
    assert!(report(Defect::None).await.failed().is_empty());
    for (defect, id) in [
        (Defect::FailsToAnswer, "dynamic.tools_succeed"),
        (
            Defect::ProtocolErrorOnBadArguments,
            "dynamic.argument_errors_are_tool_errors",
        ),
        (Defect::LeaksSecret, "dynamic.no_secret_in_output"),
        (Defect::RawByDefault, "dynamic.raw_only_on_request"),
        (Defect::TableInMarkdown, "dynamic.markdown_is_chat_safe"),
        (Defect::AliasOverwritesUpstream, "dynamic.upstream_wins"),
        (Defect::EmptyManifest, "dynamic.agent_manifest"),
        (Defect::ResultOffSchema, "dynamic.tools_succeed"),
    ] {
        let report = report(defect).await;
        assert_eq!(report.failed(), [id], "{}", report.text());
    }
}
