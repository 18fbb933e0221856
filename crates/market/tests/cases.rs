//! Hand-checked clearings of the reference order-book solver (`reference/`), the oracle the
//! schedule clearing is tested against. The cases live in `tests/data/cases.toml`: each
//! states its books, link, bounds and reference prices and the expected result, worked out
//! by hand in the comment above it. `check` also clears the same books pushed in reverse
//! order and expects the same per-item result.

mod reference;

use reference::{Bid, Clearing, Market, Offer};
use remsim_market::{Link, PriceBounds};
use serde::Deserialize;

/// One hand-checked clearing; books are (quantity t, price USD/kg) pairs, arrays are by
/// region (China, rest of world).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    #[serde(default)]
    cn_offers: Vec<(f64, f64)>,
    #[serde(default)]
    cn_bids: Vec<(f64, f64)>,
    #[serde(default)]
    row_offers: Vec<(f64, f64)>,
    #[serde(default)]
    row_bids: Vec<(f64, f64)>,
    /// (capacity t, wedge USD/kg)
    link: (f64, f64),
    /// (floor, cap) USD/kg
    #[serde(default = "wide")]
    bounds: (f64, f64),
    #[serde(default)]
    reference: [f64; 2],
    price: [f64; 2],
    flow: f64,
    binding: bool,
    offer_fill: [Vec<f64>; 2],
    bid_fill: [Vec<f64>; 2],
    unsold: [f64; 2],
    unmet: [f64; 2],
}

fn wide() -> (f64, f64) {
    (0.0, 1000.0)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Cases {
    case: Vec<Case>,
}

fn clear(case: &Case, reversed: bool) -> Clearing {
    let mut market = Market::new();
    let books = [
        (&case.cn_offers, &case.cn_bids),
        (&case.row_offers, &case.row_bids),
    ];
    for (book, (offers, bids)) in market.books.iter_mut().zip(books) {
        let mut offers: Vec<_> = offers.iter().collect();
        let mut bids: Vec<_> = bids.iter().collect();
        if reversed {
            offers.reverse();
            bids.reverse();
        }
        for &&(q, a) in &offers {
            book.push_offer(Offer::new(q, a));
        }
        for &&(q, r) in &bids {
            book.push_bid(Bid::new(q, r));
        }
    }
    let mut out = Clearing::new();
    market
        .clear(
            Link {
                capacity_t: case.link.0,
                wedge_usd_per_kg: case.link.1,
            },
            PriceBounds {
                floor_usd_per_kg: case.bounds.0,
                cap_usd_per_kg: case.bounds.1,
            },
            case.reference,
            &mut out,
        )
        .unwrap_or_else(|e| panic!("{}: {e}", case.name));
    if reversed {
        for r in 0..2 {
            out.offer_fill_t[r].reverse();
            out.bid_fill_t[r].reverse();
        }
    }
    out
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * (1.0 + a.abs().max(b.abs()))
}

fn assert_close_all(name: &str, what: &str, got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{name}: {what} length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(close(*g, *w), "{name}: {what}[{i}] = {g}, expected {w}");
    }
}

fn check(case: &Case) {
    let out = clear(case, false);
    let n = &case.name;
    assert_close_all(n, "price", &out.price_usd_per_kg, &case.price);
    assert!(
        close(out.flow_t, case.flow),
        "{n}: flow {} vs {}",
        out.flow_t,
        case.flow
    );
    assert_eq!(out.link_binding, case.binding, "{n}: link_binding");
    for r in 0..2 {
        assert_close_all(
            n,
            &format!("offer_fill[{r}]"),
            &out.offer_fill_t[r],
            &case.offer_fill[r],
        );
        assert_close_all(
            n,
            &format!("bid_fill[{r}]"),
            &out.bid_fill_t[r],
            &case.bid_fill[r],
        );
    }
    assert_close_all(n, "unsold", &out.unsold_t, &case.unsold);
    assert_close_all(n, "unmet", &out.unmet_t, &case.unmet);
    // Tonnes are conserved.
    assert!(
        close(out.sold_t[0], out.bought_t[0] + out.flow_t),
        "{n}: China balance"
    );
    assert!(
        close(out.bought_t[1], out.sold_t[1] + out.flow_t),
        "{n}: RoW balance"
    );
    // Input order does not matter.
    let rev = clear(case, true);
    assert_eq!(rev, out, "{n}: reversed input order");
}

