//! Which cached data a tool call used, collected without threading a parameter
//! through every function between the tool and the HTTP client.
//!
//! The server wraps each call in [`collect`]; the client calls [`record`] whenever
//! it answers from the cache. The tool's result can then say "served from the
//! cache, stored at ..., stale because the upstream failed", which the original
//! connector never did.
//!
//! The collector is a tokio task-local: futures polled by the wrapped one (`join!`,
//! `select!`, plain `.await`) report into it; a task started with `tokio::spawn`
//! does not (it is another task), so fan-out inside a tool should join, not spawn.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use schemars::JsonSchema;
use serde::Serialize;

use super::stats::stamp_text;

#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct Provenance {
    /// Entries served from the cache.
    pub cached: u32,
    /// Any of them was stale (served because the upstream failed).
    pub stale: bool,
    /// Unix seconds: when the oldest of them was stored.
    pub oldest_cached_at: Option<i64>,
}

impl Provenance {
    /// Nothing came from the cache.
    pub fn is_empty(&self) -> bool {
        self.cached == 0
    }

    /// One sentence for the markdown beside a result, so a person reading only the
    /// text still learns the answer was not fetched just now.
    pub fn note(&self) -> String {
        let answers = if self.cached == 1 {
            "answer"
        } else {
            "answers"
        };
        let mut note = format!("From the local cache: {} {answers}", self.cached);
        if let Some(oldest) = self.oldest_cached_at {
            let which = if self.cached == 1 {
                "stored"
            } else {
                "the oldest stored"
            };
            note.push_str(&format!(", {which} {}", stamp_text(oldest)));
        }
        note.push('.');
        if self.stale {
            note.push_str(
                " The upstream service could not be reached, so older stored data was used.",
            );
        }
        note
    }

    fn add(&mut self, stored_at: i64, stale: bool) {
        self.cached = self.cached.saturating_add(1);
        self.stale |= stale;
        self.oldest_cached_at = Some(
            self.oldest_cached_at
                .map_or(stored_at, |oldest| oldest.min(stored_at)),
        );
    }

    fn merge(&mut self, other: &Provenance) {
        self.cached = self.cached.saturating_add(other.cached);
        self.stale |= other.stale;
        self.oldest_cached_at = match (self.oldest_cached_at, other.oldest_cached_at) {
            (Some(mine), Some(theirs)) => Some(mine.min(theirs)),
            (mine, theirs) => mine.or(theirs),
        };
    }
}

/// Shared between the scope and its caller, who reads it once the future is done.
type Collector = Arc<Mutex<Provenance>>;

tokio::task_local! {
    static COLLECTOR: Collector;
}

/// Runs `future` with a fresh collector in scope and returns what it recorded. A
/// nested `collect` reports to its caller too, so an outer scope sees everything.
pub async fn collect<F: Future>(future: F) -> (F::Output, Provenance) {
    let collector = Collector::default();
    let output = COLLECTOR.scope(collector.clone(), future).await;
    let provenance = lock(&collector).clone();
    // Best effort by design: outside any outer scope there is no one to tell.
    let _ = COLLECTOR.try_with(|outer| lock(outer).merge(&provenance));
    (output, provenance)
}

/// An entry stored at `stored_at` (unix seconds) was served; `stale` if it was
/// older than the caller wanted. No-op outside [`collect`].
pub fn record(stored_at: i64, stale: bool) {
    let _ = COLLECTOR.try_with(|collector| lock(collector).add(stored_at, stale));
}

/// A panic while the lock was held cannot leave a half-updated record (each
/// update is a few plain assignments), so the data is still good.
fn lock(collector: &Collector) -> std::sync::MutexGuard<'_, Provenance> {
    collector.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn records_from_joined_futures_are_collected() {
        let ((), provenance) = collect(async {
            tokio::join!(
                async {
                    tokio::task::yield_now().await;
                    record(300, false);
                },
                async {
                    record(100, true);
                    tokio::task::yield_now().await;
                },
                async { record(200, false) },
            );
        })
        .await;
        assert_eq!(
            provenance,
            Provenance {
                cached: 3,
                stale: true,
                oldest_cached_at: Some(100),
            }
        );
    }

    #[tokio::test]
    async fn record_outside_any_scope_does_nothing() {
        record(100, true);
        let ((), provenance) = collect(async {}).await;
        assert_eq!(provenance, Provenance::default());
        assert!(provenance.is_empty());
    }

    #[tokio::test]
    async fn each_call_gets_its_own_collector() {
        let (first, second) = tokio::join!(
            collect(async { record(10, false) }),
            collect(async {
                record(20, true);
                record(30, false);
            }),
        );
        assert_eq!(first.1.cached, 1);
        assert_eq!((second.1.cached, second.1.stale), (2, true));
        assert_eq!(second.1.oldest_cached_at, Some(20));
    }

    #[tokio::test]
    async fn a_nested_scope_reports_to_its_caller_too() {
        let (inner, outer) = collect(async {
            record(50, false);
            collect(async { record(40, true) }).await.1
        })
        .await;
        assert_eq!(
            (inner.cached, inner.stale, inner.oldest_cached_at),
            (1, true, Some(40))
        );
        assert_eq!(
            (outer.cached, outer.stale, outer.oldest_cached_at),
            (2, true, Some(40))
        );
    }

    #[test]
    fn the_note_says_how_much_how_old_and_whether_stale() {
        let one = Provenance {
            cached: 1,
            stale: false,
            oldest_cached_at: Some(1_782_806_400),
        };
        assert_eq!(
            one.note(),
            "From the local cache: 1 answer, stored 2026-06-30T08:00:00Z."
        );
        let stale = Provenance {
            cached: 2,
            stale: true,
            ..one
        };
        assert!(stale.note().starts_with(
            "From the local cache: 2 answers, the oldest stored 2026-06-30T08:00:00Z. The upstream"
        ));
    }

    #[tokio::test]
    async fn spawned_tasks_are_outside_the_scope() {
        let ((), provenance) = collect(async {
            tokio::spawn(async { record(1, false) }).await.unwrap();
        })
        .await;
        assert!(provenance.is_empty());
    }
}
