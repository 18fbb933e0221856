//! The reference solver: an order-book clearing of the coupled two-region market, written
//! straightforwardly and independently of the library's schedule clearing, kept as the
//! oracle that `ScheduleMarket` is tested against (`tests/schedule.rs`) and itself checked
//! by hand cases (`tests/cases.rs`) and the equilibrium properties (`tests/properties.rs`).
//! Every order becomes an item, the standard sort orders the items by (effective price,
//! side, quantity), the levels, prefix sums and boundaries are built from the sorted items,
//! and the fills are written by walking the sorted items. It is the market's rule as the
//! crate docs state it: the competitive equilibrium and the price rule.

// Each test binary that includes the solver uses a different part of its API.
#![allow(dead_code)]

mod book;

pub use book::{Bid, Clearing, Offer, RegionBook};
use remsim_market::{Link, PriceBounds};

#[derive(Debug, Clone, Copy)]
struct Item {
    key: u64,
    q: f64,
    idx: usize,
}

impl Item {
    fn is_bid(self) -> bool {
        self.key & 1 == 1
    }
    fn rank(self) -> u128 {
        (u128::from(self.key) << 64) | u128::from(self.q.to_bits())
    }
}

const IDLE_OFFER: u64 = u64::MAX - 1;

#[derive(Debug, Clone, Copy)]
struct Level {
    price: f64,
    qo: f64,
    qb: f64,
    start: usize,
    end: usize,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Position {
    Inside(usize),
    At(usize),
}

#[derive(Debug, Clone, Copy)]
struct Interval {
    lo: f64,
    hi: f64,
    lo_hard: bool,
    hi_hard: bool,
}

impl Interval {
    fn pick(self, reference: f64) -> f64 {
        if self.lo_hard && self.hi_hard {
            self.lo + (self.hi - self.lo) * 0.5
        } else {
            reference.max(self.lo).min(self.hi)
        }
    }

    /// The interval moved down by `wedge`.
    fn less(self, wedge: f64) -> Interval {
        Interval {
            lo: self.lo - wedge,
            hi: self.hi - wedge,
            ..self
        }
    }

    /// Where this interval and `other` overlap: each end is the tighter of the two, hard if
    /// the one it comes from is (either, when they tie).
    fn meet(self, other: Interval) -> Interval {
        let (lo, lo_hard) = tighter(self.lo, self.lo_hard, other.lo, other.lo_hard, true);
        let (hi, hi_hard) = tighter(self.hi, self.hi_hard, other.hi, other.hi_hard, false);
        Interval {
            lo,
            hi: hi.max(lo),
            lo_hard,
            hi_hard,
        }
    }
}

struct Curve {
    items: Vec<Item>,
    n_offers: usize,
    n_bids: usize,
    n_tradable: usize,
    levels: Vec<Level>,
    so_below: Vec<f64>,
    db_from: Vec<f64>,
    bounds: Vec<f64>,
    offered: f64,
    bid: f64,
    tol: f64,
}

fn ok(x: f64) -> bool {
    x.is_finite() && x >= 0.0
}

impl Curve {
    /// `None` for a book with an invalid value.
    fn build(book: &RegionBook, floor: f64, cap: f64) -> Option<Curve> {
        let mut items = Vec::new();
        let n_offers = book.offer_len();
        let item = |q: f64, p: f64, side: u64, idx: usize| {
            let (q, p) = (q + 0.0, p + 0.0);
            let in_bounds = if side == 0 { p <= cap } else { p >= floor };
            let effective = p.max(floor).min(cap);
            let key = if q > 0.0 && in_bounds {
                (effective.to_bits() << 1) | side
            } else {
                IDLE_OFFER | side
            };
            Item { key, q, idx }
        };
        for (idx, o) in book.offers().iter().enumerate() {
            if !ok(o.quantity_t) || !ok(o.ask_usd_per_kg) {
                return None;
            }
            items.push(item(o.quantity_t, o.ask_usd_per_kg, 0, idx));
        }
        for (j, b) in book.bids().iter().enumerate() {
            if !ok(b.quantity_t) || !ok(b.reservation_usd_per_kg) {
                return None;
            }
            items.push(item(
                b.quantity_t,
                b.reservation_usd_per_kg,
                1,
                n_offers + j,
            ));
        }
        items.sort_by_key(|it| it.rank());
        let n = items.partition_point(|it| it.key < IDLE_OFFER);
        let mut levels: Vec<Level> = Vec::new();
        for (k, it) in items[..n].iter().enumerate() {
            let price = f64::from_bits(it.key >> 1);
            let (qo, qb) = if it.is_bid() {
                (0.0, it.q)
            } else {
                (it.q, 0.0)
            };
            match levels.last_mut() {
                Some(l) if l.price == price => {
                    l.qo += qo;
                    l.qb += qb;
                    l.end = k + 1;
                }
                _ => levels.push(Level {
                    price,
                    qo,
                    qb,
                    start: k,
                    end: k + 1,
                }),
            }
        }
        let m = levels.len();
        let mut so_below = vec![0.0];
        let mut acc = 0.0;
        for l in &levels {
            acc += l.qo;
            so_below.push(acc);
        }
        let mut db_from = vec![0.0; m + 1];
        let mut acc = 0.0;
        for k in (0..m).rev() {
            acc += levels[k].qb;
            db_from[k] = acc;
        }
        let bounds: Vec<f64> = (0..=m).map(|k| so_below[k] - db_from[k]).collect();
        let (supply, demand) = (so_below[m], db_from[0]);
        let (mut offered, mut bid) = (supply, demand);
        for it in &items[n..] {
            if it.is_bid() {
                bid += it.q;
            } else {
                offered += it.q;
            }
        }
        Some(Curve {
            items,
            n_offers,
            n_bids: book.bid_len(),
            n_tradable: n,
            levels,
            so_below,
            db_from,
            bounds,
            offered,
            bid,
            tol: 1e-12 * supply + 1e-12 * demand,
        })
    }

