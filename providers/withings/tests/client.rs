//! The Withings client against the fake Withings API over loopback: OAuth, token
//! refresh, status families, retries, pagination and date windows.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, Instant};

use delx_framework::auth::{TokenStore, Tokens, unix_now};
use delx_framework::http::RetryPolicy;
use delx_framework::time::{DayRange, local_date, zone};
use delx_framework::{BuildContext, ErrorKind, ToolError};
use delx_withings::api::dates::window_params;
use delx_withings::api::endpoints::{GETDEVICE, GETMEAS};
use delx_withings::api::{ApiError, ClientOptions, WithingsClient};
use delx_withings::config::Settings;
use delx_withings::fake::{FakeConfig, FakeServer, Fault};
use jiff::Timestamp;
use jiff::civil::date;
use serde_json::Value;

const REDIRECT_URI: &str = "http://127.0.0.1:53682/callback";

async fn fake(config: FakeConfig) -> FakeServer {
    FakeServer::start(config.with_end_date(date(2026, 6, 30)))
        .await
        .expect("fake Withings")
}

fn settings(fake: &FakeServer, home: &Path) -> Settings {
    let env: BTreeMap<String, String> = [
        ("WITHINGS_CLIENT_ID", fake.client_id().to_owned()),
        ("WITHINGS_CLIENT_SECRET", fake.client_secret().to_owned()),
        ("WITHINGS_API_BASE_URL", fake.api_base_url()),
        ("WITHINGS_AUTH_BASE_URL", fake.auth_base_url()),
        ("WITHINGS_REDIRECT_URI", REDIRECT_URI.to_owned()),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_owned(), value))
    .collect();
    Settings::load(&BuildContext::new(env, Some(home.to_path_buf()))).expect("settings")
}

/// Fast retries, so failure paths take milliseconds.
fn options() -> ClientOptions {
    ClientOptions {
        retry: RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
            max_wait: Duration::from_secs(3),
        },
        ..ClientOptions::default()
    }
}

fn client(fake: &FakeServer, home: &Path) -> WithingsClient {
    WithingsClient::new(&settings(fake, home), options()).expect("client")
}

/// Stores tokens minted by the fake, expiring at `expires_at`.
fn store_tokens(fake: &FakeServer, client: &WithingsClient, expires_at: i64) -> Tokens {
    let issued = fake.issue_tokens("user.info,user.metrics,user.activity");
    let mut tokens = Tokens::new(issued.access_token);
    tokens.refresh_token = Some(issued.refresh_token);
    tokens.expires_at = Some(expires_at);
    tokens.userid = Some(issued.userid);
    tokens.scope = Some("user.info,user.metrics,user.activity".into());
    client.token_store().save(&tokens).expect("save tokens");
    tokens
}

/// Plays the browser: opens the consent page and follows it to the callback.
async fn authorize(client: &WithingsClient, state: &str) -> String {
    let url = client.authorize_url(state).expect("authorize url");
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("browser");
    let response = browser.get(url).send().await.expect("consent page");
    assert!(response.status().is_redirection(), "{}", response.status());
    let location = response.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    assert!(location.starts_with(REDIRECT_URI), "{location}");
    let callback = url::Url::parse(&location).expect("callback url");
    let pairs: BTreeMap<String, String> = callback.query_pairs().into_owned().collect();
    assert_eq!(pairs["state"], state);
    pairs["code"].clone()
}

#[tokio::test]
async fn exchanging_a_code_writes_a_private_tokens_file() {
    let fake = fake(FakeConfig::default()).await;
    let home = tempfile::tempdir().unwrap();
    let client = client(&fake, home.path());
    let code = authorize(&client, "state-123").await;
    let tokens = client.exchange_code(&code).await.expect("exchange");
    assert_eq!(tokens.userid.as_deref(), Some(fake.userid().as_str()));
    assert!(
        tokens
            .expires_at
            .is_some_and(|at| at > unix_now() + 3 * 3600 - 60)
    );
    let path = home.path().join(".withings-mcp/tokens.json");
    let on_disk = TokenStore::new(&path).load().expect("tokens on disk");
    assert_eq!(on_disk, tokens);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
    }
    let body = client
        .call(&GETDEVICE, &[])
        .await
        .expect("a call with the new tokens");
    assert!(body["devices"].as_array().is_some_and(|d| !d.is_empty()));
    let reused = client
        .exchange_code(&code)
        .await
        .expect_err("codes work once");
    assert!(matches!(reused, ApiError::AuthExpired(_)), "{reused:?}");
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    let fake = fake(FakeConfig::default()).await;
    let home = tempfile::tempdir().unwrap();
    let client = client(&fake, home.path());
    let code = authorize(&client, "s").await;
    fake.clock().advance(Duration::from_secs(31));
    let error = client
        .exchange_code(&code)
        .await
        .expect_err("codes live 30 s");
    assert!(matches!(error, ApiError::AuthExpired(_)), "{error:?}");
    assert!(!client.token_store().exists());
}

