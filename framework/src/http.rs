//! HTTP plumbing every provider needs: bounded retry with jittered backoff that
//! honours the upstream's wait hints, and a client-side rate limiter.
//!
//! The policies are plain values so providers can state their upstream's limits
//! (Withings: 120 requests a minute per app) and tests can shrink every delay.

use std::collections::VecDeque;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// How often and how patiently to retry a transient failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first one included.
    pub max_attempts: u32,
    /// Delay before the second attempt; doubles for each later one.
    pub base_delay: Duration,
    /// No computed backoff exceeds this.
    pub max_delay: Duration,
    /// The longest upstream-requested wait we honour; a longer one is an error the
    /// caller sees, rather than a call that hangs for minutes.
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_wait: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The pause before attempt `attempt + 1` (`attempt` starts at 1): exponential,
    /// capped, with ±25 % jitter so concurrent callers do not retry in lockstep.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exponent = attempt.saturating_sub(1).min(16);
        let base = self
            .base_delay
            .saturating_mul(1 << exponent)
            .min(self.max_delay);
        let jitter = 0.75 + 0.5 * unit_random();
        base.mul_f64(jitter).min(self.max_delay)
    }

    /// Whether another attempt is allowed after `attempt` attempts.
    pub fn may_retry(&self, attempt: u32) -> bool {
        attempt < self.max_attempts
    }
}

/// A number in [0, 1); jitter needs spread, not unpredictability. Every
/// `RandomState` is keyed afresh, so hashing the clock through one gives both.
fn unit_random() -> f64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    hasher.write_u128(nanos);
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// At most `limit` requests in any sliding `window`, across every task sharing it.
#[derive(Debug)]
pub struct RateLimiter {
    limit: usize,
    window: Duration,
    sent: Mutex<VecDeque<Instant>>,
}

impl RateLimiter {
    pub fn new(limit: usize, window: Duration) -> Self {
        Self {
            limit: limit.max(1),
            window,
            sent: Mutex::new(VecDeque::new()),
        }
    }

    /// Waits until a request may be sent, then counts it.
    pub async fn acquire(&self) {
        loop {
            let wait = {
                let mut sent = self.sent.lock().await;
                let now = Instant::now();
                while sent
                    .front()
                    .is_some_and(|at| now.duration_since(*at) >= self.window)
                {
                    sent.pop_front();
                }
                if sent.len() < self.limit {
                    sent.push_back(now);
                    return;
                }
                match sent.front() {
                    Some(oldest) => self.window.saturating_sub(now.duration_since(*oldest)),
                    None => Duration::ZERO,
                }
            };
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_jittered_and_capped() {
        let policy = RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(300),
            max_wait: Duration::from_secs(1),
        };
        let first = policy.backoff(1);
        assert!((75..=125).contains(&first.as_millis()), "{first:?}");
        let second = policy.backoff(2);
        assert!((150..=250).contains(&second.as_millis()), "{second:?}");
        assert!(policy.backoff(10) <= Duration::from_millis(300));
        assert!(policy.may_retry(4) && !policy.may_retry(5));
    }

    #[tokio::test(start_paused = true)]
    async fn the_limiter_never_lets_more_than_the_limit_through_a_window() {
        let limiter = std::sync::Arc::new(RateLimiter::new(3, Duration::from_secs(60)));
        let start = Instant::now();
        let mut handles = Vec::new();
        for _ in 0..7 {
            let limiter = limiter.clone();
            handles.push(tokio::spawn(async move {
                limiter.acquire().await;
                Instant::now().duration_since(start)
            }));
        }
        let mut times = Vec::new();
        for handle in handles {
            times.push(handle.await.unwrap());
        }
        times.sort();
        let within_first_minute = times
            .iter()
            .filter(|t| **t < Duration::from_secs(60))
            .count();
        assert_eq!(within_first_minute, 3);
        let within_two = times
            .iter()
            .filter(|t| **t < Duration::from_secs(120))
            .count();
        assert_eq!(within_two, 6);
        assert!(times[6] >= Duration::from_secs(120));
    }
}
