//! The answers a reader came for, in words: the executive summary (`<section
//! id="summary">`, also what `remsim show DIR` prints) and the caveats (`<section
//! id="caveats">`: what the model could not represent in this batch).
//!
//! The summary is generated from one catalog, [`HEADLINES`]: each entry names a subject,
//! a unit and the outcome columns (of `trials.csv`) or metric-months (of `summary.csv`) it
//! reports, and one function turns any entry into a sentence with the median, the 90%
//! interval and the trial count — or, for 0/1 event columns, the share of trials with its
//! 95% Wilson interval. Nothing is written per metric by hand.

use crate::axis::format_value;
use crate::error::ReportError;
use crate::folder::{Comparison, RunFolder};
use crate::names;
use crate::outcomes::{self, PairedOutcome, Proportion, Spread};
use remsim_io::TrialColumns;
use std::collections::BTreeMap;

/// Where a headline number comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A column of `trials.csv` (one value per trial).
    Outcome(&'static str),
    /// A metric of `summary.csv` at a month `YYYY-MM` (its exact quantiles).
    Month(&'static str, &'static str),
}

/// One sentence of the summary: a subject, the unit of its numbers, the factor from
/// stored to shown values, and the labelled numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Headline {
    /// What the sentence is about.
    pub subject: &'static str,
    /// Unit of the shown numbers.
    pub unit: &'static str,
    /// Stored → shown (100 for shares).
    pub factor: f64,
    /// Labelled sources, in sentence order.
    pub items: &'static [(&'static str, Source)],
}

/// The four items of a regional headline: China and the rest of the world in 2030 and 2035,
/// from the outcome columns `<prefix>.<region>.<year>` or from the metrics
/// `<prefix>.<region>` in month `MM` of each year.
macro_rules! regions_2030_2035 {
    (Outcome($prefix:literal)) => {
        &[
            ("2030 China", Source::Outcome(concat!($prefix, ".cn.2030"))),
            (
                "2030 rest of world",
                Source::Outcome(concat!($prefix, ".row.2030")),
            ),
            ("2035 China", Source::Outcome(concat!($prefix, ".cn.2035"))),
            (
                "2035 rest of world",
                Source::Outcome(concat!($prefix, ".row.2035")),
            ),
        ]
    };
    (Month($prefix:literal, $mm:literal)) => {
        &[
            (
                "2030 China",
                Source::Month(concat!($prefix, ".cn"), concat!("2030-", $mm)),
            ),
            (
                "2030 rest of world",
                Source::Month(concat!($prefix, ".row"), concat!("2030-", $mm)),
            ),
            (
                "2035 China",
                Source::Month(concat!($prefix, ".cn"), concat!("2035-", $mm)),
            ),
            (
                "2035 rest of world",
                Source::Month(concat!($prefix, ".row"), concat!("2035-", $mm)),
            ),
        ]
    };
}

/// The catalog of the executive summary, in page order.
pub const HEADLINES: [Headline; 6] = [
    Headline {
        subject: "NdPr oxide price (75% Nd, 25% Pr), annual mean",
        unit: "USD/kg",
        factor: 1.0,
        items: regions_2030_2035!(Outcome("price_mean.ndpr")),
    },
    Headline {
        subject: "Dy oxide price, annual mean",
        unit: "USD/kg",
        factor: 1.0,
        items: regions_2030_2035!(Outcome("price_mean.dy")),
    },
    Headline {
        subject: "Tb oxide price in June",
        unit: "USD/kg",
        factor: 1.0,
        items: regions_2030_2035!(Month("price.tb", "06")),
    },
    Headline {
        subject: "Probability of a Dy or Tb shortage in any month up to the end of 2035",
        unit: "",
        factor: 1.0,
        items: &[("", Source::Outcome("shortage_any.dy_tb.by_2035"))],
    },
    Headline {
        subject: "China's share in 2035 (annual mean)",
        unit: "%",
        factor: 100.0,
        items: &[
            ("mining", Source::Outcome("mine.cn_share.2035")),
            ("separation", Source::Outcome("separation.cn_share.2035")),
            ("magnet making", Source::Outcome("magnet.cn_share.2035")),
            (
                "deep processing",
                Source::Outcome("deep_processing.cn_share.2035"),
            ),
        ],
    },
    Headline {
        subject: "Rare-earth-free motors, share of new EVs in 2035",
        unit: "%",
        factor: 100.0,
        items: &[("", Source::Outcome("ev.ree_free_share.2035"))],
    },
];

