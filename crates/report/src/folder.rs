//! Opening a folder to report on: a results folder ([`RunFolder`]: `manifest.json`,
//! `summary.csv`, `trials.csv`, `aggregates.bin`) or a comparison folder ([`Comparison`]:
//! `base/` and `shock/` results folders, `diff_summary.csv`, `diff_trials.csv`). Everything
//! is read through `remsim-io`.

use crate::error::ReportError;
use remsim_io::{Manifest, SignCounts, SummaryTable, Timing};
use std::path::{Path, PathBuf};

/// File names inside a results folder or a comparison folder.
pub use remsim_io::names::{
    AGGREGATES, DIFF_SUMMARY, DIFF_TRIALS, MANIFEST, SUMMARY, TIMING, TRIALS,
};

/// An opened results folder.
#[derive(Debug, Clone)]
pub struct RunFolder {
    /// The folder.
    pub dir: PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
    /// Its timing file, if present and readable.
    pub timing: Option<Timing>,
    /// Its `summary.csv`.
    pub summary: SummaryTable,
}

impl RunFolder {
    /// Opens `dir`: checks the folder (`remsim_io::verify_finished`: complete, every data
    /// file as its manifest records), then reads the manifest and `summary.csv` (the timing
    /// file if there).
    pub fn open(dir: &Path) -> Result<RunFolder, ReportError> {
        let manifest = remsim_io::verify_finished(dir)?;
        let summary_path = dir.join(SUMMARY);
        if !summary_path.exists() {
            return Err(ReportError::Missing {
                path: summary_path,
                hint: "the batch has not finished; finish it with `remsim run ... --resume`".into(),
            });
        }
        let summary = SummaryTable::read(&summary_path)?;
        let timing = Timing::read(&dir.join(TIMING)).ok();
        Ok(RunFolder {
            dir: dir.to_path_buf(),
            manifest,
            timing,
            summary,
        })
    }

    /// The path of `trials.csv`, if it exists.
    pub fn trials_path(&self) -> Option<PathBuf> {
        Some(self.dir.join(TRIALS)).filter(|p| p.exists())
    }

    /// Exact sign counts from `aggregates.bin`, if it exists.
    pub fn sign_counts(&self) -> Result<Option<SignCounts>, ReportError> {
        let path = self.dir.join(AGGREGATES);
        if !path.exists() {
            return Ok(None);
        }
        Ok(Some(SignCounts::read(&path)?))
    }
}

/// An opened comparison folder.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The folder.
    pub dir: PathBuf,
    /// The base scenario's results.
    pub base: RunFolder,
    /// The shock scenario's results.
    pub shock: RunFolder,
    /// Quantiles of the paired difference shock − base, if `diff_summary.csv` is there.
    pub diff: Option<SummaryTable>,
}

impl Comparison {
    /// The path of `diff_trials.csv`, if it exists.
    pub fn diff_trials_path(&self) -> Option<PathBuf> {
        Some(self.dir.join(DIFF_TRIALS)).filter(|p| p.exists())
    }
}

/// What a folder holds.
#[derive(Debug, Clone)]
pub enum Folder {
    /// One batch.
    Run(Box<RunFolder>),
    /// A paired comparison of two batches.
    Comparison(Box<Comparison>),
}

impl Folder {
    /// Opens `dir` as a results folder (it has `manifest.json`) or a comparison folder
    /// (it has `base/manifest.json` and `shock/manifest.json`).
    pub fn open(dir: &Path) -> Result<Folder, ReportError> {
        if dir.join(MANIFEST).exists() {
            return Ok(Folder::Run(Box::new(RunFolder::open(dir)?)));
        }
        let (base, shock) = (dir.join("base"), dir.join("shock"));
        if base.join(MANIFEST).exists() && shock.join(MANIFEST).exists() {
            remsim_io::verify::verify_comparison(dir)?;
            let diff_path = dir.join(DIFF_SUMMARY);
            let diff = if diff_path.exists() {
                Some(SummaryTable::read(&diff_path)?)
            } else {
                None
            };
            return Ok(Folder::Comparison(Box::new(Comparison {
                dir: dir.to_path_buf(),
                base: RunFolder::open(&base)?,
                shock: RunFolder::open(&shock)?,
                diff,
            })));
        }
        Err(ReportError::NotResults {
            dir: dir.to_path_buf(),
        })
    }

    /// The folder itself.
    pub fn dir(&self) -> &Path {
        match self {
            Folder::Run(r) => &r.dir,
            Folder::Comparison(c) => &c.dir,
        }
    }
}