#[tokio::test]
async fn tokens_about_to_expire_are_refreshed_before_the_call() {
    let fake = fake(FakeConfig::default()).await;
    let home = tempfile::tempdir().unwrap();
    let client = client(&fake, home.path());
    let old = store_tokens(&fake, &client, unix_now() + 60);
    client.call(&GETDEVICE, &[]).await.expect("call");
    let stats = fake.stats();
    assert_eq!(stats.count("v2/oauth2/requesttoken"), 1, "{stats:?}");
    assert_eq!(
        stats.count("v2/user/getdevice"),
        1,
        "no failed call first: {stats:?}"
    );
    let new = client.token_store().load().unwrap();
    assert_ne!(new.access_token, old.access_token);
    assert_ne!(
        new.refresh_token, old.refresh_token,
        "refresh tokens rotate"
    );
    assert_eq!(new.userid, old.userid, "fields the refresh omits are kept");
    assert_eq!(new.scope, old.scope);
}

#[tokio::test]
async fn an_authentication_failure_refreshes_once_and_retries_once() {
    let fake = fake(FakeConfig::default()).await;
    let home = tempfile::tempdir().unwrap();
    let client = client(&fake, home.path());
    // The client believes its token is good for hours; the fake says it expired.
    store_tokens(&fake, &client, unix_now() + 10 * 3600);
    fake.clock().advance(Duration::from_secs(3 * 3600 + 60));
    client
        .call(&GETDEVICE, &[])
        .await
        .expect("call after a refresh");
    let stats = fake.stats();
    assert_eq!(stats.count("v2/user/getdevice"), 2, "{stats:?}");
    assert_eq!(stats.count("v2/oauth2/requesttoken"), 1, "{stats:?}");

    // A token that fails again right after a refresh is not retried forever.
    fake.faults()
        .inject(Fault::status(401).on_action("getdevice"));
    let error = client.call(&GETDEVICE, &[]).await.expect_err("401 forever");
    assert!(matches!(error, ApiError::AuthExpired(_)), "{error:?}");
    assert_eq!(
        fake.stats().count("v2/oauth2/requesttoken"),
        2,
        "one refresh per call, not more"
    );
}

#[tokio::test]
async fn a_dead_refresh_token_asks_the_user_to_sign_in_again() {
    let fake = fake(FakeConfig::default()).await;
    let home = tempfile::tempdir().unwrap();
    let client = client(&fake, home.path());
    let mut tokens = store_tokens(&fake, &client, unix_now() - 10);
    tokens.refresh_token = Some("f".repeat(40));
    client.token_store().save(&tokens).unwrap();
    let error = client.call(&GETDEVICE, &[]).await.expect_err("dead grant");
    assert!(matches!(error, ApiError::AuthExpired(_)), "{error:?}");
    let tool: ToolError = error.into();
    assert_eq!(tool.kind, ErrorKind::AuthExpired);
    assert!(
        tool.next_step.contains("withings-mcp auth"),
        "{}",
        tool.next_step
    );
    assert_eq!(
        client.token_store().load().unwrap(),
        tokens,
        "a failed refresh changes nothing on disk"
    );
}

#[tokio::test]
async fn no_tokens_means_sign_in_first() {
    let fake = fake(FakeConfig::default()).await;
    let home = tempfile::tempdir().unwrap();
    let error = client(&fake, home.path())
        .call(&GETDEVICE, &[])
        .await
        .expect_err("no tokens");
    assert!(matches!(error, ApiError::NotSignedIn), "{error:?}");
    assert_eq!(ToolError::from(error).kind, ErrorKind::SetupRequired);
    assert_eq!(fake.stats().total, 0, "nothing was sent");
}

#[tokio::test]
async fn status_601_waits_the_requested_time_then_succeeds() {
    let fake = fake(FakeConfig::default()).await;
    let home = tempfile::tempdir().unwrap();
    let client = client(&fake, home.path());
    store_tokens(&fake, &client, unix_now() + 3600);
    fake.faults().inject(Fault::too_many_requests(1).once());
    let started = Instant::now();
    client
        .call(&GETDEVICE, &[])
        .await
        .expect("succeeds after waiting");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(fake.stats().count("v2/user/getdevice"), 2);

    // A wait beyond what the caller accepts is reported, not slept through.
    fake.faults().inject(Fault::too_many_requests(600).once());
    let error = client
        .call(&GETDEVICE, &[])
        .await
        .expect_err("too long a wait");
    assert!(
        matches!(error, ApiError::RateLimited(wait) if wait == Duration::from_secs(600)),
        "{error:?}"
    );
    let tool = ToolError::from(error);
    assert_eq!(tool.retry_after, Some(Duration::from_secs(600)));
}

