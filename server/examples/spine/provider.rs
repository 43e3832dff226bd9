//! The `spine` provider: one of each thing a provider can offer.

use std::sync::Arc;
use std::time::Duration;

use delx_framework::{
    AuthModel, BuildContext, CallContext, DynTool, LogLevel, Prompt, PromptArgs, PromptArgument,
    PromptMessage, PromptReply, PromptSpec, Provider, ProviderDescriptor, ProviderRegistration,
    Resource, ResourceContent, ResourceLink, ResourceSpec, ResourceSpecUri, Tool, ToolAnnotations,
    ToolError, ToolOutput, UriTemplate, UriVars, async_trait, inventory,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

static DESCRIPTOR: ProviderDescriptor = ProviderDescriptor {
    id: "spine",
    display_name: "Spine example",
    home_dir: ".spine-mcp",
    env_prefix: "SPINE",
    scopes: &[],
    auth_model: AuthModel::None,
    api_boundary: "Nothing leaves the machine: every answer is computed locally.",
    data_categories: &["example"],
    signals: &["count"],
    links: &[],
    version: env!("CARGO_PKG_VERSION"),
    instructions: "The spine provider is an example; its tools count, echo and fail on purpose.",
    distribution: None,
};

inventory::submit! {
    ProviderRegistration { descriptor: &DESCRIPTOR, build, commands: &[], demo: None }
}

fn build(ctx: &BuildContext) -> Result<Arc<dyn Provider>, delx_framework::provider::BuildError> {
    Ok(Arc::new(Spine {
        secret: ctx.env("SPINE_CLIENT_SECRET").map(str::to_owned),
    }))
}

struct Spine {
    /// Stands in for a configured client secret, to prove it never leaks.
    secret: Option<String>,
}

impl Provider for Spine {
    fn descriptor(&self) -> &'static ProviderDescriptor {
        &DESCRIPTOR
    }

    fn tools(&self) -> Vec<Arc<dyn DynTool>> {
        vec![
            Arc::new(Count),
            Arc::new(Echo),
            Arc::new(Fail {
                secret: self.secret.clone(),
            }),
        ]
    }

    fn prompts(&self) -> Vec<Arc<dyn Prompt>> {
        vec![Arc::new(Checkin)]
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(About), Arc::new(Day)]
    }

    fn secrets(&self) -> Vec<String> {
        self.secret.iter().cloned().collect()
    }
}

/// Counts slowly, reporting progress and logging each step; stops when cancelled.
struct Count;

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct CountInput {
    /// How many steps to count, 1 to 20.
    #[schemars(range(min = 1, max = 20))]
    steps: u32,
    /// Pause between steps in milliseconds, at most 2000.
    #[serde(default)]
    #[schemars(range(max = 2000))]
    delay_ms: u64,
}

#[derive(Serialize, JsonSchema)]
struct CountOutput {
    /// Steps completed.
    counted: u32,
    /// True when the caller cancelled before the end.
    cancelled: bool,
}

#[async_trait]
impl Tool for Count {
    type Input = CountInput;
    type Output = CountOutput;

    fn name(&self) -> &'static str {
        "spine_count"
    }
    fn title(&self) -> &'static str {
        "Count with progress"
    }
    fn description(&self) -> &'static str {
        "Counts to `steps`, reporting progress and an info log line at each step."
    }
    fn annotations(&self) -> ToolAnnotations {
        ToolAnnotations::READ_LOCAL
    }

    async fn call(
        &self,
        input: CountInput,
        ctx: &dyn CallContext,
    ) -> Result<ToolOutput<CountOutput>, ToolError> {
        let mut counted = 0;
        for step in 1..=input.steps {
            if ctx.is_cancelled() {
                return Ok(CountOutput {
                    counted,
                    cancelled: true,
                }
                .into());
            }
            tokio::time::sleep(Duration::from_millis(input.delay_ms)).await;
            counted = step;
            ctx.progress(
                f64::from(step),
                Some(f64::from(input.steps)),
                Some(&format!("step {step}")),
            )
            .await;
            ctx.log(
                LogLevel::Info,
                &format!("counted {step} of {}", input.steps),
            )
            .await;
        }
        ctx.log(LogLevel::Debug, "count finished").await;
        Ok(ToolOutput::new(CountOutput {
            counted,
            cancelled: false,
        })
        .with_markdown(format!("- Counted: {counted}")))
    }
}

