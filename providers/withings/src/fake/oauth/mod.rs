//! The OAuth side of the fake: the authorize page (which consents at once for the
//! demo user), nonces, the token endpoint (both grants, each with the client
//! secret or a signature), revoke and demo access.
//!
//! Statuses, where Withings documents none:
//! - a bad signature is 342 ("The signature (using Oauth) is invalid");
//! - an unknown, used or expired nonce is 503 "Invalid Params: invalid nonce",
//!   the token endpoint's usual invalid-parameters status;
//! - a missing or unknown `userid` on revoke is 247 ("The userid provided is
//!   absent, or incorrect").

pub(crate) mod grants;
pub(crate) mod scope;

use axum::http::{Method, StatusCode};
use serde_json::json;

use self::grants::{Issued, NonceError};
use self::scope::Scopes;
use super::codes::{BAD_SIGNATURE, BAD_USERID, NOT_IMPLEMENTED};
use super::params::Params;
use super::reply::Reply;
use super::server::Shared;
use crate::api::signing;

pub(crate) const AUTHORIZE_PATH: &str = "oauth2_user/authorize2";

fn page(message: &str) -> Reply {
    Reply::Html {
        http: StatusCode::BAD_REQUEST,
        html: format!(
            "<!doctype html><html><body><h1>Withings (fake)</h1><p>{message}</p></body></html>"
        ),
    }
}

/// `GET /oauth2_user/authorize2`: redirects to the callback with a fresh code.
pub(crate) fn authorize(shared: &Shared, params: &Params) -> Reply {
    let config = &shared.config;
    if params.get("client_id") != Some(config.client_id.as_str()) {
        return page("Unknown client_id.");
    }
    let Some(redirect_uri) = params.get("redirect_uri") else {
        return page("Missing redirect_uri.");
    };
    if !config.accepts_redirect(redirect_uri) {
        return page("This redirect_uri is not registered for the application.");
    }
    if params.get("response_type") != Some("code") {
        return page("response_type must be code.");
    }
    let Some(state) = params.get("state") else {
        return page("Missing state.");
    };
    let scopes = Scopes::parse(params.get("scope").unwrap_or(""));
    if scopes.is_empty() {
        return page("Missing or unknown scope.");
    }
    let code = shared.grants().issue_code(
        &config.client_id,
        redirect_uri,
        scopes,
        shared.demo().userid,
        shared.clock.now_ms(),
    );
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("code", &code)
        .append_pair("state", state)
        .finish();
    let separator = if redirect_uri.contains('?') { '&' } else { '?' };
    Reply::Redirect(format!("{redirect_uri}{separator}{query}"))
}

/// `v2/signature`: `getnonce`.
pub(crate) fn signature(shared: &Shared, action: &str, params: &Params) -> Reply {
    if action != "getnonce" {
        return Reply::error(NOT_IMPLEMENTED, "Not implemented");
    }
    let (Some(client_id), Some(timestamp), Some(signature)) = (
        params.get("client_id"),
        params.get("timestamp"),
        params.get("signature"),
    ) else {
        return Reply::invalid_params("client_id, timestamp and signature are required");
    };
    // The timestamp is signed but not range-checked: tests move the fake's clock.
    if client_id != shared.config.client_id
        || !signing::verify(
            &shared.config.client_secret,
            "getnonce",
            client_id,
            timestamp,
            signature,
        )
    {
        return Reply::error(BAD_SIGNATURE, "The signature (using Oauth) is invalid");
    }
    let nonce = shared.grants().issue_nonce(shared.clock.now_ms());
    Reply::ok(json!({ "nonce": nonce }))
}

/// Checks a signed call: the signature over `action,client_id,nonce`, then the
/// nonce, which it uses up.
fn check_signed<'a>(
    shared: &Shared,
    action: &str,
    get: impl Fn(&str) -> Option<&'a str>,
) -> Result<(), Reply> {
    let (Some(client_id), Some(nonce), Some(signature)) =
        (get("client_id"), get("nonce"), get("signature"))
    else {
        return Err(Reply::invalid_params(
            "client_id, nonce and signature are required",
        ));
    };
    if client_id != shared.config.client_id
        || !signing::verify(
            &shared.config.client_secret,
            action,
            client_id,
            nonce,
            signature,
        )
    {
        return Err(Reply::error(
            BAD_SIGNATURE,
            "The signature (using Oauth) is invalid",
        ));
    }
    match shared.grants().take_nonce(nonce, shared.clock.now_ms()) {
        Ok(()) => Ok(()),
        Err(NonceError::Unknown | NonceError::Expired) => {
            Err(Reply::invalid_params("invalid nonce"))
        }
    }
}

