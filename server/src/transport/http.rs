//! Streamable HTTP, for clients that cannot launch a process.
//!
//! A health server listening on a port is reachable by every web page the user
//! opens, so this module owns the checks that keep it private: loopback by default,
//! a bearer token required for any other bind, Host and Origin validated against
//! DNS rebinding (403), and request bodies size-limited (413).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use tokio_util::sync::CancellationToken;

use crate::App;
use crate::mcp::McpServer;

/// 1 MiB: far above any tool call's arguments, far below anything abusive.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// Host names that always mean "this machine".
const LOOPBACK_NAMES: &[&str] = &["localhost", "127.0.0.1", "::1"];

#[derive(Debug, Clone)]
pub struct HttpOptions {
    pub host: IpAddr,
    pub port: u16,
    /// Required bearer token; mandatory for a non-loopback bind.
    pub token: Option<String>,
    /// Extra Host names accepted besides loopback (a LAN name, say).
    pub allowed_hosts: Vec<String>,
    pub max_body_bytes: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error(
        "refusing to listen on {0} without a bearer token: anyone on the network could read \
         your health data. Set a token with --token or the server's _TOKEN variable, or bind 127.0.0.1"
    )]
    PublicWithoutToken(IpAddr),
    #[error("the bearer token must be at least {MIN_TOKEN_LEN} characters")]
    WeakToken,
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the HTTP server stopped: {0}")]
    Serve(std::io::Error),
}

/// A token shorter than this is guessable.
const MIN_TOKEN_LEN: usize = 16;

struct Guard {
    token: Option<String>,
    allowed_hosts: Vec<String>,
    max_body_bytes: usize,
}

/// A listening socket that serves nothing yet. Binding comes first so the real
/// address (port 0 resolved) is known before providers are built: their privacy
/// audit reports it.
#[derive(Debug)]
pub struct Bound {
    listener: tokio::net::TcpListener,
    addr: SocketAddr,
}

impl Bound {
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }
}

/// Checks the options (token strength, a token for any non-loopback bind), then binds.
pub async fn bind(options: &HttpOptions) -> Result<Bound, HttpError> {
    if let Some(token) = &options.token
        && token.len() < MIN_TOKEN_LEN
    {
        return Err(HttpError::WeakToken);
    }
    if !options.host.is_loopback() && options.token.is_none() {
        return Err(HttpError::PublicWithoutToken(options.host));
    }
    let addr = SocketAddr::new(options.host, options.port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| HttpError::Bind { addr, source })?;
    let addr = listener.local_addr().map_err(HttpError::Serve)?;
    Ok(Bound { listener, addr })
}

/// Serves `server` on `bound` until `shutdown` is cancelled.
pub async fn serve(
    server: McpServer,
    bound: Bound,
    options: &HttpOptions,
    shutdown: CancellationToken,
) -> Result<(), HttpError> {
    let router = router(server, options, bound.addr, shutdown.clone());
    axum::serve(bound.listener, router)
        .with_graceful_shutdown(async move { shutdown.cancelled().await })
        .await
        .map_err(HttpError::Serve)
}

