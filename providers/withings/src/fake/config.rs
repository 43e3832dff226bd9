//! How a fake server is set up. The defaults are Withings' own numbers (3 h access
//! tokens, 30 s codes, 300-item pages) so that a client tested against the fake
//! meets the real limits; tests shrink them where they want to reach an edge fast.

use std::time::Duration;

use jiff::civil::Date;

use super::demo::DEFAULT_HISTORY_DAYS;

/// The demo app's credentials. They open nothing but a fake server.
pub const DEMO_CLIENT_ID: &str = "fa4e0c0de5a1dbd1f7c6e3b2a9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0";
pub const DEMO_CLIENT_SECRET: &str =
    "5ec4e75ec4e75ec4e7d3a2b1c0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1";

#[derive(Debug, Clone)]
pub struct FakeConfig {
    /// 0 picks a free port.
    pub port: u16,
    pub seed: u64,
    /// The last day of the demo data; `None` is today in Europe/Paris with data up
    /// to now. Pin it for golden tests: the data is a function of `(seed, end_date)`.
    pub end_date: Option<Date>,
    pub history_days: u32,
    /// Items per page on every paginated endpoint.
    pub page_size: usize,
    /// Added to every response.
    pub latency: Duration,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    /// How long a rotated-out refresh token stays usable (if the new access token
    /// is not used first).
    pub refresh_grace: Duration,
    pub code_ttl: Duration,
    pub nonce_ttl: Duration,
    /// Requests per sliding minute across the whole app; beyond it, 601.
    pub rate_limit_per_minute: Option<u32>,
    /// Answer 601 "Same arguments in less than 10 seconds" to an identical request
    /// repeated within 10 s, as Withings does at the token endpoint.
    pub reject_repeated_requests: bool,
    pub client_id: String,
    pub client_secret: String,
    /// Callback URLs registered for the app, matched exactly (query excluded).
    pub redirect_uris: Vec<String>,
    /// Also accept any `http://127.0.0.1`, `http://localhost` or `http://[::1]`
    /// callback, on any port: what a local connector uses.
    pub allow_loopback_redirects: bool,
}

impl Default for FakeConfig {
    fn default() -> Self {
        Self {
            port: 0,
            seed: 42,
            end_date: None,
            history_days: DEFAULT_HISTORY_DAYS,
            page_size: 300,
            latency: Duration::ZERO,
            access_token_ttl: Duration::from_secs(3 * 3600),
            refresh_token_ttl: Duration::from_secs(365 * 86_400),
            refresh_grace: Duration::from_secs(8 * 3600),
            code_ttl: Duration::from_secs(30),
            nonce_ttl: Duration::from_secs(30 * 60),
            rate_limit_per_minute: None,
            reject_repeated_requests: false,
            client_id: DEMO_CLIENT_ID.to_owned(),
            client_secret: DEMO_CLIENT_SECRET.to_owned(),
            redirect_uris: Vec::new(),
            allow_loopback_redirects: true,
        }
    }
}

impl FakeConfig {
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    pub fn with_end_date(mut self, end_date: Date) -> Self {
        self.end_date = Some(end_date);
        self
    }

    pub fn with_page_size(mut self, page_size: usize) -> Self {
        self.page_size = page_size;
        self
    }

    pub fn with_port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Whether `uri` may receive the authorization code.
    pub(crate) fn accepts_redirect(&self, uri: &str) -> bool {
        let Ok(parsed) = url::Url::parse(uri) else {
            return false;
        };
        let without_query = uri.split(['?', '#']).next().unwrap_or(uri);
        if self.redirect_uris.iter().any(|r| r == without_query) {
            return true;
        }
        self.allow_loopback_redirects
            && parsed.scheme() == "http"
            && matches!(parsed.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"))
    }
}
