//! Phase 2, demand: every end-use sector draws its base demand (growth, noise, adoption of
//! rare-earth-free designs) and responds to expected prices; magnet sectors order magnets,
//! oxide sectors order oxide, each split between China and the rest of the world.
//!
//! Reads: expected and opening prices, the overlay's demand factors.
//! Writes: the sectors' adoption state and random streams; `Scratch::sector_orders`,
//! `Scratch::sector_oxide`; `Flows::{oxide_demand, cn_deep_demand, magnet_orders}`.
//! Invariant: each sector draws from its own stream, once per month, in sector order.

use crate::shocks::Overlay;
use crate::state::{DemandState, PriceState};
use crate::tick::{Flows, Scratch, reset};
use remsim_core::{Element, ElementVec};
use remsim_scenario::DemandKind;

/// Runs the demand phase.
pub(crate) fn run(
    demand: &mut DemandState,
    prices: &PriceState,
    overlay: &Overlay,
    scratch: &mut Scratch,
    f: &mut Flows,
) {
    let month = f.month;
    let expected = &f.expected;
    let sector_orders = &mut scratch.sector_orders;
    let sector_oxide = &mut scratch.sector_oxide;
    sector_oxide.iter_mut().for_each(Vec::clear);
    reset(sector_orders, demand.sectors.len(), [0.0; 2]);
    let magnet_index = |p: &ElementVec| (p[Element::Nd] + p[Element::Pr]) / 2.0;
    let magnet_ratio =
        magnet_index(&expected[1]) / magnet_index(&prices.initial_price[1]).max(1e-9);
    for (s, sector) in demand.sectors.iter_mut().enumerate() {
        let rng = &mut demand.sector_rngs[s];
        let shares = [sector.cn_share, 1.0 - sector.cn_share];
        match sector.kind {
            DemandKind::Magnet => {
                let base = sector.base_demand(month, magnet_ratio, rng) * overlay.demand_factor[s];
                for r in 0..2 {
                    let reference = magnet_index(&prices.initial_price[r]);
                    let q =
                        sector.at_price(base * shares[r], magnet_index(&expected[r]), reference);
                    sector_orders[s][r] = q;
                    f.magnet_orders[r] += q;
                }
            }
            DemandKind::Oxide => {
                // The mix's value at expected and at opening prices, each region's once.
                let at_expected = [sector.mix.dot(&expected[0]), sector.mix.dot(&expected[1])];
                let reference = [
                    sector.mix.dot(&prices.initial_price[0]),
                    sector.mix.dot(&prices.initial_price[1]),
                ];
                let basket = at_expected[1] / reference[1].max(1e-9);
                let base = sector.base_demand(month, basket, rng) * overlay.demand_factor[s];
                for r in 0..2 {
                    let q = sector.at_price(base * shares[r], at_expected[r], reference[r]);
                    let ordered = sector.mix * q;
                    f.oxide_demand[r] += ordered;
                    sector_oxide[r].push((ordered, s));
                    if r == 0 && sector.deep_processing {
                        f.cn_deep_demand += ordered;
                    }
                }
            }
        }
    }
}
