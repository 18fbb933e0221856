//! [`CellStats`]: the mergeable statistics of one metric at one tick (or of one per-trial
//! outcome) across trials — count, exact sums, min, max and a [`QuantileSketch`].
//!
//! Every part merges exactly and in any order: counts and bucket counts are integers, sums
//! are [`ExactSum`]s, min and max are order-free. `-0.0` is folded as `0.0` so min and max
//! cannot depend on which zero came first.

use crate::exact::{ExactSum, LIMBS, TermSums};
use crate::sketch::{QuantileSketch, SketchParts, SketchPartsError};

/// Values [`CellStats::add_values`] gathers on the stack at a time.
const RUN: usize = 64;

/// The accepted values of `chunk` (at most [`RUN`] long), first in the array, and how many.
fn accepted_only(chunk: &[f64]) -> ([f64; RUN], usize) {
    let mut run = [0.0f64; RUN];
    let mut n = 0;
    for &x in chunk {
        if ExactSum::accepts(x)
            && let Some(slot) = run.get_mut(n)
        {
            *slot = x;
            n += 1;
        }
    }
    (run, n)
}

/// The quantiles reported per cell, in `summary.csv` column order (p01 … p99).
pub const QUANTILES: [f64; 7] = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99];

/// Statistics of one cell; see the module docs.
#[derive(Debug, Clone, PartialEq)]
pub struct CellStats {
    count: u64,
    excluded: u64,
    sum: ExactSum,
    sum_sq: ExactSum,
    min: f64,
    max: f64,
    sketch: QuantileSketch,
}

impl Default for CellStats {
    fn default() -> Self {
        CellStats::new()
    }
}

/// The storage form of a [`CellStats`] (plain data, for `remsim-io`'s records).
#[derive(Debug, Clone, PartialEq)]
pub struct CellParts {
    /// Values folded (finite, |x| < 2⁶⁴).
    pub count: u64,
    /// Values left out: NaN, ±∞ or |x| ≥ 2⁶⁴.
    pub excluded: u64,
    /// Limbs of the exact sum.
    pub sum: [u64; LIMBS],
    /// Limbs of the exact sum of squares.
    pub sum_sq: [u64; LIMBS],
    /// Smallest value (+∞ when empty).
    pub min: f64,
    /// Largest value (−∞ when empty).
    pub max: f64,
    /// The quantile sketch.
    pub sketch: SketchParts,
}

/// [`CellParts`] with the sketch's bucket counts borrowed, not copied: what a writer
/// encodes without allocating.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellPartsRef<'a> {
    /// Values folded (finite, |x| < 2⁶⁴).
    pub count: u64,
    /// Values left out: NaN, ±∞ or |x| ≥ 2⁶⁴.
    pub excluded: u64,
    /// Limbs of the exact sum.
    pub sum: [u64; LIMBS],
    /// Limbs of the exact sum of squares.
    pub sum_sq: [u64; LIMBS],
    /// Smallest value (+∞ when empty).
    pub min: f64,
    /// Largest value (−∞ when empty).
    pub max: f64,
    /// The sketch's zeros ([`SketchParts::zeros`]).
    pub zeros: u64,
    /// The sketch's positive buckets: first key and counts ([`SketchParts::positive`]).
    pub positive: (i32, &'a [u32]),
    /// The sketch's negative buckets, likewise.
    pub negative: (i32, &'a [u32]),
}

/// What one cell reports: the `summary.csv` numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellSummary {
    /// Values folded.
    pub n: u64,
    /// Mean (`None` when n = 0).
    pub mean: Option<f64>,
    /// Sample standard deviation (`None` when n < 2).
    pub sd: Option<f64>,
    /// Smallest value.
    pub min: Option<f64>,
    /// p01, p05, p25, p50, p75, p95, p99 (within 0.78% relative error).
    pub quantiles: Option<[f64; 7]>,
    /// Largest value.
    pub max: Option<f64>,
}

impl CellStats {
    /// No values yet.
    pub fn new() -> CellStats {
        CellStats {
            count: 0,
            excluded: 0,
            sum: ExactSum::ZERO,
            sum_sq: ExactSum::ZERO,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            sketch: QuantileSketch::new(),
        }
    }

    /// Folds one value.
    pub fn add(&mut self, x: f64) {
        self.add_values(std::slice::from_ref(&x));
    }

