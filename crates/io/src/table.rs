//! The CSV files of a results folder: the long `summary.csv`, the per-trial `trials.csv`
//! (appended block by block, cut back to a checkpoint on resume) and a replayed trial's
//! wide trajectory. Numbers are written with [`number`]: Rust's shortest round-trip form,
//! so `x.to_string().parse::<f64>() == x` for every value; an undefined value is an empty
//! field.

use crate::error::IoError;
use crate::files::{PendingFile, hash_file, reopen_at, sync_flushed};
use crate::number::push_number;
use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

/// `summary.csv` columns; `se` (standard error of the mean, sd / √n) and `unit` (e.g.
/// `USD/kg`, `t REO/month`, `share`) come last, so the positions of the others are those of
/// folders written before them.
pub const SUMMARY_HEADER: [&str; 17] = [
    "metric", "tick", "date", "n", "mean", "sd", "min", "p01", "p05", "p25", "p50", "p75", "p95",
    "p99", "max", "se", "unit",
];

/// A number as written in every CSV: shortest form that reads back to the same `f64`
/// (the bytes of `format!("{x}")`; [`crate::push_number`] appends them to a buffer).
pub fn number(x: f64) -> String {
    let mut text = String::new();
    push_number(&mut text, x);
    text
}

/// One CSV field, built in a buffer kept between fields: every row is written field by
/// field through [`csv::Writer::write_field`] (quoted exactly as `write_record` quotes), so
/// no row allocates.
#[derive(Default)]
struct FieldBuffer(String);

impl FieldBuffer {
    /// Writes `x` (empty when undefined) as the next field of the current record.
    fn number<W: Write>(&mut self, w: &mut csv::Writer<W>, x: Option<f64>) -> csv::Result<()> {
        self.0.clear();
        if let Some(x) = x {
            push_number(&mut self.0, x);
        }
        w.write_field(&self.0)
    }

    /// Writes `n` as the next field of the current record.
    fn integer<W: Write>(&mut self, w: &mut csv::Writer<W>, n: u64) -> csv::Result<()> {
        w.write_field(itoa::Buffer::new().format(n))
    }
}

/// Ends the current record of `w` (after its fields were written one by one).
fn end_record<W: Write>(w: &mut csv::Writer<W>) -> csv::Result<()> {
    w.write_record(None::<&[u8]>)
}

/// One field of a `trials.csv` row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Field<'a> {
    /// A number.
    Number(f64),
    /// Text, e.g. a month `2031-04`.
    Text(&'a str),
    /// Undefined: an empty field.
    Empty,
}

/// The statistics of one metric at one tick, as `summary.csv` holds them; an undefined one
/// (an empty field) is `None`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SummaryStats {
    /// Values folded.
    pub n: u64,
    /// Mean.
    pub mean: Option<f64>,
    /// Sample standard deviation.
    pub sd: Option<f64>,
    /// Smallest value.
    pub min: Option<f64>,
    /// p01, p05, p25, p50, p75, p95, p99 (levels in [`crate::QUANTILE_LEVELS`]); `None` when
    /// any of them is undefined (no values folded).
    pub quantiles: Option<[f64; 7]>,
    /// Largest value.
    pub max: Option<f64>,
}

/// One row of `summary.csv`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SummaryLine<'a> {
    /// Metric name.
    pub metric: &'a str,
    /// Tick index.
    pub tick: usize,
    /// `YYYY-MM`.
    pub date: &'a str,
    /// Its statistics.
    pub stats: SummaryStats,
    /// Standard error of the mean, sd / √n: the mean's Monte Carlo error.
    pub se: Option<f64>,
    /// The metric's unit.
    pub unit: &'a str,
}

/// Writes `summary.csv` to a temporary file and renames it into place on [`finish`].
///
/// Rows are laid out in one reused buffer and written whole: the bytes `csv::Writer`
/// writes (fields joined by `,`, each row ended by `\n`, a text field quoted only where
/// it holds `,`, `"`, `\r` or `\n`, see [`push_csv_text`]), without its per-field
/// machinery. Numbers are never quoted (they hold only digits, `-`, `.`, `NaN`, `inf`),
/// and a number with the same bits as the one before it in the row (min, p01 and p05 of a
/// small batch, p95, p99 and max) is copied rather than formatted again.
///
/// [`finish`]: SummaryWriter::finish
pub struct SummaryWriter {
    pending: PendingFile,
    file: BufWriter<File>,
    row: SummaryRow,
}

