//! Shocks at run time: each configured shock's strength month by month (scheduled with an
//! onset ramp, or stochastic events drawn from the shock's own random stream), and the
//! [`Overlay`] of all active effects that the tick applies on top of the world's own state.
//! Effects are overlays, recomputed every month, so a shock that ends leaves no trace
//! except through what agents did meanwhile (stocks, capacity, adoption).

use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use remsim_core::rng::{stream_id, stream_rng};
use remsim_core::{Element, ElementVec, Month, Region};
use remsim_scenario::ShockConfig;

/// One shock and its timing state in a trial.
#[derive(Debug, Clone)]
pub struct ShockRuntime {
    /// The configured shock (drawn for this trial).
    pub config: ShockConfig,
    rng: ChaCha8Rng,
    /// For stochastic shocks: the month the current event ends (exclusive).
    active_until: Option<Month>,
    /// Whether the shock has been at full strength at least once (one-off effects).
    pub fired: bool,
}

impl ShockRuntime {
    /// The runtime of `config` in trial `trial`.
    pub fn new(config: ShockConfig, master_seed: u64, trial: u64) -> ShockRuntime {
        let rng = stream_rng(
            master_seed,
            trial,
            stream_id(&format!("shock:{}", config.id)),
        );
        ShockRuntime {
            config,
            rng,
            active_until: None,
            fired: false,
        }
    }

    /// Strength in `month`, 0..=1. Call once per month, in order: stochastic shocks draw
    /// their events here.
    pub fn advance(&mut self, month: Month, horizon: (Month, Month)) -> f64 {
        let t = &self.config.when;
        let strength = if let Some(start) = t.start {
            let since = month.months_since(start) as f64;
            if since < 0.0 {
                0.0
            } else {
                let ramp = t.ramp_months.max(0.0);
                let full = if ramp > 0.0 {
                    ((since + 1.0) / ramp).min(1.0)
                } else {
                    1.0
                };
                // Full strength from the ramp's last month, for `duration_months`.
                let full_from = (ramp - 1.0).max(0.0);
                match t.duration_months {
                    Some(d) if since >= full_from + d.max(0.0) => 0.0,
                    _ => full,
                }
            }
        } else if let Some(hazard) = t.hazard_per_year {
            // Always draw, active or not, so the stream stays aligned month by month.
            let u: f64 = self.rng.random();
            let from = t.from.unwrap_or(horizon.0);
            let until = t.until.unwrap_or(horizon.1);
            let active = self.active_until.is_some_and(|end| month < end);
            if !active
                && month >= from
                && month <= until
                && u < 1.0 - (-hazard.max(0.0) / 12.0).exp()
            {
                let months = t.duration_months.unwrap_or(0.0).max(0.0).round() as i32;
                self.active_until = Some(month.add_months(months.max(1)));
            }
            if self.active_until.is_some_and(|end| month < end) {
                1.0
            } else {
                0.0
            }
        } else {
            0.0
        };
        if strength >= 1.0 {
            self.fired = true;
        }
        strength
    }
}

/// Everything the active shocks change this month.
#[derive(Debug, Clone)]
pub struct Overlay {
    /// Share of output lost, by miner index.
    pub disrupted: Vec<f64>,
    /// Export quota, t/month, by element (∞ = none).
    pub export_quota_t: ElementVec,
    /// Licence rationing by element: approval share (1 = none; 0 = ban).
    pub licence_approval: ElementVec,
    /// Tariff added, fraction of value, by element.
    pub tariff: ElementVec,
    /// Link capacity multiplier.
    pub link_capacity: f64,
    /// Freight added, USD/kg.
    pub freight_add: f64,
    /// Heap/pond leaching banned (licensed miners).
    pub heap_pond_ban: bool,
    /// Heap/pond ban enforced on small and illegal workings too.
    pub ban_on_illegal: bool,
    /// Element-level extraction caps, t/month (∞ = none).
    pub element_quota_t: ElementVec,
    /// Extra Ce substitution by maker region.
    pub ce_substitution: [f64; 2],
    /// Extra Dy/Tb cut by maker region.
    pub heavy_reduction: [f64; 2],
    /// End-of-life collection rate floor by region.
    pub collection_rate: [f64; 2],
    /// Recycling capacity multiplier by region.
    pub recycling_capacity: [f64; 2],
    /// Demand multiplier by sector index.
    pub demand_factor: Vec<f64>,
    /// Share of separation waste avoided (magnetic separation).
    pub separation_waste_cut: f64,
    /// Share of separation cost saved.
    pub separation_cost_cut: f64,
    /// Share of small and illegal capacity consolidated away.
    pub consolidated: f64,
    /// China magnet capacity multiplier.
    pub cn_magnet_capacity: f64,
    /// Cost multiplier and capacity multiplier by miner index (technology export).
    pub miner_cost: Vec<f64>,
    /// Capacity multiplier by miner index.
    pub miner_capacity: Vec<f64>,
    /// Miners moved to in-situ leaching by technology export.
    pub miner_in_situ: Vec<bool>,
    /// Stockpile rules overriding the configured ones, by region.
    pub stockpile: [Option<(ElementVec, f64, f64)>; 2],
    /// NdPr price floor abroad: (USD/kg, share).
    pub price_floor: Option<(f64, f64)>,
}

