//! CSV in, Parquet out: one table streamed in row groups of a fixed size.

use crate::kinds::{ColumnKind, column_kind, days_from_month};
use crate::{ColumnarError, FileMeta, Table};
use arrow_array::builder::{Date32Builder, Float64Builder, StringDictionaryBuilder, UInt64Builder};
use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::schema::types::ColumnPath;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Rows per row group, and per data page: a page is what zstd compresses, and
/// byte-stream-split lays a page of f64s out as eight streams, byte 0 of every value, then
/// byte 1, and so on. At 65,536 rows a stream is 64 KiB, so each 128 KiB zstd block holds
/// two whole streams and gets a Huffman table of its own: the high bytes (sign, exponent and
/// the top of the mantissa), which vary little down a column, then cost a few bits instead
/// of eight. With the ~7,400-row groups of ~10⁶ values that this replaced, all eight
/// streams of a 142-column `trials` page shared one block and one table, and a full-precision
/// f64 took 7.03 bytes instead of about 6.7. Fixed, so the bytes of a file depend only on
/// the CSV's (and memory only on the number of columns, not of rows).
pub const ROWS_PER_GROUP: usize = 65_536;

/// Rows per Arrow batch handed to the writer (a divisor of [`ROWS_PER_GROUP`]): memory holds
/// one batch of Arrow arrays, plus the writer's encoded pages of the open row group.
const ROWS_PER_BATCH: usize = 8_192;

/// One column being filled.
enum Column {
    Name(StringDictionaryBuilder<Int32Type>),
    Month(Date32Builder),
    Count(UInt64Builder),
    Number(Float64Builder),
}

impl Column {
    fn new(kind: ColumnKind, rows: usize) -> Column {
        match kind {
            ColumnKind::Name => Column::Name(StringDictionaryBuilder::new()),
            ColumnKind::Month => Column::Month(Date32Builder::with_capacity(rows)),
            ColumnKind::Count => Column::Count(UInt64Builder::with_capacity(rows)),
            ColumnKind::Number | ColumnKind::Tally => {
                Column::Number(Float64Builder::with_capacity(rows))
            }
        }
    }

    /// Appends one CSV field; an empty field is null (a name keeps it as "").
    fn push(&mut self, text: &str) -> Result<(), String> {
        let empty = text.is_empty();
        match self {
            Column::Name(b) => {
                b.append_value(text);
            }
            Column::Month(b) if empty => b.append_null(),
            Column::Month(b) => b.append_value(
                days_from_month(text).ok_or_else(|| format!("`{text}` is not a month YYYY-MM"))?,
            ),
            Column::Count(b) if empty => b.append_null(),
            Column::Count(b) => b.append_value(
                text.parse()
                    .map_err(|_| format!("`{text}` is not a whole number >= 0"))?,
            ),
            Column::Number(b) if empty => b.append_null(),
            Column::Number(b) => b.append_value(
                text.parse()
                    .map_err(|_| format!("`{text}` is not a number"))?,
            ),
        }
        Ok(())
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Column::Name(b) => Arc::new(b.finish()),
            Column::Month(b) => Arc::new(b.finish()),
            Column::Count(b) => Arc::new(b.finish()),
            Column::Number(b) => Arc::new(b.finish()),
        }
    }
}

/// The writer settings: zstd; one page per column and row group ([`ROWS_PER_GROUP`]);
/// dictionaries for names, months and tallies; counters delta-encoded (a trial number is one
/// more than the last); other numbers split by byte stream, without a dictionary (most are
/// full-precision f64s that rarely repeat); the batch's metadata.
fn properties(meta: &FileMeta, table: Table, columns: &[(&str, ColumnKind)]) -> WriterProperties {
    // Higher levels find little more (for the number and tally columns of a 100,000-trial
    // `trials`: level 15, 0.5% smaller; 19, 1.3%; 22, 1.3%), but each column's compressor
    // then holds several MB, all at once: 0.98-1.0 GB resident instead of 172 MB at level 3,
    // and 4 s (15) or 13 s (19) instead of 1.6 s. docs/python.md has the figures.
    let level = ZstdLevel::try_new(3).unwrap_or_default();
    let pairs = meta
        .pairs(table)
        .into_iter()
        .map(|(k, v)| KeyValue::new(k, v))
        .collect();
    let mut builder = WriterProperties::builder()
        .set_compression(Compression::ZSTD(level))
        .set_max_row_group_row_count(Some(ROWS_PER_GROUP))
        .set_data_page_row_count_limit(ROWS_PER_GROUP)
        // Min/max per column chunk only: with one page per chunk, page statistics (in each
        // page header and the column index) repeat the chunk's; 13 kB off a 100,000-trial
        // `trials`.
        .set_statistics_enabled(EnabledStatistics::Chunk)
        .set_key_value_metadata(Some(pairs));
    for (name, kind) in columns {
        let path = ColumnPath::from(*name);
        // With a dictionary, the encoding set here is the fallback for a dictionary that
        // outgrows its page (a tally column of unexpectedly many distinct values).
        let (dictionary, encoding) = match kind {
            ColumnKind::Name | ColumnKind::Month => continue,
            ColumnKind::Count => (false, Encoding::DELTA_BINARY_PACKED),
            ColumnKind::Number => (false, Encoding::BYTE_STREAM_SPLIT),
            ColumnKind::Tally => (true, Encoding::BYTE_STREAM_SPLIT),
        };
        builder = builder
            .set_column_dictionary_enabled(path.clone(), dictionary)
            .set_column_encoding(path, encoding);
    }
    builder.build()
}

