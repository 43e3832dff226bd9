//! The OAuth loopback callback: where the browser lands after the user approves
//! access, and the paste fallback for when that browser runs on another machine.
//!
//! The order of the steps is what keeps failures early and codes fresh:
//!
//! 1. [`LoopbackRedirect::parse`] the configured redirect URI;
//! 2. [`CallbackServer::bind`] *before* the browser opens, so a taken port is
//!    reported while the user has nothing pending;
//! 3. [`open_browser`] with the authorization URL, or print it (`--no-open`, or when
//!    no browser could be launched);
//! 4. [`CallbackServer::wait`] for the redirect, or read a pasted one with
//!    [`parse_pasted_callback`], and exchange the code at once: providers let codes
//!    live only seconds (Withings: 30).
//!
//! The authorization URL, the code exchange and the timeout's source (an environment
//! variable, a flag) are the provider's business.
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use delx_framework::auth::callback::{CallbackServer, LoopbackRedirect, open_browser};
//! use delx_framework::random;
//!
//! let redirect = LoopbackRedirect::parse("http://127.0.0.1:3000/callback")?;
//! let server = CallbackServer::bind(&redirect)?;
//! let state = random::hex_token(16)?;
//! // The provider builds this, with `redirect.uri()` unchanged and URL-encoded.
//! let url = format!("https://provider.example/authorize?state={state}");
//! if !open_browser(&url) {
//!     println!("Open this address in a browser: {url}");
//! }
//! let code = server.wait(&state, Duration::from_secs(300)).await?;
//! // Exchange `code.secret()` with `redirect.uri()` now.
//! # let _ = code;
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use subtle::ConstantTimeEq;
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;
use url::{Host, Url};

use crate::privacy::REDACTED;

/// What every redirect URI error ends with: the fix, and why it is the fix.
const VALID_SHAPE: &str = "a valid one looks like http://127.0.0.1:3000/callback \
    (http, the host 127.0.0.1, localhost or [::1], and an explicit port), because the \
    browser must be able to reach the callback server on this machine";

/// How long a finished wait lets the browser's connection drain. The success page is
/// tiny and loopback is fast; the cap only guards against a client that stalls.
const DRAIN_LIMIT: Duration = Duration::from_secs(3);

/// Error codes from RFC 6749 §4.1.2.1, passed through as they are.
const KNOWN_ERRORS: &[&str] = &[
    "access_denied",
    "invalid_request",
    "unauthorized_client",
    "unsupported_response_type",
    "invalid_scope",
    "server_error",
    "temporarily_unavailable",
];

/// The longest unrecognised error code we repeat; longer ones are cut.
const MAX_REASON_CHARS: usize = 64;

/// A failed sign-in callback. Messages name ports, paths and error codes, never an
/// authorization code or a state: they end up in terminals and logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    #[error("redirect URI {uri:?} {problem}; {VALID_SHAPE}")]
    InvalidRedirectUri { uri: String, problem: String },
    #[error(
        "port {port} on {address} is already in use, so the sign-in callback cannot be \
         received there; stop the program using it (perhaps an earlier sign-in still \
         waiting), or choose another port in the redirect URI and register that exact \
         redirect URI in the provider's developer app too"
    )]
    PortInUse { address: IpAddr, port: u16 },
    #[error("cannot listen on {address} for the sign-in callback ({kind}){}", bind_hint(*kind))]
    Bind {
        address: SocketAddr,
        kind: io::ErrorKind,
    },
    #[error("the sign-in callback server failed ({kind}); run auth again")]
    Server { kind: io::ErrorKind },
    /// The provider redirected back with `error=`; holds the error code, sanitised.
    #[error("{}", denied_message(.0))]
    Denied(String),
    #[error("the sign-in response carried no authorization code; run auth again")]
    MissingCode,
    #[error(
        "the sign-in response does not belong to this sign-in attempt (its state does not \
         match), so it was refused and nothing was exchanged; it may come from an older \
         browser tab or from another site; run auth again"
    )]
    StateMismatch,
    #[error(
        "no sign-in response arrived within {}; run auth again, or, if the browser runs \
         on another machine, approve access there and paste the full address it ends up \
         on (the page may fail to load; that is fine)",
        human_duration(*.0)
    )]
    TimedOut(Duration),
    /// Something that is not a usable sign-in redirect, pasted or received.
    #[error("not a usable sign-in response: {0}")]
    InvalidCallback(String),
}

