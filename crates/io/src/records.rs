//! The records stored in the binary container. `aggregates.bin` holds an
//! [`AggregatesHeader`] followed by its [`CellRecord`]s; `checkpoint.bin` a
//! [`CheckpointRecord`] followed by the same. Plain data, in the order it is encoded;
//! changing a field changes the format, so bump [`crate::CONTAINER_VERSION`] with it.

use serde::{Deserialize, Serialize};

/// One metric at one tick (or one outcome column) across trials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellRecord {
    /// Values folded.
    pub count: u64,
    /// Values left out (non-finite or too large).
    pub excluded: u64,
    /// Exact sum: little-endian two's-complement limbs scaled by 2¹²⁸.
    pub sum: [u64; 5],
    /// Exact sum of squares, same encoding.
    pub sum_sq: [u64; 5],
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// Sketch: zeros.
    pub zeros: u64,
    /// Sketch: first key of the positive buckets.
    pub positive_first: i32,
    /// Sketch: positive bucket counts.
    pub positive: Vec<u32>,
    /// Sketch: first key of the negative buckets.
    pub negative_first: i32,
    /// Sketch: negative bucket counts.
    pub negative: Vec<u32>,
}

/// A [`CellRecord`] whose bucket counts are borrowed: what a writer encodes, to the same
/// bytes (a slice is encoded as a `Vec` is, its length and then its items), without
/// copying the counts ([`crate::ContainerWriter::cell`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CellRecordRef<'a> {
    /// Values folded.
    pub count: u64,
    /// Values left out (non-finite or too large).
    pub excluded: u64,
    /// Exact sum: little-endian two's-complement limbs scaled by 2¹²⁸.
    pub sum: [u64; 5],
    /// Exact sum of squares, same encoding.
    pub sum_sq: [u64; 5],
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// Sketch: zeros.
    pub zeros: u64,
    /// Sketch: first key of the positive buckets.
    pub positive_first: i32,
    /// Sketch: positive bucket counts.
    pub positive: &'a [u32],
    /// Sketch: first key of the negative buckets.
    pub negative_first: i32,
    /// Sketch: negative bucket counts.
    pub negative: &'a [u32],
}

/// The first record of stored aggregates; `cells` then `outcomes` cell records follow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AggregatesHeader {
    /// Month of tick 0, `YYYY-MM`.
    pub start: String,
    /// Number of ticks.
    pub n_ticks: u64,
    /// Metric names.
    pub metric_names: Vec<String>,
    /// Outcome column names.
    pub outcome_names: Vec<String>,
    /// Trials folded.
    pub trials: u64,
    /// Cell records that follow (metrics × ticks, tick-major).
    pub cells: u64,
    /// Outcome cell records that follow them.
    pub outcomes: u64,
}

/// The first record of a checkpoint; if `has_aggregates`, an [`AggregatesHeader`] and its
/// cells follow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckpointRecord {
    /// Master seed (checked against the manifest on resume).
    pub seed: u64,
    /// Trials in the whole batch.
    pub trials: u64,
    /// Shard index.
    pub shard_index: u64,
    /// Shard count.
    pub shard_count: u64,
    /// The next trial to run.
    pub next_trial: u64,
    /// Bytes of `trials.csv` that hold every row before `next_trial` (and nothing more).
    pub trials_csv_bytes: u64,
    /// BLAKE3 (hex) of those bytes, re-hashed on resume: a prefix changed since the
    /// checkpoint is refused rather than resumed to other results.
    pub trials_csv_blake3: String,
    /// Whether aggregates follow (not before the first block).
    pub has_aggregates: bool,
}
