//! One region's merged merit-order curve, rebuilt in place every clearing.
//!
//! Offers and bids of a region are sorted by effective price (ask raised to the floor,
//! reservation lowered to the cap) and merged into *levels*: the distinct prices, each with
//! the tonnes offered (`qo`) and bid (`qb`) at exactly that price. Walking the levels upward,
//! an offer switches from unsold to sold and a bid from served to unserved as the price
//! passes its level, so the region's *excess supply* (sold − bought) is a step curve whose
//! *boundaries* are
//!
//! `bounds[k] = so_below[k] − db_from[k]`, for `k = 0..=m`,
//!
//! with `so_below[k]` the tonnes offered at levels `< k` and `db_from[k]` the tonnes bid at
//! levels `>= k`. Level `k` spans the excess-supply interval `[bounds[k], bounds[k + 1]]`;
//! at an excess supply strictly inside it the price is level `k`'s price, at a boundary the
//! price may be anything between the neighbouring levels' prices. `bounds` is non-decreasing
//! even in floating point (rounding is monotone).
//!
//! A region exporting `e` t (China: `e = flow`; rest of world: `e = −flow`) sits at excess
//! supply `e`. Positions within `tol` (1e-12 of the region's volume) of a boundary snap to
//! it, so sums that differ only by rounding do not produce slivers of partial fills.
//!
//! Items are sorted by value only — (effective price, quantity), the index breaking ties
//! between identical items — so every sum is formed in an order that does not depend on the
//! order the items were pushed in.

use crate::book::RegionBook;

/// Marks an item that cannot trade: sorts after every eligible item.
const INELIGIBLE: u64 = 1 << 63;

/// An offer or bid, reduced to sort keys. For an eligible item `key` is the bit pattern of
/// its effective price (non-negative, so bit order is numeric order).
#[derive(Debug, Clone, Copy)]
struct Item {
    key: u64,
    qty_bits: u64,
    idx: usize,
}

impl Item {
    fn price(self) -> f64 {
        f64::from_bits(self.key)
    }

    fn qty(self) -> f64 {
        f64::from_bits(self.qty_bits)
    }
}

/// One distinct effective price of a region.
#[derive(Debug, Clone, Copy)]
struct Level {
    /// Effective price, USD/kg.
    price: f64,
    /// Tonnes offered at this price.
    qo: f64,
    /// Tonnes bid at this price.
    qb: f64,
    /// Sorted offers of this level are `offers[o_start..o_end]`.
    o_start: usize,
    o_end: usize,
    /// Sorted bids of this level are `bids[b_start..b_end]`.
    b_start: usize,
    b_end: usize,
}

/// Where a region's excess supply lies on its curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Position {
    /// Strictly inside level `k`: the price is that level's, its items may fill partially.
    Inside(usize),
    /// On boundary `b`, between levels `b − 1` and `b`: levels below are wholly on the supply
    /// side (offers sold, bids unserved), levels from `b` up wholly on the demand side.
    At(usize),
}

/// The set of prices a region may take at a position, with whether each end comes from an
/// item's price (`hard`) or only from the price floor or cap (soft).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Interval {
    pub(crate) lo: f64,
    pub(crate) hi: f64,
    pub(crate) lo_hard: bool,
    pub(crate) hi_hard: bool,
}

impl Interval {
    /// The price rule: the midpoint when both ends come from items, otherwise the
    /// reference price clamped into the interval.
    pub(crate) fn pick(self, reference: f64) -> f64 {
        if self.lo_hard && self.hi_hard {
            self.lo + (self.hi - self.lo) * 0.5
        } else {
            reference.max(self.lo).min(self.hi)
        }
    }
}

/// Tonnes sold and bought in a region, from the level sums.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Totals {
    pub(crate) sold: f64,
    pub(crate) bought: f64,
    pub(crate) offered: f64,
    pub(crate) bid: f64,
}

