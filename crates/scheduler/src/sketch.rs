//! [`QuantileSketch`]: a mergeable quantile sketch with integer bucket counts and a relative
//! error of at most 1/129 ≈ 0.78%.
//!
//! Buckets are logarithmic in the manner of DDSketch (Masson, Rim & Lee, VLDB 2019), with a
//! mapping read straight off the bits of an `f64`: a positive value's bucket key is its
//! 11-bit exponent followed by the top [`SUB_BUCKET_BITS`] = 6 bits of its mantissa, so each
//! power of two is cut into 64 buckets `[2^e(1 + j/64), 2^e(1 + (j+1)/64))`. The widest
//! bucket (j = 0) spans a ratio of 65/64, and reporting the bucket by the value
//! `2LU/(L+U)` — the point of least relative error for any value in `[L, U)` — is off by at
//! most `(U−L)/(U+L) ≤ 1/129`. Negative values use the same mapping on |x| in a second
//! bucket store; zero (and subnormals, |x| < 2⁻¹⁰²², reported as 0) has its own count.
//!
//! **Bounded size.** Each store keeps at most [`MAX_BUCKETS`] = 4096 consecutive keys
//! (64 powers of two, a factor of 1.8·10¹⁹) below its largest key; smaller magnitudes
//! collapse into the lowest kept bucket, as in DDSketch. A value's bucket is therefore
//! `max(key, top − 4095)` — a function of the multiset of values alone — so adding and
//! merging in any order give the same counts, and the error bound holds for every value
//! within that factor of the largest magnitude of its sign.
//!
//! **Quantiles.** The q-quantile is the order statistic of 0-based rank ⌊q·(n−1)⌋; the
//! sketch returns its bucket's representative, clamped to the exact [min, max] (which only
//! moves it closer).

/// Mantissa bits in a bucket key: 2⁶ = 64 buckets per power of two.
pub const SUB_BUCKET_BITS: u32 = 6;
/// Most buckets kept per sign.
pub const MAX_BUCKETS: usize = 4096;
/// The relative error bound: 1 / (2·64 + 1).
pub const RELATIVE_ERROR: f64 = 1.0 / 129.0;

const SHIFT: u32 = 52 - SUB_BUCKET_BITS;
/// Buckets allocated when a store receives its first value one at a time ([`Store::add`]:
/// merging, reading, a sign whose first value comes after the sketch's first run): four
/// powers of two (a factor of 16) around it. Allocating the usual range up front keeps a
/// batch's memory flat as trials accumulate instead of creeping up bucket by bucket. A
/// sketch's first run of values (a block of trials) opens its stores sized by that run's
/// keys instead ([`Store::open`]).
const INITIAL_WINDOW: i32 = 512;
/// Buckets added at a time when a value falls outside the window: one power of two.
const GROW_CHUNK: i32 = 64;
/// Buckets kept on either side of a run's keys when [`QuantileSketch::add_finite_run`]
/// opens an empty store: a quarter of a power of two (a later value outside the window
/// grows it by [`GROW_CHUNK`]).
const OPEN_MARGIN: i32 = GROW_CHUNK / 4;

/// Bucket key of a positive normal magnitude.
#[inline]
fn key_of(magnitude: f64) -> i32 {
    (magnitude.to_bits() >> SHIFT) as i32
}

/// The representative value of bucket `key`: `2LU/(L+U)`.
fn representative(key: i32) -> f64 {
    let lower = f64::from_bits((key as u64) << SHIFT);
    let upper = f64::from_bits(((key as u64) + 1) << SHIFT);
    if upper.is_infinite() {
        return lower;
    }
    // 2LU/(L+U) = 2L / (1 + L/U), computed without overflow.
    2.0 * lower / (1.0 + lower / upper)
}

/// One sign's buckets: dense counts for keys `offset..offset+counts.len()`. Keys below the
/// floor (`top − MAX_BUCKETS + 1`) hold no count: they are folded into the floor bucket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Store {
    offset: i32,
    counts: Vec<u32>,
    /// Largest key ever added (meaningful when `total > 0`).
    top: i32,
    total: u64,
}

impl Store {
    fn floor(&self) -> i32 {
        self.top - (MAX_BUCKETS as i32 - 1)
    }

