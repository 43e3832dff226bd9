//! `withings-mcp fake-api` as a standalone process: it starts, tells where it is,
//! answers signed requests and counts them at `/__stats`.

use std::process::Stdio;
use std::time::Duration;

use delx_withings::api::signing::sign;
use serde_json::Value;

#[tokio::test]
async fn the_fake_api_runs_standalone_and_counts_requests() {
    let dir = tempfile::tempdir().expect("temp dir");
    let info_path = dir.path().join("info.json");
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_withings-mcp"))
        .args([
            "fake-api",
            "--port",
            "0",
            "--seed",
            "3",
            "--page-size",
            "5",
            "--info-file",
        ])
        .arg(&info_path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn fake-api");
    let info: Value = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            if let Ok(text) = std::fs::read_to_string(&info_path) {
                break serde_json::from_str(&text).expect("the info file is JSON");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("fake-api wrote its info file in time");
    assert_eq!(info["seed"], 3);
    assert_eq!(info["timezone"], "Europe/Paris");
    let base = info["api_base_url"].as_str().expect("base url").to_owned();
    let stats_url = info["stats_url"].as_str().expect("stats url").to_owned();
    let http = reqwest::Client::new();

    let before: Value = http
        .get(&stats_url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(before["total"], 0);

    let client_id = info["client_id"].as_str().unwrap();
    let secret = info["client_secret"].as_str().unwrap();
    let timestamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let form = [
        ("action", "getnonce".to_owned()),
        ("client_id", client_id.to_owned()),
        ("timestamp", timestamp.clone()),
        ("signature", sign(secret, "getnonce", client_id, &timestamp)),
    ];
    let nonce: Value = http
        .post(format!("{base}/v2/signature"))
        .form(&form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(nonce["status"], 0, "{nonce}");
    assert!(
        nonce["body"]["nonce"]
            .as_str()
            .is_some_and(|n| !n.is_empty())
    );

    let bad = [
        ("action", "getnonce".to_owned()),
        ("client_id", client_id.to_owned()),
        ("timestamp", timestamp),
        ("signature", "0".repeat(64)),
    ];
    let refused: Value = http
        .post(format!("{base}/v2/signature"))
        .form(&bad)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_ne!(
        refused["status"], 0,
        "a bad signature is refused: {refused}"
    );

    let after: Value = http
        .get(&stats_url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(after["by_action"]["v2/signature/getnonce"], 2, "{after}");
    assert_eq!(after["failures"], 1, "{after}");
    child.kill().await.expect("stop fake-api");
}

#[test]
fn a_bad_fake_api_flag_is_a_usage_error() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_withings-mcp"))
        .args(["fake-api", "--page-size", "lots"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("lots"), "{stderr}");
}
