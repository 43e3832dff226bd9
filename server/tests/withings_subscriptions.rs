//! Resource subscriptions through a real rmcp client against `withings-mcp demo`:
//! over streamable HTTP with 2025 `resources/subscribe`, updates arrive for
//! subscribed data resources when new data lands (a sync that stored records), not
//! for metadata resources, not after unsubscribing, and not when a sync changed
//! nothing; over stdio, a refresh that brings new data (a weigh-in on the fake's
//! scale) updates subscribers and a refresh that brings none does not; with the
//! 2026-07-28 `subscriptions/listen`, the same updates arrive on the listen
//! request.

#![allow(deprecated)] // resources/subscribe: legacy in 2026-07-28, current in 2025-11-25.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::ToSpan;
use rmcp::model::{
    ErrorCode, ProtocolVersion, ResourceUpdatedNotificationParam, ServerNotification,
    SubscribeRequestParams, SubscriptionFilter, UnsubscribeRequestParams,
};
use rmcp::service::{NotificationContext, RunningService, ServiceError};
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use rmcp::{ClientHandler, ClientLifecycleMode, ClientServiceExt, RoleClient, ServiceExt};
use serde_json::{Value, json};
use tokio::sync::Notify;

use delx_withings::fake::{FakeConfig, FakeServer};
use support::HttpServer;
use support::withings::{ALL_SCOPES, Session, fake_env, store_tokens};

const DAILY: &str = "withings://summary/daily";
const SLEEP: &str = "withings://latest/sleep";
const CAPABILITIES: &str = "withings://capabilities";

/// A client that records every `notifications/resources/updated`.
#[derive(Clone, Default)]
struct Recorder {
    updated: Arc<Mutex<Vec<String>>>,
    arrived: Arc<Notify>,
}

impl ClientHandler for Recorder {
    async fn on_resource_updated(
        &self,
        params: ResourceUpdatedNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        self.updated.lock().unwrap().push(params.uri);
        self.arrived.notify_waiters();
    }
}

impl Recorder {
    fn count(&self, uri: &str) -> usize {
        self.updated
            .lock()
            .unwrap()
            .iter()
            .filter(|seen| *seen == uri)
            .count()
    }

    /// Waits until `uri` has been updated `times` times.
    async fn wait_for(&self, uri: &str, times: usize) {
        let waited = tokio::time::timeout(Duration::from_secs(20), async {
            loop {
                let arrived = self.arrived.notified();
                if self.count(uri) >= times {
                    return;
                }
                arrived.await;
            }
        })
        .await;
        assert!(
            waited.is_ok(),
            "{uri} was not updated {times} time(s); seen: {:?}",
            self.updated.lock().unwrap()
        );
    }
}

async fn sync<H: ClientHandler>(client: &RunningService<RoleClient, H>, arguments: Value) -> Value {
    let result = client
        .call_tool(support::tool_call("withings_sync", arguments))
        .await
        .expect("tools/call");
    assert_eq!(result.is_error, Some(false), "{result:?}");
    result.structured_content.expect("structured content")
}

fn days_ago(days: i64) -> String {
    (jiff::Zoned::now().date() - days.days()).to_string()
}

fn changed(report: &Value) -> u64 {
    report["domains"]
        .as_array()
        .expect("domains")
        .iter()
        .map(|domain| domain["added"].as_u64().unwrap() + domain["updated"].as_u64().unwrap())
        .sum()
}

#[tokio::test]
async fn subscribers_hear_of_new_data_until_they_unsubscribe() {
    let server = HttpServer::withings_demo().await;
    let recorder = Recorder::default();
    let client = recorder
        .clone()
        .serve(StreamableHttpClientTransport::from_uri(server.mcp_url()))
        .await
        .expect("initialize");
    let capabilities = client
        .peer_info()
        .expect("server info")
        .capabilities
        .clone();
    let resources = capabilities.resources.expect("resources capability");
    assert_eq!(resources.subscribe, Some(true), "subscribe is declared");

    for uri in [DAILY, SLEEP, CAPABILITIES] {
        client
            .subscribe(SubscribeRequestParams::new(uri))
            .await
            .unwrap_or_else(|error| panic!("subscribe {uri}: {error}"));
    }

    // New data: the first sync stores records.
    let first = sync(
        &client,
        json!({"since": days_ago(10), "response_format": "json"}),
    )
    .await;
    assert!(
        changed(&first) > 0,
        "the first sync stores records: {first}"
    );
    recorder.wait_for(DAILY, 1).await;
    recorder.wait_for(SLEEP, 1).await;

    // Nothing new: the same window again changes nothing, so nobody is told.
    let again = sync(
        &client,
        json!({"since": days_ago(10), "full": true, "response_format": "json"}),
    )
    .await;
    assert_eq!(
        changed(&again),
        0,
        "a second sync finds nothing new: {again}"
    );

    client
        .unsubscribe(UnsubscribeRequestParams::new(SLEEP))
        .await
        .expect("unsubscribe");
    // New data again: older days come in.
    let older = sync(
        &client,
        json!({"since": days_ago(40), "response_format": "json"}),
    )
    .await;
    assert!(changed(&older) > 0, "older days are new records: {older}");
    recorder.wait_for(DAILY, 2).await;

    // The sync that changed nothing sent nothing (else DAILY would be ahead), the
    // unsubscribed resource heard only of the first sync, and a metadata resource
    // never changes with data.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(recorder.count(DAILY), 2);
    assert_eq!(recorder.count(SLEEP), 1);
    assert_eq!(recorder.count(CAPABILITIES), 0);
    client.cancel().await.expect("close");
}

