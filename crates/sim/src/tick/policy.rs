//! Phase 1, policy: China's planner sets the year's quotas (each January after the first
//! month), traders form this month's expected prices, and the shocks advance and gather
//! their [`crate::shocks::Overlay`].
//!
//! Reads: prices (smoothed, opening, trend), params, the clock.
//! Writes: `PolicyState` (quotas, shock timing, overlay); one-off shock effects on demand
//! sectors (a new adoption curve) and supply (an outbound mine project); `Flows::expected`
//! and `Flows::heap_pond_banned`.
//! Invariant: the overlay is rebuilt from scratch every month (a shock that ends leaves no
//! trace but what agents did meanwhile); its per-miner vectors have one entry per miner,
//! including any added this month.

use crate::SimError;
use crate::projects::MineProject;
use crate::shocks::{Overlay, element_mask, region_mask};
use crate::state::{Clock, DemandState, Params, PolicyState, PriceState, Supply};
use crate::tick::{Flows, ratio};
use remsim_core::rng::{stream_id, stream_rng};
use remsim_core::{Element, ElementVec, Month, Region};
use remsim_scenario::{
    DisruptionShock, ElementTonnesShock, GreenMiningShock, MagnetShareShock, OutboundShock, Owner,
    ReeFreeShock, ShockConfig, ShockEffect, TechnologyExportShock,
};

/// Runs the policy phase of `f.month`.
pub(crate) fn run(
    policy: &mut PolicyState,
    supply: &mut Supply,
    demand: &mut DemandState,
    prices: &PriceState,
    params: &Params,
    clock: &Clock,
    f: &mut Flows,
) -> Result<(), SimError> {
    let month = f.month;
    if month.month() == 1 && month != clock.start {
        // The planner sets this year's quotas from the NdPr and Dy prices it has seen.
        let ndpr = |p: &ElementVec| p[Element::Nd] + p[Element::Pr];
        policy.china.advance_year(
            month.year(),
            ratio(ndpr(&prices.smoothed[0]), ndpr(&prices.initial_price[0])),
            ratio(
                prices.smoothed[0][Element::Dy],
                prices.initial_price[0][Element::Dy],
            ),
        );
    }
    f.expected = [prices.expected(0, params), prices.expected(1, params)];
    gather_overlay(policy, supply, demand, params, clock, month)?;
    f.heap_pond_banned = policy.china.heap_pond_banned(month) || policy.overlay.heap_pond_ban;
    Ok(())
}

/// Advances every shock to `month` and gathers what the active ones change. One-off
/// effects (a new adoption curve, an outbound investment) happen the first month a
/// shock acts.
fn gather_overlay(
    policy: &mut PolicyState,
    supply: &mut Supply,
    demand: &mut DemandState,
    params: &Params,
    clock: &Clock,
    month: Month,
) -> Result<(), SimError> {
    let PolicyState {
        shocks,
        shock_applied,
        overlay: o,
        ..
    } = policy;
    o.reset(supply.miners.len(), demand.sectors.len());
    for (k, runtime) in shocks.iter_mut().enumerate() {
        let x = runtime.advance(month, (clock.start, clock.end));
        if x <= 0.0 {
            continue;
        }
        let first = !shock_applied[k];
        shock_applied[k] = true;
        let c = &runtime.config;
        // A valid shock has exactly one effect; one-off effects (which add agents) come
        // after the others, so that per-agent overlays stay sized to the agents they index.
        for effect in c.effects() {
            apply(effect, x, (month, c.when.start), supply, demand, o);
        }
        if first {
            for effect in c.effects() {
                apply_once(effect, c, supply, demand, params, clock, month)?;
            }
        }
    }
    // A project added this month has no entries yet: size the vectors to the agents.
    o.disrupted.resize(supply.miners.len(), 0.0);
    o.miner_cost.resize(supply.miners.len(), 1.0);
    o.miner_capacity.resize(supply.miners.len(), 1.0);
    o.miner_in_situ.resize(supply.miners.len(), false);
    Ok(())
}

