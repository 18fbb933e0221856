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
/// Kilograms of Dy that do the coercivity work of one kilogram of Tb (Tb is about twice
/// as effective; approx.). Makers short of Tb make it up with Dy at this rate.
pub const DY_PER_TB: f64 = 2.0;
/// How strongly makers shift between the members of a substitute pair as their relative
/// price moves away from the reference: the elasticity of the function share, by pair.
/// NdPr are nearly perfect substitutes (assumed). Dy and Tb much less so: the Tb/Dy price
/// ratio doubled from 2020 to 2022 (670/261 -> 2,051/382, calibration.md §8) while Tb use
/// in diffusion-treated EV grades kept growing, which an elasticity above 1 cannot
/// reproduce; 0.5 was set on that episode (docs/validation.md), not measured.
pub const SUBSTITUTION_ELASTICITY: [f64; 2] = [4.0, 0.5];
/// Elements that stand in for each other in a magnet, with their weight in a common unit:
/// Nd and Pr one for one (NdPr is sold as a blend whose ratio makers can vary), Dy and Tb
/// in Dy-equivalents.
pub const SUBSTITUTES: [[(Element, f64); 2]; 2] = [
    [(Element::Nd, 1.0), (Element::Pr, 1.0)],
    [(Element::Dy, 1.0), (Element::Tb, DY_PER_TB)],
];
/// Whether an element (by index) belongs to a [`SUBSTITUTES`] pair.
const IN_PAIR: [bool; Element::COUNT] = {
    let mut in_pair = [false; Element::COUNT];
    let mut i = 0;
    while i < SUBSTITUTES.len() {
        in_pair[SUBSTITUTES[i][0].0.index()] = true;
        in_pair[SUBSTITUTES[i][1].0.index()] = true;
        i += 1;
    }
    in_pair
};
/// How makers' Dy and Tb content answers the Dy price (`[tick]`: `heavy_thrift_*`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeavyThrift {
    /// Long-run elasticity of the content to the Dy price (≤ 0).
    pub elasticity: f64,
    /// Years over which the content closes its gap to the long-run content (≥ 1).
    pub adjustment_years: f64,
    /// Largest cut below the recipe's content, share.
    pub max_cut: f64,
}

