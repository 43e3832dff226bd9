//! End to end with the MCP Inspector CLI (`@modelcontextprotocol/inspector`, pinned
//! in `tests/inspector/package.json`) against `spine-server`, over stdio and HTTP.
//!
//! Needs `npm ci` (or `npm install`) in `server/tests/inspector` and Node on PATH.
//! Without them the tests are skipped, unless `DELX_REQUIRE_CLIENTS=1` makes that a
//! failure.
//!
//! Inspector CLI exit codes: 0 ok, 1 usage, 3 auth, 4 unreachable, 5 tool error
//! (an `isError` result, or a tool the server does not have).

mod support;

use support::show;

use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::time::Duration;

use serde_json::Value;
use tokio::process::Command;

/// The Inspector release `package.json` pins.
const INSPECTOR_VERSION: &str = "2.12.0";
/// Inspector's exit code for a tool that returned `isError: true` or does not exist.
const EXIT_TOOL_ERROR: i32 = 5;
/// Bound on one Inspector run (Node start, server start, one request).
const RUN_TIMEOUT: Duration = Duration::from_secs(90);

fn inspector_bin() -> PathBuf {
    let name = if cfg!(windows) {
        "mcp-inspector.cmd"
    } else {
        "mcp-inspector"
    };
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/inspector/node_modules/.bin")
        .join(name)
}

/// The Inspector CLI with a private HOME (it keeps a catalog and storage there).
struct Inspector {
    bin: PathBuf,
    home: tempfile::TempDir,
}

impl Inspector {
    /// The pinned Inspector, or `None` (after printing why) when the test should skip.
    async fn find() -> Option<Self> {
        let bin = inspector_bin();
        let hint = "run `npm ci` in server/tests/inspector (needs Node on PATH)";
        if !bin.exists() {
            return skip(&format!("{} is missing ({hint})", bin.display()));
        }
        let inspector = Self {
            bin,
            home: tempfile::tempdir().expect("temp home for the Inspector"),
        };
        let output = match inspector.try_run(&["-V"]).await {
            Ok(output) => output,
            Err(error) => {
                return skip(&format!(
                    "cannot run {} ({hint}): {error}",
                    inspector.bin.display()
                ));
            }
        };
        if !output.status.success() {
            return skip(&format!(
                "{} -V fails ({hint}):\n{}",
                inspector.bin.display(),
                show(&output)
            ));
        }
        let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        assert_eq!(
            version, INSPECTOR_VERSION,
            "the installed Inspector is not the pinned one ({hint})"
        );
        Some(inspector)
    }

    async fn try_run(&self, args: &[&str]) -> std::io::Result<Output> {
        let mut command = Command::new(&self.bin);
        command
            .arg("--cli")
            .args(args)
            .env_clear()
            .env("HOME", self.home.path())
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let child = command.spawn()?;
        match tokio::time::timeout(RUN_TIMEOUT, child.wait_with_output()).await {
            Ok(output) => output,
            // Dropping the future drops the child, which kill_on_drop ends.
            Err(_) => panic!("mcp-inspector {args:?} did not finish within {RUN_TIMEOUT:?}"),
        }
    }

    async fn run(&self, args: &[&str]) -> Output {
        let output = self.try_run(args).await.expect("run mcp-inspector");
        eprintln!("mcp-inspector {args:?}\n{}", show(&output));
        output
    }

    /// Runs one method against spine-server over stdio, in JSON output mode.
    async fn stdio(&self, method_args: &[&str]) -> Output {
        let home = self.home.path().join("server-home");
        std::fs::create_dir_all(&home).expect("server home");
        let server = support::spine_server();
        let secret = format!("SPINE_CLIENT_SECRET={}", support::CANARY_SECRET);
        let home = format!("HOME={}", home.display());
        let server = server.to_str().expect("the spine-server path is UTF-8");
        let mut args = vec![
            "--format",
            "json",
            "-e",
            &secret,
            "-e",
            &home,
            "-e",
            "SPINE_MCP_LOG=warn",
        ];
        args.extend_from_slice(method_args);
        args.extend_from_slice(&["--", server, "serve"]);
        self.run(&args).await
    }
}

/// Skips the test (or fails it, when external clients are required).
fn skip<T>(reason: &str) -> Option<T> {
    support::skip_external(reason);
    None
}

/// The one JSON document `--format json` writes on a stream.
fn json_on(stream: &[u8], output: &Output) -> Value {
    serde_json::from_slice(stream)
        .unwrap_or_else(|error| panic!("not one JSON document ({error}):\n{}", show(output)))
}

