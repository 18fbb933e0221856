//! Parquet in: a table's metadata, and the table written back as its CSV.

use crate::ColumnarError;
use crate::kinds::month_from_days;
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float64Type, Int32Type, UInt64Type};
use arrow_array::{Array, ArrayRef, RecordBatchReader};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::file::reader::{FileReader, SerializedFileReader};
use std::fs::File;
use std::io::Write;
use std::path::Path;

/// The key-value metadata of the Parquet file at `path`, in file order.
pub fn read_metadata(path: &Path) -> Result<Vec<(String, String)>, ColumnarError> {
    let file = File::open(path).map_err(|e| ColumnarError::os(path, e))?;
    let reader = SerializedFileReader::new(file).map_err(|e| ColumnarError::parquet(path, e))?;
    Ok(reader
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .map(|pairs| {
            pairs
                .iter()
                .map(|kv| (kv.key.clone(), kv.value.clone().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default())
}

/// Field `row` of `array` as remsim's CSV writes it: empty for null, a month as
/// `YYYY-MM`, a float in its shortest round-trip form.
fn field(array: &ArrayRef, row: usize) -> Result<String, String> {
    if array.is_null(row) {
        return Ok(String::new());
    }
    Ok(match array.data_type() {
        DataType::Float64 => format!("{}", array.as_primitive::<Float64Type>().value(row)),
        DataType::UInt64 => array.as_primitive::<UInt64Type>().value(row).to_string(),
        DataType::Date32 => month_from_days(array.as_primitive::<Date32Type>().value(row)),
        DataType::Dictionary(_, _) => {
            let dict = array
                .as_dictionary_opt::<Int32Type>()
                .ok_or("a dictionary column without Int32 keys")?;
            let key = usize::try_from(dict.keys().value(row)).map_err(|e| e.to_string())?;
            let values = dict
                .values()
                .as_string_opt::<i32>()
                .ok_or("a dictionary column without string values")?;
            values.value(key).to_string()
        }
        other => {
            return Err(format!(
                "a column of type {other}, which remsim does not write"
            ));
        }
    })
}

/// Writes the Parquet table at `parquet` as CSV to `out`, a batch at a time: the same
/// bytes as the CSV it was converted from. Returns the number of rows.
pub fn parquet_to_csv(parquet: &Path, out: &Path) -> Result<u64, ColumnarError> {
    let file = File::open(parquet).map_err(|e| ColumnarError::os(parquet, e))?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(|b| b.build())
        .map_err(|e| ColumnarError::parquet(parquet, e))?;
    let schema = reader.schema();
    let target = File::create(out).map_err(|e| ColumnarError::os(out, e))?;
    let mut writer = csv::Writer::from_writer(std::io::BufWriter::new(target));
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    writer
        .write_record(&names)
        .map_err(|e| ColumnarError::csv(out, e.to_string()))?;
    let mut rows = 0u64;
    let mut record: Vec<String> = Vec::with_capacity(names.len());
    for batch in reader {
        let batch = batch.map_err(|e| ColumnarError::parquet(parquet, e))?;
        for row in 0..batch.num_rows() {
            record.clear();
            for column in batch.columns() {
                record.push(field(column, row).map_err(|m| ColumnarError::csv(parquet, m))?);
            }
            writer
                .write_record(&record)
                .map_err(|e| ColumnarError::csv(out, e.to_string()))?;
            rows += 1;
        }
    }
    let mut inner = writer
        .into_inner()
        .map_err(|e| ColumnarError::csv(out, e.to_string()))?;
    inner.flush().map_err(|e| ColumnarError::os(out, e))?;
    Ok(rows)
}
