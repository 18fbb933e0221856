//! The clearing against a straightforward reference (`reference/mod.rs`: the algorithm as
//! it was before large books were ordered in linear time, issue 8): on random books of 0 to
//! 3,000 orders per region — ties in price and quantity, zero and tiny quantities, `-0.0`,
//! prices at, inside and outside the bounds, closed, open and binding links — every price,
//! the flow, the binding flag, every fill and every total must be the same bits. Each
//! instance is cleared by a fresh market, then by the same market again with the books in
//! reverse order and with prices moved (last clearing's order, nearly right), so that every
//! ordering path is compared.

mod reference;

use proptest::prelude::*;
use remsim_market::{Bid, Clearing, CoupledMarket, Link, Offer, PriceBounds, RegionBook};

/// How an instance's prices and quantities are drawn.
#[derive(Debug, Clone)]
struct Spec {
    seed: u64,
    /// Offers and bids per region.
    sizes: [[usize; 2]; 2],
    /// 0: a coarse grid (many ties), 1: continuous, 2: three values, 3: anything, extremes
    /// included.
    prices: u8,
    /// 0: a grid (ties), 1: continuous, 2: mixed with zeros, `-0.0` and tiny values.
    quantities: u8,
    link: Link,
    bounds: PriceBounds,
    reference: [f64; 2],
}

/// A small deterministic generator (64-bit LCG): the books are drawn from the seed, so that
/// proptest shrinks the sizes and kinds, not thousands of numbers.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        ((self.next() * n as f64) as usize).min(n - 1)
    }
}

fn price(rng: &mut Lcg, kind: u8) -> f64 {
    match kind {
        0 => 5.0 * rng.below(50) as f64,
        1 => 250.0 * rng.next(),
        2 => [40.0, 42.5, 45.0][rng.below(3)],
        _ => match rng.below(8) {
            0 => 0.0,
            1 => -0.0,
            2 => 1e6 * rng.next(),
            3 => 1e-300,
            4 => f64::MAX,
            5 => 5.0 * rng.below(50) as f64,
            _ => 250.0 * rng.next(),
        },
    }
}

fn quantity(rng: &mut Lcg, kind: u8) -> f64 {
    match kind {
        0 => rng.below(20) as f64,
        1 => 100.0 * rng.next(),
        _ => match rng.below(8) {
            0 => 0.0,
            1 => -0.0,
            2 => 1e-9 * rng.next(),
            3 => 5e-324,
            4 => rng.below(5) as f64,
            _ => 100.0 * rng.next(),
        },
    }
}

fn books(spec: &Spec) -> [RegionBook; 2] {
    let mut rng = Lcg(spec.seed);
    let mut books = [RegionBook::new(), RegionBook::new()];
    for (book, [offers, bids]) in books.iter_mut().zip(spec.sizes) {
        for _ in 0..offers {
            let q = quantity(&mut rng, spec.quantities);
            book.push_offer(Offer::new(q, price(&mut rng, spec.prices)));
        }
        for _ in 0..bids {
            let q = quantity(&mut rng, spec.quantities);
            book.push_bid(Bid::new(q, price(&mut rng, spec.prices)));
        }
    }
    books
}

/// The books with every order in reverse order.
fn reversed(books: &[RegionBook; 2]) -> [RegionBook; 2] {
    books.clone().map(|b| {
        let mut r = RegionBook::new();
        for &o in b.offers().iter().rev() {
            r.push_offer(o);
        }
        for &bid in b.bids().iter().rev() {
            r.push_bid(bid);
        }
        r
    })
}

/// The books with every price moved by up to ±1% (some orders swap places).
fn moved(books: &[RegionBook; 2], seed: u64) -> [RegionBook; 2] {
    let mut rng = Lcg(seed ^ 0x9E37_79B9_7F4A_7C15);
    books.clone().map(|b| {
        let mut r = RegionBook::new();
        for o in b.offers() {
            let f = 0.99 + 0.02 * rng.next();
            r.push_offer(Offer::new(o.quantity_t, o.ask_usd_per_kg * f));
        }
        for bid in b.bids() {
            let f = 0.99 + 0.02 * rng.next();
            r.push_bid(Bid::new(bid.quantity_t, bid.reservation_usd_per_kg * f));
        }
        r
    })
}

fn bits(x: &[f64]) -> Vec<u64> {
    x.iter().map(|v| v.to_bits()).collect()
}

