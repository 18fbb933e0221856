//! A region's [`Participants`] of one element and tick: each a monotone piecewise-linear
//! net supply schedule given by its [`Values`] at breakpoints shared by the region (see the
//! `schedule` module docs), summed into the region's [`Schedule`]; and the [`Fills`] each
//! gets at the region's clearing [`Position`].

use crate::schedule::{Position, Schedule};

/// A left/right pair of net supply values at one breakpoint, in t.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Values {
    /// Net supply just below the breakpoint's price, in t.
    pub left_t: f64,
    /// Net supply just above the breakpoint's price, in t.
    pub right_t: f64,
}

impl Values {
    /// A participant without a jump at this breakpoint.
    #[inline]
    pub fn flat(value_t: f64) -> Values {
        Values {
            left_t: value_t,
            right_t: value_t,
        }
    }

    /// A participant with a jump from `left_t` to `right_t` at this breakpoint.
    #[inline]
    pub fn jump(left_t: f64, right_t: f64) -> Values {
        Values { left_t, right_t }
    }
}

/// One region's participants of one element and tick over shared breakpoints, `N` of
/// them, each a piecewise-linear net supply schedule (see the module docs). Fill it, hand
/// its totals to a [`Schedule`] with [`Participants::total_into`], clear, and read each
/// participant's part at the [`Position`] with [`Participants::fills`]. Rows are
/// fixed-size arrays, so summing a row is a short unrolled loop and the buffers keep their
/// room between ticks.
///
/// Participants from `ORDERS_FROM` on (by default none) trade only through orders
/// ([`Participants::add_order`]): the rows pushed carry zeros for them (checked in debug
/// builds), so that until an order is added [`Participants::total_into`] sums the others
/// only; the totals are the same bits as a sum over all of them.
#[derive(Debug, Clone)]
pub struct Participants<const N: usize, const ORDERS_FROM: usize = N> {
    prices: Vec<f64>,
    rows: Vec<[Values; N]>,
    /// Whether an order was added since the rows were cleared.
    ordered: bool,
}

impl<const N: usize, const ORDERS_FROM: usize> Default for Participants<N, ORDERS_FROM> {
    fn default() -> Self {
        Participants {
            prices: Vec::new(),
            rows: Vec::new(),
            ordered: false,
        }
    }
}

impl<const N: usize, const ORDERS_FROM: usize> Participants<N, ORDERS_FROM> {
    /// The participants summed while no order is added: those before `ORDERS_FROM`.
    const SUMMED: usize = if ORDERS_FROM < N { ORDERS_FROM } else { N };

    /// No breakpoints yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Empties the breakpoints, keeping their room.
    pub fn clear(&mut self) {
        self.prices.clear();
        self.rows.clear();
        self.ordered = false;
    }

    /// Number of breakpoints.
    pub fn len(&self) -> usize {
        self.prices.len()
    }

    /// Whether there is no breakpoint.
    pub fn is_empty(&self) -> bool {
        self.prices.is_empty()
    }

    /// Price of breakpoint `m`, in USD/kg.
    pub fn price(&self, m: usize) -> f64 {
        self.prices[m]
    }

    /// Values of breakpoint `m`, one per participant.
    pub fn row(&self, m: usize) -> &[Values; N] {
        &self.rows[m]
    }

    /// Appends a breakpoint at `price_usd_per_kg` (not below the previous one) with every
    /// participant at zero, and returns its row to fill.
    #[inline]
    pub fn push_point(&mut self, price_usd_per_kg: f64) -> &mut [Values; N] {
        self.prices.push(price_usd_per_kg);
        self.rows.push([Values::default(); N]);
        let last = self.rows.len() - 1;
        &mut self.rows[last]
    }

    /// Appends a breakpoint at `price_usd_per_kg` (not below the previous one) with each
    /// participant's values `row`: [`Participants::push_point`] for a caller that has the
    /// whole row at hand (no zeroed row to overwrite).
    #[inline]
    pub fn push_row(&mut self, price_usd_per_kg: f64, row: [Values; N]) {
        self.prices.push(price_usd_per_kg);
        self.rows.push(row);
    }