/// The redirect URI of a loopback OAuth flow, checked and taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoopbackRedirect {
    uri: String,
    bind_addr: SocketAddr,
    path: String,
}

impl LoopbackRedirect {
    /// Accepts `http://` on 127.0.0.1, localhost or `[::1]` with an explicit port.
    ///
    /// Anything else cannot work: a remote host or https would need a server this
    /// program does not run, and without a port there is nothing to listen on.
    pub fn parse(uri: &str) -> Result<Self, CallbackError> {
        let uri = uri.trim();
        let invalid = |problem: String| CallbackError::InvalidRedirectUri {
            uri: uri.to_owned(),
            problem,
        };
        let url = Url::parse(uri).map_err(|_| invalid("is not a valid URL".to_owned()))?;
        if url.scheme() != "http" {
            return Err(invalid(format!(
                "uses {}:, not http: (the callback server has no TLS certificate, and \
                 loopback traffic never leaves this machine)",
                url.scheme()
            )));
        }
        let ip = match url.host() {
            Some(Host::Ipv4(ip)) if ip == Ipv4Addr::LOCALHOST => IpAddr::V4(ip),
            Some(Host::Ipv6(ip)) if ip == Ipv6Addr::LOCALHOST => IpAddr::V6(ip),
            // Browsers resolve localhost to loopback and fall back to IPv4 when IPv6
            // refuses, so 127.0.0.1 is the address that works everywhere.
            Some(Host::Domain("localhost")) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            Some(host) => return Err(invalid(format!("points at {host}, not this machine"))),
            None => return Err(invalid("has no host".to_owned())),
        };
        let port = match url.port() {
            Some(0) => {
                return Err(invalid(
                    "uses port 0, which would pick a port the provider cannot know".to_owned(),
                ));
            }
            Some(port) => port,
            // The URL parser drops a written `:80` as the default, so say both.
            None => {
                return Err(invalid(
                    "has no port (or the default port 80, which needs administrator rights)"
                        .to_owned(),
                ));
            }
        };
        if url.fragment().is_some() {
            return Err(invalid(
                "has a #fragment, which OAuth forbids in redirect URIs".to_owned(),
            ));
        }
        Ok(Self {
            uri: uri.to_owned(),
            bind_addr: SocketAddr::new(ip, port),
            // The browser arrives at the path exactly as registered, so that is where we
            // listen; `http://127.0.0.1:3000` arrives at `/`.
            path: url.path().to_owned(),
        })
    }

    /// The URI as configured, to be sent unchanged as `redirect_uri`: providers compare
    /// it byte for byte with the registered one, trailing slash included.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// Where the callback server listens; `localhost` binds 127.0.0.1.
    pub fn bind_addr(&self) -> SocketAddr {
        self.bind_addr
    }

    pub fn port(&self) -> u16 {
        self.bind_addr.port()
    }

    /// The path the browser is redirected to (`/callback`; `/` when the URI has none).
    pub fn path(&self) -> &str {
        &self.path
    }
}

/// An authorization code: a bearer secret for its short life, so `Debug` hides it and
/// reading it takes an explicit [`AuthorizationCode::secret`].
pub struct AuthorizationCode(String);

impl AuthorizationCode {
    /// The code itself, for the token exchange and nothing else.
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AuthorizationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AuthorizationCode").field(&REDACTED).finish()
    }
}

/// The caller's words for the page the browser shows once sign-in has succeeded.
/// Plain text: it is HTML-escaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuccessPage {
    /// The browser tab's title.
    pub title: String,
    pub heading: String,
    /// What the user does now, usually going back to the terminal.
    pub next_step: String,
}

impl Default for SuccessPage {
    fn default() -> Self {
        Self {
            title: "Signed in".to_owned(),
            heading: "Signed in".to_owned(),
            next_step: "You can close this tab and return to the terminal.".to_owned(),
        }
    }
}

/// A bound, not yet serving, callback server.
#[derive(Debug)]
pub struct CallbackServer {
    listener: TcpListener,
    path: String,
    page: SuccessPage,
}

impl CallbackServer {
    /// Binds the redirect URI's address now, so a taken port fails before the user is
    /// sent to the browser rather than after they have approved access.
    pub fn bind(redirect: &LoopbackRedirect) -> Result<Self, CallbackError> {
        let address = redirect.bind_addr();
        let listener = TcpListener::bind(address).map_err(|error| bind_error(address, &error))?;
        // Tokio adopts the socket in `wait`, and only takes non-blocking ones.
        listener
            .set_nonblocking(true)
            .map_err(|error| bind_error(address, &error))?;
        Ok(Self {
            listener,
            path: redirect.path().to_owned(),
            page: SuccessPage::default(),
        })
    }

