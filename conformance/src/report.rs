//! The verdicts together: the tier reached and a readable account.

use serde::Serialize;

use crate::check::{CheckResult, Tier};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The highest tier whose checks, and all lower tiers' checks, have no failure;
    /// `None` below experimental.
    pub tier: Option<Tier>,
    pub checks: Vec<CheckResult>,
}

impl Report {
    pub fn new(checks: Vec<CheckResult>) -> Self {
        let mut tier = None;
        for candidate in Tier::ALL {
            let failed = checks
                .iter()
                .any(|check| check.tier == candidate && check.verdict.is_fail());
            if failed {
                break;
            }
            tier = Some(candidate);
        }
        Self { tier, checks }
    }

    pub fn result(&self, id: &str) -> Option<&CheckResult> {
        self.checks.iter().find(|check| check.id == id)
    }

    /// The ids of the failing checks.
    pub fn failed(&self) -> Vec<&'static str> {
        self.checks
            .iter()
            .filter(|check| check.verdict.is_fail())
            .map(|check| check.id)
            .collect()
    }

    pub fn failures_text(&self) -> String {
        self.checks
            .iter()
            .filter(|check| check.verdict.is_fail())
            .map(line)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The tier reached, then one line per check grouped by tier.
    pub fn text(&self) -> String {
        let mut out = format!(
            "Tier reached: {}\n",
            self.tier
                .map_or("none (experimental checks fail)", Tier::as_str)
        );
        for tier in Tier::ALL {
            out.push_str(&format!("\n{}\n", tier.as_str()));
            for check in self.checks.iter().filter(|check| check.tier == tier) {
                out.push_str(&line(check));
                out.push('\n');
            }
        }
        out
    }
}

fn line(check: &CheckResult) -> String {
    use crate::check::Verdict::*;
    let (mark, why) = match &check.verdict {
        Pass => ("pass", String::new()),
        Fail(why) => ("FAIL", format!(": {why}")),
        Warn(why) => ("warn", format!(": {why}")),
        NotApplicable(why) => ("n/a ", format!(": {why}")),
    };
    format!("  {mark}  {} ({}){why}", check.id, check.requirement)
}
