//! [`IoError`]: why a results file could not be read or written. Every message names the
//! file.

use std::path::PathBuf;

/// Why a results file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum IoError {
    /// The operating system refused.
    #[error("{}: {source}", path.display())]
    Os {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A JSON file that does not parse as its record.
    #[error("{}: not a valid remsim {what}: {source}", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// What it should have been.
        what: &'static str,
        /// The parser's error.
        source: serde_json::Error,
    },
    /// A CSV file that cannot be read or written.
    #[error("{}: {source}", path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// The error.
        source: csv::Error,
    },
    /// A binary container that cannot be used; `problem` says why.
    #[error("{}: {problem}", path.display())]
    Refused {
        /// The file.
        path: PathBuf,
        /// What is wrong, in a sentence.
        problem: String,
    },
    /// A file whose bytes are not those recorded for it (checksum, size, seal).
    #[error("{}: damaged: {problem}", path.display())]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What differs, in a sentence.
        problem: String,
    },
    /// A record that cannot be encoded (should not happen for our records).
    #[error("{}: cannot encode: {message}", path.display())]
    Encode {
        /// The file.
        path: PathBuf,
        /// The codec's message.
        message: String,
    },
}

impl IoError {
    /// An operating-system error about `path`.
    pub fn os(path: impl Into<PathBuf>, source: std::io::Error) -> IoError {
        IoError::Os {
            path: path.into(),
            source,
        }
    }

    /// A damaged file.
    pub fn damaged(path: impl Into<PathBuf>, problem: impl Into<String>) -> IoError {
        IoError::Damaged {
            path: path.into(),
            problem: problem.into(),
        }
    }

    /// A CSV error about `path`.
    pub fn csv(path: impl Into<PathBuf>, source: csv::Error) -> IoError {
        IoError::Csv {
            path: path.into(),
            source,
        }
    }

    /// A refusal about `path`.
    pub fn refused(path: impl Into<PathBuf>, problem: impl Into<String>) -> IoError {
        IoError::Refused {
            path: path.into(),
            problem: problem.into(),
        }
    }
}
