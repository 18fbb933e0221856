//! `remsim-report` draws results folders for people: [`write_report`] turns a results
//! folder (or a comparison folder of `remsim compare`, or a sweep folder of `remsim sweep`) into one self-contained
//! `report.html` with inline SVG fan charts, heat maps and histograms, and writes every
//! chart again as SVG and PNG under `plots/`; [`metric_table`] and [`metric_list`] are the
//! 80-column terminal tables of `remsim show`.
//!
//! It depends only on `remsim-core` (names, months, "did you mean") and `remsim-io`, through
//! whose readers it reads every file; it must not depend on the simulation or scheduler
//! crates and knows nothing of how trials run. Charts are drawn once, as SVG (plotters); a
//! PNG is that SVG rasterised by `resvg` with a bundled font (see [`png`]), so the two never
//! disagree and no system font is needed.
//!
//! Invariants: the page loads nothing (no script, no external file, no network); fan bands
//! are nested (p05 ≤ p25 ≤ p50 ≤ p75 ≤ p95) at every month; time axes are labelled with
//! whole calendar years, few enough that labels never touch; value axes say their unit and
//! say "log scale" when they are one; colours are Okabe–Ito (colour-blind safe).

#![deny(missing_docs)]

pub mod axis;
pub mod caveats;
mod charts;
mod compare_page;
pub mod draw;
pub mod error;
pub mod fan;
pub mod findings;
pub mod folder;
pub mod names;
pub mod outcomes;
pub mod page;
pub mod png;
pub mod report;
mod run_page;
pub mod stats;
mod sweep_page;
pub mod table;

pub use axis::LogPolicy;
pub use charts::chart_id;
pub use error::ReportError;
pub use folder::Folder;
pub use report::{ReportOptions, ReportOutput, write_report};
pub use table::{metric_list, metric_table};
