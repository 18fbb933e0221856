//! Numbers as every CSV of a results folder writes them: the bytes of Rust's `{}` of an
//! `f64` (the shortest digits that read back to the same value, written out in full, never
//! with an exponent: `1`, `0.1`, `-0`, `100000000000000000000`, `0.0000015`, `NaN`, `inf`),
//! appended to a caller's buffer.
//!
//! `format!("{x}")` costs ~1,200 instructions a number through the formatting machinery and
//! a fresh `String`; `summary.csv` alone holds ~370,000 of them. Here the shortest digits
//! come from `zmij` (the same digits: it picks the shortest decimal that rounds to the
//! value, and of those the closest, as `{}` does; `tests` compares the two on millions of
//! values, and zmij with `ryu`, which gave the digits before, at ~1.8 times the
//! instructions) and are laid out in `{}`'s positional form directly into the buffer.
//! Zeros need no digits, and for 1e-5 ≤ |x| < 1e16 zmij's own positional form is `{}`'s
//! but for the `.0` it gives integers, so it is copied as it is (after the same check for
//! ties as every number).

/// Appends `x` to `out` exactly as `write!(out, "{x}")` would.
pub fn push_number(out: &mut String, x: f64) {
    if x == 0.0 {
        out.push_str(if x.is_sign_negative() { "-0" } else { "0" });
        return;
    }
    if !x.is_finite() {
        out.push_str(if x.is_nan() {
            "NaN"
        } else if x > 0.0 {
            "inf"
        } else {
            "-inf"
        });
        return;
    }
    let mut buffer = zmij::Buffer::new();
    let formatted = buffer.format_finite(x);
    // The common case, a positional number with a fraction (`123.456`, `-0.00012`): no
    // exponent (which zmij writes as its last 3 to 5 bytes, `e-7` … `e+308`), a last digit
    // other than the 0 of an integer's `.0`. Its last digit is at 10^-(fraction digits), so
    // it may tie only where x written out exactly has one decimal more: what `positional`
    // and `may_tie` below find for it, without reading every digit.
    let bytes = formatted.as_bytes();
    let from_end = |k: usize| bytes.len().checked_sub(k).and_then(|i| bytes.get(i));
    if ![3, 4, 5].into_iter().any(|k| from_end(k) == Some(&b'e'))
        && bytes.last() != Some(&b'0')
        && let Some(dot) = bytes.iter().position(|&b| b == b'.')
        && !may_tie(x, -((bytes.len() - dot) as i32))
    {
        out.push_str(formatted);
        return;
    }
    if let Some(decimal) = positional(formatted)
        && !may_tie(x, decimal.point - decimal.digits - 1)
    {
        out.push_str(decimal.text);
        return;
    }
    let text = formatted.as_bytes();
    let (negative, text) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    // ryu writes `I.F` or `I.Fe±N` / `Ie±N`: gather the digits and where the point goes.
    let (mantissa, exponent) = match text.iter().position(|&b| b == b'e') {
        Some(at) => (&text[..at], parse_exponent(&text[at + 1..])),
        None => (text, 0),
    };
    let mut digits = [0u8; 40];
    let mut len = 0;
    let mut integer_digits = mantissa.len() as i32;
    for &b in mantissa {
        if b == b'.' {
            integer_digits = len as i32;
        } else {
            digits[len] = b;
            len += 1;
        }
    }
    // Leading zeros move the point; trailing zeros say nothing.
    let mut start = 0;
    while start < len && digits[start] == b'0' {
        start += 1;
        integer_digits -= 1;
    }
    while len > start && digits[len - 1] == b'0' {
        len -= 1;
    }
    let digits = &digits[start..len];
    let point = integer_digits + exponent;
    let n = digits.len() as i32;
    let length = if digits.is_empty() || point >= n {
        point.max(1)
    } else if point <= 0 {
        2 - point + n
    } else {
        n + 1
    };
    if length > 47 || (!digits.is_empty() && may_tie(x, point - n - 1)) {
        // Very large or small numbers (written out in full by `{}`), and possible ties: x
        // exactly halfway between two shortest candidates, where ryu rounds to even and
        // `{}` rounds up (rare: x has exactly one more digit than its shortest form). Let
        // `{}` write them.
        use std::fmt::Write;
        let _ = write!(out, "{x}");
        return;
    }
    let mut text = [b'0'; 48];
    let mut at = 0;
    if negative {
        text[0] = b'-';
        at = 1;
    }
    if digits.is_empty() {
        at += 1; // a zero
    } else if point <= 0 {
        text[at + 1] = b'.';
        at += 2 + (-point) as usize;
        text[at..at + digits.len()].copy_from_slice(digits);
        at += digits.len();
    } else if point >= n {
        text[at..at + digits.len()].copy_from_slice(digits);
        at += point as usize;
    } else {
        let (whole, fraction) = digits.split_at(point as usize);
        text[at..at + whole.len()].copy_from_slice(whole);
        at += whole.len();
        text[at] = b'.';
        text[at + 1..at + 1 + fraction.len()].copy_from_slice(fraction);
        at += 1 + fraction.len();
    }
    // Only ASCII digits, '-' and '.' were written.
    out.push_str(std::str::from_utf8(&text[..at]).unwrap_or_default());
}

