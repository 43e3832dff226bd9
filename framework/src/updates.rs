//! Data-change announcements: how a provider tells front ends that what its
//! data-following resources would read has changed.
//!
//! A provider announces when new data lands locally (a sync stored records, a
//! refreshed answer differs from the stored one); the MCP server turns that into
//! `notifications/resources/updated` for the sessions subscribed to that
//! provider's data-following resources. Announcements are process-wide and cheap
//! when nobody listens; a listener that falls behind misses nothing that matters,
//! since one announcement already means "read again".

use std::sync::OnceLock;

use tokio::sync::broadcast;

/// Slots a slow listener may fall behind by before older announcements are
/// dropped; it then sees a `Lagged` and should treat it as "something changed".
const CAPACITY: usize = 64;

/// One provider's data changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataChanged {
    /// The provider's id, as in its descriptor.
    pub provider: &'static str,
}

fn feed() -> &'static broadcast::Sender<DataChanged> {
    static FEED: OnceLock<broadcast::Sender<DataChanged>> = OnceLock::new();
    FEED.get_or_init(|| broadcast::channel(CAPACITY).0)
}

/// Tells every listener that `provider`'s data changed.
pub fn announce(provider: &'static str) {
    // An error only means nobody listens right now.
    let _ = feed().send(DataChanged { provider });
    tracing::debug!(provider, "data changed");
}

/// Hears announcements; a `Lagged` error means some were missed.
pub type Receiver = broadcast::Receiver<DataChanged>;

/// A receiver of every announcement made from now on.
pub fn listen() -> Receiver {
    feed().subscribe()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn listeners_hear_announcements_made_after_they_listen() {
        announce("before");
        let mut receiver = listen();
        announce("alpha");
        let heard = receiver.recv().await.expect("an announcement");
        assert_eq!(heard.provider, "alpha");
        assert!(receiver.try_recv().is_err(), "nothing else was announced");
    }
}
