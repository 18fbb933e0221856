//! Golden outputs: BLAKE3 hashes of `trials.csv` and `summary.csv` for small batches (50
//! trials, seed 0) of the baseline, both history configs and every file in
//! `configs/shocks/`. A refactor must change no byte; a model change updates
//! `tests/golden/hashes.txt` on purpose, in the same commit, with a `CHANGELOG.md` line.
//!
//! To rewrite the file after a deliberate model change:
//! `REMSIM_UPDATE_GOLDEN=1 cargo test --release --test golden`.

// Test helpers outside `#[test]` functions unwrap on purpose: a failed step fails the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use support::{repo, toml_files};

const TRIALS: &str = "50";
const SEED: &str = "0";
const GOLDEN: &str = "tests/golden/hashes.txt";
const HASHED: [&str; 2] = ["trials.csv", "summary.csv"];

/// The configs under golden guard, as paths relative to the repository root.
fn configs() -> Vec<String> {
    let mut list = vec![
        "configs/baseline.toml".to_string(),
        "configs/history/2009-2014.toml".to_string(),
        "configs/history/2020-2024.toml".to_string(),
    ];
    list.extend(
        toml_files(&repo().join("configs/shocks"))
            .iter()
            .map(|path| {
                format!(
                    "configs/shocks/{}",
                    path.file_name().unwrap().to_string_lossy()
                )
            }),
    );
    list
}

/// Runs one 50-trial batch and returns `config file -> hash` lines for the hashed files.
fn hashes_of(config: &str, scratch: &Path) -> Vec<(String, String)> {
    let out_dir = scratch.join(config.replace(['/', '.'], "_"));
    let output = Command::new(env!("CARGO_BIN_EXE_remsim"))
        .args([
            "run", config, "--trials", TRIALS, "--seed", SEED, "--quiet", "--force",
        ])
        .arg("--out")
        .arg(&out_dir)
        .current_dir(repo())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "remsim run {config} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    HASHED
        .iter()
        .map(|file| {
            let bytes = std::fs::read(out_dir.join(file)).unwrap();
            (
                format!("{config} {file}"),
                blake3::hash(&bytes).to_hex().to_string(),
            )
        })
        .collect()
}

fn read_golden() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(repo().join(GOLDEN)).unwrap_or_default();
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| {
            let (key, hash) = line.rsplit_once(' ')?;
            Some((key.to_string(), hash.to_string()))
        })
        .collect()
}

#[test]
fn golden_outputs_are_unchanged() {
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("golden");
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    let mut actual = BTreeMap::new();
    for config in configs() {
        actual.extend(hashes_of(&config, &scratch));
    }
    if std::env::var_os("REMSIM_UPDATE_GOLDEN").is_some() {
        let mut text = String::from(
            "# BLAKE3 of 50-trial, seed-0 batches (tests/golden.rs). Update only with a model\n\
             # change and a CHANGELOG.md line: REMSIM_UPDATE_GOLDEN=1 cargo test --release --test golden\n",
        );
        for (key, hash) in &actual {
            text.push_str(&format!("{key} {hash}\n"));
        }
        std::fs::write(repo().join(GOLDEN), text).unwrap();
        return;
    }
    let golden = read_golden();
    let mut changed = Vec::new();
    for (key, hash) in &actual {
        match golden.get(key) {
            Some(expected) if expected == hash => {}
            Some(expected) => changed.push(format!("{key}: {expected} -> {hash}")),
            None => changed.push(format!("{key}: not in {GOLDEN} (new config?)")),
        }
    }
    for key in golden.keys().filter(|key| !actual.contains_key(*key)) {
        changed.push(format!("{key}: in {GOLDEN} but no longer produced"));
    }
    assert!(
        changed.is_empty(),
        "golden outputs changed (a model change must update {GOLDEN} and CHANGELOG.md):\n{}",
        changed.join("\n")
    );
}
