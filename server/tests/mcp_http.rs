//! The spine served over streamable HTTP: rmcp's client end to end, and the
//! security checks that keep a local health server private.

mod support;

use std::time::Duration;

use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use serde_json::{Value, json};
use support::HttpServer;

const TOKEN: &str = "a-long-enough-test-token-123";

fn initialize_body() -> Value {
    json!({
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {
            "protocolVersion": "2025-11-25",
            "capabilities": {},
            "clientInfo": {"name": "raw-test", "version": "1"}
        }
    })
}

async fn post_mcp(url: &str, headers: &[(&str, &str)], body: String) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("request")
}

#[tokio::test]
async fn rmcp_client_lists_and_calls_over_http() {
    let server = HttpServer::start(&[], &[]).await;
    let transport = StreamableHttpClientTransport::from_uri(server.mcp_url());
    let client = ().serve(transport).await.expect("initialize over HTTP");
    let tools = client.list_all_tools().await.expect("tools/list");
    assert_eq!(tools.len(), 3);
    let result = client
        .call_tool(support::tool_call(
            "spine_echo",
            json!({"text": "over http", "times": 1}),
        ))
        .await
        .expect("tools/call");
    assert_eq!(
        result.structured_content,
        Some(json!({"echoed": ["over http"]}))
    );
    let failing = client
        .call_tool(CallToolRequestParams::new("spine_fail").with_arguments(
            serde_json::Map::from_iter([("kind".to_owned(), json!("upstream"))]),
        ))
        .await
        .expect("a tool error is a result");
    assert_eq!(failing.is_error, Some(true));
    client.cancel().await.expect("close");
}

#[tokio::test]
async fn rmcp_client_with_the_bearer_token_is_served() {
    let server = HttpServer::start(&["--token", TOKEN], &[]).await;
    let config = StreamableHttpClientTransportConfig::with_uri(server.mcp_url()).auth_header(TOKEN);
    let client =
        ().serve(StreamableHttpClientTransport::from_config(config))
            .await
            .expect("initialize");
    assert_eq!(client.list_all_tools().await.expect("tools/list").len(), 3);
    client.cancel().await.expect("close");
}

#[tokio::test]
async fn health_answers_name_and_version() {
    let server = HttpServer::start(&[], &[]).await;
    let health: Value = reqwest::get(format!("{}/health", server.base))
        .await
        .expect("health")
        .json()
        .await
        .expect("json");
    assert_eq!(
        health,
        json!({"ok": true, "name": "spine-server", "version": env!("CARGO_PKG_VERSION")})
    );
}

#[tokio::test]
async fn a_foreign_origin_is_forbidden() {
    let server = HttpServer::start(&[], &[]).await;
    let body = initialize_body().to_string();
    let evil = post_mcp(
        &server.mcp_url(),
        &[("origin", "https://evil.example")],
        body.clone(),
    )
    .await;
    assert_eq!(evil.status(), 403);
    let lookalike = post_mcp(
        &server.mcp_url(),
        &[("origin", "http://localhost.evil.example")],
        body.clone(),
    )
    .await;
    assert_eq!(lookalike.status(), 403);
    let local = post_mcp(
        &server.mcp_url(),
        &[("origin", "http://localhost:5173")],
        body,
    )
    .await;
    assert_eq!(local.status(), 200, "a local page is allowed");
}

#[tokio::test]
async fn a_foreign_host_is_rejected() {
    let server = HttpServer::start(&[], &[]).await;
    let body = initialize_body().to_string();
    let rebinding = post_mcp(
        &server.mcp_url(),
        &[("host", "attacker.example")],
        body.clone(),
    )
    .await;
    assert_eq!(rebinding.status(), 403, "DNS rebinding must be refused");
    let health = reqwest::Client::new()
        .get(format!("{}/health", server.base))
        .header("host", "attacker.example:80")
        .send()
        .await
        .expect("health");
    assert_eq!(health.status(), 403, "every route checks Host");
    let local = post_mcp(&server.mcp_url(), &[("host", "localhost")], body).await;
    assert_eq!(local.status(), 200);
}

