//! `withings-mcp doctor` (alias `status`): every check, a ✓ or ✗ each, and the
//! numbered next steps. `--json` is safe to paste anywhere: no paths, no secrets.

use std::ffi::OsString;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use delx_framework::clients::{ClientStatus, McpClient};
use delx_framework::{BuildContext, Redactor};
use serde::Serialize;
use serde_json::json;

use super::readiness::{Readiness, ScopeStatus, assess};
use super::{EXIT_FAILURE, parse_args, print_json};
use crate::api::endpoints::GETDEVICE;
use crate::api::{ClientOptions, WithingsClient};
use crate::config::Settings;

/// Is this connector ready? Checks config, credentials, tokens and scopes.
#[derive(Debug, Parser)]
#[command(name = "withings-mcp doctor")]
struct Args {
    /// Print the report as JSON (no paths, no secrets).
    #[arg(long)]
    json: bool,
    /// Exit 1 when not ready.
    #[arg(long)]
    strict: bool,
    /// Also make one cheap Withings API call to prove the tokens work.
    #[arg(long)]
    online: bool,
    /// Also check that this MCP client launches withings-mcp.
    #[arg(long)]
    client: Option<McpClient>,
}

/// The outcome of `--online`.
#[derive(Debug, Serialize)]
struct OnlineCheck {
    ok: bool,
    milliseconds: u128,
    error: Option<String>,
}

pub fn run(args: Vec<OsString>) -> ExitCode {
    let args: Args = match parse_args("doctor", args) {
        Ok(args) => args,
        Err(code) => return code,
    };
    let ctx = BuildContext::from_process();
    let settings = match Settings::load(&ctx) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("withings-mcp doctor: {error}");
            return ExitCode::from(EXIT_FAILURE);
        }
    };
    let readiness = assess(&settings);
    let online = args.online.then(|| online_check(&settings));
    let client = args
        .client
        .map(|client| super::clients::check(&ctx, client));
    let client_ok = match &client {
        Some(Ok(status)) => status.configured && status.command_matches,
        Some(Err(_)) => false,
        None => true,
    };
    let ok = readiness.ready && client_ok && online.as_ref().is_none_or(|check| check.ok);
    if args.json {
        let client = client.map(|outcome| match outcome {
            // No absolute paths in --json: it is meant to be pasted into issues and chats.
            Ok(status) => json!({
                "client": status.client,
                "exists": status.exists,
                "configured": status.configured,
                "command_matches": status.command_matches,
                "skill_installed": status.skill_installed,
            }),
            Err(error) => json!({"error": error}),
        });
        print_json(&json!({"ok": ok, "readiness": readiness, "online": online, "client": client}));
    } else {
        out!("{}", render(&readiness, online.as_ref(), &settings));
        if let Some(outcome) = client {
            out!("{}", render_client(outcome));
        }
    }
    if args.strict && !ok {
        ExitCode::from(EXIT_FAILURE)
    } else {
        ExitCode::SUCCESS
    }
}

fn render_client(outcome: Result<ClientStatus, String>) -> String {
    let mark = |ok: bool| if ok { "✓" } else { "✗" };
    match outcome {
        Err(error) => format!("\nMCP client\n  ✗  {error}\n"),
        Ok(status) => {
            let name = status.client.display_name();
            let mut text = format!("\n{name}\n");
            text.push_str(&format!(
                "  {}  Configuration file exists\n",
                mark(status.exists)
            ));
            text.push_str(&format!(
                "  {}  withings server configured\n",
                mark(status.configured)
            ));
            text.push_str(&format!(
                "  {}  Launches this withings-mcp\n",
                mark(status.command_matches)
            ));
            if let Some(installed) = status.skill_installed {
                text.push_str(&format!("  {}  Hermes skill installed\n", mark(installed)));
            }
            if !(status.configured && status.command_matches) {
                text.push_str(&format!(
                    "  → Run `withings-mcp setup --client {} --no-auth`.\n",
                    status.client
                ));
            }
            text
        }
    }
}

