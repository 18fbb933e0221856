//! The caveats of a batch (`<section id="caveats">`): what the model could not represent
//! in it — prices pinned at the cap or the floor, the worst mass-balance residual, values
//! left out of the statistics — each one sentence, and none when nothing was hit.
//!
//! The cap and the floor are read from the resolved config of the manifest (the cap of an
//! element is its opening rest-of-world price × `price_cap_multiple`, as `remsim-sim`
//! computes it); where one of their parameters is drawn per trial the check says so
//! instead of guessing.

use crate::error::ReportError;
use crate::findings::read_columns;
use crate::folder::RunFolder;
use remsim_io::SummaryRecord;

/// Relative tolerance of "at the cap" and "at the floor".
const AT_LIMIT: f64 = 1e-9;
/// Mass-balance residuals above this are reported (the model's own check is 1e-9).
const BALANCE_REPORTED: f64 = 1e-12;

/// The price limits of the batch's config, per element: `(floor, Some(cap))`, the cap
/// `None` where a parameter behind it is drawn per trial (not one number).
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Lowest price, USD/kg (`None` if drawn per trial).
    pub floor: Option<f64>,
    /// Highest price per element key (`nd`, `dy`, …), USD/kg; `None` if drawn per trial.
    pub caps: Vec<(String, Option<f64>)>,
}

/// Reads the limits from a resolved config (TOML); `None` when it has no `[market]`.
pub fn limits(resolved_config: &str) -> Option<Limits> {
    let doc: toml::Table = resolved_config.parse().ok()?;
    let market = doc.get("market")?.as_table()?;
    let number = |v: Option<&toml::Value>| -> Option<f64> {
        match v? {
            toml::Value::Float(x) => Some(*x),
            toml::Value::Integer(i) => Some(*i as f64),
            _ => None,
        }
    };
    let floor = number(market.get("price_floor_usd_per_kg"));
    let multiple = number(market.get("price_cap_multiple"));
    let premium = match market.get("initial_row_premium") {
        None => Some(0.0),
        v => number(v),
    };
    let prices = market.get("initial_price_cn_usd_per_kg")?.as_table()?;
    let caps = prices
        .iter()
        .map(|(el, v)| {
            let cap = match (number(Some(v)), multiple, premium, floor) {
                (Some(p), Some(m), Some(r), Some(f)) => {
                    Some(p.max(f.max(0.0)).max(1e-6) * (1.0 + r) * m.max(1.0))
                }
                _ => None,
            };
            (el.clone(), cap)
        })
        .collect();
    Some(Limits { floor, caps })
}

/// Months of `rows` with a trial at `limit` (above it for a cap), and the most trials at
/// it in one month that the quantiles prove (a lower bound).
fn months_at(rows: &[SummaryRecord], limit: f64, cap: bool) -> (usize, Option<(String, u64)>) {
    let tol = limit.abs() * AT_LIMIT;
    let mut months = 0;
    let mut worst: Option<(String, u64)> = None;
    let levels = remsim_io::QUANTILE_LEVELS;
    for row in rows {
        let hit = if cap {
            row.stats.max.is_some_and(|m| m >= limit - tol)
        } else {
            row.stats.min.is_some_and(|m| m <= limit + tol)
        };
        if !hit {
            continue;
        }
        months += 1;
        let n = row.stats.n.max(1);
        // Trials at the limit proven by the quantiles: ranks at or beyond the first
        // (or last) quantile that sits on it.
        let at = row.stats.quantiles.map_or(1, |q| {
            let mut proven = 1u64;
            for (value, level) in q.iter().zip(levels) {
                let rank = (level * (n - 1) as f64).floor() as u64;
                if cap && *value >= limit - tol {
                    proven = proven.max(n - rank);
                } else if !cap && *value <= limit + tol {
                    proven = proven.max(rank + 1);
                }
            }
            proven
        });
        if worst.as_ref().is_none_or(|(_, w)| at > *w) {
            worst = Some((row.date.clone(), at));
        }
    }
    (months, worst)
}

fn trials_word(n: u64) -> &'static str {
    if n == 1 { "trial" } else { "trials" }
}

fn region_name(key: &str) -> &str {
    match key {
        "cn" => "China",
        "row" => "rest of world",
        other => other,
    }
}

