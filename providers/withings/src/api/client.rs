//! The Withings client: every data call goes through [`WithingsClient::call`], which
//! owns the rules that make a connector reliable:
//!
//! - tokens are refreshed shortly before they expire, and once more if Withings
//!   says the access token is bad; one refresh at a time, across processes, with the
//!   rotated refresh token on disk before the new access token is used;
//! - the body's status family decides: refresh, wait (601, bounded), retry with
//!   jittered backoff (transient), or fail with a typed error;
//! - a client-side limiter keeps the process under the app's request budget.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use delx_framework::auth::{
    RefreshError, TokenStore, TokenStoreError, TokenUpdate, Tokens, unix_now,
};
use delx_framework::cache::Cache;
use delx_framework::http::{RateLimiter, RetryPolicy};
use serde_json::{Map, Value};

use super::endpoints::Endpoint;
use super::error::ApiError;
use super::oauth::{Credentials, Grant, OAuthClient, authorize_url};
use super::status::StatusFamily;
use super::transport::post_form;
use crate::config::Settings;

/// Withings' standard plan: 120 requests a minute per application.
pub const REQUESTS_PER_MINUTE: usize = 120;

/// Refresh this long before expiry, so a call never starts with a dying token.
const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// Every request gets this long before it counts as failed.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// Knobs tests and benchmarks turn; production uses the defaults.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub retry: RetryPolicy,
    pub timeout: Duration,
    pub refresh_margin: Duration,
    pub requests_per_minute: usize,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            retry: RetryPolicy::default(),
            timeout: DEFAULT_TIMEOUT,
            refresh_margin: DEFAULT_REFRESH_MARGIN,
            requests_per_minute: REQUESTS_PER_MINUTE,
        }
    }
}

/// A connection to one Withings account. Clone it freely: clones share the refresh
/// gate, and every client of the same app in the process shares the rate limiter.
#[derive(Clone)]
pub struct WithingsClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    api_base: String,
    auth_base: String,
    redirect_uri: String,
    scopes: Vec<String>,
    oauth: Option<OAuthClient>,
    store: TokenStore,
    options: ClientOptions,
    limiter: Arc<RateLimiter>,
    /// One refresh at a time within this process; the token store's file lock
    /// does the same across processes.
    refresh_gate: tokio::sync::Mutex<()>,
    /// Answers kept on this machine (see `cached`); off unless the server opened one.
    cache: Cache,
    /// `WITHINGS_CACHE_MAX_AGE`: nothing older is served as fresh.
    cache_max_age: Option<i64>,
}

/// Records of a paginated endpoint, and whether all of them are here.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    pub records: Vec<Value>,
    /// Body fields besides the records and the paging keys (`timezone`, `updatetime`).
    pub extra: Map<String, Value>,
    pub pages_fetched: u32,
    /// True when the page cap stopped the walk before Withings said `more: false`.
    pub truncated: bool,
    /// Where to resume when truncated.
    pub next_offset: Option<i64>,
}

/// One page of a paginated endpoint, taken apart.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Page {
    pub records: Vec<Value>,
    /// Body fields besides the records and the paging keys.
    pub extra: Map<String, Value>,
    pub more: bool,
    pub next_offset: Option<i64>,
}

impl Page {
    pub(crate) fn split(endpoint: &Endpoint, body: Value) -> Result<Page, ApiError> {
        let records_key = endpoint.records_key.unwrap_or("series");
        let Value::Object(mut body) = body else {
            return Err(ApiError::Invalid(format!(
                "{}: the body is not an object",
                endpoint.name
            )));
        };
        let records = match body.remove(records_key) {
            Some(Value::Array(records)) => records,
            // Withings encodes an empty map as `[]` and may omit empty lists.
            None | Some(Value::Null) => Vec::new(),
            Some(other) => vec![other],
        };
        let more = is_more(body.remove("more"));
        let next_offset = body.remove("offset").and_then(|value| value.as_i64());
        Ok(Page {
            records,
            extra: body,
            more,
            next_offset,
        })
    }
}

impl WithingsClient {
    pub fn new(settings: &Settings, options: ClientOptions) -> Result<Self, ApiError> {
        Self::with_cache(settings, options, Cache::off())
    }

