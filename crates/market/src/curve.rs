//! One region's merged merit-order curve, rebuilt in place every clearing.
//!
//! Offers and bids of a region are sorted together by effective price (ask raised to the
//! floor, reservation lowered to the cap) and grouped into *levels*: the distinct prices,
//! each with the tonnes offered (`qo`) and bid (`qb`) at exactly that price. Walking the
//! levels upward, an offer switches from unsold to sold and a bid from served to unserved
//! as the price passes its level, so the region's *excess supply* (sold − bought) is a step
//! curve whose *boundaries* are
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
//! Items are ordered by value only — (effective price, side, quantity), the book index
//! breaking ties between identical items — so every sum is formed in an order that does
//! not depend on the order the items were pushed in.

use crate::book::RegionBook;

/// An offer or bid reduced to its sort key and its index: `idx` is the offer's index in
/// the book, or the number of offers plus the bid's index. For a tradable item `key` is
/// the bit pattern of its effective price — non-negative, so bit order is numeric order and
/// the sign bit is zero, which leaves room — shifted left by one, with the low bit 0 for an
/// offer and 1 for a bid: at one price, offers sort before bids. Idle items get
/// [`IDLE_OFFER`] or [`IDLE_BID`]. 16 bytes: sorting dominates the cost of a clearing.
#[derive(Debug, Clone, Copy)]
struct Item {
    key: u64,
    idx: usize,
}

impl Item {
    fn new(price: f64, is_bid: bool, idx: usize) -> Self {
        Item {
            key: (price.to_bits() << 1) | u64::from(is_bid),
            idx,
        }
    }

    fn is_bid(self) -> bool {
        self.key & 1 == 1
    }

    fn price_bits(self) -> u64 {
        self.key >> 1
    }
}

/// Key of an offer that cannot trade: above every tradable key (a finite non-negative
/// price's bits are below `0x7FF0…`, so tradable keys are below `0xFFE0…`).
const IDLE_OFFER: u64 = u64::MAX - 1;
/// Key of a bid that cannot trade.
const IDLE_BID: u64 = u64::MAX;

