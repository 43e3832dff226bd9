//! `withings_capabilities`, `withings_data_inventory` and `withings_agent_manifest`:
//! the connector describing itself. The framework builds them; this file supplies
//! the Withings facts the descriptor cannot carry ([`CATALOG`]).

use std::sync::Arc;

use delx_framework::metadata::{
    self, AgentClient, AgentManifest, Capabilities, Catalog, DataCategory, DataInventory,
    ManifestHost, Surface, Troubleshooting,
};
use delx_framework::render::ResponseFormat;
use delx_framework::schemars::{self, JsonSchema};
use delx_framework::{CallContext, Tool, ToolAnnotations, ToolError, ToolOutput, async_trait};
use serde::Deserialize;

use super::status::FormatOnly;
use super::{ToolContext, respond};
use crate::config::DEFAULT_REDIRECT_URI;
use crate::lifecycle::clients::SERVER_NAME;
use crate::provider::DESCRIPTOR;

/// The command people run; fix and install hints name it.
pub const COMMAND: &str = "withings-mcp";

pub static CATALOG: Catalog = Catalog {
    descriptor: &DESCRIPTOR,
    command: COMMAND,
    server_name: SERVER_NAME,
    categories: &[
        DataCategory {
            id: "summaries",
            name: "Summaries across domains",
            examples: &[
                "one day against the week before",
                "a weekly scorecard with bottlenecks and a plan",
                "the shared wellness_context for other Delx tools",
            ],
            tools: &[
                "withings_daily_summary",
                "withings_weekly_summary",
                "withings_wellness_context",
            ],
        },
        DataCategory {
            id: "body",
            name: "Body measures",
            examples: &[
                "weight",
                "fat ratio and fat mass",
                "muscle and bone mass",
                "hydration",
                "body temperature",
            ],
            tools: &[
                "withings_list_body_measures",
                "withings_body_trends",
                "withings_chart",
            ],
        },
        DataCategory {
            id: "blood_pressure",
            name: "Blood pressure and vitals",
            examples: &["systolic and diastolic pressure", "pulse", "SpO2"],
            tools: &["withings_list_body_measures", "withings_list_heart"],
        },
        DataCategory {
            id: "activity",
            name: "Daily activity",
            examples: &[
                "steps",
                "distance and elevation",
                "active and total calories",
                "time in light, moderate and intense activity",
            ],
            tools: &[
                "withings_list_activity",
                "withings_get_intraday_activity",
                "withings_chart",
            ],
        },
        DataCategory {
            id: "workouts",
            name: "Workouts",
            examples: &["sport", "duration", "calories", "distance", "heart rate"],
            tools: &["withings_list_workouts"],
        },
        DataCategory {
            id: "sleep",
            name: "Sleep",
            examples: &[
                "total sleep and time in bed",
                "light, deep and REM stages",
                "sleep score",
                "wake-ups",
                "heart and breathing rate",
                "snoring",
            ],
            tools: &[
                "withings_list_sleep_summary",
                "withings_list_sleep",
                "withings_chart",
            ],
        },
        DataCategory {
            id: "heart",
            name: "Heart recordings",
            examples: &[
                "ECG recordings",
                "the device's atrial fibrillation classification",
                "heart rate",
            ],
            tools: &["withings_list_heart", "withings_get_heart_signal"],
        },
        DataCategory {
            id: "devices",
            name: "Devices",
            examples: &["model", "battery level", "last sync"],
            tools: &["withings_list_devices"],
        },
        DataCategory {
            id: "goals",
            name: "Goals",
            examples: &["daily steps", "nightly sleep", "target weight"],
            tools: &["withings_get_goals"],
        },
    ],
    excluded: &[
        "Research-grade raw sensor streams such as accelerometer or PPG signals.",
        "Any change to the Withings account: nothing is created, edited or deleted there.",
        "Private endpoints of the Withings app; only the documented public API is used.",
        "Medical diagnosis or treatment advice; device classifications are reported as the \
         device's own.",
    ],
    token_storage: "~/.withings-mcp/tokens.json (or WITHINGS_TOKEN_PATH), owner-only, replaced \
                    atomically; never returned by any tool.",
    redirect_uri: Some(DEFAULT_REDIRECT_URI),
    first_tools: &[
        "withings_connection_status",
        "withings_daily_summary",
        "withings_weekly_summary",
        "withings_data_inventory",
    ],
    agent_flow: &[
        "Call withings_connection_status; if it is not ready, guide the user through its next \
         steps (setup and sign-in run in a terminal or the browser).",
        "Start from withings_daily_summary or withings_weekly_summary; drill into a list tool \
         only for a concrete question, with the shortest window that answers it.",
        "Pick other tools from withings_capabilities or withings_data_inventory rather than \
         guessing.",
        "Hand the user's state to other wellness tools with withings_wellness_context.",
        "Keep the configured privacy mode; ask for raw only when the user wants upstream payloads.",
        "Present results as wellness context and trends, not as a diagnosis.",
    ],
    agent_rules: &[
        "Dates are the user's local days in the time zone Withings reports; a night of sleep \
         belongs to the day the user woke up.",
        "Which signals exist depends on the user's devices and granted scopes: look at \
         withings_list_devices before concluding that data is missing.",
    ],
    troubleshooting: &[
        Troubleshooting {
            symptom: "withings_connection_status lists missing settings",
            action: "Run `withings-mcp setup` in a terminal; it asks for the client id and secret \
                     of a Withings developer app (create one on the Withings developer dashboard).",
        },
        Troubleshooting {
            symptom: "A tool says the authorization expired or was revoked",
            action: "Run `withings-mcp auth` to sign in again; while a refresh token is valid, \
                     renewal happens by itself.",
        },
        Troubleshooting {
            symptom: "A tool is refused for a missing scope",
            action: "Run `withings-mcp auth` again and accept every permission Withings asks for.",
        },
        Troubleshooting {
            symptom: "No data for some days",
            action: "Check withings_list_devices: a device that has not synced sends nothing, and \
                     some signals need a specific device.",
        },
        Troubleshooting {
            symptom: "A tool reports rate limiting",
            action: "Wait as long as the error says, then retry with a shorter window or fewer pages.",
        },
    ],
    http_token_variable: "WITHINGS_MCP_TOKEN",
};

