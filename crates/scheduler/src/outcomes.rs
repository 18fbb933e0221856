//! Per-trial scalar outcomes: the columns of `trials.csv`, computed from a [`Trajectory`] by
//! metric name.
//!
//! [`OutcomeSpec`] is built once per batch from the metric names and the calendar, and
//! [`OutcomeSpec::compute`] turns a trajectory into one row. A value that cannot exist — a
//! year outside the horizon, a metric the model does not write — is
//! [`OutcomeValue::Missing`] (an empty field), never a made-up number. Sums over ticks run
//! in tick order inside one trial, so a row depends only on the trajectory.
//!
//! Annual figures ("in 2030") are the mean over the months of that year inside the horizon.
//!
//! Every metric read and every column written is named through the metric catalog
//! (`remsim_core::catalog`); a test checks that the columns are exactly the catalog's
//! per-trial outcomes.

use remsim_core::catalog::{self as cat, Entry};
use remsim_core::{Month, Trajectory};

/// Elements whose peak prices are reported (`{mel}` of the catalog).
pub const PEAK_ELEMENTS: [&str; 4] = ["nd", "pr", "dy", "tb"];
/// Regions, as in metric names.
pub const REGIONS: [&str; 2] = ["cn", "row"];
/// Years whose shares and prices are reported.
pub const YEARS: [i32; 2] = cat::YEARS;

/// Column of the annual mean price of `what` (`ndpr` or `dy`) in `region` and `year`.
pub fn price_mean_column(what: &str, region: &str, year: i32) -> String {
    let entry = if what == "ndpr" {
        &cat::PRICE_MEAN_NDPR
    } else {
        &cat::PRICE_MEAN_DY
    };
    entry.name(&[region, &year.to_string()])
}

/// Column of the 0/1 flag "any Dy or Tb shortage up to the end of 2035".
pub const DY_TB_SHORTAGE_BY_2035: &str = cat::DY_TB_SHORTAGE_BY_2035.key;

/// One value of a row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OutcomeValue {
    /// A number.
    Number(f64),
    /// A month (e.g. of a peak).
    Month(Month),
    /// Not defined for this trial or horizon: written as an empty field.
    Missing,
}

impl OutcomeValue {
    /// The number, if this is one.
    pub fn number(self) -> Option<f64> {
        match self {
            OutcomeValue::Number(x) => Some(x),
            _ => None,
        }
    }
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeKind {
    /// Numbers; folded into per-batch statistics.
    Number,
    /// Months, written `YYYY-MM`.
    Month,
}

#[derive(Debug, Clone, PartialEq)]
enum Rule {
    /// The metric is not written by the model.
    Absent,
    PeakValue(usize),
    PeakMonth(usize),
    MonthsPositive(usize),
    Cumulative(usize),
    Max(usize),
    /// Mean over the ticks in `ticks` of the mean of `metrics` at each tick.
    Mean {
        metrics: Vec<usize>,
        ticks: Vec<usize>,
    },
    /// 1 if any metric is > 0 at any tick in `ticks`, else 0; missing when `ticks` is empty.
    AnyPositive {
        metrics: Vec<usize>,
        ticks: Vec<usize>,
    },
    /// Months in which a price metric stood at its cap (`cap`) or floor, by the trajectory's
    /// price bounds; missing when the trajectory carries none for it.
    AtBound {
        metric: usize,
        cap: bool,
    },
}

/// Relative tolerance of "at the bound": a price within a billionth of it.
const AT_BOUND_TOLERANCE: f64 = 1e-9;

/// One column of `trials.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeColumn {
    /// Column name.
    pub name: String,
    /// What it holds.
    pub kind: OutcomeKind,
    rule: Rule,
}

/// The outcome columns of a batch; see the module docs.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeSpec {
    columns: Vec<OutcomeColumn>,
}

impl OutcomeSpec {
    /// The columns for trajectories with these metrics, starting at `start`, `n_ticks` long.
    pub fn new(metric_names: &[String], start: Month, n_ticks: usize) -> OutcomeSpec {
        let mut b = Builder {
            metric_names,
            start,
            n_ticks,
            columns: Vec::new(),
        };
        b.peaks_and_shortages();
        b.shares();
        b.sums_and_prices();
        b.flags();
        OutcomeSpec { columns: b.columns }
    }

