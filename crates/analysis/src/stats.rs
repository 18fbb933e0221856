//! Small statistics shared by the estimators: mean, population variance, sample standard
//! deviation, the 97.5% normal quantile and bootstrap index draws.

use rand::RngExt;
use remsim_core::rng::{stream_id, stream_rng};

/// The normal quantile of 0.975, the factor of a two-sided 95% interval (what SALib gets
/// from `norm.ppf(0.5 + 0.95 / 2)`).
pub const Z95: f64 = 1.959_963_984_540_054;

/// Arithmetic mean; NaN for an empty slice.
pub fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

/// Population variance (numpy's `var`, ddof 0).
pub fn var(x: &[f64]) -> f64 {
    let m = mean(x);
    x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / x.len() as f64
}

/// Sample standard deviation (ddof 1); 0 for fewer than two values.
pub fn sd(x: &[f64]) -> f64 {
    if x.len() < 2 {
        return 0.0;
    }
    let m = mean(x);
    (x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (x.len() - 1) as f64).sqrt()
}

/// `resamples` bootstrap index sets of `n` indices each, from the stream named `purpose`
/// of `seed`.
pub fn bootstrap(n: usize, resamples: usize, seed: u64, purpose: &str) -> Vec<Vec<usize>> {
    let mut rng = stream_rng(seed, 0, stream_id(purpose));
    (0..resamples)
        .map(|_| (0..n).map(|_| rng.random_range(0..n)).collect())
        .collect()
}
