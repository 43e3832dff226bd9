//! The `test` provider: the fixtures the official MCP conformance suite calls, with
//! the names and content its scenarios check. Each goes through the registry like
//! any tool, so validation, redaction and content mapping are the real ones.

use std::sync::Arc;
use std::time::Duration;

use delx_framework::{
    AuthModel, BuildContext, CallContext, DynTool, EmbeddedResource, LogLevel, Media, NoInput,
    Prompt, PromptArgs, PromptArgument, PromptContent, PromptMessage, PromptReply, PromptRole,
    PromptSpec, Provider, ProviderDescriptor, ProviderRegistration, Resource, ResourceContent,
    ResourceSpec, ResourceSpecUri, Tool, ToolAnnotations, ToolError, ToolOutput, ToolResult,
    ToolSpec, UriTemplate, UriVars, async_trait, inventory,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

static DESCRIPTOR: ProviderDescriptor = ProviderDescriptor {
    id: "test",
    display_name: "MCP conformance fixtures (test only)",
    home_dir: ".mcp-conformance-fixtures",
    env_prefix: "MCP_CONFORMANCE",
    scopes: &[],
    auth_model: AuthModel::None,
    api_boundary: "Nothing leaves the machine: every answer is a fixed fixture.",
    data_categories: &["test"],
    signals: &[],
    links: &[],
    version: env!("CARGO_PKG_VERSION"),
    instructions: "",
    distribution: None,
};

inventory::submit! {
    ProviderRegistration { descriptor: &DESCRIPTOR, build, commands: &[], demo: None }
}

fn build(_ctx: &BuildContext) -> Result<Arc<dyn Provider>, delx_framework::provider::BuildError> {
    Ok(Arc::new(Fixtures))
}

struct Fixtures;

impl Provider for Fixtures {
    fn descriptor(&self) -> &'static ProviderDescriptor {
        &DESCRIPTOR
    }

    fn tools(&self) -> Vec<Arc<dyn DynTool>> {
        let mut tools: Vec<Arc<dyn DynTool>> = [
            Kind::SimpleText,
            Kind::Image,
            Kind::Audio,
            Kind::EmbeddedResource,
            Kind::Mixed,
            Kind::Logging,
            Kind::Error,
            Kind::Progress,
            Kind::Reconnection,
            Kind::ElicitDefaults,
            Kind::ElicitEnums,
        ]
        .into_iter()
        .map(|kind| Arc::new(Fixed(kind)) as Arc<dyn DynTool>)
        .collect();
        tools.push(Arc::new(Sampling));
        tools.push(Arc::new(Elicitation));
        tools.push(Arc::new(Schema2020));
        tools
    }

    fn prompts(&self) -> Vec<Arc<dyn Prompt>> {
        [
            PromptKind::Simple,
            PromptKind::WithArguments,
            PromptKind::EmbeddedResource,
            PromptKind::Image,
        ]
        .into_iter()
        .map(|kind| Arc::new(FixturePrompt(kind)) as Arc<dyn Prompt>)
        .collect()
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        [
            ResourceKind::StaticText,
            ResourceKind::StaticBinary,
            ResourceKind::Template,
            ResourceKind::Watched,
        ]
        .into_iter()
        .map(|kind| Arc::new(FixtureResource(kind)) as Arc<dyn Resource>)
        .collect()
    }
}

/// A 2x2 red PNG, encoded for real.
fn png() -> Media {
    let mut data = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut data, 2, 2);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().expect("a fixed PNG header encodes");
        writer
            .write_image_data(&[255, 0, 0].repeat(4))
            .expect("four fixed pixels encode");
    }
    Media {
        mime_type: "image/png".into(),
        data,
    }
}

