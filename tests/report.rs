//! End-to-end tests of `remsim report` and `remsim show` (issue 6): the real binary on a
//! real batch of the embedded baseline over its whole horizon, and on a comparison folder
//! laid out as `remsim compare` writes it (`base/`, `shock/`, `diff_summary.csv`,
//! `diff_trials.csv`).
//!
//! The comparison folder is assembled here from two ordinary batches run with the same
//! seed (common random numbers) — `diff_trials.csv` as the row-by-row difference of the two
//! `trials.csv`, `diff_summary.csv` as the difference of the quantiles — so the report's
//! support for that layout is tested whether or not `remsim compare` exists yet.
//!
//! The browser half of the acceptance test (headless Chromium, console errors,
//! every chart rendered) is `scripts/browser-test.sh`, run by `.ci/run`.

// Test helpers unwrap on purpose: a failed step fails the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use remsim_io::{SummaryLine, SummaryStats, SummaryTable, SummaryWriter, TrialsReader};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use support::{remsim, run_ok as ok, s, text};

/// Trials per batch: enough for bands and histograms, few enough to take seconds.
fn scratch(name: &str) -> PathBuf {
    support::scratch("report", name)
}

fn trials() -> &'static str {
    if cfg!(debug_assertions) { "8" } else { "40" }
}

fn batch(config: Option<&str>, out: &Path) {
    let mut args = vec!["run"];
    args.extend(config);
    args.extend([
        "--trials",
        trials(),
        "--seed",
        "5",
        "--quiet",
        "--force",
        "--out",
        s(out),
    ]);
    ok(&args);
}

/// One baseline batch, shared by the tests that only read it.
fn baseline() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = scratch("baseline");
        batch(None, &dir);
        dir
    })
}

/// The ids of the inline charts of a page, in order.
fn chart_ids(html: &str) -> Vec<String> {
    html.split("<svg id=\"chart-")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_string())
        .collect()
}

/// Every chart of the page is also a non-empty SVG and a PNG under plots/.
fn check_plots(dir: &Path, ids: &[String]) {
    for id in ids {
        let svg = std::fs::read_to_string(dir.join("plots").join(format!("{id}.svg"))).unwrap();
        assert!(
            svg.starts_with("<svg") && svg.contains("</svg>"),
            "{id}.svg"
        );
        assert!(svg.matches("<text").count() >= 3, "{id}.svg has its labels");
        let png = std::fs::read(dir.join("plots").join(format!("{id}.png"))).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{id}.png is a PNG");
        assert!(
            png.len() > 5_000,
            "{id}.png is not blank ({} bytes)",
            png.len()
        );
    }
}

#[test]
fn report_writes_a_self_contained_page_and_every_plot() {
    let dir = baseline();
    let out = ok(&["report", s(dir)]);
    assert!(text(&out.stdout).contains("report.html"));
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    let ids = chart_ids(&html);
    let mut required: Vec<String> = ["nd", "pr", "dy", "tb", "la", "ce"]
        .iter()
        .flat_map(|el| ["cn", "row"].map(|r| format!("price-{el}-{r}")))
        .collect();
    required.extend(
        [
            "china-share-by-stage",
            "shortage-probability",
            "recycled-share",
            "ev-ree-free-share",
            "wastewater-cn-t",
            "radioactive-residue-cn-t",
            "radioactive-residue-row-t",
            "hist-peak-price-dy-row-usd-per-kg",
            "hist-shortage-months-dy",
            "hist-profit-cum-cn-musd",
        ]
        .map(String::from),
    );
    for id in &required {
        assert!(ids.contains(id), "chart {id} missing; have {ids:?}");
    }
    assert!(html.contains(&format!(
        "<meta name=\"remsim-chart-count\" content=\"{}\">",
        ids.len()
    )));
    check_plots(dir, &ids);
    let svgs = std::fs::read_dir(dir.join("plots"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "svg")
        })
        .count();
    assert_eq!(svgs, ids.len(), "one plot file per chart");

    // The run's identity and its resolved config, escaped, in the page.
    let manifest = remsim_io::Manifest::read(&dir.join("manifest.json")).unwrap();
    for needle in [
        manifest.config_hash.as_str(),
        manifest.remsim_version.as_str(),
        "<th>Seed</th><td>5</td>",
        "<th>Scenario</th><td>baseline</td>",
        "[scenario]",
    ] {
        assert!(html.contains(needle), "page lacks {needle}");
    }
    // Self-contained: nothing to fetch, no script.
    assert!(!html.contains("<script") && !html.contains(" src="));
    assert!(!html.contains("href=\"http") && !html.contains("url("));
    // Asked for log price axes, the page says so (with `auto` it depends on how far the
    // prices of this short run spread).
    ok(&["report", s(dir), "--log-scale", "always"]);
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("log scale"));
}

#[test]
fn show_prints_a_yearly_table_within_80_columns() {
    let dir = baseline();
    let out = ok(&["show", s(dir), "--metric", "price.dy.row"]);
    let table = text(&out.stdout);
    for line in table.lines() {
        assert!(line.chars().count() <= 80, "too wide: {line:?}");
    }
    for year in 2025..=2050 {
        assert!(
            table
                .lines()
                .any(|l| l.starts_with(&format!("{year} {year}-12"))),
            "no row for {year}:\n{table}"
        );
    }
    assert!(
        table.contains("median") && table.contains("USD/kg"),
        "{table}"
    );
}

