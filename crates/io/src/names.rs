//! The file names of a results folder and of a comparison folder, in one place: the commands
//! that write them, [`crate::verify`] and the readers (`remsim-report`) all name files
//! through these.

/// `manifest.json`: the sealed record of a batch, written last.
pub const MANIFEST: &str = "manifest.json";
/// `timing.json`: wall time and throughput (sealed itself, not listed: its bytes differ from
/// run to run).
pub const TIMING: &str = "timing.json";
/// `summary.csv`: quantiles per metric per tick.
pub const SUMMARY: &str = "summary.csv";
/// `trials.csv`: one row of outcomes per trial, appended as the batch runs.
pub const TRIALS: &str = "trials.csv";
/// `inputs.csv`: each trial's drawn uncertain inputs.
pub const INPUTS: &str = "inputs.csv";
/// `series.csv`: chosen metrics of every trial (`remsim run --series`).
pub const SERIES: &str = "series.csv";
/// `aggregates.bin`: the mergeable statistics of a batch.
pub const AGGREGATES: &str = "aggregates.bin";
/// `checkpoint.bin`: present only while a batch is unfinished.
pub const CHECKPOINT: &str = "checkpoint.bin";
/// `values.bin`: every trial's metric values, for exact quantiles; kept only by shards
/// (for `remsim merge`) and while a batch is unfinished.
pub const VALUES: &str = "values.bin";
/// `comparison.json`: the sealed list of a comparison folder's own data files.
pub const COMPARISON: &str = "comparison.json";
/// `diff_summary.csv`: a comparison's paired-difference summary (columns of `summary.csv`).
pub const DIFF_SUMMARY: &str = "diff_summary.csv";
/// `diff_trials.csv`: a comparison's per-trial paired differences.
pub const DIFF_TRIALS: &str = "diff_trials.csv";
