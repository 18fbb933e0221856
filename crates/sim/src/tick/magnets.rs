//! Phase 9, magnets: each maker makes magnets from the oxide it bought (unused oxide goes
//! back to stock, swarf to scrap); magnets are delivered to the regions that ordered them
//! and join each magnet sector's stock in use, whose end-of-life returns are collected as
//! scrap.
//!
//! Reads: `Scratch::{maker_plan, maker_input, maker_orders_from, sector_orders}`,
//! `Flows::magnet_orders`, params (markup), the overlay's collection floor.
//! Writes: makers' state; oxide stocks and scrap; magnets in use; `Flows::{magnets_made,
//! cn_maker_input, profit}` and the ledger's `consumed` and `eol_collected`.
//! Invariant: what a maker takes in = magnets' content + swarf + unused oxide.

use crate::shocks::Overlay;
use crate::state::{DemandState, Inventories, Params, Supply};
use crate::tick::{Flows, Scratch, add_repeated, ratio};
use remsim_core::ElementVec;

/// Runs the magnets phase.
pub(crate) fn run(
    supply: &mut Supply,
    demand: &mut DemandState,
    inventories: &mut Inventories,
    params: &Params,
    overlay: &Overlay,
    scratch: &Scratch,
    f: &mut Flows,
) {
    let mut delivered = [ElementVec::ZERO; 2];
    for (i, mk) in supply.makers.iter_mut().enumerate() {
        let r = mk.region().index();
        let input = &scratch.maker_input[i];
        // One unit makes; what it makes is booked once for each unit the maker stands for,
        // one addition after another, as for that many copies (`Supply::maker_units`).
        let (made, unused) = mk.make(scratch.maker_plan[i], input);
        let units = supply.maker_units[i];
        inventories.stock[r].add_repeated(&unused, units);
        inventories.scrap[r].add_repeated(&made.swarf, units);
        f.ledger.consumed.add_repeated(&made.in_magnets, units);
        add_repeated(&mut f.magnets_made[r], made.in_magnets.sum(), units);
        if r == 0 {
            add_repeated(&mut f.cn_maker_input, (*input - unused).sum(), units);
        }
        let from = scratch.maker_orders_from[i];
        let orders = from[0] + from[1];
        if orders > 0.0 {
            delivered[0].add_repeated(&(made.in_magnets * (from[0] / orders)), units);
            delivered[1].add_repeated(&(made.in_magnets * (from[1] / orders)), units);
        }
        // Conversion margin and subsidy, million USD (t × USD/kg / 1000).
        add_repeated(
            &mut f.profit[r],
            made.magnets_t * (mk.cost_usd_per_kg * params.markup + mk.subsidy_usd_per_kg) / 1000.0,
            units,
        );
    }
    let mut eol_collected = [ElementVec::ZERO; 2];
    let collection = remsim_recyclers::collection_rates(&supply.recyclers, overlay.collection_rate);
    for (s, stocks) in &mut demand.in_use {
        for r in 0..2 {
            let share = ratio(scratch.sector_orders[*s][r], f.magnet_orders[r]);
            let returns = stocks[r].step(delivered[r] * share);
            eol_collected[r] += returns * collection[r];
        }
    }
    for r in 0..2 {
        inventories.scrap[r] += eol_collected[r];
        f.ledger.eol_collected += eol_collected[r];
    }
}
