//! The schedule clearing against the reference order-book solver (`reference/`, the
//! oracle): a book of discrete orders, given to [`ScheduleMarket`] as one single-step
//! participant per order, must clear at the same flow, prices and fills (both implement the
//! same equilibrium and price rule). And properties of smooth schedules: each region's fills
//! add up to its export, nobody leaves its own schedule, prices stay in the bounds.

mod common;
mod reference;

use proptest::prelude::*;
use reference::{Clearing, Market};
use remsim_market::{Link, Participants, PriceBounds, ScheduleClearing, ScheduleMarket, Values};

/// Most orders per region in the generated books.
const ORDERS: usize = 12;

/// One order: (is an offer, quantity in t, price level).
type Order = (bool, f64, u8);

fn orders() -> impl Strategy<Value = Vec<Order>> {
    // Few price levels, so that ties between offers and bids and between regions are common.
    prop::collection::vec((any::<bool>(), 0.5f64..100.0, 0u8..8), 0..ORDERS)
}

fn level_price(level: u8) -> f64 {
    5.0 + 7.0 * f64::from(level)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn steps_clear_like_the_order_book(
        cn in orders(),
        row in orders(),
        (link, reference) in common::link_and_reference(),
    ) {
        let bounds = common::CROSS_CHECK_BOUNDS;
        let mut book = Market::new();
        let mut schedules = ScheduleMarket::new();
        let mut parts = [Participants::<ORDERS>::new(), Participants::new()];
        for (r, orders) in [&cn, &row].into_iter().enumerate() {
            for (j, &(is_offer, q, level)) in orders.iter().enumerate() {
                let p = level_price(level);
                book.push(r, is_offer, q, p);
                parts[r].add_order(j, p, q, is_offer);
            }
            parts[r].total_into(&mut schedules.schedules[r]);
        }
        let mut want = Clearing::new();
        book.clear(link, bounds, reference, &mut want).unwrap();
        let mut got = ScheduleClearing::default();
        schedules.clear(link, bounds, reference, &mut got).unwrap();
        prop_assert!(close(got.flow_t, want.flow_t), "flow {} vs {}", got.flow_t, want.flow_t);
        for r in 0..2 {
            prop_assert!(
                close(got.price_usd_per_kg[r], want.price_usd_per_kg[r]),
                "price {r}: {:?} vs {:?}", got.price_usd_per_kg, want.price_usd_per_kg
            );
        }
        prop_assert_eq!(got.link_binding, want.link_binding);
        for (r, orders) in [&cn, &row].into_iter().enumerate() {
            let fills = parts[r].fills(got.position[r]).net_supply_t;
            let expected_fills = book.net_fills(&want, r);
            for (j, &(_, q, _)) in orders.iter().enumerate() {
                let (fill, expected) = (fills[j], expected_fills[j]);
                prop_assert!(
                    (fill - expected).abs() <= 1e-9 * (1.0 + q),
                    "region {r} order {j}: fill {fill} vs {expected}"
                );
            }
        }
    }

    #[test]
    fn smooth_schedules_conserve_and_stay_on_their_curves(
        points in prop::collection::vec(
            (1.0f64..5.0, prop::collection::vec((0.0f64..30.0, 0.0f64..10.0), 3)), 1..20),
        capacity in prop_oneof![Just(0.0), Just(f64::MAX), 0.0f64..300.0],
        wedge in 0.0f64..10.0,
        demand in (0.0f64..400.0, 0.0f64..400.0),
    ) {
        // Three participants per region: a holder selling more as the price rises (from
        // buying at low prices), a consumer group buying less, a bid step in the middle.
        let bounds = PriceBounds { floor_usd_per_kg: 0.5, cap_usd_per_kg: 1000.0 };
        let link = Link { capacity_t: capacity, wedge_usd_per_kg: wedge };
        let mut market = ScheduleMarket::new();
        let mut parts = [Participants::<3>::new(), Participants::new()];
        for (r, start) in [demand.0, demand.1].into_iter().enumerate() {
            let schedule = &mut parts[r];
            let mut price = 1.0 + r as f64;
            let (mut holder, mut consumers) = (-start * 0.2, -start);
            for (k, (step, rises)) in points.iter().enumerate() {
                price += step;
                holder += rises[0].0;
                consumers = (consumers + rises[1].0).min(0.0);
                let row = schedule.push_point(price);
                // Nobody sells below the first breakpoint.
                let left = if k == 0 { holder.min(0.0) } else { holder };
                row[0] = Values::jump(left, holder + rises[2].1);
                row[1] = Values::flat(consumers);
                holder += rises[2].1;
            }
            // The holder sells everything at the cap; the consumers stop buying there.
            let row = schedule.push_point(1000.0);
            row[0] = Values::jump(holder, holder.max(0.0) + 50.0);
            row[1] = Values::jump(consumers, 0.0);
            let middle = 1.0 + r as f64 + points.iter().map(|p| p.0).sum::<f64>() / 2.0;
            schedule.add_order(2, middle, 25.0, false);
            prop_assert_eq!(schedule.invalid(), None);
            schedule.total_into(&mut market.schedules[r]);
        }
        let mut out = ScheduleClearing::default();
        market.clear(link, bounds, [3.0, 4.0], &mut out).unwrap();
        prop_assert!(out.flow_t >= 0.0 && out.flow_t <= capacity);
        let spread = out.price_usd_per_kg[1] - out.price_usd_per_kg[0];
        if out.flow_t > 0.0 && out.flow_t < capacity {
            prop_assert!((spread - wedge).abs() < 1e-6 * (1.0 + wedge), "spread {spread}");
        }
        if out.flow_t == 0.0 && capacity > 0.0 {
            prop_assert!(spread <= wedge + 1e-9, "spread {spread} with no flow");
        }
        let exports = [out.flow_t, -out.flow_t];
        for (r, schedule) in parts.iter().enumerate() {
            let p = out.price_usd_per_kg[r];
            prop_assert!((0.5..=1000.0).contains(&p));
            let fills = schedule.fills(out.position[r]).net_supply_t;
            let total: f64 = fills.iter().sum();
            let export = exports[r];
            prop_assert!((total - export).abs() < 1e-9 * (1.0 + export.abs() + 500.0));
            // Each participant between its lowest and highest value.
            for (j, &f) in fills.iter().enumerate() {
                let lo = schedule.row(0)[j].left_t;
                let hi = schedule.row(schedule.len() - 1)[j].right_t;
                prop_assert!(f >= lo - 1e-9 && f <= hi + 1e-9, "participant {j}: {f} not in [{lo}, {hi}]");
            }
        }
    }
}

