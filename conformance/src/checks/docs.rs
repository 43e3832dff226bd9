//! Titles and descriptions: the model chooses tools by reading them.

use super::result;
use crate::check::{CheckResult, Tier, Verdict};
use crate::surface::Surface;

/// Shorter than this, a description cannot say what the tool is for and when to
/// use it.
const MIN_DESCRIPTION: usize = 40;

pub fn check(surface: &Surface) -> Vec<CheckResult> {
    let mut problems = Vec::new();
    for tool in &surface.tools {
        let name = tool.name.as_str();
        let spoken = name.replace('_', " ");
        match tool.title.as_deref().map(str::trim) {
            None | Some("") => problems.push(format!("`{name}` has no title")),
            Some(title) if title == name => problems.push(format!("`{name}`'s title is its name")),
            Some(_) => {}
        }
        match tool.description.as_deref().map(str::trim) {
            None | Some("") => problems.push(format!("`{name}` has no description")),
            Some(text)
                if text == name
                    || text.eq_ignore_ascii_case(&spoken)
                    || text.chars().count() < MIN_DESCRIPTION =>
            {
                problems.push(format!(
                    "`{name}`'s description is under {MIN_DESCRIPTION} characters or repeats its name"
                ));
            }
            Some(_) => {}
        }
    }
    vec![result(
        "docs.titles_and_descriptions",
        Tier::RegistryReady,
        "every tool has a title and a description that says what it does",
        Verdict::from_problems(problems),
    )]
}