/// Echoes text back, with a markdown rendering and a link to a resource.
struct Echo;

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct EchoInput {
    /// The text to echo; not empty.
    #[schemars(length(min = 1, max = 200))]
    text: String,
    /// How many times, 1 to 5.
    #[serde(default = "one")]
    #[schemars(range(min = 1, max = 5))]
    times: u8,
    /// `markdown` (default) or `json`.
    #[serde(default)]
    response_format: delx_framework::ResponseFormat,
    /// Attach a tiny PNG badge as image content.
    #[serde(default)]
    badge: bool,
}

/// A 1x1 PNG, the smallest image worth sending.
const BADGE_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60, 0x60, 0x60, 0xf8,
    0x0f, 0x00, 0x01, 0x04, 0x01, 0x00, 0x5f, 0x9b, 0x3d, 0x8a, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

fn one() -> u8 {
    1
}

#[derive(Serialize, JsonSchema)]
struct EchoOutput {
    echoed: Vec<String>,
}

#[async_trait]
impl Tool for Echo {
    type Input = EchoInput;
    type Output = EchoOutput;

    fn name(&self) -> &'static str {
        "spine_echo"
    }
    fn title(&self) -> &'static str {
        "Echo"
    }
    fn description(&self) -> &'static str {
        "Returns `text` repeated `times` times, as structured data and markdown."
    }
    fn annotations(&self) -> ToolAnnotations {
        ToolAnnotations::READ_LOCAL
    }

    async fn call(
        &self,
        input: EchoInput,
        _ctx: &dyn CallContext,
    ) -> Result<ToolOutput<EchoOutput>, ToolError> {
        let echoed = vec![input.text; usize::from(input.times)];
        let mut output = ToolOutput::new(EchoOutput {
            echoed: echoed.clone(),
        })
        .with_link(ResourceLink {
            uri: "spine://about".into(),
            name: "about".into(),
            description: Some("What the spine provider is".into()),
            mime_type: Some("text/markdown".into()),
        });
        if input.badge {
            output = output.with_image(delx_framework::Image {
                mime_type: "image/png".into(),
                data: BADGE_PNG.to_vec(),
            });
        }
        if input.response_format == delx_framework::ResponseFormat::Markdown {
            output = output.with_markdown(
                echoed
                    .iter()
                    .map(|text| format!("- {text}"))
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
        }
        Ok(output)
    }
}

/// Always fails, with the kind asked for, and tries to leak secrets doing so.
struct Fail {
    secret: Option<String>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct FailInput {
    /// The error kind to fail with.
    kind: FailKind,
}

#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
enum FailKind {
    InvalidInput,
    AuthExpired,
    RateLimited,
    Upstream,
}

#[async_trait]
impl Tool for Fail {
    type Input = FailInput;
    type Output = delx_framework::tool::NoOutput;

    fn name(&self) -> &'static str {
        "spine_fail"
    }
    fn title(&self) -> &'static str {
        "Fail on purpose"
    }
    fn description(&self) -> &'static str {
        "Fails with the requested error kind; its message quotes secrets that must come back redacted."
    }
    fn annotations(&self) -> ToolAnnotations {
        ToolAnnotations::READ_LOCAL
    }

    async fn call(
        &self,
        input: FailInput,
        _ctx: &dyn CallContext,
    ) -> Result<ToolOutput<delx_framework::tool::NoOutput>, ToolError> {
        let leak = format!(
            "upstream replied {{\"access_token\": \"leaky-access-token\"}} to Authorization: Bearer leakybearer123 \
             using secret {}",
            self.secret.as_deref().unwrap_or("none")
        );
        Err(match input.kind {
            FailKind::InvalidInput => ToolError::invalid_input(leak),
            FailKind::AuthExpired => ToolError::auth_expired(leak),
            FailKind::RateLimited => ToolError::rate_limited(leak, Some(Duration::from_secs(30))),
            FailKind::Upstream => ToolError::upstream(leak),
        })
    }
}

