//! `withings-mcp setup`: store the Withings app's credentials and preferences in
//! `~/.withings-mcp/config.json`, then connect the account.
//!
//! The client secret never travels on the command line, where other users of the
//! machine can read it in the process list and shells keep it in history: it comes
//! from a hidden prompt, from stdin, or from `WITHINGS_CLIENT_SECRET`.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use delx_framework::clients::McpClient;
use delx_framework::config::{self, file_path};
use delx_framework::{BuildContext, PrivacyMode};
use serde_json::json;

use super::{EXIT_FAILURE, EXIT_USAGE, parse_args, print_json};
use crate::config::{
    CLIENT_ID, CLIENT_SECRET, DEFAULT_REDIRECT_URI, HOME_DIR, PRIVACY_MODE, REDIRECT_URI,
    TOKEN_PATH, display_path,
};

/// Store your Withings app's credentials, then connect your account.
///
/// Create an app at https://developer.withings.com/dashboard/ and register the
/// callback URL (default http://127.0.0.1:3000/callback). The secret is read from a
/// hidden prompt, from stdin (--client-secret-stdin) or from WITHINGS_CLIENT_SECRET.
#[derive(Debug, Parser)]
#[command(name = "withings-mcp setup")]
struct Args {
    /// Your Withings app's client id.
    #[arg(long)]
    client_id: Option<String>,
    /// Read the client secret from the first line of stdin.
    #[arg(long)]
    client_secret_stdin: bool,
    /// Refused: a secret on the command line leaks. Kept to explain that.
    #[arg(long, hide = true)]
    client_secret: Option<String>,
    /// The callback URL registered in your Withings app.
    #[arg(long)]
    redirect_uri: Option<String>,
    /// summary, structured or raw.
    #[arg(long)]
    privacy_mode: Option<PrivacyMode>,
    /// Where to keep the tokens (default ~/.withings-mcp/tokens.json).
    #[arg(long)]
    token_path: Option<String>,
    /// Also configure this MCP client: claude, claude-code, cursor, windsurf, hermes,
    /// openclaw or generic (prints a snippet).
    #[arg(long)]
    client: Option<McpClient>,
    /// Hermes only: let `/reload-mcp` skip its confirmation (a Hermes security setting).
    #[arg(long)]
    allow_hermes_reload_without_confirmation: bool,
    /// Do not connect the account now.
    #[arg(long)]
    no_auth: bool,
    /// Never prompt; fail if something is missing.
    #[arg(long)]
    non_interactive: bool,
    /// Print the outcome as JSON (implies --non-interactive).
    #[arg(long)]
    json: bool,
    /// Passed on to `auth`: print the consent URL instead of opening a browser.
    #[arg(long)]
    no_open: bool,
}

