//! Scenario errors. Each [`Issue`] prints as one line
//! `<file>:<line>:<col>: <field.path>: <what was expected>`.

use crate::path::FieldPath;
use std::fmt;
use std::path::PathBuf;

/// Where in which file something was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// File name as the user gave it (or `builtin:baseline`).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub col: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// One mistake in a config, located.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {path}: {message}")]
pub struct Issue {
    /// Where it was written.
    pub location: Location,
    /// The field it concerns.
    pub path: FieldPath,
    /// What was expected, and what was found.
    pub message: String,
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{}: cannot read the config: {source}", path.display())]
    Read {
        /// The path tried.
        path: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// Not valid TOML.
    #[error("{location}: {message}")]
    Syntax {
        /// Where the parser stopped.
        location: Location,
        /// The parser's message.
        message: String,
    },
    /// Valid TOML that does not describe a valid scenario: one line per issue.
    #[error("{}", issues.iter().map(|i| i.to_string()).collect::<Vec<_>>().join("\n"))]
    Invalid {
        /// Every issue found, in file order.
        issues: Vec<Issue>,
    },
}

impl ScenarioError {
    /// Each problem as its own one-line message (for printing `error: ` before each).
    pub fn lines(&self) -> Vec<String> {
        match self {
            ScenarioError::Invalid { issues } => issues.iter().map(|i| i.to_string()).collect(),
            other => vec![other.to_string()],
        }
    }
}
