//! What the cross-checks of the schedule clearing against the reference order book
//! (`tests/schedule.rs`, `tests/schedule_edges.rs`) share: the generated link and reference
//! prices, and the price bounds they clear within.

use proptest::prelude::*;
use remsim_market::{Link, PriceBounds};

/// The price bounds of the cross-checks, USD/kg.
pub const CROSS_CHECK_BOUNDS: PriceBounds = PriceBounds {
    floor_usd_per_kg: 0.0,
    cap_usd_per_kg: 100.0,
};

/// A link (closed, unlimited or up to 150 t; a wedge of 0 or up to 20 USD/kg) and the two
/// regions' reference prices (1–80 USD/kg).
pub fn link_and_reference() -> impl Strategy<Value = (Link, [f64; 2])> {
    (
        prop_oneof![Just(0.0), Just(f64::MAX), 0.0f64..150.0],
        prop_oneof![Just(0.0), 0.0f64..20.0],
        (1.0f64..80.0, 1.0f64..80.0),
    )
        .prop_map(|(capacity_t, wedge_usd_per_kg, (cn, row))| {
            let link = Link {
                capacity_t,
                wedge_usd_per_kg,
            };
            (link, [cn, row])
        })
}
