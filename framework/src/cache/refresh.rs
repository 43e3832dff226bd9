//! "Ask the upstream again": a per-call request to skip fresh cache entries.
//!
//! The registry strips a tool's `refresh: true` argument and runs the call inside
//! [`refreshing`]; the client checks [`refresh_requested`] before answering from the
//! cache. A task-local, like [`provenance`](super::provenance), so the tools
//! between the two need not carry the flag. A refreshed answer is still stored, and
//! a stale entry still stands in if the upstream fails.

use std::future::Future;

tokio::task_local! {
    static REFRESH: ();
}

/// Runs `future` with fresh cache entries to be skipped.
pub async fn refreshing<F: Future>(future: F) -> F::Output {
    REFRESH.scope((), future).await
}

/// Whether the current call asked to skip fresh cache entries. False outside
/// [`refreshing`].
pub fn refresh_requested() -> bool {
    REFRESH.try_with(|()| ()).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn only_calls_inside_refreshing_ask_for_it() {
        assert!(!refresh_requested());
        let (inside, joined) = refreshing(async {
            tokio::join!(async { refresh_requested() }, async {
                tokio::task::yield_now().await;
                refresh_requested()
            })
        })
        .await;
        assert!(inside && joined);
        assert!(!refresh_requested());
    }
}
