//! Per-trial outcomes read as answers: exact quantiles and probabilities with Wilson
//! intervals of one batch's `trials.csv` columns, and the paired comparison of two batches
//! (base and shock, trial i against trial i) that `remsim compare` writes to
//! `diff_outcomes.csv` and prints, and the comparison report leads with.
//!
//! A *probability outcome* is a 0/1 column (`shortage_any.*`): its answer is a share of
//! trials with a 95% Wilson score interval, not a median. Quantiles use the rank rule of
//! `summary.csv`: the value of 0-based rank ⌊q·(n−1)⌋ of the sorted values.

use crate::error::ReportError;
use crate::names;
use remsim_io::TrialsReader;
use std::path::Path;

/// z for a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

/// Columns of `diff_outcomes.csv`, in order.
pub const DIFF_OUTCOMES_HEADER: [&str; 18] = [
    "outcome",
    "unit",
    "n",
    "base_p50",
    "shock_p50",
    "diff_p50",
    "diff_p05",
    "diff_p95",
    "p_increase",
    "base_prob",
    "base_prob_lo",
    "base_prob_hi",
    "shock_prob",
    "shock_prob_lo",
    "shock_prob_hi",
    "diff_prob",
    "diff_prob_lo",
    "diff_prob_hi",
];

/// Whether a `trials.csv` column holds 0/1 events whose mean is a probability.
pub fn is_probability(column: &str) -> bool {
    column.starts_with("shortage_any.")
}

/// The 95% Wilson score interval of `k` successes in `n` trials (`(0, 1)` when n = 0).
pub fn wilson(k: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z95 / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// A share of trials with its 95% Wilson interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Proportion {
    /// Trials with the event.
    pub k: u64,
    /// Trials.
    pub n: u64,
}

impl Proportion {
    /// The share k / n (NaN when n = 0).
    pub fn p(&self) -> f64 {
        self.k as f64 / self.n as f64
    }

    /// The 95% Wilson interval.
    pub fn interval(&self) -> (f64, f64) {
        wilson(self.k, self.n)
    }

    /// "32.0% (95% interval 25.9–38.7%; 64 of 200 trials)".
    pub fn sentence(&self) -> String {
        let (lo, hi) = self.interval();
        format!(
            "{:.1}% (95% interval {:.1}–{:.1}%, Wilson; {} of {} trials)",
            100.0 * self.p(),
            100.0 * lo,
            100.0 * hi,
            self.k,
            self.n
        )
    }
}

/// The median and 90% interval of some values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    /// Values (trials with a value).
    pub n: u64,
    /// p05.
    pub p05: f64,
    /// p50.
    pub p50: f64,
    /// p95.
    pub p95: f64,
}

/// Quantile `q` of ascending `sorted` values by `summary.csv`'s rank rule.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((q * (sorted.len() - 1) as f64).floor() as usize).min(sorted.len() - 1);
    sorted.get(rank).copied().unwrap_or(f64::NAN)
}

/// The spread of `values` (sorted here); `None` when empty.
pub fn spread(values: &mut [f64]) -> Option<Spread> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    Some(Spread {
        n: values.len() as u64,
        p05: quantile(values, 0.05),
        p50: quantile(values, 0.5),
        p95: quantile(values, 0.95),
    })
}

/// One outcome compared between base and shock, trial by trial.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeDiff {
    /// Column of `trials.csv`.
    pub outcome: String,
    /// Its stored unit.
    pub unit: String,
    /// Trials with a value in both scenarios.
    pub n: u64,
    /// Median in the base.
    pub base_p50: f64,
    /// Median in the shock.
    pub shock_p50: f64,
    /// Median, p05 and p95 of the paired difference shock − base.
    pub diff: Spread,
    /// Share of trials in which the shock's value is higher.
    pub p_increase: f64,
    /// For a probability outcome: the base's and the shock's shares.
    pub prob: Option<(Proportion, Proportion)>,
}

impl OutcomeDiff {
    /// The paired comparison of one column from its (base, shock) pairs; `None` when empty.
    pub fn of(outcome: &str, pairs: &[(f64, f64)]) -> Option<OutcomeDiff> {
        let mut diff: Vec<f64> = pairs.iter().map(|(b, s)| s - b).collect();
        let diff = spread(&mut diff)?;
        let mut base: Vec<f64> = pairs.iter().map(|p| p.0).collect();
        let mut shock: Vec<f64> = pairs.iter().map(|p| p.1).collect();
        let n = pairs.len() as u64;
        let up = pairs.iter().filter(|(b, s)| s > b).count() as f64;
        let prob = is_probability(outcome).then(|| {
            let count = |v: &[f64]| v.iter().filter(|x| **x > 0.5).count() as u64;
            (
                Proportion { k: count(&base), n },
                Proportion {
                    k: count(&shock),
                    n,
                },
            )
        });
        Some(OutcomeDiff {
            outcome: outcome.to_string(),
            unit: names::stored_outcome_unit(outcome),
            n,
            base_p50: spread(&mut base).map_or(f64::NAN, |s| s.p50),
            shock_p50: spread(&mut shock).map_or(f64::NAN, |s| s.p50),
            diff,
            p_increase: up / n as f64,
            prob,
        })
    }

