//! [`ReportError`]: why a report or table could not be made. Every message names the file
//! or the chart.

use std::path::PathBuf;

/// Why a report or table could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A results file could not be read.
    #[error(transparent)]
    Io(#[from] remsim_io::IoError),
    /// The folder is neither a results folder nor a comparison folder.
    #[error(
        "{}: not a remsim results folder (no manifest.json) nor a comparison folder (no base/ and shock/ results folders); make one with `remsim run` or `remsim compare`",
        dir.display()
    )]
    NotResults {
        /// The folder given.
        dir: PathBuf,
    },
    /// A file the report needs is missing.
    #[error("{}: missing; {hint}", path.display())]
    Missing {
        /// The file.
        path: PathBuf,
        /// What to do about it.
        hint: String,
    },
    /// A file could not be written.
    #[error("{}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A chart could not be drawn.
    #[error("chart `{chart}`: {message}")]
    Draw {
        /// The chart's id.
        chart: String,
        /// What went wrong.
        message: String,
    },
    /// Two files that should describe the same trials do not.
    #[error("{0}")]
    Mismatch(String),
    /// A metric name that the results do not hold.
    #[error("no metric `{name}` in {}{}", file.display(), remsim_core::suggest::did_you_mean(suggestion))]
    UnknownMetric {
        /// The name given.
        name: String,
        /// The summary file looked in.
        file: PathBuf,
        /// The closest existing name.
        suggestion: Option<String>,
    },
}