    /// The columns, in `trials.csv` order (after `trial` and `seed`).
    pub fn columns(&self) -> &[OutcomeColumn] {
        &self.columns
    }

    /// Index of a column by name.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// One row of outcomes for a trajectory of the shape this spec was built for.
    pub fn compute(&self, trajectory: &Trajectory) -> Vec<OutcomeValue> {
        let n_ticks = trajectory.n_ticks;
        let value = |tick: usize, metric: usize| trajectory.tick(tick).get(metric).copied();
        let series = |metric: usize| (0..n_ticks).filter_map(move |t| value(t, metric));
        self.columns
            .iter()
            .map(|column| match &column.rule {
                Rule::Absent => OutcomeValue::Missing,
                Rule::PeakValue(m) => {
                    peak(series(*m)).map_or(OutcomeValue::Missing, |(_, v)| OutcomeValue::Number(v))
                }
                Rule::PeakMonth(m) => peak(series(*m)).map_or(OutcomeValue::Missing, |(t, _)| {
                    OutcomeValue::Month(trajectory.month(t))
                }),
                Rule::MonthsPositive(m) => {
                    OutcomeValue::Number(series(*m).filter(|v| *v > 0.0).count() as f64)
                }
                Rule::Cumulative(m) => OutcomeValue::Number(series(*m).fold(0.0, |s, v| s + v)),
                Rule::Max(m) => {
                    peak(series(*m)).map_or(OutcomeValue::Missing, |(_, v)| OutcomeValue::Number(v))
                }
                Rule::Mean { metrics, ticks } => {
                    let per_tick = ticks.iter().filter(|&&t| t < n_ticks).map(|&t| {
                        let total = metrics
                            .iter()
                            .fold(0.0, |s, &m| s + value(t, m).unwrap_or(f64::NAN));
                        total / metrics.len() as f64
                    });
                    let (sum, count) = per_tick.fold((0.0, 0usize), |(s, c), v| (s + v, c + 1));
                    if count == 0 {
                        OutcomeValue::Missing
                    } else {
                        OutcomeValue::Number(sum / count as f64)
                    }
                }
                Rule::AtBound { metric, cap } => {
                    at_bound_months(trajectory, *metric, *cap, series(*metric))
                }
                Rule::AnyPositive { metrics, ticks } => {
                    if ticks.is_empty() {
                        OutcomeValue::Missing
                    } else {
                        let any = ticks.iter().any(|&t| {
                            metrics
                                .iter()
                                .any(|&m| value(t, m).is_some_and(|v| v > 0.0))
                        });
                        OutcomeValue::Number(if any { 1.0 } else { 0.0 })
                    }
                }
            })
            .collect()
    }
}

/// Collects the columns of [`OutcomeSpec::new`], group by group, in `trials.csv` order.
struct Builder<'a> {
    metric_names: &'a [String],
    start: Month,
    n_ticks: usize,
    columns: Vec<OutcomeColumn>,
}

