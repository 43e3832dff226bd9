//! `manifest`: the registry entry, `server.json`, `llms.txt` and the agent manifest
//! of a linked provider, generated from the code; `--write DIR` refreshes the files
//! kept in the repository.

use std::process::ExitCode;

use anyhow::Context;
use delx_conformance::manifest;
use delx_framework::{BuildContext, NullContext, ProviderRegistration, Registry};
use serde_json::json;

use super::ManifestArgs;
use crate::App;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    Registry,
    ServerJson,
    LlmsTxt,
    Agent,
    /// Every file kept in the repository (registry, server-json, llms-txt); needs --write.
    All,
}

pub async fn run(_app: App, args: ManifestArgs) -> anyhow::Result<ExitCode> {
    let all = ProviderRegistration::all();
    let registration = match &args.provider {
        Some(id) => all.iter().find(|r| r.descriptor.id == id),
        None => all.iter().find(|r| r.descriptor.distribution.is_some()),
    }
    .with_context(|| {
        let known: Vec<&str> = all.iter().map(|r| r.descriptor.id).collect();
        format!("no such provider; this binary has: {}", known.join(", "))
    })?;
    let registry = Registry::from_registrations([*registration], &BuildContext::from_process())?;
    let descriptor = registration.descriptor;
    let render = |kind: &str| -> anyhow::Result<String> {
        Ok(match kind {
            "registry" => {
                let report = delx_conformance::check_registry(&registry);
                pretty(&manifest::registry_entry(descriptor, &registry, &report)?)?
            }
            "server-json" => pretty(&manifest::server_json(descriptor)?)?,
            "llms-txt" => manifest::llms_txt(descriptor, &registry)?,
            _ => anyhow::bail!("unknown manifest kind {kind}"),
        })
    };
    match (args.kind, &args.write) {
        (Kind::Agent, _) => {
            let tool = format!("{}_agent_manifest", descriptor.id);
            let result = registry
                .call_tool(
                    &tool,
                    Some(json!({"client": "generic", "response_format": "json"})),
                    &NullContext::default(),
                )
                .await
                .map_err(|error| anyhow::anyhow!("{tool}: {error:?}"))?;
            outln!("{}", pretty(&result.structured)?);
        }
        (Kind::All, None) => anyhow::bail!("`manifest all` writes files: add --write DIR"),
        (kind, write) => {
            let kinds: Vec<(&str, &str)> = match kind {
                Kind::All => manifest::FILES.to_vec(),
                Kind::Registry => vec![manifest::FILES[0]],
                Kind::ServerJson => vec![manifest::FILES[1]],
                Kind::LlmsTxt => vec![manifest::FILES[2]],
                Kind::Agent => Vec::new(),
            };
            for (kind, file) in kinds {
                let text = render(kind)?;
                match write {
                    Some(dir) => {
                        std::fs::create_dir_all(dir)
                            .with_context(|| format!("cannot create {}", dir.display()))?;
                        let path = dir.join(file);
                        std::fs::write(&path, &text)
                            .with_context(|| format!("cannot write {}", path.display()))?;
                        eprintln!("wrote {}", path.display());
                    }
                    None => out!("{text}"),
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Pretty JSON with a final newline, as the files are kept.
fn pretty(value: &serde_json::Value) -> anyhow::Result<String> {
    Ok(format!("{}\n", serde_json::to_string_pretty(value)?))
}
