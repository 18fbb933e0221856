//! Exact order statistics: the quantiles of `summary.csv` as the true order statistics of
//! the trials' values, for batches of up to [`EXACT_MAX_TRIALS`] trials.
//!
//! The [`QuantileSketch`](crate::QuantileSketch) bounds memory but rounds every value to its
//! log bucket, so with a few hundred trials neighbouring quantiles often coincide. Exact
//! quantiles need every value, which no bounded memory can hold for 10⁵ trials × 10⁴⁺ cells;
//! so the values are streamed out instead: after each block [`run_batch`](crate::run_batch)
//! hands its sink a [`BlockValues`] (the block's values, cell-major), which the binary
//! appends to a file (`remsim-io` owns the format). At the end the file is read back a
//! group of cells at a time — a group holds at most [`GROUP_VALUES`] values, so memory stays
//! flat whatever the trial count — and [`exact_quantiles`] selects each cell's order
//! statistics. Shards are merged exactly by reading every shard's file: the union of their
//! values is the batch's values, in any order.
//!
//! The rank rule is the sketch's: quantile `q` of `n` accepted values is the value of
//! 0-based rank `⌊q·(n−1)⌋` in ascending order. Values the cells refuse (NaN, ±∞,
//! |x| ≥ 2⁶⁴) are left out, and `-0.0` counts as `0.0`, exactly as [`CellStats`] does.
//!
//! [`CellStats`]: crate::CellStats

use crate::cell::QUANTILES;
use crate::exact::ExactSum;
use remsim_core::Trajectory;

/// Largest batch (trials, all shards) whose quantiles are exact; above it the sketch's
/// quantiles are written, each within [`SKETCH_REL_ERROR`] of the exact order statistic.
pub const EXACT_MAX_TRIALS: u64 = 100_000;

/// Relative error bound of a sketch quantile: the returned value is within this fraction
/// of a value whose rank is the requested one (the sketch's log buckets are 1.5625% wide).
pub const SKETCH_REL_ERROR: f64 = 0.0078;

/// Values held at once while selecting quantiles from a stream of blocks (8 MiB of `f64`):
/// the most the exact quantiles add to a batch's memory, whatever its trial count.
pub const GROUP_VALUES: usize = 1024 * 1024;

/// How a batch's quantiles are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuantileMethod {
    /// Exact order statistics.
    Exact,
    /// The log-bucket sketch (relative error ≤ [`SKETCH_REL_ERROR`]).
    Sketch,
}

impl QuantileMethod {
    /// The method for a batch of `trials` trials (all shards together).
    pub fn for_trials(trials: u64) -> QuantileMethod {
        if trials <= EXACT_MAX_TRIALS {
            QuantileMethod::Exact
        } else {
            QuantileMethod::Sketch
        }
    }

    /// Relative error bound of its quantiles (0 when exact).
    pub fn rel_error(self) -> f64 {
        match self {
            QuantileMethod::Exact => 0.0,
            QuantileMethod::Sketch => SKETCH_REL_ERROR,
        }
    }

    /// `exact` or `sketch`, as `manifest.json` records it.
    pub fn name(self) -> &'static str {
        match self {
            QuantileMethod::Exact => "exact",
            QuantileMethod::Sketch => "sketch",
        }
    }
}

/// One block's metric values, cell-major: `values[cell * len + i]` is trial
/// `first_trial + i`'s value at cell `cell` (cells tick-major, as in [`Trajectory`]).
#[derive(Debug, Clone, PartialEq)]
pub struct BlockValues {
    /// First trial of the block.
    pub first_trial: u64,
    /// Trials in the block.
    pub len: usize,
    /// The values, cell-major.
    pub values: Vec<f64>,
}

impl BlockValues {
    /// The values of consecutive trials' trajectories (all of one shape), transposed.
    pub fn from_trajectories(first_trial: u64, trajectories: &[&Trajectory]) -> BlockValues {
        let len = trajectories.len();
        let n_cells = trajectories.first().map_or(0, |t| t.values.len());
        let mut values = vec![0.0; n_cells * len];
        for (i, t) in trajectories.iter().enumerate() {
            for (cell, &x) in t.values.iter().enumerate().take(n_cells) {
                if let Some(slot) = values.get_mut(cell * len + i) {
                    *slot = x;
                }
            }
        }
        BlockValues {
            first_trial,
            len,
            values,
        }
    }

    /// Number of cells.
    pub fn n_cells(&self) -> usize {
        self.values.len().checked_div(self.len).unwrap_or(0)
    }
}

