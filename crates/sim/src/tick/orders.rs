//! Phase 3, orders: rival life cycles and active shocks scale the separators and magnet
//! makers (miners: in the mining pass, so that a fragmented world streams its many miners
//! once); magnet orders are placed with makers; each maker chooses its recipe and works out
//! its oxide need; the opening stocks are set in the first month.
//!
//! Reads: expected and opening prices, the overlay, the clock, `Flows::magnet_orders` and
//! `Flows::oxide_demand`.
//! Writes: separators' and makers' available share, cost, floors and recipes; makers'
//! order books; `Scratch::{maker_plan, maker_orders_from, maker_need}`; opening
//! inventories; `Flows::{regional_need, demand_by_region, unmade_magnets, stocks_before}`.
//! Invariant: orders are placed pro rata to dependable capacity, the rest of the world's
//! makers first; what no maker can make is counted as unmade, never dropped.

use crate::shocks::Overlay;
use crate::state::{Clock, Inventories, Params, PriceState, Supply};
use crate::tick::{Flows, Scratch, reset};
use remsim_core::{ElementVec, Region};

/// Runs the orders phase.
pub(crate) fn run(
    supply: &mut Supply,
    prices: &PriceState,
    overlay: &Overlay,
    clock: &Clock,
    scratch: &mut Scratch,
    f: &mut Flows,
) {
    prepare_units(supply, overlay, clock, f);
    place_magnet_orders(supply, scratch, f);
    // Every maker of a region buys at the same prices: the pairs' tilts once per region.
    let tilts = [0, 1]
        .map(|r| remsim_magnets::substitution_tilts(&f.expected[r], &prices.initial_price[r]));
    for mk in &mut supply.makers {
        mk.choose_substitutes_tilted(&tilts[mk.region().index()]);
    }
    let maker_need = &mut scratch.maker_need;
    reset(maker_need, supply.makers.len(), ElementVec::ZERO);
    for (i, mk) in supply.makers.iter().enumerate() {
        maker_need[i] = mk.oxide_need(scratch.maker_plan[i]);
        f.regional_need[mk.region().index()].add_repeated(&maker_need[i], supply.maker_units[i]);
    }
    f.demand_by_region = [
        f.oxide_demand[0] + f.regional_need[0],
        f.oxide_demand[1] + f.regional_need[1],
    ];
}

/// The opening stocks, once, from the first month's demand; the stocks the month's mass
/// balance starts from.
pub(crate) fn open_stocks(inventories: &mut Inventories, params: &Params, f: &mut Flows) {
    // Opening stocks, once, from the first month's demand.
    if !inventories.initialised {
        for r in 0..2 {
            inventories.stock[r] = f.demand_by_region[r] * params.initial_stock_months;
            inventories.stockpile[r] =
                f.demand_by_region[r].hadamard(&params.stockpile_opening_months[r]);
        }
        inventories.initialised = true;
    }
    f.stocks_before = inventories.total();
}

/// Rival life cycles and active shocks on separators and makers.
fn prepare_units(supply: &mut Supply, overlay: &Overlay, clock: &Clock, f: &Flows) {
    let month = f.month;
    for i in 0..supply.separators.len() {
        let share = supply.life_share(supply.separator_rival[i], month, clock.start);
        let sep = &mut supply.separators[i];
        sep.available_share = share;
        sep.cost_factor = 1.0 - overlay.separation_cost_cut;
        let (floor, share) = supply.separator_base_floor[i];
        match overlay.price_floor {
            Some((usd, cover)) if sep.region() == Region::RestOfWorld && usd > floor => {
                sep.price_floor_usd_per_kg = usd;
                sep.floor_share = cover;
            }
            _ => {
                sep.price_floor_usd_per_kg = floor;
                sep.floor_share = share;
            }
        }
    }
    for i in 0..supply.makers.len() {
        let life = supply.life_share(supply.maker_rival[i], month, clock.start);
        let mk = &mut supply.makers[i];
        let r = mk.region().index();
        let push = if r == 0 {
            overlay.cn_magnet_capacity
        } else {
            1.0
        };
        mk.available_share = life * push;
        mk.apply_shock_substitution(overlay.ce_substitution[r], overlay.heavy_reduction[r]);
    }
}

/// Magnet orders placed with the makers (`remsim_magnets::place_orders`); each maker
/// books what it got.
fn place_magnet_orders(supply: &mut Supply, scratch: &mut Scratch, f: &mut Flows) {
    let maker_plan = &mut scratch.maker_plan;
    let maker_orders_from = &mut scratch.maker_orders_from;
    reset(maker_plan, supply.makers.len(), 0.0);
    reset(maker_orders_from, supply.makers.len(), [0.0; 2]);
    f.unmade_magnets = remsim_magnets::place_orders(
        &supply.makers,
        &supply.maker_units,
        f.magnet_orders,
        maker_plan,
        maker_orders_from,
    );
    for (i, mk) in supply.makers.iter_mut().enumerate() {
        mk.record_orders(f.month, maker_orders_from[i][0] + maker_orders_from[i][1]);
    }
}
