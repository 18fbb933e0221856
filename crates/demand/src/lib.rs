//! `remsim-demand` holds the [`DemandSector`]: an end use (EV traction motors, wind,
//! industrial motors, electronics, catalysts, polishing, NiMH alloys, phosphors, glass,
//! ceramics, defence …) with a growth path, an element intensity (its mix, or the magnets
//! it buys), a short-run price elasticity, month-to-month noise, and the logistic adoption
//! of a rare-earth-free substitute that speeds up while prices are high and never reverses.
//!
//! It depends on `remsim-core` and `remsim-scenario` only; it knows no other agent kind.
//! Invariants: demand is never negative; the adoption share never falls and never exceeds
//! its ceiling; the sector draws randomness only from the stream it is given.

use rand::{Rng, RngExt};
use rand_distr::StandardNormal;
use remsim_core::{Element, ElementVec, Month, units};
use remsim_scenario::{AdoptionConfig, DemandKind, DemandSectorConfig};

/// Why a sector could not be built.
#[derive(Debug, thiserror::Error)]
#[error("demand sector `{id}`: {message}")]
pub struct DemandError {
    /// Its id.
    pub id: String,
    /// What is wrong.
    pub message: String,
}

/// Logistic adoption of a substitute with a price-driven pull forward.
#[derive(Debug, Clone)]
pub struct Adoption {
    /// Year of half the ceiling at normal prices.
    pub midpoint_year: f64,
    /// Steepness, per year.
    pub steepness: f64,
    /// Highest share.
    pub ceiling: f64,
    /// Years the midpoint moves earlier per year spent at twice the opening price.
    pub price_pull_years: f64,
    /// How far high prices have pulled the midpoint forward so far, years.
    pub pulled_years: f64,
    /// Share adopted so far.
    pub share: f64,
}

impl Adoption {
    fn from_config(cfg: &AdoptionConfig) -> Adoption {
        Adoption {
            midpoint_year: cfg.midpoint_year,
            steepness: cfg.steepness.max(0.0),
            ceiling: cfg.ceiling.clamp(0.0, 1.0),
            price_pull_years: cfg.price_pull_years.max(0.0),
            pulled_years: 0.0,
            share: 0.0,
        }
    }

    /// Advances one month: prices above their opening level (`price_ratio` > 1) pull the
    /// midpoint forward; the share follows the logistic but never falls.
    pub fn step(&mut self, month: Month, price_ratio: f64) {
        if price_ratio > 1.0 {
            self.pulled_years += self.price_pull_years * price_ratio.log2() / 12.0;
        }
        let x = self.steepness * (month.decimal_year() - (self.midpoint_year - self.pulled_years));
        let logistic = self.ceiling / (1.0 + (-x).exp());
        self.share = self.share.max(logistic).min(self.ceiling);
    }
}

/// An end-use sector.
#[derive(Debug, Clone)]
pub struct DemandSector {
    /// Config id.
    pub id: String,
    /// Buys magnets or oxides.
    pub kind: DemandKind,
    /// Demand in the first month, t REO.
    pub base_monthly_t: f64,
    /// Share of demand in China.
    pub cn_share: f64,
    /// Element mix (oxide sectors; sums to 1).
    pub mix: ElementVec,
    /// Growth per year.
    pub growth_per_year: f64,
    /// Short-run price elasticity (≤ 0).
    pub elasticity: f64,
    /// Long-run price elasticity (≤ 0), reached by partial adjustment.
    pub long_run_elasticity: f64,
    /// Months over which the long-run adjustment closes most of its gap.
    pub adjustment_months: f64,
    /// Where technology switching has taken the sector's demand, as a multiple of its
    /// trend level (1 at the start; see `long_run_elasticity`).
    pub structural: f64,
    /// Lognormal noise sd.
    pub noise_sd: f64,
    /// Whether China's use counts as deep processing.
    pub deep_processing: bool,
    /// Mean product life, years.
    pub lifetime_years: f64,
    /// Lifetime shape.
    pub lifetime_shape: f64,
    /// Rare-earth-free substitute, if any.
    pub ree_free: Option<Adoption>,
    start: Month,
}

impl DemandSector {
    /// Builds a sector from its (drawn) config; `start` is the first simulated month.
    pub fn from_config(
        cfg: &DemandSectorConfig,
        start: Month,
    ) -> Result<DemandSector, DemandError> {
        let mut mix = ElementVec::ZERO;
        if let Some(map) = &cfg.mix_pct {
            for (key, pct) in map {
                let e = Element::parse(key).map_err(|e| DemandError {
                    id: cfg.id.clone(),
                    message: e.to_string(),
                })?;
                mix[e] += pct.max(0.0);
            }
        }
        Ok(DemandSector {
            id: cfg.id.clone(),
            kind: cfg.kind,
            base_monthly_t: units::per_month(cfg.base_t.max(0.0)),
            cn_share: cfg.cn_share.clamp(0.0, 1.0),
            mix: mix.normalised().unwrap_or(ElementVec::ZERO),
            growth_per_year: cfg.growth_per_year,
            elasticity: cfg.elasticity.min(0.0),
            long_run_elasticity: cfg.long_run_elasticity.min(0.0),
            adjustment_months: (cfg.adjustment_years * 12.0).max(1.0),
            structural: 1.0,
            noise_sd: cfg.noise_sd.max(0.0),
            deep_processing: cfg.deep_processing || cfg.kind == DemandKind::Magnet,
            lifetime_years: cfg.lifetime_years.max(0.0),
            lifetime_shape: cfg.lifetime_shape,
            ree_free: cfg.ree_free.as_ref().map(Adoption::from_config),
            start,
        })
    }

