//! `remsim show DIR [--metric NAME]`: one metric's quantiles year by year in an 80-column
//! table, or, without NAME, the report's summary and caveats in words, then the metrics
//! the folder holds.

use clap::Args;
use remsim_report::{Folder, ReportError};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `remsim show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A results folder (`remsim run`) or a comparison folder (`remsim compare`).
    pub dir: PathBuf,
    /// The metric, e.g. `price.dy.row`; without it, the summary and the list of metrics.
    #[arg(long)]
    pub metric: Option<String>,
}

/// Runs `remsim show`.
pub fn run(args: ShowArgs) -> anyhow::Result<ExitCode> {
    let folder = Folder::open(&args.dir)?;
    let Some(metric) = args.metric else {
        print!(
            "{}",
            remsim_report::findings::terminal_summary(&folder, remsim_report::table::MAX_WIDTH)?
        );
        print!("{}", remsim_report::metric_list(&folder));
        return Ok(ExitCode::SUCCESS);
    };
    match remsim_report::metric_table(&folder, &metric) {
        Ok(table) => {
            print!("{table}");
            Ok(ExitCode::SUCCESS)
        }
        Err(err @ ReportError::UnknownMetric { .. }) => {
            eprintln!("error: {err}");
            eprint!("{}", remsim_report::metric_list(&folder));
            Ok(ExitCode::from(2))
        }
        Err(err) => Err(err.into()),
    }
}