/// What an active shock of strength `x` changes in `month` (`start`: its scheduled onset): one arm per kind, each an
/// overlay (recomputed monthly, so an ended shock leaves no trace of its own).
fn apply(
    effect: ShockEffect<'_>,
    x: f64,
    (month, start): (Month, Option<Month>),
    supply: &Supply,
    demand: &DemandState,
    o: &mut Overlay,
) {
    match effect {
        ShockEffect::CeSubstitution(f) => raise_by_region(&mut o.ce_substitution, f, x),
        ShockEffect::HeavyReduction(f) => raise_by_region(&mut o.heavy_reduction, f, x),
        ShockEffect::ExportQuota(f) => cap_by_element(&mut o.export_quota_t, f),
        ShockEffect::ElementQuota(f) => cap_by_element(&mut o.element_quota_t, f),
        ShockEffect::ExportLicence(f) => {
            let waiting = start.is_some_and(|s| (month.months_since(s) as f64) < f.delay_months);
            let approval = if waiting { 0.0 } else { f.approval };
            for e in Element::ALL {
                if element_mask(&f.elements)[e.index()] {
                    o.licence_approval[e] = o.licence_approval[e].min(approval);
                }
            }
        }
        ShockEffect::Tariff(f) => {
            let mask = element_mask(&f.elements);
            for e in Element::ALL {
                if mask[e.index()] {
                    o.tariff[e] += f.rate * x;
                }
            }
        }
        ShockEffect::Shipping(f) => {
            o.link_capacity *= 1.0 - f.capacity_cut * x;
            o.freight_add += f.freight_add_usd_per_kg * x;
        }
        ShockEffect::SupplyDisruption(f) => disrupt(f, x, supply, o),
        ShockEffect::GreenMining(f) => green_mining(f, x, supply, o),
        ShockEffect::MagneticSeparation(f) => {
            o.separation_waste_cut = o.separation_waste_cut.max(f.adoption * f.waste_cut * x);
            o.separation_cost_cut = o.separation_cost_cut.max(f.adoption * f.cost_cut * x);
        }
        ShockEffect::Consolidation(f) => o.consolidated = o.consolidated.max(f.share * x),
        ShockEffect::EprRecycling(f) => {
            let mask = region_mask(&f.regions);
            for r in 0..2 {
                if mask[r] {
                    o.collection_rate[r] = o.collection_rate[r].max(f.collection_rate * x);
                    o.recycling_capacity[r] *= 1.0 + f.capacity_growth * x;
                }
            }
        }
        ShockEffect::DeepProcessing(f) => {
            o.cn_magnet_capacity *= 1.0 + f.magnet_capacity_growth * x;
        }
        ShockEffect::TechnologyExport(f) => technology_export(f, x, supply, o),
        ShockEffect::Stockpile(f) => {
            if let Some(region) = Region::parse(&f.region) {
                let mut months = ElementVec::ZERO;
                for (key, m) in &f.target_months {
                    if let Ok(e) = Element::parse(key) {
                        months[e] = m.max(0.0);
                    }
                }
                o.stockpile[region.index()] = Some((months, f.buy_below, f.release_above));
            }
        }
        ShockEffect::PriceFloor(f) => o.price_floor = Some((f.usd_per_kg, f.share * x)),
        ShockEffect::Demand(f) => {
            for (s, sector) in demand.sectors.iter().enumerate() {
                if f.sectors.contains(&sector.id) {
                    o.demand_factor[s] *= 1.0 + (f.factor - 1.0) * x;
                }
            }
        }
        // One-off effects: see `apply_once`.
        ShockEffect::ReeFree(_) | ShockEffect::OutboundInvestment(_) => {}
    }
}

/// What a shock does once, the first month it acts: one arm per kind (most do nothing
/// once; see [`apply`]).
fn apply_once(
    effect: ShockEffect<'_>,
    c: &ShockConfig,
    supply: &mut Supply,
    demand: &mut DemandState,
    params: &Params,
    clock: &Clock,
    month: Month,
) -> Result<(), SimError> {
    match effect {
        ShockEffect::ReeFree(f) => adopt_ree_free(f, demand),
        ShockEffect::OutboundInvestment(f) => {
            outbound_investment(f, &c.id, supply, params, clock, month)?;
        }
        ShockEffect::CeSubstitution(_)
        | ShockEffect::HeavyReduction(_)
        | ShockEffect::ExportQuota(_)
        | ShockEffect::ExportLicence(_)
        | ShockEffect::Tariff(_)
        | ShockEffect::Shipping(_)
        | ShockEffect::SupplyDisruption(_)
        | ShockEffect::GreenMining(_)
        | ShockEffect::MagneticSeparation(_)
        | ShockEffect::ElementQuota(_)
        | ShockEffect::Consolidation(_)
        | ShockEffect::EprRecycling(_)
        | ShockEffect::DeepProcessing(_)
        | ShockEffect::TechnologyExport(_)
        | ShockEffect::Stockpile(_)
        | ShockEffect::PriceFloor(_)
        | ShockEffect::Demand(_) => {}
    }
    Ok(())
}

