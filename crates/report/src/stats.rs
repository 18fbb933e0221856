//! Numbers the charts need beyond the quantiles of `summary.csv`: the probability of a
//! shortage per element per year ([`shortage_grid`], from exact sign counts) and histograms
//! of per-trial outcomes ([`histograms`], streamed from `trials.csv` in two passes, so memory
//! does not grow with the number of trials).

use crate::axis::{LogPolicy, Scale, ValueAxis, choose_scale};
use crate::error::ReportError;
use remsim_core::{Element, Month};
use remsim_io::{SignCounts, TrialColumns};
use std::path::Path;

/// Share of trials with a shortage, per element and calendar year.
#[derive(Debug, Clone, PartialEq)]
pub struct ShortageGrid {
    /// Element symbols, in element order.
    pub elements: Vec<String>,
    /// Calendar years, consecutive.
    pub years: Vec<i32>,
    /// `probability[element][year]`: the mean over the year's months of the share of
    /// trials whose `shortage.<el>_t` is above zero in that month.
    pub probability: Vec<Vec<Option<f64>>>,
}

/// The definition of [`ShortageGrid::probability`], for captions.
pub const SHORTAGE_DEFINITION: &str = "For each element and year: the share of trials with unmet demand \
(shortage.<el>_t > 0) in a month, averaged over the months of that year — the chance that a given \
month of that year is short. Counted exactly from aggregates.bin (how many trials were above zero \
in each month), not estimated from quantiles.";

/// The shortage grid of a batch, for every element with a `shortage.<el>_t` metric (Pm,
/// which has no supply and no demand, is left out when it has no metric).
pub fn shortage_grid(signs: &SignCounts) -> Option<ShortageGrid> {
    let start = Month::parse(&signs.start).ok()?;
    if signs.n_ticks == 0 {
        return None;
    }
    let first_year = start.year();
    let last_year = start.add_months(signs.n_ticks as i32 - 1).year();
    let years: Vec<i32> = (first_year..=last_year).collect();
    let mut elements = Vec::new();
    let mut probability = Vec::new();
    for element in Element::ALL {
        let metric = format!("shortage.{}_t", element.key());
        if !signs.metric_names.contains(&metric) {
            continue;
        }
        let mut sums = vec![(0.0, 0u32); years.len()];
        for tick in 0..signs.n_ticks {
            let Some(cell) = signs.get(&metric, tick) else {
                continue;
            };
            if cell.count == 0 {
                continue;
            }
            let year = start.add_months(tick as i32).year();
            if let Some(slot) = sums.get_mut((year - first_year) as usize) {
                slot.0 += cell.positive as f64 / cell.count as f64;
                slot.1 += 1;
            }
        }
        elements.push(element.symbol().to_string());
        probability.push(
            sums.into_iter()
                .map(|(sum, n)| (n > 0).then(|| sum / f64::from(n)))
                .collect(),
        );
    }
    Some(ShortageGrid {
        elements,
        years,
        probability,
    })
}

/// Fine bins per histogram for the median (the shown bars merge them).
const FINE_BINS: usize = 3000;
/// Bars per histogram of a continuous column.
pub const BARS: usize = 30;

/// How one outcome column is to be binned.
#[derive(Debug, Clone, PartialEq)]
pub struct HistogramRequest<'a> {
    /// Column name in `trials.csv`.
    pub column: &'a str,
    /// Factor from stored to displayed values.
    pub factor: f64,
    /// Whether the column may be drawn on a log axis.
    pub allow_log: bool,
}

/// A column's histogram, in display units.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    /// The column.
    pub column: String,
    /// The x axis (log when the values span orders of magnitude).
    pub axis: ValueAxis,
    /// Bars: lower edge, upper edge, share of the trials with a value, in percent.
    pub bars: Vec<(f64, f64, f64)>,
    /// Trials with a value.
    pub n: u64,
    /// Trials with an empty field (undefined for that trial).
    pub missing: u64,
    /// Median (exact for whole-number columns; within 1/3000 of the range otherwise).
    pub median: Option<f64>,
    /// 5th and 95th percentiles, located the same way.
    pub p05_p95: Option<(f64, f64)>,
    /// Trials whose value is above zero.
    pub positive: u64,
}

#[derive(Debug, Clone, Copy)]
struct Pass1 {
    n: u64,
    missing: u64,
    min: f64,
    max: f64,
    min_positive: f64,
    positive: u64,
    integral: bool,
}

