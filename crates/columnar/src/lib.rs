//! `remsim-columnar` writes Parquet copies of a results folder's tables — `summary`,
//! `trials`, `inputs` and `series` — and reads them back.
//!
//! A batch always writes its CSV files first (they are what checkpoints, `--resume` and
//! `remsim merge` rely on); [`csv_to_parquet`] then streams one CSV into a Parquet file
//! with proper types ([`ColumnKind`]): months (`date`, and outcomes whose catalog unit is
//! `YYYY-MM`) as Arrow `Date32` (the first day of the month), names (`metric`, `unit`) as
//! dictionary-encoded strings, counters (`trial`, `seed`, `tick`, `n`) as `UInt64`, and
//! everything else as nullable `Float64` (an empty CSV field is null). Rows go out in row
//! groups of a fixed size that depends only on the number of columns, so memory stays
//! flat in the number of trials and the bytes depend only on the CSV's bytes and the
//! metadata: a merged folder's Parquet equals an unsharded batch's, byte for byte.
//!
//! Every file carries key-value metadata ([`FileMeta`]): the manifest's config hash and
//! seed, the table's name and the remsim version. [`parquet_to_csv`] writes a Parquet table
//! back as the CSV it came from, byte for byte (floats in the shortest form that reads
//! back to the same `f64`, as every remsim CSV writes them).
//!
//! Depends on `remsim-core` only for the metric catalog (which outcome columns are months).

mod error;
mod kinds;
mod read;
mod write;

pub use error::ColumnarError;
pub use kinds::{ColumnKind, column_kind, days_from_month, month_from_days};
pub use read::{parquet_to_csv, read_metadata};
pub use write::{ROWS_PER_GROUP, csv_to_parquet};

/// One of the result tables a batch folder can hold in both formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// `summary`: quantiles of every metric, month by month.
    Summary,
    /// `trials`: one row of outcomes per trial.
    Trials,
    /// `inputs`: each trial's drawn uncertain inputs.
    Inputs,
    /// `series`: chosen metrics of every trial, month by month (`run --series`).
    Series,
}

impl Table {
    /// Every table, in the order they are converted.
    pub const ALL: [Table; 4] = [Table::Summary, Table::Trials, Table::Inputs, Table::Series];

    /// The table's name, the stem of its files (`trials`).
    pub fn name(self) -> &'static str {
        match self {
            Table::Summary => "summary",
            Table::Trials => "trials",
            Table::Inputs => "inputs",
            Table::Series => "series",
        }
    }

    /// Its CSV file name (`trials.csv`).
    pub fn csv_file(self) -> String {
        format!("{}.csv", self.name())
    }

    /// Its Parquet file name (`trials.parquet`).
    pub fn parquet_file(self) -> String {
        format!("{}.parquet", self.name())
    }
}

/// What every Parquet file records about the batch it belongs to, as key-value metadata
/// under the keys `remsim.config_hash`, `remsim.seed`, `remsim.table` and
/// `remsim.version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileMeta {
    /// The manifest's config hash.
    pub config_hash: String,
    /// The batch's master seed.
    pub seed: u64,
    /// The version of remsim that wrote the batch (the manifest's `remsim_version`).
    pub remsim_version: String,
}

impl FileMeta {
    /// The key-value pairs written into a file of `table`.
    pub fn pairs(&self, table: Table) -> Vec<(String, String)> {
        vec![
            ("remsim.config_hash".to_string(), self.config_hash.clone()),
            ("remsim.seed".to_string(), self.seed.to_string()),
            ("remsim.table".to_string(), table.name().to_string()),
            ("remsim.version".to_string(), self.remsim_version.clone()),
        ]
    }
}