/// `{}`'s form of a number whose shortest digits ryu wrote without an exponent.
struct Positional<'a> {
    /// The text `{}` writes: ryu's, less the `.0` it gives integers.
    text: &'a str,
    /// How many significant digits (leading and trailing zeros left out).
    digits: i32,
    /// Where the point goes: the number is `0.d₁d₂… × 10^point`.
    point: i32,
}

/// For ryu's positional form of a non-zero number (`-`, integer digits, `.`, fraction
/// digits: what it writes for 1e-5 ≤ |x| < 1e16), the text `{}` writes, the count of
/// significant digits and the point, as [`push_number`]'s general path finds them; `None`
/// for an exponent form, or a fraction that ends in a zero other than the `.0` of an
/// integer (ryu writes neither; left to the general path).
fn positional(formatted: &str) -> Option<Positional<'_>> {
    let text = formatted.as_bytes();
    let unsigned = match text.split_first() {
        Some((b'-', rest)) => rest,
        _ => text,
    };
    let dot = unsigned.iter().position(|&b| b == b'.')?;
    let (whole, fraction) = (&unsigned[..dot], &unsigned[dot + 1..]);
    if fraction.is_empty() || !fraction.iter().all(u8::is_ascii_digit) {
        return None; // an exponent, or not ryu's form
    }
    let sign = text.len() - unsigned.len();
    if fraction == b"0" {
        // An integer: `{}` leaves out the `.0`; trailing zeros are not significant.
        let zeros = whole.iter().rev().take_while(|&&b| b == b'0').count();
        return Some(Positional {
            text: formatted.get(..sign + dot)?,
            digits: (whole.len() - zeros) as i32,
            point: whole.len() as i32,
        });
    }
    if fraction.last() == Some(&b'0') {
        return None;
    }
    let text = formatted;
    if whole == b"0" {
        let zeros = fraction.iter().take_while(|&&b| b == b'0').count();
        Some(Positional {
            text,
            digits: (fraction.len() - zeros) as i32,
            point: -(zeros as i32),
        })
    } else if whole.first() == Some(&b'0') {
        None // not ryu's form
    } else {
        Some(Positional {
            text,
            digits: (whole.len() + fraction.len()) as i32,
            point: whole.len() as i32,
        })
    }
}

/// Whether finite, non-zero `x` written out exactly has its last non-zero digit at the
/// power of ten `position`: the only case where two shortest candidates can tie (one
/// digit beyond them, a 5). Integers so large (`m 2^e`, `m` odd, `e >= 22`) that their
/// last non-zero digit cannot be a 5 (`m < 2^53` is no multiple of 5^(e+1)) never tie.
fn may_tie(x: f64, position: i32) -> bool {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1u64 << 52) - 1);
    let (mut m, mut e) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u64 << 52), biased - 1075)
    };
    if m == 0 {
        return false;
    }
    let twos = m.trailing_zeros();
    m >>= twos;
    e += twos as i32;
    if e < 0 {
        // x = m / 2^-e = m 5^-e / 10^-e with m odd: exactly -e decimals.
        return e == position;
    }
    if position < 0 || e >= 22 {
        return false; // an integer ends at or above its units
    }
    let mut v = u128::from(m) << e;
    let mut zeros = 0;
    while v % 10 == 0 {
        v /= 10;
        zeros += 1;
    }
    zeros == position
}

