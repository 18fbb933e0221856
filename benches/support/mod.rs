//! What the benchmarks and the profiler drivers share (`benches/batch.rs`,
//! `benches/performance.rs`, and `examples/fold.rs` and `examples/profile.rs`, which include
//! this file by path): one block of real baseline trajectories and their outcome rows, the
//! timing of one baseline trial, and this thread's CPU time.

// Each includer uses a different part of it.
#![allow(dead_code)]

use criterion::Bencher;
use remsim_core::Trajectory;
use remsim_scenario::Scenario;
use remsim_scheduler::{OutcomeSpec, OutcomeValue};
use std::hint::black_box;

/// 32 trials of the embedded baseline (seed 1) and each one's row of outcomes.
pub fn baseline_block() -> (Vec<Trajectory>, Vec<Vec<OutcomeValue>>) {
    let scenario = remsim_scenario::Scenario::baseline().expect("the embedded baseline loads");
    let block: Vec<Trajectory> = (0..32)
        .map(|t| {
            let config = scenario.draw(1, t).expect("a baseline trial draws");
            remsim_sim::run_trial(&config, 1, t).expect("a baseline trial runs")
        })
        .collect();
    let spec = OutcomeSpec::new(&block[0].metric_names, block[0].start, block[0].n_ticks);
    let rows = block.iter().map(|t| spec.compute(t)).collect();
    (block, rows)
}

/// The block as the fold takes it: each trajectory with its row of outcomes.
pub fn pairs<'a>(
    block: &'a [Trajectory],
    rows: &'a [Vec<OutcomeValue>],
) -> Vec<(&'a Trajectory, &'a [OutcomeValue])> {
    block
        .iter()
        .zip(rows)
        .map(|(t, r)| (t, r.as_slice()))
        .collect()
}

/// Times one trial of `scenario` (master seed 42) per iteration, draw and run, each
/// iteration a new trial index (`trial` counts on across benchmarks).
pub fn time_trial(b: &mut Bencher<'_>, scenario: &Scenario, trial: &mut u64) {
    b.iter(|| {
        *trial += 1;
        let config = scenario.draw(42, *trial).expect("a trial draws");
        black_box(remsim_sim::run_trial(&config, 42, *trial).expect("a trial runs"))
    })
}

/// CPU time this thread has run, in ms (0 where the kernel does not say).
pub fn cpu_ms() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .next()
                .and_then(|x| x.parse::<f64>().ok())
        })
        .unwrap_or(0.0)
        / 1e6
}
