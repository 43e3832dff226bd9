//! `withings_sync`: the `withings-mcp sync` engine inside the server, which holds
//! the history's database while it runs, with a progress notification per domain.

use std::sync::Arc;

use delx_framework::render::{Markdown, ResponseFormat};
use delx_framework::schemars::{self, JsonSchema};
use delx_framework::{CallContext, Tool, ToolAnnotations, ToolError, ToolOutput, async_trait};
use serde::Deserialize;

use super::{ToolContext, respond};
use crate::sync::{DOMAINS, DomainFailure, SyncOptions, SyncReport, sync_domain};

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncInput {
    /// First local day to keep, `YYYY-MM-DD`. Default: two years before today.
    #[serde(default)]
    pub since: Option<String>,
    /// Pull everything again instead of only what changed since the last sync.
    #[serde(default)]
    pub full: bool,
    /// `markdown` (default) for people, `json` for programs.
    #[serde(default)]
    pub response_format: Option<ResponseFormat>,
}

pub struct SyncTool(pub Arc<ToolContext>);

#[async_trait]
impl Tool for SyncTool {
    type Input = SyncInput;
    type Output = SyncReport;

    fn name(&self) -> &'static str {
        "withings_sync"
    }
    fn title(&self) -> &'static str {
        "Sync Withings history to this machine"
    }
    fn description(&self) -> &'static str {
        "Copies the user's Withings history (body measures, daily activity, workouts, sleep \
         summaries, ECG list) into the local store, from `since` (default two years ago): the \
         first run pulls everything, later runs only what changed. Afterwards, questions over \
         synced time ranges are answered on this machine without calling Withings. Returns per \
         domain the records added, updated and stored and the time range covered. Safe to run \
         again; an interrupted sync resumes."
    }
    fn annotations(&self) -> ToolAnnotations {
        ToolAnnotations {
            read_only: false,
            destructive: false,
            idempotent: true,
            open_world: true,
        }
    }

    async fn call(
        &self,
        input: SyncInput,
        ctx: &dyn CallContext,
    ) -> Result<ToolOutput<SyncReport>, ToolError> {
        let since = input
            .since
            .as_deref()
            .map(|text| {
                text.parse::<jiff::civil::Date>().map_err(|_| {
                    ToolError::invalid_input(format!("`since` is not a YYYY-MM-DD day: {text}"))
                })
            })
            .transpose()?;
        let options = SyncOptions {
            since,
            full: input.full,
        };
        let client = &self.0.client;
        // The zone, asked now, spares the first read from history a request.
        let _ = self.0.user_timezone().await;
        let total = DOMAINS.len() as f64;
        let mut report = SyncReport {
            storage: client.cache().mode(),
            domains: Vec::new(),
            failures: Vec::new(),
        };
        for (done, domain) in DOMAINS.iter().enumerate() {
            if ctx.cancellation().is_cancelled() {
                break;
            }
            ctx.progress(
                done as f64,
                Some(total),
                Some(&format!("syncing {}", domain.name())),
            )
            .await;
            match sync_domain(client, domain, &options).await {
                Ok(domain) => report.domains.push(domain),
                Err(crate::sync::SyncError::Api(error)) if report.domains.is_empty() => {
                    // Nothing synced and Withings refused: say why, as every tool does.
                    if matches!(
                        error,
                        crate::api::ApiError::NotSignedIn | crate::api::ApiError::AuthExpired(_)
                    ) {
                        return Err(ToolError::from(error));
                    }
                    report.failures.push(DomainFailure {
                        domain: domain.name(),
                        error: error.to_string(),
                    });
                }
                Err(crate::sync::SyncError::Off) => {
                    return Err(ToolError::setup_required(
                        crate::sync::SyncError::Off.to_string(),
                    ));
                }
                Err(error) => report.failures.push(DomainFailure {
                    domain: domain.name(),
                    error: error.to_string(),
                }),
            }
        }
        ctx.progress(total, Some(total), Some("done")).await;
        if report.changed() {
            // Once per sync, not per domain: one "read again" is all a subscriber needs.
            delx_framework::updates::announce(crate::provider::DESCRIPTOR.id);
        }
        Ok(respond(report, input.response_format, markdown))
    }
}

fn markdown(report: &SyncReport) -> String {
    let mut text = Markdown::new().title("Withings sync").field(
        "Stored",
        match &report.storage {
            delx_framework::cache::CacheMode::Disk => "on this machine's disk".to_owned(),
            delx_framework::cache::CacheMode::Memory { reason } => {
                format!("in memory only, until the server stops ({reason})")
            }
            delx_framework::cache::CacheMode::Off => "nowhere (the cache is off)".to_owned(),
        },
    );
    for line in report.lines() {
        text = text.bullet(line);
    }
    text.build()
}
