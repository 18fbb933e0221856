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
//! order changes nothing. The sums are float sums, so their values depend on that order:
//! every path below produces exactly that order, never an approximation of it, and so the
//! same bits.
//!
//! # Ordering the items
//!
//! *Small books* (up to [`SMALL_BOOK`] orders, the simulation's case) keep the sorted order
//! of the last clearing: when the next book has as many offers and bids, its items are laid
//! out in that order and insertion-sorted, which costs one pass when the order still holds
//! and a few moves when it nearly does; otherwise the standard sort orders them.
//!
//! *Large books* are ordered in expected linear time (issue 8: a clearing of 1,000 offers
//! and 1,000 bids), in passes over flat arrays of 16-byte entries (key and quantity, no
//! index): one pass over the book checks every value, computes the keys, sets the
//! untradable items aside and finds the smallest and largest key; a counting sort orders
//! the entries by a *digit*, the key's offset from the smallest key scaled to about four
//! digits per entry (a monotone map, so the entries come out sorted but for runs of equal
//! digits); one insertion pass puts those short runs in full (key, quantity) order. A book
//! whose keys crowd into few digits (many equal prices, or a few outliers that stretch the
//! scale) costs the insertion pass more moves; past a budget the standard sort finishes the
//! job, with the same result. The levels and `so_below` are then formed in one pass up the
//! sorted entries, `db_from` and `bounds` in one pass down the levels ([`Curve::finish`],
//! both regions in one loop).
//!
//! Every loop that meets orders in random order is written without data-dependent
//! branches where it can be (the side of an entry, the side of the marginal price an order
//! falls on): on random books such branches mispredict on a good share of the orders, and
//! a misprediction costs as much as dozens of instructions.
//!
//! Fills need no sorted order: a fill depends only on how an item's price compares with
//! the marginal level's, so they are written in book order from each item's effective
//! price, kept by index ([`Curve::fill`]); the entries carry no index and no fill vector is
//! zeroed first.

use crate::book::RegionBook;

/// An offer or bid reduced to its sort key and quantity: what is ordered and summed. For
/// a tradable item `key` is the bit pattern of its effective price —
/// non-negative, so bit order is numeric order and the sign bit is zero, which leaves room
/// — shifted left by one, with the low bit 0 for an offer and 1 for a bid: at one price,
/// offers sort before bids. Idle items get [`IDLE_OFFER`] or [`IDLE_BID`]. Ties are broken by
/// the quantity, non-negative too, so its bit pattern orders like its value.
#[derive(Debug, Clone, Copy, Default)]
struct Entry {
    key: u64,
    /// Quantity, in t (`+0.0` for `-0.0`).
    q: f64,
}

impl Entry {
    #[inline(always)]
    fn is_bid(self) -> bool {
        self.key & 1 == 1
    }

    /// The sort rank: key, then quantity.
    #[inline(always)]
    fn rank(self) -> u128 {
        (u128::from(self.key) << 64) | u128::from(self.q.to_bits())
    }
}

