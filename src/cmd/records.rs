//! Conversions between the scheduler's plain `*Parts` types and `remsim-io`'s records: the
//! one place where the two meet, so neither crate depends on the other.

use anyhow::{Context, bail};
use remsim_core::Month;
use remsim_io::{AggregatesHeader, CellRecord, CellRecordRef, ContainerReader, ContainerWriter};
use remsim_scheduler::{
    AggregatesBuilder, BatchAggregates, BucketRun, CellParts, HeaderParts, SketchParts,
};

/// Appends aggregates to a container: their header, then one record per cell.
pub fn write_aggregates(
    writer: &mut ContainerWriter,
    aggregates: &BatchAggregates,
) -> anyhow::Result<()> {
    let header = aggregates.header_parts();
    let (cells, outcomes) = aggregates.stored_counts();
    writer.item(&AggregatesHeader {
        start: header.start.to_string(),
        n_ticks: header.n_ticks as u64,
        metric_names: header.metric_names,
        outcome_names: header.outcome_names,
        trials: header.trials,
        cells: cells as u64,
        outcomes: outcomes as u64,
    })?;
    for cell in aggregates.stored_cells() {
        let parts = cell.parts_ref();
        writer.cell(&CellRecordRef {
            count: parts.count,
            excluded: parts.excluded,
            sum: parts.sum,
            sum_sq: parts.sum_sq,
            min: parts.min,
            max: parts.max,
            zeros: parts.zeros,
            positive_first: parts.positive.0,
            positive: parts.positive.1,
            negative_first: parts.negative.0,
            negative: parts.negative.1,
        })?;
    }
    Ok(())
}

/// Reads aggregates written by [`write_aggregates`], checking every count.
pub fn read_aggregates(reader: &mut ContainerReader) -> anyhow::Result<BatchAggregates> {
    let header: AggregatesHeader = reader.item()?;
    let start = Month::parse(&header.start)
        .with_context(|| format!("stored start month `{}`", header.start))?;
    let mut builder = AggregatesBuilder::new(HeaderParts {
        start,
        n_ticks: usize::try_from(header.n_ticks)?,
        metric_names: header.metric_names,
        outcome_names: header.outcome_names,
        trials: header.trials,
    })?;
    let (cells, outcomes) = builder.expected();
    if (header.cells, header.outcomes) != (cells as u64, outcomes as u64) {
        bail!(
            "stored aggregates announce {} cells and {} outcome cells where {cells} and {outcomes} belong",
            header.cells,
            header.outcomes
        );
    }
    for _ in 0..cells + outcomes {
        let record: CellRecord = reader.item()?;
        builder.push(&cell_parts(record))?;
    }
    Ok(builder.finish()?)
}

fn cell_parts(record: CellRecord) -> CellParts {
    CellParts {
        count: record.count,
        excluded: record.excluded,
        sum: record.sum,
        sum_sq: record.sum_sq,
        min: record.min,
        max: record.max,
        sketch: SketchParts {
            zeros: record.zeros,
            positive: BucketRun {
                first_key: record.positive_first,
                counts: record.positive,
            },
            negative: BucketRun {
                first_key: record.negative_first,
                counts: record.negative,
            },
        },
    }
}

/// Calls `f` with a trial's outcomes as `trials.csv` fields (months as `YYYY-MM` text).
pub fn with_fields<R>(
    values: &[remsim_scheduler::OutcomeValue],
    f: impl FnOnce(&[remsim_io::Field<'_>]) -> R,
) -> R {
    use remsim_io::Field;
    use remsim_scheduler::OutcomeValue;
    let months: Vec<String> = values
        .iter()
        .map(|v| match v {
            OutcomeValue::Month(m) => m.to_string(),
            _ => String::new(),
        })
        .collect();
    let fields: Vec<Field<'_>> = values
        .iter()
        .zip(&months)
        .map(|(v, month)| match v {
            OutcomeValue::Number(x) => Field::Number(*x),
            OutcomeValue::Month(_) => Field::Text(month),
            OutcomeValue::Missing => Field::Empty,
        })
        .collect();
    f(&fields)
}