    /// Adds one value of bucket `key`: the common case (a key inside the window, not above
    /// the top) inline, everything else through [`Store::add`].
    #[inline]
    fn add_one(&mut self, key: i32) {
        if key <= self.top {
            // A key below the window wraps to a huge index and misses, like one above it.
            let index = key.wrapping_sub(self.offset) as u32 as usize;
            if let Some(slot) = self.counts.get_mut(index) {
                *slot = slot.saturating_add(1);
                self.total += 1;
                return;
            }
        }
        self.add(key, 1);
    }

    /// Opens an empty store for a run whose keys of this sign span `lo..=hi`: the window
    /// covers them and [`OPEN_MARGIN`] buckets on either side (not below the floor), and
    /// the top is `hi`, so every key of the run then takes [`Store::add_one`]'s fast path.
    /// The counts after the run are those [`Store::add`] gives (the window is only where
    /// they are kept; [`Store::run`] trims it); a window sized by the values instead of
    /// [`INITIAL_WINDOW`] saves clearing and scanning buckets no value comes near.
    #[allow(
        clippy::slow_vector_initialization,
        reason = "malloc and a clear cost less than calloc here (see below)"
    )]
    fn open(&mut self, lo: i32, hi: i32) {
        debug_assert!(self.total == 0 && lo <= hi);
        self.top = hi;
        self.offset = lo.saturating_sub(OPEN_MARGIN).max(self.floor());
        let end = hi.saturating_add(OPEN_MARGIN);
        // `vec![0; n]` asks the allocator for zeroed memory (`calloc`, which glibc serves
        // without its per-thread cache, ~400 instructions); a window is a few hundred
        // bytes, cheaper to take from `malloc` and clear here.
        let len = (end - self.offset + 1) as usize;
        let mut counts = Vec::with_capacity(len);
        counts.resize(len, 0);
        self.counts = counts;
    }

    fn add(&mut self, key: i32, count: u32) {
        if count == 0 {
            return;
        }
        if self.total == 0 {
            self.top = key;
            self.offset = key - INITIAL_WINDOW / 2;
            self.counts = vec![0; INITIAL_WINDOW as usize];
        } else if key > self.top {
            self.top = key;
            self.collapse_below_floor();
        }
        let key = key.max(self.floor());
        self.ensure(key);
        if let Some(slot) = self.counts.get_mut((key - self.offset) as usize) {
            *slot = slot.saturating_add(count);
        }
        self.total += u64::from(count);
    }

    /// Folds the counts below the floor into the floor bucket.
    fn collapse_below_floor(&mut self) {
        let floor = self.floor();
        if self.offset >= floor {
            return;
        }
        let cut = ((floor - self.offset) as usize).min(self.counts.len());
        let folded = self
            .counts
            .drain(..cut)
            .fold(0u32, |a, b| a.saturating_add(b));
        self.offset = floor;
        if self.counts.is_empty() {
            self.counts.push(0);
        }
        self.counts[0] = self.counts[0].saturating_add(folded);
    }

    /// Grows the window to include `key` (≥ floor), a power of two at a time.
    fn ensure(&mut self, key: i32) {
        let end = self.offset + self.counts.len() as i32;
        if key >= end {
            let new_end = key + GROW_CHUNK;
            let extra = (new_end - end) as usize;
            self.counts.reserve_exact(extra);
            self.counts.resize(self.counts.len() + extra, 0);
        } else if key < self.offset {
            let new_offset = (key - GROW_CHUNK + 1).max(self.floor()).min(key);
            let extra = (self.offset - new_offset) as usize;
            let mut counts = Vec::with_capacity(extra + self.counts.len());
            counts.resize(extra, 0);
            counts.extend_from_slice(&self.counts);
            self.counts = counts;
            self.offset = new_offset;
        }
    }

    /// Non-empty buckets' (key, count), ascending.
    fn iter(&self) -> impl DoubleEndedIterator<Item = (i32, u32)> + '_ {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(move |(i, c)| (self.offset + i as i32, *c))
    }

    /// The canonical form: first key and the counts from it to the top, no zero at either end.
    fn parts(&self) -> BucketRun {
        let (first_key, counts) = self.run();
        BucketRun {
            first_key,
            counts: counts.to_vec(),
        }
    }

    /// [`Store::parts`] borrowed: the first key and the counts (`(0, [])` when empty).
    fn run(&self) -> (i32, &[u32]) {
        // Most of a window is zeros: skip them eight at a time (an OR of eight counts is
        // one vector instruction), then find the exact bucket in the chunk. From the
        // bottom, where a window's zeros run longest, 32 at a time.
        const CHUNK: usize = 8;
        const WIDE: usize = 32;
        let any = |chunk: &[u32]| chunk.iter().fold(0, |a, &c| a | c) != 0;
        let counts = &self.counts;
        let first = counts.chunks(WIDE).position(any).and_then(|k| {
            counts[k * WIDE..]
                .iter()
                .position(|&c| c > 0)
                .map(|i| k * WIDE + i)
        });
        // No count sits above the top key (a key above it would have become the top), and
        // the top's own count, once added, stays: when that bucket holds a count it is the
        // last one, and the scan from the end (~half the window) is not needed.
        let at_top = usize::try_from(i64::from(self.top) - i64::from(self.offset))
            .ok()
            .filter(|&t| counts.get(t).is_some_and(|&c| c > 0));
        debug_assert!(
            at_top.is_none_or(|t| counts[t + 1..].iter().all(|&c| c == 0)),
            "a count above the top key"
        );
        let last = first.and(at_top).or_else(|| {
            first?;
            let full = counts.len() / CHUNK * CHUNK;
            let tail = counts[full..]
                .iter()
                .rposition(|&c| c > 0)
                .map(|i| full + i);
            tail.or_else(|| {
                counts[..full]
                    .chunks_exact(CHUNK)
                    .rposition(any)
                    .and_then(|k| {
                        counts[k * CHUNK..(k + 1) * CHUNK]
                            .iter()
                            .rposition(|&c| c > 0)
                            .map(|i| k * CHUNK + i)
                    })
            })
        });
        match (first, last) {
            (Some(a), Some(b)) => (self.offset + a as i32, &self.counts[a..=b]),
            _ => (0, &[]),
        }
    }
}