    /// The 95% interval of the paired difference of shares shock − base (Wald, for paired
    /// proportions: variance `(b + c − (b − c)²/n) / n²` with `b`, `c` the discordant
    /// trials), for a probability outcome.
    pub fn diff_prob_interval(&self, pairs_up: u64, pairs_down: u64) -> (f64, f64) {
        let n = self.n as f64;
        let (b, c) = (pairs_up as f64, pairs_down as f64);
        let d = (b - c) / n;
        let sd = ((b + c - (b - c) * (b - c) / n).max(0.0)).sqrt() / n;
        ((d - Z95 * sd).max(-1.0), (d + Z95 * sd).min(1.0))
    }
}

/// A paired comparison with the discordant counts a probability interval needs.
#[derive(Debug, Clone, PartialEq)]
pub struct PairedOutcome {
    /// The comparison.
    pub diff: OutcomeDiff,
    /// For a probability outcome: the 95% interval of the difference of shares.
    pub diff_prob: Option<(f64, f64)>,
}

impl PairedOutcome {
    /// From one column's (base, shock) pairs.
    pub fn of(outcome: &str, pairs: &[(f64, f64)]) -> Option<PairedOutcome> {
        let diff = OutcomeDiff::of(outcome, pairs)?;
        let diff_prob = diff.prob.map(|_| {
            let up = pairs.iter().filter(|(b, s)| *s > 0.5 && *b <= 0.5).count() as u64;
            let down = pairs.iter().filter(|(b, s)| *b > 0.5 && *s <= 0.5).count() as u64;
            diff.diff_prob_interval(up, down)
        });
        Some(PairedOutcome { diff, diff_prob })
    }

    /// The fields of its `diff_outcomes.csv` row ([`DIFF_OUTCOMES_HEADER`]); probability
    /// fields are empty for other outcomes.
    pub fn fields(&self) -> Vec<String> {
        let d = &self.diff;
        let num = |x: f64| remsim_io::number(x);
        let mut row = vec![
            d.outcome.clone(),
            d.unit.clone(),
            d.n.to_string(),
            num(d.base_p50),
            num(d.shock_p50),
            num(d.diff.p50),
            num(d.diff.p05),
            num(d.diff.p95),
            num(d.p_increase),
        ];
        match (d.prob, self.diff_prob) {
            (Some((b, s)), Some((lo, hi))) => {
                let (blo, bhi) = b.interval();
                let (slo, shi) = s.interval();
                row.extend([b.p(), blo, bhi, s.p(), slo, shi, s.p() - b.p(), lo, hi].map(num));
            }
            _ => row.extend(std::iter::repeat_n(String::new(), 9)),
        }
        row
    }
}

/// Reads two `trials.csv` files of the same trials in step and compares every numeric
/// column whose paired difference is not zero in every trial, in file order.
pub fn paired_outcomes(base: &Path, shock: &Path) -> Result<Vec<PairedOutcome>, ReportError> {
    let (mut b, _) = TrialsReader::open(base)?;
    let (mut s, _) = TrialsReader::open(shock)?;
    if b.header() != s.header() {
        return Err(ReportError::Mismatch(format!(
            "{} and {} have different columns",
            base.display(),
            shock.display()
        )));
    }
    let header: Vec<String> = b.header().to_vec();
    let columns = header.len().saturating_sub(2);
    let mut pairs: Vec<Vec<(f64, f64)>> = vec![Vec::new(); columns];
    while let (Some((tb, rb)), Some((ts, rs))) = (b.next_row()?, s.next_row()?) {
        if tb != ts {
            return Err(ReportError::Mismatch(format!(
                "{} and {}: trial {tb} in the base where the shock has trial {ts}",
                base.display(),
                shock.display()
            )));
        }
        for (c, column) in pairs.iter_mut().enumerate() {
            if let (Some(x), Some(y)) = (number(rb.get(c + 2)), number(rs.get(c + 2))) {
                column.push((x, y));
            }
        }
    }
    Ok(header
        .iter()
        .skip(2)
        .zip(&pairs)
        .filter(|(_, p)| p.iter().any(|(x, y)| x != y))
        .filter_map(|(name, p)| PairedOutcome::of(name, p))
        .collect())
}

fn number(field: Option<&[u8]>) -> Option<f64> {
    std::str::from_utf8(field?).ok()?.parse::<f64>().ok()
}

