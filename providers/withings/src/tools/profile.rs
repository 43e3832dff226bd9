//! The shared Delx Wellness profile tools under the `withings_` prefix. The tools
//! themselves live in the framework: every Delx connector serves the same three over
//! the same file.

use std::sync::Arc;

use delx_framework::DynTool;
use delx_framework::profile::{ProfileStore, ProfileTools};

use crate::config::Settings;

/// Recorded in the profile as its last writer, so people can tell which connector
/// saved an answer.
const GENERATED_BY: &str = "withings-mcp";

pub fn tools(settings: &Settings) -> Vec<Arc<dyn DynTool>> {
    ProfileTools {
        get: "withings_profile_get",
        update: "withings_profile_update",
        onboarding: "withings_onboarding",
        store: settings.home.as_deref().map(ProfileStore::for_home),
        generated_by: GENERATED_BY,
    }
    .into_tools()
}