    /// Resizes to `n` breakpoints and returns their prices and rows, for a caller that
    /// writes every one of them whole, in order (each price not below the one before): what
    /// they hold before is unspecified (the previous fill's values, or zeros). Each
    /// breakpoint is written in place once: no row built elsewhere and copied, no capacity
    /// check per breakpoint. Clears the record of added orders, as [`Participants::clear`].
    #[inline]
    pub fn overwrite(&mut self, n: usize) -> (&mut [f64], &mut [[Values; N]]) {
        self.ordered = false;
        self.prices.resize(n, 0.0);
        self.rows.resize(n, [Values::default(); N]);
        (&mut self.prices, &mut self.rows)
    }

    /// The total [`Participants::total_into`] writes for `row` while no order is added: a
    /// caller that fills its rows with [`Participants::overwrite`] can write the totals as
    /// it goes ([`Schedule::overwrite`]), the same bits.
    #[inline(always)]
    pub fn row_total(row: &[Values; N]) -> Values {
        sum_from(Values::default(), &row[..Self::SUMMED])
    }

    /// Adds a single order to participant `participant`: a step of `quantity_t` at
    /// `price_usd_per_kg`, an offer (`sell`) or a bid. A breakpoint is inserted at the price
    /// if there is none, with every participant's value there interpolated on its stretch,
    /// so the order can sit anywhere. `O(breakpoints × N)`.
    pub fn add_order(
        &mut self,
        participant: usize,
        price_usd_per_kg: f64,
        quantity_t: f64,
        sell: bool,
    ) {
        self.ordered = true;
        let at = self.prices.partition_point(|&p| p < price_usd_per_kg);
        if at == self.prices.len() || self.prices[at] != price_usd_per_kg {
            let row = self.values_before(at, price_usd_per_kg);
            self.prices.insert(at, price_usd_per_kg);
            self.rows.insert(at, row);
        }
        let (below, jump, above) = if sell {
            (0.0, Values::jump(0.0, quantity_t), quantity_t)
        } else {
            (-quantity_t, Values::jump(-quantity_t, 0.0), 0.0)
        };
        // The rows below, at and above the order, each a plain loop.
        let (lower, rest) = self.rows.split_at_mut(at);
        let add = |rows: &mut [[Values; N]], add: Values| {
            for row in rows {
                row[participant].left_t += add.left_t;
                row[participant].right_t += add.right_t;
            }
        };
        add(lower, Values::flat(below));
        if let Some((row, upper)) = rest.split_first_mut() {
            add(std::slice::from_mut(row), jump);
            add(upper, Values::flat(above));
        }
    }

    /// Every participant's value at `price` for a breakpoint about to be inserted at index
    /// `at` (strictly between breakpoints `at - 1` and `at`, or outside them).
    fn values_before(&self, at: usize, price: f64) -> [Values; N] {
        let m = self.prices.len();
        if m == 0 {
            return [Values::flat(0.0); N];
        }
        if at == 0 {
            return std::array::from_fn(|j| Values::flat(self.rows[0][j].left_t));
        }
        if at == m {
            return std::array::from_fn(|j| Values::flat(self.rows[m - 1][j].right_t));
        }
        let (p0, p1) = (self.prices[at - 1], self.prices[at]);
        let (before, after) = (&self.rows[at - 1], &self.rows[at]);
        if p1 > p0 {
            // The same fraction for every participant, worked out once.
            let w = (price - p0) / (p1 - p0);
            std::array::from_fn(|j| {
                let (v0, v1) = (before[j].right_t, after[j].left_t);
                Values::flat(v0 + w * (v1 - v0))
            })
        } else {
            std::array::from_fn(|j| Values::flat(before[j].right_t))
        }
    }

    /// Writes the region's totals into `schedule` (reset first).
    pub fn total_into(&self, schedule: &mut Schedule) {
        schedule.reset();
        // Whole columns at a time (sized extends, no per-item capacity checks); each sum
        // runs over the participants in order, as one `push_net` per row would.
        schedule.prices.extend_from_slice(&self.prices);
        if self.ordered || Self::SUMMED == N {
            schedule
                .net
                .extend(self.rows.iter().map(|row| sum_from(Values::default(), row)));
        } else {
            // The order-only participants are all +0 here, and adding +0 changes no sum
            // that starts from +0: only -0 would change (to +0), and such a sum is never
            // -0 (round to nearest gives -0 only for -0 + -0).
            debug_assert!(self.rows.iter().all(|row| {
                row[Self::SUMMED..]
                    .iter()
                    .all(|v| v.left_t.to_bits() == 0 && v.right_t.to_bits() == 0)
            }));
            schedule.net.extend(self.rows.iter().map(Self::row_total));
        }
    }