/// A tenth of a second of silence: PCM, 8 kHz, mono, 16-bit, with a RIFF header.
fn wav() -> Media {
    const RATE: u32 = 8000;
    let samples = vec![0u8; (RATE / 10 * 2) as usize];
    let len = u32::try_from(samples.len()).unwrap_or(0);
    let mut data = Vec::with_capacity(44 + samples.len());
    data.extend_from_slice(b"RIFF");
    data.extend_from_slice(&(36 + len).to_le_bytes());
    data.extend_from_slice(b"WAVEfmt ");
    data.extend_from_slice(&16u32.to_le_bytes());
    data.extend_from_slice(&1u16.to_le_bytes()); // PCM
    data.extend_from_slice(&1u16.to_le_bytes()); // mono
    data.extend_from_slice(&RATE.to_le_bytes());
    data.extend_from_slice(&(RATE * 2).to_le_bytes()); // bytes per second
    data.extend_from_slice(&2u16.to_le_bytes()); // block align
    data.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    data.extend_from_slice(b"data");
    data.extend_from_slice(&len.to_le_bytes());
    data.extend_from_slice(&samples);
    Media {
        mime_type: "audio/wav".into(),
        data,
    }
}

fn text_resource(uri: &str, mime_type: &str, text: &str) -> EmbeddedResource {
    EmbeddedResource {
        uri: uri.into(),
        content: ResourceContent::Text {
            mime_type: mime_type.into(),
            text: text.into(),
        },
    }
}

#[derive(Serialize, JsonSchema)]
struct Done {
    done: bool,
}

fn done(markdown: impl Into<String>) -> ToolOutput<Done> {
    ToolOutput::new(Done { done: true }).with_markdown(markdown)
}

const LOCAL: ToolAnnotations = ToolAnnotations::READ_LOCAL;

/// The argument-less fixtures.
#[derive(Clone, Copy)]
enum Kind {
    SimpleText,
    Image,
    Audio,
    EmbeddedResource,
    Mixed,
    Logging,
    Error,
    Progress,
    Reconnection,
    ElicitDefaults,
    ElicitEnums,
}

struct Fixed(Kind);

#[async_trait]
impl Tool for Fixed {
    type Input = NoInput;
    type Output = Done;

