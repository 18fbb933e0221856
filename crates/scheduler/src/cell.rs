//! [`CellStats`]: the mergeable statistics of one metric at one tick (or of one per-trial
//! outcome) across trials — count, exact sums, min, max and a [`QuantileSketch`].
//!
//! Every part merges exactly and in any order: counts and bucket counts are integers, sums
//! are [`ExactSum`]s, min and max are order-free. `-0.0` is folded as `0.0` so min and max
//! cannot depend on which zero came first.

use crate::exact::{ExactSum, LIMBS};
use crate::sketch::{QuantileSketch, SketchParts, SketchPartsError};

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
        if !ExactSum::accepts(x) {
            self.excluded += 1;
            return;
        }
        let x = x + 0.0; // -0.0 → 0.0
        self.count += 1;
        self.sum.add(x);
        self.sum_sq.add_square(x);
        if x < self.min {
            self.min = x;
        }
        if x > self.max {
            self.max = x;
        }
        self.sketch.add(x);
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
        let n = self.count;
        let has = n > 0;
        CellSummary {
            n,
            mean: has.then(|| self.sum.to_f64() / n as f64),
            sd: self.sum.variance(&self.sum_sq, n).map(f64::sqrt),
            min: has.then_some(self.min),
            quantiles: self.sketch.quantiles(QUANTILES, self.min, self.max),
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
