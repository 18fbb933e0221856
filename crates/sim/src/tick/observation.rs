//! Phase 13, observation: the month's mass balance (stocks' change against sources and
//! sinks, element by element) and every metric of the month, written into the trajectory
//! row; and the state checks the world runs after each tick.
//!
//! Reads: everything the other phases wrote this month (`Flows`), inventories, prices,
//! markets, demand sectors, supply.
//! Writes: the metrics row only.
//! Invariant: the balance's worst relative residual is written as `balance.max_rel_error`
//! and must stay within [`crate::MAX_BALANCE_ERROR`]; no stock, price, capacity,
//! utilisation or reserve is negative or non-finite.

use crate::metrics::{MetricIndex, RECYCLED_ELEMENTS};
use crate::state::{DemandState, Inventories, Markets, Params, PriceState, Supply};
use crate::tick::{Flows, INF_BITS, ratio, state_bits};
use remsim_core::{Element, Region};

/// Unmet demand below this (one gram) is rounding, not shortage.
const MIN_SHORTAGE_T: f64 = 1e-6;

/// What the month's metrics are read from.
pub(crate) struct Observed<'a> {
    /// Stocks after the month.
    pub inventories: &'a Inventories,
    /// Prices after the month.
    pub prices: &'a PriceState,
    /// Exports and licence rent.
    pub markets: &'a Markets,
    /// Demand sectors (adoption of rare-earth-free designs).
    pub demand: &'a DemandState,
    /// Trial settings (incentive prices).
    pub params: &'a Params,
}

/// The worst relative mass-balance residual of the month over the elements.
fn balance_error(inventories: &Inventories, f: &Flows) -> f64 {
    let stocks_before = f.stocks_before;
    let stocks_after = inventories.total();
    let sources = f.ledger.mined + f.ledger.eol_collected;
    let sinks = f.ledger.consumed + f.ledger.losses;
    let mut worst: f64 = 0.0;
    for e in Element::ALL {
        let residual = (stocks_after[e] - stocks_before[e]) - (sources[e] - sinks[e]);
        let scale =
            stocks_before[e].abs() + stocks_after[e].abs() + sources[e].abs() + sinks[e].abs();
        if scale > 0.0 {
            worst = worst.max(residual.abs() / scale);
        }
    }
    worst
}

/// Runs the observation phase: writes the month's metrics into `row`.
pub(crate) fn run(mi: &MetricIndex, x: &Observed<'_>, f: &Flows, row: &mut [f64]) {
    let worst = balance_error(x.inventories, f);
    let (inv, price) = (x.inventories, &x.prices.price);
    for (r, &column) in mi.price_ndpr.iter().enumerate() {
        row[column] = crate::metrics::NDPR_COMPOSITION
            .iter()
            .map(|&(e, share)| share * price[r][e])
            .sum();
    }
    for e in crate::metrics::traded_elements() {
        let ei = e.index();
        row[mi.incentive[ei]] = x.params.incentive[1][e];
        row[mi.price[ei][0]] = price[0][e];
        row[mi.price[ei][1]] = price[1][e];
        row[mi.demand[ei]] = f.demanded[e];
        // Float dust from pro-rata fills is not a shortage: below a gram, it is zero.
        row[mi.shortage[ei]] = if f.shortage[e] > MIN_SHORTAGE_T {
            f.shortage[e]
        } else {
            0.0
        };
        row[mi.stock[ei]] =
            inv.stock[0][e] + inv.stock[1][e] + inv.stockpile[0][e] + inv.stockpile[1][e];
    }
    row[mi.shortage_magnet] = if f.unmade_magnets > MIN_SHORTAGE_T {
        f.unmade_magnets
    } else {
        0.0
    };
    let (mined, separated, made) = (f.mined_by_region, &f.separated, f.magnets_made);
    let mined_world = mined[0] + mined[1];
    let separated_world = separated[0].sum() + separated[1].sum();
    let magnet_world = made[0] + made[1];
    row[mi.mine_world] = mined_world;
    row[mi.separation_world] = separated_world;
    row[mi.magnet_world] = magnet_world;
    row[mi.mine_cn_share] = ratio(mined[0], mined_world);
    row[mi.separation_cn_share] = ratio(separated[0].sum(), separated_world);
    row[mi.magnet_cn_share] = ratio(made[0], magnet_world);
    row[mi.row_supply_share] = ratio(mined[1], f.demanded.sum());
    // Consumers in a region are served pro rata, so the deep-processing sectors' part of
    // China's oxide purchases is their part of China's oxide demand.
    let cn_deep_fill = f.consumer_fill[0].hadamard(&f.cn_deep_demand.safe_div(&f.oxide_demand[0]));
    row[mi.deep_processing_cn_share] =
        ratio(cn_deep_fill.sum() + f.cn_maker_input, separated[0].sum());
    for (i, e) in RECYCLED_ELEMENTS.iter().enumerate() {
        let secondary = f.recycled[0][*e] + f.recycled[1][*e];
        let primary = separated[0][*e] + separated[1][*e];
        row[mi.recycled_share[i]] = ratio(secondary, primary + secondary);
    }
    row[mi.ev_ree_free_share] = x
        .demand
        .ev_sector
        .map_or(0.0, |s| x.demand.sectors[s].ree_free_share());
    row[mi.wastewater_cn] = f.wastewater_cn;
    row[mi.residue[0]] = f.residue[0];
    row[mi.residue[1]] = f.residue[1];
    row[mi.profit[0]] = f.profit[0];
    row[mi.profit[1]] = f.profit[1];
    row[mi.exports_cn] = x.markets.exports_t.sum();
    row[mi.licence_rent] = x.markets.licence_rent_usd_per_kg;
    row[mi.balance] = worst;
}

