//! `remsim compare BASE SHOCK`: the effect of a shock, isolated from Monte Carlo noise by
//! common random numbers. Trial i of both scenarios uses the same seed, and every draw in
//! remsim is keyed by (seed, trial, what it is for) — a parameter's path, an agent's id, a
//! shock's id — so trial i of the shock differs from trial i of the base only by what the
//! shock changes. The paired differences are aggregated like any other metric.
//!
//! Writes DIR/base/ and DIR/shock/ (ordinary results folders, as `remsim run` makes them),
//! DIR/diff_summary.csv (the summary columns over the paired difference shock − base, per
//! metric per month), DIR/diff_trials.csv (per-trial paired deltas of the outcomes) and
//! DIR/diff_outcomes.csv (per outcome: base and shock medians, the paired difference's
//! median and 90% interval, the share of trials it rises in, and for probability outcomes
//! both shares and their difference with 95% intervals), and prints the headline rows of the
//! last in at most 100 columns.

use crate::cmd::columnar::Format;
use crate::cmd::run::RunArgs;
use anyhow::{Context, bail};
use clap::Args;
use remsim_core::Trajectory;
use remsim_io::TrialsReader;
use remsim_scheduler::{BatchConfig, BatchEnd, BatchState, BoxError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Options of `remsim compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The reference scenario (e.g. configs/baseline.toml).
    pub base: PathBuf,
    /// The scenario with the shock (e.g. configs/shocks/ree-free-motors.toml).
    pub shock: PathBuf,
    /// Trials in each scenario.
    #[arg(long, default_value_t = 1000)]
    pub trials: u64,
    /// Master seed, shared by both scenarios.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Output folder [default: results/compare-<base>-vs-<shock>-s<seed>].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// --threads, --force and --quiet.
    #[command(flatten)]
    pub exec: crate::cmd::Execution,
    /// Table files of base/ and shock/: csv, parquet or both (the comparison's own
    /// diff_*.csv stay CSV).
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    pub format: Format,
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map_or("scenario".to_string(), |s| s.to_string_lossy().into_owned())
}

/// `remsim compare`.
pub fn run(args: CompareArgs) -> anyhow::Result<ExitCode> {
    args.format.ensure_available()?;
    let (Some(base), Some(shock)) = (
        crate::load_scenario(Some(&args.base)),
        crate::load_scenario(Some(&args.shock)),
    ) else {
        return Ok(ExitCode::from(2));
    };
    let dir = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("results").join(format!(
            "compare-{}-vs-{}-s{}",
            stem(&args.base),
            stem(&args.shock),
            args.seed
        ))
    });
    if dir.join("diff_summary.csv").exists() && !args.exec.force {
        bail!(
            "{} already holds a comparison; pass --force to overwrite it, or choose another --out",
            dir.display()
        );
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    // The folder is unfinished until its list of files is written again, last.
    let list = dir.join(remsim_io::verify::COMPARISON_FILE);
    if list.exists() {
        std::fs::remove_file(&list).with_context(|| format!("removing {}", list.display()))?;
    }
    for (name, config) in [("base", &args.base), ("shock", &args.shock)] {
        let code = crate::cmd::run::run(RunArgs::inner_batch(
            config.clone(),
            args.trials,
            args.seed,
            dir.join(name),
            args.exec.threads,
            args.exec.force,
        ))?;
        if code != ExitCode::SUCCESS {
            return Ok(code);
        }
    }

    // The paired differences, per metric per month: one more pass that runs both trials.
    let seed = args.seed;
    let runner = |trial: u64| -> Result<Trajectory, BoxError> {
        let b = remsim_sim::run_trial(&base.draw(seed, trial)?, seed, trial)?;
        let mut s = remsim_sim::run_trial(&shock.draw(seed, trial)?, seed, trial)?;
        if s.metric_names != b.metric_names || s.n_ticks != b.n_ticks || s.start != b.start {
            return Err(
                "the two scenarios differ in horizon: compare needs the same months".into(),
            );
        }
        for (x, y) in s.values.iter_mut().zip(&b.values) {
            *x -= y;
        }
        Ok(s)
    };
    let bar = crate::cmd::run::progress_bar(args.trials, 0, args.exec.quiet);
    bar.set_message("pairing base and shock");
    let config = BatchConfig::with_threads(args.exec.threads.unwrap_or(0));
    let end = remsim_scheduler::run_batch(
        0..args.trials,
        BatchState::start(0),
        &config,
        runner,
        &|| bar.inc(1),
        &mut remsim_scheduler::DiscardRows,
    );
    bar.finish_and_clear();
    let end = end?;
    let (BatchEnd::Finished(state) | BatchEnd::Stopped(state)) = end;
    let aggregates = state.aggregates.context("no trials ran")?;
    crate::cmd::folder::write_summary(
        &dir.join("diff_summary.csv"),
        &aggregates,
        None,
        &remsim_report::names::stored_unit,
    )?;

    // Both folders are checked before their trials.csv are paired.
    remsim_io::verify_finished(&dir.join("base"))?;
    remsim_io::verify_finished(&dir.join("shock"))?;
    let (header, deltas) =
        paired_trials(&dir.join("base/trials.csv"), &dir.join("shock/trials.csv"))?;
    write_deltas(&dir.join("diff_trials.csv"), &header, &deltas)?;
    let text = outcomes(&dir, deltas.len())?;
    for name in ["base", "shock"] {
        crate::cmd::columnar::apply(&dir.join(name), args.format)?;
    }
    // The comparison's own files are sealed last, once every one of them is written.
    remsim_io::verify::write_comparison(&dir)?;
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}

/// One trial's outcome in both scenarios: (base, shock), `None` where a field is empty or
/// not a number (e.g. a month).
type Pair = Option<(f64, f64)>;

fn number(field: &[u8]) -> Option<f64> {
    std::str::from_utf8(field).ok()?.parse::<f64>().ok()
}

/// Each trial's pairs of outcomes, in trial order.
type PairedRows = Vec<(u64, Vec<Pair>)>;

/// Reads both trials.csv files row by row, in step.
fn paired_trials(base: &Path, shock: &Path) -> anyhow::Result<(Vec<String>, PairedRows)> {
    let (mut b, _) = TrialsReader::open(base)?;
    let (mut s, _) = TrialsReader::open(shock)?;
    if b.header() != s.header() {
        bail!(
            "{} and {} have different columns",
            base.display(),
            shock.display()
        );
    }
    let header: Vec<String> = b.header().to_vec();
    let mut rows = Vec::new();
    while let (Some((tb, rb)), Some((ts, rs))) = (b.next_row()?, s.next_row()?) {
        if tb != ts {
            bail!("trials out of step: {tb} in the base, {ts} in the shock");
        }
        let pairs = (2..header.len())
            .map(
                |i| match (rb.get(i).and_then(number), rs.get(i).and_then(number)) {
                    (Some(x), Some(y)) => Some((x, y)),
                    _ => None,
                },
            )
            .collect();
        rows.push((tb, pairs));
    }
    Ok((header, rows))
}

fn write_deltas(path: &Path, header: &[String], rows: &[(u64, Vec<Pair>)]) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::new(
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
    );
    writeln!(out, "trial,{}", header[2..].join(","))?;
    for (trial, pairs) in rows {
        write!(out, "{trial}")?;
        for p in pairs {
            match p {
                Some((b, s)) => write!(out, ",{}", remsim_io::table::number(s - b))?,
                None => write!(out, ",")?,
            }
        }
        writeln!(out)?;
    }
    out.flush()?;
    Ok(())
}

/// Writes `diff_outcomes.csv` (every outcome whose paired difference is not always zero)
/// and returns the terminal table of the headline outcomes (at most 100 columns).
fn outcomes(dir: &Path, trials: usize) -> anyhow::Result<String> {
    use remsim_report::outcomes::{DIFF_OUTCOMES_HEADER, diff_table, paired_outcomes};
    use std::fmt::Write as _;
    let rows = paired_outcomes(&dir.join("base/trials.csv"), &dir.join("shock/trials.csv"))?;
    let path = dir.join("diff_outcomes.csv");
    let mut text = DIFF_OUTCOMES_HEADER.join(",");
    text.push('\n');
    for row in &rows {
        text.push_str(&row.fields().join(","));
        text.push('\n');
    }
    remsim_io::atomic_write(&path, text.as_bytes())?;
    let headline = remsim_report::findings::headline_outcomes();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Shock against base over {trials} paired trials (common random numbers)"
    );
    out.push_str(&diff_table(&rows, &headline, 100));
    let others = rows
        .iter()
        .filter(|r| !headline.contains(&r.diff.outcome.as_str()))
        .count();
    if others > 0 {
        let _ = writeln!(
            out,
            "{others} more outcomes changed: see diff_outcomes.csv."
        );
    }
    let _ = writeln!(out, "\nFiles in {}:", dir.display());
    let _ = writeln!(
        out,
        "  base/, shock/       results folders of each scenario"
    );
    let _ = writeln!(
        out,
        "  diff_outcomes.csv   each outcome: base, shock, paired difference"
    );
    let _ = writeln!(
        out,
        "  diff_summary.csv    quantiles of shock - base, metric by month"
    );
    let _ = writeln!(
        out,
        "  diff_trials.csv     per-trial paired deltas of the outcomes"
    );
    Ok(out)
}
