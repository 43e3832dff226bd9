//! `llms.txt`: what a model needs to know about the connector, in a few lines.

use delx_framework::{ProviderDescriptor, Registry};

use super::{ManifestError, distribution};

pub fn llms_txt(
    descriptor: &ProviderDescriptor,
    registry: &Registry,
) -> Result<String, ManifestError> {
    let dist = distribution(descriptor)?;
    let prefix = format!("{}_", descriptor.id);
    let mut tools: Vec<&str> = registry
        .tools()
        .map(|tool| tool.name)
        .filter(|name| name.starts_with(&prefix))
        .collect();
    tools.sort_unstable();
    let first: Vec<String> = [
        "connection_status",
        "daily_summary",
        "weekly_summary",
        "wellness_context",
    ]
    .iter()
    .map(|suffix| format!("{prefix}{suffix}"))
    .filter(|name| tools.contains(&name.as_str()))
    .collect();
    let settings: Vec<String> = dist
        .settings
        .iter()
        .map(|key| {
            let secret = if key.secret { " (secret)" } else { "" };
            format!("- {}{secret}: {}", key.name, key.description)
        })
        .collect();
    Ok(format!(
        "# {package}\n\n\
         > Local-first MCP server for {name} data. {boundary}\n\n\
         - Run: `{package}` (MCP over stdio), `{package} serve --http` (streamable HTTP on loopback)\n\
         - Try without an account: `{package} demo`\n\
         - Set up: `{package} setup`, then `{package} doctor`\n\
         - Registry name: {mcp_name}\n\
         - Source: {repository}\n\n\
         ## First calls\n\n{first}\n\n\
         ## Tools\n\n{tools}\n\n\
         ## Settings\n\n{settings}\n\n\
         ## Privacy\n\n\
         Tokens and cached data stay in ~/{home}/, owner-only. List tools default to the \
         structured privacy mode; raw upstream payloads only when asked. Not medical advice.\n",
        package = dist.package,
        name = descriptor.display_name,
        boundary = descriptor.api_boundary,
        mcp_name = dist.mcp_name,
        repository = dist.repository,
        first = first
            .iter()
            .map(|t| format!("- {t}"))
            .collect::<Vec<_>>()
            .join("\n"),
        tools = tools
            .iter()
            .map(|t| format!("- {t}"))
            .collect::<Vec<_>>()
            .join("\n"),
        settings = settings.join("\n"),
        home = descriptor.home_dir,
    ))
}