    pub fn with_success_page(mut self, page: SuccessPage) -> Self {
        self.page = page;
        self
    }

    /// Serves until the redirect arrives on the callback path or `timeout` passes.
    ///
    /// Other paths get 404 and the wait goes on: browsers ask for `/favicon.ico`, and
    /// a bare visit to the callback path without any OAuth parameter changes nothing
    /// either. A response carrying a wrong or missing `state` ends the wait with
    /// [`CallbackError::StateMismatch`] instead: it did not come from the redirect this
    /// attempt started, so it is either a stale tab or someone forging callbacks, and a
    /// listener that keeps accepting lets a forger keep trying; starting over costs the
    /// user seconds.
    ///
    /// `expected_state` should come from `random::hex_token(16)`; an empty one matches
    /// nothing. The browser's page is fully sent before this returns. Dropping the
    /// future stops listening, so it can race a prompt for [`parse_pasted_callback`].
    pub async fn wait(
        self,
        expected_state: &str,
        timeout: Duration,
    ) -> Result<AuthorizationCode, CallbackError> {
        let listener = tokio::net::TcpListener::from_std(self.listener)
            .map_err(|error| CallbackError::Server { kind: error.kind() })?;
        let (sender, receiver) = oneshot::channel();
        let shared = Arc::new(Shared {
            path: self.path,
            expected_state: expected_state.to_owned(),
            page: self.page,
            outcome: Mutex::new(Some(sender)),
        });
        let app = axum::Router::new().fallback(handle).with_state(shared);
        let shutdown = CancellationToken::new();
        let server = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown.clone().cancelled_owned())
            .into_future();
        let mut server = std::pin::pin!(server);

        let outcome = tokio::select! {
            received = tokio::time::timeout(timeout, receiver) => match received {
                Ok(Ok(outcome)) => outcome,
                Ok(Err(_)) => Err(CallbackError::Server { kind: io::ErrorKind::Other }),
                Err(_) => Err(CallbackError::TimedOut(timeout)),
            },
            ended = &mut server => Err(CallbackError::Server {
                kind: ended.err().map_or(io::ErrorKind::Other, |error| error.kind()),
            }),
        };
        // Graceful: the response that settled the outcome is still being written, and
        // the user should see it rather than a reset connection.
        shutdown.cancel();
        let _ = tokio::time::timeout(DRAIN_LIMIT, &mut server).await;
        outcome
    }
}

/// Reads a redirect the user copied from a browser that could not reach this machine:
/// the full address (its page failing to load is expected) or just its query,
/// `code=…&state=…`. Quotes and whitespace around or inside are dropped, since
/// terminals wrap long lines and people paste with quotes.
pub fn parse_pasted_callback(
    text: &str,
    redirect: &LoopbackRedirect,
    expected_state: &str,
) -> Result<AuthorizationCode, CallbackError> {
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let text = text.trim_matches(|c: char| matches!(c, '"' | '\'' | '<' | '>' | '`'));
    if text.is_empty() {
        return Err(invalid_paste("nothing was pasted"));
    }
    let lowercase_start = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    let query = if lowercase_start.starts_with("http://") || lowercase_start.starts_with("https://")
    {
        let url = Url::parse(text).map_err(|_| invalid_paste("the pasted address is not a URL"))?;
        if url.path() != redirect.path() {
            return Err(CallbackError::InvalidCallback(format!(
                "the pasted address goes to {}, not to the redirect URI's path {}; paste \
                 the address the browser shows after you approve access",
                url.path(),
                redirect.path()
            )));
        }
        url.query().unwrap_or_default().to_owned()
    } else {
        text.strip_prefix('?').unwrap_or(text).to_owned()
    };
    let params = CallbackParams::from_query(&query)?;
    if params.is_empty() {
        return Err(invalid_paste(
            "it has no code, state or error; paste the full address from the browser's \
             address bar after you approve access",
        ));
    }
    params.verify(expected_state)
}

