//! The scalars of a clearing: the export [`Link`] between the regions and the
//! [`PriceBounds`], and their check.

use crate::error::MarketError;

/// The one-way export link from China to the rest of the world for one element and tick.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Link {
    /// Most tonnes that may flow China → rest of world this tick (export quota or licence
    /// volume), in t. `0.0` closes the link; use `f64::MAX` for no quota.
    pub capacity_t: f64,
    /// Price wedge between the regions, tariff plus freight, in USD/kg: a tonne exported
    /// buys at the China price and sells at the China price plus the wedge.
    pub wedge_usd_per_kg: f64,
}

impl Link {
    /// A closed link: both regions clear in autarky.
    pub const CLOSED: Link = Link {
        capacity_t: 0.0,
        wedge_usd_per_kg: 0.0,
    };
}

/// Prices the market may report, in USD/kg. Offers asking less than the floor are treated
/// as asking the floor and bids above the cap as bidding the cap; offers asking more than the
/// cap and bids below the floor cannot trade.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PriceBounds {
    /// Lowest price, in USD/kg.
    pub floor_usd_per_kg: f64,
    /// Highest price, in USD/kg.
    pub cap_usd_per_kg: f64,
}

/// Whether `x` is a finite non-negative number.
fn ok(x: f64) -> bool {
    x.is_finite() && x >= 0.0
}

/// Checks the price bounds and the link, in that order.
pub(crate) fn validate_scalars(link: Link, bounds: PriceBounds) -> Result<(), MarketError> {
    let (floor, cap) = (bounds.floor_usd_per_kg, bounds.cap_usd_per_kg);
    if !ok(floor) {
        return Err(MarketError::PriceFloor { value: floor });
    }
    if !ok(cap) {
        return Err(MarketError::PriceCap { value: cap });
    }
    if floor > cap {
        return Err(MarketError::FloorAboveCap { floor, cap });
    }
    if !ok(link.capacity_t) {
        return Err(MarketError::LinkCapacity {
            value: link.capacity_t,
        });
    }
    if !ok(link.wedge_usd_per_kg) {
        return Err(MarketError::LinkWedge {
            value: link.wedge_usd_per_kg,
        });
    }
    Ok(())
}
