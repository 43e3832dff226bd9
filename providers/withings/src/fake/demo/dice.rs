//! Seeded randomness for the demo account.
//!
//! Every kind of record draws from its own stream, and on-demand series (intraday
//! minutes, sleep samples, ECG signals) from a stream keyed by their day or record,
//! so the data is a pure function of the seed: changing how one kind is generated
//! never shifts another, and a series computed on request equals the one computed
//! at start-up. The generator is rand's Xoshiro256++, whose output rand guarantees
//! not to change between releases.

use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng as _, SeedableRng};
use sha2::{Digest, Sha256};

/// The independent streams of the demo account.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Stream {
    Plan = 1,
    Body = 2,
    Activity = 3,
    Workouts = 4,
    Sleep = 5,
    Heart = 6,
    Intraday = 7,
    Ids = 8,
}

pub(crate) struct Dice(Xoshiro256PlusPlus);

impl Dice {
    pub(crate) fn new(seed: u64, stream: Stream) -> Self {
        Self::keyed(seed, stream, 0)
    }

    /// A stream for one day or one record, independent of every other.
    pub(crate) fn keyed(seed: u64, stream: Stream, key: u64) -> Self {
        let state = mix(mix(seed ^ (stream as u64).rotate_left(40)) ^ key);
        Self(Xoshiro256PlusPlus::seed_from_u64(state))
    }

    /// Uniform in `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f64 {
        unit_of(self.0.next_u64())
    }

    pub(crate) fn range(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }

    /// Uniform in `low..=high`.
    pub(crate) fn int(&mut self, low: i64, high: i64) -> i64 {
        if high <= low {
            return low;
        }
        let span = (high - low + 1) as u64;
        low + (self.0.next_u64() % span) as i64
    }

    pub(crate) fn chance(&mut self, probability: f64) -> bool {
        self.unit() < probability
    }

    /// Normally distributed (Box–Muller).
    pub(crate) fn normal(&mut self, mean: f64, deviation: f64) -> f64 {
        let u1 = 1.0 - self.unit();
        let u2 = self.unit();
        mean + deviation * (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.int(0, items.len() as i64 - 1) as usize]
    }
}

/// SplitMix64's finaliser: a cheap, well-spread hash of one word.
pub(crate) fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Stateless noise in `[0, 1)` for per-sample values that must not depend on the
/// order in which samples are computed.
pub(crate) fn noise(seed: u64, a: u64, b: u64) -> f64 {
    unit_of(mix(mix(seed ^ a) ^ b.rotate_left(17)))
}

/// A 40-hex-digit identifier (like Withings' device ids) derived from the seed.
pub(crate) fn hex_id(seed: u64, label: &str) -> String {
    let digest = Sha256::digest(format!("delx-fake-withings/{seed}/{label}").as_bytes());
    hex::encode(&digest[..20])
}

fn unit_of(bits: u64) -> f64 {
    (bits >> 11) as f64 / (1u64 << 53) as f64
}
