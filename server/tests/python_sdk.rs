//! End to end with the official MCP Python SDK: `tests/python/sdk_client.py` drives
//! `spine-server` over stdio with `mcp.Client`, once with the initialize handshake
//! (2025-11-25) and once on 2026-07-28.
//!
//! The interpreter is `DELX_PYTHON`, else `<workspace>/.venv/bin/python`; it needs
//! `pip install -r server/tests/python/requirements.txt`. Without it the test is
//! skipped, unless `DELX_REQUIRE_CLIENTS=1` makes that a failure.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;

use tokio::process::Command;

/// The SDK release `requirements.txt` pins.
const SDK_VERSION: &str = "2.3.0";
/// Bound on the whole script: two modes, a dozen short server runs each.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(240);
const PROBE_TIMEOUT: Duration = Duration::from_secs(60);

/// The interpreter to use, and whether the user named it explicitly.
fn python() -> (PathBuf, bool) {
    match std::env::var_os("DELX_PYTHON") {
        Some(path) if !path.is_empty() => (PathBuf::from(path), true),
        _ => (
            support::workspace_root()
                .join(".venv")
                .join("bin")
                .join("python"),
            false,
        ),
    }
}

fn python_command(python: &Path) -> Command {
    let mut command = Command::new(python);
    command
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONUNBUFFERED", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

async fn run_bounded(mut command: Command, limit: Duration, what: &str) -> std::io::Result<Output> {
    let child = command.spawn()?;
    match tokio::time::timeout(limit, child.wait_with_output()).await {
        Ok(output) => output,
        // Dropping the future drops the child, which kill_on_drop ends.
        Err(_) => panic!("{what} did not finish within {limit:?}"),
    }
}

use support::{show, skip_external as skip};

#[tokio::test(flavor = "multi_thread")]
async fn python_sdk_client_drives_spine_server_in_both_protocol_eras() {
    let (python, explicit) = python();
    let hint = "set DELX_PYTHON or create <workspace>/.venv with \
                `pip install -r server/tests/python/requirements.txt`";

    // Is there an interpreter, and does it have the pinned SDK?
    let mut probe = python_command(&python);
    probe.args([
        "-c",
        "import importlib.metadata, mcp, mcp_types; print(importlib.metadata.version('mcp'))",
    ]);
    let probe = match run_bounded(probe, PROBE_TIMEOUT, "the Python SDK probe").await {
        Ok(output) => output,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return skip(&format!(
                "no Python interpreter at {} ({hint})",
                python.display()
            ));
        }
        Err(error) => panic!("could not run {}: {error}", python.display()),
    };
    if !probe.status.success() {
        let reason = format!(
            "`import mcp` fails with {} ({hint}):\n{}",
            python.display(),
            show(&probe)
        );
        // A named interpreter without the SDK is a broken setup, not an absent one.
        assert!(!explicit, "DELX_PYTHON is set but {reason}");
        return skip(&reason);
    }
    let version = String::from_utf8_lossy(&probe.stdout).trim().to_owned();
    assert_eq!(
        version,
        SDK_VERSION,
        "{} has mcp {version}; the tests pin mcp=={SDK_VERSION} ({hint})",
        python.display()
    );

    let script = support::workspace_root().join("server/tests/python/sdk_client.py");
    let mut command = python_command(&python);
    command.arg(&script).arg(support::spine_server());
    let output = run_bounded(command, SCRIPT_TIMEOUT, "sdk_client.py")
        .await
        .expect("run sdk_client.py");
    let report = show(&output);
    eprintln!("sdk_client.py (mcp {version}):\n{report}");

    assert!(output.status.success(), "sdk_client.py failed:\n{report}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let summary = stdout
        .lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .unwrap_or_default();
    let passed = summary
        .strip_suffix(" passed, 0 failed")
        .and_then(|count| count.parse::<u32>().ok());
    assert!(
        passed.is_some_and(|count| count > 0),
        "sdk_client.py must end with `N passed, 0 failed`, got {summary:?}:\n{report}"
    );
}
