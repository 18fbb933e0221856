//! [`ElementVec`]: a quantity (or price, or share) for each of the 17 elements.

use crate::element::{Element, N_ELEMENTS};
use std::ops::{Add, AddAssign, Index, IndexMut, Mul, MulAssign, Neg, Sub, SubAssign};

/// One `f64` per element, indexed by [`Element`]. In t REO when it holds quantities; the
/// arithmetic is element-wise. It is `Copy` (136 bytes) so the tick loop never allocates.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ElementVec(pub [f64; N_ELEMENTS]);

impl ElementVec {
    /// All zeros.
    pub const ZERO: ElementVec = ElementVec([0.0; N_ELEMENTS]);

    /// The same value for every element.
    #[inline]
    pub const fn splat(value: f64) -> ElementVec {
        ElementVec([value; N_ELEMENTS])
    }

    /// A vector that is `value` at `element` and zero elsewhere.
    #[inline]
    pub fn unit(element: Element, value: f64) -> ElementVec {
        let mut v = ElementVec::ZERO;
        v[element] = value;
        v
    }

    /// Builds a vector from a function of each element.
    #[inline]
    pub fn from_fn(mut f: impl FnMut(Element) -> f64) -> ElementVec {
        let mut v = ElementVec::ZERO;
        for e in Element::ALL {
            v[e] = f(e);
        }
        v
    }

    /// Sum over elements (e.g. total t REO).
    #[inline]
    pub fn sum(&self) -> f64 {
        self.0.iter().sum()
    }

    /// Adds `rhs` `times` times, one addition after another: the same result, bit for bit,
    /// as `times` successive `+=` (no multiplication, which would round differently), with
    /// the running sums held in registers. Books the output of identical units.
    #[inline]
    pub fn add_repeated(&mut self, rhs: &ElementVec, times: u32) {
        let mut acc = self.0;
        for _ in 0..times {
            for (a, b) in acc.iter_mut().zip(rhs.0.iter()) {
                *a += b;
            }
        }
        self.0 = acc;
    }

    /// Element-wise product (e.g. quantities × recovery shares).
    #[inline]
    pub fn hadamard(&self, other: &ElementVec) -> ElementVec {
        ElementVec::from_fn(|e| self[e] * other[e])
    }

    /// Dot product (e.g. tonnes × prices = value).
    #[inline]
    pub fn dot(&self, other: &ElementVec) -> f64 {
        self.0.iter().zip(other.0.iter()).map(|(a, b)| a * b).sum()
    }

    /// Element-wise minimum.
    #[inline]
    pub fn min(&self, other: &ElementVec) -> ElementVec {
        ElementVec::from_fn(|e| self[e].min(other[e]))
    }

    /// Element-wise maximum.
    #[inline]
    pub fn max(&self, other: &ElementVec) -> ElementVec {
        ElementVec::from_fn(|e| self[e].max(other[e]))
    }

    /// Negative entries set to zero.
    #[inline]
    pub fn clamp_non_negative(&self) -> ElementVec {
        self.max(&ElementVec::ZERO)
    }

    /// This vector scaled to sum to 1 (shares); `None` if the sum is not positive and finite.
    #[inline]
    pub fn normalised(&self) -> Option<ElementVec> {
        let total = self.sum();
        (total > 0.0 && total.is_finite()).then(|| *self * (1.0 / total))
    }

    /// Element-wise division, with 0 where the divisor is 0.
    #[inline]
    pub fn safe_div(&self, divisor: &ElementVec) -> ElementVec {
        ElementVec::from_fn(|e| {
            if divisor[e] == 0.0 {
                0.0
            } else {
                self[e] / divisor[e]
            }
        })
    }

    /// Largest absolute entry.
    #[inline]
    pub fn max_abs(&self) -> f64 {
        self.0.iter().fold(0.0, |m, x| m.max(x.abs()))
    }

    /// True if every entry is finite.
    #[inline]
    pub fn is_finite(&self) -> bool {
        self.0.iter().all(|x| x.is_finite())
    }

