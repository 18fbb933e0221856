//! The reliability suite (issue 19): results folders damaged file by file and read by every
//! reader, interrupted batches with a damaged durable prefix, kill/resume cycles, a full
//! disk at every point of a batch (on a small tmpfs, where this machine lets us mount one),
//! malformed sweep files, implausible configs, and a bounded mutation fuzz of configs. Each
//! test prints its figures (cases tried, refused, identical, silent changes, panics);
//! `.ci/run` shows them and docs/reliability.md records them. Run with
//! `cargo test --release --test reliability -- --nocapture --test-threads 1`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use support::{SHORT, Scratch, batch_args, remsim, run_batch, run_compare, s, text};

fn copy_dir(from: &Path, to: &Path) {
    let _ = fs::remove_dir_all(to);
    fs::create_dir_all(to).expect("copy target");
    for entry in fs::read_dir(from).expect("copy source") {
        let entry = entry.expect("entry");
        if entry.file_type().expect("type").is_file() {
            fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
        }
    }
}

fn panicked(out: &Output) -> bool {
    let err = text(&out.stderr);
    err.contains("panicked") || err.contains("RUST_BACKTRACE") || out.status.code().is_none()
}

/// The batch outputs that must be byte-identical to an uninterrupted run.
const OUTPUTS: [&str; 5] = [
    "manifest.json",
    "trials.csv",
    "inputs.csv",
    "summary.csv",
    "aggregates.bin",
];

fn same_outputs(a: &Path, b: &Path) -> bool {
    OUTPUTS.iter().all(|f| {
        fs::read(a.join(f)).ok().is_some() && fs::read(a.join(f)).ok() == fs::read(b.join(f)).ok()
    })
}

fn no_tmp_files(dir: &Path) -> bool {
    fs::read_dir(dir).map_or(true, |entries| {
        entries
            .filter_map(Result::ok)
            .all(|e| !e.file_name().to_string_lossy().ends_with(".tmp"))
    })
}

/// The ways a file is damaged.
const DAMAGES: [&str; 5] = ["truncate", "flip", "digit", "empty", "delete"];

/// Damages `path` in place; false if this damage does not apply (no digit to change).
fn damage(path: &Path, how: &str) -> bool {
    let Ok(mut bytes) = fs::read(path) else {
        return false;
    };
    match how {
        "truncate" => bytes.truncate(bytes.len() / 2),
        "flip" => {
            let at = bytes.len() / 2;
            bytes[at] ^= 0x01;
        }
        "digit" => {
            let start = bytes.len() / 2;
            let Some(at) = (start..bytes.len())
                .chain(0..start)
                .find(|&i| bytes[i].is_ascii_digit())
            else {
                return false;
            };
            bytes[at] = if bytes[at] == b'9' {
                b'1'
            } else {
                bytes[at] + 1
            };
        }
        "empty" => bytes.clear(),
        "delete" => return fs::remove_file(path).is_ok(),
        _ => return false,
    }
    fs::write(path, bytes).is_ok()
}

#[derive(Default, Debug)]
struct Tally {
    tried: usize,
    refused: usize,
    identical: usize,
    silent: Vec<String>,
    panics: Vec<String>,
}

impl Tally {
    /// Counts one damaged case: a panic, a refusal that names `name` (in `err`, the
    /// reader's stderr and stdout), a read identical to the undamaged one (`want`: its
    /// stdout and the bytes it wrote), or else a silent change. True if it was refused.
    fn record(
        &mut self,
        case: String,
        (out, bytes): &(Output, Vec<u8>),
        err: &str,
        want: &(Vec<u8>, Vec<u8>),
        name: &str,
    ) -> bool {
        self.tried += 1;
        if panicked(out) {
            self.panics.push(case);
        } else if !out.status.success() && err.contains(name) {
            self.refused += 1;
            return true;
        } else if out.status.success() && out.stdout == want.0 && *bytes == want.1 {
            self.identical += 1;
        } else {
            let code = out.status.code();
            self.silent
                .push(format!("{case}: exit {code:?}: {}", err.trim()));
        }
        false
    }

