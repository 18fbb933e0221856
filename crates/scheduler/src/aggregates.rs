//! [`BatchAggregates`]: everything a batch keeps about its trials besides the `trials.csv`
//! rows — a [`CellStats`] per metric per tick and one per numeric outcome column.
//!
//! Its size depends on the number of metrics and ticks, not on the number of trials (the
//! sketches are bounded), and two aggregates of disjoint trials merge exactly.

use crate::cell::{CellParts, CellStats, CellSummary};
use crate::error::SchedulerError;
use crate::outcomes::{OutcomeSpec, OutcomeValue};
use rayon::prelude::*;
use remsim_core::{Month, Trajectory};
use std::sync::Arc;

/// Cells folded per rayon task.
const CELLS_PER_TASK: usize = 512;
/// Values per tile of [`BatchAggregates::fold_block`]'s transposition (128 KiB).
const TILE_VALUES: usize = 16 * 1024;

/// The shape every trajectory of a batch shares.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// Month of tick 0.
    pub start: Month,
    /// Number of ticks.
    pub n_ticks: usize,
    /// Metric names, in column order.
    pub metric_names: Arc<[String]>,
}

impl Shape {
    /// The shape of a trajectory.
    pub fn of(trajectory: &Trajectory) -> Shape {
        Shape {
            start: trajectory.start,
            n_ticks: trajectory.n_ticks,
            metric_names: trajectory.metric_names.clone(),
        }
    }

    /// Metric-tick cells.
    pub fn n_cells(&self) -> usize {
        self.n_ticks * self.metric_names.len()
    }

    /// Whether `trajectory` has this shape; names the difference if not.
    pub fn check(&self, trial: u64, trajectory: &Trajectory) -> Result<(), SchedulerError> {
        let names_match = Arc::ptr_eq(&self.metric_names, &trajectory.metric_names)
            || self.metric_names == trajectory.metric_names;
        let problem = if !names_match {
            Some("its metric names differ".to_string())
        } else if trajectory.start != self.start || trajectory.n_ticks != self.n_ticks {
            Some(format!(
                "it starts {} with {} ticks, not {} with {}",
                trajectory.start, trajectory.n_ticks, self.start, self.n_ticks
            ))
        } else if trajectory.values.len() != self.n_cells() {
            Some(format!(
                "it holds {} values, not {}",
                trajectory.values.len(),
                self.n_cells()
            ))
        } else {
            None
        };
        match problem {
            Some(problem) => Err(SchedulerError::Shape { trial, problem }),
            None => Ok(()),
        }
    }
}

/// The mergeable state of a batch; see the module docs.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchAggregates {
    shape: Shape,
    outcomes: OutcomeSpec,
    trials: u64,
    cells: Vec<CellStats>,
    outcome_cells: Vec<CellStats>,
}

/// The storage form of [`BatchAggregates`] (plain data, for `remsim-io`'s records).
#[derive(Debug, Clone, PartialEq)]
pub struct AggregatesParts {
    /// Shape, outcome columns and trial count.
    pub header: HeaderParts,
    /// Cells, tick-major.
    pub cells: Vec<CellParts>,
    /// One cell per outcome column.
    pub outcomes: Vec<CellParts>,
}

/// One row of the long summary: a metric at a tick.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SummaryRow<'a> {
    /// Metric name.
    pub metric: &'a str,
    /// Tick index.
    pub tick: usize,
    /// Index of the cell, tick-major (`tick × metrics + metric`), as in a trajectory's
    /// values and [`BlockValues`](crate::BlockValues).
    pub cell: usize,
    /// Month of the tick.
    pub month: Month,
    /// The numbers.
    pub summary: CellSummary,
}

impl BatchAggregates {
    /// Empty aggregates for trajectories of `shape`.
    pub fn new(shape: Shape) -> BatchAggregates {
        let outcomes = OutcomeSpec::new(&shape.metric_names, shape.start, shape.n_ticks);
        BatchAggregates {
            cells: vec![CellStats::new(); shape.n_cells()],
            outcome_cells: vec![CellStats::new(); outcomes.columns().len()],
            shape,
            outcomes,
            trials: 0,
        }
    }

    /// The shape of the trajectories folded.
    pub fn shape(&self) -> &Shape {
        &self.shape
    }

    /// The outcome columns.
    pub fn outcome_spec(&self) -> &OutcomeSpec {
        &self.outcomes
    }

    /// Trials folded.
    pub fn trials(&self) -> u64 {
        self.trials
    }

