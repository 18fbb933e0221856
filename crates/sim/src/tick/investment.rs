//! Phase 12, investment (each January after the first month): miners decide expansions
//! within the room China's next scheduled quotas leave; separators decide on the margin the
//! current feed would earn and on the load they expect (the region's feed grown at its
//! recent rate over their lead time); greenfield entry launches projects when the prices
//! expected at first output pay (long-run prices moved by demand growth and the pipeline);
//! magnet makers adapt their recipes to heavy rare-earth prices and decide expansions.
//! Every month it adds the month's demand and concentrate feed to the year's record.
//!
//! Reads: quotas and `Flows::{group_capacity, demanded}`, rival projects' phases,
//! concentrate pools, `Flows::concentrate_in`, expected, smoothed, opening and long-run
//! prices, params (payable share, coefficients, incentive prices), the clock.
//! Writes: capacity decisions of miners, separators and makers; makers' recipes; new
//! rival projects and their units (`Supply`); `PolicyState::{entries_launched,
//! demand_year_t, demand_years_t, feed_year_t, feed_years_t}`.
//! Invariant: a unit run by a rival project decides nothing itself (its life cycle does);
//! each new project draws from its own stream, keyed by its id.

use crate::SimError;
use crate::policy::group_index;
use crate::projects::MineProject;
use crate::state::{
    Clock, DEMAND_YEARS_KEPT, Inventories, Params, PolicyState, PriceState, Supply,
};
use crate::tick::{Flows, ratio};
use remsim_core::rng::{stream_id, stream_rng};
use remsim_core::{Element, ElementVec, Month, Region};
use remsim_rivals::Phase;
use remsim_scenario::{EntryConfig, QuotaGroup};

/// What investors read besides the supply they change.
pub(crate) struct InvestmentInputs<'a> {
    /// Prices and expectations.
    pub prices: &'a PriceState,
    /// Concentrate pools.
    pub inventories: &'a Inventories,
    /// Trial settings and coefficients.
    pub params: &'a Params,
    /// The clock.
    pub clock: &'a Clock,
}

/// Runs the investment phase (a no-op except in January after the first month).
pub(crate) fn run(
    supply: &mut Supply,
    policy: &mut PolicyState,
    x: &InvestmentInputs<'_>,
    f: &Flows,
) -> Result<(), SimError> {
    let month = f.month;
    policy.demand_year_t += f.demanded;
    for (year, month_in) in policy.feed_year_t.iter_mut().zip(f.concentrate_in) {
        *year += month_in;
    }
    if month.month() == 12 {
        // A year counts once it is whole (a run starting mid-year skips its first December).
        if month.months_since(x.clock.start) >= 11 {
            keep_year(&mut policy.demand_years_t, policy.demand_year_t);
            keep_year(&mut policy.feed_years_t, policy.feed_year_t);
        }
        policy.demand_year_t = ElementVec::ZERO;
        policy.feed_year_t = [0.0; 2];
    }
    if month.month() != 1 || month == x.clock.start {
        return Ok(());
    }
    let mut room = [f64::INFINITY; 2];
    for g in [QuotaGroup::HardRock, QuotaGroup::IonClay] {
        room[group_index(g)] = policy.china.scheduled_next_quota_t(g, month.year() + 1)
            - f.group_capacity[group_index(g)];
    }
    for mn in &mut supply.miners {
        let quota_room = match mn.quota_group {
            Some(g) if mn.region() == Region::China => room[group_index(g)],
            _ => f64::INFINITY,
        };
        mn.decide_investment(month, quota_room);
    }
    let coef = &x.params.coef;
    let expansion = remsim_smelters::Expansion {
        trigger: coef.separator_expansion_trigger,
        step: coef.separator_expansion_step,
        lead_months: coef.separator_expansion_lead_months.round() as i32,
    };
    let outlook = feed_outlook_load(supply, &policy.feed_years_t, expansion.lead_months);
    for (i, sep) in supply.separators.iter_mut().enumerate() {
        if supply.separator_rival[i].is_none() {
            let r = sep.region().index();
            let feed = x.inventories.concentrate[r]
                .normalised()
                .unwrap_or(ElementVec::ZERO);
            let margin = sep.margin_usd_per_kg(&feed, &f.expected[r], x.params.payable);
            sep.decide_investment(month, margin, outlook[r], expansion);
        }
    }
    let demand = &policy.demand_years_t;
    if let Some((entry, shares)) = &policy.entry {
        let launched = &mut policy.entries_launched;
        launch_entry(supply, (entry, shares, "entry"), launched, demand, x, month)?;
    }
    if let Some((entry, shares)) = &policy.heavy_entry {
        let launched = &mut policy.heavy_entries_launched;
        let kind = (entry, shares, "heavy-entry");
        launch_entry(supply, kind, launched, demand, x, month)?;
    }
    let pair = remsim_magnets::HeavyPair {
        long_run_elasticity: coef.heavy_pair_long_run_elasticity,
        adjustment_years: coef.heavy_pair_adjustment_years,
    };
    let thrift = remsim_magnets::HeavyThrift {
        elasticity: coef.heavy_thrift_elasticity,
        adjustment_years: coef.heavy_thrift_adjustment_years,
        max_cut: coef.heavy_thrift_max_cut,
    };
    // Dy's and Tb's smoothed prices over their opening prices, by region (the same for
    // every maker of a region).
    let heavy_ratios = [0, 1].map(|r| {
        let (p, p0) = (&x.prices.smoothed[r], &x.prices.initial_price[r]);
        let dy = ratio(p[Element::Dy], p0[Element::Dy]);
        (dy, ratio(dy, ratio(p[Element::Tb], p0[Element::Tb])))
    });
    for (i, mk) in supply.makers.iter_mut().enumerate() {
        let (dy_ratio, dy_over_tb) = heavy_ratios[mk.region().index()];
        mk.adapt_to_heavy_prices(dy_ratio, thrift);
        mk.adapt_heavy_pair(dy_over_tb, pair);
        if supply.maker_rival[i].is_none() {
            mk.decide_investment(month);
        }
    }
    Ok(())
}