/// Bins of one column: edges in coordinates (log10 for a log axis).
#[derive(Debug, Clone)]
struct Binning {
    axis: ValueAxis,
    lo: f64,
    width: f64,
    counts: Vec<u64>,
    /// Smallest and largest value seen in each fine bin.
    extremes: Vec<(f64, f64)>,
    /// Fine bins per shown bar.
    per_bar: usize,
}

impl Binning {
    fn new(p: &Pass1, allow_log: bool, policy: LogPolicy) -> Binning {
        let scale = if allow_log {
            choose_scale(p.min_positive.min(p.max), p.max, policy)
        } else {
            Scale::Linear
        };
        let scale = if scale == Scale::Log && p.min <= 0.0 {
            Scale::Linear
        } else {
            scale
        };
        let span = p.max - p.min;
        if p.integral && scale == Scale::Linear && span > 0.0 && span <= FINE_BINS as f64 {
            // Whole numbers: unit-wide fine bins centred on them; bars of whole units.
            let bins = span as usize + 1;
            let per_bar = bins.div_ceil(BARS).max(1);
            let shown = bins.div_ceil(per_bar) * per_bar;
            let lo = p.min - 0.5;
            return Binning {
                axis: ValueAxis::fit(lo, lo + shown as f64, Scale::Linear),
                lo,
                width: 1.0,
                counts: vec![0; shown],
                extremes: vec![(f64::INFINITY, f64::NEG_INFINITY); shown],
                per_bar,
            };
        }
        let (lo, hi) = match scale {
            Scale::Log => (p.min.log10(), p.max.log10()),
            Scale::Linear => (p.min, p.max),
        };
        let (lo, hi) = if hi > lo {
            (lo, hi)
        } else {
            // Every trial has the same value: one narrow bar centred on it, in a window of
            // ±5% (±0.5 around zero), so it reads as a spike, not as a wall.
            let w = if lo == 0.0 { 0.5 } else { lo.abs() * 0.05 };
            (lo - w * 31.0 / 30.0, hi + w * 29.0 / 30.0)
        };
        let axis = match scale {
            Scale::Log => ValueAxis::fit(10f64.powf(lo), 10f64.powf(hi), Scale::Log),
            Scale::Linear => ValueAxis::fit(lo, hi, Scale::Linear),
        };
        Binning {
            axis,
            lo,
            width: (hi - lo) / FINE_BINS as f64,
            counts: vec![0; FINE_BINS],
            extremes: vec![(f64::INFINITY, f64::NEG_INFINITY); FINE_BINS],
            per_bar: FINE_BINS / BARS,
        }
    }

    fn coord(&self, v: f64) -> f64 {
        match self.axis.scale {
            Scale::Log => v.log10(),
            Scale::Linear => v,
        }
    }

    fn value(&self, c: f64) -> f64 {
        match self.axis.scale {
            Scale::Log => 10f64.powf(c),
            Scale::Linear => c,
        }
    }

    fn add(&mut self, v: f64) {
        let i = ((self.coord(v) - self.lo) / self.width).floor();
        let last = self.counts.len().saturating_sub(1);
        let i = if i.is_finite() && i > 0.0 {
            (i as usize).min(last)
        } else {
            0
        };
        if let Some(c) = self.counts.get_mut(i) {
            *c += 1;
        }
        if let Some(e) = self.extremes.get_mut(i) {
            *e = (e.0.min(v), e.1.max(v));
        }
    }

    fn finish(self, column: &str, p: &Pass1, integral_median: bool) -> Histogram {
        let n: u64 = self.counts.iter().sum();
        let bars = self
            .counts
            .chunks(self.per_bar)
            .enumerate()
            .map(|(b, chunk)| {
                let c0 = self.lo + (b * self.per_bar) as f64 * self.width;
                let c1 = c0 + chunk.len() as f64 * self.width;
                let count: u64 = chunk.iter().sum();
                (
                    self.value(c0),
                    self.value(c1),
                    if n > 0 {
                        100.0 * count as f64 / n as f64
                    } else {
                        0.0
                    },
                )
            })
            .collect();
        // A quantile: the value of rank ⌊q(n−1)⌋ (as remsim's sketches define it), located
        // in its fine bin.
        let quantile = |q: f64| -> Option<f64> {
            if n == 0 {
                return None;
            }
            let rank = (q * (n - 1) as f64).floor() as u64;
            let mut seen = 0;
            let mut at = 0;
            for (i, c) in self.counts.iter().enumerate() {
                if seen + c > rank {
                    at = i;
                    break;
                }
                seen += c;
            }
            let v = self.value(self.lo + (at as f64 + 0.5) * self.width);
            let (low, high) = self.extremes.get(at).copied().unwrap_or((p.min, p.max));
            // Within the bin's own extremes: exact when all its values are equal (e.g. a
            // price at its cap in most trials).
            Some(if integral_median {
                v.round()
            } else {
                v.clamp(low, high)
            })
        };
        let median = quantile(0.5);
        let p05_p95 = quantile(0.05).zip(quantile(0.95));
        Histogram {
            column: column.to_string(),
            axis: self.axis,
            bars,
            n,
            missing: p.missing,
            median,
            p05_p95,
            positive: p.positive,
        }
    }
}