impl Builder<'_> {
    /// The index of a catalog metric, if the model writes it.
    fn find(&self, entry: &Entry, values: &[&str]) -> Option<usize> {
        let name = entry.name(values);
        self.metric_names.iter().position(|m| *m == name)
    }

    fn push(&mut self, name: String, kind: OutcomeKind, rule: Rule) {
        self.columns.push(OutcomeColumn { name, kind, rule });
    }

    /// The ticks whose year passes `keep`.
    fn ticks(&self, keep: impl Fn(i32) -> bool) -> Vec<usize> {
        (0..self.n_ticks)
            .filter(|&t| keep(self.start.add_months(t as i32).year()))
            .collect()
    }

    /// The annual mean of the mean of `metrics` in `year`; absent unless all are written.
    fn annual(&self, metrics: Vec<Option<usize>>, year: i32) -> Rule {
        match metrics.into_iter().collect::<Option<Vec<usize>>>() {
            Some(metrics) => Rule::Mean {
                metrics,
                ticks: self.ticks(|y| y == year),
            },
            None => Rule::Absent,
        }
    }

    /// A number column of one metric, by `make`, or absent.
    fn number(&mut self, name: String, metric: Option<usize>, make: fn(usize) -> Rule) {
        self.push(name, OutcomeKind::Number, metric.map_or(Rule::Absent, make));
    }

    fn peaks_and_shortages(&mut self) {
        for el in PEAK_ELEMENTS {
            for region in REGIONS {
                let metric = self.find(&cat::PRICE, &[el, region]);
                self.number(cat::PEAK_PRICE.name(&[el, region]), metric, Rule::PeakValue);
                let rule = metric.map_or(Rule::Absent, Rule::PeakMonth);
                self.push(
                    cat::PEAK_MONTH.name(&[el, region]),
                    OutcomeKind::Month,
                    rule,
                );
            }
        }
        self.bounds();
        for (i, name) in self.metric_names.iter().enumerate() {
            let Some(el) = shortage_element(name) else {
                continue;
            };
            let months = cat::SHORTAGE_MONTHS.name(&[el]);
            self.columns.push(OutcomeColumn {
                name: months,
                kind: OutcomeKind::Number,
                rule: Rule::MonthsPositive(i),
            });
            self.columns.push(OutcomeColumn {
                name: cat::SHORTAGE_CUM.name(&[el]),
                kind: OutcomeKind::Number,
                rule: Rule::Cumulative(i),
            });
        }
    }

    /// `cap_months` and `floor_months` of every element's price in both regions.
    fn bounds(&mut self) {
        for (entry, cap) in [(&cat::CAP_MONTHS, true), (&cat::FLOOR_MONTHS, false)] {
            for e in remsim_core::Element::ALL {
                for region in REGIONS {
                    let el = e.key();
                    let Some(metric) = self.find(&cat::PRICE, &[&el, region]) else {
                        continue;
                    };
                    self.push(
                        entry.name(&[&el, region]),
                        OutcomeKind::Number,
                        Rule::AtBound { metric, cap },
                    );
                }
            }
        }
    }

    fn shares(&mut self) {
        let stages = [
            &cat::MINE_CN_SHARE,
            &cat::SEPARATION_CN_SHARE,
            &cat::MAGNET_CN_SHARE,
            &cat::DEEP_PROCESSING_CN_SHARE,
        ];
        for ((stage, _), metric) in cat::STAGES.iter().zip(stages) {
            for year in YEARS {
                let rule = self.annual(vec![self.find(metric, &[])], year);
                let name = cat::CN_SHARE_IN_YEAR.name(&[stage, &year.to_string()]);
                self.push(name, OutcomeKind::Number, rule);
            }
        }
        for year in YEARS {
            let rule = self.annual(vec![self.find(&cat::ROW_SUPPLY_SHARE, &[])], year);
            let name = cat::ROW_SUPPLY_SHARE_IN_YEAR.name(&[&year.to_string()]);
            self.push(name, OutcomeKind::Number, rule);
        }
    }

    fn sums_and_prices(&mut self) {
        for region in REGIONS {
            let metric = self.find(&cat::PROFIT, &[region]);
            self.number(cat::PROFIT_CUM.name(&[region]), metric, Rule::Cumulative);
        }
        let rule = self.annual(vec![self.find(&cat::EV_REE_FREE_SHARE, &[])], 2035);
        self.push(
            cat::EV_REE_FREE_SHARE_2035.name(&[]),
            OutcomeKind::Number,
            rule,
        );
        let metric = self.find(&cat::WASTEWATER_CN, &[]);
        self.number(cat::WASTEWATER_CUM_CN.name(&[]), metric, Rule::Cumulative);
        for region in REGIONS {
            let metric = self.find(&cat::RADIOACTIVE_RESIDUE, &[region]);
            let name = cat::RADIOACTIVE_RESIDUE_CUM.name(&[region]);
            self.number(name, metric, Rule::Cumulative);
        }
        for year in YEARS {
            for region in REGIONS {
                // The traded NdPr oxide (composition-weighted, `price.ndpr.*`); the plain
                // mean of Nd and Pr where a trajectory lacks that metric.
                let metrics = match self.find(&cat::PRICE_NDPR, &[region]) {
                    Some(ndpr) => vec![Some(ndpr)],
                    None => vec![
                        self.find(&cat::PRICE, &["nd", region]),
                        self.find(&cat::PRICE, &["pr", region]),
                    ],
                };
                let rule = self.annual(metrics, year);
                self.push(
                    price_mean_column("ndpr", region, year),
                    OutcomeKind::Number,
                    rule,
                );
            }
            for region in REGIONS {
                let rule = self.annual(vec![self.find(&cat::PRICE, &["dy", region])], year);
                self.push(
                    price_mean_column("dy", region, year),
                    OutcomeKind::Number,
                    rule,
                );
            }
        }
    }

    fn flags(&mut self) {
        let dy_tb: Option<Vec<usize>> = [
            self.find(&cat::SHORTAGE, &["dy"]),
            self.find(&cat::SHORTAGE, &["tb"]),
        ]
        .into_iter()
        .collect();
        let rule = match dy_tb {
            Some(metrics) => Rule::AnyPositive {
                metrics,
                ticks: self.ticks(|y| y <= 2035),
            },
            None => Rule::Absent,
        };
        self.push(
            DY_TB_SHORTAGE_BY_2035.to_string(),
            OutcomeKind::Number,
            rule,
        );
        let metric = self.find(&cat::BALANCE, &[]);
        self.number(cat::BALANCE_WORST.name(&[]), metric, Rule::Max);
    }
}

