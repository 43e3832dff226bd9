//! resources/subscribe and resources/unsubscribe, and the updates subscribers get.
//!
//! A session's subscriptions live with its handler. The first subscription starts
//! one watcher for the session: it listens to the providers' data-change
//! announcements and sends `notifications/resources/updated` for each subscribed
//! URI whose provider's data changed. The watcher stops with the session (its
//! handler is gone, or the client no longer takes notifications).

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, Weak};

use delx_framework::updates;
use rmcp::model::ResourceUpdatedNotificationParam;
use rmcp::service::Peer;
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
        if shared.registry.check_subscription(&uri).is_err() {
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

    /// The subscribed URIs that new data from `provider` changes; every
    /// data-following one when `provider` is `None` (announcements were missed).
    fn changed(&self, shared: &Shared, provider: Option<&str>) -> Vec<String> {
        let Ok(uris) = self.uris.lock() else {
            return Vec::new();
        };
        uris.iter()
            .filter(|uri| {
                shared
                    .registry
                    .data_source(uri)
                    .is_some_and(|source| provider.is_none_or(|changed| changed == source))
            })
            .cloned()
            .collect()
    }
}

async fn watch(subscriptions: Weak<Subscriptions>, shared: Arc<Shared>, peer: Peer<RoleServer>) {
    let mut announcements = updates::listen();
    loop {
        let provider = match announcements.recv().await {
            Ok(change) => Some(change.provider),
            Err(RecvError::Lagged(_)) => None,
            Err(RecvError::Closed) => return,
        };
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
