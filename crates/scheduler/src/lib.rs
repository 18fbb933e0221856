//! `remsim-scheduler` runs Monte Carlo batches: [`run_batch`] runs fixed-size blocks of
//! trial indices on rayon and folds them, in trial order, into [`BatchAggregates`] — per
//! metric and tick a [`CellStats`] (count, exact sums, min, max, a [`QuantileSketch`]) —
//! and per trial a row of scalar outcomes ([`OutcomeSpec`]). [`Shard`] picks a
//! deterministic slice of a batch; aggregates of shards merge exactly.
//!
//! It depends only on `remsim-core` (the [`remsim_core::Trajectory`] contract) and rayon:
//! the trial runner is a closure the binary supplies (`remsim_sim::run_trial`), and it knows
//! no file format — `remsim-io` owns those and the binary converts through the plain
//! `*Parts` types. It is the only crate that uses parallelism.
//!
//! Invariants: a batch's aggregates and rows depend only on (runner, seed, trial range) —
//! never on thread count, block size, shard split or stop/resume points. All sums are
//! integer ([`ExactSum`], bucket counts), so merging is exact and order-free; no float is
//! ever reduced by rayon. Memory does not grow with the number of trials: sketches are
//! bounded and rows go to the sink block by block. Exact quantiles ([`order`]) stream each
//! block's values to the sink and select order statistics a bounded group of cells at a time.

pub mod aggregates;
pub mod batch;
pub mod cell;
pub mod error;
pub mod exact;
pub mod order;
pub mod outcomes;
pub mod plan;
pub mod sketch;
pub mod toy;

pub use aggregates::{
    AggregatesBuilder, AggregatesParts, BatchAggregates, HeaderParts, Shape, SummaryRow,
};
pub use batch::{
    BatchConfig, BatchEnd, BatchState, BlockSink, DiscardRows, Flow, TrialRow, aggregate_batch,
    run_batch,
};
pub use cell::{CellParts, CellPartsRef, CellStats, CellSummary, QUANTILES};
pub use error::{BoxError, SchedulerError};
pub use exact::ExactSum;
pub use order::{
    BlockValues, EXACT_MAX_TRIALS, QuantileMethod, SKETCH_REL_ERROR, cells_per_group,
    exact_quantiles,
};
pub use outcomes::{OutcomeColumn, OutcomeKind, OutcomeSpec, OutcomeValue};
pub use plan::{MAX_TRIALS, Shard};
pub use sketch::{BucketRun, QuantileSketch, SketchParts};
