//! `remsim run`: a Monte Carlo batch into a results folder, with a progress bar,
//! checkpoints, resume, shards and an end-of-run summary.

use super::columnar::Format;
use super::folder::{CHECKPOINT, Folder, MANIFEST, TIMING, TRIALS, VALUES, peak_memory_mib};
use super::{records, report};
use anyhow::{Context, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use remsim_io::{
    CheckpointRecord, ContainerReader, DurablePrefix, FileKind, FolderState, Manifest, ShardRecord,
    Timing, TrialsWriter, ValuesWriter,
};
use remsim_scenario::Scenario;
use remsim_scheduler::{
    BatchConfig, BatchEnd, BatchState, BoxError, OutcomeSpec, QuantileMethod, Shard, run_batch,
};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

mod sink;
pub use sink::inputs_header;
use sink::{FileSink, open_inputs, open_series};

/// Options of `remsim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (e.g. configs/baseline.toml); default: the embedded baseline, or with
    /// --resume the config recorded in the folder's manifest.
    pub config: Option<PathBuf>,
    /// Number of trials in the batch (all shards together) [default: 1000].
    #[arg(long)]
    pub trials: Option<u64>,
    /// Master seed; trial i depends only on (config, seed, i) [default: 0].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Results folder [default: results/<name>-s<seed>, <name> the config's own scenario name
    /// or else its file stem, with -shard<K>of<N> for a shard].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// --threads, --force and --quiet.
    #[command(flatten)]
    pub exec: crate::cmd::Execution,
    /// Run only shard K of N (0-based), a contiguous slice of the trials; combine the
    /// shards' folders with `remsim merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Finish an interrupted batch in --out from its last checkpoint.
    #[arg(long, conflicts_with = "force")]
    pub resume: bool,
    /// Seconds between checkpoints: at least this many, and at least 100 times as long as
    /// the last checkpoint took, so that checkpoints cost at most ~1% of the run however
    /// large the aggregates grow; 0 checkpoints after every block.
    #[arg(long, default_value_t = 3.0, value_name = "SECONDS")]
    pub checkpoint_secs: f64,
    /// Also write these metrics of every trial to series.csv (`trial,metric,date,value`),
    /// e.g. price.nd.cn,price.dy.row. With --resume, pass the same list again.
    #[arg(long, value_delimiter = ',', value_name = "METRIC[,METRIC…]")]
    pub series: Vec<String>,
    /// How often series.csv samples each metric: every month, or each year's last
    /// simulated month (a sample, not an average).
    #[arg(long, value_enum, default_value_t = Every::Month)]
    pub every: Every,
    /// Table files once the batch is finished: csv, parquet (typed, compressed; a shard
    /// keeps its CSV for `remsim merge`) or both. With --resume, pass it again.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    pub format: Format,
}

/// Trials run by every batch of this process so far (`run`, and the batches of `compare`,
/// `sweep` and `sensitivity`): what a program running batches in-process (the Python
/// package) shows its progress from.
pub static TRIALS_DONE: AtomicU64 = AtomicU64::new(0);

/// The flag that stops every batch of this process after its current block, keeping the
/// checkpoint, as Ctrl-C does: set by the signal handler the first batch installs.
static STOP: OnceLock<Arc<AtomicBool>> = OnceLock::new();

/// For a program that runs batches in-process (the Python package), called before its
/// first batch: the stop flag, which it sets itself (on KeyboardInterrupt) and must clear
/// before the next batch; no signal handler is installed, so the program keeps its own.
pub fn embedded_stop_flag() -> Arc<AtomicBool> {
    STOP.get_or_init(|| Arc::new(AtomicBool::new(false)))
        .clone()
}