    /// Folds a block of trajectories with their outcome rows. The trajectories must have
    /// this shape (see [`Shape::check`]). Cells are folded in parallel on the current rayon
    /// pool; each cell is touched by one task, and folding is exact, so the result does not
    /// depend on the pool.
    pub fn fold_block(&mut self, block: &[(&Trajectory, &[OutcomeValue])]) {
        // Cells per tile: a tile's values (one column per cell, one row per trial) stay
        // within ~128 KiB, so the transposition below works in the core's own cache.
        let tile = (TILE_VALUES / block.len().max(1)).clamp(1, CELLS_PER_TASK);
        self.cells
            .par_chunks_mut(CELLS_PER_TASK)
            .enumerate()
            .for_each(|(chunk_index, chunk)| {
                let base = chunk_index * CELLS_PER_TASK;
                let slices: Vec<&[f64]> = block
                    .iter()
                    .filter_map(|(t, _)| t.values.get(base..base + chunk.len()))
                    .collect();
                let trials = slices.len();
                if trials == 0 {
                    return;
                }
                let mut columns = vec![0.0f64; tile * trials];
                for (tile_index, cells) in chunk.chunks_mut(tile).enumerate() {
                    let first = tile_index * tile;
                    // Transposed a trajectory at a time (each read in order, which the
                    // hardware prefetches), so that each cell's values across the block lie
                    // side by side for `add_values`.
                    for (t, values) in slices.iter().enumerate() {
                        let Some(row) = values.get(first..first + cells.len()) else {
                            continue;
                        };
                        for (column, value) in columns.chunks_exact_mut(trials).zip(row) {
                            if let Some(slot) = column.get_mut(t) {
                                *slot = *value;
                            }
                        }
                    }
                    for (cell, column) in cells.iter_mut().zip(columns.chunks_exact(trials)) {
                        cell.add_values(column);
                    }
                }
            });
        for (_, row) in block {
            for (cell, value) in self.outcome_cells.iter_mut().zip(row.iter()) {
                if let Some(x) = value.number() {
                    cell.add(x);
                }
            }
        }
        self.trials += block.len() as u64;
    }

    /// Adds the trials of `other` (disjoint trials of the same batch).
    pub fn merge(&mut self, other: &BatchAggregates) -> Result<(), SchedulerError> {
        if self.shape != other.shape {
            return Err(SchedulerError::MergeShape);
        }
        for (a, b) in self.cells.iter_mut().zip(&other.cells) {
            a.merge(b);
        }
        for (a, b) in self.outcome_cells.iter_mut().zip(&other.outcome_cells) {
            a.merge(b);
        }
        self.trials += other.trials;
        Ok(())
    }

    /// The statistics of metric `metric` at `tick`.
    pub fn cell(&self, metric: usize, tick: usize) -> Option<&CellStats> {
        self.cells
            .get(tick * self.shape.metric_names.len() + metric)
            .filter(|_| metric < self.shape.metric_names.len())
    }

    /// The statistics of an outcome column across trials.
    pub fn outcome(&self, name: &str) -> Option<&CellStats> {
        self.outcomes
            .column_index(name)
            .and_then(|i| self.outcome_cells.get(i))
    }

    /// Summary rows, metric by metric, tick by tick.
    pub fn summary_rows(&self) -> impl Iterator<Item = SummaryRow<'_>> + '_ {
        self.summary_rows_with(true)
    }

    /// [`BatchAggregates::summary_rows`], the sketch's quantiles left out (`None`) unless
    /// `sketch_quantiles`: for a caller that takes exact quantiles from elsewhere, so the
    /// sketches are not walked for nothing.
    pub fn summary_rows_with(
        &self,
        sketch_quantiles: bool,
    ) -> impl Iterator<Item = SummaryRow<'_>> + '_ {
        let n_metrics = self.shape.metric_names.len();
        self.shape
            .metric_names
            .iter()
            .enumerate()
            .flat_map(move |(m, name)| {
                (0..self.shape.n_ticks).map(move |tick| SummaryRow {
                    metric: name,
                    tick,
                    cell: tick * n_metrics + m,
                    month: self.shape.start.add_months(tick as i32),
                    summary: self
                        .cells
                        .get(tick * n_metrics + m)
                        .map(|cell| cell.summary_with(sketch_quantiles))
                        .unwrap_or_else(|| CellStats::new().summary_with(sketch_quantiles)),
                })
            })
    }

    /// The storage form.
    pub fn to_parts(&self) -> AggregatesParts {
        AggregatesParts {
            header: self.header_parts(),
            cells: self.cells.iter().map(CellStats::to_parts).collect(),
            outcomes: self.outcome_cells.iter().map(CellStats::to_parts).collect(),
        }
    }

