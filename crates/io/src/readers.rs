//! Readers for the people-facing side of a results folder (`remsim report`, `remsim show`):
//! [`SummaryTable`] reads a whole `summary.csv` (or a comparison's `diff_summary.csv`, which
//! has the same columns), [`TrialColumns`] streams chosen numeric columns of a `trials.csv`
//! (or `diff_trials.csv`) row by row in constant memory, and [`SignCounts`] reads from
//! `aggregates.bin` how many trials were above, at and below zero for every metric and tick
//! — exact counts, which is what a probability such as "share of trials in shortage" needs
//! and what the quantiles of `summary.csv` cannot give.
//!
//! Every malformed field is refused with the file, the line and the column named.

use crate::container::{ContainerReader, FileKind};
use crate::error::IoError;
use crate::records::{AggregatesHeader, CellRecord};
use crate::table::{SUMMARY_HEADER, SummaryStats, TrialsReader};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

/// The levels of the seven quantile columns of `summary.csv`, p01 … p99.
pub const QUANTILE_LEVELS: [f64; 7] = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99];

/// One row of `summary.csv`, read back.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRecord {
    /// Tick index.
    pub tick: usize,
    /// Month, `YYYY-MM`.
    pub date: String,
    /// Its statistics.
    pub stats: SummaryStats,
}

/// A whole `summary.csv`: the rows of every metric, metrics in file order, each metric's
/// rows in tick order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SummaryTable {
    metrics: Vec<(String, Vec<SummaryRecord>)>,
    units: BTreeMap<String, String>,
    index: BTreeMap<String, usize>,
}

impl SummaryTable {
    /// Reads `path`, checking the header and every number.
    pub fn read(path: &Path) -> Result<SummaryTable, IoError> {
        let file = File::open(path).map_err(|e| IoError::os(path, e))?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(BufReader::new(file));
        let header = reader.headers().map_err(|e| IoError::csv(path, e))?.clone();
        // Folders written before the `unit` column lack only that last column.
        let with_unit = header.iter().eq(SUMMARY_HEADER.iter().copied());
        let without_unit = header.iter().eq(SUMMARY_HEADER
            .iter()
            .take(SUMMARY_HEADER.len() - 1)
            .copied());
        if !with_unit && !without_unit {
            return Err(IoError::refused(
                path,
                format!(
                    "not a remsim summary: header `{}`, expected `{}`",
                    header.iter().collect::<Vec<_>>().join(","),
                    SUMMARY_HEADER.join(",")
                ),
            ));
        }
        let mut table = SummaryTable::default();
        let mut record = csv::StringRecord::new();
        while reader
            .read_record(&mut record)
            .map_err(|e| IoError::csv(path, e))?
        {
            let line = record.position().map_or(0, |p| p.line());
            let field = Fields {
                path,
                line,
                record: &record,
            };
            let metric = field.text(0)?;
            let row = SummaryRecord {
                tick: field.integer(1)? as usize,
                date: field.text(2)?.to_string(),
                stats: SummaryStats {
                    n: field.integer(3)?,
                    mean: field.number(4)?,
                    sd: field.number(5)?,
                    min: field.number(6)?,
                    quantiles: {
                        let mut q = [0.0; 7];
                        let mut all = true;
                        for (i, slot) in q.iter_mut().enumerate() {
                            match field.number(7 + i)? {
                                Some(x) => *slot = x,
                                None => all = false,
                            }
                        }
                        all.then_some(q)
                    },
                    max: field.number(14)?,
                },
            };
            if with_unit && !table.units.contains_key(metric) {
                table.units.insert(
                    metric.to_string(),
                    field.text(SUMMARY_HEADER.len() - 1)?.to_string(),
                );
            }
            let at = match table.index.get(metric) {
                Some(&i) => i,
                None => {
                    table.index.insert(metric.to_string(), table.metrics.len());
                    table.metrics.push((metric.to_string(), Vec::new()));
                    table.metrics.len() - 1
                }
            };
            if let Some((_, rows)) = table.metrics.get_mut(at) {
                if rows.last().is_some_and(|last| last.tick >= row.tick) {
                    return Err(IoError::refused(
                        path,
                        format!(
                            "line {line}: tick {} of `{metric}` is out of order",
                            row.tick
                        ),
                    ));
                }
                rows.push(row);
            }
        }
        Ok(table)
    }

    /// The unit `summary.csv` gives a metric (`None` for folders written before the
    /// column, or an unknown metric).
    pub fn unit(&self, metric: &str) -> Option<&str> {
        self.units.get(metric).map(String::as_str)
    }

