//! Elementary effects (Morris 1991; μ* of Campolongo et al. 2007): a design of `r`
//! one-at-a-time trajectories on a `p`-level grid of the unit cube, and μ, μ*, σ of each
//! parameter's effects, computed as SALib's `morris.analyze` computes them (unscaled: an
//! effect is the change in output over the grid step Δ = p / (2 (p − 1)), signed as the
//! effect of an increase; 95% interval of μ* from bootstrap resamples of the effects).

use crate::stats::{Z95, bootstrap, mean, sd};
use rand::RngExt;
use remsim_core::rng::{stream_id, stream_rng};

/// One parameter's Morris measures for one outcome.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MorrisIndex {
    /// Mean elementary effect.
    pub mu: f64,
    /// Mean absolute elementary effect.
    pub mu_star: f64,
    /// Half-width of μ*'s 95% bootstrap interval.
    pub mu_star_conf: f64,
    /// Standard deviation of the elementary effects (ddof 1).
    pub sigma: f64,
}

/// The grid step of a `levels`-level design.
pub fn delta(levels: usize) -> f64 {
    levels as f64 / (2.0 * (levels as f64 - 1.0))
}

/// `trajectories` trajectories of `d + 1` rows each (SALib's layout): each starts at a
/// random grid point and moves every parameter once, in random order, by ±Δ (up where that
/// stays in the cube). Drawn from `seed`; `levels` must be even and ≥ 2.
pub fn morris_design(trajectories: usize, d: usize, levels: usize, seed: u64) -> Vec<Vec<f64>> {
    let levels = levels.max(2);
    let step = delta(levels);
    let top = (levels - 1) as f64;
    let mut rng = stream_rng(seed, 0, stream_id("morris-design"));
    let mut rows = Vec::with_capacity(trajectories * (d + 1));
    for _ in 0..trajectories {
        let mut x: Vec<f64> = (0..d)
            .map(|_| rng.random_range(0..levels) as f64 / top)
            .collect();
        let mut order: Vec<usize> = (0..d).collect();
        for i in (1..d).rev() {
            order.swap(i, rng.random_range(0..=i));
        }
        rows.push(x.clone());
        for &j in &order {
            if x[j] + step <= 1.0 + 1e-12 {
                x[j] += step;
            } else {
                x[j] -= step;
            }
            rows.push(x.clone());
        }
    }
    rows
}

/// The measures of each of `d` parameters from a design `x` (rows of `d` unit-cube
/// coordinates, trajectories of `d + 1` rows) and its outputs `y`; `None` if the shapes do
/// not fit or a step moves other than exactly one parameter.
pub fn morris_indices(
    x: &[Vec<f64>],
    y: &[f64],
    levels: usize,
    resamples: usize,
    seed: u64,
) -> Option<Vec<MorrisIndex>> {
    let d = x.first()?.len();
    let size = d + 1;
    if x.len() != y.len() || !x.len().is_multiple_of(size) {
        return None;
    }
    let step = delta(levels);
    let mut effects = vec![Vec::with_capacity(x.len() / size); d];
    for t in 0..x.len() / size {
        for k in t * size..(t + 1) * size - 1 {
            let moved: Vec<usize> = (0..d).filter(|&j| x[k + 1][j] != x[k][j]).collect();
            let [j] = moved[..] else {
                return None;
            };
            let up = x[k + 1][j] > x[k][j];
            let change = if up { y[k + 1] - y[k] } else { y[k] - y[k + 1] };
            effects[j].push(change / step);
        }
    }
    let n = x.len() / size;
    let draws = bootstrap(n, resamples, seed, "morris-bootstrap");
    let indices = effects
        .iter()
        .map(|ee| {
            let abs: Vec<f64> = ee.iter().map(|e| e.abs()).collect();
            let resampled: Vec<f64> = draws
                .iter()
                .map(|r| r.iter().map(|&i| abs[i]).sum::<f64>() / n as f64)
                .collect();
            MorrisIndex {
                mu: mean(ee),
                mu_star: mean(&abs),
                mu_star_conf: Z95 * sd(&resampled),
                sigma: sd(ee),
            }
        })
        .collect();
    Some(indices)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On y = 2·x₀ − 3·x₁ + x₀·x₂ the effects are known: x₀'s lie in [2, 3] (σ > 0), x₁'s are
    /// all −3 (μ* = 3, σ = 0), x₂'s lie in [0, 1] and x₃ has none.
    #[test]
    fn effects_of_a_known_function() {
        let d = 4;
        let x = morris_design(50, d, 4, 7);
        assert_eq!(x.len(), 50 * (d + 1));
        assert!(x.iter().flatten().all(|v| (0.0..=1.0).contains(v)));
        let y: Vec<f64> = x
            .iter()
            .map(|p| 2.0 * p[0] - 3.0 * p[1] + p[0] * p[2])
            .collect();
        let m = morris_indices(&x, &y, 4, 100, 0).unwrap();
        assert!(
            m[0].mu_star >= 2.0 && m[0].mu_star <= 3.0 && m[0].sigma > 0.0,
            "{:?}",
            m[0]
        );
        assert!(
            (m[1].mu_star - 3.0).abs() < 1e-9 && m[1].sigma < 1e-9,
            "{:?}",
            m[1]
        );
        assert!((m[1].mu + 3.0).abs() < 1e-9);
        assert!(m[2].mu_star >= 0.0 && m[2].mu_star <= 1.0);
        assert!(m[3].mu_star.abs() < 1e-12);
        assert!(m[0].mu_star_conf > 0.0);
        assert!(morris_indices(&x, &y[1..], 4, 10, 0).is_none());
    }
}
