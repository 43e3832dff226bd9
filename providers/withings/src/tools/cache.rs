//! `withings_cache_status`: where the cache lives and what it holds. There is no
//! cache yet, and the tool says so plainly, so an agent never assumes an answer was
//! served from one.

use std::path::PathBuf;
use std::sync::Arc;

use delx_framework::metadata::CacheStatus;
use delx_framework::{CallContext, Tool, ToolAnnotations, ToolError, ToolOutput, async_trait};

use super::status::FormatOnly;
use super::{ToolContext, wants_markdown};
use crate::config::{CACHE_PATH, HOME_DIR, Settings};

/// The cache's place under the connector's home when `WITHINGS_CACHE_PATH` is unset.
const DEFAULT_CACHE_DIR: &str = "cache";

/// Where the cache lives or will live; `None` without a home directory or a setting.
pub(crate) fn cache_path(settings: &Settings) -> Option<PathBuf> {
    settings.layers.path(CACHE_PATH).or_else(|| {
        settings
            .home
            .as_ref()
            .map(|home| home.join(HOME_DIR).join(DEFAULT_CACHE_DIR))
    })
}

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
        "Whether Withings answers are cached on this machine, where the cache lives and whether \
         anything is stored there. Use it to explain why data looks stale or fresh, or what stays \
         on disk. Reads local files only."
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
        let path = cache_path(settings).ok_or_else(|| {
            ToolError::setup_required(format!(
                "no home directory and no {CACHE_PATH}: there is nowhere a cache could live"
            ))
        })?;
        let status = CacheStatus::not_implemented(&path, settings.home.as_deref());
        let mut output = ToolOutput::new(status);
        if wants_markdown(input.response_format) {
            let text = output
                .data
                .markdown(crate::provider::DESCRIPTOR.display_name);
            output = output.with_markdown(text);
        }
        Ok(output)
    }
}
