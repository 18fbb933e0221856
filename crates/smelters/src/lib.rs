//! `remsim-smelters` holds the [`Separator`]: a separation and smelting plant that cracks
//! mixed concentrate bought at home or imported (Myanmar → China), recovers each element
//! into separated oxide at its recovery rate, and leaves acid/alkali waste and — for
//! monazite-bearing feed — radioactive residue.
//!
//! It depends on `remsim-core` and `remsim-scenario` only; it knows no other agent kind. The
//! simulation gives it concentrate and takes its oxides. Invariants: input = oxide output +
//! process losses, element by element, exactly; throughput never exceeds capacity.

use remsim_core::{Country, ElementVec, Month, Region, units};
use remsim_scenario::{Owner, SeparatorConfig};

/// Largest change of utilisation in one month.
pub const MAX_UTILISATION_STEP: f64 = 0.05;
/// How separators expand (`[tick]`: `separator_expansion_*`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Expansion {
    /// Load (feed over capacity) above which a plant expands.
    pub trigger: f64,
    /// Least expansion, share of current capacity (plants are built in lumps).
    pub step: f64,
    /// Months from an expansion decision to operation.
    pub lead_months: i32,
}

/// Why a separator could not be built.
#[derive(Debug, thiserror::Error)]
#[error("separator `{id}`: {message}")]
pub struct SeparatorError {
    /// Its id.
    pub id: String,
    /// What is wrong.
    pub message: String,
}

/// One separation plant.
#[derive(Debug, Clone)]
pub struct Separator {
    /// Config id.
    pub id: String,
    /// Where it is.
    pub country: Country,
    /// Owner type.
    pub owner: Owner,
    /// Capacity, t REO per year.
    pub capacity_t: f64,
    /// Share of capacity in use.
    pub utilisation: f64,
    /// Share of each element recovered.
    pub recovery: f64,
    /// Processing cost, USD/kg REO.
    pub cost_usd_per_kg: f64,
    /// High-purity products.
    pub high_purity: bool,
    /// Acid and alkali waste, t per t REO processed.
    pub acid_waste_t_per_t: f64,
    /// First month of operation.
    pub start: Option<Month>,
    /// Multiplier on capacity this month (a rival's ramp-up share; 1 otherwise).
    pub available_share: f64,
    /// Multiplier on processing cost this month (magnetic separation; 1 otherwise).
    pub cost_factor: f64,
    /// State subsidy, USD/kg REO processed.
    pub subsidy_usd_per_kg: f64,
    /// Guaranteed price for Nd and Pr oxide (0 = none), USD/kg.
    pub price_floor_usd_per_kg: f64,
    /// Share of output covered by the floor.
    pub floor_share: f64,
    /// Running ratio of available feed to capacity (about a year's memory).
    pub running_load: f64,
    pending: remsim_core::CapacityPipeline,
}

/// One month's processing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Processed {
    /// Separated oxides, t.
    pub oxides: ElementVec,
    /// Lost to tailings and effluent, t.
    pub losses: ElementVec,
    /// Acid and alkali waste, t.
    pub acid_waste_t: f64,
}

impl Separator {
    /// Builds a separator from its (drawn) config.
    pub fn from_config(cfg: &SeparatorConfig) -> Result<Separator, SeparatorError> {
        let country = Country::parse(&cfg.country).map_err(|e| SeparatorError {
            id: cfg.id.clone(),
            message: e.to_string(),
        })?;
        Ok(Separator {
            id: cfg.id.clone(),
            country,
            owner: cfg.owner,
            capacity_t: cfg.capacity_t.max(0.0),
            utilisation: cfg.utilisation.clamp(0.0, 1.0),
            recovery: cfg.recovery.clamp(0.0, 1.0),
            cost_usd_per_kg: cfg.cost_usd_per_kg.max(0.0),
            high_purity: cfg.purity == "high",
            acid_waste_t_per_t: cfg.acid_waste_t_per_t.max(0.0),
            start: cfg.start,
            available_share: 1.0,
            cost_factor: 1.0,
            subsidy_usd_per_kg: 0.0,
            price_floor_usd_per_kg: 0.0,
            floor_share: 0.0,
            running_load: cfg.utilisation.clamp(0.0, 1.0),
            pending: remsim_core::CapacityPipeline::new(),
        })
    }

    /// The market zone it sells into.
    pub fn region(&self) -> Region {
        self.country.region()
    }