    /// Whether `schedule` holds the breakpoints and totals [`Participants::total_into`]
    /// would write, bit for bit (`-0` and `+0` apart): a check for a caller that writes
    /// the totals itself. Allocates nothing.
    pub fn totals_match(&self, schedule: &Schedule) -> bool {
        let full = self.ordered || Self::SUMMED == N;
        let same = |a: f64, b: f64| a.to_bits() == b.to_bits();
        self.prices.len() == schedule.prices.len()
            && self.rows.len() == schedule.net.len()
            && self
                .prices
                .iter()
                .zip(&schedule.prices)
                .all(|(&a, &b)| same(a, b))
            && self.rows.iter().zip(&schedule.net).all(|(row, v)| {
                let total = if full {
                    sum_from(Values::default(), row)
                } else {
                    Self::row_total(row)
                };
                same(total.left_t, v.left_t) && same(total.right_t, v.right_t)
            })
    }

    /// The first participant whose schedule is invalid: values not finite, falling with
    /// price, selling below the first breakpoint or buying above the last, as
    /// `(breakpoint, participant)`. The market checks only the totals it clears; callers
    /// check their participants with this where they are not valid by construction.
    pub fn invalid(&self) -> Option<(usize, usize)> {
        let last = self.rows.len().saturating_sub(1);
        for (m, row) in self.rows.iter().enumerate() {
            for (j, v) in row.iter().enumerate() {
                let before = if m > 0 {
                    self.rows[m - 1][j].right_t
                } else {
                    f64::NEG_INFINITY
                };
                if !(v.left_t.is_finite()
                    && v.right_t.is_finite()
                    && before <= v.left_t
                    && v.left_t <= v.right_t
                    && (m > 0 || v.left_t <= 0.0)
                    && (m < last || v.right_t >= 0.0))
                {
                    return Some((m, j));
                }
            }
        }
        None
    }

    /// Each participant's part at `position`: its net supply (sold minus bought, t) and
    /// its bids at exactly the clearing price that went unserved (t). In a jump, offers at
    /// exactly its price sell first, so that bids at the same price are served before
    /// anyone is rationed (as much trade as the price allows); the long side is rationed
    /// pro rata. All zero in an empty region.
    pub fn fills(&self, position: Position) -> Fills<N> {
        let mut fills = Fills {
            net_supply_t: [0.0; N],
            unserved_t: [0.0; N],
        };
        let rows = self.rows.len();
        match position {
            // An empty region, or a position from another schedule: nothing to share.
            Position::Jump { index, last, .. } if index > last || last >= rows => {}
            Position::Stretch { upper, .. } if upper == 0 || upper >= rows => {}
            Position::Jump {
                index,
                last,
                up_t,
                jump_t,
            } => {
                // Each participant's joint jump over the breakpoints at the price.
                let row: [Values; N] = std::array::from_fn(|j| Values {
                    left_t: self.rows[index][j].left_t,
                    right_t: self.rows[last][j].right_t,
                });
                let offered: f64 = row.iter().fold(0.0, |selling, &v| selling + seller_part(v));
                let selling = offered.clamp(0.0, jump_t.max(0.0));
                let buying = (jump_t - selling).max(0.0);
                let (sell, buy) = if up_t <= selling {
                    (if selling > 0.0 { up_t / selling } else { 0.0 }, 0.0)
                } else if buying > 0.0 {
                    (1.0, ((up_t - selling) / buying).min(1.0))
                } else {
                    (1.0, 0.0)
                };
                for (j, &v) in row.iter().enumerate() {
                    fills.net_supply_t[j] = v.left_t + sell * seller_part(v) + buy * buyer_part(v);
                    fills.unserved_t[j] = buy * buyer_part(v);
                }
            }
            Position::Stretch { upper, t } => {
                for j in 0..N {
                    let a = self.rows[upper - 1][j].right_t;
                    let b = self.rows[upper][j].left_t;
                    fills.net_supply_t[j] = a + t * (b - a);
                }
            }
        }
        fills
    }
}

/// Each participant's part of a clearing ([`Participants::fills`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fills<const N: usize> {
    /// Net supply (sold minus bought), t, by participant.
    pub net_supply_t: [f64; N],
    /// Bids at exactly the clearing price that went unserved, t, by participant.
    pub unserved_t: [f64; N],
}

