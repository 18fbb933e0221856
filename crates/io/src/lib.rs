//! `remsim-io` owns every on-disk format of a results folder: [`Manifest`] and [`Timing`]
//! (JSON), the long `summary.csv` ([`SummaryWriter`]), the per-trial `trials.csv`
//! ([`TrialsWriter`], [`TrialsReader`]), replayed trajectories ([`TrajectoryWriter`]), and
//! the checksummed binary container ([`container`]) that holds `aggregates.bin` and
//! `checkpoint.bin` through dedicated record types ([`AggregatesHeader`], [`CellRecord`],
//! [`CheckpointRecord`]), written and read one record at a time. [`readers`] reads
//! finished folders back for reports. [`values`] streams every trial's metric values to
//! `values.bin` for exact quantiles.
//!
//! It depends on no other remsim crate (it sits at the edge, beside `remsim-core`): it
//! knows nothing of how trials run or how statistics fold; the binary converts the
//! scheduler's plain `*Parts` types into these records. Invariants: every file is written
//! atomically (temporary file, fsync, rename) except the append-only `trials.csv` and
//! `values.bin`, whose durable length a checkpoint fixes; floats are written so they read back bit for bit
//! (`{}` of `f64`, shortest round-trip form); a binary file that is truncated, corrupted,
//! of another kind or of another format version is refused with a message saying which.

pub mod container;
pub mod error;
pub mod files;
pub mod manifest;
pub mod readers;
pub mod records;
pub mod table;
pub mod values;

pub use container::{CONTAINER_VERSION, ContainerReader, ContainerWriter, FileKind};
pub use error::IoError;
pub use files::{atomic_write, sync_dir};
pub use manifest::{MANIFEST_FORMAT, MANIFEST_VERSION, Manifest, ShardRecord, Timing};
pub use readers::{
    QUANTILE_LEVELS, SignCount, SignCounts, SummaryRecord, SummaryTable, TrialColumns,
};
pub use records::{AggregatesHeader, CellRecord, CheckpointRecord};
pub use table::{
    Field, SummaryLine, SummaryWriter, TrajectoryWriter, TrialsReader, TrialsWriter, number,
};
pub use values::{ValuesFile, ValuesWriter, cells_in_groups};
