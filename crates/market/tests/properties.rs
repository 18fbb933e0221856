//! Properties of the reference order-book solver (`reference/`, the oracle the schedule
//! clearing is tested against) over random books: feasibility, the equilibrium conditions
//! of the coupled market, conservation of tonnes, price bounds and independence of input
//! order.

use proptest::prelude::*;
mod reference;

use reference::{Bid, Clearing, Market, Offer};
use remsim_market::{Link, PriceBounds};

/// A random instance: books per region as (quantity, price) pairs, and the market knobs.
#[derive(Debug, Clone)]
struct Instance {
    offers: [Vec<(f64, f64)>; 2],
    bids: [Vec<(f64, f64)>; 2],
    link: Link,
    bounds: PriceBounds,
    reference: [f64; 2],
}

fn quantity() -> impl Strategy<Value = f64> {
    prop_oneof![
        1 => Just(0.0),
        4 => 0.0..100.0f64,
        4 => (1u32..20).prop_map(f64::from),
        1 => 1e-9..1e-3f64,
    ]
}

/// Prices on a coarse grid (many ties) or anywhere, sometimes outside the bounds.
fn price() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => (0u32..50).prop_map(|k| f64::from(k) * 5.0),
        3 => 0.0..250.0f64,
    ]
}

fn items() -> impl Strategy<Value = Vec<(f64, f64)>> {
    prop::collection::vec((quantity(), price()), 0..50)
}

fn instance() -> impl Strategy<Value = Instance> {
    let capacity = prop_oneof![
        Just(0.0),
        0.0..300.0f64,
        (0u32..30).prop_map(|k| f64::from(k) * 10.0),
        Just(1e12),
        Just(f64::MAX),
    ];
    let wedge = prop_oneof![
        Just(0.0),
        0.0..40.0f64,
        (0u32..8).prop_map(|k| f64::from(k) * 5.0)
    ];
    let bounds = (
        prop_oneof![Just(0.0), 0.0..30.0f64],
        prop_oneof![Just(0.0), 0.0..300.0f64, Just(1e6)],
    )
        .prop_map(|(floor, width)| PriceBounds {
            floor_usd_per_kg: floor,
            cap_usd_per_kg: floor + width,
        });
    (
        [items(), items()],
        [items(), items()],
        capacity,
        wedge,
        bounds,
        [0.0..400.0f64, 0.0..400.0f64],
    )
        .prop_map(
            |(offers, bids, capacity_t, wedge_usd_per_kg, bounds, reference)| Instance {
                offers,
                bids,
                link: Link {
                    capacity_t,
                    wedge_usd_per_kg,
                },
                bounds,
                reference,
            },
        )
}

/// Any float at all (rarely, so that some instances are valid), or a valid extreme.
fn wild() -> impl Strategy<Value = f64> {
    prop_oneof![
        1 => any::<f64>(),
        2 => Just(0.0),
        1 => Just(-0.0),
        2 => Just(f64::MAX),
        1 => Just(f64::MIN_POSITIVE),
        1 => Just(5e-324),
        3 => 0.0..1e300f64,
        6 => 0.0..100.0f64,
    ]
}

fn load(market: &mut Market, inst: &Instance) {
    market.clear_books();
    for r in 0..2 {
        for &(q, a) in &inst.offers[r] {
            market.books[r].push_offer(Offer::new(q, a));
        }
        for &(q, v) in &inst.bids[r] {
            market.books[r].push_bid(Bid::new(q, v));
        }
    }
}

fn run(market: &mut Market, inst: &Instance, out: &mut Clearing) {
    load(market, inst);
    if let Err(e) = market.clear(inst.link, inst.bounds, inst.reference, out) {
        panic!("a valid instance was refused: {e}");
    }
}

fn clear_fresh(inst: &Instance) -> Clearing {
    let mut out = Clearing::new();
    run(&mut Market::new(), inst, &mut out);
    out
}

/// Absolute tolerance for a price comparison.
const PRICE_TOL: f64 = 1e-9;

/// Tolerance for quantities of a region: 1e-9 of its volume (and at least 1e-12 t).
fn qty_tol(inst: &Instance, r: usize) -> f64 {
    let volume: f64 = inst.offers[r]
        .iter()
        .chain(&inst.bids[r])
        .map(|x| x.0)
        .sum();
    1e-9 * volume.max(1e-3)
}