/// A run of consecutive bucket counts starting at `first_key`; the storage form of one
/// sign's buckets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BucketRun {
    /// Key of `counts[0]`.
    pub first_key: i32,
    /// Counts of keys `first_key`, `first_key + 1`, ….
    pub counts: Vec<u32>,
}

/// The storage form of a [`QuantileSketch`]: canonical, so equal sketches store equally.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SketchParts {
    /// Count of zeros (and subnormals).
    pub zeros: u64,
    /// Buckets of positive values.
    pub positive: BucketRun,
    /// Buckets of negative values, keyed by magnitude.
    pub negative: BucketRun,
}

/// Why stored sketch parts were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SketchPartsError {
    /// Keys outside the range a finite f64 can produce.
    #[error("bucket keys {first}..{last} are outside the valid range")]
    KeyRange {
        /// First key.
        first: i32,
        /// Last key.
        last: i64,
    },
    /// More buckets than a sketch keeps.
    #[error("{0} buckets in one sign, more than the {MAX_BUCKETS} a sketch keeps")]
    TooManyBuckets(usize),
    /// The buckets do not hold as many values as the cell says it folded.
    #[error("the sketch holds {sketch} values but the cell counts {cell}")]
    CountMismatch {
        /// Values in the sketch.
        sketch: u64,
        /// Values the cell counts.
        cell: u64,
    },
}

/// A mergeable quantile sketch; see the module docs for its error bound.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuantileSketch {
    zeros: u64,
    positive: Store,
    negative: Store,
}

impl QuantileSketch {
    /// An empty sketch.
    pub fn new() -> QuantileSketch {
        QuantileSketch::default()
    }

    /// Number of values added.
    pub fn count(&self) -> u64 {
        self.zeros + self.positive.total + self.negative.total
    }

    /// Adds a finite value (non-finite values are ignored; callers count them).
    #[inline]
    pub fn add(&mut self, x: f64) {
        if !x.is_finite() {
            return;
        }
        let magnitude = x.abs();
        if magnitude < f64::MIN_POSITIVE {
            self.zeros += 1;
        } else if x > 0.0 {
            self.positive.add_one(key_of(magnitude));
        } else {
            self.negative.add_one(key_of(magnitude));
        }
    }

    /// Adds finite values, like [`QuantileSketch::add`] on each (non-finite values must be
    /// filtered out first: here they would land in a bucket).
    #[inline]
    pub fn add_finite_run(&mut self, values: &[f64]) {
        if self.count() == 0 {
            self.open_for(values);
        }
        for &x in values {
            let bits = x.to_bits();
            let magnitude = bits & !(1u64 << 63);
            if magnitude < f64::MIN_POSITIVE.to_bits() {
                self.zeros += 1;
            } else {
                let key = (magnitude >> SHIFT) as i32;
                if bits >> 63 == 0 {
                    self.positive.add_one(key);
                } else {
                    self.negative.add_one(key);
                }
            }
        }
    }