/// Scratch for one region; every buffer is cleared and refilled, never shrunk.
#[derive(Debug, Clone, Default)]
pub(crate) struct Curve {
    offers: Vec<Item>,
    bids: Vec<Item>,
    n_offers: usize,
    n_bids: usize,
    levels: Vec<Level>,
    so_below: Vec<f64>,
    db_from: Vec<f64>,
    bounds: Vec<f64>,
    /// All offered tonnes, eligible or not.
    offered: f64,
    /// All bid tonnes, eligible or not.
    bid: f64,
    tol: f64,
}

impl Curve {
    /// Rebuilds the curve from `book` under the price bounds. Inputs must be validated
    /// (finite, non-negative, `floor <= cap`); `-0.0` is fine.
    pub(crate) fn build(&mut self, book: &RegionBook, floor: f64, cap: f64) {
        self.offers.clear();
        for (idx, offer) in book.offers().iter().enumerate() {
            let qty = offer.quantity_t + 0.0; // turns -0.0 into +0.0
            let ask = offer.ask_usd_per_kg + 0.0;
            let key = if qty > 0.0 && ask <= cap {
                ask.max(floor).to_bits()
            } else {
                INELIGIBLE | ask.to_bits()
            };
            self.offers.push(Item {
                key,
                qty_bits: qty.to_bits(),
                idx,
            });
        }
        self.bids.clear();
        for (idx, bid) in book.bids().iter().enumerate() {
            let qty = bid.quantity_t + 0.0;
            let res = bid.reservation_usd_per_kg + 0.0;
            let key = if qty > 0.0 && res >= floor {
                res.min(cap).to_bits()
            } else {
                INELIGIBLE | res.to_bits()
            };
            self.bids.push(Item {
                key,
                qty_bits: qty.to_bits(),
                idx,
            });
        }
        self.offers
            .sort_unstable_by_key(|it| (it.key, it.qty_bits, it.idx));
        self.bids.sort_unstable_by_key(|it| (it.key, it.qty_bits, it.idx));
        self.n_offers = self.offers.partition_point(|it| it.key & INELIGIBLE == 0);
        self.n_bids = self.bids.partition_point(|it| it.key & INELIGIBLE == 0);

        // Merge the eligible offers and bids into levels of equal price.
        self.levels.clear();
        let (mut i, mut j) = (0, 0);
        while i < self.n_offers || j < self.n_bids {
            let next_offer = (i < self.n_offers).then(|| self.offers[i].price());
            let next_bid = (j < self.n_bids).then(|| self.bids[j].price());
            let price = match (next_offer, next_bid) {
                (Some(a), Some(b)) => a.min(b),
                (Some(a), None) => a,
                (None, Some(b)) => b,
                (None, None) => break,
            };
            let (o_start, b_start) = (i, j);
            let mut qo = 0.0;
            while i < self.n_offers && self.offers[i].price() == price {
                qo += self.offers[i].qty();
                i += 1;
            }
            let mut qb = 0.0;
            while j < self.n_bids && self.bids[j].price() == price {
                qb += self.bids[j].qty();
                j += 1;
            }
            self.levels.push(Level {
                price,
                qo,
                qb,
                o_start,
                o_end: i,
                b_start,
                b_end: j,
            });
        }

        let m = self.levels.len();
        self.so_below.clear();
        self.so_below.push(0.0);
        let mut acc = 0.0;
        for level in &self.levels {
            acc += level.qo;
            self.so_below.push(acc);
        }
        self.db_from.clear();
        self.db_from.resize(m + 1, 0.0);
        let mut acc = 0.0;
        for k in (0..m).rev() {
            acc += self.levels[k].qb;
            self.db_from[k] = acc;
        }
        self.bounds.clear();
        self.bounds.extend(
            self.so_below
                .iter()
                .zip(&self.db_from)
                .map(|(&s, &d)| s - d),
        );

        let supply = self.so_below[m];
        let demand = self.db_from[0];
        self.offered = self.offers[self.n_offers..]
            .iter()
            .fold(supply, |acc, it| acc + it.qty());
        self.bid = self.bids[self.n_bids..]
            .iter()
            .fold(demand, |acc, it| acc + it.qty());
        self.tol = 1e-12 * supply + 1e-12 * demand;
    }

