//! Every subcommand, one module each (`main.rs` only parses the command line and
//! dispatches here): `check`, `trial`, `validate`, `compare`, `sweep`, `report` (`html`),
//! `show`, `bench`, `metrics`, and the batch commands: `remsim run` (a Monte Carlo batch into a results folder),
//! `remsim replay` (one trial of it again, exactly) and `remsim merge` (shards into one
//! folder). They wire `remsim-scheduler` (running and folding) to `remsim-io` (the files),
//! which know nothing of each other; `remsim metrics` prints the metric catalog.

pub mod bench;
pub mod check;
pub mod columnar;
pub mod compare;
pub mod discover;
pub mod folder;
pub mod html;
pub mod merge;
pub mod metrics;
pub mod records;
pub mod replay;
pub mod report;
pub mod run;
pub mod sensitivity;
pub mod show;
pub mod sweep;
pub mod sweep_file;
pub mod trial;
pub mod validate;
pub mod verify;

/// How a batch command runs, shared by `run`, `compare`, `sweep` and `sensitivity`: worker
/// threads, overwriting, and progress output.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Execution {
    /// Worker threads [default: one per core]. Does not change any output byte.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Overwrite the results in --out.
    #[arg(long)]
    pub force: bool,
    /// No progress bars, per-point lines or tables; only errors.
    #[arg(long)]
    pub quiet: bool,
}
