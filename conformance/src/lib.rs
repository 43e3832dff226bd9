//! The Delx Wellness connector quality standard as code: checks with ids, tiers and
//! evidence, run over what a connector exposes, and the tier it reaches.
//!
//! Checks read a [`Surface`], the tools, prompts and resources as any MCP client
//! sees them, so the same checks judge a connector built on this framework
//! (in process, from its [`Registry`](delx_framework::Registry)) and, later, any
//! MCP server driven from outside.

mod blackbox;
mod check;
mod checks;
mod dynamic;
pub mod manifest;
mod report;
mod surface;

pub use blackbox::check_command;
pub use check::{CheckResult, Tier, Verdict};
pub use dynamic::{Caller, Outcome, check_dynamic, run_checks};
pub use report::Report;
pub use surface::{Surface, SurfaceTool};

use delx_framework::{BuildContext, ProviderRegistration, Registry};

/// Runs every check over `surface`.
pub fn check(surface: &Surface) -> Report {
    Report::new(checks::all(surface))
}

/// Runs every check over the connectors built into `registry`.
pub fn check_registry(registry: &Registry) -> Report {
    check(&Surface::from_registry(registry))
}

/// Every check, static and dynamic, for one linked provider: the static ones over
/// what it serves, the dynamic ones against its demo backend.
pub async fn check_provider(registration: &ProviderRegistration) -> Result<Report, String> {
    let home = tempfile::tempdir().map_err(|error| format!("no temporary home: {error}"))?;
    let ctx = BuildContext::new(Default::default(), Some(home.path().to_owned()));
    let registry =
        Registry::from_registrations([registration], &ctx).map_err(|error| error.to_string())?;
    let mut checks = checks::all(&Surface::from_registry(&registry));
    checks.extend(check_dynamic(registration).await);
    Ok(Report::new(checks))
}

/// For connector authors' tests: panics with the failing checks unless `registry`
/// reaches `tier`.
pub fn assert_tier(registry: &Registry, tier: Tier) {
    let report = check_registry(registry);
    if report.tier < Some(tier) {
        panic!(
            "the connector reaches {} but {} was required:\n{}",
            report.tier.map_or("no tier", Tier::as_str),
            tier.as_str(),
            report.failures_text()
        );
    }
}
