//! The one error type of `remsim-columnar`: which file, and what went wrong in it.

use std::path::{Path, PathBuf};

/// A conversion or read that failed, naming the file.
#[derive(Debug, thiserror::Error)]
pub enum ColumnarError {
    /// The operating system refused a read or write.
    #[error("{path}: {source}")]
    Os {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The CSV could not be read, or a field does not fit its column's type.
    #[error("{path}: {message}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// What was wrong, with the row and column where known.
        message: String,
    },
    /// The Parquet library refused to write or read the file.
    #[error("{path}: {message}")]
    Parquet {
        /// The file.
        path: PathBuf,
        /// The library's message.
        message: String,
    },
}

impl ColumnarError {
    pub(crate) fn os(path: &Path, source: std::io::Error) -> ColumnarError {
        ColumnarError::Os {
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn csv(path: &Path, message: impl Into<String>) -> ColumnarError {
        ColumnarError::Csv {
            path: path.to_path_buf(),
            message: message.into(),
        }
    }

    pub(crate) fn parquet(path: &Path, error: impl std::fmt::Display) -> ColumnarError {
        ColumnarError::Parquet {
            path: path.to_path_buf(),
            message: error.to_string(),
        }
    }
}