fn online_check(settings: &Settings) -> OnlineCheck {
    let started = Instant::now();
    let outcome = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| error.to_string())
        .and_then(|runtime| {
            runtime.block_on(async {
                let client = WithingsClient::new(settings, ClientOptions::default())
                    .map_err(|e| e.to_string())?;
                client
                    .call(&GETDEVICE, &[])
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            })
        });
    let redactor = Redactor::new().with_known_secrets(settings.layers.secrets());
    OnlineCheck {
        ok: outcome.is_ok(),
        milliseconds: started.elapsed().as_millis(),
        error: outcome.err().map(|error| redactor.redact_str(&error)),
    }
}

fn render(readiness: &Readiness, online: Option<&OnlineCheck>, settings: &Settings) -> String {
    let mark = |ok: bool| if ok { "✓" } else { "✗" };
    let mut out = String::from("Withings MCP · Doctor\n");
    out.push_str(if readiness.ready {
        "Status: READY ✓\n\nChecks\n"
    } else {
        "Status: NEEDS SETUP ✗\n\nChecks\n"
    });
    let mut line = |symbol: &str, text: String| out.push_str(&format!("  {symbol}  {text}\n"));
    line(
        mark(readiness.missing_settings.is_empty()),
        if readiness.missing_settings.is_empty() {
            "Client id and secret".to_owned()
        } else {
            format!(
                "Client id and secret (missing: {})",
                readiness.missing_settings.join(", ")
            )
        },
    );
    let config = &readiness.config;
    line(
        if !config.exists {
            "·"
        } else {
            mark(config.secure_permissions != Some(false))
        },
        if config.exists {
            format!("Local config (source: {})", config.source.as_str())
        } else {
            format!("Local config (none; source: {})", config.source.as_str())
        },
    );
    for warning in &config.warnings {
        line("!", warning.clone());
    }
    line(
        mark(readiness.automatic_auth_supported),
        format!("Automatic auth redirect ({})", settings.redirect_uri),
    );
    let token = &readiness.token;
    line(
        mark(token.exists && token.readable),
        format!("Token file ({})", settings.display(&settings.token_path)),
    );
    if token.exists {
        line(
            mark(token.secure_permissions != Some(false)),
            "Token permissions".to_owned(),
        );
        line(mark(token.has_refresh_token), "Refresh token".to_owned());
    }
    line(
        mark(matches!(
            readiness.scopes.status,
            ScopeStatus::Ok | ScopeStatus::Unknown
        )),
        format!(
            "OAuth scopes ({})",
            if readiness.scopes.granted.is_empty() {
                "none recorded".to_owned()
            } else {
                readiness.scopes.granted.join(", ")
            }
        ),
    );
    line("·", format!("Privacy mode: {}", readiness.privacy_mode));
    let cache = &readiness.cache;
    line(
        "·",
        match (&cache.mode, &cache.path) {
            (Some(mode), path) => format!(
                "Cache: {}{}{}",
                super::cache::describe(mode),
                path.as_deref()
                    .map(|p| format!(" at {p}"))
                    .unwrap_or_default(),
                cache
                    .entries
                    .map(|n| format!(", {n} entries"))
                    .unwrap_or_default()
            ),
            (None, path) => format!(
                "Cache: not created yet{}",
                path.as_deref()
                    .map(|p| format!(" ({p})"))
                    .unwrap_or_default()
            ),
        },
    );
    if let Some(online) = online {
        line(
            mark(online.ok),
            match &online.error {
                None => format!("Withings API answered ({} ms)", online.milliseconds),
                Some(error) => format!("Withings API: {error}"),
            },
        );
    }
    if !readiness.next_steps.is_empty() {
        out.push_str("\nNext steps\n");
        for (number, step) in readiness.next_steps.iter().enumerate() {
            out.push_str(&format!("  {}. {step}\n", number + 1));
        }
    }
    out
}
