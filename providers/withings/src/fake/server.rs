//! The HTTP server: one handler that counts the request, applies latency and
//! faults, enforces the rate limit, then dispatches on the webservice path and the
//! `action` parameter, as Withings does.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::FakeError;
use super::clock::Clock;
use super::codes::NOT_IMPLEMENTED;
use super::config::FakeConfig;
use super::control;
use super::demo::{DemoAccount, MeasureGroup};
use super::endpoints;
use super::faults::Faults;
use super::oauth::grants::{Grants, Lifetimes};
use super::oauth::scope::Scopes;
use super::oauth::{self, AUTHORIZE_PATH};
use super::params::Params;
use super::reply::Reply;
use super::stats::{Stats, StatsSnapshot};

pub(crate) struct Shared {
    pub(crate) config: FakeConfig,
    /// Shared with other servers over the same pinned account until one records
    /// new data, which then gets a copy of its own.
    demo: RwLock<Arc<DemoAccount>>,
    pub(crate) clock: Clock,
    pub(crate) faults: Faults,
    pub(crate) stats: Stats,
    grants: Mutex<Grants>,
}

impl Shared {
    /// The account as it is now; a request keeps the snapshot it started with.
    pub(crate) fn demo(&self) -> Arc<DemoAccount> {
        self.demo
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Records a weigh-in at the fake's current time.
    pub(crate) fn weigh_in(&self, weight_g: i64) -> MeasureGroup {
        let mut demo = self
            .demo
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Arc::make_mut(&mut demo)
            .weigh_in(weight_g, self.clock.now())
            .clone()
    }

    pub(crate) fn grants(&self) -> MutexGuard<'_, Grants> {
        self.grants
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Tokens minted directly, without the OAuth dance.
#[derive(Debug, Clone)]
pub struct IssuedTokens {
    pub access_token: String,
    pub refresh_token: String,
    pub userid: String,
    pub expires_in: i64,
}

/// A running fake Withings API on loopback. Dropping it stops the server.
pub struct FakeServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    generation_time: Duration,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

/// `kg` in grams, as the scale reports it (type 1, unit -3). Anything outside
/// 2 to 400 kg is a typing mistake, not a person.
pub(crate) fn weight_grams(kg: f64) -> Result<i64, FakeError> {
    if !(2.0..=400.0).contains(&kg) {
        return Err(FakeError::Weight(kg));
    }
    Ok((kg * 1000.0).round() as i64)
}

fn ms(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

impl FakeServer {
    /// Generates the demo account and starts serving on `127.0.0.1:port`.
    pub async fn start(config: FakeConfig) -> Result<Self, FakeError> {
        if config.page_size == 0 {
            return Err(FakeError::Config("page_size must be at least 1".into()));
        }
        let (seed, end_date, days) = (config.seed, config.end_date, config.history_days);
        let started = Instant::now();
        let demo = tokio::task::spawn_blocking(move || DemoAccount::shared(seed, end_date, days))
            .await
            .map_err(|e| FakeError::Config(format!("demo generation failed: {e}")))??;
        let generation_time = started.elapsed();

        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, config.port));
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| FakeError::Bind { addr, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| FakeError::Bind { addr, source })?;

        let life = Lifetimes {
            access: ms(config.access_token_ttl),
            refresh: ms(config.refresh_token_ttl),
            grace: ms(config.refresh_grace),
            code: ms(config.code_ttl),
            nonce: ms(config.nonce_ttl),
        };
        let shared = Arc::new(Shared {
            faults: Faults::new(config.latency, config.rate_limit_per_minute),
            config,
            demo: RwLock::new(demo),
            clock: Clock::default(),
            stats: Stats::default(),
            grants: Mutex::new(Grants::new(life)),
        });
        let app = Router::new().fallback(handle).with_state(shared.clone());
        let (shutdown, signal) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = signal.await;
                })
                .await;
            if let Err(error) = served {
                tracing::warn!(%error, "fake Withings server stopped");
            }
        });
        Ok(Self {
            addr,
            shared,
            generation_time,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Where the data and token endpoints live (`http://127.0.0.1:PORT`), in place
    /// of `https://wbsapi.withings.net`.
    pub fn api_base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// In place of `https://account.withings.com`: the same server.
    pub fn auth_base_url(&self) -> String {
        self.api_base_url()
    }

    pub fn authorize_url(&self) -> String {
        format!("{}/{AUTHORIZE_PATH}", self.auth_base_url())
    }

    pub fn client_id(&self) -> &str {
        &self.shared.config.client_id
    }

    pub fn client_secret(&self) -> &str {
        &self.shared.config.client_secret
    }

    pub fn config(&self) -> &FakeConfig {
        &self.shared.config
    }

    /// The account the server answers from, as it is now.
    pub fn demo(&self) -> Arc<DemoAccount> {
        self.shared.demo()
    }

    /// New data arrives: the person steps on the scale now (by the fake's clock)
    /// and weighs `kg`. Returns the measure group Withings will report.
    pub fn weigh_in(&self, kg: f64) -> Result<MeasureGroup, FakeError> {
        Ok(self.shared.weigh_in(weight_grams(kg)?))
    }

    /// The demo user's id, as the token endpoint spells it.
    pub fn userid(&self) -> String {
        self.shared.demo().userid.to_string()
    }

    /// How long generating the demo account took.
    pub fn generation_time(&self) -> Duration {
        self.generation_time
    }

    pub fn stats(&self) -> StatsSnapshot {
        self.shared.stats.snapshot()
    }

    pub fn reset_stats(&self) {
        self.shared.stats.reset();
    }

    pub fn faults(&self) -> &Faults {
        &self.shared.faults
    }

    pub fn clock(&self) -> &Clock {
        &self.shared.clock
    }

    /// Mints tokens for the demo user with the given comma-separated scopes, as if
    /// the OAuth flow had just completed.
    pub fn issue_tokens(&self, scopes: &str) -> IssuedTokens {
        let issued = self.shared.grants().issue(
            &self.shared.config.client_id,
            self.shared.demo().userid,
            Scopes::parse(scopes),
            None,
            self.shared.clock.now_ms(),
        );
        IssuedTokens {
            access_token: issued.access_token,
            refresh_token: issued.refresh_token,
            userid: issued.userid.to_string(),
            expires_in: issued.expires_in,
        }
    }

    /// Stops accepting requests and waits for the server to finish.
    pub async fn shutdown(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().trim_matches('/').to_owned();
    let params = Params::parse(uri.query(), &body);
    if let Some(reply) = control::handle(&shared, &method, &path, &params) {
        return reply.into_response();
    }
    let action = params.get("action").unwrap_or("").to_owned();
    let key = if path == AUTHORIZE_PATH {
        path.clone()
    } else {
        format!("{path}/{action}")
    };

    let decision = shared.faults.decide(&key, &path, &action);
    if !decision.delay.is_zero() {
        tokio::time::sleep(decision.delay).await;
    }
    let reply = match decision.reply {
        Some(reply) => reply,
        None => route(&shared, &method, &path, &action, &params, &headers),
    };
    tracing::debug!(%key, failed = reply.is_failure(), "fake Withings request");
    shared.stats.record(&key, reply.is_failure());
    reply.into_response()
}

fn route(
    shared: &Shared,
    method: &Method,
    path: &str,
    action: &str,
    params: &Params,
    headers: &HeaderMap,
) -> Reply {
    if path == AUTHORIZE_PATH {
        return oauth::authorize(shared, params);
    }
    let now_ms = shared.clock.now_ms();
    if let Err(wait) = shared.faults.admit(now_ms) {
        return Reply::too_many_requests(wait, "Too Many Request");
    }
    if shared.config.reject_repeated_requests {
        let token = endpoints::access_token(headers, params).unwrap_or_default();
        let fingerprint = format!("{path}?{}#{token}", params.fingerprint());
        if let Some(wait) = shared.faults.repeated(fingerprint, now_ms) {
            return Reply::too_many_requests(wait, "Same arguments in less than 10 seconds");
        }
    }
    match path {
        "v2/signature" => oauth::signature(shared, action, params),
        "v2/oauth2" => oauth::token_endpoint(shared, method, action, params),
        _ => endpoints::handle(shared, path, action, params, headers)
            .unwrap_or_else(|| Reply::error(NOT_IMPLEMENTED, "Not implemented")),
    }
}
