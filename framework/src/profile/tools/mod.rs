//! The profile as MCP tools, shared by every Delx connector: each provider lists
//! them under its own prefix (`withings_profile_get`, ...) over the one file.

mod get;
mod onboarding;
mod update;

use std::sync::Arc;

use crate::error::ToolError;
use crate::render::ResponseFormat;
use crate::tool::DynTool;

use super::guard::PatchError;
use super::store::{ProfileError, ProfileStore};

pub use get::{ProfileGetInput, ProfileView};
pub use onboarding::{OnboardingInput, OnboardingOutput, OnboardingQuestion};
pub use update::{ProfileUpdateInput, ProfileUpdateOutput};

/// A provider's set of profile tools.
#[derive(Debug, Clone)]
pub struct ProfileTools {
    /// Tool names, with the provider's prefix.
    pub get: &'static str,
    pub update: &'static str,
    pub onboarding: &'static str,
    /// `None` when the user has no home directory; every tool then says so.
    pub store: Option<ProfileStore>,
    /// Recorded in the file as its last writer (`withings-mcp`).
    pub generated_by: &'static str,
}

impl ProfileTools {
    /// The three tools, ready for a provider's tool list.
    pub fn into_tools(self) -> Vec<Arc<dyn DynTool>> {
        let shared = Arc::new(self);
        vec![
            Arc::new(get::ProfileGet(shared.clone())),
            Arc::new(update::ProfileUpdate(shared.clone())),
            Arc::new(onboarding::Onboarding(shared)),
        ]
    }

    fn store(&self) -> Result<&ProfileStore, ToolError> {
        self.store.as_ref().ok_or_else(|| {
            ToolError::setup_required(
                "there is no home directory, and the shared wellness profile lives under it",
            )
            .with_next_step("Start the connector with HOME (USERPROFILE on Windows) set.")
        })
    }

    /// Runs file work off the async threads: an update may wait seconds for the lock.
    async fn with_store<T, F>(&self, work: F) -> Result<T, ToolError>
    where
        T: Send + 'static,
        F: FnOnce(&ProfileStore) -> Result<T, ProfileError> + Send + 'static,
    {
        let store = self.store()?.clone();
        let shown = store.clone();
        tokio::task::spawn_blocking(move || work(&store))
            .await
            .map_err(|error| ToolError::internal(format!("the profile task failed: {error}")))?
            .map_err(|error| tool_error(&error, &shown))
    }
}

/// Markdown unless the caller asked for JSON.
fn wants_markdown(format: Option<ResponseFormat>) -> bool {
    format.unwrap_or_default() == ResponseFormat::Markdown
}

/// The store's error as the agent reads it, with the home shown as `~`.
fn tool_error(error: &ProfileError, store: &ProfileStore) -> ToolError {
    let mut message = error.to_string();
    if let Some(home) = store.home().and_then(|home| home.to_str())
        && !home.is_empty()
    {
        message = message.replace(home, "~");
    }
    match error {
        ProfileError::Patch(PatchError::SecretKey { .. } | PatchError::CredentialValue { .. }) => {
            ToolError::invalid_input(message).with_next_step(
                "Leave credentials out of the profile: drop or rename that field, then call again.",
            )
        }
        ProfileError::Patch(_) | ProfileError::TooLarge { .. } => ToolError::invalid_input(message),
        ProfileError::InvalidJson { .. }
        | ProfileError::InvalidShape { .. }
        | ProfileError::OtherSchema { .. }
        | ProfileError::FileTooLarge { .. } => ToolError::user_action_required(message)
            .with_next_step(
                "Ask the user to repair the file or move it aside; the connector will not overwrite it.",
            ),
        ProfileError::LockTimeout { .. } => ToolError::internal(message)
            .with_next_step("Try again in a few seconds."),
        ProfileError::Io { .. } => ToolError::internal(message).with_next_step(
            "Check that the profile file and its directory belong to the user and are writable.",
        ),
        ProfileError::Encode(_) => ToolError::internal(message),
    }
}