/// One region's month in the shape the simulation gives it: a stock holder on a 25-level
/// price grid around the expected price, end users and magnet makers, demand destruction
/// above the grid, everything walking away at the cap, and government stockpile orders.
/// `m`: the region's (expected price, stock, target stock, demand, makers' need, release
/// tranche, stockpile purchase).
fn sim_like(parts: &mut Participants<6>, m: [f64; 7], cap: f64) {
    let [pe, stock, target, demand, need, release, buy] = m;
    parts.clear();
    let mut top = 0.0;
    for k in 0..25 {
        let g = 0.4 * 1.07f64.powi(k);
        let held = stock - target * g.powf(-0.8);
        let row = [
            Values::jump(if k == 0 { held.min(0.0) } else { held }, held),
            Values::flat(-demand * g.powf(-0.3)),
            Values::flat(-0.6 * need),
            Values::flat(-0.4 * need),
            Values::flat(0.0),
            Values::flat(0.0),
        ];
        parts.push_row((pe * g).min(cap), row);
        top = held;
    }
    let top_demand = demand * (0.4 * 1.07f64.powi(24)).powf(-0.3);
    for (k, multiple) in [2.4, 2.8, 3.3].into_iter().enumerate() {
        let kept = 0.9f64.powi(k as i32 + 1);
        let row = parts.push_point((pe * multiple).min(cap));
        row[0] = Values::flat(top);
        row[1] = Values::flat(-top_demand * kept);
        row[2] = Values::flat(-0.6 * need * kept);
        row[3] = if k == 2 {
            Values::jump(-0.4 * need * kept, 0.0)
        } else {
            Values::flat(-0.4 * need * kept)
        };
    }
    let row = parts.push_point(cap);
    row[0] = Values::jump(top, stock.max(top));
    row[1] = Values::jump(-top_demand * 0.6, 0.0);
    row[2] = Values::jump(-0.6 * need * 0.6, 0.0);
    for k in 0..4 {
        if release > 0.0 {
            let at = (1.5 * pe * (1.0 + 0.2 * f64::from(k))).min(cap);
            parts.add_order(4, at, release, true);
        }
    }
    if buy > 0.0 {
        parts.add_order(5, (0.8 * pe).min(cap), buy, false);
    }
}