/// A check-in prompt whose `focus` argument completes.
struct Checkin;

const FOCUSES: &[&str] = &["sleep", "steps", "stress", "weight"];

#[async_trait]
impl Prompt for Checkin {
    fn spec(&self) -> PromptSpec {
        PromptSpec {
            name: "spine_checkin",
            title: "Daily check-in",
            description: "Starts a short check-in about one focus area.",
            arguments: vec![
                PromptArgument {
                    name: "focus",
                    title: "Focus",
                    description: "What to look at: sleep, steps, stress or weight.",
                    required: true,
                },
                PromptArgument {
                    name: "tone",
                    title: "Tone",
                    description: "Optional tone, such as gentle or direct.",
                    required: false,
                },
            ],
        }
    }

    async fn get(&self, args: &PromptArgs) -> Result<PromptReply, ToolError> {
        let focus = args.get("focus").map(String::as_str).unwrap_or_default();
        if !FOCUSES.contains(&focus) {
            return Err(ToolError::invalid_input(format!(
                "focus must be one of {}",
                FOCUSES.join(", ")
            )));
        }
        let tone = args.get("tone").map(String::as_str).unwrap_or("friendly");
        Ok(PromptReply {
            description: Some(format!("Check-in on {focus}")),
            messages: vec![PromptMessage::user(format!(
                "In a {tone} tone, review my {focus} for today and suggest one small step."
            ))],
        })
    }

    async fn complete(&self, argument: &str, _context: &PromptArgs) -> Vec<String> {
        match argument {
            "focus" => FOCUSES.iter().map(|focus| (*focus).to_owned()).collect(),
            _ => Vec::new(),
        }
    }
}

/// A static resource.
struct About;

#[async_trait]
impl Resource for About {
    fn spec(&self) -> ResourceSpec {
        ResourceSpec {
            uri: ResourceSpecUri::Static("spine://about".into()),
            name: "about",
            title: "About the spine provider",
            description: "What this example provider is for.",
            mime_type: "text/markdown",
            follows_data: false,
        }
    }

    async fn read(&self, _uri: &str, _vars: &UriVars) -> Result<ResourceContent, ToolError> {
        Ok(ResourceContent::Text {
            mime_type: "text/markdown".into(),
            text: "**Spine**\n- An example provider for tests.".into(),
        })
    }
}

/// A template resource: one document per day, with day completion.
struct Day;

const DAYS: &[&str] = &["2026-01-01", "2026-01-02", "2026-01-03", "2026-02-01"];

#[async_trait]
impl Resource for Day {
    fn spec(&self) -> ResourceSpec {
        ResourceSpec {
            uri: ResourceSpecUri::Template(
                UriTemplate::parse("spine://day/{date}").expect("the day template is valid"),
            ),
            name: "day",
            title: "One day",
            description: "A small JSON document for one date (YYYY-MM-DD).",
            mime_type: "application/json",
            follows_data: false,
        }
    }

    async fn read(&self, _uri: &str, vars: &UriVars) -> Result<ResourceContent, ToolError> {
        let date = vars.get("date").map(String::as_str).unwrap_or_default();
        if !DAYS.contains(&date) {
            return Err(ToolError::invalid_input(format!(
                "no data for {date:?}; known days: {}",
                DAYS.join(", ")
            )));
        }
        Ok(ResourceContent::Text {
            mime_type: "application/json".into(),
            text: serde_json::json!({"date": date, "steps": 1000 + date.len()}).to_string(),
        })
    }

    async fn complete(&self, variable: &str, _context: &UriVars) -> Vec<String> {
        match variable {
            "date" => DAYS.iter().map(|day| (*day).to_owned()).collect(),
            _ => Vec::new(),
        }
    }
}
