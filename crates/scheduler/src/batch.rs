//! [`run_batch`]: runs a range of trials on a rayon pool in fixed-size blocks and folds them
//! into [`BatchAggregates`] in trial order.
//!
//! Each block of trial indices runs as `into_par_iter().map(run).collect()`, so its results
//! come back in index order whatever the thread count; then its cells are folded (exactly)
//! and its outcome rows handed, in trial order, to a [`BlockSink`] — which writes them and
//! decides when to checkpoint. Between blocks the state is complete and consistent: a
//! [`BatchState`] says which trial comes next and holds everything folded so far, so a
//! batch can stop after any block and resume from that state without losing or repeating
//! a trial.

use crate::aggregates::{BatchAggregates, Shape};
use crate::error::{BoxError, SchedulerError};
use crate::order::BlockValues;
use crate::outcomes::{OutcomeSpec, OutcomeValue};
use rayon::prelude::*;
use remsim_core::Trajectory;
use std::ops::Range;

/// Where a batch stands between blocks.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchState {
    /// The next trial to run; every trial before it (in the batch's range) is folded.
    pub next_trial: u64,
    /// Everything folded so far (`None` before the first trial).
    pub aggregates: Option<BatchAggregates>,
}

impl BatchState {
    /// The state before trial `first`.
    pub fn start(first: u64) -> BatchState {
        BatchState {
            next_trial: first,
            aggregates: None,
        }
    }
}

/// One trial's row of outcomes.
#[derive(Debug, Clone, PartialEq)]
pub struct TrialRow {
    /// Trial index.
    pub trial: u64,
    /// One value per [`OutcomeSpec`] column.
    pub values: Vec<OutcomeValue>,
}

/// What the sink wants after a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Run the next block.
    Continue,
    /// Stop now (e.g. on Ctrl-C); the state is returned as it is.
    Stop,
}

/// Receives each block's rows, in trial order, with the state after that block.
pub trait BlockSink: Send {
    /// Called once per block, after it is folded into `state`. Unless overridden it keeps
    /// nothing and runs on: for sinks that need only values, trajectories or the aggregates.
    fn block_done(
        &mut self,
        rows: &[TrialRow],
        spec: &OutcomeSpec,
        state: &BatchState,
    ) -> Result<Flow, BoxError> {
        let _ = (rows, spec, state);
        Ok(Flow::Continue)
    }

    /// Whether the sink wants each block's metric values ([`BlockSink::block_values`]),
    /// e.g. for exact quantiles; `false` unless overridden, so nothing is transposed.
    fn wants_values(&self) -> bool {
        false
    }

    /// Called once per block, before [`BlockSink::block_done`], with the block's values
    /// cell-major, when [`BlockSink::wants_values`] says so.
    fn block_values(&mut self, _block: &BlockValues) -> Result<(), BoxError> {
        Ok(())
    }

    /// Called once per block with its trajectories (trial `first`, `first + 1`, … in
    /// order), before [`BlockSink::block_done`] and before they are dropped: for sinks
    /// that write per-trial series. Only one block is ever held, so memory stays flat.
    fn trajectories(&mut self, first: u64, trajectories: &[Trajectory]) -> Result<(), BoxError> {
        let _ = (first, trajectories);
        Ok(())
    }
}

/// A [`BlockSink`] that keeps no rows: for callers that need only the aggregates.
#[derive(Debug, Clone, Copy, Default)]
pub struct DiscardRows;

impl BlockSink for DiscardRows {}

/// Runs every trial of `range` from scratch, keeping no rows, and returns the aggregates
/// (`None` when the range is empty): for callers that need only the statistics.
pub fn aggregate_batch<F, E>(
    range: Range<u64>,
    config: &BatchConfig,
    runner: F,
) -> Result<Option<BatchAggregates>, SchedulerError>
where
    F: Fn(u64) -> Result<Trajectory, E> + Sync,
    E: Into<BoxError> + Send,
{
    let start = BatchState::start(range.start);
    let end = run_batch(range, start, config, runner, &|| {}, &mut DiscardRows)?;
    let (BatchEnd::Finished(state) | BatchEnd::Stopped(state)) = end;
    Ok(state.aggregates)
}

