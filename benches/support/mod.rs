//! What the fold benchmarks share (`benches/batch.rs` and `examples/fold.rs`, which includes
//! this file by path): one block of real baseline trajectories and their outcome rows.

use remsim_core::Trajectory;
use remsim_scheduler::{OutcomeSpec, OutcomeValue};

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
