//! A driver for profilers of the per-trial aggregation fold (issue 8): runs a block of 32
//! baseline trials first, then folds that block into fresh `BatchAggregates` R times on a
//! one-thread rayon pool and prints wall and CPU time per trial folded, and a checksum of
//! the aggregates (equal before and after an optimisation that changes no output). Not a
//! benchmark: see `cargo bench --bench batch -- fold` and `docs/batch.md`.
//!
//! `cargo run --release --example fold -- [R]`; under callgrind,
//! `--collect-atstart=no --toggle-collect='fold::steady_fold'` counts the instructions of
//! the steady-state folds alone (the trials and the first fold of each round, which opens
//! the sketches' windows, run uncounted).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../benches/support/mod.rs"]
mod support;

use remsim_core::Trajectory;
use remsim_scheduler::{BatchAggregates, OutcomeValue, Shape};
use std::time::Instant;
use support::cpu_ms;

/// The measured fold: a block into aggregates that have seen one already.
#[inline(never)]
fn steady_fold(aggregates: &mut BatchAggregates, pairs: &[(&Trajectory, &[OutcomeValue])]) {
    aggregates.fold_block(pairs);
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rounds: usize = std::env::args().nth(1).map_or(Ok(10), |s| s.parse())?;
    let (block, rows) = support::baseline_block();
    let pairs = support::pairs(&block, &rows);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;
    let mut best_wall = f64::INFINITY;
    let mut checksum = 0.0;
    pool.install(|| {
        for _ in 0..rounds {
            // Two blocks per round, so the second folds into windows the first opened (the
            // steady state of a batch).
            let mut aggregates = BatchAggregates::new(Shape::of(&block[0]));
            aggregates.fold_block(&pairs);
            let cpu = cpu_ms();
            let wall = Instant::now();
            steady_fold(&mut aggregates, &pairs);
            let wall = wall.elapsed().as_secs_f64() * 1e3;
            let cpu = cpu_ms() - cpu;
            best_wall = best_wall.min(wall);
            println!(
                "wall {:.3} ms/trial, cpu {:.3} ms/trial",
                wall / pairs.len() as f64,
                cpu / pairs.len() as f64
            );
            checksum = aggregates
                .summary_rows()
                .map(|r| r.summary.mean.unwrap_or(0.0) + r.summary.quantiles.map_or(0.0, |q| q[3]))
                .sum::<f64>();
        }
    });
    println!(
        "best wall {:.3} ms/trial (checksum {checksum:e})",
        best_wall / pairs.len() as f64
    );
    Ok(())
}