/// Opens `url` in the default browser, best effort, and says whether a launcher took
/// it. Waits at most a fraction of a second per launcher, never for the browser.
///
/// Only http and https are handed over: anything else would go to whatever program
/// the desktop associates with that scheme or file.
pub fn open_browser(url: &str) -> bool {
    let is_web = Url::parse(url).is_ok_and(|url| matches!(url.scheme(), "http" | "https"));
    is_web && open::that_detached(url).is_ok()
}

/// The OAuth parameters of one callback; the rest (`scope`, provider extras) is ignored.
#[derive(Default)]
struct CallbackParams {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

impl CallbackParams {
    /// Refuses repeated parameters: OAuth forbids them, and picking one of two states
    /// would let a forged one ride along with the real one.
    fn from_query(query: &str) -> Result<Self, CallbackError> {
        let mut params = Self::default();
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let slot = match name.as_ref() {
                "code" => &mut params.code,
                "state" => &mut params.state,
                "error" => &mut params.error,
                _ => continue,
            };
            if slot.replace(value.into_owned()).is_some() {
                return Err(CallbackError::InvalidCallback(format!(
                    "it carries {name} more than once"
                )));
            }
        }
        Ok(params)
    }

    fn is_empty(&self) -> bool {
        self.code.is_none() && self.state.is_none() && self.error.is_none()
    }

    /// An error response without a state is still reported as the denial it is (some
    /// providers omit state there); one with a wrong state is not ours to report.
    fn verify(self, expected_state: &str) -> Result<AuthorizationCode, CallbackError> {
        let state_ok = self
            .state
            .as_deref()
            .is_some_and(|state| states_match(state, expected_state));
        if let Some(error) = self.error
            && (state_ok || self.state.is_none())
        {
            return Err(CallbackError::Denied(denial_reason(&error)));
        }
        if !state_ok {
            return Err(CallbackError::StateMismatch);
        }
        match self.code {
            Some(code) if !code.is_empty() => Ok(AuthorizationCode(code)),
            _ => Err(CallbackError::MissingCode),
        }
    }
}

/// Constant time, so response timing reveals nothing about how much of a guessed state
/// was right; only the length may leak, and every state has the same length.
fn states_match(received: &str, expected: &str) -> bool {
    !expected.is_empty() && bool::from(received.as_bytes().ct_eq(expected.as_bytes()))
}

/// What the callback handler shares with `wait`.
struct Shared {
    path: String,
    expected_state: String,
    page: SuccessPage,
    /// Taken by the first request that settles the attempt; later ones find `None`.
    outcome: Mutex<Option<oneshot::Sender<Result<AuthorizationCode, CallbackError>>>>,
}

async fn handle(State(shared): State<Arc<Shared>>, method: Method, uri: Uri) -> Response {
    if uri.path() != shared.path {
        return (StatusCode::NOT_FOUND, "Not found").into_response();
    }
    if method != Method::GET {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, HeaderValue::from_static("GET"))],
        )
            .into_response();
    }
    let params = match CallbackParams::from_query(uri.query().unwrap_or_default()) {
        Ok(params) if params.is_empty() => {
            return page(
                StatusCode::BAD_REQUEST,
                "Waiting for sign-in",
                "Waiting for sign-in",
                "This address receives the sign-in response from the provider. Return to \
                 the terminal and open the address it shows.",
            );
        }
        Ok(params) => Ok(params),
        Err(error) => Err(error),
    };
    let Some(sender) = shared
        .outcome
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take()
    else {
        return page(
            StatusCode::BAD_REQUEST,
            "Sign-in already handled",
            "Sign-in already handled",
            "This sign-in has already been handled. You can close this tab.",
        );
    };
    let outcome = params.and_then(|params| params.verify(&shared.expected_state));
    let response = match &outcome {
        Ok(_) => page(
            StatusCode::OK,
            &shared.page.title,
            &shared.page.heading,
            &shared.page.next_step,
        ),
        Err(error) => page(
            StatusCode::BAD_REQUEST,
            "Sign-in failed",
            "Sign-in failed",
            &failure_text(error),
        ),
    };
    // Whether `wait` is still listening does not change what the browser is told.
    let _ = sender.send(outcome);
    response
}

/// What the browser is told; the terminal gets the full message.
fn failure_text(error: &CallbackError) -> String {
    match error {
        CallbackError::Denied(reason) => format!(
            "The provider reported \u{201c}{reason}\u{201d}. Return to the terminal for \
             what to do next."
        ),
        CallbackError::StateMismatch => "This response does not belong to the sign-in \
            that is waiting (it may come from an older tab), so it was refused. Return to \
            the terminal and run auth again."
            .to_owned(),
        _ => {
            "The response could not be used. Return to the terminal and run auth again.".to_owned()
        }
    }
}

