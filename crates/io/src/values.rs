//! `values.bin`: every metric value of every trial, block by block, from which exact
//! quantiles are selected at the end of a batch (and across shards by `remsim merge`).
//!
//! Layout (little-endian): the magic `REMSIMVL`, the format version (u32, 1), the number of
//! cells per trial (u64); then blocks, each `first_trial` (u64), `len` (u64) and
//! `n_cells × len` `f64` values, cell-major (`values[cell × len + i]` is trial
//! `first_trial + i`). Blocks are appended as a batch runs; on resume the file is cut back
//! to the blocks below the checkpoint's next trial. Reading never holds more than one
//! group of cells (see [`cells_in_groups`]) in memory.

use crate::error::IoError;
use crate::files::{reopen_at, sync_flushed};
use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 8] = b"REMSIMVL";
const VERSION: u32 = 1;
const HEADER_BYTES: u64 = 20;
const BLOCK_HEADER_BYTES: u64 = 16;

/// Appends blocks of values to `values.bin`.
pub struct ValuesWriter {
    path: PathBuf,
    n_cells: u64,
    writer: BufWriter<File>,
}

impl ValuesWriter {
    /// Starts a new file for trials of `n_cells` cells (an existing one is replaced).
    pub fn create(path: &Path, n_cells: usize) -> Result<ValuesWriter, IoError> {
        let file = File::create(path).map_err(|e| IoError::os(path, e))?;
        let mut writer = BufWriter::new(file);
        let mut header = Vec::with_capacity(HEADER_BYTES as usize);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&VERSION.to_le_bytes());
        header.extend_from_slice(&(n_cells as u64).to_le_bytes());
        writer
            .write_all(&header)
            .map_err(|e| IoError::os(path, e))?;
        Ok(ValuesWriter {
            path: path.to_path_buf(),
            n_cells: n_cells as u64,
            writer,
        })
    }

    /// Reopens a file for appending after a checkpoint at `next_trial`: blocks of later
    /// trials (written after that checkpoint) are cut off. A missing file, or one of
    /// another shape, is refused.
    pub fn resume(path: &Path, n_cells: usize, next_trial: u64) -> Result<ValuesWriter, IoError> {
        // What lies past the checkpoint may be torn; what the checkpoint counts was synced.
        let file = ValuesFile::open_prefix(path)?;
        if file.n_cells != n_cells as u64 {
            return Err(IoError::refused(
                path,
                format!("{} cells per trial, not {n_cells}", file.n_cells),
            ));
        }
        let mut keep = HEADER_BYTES;
        let mut covered_to = None;
        for block in &file.blocks {
            if block.first_trial + block.len > next_trial {
                break;
            }
            keep = block.offset + file.block_bytes(block);
            covered_to = Some(block.first_trial + block.len);
        }
        if covered_to != Some(next_trial) {
            return Err(IoError::refused(
                path,
                format!(
                    "holds the values of trials up to {}, not the {next_trial} the checkpoint counts",
                    covered_to.map_or("none".to_string(), |t| t.to_string())
                ),
            ));
        }
        Ok(ValuesWriter {
            path: path.to_path_buf(),
            n_cells: n_cells as u64,
            writer: BufWriter::new(reopen_at(path, keep)?),
        })
    }

    /// Appends one block: `len` trials from `first_trial`, `values` cell-major.
    pub fn append(&mut self, first_trial: u64, len: usize, values: &[f64]) -> Result<(), IoError> {
        if values.len() as u64 != self.n_cells * len as u64 {
            return Err(IoError::refused(
                &self.path,
                format!("a block of {} values for {len} trials", values.len()),
            ));
        }
        let os = |e| IoError::os(&self.path, e);
        self.writer
            .write_all(&first_trial.to_le_bytes())
            .map_err(os)?;
        self.writer
            .write_all(&(len as u64).to_le_bytes())
            .map_err(os)?;
        let mut bytes = Vec::with_capacity(values.len() * 8);
        for x in values {
            bytes.extend_from_slice(&x.to_le_bytes());
        }
        self.writer.write_all(&bytes).map_err(os)
    }

    /// Flushes and fsyncs what is written (before a checkpoint records it).
    pub fn sync(&mut self) -> Result<(), IoError> {
        sync_flushed(&self.path, self.writer.flush(), self.writer.get_ref())
    }
}

/// One block's place in a [`ValuesFile`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Block {
    offset: u64,
    first_trial: u64,
    len: u64,
}