    /// Aggregates from their storage form, checking every length and count.
    pub fn from_parts(parts: &AggregatesParts) -> Result<BatchAggregates, SchedulerError> {
        let mut builder = AggregatesBuilder::new(parts.header.clone())?;
        let (cells, outcomes) = builder.expected();
        if (parts.cells.len(), parts.outcomes.len()) != (cells, outcomes) {
            return Err(SchedulerError::Stored(format!(
                "{} cells and {} outcome cells where {cells} and {outcomes} belong",
                parts.cells.len(),
                parts.outcomes.len()
            )));
        }
        for cell in parts.cells.iter().chain(&parts.outcomes) {
            builder.push(cell)?;
        }
        builder.finish()
    }

    /// Everything but the cells, for storage; the cells follow from
    /// [`BatchAggregates::stored_cells`].
    pub fn header_parts(&self) -> HeaderParts {
        HeaderParts {
            start: self.shape.start,
            n_ticks: self.shape.n_ticks,
            metric_names: self.shape.metric_names.to_vec(),
            outcome_names: self
                .outcomes
                .columns()
                .iter()
                .map(|c| c.name.clone())
                .collect(),
            trials: self.trials,
        }
    }

    /// The cells in storage order: metric cells (tick-major), then outcome cells.
    pub fn stored_cells(&self) -> impl Iterator<Item = &CellStats> + '_ {
        self.cells.iter().chain(&self.outcome_cells)
    }

    /// How many metric cells and outcome cells [`BatchAggregates::stored_cells`] yields.
    pub fn stored_counts(&self) -> (usize, usize) {
        (self.cells.len(), self.outcome_cells.len())
    }
}

/// The storage form of aggregates without their cells.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderParts {
    /// Month of tick 0.
    pub start: Month,
    /// Number of ticks.
    pub n_ticks: usize,
    /// Metric names.
    pub metric_names: Vec<String>,
    /// Outcome column names (checked against the columns this version computes).
    pub outcome_names: Vec<String>,
    /// Trials folded.
    pub trials: u64,
}

/// Rebuilds stored aggregates one cell at a time, so reading them never holds a second
/// copy in memory.
#[derive(Debug)]
pub struct AggregatesBuilder {
    aggregates: BatchAggregates,
    trials: u64,
    next: usize,
}

impl AggregatesBuilder {
    /// Starts from the stored header; refuses outcome columns other than this version's.
    pub fn new(header: HeaderParts) -> Result<AggregatesBuilder, SchedulerError> {
        if header.trials > crate::plan::MAX_TRIALS {
            return Err(SchedulerError::Stored(format!("{} trials", header.trials)));
        }
        let shape = Shape {
            start: header.start,
            n_ticks: header.n_ticks,
            metric_names: header.metric_names.into(),
        };
        let aggregates = BatchAggregates::new(shape);
        let expected: Vec<&str> = aggregates
            .outcomes
            .columns()
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        if header.outcome_names != expected {
            return Err(SchedulerError::Stored(
                "its outcome columns differ from this version's".to_string(),
            ));
        }
        Ok(AggregatesBuilder {
            aggregates,
            trials: header.trials,
            next: 0,
        })
    }

    /// How many metric cells and outcome cells must be pushed.
    pub fn expected(&self) -> (usize, usize) {
        self.aggregates.stored_counts()
    }

    /// The next cell, in [`BatchAggregates::stored_cells`] order.
    pub fn push(&mut self, parts: &CellParts) -> Result<(), SchedulerError> {
        let cell =
            CellStats::from_parts(parts).map_err(|e| SchedulerError::Stored(e.to_string()))?;
        if cell.count() + cell.excluded() > self.trials {
            return Err(SchedulerError::Stored(format!(
                "a cell holds {} values for {} trials",
                cell.count() + cell.excluded(),
                self.trials
            )));
        }
        let (cells, outcomes) = self.expected();
        let slot = if self.next < cells {
            self.aggregates.cells.get_mut(self.next)
        } else {
            self.aggregates.outcome_cells.get_mut(self.next - cells)
        };
        match slot {
            Some(slot) => *slot = cell,
            None => {
                return Err(SchedulerError::Stored(format!(
                    "more than the {} cells its header announces",
                    cells + outcomes
                )));
            }
        }
        self.next += 1;
        Ok(())
    }

    /// The aggregates, once every cell is in.
    pub fn finish(self) -> Result<BatchAggregates, SchedulerError> {
        let (cells, outcomes) = self.expected();
        if self.next != cells + outcomes {
            return Err(SchedulerError::Stored(format!(
                "{} cells where its header announces {}",
                self.next,
                cells + outcomes
            )));
        }
        let mut aggregates = self.aggregates;
        aggregates.trials = self.trials;
        Ok(aggregates)
    }
}
