//! Helpers shared by the test binaries of the `remsim` package (`tests/*.rs`): run the
//! real binary, read its output, make scratch folders. Each binary includes this module
//! (`mod support;`) and uses what it needs.

// Each test binary uses a different part of it.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The short test world: the baseline cut to 18 months, so batches take seconds.
pub const SHORT: &str = "tests/data/batch/short.toml";

/// The repository root, where [`remsim`] runs.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A [`scratch`] folder that goes when dropped, unless the test is failing: then it stays
/// to be looked at.
pub struct Scratch(PathBuf);

impl Scratch {
    /// An empty scratch folder `name` of `group`.
    pub fn new(group: &str, name: &str) -> Scratch {
        Scratch(scratch(group, name))
    }
}

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// Runs the `remsim` binary with `args` in the repository root.
pub fn remsim<S: AsRef<OsStr> + Debug>(args: &[S]) -> Output {
    remsim_in(&repo(), args)
}

/// Runs the `remsim` binary with `args` in `dir`.
pub fn remsim_in<S: AsRef<OsStr> + Debug>(dir: &Path, args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_remsim"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the remsim binary runs")
}

/// Output bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `remsim` and asserts exit status 0, showing its output otherwise.
pub fn run_ok<S: AsRef<OsStr> + Debug>(args: &[S]) -> Output {
    run_ok_in(&repo(), args)
}

/// Runs `remsim` in `dir` and asserts exit status 0, showing its output otherwise.
pub fn run_ok_in<S: AsRef<OsStr> + Debug>(dir: &Path, args: &[S]) -> Output {
    expect_status(remsim_in(dir, args), args, 0)
}

/// Runs `remsim` and asserts exit status `code`, showing its output otherwise.
pub fn run_with_status<S: AsRef<OsStr> + Debug>(args: &[S], code: i32) -> Output {
    expect_status(remsim(args), args, code)
}

fn expect_status<S: Debug>(out: Output, args: &[S], code: i32) -> Output {
    assert_eq!(
        out.status.code(),
        Some(code),
        "remsim {args:?}\nstdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    out
}

/// A fresh, empty scratch folder `<target tmp>/<group>/<name>`.
pub fn scratch(group: &str, name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(group)
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder can be made");
    dir
}

/// A path as `&str` (test paths are UTF-8).
pub fn s(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// A CSV file without quoted fields as (header, rows), every field a string.
pub fn table(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(path).expect("the table reads");
    let mut lines = text.lines();
    let header = lines
        .next()
        .expect("a header line")
        .split(',')
        .map(str::to_string)
        .collect();
    let rows = lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// The arguments of `remsim COMMAND… --trials N --seed SEED EXTRA… --out DIR --quiet`, as
/// `run CONFIG` and `compare BASE SHOCK` take them.
pub fn batch_args(
    command: &[&str],
    trials: u64,
    seed: u64,
    extra: &[&str],
    out: &Path,
) -> Vec<String> {
    let (trials, seed) = (trials.to_string(), seed.to_string());
    let mut args = command.to_vec();
    args.extend(["--trials", &trials, "--seed", &seed]);
    args.extend_from_slice(extra);
    args.extend(["--out", s(out), "--quiet"]);
    args.into_iter().map(String::from).collect()
}

/// Runs `remsim run` (see [`batch_args`]), asserting success.
pub fn run_batch(config: &str, trials: u64, seed: u64, extra: &[&str], out: &Path) -> Output {
    run_ok(&batch_args(&["run", config], trials, seed, extra, out))
}

/// Runs `remsim compare BASE SHOCK` (see [`batch_args`]), asserting success.
pub fn run_compare(base: &str, shock: &str, trials: u64, seed: u64, out: &Path) -> Output {
    run_ok(&batch_args(
        &["compare", base, shock],
        trials,
        seed,
        &[],
        out,
    ))
}

/// The `.toml` files of `dir`, sorted by path.
pub fn toml_files(dir: &Path) -> Vec<PathBuf> {
    remsim_scenario::scenario_files(dir).expect("the folder reads")
}