fn router(
    server: McpServer,
    options: &HttpOptions,
    bound: SocketAddr,
    shutdown: CancellationToken,
) -> Router {
    let mut allowed_hosts: Vec<String> = LOOPBACK_NAMES
        .iter()
        .map(|name| (*name).to_owned())
        .collect();
    if !bound.ip().is_unspecified() && !bound.ip().is_loopback() {
        allowed_hosts.push(bound.ip().to_string());
    }
    allowed_hosts.extend(options.allowed_hosts.iter().cloned());
    let allowed_origins = allowed_hosts
        .iter()
        .flat_map(|host| {
            let host = if host.contains(':') {
                format!("[{host}]")
            } else {
                host.clone()
            };
            [format!("http://{host}:*"), format!("https://{host}:*")]
        })
        .collect::<Vec<_>>();
    let config = StreamableHttpServerConfig::default()
        .with_allowed_hosts(allowed_hosts.clone())
        .with_allowed_origins(allowed_origins)
        .enforce_origin_validation()
        .with_max_request_body_bytes(options.max_body_bytes)
        .with_cancellation_token(shutdown.child_token());
    let App { name, version, .. } = server.app();
    let mcp = StreamableHttpService::new(
        move || Ok(server.new_session()),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    let guard = Arc::new(Guard {
        token: options.token.clone(),
        allowed_hosts,
        max_body_bytes: options.max_body_bytes,
    });
    Router::new()
        .route(
            "/health",
            get(move || async move {
                Json(serde_json::json!({"ok": true, "name": name, "version": version}))
            }),
        )
        .nest_service("/mcp", mcp)
        .layer(middleware::from_fn_with_state(guard, check_request))
}

/// Host, Origin, size and token checks, in that order, before anything else runs.
async fn check_request(State(guard): State<Arc<Guard>>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    if let Some(host) = header_text(headers, header::HOST)
        && !guard.host_allowed(host_name(host))
    {
        return reject(
            StatusCode::FORBIDDEN,
            "this Host is not allowed (DNS rebinding protection)",
        );
    }
    if let Some(origin) = header_text(headers, header::ORIGIN)
        && !guard.origin_allowed(origin)
    {
        return reject(StatusCode::FORBIDDEN, "this Origin is not allowed");
    }
    let declared_len =
        header_text(headers, header::CONTENT_LENGTH).and_then(|len| len.parse::<usize>().ok());
    if declared_len.is_some_and(|len| len > guard.max_body_bytes) {
        return reject(StatusCode::PAYLOAD_TOO_LARGE, "request body too large");
    }
    if request.uri().path() != "/health"
        && let Some(expected) = &guard.token
    {
        let presented = header_text(headers, header::AUTHORIZATION)
            .and_then(|value| value.strip_prefix("Bearer "));
        if !presented.is_some_and(|token| constant_time_eq(token.as_bytes(), expected.as_bytes())) {
            let mut response = reject(StatusCode::UNAUTHORIZED, "missing or wrong bearer token");
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
            return response;
        }
    }
    next.run(request).await
}

impl Guard {
    fn host_allowed(&self, host: &str) -> bool {
        self.allowed_hosts
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(host))
    }

    fn origin_allowed(&self, origin: &str) -> bool {
        let Some((scheme, rest)) = origin.split_once("://") else {
            return false;
        };
        matches!(scheme, "http" | "https")
            && self.host_allowed(host_name(rest.trim_end_matches('/')))
    }
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

/// `host:port`, `[::1]:port` or a bare host, to the host alone.
fn host_name(authority: &str) -> &str {
    if let Some(rest) = authority.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match authority.rsplit_once(':') {
        Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
        _ => authority,
    }
}

fn reject(status: StatusCode, message: &'static str) -> Response {
    (status, Json(serde_json::json!({"error": message}))).into_response()
}

/// Compares without leaking, through timing, how much of the token matched.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_lose_their_port() {
        assert_eq!(host_name("localhost:8080"), "localhost");
        assert_eq!(host_name("[::1]:8080"), "::1");
        assert_eq!(host_name("127.0.0.1"), "127.0.0.1");
        assert_eq!(host_name("evil.example"), "evil.example");
    }

    #[test]
    fn origins_must_be_http_on_an_allowed_host() {
        let guard = Guard {
            token: None,
            allowed_hosts: vec!["localhost".into(), "127.0.0.1".into(), "::1".into()],
            max_body_bytes: 10,
        };
        assert!(guard.origin_allowed("http://localhost:3000"));
        assert!(guard.origin_allowed("http://[::1]:3000"));
        assert!(!guard.origin_allowed("https://evil.example"));
        assert!(!guard.origin_allowed("http://localhost.evil.example"));
        assert!(!guard.origin_allowed("null"));
        assert!(!guard.origin_allowed("file://localhost"));
    }

    #[test]
    fn tokens_compare_exactly() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }
}