/// Greenfield entry, each January: when the prices expected where it sells give a generic
/// integrated mine-and-separation project a margin above the hurdle,
/// [`projects_this_year`] projects are decided; each draws its lead time and fate from its
/// own stream and comes online through the rival life cycle.
fn launch_entry(
    supply: &mut Supply,
    (entry, shares, prefix): (&EntryConfig, &ElementVec, &str),
    launched: &mut u32,
    demand_years_t: &[ElementVec],
    x: &InvestmentInputs<'_>,
    month: Month,
) -> Result<(), SimError> {
    // A project is valued at the long-run prices of the market its output is sold into:
    // a clay project shipping concentrate to China earns China's prices, not the rest of
    // the world's (which export licences can hold far above them).
    let sells_to = entry
        .sells_to
        .as_deref()
        .and_then(Region::parse)
        .unwrap_or(Region::RestOfWorld);
    let r = sells_to.index();
    let mut prices = x.prices.long_run[r];
    if let Some(elasticity) = entry.forecast_elasticity {
        let [lo, hi] = entry.lead_time_years;
        let horizon_years = 0.5 * (lo + hi);
        let pipeline = pipeline_t_per_year(supply, month, x.clock.start, entry);
        let balance = expected_balance(demand_years_t, &pipeline, horizon_years);
        for e in Element::ALL {
            prices[e] = x.params.cost_anchored(prices[e], r, e) * balance[e].powf(1.0 / elasticity);
        }
    }
    let value =
        shares.dot(&prices) * remsim_miners::VALUATION_RECOVERY - entry.separation_cost_usd_per_kg;
    if value - entry.cash_cost_usd_per_kg <= entry.hurdle * entry.cash_cost_usd_per_kg {
        return Ok(());
    }
    let count = projects_this_year(entry, demand_years_t.last());
    // Only a decided project needs its own copy (most Januaries decide none).
    let entry = entry.clone();
    for _ in 0..count {
        let id = format!("{prefix}-{}", *launched + 1);
        let mut rng = stream_rng(
            x.clock.master_seed,
            x.clock.trial,
            stream_id(&format!("entry:{id}")),
        );
        let [lo, hi] = entry.lead_time_years;
        let lead = lo + (hi - lo) * rand::RngExt::random::<f64>(&mut rng);
        let project = MineProject {
            id,
            country: entry.country.clone(),
            deposit: entry.deposit.clone(),
            capacity_t: entry.capacity_t,
            cash_cost_usd_per_kg: entry.cash_cost_usd_per_kg,
            lead_time_years: lead,
            ramp_years: entry.ramp_years,
            failure_probability: entry.failure_probability,
            sells_to,
            chinese_owned: false,
            separation_cost_usd_per_kg: Some(entry.separation_cost_usd_per_kg),
        };
        supply.add_mine_project(x.clock.start, month, &project, &x.params.coef, &mut rng)?;
        *launched += 1;
    }
    Ok(())
}

/// Appends a finished year to a record that keeps the last [`DEMAND_YEARS_KEPT`].
fn keep_year<T>(years: &mut Vec<T>, year: T) {
    if years.len() == DEMAND_YEARS_KEPT {
        years.remove(0);
    }
    years.push(year);
}

