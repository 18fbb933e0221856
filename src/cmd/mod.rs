//! The batch commands: `remsim run` (a Monte Carlo batch into a results folder),
//! `remsim replay` (one trial of it again, exactly) and `remsim merge` (shards into one
//! folder). They wire `remsim-scheduler` (running and folding) to `remsim-io` (the files),
//! which know nothing of each other.

pub mod bench;
pub mod discover;
pub mod folder;
pub mod html;
pub mod merge;
pub mod records;
pub mod replay;
pub mod report;
pub mod run;
pub mod sensitivity;
pub mod show;
