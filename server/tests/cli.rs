//! The command line: exit codes, one-line errors, `call`, and a clean stdout.

mod support;

use std::process::{Command, Output, Stdio};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

fn withings_mcp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_withings-mcp"))
        .args(args)
        .output()
        .expect("run withings-mcp")
}

fn spine(args: &[&str]) -> Output {
    let home = tempfile::tempdir().expect("home");
    Command::new(support::spine_server())
        .args(args)
        .env("HOME", home.path())
        .env("SPINE_CLIENT_SECRET", support::CANARY_SECRET)
        .output()
        .expect("run spine-server")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn an_unknown_command_is_one_line_and_a_usage_error() {
    let output = withings_mcp(&["frobnicate"]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert_eq!(text.trim().lines().count(), 1, "{text}");
    assert!(
        text.contains("frobnicate") && text.contains("withings-mcp help"),
        "{text}"
    );
    assert!(
        !text.contains("panicked") && !text.contains("backtrace"),
        "{text}"
    );
    assert!(output.stdout.is_empty(), "nothing on stdout");
}

#[test]
fn a_bad_flag_is_one_line_and_a_usage_error() {
    for args in [
        &["--bogus"][..],
        &["serve", "--port", "seventy"],
        &["serve", "--port", "3000"],
    ] {
        let output = withings_mcp(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let text = stderr(&output);
        assert_eq!(text.trim().lines().count(), 1, "{args:?}: {text}");
    }
}

#[test]
fn version_and_help_succeed_on_stdout() {
    let version = withings_mcp(&["version"]);
    assert!(version.status.success());
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("withings-mcp {}", env!("CARGO_PKG_VERSION"))
    );
    let help = withings_mcp(&["help"]);
    assert!(help.status.success());
    let text = String::from_utf8_lossy(&help.stdout);
    for command in ["serve", "call", "version"] {
        assert!(text.contains(command), "help lists {command}: {text}");
    }
}

#[test]
fn the_shipped_binary_does_not_contain_the_example_provider() {
    let output = withings_mcp(&["call", "spine_echo", "--json", r#"{"text":"x"}"#]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("unknown tool `spine_echo`"));
}

#[test]
fn closing_stdin_before_any_message_is_a_clean_exit() {
    let home = tempfile::tempdir().expect("home");
    let output = Command::new(support::spine_server())
        .env("HOME", home.path())
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stdout.is_empty());
}

#[test]
fn call_prints_the_structured_result() {
    let output = spine(&[
        "call",
        "spine_echo",
        "--json",
        r#"{"text":"cli","times":2}"#,
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let value: Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    assert_eq!(value, json!({"echoed": ["cli", "cli"]}));
}

#[test]
fn call_exits_1_on_a_tool_error_without_leaking() {
    let output = spine(&["call", "spine_fail", "--json", r#"{"kind":"auth_expired"}"#]);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(text.starts_with("Error (auth_expired)"), "{text}");
    assert!(!text.contains(support::CANARY_SECRET), "{text}");
    assert!(output.stdout.is_empty());
}

#[test]
fn call_validates_arguments_like_mcp() {
    let output = spine(&["call", "spine_echo", "--json", r#"{"text":"","extra":1}"#]);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(
        text.contains("invalid_input") && text.contains("extra"),
        "{text}"
    );
}

#[test]
fn call_refuses_bad_json_and_unknown_tools_with_usage_errors() {
    let bad = spine(&["call", "spine_echo", "--json", "{not json"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("not valid JSON"));
    let unknown = spine(&["call", "spine_nope"]);
    assert_eq!(unknown.status.code(), Some(2));
    let text = stderr(&unknown);
    assert!(
        text.contains("spine_nope") && text.contains("spine_echo"),
        "lists what exists: {text}"
    );
}

/// Every byte the stdio server writes to stdout is an MCP message, even with
/// verbose logging on.
#[tokio::test]
async fn stdio_stdout_carries_only_json_rpc() {
    let home = tempfile::tempdir().expect("home");
    let mut child = support::spine_command(home.path())
        .env("SPINE_MCP_LOG", "trace")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stdout).lines();
    let mut seen = Vec::new();
    // Requests run concurrently, so each step waits for the answers it depends on.
    let steps = [
        (
            vec![
                json!({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}),
            ],
            vec![1],
        ),
        (
            vec![
                json!({"jsonrpc":"2.0","method":"notifications/initialized"}),
                json!({"jsonrpc":"2.0","id":2,"method":"logging/setLevel","params":{"level":"debug"}}),
            ],
            vec![2],
        ),
        (
            vec![
                json!({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"spine_count","arguments":{"steps":2},"_meta":{"progressToken":"p1"}}}),
                json!({"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"spine_fail","arguments":{"kind":"upstream"}}}),
            ],
            vec![3, 4],
        ),
    ];
    for (messages, mut awaited) in steps {
        for message in &messages {
            stdin
                .write_all(format!("{message}\n").as_bytes())
                .await
                .expect("write");
        }
        let read = async {
            while !awaited.is_empty() {
                let line = lines
                    .next_line()
                    .await
                    .expect("read")
                    .expect("the server closed stdout");
                let value: Value = serde_json::from_str(&line)
                    .unwrap_or_else(|_| panic!("not JSON on stdout: {line:?}"));
                assert_eq!(value["jsonrpc"], "2.0", "{line}");
                awaited.retain(|id| value["id"] != *id);
                seen.push(value);
            }
        };
        tokio::time::timeout(Duration::from_secs(20), read)
            .await
            .expect("responses in time");
    }
    drop(stdin);
    let methods: Vec<&str> = seen.iter().filter_map(|m| m["method"].as_str()).collect();
    assert!(methods.contains(&"notifications/progress"), "{methods:?}");
    assert!(methods.contains(&"notifications/message"), "{methods:?}");
    let _ = tokio::time::timeout(Duration::from_secs(10), child.wait()).await;
    let mut logs = String::new();
    let mut err_lines = BufReader::new(stderr).lines();
    while let Ok(Ok(Some(line))) =
        tokio::time::timeout(Duration::from_secs(2), err_lines.next_line()).await
    {
        logs.push_str(&line);
        logs.push('\n');
    }
    assert!(
        !logs.contains(support::CANARY_SECRET),
        "a secret reached the logs: {logs}"
    );
}
