//! End-to-end test of `remsim report` on a sweep folder (issue 15): a tiny 2 × 2 grid sweep
//! of the baseline is run by the real binary, then reported; the page must hold one chart
//! per headline outcome × lever (median and 90% band against the lever), each also written
//! as an SVG under `plots/`.

// Test helpers unwrap on purpose: a failed step fails the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use remsim_report::chart_id;
use std::path::Path;
use support::{run_ok, s, scratch, table, text};

const LEVERS: [&str; 2] = [
    "policy.china.export_licence_approval",
    "policy.china.export_licence_delay_months",
];

#[test]
fn a_sweep_report_draws_every_outcome_against_every_lever() {
    let dir = scratch("sweep-report", "grid");
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/baseline.toml");
    let sweep = dir.join("tiny.toml");
    std::fs::write(
        &sweep,
        format!(
            "base = {:?}\ntrials = 2\nseed = 1\ndesign = \"grid\"\n\n[[parameter]]\npath = \"{}\"\nvalues = [0.3, 0.9]\n\n[[parameter]]\npath = \"{}\"\nvalues = [0.0, 6.0]\n",
            s(&base),
            LEVERS[0],
            LEVERS[1]
        ),
    )
    .unwrap();
    let out = dir.join("out");
    run_ok(&["sweep", s(&sweep), "--out", s(&out), "--quiet"]);
    // The headline outcomes are those sweep.csv gives quantiles of.
    let (header, _) = table(&out.join("sweep.csv"));
    let outcomes: Vec<&str> = header
        .iter()
        .filter_map(|h| h.strip_suffix(".p50"))
        .collect();
    assert_eq!(outcomes.len(), 6, "{header:?}");
    let report = run_ok(&["report", s(&out), "--no-png"]);
    assert!(
        text(&report.stdout).contains("12 charts"),
        "{}",
        text(&report.stdout)
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for outcome in outcomes {
        for lever in LEVERS {
            let id = chart_id(&format!("sweep-{outcome}-vs-{lever}"));
            assert!(
                html.contains(&format!("chart-{id}")),
                "no chart {id} in the page"
            );
            let svg = std::fs::read_to_string(out.join("plots").join(format!("{id}.svg")))
                .unwrap_or_else(|e| panic!("{id}.svg: {e}"));
            assert!(svg.starts_with("<svg"), "{id}.svg");
        }
    }
    assert!(html.contains("90% of trials"));
}