/// Everything the provider serves now: the tools and resources lists are rebuilt
/// rather than copied, so the descriptions follow the code.
pub(crate) fn surface(ctx: &Arc<ToolContext>) -> Surface {
    Surface::new(&super::all(ctx), &crate::resources::all(ctx))
}

pub(crate) fn capabilities(ctx: &Arc<ToolContext>) -> Capabilities {
    metadata::capabilities(&CATALOG, &surface(ctx))
}

pub(crate) fn inventory(ctx: &Arc<ToolContext>) -> DataInventory {
    let surface = surface(ctx);
    metadata::inventory(&metadata::capabilities(&CATALOG, &surface), &surface)
}

pub(crate) fn manifest(ctx: &Arc<ToolContext>, client: AgentClient) -> AgentManifest {
    let runtime = &ctx.runtime;
    let host = ManifestHost {
        client_paths: runtime.client_paths.as_ref(),
        binary: runtime.binary.as_deref(),
        home: ctx.settings.home.as_deref(),
    };
    metadata::manifest(&CATALOG, &surface(ctx), client, &host)
}

pub struct CapabilitiesTool(pub Arc<ToolContext>);

#[async_trait]
impl Tool for CapabilitiesTool {
    type Input = FormatOnly;
    type Output = Capabilities;

    fn name(&self) -> &'static str {
        "withings_capabilities"
    }
    fn title(&self) -> &'static str {
        "Withings connector capabilities"
    }
    fn description(&self) -> &'static str {
        "What this Withings connector can and cannot do: each data category with example signals and \
         the tools that read it, what stays out of reach (no raw research streams, no changes to the \
         account, no diagnosis), how sign-in works, the privacy modes and when to use each, and the \
         recommended order of calls. Use it to choose a tool. Describes the connector only: no \
         Withings call, no personal data."
    }
    fn annotations(&self) -> ToolAnnotations {
        ToolAnnotations::READ_LOCAL
    }

    async fn call(
        &self,
        input: FormatOnly,
        _ctx: &dyn CallContext,
    ) -> Result<ToolOutput<Capabilities>, ToolError> {
        let data = capabilities(&self.0);
        Ok(respond(data, input.response_format, |data| data.markdown()))
    }
}

