//! Argument completion: one filtering rule for every prompt and template.

/// MCP caps a completion answer at 100 values.
pub const MAX_VALUES: usize = 100;

/// Values offered for what the user has typed so far.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Completion {
    pub values: Vec<String>,
    /// How many candidates matched in all.
    pub total: usize,
    pub has_more: bool,
}

impl Completion {
    /// Keeps the candidates that start with `typed` (case-insensitive), in order,
    /// without duplicates, capped at [`MAX_VALUES`].
    pub fn filter(candidates: Vec<String>, typed: &str) -> Self {
        let typed = typed.to_lowercase();
        let mut matching: Vec<String> = Vec::new();
        for candidate in candidates {
            if candidate.to_lowercase().starts_with(&typed) && !matching.contains(&candidate) {
                matching.push(candidate);
            }
        }
        let total = matching.len();
        matching.truncate(MAX_VALUES);
        Self {
            has_more: total > matching.len(),
            values: matching,
            total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_by_prefix_and_caps() {
        let candidates: Vec<String> = (0..250)
            .map(|i| format!("day-{i:03}"))
            .chain(["Night".into()])
            .collect();
        let all = Completion::filter(candidates.clone(), "day-");
        assert_eq!(all.values.len(), MAX_VALUES);
        assert_eq!(all.total, 250);
        assert!(all.has_more);
        let night = Completion::filter(candidates, "nI");
        assert_eq!(night.values, ["Night"]);
        assert!(!night.has_more);
    }
}
