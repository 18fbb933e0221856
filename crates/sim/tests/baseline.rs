//! The calibrated baseline reproduces the 2025 industry: the bands of issue #3, checked on
//! the median over 20 seeds of each metric's mean over the first 12 months.

// Tests may panic on a broken fixture: that is how they fail.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use remsim_core::Trajectory;
use remsim_scenario::Scenario;

fn first_year_mean(t: &Trajectory, metric: &str) -> f64 {
    let i = t
        .metric_index(metric)
        .unwrap_or_else(|| panic!("no metric {metric}"));
    t.series(i).take(12).sum::<f64>() / 12.0
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    0.5 * (values[(n - 1) / 2] + values[n / 2])
}

#[test]
fn first_year_lies_in_the_calibration_bands() {
    let scenario = Scenario::baseline().unwrap();
    let trajectories: Vec<Trajectory> = (0..20)
        .map(|seed| {
            let config = scenario.draw(seed, 0).unwrap();
            remsim_sim::run_trial(&config, seed, 0).unwrap()
        })
        .collect();
    let med = |metric: &str| {
        median(
            trajectories
                .iter()
                .map(|t| first_year_mean(t, metric))
                .collect(),
        )
    };
    let mut failures = Vec::new();
    let mut band = |metric: &str, lo: f64, hi: f64| {
        let m = med(metric);
        if !(lo..=hi).contains(&m) {
            failures.push(format!("{metric}: median {m:.4} outside [{lo}, {hi}]"));
        }
    };
    band("mine.cn_share", 0.60, 0.72);
    band("separation.cn_share", 0.85, 1.0);
    band("magnet.cn_share", 0.85, 1.0);
    band("row_supply_share", 0.22, 0.34);
    band("deep_processing.cn_share", 0.50, 0.65);
    // ±35% of the 2024-2025 level (calibration.md §8: 2024 MCS averages; Pr trades close
    // to Nd).
    for (metric, level) in [
        ("price.nd.cn", 56.0),
        ("price.pr.cn", 56.0),
        ("price.dy.cn", 260.0),
        ("price.tb.cn", 810.0),
    ] {
        band(metric, 0.65 * level, 1.35 * level);
    }
    // The balance problem: Ce and La below a twentieth of Nd.
    let nd = med("price.nd.cn");
    band("price.ce.cn", 0.0, nd / 20.0);
    band("price.la.cn", 0.0, nd / 20.0);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
