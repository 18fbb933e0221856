//! The block sink of `remsim run`: each block's rows to `trials.csv` and `inputs.csv`, the
//! chosen series to `series.csv`, the values to `values.bin`, and every few seconds (or when
//! interrupted) a checkpoint.

use super::{Every, Inputs, RunArgs, column_names};
use crate::cmd::folder::{CHECKPOINT, Folder, INPUTS, SERIES, TRIALS, VALUES};
use crate::cmd::records;
use anyhow::bail;
use remsim_io::{
    CheckpointRecord, ContainerWriter, DurablePrefix, FileKind, Manifest, RowsWriter,
    SERIES_HEADER, TrialsWriter, ValuesWriter,
};
use remsim_scenario::Scenario;
use remsim_scheduler::{BatchState, BlockSink, BlockValues, BoxError, Flow, OutcomeSpec, TrialRow};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Writes each block's rows to `trials.csv` and, every few seconds or when interrupted, a
/// checkpoint: first `trials.csv` is made durable, then `checkpoint.bin` (recording its
/// length) replaces the previous one atomically.
pub(super) struct FileSink<'a> {
    pub(super) folder: Folder,
    pub(super) trials: Option<TrialsWriter>,
    pub(super) seed: u64,
    pub(super) manifest: &'a Manifest,
    pub(super) every: Duration,
    pub(super) last_checkpoint: Instant,
    /// How long the last checkpoint took (zero before the first).
    pub(super) last_cost: Duration,
    pub(super) interrupted: Arc<AtomicBool>,
    /// `inputs.csv`, one row per trial as its block finishes.
    pub(super) inputs_writer: RowsWriter,
    pub(super) inputs: &'a Inputs<'a>,
    pub(super) scenario: &'a Scenario,
    /// `series.csv`, with `--series`.
    pub(super) series: Option<SeriesSink>,
    /// Whether every block's values go to `values.bin` (exact quantiles).
    pub(super) exact: bool,
    pub(super) values: Option<ValuesWriter>,
}

/// `series.csv`: which metrics, how often.
pub(super) struct SeriesSink {
    pub(super) writer: RowsWriter,
    metrics: Vec<String>,
    every: Every,
}

/// The header of `inputs.csv`: `trial` and each uncertain parameter's path, as `remsim
/// check` prints it.
pub fn inputs_header(scenario: &Scenario) -> Vec<String> {
    std::iter::once("trial".to_string())
        .chain(scenario.uncertain().iter().map(|p| p.path.to_string()))
        .collect()
}

/// Starts `inputs.csv` and writes the rows of the trials `first..next` already run (a
/// resumed batch): the inputs are a function of (config, seed, trial), so they are
/// rewritten rather than recovered.
pub(super) fn open_inputs(
    folder: &Folder,
    scenario: &Scenario,
    inputs: &Inputs<'_>,
    seed: u64,
    first: u64,
    next: u64,
) -> anyhow::Result<RowsWriter> {
    let header = inputs_header(scenario);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut writer = RowsWriter::create(&folder.file(INPUTS), &header)?;
    for trial in first..next {
        let values = inputs
            .values(scenario, seed, trial)
            .map_err(|e| anyhow::anyhow!(e))?;
        writer.numbers(trial, &values)?;
    }
    Ok(writer)
}

/// With `--series`: checks the metric names and starts (or, resuming, cuts back and
/// reopens) `series.csv`.
pub(super) fn open_series(
    folder: &Folder,
    args: &RunArgs,
    first: u64,
    next: u64,
) -> anyhow::Result<Option<SeriesSink>> {
    let path = folder.file(SERIES);
    if args.series.is_empty() {
        if args.resume && path.exists() {
            bail!(
                "{} holds series.csv: pass the same --series to resume it",
                folder.dir.display()
            );
        }
        return Ok(None);
    }
    let known = remsim_sim::metric_names();
    for name in &args.series {
        if !known.iter().any(|k| k == name) {
            let hint = remsim_core::suggest::closest(name, known.iter().map(String::as_str));
            bail!(
                "--series: unknown metric `{name}`{}",
                remsim_core::suggest::did_you_mean(&hint)
            );
        }
    }
    let writer = if args.resume && next > first {
        if !path.exists() {
            bail!(
                "{}: the interrupted batch wrote no series.csv, so --series cannot be added on resume",
                folder.dir.display()
            );
        }
        RowsWriter::resume(&path, &SERIES_HEADER, next)?
    } else {
        RowsWriter::create(&path, &SERIES_HEADER)?
    };
    Ok(Some(SeriesSink {
        writer,
        metrics: args.series.clone(),
        every: args.every,
    }))
}

