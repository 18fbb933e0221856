//! Governments: the policy state in force in one month — China's mining quotas and
//! element-level extraction caps, its export quotas, licences and tariffs, the heap/pond
//! leaching ban — read from the scenario's `[policy]` section.

use remsim_core::{Element, ElementVec, Month};
use remsim_scenario::{ChinaPolicy, ElementMap, QuotaGroup};

/// Stands for "no limit" on the export link: the market needs a finite capacity.
pub const UNLIMITED_T: f64 = 1e15;

/// China's policy, resolved to element vectors once per trial.
#[derive(Debug, Clone)]
pub struct ChinaRules {
    /// This year's mining quotas, t/yr, by group (∞ where none).
    quota_t: [f64; 2],
    /// The quotas the schedule alone would set (the path, then scheduled growth), t/yr.
    scheduled_t: [f64; 2],
    /// Scheduled yearly growth by group (hard rock, ion clay).
    quota_growth: [f64; 2],
    quota_price_response: f64,
    /// Scheduled quotas by year (hard rock, ion clay), overriding the rules.
    quota_path: Vec<(i32, [f64; 2])>,
    /// Total export quota by year, t.
    export_quota_path: Vec<(i32, f64)>,
    /// Element-level extraction caps, t/yr (∞ where none).
    pub element_quota_t: ElementVec,
    /// Export quota, t/yr (∞ where none).
    pub export_quota_t: ElementVec,
    /// Export tariff, fraction of value.
    pub export_tariff: ElementVec,
    licensed: [bool; 17],
    licence_from: Month,
    licence_delay_months: i32,
    /// Share of normal export volume licences approve.
    pub licence_approval: f64,
    /// The observed approval path: (first month, share), in month order.
    licence_approval_path: Vec<(Month, f64)>,
    heap_pond_ban_from: Option<Month>,
}

fn element_vec(map: &ElementMap, missing: f64) -> ElementVec {
    let mut v = ElementVec::splat(missing);
    for (key, value) in map {
        if let Ok(e) = Element::parse(key) {
            v[e] = *value;
        }
    }
    v
}

impl ChinaRules {
    /// Resolves the config for a trial starting in `start`.
    pub fn new(cfg: &ChinaPolicy, start: Month) -> ChinaRules {
        let mut licensed = [false; 17];
        for name in &cfg.export_licence_elements {
            if let Ok(e) = Element::parse(name) {
                licensed[e.index()] = true;
            }
        }
        let quota = |q: f64| if q > 0.0 { q } else { f64::INFINITY };
        let quota_path: Vec<(i32, [f64; 2])> = cfg
            .quota_path
            .iter()
            .map(|y| (y.year, [quota(y.hard_rock_t), quota(y.ion_clay_t)]))
            .collect();
        let opening = quota_path
            .iter()
            .find(|(year, _)| *year == start.year())
            .map_or(
                [quota(cfg.hard_rock_quota_t), quota(cfg.ion_clay_quota_t)],
                |(_, q)| *q,
            );
        ChinaRules {
            quota_t: opening,
            scheduled_t: opening,
            quota_path,
            export_quota_path: cfg
                .export_quota_path
                .iter()
                .map(|y| (y.year, y.t))
                .collect(),
            quota_growth: [
                cfg.quota_growth_per_year,
                cfg.ion_clay_quota_growth_per_year
                    .unwrap_or(cfg.quota_growth_per_year),
            ],
            quota_price_response: cfg.quota_price_response,
            element_quota_t: element_vec(&cfg.element_quota_t, f64::INFINITY),
            export_quota_t: element_vec(&cfg.export_quota_t, f64::INFINITY),
            export_tariff: element_vec(&cfg.export_tariff, 0.0),
            licensed,
            licence_from: cfg.export_licence_from.unwrap_or(start),
            licence_delay_months: cfg.export_licence_delay_months.round() as i32,
            licence_approval: cfg.export_licence_approval.clamp(0.0, 1.0),
            licence_approval_path: cfg
                .export_licence_approval_path
                .iter()
                .map(|a| (a.month, a.share.clamp(0.0, 1.0)))
                .collect(),
            heap_pond_ban_from: cfg.heap_pond_ban_from,
        }
    }

    /// This year's mining quota of a group, t (∞ if none).
    pub fn annual_quota_t(&self, group: QuotaGroup) -> f64 {
        self.quota_t[group_index(group)]
    }

