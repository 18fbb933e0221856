//! The coupled two-region clearing: [`CoupledMarket`] and its result [`Clearing`].

use crate::book::RegionBook;
use crate::curve::{Curve, Interval};
use crate::error::MarketError;
use remsim_core::Region;

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

/// The result of one clearing. Arrays over regions are indexed by [`Region::index`]; fill
/// vectors are indexed like the offers and bids of the books, and are resized in place.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Clearing {
    /// Uniform price of each region, in USD/kg, within the price bounds.
    pub price_usd_per_kg: [f64; 2],
    /// Tonnes exported China → rest of world, in `[0, capacity]`.
    pub flow_t: f64,
    /// Whether the quota binds: the flow is at capacity and the rest-of-world price
    /// exceeds the China price by more than the wedge (the licence earns a rent). With a
    /// closed link it is set whenever the spread exceeds the wedge.
    pub link_binding: bool,
    /// Tonnes sold by each offer, in t.
    pub offer_fill_t: [Vec<f64>; 2],
    /// Tonnes served to each bid, in t.
    pub bid_fill_t: [Vec<f64>; 2],
    /// Tonnes sold by the region's offers, in t.
    pub sold_t: [f64; 2],
    /// Tonnes bought by the region's bids, in t.
    pub bought_t: [f64; 2],
    /// Tonnes offered but not sold (the caller's inventory), in t.
    pub unsold_t: [f64; 2],
    /// Tonnes bid but not served (shortage), in t.
    pub unmet_t: [f64; 2],
}

impl Clearing {
    /// An empty clearing, to be filled by [`CoupledMarket::clear`].
    pub fn new() -> Self {
        Clearing::default()
    }

    /// Rest-of-world price minus China price, in USD/kg.
    pub fn spread_usd_per_kg(&self) -> f64 {
        self.price_usd_per_kg[1] - self.price_usd_per_kg[0]
    }

    /// Scarcity rent of the export licence, in USD/kg: the spread above the wedge when the
    /// link is binding, else zero.
    pub fn licence_rent_usd_per_kg(&self, link: Link) -> f64 {
        if self.link_binding {
            (self.spread_usd_per_kg() - link.wedge_usd_per_kg).max(0.0)
        } else {
            0.0
        }
    }
}

/// The two regional books of one element and the scratch to clear them. Push offers and
/// bids into `books`, call [`CoupledMarket::clear`], then [`CoupledMarket::clear_books`] for
/// the next tick; buffers keep their room, so steady-state clearing does not allocate.
#[derive(Debug, Clone, Default)]
pub struct CoupledMarket {
    /// The books, indexed by [`Region::index`].
    pub books: [RegionBook; 2],
    curves: [Curve; 2],
}

impl CoupledMarket {
    /// A market with empty books.
    pub fn new() -> Self {
        CoupledMarket::default()
    }

    /// The book of `region`.
    pub fn book(&self, region: Region) -> &RegionBook {
        &self.books[region.index()]
    }

    /// The book of `region`, to push into.
    pub fn book_mut(&mut self, region: Region) -> &mut RegionBook {
        &mut self.books[region.index()]
    }

    /// Empties both books, keeping their room.
    pub fn clear_books(&mut self) {
        for book in &mut self.books {
            book.clear();
        }
    }