    /// Folds a run of values (e.g. one cell of a block of trials): the same result as
    /// [`CellStats::add`] on each, in any order, at a fraction of the cost.
    ///
    /// The values are folded pass by pass, a run of at most [`RUN`] at a time: acceptance
    /// (the accepted ones copied to the stack only when some are refused), extremes, the
    /// exact sums through [`TermSums::add_run`] — carried once per call instead of once per
    /// value — and the sketch in a pass of its own, so that its bucket updates (scattered
    /// over memory, a cache miss each at first) are close enough together for the processor
    /// to overlap their misses.
    #[inline]
    pub fn add_values(&mut self, values: &[f64]) {
        let mut terms = TermSums::new();
        for chunk in values.chunks(RUN) {
            let all_accepted = chunk.iter().fold(true, |ok, &x| ok & ExactSum::accepts(x));
            // Only a chunk with refused values is copied (no stack buffer to clear otherwise).
            let run: [f64; RUN];
            let accepted = if all_accepted {
                chunk
            } else {
                let n;
                (run, n) = accepted_only(chunk);
                self.excluded += (chunk.len() - n) as u64;
                &run[..n]
            };
            if accepted.is_empty() {
                continue;
            }
            self.count += accepted.len() as u64;
            let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
            for &x in accepted {
                if x < min {
                    min = x;
                }
                if x > max {
                    max = x;
                }
            }
            // −0.0 → 0.0: the two compare equal, so only the result needs it.
            let (min, max) = (min + 0.0, max + 0.0);
            if min < self.min {
                self.min = min;
            }
            if max > self.max {
                self.max = max;
            }
            terms.add_run(accepted, max.max(-min));
            self.sketch.add_finite_run(accepted);
        }
        terms.add_to(&mut self.sum, &mut self.sum_sq);
    }

    /// Folds another cell's values (exact and order-free).
    pub fn merge(&mut self, other: &CellStats) {
        self.count += other.count;
        self.excluded += other.excluded;
        self.sum.merge(&other.sum);
        self.sum_sq.merge(&other.sum_sq);
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        self.sketch.merge(&other.sketch);
    }

    /// Values folded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Values left out (non-finite or too large).
    pub fn excluded(&self) -> u64 {
        self.excluded
    }

    /// Mean, standard deviation, extremes and quantiles.
    pub fn summary(&self) -> CellSummary {
        self.summary_with(true)
    }

    /// [`CellStats::summary`], the quantiles left out (`None`) unless `quantiles`.
    pub fn summary_with(&self, quantiles: bool) -> CellSummary {
        let n = self.count;
        let has = n > 0;
        CellSummary {
            n,
            mean: has.then(|| self.sum.to_f64() / n as f64),
            sd: self.sum.variance(&self.sum_sq, n).map(f64::sqrt),
            min: has.then_some(self.min),
            quantiles: if quantiles {
                self.sketch.quantiles(QUANTILES, self.min, self.max)
            } else {
                None
            },
            max: has.then_some(self.max),
        }
    }

    /// The quantile `q` alone (same rank rule as [`CellStats::summary`]).
    pub fn quantile(&self, q: f64) -> Option<f64> {
        self.sketch.quantiles([q], self.min, self.max).map(|[v]| v)
    }

    /// Exact sum of the values, rounded to f64.
    pub fn sum(&self) -> f64 {
        self.sum.to_f64()
    }

    /// The storage form.
    pub fn to_parts(&self) -> CellParts {
        CellParts {
            count: self.count,
            excluded: self.excluded,
            sum: self.sum.limbs(),
            sum_sq: self.sum_sq.limbs(),
            min: self.min,
            max: self.max,
            sketch: self.sketch.to_parts(),
        }
    }