impl SeriesSink {
    /// Writes the chosen metrics of `trajectory` (trial `trial`).
    fn write(&mut self, trial: u64, trajectory: &remsim_core::Trajectory) -> Result<(), BoxError> {
        for name in &self.metrics {
            let Some(m) = trajectory.metric_index(name) else {
                return Err(format!("trial {trial} has no metric `{name}`").into());
            };
            for tick in 0..trajectory.n_ticks {
                let month = trajectory.month(tick);
                let last_of_year = tick + 1 == trajectory.n_ticks
                    || trajectory.month(tick + 1).year() != month.year();
                if self.every == Every::Year && !last_of_year {
                    continue;
                }
                let value = trajectory.tick(tick).get(m).copied().unwrap_or(f64::NAN);
                self.writer.series(trial, name, &month.to_string(), value)?;
            }
        }
        Ok(())
    }
}

impl FileSink<'_> {
    /// The time from one checkpoint to the next: `--checkpoint-secs`, stretched to 100
    /// times the last checkpoint's cost (checkpoints ≤ 1% of the run; issue 18), except
    /// when every block is to be checkpointed (0).
    fn interval(&self) -> Duration {
        if self.every.is_zero() {
            self.every
        } else {
            self.every.max(self.last_cost.saturating_mul(100))
        }
    }

    fn checkpoint(&mut self, state: &BatchState) -> Result<(), BoxError> {
        let started = Instant::now();
        let prefix = match self.trials.as_mut() {
            Some(w) => w.sync()?,
            None => DurablePrefix::empty(),
        };
        self.inputs_writer.sync()?;
        if let Some(series) = self.series.as_mut() {
            series.writer.sync()?;
        }
        // The values of every folded trial are durable before the checkpoint says so.
        if let Some(values) = self.values.as_mut() {
            values.sync()?;
        }
        let record = CheckpointRecord {
            seed: self.manifest.seed,
            trials: self.manifest.trials,
            shard_index: self.manifest.shard.index,
            shard_count: self.manifest.shard.count,
            next_trial: state.next_trial,
            trials_csv_bytes: prefix.bytes,
            trials_csv_blake3: prefix.blake3,
            has_aggregates: state.aggregates.is_some(),
        };
        let mut writer = ContainerWriter::create(
            &self.folder.file(CHECKPOINT),
            FileKind::Checkpoint,
            &self.manifest.config_hash,
        )?;
        writer.item(&record)?;
        if let Some(aggregates) = &state.aggregates {
            records::write_aggregates(&mut writer, aggregates).map_err(BoxError::from)?;
        }
        writer.finish()?;
        self.last_checkpoint = Instant::now();
        self.last_cost = started.elapsed();
        Ok(())
    }
}

impl BlockSink for FileSink<'_> {
    fn wants_values(&self) -> bool {
        self.exact
    }

    fn block_values(&mut self, block: &BlockValues) -> Result<(), BoxError> {
        let writer = match self.values.as_mut() {
            Some(w) => w,
            None => self.values.insert(ValuesWriter::create(
                &self.folder.file(VALUES),
                block.n_cells(),
            )?),
        };
        writer.append(block.first_trial, block.len, &block.values)?;
        Ok(())
    }

    fn block_done(
        &mut self,
        rows: &[TrialRow],
        spec: &OutcomeSpec,
        state: &BatchState,
    ) -> Result<Flow, BoxError> {
        let writer = match self.trials.as_mut() {
            Some(w) => w,
            None => self.trials.insert(TrialsWriter::create(
                &self.folder.file(TRIALS),
                &column_names(spec),
            )?),
        };
        for row in rows {
            records::with_fields(&row.values, |fields| {
                writer.write(row.trial, self.seed, fields)
            })?;
            let values = self.inputs.values(self.scenario, self.seed, row.trial)?;
            self.inputs_writer.numbers(row.trial, &values)?;
        }
        let stop = self.interrupted.load(Ordering::SeqCst);
        if stop || self.last_checkpoint.elapsed() >= self.interval() {
            self.checkpoint(state)?;
        }
        Ok(if stop { Flow::Stop } else { Flow::Continue })
    }

    fn trajectories(
        &mut self,
        first: u64,
        trajectories: &[remsim_core::Trajectory],
    ) -> Result<(), BoxError> {
        if let Some(series) = self.series.as_mut() {
            for (trial, t) in (first..).zip(trajectories) {
                series.write(trial, t)?;
            }
        }
        Ok(())
    }
}