    /// Iterates `(element, value)` in index order.
    #[inline]
    pub fn iter(&self) -> impl Iterator<Item = (Element, f64)> + '_ {
        Element::ALL.iter().map(move |&e| (e, self[e]))
    }
}

impl Index<Element> for ElementVec {
    type Output = f64;
    #[inline]
    fn index(&self, element: Element) -> &f64 {
        &self.0[element.index()]
    }
}

impl IndexMut<Element> for ElementVec {
    #[inline]
    fn index_mut(&mut self, element: Element) -> &mut f64 {
        &mut self.0[element.index()]
    }
}

impl Add for ElementVec {
    type Output = ElementVec;
    #[inline]
    fn add(mut self, rhs: ElementVec) -> ElementVec {
        self += rhs;
        self
    }
}

impl AddAssign for ElementVec {
    #[inline]
    fn add_assign(&mut self, rhs: ElementVec) {
        for (a, b) in self.0.iter_mut().zip(rhs.0.iter()) {
            *a += b;
        }
    }
}

impl Sub for ElementVec {
    type Output = ElementVec;
    #[inline]
    fn sub(mut self, rhs: ElementVec) -> ElementVec {
        self -= rhs;
        self
    }
}

impl SubAssign for ElementVec {
    #[inline]
    fn sub_assign(&mut self, rhs: ElementVec) {
        for (a, b) in self.0.iter_mut().zip(rhs.0.iter()) {
            *a -= b;
        }
    }
}

impl Mul<f64> for ElementVec {
    type Output = ElementVec;
    #[inline]
    fn mul(mut self, rhs: f64) -> ElementVec {
        self *= rhs;
        self
    }
}

impl MulAssign<f64> for ElementVec {
    #[inline]
    fn mul_assign(&mut self, rhs: f64) {
        for a in self.0.iter_mut() {
            *a *= rhs;
        }
    }
}

impl Neg for ElementVec {
    type Output = ElementVec;
    #[inline]
    fn neg(self) -> ElementVec {
        self * -1.0
    }
}

impl std::iter::Sum for ElementVec {
    #[inline]
    fn sum<I: Iterator<Item = ElementVec>>(iter: I) -> ElementVec {
        iter.fold(ElementVec::ZERO, |a, b| a + b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn add_repeated_is_that_many_additions(
            start in proptest::array::uniform17(-1e6f64..1e6),
            step in proptest::array::uniform17(-1e3f64..1e3),
            times in 0u32..50,
        ) {
            let (start, step) = (ElementVec(start), ElementVec(step));
            let mut one_by_one = start;
            for _ in 0..times {
                one_by_one += step;
            }
            let mut repeated = start;
            repeated.add_repeated(&step, times);
            for e in Element::ALL {
                prop_assert_eq!(repeated[e].to_bits(), one_by_one[e].to_bits());
            }
        }
    }

    fn arb_vec() -> impl Strategy<Value = ElementVec> {
        proptest::array::uniform17(0.0f64..1e6).prop_map(ElementVec)
    }

    #[test]
    fn indexing_and_units() {
        let v = ElementVec::unit(Element::Dy, 3.0) + ElementVec::unit(Element::Nd, 2.0);
        assert_eq!(v[Element::Dy], 3.0);
        assert_eq!(v.sum(), 5.0);
        let prices = ElementVec::splat(10.0);
        assert_eq!(v.dot(&prices), 50.0);
        assert_eq!(v.normalised().unwrap()[Element::Nd], 0.4);
        assert_eq!(ElementVec::ZERO.normalised(), None);
    }

    proptest! {
        #[test]
        fn add_then_sub_is_identity(a in arb_vec(), b in arb_vec()) {
            let back = (a + b) - b;
            for e in Element::ALL {
                prop_assert!((back[e] - a[e]).abs() <= 1e-9 * (1.0 + a[e].abs() + b[e].abs()));
            }
        }

        #[test]
        fn normalised_sums_to_one(a in arb_vec()) {
            if let Some(n) = a.normalised() {
                prop_assert!((n.sum() - 1.0).abs() < 1e-12);
            }
        }
    }
}