    fn print(&self, what: &str) {
        let mut lines = format!(
            "reliability: {what}: {} cases, {} refused naming the file, {} identical to the undamaged result, {} silent changes, {} panics",
            self.tried,
            self.refused,
            self.identical,
            self.silent.len(),
            self.panics.len()
        );
        for s in &self.silent {
            lines.push_str(&format!("\n  silent: {s}"));
        }
        for p in &self.panics {
            lines.push_str(&format!("\n  panic: {p}"));
        }
        figure(&lines);
    }
}

/// Prints a test's figures (the line `.ci/run` shows), then fails listing the `problems`, if
/// there are any.
fn figures(line: String, problems: &[String]) {
    figure(&format!("reliability: {line}"));
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Where the suite's figures are also written, one line each (`.ci/run` deletes the file
/// before the workspace tests and shows it after them: those tests capture what a passing
/// test prints, and running the suite a second time only to see its figures cost CI minutes).
const FIGURES: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/reliability-figures.txt");

/// Prints one of the suite's figures (`reliability: …`, with any `silent:`/`panic:` lines
/// under it) and appends it to [`FIGURES`] in one write, so the figures of tests running in
/// parallel do not interleave.
fn figure(lines: &str) {
    println!("{lines}");
    let appended = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(FIGURES)
        .and_then(|mut file| file.write_all(format!("{lines}\n").as_bytes()));
    if let Err(e) = appended {
        println!("reliability: cannot append to {FIGURES}: {e}");
    }
}

/// [`figure`] with `format!` arguments.
macro_rules! figure {
    ($($arg:tt)*) => {
        figure(&format!($($arg)*))
    };
}

/// What each reader gives on a folder: (exit ok, stdout, the bytes of what it wrote).
fn read_with(reader: &str, dir: &Path, work: &Path) -> (Output, Vec<u8>) {
    let d = dir.to_str().expect("utf-8 path");
    match reader {
        "show" => (remsim(&["show", d, "--metric", "price.dy.row"]), Vec::new()),
        "show-list" => (remsim(&["show", d]), Vec::new()),
        "report" => {
            let out = remsim(&["report", d, "--no-png"]);
            let html = fs::read(dir.join("report.html")).unwrap_or_default();
            let _ = fs::remove_file(dir.join("report.html"));
            let _ = fs::remove_dir_all(dir.join("plots"));
            (out, html)
        }
        "replay" => {
            let to = work.join("replayed.csv");
            let out = remsim(&["replay", d, "--trial", "3", "--out", s(&to), "--force"]);
            let bytes = fs::read(&to).unwrap_or_default();
            let _ = fs::remove_file(&to);
            (out, bytes)
        }
        "merge" => {
            let to = work.join("merged");
            let out = remsim(&["merge", d, "--out", s(&to), "--force", "--quiet"]);
            let mut bytes = Vec::new();
            for f in OUTPUTS {
                bytes.extend(fs::read(to.join(f)).unwrap_or_default());
            }
            let _ = fs::remove_dir_all(&to);
            (out, bytes)
        }
        "resume" => {
            let out = remsim(&["run", "--resume", "--out", d, "--quiet"]);
            let mut bytes = Vec::new();
            for f in OUTPUTS {
                bytes.extend(fs::read(dir.join(f)).unwrap_or_default());
            }
            (out, bytes)
        }
        "verify" => (remsim(&["verify", d]), Vec::new()),
        other => panic!("unknown reader {other}"),
    }
}

const READERS: [&str; 7] = [
    "show",
    "show-list",
    "report",
    "replay",
    "merge",
    "resume",
    "verify",
];

/// Damages each of `files` (paths inside the folder) in each way of [`DAMAGES`], in a fresh
/// copy that `copy` makes of a pristine folder at `<work>/folder`, and reads it with each of
/// `readers`, comparing with what the reader gives on the undamaged copy. Returns the tally
/// and how many of `verify`'s refusals said "damaged".
fn damage_matrix(
    readers: &[&str],
    files: &[&str],
    work: &Path,
    copy: impl Fn(&Path),
) -> (Tally, usize) {
    let dir = work.join("folder");
    // What each reader gives on the undamaged folder, at the same path.
    let mut expected = Vec::new();
    for reader in readers {
        copy(&dir);
        let (out, bytes) = read_with(reader, &dir, work);
        assert!(out.status.success(), "{reader}: {}", text(&out.stderr));
        expected.push((out.stdout, bytes));
    }
    let mut tally = Tally::default();
    let mut verify_named = 0;
    for file in files {
        let name = Path::new(file).file_name().unwrap().to_str().unwrap();
        for how in DAMAGES {
            for (reader, want) in readers.iter().zip(&expected) {
                copy(&dir);
                if !damage(&dir.join(file), how) {
                    continue;
                }
                let case = format!("{reader} on {file} ({how})");
                let got = read_with(reader, &dir, work);
                let err = text(&got.0.stderr) + &text(&got.0.stdout);
                if tally.record(case, &got, &err, want, name)
                    && *reader == "verify"
                    && err.contains("damaged")
                {
                    verify_named += 1;
                }
            }
        }
    }
    (tally, verify_named)
}

#[test]
fn damaged_results_are_refused_or_read_identically() {
    let root = Scratch::new("reliability", "damage");
    let pristine = root.join("pristine");
    run_batch(SHORT, 12, 5, &[], &pristine);
    let mut files: Vec<String> = fs::read_dir(&pristine)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    let copy = |to: &Path| copy_dir(&pristine, to);
    let (tally, verify_named) = damage_matrix(&READERS, &files, &root, copy);
    tally.print("damaged-file matrix (each data file × truncate/flip/digit/empty/delete × show, show-list, report, replay, merge, resume, verify)");
    figure!(
        "reliability: remsim verify named the damaged file in {verify_named} of {} damaged folders",
        tally.tried / READERS.len()
    );
    assert!(tally.silent.is_empty() && tally.panics.is_empty());
    assert_eq!(verify_named * READERS.len(), tally.tried);
}

/// Runs a batch and stops it with `signal` after `after`; true if it was interrupted
/// (the folder is left incomplete).
fn interrupted_run(config: &str, trials: u64, dir: &Path, signal: &str, after: Duration) -> bool {
    let resume = dir.join("manifest.json").exists();
    let again = if resume { "--resume" } else { "--force" };
    let extra = ["--threads", "2", "--checkpoint-secs", "0", again];
    let args = batch_args(&["run", config], trials, 7, &extra, dir);
    let mut child = Command::new(env!("CARGO_BIN_EXE_remsim"))
        .args(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("remsim starts");
    std::thread::sleep(after);
    let _ = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status();
    let _ = child.wait();
    let verify = remsim(&["verify", s(dir)]);
    verify.status.code() == Some(3)
}

#[test]
fn damaged_durable_prefix_is_refused_on_resume() {
    let root = Scratch::new("reliability", "prefix");
    let reference = root.join("reference");
    let trials = 1200;
    run_batch(SHORT, trials, 7, &[], &reference);
    let stopped = root.join("stopped");
    let mut wait = 400;
    while !interrupted_run(SHORT, trials, &stopped, "-INT", Duration::from_millis(wait)) {
        let _ = fs::remove_dir_all(&stopped);
        wait /= 2;
        assert!(wait > 10, "could not interrupt a batch");
    }
    let mut tally = Tally::default();
    let mut different = Vec::new();
    let dir = root.join("case");
    for file in ["trials.csv", "checkpoint.bin", "manifest.json"] {
        for how in DAMAGES {
            copy_dir(&stopped, &dir);
            if !damage(&dir.join(file), how) {
                continue;
            }
            tally.tried += 1;
            let out = remsim(&["run", "--resume", "--out", s(&dir), "--quiet"]);
            let case = format!("resume with {file} ({how})");
            let err = text(&out.stderr);
            if panicked(&out) {
                tally.panics.push(case);
            } else if !out.status.success() && err.contains(file) {
                tally.refused += 1;
            } else if out.status.success() && same_outputs(&dir, &reference) {
                tally.identical += 1;
            } else if out.status.success() {
                different.push(case);
            } else {
                tally
                    .silent
                    .push(format!("{case}: refused without naming the file: {err}"));
            }
        }
    }
    tally.print("damaged durable prefix on --resume (trials.csv, checkpoint.bin, manifest.json × 5 damages)");
    figures(
        format!("resumes to different results: {}", different.len()),
        &different,
    );
    assert!(tally.silent.is_empty() && tally.panics.is_empty());

    // Kill/resume cycles: SIGKILL and SIGTERM at several points, then resume to the end.
    let mut cycles = 0;
    let mut identical = 0;
    for (signal, ms) in [
        ("-KILL", 300),
        ("-KILL", 700),
        ("-TERM", 500),
        ("-KILL", 150),
    ] {
        let dir = root.join(format!("cycle{cycles}"));
        let _ = fs::remove_dir_all(&dir);
        let _ = interrupted_run(SHORT, trials, &dir, signal, Duration::from_millis(ms));
        let _ = interrupted_run(SHORT, trials, &dir, signal, Duration::from_millis(ms));
        run_batch(SHORT, trials, 7, &["--resume"], &dir);
        cycles += 1;
        assert!(no_tmp_files(&dir));
        if same_outputs(&dir, &reference) {
            identical += 1;
        }
    }
    figure!(
        "reliability: kill/resume cycles: {cycles} batches killed twice each (SIGKILL, SIGTERM) and resumed, {identical} byte-identical to the uninterrupted batch"
    );
    assert_eq!(identical, cycles);
}

#[test]
fn full_disk_at_any_point_resumes_to_the_exact_result() {
    let root = Scratch::new("reliability", "enospc");
    let reference = root.join("reference");
    let extra = ["--threads", "1", "--checkpoint-secs", "0"];
    run_batch(SHORT, 100, 3, &extra, &reference);
    let mount = root.join("tmpfs");
    fs::create_dir_all(&mount).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=4k", "tmpfs", s(&mount)])
        .stderr(Stdio::piped())
        .output();
    match &mounted {
        Ok(o) if o.status.success() => {}
        Ok(o) => {
            figure!(
                "reliability: full disk: skipped: cannot mount a tmpfs here ({})",
                text(&o.stderr).trim()
            );
            return;
        }
        Err(e) => {
            figure!("reliability: full disk: skipped: cannot run mount ({e})");
            return;
        }
    }
    let remount = |size: u64| {
        Command::new("mount")
            .args(["-o", &format!("remount,size={size}"), s(&mount)])
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    };
    let dir = mount.join("out");
    let (mut tried, mut failed, mut identical, mut stray) = (0, 0, 0, Vec::new());
    let mut size = 4096u64;
    while size <= 1_400_000 {
        let _ = fs::remove_dir_all(&dir);
        assert!(remount(size), "remount to {size}");
        let out = remsim(&batch_args(&["run", SHORT], 100, 3, &extra, &dir));
        tried += 1;
        assert!(!panicked(&out), "{}", text(&out.stderr));
        if !out.status.success() {
            failed += 1;
            if !no_tmp_files(&dir) {
                stray.push(size);
            }
        }
        assert!(remount(64 << 20));
        let resume = [&extra[..], &["--resume"]].concat();
        let resumed = remsim(&batch_args(&["run", SHORT], 100, 3, &resume, &dir));
        assert!(
            resumed.status.success(),
            "size {size}: {}",
            text(&resumed.stderr)
        );
        if same_outputs(&dir, &reference) && no_tmp_files(&dir) {
            identical += 1;
        }
        size += 48 * 1024;
    }
    let _ = fs::remove_dir_all(&dir);
    let _ = Command::new("umount").arg(&mount).status();
    figure!(
        "reliability: full disk: {tried} tmpfs sizes from 4 KiB up, {failed} batches stopped by ENOSPC, {} left a .tmp file, {identical} of {tried} resumed to the exact uninterrupted result",
        stray.len()
    );
    assert!(stray.is_empty(), "stray .tmp files at sizes {stray:?}");
    assert_eq!(identical, tried);
    assert!(failed > 10, "the sizes should stop most batches");
}

/// (name, sweep file text): each one is wrong in one way.
fn malformed_sweeps() -> Vec<(&'static str, String)> {
    let mut all = malformed_sweeps_fields();
    all.extend(malformed_sweeps_values());
    all
}

/// The first half of [`malformed_sweeps`]: field and structure mistakes.
fn malformed_sweeps_fields() -> Vec<(&'static str, String)> {
    let base = "base = \"../../../configs/baseline.toml\"\n";
    let good_param =
        "[[parameter]]\npath = \"policy.china.export_licence_approval\"\nvalues = [0.3, 0.6]\n";
    let lhs_param =
        "[[parameter]]\npath = \"policy.china.export_licence_approval\"\nrange = [0.3, 0.9]\n";
    vec![
        (
            "unknown-field",
            format!("{base}trials = 2\ndesign = \"grid\"\ncolour = 1\n{good_param}"),
        ),
        (
            "zero-trials",
            format!("{base}trials = 0\ndesign = \"grid\"\n{good_param}"),
        ),
        (
            "negative-trials",
            format!("{base}trials = -5\ndesign = \"grid\"\n{good_param}"),
        ),
        (
            "design-typo",
            format!("{base}trials = 2\ndesign = \"gird\"\n{good_param}"),
        ),
        (
            "grid-without-values",
            format!(
                "{base}trials = 2\ndesign = \"grid\"\n[[parameter]]\npath = \"policy.china.export_licence_approval\"\n"
            ),
        ),
        (
            "grid-with-range",
            format!("{base}trials = 2\ndesign = \"grid\"\n{lhs_param}"),
        ),
        (
            "grid-with-points",
            format!("{base}trials = 2\ndesign = \"grid\"\npoints = 3\n{good_param}"),
        ),
        (
            "lhs-without-points",
            format!("{base}trials = 2\ndesign = \"latin_hypercube\"\n{lhs_param}"),
        ),
        (
            "lhs-zero-points",
            format!("{base}trials = 2\ndesign = \"latin_hypercube\"\npoints = 0\n{lhs_param}"),
        ),
        (
            "lhs-too-many-points",
            format!(
                "{base}trials = 2\ndesign = \"latin_hypercube\"\npoints = 1000000\n{lhs_param}"
            ),
        ),
        (
            "reversed-range",
            format!(
                "{base}trials = 2\ndesign = \"latin_hypercube\"\npoints = 3\n[[parameter]]\npath = \"policy.china.export_licence_approval\"\nrange = [0.9, 0.3]\n"
            ),
        ),
        (
            "nan-bound",
            format!(
                "{base}trials = 2\ndesign = \"latin_hypercube\"\npoints = 3\n[[parameter]]\npath = \"policy.china.export_licence_approval\"\nrange = [nan, 0.3]\n"
            ),
        ),
    ]
}

/// The second half of [`malformed_sweeps`].
fn malformed_sweeps_values() -> Vec<(&'static str, String)> {
    let base = "base = \"../../../configs/baseline.toml\"\n";
    let good_param =
        "[[parameter]]\npath = \"policy.china.export_licence_approval\"\nvalues = [0.3, 0.6]\n";
    vec![
        (
            "inf-value",
            format!(
                "{base}trials = 2\ndesign = \"grid\"\n[[parameter]]\npath = \"policy.china.export_licence_approval\"\nvalues = [0.5, inf]\n"
            ),
        ),
        (
            "range-of-three",
            format!(
                "{base}trials = 2\ndesign = \"latin_hypercube\"\npoints = 3\n[[parameter]]\npath = \"policy.china.export_licence_approval\"\nrange = [0.1, 0.2, 0.3]\n"
            ),
        ),
        (
            "unknown-path",
            format!(
                "{base}trials = 2\ndesign = \"grid\"\n[[parameter]]\npath = \"policy.china.export_licence_aproval\"\nvalues = [0.5]\n"
            ),
        ),
        (
            "unknown-id",
            format!(
                "{base}trials = 2\ndesign = \"grid\"\n[[parameter]]\npath = \"recyclers[ganzhou-recycler].collection_rate\"\nvalues = [0.5]\n"
            ),
        ),
        (
            "bad-path-syntax",
            format!(
                "{base}trials = 2\ndesign = \"grid\"\n[[parameter]]\npath = \"recyclers[x\"\nvalues = [0.5]\n"
            ),
        ),
        (
            "duplicate-parameter",
            format!("{base}trials = 2\ndesign = \"grid\"\n{good_param}{good_param}"),
        ),
        (
            "unknown-outcome",
            format!(
                "{base}trials = 2\ndesign = \"grid\"\noutcomes = [\"price_mean.dy.row.2300\"]\n{good_param}"
            ),
        ),
        (
            "invalid-point",
            format!(
                "{base}trials = 2\ndesign = \"grid\"\n[[parameter]]\npath = \"policy.china.export_licence_approval\"\nvalues = [0.5, 3.0]\n"
            ),
        ),
        (
            "absurd-magnitude",
            format!(
                "{base}trials = 2\ndesign = \"grid\"\n[[parameter]]\npath = \"recyclers[ganzhou-recyclers].capacity_t\"\nvalues = [1e300]\n"
            ),
        ),
        (
            "grid-too-large",
            format!(
                "{base}trials = 2\ndesign = \"grid\"\n[[parameter]]\npath = \"policy.china.export_licence_approval\"\nvalues = [{}]\n[[parameter]]\npath = \"policy.china.export_licence_delay_months\"\nvalues = [{}]\n",
                vec!["0.5"; 200].join(","),
                vec!["1.0"; 200].join(",")
            ),
        ),
        (
            "missing-base",
            format!("base = \"nowhere.toml\"\ntrials = 2\ndesign = \"grid\"\n{good_param}"),
        ),
        ("bad-toml", format!("{base}trials = = 2\n")),
    ]
}

#[test]
fn malformed_sweep_files_are_refused_before_anything_runs() {
    let root = Scratch::new("reliability", "sweeps");
    // Relative paths in the sweep files are resolved from the sweep file's folder.
    let here = std::env::current_dir().unwrap();
    let files = root.join("a").join("b").join("c");
    fs::create_dir_all(&files).unwrap();
    let cases = malformed_sweeps();
    let mut located = 0;
    let mut non_utf8 = Vec::from(&b"base = \"x\"\ntrials = 2\ndesign = \"gr\xffid\"\n"[..]);
    non_utf8.extend(b"\n");
    let mut all: Vec<(String, Vec<u8>)> = cases
        .iter()
        .map(|(n, t)| (n.to_string(), t.clone().into_bytes()))
        .collect();
    all.push(("non-utf8".to_string(), non_utf8));
    let mut failures = Vec::new();
    for (name, bytes) in &all {
        // The base path is relative to the sweep file: point it at the repository.
        let fixed = String::from_utf8_lossy(bytes).replace(
            "../../../configs/baseline.toml",
            s(&here.join("configs/baseline.toml")),
        );
        let bytes = if name == "non-utf8" {
            bytes.clone()
        } else {
            fixed.into_bytes()
        };
        let file = files.join(format!("{name}.toml"));
        fs::write(&file, bytes).unwrap();
        let out_dir = root.join(format!("out-{name}"));
        let out = remsim(&["sweep", s(&file), "--out", s(&out_dir), "--quiet"]);
        let err = text(&out.stderr);
        let prefix = format!("{}:", file.display());
        let has_line = err.lines().any(|l| {
            l.strip_prefix("error: ")
                .and_then(|l| l.strip_prefix(&prefix))
                .and_then(|rest| rest.split(':').next())
                .is_some_and(|n| n.parse::<u32>().is_ok())
        });
        if out.status.code() == Some(2) && has_line && !out_dir.exists() && !panicked(&out) {
            located += 1;
        } else {
            failures.push(format!(
                "{name}: exit {:?}, wrote {}: {err}",
                out.status.code(),
                out_dir.exists()
            ));
        }
    }
    figures(
        format!(
            "malformed sweep files: {} cases, {located} exit 2 with file:line naming the sweep file and nothing written, panics 0",
            all.len()
        ),
        &failures,
    );
}

#[test]
fn implausible_configs_are_refused_by_check() {
    let root = Scratch::new("reliability", "plausible");
    let cases = [
        (
            "reversed-window",
            "extends = \"builtin:baseline\"\n[[shocks]]\nid = \"x\"\nwhen = { hazard_per_year = 0.5, duration_months = 6, from = \"2030-06\", until = \"2030-01\" }\ngreen_mining = { enforce_on_illegal = true, conversion_outage = 0.3 }\n",
            "until",
        ),
        (
            "absurd-capacity",
            "extends = \"builtin:baseline\"\n[[miners]]\nid = \"bayan-obo\"\ncapacity_t = 1e300\n",
            "capacity_t",
        ),
        (
            "absurd-demand",
            "extends = \"builtin:baseline\"\n[[demand]]\nid = \"wind\"\nbase_t = 1e12\n",
            "base_t",
        ),
        (
            "absurd-price",
            "extends = \"builtin:baseline\"\n[market.initial_price_cn_usd_per_kg]\ndy = 1e9\n",
            "dy",
        ),
        (
            "absurd-rate",
            "extends = \"builtin:baseline\"\n[market]\nstock_price_response = 1e300\n",
            "stock_price_response",
        ),
    ];
    let mut refused = 0;
    for (name, config, field) in cases {
        let file = root.join(format!("{name}.toml"));
        fs::write(&file, config).unwrap();
        let out = remsim(&["check", s(&file)]);
        let err = text(&out.stderr);
        let located = err
            .lines()
            .any(|l| l.starts_with(&format!("error: {}:", file.display())) && l.contains(field));
        assert!(out.status.code() == Some(2) && located, "{name}: {err}");
        refused += 1;
    }
    let file = root.join("latin1.toml");
    fs::write(
        &file,
        b"extends = \"builtin:baseline\"\n[scenario]\nname = \"M\xfcnchen\"\n",
    )
    .unwrap();
    let out = remsim(&["check", s(&file)]);
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!("{}:3:10: invalid UTF-8", file.display())),
        "{err}"
    );
    figure!(
        "reliability: implausible configs: {} cases (reversed window, 1e300 t, 1e12 t, 1e9 USD/kg, 1e300 rate, non-UTF-8), {} refused by check with file:line:col",
        cases.len() + 1,
        refused + 1
    );
}

