//! Shrinking long series before they reach a chat, and saying exactly what was lost.
//!
//! An ECG is 6,000 to 10,000 samples and a day of intraday minutes is over a thousand
//! rows: far more than a model can read usefully. Every reduction here is one named
//! method whose loss a caller can see: how many samples went in, how many points came
//! out, and how.

use delx_framework::schemars::{self, JsonSchema};
use serde::Serialize;

/// What a reduction kept of its input.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Loss {
    /// Samples before reduction.
    pub original_samples: usize,
    /// Points returned.
    pub returned_points: usize,
    /// `original_samples / returned_points`: 1 when nothing was dropped.
    pub factor: f64,
    /// How samples were combined: `none`, `min_max_per_bucket`, `sum_per_bucket` or
    /// `mean_per_bucket`.
    pub method: &'static str,
}

impl Loss {
    pub fn new(original_samples: usize, returned_points: usize, method: &'static str) -> Self {
        let factor = if returned_points == 0 {
            1.0
        } else {
            original_samples as f64 / returned_points as f64
        };
        Self {
            original_samples,
            returned_points,
            factor: (factor * 1000.0).round() / 1000.0,
            method,
        }
    }
}

/// Indices of the samples to keep so that at most `max_points` remain: all of them
/// when they fit, else, for each of `max_points / 2` equal buckets, its lowest and
/// its highest sample, in time order. Keeping both extremes keeps every peak (an
/// ECG's R waves), which a mean or a stride would flatten or skip.
pub fn min_max_indices(values: &[i64], max_points: usize) -> (Vec<usize>, &'static str) {
    let count = values.len();
    if count <= max_points.max(1) {
        return ((0..count).collect(), "none");
    }
    let buckets = (max_points / 2).max(1);
    let mut kept = Vec::with_capacity(buckets * 2);
    for bucket in 0..buckets {
        let from = bucket * count / buckets;
        let to = (bucket + 1) * count / buckets;
        let Some(slice) = values.get(from..to).filter(|s| !s.is_empty()) else {
            continue;
        };
        let (mut low, mut high) = (0, 0);
        for (offset, value) in slice.iter().enumerate() {
            if *value < slice[low] {
                low = offset;
            }
            if *value > slice[high] {
                high = offset;
            }
        }
        if low == high {
            // A flat bucket: its two ends stand for it.
            (low, high) = (0, slice.len() - 1);
        }
        let (first, second) = (low.min(high), low.max(high));
        kept.push(from + first);
        if second != first {
            kept.push(from + second);
        }
    }
    (kept, "min_max_per_bucket")
}

/// How the samples of one bucket become one value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// Counts and amounts (steps, metres, kcal): the bucket's total.
    Sum,
    /// Rates and levels (heart rate, SpO2): the mean of the bucket's samples.
    Mean,
}

impl Aggregation {
    pub fn method(self) -> &'static str {
        match self {
            Self::Sum => "sum_per_bucket",
            Self::Mean => "mean_per_bucket",
        }
    }
}

/// One bucket that had data.
#[derive(Debug, Clone, PartialEq)]
pub struct Bucket {
    /// Position from the window's start: bucket `n` covers
    /// `[start + n × width, start + (n + 1) × width)`.
    pub index: usize,
    pub value: f64,
    pub samples: usize,
}

/// Aggregates `(unix seconds, value)` samples into `width`-second buckets from
/// `start` up to `end` (exclusive). Buckets without a sample are absent: no data is
/// not zero. Samples outside the window are ignored.
pub fn buckets(
    samples: &[(i64, f64)],
    start: i64,
    end: i64,
    width: i64,
    aggregation: Aggregation,
) -> Vec<Bucket> {
    let width = width.max(1);
    let mut out: Vec<Bucket> = Vec::new();
    let mut sorted: Vec<&(i64, f64)> = samples
        .iter()
        .filter(|(at, _)| (start..end).contains(at))
        .collect();
    sorted.sort_by_key(|(at, _)| *at);
    for (at, value) in sorted {
        let index = ((at - start) / width) as usize;
        match out.last_mut() {
            Some(bucket) if bucket.index == index => {
                bucket.value += value;
                bucket.samples += 1;
            }
            _ => out.push(Bucket {
                index,
                value: *value,
                samples: 1,
            }),
        }
    }
    if aggregation == Aggregation::Mean {
        for bucket in &mut out {
            bucket.value /= bucket.samples as f64;
        }
    }
    out
}