impl SummaryWriter {
    /// Starts `path` (written as `path.tmp` until finished).
    pub fn create(path: &Path) -> Result<SummaryWriter, IoError> {
        let (pending, file) = PendingFile::create(path)?;
        let mut writer = SummaryWriter {
            pending,
            file: BufWriter::with_capacity(1 << 16, file),
            row: SummaryRow::default(),
        };
        writer.row.text.clear();
        for (i, name) in SUMMARY_HEADER.iter().enumerate() {
            if i > 0 {
                writer.row.text.push(',');
            }
            push_csv_text(&mut writer.row.text, name);
        }
        writer.row.text.push('\n');
        writer.flush_row()?;
        Ok(writer)
    }

    /// Writes one row.
    pub fn write(&mut self, line: &SummaryLine<'_>) -> Result<(), IoError> {
        self.row.lay_out(line);
        self.flush_row()
    }

    fn flush_row(&mut self) -> Result<(), IoError> {
        self.file
            .write_all(self.row.text.as_bytes())
            .map_err(|e| IoError::os(self.pending.tmp(), e))
    }

    /// Flushes, syncs and renames the file into place.
    pub fn finish(self) -> Result<(), IoError> {
        let SummaryWriter { pending, file, .. } = self;
        let file = file
            .into_inner()
            .map_err(|e| IoError::os(pending.tmp(), e.into_error()))?;
        pending.commit(file)
    }
}

/// One `summary.csv` row being laid out, and the last number written in it.
#[derive(Default)]
struct SummaryRow {
    text: String,
    /// The bits of the last number in the row and where its bytes are in `text`.
    last: Option<(u64, std::ops::Range<usize>)>,
    /// The metric of the row before and its field with the `,` after it: a metric's rows
    /// come one after another, so its name is quoted (or not) once.
    metric: Cached,
    /// Likewise the unit, with the `,` before it and the row's `\n`.
    unit: Cached,
    /// Each tick's `tick,date,` as laid out for the last row of that tick: every metric
    /// has the same ticks and dates.
    ticks: Vec<Cached>,
}

/// A text field as laid out in a row, for the text it was laid out from.
#[derive(Default)]
struct Cached {
    from: String,
    laid_out: String,
}

impl Cached {
    /// `before`, `field` as [`push_csv_text`] writes it and `after`, laid out again only
    /// when `field` differs from the last one.
    fn get(&mut self, field: &str, before: &str, after: &str) -> &str {
        if self.from != field || self.laid_out.is_empty() {
            self.from.clear();
            self.from.push_str(field);
            self.laid_out.clear();
            self.laid_out.push_str(before);
            push_csv_text(&mut self.laid_out, field);
            self.laid_out.push_str(after);
        }
        &self.laid_out
    }
}

impl SummaryRow {
    /// Lays out `line` as one CSV row, `\n` included.
    fn lay_out(&mut self, line: &SummaryLine<'_>) {
        self.text.clear();
        self.last = None;
        self.text.push_str(self.metric.get(line.metric, "", ","));
        if line.tick < 100_000 {
            if self.ticks.len() <= line.tick {
                self.ticks.resize_with(line.tick + 1, Cached::default);
            }
            let mut tick = itoa::Buffer::new();
            let tick = tick.format(line.tick);
            // `tick,` is fixed by the slot, so the date alone says whether it is current.
            let slot = &mut self.ticks[line.tick];
            if slot.from != line.date || slot.laid_out.is_empty() {
                slot.from.clear();
                slot.from.push_str(line.date);
                slot.laid_out.clear();
                slot.laid_out.push_str(tick);
                slot.laid_out.push(',');
                push_csv_text(&mut slot.laid_out, line.date);
                slot.laid_out.push(',');
            }
            self.text.push_str(&slot.laid_out);
        } else {
            self.text.push_str(itoa::Buffer::new().format(line.tick));
            self.text.push(',');
            push_csv_text(&mut self.text, line.date);
            self.text.push(',');
        }
        let s = &line.stats;
        self.text.push_str(itoa::Buffer::new().format(s.n));
        for x in [s.mean, s.sd, s.min] {
            self.number(x);
        }
        for i in 0..7 {
            self.number(s.quantiles.map(|q| q[i]));
        }
        for x in [s.max, line.se] {
            self.number(x);
        }
        self.text.push_str(self.unit.get(line.unit, ",", "\n"));
    }

