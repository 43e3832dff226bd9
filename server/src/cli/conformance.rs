//! `conformance`: the Delx Wellness quality checks over the providers linked into
//! this binary, static and against each provider's demo backend, with the tier each
//! reaches.

use std::process::ExitCode;

use delx_conformance::Tier;
use delx_framework::ProviderRegistration;

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
    let mut reports = serde_json::Map::new();
    let mut enough = true;
    for registration in &registrations {
        let id = registration.descriptor.id;
        let report = delx_conformance::check_provider(registration)
            .await
            .map_err(|error| anyhow::anyhow!("{id}: {error}"))?;
        enough &= args
            .min_tier
            .is_none_or(|min| report.tier >= Some(min.tier()));
        if !args.json {
            if registrations.len() > 1 {
                outln!("# {id}");
            }
            out!("{}", report.text());
        }
        reports.insert(id.to_owned(), serde_json::to_value(&report)?);
    }
    if args.json {
        let value = match (reports.len(), reports.values().next()) {
            (1, Some(single)) => single.clone(),
            _ => serde_json::Value::Object(reports),
        };
        outln!("{}", serde_json::to_string_pretty(&value)?);
    }
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
