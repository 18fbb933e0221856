//! `remsim sensitivity`: global sensitivity analysis of chosen outcomes to the scenario's
//! uncertain parameters, Sobol' (variance-based) or Morris (elementary effects).
//!
//! The design lives in the unit cube (`remsim-analysis`: Saltelli's design from the
//! Sobol' sequence as SALib builds it, or Morris trajectories); each row is mapped onto the
//! parameters through each one's own distribution ([`remsim_scenario::Dist::quantile`]) and
//! runs as trial `i` of an ordinary batch (`remsim run`'s engine: threads, progress bar,
//! checkpoints), so the folder holds the usual files plus `design.csv` and
//! `sensitivity.csv`, all in design order (SALib's row layout).
//!
//! The model also has noise of its own (demand noise, shock timing, project outcomes, drawn
//! from the trial's streams). The rows of one base sample — A, AB₁ … AB_D, B — or of one
//! Morris trajectory run with the streams of one trial (the sample's index: common random
//! numbers), so the differences the estimators take compare parameters, not noise; the
//! indices are then averages over the noise, which stays in the output variance unexplained
//! by any parameter (first-order indices sum to less than one). Because of that, and
//! because the values are the design's rather than drawn, `remsim replay` does not rebuild
//! the trials of a sensitivity folder.

use super::folder::{Folder, TRIALS};
use super::run::{Inputs, RunArgs, run_with};
use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use remsim_analysis::{morris_design, morris_indices, saltelli_design, sobol_indices};
use remsim_io::{RowsWriter, TrialColumns, number};
use std::path::PathBuf;
use std::process::ExitCode;

/// Bootstrap resamples behind each interval (SALib's default).
const RESAMPLES: usize = 100;

/// Which analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Method {
    /// First-order and total Sobol' indices from Saltelli's design: N (D + 2) trials.
    Sobol,
    /// Morris elementary effects (μ*, σ) from N trajectories: N (D + 1) trials.
    Morris,
}

/// Options of `remsim sensitivity`.
#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// Scenario file; its uncertain parameters are the factors.
    pub config: PathBuf,
    /// Sobol' indices or Morris elementary effects.
    #[arg(long, value_enum)]
    pub method: Method,
    /// Base samples N (Sobol': a power of two is best) or Morris trajectories.
    #[arg(long)]
    pub samples: usize,
    /// Master seed: the trials' own streams, Morris trajectories and the bootstrap.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Outcome columns of trials.csv to analyse, e.g. price_mean.ndpr.cn.2030.
    #[arg(
        long,
        value_delimiter = ',',
        required = true,
        value_name = "COL[,COL…]"
    )]
    pub outcome: Vec<String>,
    /// Results folder [default: results/<scenario>-<method>-s<seed>].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Grid levels of a Morris design (even).
    #[arg(long, default_value_t = 4)]
    pub levels: usize,
    /// --threads, --force and --quiet.
    #[command(flatten)]
    pub exec: crate::cmd::Execution,
    /// Table files of the batch: csv, parquet or both (design.csv and sensitivity.csv
    /// stay CSV).
    #[arg(long, value_enum, default_value_t = crate::cmd::columnar::Format::Csv)]
    pub format: crate::cmd::columnar::Format,
}

