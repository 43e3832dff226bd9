//! Tool names: what agents type and what clients prefix, so they must be plain,
//! unique and share the connector's prefix.

use std::collections::BTreeSet;

use super::result;
use crate::check::{CheckResult, Tier, Verdict};
use crate::surface::Surface;

const MAX_LEN: usize = 64;

pub fn check(surface: &Surface) -> Vec<CheckResult> {
    let mut bad = Vec::new();
    let mut seen = BTreeSet::new();
    let mut duplicates = Vec::new();
    for tool in &surface.tools {
        let name = tool.name.as_str();
        let snake = !name.is_empty()
            && name.len() <= MAX_LEN
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && !name.starts_with('_')
            && !name.ends_with('_')
            && !name.contains("__");
        if !snake {
            bad.push(format!("`{name}`"));
        }
        if !seen.insert(name) {
            duplicates.push(format!("`{name}`"));
        }
    }
    let prefix = surface.prefix();
    let off_prefix: Vec<String> = match &prefix {
        Some(prefix) => surface
            .tools
            .iter()
            .filter(|tool| !tool.name.starts_with(&format!("{prefix}_")))
            .map(|tool| format!("`{}`", tool.name))
            .collect(),
        None => surface
            .tools
            .iter()
            .map(|t| format!("`{}`", t.name))
            .collect(),
    };
    vec![
        result(
            "naming.charset",
            Tier::Experimental,
            "tool names are snake_case ASCII, 1 to 64 characters",
            problems("not snake_case", bad),
        ),
        result(
            "naming.unique",
            Tier::Experimental,
            "no two tools share a name",
            problems("listed more than once", duplicates),
        ),
        result(
            "naming.prefix",
            Tier::RegistryReady,
            "every tool name starts with the connector's prefix and `_`",
            match (&prefix, surface.tools.is_empty()) {
                (_, true) => Verdict::Fail("the connector lists no tools".into()),
                (Some(prefix), false) => {
                    problems(&format!("without the `{prefix}_` prefix"), off_prefix)
                }
                (None, false) => Verdict::Fail("no tool name has a `prefix_`".into()),
            },
        ),
    ]
}

fn problems(what: &str, names: Vec<String>) -> Verdict {
    if names.is_empty() {
        Verdict::Pass
    } else {
        Verdict::Fail(format!("{what}: {}", names.join(", ")))
    }
}