/// `ree_free`: a new adoption curve for the listed sectors (once).
fn adopt_ree_free(f: &ReeFreeShock, demand: &mut DemandState) {
    for sector in demand
        .sectors
        .iter_mut()
        .filter(|s| f.sectors.contains(&s.id))
    {
        let (share, pull) = sector
            .ree_free
            .as_ref()
            .map_or((0.0, 0.0), |a| (a.share, a.price_pull_years));
        sector.ree_free = Some(remsim_demand::Adoption {
            midpoint_year: f.midpoint_year,
            steepness: f.steepness,
            ceiling: f.ceiling.max(share),
            price_pull_years: f.price_pull_years.unwrap_or(pull).max(0.0),
            pulled_years: 0.0,
            share,
        });
    }
}

/// A magnet-recipe share by maker region, the largest of the active shocks'.
fn raise_by_region(target: &mut [f64; 2], f: &MagnetShareShock, x: f64) {
    let mask = region_mask(&f.regions);
    for r in 0..2 {
        if mask[r] {
            target[r] = target[r].max(f.share * x);
        }
    }
}

/// A quota in t/year by element, the tightest of the active shocks', t/month.
fn cap_by_element(target: &mut ElementVec, f: &ElementTonnesShock) {
    for (key, t) in &f.t_per_year {
        if let Ok(e) = Element::parse(key) {
            target[e] = target[e].min(t.max(0.0) / 12.0);
        }
    }
}

/// `supply_disruption`: the listed mines and countries lose a share of output.
fn disrupt(f: &DisruptionShock, x: f64, supply: &Supply, o: &mut Overlay) {
    for (i, mn) in supply.miners.iter().enumerate() {
        if f.miners.contains(&mn.id)
            || f.countries
                .iter()
                .any(|code| code.eq_ignore_ascii_case(mn.country.code()))
        {
            o.disrupted[i] = o.disrupted[i].max(f.fraction * x);
        }
    }
}

/// `green_mining`: heap and pond leaching banned; workings still converting lose output.
fn green_mining(f: &GreenMiningShock, x: f64, supply: &Supply, o: &mut Overlay) {
    o.heap_pond_ban = true;
    o.ban_on_illegal |= f.enforce_on_illegal;
    if x < 1.0 {
        // Workings still converting to in-situ leaching lose output.
        for (i, mn) in supply.miners.iter().enumerate() {
            let bound = mn.country == remsim_core::Country::CN
                && (mn.owner != Owner::SmallIllegal || f.enforce_on_illegal);
            if mn.leaching == Some(remsim_scenario::Leaching::HeapPond) && bound {
                o.disrupted[i] = o.disrupted[i].max(f.conversion_outage);
            }
        }
    }
}

/// `technology_export`: newcomer countries' miners get cheaper, bigger, in-situ.
fn technology_export(f: &TechnologyExportShock, x: f64, supply: &Supply, o: &mut Overlay) {
    for (i, mn) in supply.miners.iter().enumerate() {
        if f.countries
            .iter()
            .any(|code| code.eq_ignore_ascii_case(mn.country.code()))
        {
            o.miner_cost[i] *= 1.0 - f.cost_cut * x;
            o.miner_capacity[i] *= 1.0 + f.capacity_growth * x;
            o.miner_in_situ[i] |= f.in_situ;
        }
    }
}

/// `outbound_investment`: a Chinese-owned mine abroad, decided once.
fn outbound_investment(
    f: &OutboundShock,
    shock_id: &str,
    supply: &mut Supply,
    params: &Params,
    clock: &Clock,
    month: Month,
) -> Result<(), SimError> {
    let id = format!("{shock_id}-project");
    let mut rng = stream_rng(
        clock.master_seed,
        clock.trial,
        stream_id(&format!("outbound:{id}")),
    );
    let project = MineProject {
        id,
        country: f.country.clone(),
        deposit: f.deposit.clone(),
        capacity_t: f.capacity_t,
        cash_cost_usd_per_kg: f.cash_cost_usd_per_kg,
        lead_time_years: f.lead_time_years,
        ramp_years: f.ramp_years,
        failure_probability: f.failure_probability,
        sells_to: Region::China,
        chinese_owned: true,
        separation_cost_usd_per_kg: None,
    };
    supply.add_mine_project(clock.start, month, &project, &params.coef, &mut rng)
}