/// A region's month: expected price, stock, target, demand, need, release, purchase.
fn month() -> impl Strategy<Value = [f64; 7]> {
    (
        20.0f64..120.0,
        0.0f64..3000.0,
        0.0f64..2000.0,
        0.0f64..800.0,
        0.0f64..400.0,
        prop_oneof![Just(0.0), 0.0f64..50.0],
        prop_oneof![Just(0.0), 0.0f64..200.0],
    )
        .prop_map(|(a, b, c, d, e, f, g)| [a, b, c, d, e, f, g])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// A market clearing month after month (as each element's market does in a run, with
    /// the licence-rent bisection's repeated clearings at other wedges) gives the same bits
    /// as a fresh market for every clearing: what the last clearing left behind (search
    /// hints, the last flow bracket) only saves time.
    #[test]
    fn a_market_clears_its_months_as_a_fresh_one_does(
        start in (month(), month()),
        drift in prop::collection::vec((0.9f64..1.1, 0.9f64..1.1, 0.8f64..1.25), 1..10),
        capacity in prop_oneof![Just(f64::MAX), 0.0f64..600.0],
        wedges in prop::collection::vec(0.0f64..40.0, 1..4),
    ) {
        let bounds = PriceBounds { floor_usd_per_kg: 1.0, cap_usd_per_kg: 500.0 };
        let mut warm = ScheduleMarket::new();
        let mut parts = [Participants::<6>::new(), Participants::new()];
        let [mut cn, mut row] = [start.0, start.1];
        for (price, stock, demand) in drift {
            // Prices and stocks wander from month to month.
            cn[0] *= price;
            row[0] /= price;
            cn[1] *= stock;
            row[3] *= demand;
            for (r, m) in [cn, row].into_iter().enumerate() {
                sim_like(&mut parts[r], m, bounds.cap_usd_per_kg);
                parts[r].total_into(&mut warm.schedules[r]);
            }
            for &wedge in &wedges {
                let link = Link { capacity_t: capacity, wedge_usd_per_kg: wedge };
                let reference = [cn[0], row[0]];
                let mut cold = ScheduleMarket::new();
                cold.schedules = warm.schedules.clone();
                let (mut got, mut want) = (ScheduleClearing::default(), ScheduleClearing::default());
                warm.clear(link, bounds, reference, &mut got).unwrap();
                cold.clear(link, bounds, reference, &mut want).unwrap();
                prop_assert_eq!(got.flow_t.to_bits(), want.flow_t.to_bits());
                prop_assert_eq!(got.price_usd_per_kg.map(f64::to_bits), want.price_usd_per_kg.map(f64::to_bits));
                prop_assert_eq!(got.link_binding, want.link_binding);
                prop_assert_eq!(format!("{:?}", got.position), format!("{:?}", want.position));
            }
        }
    }
}