    fn name(&self) -> &'static str {
        match self.0 {
            Kind::SimpleText => "test_simple_text",
            Kind::Image => "test_image_content",
            Kind::Audio => "test_audio_content",
            Kind::EmbeddedResource => "test_embedded_resource",
            Kind::Mixed => "test_multiple_content_types",
            Kind::Logging => "test_tool_with_logging",
            Kind::Error => "test_error_handling",
            Kind::Progress => "test_tool_with_progress",
            Kind::Reconnection => "test_reconnection",
            Kind::ElicitDefaults => "test_elicitation_sep1034_defaults",
            Kind::ElicitEnums => "test_elicitation_sep1330_enums",
        }
    }
    fn title(&self) -> &'static str {
        "Conformance fixture"
    }
    fn description(&self) -> &'static str {
        match self.0 {
            Kind::SimpleText => "Returns a fixed text.",
            Kind::Image => "Returns a small PNG image.",
            Kind::Audio => "Returns a short WAV sound.",
            Kind::EmbeddedResource => "Returns an embedded text resource.",
            Kind::Mixed => "Returns text, an image and an embedded resource.",
            Kind::Logging => "Sends three info log messages while it runs.",
            Kind::Error => "Always fails, as a tool error.",
            Kind::Progress => "Reports progress at 0, 50 and 100 of 100.",
            Kind::Reconnection => "Answers after a short pause.",
            Kind::ElicitDefaults => "Asks the user for fields that all have defaults.",
            Kind::ElicitEnums => "Asks the user to choose among the five kinds of enum.",
        }
    }
    fn annotations(&self) -> ToolAnnotations {
        LOCAL
    }

    async fn call(
        &self,
        _input: NoInput,
        ctx: &dyn CallContext,
    ) -> Result<ToolOutput<Done>, ToolError> {
        let pause = || tokio::time::sleep(Duration::from_millis(50));
        Ok(match self.0 {
            Kind::SimpleText => done("This is a simple text response for testing."),
            Kind::Image => done("A red square.").with_image(png()),
            Kind::Audio => done("A short silence.").with_audio(wav()),
            Kind::EmbeddedResource => done("An embedded resource.").with_resource(text_resource(
                "test://embedded-resource",
                "text/plain",
                "This is an embedded resource content.",
            )),
            Kind::Mixed => done("Multiple content types test:")
                .with_image(png())
                .with_resource(text_resource(
                    "test://mixed-content-resource",
                    "application/json",
                    r#"{"test":"data","value":123}"#,
                )),
            Kind::Logging => {
                ctx.log(LogLevel::Info, "Tool execution started").await;
                pause().await;
                ctx.log(LogLevel::Info, "Tool processing data").await;
                pause().await;
                ctx.log(LogLevel::Info, "Tool execution completed").await;
                done("Logged three messages.")
            }
            Kind::Error => {
                return Err(ToolError::internal(
                    "This tool intentionally returns an error for testing",
                )
                .with_next_step("None: this fixture always fails."));
            }
            Kind::Progress => {
                for (step, done_so_far) in [0.0, 50.0, 100.0].into_iter().enumerate() {
                    if step > 0 {
                        pause().await;
                    }
                    ctx.progress(done_so_far, Some(100.0), None).await;
                }
                done("Progress reported.")
            }
            Kind::Reconnection => {
                tokio::time::sleep(Duration::from_millis(100)).await;
                done("Reconnection test completed.")
            }
            Kind::ElicitDefaults => {
                elicit(
                    ctx,
                    "Please confirm or change these values.",
                    defaults_schema(),
                    "Elicitation completed",
                )
                .await?
            }
            Kind::ElicitEnums => {
                elicit(
                    ctx,
                    "Please pick some options.",
                    enums_schema(),
                    "Elicitation completed",
                )
                .await?
            }
        })
    }
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn defaults_schema() -> Map<String, Value> {
    object(json!({
        "type": "object",
        "properties": {
            "name": {"type": "string", "description": "Name", "default": "John Doe"},
            "age": {"type": "integer", "description": "Age", "default": 30},
            "score": {"type": "number", "description": "Score", "default": 95.5},
            "status": {
                "type": "string",
                "description": "Status",
                "enum": ["active", "inactive", "pending"],
                "default": "active"
            },
            "verified": {"type": "boolean", "description": "Verified", "default": true}
        }
    }))
}

fn enums_schema() -> Map<String, Value> {
    object(json!({
        "type": "object",
        "properties": {
            "untitledSingle": {"type": "string", "enum": ["option1", "option2", "option3"]},
            "titledSingle": {"type": "string", "oneOf": [
                {"const": "value1", "title": "First Option"},
                {"const": "value2", "title": "Second Option"},
                {"const": "value3", "title": "Third Option"}
            ]},
            "legacyEnum": {
                "type": "string",
                "enum": ["opt1", "opt2", "opt3"],
                "enumNames": ["Option One", "Option Two", "Option Three"]
            },
            "untitledMulti": {
                "type": "array",
                "items": {"type": "string", "enum": ["option1", "option2", "option3"]}
            },
            "titledMulti": {
                "type": "array",
                "items": {"anyOf": [
                    {"const": "value1", "title": "First Choice"},
                    {"const": "value2", "title": "Second Choice"},
                    {"const": "value3", "title": "Third Choice"}
                ]}
            }
        }
    }))
}

/// Asks the client; its refusal (no elicitation support) is the tool's error.
/// The answer is reported after `said`.
async fn elicit(
    ctx: &dyn CallContext,
    message: &str,
    schema: Map<String, Value>,
    said: &str,
) -> Result<ToolOutput<Done>, ToolError> {
    let answer = ctx
        .elicit(message, &schema)
        .await
        .map_err(|error| ToolError::user_action_required(error.to_string()))?;
    let action = serde_json::to_value(answer.action).unwrap_or(Value::Null);
    let content = Value::Object(answer.content.unwrap_or_default());
    Ok(done(format!(
        "{said}: action={}, content={content}",
        action.as_str().unwrap_or("unknown")
    )))
}

