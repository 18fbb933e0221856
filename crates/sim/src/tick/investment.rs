//! Phase 12, investment (each January after the first month): miners decide expansions
//! within the room China's next quotas leave; separators decide on the margin the current
//! feed would earn; greenfield entry launches projects when long-run prices pay; magnet
//! makers adapt their recipes to heavy rare-earth prices and decide expansions.
//!
//! Reads: quotas and `Flows::group_capacity`, concentrate pools, expected, smoothed,
//! opening and long-run prices, params (payable share, coefficients), the clock.
//! Writes: capacity decisions of miners, separators and makers; makers' recipes; new
//! rival projects and their units (`Supply`); `PolicyState::entries_launched`.
//! Invariant: a unit run by a rival project decides nothing itself (its life cycle does);
//! each new project draws from its own stream, keyed by its id.

use crate::SimError;
use crate::policy::group_index;
use crate::projects::MineProject;
use crate::state::{Clock, Inventories, Params, PolicyState, PriceState, Supply};
use crate::tick::{Flows, ratio};
use remsim_core::rng::{stream_id, stream_rng};
use remsim_core::{Element, ElementVec, Month, Region};
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
    if month.month() != 1 || month == x.clock.start {
        return Ok(());
    }
    let mut room = [f64::INFINITY; 2];
    for g in [QuotaGroup::HardRock, QuotaGroup::IonClay] {
        room[group_index(g)] =
            policy.china.scheduled_next_quota_t(g) - f.group_capacity[group_index(g)];
    }
    for mn in &mut supply.miners {
        let quota_room = match mn.quota_group {
            Some(g) if mn.region() == Region::China => room[group_index(g)],
            _ => f64::INFINITY,
        };
        mn.decide_investment(month, quota_room);
    }
    for (i, sep) in supply.separators.iter_mut().enumerate() {
        if supply.separator_rival[i].is_none() {
            let r = sep.region().index();
            let feed = x.inventories.concentrate[r]
                .normalised()
                .unwrap_or(ElementVec::ZERO);
            let margin = sep.margin_usd_per_kg(&feed, &f.expected[r], x.params.payable);
            sep.decide_investment(month, margin);
        }
    }
    let prices = &x.prices.long_run[1];
    if let Some((entry, shares)) = &policy.entry {
        let launched = &mut policy.entries_launched;
        launch_entry(supply, (entry, shares, "entry"), launched, x, month, prices)?;
    }
    if let Some((entry, shares)) = &policy.heavy_entry {
        let launched = &mut policy.heavy_entries_launched;
        launch_entry(
            supply,
            (entry, shares, "heavy-entry"),
            launched,
            x,
            month,
            prices,
        )?;
    }
    for (i, mk) in supply.makers.iter_mut().enumerate() {
        let r = mk.region().index();
        mk.adapt_to_heavy_prices(ratio(
            x.prices.smoothed[r][Element::Dy],
            x.prices.initial_price[r][Element::Dy],
        ));
        if supply.maker_rival[i].is_none() {
            mk.decide_investment(month);
        }
    }
    Ok(())
}

/// Greenfield entry, each January: when expected rest-of-world prices give a generic
/// integrated mine-and-separation project a margin above the hurdle, up to
/// `max_per_year` projects are decided; each draws its lead time and fate from its own
/// stream and comes online through the rival life cycle.
fn launch_entry(
    supply: &mut Supply,
    (entry, shares, prefix): (&EntryConfig, &ElementVec, &str),
    launched: &mut u32,
    x: &InvestmentInputs<'_>,
    month: Month,
    prices: &ElementVec,
) -> Result<(), SimError> {
    let value =
        shares.dot(prices) * remsim_miners::VALUATION_RECOVERY - entry.separation_cost_usd_per_kg;
    if value - entry.cash_cost_usd_per_kg <= entry.hurdle * entry.cash_cost_usd_per_kg {
        return Ok(());
    }
    // Only a decided project needs its own copy (most Januaries decide none).
    let entry = entry.clone();
    for _ in 0..entry.max_per_year {
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
            sells_to: entry
                .sells_to
                .as_deref()
                .and_then(Region::parse)
                .unwrap_or(Region::RestOfWorld),
            chinese_owned: false,
            separation_cost_usd_per_kg: Some(entry.separation_cost_usd_per_kg),
        };
        supply.add_mine_project(x.clock.start, month, &project, &x.params.coef, &mut rng)?;
        *launched += 1;
    }
    Ok(())
}
