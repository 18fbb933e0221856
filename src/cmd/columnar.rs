//! `--format csv|parquet|both` of `run`, `compare`, `sweep`, `sensitivity` and `merge`: a
//! finished batch folder's tables (`summary`, `trials`, `inputs`, `series`) as Parquet
//! beside or instead of CSV, through `remsim-columnar`.
//!
//! A batch always writes CSV while it runs — checkpoints, `--resume` and the commands that
//! read a batch back rely on it — and converts once it is finished, then seals its manifest
//! again so that it lists (and `remsim verify` checks) the Parquet files too. A shard keeps
//! its CSV whatever the format, as `remsim merge` reads it (as it keeps `values.bin`); the
//! merged folder is converted from the merged CSV, and as the conversion depends only on
//! a CSV's bytes and the batch's config hash, seed and version, its Parquet files are the
//! same bytes whatever the shard count.

use std::path::Path;

/// Which files a batch's tables are written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// CSV only (`summary.csv`, `trials.csv`, …).
    #[default]
    Csv,
    /// Parquet only (`summary.parquet`, …): typed, compressed; a shard keeps its CSV too.
    Parquet,
    /// CSV and Parquet.
    Both,
}

impl Format {
    /// Refuses, before any work, a format this build cannot write: a batch of hours that
    /// stops at its last step for want of the `parquet` feature loses the user the wait.
    pub fn ensure_available(self) -> anyhow::Result<()> {
        #[cfg(not(feature = "parquet"))]
        if self != Format::Csv {
            anyhow::bail!(
                "--format: this remsim was built without Parquet output; rebuild it with `cargo build --release --features parquet`, or pass `--format csv`"
            );
        }
        Ok(())
    }
}

/// Writes the Parquet copies of the finished batch folder `dir` as `format` asks, removes
/// its CSV tables for `Format::Parquet` (not a shard's), and seals its manifest again.
pub fn apply(dir: &Path, format: Format) -> anyhow::Result<()> {
    if format == Format::Csv {
        return Ok(());
    }
    convert(dir, format)
}

/// Without the `parquet` feature: refuses, saying how to build remsim with it.
#[cfg(not(feature = "parquet"))]
fn convert(dir: &Path, _format: Format) -> anyhow::Result<()> {
    anyhow::bail!(
        "{}: this remsim was built without Parquet output; rebuild it with `cargo build --release --features parquet` (the CSV files are written)",
        dir.display()
    )
}

/// The conversion of [`apply`].
#[cfg(feature = "parquet")]
fn convert(dir: &Path, format: Format) -> anyhow::Result<()> {
    use super::folder::Folder;
    use anyhow::Context;
    use remsim_columnar::{FileMeta, Table, csv_to_parquet};
    let folder = Folder::new(dir);
    let manifest = folder.verified()?;
    let meta = FileMeta {
        config_hash: manifest.config_hash.clone(),
        seed: manifest.seed,
        remsim_version: manifest.remsim_version.clone(),
    };
    let keep_csv = format == Format::Both || manifest.shard.count > 1;
    for table in Table::ALL {
        let csv = folder.file(&table.csv_file());
        if !csv.exists() {
            continue;
        }
        csv_to_parquet(table, &csv, &folder.file(&table.parquet_file()), &meta)?;
        if !keep_csv {
            std::fs::remove_file(&csv).with_context(|| format!("removing {}", csv.display()))?;
        }
    }
    remsim_io::sync_dir(&folder.file("manifest.json"))?;
    folder.mark_complete(&manifest)
}
