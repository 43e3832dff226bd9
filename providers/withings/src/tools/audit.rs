//! `withings_privacy_audit`: what this connector exposes on this machine, measured
//! at call time by the framework's audit over the Withings files.

use std::sync::Arc;

use delx_framework::metadata::{self, AuditInput, PrivacyAudit, Severity, Watched};
use delx_framework::profile::ProfileStore;
use delx_framework::{CallContext, Tool, ToolAnnotations, ToolError, ToolOutput, async_trait};

use super::metadata::CATALOG;
use super::status::FormatOnly;
use super::{ToolContext, wants_markdown};
use crate::config::PRIVACY_MODE;

pub struct PrivacyAuditTool(pub Arc<ToolContext>);

#[async_trait]
impl Tool for PrivacyAuditTool {
    type Input = FormatOnly;
    type Output = PrivacyAudit;

    fn name(&self) -> &'static str {
        "withings_privacy_audit"
    }
    fn title(&self) -> &'static str {
        "Withings privacy audit"
    }
    fn description(&self) -> &'static str {
        "Checks, at the moment of the call, what this connector exposes on this machine: the real \
         permissions of its config, token, cache and shared profile files, whether the client secret \
         sits in the config file or the environment, the privacy mode in effect and where it was set, \
         how the server is reached (stdio, or an HTTP address with or without a required token) and \
         what is redacted from every output. Each problem comes with a concrete fix. Use it when the \
         user asks whether their data is safe. Reads local files only; never shows a secret."
    }
    fn annotations(&self) -> ToolAnnotations {
        ToolAnnotations::READ_LOCAL
    }

    async fn call(
        &self,
        input: FormatOnly,
        _ctx: &dyn CallContext,
    ) -> Result<ToolOutput<PrivacyAudit>, ToolError> {
        let audit = metadata::audit(&audit_input(&self.0));
        let mut output = ToolOutput::new(audit);
        if wants_markdown(input.response_format) {
            let text = output.data.markdown(CATALOG.descriptor.display_name);
            output = output.with_markdown(text);
        }
        Ok(output)
    }
}

fn audit_input(ctx: &ToolContext) -> AuditInput<'_> {
    let settings = &ctx.settings;
    let home = settings.home.as_deref();
    let mut watched = vec![Watched {
        label: "tokens",
        holds: "the OAuth access and refresh tokens",
        path: settings.token_path.clone(),
        exposed: Severity::High,
    }];
    if let Some(path) = settings.cache.path.clone() {
        watched.push(Watched {
            label: "cache",
            holds: "cached Withings health data",
            path,
            exposed: Severity::Medium,
        });
    }
    if let Some(home) = home {
        watched.push(Watched {
            label: "shared_profile",
            holds: "the wellness profile shared by Delx connectors",
            path: ProfileStore::for_home(home).path().to_path_buf(),
            exposed: Severity::Medium,
        });
    }
    AuditInput {
        catalog: &CATALOG,
        config: &settings.layers,
        privacy_mode: settings.privacy_mode,
        privacy_mode_key: PRIVACY_MODE,
        watched,
        transport: ctx.runtime.transport,
        home,
    }
}