    /// Margin per kg of feed of composition `feed_shares` at `prices`, USD/kg: the oxide
    /// value it keeps (1 − payable share), plus subsidy and the price-floor top-up on Nd/Pr,
    /// less processing cost.
    pub fn margin_usd_per_kg(
        &self,
        feed_shares: &ElementVec,
        prices: &ElementVec,
        payable: f64,
    ) -> f64 {
        self.margin_from_dot(feed_shares.dot(prices), feed_shares, prices, payable)
    }

    /// [`Separator::margin_usd_per_kg`] with `feed_shares · prices` given (`dot`, the
    /// same for every separator of a region in a month, so worked out once there).
    #[inline]
    pub fn margin_from_dot(
        &self,
        dot: f64,
        feed_shares: &ElementVec,
        prices: &ElementVec,
        payable: f64,
    ) -> f64 {
        let value = dot * self.recovery;
        value * (1.0 - payable)
            + self.subsidy_usd_per_kg
            + self.floor_top_up_per_kg(feed_shares, prices)
            - self.cost_usd_per_kg * self.cost_factor.max(0.0)
    }

    /// Top-up the floor pays per kg of feed, USD.
    #[inline]
    pub fn floor_top_up_per_kg(&self, feed_shares: &ElementVec, prices: &ElementVec) -> f64 {
        if self.price_floor_usd_per_kg <= 0.0 {
            return 0.0;
        }
        use remsim_core::Element::{Nd, Pr};
        let gap = |e| (self.price_floor_usd_per_kg - prices[e]).max(0.0) * feed_shares[e];
        (gap(Nd) + gap(Pr)) * self.recovery * self.floor_share
    }

    /// Throughput it wants this month, t REO: utilisation moves toward full while the margin
    /// is positive and down when it is not.
    pub fn plan_throughput(
        &mut self,
        month: Month,
        feed_shares: &ElementVec,
        prices: &ElementVec,
        payable: f64,
    ) -> f64 {
        self.plan_throughput_from_dot(month, feed_shares.dot(prices), feed_shares, prices, payable)
    }

    /// [`Separator::plan_throughput`] with `feed_shares · prices` given (`dot`, as
    /// [`Separator::margin_from_dot`] takes it).
    #[inline]
    pub fn plan_throughput_from_dot(
        &mut self,
        month: Month,
        dot: f64,
        feed_shares: &ElementVec,
        prices: &ElementVec,
        payable: f64,
    ) -> f64 {
        if self.start.is_some_and(|s| month < s) {
            return 0.0;
        }
        let margin = self.margin_from_dot(dot, feed_shares, prices, payable);
        let target = if margin >= 0.0 { 1.0 } else { 0.5 };
        let step = (target - self.utilisation).clamp(-MAX_UTILISATION_STEP, MAX_UTILISATION_STEP);
        self.utilisation = (self.utilisation + step).clamp(0.0, 1.0);
        units::per_month(self.capacity_t) * self.utilisation * self.available_share.max(0.0)
    }

    /// Books this month's feed pressure (feed on offer over capacity) and brings built
    /// capacity online.
    #[inline]
    pub fn record_load(&mut self, month: Month, load: f64) {
        self.running_load += (load.clamp(0.0, 2.0) - self.running_load) / 12.0;
        self.capacity_t += self.pending.bring_online(month);
    }

    /// Yearly decision, on a positive margin: build for the larger of the load that has
    /// pressed on capacity over the past year (`running_load`, backlog included) and the
    /// load expected when a plant decided now would run (`outlook_load`, the region's feed
    /// grown at its recent rate over the lead time, over the region's capacity). When that
    /// load is above `expansion.trigger`, the plant orders what brings it back to the
    /// trigger, less what it is already building — at least `expansion.step` of its
    /// capacity, and nothing while what it builds covers all but a step of the gap.
    /// Returns the t/yr added to the pipeline.
    pub fn decide_investment(
        &mut self,
        month: Month,
        margin_usd_per_kg: f64,
        outlook_load: f64,
        expansion: Expansion,
    ) -> f64 {
        let load = self.running_load.max(outlook_load);
        if !(load > expansion.trigger && margin_usd_per_kg > 0.0) {
            return 0.0;
        }
        let least = self.capacity_t * expansion.step;
        let gap = self.capacity_t * (load / expansion.trigger - 1.0);
        let building = self.pending.building_t();
        let order = gap.max(least) - building;
        if order <= 0.0 || (building > 0.0 && order < least) {
            return 0.0;
        }
        self.pending
            .order(month.add_months(expansion.lead_months), order);
        order
    }

