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
//! Items are ordered by value only — (effective price, side, quantity) — so every sum is
//! formed in an order that does not depend on the order the items were pushed in. Items
//! equal in all three contribute the same tonnes and get the same fill, so their relative
//! order changes nothing.
//!
//! # Keeping the merit order sorted between ticks
//!
//! A caller that rebuilds the same kinds of orders every tick (the simulation does) pushes
//! books of the same shape whose merit order moves little from one tick to the next. The
//! curve keeps the sorted order of the last clearing; when the next book has as many offers
//! and bids, its items are laid out in that order and insertion-sorted, which costs one
//! pass when the order still holds and a few moves when it nearly does. When the order has
//! changed a lot (more moves than a small multiple of the book), or the shape differs, a
//! general sort takes over: the result is the same sorted order either way.

use crate::book::RegionBook;

/// An offer or bid reduced to its sort key, its quantity and its index: `idx` is the
/// offer's index in the book, or the number of offers plus the bid's index. For a tradable
/// item `key` is the bit pattern of its effective price — non-negative, so bit order is
/// numeric order and the sign bit is zero, which leaves room — shifted left by one, with the
/// low bit 0 for an offer and 1 for a bid: at one price, offers sort before bids. Idle
/// items get [`IDLE_OFFER`] or [`IDLE_BID`]. Ties are broken by the quantity, non-negative
/// too, so its bit pattern orders like its value.
#[derive(Debug, Clone, Copy)]
struct Item {
    key: u64,
    /// Quantity, in t (`+0.0` for `-0.0`).
    q: f64,
    idx: usize,
}

impl Item {
    fn is_bid(self) -> bool {
        self.key & 1 == 1
    }

    fn price_bits(self) -> u64 {
        self.key >> 1
    }

    /// The sort rank: key, then quantity.
    fn rank(self) -> u128 {
        (u128::from(self.key) << 64) | u128::from(self.q.to_bits())
    }
}

/// Key of an offer that cannot trade: above every tradable key (a finite non-negative
/// price's bits are below `0x7FF0…`, so tradable keys are below `0xFFE0…`). Its low bit is
/// 0, the side of an offer.
const IDLE_OFFER: u64 = u64::MAX - 1;
/// Key of a bid that cannot trade: `IDLE_OFFER` with the low bit (the side) set.
const IDLE_BID: u64 = u64::MAX;
const _: () = assert!(IDLE_OFFER | 1 == IDLE_BID);

/// Bit pattern of `+inf`: a value `x + 0.0` is finite and non-negative exactly when its
/// bits are below it (negative numbers have the sign bit set, NaNs lie above `+inf`).
const INF_BITS: u64 = 0x7FF0_0000_0000_0000;

/// What the pass that builds the items learns on the way: the worst bit pattern of every
/// quantity and price (`+ 0.0` turns `-0.0` into `+0.0`; all are finite and non-negative
/// exactly when it is below [`INF_BITS`]), the smallest and largest tradable key, and how
/// many items rank below the one before them.
#[derive(Debug, Clone, Copy)]
struct Scan {
    worst: u64,
    lo: u64,
    hi: u64,
    descents: usize,
    last: u128,
}

impl Scan {
    fn new() -> Scan {
        Scan {
            worst: 0,
            lo: u64::MAX,
            hi: 0,
            descents: 0,
            last: 0,
        }
    }

    /// The item of an offer (`side` 0) or bid (`side` 1) of quantity `q` at price `p`. An
    /// offer trades if it asks at most the cap, a bid if it bids at least the floor, and a
    /// tradable item's effective price is its price clamped into `[floor, cap]` (for an
    /// offer the cap, for a bid the floor, never binds).
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn item(&mut self, q: f64, p: f64, side: u64, idx: usize, floor: f64, cap: f64) -> Item {
        let (q, p) = (q + 0.0, p + 0.0);
        self.worst = self.worst.max(q.to_bits()).max(p.to_bits());
        let in_bounds = if side == 0 { p <= cap } else { p >= floor };
        let effective = if p < floor {
            floor
        } else if p > cap {
            cap
        } else {
            p
        };
        let tradable = q > 0.0 && in_bounds;
        let key = if tradable {
            (effective.to_bits() << 1) | side
        } else {
            IDLE_OFFER | side
        };
        if tradable {
            self.lo = self.lo.min(key);
            self.hi = self.hi.max(key);
        }
        let it = Item { key, q, idx };
        let rank = it.rank();
        self.descents += usize::from(rank < self.last);
        self.last = rank;
        it
    }
}

