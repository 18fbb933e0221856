//! Clearing of piecewise-linear schedules: a region's [`Participants`] over shared price
//! breakpoints, summed into its [`Schedule`]; [`ScheduleMarket`] clears two regions
//! through the export link into a [`ScheduleClearing`], whose [`Position`] gives each
//! participant's fill.
//!
//! Order books trade discrete orders, so a stock holder whose desired stock varies smoothly
//! with price would be cut into many small orders (the simulation once used 25 price levels
//! for each holder and 13 for each group of end users, some 40 orders per book and 1,240 a
//! month). Here a participant is instead a monotone
//! piecewise-linear *net supply* schedule (tonnes sold minus tonnes bought, as a function of
//! price) given by its values at breakpoints shared by all participants of the region. A
//! discrete order is the special case of a schedule with one jump: a bid of `q` t at
//! reservation `p` is `-q` below `p` and `0` above; an offer of `q` t at ask `p` is `0` below
//! `p` and `q` above. A book of a few dozen breakpoints is cleared by locating the export
//! flow among the schedules' pieces, with no sorting.
//!
//! # Schedules
//!
//! Breakpoint `m` has a price `p_m` (non-decreasing in `m`) and, for each participant `j`, a
//! *left* value `l_mj` (the net supply just below `p_m`) and a *right* value `r_mj` (just
//! above); `r_mj - l_mj` is the participant's jump (orders at exactly `p_m`). Between two
//! breakpoints a participant's net supply is linear in price, from `r_mj` to `l_(m+1)j`;
//! outside the first and last breakpoints it is constant. Every participant must be
//! non-decreasing in price (`l_mj <= r_mj <= l_(m+1)j`), non-positive at the lowest price
//! (`l_0j <= 0`: nobody sells below every price) and non-negative at the highest
//! (`r_Mj >= 0`: nobody buys above every price). Prices are within [`PriceBounds`]. The
//! market checks the region's totals (a [`Schedule`]) and refuses invalid ones with a
//! [`MarketError`]; [`Participants::invalid`] checks each participant where a caller's
//! participants are not valid by construction.
//!
//! # Clearing
//!
//! The region's net supply `N(p)` is the sum of its participants. A region exporting `x`
//! tonnes (China `x = f`, the rest of world `x = -f`) sits where `N = x`: inside a jump at
//! `p_m` (the offers at exactly `p_m` sell first and the bids there are served before
//! anyone is rationed; the long side is rationed pro rata by quantity), on a sloped stretch
//! (every participant at the same fraction of the stretch), or on a flat stretch, where
//! every price between its ends clears. The flow is the competitive equilibrium, as for the
//! order books: `f = 0` when the rest-of-world price is no more than the wedge above
//! China's, the capacity when the spread exceeds the wedge there, and in between the flow at
//! which the spread equals the wedge. The spread is piecewise linear in the flow, with a
//! kink or jump where either region crosses from one piece of its schedule to the next; the
//! flow is bracketed at those crossings (`O(log breakpoints)` positions) and then solved in
//! closed form on the last linear piece. Prices follow the order books' rule: a region
//! whose admissible prices form an interval takes its midpoint when both ends are set by
//! breakpoints, and its reference price clamped into the interval when an end is only the
//! floor or cap; when `0 < f < capacity` the spread is pinned to the wedge. A book of
//! single orders clears exactly as the reference order-book solver under `tests/reference/`
//! does (`tests/schedule.rs`).
//!
//! Each participant's fill (its net supply at the clearing) adds up with the others of its
//! region to the region's export up to float rounding (of order 1e-15 of the volume); a
//! caller that needs the sum exact puts the residual on one participant (the simulation
//! puts it on its stock holder).

use crate::error::MarketError;
use crate::flow::{Bracket, find_flow};
use crate::link::{Link, PriceBounds};
use crate::participants::Values;
use remsim_core::Region;
use std::cell::Cell;

/// One region's total net supply of one element and tick, as a piecewise-linear schedule
/// (see the module docs): what [`ScheduleMarket`] clears. Buffers keep their room, so
/// refilling a schedule every tick does not allocate.
#[derive(Debug, Clone, Default)]
pub struct Schedule {
    pub(crate) prices: Vec<f64>,
    /// The region's total at each breakpoint.
    pub(crate) net: Vec<Values>,
}

