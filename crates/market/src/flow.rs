//! The flow search of a clearing ([`find_flow`]): the bracket of export flows is narrowed at
//! the flows where either region crosses from one piece of its schedule to the next, then
//! the flow is solved in closed form on the last linear piece.
//!
//! The crossings inside a bracket are found by binary search over a region's piece keys
//! ([`crossings`]); they are the same crossings, counted the same way, as a scan of the keys
//! finds ([`crossings_by_scan`], checked against it in debug builds and by the tests), so the
//! search visits the same flows and returns the same bits.

use crate::schedule::{Located, Piece, Schedule};

impl Piece {
    /// The piece's place in the order of pieces along the schedule: the stretch before
    /// breakpoint `u` is `2u - 1`, the jump at breakpoint `m` is `2m`.
    pub(crate) fn key(self) -> usize {
        match self {
            Piece::Point { index, .. } => 2 * index,
            Piece::Segment { upper, .. } => 2 * upper - 1,
        }
    }
}

impl Schedule {
    /// The net supply at which the piece with key `k` ends and the one with key `k + 1`
    /// begins.
    pub(crate) fn boundary(&self, k: usize) -> f64 {
        if k.is_multiple_of(2) {
            self.net[k / 2].right_t
        } else {
            self.net[k.div_ceil(2)].left_t
        }
    }
}

/// A crossing: the flow at which region `region` passes the boundary with key `key` from
/// one piece of its schedule to the next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Crossing {
    /// The flow, t.
    pub(crate) flow: f64,
    /// The region, by [`remsim_core::Region::index`].
    pub(crate) region: usize,
    /// The boundary's key ([`Schedule::boundary`]).
    pub(crate) key: usize,
}

/// The crossings that ended a search, the ends of its last bracket (`None`: zero or the
/// most that can flow), by (region, key): where the next search of the same market looks
/// first.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Bracket {
    lo: Option<(usize, usize)>,
    hi: Option<(usize, usize)>,
}

/// The flow in `(0, flow_max)` at which the marginal spread falls to the wedge, given the
/// positions at both ends. The spread is piecewise linear in the flow, with a kink or jump
/// wherever either region crosses from one piece of its schedule to the next; the bracket
/// is narrowed at those crossings (the middle one of the region with more of them left)
/// until none lies inside it, and the line through two inner points then gives the flow.
/// Exact, and `O(log breakpoints)` positions.
///
/// The last search's bracket (`last`, updated) is tried first: its ends' crossings, at this
/// tick's flows, usually still bracket the flow with no crossing between them, and then
/// the search ends at once. This changes no result: the spread does not rise with the
/// flow, so the crossings with a spread above the wedge come before those without, and
/// every search ends on the same two neighbouring crossings, whichever it tries first
/// (`tests` compare warm searches with cold ones bit for bit).
///
/// Of what `locate` gives, only the pieces, China's highest price and the rest of world's
/// lowest are read (the caller may leave the rest of world's highest out).
pub(crate) fn find_flow(
    locate: &impl Fn(f64) -> [Located; 2],
    schedules: [&Schedule; 2],
    at_zero: [Located; 2],
    at_max: [Located; 2],
    flow_max: f64,
    wedge: f64,
    last: &mut Bracket,
) -> f64 {
    let spread = |at: &[Located; 2]| at[1].lo - at[0].hi;
    let (mut lo, mut hi) = (0.0f64, flow_max);
    let (mut at_lo, mut at_hi) = (at_zero, at_max);
    let mut ends = Bracket::default();
    // A crossing strictly inside the bracket becomes its lower end if the spread there is
    // above the wedge, else its upper end.
    let mut narrow = |c: Crossing,
                      lo: &mut f64,
                      hi: &mut f64,
                      at_lo: &mut [Located; 2],
                      at_hi: &mut [Located; 2]| {
        let at = locate(c.flow);
        if spread(&at) > wedge {
            (*lo, *at_lo, ends.lo) = (c.flow, at, Some((c.region, c.key)));
        } else {
            (*hi, *at_hi, ends.hi) = (c.flow, at, Some((c.region, c.key)));
        }
    };
    for (region, key) in [last.lo, last.hi].into_iter().flatten() {
        let s = schedules[region];
        if key + 1 < 2 * s.len() {
            let flow = [1.0, -1.0][region] * s.boundary(key);
            if flow > lo && flow < hi {
                let c = Crossing { flow, region, key };
                narrow(c, &mut lo, &mut hi, &mut at_lo, &mut at_hi);
            }
        }
    }
    // Every round moves an end of the bracket onto a crossing strictly inside it, so the
    // crossings inside shrink each round; the bound is a guard.
    for _ in 0..4 * (schedules[0].len() + schedules[1].len()) + 8 {
        // China's keys rise with the flow, the rest of world's fall (its net supply is
        // minus the flow).
        let (a0, b0) = (at_lo[0].piece.key(), at_hi[0].piece.key());
        let (a1, b1) = (at_hi[1].piece.key(), at_lo[1].piece.key());
        let (n0, c0) = crossings(schedules[0], 0, a0, b0.max(a0), lo, hi);
        let (n1, c1) = crossings(schedules[1], 1, a1, b1.max(a1), lo, hi);
        let candidate = match (c0, c1) {
            (Some(f0), Some(f1)) => {
                if n0 >= n1 {
                    f0
                } else {
                    f1
                }
            }
            (Some(c), None) | (None, Some(c)) => c,
            (None, None) => {
                *last = ends;
                // No crossing inside: the spread is linear on (lo, hi); the line through
                // two inner points gives the flow (clamped: a jump at an end puts it there).
                let (f1, f2) = (lo + (hi - lo) / 3.0, lo + 2.0 * (hi - lo) / 3.0);
                let (s1, s2) = (spread(&locate(f1)), spread(&locate(f2)));
                if s1 == s2 {
                    return if s1 <= wedge { lo } else { hi };
                }
                let f = f1 + (s1 - wedge) / (s1 - s2) * (f2 - f1);
                return f.clamp(lo, hi);
            }
        };
        narrow(candidate, &mut lo, &mut hi, &mut at_lo, &mut at_hi);
    }
    *last = ends;
    hi
}