#[tokio::test]
async fn a_missing_or_wrong_token_is_unauthorized() {
    let server = HttpServer::start(&[], &[("SPINE_MCP_TOKEN", TOKEN)]).await;
    let body = initialize_body().to_string();
    let missing = post_mcp(&server.mcp_url(), &[], body.clone()).await;
    assert_eq!(missing.status(), 401);
    assert_eq!(
        missing
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok()),
        Some("Bearer")
    );
    let wrong = post_mcp(
        &server.mcp_url(),
        &[("authorization", "Bearer not-the-token-at-all")],
        body.clone(),
    )
    .await;
    assert_eq!(wrong.status(), 401);
    let prefix = post_mcp(
        &server.mcp_url(),
        &[("authorization", &format!("Bearer {}", &TOKEN[..10]))],
        body.clone(),
    )
    .await;
    assert_eq!(
        prefix.status(),
        401,
        "a prefix of the token is not the token"
    );
    let right = post_mcp(
        &server.mcp_url(),
        &[("authorization", &format!("Bearer {TOKEN}"))],
        body,
    )
    .await;
    assert_eq!(right.status(), 200);
}

#[tokio::test]
async fn an_oversized_body_is_refused() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = HttpServer::start(&[], &[]).await;
    // A declared length over the limit is refused before any of the body is read.
    // Over raw TCP, so the answer is read before the body would be written: an HTTP
    // client writing the whole body races the server closing the connection.
    let url = url::Url::parse(&server.mcp_url()).unwrap();
    let address = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap());
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /mcp HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Accept: application/json, text/event-stream\r\nContent-Length: {}\r\n\r\n",
        2 * 1024 * 1024
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0; 64];
    let read = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut answer))
        .await
        .expect("the server answers without waiting for the body")
        .unwrap();
    let status = String::from_utf8_lossy(&answer[..read]).into_owned();
    assert!(status.starts_with("HTTP/1.1 413"), "{status}");

    // And a client that sends the whole body reads the 413 or sees the connection
    // closed mid-upload, never a success.
    let mut body = initialize_body();
    body["params"]["padding"] = json!("x".repeat(2 * 1024 * 1024));
    let outcome = reqwest::Client::new()
        .post(server.mcp_url())
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(body.to_string())
        .send()
        .await;
    if let Ok(response) = outcome {
        assert_eq!(response.status(), 413);
    }
}

#[tokio::test]
async fn an_oversized_chunked_body_is_refused_too() {
    let server = HttpServer::start(&[], &[]).await;
    let chunks = (0..40).map(|_| Ok::<_, std::io::Error>(vec![b' '; 64 * 1024]));
    let outcome = reqwest::Client::new()
        .post(server.mcp_url())
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)))
        .send()
        .await;
    // The server answers 413 as soon as the limit is crossed and closes the
    // connection, so the client either reads the 413 or fails mid-upload.
    match outcome {
        Ok(response) => assert_eq!(
            response.status(),
            413,
            "no Content-Length must not bypass the limit"
        ),
        Err(error) => assert!(error.is_request(), "unexpected failure: {error}"),
    }
    let health = reqwest::get(format!("{}/health", server.base))
        .await
        .expect("still serving");
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn a_public_bind_without_a_token_refuses_to_start() {
    let home = tempfile::tempdir().expect("home");
    let output = tokio::time::timeout(
        Duration::from_secs(20),
        support::spine_command(home.path())
            .args(["serve", "--http", "--host", "0.0.0.0", "--port", "0"])
            .output(),
    )
    .await
    .expect("exits promptly")
    .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("without a bearer token"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one clear line: {stderr}");
}

#[tokio::test]
async fn a_short_token_is_refused() {
    let home = tempfile::tempdir().expect("home");
    let output = support::spine_command(home.path())
        .args(["serve", "--http", "--port", "0", "--token", "short"])
        .output()
        .await
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("at least 16 characters"));
}
