//! Scaling probe: trials/s of a toy batch (99 metrics × 312 months, like the baseline, with
//! extra arithmetic per value standing in for a model) on 1 thread and on 2, and the ratio.
//! It measures the scheduler's own overhead — blocks, fold, outcome rows — apart from the
//! model. `cargo run --release -p remsim-scheduler --example scaling -- [TRIALS] [WORK]`

use remsim_core::Month;
use remsim_scheduler::toy::{ToyShape, toy_trial};
use remsim_scheduler::*;
use std::convert::Infallible;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let trials: u64 = args.next().map_or(Ok(400), |a| a.parse())?;
    let work: u32 = args.next().map_or(Ok(6), |a| a.parse())?;
    let shape = ToyShape::baseline_sized(Month::new(2025, 1).ok_or("no month")?, work);
    let mut rates = Vec::new();
    for threads in [1, 2] {
        let started = Instant::now();
        run_batch(
            0..trials,
            BatchState::start(0),
            &BatchConfig::with_threads(threads),
            |t| Ok::<_, Infallible>(toy_trial(&shape, 1, t)),
            &|| {},
            &mut DiscardRows,
        )?;
        let rate = trials as f64 / started.elapsed().as_secs_f64();
        println!("{threads} thread(s): {rate:.1} trials/s");
        rates.push(rate);
    }
    println!("speed-up at 2 threads: {:.2}", rates[1] / rates[0]);
    Ok(())
}
