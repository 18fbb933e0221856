//! The shocks move what they should: each ready shock file, on a few hundred paired trials
//! (same seed and trial index as the baseline: common random numbers), shifts the median
//! paired difference of its headline metric in the expected direction. And common random
//! numbers do shrink the spread of an estimated difference.

// Tests may panic on a broken fixture: that is how they fail.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use remsim_core::Trajectory;
use remsim_scenario::Scenario;
use std::path::Path;

const TRIALS: u64 = 200;
const SEED: u64 = 11;

fn load(file: &str) -> Scenario {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../configs")).join(file);
    Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

fn run(s: &Scenario, seed: u64, trial: u64) -> Trajectory {
    remsim_sim::run_trial(&s.draw(seed, trial).unwrap(), seed, trial).unwrap()
}

/// Mean of `metric` over the months from `from` to `to` (inclusive, `YYYY-MM`).
fn window_mean(t: &Trajectory, metric: &str, from: &str, to: &str) -> f64 {
    let i = t
        .metric_index(metric)
        .unwrap_or_else(|| panic!("no metric {metric}"));
    let (from, to) = (
        remsim_core::Month::parse(from).unwrap(),
        remsim_core::Month::parse(to).unwrap(),
    );
    let values: Vec<f64> = (0..t.n_ticks)
        .filter(|&k| t.month(k) >= from && t.month(k) <= to)
        .map(|k| t.tick(k)[i])
        .collect();
    values.iter().sum::<f64>() / values.len() as f64
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    0.5 * (v[(n - 1) / 2] + v[n / 2])
}

/// Which way a shock should move a metric.
#[derive(Debug, Clone, Copy)]
enum Sign {
    Up,
    Down,
}
use Sign::{Down, Up};

/// One expected effect: (metric, first month, last month, sign of the shock's effect).
type Effect = (&'static str, &'static str, &'static str, Sign);

/// Asserts, for each (metric, from, to, sign), that the median over paired trials of
/// shock − base of the metric's mean over the months `from..=to` has that sign.
fn assert_directions(shock_file: &str, effects: &[Effect]) {
    let base = load("baseline.toml");
    let shock = load(shock_file);
    let mut diffs = vec![Vec::new(); effects.len()];
    for trial in 0..TRIALS {
        let b = run(&base, SEED, trial);
        let s = run(&shock, SEED, trial);
        for (k, (metric, from, to, _)) in effects.iter().enumerate() {
            diffs[k].push(window_mean(&s, metric, from, to) - window_mean(&b, metric, from, to));
        }
    }
    for ((metric, from, to, sign), diffs) in effects.iter().zip(diffs) {
        let m = median(diffs);
        let moved = match sign {
            Up => m > 0.0,
            Down => m < 0.0,
        };
        assert!(
            moved,
            "{shock_file}: {metric} {from}..{to}: median difference {m}, expected {sign:?}"
        );
    }
}

fn spread_dy(t: &Trajectory, from: &str, to: &str) -> f64 {
    window_mean(t, "price.dy.row", from, to) - window_mean(t, "price.dy.cn", from, to)
}

#[test]
fn heavy_licences_raise_dy_abroad_and_widen_the_spread() {
    let base = load("baseline.toml");
    let shock = load("shocks/export-licence-heavy.toml");
    let (mut price, mut spread) = (Vec::new(), Vec::new());
    for trial in 0..TRIALS {
        let b = run(&base, SEED, trial);
        let s = run(&shock, SEED, trial);
        price.push(
            window_mean(&s, "price.dy.row", "2026-03", "2028-12")
                - window_mean(&b, "price.dy.row", "2026-03", "2028-12"),
        );
        spread.push(spread_dy(&s, "2026-03", "2028-12") - spread_dy(&b, "2026-03", "2028-12"));
    }
    let (price, spread) = (median(price), median(spread));
    assert!(price > 0.0, "price.dy.row during the licences: {price}");
    assert!(
        spread > 0.0,
        "Dy spread row - cn during the licences: {spread}"
    );
}

/// REE-free motors lower Nd and raise adoption; green mining cuts wastewater and raises Dy
/// in China during the ramp; EPR recycling raises Nd's recycled share by 2040; a Myanmar
/// disruption raises Dy in China while it lasts.
#[test]
fn shocks_move_their_headline_metrics_the_expected_way() {
    let cases: [(&str, &[Effect]); 4] = [
        (
            "shocks/ree-free-motors.toml",
            &[
                ("price.nd.row", "2035-01", "2035-12", Down),
                ("ev.ree_free_share", "2035-01", "2035-12", Up),
            ],
        ),
        (
            "shocks/green-mining-mandate.toml",
            &[
                ("wastewater.cn_t", "2028-01", "2035-12", Down),
                ("price.dy.cn", "2026-01", "2027-12", Up),
            ],
        ),
        (
            "shocks/epr-recycling.toml",
            &[("recycled_share.nd", "2040-01", "2040-12", Up)],
        ),
        (
            "shocks/myanmar-disruption.toml",
            &[("price.dy.cn", "2026-07", "2027-05", Up)],
        ),
    ];
    for (shock_file, effects) in cases {
        assert_directions(shock_file, effects);
    }
}

/// The spread (standard deviation across repetitions) of an estimated mean difference is
/// smaller with common random numbers than with independent seeds for base and shock.
#[test]
fn common_random_numbers_shrink_the_spread_of_the_estimate() {
    let base = load("baseline.toml");
    let shock = load("shocks/demand-surge.toml");
    let (reps, n) = (20u64, 16u64);
    let metric = |t: &Trajectory| window_mean(t, "magnet.world_t", "2028-01", "2028-12");
    let mut paired = Vec::new();
    let mut independent = Vec::new();
    for rep in 0..reps {
        let (mut p, mut q) = (0.0, 0.0);
        for i in 0..n {
            let trial = rep * n + i;
            let b = metric(&run(&base, SEED, trial));
            p += metric(&run(&shock, SEED, trial)) - b;
            q += metric(&run(&shock, SEED + 1, trial)) - b;
        }
        paired.push(p / n as f64);
        independent.push(q / n as f64);
    }
    let sd = |v: &[f64]| {
        let m = v.iter().sum::<f64>() / v.len() as f64;
        (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64).sqrt()
    };
    let (crn, ind) = (sd(&paired), sd(&independent));
    println!(
        "spread of the estimated difference: CRN {crn:.3}, independent {ind:.3}, ratio {:.3}",
        crn / ind
    );
    assert!(crn < ind, "CRN {crn} vs independent {ind}");
}
