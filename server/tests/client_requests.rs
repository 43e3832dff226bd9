//! Requests the server sends to the client (sampling, elicitation), driven by
//! rmcp's client over stdio against the conformance example, whose fixture tools
//! are the only ones that ask. The official suite covers the happy paths over HTTP;
//! here the client's side is ours, so refusals, redaction and answers are checked.

#![allow(deprecated)] // Sampling is deprecated in 2026-07-28 but part of 2025-11-25.

mod support;

use std::sync::{Arc, Mutex};

use delx_withings::fake::DEMO_CLIENT_SECRET;
use rmcp::model::{
    ClientCapabilities, ClientConfig, CreateMessageRequestParams, CreateMessageResult,
    ElicitRequestParams, ElicitResult, ElicitationAction, Implementation, SamplingMessage,
};
use rmcp::service::{RequestContext, RunningService};
use rmcp::{ClientHandler, ErrorData, RoleClient};
use serde_json::{Value, json};
use support::text;

/// A client that declares sampling and elicitation only when `declares`, answers
/// with `elicitation`, and records what the server asked.
#[derive(Clone)]
struct Client {
    declares: bool,
    elicitation: ElicitResult,
    asked: Arc<Mutex<Vec<Value>>>,
}

impl Client {
    fn new(declares: bool, elicitation: ElicitResult) -> Self {
        Self {
            declares,
            elicitation,
            asked: Arc::default(),
        }
    }

    fn asked(&self) -> Vec<Value> {
        self.asked.lock().expect("lock").clone()
    }

    fn record(&self, request: &impl serde::Serialize) {
        let request = serde_json::to_value(request).expect("requests serialize");
        self.asked.lock().expect("lock").push(request);
    }
}

impl ClientHandler for Client {
    fn get_info(&self) -> ClientConfig {
        let capabilities = if self.declares {
            ClientCapabilities::builder()
                .enable_sampling()
                .enable_elicitation()
                .build()
        } else {
            ClientCapabilities::default()
        };
        ClientConfig::new(
            capabilities,
            Implementation::new("client-requests-test", "0"),
        )
    }

    async fn create_message(
        &self,
        params: CreateMessageRequestParams,
        _context: RequestContext<RoleClient>,
    ) -> Result<CreateMessageResult, ErrorData> {
        self.record(&params);
        Ok(CreateMessageResult::new(
            SamplingMessage::assistant_text("Paris."),
            "test-model".into(),
        ))
    }

    async fn create_elicitation(
        &self,
        request: ElicitRequestParams,
        _context: RequestContext<RoleClient>,
    ) -> Result<ElicitResult, ErrorData> {
        self.record(&request);
        Ok(self.elicitation.clone())
    }
}

struct Session {
    service: RunningService<RoleClient, Client>,
    client: Client,
    _home: tempfile::TempDir,
}

async fn connect(client: Client) -> Session {
    let home = tempfile::tempdir().expect("temp home");
    let mut command = tokio::process::Command::new(support::example("withings-mcp-conformance"));
    command
        .env_clear()
        .env("HOME", home.path())
        .arg("demo")
        .kill_on_drop(true);
    let service = support::serve_stdio(client.clone(), command).await;
    Session {
        service,
        client,
        _home: home,
    }
}

impl Session {
    /// Calls `name` and returns its text, once it is a tool error or not as expected.
    async fn says(&self, name: &str, arguments: Value, is_error: bool) -> String {
        let result = self
            .service
            .call_tool(support::tool_call(name, arguments))
            .await
            .expect("tools/call");
        let said = text(&result);
        assert_eq!(result.is_error, Some(is_error), "{name}: {said}");
        said
    }

    /// Calls the fixture that asks the user who they are.
    async fn ask_who(&self, is_error: bool) -> String {
        self.says("test_elicitation", json!({"message": WHO}), is_error)
            .await
    }
}

const WHO: &str = "Who are you?";

fn declined() -> ElicitResult {
    ElicitResult::new(ElicitationAction::Decline)
}

#[tokio::test]
async fn a_client_that_did_not_declare_sampling_or_elicitation_is_never_asked() {
    let session = connect(Client::new(false, declined())).await;

    let said = session
        .says("test_sampling", json!({"prompt": "Hi"}), true)
        .await;
    assert!(said.contains("does not support sampling"), "{said}");

    let said = session.ask_who(true).await;
    assert!(said.contains("does not support elicitation"), "{said}");

    assert!(
        session.client.asked().is_empty(),
        "{:?}",
        session.client.asked()
    );
}

#[tokio::test]
async fn sampling_sends_the_prompt_without_secrets_and_returns_the_models_answer() {
    let session = connect(Client::new(true, declined())).await;

    let prompt = format!("What is the capital of France? My secret is {DEMO_CLIENT_SECRET}.");
    let said = session
        .says("test_sampling", json!({"prompt": prompt}), false)
        .await;
    assert!(said.contains("LLM response: Paris."), "{said}");

    let asked = session.client.asked();
    assert_eq!(asked.len(), 1, "{asked:?}");
    let sent = asked[0]["messages"][0]["content"]["text"]
        .as_str()
        .unwrap_or_default();
    assert!(sent.starts_with("What is the capital of France?"), "{sent}");
    assert!(!sent.contains(DEMO_CLIENT_SECRET), "{sent}");
    assert_eq!(asked[0]["messages"][0]["role"], "user", "{asked:?}");
    assert_eq!(asked[0]["maxTokens"], 100, "{asked:?}");
}

#[tokio::test]
async fn an_accepted_elicitation_returns_what_the_user_entered() {
    let answer = ElicitResult::new(ElicitationAction::Accept)
        .with_content(json!({"username": "ada", "email": "ada@example.org"}));
    let session = connect(Client::new(true, answer)).await;

    let said = session.ask_who(false).await;
    assert!(said.contains("action=accept"), "{said}");
    assert!(said.contains(r#""username":"ada""#), "{said}");
    assert!(said.contains(r#""email":"ada@example.org""#), "{said}");

    let asked = session.client.asked();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(asked[0]["message"], WHO, "{asked:?}");
    let schema = &asked[0]["requestedSchema"];
    assert_eq!(schema["type"], "object", "{schema}");
    assert_eq!(schema["properties"]["email"]["type"], "string", "{schema}");
    let required = schema["required"].as_array().cloned().unwrap_or_default();
    assert!(required.contains(&json!("username")), "{schema}");
    assert!(required.contains(&json!("email")), "{schema}");
}

#[tokio::test]
async fn a_declined_elicitation_is_reported_with_no_content() {
    let session = connect(Client::new(true, declined())).await;

    let said = session.ask_who(false).await;
    assert!(said.contains("action=decline, content={}"), "{said}");
    assert_eq!(session.client.asked().len(), 1);
}
