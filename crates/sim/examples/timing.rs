//! Rough split of one baseline trial's cost: drawing the config vs ticking the world.
//! `cargo run --release -p remsim-sim --example timing`

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let scenario = remsim_scenario::Scenario::baseline()?;
    let n = 50;
    let t0 = Instant::now();
    let configs: Vec<_> = (0..n)
        .map(|i| scenario.draw(1, i))
        .collect::<Result<_, _>>()?;
    let draw = t0.elapsed();
    let t1 = Instant::now();
    for (i, c) in configs.iter().enumerate() {
        remsim_sim::run_trial(c, 1, i as u64)?;
    }
    let run = t1.elapsed();
    println!(
        "draw {:.2} ms/trial, run {:.2} ms/trial",
        draw.as_secs_f64() * 1e3 / n as f64,
        run.as_secs_f64() * 1e3 / n as f64
    );
    Ok(())
}
