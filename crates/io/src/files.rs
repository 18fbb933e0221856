//! Atomic replacement of a file: write a temporary file beside it, fsync, rename over it,
//! fsync the folder. A reader — or a resumed batch after `kill -9` — sees the old file or
//! the new one, never a mix.

use crate::error::IoError;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The temporary name used while `path` is being written.
pub fn temporary_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".tmp");
    path.with_file_name(name)
}

/// Writes `bytes` to `path` atomically.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), IoError> {
    let tmp = temporary_path(path);
    let mut file = File::create(&tmp).map_err(|e| IoError::os(&tmp, e))?;
    file.write_all(bytes).map_err(|e| IoError::os(&tmp, e))?;
    file.sync_all().map_err(|e| IoError::os(&tmp, e))?;
    drop(file);
    commit(&tmp, path)
}

/// Renames a finished temporary file over `path` and syncs the folder.
pub fn commit(tmp: &Path, path: &Path) -> Result<(), IoError> {
    fs::rename(tmp, path).map_err(|e| IoError::os(path, e))?;
    sync_dir(path)
}

/// Fsyncs the folder holding `path`, so a rename survives a crash.
pub fn sync_dir(path: &Path) -> Result<(), IoError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // Opening a directory for sync is a Unix facility; elsewhere the rename must do.
    if let Ok(handle) = File::open(dir) {
        let _ = handle.sync_all();
    }
    Ok(())
}