    /// Share of new products that need no rare earths.
    pub fn ree_free_share(&self) -> f64 {
        self.ree_free.as_ref().map_or(0.0, |a| a.share)
    }

    /// Demand before price response in `month`, t REO (for magnet sectors, rare earths in
    /// magnets): activity growth times (1 − rare-earth-free share), with noise drawn from
    /// `rng`. Advances adoption with `price_ratio` (expected over opening price of the
    /// sector's basket).
    pub fn base_demand<R: Rng>(&mut self, month: Month, price_ratio: f64, rng: &mut R) -> f64 {
        if let Some(a) = &mut self.ree_free {
            a.step(month, price_ratio);
        }
        if self.long_run_elasticity < 0.0 && price_ratio > 0.0 {
            // Partial adjustment toward the long-run level at today's prices, bounded so
            // that no price sends a use to nothing or more than doubles it.
            let target = price_ratio.powf(self.long_run_elasticity).clamp(0.25, 2.0);
            self.structural += (target - self.structural) / self.adjustment_months;
        }
        let years = month.months_since(self.start) as f64 / 12.0;
        let growth = (1.0 + self.growth_per_year).max(1e-6).powf(years);
        // Always draw, even with zero noise, so streams stay aligned across scenarios.
        let z: f64 = rng.sample(StandardNormal);
        let noise = (self.noise_sd * z - 0.5 * self.noise_sd * self.noise_sd).exp();
        (self.base_monthly_t * growth * self.structural * (1.0 - self.ree_free_share()) * noise)
            .max(0.0)
    }

    /// Quantity demanded at `price` when `base` t are demanded at the reference price
    /// `reference`: the short-run constant-elasticity response.
    pub fn at_price(&self, base: f64, price: f64, reference: f64) -> f64 {
        if self.elasticity == 0.0 || reference <= 0.0 || price <= 0.0 {
            return base;
        }
        base * (price / reference).powf(self.elasticity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use remsim_core::rng::stream_rng;

    fn ev(noise: f64) -> DemandSectorConfig {
        DemandSectorConfig {
            id: "ev".into(),
            name: "ev".into(),
            kind: DemandKind::Magnet,
            base_t: 1200.0,
            cn_share: 0.6,
            mix_pct: None,
            growth_per_year: 0.1,
            elasticity: -0.1,
            long_run_elasticity: 0.0,
            adjustment_years: 5.0,
            lifetime_years: 13.0,
            lifetime_shape: 3.0,
            noise_sd: noise,
            deep_processing: true,
            ree_free: Some(AdoptionConfig {
                midpoint_year: 2035.0,
                steepness: 0.5,
                ceiling: 0.4,
                price_pull_years: 2.0,
            }),
        }
    }

    #[test]
    fn grows_and_substitutes() {
        let start = Month::new(2025, 1).unwrap();
        let mut s = DemandSector::from_config(&ev(0.0), start).unwrap();
        let mut rng = stream_rng(1, 0, 0);
        let d0 = s.base_demand(start, 1.0, &mut rng);
        assert!((d0 - 100.0 * (1.0 - s.ree_free_share())).abs() < 1e-9);
        let mut last_share = s.ree_free_share();
        for m in 1..=240 {
            let month = start.add_months(m);
            s.base_demand(month, if m < 60 { 3.0 } else { 0.5 }, &mut rng);
            assert!(s.ree_free_share() >= last_share, "adoption never reverses");
            assert!(s.ree_free_share() <= 0.4);
            last_share = s.ree_free_share();
        }
        let mut calm = DemandSector::from_config(&ev(0.0), start).unwrap();
        for m in 0..=120 {
            calm.base_demand(start.add_months(m), 1.0, &mut rng);
        }
        let mut pulled = DemandSector::from_config(&ev(0.0), start).unwrap();
        for m in 0..=120 {
            pulled.base_demand(start.add_months(m), 3.0, &mut rng);
        }
        assert!(
            pulled.ree_free_share() > calm.ree_free_share(),
            "high prices speed adoption"
        );
    }

    #[test]
    fn elasticity_and_noise() {
        let start = Month::new(2025, 1).unwrap();
        let s = DemandSector::from_config(&ev(0.1), start).unwrap();
        assert!((s.at_price(100.0, 200.0, 100.0) - 100.0 * 2f64.powf(-0.1)).abs() < 1e-9);
        let mut noisy = s.clone();
        noisy.ree_free = None;
        let mut rng = stream_rng(3, 0, 0);
        let mean: f64 = (0..20000)
            .map(|_| noisy.base_demand(start, 1.0, &mut rng))
            .sum::<f64>()
            / 20000.0;
        assert!((mean - 100.0).abs() < 0.5, "noise has mean one: {mean}");
    }

    #[test]
    fn long_run_response_closes_its_gap_gradually() {
        let mut cfg = ev(0.0);
        cfg.ree_free = None;
        cfg.growth_per_year = 0.0;
        cfg.long_run_elasticity = -0.5;
        cfg.adjustment_years = 5.0;
        let start = Month::new(2025, 1).unwrap();
        let mut sector = DemandSector::from_config(&cfg, start).unwrap();
        let mut rng = stream_rng(1, 0, 0);
        // Prices four times the opening: the long-run level is 4^-0.5 = half.
        let first = sector.base_demand(start, 4.0, &mut rng);
        let mut month = start;
        let mut last = first;
        for _ in 0..120 {
            month = month.add_months(1);
            last = sector.base_demand(month, 4.0, &mut rng);
        }
        let base = units::per_month(1200.0);
        assert!(
            first < base && first > 0.98 * base,
            "one month moves little: {first}"
        );
        assert!(
            (last / base - 0.5).abs() < 0.07,
            "ten years get most of the way: {last}"
        );
    }
}