/// A small deterministic generator (SplitMix64) for the mutation fuzz.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One mutation of a config's text: a number replaced by an odd one, a line dropped or
/// duplicated, a byte flipped, a value's type changed.
fn mutate(text: &str, rng: &mut Mix) -> Vec<u8> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let at = rng.below(lines.len());
    match rng.below(6) {
        0 | 1 => {
            const ODD: [&str; 12] = [
                "-1",
                "0",
                "1e300",
                "-1e300",
                "nan",
                "inf",
                "1e-300",
                "\"x\"",
                "[]",
                "{}",
                "99999999999",
                "2.5",
            ];
            if let Some((key, _)) = lines[at].split_once(" = ") {
                lines[at] = format!("{key} = {}", ODD[rng.below(ODD.len())]);
            }
        }
        2 => {
            lines.remove(at);
        }
        3 => {
            let line = lines[at].clone();
            lines.insert(at, line);
        }
        4 => {
            let mut bytes = lines.join("\n").into_bytes();
            let i = rng.below(bytes.len());
            bytes[i] ^= 1 << rng.below(8);
            return bytes;
        }
        _ => {
            if let Some((key, value)) = lines[at].split_once(" = ") {
                lines[at] = format!("{key} = [{value}, {value}]");
            }
        }
    }
    lines.join("\n").into_bytes()
}

