//! What a connector exposes, as a client sees it: the input every check reads.

use delx_framework::Registry;
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct SurfaceTool {
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    /// `readOnlyHint`, `destructiveHint`, `idempotentHint`, `openWorldHint`; `None`
    /// when the server does not say.
    pub read_only: Option<bool>,
    pub destructive: Option<bool>,
    pub idempotent: Option<bool>,
    pub open_world: Option<bool>,
    pub input_schema: Map<String, Value>,
    pub output_schema: Option<Map<String, Value>>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Surface {
    pub tools: Vec<SurfaceTool>,
    pub prompts: Vec<String>,
    pub resources: Vec<String>,
}

impl Surface {
    pub fn from_registry(registry: &Registry) -> Self {
        let tools = registry
            .tools()
            .map(|spec| SurfaceTool {
                name: spec.name.to_owned(),
                title: Some(spec.title.to_owned()),
                description: Some(spec.description.to_owned()),
                read_only: Some(spec.annotations.read_only),
                destructive: Some(spec.annotations.destructive),
                idempotent: Some(spec.annotations.idempotent),
                open_world: Some(spec.annotations.open_world),
                input_schema: spec.input_schema.clone(),
                output_schema: Some(spec.output_schema.clone()),
            })
            .collect();
        Self {
            tools,
            prompts: registry.prompts().map(|p| p.name.to_owned()).collect(),
            resources: registry
                .resources()
                .map(|spec| match &spec.uri {
                    delx_framework::ResourceSpecUri::Static(uri) => uri.clone(),
                    delx_framework::ResourceSpecUri::Template(t) => t.as_str().to_owned(),
                })
                .collect(),
        }
    }

    /// The prefix every tool name should share: what comes before the first `_` of
    /// the most common one.
    pub fn prefix(&self) -> Option<String> {
        let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
        for tool in &self.tools {
            if let Some((prefix, _)) = tool.name.split_once('_') {
                *counts.entry(prefix).or_default() += 1;
            }
        }
        counts
            .into_iter()
            .max_by_key(|(_, count)| *count)
            .map(|(prefix, _)| prefix.to_owned())
    }

    pub fn tool(&self, name: &str) -> Option<&SurfaceTool> {
        self.tools.iter().find(|tool| tool.name == name)
    }
}

impl SurfaceTool {
    /// The input property `name`, if declared.
    pub fn input_property(&self, name: &str) -> Option<&Value> {
        self.input_schema.get("properties")?.get(name)
    }

    pub fn requires(&self, name: &str) -> bool {
        self.input_schema
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|required| required.iter().any(|r| r == name))
    }
}
