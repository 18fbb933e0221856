//! Phase 11, settlement: miners, separators and recyclers are paid at this month's prices;
//! each miner that produced records its margin (what drives its utilisation next month);
//! profits are summed by region.
//!
//! Reads: prices, params (payable share, environment), `Scratch::{miner_output,
//! separator_feed}`, `Flows::{recycled, heap_pond_banned}`.
//! Writes: miners' margin records; `Flows::profit`.
//! Invariant: a miner's profit counts toward the region of its owner's costs, which for
//! Chinese-owned mines abroad is not the region it mines in.

use crate::state::{Params, PriceState, Supply};
use crate::tick::{DotMemo, Flows, Scratch, add_repeated};
use remsim_miners::MinerMarket;

/// Runs the settlement phase.
pub(crate) fn run(
    supply: &mut Supply,
    prices: &PriceState,
    params: &Params,
    scratch: &Scratch,
    f: &mut Flows,
) {
    let market = MinerMarket {
        month: f.month,
        expected_prices: &prices.price,
        payable_share: params.payable,
        heap_pond_banned: f.heap_pond_banned,
        ban_on_illegal: false,
        environment: &params.environment,
    };
    let mut memo = DotMemo::default();
    for (i, mn) in supply.miners.iter_mut().enumerate() {
        let r = mn.sells_to.index();
        let value =
            mn.basket_value_from_dot(memo.dot(&mn.shares, r, &prices.price), params.payable);
        let cost = mn.cash_cost_usd_per_kg(&market);
        let output = scratch.miner_output[i];
        if output > 0.0 {
            mn.record_margin(value - cost);
        }
        // Once for each unit the miner stands for, as for that many copies.
        add_repeated(
            &mut f.profit[supply.miner_cost_owner_region[i].index()],
            output * (value - cost) / 1000.0,
            supply.miner_units[i],
        );
    }
    for (i, sep) in supply.separators.iter().enumerate() {
        let feed = scratch.separator_feed[i];
        let t = feed.sum();
        if t <= 0.0 {
            continue;
        }
        let r = sep.region().index();
        let shares = feed * (1.0 / t);
        let margin = sep.margin_usd_per_kg(&shares, &prices.price[r], params.payable);
        f.profit[r] += t * margin / 1000.0;
    }
    for r in 0..2 {
        let cost: f64 = supply
            .recyclers
            .iter()
            .filter(|rc| rc.region().index() == r)
            .map(|rc| rc.cost_usd_per_kg)
            .fold(0.0, f64::max);
        f.profit[r] += (f.recycled[r].dot(&prices.price[r]) - f.recycled[r].sum() * cost) / 1000.0;
    }
}
