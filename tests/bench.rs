//! End-to-end tests of `remsim bench` and the scale config (issue 8). They check that the
//! figures are printed and the fragmented world is what it says; they never judge a time.

// Tests may panic on a broken fixture: that is how they fail.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod support;

use support::{remsim, run_ok, text};

#[test]
fn bench_prints_every_figure() {
    let stdout =
        text(&run_ok(&["bench", "--trials", "2", "--threads", "2", "--rounds", "2"]).stdout);
    for expected in [
        "remsim bench: baseline (embedded baseline), 2 trials per measurement, best of 2 rounds, seed 0",
        "machine ",
        "agents, 312 ticks, 16 markets cleared per tick",
        "µs per trial",
        "set-up per trial",
        "agent-ticks per second per core",
        "market clearings per second",
        "trials/s, 1 thread",
        "trials/s, 2 threads",
        "parallel efficiency",
        "peak memory (VmHWM)",
        "trials.csv per trial",
        "trajectory per trial",
    ] {
        assert!(
            stdout.contains(expected),
            "missing `{expected}` in:\n{stdout}"
        );
    }
}

#[test]
fn bench_refuses_zero_trials_and_a_broken_config() {
    let out = remsim(&["bench", "--trials", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr).trim(),
        "error: --trials must be at least 1"
    );
    let out = remsim(&["bench", "configs/no-such-file.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).starts_with("error: "));
}

#[test]
fn the_scale_config_describes_a_hundred_thousand_agents() {
    let stdout = text(&run_ok(&["check", "configs/scale/100k-agents.toml"]).stdout);
    for expected in [
        "scenario   scale-100k-agents",
        "  miners                         95008              8  95016",
        "  magnet makers                   5005              5   5010",
        "  all agents                                           100070",
    ] {
        assert!(
            stdout.contains(expected),
            "missing `{expected}` in:\n{stdout}"
        );
    }
    // The split keeps the baseline's capacities.
    let baseline = text(&remsim(&["check"]).stdout);
    for stage in ["  mining, t REO", "  magnets, t magnet"] {
        let line = |s: &str| s.lines().find(|l| l.starts_with(stage)).map(str::to_string);
        assert!(line(&stdout).is_some(), "{stage}");
        assert_eq!(line(&stdout), line(&baseline), "{stage}");
    }
}
