//! `remsim-io` will own every on-disk format: manifests, summary and trial CSVs, and the
//! versioned, checksummed bincode file of aggregates.
//!
//! It depends only on `remsim-core`; no other crate reads or writes results files.
//!
//! Status: not built yet — the Monte Carlo batch issue (#4) fills it. It exports nothing.