#[test]
fn hand_checked_cases() {
    let cases: Cases = toml::from_str(include_str!("data/cases.toml")).unwrap();
    assert!(!cases.case.is_empty());
    for case in &cases.case {
        check(case);
    }
}

#[test]
fn input_order_does_not_matter() {
    // Same items in three orders, including identical twins and a tied margin: prices,
    // flow and totals equal bit for bit, and each item keeps its fill.
    let items: [(f64, f64); 6] = [
        (0.1, 10.0),
        (0.2, 10.0),
        (0.1, 10.0),
        (0.3, 7.0),
        (0.7, 12.0),
        (0.05, 9.0),
    ];
    let bids: [(f64, f64); 4] = [(0.3, 11.0), (0.25, 15.0), (0.3, 11.0), (0.1, 8.0)];
    let orders: [[usize; 6]; 3] = [[0, 1, 2, 3, 4, 5], [5, 4, 3, 2, 1, 0], [2, 0, 4, 1, 5, 3]];
    let bid_orders: [[usize; 4]; 3] = [[0, 1, 2, 3], [3, 2, 1, 0], [1, 3, 0, 2]];
    let mut results = Vec::new();
    for (order, bid_order) in orders.iter().zip(&bid_orders) {
        let mut market = Market::new();
        for &i in order {
            market.books[0].push_offer(Offer::new(items[i].0, items[i].1));
        }
        for &j in bid_order {
            market.books[1].push_bid(Bid::new(bids[j].0, bids[j].1));
        }
        let mut out = Clearing::new();
        market
            .clear(
                Link {
                    capacity_t: 0.4,
                    wedge_usd_per_kg: 0.5,
                },
                PriceBounds {
                    floor_usd_per_kg: 0.0,
                    cap_usd_per_kg: 100.0,
                },
                [10.0, 12.0],
                &mut out,
            )
            .unwrap();
        // Map fills back to the item numbering.
        let mut offer_fill = [0.0; 6];
        for (pos, &i) in order.iter().enumerate() {
            offer_fill[i] = out.offer_fill_t[0][pos];
        }
        let mut bid_fill = [0.0; 4];
        for (pos, &j) in bid_order.iter().enumerate() {
            bid_fill[j] = out.bid_fill_t[1][pos];
        }
        results.push((
            out.price_usd_per_kg,
            out.flow_t,
            out.sold_t,
            out.bought_t,
            offer_fill,
            bid_fill,
        ));
    }
    assert_eq!(results[0], results[1]);
    assert_eq!(results[0], results[2]);
    // The twins got the same fill.
    assert_eq!(results[0].4[0], results[0].4[2]);
    assert_eq!(results[0].5[0], results[0].5[2]);
}

#[test]
fn extreme_magnitudes_do_not_panic() {
    // Huge but finite quantities and prices, and a huge quota: prices stay finite and in
    // bounds.
    let mut market = Market::new();
    market.books[0].push_offer(Offer::new(1e300, f64::MAX));
    market.books[0].push_offer(Offer::new(f64::MIN_POSITIVE, 0.0));
    market.books[1].push_bid(Bid::new(1e300, f64::MAX));
    market.books[1].push_bid(Bid::new(5e-324, 1e-300));
    let mut out = Clearing::new();
    market
        .clear(
            Link {
                capacity_t: f64::MAX,
                wedge_usd_per_kg: f64::MAX,
            },
            PriceBounds {
                floor_usd_per_kg: 0.0,
                cap_usd_per_kg: f64::MAX,
            },
            [f64::MAX, 0.0],
            &mut out,
        )
        .unwrap();
    assert!(out.price_usd_per_kg.iter().all(|p| p.is_finite()));
    assert!(out.flow_t <= f64::MAX);
}