fn tool_names(listing: &Value, output: &Output) -> Vec<String> {
    listing["result"]["tools"]
        .as_array()
        .unwrap_or_else(|| panic!("no result.tools:\n{}", show(output)))
        .iter()
        .map(|tool| tool["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn inspector_lists_tools_over_stdio() {
    let Some(inspector) = Inspector::find().await else {
        return;
    };
    let output = inspector.stdio(&["--method", "tools/list"]).await;
    assert_eq!(
        output.status.code(),
        Some(0),
        "tools/list:\n{}",
        show(&output)
    );
    let listing = json_on(&output.stdout, &output);
    let names = tool_names(&listing, &output);
    assert!(
        names.iter().any(|name| name == "spine_echo"),
        "tools/list lacks spine_echo: {names:?}"
    );
    assert_eq!(
        names,
        ["spine_count", "spine_echo", "spine_fail"],
        "tools/list names"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn inspector_calls_echo_over_stdio() {
    let Some(inspector) = Inspector::find().await else {
        return;
    };
    let output = inspector
        .stdio(&[
            "--method",
            "tools/call",
            "--tool-name",
            "spine_echo",
            "--tool-args-json",
            r#"{"text":"hello from the inspector","times":2}"#,
        ])
        .await;
    assert_eq!(
        output.status.code(),
        Some(0),
        "tools/call spine_echo:\n{}",
        show(&output)
    );
    let result = &json_on(&output.stdout, &output)["result"];
    assert_eq!(
        result["isError"],
        Value::Bool(false),
        "spine_echo isError:\n{}",
        show(&output)
    );
    assert_eq!(
        result["structuredContent"]["echoed"],
        serde_json::json!(["hello from the inspector", "hello from the inspector"]),
        "spine_echo structuredContent:\n{}",
        show(&output)
    );
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("hello from the inspector"),
        "the echoed text is missing:\n{}",
        show(&output)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn inspector_reports_a_failing_tool_with_its_tool_error_code() {
    let Some(inspector) = Inspector::find().await else {
        return;
    };
    let output = inspector
        .stdio(&[
            "--method",
            "tools/call",
            "--tool-name",
            "spine_fail",
            "--tool-args-json",
            r#"{"kind":"auth_expired"}"#,
        ])
        .await;
    assert_eq!(
        output.status.code(),
        Some(EXIT_TOOL_ERROR),
        "tools/call spine_fail must exit with the tool-error code:\n{}",
        show(&output)
    );
    let everything = show(&output);
    assert!(
        !everything.contains(support::CANARY_SECRET),
        "the client secret leaked:\n{everything}"
    );
    let result = &json_on(&output.stdout, &output)["result"];
    assert_eq!(
        result["isError"],
        Value::Bool(true),
        "spine_fail isError:\n{everything}"
    );
    let text = result["content"][0]["text"].as_str().unwrap_or_default();
    assert!(
        text.starts_with("Error (auth_expired)"),
        "spine_fail text: {text:?}"
    );
    assert!(
        text.contains("[REDACTED]"),
        "spine_fail text is not redacted: {text:?}"
    );
    let envelope = json_on(&output.stderr, &output);
    assert_eq!(
        envelope["error"]["code"], "tool_is_error",
        "error envelope:\n{everything}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn inspector_reports_an_unknown_tool_with_its_tool_error_code() {
    let Some(inspector) = Inspector::find().await else {
        return;
    };
    let output = inspector
        .stdio(&[
            "--method",
            "tools/call",
            "--tool-name",
            "spine_no_such_tool",
            "--tool-args-json",
            "{}",
        ])
        .await;
    assert_eq!(
        output.status.code(),
        Some(EXIT_TOOL_ERROR),
        "tools/call of an unknown tool must exit with the tool-error code:\n{}",
        show(&output)
    );
    let envelope = json_on(&output.stderr, &output);
    assert_eq!(
        envelope["error"]["code"],
        "tool_not_found",
        "error envelope:\n{}",
        show(&output)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn inspector_lists_tools_over_http() {
    let Some(inspector) = Inspector::find().await else {
        return;
    };
    let server = support::HttpServer::start(&[], &[]).await;
    let url = server.mcp_url();
    let output = inspector
        .run(&[
            "--format",
            "json",
            "--transport",
            "http",
            "--method",
            "tools/list",
            &url,
        ])
        .await;
    assert_eq!(
        output.status.code(),
        Some(0),
        "tools/list over HTTP:\n{}",
        show(&output)
    );
    let listing = json_on(&output.stdout, &output);
    let names = tool_names(&listing, &output);
    assert!(
        names.iter().any(|name| name == "spine_echo"),
        "tools/list lacks spine_echo: {names:?}"
    );
}