/// A `values.bin` opened for reading: its block index (not its values).
#[derive(Debug)]
pub struct ValuesFile {
    path: PathBuf,
    n_cells: u64,
    blocks: Vec<Block>,
}

impl ValuesFile {
    /// Opens and indexes a file, refusing a foreign, truncated or inconsistent one.
    pub fn open(path: &Path) -> Result<ValuesFile, IoError> {
        ValuesFile::index(path, false)
    }

    /// Opens and indexes a file whose tail a failure (a full disk, a kill) may have left
    /// half-written: a truncated last block ends the index instead of refusing the file.
    fn open_prefix(path: &Path) -> Result<ValuesFile, IoError> {
        ValuesFile::index(path, true)
    }

    fn index(path: &Path, tolerate_torn_tail: bool) -> Result<ValuesFile, IoError> {
        let mut file = File::open(path).map_err(|e| IoError::os(path, e))?;
        let size = file.metadata().map_err(|e| IoError::os(path, e))?.len();
        let mut header = [0u8; HEADER_BYTES as usize];
        file.read_exact(&mut header)
            .map_err(|_| IoError::refused(path, "too short for a values file"))?;
        if header.get(..8) != Some(MAGIC.as_slice()) {
            return Err(IoError::refused(path, "not a remsim values file"));
        }
        let version = u32::from_le_bytes(slice_of(&header, 8));
        if version != VERSION {
            return Err(IoError::refused(
                path,
                format!("values format version {version}, not {VERSION}"),
            ));
        }
        let n_cells = u64::from_le_bytes(slice_of(&header, 12));
        let mut this = ValuesFile {
            path: path.to_path_buf(),
            n_cells,
            blocks: Vec::new(),
        };
        let mut offset = HEADER_BYTES;
        while offset < size {
            let mut head = [0u8; BLOCK_HEADER_BYTES as usize];
            let read = file
                .seek(SeekFrom::Start(offset))
                .and_then(|_| file.read_exact(&mut head));
            if read.is_err() && tolerate_torn_tail {
                break;
            }
            read.map_err(|_| IoError::refused(path, "truncated block header"))?;
            let block = Block {
                offset,
                first_trial: u64::from_le_bytes(slice_of(&head, 0)),
                len: u64::from_le_bytes(slice_of(&head, 8)),
            };
            let end = offset.checked_add(this.block_bytes(&block));
            match end {
                Some(end) if end <= size && block.len > 0 => offset = end,
                Some(_) if tolerate_torn_tail && block.len > 0 => break,
                _ => return Err(IoError::refused(path, "truncated or corrupt block")),
            }
            this.blocks.push(block);
        }
        Ok(this)
    }

    fn block_bytes(&self, block: &Block) -> u64 {
        BLOCK_HEADER_BYTES.saturating_add(self.n_cells.saturating_mul(block.len).saturating_mul(8))
    }

    /// Cells per trial.
    pub fn n_cells(&self) -> usize {
        self.n_cells as usize
    }

    /// Trials held (the sum of the block lengths).
    pub fn trials(&self) -> u64 {
        self.blocks.iter().map(|b| b.len).sum()
    }

    /// The trial ranges of its blocks, in file order.
    pub fn trial_ranges(&self) -> impl Iterator<Item = Range<u64>> + '_ {
        self.blocks
            .iter()
            .map(|b| b.first_trial..b.first_trial + b.len)
    }

    /// Writes every block's values of `cells` into `group`, where cell `cells.start + i`'s
    /// values lie at `group[i * stride..][..stride]`: this file's go from position `at` on,
    /// block after block. Returns the position after them. `bytes` is a buffer to reuse.
    fn read_cells(
        &self,
        cells: &Range<usize>,
        group: &mut [f64],
        stride: usize,
        mut at: usize,
        bytes: &mut Vec<u8>,
    ) -> Result<usize, IoError> {
        let mut file = File::open(&self.path).map_err(|e| IoError::os(&self.path, e))?;
        for block in &self.blocks {
            let len = block.len as usize;
            let start = block.offset + BLOCK_HEADER_BYTES + (cells.start as u64) * block.len * 8;
            // Read into the buffer's spare room (not zeroed first, as `read_exact` would
            // need); fewer bytes than asked for is a truncated file.
            let want = cells.len() * len * 8;
            bytes.clear();
            file.seek(SeekFrom::Start(start))
                .and_then(|_| (&mut file).take(want as u64).read_to_end(bytes))
                .map_err(|e| IoError::os(&self.path, e))?;
            if bytes.len() != want {
                return Err(IoError::os(
                    &self.path,
                    // `read_exact`'s error, as before.
                    std::io::Error::new(
                        std::io::ErrorKind::UnexpectedEof,
                        "failed to fill whole buffer",
                    ),
                ));
            }
            for (column, chunk) in group
                .chunks_exact_mut(stride)
                .zip(bytes.chunks_exact(len * 8))
            {
                let Some(slots) = column.get_mut(at..at + len) else {
                    continue;
                };
                for (slot, b) in slots.iter_mut().zip(chunk.chunks_exact(8)) {
                    *slot = f64::from_le_bytes(slice_of(b, 0));
                }
            }
            at += len;
        }
        Ok(at)
    }
}