impl RunArgs {
    /// The arguments of a quiet, fresh, unsharded batch that another command runs (one
    /// point of a sweep, one side of a comparison, a sensitivity design): no series, the
    /// default checkpoint interval.
    pub fn inner_batch(
        config: PathBuf,
        trials: u64,
        seed: u64,
        out: PathBuf,
        threads: Option<usize>,
        force: bool,
    ) -> RunArgs {
        RunArgs {
            config: Some(config),
            trials: Some(trials),
            seed: Some(seed),
            out: Some(out),
            exec: crate::cmd::Execution {
                threads,
                force,
                quiet: true,
            },
            shard: None,
            resume: false,
            checkpoint_secs: 3.0,
            series: Vec::new(),
            every: Every::Month,
            format: Format::Csv,
        }
    }
}

/// How often `--series` samples a metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Every {
    /// Every simulated month.
    Month,
    /// Each calendar year's last simulated month.
    Year,
}

/// Where each trial's uncertain inputs come from.
pub enum Inputs<'a> {
    /// Drawn from the scenario's distributions with the batch's seed (`remsim run`).
    Drawn,
    /// Given, one row per trial index, e.g. a sensitivity design (`remsim sensitivity`),
    /// with the trial whose random streams (demand noise, shocks, projects) each row uses:
    /// rows that share one make differences between them free of that noise.
    Design {
        /// Each row's parameter values.
        rows: &'a [Vec<f64>],
        /// Each row's stream trial.
        streams: &'a [u64],
    },
}

impl Inputs<'_> {
    /// Trial `trial`'s values of the scenario's uncertain parameters.
    fn values(&self, scenario: &Scenario, seed: u64, trial: u64) -> Result<Vec<f64>, BoxError> {
        match self {
            Inputs::Drawn => Ok(scenario.draw_values(seed, trial)),
            Inputs::Design { rows, .. } => usize::try_from(trial)
                .ok()
                .and_then(|i| rows.get(i))
                .cloned()
                .ok_or_else(|| format!("the design has no row {trial}").into()),
        }
    }

    /// The trial whose random streams trial `trial` runs with.
    fn stream_trial(&self, trial: u64) -> u64 {
        match self {
            Inputs::Drawn => trial,
            Inputs::Design { streams, .. } => usize::try_from(trial)
                .ok()
                .and_then(|i| streams.get(i))
                .copied()
                .unwrap_or(trial),
        }
    }
}

/// Refuses a negative checkpoint interval and zero threads.
fn check_args(args: &RunArgs) -> anyhow::Result<()> {
    if !(args.checkpoint_secs >= 0.0 && args.checkpoint_secs.is_finite()) {
        bail!("--checkpoint-secs must be a number of seconds >= 0");
    }
    if args.exec.threads == Some(0) {
        bail!("--threads must be at least 1");
    }
    args.format.ensure_available()
}

/// The scenario to run: CONFIG, else the one a resumed folder records, else the embedded
/// baseline; `None` when a config's problems were printed.
fn scenario_for(
    args: &RunArgs,
    recorded: Option<&(PathBuf, Manifest)>,
) -> anyhow::Result<Option<Scenario>> {
    Ok(match (&args.config, recorded) {
        (Some(path), _) => crate::load_scenario(Some(path)),
        (None, Some((dir, manifest))) => {
            Some(super::folder::scenario_from_manifest(dir, manifest)?)
        }
        (None, None) => crate::load_scenario(None),
    })
}

/// Seed, trials and shard: as given, else as the resumed folder records, else the defaults.
fn batch_identity(args: &RunArgs, recorded: Option<&Manifest>) -> (u64, u64, Shard) {
    let seed = args.seed.or(recorded.map(|m| m.seed)).unwrap_or(0);
    let trials = args.trials.or(recorded.map(|m| m.trials)).unwrap_or(1000);
    let shard = match (&args.shard, recorded) {
        (None, Some(m)) => Shard {
            index: m.shard.index,
            count: m.shard.count,
        },
        (given, _) => given.unwrap_or(Shard::WHOLE),
    };
    (seed, trials, shard)
}

/// `results/<scenario>-s<seed>[-shard<k>of<n>]`.
fn default_dir(name: &str, seed: u64, shard: Shard) -> PathBuf {
    let mut d = format!("{name}-s{seed}");
    if shard.count > 1 {
        d.push_str(&format!("-shard{}of{}", shard.index, shard.count));
    }
    PathBuf::from("results").join(d)
}