struct Sampling;

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct SamplingInput {
    /// What to ask the client's model.
    prompt: String,
}

#[async_trait]
impl Tool for Sampling {
    type Input = SamplingInput;
    type Output = Done;

    fn name(&self) -> &'static str {
        "test_sampling"
    }
    fn title(&self) -> &'static str {
        "Conformance fixture"
    }
    fn description(&self) -> &'static str {
        "Asks the client's model to answer `prompt` and returns its answer."
    }
    fn annotations(&self) -> ToolAnnotations {
        LOCAL
    }

    async fn call(
        &self,
        input: SamplingInput,
        ctx: &dyn CallContext,
    ) -> Result<ToolOutput<Done>, ToolError> {
        let reply = ctx
            .sample(&input.prompt, 100)
            .await
            .map_err(|error| ToolError::user_action_required(error.to_string()))?;
        Ok(done(format!("LLM response: {reply}")))
    }
}

struct Elicitation;

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ElicitationInput {
    /// What to tell the user.
    message: String,
}

#[async_trait]
impl Tool for Elicitation {
    type Input = ElicitationInput;
    type Output = Done;

    fn name(&self) -> &'static str {
        "test_elicitation"
    }
    fn title(&self) -> &'static str {
        "Conformance fixture"
    }
    fn description(&self) -> &'static str {
        "Asks the user for a user name and an email address."
    }
    fn annotations(&self) -> ToolAnnotations {
        LOCAL
    }

    async fn call(
        &self,
        input: ElicitationInput,
        ctx: &dyn CallContext,
    ) -> Result<ToolOutput<Done>, ToolError> {
        let schema = object(json!({
            "type": "object",
            "properties": {
                "username": {"type": "string", "description": "User's response"},
                "email": {"type": "string", "description": "User's email address"}
            },
            "required": ["username", "email"]
        }));
        elicit(ctx, &input.message, schema, "User response").await
    }
}

/// A hand-written 2020-12 input schema with `$defs` and a `$ref`, which the
/// server must advertise unchanged.
struct Schema2020;

#[async_trait]
impl DynTool for Schema2020 {
    fn spec(&self) -> ToolSpec {
        ToolSpec {
            name: "json_schema_2020_12_tool",
            title: "Conformance fixture",
            description: "Tool with JSON Schema 2020-12 features; echoes its arguments.",
            annotations: LOCAL,
            input_schema: object(json!({
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "type": "object",
                "$defs": {
                    "address": {
                        "type": "object",
                        "properties": {
                            "street": {"type": "string"},
                            "city": {"type": "string"}
                        }
                    }
                },
                "properties": {
                    "name": {"type": "string"},
                    "address": {"$ref": "#/$defs/address"}
                },
                "additionalProperties": false
            })),
            output_schema: object(json!({"type": "object"})),
        }
    }

    async fn call_json(
        &self,
        arguments: Value,
        _ctx: &dyn CallContext,
    ) -> Result<ToolResult, ToolError> {
        Ok(ToolResult {
            markdown: Some(format!("Received: {arguments}")),
            structured: arguments,
            images: Vec::new(),
            audio: Vec::new(),
            resources: Vec::new(),
            links: Vec::new(),
            provenance: None,
        })
    }
}

#[derive(Clone, Copy)]
enum PromptKind {
    Simple,
    WithArguments,
    EmbeddedResource,
    Image,
}

struct FixturePrompt(PromptKind);

fn argument(name: &'static str, description: &'static str) -> PromptArgument {
    PromptArgument {
        name,
        title: name,
        description,
        required: true,
    }
}

fn user(content: PromptContent) -> PromptMessage {
    PromptMessage::new(PromptRole::User, content)
}