/// How many projects a January that pays decides: enough to add
/// `max_market_share_per_year` of last year's world oxide demand once failures are taken
/// out (Sprecher et al. 2017: ~4% of the world market a year), at most `max_per_year`;
/// with a share but no whole year of demand on record yet (a run that starts mid-year),
/// none; without a share, `max_per_year`.
fn projects_this_year(entry: &EntryConfig, last_year_t: Option<&ElementVec>) -> u32 {
    match (entry.max_market_share_per_year, last_year_t) {
        (Some(share), Some(last_year)) => {
            let survival = 1.0 - entry.failure_probability.clamp(0.0, 1.0);
            let per_project_t = (entry.capacity_t * survival).max(1e-9);
            let projects = (share * last_year.sum() / per_project_t).round();
            (projects.max(0.0) as u32).min(entry.max_per_year)
        }
        (Some(_), None) => 0,
        (None, _) => entry.max_per_year,
    }
}

/// Oxide the mine projects already decided will still add, t/yr by element: each rival-run
/// mine's capacity not yet ramped up, times its element shares, times the chance that a
/// project survives its ramp-up (investors know the entrants' failure rate, not which ones
/// will fail).
fn pipeline_t_per_year(
    supply: &Supply,
    month: Month,
    start: Month,
    entry: &EntryConfig,
) -> ElementVec {
    let survival = 1.0 - entry.failure_probability.clamp(0.0, 1.0);
    let mut pipeline = ElementVec::ZERO;
    for (mn, rival) in supply.miners.iter().zip(&supply.miner_rival) {
        let Some(k) = *rival else { continue };
        let project = &supply.rivals[k];
        if matches!(
            project.phase(month, start),
            Phase::Operating | Phase::Failed
        ) {
            continue;
        }
        let to_come = mn.capacity_t * (1.0 - project.capacity_share(month, start));
        pipeline += *mn.shares * (to_come * survival);
    }
    pipeline
}

/// The load each region's separators expect when a plant decided now would run: the
/// concentrate that entered the region's pool last year, grown at its rate over the
/// finished years on record (as [`yearly_growth`] reads it) for `lead_months`, over the
/// region's separation capacity today (see [`outlook_load`]).
fn feed_outlook_load(supply: &Supply, feed_years_t: &[[f64; 2]], lead_months: i32) -> [f64; 2] {
    let mut capacity_t = [0.0; 2];
    for sep in &supply.separators {
        capacity_t[sep.region().index()] += sep.capacity_t * sep.available_share.max(0.0);
    }
    outlook_load(feed_years_t, capacity_t, lead_months)
}

/// [`feed_outlook_load`] on the region's capacity `capacity_t`, t/yr: 0 (no outlook)
/// without a finished year or without capacity, and at most 2, the bound a plant's running
/// load has (`remsim-smelters`), so that a region with little capacity and a fast-growing
/// feed does not order many times its plants in one January.
fn outlook_load(feed_years_t: &[[f64; 2]], capacity_t: [f64; 2], lead_months: i32) -> [f64; 2] {
    let mut outlook = [0.0; 2];
    let (Some(first), Some(last)) = (feed_years_t.first(), feed_years_t.last()) else {
        return outlook;
    };
    let spans = feed_years_t.len() - 1;
    for r in 0..2 {
        if capacity_t[r] > 0.0 && last[r] > 0.0 {
            let growth = yearly_growth(first[r], last[r], spans);
            let expected_t = last[r] * growth.powf(f64::from(lead_months) / 12.0);
            outlook[r] = (expected_t / capacity_t[r]).min(2.0);
        }
    }
    outlook
}

/// Growth per year from `first` to `last`, `spans` years apart, held within ±20%/yr (a
/// year of quota steps or a mine's start must not be taken for a trend); 1 without a span
/// or a positive start.
fn yearly_growth(first: f64, last: f64, spans: usize) -> f64 {
    if spans == 0 || first <= 0.0 || last <= 0.0 {
        return 1.0;
    }
    (last / first).powf(1.0 / spans as f64).clamp(0.8, 1.2)
}