/// Effective ask: raised to the floor; `None` if above the cap (cannot trade).
fn eff_ask(inst: &Instance, ask: f64) -> Option<f64> {
    (ask <= inst.bounds.cap_usd_per_kg).then(|| ask.max(inst.bounds.floor_usd_per_kg))
}

/// Effective reservation: lowered to the cap; `None` if below the floor (cannot trade).
fn eff_res(inst: &Instance, res: f64) -> Option<f64> {
    (res >= inst.bounds.floor_usd_per_kg).then(|| res.min(inst.bounds.cap_usd_per_kg))
}

/// Feasibility and individual rationality of one side's items, (quantity t, own price)
/// with their fills: offers with `sign` 1, bids with −1 (which mirrors every price). No fill
/// is negative or above its item; an item that cannot trade (`eff` gives `None`) is not
/// filled; a filled item's own price is on its side of the clearing price; an item whose
/// effective price is strictly inside the market is filled in full, strictly outside not
/// at all.
fn check_side(
    side: &str,
    items: &[(f64, f64)],
    fills: &[f64],
    eff: impl Fn(f64) -> Option<f64>,
    sign: f64,
    price: f64,
) -> Result<(), TestCaseError> {
    for (&(q, own), &fill) in items.iter().zip(fills) {
        prop_assert!(fill >= 0.0 && fill <= q, "{side} fill {fill} of {q}");
        let Some(e) = eff(own) else {
            prop_assert_eq!(fill, 0.0);
            continue;
        };
        if fill > 0.0 {
            prop_assert!(
                sign * own <= sign * price + PRICE_TOL,
                "{side} at {own} filled at {price}"
            );
        }
        if sign * e < sign * price - PRICE_TOL {
            prop_assert!(
                fill == q,
                "{side} at {e} against {price} not filled in full"
            );
        }
        if sign * e > sign * price + PRICE_TOL {
            prop_assert_eq!(fill, 0.0);
        }
    }
    Ok(())
}

/// The equilibrium conditions inside region `r`: feasibility and individual rationality
/// of every item, totals, and no unserved bid above an unsold offer.
fn check_region(inst: &Instance, out: &Clearing, r: usize) -> Result<(), TestCaseError> {
    let price = out.price_usd_per_kg[r];
    let tol = qty_tol(inst, r);
    let offers = &inst.offers[r];
    let bids = &inst.bids[r];
    prop_assert_eq!(out.offer_fill_t[r].len(), offers.len());
    prop_assert_eq!(out.bid_fill_t[r].len(), bids.len());

    // Feasibility and individual rationality, per item.
    let (offer_fills, bid_fills) = (&out.offer_fill_t[r], &out.bid_fill_t[r]);
    check_side(
        "offer",
        offers,
        offer_fills,
        |ask| eff_ask(inst, ask),
        1.0,
        price,
    )?;
    check_side(
        "bid",
        bids,
        bid_fills,
        |res| eff_res(inst, res),
        -1.0,
        price,
    )?;

    // Totals: within the offered and bid tonnes, and matching the fills.
    let offered: f64 = offers.iter().map(|x| x.0).sum();
    let bid: f64 = bids.iter().map(|x| x.0).sum();
    let filled: f64 = out.offer_fill_t[r].iter().sum();
    let served: f64 = out.bid_fill_t[r].iter().sum();
    prop_assert!(out.sold_t[r] <= offered + tol && out.bought_t[r] <= bid + tol);
    prop_assert!(
        (out.sold_t[r] - filled).abs() <= tol,
        "sold {} vs fills {filled}",
        out.sold_t[r]
    );
    prop_assert!((out.bought_t[r] - served).abs() <= tol);
    prop_assert!(out.unsold_t[r] >= 0.0 && out.unmet_t[r] >= 0.0);
    prop_assert!((out.unsold_t[r] + out.sold_t[r] - offered).abs() <= tol);
    prop_assert!((out.unmet_t[r] + out.bought_t[r] - bid).abs() <= tol);

    // Surplus: no unserved bid values a tonne more than an unsold offer asks for it
    // (effective prices), in the same region.
    let mut max_unserved = f64::NEG_INFINITY;
    for (&(q, res), &fill) in bids.iter().zip(&out.bid_fill_t[r]) {
        if let Some(v) = eff_res(inst, res)
            && q - fill > tol
        {
            max_unserved = max_unserved.max(v);
        }
    }
    for (&(q, ask), &fill) in offers.iter().zip(&out.offer_fill_t[r]) {
        if let Some(a) = eff_ask(inst, ask)
            && q - fill > tol
        {
            prop_assert!(
                max_unserved <= a + PRICE_TOL,
                "unserved bid at {max_unserved} above unsold offer at {a}"
            );
        }
    }
    // Served bids outrank unserved ones, sold offers undercut unsold ones.
    for (&(q, res), &fill) in bids.iter().zip(&out.bid_fill_t[r]) {
        if let Some(v) = eff_res(inst, res)
            && fill > tol
        {
            prop_assert!(v >= max_unserved - PRICE_TOL || q - fill > tol);
        }
    }
    Ok(())
}