    /// Metric names, in file order.
    pub fn metric_names(&self) -> impl Iterator<Item = &str> + '_ {
        self.metrics.iter().map(|(name, _)| name.as_str())
    }

    /// The rows of `metric`, in tick order.
    pub fn metric(&self, metric: &str) -> Option<&[SummaryRecord]> {
        self.index
            .get(metric)
            .and_then(|&i| self.metrics.get(i))
            .map(|(_, rows)| rows.as_slice())
    }

    /// Whether the file held no rows.
    pub fn is_empty(&self) -> bool {
        self.metrics.is_empty()
    }
}

/// Chosen numeric columns of a `trials.csv`, read one row at a time: memory stays flat
/// whatever the number of trials.
pub struct TrialColumns {
    reader: TrialsReader,
    path: PathBuf,
    names: Vec<String>,
    positions: Vec<usize>,
    values: Vec<Option<f64>>,
}

impl TrialColumns {
    /// Opens `path` for the columns in `wanted` that it has (in the order of `wanted`);
    /// [`TrialColumns::names`] says which were found.
    pub fn open(path: &Path, wanted: &[&str]) -> Result<TrialColumns, IoError> {
        let (reader, _) = TrialsReader::open(path)?;
        let mut names = Vec::new();
        let mut positions = Vec::new();
        for name in wanted {
            if let Some(at) = reader.header().iter().position(|h| h == name) {
                names.push((*name).to_string());
                positions.push(at);
            }
        }
        Ok(TrialColumns {
            reader,
            path: path.to_path_buf(),
            values: vec![None; names.len()],
            names,
            positions,
        })
    }

    /// Every column name of the file, `trial` first.
    pub fn header(&self) -> &[String] {
        self.reader.header()
    }

    /// The columns found, in the order of the row values.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The next row's values of the chosen columns (an empty field is `None`), or `None`
    /// at the end of the file. A field that is neither empty nor a number is refused.
    pub fn next_row(&mut self) -> Result<Option<&[Option<f64>]>, IoError> {
        let Some((_, record)) = self.reader.next_row()? else {
            return Ok(None);
        };
        let line = record.position().map_or(0, |p| p.line());
        for (slot, &at) in self.values.iter_mut().zip(&self.positions) {
            let text = record
                .get(at)
                .and_then(|t| std::str::from_utf8(t).ok())
                .unwrap_or("");
            *slot = if text.is_empty() {
                None
            } else {
                Some(text.parse::<f64>().map_err(|_| {
                    IoError::refused(
                        &self.path,
                        format!(
                            "line {line}, column `{}`: `{text}` is not a number",
                            self.reader.header().get(at).map_or("?", String::as_str)
                        ),
                    )
                })?)
            };
        }
        Ok(Some(&self.values))
    }
}

/// How many trials were below, at and above zero in one cell (one metric at one tick).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SignCount {
    /// Finite values folded.
    pub count: u64,
    /// Values below zero.
    pub negative: u64,
    /// Values equal to zero (magnitudes below 2⁻¹⁰²², the subnormals, count as zero).
    pub zero: u64,
    /// Values above zero.
    pub positive: u64,
}

/// Sign counts of every metric at every tick, from `aggregates.bin`.
#[derive(Debug, Clone, PartialEq)]
pub struct SignCounts {
    /// Month of tick 0, `YYYY-MM`.
    pub start: String,
    /// Number of ticks.
    pub n_ticks: usize,
    /// Metric names, in stored order.
    pub metric_names: Vec<String>,
    /// Trials folded.
    pub trials: u64,
    /// Cells, tick-major: cell `tick * metric_names.len() + metric`.
    cells: Vec<SignCount>,
}

