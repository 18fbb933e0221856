//! [`ExactSum`]: an exact, order-independent sum of `f64` values in 320-bit two's-complement
//! fixed point with 128 fractional bits.
//!
//! Floating-point addition is not associative, so a float sum depends on the order of its
//! terms — and therefore on thread count and sharding. An integer sum does not. Each value is
//! converted to fixed point on its own (a deterministic function of the value: bits below
//! 2⁻¹²⁸ are truncated towards zero), then added as an integer, so any grouping or order of
//! the same values gives the same bits, and two partial sums merge exactly.
//!
//! Range: values with |x| < 2⁶⁴ are accepted ([`ExactSum::accepts`]); with 191 integer bits
//! the sum cannot overflow before 2¹²⁶ such terms, and a sum of squares (each < 2¹²⁸) not
//! before 2⁶² terms — far beyond any batch (a batch holds at most 2³² trials). Squares are
//! added exactly from the integer mantissa (`m²·2^(2e)`), without rounding.

/// Number of 64-bit limbs.
pub const LIMBS: usize = 5;
/// Fractional bits: the value is `limbs / 2^FRAC_BITS`.
pub const FRAC_BITS: i32 = 128;
/// Largest magnitude (exclusive) accepted as a term: 2⁶⁴.
pub const MAX_TERM: f64 = 18_446_744_073_709_551_616.0;

/// An exact sum of `f64` terms; see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExactSum {
    /// Little-endian limbs of a two's-complement integer; value = integer × 2⁻¹²⁸.
    limbs: [u64; LIMBS],
}

impl ExactSum {
    /// Zero.
    pub const ZERO: ExactSum = ExactSum { limbs: [0; LIMBS] };

    /// Whether `x` can be added: finite and |x| < 2⁶⁴.
    #[inline]
    pub fn accepts(x: f64) -> bool {
        // NaN compares false and ±∞ is not below 2⁶⁴: one comparison says it all.
        x.abs() < MAX_TERM
    }

    /// The raw limbs (little-endian two's complement, scaled by 2¹²⁸), for storage.
    pub fn limbs(&self) -> [u64; LIMBS] {
        self.limbs
    }

    /// A sum from raw limbs, as returned by [`ExactSum::limbs`].
    pub fn from_limbs(limbs: [u64; LIMBS]) -> ExactSum {
        ExactSum { limbs }
    }

    /// Adds `x`. Values that [`ExactSum::accepts`] refuses are ignored; callers count them.
    pub fn add(&mut self, x: f64) {
        if !ExactSum::accepts(x) || x == 0.0 {
            return;
        }
        let (mantissa, exponent) = decompose(x.abs());
        self.add_shifted(u128::from(mantissa), exponent + FRAC_BITS, x < 0.0);
    }

    /// Adds `x²` exactly: with `x = m·2^e`, `x² = m²·2^(2e)` and `m²` (at most 106 bits) is
    /// an exact integer, so the sum of squares carries no rounding at all (bits below 2⁻¹²⁸
    /// aside).
    pub fn add_square(&mut self, x: f64) {
        if !ExactSum::accepts(x) || x == 0.0 {
            return;
        }
        let (mantissa, exponent) = decompose(x.abs());
        let mantissa = u128::from(mantissa);
        self.add_shifted(mantissa * mantissa, 2 * exponent + FRAC_BITS, false);
    }

    /// Adds (or subtracts) `magnitude × 2^shift` in units of the last limb bit, touching
    /// only the limbs it reaches and carrying as far as needed.
    fn add_shifted(&mut self, magnitude: u128, shift: i32, negative: bool) {
        // The magnitude as three limbs starting at limb `first`.
        let (first, parts) = if shift >= 0 {
            let limb = (shift / 64) as usize;
            let bit = (shift % 64) as u32;
            let low = magnitude << bit;
            let high = if bit == 0 {
                0
            } else {
                magnitude >> (128 - bit)
            };
            (limb, [low as u64, (low >> 64) as u64, high as u64])
        } else if shift > -128 {
            let m = magnitude >> (-shift) as u32;
            (0, [m as u64, (m >> 64) as u64, 0])
        } else {
            return;
        };
        if negative {
            sub_at(&mut self.limbs, first, parts);
        } else {
            add_at(&mut self.limbs, first, parts);
        }
    }

