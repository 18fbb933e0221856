//! `remsim report DIR`: the HTML report of a results folder, a comparison folder or a sweep
//! folder (each headline outcome against each lever), with
//! every chart also written as SVG and PNG under `DIR/plots/` (drawn by `remsim-report`).

use clap::{Args, ValueEnum};
use indicatif::ProgressBar;
use remsim_report::{LogPolicy, ReportOptions};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// When price axes are logarithmic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogScale {
    /// When the prices shown span more than 20× (max/min).
    Auto,
    /// Always (for positive values).
    Always,
    /// Never.
    Never,
}

/// Arguments of `remsim report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A results folder (`remsim run`), a comparison folder (`remsim compare`) or a sweep
    /// folder (`remsim sweep`).
    pub dir: PathBuf,
    /// Logarithmic price axes: auto (when prices span more than 20×), always or never.
    #[arg(long, value_enum, default_value_t = LogScale::Auto)]
    pub log_scale: LogScale,
    /// Write only the page and the SVG plots, no PNGs.
    #[arg(long)]
    pub no_png: bool,
}

/// A spinner on stderr while the report is drawn (hidden when stderr is not a terminal):
/// charts and PNGs of a large batch take seconds.
fn spinner(message: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_message(message.to_string());
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// Runs `remsim report`.
pub fn run(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let options = ReportOptions {
        log: match args.log_scale {
            LogScale::Auto => LogPolicy::Auto,
            LogScale::Always => LogPolicy::Always,
            LogScale::Never => LogPolicy::Never,
        },
        skip_png: args.no_png,
    };
    let spinner = spinner(&format!("drawing the report of {}", args.dir.display()));
    let out = remsim_report::write_report(&args.dir, options);
    spinner.finish_and_clear();
    let out = out?;
    for note in &out.notes {
        eprintln!("note: {note}");
    }
    println!("wrote {}", out.html.display());
    println!(
        "  and {} charts as SVG{} in {}",
        out.charts.len(),
        if args.no_png { "" } else { " and PNG" },
        out.plots.display()
    );
    Ok(ExitCode::SUCCESS)
}
