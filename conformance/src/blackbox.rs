//! Black-box mode: any MCP server, in any language, launched as a command and
//! judged over stdio by what a client can see.

use std::ffi::OsString;

use rmcp::model::{CallToolRequestParams, Tool};
use rmcp::service::RunningService;
use rmcp::transport::TokioChildProcess;
use rmcp::{RoleClient, ServiceExt};
use serde_json::Value;

use crate::check::Verdict;
use crate::dynamic::{Caller, Outcome, run_checks};
use crate::surface::{Surface, SurfaceTool};
use crate::{Report, checks};

/// Launches `program` with `args`, connects, runs every check that can be judged
/// from outside, and stops the server. `canaries` are secrets the server was given
/// (in its environment or files) that must never come back.
pub async fn check_command(
    program: &OsString,
    args: &[OsString],
    canaries: &[String],
) -> Result<Report, String> {
    let mut command = tokio::process::Command::new(program);
    command.args(args);
    let (transport, stderr) = TokioChildProcess::builder(command)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|error| format!("cannot start {}: {error}", program.to_string_lossy()))?;
    // The server's log: read while it runs, so a full pipe never blocks it.
    let log = tokio::spawn(async move {
        let mut text = String::new();
        if let Some(mut stderr) = stderr {
            let _ = tokio::io::AsyncReadExt::read_to_string(&mut stderr, &mut text).await;
        }
        text
    });
    let client = ()
        .serve(transport)
        .await
        .map_err(|error| format!("the server did not complete the MCP handshake: {error}"))?;
    let outcome = judge(&client, canaries).await;
    let _ = client.cancel().await;
    let log = tokio::time::timeout(std::time::Duration::from_secs(5), log)
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default();
    outcome.map(|mut report| {
        let leaked = canaries.iter().any(|canary| log.contains(canary.as_str()));
        if leaked
            && let Some(check) = report
                .checks
                .iter_mut()
                .find(|check| check.id == "dynamic.no_secret_in_output")
        {
            check.verdict = Verdict::Fail("a secret appears in the server's log (stderr)".into());
        }
        Report::new(report.checks)
    })
}

async fn judge(
    client: &RunningService<RoleClient, ()>,
    canaries: &[String],
) -> Result<Report, String> {
    let tools = client
        .list_all_tools()
        .await
        .map_err(|error| format!("tools/list failed: {error}"))?;
    let surface = Surface {
        tools: tools.iter().map(surface_tool).collect(),
        prompts: match client.list_all_prompts().await {
            Ok(prompts) => prompts.into_iter().map(|p| p.name).collect(),
            Err(_) => Vec::new(),
        },
        resources: match client.list_all_resources().await {
            Ok(resources) => resources.into_iter().map(|r| r.uri.clone()).collect(),
            Err(_) => Vec::new(),
        },
    };
    let mut results = checks::all(&surface);
    results.extend(run_checks(&surface, &ClientCaller(client), canaries).await);
    Ok(Report::new(results))
}

fn surface_tool(tool: &Tool) -> SurfaceTool {
    let hints = tool.annotations.as_ref();
    SurfaceTool {
        name: tool.name.to_string(),
        title: tool
            .title
            .clone()
            .or_else(|| hints.and_then(|h| h.title.clone())),
        description: tool.description.as_ref().map(|d| d.to_string()),
        read_only: hints.and_then(|h| h.read_only_hint),
        destructive: hints.and_then(|h| h.destructive_hint),
        idempotent: hints.and_then(|h| h.idempotent_hint),
        open_world: hints.and_then(|h| h.open_world_hint),
        input_schema: (*tool.input_schema).clone(),
        output_schema: tool.output_schema.as_ref().map(|schema| (**schema).clone()),
    }
}

struct ClientCaller<'a>(&'a RunningService<RoleClient, ()>);

#[delx_framework::async_trait]
impl Caller for ClientCaller<'_> {
    async fn call(&self, tool: &str, arguments: Value) -> Outcome {
        let Value::Object(arguments) = arguments else {
            return Outcome::ProtocolError("arguments must be an object".into());
        };
        let request = CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments);
        match self.0.call_tool(request).await {
            Ok(result) => {
                let text = result
                    .content
                    .iter()
                    .filter_map(|content| content.as_text().map(|t| t.text.clone()))
                    .collect::<Vec<_>>()
                    .join("\n");
                if result.is_error == Some(true) {
                    Outcome::ToolError(text)
                } else {
                    Outcome::Answer {
                        structured: result.structured_content.unwrap_or(Value::Null),
                        text,
                    }
                }
            }
            Err(error) => Outcome::ProtocolError(error.to_string()),
        }
    }
}
