//! The Withings provider as the registry sees it: its descriptor and its surface.

use std::sync::Arc;

use delx_framework::provider::BuildError;
use delx_framework::{
    AuthModel, BuildContext, DemoSpec, Distribution, DynTool, Prompt, Provider, ProviderCommand,
    ProviderDescriptor, ProviderLink, ProviderRegistration, Resource, inventory,
};

use crate::api::{ClientOptions, WithingsClient};
use crate::config::Settings;
use crate::tools::{Runtime, ToolContext};

pub static DESCRIPTOR: ProviderDescriptor = ProviderDescriptor {
    id: "withings",
    display_name: "Withings",
    home_dir: crate::config::HOME_DIR,
    env_prefix: "WITHINGS",
    scopes: crate::config::DEFAULT_SCOPES,
    auth_model: AuthModel::OAuth2AuthorizationCode,
    api_boundary: "Only the Withings Public API of the configured cloud is called, with the user's own \
                   OAuth token; tokens and data stay on this machine.",
    data_categories: &[
        "body",
        "blood_pressure",
        "activity",
        "workouts",
        "sleep",
        "heart",
        "devices",
        "goals",
    ],
    signals: &[
        "weight",
        "fat_ratio",
        "muscle_mass",
        "bone_mass",
        "hydration",
        "blood_pressure",
        "heart_rate",
        "spo2",
        "temperature",
        "steps",
        "distance",
        "calories",
        "sleep_duration",
        "sleep_stages",
        "sleep_score",
        "ecg_afib",
    ],
    links: &[
        ProviderLink {
            label: "Withings developer portal",
            url: "https://developer.withings.com",
        },
        ProviderLink {
            label: "Withings API reference",
            url: "https://developer.withings.com/api-reference",
        },
    ],
    version: env!("CARGO_PKG_VERSION"),
    instructions: "Withings: dates are the user's local days in the time zone Withings reports; \
                   a night of sleep belongs to the day the user woke up.",
    distribution: Some(&DISTRIBUTION),
};

static DISTRIBUTION: Distribution = Distribution {
    package: "withings-mcp",
    mcp_name: "io.github.delx-wellness/withings-mcp",
    repository: env!("CARGO_PKG_REPOSITORY"),
    website: None,
    settings: crate::config::KEYS,
    boundary_contract: "remote_api",
    recommended_handoffs: &["exercise-catalog", "nourish"],
    auth_summary: "OAuth 2.0 with Withings signed token requests; the user's own app credentials, \
                   tokens stored owner-only on this machine",
    notes: "Withings Public API only. Which fields exist depends on the user's devices, granted \
            scopes and API plan.",
};

inventory::submit! {
    ProviderRegistration { descriptor: &DESCRIPTOR, build, commands: COMMANDS, demo: DEMO }
}

#[cfg(feature = "fake")]
const DEMO: Option<&DemoSpec> = Some(&crate::lifecycle::demo::DEMO);
#[cfg(not(feature = "fake"))]
const DEMO: Option<&DemoSpec> = None;

/// What `withings-mcp` gains from this provider besides its tools.
const COMMANDS: &[ProviderCommand] = &[
    ProviderCommand {
        name: "setup",
        about: "Store your Withings app's credentials, then connect your account",
        run: crate::lifecycle::setup::run,
    },
    ProviderCommand {
        name: "auth",
        about: "Connect your Withings account in the browser",
        run: crate::lifecycle::auth::run,
    },
    ProviderCommand {
        name: "doctor",
        about: "Check config, credentials, tokens and scopes; say what to do next",
        run: crate::lifecycle::doctor::run,
    },
    ProviderCommand {
        name: "status",
        about: "Same as doctor",
        run: crate::lifecycle::doctor::run,
    },
    ProviderCommand {
        name: "cache",
        about: "Show or clear the local cache of Withings answers",
        run: crate::lifecycle::cache::run,
    },
    ProviderCommand {
        name: "sync",
        about: "Copy your Withings history to this machine (incremental after the first run)",
        run: crate::lifecycle::sync::run,
    },
    ProviderCommand {
        name: "revoke",
        about: "Disconnect: revoke the grant at Withings and delete the local tokens",
        run: crate::lifecycle::revoke::run,
    },
    #[cfg(feature = "fake")]
    ProviderCommand {
        name: crate::fake::COMMAND_NAME,
        about: crate::fake::COMMAND_ABOUT,
        run: crate::fake::run_cli,
    },
];

/// A configuration that cannot be read still yields a provider: one whose only
/// tool explains the problem, so the person asking their agent learns what to fix
/// instead of finding the server gone.
fn build(ctx: &BuildContext) -> Result<Arc<dyn Provider>, BuildError> {
    let settings = match Settings::load(ctx) {
        Ok(settings) => settings,
        Err(error) => {
            // Shown to agents: the home directory is `~`, not the user's name.
            let mut message = error.to_string();
            if let Some(home) = ctx.home().and_then(|home| home.to_str()) {
                message = message.replace(home, "~");
            }
            return Ok(Arc::new(Misconfigured(message)));
        }
    };
    let cache = crate::lifecycle::cache::open(&settings.cache);
    let client = WithingsClient::with_cache(&settings, ClientOptions::default(), cache)?;
    Ok(Arc::new(Withings {
        tools: Arc::new(ToolContext::new(settings, client).with_runtime(Runtime::from_build(ctx))),
    }))
}

/// The provider while its configuration is unusable.
struct Misconfigured(String);

impl Provider for Misconfigured {
    fn descriptor(&self) -> &'static ProviderDescriptor {
        &DESCRIPTOR
    }

    fn tools(&self) -> Vec<Arc<dyn DynTool>> {
        vec![Arc::new(crate::tools::ConfigProblem(self.0.clone()))]
    }
}

/// The provider: what its tools share.
pub struct Withings {
    tools: Arc<ToolContext>,
}

impl Provider for Withings {
    fn descriptor(&self) -> &'static ProviderDescriptor {
        &DESCRIPTOR
    }

    fn tools(&self) -> Vec<Arc<dyn DynTool>> {
        crate::tools::all(&self.tools)
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        crate::resources::all(&self.tools)
    }

    fn prompts(&self) -> Vec<Arc<dyn Prompt>> {
        crate::prompts::all(&self.tools)
    }

    fn secrets(&self) -> Vec<String> {
        self.tools.settings.layers.secrets()
    }
}
