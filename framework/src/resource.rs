//! Resources: data an agent can read by URI, static or from an RFC 6570 template.

use std::collections::BTreeMap;

use async_trait::async_trait;

use crate::error::ToolError;

/// Where a resource lives: one fixed URI, or a family of URIs.
#[derive(Debug, Clone, PartialEq)]
pub enum ResourceSpecUri {
    Static(String),
    Template(UriTemplate),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResourceSpec {
    pub uri: ResourceSpecUri,
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub mime_type: &'static str,
    /// Whether the content changes when the provider's data does (a summary, the
    /// latest measure) rather than only with the binary (a catalogue). Subscribers
    /// to such a resource are told when its provider announces new data
    /// ([`crate::updates`]).
    pub follows_data: bool,
}

/// What a read returns.
#[derive(Debug, Clone, PartialEq)]
pub enum ResourceContent {
    Text { mime_type: String, text: String },
    Blob { mime_type: String, data: Vec<u8> },
}

/// A resource's content carried inside a tool result or a prompt, with the URI it
/// is known by.
#[derive(Debug, Clone, PartialEq)]
pub struct EmbeddedResource {
    pub uri: String,
    pub content: ResourceContent,
}

/// Template variables by name, as matched from the URI.
pub type UriVars = BTreeMap<String, String>;

#[async_trait]
pub trait Resource: Send + Sync + 'static {
    fn spec(&self) -> ResourceSpec;

    /// Reads `uri`; for a template, `vars` holds the matched variables.
    async fn read(&self, uri: &str, vars: &UriVars) -> Result<ResourceContent, ToolError>;

    /// Candidate values for a template variable; the registry filters by prefix.
    async fn complete(&self, _variable: &str, _context: &UriVars) -> Vec<String> {
        Vec::new()
    }
}

/// An RFC 6570 level-1 template (`withings://sleep/{date}`).
///
/// Level 1 is all a resource URI needs, and unlike the higher levels it can be
/// matched back unambiguously: each `{var}` matches one non-empty run of characters
/// other than `/`, `?` and `#`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UriTemplate {
    source: String,
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Var(String),
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid URI template {template:?}: {reason}")]
pub struct TemplateError {
    template: String,
    reason: &'static str,
}

impl UriTemplate {
    pub fn parse(source: &str) -> Result<Self, TemplateError> {
        let fail = |reason| TemplateError {
            template: source.to_owned(),
            reason,
        };
        let mut parts = Vec::new();
        let mut rest = source;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Literal(rest[..open].to_owned()));
            }
            let close = rest[open..].find('}').ok_or_else(|| fail("unclosed '{'"))? + open;
            let name = &rest[open + 1..close];
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(fail(
                    "variable names are letters, digits and '_' (level 1 only)",
                ));
            }
            if matches!(parts.last(), Some(Part::Var(_))) {
                return Err(fail("two variables must be separated by a literal"));
            }
            parts.push(Part::Var(name.to_owned()));
            rest = &rest[close + 1..];
        }
        if rest.contains('}') {
            return Err(fail("unmatched '}'"));
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.to_owned()));
        }
        Ok(Self {
            source: source.to_owned(),
            parts,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    pub fn variables(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|part| match part {
            Part::Var(name) => Some(name.as_str()),
            Part::Literal(_) => None,
        })
    }

    /// The variables if `uri` is an expansion of this template.
    pub fn matches(&self, uri: &str) -> Option<UriVars> {
        let mut vars = UriVars::new();
        let mut rest = uri;
        for (index, part) in self.parts.iter().enumerate() {
            match part {
                Part::Literal(literal) => rest = rest.strip_prefix(literal.as_str())?,
                Part::Var(name) => {
                    let end = match self.parts.get(index + 1) {
                        Some(Part::Literal(next)) => rest.find(next.as_str())?,
                        _ => rest.len(),
                    };
                    let value = &rest[..end];
                    if value.is_empty() || value.contains(['/', '?', '#']) {
                        return None;
                    }
                    vars.insert(name.clone(), value.to_owned());
                    rest = &rest[end..];
                }
            }
        }
        rest.is_empty().then_some(vars)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_and_extracts_variables() {
        let template = UriTemplate::parse("withings://sleep/{date}").unwrap();
        let vars = template.matches("withings://sleep/2026-01-02").unwrap();
        assert_eq!(vars["date"], "2026-01-02");
        assert_eq!(template.variables().collect::<Vec<_>>(), ["date"]);
    }

    #[test]
    fn rejects_uris_outside_the_template() {
        let template = UriTemplate::parse("x://a/{id}/b").unwrap();
        assert!(template.matches("x://a/1/b").is_some());
        assert!(template.matches("x://a//b").is_none(), "empty variable");
        assert!(
            template.matches("x://a/1/2/b").is_none(),
            "slash inside a variable"
        );
        assert!(template.matches("x://a/1/bc").is_none(), "trailing text");
        assert!(template.matches("y://a/1/b").is_none(), "other scheme");
    }

    #[test]
    fn refuses_templates_it_cannot_match_back() {
        assert!(UriTemplate::parse("x://{a}{b}").is_err());
        assert!(UriTemplate::parse("x://{a").is_err());
        assert!(UriTemplate::parse("x://{+a}").is_err());
        assert!(UriTemplate::parse("x://a}").is_err());
    }
}
