//! Shared helpers for the server's integration tests.
//!
//! The tests drive `spine-server`, the real command line with the example provider
//! linked in (see `examples/spine`), and other examples of this crate. `cargo test
//! --workspace` builds examples before running tests; a run filtered with
//! `--test NAME` does not (and `--examples` builds them only as test harnesses), so
//! build them first or the binary may be stale.

#![allow(dead_code)] // Each test file uses its own subset.

pub mod withings;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use rmcp::model::{CallToolRequestParams, CallToolResult};
use rmcp::service::RunningService;
use rmcp::transport::TokioChildProcess;
use rmcp::{ClientHandler, RoleClient, ServiceExt};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The canary the spine provider treats as its configured secret.
pub const CANARY_SECRET: &str = "canary-client-secret-7f3a9c";

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the server crate sits in the workspace")
        .to_path_buf()
}

/// The example server binary, built next to `withings-mcp`.
pub fn spine_server() -> PathBuf {
    example("spine-server")
}

/// An example binary of this crate, built next to `withings-mcp`.
pub fn example(name: &str) -> PathBuf {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_withings-mcp"));
    let path = bin
        .parent()
        .expect("binaries live in a target directory")
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "{} is missing: run the tests with `cargo test --workspace` (it builds examples), \
         or build them before a filtered run: `cargo build -p delx-server --examples`",
        path.display()
    );
    path
}

/// A command for the spine server with a clean, known environment.
pub fn spine_command(home: &Path) -> Command {
    let mut command = Command::new(spine_server());
    command
        .env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("SPINE_CLIENT_SECRET", CANARY_SECRET)
        .env("SPINE_MCP_LOG", "info")
        .kill_on_drop(true);
    command
}

/// True when the full suite runs (`scripts/test.sh`): a missing external client
/// (Python SDK, Inspector) is then a failure, not a skip.
pub fn external_clients_required() -> bool {
    std::env::var("DELX_REQUIRE_CLIENTS").is_ok_and(|value| value == "1")
}

/// Skips an external-client test with a reason on stderr, or fails it when the
/// full suite requires those clients.
pub fn skip_external(reason: &str) {
    assert!(
        !external_clients_required(),
        "DELX_REQUIRE_CLIENTS=1 but {reason}"
    );
    eprintln!("skipped: {reason}");
}

/// `command` spawned as an MCP server on stdio, its stderr dropped, with `handler`
/// as the initialized client.
pub async fn serve_stdio<H: ClientHandler>(
    handler: H,
    command: Command,
) -> RunningService<RoleClient, H> {
    let (transport, _) = TokioChildProcess::builder(command)
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the server");
    handler.serve(transport).await.expect("initialize")
}

/// A `tools/call` request; `arguments` must be a JSON object.
pub fn tool_call(name: &str, arguments: serde_json::Value) -> CallToolRequestParams {
    let serde_json::Value::Object(arguments) = arguments else {
        panic!("arguments must be an object")
    };
    CallToolRequestParams::new(name.to_owned()).with_arguments(arguments)
}

/// The text content of a result, joined.
pub fn text(result: &CallToolResult) -> String {
    result
        .content
        .iter()
        .filter_map(|block| block.as_text().map(|text| text.text.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A finished process's status and output, for assertion messages.
pub fn show(output: &std::process::Output) -> String {
    format!(
        "status: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A server serving HTTP on a free loopback port.
pub struct HttpServer {
    pub child: Child,
    pub base: String,
    _home: tempfile::TempDir,
}

impl HttpServer {
    pub async fn start(extra_args: &[&str], envs: &[(&str, &str)]) -> Self {
        let home = tempfile::tempdir().expect("temp home");
        let mut command = spine_command(home.path());
        command
            .args(["serve", "--http", "--port", "0"])
            .args(extra_args);
        for (key, value) in envs {
            command.env(key, value);
        }
        Self::spawn(command, home).await
    }

    /// `withings-mcp demo` over HTTP on a free loopback port, in a clean environment.
    pub async fn withings_demo() -> Self {
        let home = tempfile::tempdir().expect("temp home");
        let mut command = Command::new(env!("CARGO_BIN_EXE_withings-mcp"));
        command
            .env_clear()
            .env("HOME", home.path())
            .args(["demo", "--http", "--port", "0"])
            .kill_on_drop(true);
        Self::spawn(command, home).await
    }

    /// Runs `command` (an HTTP serve) until it prints where it listens.
    async fn spawn(mut command: Command, home: tempfile::TempDir) -> Self {
        command.stdout(Stdio::null()).stderr(Stdio::piped());
        let mut child = command.spawn().expect("spawn the server");
        let stderr = child.stderr.take().expect("stderr is piped");
        let mut lines = BufReader::new(stderr).lines();
        let base = tokio::time::timeout(Duration::from_secs(20), async {
            while let Some(line) = lines.next_line().await.expect("read stderr") {
                if let Some(rest) = line.split("listening on ").nth(1) {
                    return rest.trim_end_matches("/mcp").to_owned();
                }
            }
            panic!("the server exited before listening");
        })
        .await
        .expect("the server did not start listening in time");
        // Keep draining stderr so the server never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Self {
            child,
            base,
            _home: home,
        }
    }

    pub fn mcp_url(&self) -> String {
        format!("{}/mcp", self.base)
    }
}
