//! End-to-end tests of `remsim sensitivity` and `remsim discover` (issue 15) on the
//! 18-month test world: the files they write, that each trial ran the design row it was
//! given, and that the discovered box's figures recompute from the folder's own tables.
//! The comparison with SALib and the EMA Workbench is `scripts/analysis-crosscheck.sh`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use support::{SHORT, run_ok, table};

fn scratch(name: &str) -> PathBuf {
    support::scratch("analysis", name)
}

/// A Sobol' run writes design.csv, inputs.csv and trials.csv of N (D + 2) rows in design
/// order, inputs.csv holding each design row mapped through the parameters' distributions,
/// and sensitivity.csv with one row per outcome and parameter.
#[test]
fn sobol_writes_the_design_and_runs_it() {
    let dir = scratch("sobol");
    let out = dir.join("s");
    run_ok(&[
        "sensitivity",
        SHORT,
        "--method",
        "sobol",
        "--samples",
        "8",
        "--seed",
        "4",
        "--outcome",
        "peak_price.nd.cn_usd_per_kg",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    let scenario = remsim_scenario::Scenario::load(Path::new(SHORT)).unwrap();
    let params = scenario.uncertain();
    let d = params.len();
    let (dh, design) = table(&out.join("design.csv"));
    let (ih, inputs) = table(&out.join("inputs.csv"));
    let (_, trials) = table(&out.join("trials.csv"));
    assert_eq!(dh, ih);
    assert_eq!(dh.len(), d + 1);
    assert_eq!(design.len(), 8 * (d + 2));
    assert_eq!(inputs.len(), design.len());
    assert_eq!(trials.len(), design.len());
    for (i, (u, x)) in design.iter().zip(&inputs).enumerate() {
        assert_eq!(u[0], i.to_string());
        assert_eq!(x[0], i.to_string());
        for (k, p) in params.iter().enumerate() {
            let mapped = p.dist.quantile(u[k + 1].parse().unwrap());
            assert_eq!(
                x[k + 1].parse::<f64>().unwrap(),
                mapped,
                "row {i}, {}",
                p.path
            );
        }
    }
    let (sh, sens) = table(&out.join("sensitivity.csv"));
    assert_eq!(
        sh,
        ["outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf"]
    );
    assert_eq!(sens.len(), d);
}

/// discover.csv's selected box: its coverage and density recompute from inputs.csv and
/// trials.csv with its bounds, and its density beats the base rate by at least 1.2×.
#[test]
fn discover_box_recomputes_from_the_tables() {
    let dir = scratch("discover");
    let batch = dir.join("b");
    let b = batch.to_str().unwrap();
    run_ok(&[
        "run", SHORT, "--trials", "400", "--seed", "1", "--out", b, "--quiet",
    ]);
    let column = "peak_price.dy.row_usd_per_kg";
    let (th, trials) = table(&batch.join("trials.csv"));
    let at = th.iter().position(|h| h == column).unwrap();
    let mut peaks: Vec<f64> = trials.iter().map(|r| r[at].parse().unwrap()).collect();
    peaks.sort_by(f64::total_cmp);
    let cut = peaks[300];
    let out = run_ok(&["discover", b, "--where", &format!("{column} > {cut}")]);
    let sentence = String::from_utf8_lossy(&out.stdout);
    assert!(sentence.contains("as likely when"), "{sentence}");
    let interest: Vec<bool> = trials
        .iter()
        .map(|r| r[at].parse::<f64>().unwrap() > cut)
        .collect();
    let (ih, inputs) = table(&batch.join("inputs.csv"));
    let (_, rows) = table(&batch.join("discover.csv"));
    let chosen: Vec<&Vec<String>> = rows.iter().filter(|r| r[2] == "1").collect();
    assert!(!chosen.is_empty());
    let inside: Vec<bool> = inputs
        .iter()
        .map(|x| {
            chosen.iter().all(|r| {
                let j = ih.iter().position(|h| *h == r[8]).unwrap();
                let v: f64 = x[j].parse().unwrap();
                r[9].parse::<f64>().unwrap() <= v && v <= r[10].parse::<f64>().unwrap()
            })
        })
        .collect();
    let k = inside
        .iter()
        .zip(&interest)
        .filter(|(a, b)| **a && **b)
        .count() as f64;
    let n = inside.iter().filter(|a| **a).count() as f64;
    let total = interest.iter().filter(|a| **a).count() as f64;
    let (coverage, density): (f64, f64) =
        (chosen[0][3].parse().unwrap(), chosen[0][4].parse().unwrap());
    assert_eq!(coverage, k / total);
    assert_eq!(density, k / n);
    let base = total / interest.len() as f64;
    assert!(density >= 1.2 * base, "density {density}, base rate {base}");
}

/// `price.ndpr.<region>` is the traded NdPr oxide: 75% of the Nd price plus 25% of the Pr
/// price, every month, in both regions.
#[test]
fn ndpr_price_is_the_composition_weighted_mean() {
    let scenario = remsim_scenario::Scenario::load(Path::new(SHORT)).unwrap();
    let t = remsim_sim::run_trial(&scenario.draw(3, 1).unwrap(), 3, 1).unwrap();
    for region in ["cn", "row"] {
        let at = |name: &str| t.metric_index(&format!("price.{name}.{region}")).unwrap();
        let (ndpr, nd, pr) = (at("ndpr"), at("nd"), at("pr"));
        for tick in 0..t.n_ticks {
            let row = t.tick(tick);
            assert!(row[ndpr] > 0.0);
            assert!((row[ndpr] - (0.75 * row[nd] + 0.25 * row[pr])).abs() < 1e-9 * row[ndpr]);
        }
    }
}
