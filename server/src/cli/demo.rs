//! `demo`: the server on built-in demo accounts, with no account and no network.
//!
//! Each provider that has a demo starts its fake backend and signs in through its
//! real OAuth code path into a throwaway home directory; the server then serves
//! those providers exactly as it would real ones, or prints a few showcase calls.

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::Context;
use delx_framework::{BuildContext, NullContext, ProviderRegistration, Registry, Transport};

use super::DemoArgs;
use super::serve::serve;
use crate::App;

pub(super) async fn run(app: App, args: DemoArgs) -> anyhow::Result<ExitCode> {
    let registrations = ProviderRegistration::all();
    let home = tempfile::tempdir().context("cannot create the demo's home directory")?;
    // Only the demo's own settings: the user's real configuration stays out of it.
    let base = BuildContext::new(BTreeMap::new(), Some(home.path().to_path_buf()));
    let mut env = BTreeMap::new();
    let mut guards = Vec::new();
    let mut showcase = Vec::new();
    for registration in &registrations {
        let Some(spec) = registration.demo else {
            continue;
        };
        let demo = (spec.start)(base.clone()).await.map_err(|error| {
            anyhow::anyhow!(
                "the {} demo could not start: {error}",
                registration.descriptor.id
            )
        })?;
        env.extend(demo.env);
        guards.push(demo.guard);
        showcase.extend(spec.showcase.iter().copied());
    }
    if guards.is_empty() {
        anyhow::bail!("no provider in this binary has a demo account");
    }
    let ctx = base.with_env(env);
    if args.print {
        let registry = Registry::from_registrations(registrations, &ctx)?;
        for (tool, arguments) in showcase {
            let arguments = serde_json::from_str(arguments)
                .with_context(|| format!("demo arguments of {tool}"))?;
            let result = registry
                .call_tool(tool, Some(arguments), &NullContext::default())
                .await
                .map_err(|error| anyhow::anyhow!("{tool}: {error}"))?;
            outln!("## {tool}\n\n{}\n", result.text());
        }
    } else {
        if !args.transport.http {
            eprintln!(
                "{} demo: serving MCP on stdio with the built-in demo account",
                app.name
            );
        }
        serve(app, args.transport, " demo", |transport: Transport| {
            Ok(Registry::from_registrations(
                registrations,
                &ctx.with_transport(transport),
            )?)
        })
        .await?;
    }
    drop(guards);
    Ok(ExitCode::SUCCESS)
}
