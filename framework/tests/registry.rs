//! The registry's guarantees: one namespace, validated calls, checked and redacted
//! results.

use std::sync::Arc;

use delx_framework::registry::{CallError, PromptError};
use delx_framework::{
    AuthModel, CallContext, DynTool, ErrorKind, NullContext, Prompt, PromptArgs, PromptArgument,
    PromptMessage, PromptReply, PromptSpec, Provider, ProviderDescriptor, Registry, RegistryError,
    Tool, ToolAnnotations, ToolError, ToolOutput, async_trait,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

const fn descriptor(id: &'static str) -> ProviderDescriptor {
    ProviderDescriptor {
        id,
        display_name: id,
        home_dir: ".test-mcp",
        env_prefix: "TEST",
        scopes: &[],
        auth_model: AuthModel::None,
        api_boundary: "none",
        data_categories: &[],
        signals: &[],
        links: &[],
        version: "0.0.0",
        instructions: "",
        distribution: None,
    }
}

static ALPHA: ProviderDescriptor = descriptor("alpha");
static BETA: ProviderDescriptor = descriptor("beta");

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct Input {
    /// A count between 1 and 3.
    #[schemars(range(min = 1, max = 3))]
    n: u8,
}

#[derive(Serialize, JsonSchema)]
struct Output {
    doubled: u16,
    note: String,
}

/// Doubles `n`.
struct Double {
    name: &'static str,
}

#[async_trait]
impl Tool for Double {
    type Input = Input;
    type Output = Output;

    fn name(&self) -> &'static str {
        self.name
    }
    fn title(&self) -> &'static str {
        "Double"
    }
    fn description(&self) -> &'static str {
        "Doubles a small number."
    }
    fn annotations(&self) -> ToolAnnotations {
        ToolAnnotations::READ_LOCAL
    }

    async fn call(
        &self,
        input: Input,
        _ctx: &dyn CallContext,
    ) -> Result<ToolOutput<Output>, ToolError> {
        let output = Output {
            doubled: u16::from(input.n) * 2,
            note: "refresh_token=should-not-leak".into(),
        };
        Ok(ToolOutput::new(output).with_markdown("token: Bearer abcdefghijklmnop"))
    }
}

/// Claims an integer in its schema but serializes a string: a provider bug the
/// registry must catch before a client sees it.
#[derive(JsonSchema)]
struct Claimed {
    #[allow(dead_code)]
    doubled: u16,
}

impl Serialize for Claimed {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        json!({"doubled": "not a number"}).serialize(serializer)
    }
}

struct Liar;

#[async_trait]
impl Tool for Liar {
    type Input = Input;
    type Output = Claimed;

    fn name(&self) -> &'static str {
        "alpha_liar"
    }
    fn title(&self) -> &'static str {
        "Liar"
    }
    fn description(&self) -> &'static str {
        "Returns data that does not match its schema."
    }
    fn annotations(&self) -> ToolAnnotations {
        ToolAnnotations::READ_LOCAL
    }

    async fn call(
        &self,
        _input: Input,
        _ctx: &dyn CallContext,
    ) -> Result<ToolOutput<Claimed>, ToolError> {
        Ok(Claimed { doubled: 2 }.into())
    }
}

struct Fixture {
    descriptor: &'static ProviderDescriptor,
    tools: Vec<Arc<dyn DynTool>>,
    prompts: Vec<Arc<dyn Prompt>>,
}

impl Provider for Fixture {
    fn descriptor(&self) -> &'static ProviderDescriptor {
        self.descriptor
    }
    fn tools(&self) -> Vec<Arc<dyn DynTool>> {
        self.tools.clone()
    }
    fn prompts(&self) -> Vec<Arc<dyn Prompt>> {
        self.prompts.clone()
    }
    fn secrets(&self) -> Vec<String> {
        vec!["configured-secret-value".into()]
    }
}

fn provider(
    descriptor: &'static ProviderDescriptor,
    tools: Vec<Arc<dyn DynTool>>,
) -> Arc<dyn Provider> {
    Arc::new(Fixture {
        descriptor,
        tools,
        prompts: Vec::new(),
    })
}

fn double(name: &'static str) -> Arc<dyn DynTool> {
    Arc::new(Double { name })
}

#[test]
fn two_providers_with_one_tool_name_is_a_startup_error_naming_both() {
    let error = Registry::from_providers(vec![
        provider(&BETA, vec![double("shared_tool")]),
        provider(&ALPHA, vec![double("shared_tool")]),
    ])
    .err()
    .expect("duplicate names must fail");
    let text = error.to_string();
    assert!(
        matches!(error, RegistryError::Duplicate { kind: "tool", .. }),
        "{text}"
    );
    assert!(
        text.contains("`alpha`") && text.contains("`beta`") && text.contains("shared_tool"),
        "{text}"
    );
}

#[test]
fn tool_names_outside_the_mcp_charset_are_refused() {
    for bad in ["", "has space", "émoji", &"x".repeat(129)] {
        let name: &'static str = Box::leak(bad.to_owned().into_boxed_str());
        let error = Registry::from_providers(vec![provider(&ALPHA, vec![double(name)])]).err();
        assert!(
            matches!(error, Some(RegistryError::Invalid { .. })),
            "{bad:?} accepted"
        );
    }
}

