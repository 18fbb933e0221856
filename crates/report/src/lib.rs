//! `remsim-report` will draw results folders as HTML with inline SVG fan charts, and as
//! terminal tables.
//!
//! It reads results only through `remsim-io`; it must not depend on the simulation crates.
//!
//! Status: not built yet — the reports issue (#6) fills it. It exports nothing.