pub fn run(args: Vec<OsString>) -> ExitCode {
    let args: Args = match parse_args("setup", args) {
        Ok(args) => args,
        Err(code) => return code,
    };
    if args.client_secret.is_some() {
        eprintln!(
            "withings-mcp setup: refusing --client-secret: a secret on the command line is visible to other \
             users and kept in shell history. Use the hidden prompt, --client-secret-stdin, or {CLIENT_SECRET}."
        );
        return ExitCode::from(EXIT_USAGE);
    }
    let ctx = BuildContext::from_process();
    match configure(&ctx, &args) {
        Ok((mut report, chosen_client)) => {
            if let Some(client) = args.client.or(chosen_client) {
                match super::clients::configure(
                    &ctx,
                    client,
                    args.allow_hermes_reload_without_confirmation,
                ) {
                    Ok(installed) => {
                        if !args.json {
                            print_installed(&installed, &ctx);
                        }
                        report["client"] = json!(installed);
                    }
                    Err(error) => {
                        eprintln!(
                            "withings-mcp setup: the config is saved, but {client} was not configured: {error}"
                        );
                        return ExitCode::from(EXIT_FAILURE);
                    }
                }
            }
            if !args.no_auth {
                let auth = super::auth::run_with(&ctx, args.no_open, args.json);
                report["auth"] = auth.as_ref().map_or_else(
                    |error| json!({"ok": false, "error": error}),
                    |done| done.clone(),
                );
                if let Err(error) = auth {
                    if args.json {
                        print_json(&report);
                    }
                    eprintln!(
                        "withings-mcp setup: the config is saved, but connecting failed: {error}"
                    );
                    return ExitCode::from(EXIT_FAILURE);
                }
            }
            if args.json {
                print_json(&report);
            } else {
                outln!(
                    "✓ Config saved to {} (owner-only)",
                    report["config_path"].as_str().unwrap_or_default()
                );
                outln!(
                    "→ Next: {}",
                    report["next_step"].as_str().unwrap_or_default()
                );
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("withings-mcp setup: {message}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

/// Merges the new settings into the stored ones and writes the file. Returns the
/// report and the MCP client chosen at the prompt, if any.
fn configure(
    ctx: &BuildContext,
    args: &Args,
) -> Result<(serde_json::Value, Option<McpClient>), String> {
    let interactive = !args.json && !args.non_interactive && std::io::stdin().is_terminal();
    let path = file_path(ctx, HOME_DIR).map_err(|error| error.to_string())?;
    let mut values = config::stored_values(&path).map_err(|error| error.to_string())?;
    let stored = |key: &str, values: &BTreeMap<String, String>| {
        values.get(key).cloned().filter(|v| !v.is_empty())
    };

    let client_id = match args
        .client_id
        .clone()
        .or_else(|| ctx.env(CLIENT_ID).map(str::to_owned))
    {
        Some(id) => Some(id),
        None if interactive => Some(ask(&format!(
            "Withings client id{}",
            hint(stored(CLIENT_ID, &values))
        ))?)
        .filter(|id| !id.is_empty())
        .or_else(|| stored(CLIENT_ID, &values)),
        None => stored(CLIENT_ID, &values),
    }
    .ok_or_else(|| format!("a client id is required: pass --client-id or set {CLIENT_ID}"))?;

    let secret = if args.client_secret_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|error| format!("cannot read the secret from stdin: {error}"))?;
        Some(line.trim().to_owned()).filter(|secret| !secret.is_empty())
    } else if ctx.env(CLIENT_SECRET).is_some() {
        // Already provided by the environment; it stays there, out of the file.
        None
    } else if interactive {
        let answer = rpassword::prompt_password(
            "Withings client secret (hidden; Enter keeps the stored one): ",
        )
        .map_err(|error| format!("cannot read the secret: {error}"))?;
        Some(answer.trim().to_owned()).filter(|secret| !secret.is_empty())
    } else {
        None
    };
    let secret_known = secret.is_some()
        || ctx.env(CLIENT_SECRET).is_some()
        || stored(CLIENT_SECRET, &values).is_some();
    if !secret_known {
        return Err(format!(
            "a client secret is required: use the hidden prompt, --client-secret-stdin, or {CLIENT_SECRET}"
        ));
    }

    let redirect = match &args.redirect_uri {
        Some(uri) => uri.clone(),
        None if interactive => {
            let current =
                stored(REDIRECT_URI, &values).unwrap_or_else(|| DEFAULT_REDIRECT_URI.to_owned());
            Some(ask(&format!(
                "Callback URL registered in your app [{current}]"
            ))?)
            .filter(|uri| !uri.is_empty())
            .unwrap_or(current)
        }
        None => stored(REDIRECT_URI, &values).unwrap_or_else(|| DEFAULT_REDIRECT_URI.to_owned()),
    };
    url::Url::parse(&redirect)
        .map_err(|error| format!("the callback URL {redirect:?} is not a URL: {error}"))?;

    values.insert(CLIENT_ID.to_owned(), client_id);
    if let Some(secret) = secret {
        values.insert(CLIENT_SECRET.to_owned(), secret);
    }
    values.insert(REDIRECT_URI.to_owned(), redirect);
    let privacy_mode = match args.privacy_mode {
        Some(mode) => Some(mode),
        None if interactive => {
            let current =
                stored(PRIVACY_MODE, &values).unwrap_or_else(|| PrivacyMode::default().to_string());
            let answer = ask(&format!(
                "Privacy mode: summary, structured or raw [{current}]"
            ))?;
            let answer = if answer.is_empty() { current } else { answer };
            Some(
                answer
                    .parse::<PrivacyMode>()
                    .map_err(|error| error.to_string())?,
            )
        }
        None => None,
    };
    if let Some(mode) = privacy_mode {
        values.insert(PRIVACY_MODE.to_owned(), mode.to_string());
    }
    if let Some(token_path) = &args.token_path {
        values.insert(TOKEN_PATH.to_owned(), token_path.clone());
    }
    let client_choice = match args.client {
        None if interactive => {
            let answer = ask(&format!(
                "Configure an MCP client ({}), or Enter for none",
                McpClient::NAMES.join(", ")
            ))?;
            if answer.is_empty() {
                None
            } else {
                Some(
                    answer
                        .parse::<McpClient>()
                        .map_err(|error| error.to_string())?,
                )
            }
        }
        _ => None,
    };
    config::save(&path, &values).map_err(|error| error.to_string())?;
    let shown = display_path(&path, ctx.home());
    let report = json!({
        "ok": true,
        "config_path": shown,
        "next_step": if args.no_auth {
            "Run `withings-mcp auth`, then `withings-mcp doctor`."
        } else {
            "Run `withings-mcp doctor`, then add withings-mcp to your MCP client."
        },
    });
    Ok((report, client_choice))
}

fn print_installed(report: &delx_framework::clients::InstallReport, ctx: &BuildContext) {
    let path = display_path(&report.config_path, ctx.home());
    outln!(
        "✓ {} configuration {:?}: {path}",
        report.client.display_name(),
        report.outcome
    );
    if let Some(snippet) = &report.snippet {
        outln!("{snippet}");
    }
    for line in report.warnings.iter().chain(&report.next_steps) {
        outln!("  · {line}");
    }
}

fn hint(current: Option<String>) -> String {
    current
        .map(|value| format!(" [{value}]"))
        .unwrap_or_default()
}

/// One visible answer from the terminal; prompts go to stderr, stdout stays data.
fn ask(question: &str) -> Result<String, String> {
    eprint!("{question}: ");
    std::io::stderr().flush().ok();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|error| format!("cannot read the answer: {error}"))?;
    Ok(line.trim().to_owned())
}