/// The crossings of one region strictly inside the bracket `(lo, hi)` among its keys
/// `from..to`, as (how many, the middle one); `region` is China (`0`: the flow is its net
/// supply) or the rest of world (`1`: minus its net supply). A checked schedule's boundaries do not
/// fall with the key (`l_m <= r_m <= l_(m+1)`), so the flows at the keys are monotone and
/// the crossings inside form one run of keys: its two ends are found by binary search.
pub(crate) fn crossings(
    s: &Schedule,
    region: usize,
    from: usize,
    to: usize,
    lo: f64,
    hi: f64,
) -> (usize, Option<Crossing>) {
    let sign = [1.0, -1.0][region];
    let flow = |k: usize| sign * s.boundary(k);
    // China's flows rise with the key: the run starts after the last flow at or below `lo`
    // and ends at the first at or above `hi`. The rest of world's fall: the other way round.
    let (first, end) = if sign > 0.0 {
        (
            first_key(from, to, |k| flow(k) > lo),
            first_key(from, to, |k| flow(k) >= hi),
        )
    } else {
        (
            first_key(from, to, |k| flow(k) < hi),
            first_key(from, to, |k| flow(k) <= lo),
        )
    };
    let count = end.saturating_sub(first);
    let middle = (count > 0).then(|| {
        let key = first + count / 2;
        Crossing {
            flow: flow(key),
            region,
            key,
        }
    });
    debug_assert_eq!(
        (count, middle.map(|c| c.flow.to_bits())),
        {
            let (n, c) = crossings_by_scan(s, from, to, sign, lo, hi);
            (n, c.map(f64::to_bits))
        },
        "crossings not in one run"
    );
    (count, middle)
}

/// The first key in `from..to` at which `reached` holds (`to` if none), for a condition
/// that, once it holds, holds for every later key.
#[inline]
fn first_key(from: usize, to: usize, reached: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (from, to);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if reached(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

/// [`crossings`] by scanning the keys one by one: the way the search counted them before
/// the binary search, kept as its check.
pub(crate) fn crossings_by_scan(
    s: &Schedule,
    from: usize,
    to: usize,
    sign: f64,
    lo: f64,
    hi: f64,
) -> (usize, Option<f64>) {
    let within = |k: usize| {
        let f = sign * s.boundary(k);
        f > lo && f < hi
    };
    let mut k = from;
    while k < to && !within(k) {
        k += 1;
    }
    let first = k;
    while k < to && within(k) {
        k += 1;
    }
    let count = k - first;
    let middle = (count > 0).then(|| sign * s.boundary(first + count / 2));
    (count, middle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::participants::Values;
    use proptest::prelude::*;

    /// A schedule with non-decreasing boundaries, many of them equal (flat stretches and
    /// zero jumps), from its first value and the rises between boundaries.
    fn schedule(start: f64, rises: &[(u8, f64)]) -> Schedule {
        let mut s = Schedule::new();
        let mut value = start;
        let mut next = |&(zero, rise): &(u8, f64)| {
            if zero >= 3 {
                value += rise;
            }
            value
        };
        for (k, pair) in rises.chunks_exact(2).enumerate() {
            let left = next(&pair[0]);
            let right = next(&pair[1]);
            s.push_net(k as f64, Values::jump(left, right));
        }
        s
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// The binary search finds the crossings the scan finds, in both directions, for
        /// any bracket and key range (boundaries equal to a bracket end included).
        #[test]
        fn crossings_are_those_of_the_scan(
            start in -50.0f64..0.0,
            rises in prop::collection::vec((0u8..8, 0.0f64..20.0), 2..40),
            region in 0usize..2,
            range in (0usize..80, 0usize..80),
            ends in (0usize..80, 0usize..80, -60.0f64..60.0, 0.0f64..60.0, any::<bool>()),
        ) {
            let s = schedule(start, &rises);
            let keys = 2 * s.len() - 1;
            let (from, to) = (range.0 % keys, range.1 % keys);
            let (from, to) = (from.min(to), from.max(to));
            // Bracket ends on boundaries (often) or anywhere, always lo < hi.
            let sign = [1.0, -1.0][region];
            let (lo, hi) = if ends.4 {
                let (a, b) = (sign * s.boundary(ends.0 % keys), sign * s.boundary(ends.1 % keys));
                (a.min(b), a.max(b) + 1.0)
            } else {
                (ends.2, ends.2 + ends.3 + 1e-9)
            };
            let (n, c) = crossings(&s, region, from, to, lo, hi);
            let (n_scan, c_scan) = crossings_by_scan(&s, from, to, sign, lo, hi);
            prop_assert_eq!(n, n_scan);
            prop_assert_eq!(c.map(|c| c.flow.to_bits()), c_scan.map(f64::to_bits));
            if let Some(c) = c {
                prop_assert_eq!((c.region, c.flow.to_bits()), (region, (sign * s.boundary(c.key)).to_bits()));
            }
        }
    }
}