#[test]
fn tools_are_listed_sorted_by_name_across_providers() {
    let registry = Registry::from_providers(vec![
        provider(&BETA, vec![double("beta_b"), double("beta_a")]),
        provider(&ALPHA, vec![double("alpha_z")]),
    ])
    .expect("registry");
    let names: Vec<&str> = registry.tools().map(|tool| tool.name).collect();
    assert_eq!(names, ["alpha_z", "beta_a", "beta_b"]);
    let ids: Vec<&str> = registry.descriptors().map(|d| d.id).collect();
    assert_eq!(ids, ["alpha", "beta"]);
}

#[tokio::test]
async fn arguments_are_validated_before_the_tool_runs() {
    let registry = Registry::from_providers(vec![provider(&ALPHA, vec![double("alpha_double")])])
        .expect("registry");
    let ctx = NullContext::default();
    for (arguments, expected) in [
        (json!({"n": 9}), "/n"),
        (json!({"n": 1, "m": 2}), "m"),
        (json!({}), "n"),
        (json!([1]), "JSON object"),
        (json!("n=1"), "JSON object"),
    ] {
        let Err(CallError::Failed(error)) = registry
            .call_tool("alpha_double", Some(arguments.clone()), &ctx)
            .await
        else {
            panic!("{arguments} was accepted");
        };
        assert_eq!(error.kind, ErrorKind::InvalidInput, "{arguments}");
        assert!(
            error.message.contains(expected),
            "{arguments}: {}",
            error.message
        );
    }
    let ok = registry
        .call_tool("alpha_double", Some(json!({"n": 3})), &ctx)
        .await
        .expect("valid call");
    assert_eq!(ok.structured["doubled"], 6);
}

#[tokio::test]
async fn missing_arguments_mean_an_empty_object() {
    let registry = Registry::from_providers(vec![provider(&ALPHA, vec![double("alpha_double")])])
        .expect("registry");
    let Err(CallError::Failed(error)) = registry
        .call_tool("alpha_double", None, &NullContext::default())
        .await
    else {
        panic!("n is required");
    };
    assert!(
        error.message.contains("\"n\" is a required property"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn results_are_redacted_in_structure_and_text() {
    let registry = Registry::from_providers(vec![provider(&ALPHA, vec![double("alpha_double")])])
        .expect("registry");
    let result = registry
        .call_tool(
            "alpha_double",
            Some(json!({"n": 1})),
            &NullContext::default(),
        )
        .await
        .expect("call");
    assert_eq!(result.structured["note"], "refresh_token=[REDACTED]");
    let text = result.text();
    assert!(!text.contains("abcdefghijklmnop"), "{text}");
}

#[tokio::test]
async fn a_result_that_breaks_its_output_schema_is_an_internal_error() {
    let liar: Arc<dyn DynTool> = Arc::new(Liar);
    let registry = Registry::from_providers(vec![provider(&ALPHA, vec![liar])]).expect("registry");
    let Err(CallError::Failed(error)) = registry
        .call_tool("alpha_liar", Some(json!({"n": 1})), &NullContext::default())
        .await
    else {
        panic!("a schema-breaking result must not reach clients");
    };
    assert_eq!(error.kind, ErrorKind::Internal);
    assert!(error.message.contains("output schema"), "{}", error.message);
}

#[tokio::test]
async fn an_unknown_tool_is_reported_as_such() {
    let registry = Registry::from_providers(vec![provider(&ALPHA, vec![double("alpha_double")])])
        .expect("registry");
    let outcome = registry
        .call_tool("alpha_missing", None, &NullContext::default())
        .await;
    assert!(matches!(outcome, Err(CallError::UnknownTool(name)) if name == "alpha_missing"));
}

struct Greeting;

#[async_trait]
impl Prompt for Greeting {
    fn spec(&self) -> PromptSpec {
        PromptSpec {
            name: "alpha_greet",
            title: "Greet",
            description: "Says hello.",
            arguments: vec![PromptArgument {
                name: "who",
                title: "Who",
                description: "Whom to greet.",
                required: true,
            }],
        }
    }

    async fn get(&self, args: &PromptArgs) -> Result<PromptReply, ToolError> {
        Ok(PromptReply {
            description: None,
            messages: vec![PromptMessage::user(format!(
                "Hello {}, your secret is configured-secret-value",
                args["who"]
            ))],
        })
    }
}

#[tokio::test]
async fn prompts_check_their_arguments_and_are_redacted() {
    let registry = Registry::from_providers(vec![Arc::new(Fixture {
        descriptor: &ALPHA,
        tools: Vec::new(),
        prompts: vec![Arc::new(Greeting)],
    })])
    .expect("registry");
    let missing = registry.get_prompt("alpha_greet", PromptArgs::new()).await;
    assert!(matches!(missing, Err(PromptError::InvalidArguments(text)) if text.contains("who")));
    let extra = registry
        .get_prompt(
            "alpha_greet",
            PromptArgs::from([("who".into(), "Ann".into()), ("x".into(), "1".into())]),
        )
        .await;
    assert!(matches!(extra, Err(PromptError::InvalidArguments(text)) if text.contains("`x`")));
    let reply = registry
        .get_prompt(
            "alpha_greet",
            PromptArgs::from([("who".into(), "Ann".into())]),
        )
        .await
        .expect("prompt");
    assert_eq!(
        reply.messages[0].text().unwrap_or_default(),
        "Hello Ann, your secret is [REDACTED]"
    );
}