/// The outcome columns the catalog reads, in order (also the rows `remsim compare` prints).
pub fn headline_outcomes() -> Vec<&'static str> {
    HEADLINES
        .iter()
        .flat_map(|h| h.items.iter())
        .filter_map(|(_, s)| match s {
            Source::Outcome(c) => Some(*c),
            Source::Month(..) => None,
        })
        .collect()
}

/// Every value of the wanted columns of a trials file (absent columns are left out).
pub fn read_columns(
    path: &std::path::Path,
    wanted: &[&str],
) -> Result<BTreeMap<String, Vec<f64>>, ReportError> {
    let mut reader = TrialColumns::open(path, wanted)?;
    let names = reader.names().to_vec();
    let mut columns: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    while let Some(row) = reader.next_row()? {
        for (column, value) in columns.iter_mut().zip(row) {
            if let Some(x) = value {
                column.push(*x);
            }
        }
    }
    Ok(names.into_iter().zip(columns).collect())
}

/// A number as the summary shows it: shares (factor 100) with one decimal, others with
/// [`format_value`]'s four significant digits.
fn shown(x: f64, factor: f64) -> String {
    if factor == 100.0 {
        format!("{:.1}", x * factor)
    } else {
        format_value(x * factor)
    }
}

/// The spread of a source in a run.
fn spread_of(
    source: Source,
    run: &RunFolder,
    columns: &mut BTreeMap<String, Vec<f64>>,
) -> Option<Spread> {
    match source {
        Source::Outcome(c) => outcomes::spread(columns.get_mut(c)?),
        Source::Month(metric, date) => {
            let row = run
                .summary
                .metric(metric)?
                .iter()
                .find(|r| r.date == date)?;
            let q = row.stats.quantiles?;
            Some(Spread {
                n: row.stats.n,
                p05: q[1],
                p50: q[3],
                p95: q[5],
            })
        }
    }
}

/// One headline as a sentence, or `None` when none of its numbers is in the results.
fn sentence(
    h: &Headline,
    run: &RunFolder,
    columns: &mut BTreeMap<String, Vec<f64>>,
) -> Option<String> {
    if let [(_, Source::Outcome(c))] = h.items
        && outcomes::is_probability(c)
    {
        let values = columns.get(*c)?;
        let p = Proportion {
            k: values.iter().filter(|x| **x > 0.5).count() as u64,
            n: values.len() as u64,
        };
        return Some(format!("{}: {}.", h.subject, p.sentence()));
    }
    let unit = if h.unit == "%" { "%" } else { "" };
    let mut parts = Vec::new();
    let mut trials = 0;
    for (label, source) in h.items {
        let Some(s) = spread_of(*source, run, columns) else {
            continue;
        };
        trials = trials.max(s.n);
        let label = if label.is_empty() {
            String::new()
        } else {
            format!("{label} ")
        };
        parts.push(format!(
            "{label}{}{unit} ({}–{}{unit})",
            shown(s.p50, h.factor),
            shown(s.p05, h.factor),
            shown(s.p95, h.factor)
        ));
    }
    if parts.is_empty() {
        return None;
    }
    let in_unit = if h.unit.is_empty() || h.unit == "%" {
        String::new()
    } else {
        format!(", {}", h.unit)
    };
    Some(format!(
        "{}{in_unit}, median (90% interval) over trials: {}; {trials} trials.",
        h.subject,
        parts.join(", ")
    ))
}

/// The executive summary of a run: one sentence per catalog entry found in its results,
/// and a last one on how its quantiles were computed.
pub fn run_summary(run: &RunFolder) -> Result<Vec<String>, ReportError> {
    let wanted = headline_outcomes();
    let mut columns = match run.trials_path() {
        Some(path) => read_columns(&path, &wanted)?,
        None => BTreeMap::new(),
    };
    let mut out: Vec<String> = HEADLINES
        .iter()
        .filter_map(|h| sentence(h, run, &mut columns))
        .collect();
    out.push(quantile_note(run));
    Ok(out)
}

/// How the run's quantiles were computed, with the sketch's error bound where it applies.
pub fn quantile_note(run: &RunFolder) -> String {
    let m = &run.manifest;
    if m.quantile_method == "exact" {
        format!(
            "Intervals are exact order statistics of the {} trials (summary.csv likewise).",
            m.trials
        )
    } else {
        format!(
            "Per-month quantiles of summary.csv come from a bucketed sketch: each is within \
             {:.2}% (relative) of the exact order statistic.",
            100.0 * m.quantile_rel_error
        )
    }
}