#[test]
fn config_mutation_fuzz_never_panics() {
    let here = std::env::current_dir().unwrap();
    let mut sources = Vec::new();
    for dir in ["configs", "configs/shocks", "tests/data/report"] {
        for entry in fs::read_dir(here.join(dir)).unwrap().filter_map(Result::ok) {
            let p = entry.path();
            if p.extension().is_some_and(|e| e == "toml") {
                sources.push(p);
            }
        }
    }
    sources.sort();
    let mut rng = Mix(19);
    let deadline = Instant::now() + Duration::from_secs(20);
    let (mut tried, mut refused, mut accepted, mut panics) = (0, 0, 0, Vec::new());
    while tried < 300 && Instant::now() < deadline {
        let source = &sources[rng.below(sources.len())];
        let original = fs::read_to_string(source).unwrap();
        let mut bytes = mutate(&original, &mut rng);
        if rng.below(3) == 0 {
            bytes = mutate(&String::from_utf8_lossy(&bytes), &mut rng);
        }
        // Kept beside the original so relative `extends` still resolve.
        let file = source.with_file_name(format!(".fuzz-{}-{tried}.toml", std::process::id()));
        fs::write(&file, &bytes).unwrap();
        let out = remsim(&["check", s(&file)]);
        let _ = fs::remove_file(&file);
        tried += 1;
        match out.status.code() {
            _ if panicked(&out) => {
                panics.push(format!("{}: {}", source.display(), text(&out.stderr)))
            }
            Some(0) => accepted += 1,
            Some(2) => refused += 1,
            other => panics.push(format!("{}: exit {other:?}", source.display())),
        }
    }
    figures(
        format!(
            "config mutation fuzz: {tried} mutated configs (bounded to 20 s), {refused} refused with exit 2, {accepted} accepted, {} panics or other exits",
            panics.len()
        ),
        &panics,
    );
}