    /// Adds another sum (exact; commutative and associative).
    pub fn merge(&mut self, other: &ExactSum) {
        add_limbs(&mut self.limbs, &other.limbs);
    }

    /// Whether the sum is negative.
    pub fn is_negative(&self) -> bool {
        self.limbs[LIMBS - 1] >> 63 == 1
    }

    /// The sum rounded to `f64` (from its top 64 significant bits).
    pub fn to_f64(&self) -> f64 {
        let negative = self.is_negative();
        let mut magnitude = self.limbs;
        if negative {
            negate(&mut magnitude);
        }
        let value = magnitude_to_f64(&magnitude, -FRAC_BITS);
        if negative { -value } else { value }
    }

    /// The sample variance of `n` values whose sum is `self` and sum of squares `squares`:
    /// `(n·Σx² − (Σx)²) / (n(n−1))`, with the numerator computed exactly in integers, so the
    /// only roundings are the final conversion and divisions. `None` when `n < 2`.
    pub fn variance(&self, squares: &ExactSum, n: u64) -> Option<f64> {
        if n < 2 {
            return None;
        }
        // n·Σx² scaled by 2^256 (shift the 2^128-scaled limbs up by two limbs).
        let mut wide_squares = [0u64; 2 * LIMBS + 1];
        let mut carry: u128 = 0;
        let squares_magnitude = if squares.is_negative() {
            [0; LIMBS] // impossible for exact squares; treat as zero
        } else {
            squares.limbs
        };
        for (i, limb) in squares_magnitude.iter().enumerate() {
            let product = u128::from(*limb) * u128::from(n) + carry;
            wide_squares[i + 2] = product as u64;
            carry = product >> 64;
        }
        wide_squares[LIMBS + 2] = carry as u64;
        // (Σx)² scaled by 2^256.
        let mut sum_magnitude = self.limbs;
        if self.is_negative() {
            negate(&mut sum_magnitude);
        }
        let mut wide_sum_sq = [0u64; 2 * LIMBS + 1];
        // Only the non-zero limbs multiply: a row of a zero limb adds nothing, and in a row
        // the zero limbs below the lowest non-zero one add nothing either (the carry is
        // still 0 there); above the highest one the loop below carries on. A sum of values
        // of one size has two or three non-zero limbs of five.
        let lowest = sum_magnitude.iter().position(|&l| l != 0).unwrap_or(LIMBS);
        let highest = sum_magnitude.iter().rposition(|&l| l != 0).unwrap_or(0);
        for (i, a) in sum_magnitude.iter().enumerate() {
            if *a == 0 {
                continue;
            }
            let mut carry: u128 = 0;
            for (j, b) in sum_magnitude
                .iter()
                .enumerate()
                .take(highest + 1)
                .skip(lowest)
            {
                let cell = &mut wide_sum_sq[i + j];
                let product = u128::from(*a) * u128::from(*b) + u128::from(*cell) + carry;
                *cell = product as u64;
                carry = product >> 64;
            }
            let mut k = i + highest + 1;
            while carry > 0 && k < wide_sum_sq.len() {
                let total = u128::from(wide_sum_sq[k]) + carry;
                wide_sum_sq[k] = total as u64;
                carry = total >> 64;
                k += 1;
            }
        }
        if !sub_limbs(&mut wide_squares, &wide_sum_sq) {
            // Cauchy–Schwarz says this cannot happen for exact values; truncation of terms
            // below 2^-128 could only make it a hair negative.
            return Some(0.0);
        }
        let numerator = magnitude_to_f64(&wide_squares, -2 * FRAC_BITS);
        let n = n as f64;
        Some(numerator / n / (n - 1.0))
    }
}

/// Slots of a [`TermSums`]: 64-bit positions 0..=4 of the fixed-point value (position `i`
/// weighs 2^(64i − 128), like limb `i` of an [`ExactSum`]). An accepted term's parts reach
/// position 3 (Σx) or 4 (Σx²) at most.
const SLOTS: usize = LIMBS;

