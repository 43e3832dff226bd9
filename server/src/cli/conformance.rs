//! `conformance`: the Delx Wellness quality checks over the providers linked into
//! this binary, with the tier each reaches.

use std::process::ExitCode;

use delx_conformance::Tier;
use delx_framework::{BuildContext, ProviderRegistration, Registry};

use super::{ConformanceArgs, EXIT_FAILURE};
use crate::App;

pub async fn run(_app: App, args: ConformanceArgs) -> anyhow::Result<ExitCode> {
    let registrations: Vec<_> = ProviderRegistration::all()
        .into_iter()
        .filter(|r| {
            args.provider
                .as_deref()
                .is_none_or(|id| r.descriptor.id == id)
        })
        .collect();
    if registrations.is_empty() {
        let known: Vec<&str> = ProviderRegistration::all()
            .into_iter()
            .map(|r| r.descriptor.id)
            .collect();
        anyhow::bail!(
            "no provider {:?}; this binary has: {}",
            args.provider.unwrap_or_default(),
            known.join(", ")
        );
    }
    let registry = Registry::from_registrations(registrations, &BuildContext::from_process())?;
    let report = delx_conformance::check_registry(&registry);
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        out!("{}", report.text());
    }
    let enough = args
        .min_tier
        .is_none_or(|min| report.tier >= Some(min.tier()));
    Ok(if enough {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FAILURE)
    })
}

/// The tiers as the command line names them.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum MinTier {
    Experimental,
    RegistryReady,
    AgentReady,
    ContextReady,
}

impl MinTier {
    fn tier(self) -> Tier {
        match self {
            Self::Experimental => Tier::Experimental,
            Self::RegistryReady => Tier::RegistryReady,
            Self::AgentReady => Tier::AgentReady,
            Self::ContextReady => Tier::ContextReady,
        }
    }
}