/// How the Dy/Tb split answers their relative price in the long run (`[tick]`:
/// `heavy_pair_*`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeavyPair {
    /// Long-run elasticity of the pair's split to the relative price (the short run's
    /// [`SUBSTITUTION_ELASTICITY`] plus the slow part).
    pub long_run_elasticity: f64,
    /// Years over which the slow part closes its gap (≥ 1).
    pub adjustment_years: f64,
}

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
    /// Rare-earth composition of its magnets after diffusion, Ce substitution and the
    /// month's choice between substitutes (sums to about 1: Dy and Tb differ in weight).
    /// Invariant: outside the [`SUBSTITUTES`] pairs it equals `base_composition` (the two
    /// are set together; the monthly choice writes only the pairs' members).
    pub composition: ElementVec,
    /// The composition before the choice between substitutes (sum 1).
    pub base_composition: ElementVec,
    /// Share of input that ends in magnets; the rest is swarf.
    pub yield_share: f64,
    /// Conversion cost, USD/kg magnet.
    pub cost_usd_per_kg: f64,
    /// Share of capacity usable this month (a rival's ramp-up; 1 otherwise).
    pub available_share: f64,
    /// State subsidy, USD/kg magnet.
    pub subsidy_usd_per_kg: f64,
    lead_months: i32,
    pending: remsim_core::CapacityPipeline,
    /// Running ratio of orders to capacity (about a year's memory).
    pub running_load: f64,
    /// Share of each element's need it got last month; a shortfall of one element of a
    /// substitute pair is bid for as the other.
    pub fill: ElementVec,
    /// The recipe as configured (shares of REO).
    recipe: ElementVec,
    /// Dy/Tb cut from grain-boundary diffusion as configured.
    base_heavy_cut: f64,
    /// Ce substitution as configured.
    ce_substitution: f64,
    /// Further Dy/Tb cut that high prices have brought about (at most
    /// [`HeavyThrift::max_cut`]; negative for richer grades than the recipe).
    pub heavy_thrift: f64,
    /// The slow part of the Dy/Tb split: a further tilt of the pair toward its cheaper
    /// member, built up over the years a new grade takes to qualify (1 at the start; see
    /// [`MagnetMaker::adapt_heavy_pair`]).
    pub heavy_pair_tilt: f64,
    /// Extra (Ce substitution, Dy/Tb cut) imposed by shocks, last applied.
    shock_shares: (f64, f64),
    /// Running share of planned output actually made (short of inputs, it falls); buyers
    /// place orders by capacity times this.
    pub delivery_ratio: f64,
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
        let base_heavy_cut = (cfg.gbd_share * cfg.gbd_heavy_cut).clamp(0.0, 1.0);
        let composition = composition(&recipe, base_heavy_cut, cfg.ce_substitution)
            .ok_or_else(|| err("empty recipe".to_string()))?;
        Ok(MagnetMaker {
            id: cfg.id.clone(),
            country,
            owner: cfg.owner,
            capacity_t: cfg.capacity_t.max(0.0),
            re_content: cfg.re_content.clamp(0.0, 1.0),
            composition,
            base_composition: composition,
            yield_share: cfg.yield_share.clamp(1e-3, 1.0),
            cost_usd_per_kg: cfg.cost_usd_per_kg.max(0.0),
            available_share: 1.0,
            subsidy_usd_per_kg: 0.0,
            lead_months: (cfg.expansion_lead_time_years.max(0.0) * 12.0).round() as i32,
            pending: remsim_core::CapacityPipeline::new(),
            running_load: cfg.utilisation.clamp(0.0, 1.0),
            fill: ElementVec::splat(1.0),
            recipe,
            base_heavy_cut,
            ce_substitution: cfg.ce_substitution.clamp(0.0, 1.0),
            heavy_thrift: 0.0,
            heavy_pair_tilt: 1.0,
            shock_shares: (0.0, 0.0),
            delivery_ratio: 1.0,
        })
    }

    /// The market zone it buys in.
    pub fn region(&self) -> Region {
        self.country.region()
    }

    /// Rare earths it can put into magnets this month, t REO.
    pub fn capacity_reo_per_month(&self) -> f64 {
        units::per_month(self.capacity_t) * self.re_content * self.available_share.max(0.0)
    }

    /// What buyers expect it can deliver this month, t REO in magnets: capacity discounted
    /// by its recent delivery record (a maker starved of Dy loses orders to others).
    pub fn dependable_capacity_reo_per_month(&self) -> f64 {
        self.capacity_reo_per_month() * self.delivery_ratio.clamp(0.0, 1.0)
    }

    /// Oxide input to bid for, for `reo_in_magnets` t of rare earths in finished magnets:
    /// the recipe's need, with what was missing last month of one element of a substitute
    /// pair asked for as the other.
    #[inline]
    pub fn oxide_need(&self, reo_in_magnets: f64) -> ElementVec {
        let recipe = self.composition * (reo_in_magnets / self.yield_share);
        let mut need = recipe;
        for [(a, wa), (b, wb)] in SUBSTITUTES {
            need[a] += recipe[b] * wb * (1.0 - self.fill[b].clamp(0.0, 1.0)) / wa;
            need[b] += recipe[a] * wa * (1.0 - self.fill[a].clamp(0.0, 1.0)) / wb;
        }
        need
    }

    /// Makes magnets from `input` oxides bought for `planned_reo` t of rare earths in
    /// magnets. Output is limited by the scarcest element of the recipe (a magnet needs all
    /// of them), where the members of a [`SUBSTITUTES`] pair count together. What is left of
    /// the input is returned unused.
    pub fn make(&mut self, planned_reo: f64, input: &ElementVec) -> (Made, ElementVec) {
        let recipe = self.composition * (planned_reo / self.yield_share);
        let mut ratio: f64 = 1.0;
        for e in Element::ALL {
            if !IN_PAIR[e.index()] && recipe[e] > 0.0 {
                ratio = ratio.min(input[e] / recipe[e]);
            }
        }
        for [(a, wa), (b, wb)] in SUBSTITUTES {
            let need = recipe[a] * wa + recipe[b] * wb;
            if need > 0.0 {
                ratio = ratio.min((input[a] * wa + input[b] * wb) / need);
            }
        }
        let ratio = ratio.clamp(0.0, 1.0);
        if planned_reo > 0.0 {
            self.delivery_ratio += (ratio - self.delivery_ratio) / 3.0;
        }
        let mut used = recipe * ratio;
        for [(a, wa), (b, wb)] in SUBSTITUTES {
            // The recipe's own elements first, then the partner makes up the rest.
            let use_a = used[a].min(input[a]);
            let use_b = used[b].min(input[b]);
            let mut missing = (used[a] - use_a) * wa + (used[b] - use_b) * wb;
            let extra_a = (input[a] - use_a).min(missing / wa).max(0.0);
            missing -= extra_a * wa;
            let extra_b = (input[b] - use_b).min(missing / wb).max(0.0);
            used[a] = use_a + extra_a;
            used[b] = use_b + extra_b;
        }
        // Never use more than was bought, even by a rounding ulp: conservation is exact.
        let used = used.min(input);
        for e in Element::ALL {
            if recipe[e] > 0.0 {
                self.fill[e] = (input[e] / recipe[e]).clamp(0.0, 1.0);
            }
        }
        let in_magnets = used * self.yield_share;
        let made = Made {
            in_magnets,
            swarf: used - in_magnets,
            // Counted by the recipe: Dy standing in for Tb adds mass, not magnets.
            magnets_t: if self.re_content > 0.0 {
                planned_reo * ratio / self.re_content
            } else {
                0.0
            },
        };
        (made, *input - used)
    }

    /// Monthly choice between substitutes at `prices` (USD/kg in the maker's region): each
    /// pair's function is split by the recipe's shares, tilted toward the member that got
    /// cheaper relative to `reference` prices (the scenario's opening prices: the recipe
    /// is what makers use at them) with [`SUBSTITUTION_ELASTICITY`], so NdPr's blend
    /// follows the Nd/Pr price ratio and Dy stands in for Tb as Tb grows dear; the Dy/Tb
    /// pair is tilted further by [`MagnetMaker::heavy_pair_tilt`], the long run's part.
    pub fn choose_substitutes(&mut self, prices: &ElementVec, reference: &ElementVec) {
        self.choose_substitutes_tilted(&substitution_tilts(prices, reference));
    }

    /// [`MagnetMaker::choose_substitutes`] with each pair's tilt already worked out by
    /// [`substitution_tilts`] (the same for every maker that buys at the same prices, so a
    /// caller with many makers computes it once per region).
    #[inline]
    pub fn choose_substitutes_tilted(&mut self, tilts: &[Option<f64>; 2]) {
        // Only the pairs' members differ from the base composition (it and `composition`
        // are set together everywhere else), so only they are written: the same numbers
        // as copying the base whole and tilting the copy.
        let base = &self.base_composition;
        let c = &mut self.composition;
        debug_assert!(
            Element::ALL
                .iter()
                .all(|&e| { IN_PAIR[e.index()] || c[e].to_bits() == base[e].to_bits() })
        );
        for (pair, tilt) in SUBSTITUTES.iter().zip(tilts) {
            let [(a, wa), (b, wb)] = *pair;
            c[a] = base[a];
            c[b] = base[b];
            let function = c[a] * wa + c[b] * wb;
            let Some(relative) = *tilt else {
                continue;
            };
            if function <= 0.0 {
                continue;
            }
            let share_b0 = c[b] * wb / function;
            // The heavy pair's slow tilt (1 for Nd/Pr, and until prices have moved).
            let slow = if b == Element::Tb {
                self.heavy_pair_tilt
            } else {
                1.0
            };
            let tilted = share_b0 * relative * slow;
            let share_b = (tilted / (1.0 - share_b0 + tilted)).clamp(0.0, 1.0);
            c[a] = function * (1.0 - share_b) / wa;
            c[b] = function * share_b / wb;
        }
    }

    /// Yearly response to heavy rare-earth prices, by partial adjustment (as the demand
    /// sectors' long-run response): makers move their Dy and Tb content a share
    /// `1 / response.adjustment_years` of the way toward `dy_price_ratio^elasticity` of
    /// the recipe's, moving output to diffusion-treated and Dy-lean grades when Dy is dear
    /// (at most `response.max_cut` below the recipe) and back to richer grades when it is
    /// cheap (at most to the recipe without diffusion). A ratio that is not positive
    /// changes nothing.
    pub fn adapt_to_heavy_prices(&mut self, dy_price_ratio: f64, response: HeavyThrift) {
        if !(dy_price_ratio > 0.0 && dy_price_ratio.is_finite()) {
            return;
        }
        // The richest grade is the recipe without diffusion: kept share at most 1.
        let lowest = 1.0 - 1.0 / (1.0 - self.base_heavy_cut).max(1e-9);
        let target = (1.0 - dy_price_ratio.powf(response.elasticity))
            .clamp(lowest, response.max_cut.max(lowest));
        let thrift = (self.heavy_thrift
            + (target - self.heavy_thrift) / response.adjustment_years.max(1.0))
        .clamp(lowest, response.max_cut.max(lowest));
        if thrift != self.heavy_thrift {
            self.heavy_thrift = thrift;
            self.rebuild_base_composition();
        }
    }

    /// Yearly: the slow part of the Dy/Tb split moves a share `1 / adjustment_years` of the
    /// way toward `relative^(long_run_elasticity − short-run elasticity)`, where `relative`
    /// is Dy's price over Tb's, each over its opening price: together with the monthly
    /// choice the split answers the relative price with `long_run_elasticity` once new
    /// grades are qualified. A ratio that is not positive changes nothing.
    pub fn adapt_heavy_pair(&mut self, relative: f64, response: HeavyPair) {
        if !(relative > 0.0 && relative.is_finite()) {
            return;
        }
        let slow = (response.long_run_elasticity - SUBSTITUTION_ELASTICITY[1]).max(0.0);
        let target = relative.powf(slow);
        self.heavy_pair_tilt +=
            (target - self.heavy_pair_tilt) / response.adjustment_years.max(1.0);
    }

    /// Imposes substitution from shocks: an extra share of Nd+Pr replaced by Ce and an
    /// extra Dy/Tb cut (both 0 when no shock acts). Cheap when nothing changed.
    pub fn apply_shock_substitution(&mut self, ce_extra: f64, heavy_extra: f64) {
        let shares = (ce_extra.clamp(0.0, 1.0), heavy_extra.clamp(0.0, 1.0));
        if shares != self.shock_shares {
            self.shock_shares = shares;
            self.rebuild_base_composition();
        }
    }

    fn rebuild_base_composition(&mut self) {
        let (ce_extra, heavy_extra) = self.shock_shares;
        let kept = (1.0 - self.base_heavy_cut) * (1.0 - self.heavy_thrift) * (1.0 - heavy_extra);
        let ce = 1.0 - (1.0 - self.ce_substitution) * (1.0 - ce_extra);
        if let Some(c) = composition(&self.recipe, 1.0 - kept, ce) {
            self.base_composition = c;
            self.composition = c;
        }
    }

    /// Yearly decision: add capacity when orders ran above 90% of capacity for a year.
    /// Returns the t/yr added to the pipeline.
    pub fn decide_investment(&mut self, month: Month) -> f64 {
        let building = self.pending.building_t();
        if self.running_load > EXPANSION_TRIGGER && building == 0.0 && self.lead_months > 0 {
            let step = self.capacity_t * EXPANSION_STEP;
            self.pending.order(month.add_months(self.lead_months), step);
            return step;
        }
        0.0
    }

    /// Books this month's orders (t REO in magnets) into the running load and brings built
    /// capacity online.
    #[inline]
    pub fn record_orders(&mut self, month: Month, orders_reo: f64) {
        let cap = units::per_month(self.capacity_t) * self.re_content;
        let load = if cap > 0.0 { orders_reo / cap } else { 0.0 };
        self.running_load += (load - self.running_load) / 12.0;
        self.capacity_t += self.pending.bring_online(month);
    }
}

