//! `remsim trial`: one trial's full trajectory as a wide CSV.

use anyhow::Context;
use remsim_core::Trajectory;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// Options of `remsim trial`.
pub struct TrialArgs<'a> {
    pub config: Option<&'a Path>,
    pub seed: u64,
    pub trial: u64,
    pub out: &'a Path,
    pub force: bool,
}

pub fn run(args: TrialArgs<'_>) -> anyhow::Result<ExitCode> {
    let Some(scenario) = crate::load_scenario(args.config) else {
        return Ok(ExitCode::from(2));
    };
    if args.out.exists() && !args.force {
        eprintln!(
            "error: {} exists; pass --force to overwrite it",
            args.out.display()
        );
        return Ok(ExitCode::from(2));
    }
    let config = scenario.draw(args.seed, args.trial)?;
    let trajectory = remsim_sim::run_trial(&config, args.seed, args.trial)?;
    write_wide_csv(args.out, &trajectory)
        .with_context(|| format!("writing {}", args.out.display()))?;
    eprintln!(
        "wrote {} ({} months × {} metrics) for seed {}, trial {}",
        args.out.display(),
        trajectory.n_ticks,
        trajectory.n_metrics(),
        args.seed,
        args.trial
    );
    Ok(ExitCode::SUCCESS)
}

/// `tick,date,<metric>…`, one row per month. Floats print in Rust's shortest round-trip
/// form, so the file is byte-identical for identical trials.
pub fn write_wide_csv(path: &Path, trajectory: &Trajectory) -> std::io::Result<()> {
    let tmp = path.with_extension("csv.partial");
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        write!(w, "tick,date")?;
        for name in trajectory.metric_names.iter() {
            write!(w, ",{name}")?;
        }
        writeln!(w)?;
        for tick in 0..trajectory.n_ticks {
            write!(w, "{tick},{}", trajectory.month(tick))?;
            for value in trajectory.tick(tick) {
                write!(w, ",{value}")?;
            }
            writeln!(w)?;
        }
        w.flush()?;
    }
    std::fs::rename(&tmp, path)
}