/// Histograms of the requested columns of a `trials.csv` (columns it lacks, and columns
/// with no value in any trial, are left out). Two passes over the file: ranges, then counts.
pub fn histograms(
    path: &Path,
    requests: &[HistogramRequest<'_>],
    policy: LogPolicy,
) -> Result<Vec<Histogram>, ReportError> {
    let wanted: Vec<&str> = requests.iter().map(|r| r.column).collect();
    let mut reader = TrialColumns::open(path, &wanted)?;
    let found: Vec<HistogramRequest<'_>> = reader
        .names()
        .iter()
        .filter_map(|name| requests.iter().find(|r| r.column == name).cloned())
        .collect();
    let mut pass1 = vec![
        Pass1 {
            n: 0,
            missing: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            min_positive: f64::INFINITY,
            positive: 0,
            integral: true,
        };
        found.len()
    ];
    while let Some(row) = reader.next_row()? {
        for ((p, v), r) in pass1.iter_mut().zip(row).zip(&found) {
            match v.map(|v| v * r.factor).filter(|v| v.is_finite()) {
                Some(v) => {
                    p.n += 1;
                    p.min = p.min.min(v);
                    p.max = p.max.max(v);
                    if v > 0.0 {
                        p.min_positive = p.min_positive.min(v);
                        p.positive += 1;
                    }
                    p.integral &= v.fract() == 0.0;
                }
                None => p.missing += 1,
            }
        }
    }
    let mut binnings: Vec<Option<Binning>> = pass1
        .iter()
        .zip(&found)
        .map(|(p, r)| (p.n > 0).then(|| Binning::new(p, r.allow_log, policy)))
        .collect();
    let mut reader = TrialColumns::open(path, &wanted)?;
    while let Some(row) = reader.next_row()? {
        for ((b, v), r) in binnings.iter_mut().zip(row).zip(&found) {
            if let (Some(b), Some(v)) = (b, v.map(|v| v * r.factor).filter(|v| v.is_finite())) {
                b.add(v);
            }
        }
    }
    Ok(binnings
        .into_iter()
        .zip(&pass1)
        .zip(&found)
        .filter_map(|((b, p), r)| {
            let integral = p.integral && b.as_ref()?.width == 1.0;
            Some(b?.finish(r.column, p, integral))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use remsim_io::{Field, TrialsWriter};

    fn write_trials(name: &str, columns: &[&str], rows: &[Vec<Field<'_>>]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("remsim-report-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("trials.csv");
        let cols: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
        let mut w = TrialsWriter::create(&path, &cols).unwrap();
        for (i, row) in rows.iter().enumerate() {
            w.write(i as u64, 1, row).unwrap();
        }
        w.sync().unwrap();
        path
    }

    #[test]
    fn whole_numbers_get_exact_medians_and_unit_bars() {
        let rows: Vec<Vec<Field<'_>>> = [0.0, 0.0, 3.0, 5.0, 5.0, 5.0, 12.0]
            .iter()
            .map(|v| vec![Field::Number(*v), Field::Empty])
            .collect();
        let path = write_trials("hist-int", &["months", "blank"], &rows);
        let req = [
            HistogramRequest {
                column: "months",
                factor: 1.0,
                allow_log: false,
            },
            HistogramRequest {
                column: "blank",
                factor: 1.0,
                allow_log: false,
            },
            HistogramRequest {
                column: "absent",
                factor: 1.0,
                allow_log: false,
            },
        ];
        let h = histograms(&path, &req, LogPolicy::Auto).unwrap();
        assert_eq!(h.len(), 1, "empty and absent columns are left out");
        let h = &h[0];
        assert_eq!((h.n, h.missing, h.median), (7, 0, Some(5.0)));
        assert_eq!(h.bars.len(), 13);
        assert_eq!(h.bars[0], (-0.5, 0.5, 100.0 * 2.0 / 7.0));
        let total: f64 = h.bars.iter().map(|b| b.2).sum();
        assert!((total - 100.0).abs() < 1e-9);
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    /// The histogram of one number column holding `values`, under `policy`.
    fn histogram_of(request: HistogramRequest<'_>, values: &[f64], policy: LogPolicy) -> Histogram {
        let rows: Vec<Vec<Field<'_>>> = values.iter().map(|&v| vec![Field::Number(v)]).collect();
        let name = format!("hist-{}", request.column);
        let path = write_trials(&name, &[request.column], &rows);
        let h = histograms(&path, &[request], policy).unwrap().remove(0);
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
        h
    }

    #[test]
    fn prices_spanning_decades_get_log_bins() {
        let values: Vec<f64> = (0..1000)
            .map(|i| 10f64.powf(1.0 + 3.0 * i as f64 / 999.0))
            .collect();
        let req = HistogramRequest {
            column: "peak",
            factor: 1.0,
            allow_log: true,
        };
        let h = &histogram_of(req.clone(), &values, LogPolicy::Auto);
        assert_eq!(h.axis.scale, Scale::Log);
        assert_eq!(h.bars.len(), BARS);
        // Equal widths in log space: every bar holds about the same share.
        for bar in &h.bars {
            assert!((bar.2 - 100.0 / BARS as f64).abs() < 0.5, "{bar:?}");
        }
        let median = h.median.unwrap();
        assert!((median / 10f64.powf(2.5) - 1.0).abs() < 0.01, "{median}");
        let lin = histogram_of(req, &values, LogPolicy::Never);
        assert_eq!(lin.axis.scale, Scale::Linear);
    }

    #[test]
    fn a_constant_column_still_has_a_bar() {
        let req = HistogramRequest {
            column: "share",
            factor: 100.0,
            allow_log: false,
        };
        let h = &histogram_of(req, &[0.25; 5], LogPolicy::Auto);
        assert_eq!(h.median, Some(25.0));
        assert!(
            h.bars
                .iter()
                .any(|b| b.2 == 100.0 && b.0 <= 25.0 && b.1 >= 25.0)
        );
    }

    #[test]
    fn shortage_probability_averages_the_months_of_a_year() {
        use remsim_io::{AggregatesHeader, CellRecord, ContainerWriter, FileKind};
        let dir = std::env::temp_dir().join(format!("remsim-report-grid-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("aggregates.bin");
        let mut w = ContainerWriter::create(&path, FileKind::Aggregates, &"0".repeat(64)).unwrap();
        let metrics = ["price.dy.cn", "shortage.dy_t", "shortage.tb_t"];
        w.item(&AggregatesHeader {
            start: "2025-11".into(),
            n_ticks: 3,
            metric_names: metrics.iter().map(|m| m.to_string()).collect(),
            outcome_names: vec![],
            trials: 4,
            cells: 9,
            outcomes: 0,
        })
        .unwrap();
        let cell = |positive: u32| CellRecord {
            count: 4,
            excluded: 0,
            sum: [0; 5],
            sum_sq: [0; 5],
            min: 0.0,
            max: 0.0,
            zeros: 4 - u64::from(positive),
            positive_first: 0,
            positive: vec![positive],
            negative_first: 0,
            negative: vec![],
        };
        // Ticks 2025-11, 2025-12, 2026-01; per tick: price, Dy, Tb.
        for (dy, tb) in [(1, 0), (3, 0), (4, 2)] {
            for c in [cell(4), cell(dy), cell(tb)] {
                w.item(&c).unwrap();
            }
        }
        w.finish().unwrap();
        let signs = SignCounts::read(&path).unwrap();
        let grid = shortage_grid(&signs).unwrap();
        assert_eq!(grid.years, [2025, 2026]);
        assert_eq!(
            grid.elements,
            ["Tb", "Dy"],
            "element order, shortage metrics only"
        );
        assert_eq!(grid.probability[1], [Some(0.5), Some(1.0)]);
        assert_eq!(grid.probability[0], [Some(0.0), Some(0.5)]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
