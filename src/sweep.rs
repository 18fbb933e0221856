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
use rand::RngExt;
use remsim_core::rng::{stream_id, stream_rng};
use remsim_io::TrialsReader;
use serde::Deserialize;
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
    /// Worker threads [default: one per core].
    #[arg(long)]
    pub threads: Option<usize>,
    /// Overwrite the results in --out.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SweepFile {
    /// Base scenario, relative to the sweep file.
    base: String,
    /// Trials per point.
    trials: u64,
    /// Master seed, shared by every point (common random numbers across points).
    #[serde(default)]
    seed: u64,
    /// `grid` or `latin_hypercube`.
    design: Design,
    /// Points of a Latin hypercube.
    #[serde(default)]
    points: usize,
    /// Outcome columns of trials.csv to tabulate; default: a headline set.
    #[serde(default)]
    outcomes: Vec<String>,
    parameter: Vec<Parameter>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq)]
#[serde(rename_all = "snake_case")]
enum Design {
    Grid,
    LatinHypercube,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Parameter {
    /// Dotted config path; `list[id].field` for an agent.
    path: String,
    /// Values of a grid.
    #[serde(default)]
    values: Vec<f64>,
    /// [low, high] of a Latin hypercube.
    #[serde(default)]
    range: Option<[f64; 2]>,
}

const HEADLINE: [&str; 6] = [
    "price_mean.ndpr.row.2030",
    "price_mean.dy.row.2030",
    "price_mean.ndpr.row.2035",
    "price_mean.dy.row.2035",
    "profit_cum.cn_musd",
    "profit_cum.row_musd",
];

/// The design's points: one value per parameter each.
fn points(file: &SweepFile) -> anyhow::Result<Vec<Vec<f64>>> {
    match file.design {
        Design::Grid => {
            let mut points = vec![Vec::new()];
            for p in &file.parameter {
                if p.values.is_empty() {
                    bail!("parameter `{}`: a grid needs `values`", p.path);
                }
                points = points
                    .into_iter()
                    .flat_map(|point| {
                        p.values.iter().map(move |v| {
                            let mut next = point.clone();
                            next.push(*v);
                            next
                        })
                    })
                    .collect();
            }
            Ok(points)
        }
        Design::LatinHypercube => {
            let n = file.points;
            if n == 0 {
                bail!("a Latin hypercube needs `points` > 0");
            }
            let mut columns = Vec::new();
            for p in &file.parameter {
                let Some([lo, hi]) = p.range else {
                    bail!(
                        "parameter `{}`: a Latin hypercube needs `range = [low, high]`",
                        p.path
                    );
                };
                // One value in each of n equal strata, strata shuffled: its own stream per
                // parameter, so adding a parameter leaves the others' columns alone.
                let mut rng = stream_rng(file.seed, 0, stream_id(&format!("sweep:{}", p.path)));
                let mut strata: Vec<usize> = (0..n).collect();
                for i in (1..n).rev() {
                    let j = rng.random_range(0..=i);
                    strata.swap(i, j);
                }
                columns.push(
                    strata
                        .iter()
                        .map(|s| lo + (hi - lo) * (*s as f64 + rng.random::<f64>()) / n as f64)
                        .collect::<Vec<f64>>(),
                );
            }
            Ok((0..n)
                .map(|i| columns.iter().map(|c| c[i]).collect())
                .collect())
        }
    }
}

/// A scenario file that extends `base` and sets each parameter.
fn point_scenario(base: &Path, params: &[Parameter], values: &[f64]) -> anyhow::Result<String> {
    let mut plain = String::new();
    let mut agents = String::new();
    for (p, v) in params.iter().zip(values) {
        if let Some((list, rest)) = p.path.split_once('[') {
            let Some((id, field)) = rest.split_once("].") else {
                bail!("parameter `{}`: expected list[id].field", p.path);
            };
            let _ = writeln!(agents, "\n[[{list}]]\nid = \"{id}\"\n{field} = {v:?}");
        } else {
            let _ = writeln!(plain, "{} = {v:?}", p.path);
        }
    }
    Ok(format!(
        "extends = {:?}\n{plain}{agents}",
        base.display().to_string()
    ))
}

fn quantiles(mut v: Vec<f64>) -> [f64; 3] {
    if v.is_empty() {
        return [f64::NAN; 3];
    }
    v.sort_by(f64::total_cmp);
    let q = |p: f64| v[(((v.len() - 1) as f64) * p).round() as usize];
    [q(0.05), q(0.5), q(0.95)]
}

pub fn run(args: SweepArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&args.sweep)
        .with_context(|| format!("reading {}", args.sweep.display()))?;
    let file: SweepFile = toml::from_str(&text)
        .map_err(|e| anyhow::anyhow!("{}: {}", args.sweep.display(), e.message()))?;
    let here = args.sweep.parent().unwrap_or(Path::new("."));
    let base = std::fs::canonicalize(here.join(&file.base))
        .with_context(|| format!("base scenario {}", here.join(&file.base).display()))?;
    let stem = args
        .sweep
        .file_stem()
        .map_or("sweep".into(), |s| s.to_string_lossy().into_owned());
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("results").join(format!("sweep-{stem}")));
    if dir.join("sweep.csv").exists() && !args.force {
        bail!(
            "{} already holds a sweep; pass --force to overwrite it, or choose another --out",
            dir.display()
        );
    }
    let design = points(&file)?;
    let outcomes: Vec<String> = if file.outcomes.is_empty() {
        HEADLINE.iter().map(|s| s.to_string()).collect()
    } else {
        file.outcomes.clone()
    };
    let mut table = String::from("point");
    for p in &file.parameter {
        let _ = write!(table, ",{}", p.path);
    }
    for o in &outcomes {
        let _ = write!(table, ",{o}.p05,{o}.p50,{o}.p95");
    }
    table.push('\n');
    println!("{} points x {} trials", design.len(), file.trials);
    for (k, values) in design.iter().enumerate() {
        let point_dir = dir.join(format!("point-{k:03}"));
        std::fs::create_dir_all(&point_dir)
            .with_context(|| format!("creating {}", point_dir.display()))?;
        let scenario = point_dir.join("scenario.toml");
        std::fs::write(&scenario, point_scenario(&base, &file.parameter, values)?)?;
        let code = crate::cmd::run::run(RunArgs {
            config: Some(scenario),
            trials: Some(file.trials),
            seed: Some(file.seed),
            out: Some(point_dir.join("results")),
            threads: args.threads,
            shard: None,
            resume: false,
            force: args.force,
            quiet: true,
            checkpoint_secs: 3.0,
            series: Vec::new(),
            every: crate::cmd::run::Every::Month,
        })?;
        if code != ExitCode::SUCCESS {
            return Ok(code);
        }
        let (mut reader, _) = TrialsReader::open(&point_dir.join("results/trials.csv"))?;
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
        let _ = write!(table, "{k}");
        let mut line = format!("point {k:3}:");
        for (p, v) in file.parameter.iter().zip(values) {
            let _ = write!(table, ",{v}");
            let _ = write!(line, " {}={v:.4}", p.path);
        }
        for (i, s) in samples.into_iter().enumerate() {
            let [a, b, c] = quantiles(s);
            let _ = write!(table, ",{a},{b},{c}");
            if i < 2 {
                let _ = write!(line, "  {} p50 {b:.1}", outcomes[i]);
            }
        }
        table.push('\n');
        println!("{line}");
    }
    std::fs::write(dir.join("sweep.csv"), table)?;
    println!("sweep table: {}", dir.join("sweep.csv").display());
    Ok(ExitCode::SUCCESS)
}
