//! `remsim trial`: one trial's full trajectory as a wide CSV.

use anyhow::Context;
use remsim_core::Trajectory;
use std::path::Path;
use std::process::ExitCode;

/// Options of `remsim trial`.
pub struct TrialArgs<'a> {
    /// Scenario file; `None`: the embedded baseline.
    pub config: Option<&'a Path>,
    /// Master seed of the batch the trial belongs to.
    pub seed: u64,
    /// Index of the trial within the batch.
    pub trial: u64,
    /// Where to write the CSV.
    pub out: &'a Path,
    /// Overwrite `out` if it exists.
    pub force: bool,
}

/// `remsim trial`: one trial's month-by-month trajectory as a wide CSV.
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

/// `tick,date,<metric>…`, one row per month, through remsim-io's trajectory writer (the
/// same format `remsim replay` writes), so the file is byte-identical for identical trials.
pub fn write_wide_csv(path: &Path, trajectory: &Trajectory) -> anyhow::Result<()> {
    let mut writer = remsim_io::TrajectoryWriter::create(path, &trajectory.metric_names)?;
    for tick in 0..trajectory.n_ticks {
        writer.write(
            tick,
            &trajectory.month(tick).to_string(),
            trajectory.tick(tick),
        )?;
    }
    writer.finish()?;
    Ok(())
}
