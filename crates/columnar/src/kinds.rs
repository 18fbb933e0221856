//! Which Arrow type each CSV column gets, and months as Arrow dates.

use arrow_schema::DataType;
use remsim_core::catalog;

/// The type of one column in the Parquet copy of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// A name repeated down the column (`metric`, `unit`): a dictionary-encoded string.
    Name,
    /// A month `YYYY-MM`: a `Date32`, the first day of the month.
    Month,
    /// A counter (`trial`, `seed`, `tick`, `n`): `UInt64`.
    Count,
    /// Any other number: a nullable `Float64` (an empty CSV field is null).
    Number,
    /// An outcome counted in months, or a 0/1 flag (catalog units `months` and `0/1 flag`):
    /// a nullable `Float64` like [`ColumnKind::Number`], written with a dictionary, as a
    /// column holds a few hundred whole numbers at most.
    Tally,
}

impl ColumnKind {
    /// The Arrow type of the column.
    pub fn data_type(self) -> DataType {
        match self {
            ColumnKind::Name => {
                DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
            }
            ColumnKind::Month => DataType::Date32,
            ColumnKind::Count => DataType::UInt64,
            ColumnKind::Number | ColumnKind::Tally => DataType::Float64,
        }
    }
}

/// The kind of the column named `name` in any remsim table: the fixed names of the long
/// tables, then the metric catalog (an outcome whose unit is `YYYY-MM` is a month, one in
/// `months` or `0/1 flag` a tally).
pub fn column_kind(name: &str) -> ColumnKind {
    match name {
        "metric" | "unit" => ColumnKind::Name,
        "date" => ColumnKind::Month,
        "trial" | "seed" | "tick" | "n" => ColumnKind::Count,
        _ => match catalog::lookup_in(catalog::Table::Trials, name).map(|m| m.unit()) {
            Some("YYYY-MM") => ColumnKind::Month,
            Some("months" | "0/1 flag") => ColumnKind::Tally,
            _ => ColumnKind::Number,
        },
    }
}

/// Days from 1970-01-01 to the first day of the month `YYYY-MM`; `None` if `text` is not
/// such a month.
pub fn days_from_month(text: &str) -> Option<i32> {
    let (year, month) = text.split_once('-')?;
    if year.len() != 4 || month.len() != 2 {
        return None;
    }
    let year: i64 = year.parse().ok()?;
    let month: i64 = month.parse().ok()?;
    if !(1..=12).contains(&month) {
        return None;
    }
    // Howard Hinnant's days_from_civil, for day 1.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    i32::try_from(era * 146_097 + doe - 719_468).ok()
}

/// The month `YYYY-MM` that day `days` (since 1970-01-01) falls in.
pub fn month_from_days(days: i32) -> String {
    // Howard Hinnant's civil_from_days.
    let z = i64::from(days) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_map_to_the_first_of_the_month_and_back() {
        assert_eq!(days_from_month("1970-01"), Some(0));
        assert_eq!(days_from_month("2025-01"), Some(20_089));
        assert_eq!(days_from_month("2000-03"), Some(11_017));
        for year in 1900..2200 {
            for month in 1..=12 {
                let text = format!("{year:04}-{month:02}");
                let days = days_from_month(&text);
                assert_eq!(days.map(month_from_days), Some(text));
            }
        }
        for bad in ["2025", "2025-13", "2025-00", "25-01", "2025-1", "abcd-01"] {
            assert_eq!(days_from_month(bad), None, "{bad}");
        }
    }

    #[test]
    fn columns_get_their_kinds() {
        assert_eq!(column_kind("metric"), ColumnKind::Name);
        assert_eq!(column_kind("date"), ColumnKind::Month);
        assert_eq!(column_kind("trial"), ColumnKind::Count);
        assert_eq!(column_kind("peak_month.nd.cn"), ColumnKind::Month);
        assert_eq!(column_kind("floor_months.dy.row"), ColumnKind::Tally);
        assert_eq!(column_kind("shortage_any.dy_tb.by_2035"), ColumnKind::Tally);
        assert_eq!(
            column_kind("peak_price.nd.cn_usd_per_kg"),
            ColumnKind::Number
        );
        assert_eq!(
            column_kind("demand[wind].growth_per_year"),
            ColumnKind::Number
        );
    }
}
