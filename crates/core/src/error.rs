//! Errors of the core vocabulary: names and dates that do not parse.

/// A name or value of the core vocabulary that could not be understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoreError {
    /// An element name or symbol that is none of the 17.
    #[error("unknown element `{given}`{}", crate::suggest::did_you_mean(.suggestion))]
    UnknownElement {
        /// What was written.
        given: String,
        /// The closest known name, if one is close.
        suggestion: Option<String>,
    },
    /// A country code that is not known.
    #[error("unknown country `{given}`{}; expected one of {expected}", crate::suggest::did_you_mean(.suggestion))]
    UnknownCountry {
        /// What was written.
        given: String,
        /// The closest known code, if one is close.
        suggestion: Option<String>,
        /// The known codes, comma-separated.
        expected: String,
    },
    /// A date that is not `YYYY-MM`.
    #[error("expected a month as YYYY-MM (e.g. 2025-01), found `{0}`")]
    BadMonth(String),
    /// A deposit type or profile name that is not known.
    #[error("unknown deposit `{given}`{}; expected one of {expected}", crate::suggest::did_you_mean(.suggestion))]
    UnknownDeposit {
        /// What was written.
        given: String,
        /// The closest known name, if one is close.
        suggestion: Option<String>,
        /// The known names, comma-separated.
        expected: String,
    },
}