impl Schedule {
    /// An empty schedule.
    pub fn new() -> Self {
        Schedule::default()
    }

    /// Empties the schedule, keeping its room.
    pub fn reset(&mut self) {
        self.prices.clear();
        self.net.clear();
    }

    /// Number of breakpoints.
    pub fn len(&self) -> usize {
        self.prices.len()
    }

    /// Whether the schedule has no breakpoint.
    pub fn is_empty(&self) -> bool {
        self.prices.is_empty()
    }

    /// Appends a breakpoint at `price_usd_per_kg` (not below the previous one) with the
    /// region's total net supply just below and above it. [`Participants::total_into`]
    /// writes these from participants; a caller may also sum its participants itself and
    /// share a [`Position`] among them as [`Participants::fills`] does.
    #[inline]
    pub fn push_net(&mut self, price_usd_per_kg: f64, net: Values) {
        self.prices.push(price_usd_per_kg);
        self.net.push(net);
    }

    /// Resizes to `n` breakpoints and returns their prices and totals, for a caller that
    /// writes every one of them whole, in order (as [`Schedule::push_net`] would append
    /// them): what they hold before is unspecified (the previous schedule's, or zeros).
    #[inline]
    pub fn overwrite(&mut self, n: usize) -> (&mut [f64], &mut [Values]) {
        self.prices.resize(n, 0.0);
        self.net.resize(n, Values::default());
        (&mut self.prices, &mut self.net)
    }

    /// Checks the schedule: prices in order and within the bounds, totals finite and
    /// non-decreasing. Rounding in a caller's sums may leave a total a few ulps below the
    /// previous one; such dips (below 1e-12 of the largest total seen so far) are levelled
    /// rather than refused.
    fn check(&mut self, region: Region, bounds: PriceBounds) -> Result<(), MarketError> {
        if self.is_clean(bounds) {
            return Ok(());
        }
        self.check_levelling(region, bounds)
    }

    /// Whether the schedule passes [`Schedule::check`] with nothing to level: every
    /// condition of the check holds without a dip. One branch-free pass; the check proper
    /// (with its tolerance) runs only when this fails, and does nothing else when this
    /// holds, so the two agree.
    ///
    /// Only neighbours are compared: the prices form the chain `floor <= p_0 <= p_1 <=
    /// ... <= cap` and the values `l_0 <= r_0 <= l_1 <= ...`, and a comparison with NaN
    /// fails, so a NaN anywhere breaks its chain. The bounds are finite (checked before),
    /// so an infinite price breaks the first; an infinite value can only sit at an end of
    /// the second, where the ends' own tests catch it.
    fn is_clean(&self, bounds: PriceBounds) -> bool {
        let mut previous_price = bounds.floor_usd_per_kg;
        let mut previous = f64::NEG_INFINITY;
        let mut ok = true;
        for (&price, v) in self.prices.iter().zip(&self.net) {
            ok &= (previous_price <= price) & (previous <= v.left_t) & (v.left_t <= v.right_t);
            previous_price = price;
            previous = v.right_t;
        }
        match (self.net.first(), self.net.last()) {
            (Some(first), Some(last)) => {
                ok & (previous_price <= bounds.cap_usd_per_kg)
                    & (first.left_t <= 0.0)
                    & (first.left_t > f64::NEG_INFINITY)
                    & (last.right_t >= 0.0)
                    & (last.right_t < f64::INFINITY)
            }
            _ => ok,
        }
    }

