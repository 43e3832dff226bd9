//! Two real processes race to refresh the same nearly expired token, 50 rounds:
//! both end with working tokens and the grant survives every time.
//!
//! The children are this test binary re-run on the ignored `refresher_child` test,
//! which only acts when `REFRESH_RACE_CHILD` is set.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use delx_framework::BuildContext;
use delx_framework::auth::{Tokens, unix_now};
use delx_withings::api::endpoints::GETDEVICE;
use delx_withings::api::{ClientOptions, WithingsClient};
use delx_withings::config::Settings;
use delx_withings::fake::{FakeConfig, FakeServer};

const ROUNDS: usize = 50;

fn client(api_base: &str, client_id: &str, secret: &str, home: &Path) -> WithingsClient {
    let env: BTreeMap<String, String> = [
        ("WITHINGS_CLIENT_ID", client_id),
        ("WITHINGS_CLIENT_SECRET", secret),
        ("WITHINGS_API_BASE_URL", api_base),
        ("WITHINGS_AUTH_BASE_URL", api_base),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_owned(), value.to_owned()))
    .collect();
    let settings =
        Settings::load(&BuildContext::new(env, Some(home.to_path_buf()))).expect("settings");
    WithingsClient::new(&settings, ClientOptions::default()).expect("client")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_refreshing_at_once_keep_the_grant_alive() {
    let fake = FakeServer::start(FakeConfig::default())
        .await
        .expect("fake");
    let home = tempfile::tempdir().unwrap();
    let api = fake.api_base_url();
    let parent = client(&api, fake.client_id(), fake.client_secret(), home.path());
    let issued = fake.issue_tokens("user.info,user.metrics,user.activity");
    let mut tokens = Tokens::new(issued.access_token);
    tokens.refresh_token = Some(issued.refresh_token);
    tokens.userid = Some(issued.userid);
    let exe = std::env::current_exe().expect("test binary");
    for round in 0..ROUNDS {
        let mut current = parent
            .token_store()
            .load()
            .unwrap_or_else(|_| tokens.clone());
        current.expires_at = Some(unix_now() + 30); // inside the refresh margin
        parent.token_store().save(&current).expect("save");
        let spawn = || {
            tokio::process::Command::new(&exe)
                .args([
                    "--exact",
                    "refresher_child",
                    "--ignored",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env("REFRESH_RACE_CHILD", "1")
                .env("RACE_API", &api)
                .env("RACE_CLIENT_ID", fake.client_id())
                .env("RACE_SECRET", fake.client_secret())
                .env("RACE_HOME", home.path())
                .kill_on_drop(true)
                .output()
        };
        let (a, b) = tokio::join!(spawn(), spawn());
        for (name, output) in [("first", a), ("second", b)] {
            let output = output.expect("child ran");
            assert!(
                output.status.success(),
                "round {round}: the {name} process failed:\n{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
    let stats = fake.stats();
    assert_eq!(
        stats.count("v2/oauth2/requesttoken"),
        ROUNDS as u64,
        "one refresh per round: {stats:?}"
    );
    assert_eq!(
        stats.count("v2/user/getdevice"),
        2 * ROUNDS as u64,
        "{stats:?}"
    );
    assert_eq!(stats.failures, 0, "no call was refused: {stats:?}");
    let after = parent.token_store().load().expect("tokens");
    parent
        .refresh(Some(&after.access_token))
        .await
        .expect("the grant survives");
    parent.call(&GETDEVICE, &[]).await.expect("and works");
}

/// One racing process: calls Withings once with the shared tokens file.
#[tokio::test]
#[ignore = "run by two_processes_refreshing_at_once_keep_the_grant_alive"]
async fn refresher_child() {
    if std::env::var_os("REFRESH_RACE_CHILD").is_none() {
        return;
    }
    let var = |name| std::env::var(name).expect(name);
    let home = std::path::PathBuf::from(var("RACE_HOME"));
    let client = client(
        &var("RACE_API"),
        &var("RACE_CLIENT_ID"),
        &var("RACE_SECRET"),
        &home,
    );
    tokio::time::timeout(Duration::from_secs(30), client.call(&GETDEVICE, &[]))
        .await
        .expect("in time")
        .expect("the call succeeds");
}
