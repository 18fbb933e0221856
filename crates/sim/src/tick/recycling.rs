//! Phase 6, recycling: each region's recyclers take scrap up to their capacity (raised by
//! any producer-responsibility mandate), pro rata to capacity, and return oxide to the
//! region's stock.
//!
//! Reads: recyclers, the overlay's recycling capacity.
//! Writes: scrap, oxide stocks; `Flows::recycled` and the ledger's `losses`.
//! Invariant: scrap taken = oxide recycled + losses; scrap never goes negative.

use crate::shocks::Overlay;
use crate::state::{Inventories, Supply};
use crate::tick::{ClampTracked, Flows};
use remsim_recyclers::Recycler;

/// Runs the recycling phase.
pub(crate) fn run(
    supply: &Supply,
    inventories: &mut Inventories,
    overlay: &Overlay,
    f: &mut Flows,
) {
    for r in 0..2 {
        let capacity: f64 = supply
            .recyclers
            .iter()
            .filter(|rc| rc.region().index() == r)
            .map(Recycler::capacity_per_month)
            .sum::<f64>()
            * overlay.recycling_capacity[r];
        let available = inventories.scrap[r].sum();
        if capacity <= 0.0 || available <= 0.0 {
            continue;
        }
        let fraction = (capacity / available).min(1.0);
        for rc in supply
            .recyclers
            .iter()
            .filter(|rc| rc.region().index() == r)
        {
            let feed = inventories.scrap[r]
                * (fraction * rc.capacity_per_month() * overlay.recycling_capacity[r] / capacity);
            let out = rc.process(&feed);
            f.recycled[r] += out.oxides;
            f.ledger.losses += out.losses;
            inventories.scrap[r] -= feed;
        }
        inventories.scrap[r] =
            inventories.scrap[r].clamp_non_negative_tracked(&mut f.ledger.losses);
        inventories.stock[r] += f.recycled[r];
    }
}
