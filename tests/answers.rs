//! End-to-end tests of issue 17, "reports that answer the question": the executive summary
//! and caveats of `report.html` and `remsim show`, `remsim compare`'s `diff_outcomes.csv`
//! and its table, `remsim validate` run from outside the repository, and the default
//! results folder of a config without a name of its own. The real binary on real configs.

// Test helpers unwrap on purpose: a failed step fails the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use remsim_report::outcomes::DIFF_OUTCOMES_HEADER;
use std::path::PathBuf;
use support::{remsim_in, repo, run_batch, run_compare, run_ok, run_ok_in, s, text};

/// Trials of the summary batch: the 200 with an optimised build.
fn trials() -> &'static str {
    if cfg!(debug_assertions) { "20" } else { "200" }
}

fn scratch(name: &str) -> PathBuf {
    support::scratch("answers", name)
}

/// The inner HTML of `<section id="ID">`.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<section id=\"{id}\""))
        .unwrap_or_else(|| panic!("no section {id}"));
    let end = html[start..].find("</section>").unwrap() + start;
    &html[start..end]
}

fn max_width(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

/// Must show: a 200-trial baseline's report opens with a summary of at least five numeric
/// findings and has a caveats section; `show DIR` prints the same summary in 80 columns.
#[test]
fn the_report_opens_with_a_summary_and_caveats() {
    let dir = scratch("baseline");
    run_ok(&[
        "run",
        "--trials",
        trials(),
        "--seed",
        "1",
        "--quiet",
        "--out",
        s(&dir),
    ]);
    run_ok(&["report", s(&dir), "--no-png"]);
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    let summary = section(&html, "summary");
    let numeric = summary
        .split("<li>")
        .skip(1)
        .filter(|item| item.chars().any(|c| c.is_ascii_digit()) && item.contains("trials"))
        .count();
    assert!(numeric >= 5, "{numeric} numeric findings:\n{summary}");
    assert!(summary.contains("Wilson"), "{summary}");
    assert!(
        html.find("id=\"summary\"").unwrap() < html.find("id=\"prices\"").unwrap(),
        "the summary comes first"
    );
    let _ = section(&html, "caveats");
    let shown = text(&run_ok(&["show", s(&dir)]).stdout);
    assert!(
        shown.contains("NdPr oxide price") && shown.contains("Caveats"),
        "{shown}"
    );
    assert!(max_width(&shown) <= 80, "{shown}");
}

/// Must show: a config whose prices hit the cap lists it among the caveats.
#[test]
fn prices_at_the_cap_are_listed_among_the_caveats() {
    let dir = scratch("cap");
    let config = dir.join("low-cap.toml");
    std::fs::write(
        &config,
        "extends = \"builtin:baseline\"\n[scenario]\nname = \"low-cap\"\n\
         [market]\nprice_cap_multiple = 1.2\n",
    )
    .unwrap();
    let out = dir.join("out");
    run_batch(s(&config), 10, 0, &[], &out);
    run_ok(&["report", s(&out), "--no-png"]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let caveats = section(&html, "caveats");
    assert!(caveats.contains("at the price cap"), "{caveats}");
    assert!(caveats.contains("Dy oxide"), "{caveats}");
}

/// Must show: `compare` writes `diff_outcomes.csv` with the columns, and its table
/// is at most 100 columns wide, leading the comparison report too.
#[test]
fn compare_writes_diff_outcomes_and_a_narrow_table() {
    let dir = scratch("compare");
    let shock = "configs/shocks/export-quota-cut.toml";
    let out = run_compare("configs/baseline.toml", shock, 20, 0, &dir);
    let stdout = text(&out.stdout);
    assert!(max_width(&stdout) <= 100, "{stdout}");
    assert!(stdout.contains("P(up)"), "{stdout}");
    let csv = std::fs::read_to_string(dir.join("diff_outcomes.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    // The library's header holds the columns (medians, the paired difference's
    // median and interval, P(up), the probabilities with their intervals).
    assert_eq!(header, DIFF_OUTCOMES_HEADER.join(","));
    assert!(csv.lines().count() > 1, "{csv}");
    run_ok(&["report", s(&dir), "--no-png"]);
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    let summary = section(&html, "summary");
    assert!(summary.contains("diff_outcomes.csv"), "{summary}");
}

/// Must show: `validate --trials 20` started outside the repository runs and reports every
/// target of the embedded targets file.
#[test]
fn validate_runs_from_outside_the_repository() {
    let elsewhere = scratch("elsewhere");
    let out = remsim_in(&elsewhere, &["validate", "--trials", "20", "--seed", "0"]);
    let stdout = text(&out.stdout);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{stdout}\n{}",
        text(&out.stderr)
    );
    let targets = std::fs::read_to_string(repo().join("configs/history/targets.toml")).unwrap();
    let n = targets.lines().filter(|l| l.trim() == "[[target]]").count();
    assert!(n > 10);
    assert!(stdout.contains(&format!("of {n} targets pass")), "{stdout}");
    let rows = stdout
        .lines()
        .take_while(|l| !l.starts_with("sources:"))
        .filter(|l| l.ends_with(" pass") || l.ends_with(" FAIL"))
        .count();
    assert_eq!(rows, n, "{stdout}");
    assert!(max_width(&stdout) <= 100, "{stdout}");
}

/// A config without a `[scenario] name` of its own writes into a folder named after its
/// file, not into the folder of the baseline it extends.
#[test]
fn a_nameless_config_gets_a_folder_after_its_file() {
    let dir = scratch("nameless");
    std::fs::write(
        dir.join("my-shock.toml"),
        "extends = \"builtin:baseline\"\n[market]\nprice_cap_multiple = 15.0\n",
    )
    .unwrap();
    run_ok_in(&dir, &["run", "my-shock.toml", "--trials", "2", "--quiet"]);
    assert!(dir.join("results/my-shock-s0/manifest.json").is_file());
    assert!(!dir.join("results/baseline-s0").exists());
}
