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
use parquet::file::properties::WriterProperties;
use parquet::schema::types::ColumnPath;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Values held in memory per row group (rows × columns): about 8 MB of numbers.
const VALUES_PER_GROUP: usize = 1 << 20;

/// Rows per row group of a table with `columns` columns: about [`VALUES_PER_GROUP`]
/// values, at least 1,024 and at most 65,536 rows. Depends on nothing but the header, so
/// the file's bytes depend only on the CSV's.
pub fn rows_per_group(columns: usize) -> usize {
    (VALUES_PER_GROUP / columns.max(1)).clamp(1024, 65_536)
}

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
            ColumnKind::Number => Column::Number(Float64Builder::with_capacity(rows)),
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

/// The writer settings: zstd; dictionaries for names, months and counters; numbers split
/// by byte stream (each byte of the f64s together, which zstd compresses about a fifth
/// better than the plain f64s of values that rarely repeat); the batch's metadata.
fn properties(
    rows: usize,
    meta: &FileMeta,
    table: Table,
    columns: &[(&str, ColumnKind)],
) -> WriterProperties {
    let level = ZstdLevel::try_new(3).unwrap_or_default();
    let pairs = meta
        .pairs(table)
        .into_iter()
        .map(|(k, v)| KeyValue::new(k, v))
        .collect();
    let mut builder = WriterProperties::builder()
        .set_compression(Compression::ZSTD(level))
        .set_max_row_group_row_count(Some(rows))
        .set_key_value_metadata(Some(pairs));
    for (name, kind) in columns {
        if *kind == ColumnKind::Number {
            let path = ColumnPath::from(*name);
            builder = builder
                .set_column_dictionary_enabled(path.clone(), false)
                .set_column_encoding(path, Encoding::BYTE_STREAM_SPLIT);
        }
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
    let rows_per = rows_per_group(kinds.len());
    let file = File::create(out).map_err(|e| ColumnarError::os(out, e))?;
    let mut writer = ArrowWriter::try_new(
        file,
        schema.clone(),
        Some(properties(
            rows_per,
            meta,
            table,
            &header.iter().zip(kinds.iter().copied()).collect::<Vec<_>>(),
        )),
    )
    .map_err(|e| ColumnarError::parquet(out, e))?;
    let fresh = || {
        kinds
            .iter()
            .map(|k| Column::new(*k, rows_per))
            .collect::<Vec<_>>()
    };
    let mut columns = fresh();
    let mut in_group = 0usize;
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
            in_group += 1;
            rows += 1;
        }
        if in_group == rows_per || (!more && in_group > 0) {
            let arrays = columns.iter_mut().map(Column::finish).collect();
            let batch = RecordBatch::try_new(schema.clone(), arrays)
                .map_err(|e| ColumnarError::parquet(out, e))?;
            writer
                .write(&batch)
                .map_err(|e| ColumnarError::parquet(out, e))?;
            writer.flush().map_err(|e| ColumnarError::parquet(out, e))?;
            columns = fresh();
            in_group = 0;
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
