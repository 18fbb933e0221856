//! A driver for profilers of `Scenario::draw` (issue 8): draws N trials' configs of a
//! scenario and prints the time per draw, after the time per clone of the central config
//! (the floor of a draw that writes into a copy of it). Not a benchmark: see `remsim bench`,
//! which reports the same cost as "draw the config".
//!
//! `cargo run --release -p remsim-scenario --example draw -- [N] [CONFIG]`

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: u64 = std::env::args().nth(1).map_or(Ok(2000), |s| s.parse())?;
    let scenario = match std::env::args().nth(2) {
        Some(path) => remsim_scenario::Scenario::load(std::path::Path::new(&path))?,
        None => remsim_scenario::Scenario::baseline()?,
    };
    clone_cost(&scenario, n);
    for _ in 0..3 {
        let started = Instant::now();
        let mut names = 0usize;
        for trial in 0..n {
            names += scenario.draw(1, trial)?.miners.len();
        }
        println!(
            "{:.1} µs per draw ({} uncertain parameters, {names} miners drawn)",
            started.elapsed().as_secs_f64() * 1e6 / n as f64,
            scenario.uncertain().len()
        );
    }
    Ok(())
}

/// Prints the time per clone of the central config.
fn clone_cost(scenario: &remsim_scenario::Scenario, n: u64) {
    let started = Instant::now();
    let mut k = 0;
    for _ in 0..n {
        k += scenario.central().clone().miners.len();
    }
    println!(
        "{:.1} µs per clone of the central config ({k})",
        started.elapsed().as_secs_f64() * 1e6 / n as f64
    );
}