/// The manifest of a batch (or of one shard of it).
fn new_manifest(
    scenario: &Scenario,
    seed: u64,
    trials: u64,
    shard: Shard,
    range: &std::ops::Range<u64>,
) -> Manifest {
    let meta = &scenario.central().scenario;
    let resolved_config = scenario.resolved_toml();
    Manifest {
        format: remsim_io::MANIFEST_FORMAT.to_string(),
        format_version: remsim_io::MANIFEST_VERSION,
        remsim_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: meta.name.clone(),
        config_hash: Scenario::config_hash_of(&resolved_config),
        seed,
        trials,
        shard: ShardRecord {
            index: shard.index,
            count: shard.count,
            first_trial: range.start,
            end_trial: range.end,
        },
        start: meta.start.to_string(),
        end: meta.end.to_string(),
        quantile_method: QuantileMethod::for_trials(trials).name().to_string(),
        quantile_rel_error: QuantileMethod::for_trials(trials).rel_error(),
        resolved_config,
        complete: false,
        files: Vec::new(),
        blake3: String::new(),
    }
}

/// The interruption message; exit status 130.
fn report_stopped(state: &BatchState, range: &std::ops::Range<u64>, folder: &Folder) -> ExitCode {
    eprintln!(
        "interrupted after {} of {} trials; the checkpoint is kept in {}.",
        state.next_trial - range.start,
        range.end - range.start,
        folder.dir.display()
    );
    eprintln!(
        "resume with: remsim run --resume --out {}",
        folder.dir.display()
    );
    ExitCode::from(130)
}

/// `remsim run`.
pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    run_with(args, &Inputs::Drawn)
}

