//! `manifest.json` — what a results folder holds and how to rebuild it — and
//! `timing.json`, kept apart so that everything else is comparable byte for byte.
//!
//! Both are sealed: their last field, `blake3`, is the BLAKE3 of the file's own bytes with
//! that field's value written as 64 zeros, so a changed digit anywhere is refused on read.
//! The manifest of a finished batch also lists every data file of the folder with its size
//! and BLAKE3 ([`FileRecord`]) and says `"complete": true`; it is written last, after those
//! files are synced, so a folder whose manifest does not say so is not finished.

use crate::error::IoError;
use crate::files::atomic_write;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The `format` field of every manifest.
pub const MANIFEST_FORMAT: &str = "remsim-results";
/// Version of the results-folder layout (manifest, CSV columns, aggregates payload).
pub const MANIFEST_VERSION: u32 = 2;
/// The value of a seal before it is computed.
pub(crate) const UNSEALED: &str =
    "0000000000000000000000000000000000000000000000000000000000000000";
/// How a seal field starts in pretty JSON (it cannot occur inside a JSON string).
const SEAL_KEY: &str = "\"blake3\": \"";

/// Which slice of the batch a folder holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardRecord {
    /// 0-based shard index.
    pub index: u64,
    /// Number of shards (1: the whole batch).
    pub count: u64,
    /// First trial held.
    pub first_trial: u64,
    /// One past the last trial held.
    pub end_trial: u64,
}

/// `manifest.json`: enough to check, merge and replay a results folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always [`MANIFEST_FORMAT`].
    pub format: String,
    /// [`MANIFEST_VERSION`] of the writer.
    pub format_version: u32,
    /// Version of the remsim that wrote it.
    pub remsim_version: String,
    /// Scenario name.
    pub scenario: String,
    /// BLAKE3 (hex) of the resolved config.
    pub config_hash: String,
    /// Master seed.
    pub seed: u64,
    /// Trials in the whole batch (all shards).
    pub trials: u64,
    /// The slice held here.
    pub shard: ShardRecord,
    /// First simulated month, `YYYY-MM`.
    pub start: String,
    /// Last simulated month, `YYYY-MM`.
    pub end: String,
    /// How `summary.csv`'s quantiles are computed: `exact` (order statistics of every
    /// trial's value) or `sketch` (log buckets, for batches above the exact limit). Absent in
    /// folders written before exact quantiles: read as `sketch`.
    #[serde(default = "sketch")]
    pub quantile_method: String,
    /// Bound on the relative error of each quantile in `summary.csv` (0 when exact).
    #[serde(default = "sketch_error")]
    pub quantile_rel_error: f64,
    /// The resolved config, distributions included (TOML).
    pub resolved_config: String,
    /// Whether the batch finished: written `true` only by the folder's very last write.
    #[serde(default)]
    pub complete: bool,
    /// Every data file of a finished folder (not the manifest, timing or checkpoint), by
    /// name, with size and BLAKE3; empty while the batch runs.
    #[serde(default)]
    pub files: Vec<FileRecord>,
    /// The seal (see the module doc); set by [`Manifest::write`].
    #[serde(default)]
    pub blake3: String,
}

/// One data file of a finished results folder, as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileRecord {
    /// File name inside the folder.
    pub name: String,
    /// Size in bytes.
    pub bytes: u64,
    /// BLAKE3 of its bytes, 64 lower-case hex characters.
    pub blake3: String,
}

fn sketch() -> String {
    "sketch".to_string()
}

/// The sketch's bound, for manifests written before the field existed.
fn sketch_error() -> f64 {
    0.0078
}

impl Manifest {
    /// Writes the manifest (pretty JSON, trailing newline, sealed) atomically.
    pub fn write(&self, path: &Path) -> Result<(), IoError> {
        write_json(path, self)
    }

    /// Reads a manifest, refusing other formats and versions.
    pub fn read(path: &Path) -> Result<Manifest, IoError> {
        let text = std::fs::read_to_string(path).map_err(|e| IoError::os(path, e))?;
        // Check the format before the fields, so a foreign JSON file gets a clear message.
        let header: serde_json::Value = parse_json(path, &text, "manifest")?;
        let format = header.get("format").and_then(|v| v.as_str());
        if format != Some(MANIFEST_FORMAT) {
            return Err(IoError::refused(
                path,
                format!("not a remsim results manifest (format {format:?})"),
            ));
        }
        let version = header.get("format_version").and_then(|v| v.as_u64());
        if version != Some(u64::from(MANIFEST_VERSION)) {
            return Err(IoError::refused(
                path,
                format!(
                    "results format version {}, but this remsim reads version {MANIFEST_VERSION}",
                    version.map_or("unknown".to_string(), |v| v.to_string())
                ),
            ));
        }
        read_sealed(path, &text, "manifest")
    }
}

