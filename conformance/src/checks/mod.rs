//! The checks, one concern per module. Each takes the surface and returns its
//! results; none stops at the first problem, so one run lists everything to fix.

mod annotations;
mod context;
mod diagnostics;
mod docs;
mod naming;
mod schemas;

use crate::check::{CheckResult, Tier, Verdict};
use crate::surface::Surface;

pub fn all(surface: &Surface) -> Vec<CheckResult> {
    let mut results = Vec::new();
    results.extend(naming::check(surface));
    results.extend(docs::check(surface));
    results.extend(schemas::check(surface));
    results.extend(annotations::check(surface));
    results.extend(diagnostics::check(surface));
    results.extend(context::check(surface));
    results
}

fn result(
    id: &'static str,
    tier: Tier,
    requirement: &'static str,
    verdict: Verdict,
) -> CheckResult {
    CheckResult::new(id, tier, requirement, verdict)
}