/// Places a month's magnet orders (t REO in magnets, by the region they come from) with
/// `makers`: the rest of the world's makers serve its orders first, pro rata to dependable
/// capacity; what they cannot make goes to China's makers (magnet exports), which serve
/// China's orders too. Each maker stands for `units[i]` identical units (a config entry's
/// `count`), whose capacity counts once per unit, added one unit after another as for that
/// many copies. Fills `plan` (what one unit of each maker makes) and `orders_from` (one
/// unit's orders by the region they come from), one entry per maker; returns the orders
/// nobody has the capacity to make.
pub fn place_orders(
    makers: &[MagnetMaker],
    units: &[u32],
    orders: [f64; 2],
    plan: &mut [f64],
    orders_from: &mut [[f64; 2]],
) -> f64 {
    // From -0.0, as `Iterator::sum` starts.
    let capacity_in = |r: usize| -> f64 {
        let mut total = -0.0;
        for (mk, &n) in makers.iter().zip(units) {
            if mk.region().index() == r {
                let cap = mk.dependable_capacity_reo_per_month();
                for _ in 0..n {
                    total += cap;
                }
            }
        }
        total
    };
    let row_capacity = capacity_in(1);
    let row_placed = orders[1].min(row_capacity);
    let overflow = orders[1] - row_placed;
    let cn_capacity = capacity_in(0);
    let cn_orders = orders[0] + overflow;
    let cn_placed = cn_orders.min(cn_capacity);
    for (i, mk) in makers.iter().enumerate() {
        let cap = mk.dependable_capacity_reo_per_month();
        if mk.region() == Region::RestOfWorld && row_capacity > 0.0 {
            let q = row_placed * cap / row_capacity;
            plan[i] = q;
            orders_from[i][1] = q;
        } else if mk.region() == Region::China && cn_capacity > 0.0 && cn_orders > 0.0 {
            let q = cn_placed * cap / cn_capacity;
            plan[i] = q;
            orders_from[i][0] = q * orders[0] / cn_orders;
            orders_from[i][1] = q * overflow / cn_orders;
        }
    }
    (cn_orders - cn_placed).max(0.0)
}