fn check_equilibrium(inst: &Instance, out: &Clearing) -> Result<(), TestCaseError> {
    let (floor, cap) = (inst.bounds.floor_usd_per_kg, inst.bounds.cap_usd_per_kg);
    let (capacity, wedge) = (inst.link.capacity_t, inst.link.wedge_usd_per_kg);
    let p = out.price_usd_per_kg;
    for &price in &p {
        prop_assert!(price.is_finite());
        prop_assert!(
            (floor..=cap).contains(&price),
            "price {price} outside [{floor}, {cap}]"
        );
    }

    // Flow within the link, link conditions on the spread.
    let f = out.flow_t;
    prop_assert!(
        f >= 0.0 && f <= capacity,
        "flow {f} outside [0, {capacity}]"
    );
    let spread = p[1] - p[0];
    if f < capacity {
        prop_assert!(
            spread <= wedge + PRICE_TOL,
            "link not full, spread {spread} > {wedge}"
        );
    }
    if f > 0.0 {
        prop_assert!(
            spread >= wedge - PRICE_TOL,
            "flow {f}, spread {spread} < {wedge}"
        );
    }
    prop_assert_eq!(out.link_binding, f >= capacity && spread > wedge);

    for r in 0..2 {
        check_region(inst, out, r)?;
    }

    // Across the link: while it is not full, no unserved RoW bid values a tonne more than
    // an unsold China offer plus the wedge.
    if f < capacity {
        let tol_cn = qty_tol(inst, 0);
        let tol_row = qty_tol(inst, 1);
        let cheapest_unsold_cn = inst.offers[0]
            .iter()
            .zip(&out.offer_fill_t[0])
            .filter(|&(&(q, _), &fill)| q - fill > tol_cn)
            .filter_map(|(&(_, a), _)| eff_ask(inst, a))
            .fold(f64::INFINITY, f64::min);
        for (&(q, res), &fill) in inst.bids[1].iter().zip(&out.bid_fill_t[1]) {
            if let Some(v) = eff_res(inst, res)
                && q - fill > tol_row
            {
                prop_assert!(v <= cheapest_unsold_cn + wedge + PRICE_TOL);
            }
        }
    }

    // Tonnes conserved.
    let scale = 1.0
        + out.sold_t[0]
            .max(out.bought_t[0])
            .max(out.sold_t[1])
            .max(out.bought_t[1]);
    prop_assert!(
        (out.sold_t[0] - out.bought_t[0] - f).abs() <= 1e-9 * scale,
        "China: sold {} bought {} flow {f}",
        out.sold_t[0],
        out.bought_t[0]
    );
    prop_assert!(
        (out.bought_t[1] - out.sold_t[1] - f).abs() <= 1e-9 * scale,
        "RoW: bought {} sold {} flow {f}",
        out.bought_t[1],
        out.sold_t[1]
    );
    Ok(())
}

/// Total surplus at effective prices: value served minus cost sold minus the wedge paid on
/// the flow (prices are transfers and cancel out).
fn surplus(inst: &Instance, out: &Clearing) -> f64 {
    let mut total = -inst.link.wedge_usd_per_kg * out.flow_t;
    for r in 0..2 {
        for (&(_, ask), &fill) in inst.offers[r].iter().zip(&out.offer_fill_t[r]) {
            total -= eff_ask(inst, ask).unwrap_or(0.0) * fill;
        }
        for (&(_, res), &fill) in inst.bids[r].iter().zip(&out.bid_fill_t[r]) {
            total += eff_res(inst, res).unwrap_or(0.0) * fill;
        }
    }
    total
}

