//! `remsim replay`: rebuilds one trial of a results folder from its manifest alone and
//! writes the trial's full trajectory; checks its outcomes against `trials.csv`.

use super::folder::{Folder, INPUTS, TRIALS, scenario_from_manifest};
use anyhow::{Context, bail};
use clap::Args;
use remsim_io::{Field, TrajectoryWriter, TrialsReader, TrialsWriter};
use remsim_scheduler::{OutcomeSpec, OutcomeValue};
use std::path::PathBuf;
use std::process::ExitCode;

/// Options of `remsim replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Results folder of the batch (its manifest.json says config and seed).
    pub dir: PathBuf,
    /// Index of the trial to rebuild.
    #[arg(long)]
    pub trial: u64,
    /// Where to write the trajectory (wide CSV `tick,date,<metric…>`)
    /// [default: DIR/trial-<I>.csv].
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// `remsim replay`.
pub fn run(args: ReplayArgs) -> anyhow::Result<ExitCode> {
    let folder = Folder::new(&args.dir);
    let manifest = folder.manifest()?;
    if args.trial >= manifest.trials {
        bail!(
            "trial {} is not in this batch: it has trials 0..{}",
            args.trial,
            manifest.trials
        );
    }
    let scenario = scenario_from_manifest(&folder.dir, &manifest)?;
    let config = scenario.draw(manifest.seed, args.trial)?;
    let trajectory = remsim_sim::run_trial(&config, manifest.seed, args.trial)
        .with_context(|| format!("replaying trial {}", args.trial))?;
    let out = args
        .out
        .unwrap_or_else(|| folder.file(&format!("trial-{}.csv", args.trial)));
    let mut writer = TrajectoryWriter::create(&out, &trajectory.metric_names)?;
    for tick in 0..trajectory.n_ticks {
        writer.write(
            tick,
            &trajectory.month(tick).to_string(),
            trajectory.tick(tick),
        )?;
    }
    writer.finish()?;

    let spec = OutcomeSpec::new(
        &trajectory.metric_names,
        trajectory.start,
        trajectory.n_ticks,
    );
    let values = spec.compute(&trajectory);
    let months: Vec<String> = values
        .iter()
        .map(|v| match v {
            OutcomeValue::Month(m) => m.to_string(),
            _ => String::new(),
        })
        .collect();
    let fields: Vec<Field<'_>> = values
        .iter()
        .zip(&months)
        .map(|(v, m)| match v {
            OutcomeValue::Number(x) => Field::Number(*x),
            OutcomeValue::Month(_) => Field::Text(m),
            OutcomeValue::Missing => Field::Empty,
        })
        .collect();
    let columns: Vec<String> = spec.columns().iter().map(|c| c.name.clone()).collect();
    let header = TrialsWriter::header(&columns).join(",");
    let row = TrialsWriter::line(args.trial, manifest.seed, &fields)?;
    eprintln!(
        "wrote {} ({} months × {} metrics): trial {} of seed {}",
        out.display(),
        trajectory.n_ticks,
        trajectory.n_metrics(),
        args.trial,
        manifest.seed
    );
    println!("{header}");
    println!("{row}");
    // The trial's drawn inputs, as inputs.csv holds them.
    let inputs_header = super::run::inputs_header(&scenario).join(",");
    let inputs_row =
        remsim_io::numbers_line(args.trial, &scenario.draw_values(manifest.seed, args.trial));
    println!("{inputs_header}");
    println!("{inputs_row}");
    check_inputs(&folder, args.trial, &inputs_header, &inputs_row)?;

    // Compare with the batch's own row, where this folder holds it.
    let trials_path = folder.file(TRIALS);
    if !trials_path.exists() {
        return Ok(ExitCode::SUCCESS);
    }
    let (mut reader, _) = TrialsReader::open(&trials_path)?;
    if reader.header() != TrialsWriter::header(&columns).as_slice() {
        bail!(
            "{}: its columns differ from this remsim's outcomes",
            trials_path.display()
        );
    }
    while let Some((trial, record)) = reader.next_row()? {
        if trial == args.trial {
            let stored = TrialsWriter::record_line(&record)?;
            if stored == row {
                eprintln!("matches row {} of {}", args.trial, trials_path.display());
                return Ok(ExitCode::SUCCESS);
            }
            eprintln!("stored: {stored}");
            bail!(
                "the replayed outcomes differ from row {} of {}",
                args.trial,
                trials_path.display()
            );
        }
    }
    eprintln!(
        "({} does not hold trial {}: it holds trials {}..{})",
        trials_path.display(),
        args.trial,
        manifest.shard.first_trial,
        manifest.shard.end_trial
    );
    Ok(ExitCode::SUCCESS)
}

/// Compares the replayed inputs with the batch's `inputs.csv` row, where the folder holds
/// one.
fn check_inputs(folder: &Folder, trial: u64, header: &str, row: &str) -> anyhow::Result<()> {
    let path = folder.file(INPUTS);
    let Ok(file) = std::fs::File::open(&path) else {
        return Ok(());
    };
    // Line by line: the file may hold millions of rows.
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(file)).map_while(Result::ok);
    if lines.next().as_deref() != Some(header) {
        bail!(
            "{}: its columns differ from this config's uncertain parameters",
            path.display()
        );
    }
    let prefix = format!("{trial},");
    match lines.find(|l| l.starts_with(&prefix)) {
        Some(stored) if stored.as_str() == row => {
            eprintln!("inputs match row {trial} of {}", path.display());
            Ok(())
        }
        Some(stored) => {
            eprintln!("stored: {stored}");
            bail!(
                "the replayed inputs differ from row {trial} of {}",
                path.display()
            )
        }
        None => Ok(()),
    }
}