/// `start` plus each of `values` in order, left and right apart.
#[inline(always)]
fn sum_from(start: Values, values: &[Values]) -> Values {
    values.iter().fold(start, |total, v| Values {
        left_t: total.left_t + v.left_t,
        right_t: total.right_t + v.right_t,
    })
}

/// The selling part of a participant's jump: offers at exactly the breakpoint, in t.
#[inline]
fn seller_part(v: Values) -> f64 {
    v.right_t.max(0.0) - v.left_t.max(0.0)
}

/// The buying part of a participant's jump: bids at exactly the breakpoint, in t.
#[inline]
fn buyer_part(v: Values) -> f64 {
    v.right_t.min(0.0) - v.left_t.min(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each breakpoint's total, as bits.
    fn total_bits<const N: usize, const K: usize>(p: &Participants<N, K>) -> Vec<(u64, u64)> {
        let mut schedule = Schedule::new();
        p.total_into(&mut schedule);
        let net = &schedule.net;
        net.iter()
            .map(|v| (v.left_t.to_bits(), v.right_t.to_bits()))
            .collect()
    }

    /// Fills both with the same rows: the first two participants vary (with -0 among
    /// them, which a sum of +0s turns into +0), the last two trade only through orders.
    fn fill<const K: usize>(p: &mut Participants<4, K>, orders: bool) {
        p.clear();
        let values = [-0.0, 0.1, -0.0, 0.2 + 0.1, 1e-300, -3.0, 7.5];
        for (m, &v) in values.iter().enumerate() {
            let row = p.push_point(m as f64);
            row[0] = Values::flat(v);
            row[1] = Values::jump(-0.0, 0.0);
        }
        p.push_row(
            9.0,
            [
                Values::jump(-0.0, 1.0),
                Values::flat(-0.0),
                Values::default(),
                Values::default(),
            ],
        );
        if orders {
            p.add_order(2, 2.5, 0.7, true);
            p.add_order(3, 1.0, 0.3, false);
        }
    }

    #[test]
    fn order_only_participants_leave_the_totals_bits_as_they_are() {
        for orders in [false, true] {
            let (mut all, mut split) = (Participants::<4>::new(), Participants::<4, 2>::new());
            fill(&mut all, orders);
            fill(&mut split, orders);
            assert_eq!(total_bits(&all), total_bits(&split), "orders: {orders}");
        }
    }

    #[test]
    fn totals_match_sees_a_changed_bit() {
        let mut p = Participants::<4, 2>::new();
        fill(&mut p, false);
        let mut totals = Schedule::new();
        p.total_into(&mut totals);
        assert!(p.totals_match(&totals));
        // The first total is +0 (a sum from +0 of -0s): made -0, it no longer matches;
        // nor does a schedule one breakpoint short.
        let (_, net) = totals.overwrite(p.len());
        assert_eq!(net[0].left_t.to_bits(), 0);
        net[0].left_t = -0.0;
        assert!(!p.totals_match(&totals));
        p.total_into(&mut totals);
        totals.overwrite(p.len() - 1);
        assert!(!p.totals_match(&totals));
    }

    #[test]
    fn rows_written_in_place_give_total_intos_totals() {
        for orders in [false, true] {
            // A buffer holding a previous fill with orders, overwritten whole.
            let mut reused = Participants::<4, 2>::new();
            fill(&mut reused, true);
            let mut fresh = Participants::<4, 2>::new();
            fill(&mut fresh, false);
            let n = fresh.len();
            let mut totals = Schedule::new();
            totals.push_net(-1.0, Values::flat(5.0));
            let (prices, rows) = reused.overwrite(n);
            let (total_prices, net) = totals.overwrite(n);
            for m in 0..n {
                prices[m] = fresh.price(m);
                rows[m] = *fresh.row(m);
                total_prices[m] = fresh.price(m);
                net[m] = Participants::<4, 2>::row_total(fresh.row(m));
            }
            if orders {
                reused.add_order(2, 2.5, 0.7, true);
                fresh.add_order(2, 2.5, 0.7, true);
                reused.total_into(&mut totals);
            }
            assert!(fresh.totals_match(&totals), "orders: {orders}");
            assert!(reused.totals_match(&totals), "orders: {orders}");
            assert_eq!(total_bits(&reused), total_bits(&fresh), "orders: {orders}");
        }
    }
}
