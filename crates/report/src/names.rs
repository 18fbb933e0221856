//! What a metric or outcome column is called on a chart and in which unit it is shown:
//! `price.dy.row` → "Dy oxide price, rest of world" in USD/kg; `mine.cn_share` → "China's
//! share of mining" in percent (shares are stored 0..1 and shown ×100).

use remsim_core::Element;

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

fn region(key: &str) -> &'static str {
    match key {
        "cn" => "China",
        "row" => "rest of world",
        _ => "?",
    }
}

fn symbol(key: &str) -> String {
    Element::parse(key)
        .map(|e| e.symbol().to_string())
        .unwrap_or_else(|_| key.to_string())
}

fn stage(key: &str) -> &str {
    match key {
        "mine" => "mining",
        "separation" => "separation",
        "magnet" => "magnet making",
        "deep_processing" => "deep processing",
        other => other,
    }
}

fn label(title: String, unit: &str, factor: f64) -> Label {
    Label {
        title,
        unit: unit.to_string(),
        factor,
        is_price: false,
    }
}

/// The unit of a metric's values as stored (in `summary.csv`'s `unit` column): the display
/// unit, except that shares are stored as fractions (`share`, 0..1) and shown in percent.
/// The one place the binary takes stored units from, so it can later be pointed at a
/// metric catalog in one line.
pub fn stored_unit(name: &str) -> String {
    let label = metric(name);
    if label.unit == "%" && label.factor == 100.0 {
        "share".to_string()
    } else {
        label.unit
    }
}

/// The stored unit of a per-trial outcome column (as [`stored_unit`] for metrics); 0/1
/// event columns (`shortage_any.*`) are `probability`.
pub fn stored_outcome_unit(name: &str) -> String {
    if name.starts_with("shortage_any.") {
        return "probability".to_string();
    }
    let label = outcome(name);
    if label.unit == "%" && label.factor == 100.0 {
        "share".to_string()
    } else {
        label.unit
    }
}

/// The label of a per-month metric of `summary.csv`.
pub fn metric(name: &str) -> Label {
    let parts: Vec<&str> = name.split('.').collect();
    match parts.as_slice() {
        ["price", el, reg] => Label {
            title: format!("{} oxide price, {}", symbol(el), region(reg)),
            unit: "USD/kg".into(),
            factor: 1.0,
            is_price: true,
        },
        [st, "cn_share"] => label(format!("China's share of {}", stage(st)), "%", 100.0),
        ["row_supply_share"] => label("Ex-China mine output over world demand".into(), "%", 100.0),
        ["recycled_share", el] => label(
            format!("Recycled share of {} supply", symbol(el)),
            "%",
            100.0,
        ),
        ["ev", "ree_free_share"] => label(
            "Rare-earth-free motors, share of new EVs".into(),
            "%",
            100.0,
        ),
        ["wastewater", "cn_t"] => label(
            "Leaching wastewater, China".into(),
            "t wastewater per month",
            1.0,
        ),
        ["radioactive_residue", reg] => label(
            format!(
                "Radioactive residue, {}",
                region(reg.trim_end_matches("_t"))
            ),
            "t residue per month",
            1.0,
        ),
        ["profit", reg] => label(
            format!("Industry profit, {}", region(reg.trim_end_matches("_musd"))),
            "million USD per month",
            1.0,
        ),
        [st, "world_t"] => label(
            format!("World output of {}", stage(st)),
            "t REO per month",
            1.0,
        ),
        [kind @ ("demand" | "shortage" | "stock"), el] => {
            let what = match *kind {
                "demand" => "demand",
                "shortage" => "shortage (unmet demand)",
                _ => "stocks",
            };
            let unit = if *kind == "stock" {
                "t REO"
            } else {
                "t REO per month"
            };
            label(
                format!("{} {what}", symbol(el.trim_end_matches("_t"))),
                unit,
                1.0,
            )
        }
        ["balance", "max_rel_error"] => {
            label("Worst mass-balance residual".into(), "relative error", 1.0)
        }
        _ => label(name.to_string(), "", 1.0),
    }
}

/// The label of a per-trial outcome column of `trials.csv`.
pub fn outcome(name: &str) -> Label {
    let parts: Vec<&str> = name.split('.').collect();
    match parts.as_slice() {
        ["peak_price", el, reg] => Label {
            title: format!(
                "Peak {} price, {}",
                symbol(el),
                region(reg.trim_end_matches("_usd_per_kg"))
            ),
            unit: "USD/kg".into(),
            factor: 1.0,
            is_price: true,
        },
        ["shortage_months", el] => label(
            format!("Months with a {} shortage", symbol(el)),
            "months",
            1.0,
        ),
        ["shortage_cum", el] => label(
            format!("Cumulative {} shortage", symbol(el.trim_end_matches("_t"))),
            "t REO",
            1.0,
        ),
        [st, "cn_share", year] => label(
            format!("China's share of {} in {year}", stage(st)),
            "%",
            100.0,
        ),
        ["row_supply_share", year] => label(
            format!("Ex-China mine output over demand in {year}"),
            "%",
            100.0,
        ),
        ["profit_cum", reg] => label(
            format!(
                "Cumulative profit, {}",
                region(reg.trim_end_matches("_musd"))
            ),
            "million USD",
            1.0,
        ),
        ["ev", "ree_free_share", year] => label(
            format!("Rare-earth-free share of new EVs in {year}"),
            "%",
            100.0,
        ),
        ["wastewater_cum", "cn_t"] => label(
            "Cumulative leaching wastewater, China".into(),
            "t wastewater",
            1.0,
        ),
        ["radioactive_residue_cum", reg] => label(
            format!(
                "Cumulative radioactive residue, {}",
                region(reg.trim_end_matches("_t"))
            ),
            "t residue",
            1.0,
        ),
        ["price_mean", what, reg, year] => Label {
            title: format!(
                "Mean {} price in {year}, {}",
                if *what == "ndpr" {
                    "NdPr".to_string()
                } else {
                    symbol(what)
                },
                region(reg)
            ),
            unit: "USD/kg".into(),
            factor: 1.0,
            is_price: true,
        },
        _ => label(name.to_string(), "", 1.0),
    }
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
}
