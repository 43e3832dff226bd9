//! `withings_connection_status` while the configuration cannot be read: it reports
//! the problem and how to fix it, instead of the server failing to start.

use delx_framework::{CallContext, Tool, ToolAnnotations, ToolError, ToolOutput, async_trait};

use super::status::FormatOnly;
use crate::lifecycle::readiness::Readiness;

pub struct ConfigProblem(pub String);

#[async_trait]
impl Tool for ConfigProblem {
    type Input = FormatOnly;
    type Output = Readiness;

    fn name(&self) -> &'static str {
        "withings_connection_status"
    }
    fn title(&self) -> &'static str {
        "Withings connection status"
    }
    fn description(&self) -> &'static str {
        "Says whether the connector can reach the user's Withings data. Right now its configuration \
         cannot be read: call this tool to learn what to fix."
    }
    fn annotations(&self) -> ToolAnnotations {
        ToolAnnotations::READ_LOCAL
    }

    async fn call(
        &self,
        _input: FormatOnly,
        _ctx: &dyn CallContext,
    ) -> Result<ToolOutput<Readiness>, ToolError> {
        Err(ToolError::setup_required(format!("the Withings configuration cannot be used: {}", self.0))
            .with_next_step("Fix ~/.withings-mcp/config.json (or rerun `withings-mcp setup`), then restart the MCP client."))
    }
}
