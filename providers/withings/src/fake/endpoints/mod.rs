//! The bearer-token data endpoints: which webservice and action each is, the scope
//! it needs, and what they share (authentication, `data_fields`, pagination,
//! date ranges).

mod activity;
mod heart;
mod measure;
mod sleep;
mod user;

use axum::http::HeaderMap;
use serde_json::{Map, Value, json};

use super::codes::INSUFFICIENT_SCOPE;
use super::oauth::grants::Bearer;
use super::oauth::scope::{ACTIVITY, INFO, METRICS};
use super::params::Params;
use super::reply::Reply;
use super::server::Shared;

type Handler = fn(&Shared, &Params, &Bearer) -> Result<Value, Reply>;

struct Endpoint {
    path: &'static str,
    action: &'static str,
    /// Any one of these grants access.
    scopes: &'static [&'static str],
    handler: Handler,
}

const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        path: "measure",
        action: "getmeas",
        scopes: &[METRICS],
        handler: measure::getmeas,
    },
    Endpoint {
        path: "v2/measure",
        action: "getactivity",
        scopes: &[ACTIVITY],
        handler: activity::getactivity,
    },
    Endpoint {
        path: "v2/measure",
        action: "getintradayactivity",
        scopes: &[ACTIVITY],
        handler: activity::getintradayactivity,
    },
    Endpoint {
        path: "v2/measure",
        action: "getworkouts",
        scopes: &[ACTIVITY],
        handler: activity::getworkouts,
    },
    Endpoint {
        path: "v2/sleep",
        action: "get",
        scopes: &[ACTIVITY],
        handler: sleep::get,
    },
    Endpoint {
        path: "v2/sleep",
        action: "getsummary",
        scopes: &[ACTIVITY],
        handler: sleep::getsummary,
    },
    Endpoint {
        path: "v2/heart",
        action: "list",
        scopes: &[METRICS],
        handler: heart::list,
    },
    Endpoint {
        path: "v2/heart",
        action: "get",
        scopes: &[METRICS],
        handler: heart::get,
    },
    Endpoint {
        path: "v2/user",
        action: "getdevice",
        scopes: &[INFO, METRICS],
        handler: user::getdevice,
    },
    Endpoint {
        path: "v2/user",
        action: "getgoals",
        scopes: &[INFO, METRICS],
        handler: user::getgoals,
    },
];

/// Answers a data call; `None` if no data endpoint has this path and action.
pub(crate) fn handle(
    shared: &Shared,
    path: &str,
    action: &str,
    params: &Params,
    headers: &HeaderMap,
) -> Option<Reply> {
    let endpoint = ENDPOINTS
        .iter()
        .find(|e| e.path == path && e.action == action)?;
    let Some(token) = access_token(headers, params) else {
        return Some(Reply::invalid_token());
    };
    let Some(bearer) = shared.grants().authenticate(&token, shared.clock.now_ms()) else {
        return Some(Reply::invalid_token());
    };
    if !bearer.scopes.any_of(endpoint.scopes) {
        return Some(Reply::error(
            INSUFFICIENT_SCOPE,
            "Unauthorized: insufficient_scope",
        ));
    }
    Some(match (endpoint.handler)(shared, params, &bearer) {
        Ok(body) => Reply::ok(body),
        Err(reply) => reply,
    })
}

/// The `Authorization: Bearer` header, or the legacy `access_token` parameter.
pub(crate) fn access_token(headers: &HeaderMap, params: &Params) -> Option<String> {
    let header = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then(|| token.trim().to_owned())
        });
    header.or_else(|| params.get("access_token").map(str::to_owned))
}

/// The requested `data_fields`, if any were named.
pub(crate) fn requested_fields(params: &Params) -> Option<Vec<String>> {
    params
        .list("data_fields")
        .filter(|fields| !fields.is_empty())
}

/// The fields of a record that were asked for (all of them when none were named).
pub(crate) fn select(
    fields: Vec<(&'static str, Value)>,
    wanted: Option<&[String]>,
) -> Map<String, Value> {
    fields
        .into_iter()
        .filter(|(name, _)| wanted.is_none_or(|w| w.iter().any(|f| f == name)))
        .map(|(name, value)| (name.to_owned(), value))
        .collect()
}

/// One page of a list, and the offset of the next page if there is one.
pub(crate) fn page<T>(items: Vec<T>, offset: usize, size: usize) -> (Vec<T>, Option<usize>) {
    let size = size.max(1);
    let total = items.len();
    let items: Vec<T> = items.into_iter().skip(offset).take(size).collect();
    let next = offset.saturating_add(size);
    (items, (next < total).then_some(next))
}

/// Adds the v2 endpoints' `more` (a bool) and `offset`.
pub(crate) fn with_more(mut body: Map<String, Value>, next: Option<usize>) -> Value {
    body.insert("more".into(), json!(next.is_some()));
    body.insert("offset".into(), json!(next.unwrap_or(0)));
    Value::Object(body)
}

/// A range of local dates from `startdateymd`/`enddateymd`, or a `lastupdate`
/// bound on `modified`; each side is open when not given.
pub(crate) struct DayFilter {
    from: Option<jiff::civil::Date>,
    to: Option<jiff::civil::Date>,
    lastupdate: Option<i64>,
}

impl DayFilter {
    pub(crate) fn parse(params: &Params) -> Result<Self, Reply> {
        Ok(Self {
            from: params.date("startdateymd")?,
            to: params.date("enddateymd")?,
            lastupdate: params.int("lastupdate")?,
        })
    }

    pub(crate) fn keeps(&self, date: jiff::civil::Date, modified: i64) -> bool {
        self.from.is_none_or(|from| date >= from)
            && self.to.is_none_or(|to| date <= to)
            && self.lastupdate.is_none_or(|since| modified >= since)
    }
}