/// How many buckets of `width` seconds cover `[start, end)`.
pub fn bucket_count(start: i64, end: i64, width: i64) -> usize {
    let width = width.max(1);
    ((end - start).max(0) + width - 1).div_euclid(width) as usize
}

/// Runs of consecutive empty buckets among `total`, as `(first, last)` inclusive.
pub fn empty_runs(filled: &[Bucket], total: usize) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut next = 0;
    for bucket in filled {
        if bucket.index > next {
            runs.push((next, bucket.index - 1));
        }
        next = bucket.index + 1;
    }
    if next < total {
        runs.push((next, total - 1));
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_series_is_returned_whole() {
        let (kept, method) = min_max_indices(&[3, 1, 2], 500);
        assert_eq!(kept, vec![0, 1, 2]);
        assert_eq!(method, "none");
        assert_eq!(Loss::new(3, 3, method).factor, 1.0);
    }

    #[test]
    fn min_max_keeps_every_extreme_and_the_exact_count() {
        // 9,000 samples (30 s at 300 Hz) with one sharp spike and one dip.
        let mut values: Vec<i64> = (0..9000).map(|i| (i % 7) as i64).collect();
        values[4321] = 1200;
        values[7777] = -450;
        let (kept, method) = min_max_indices(&values, 500);
        assert_eq!(method, "min_max_per_bucket");
        assert_eq!(kept.len(), 500, "250 buckets × (min, max)");
        assert!(kept.windows(2).all(|w| w[0] < w[1]), "time order");
        let picked: Vec<i64> = kept.iter().map(|&i| values[i]).collect();
        assert_eq!(picked.iter().max(), Some(&1200), "the spike survives");
        assert_eq!(picked.iter().min(), Some(&-450), "the dip survives");
        assert!(kept.contains(&4321) && kept.contains(&7777));
        let loss = Loss::new(values.len(), kept.len(), method);
        assert_eq!(
            (loss.original_samples, loss.returned_points, loss.factor),
            (9000, 500, 18.0)
        );
    }

    #[test]
    fn an_odd_budget_is_never_exceeded_and_flat_buckets_keep_their_ends() {
        let values = vec![5; 1001];
        let (kept, _) = min_max_indices(&values, 11);
        assert_eq!(kept.len(), 10);
        assert_eq!(kept[0], 0);
        assert_eq!(kept[1], 199, "the first bucket is samples 0..200");
    }

    #[test]
    fn buckets_sum_counts_average_rates_and_leave_empty_ones_out() {
        let start = 1_000_000;
        let samples = [
            (start, 10.0),
            (start + 60, 20.0),
            (start + 900, 5.0), // bucket 3 with 300 s buckets
            (start + 1200, 7.0),
            (start - 60, 99.0),   // before the window
            (start + 3000, 99.0), // at the end, excluded
        ];
        let sums = buckets(&samples, start, start + 3000, 300, Aggregation::Sum);
        let got: Vec<(usize, f64, usize)> =
            sums.iter().map(|b| (b.index, b.value, b.samples)).collect();
        assert_eq!(got, vec![(0, 30.0, 2), (3, 5.0, 1), (4, 7.0, 1)]);
        let means = buckets(&samples, start, start + 3000, 300, Aggregation::Mean);
        assert_eq!(means[0].value, 15.0);
        let total = bucket_count(start, start + 3000, 300);
        assert_eq!(total, 10);
        assert_eq!(empty_runs(&sums, total), vec![(1, 2), (5, 9)]);
        assert_eq!(bucket_count(0, 301, 300), 2, "a partial bucket counts");
    }
}