/// The exponent written after the `e` (an optional `-` or `+`, then digits).
fn parse_exponent(text: &[u8]) -> i32 {
    let (sign, digits) = match text.split_first() {
        Some((b'-', rest)) => (-1, rest),
        Some((b'+', rest)) => (1, rest),
        _ => (1, text),
    };
    sign * digits
        .iter()
        .fold(0i32, |e, &b| 10 * e + i32::from(b.wrapping_sub(b'0')))
}

#[cfg(test)]
mod tests {
    use super::push_number;
    use proptest::prelude::*;

    fn check(x: f64) {
        let mut ours = String::new();
        push_number(&mut ours, x);
        assert_eq!(ours, format!("{x}"), "bits {:#x}", x.to_bits());
    }

    #[test]
    fn edge_values_are_written_as_display_writes_them() {
        let mut values = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.1,
            0.2 + 0.1,
            1.5e-7,
            1e-5,
            9.999e-6,
            1e15,
            1e16,
            1e17,
            123_456_789.0,
            1e21,
            1e22,
            1e23,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            f64::EPSILON,
            5e-324,
            -5e-324,
            2.225_073_858_507_201e-308,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            9_007_199_254_740_993.0,
            0.000_123_4,
            100.0,
            1234.5,
        ];
        for k in -330..=310 {
            values.push(10f64.powi(k));
            values.push(1.5 * 10f64.powi(k));
            values.push(-7.25 * 10f64.powi(k));
        }
        for x in values {
            check(x);
        }
    }

    #[test]
    fn ties_between_two_shortest_forms_round_as_display_rounds() {
        // Quarters near 2^50..2^53 and integers m 2^e with m a multiple of 5^(e+1): where
        // the value is exactly halfway between two shortest candidates.
        for k in 0..20_000u64 {
            for base in [1u64 << 50, 1 << 51, 1 << 52, 1_308_548_795_726_862] {
                check((base + k) as f64 + 0.25 * (k % 4) as f64);
                check(-((base + k) as f64 + 0.5));
            }
        }
        for e in 0..30 {
            let five = 5f64.powi(e + 1);
            for odd in (1..2_000u64).step_by(2) {
                let m = five * odd as f64;
                if m < 9_007_199_254_740_992.0 {
                    check(m * 2f64.powi(e));
                }
            }
        }
    }

    #[test]
    fn random_bit_patterns_and_decimals_are_written_as_display_writes_them() {
        // A fixed-seed sweep (splitmix64) of a million bit patterns and of decimals with
        // few digits (the values a simulation's outputs are full of).
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        for _ in 0..1_000_000 {
            check(f64::from_bits(next()));
            let r = next();
            let decimal = (r % 100_000) as f64 / 10f64.powi((r >> 40) as i32 % 12);
            check(decimal);
            check(decimal * 10f64.powi((r >> 50) as i32 % 40 - 20));
        }
    }

    /// zmij's text, with ryu's exponent form (`e16`, not `e+16`).
    fn zmij_as_ryu(x: f64) -> String {
        let mut buffer = zmij::Buffer::new();
        buffer.format_finite(x).replacen("e+", "e", 1)
    }

    #[test]
    fn zmij_writes_ryus_digits_on_a_sweep() {
        // The digits `push_number` lays out come from zmij since issue 18 (fourth pass),
        // from ryu before: both the shortest that read back, of those the closest; a tie
        // between two closest is left to `{}` either way (`may_tie`).
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..1_000_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            for x in [
                f64::from_bits(state),
                (state % 1_000_000_007) as f64 / 1e4,
                (state >> 11) as f64 * 2f64.powi(-40),
            ] {
                if x.is_finite() {
                    assert_eq!(zmij_as_ryu(x), ryu::Buffer::new().format_finite(x));
                }
            }
        }
    }

    proptest! {
        #[test]
        fn any_float_is_written_as_display_writes_it(x in any::<f64>()) {
            check(x);
        }

        #[test]
        fn zmij_writes_ryus_digits(x in any::<f64>().prop_filter("finite", |x| x.is_finite())) {
            let mut ryu = ryu::Buffer::new();
            prop_assert_eq!(zmij_as_ryu(x), ryu.format_finite(x));
        }
    }
}
