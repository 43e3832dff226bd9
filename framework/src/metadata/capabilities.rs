//! Capabilities: what a connector can do, what it will not do, and how to start.

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::Serialize;

use super::{Catalog, Link, Surface, links, owned};
use crate::privacy::PrivacyMode;
use crate::provider::{AuthModel, ProviderDescriptor};
use crate::render::Markdown;

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Capabilities {
    /// The provider id, also the prefix of every tool name.
    pub provider: String,
    pub display_name: String,
    pub version: String,
    pub api_boundary: ApiBoundary,
    pub auth_model: AuthSummary,
    pub privacy_modes: Vec<PrivacyModeGuide>,
    /// Each data category with example signals and the tools that read it.
    pub supported_data: Vec<DataCategoryEntry>,
    /// Signal ids, as the Delx registry names them.
    pub signals: Vec<String>,
    /// Tools outside every category: setup, connection and diagnostics.
    pub other_tools: Vec<String>,
    pub resources: Vec<String>,
    pub recommended_first_tools: Vec<String>,
    pub recommended_agent_flow: Vec<String>,
    pub links: Vec<Link>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ApiBoundary {
    /// What crosses the machine boundary, and to whom.
    pub source: String,
    pub does_not_include: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct AuthSummary {
    /// `oauth2_authorization_code`, `api_key` or `none`.
    pub kind: String,
    pub description: String,
    pub default_scopes: Vec<String>,
    pub token_storage: String,
    /// The default OAuth callback, when there is one.
    pub redirect_uri: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PrivacyModeGuide {
    pub mode: PrivacyMode,
    /// True for the mode used when neither the call nor the configuration picks one.
    pub default: bool,
    pub use_when: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct DataCategoryEntry {
    /// The category id from the provider descriptor.
    pub id: String,
    pub name: String,
    pub examples: Vec<String>,
    pub tools: Vec<String>,
}

/// Builds the capabilities of `catalog`'s provider as `surface` serves it.
pub fn capabilities(catalog: &Catalog, surface: &Surface) -> Capabilities {
    let descriptor = catalog.descriptor;
    let supported_data: Vec<DataCategoryEntry> = catalog
        .categories
        .iter()
        .map(|category| DataCategoryEntry {
            id: category.id.to_owned(),
            name: category.name.to_owned(),
            examples: owned(category.examples),
            tools: surface.served(category.tools),
        })
        .collect();
    let in_categories: BTreeSet<String> = supported_data
        .iter()
        .flat_map(|category| category.tools.iter().cloned())
        .collect();
    let other_tools = surface
        .tools
        .iter()
        .map(|spec| spec.name.to_owned())
        .filter(|name| !in_categories.contains(name))
        .collect();
    Capabilities {
        provider: descriptor.id.to_owned(),
        display_name: descriptor.display_name.to_owned(),
        version: descriptor.version.to_owned(),
        api_boundary: ApiBoundary {
            source: descriptor.api_boundary.to_owned(),
            does_not_include: owned(catalog.excluded),
        },
        auth_model: auth_summary(catalog),
        privacy_modes: privacy_mode_guides(),
        supported_data,
        signals: owned(descriptor.signals),
        other_tools,
        resources: surface.resources.clone(),
        recommended_first_tools: surface.served(catalog.first_tools),
        recommended_agent_flow: owned(catalog.agent_flow),
        links: links(descriptor),
    }
}

pub(super) fn auth_summary(catalog: &Catalog) -> AuthSummary {
    let descriptor = catalog.descriptor;
    let (kind, description) = auth_words(descriptor);
    AuthSummary {
        kind: kind.to_owned(),
        description,
        default_scopes: owned(descriptor.scopes),
        token_storage: catalog.token_storage.to_owned(),
        redirect_uri: catalog.redirect_uri.map(str::to_owned),
    }
}

fn auth_words(descriptor: &ProviderDescriptor) -> (&'static str, String) {
    let name = descriptor.display_name;
    match descriptor.auth_model {
        AuthModel::OAuth2AuthorizationCode => (
            "oauth2_authorization_code",
            format!(
                "The user signs in to {name} in the browser once and approves access; the \
                 connector keeps the resulting tokens on this machine and renews them by itself."
            ),
        ),
        AuthModel::ApiKey => (
            "api_key",
            format!(
                "A personal {name} key the user stores locally with the setup command, never in chat."
            ),
        ),
        AuthModel::None => (
            "none",
            "No account: the connector reads local files only.".to_owned(),
        ),
    }
}

/// When each mode fits. Shared by every connector: the modes mean the same everywhere.
pub(super) fn privacy_mode_guides() -> Vec<PrivacyModeGuide> {
    PrivacyMode::ALL
        .into_iter()
        .map(|mode| PrivacyModeGuide {
            mode,
            default: mode == PrivacyMode::default(),
            use_when: match mode {
                PrivacyMode::Summary => {
                    "Quick answers and anything that may be shared onward: decoded values only, \
                     without device identifiers or upstream bookkeeping."
                }
                PrivacyMode::Structured => {
                    "Most questions and analysis: named values in real units plus every \
                     non-sensitive field the upstream API returned."
                }
                PrivacyMode::Raw => {
                    "Only when the user explicitly asks for the upstream payload itself, for \
                     debugging or export; credentials are still removed."
                }
            }
            .to_owned(),
        })
        .collect()
}

impl Capabilities {
    /// A few bullets for a chat: categories with their tools, the boundary, the start.
    pub fn markdown(&self) -> String {
        let mut text = Markdown::new()
            .title(&format!("{} capabilities", self.display_name))
            .field("Source", &self.api_boundary.source)
            .field("Sign-in", &self.auth_model.description)
            .field("Scopes", or_none(&self.auth_model.default_scopes))
            .field("Privacy modes", privacy_modes_line(&self.privacy_modes))
            .title("Data");
        for category in &self.supported_data {
            text = text.bullet(format!(
                "{} ({}): {}",
                category.name,
                category.examples.join(", "),
                or_none(&category.tools)
            ));
        }
        text = text.title("Not included");
        for item in &self.api_boundary.does_not_include {
            text = text.bullet(item);
        }
        text.title("Start with")
            .bullet(or_none(&self.recommended_first_tools))
            .build()
    }
}

pub(super) fn privacy_modes_line(guides: &[PrivacyModeGuide]) -> String {
    guides
        .iter()
        .map(|guide| {
            if guide.default {
                format!("{} (default)", guide.mode)
            } else {
                guide.mode.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metadata::tests::{CATALOG, surface};

    #[test]
    fn categories_name_only_served_tools_and_the_rest_are_other_tools() {
        let capabilities = capabilities(&CATALOG, &surface());
        let sleep = &capabilities.supported_data[0];
        assert_eq!(sleep.id, "sleep");
        assert_eq!(
            sleep.tools,
            ["acme_list_sleep"],
            "an unserved catalog name is dropped"
        );
        assert_eq!(capabilities.other_tools, ["acme_connection_status"]);
        assert_eq!(
            capabilities.recommended_first_tools,
            ["acme_connection_status", "acme_list_sleep"]
        );
        assert_eq!(capabilities.auth_model.kind, "oauth2_authorization_code");
        assert_eq!(
            capabilities.auth_model.default_scopes,
            ["read.sleep", "read.steps"]
        );
        assert_eq!(capabilities.resources, ["acme://capabilities"]);
    }

    #[test]
    fn exactly_one_privacy_mode_is_the_default() {
        let guides = privacy_mode_guides();
        assert_eq!(guides.len(), 3);
        let defaults: Vec<_> = guides.iter().filter(|guide| guide.default).collect();
        assert_eq!(defaults.len(), 1);
        assert_eq!(defaults[0].mode, PrivacyMode::Structured);
    }

    #[test]
    fn markdown_is_bullets_without_tables_or_json() {
        let text = capabilities(&CATALOG, &surface()).markdown();
        assert!(
            text.contains("- Sleep (duration, stages): acme_list_sleep"),
            "{text}"
        );
        assert!(text.contains("structured (default)"), "{text}");
        assert!(!text.contains('|') && !text.contains('{'), "{text}");
    }
}
