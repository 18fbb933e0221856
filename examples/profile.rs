//! A driver for profilers (`perf record`, `valgrind --tool=callgrind`): draws N trials of a
//! config first, then runs them one after another and prints wall and CPU time per trial
//! (CPU time from `/proc/thread-self/schedstat`, so a busy machine's waiting is left out)
//! and a checksum of every value written (equal before and after an optimisation that
//! changes no output). Not a benchmark: see `remsim bench` and `docs/performance.md`.
//!
//! `cargo run --release --example profile -- [N] [CONFIG]`; under callgrind,
//! `--toggle-collect=remsim_sim::run_trial` counts the trials' instructions alone.

// The shared support panics on a broken fixture (the embedded baseline): a driver, not a tool.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../benches/support/mod.rs"]
mod support;

use std::time::Instant;
use support::cpu_ms;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: u64 = std::env::args().nth(1).map_or(Ok(20), |s| s.parse())?;
    let scenario = match std::env::args().nth(2) {
        Some(path) => remsim_scenario::Scenario::load(std::path::Path::new(&path))
            .map_err(|e| e.to_string())?,
        None => remsim_scenario::Scenario::baseline()?,
    };
    let configs: Vec<_> = (0..n)
        .map(|i| scenario.draw(1, i))
        .collect::<Result<_, _>>()?;
    let cpu = cpu_ms();
    let wall = Instant::now();
    let mut checksum = 0.0;
    for (i, config) in configs.iter().enumerate() {
        let trajectory = remsim_sim::run_trial(config, 1, i as u64)?;
        checksum += trajectory.values.iter().sum::<f64>();
    }
    let per_trial = |ms: f64| ms / n.max(1) as f64;
    println!(
        "wall {:.3} ms/trial, cpu {:.3} ms/trial (checksum {checksum:e})",
        per_trial(wall.elapsed().as_secs_f64() * 1e3),
        per_trial(cpu_ms() - cpu)
    );
    Ok(())
}
