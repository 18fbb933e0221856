//! The `remsim` library: every subcommand of the command line as a module of [`cmd`], so
//! that the binary (`src/main.rs`) and the Python package (`python/`) run batches through
//! the same code.

pub mod cmd;

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
