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

#[test]
fn setup_configures_an_mcp_client_and_doctor_checks_it() {
    let home = tempfile::tempdir().unwrap();
    let cursor = home.path().join(".cursor/mcp.json");
    std::fs::create_dir_all(cursor.parent().unwrap()).unwrap();
    let original = r#"{"mcpServers": {"other": {"command": "/usr/bin/other", "args": ["--x"]}}, "theme": "dark"}"#;
    std::fs::write(&cursor, original).unwrap();
    let output = setup(
        home.path(),
        &[
            "--client-id",
            "c",
            "--client-secret-stdin",
            "--no-auth",
            "--client",
            "cursor",
            "--json",
        ],
        Some("s3cret-value-1\n"),
        &[],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let config: Value = serde_json::from_str(&std::fs::read_to_string(&cursor).unwrap()).unwrap();
    assert_eq!(
        config["mcpServers"]["other"]["args"][0], "--x",
        "other servers survive"
    );
    assert_eq!(config["theme"], "dark");
    assert_eq!(
        config["mcpServers"]["withings"]["command"],
        env!("CARGO_BIN_EXE_withings-mcp"),
        "points at the installed binary's absolute path"
    );
    assert!(
        !std::fs::read_to_string(&cursor)
            .unwrap()
            .contains("s3cret-value-1"),
        "no secret in client configs"
    );
    let backups: Vec<_> = std::fs::read_dir(cursor.parent().unwrap())
        .unwrap()
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_name().to_string_lossy().contains(".bak-"))
        .collect();
    assert_eq!(backups.len(), 1, "one backup before the change");
    assert_eq!(
        std::fs::read_to_string(backups[0].path()).unwrap(),
        original
    );

    let doctor = Command::new(env!("CARGO_BIN_EXE_withings-mcp"))
        .args(["doctor", "--client", "cursor", "--json"])
        .env_clear()
        .env("HOME", home.path())
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&doctor.stdout).unwrap();
    assert_eq!(report["client"]["configured"], true, "{report}");
    assert_eq!(report["client"]["command_matches"], true, "{report}");
}

#[test]
fn a_corrupt_client_config_is_refused_and_left_byte_identical() {
    let home = tempfile::tempdir().unwrap();
    let claude_code = home.path().join(".claude.json");
    let corrupt = b"{\"mcpServers\": {\"other\": \n";
    std::fs::write(&claude_code, corrupt).unwrap();
    let output = setup(
        home.path(),
        &["--client-id", "c", "--no-auth", "--client", "claude-code"],
        None,
        &[("WITHINGS_CLIENT_SECRET", "env-secret-1")],
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(".claude.json"), "names the file: {stderr}");
    assert_eq!(
        std::fs::read(&claude_code).unwrap(),
        corrupt,
        "never overwritten"
    );
    let leftovers = std::fs::read_dir(home.path())
        .unwrap()
        .filter_map(|entry| entry.ok())
        .filter(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .starts_with(".claude.json.")
        })
        .count();
    assert_eq!(leftovers, 0, "no backup or temp file for a refused write");
}

#[test]
fn an_unknown_client_name_lists_the_valid_ones() {
    let home = tempfile::tempdir().unwrap();
    let output = setup(
        home.path(),
        &["--client", "notepad", "--no-auth"],
        None,
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("hermes") && stderr.contains("cursor"),
        "{stderr}"
    );
}

/// Interactive setup on a real terminal (a pseudo-terminal driven by Python's `pty`):
/// visible answers for id, callback, privacy mode and client, a hidden one for the
/// secret, which must never be echoed.
#[test]
fn interactive_setup_asks_and_hides_the_secret() {
    let python = ["python3", "python"].into_iter().find(|python| {
        Command::new(python)
            .arg("-c")
            .arg("import pty")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    let Some(python) = python else {
        eprintln!("skipped: no Python with pty");
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let script = r#"
import os, pty, sys, time
binary, home = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.environ.clear()
    os.environ["HOME"] = home
    os.execv(binary, [binary, "setup", "--no-auth"])
answers = [("client id", "cid-tty"), ("secret", "tty-secret-9876"), ("Callback", ""),
           ("Privacy mode", "summary"), ("MCP client", "")]
seen = b""
answered = 0
# Each prompt is looked for only after the previous answer: a word from an earlier
# line must not trigger an answer before its prompt is up (the hidden prompt
# discards input typed ahead of it).
def read_until(word, timeout=20):
    global seen, answered
    end = time.time() + timeout
    while word.encode() not in seen[answered:]:
        if time.time() > end:
            sys.exit("no prompt containing %r in %r" % (word, seen))
        try:
            seen += os.read(fd, 1024)
        except OSError:
            break
    answered = seen.index(word.encode(), answered) + len(word)
for prompt, answer in answers:
    read_until(prompt)
    # The hidden prompt turns echo off just after printing itself; give it time.
    time.sleep(0.3 if prompt == "secret" else 0.05)
    os.write(fd, (answer + "\n").encode())
while True:
    try:
        chunk = os.read(fd, 1024)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
"#;
    let output = Command::new(python)
        .args(["-c", script, env!("CARGO_BIN_EXE_withings-mcp")])
        .arg(home.path())
        .output()
        .expect("python");
    let screen = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{screen}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        !screen.contains("tty-secret-9876"),
        "the secret was echoed: {screen}"
    );
    let config = config(home.path());
    assert_eq!(config["WITHINGS_CLIENT_ID"], "cid-tty");
    assert_eq!(config["WITHINGS_CLIENT_SECRET"], "tty-secret-9876");
    assert_eq!(config["WITHINGS_PRIVACY_MODE"], "summary");
    assert_eq!(
        config["WITHINGS_REDIRECT_URI"],
        "http://127.0.0.1:3000/callback"
    );
}