    /// All offered tonnes (eligible or not); infinite only if the book overflows.
    pub(crate) fn offered(&self) -> f64 {
        self.offered
    }

    /// All bid tonnes (eligible or not); infinite only if the book overflows.
    pub(crate) fn bid(&self) -> f64 {
        self.bid
    }

    /// Number of levels.
    pub(crate) fn level_count(&self) -> usize {
        self.levels.len()
    }

    /// Position of excess supply `e`, snapping to the *highest* boundary within `tol`: the
    /// view of a region whose excess supply is rising (China as the flow grows).
    pub(crate) fn locate_up(&self, e: f64) -> Position {
        let m = self.levels.len();
        let count = self.bounds.partition_point(|&x| x <= e + self.tol);
        let Some(j) = count.checked_sub(1) else {
            return Position::At(0); // below the curve: only by rounding
        };
        if self.bounds[j] >= e - self.tol || j >= m {
            Position::At(j.min(m))
        } else {
            Position::Inside(j)
        }
    }

    /// Position of excess supply `e`, snapping to the *lowest* boundary within `tol`: the
    /// view of a region whose excess supply is falling (rest of world as the flow grows).
    pub(crate) fn locate_down(&self, e: f64) -> Position {
        let m = self.levels.len();
        let b = self.bounds.partition_point(|&x| x < e - self.tol);
        match self.bounds.get(b) {
            None => Position::At(m), // above the curve: only by rounding
            Some(&x) if x <= e + self.tol => Position::At(b),
            Some(_) => match b.checked_sub(1) {
                Some(k) => Position::Inside(k),
                None => Position::At(0),
            },
        }
    }

    /// Moving up from `e`: the price of the level being entered and the excess supply at
    /// its top; `None` when no offer is left to sell and no bid left to drop.
    pub(crate) fn next_up(&self, e: f64) -> Option<(f64, f64)> {
        let k = match self.locate_up(e) {
            Position::Inside(k) => k,
            Position::At(b) => b,
        };
        let level = self.levels.get(k)?;
        Some((level.price, *self.bounds.get(k + 1)?))
    }

    /// Moving down from `e`: the price of the level being entered and the excess supply at
    /// its bottom; `None` when no bid is left to serve and no offer left to withdraw.
    pub(crate) fn next_down(&self, e: f64) -> Option<(f64, f64)> {
        let k = match self.locate_down(e) {
            Position::Inside(k) => k,
            Position::At(b) => b.checked_sub(1)?,
        };
        let level = self.levels.get(k)?;
        Some((level.price, *self.bounds.get(k)?))
    }

    /// The prices consistent with `pos`, within `[floor, cap]`.
    pub(crate) fn interval(&self, pos: Position, floor: f64, cap: f64) -> Interval {
        match pos {
            Position::Inside(k) => {
                let p = self.levels.get(k).map_or(floor, |l| l.price);
                Interval {
                    lo: p,
                    hi: p,
                    lo_hard: true,
                    hi_hard: true,
                }
            }
            Position::At(b) => {
                let below = b.checked_sub(1).and_then(|k| self.levels.get(k));
                let above = self.levels.get(b);
                Interval {
                    lo: below.map_or(floor, |l| l.price),
                    hi: above.map_or(cap, |l| l.price),
                    lo_hard: below.is_some(),
                    hi_hard: above.is_some(),
                }
            }
        }
    }

