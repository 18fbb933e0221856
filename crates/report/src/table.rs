//! Terminal tables for `remsim show`: one metric's quantiles year by year, at most 80
//! columns wide, and the list of metrics a folder holds.

use crate::axis::format_value;
use crate::error::ReportError;
use crate::folder::{DIFF_SUMMARY, Folder, SUMMARY};
use crate::names;
use remsim_io::{SummaryRecord, SummaryTable};
use std::fmt::Write;

/// Widest line the tables print.
pub const MAX_WIDTH: usize = 80;

/// The summary table whose metric names are listed for a folder.
fn names_table(folder: &Folder) -> &SummaryTable {
    match folder {
        Folder::Run(r) => &r.summary,
        Folder::Comparison(c) => &c.base.summary,
    }
}

/// The metrics of a folder, in columns that fit 80 characters, under a line saying how to
/// use them.
pub fn metric_list(folder: &Folder) -> String {
    let names: Vec<&str> = names_table(folder).metric_names().collect();
    let mut out = format!(
        "{} metrics; show one with `remsim show DIR --metric NAME`:\n",
        names.len()
    );
    // Column-major, like `ls`: as many columns as fit, each as wide as its longest name.
    let fits = |cols: usize| -> Option<Vec<usize>> {
        let rows = names.len().div_ceil(cols);
        let widths: Vec<usize> = names
            .chunks(rows.max(1))
            .map(|col| col.iter().map(|n| n.chars().count()).max().unwrap_or(0) + 2)
            .collect();
        (2 + widths.iter().sum::<usize>() <= MAX_WIDTH).then_some(widths)
    };
    let (rows, widths) = (1..=8)
        .rev()
        .find_map(|cols| fits(cols).map(|w| (names.len().div_ceil(cols), w)))
        .unwrap_or((names.len(), vec![MAX_WIDTH]));
    for r in 0..rows {
        let mut line = String::from("  ");
        for (c, width) in widths.iter().enumerate() {
            if let Some(name) = names.get(c * rows + r) {
                let _ = write!(line, "{name:<width$}");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The last row of each calendar year (the year's closing month), in year order.
fn yearly(rows: &[SummaryRecord]) -> Vec<&SummaryRecord> {
    let mut out: Vec<&SummaryRecord> = Vec::new();
    for row in rows {
        let year = row.date.get(..4);
        match out.last_mut() {
            Some(last) if last.date.get(..4) == year => *last = row,
            _ => out.push(row),
        }
    }
    out
}

fn cell(x: Option<f64>, factor: f64) -> String {
    x.map(|v| format_value(v * factor))
        .unwrap_or_else(|| "–".into())
}

fn lookup<'a>(
    table: &'a SummaryTable,
    name: &str,
    file: &std::path::Path,
) -> Result<&'a [SummaryRecord], ReportError> {
    table
        .metric(name)
        .ok_or_else(|| ReportError::UnknownMetric {
            name: name.to_string(),
            file: file.to_path_buf(),
            suggestion: remsim_core::suggest::closest(name, table.metric_names()),
        })
}

/// The yearly table of `metric` for a folder: for a results folder the quantiles across
/// trials in the last month of each year; for a comparison folder the base and shock
/// medians and the quantiles of the paired difference.
pub fn metric_table(folder: &Folder, metric: &str) -> Result<String, ReportError> {
    let label = names::metric(metric);
    let unit = if label.unit.is_empty() {
        String::new()
    } else {
        format!(" ({})", label.unit)
    };
    let f = label.factor;
    let mut out = String::new();
    match folder {
        Folder::Run(run) => {
            let rows = lookup(&run.summary, metric, &run.dir.join(SUMMARY))?;
            let _ = writeln!(out, "{metric}: {}{unit}", label.title);
            let _ = writeln!(
                out,
                "{}, seed {}; across trials, in the last month of each year",
                run.manifest.scenario, run.manifest.seed
            );
            let _ = writeln!(
                out,
                "{:<4} {:>7} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>6}",
                "year", "month", "p05", "p25", "median", "p75", "p95", "mean", "n"
            );
            for row in yearly(rows) {
                let q = row.stats.quantiles;
                let _ = writeln!(
                    out,
                    "{:<4} {:>7} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>6}",
                    row.date.get(..4).unwrap_or("?"),
                    row.date,
                    cell(q.map(|q| q[1]), f),
                    cell(q.map(|q| q[2]), f),
                    cell(q.map(|q| q[3]), f),
                    cell(q.map(|q| q[4]), f),
                    cell(q.map(|q| q[5]), f),
                    cell(row.stats.mean, f),
                    row.stats.n
                );
            }
        }
        Folder::Comparison(cmp) => {
            let base = lookup(&cmp.base.summary, metric, &cmp.base.dir.join(SUMMARY))?;
            let shock = lookup(&cmp.shock.summary, metric, &cmp.shock.dir.join(SUMMARY))?;
            let diff = match &cmp.diff {
                Some(d) => Some(lookup(d, metric, &cmp.dir.join(DIFF_SUMMARY))?),
                None => None,
            };
            let _ = writeln!(out, "{metric}: {}{unit}", label.title);
            let _ = writeln!(
                out,
                "{}, seed {}; last month of each year",
                crate::report::comparison_title(cmp),
                cmp.base.manifest.seed
            );
            let _ = writeln!(
                out,
                "{:<4} {:>7} {:>9} {:>9} {:>8} {:>8} {:>8} {:>8} {:>8}",
                "year",
                "month",
                "base p50",
                "shock p50",
                "Δ p05",
                "Δ p25",
                "Δ p50",
                "Δ p75",
                "Δ p95"
            );
            let shock_rows = yearly(shock);
            let diff_rows = diff.map(yearly).unwrap_or_default();
            for b in yearly(base) {
                let s = shock_rows.iter().find(|r| r.date == b.date);
                let d = diff_rows
                    .iter()
                    .find(|r| r.date == b.date)
                    .and_then(|r| r.stats.quantiles);
                let _ = writeln!(
                    out,
                    "{:<4} {:>7} {:>9} {:>9} {:>8} {:>8} {:>8} {:>8} {:>8}",
                    b.date.get(..4).unwrap_or("?"),
                    b.date,
                    cell(b.stats.quantiles.map(|q| q[3]), f),
                    cell(s.and_then(|s| s.stats.quantiles).map(|q| q[3]), f),
                    cell(d.map(|q| q[1]), f),
                    cell(d.map(|q| q[2]), f),
                    cell(d.map(|q| q[3]), f),
                    cell(d.map(|q| q[4]), f),
                    cell(d.map(|q| q[5]), f),
                );
            }
            if diff.is_none() {
                let _ = writeln!(out, "(no {DIFF_SUMMARY}: paired differences not shown)");
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(date: &str, v: f64) -> SummaryRecord {
        SummaryRecord {
            tick: 0,
            date: date.into(),
            stats: remsim_io::SummaryStats {
                n: 1000,
                mean: Some(v),
                sd: None,
                min: None,
                quantiles: Some([v; 7]),
                max: None,
            },
        }
    }

    #[test]
    fn one_row_per_year_its_last_month() {
        let rows = [
            row("2025-01", 1.0),
            row("2025-12", 2.0),
            row("2026-01", 3.0),
            row("2026-06", 4.0),
        ];
        let y: Vec<&str> = yearly(&rows).iter().map(|r| r.date.as_str()).collect();
        assert_eq!(y, ["2025-12", "2026-06"]);
    }

    #[test]
    fn cells_fit_their_columns() {
        for v in [
            0.0,
            1e-7,
            0.5038759689922481,
            5599.817142857142,
            -123456.7,
            9.9e9,
        ] {
            assert!(
                cell(Some(v), 1.0).chars().count() <= 9,
                "{v}: {}",
                cell(Some(v), 1.0)
            );
        }
        assert_eq!(cell(Some(0.905), 100.0), "90.5");
        assert_eq!(cell(None, 1.0), "–");
    }
}