/// Σx and Σx² of a run of terms, kept without carries, to be added to a pair of
/// [`ExactSum`]s at once ([`TermSums::add_to`]).
///
/// Why: carrying each term through 320-bit limbs (what [`ExactSum::add`] does) costs
/// branches and a dependent chain per term, and a batch adds ~31,000 terms per trial. Here a
/// term's fixed-point bits are cut at 64-bit positions and each part is added to a 128-bit
/// slot of its position; carries between positions are resolved once, in `add_to`. Each
/// term is truncated exactly as [`ExactSum::add`] and [`ExactSum::add_square`] truncate it
/// (bits below 2⁻¹²⁸ dropped, towards zero), so the sums are the same integers — integer
/// addition does not care how it is grouped. A slot gains less than 2⁶⁴ per term, so it
/// cannot overflow before 2⁶⁴ terms.
#[derive(Debug, Clone, Copy, Default)]
pub struct TermSums {
    /// Σ of the truncated |x|·2¹²⁸ of positive terms, by position.
    positive: [u128; SLOTS],
    /// The same for negative terms (their magnitudes).
    negative: [u128; SLOTS],
    /// Σ of the truncated x²·2¹²⁸, by position.
    squares: [u128; SLOTS],
}

impl TermSums {
    /// No terms.
    pub fn new() -> TermSums {
        TermSums::default()
    }

    /// Adds `x` and `x²`. `x` must be accepted ([`ExactSum::accepts`]); a refused value
    /// would add garbage (callers filter and count them first).
    #[inline]
    pub fn add(&mut self, x: f64) {
        let bits = x.to_bits();
        let biased = ((bits >> 52) & 0x7ff) as i32;
        // x = m·2^e; subnormals (biased 0) have no implicit bit and e = −1074.
        let m = (bits & ((1u64 << 52) - 1)) | (u64::from(biased != 0) << 52);
        let e = biased.max(1) - 1075;

        // Σx: |x|·2^128 = m·2^(e+128), at most 2^192 for |x| < 2^64.
        let shift = e + FRAC_BITS;
        let (slot, low, high) = if shift >= 0 {
            let v = u128::from(m) << (shift & 63);
            ((shift >> 6) as usize, v as u64, (v >> 64) as u64)
        } else {
            // Truncated towards zero, like `add_shifted`; m < 2^53, so 63 loses everything.
            (0, m >> (-shift).min(63), 0)
        };
        let sums = if bits >> 63 == 1 {
            &mut self.negative
        } else {
            &mut self.positive
        };
        if let [a, b, ..] = &mut sums[slot.min(SLOTS - 2)..] {
            *a += u128::from(low);
            *b += u128::from(high);
        }

        // Σx²: x²·2^128 = m²·2^(2e+128) with m² < 2^106.
        let square = u128::from(m) * u128::from(m);
        let shift = 2 * e + FRAC_BITS;
        let (slot, parts) = if shift >= 0 {
            let bit = (shift & 63) as u32;
            let v = square << bit;
            // The bits shifted out of the u128 (`>> 1 >> (127 − bit)` is 0 for bit 0).
            let top = ((square >> 1) >> (127 - bit)) as u64;
            ((shift >> 6) as usize, [v as u64, (v >> 64) as u64, top])
        } else {
            let v = square >> (-shift).min(127);
            (0, [v as u64, (v >> 64) as u64, 0])
        };
        if let [a, b, c, ..] = &mut self.squares[slot.min(SLOTS - 3)..] {
            *a += u128::from(parts[0]);
            *b += u128::from(parts[1]);
            *c += u128::from(parts[2]);
        }
    }

