//! The `remsim` command line: an agent-based Monte Carlo simulator of the global
//! rare-earth industry. `main` prints errors and exits 2 for anything the user can fix.

mod check;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// remsim simulates the world rare-earth industry — mines, separators, magnet makers,
/// recyclers, end uses and governments in China and the rest of the world — month by month,
/// many times over, to give distributions of prices, shortages and market shares.
#[derive(Debug, Parser)]
#[command(name = "remsim", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a scenario config and print what it describes.
    ///
    /// Reads the TOML file (following `extends`), checks every field, and prints the
    /// horizon, the agents by kind and region, capacity by stage, the policies in force and
    /// the parameters drawn per trial. On a mistake it prints one line per problem,
    /// `error: <file>:<line>:<col>: <field>: <what was expected>`, and exits with status 2.
    /// Without CONFIG it checks the baseline built into remsim.
    Check {
        /// Scenario file (e.g. configs/baseline.toml); default: the embedded baseline.
        config: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Check { config } => check::run(config.as_deref()),
    }
}

/// Loads a scenario or prints its problems; `None` means "the problems were printed".
fn load_scenario(path: Option<&std::path::Path>) -> Option<remsim_scenario::Scenario> {
    let loaded = match path {
        Some(p) => remsim_scenario::Scenario::load(p),
        None => remsim_scenario::Scenario::baseline(),
    };
    match loaded {
        Ok(s) => Some(s),
        Err(err) => {
            for line in err.lines() {
                eprintln!("error: {line}");
            }
            None
        }
    }
}
