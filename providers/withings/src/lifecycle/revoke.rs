//! `withings-mcp revoke`: disconnect the account, upstream and locally.
//!
//! Revoking upstream needs the app's credentials; without them the local tokens
//! are still removed, and the output says the grant lives on at Withings.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;
use delx_framework::BuildContext;
use serde_json::json;

use super::{EXIT_FAILURE, parse_args, print_json};
use crate::api::{ApiError, ClientOptions, WithingsClient};
use crate::config::Settings;
use delx_framework::cache::CacheMode;

/// Disconnect your Withings account: revoke the grant at Withings and delete the local tokens.
#[derive(Debug, Parser)]
#[command(name = "withings-mcp revoke")]
struct Args {
    /// Print the outcome as JSON.
    #[arg(long)]
    json: bool,
}

/// What each step did.
#[derive(Debug, Clone, PartialEq, serde::Serialize, delx_framework::schemars::JsonSchema)]
#[schemars(crate = "delx_framework::schemars")]
pub struct RevokeReport {
    /// `revoked`, `skipped` (no credentials or no userid) or `failed`.
    pub upstream: &'static str,
    pub upstream_detail: Option<String>,
    pub local_tokens_removed: bool,
    /// Cached answers of this account deleted from this machine; absent when the
    /// cache could not be purged (see `cache_detail`).
    pub cache_entries_removed: Option<usize>,
    pub cache_detail: Option<String>,
}

pub fn run(args: Vec<OsString>) -> ExitCode {
    let args: Args = match parse_args("revoke", args) {
        Ok(args) => args,
        Err(code) => return code,
    };
    let outcome = Settings::load(&BuildContext::from_process())
        .map_err(|error| error.to_string())
        .and_then(|settings| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|error| error.to_string())?;
            runtime.block_on(revoke(&settings))
        });
    match outcome {
        Ok(report) => {
            if args.json {
                print_json(&json!(report));
            } else {
                outln!(
                    "Upstream: {}{}",
                    report.upstream,
                    report
                        .upstream_detail
                        .as_deref()
                        .map(|d| format!(" ({d})"))
                        .unwrap_or_default()
                );
                outln!(
                    "Local tokens removed: {}",
                    if report.local_tokens_removed {
                        "yes"
                    } else {
                        "none were stored"
                    }
                );
                match (report.cache_entries_removed, &report.cache_detail) {
                    (Some(removed), _) => outln!("Cached answers removed: {removed}"),
                    (None, Some(detail)) => outln!("Cache not purged: {detail}"),
                    (None, None) => {}
                }
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("withings-mcp revoke: {message}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

/// Revokes upstream when possible, then removes the local tokens in any case.
pub async fn revoke(settings: &Settings) -> Result<RevokeReport, String> {
    let client = WithingsClient::new(settings, ClientOptions::default())
        .map_err(|error| error.to_string())?;
    let (upstream, upstream_detail) = match client.revoke_upstream().await {
        Ok(()) => ("revoked", None),
        Err(ApiError::NotConfigured(what)) => (
            "skipped",
            Some(format!(
                "{what} not configured; the grant stays valid at Withings until you unlink the app in your Withings account"
            )),
        ),
        Err(ApiError::NotSignedIn) => ("skipped", Some("no tokens were stored".to_owned())),
        Err(error) => ("failed", Some(error.to_string())),
    };
    // The account's id is in the tokens: read it before they go.
    let scope = client.cache_scope();
    let local_tokens_removed = client
        .forget_tokens()
        .await
        .map_err(|error| error.to_string())?;
    let (cache_entries_removed, cache_detail) = purge_cache(settings, scope.as_deref());
    Ok(RevokeReport {
        upstream,
        upstream_detail,
        local_tokens_removed,
        cache_entries_removed,
        cache_detail,
    })
}

/// Deletes the account's cached answers, or says why it could not.
fn purge_cache(settings: &Settings, scope: Option<&str>) -> (Option<usize>, Option<String>) {
    let cache = super::cache::open(&settings.cache);
    match (cache.mode(), scope) {
        (CacheMode::Off, _) => (Some(0), Some("the cache is off".into())),
        (_, None) => (
            None,
            Some(
                "no account id was stored; run `withings-mcp cache clear` to empty the cache"
                    .into(),
            ),
        ),
        (CacheMode::Memory { reason }, Some(scope)) if settings.cache.path.is_some() => {
            // What this process kept in memory goes; the disk copy is another
            // process's to release.
            let _ = cache.purge_scope(scope);
            (
                None,
                Some(format!(
                    "{reason}: the cache on disk was not purged; quit the MCP clients running \
                     withings-mcp, then run `withings-mcp cache clear`"
                )),
            )
        }
        (_, Some(scope)) => match cache.purge_scope(scope) {
            Ok(removed) => (Some(removed), None),
            Err(error) => (None, Some(error.to_string())),
        },
    }
}