/// Price cap and floor caveats, one sentence per element and region that hit one.
fn price_caveats(run: &RunFolder, out: &mut Vec<String>) -> Result<(), ReportError> {
    let Some(limits) = limits(&run.manifest.resolved_config) else {
        return Ok(());
    };
    let peaks: Vec<String> = limits
        .caps
        .iter()
        .flat_map(|(el, _)| ["cn", "row"].map(|r| format!("peak_price.{el}.{r}_usd_per_kg")))
        .collect();
    let wanted: Vec<&str> = peaks.iter().map(String::as_str).collect();
    let peak_columns = match run.trials_path() {
        Some(path) => read_columns(&path, &wanted)?,
        None => Default::default(),
    };
    for (el, cap) in &limits.caps {
        let symbol = remsim_core::Element::parse(el)
            .map(|e| e.symbol().to_string())
            .unwrap_or_else(|_| el.clone());
        for reg in ["cn", "row"] {
            let Some(rows) = run.summary.metric(&format!("price.{el}.{reg}")) else {
                continue;
            };
            let place = format!("{symbol} oxide, {}", region_name(reg));
            match cap {
                Some(cap) => {
                    let (months, worst) = months_at(rows, *cap, true);
                    if months > 0 {
                        let peak = peak_columns
                            .get(&format!("peak_price.{el}.{reg}_usd_per_kg"))
                            .map(|v| {
                                let k = v.iter().filter(|p| **p >= cap * (1.0 - AT_LIMIT)).count();
                                format!(" {k} of {} trials reached it.", v.len())
                            })
                            .unwrap_or_default();
                        let (date, at) = worst.unwrap_or_default();
                        out.push(format!(
                            "{place}: at the price cap ({} USD/kg) in {months} months (at least \
                             {at} {} in {date}).{peak}",
                            crate::axis::format_value(*cap),
                            trials_word(at)
                        ));
                    }
                }
                None => out.push(format!(
                    "{place}: the price cap is drawn per trial, so time at the cap is not counted."
                )),
            }
            if let Some(floor) = limits.floor {
                let (months, worst) = months_at(rows, floor, false);
                if months > 0 {
                    let (date, at) = worst.unwrap_or_default();
                    out.push(format!(
                        "{place}: at the price floor ({} USD/kg) in {months} months (at least \
                         {at} {} in {date}).",
                        crate::axis::format_value(floor),
                        trials_word(at)
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The caveats of a run, one sentence each; empty when the batch hit nothing checked.
pub fn run_caveats(run: &RunFolder) -> Result<Vec<String>, ReportError> {
    let mut out = Vec::new();
    price_caveats(run, &mut out)?;
    if let Some(rows) = run.summary.metric("balance.max_rel_error") {
        let worst = rows
            .iter()
            .filter_map(|r| r.stats.max)
            .fold(f64::NEG_INFINITY, f64::max);
        if worst > BALANCE_REPORTED {
            out.push(format!(
                "Worst mass-balance residual: {worst:.3e} (relative) in one trial-month; the \
                 model fails a trial above 1e-9."
            ));
        }
    }
    let trials = run.manifest.shard.end_trial - run.manifest.shard.first_trial;
    let short: Vec<&str> = run
        .summary
        .metric_names()
        .filter(|m| {
            run.summary
                .metric(m)
                .is_some_and(|rows| rows.iter().any(|r| r.stats.n < trials))
        })
        .collect();
    if !short.is_empty() {
        out.push(format!(
            "{} metrics have months where some trials gave no finite value (left out of the \
             statistics): {}.",
            short.len(),
            short.join(", ")
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_follow_the_simulation() {
        let config = "[market]\nprice_floor_usd_per_kg = 0.5\nprice_cap_multiple = 20.0\n\
                      initial_row_premium = 0.1\n[market.initial_price_cn_usd_per_kg]\n\
                      nd = 56\nce = 0.2\ndy = { uniform = [200.0, 300.0] }\n";
        let l = limits(config).unwrap();
        assert_eq!(l.floor, Some(0.5));
        let cap = |el: &str| l.caps.iter().find(|(e, _)| e == el).unwrap().1;
        assert!((cap("nd").unwrap() - 56.0 * 1.1 * 20.0).abs() < 1e-9);
        assert!((cap("ce").unwrap() - 0.5 * 1.1 * 20.0).abs() < 1e-9);
        assert_eq!(cap("dy"), None);
    }

    #[test]
    fn months_at_the_cap_count_and_bound_the_trials() {
        let row = |date: &str, q95: f64, max: f64| SummaryRecord {
            tick: 0,
            date: date.into(),
            stats: remsim_io::SummaryStats {
                n: 101,
                mean: None,
                sd: None,
                min: Some(1.0),
                quantiles: Some([1.0, 1.0, 1.0, 1.0, 1.0, q95, max]),
                max: Some(max),
            },
        };
        let rows = [
            row("2030-01", 1.0, 1.0),
            row("2030-02", 10.0, 10.0),
            row("2030-03", 5.0, 10.0),
        ];
        let (months, worst) = months_at(&rows, 10.0, true);
        assert_eq!(months, 2);
        // p95 at the cap: ranks 95..=100, six trials.
        assert_eq!(worst, Some(("2030-02".to_string(), 6)));
        let (floor_months, _) = months_at(&rows, 1.0, false);
        assert_eq!(floor_months, 3);
    }
}