/// `remsim sensitivity`.
pub fn run(args: SensitivityArgs) -> anyhow::Result<ExitCode> {
    args.format.ensure_available()?;
    let Some(scenario) = crate::load_scenario(Some(&args.config)) else {
        return Ok(ExitCode::from(2));
    };
    let params = scenario.uncertain();
    let d = params.len();
    if d == 0 {
        bail!(
            "{}: has no uncertain parameter to analyse",
            args.config.display()
        );
    }
    if args.samples < 2 {
        bail!("--samples must be at least 2");
    }
    if args.method == Method::Morris && (args.levels < 2 || !args.levels.is_multiple_of(2)) {
        bail!("--levels must be an even number >= 2");
    }
    let meta = &scenario.central().scenario;
    let ticks = usize::try_from(meta.end.months_since(meta.start) + 1).unwrap_or(0);
    let known = remsim_scheduler::OutcomeSpec::new(&remsim_sim::metric_names(), meta.start, ticks);
    for name in &args.outcome {
        if !known.columns().iter().any(|c| &c.name == name) {
            let hint = remsim_core::suggest::closest(
                name,
                known.columns().iter().map(|c| c.name.as_str()),
            );
            bail!(
                "--outcome: no column `{name}` in trials.csv{}",
                remsim_core::suggest::did_you_mean(&hint)
            );
        }
    }
    let design = match args.method {
        Method::Sobol => saltelli_design(args.samples, d).with_context(|| {
            format!(
                "no Sobol' design of {} samples in {d} dimensions",
                args.samples
            )
        })?,
        Method::Morris => morris_design(args.samples, d, args.levels, args.seed),
    };
    let values: Vec<Vec<f64>> = design
        .iter()
        .map(|row| {
            row.iter()
                .zip(params)
                .map(|(&u, p)| p.dist.quantile(u))
                .collect()
        })
        .collect();
    // Rows of one base sample (A, AB_1 … AB_D, B) or one Morris trajectory share the
    // random streams of one trial (common random numbers), so the differences the
    // estimators take are free of the model's own noise.
    let block = match args.method {
        Method::Sobol => d + 2,
        Method::Morris => d + 1,
    };
    let streams: Vec<u64> = (0..design.len()).map(|r| (r / block) as u64).collect();
    let method = match args.method {
        Method::Sobol => "sobol",
        Method::Morris => "morris",
    };
    let name = &scenario.central().scenario.name;
    let dir = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("results").join(format!("{name}-{method}-s{}", args.seed))
    });
    let code = run_with(
        RunArgs::inner_batch(
            args.config.clone(),
            design.len() as u64,
            args.seed,
            dir.clone(),
            args.exec.threads,
            args.exec.force,
        ),
        &Inputs::Design {
            rows: &values,
            streams: &streams,
        },
    )?;
    if code != ExitCode::SUCCESS {
        return Ok(code);
    }
    let folder = Folder::new(&dir);
    let header = super::run::inputs_header(&scenario);
    let names: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut writer = RowsWriter::create(&folder.file(DESIGN), &names)?;
    for (trial, row) in (0u64..).zip(&design) {
        writer.numbers(trial, row)?;
    }
    writer.sync()?;
    let table = analyse(&args, &folder, &design, &header[1..])?;
    crate::cmd::columnar::apply(&dir, args.format)?;
    if !args.exec.quiet {
        print!("{table}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `design.csv`: `trial` and each parameter's unit-cube coordinate.
pub const DESIGN: &str = "design.csv";
/// `sensitivity.csv`: the indices per outcome and parameter.
pub const SENSITIVITY: &str = "sensitivity.csv";

/// Reads the outcomes back from trials.csv, writes sensitivity.csv and returns the table
/// to print.
fn analyse(
    args: &SensitivityArgs,
    folder: &Folder,
    design: &[Vec<f64>],
    params: &[String],
) -> anyhow::Result<String> {
    let outcomes = read_outcomes(folder, &args.outcome, design.len())?;
    let header: &[&str] = match args.method {
        Method::Sobol => &["outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf"],
        Method::Morris => &["outcome", "parameter", "mu_star", "mu_star_conf", "sigma"],
    };
    let mut writer = RowsWriter::create(&folder.file(SENSITIVITY), header)?;
    let mut table = String::new();
    for (outcome, y) in args.outcome.iter().zip(&outcomes) {
        let rows: Vec<(String, [f64; 4])> = match args.method {
            Method::Sobol => sobol_indices(y, params.len(), RESAMPLES, args.seed)
                .context("the outcomes do not fit the design")?
                .iter()
                .zip(params)
                .map(|(s, p)| (p.clone(), [s.s1, s.s1_conf, s.st, s.st_conf]))
                .collect(),
            Method::Morris => morris_indices(design, y, args.levels, RESAMPLES, args.seed)
                .context("the outcomes do not fit the design")?
                .iter()
                .zip(params)
                .map(|(m, p)| (p.clone(), [m.mu_star, m.mu_star_conf, m.sigma, m.mu]))
                .collect(),
        };
        let width = header.len() - 2;
        for (param, v) in &rows {
            let mut fields = vec![outcome.clone(), param.clone()];
            fields.extend(v[..width].iter().map(|&x| number(x)));
            writer.fields(&fields)?;
        }
        table.push_str(&ranking(outcome, header, rows));
    }
    writer.sync()?;
    Ok(table)
}

/// One numeric column of trials.csv per outcome, in design order; a trial without a value
/// is refused (the estimators need every run).
fn read_outcomes(
    folder: &Folder,
    outcomes: &[String],
    rows: usize,
) -> anyhow::Result<Vec<Vec<f64>>> {
    let path = folder.file(TRIALS);
    let wanted: Vec<&str> = outcomes.iter().map(String::as_str).collect();
    let mut reader = TrialColumns::open(&path, &wanted)?;
    if reader.names().len() != outcomes.len() {
        bail!(
            "{}: lacks some of the outcome columns {wanted:?}",
            path.display()
        );
    }
    let mut columns = vec![Vec::with_capacity(rows); outcomes.len()];
    let mut trial = 0usize;
    while let Some(values) = reader.next_row()? {
        for (k, v) in values.iter().enumerate() {
            let Some(v) = v else {
                bail!(
                    "{}: trial {trial} has no value of `{}` (an outcome defined in every trial is needed)",
                    path.display(),
                    outcomes[k]
                );
            };
            columns[k].push(*v);
        }
        trial += 1;
    }
    if trial != rows {
        bail!("{}: {trial} rows for a design of {rows}", path.display());
    }
    Ok(columns)
}

/// The ten most influential parameters of one outcome (by ST or μ*), as text.
fn ranking(outcome: &str, header: &[&str], mut rows: Vec<(String, [f64; 4])>) -> String {
    let key = if header[2] == "S1" { 2 } else { 0 };
    rows.sort_by(|a, b| b.1[key].total_cmp(&a.1[key]));
    let mut out = format!("\n{outcome}\n  {:<56}", "parameter");
    for h in &header[2..] {
        out.push_str(&format!(" {h:>12}"));
    }
    out.push('\n');
    for (param, v) in rows.iter().take(10) {
        out.push_str(&format!("  {param:<56}"));
        for x in &v[..header.len() - 2] {
            out.push_str(&format!(" {x:>12.4}"));
        }
        out.push('\n');
    }
    out
}
