//! One check's outcome, and the tiers of the standard.

use serde::Serialize;

/// The standard's tiers, each including the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// Works, with basic hygiene.
    Experimental,
    /// Fit to list in the Delx registry: documented, annotated, typed.
    RegistryReady,
    /// Safe and predictable for agents: closed inputs, gated mutations, diagnostics.
    AgentReady,
    /// Hands shared context (such as `wellness_context`) to other connectors.
    ContextReady,
}

impl Tier {
    pub const ALL: [Tier; 4] = [
        Tier::Experimental,
        Tier::RegistryReady,
        Tier::AgentReady,
        Tier::ContextReady,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Experimental => "experimental",
            Self::RegistryReady => "registry_ready",
            Self::AgentReady => "agent_ready",
            Self::ContextReady => "context_ready",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", content = "why", rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Fail(String),
    /// Worth fixing, not blocking the tier.
    Warn(String),
    NotApplicable(String),
}

impl Verdict {
    pub fn is_fail(&self) -> bool {
        matches!(self, Self::Fail(_))
    }

    /// `Pass` when nothing went wrong, else `Fail` listing what did.
    pub fn from_problems(problems: Vec<String>) -> Self {
        if problems.is_empty() {
            Self::Pass
        } else {
            Self::Fail(problems.join("; "))
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    /// Stable, dotted: `naming.prefix`, `schemas.closed_inputs`...
    pub id: &'static str,
    pub tier: Tier,
    /// What the check wants, in one line.
    pub requirement: &'static str,
    #[serde(flatten)]
    pub verdict: Verdict,
}

impl CheckResult {
    pub fn new(id: &'static str, tier: Tier, requirement: &'static str, verdict: Verdict) -> Self {
        Self {
            id,
            tier,
            requirement,
            verdict,
        }
    }
}