    /// `,` and `x` (nothing when undefined).
    fn number(&mut self, x: Option<f64>) {
        self.text.push(',');
        let Some(x) = x else {
            return;
        };
        let bits = x.to_bits();
        match &self.last {
            Some((last, range)) if *last == bits => {
                let range = range.clone();
                let start = self.text.len();
                self.text.extend_from_within(range);
                self.last = Some((bits, start..self.text.len()));
            }
            _ => {
                let start = self.text.len();
                push_number(&mut self.text, x);
                self.last = Some((bits, start..self.text.len()));
            }
        }
    }
}

/// Appends `field` as `csv::Writer` (default settings: `,`, `"` doubled, `\n` rows)
/// writes it: quoted, with its quotes doubled, when it holds `,`, `"`, `\r` or `\n`;
/// as it is otherwise.
pub(crate) fn push_csv_text(out: &mut String, field: &str) {
    // The four bytes that need quotes all lie at or below `,` (0x2C): letters, digits,
    // `-`, `.` and `/` are passed over with one comparison.
    if field
        .bytes()
        .any(|b| b <= b',' && matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        out.push('"');
        for c in field.chars() {
            if c == '"' {
                out.push('"');
            }
            out.push(c);
        }
        out.push('"');
    } else {
        out.push_str(field);
    }
}

/// A CSV file written under its temporary name and renamed into place when finished.
struct PendingCsv {
    pending: PendingFile,
    writer: csv::Writer<BufWriter<File>>,
}

impl PendingCsv {
    /// Starts `path` with `header`.
    fn create<I, T>(path: &Path, header: I) -> Result<PendingCsv, IoError>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        let (pending, file) = PendingFile::create(path)?;
        let mut writer = csv::Writer::from_writer(BufWriter::new(file));
        writer
            .write_record(header)
            .map_err(|e| IoError::csv(pending.tmp(), e))?;
        Ok(PendingCsv { pending, writer })
    }

    /// A write error, naming the temporary file.
    fn error(&self, e: csv::Error) -> IoError {
        IoError::csv(self.pending.tmp(), e)
    }

    /// Flushes, syncs and renames the file into place.
    fn finish(self) -> Result<(), IoError> {
        let PendingCsv { pending, writer } = self;
        let os = |e: std::io::Error| IoError::os(pending.tmp(), e);
        let buffered = writer.into_inner().map_err(|e| os(e.into_error()))?;
        let file = buffered.into_inner().map_err(|e| os(e.into_error()))?;
        pending.commit(file)
    }
}

/// How much of an append-only file is durable and what it holds: its length and the
/// BLAKE3 (hex) of those bytes. A checkpoint records it; a resume re-hashes the prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DurablePrefix {
    /// Bytes.
    pub bytes: u64,
    /// BLAKE3 of those bytes, 64 lower-case hex characters.
    pub blake3: String,
}

impl DurablePrefix {
    /// No bytes.
    pub fn empty() -> DurablePrefix {
        DurablePrefix {
            bytes: 0,
            blake3: blake3::hash(b"").to_hex().to_string(),
        }
    }
}

/// The file under a [`TrialsWriter`]: every byte that reaches the file also feeds a running
/// BLAKE3, so a sync can say what the durable prefix holds without reading it back.
struct HashingFile {
    file: File,
    hasher: blake3::Hasher,
    len: u64,
}

impl Write for HashingFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// Appends rows to `trials.csv`: `trial,seed,<outcome columns…>`.
pub struct TrialsWriter {
    path: PathBuf,
    writer: csv::Writer<HashingFile>,
    buffer: FieldBuffer,
}

impl TrialsWriter {
    /// The header line for these outcome columns.
    pub fn header(columns: &[String]) -> Vec<String> {
        let mut header = vec!["trial".to_string(), "seed".to_string()];
        header.extend(columns.iter().cloned());
        header
    }