/// `<path>.tmp`, where a file is written before it is renamed into place.
fn temporary(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(".tmp");
    PathBuf::from(name)
}

/// Streams the CSV table at `csv` into a Parquet file at `out` (written to `out.tmp`,
/// synced, then renamed), typed by [`column_kind`], with `meta` as key-value metadata.
/// Returns the number of rows.
pub fn csv_to_parquet(
    table: Table,
    csv: &Path,
    out: &Path,
    meta: &FileMeta,
) -> Result<u64, ColumnarError> {
    let tmp = temporary(out);
    let result = write_file(table, csv, &tmp, meta).and_then(|rows| {
        std::fs::rename(&tmp, out).map_err(|e| ColumnarError::os(out, e))?;
        Ok(rows)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn write_file(table: Table, csv: &Path, out: &Path, meta: &FileMeta) -> Result<u64, ColumnarError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(csv)
        .map_err(|e| ColumnarError::csv(csv, e.to_string()))?;
    let header = reader
        .headers()
        .map_err(|e| ColumnarError::csv(csv, e.to_string()))?
        .clone();
    let kinds: Vec<ColumnKind> = header.iter().map(column_kind).collect();
    let schema = Arc::new(Schema::new(
        header
            .iter()
            .zip(&kinds)
            .map(|(name, kind)| Field::new(name, kind.data_type(), *kind != ColumnKind::Name))
            .collect::<Vec<_>>(),
    ));
    let file = File::create(out).map_err(|e| ColumnarError::os(out, e))?;
    let mut writer = ArrowWriter::try_new(
        file,
        schema.clone(),
        Some(properties(
            meta,
            table,
            &header.iter().zip(kinds.iter().copied()).collect::<Vec<_>>(),
        )),
    )
    .map_err(|e| ColumnarError::parquet(out, e))?;
    let fresh = || {
        kinds
            .iter()
            .map(|k| Column::new(*k, ROWS_PER_BATCH))
            .collect::<Vec<_>>()
    };
    let mut columns = fresh();
    let mut in_batch = 0usize;
    let mut rows = 0u64;
    let mut record = csv::StringRecord::new();
    loop {
        let more = reader
            .read_record(&mut record)
            .map_err(|e| ColumnarError::csv(csv, e.to_string()))?;
        if more {
            if record.len() != columns.len() {
                return Err(ColumnarError::csv(
                    csv,
                    format!(
                        "row {}: {} fields, but the header has {}",
                        rows + 2,
                        record.len(),
                        columns.len()
                    ),
                ));
            }
            for ((column, text), name) in columns.iter_mut().zip(&record).zip(&header) {
                column.push(text).map_err(|m| {
                    ColumnarError::csv(csv, format!("row {}: column {name}: {m}", rows + 2))
                })?;
            }
            in_batch += 1;
            rows += 1;
        }
        if in_batch == ROWS_PER_BATCH || (!more && in_batch > 0) {
            let arrays = columns.iter_mut().map(Column::finish).collect();
            let batch = RecordBatch::try_new(schema.clone(), arrays)
                .map_err(|e| ColumnarError::parquet(out, e))?;
            // The writer closes a row group by itself every ROWS_PER_GROUP rows.
            writer
                .write(&batch)
                .map_err(|e| ColumnarError::parquet(out, e))?;
            columns = fresh();
            in_batch = 0;
        }
        if !more {
            break;
        }
    }
    let file = writer
        .into_inner()
        .map_err(|e| ColumnarError::parquet(out, e))?;
    file.sync_all().map_err(|e| ColumnarError::os(out, e))?;
    Ok(rows)
}