#[test]
fn damaged_comparison_folders_are_refused_or_read_identically() {
    let root = Scratch::new("reliability", "compare");
    let here = std::env::current_dir().unwrap();
    let shock = root.join("shock.toml");
    let short = here.join(SHORT);
    fs::write(
        &shock,
        format!(
            "extends = {:?}\n[market]\nfreight_usd_per_kg = 0.9\n",
            s(&short)
        ),
    )
    .unwrap();
    let pristine = root.join("pristine");
    run_compare(SHORT, s(&shock), 8, 0, &pristine);
    let copy = |to: &Path| {
        copy_dir(&pristine, to);
        copy_dir(&pristine.join("base"), &to.join("base"));
        copy_dir(&pristine.join("shock"), &to.join("shock"));
    };
    let files = [
        "diff_summary.csv",
        "diff_trials.csv",
        "comparison.json",
        "base/trials.csv",
        "shock/manifest.json",
    ];
    let (tally, _) = damage_matrix(&["show", "report", "verify"], &files, &root, copy);
    tally.print("damaged comparison folder (diff_summary.csv, diff_trials.csv, comparison.json, base/trials.csv, shock/manifest.json × 5 damages × show, report, verify)");
    assert!(tally.silent.is_empty() && tally.panics.is_empty());
}