/// The element key of a `shortage.{el}_t` metric name.
fn shortage_element(name: &str) -> Option<&str> {
    let (prefix, suffix) = cat::SHORTAGE.key.split_once("{el}")?;
    name.strip_prefix(prefix)?.strip_suffix(suffix)
}

/// The first tick of the largest non-NaN value, and the value.
/// Months of `values` (a price metric's series) at its cap (`cap`) or floor.
fn at_bound_months(
    trajectory: &Trajectory,
    metric: usize,
    cap: bool,
    values: impl Iterator<Item = f64>,
) -> OutcomeValue {
    let Some(&[floor, ceiling]) = trajectory.price_bounds.get(metric) else {
        return OutcomeValue::Missing;
    };
    let count = if cap {
        if ceiling.is_nan() {
            return OutcomeValue::Missing;
        }
        let at = ceiling * (1.0 - AT_BOUND_TOLERANCE);
        values.filter(|&v| v >= at).count()
    } else {
        if floor.is_nan() {
            return OutcomeValue::Missing;
        }
        let at = floor * (1.0 + AT_BOUND_TOLERANCE);
        values.filter(|&v| v <= at).count()
    };
    OutcomeValue::Number(count as f64)
}

fn peak(values: impl Iterator<Item = f64>) -> Option<(usize, f64)> {
    let mut best: Option<(usize, f64)> = None;
    for (t, v) in values.enumerate() {
        if v.is_nan() {
            continue;
        }
        match best {
            Some((_, b)) if v <= b => {}
            _ => best = Some((t, v)),
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn trajectory(start: &str, n_ticks: usize, series: &[(&str, &[f64])]) -> Trajectory {
        let names: Arc<[String]> = series.iter().map(|(n, _)| n.to_string()).collect();
        let mut t = Trajectory::zeros(Month::parse(start).unwrap(), names, n_ticks);
        for (m, (_, values)) in series.iter().enumerate() {
            for (tick, v) in values.iter().enumerate() {
                t.tick_mut(tick)[m] = *v;
            }
        }
        t
    }

    fn row(t: &Trajectory) -> Vec<(String, OutcomeValue)> {
        let spec = OutcomeSpec::new(&t.metric_names, t.start, t.n_ticks);
        spec.columns()
            .iter()
            .map(|c| c.name.clone())
            .zip(spec.compute(t))
            .collect()
    }

    fn get(row: &[(String, OutcomeValue)], name: &str) -> OutcomeValue {
        row.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| *v)
            .unwrap_or_else(|| panic!("no column {name}"))
    }

    #[test]
    fn outcome_cases() {
        // A horizon of 2030-11 .. 2031-02 (4 ticks).
        let t = trajectory(
            "2030-11",
            4,
            &[
                ("price.nd.cn", &[50.0, 70.0, 70.0, 60.0]),
                ("price.pr.cn", &[30.0, 10.0, 10.0, 20.0]),
                ("shortage.dy_t", &[0.0, 2.5, 0.0, 1.5]),
                ("shortage.tb_t", &[0.0, 0.0, 0.0, 0.0]),
                ("mine.cn_share", &[0.5, 0.75, 0.1, 0.1]),
                ("profit.cn_musd", &[1.0, -2.0, 3.0, 4.0]),
                ("balance.max_rel_error", &[1e-13, 3e-12, 0.0, 2e-13]),
            ],
        );
        let r = row(&t);
        let month = |s: &str| OutcomeValue::Month(Month::parse(s).unwrap());
        let cases: &[(&str, OutcomeValue)] = &[
            ("peak_price.nd.cn_usd_per_kg", OutcomeValue::Number(70.0)),
            ("peak_month.nd.cn", month("2030-12")), // first of two equal peaks
            ("peak_price.nd.row_usd_per_kg", OutcomeValue::Missing), // not written
            ("shortage_months.dy", OutcomeValue::Number(2.0)),
            ("shortage_cum.dy_t", OutcomeValue::Number(4.0)),
            ("shortage_months.tb", OutcomeValue::Number(0.0)),
            ("mine.cn_share.2030", OutcomeValue::Number(0.625)), // Nov and Dec only
            ("mine.cn_share.2035", OutcomeValue::Missing),       // outside the horizon
            ("profit_cum.cn_musd", OutcomeValue::Number(6.0)),
            ("price_mean.ndpr.cn.2030", OutcomeValue::Number(40.0)),
            ("price_mean.ndpr.cn.2035", OutcomeValue::Missing),
            (DY_TB_SHORTAGE_BY_2035, OutcomeValue::Number(1.0)),
            ("balance.max_rel_error", OutcomeValue::Number(3e-12)),
            ("wastewater_cum.cn_t", OutcomeValue::Missing),
        ];
        for (name, expected) in cases {
            assert_eq!(get(&r, name), *expected, "{name}");
        }
    }

    #[test]
    fn the_columns_are_the_catalogs_outcomes() {
        let metrics = cat::names(cat::Table::Summary);
        let spec = OutcomeSpec::new(&metrics, Month::parse("2025-01").unwrap(), 12 * 16);
        let mut columns: Vec<String> = spec.columns().iter().map(|c| c.name.clone()).collect();
        let mut expected = cat::names(cat::Table::Trials);
        expected.retain(|name| name != cat::SEED.key);
        columns.sort();
        expected.sort();
        assert_eq!(
            columns, expected,
            "outcomes.rs and remsim_core::catalog disagree"
        );
        let month_columns: Vec<&str> = spec
            .columns()
            .iter()
            .filter(|c| c.kind == OutcomeKind::Month)
            .map(|c| c.name.as_str())
            .collect();
        for c in &month_columns {
            assert_eq!(
                cat::lookup_in(cat::Table::Trials, c).unwrap().unit(),
                "YYYY-MM"
            );
        }
        // Every column reads metrics the model writes (the bound counts read the price
        // bounds a simulated trajectory carries).
        let bounds: Vec<[f64; 2]> = metrics
            .iter()
            .map(|m| {
                if m.starts_with("price.") {
                    [0.5, 100.0]
                } else {
                    [f64::NAN; 2]
                }
            })
            .collect();
        let t = Trajectory::zeros(Month::parse("2025-01").unwrap(), metrics.into(), 12 * 16)
            .with_price_bounds(bounds.into());
        let row = spec.compute(&t);
        assert!(row.iter().all(|v| *v != OutcomeValue::Missing), "{row:?}");
    }

    #[test]
    fn a_horizon_after_2035_has_no_shortage_flag() {
        let t = trajectory(
            "2040-01",
            2,
            &[
                ("shortage.dy_t", &[1.0, 1.0]),
                ("shortage.tb_t", &[0.0, 0.0]),
            ],
        );
        assert_eq!(get(&row(&t), DY_TB_SHORTAGE_BY_2035), OutcomeValue::Missing);
    }
}