    /// [`Schedule::check`] in full: levels rounding dips, then refuses what is left.
    fn check_levelling(&mut self, region: Region, bounds: PriceBounds) -> Result<(), MarketError> {
        let mut previous_price = bounds.floor_usd_per_kg;
        let mut previous = f64::NEG_INFINITY;
        let mut gross = 0.0f64;
        for (m, (&price, v)) in self.prices.iter().zip(self.net.iter_mut()).enumerate() {
            // Rounding dips are levelled, against the largest total so far (sums of terms
            // that nearly cancel are that far from exact).
            gross = gross.max(v.left_t.abs()).max(v.right_t.abs());
            let scale = || 1e-12 * (1.0 + gross);
            if v.left_t < previous && v.left_t >= previous - scale() {
                v.left_t = previous;
            }
            if v.right_t < v.left_t && v.right_t >= v.left_t - scale() {
                v.right_t = v.left_t;
            }
            let jump = v.right_t - v.left_t;
            if !(price.is_finite() && price >= previous_price && price <= bounds.cap_usd_per_kg) {
                return Err(MarketError::SchedulePrice {
                    region,
                    breakpoint: m,
                    value: price,
                });
            }
            previous_price = price;
            if !(v.left_t.is_finite()
                && v.right_t.is_finite()
                && previous <= v.left_t
                && jump >= 0.0
                && (m > 0 || v.left_t <= 0.0))
            {
                return Err(MarketError::ScheduleValues {
                    region,
                    breakpoint: m,
                    left_t: v.left_t,
                    right_t: v.right_t,
                });
            }
            previous = v.right_t;
        }
        if previous < 0.0 && previous.is_finite() {
            let m = self.prices.len() - 1;
            return Err(MarketError::ScheduleValues {
                region,
                breakpoint: m,
                left_t: self.net[m].left_t,
                right_t: self.net[m].right_t,
            });
        }
        Ok(())
    }

    /// Lowest and highest net supply the region can reach.
    fn range(&self) -> (f64, f64) {
        match (self.net.first(), self.net.last()) {
            (Some(first), Some(last)) => (first.left_t.min(0.0), last.right_t.max(0.0)),
            _ => (0.0, 0.0),
        }
    }

    /// Where net supply `x` lies: the piece and the admissible price interval.
    ///
    /// `hint` holds the breakpoint the last search of this schedule found (the searches of
    /// one clearing lie close together); it is used when it is still the answer, checked
    /// against its neighbours, and updated.
    fn locate(&self, x: f64, floor: f64, cap: f64, hint: &Cell<usize>) -> Located {
        self.locate_ends::<true>(x, floor, cap, hint)
    }

    /// [`Schedule::locate`] without the highest clearing price (`hi` is `lo`): the piece
    /// and the lowest price, all the flow search reads of the rest of world.
    fn locate_lowest(&self, x: f64, floor: f64, cap: f64, hint: &Cell<usize>) -> Located {
        self.locate_ends::<false>(x, floor, cap, hint)
    }

