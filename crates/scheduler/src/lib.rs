//! `remsim-scheduler` will run Monte Carlo batches: fixed blocks of trial indices on rayon,
//! folded in trial order into mergeable aggregates, with checkpoints and shards.
//!
//! It depends on `remsim-sim` (one trial) and below; it must not depend on `remsim-io`'s
//! file formats or on `remsim-report`. It is the only crate allowed to use parallelism.
//!
//! Status: not built yet — the Monte Carlo batch issue (#4) fills it. It exports nothing.
