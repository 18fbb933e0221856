//! Units. Quantities are tonnes of rare-earth oxide (t REO) and prices are US dollars per
//! kilogram of oxide (USD/kg), as the industry quotes them. These aliases document intent in
//! signatures; conversions live here so no other crate multiplies by 1000 by hand.

/// Tonnes of rare-earth oxide equivalent.
pub type TonnesReo = f64;
/// US dollars per kilogram of oxide.
pub type UsdPerKg = f64;
/// Millions of US dollars.
pub type MillionUsd = f64;

/// Kilograms in a tonne.
pub const KG_PER_TONNE: f64 = 1000.0;

/// Value in million USD of `tonnes` t REO at `price` USD/kg.
pub fn value_musd(tonnes: TonnesReo, price: UsdPerKg) -> MillionUsd {
    tonnes * KG_PER_TONNE * price / 1e6
}

/// Converts an annual rate (t/yr) to a monthly one (t/month).
pub fn per_month(annual: f64) -> f64 {
    annual / 12.0
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_thousand_tonnes_at_fifty_dollars_is_fifty_million() {
        assert_eq!(super::value_musd(1000.0, 50.0), 50.0);
    }
}
