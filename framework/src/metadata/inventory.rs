//! The data inventory: the capabilities reduced to "what data, through which tool",
//! with counts, for an agent choosing a tool or a person deciding what to share.

use schemars::JsonSchema;
use serde::Serialize;

use super::Surface;
use super::capabilities::{
    AuthSummary, Capabilities, DataCategoryEntry, PrivacyModeGuide, or_none, privacy_modes_line,
};
use crate::render::Markdown;

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct DataInventory {
    pub kind: InventoryKind,
    pub provider: String,
    pub display_name: String,
    pub auth: AuthSummary,
    pub scopes: Vec<String>,
    pub privacy_modes: Vec<PrivacyModeGuide>,
    pub categories: Vec<DataCategoryEntry>,
    pub totals: InventoryTotals,
    pub first_tools: Vec<String>,
    pub notes: Vec<String>,
}

/// Tags the document, so a consumer holding several Delx documents can tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InventoryKind {
    DataInventory,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct InventoryTotals {
    pub categories: usize,
    /// Tools that read the user's data upstream.
    pub data_tools: usize,
    /// Every tool, data or not.
    pub tools: usize,
    pub scopes: usize,
    pub resources: usize,
}

/// The inventory of the provider described by `capabilities`, served as `surface`.
pub fn inventory(capabilities: &Capabilities, surface: &Surface) -> DataInventory {
    let id = &capabilities.provider;
    DataInventory {
        kind: InventoryKind::DataInventory,
        provider: id.clone(),
        display_name: capabilities.display_name.clone(),
        auth: capabilities.auth_model.clone(),
        scopes: capabilities.auth_model.default_scopes.clone(),
        privacy_modes: capabilities.privacy_modes.clone(),
        categories: capabilities.supported_data.clone(),
        totals: InventoryTotals {
            categories: capabilities.supported_data.len(),
            data_tools: surface.data_tools().count(),
            tools: surface.tools.len(),
            scopes: capabilities.auth_model.default_scopes.len(),
            resources: surface.resources.len(),
        },
        first_tools: capabilities.recommended_first_tools.clone(),
        notes: vec![
            "This inventory is a fixed description: reading it calls no upstream API and \
             returns no personal data."
                .to_owned(),
            format!(
                "Call {id}_connection_status before the data tools; it says what is missing \
                 when they cannot work yet."
            ),
            "Which fields come back depends on the user's account, devices and granted scopes; \
             a missing signal is not a zero."
                .to_owned(),
            "Ask for privacy_mode raw only when the user explicitly wants the upstream payload."
                .to_owned(),
        ],
    }
}

impl DataInventory {
    pub fn markdown(&self) -> String {
        let mut text = Markdown::new()
            .title(&format!("{} data inventory", self.display_name))
            .field("Scopes", or_none(&self.scopes))
            .field("Privacy modes", privacy_modes_line(&self.privacy_modes))
            .field(
                "Totals",
                format!(
                    "{} categories, {} data tools, {} tools in all",
                    self.totals.categories, self.totals.data_tools, self.totals.tools
                ),
            )
            .title("Categories");
        for category in &self.categories {
            text = text.bullet(format!("{}: {}", category.name, or_none(&category.tools)));
        }
        text.title("Start with")
            .bullet(or_none(&self.first_tools))
            .build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metadata::capabilities::capabilities;
    use crate::metadata::tests::{CATALOG, surface};

    #[test]
    fn totals_count_what_is_served() {
        let surface = surface();
        let inventory = inventory(&capabilities(&CATALOG, &surface), &surface);
        assert_eq!(
            serde_json::to_value(&inventory).unwrap()["kind"],
            "data_inventory"
        );
        assert_eq!(
            inventory.totals,
            InventoryTotals {
                categories: 2,
                data_tools: 2,
                tools: 3,
                scopes: 2,
                resources: 1,
            }
        );
        assert!(inventory.notes[1].contains("acme_connection_status"));
        let text = inventory.markdown();
        assert!(text.contains("- Steps: acme_list_steps"), "{text}");
    }
}