/// Books up to this size are sorted by the standard library's sort when they are not
/// nearly sorted already; larger ones by [`bucket_sort`].
const SMALL_BOOK: usize = 64;

/// Sorts `items` by rank, using `room`; `scan` is what building
/// them found. Items laid out in last clearing's order with few neighbours out of order
/// (`nearly_sorted`) get an insertion sort, one pass plus a move per inversion (giving up
/// once the moves exceed a few per item). Otherwise small books go to the standard sort
/// and large ones to a bucket sort. Every path gives the same order (items equal in rank
/// are interchangeable).
fn sort_items(items: &mut Vec<Item>, room: &mut SortRoom, scan: &Scan, nearly_sorted: bool) {
    let n = items.len();
    if scan.descents == 0 {
        return;
    }
    if nearly_sorted && scan.descents <= n / 8 + 2 && insertion_sort_bounded(items, 4 * n + 16) {
        return;
    }
    if n <= SMALL_BOOK {
        items.sort_unstable_by_key(|it| it.rank());
    } else {
        bucket_sort(items, room, scan.lo, scan.hi);
    }
}

/// Sorts a large book in a few linear passes: tradable items are spread over about one
/// bucket per item by the leading bits of their key's offset from the smallest key `lo`
/// (bit order is price order; `hi` is the largest), idle items go to a last bucket, and
/// each bucket holding more than one item is then sorted on its own (insertion sort when
/// small, the standard sort when keys crowd into it). `room` holds each item's bucket.
fn bucket_sort(items: &mut Vec<Item>, room: &mut SortRoom, lo: u64, hi: u64) {
    let n = items.len();
    // About two buckets per item; an offset `x` from `lo` goes to bucket
    // `x * buckets / (spread + 1)`, computed as a 128-bit product.
    let buckets = 2 * n;
    let spread = u128::from(hi.saturating_sub(lo)) + 1;
    let scale = ((buckets as u128) << 64) / spread;
    let SortRoom {
        scratch,
        counts,
        bucket_of,
    } = room;
    counts.clear();
    counts.resize(buckets + 1, 0);
    bucket_of.clear();
    bucket_of.extend(items.iter().map(|it| {
        let b = if it.key < IDLE_OFFER {
            ((u128::from(it.key.wrapping_sub(lo)) * scale) >> 64) as u32
        } else {
            buckets as u32
        };
        b.min(buckets as u32)
    }));
    for &b in bucket_of.iter() {
        if let Some(c) = counts.get_mut(b as usize) {
            *c += 1;
        }
    }
    let mut start = 0;
    for c in counts.iter_mut() {
        let size = *c;
        *c = start;
        start += size;
    }
    // Now `counts[b]` is where bucket `b` starts; the scatter moves it to where it ends.
    // Every slot of `scratch` is written once, so what it held before does not matter.
    scratch.resize(
        n,
        Item {
            key: 0,
            q: 0.0,
            idx: 0,
        },
    );
    for (it, &b) in items.iter().zip(bucket_of.iter()) {
        if let Some(slot) = counts.get_mut(b as usize)
            && let Some(place) = scratch.get_mut(*slot as usize)
        {
            *place = *it;
            *slot += 1;
        }
    }
    std::mem::swap(items, scratch);
    let mut start = 0;
    for &end in counts.iter() {
        let end = end as usize;
        if end > start + 1
            && let Some(run) = items.get_mut(start..end)
        {
            match run {
                [a, b] => {
                    if a.rank() > b.rank() {
                        std::mem::swap(a, b);
                    }
                }
                _ if run.len() <= 16 => {
                    insertion_sort_bounded(run, usize::MAX);
                }
                _ => run.sort_unstable_by_key(|it| it.rank()),
            }
        }
        start = end;
    }
}