/// A self-contained page: no scripts, nothing fetched, and no referrer to carry the
/// code-bearing address anywhere.
fn page(status: StatusCode, title: &str, heading: &str, text: &str) -> Response {
    let body = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>body{{font-family:system-ui,sans-serif;max-width:36rem;\
         margin:4rem auto;padding:0 1rem;line-height:1.5}}</style>\n</head>\n<body>\n\
         <h1>{}</h1>\n<p>{}</p>\n</body>\n</html>\n",
        escape_html(title),
        escape_html(heading),
        escape_html(text)
    );
    (
        status,
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::REFERRER_POLICY, "no-referrer"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'",
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        Html(body),
    )
        .into_response()
}

fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

fn bind_error(address: SocketAddr, error: &io::Error) -> CallbackError {
    match error.kind() {
        io::ErrorKind::AddrInUse => CallbackError::PortInUse {
            address: address.ip(),
            port: address.port(),
        },
        kind => CallbackError::Bind { address, kind },
    }
}

fn bind_hint(kind: io::ErrorKind) -> &'static str {
    match kind {
        io::ErrorKind::PermissionDenied => {
            "; ports below 1024 need administrator rights, so choose a higher port in \
             the redirect URI and register that exact redirect URI in the provider's \
             developer app too"
        }
        io::ErrorKind::AddrNotAvailable => {
            "; this machine has no such loopback address (IPv6 may be off), so use \
             127.0.0.1 in the redirect URI"
        }
        _ => "",
    }
}

/// A known RFC 6749 code as is; anything else reduced to harmless characters, since the
/// value comes from whoever made the request and lands in a terminal.
fn denial_reason(raw: &str) -> String {
    if let Some(known) = KNOWN_ERRORS.iter().find(|known| **known == raw) {
        return (*known).to_owned();
    }
    let cleaned: String = raw
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        .take(MAX_REASON_CHARS)
        .collect();
    if cleaned.is_empty() {
        "unspecified_error".to_owned()
    } else {
        cleaned
    }
}

fn denied_message(reason: &str) -> String {
    match reason {
        "access_denied" => "access was declined on the provider's page (access_denied); run \
            auth again and allow access to continue"
            .to_owned(),
        _ => format!(
            "the provider did not grant access ({reason}); run auth again, and if it keeps \
             happening check the app's settings in the provider's developer dashboard"
        ),
    }
}

fn invalid_paste(problem: &str) -> CallbackError {
    CallbackError::InvalidCallback(problem.to_owned())
}

