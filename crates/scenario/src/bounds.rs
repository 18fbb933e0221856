//! Plausibility bounds: the largest value any quantity of a scenario may take, by the unit
//! its field name ends with (`_t`, `_usd_per_kg`, `_years`, …). A number above its bound is
//! a typo or a unit slip (1e300 t, a price in USD/t where USD/kg is meant) and is refused by
//! `remsim check` rather than failing mid-run as a mass-balance error. Each bound is stated
//! with its reason; docs/reliability.md lists them.

/// Upper bound on tonnes of rare-earth oxide in any one field (capacities, reserves,
/// demand, quotas, stocks): 1e9 t REO, about ten times the world's reserves (USGS Mineral
/// Commodity Summaries 2025: about 90 Mt REO) and 2,500 times world mine output in 2024
/// (about 390 kt). Larger numbers are typos, and overflow the mass balance's tolerance.
pub const MAX_TONNES: f64 = 1e9;
/// Upper bound on a price or cost per kg: 1e6 USD/kg, about a thousand times the dearest
/// oxide in the baseline (Lu, Sc: 700–1,000 USD/kg, configs/baseline.toml).
pub const MAX_USD_PER_KG: f64 = 1e6;
/// Upper bound on a capital cost per tonne of capacity: 1e8 USD/t (USD 100,000 per kg of
/// yearly capacity; the baseline's expansion capex is 8,000–9,000 USD/t).
pub const MAX_USD_PER_T: f64 = 1e8;
/// Upper bound on a duration in years (lifetimes, lead times, delays): 500 years, longer
/// than any horizon remsim simulates.
pub const MAX_YEARS: f64 = 500.0;
/// Upper bound on a duration in months: 6,000 months (500 years).
pub const MAX_MONTHS: f64 = 6000.0;
/// Upper bound on tonnes of waste per tonne of oxide: 1e6 t/t (the baseline's heap-leach
/// wastewater is 1,000 t/t; Ion-adsorption clay leaching reports up to ~2,000 t/t).
pub const MAX_T_PER_T: f64 = 1e6;
/// Upper bound on any other non-negative parameter (rates, weights, multiples, hazards):
/// 1e6 — every such number in the shipped configs is below 100.
pub const MAX_OTHER: f64 = 1e6;

/// The plausibility bound for a field, from the unit its name ends with, and the unit.
pub fn plausible_max(field: &str) -> (f64, &'static str) {
    if field.ends_with("_usd_per_kg") {
        (MAX_USD_PER_KG, "USD/kg")
    } else if field.ends_with("_usd_per_t") {
        (MAX_USD_PER_T, "USD/t")
    } else if field.ends_with("_t_per_t") {
        (MAX_T_PER_T, "t/t")
    } else if field.ends_with("_t") || field == "t" {
        (MAX_TONNES, "t REO")
    } else if field.ends_with("_years") {
        (MAX_YEARS, "years")
    } else if field.ends_with("_months") {
        (MAX_MONTHS, "months")
    } else {
        (MAX_OTHER, "")
    }
}

/// The message for a value above its field's bound, or `None` if it is within it.
pub fn implausible(field: &str, value: f64) -> Option<String> {
    let (max, unit) = plausible_max(field);
    if value <= max {
        return None;
    }
    let unit = if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    };
    Some(format!(
        "expected at most {max:e}{unit} (a plausibility bound, see docs/reliability.md), found {value:e}"
    ))
}

/// The lowest of the bounds above ([`MAX_YEARS`]): a value at or below it is within every
/// field's bound, whatever the field (so a check need not look at the field's name).
pub const LOWEST_MAX: f64 = MAX_YEARS;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowest_max_is_the_lowest_bound() {
        let all = [
            MAX_TONNES,
            MAX_USD_PER_KG,
            MAX_USD_PER_T,
            MAX_YEARS,
            MAX_MONTHS,
            MAX_T_PER_T,
            MAX_OTHER,
        ];
        assert_eq!(
            all.iter().copied().fold(f64::INFINITY, f64::min),
            LOWEST_MAX
        );
        for field in [
            "x_t",
            "t",
            "x_usd_per_kg",
            "x_usd_per_t",
            "x_t_per_t",
            "x_years",
            "x_months",
            "x",
        ] {
            assert!(plausible_max(field).0 >= LOWEST_MAX, "{field}");
            assert_eq!(implausible(field, LOWEST_MAX), None, "{field}");
        }
    }
}