    /// The quota of `next_year` as the schedule alone would set it (for investment
    /// decisions): the scheduled path where it lists that year, else this year's scheduled
    /// quota grown once; without the planner's response to prices, which is a level that
    /// goes back with the price (see [`ChinaRules::advance_year`]); the schedule is what
    /// lasts.
    pub fn scheduled_next_quota_t(&self, group: QuotaGroup, next_year: i32) -> f64 {
        let g = group_index(group);
        match self.quota_path.iter().find(|(y, _)| *y == next_year) {
            Some((_, q)) => q[g],
            None => self.scheduled_t[g] * (1.0 + self.quota_growth[g]).max(0.0),
        }
    }

    /// Sets the quotas of `year`, each January: the scheduled path where it lists the year,
    /// else the scheduled quota times the planner's demand-led response — the hard-rock
    /// quota to the NdPr price, the ion-clay quota to the Dy price (each the smoothed over
    /// the opening price, to the power `quota_price_response`), as the source paper proposes
    /// (§3.1: demand-led on Nd, Pr, Dy, Tb).
    pub fn advance_year(&mut self, year: i32, ndpr_price_ratio: f64, dy_price_ratio: f64) {
        if let Some((_, q)) = self.quota_path.iter().find(|(y, _)| *y == year) {
            self.quota_t = *q;
            self.scheduled_t = *q;
            return;
        }
        let ratios = [ndpr_price_ratio, dy_price_ratio];
        for (((quota, scheduled), ratio), growth) in self
            .quota_t
            .iter_mut()
            .zip(self.scheduled_t.iter_mut())
            .zip(ratios)
            .zip(self.quota_growth)
        {
            *scheduled *= (1.0 + growth).max(0.0);
            // A level response: the scheduled quota times ratio^elasticity, so that a
            // price that comes back leaves the quota where the schedule has it (a growth
            // response would compound every year away from the opening price, and the
            // capacity it brings, years later, into the next bust).
            let response = if ratio > 0.0 {
                ratio.powf(self.quota_price_response)
            } else {
                1.0
            };
            let target = *scheduled * response;
            // Planners move quotas by at most -10% / +20% a year (2020-24 growth ran 6-25%).
            *quota = target.clamp(*quota * 0.9, *quota * 1.2);
        }
    }

    /// Total export quota of `year`, t, if the path lists one.
    pub fn export_quota_total_t(&self, year: i32) -> Option<f64> {
        self.export_quota_path
            .iter()
            .find(|(y, _)| *y == year)
            .map(|(_, t)| *t)
    }

    /// Whether heap/pond leaching is banned in `month`.
    pub fn heap_pond_banned(&self, month: Month) -> bool {
        self.heap_pond_ban_from.is_some_and(|m| month >= m)
    }

    /// Export link capacity for `element` this month, t: the export quota spread over the
    /// year, and for licensed elements the approved share of `normal_export_t` (the rest of
    /// the world's need) once applications filed at the licence start have been processed.
    pub fn export_capacity_t(&self, element: Element, month: Month, normal_export_t: f64) -> f64 {
        let mut capacity = UNLIMITED_T;
        let quota = self.export_quota_t[element];
        if quota.is_finite() {
            capacity = capacity.min(quota.max(0.0) / 12.0);
        }
        if self.licensed[element.index()] && month >= self.licence_from {
            capacity = capacity.min(self.approval_share(month) * normal_export_t.max(0.0));
        }
        capacity
    }

    /// Share of normal export volume licensed in `month` (licences required): the latest
    /// entry of the observed path at or before the month (the last one stays), else nothing
    /// while the first applications wait and `licence_approval` once they are processed.
    fn approval_share(&self, month: Month) -> f64 {
        match self
            .licence_approval_path
            .iter()
            .rev()
            .find(|(m, _)| *m <= month)
        {
            Some(&(_, share)) => share,
            None if month.months_since(self.licence_from) < self.licence_delay_months => 0.0,
            None => self.licence_approval,
        }
    }
}