fn slice_of<const N: usize>(bytes: &[u8], at: usize) -> [u8; N] {
    let mut out = [0u8; N];
    if let Some(src) = bytes.get(at..at + N) {
        out.copy_from_slice(src);
    }
    out
}

/// Calls `each(cell, values)` for every cell, in order, with that cell's values from all
/// `files` (in file order, then block order), holding `cells_per_group` cells at a time.
/// The files must agree on the number of cells.
///
/// A group's values lie in one buffer, cell after cell (each cell's values of every file
/// and block side by side), reused from group to group: no allocation per cell.
pub fn cells_in_groups(
    files: &[ValuesFile],
    cells_per_group: usize,
    mut each: impl FnMut(usize, &mut [f64]),
) -> Result<(), IoError> {
    let Some(first) = files.first() else {
        return Ok(());
    };
    let n_cells = first.n_cells();
    if let Some(other) = files.iter().find(|f| f.n_cells() != n_cells) {
        return Err(IoError::refused(
            &other.path,
            format!("{} cells per trial, not {n_cells}", other.n_cells()),
        ));
    }
    let stride = files.iter().map(|f| f.trials() as usize).sum::<usize>();
    let per_group = cells_per_group.max(1);
    let mut group = Vec::new();
    let mut bytes = Vec::new();
    let mut start = 0;
    while start < n_cells {
        let cells = start..(start + per_group).min(n_cells);
        group.clear();
        group.resize(cells.len() * stride, 0.0);
        let mut at = 0;
        for file in files {
            at = file.read_cells(&cells, &mut group, stride, at, &mut bytes)?;
        }
        if stride > 0 {
            for (i, column) in group.chunks_exact_mut(stride).enumerate() {
                each(cells.start + i, column);
            }
        } else {
            for cell in cells.clone() {
                each(cell, &mut []);
            }
        }
        start = cells.end;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_resume_and_groups() {
        let path = crate::ScratchFile::new("values", "values.bin");
        // 3 cells; block of trials 0..2 then 2..3 (cell-major).
        let mut w = ValuesWriter::create(&path, 3).unwrap();
        w.append(0, 2, &[1.0, 2.0, 10.0, 20.0, 100.0, 200.0])
            .unwrap();
        w.append(2, 1, &[3.0, 30.0, 300.0]).unwrap();
        w.sync().unwrap();
        drop(w);
        let f = ValuesFile::open(&path).unwrap();
        assert_eq!(f.trials(), 3);
        let mut seen = Vec::new();
        cells_in_groups(&[f], 2, |cell, v| seen.push((cell, v.to_vec()))).unwrap();
        assert_eq!(
            seen,
            vec![
                (0, vec![1.0, 2.0, 3.0]),
                (1, vec![10.0, 20.0, 30.0]),
                (2, vec![100.0, 200.0, 300.0])
            ]
        );
        // A checkpoint at trial 2 cuts the second block off.
        let mut w = ValuesWriter::resume(&path, 3, 2).unwrap();
        w.append(2, 1, &[4.0, 40.0, 400.0]).unwrap();
        w.sync().unwrap();
        drop(w);
        let f = ValuesFile::open(&path).unwrap();
        assert_eq!(f.trial_ranges().collect::<Vec<_>>(), vec![0..2, 2..3]);
        let mut last = Vec::new();
        cells_in_groups(&[f], 5, |_, v| last.push(v.to_vec())).unwrap();
        assert_eq!(last[2], vec![100.0, 200.0, 400.0]);
        std::fs::write(&path, b"REMSIMVL\x01\0\0\0\x03\0\0\0\0\0\0\0\x05").unwrap();
        assert!(ValuesFile::open(&path).is_err());
    }
}
