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

/// Median over paired trials of shock − base for each (metric, window, measure).
fn paired_medians(shock_file: &str, measures: &[(&str, &str, &str)]) -> Vec<f64> {
    let base = load("baseline.toml");
    let shock = load(shock_file);
    let mut diffs = vec![Vec::new(); measures.len()];
    for trial in 0..TRIALS {
        let b = run(&base, SEED, trial);
        let s = run(&shock, SEED, trial);
        for (k, (metric, from, to)) in measures.iter().enumerate() {
            diffs[k].push(window_mean(&s, metric, from, to) - window_mean(&b, metric, from, to));
        }
    }
    diffs.into_iter().map(median).collect()
}

fn spread_dy(t: &Trajectory, from: &str, to: &str) -> f64 {
    window_mean(t, "price.dy.row", from, to) - window_mean(t, "price.dy.cn", from, to)
}

#[test]
fn ree_free_motors_lower_nd_and_raise_adoption() {
    let m = paired_medians(
        "shocks/ree-free-motors.toml",
        &[
            ("price.nd.row", "2035-01", "2035-12"),
            ("ev.ree_free_share", "2035-01", "2035-12"),
        ],
    );
    assert!(m[0] < 0.0, "price.nd.row 2035: median difference {}", m[0]);
    assert!(
        m[1] > 0.0,
        "ev.ree_free_share 2035: median difference {}",
        m[1]
    );
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

#[test]
fn green_mining_cuts_wastewater_and_raises_dy_in_china() {
    let m = paired_medians(
        "shocks/green-mining-mandate.toml",
        &[
            ("wastewater.cn_t", "2028-01", "2035-12"),
            ("price.dy.cn", "2026-01", "2027-12"),
        ],
    );
    assert!(m[0] < 0.0, "wastewater.cn_t: {}", m[0]);
    assert!(m[1] > 0.0, "price.dy.cn during the ramp: {}", m[1]);
}

#[test]
fn epr_recycling_raises_the_recycled_share_of_nd_by_2040() {
    let m = paired_medians(
        "shocks/epr-recycling.toml",
        &[("recycled_share.nd", "2040-01", "2040-12")],
    );
    assert!(m[0] > 0.0, "recycled_share.nd 2040: {}", m[0]);
}

#[test]
fn myanmar_disruption_raises_dy_in_china_while_it_lasts() {
    let m = paired_medians(
        "shocks/myanmar-disruption.toml",
        &[("price.dy.cn", "2026-07", "2027-05")],
    );
    assert!(m[0] > 0.0, "price.dy.cn during the closure: {}", m[0]);
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
