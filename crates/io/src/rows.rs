//! The analysis tables of a results folder, appended block by block in trial order:
//! `inputs.csv` (`trial,<parameter path…>`: the values each trial drew) and `series.csv`
//! (`trial,metric,date,value`: chosen metrics of every trial, long form). Numbers are
//! written with [`crate::number`], so they read back bit for bit; `inputs.csv` is read with
//! [`crate::TrialColumns`] like `trials.csv`.

use crate::error::IoError;
use crate::files::{reopen_at, sync_flushed};
use crate::table::number;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

/// Header of `series.csv`.
pub const SERIES_HEADER: [&str; 4] = ["trial", "metric", "date", "value"];

/// Appends rows to a CSV whose first column is `trial`.
pub struct RowsWriter {
    path: PathBuf,
    writer: csv::Writer<File>,
}

impl RowsWriter {
    /// Creates (or empties) `path` and writes `header`.
    pub fn create(path: &Path, header: &[&str]) -> Result<RowsWriter, IoError> {
        let file = File::create(path).map_err(|e| IoError::os(path, e))?;
        let mut writer = RowsWriter {
            path: path.to_path_buf(),
            writer: csv::Writer::from_writer(file),
        };
        writer
            .writer
            .write_record(header)
            .map_err(|e| IoError::csv(path, e))?;
        Ok(writer)
    }

    /// Reopens `path` for appending rows of trials `next_trial` on: checks its header is
    /// `header` and cuts it after the last complete row of a trial before `next_trial`
    /// (rows are in trial order, so whatever a stopped batch wrote after its checkpoint
    /// goes).
    pub fn resume(path: &Path, header: &[&str], next_trial: u64) -> Result<RowsWriter, IoError> {
        let file = File::open(path).map_err(|e| IoError::os(path, e))?;
        let mut reader = BufReader::new(file);
        let mut line = String::new();
        let mut keep: u64 = 0;
        let mut first = true;
        loop {
            line.clear();
            let read = reader
                .read_line(&mut line)
                .map_err(|e| IoError::os(path, e))?;
            if read == 0 || !line.ends_with('\n') {
                break;
            }
            if first {
                if line.trim_end() != header.join(",") {
                    return Err(IoError::refused(
                        path,
                        "its header differs from this batch's; rerun with --force to start over",
                    ));
                }
                first = false;
            } else {
                let trial = line.split(',').next().and_then(|t| t.parse::<u64>().ok());
                if trial.is_none_or(|t| t >= next_trial) {
                    break;
                }
            }
            keep += read as u64;
        }
        if first {
            return RowsWriter::create(path, header);
        }
        Ok(RowsWriter {
            path: path.to_path_buf(),
            writer: csv::Writer::from_writer(reopen_at(path, keep)?),
        })
    }

    /// Appends `trial` and `values`.
    pub fn numbers(&mut self, trial: u64, values: &[f64]) -> Result<(), IoError> {
        let mut record = Vec::with_capacity(values.len() + 1);
        record.push(trial.to_string());
        record.extend(values.iter().map(|&x| number(x)));
        self.writer
            .write_record(&record)
            .map_err(|e| IoError::csv(&self.path, e))
    }

    /// Appends one `series.csv` row.
    pub fn series(
        &mut self,
        trial: u64,
        metric: &str,
        date: &str,
        value: f64,
    ) -> Result<(), IoError> {
        self.writer
            .write_record([trial.to_string().as_str(), metric, date, &number(value)])
            .map_err(|e| IoError::csv(&self.path, e))
    }

    /// Appends a row of text fields (a table that is not keyed by trial).
    pub fn fields(&mut self, fields: &[String]) -> Result<(), IoError> {
        self.writer
            .write_record(fields)
            .map_err(|e| IoError::csv(&self.path, e))
    }

    /// Appends a row read from another file (merge), unchanged.
    pub fn raw(&mut self, record: &csv::ByteRecord) -> Result<(), IoError> {
        self.writer
            .write_byte_record(record)
            .map_err(|e| IoError::csv(&self.path, e))
    }

    /// Makes every row written so far durable.
    pub fn sync(&mut self) -> Result<(), IoError> {
        sync_flushed(&self.path, self.writer.flush(), self.writer.get_ref())
    }
}

/// `trial` and `values` as the line [`RowsWriter::numbers`] writes, without its newline.
pub fn numbers_line(trial: u64, values: &[f64]) -> String {
    let mut line = trial.to_string();
    for &x in values {
        line.push(',');
        line.push_str(&number(x));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn resume_cuts_at_the_first_row_not_before_the_next_trial() {
        let path = crate::ScratchFile::new("rows", "series.csv");
        let mut w = RowsWriter::create(&path, &SERIES_HEADER).unwrap();
        for trial in 0..4 {
            w.series(trial, "price.nd.cn", "2025-01", 0.5 + trial as f64)
                .unwrap();
        }
        w.sync().unwrap();
        drop(w);
        // A torn last line, as a kill mid-write leaves.
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        f.write_all(b"4,price.nd").unwrap();
        drop(f);
        let mut w = RowsWriter::resume(&path, &SERIES_HEADER, 2).unwrap();
        w.series(2, "price.nd.cn", "2025-01", 9.0).unwrap();
        w.sync().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "trial,metric,date,value\n0,price.nd.cn,2025-01,0.5\n1,price.nd.cn,2025-01,1.5\n2,price.nd.cn,2025-01,9\n"
        );
        assert!(RowsWriter::resume(&path, &["trial", "x"], 1).is_err());
        assert_eq!(numbers_line(3, &[0.1, 2.0]), "3,0.1,2");
    }
}