    /// Clears the books against each other through `link`, writing prices, flow and fills
    /// into `out` (see the crate docs for the algorithm and the price rule).
    /// `reference_price` (by region) is used where nothing in the books fixes a price,
    /// typically last tick's prices. The books are left as they are.
    ///
    /// # Errors
    /// Refuses NaN, infinite or negative quantities, prices, capacity, wedge, bounds or
    /// reference prices, a floor above the cap, and books whose totals overflow; `out` is
    /// then left untouched.
    pub fn clear(
        &mut self,
        link: Link,
        bounds: PriceBounds,
        reference_price: [f64; 2],
        out: &mut Clearing,
    ) -> Result<(), MarketError> {
        validate_scalars(link, bounds)?;
        let floor = bounds.floor_usd_per_kg + 0.0;
        let cap = bounds.cap_usd_per_kg + 0.0;
        let capacity = link.capacity_t + 0.0;
        let wedge = link.wedge_usd_per_kg + 0.0;
        // Each region's reference price, then its book (checked while the curve is built).
        for (r, (curve, book)) in self.curves.iter_mut().zip(&self.books).enumerate() {
            let region = Region::ALL[r];
            let value = reference_price[r];
            if !ok(value) {
                return Err(MarketError::ReferencePrice { region, value });
            }
            if !curve.build(book, floor, cap) {
                return Err(book_error(book, region));
            }
        }
        // The downward sums of both regions in one loop (see `Curve::finish`).
        Curve::finish(&mut self.curves);
        for (r, curve) in self.curves.iter().enumerate() {
            let region = Region::ALL[r];
            if !curve.offered().is_finite() {
                return Err(MarketError::QuantityOverflow {
                    region,
                    side: "offered",
                });
            }
            if !curve.bid().is_finite() {
                return Err(MarketError::QuantityOverflow {
                    region,
                    side: "bid",
                });
            }
        }
        let [cn, row] = &self.curves;

        let flow = find_flow(cn, row, capacity, wedge);
        let pos = [cn.locate_up(flow), row.locate_down(-flow)];
        let intervals = [
            cn.interval(pos[0], floor, cap),
            row.interval(pos[1], floor, cap),
        ];
        let reference = reference_price.map(|p| p.max(floor).min(cap));
        let price = select_prices(intervals, flow, capacity, wedge, reference, floor, cap);

        out.price_usd_per_kg = price;
        out.flow_t = flow;
        out.link_binding = flow >= capacity && price[1] - price[0] > wedge;
        let excess = [flow, -flow];
        for (r, (curve, book)) in self.curves.iter().zip(&self.books).enumerate() {
            let totals = curve.fill(
                book,
                pos[r],
                excess[r],
                &mut out.offer_fill_t[r],
                &mut out.bid_fill_t[r],
            );
            out.sold_t[r] = totals.sold;
            out.bought_t[r] = totals.bought;
            out.unsold_t[r] = (totals.offered - totals.sold).max(0.0);
            out.unmet_t[r] = (totals.bid - totals.bought).max(0.0);
        }
        Ok(())
    }
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

/// The first invalid offer or bid of a book that failed the check made while building its
/// curve (offers first, then bids; quantity before price).
fn book_error(book: &RegionBook, region: Region) -> MarketError {
    for (index, offer) in book.offers().iter().enumerate() {
        if !ok(offer.quantity_t) {
            return MarketError::OfferQuantity {
                region,
                index,
                value: offer.quantity_t,
            };
        }
        if !ok(offer.ask_usd_per_kg) {
            return MarketError::OfferAsk {
                region,
                index,
                value: offer.ask_usd_per_kg,
            };
        }
    }
    for (index, bid) in book.bids().iter().enumerate() {
        if !ok(bid.quantity_t) {
            return MarketError::BidQuantity {
                region,
                index,
                value: bid.quantity_t,
            };
        }
        if !ok(bid.reservation_usd_per_kg) {
            return MarketError::BidReservation {
                region,
                index,
                value: bid.reservation_usd_per_kg,
            };
        }
    }
    // Not reached: the curve refuses a book only when one of its values is invalid.
    MarketError::QuantityOverflow {
        region,
        side: "offered",
    }
}

/// The smallest surplus-maximising flow: raise the flow while the next tonne is worth more
/// in the rest of world than it costs in China plus the wedge, stopping at the capacity or
/// when either side runs out. Each step passes a boundary of one curve, so the loop ends
/// after at most (levels in China + levels in rest of world) steps.
fn find_flow(cn: &Curve, row: &Curve, capacity: f64, wedge: f64) -> f64 {
    let mut flow = 0.0;
    if capacity <= 0.0 {
        return flow;
    }
    // A guard against a float surprise; the argument above says it is never reached.
    for _ in 0..cn.level_count() + row.level_count() + 2 {
        let Some((cost, cn_next)) = cn.next_up(flow) else {
            break;
        };
        let Some((value, row_next)) = row.next_down(-flow) else {
            break;
        };
        if value - cost <= wedge {
            break;
        }
        let next = cn_next.min(-row_next);
        if next >= capacity {
            return capacity;
        }
        flow = next;
    }
    flow
}

/// The price rule (crate docs): each region picks in its own interval; if that breaks the
/// link condition for this flow, the spread is pinned to the wedge and the China price is
/// picked in the set of China prices consistent with both regions.
fn select_prices(
    iv: [Interval; 2],
    flow: f64,
    capacity: f64,
    wedge: f64,
    reference: [f64; 2],
    floor: f64,
    cap: f64,
) -> [f64; 2] {
    let own = [iv[0].pick(reference[0]), iv[1].pick(reference[1])];
    let spread = own[1] - own[0];
    let consistent = if capacity <= 0.0 {
        true // a closed link says nothing about the spread
    } else if flow >= capacity {
        spread >= wedge
    } else if flow <= 0.0 {
        spread <= wedge
    } else {
        false // 0 < flow < capacity: the spread must equal the wedge
    };
    if consistent {
        return own;
    }
    let (lo, lo_hard) = tighter(
        iv[0].lo,
        iv[0].lo_hard,
        iv[1].lo - wedge,
        iv[1].lo_hard,
        true,
    );
    let (hi, hi_hard) = tighter(
        iv[0].hi,
        iv[0].hi_hard,
        iv[1].hi - wedge,
        iv[1].hi_hard,
        false,
    );
    let joint = Interval {
        lo,
        hi: hi.max(lo), // empty only by rounding
        lo_hard,
        hi_hard,
    };
    let cn = joint
        .pick(0.5 * reference[0] + 0.5 * (reference[1] - wedge))
        .max(floor)
        .min(cap);
    let row = (cn + wedge).max(floor).min(cap);
    [cn, row]
}

/// The tighter of two interval ends (the larger for a lower end), hard if it comes from an
/// item's price; on a tie, hard if either is.
fn tighter(a: f64, a_hard: bool, b: f64, b_hard: bool, lower: bool) -> (f64, bool) {
    if a == b {
        (a, a_hard || b_hard)
    } else if (a > b) == lower {
        (a, a_hard)
    } else {
        (b, b_hard)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tighter_picks_the_binding_end() {
        assert_eq!(tighter(1.0, false, 2.0, true, true), (2.0, true));
        assert_eq!(tighter(1.0, false, 2.0, true, false), (1.0, false));
        assert_eq!(tighter(2.0, false, 2.0, true, true), (2.0, true));
    }

    #[test]
    fn spread_is_pinned_when_own_picks_break_an_open_link() {
        // China only bids at 50 (interval [50, 1000], soft above), rest of world empty;
        // references 45 and 60; wedge 5. Own picks 50 and 60: spread 10 > 5 with no flow,
        // so pin: China in [50, 995], soft above -> reference (45 + 55) / 2 = 50 -> 50, 55.
        let iv = [
            Interval {
                lo: 50.0,
                hi: 1000.0,
                lo_hard: true,
                hi_hard: false,
            },
            Interval {
                lo: 0.0,
                hi: 1000.0,
                lo_hard: false,
                hi_hard: false,
            },
        ];
        let p = select_prices(iv, 0.0, 100.0, 5.0, [45.0, 60.0], 0.0, 1000.0);
        assert_eq!(p, [50.0, 55.0]);
    }
}
