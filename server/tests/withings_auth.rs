//! `withings-mcp auth` and `doctor` end to end against the fake Withings API: the
//! test plays the browser.

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::Duration;

use delx_withings::fake::{FakeConfig, FakeServer};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Setup {
    fake: FakeServer,
    home: tempfile::TempDir,
    env: BTreeMap<&'static str, String>,
}

async fn setup() -> Setup {
    let fake = FakeServer::start(FakeConfig::default())
        .await
        .expect("fake");
    let home = tempfile::tempdir().unwrap();
    let port = free_port();
    let env = BTreeMap::from([
        ("WITHINGS_CLIENT_ID", fake.client_id().to_owned()),
        ("WITHINGS_CLIENT_SECRET", fake.client_secret().to_owned()),
        ("WITHINGS_API_BASE_URL", fake.api_base_url()),
        ("WITHINGS_AUTH_BASE_URL", fake.auth_base_url()),
        (
            "WITHINGS_REDIRECT_URI",
            format!("http://127.0.0.1:{port}/callback"),
        ),
    ]);
    Setup { fake, home, env }
}

fn command(setup: &Setup, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_withings-mcp"));
    command
        .args(args)
        .env_clear()
        .env("HOME", setup.home.path())
        .envs(&setup.env)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

/// Reads stderr until the consent URL shows up.
async fn consent_url(child: &mut Child) -> String {
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let url = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(line) = lines.next_line().await.expect("stderr") {
            if let Some(url) = line.trim().strip_prefix("http") {
                return format!("http{url}");
            }
        }
        panic!("auth exited without printing the consent URL");
    })
    .await
    .expect("consent URL in time");
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    url
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn doctor(setup: &Setup) -> (Option<i32>, Value) {
    let output = command(setup, &["doctor", "--json", "--strict"])
        .output()
        .await
        .expect("doctor");
    let report: Value = serde_json::from_slice(&output.stdout).expect("doctor --json prints JSON");
    (output.status.code(), report)
}

#[tokio::test]
async fn auth_end_to_end_writes_tokens_and_doctor_turns_ready() {
    let setup = setup().await;
    let (code, before) = doctor(&setup).await;
    assert_eq!(code, Some(1), "--strict fails before auth");
    assert_eq!(before["ok"], false);
    assert_eq!(before["readiness"]["token"]["exists"], false);

    let mut child = command(&setup, &["auth", "--no-open", "--json"])
        .spawn()
        .expect("auth");
    let url = consent_url(&mut child).await;
    let consent = browser().get(&url).send().await.expect("consent page");
    let callback = consent.headers()["location"].to_str().unwrap().to_owned();
    let page = browser().get(&callback).send().await.expect("callback");
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Withings is connected"), "{html}");
    let output = tokio::time::timeout(Duration::from_secs(20), child.wait_with_output())
        .await
        .expect("auth finishes")
        .expect("auth output");
    assert!(output.status.success());
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["ok"], true);
    assert_eq!(report["token_path"], "~/.withings-mcp/tokens.json");
    let tokens_path = setup.home.path().join(".withings-mcp/tokens.json");
    let tokens: Value =
        serde_json::from_str(&std::fs::read_to_string(&tokens_path).unwrap()).unwrap();
    assert!(
        tokens["access_token"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );
    assert!(
        !String::from_utf8_lossy(&output.stdout).contains(tokens["access_token"].as_str().unwrap())
    );

    let (code, after) = doctor(&setup).await;
    assert_eq!(code, Some(0), "{after}");
    assert_eq!(after["ok"], true);
    assert_eq!(after["readiness"]["scopes"]["status"], "ok");
    let text = after.to_string();
    assert!(
        !text.contains(setup.home.path().to_str().unwrap()),
        "no absolute paths: {text}"
    );
    assert!(
        !text.contains(setup.fake.client_secret()),
        "no secrets: {text}"
    );

    let online = command(&setup, &["doctor", "--online", "--json"])
        .output()
        .await
        .unwrap();
    let online: Value = serde_json::from_slice(&online.stdout).unwrap();
    assert_eq!(online["online"]["ok"], true, "{online}");
    assert_eq!(setup.fake.stats().count("v2/user/getdevice"), 1);
}

#[tokio::test]
async fn a_callback_with_the_wrong_state_is_refused() {
    let setup = setup().await;
    let mut child = command(&setup, &["auth", "--no-open"])
        .spawn()
        .expect("auth");
    let url = consent_url(&mut child).await;
    let consent = browser().get(&url).send().await.unwrap();
    let callback = consent.headers()["location"].to_str().unwrap().to_owned();
    let forged = with_forged_state(&callback);
    let page = browser().get(&forged).send().await.unwrap();
    assert_eq!(page.status(), 400);
    let output = tokio::time::timeout(Duration::from_secs(20), child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(!setup.home.path().join(".withings-mcp/tokens.json").exists());
}

fn with_forged_state(url: &str) -> String {
    let mut parsed = url::Url::parse(url).unwrap();
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| {
            let value = if k == "state" {
                "f".repeat(32)
            } else {
                v.into_owned()
            };
            (k.into_owned(), value)
        })
        .collect();
    parsed.query_pairs_mut().clear().extend_pairs(pairs);
    parsed.to_string()
}

#[tokio::test]
async fn a_taken_port_is_a_clear_error() {
    let setup = setup().await;
    let redirect = setup.env["WITHINGS_REDIRECT_URI"].clone();
    let port: u16 = redirect
        .rsplit(':')
        .next()
        .unwrap()
        .trim_end_matches("/callback")
        .parse()
        .unwrap();
    let _holder = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    let output = command(&setup, &["auth", "--no-open"])
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&port.to_string()), "{stderr}");
    assert!(
        !stderr.contains("http://127.0.0.1:") || !stderr.contains("oauth2_user"),
        "fails before sending the user anywhere: {stderr}"
    );
}

#[tokio::test]
async fn auth_times_out() {
    let mut setup = setup().await;
    setup.env.insert("WITHINGS_AUTH_TIMEOUT_MS", "300".into());
    let output = tokio::time::timeout(
        Duration::from_secs(20),
        command(&setup, &["auth", "--no-open"]).output(),
    )
    .await
    .expect("gives up by itself")
    .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("within 300 ms"), "{stderr}");
    assert!(
        stderr.contains("--paste"),
        "points at the paste fallback: {stderr}"
    );
}

#[tokio::test]
async fn revoke_without_credentials_removes_local_tokens_and_says_so() {
    let mut setup = setup().await;
    let dir = setup.home.path().join(".withings-mcp");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("tokens.json"),
        r#"{"access_token":"abc","refresh_token":"def","userid":"1"}"#,
    )
    .unwrap();
    setup.env.remove("WITHINGS_CLIENT_SECRET");
    let output = command(&setup, &["revoke", "--json"])
        .output()
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["upstream"], "skipped");
    assert!(
        report["upstream_detail"]
            .as_str()
            .unwrap()
            .contains("not configured")
    );
    assert_eq!(report["local_tokens_removed"], true);
    assert!(!dir.join("tokens.json").exists());
}