/// Whether every stock, price, capacity, utilisation and reserve is finite and
/// non-negative, in one branch-free pass (the every-tick case; the caller looks for the
/// culprit only when this fails). `x + 0.0` turns `-0.0` into `+0.0`; then `x` is finite
/// and non-negative exactly when its bit pattern is below that of `+inf`.
pub(crate) fn all_states_valid(inv: &Inventories, prices: &PriceState, supply: &Supply) -> bool {
    let bits = state_bits;
    let mut worst = 0u64;
    for r in 0..2 {
        for v in [
            &prices.price[r],
            &inv.stock[r],
            &inv.stockpile[r],
            &inv.concentrate[r],
            &inv.scrap[r],
        ] {
            worst = v.0.iter().fold(worst, |w, &x| w.max(bits(x)));
        }
    }
    // Miners were checked in the tick's mining pass; any added since are checked here.
    let (miner_bits, checked) = supply.miner_bits;
    worst = worst.max(miner_bits);
    for m in supply.miners.get(checked..).unwrap_or_default() {
        worst = worst
            .max(bits(m.capacity_t))
            .max(bits(m.reserves_t))
            .max(bits(m.utilisation));
    }
    for s in &supply.separators {
        worst = worst.max(bits(s.capacity_t)).max(bits(s.utilisation));
    }
    for m in &supply.makers {
        worst = worst.max(bits(m.capacity_t));
    }
    worst < INF_BITS
}

/// The first negative or non-finite state, described (called when
/// [`all_states_valid`] failed).
pub(crate) fn invalid_state(
    inv: &Inventories,
    prices: &PriceState,
    supply: &Supply,
) -> Option<String> {
    let bad = |x: f64| !(x >= 0.0 && x.is_finite());
    for r in 0..2 {
        let region = Region::ALL[r];
        for e in Element::ALL {
            for (what, value) in [
                ("price", prices.price[r][e]),
                ("oxide stock", inv.stock[r][e]),
                ("stockpile", inv.stockpile[r][e]),
                ("concentrate", inv.concentrate[r][e]),
                ("scrap", inv.scrap[r][e]),
            ] {
                if bad(value) {
                    return Some(format!("{what} of {e} in {region} is {value}"));
                }
            }
        }
    }
    for m in &supply.miners {
        for (what, value) in [
            ("capacity", m.capacity_t),
            ("reserves", m.reserves_t),
            ("utilisation", m.utilisation),
        ] {
            if bad(value) {
                return Some(format!("{what} of miner {} is {value}", m.id));
            }
        }
    }
    for s in &supply.separators {
        if bad(s.capacity_t) || bad(s.utilisation) {
            return Some(format!(
                "capacity or utilisation of separator {} is negative",
                s.id
            ));
        }
    }
    for m in &supply.makers {
        if bad(m.capacity_t) {
            return Some(format!(
                "capacity of magnet maker {} is {}",
                m.id, m.capacity_t
            ));
        }
    }
    None
}
