//! Atomic replacement of a file: write a temporary file beside it, fsync, rename over it,
//! fsync the folder. A reader — or a resumed batch after `kill -9` — sees the old file or
//! the new one, never a mix; a write that fails (a full disk, an I/O error) removes its
//! temporary file, so no `*.tmp` is left behind.

use crate::error::IoError;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
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

/// Removes a temporary file when dropped, unless [`TempGuard::disarm`]ed: whatever error
/// ends a write, the half-written file does not outlive it.
#[derive(Debug)]
pub struct TempGuard {
    path: PathBuf,
    armed: bool,
}

impl TempGuard {
    /// Guards `path`.
    pub fn new(path: &Path) -> TempGuard {
        TempGuard {
            path: path.to_path_buf(),
            armed: true,
        }
    }

    /// The file has been renamed into place: nothing to remove.
    pub fn disarm(mut self) {
        self.armed = false;
    }
}

impl Drop for TempGuard {
    fn drop(&mut self) {
        if self.armed {
            // Best effort: the error that got us here is the one worth reporting.
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// A file being written under its temporary name: [`PendingFile::commit`] fsyncs it and
/// renames it over `path`; dropped uncommitted (an error on the way), it is removed.
#[derive(Debug)]
pub struct PendingFile {
    path: PathBuf,
    tmp: PathBuf,
    guard: TempGuard,
}

impl PendingFile {
    /// Creates the temporary file of `path`.
    pub fn create(path: &Path) -> Result<(PendingFile, File), IoError> {
        let tmp = temporary_path(path);
        let guard = TempGuard::new(&tmp);
        let file = File::create(&tmp).map_err(|e| IoError::os(&tmp, e))?;
        let pending = PendingFile {
            path: path.to_path_buf(),
            tmp,
            guard,
        };
        Ok((pending, file))
    }

    /// The temporary file, which errors name until it is committed.
    pub fn tmp(&self) -> &Path {
        &self.tmp
    }

    /// Fsyncs `file` (the one [`PendingFile::create`] returned) and renames it into place.
    pub fn commit(self, file: File) -> Result<(), IoError> {
        file.sync_all().map_err(|e| IoError::os(&self.tmp, e))?;
        drop(file);
        commit(&self.tmp, &self.path)?;
        self.guard.disarm();
        Ok(())
    }
}

/// Writes `bytes` to `path` atomically.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), IoError> {
    let (pending, mut file) = PendingFile::create(path)?;
    file.write_all(bytes)
        .map_err(|e| IoError::os(pending.tmp(), e))?;
    pending.commit(file)
}

/// Opens an append-only file to go on writing after its first `len` bytes, cutting off what
/// follows them (what a stopped batch wrote after its last checkpoint).
pub fn reopen_at(path: &Path, len: u64) -> Result<File, IoError> {
    let os = |e| IoError::os(path, e);
    let mut file = OpenOptions::new().write(true).open(path).map_err(os)?;
    file.set_len(len).map_err(os)?;
    file.seek(SeekFrom::End(0)).map_err(os)?;
    Ok(file)
}

/// Makes what a buffered writer wrote to `file` durable: `flushed` is the result of
/// flushing its buffer, then the file's data is fsynced.
pub fn sync_flushed(path: &Path, flushed: std::io::Result<()>, file: &File) -> Result<(), IoError> {
    flushed.map_err(|e| IoError::os(path, e))?;
    file.sync_data().map_err(|e| IoError::os(path, e))
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

/// Size in bytes and a BLAKE3 hasher fed with a file's first `limit` bytes (all of it for
/// `None`); the size is what was actually read, less than `limit` for a shorter file. The
/// hasher is returned unfinished so that an appending writer can go on from it.
pub fn hash_file(path: &Path, limit: Option<u64>) -> Result<(u64, blake3::Hasher), IoError> {
    let file = File::open(path).map_err(|e| IoError::os(path, e))?;
    let mut reader = file.take(limit.unwrap_or(u64::MAX));
    let mut hasher = blake3::Hasher::new();
    let mut buffer = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(IoError::os(path, e)),
        };
        hasher.update(&buffer[..n]);
        size += n as u64;
    }
    Ok((size, hasher))
}