pub struct DataInventoryTool(pub Arc<ToolContext>);

#[async_trait]
impl Tool for DataInventoryTool {
    type Input = FormatOnly;
    type Output = DataInventory;

    fn name(&self) -> &'static str {
        "withings_data_inventory"
    }
    fn title(&self) -> &'static str {
        "Withings data inventory"
    }
    fn description(&self) -> &'static str {
        "A compact map of which Withings data this connector can read and through which tool, with \
         scopes, privacy modes, counts and the tools to start with. Use it to tell the user what is \
         available before fetching anything. Static: no Withings call, no personal data."
    }
    fn annotations(&self) -> ToolAnnotations {
        ToolAnnotations::READ_LOCAL
    }

    async fn call(
        &self,
        input: FormatOnly,
        _ctx: &dyn CallContext,
    ) -> Result<ToolOutput<DataInventory>, ToolError> {
        let data = inventory(&self.0);
        Ok(respond(data, input.response_format, |data| data.markdown()))
    }
}

pub struct AgentManifestTool(pub Arc<ToolContext>);

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ManifestInput {
    /// The MCP client to write the setup for: `generic` (default), `claude` (Claude
    /// Desktop), `cursor`, `windsurf`, `hermes` or `openclaw`.
    #[serde(default)]
    pub client: AgentClient,
    /// `markdown` (default) for people, `json` for programs.
    #[serde(default)]
    pub response_format: Option<ResponseFormat>,
}

#[async_trait]
impl Tool for AgentManifestTool {
    type Input = ManifestInput;
    type Output = AgentManifest;

    fn name(&self) -> &'static str {
        "withings_agent_manifest"
    }
    fn title(&self) -> &'static str {
        "Withings agent manifest"
    }
    fn description(&self) -> &'static str {
        "Everything an agent needs to install and operate this connector in one MCP client: the \
         install command, the client's config file and the entry to add, how to reload it, the tool \
         names as that client shows them, the first calls, every tool and resource, the rules for \
         handling health data, and fixes for common problems. Use it when setting the connector up \
         or when a client does not see its tools. Reads local facts only."
    }
    fn annotations(&self) -> ToolAnnotations {
        ToolAnnotations::READ_LOCAL
    }

    async fn call(
        &self,
        input: ManifestInput,
        _ctx: &dyn CallContext,
    ) -> Result<ToolOutput<AgentManifest>, ToolError> {
        let data = manifest(&self.0, input.client);
        Ok(respond(data, input.response_format, |data| data.markdown()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::collections::{BTreeMap, BTreeSet};

    use delx_framework::BuildContext;

    use crate::api::{ClientOptions, WithingsClient};
    use crate::config::Settings;

    fn context(home: &std::path::Path) -> Arc<ToolContext> {
        let ctx = BuildContext::new(BTreeMap::new(), Some(home.to_path_buf()));
        let settings = Settings::load(&ctx).unwrap();
        let client = WithingsClient::new(&settings, ClientOptions::default()).unwrap();
        Arc::new(ToolContext::new(settings, client))
    }

    #[test]
    fn every_descriptor_category_has_one_catalog_entry() {
        let ids: Vec<&str> = CATALOG
            .categories
            .iter()
            .map(|category| category.id)
            .collect();
        let unique: BTreeSet<&str> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len(), "duplicate category ids: {ids:?}");
        for id in DESCRIPTOR.data_categories {
            assert!(unique.contains(id), "no catalog entry for {id}");
        }
    }

    #[test]
    fn the_catalog_names_served_tools_and_covers_every_data_tool() {
        let home = tempfile::tempdir().unwrap();
        let surface = surface(&context(home.path()));
        let named = CATALOG
            .categories
            .iter()
            .flat_map(|category| category.tools.iter())
            .chain(CATALOG.first_tools);
        for name in named {
            assert!(
                surface.has_tool(name),
                "the catalog names {name}, which is not served"
            );
        }
        for spec in surface.data_tools() {
            assert!(
                CATALOG
                    .categories
                    .iter()
                    .any(|category| category.tools.contains(&spec.name)),
                "{} reads Withings data but no category lists it",
                spec.name
            );
        }
    }
}
