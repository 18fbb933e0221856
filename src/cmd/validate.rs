//! `remsim validate`: runs every history scenario as a batch and checks the simulated
//! distributions against targets read from a data file (`configs/history/targets.toml`),
//! each with its observed value and source. Exit status 1 if any target fails.
//!
//! The targets and the history configs are embedded in the binary, so `remsim validate`
//! runs from any directory; `--targets FILE` reads another targets file instead, whose
//! scenario files are resolved relative to it.
//!
//! Each target is reduced, inside every trial, to one number (an annual mean, a ratio of two
//! years, the worst year of a span); the batch hands every trial's numbers to this
//! command, which takes their exact quantiles (order statistics) across trials, and the
//! check reads the median.

use anyhow::{Context, bail};
use clap::Args;
use remsim_core::{Trajectory, catalog};
use remsim_scenario::Scenario;
use remsim_scheduler::{
    BatchConfig, BatchState, BlockSink, BlockValues, BoxError, exact_quantiles,
};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// Options of `remsim validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Trials per history scenario.
    #[arg(long, default_value_t = 500)]
    pub trials: u64,
    /// Master seed.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Targets file [default: the embedded configs/history/targets.toml, with the
    /// embedded history configs].
    #[arg(long, value_name = "FILE")]
    pub targets: Option<PathBuf>,
    /// Also write the table as CSV to this file.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Worker threads [default: one per core].
    #[arg(long)]
    pub threads: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetsFile {
    scenario: Vec<HistoryScenario>,
    target: Vec<Target>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HistoryScenario {
    id: String,
    file: String,
}

/// How a target is checked; see `configs/history/targets.toml` for the wording.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
enum Check {
    /// |median − observed| ≤ tolerance (absolute).
    Within,
    /// |median / observed − 1| ≤ tolerance.
    WithinRelative,
    /// median(value[to] / value[from]) ≥ factor.
    RiseAtLeast,
    /// 1 − median(value[to] / value[from]) ≥ fraction.
    FallAtLeast,
    /// median(max over years) < limit.
    BelowEveryYear,
    /// median(min over years) > 0.
    PositiveEveryYear,
    /// median(value[to] − value[from]) > 0.
    Increases,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Target {
    scenario: String,
    name: String,
    source: String,
    /// A metric name, or `mine.cn_t`, `mine.row_t` (annual tonnes by region), or
    /// `spread.<el>` (rest-of-world minus China price).
    metric: String,
    /// `mean` (default) or `sum` of the months of a year.
    #[serde(default)]
    annual: Annual,
    check: Check,
    #[serde(default)]
    year: Option<i32>,
    #[serde(default)]
    from_year: Option<i32>,
    #[serde(default)]
    to_year: Option<i32>,
    /// What history did, for the table (and the reference of `within` checks).
    #[serde(default)]
    observed: Option<f64>,
    /// The threshold of the check (tolerance, factor, fraction or limit).
    threshold: f64,
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Annual {
    #[default]
    Mean,
    Sum,
}

/// The catalog metrics a target's metric is computed from: itself, or for `mine.cn_t` and
/// `mine.row_t` world mine output and China's share, or for `spread.<el>` the element's
/// rest-of-world and China prices.
fn metric_parts(metric: &str) -> Vec<String> {
    if metric == "mine.cn_t" || metric == "mine.row_t" {
        vec![
            catalog::MINE_WORLD.name(&[]),
            catalog::MINE_CN_SHARE.name(&[]),
        ]
    } else if let Some(el) = metric.strip_prefix("spread.") {
        vec![
            catalog::PRICE.name(&[el, "row"]),
            catalog::PRICE.name(&[el, "cn"]),
        ]
    } else {
        vec![metric.to_string()]
    }
}

/// Fails unless every metric a target reads is a monthly metric of the catalog.
fn check_metric(target: &Target) -> anyhow::Result<()> {
    for part in metric_parts(&target.metric) {
        if catalog::lookup_in(catalog::Table::Summary, &part).is_none() {
            bail!(
                "target `{}`: metric `{}` reads `{part}`, which is not a monthly metric of the \
                 model (see `remsim metrics`)",
                target.name,
                target.metric
            );
        }
    }
    Ok(())
}

/// One month's value of a target's metric.
fn monthly(t: &Trajectory, metric: &str, tick: usize) -> anyhow::Result<f64> {
    let get = |name: &String| -> anyhow::Result<f64> {
        let i = t
            .metric_index(name)
            .with_context(|| format!("target metric `{name}` is not a metric of the model"))?;
        Ok(t.tick(tick)[i])
    };
    let v = metric_parts(metric)
        .iter()
        .map(get)
        .collect::<anyhow::Result<Vec<f64>>>()?;
    Ok(match (metric, v.as_slice()) {
        ("mine.cn_t", [world, share]) => world * share,
        ("mine.row_t", [world, share]) => world * (1.0 - share),
        (_, [row, cn]) => row - cn,
        (_, [x]) => *x,
        _ => bail!("target metric `{metric}` has no rule"),
    })
}

fn annual(t: &Trajectory, target: &Target, year: i32) -> anyhow::Result<f64> {
    let mut total = 0.0;
    let mut months = 0;
    for tick in 0..t.n_ticks {
        if t.month(tick).year() == year {
            total += monthly(t, &target.metric, tick)?;
            months += 1;
        }
    }
    if months == 0 {
        bail!(
            "target `{}`: year {year} is outside the scenario",
            target.name
        );
    }
    Ok(match target.annual {
        Annual::Mean => total / months as f64,
        Annual::Sum => total,
    })
}

fn years(target: &Target) -> anyhow::Result<(i32, i32)> {
    match (target.from_year, target.to_year, target.year) {
        (Some(a), Some(b), _) => Ok((a, b)),
        (_, _, Some(y)) => Ok((y, y)),
        _ => bail!(
            "target `{}` needs `year` or `from_year` and `to_year`",
            target.name
        ),
    }
}

/// The one number a trial contributes to a target.
fn trial_value(t: &Trajectory, target: &Target) -> anyhow::Result<f64> {
    let (a, b) = years(target)?;
    Ok(match target.check {
        Check::Within | Check::WithinRelative => annual(t, target, a)?,
        Check::RiseAtLeast | Check::FallAtLeast => annual(t, target, b)? / annual(t, target, a)?,
        Check::Increases => annual(t, target, b)? - annual(t, target, a)?,
        Check::BelowEveryYear => (a..=b)
            .map(|y| annual(t, target, y))
            .collect::<anyhow::Result<Vec<_>>>()?
            .into_iter()
            .fold(f64::NEG_INFINITY, f64::max),
        Check::PositiveEveryYear => (a..=b)
            .map(|y| annual(t, target, y))
            .collect::<anyhow::Result<Vec<_>>>()?
            .into_iter()
            .fold(f64::INFINITY, f64::min),
    })
}

fn passes(target: &Target, median: f64) -> bool {
    let x = target.threshold;
    match target.check {
        Check::Within => target.observed.is_some_and(|o| (median - o).abs() <= x),
        Check::WithinRelative => target
            .observed
            .is_some_and(|o| (median / o - 1.0).abs() <= x),
        Check::RiseAtLeast => median >= x,
        Check::FallAtLeast => 1.0 - median >= x,
        Check::BelowEveryYear => median < x,
        Check::PositiveEveryYear | Check::Increases => median > 0.0,
    }
}

/// Keeps every trial's value of each target (one cell per target, one tick), for exact
/// quantiles: a target count times the trial count of numbers.
struct Values(Vec<Vec<f64>>);

impl BlockSink for Values {
    fn wants_values(&self) -> bool {
        true
    }

    fn block_values(&mut self, block: &BlockValues) -> Result<(), BoxError> {
        for (cell, values) in self.0.iter_mut().enumerate() {
            if let Some(run) = block.values.get(cell * block.len..(cell + 1) * block.len) {
                values.extend_from_slice(run);
            }
        }
        Ok(())
    }
}

struct Line {
    scenario: String,
    name: String,
    source: String,
    check: String,
    observed: String,
    quantiles: [f64; 3],
    pass: bool,
}

/// The embedded targets file.
const TARGETS_TOML: &str = include_str!("../../configs/history/targets.toml");
/// Name of the embedded targets file in messages.
const BUILTIN_TARGETS: &str = "builtin:history/targets.toml";
/// The embedded history configs, by the `file` the targets name them with.
const HISTORY_TOML: [(&str, &str); 2] = [
    (
        "2009-2014.toml",
        include_str!("../../configs/history/2009-2014.toml"),
    ),
    (
        "2020-2024.toml",
        include_str!("../../configs/history/2020-2024.toml"),
    ),
];

/// A history scenario: from disk beside a `--targets` file, or embedded (its
/// `extends = "../baseline.toml"` then means the embedded baseline, the same file).
fn history_scenario(dir: Option<&Path>, file: &str) -> anyhow::Result<Option<Scenario>> {
    let Some(dir) = dir else {
        let Some((_, text)) = HISTORY_TOML.iter().find(|(name, _)| *name == file) else {
            bail!("{BUILTIN_TARGETS}: no embedded history config `{file}`");
        };
        let text = text.replace(
            "extends = \"../baseline.toml\"",
            &format!("extends = \"{}\"", remsim_scenario::BUILTIN_BASELINE),
        );
        let name = format!("builtin:history/{file}");
        return Ok(match Scenario::from_text(&name, &text, None) {
            Ok(s) => Some(s),
            Err(err) => {
                for line in err.lines() {
                    eprintln!("error: {line}");
                }
                None
            }
        });
    };
    Ok(crate::load_scenario(Some(&dir.join(file))))
}

/// The results table, at most 100 columns: one block per history scenario, target names
/// abbreviated (`~`) where long and given in full with their sources below.
fn table(lines: &[Line]) -> String {
    use remsim_report::findings::wrap;
    use remsim_report::outcomes::{abbreviate, compact};
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<31} {:<21} {:>9} {:>9} {:>9} {:>9} result",
        "target", "check", "observed", "sim p05", "sim p50", "sim p95"
    );
    let mut scenario = "";
    for l in lines {
        if l.scenario != scenario {
            scenario = &l.scenario;
            let _ = writeln!(out, "{scenario}:");
        }
        let observed = l
            .observed
            .parse::<f64>()
            .map_or(l.observed.clone(), compact);
        let _ = writeln!(
            out,
            "{:<31} {:<21} {:>9} {:>9} {:>9} {:>9} {}",
            abbreviate(&l.name, 31),
            abbreviate(&l.check, 21),
            observed,
            compact(l.quantiles[0]),
            compact(l.quantiles[1]),
            compact(l.quantiles[2]),
            if l.pass { "pass" } else { "FAIL" }
        );
    }
    let _ = writeln!(out, "\nsources:");
    for l in lines {
        out.push_str(&wrap(
            &format!("{}: {}", l.name, l.source),
            100,
            "  ",
            "    ",
        ));
    }
    out
}

/// The check of a target in words, e.g. `2020->2022: x1.8+`.
fn check_label(target: &Target) -> anyhow::Result<String> {
    let (a, b) = years(target)?;
    Ok(match target.check {
        Check::Within => format!("{a}: within ±{}", target.threshold),
        Check::WithinRelative => format!("{a}: within ±{:.0}%", 100.0 * target.threshold),
        Check::RiseAtLeast => format!("{a}->{b}: x{}+", target.threshold),
        Check::FallAtLeast => format!("{a}->{b}: -{:.0}%+", 100.0 * target.threshold),
        Check::BelowEveryYear => format!("{a}-{b}: below {}", target.threshold),
        Check::PositiveEveryYear => format!("{a}-{b}: >0 yearly"),
        Check::Increases => format!("{a}->{b}: rises"),
    })
}

/// Runs one history scenario's batch (with a progress bar) and checks its targets on the
/// exact p05, p50 and p95 of each target's per-trial value.
fn validate_scenario(
    history: &HistoryScenario,
    targets: &[Target],
    scenario: &Scenario,
    args: &ValidateArgs,
) -> anyhow::Result<Vec<Line>> {
    let names: Arc<[String]> = targets.iter().map(|t| t.name.clone()).collect();
    let start = scenario.central().scenario.start;
    let seed = args.seed;
    let runner = |trial: u64| -> Result<Trajectory, BoxError> {
        let drawn = scenario.draw(seed, trial)?;
        let t = remsim_sim::run_trial(&drawn, seed, trial)?;
        let mut out = Trajectory::zeros(start, names.clone(), 1);
        for (i, target) in targets.iter().enumerate() {
            out.values[i] = trial_value(&t, target).map_err(|e| -> BoxError { e.into() })?;
        }
        Ok(out)
    };
    let bar = crate::cmd::run::progress_bar(args.trials, 0, false);
    bar.set_message(format!("validating {}", history.id));
    if bar.is_hidden() {
        eprintln!("validating {} ({} trials)...", history.id, args.trials);
    }
    let mut sink = Values(vec![Vec::new(); targets.len()]);
    let end = remsim_scheduler::run_batch(
        0..args.trials,
        BatchState::start(0),
        &BatchConfig::with_threads(args.threads.unwrap_or(0)),
        runner,
        &|| bar.inc(1),
        &mut sink,
    );
    bar.finish_and_clear();
    end?;
    let mut lines = Vec::new();
    for (target, values) in targets.iter().zip(sink.0.iter_mut()) {
        let q = exact_quantiles(values).context("no trial gave a value")?;
        let quantiles = [q[1], q[3], q[5]];
        lines.push(Line {
            scenario: history.id.clone(),
            name: target.name.clone(),
            source: target.source.clone(),
            check: check_label(target)?,
            observed: target.observed.map_or("-".to_string(), |o| format!("{o}")),
            quantiles,
            pass: passes(target, quantiles[1]),
        });
    }
    Ok(lines)
}

/// `--out FILE`: the table as CSV.
fn write_csv(path: &Path, lines: &[Line]) -> anyhow::Result<()> {
    let mut csv = String::from("scenario,target,check,observed,p05,p50,p95,pass,source\n");
    for l in lines {
        csv.push_str(&format!(
            "{},\"{}\",\"{}\",{},{},{},{},{},\"{}\"\n",
            l.scenario,
            l.name,
            l.check,
            l.observed,
            l.quantiles[0],
            l.quantiles[1],
            l.quantiles[2],
            l.pass,
            l.source
        ));
    }
    std::fs::write(path, csv).with_context(|| format!("writing {}", path.display()))
}

/// `remsim validate`.
pub fn run(args: ValidateArgs) -> anyhow::Result<ExitCode> {
    let (name, text, dir) = match &args.targets {
        Some(path) => (
            path.display().to_string(),
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?,
            Some(path.parent().unwrap_or(Path::new("."))),
        ),
        None => (BUILTIN_TARGETS.to_string(), TARGETS_TOML.to_string(), None),
    };
    let file: TargetsFile =
        toml::from_str(&text).map_err(|e| anyhow::anyhow!("{name}: {}", e.message()))?;
    for target in &file.target {
        if let Err(e) = check_metric(target) {
            eprintln!("error: {name}: {e:#}");
            return Ok(ExitCode::from(2));
        }
    }
    let mut lines = Vec::new();
    for history in &file.scenario {
        let targets: Vec<Target> = file
            .target
            .iter()
            .filter(|t| t.scenario == history.id)
            .cloned()
            .collect();
        if targets.is_empty() {
            continue;
        }
        let Some(scenario) = history_scenario(dir, &history.file)? else {
            return Ok(ExitCode::from(2));
        };
        lines.extend(validate_scenario(history, &targets, &scenario, &args)?);
    }
    print!("{}", table(&lines));
    if let Some(path) = &args.out {
        write_csv(path, &lines)?;
    }
    let failed = lines.iter().filter(|l| !l.pass).count();
    println!("\n{} of {} targets pass", lines.len() - failed, lines.len());
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_target_reads_catalog_metrics() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/configs/history/targets.toml");
        let text = std::fs::read_to_string(path).unwrap();
        let file: TargetsFile = toml::from_str(&text).unwrap();
        assert!(!file.target.is_empty());
        for target in &file.target {
            check_metric(target).unwrap();
        }
        let mut misspelt = file.target[0].clone();
        misspelt.metric = "spread.ndd".into();
        assert!(check_metric(&misspelt).is_err());
    }
}
