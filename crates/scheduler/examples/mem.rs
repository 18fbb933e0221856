//! Memory probe: runs a toy batch of TRIALS trials (99 metrics × 312 months, like the
//! baseline) and prints the sketch buckets in use and the process's peak memory, to check
//! that memory does not grow with the number of trials.
//!
//! `cargo run --release -p remsim-scheduler --example mem -- 100 20000`

use remsim_core::Month;
use remsim_scheduler::toy::{ToyShape, toy_trial};
use remsim_scheduler::*;
use std::convert::Infallible;

/// Peak resident memory so far, MiB (Linux).
fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<f64>().ok()? / 1024.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let trials: u64 = match std::env::args().nth(1) {
        Some(n) => n.parse()?,
        None => return Err("usage: mem TRIALS".into()),
    };
    let shape = ToyShape::baseline_sized(Month::new(2025, 1).ok_or("no month")?, 0);
    let end = run_batch(
        0..trials,
        BatchState::start(0),
        &BatchConfig::with_threads(2),
        |t| Ok::<_, Infallible>(toy_trial(&shape, 1, t)),
        &|| {},
        &mut DiscardRows,
    )?;
    let (BatchEnd::Finished(state) | BatchEnd::Stopped(state)) = end;
    let peak = peak_mib().unwrap_or(f64::NAN);
    let aggregates = state.aggregates.ok_or("no trial ran")?;
    let buckets: usize = aggregates
        .stored_cells()
        .map(|c| {
            let p = c.to_parts().sketch;
            p.positive.counts.len() + p.negative.counts.len()
        })
        .sum();
    let cells = aggregates.stored_counts().0;
    println!(
        "{trials} trials: {cells} cells, {:.0} occupied buckets per cell, peak memory {peak:.1} MiB",
        buckets as f64 / cells as f64
    );
    Ok(())
}
