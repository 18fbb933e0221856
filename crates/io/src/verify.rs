//! Checking a results folder before it is used: [`verify_folder`] says whether it is
//! complete (its sealed manifest says so and every data file it lists has the recorded
//! size and BLAKE3), incomplete (resumable from a trial, its checkpoint and the durable
//! prefix of `trials.csv` intact), or damaged (an error naming the file and what differs).
//! Every reader of a results folder calls [`verify_finished`] or [`verify_folder`] first.
//!
//! Which files are data is decided by name, not from a fixed list ([`is_data_file`]), so a
//! new output file is checksummed without touching this module.

use crate::container::{ContainerReader, FileKind};
use crate::error::IoError;
use crate::files::hash_file;
use crate::manifest::{FileRecord, Manifest, Timing};
use crate::records::CheckpointRecord;
use crate::table::short;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// `manifest.json`.
pub const MANIFEST_FILE: &str = crate::names::MANIFEST;
/// `timing.json` (sealed itself, not listed: its bytes differ from run to run).
pub const TIMING_FILE: &str = crate::names::TIMING;
/// `checkpoint.bin`: present only while a batch is unfinished.
pub const CHECKPOINT_FILE: &str = crate::names::CHECKPOINT;
/// `comparison.json`: the sealed list of a comparison folder's own data files (its `base/`
/// and `shock/` are results folders with manifests of their own).
pub const COMPARISON_FILE: &str = crate::names::COMPARISON;
/// The `format` of `comparison.json`.
pub const COMPARISON_FORMAT: &str = "remsim-comparison";

/// `comparison.json`, written last by `remsim compare`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComparisonRecord {
    /// Always [`COMPARISON_FORMAT`].
    pub format: String,
    /// The folder's data files (`diff_summary.csv`, `diff_trials.csv`, …).
    pub files: Vec<FileRecord>,
    /// The seal, as in `manifest.json`.
    #[serde(default)]
    pub blake3: String,
}

/// Lists and seals the data files of the comparison folder `dir`; call it last.
pub fn write_comparison(dir: &Path) -> Result<(), IoError> {
    let record = ComparisonRecord {
        format: COMPARISON_FORMAT.to_string(),
        files: data_files(dir)?,
        blake3: crate::manifest::UNSEALED.to_string(),
    };
    crate::manifest::write_json(&dir.join(COMPARISON_FILE), &record)
}

/// Checks a comparison folder: its own listed files, then `base/` and `shock/` as finished
/// results folders.
pub fn verify_comparison(dir: &Path) -> Result<(), IoError> {
    verify_comparison_files(dir)?;
    verify_finished(&dir.join("base"))?;
    verify_finished(&dir.join("shock"))?;
    Ok(())
}

/// Checks a comparison folder's own files against its sealed `comparison.json`.
pub fn verify_comparison_files(dir: &Path) -> Result<(), IoError> {
    let path = dir.join(COMPARISON_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        IoError::damaged(
            &path,
            format!("cannot be read ({e}); rerun `remsim compare` with --force"),
        )
    })?;
    let record: ComparisonRecord = crate::manifest::read_sealed(&path, &text, "comparison list")?;
    if record.format != COMPARISON_FORMAT {
        return Err(IoError::refused(&path, "not a remsim comparison list"));
    }
    for file in &record.files {
        verify_file(dir, file)?;
    }
    Ok(())
}

/// What a results folder holds.
#[derive(Debug, Clone, PartialEq)]
pub enum FolderState {
    /// A finished batch, every listed file intact.
    Complete(Box<Manifest>),
    /// An unfinished batch that `remsim run --resume` can finish.
    Incomplete {
        /// Its manifest.
        manifest: Box<Manifest>,
        /// The trial the resume starts from.
        resumable_from: u64,
    },
}

/// Whether `name` (a file at the top of a results folder) is one of its data files: not the
/// manifest, timing or checkpoint, not a temporary `*.tmp`, not a report (`*.html`) and not
/// a trajectory written there by `remsim replay` (`trial-<I>.csv`).
pub fn is_data_file(name: &str) -> bool {
    let replayed = name
        .strip_prefix("trial-")
        .and_then(|rest| rest.strip_suffix(".csv"))
        .is_some_and(|i| !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit()));
    !(name == MANIFEST_FILE
        || name == TIMING_FILE
        || name == COMPARISON_FILE
        || name == CHECKPOINT_FILE
        || name.ends_with(".tmp")
        || name.ends_with(".html")
        || name.starts_with('.')
        || replayed)
}