    /// Writes the fills at `pos` for excess supply `e` into `offer_fill` and `bid_fill`
    /// (indexed like the book; entries of items that do not trade are left as they are, so
    /// pass zeroed slices) and returns the region's totals.
    ///
    /// Levels below the position sell all their offers and serve none of their bids, levels
    /// above serve all bids and sell no offers. In the marginal level (only when `pos` is
    /// `Inside`) the offers sell `s` and the bids get `d` with `s − d` set by `e`, as much
    /// trade as possible inside the level, shared pro rata by quantity on each side.
    pub(crate) fn fill(
        &self,
        pos: Position,
        e: f64,
        offer_fill: &mut [f64],
        bid_fill: &mut [f64],
    ) -> Totals {
        let m = self.levels.len();
        let (first_marginal, first_above) = match pos {
            Position::Inside(k) => (k.min(m), (k + 1).min(m)),
            Position::At(b) => (b.min(m), b.min(m)),
        };
        let offers_below = self
            .levels
            .get(first_marginal)
            .map_or(self.n_offers, |l| l.o_start);
        let bids_above = self
            .levels
            .get(first_above)
            .map_or(self.n_bids, |l| l.b_start);
        for it in &self.offers[..offers_below] {
            offer_fill[it.idx] = it.qty();
        }
        for it in &self.bids[bids_above..self.n_bids] {
            bid_fill[it.idx] = it.qty();
        }
        let mut sold = self.so_below[first_marginal];
        let mut bought = self.db_from[first_above];
        if let (Position::Inside(_), Some(level)) = (pos, self.levels.get(first_marginal)) {
            // s − d = e − (offers below) + (bids above); maximise s, then clamp for rounding.
            let z = e - self.so_below[first_marginal] + self.db_from[first_above];
            let s = level.qo.min(level.qb + z).max(0.0);
            let d = (s - z).max(0.0).min(level.qb);
            if level.qo > 0.0 {
                let ratio = (s / level.qo).min(1.0);
                for it in &self.offers[level.o_start..level.o_end] {
                    offer_fill[it.idx] = it.qty() * ratio;
                }
            }
            if level.qb > 0.0 {
                let ratio = (d / level.qb).min(1.0);
                for it in &self.bids[level.b_start..level.b_end] {
                    bid_fill[it.idx] = it.qty() * ratio;
                }
            }
            sold += s;
            bought += d;
        }
        Totals {
            sold,
            bought,
            offered: self.offered,
            bid: self.bid,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::{Bid, Offer};

    fn curve(offers: &[(f64, f64)], bids: &[(f64, f64)]) -> Curve {
        let mut book = RegionBook::new();
        for &(q, a) in offers {
            book.push_offer(Offer::new(q, a));
        }
        for &(q, r) in bids {
            book.push_bid(Bid::new(q, r));
        }
        let mut c = Curve::default();
        c.build(&book, 0.0, 1000.0);
        c
    }

    #[test]
    fn bounds_of_a_small_book() {
        // Levels 10 (offer 40), 20 (bid 10): bounds -10, 30, 40.
        let c = curve(&[(40.0, 10.0)], &[(10.0, 20.0)]);
        assert_eq!(c.bounds, vec![-10.0, 30.0, 40.0]);
        assert_eq!(c.locate_up(0.0), Position::Inside(0));
        assert_eq!(c.locate_up(30.0), Position::At(1));
        assert_eq!(c.locate_down(30.0), Position::At(1));
        assert_eq!(c.locate_up(40.0), Position::At(2));
        assert_eq!(c.next_up(30.0), Some((20.0, 40.0)));
        assert_eq!(c.next_up(40.0), None);
        assert_eq!(c.next_down(-10.0), None);
        assert_eq!(c.next_down(0.0), Some((10.0, -10.0)));
    }

    #[test]
    fn tiny_levels_snap_in_the_direction_of_travel() {
        // Levels 10 (offer 1), 11 (offer 1e-15), 12 (offer 1): bounds 0, 1, 1+1e-15, 2.
        let c = curve(&[(1.0, 10.0), (1e-15, 11.0), (1.0, 12.0)], &[]);
        assert_eq!(c.locate_up(1.0), Position::At(2));
        assert_eq!(c.locate_down(1.0), Position::At(1));
    }

    #[test]
    fn empty_curve_is_one_boundary() {
        let c = curve(&[], &[]);
        assert_eq!(c.locate_up(0.0), Position::At(0));
        assert_eq!(c.locate_down(0.0), Position::At(0));
        assert_eq!(c.next_up(0.0), None);
        assert_eq!(c.next_down(0.0), None);
        let iv = c.interval(Position::At(0), 5.0, 50.0);
        assert_eq!(iv.pick(70.0), 50.0);
    }
}