/// A permutation of `0..n` from random keys.
fn permutation(keys: &[u64], n: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by_key(|&i| (keys.get(i).copied().unwrap_or(0), i));
    idx
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn clearing_is_a_competitive_equilibrium(inst in instance()) {
        let out = clear_fresh(&inst);
        check_equilibrium(&inst, &out)?;
    }

    #[test]
    fn surplus_never_falls_when_the_quota_grows(inst in instance(), share in 0.0..1.0f64) {
        // The clearing maximises surplus given the link, so a tighter quota (or a closed
        // link) can never do better.
        let wide = clear_fresh(&inst);
        let mut tight = inst.clone();
        tight.link.capacity_t = if inst.link.capacity_t >= 1e12 {
            share * 300.0
        } else {
            share * inst.link.capacity_t
        };
        let narrow = clear_fresh(&tight);
        let (w, n) = (surplus(&inst, &wide), surplus(&tight, &narrow));
        prop_assert!(w >= n - 1e-6 * (1.0 + w.abs()), "surplus {w} with quota < {n} with less");
    }

    #[test]
    fn any_input_is_cleared_or_refused(
        offers in [prop::collection::vec((wild(), wild()), 0..6), prop::collection::vec((wild(), wild()), 0..6)],
        bids in [prop::collection::vec((wild(), wild()), 0..6), prop::collection::vec((wild(), wild()), 0..6)],
        capacity_t in wild(),
        wedge_usd_per_kg in wild(),
        floor_usd_per_kg in wild(),
        cap_usd_per_kg in wild(),
        reference in [wild(), wild()],
    ) {
        // No panic, and a clearing that is returned is finite and within its bounds.
        let inst = Instance {
            offers,
            bids,
            link: Link { capacity_t, wedge_usd_per_kg },
            bounds: PriceBounds { floor_usd_per_kg, cap_usd_per_kg },
            reference,
        };
        let mut market = Market::new();
        load(&mut market, &inst);
        let mut out = Clearing::new();
        let result = market.clear(inst.link, inst.bounds, inst.reference, &mut out);
        if result.is_ok() {
            for &price in &out.price_usd_per_kg {
                prop_assert!(price.is_finite());
                prop_assert!(price >= floor_usd_per_kg && price <= cap_usd_per_kg);
            }
            prop_assert!(out.flow_t >= 0.0 && out.flow_t <= capacity_t);
            for r in 0..2 {
                for (&(q, _), &fill) in inst.offers[r].iter().zip(&out.offer_fill_t[r]) {
                    prop_assert!(fill >= 0.0 && fill <= q);
                }
                for (&(q, _), &fill) in inst.bids[r].iter().zip(&out.bid_fill_t[r]) {
                    prop_assert!(fill >= 0.0 && fill <= q);
                }
                for x in [out.sold_t[r], out.bought_t[r], out.unsold_t[r], out.unmet_t[r]] {
                    prop_assert!(x.is_finite() && x >= 0.0);
                }
            }
        }
    }

    #[test]
    fn input_order_does_not_change_the_result(
        inst in instance(),
        keys in prop::collection::vec(prop::collection::vec(any::<u64>(), 50), 4),
    ) {
        let out = clear_fresh(&inst);
        let mut shuffled = inst.clone();
        let mut perms = Vec::new();
        for r in 0..2 {
            let po = permutation(&keys[2 * r], inst.offers[r].len());
            let pb = permutation(&keys[2 * r + 1], inst.bids[r].len());
            shuffled.offers[r] = po.iter().map(|&i| inst.offers[r][i]).collect();
            shuffled.bids[r] = pb.iter().map(|&i| inst.bids[r][i]).collect();
            perms.push((po, pb));
        }
        let sh = clear_fresh(&shuffled);
        prop_assert_eq!(sh.price_usd_per_kg, out.price_usd_per_kg);
        prop_assert_eq!(sh.flow_t, out.flow_t);
        prop_assert_eq!(sh.link_binding, out.link_binding);
        prop_assert_eq!(sh.sold_t, out.sold_t);
        prop_assert_eq!(sh.bought_t, out.bought_t);
        prop_assert_eq!(sh.unsold_t, out.unsold_t);
        prop_assert_eq!(sh.unmet_t, out.unmet_t);
        for (r, (po, pb)) in perms.iter().enumerate() {
            for (k, &i) in po.iter().enumerate() {
                prop_assert_eq!(sh.offer_fill_t[r][k], out.offer_fill_t[r][i]);
            }
            for (k, &j) in pb.iter().enumerate() {
                prop_assert_eq!(sh.bid_fill_t[r][k], out.bid_fill_t[r][j]);
            }
        }
    }
}
