//! Phase 7, schedules: for every traded element and region, the participants' schedules of
//! net supply against price — stock holders (chartist hoarding and fundamentalist anchor
//! around a target cover), end users (each sector's demand curve), magnet makers
//! (contracted and discretionary halves of their need), government stockpiles (release
//! above a trigger, build below one) — and each element's export link from China.
//!
//! Reads: expected, opening and long-run prices and the trend; oxide stocks and
//! stockpiles; `Scratch::{sector_oxide, maker_need}`; `Flows::{demand_by_region,
//! oxide_demand, regional_need}`; China's export rules; the overlay; params.
//! Writes: each element's participants and its market's regional schedules; the links;
//! `Flows::{maker_need_total, demanded}`.
//! Invariant: every schedule is valid (non-decreasing net supply in price; checked in debug
//! builds); the grid's multipliers are tabulated per trial, so the tick does no `powf` here
//! except for demand destruction at prices above its threshold (rare).

use crate::policy::ChinaRules;
use crate::shocks::Overlay;
use crate::state::{
    GRID_LEVELS, Inventories, Markets, PARTICIPANTS, Params, PerRegion, PriceState,
    RegionParticipants, Supply,
};
use crate::tick::{Flows, Scratch};
use remsim_core::{Element, ElementVec};
use remsim_market::{Link, Schedule, Values};
use remsim_scenario::TickCoefficients;

/// Participants of each region's schedule (see `remsim_market::Schedule`): the holder
/// first, as it absorbs the clearing's rounding residual.
pub(crate) const HOLDER: usize = 0;
/// End users.
pub(crate) const CONSUMERS: usize = 1;
/// Magnet makers' contracted purchases.
pub(crate) const MAKERS_CONTRACTED: usize = 2;
/// Magnet makers' discretionary purchases.
pub(crate) const MAKERS_DISCRETIONARY: usize = 3;
/// Government stockpile releases.
pub(crate) const STOCKPILE_RELEASE: usize = 4;
/// Government stockpile purchases.
pub(crate) const STOCKPILE_BUY: usize = 5;
/// Breakpoints between the top of the holders' grid and the cap on which demand
/// destruction is drawn (at quarter steps in log price; linear between them).
const DESTRUCTION_POINTS: usize = 3;

/// A participant at zero on both sides of a breakpoint.
const ZERO: Values = Values {
    left_t: 0.0,
    right_t: 0.0,
};

/// What the schedules are built from, besides the markets they are written into.
pub(crate) struct ScheduleInputs<'a> {
    /// Trial settings and coefficients.
    pub params: &'a Params,
    /// Prices and expectations.
    pub prices: &'a PriceState,
    /// Stocks and stockpiles.
    pub inventories: &'a Inventories,
    /// The makers of each region.
    pub supply: &'a Supply,
    /// China's export rules.
    pub china: &'a ChinaRules,
    /// The active shocks.
    pub overlay: &'a Overlay,
    /// Per-agent buffers of the month.
    pub scratch: &'a Scratch,
}

/// Runs the schedules phase.
pub(crate) fn run(markets: &mut Markets, x: &ScheduleInputs<'_>, f: &mut Flows) {
    let month = f.month;
    // Magnet makers' need by region, element by element: each element's sum over the
    // region's makers in order, from -0.0 as `Iterator::sum` starts (which leaves the first
    // term as it is), so the same bits as summing one element at a time.
    let need: PerRegion<ElementVec> = std::array::from_fn(|r| {
        x.supply.makers_in[r]
            .iter()
            .fold(ElementVec::splat(-0.0), |mut total, &i| {
                total.add_repeated(&x.scratch.maker_need[i], x.supply.maker_units[i]);
                total
            })
    });
    for e in crate::metrics::traded_elements() {
        let ei = e.index();
        for r in 0..2 {
            let schedule = &mut markets.participants[ei][r];
            let totals = &mut markets.markets[ei].schedules[r];
            build_schedule(schedule, totals, e, r, need[r][e], x, f);
            debug_assert_eq!(schedule.invalid(), None, "{month} {e} region {r}");
            debug_assert!(schedule.totals_match(&markets.markets[ei].schedules[r]));
            f.demanded[e] += f.oxide_demand[r][e] + f.regional_need[r][e];
        }
        let (china, overlay, p) = (x.china, x.overlay, x.params);
        let tariff = china.export_tariff[e] + overlay.tariff[e];
        let normal_export = f.demand_by_region[1][e];
        let mut capacity = china.export_capacity_t(e, month, normal_export);
        capacity = capacity.min(overlay.export_quota_t[e]);
        if overlay.licence_approval[e] < 1.0 {
            capacity = capacity.min(overlay.licence_approval[e] * normal_export);
        }
        markets.links[ei] = Link {
            capacity_t: (capacity * overlay.link_capacity).max(0.0),
            wedge_usd_per_kg: (tariff * f.expected[0][e] + p.freight + overlay.freight_add)
                .max(0.0),
        };
        // Oxide from outside China sold into China pays freight and China's import duty.
        markets.import_links[ei] = if p.china_imports {
            Link {
                capacity_t: f64::MAX,
                wedge_usd_per_kg: (p.china_import_duty * f.expected[1][e]
                    + p.freight
                    + overlay.freight_add)
                    .max(0.0),
            }
        } else {
            Link::CLOSED
        };
    }
}