/// Each [`SUBSTITUTES`] pair's tilt toward its first member at `prices` against
/// `reference`: `((p_a / ref_a) / (p_b / ref_b))^sigma` with sigma from
/// [`SUBSTITUTION_ELASTICITY`], or `None` where a price or reference is not positive (the
/// pair is then left as the base composition has it).
pub fn substitution_tilts(prices: &ElementVec, reference: &ElementVec) -> [Option<f64>; 2] {
    std::array::from_fn(|i| {
        let [(a, _), (b, _)] = SUBSTITUTES[i];
        if prices[a] <= 0.0 || prices[b] <= 0.0 || reference[a] <= 0.0 || reference[b] <= 0.0 {
            return None;
        }
        Some(
            ((prices[a] / reference[a]) / (prices[b] / reference[b]))
                .powf(SUBSTITUTION_ELASTICITY[i]),
        )
    })
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

    fn maker(recipe_pct: &[(&str, f64)], yield_share: f64) -> MagnetMaker {
        MagnetMaker::from_config(&MagnetMakerConfig {
            id: "m".into(),
            name: "m".into(),
            country: "JP".into(),
            owner: Owner::Foreign,
            capacity_t: 1200.0,
            utilisation: 0.8,
            re_content: 0.3,
            recipe_pct: recipe_pct
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect(),
            gbd_share: 0.0,
            gbd_heavy_cut: 0.0,
            ce_substitution: 0.0,
            yield_share,
            cost_usd_per_kg: 20.0,
            expansion_lead_time_years: 2.0,
            count: 1,
        })
        .unwrap()
    }

    #[test]
    fn making_is_limited_by_the_scarcest_element_and_conserves_mass() {
        let mut maker = maker(
            &[("nd", 69.0), ("pr", 23.0), ("dy", 6.0), ("tb", 2.0)],
            0.75,
        );
        let need = maker.oxide_need(30.0);
        assert!((need.sum() - 40.0).abs() < 1e-9);
        let mut input = need;
        input[Element::Dy] *= 0.5; // only half the Dy and Tb arrived
        input[Element::Tb] *= 0.5;
        let (made, unused) = maker.make(30.0, &input);
        assert!((made.in_magnets.sum() - 15.0).abs() < 1e-9);
        for e in Element::ALL {
            let back = made.in_magnets[e] + made.swarf[e] + unused[e];
            assert!((back - input[e]).abs() <= 1e-12 * input[e].max(1.0), "{e}");
            assert!(unused[e] >= 0.0);
        }
        assert!((made.magnets_t - 50.0).abs() < 1e-9);
    }

    /// Asserts that `got` is `want` up to rounding.
    #[track_caller]
    fn assert_near(got: f64, want: f64, what: &str) {
        assert!((got - want).abs() < 1e-9, "{what}: {got}, expected {want}");
    }

    #[test]
    fn dy_makes_up_for_missing_tb_and_is_asked_for_next_month() {
        let mut maker = maker(&[("nd", 70.0), ("pr", 24.0), ("dy", 4.0), ("tb", 2.0)], 0.5);
        let need = maker.oxide_need(50.0); // 100 t input: Nd 70, Pr 24, Dy 4, Tb 2
        let mut input = need;
        input[Element::Tb] = 0.0;
        input[Element::Dy] = 8.0; // 4 for the recipe + 2 x 2 for the missing Tb
        let (made, unused) = maker.make(50.0, &input);
        assert_near(made.magnets_t, 50.0 / 0.3, "full output with Dy for Tb");
        assert_near(
            made.in_magnets.sum(),
            51.0,
            "2 t of Dy stand in for 1 t of Tb",
        );
        assert!(unused.sum().abs() < 1e-9);
        assert_eq!(maker.fill[Element::Tb], 0.0);
        assert_near(maker.oxide_need(50.0)[Element::Dy], 8.0, "bids Dy for Tb");
    }

    #[test]
    fn nd_and_pr_stand_in_for_each_other() {
        let mut maker = maker(&[("nd", 75.0), ("pr", 25.0)], 1.0);
        let input = ElementVec::unit(Element::Nd, 90.0) + ElementVec::unit(Element::Pr, 10.0);
        let (made, unused) = maker.make(100.0, &input);
        assert!((made.in_magnets.sum() - 100.0).abs() < 1e-9);
        assert!(unused.sum().abs() < 1e-9);
        assert_near(maker.oxide_need(100.0)[Element::Nd], 90.0, "asks Nd for Pr");
    }

    #[test]
    fn the_ndpr_blend_follows_relative_prices() {
        let mut maker = maker(&[("nd", 75.0), ("pr", 25.0)], 1.0);
        let reference = ElementVec::splat(50.0);
        maker.choose_substitutes(&ElementVec::splat(50.0), &reference);
        assert!(
            (maker.composition[Element::Pr] - 0.25).abs() < 1e-12,
            "the reference prices keep the recipe"
        );
        let mut prices = ElementVec::splat(50.0);
        prices[Element::Pr] = 100.0;
        maker.choose_substitutes(&prices, &reference);
        assert!(
            maker.composition[Element::Pr] < 0.05,
            "dear Pr is replaced by Nd"
        );
        assert!((maker.composition.sum() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn the_heavy_pair_leans_to_cheap_tb_over_the_years() {
        let pair = HeavyPair {
            long_run_elasticity: 2.0,
            adjustment_years: 5.0,
        };
        let mut maker = maker(&[("nd", 70.0), ("pr", 24.0), ("dy", 5.0), ("tb", 1.0)], 0.7);
        let reference = ElementVec::splat(100.0);
        let mut prices = reference;
        prices[Element::Dy] = 200.0;
        maker.choose_substitutes(&prices, &reference);
        let short_run = maker.composition[Element::Tb];
        // Dy twice as dear relative to Tb: the slow part heads for 2^(2.0 - 0.5).
        maker.adapt_heavy_pair(2.0, pair);
        assert!((maker.heavy_pair_tilt - (1.0 + (2f64.powf(1.5) - 1.0) / 5.0)).abs() < 1e-12);
        for _ in 0..160 {
            maker.adapt_heavy_pair(2.0, pair);
        }
        assert!((maker.heavy_pair_tilt - 2f64.powf(1.5)).abs() < 1e-9);
        maker.choose_substitutes(&prices, &reference);
        let long_run = maker.composition[Element::Tb];
        assert!(long_run > short_run, "{long_run} > {short_run}");
        // The pair's function (Dy-equivalents) is kept.
        let function = |c: &ElementVec| c[Element::Dy] + DY_PER_TB * c[Element::Tb];
        let base = maker.base_composition;
        assert!((function(&maker.composition) - function(&base)).abs() < 1e-12);
        assert!((maker.composition[Element::Nd] - base[Element::Nd]).abs() < 1e-15);
        // A ratio that is not positive changes nothing.
        let tilt = maker.heavy_pair_tilt;
        maker.adapt_heavy_pair(0.0, pair);
        maker.adapt_heavy_pair(f64::NAN, pair);
        assert_eq!(maker.heavy_pair_tilt, tilt);
    }

    #[test]
    fn dy_content_moves_part_of_the_way_to_its_long_run_level_each_year() {
        let response = HeavyThrift {
            elasticity: -0.3,
            adjustment_years: 2.0,
            max_cut: 0.4,
        };
        let mut maker = maker(&[("nd", 70.0), ("pr", 24.0), ("dy", 6.0)], 0.7);
        // Half the output made by diffusion, which cuts Dy by 60%: 30% below the recipe.
        maker.base_heavy_cut = 0.3;
        maker.rebuild_base_composition();
        let before = maker.composition[Element::Dy];
        maker.adapt_to_heavy_prices(1.0, response);
        assert_eq!(
            maker.composition[Element::Dy],
            before,
            "opening prices keep the recipe"
        );
        // Dy at 4x: long-run content 4^-0.3 = 0.660 of the recipe's; half the gap a year.
        maker.adapt_to_heavy_prices(4.0, response);
        let first = 0.5 * (1.0 - 4f64.powf(-0.3));
        assert!(
            (maker.heavy_thrift - first).abs() < 1e-12,
            "{}",
            maker.heavy_thrift
        );
        let dy = maker.composition[Element::Dy];
        assert!((dy - before * (1.0 - first)).abs() < 1e-12, "{dy}");
        for _ in 0..40 {
            maker.adapt_to_heavy_prices(4.0, response);
        }
        assert!((maker.heavy_thrift - (1.0 - 4f64.powf(-0.3))).abs() < 1e-9);
        for _ in 0..40 {
            maker.adapt_to_heavy_prices(100.0, response);
        }
        let deepest = maker.heavy_thrift;
        assert!(
            deepest <= 0.4 && deepest > 0.4 - 1e-9,
            "no further than the largest cut"
        );
        // Back at the opening price, half the thrift is undone in a year.
        maker.adapt_to_heavy_prices(1.0, response);
        assert!((maker.heavy_thrift - 0.5 * deepest).abs() < 1e-12);
        // Cheap Dy brings richer grades back, at most the recipe without diffusion.
        for _ in 0..60 {
            maker.adapt_to_heavy_prices(0.01, response);
        }
        let richest = maker.composition[Element::Dy];
        assert!(richest > before, "cheap Dy comes back into grades");
        assert!(
            (richest - 0.06).abs() < 1e-9,
            "up to the recipe without diffusion"
        );
        let without_diffusion = 1.0 - 1.0 / (1.0 - maker.base_heavy_cut);
        assert!((maker.heavy_thrift - without_diffusion).abs() < 1e-9);
        assert!((maker.composition.sum() - 1.0).abs() < 1e-12);
        // A price ratio that is not positive changes nothing.
        maker.adapt_to_heavy_prices(0.0, response);
        maker.adapt_to_heavy_prices(f64::NAN, response);
        assert_eq!(maker.composition[Element::Dy], richest);
    }
}