    /// [`Schedule::locate`], the highest price worked out only if `HIGHEST`.
    #[inline(always)]
    fn locate_ends<const HIGHEST: bool>(
        &self,
        x: f64,
        floor: f64,
        cap: f64,
        hint: &Cell<usize>,
    ) -> Located {
        let net = self.net.as_slice();
        let m = net.len();
        // As long as the values (one price per breakpoint): tells the compiler so, which
        // spares the bounds checks of the prices below.
        let prices = &self.prices[..m];
        if m == 0 {
            return Located {
                piece: Piece::Point { index: 0, up: 0.0 },
                lo: floor,
                hi: cap,
                soft_lo: true,
                soft_hi: true,
            };
        }
        let interpolate = |lower: usize, x: f64| {
            let (a, b) = (net[lower].right_t, net[lower + 1].left_t);
            let t = if b > a {
                ((x - a) / (b - a)).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let price = prices[lower] + t * (prices[lower + 1] - prices[lower]);
            (t, price)
        };
        // The piece, and the lowest clearing price: the first breakpoint whose right value
        // reaches x, or the stretch before it.
        // The right values of a checked schedule do not fall, so the breakpoint is the one
        // whose predecessor is below x and which is not: the hint if it is that one.
        let h = hint.get();
        let i = if h <= m && (h == 0 || net[h - 1].right_t < x) && (h == m || net[h].right_t >= x) {
            h
        } else {
            net.partition_point(|v| v.right_t < x)
        };
        hint.set(i);
        // The highest clearing price: the last breakpoint whose left value is at most x, or
        // the stretch after it.
        // Every breakpoint before `i` has its left value below x, so the search starts at
        // `i` (and rarely goes far: only across flat stretches).
        let highest = || {
            let mut j = i;
            while j < m && net[j].left_t <= x {
                j += 1;
            }
            if j == 0 {
                (prices[0], false)
            } else {
                let k = j - 1;
                if k == m - 1 && x >= net[k].right_t {
                    (cap, true)
                } else if x <= net[k].right_t {
                    (prices[k], false)
                } else {
                    (interpolate(k, x).1, false)
                }
            }
        };
        if i > 0 && i < m && x < net[i].left_t {
            // On the stretch before breakpoint `i`. The highest price is the same point:
            // its search stops at once (x is below `i`'s left value), on the stretch after
            // `i - 1` (x is above its right value, `i` being the first that reaches x),
            // where it interpolates as here. So it is not searched for.
            let (t, price) = interpolate(i - 1, x);
            debug_assert_eq!(highest().0.to_bits(), price.to_bits());
            return Located {
                piece: Piece::Segment { upper: i, t },
                lo: price,
                hi: price,
                soft_lo: false,
                soft_hi: false,
            };
        }
        let (piece, lo, soft_lo) = if i == m {
            // Above everything the region can reach: the top (the flow never asks this).
            let piece = Piece::Point {
                index: m - 1,
                up: f64::INFINITY,
            };
            (piece, prices[m - 1], false)
        } else {
            let piece = Piece::Point {
                index: i,
                up: (x - net[i].left_t).max(0.0),
            };
            if i == 0 && x <= net[0].left_t {
                // Nothing below the first breakpoint changes: any lower price clears too.
                (piece, floor, true)
            } else {
                (piece, prices[i], false)
            }
        };
        if !HIGHEST {
            return Located {
                piece,
                lo,
                hi: lo,
                soft_lo,
                soft_hi: false,
            };
        }
        let (hi, soft_hi) = highest();
        Located {
            piece,
            lo,
            hi: hi.max(lo),
            soft_lo,
            soft_hi,
        }
    }

    /// The region's position, at net supply `x`, as its participants see it. Breakpoints
    /// that share a price are one price: a position in any of their jumps, or on the
    /// zero-width stretches between them, is a position in their joint jump, so that its
    /// offers and bids are rationed together however the caller split them.
    fn position(&self, piece: Piece, x: f64) -> Position {
        let index = match piece {
            Piece::Point { index, .. } => index,
            Piece::Segment { upper, .. } if self.prices[upper - 1] == self.prices[upper] => upper,
            Piece::Segment { upper, t } => return Position::Stretch { upper, t },
        };
        let price = self.prices[index];
        let mut first = index;
        while first > 0 && self.prices[first - 1] == price {
            first -= 1;
        }
        let mut last = index;
        while last + 1 < self.prices.len() && self.prices[last + 1] == price {
            last += 1;
        }
        Position::Jump {
            index: first,
            last,
            up_t: (x - self.net[first].left_t).max(0.0),
            jump_t: self.net[last].right_t - self.net[first].left_t,
        }
    }
}

/// Where a region cleared on its schedule; [`Participants::fills`] shares it among the
/// participants.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Position {
    /// In the joint jump of breakpoints `index..=last` (one price), `up_t` tonnes above
    /// the region's total just below it, out of a jump of `jump_t` tonnes.
    Jump {
        /// The first breakpoint at the price.
        index: usize,
        /// The last breakpoint at the price.
        last: usize,
        /// How far up the jump the region sits, t.
        up_t: f64,
        /// The region's whole jump at the breakpoint, t.
        jump_t: f64,
    },
    /// On the stretch from breakpoint `upper - 1` to `upper`, a fraction `t` of the way.
    Stretch {
        /// The breakpoint that ends the stretch.
        upper: usize,
        /// Fraction of the way along the stretch, in `[0, 1]`.
        t: f64,
    },
}

impl Default for Position {
    fn default() -> Self {
        Position::Jump {
            index: 0,
            last: 0,
            up_t: 0.0,
            jump_t: 0.0,
        }
    }
}