    /// Opens each store that `values` (the first run of an empty sketch) hold keys for
    /// ([`Store::open`]), where the run's keys of that sign span fewer than
    /// [`MAX_BUCKETS`] (else the store starts as [`Store::add`] starts it, as it does for a
    /// sign whose first value comes in a later run).
    #[inline(never)]
    fn open_for(&mut self, values: &[f64]) {
        // (lowest, highest) key of each sign.
        let mut spans = [(i32::MAX, i32::MIN); 2];
        for &x in values {
            let bits = x.to_bits();
            let magnitude = bits & !(1u64 << 63);
            if magnitude >= f64::MIN_POSITIVE.to_bits() {
                let key = (magnitude >> SHIFT) as i32;
                let span = &mut spans[(bits >> 63) as usize];
                span.0 = span.0.min(key);
                span.1 = span.1.max(key);
            }
        }
        for (store, (lo, hi)) in [&mut self.positive, &mut self.negative]
            .into_iter()
            .zip(spans)
        {
            if store.total == 0 && lo <= hi && i64::from(hi) - i64::from(lo) < MAX_BUCKETS as i64 {
                store.open(lo, hi);
            }
        }
    }

    /// Adds every value of `other` (exact: integer counts).
    pub fn merge(&mut self, other: &QuantileSketch) {
        self.zeros += other.zeros;
        for (key, count) in other.positive.iter() {
            self.positive.add(key, count);
        }
        for (key, count) in other.negative.iter() {
            self.negative.add(key, count);
        }
    }

    /// The storage form's bucket runs, borrowed: (first key, counts) of the positive and
    /// the negative buckets, as [`QuantileSketch::to_parts`] copies them.
    pub fn runs(&self) -> [(i32, &[u32]); 2] {
        [self.positive.run(), self.negative.run()]
    }

    /// Count of zeros (and subnormals).
    pub fn zeros(&self) -> u64 {
        self.zeros
    }

    /// The storage form.
    pub fn to_parts(&self) -> SketchParts {
        SketchParts {
            zeros: self.zeros,
            positive: self.positive.parts(),
            negative: self.negative.parts(),
        }
    }

    /// A sketch from its storage form, checking that the keys could have come from values.
    pub fn from_parts(parts: &SketchParts) -> Result<QuantileSketch, SketchPartsError> {
        let mut sketch = QuantileSketch {
            zeros: parts.zeros,
            ..QuantileSketch::default()
        };
        let max_key = key_of(f64::MAX);
        let min_key = key_of(f64::MIN_POSITIVE);
        for (run, store) in [
            (&parts.positive, &mut sketch.positive),
            (&parts.negative, &mut sketch.negative),
        ] {
            if run.counts.len() > MAX_BUCKETS {
                return Err(SketchPartsError::TooManyBuckets(run.counts.len()));
            }
            let last = i64::from(run.first_key) + run.counts.len() as i64 - 1;
            if !run.counts.is_empty() && (run.first_key < min_key || last > i64::from(max_key)) {
                return Err(SketchPartsError::KeyRange {
                    first: run.first_key,
                    last,
                });
            }
            // Highest key first, so the floor is set before lower keys arrive.
            for (i, count) in run.counts.iter().enumerate().rev() {
                store.add(run.first_key + i as i32, *count);
            }
        }
        Ok(sketch)
    }