/// Sorts `items` by key, then each run of equal keys by (quantity, index), so that every
/// later sum over the sorted items is formed in an order fixed by the values alone; writes
/// the quantities in sorted order into `sorted_qty`. `qty` holds them by item index.
fn sort_items(items: &mut [Item], qty: &[f64], sorted_qty: &mut Vec<f64>) {
    items.sort_unstable_by_key(|it| it.key);
    let quantity = |it: &Item| qty.get(it.idx).copied().unwrap_or(0.0);
    sorted_qty.clear();
    sorted_qty.extend(items.iter().map(quantity));
    // Runs of equal keys are rare: find them in one pass and fix them up.
    let mut k = 1;
    while k < items.len() {
        if items[k].key != items[k - 1].key {
            k += 1;
            continue;
        }
        let start = k - 1;
        let key = items[start].key;
        let end = start
            + items[start..]
                .iter()
                .position(|it| it.key != key)
                .unwrap_or(items.len() - start);
        items[start..end].sort_unstable_by_key(|it| (quantity(it).to_bits(), it.idx));
        for (q, it) in sorted_qty[start..end].iter_mut().zip(&items[start..end]) {
            *q = quantity(it);
        }
        k = end + 1;
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
    /// The level's items are `items[start..end]`, offers first.
    start: usize,
    end: usize,
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
    /// All offers and bids, sorted: the tradable ones by price, then the idle ones (nothing
    /// offered or bid, offer above the cap, bid below the floor), sorted only so that their
    /// tonnes add up in a fixed order.
    items: Vec<Item>,
    /// Quantities of `items`, in sorted order, in t.
    qty: Vec<f64>,
    /// Quantities in book order (offers, then bids), in t.
    qty_in: Vec<f64>,
    /// Fills in book order (offers, then bids), in t.
    fill_in: Vec<f64>,
    /// Number of offers in the book.
    n_book_offers: usize,
    /// Number of tradable items, at the front of `items`.
    n_tradable: usize,
    levels: Vec<Level>,
    so_below: Vec<f64>,
    db_from: Vec<f64>,
    bounds: Vec<f64>,
    /// All offered tonnes, tradable or not.
    offered: f64,
    /// All bid tonnes, tradable or not.
    bid: f64,
    tol: f64,
}

impl Curve {
    /// Rebuilds the curve from `book` under the price bounds. Inputs must be validated
    /// (finite, non-negative, `floor <= cap`); `-0.0` is fine.
    pub(crate) fn build(&mut self, book: &RegionBook, floor: f64, cap: f64) {
        let (offers, bids) = (book.offers(), book.bids());
        self.n_book_offers = offers.len();
        // Quantities in book order, offers then bids; items refer to them by `idx`.
        self.qty_in.clear();
        self.qty_in
            .extend(offers.iter().map(|o| o.quantity_t + 0.0)); // turns -0.0 into +0.0
        self.qty_in.extend(bids.iter().map(|b| b.quantity_t + 0.0));
        self.items.clear();
        self.items
            .extend(offers.iter().enumerate().map(|(idx, offer)| {
                let ask = offer.ask_usd_per_kg + 0.0;
                if offer.quantity_t > 0.0 && ask <= cap {
                    Item::new(ask.max(floor), false, idx)
                } else {
                    Item {
                        key: IDLE_OFFER,
                        idx,
                    }
                }
            }));
        let first_bid = offers.len();
        self.items.extend(bids.iter().enumerate().map(|(idx, bid)| {
            let res = bid.reservation_usd_per_kg + 0.0;
            if bid.quantity_t > 0.0 && res >= floor {
                Item::new(res.min(cap), true, first_bid + idx)
            } else {
                Item {
                    key: IDLE_BID,
                    idx: first_bid + idx,
                }
            }
        }));
        sort_items(&mut self.items, &self.qty_in, &mut self.qty);
        let n = self.items.partition_point(|it| it.key < IDLE_OFFER);
        self.n_tradable = n;

        // Group into levels: at each price, offers first (low bit 0), then bids. Adding 0.0
        // to the other side's sum leaves it exactly as it was.
        self.levels.clear();
        let mut level: Option<Level> = None;
        for (k, (it, &q)) in self.items[..n].iter().zip(&self.qty[..n]).enumerate() {
            let price = f64::from_bits(it.price_bits());
            let bid = it.is_bid();
            let (qo, qb) = if bid { (0.0, q) } else { (q, 0.0) };
            match &mut level {
                Some(l) if l.price == price => {
                    l.qo += qo;
                    l.qb += qb;
                    l.end = k + 1;
                }
                _ => {
                    self.levels.extend(level);
                    level = Some(Level {
                        price,
                        qo,
                        qb,
                        start: k,
                        end: k + 1,
                    });
                }
            }
        }
        self.levels.extend(level);

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
        for (level, from) in self.levels.iter().zip(&mut self.db_from).rev() {
            acc += level.qb;
            *from = acc;
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
        let (mut offered, mut bid) = (supply, demand);
        for (it, &q) in self.items[n..].iter().zip(&self.qty[n..]) {
            if it.is_bid() {
                bid += q;
            } else {
                offered += q;
            }
        }
        self.offered = offered;
        self.bid = bid;
        self.tol = 1e-12 * supply + 1e-12 * demand;
    }

    /// All offered tonnes (tradable or not); infinite only if the book overflows.
    pub(crate) fn offered(&self) -> f64 {
        self.offered
    }

    /// All bid tonnes (tradable or not); infinite only if the book overflows.
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
    /// (replacing their contents; indexed like the book) and returns the region's totals.
    ///
    /// Levels below the position sell all their offers and serve none of their bids, levels
    /// above serve all bids and sell no offers. In the marginal level (only when `pos` is
    /// `Inside`) the offers sell `s` and the bids get `d` with `s − d` set by `e`, as much
    /// trade as possible inside the level, shared pro rata by quantity on each side.
    pub(crate) fn fill(
        &mut self,
        pos: Position,
        e: f64,
        offer_fill: &mut Vec<f64>,
        bid_fill: &mut Vec<f64>,
    ) -> Totals {
        let m = self.levels.len();
        let (first_marginal, first_above) = match pos {
            Position::Inside(k) => (k.min(m), (k + 1).min(m)),
            Position::At(b) => (b.min(m), b.min(m)),
        };
        let n = self.n_tradable;
        let below_end = self.levels.get(first_marginal).map_or(n, |l| l.start);
        let above_start = self.levels.get(first_above).map_or(n, |l| l.start);
        let fill = &mut self.fill_in;
        fill.clear();
        fill.resize(self.qty_in.len(), 0.0);
        // Below the position offers sell in full and bids get nothing; above, the reverse.
        for (it, &q) in self.items[..below_end].iter().zip(&self.qty) {
            fill[it.idx] = if it.is_bid() { 0.0 } else { q };
        }
        let above = self.items[above_start..n]
            .iter()
            .zip(&self.qty[above_start..n]);
        for (it, &q) in above {
            fill[it.idx] = if it.is_bid() { q } else { 0.0 };
        }
        let mut sold = self.so_below[first_marginal];
        let mut bought = self.db_from[first_above];
        if let (Position::Inside(_), Some(level)) = (pos, self.levels.get(first_marginal)) {
            // s − d = e − (offers below) + (bids above); maximise s, then clamp for rounding.
            let z = e - self.so_below[first_marginal] + self.db_from[first_above];
            let s = level.qo.min(level.qb + z).max(0.0);
            let d = (s - z).max(0.0).min(level.qb);
            let offer_ratio = if level.qo > 0.0 {
                (s / level.qo).min(1.0)
            } else {
                0.0
            };
            let bid_ratio = if level.qb > 0.0 {
                (d / level.qb).min(1.0)
            } else {
                0.0
            };
            let range = level.start..level.end;
            for (it, &q) in self.items[range.clone()].iter().zip(&self.qty[range]) {
                fill[it.idx] = q * if it.is_bid() { bid_ratio } else { offer_ratio };
            }
            sold += s;
            bought += d;
        }
        let (offers_part, bids_part) = fill.split_at(self.n_book_offers.min(fill.len()));
        offer_fill.clear();
        offer_fill.extend_from_slice(offers_part);
        bid_fill.clear();
        bid_fill.extend_from_slice(bids_part);
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