#[test]
fn show_lists_metrics_and_suggests_a_close_name() {
    let dir = baseline();
    let listing = text(&ok(&["show", s(dir)]).stdout);
    assert!(listing.contains("price.dy.row") && listing.contains("ev.ree_free_share"));
    assert!(listing.lines().all(|l| l.chars().count() <= 80));
    let out = remsim(&["show", s(dir), "--metric", "price.dy.roe"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("no metric `price.dy.roe`"), "{err}");
    assert!(err.contains("did you mean `price.dy.row`?"), "{err}");
    assert!(err.contains("wastewater.cn_t"), "the list follows: {err}");
}

#[test]
fn a_folder_that_is_not_results_is_refused() {
    let dir = scratch("empty");
    for cmd in ["report", "show"] {
        let out = remsim(&[cmd, s(&dir)]);
        assert_eq!(out.status.code(), Some(2), "{cmd}");
        let err = text(&out.stderr);
        assert!(err.contains("not a remsim results folder"), "{cmd}: {err}");
    }
}

/// `diff_trials.csv`: trial, seed, then shock − base for every numeric column.
fn write_diff_trials(base: &Path, shock: &Path, out: &Path) {
    let (mut b, _) = TrialsReader::open(base).unwrap();
    let (mut s, _) = TrialsReader::open(shock).unwrap();
    assert_eq!(b.header(), s.header());
    let mut csv = b.header().join(",");
    csv.push('\n');
    while let (Some((tb, rb)), Some((ts, rs))) = (b.next_row().unwrap(), s.next_row().unwrap()) {
        assert_eq!(tb, ts);
        let fields: Vec<String> = rb
            .iter()
            .zip(rs.iter())
            .enumerate()
            .map(|(i, (x, y))| {
                let (x, y) = (
                    std::str::from_utf8(x).unwrap(),
                    std::str::from_utf8(y).unwrap(),
                );
                if i < 2 {
                    return x.to_string();
                }
                match (x.parse::<f64>(), y.parse::<f64>()) {
                    (Ok(x), Ok(y)) => remsim_io::number(y - x),
                    _ => String::new(),
                }
            })
            .collect();
        csv.push_str(&fields.join(","));
        csv.push('\n');
    }
    std::fs::write(out, csv).unwrap();
}

/// `diff_summary.csv` with the columns of `summary.csv` (here the difference of the two
/// batches' quantiles, which has the layout though not the statistics of the paired one).
fn write_diff_summary(base: &Path, shock: &Path, out: &Path) {
    let b = SummaryTable::read(base).unwrap();
    let s = SummaryTable::read(shock).unwrap();
    let mut w = SummaryWriter::create(out).unwrap();
    for metric in b.metric_names() {
        for (rb, rs) in b
            .metric(metric)
            .unwrap()
            .iter()
            .zip(s.metric(metric).unwrap())
        {
            let (tick, date) = (rb.tick, rb.date.as_str());
            let (rb, rs) = (&rb.stats, &rs.stats);
            let q = rb.quantiles.zip(rs.quantiles).map(|(qb, qs)| {
                let mut d = [0.0; 7];
                for i in 0..7 {
                    d[i] = qs[i] - qb[i];
                }
                d.sort_by(f64::total_cmp);
                d
            });
            w.write(&SummaryLine {
                metric,
                tick,
                date,
                stats: SummaryStats {
                    n: rb.n,
                    mean: rb.mean.zip(rs.mean).map(|(x, y)| y - x),
                    sd: None,
                    min: q.map(|q| q[0]),
                    quantiles: q,
                    max: q.map(|q| q[6]),
                },
                se: None,
                unit: "",
            })
            .unwrap();
        }
    }
    w.finish().unwrap();
}

#[test]
fn a_comparison_folder_gets_overlays_and_paired_difference_fans() {
    let dir = scratch("compare");
    let (base, shock) = (dir.join("base"), dir.join("shock"));
    batch(None, &base);
    batch(Some("tests/data/report/heap-pond-ban.toml"), &shock);
    write_diff_summary(
        &base.join("summary.csv"),
        &shock.join("summary.csv"),
        &dir.join("diff_summary.csv"),
    );
    write_diff_trials(
        &base.join("trials.csv"),
        &shock.join("trials.csv"),
        &dir.join("diff_trials.csv"),
    );
    // What `remsim compare` writes last: the sealed list of the folder's own files.
    remsim_io::verify::write_comparison(&dir).unwrap();
    ok(&["report", s(&dir)]);
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    let ids = chart_ids(&html);
    for id in [
        "cmp-price-dy-row",
        "diff-price-dy-row",
        "cmp-price-nd-cn",
        "diff-price-nd-cn",
        "cmp-wastewater-cn-t",
        "diff-wastewater-cn-t",
        "shortage-probability-base",
        "shortage-probability-shock",
        "diff-hist-peak-price-dy-cn-usd-per-kg",
    ] {
        assert!(
            ids.contains(&id.to_string()),
            "chart {id} missing; have {ids:?}"
        );
    }
    check_plots(&dir, &ids);
    assert!(html.contains("heap-pond-ban") && html.contains("shock − base"));

    let table = text(&ok(&["show", s(&dir), "--metric", "wastewater.cn_t"]).stdout);
    assert!(
        table.contains("Δ p50") && table.contains("2050 2050-12"),
        "{table}"
    );
    assert!(table.lines().all(|l| l.chars().count() <= 80), "{table}");
}