/// Every field of the two clearings, as bits.
fn same(got: &Clearing, want: &Clearing) -> Result<(), TestCaseError> {
    prop_assert_eq!(
        bits(&got.price_usd_per_kg),
        bits(&want.price_usd_per_kg),
        "prices"
    );
    prop_assert_eq!(got.flow_t.to_bits(), want.flow_t.to_bits(), "flow");
    prop_assert_eq!(got.link_binding, want.link_binding, "binding");
    for r in 0..2 {
        prop_assert_eq!(
            bits(&got.offer_fill_t[r]),
            bits(&want.offer_fill_t[r]),
            "offer fills {}",
            r
        );
        prop_assert_eq!(
            bits(&got.bid_fill_t[r]),
            bits(&want.bid_fill_t[r]),
            "bid fills {}",
            r
        );
    }
    prop_assert_eq!(bits(&got.sold_t), bits(&want.sold_t), "sold");
    prop_assert_eq!(bits(&got.bought_t), bits(&want.bought_t), "bought");
    prop_assert_eq!(bits(&got.unsold_t), bits(&want.unsold_t), "unsold");
    prop_assert_eq!(bits(&got.unmet_t), bits(&want.unmet_t), "unmet");
    Ok(())
}

/// Clears `books` with `market` and compares with the reference (both refuse, or both
/// give the same bits).
fn check(
    market: &mut CoupledMarket,
    books: &[RegionBook; 2],
    spec: &Spec,
) -> Result<(), TestCaseError> {
    market.books = books.clone();
    let mut out = Clearing::new();
    let got = market.clear(spec.link, spec.bounds, spec.reference, &mut out);
    let want = reference::clear(books, spec.link, spec.bounds, spec.reference);
    match (got, want) {
        (Ok(()), Some(want)) => same(&out, &want),
        (Err(_), None) => Ok(()),
        (got, want) => Err(TestCaseError::fail(format!(
            "market {got:?}, reference {}",
            if want.is_some() { "cleared" } else { "refused" }
        ))),
    }
}

fn size() -> impl Strategy<Value = usize> {
    prop_oneof![0..8usize, 0..40usize, 20..400usize, 200..1500usize]
}

fn spec() -> impl Strategy<Value = Spec> {
    let capacity = prop_oneof![
        Just(0.0),
        0.0..300.0f64,
        0.0..30_000.0f64,
        Just(1e12),
        Just(f64::MAX),
    ];
    let wedge = prop_oneof![
        Just(0.0),
        0.0..40.0f64,
        (0u32..8).prop_map(|k| f64::from(k) * 5.0)
    ];
    let bounds = (
        prop_oneof![Just(0.0), 0.0..30.0f64, Just(40.0)],
        prop_oneof![Just(0.0), 0.0..300.0f64, Just(5.0), Just(1e6)],
    )
        .prop_map(|(floor, width)| PriceBounds {
            floor_usd_per_kg: floor,
            cap_usd_per_kg: floor + width,
        });
    (
        any::<u64>(),
        [[size(), size()], [size(), size()]],
        0u8..4,
        0u8..3,
        (capacity, wedge),
        bounds,
        [0.0..400.0f64, 0.0..400.0f64],
    )
        .prop_map(
            |(
                seed,
                sizes,
                prices,
                quantities,
                (capacity_t, wedge_usd_per_kg),
                bounds,
                reference,
            )| {
                Spec {
                    seed,
                    sizes,
                    prices,
                    quantities,
                    link: Link {
                        capacity_t,
                        wedge_usd_per_kg,
                    },
                    bounds,
                    reference,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn clearing_matches_the_reference_bit_for_bit(spec in spec()) {
        let books = books(&spec);
        let mut market = CoupledMarket::new();
        check(&mut market, &books, &spec)?;
        check(&mut market, &reversed(&books), &spec)?;
        check(&mut market, &moved(&books, spec.seed), &spec)?;
        check(&mut market, &books, &spec)?;
    }
}

/// The benchmarks' books (`benches/performance.rs`, `market/*/1000`): 500 offers and 500
/// bids per region, a new random book each time, cleared by one market.
#[test]
fn benchmark_books_match_the_reference() {
    let mut rng = Lcg(3);
    let mut market = CoupledMarket::new();
    let spec = Spec {
        seed: 0,
        sizes: [[500, 500]; 2],
        prices: 1,
        quantities: 1,
        link: Link {
            capacity_t: 5_000.0,
            wedge_usd_per_kg: 4.0,
        },
        bounds: PriceBounds {
            floor_usd_per_kg: 0.0,
            cap_usd_per_kg: 1_000.0,
        },
        reference: [50.0, 60.0],
    };
    for round in 0..20 {
        let mut books = [RegionBook::new(), RegionBook::new()];
        for book in &mut books {
            for _ in 0..500 {
                book.push_offer(Offer::new(
                    1.0 + 99.0 * rng.next(),
                    20.0 + 80.0 * rng.next(),
                ));
            }
            for _ in 0..500 {
                book.push_bid(Bid::new(1.0 + 199.0 * rng.next(), 30.0 + 90.0 * rng.next()));
            }
        }
        if let Err(e) = check(&mut market, &books, &spec) {
            panic!("round {round}: {e}");
        }
    }
}
