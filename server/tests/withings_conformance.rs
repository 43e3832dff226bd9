//! `conformance` on the command line: Withings reaches context_ready; the spine
//! example, which has no diagnostics, does not, and the exit code says so.

mod support;

use std::process::Command;

use serde_json::Value;

#[test]
fn withings_reaches_context_ready_and_the_spine_example_does_not() {
    let home = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_withings-mcp"))
        .args(["conformance", "--json", "--min-tier", "context_ready"])
        .env_clear()
        .env("HOME", home.path())
        .output()
        .expect("withings-mcp conformance");
    assert!(output.status.success(), "{}", support::show(&output));
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    assert_eq!(report["tier"], "context_ready");

    let unknown = Command::new(env!("CARGO_BIN_EXE_withings-mcp"))
        .args(["conformance", "--provider", "nope"])
        .env_clear()
        .env("HOME", home.path())
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("withings"));

    let spine = Command::new(support::spine_server())
        .args(["conformance", "--min-tier", "agent_ready"])
        .env_clear()
        .env("HOME", home.path())
        .output()
        .unwrap();
    assert_eq!(spine.status.code(), Some(1), "{}", support::show(&spine));
    let text = String::from_utf8_lossy(&spine.stdout);
    assert!(text.contains("FAIL  diagnostics.present"), "{text}");
}

#[test]
fn manifests_print_and_all_needs_a_directory() {
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_withings-mcp"))
            .args(args)
            .env_clear()
            .env("HOME", home.path())
            .output()
            .unwrap()
    };
    let agent = run(&["manifest", "agent"]);
    assert!(agent.status.success(), "{}", support::show(&agent));
    let agent: Value = serde_json::from_slice(&agent.stdout).expect("agent manifest JSON");
    assert!(
        !agent["recommended_first_calls"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let server = run(&["manifest", "server-json"]);
    let server: Value = serde_json::from_slice(&server.stdout).expect("server.json");
    assert_eq!(server["name"], "io.github.delx-wellness/withings-mcp");
    let all = run(&["manifest", "all"]);
    assert_eq!(all.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&all.stderr).contains("--write"));
}

/// From outside, over MCP on stdio, `withings-mcp demo` gets the same verdicts as
/// the in-process run for every check both can judge.
#[tokio::test(flavor = "multi_thread")]
async fn black_box_and_in_process_agree_on_the_demo() {
    use delx_withings as _;
    let program = std::ffi::OsString::from(env!("CARGO_BIN_EXE_withings-mcp"));
    let canary = delx_withings::fake::DEMO_CLIENT_SECRET.to_owned();
    let outside = delx_conformance::check_command(&program, &["demo".into()], &[canary])
        .await
        .expect("black-box report");
    let registration = delx_framework::ProviderRegistration::all()
        .into_iter()
        .find(|r| r.descriptor.id == "withings")
        .expect("withings is linked");
    let inside = delx_conformance::check_provider(registration)
        .await
        .expect("in-process report");
    assert_eq!(
        outside.tier,
        Some(delx_conformance::Tier::ContextReady),
        "{}",
        outside.text()
    );
    assert_eq!(outside.checks.len(), inside.checks.len());
    for check in &inside.checks {
        let other = outside.result(check.id).expect("the same checks");
        assert_eq!(
            std::mem::discriminant(&check.verdict),
            std::mem::discriminant(&other.verdict),
            "{}: inside {:?}, outside {:?}",
            check.id,
            check.verdict,
            other.verdict
        );
    }
}
