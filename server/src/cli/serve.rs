//! `serve`: stdio by default, streamable HTTP with `--http`.

use std::net::IpAddr;
use std::process::ExitCode;

use anyhow::Context;
use delx_framework::{BuildContext, Registry, Transport};
use tokio_util::sync::CancellationToken;

use super::{ServeArgs, TransportArgs};
use crate::App;
use crate::mcp::McpServer;
use crate::transport::{http, stdio};

/// Not 3000: that is the default OAuth callback port, and the two must not collide.
const DEFAULT_PORT: u16 = 3333;

pub(super) async fn run(app: App, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let mut transport = args.transport;
    transport.http |= env(app, "TRANSPORT").is_some_and(|transport| transport == "http");
    serve(app, transport, "", |transport| {
        let ctx = BuildContext::from_process().with_transport(transport);
        Ok(Registry::from_inventory(&ctx)?)
    })
    .await?;
    Ok(ExitCode::SUCCESS)
}

/// Serves the registry `build` makes, told how it is served, over stdio or HTTP.
/// `what` qualifies the HTTP startup line on stderr (" demo", say); over stdio
/// nothing is printed.
pub(super) async fn serve(
    app: App,
    args: TransportArgs,
    what: &str,
    build: impl FnOnce(Transport) -> anyhow::Result<Registry>,
) -> anyhow::Result<()> {
    if !args.http {
        stdio::serve(McpServer::new(app, build(Transport::Stdio)?)).await?;
        return Ok(());
    }
    let host = match args.host {
        Some(host) => host,
        None => match env(app, "HOST") {
            Some(text) => text.parse().with_context(|| {
                format!("{} is not an IP address: {text:?}", app.env_var("HOST"))
            })?,
            None => IpAddr::from([127, 0, 0, 1]),
        },
    };
    let port = match args.port {
        Some(port) => port,
        None => match env(app, "PORT") {
            Some(text) => text.parse().with_context(|| {
                format!("{} is not a port number: {text:?}", app.env_var("PORT"))
            })?,
            None => DEFAULT_PORT,
        },
    };
    let options = http::HttpOptions {
        host,
        port,
        token: args.token.or_else(|| env(app, "TOKEN")),
        allowed_hosts: args.allow_hosts,
        max_body_bytes: http::DEFAULT_MAX_BODY_BYTES,
    };
    let bound = http::bind(&options).await?;
    let transport = Transport::Http {
        bind: bound.local_addr(),
        token_required: options.token.is_some(),
    };
    let server = McpServer::new(app, build(transport)?);
    let shutdown = CancellationToken::new();
    let on_signal = shutdown.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_signal.cancel();
        }
    });
    eprintln!(
        "{}{what} listening on http://{}/mcp",
        app.name,
        bound.local_addr()
    );
    http::serve(server, bound, &options, shutdown).await?;
    Ok(())
}

/// One of the server's own variables, with empty meaning unset.
fn env(app: App, suffix: &str) -> Option<String> {
    std::env::var(app.env_var(suffix))
        .ok()
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}
