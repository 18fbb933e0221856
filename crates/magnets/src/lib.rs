//! `remsim-magnets` holds the [`MagnetMaker`]: an NdFeB producer with a recipe (Nd, Pr, Dy,
//! Tb … per tonne of magnet), grain-boundary diffusion that cuts Dy/Tb, Ce-substituted
//! grades, a yield that turns the rest of its input into swarf, capacity and cost. It turns
//! oxides into magnets for the demand sectors.
//!
//! It depends on `remsim-core` and `remsim-scenario` only; it knows no other agent kind.
//! Invariants: oxide input = rare earths in magnets + swarf, element by element, exactly;
//! output never exceeds capacity; the rare-earth composition of a magnet sums to 1.

use remsim_core::{Country, Element, ElementVec, Month, Region, units};
use remsim_scenario::{MagnetMakerConfig, Owner};

/// Orders above this share of capacity, held for a year, make a maker add capacity.
const EXPANSION_TRIGGER: f64 = 0.9;
/// Capacity added per expansion decision, share of current capacity.
const EXPANSION_STEP: f64 = 0.15;

/// Why a magnet maker could not be built.
#[derive(Debug, thiserror::Error)]
#[error("magnet maker `{id}`: {message}")]
pub struct MagnetError {
    /// Its id.
    pub id: String,
    /// What is wrong.
    pub message: String,
}

/// One magnet maker.
#[derive(Debug, Clone)]
pub struct MagnetMaker {
    /// Config id.
    pub id: String,
    /// Where it is.
    pub country: Country,
    /// Owner type.
    pub owner: Owner,
    /// Capacity, t magnet per year.
    pub capacity_t: f64,
    /// Rare-earth mass fraction of the magnet.
    pub re_content: f64,
    /// Rare-earth composition of its magnets after diffusion and Ce substitution (sum 1).
    pub composition: ElementVec,
    /// Share of input that ends in magnets; the rest is swarf.
    pub yield_share: f64,
    /// Conversion cost, USD/kg magnet.
    pub cost_usd_per_kg: f64,
    /// Share of capacity usable this month (a rival's ramp-up; 1 otherwise).
    pub available_share: f64,
    /// State subsidy, USD/kg magnet.
    pub subsidy_usd_per_kg: f64,
    lead_months: i32,
    pending: Vec<(Month, f64)>,
    /// Running ratio of orders to capacity (about a year's memory).
    pub running_load: f64,
}

/// Oxides turned into magnets.
#[derive(Debug, Clone, Copy, Default)]
pub struct Made {
    /// Rare earths in the finished magnets, t REO.
    pub in_magnets: ElementVec,
    /// Swarf, t REO (returns to recyclers within months).
    pub swarf: ElementVec,
    /// Magnets made, t magnet.
    pub magnets_t: f64,
}

impl MagnetMaker {
    /// Builds a maker from its (drawn) config.
    pub fn from_config(cfg: &MagnetMakerConfig) -> Result<MagnetMaker, MagnetError> {
        let err = |message: String| MagnetError {
            id: cfg.id.clone(),
            message,
        };
        let country = Country::parse(&cfg.country).map_err(|e| err(e.to_string()))?;
        let mut recipe = ElementVec::ZERO;
        for (key, pct) in &cfg.recipe_pct {
            let e = Element::parse(key).map_err(|e| err(e.to_string()))?;
            recipe[e] += pct.max(0.0);
        }
        let composition = composition(
            &recipe,
            cfg.gbd_share * cfg.gbd_heavy_cut,
            cfg.ce_substitution,
        )
        .ok_or_else(|| err("empty recipe".to_string()))?;
        Ok(MagnetMaker {
            id: cfg.id.clone(),
            country,
            owner: cfg.owner,
            capacity_t: cfg.capacity_t.max(0.0),
            re_content: cfg.re_content.clamp(0.0, 1.0),
            composition,
            yield_share: cfg.yield_share.clamp(1e-3, 1.0),
            cost_usd_per_kg: cfg.cost_usd_per_kg.max(0.0),
            available_share: 1.0,
            subsidy_usd_per_kg: 0.0,
            lead_months: (cfg.expansion_lead_time_years.max(0.0) * 12.0).round() as i32,
            pending: Vec::new(),
            running_load: cfg.utilisation.clamp(0.0, 1.0),
        })
    }

    /// The market zone it buys in.
    pub fn region(&self) -> Region {
        self.country.region()
    }

    /// Rare earths it can put into magnets this month, t REO.
    pub fn capacity_reo_per_month(&self) -> f64 {
        units::per_month(self.capacity_t) * self.re_content * self.available_share.clamp(0.0, 1.0)
    }

    /// Oxide input needed for `reo_in_magnets` t of rare earths in finished magnets.
    pub fn oxide_need(&self, reo_in_magnets: f64) -> ElementVec {
        self.composition * (reo_in_magnets / self.yield_share)
    }

