//! `remsim replay`: rebuilds one trial of a results folder from its manifest alone and
//! writes the trial's full trajectory; checks its outcomes against `trials.csv`.

use super::folder::{Folder, INPUTS, TRIALS, scenario_from_manifest};
use anyhow::{Context, bail};
use clap::Args;
use remsim_io::{FolderState, TrialsReader, TrialsWriter};
use remsim_scheduler::OutcomeSpec;
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
    /// Overwrite the trajectory file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// `remsim replay`.
pub fn run(args: ReplayArgs) -> anyhow::Result<ExitCode> {
    let folder = Folder::new(&args.dir);
    folder.manifest()?;
    // A finished folder is checked whole, an unfinished one up to its checkpoint; a
    // damaged one is refused, naming the file.
    let manifest = match remsim_io::verify_folder(&folder.dir)? {
        FolderState::Complete(m) => *m,
        FolderState::Incomplete { manifest, .. } => *manifest,
    };
    if args.trial >= manifest.trials {
        bail!(
            "trial {} is not in this batch: it has trials 0..{}",
            args.trial,
            manifest.trials
        );
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| folder.file(&format!("trial-{}.csv", args.trial)));
    if out.exists() && !args.force {
        bail!(
            "{} already exists; pass --force to overwrite it, or choose another --out",
            out.display()
        );
    }
    let scenario = scenario_from_manifest(&folder.dir, &manifest)?;
    let config = scenario.draw(manifest.seed, args.trial)?;
    let trajectory = remsim_sim::run_trial(&config, manifest.seed, args.trial)
        .with_context(|| format!("replaying trial {}", args.trial))?;
    super::trial::write_wide_csv(&out, &trajectory)?;

    let spec = OutcomeSpec::new(
        &trajectory.metric_names,
        trajectory.start,
        trajectory.n_ticks,
    );
    let values = spec.compute(&trajectory);
    let columns: Vec<String> = spec.columns().iter().map(|c| c.name.clone()).collect();
    let header = TrialsWriter::header(&columns).join(",");
    let row = super::records::with_fields(&values, |fields| {
        TrialsWriter::line(args.trial, manifest.seed, fields)
    })?;
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

    compare_with_stored(&folder, &manifest, args.trial, &columns, &row)
}

/// Compares the replayed row with the batch's own row of `trials.csv`, where the folder
/// holds it.
fn compare_with_stored(
    folder: &Folder,
    manifest: &remsim_io::Manifest,
    trial_index: u64,
    columns: &[String],
    row: &str,
) -> anyhow::Result<ExitCode> {
    // Compare with the batch's own row, where this folder holds it.
    let trials_path = folder.file(TRIALS);
    if !trials_path.exists() {
        return Ok(ExitCode::SUCCESS);
    }
    let (mut reader, _) = TrialsReader::open(&trials_path)?;
    if reader.header() != TrialsWriter::header(columns).as_slice() {
        bail!(
            "{}: its columns differ from this remsim's outcomes",
            trials_path.display()
        );
    }
    while let Some((trial, record)) = reader.next_row()? {
        if trial == trial_index {
            let stored = TrialsWriter::record_line(&record)?;
            if stored == row {
                eprintln!("matches row {} of {}", trial_index, trials_path.display());
                return Ok(ExitCode::SUCCESS);
            }
            eprintln!("stored: {stored}");
            bail!(
                "the replayed outcomes differ from row {} of {}",
                trial_index,
                trials_path.display()
            );
        }
    }
    eprintln!(
        "({} does not hold trial {}: it holds trials {}..{})",
        trials_path.display(),
        trial_index,
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
