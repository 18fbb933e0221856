//! `remsim verify DIR`: whether a results folder (or both halves of a comparison folder)
//! is complete, incomplete and resumable from a trial, or damaged — naming the file.
//! Exit status: 0 complete, 3 incomplete, 1 damaged.

use clap::Args;
use remsim_io::{FolderState, IoError, verify_folder};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Options of `remsim verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A results folder (`remsim run`, `remsim merge`) or a comparison folder.
    pub dir: PathBuf,
}

/// What one folder is, as a line, and its exit status.
fn describe(dir: &Path) -> (String, u8) {
    match verify_folder(dir) {
        Ok(FolderState::Complete(m)) => (
            format!(
                "{}: complete ({} data files checked, trials {}..{})",
                dir.display(),
                m.files.len(),
                m.shard.first_trial,
                m.shard.end_trial
            ),
            0,
        ),
        Ok(FolderState::Incomplete { resumable_from, .. }) => (
            format!(
                "{}: incomplete, resumable from trial {resumable_from} (remsim run --resume --out {})",
                dir.display(),
                dir.display()
            ),
            3,
        ),
        Err(e) => (damaged_line(e), 1),
    }
}

/// `damaged: <file>: <what differs>`.
fn damaged_line(error: IoError) -> String {
    match error {
        IoError::Damaged { path, problem } => format!("damaged: {}: {problem}", path.display()),
        other => format!("damaged: {other}"),
    }
}

/// `remsim verify`.
pub fn run(args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let comparison = !args.dir.join(remsim_io::verify::MANIFEST_FILE).exists()
        && args.dir.join("base").is_dir()
        && args.dir.join("shock").is_dir();
    let dirs = if comparison {
        vec![args.dir.join("base"), args.dir.join("shock")]
    } else {
        vec![args.dir.clone()]
    };
    let mut worst = 0u8;
    if comparison && let Err(e) = remsim_io::verify::verify_comparison_files(&args.dir) {
        println!("{}", damaged_line(e));
        worst = 1;
    }
    for dir in &dirs {
        let (line, code) = describe(dir);
        println!("{line}");
        // Damaged outranks incomplete outranks complete.
        worst = match (worst, code) {
            (1, _) | (_, 1) => 1,
            (3, _) | (_, 3) => 3,
            _ => 0,
        };
    }
    Ok(ExitCode::from(worst))
}