    /// A client that answers from `cache` while its entries are fresh.
    pub fn with_cache(
        settings: &Settings,
        options: ClientOptions,
        cache: Cache,
    ) -> Result<Self, ApiError> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("withings-mcp/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| ApiError::Invalid(format!("cannot build the HTTP client: {error}")))?;
        let oauth = match (&settings.client_id, &settings.client_secret) {
            (Some(client_id), Some(client_secret)) => Some(OAuthClient {
                http: http.clone(),
                api_base: settings.api_base_url.clone(),
                credentials: Credentials {
                    client_id: client_id.clone(),
                    client_secret: client_secret.clone(),
                },
                timeout: options.timeout,
            }),
            _ => None,
        };
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                api_base: settings.api_base_url.trim_end_matches('/').to_owned(),
                auth_base: settings.auth_base_url.clone(),
                redirect_uri: settings.redirect_uri.clone(),
                scopes: settings.scopes.clone(),
                oauth,
                store: TokenStore::new(settings.token_path.clone()),
                limiter: app_limiter(
                    &settings.api_base_url,
                    settings.client_id.as_deref(),
                    options.requests_per_minute,
                ),
                options,
                refresh_gate: tokio::sync::Mutex::new(()),
                cache,
                cache_max_age: settings.cache.max_age,
            }),
        })
    }

    pub fn token_store(&self) -> &TokenStore {
        &self.inner.store
    }

    /// The consent page URL for `state`.
    pub fn authorize_url(&self, state: &str) -> Result<String, ApiError> {
        let oauth = self.oauth()?;
        authorize_url(
            &self.inner.auth_base,
            &oauth.credentials.client_id,
            &self.inner.redirect_uri,
            &self.inner.scopes,
            state,
        )
    }

    /// Exchanges an authorization code and stores the tokens.
    pub async fn exchange_code(&self, code: &str) -> Result<Tokens, ApiError> {
        let grant = self
            .oauth()?
            .exchange_code(code, &self.inner.redirect_uri)
            .await?;
        let store = &self.inner.store;
        let _lock = store.lock().await.map_err(store_error)?;
        let tokens = Tokens::new(grant.access_token.clone()).merge(update_from(grant));
        store.save(&tokens).map_err(store_error)?;
        Ok(tokens)
    }

    /// Revokes the grant at Withings: both tokens stop working there.
    pub async fn revoke_upstream(&self) -> Result<(), ApiError> {
        let oauth = self.oauth()?;
        let tokens = load(&self.inner.store)?;
        let userid = tokens.userid.as_deref().ok_or_else(|| {
            ApiError::Invalid("the stored tokens carry no userid to revoke".into())
        })?;
        oauth.revoke(userid).await
    }

    /// Deletes the local tokens, under the refresh lock so that no refresh in flight
    /// writes them back. Returns whether there were any.
    pub async fn forget_tokens(&self) -> Result<bool, ApiError> {
        let store = &self.inner.store;
        let _lock = store.lock().await.map_err(store_error)?;
        store.delete().map_err(store_error)
    }

    /// Revokes upstream, then forgets the tokens locally.
    pub async fn revoke(&self) -> Result<(), ApiError> {
        self.revoke_upstream().await?;
        self.forget_tokens().await?;
        Ok(())
    }

    pub fn cache(&self) -> &Cache {
        &self.inner.cache
    }

    pub(super) fn cache_max_age(&self) -> Option<i64> {
        self.inner.cache_max_age
    }

    /// The stored account's user id, which scopes its cache entries.
    pub fn cache_scope(&self) -> Option<String> {
        load(&self.inner.store).ok()?.userid
    }

    /// Calls one endpoint upstream and returns the body of a successful answer.
    pub(crate) async fn call_upstream(
        &self,
        endpoint: &Endpoint,
        params: &[(&str, String)],
    ) -> Result<Value, ApiError> {
        let options = &self.inner.options;
        let mut access_token = self.access_token().await?;
        let mut refreshed = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.inner.limiter.acquire().await;
            let mut form: Vec<(&str, String)> = Vec::with_capacity(params.len() + 1);
            form.push(("action", endpoint.action.to_owned()));
            form.extend(params.iter().cloned());
            let url = format!("{}{}", self.inner.api_base, endpoint.path);
            let outcome = post_form(
                &self.inner.http,
                &url,
                &form,
                Some(&access_token),
                options.timeout,
            )
            .await;
            let envelope = match outcome {
                Ok(envelope) => envelope,
                Err(error) if options.retry.may_retry(attempt) => {
                    tracing::debug!(
                        endpoint = endpoint.name,
                        attempt,
                        "transient failure: {error}"
                    );
                    tokio::time::sleep(options.retry.backoff(attempt)).await;
                    continue;
                }
                Err(error) => return Err(error.into()),
            };
            match StatusFamily::of(envelope.status) {
                StatusFamily::Success => return Ok(envelope.body),
                StatusFamily::AuthenticationFailed if !refreshed => {
                    refreshed = true;
                    attempt -= 1; // The retry after a refresh is the promised one, not a backoff.
                    access_token = self.refresh(Some(&access_token)).await?.access_token;
                }
                StatusFamily::AuthenticationFailed => {
                    return Err(ApiError::AuthExpired(
                        "Withings refused a freshly refreshed access token".into(),
                    ));
                }
                StatusFamily::TooManyRequests => {
                    let wait = envelope
                        .wait_seconds()
                        .map(Duration::from_secs)
                        .unwrap_or_else(|| options.retry.backoff(attempt));
                    if wait > options.retry.max_wait || !options.retry.may_retry(attempt) {
                        return Err(ApiError::RateLimited(wait));
                    }
                    tracing::debug!(endpoint = endpoint.name, ?wait, "rate limited by Withings");
                    tokio::time::sleep(wait).await;
                }
                family if family.is_transient() && options.retry.may_retry(attempt) => {
                    tracing::debug!(
                        endpoint = endpoint.name,
                        status = envelope.status,
                        attempt,
                        "transient status"
                    );
                    tokio::time::sleep(options.retry.backoff(attempt)).await;
                }
                _ => return Err(ApiError::status(envelope.status, envelope.error)),
            }
        }
    }

    /// Walks `more`/`offset` pages, re-sending the same parameters with each offset,
    /// until Withings says there is no more or `max_pages` pages were read. For the
    /// domains a sync keeps, a window the local history covers is answered from it
    /// (see `sync::serve`), and one reaching past it asks Withings for the tail only.
    pub async fn list(
        &self,
        endpoint: &Endpoint,
        params: &[(&str, String)],
        max_pages: u32,
    ) -> Result<Listing, ApiError> {
        if let Some(listing) = self.list_from_history(endpoint, params, max_pages).await? {
            return Ok(listing);
        }
        self.list_pages(endpoint, params, max_pages).await
    }

    /// [`list`](Self::list) without the history: every page read through the cache.
    pub(crate) async fn list_pages(
        &self,
        endpoint: &Endpoint,
        params: &[(&str, String)],
        max_pages: u32,
    ) -> Result<Listing, ApiError> {
        let mut listing = Listing {
            records: Vec::new(),
            extra: Map::new(),
            pages_fetched: 0,
            truncated: false,
            next_offset: None,
        };
        let mut offset: Option<i64> = None;
        loop {
            let mut page_params = params.to_vec();
            if let Some(offset) = offset {
                page_params.push(("offset", offset.to_string()));
            }
            let page = Page::split(endpoint, self.call(endpoint, &page_params).await?)?;
            listing.pages_fetched += 1;
            listing.records.extend(page.records);
            listing.extra.extend(page.extra);
            let next = match (page.more, page.next_offset) {
                (true, Some(next)) if Some(next) != offset => next,
                (true, _) => {
                    tracing::warn!(
                        endpoint = endpoint.name,
                        "Withings said more but gave no new offset"
                    );
                    listing.truncated = true;
                    return Ok(listing);
                }
                (false, _) => return Ok(listing),
            };
            if listing.pages_fetched >= max_pages {
                listing.truncated = true;
                listing.next_offset = Some(next);
                return Ok(listing);
            }
            offset = Some(next);
        }
    }

    /// A usable access token: the stored one, or a refreshed one when it is about
    /// to expire.
    async fn access_token(&self) -> Result<String, ApiError> {
        let tokens = load(&self.inner.store)?;
        if tokens.is_expired_within(self.inner.options.refresh_margin, unix_now()) {
            return Ok(self.refresh(Some(&tokens.access_token)).await?.access_token);
        }
        Ok(tokens.access_token)
    }

    /// Refreshes the tokens unless someone else already did since `seen` was read.
    pub async fn refresh(&self, seen: Option<&str>) -> Result<Tokens, ApiError> {
        let margin = self.inner.options.refresh_margin;
        let _in_process = self.inner.refresh_gate.lock().await;
        let needs_refresh = |current: &Tokens| {
            let already_refreshed = seen.is_some_and(|seen| seen != current.access_token);
            !already_refreshed || current.is_expired_within(margin, unix_now())
        };
        let refresh = |current: Tokens| async move {
            let refresh_token = current
                .refresh_token
                .ok_or_else(|| ApiError::AuthExpired("no refresh token is stored".into()))?;
            Ok(update_from(self.oauth()?.refresh(&refresh_token).await?))
        };
        // The store saves the rotated tokens before returning them: Withings retires
        // the old refresh token as soon as the new access token is used.
        self.inner
            .store
            .refresh_with(needs_refresh, refresh)
            .await
            .map_err(|error| match error {
                RefreshError::Refresh(error) => error,
                RefreshError::Store(TokenStoreError::NotFound { .. }) => ApiError::NotSignedIn,
                RefreshError::Store(error) => store_error(error),
            })
    }

    fn oauth(&self) -> Result<&OAuthClient, ApiError> {
        self.inner.oauth.as_ref().ok_or(ApiError::NotConfigured(
            "the client id or secret (WITHINGS_CLIENT_ID, WITHINGS_CLIENT_SECRET)",
        ))
    }
}

