//! [`toy_trial`]: a synthetic, deterministic stand-in for one simulated trial, with the
//! metric names of the simulation's contract. It exists to test and benchmark the batch
//! machinery (determinism, sharding, resume, memory) apart from the model: prices follow
//! seeded random walks, shortages are sparse, shares wander in [0, 1], profits change sign.

use crate::outcomes::REGIONS;
use rand::Rng;
use remsim_core::catalog as cat;
use remsim_core::rng::{stream_id, stream_rng};
use remsim_core::{Month, Trajectory};
use std::sync::Arc;

/// The toy's elements, in metric order.
const ELEMENTS: [&str; 6] = ["nd", "pr", "dy", "tb", "ce", "la"];

/// The metric names the toy writes: a subset of the simulation's, named through the
/// metric catalog.
pub fn toy_metric_names() -> Arc<[String]> {
    let mut names = Vec::new();
    for el in ELEMENTS {
        names.extend(REGIONS.map(|region| cat::PRICE.name(&[el, region])));
    }
    for el in ELEMENTS {
        names.extend([&cat::DEMAND, &cat::SHORTAGE, &cat::STOCK].map(|e| e.name(&[el])));
    }
    let scalars = [
        &cat::MINE_WORLD,
        &cat::MINE_CN_SHARE,
        &cat::SEPARATION_CN_SHARE,
        &cat::MAGNET_CN_SHARE,
        &cat::DEEP_PROCESSING_CN_SHARE,
        &cat::ROW_SUPPLY_SHARE,
        &cat::EV_REE_FREE_SHARE,
        &cat::WASTEWATER_CN,
    ];
    names.extend(scalars.map(|e| e.name(&[])));
    names.extend(REGIONS.map(|region| cat::RADIOACTIVE_RESIDUE.name(&[region])));
    names.extend(REGIONS.map(|region| cat::PROFIT.name(&[region])));
    names.push(cat::BALANCE.name(&[]));
    names.into()
}

/// A uniform draw in [0, 1).
fn uniform(rng: &mut impl Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// The shape of a toy batch.
#[derive(Debug, Clone)]
pub struct ToyShape {
    /// Metric names (from [`toy_metric_names`]).
    pub names: Arc<[String]>,
    /// First month.
    pub start: Month,
    /// Number of monthly ticks.
    pub n_ticks: usize,
    /// Extra rounds of arithmetic per value, to mimic a heavier model in throughput tests.
    pub work: u32,
}

impl ToyShape {
    /// A baseline-sized trial: the toy's metrics padded to 99 with `extra.<i>`, 312 months
    /// from `start`, `work` extra rounds per value (the examples' memory and scaling runs).
    pub fn baseline_sized(start: Month, work: u32) -> ToyShape {
        let mut names: Vec<String> = toy_metric_names().to_vec();
        names.extend((names.len()..99).map(|i| format!("extra.{i}")));
        ToyShape {
            names: names.into(),
            start,
            n_ticks: 312,
            work,
        }
    }
}

/// One toy trial; depends only on (shape, seed, trial).
pub fn toy_trial(shape: &ToyShape, seed: u64, trial: u64) -> Trajectory {
    let ToyShape {
        names,
        start,
        n_ticks,
        work,
    } = shape;
    let (start, n_ticks, work) = (*start, *n_ticks, *work);
    let mut t = Trajectory::zeros(start, names.clone(), n_ticks);
    let mut rng = stream_rng(seed, trial, stream_id("toy model"));
    let n = names.len();
    let mut state: Vec<f64> = (0..n).map(|_| 0.5 + uniform(&mut rng)).collect();
    for tick in 0..n_ticks {
        let row = t.tick_mut(tick);
        for (m, value) in row.iter_mut().enumerate() {
            let step = uniform(&mut rng) - 0.5;
            let mut s = state[m] * (1.0 + 0.05 * step);
            for _ in 0..work {
                s = (s * 1.000_000_1).sqrt() * s.sqrt().max(1e-300) / s.max(1e-300).sqrt();
            }
            state[m] = s;
            let name = &names[m];
            *value = if name.starts_with("price.") {
                60.0 * s
            } else if name.starts_with("shortage.") {
                if uniform(&mut rng) < 0.05 {
                    100.0 * s
                } else {
                    0.0
                }
            } else if name.contains("share") {
                (s / 2.0).clamp(0.0, 1.0)
            } else if name.starts_with("profit.") {
                100.0 * step + 10.0 * (s - 1.0)
            } else if name == "balance.max_rel_error" {
                1e-13 * s
            } else {
                1e4 * s
            };
        }
    }
    t
}