/// Index of a quota group in per-group arrays.
pub fn group_index(group: QuotaGroup) -> usize {
    match group {
        QuotaGroup::HardRock => 0,
        QuotaGroup::IonClay => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use remsim_scenario::QuotaYear;

    fn rules() -> ChinaRules {
        let mut cfg = ChinaPolicy {
            hard_rock_quota_t: 1200.0,
            quota_growth_per_year: 0.1,
            export_licence_elements: vec!["dy".into()],
            export_licence_from: Month::new(2025, 4),
            export_licence_approval: 0.5,
            export_licence_delay_months: 2.0,
            ..ChinaPolicy::default()
        };
        cfg.export_quota_t.insert("nd".into(), 1200.0);
        ChinaRules::new(&cfg, Month::new(2025, 1).unwrap())
    }

    #[test]
    fn quotas_grow_each_january_and_follow_prices_when_told() {
        let mut r = rules();
        assert_eq!(r.annual_quota_t(QuotaGroup::HardRock), 1200.0);
        r.advance_year(2026, 1.0, 1.0);
        assert!((r.annual_quota_t(QuotaGroup::HardRock) - 1320.0).abs() < 1e-9);
        assert_eq!(r.annual_quota_t(QuotaGroup::IonClay), f64::INFINITY);
        r.quota_price_response = 0.1;
        // A level response: the scheduled quota times 2^0.1 at twice the opening price…
        r.advance_year(2027, 2.0, 1.0);
        let scheduled = 1320.0 * 1.1;
        let quota = r.annual_quota_t(QuotaGroup::HardRock);
        assert!((quota - scheduled * 2f64.powf(0.1)).abs() < 1e-9, "{quota}");
        // Investors build for the schedule, not for the response that goes back.
        let next = r.scheduled_next_quota_t(QuotaGroup::HardRock, 2028);
        assert!((next - scheduled * 1.1).abs() < 1e-9, "{next}");
        // …and back on the schedule when the price is back: nothing compounds.
        r.advance_year(2028, 1.0, 1.0);
        let quota = r.annual_quota_t(QuotaGroup::HardRock);
        assert!((quota - scheduled * 1.1).abs() < 1e-9, "{quota}");
        // At most +20% a year however high the price.
        r.advance_year(2029, 64.0, 1.0);
        let jumped = r.annual_quota_t(QuotaGroup::HardRock);
        assert!((jumped - quota * 1.2).abs() < 1e-9, "{jumped}");
    }

    /// Investors read next year's quota off the path where the path lists it (the 2020-24
    /// history's quotas rose 23-28% a year, far above the growth rate), and grow the
    /// schedule once past the path's end.
    #[test]
    fn next_years_quota_comes_from_the_path_where_it_lists_the_year() {
        let cfg = ChinaPolicy {
            hard_rock_quota_t: 1000.0,
            quota_growth_per_year: 0.05,
            quota_path: vec![
                QuotaYear {
                    year: 2025,
                    hard_rock_t: 1000.0,
                    ion_clay_t: 100.0,
                },
                QuotaYear {
                    year: 2026,
                    hard_rock_t: 1500.0,
                    ion_clay_t: 100.0,
                },
            ],
            ..ChinaPolicy::default()
        };
        let mut r = ChinaRules::new(&cfg, Month::new(2025, 1).unwrap());
        assert_eq!(r.scheduled_next_quota_t(QuotaGroup::HardRock, 2026), 1500.0);
        assert_eq!(r.scheduled_next_quota_t(QuotaGroup::IonClay, 2026), 100.0);
        r.advance_year(2026, 1.0, 1.0);
        let after = r.scheduled_next_quota_t(QuotaGroup::HardRock, 2027);
        assert!((after - 1500.0 * 1.05).abs() < 1e-9, "{after}");
    }

    #[test]
    fn licences_close_the_link_then_ration_it() {
        let r = rules();
        let m = |y, mo| Month::new(y, mo).unwrap();
        assert_eq!(
            r.export_capacity_t(Element::Dy, m(2025, 3), 100.0),
            UNLIMITED_T
        );
        assert_eq!(r.export_capacity_t(Element::Dy, m(2025, 5), 100.0), 0.0);
        assert_eq!(r.export_capacity_t(Element::Dy, m(2025, 6), 100.0), 50.0);
        assert_eq!(r.export_capacity_t(Element::Nd, m(2025, 6), 100.0), 100.0);
        assert_eq!(
            r.export_capacity_t(Element::Ce, m(2025, 6), 100.0),
            UNLIMITED_T
        );
    }

    #[test]
    fn an_observed_approval_path_replaces_the_delay_and_its_last_share_stays() {
        let mut r = rules();
        let m = |y, mo| Month::new(y, mo).unwrap();
        r.licence_approval_path = vec![(m(2025, 4), 0.55), (m(2025, 5), 0.26), (m(2025, 7), 0.9)];
        let dy = |month| r.export_capacity_t(Element::Dy, month, 100.0);
        assert_eq!(dy(m(2025, 3)), UNLIMITED_T);
        assert!((dy(m(2025, 4)) - 55.0).abs() < 1e-9);
        assert!((dy(m(2025, 5)) - 26.0).abs() < 1e-9);
        assert!((dy(m(2025, 6)) - 26.0).abs() < 1e-9, "until the next entry");
        assert!((dy(m(2030, 1)) - 90.0).abs() < 1e-9, "the last share stays");
    }
}
