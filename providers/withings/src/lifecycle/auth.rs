//! `withings-mcp auth`: connect a Withings account.
//!
//! The consent page sends the browser back to a loopback address we listen on;
//! the code that arrives is exchanged at once, because Withings codes live 30 s.
//! When the browser runs on another machine, `--paste` takes the address it was
//! sent to instead.

use std::ffi::OsString;
use std::io::BufRead;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use delx_framework::BuildContext;
use delx_framework::auth::callback::{self, CallbackServer, LoopbackRedirect, SuccessPage};
use delx_framework::random::hex_token;
use serde_json::json;

use super::{EXIT_FAILURE, parse_args, print_json};
use crate::api::{ClientOptions, WithingsClient};
use crate::config::Settings;

/// How long to wait for the browser, unless `WITHINGS_AUTH_TIMEOUT_MS` says otherwise.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5 * 60);
pub const TIMEOUT_VAR: &str = "WITHINGS_AUTH_TIMEOUT_MS";

/// Connect your Withings account (OAuth in your browser).
///
/// Withings accepts a local callback such as http://127.0.0.1:3000/callback, but an
/// app whose callback is localhost or an IP address runs in Withings' restricted
/// mode: at most 10 linked users, for development and personal use. That is what a
/// personal connector needs. Register the exact callback URL in your Withings app.
#[derive(Debug, Parser)]
#[command(name = "withings-mcp auth")]
struct Args {
    /// Print the consent URL instead of opening a browser.
    #[arg(long)]
    no_open: bool,
    /// The browser is on another machine: paste the address it was sent to.
    #[arg(long)]
    paste: bool,
    /// Print the outcome as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Vec<OsString>) -> ExitCode {
    let args: Args = match parse_args("auth", args) {
        Ok(args) => args,
        Err(code) => return code,
    };
    let ctx = BuildContext::from_process();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return fail(&format!("cannot start the runtime: {error}")),
    };
    match runtime.block_on(authorize(&ctx, &args)) {
        Ok(report) => {
            if args.json {
                print_json(&report);
            } else {
                outln!("✓ Withings connected");
                outln!(
                    "  Tokens: {}",
                    report["token_path"].as_str().unwrap_or_default()
                );
                outln!(
                    "  Scopes: {}",
                    report["scope"].as_str().unwrap_or("not recorded")
                );
                outln!(
                    "→ Next: {}",
                    report["next_step"].as_str().unwrap_or_default()
                );
            }
            ExitCode::SUCCESS
        }
        Err(message) => fail(&message),
    }
}

/// The auth step of `setup`: the same flow, without the paste fallback.
pub fn run_with(
    ctx: &BuildContext,
    no_open: bool,
    json: bool,
) -> Result<serde_json::Value, String> {
    let args = Args {
        no_open,
        paste: false,
        json,
    };
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("cannot start the runtime: {error}"))?
        .block_on(authorize(ctx, &args))
}

async fn authorize(ctx: &BuildContext, args: &Args) -> Result<serde_json::Value, String> {
    let settings = Settings::load(ctx).map_err(|error| error.to_string())?;
    let client = WithingsClient::new(&settings, ClientOptions::default())
        .map_err(|error| error.to_string())?;
    let state = hex_token(16).map_err(|error| error.to_string())?;
    let url = client
        .authorize_url(&state)
        .map_err(|error| error.to_string())?;
    let redirect = LoopbackRedirect::parse(&settings.redirect_uri);
    let code = match (&redirect, args.paste) {
        (Ok(redirect), false) => {
            let server = CallbackServer::bind(redirect)
                .map_err(|error| error.to_string())?
                .with_success_page(success_page());
            let opened = !args.no_open && callback::open_browser(&url);
            eprintln!("Withings MCP · Authorization");
            if opened {
                eprintln!("Opening your browser at the Withings consent page…");
            } else {
                eprintln!("Open this address in your browser:\n\n  {url}\n");
            }
            eprintln!("Approve access; this terminal finishes by itself. Waiting…");
            server
                .wait(&state, timeout(ctx)?)
                .await
                .map_err(|error| match error {
                    callback::CallbackError::TimedOut(_) => {
                        format!("{error} (`withings-mcp auth --paste`)")
                    }
                    error => error.to_string(),
                })?
        }
        (redirect, _) => {
            eprintln!("Open this address in a browser, approve access, then paste here the full");
            eprintln!(
                "address the browser was sent to (it may show an error page; that is fine):\n\n  {url}\n"
            );
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|error| format!("cannot read the pasted address: {error}"))?;
            let redirect = redirect.as_ref().map_err(|error| error.to_string())?;
            callback::parse_pasted_callback(&line, redirect, &state)
                .map_err(|error| error.to_string())?
        }
    };
    let tokens = client
        .exchange_code(code.secret())
        .await
        .map_err(|error| error.to_string())?;
    Ok(json!({
        "ok": true,
        "token_path": settings.display(&settings.token_path),
        "expires_at": tokens.expires_at,
        "scope": tokens.scope,
        "next_step": "Run `withings-mcp doctor`, then add withings-mcp to your MCP client.",
    }))
}

fn timeout(ctx: &BuildContext) -> Result<Duration, String> {
    match ctx.env(TIMEOUT_VAR) {
        None => Ok(DEFAULT_TIMEOUT),
        Some(text) => text
            .trim()
            .parse::<u64>()
            .map(Duration::from_millis)
            .map_err(|_| format!("{TIMEOUT_VAR} must be a number of milliseconds, not {text:?}")),
    }
}

fn success_page() -> SuccessPage {
    SuccessPage {
        title: "Withings connected".into(),
        heading: "Withings is connected".into(),
        next_step:
            "You can close this tab and go back to your terminal. Next: run `withings-mcp doctor`."
                .into(),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("withings-mcp auth: {message}");
    ExitCode::from(EXIT_FAILURE)
}