/// `remsim run` with each trial's inputs taken from `inputs`.
pub fn run_with(args: RunArgs, inputs: &Inputs<'_>) -> anyhow::Result<ExitCode> {
    check_args(&args)?;
    // With --resume and an explicit --out, the folder's manifest fills in what is not given.
    let recorded_pair = match (&args.out, args.resume) {
        // A folder a failure left before its manifest was written (a full disk, say) holds
        // nothing to resume: with a config given, --resume starts it afresh.
        (Some(dir), true) if args.config.is_some() && Folder::new(dir).is_blank() => None,
        (Some(dir), true) => Some((dir.clone(), Folder::new(dir).manifest()?)),
        _ => None,
    };
    let Some(scenario) = scenario_for(&args, recorded_pair.as_ref())? else {
        return Ok(ExitCode::from(2));
    };
    let (seed, trials, shard) = batch_identity(&args, recorded_pair.as_ref().map(|(_, m)| m));
    shard.check(trials)?;
    let name = &scenario.central().scenario.name;
    let dir = args.out.clone().unwrap_or_else(|| {
        let folder_name = args
            .config
            .as_deref()
            .map_or(name.clone(), |p| folder_name(p, name));
        default_dir(&folder_name, seed, shard)
    });
    let folder = Folder::new(&dir);
    let range = shard.range(trials);
    let manifest = new_manifest(&scenario, seed, trials, shard, &range);

    let exact = QuantileMethod::for_trials(trials) == QuantileMethod::Exact;
    let Some((state, trials_writer, resumed_at)) = open_batch(&args, &folder, &manifest, &range)?
    else {
        eprintln!(
            "{} is already finished; nothing to resume",
            folder.dir.display()
        );
        return Ok(ExitCode::SUCCESS);
    };
    let inputs_writer = open_inputs(
        &folder,
        &scenario,
        inputs,
        seed,
        range.start,
        state.next_trial,
    )?;
    let series = open_series(&folder, &args, range.start, state.next_trial)?;

    let (config, pool_threads) = batch_config(args.exec.threads);

    let interrupted = install_ctrl_c()?;
    let bar = progress_bar(
        range.end - range.start,
        state.next_trial - range.start,
        args.exec.quiet,
    );
    let mut sink = FileSink {
        folder: folder.clone(),
        trials: trials_writer,
        seed,
        manifest: &manifest,
        every: Duration::from_secs_f64(args.checkpoint_secs),
        last_checkpoint: Instant::now(),
        last_cost: Duration::ZERO,
        interrupted: interrupted.clone(),
        inputs_writer,
        inputs,
        scenario: &scenario,
        series,
        exact,
        values: resume_values(&folder, &state, exact)?,
    };
    let started = Instant::now();
    let first = state.next_trial;
    let runner = |trial: u64| -> Result<remsim_core::Trajectory, BoxError> {
        let config = match inputs {
            Inputs::Drawn => scenario.draw(seed, trial)?,
            Inputs::Design { .. } => {
                scenario.with_values(&inputs.values(&scenario, seed, trial)?)?
            }
        };
        Ok(remsim_sim::run_trial(
            &config,
            seed,
            inputs.stream_trial(trial),
        )?)
    };
    let on_trial = || count_trial(&bar);
    let end = run_batch(range.clone(), state, &config, runner, &on_trial, &mut sink);
    bar.finish_and_clear();
    let end = end?;
    let wall = started.elapsed().as_secs_f64();

    let state = match end {
        BatchEnd::Stopped(state) => return Ok(report_stopped(&state, &range, &folder)),
        BatchEnd::Finished(state) => state,
    };
    let Some(aggregates) = state.aggregates else {
        bail!("the batch ran no trial");
    };
    let timing = run_timing(wall, range.end - first, pool_threads, resumed_at);
    finish(&mut sink, &folder, &manifest, &aggregates, shard, &timing)?;
    super::columnar::apply(&folder.dir, args.format)?;
    if !args.exec.quiet {
        print!(
            "{}",
            report::summary(&folder, &manifest, &aggregates, Some(&timing))
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The default folder name of a scenario file: its own `[scenario] name`, or else its file
/// stem — not a name it inherits through `extends` (a shock file without a name of its own
/// would otherwise write into the baseline's folder).
fn folder_name(path: &std::path::Path, resolved_name: &str) -> String {
    let own = std::fs::read_to_string(path)
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .and_then(|t| t.get("scenario")?.get("name")?.as_str().map(str::to_string));
    match own {
        Some(name) => name,
        None => path.file_stem().map_or(resolved_name.to_string(), |s| {
            s.to_string_lossy().into_owned()
        }),
    }
}

/// A resumed batch with exact quantiles goes on appending to its `values.bin`, cut back to
/// the checkpoint; a fresh one opens it with its first block.
fn resume_values(
    folder: &Folder,
    state: &BatchState,
    exact: bool,
) -> anyhow::Result<Option<ValuesWriter>> {
    Ok(match &state.aggregates {
        Some(aggregates) if exact => Some(ValuesWriter::resume(
            &folder.file(VALUES),
            aggregates.shape().n_cells(),
            state.next_trial,
        )?),
        _ => None,
    })
}

/// The batch's thread settings and the number of threads its pool will have.
fn batch_config(threads: Option<usize>) -> (BatchConfig, usize) {
    let threads = threads.unwrap_or(0);
    let pool_threads = if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    };
    (BatchConfig::with_threads(threads), pool_threads)
}

/// `timing.json` of a run: `ran` trials in `wall` seconds on `threads` threads.
fn run_timing(wall: f64, ran: u64, threads: usize, resumed_at: Option<u64>) -> Timing {
    Timing {
        kind: "run".to_string(),
        wall_s: wall,
        trials_run: ran,
        trials_per_s: if wall > 0.0 { ran as f64 / wall } else { 0.0 },
        threads,
        resumed_at_trial: resumed_at,
        peak_memory_mib: peak_memory_mib(),
        parts: Vec::new(),
        blake3: String::new(),
    }
}

/// Opens the folder for a fresh batch, or checks it for a resumed one: where to go on from,
/// the trials writer and the trial resumed at; `None` when the folder is already finished.
fn open_batch(
    args: &RunArgs,
    folder: &Folder,
    manifest: &Manifest,
    range: &std::ops::Range<u64>,
) -> anyhow::Result<Option<Prepared>> {
    // A folder a failure left before its manifest was written holds nothing to resume.
    let blank = args.config.is_some() && folder.is_blank();
    if args.resume && !blank {
        return prepare_resume(folder, manifest);
    }
    if blank {
        folder.remove_temporaries()?;
    }
    folder.prepare_fresh(args.exec.force)?;
    manifest.write(&folder.file(MANIFEST))?;
    Ok(Some((BatchState::start(range.start), None, None)))
}

/// Makes a finished batch's streams durable, writes its summary, aggregates and timing,
/// and seals the folder: the complete manifest is the last write; the checkpoint goes only
/// once it is down, so a failure anywhere before leaves a folder that --resume finishes.
fn finish(
    sink: &mut FileSink<'_>,
    folder: &Folder,
    manifest: &Manifest,
    aggregates: &remsim_scheduler::BatchAggregates,
    shard: Shard,
    timing: &Timing,
) -> anyhow::Result<()> {
    if let Some(writer) = sink.trials.as_mut() {
        writer.sync()?;
    }
    sink.inputs_writer.sync()?;
    if let Some(series) = sink.series.as_mut() {
        series.writer.sync()?;
    }
    let values = match sink.values.take() {
        Some(mut writer) => {
            writer.sync()?;
            vec![folder.file(VALUES)]
        }
        None => Vec::new(),
    };
    folder.write_outputs(manifest, aggregates, &values)?;
    // A whole batch needs its values no more; a shard keeps them for `remsim merge`.
    if shard.count == 1 && !values.is_empty() {
        std::fs::remove_file(folder.file(VALUES))
            .with_context(|| format!("removing {}", folder.file(VALUES).display()))?;
    }
    timing.write(&folder.file(TIMING))?;
    folder.mark_complete(manifest)?;
    folder.remove_checkpoint()?;
    Ok(())
}

type Prepared = (BatchState, Option<TrialsWriter>, Option<u64>);

/// The folder's manifest records the batch `manifest` describes (config, seed, trials,
/// shard, remsim version).
fn check_same_batch(folder: &Folder, manifest: &Manifest) -> anyhow::Result<()> {
    let recorded = folder.manifest()?;
    for (what, theirs, ours) in [
        (
            "config hash",
            recorded.config_hash.clone(),
            manifest.config_hash.clone(),
        ),
        ("seed", recorded.seed.to_string(), manifest.seed.to_string()),
        (
            "trials",
            recorded.trials.to_string(),
            manifest.trials.to_string(),
        ),
        (
            "shard",
            format!("{}/{}", recorded.shard.index, recorded.shard.count),
            format!("{}/{}", manifest.shard.index, manifest.shard.count),
        ),
        (
            "remsim version",
            recorded.remsim_version.clone(),
            manifest.remsim_version.clone(),
        ),
    ] {
        if theirs != ours {
            bail!(
                "cannot resume {}: it was run with {what} {theirs}, not {ours}; drop the differing option to resume it as it was",
                folder.dir.display()
            );
        }
    }
    Ok(())
}

/// Checks that `folder` holds this batch unfinished and returns where to go on from;
/// `None` if it is already finished.
fn prepare_resume(folder: &Folder, manifest: &Manifest) -> anyhow::Result<Option<Prepared>> {
    folder.remove_temporaries()?;
    check_same_batch(folder, manifest)?;
    // A finished folder is checked whole (a damaged one is refused, naming the file); an
    // unfinished one has its checkpoint and the durable prefix of trials.csv checked.
    let verified = remsim_io::verify_folder(&folder.dir).with_context(|| {
        format!(
            "cannot resume {}; rerun with --force to start over",
            folder.dir.display()
        )
    })?;
    if let FolderState::Complete(_) = verified {
        folder.remove_checkpoint()?;
        return Ok(None);
    }
    let checkpoint = folder.file(CHECKPOINT);
    if !checkpoint.exists() {
        // Killed before the first checkpoint: start over, keeping the manifest.
        return Ok(Some((
            BatchState::start(manifest.shard.first_trial),
            None,
            Some(manifest.shard.first_trial),
        )));
    }
    let mut reader = ContainerReader::open(&checkpoint, FileKind::Checkpoint)?;
    let record: CheckpointRecord = reader.item()?;
    if reader.config_hash() != manifest.config_hash
        || record.seed != manifest.seed
        || record.trials != manifest.trials
        || record.shard_index != manifest.shard.index
        || record.shard_count != manifest.shard.count
    {
        bail!(
            "{}: belongs to another batch than {}; rerun with --force to start over",
            checkpoint.display(),
            folder.file(MANIFEST).display()
        );
    }
    let aggregates = if record.has_aggregates {
        Some(
            records::read_aggregates(&mut reader)
                .with_context(|| format!("reading {}", checkpoint.display()))?,
        )
    } else {
        None
    };
    reader.finish()?;
    let folded = aggregates.as_ref().map_or(0, |a| a.trials());
    if record.next_trial < manifest.shard.first_trial
        || record.next_trial > manifest.shard.end_trial
        || folded != record.next_trial - manifest.shard.first_trial
    {
        bail!(
            "{}: inconsistent (next trial {}, {folded} folded); rerun with --force to start over",
            checkpoint.display(),
            record.next_trial
        );
    }
    let writer = match &aggregates {
        Some(a) => {
            let columns = column_names(a.outcome_spec());
            let keep = DurablePrefix {
                bytes: record.trials_csv_bytes,
                blake3: record.trials_csv_blake3.clone(),
            };
            Some(TrialsWriter::resume(&folder.file(TRIALS), &keep, &columns)?)
        }
        None => None,
    };
    Ok(Some((
        BatchState {
            next_trial: record.next_trial,
            aggregates,
        },
        writer,
        Some(record.next_trial),
    )))
}

fn column_names(spec: &OutcomeSpec) -> Vec<String> {
    spec.columns().iter().map(|c| c.name.clone()).collect()
}

/// Ctrl-C (SIGINT) or SIGTERM — what Slurm sends a preempted or timed-out job — asks the
/// batch to stop after the current block and checkpoint. The `ctrlc` crate installs the
/// handler portably, without `unsafe` in remsim. A second signal exits at once; the last
/// checkpoint on disk stays valid because it is replaced atomically.
fn install_ctrl_c() -> anyhow::Result<Arc<AtomicBool>> {
    // Once per process: `remsim compare` and `remsim sweep` run several batches in a row;
    // never where a program embedding remsim took the flag first.
    if let Some(flag) = STOP.get() {
        return Ok(flag.clone());
    }
    let flag = Arc::new(AtomicBool::new(false));
    let presses = Arc::new(AtomicUsize::new(0));
    let handler_flag = flag.clone();
    ctrlc::set_handler(move || {
        handler_flag.store(true, Ordering::SeqCst);
        if presses.fetch_add(1, Ordering::SeqCst) >= 1 {
            std::process::exit(130);
        }
        eprintln!("\nstopping after the current block (Ctrl-C again to quit at once)…");
    })
    .context("installing the Ctrl-C handler")?;
    Ok(STOP.get_or_init(|| flag).clone())
}

/// One trial done: the bar and [`TRIALS_DONE`] count it.
fn count_trial(bar: &ProgressBar) {
    bar.inc(1);
    TRIALS_DONE.fetch_add(1, Ordering::Relaxed);
}

/// Trials done/total, trials/s and time left on stderr; hidden when stderr is not a
/// terminal or with --quiet. Also `remsim compare`'s and `remsim validate`'s bar.
pub(crate) fn progress_bar(total: u64, done: u64, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "{msg} {bar:30} {pos}/{len} trials  {per_sec}  {elapsed_precise} elapsed, {eta} left",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_position(done);
    bar.reset_eta();
    bar
}