/// How to run: threads and block size. Neither changes any output byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchConfig {
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// Trials per block.
    pub block_size: u64,
}

impl BatchConfig {
    /// A block of 16 trials per thread (at least 32): enough to keep every thread busy,
    /// small enough that a block's trajectories fit comfortably in memory.
    pub fn with_threads(threads: usize) -> BatchConfig {
        let effective = if threads == 0 {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            threads
        };
        BatchConfig {
            threads,
            block_size: (16 * effective as u64).clamp(32, 4096),
        }
    }
}

/// How a batch ended.
#[derive(Debug, Clone, PartialEq)]
pub enum BatchEnd {
    /// Every trial of the range is folded.
    Finished(BatchState),
    /// The sink asked to stop; the state is consistent and can be resumed.
    Stopped(BatchState),
}

/// Runs trials `state.next_trial .. range.end` with `runner` and folds them into `state`;
/// see the module docs. `on_trial` is called (from worker threads) as each trial finishes,
/// for progress bars.
pub fn run_batch<F, E>(
    range: Range<u64>,
    mut state: BatchState,
    config: &BatchConfig,
    runner: F,
    on_trial: &(dyn Fn() + Sync),
    sink: &mut dyn BlockSink,
) -> Result<BatchEnd, SchedulerError>
where
    F: Fn(u64) -> Result<Trajectory, E> + Sync,
    E: Into<BoxError> + Send,
{
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()
        .map_err(|e| SchedulerError::ThreadPool {
            threads: config.threads,
            message: e.to_string(),
        })?;
    let block_size = config.block_size.max(1);
    pool.install(|| {
        while state.next_trial < range.end {
            let block = state.next_trial..(state.next_trial + block_size).min(range.end);
            let results: Vec<Result<Trajectory, E>> = block
                .clone()
                .into_par_iter()
                .map(|trial| {
                    let result = runner(trial);
                    on_trial();
                    result
                })
                .collect();
            let mut trajectories = Vec::with_capacity(results.len());
            for (trial, result) in block.clone().zip(results) {
                match result {
                    Ok(t) => trajectories.push(t),
                    Err(e) => {
                        return Err(SchedulerError::Trial {
                            trial,
                            source: e.into(),
                        });
                    }
                }
            }
            let aggregates = match &mut state.aggregates {
                Some(a) => a,
                None => match trajectories.first() {
                    Some(first) => state
                        .aggregates
                        .insert(BatchAggregates::new(Shape::of(first))),
                    None => break,
                },
            };
            for (trial, t) in block.clone().zip(&trajectories) {
                aggregates.shape().check(trial, t)?;
            }
            sink.trajectories(block.start, &trajectories)
                .map_err(SchedulerError::Sink)?;
            let spec = aggregates.outcome_spec().clone();
            let rows: Vec<TrialRow> = trajectories
                .par_iter()
                .enumerate()
                .map(|(i, t)| TrialRow {
                    trial: block.start + i as u64,
                    values: spec.compute(t),
                })
                .collect();
            let pairs: Vec<(&Trajectory, &[OutcomeValue])> = trajectories
                .iter()
                .zip(&rows)
                .map(|(t, r)| (t, r.values.as_slice()))
                .collect();
            aggregates.fold_block(&pairs);
            drop(pairs);
            if sink.wants_values() {
                let refs: Vec<&Trajectory> = trajectories.iter().collect();
                sink.block_values(&BlockValues::from_trajectories(block.start, &refs))
                    .map_err(SchedulerError::Sink)?;
            }
            drop(trajectories);
            state.next_trial = block.end;
            match sink
                .block_done(&rows, &spec, &state)
                .map_err(SchedulerError::Sink)?
            {
                Flow::Continue => {}
                Flow::Stop if state.next_trial < range.end => {
                    return Ok(BatchEnd::Stopped(state));
                }
                Flow::Stop => {}
            }
        }
        Ok(BatchEnd::Finished(state))
    })
}