fn human_duration(duration: Duration) -> String {
    let seconds = duration.as_secs();
    if duration.subsec_nanos() != 0 || seconds == 0 {
        format!("{} ms", duration.as_millis())
    } else if seconds.is_multiple_of(60) {
        format!("{} min", seconds / 60)
    } else {
        format!("{seconds} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = "c0de-5ecret-value";
    const STATE: &str = "0123456789abcdef0123456789abcdef";

    fn free_port() -> u16 {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        listener.local_addr().unwrap().port()
    }

    fn redirect() -> LoopbackRedirect {
        LoopbackRedirect::parse(&format!("http://127.0.0.1:{}/callback", free_port())).unwrap()
    }

    fn browser() -> reqwest::Client {
        // An HTTP(S)_PROXY in the environment must not capture loopback requests.
        reqwest::Client::builder().no_proxy().build().unwrap()
    }

    fn callback_url(redirect: &LoopbackRedirect, query: &str) -> String {
        format!("{}?{query}", redirect.uri())
    }

    fn test_page() -> SuccessPage {
        SuccessPage {
            title: "Example connected".to_owned(),
            heading: "Example is connected".to_owned(),
            next_step: "Go back to the terminal & carry on.".to_owned(),
        }
    }

    /// A stand-in authorization endpoint: approves at once and redirects to the
    /// callback the way a provider does.
    async fn fake_provider() -> String {
        async fn authorize(uri: Uri) -> Response {
            let mut redirect_uri = String::new();
            let mut state = String::new();
            for (name, value) in url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()) {
                match name.as_ref() {
                    "redirect_uri" => redirect_uri = value.into_owned(),
                    "state" => state = value.into_owned(),
                    _ => {}
                }
            }
            let target = format!("{redirect_uri}?code={CODE}&state={state}");
            (StatusCode::FOUND, [(header::LOCATION, target)]).into_response()
        }
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .unwrap();
        let address = listener.local_addr().unwrap();
        let app = axum::Router::new().route("/authorize", axum::routing::get(authorize));
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{address}/authorize")
    }

    #[tokio::test]
    async fn browser_following_the_authorize_redirect_delivers_the_code() {
        let redirect = redirect();
        let server = CallbackServer::bind(&redirect)
            .unwrap()
            .with_success_page(test_page());
        let authorize = fake_provider().await;
        let authorize_url = Url::parse_with_params(
            &authorize,
            [("redirect_uri", redirect.uri()), ("state", STATE)],
        )
        .unwrap();

        let (code, (status, body)) =
            tokio::join!(server.wait(STATE, Duration::from_secs(10)), async {
                let response = browser().get(authorize_url).send().await.unwrap();
                (response.status(), response.text().await.unwrap())
            });

        assert_eq!(code.unwrap().secret(), CODE);
        assert_eq!(status, reqwest::StatusCode::OK);
        assert!(body.contains("<title>Example connected</title>"));
        assert!(body.contains("Example is connected"));
        assert!(body.contains("Go back to the terminal &amp; carry on."));
        assert!(!body.contains(CODE));
        assert!(!body.contains(STATE));
        // The port is free again once the wait is over.
        CallbackServer::bind(&redirect).unwrap();
    }

    #[tokio::test]
    async fn a_wrong_state_is_refused_and_ends_the_wait() {
        let redirect = redirect();
        let server = CallbackServer::bind(&redirect).unwrap();
        let url = callback_url(&redirect, &format!("code={CODE}&state=forged"));

        let (outcome, (status, body)) =
            tokio::join!(server.wait(STATE, Duration::from_secs(10)), async {
                let response = browser().get(&url).send().await.unwrap();
                (response.status(), response.text().await.unwrap())
            });

        assert_eq!(outcome.unwrap_err(), CallbackError::StateMismatch);
        assert_eq!(status, reqwest::StatusCode::BAD_REQUEST);
        assert!(!body.contains(CODE));
    }

    #[tokio::test]
    async fn a_missing_state_is_a_mismatch() {
        let redirect = redirect();
        let server = CallbackServer::bind(&redirect).unwrap();
        let url = callback_url(&redirect, &format!("code={CODE}"));

        let (outcome, status) = tokio::join!(server.wait(STATE, Duration::from_secs(10)), async {
            browser().get(&url).send().await.unwrap().status()
        });

        assert_eq!(outcome.unwrap_err(), CallbackError::StateMismatch);
        assert_eq!(status, reqwest::StatusCode::BAD_REQUEST);
    }

    #[tokio::test]
    async fn a_declined_consent_is_reported_as_denied() {
        let redirect = redirect();
        let server = CallbackServer::bind(&redirect).unwrap();
        let url = callback_url(&redirect, &format!("error=access_denied&state={STATE}"));

        let (outcome, (status, body)) =
            tokio::join!(server.wait(STATE, Duration::from_secs(10)), async {
                let response = browser().get(&url).send().await.unwrap();
                (response.status(), response.text().await.unwrap())
            });

        let error = outcome.unwrap_err();
        assert_eq!(error, CallbackError::Denied("access_denied".to_owned()));
        assert!(error.to_string().contains("run auth again"));
        assert_eq!(status, reqwest::StatusCode::BAD_REQUEST);
        assert!(body.contains("access_denied"));
    }

    #[tokio::test]
    async fn a_callback_without_a_code_fails() {
        let redirect = redirect();
        let server = CallbackServer::bind(&redirect).unwrap();
        let url = callback_url(&redirect, &format!("state={STATE}"));

        let (outcome, status) = tokio::join!(server.wait(STATE, Duration::from_secs(10)), async {
            browser().get(&url).send().await.unwrap().status()
        });

        assert_eq!(outcome.unwrap_err(), CallbackError::MissingCode);
        assert_eq!(status, reqwest::StatusCode::BAD_REQUEST);
    }

    #[tokio::test]
    async fn other_requests_get_404_and_the_wait_goes_on() {
        let redirect = redirect();
        let server = CallbackServer::bind(&redirect).unwrap();
        let base = format!("http://{}", redirect.bind_addr());
        let good = callback_url(&redirect, &format!("code={CODE}&state={STATE}"));

        let (code, statuses) = tokio::join!(server.wait(STATE, Duration::from_secs(10)), async {
            let client = browser();
            let favicon = client.get(format!("{base}/favicon.ico")).send().await;
            let bare = client.get(redirect.uri()).send().await;
            let posted = client.post(&good).send().await;
            let good = client.get(&good).send().await;
            [favicon, bare, posted, good].map(|response| response.unwrap().status())
        });

        assert_eq!(code.unwrap().secret(), CODE);
        assert_eq!(
            statuses,
            [
                reqwest::StatusCode::NOT_FOUND,
                reqwest::StatusCode::BAD_REQUEST,
                reqwest::StatusCode::METHOD_NOT_ALLOWED,
                reqwest::StatusCode::OK,
            ]
        );
    }

    #[tokio::test]
    async fn the_wait_times_out() {
        let redirect = redirect();
        let server = CallbackServer::bind(&redirect).unwrap();
        let started = std::time::Instant::now();

        let error = server
            .wait(STATE, Duration::from_millis(200))
            .await
            .unwrap_err();

        assert_eq!(error, CallbackError::TimedOut(Duration::from_millis(200)));
        assert!(started.elapsed() < Duration::from_secs(3));
        let message = error.to_string();
        assert!(message.contains("200 ms"), "{message}");
        assert!(message.contains("run auth again"), "{message}");
        assert!(message.contains("paste"), "{message}");
    }

    #[test]
    fn a_taken_port_fails_at_bind_with_a_clear_message() {
        let holder = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = holder.local_addr().unwrap().port();
        let redirect =
            LoopbackRedirect::parse(&format!("http://127.0.0.1:{port}/callback")).unwrap();

        let error = CallbackServer::bind(&redirect).unwrap_err();

        assert_eq!(
            error,
            CallbackError::PortInUse {
                address: IpAddr::V4(Ipv4Addr::LOCALHOST),
                port
            }
        );
        let message = error.to_string();
        assert!(message.contains(&format!("port {port}")), "{message}");
        assert!(message.contains("redirect URI"), "{message}");
        assert!(message.contains("developer app"), "{message}");
    }

    #[test]
    fn redirect_uris_must_be_loopback_http_with_a_port() {
        for (uri, problem) in [
            ("https://127.0.0.1:3000/callback", "https"),
            ("http://127.0.0.1/callback", "no port"),
            ("http://127.0.0.1:80/callback", "no port"),
            ("http://127.0.0.1:0/callback", "port 0"),
            ("http://example.com:3000/callback", "example.com"),
            ("http://192.168.1.2:3000/callback", "192.168.1.2"),
            ("http://0.0.0.0:3000/callback", "0.0.0.0"),
            ("http://127.0.0.1:3000/callback#x", "fragment"),
            ("not a url", "not a valid URL"),
        ] {
            let error = LoopbackRedirect::parse(uri).unwrap_err();
            let message = error.to_string();
            assert!(
                matches!(error, CallbackError::InvalidRedirectUri { .. }),
                "{uri}"
            );
            assert!(message.contains(problem), "{uri}: {message}");
            assert!(
                message.contains("http://127.0.0.1:3000/callback"),
                "{message}"
            );
            assert!(message.contains("this machine"), "{message}");
        }
    }

    #[test]
    fn loopback_redirect_uris_are_taken_apart() {
        let ipv6 = LoopbackRedirect::parse("http://[::1]:8123/cb").unwrap();
        assert_eq!(ipv6.bind_addr(), "[::1]:8123".parse().unwrap());
        assert_eq!(ipv6.path(), "/cb");

        let localhost = LoopbackRedirect::parse(" http://LocalHost:3000/callback ").unwrap();
        assert_eq!(
            localhost.bind_addr(),
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 3000)
        );
        assert_eq!(localhost.port(), 3000);
        assert_eq!(localhost.uri(), "http://LocalHost:3000/callback");

        let bare = LoopbackRedirect::parse("http://127.0.0.1:3000").unwrap();
        assert_eq!(bare.uri(), "http://127.0.0.1:3000");
        assert_eq!(bare.path(), "/");
    }

    #[test]
    fn localhost_binds_ipv4_loopback() {
        let port = free_port();
        let redirect =
            LoopbackRedirect::parse(&format!("http://localhost:{port}/callback")).unwrap();
        let server = CallbackServer::bind(&redirect).unwrap();
        assert_eq!(
            server.listener.local_addr().unwrap(),
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port)
        );
    }

    #[test]
    fn pasted_full_addresses_and_queries_are_accepted() {
        let redirect = LoopbackRedirect::parse("http://127.0.0.1:3000/callback").unwrap();
        for pasted in [
            format!("http://127.0.0.1:3000/callback?code={CODE}&state={STATE}"),
            format!("  \"http://127.0.0.1:3000/callback?state={STATE}&code={CODE}\"\n"),
            format!("'HTTP://127.0.0.1:3000/callback?code={CODE}&state={STATE}&scope=x'"),
            format!("http://127.0.0.1:3000/callback?code={CODE}\n&state={STATE}"),
            format!("code={CODE}&state={STATE}"),
            format!("?code={CODE}&state={STATE}\r\n"),
        ] {
            let code = parse_pasted_callback(&pasted, &redirect, STATE)
                .unwrap_or_else(|error| panic!("{pasted:?}: {error}"));
            assert_eq!(code.secret(), CODE);
        }
    }

    #[test]
    fn pasted_responses_are_checked() {
        let redirect = LoopbackRedirect::parse("http://127.0.0.1:3000/callback").unwrap();
        let paste = |text: String| parse_pasted_callback(&text, &redirect, STATE).unwrap_err();

        let wrong_state = paste(format!("code={CODE}&state=0000"));
        assert_eq!(wrong_state, CallbackError::StateMismatch);

        let wrong_path = paste(format!(
            "http://127.0.0.1:3000/other?code={CODE}&state={STATE}"
        ));
        assert!(matches!(wrong_path, CallbackError::InvalidCallback(_)));
        assert!(wrong_path.to_string().contains("/callback"));

        let denied = paste(format!(
            "http://127.0.0.1:3000/callback?error=access_denied&state={STATE}"
        ));
        assert_eq!(denied, CallbackError::Denied("access_denied".to_owned()));

        let odd_error = paste("error=%1b[31m<b>evil</b>&state=x".to_owned());
        assert_eq!(odd_error, CallbackError::StateMismatch);
        let odd_error = paste("error=%1b[31m<b>evil</b>".to_owned());
        assert_eq!(odd_error, CallbackError::Denied("31mbevilb".to_owned()));

        let repeated = paste(format!("code={CODE}&state={STATE}&state=other"));
        assert!(matches!(repeated, CallbackError::InvalidCallback(_)));

        for nothing in ["", "  \"\" ", "hello", "http://127.0.0.1:3000/callback"] {
            let error = paste(nothing.to_owned());
            assert!(
                matches!(error, CallbackError::InvalidCallback(_)),
                "{nothing:?}: {error:?}"
            );
        }
        assert_eq!(
            paste(format!("state={STATE}&code=")),
            CallbackError::MissingCode
        );
    }

    #[test]
    fn no_message_repeats_a_pasted_code() {
        let redirect = LoopbackRedirect::parse("http://127.0.0.1:3000/callback").unwrap();
        for pasted in [
            format!("code={CODE}&state=wrong"),
            format!("http://127.0.0.1:3000/elsewhere?code={CODE}&state={STATE}"),
            format!("code={CODE}&code={CODE}&state={STATE}"),
            format!("http://[oops/callback?code={CODE}"),
        ] {
            let error = parse_pasted_callback(&pasted, &redirect, STATE).unwrap_err();
            assert!(!error.to_string().contains(CODE), "{error}");
            assert!(!format!("{error:?}").contains(CODE), "{error:?}");
        }
    }

    #[test]
    fn an_empty_expected_state_matches_nothing() {
        let redirect = LoopbackRedirect::parse("http://127.0.0.1:3000/callback").unwrap();
        let error = parse_pasted_callback(&format!("code={CODE}&state="), &redirect, "");
        assert_eq!(error.unwrap_err(), CallbackError::StateMismatch);
    }

    #[test]
    fn authorization_codes_do_not_debug_print() {
        let code = AuthorizationCode(CODE.to_owned());
        let printed = format!("{code:?}");
        assert!(!printed.contains(CODE));
        assert!(printed.contains(REDACTED));
    }

    #[test]
    fn pages_escape_the_callers_text() {
        assert_eq!(
            escape_html(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn open_browser_refuses_what_is_not_a_web_address() {
        assert!(!open_browser("/etc/passwd"));
        assert!(!open_browser("file:///etc/passwd"));
        assert!(!open_browser("javascript:alert(1)"));
    }
}