    fn locate_up(&self, e: f64) -> Position {
        let m = self.levels.len();
        let count = self.bounds.partition_point(|&x| x <= e + self.tol);
        let Some(j) = count.checked_sub(1) else {
            return Position::At(0);
        };
        if self.bounds[j] >= e - self.tol || j >= m {
            Position::At(j.min(m))
        } else {
            Position::Inside(j)
        }
    }

    fn locate_down(&self, e: f64) -> Position {
        let m = self.levels.len();
        let b = self.bounds.partition_point(|&x| x < e - self.tol);
        match self.bounds.get(b) {
            None => Position::At(m),
            Some(&x) if x <= e + self.tol => Position::At(b),
            Some(_) => match b.checked_sub(1) {
                Some(k) => Position::Inside(k),
                None => Position::At(0),
            },
        }
    }

    fn next_up(&self, e: f64) -> Option<(f64, f64)> {
        let k = match self.locate_up(e) {
            Position::Inside(k) | Position::At(k) => k,
        };
        Some((self.levels.get(k)?.price, *self.bounds.get(k + 1)?))
    }

    fn next_down(&self, e: f64) -> Option<(f64, f64)> {
        let k = match self.locate_down(e) {
            Position::Inside(k) => k,
            Position::At(b) => b.checked_sub(1)?,
        };
        Some((self.levels.get(k)?.price, *self.bounds.get(k)?))
    }

