//! Phase 8, clearing: under an all-element export quota, the licence rent that makes the
//! elements' exports fit it; then each traded element's two regional schedules are cleared
//! together across the export link, and every participant's fill is booked.
//!
//! Reads: the schedules and links (phase 7), expected prices, params (floor, cap), China's
//! all-element quota, the overlay's link capacity, `Scratch::maker_need`,
//! `Flows::maker_need_total`, `Flows::new_price` (last month's prices, kept by an element
//! that is not traded).
//! Writes: `Markets::{licence_rent_usd_per_kg, exports_t}`; oxide stocks and stockpiles;
//! `Scratch::maker_input`; `Flows::{new_price, consumer_fill, shortage}` and the ledger's
//! `consumed`.
//! Invariant: in each region the participants' fills add up to its export (the holder
//! takes the clearing's rounding residual); buyers rationed at the price are short, buyers
//! priced out chose not to buy.

use crate::SimError;
use crate::state::{Inventories, Markets, Params, PerRegion, PolicyState, Supply};
use crate::tick::schedules::{
    CONSUMERS, MAKERS_CONTRACTED, MAKERS_DISCRETIONARY, STOCKPILE_BUY, STOCKPILE_RELEASE,
};
use crate::tick::{Flows, Scratch, reset};
use remsim_core::{ElementVec, Month};
use remsim_market::PriceBounds;

/// Runs the clearing phase.
pub(crate) fn run(
    markets: &mut Markets,
    inventories: &mut Inventories,
    supply: &Supply,
    policy: &PolicyState,
    params: &Params,
    scratch: &mut Scratch,
    f: &mut Flows,
) -> Result<(), SimError> {
    let month = f.month;
    // A quota on all rare earths together (China, 2009-14): licence holders export
    // whatever earns most per tonne, so a licence earns the same rent on every element
    // it is used for, and that rent rises until the elements' exports fit the quota.
    markets.licence_rent_usd_per_kg = match policy.china.export_quota_total_t(month.year()) {
        Some(total) => licence_rent(
            markets,
            params,
            month,
            total / 12.0 * policy.overlay.link_capacity,
            &f.expected,
        )?,
        None => 0.0,
    };
    reset(
        &mut scratch.maker_input,
        supply.makers.len(),
        ElementVec::ZERO,
    );
    for e in crate::metrics::traded_elements() {
        let ei = e.index();
        let market = &mut markets.markets[ei];
        let mut link = markets.links[ei];
        link.wedge_usd_per_kg += markets.licence_rent_usd_per_kg;
        let bounds = PriceBounds {
            floor_usd_per_kg: params.floor[e],
            cap_usd_per_kg: params.cap[e],
        };
        let clearing = &mut markets.clearing;
        let import = markets.import_links[ei];
        market
            .clear_two_way(
                link,
                import,
                bounds,
                [f.expected[0][e], f.expected[1][e]],
                clearing,
            )
            .map_err(|err| SimError::Market(format!("{month} {e}: {err}")))?;
        let exports = [clearing.flow_t, -clearing.flow_t];
        markets.exports_t[e] = clearing.flow_t;
        for r in 0..2 {
            f.new_price[r][e] = clearing.price_usd_per_kg[r];
            let fills = markets.participants[ei][r].fills(clearing.position[r]);
            let fill = fills.net_supply_t;
            // The holder takes the rounding residual, so the region's parts add up to
            // its export exactly (up to one rounding).
            let others: f64 = fill[CONSUMERS..].iter().sum();
            let holder = exports[r] - others;
            inventories.stock[r][e] = (inventories.stock[r][e] - holder).max(0.0);
            inventories.stockpile[r][e] =
                (inventories.stockpile[r][e] - fill[STOCKPILE_RELEASE] - fill[STOCKPILE_BUY])
                    .max(0.0);
            f.consumer_fill[r][e] += -fill[CONSUMERS];
            // Buyers rationed at the price (or the cap) are short; buyers priced out
            // below it chose not to buy.
            f.shortage[e] += [CONSUMERS, MAKERS_CONTRACTED, MAKERS_DISCRETIONARY]
                .iter()
                .map(|&j| fills.unserved_t[j])
                .sum::<f64>();
            let bought = -(fill[MAKERS_CONTRACTED] + fill[MAKERS_DISCRETIONARY]);
            let need_total = f.maker_need_total[ei][r];
            if need_total > 0.0 && bought > 0.0 {
                // Both parts of every maker's need are the same fraction of it, so the
                // makers share what they bought pro rata by need.
                let share = bought / need_total;
                for &i in &supply.makers_in[r] {
                    scratch.maker_input[i][e] += scratch.maker_need[i][e] * share;
                }
            }
        }
    }
    f.ledger.consumed += f.consumer_fill[0] + f.consumer_fill[1];
    Ok(())
}

/// The licence rent, USD/kg, at which all elements' exports together fit `quota_t` this
/// month: zero if they fit without one. Each element's export falls as the rent widens
/// its wedge, so the rent is found by bisection; the upper end is returned, whose
/// exports fit the quota.
fn licence_rent(
    markets: &mut Markets,
    params: &Params,
    month: Month,
    quota_t: f64,
    expected: &PerRegion<ElementVec>,
) -> Result<f64, SimError> {
    let quota_t = quota_t.max(0.0);
    let mut exports_at = |rent: f64| -> Result<f64, SimError> {
        let mut total = 0.0;
        for e in crate::metrics::traded_elements() {
            let ei = e.index();
            let mut link = markets.links[ei];
            link.wedge_usd_per_kg += rent;
            let bounds = PriceBounds {
                floor_usd_per_kg: params.floor[e],
                cap_usd_per_kg: params.cap[e],
            };
            markets.markets[ei]
                .clear(
                    link,
                    bounds,
                    [expected[0][e], expected[1][e]],
                    &mut markets.clearing,
                )
                .map_err(|err| SimError::Market(format!("{month} {e}: {err}")))?;
            total += markets.clearing.flow_t.max(0.0);
        }
        Ok(total)
    };
    if exports_at(0.0)? <= quota_t {
        return Ok(0.0);
    }
    // No export pays a rent above the dearest price cap, where every flow stops.
    let mut low = 0.0;
    let mut high = crate::metrics::traded_elements()
        .map(|e| params.cap[e])
        .fold(0.0, f64::max);
    // 30 halvings of a cap of at most a few 10,000 USD/kg: well under a cent.
    for _ in 0..30 {
        let mid = 0.5 * (low + high);
        if exports_at(mid)? <= quota_t {
            high = mid;
        } else {
            low = mid;
        }
    }
    Ok(high)
}
