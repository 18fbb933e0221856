//! End-to-end tests of the `remsim` binary, grouped by theme. Cases are data: each file
//! in `tests/data/broken/` carries the exact error line it must produce.

// Tests may panic on a broken fixture: that is how they fail.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
mod support;

use support::{
    batch_args, remsim, repo, run_compare, run_ok, run_with_status, s, text, toml_files,
};

mod check {
    use super::*;

    #[test]
    fn embedded_baseline_checks_clean() {
        let stdout = text(&run_ok(&["check"]).stdout);
        for expected in [
            "scenario   baseline",
            "2025-01 .. 2050-12 (312 monthly ticks)",
            "agents by kind and region",
            "capacity by stage",
            "China export licences          Sm, Gd, Tb, Dy, Lu, Sc, Y from 2025-04",
            "uncertain parameters",
            "market.trend_following",
        ] {
            assert!(
                stdout.contains(expected),
                "missing `{expected}` in:\n{stdout}"
            );
        }
    }

    #[test]
    fn baseline_file_equals_embedded_baseline() {
        let out = remsim(&["check", "configs/baseline.toml"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let from_file = text(&out.stdout);
        let embedded = text(&remsim(&["check"]).stdout);
        // Same world: only the `files` line differs.
        let strip = |s: &str| {
            s.lines()
                .filter(|l| !l.starts_with("files "))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(strip(&from_file), strip(&embedded));
    }

    /// Every broken config exits 2 with exactly the one line its `# expect:` comment gives.
    #[test]
    fn broken_configs_give_one_located_line_and_exit_2() {
        let dir = Path::new("tests/data/broken");
        let files = toml_files(&repo().join(dir));
        assert!(files.len() >= 5, "{files:?}");
        for file in files {
            let name = file.file_name().unwrap().to_str().unwrap();
            let shown = dir.join(name);
            let shown = shown.to_str().unwrap();
            let source = std::fs::read_to_string(&file).unwrap();
            let expect = source
                .lines()
                .find_map(|l| l.strip_prefix("# expect: "))
                .unwrap_or_else(|| panic!("{name} has no `# expect:` line"))
                .replace("{file}", shown)
                .replace("{dir}", dir.to_str().unwrap());
            let out = remsim(&["check", shown]);
            let stderr = text(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
            assert_eq!(stderr.lines().count(), 1, "{name}: not one line:\n{stderr}");
            assert_eq!(stderr.trim_end(), expect, "{name}");
            assert!(out.stdout.is_empty(), "{name} printed to stdout");
        }
    }

    #[test]
    fn missing_config_file_is_a_clear_error() {
        let out = remsim(&["check", "no/such/file.toml"]);
        assert_eq!(out.status.code(), Some(2));
        let stderr = text(&out.stderr);
        assert!(
            stderr.starts_with("error: no/such/file.toml: cannot read the config"),
            "{stderr}"
        );
    }
}

mod trial {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("remsim-cli-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join(name)
    }

    /// Metric names issue #3 promises, per element where it says so.
    fn promised_metrics() -> Vec<String> {
        let mut names: Vec<String> = [
            "mine.world_t",
            "separation.world_t",
            "magnet.world_t",
            "mine.cn_share",
            "separation.cn_share",
            "magnet.cn_share",
            "row_supply_share",
            "deep_processing.cn_share",
            "ev.ree_free_share",
            "wastewater.cn_t",
            "radioactive_residue.cn_t",
            "radioactive_residue.row_t",
            "profit.cn_musd",
            "profit.row_musd",
            "balance.max_rel_error",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for el in [
            "sc", "y", "la", "ce", "pr", "nd", "sm", "eu", "gd", "tb", "dy", "ho", "er", "tm",
            "yb", "lu",
        ] {
            names.push(format!("price.{el}.cn"));
            names.push(format!("price.{el}.row"));
            names.push(format!("demand.{el}_t"));
            names.push(format!("shortage.{el}_t"));
            names.push(format!("stock.{el}_t"));
        }
        for el in ["nd", "pr", "dy", "tb"] {
            names.push(format!("recycled_share.{el}"));
        }
        names
    }

    #[test]
    fn writes_312_months_with_every_metric_byte_identically() {
        let a = temp("a.csv");
        let b = temp("b.csv");
        for path in [&a, &b] {
            run_ok(&[
                "trial",
                "--seed",
                "1",
                "--trial",
                "0",
                "--out",
                s(path),
                "--force",
            ]);
        }
        let csv = std::fs::read_to_string(&a).unwrap();
        let mut lines = csv.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        assert_eq!(&header[..2], &["tick", "date"]);
        for metric in promised_metrics() {
            assert!(header.contains(&metric.as_str()), "missing {metric}");
        }
        let rows: Vec<&str> = lines.collect();
        assert_eq!(rows.len(), 312);
        assert!(rows[0].starts_with("0,2025-01,"));
        assert!(rows[311].starts_with("311,2050-12,"));
        for row in &rows {
            assert_eq!(row.split(',').count(), header.len());
        }
        assert_eq!(
            std::fs::read(&a).unwrap(),
            std::fs::read(&b).unwrap(),
            "same trial, same bytes"
        );
    }

    #[test]
    fn refuses_to_overwrite_without_force() {
        let path = temp("keep.csv");
        std::fs::write(&path, "precious").unwrap();
        let out = remsim(&["trial", "--out", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2));
        assert!(
            text(&out.stderr).contains("--force"),
            "{}",
            text(&out.stderr)
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "precious");
    }
}

mod validate {
    use super::*;

    /// `remsim validate` runs both history scenarios and prints one row per target; every
    /// target passes even with few trials (see docs/validation.md), so it exits 0.
    #[test]
    fn prints_the_table_and_meets_every_target() {
        let stdout = text(&run_ok(&["validate", "--trials", "24"]).stdout);
        // One block per scenario (issue 17: the table fits 100 columns).
        assert!(stdout.contains("\n2020-2024:\n") && stdout.contains("\n2009-2014:\n"));
        let rows: Vec<&str> = stdout
            .lines()
            .take_while(|l| !l.starts_with("sources:"))
            .filter(|l| l.ends_with(" pass") || l.ends_with(" FAIL"))
            .collect();
        assert_eq!(rows.len(), 23, "{stdout}");
        for row in &rows {
            assert!(row.ends_with("pass"), "{row}");
        }
        assert!(stdout.contains("23 of 23 targets pass"), "{stdout}");
        assert!(stdout.contains("sources:"));
    }

    /// A target the model misses is printed as FAIL and makes the command exit 1.
    #[test]
    fn a_missed_target_fails_and_exits_1() {
        let dir = std::env::temp_dir().join(format!("remsim-validate-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let history = Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/history/2020-2024.toml");
        let targets = dir.join("targets.toml");
        std::fs::write(
            &targets,
            format!(
                "[[scenario]]\nid = \"2020-2024\"\nfile = {:?}\n\n\
                 [[target]]\nscenario = \"2020-2024\"\nname = \"Ce below 10 cents\"\n\
                 source = \"a test\"\nmetric = \"price.ce.cn\"\ncheck = \"below_every_year\"\n\
                 from_year = 2020\nto_year = 2024\nthreshold = 0.1\n",
                history.to_str().unwrap()
            ),
        )
        .unwrap();
        let args = ["validate", "--trials", "4", "--targets", s(&targets)];
        let stdout = text(&run_with_status(&args, 1).stdout);
        let row = stdout
            .lines()
            .find(|l| l.contains("Ce below 10 cents"))
            .unwrap();
        assert!(row.ends_with("FAIL"), "{row}");
        assert!(stdout.contains("0 of 1 targets pass"), "{stdout}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

mod studies {
    use super::*;

    /// A scratch folder removed when the test ends, pass or fail: a sweep's folder holds
    /// ~220 MB, and left behind by every run they filled the disk.
    struct TempDir(PathBuf);

    impl std::ops::Deref for TempDir {
        type Target = Path;
        fn deref(&self) -> &Path {
            &self.0
        }
    }

    impl AsRef<Path> for TempDir {
        fn as_ref(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn temp_dir(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("remsim-studies-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        TempDir(dir)
    }

    #[test]
    fn compare_writes_both_folders_and_the_paired_differences() {
        let out = temp_dir("compare");
        let (base, shock) = (
            "configs/baseline.toml",
            "configs/shocks/myanmar-disruption.toml",
        );
        let run = run_compare(base, shock, 12, 4, &out);
        for file in [
            "base/summary.csv",
            "shock/summary.csv",
            "base/trials.csv",
            "diff_summary.csv",
            "diff_trials.csv",
        ] {
            assert!(out.join(file).exists(), "missing {file}");
        }
        let diff = std::fs::read_to_string(out.join("diff_summary.csv")).unwrap();
        assert!(diff.starts_with(
            "metric,tick,date,n,mean,sd,min,p01,p05,p25,p50,p75,p95,p99,max,se,unit\n"
        ));
        // Before the closure (2026-06) the paired difference is exactly zero: common random numbers.
        let early = diff
            .lines()
            .find(|l| l.starts_with("price.dy.cn,0,2025-01,"))
            .unwrap();
        assert!(early.ends_with(",0,0,0,0,0,0,0,0,0,0,0,USD/kg"), "{early}");
        let stdout = text(&run.stdout);
        assert!(
            stdout.contains("Shock against base over 12 paired trials"),
            "{stdout}"
        );
        // The folder is not overwritten without --force.
        let again = remsim(&batch_args(&["compare", base, shock], 12, 4, &[], &out));
        assert_eq!(again.status.code(), Some(2));
    }

    #[test]
    fn a_grid_and_a_latin_hypercube_sweep_write_their_tables() {
        for (file, points) in [
            ("export-licence-approval.toml", 9),
            ("recycling-lhs.toml", 20),
        ] {
            let source = std::fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("configs/sweeps")
                    .join(file),
            )
            .unwrap();
            let dir = temp_dir(file);
            std::fs::create_dir_all(&dir).unwrap();
            let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/baseline.toml");
            let small = source
                .lines()
                .map(|l| {
                    if l.starts_with("trials =") {
                        "trials = 3".to_string()
                    } else if l.starts_with("base =") {
                        format!("base = {:?}", base.display().to_string())
                    } else {
                        l.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join("\n");
            let sweep = dir.join(file);
            std::fs::write(&sweep, small).unwrap();
            let out = dir.join("out");
            let run = remsim(&[
                "sweep",
                sweep.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ]);
            assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
            let table = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
            assert_eq!(table.lines().count(), points + 1, "{table}");
            assert!(out.join("point-000/scenario.toml").exists());
        }
    }
}

mod shock_files {
    use super::*;

    /// Every ready shock file passes `remsim check` and runs a trial.
    #[test]
    fn every_shock_file_checks_and_runs() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/shocks");
        let files = toml_files(&dir);
        assert!(files.len() >= 10, "{files:?}");
        let out = std::env::temp_dir().join(format!("remsim-shock-{}.csv", std::process::id()));
        for file in files {
            let path = file.to_str().unwrap();
            let check = remsim(&["check", path]);
            assert_eq!(
                check.status.code(),
                Some(0),
                "{path}: {}",
                text(&check.stderr)
            );
            assert!(text(&check.stdout).contains("shocks ("), "{path}");
            run_ok(&[
                "trial",
                path,
                "--seed",
                "2",
                "--trial",
                "5",
                "--out",
                s(&out),
                "--force",
            ]);
        }
    }
}

mod metrics {
    use super::*;

    /// Splits one CSV line into fields (quotes as `remsim metrics` writes them).
    fn fields(line: &str) -> Vec<String> {
        let mut out = vec![String::new()];
        let mut quoted = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' if quoted && chars.peek() == Some(&'"') => {
                    chars.next();
                    out.last_mut().unwrap().push('"');
                }
                '"' => quoted = !quoted,
                ',' if !quoted => out.push(String::new()),
                c => out.last_mut().unwrap().push(c),
            }
        }
        out
    }

    #[test]
    fn the_catalog_covers_every_name_a_batch_writes() {
        let out = remsim(&["metrics", "--format", "csv"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let catalog = text(&out.stdout);
        let mut lines = catalog.lines();
        assert_eq!(lines.next(), Some("name,unit,kind,description"));
        let mut described = std::collections::BTreeSet::new();
        for line in lines {
            let f = fields(line);
            assert_eq!(f.len(), 4, "{line}");
            assert!(
                f[1..].iter().all(|x| !x.trim().is_empty()),
                "empty unit, kind or description: {line}"
            );
            described.insert(f[0].clone());
        }

        let dir = support::scratch("cli", "metrics").join("batch");
        support::run_ok(&["run", "--trials", "3", "--out", support::s(&dir), "--quiet"]);
        let summary = std::fs::read_to_string(dir.join("summary.csv")).unwrap();
        let mut rows = summary.lines();
        let header = fields(rows.next().unwrap());
        let metric = header.iter().position(|h| h == "metric").unwrap();
        let metrics: std::collections::BTreeSet<String> =
            rows.map(|l| fields(l)[metric].clone()).collect();
        assert!(metrics.len() > 100, "{} metrics", metrics.len());
        let trials = std::fs::read_to_string(dir.join("trials.csv")).unwrap();
        let columns = fields(trials.lines().next().unwrap());
        assert_eq!(columns[0], "trial");
        for name in metrics.iter().chain(&columns[1..]) {
            assert!(
                described.contains(name),
                "`{name}` is not in `remsim metrics --format csv`"
            );
        }
    }
}

/// Without the `parquet` feature, `--format parquet|both` is refused before any trial runs
/// (exit 2, no folder), not after a batch of hours.
#[cfg(not(feature = "parquet"))]
mod format_without_parquet {
    use super::*;

    #[test]
    fn is_refused_before_the_batch_runs() {
        let dir = support::scratch("format", "no-parquet");
        let out_dir = dir.join("out");
        for args in [
            vec![
                "run",
                "--trials",
                "2",
                "--format",
                "both",
                "--out",
                s(&out_dir),
            ],
            vec![
                "compare",
                "builtin:baseline",
                "builtin:baseline",
                "--trials",
                "2",
                "--format",
                "parquet",
                "--out",
                s(&out_dir),
            ],
        ] {
            let out = run_with_status(&args, 2);
            let stderr = text(&out.stderr);
            assert!(stderr.contains("--features parquet"), "{stderr}");
            assert!(!out_dir.exists(), "{args:?} left {}", out_dir.display());
        }
    }
}
