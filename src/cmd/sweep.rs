//! `remsim sweep SWEEP.toml`: explore a policy lever. A sweep file names a base scenario,
//! the parameters to vary (dotted config paths, e.g. `policy.china.export_licence_approval`
//! or `recyclers[ganzhou-recyclers].collection_rate`) and a design — a full grid over listed
//! values, or a Latin hypercube over ranges. Each point becomes a small scenario file that
//! `extends` the base (kept in its folder, so every point can be rerun), is run as an
//! ordinary batch into its own results folder, and adds a row to `sweep.csv`: the point's
//! parameters and the headline outcomes' p05 / p50 / p95.

use crate::cmd::run::RunArgs;
use anyhow::{Context, bail};
use clap::Args;
use remsim_io::TrialsReader;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Options of `remsim sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Sweep file (see configs/sweeps/).
    pub sweep: PathBuf,
    /// Output folder [default: results/sweep-<file>].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// --threads, --force and --quiet.
    #[command(flatten)]
    pub exec: crate::cmd::Execution,
    /// Trials per point, instead of the sweep file's `trials`.
    #[arg(long)]
    pub trials: Option<u64>,
    /// Master seed of every point, instead of the sweep file's `seed`.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Table files of every point's results folder: csv, parquet or both (sweep.csv stays
    /// CSV).
    #[arg(long, value_enum, default_value_t = crate::cmd::columnar::Format::Csv)]
    pub format: crate::cmd::columnar::Format,
}

/// The outcomes tabulated when the sweep file names none.
pub(crate) const HEADLINE: [&str; 6] = [
    "price_mean.ndpr.row.2030",
    "price_mean.dy.row.2030",
    "price_mean.ndpr.row.2035",
    "price_mean.dy.row.2035",
    "profit_cum.cn_musd",
    "profit_cum.row_musd",
];

fn quantiles(mut v: Vec<f64>) -> [f64; 3] {
    if v.is_empty() {
        return [f64::NAN; 3];
    }
    v.sort_by(f64::total_cmp);
    let q = |p: f64| v[(((v.len() - 1) as f64) * p).round() as usize];
    [q(0.05), q(0.5), q(0.95)]
}

/// Each outcome's values over a finished point's trials, after the folder is verified.
fn point_samples(results: &Path, outcomes: &[String]) -> anyhow::Result<Vec<Vec<f64>>> {
    remsim_io::verify_finished(results)?;
    let (mut reader, _) = TrialsReader::open(&results.join("trials.csv"))?;
    let header = reader.header().to_vec();
    let columns: Vec<Option<usize>> = outcomes
        .iter()
        .map(|o| header.iter().position(|h| h == o))
        .collect();
    let mut samples = vec![Vec::new(); outcomes.len()];
    while let Some((_, row)) = reader.next_row()? {
        for (i, c) in columns.iter().enumerate() {
            if let Some(x) = c
                .and_then(|c| row.get(c))
                .and_then(|f| std::str::from_utf8(f).ok())
                .and_then(|f| f.parse::<f64>().ok())
            {
                samples[i].push(x);
            }
        }
    }
    Ok(samples)
}

/// `remsim sweep`: the sweep file is checked whole first (every point against the
/// schema); on any problem the lines are printed, nothing is written, and the exit is 2.
pub fn run(args: SweepArgs) -> anyhow::Result<ExitCode> {
    args.format.ensure_available()?;
    if args.trials == Some(0)
        || args
            .trials
            .is_some_and(|t| t > crate::cmd::sweep_file::MAX_TRIALS)
    {
        bail!(
            "--trials: expected 1 to {} trials per point",
            crate::cmd::sweep_file::MAX_TRIALS
        );
    }
    if args.exec.threads == Some(0) {
        bail!("--threads must be at least 1");
    }
    let sweep = match crate::cmd::sweep_file::load(&args.sweep, args.trials, args.seed) {
        Ok(s) => s,
        Err(lines) => {
            for line in lines {
                eprintln!("error: {line}");
            }
            return Ok(ExitCode::from(2));
        }
    };
    let stem = args
        .sweep
        .file_stem()
        .map_or("sweep".into(), |s| s.to_string_lossy().into_owned());
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("results").join(format!("sweep-{stem}")));
    if dir.join("sweep.csv").exists() && !args.exec.force {
        bail!(
            "{} already holds a sweep; pass --force to overwrite it, or choose another --out",
            dir.display()
        );
    }
    let outcomes = &sweep.outcomes;
    let mut table = String::from("point");
    for p in &sweep.paths {
        let _ = write!(table, ",{p}");
    }
    for o in outcomes {
        let _ = write!(table, ",{o}.p05,{o}.p50,{o}.p95");
    }
    table.push('\n');
    if !args.exec.quiet {
        println!("{} points x {} trials", sweep.points.len(), sweep.trials);
    }
    for (k, (values, text)) in sweep.points.iter().zip(&sweep.scenarios).enumerate() {
        let point_dir = dir.join(format!("point-{k:03}"));
        std::fs::create_dir_all(&point_dir)
            .with_context(|| format!("creating {}", point_dir.display()))?;
        let scenario = point_dir.join("scenario.toml");
        crate::cmd::sweep_file::write_point(&scenario, text)?;
        let code = crate::cmd::run::run(RunArgs::inner_batch(
            scenario,
            sweep.trials,
            sweep.seed,
            point_dir.join("results"),
            args.exec.threads,
            args.exec.force,
        ))?;
        if code != ExitCode::SUCCESS {
            return Ok(code);
        }
        let samples = point_samples(&point_dir.join("results"), outcomes)?;
        crate::cmd::columnar::apply(&point_dir.join("results"), args.format)?;
        let _ = write!(table, "{k}");
        let mut line = format!("point {k:3}:");
        for (p, v) in sweep.paths.iter().zip(values) {
            let _ = write!(table, ",{v}");
            let _ = write!(line, " {p}={v:.4}");
        }
        for (i, s) in samples.into_iter().enumerate() {
            let [a, b, c] = quantiles(s);
            let _ = write!(table, ",{a},{b},{c}");
            if i < 2 {
                let _ = write!(line, "  {} p50 {b:.1}", outcomes[i]);
            }
        }
        table.push('\n');
        if !args.exec.quiet {
            println!("{line}");
        }
    }
    remsim_io::atomic_write(&dir.join("sweep.csv"), table.as_bytes())?;
    if !args.exec.quiet {
        println!("sweep table: {}", dir.join("sweep.csv").display());
    }
    Ok(ExitCode::SUCCESS)
}