#[tokio::test]
async fn subscribing_to_nothing_is_refused_and_unsubscribing_is_forgiving() {
    let server = HttpServer::withings_demo().await;
    let client = Recorder::default()
        .serve(StreamableHttpClientTransport::from_uri(server.mcp_url()))
        .await
        .expect("initialize");
    let error = client
        .subscribe(SubscribeRequestParams::new("withings://nowhere"))
        .await
        .expect_err("no such resource");
    let ServiceError::McpError(error) = error else {
        panic!("expected an MCP error, got {error:?}")
    };
    assert_eq!(error.code, ErrorCode::RESOURCE_NOT_FOUND);
    assert!(
        error.message.contains("withings://nowhere"),
        "{}",
        error.message
    );

    // A template match is a resource too.
    client
        .subscribe(SubscribeRequestParams::new("withings://sleep/2026-01-02"))
        .await
        .expect("a URI of a template");
    // Unsubscribing from what was never subscribed leaves the wish satisfied.
    client
        .unsubscribe(UnsubscribeRequestParams::new(DAILY))
        .await
        .expect("unsubscribe without a subscription");
    client.cancel().await.expect("close");
}

#[tokio::test]
async fn a_2026_client_listens_for_updates_of_the_resources_that_exist() {
    let home = tempfile::tempdir().expect("temp home");
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_withings-mcp"));
    command.env_clear().env("HOME", home.path()).arg("demo");
    let (transport, _) = TokioChildProcess::builder(command)
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn withings-mcp demo");
    let client = ()
        .serve_with_lifecycle(
            transport,
            ClientLifecycleMode::Discover {
                preferred_versions: vec![ProtocolVersion::V_2026_07_28],
            },
        )
        .await
        .expect("discover");
    let mut subscription = client
        .listen(
            SubscriptionFilter::builder()
                .resource_subscription(DAILY)
                .resource_subscription("withings://nowhere")
                .build(),
        )
        .await
        .expect("listen");
    assert_eq!(
        subscription
            .acknowledged()
            .resource_subscriptions
            .as_deref(),
        Some([DAILY.to_owned()].as_slice()),
        "only resources that exist are accepted"
    );

    let report = sync(
        &client,
        json!({"since": days_ago(10), "response_format": "json"}),
    )
    .await;
    assert!(changed(&report) > 0, "{report}");
    let notification = tokio::time::timeout(Duration::from_secs(20), subscription.next())
        .await
        .expect("an update in time")
        .expect("a live subscription")
        .expect("a notification");
    let ServerNotification::ResourceUpdatedNotification(update) = notification else {
        panic!("expected a resource update, got {notification:?}")
    };
    assert_eq!(update.params.uri, DAILY);
    client.cancel().await.expect("close");
}

/// Over the demo account ending now, with the fake in this process so the test
/// can make new data arrive: a weigh-in on the scale.
#[tokio::test]
async fn a_refresh_that_brings_new_data_updates_subscribers_and_one_that_does_not_stays_quiet() {
    let fake = FakeServer::start(FakeConfig::default())
        .await
        .expect("fake");
    let home = tempfile::tempdir().expect("temp home");
    store_tokens(&fake, home.path(), ALL_SCOPES);
    let env = fake_env(&fake);
    let recorder = Recorder::default();
    let session = Session::spawn_with(recorder.clone(), fake, home, env).await;
    for uri in [DAILY, CAPABILITIES] {
        session
            .client
            .subscribe(SubscribeRequestParams::new(uri))
            .await
            .unwrap_or_else(|error| panic!("subscribe {uri}: {error}"));
    }
    let window = |refresh: bool| json!({"after": days_ago(3), "refresh": refresh, "response_format": "json"});
    let weights = |data: &Value| data["records"].as_array().map_or(0, Vec::len);

    // The first answer replaces nothing; the refreshed one is the same answer.
    let first = session
        .ok("withings_list_body_measures", window(false))
        .await;
    let same = session
        .ok("withings_list_body_measures", window(true))
        .await;
    assert_eq!(weights(&first), weights(&same), "{same}");

    // The person steps on the scale; the next refresh brings the new weigh-in.
    assert!(!first["records"].to_string().contains("79.4"), "{first}");
    session.fake.weigh_in(79.4).expect("a weigh-in");
    let fresh = session
        .ok("withings_list_body_measures", window(true))
        .await;
    assert_eq!(weights(&fresh), weights(&first) + 1, "{fresh}");
    assert!(
        fresh["records"].to_string().contains("79.4"),
        "the new weigh-in is in the answer: {fresh}"
    );
    recorder.wait_for(DAILY, 1).await;

    // Only that refresh was news, and metadata never follows data.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(recorder.count(DAILY), 1, "{:?}", recorder.updated);
    assert_eq!(recorder.count(CAPABILITIES), 0);
}