    /// Adds every value of `values` and its square, like [`TermSums::add`] on each. Every
    /// value must be accepted ([`ExactSum::accepts`]), and `largest` must be the largest
    /// magnitude among them (the caller has it from the run's extremes).
    ///
    /// Why: a cell's values across a block of trials mostly lie within a few powers of two
    /// of each other. Those within [`WINDOW`] binades of the largest are summed as plain
    /// integers in units of the window's lowest power of two (`±m << d`, below 2⁶³ in
    /// magnitude; squares below 2¹²⁶ in 192 bits) and placed into the slots once: about a
    /// third of the work of cutting each term into parts. That is exact — no bit is lost —
    /// only where no term is truncated, i.e. where every square's lowest bit is at least
    /// 2⁻¹²⁸, so the window never goes below |x| = 2⁻¹² (biased exponent
    /// [`SQUARE_EXACT_MIN`]); values outside it take the per-term path, and values below
    /// 2⁻¹²⁸ add nothing to either sum (both truncate to zero) and are skipped.
    #[inline]
    pub fn add_run(&mut self, values: &[f64], largest: f64) {
        let top = biased_exponent(largest);
        let base = (top - WINDOW).max(SQUARE_EXACT_MIN);
        let mut sum = 0i128;
        let (mut squares_low, mut squares_high) = (0u128, 0u64);
        for &x in values {
            let bits = x.to_bits();
            let b = biased_exponent(x);
            if b >= base {
                // Normal (b ≥ SQUARE_EXACT_MIN > 0), so the implicit bit is set; b − base ≤
                // WINDOW, so v < 2^(53 + WINDOW) = 2^63 fits an i64 with its sign.
                let v = (((bits & ((1u64 << 52) - 1)) | (1u64 << 52)) << (b - base)) as i64;
                let sign = (bits as i64) >> 63; // 0 or −1
                sum += i128::from((v ^ sign) - sign);
                let (low, carry) = squares_low.overflowing_add((v as u128) * (v as u128));
                squares_low = low;
                squares_high += u64::from(carry);
            } else if b >= TRUNCATED_TO_ZERO {
                self.add(x);
            }
        }
        // The window's unit is 2^(base − 1075); in the sums' fixed point, 2^(base − 947).
        let shift = base - 1075 + FRAC_BITS;
        let sums = if sum < 0 {
            &mut self.negative
        } else {
            &mut self.positive
        };
        place(sums, sum.unsigned_abs(), shift);
        let shift = 2 * (base - 1075) + FRAC_BITS;
        place(&mut self.squares, squares_low, shift);
        place(&mut self.squares, u128::from(squares_high), shift + 128);
    }

    /// Adds the terms to `sum` (Σx) and `squares` (Σx²) and forgets them.
    pub fn add_to(&mut self, sum: &mut ExactSum, squares: &mut ExactSum) {
        add_limbs(&mut sum.limbs, &carried(&self.positive));
        sub_limbs(&mut sum.limbs, &carried(&self.negative));
        add_limbs(&mut squares.limbs, &carried(&self.squares));
        *self = TermSums::default();
    }
}

/// Binades above the lowest one in [`TermSums::add_run`]'s integer window: values up to
/// 2¹⁰ times its unit, so a shifted mantissa stays below 2⁶³ and its square below 2¹²⁶.
const WINDOW: i32 = 10;
/// The lowest biased exponent whose square is exact in the sums' fixed point: |x| ≥ 2⁻¹²,
/// x = m·2^e with e ≥ −64, so x² = m²·2^(2e) has no bit below 2⁻¹²⁸.
const SQUARE_EXACT_MIN: i32 = 1075 - 64;
/// Biased exponents below this (|x| < 2⁻¹²⁸) truncate to zero in both sums.
const TRUNCATED_TO_ZERO: i32 = 1023 - 128;

/// The 11-bit biased exponent of `x` (0 for zeros and subnormals); monotonic in |x|.
#[inline]
fn biased_exponent(x: f64) -> i32 {
    ((x.to_bits() >> 52) & 0x7ff) as i32
}

/// Adds `value × 2^shift` (`shift ≥ 0`, in the sums' fixed-point units) to `slots`, cut at
/// 64-bit positions; parts beyond the top slot are dropped (modulo 2^320, like the limbs).
fn place(slots: &mut [u128; SLOTS], value: u128, shift: i32) {
    if value == 0 || shift < 0 {
        return;
    }
    let slot = (shift >> 6) as usize;
    let bit = (shift & 63) as u32;
    let low = value << bit;
    let top = ((value >> 1) >> (127 - bit)) as u64;
    for (i, part) in [low as u64, (low >> 64) as u64, top]
        .into_iter()
        .enumerate()
    {
        if let Some(s) = slots.get_mut(slot + i) {
            *s += u128::from(part);
        }
    }
}

