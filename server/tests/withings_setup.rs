//! `withings-mcp setup` in throwaway home directories.

use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn setup(
    home: &std::path::Path,
    args: &[&str],
    stdin: Option<&str>,
    env: &[(&str, &str)],
) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_withings-mcp"));
    command
        .arg("setup")
        .args(args)
        .env_clear()
        .env("HOME", home)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("setup");
    if let Some(text) = stdin {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().expect("setup output")
}

fn config(home: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(home.join(".withings-mcp/config.json")).unwrap())
        .unwrap()
}

#[test]
fn non_interactive_setup_writes_a_private_config() {
    let home = tempfile::tempdir().unwrap();
    let output = setup(
        home.path(),
        &[
            "--client-id",
            "cid-1",
            "--client-secret-stdin",
            "--privacy-mode",
            "summary",
            "--no-auth",
            "--json",
        ],
        Some("secret-from-stdin-42\n"),
        &[],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["config_path"], "~/.withings-mcp/config.json");
    assert!(!String::from_utf8_lossy(&output.stdout).contains("secret-from-stdin-42"));
    let config = config(home.path());
    assert_eq!(config["WITHINGS_CLIENT_ID"], "cid-1");
    assert_eq!(config["WITHINGS_CLIENT_SECRET"], "secret-from-stdin-42");
    assert_eq!(config["WITHINGS_PRIVACY_MODE"], "summary");
    assert_eq!(
        config["WITHINGS_REDIRECT_URI"],
        "http://127.0.0.1:3000/callback"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode =
            |p: std::path::PathBuf| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(home.path().join(".withings-mcp/config.json")), 0o600);
        assert_eq!(mode(home.path().join(".withings-mcp")), 0o700);
    }
    // A second run updates without losing what it was not given.
    let again = setup(
        home.path(),
        &[
            "--redirect-uri",
            "http://127.0.0.1:4000/callback",
            "--no-auth",
            "--json",
        ],
        None,
        &[],
    );
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let config = self::config(home.path());
    assert_eq!(config["WITHINGS_CLIENT_SECRET"], "secret-from-stdin-42");
    assert_eq!(
        config["WITHINGS_REDIRECT_URI"],
        "http://127.0.0.1:4000/callback"
    );
}

#[test]
fn a_secret_on_the_command_line_is_refused_and_nothing_is_written() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        &["--client-id", "c", "--client-secret", "s3cr3t", "--no-auth"][..],
        &["--client-id", "c", "--client-secret=s3cr3t"],
    ] {
        let output = setup(home.path(), args, None, &[]);
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("--client-secret-stdin"), "{stderr}");
        assert!(
            !stderr.contains("s3cr3t"),
            "the refusal does not echo the secret: {stderr}"
        );
        assert!(!home.path().join(".withings-mcp/config.json").exists());
    }
}

#[test]
fn a_secret_from_the_environment_stays_out_of_the_file() {
    let home = tempfile::tempdir().unwrap();
    let output = setup(
        home.path(),
        &["--client-id", "cid", "--no-auth", "--json"],
        None,
        &[("WITHINGS_CLIENT_SECRET", "env-secret-77")],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let config = config(home.path());
    assert!(config.get("WITHINGS_CLIENT_SECRET").is_none(), "{config}");
}

#[test]
fn missing_credentials_fail_clearly_without_prompting() {
    let home = tempfile::tempdir().unwrap();
    let output = setup(home.path(), &["--non-interactive", "--no-auth"], None, &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("client id is required"));
    let output = setup(
        home.path(),
        &["--client-id", "c", "--non-interactive", "--no-auth"],
        None,
        &[],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("client secret is required"));
    assert!(!home.path().join(".withings-mcp/config.json").exists());
}
