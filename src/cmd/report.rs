//! The short plain-text summary printed at the end of `remsim run` and `remsim merge`
//! (at most 80 columns): price distributions in 2030 and 2035, the chance of a Dy or Tb
//! shortage, and where the files are. Everything comes from the aggregates, so a merged
//! or resumed batch prints the same numbers as an uninterrupted one.

use super::folder::{AGGREGATES, Folder, MANIFEST, SUMMARY, TIMING, TRIALS};
use remsim_io::{Manifest, Timing};
use remsim_scheduler::BatchAggregates;
use remsim_scheduler::outcomes::{DY_TB_SHORTAGE_BY_2035, YEARS, price_mean_column};
use std::fmt::Write;

/// The end-of-run summary.
pub fn summary(
    folder: &Folder,
    manifest: &Manifest,
    aggregates: &BatchAggregates,
    timing: Option<&Timing>,
) -> String {
    let mut out = String::new();
    let shard = if manifest.shard.count > 1 {
        format!(
            ", shard {}/{} (trials {}..{})",
            manifest.shard.index,
            manifest.shard.count,
            manifest.shard.first_trial,
            manifest.shard.end_trial
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "{}: seed {}, {} trials{shard}",
        manifest.scenario,
        manifest.seed,
        aggregates.trials()
    );
    if let Some(t) = timing {
        let resumed = t
            .resumed_at_trial
            .map(|k| format!(", resumed at trial {k}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "ran {} trials in {:.1} s: {:.1} trials/s on {} thread{}{resumed}",
            t.trials_run,
            t.wall_s,
            t.trials_per_s,
            t.threads,
            if t.threads == 1 { "" } else { "s" }
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Oxide price, USD/kg: median [5%, 95%] of each trial's annual mean"
    );
    let _ = writeln!(
        out,
        "{:<20}{:>29}{:>29}",
        "",
        YEARS[0].to_string(),
        YEARS[1].to_string()
    );
    for (label, what) in [("NdPr", "ndpr"), ("Dy", "dy")] {
        for (region_label, region) in [("China", "cn"), ("rest of world", "row")] {
            let mut line = format!("{:<20}", format!("{label} {region_label}"));
            for year in YEARS {
                let cell = aggregates
                    .outcome(&price_mean_column(what, region, year))
                    .and_then(|c| {
                        Some(format!(
                            "{} [{}, {}]",
                            price(c.quantile(0.5)?),
                            price(c.quantile(0.05)?),
                            price(c.quantile(0.95)?)
                        ))
                    })
                    .unwrap_or_else(|| "n/a".to_string());
                let _ = write!(line, "{cell:>29}");
            }
            let _ = writeln!(out, "{line}");
        }
    }
    let _ = writeln!(out, "NdPr is the mean of the Nd and Pr oxide prices.");
    let _ = writeln!(out);
    match aggregates
        .outcome(DY_TB_SHORTAGE_BY_2035)
        .filter(|c| c.count() > 0)
    {
        Some(c) => {
            let with = c.sum().round() as u64;
            let _ = writeln!(
                out,
                "Any Dy or Tb shortage by the end of 2035: {:.1}% of trials ({with} of {})",
                100.0 * with as f64 / c.count() as f64,
                c.count()
            );
        }
        None => {
            let _ = writeln!(
                out,
                "Any Dy or Tb shortage by the end of 2035: n/a (outside the horizon)"
            );
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "Files in {}:", folder.dir.display());
    for (name, what) in [
        (SUMMARY, "quantiles of every metric, month by month"),
        (TRIALS, "one row of outcomes per trial"),
        (AGGREGATES, "mergeable statistics (for remsim merge)"),
        (MANIFEST, "version, config, seed (for remsim replay)"),
        (TIMING, "wall time and trials/s"),
    ] {
        let _ = writeln!(out, "  {name:<16}{what}");
    }
    out
}

/// A price with about three significant digits.
fn price(x: f64) -> String {
    if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}