    /// The storage form, the bucket counts borrowed ([`CellStats::to_parts`] copies them).
    pub fn parts_ref(&self) -> CellPartsRef<'_> {
        let [positive, negative] = self.sketch.runs();
        CellPartsRef {
            count: self.count,
            excluded: self.excluded,
            sum: self.sum.limbs(),
            sum_sq: self.sum_sq.limbs(),
            min: self.min,
            max: self.max,
            zeros: self.sketch.zeros(),
            positive,
            negative,
        }
    }

    /// A cell from its storage form; checks that the sketch holds `count` values.
    pub fn from_parts(parts: &CellParts) -> Result<CellStats, SketchPartsError> {
        let sketch = QuantileSketch::from_parts(&parts.sketch)?;
        if sketch.count() != parts.count {
            return Err(SketchPartsError::CountMismatch {
                sketch: sketch.count(),
                cell: parts.count,
            });
        }
        Ok(CellStats {
            count: parts.count,
            excluded: parts.excluded,
            sum: ExactSum::from_limbs(parts.sum),
            sum_sq: ExactSum::from_limbs(parts.sum_sq),
            min: parts.min,
            max: parts.max,
            sketch,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The per-value fold as it was before `add_values` (issue 8): the reference the fast
    /// path must equal bit for bit.
    fn reference(values: &[f64]) -> CellParts {
        let (mut count, mut excluded) = (0u64, 0u64);
        let (mut sum, mut sum_sq) = (ExactSum::ZERO, ExactSum::ZERO);
        let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
        let mut sketch = QuantileSketch::new();
        for &x in values {
            if !(x.is_finite() && x.abs() < crate::exact::MAX_TERM) {
                excluded += 1;
                continue;
            }
            let x = x + 0.0;
            count += 1;
            sum.add(x);
            sum_sq.add_square(x);
            if x < min {
                min = x;
            }
            if x > max {
                max = x;
            }
            sketch.add(x);
        }
        CellParts {
            count,
            excluded,
            sum: sum.limbs(),
            sum_sq: sum_sq.limbs(),
            min,
            max,
            sketch: sketch.to_parts(),
        }
    }

    fn value() -> impl Strategy<Value = f64> {
        prop_oneof![
            -1e3f64..1e3,
            1e-3f64..1e6,
            Just(0.0),
            Just(-0.0),
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(f64::NEG_INFINITY),
            Just(f64::MIN_POSITIVE / 8.0), // subnormal
            Just(-5e-324),
            Just(crate::exact::MAX_TERM), // 2^64: refused
            Just(f64::from_bits(crate::exact::MAX_TERM.to_bits() - 1)), // largest accepted
            // Every binade a finite f64 has, both signs.
            (any::<bool>(), -1074i32..64, 1.0f64..2.0).prop_map(|(neg, e, m)| {
                let x = m * 2f64.powi(e);
                if neg { -x } else { x }
            }),
        ]
    }

    /// Runs whose values share a few binades (the fast window) with a few outliers.
    fn clustered() -> impl Strategy<Value = Vec<f64>> {
        (
            -80i32..40,
            prop::collection::vec((0i32..14, 1.0f64..2.0, any::<bool>()), 0..150),
        )
            .prop_map(|(e0, parts)| {
                parts
                    .into_iter()
                    .map(|(d, m, neg)| {
                        let x = m * 2f64.powi(e0 + d);
                        if neg { -x } else { x }
                    })
                    .collect()
            })
    }

    proptest! {
        /// `add_values` on any run, and `add` value by value, equal the reference.
        #[test]
        fn add_values_equals_the_per_value_fold(
            values in prop_oneof![prop::collection::vec(value(), 0..200), clustered()],
            split in 0usize..200,
        ) {
            let expected = reference(&values);
            let mut whole = CellStats::new();
            whole.add_values(&values);
            prop_assert_eq!(whole.to_parts(), expected.clone());
            let mut one_by_one = CellStats::new();
            for &x in &values {
                one_by_one.add(x);
            }
            prop_assert_eq!(one_by_one.to_parts(), expected.clone());
            let split = split.min(values.len());
            let mut halves = CellStats::new();
            halves.add_values(&values[..split]);
            halves.add_values(&values[split..]);
            prop_assert_eq!(halves.to_parts(), expected);
        }
    }

    #[test]
    fn summary_cases() {
        let mut c = CellStats::new();
        assert_eq!(
            c.summary(),
            CellSummary {
                n: 0,
                mean: None,
                sd: None,
                min: None,
                quantiles: None,
                max: None
            }
        );
        for v in [
            2.0,
            4.0,
            f64::NAN,
            4.0,
            4.0,
            5.0,
            5.0,
            7.0,
            9.0,
            f64::INFINITY,
        ] {
            c.add(v);
        }
        let s = c.summary();
        assert_eq!((s.n, c.excluded()), (8, 2));
        assert_eq!(s.mean, Some(5.0));
        assert_eq!(s.sd, Some((32.0f64 / 7.0).sqrt()));
        assert_eq!((s.min, s.max), (Some(2.0), Some(9.0)));
    }

    #[test]
    fn negative_zero_is_zero() {
        let mut a = CellStats::new();
        a.add(-0.0);
        a.add(0.0);
        let mut b = CellStats::new();
        b.add(0.0);
        b.add(-0.0);
        assert_eq!(a.to_parts(), b.to_parts());
        assert!(a.summary().min.unwrap().is_sign_positive());
    }
}
