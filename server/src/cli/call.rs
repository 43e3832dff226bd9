//! `call <tool> --json '<args>'`: one tool, through the registry, without a client.

use std::process::ExitCode;

use anyhow::Context;
use delx_framework::NullContext;
use delx_framework::registry::CallError;

use super::{CallArgs, EXIT_FAILURE, EXIT_USAGE, build_registry};
use crate::App;

pub(super) async fn run(app: App, args: CallArgs) -> anyhow::Result<ExitCode> {
    let registry = build_registry()?;
    let arguments: serde_json::Value = match serde_json::from_str(&args.json) {
        Ok(arguments) => arguments,
        Err(error) => {
            eprintln!("{}: --json is not valid JSON: {error}", app.name);
            return Ok(ExitCode::from(EXIT_USAGE));
        }
    };
    match registry
        .call_tool(&args.tool, Some(arguments), &NullContext::default())
        .await
    {
        Ok(result) => {
            let text = serde_json::to_string_pretty(&result.structured)
                .context("cannot print the result")?;
            outln!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        Err(CallError::Failed(error)) => {
            eprintln!("{}", error.to_text());
            Ok(ExitCode::from(EXIT_FAILURE))
        }
        Err(CallError::UnknownTool(name)) => {
            let known: Vec<&str> = registry.tools().map(|tool| tool.name).collect();
            eprintln!(
                "{}: unknown tool `{name}`; available: {}",
                app.name,
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            );
            Ok(ExitCode::from(EXIT_USAGE))
        }
    }
}
