//! What a metric or outcome column is called on a chart and in which unit it is shown:
//! `price.dy.row` → "Dy oxide price, rest of world" in USD/kg; `mine.cn_share` → "China's
//! share of mining" in percent (shares are stored 0..1 and shown ×100). Titles and units
//! come from the metric catalog (`remsim_core::catalog`); a name it does not know is shown
//! as itself, without a unit.

use remsim_core::catalog::{self, Kind, Table};

/// How a metric or column is labelled and scaled for display.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    /// Title, e.g. "Dy oxide price, rest of world".
    pub title: String,
    /// Unit of the displayed values, e.g. "USD/kg" or "%".
    pub unit: String,
    /// Factor from stored to displayed values (100 for shares).
    pub factor: f64,
    /// Whether the values are prices (which may go logarithmic).
    pub is_price: bool,
}

fn label(title: String, unit: &str, factor: f64) -> Label {
    Label {
        title,
        unit: unit.to_string(),
        factor,
        is_price: false,
    }
}

/// The catalog's title and unit, shares shown in percent.
fn from_catalog(name: &str, m: Option<&catalog::Metric>) -> Label {
    match m {
        Some(m) if m.kind() == Kind::Share => label(m.label(), "%", 100.0),
        Some(m) => Label {
            title: m.label(),
            unit: m.unit().to_string(),
            factor: 1.0,
            is_price: m.unit() == catalog::PRICE.unit,
        },
        None => label(name.to_string(), "", 1.0),
    }
}

/// The label of a per-month metric of `summary.csv`.
pub fn metric(name: &str) -> Label {
    from_catalog(name, catalog::lookup_in(Table::Summary, name))
}

/// The label of a per-trial outcome column of `trials.csv`.
pub fn outcome(name: &str) -> Label {
    from_catalog(name, catalog::lookup_in(Table::Trials, name))
}

/// The unit of a metric's values as stored (in `summary.csv`'s `unit` column), from the
/// metric catalog; empty for a name the catalog does not know.
pub fn stored_unit(name: &str) -> String {
    catalog::lookup_in(Table::Summary, name).map_or_else(String::new, |m| m.unit().to_string())
}

/// The stored unit of a per-trial outcome column of `trials.csv`, from the metric catalog.
pub fn stored_outcome_unit(name: &str) -> String {
    catalog::lookup_in(Table::Trials, name).map_or_else(String::new, |m| m.unit().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_get_titles_and_units() {
        let cases = [
            (
                "price.dy.row",
                "Dy oxide price, rest of world",
                "USD/kg",
                1.0,
            ),
            ("mine.cn_share", "China's share of mining", "%", 100.0),
            (
                "recycled_share.nd",
                "Recycled share of Nd supply",
                "%",
                100.0,
            ),
            (
                "shortage.tb_t",
                "Tb shortage (unmet demand)",
                "t REO per month",
                1.0,
            ),
            (
                "radioactive_residue.row_t",
                "Radioactive residue, rest of world",
                "t residue per month",
                1.0,
            ),
            ("something.new", "something.new", "", 1.0),
        ];
        for (name, title, unit, factor) in cases {
            let l = metric(name);
            assert_eq!(
                (l.title.as_str(), l.unit.as_str(), l.factor),
                (title, unit, factor),
                "{name}"
            );
        }
        assert!(metric("price.la.cn").is_price && !metric("mine.cn_share").is_price);
    }

    #[test]
    fn outcomes_get_titles_and_units() {
        let cases = [
            (
                "peak_price.tb.cn_usd_per_kg",
                "Peak Tb price, China",
                "USD/kg",
            ),
            ("shortage_months.dy", "Months with a Dy shortage", "months"),
            (
                "magnet.cn_share.2035",
                "China's share of magnet making in 2035",
                "%",
            ),
            (
                "profit_cum.row_musd",
                "Cumulative profit, rest of world",
                "million USD",
            ),
            (
                "price_mean.ndpr.cn.2030",
                "Mean NdPr price in 2030, China",
                "USD/kg",
            ),
        ];
        for (name, title, unit) in cases {
            let l = outcome(name);
            assert_eq!((l.title.as_str(), l.unit.as_str()), (title, unit), "{name}");
        }
    }

    #[test]
    fn every_charted_outcome_is_in_the_catalog() {
        for column in crate::report::histogram_columns() {
            assert!(
                catalog::lookup_in(Table::Trials, &column).is_some(),
                "{column} is not an outcome of remsim_core::catalog"
            );
        }
    }
}