    /// Separates `feed` (t by element).
    #[inline]
    pub fn process(&self, feed: &ElementVec) -> Processed {
        let oxides = *feed * self.recovery;
        Processed {
            oxides,
            losses: *feed - oxides,
            acid_waste_t: feed.sum() * self.acid_waste_t_per_t,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use remsim_core::Element;

    fn separator() -> Separator {
        Separator::from_config(&SeparatorConfig {
            id: "s".into(),
            name: "s".into(),
            country: "MY".into(),
            owner: Owner::Foreign,
            capacity_t: 1200.0,
            utilisation: 0.5,
            recovery: 0.9,
            cost_usd_per_kg: 5.0,
            purity: "high".into(),
            acid_waste_t_per_t: 1.5,
            start: None,
        })
        .unwrap()
    }

    #[test]
    fn processing_conserves_every_element() {
        let s = separator();
        let feed = ElementVec::unit(Element::Nd, 10.0) + ElementVec::unit(Element::Ce, 30.0);
        let out = s.process(&feed);
        for e in Element::ALL {
            assert_eq!(out.oxides[e] + out.losses[e], feed[e]);
        }
        assert_eq!(out.acid_waste_t, 60.0);
        assert_eq!(s.region(), Region::RestOfWorld);
    }

    #[test]
    fn a_feed_outlook_alone_expands_by_at_least_a_step() {
        let mut s = separator();
        let jan = Month::new(2026, 1).unwrap();
        let expansion = Expansion {
            trigger: 0.95,
            step: 0.15,
            lead_months: 36,
        };
        // Load 0.5 today, but 1.0 expected at the lead time: the gap (5%) is below a step.
        assert!((s.decide_investment(jan, 1.0, 1.0, expansion) - 180.0).abs() < 1e-9);
        assert_eq!(s.decide_investment(jan, 1.0, 0.9, expansion), 0.0);
    }

    #[test]
    fn sustained_feed_pressure_expands_capacity_after_the_lead_time() {
        let mut s = separator();
        let jan = Month::new(2026, 1).unwrap();
        for m in 0..24 {
            s.record_load(jan.add_months(m - 24), 1.5);
        }
        let expansion = Expansion {
            trigger: 0.95,
            step: 0.15,
            lead_months: 36,
        };
        assert_eq!(
            s.decide_investment(jan, -1.0, 0.0, expansion),
            0.0,
            "no margin"
        );
        // A running load of ~1.4 (1.5 for two years, smoothed): build back to the trigger.
        let ordered = s.decide_investment(jan, 1.0, 0.0, expansion);
        let gap = 1200.0 * (s.running_load / 0.95 - 1.0);
        assert!(ordered > 500.0 && (ordered - gap).abs() < 1e-9, "{ordered}");
        assert_eq!(
            s.decide_investment(jan, 1.0, 0.0, expansion),
            0.0,
            "what is being built counts"
        );
        // An outlook above what is being built orders the rest, if it is a step or more.
        let more = s.decide_investment(jan, 1.0, 2.0, expansion);
        assert!(
            (more - (1200.0 * (2.0 / 0.95 - 1.0) - ordered)).abs() < 1e-9,
            "{more}"
        );
        s.record_load(jan.add_months(35), 1.5);
        assert_eq!(s.capacity_t, 1200.0);
        s.record_load(jan.add_months(36), 1.5);
        assert!((s.capacity_t - 1200.0 - ordered - more).abs() < 1e-9);
    }

    #[test]
    fn utilisation_follows_the_margin_and_the_floor_supports_it() {
        let mut s = separator();
        let feed = ElementVec::unit(Element::Nd, 1.0);
        let month = Month::new(2025, 1).unwrap();
        let t = s.plan_throughput(month, &feed, &ElementVec::splat(100.0), 0.65);
        assert!((s.utilisation - 0.55).abs() < 1e-12 && (t - 55.0).abs() < 1e-9);
        let low = ElementVec::splat(10.0);
        assert!(s.margin_usd_per_kg(&feed, &low, 0.65) < 0.0);
        s.price_floor_usd_per_kg = 110.0;
        s.floor_share = 1.0;
        assert!(s.margin_usd_per_kg(&feed, &low, 0.65) > 0.0);
    }
}