    fn interval(&self, pos: Position, floor: f64, cap: f64) -> Interval {
        match pos {
            Position::Inside(k) => {
                let p = self.levels[k].price;
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

    /// Fills (offers, bids) and (sold, bought).
    fn fill(&self, pos: Position, e: f64) -> (Vec<f64>, Vec<f64>, f64, f64) {
        let m = self.levels.len();
        let (first_marginal, first_above) = match pos {
            Position::Inside(k) => (k.min(m), (k + 1).min(m)),
            Position::At(b) => (b.min(m), b.min(m)),
        };
        let n = self.n_tradable;
        let below_end = self.levels.get(first_marginal).map_or(n, |l| l.start);
        let above_start = self.levels.get(first_above).map_or(n, |l| l.start);
        let mut offer_fill = vec![0.0; self.n_offers];
        let mut bid_fill = vec![0.0; self.n_bids];
        let mut set = |it: &Item, value: f64| {
            if it.is_bid() {
                bid_fill[it.idx - self.n_offers] = value;
            } else {
                offer_fill[it.idx] = value;
            }
        };
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
        (offer_fill, bid_fill, sold, bought)
    }
}

fn find_flow(cn: &Curve, row: &Curve, capacity: f64, wedge: f64) -> f64 {
    let mut flow = 0.0;
    if capacity <= 0.0 {
        return flow;
    }
    for _ in 0..cn.levels.len() + row.levels.len() + 2 {
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

fn tighter(a: f64, a_hard: bool, b: f64, b_hard: bool, lower: bool) -> (f64, bool) {
    if a == b {
        (a, a_hard || b_hard)
    } else if (a > b) == lower {
        (a, a_hard)
    } else {
        (b, b_hard)
    }
}

#[allow(clippy::too_many_arguments)]
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
        true
    } else if flow >= capacity {
        spread >= wedge
    } else if flow <= 0.0 {
        spread <= wedge
    } else {
        false
    };
    if consistent {
        return own;
    }
    let cn = iv[0]
        .meet(iv[1].less(wedge))
        .pick(0.5 * reference[0] + 0.5 * (reference[1] - wedge))
        .max(floor)
        .min(cap);
    let row = (cn + wedge).max(floor).min(cap);
    [cn, row]
}

/// The reference clearing of `books`; `None` when some input is invalid (the market must
/// then refuse too).
pub fn clear(
    books: &[RegionBook; 2],
    link: Link,
    bounds: PriceBounds,
    reference_price: [f64; 2],
) -> Option<Clearing> {
    let (floor, cap) = (bounds.floor_usd_per_kg + 0.0, bounds.cap_usd_per_kg + 0.0);
    let (capacity, wedge) = (link.capacity_t + 0.0, link.wedge_usd_per_kg + 0.0);
    let valid = ok(floor)
        && ok(cap)
        && floor <= cap
        && ok(capacity)
        && ok(wedge)
        && reference_price.iter().all(|&p| ok(p));
    if !valid {
        return None;
    }
    let cn = Curve::build(&books[0], floor, cap)?;
    let row = Curve::build(&books[1], floor, cap)?;
    if [cn.offered, cn.bid, row.offered, row.bid]
        .iter()
        .any(|x| !x.is_finite())
    {
        return None;
    }
    let flow = find_flow(&cn, &row, capacity, wedge);
    let pos = [cn.locate_up(flow), row.locate_down(-flow)];
    let intervals = [
        cn.interval(pos[0], floor, cap),
        row.interval(pos[1], floor, cap),
    ];
    let reference = reference_price.map(|p| p.max(floor).min(cap));
    let price = select_prices(intervals, flow, capacity, wedge, reference, floor, cap);
    let mut out = Clearing::new();
    out.price_usd_per_kg = price;
    out.flow_t = flow;
    out.link_binding = flow >= capacity && price[1] - price[0] > wedge;
    let excess = [flow, -flow];
    for (r, curve) in [&cn, &row].into_iter().enumerate() {
        let (offer_fill, bid_fill, sold, bought) = curve.fill(pos[r], excess[r]);
        out.offer_fill_t[r] = offer_fill;
        out.bid_fill_t[r] = bid_fill;
        out.sold_t[r] = sold;
        out.bought_t[r] = bought;
        out.unsold_t[r] = (curve.offered - sold).max(0.0);
        out.unmet_t[r] = (curve.bid - bought).max(0.0);
    }
    Some(out)
}

/// The two books of one clearing, with the call shape the tests use:
/// push orders into `books`, [`Market::clear`], [`Market::clear_books`] for the next one.
#[derive(Debug, Clone, Default)]
pub struct Market {
    /// The books, indexed by region (China, rest of world).
    pub books: [RegionBook; 2],
    /// Per region, whether each order given to [`Market::push`] was an offer, in order.
    pushed: [Vec<bool>; 2],
}

impl Market {
    /// Two empty books.
    pub fn new() -> Self {
        Market::default()
    }

    /// The book of a region.
    pub fn book_mut(&mut self, region: remsim_core::Region) -> &mut RegionBook {
        &mut self.books[region.index()]
    }

    /// Empties both books.
    pub fn clear_books(&mut self) {
        self.books.iter_mut().for_each(RegionBook::clear);
        self.pushed.iter_mut().for_each(Vec::clear);
    }

    /// Adds an offer or a bid of `q` t at `p` USD/kg to region `r` (0: China).
    pub fn push(&mut self, r: usize, is_offer: bool, q: f64, p: f64) {
        if is_offer {
            self.books[r].push_offer(Offer::new(q, p));
        } else {
            self.books[r].push_bid(Bid::new(q, p));
        }
        self.pushed[r].push(is_offer);
    }

    /// Region `r`'s fills of `out` as net supply (sold +, bought −), in [`Market::push`]
    /// order: what a single-step schedule participant per order must get.
    pub fn net_fills(&self, out: &Clearing, r: usize) -> Vec<f64> {
        let (mut offers, mut bids) = (out.offer_fill_t[r].iter(), out.bid_fill_t[r].iter());
        self.pushed[r]
            .iter()
            .map(|&is_offer| {
                let fill = if is_offer { offers.next() } else { bids.next() };
                let fill = fill.copied().unwrap_or(f64::NAN);
                if is_offer { fill } else { -fill }
            })
            .collect()
    }

    /// The reference clearing of the books into `out`; an error (and `out` untouched) when
    /// some input is invalid.
    pub fn clear(
        &self,
        link: Link,
        bounds: PriceBounds,
        reference_price: [f64; 2],
        out: &mut Clearing,
    ) -> Result<(), &'static str> {
        *out = clear(&self.books, link, bounds, reference_price).ok_or("invalid input")?;
        Ok(())
    }
}