    /// Creates (or empties) `path` and writes the header.
    pub fn create(path: &Path, columns: &[String]) -> Result<TrialsWriter, IoError> {
        let file = File::create(path).map_err(|e| IoError::os(path, e))?;
        let file = HashingFile {
            file,
            hasher: blake3::Hasher::new(),
            len: 0,
        };
        let mut writer = TrialsWriter {
            path: path.to_path_buf(),
            writer: csv::Writer::from_writer(file),
            buffer: FieldBuffer::default(),
        };
        let header = TrialsWriter::header(columns);
        writer
            .writer
            .write_record(&header)
            .map_err(|e| IoError::csv(path, e))?;
        Ok(writer)
    }

    /// Reopens `path` for appending after checking that its first `keep.bytes` bytes — the
    /// durable prefix a checkpoint recorded — still hash to `keep.blake3`, and cutting it
    /// back to them; checks that its header is the one for `columns`. A prefix that was
    /// changed since is refused, naming the file: resuming on it would give other results.
    pub fn resume(
        path: &Path,
        keep: &DurablePrefix,
        columns: &[String],
    ) -> Result<TrialsWriter, IoError> {
        let header = TrialsWriter::header(columns);
        let (found, _) = TrialsReader::open(path)?;
        if found.header() != header.as_slice() {
            return Err(IoError::refused(
                path,
                "its columns differ from the checkpoint's; rerun with --force to start over",
            ));
        }
        let (length, hasher) = hash_file(path, Some(keep.bytes))?;
        if length < keep.bytes {
            return Err(IoError::refused(
                path,
                format!(
                    "{length} bytes, shorter than the {} its checkpoint records; rerun with --force to start over",
                    keep.bytes
                ),
            ));
        }
        let found = hasher.finalize().to_hex().to_string();
        if found != keep.blake3 {
            return Err(IoError::damaged(
                path,
                format!(
                    "its first {} bytes hash to BLAKE3 {}, but the checkpoint recorded {}; resuming would not reproduce the batch; rerun with --force to start over",
                    keep.bytes,
                    short(&found),
                    short(&keep.blake3)
                ),
            ));
        }
        let file = HashingFile {
            file: reopen_at(path, keep.bytes)?,
            hasher,
            len: keep.bytes,
        };
        Ok(TrialsWriter {
            path: path.to_path_buf(),
            writer: csv::Writer::from_writer(file),
            buffer: FieldBuffer::default(),
        })
    }