/// Where a region sits on its total schedule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Piece {
    /// In the jump at breakpoint `index`, `up` tonnes above its left total.
    Point { index: usize, up: f64 },
    /// On the stretch from breakpoint `upper - 1` to `upper`, a fraction `t` of the way.
    Segment { upper: usize, t: f64 },
}

/// A position and the prices that clear it: `[lo, hi]`, an end *soft* when only the floor
/// or cap sets it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Located {
    pub(crate) piece: Piece,
    pub(crate) lo: f64,
    pub(crate) hi: f64,
    pub(crate) soft_lo: bool,
    pub(crate) soft_hi: bool,
}

impl Located {
    /// China's prices that keep both regions in their intervals with the spread at the
    /// wedge (possibly empty).
    fn joint(iv: [Located; 2], wedge: f64) -> Located {
        let (lo, soft_lo) = tighter(
            iv[0].lo,
            iv[0].soft_lo,
            iv[1].lo - wedge,
            iv[1].soft_lo,
            true,
        );
        let (hi, soft_hi) = tighter(
            iv[0].hi,
            iv[0].soft_hi,
            iv[1].hi - wedge,
            iv[1].soft_hi,
            false,
        );
        Located {
            piece: iv[0].piece,
            lo,
            hi,
            soft_lo,
            soft_hi,
        }
    }

    /// The order books' price rule: the midpoint when both ends are hard, else the
    /// reference clamped into the interval.
    fn pick(&self, reference: f64) -> f64 {
        if self.soft_lo || self.soft_hi {
            reference.clamp(self.lo, self.hi.max(self.lo))
        } else {
            0.5 * (self.lo + self.hi)
        }
    }
}

/// The result of a [`ScheduleMarket::clear`]. Arrays over regions are indexed by
/// [`Region::index`]; fill vectors are indexed like the region's participants.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScheduleClearing {
    /// Uniform price of each region, in USD/kg.
    pub price_usd_per_kg: [f64; 2],
    /// Tonnes exported China → rest of world.
    pub flow_t: f64,
    /// Whether the export quota binds (flow at capacity, spread above the wedge).
    pub link_binding: bool,
    /// Where each region cleared on its schedule: each participant's part follows from
    /// it ([`Participants::fills`]).
    pub position: [Position; 2],
}

/// [`ScheduleMarket`]'s hints for the searches at zero flow.
const AT_ZERO: usize = 0;
/// … at the most that can flow.
const AT_MAX: usize = 1;
/// … in the flow search, and the final position.
const IN_SEARCH: usize = 2;

/// Two regional [`Schedule`]s of one element, cleared through the export link.
#[derive(Debug, Clone, Default)]
pub struct ScheduleMarket {
    /// The schedules, indexed by [`Region::index`].
    pub schedules: [Schedule; 2],
    /// Where the last clearing's searches ended on each schedule, the first guess of the
    /// next one (a month's schedules look like the last month's); a guess is used only when
    /// it is the answer, so it saves time and changes no result. One pair (China, rest of
    /// world) for each kind of search, since each lands in its own place month after
    /// month: at zero flow ([`AT_ZERO`]), at the most that can flow ([`AT_MAX`]), and in
    /// the flow search with the final position ([`IN_SEARCH`]). One shared pair was missed
    /// by a third of the searches, each then a binary search.
    hints: [[usize; 2]; 3],
    /// Where the last flow search ended, where the next one looks first (again only a
    /// guess: see `find_flow`).
    bracket: Bracket,
}

impl ScheduleMarket {
    /// A market with empty schedules.
    pub fn new() -> Self {
        ScheduleMarket::default()
    }

