//! Variance-based sensitivity: Saltelli's design and the first-order and total Sobol'
//! indices, computed as SALib's `sobol.analyze` computes them with second-order indices
//! off.
//!
//! The design ([`saltelli_design`]) is SALib's `saltelli.sample` in the unit cube: a
//! `2D`-dimensional Sobol' sequence whose first `skip` points are dropped (`skip` = the
//! next power of two ≥ N, at least 16, as SALib does), split into matrices A (first D
//! columns) and B (last D); for each base row, the rows A, AB₁ … AB_D (A with column j from
//! B), B — `N (D + 2)` rows in all. The estimators ([`sobol_indices`]) standardise the
//! outputs first (as SALib does), then: first order Sᵢ = mean(B·(ABᵢ − A)) / V (Saltelli
//! et al. 2010), total STᵢ = mean((A − ABᵢ)²) / 2V (Jansen 1999), V the variance of A and B
//! together; each with a 95% interval of ±1.96 × the sd of the estimate over bootstrap
//! resamples of the base rows.

use crate::sobol_seq::sobol_points;
use crate::stats::{Z95, bootstrap, mean, sd, var};

/// One parameter's indices for one outcome.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SobolIndex {
    /// First-order index.
    pub s1: f64,
    /// Half-width of its 95% bootstrap interval.
    pub s1_conf: f64,
    /// Total index.
    pub st: f64,
    /// Half-width of its 95% bootstrap interval.
    pub st_conf: f64,
}

/// How many leading Sobol' points SALib's `saltelli.sample` skips for `n` base rows.
pub fn skip_for(n: usize) -> usize {
    n.next_power_of_two().max(16)
}

/// Saltelli's design for `n` base rows and `d` parameters in the unit cube (see the module
/// docs); `None` when the sequence cannot provide it (too many dimensions or points).
pub fn saltelli_design(n: usize, d: usize) -> Option<Vec<Vec<f64>>> {
    let base = sobol_points(n, 2 * d, skip_for(n))?;
    let mut rows = Vec::with_capacity(n * (d + 2));
    for point in &base {
        let (a, b) = point.split_at(d);
        rows.push(a.to_vec());
        for j in 0..d {
            let mut ab = a.to_vec();
            ab[j] = b[j];
            rows.push(ab);
        }
        rows.push(b.to_vec());
    }
    Some(rows)
}

/// The indices of each of `d` parameters from outputs `y` in design order (`N (D + 2)`
/// values); `None` if `y` is not of that length. `resamples` bootstrap resamples drawn
/// from `seed`. A constant output gives zeros, as in SALib.
pub fn sobol_indices(y: &[f64], d: usize, resamples: usize, seed: u64) -> Option<Vec<SobolIndex>> {
    let step = d + 2;
    if y.is_empty() || !y.len().is_multiple_of(step) {
        return None;
    }
    let n = y.len() / step;
    let (m, s) = (mean(y), var(y).sqrt());
    let z: Vec<f64> = y
        .iter()
        .map(|v| if s > 0.0 { (v - m) / s } else { 0.0 })
        .collect();
    let column = |k: usize| -> Vec<f64> { (0..n).map(|i| z[i * step + k]).collect() };
    let a = column(0);
    let b = column(step - 1);
    let draws = bootstrap(n, resamples, seed, "sobol-bootstrap");
    let pick = |x: &[f64], r: &[usize]| -> Vec<f64> { r.iter().map(|&i| x[i]).collect() };
    let indices = (0..d)
        .map(|j| {
            let ab = column(j + 1);
            let (s1, st) = estimate(&a, &ab, &b);
            let (s1s, sts): (Vec<f64>, Vec<f64>) = draws
                .iter()
                .map(|r| estimate(&pick(&a, r), &pick(&ab, r), &pick(&b, r)))
                .unzip();
            SobolIndex {
                s1,
                s1_conf: Z95 * sd(&s1s),
                st,
                st_conf: Z95 * sd(&sts),
            }
        })
        .collect();
    Some(indices)
}

/// (first order, total) from the columns A, ABⱼ, B.
fn estimate(a: &[f64], ab: &[f64], b: &[f64]) -> (f64, f64) {
    let both: Vec<f64> = a.iter().chain(b).copied().collect();
    let range = both.iter().copied().fold(f64::NEG_INFINITY, f64::max)
        - both.iter().copied().fold(f64::INFINITY, f64::min);
    let v = var(&both);
    if range <= f64::EPSILON || v <= f64::EPSILON {
        return (0.0, 0.0);
    }
    let n = a.len() as f64;
    let first = a
        .iter()
        .zip(ab)
        .zip(b)
        .map(|((a, ab), b)| b * (ab - a))
        .sum::<f64>()
        / n;
    let total = a
        .iter()
        .zip(ab)
        .map(|(a, ab)| (a - ab) * (a - ab))
        .sum::<f64>()
        / n;
    (first / v, 0.5 * total / v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    /// Ishigami (a = 7, b = 0.1) on [−π, π]³: analytic S1 = 0.314, 0.442, 0 and
    /// ST = 0.558, 0.442, 0.244.
    #[test]
    fn ishigami_indices_match_the_analytic_values() {
        let n = 4096;
        let design = saltelli_design(n, 3).unwrap();
        assert_eq!(design.len(), n * 5);
        let y: Vec<f64> = design
            .iter()
            .map(|u| {
                let x: Vec<f64> = u.iter().map(|v| -PI + 2.0 * PI * v).collect();
                x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
            })
            .collect();
        let s = sobol_indices(&y, 3, 100, 1).unwrap();
        let s1 = [0.3139, 0.4424, 0.0];
        let st = [0.5576, 0.4424, 0.2437];
        for j in 0..3 {
            assert!((s[j].s1 - s1[j]).abs() < 0.02, "S1[{j}] = {:?}", s[j]);
            assert!((s[j].st - st[j]).abs() < 0.02, "ST[{j}] = {:?}", s[j]);
            // The interval covers the truth and is of the size sampling error has.
            assert!(
                (s[j].s1 - s1[j]).abs() < s[j].s1_conf.max(0.005),
                "{:?}",
                s[j]
            );
            assert!(s[j].st_conf > 0.0 && s[j].st_conf < 0.1, "{:?}", s[j]);
        }
    }

    #[test]
    fn layout_is_a_then_each_ab_then_b() {
        let d = 2;
        let design = saltelli_design(4, d).unwrap();
        let base = sobol_points(4, 2 * d, skip_for(4)).unwrap();
        for (i, point) in base.iter().enumerate() {
            let rows = &design[i * (d + 2)..(i + 1) * (d + 2)];
            assert_eq!(rows[0], point[..d]);
            assert_eq!(rows[1], [point[2], point[1]]);
            assert_eq!(rows[2], [point[0], point[3]]);
            assert_eq!(rows[3], point[d..]);
        }
        assert!(sobol_indices(&[1.0; 7], d, 10, 0).is_none());
        let flat = sobol_indices(&[2.0; 16], d, 10, 0).unwrap();
        assert_eq!(flat[0].s1, 0.0);
    }
}
