//! End-to-end tests of the `remsim` binary, grouped by theme. Cases are data: each file
//! in `tests/data/broken/` carries the exact error line it must produce.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn remsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_remsim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the remsim binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

mod check {
    use super::*;

    #[test]
    fn embedded_baseline_checks_clean() {
        let out = remsim(&["check"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let stdout = text(&out.stdout);
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
        let mut files: Vec<PathBuf> =
            std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
        files.sort();
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