#[async_trait]
impl Prompt for FixturePrompt {
    fn spec(&self) -> PromptSpec {
        let (name, description, arguments) = match self.0 {
            PromptKind::Simple => ("test_simple_prompt", "A fixed prompt.", vec![]),
            PromptKind::WithArguments => (
                "test_prompt_with_arguments",
                "A prompt quoting its two arguments.",
                vec![
                    argument("arg1", "First test argument"),
                    argument("arg2", "Second test argument"),
                ],
            ),
            PromptKind::EmbeddedResource => (
                "test_prompt_with_embedded_resource",
                "A prompt embedding a resource.",
                vec![argument("resourceUri", "URI of the resource to embed")],
            ),
            PromptKind::Image => ("test_prompt_with_image", "A prompt with an image.", vec![]),
        };
        PromptSpec {
            name,
            title: "Conformance fixture",
            description,
            arguments,
        }
    }

    async fn get(&self, args: &PromptArgs) -> Result<PromptReply, ToolError> {
        let arg = |name: &str| args.get(name).cloned().unwrap_or_default();
        let messages = match self.0 {
            PromptKind::Simple => vec![PromptMessage::user("This is a simple prompt for testing.")],
            PromptKind::WithArguments => vec![PromptMessage::user(format!(
                "Prompt with arguments: arg1='{}', arg2='{}'",
                arg("arg1"),
                arg("arg2")
            ))],
            PromptKind::EmbeddedResource => vec![
                user(PromptContent::Resource(text_resource(
                    &arg("resourceUri"),
                    "text/plain",
                    "Embedded resource content for testing.",
                ))),
                PromptMessage::user("Please process the embedded resource above."),
            ],
            PromptKind::Image => vec![
                user(PromptContent::Image(png())),
                PromptMessage::user("Please analyze the image above."),
            ],
        };
        Ok(PromptReply {
            description: None,
            messages,
        })
    }

    async fn complete(&self, argument: &str, _context: &PromptArgs) -> Vec<String> {
        match (self.0, argument) {
            (PromptKind::WithArguments, "arg1") => ["paris", "park", "party", "test", "testing"]
                .map(str::to_owned)
                .to_vec(),
            _ => Vec::new(),
        }
    }
}

#[derive(Clone, Copy)]
enum ResourceKind {
    StaticText,
    StaticBinary,
    Template,
    Watched,
}

struct FixtureResource(ResourceKind);

#[async_trait]
impl Resource for FixtureResource {
    fn spec(&self) -> ResourceSpec {
        let (uri, name, mime_type) = match self.0 {
            ResourceKind::StaticText => ("test://static-text", "test_static_text", "text/plain"),
            ResourceKind::StaticBinary => {
                ("test://static-binary", "test_static_binary", "image/png")
            }
            ResourceKind::Template => (
                "test://template/{id}/data",
                "test_template",
                "application/json",
            ),
            ResourceKind::Watched => ("test://watched-resource", "test_watched", "text/plain"),
        };
        let uri = match self.0 {
            ResourceKind::Template => match UriTemplate::parse(uri) {
                Ok(template) => ResourceSpecUri::Template(template),
                Err(_) => ResourceSpecUri::Static(uri.into()),
            },
            _ => ResourceSpecUri::Static(uri.into()),
        };
        ResourceSpec {
            uri,
            name,
            title: "Conformance fixture",
            description: "A fixture of the official MCP conformance suite.",
            mime_type,
            follows_data: matches!(self.0, ResourceKind::Watched),
        }
    }

    async fn read(&self, _uri: &str, vars: &UriVars) -> Result<ResourceContent, ToolError> {
        let text = |mime_type: &str, text: String| ResourceContent::Text {
            mime_type: mime_type.into(),
            text,
        };
        Ok(match self.0 {
            ResourceKind::StaticText => text(
                "text/plain",
                "This is the content of the static text resource.".into(),
            ),
            ResourceKind::StaticBinary => {
                let image = png();
                ResourceContent::Blob {
                    mime_type: image.mime_type,
                    data: image.data,
                }
            }
            ResourceKind::Template => {
                let id = vars.get("id").cloned().unwrap_or_default();
                let body =
                    json!({"id": id, "templateTest": true, "data": format!("Data for ID: {id}")});
                text("application/json", body.to_string())
            }
            ResourceKind::Watched => text("text/plain", "A resource to subscribe to.".into()),
        })
    }
}
