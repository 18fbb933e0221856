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
//! atomically (temporary file, fsync, rename; the temporary file removed on failure)
//! except the append-only `trials.csv` and `values.bin`, whose durable prefix (length, and
//! for `trials.csv` its BLAKE3) a checkpoint records; a finished folder's sealed manifest
//! lists every data file with its size and BLAKE3 and is written last ([`verify`] checks it
//! all before a folder is used); floats are written so they read back bit for bit
//! (`{}` of `f64`, shortest round-trip form); a binary file that is truncated, corrupted,
//! of another kind or of another format version is refused with a message saying which.

pub mod container;
pub mod error;
pub mod files;
pub mod manifest;
pub mod names;
pub mod number;
pub mod readers;
pub mod records;
pub mod rows;
pub mod table;
pub mod verify;

/// `trials.csv`: one row of outcomes per trial, appended as the batch runs.
pub const TRIALS_FILE: &str = names::TRIALS;
pub mod values;

pub use container::{CONTAINER_VERSION, ContainerReader, ContainerWriter, FileKind};
pub use error::IoError;
pub use files::{atomic_write, sync_dir};
pub use manifest::{FileRecord, MANIFEST_FORMAT, MANIFEST_VERSION, Manifest, ShardRecord, Timing};
pub use number::push_number;
pub use readers::{
    QUANTILE_LEVELS, SignCount, SignCounts, SummaryRecord, SummaryTable, TrialColumns,
};
pub use records::{AggregatesHeader, CellRecord, CellRecordRef, CheckpointRecord};
pub use rows::{RowsWriter, SERIES_HEADER, numbers_line};
pub use table::{
    DurablePrefix, Field, SummaryLine, SummaryStats, SummaryWriter, TrajectoryWriter, TrialsReader,
    TrialsWriter, number,
};
pub use values::{ValuesFile, ValuesWriter, cells_in_groups};
pub use verify::{FolderState, data_files, verify_finished, verify_folder};

#[cfg(test)]
use std::path::{Path, PathBuf};

/// The file a unit test writes, alone in a scratch folder named after the test; the folder
/// goes when this is dropped, whether the test passes or not.
#[cfg(test)]
struct ScratchFile(PathBuf);

#[cfg(test)]
impl ScratchFile {
    fn new(test: &str, file: &str) -> ScratchFile {
        let dir = std::env::temp_dir().join(format!("remsim-io-{test}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        ScratchFile(dir.join(file))
    }
}

#[cfg(test)]
impl std::ops::Deref for ScratchFile {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

#[cfg(test)]
impl AsRef<Path> for ScratchFile {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

#[cfg(test)]
impl Drop for ScratchFile {
    fn drop(&mut self) {
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}