/// The limiter of one app in this process: Withings counts requests per app, so
/// every client of the same app (the server's, a `doctor` check, the demo) shares
/// one budget.
fn app_limiter(api_base: &str, client_id: Option<&str>, per_minute: usize) -> Arc<RateLimiter> {
    /// (API base, client id, budget) to its limiter.
    type Limiters = HashMap<(String, String, usize), Arc<RateLimiter>>;
    static LIMITERS: OnceLock<Mutex<Limiters>> = OnceLock::new();
    let key = (
        api_base.to_owned(),
        client_id.unwrap_or_default().to_owned(),
        per_minute,
    );
    let mut limiters = LIMITERS
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    limiters
        .entry(key)
        .or_insert_with(|| Arc::new(RateLimiter::new(per_minute, Duration::from_secs(60))))
        .clone()
}

fn update_from(grant: Grant) -> TokenUpdate {
    let mut update = TokenUpdate::new(grant.access_token);
    update.refresh_token = grant.refresh_token;
    update.expires_at = grant.expires_in.map(|seconds| unix_now() + seconds);
    update.token_type = grant.token_type;
    update.scope = grant.scope;
    update.userid = grant.userid;
    update
}

/// `more` is a bool on v2 endpoints, 0/1 on getmeas, and absent on a last page.
fn is_more(value: Option<Value>) -> bool {
    match value {
        Some(Value::Bool(more)) => more,
        Some(Value::Number(number)) => number.as_i64().is_some_and(|n| n != 0),
        Some(Value::String(text)) => matches!(text.as_str(), "1" | "true"),
        _ => false,
    }
}

fn load(store: &TokenStore) -> Result<Tokens, ApiError> {
    match store.load() {
        Ok(tokens) => Ok(tokens),
        Err(TokenStoreError::NotFound { .. }) => Err(ApiError::NotSignedIn),
        Err(error) => Err(store_error(error)),
    }
}

fn store_error(error: TokenStoreError) -> ApiError {
    ApiError::TokenStore(error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn more_accepts_bool_int_and_absence() {
        assert!(is_more(Some(json!(true))));
        assert!(is_more(Some(json!(1))));
        assert!(!is_more(Some(json!(0))));
        assert!(!is_more(Some(json!(false))));
        assert!(!is_more(None));
    }
}