/// Holders' target stock of `e` in region `r`, t: the target cover grown by speculative
/// hoarding while prices trend up, and shrunk (grown) by fundamentalists when prices are
/// high (low) against their cost-anchored three-year average.
fn holder_target(e: Element, r: usize, x: &ScheduleInputs<'_>, f: &Flows) -> f64 {
    let (p, c, prices) = (x.params, &x.params.coef, x.prices);
    let pe = f.expected[r][e];
    let d = f.demand_by_region[r][e];
    // Holder's schedule: desired stock S*(p) = T (p/pe)^(-1/k), T grown by speculative
    // hoarding while prices trend up; it sells what it holds above S*(p) and buys up to
    // it, and sells everything at the cap.
    let hoard = (1.0 + p.trend_following * c.hoarding_trend_weight * prices.trend[r][e])
        .clamp(c.hoarding_min, c.hoarding_max);
    // Fundamentalists: more cover when prices are low against their fundamental value
    // (the three-year average, anchored to the incentive price as expectations are),
    // less when high (chartists above, fundamentalists here: the two kinds of traders of
    // heterogeneous-agent market models, Brock & Hommes 1998).
    let fundamental = p.cost_anchored(prices.long_run[r][e], r, e);
    let anchor = if p.fundamental_weight > 0.0 && fundamental > 0.0 {
        (pe / fundamental)
            .powf(-p.fundamental_weight)
            .clamp(c.anchor_min, c.anchor_max)
    } else {
        1.0
    };
    p.stock_target_months * d * hoard * anchor
}

/// End users' demand at each level of the holders' price grid: each sector's demand at the
/// expected price scaled by (p / pe)^elasticity, summed over the region's sectors in order;
/// linear in price between levels. A sector that does not use the element adds nothing
/// (its terms are zeros added to a sum that starts at +0, which leaves every bit as it
/// is), so it is skipped.
fn consumer_curve(e: Element, r: usize, x: &ScheduleInputs<'_>) -> [f64; GRID_LEVELS] {
    let mut consumers = [0.0f64; GRID_LEVELS];
    for (q, sector) in &x.scratch.sector_oxide[r] {
        let qe = q[e];
        if qe == 0.0 {
            continue;
        }
        let curve = &x.params.sector_curve[*sector];
        for (level, &m) in consumers.iter_mut().zip(curve) {
            *level += qe * m;
        }
    }
    consumers
}

