//! Resource subscriptions, and the updates subscribers get.
//!
//! Two protocol generations, one source of updates (the providers' data-change
//! announcements, [`delx_framework::updates`]):
//! - 2025 clients send `resources/subscribe` and `resources/unsubscribe`. A
//!   session's URIs live with its handler; the first subscription starts one
//!   watcher that stops with the session (its handler is gone, or the client no
//!   longer takes notifications).
//! - 2026-07-28 clients hold a `subscriptions/listen` request open with the URIs in
//!   its filter; [`listen`] serves it until the client cancels it.
//!
//! Either way, `notifications/resources/updated` goes out for each subscribed URI
//! whose provider's data changed, and only for resources that follow data.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, Weak};

use delx_framework::updates;
use rmcp::model::{ResourceUpdatedNotificationParam, SubscriptionFilter};
use rmcp::service::{Peer, SubscriptionContext};
use rmcp::{ErrorData as McpError, RoleServer};
use tokio::sync::broadcast::error::RecvError;

use super::Shared;

/// One session's subscribed URIs.
#[derive(Default)]
pub(super) struct Subscriptions {
    uris: Mutex<BTreeSet<String>>,
    watching: Mutex<bool>,
}

impl Subscriptions {
    /// Subscribes to a resource that exists; a URI naming nothing is refused,
    /// since it would never be updated.
    pub(super) fn subscribe(
        self: &Arc<Self>,
        shared: &Arc<Shared>,
        uri: String,
        peer: Peer<RoleServer>,
    ) -> Result<(), McpError> {
        if !exists(shared, &uri) {
            return Err(McpError::resource_not_found(
                format!(
                    "no resource at `{uri}` to subscribe to; list resources and templates to see \
                     what exists"
                ),
                None,
            ));
        }
        if let Ok(mut uris) = self.uris.lock() {
            uris.insert(uri);
        }
        if let Ok(mut watching) = self.watching.lock()
            && !*watching
        {
            *watching = true;
            tokio::spawn(watch(Arc::downgrade(self), Arc::clone(shared), peer));
        }
        Ok(())
    }

    /// Unsubscribing from a URI never subscribed is not an error: the client's
    /// wish (no updates for it) holds either way.
    pub(super) fn unsubscribe(&self, uri: &str) {
        if let Ok(mut uris) = self.uris.lock() {
            uris.remove(uri);
        }
    }

    fn changed(&self, shared: &Shared, provider: Option<&str>) -> Vec<String> {
        match self.uris.lock() {
            Ok(uris) => changed(shared, uris.iter(), provider),
            Err(_) => Vec::new(),
        }
    }
}

fn exists(shared: &Shared, uri: &str) -> bool {
    shared.registry.check_subscription(uri).is_ok()
}

/// The URIs among `uris` that new data from `provider` changes; every
/// data-following one when `provider` is `None` (announcements were missed).
fn changed<'a>(
    shared: &Shared,
    uris: impl Iterator<Item = &'a String>,
    provider: Option<&str>,
) -> Vec<String> {
    uris.filter(|uri| {
        shared
            .registry
            .data_source(uri)
            .is_some_and(|source| provider.is_none_or(|changed| changed == source))
    })
    .cloned()
    .collect()
}

/// The next announcement's provider; `Some(None)` when some were missed (any
/// provider may have changed), `None` when no more can come.
async fn next_change(announcements: &mut updates::Receiver) -> Option<Option<&'static str>> {
    match announcements.recv().await {
        Ok(change) => Some(Some(change.provider)),
        Err(RecvError::Lagged(_)) => Some(None),
        Err(RecvError::Closed) => None,
    }
}

/// What a 2026-07-28 `subscriptions/listen` may have: updates of the requested
/// resources that exist. List-change notifications are not offered: the lists
/// are fixed for the life of the process.
pub(super) fn accepted_filter(
    shared: &Shared,
    requested: &SubscriptionFilter,
) -> Option<SubscriptionFilter> {
    let uris = requested
        .resource_subscriptions
        .as_ref()?
        .iter()
        .filter(|uri| exists(shared, uri))
        .cloned()
        .collect();
    let mut accepted = SubscriptionFilter::new();
    accepted.resource_subscriptions = Some(uris);
    Some(accepted)
}

/// Serves one `subscriptions/listen` until the client cancels it.
pub(super) async fn listen(shared: &Shared, context: SubscriptionContext) -> Result<(), McpError> {
    let uris = context
        .accepted()
        .resource_subscriptions
        .clone()
        .unwrap_or_default();
    let mut announcements = updates::listen();
    loop {
        let provider = tokio::select! {
            () = context.cancelled() => return Ok(()),
            change = next_change(&mut announcements) => match change {
                Some(provider) => provider,
                None => return Ok(()),
            },
        };
        for uri in changed(shared, uris.iter(), provider) {
            if let Err(error) = context.sink().notify_resource_updated(uri).await {
                tracing::debug!("resource update not delivered, the subscription ended: {error}");
                return Ok(());
            }
        }
    }
}

async fn watch(subscriptions: Weak<Subscriptions>, shared: Arc<Shared>, peer: Peer<RoleServer>) {
    let mut announcements = updates::listen();
    while let Some(provider) = next_change(&mut announcements).await {
        let Some(session) = subscriptions.upgrade() else {
            return;
        };
        let changed = session.changed(&shared, provider);
        drop(session);
        for uri in changed {
            let param = ResourceUpdatedNotificationParam::new(uri);
            if let Err(error) = peer.notify_resource_updated(param).await {
                tracing::debug!("resource update not delivered, the session is gone: {error}");
                return;
            }
        }
    }
}