    /// Writes one row field by field into `w`.
    fn record<W: Write>(
        w: &mut csv::Writer<W>,
        buffer: &mut FieldBuffer,
        trial: u64,
        seed: u64,
        fields: &[Field<'_>],
    ) -> csv::Result<()> {
        buffer.integer(w, trial)?;
        buffer.integer(w, seed)?;
        for field in fields {
            match field {
                Field::Number(x) => buffer.number(w, Some(*x))?,
                Field::Text(t) => w.write_field(t)?,
                Field::Empty => w.write_field([])?,
            }
        }
        end_record(w)
    }

    /// Appends one row.
    pub fn write(&mut self, trial: u64, seed: u64, fields: &[Field<'_>]) -> Result<(), IoError> {
        TrialsWriter::record(&mut self.writer, &mut self.buffer, trial, seed, fields)
            .map_err(|e| IoError::csv(&self.path, e))
    }

    /// The line [`TrialsWriter::write`] would write, without its newline.
    pub fn line(trial: u64, seed: u64, fields: &[Field<'_>]) -> Result<String, IoError> {
        in_memory(|w| TrialsWriter::record(w, &mut FieldBuffer::default(), trial, seed, fields))
    }

    /// A row read back by [`TrialsReader`], as the line it was written as.
    pub fn record_line(record: &csv::ByteRecord) -> Result<String, IoError> {
        in_memory(|w| w.write_byte_record(record))
    }

    /// Appends a row read from another `trials.csv` (merge), unchanged.
    pub fn write_raw(&mut self, record: &csv::ByteRecord) -> Result<(), IoError> {
        self.writer
            .write_byte_record(record)
            .map_err(|e| IoError::csv(&self.path, e))
    }

    /// Makes every row written so far durable; returns the durable prefix (the whole file).
    pub fn sync(&mut self) -> Result<DurablePrefix, IoError> {
        sync_flushed(&self.path, self.writer.flush(), &self.writer.get_ref().file)?;
        let inner = self.writer.get_ref();
        Ok(DurablePrefix {
            bytes: inner.len,
            blake3: inner.hasher.finalize().to_hex().to_string(),
        })
    }
}

/// The first 12 hex characters of a hash, enough to tell two apart in a message.
pub(crate) fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// Reads a `trials.csv` row by row.
pub struct TrialsReader {
    path: PathBuf,
    header: Vec<String>,
    reader: csv::Reader<BufReader<File>>,
}

impl TrialsReader {
    /// Opens `path` and reads its header; the second value is the file length in bytes.
    pub fn open(path: &Path) -> Result<(TrialsReader, u64), IoError> {
        let file = File::open(path).map_err(|e| IoError::os(path, e))?;
        let length = file.metadata().map_err(|e| IoError::os(path, e))?.len();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(BufReader::new(file));
        let header = reader
            .headers()
            .map_err(|e| IoError::csv(path, e))?
            .iter()
            .map(str::to_string)
            .collect::<Vec<_>>();
        if header.first().map(String::as_str) != Some("trial") {
            return Err(IoError::refused(
                path,
                "not a remsim trials.csv (no `trial` column first)",
            ));
        }
        Ok((
            TrialsReader {
                path: path.to_path_buf(),
                header,
                reader,
            },
            length,
        ))
    }

    /// The column names.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The next row and its trial index, or `None` at the end.
    pub fn next_row(&mut self) -> Result<Option<(u64, csv::ByteRecord)>, IoError> {
        let mut record = csv::ByteRecord::new();
        if !self
            .reader
            .read_byte_record(&mut record)
            .map_err(|e| IoError::csv(&self.path, e))?
        {
            return Ok(None);
        }
        let line = record.position().map_or(0, |p| p.line());
        let trial = record
            .get(0)
            .and_then(|t| std::str::from_utf8(t).ok())
            .and_then(|t| t.parse::<u64>().ok())
            .ok_or_else(|| {
                IoError::refused(
                    &self.path,
                    format!("line {line}: no trial number in the first field"),
                )
            })?;
        Ok(Some((trial, record)))
    }
}

/// Writes one trial's trajectory as a wide CSV: `tick,date,<metric…>`.
pub struct TrajectoryWriter {
    out: PendingCsv,
}

impl TrajectoryWriter {
    /// Starts `path` with the header for `metrics`.
    pub fn create(path: &Path, metrics: &[String]) -> Result<TrajectoryWriter, IoError> {
        let header = ["tick", "date"]
            .into_iter()
            .chain(metrics.iter().map(String::as_str));
        Ok(TrajectoryWriter {
            out: PendingCsv::create(path, header)?,
        })
    }

    /// Writes the values of one tick.
    pub fn write(&mut self, tick: usize, date: &str, values: &[f64]) -> Result<(), IoError> {
        let mut record = Vec::with_capacity(values.len() + 2);
        record.push(tick.to_string());
        record.push(date.to_string());
        record.extend(values.iter().map(|v| number(*v)));
        self.out
            .writer
            .write_record(&record)
            .map_err(|e| self.out.error(e))
    }

    /// Flushes, syncs and renames the file into place.
    pub fn finish(self) -> Result<(), IoError> {
        self.out.finish()
    }
}

/// One CSV line written in memory, without its newline.
fn in_memory(
    write: impl FnOnce(&mut csv::Writer<Vec<u8>>) -> Result<(), csv::Error>,
) -> Result<String, IoError> {
    let here = Path::new("<memory>");
    let mut writer = csv::Writer::from_writer(Vec::new());
    write(&mut writer).map_err(|e| IoError::csv(here, e))?;
    let bytes = writer
        .into_inner()
        .map_err(|e| IoError::os(here, e.into_error()))?;
    let text = String::from_utf8_lossy(&bytes);
    Ok(text.trim_end_matches(['\n', '\r']).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Every f64 written reads back to the same bits.
        #[test]
        fn numbers_round_trip(bits in any::<u64>()) {
            let x = f64::from_bits(bits);
            let back: f64 = number(x).parse().unwrap();
            prop_assert!(back.to_bits() == x.to_bits() || (x.is_nan() && back.is_nan()));
        }
    }

    /// A `summary.csv` row as the csv crate writes it field by field (how
    /// `SummaryWriter` wrote rows before it laid them out itself).
    fn summary_row_by_csv(line: &SummaryLine<'_>) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let s = &line.stats;
        let mut fields = vec![
            line.metric.to_string(),
            line.tick.to_string(),
            line.date.to_string(),
            s.n.to_string(),
        ];
        let text = |x: Option<f64>| x.map(|x| format!("{x}")).unwrap_or_default();
        fields.extend([s.mean, s.sd, s.min].map(text));
        fields.extend((0..7).map(|i| text(s.quantiles.map(|q| q[i]))));
        fields.extend([s.max, line.se].map(text));
        fields.push(line.unit.to_string());
        for field in &fields {
            w.write_field(field).unwrap();
        }
        w.write_record(None::<&[u8]>).unwrap();
        String::from_utf8(w.into_inner().unwrap()).unwrap()
    }

    /// Text with the bytes csv quotes, numbers often repeated.
    fn odd_text() -> impl Strategy<Value = String> {
        proptest::string::string_regex("[a-z,\"\r\n /.é]{0,8}").unwrap()
    }

    fn some_number() -> impl Strategy<Value = Option<f64>> {
        prop_oneof![
            1 => Just(None),
            2 => Just(Some(0.0)),
            1 => Just(Some(-0.0)),
            2 => Just(Some(1.5)),
            4 => any::<f64>().prop_map(Some),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        /// A laid-out row is the csv crate's row, byte for byte, whatever its text holds.
        #[test]
        fn summary_rows_are_written_as_the_csv_crate_writes_them(
            metric in odd_text(),
            date in odd_text(),
            unit in odd_text(),
            tick in any::<usize>(),
            n in any::<u64>(),
            numbers in proptest::collection::vec(some_number(), 12),
            quantiles in any::<bool>(),
        ) {
            let q = |i: usize| numbers[3 + i].unwrap_or(2.5);
            let line = SummaryLine {
                metric: &metric,
                tick,
                date: &date,
                stats: SummaryStats {
                    n,
                    mean: numbers[0],
                    sd: numbers[1],
                    min: numbers[2],
                    quantiles: quantiles.then(|| std::array::from_fn(q)),
                    max: numbers[10],
                },
                se: numbers[11],
                unit: &unit,
            };
            // One row buffer for a sequence of lines, as a writer lays them out: a metric's
            // or unit's field kept from the line before must be the one this line needs.
            let other = SummaryLine { metric: &unit, unit: &metric, date: &metric, ..line };
            let small = SummaryLine { tick: tick % 7, ..line };
            let small_other = SummaryLine { tick: tick % 7, ..other };
            let mut row = SummaryRow::default();
            for line in [&line, &line, &other, &line, &other, &other, &small, &small_other, &small, &small] {
                row.lay_out(line);
                prop_assert_eq!(&row.text, &summary_row_by_csv(line));
            }
        }
    }

    #[test]
    fn summary_header_is_the_csv_crate_header() {
        let path = crate::ScratchFile::new("summary", "summary.csv");
        SummaryWriter::create(&path).unwrap().finish().unwrap();
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(SUMMARY_HEADER).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), w.into_inner().unwrap());
    }

    #[test]
    fn trials_file_resumes_at_a_recorded_length() {
        let path = crate::ScratchFile::new("trials", "trials.csv");
        let columns = vec!["a".to_string(), "b".to_string()];
        let mut w = TrialsWriter::create(&path, &columns).unwrap();
        w.write(0, 9, &[Field::Number(1.5), Field::Empty]).unwrap();
        let kept = w.sync().unwrap();
        w.write(1, 9, &[Field::Number(2.0), Field::Text("2030-01")])
            .unwrap();
        w.sync().unwrap();
        drop(w);
        let mut w = TrialsWriter::resume(&path, &kept, &columns).unwrap();
        w.write(1, 9, &[Field::Number(3.0), Field::Text("2031-02")])
            .unwrap();
        let end = w.sync().unwrap();
        let text = "trial,seed,a,b\n0,9,1.5,\n1,9,3,2031-02\n";
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        // The running hash after a resume is the hash of the whole file.
        assert_eq!(end.bytes, text.len() as u64);
        assert_eq!(
            end.blake3,
            blake3::hash(text.as_bytes()).to_hex().to_string()
        );
        let other = vec!["a".to_string()];
        assert!(TrialsWriter::resume(&path, &kept, &other).is_err());
        // A changed byte inside the recorded prefix is refused, naming the file.
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[16] = b'7';
        std::fs::write(&path, &bytes).unwrap();
        let err = TrialsWriter::resume(&path, &kept, &columns)
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("trials.csv: damaged: its first"), "{err}");
    }
}