/// The limbs of Σ slots[i]·2^(64i), modulo 2^320 (accepted terms never reach beyond).
fn carried(slots: &[u128; SLOTS]) -> [u64; LIMBS] {
    let mut limbs = [0u64; LIMBS];
    let mut carry: u128 = 0;
    let mut previous_high: u128 = 0;
    for (limb, slot) in limbs.iter_mut().zip(slots) {
        // < 3·2^64: no overflow.
        let total = carry + previous_high + u128::from(*slot as u64);
        *limb = total as u64;
        carry = total >> 64;
        previous_high = *slot >> 64;
    }
    limbs
}

/// `x = mantissa × 2^exponent` for a finite, non-negative `x`.
fn decompose(x: f64) -> (u64, i32) {
    let bits = x.to_bits();
    let exponent_bits = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1u64 << 52) - 1);
    if exponent_bits == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u64 << 52), exponent_bits - 1075)
    }
}

/// Adds three limbs at `first` and carries upwards (bits beyond the top limb are dropped;
/// accepted terms never reach them).
#[inline]
fn add_at(limbs: &mut [u64; LIMBS], first: usize, parts: [u64; 3]) {
    carry_at(limbs, first, parts, u64::overflowing_add);
}

/// Subtracts three limbs at `first` and borrows upwards (two's complement).
#[inline]
fn sub_at(limbs: &mut [u64; LIMBS], first: usize, parts: [u64; 3]) {
    carry_at(limbs, first, parts, u64::overflowing_sub);
}

/// Applies `op` (`u64::overflowing_add` or `overflowing_sub`) limb by limb from `first`,
/// passing the carry (or borrow) upwards until it is spent or leaves the top limb.
#[inline]
fn carry_at(
    limbs: &mut [u64; LIMBS],
    first: usize,
    parts: [u64; 3],
    op: fn(u64, u64) -> (u64, bool),
) {
    let mut carry = 0u64;
    let mut i = first;
    for part in parts {
        if i >= LIMBS {
            return;
        }
        let (v, c1) = op(limbs[i], part);
        let (v, c2) = op(v, carry);
        limbs[i] = v;
        carry = u64::from(c1 | c2);
        i += 1;
    }
    while carry != 0 && i < LIMBS {
        let (v, c) = op(limbs[i], 1);
        limbs[i] = v;
        carry = u64::from(c);
        i += 1;
    }
}

/// `a += b`; returns whether no carry left the top limb.
fn add_limbs(a: &mut [u64], b: &[u64]) -> bool {
    let mut carry = false;
    for (x, y) in a.iter_mut().zip(b) {
        let (s1, c1) = x.overflowing_add(*y);
        let (s2, c2) = s1.overflowing_add(u64::from(carry));
        *x = s2;
        carry = c1 || c2;
    }
    !carry
}

/// `a -= b`; returns whether no borrow left the top limb (i.e. `a ≥ b` as unsigned).
fn sub_limbs(a: &mut [u64], b: &[u64]) -> bool {
    let mut borrow = false;
    for (i, x) in a.iter_mut().enumerate() {
        let y = b.get(i).copied().unwrap_or(0);
        let (d1, b1) = x.overflowing_sub(y);
        let (d2, b2) = d1.overflowing_sub(u64::from(borrow));
        *x = d2;
        borrow = b1 || b2;
    }
    !borrow
}

/// Two's-complement negation in place.
fn negate(a: &mut [u64]) {
    let mut carry = true;
    for x in a.iter_mut() {
        let (sum, c) = (!*x).overflowing_add(u64::from(carry));
        *x = sum;
        carry = c;
    }
}

/// An unsigned little-endian integer times 2^scale, rounded to f64 from its top 64 bits.
fn magnitude_to_f64(limbs: &[u64], scale: i32) -> f64 {
    let Some(top) = limbs.iter().rposition(|&l| l != 0) else {
        return 0.0;
    };
    let lead = limbs[top].leading_zeros();
    // The 64 bits starting at the highest set bit.
    let high = limbs[top] << lead;
    let low = if lead > 0 && top > 0 {
        limbs[top - 1] >> (64 - lead)
    } else {
        0
    };
    let window = high | low;
    // Bit position (from bit 0 of limb 0) of the window's lowest bit.
    let window_low_bit = top as i32 * 64 - lead as i32;
    scale_by_power_of_two(window as f64, window_low_bit + scale)
}

