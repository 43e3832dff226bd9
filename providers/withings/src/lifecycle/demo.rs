//! The built-in demo account: the fake Withings API on loopback, signed into through
//! the real OAuth code path, so `withings-mcp demo` exercises everything a real
//! account would except the network.

use std::collections::BTreeMap;

use delx_framework::provider::{BoxFuture, BuildError};
use delx_framework::random::hex_token;
use delx_framework::{BuildContext, Demo, DemoSpec};

use crate::api::{ClientOptions, WithingsClient};
use crate::config::{
    API_BASE_URL, AUTH_BASE_URL, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, Settings,
};
use crate::fake::{FakeConfig, FakeServer};

/// Where the fake's consent page sends the browser; nothing listens there, the demo
/// reads the code from the redirect itself.
const DEMO_REDIRECT_URI: &str = "http://127.0.0.1:9/callback";

pub static DEMO: DemoSpec = DemoSpec {
    start,
    showcase: &[
        (
            "withings_connection_status",
            r#"{"response_format": "markdown"}"#,
        ),
        ("withings_quickstart", r#"{"response_format": "markdown"}"#),
        ("withings_daily_summary", "{}"),
        ("withings_weekly_summary", "{}"),
        ("withings_list_body_measures", r#"{"limit": 5}"#),
    ],
};

fn start(ctx: BuildContext) -> BoxFuture<Result<Demo, BuildError>> {
    Box::pin(async move {
        let fake = FakeServer::start(FakeConfig::default()).await?;
        let env = BTreeMap::from([
            (CLIENT_ID.to_owned(), fake.client_id().to_owned()),
            (CLIENT_SECRET.to_owned(), fake.client_secret().to_owned()),
            (API_BASE_URL.to_owned(), fake.api_base_url()),
            (AUTH_BASE_URL.to_owned(), fake.auth_base_url()),
            (REDIRECT_URI.to_owned(), DEMO_REDIRECT_URI.to_owned()),
        ]);
        sign_in(&ctx.clone().with_env(env.clone())).await?;
        Ok(Demo {
            env,
            guard: Box::new(fake),
        })
    })
}

/// The OAuth dance a person does in the browser, done by an HTTP client: open the
/// consent page, follow it to the callback address, exchange the code.
async fn sign_in(ctx: &BuildContext) -> Result<(), BuildError> {
    let settings = Settings::load(ctx)?;
    let client = WithingsClient::new(&settings, ClientOptions::default())?;
    let state = hex_token(16)?;
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let consent = browser.get(client.authorize_url(&state)?).send().await?;
    let landed = consent
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|value| value.to_str().ok())
        .ok_or("the demo consent page did not redirect")?;
    let landed = url::Url::parse(landed)?;
    let query: BTreeMap<String, String> = landed.query_pairs().into_owned().collect();
    if query.get("state") != Some(&state) {
        return Err("the demo redirect carried another state".into());
    }
    let code = query
        .get("code")
        .ok_or("the demo redirect carried no code")?;
    client.exchange_code(code).await?;
    Ok(())
}