/// Writes the participants' schedule of element `e` in region `r`, and its totals into
/// `totals` (`need`: the region's makers' need of `e`, t).
fn build_schedule(
    schedule: &mut RegionParticipants,
    totals: &mut Schedule,
    e: Element,
    r: usize,
    need: f64,
    x: &ScheduleInputs<'_>,
    f: &mut Flows,
) {
    let (p, c) = (x.params, &x.params.coef);
    let ei = e.index();
    let pe = f.expected[r][e];
    let cap = p.cap[e];
    let d = f.demand_by_region[r][e];
    let target = holder_target(e, r, x, f);
    let s = x.inventories.stock[r][e];
    let consumers = consumer_curve(e, r, x);
    // Magnet makers: part of their need is contracted and paid at any price; the rest they
    // give up above a multiple of the expected price, when a magnet stops paying.
    f.maker_need_total[ei][r] = need;
    let contracted = c.maker_contracted_share * need;
    let discretionary = need - contracted;
    // Demand destruction: above `demand_destruction_from` times the incentive price, end
    // users and makers buy (price / threshold)^-elasticity of what they would, up to the
    // cap, where the rest walks away. Measured against the long-run incentive price, not
    // the expected one, so that buyers who switched technology do not come back because
    // prices have stayed high for a while. No powf unless a price is that high.
    let threshold = c.demand_destruction_from * x.params.incentive[r][e];
    let destroyed = |price: f64| demand_kept(c, threshold, price);
    // Multipliers are tabulated once per trial: the tick loop does no powf.
    let first = first_level(e, pe, p);
    // Every breakpoint is written whole and in place: the grid's levels, the destruction
    // points and the cap; the region's totals beside it (`total_into`'s sums, row by row).
    let levels = GRID_LEVELS - first;
    let n = levels + DESTRUCTION_POINTS + 2;
    let (prices, rows) = schedule.overwrite(n);
    let (total_prices, net) = totals.overwrite(n);
    let mut top = 0.0;
    // The grid's levels: each breakpoint's four slots walked together with the level's
    // multipliers (no index checks).
    let floor = p.floor[e];
    let slots = prices
        .iter_mut()
        .zip(total_prices.iter_mut())
        .zip(net.iter_mut().zip(rows.iter_mut()));
    let level = p.grid[first..]
        .iter()
        .zip(&p.holder_curve[first..])
        .zip(&consumers[first..]);
    for (i, (((&grid, &holder), &consumer), ((price_slot, total_price), (total, slot)))) in
        level.zip(slots).enumerate()
    {
        let held = s - target * holder;
        let price = (pe * grid).clamp(floor, cap);
        let kept = destroyed(price);
        let mut row = [ZERO; PARTICIPANTS];
        // Nobody sells below the lowest level.
        row[HOLDER] = Values::jump(if i == 0 { held.min(0.0) } else { held }, held);
        row[CONSUMERS] = Values::flat(-consumer * kept);
        row[MAKERS_CONTRACTED] = Values::flat(-contracted * kept);
        row[MAKERS_DISCRETIONARY] = Values::flat(-discretionary * kept);
        *price_slot = price;
        *total_price = price;
        *total = RegionParticipants::row_total(&row);
        *slot = row;
        top = held;
    }
    let mut put = |i: usize, price: f64, row: [Values; PARTICIPANTS]| {
        prices[i] = price;
        total_prices[i] = price;
        net[i] = RegionParticipants::row_total(&row);
        rows[i] = row;
    };
    let top_demand = consumers[GRID_LEVELS - 1];
    let (points, walkaway) = destruction_points(e, pe, p);
    let mut walked_away = false;
    for (j, price) in points.into_iter().enumerate() {
        let kept = destroyed(price);
        let mut row = [ZERO; PARTICIPANTS];
        row[HOLDER] = Values::flat(top);
        row[CONSUMERS] = Values::flat(-top_demand * kept);
        row[MAKERS_CONTRACTED] = Values::flat(-contracted * kept);
        row[MAKERS_DISCRETIONARY] = if walked_away {
            ZERO
        } else if price < walkaway {
            Values::flat(-discretionary * kept)
        } else {
            walked_away = true;
            Values::jump(-discretionary * kept, 0.0)
        };
        put(levels + j, price, row);
    }
    // What is still wanted at the cap walks away there; holders sell all they have. The
    // share kept there is the trial's (`destroyed(cap)` worked out once).
    let kept = p.kept_at_cap[r][e];
    let mut row = [ZERO; PARTICIPANTS];
    row[HOLDER] = Values::jump(top, s.max(top));
    row[CONSUMERS] = Values::jump(-top_demand * kept, 0.0);
    row[MAKERS_CONTRACTED] = Values::jump(-contracted * kept, 0.0);
    put(n - 1, cap, row);
    // Orders change the totals: they are summed again, over every participant.
    if add_stockpile_orders(schedule, e, r, x, d) {
        schedule.total_into(totals);
    }
}

/// The holders' grid level the schedule starts at: levels below the floor cannot trade, so
/// the grid starts at the last level at or below it (quoted at the floor), and holders bid
/// at the floor only what they want there, not what they would want at prices the market
/// cannot reach (`pe`: the expected price).
fn first_level(e: Element, pe: f64, p: &Params) -> usize {
    let floor = p.floor[e];
    (1..GRID_LEVELS)
        .take_while(|&k| pe * p.grid[k] <= floor)
        .last()
        .unwrap_or(0)
}