/// Lists and hashes the data files of the folder `dir`, sorted by name, for the manifest
/// of a finished batch. Call it after every data file is synced.
pub fn data_files(dir: &Path) -> Result<Vec<FileRecord>, IoError> {
    let entries = std::fs::read_dir(dir).map_err(|e| IoError::os(dir, e))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| IoError::os(dir, e))?;
        let kind = entry
            .file_type()
            .map_err(|e| IoError::os(entry.path(), e))?;
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        if !kind.is_file() || !is_data_file(&name) {
            continue;
        }
        let (bytes, blake3) = digest(&entry.path(), None)?;
        files.push(FileRecord {
            name,
            bytes,
            blake3,
        });
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}

/// Checks the folder `dir`: `Ok` with its state, or an error naming the damaged file.
pub fn verify_folder(dir: &Path) -> Result<FolderState, IoError> {
    let path = dir.join(MANIFEST_FILE);
    if !path.is_file() {
        return Err(IoError::refused(
            dir,
            format!("not a remsim results folder: it has no {MANIFEST_FILE}"),
        ));
    }
    let manifest = Manifest::read(&path)?;
    let timing = dir.join(TIMING_FILE);
    if manifest.complete || timing.exists() {
        Timing::read(&timing)?;
    }
    if !manifest.complete {
        let resumable_from = verify_checkpoint(dir, &manifest)?;
        return Ok(FolderState::Incomplete {
            manifest: Box::new(manifest),
            resumable_from,
        });
    }
    if manifest.files.is_empty() {
        return Err(IoError::damaged(
            &path,
            "it says the batch is complete but lists no data file",
        ));
    }
    for record in &manifest.files {
        verify_file(dir, record)?;
    }
    Ok(FolderState::Complete(Box::new(manifest)))
}

/// Checks a finished folder and returns its manifest; an unfinished one is refused with
/// how to finish it.
pub fn verify_finished(dir: &Path) -> Result<Manifest, IoError> {
    match verify_folder(dir)? {
        FolderState::Complete(manifest) => Ok(*manifest),
        FolderState::Incomplete { resumable_from, .. } => Err(IoError::refused(
            dir,
            format!(
                "holds an unfinished batch (resumable from trial {resumable_from}); finish it with `remsim run --resume --out {}`",
                dir.display()
            ),
        )),
    }
}

/// One listed file: present, of the recorded size and BLAKE3.
/// The size of a file's first `limit` bytes (all of it for `None`) and their BLAKE3, hex.
fn digest(path: &Path, limit: Option<u64>) -> Result<(u64, String), IoError> {
    let (bytes, hasher) = hash_file(path, limit)?;
    Ok((bytes, hasher.finalize().to_hex().to_string()))
}

fn verify_file(dir: &Path, record: &FileRecord) -> Result<(), IoError> {
    let path = dir.join(&record.name);
    if record.name.contains(['/', '\\']) || !is_data_file(&record.name) {
        return Err(IoError::damaged(
            dir,
            format!(
                "a list of its files names `{}`, which is not a data file name",
                record.name
            ),
        ));
    }
    if !path.is_file() {
        return Err(IoError::damaged(
            &path,
            format!("missing (the manifest lists it: {} bytes)", record.bytes),
        ));
    }
    let (bytes, found) = digest(&path, None)?;
    if bytes != record.bytes || found != record.blake3 {
        return Err(IoError::damaged(
            &path,
            format!(
                "{bytes} bytes with BLAKE3 {}, but the manifest records {} bytes with BLAKE3 {}",
                short(&found),
                record.bytes,
                short(&record.blake3)
            ),
        ));
    }
    Ok(())
}

/// The trial an unfinished folder resumes from: its checkpoint's, after checking the
/// checkpoint and the durable prefix of `trials.csv` it records; the shard's first trial if
/// there is no checkpoint yet.
fn verify_checkpoint(dir: &Path, manifest: &Manifest) -> Result<u64, IoError> {
    let path = dir.join(CHECKPOINT_FILE);
    if !path.exists() {
        return Ok(manifest.shard.first_trial);
    }
    let mut reader = ContainerReader::open(&path, FileKind::Checkpoint)?;
    let record: CheckpointRecord = reader.item()?;
    if reader.config_hash() != manifest.config_hash
        || record.next_trial < manifest.shard.first_trial
        || record.next_trial > manifest.shard.end_trial
    {
        return Err(IoError::refused(
            &path,
            "belongs to another batch than the folder's manifest",
        ));
    }
    if record.has_aggregates {
        let trials = dir.join(crate::TRIALS_FILE);
        let (bytes, found) = digest(&trials, Some(record.trials_csv_bytes))?;
        if bytes != record.trials_csv_bytes || found != record.trials_csv_blake3 {
            return Err(IoError::damaged(
                &trials,
                format!(
                    "its first {} bytes (of {bytes} read) hash to BLAKE3 {}, but the checkpoint recorded {}",
                    record.trials_csv_bytes,
                    short(&found),
                    short(&record.trials_csv_blake3)
                ),
            ));
        }
    }
    Ok(record.next_trial)
}
