//! The Withings MCP tools, one module per group.

mod account;
mod audit;
mod body;
mod body_trends;
mod cache;
mod chart;
mod connection;
#[cfg(feature = "fake")]
mod demo;
mod downsample;
mod format;
mod heart_signal;
mod intraday;
mod lists;
pub(crate) mod metadata;
mod problem;
mod profile;
mod runtime;
mod status;
mod summary;
mod sync;
mod window;

use std::sync::{Arc, Mutex};
use std::time::Instant;

use delx_framework::DynTool;
use delx_framework::render::ResponseFormat;

use crate::api::WithingsClient;
use crate::config::Settings;

/// What every tool shares: settings, the client, and the OAuth state handed out by
/// `withings_get_auth_url`, checked again by `withings_exchange_code`.
pub struct ToolContext {
    pub settings: Settings,
    pub client: WithingsClient,
    pending_state: Mutex<Option<(String, Instant)>>,
    /// The user's IANA time zone, asked of Withings once (see `lists`).
    user_tz: tokio::sync::OnceCell<String>,
    /// How the server is reached and where MCP clients live (audit, manifest).
    pub runtime: Runtime,
}

impl ToolContext {
    pub fn new(settings: Settings, client: WithingsClient) -> Self {
        Self {
            settings,
            client,
            pending_state: Mutex::new(None),
            user_tz: tokio::sync::OnceCell::new(),
            runtime: Runtime::default(),
        }
    }

    pub fn with_runtime(mut self, runtime: Runtime) -> Self {
        self.runtime = runtime;
        self
    }
}

pub(crate) use body::{BodyMeasuresInput, ListBodyMeasures};
pub(crate) use lists::{ACTIVITY, ListTool, SLEEP, SLEEP_SUMMARY};
pub use problem::ConfigProblem;
pub use runtime::Runtime;
pub(crate) use summary::{DailyInput, DailySummaryTool, WeeklyInput, WeeklySummaryTool};
pub(crate) use window::ListInput;

pub fn all(ctx: &Arc<ToolContext>) -> Vec<Arc<dyn DynTool>> {
    let mut tools: Vec<Arc<dyn DynTool>> = vec![
        Arc::new(status::ConnectionStatus(ctx.clone())),
        Arc::new(status::Quickstart(ctx.clone())),
        Arc::new(metadata::CapabilitiesTool(ctx.clone())),
        Arc::new(metadata::DataInventoryTool(ctx.clone())),
        Arc::new(metadata::AgentManifestTool(ctx.clone())),
        Arc::new(audit::PrivacyAuditTool(ctx.clone())),
        Arc::new(cache::CacheStatusTool(ctx.clone())),
        Arc::new(sync::SyncTool(ctx.clone())),
        Arc::new(connection::GetAuthUrl(ctx.clone())),
        Arc::new(connection::ExchangeCode(ctx.clone())),
        Arc::new(connection::RevokeAccess(ctx.clone())),
        Arc::new(summary::DailySummaryTool(ctx.clone())),
        Arc::new(summary::WeeklySummaryTool(ctx.clone())),
        Arc::new(summary::WellnessContextTool(ctx.clone())),
        Arc::new(account::ListDevices(ctx.clone())),
        Arc::new(account::GetGoals(ctx.clone())),
        Arc::new(body::ListBodyMeasures(ctx.clone())),
        Arc::new(body_trends::BodyTrends(ctx.clone())),
        Arc::new(heart_signal::GetHeartSignal(ctx.clone())),
        Arc::new(intraday::GetIntradayActivity(ctx.clone())),
        Arc::new(chart::Chart(ctx.clone())),
        Arc::new(lists::ListTool {
            ctx: ctx.clone(),
            spec: &lists::ACTIVITY,
        }),
        Arc::new(lists::ListTool {
            ctx: ctx.clone(),
            spec: &lists::SLEEP_SUMMARY,
        }),
        Arc::new(lists::ListTool {
            ctx: ctx.clone(),
            spec: &lists::WORKOUTS,
        }),
        Arc::new(lists::ListTool {
            ctx: ctx.clone(),
            spec: &lists::HEART,
        }),
        Arc::new(lists::ListTool {
            ctx: ctx.clone(),
            spec: &lists::SLEEP,
        }),
    ];
    tools.extend(profile::tools(&ctx.settings));
    #[cfg(feature = "fake")]
    tools.push(Arc::new(demo::DemoTool));
    tools
}

/// `data`, with markdown from `render` unless the caller asked for JSON.
fn respond<T>(
    data: T,
    format: Option<ResponseFormat>,
    render: impl FnOnce(&T) -> String,
) -> delx_framework::ToolOutput<T> {
    let markdown = wants_markdown(format).then(|| render(&data));
    let output = delx_framework::ToolOutput::new(data);
    match markdown {
        Some(text) => output.with_markdown(text),
        None => output,
    }
}

/// Markdown unless the caller asked for JSON.
fn wants_markdown(format: Option<ResponseFormat>) -> bool {
    format.unwrap_or_default() == ResponseFormat::Markdown
}