    /// Makes magnets from `input` oxides bought for `planned_reo` t of rare earths in
    /// magnets: output is limited by the scarcest element of the recipe (a magnet needs all
    /// of them), and what is left of the input is returned unused.
    pub fn make(&self, planned_reo: f64, input: &ElementVec) -> (Made, ElementVec) {
        let need = self.oxide_need(planned_reo);
        let mut ratio: f64 = 1.0;
        for e in Element::ALL {
            if need[e] > 0.0 {
                ratio = ratio.min(input[e] / need[e]);
            }
        }
        let ratio = ratio.clamp(0.0, 1.0);
        let used = need * ratio;
        // Never use more than was bought, even by a rounding ulp: conservation is exact.
        let used = used.min(input);
        let in_magnets = used * self.yield_share;
        let made = Made {
            in_magnets,
            swarf: used - in_magnets,
            magnets_t: if self.re_content > 0.0 {
                in_magnets.sum() / self.re_content
            } else {
                0.0
            },
        };
        (made, *input - used)
    }

    /// Yearly decision: add capacity when orders ran above 90% of capacity for a year.
    /// Returns the t/yr added to the pipeline.
    pub fn decide_investment(&mut self, month: Month) -> f64 {
        let building: f64 = self.pending.iter().map(|(_, t)| t).sum();
        if self.running_load > EXPANSION_TRIGGER && building == 0.0 && self.lead_months > 0 {
            let step = self.capacity_t * EXPANSION_STEP;
            self.pending
                .push((month.add_months(self.lead_months), step));
            return step;
        }
        0.0
    }

    /// Books this month's orders (t REO in magnets) into the running load and brings built
    /// capacity online.
    pub fn record_orders(&mut self, month: Month, orders_reo: f64) {
        let cap = units::per_month(self.capacity_t) * self.re_content;
        let load = if cap > 0.0 { orders_reo / cap } else { 0.0 };
        self.running_load += (load - self.running_load) / 12.0;
        let mut added = 0.0;
        self.pending.retain(|(online, t)| {
            if *online <= month {
                added += t;
                false
            } else {
                true
            }
        });
        self.capacity_t += added;
    }
}

/// The rare-earth composition of a magnet: the recipe with Dy and Tb cut by `heavy_cut`
/// (grain-boundary diffusion; Nd and Pr make up the mass) and a share `ce_substitution` of
/// Nd+Pr replaced by Ce. `None` if the recipe is empty.
pub fn composition(
    recipe: &ElementVec,
    heavy_cut: f64,
    ce_substitution: f64,
) -> Option<ElementVec> {
    let mut c = recipe.normalised()?;
    let heavy_cut = heavy_cut.clamp(0.0, 1.0);
    let saved = (c[Element::Dy] + c[Element::Tb]) * heavy_cut;
    c[Element::Dy] *= 1.0 - heavy_cut;
    c[Element::Tb] *= 1.0 - heavy_cut;
    let ndpr = c[Element::Nd] + c[Element::Pr];
    if ndpr > 0.0 {
        let scale = (ndpr + saved) / ndpr;
        c[Element::Nd] *= scale;
        c[Element::Pr] *= scale;
    }
    let ce = ce_substitution.clamp(0.0, 1.0);
    let moved = (c[Element::Nd] + c[Element::Pr]) * ce;
    c[Element::Nd] *= 1.0 - ce;
    c[Element::Pr] *= 1.0 - ce;
    c[Element::Ce] += moved;
    c.normalised()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recipe() -> ElementVec {
        let mut r = ElementVec::ZERO;
        r[Element::Nd] = 69.0;
        r[Element::Pr] = 23.0;
        r[Element::Dy] = 6.0;
        r[Element::Tb] = 2.0;
        r
    }

    #[test]
    fn diffusion_cuts_heavies_and_ce_replaces_ndpr_keeping_the_sum() {
        let plain = composition(&recipe(), 0.0, 0.0).unwrap();
        assert!((plain[Element::Dy] - 0.06).abs() < 1e-12);
        let gbd = composition(&recipe(), 0.7, 0.0).unwrap();
        assert!((gbd[Element::Dy] - 0.018).abs() < 1e-12);
        assert!((gbd.sum() - 1.0).abs() < 1e-12);
        let ce = composition(&recipe(), 0.0, 0.1).unwrap();
        assert!((ce[Element::Ce] - 0.092).abs() < 1e-12);
        assert!((ce.sum() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn making_is_limited_by_the_scarcest_element_and_conserves_mass() {
        let maker = MagnetMaker {
            id: "m".into(),
            country: Country::JP,
            owner: Owner::Foreign,
            capacity_t: 1200.0,
            re_content: 0.3,
            composition: composition(&recipe(), 0.0, 0.0).unwrap(),
            yield_share: 0.75,
            cost_usd_per_kg: 20.0,
            available_share: 1.0,
            subsidy_usd_per_kg: 0.0,
            lead_months: 24,
            pending: Vec::new(),
            running_load: 0.8,
        };
        let need = maker.oxide_need(30.0);
        assert!((need.sum() - 40.0).abs() < 1e-9);
        let mut input = need;
        input[Element::Dy] *= 0.5; // only half the Dy arrived
        let (made, unused) = maker.make(30.0, &input);
        assert!((made.in_magnets.sum() - 15.0).abs() < 1e-9);
        for e in Element::ALL {
            let back = made.in_magnets[e] + made.swarf[e] + unused[e];
            assert!((back - input[e]).abs() <= 1e-12 * input[e].max(1.0), "{e}");
            assert!(unused[e] >= 0.0);
        }
        assert!((made.magnets_t - 50.0).abs() < 1e-9);
    }
}