/// Cells per group when `trials` values per cell are selected together, so that a group
/// holds at most [`GROUP_VALUES`] values (at least one cell).
pub fn cells_per_group(trials: u64) -> usize {
    (GROUP_VALUES as u64 / trials.max(1)).max(1) as usize
}

/// Up to this many values, [`exact_quantiles`] sorts them instead of selecting each rank.
const SORT_BELOW: usize = 32;

/// The exact p01 … p99 ([`QUANTILES`]) of `values`, by the sketch's rank rule (see the
/// module docs); `None` when no value is accepted. Reorders `values` (and may overwrite
/// them).
pub fn exact_quantiles(values: &mut [f64]) -> Option<[f64; 7]> {
    // The accepted values, -0.0 as 0.0, moved to the front in place.
    let mut n = 0;
    for i in 0..values.len() {
        let x = values[i];
        if ExactSum::accepts(x) {
            values[n] = if x == 0.0 { 0.0 } else { x };
            n += 1;
        }
    }
    let values = &mut values[..n];
    if n == 0 {
        return None;
    }
    // ⌊q·(n−1)⌋: the product is ≥ 0, where `as` (truncation) is the floor.
    let ranks = QUANTILES.map(|q| ((q * (n - 1) as f64) as usize).min(n - 1));
    if n <= SORT_BELOW {
        // A few values: one small sort costs less than seven selections. The values are
        // finite with no -0.0, where `<` orders them as `total_cmp` does (values that
        // compare equal have the same bits), so the value at each rank is the same as
        // selecting by `total_cmp`; `<` is the cheaper comparison.
        values.sort_unstable_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
        return Some(ranks.map(|rank| values[rank]));
    }
    let mut out = [f64::NAN; 7];
    // Ranks ascend, so each selection works on what lies above the previous one.
    let mut lower = 0usize;
    for (slot, &rank) in out.iter_mut().zip(&ranks) {
        let Some(rest) = values.get_mut(lower..) else {
            break;
        };
        let (_, nth, _) = rest.select_nth_unstable_by(rank - lower, f64::total_cmp);
        *slot = *nth;
        lower = rank;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn by_sorting(values: &[f64]) -> Option<[f64; 7]> {
        let mut sorted: Vec<f64> = values
            .iter()
            .copied()
            .filter(|x| ExactSum::accepts(*x))
            .map(|x| if x == 0.0 { 0.0 } else { x })
            .collect();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        (n > 0).then(|| QUANTILES.map(|q| sorted[(q * (n - 1) as f64).floor() as usize]))
    }

    #[test]
    fn small_cases() {
        assert_eq!(exact_quantiles(&mut []), None);
        assert_eq!(exact_quantiles(&mut [f64::NAN, f64::INFINITY]), None);
        assert_eq!(exact_quantiles(&mut [3.0]), Some([3.0; 7]));
        let mut hundred: Vec<f64> = (0..101).rev().map(f64::from).collect();
        assert_eq!(
            exact_quantiles(&mut hundred),
            Some([1.0, 5.0, 25.0, 50.0, 75.0, 95.0, 99.0])
        );
        assert_eq!(exact_quantiles(&mut [-0.0, 0.0]), Some([0.0; 7]));
    }

    #[test]
    fn block_values_transpose() {
        let names: std::sync::Arc<[String]> = vec!["a".to_string(), "b".to_string()].into();
        let start = remsim_core::Month::new(2025, 1).unwrap();
        let mut t0 = Trajectory::zeros(start, names.clone(), 1);
        let mut t1 = Trajectory::zeros(start, names, 1);
        t0.values = vec![1.0, 2.0];
        t1.values = vec![3.0, 4.0];
        let b = BlockValues::from_trajectories(7, &[&t0, &t1]);
        assert_eq!(b.values, vec![1.0, 3.0, 2.0, 4.0]);
        assert_eq!((b.first_trial, b.len, b.n_cells()), (7, 2, 2));
    }

    proptest! {
        #[test]
        fn selection_equals_sorting(values in prop::collection::vec(
            prop_oneof![-1e6f64..1e6, Just(0.0), Just(-0.0), Just(f64::NAN), Just(1.5)], 0..400)
        ) {
            let expected = by_sorting(&values);
            let got = exact_quantiles(&mut values.clone());
            prop_assert_eq!(got.map(|q| q.map(f64::to_bits)), expected.map(|q| q.map(f64::to_bits)));
        }
    }
}