/// An [`Entry`] with the index of its order (the offer's index in the book, or the number
/// of offers plus the bid's index): the small-book path keeps these from one clearing to
/// the next, as the starting order of the next.
#[derive(Debug, Clone, Copy)]
struct Item {
    entry: Entry,
    idx: usize,
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

/// Price bits kept for the fill of an offer that cannot trade: above every price, so it is
/// never sold.
const IDLE_OFFER_PRICE: u64 = u64::MAX;
/// Price bits kept for the fill of a bid that cannot trade: `0`, the bits of `+0.0`. Such a
/// bid has a positive quantity only when it bids below a positive floor, and then every
/// level's price is at least that floor, so it is never served; with a zero quantity its
/// fill is zero whatever it is compared with.
const IDLE_BID_PRICE: u64 = 0;

/// One offer (`side` 0) or bid (`side` 1) of quantity `q` at price `p`, checked and keyed
/// under the bounds: `(bits, entry, tradable, price bits for the fill)`, where `bits` is the
/// larger bit pattern of `q + 0.0` and `p + 0.0` (both are finite and non-negative exactly
/// when it is below [`INF_BITS`]). An offer trades if it asks at most the cap and a bid if
/// it bids at least the floor (and either only with a positive quantity); a tradable item's
/// effective price is its price clamped into `[floor, cap]` (for an offer the cap, for a bid
/// the floor, never binds). The small-book path keys its items with it; the large-book
/// pass ([`Curve::order_large`]) computes the same on bit patterns, in its own loop.
#[inline(always)]
fn key_item(q: f64, p: f64, side: u64, floor: f64, cap: f64) -> (u64, Entry, bool, u64) {
    let (q, p) = (q + 0.0, p + 0.0);
    let bits = q.to_bits().max(p.to_bits());
    let in_bounds = if side == 0 { p <= cap } else { p >= floor };
    let effective = if p < floor {
        floor
    } else if p > cap {
        cap
    } else {
        p
    };
    let tradable = q > 0.0 && in_bounds;
    let price = effective.to_bits();
    let (key, fill_price) = if tradable {
        ((price << 1) | side, price)
    } else if side == 0 {
        (IDLE_OFFER, IDLE_OFFER_PRICE)
    } else {
        (IDLE_BID, IDLE_BID_PRICE)
    };
    (bits, Entry { key, q }, tradable, fill_price)
}

/// Books up to this many orders take the small-book path: last clearing's order, then an
/// insertion sort or the standard sort. Larger ones are counting-sorted by digits.
const SMALL_BOOK: usize = 64;

/// Sorts a small book's `items` by rank. `descents` is how many items rank below the one
/// before them. Items laid out in last clearing's order with few neighbours out of order
/// (`nearly_sorted`) get an insertion sort, one pass plus a move per inversion (giving up
/// once the moves exceed a few per item); otherwise the standard sort. Both give the same
/// order (items equal in rank are interchangeable).
fn sort_small(items: &mut [Item], descents: usize, nearly_sorted: bool) {
    let n = items.len();
    if descents == 0 {
        return;
    }
    if nearly_sorted
        && descents <= n / 8 + 2
        && insertion_sort_bounded(items, 4 * n + 16, |it| it.entry.rank())
    {
        return;
    }
    items.sort_unstable_by_key(|it| it.entry.rank());
}

/// Insertion sort by `rank` that stops after `budget` moves; returns whether it finished.
#[inline]
fn insertion_sort_bounded<T: Copy>(
    items: &mut [T],
    budget: usize,
    rank: impl Fn(&T) -> u128,
) -> bool {
    let mut moves = 0;
    for i in 1..items.len() {
        let x = items[i];
        let r = rank(&x);
        if rank(&items[i - 1]) <= r {
            continue;
        }
        let mut j = i;
        while j > 0 && rank(&items[j - 1]) > r {
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

/// Insertion sort of entries that are in order but for short runs (entries that shared a
/// digit), comparing keys first and quantities only between equal keys; stops after
/// `budget` moves and returns whether it finished.
fn fix_runs(entries: &mut [Entry], budget: usize) -> bool {
    #[inline(always)]
    fn after(a: Entry, b: Entry) -> bool {
        a.key > b.key || (a.key == b.key && a.q.to_bits() > b.q.to_bits())
    }
    let mut moves = 0;
    for i in 1..entries.len() {
        let x = entries[i];
        if !after(entries[i - 1], x) {
            continue;
        }
        let mut j = i;
        while j > 0 && after(entries[j - 1], x) {
            entries[j] = entries[j - 1];
            j -= 1;
        }
        entries[j] = x;
        moves += i - j;
        if moves > budget {
            return false;
        }
    }
    true
}

/// How many digit bits the counting sort of `n` entries uses: about four digits per entry
/// (`log2 n + 2`), so that few entries share a digit and the insertion pass after it has
/// little to do (each move there is a mispredicted branch), while the buckets stay few
/// enough to count through cheaply; at least 4, at most 24. Measured on the benchmark
/// books: one or two digits per entry cost more in mispredictions than they save.
fn digit_bits(n: usize) -> u32 {
    let log = usize::BITS - n.max(1).leading_zeros(); // ceil-ish log2, 1 for n = 1
    (log + 2).clamp(4, 24)
}

/// The monotone map from a key to its digit: `((key − lo) · scale) >> 64`, where
/// `scale = 2^(bits + 64) / spread` and `spread` exceeds both the keys' range and
/// `2^bits`, so the digit is below `2^bits` and `scale` fits in 64 bits.
#[derive(Debug, Clone, Copy)]
struct DigitMap {
    lo: u64,
    scale: u64,
}

impl DigitMap {
    fn new(lo: u64, hi: u64, bits: u32) -> DigitMap {
        let range = u128::from(hi.saturating_sub(lo)) + 1;
        let spread = range.max((1u128 << bits) + 1);
        let scale = ((1u128 << (bits + 64)) / spread) as u64;
        DigitMap { lo, scale }
    }

    #[inline(always)]
    fn digit(self, key: u64) -> usize {
        ((u128::from(key.wrapping_sub(self.lo)) * u128::from(self.scale)) >> 64) as usize
    }
}

/// The first `n` slots of `v`, growing it (never shrinking) when it is shorter: buffers
/// that every clearing overwrites before it reads them need no clearing, and the slots past
/// `n` keep whatever an earlier clearing left there.
#[inline]
fn room<T: Copy + Default>(v: &mut Vec<T>, n: usize) -> &mut [T] {
    if v.len() < n {
        v.resize(n, T::default());
    }
    &mut v[..n]
}

/// One distinct effective price of a region.
#[derive(Debug, Clone, Copy, Default)]
struct Level {
    /// Effective price, USD/kg.
    price: f64,
    /// Tonnes offered at this price.
    qo: f64,
    /// Tonnes bid at this price.
    qb: f64,
}

/// One step of the downward pass: a level and its `so_below`, and where its `db_from`
/// (bid tonnes at levels `>= k`) and `bounds` (`so_below[k] − db_from[k]`) go.
type Down<'a> = ((&'a Level, &'a f64), (&'a mut f64, &'a mut f64));

/// Adds the level's bids to the running sum `acc` (from the top level down) and writes
/// `db_from` and `bounds`.
#[inline(always)]
fn down_step(acc: &mut f64, ((level, &below), (from, bound)): Down<'_>) {
    *acc += level.qb;
    *from = *acc;
    *bound = below - *acc;
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
    /// Small books: all offers and bids with their indices, in last clearing's sorted order
    /// (the tradable ones by price, then the idle ones), the starting order of the next.
    /// Empty after a large book.
    items: Vec<Item>,
    /// The tradable entries in rank order: the first `n_tradable`.
    sorted: Vec<Entry>,
    /// Number of tradable entries.
    n_tradable: usize,
    /// Large books: the tradable entries in book order, before the counting sort (the first
    /// `n_tradable`).
    scratch: Vec<Entry>,
    /// The idle entries (nothing offered or bid, offer above the cap, bid below the floor),
    /// to be summed in rank order.
    idle: Vec<Entry>,
    /// Bucket offsets of the counting sort.
    counts: Vec<u32>,
    /// Each tradable entry's digit (bucket), in `scratch` order.
    digits: Vec<u32>,
    /// Effective price bits of every order by index (offers, then bids; the first `n` of
    /// a book of `n` orders), or
    /// [`IDLE_OFFER_PRICE`] / [`IDLE_BID_PRICE`]: what [`Curve::fill`] compares.
    fill_price: Vec<u64>,
    /// Number of offers and of bids in the book the curve was built from.
    book_shape: (usize, usize),
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
    /// and non-negative), up to the downward sums that [`Curve::finish`] then forms for
    /// both regions at once. Returns `false`, leaving the curve unusable until the next
    /// build, if an offer or bid has a NaN, infinite or negative quantity or price; `-0.0`
    /// is fine.
    pub(crate) fn build(&mut self, book: &RegionBook, floor: f64, cap: f64) -> bool {
        let shape = (book.offer_len(), book.bid_len());
        let valid = if shape.0 + shape.1 <= SMALL_BOOK {
            self.order_small(book, floor, cap)
        } else {
            self.order_large(book, floor, cap)
        };
        self.book_shape = shape;
        if !valid {
            return false;
        }
        self.build_levels();
        true
    }

    /// Small books: lays the items out in last clearing's order when the book has the same
    /// shape (else in book order) and sorts them; then splits them into `sorted` and `idle`
    /// and records each order's price for the fill. Returns whether every value is valid.
    fn order_small(&mut self, book: &RegionBook, floor: f64, cap: f64) -> bool {
        let (offers, bids) = (book.offers(), book.bids());
        let n_offers = offers.len();
        let n = n_offers + bids.len();
        let shape = (n_offers, bids.len());
        let mut worst = 0;
        let mut descents = 0;
        let mut last = 0;
        let fill_price = room(&mut self.fill_price, n);
        let mut item = |q: f64, p: f64, side: u64, idx: usize| {
            let (bits, entry, _, price) = key_item(q, p, side, floor, cap);
            worst = worst.max(bits);
            if let Some(slot) = fill_price.get_mut(idx) {
                *slot = price;
            }
            let rank = entry.rank();
            descents += usize::from(rank < last);
            last = rank;
            Item { entry, idx }
        };
        // Same shape as last time: `items` holds a permutation of the indices, in last
        // clearing's sorted order; rebuild each item in place.
        let warm = shape == self.book_shape && self.items.len() == n;
        if warm {
            for it in &mut self.items {
                let idx = it.idx;
                *it = match offers.get(idx) {
                    Some(o) => item(o.quantity_t, o.ask_usd_per_kg, 0, idx),
                    None => {
                        let b = bids.get(idx - n_offers).copied().unwrap_or_default();
                        item(b.quantity_t, b.reservation_usd_per_kg, 1, idx)
                    }
                };
            }
        } else {
            self.items.clear();
            for (idx, o) in offers.iter().enumerate() {
                self.items
                    .push(item(o.quantity_t, o.ask_usd_per_kg, 0, idx));
            }
            for (j, b) in bids.iter().enumerate() {
                let (q, p) = (b.quantity_t, b.reservation_usd_per_kg);
                self.items.push(item(q, p, 1, n_offers + j));
            }
        }
        // Until this is checked, keys may be nonsense.
        if worst >= INF_BITS {
            return false;
        }
        sort_small(&mut self.items, descents, warm);
        let n_tradable = self.items.partition_point(|it| it.entry.key < IDLE_OFFER);
        let (tradable, idle) = self.items.split_at(n_tradable);
        for (slot, it) in room(&mut self.sorted, n_tradable).iter_mut().zip(tradable) {
            *slot = it.entry;
        }
        self.n_tradable = n_tradable;
        self.idle.clear();
        self.idle.extend(idle.iter().map(|it| it.entry));
        true
    }

    /// Large books: one pass over the book checks the values, keys the tradable entries into
    /// `scratch` (in book order), sets the idle ones aside and records each order's price
    /// for the fill; a counting sort on the keys' digits and an insertion pass then put the
    /// tradable entries in rank order into `sorted`. Returns whether every value is valid.
    ///
    /// The pass works on bit patterns: once every value is known to be finite and
    /// non-negative (checked after the pass, before any key is used), integer order of the
    /// bits is the order of the values, so clamping to the bounds and comparing with them
    /// are integer `min`, `max` and compares.
    fn order_large(&mut self, book: &RegionBook, floor: f64, cap: f64) -> bool {
        let (offers, bids) = (book.offers(), book.bids());
        let n = offers.len() + bids.len();
        self.items.clear(); // last order of a small book: no longer the last
        self.idle.clear();
        let (floor_bits, cap_bits) = (floor.to_bits(), cap.to_bits());
        let fill_price = room(&mut self.fill_price, n);
        let start = room(&mut self.scratch, n);
        let (fill_offers, fill_bids) = fill_price.split_at_mut(offers.len());
        let (mut worst, mut lo, mut hi, mut t) = (0u64, u64::MAX, 0u64, 0usize);
        for (o, slot) in offers.iter().zip(fill_offers) {
            let (q, p) = (o.quantity_t + 0.0, o.ask_usd_per_kg + 0.0);
            let (qb, pb) = (q.to_bits(), p.to_bits());
            worst = worst.max(qb).max(pb);
            let price = pb.max(floor_bits); // an offer above the cap does not trade
            if qb != 0 && pb <= cap_bits {
                *slot = price;
                let key = price << 1;
                lo = lo.min(key);
                hi = hi.max(key);
                if let Some(e) = start.get_mut(t) {
                    *e = Entry { key, q };
                }
                t += 1;
            } else {
                *slot = IDLE_OFFER_PRICE;
                self.idle.push(Entry { key: IDLE_OFFER, q });
            }
        }
        for (b, slot) in bids.iter().zip(fill_bids) {
            let (q, p) = (b.quantity_t + 0.0, b.reservation_usd_per_kg + 0.0);
            let (qb, pb) = (q.to_bits(), p.to_bits());
            worst = worst.max(qb).max(pb);
            let price = pb.min(cap_bits); // a bid below the floor does not trade
            if qb != 0 && pb >= floor_bits {
                *slot = price;
                let key = (price << 1) | 1;
                lo = lo.min(key);
                hi = hi.max(key);
                if let Some(e) = start.get_mut(t) {
                    *e = Entry { key, q };
                }
                t += 1;
            } else {
                *slot = IDLE_BID_PRICE;
                self.idle.push(Entry { key: IDLE_BID, q });
            }
        }
        // Until this is checked, keys may be nonsense.
        if worst >= INF_BITS {
            return false;
        }
        self.n_tradable = t;
        let start = &self.scratch[..t];
        let sorted = room(&mut self.sorted, t);
        let digits = room(&mut self.digits, t);
        let bits = digit_bits(t);
        let map = DigitMap::new(lo, hi, bits);
        let counts = room(&mut self.counts, 1 << bits);
        counts.fill(0);
        for (e, digit) in start.iter().zip(digits.iter_mut()) {
            let d = map.digit(e.key);
            *digit = d as u32;
            if let Some(c) = counts.get_mut(d) {
                *c += 1;
            }
        }
        let mut offset = 0;
        for c in counts.iter_mut() {
            let size = *c;
            *c = offset;
            offset += size;
        }
        for (e, &d) in start.iter().zip(digits.iter()) {
            if let Some(slot) = counts.get_mut(d as usize) {
                // Read once: the store to `sorted` could alias `counts` as far as the
                // compiler knows, and would force a reload.
                let at = *slot;
                *slot = at + 1;
                if let Some(place) = sorted.get_mut(at as usize) {
                    *place = *e;
                }
            }
        }
        // Sorted by digit; equal digits may hold keys out of order.
        if !fix_runs(sorted, 4 * t + 16) {
            sorted.sort_unstable_by_key(|e| e.rank());
        }
        true
    }

    /// Groups `sorted` into levels — at each price, offers first (low bit 0), then bids —
    /// and forms `so_below` on the way up. `db_from` and `bounds` are formed downward by
    /// [`Curve::finish`].
    fn build_levels(&mut self) {
        let t = self.n_tradable;
        let sorted = self.sorted.get(..t).unwrap_or_default();
        // Written by index into room for every entry being its own level, then cut to the
        // levels found: no capacity check per level.
        let levels = room(&mut self.levels, t);
        let so_below = room(&mut self.so_below, t + 1);
        if let Some(first) = so_below.first_mut() {
            *first = 0.0;
        }
        // An entry's tonnes as (offered, bid): `+0.0` on the other side, chosen by a mask
        // rather than a branch (offers and bids alternate at random, which a branch would
        // mispredict). Adding `+0.0` leaves a sum exactly as it was (sums are never `-0.0`),
        // and a level's first entry sets its sums (`0.0 + q` is `q`).
        let split = |e: &Entry| {
            let bid = 0u64.wrapping_sub(e.key & 1); // all ones for a bid
            let q = e.q.to_bits();
            (f64::from_bits(q & !bid), f64::from_bits(q & bid))
        };
        let mut m = 0;
        // One cursor over (level, `so_below` above it): one check per level written.
        let (_, above) = so_below.split_at_mut(1);
        let mut out = levels.iter_mut().zip(above.iter_mut());
        if let Some((first, rest)) = sorted.split_first() {
            let mut price_bits = first.key >> 1;
            let (qo, qb) = split(first);
            let mut level = Level {
                price: f64::from_bits(price_bits),
                qo,
                qb,
            };
            let mut acc = 0.0;
            for e in rest {
                let (qo, qb) = split(e);
                if e.key >> 1 == price_bits {
                    level.qo += qo;
                    level.qb += qb;
                } else {
                    // A new level starts from its first entry's tonnes, not from the last
                    // level's sums: no dependence from one level to the next but `acc`.
                    acc += level.qo;
                    m += 1;
                    if let Some((slot, below)) = out.next() {
                        *slot = level;
                        *below = acc;
                    }
                    price_bits = e.key >> 1;
                    level = Level {
                        price: f64::from_bits(price_bits),
                        qo,
                        qb,
                    };
                }
            }
            acc += level.qo;
            m += 1;
            if let Some((slot, below)) = out.next() {
                *slot = level;
                *below = acc;
            }
        }
        self.levels.truncate(m);
        self.so_below.truncate(m + 1);
    }

    /// Completes two curves built by [`Curve::build`]: `db_from` and `bounds` downward from
    /// the top level, then the totals with the idle items. The two regions' downward sums
    /// run in one loop: each is a chain of dependent float additions, and interleaving two
    /// independent chains lets one's additions proceed while the other's wait.
    pub(crate) fn finish(curves: &mut [Curve; 2]) {
        let [a, b] = curves;
        let common = a.levels.len().min(b.levels.len());
        let (mut acc_a, mut acc_b) = (0.0, 0.0);
        let mut down_a = a.prepare_down();
        let mut down_b = b.prepare_down();
        // `take` stops the zip before either side runs out, so no level is drawn and lost.
        for (x, y) in down_a.by_ref().zip(down_b.by_ref()).take(common) {
            down_step(&mut acc_a, x);
            down_step(&mut acc_b, y);
        }
        for x in down_a {
            down_step(&mut acc_a, x);
        }
        for y in down_b {
            down_step(&mut acc_b, y);
        }
        for c in curves {
            c.totals();
        }
    }

    /// Room for `db_from` and `bounds` (one more than the levels), their top entries set,
    /// and the downward pass's steps, from the top level down.
    fn prepare_down(&mut self) -> impl Iterator<Item = Down<'_>> {
        let m = self.levels.len();
        room(&mut self.db_from, m + 1);
        room(&mut self.bounds, m + 1);
        self.db_from.truncate(m + 1);
        self.bounds.truncate(m + 1);
        let (db_from, db_top) = self.db_from.split_at_mut(m);
        let (bounds, bound_top) = self.bounds.split_at_mut(m);
        let (so_below, so_top) = self.so_below.split_at(m.min(self.so_below.len()));
        if let (Some(d), Some(b), Some(&s)) =
            (db_top.first_mut(), bound_top.first_mut(), so_top.first())
        {
            *d = 0.0;
            *b = s - 0.0;
        }
        self.levels
            .iter()
            .zip(so_below)
            .zip(db_from.iter_mut().zip(bounds.iter_mut()))
            .rev()
    }

    /// All offered and bid tonnes (the idle items' added after the tradable ones in rank
    /// order: idle offers by quantity, then idle bids) and the snapping tolerance.
    fn totals(&mut self) {
        if !self.idle.is_sorted_by_key(|e| e.rank()) {
            self.idle.sort_unstable_by_key(|e| e.rank());
        }
        let m = self.levels.len();
        let supply = self.so_below[m];
        let demand = self.db_from[0];
        let (mut offered, mut bid) = (supply, demand);
        for e in &self.idle {
            if e.is_bid() {
                bid += e.q;
            } else {
                offered += e.q;
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
    /// (replacing their contents; indexed like the book, which must be the one the curve was
    /// built from) and returns the region's totals.
    ///
    /// Levels below the position sell all their offers and serve none of their bids, levels
    /// above serve all bids and sell no offers. In the marginal level (only when `pos` is
    /// `Inside`) the offers sell `s` and the bids get `d` with `s − d` set by `e`, as much
    /// trade as possible inside the level, shared pro rata by quantity on each side.
    ///
    /// Which of these an order is follows from its effective price alone, so the fills are
    /// written in book order: each is the order's quantity times a weight of 1 (below or
    /// above), its side's ratio (in the marginal level) or 0 (`q · 1 = q` and `q · 0 = +0`
    /// exactly, so this is the same value as setting `q` or leaving `0`).
    pub(crate) fn fill(
        &self,
        book: &RegionBook,
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
        // The price that splits the book: the marginal level's, or the first level above the
        // boundary's (above every price when there is none).
        let split = self
            .levels
            .get(first_marginal)
            .map_or(INF_BITS, |l| l.price.to_bits());
        let mut sold = self.so_below[first_marginal];
        let mut bought = self.db_from[first_above];
        // At a boundary no offer at the split price sells and every bid at it is served.
        let (mut offer_ratio, mut bid_ratio) = (0.0, 1.0);
        if let (Position::Inside(_), Some(level)) = (pos, self.levels.get(first_marginal)) {
            // s − d = e − (offers below) + (bids above); maximise s, then clamp for rounding.
            let z = e - self.so_below[first_marginal] + self.db_from[first_above];
            let s = level.qo.min(level.qb + z).max(0.0);
            let d = (s - z).max(0.0).min(level.qb);
            offer_ratio = if level.qo > 0.0 {
                (s / level.qo).min(1.0)
            } else {
                0.0
            };
            bid_ratio = if level.qb > 0.0 {
                (d / level.qb).min(1.0)
            } else {
                0.0
            };
            sold += s;
            bought += d;
        }
        let (offer_prices, bid_prices) = self
            .fill_price
            .split_at(book.offer_len().min(self.fill_price.len()));
        // As bit masks, not branches: which way a price falls is random, and a branch
        // would mispredict on a third of the orders.
        let weight = |below: bool, at: bool, ratio: f64| {
            let below = 0u64.wrapping_sub(u64::from(below));
            let at = 0u64.wrapping_sub(u64::from(at));
            f64::from_bits((1f64.to_bits() & below) | (ratio.to_bits() & at))
        };
        offer_fill.clear();
        offer_fill.extend(book.offers().iter().zip(offer_prices).map(|(o, &price)| {
            (o.quantity_t + 0.0) * weight(price < split, price == split, offer_ratio)
        }));
        bid_fill.clear();
        bid_fill.extend(book.bids().iter().zip(bid_prices).map(|(b, &price)| {
            (b.quantity_t + 0.0) * weight(price > split, price == split, bid_ratio)
        }));
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
        let mut pair = [Curve::default(), Curve::default()];
        assert!(pair[0].build(&book, 0.0, 1000.0));
        assert!(pair[1].build(&RegionBook::new(), 0.0, 1000.0));
        Curve::finish(&mut pair);
        let [c, _] = pair;
        c
    }

    /// A book of `n` orders with prices drawn from `prices` (a few give ties), quantities
    /// from `qty` (ties too), every tenth price outside `[5, 1000]` and some quantities zero.
    fn book(n: usize, prices: &[f64], qty: &[f64], seed: u64) -> RegionBook {
        let mut state = seed;
        let mut next = |m: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize % m
        };
        let mut book = RegionBook::new();
        for _ in 0..n {
            let q = if next(20) == 0 {
                0.0
            } else {
                qty[next(qty.len())]
            };
            let p = match next(20) {
                0 => 1.0,
                1 => 2000.0,
                _ => prices[next(prices.len())],
            };
            if next(2) == 0 {
                book.push_offer(Offer::new(q, p));
            } else {
                book.push_bid(Bid::new(q, p));
            }
        }
        book
    }

    /// Every order's entry, sorted by the standard sort: what `sorted` then `idle` must be.
    fn expected(book: &RegionBook, floor: f64, cap: f64) -> Vec<u128> {
        let offers = book
            .offers()
            .iter()
            .map(|o| (o.quantity_t, o.ask_usd_per_kg, 0));
        let bids = book
            .bids()
            .iter()
            .map(|b| (b.quantity_t, b.reservation_usd_per_kg, 1));
        let mut ranks: Vec<u128> = offers
            .chain(bids)
            .map(|(q, p, side)| key_item(q, p, side, floor, cap).1.rank())
            .collect();
        ranks.sort_unstable();
        ranks
    }

    fn ranks(c: &Curve) -> Vec<u128> {
        c.sorted[..c.n_tradable]
            .iter()
            .chain(&c.idle)
            .map(|e| e.rank())
            .collect()
    }

    #[test]
    fn every_sort_path_orders_like_the_standard_sort() {
        let many: Vec<f64> = (0..5000).map(|k| 20.0 + 0.017 * k as f64).collect();
        let crowded: Vec<f64> = (0..50)
            .map(|k| 100.0 + 1e-9 * k as f64)
            .chain([1e6])
            .collect();
        let cases: [(usize, &[f64], &[f64]); 9] = [
            (10, &many, &[1.0, 2.0, 3.5]),
            (64, &many, &[1.0, 2.0]),
            (65, &many, &[1.0, 2.0, 7.0]),
            (300, &many, &[1.0, 2.0, 7.0]),
            (3000, &many, &[1.0, 2.0, 0.5, 9.0]),
            (2000, &[5.0, 7.0, 7.5], &[1.0, 2.0]),
            (2000, &crowded, &[1.0, 3.0]),
            (20_000, &many, &[1.0, 2.0, 0.25]),
            (100, &[42.0], &[1.0, 2.0, 3.0]),
        ];
        let (floor, cap) = (5.0, 1000.0);
        for (seed, (n, prices, qty)) in cases.into_iter().enumerate() {
            let book = book(n, prices, qty, seed as u64);
            let want = expected(&book, floor, cap);
            // The second curve only completes the pair that `finish` takes.
            let mut pair = [Curve::default(), Curve::default()];
            assert!(pair[1].build(&RegionBook::new(), floor, cap));
            // Cold, then warm (a small book then starts from its own sorted order).
            for round in 0..2 {
                assert!(pair[0].build(&book, floor, cap));
                Curve::finish(&mut pair);
                assert_eq!(ranks(&pair[0]), want, "n = {n}, round {round}");
            }
            // A small book whose last order is nearly right: the insertion sort.
            if n <= SMALL_BOOK {
                let mut shuffled = RegionBook::new();
                let offers = book.offers();
                for k in 0..offers.len() {
                    let o = offers[k ^ usize::from(k % 7 == 1 && k + 1 < offers.len())];
                    shuffled.push_offer(o);
                }
                for &b in book.bids() {
                    shuffled.push_bid(b);
                }
                assert!(pair[0].build(&shuffled, floor, cap));
                Curve::finish(&mut pair);
                assert_eq!(
                    ranks(&pair[0]),
                    expected(&shuffled, floor, cap),
                    "n = {n}, moved"
                );
            }
        }
    }

    #[test]
    fn fill_prices_sit_where_the_fill_expects_them() {
        // Floor 5, cap 50: offer at 60 idle, bid at 1 idle, offer at 1 effective 5.
        let mut b = RegionBook::new();
        b.push_offer(Offer::new(1.0, 60.0));
        b.push_offer(Offer::new(1.0, 1.0));
        b.push_bid(Bid::new(1.0, 1.0));
        b.push_bid(Bid::new(1.0, 70.0));
        let mut c = Curve::default();
        assert!(c.build(&b, 5.0, 50.0));
        let want = [
            IDLE_OFFER_PRICE,
            5f64.to_bits(),
            IDLE_BID_PRICE,
            50f64.to_bits(),
        ];
        assert_eq!(c.fill_price[..4], want);
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
