//! A `withings-mcp` child process served over stdio, wired to a fake Withings API,
//! with an rmcp client on the other end: what every Withings MCP test starts from.

use std::collections::BTreeMap;

use delx_framework::auth::{TokenStore, Tokens};
use delx_withings::fake::{FakeConfig, FakeServer};
use rmcp::model::CallToolResult;
use rmcp::service::RunningService;
use rmcp::{ClientHandler, RoleClient};
use serde_json::Value;

pub const ALL_SCOPES: &str = "user.info,user.metrics,user.activity";

/// `H` is the client's handler: `()` ignores what the server sends unasked.
pub struct Session<H: ClientHandler = ()> {
    pub client: RunningService<RoleClient, H>,
    pub fake: FakeServer,
    pub home: tempfile::TempDir,
}

/// The environment pointing `withings-mcp` at `fake`.
pub fn fake_env(fake: &FakeServer) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("WITHINGS_CLIENT_ID".into(), fake.client_id().to_owned()),
        (
            "WITHINGS_CLIENT_SECRET".into(),
            fake.client_secret().to_owned(),
        ),
        ("WITHINGS_API_BASE_URL".into(), fake.api_base_url()),
        ("WITHINGS_AUTH_BASE_URL".into(), fake.auth_base_url()),
        (
            "WITHINGS_REDIRECT_URI".into(),
            "http://127.0.0.1:9/callback".into(),
        ),
    ])
}

/// Stores tokens the fake issued for `scopes` where `withings-mcp` looks for them.
pub fn store_tokens(fake: &FakeServer, home: &std::path::Path, scopes: &str) {
    let issued = fake.issue_tokens(scopes);
    let mut tokens = Tokens::new(issued.access_token);
    tokens.refresh_token = Some(issued.refresh_token);
    tokens.expires_at = Some(4_000_000_000);
    tokens.token_type = Some("Bearer".into());
    tokens.scope = Some(scopes.into());
    tokens.userid = Some(issued.userid);
    let dir = home.join(".withings-mcp");
    std::fs::create_dir_all(&dir).unwrap();
    TokenStore::new(dir.join("tokens.json"))
        .save(&tokens)
        .expect("save tokens");
}

impl Session {
    /// A server with no tokens yet.
    pub async fn unauthorized(config: FakeConfig) -> Self {
        Self::start(config, None, BTreeMap::new()).await
    }

    /// A server already authorized with every scope, over the demo account ending
    /// on `end` (`YYYY-MM-DD`, local day in Europe/Paris).
    pub async fn authorized_until(end: &str) -> Self {
        let end: jiff::civil::Date = end.parse().expect("YYYY-MM-DD");
        Self::start(
            FakeConfig::default().with_end_date(end),
            Some(ALL_SCOPES),
            BTreeMap::new(),
        )
        .await
    }

    /// The general case: `scopes` authorized when given, `extra` added to the
    /// environment.
    pub async fn start(
        config: FakeConfig,
        scopes: Option<&str>,
        extra: BTreeMap<String, String>,
    ) -> Self {
        let fake = FakeServer::start(config).await.expect("fake");
        let home = tempfile::tempdir().unwrap();
        if let Some(scopes) = scopes {
            store_tokens(&fake, home.path(), scopes);
        }
        let mut env = fake_env(&fake);
        env.extend(extra);
        Self::spawn(fake, home, env).await
    }

    /// `withings-mcp` with exactly `env` (plus `HOME`), over `fake` and `home`.
    pub async fn spawn(
        fake: FakeServer,
        home: tempfile::TempDir,
        env: BTreeMap<String, String>,
    ) -> Self {
        Session::spawn_with((), fake, home, env).await
    }
}

impl<H: ClientHandler> Session<H> {
    /// Like [`Session::spawn`], with `handler` on the client's side.
    pub async fn spawn_with(
        handler: H,
        fake: FakeServer,
        home: tempfile::TempDir,
        env: BTreeMap<String, String>,
    ) -> Self {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_withings-mcp"));
        command.env_clear().env("HOME", home.path()).envs(&env);
        let client = super::serve_stdio(handler, command).await;
        Self { client, fake, home }
    }

    pub async fn call(&self, name: &str, arguments: Value) -> CallToolResult {
        self.client
            .call_tool(super::tool_call(name, arguments))
            .await
            .expect("tools/call")
    }

    /// Calls a tool that must succeed; returns its structured content.
    pub async fn ok(&self, name: &str, arguments: Value) -> Value {
        let result = self.call(name, arguments).await;
        assert_eq!(result.is_error, Some(false), "{name}: {}", text(&result));
        result.structured_content.expect("structured content")
    }
}

pub use super::text;

/// Own real weights (category 1, attribution not 1 or 4) per Paris day: the day's
/// last weigh-in, as `(unix seconds, kg)`.
pub fn daily_weights(
    demo: &delx_withings::fake::demo::DemoAccount,
    first: &str,
    last: &str,
) -> BTreeMap<String, (i64, f64)> {
    let mut days: BTreeMap<String, (i64, f64)> = BTreeMap::new();
    for group in &demo.measure_groups {
        if group.category != 1 || matches!(group.attrib, 1 | 4) {
            continue;
        }
        let day = delx_withings::model::local_day(group.date, demo.timezone).unwrap();
        if day.as_str() < first || day.as_str() > last {
            continue;
        }
        for measure in group.measures.iter().filter(|m| m.kind == 1) {
            let kg = measure.value as f64 * 10f64.powi(measure.unit as i32);
            let slot = days.entry(day.clone()).or_insert((group.date, kg));
            if group.date >= slot.0 {
                *slot = (group.date, kg);
            }
        }
    }
    days
}