/// `timing.json`: how long the work took and on how many threads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timing {
    /// `run` or `merge`.
    pub kind: String,
    /// Wall-clock seconds of this invocation.
    pub wall_s: f64,
    /// Trials run by this invocation (after a resume: only the remaining ones).
    pub trials_run: u64,
    /// `trials_run / wall_s`.
    pub trials_per_s: f64,
    /// Worker threads.
    pub threads: usize,
    /// The trial a resumed run started from, if it was resumed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resumed_at_trial: Option<u64>,
    /// Peak resident memory of the process, MiB, where the OS reports it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_memory_mib: Option<f64>,
    /// For a merge: the timing files of the merged folders, in trial order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Timing>,
    /// The seal (see the module doc); set by [`Timing::write`].
    #[serde(default)]
    pub blake3: String,
}

impl Timing {
    /// Writes the timing file (sealed) atomically.
    pub fn write(&self, path: &Path) -> Result<(), IoError> {
        write_json(path, self)
    }

    /// Reads a timing file, refusing one whose seal does not match.
    pub fn read(path: &Path) -> Result<Timing, IoError> {
        let text = std::fs::read_to_string(path).map_err(|e| IoError::os(path, e))?;
        read_sealed(path, &text, "timing file")
    }
}

/// Writes `value`, whose last field is its `blake3` seal (any value: it is replaced), sealed
/// and atomically.
pub(crate) fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), IoError> {
    let encode = |message: String| IoError::Encode {
        path: path.to_path_buf(),
        message,
    };
    let mut text = serde_json::to_string_pretty(value).map_err(|e| encode(e.to_string()))?;
    text.push('\n');
    // Write the last `blake3` field's value as UNSEALED, hash the text as it then stands
    // and write the hash in its place.
    let at = text
        .rfind(SEAL_KEY)
        .map(|key| key + SEAL_KEY.len())
        .ok_or_else(|| encode("no seal field".to_string()))?;
    let end = text[at..]
        .find('"')
        .ok_or_else(|| encode("no seal field".to_string()))?;
    text.replace_range(at..at + end, UNSEALED);
    let hash = blake3::hash(text.as_bytes()).to_hex();
    text.replace_range(at..at + UNSEALED.len(), hash.as_str());
    atomic_write(path, text.as_bytes())
}

/// Where the value of the last seal field starts, if there is one of the right length.
fn seal_at(text: &str) -> Option<usize> {
    let at = text.rfind(SEAL_KEY)? + SEAL_KEY.len();
    let value = text.get(at..at + UNSEALED.len())?;
    value.bytes().all(|b| b.is_ascii_hexdigit()).then_some(at)
}

/// Checks a sealed JSON file's own hash.
/// Parses the text of a sealed JSON file (a `what`) after checking its seal.
pub(crate) fn read_sealed<T: DeserializeOwned>(
    path: &Path,
    text: &str,
    what: &'static str,
) -> Result<T, IoError> {
    check_seal(path, text)?;
    parse_json(path, text, what)
}

/// Parses the JSON text of a `what` read from `path`.
fn parse_json<T: DeserializeOwned>(
    path: &Path,
    text: &str,
    what: &'static str,
) -> Result<T, IoError> {
    serde_json::from_str(text).map_err(|source| IoError::Json {
        path: path.to_path_buf(),
        what,
        source,
    })
}

pub(crate) fn check_seal(path: &Path, text: &str) -> Result<(), IoError> {
    let Some(at) = seal_at(text) else {
        return Err(IoError::damaged(
            path,
            "its `blake3` seal is missing or malformed",
        ));
    };
    let recorded = &text[at..at + UNSEALED.len()];
    let mut unsealed = text.to_string();
    unsealed.replace_range(at..at + UNSEALED.len(), UNSEALED);
    let found = blake3::hash(unsealed.as_bytes()).to_hex();
    if found.as_str() != recorded {
        return Err(IoError::damaged(
            path,
            format!(
                "its contents hash to BLAKE3 {}, but its seal says {}",
                crate::table::short(found.as_str()),
                crate::table::short(recorded)
            ),
        ));
    }
    Ok(())
}
