//! `remsim-analysis` is the mathematics of experiment design over a batch's uncertain
//! inputs, as pure functions on plain slices: the Sobol' low-discrepancy sequence
//! ([`sobol_seq`], Joe–Kuo direction numbers), Saltelli's design and the first-order and
//! total Sobol' indices with bootstrap intervals ([`sobol`]), Morris elementary effects
//! ([`morris`]) and PRIM scenario discovery ([`prim`]).
//!
//! Each follows the reference tool its users know, so results can be checked against it
//! (`scripts/analysis-crosscheck.sh`): SALib for Sobol' and Morris (the design's row layout,
//! the estimators, the output standardisation), the EMA Workbench for PRIM (peeling and
//! pasting rules, quantiles, objective function).
//!
//! It depends only on `remsim-core` (for the one door to randomness, used by bootstraps and
//! Morris trajectories) and knows no file format, no config and no simulation. Invariant:
//! every result depends only on the arguments (a seed where randomness is involved).

pub mod morris;
pub mod prim;
pub mod sobol;
pub mod sobol_seq;
mod stats;

pub use morris::{MorrisIndex, morris_design, morris_indices};
pub use prim::{PrimBox, PrimConfig, PrimPoint, prim};
pub use sobol::{SobolIndex, saltelli_design, sobol_indices};
pub use sobol_seq::sobol_points;