/// The market balance investors expect at first output, `horizon_years` ahead, by element:
/// demand grown at its rate over the finished years on record, over today's demand plus the
/// pipeline (today's supply taken to meet today's demand; other suppliers held where they
/// are). 1 where there is no demand on record; growth is read over at most three years and
/// held within ±20%/yr.
fn expected_balance(
    demand_years_t: &[ElementVec],
    pipeline_t_per_year: &ElementVec,
    horizon_years: f64,
) -> ElementVec {
    let (Some(first), Some(last)) = (demand_years_t.first(), demand_years_t.last()) else {
        return ElementVec::from_fn(|_| 1.0);
    };
    let spans = demand_years_t.len() - 1;
    ElementVec::from_fn(|e| {
        if last[e] <= 0.0 || first[e] <= 0.0 {
            return 1.0;
        }
        let growth = yearly_growth(first[e], last[e], spans);
        last[e] * growth.powf(horizon_years) / (last[e] + pipeline_t_per_year[e])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn year(nd_t: f64, dy_t: f64) -> ElementVec {
        let mut v = ElementVec::ZERO;
        v[Element::Nd] = nd_t;
        v[Element::Dy] = dy_t;
        v
    }

    #[test]
    fn growth_is_read_per_year_and_held_within_twenty_percent() {
        assert!((yearly_growth(100.0, 121.0, 2) - 1.1).abs() < 1e-12);
        assert_eq!(yearly_growth(100.0, 300.0, 1), 1.2, "a jump is not a trend");
        assert_eq!(yearly_growth(100.0, 10.0, 1), 0.8);
        assert_eq!(
            yearly_growth(100.0, 121.0, 0),
            1.0,
            "one year: no growth on record"
        );
        assert_eq!(yearly_growth(0.0, 121.0, 2), 1.0);
    }

    #[test]
    fn balance_grows_with_demand_and_falls_with_the_pipeline() {
        // Nd demand up 10%/yr over three years, Dy flat; no pipeline: Nd's balance after
        // two years is 1.1^2, Dy's 1.
        let history = [
            year(1000.0, 100.0),
            year(1100.0, 100.0),
            year(1210.0, 100.0),
            year(1331.0, 100.0),
        ];
        let none = ElementVec::ZERO;
        let b = expected_balance(&history, &none, 2.0);
        assert!((b[Element::Nd] - 1.21).abs() < 1e-9, "{}", b[Element::Nd]);
        assert!((b[Element::Dy] - 1.0).abs() < 1e-12);
        // A pipeline of a quarter of Dy's demand: 100 / 125.
        let mut pipeline = ElementVec::ZERO;
        pipeline[Element::Dy] = 25.0;
        let b = expected_balance(&history, &pipeline, 2.0);
        assert!((b[Element::Dy] - 0.8).abs() < 1e-12);
        // No demand on record (Sc here, or before the first full year): no signal.
        assert_eq!(b[Element::Sc], 1.0);
        assert_eq!(expected_balance(&[], &pipeline, 2.0)[Element::Dy], 1.0);
    }

    #[test]
    fn projects_a_year_follow_the_market_share_within_the_ceiling() {
        let mut entry = EntryConfig {
            country: "AU".into(),
            deposit: "mount_weld".into(),
            capacity_t: 10000.0,
            cash_cost_usd_per_kg: 10.0,
            separation_cost_usd_per_kg: 6.0,
            hurdle: 0.4,
            lead_time_years: [6.0, 9.0],
            ramp_years: 3.0,
            failure_probability: 0.3,
            max_per_year: 8,
            max_market_share_per_year: Some(0.04),
            sells_to: None,
            forecast_elasticity: None,
        };
        let world = |t: f64| ElementVec::from_fn(|e| if e == Element::Ce { t } else { 0.0 });
        // 4% of 400 kt over 7 kt surviving per project: 2.29, two projects.
        assert_eq!(projects_this_year(&entry, Some(&world(400_000.0))), 2);
        // 4% of 800 kt: 4.57, five.
        assert_eq!(projects_this_year(&entry, Some(&world(800_000.0))), 5);
        // The ceiling holds however large the market.
        assert_eq!(projects_this_year(&entry, Some(&world(1e8))), 8);
        // No whole year on record yet: none; no share: the ceiling.
        assert_eq!(projects_this_year(&entry, None), 0);
        entry.max_market_share_per_year = None;
        assert_eq!(projects_this_year(&entry, Some(&world(400_000.0))), 8);
    }

    #[test]
    fn growth_is_held_within_twenty_percent_a_year() {
        let history = [year(100.0, 100.0), year(1000.0, 10.0)];
        let b = expected_balance(&history, &ElementVec::ZERO, 1.0);
        assert!((b[Element::Nd] - 1.2).abs() < 1e-12);
        assert!((b[Element::Dy] - 0.8).abs() < 1e-12);
    }

    /// The feed expected at the lead time over today's capacity: last year's feed grown at
    /// its yearly rate over the lead, nothing without a year or capacity, at most 2.
    #[test]
    fn the_outlook_grows_last_years_feed_over_the_lead_time() {
        let years = [[100.0, 10.0], [110.0, 10.0], [121.0, 10.0]];
        let [cn, row] = outlook_load(&years, [121.0, 20.0], 18);
        assert!((cn - 1.1f64.powf(1.5)).abs() < 1e-12, "{cn}");
        assert!((row - 0.5).abs() < 1e-12, "{row}");
        assert_eq!(outlook_load(&[], [100.0, 100.0], 18), [0.0, 0.0]);
        assert_eq!(outlook_load(&years, [0.0, 20.0], 18)[0], 0.0);
        assert_eq!(outlook_load(&years, [1.0, 20.0], 18)[0], 2.0, "bounded");
    }
}