#[tokio::test]
async fn http_5xx_and_non_json_are_retried_then_reported() {
    let fake = fake(FakeConfig::default()).await;
    let home = tempfile::tempdir().unwrap();
    let client = client(&fake, home.path());
    store_tokens(&fake, &client, unix_now() + 3600);

    fake.faults().inject(Fault::http(502).times(2));
    client
        .call(&GETDEVICE, &[])
        .await
        .expect("third attempt succeeds");
    assert_eq!(fake.stats().count("v2/user/getdevice"), 3);

    fake.reset_stats();
    fake.faults()
        .inject(Fault::non_json().on_action("getdevice"));
    let error = client.call(&GETDEVICE, &[]).await.expect_err("never JSON");
    assert!(
        error.to_string().contains("not its JSON envelope"),
        "{error}"
    );
    assert_eq!(
        fake.stats().count("v2/user/getdevice"),
        3,
        "three attempts, no more"
    );
    assert_eq!(ToolError::from(error).kind, ErrorKind::Upstream);
    fake.faults().clear();

    fake.reset_stats();
    fake.faults()
        .inject(Fault::status(2551).on_action("getdevice"));
    let error = client
        .call(&GETDEVICE, &[])
        .await
        .expect_err("an error occurred, always");
    assert!(
        matches!(error, ApiError::Status { code: 2551, .. }),
        "{error:?}"
    );
    assert_eq!(fake.stats().count("v2/user/getdevice"), 3);
}

#[tokio::test]
async fn invalid_params_and_unauthorized_are_not_retried() {
    let fake = fake(FakeConfig::default()).await;
    let home = tempfile::tempdir().unwrap();
    let client = client(&fake, home.path());
    store_tokens(&fake, &client, unix_now() + 3600);
    for (status, kind) in [
        (503, ErrorKind::InvalidInput),
        (214, ErrorKind::UserActionRequired),
        (2554, ErrorKind::Upstream),
    ] {
        fake.reset_stats();
        fake.faults().clear();
        fake.faults().inject(Fault::status(status));
        let error = client.call(&GETDEVICE, &[]).await.expect_err("refused");
        assert!(
            matches!(error, ApiError::Status { code, .. } if code == status),
            "{error:?}"
        );
        assert_eq!(
            fake.stats().count("v2/user/getdevice"),
            1,
            "status {status} must not be retried"
        );
        let tool = ToolError::from(error);
        assert_eq!(tool.kind, kind, "status {status}");
        assert!(
            tool.message.contains(&status.to_string()),
            "{}",
            tool.message
        );
    }
}

#[tokio::test]
async fn pagination_returns_every_record_once_and_says_when_capped() {
    let fake = fake(FakeConfig::default().with_page_size(25)).await;
    let home = tempfile::tempdir().unwrap();
    let client = client(&fake, home.path());
    store_tokens(&fake, &client, unix_now() + 3600);
    let all = client.list(&GETMEAS, &[], 1000).await.expect("list");
    let expected: BTreeSet<i64> = fake
        .demo()
        .measure_groups
        .iter()
        .map(|group| group.grpid)
        .collect();
    assert!(expected.len() > 500, "two years of weigh-ins");
    let grpids: Vec<i64> = all
        .records
        .iter()
        .map(|group| group["grpid"].as_i64().unwrap())
        .collect();
    let unique: BTreeSet<i64> = grpids.iter().copied().collect();
    assert_eq!(unique.len(), grpids.len(), "no record twice");
    assert_eq!(unique, expected, "no record lost");
    assert!(!all.truncated);
    assert_eq!(all.pages_fetched as usize, expected.len().div_ceil(25));
    assert_eq!(all.extra["timezone"], "Europe/Paris");

    let capped = client.list(&GETMEAS, &[], 3).await.expect("list");
    assert_eq!(capped.records.len(), 75);
    assert!(capped.truncated);
    assert_eq!(capped.pages_fetched, 3);
    let resumed = client
        .list(
            &GETMEAS,
            &[("offset", capped.next_offset.unwrap().to_string())],
            1,
        )
        .await
        .expect("resume");
    let first_ids: BTreeSet<i64> = capped
        .records
        .iter()
        .map(|g| g["grpid"].as_i64().unwrap())
        .collect();
    assert!(
        resumed
            .records
            .iter()
            .all(|g| !first_ids.contains(&g["grpid"].as_i64().unwrap()))
    );
}