impl SignCounts {
    /// Reads `aggregates.bin` (checksum checked) and keeps only the sign counts.
    pub fn read(path: &Path) -> Result<SignCounts, IoError> {
        let mut reader = ContainerReader::open(path, FileKind::Aggregates)?;
        let header: AggregatesHeader = reader.item()?;
        let n_metrics = header.metric_names.len();
        let expected = (header.n_ticks as usize).checked_mul(n_metrics);
        if expected != Some(header.cells as usize) {
            return Err(IoError::refused(
                path,
                format!(
                    "{} cells for {} metrics over {} ticks",
                    header.cells, n_metrics, header.n_ticks
                ),
            ));
        }
        let mut cells = Vec::with_capacity(header.cells as usize);
        for _ in 0..header.cells {
            let cell: CellRecord = reader.item()?;
            let negative: u64 = cell.negative.iter().map(|&c| u64::from(c)).sum();
            let positive: u64 = cell.positive.iter().map(|&c| u64::from(c)).sum();
            if negative + positive + cell.zeros != cell.count {
                return Err(IoError::refused(
                    path,
                    format!(
                        "a cell's buckets hold {} values where its count says {}",
                        negative + positive + cell.zeros,
                        cell.count
                    ),
                ));
            }
            cells.push(SignCount {
                count: cell.count,
                negative,
                zero: cell.zeros,
                positive,
            });
        }
        // The outcome cells follow; they are not needed here, so the file is not read to
        // its end (its checksum was verified on opening).
        Ok(SignCounts {
            start: header.start,
            n_ticks: header.n_ticks as usize,
            metric_names: header.metric_names,
            trials: header.trials,
            cells,
        })
    }

    /// The sign counts of `metric` at `tick`.
    pub fn get(&self, metric: &str, tick: usize) -> Option<SignCount> {
        let m = self.metric_names.iter().position(|n| n == metric)?;
        if tick >= self.n_ticks {
            return None;
        }
        self.cells.get(tick * self.metric_names.len() + m).copied()
    }
}

/// One record's fields, with the location for messages.
struct Fields<'a> {
    path: &'a Path,
    line: u64,
    record: &'a csv::StringRecord,
}