/// The terminal table of paired outcomes: at most `width` columns (≥ 80), the outcomes in
/// `wanted` order that are present, abbreviated names explained in a legend below.
pub fn diff_table(rows: &[PairedOutcome], wanted: &[&str], width: usize) -> String {
    use std::fmt::Write as _;
    let name_width = width.saturating_sub(70).clamp(10, 40);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<name_width$} {:>9} {:>9} {:>9} {:>20} {:>6} unit",
        "outcome", "base p50", "shock p50", "diff p50", "diff 90% interval", "P(up)"
    );
    let mut legend = Vec::new();
    for name in wanted {
        let Some(row) = rows.iter().find(|r| r.diff.outcome == *name) else {
            continue;
        };
        let d = &row.diff;
        let short = abbreviate(name, name_width);
        if short != *name {
            legend.push(format!("{short} = {name}"));
        }
        let unit: String = d.unit.chars().take(9).collect();
        match (d.prob, row.diff_prob) {
            (Some((b, s)), Some((lo, hi))) => {
                let _ = writeln!(
                    out,
                    "{short:<name_width$} {:>8.1}% {:>8.1}% {:>+8.1}% {:>20} {:>6.2} prob.",
                    100.0 * b.p(),
                    100.0 * s.p(),
                    100.0 * (s.p() - b.p()),
                    format!("[{:+.1}%, {:+.1}%]", 100.0 * lo, 100.0 * hi),
                    d.p_increase,
                );
            }
            _ => {
                let _ = writeln!(
                    out,
                    "{short:<name_width$} {:>9} {:>9} {:>9} {:>20} {:>6.2} {unit}",
                    compact(d.base_p50),
                    compact(d.shock_p50),
                    compact(d.diff.p50),
                    format!("[{}, {}]", compact(d.diff.p05), compact(d.diff.p95)),
                    d.p_increase,
                );
            }
        }
    }
    let _ = writeln!(
        out,
        "P(up): share of trials in which the shock's value is higher. A probability\n\
         outcome (prob.) shows the shares of trials and their difference, with a 95% interval."
    );
    for line in legend {
        let _ = writeln!(out, "  {line}");
    }
    out
}

/// A name cut to `width` characters, keeping its end (the year or region).
pub fn abbreviate(name: &str, width: usize) -> String {
    let n = name.chars().count();
    if n <= width {
        return name.to_string();
    }
    let keep = width.saturating_sub(1);
    let head = keep / 2;
    let tail = keep - head;
    let start: String = name.chars().take(head).collect();
    let end: String = name.chars().skip(n - tail).collect();
    format!("{start}~{end}")
}

/// A number in at most 9 characters: 4 significant digits, or scientific when large.
pub fn compact(x: f64) -> String {
    if !x.is_finite() {
        return "-".to_string();
    }
    let a = x.abs();
    if a == 0.0 {
        "0".to_string()
    } else if !(1e-3..1e6).contains(&a) {
        format!("{x:.2e}")
    } else {
        let decimals = (3 - a.log10().floor() as i32).clamp(0, 4) as usize;
        format!("{x:.decimals$}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_a_textbook_case() {
        // 64 of 200: p = 0.32, Wilson 95% ≈ [0.2592, 0.3877].
        let (lo, hi) = wilson(64, 200);
        assert!(
            (lo - 0.2592).abs() < 5e-4 && (hi - 0.3877).abs() < 5e-4,
            "{lo} {hi}"
        );
        assert_eq!(wilson(0, 10).0, 0.0);
        assert!(wilson(0, 10).1 > 0.2);
    }

    #[test]
    fn paired_probability_and_spread() {
        let pairs = [(0.0, 1.0), (0.0, 1.0), (1.0, 1.0), (0.0, 0.0), (1.0, 0.0)];
        let row = PairedOutcome::of("shortage_any.dy_tb.by_2035", &pairs).unwrap();
        let (b, s) = row.diff.prob.unwrap();
        assert_eq!((b.k, s.k, b.n), (2, 3, 5));
        assert!((row.diff.p_increase - 0.4).abs() < 1e-12);
        let (lo, hi) = row.diff_prob.unwrap();
        assert!(lo < 0.2 && hi > 0.2);
        let fields = row.fields();
        assert_eq!(fields.len(), DIFF_OUTCOMES_HEADER.len());
        let plain = PairedOutcome::of("x", &[(1.0, 2.0), (1.0, 4.0), (2.0, 1.0)]).unwrap();
        assert_eq!(plain.diff.diff.p50, 1.0);
        assert_eq!(plain.fields()[9], "");
    }

    #[test]
    fn the_table_fits_100_columns() {
        let rows = vec![
            PairedOutcome::of("price_mean.ndpr.row.2035", &[(100.0, 123_456.0)]).unwrap(),
            PairedOutcome::of("shortage_any.dy_tb.by_2035", &[(0.0, 1.0)]).unwrap(),
        ];
        let wanted = ["price_mean.ndpr.row.2035", "shortage_any.dy_tb.by_2035"];
        let table = diff_table(&rows, &wanted, 100);
        for line in table.lines() {
            assert!(line.chars().count() <= 100, "{line}");
        }
        assert!(table.contains("shortage_any.dy_tb.by_2035"), "{table}");
        assert_eq!(abbreviate("abcdefghij", 5), "ab~ij");
    }
}