/// `x × 2^k`, exact while the result is a normal number (powers of two are exact).
fn scale_by_power_of_two(mut x: f64, mut k: i32) -> f64 {
    // Step in chunks that keep each factor a normal f64.
    while k > 1000 {
        x *= power_of_two(1000);
        k -= 1000;
    }
    while k < -1000 {
        x *= power_of_two(-1000);
        k += 1000;
    }
    x * power_of_two(k)
}

/// 2^k for k in −1022..=1023.
fn power_of_two(k: i32) -> f64 {
    f64::from_bits(((k + 1023) as u64) << 52)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sum_of(values: &[f64]) -> ExactSum {
        let mut s = ExactSum::ZERO;
        for &v in values {
            s.add(v);
        }
        s
    }

    #[test]
    fn small_cases() {
        // (terms, expected f64 of the exact sum)
        let cases: &[(&[f64], f64)] = &[
            (&[], 0.0),
            (&[1.0], 1.0),
            (&[0.1, 0.2], 0.30000000000000004),
            (&[1e16, 1.0, -1e16], 1.0), // a float sum loses the 1
            (&[-3.5, 1.25], -2.25),
            (
                &[7.888609052210118e-31, 7.888609052210118e-31],
                1.5777218104420236e-30,
            ), // 2^-100 each
            (&[1e-40], 0.0), // below the 2^-128 resolution
            (&[1e18, 1e18], 2e18),
            (&[f64::NAN, 2.0, f64::INFINITY, 1e300], 2.0), // refused terms are ignored
        ];
        for (terms, expected) in cases {
            assert_eq!(sum_of(terms).to_f64(), *expected, "{terms:?}");
        }
    }

    #[test]
    fn variance_cases() {
        let cases: &[(&[f64], Option<f64>)] = &[
            (&[1.0], None),
            (&[1.0, 1.0, 1.0], Some(0.0)),
            (&[1.0, 2.0, 3.0, 4.0], Some(5.0 / 3.0)),
            // A large mean with a tiny spread: the naive formula cancels to garbage.
            (&[1e9 + 1.0, 1e9 + 2.0, 1e9 + 3.0], Some(1.0)),
            (&[-2.0, 2.0], Some(8.0)),
        ];
        for (terms, expected) in cases {
            let mut s = ExactSum::ZERO;
            let mut q = ExactSum::ZERO;
            for &v in *terms {
                s.add(v);
                q.add_square(v);
            }
            assert_eq!(s.variance(&q, terms.len() as u64), *expected, "{terms:?}");
        }
    }

    fn term() -> impl Strategy<Value = f64> {
        prop_oneof![
            -1e6f64..1e6,
            -1e-9f64..1e-9,
            (-1e15f64..1e15),
            Just(0.0),
            Just(-0.0),
        ]
    }

    proptest! {
        /// Any permutation and any split into two merged halves gives the same bits.
        #[test]
        fn order_and_grouping_do_not_matter(
            values in prop::collection::vec(term(), 0..60),
            split in 0usize..60,
            rotate in 0usize..60,
        ) {
            let whole = sum_of(&values);
            let mut rotated = values.clone();
            if !rotated.is_empty() {
                let r = rotate % rotated.len();
                rotated.rotate_left(r);
            }
            prop_assert_eq!(sum_of(&rotated), whole);
            let split = split.min(values.len());
            let mut left = sum_of(&values[..split]);
            left.merge(&sum_of(&values[split..]));
            prop_assert_eq!(left, whole);
        }

        /// `TermSums`, term by term and as a run, gives the same integers as `add` and
        /// `add_square` on each term, in every binade an accepted term can have.
        #[test]
        fn term_sums_equal_per_term_sums(
            terms in prop::collection::vec(
                (any::<bool>(), -1074i32..64, 1.0f64..2.0)
                    .prop_map(|(neg, e, m)| if neg { -m * 2f64.powi(e) } else { m * 2f64.powi(e) })
                    .prop_filter("accepted", |x| ExactSum::accepts(*x)),
                0..80,
            ),
        ) {
            let (mut sum, mut squares) = (ExactSum::ZERO, ExactSum::ZERO);
            for &x in &terms {
                sum.add(x);
                squares.add_square(x);
            }
            let (mut by_term, mut by_term_squares) = (ExactSum::ZERO, ExactSum::ZERO);
            let mut t = TermSums::new();
            for &x in &terms {
                t.add(x);
            }
            t.add_to(&mut by_term, &mut by_term_squares);
            prop_assert_eq!((by_term, by_term_squares), (sum, squares));
            let (mut by_run, mut by_run_squares) = (ExactSum::ZERO, ExactSum::ZERO);
            let largest = terms.iter().fold(0.0f64, |m, x| m.max(x.abs()));
            let mut t = TermSums::new();
            t.add_run(&terms, largest);
            t.add_to(&mut by_run, &mut by_run_squares);
            prop_assert_eq!((by_run, by_run_squares), (sum, squares));
        }

        /// The exact sum rounds to within one ulp-ish of a compensated float sum.
        #[test]
        fn matches_a_careful_float_sum(values in prop::collection::vec(-1e6f64..1e6, 1..60)) {
            let exact = sum_of(&values).to_f64();
            let mut sum = 0.0f64;
            let mut compensation = 0.0f64;
            for &v in &values {
                let t = sum + v;
                if sum.abs() >= v.abs() {
                    compensation += (sum - t) + v;
                } else {
                    compensation += (v - t) + sum;
                }
                sum = t;
            }
            let careful = sum + compensation;
            prop_assert!((exact - careful).abs() <= 1e-9 * (1.0 + careful.abs()),
                "{exact} vs {careful}");
        }

        /// The square of the sum over its non-zero limbs only equals the full
        /// schoolbook square (what `variance` computed before issue 18's fourth pass), bit
        /// for bit, for sums of terms of any sizes (so any pattern of zero limbs).
        #[test]
        fn variance_skipping_zero_limbs_is_the_full_product(
            values in prop::collection::vec(prop_oneof![term(), Just(1e18), Just(-3e-30)], 2..40),
        ) {
            let mut s = ExactSum::ZERO;
            let mut q = ExactSum::ZERO;
            for &v in &values {
                s.add(v);
                q.add_square(v);
            }
            let n = values.len() as u64;
            let ours = s.variance(&q, n).unwrap();
            // The former computation, every limb by every limb.
            let mut wide_squares = [0u64; 2 * LIMBS + 1];
            let mut carry: u128 = 0;
            for (i, limb) in q.limbs().iter().enumerate() {
                let product = u128::from(*limb) * u128::from(n) + carry;
                wide_squares[i + 2] = product as u64;
                carry = product >> 64;
            }
            wide_squares[LIMBS + 2] = carry as u64;
            let mut sum_magnitude = s.limbs();
            if s.is_negative() {
                negate(&mut sum_magnitude);
            }
            let mut wide_sum_sq = [0u64; 2 * LIMBS + 1];
            for (i, a) in sum_magnitude.iter().enumerate() {
                let mut carry: u128 = 0;
                for (j, b) in sum_magnitude.iter().enumerate() {
                    let cell = &mut wide_sum_sq[i + j];
                    let product = u128::from(*a) * u128::from(*b) + u128::from(*cell) + carry;
                    *cell = product as u64;
                    carry = product >> 64;
                }
                let mut k = i + LIMBS;
                while carry > 0 && k < wide_sum_sq.len() {
                    let total = u128::from(wide_sum_sq[k]) + carry;
                    wide_sum_sq[k] = total as u64;
                    carry = total >> 64;
                    k += 1;
                }
            }
            let full = if sub_limbs(&mut wide_squares, &wide_sum_sq) {
                let nf = n as f64;
                magnitude_to_f64(&wide_squares, -2 * FRAC_BITS) / nf / (nf - 1.0)
            } else {
                0.0
            };
            prop_assert_eq!(ours.to_bits(), full.to_bits());
        }

        /// Variance agrees with a two-pass computation.
        #[test]
        fn variance_matches_two_pass(values in prop::collection::vec(-1e4f64..1e4, 2..50)) {
            let mut s = ExactSum::ZERO;
            let mut q = ExactSum::ZERO;
            for &v in &values {
                s.add(v);
                q.add_square(v);
            }
            let n = values.len() as f64;
            let mean = values.iter().sum::<f64>() / n;
            let two_pass = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0);
            let ours = s.variance(&q, values.len() as u64).unwrap();
            prop_assert!((ours - two_pass).abs() <= 1e-9 * (1.0 + two_pass), "{ours} vs {two_pass}");
        }
    }
}