/// The breakpoints between the top of the holders' grid and the cap at which demand
/// destruction is drawn, in order, and the makers' walkaway price among them, USD/kg
/// (`pe`: the expected price).
fn destruction_points(e: Element, pe: f64, p: &Params) -> ([f64; DESTRUCTION_POINTS + 1], f64) {
    let cap = p.cap[e];
    let grid_top = (pe * p.grid[GRID_LEVELS - 1]).clamp(p.floor[e], cap);
    let walkaway = (p.coef.maker_walkaway_multiple * pe).clamp(p.floor[e], cap);
    let mut points = [0.0f64; DESTRUCTION_POINTS + 1];
    let step = if grid_top > 0.0 {
        (cap / grid_top).max(1.0)
    } else {
        1.0
    };
    // Quarter steps in log price between the grid top and the cap: two square roots
    // instead of a powf per point (this runs for every element, region and month).
    let quarter = step.sqrt().sqrt();
    let mut point = grid_top;
    for slot in points.iter_mut().take(DESTRUCTION_POINTS) {
        point *= quarter;
        *slot = point;
    }
    points[DESTRUCTION_POINTS] = walkaway;
    points.sort_by(f64::total_cmp);
    (points, walkaway)
}

/// Share of end users' and makers' demand kept at `price` (USD/kg) under demand destruction
/// from `threshold` (USD/kg): `(price / threshold)^-elasticity` above a positive threshold,
/// all of it below.
pub(crate) fn demand_kept(c: &TickCoefficients, threshold: f64, price: f64) -> f64 {
    if threshold > 0.0 && price > threshold {
        (price / threshold).powf(-c.demand_destruction_elasticity)
    } else {
        1.0
    }
}

/// Government stockpile orders on the schedule of `e` in region `r` (`d`: the region's
/// demand, t this month): releases above the trigger, in equal tranches from it up to
/// trigger x (1 + span), so a spike is softened rather than capped at one price and an
/// empty stockpile releases nothing; purchases toward the target while prices are low.
/// Whether an order was added.
fn add_stockpile_orders(
    schedule: &mut RegionParticipants,
    e: Element,
    r: usize,
    x: &ScheduleInputs<'_>,
    d: f64,
) -> bool {
    let (p, c) = (x.params, &x.params.coef);
    let (floor, cap) = (p.floor[e], p.cap[e]);
    // By reference: the rule is an element vector and two numbers, read for one element.
    let (months, buy_below, release_above) = match &x.overlay.stockpile[r] {
        Some(rule) => rule,
        None => &p.stockpile_rules[r],
    };
    let (buy_below, release_above) = (*buy_below, *release_above);
    let stockpile = x.inventories.stockpile[r][e];
    let initial = x.prices.initial_price[r][e];
    let release = initial * release_above;
    let recent = x.prices.smoothed[r][e];
    let mut ordered = false;
    if release > 0.0 && stockpile > 0.0 && recent > release {
        // Each month's tender is decided on the smoothed price, not cleared against it: a
        // share of the monthly release rate that grows with how far that price stands above
        // the trigger, the full rate from trigger x (1 + span). Offered at the trigger, so
        // the reserve never sells below it; a quantity, so a deficit larger than the tender
        // still lifts the price, and a reserve much larger than the deficit softens the
        // spike instead of holding the price at one level.
        let span = c.stockpile_release_span.max(1e-9);
        let share = ((recent / release - 1.0) / span).min(1.0);
        let release_t = stockpile / c.stockpile_release_months * share;
        schedule.add_order(
            STOCKPILE_RELEASE,
            release.clamp(floor, cap),
            release_t,
            true,
        );
        ordered = true;
    }
    let gap_t = if months[e] > 0.0 && buy_below > 0.0 {
        (months[e] * d - stockpile).max(0.0) / c.stockpile_build_months
    } else {
        0.0
    };
    if gap_t > 0.0 {
        let limit = (buy_below * initial).clamp(floor, cap);
        schedule.add_order(STOCKPILE_BUY, limit, gap_t, false);
        ordered = true;
    }
    ordered
}
