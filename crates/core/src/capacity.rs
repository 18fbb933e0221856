//! The capacity pipeline every producing stage shares: expansions decided now come online
//! at a later month (miners, separators and magnet makers each hold one).

use crate::Month;

/// Capacity being built, t/yr, by the month it comes online, in the order decided.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CapacityPipeline {
    pending: Vec<(Month, f64)>,
}

impl CapacityPipeline {
    /// Nothing being built.
    pub fn new() -> CapacityPipeline {
        CapacityPipeline::default()
    }

    /// Capacity being built, t/yr.
    pub fn building_t(&self) -> f64 {
        self.pending.iter().map(|(_, t)| t).sum()
    }

    /// Whether nothing is being built.
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// Orders `t` of capacity (t/yr) that comes online in `online`.
    pub fn order(&mut self, online: Month, t: f64) {
        self.pending.push((online, t));
    }

    /// Takes out every expansion online by `month`; returns the capacity they add, t/yr
    /// (summed in the order they were decided).
    pub fn bring_online(&mut self, month: Month) -> f64 {
        let mut added = 0.0;
        self.pending.retain(|(online, t)| {
            if *online <= month {
                added += t;
                false
            } else {
                true
            }
        });
        added
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expansions_come_online_in_their_month_and_not_before() {
        let m = |s: &str| Month::parse(s).unwrap();
        let mut p = CapacityPipeline::new();
        assert!(p.is_empty());
        p.order(m("2027-01"), 100.0);
        p.order(m("2028-01"), 50.0);
        assert_eq!(p.building_t(), 150.0);
        assert_eq!(p.bring_online(m("2026-12")), 0.0);
        assert_eq!(p.bring_online(m("2027-06")), 100.0);
        assert_eq!(p.building_t(), 50.0);
        assert_eq!(p.bring_online(m("2030-01")), 50.0);
        assert!(p.is_empty());
    }
}