    /// Clears the two schedules through `link` into `out` (see the module docs).
    /// `reference_price` (by region) fixes prices where the schedules leave them open.
    ///
    /// # Errors
    /// Refuses NaN, infinite or negative link, bounds or reference prices, breakpoint prices
    /// out of order or outside the bounds, and region totals that are not finite, fall with
    /// price, sell below the first breakpoint or buy above the last (participants are the
    /// caller's to check, [`Participants::invalid`]); `out` is then left untouched. The
    /// schedules' rounding dips are levelled in place either way.
    pub fn clear(
        &mut self,
        link: Link,
        bounds: PriceBounds,
        reference_price: [f64; 2],
        out: &mut ScheduleClearing,
    ) -> Result<(), MarketError> {
        crate::link::validate_scalars(link, bounds)?;
        let (floor, cap) = (bounds.floor_usd_per_kg, bounds.cap_usd_per_kg);
        for (r, schedule) in self.schedules.iter_mut().enumerate() {
            let region = Region::ALL[r];
            let value = reference_price[r];
            if !(value.is_finite() && value >= 0.0) {
                return Err(MarketError::ReferencePrice { region, value });
            }
            schedule.check(region, bounds)?;
        }
        let reference = reference_price.map(|p| p.clamp(floor, cap));
        let [cn, row] = &self.schedules;
        let wedge = link.wedge_usd_per_kg;
        let capacity = link.capacity_t;
        // Most China can export and the rest of world can take.
        let flow_max = capacity.min(cn.range().1).min(-row.range().0).max(0.0);
        // The marginal spread of one more tonne exported at flow f is the rest of world's
        // lowest clearing price minus China's highest (non-increasing in f); the spread of
        // the last tonne at the most that can flow is its highest minus China's lowest.
        let hints = self.hints.map(|pair| pair.map(Cell::new));
        let locate_with = |f: f64, hint: usize| {
            [
                cn.locate(f, floor, cap, &hints[hint][0]),
                row.locate(-f, floor, cap, &hints[hint][1]),
            ]
        };
        let locate = |f: f64| locate_with(f, IN_SEARCH);
        // The flow search reads only the pieces and the spread, the rest of world's lowest
        // price less China's highest: the rest of world's highest is not worked out.
        let search = |f: f64| {
            [
                cn.locate(f, floor, cap, &hints[IN_SEARCH][0]),
                row.locate_lowest(-f, floor, cap, &hints[IN_SEARCH][1]),
            ]
        };
        let at_zero = locate_with(0.0, AT_ZERO);
        let (flow, at, interior) = if flow_max <= 0.0 || at_zero[1].lo - at_zero[0].hi <= wedge {
            (0.0, at_zero, false)
        } else {
            let at_max = locate_with(flow_max, AT_MAX);
            if at_max[1].hi - at_max[0].lo > wedge {
                (flow_max, at_max, false)
            } else {
                let flow = find_flow(
                    &search,
                    [cn, row],
                    at_zero,
                    at_max,
                    flow_max,
                    wedge,
                    &mut self.bracket,
                );
                (flow, locate(flow), true)
            }
        };
        let own = [at[0].pick(reference[0]), at[1].pick(reference[1])];
        let spread = own[1] - own[0];
        let consistent = if capacity <= 0.0 {
            true // a closed link says nothing about the spread
        } else if flow >= capacity {
            spread >= wedge
        } else if flow <= 0.0 && !interior {
            spread <= wedge
        } else {
            false // 0 < flow < capacity: the spread must equal the wedge
        };
        let price = if consistent {
            own
        } else {
            // Pin the spread to the wedge: China's price in its interval and in the rest of
            // world's shifted down by the wedge.
            let mut joint = Located::joint(at, wedge);
            if interior && joint.lo > joint.hi {
                // The flow sits where a flat stretch makes a price jump: take the intervals
                // over a rounding-width neighbourhood of the flow.
                let eps = flow_max * 1e-12;
                let below = locate((flow - eps).max(0.0));
                let above = locate((flow + eps).min(flow_max));
                let mut iv = at;
                // China's price rises with the flow, the rest of world's falls.
                let widened = [(below[0], above[0]), (above[1], below[1])];
                for (interval, (low, high)) in iv.iter_mut().zip(widened) {
                    if low.lo < interval.lo {
                        (interval.lo, interval.soft_lo) = (low.lo, low.soft_lo);
                    }
                    if high.hi > interval.hi {
                        (interval.hi, interval.soft_hi) = (high.hi, high.soft_hi);
                    }
                }
                joint = Located::joint(iv, wedge);
            }
            joint.hi = joint.hi.max(joint.lo); // empty only by rounding
            let p0 = joint
                .pick(0.5 * reference[0] + 0.5 * (reference[1] - wedge))
                .clamp(floor, cap);
            [p0, (p0 + wedge).clamp(floor, cap)]
        };
        self.hints = hints.map(|pair| pair.map(Cell::into_inner));
        out.price_usd_per_kg = price;
        out.flow_t = flow;
        out.link_binding = flow >= capacity && price[1] - price[0] > wedge;
        for (r, schedule) in self.schedules.iter().enumerate() {
            out.position[r] = if schedule.is_empty() {
                Position::default()
            } else {
                schedule.position(at[r].piece, [flow, -flow][r])
            };
        }
        Ok(())
    }
}