/// `v2/oauth2`: `requesttoken`, `revoke`, `getdemoaccess`.
pub(crate) fn token_endpoint(
    shared: &Shared,
    method: &Method,
    action: &str,
    params: &Params,
) -> Reply {
    let outcome = match action {
        "requesttoken" => request_token(shared, method, params),
        "revoke" => revoke(shared, params),
        "getdemoaccess" => demo_access(shared, params),
        _ => Err(Reply::error(NOT_IMPLEMENTED, "Not implemented")),
    };
    outcome.unwrap_or_else(|reply| reply)
}

fn token_body(issued: &Issued) -> serde_json::Value {
    json!({
        "userid": issued.userid.to_string(),
        "access_token": issued.access_token,
        "refresh_token": issued.refresh_token,
        "expires_in": issued.expires_in,
        "scope": issued.scopes.to_withings(),
        "csrf_token": grants::token(),
        "token_type": "Bearer",
    })
}

fn request_token(shared: &Shared, method: &Method, params: &Params) -> Result<Reply, Reply> {
    // Withings reads the token request from a POST body only.
    let grant_type = params.body("grant_type").filter(|_| method == Method::POST);
    let Some(grant_type) = grant_type else {
        return Err(Reply::invalid_params("invalid grant_type"));
    };
    let Some(client_id) = params.body("client_id") else {
        return Err(Reply::invalid_params("invalid client_id"));
    };
    let config = &shared.config;
    if let Some(secret) = params.body("client_secret") {
        if client_id != config.client_id || secret != config.client_secret {
            return Err(Reply::invalid_params("invalid client_id or client_secret"));
        }
    } else if params.body("signature").is_some() {
        check_signed(shared, "requesttoken", |name| params.body(name))?;
    } else {
        return Err(Reply::invalid_params(
            "client_secret or signature is required",
        ));
    }
    let now = shared.clock.now_ms();
    let issued = match grant_type {
        "authorization_code" => {
            let code = params.body("code").unwrap_or("");
            let redirect_uri = params.body("redirect_uri").unwrap_or("");
            shared
                .grants()
                .redeem_code(code, client_id, redirect_uri, now)
                .ok_or_else(|| Reply::invalid_params("invalid code"))?
        }
        "refresh_token" => {
            let token = params.body("refresh_token").unwrap_or("");
            shared
                .grants()
                .refresh(token, client_id, now)
                .ok_or_else(|| Reply::invalid_params("invalid token"))?
        }
        _ => return Err(Reply::invalid_params("invalid grant_type")),
    };
    Ok(Reply::ok(token_body(&issued)))
}

fn revoke(shared: &Shared, params: &Params) -> Result<Reply, Reply> {
    check_signed(shared, "revoke", |name| params.get(name))?;
    let userid = params
        .get("userid")
        .and_then(|u| u.trim().parse::<u64>().ok())
        .filter(|u| *u == shared.demo().userid)
        .ok_or_else(|| Reply::error(BAD_USERID, "The userid provided is absent, or incorrect"))?;
    shared.grants().revoke(&shared.config.client_id, userid);
    Ok(Reply::ok(json!({})))
}

fn demo_access(shared: &Shared, params: &Params) -> Result<Reply, Reply> {
    check_signed(shared, "getdemoaccess", |name| params.get(name))?;
    let scopes = match params.get("scope_oauth2") {
        Some(text) => Scopes::parse(text),
        None => Scopes::all(),
    };
    if scopes.is_empty() {
        return Err(Reply::invalid_params("invalid scope_oauth2"));
    }
    let issued = shared.grants().issue(
        &shared.config.client_id,
        shared.demo().userid,
        scopes,
        None,
        shared.clock.now_ms(),
    );
    Ok(Reply::ok(json!({
        "access_token": issued.access_token,
        "refresh_token": issued.refresh_token,
        "expires_in": issued.expires_in,
    })))
}
