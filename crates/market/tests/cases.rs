//! Hand-checked clearings of the reference order-book solver (`reference/`), the oracle the
//! schedule clearing is tested against. Each case states its books, link, bounds and reference prices
//! and the expected result, worked out by hand in the comment above it. `check` also clears
//! the same books pushed in reverse order and expects the same per-item result.

mod reference;

use reference::{Bid, Clearing, Market, Offer};
use remsim_market::{Link, PriceBounds};

/// One region's book as (quantity t, price USD/kg) pairs.
#[derive(Clone, Copy)]
struct Book {
    offers: &'static [(f64, f64)],
    bids: &'static [(f64, f64)],
}

const EMPTY: Book = Book {
    offers: &[],
    bids: &[],
};

struct Expect {
    price: [f64; 2],
    flow: f64,
    binding: bool,
    offer_fill: [&'static [f64]; 2],
    bid_fill: [&'static [f64]; 2],
    unsold: [f64; 2],
    unmet: [f64; 2],
}

struct Case {
    name: &'static str,
    books: [Book; 2],
    /// (capacity t, wedge USD/kg)
    link: (f64, f64),
    /// (floor, cap) USD/kg
    bounds: (f64, f64),
    reference: [f64; 2],
    expect: Expect,
}

const WIDE: (f64, f64) = (0.0, 1000.0);

fn clear(case: &Case, reversed: bool) -> Clearing {
    let mut market = Market::new();
    for (book, spec) in market.books.iter_mut().zip(case.books) {
        let mut offers: Vec<_> = spec.offers.iter().collect();
        let mut bids: Vec<_> = spec.bids.iter().collect();
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
    let e = &case.expect;
    let n = case.name;
    assert_close_all(n, "price", &out.price_usd_per_kg, &e.price);
    assert!(
        close(out.flow_t, e.flow),
        "{n}: flow {} vs {}",
        out.flow_t,
        e.flow
    );
    assert_eq!(out.link_binding, e.binding, "{n}: link_binding");
    for r in 0..2 {
        assert_close_all(
            n,
            &format!("offer_fill[{r}]"),
            &out.offer_fill_t[r],
            e.offer_fill[r],
        );
        assert_close_all(
            n,
            &format!("bid_fill[{r}]"),
            &out.bid_fill_t[r],
            e.bid_fill[r],
        );
    }
    assert_close_all(n, "unsold", &out.unsold_t, &e.unsold);
    assert_close_all(n, "unmet", &out.unmet_t, &e.unmet);
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

// China sells 40 t at 10 and wants 10 t at 20; the rest of world sells 10 t at 25 and
// wants 50 t at 40. Wedge 5. Used with three links.
const CN_A: Book = Book {
    offers: &[(40.0, 10.0)],
    bids: &[(10.0, 20.0)],
};
const ROW_A: Book = Book {
    offers: &[(10.0, 25.0)],
    bids: &[(50.0, 40.0)],
};

#[test]
fn autarky_with_a_closed_link() {
    // China: 40 t offered at 10 against 10 t bid at 20: the offer is the margin, price 10,
    // 10 t trade, 30 t unsold. RoW: 10 t at 25 against 50 t at 40: the bid is the margin,
    // price 40, 10 t served, 40 t unmet. Spread 30 > wedge 5 with a zero quota: binding.
    check(&Case {
        name: "autarky",
        books: [CN_A, ROW_A],
        link: (0.0, 5.0),
        bounds: WIDE,
        reference: [0.0, 0.0],
        expect: Expect {
            price: [10.0, 40.0],
            flow: 0.0,
            binding: true,
            offer_fill: [&[10.0], &[10.0]],
            bid_fill: [&[10.0], &[10.0]],
            unsold: [30.0, 0.0],
            unmet: [0.0, 40.0],
        },
    });
}

#[test]
fn open_link_equalises_prices_up_to_the_wedge() {
    // Autarky prices are 10 and 40. Each exported tonne first comes from China's offer
    // at 10 and displaces a RoW bid tonne at 40 (unserved in autarky): 40 − 10 > 5. At
    // f = 30 China's offer (40 t) is used up by its own bid (10 t) plus exports; the next
    // China tonne comes from its bid at 20 dropping out: 40 − 20 > 5, go on. At f = 40
    // China has nothing left to give: its offer is sold out and its bid unserved, so its
    // price may be anything in [20, cap]. RoW is then between its offer at 25 (sold) and
    // its bid at 40 (served in full: 10 own + 40 imported). China ∩ (RoW − 5) =
    // [20, 1000] ∩ [20, 35] = [20, 35], both ends from items: midpoint 27.5, RoW 32.5.
    check(&Case {
        name: "open link",
        books: [CN_A, ROW_A],
        link: (1000.0, 5.0),
        bounds: WIDE,
        reference: [0.0, 0.0],
        expect: Expect {
            price: [27.5, 32.5],
            flow: 40.0,
            binding: false,
            offer_fill: [&[40.0], &[10.0]],
            bid_fill: [&[0.0], &[50.0]],
            unsold: [0.0, 0.0],
            unmet: [10.0, 0.0],
        },
    });
}

#[test]
fn binding_quota_opens_a_spread_above_the_wedge() {
    // Quota 20 t: China's offer sells 10 (own bid) + 20 (export) = 30 of 40 at 10; RoW
    // buys 10 (own offer) + 20 (import) = 30 of 50 at 40. Spread 30 > wedge 5: rent 25.
    check(&Case {
        name: "binding quota",
        books: [CN_A, ROW_A],
        link: (20.0, 5.0),
        bounds: WIDE,
        reference: [0.0, 0.0],
        expect: Expect {
            price: [10.0, 40.0],
            flow: 20.0,
            binding: true,
            offer_fill: [&[30.0], &[10.0]],
            bid_fill: [&[10.0], &[30.0]],
            unsold: [10.0, 0.0],
            unmet: [0.0, 20.0],
        },
    });
}

#[test]
fn flow_stops_where_the_spread_meets_the_wedge() {
    // China offers 50 t at 10 and 50 t at 28; RoW offers 100 t at 30 and bids 100 t at 40.
    // In autarky RoW clears at 30 (its offer is the margin: 100 t of 100 sold), China has
    // no bid. The first 50 t of exports cost 10 and displace RoW offers at 30: 30 − 10 > 5.
    // The next cost 28: 30 − 28 = 2 <= 5, stop at f = 50. China sits between its levels
    // [10, 28], RoW at 30: China = 30 − 5 = 25 lies in [10, 28]. RoW offer sells 50 of 100.
    check(&Case {
        name: "interior flow",
        books: [
            Book {
                offers: &[(50.0, 10.0), (50.0, 28.0)],
                bids: &[],
            },
            Book {
                offers: &[(100.0, 30.0)],
                bids: &[(100.0, 40.0)],
            },
        ],
        link: (1e12, 5.0),
        bounds: WIDE,
        reference: [0.0, 0.0],
        expect: Expect {
            price: [25.0, 30.0],
            flow: 50.0,
            binding: false,
            offer_fill: [&[50.0, 0.0], &[50.0]],
            bid_fill: [&[], &[100.0]],
            unsold: [50.0, 50.0],
            unmet: [0.0, 0.0],
        },
    });
}

#[test]
fn zero_supply_leaves_all_bids_unmet() {
    // China bids 30 t at 50 and 20 t at 40 and nothing is offered: China's price may be
    // anything from the highest reservation (50) to the cap, so the reference 45 is clamped
    // to 50. RoW is empty: its reference 60 stands. Spread 10 <= wedge 20: not binding.
    check(&Case {
        name: "zero supply, low reference",
        books: [
            Book {
                offers: &[],
                bids: &[(30.0, 50.0), (20.0, 40.0)],
            },
            EMPTY,
        ],
        link: (0.0, 20.0),
        bounds: WIDE,
        reference: [45.0, 60.0],
        expect: Expect {
            price: [50.0, 60.0],
            flow: 0.0,
            binding: false,
            offer_fill: [&[], &[]],
            bid_fill: [&[0.0, 0.0], &[]],
            unsold: [0.0, 0.0],
            unmet: [50.0, 0.0],
        },
    });
    // Same with a reference of 70, inside [50, cap]: the price stays at 70.
    check(&Case {
        name: "zero supply, high reference",
        books: [
            Book {
                offers: &[],
                bids: &[(30.0, 50.0), (20.0, 40.0)],
            },
            EMPTY,
        ],
        link: (0.0, 20.0),
        bounds: WIDE,
        reference: [70.0, 60.0],
        expect: Expect {
            price: [70.0, 60.0],
            flow: 0.0,
            binding: false,
            offer_fill: [&[], &[]],
            bid_fill: [&[0.0, 0.0], &[]],
            unsold: [0.0, 0.0],
            unmet: [50.0, 0.0],
        },
    });
}

#[test]
fn demand_above_every_ask_sells_everything() {
    // 30 t offered at 5 and 8 against a bid of 100 t at 50: the bid is the margin, price
    // 50, both offers sold in full, the bid gets 30 t, 70 t unmet.
    check(&Case {
        name: "excess demand",
        books: [
            Book {
                offers: &[(10.0, 5.0), (20.0, 8.0)],
                bids: &[(100.0, 50.0)],
            },
            EMPTY,
        ],
        link: (0.0, 0.0),
        bounds: WIDE,
        reference: [1.0, 2.0],
        expect: Expect {
            price: [50.0, 2.0],
            flow: 0.0,
            binding: false,
            offer_fill: [&[10.0, 20.0], &[]],
            bid_fill: [&[30.0], &[]],
            unsold: [0.0, 0.0],
            unmet: [70.0, 0.0],
        },
    });
}

#[test]
fn empty_books_use_reference_prices() {
    // Nothing to trade, closed link: each price is its reference, clamped into [1, 100].
    check(&Case {
        name: "empty, closed",
        books: [EMPTY, EMPTY],
        link: (0.0, 2.0),
        bounds: (1.0, 100.0),
        reference: [20.0, 30.0],
        expect: Expect {
            price: [20.0, 30.0],
            flow: 0.0,
            binding: true,
            offer_fill: [&[], &[]],
            bid_fill: [&[], &[]],
            unsold: [0.0, 0.0],
            unmet: [0.0, 0.0],
        },
    });
    check(&Case {
        name: "empty, references out of bounds",
        books: [EMPTY, EMPTY],
        link: (0.0, 2.0),
        bounds: (1.0, 100.0),
        reference: [0.5, 500.0],
        expect: Expect {
            price: [1.0, 100.0],
            flow: 0.0,
            binding: true,
            offer_fill: [&[], &[]],
            bid_fill: [&[], &[]],
            unsold: [0.0, 0.0],
            unmet: [0.0, 0.0],
        },
    });
    // Open link, no flow: the spread may not exceed the wedge. References 20 and 30 are
    // 10 apart > 2, so the spread is pinned to 2 and China takes (20 + 30 − 2) / 2 = 24.
    check(&Case {
        name: "empty, open",
        books: [EMPTY, EMPTY],
        link: (10.0, 2.0),
        bounds: (1.0, 100.0),
        reference: [20.0, 30.0],
        expect: Expect {
            price: [24.0, 26.0],
            flow: 0.0,
            binding: false,
            offer_fill: [&[], &[]],
            bid_fill: [&[], &[]],
            unsold: [0.0, 0.0],
            unmet: [0.0, 0.0],
        },
    });
}

#[test]
fn ties_at_the_margin_are_shared_pro_rata() {
    // Offers at 10 (30 t and 10 t) tie at the margin: the offer at 8 sells its 20 t, the
    // bid of 40 t needs 20 t more, shared 3:1 -> 15 and 5. Price 10.
    check(&Case {
        name: "tied offers",
        books: [
            Book {
                offers: &[(30.0, 10.0), (20.0, 8.0), (10.0, 10.0)],
                bids: &[(40.0, 20.0)],
            },
            EMPTY,
        ],
        link: (0.0, 0.0),
        bounds: WIDE,
        reference: [0.0, 0.0],
        expect: Expect {
            price: [10.0, 0.0],
            flow: 0.0,
            binding: false,
            offer_fill: [&[15.0, 20.0, 5.0], &[]],
            bid_fill: [&[40.0], &[]],
            unsold: [20.0, 0.0],
            unmet: [0.0, 0.0],
        },
    });
    // Bids at 15 (30 t and 10 t) tie at the margin for 20 t offered at 5: 15 and 5.
    check(&Case {
        name: "tied bids",
        books: [
            EMPTY,
            Book {
                offers: &[(20.0, 5.0)],
                bids: &[(30.0, 15.0), (10.0, 15.0)],
            },
        ],
        link: (0.0, 0.0),
        bounds: WIDE,
        reference: [0.0, 0.0],
        expect: Expect {
            price: [0.0, 15.0],
            flow: 0.0,
            binding: true,
            offer_fill: [&[], &[20.0]],
            bid_fill: [&[], &[15.0, 5.0]],
            unsold: [0.0, 0.0],
            unmet: [0.0, 20.0],
        },
    });
    // An offer and a bid at the same price trade with each other in full.
    check(&Case {
        name: "offer and bid at one price",
        books: [
            Book {
                offers: &[(10.0, 20.0)],
                bids: &[(10.0, 20.0)],
            },
            EMPTY,
        ],
        link: (0.0, 0.0),
        bounds: WIDE,
        reference: [0.0, 0.0],
        expect: Expect {
            price: [20.0, 0.0],
            flow: 0.0,
            binding: false,
            offer_fill: [&[10.0], &[]],
            bid_fill: [&[10.0], &[]],
            unsold: [0.0, 0.0],
            unmet: [0.0, 0.0],
        },
    });
}

#[test]
fn a_gap_between_the_curves_takes_the_midpoint() {
    // 10 t at 10 meets 10 t at 20 exactly: any price in [10, 20] clears; midpoint 15.
    check(&Case {
        name: "midpoint",
        books: [
            Book {
                offers: &[(10.0, 10.0)],
                bids: &[(10.0, 20.0)],
            },
            EMPTY,
        ],
        link: (0.0, 0.0),
        bounds: WIDE,
        reference: [0.0, 0.0],
        expect: Expect {
            price: [15.0, 0.0],
            flow: 0.0,
            binding: false,
            offer_fill: [&[10.0], &[]],
            bid_fill: [&[10.0], &[]],
            unsold: [0.0, 0.0],
            unmet: [0.0, 0.0],
        },
    });
}

#[test]
fn price_bounds_act_on_the_items() {
    // Bounds [5, 50]. The offer at 2 counts as 5, the offer at 60 cannot sell; the bid at
    // 80 counts as 50, the bid at 3 cannot buy. 10 t at 5 against 30 t at 50: price 50
    // (the capped bid is the margin), it gets 10 t. Unsold: the 10 t at 60. Unmet: 20 + 10.
    check(&Case {
        name: "bounds",
        books: [
            Book {
                offers: &[(10.0, 2.0), (10.0, 60.0)],
                bids: &[(30.0, 80.0), (10.0, 3.0)],
            },
            EMPTY,
        ],
        link: (0.0, 0.0),
        bounds: (5.0, 50.0),
        reference: [0.0, 0.0],
        expect: Expect {
            price: [50.0, 5.0],
            flow: 0.0,
            binding: false,
            offer_fill: [&[10.0, 0.0], &[]],
            bid_fill: [&[10.0, 0.0], &[]],
            unsold: [10.0, 0.0],
            unmet: [30.0, 0.0],
        },
    });
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