impl Fields<'_> {
    fn text(&self, i: usize) -> Result<&str, IoError> {
        self.record.get(i).ok_or_else(|| {
            IoError::refused(
                self.path,
                format!(
                    "line {}: no `{}` field",
                    self.line,
                    SUMMARY_HEADER.get(i).unwrap_or(&"?")
                ),
            )
        })
    }

    fn bad(&self, i: usize, text: &str, what: &str) -> IoError {
        IoError::refused(
            self.path,
            format!(
                "line {}, column `{}`: `{text}` is not {what}",
                self.line,
                SUMMARY_HEADER.get(i).unwrap_or(&"?")
            ),
        )
    }

    fn integer(&self, i: usize) -> Result<u64, IoError> {
        let text = self.text(i)?;
        text.parse()
            .map_err(|_| self.bad(i, text, "a whole number"))
    }

    fn number(&self, i: usize) -> Result<Option<f64>, IoError> {
        let text = self.text(i)?;
        if text.is_empty() {
            return Ok(None);
        }
        text.parse()
            .map(Some)
            .map_err(|_| self.bad(i, text, "a number"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Field, SummaryLine, SummaryWriter, TrialsWriter};

    #[test]
    fn summary_reads_back_what_was_written() {
        let path = crate::ScratchFile::new("read-summary", "summary.csv");
        let mut w = SummaryWriter::create(&path).unwrap();
        let q = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0];
        for (metric, tick, date) in [
            ("a", 0, "2025-01"),
            ("a", 1, "2025-02"),
            ("b", 0, "2025-01"),
        ] {
            w.write(&SummaryLine {
                metric,
                tick,
                date,
                stats: SummaryStats {
                    n: 10,
                    mean: Some(0.1 + tick as f64),
                    sd: None,
                    min: Some(0.5),
                    quantiles: (metric == "a").then_some(q),
                    max: Some(9.0),
                },
                se: None,
                unit: if metric == "a" { "USD/kg" } else { "share" },
            })
            .unwrap();
        }
        w.finish().unwrap();
        let table = SummaryTable::read(&path).unwrap();
        assert_eq!(table.metric_names().collect::<Vec<_>>(), ["a", "b"]);
        let a = table.metric("a").unwrap();
        assert_eq!(a.len(), 2);
        assert_eq!(a[1].date, "2025-02");
        assert_eq!(a[1].stats.mean, Some(1.1));
        assert_eq!(a[1].stats.sd, None);
        assert_eq!(a[0].stats.quantiles, Some(q));
        assert_eq!(table.metric("b").unwrap()[0].stats.quantiles, None);
        assert!(table.metric("c").is_none());
        assert_eq!(table.unit("a"), Some("USD/kg"));
        assert_eq!(table.unit("b"), Some("share"));
        // A summary written before the unit column still reads.
        let old = SUMMARY_HEADER[..16].join(",");
        std::fs::write(
            &path,
            format!("{old}\nx,0,2025-01,1,1,,1,1,1,1,1,1,1,1,1,\n"),
        )
        .unwrap();
        let table = SummaryTable::read(&path).unwrap();
        assert_eq!(
            (table.unit("x"), table.metric("x").unwrap()[0].stats.n),
            (None, 1)
        );
    }

    #[test]
    fn a_broken_summary_is_refused_with_its_line() {
        let path = crate::ScratchFile::new("bad-summary", "summary.csv");
        let header = SUMMARY_HEADER.join(",");
        for (body, expected) in [
            (
                "x,0,2025-01,1,1,1,1,1,1,1,oops,1,1,1,1,1,u\n",
                "line 2, column `p50`: `oops`",
            ),
            (
                "x,1,2025-02,1,,,,,,,,,,,,,u\nx,0,2025-01,1,,,,,,,,,,,,,u\n",
                "line 3: tick 0",
            ),
        ] {
            std::fs::write(&path, format!("{header}\n{body}")).unwrap();
            let err = SummaryTable::read(&path).unwrap_err().to_string();
            assert!(err.contains(expected), "{err}");
        }
        std::fs::write(&path, "a,b\n1,2\n").unwrap();
        let err = SummaryTable::read(&path).unwrap_err().to_string();
        assert!(err.contains("not a remsim summary"), "{err}");
    }

    #[test]
    fn trial_columns_stream_the_chosen_columns() {
        let path = crate::ScratchFile::new("read-trials", "trials.csv");
        let columns = vec!["x".to_string(), "when".to_string(), "y".to_string()];
        let mut w = TrialsWriter::create(&path, &columns).unwrap();
        w.write(
            0,
            7,
            &[Field::Number(1.5), Field::Text("2030-01"), Field::Empty],
        )
        .unwrap();
        w.write(
            1,
            7,
            &[
                Field::Number(-2.0),
                Field::Text("2031-01"),
                Field::Number(3.0),
            ],
        )
        .unwrap();
        w.sync().unwrap();
        drop(w);
        let mut r = TrialColumns::open(&path, &["y", "missing", "x"]).unwrap();
        assert_eq!(r.names(), ["y", "x"]);
        assert_eq!(r.next_row().unwrap().unwrap(), [None, Some(1.5)]);
        assert_eq!(r.next_row().unwrap().unwrap(), [Some(3.0), Some(-2.0)]);
        assert!(r.next_row().unwrap().is_none());
        let mut r = TrialColumns::open(&path, &["when"]).unwrap();
        let err = r.next_row().unwrap_err().to_string();
        assert!(
            err.contains("line 2, column `when`: `2030-01` is not a number"),
            "{err}"
        );
    }
    #[test]
    fn sign_counts_come_from_the_sketch_buckets() {
        use crate::container::{ContainerWriter, FileKind};
        let path = crate::ScratchFile::new("read-signs", "aggregates.bin");
        let hash = "0".repeat(64);
        let mut w = ContainerWriter::create(&path, FileKind::Aggregates, &hash).unwrap();
        let header = AggregatesHeader {
            start: "2025-01".to_string(),
            n_ticks: 2,
            metric_names: vec!["a".to_string(), "b".to_string()],
            outcome_names: vec![],
            trials: 4,
            cells: 4,
            outcomes: 0,
        };
        w.item(&header).unwrap();
        let cell = |zeros: u64, positive: Vec<u32>, negative: Vec<u32>| CellRecord {
            count: zeros
                + positive.iter().map(|&c| u64::from(c)).sum::<u64>()
                + negative.iter().map(|&c| u64::from(c)).sum::<u64>(),
            excluded: 0,
            sum: [0; 5],
            sum_sq: [0; 5],
            min: 0.0,
            max: 0.0,
            zeros,
            positive_first: 0,
            positive,
            negative_first: 0,
            negative,
        };
        // tick 0: a, b; tick 1: a, b.
        w.item(&cell(4, vec![], vec![])).unwrap();
        w.item(&cell(1, vec![2, 0, 1], vec![])).unwrap();
        w.item(&cell(0, vec![1], vec![3])).unwrap();
        w.item(&cell(2, vec![], vec![1, 1])).unwrap();
        w.finish().unwrap();
        let signs = SignCounts::read(&path).unwrap();
        assert_eq!(signs.n_ticks, 2);
        let b0 = signs.get("b", 0).unwrap();
        assert_eq!((b0.count, b0.zero, b0.positive, b0.negative), (4, 1, 3, 0));
        let a1 = signs.get("a", 1).unwrap();
        assert_eq!((a1.count, a1.zero, a1.positive, a1.negative), (4, 0, 1, 3));
        assert!(signs.get("b", 2).is_none());
        assert!(signs.get("c", 0).is_none());
    }
}
