//! `withings_cache_status`: what the cache of this server process holds, how it
//! has served, and why it runs in memory when it does (another process holds the
//! directory, or there is no home).

use std::sync::Arc;

use delx_framework::metadata::CacheStatus;
use delx_framework::{CallContext, Tool, ToolAnnotations, ToolError, ToolOutput, async_trait};

use super::status::FormatOnly;
use super::{ToolContext, respond};
use crate::config::CACHE_PATH;

pub struct CacheStatusTool(pub Arc<ToolContext>);

#[async_trait]
impl Tool for CacheStatusTool {
    type Input = FormatOnly;
    type Output = CacheStatus;

    fn name(&self) -> &'static str {
        "withings_cache_status"
    }
    fn title(&self) -> &'static str {
        "Withings cache status"
    }
    fn description(&self) -> &'static str {
        "Whether Withings answers are cached on this machine: on disk, in memory (and why) or off; \
         where; how many entries and bytes; hits, misses and stale answers served since the server \
         started; oldest and newest entry; what the local history (see withings_sync) holds per domain and the range it covers. Use it to explain why data looks fresh or stale, or what \
         stays on disk. Any data tool takes `refresh: true` to skip the cache. Reads local state only."
    }
    fn annotations(&self) -> ToolAnnotations {
        ToolAnnotations::READ_LOCAL
    }

    async fn call(
        &self,
        input: FormatOnly,
        _ctx: &dyn CallContext,
    ) -> Result<ToolOutput<CacheStatus>, ToolError> {
        let settings = &self.0.settings;
        let stats = self.0.client.cache().stats();
        let path = settings.cache.path.as_deref().or(stats.path.as_deref());
        let path = path.ok_or_else(|| {
            ToolError::setup_required(format!(
                "no home directory and no {CACHE_PATH}: there is nowhere a cache could live"
            ))
        })?;
        let client = &self.0.client;
        let history = client
            .cache_scope()
            .map(|scope| crate::sync::status(client.cache().history(), &scope))
            .unwrap_or_default();
        let status = CacheStatus::new(&stats, path, settings.home.as_deref()).with_history(history);
        Ok(respond(status, input.response_format, |status| {
            status.markdown(crate::provider::DESCRIPTOR.display_name)
        }))
    }
}