/// Room a large book's sort reuses from clearing to clearing.
#[derive(Debug, Clone, Default)]
struct SortRoom {
    /// The items, scattered into buckets.
    scratch: Vec<Item>,
    /// Items per bucket, then where each bucket starts and ends.
    counts: Vec<u32>,
    /// Each item's bucket.
    bucket_of: Vec<u32>,
}

/// Insertion sort that stops after `budget` moves; returns whether it finished.
fn insertion_sort_bounded(items: &mut [Item], budget: usize) -> bool {
    let mut moves = 0;
    for i in 1..items.len() {
        let x = items[i];
        let rank = x.rank();
        if items[i - 1].rank() <= rank {
            continue;
        }
        let mut j = i;
        while j > 0 && items[j - 1].rank() > rank {
            items[j] = items[j - 1];
            j -= 1;
        }
        items[j] = x;
        moves += i - j;
        if moves > budget {
            return false;
        }
    }
    true
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
    /// tonnes add up in a fixed order. Kept between clearings as the starting order of the
    /// next one.
    items: Vec<Item>,
    /// Room for the bucket sort of large books.
    room: SortRoom,
    /// Number of offers and of bids in the book `items` was built from.
    book_shape: (usize, usize),
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
    /// Rebuilds the curve from `book` under the price bounds (`floor <= cap`, both finite
    /// and non-negative). Returns `false`, leaving the curve unusable until the next build,
    /// if an offer or bid has a NaN, infinite or negative quantity or price; `-0.0` is fine.
    pub(crate) fn build(&mut self, book: &RegionBook, floor: f64, cap: f64) -> bool {
        let (offers, bids) = (book.offers(), book.bids());
        let n_offers = offers.len();
        let mut scan = Scan::new();
        let shape = (n_offers, bids.len());
        // Same shape as last time: `items` holds a permutation of the indices, in last
        // clearing's sorted order; rebuild each item in place.
        let warm = shape == self.book_shape && self.items.len() == n_offers + bids.len();
        if warm {
            for it in &mut self.items {
                let idx = it.idx;
                *it = match offers.get(idx) {
                    Some(o) => scan.item(o.quantity_t, o.ask_usd_per_kg, 0, idx, floor, cap),
                    None => {
                        let b = bids.get(idx - n_offers).copied().unwrap_or_default();
                        scan.item(b.quantity_t, b.reservation_usd_per_kg, 1, idx, floor, cap)
                    }
                };
            }
        } else {
            self.items.clear();
            for (idx, o) in offers.iter().enumerate() {
                let it = scan.item(o.quantity_t, o.ask_usd_per_kg, 0, idx, floor, cap);
                self.items.push(it);
            }
            for (j, b) in bids.iter().enumerate() {
                let (q, p) = (b.quantity_t, b.reservation_usd_per_kg);
                let it = scan.item(q, p, 1, n_offers + j, floor, cap);
                self.items.push(it);
            }
        }
        self.book_shape = shape;
        // Until this is checked, keys may be nonsense.
        if scan.worst >= INF_BITS {
            return false;
        }
        sort_items(&mut self.items, &mut self.room, &scan, warm);
        let n = self.items.partition_point(|it| it.key < IDLE_OFFER);
        self.n_tradable = n;

        // Group into levels: at each price, offers first (low bit 0), then bids. Adding 0.0
        // to the other side's sum leaves it exactly as it was.
        self.levels.clear();
        let mut level: Option<Level> = None;
        for (k, it) in self.items[..n].iter().enumerate() {
            let price = f64::from_bits(it.price_bits());
            let q = it.q;
            let (qo, qb) = if it.is_bid() { (0.0, q) } else { (q, 0.0) };
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
        for it in &self.items[n..] {
            if it.is_bid() {
                bid += it.q;
            } else {
                offered += it.q;
            }
        }
        self.offered = offered;
        self.bid = bid;
        self.tol = 1e-12 * supply + 1e-12 * demand;
        true
    }
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
        let (n_offers, n_bids) = self.book_shape;
        offer_fill.clear();
        offer_fill.resize(n_offers, 0.0);
        bid_fill.clear();
        bid_fill.resize(n_bids, 0.0);
        // Every fill starts at zero; only offers sold and bids served are written.
        let mut set = |it: &Item, value: f64| {
            let slot = if it.is_bid() {
                bid_fill.get_mut(it.idx - n_offers)
            } else {
                offer_fill.get_mut(it.idx)
            };
            if let Some(slot) = slot {
                *slot = value;
            }
        };
        // Below the position offers sell in full and bids get nothing; above, the reverse.
        for it in &self.items[..below_end] {
            if !it.is_bid() {
                set(it, it.q);
            }
        }
        for it in &self.items[above_start..n] {
            if it.is_bid() {
                set(it, it.q);
            }
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
            for it in &self.items[level.start..level.end] {
                set(it, it.q * if it.is_bid() { bid_ratio } else { offer_ratio });
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

    /// Items with prices drawn from `prices` (a few give ties), quantities from `qty`
    /// (ties too), every tenth idle.
    fn items(n: usize, prices: &[f64], qty: &[f64], seed: u64) -> Vec<Item> {
        let mut state = seed;
        let mut next = |m: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize % m
        };
        (0..n)
            .map(|idx| {
                let side = (next(2)) as u64;
                let q = qty[next(qty.len())];
                let key = if next(10) == 0 {
                    IDLE_OFFER | side
                } else {
                    (prices[next(prices.len())].to_bits() << 1) | side
                };
                Item { key, q, idx }
            })
            .collect()
    }

    /// What building `items` in this order would have found.
    fn scan_of(items: &[Item]) -> Scan {
        let mut scan = Scan::new();
        for it in items {
            if it.key < IDLE_OFFER {
                scan.lo = scan.lo.min(it.key);
                scan.hi = scan.hi.max(it.key);
            }
            scan.descents += usize::from(it.rank() < scan.last);
            scan.last = it.rank();
        }
        scan
    }

    fn ranks(items: &[Item]) -> Vec<u128> {
        items.iter().map(|it| it.rank()).collect()
    }

    #[test]
    fn every_sort_path_orders_like_the_standard_sort() {
        let many: Vec<f64> = (0..5000).map(|k| 20.0 + 0.017 * k as f64).collect();
        let crowded: Vec<f64> = (0..50)
            .map(|k| 100.0 + 1e-9 * k as f64)
            .chain([1e6])
            .collect();
        let cases: [(usize, &[f64], &[f64]); 6] = [
            (10, &many, &[1.0, 2.0, 3.5]),
            (64, &many, &[1.0, 2.0]),
            (65, &many, &[1.0, 2.0, 7.0]),
            (3000, &many, &[1.0, 2.0, 0.5, 9.0]),
            (2000, &[5.0, 7.0, 7.5], &[1.0, 2.0]),
            (2000, &crowded, &[1.0, 3.0]),
        ];
        let mut room = SortRoom::default();
        for (seed, (n, prices, qty)) in cases.into_iter().enumerate() {
            let start = items(n, prices, qty, seed as u64);
            let mut expected = start.clone();
            expected.sort_by_key(|it| it.rank());
            for warm in [false, true] {
                let mut got = start.clone();
                sort_items(&mut got, &mut room, &scan_of(&start), warm);
                assert_eq!(ranks(&got), ranks(&expected), "n = {n}, warm = {warm}");
            }
            // Last clearing's order with a few neighbours swapped: the insertion sort.
            let mut nearly = expected.clone();
            for k in (1..n).step_by(17) {
                nearly.swap(k - 1, k);
            }
            let scan = scan_of(&nearly);
            sort_items(&mut nearly, &mut room, &scan, true);
            assert_eq!(ranks(&nearly), ranks(&expected), "n = {n}, nearly sorted");
        }
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
