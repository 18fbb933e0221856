//! The `remsim` command line: an agent-based Monte Carlo simulator of the global
//! rare-earth industry. `main` prints errors and exits 2 for anything the user can fix.

use clap::{Parser, Subcommand};
use remsim::cmd;
use std::path::PathBuf;
use std::process::ExitCode;

/// remsim simulates the world rare-earth industry — mines, separators, magnet makers,
/// recyclers, end uses and governments in China and the rest of the world — month by month,
/// many times over, to give distributions of prices, shortages and market shares.
#[derive(Debug, Parser)]
#[command(name = "remsim", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a scenario config and print what it describes.
    ///
    /// Reads the TOML file (following `extends`), checks every field, and prints the
    /// horizon, the agents by kind and region, capacity by stage, the policies in force and
    /// the parameters drawn per trial. On a mistake it prints one line per problem,
    /// `error: <file>:<line>:<col>: <field>: <what was expected>`, and exits with status 2.
    /// Without CONFIG it checks the baseline built into remsim.
    Check {
        /// Scenario file (e.g. configs/baseline.toml); default: the embedded baseline.
        config: Option<PathBuf>,
    },
    /// Run one trial and write its month-by-month trajectory as a wide CSV.
    ///
    /// The file has one row per month (`tick,date`, then every metric: prices by element
    /// and region, output and China's share by stage, demand, shortage and stocks by
    /// element, recycled shares, wastewater, radioactive residue, profits and the worst
    /// mass-balance residual). The same config, seed and trial always give the same bytes.
    Trial {
        /// Scenario file; default: the embedded baseline.
        config: Option<PathBuf>,
        /// Master seed of the batch the trial belongs to.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Index of the trial within the batch.
        #[arg(long, default_value_t = 0)]
        trial: u64,
        /// Where to write the CSV.
        #[arg(long)]
        out: PathBuf,
        /// Overwrite OUT if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Run a Monte Carlo batch and write its results folder.
    ///
    /// Trials run in parallel; trial i depends only on (config, seed, i), so the folder's
    /// manifest.json, summary.csv (quantiles of every metric, month by month), trials.csv
    /// (one row of outcomes per trial) and aggregates.bin are the same bytes for any
    /// --threads, for shards merged with `remsim merge`, and after an interrupted batch is
    /// finished with --resume. timing.json records wall time and trials/s. Ctrl-C stops
    /// after the current block and keeps a checkpoint.
    Run(cmd::run::RunArgs),
    /// Rebuild one trial of a results folder exactly and write its trajectory.
    ///
    /// Reads config and seed from DIR/manifest.json, reruns trial I, writes its
    /// month-by-month metrics as a wide CSV, prints its row of outcomes and checks it
    /// against row I of DIR/trials.csv.
    Replay(cmd::replay::ReplayArgs),
    /// Check a results folder: complete, incomplete (resumable from trial N) or damaged.
    ///
    /// A finished folder's manifest.json is sealed with its own BLAKE3 and lists every data
    /// file with its size and BLAKE3; an unfinished one has a checkpoint that records the
    /// BLAKE3 of the durable part of trials.csv. Prints `complete`, `incomplete, resumable
    /// from trial N` or `damaged: <file>: <what differs>`; exits 0, 3 or 1.
    Verify(cmd::verify::VerifyArgs),
    /// Merge the results folders of a batch's shards into one.
    ///
    /// The merged folder equals the one an unsharded run writes, byte for byte. Shards of
    /// another config, seed or version, shards given twice and missing shards are refused.
    Merge(cmd::merge::MergeArgs),
    /// Replay history and check the model against what the market did.
    ///
    /// Runs every scenario of the targets file (configs/history/targets.toml) as a batch,
    /// and prints for each target its source, the observed value, the simulated p05, p50
    /// and p95, and pass or fail. Exits with status 1 if any target fails.
    Validate(cmd::validate::ValidateArgs),
    /// Compare a shock with its base, paired trial by trial.
    ///
    /// Runs both scenarios with the same seed. Every random draw is keyed by what it is
    /// for, so trial i of the shock differs from trial i of the base only by what the shock
    /// changes (common random numbers), and the paired differences isolate its effect from
    /// Monte Carlo noise. Writes DIR/base/, DIR/shock/, DIR/diff_summary.csv and
    /// DIR/diff_trials.csv, and prints the headline outcomes' medians and differences.
    Compare(cmd::compare::CompareArgs),
    /// Explore a policy lever: a grid or Latin-hypercube design over config parameters.
    ///
    /// Each point is a small scenario that extends the sweep's base and sets the point's
    /// values; it runs as an ordinary batch in its own folder, and sweep.csv gets a row
    /// with the point's parameters and the headline outcomes' p05 / p50 / p95.
    Sweep(cmd::sweep::SweepArgs),
    /// Write an HTML report of a results folder, with fan charts as SVG and PNG.
    ///
    /// Writes DIR/report.html — one self-contained page (inline SVG, no script, nothing
    /// fetched) with the run's identity and resolved config, fan charts of Nd, Pr, Dy, Tb,
    /// La and Ce prices in China and the rest of the world, China's share by stage, the
    /// probability of a shortage per element and year, recycled shares, rare-earth-free
    /// motors, wastewater and radioactive residue, and histograms of the per-trial outcomes
    /// — and every chart again as DIR/plots/<chart>.svg and .png. For a comparison folder
    /// (base/, shock/, diff_summary.csv) base and shock are overlaid and the paired
    /// difference gets its own fan.
    Report(cmd::html::ReportArgs),
    /// Print one metric's quantiles year by year, or list the metrics.
    ///
    /// The table (at most 80 columns) gives p05, p25, median, p75, p95 and the mean across
    /// trials in the last month of each year; for a comparison folder, the base and shock
    /// medians and the quantiles of the paired difference. Without --metric, or with an
    /// unknown one, it lists the metrics the folder holds.
    Show(cmd::show::ShowArgs),
    /// Measure what a scenario costs on this machine.
    ///
    /// Runs in-process after a warm-up and prints µs per trial on one thread (set-up and
    /// ticking apart), agent-ticks and market clearings per second per core, trials per
    /// second in a batch on one thread and on all threads, the parallel efficiency, peak
    /// memory and the bytes a batch writes per trial; each measurement is the best of
    /// --rounds. Figures, not a pass/fail check; see docs/performance.md.
    Bench(cmd::bench::BenchArgs),
    /// List every metric and outcome remsim writes, with unit, kind and meaning.
    ///
    /// One row per monthly metric of summary.csv (`metric` column) and per outcome column
    /// of trials.csv, from the metric catalog that the simulation, the batch outcomes,
    /// `remsim validate` and the report all read. `--format csv` prints
    /// `name,unit,kind,description`.
    Metrics(cmd::metrics::MetricsArgs),
    /// Global sensitivity of outcomes to the uncertain parameters: Sobol' or Morris.
    ///
    /// Builds a design over the parameters `remsim check` lists (Saltelli's, from the
    /// Sobol' sequence as SALib makes it, or Morris trajectories), maps it through each
    /// parameter's distribution and runs it as a batch in --out; writes design.csv,
    /// inputs.csv and trials.csv in design order (SALib's row layout) and sensitivity.csv
    /// (S1, ST and their 95% bootstrap intervals, or μ*, its interval and σ), and prints
    /// the most influential parameters per outcome. See docs/analysis.md.
    Sensitivity(cmd::sensitivity::SensitivityArgs),
    /// Scenario discovery: which inputs make an outcome likely (PRIM).
    ///
    /// Reads DIR/inputs.csv and DIR/trials.csv, marks the trials meeting --where, and
    /// finds with PRIM (Friedman and Fisher 1999, as the EMA Workbench does) the box of
    /// input space where they concentrate; writes DIR/discover.csv (the peeling
    /// trajectory: coverage, density, trials inside and each restricted parameter's
    /// bounds) and prints the box in one sentence.
    Discover(cmd::discover::DiscoverArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Check { config } => cmd::check::run(config.as_deref()),
        Command::Run(args) => cmd::run::run(args),
        Command::Replay(args) => cmd::replay::run(args),
        Command::Merge(args) => cmd::merge::run(args),
        Command::Verify(args) => cmd::verify::run(args),
        Command::Validate(args) => cmd::validate::run(args),
        Command::Compare(args) => cmd::compare::run(args),
        Command::Sweep(args) => cmd::sweep::run(args),
        Command::Report(args) => cmd::html::run(args),
        Command::Show(args) => cmd::show::run(args),
        Command::Bench(args) => cmd::bench::run(args),
        Command::Metrics(args) => cmd::metrics::run(args),
        Command::Sensitivity(args) => cmd::sensitivity::run(args),
        Command::Discover(args) => cmd::discover::run(args),
        Command::Trial {
            config,
            seed,
            trial,
            out,
            force,
        } => cmd::trial::run(cmd::trial::TrialArgs {
            config: config.as_deref(),
            seed,
            trial,
            out: &out,
            force,
        }),
    }
}