/// The executive summary of a comparison: what the shock changed, one sentence per
/// headline outcome that differs, from the paired comparison of both trials files.
pub fn comparison_summary(
    cmp: &Comparison,
    rows: &[PairedOutcome],
) -> Result<Vec<String>, ReportError> {
    let mut out = vec![format!(
        "Base {} against shock {}, {} paired trials (trial i of both uses the same random \
         numbers).",
        cmp.base.manifest.scenario, cmp.shock.manifest.scenario, cmp.base.manifest.trials
    )];
    for name in headline_outcomes() {
        let Some(row) = rows.iter().find(|r| r.diff.outcome == name) else {
            continue;
        };
        out.push(change_sentence(row));
    }
    if out.len() == 1 {
        out.push("The shock changed none of the headline outcomes in any trial.".into());
    }
    Ok(out)
}

/// One outcome's change under the shock, in words.
pub fn change_sentence(row: &PairedOutcome) -> String {
    let d = &row.diff;
    let label = names::outcome(&d.outcome);
    let title = if outcomes::is_probability(&d.outcome) {
        "Probability of a Dy or Tb shortage by the end of 2035".to_string()
    } else {
        label.title.clone()
    };
    if let (Some((b, s)), Some((lo, hi))) = (d.prob, row.diff_prob) {
        return format!(
            "{title}: base {}, shock {}; difference {:+.1} points (95% interval {:+.1} to \
             {:+.1}).",
            b.sentence(),
            s.sentence(),
            100.0 * (s.p() - b.p()),
            100.0 * lo,
            100.0 * hi
        );
    }
    let f = label.factor;
    let unit = if label.unit == "%" {
        "%".to_string()
    } else {
        format!(" {}", label.unit)
    };
    format!(
        "{title}: median {}{unit} in the base, {}{unit} under the shock; paired difference {} \
         (90% interval {} to {}); higher under the shock in {:.0}% of {} trials.",
        shown(d.base_p50, f),
        shown(d.shock_p50, f),
        shown(d.diff.p50, f),
        shown(d.diff.p05, f),
        shown(d.diff.p95, f),
        100.0 * d.p_increase,
        d.n
    )
}

/// `text` wrapped at `width` columns, each line after the first indented by `indent`.
pub fn wrap(text: &str, width: usize, first: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = indent.to_string();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

/// The summary and caveats of a results or comparison folder for the terminal (what
/// `remsim show DIR` prints), wrapped at `width` columns.
pub fn terminal_summary(folder: &crate::Folder, width: usize) -> Result<String, ReportError> {
    let mut out = String::new();
    match folder {
        crate::Folder::Run(run) => {
            out.push_str(&format!(
                "{}: seed {}, {} trials\n\nSummary\n",
                run.manifest.scenario, run.manifest.seed, run.manifest.trials
            ));
            for s in run_summary(run)? {
                out.push_str(&wrap(&s, width, "- ", "  "));
            }
            out.push_str("\nCaveats\n");
            let caveats = crate::caveats::run_caveats(run)?;
            if caveats.is_empty() {
                out.push_str(
                    "- none: no price at its cap or floor, no balance residual, no gaps\n",
                );
            }
            for s in caveats {
                out.push_str(&wrap(&s, width, "- ", "  "));
            }
        }
        crate::Folder::Comparison(cmp) => {
            let rows = match (cmp.base.trials_path(), cmp.shock.trials_path()) {
                (Some(b), Some(s)) => outcomes::paired_outcomes(&b, &s)?,
                _ => Vec::new(),
            };
            out.push_str("Summary: what the shock changed\n");
            for s in comparison_summary(cmp, &rows)? {
                out.push_str(&wrap(&s, width, "- ", "  "));
            }
        }
    }
    out.push('\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_to_the_width() {
        let text = "one two three four five six seven eight nine ten eleven twelve";
        let wrapped = wrap(text, 20, "- ", "  ");
        assert!(
            wrapped.lines().all(|l| l.chars().count() <= 20),
            "{wrapped}"
        );
        assert_eq!(wrapped.split_whitespace().count(), 13);
    }

    #[test]
    fn the_catalog_names_existing_outcome_columns() {
        for c in headline_outcomes() {
            let label = names::outcome(c);
            assert!(
                label.title != c || outcomes::is_probability(c),
                "{c} has no label"
            );
        }
        assert!(headline_outcomes().len() >= 10);
    }
}
