//! Phase 5, separation: in each region, separators say what throughput pays at expected
//! prices; the concentrate pool is shared among them pro rata to what they want, up to
//! the pool; what they separate goes into the region's oxide stock.
//!
//! Reads: expected prices, params (payable share), the overlay's waste cut.
//! Writes: separators' load records; concentrate pools, residue potential, oxide stocks;
//! `Scratch::{separator_feed, separator_wanted}`; `Flows::{separated, residue}` and the
//! ledger's `losses`.
//! Invariant: concentrate taken = oxide separated + process losses (float dust below zero
//! is booked as a loss, so a pool never goes negative and the ledger still closes).

use crate::shocks::Overlay;
use crate::state::{Inventories, Params, Supply};
use crate::tick::{ClampTracked, Flows, Scratch, ratio, reset};
use remsim_core::ElementVec;

/// Runs the separation phase.
pub(crate) fn run(
    supply: &mut Supply,
    inventories: &mut Inventories,
    params: &Params,
    overlay: &Overlay,
    scratch: &mut Scratch,
    f: &mut Flows,
) {
    let month = f.month;
    let separator_feed = &mut scratch.separator_feed;
    let wanted = &mut scratch.separator_wanted;
    reset(separator_feed, supply.separators.len(), ElementVec::ZERO);
    for r in 0..2 {
        let pool = inventories.concentrate[r];
        let pool_t = pool.sum();
        let feed_shares = pool.normalised().unwrap_or(ElementVec::ZERO);
        reset(wanted, supply.separators.len(), 0.0);
        let mut total_wanted = 0.0;
        // The feed's value at expected prices is the same for every separator here.
        let dot = feed_shares.dot(&f.expected[r]);
        for (i, sep) in supply.separators.iter_mut().enumerate() {
            if sep.region().index() == r {
                wanted[i] = sep.plan_throughput_from_dot(
                    month,
                    dot,
                    &feed_shares,
                    &f.expected[r],
                    params.payable,
                );
                total_wanted += wanted[i];
            }
        }
        let capacity: f64 = supply
            .separators
            .iter()
            .filter(|sep| sep.region().index() == r)
            .map(|sep| sep.capacity_t / 12.0 * sep.available_share)
            .sum();
        let load = ratio(pool_t, capacity);
        for (i, sep) in supply.separators.iter_mut().enumerate() {
            if sep.region().index() == r && supply.separator_rival[i].is_none() {
                sep.record_load(month, load);
            }
        }
        if pool_t <= 0.0 || total_wanted <= 0.0 {
            continue;
        }
        let take = pool_t.min(total_wanted);
        let fraction = take / pool_t;
        for (i, sep) in supply.separators.iter().enumerate() {
            if wanted[i] <= 0.0 {
                continue;
            }
            let feed = pool * (fraction * wanted[i] / total_wanted);
            let processed = sep.process(&feed);
            separator_feed[i] = feed;
            f.separated[r] += processed.oxides;
            f.ledger.losses += processed.losses;
            inventories.concentrate[r] -= feed;
        }
        // Float dust must not turn into negative stock.
        inventories.concentrate[r] =
            inventories.concentrate[r].clamp_non_negative_tracked(&mut f.ledger.losses);
        // Magnetic pre-separation keeps part of the gangue (and its thorium) out of
        // the cracking plant.
        f.residue[r] +=
            inventories.residue_potential[r] * fraction * (1.0 - overlay.separation_waste_cut);
        inventories.residue_potential[r] *= 1.0 - fraction;
    }
    for r in 0..2 {
        inventories.stock[r] += f.separated[r];
    }
}
