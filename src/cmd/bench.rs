//! `remsim bench`: what a scenario costs on this machine, measured in-process after a
//! warm-up — µs per trial on one thread (set-up and ticking apart), agent-ticks and market
//! clearings per second per core, trials per second in a batch on one thread and on all,
//! parallel efficiency, peak memory and the bytes a batch writes per trial. The figures
//! are measurements, printed, never asserted: timing is not a test (`docs/performance.md`
//! records them with the command and the machine).

use clap::Args;
use remsim_core::Trajectory;
use remsim_io::{ContainerWriter, FileKind, TrialsWriter};
use remsim_scenario::{Scenario, ScenarioConfig};
use remsim_scheduler::{
    BatchAggregates, BatchConfig, BatchEnd, BatchState, BlockSink, BoxError, Flow, OutcomeSpec,
    TrialRow, run_batch,
};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Options of `remsim bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Scenario file (e.g. configs/scale/100k-agents.toml); default: the embedded baseline.
    pub config: Option<PathBuf>,
    /// Trials per measurement: each measurement (one thread alone, a one-thread batch, an
    /// all-threads batch) runs this many.
    #[arg(long, default_value_t = 100)]
    pub trials: u64,
    /// Threads of the parallel batch [default: one per core].
    #[arg(long)]
    pub threads: Option<usize>,
    /// Master seed of the trials measured.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Rounds of each measurement, interleaved; the best is reported (a shared machine's
    /// noise only ever adds time).
    #[arg(long, default_value_t = 3)]
    pub rounds: u32,
}

/// Refuses counts of zero.
fn check_args(args: &BenchArgs) -> anyhow::Result<()> {
    if args.trials == 0 {
        anyhow::bail!("--trials must be at least 1");
    }
    if args.threads == Some(0) {
        anyhow::bail!("--threads must be at least 1");
    }
    if args.rounds == 0 {
        anyhow::bail!("--rounds must be at least 1");
    }
    Ok(())
}

/// The `machine` and `world` lines.
fn print_machine_and_world(shape: &WorldShape) {
    println!(
        "machine    {}, {} cores",
        cpu_model(),
        std::thread::available_parallelism().map_or(1, |t| t.get())
    );
    // Counted entries' units decide once per entry (their output is booked per unit), so
    // say how many decide when that differs from the agents counted.
    let deciding = if shape.deciding == shape.agents {
        String::new()
    } else {
        format!(
            " ({} deciding: a counted entry decides once)",
            group(shape.deciding as f64)
        )
    };
    println!(
        "world      {} agents{deciding}, {} ticks, {} markets cleared per tick",
        group(shape.agents as f64),
        shape.ticks,
        shape.markets
    );
}

/// `remsim bench`.
pub fn run(args: BenchArgs) -> anyhow::Result<ExitCode> {
    check_args(&args)?;
    let Some(scenario) = crate::load_scenario(args.config.as_deref()) else {
        return Ok(ExitCode::from(2));
    };
    let seed = args.seed;
    let n = args.trials;
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |t| t.get()));
    let shape = WorldShape::of(scenario.central());

    println!(
        "remsim bench: {} ({}), {n} trials per measurement, best of {} rounds, seed {seed}",
        scenario.central().scenario.name,
        args.config
            .as_ref()
            .map_or("embedded baseline".to_string(), |p| p.display().to_string()),
        args.rounds
    );
    print_machine_and_world(&shape);

    // Warm-up: caches, page faults, lazy statics.
    let warm_up = n.clamp(1, 2);
    for trial in 0..warm_up {
        let config = scenario.draw(seed, trial)?;
        std::hint::black_box(remsim_sim::run_trial(&config, seed, trial)?);
    }

    // Each round: trials one after another on this thread, set-up (draw + build) and
    // ticking timed apart; then batches through the scheduler as `remsim run` runs them
    // (draw, tick, fold into the aggregates, one trials.csv row per trial) on one thread and
    // on all. The best round of each measurement counts.
    let mut best = Sequential {
        draw: Duration::MAX,
        build: Duration::MAX,
        tick: Duration::MAX,
    };
    let (mut one, mut all, mut row_bytes) = (0.0f64, 0.0f64, 0.0);
    let mut trajectory_bytes = 0usize;
    let mut fixed = FixedCost::NONE;
    for _ in 0..args.rounds {
        let round = sequential(&scenario, seed, n, &mut trajectory_bytes)?;
        if round.total() < best.total() {
            best = round;
        }
        let (rate, bytes, aggregates) = batch_rate(&scenario, seed, n, 1)?;
        one = one.max(rate);
        row_bytes = bytes;
        if let Some(aggregates) = aggregates {
            fixed = fixed.best(FixedCost::measure(&args, &scenario, &aggregates)?);
        }
        all = all.max(batch_rate(&scenario, seed, n, threads)?.0);
    }
    let (total_us, tick_s) = best.print(n, &shape);

    let efficiency = all / (threads as f64 * one);
    println!("\nbatch (draw, tick, fold into the aggregates, write a row)");
    println!("  trials/s, 1 thread              {:>12}", rate(one));
    println!(
        "  trials/s, {threads} thread{}             {:>12}",
        if threads == 1 { " " } else { "s" },
        rate(all)
    );
    println!("  parallel efficiency             {efficiency:>12.2}");

    fixed.print(n);
    print_targets(
        total_us / 1e3,
        (shape.agents * shape.ticks) as f64 / tick_s,
        efficiency,
    );

    println!("\nmemory and output");
    match crate::cmd::folder::peak_memory_mib() {
        Some(mib) => println!("  peak memory (VmHWM)             {mib:>12.1} MiB"),
        None => println!("  peak memory (VmHWM)             {:>12}", "unknown"),
    }
    println!(
        "  trials.csv per trial            {:>12} B    (the part of a batch's output that grows with its trials)",
        group(row_bytes)
    );
    println!(
        "  trajectory per trial            {:>12} B    (in memory; `remsim trial` writes it as CSV)",
        group(trajectory_bytes as f64)
    );
    Ok(ExitCode::SUCCESS)
}

/// What a run costs outside its trials: loading the config, and writing summary.csv and
/// aggregates.bin from the aggregates (a checkpoint writes the same records as the
/// latter), timed as `remsim run` does them, into a temporary folder.
#[derive(Clone, Copy)]
struct FixedCost {
    load: Duration,
    summary: Duration,
    aggregates: Duration,
}

impl FixedCost {
    const NONE: FixedCost = FixedCost {
        load: Duration::MAX,
        summary: Duration::MAX,
        aggregates: Duration::MAX,
    };

    /// The faster of each part (a shared machine's noise only adds time).
    fn best(self, other: FixedCost) -> FixedCost {
        FixedCost {
            load: self.load.min(other.load),
            summary: self.summary.min(other.summary),
            aggregates: self.aggregates.min(other.aggregates),
        }
    }

    fn measure(
        args: &BenchArgs,
        scenario: &Scenario,
        aggregates: &BatchAggregates,
    ) -> anyhow::Result<FixedCost> {
        let dir = std::env::temp_dir().join(format!("remsim-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let t0 = Instant::now();
        if crate::load_scenario(args.config.as_deref()).is_none() {
            anyhow::bail!("the config no longer loads");
        }
        let t1 = Instant::now();
        crate::cmd::folder::write_summary(
            &dir.join("summary.csv"),
            aggregates,
            None,
            &remsim_report::names::stored_unit,
        )?;
        let t2 = Instant::now();
        let mut writer = ContainerWriter::create(
            &dir.join("aggregates.bin"),
            FileKind::Aggregates,
            &scenario.config_hash(),
        )?;
        crate::cmd::records::write_aggregates(&mut writer, aggregates)?;
        writer.finish()?;
        let t3 = Instant::now();
        std::fs::remove_dir_all(&dir)?;
        Ok(FixedCost {
            load: t1 - t0,
            summary: t2 - t1,
            aggregates: t3 - t2,
        })
    }

    fn print(&self, n: u64) {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let total = ms(self.load) + ms(self.summary) + ms(self.aggregates);
        println!("\nfixed cost per run (outside the trials; aggregates of {n} trials)");
        println!("  total                           {total:>12.1} ms");
        println!(
            "  load the config                 {:>12.1} ms",
            ms(self.load)
        );
        println!(
            "  write summary.csv               {:>12.1} ms",
            ms(self.summary)
        );
        println!(
            "  write aggregates.bin            {:>12.1} ms  (a checkpoint writes the same records)",
            ms(self.aggregates)
        );
        println!(
            "  checkpoint share                {:>12.2} %   (every 3 s, the default; `remsim run` stretches the interval to 100x a checkpoint's cost)",
            100.0 * self.aggregates.as_secs_f64() / 3.0
        );
    }
}

/// The issue-18 targets beside what was measured here.
fn print_targets(trial_ms: f64, agent_ticks_per_s: f64, efficiency: f64) {
    let met = |ok: bool| if ok { "met" } else { "not met" };
    println!(
        "\ntargets (issue 18; instructions per clearing and per agent-tick: callgrind, docs/performance.md)"
    );
    println!(
        "  trial, one thread <= 2.0 ms    {trial_ms:>12.2} ms  {} (a baseline target)",
        met(trial_ms <= 2.0)
    );
    println!(
        "  agent-ticks/s per core >= 40 M {:>12}     {} (a scale-config target)",
        si(agent_ticks_per_s),
        met(agent_ticks_per_s >= 40e6)
    );
    println!(
        "  2-thread efficiency >= 0.90    {efficiency:>12.2}     {}",
        met(efficiency >= 0.90)
    );
}

/// Time spent on `n` trials one after another, by phase.
struct Sequential {
    draw: Duration,
    build: Duration,
    tick: Duration,
}

impl Sequential {
    /// Prints the one-thread block; returns µs per trial and seconds of ticking per trial.
    fn print(&self, n: u64, shape: &WorldShape) -> (f64, f64) {
        let per_trial = |d: Duration| d.as_secs_f64() * 1e6 / n as f64;
        let (draw_us, build_us, tick_us) = (
            per_trial(self.draw),
            per_trial(self.build),
            per_trial(self.tick),
        );
        let total_us = draw_us + build_us + tick_us;
        let tick_s = tick_us / 1e6;

        println!("\none thread, trials one after another");
        println!(
            "  µs per trial                    {:>12}   (set-up {} + ticking {})",
            group(total_us),
            group(draw_us + build_us),
            group(tick_us)
        );
        println!(
            "  set-up per trial                {:>12} µs  (draw the config {}, build the world {})",
            group(draw_us + build_us),
            group(draw_us),
            group(build_us)
        );
        println!(
            "  agent-ticks per second per core {:>12}",
            si((shape.agents * shape.ticks) as f64 / tick_s)
        );
        println!(
            "  market clearings per second     {:>12}",
            si((shape.markets * shape.ticks) as f64 / tick_s)
        );
        (total_us, tick_s)
    }

    fn total(&self) -> Duration {
        self.draw
            .saturating_add(self.build)
            .saturating_add(self.tick)
    }
}

/// Runs trials `0..n` one after another on this thread, timing drawing the config,
/// building the world and ticking it apart; records the bytes of a trajectory.
fn sequential(
    scenario: &Scenario,
    seed: u64,
    n: u64,
    trajectory_bytes: &mut usize,
) -> anyhow::Result<Sequential> {
    let mut spent = Sequential {
        draw: Duration::ZERO,
        build: Duration::ZERO,
        tick: Duration::ZERO,
    };
    for trial in 0..n {
        let t0 = Instant::now();
        let config = scenario.draw(seed, trial)?;
        let t1 = Instant::now();
        let world = remsim_sim::World::new(&config, seed, trial)?;
        let t2 = Instant::now();
        let trajectory = world.run()?;
        let t3 = Instant::now();
        spent.draw += t1 - t0;
        spent.build += t2 - t1;
        spent.tick += t3 - t2;
        *trajectory_bytes = trajectory.values.len() * std::mem::size_of::<f64>();
        std::hint::black_box(trajectory);
    }
    Ok(spent)
}

/// What one trial of a scenario ticks.
struct WorldShape {
    /// Agents of every kind: miners and magnet makers counted by unit, separators, foreign
    /// rivals, recyclers and demand sectors.
    agents: usize,
    /// Agents that decide: as `agents`, with each counted entry once.
    deciding: usize,
    /// Monthly ticks.
    ticks: usize,
    /// Coupled markets cleared each tick (one per traded element).
    markets: usize,
}

impl WorldShape {
    fn of(c: &ScenarioConfig) -> WorldShape {
        let agents = super::check::agent_count(c);
        let ticks = (c.scenario.end.months_since(c.scenario.start) + 1).max(0) as usize;
        let deciding = agents + c.miners.len() + c.magnet_makers.len()
            - c.miners.iter().map(|m| m.count as usize).sum::<usize>()
            - c.magnet_makers
                .iter()
                .map(|m| m.count as usize)
                .sum::<usize>();
        WorldShape {
            agents,
            deciding,
            ticks,
            markets: remsim_sim::metrics::traded_elements().count(),
        }
    }
}

/// Trials per second of an `n`-trial batch on `threads` threads, and the mean bytes of a
/// trials.csv row.
fn batch_rate(
    scenario: &Scenario,
    seed: u64,
    n: u64,
    threads: usize,
) -> anyhow::Result<(f64, f64, Option<BatchAggregates>)> {
    let mut sink = RowBytes::default();
    let runner = |trial: u64| -> Result<Trajectory, BoxError> {
        let config = scenario.draw(seed, trial)?;
        Ok(remsim_sim::run_trial(&config, seed, trial)?)
    };
    let started = Instant::now();
    let end = run_batch(
        0..n,
        BatchState::start(0),
        &BatchConfig::with_threads(threads),
        runner,
        &|| {},
        &mut sink,
    )?;
    let wall = started.elapsed().as_secs_f64();
    let BatchEnd::Finished(state) = end else {
        anyhow::bail!("the benchmark batch stopped early");
    };
    let row_bytes = if sink.rows > 0 {
        sink.bytes as f64 / sink.rows as f64
    } else {
        0.0
    };
    Ok((n as f64 / wall, row_bytes, state.aggregates))
}

/// A sink that formats each trials.csv row, as `remsim run` writes it, and counts its bytes.
#[derive(Default)]
struct RowBytes {
    rows: u64,
    bytes: u64,
}

impl BlockSink for RowBytes {
    fn block_done(
        &mut self,
        rows: &[TrialRow],
        _spec: &OutcomeSpec,
        _state: &BatchState,
    ) -> Result<Flow, BoxError> {
        for row in rows {
            let line = super::records::with_fields(&row.values, |fields| {
                TrialsWriter::line(row.trial, 0, fields)
            })?;
            self.rows += 1;
            self.bytes += line.len() as u64;
        }
        Ok(Flow::Continue)
    }
}

/// The CPU model from /proc/cpuinfo (Linux), else "unknown CPU".
fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, model)| model.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string())
}

/// `x` rounded, with thousands separators: 12,345.
fn group(x: f64) -> String {
    let digits = format!("{:.0}", x.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A rate with an SI suffix: 1.65 M, 367 k.
fn si(x: f64) -> String {
    if x >= 1e9 {
        format!("{:.2} G", x / 1e9)
    } else if x >= 1e6 {
        format!("{:.2} M", x / 1e6)
    } else if x >= 1e3 {
        format!("{:.1} k", x / 1e3)
    } else {
        format!("{x:.1}")
    }
}

/// Trials per second, to three significant figures or so.
fn rate(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_easily() {
        assert_eq!(group(0.4), "0");
        assert_eq!(group(999.0), "999");
        assert_eq!(group(1234.0), "1,234");
        assert_eq!(group(1_234_567.0), "1,234,567");
        assert_eq!(si(1_650_000.0), "1.65 M");
        assert_eq!(si(367_400.0), "367.4 k");
        assert_eq!(rate(71.23), "71.2");
        assert_eq!(rate(0.25), "0.250");
    }
}
