//! The monthly calendar: [`Month`] is a `YYYY-MM` date and the unit of simulated time.

use crate::error::CoreError;
use std::fmt;

/// A calendar month, e.g. 2025-01. Ordered; one tick of the simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    /// Months since year 0 (year × 12 + month − 1); keeps arithmetic trivial.
    ordinal: i32,
}

impl Month {
    /// The month `year`-`month` (month 1..=12); `None` if month is out of range.
    pub fn new(year: i32, month: u32) -> Option<Month> {
        (1..=12).contains(&month).then(|| Month {
            ordinal: year * 12 + month as i32 - 1,
        })
    }

    /// Calendar year.
    pub fn year(self) -> i32 {
        self.ordinal.div_euclid(12)
    }

    /// Month of the year, 1..=12.
    pub fn month(self) -> u32 {
        self.ordinal.rem_euclid(12) as u32 + 1
    }

    /// This month plus `months` (may be negative).
    pub fn add_months(self, months: i32) -> Month {
        Month {
            ordinal: self.ordinal + months,
        }
    }

    /// Months from `earlier` to `self` (negative if `self` is earlier).
    pub fn months_since(self, earlier: Month) -> i32 {
        self.ordinal - earlier.ordinal
    }

    /// Fractional year, e.g. 2025-07 → 2025.5; for smooth curves over time.
    pub fn decimal_year(self) -> f64 {
        self.year() as f64 + (self.month() - 1) as f64 / 12.0
    }

    /// Parses `YYYY-MM`.
    pub fn parse(text: &str) -> Result<Month, CoreError> {
        let bad = || CoreError::BadMonth(text.to_string());
        let (y, m) = text.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        Month::new(year, month).ok_or_else(bad)
    }
}

text_form!(Month);

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

impl serde::Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Month {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Month::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_prints_and_counts() {
        let start = Month::parse("2025-01").unwrap();
        let end = Month::parse("2050-12").unwrap();
        assert_eq!(end.months_since(start) + 1, 312);
        assert_eq!(start.add_months(13).to_string(), "2026-02");
        assert_eq!(
            Month::parse("2025-12").unwrap().add_months(1).to_string(),
            "2026-01"
        );
        assert_eq!(Month::parse("2025-07").unwrap().decimal_year(), 2025.5);
    }

    #[test]
    fn refuses_malformed_months() {
        for bad in [
            "2025", "2025-13", "2025-00", "25-01", "2025-1", "abcd-ef", "",
        ] {
            assert!(Month::parse(bad).is_err(), "{bad}");
        }
    }
}