    /// The values at 0-based ranks ⌊q·(n−1)⌋ for each `q` (ascending, in [0, 1]), clamped to
    /// `[min, max]`; `None` for an empty sketch.
    pub fn quantiles<const N: usize>(&self, qs: [f64; N], min: f64, max: f64) -> Option<[f64; N]> {
        let n = self.count();
        if n == 0 {
            return None;
        }
        let ranks = qs.map(|q| ((q.clamp(0.0, 1.0) * (n - 1) as f64).floor() as u64).min(n - 1));
        let mut out = [f64::NAN; N];
        let mut next = 0usize;
        let mut seen = 0u64;
        // Ascending value order: negatives by descending magnitude, zeros, positives.
        let buckets = self
            .negative
            .iter()
            .rev()
            .map(|(k, c)| (-representative(k), u64::from(c)))
            .chain(std::iter::once((0.0, self.zeros)))
            .chain(
                self.positive
                    .iter()
                    .map(|(k, c)| (representative(k), u64::from(c))),
            );
        for (value, count) in buckets {
            seen += count;
            while next < N && ranks[next] < seen {
                out[next] = if min <= max {
                    value.clamp(min, max)
                } else {
                    value
                };
                next += 1;
            }
            if next == N {
                break;
            }
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const QS: [f64; 7] = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99];

    proptest! {
        /// The chunked scan of a window finds the same first and last non-zero bucket as
        /// a plain scan, for any window length and placement of the counts.
        #[test]
        fn parts_trim_like_a_plain_scan(
            counts in proptest::collection::vec(prop_oneof![4 => Just(0u32), 1 => 1u32..5], 0..70),
            offset in -50i32..50,
            above in 0i32..3,
        ) {
            // As in a store: no count above the top key (which may lie beyond the window).
            let top = offset + counts.iter().rposition(|&c| c > 0).map_or(0, |i| i as i32) + above;
            let store = Store { offset, counts: counts.clone(), top, total: 0 };
            let want = match (
                counts.iter().position(|&c| c > 0),
                counts.iter().rposition(|&c| c > 0),
            ) {
                (Some(a), Some(b)) => BucketRun {
                    first_key: offset + a as i32,
                    counts: counts[a..=b].to_vec(),
                },
                _ => BucketRun::default(),
            };
            prop_assert_eq!(store.parts(), want);
        }
    }

    fn exact_quantiles(values: &[f64]) -> [f64; 7] {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        QS.map(|q| sorted[((q * (n - 1) as f64).floor() as usize).min(n - 1)])
    }

    fn sketch_of(values: &[f64]) -> QuantileSketch {
        let mut s = QuantileSketch::new();
        for &v in values {
            s.add(v);
        }
        s
    }

    fn bounds(values: &[f64]) -> (f64, f64) {
        values
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            })
    }

    fn check_error(values: &[f64]) -> f64 {
        let (lo, hi) = bounds(values);
        let got = sketch_of(values).quantiles(QS, lo, hi).unwrap();
        let want = exact_quantiles(values);
        let mut worst = 0.0f64;
        for (g, w) in got.iter().zip(want) {
            let err = if w == 0.0 {
                g.abs()
            } else {
                ((g - w) / w).abs()
            };
            worst = worst.max(err);
        }
        worst
    }

    #[test]
    fn bucket_widths_give_the_stated_bound() {
        // Worst bucket: j = 0 in any binade.
        let key = key_of(1.0);
        let lower = f64::from_bits((key as u64) << SHIFT);
        let upper = f64::from_bits(((key as u64) + 1) << SHIFT);
        let rep = representative(key);
        assert_eq!((lower, upper), (1.0, 1.0 + 1.0 / 64.0));
        let worst = ((rep - lower) / lower).max((upper - rep) / upper);
        assert!((worst - RELATIVE_ERROR).abs() < 1e-12, "{worst}");
    }

    #[test]
    fn cases() {
        // (values, expected [p01..p99])
        let cases: &[(&[f64], [f64; 7])] = &[
            (&[5.0], [5.0; 7]),
            (&[0.0, 0.0], [0.0; 7]),
            (&[3.0; 10], [3.0; 7]),
            (&[-1.0, 0.0, 1.0], [-1.0, -1.0, -1.0, 0.0, 0.0, 0.0, 0.0]),
        ];
        for (values, expected) in cases {
            let (lo, hi) = bounds(values);
            assert_eq!(
                sketch_of(values).quantiles(QS, lo, hi).unwrap(),
                *expected,
                "{values:?}"
            );
        }
        assert_eq!(QuantileSketch::new().quantiles(QS, 0.0, 0.0), None);
    }

    /// A deterministic spread of values: lognormal-ish prices, mixed-sign profits, sparse
    /// shortages (mostly zero), and a wide dynamic range.
    fn families() -> Vec<(&'static str, Vec<f64>)> {
        let n = 20_000;
        let u = |i: usize, salt: u64| {
            let x = (i as u64 + 1)
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .wrapping_add(salt.wrapping_mul(0xBF58_476D_1CE4_E5B9));
            let x = (x ^ (x >> 31)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((x >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        };
        let normal =
            |i: usize| (-2.0 * u(i, 1).ln()).sqrt() * (2.0 * std::f64::consts::PI * u(i, 2)).cos();
        vec![
            (
                "lognormal price",
                (0..n).map(|i| 60.0 * (0.4 * normal(i)).exp()).collect(),
            ),
            (
                "mixed-sign profit",
                (0..n).map(|i| 500.0 * normal(i) + 100.0).collect(),
            ),
            (
                "sparse shortage",
                (0..n)
                    .map(|i| if u(i, 3) < 0.9 { 0.0 } else { 1e3 * u(i, 4) })
                    .collect(),
            ),
            (
                "12 decades",
                (0..n).map(|i| 10f64.powf(12.0 * u(i, 5) - 6.0)).collect(),
            ),
            ("uniform share", (0..n).map(|i| u(i, 6)).collect()),
        ]
    }

    /// The measured error against exact order statistics, stated in docs/batch.md.
    #[test]
    fn measured_error_is_within_the_bound() {
        for (name, values) in families() {
            let worst = check_error(&values);
            assert!(worst <= RELATIVE_ERROR, "{name}: {worst}");
            eprintln!("{name}: worst relative error {worst:.5}");
        }
    }

    fn value() -> impl Strategy<Value = f64> {
        prop_oneof![
            -1e3f64..1e3,
            1e-3f64..1e6,
            Just(0.0),
            // 18 decades: inside the 1.8e19 range kept at full accuracy.
            (0.0f64..1.0).prop_map(|u| 10f64.powf(18.0 * u - 9.0)),
        ]
    }

    proptest! {
        #[test]
        fn error_bound_holds(values in prop::collection::vec(value(), 1..300)) {
            prop_assert!(check_error(&values) <= RELATIVE_ERROR);
        }

        /// Merging any split, in either order, equals one sketch of everything; the storage
        /// form round-trips.
        #[test]
        fn merge_is_exact_and_order_free(
            values in prop::collection::vec(value(), 0..200),
            split in 0usize..200,
        ) {
            let whole = sketch_of(&values);
            let split = split.min(values.len());
            let (a, b) = (sketch_of(&values[..split]), sketch_of(&values[split..]));
            let mut ab = a.clone();
            ab.merge(&b);
            let mut ba = b.clone();
            ba.merge(&a);
            prop_assert_eq!(ab.to_parts(), whole.to_parts());
            prop_assert_eq!(ba.to_parts(), whole.to_parts());
            let back = QuantileSketch::from_parts(&whole.to_parts()).unwrap();
            prop_assert_eq!(back.to_parts(), whole.to_parts());
        }

        /// Runs through `add_finite_run` — the first of which opens the stores sized by
        /// its keys — give the counts of adding the values one by one, whatever the runs'
        /// lengths, signs and spans (past the 4096 buckets kept, too).
        #[test]
        fn runs_equal_values_one_by_one(
            values in prop::collection::vec(prop_oneof![
                value(),
                value().prop_map(|x| -x),
                (-300i32..300).prop_map(|e| 10f64.powi(e)),
            ], 0..200),
            cuts in prop::collection::vec(0usize..200, 0..4),
        ) {
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(values.len())).collect();
            cuts.push(0);
            cuts.push(values.len());
            cuts.sort_unstable();
            let mut runs = QuantileSketch::new();
            for pair in cuts.windows(2) {
                runs.add_finite_run(&values[pair[0]..pair[1]]);
            }
            let one_by_one = sketch_of(&values);
            prop_assert_eq!(runs.count(), one_by_one.count());
            prop_assert_eq!(runs.to_parts(), one_by_one.to_parts());
            prop_assert_eq!(runs.quantiles(QS, -1e300, 1e300), one_by_one.quantiles(QS, -1e300, 1e300));
        }

        /// Collapsing keeps the result a function of the multiset even past 4096 buckets.
        #[test]
        fn collapse_is_order_free(exponents in prop::collection::vec(-300i32..300, 1..100)) {
            let values: Vec<f64> = exponents.iter().map(|&e| 10f64.powi(e)).collect();
            let forward = sketch_of(&values);
            let mut reversed = values.clone();
            reversed.reverse();
            prop_assert_eq!(sketch_of(&reversed).to_parts(), forward.to_parts());
            let parts = forward.to_parts();
            prop_assert!(parts.positive.counts.len() <= MAX_BUCKETS);
        }
    }
}