/// The tighter of two interval ends (the larger for a lower end), hard if it comes from a
/// breakpoint; on a tie, hard if either is (as the order books' rule).
fn tighter(a: f64, a_soft: bool, b: f64, b_soft: bool, lower: bool) -> (f64, bool) {
    if a == b {
        (a, a_soft && b_soft)
    } else if (a > b) == lower {
        (a, a_soft)
    } else {
        (b, b_soft)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::participants::Participants;

    const BOUNDS: PriceBounds = PriceBounds {
        floor_usd_per_kg: 0.0,
        cap_usd_per_kg: 1000.0,
    };

    /// Clears two regions' participants; returns the clearing and each region's fills.
    fn clear<const N: usize>(
        parts: &[Participants<N>; 2],
        link: Link,
        reference: [f64; 2],
    ) -> Result<(ScheduleClearing, [[f64; N]; 2]), MarketError> {
        let mut market = ScheduleMarket::new();
        for (p, s) in parts.iter().zip(&mut market.schedules) {
            p.total_into(s);
        }
        let mut out = ScheduleClearing::default();
        market.clear(link, BOUNDS, reference, &mut out)?;
        let fills = std::array::from_fn(|r| parts[r].fills(out.position[r]).net_supply_t);
        Ok((out, fills))
    }

    /// The check as it was before finiteness was left to the comparisons.
    fn is_clean_with_finiteness_tests(s: &Schedule, bounds: PriceBounds) -> bool {
        let mut previous_price = bounds.floor_usd_per_kg;
        let mut previous = f64::NEG_INFINITY;
        let mut ok = true;
        for (&price, v) in s.prices.iter().zip(&s.net) {
            ok &= price.is_finite()
                & (price >= previous_price)
                & (price <= bounds.cap_usd_per_kg)
                & v.left_t.is_finite()
                & v.right_t.is_finite()
                & (previous <= v.left_t)
                & (v.left_t <= v.right_t);
            previous_price = price;
            previous = v.right_t;
        }
        match (s.net.first(), s.net.last()) {
            (Some(first), Some(last)) => ok && first.left_t <= 0.0 && last.right_t >= 0.0,
            _ => ok,
        }
    }

    /// Values that are often equal, sometimes NaN or infinite.
    fn odd_value() -> impl proptest::strategy::Strategy<Value = f64> {
        use proptest::prelude::*;
        prop_oneof![
            6 => (-3i8..4).prop_map(f64::from),
            1 => Just(f64::NAN),
            1 => Just(f64::INFINITY),
            1 => Just(f64::NEG_INFINITY),
            1 => Just(-0.0),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]

        /// The quick check agrees with the one that tests every value for finiteness.
        #[test]
        fn is_clean_needs_no_finiteness_tests(
            rows in proptest::collection::vec((odd_value(), odd_value(), odd_value()), 0..5),
        ) {
            let mut s = Schedule::new();
            for (price, left, right) in rows {
                s.push_net(price + 1.5, Values::jump(left, right));
            }
            let bounds = PriceBounds { floor_usd_per_kg: 0.0, cap_usd_per_kg: 4.0 };
            proptest::prop_assert_eq!(s.is_clean(bounds), is_clean_with_finiteness_tests(&s, bounds));
        }
    }

    #[test]
    fn offer_and_bid_as_steps_clear_like_an_order_book() {
        let mut parts = [Participants::<1>::new(), Participants::new()];
        parts[0].add_order(0, 10.0, 40.0, true);
        parts[1].add_order(0, 40.0, 50.0, false);
        let link = Link {
            capacity_t: 20.0,
            wedge_usd_per_kg: 5.0,
        };
        let (out, fills) = clear(&parts, link, [10.0, 40.0]).unwrap();
        assert_eq!(out.flow_t, 20.0);
        assert_eq!(out.price_usd_per_kg, [10.0, 40.0]);
        assert!(out.link_binding);
        assert_eq!(fills, [[20.0], [-20.0]]);
        assert_eq!(parts[1].fills(out.position[1]).unserved_t, [30.0]);
    }

    #[test]
    fn linear_supply_meets_linear_demand_in_closed_form() {
        // Supply 0..100 t over 0..100 USD/kg, demand 100..0 t over the same prices:
        // they cross at 50 USD/kg and 50 t.
        let mut parts = [Participants::<2>::new(), Participants::new()];
        *parts[0].push_point(0.0) = [Values::flat(0.0), Values::flat(-100.0)];
        *parts[0].push_point(100.0) = [Values::flat(100.0), Values::flat(0.0)];
        let (out, fills) = clear(&parts, Link::CLOSED, [1.0, 1.0]).unwrap();
        assert!((out.price_usd_per_kg[0] - 50.0).abs() < 1e-12);
        assert!((fills[0][0] - 50.0).abs() < 1e-12);
        assert!((fills[0][1] + 50.0).abs() < 1e-12);
    }

    #[test]
    fn flow_equalises_prices_up_to_the_wedge() {
        // China: supply 0..200 t over 0..100 USD/kg, nobody buying; rest of world: demand
        // 200..0 t over 0..100 USD/kg. With a wedge of 10, f = 90 t at 45 and 55 USD/kg.
        let mut parts = [Participants::<1>::new(), Participants::new()];
        *parts[0].push_point(0.0) = [Values::flat(0.0)];
        *parts[0].push_point(100.0) = [Values::flat(200.0)];
        *parts[1].push_point(0.0) = [Values::flat(-200.0)];
        *parts[1].push_point(100.0) = [Values::flat(0.0)];
        let link = Link {
            capacity_t: 1000.0,
            wedge_usd_per_kg: 10.0,
        };
        let (out, fills) = clear(&parts, link, [50.0, 50.0]).unwrap();
        assert!((out.flow_t - 90.0).abs() < 1e-9, "{out:?}");
        assert!((out.price_usd_per_kg[0] - 45.0).abs() < 1e-9, "{out:?}");
        assert!((out.price_usd_per_kg[1] - 55.0).abs() < 1e-9, "{out:?}");
        assert!(!out.link_binding);
        assert!((fills[0][0] - 90.0).abs() < 1e-9 && (fills[1][0] + 90.0).abs() < 1e-9);
    }

    #[test]
    fn falling_totals_are_refused_and_bad_participants_found() {
        let mut parts = [Participants::<1>::new(), Participants::new()];
        *parts[0].push_point(1.0) = [Values::flat(-5.0)];
        *parts[0].push_point(2.0) = [Values::flat(-6.0)];
        assert_eq!(parts[0].invalid(), Some((1, 0)));
        let err = clear(&parts, Link::CLOSED, [1.0, 1.0]).unwrap_err();
        assert!(
            matches!(err, MarketError::ScheduleValues { breakpoint: 1, .. }),
            "{err}"
        );
    }

    #[test]
    fn bids_and_offers_at_one_price_trade_before_anyone_is_rationed() {
        // At the cap a holder offers 100 t and buyers bid 80 t: all 80 t trade.
        let mut parts = [Participants::<2>::new(), Participants::new()];
        *parts[0].push_point(1000.0) = [Values::jump(0.0, 100.0), Values::jump(-80.0, 0.0)];
        let (out, fills) = clear(&parts, Link::CLOSED, [5.0, 5.0]).unwrap();
        assert_eq!(out.price_usd_per_kg[0], 1000.0);
        assert_eq!(fills[0], [80.0, -80.0]);
        assert_eq!(parts[0].fills(out.position[0]).unserved_t, [0.0, 0.0]);
    }
}