impl Overlay {
    /// No shock active.
    pub fn neutral(miners: usize, sectors: usize) -> Overlay {
        let mut o = Overlay {
            disrupted: Vec::new(),
            export_quota_t: ElementVec::ZERO,
            licence_approval: ElementVec::ZERO,
            tariff: ElementVec::ZERO,
            link_capacity: 0.0,
            freight_add: 0.0,
            heap_pond_ban: false,
            ban_on_illegal: false,
            element_quota_t: ElementVec::ZERO,
            ce_substitution: [0.0; 2],
            heavy_reduction: [0.0; 2],
            collection_rate: [0.0; 2],
            recycling_capacity: [0.0; 2],
            demand_factor: Vec::new(),
            separation_waste_cut: 0.0,
            separation_cost_cut: 0.0,
            consolidated: 0.0,
            cn_magnet_capacity: 0.0,
            miner_cost: Vec::new(),
            miner_capacity: Vec::new(),
            miner_in_situ: Vec::new(),
            stockpile: [None, None],
            price_floor: None,
        };
        o.reset(miners, sectors);
        o
    }

    /// Makes this overlay [`Overlay::neutral`] again for `miners` miners and `sectors`
    /// sectors, keeping the room of its vectors (the tick does not allocate).
    pub fn reset(&mut self, miners: usize, sectors: usize) {
        fn refill<T: Clone>(v: &mut Vec<T>, n: usize, value: T) {
            v.clear();
            v.resize(n, value);
        }
        refill(&mut self.disrupted, miners, 0.0);
        self.export_quota_t = ElementVec::splat(f64::INFINITY);
        self.licence_approval = ElementVec::splat(1.0);
        self.tariff = ElementVec::ZERO;
        self.link_capacity = 1.0;
        self.freight_add = 0.0;
        self.heap_pond_ban = false;
        self.ban_on_illegal = false;
        self.element_quota_t = ElementVec::splat(f64::INFINITY);
        self.ce_substitution = [0.0; 2];
        self.heavy_reduction = [0.0; 2];
        self.collection_rate = [0.0; 2];
        self.recycling_capacity = [1.0; 2];
        refill(&mut self.demand_factor, sectors, 1.0);
        self.separation_waste_cut = 0.0;
        self.separation_cost_cut = 0.0;
        self.consolidated = 0.0;
        self.cn_magnet_capacity = 1.0;
        refill(&mut self.miner_cost, miners, 1.0);
        refill(&mut self.miner_capacity, miners, 1.0);
        refill(&mut self.miner_in_situ, miners, false);
        self.stockpile = [None, None];
        self.price_floor = None;
    }
}

impl Default for Overlay {
    /// The neutral overlay of a world without agents.
    fn default() -> Overlay {
        Overlay::neutral(0, 0)
    }
}

/// Parses element names (validated upstream) into a mask; empty = every element.
pub fn element_mask(names: &[String]) -> [bool; 17] {
    mask(names, |name| Element::parse(name).ok().map(Element::index))
}

/// Parses region names; empty = both.
pub fn region_mask(names: &[String]) -> [bool; 2] {
    mask(names, |name| Region::parse(name).map(Region::index))
}

/// The mask of the indices `index` gives `names` (unknown names skipped); empty = all.
fn mask<const N: usize>(names: &[String], index: impl Fn(&str) -> Option<usize>) -> [bool; N] {
    if names.is_empty() {
        return [true; N];
    }
    let mut mask = [false; N];
    for i in names.iter().filter_map(|name| index(name)) {
        mask[i] = true;
    }
    mask
}

#[cfg(test)]
mod tests {
    use super::*;
    use remsim_scenario::{GreenMiningShock, ShockEffect, ShockTiming};

    fn shock(when: ShockTiming) -> ShockRuntime {
        let green = GreenMiningShock::default();
        let config = ShockConfig::with_effect("s", when, ShockEffect::GreenMining(&green));
        ShockRuntime::new(config, 1, 2)
    }

    fn horizon() -> (Month, Month) {
        (Month::new(2025, 1).unwrap(), Month::new(2050, 12).unwrap())
    }

    #[test]
    fn scheduled_shocks_ramp_hold_and_end() {
        let start = Month::new(2026, 1).unwrap();
        let mut s = shock(ShockTiming {
            start: Some(start),
            ramp_months: 4.0,
            duration_months: Some(6.0),
            ..ShockTiming::default()
        });
        let strengths: Vec<f64> = (-1..12)
            .map(|m| s.advance(start.add_months(m), horizon()))
            .collect();
        assert_eq!(
            strengths,
            vec![
                0.0, 0.25, 0.5, 0.75, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0
            ]
        );
        assert!(s.fired);
    }

    #[test]
    fn stochastic_shocks_arrive_at_their_hazard() {
        let mut s = shock(ShockTiming {
            hazard_per_year: Some(0.5),
            duration_months: Some(3.0),
            ..ShockTiming::default()
        });
        let start = horizon().0;
        let months = 12 * 400;
        let mut events = 0;
        let mut previous = 0.0;
        for m in 0..months {
            let x = s.advance(start.add_months(m), (start, start.add_months(months)));
            if x > previous {
                events += 1;
            }
            previous = x;
        }
        // Events start only when none is running: rate = 0.5 / (1 + 0.5 * 3 / 12) ≈ 0.44.
        let rate = events as f64 / 400.0;
        assert!((rate - 0.44).abs() < 0.07, "{rate}");
    }
}