#[tokio::test]
async fn day_windows_across_a_dst_change_hold_exactly_the_local_days() {
    let fake = fake(FakeConfig::default().with_page_size(50)).await;
    let home = tempfile::tempdir().unwrap();
    let client = client(&fake, home.path());
    store_tokens(&fake, &client, unix_now() + 3600);
    let paris = zone("Europe/Paris").unwrap();
    // 2026-03-29 is the spring-forward day in Europe/Paris.
    let days = DayRange::new(date(2026, 3, 28), date(2026, 3, 30)).unwrap();
    let params = window_params(&GETMEAS, &days, &paris).unwrap();
    let listing = client.list(&GETMEAS, &params, 100).await.expect("list");
    let day_of = |unix: i64| local_date(Timestamp::from_second(unix).unwrap(), &paris);
    let got: BTreeSet<i64> = listing
        .records
        .iter()
        .map(|g| g["grpid"].as_i64().unwrap())
        .collect();
    let expected: BTreeSet<i64> = fake
        .demo()
        .measure_groups
        .iter()
        .filter(|group| (days.first..=days.last).contains(&day_of(group.date)))
        .map(|group| group.grpid)
        .collect();
    assert!(
        !expected.is_empty(),
        "the demo weighs in around the DST change"
    );
    assert_eq!(got, expected);
    for group in &listing.records {
        let day = day_of(group["date"].as_i64().unwrap());
        assert!(
            (days.first..=days.last).contains(&day),
            "{day} is outside the window"
        );
    }
}

#[tokio::test]
async fn the_client_stays_under_its_request_budget() {
    let fake = fake(FakeConfig::default()).await;
    let home = tempfile::tempdir().unwrap();
    let settings = settings(&fake, home.path());
    let client = WithingsClient::new(
        &settings,
        ClientOptions {
            requests_per_minute: 3,
            ..options()
        },
    )
    .unwrap();
    store_tokens(&fake, &client, unix_now() + 3600);
    fake.faults().set_rate_limit(Some(3));
    let mut calls = Vec::new();
    for _ in 0..3 {
        let client = client.clone();
        calls.push(tokio::spawn(
            async move { client.call(&GETDEVICE, &[]).await },
        ));
    }
    for call in calls {
        call.await.unwrap().expect("within budget");
    }
    // The fourth would exceed the budget: the client waits instead of sending it.
    let fourth =
        tokio::time::timeout(Duration::from_millis(500), client.call(&GETDEVICE, &[])).await;
    assert!(fourth.is_err(), "the limiter let a fourth request through");
    assert_eq!(fake.stats().count("v2/user/getdevice"), 3);
    assert_eq!(fake.stats().failures, 0, "Withings never had to say 601");
}

#[tokio::test]
async fn revoke_kills_the_grant_upstream_and_forgets_it_locally() {
    let fake = fake(FakeConfig::default()).await;
    let home = tempfile::tempdir().unwrap();
    let client = client(&fake, home.path());
    let tokens = store_tokens(&fake, &client, unix_now() + 3600);
    client.revoke().await.expect("revoke");
    assert!(!client.token_store().exists());
    client.token_store().save(&tokens).unwrap();
    let error = client.call(&GETDEVICE, &[]).await.expect_err("revoked");
    assert!(matches!(error, ApiError::AuthExpired(_)), "{error:?}");
}

/// Independent clients (separate in-memory state, one tokens file) race to refresh
/// a token about to expire; every round, both succeed and the grant survives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_refreshes_never_strand_the_grant() {
    let fake = fake(FakeConfig::default()).await;
    let home = tempfile::tempdir().unwrap();
    let first = client(&fake, home.path());
    let second = client(&fake, home.path());
    store_tokens(&fake, &first, unix_now() + 30);
    for round in 0..50 {
        let mut tokens = first.token_store().load().unwrap();
        tokens.expires_at = Some(unix_now() + 30); // inside the refresh margin
        first.token_store().save(&tokens).unwrap();
        let (a, b) = tokio::join!(first.call(&GETDEVICE, &[]), second.call(&GETDEVICE, &[]));
        a.unwrap_or_else(|error| panic!("round {round}: first client failed: {error}"));
        b.unwrap_or_else(|error| panic!("round {round}: second client failed: {error}"));
    }
    let stats = fake.stats();
    assert_eq!(
        stats.count("v2/oauth2/requesttoken"),
        50,
        "one refresh per round: {stats:?}"
    );
    assert_eq!(stats.failures, 0, "{stats:?}");
    // The grant still works: the stored refresh token is the live one.
    let tokens = first.token_store().load().unwrap();
    let refreshed = first
        .refresh(Some(&tokens.access_token))
        .await
        .expect("refresh still works");
    assert_ne!(refreshed.access_token, tokens.access_token);
    let body: Value = second
        .call(&GETDEVICE, &[])
        .await
        .expect("and the new tokens work");
    assert!(body["devices"].is_array());
}
