//! Building a [`World`] from a trial's drawn config: every agent of every kind (units of
//! an entry with a `count` one after another; rival projects paired with their operating
//! units), the demand sectors and the magnets already in use, opening prices, the tabulated
//! curves of the holders' price grid, and the policy state.

use crate::SimError;
use crate::metrics::MetricIndex;
use crate::policy::ChinaRules;
use crate::projects::{RivalUnit, build_error, rival_unit};
use crate::shocks::{Overlay, ShockRuntime};
use crate::state::{
    Clock, DemandState, GRID_LEVELS, GRID_LOG_STEP, GRID_STEPS, Inventories, Markets, Params,
    PolicyState, PriceState, StockpileRule, Supply,
};
use crate::tick::Scratch;
use crate::world::World;
use remsim_core::rng::{stream_id, stream_rng};
use remsim_core::{Country, Element, ElementVec, Month, Region};
use remsim_demand::DemandSector;
use remsim_magnets::MagnetMaker;
use remsim_market::{Link, Participants, ScheduleClearing, ScheduleMarket};
use remsim_miners::Miner;
use remsim_recyclers::{ProductStock, Recycler};
use remsim_rivals::RivalProject;
use remsim_scenario::{DemandKind, EntryConfig, MarketConfig, ScenarioConfig, StockpileConfig};
use remsim_smelters::Separator;

fn region_of(code: &str) -> Result<Region, SimError> {
    Country::parse(code)
        .map(Country::region)
        .map_err(build_error)
}

/// Opening prices of China and the rest of the world, the floor and the caps, USD/kg.
struct Opening {
    cn: ElementVec,
    row: ElementVec,
    floor: f64,
    cap: ElementVec,
    /// Long-run incentive prices by region (see [`incentive_prices`]).
    incentive: [ElementVec; 2],
}

fn opening(m: &MarketConfig, entries: [&Option<EntryConfig>; 2]) -> Result<Opening, SimError> {
    let mut initial_cn = ElementVec::ZERO;
    for (key, price) in &m.initial_price_cn_usd_per_kg {
        let e = Element::parse(key).map_err(build_error)?;
        initial_cn[e] = *price;
    }
    let floor = m.price_floor_usd_per_kg.max(0.0);
    let initial_cn = initial_cn.max(&ElementVec::splat(floor.max(1e-6)));
    let initial_row = initial_cn * (1.0 + m.initial_row_premium);
    let cap = initial_row * m.price_cap_multiple.max(1.0);
    let scale = incentive_scales(entries, &initial_row)?;
    Ok(Opening {
        cn: initial_cn,
        row: initial_row,
        floor,
        cap,
        incentive: [
            ElementVec::from_fn(|e| initial_cn[e] * scale[e]).min(&cap),
            ElementVec::from_fn(|e| initial_row[e] * scale[e]).min(&cap),
        ],
    })
}

/// Each element's incentive factor (see [`incentive_scale`]): that of the entry project
/// (light-rich `[entry]` or heavy-rich `[heavy_entry]`) in whose basket the element's value
/// share at opening prices is the larger, so Dy and Tb are priced by the ion-clay project
/// that would supply them and Nd, Pr, La and Ce by the hard-rock one. 1 without entry.
fn incentive_scales(
    entries: [&Option<EntryConfig>; 2],
    initial_row: &ElementVec,
) -> Result<ElementVec, SimError> {
    let mut best = [(0.0f64, 1.0f64); Element::COUNT];
    for entry in entries.into_iter().flatten() {
        let profile = remsim_core::DepositProfile::named(&entry.deposit).map_err(build_error)?;
        let basket = profile.shares.dot(initial_row);
        if basket <= 0.0 {
            continue;
        }
        let scale = incentive_scale(entry, &profile.shares, initial_row);
        for e in Element::ALL {
            let value_share = profile.shares[e] * initial_row[e] / basket;
            if value_share > best[e.index()].0 {
                best[e.index()] = (value_share, scale);
            }
        }
    }
    Ok(ElementVec::from_fn(|e| best[e.index()].1))
}

/// How far the opening prices must rise (above 1) or may fall (below 1) for the marginal
/// greenfield project, the `[entry]` mine-and-separation project outside China, to earn
/// its full cost: cash cost plus the hurdle margin that pays back its capital, plus
/// separation, over the recoverable value of its basket at opening rest-of-world prices.
/// Each element's incentive price is its opening price times this factor: the full cost
/// is spread over the joint products at the market's opening relative prices (the
/// incentive-price method of the mining literature, e.g. Crowson 2011; one marginal
/// project sets each element's level).
fn incentive_scale(entry: &EntryConfig, shares: &ElementVec, initial_row: &ElementVec) -> f64 {
    let basket = shares.dot(initial_row) * remsim_miners::VALUATION_RECOVERY;
    let full_cost = entry.cash_cost_usd_per_kg * (1.0 + entry.hurdle.max(0.0))
        + entry.separation_cost_usd_per_kg;
    if basket > 0.0 && full_cost > 0.0 {
        full_cost / basket
    } else {
        1.0
    }
}

fn build_supply(config: &ScenarioConfig, master_seed: u64, trial: u64) -> Result<Supply, SimError> {
    let coef = &config.tick;
    let (mut miners, mut miner_rival, mut miner_units) = (Vec::new(), Vec::new(), Vec::new());
    // An entry with a `count` stands for that many identical units: one miner that decides
    // for all of them, its output booked once per unit (`Supply::miner_units`).
    for cfg in &config.miners {
        miners.push(Miner::from_config(cfg).map_err(build_error)?);
        miner_rival.push(None);
        miner_units.push(cfg.count.max(1));
    }
    let (mut separators, mut separator_rival) = (Vec::new(), Vec::new());
    for cfg in &config.separators {
        separators.push(Separator::from_config(cfg).map_err(build_error)?);
        separator_rival.push(None);
    }
    let (mut makers, mut maker_rival, mut maker_units) = (Vec::new(), Vec::new(), Vec::new());
    for cfg in &config.magnet_makers {
        makers.push(MagnetMaker::from_config(cfg).map_err(build_error)?);
        maker_rival.push(None);
        maker_units.push(cfg.count.max(1));
    }
    // Rivals: a project life cycle paired with an operating unit of its stage.
    let reference_recipe = config
        .magnet_makers
        .iter()
        .find(|mm| region_of(&mm.country).ok() == Some(Region::RestOfWorld))
        .or(config.magnet_makers.first())
        .map(|mm| mm.recipe_pct.clone())
        .unwrap_or_default();
    let mut rivals = Vec::new();
    for cfg in &config.rivals {
        let mut rng = stream_rng(master_seed, trial, stream_id(&format!("rival:{}", cfg.id)));
        let project =
            RivalProject::from_config(cfg, config.scenario.start, &mut rng).map_err(build_error)?;
        let index = Some(rivals.len());
        match rival_unit(cfg, &project, &reference_recipe, coef)? {
            RivalUnit::Mine(unit) => {
                miners.push(unit);
                miner_rival.push(index);
                miner_units.push(1);
            }
            RivalUnit::Separation(unit) => {
                separators.push(unit);
                separator_rival.push(index);
            }
            RivalUnit::Magnet(unit) => {
                makers.push(unit);
                maker_rival.push(index);
                maker_units.push(1);
            }
        }
        rivals.push(project);
    }
    let mut recyclers = Vec::new();
    for cfg in &config.recyclers {
        recyclers.push(Recycler::from_config(cfg).map_err(build_error)?);
    }
    Ok(Supply {
        miner_cost_owner_region: miners.iter().map(Miner::region).collect(),
        quota_miners: (0..miners.len())
            .filter(|&i| miners[i].quota_group.is_some())
            .collect(),
        makers_in: Region::ALL.map(|region| {
            (0..makers.len())
                .filter(|&i| makers[i].region() == region)
                .collect()
        }),
        separator_base_floor: separators
            .iter()
            .map(|x| (x.price_floor_usd_per_kg, x.floor_share))
            .collect(),
        miners,
        miner_rival,
        miner_units,
        separators,
        separator_rival,
        makers,
        maker_rival,
        maker_units,
        rivals,
        recyclers,
        miner_bits: (0, 0),
    })
}

fn build_demand(
    config: &ScenarioConfig,
    average_magnet: ElementVec,
    master_seed: u64,
    trial: u64,
) -> Result<DemandState, SimError> {
    let mut d = DemandState {
        sectors: Vec::new(),
        sector_rngs: Vec::new(),
        in_use: Vec::new(),
        ev_sector: None,
    };
    for cfg in &config.demand {
        let sector = DemandSector::from_config(cfg, config.scenario.start).map_err(build_error)?;
        if sector.kind == DemandKind::Magnet {
            if cfg.id.starts_with("ev") && d.ev_sector.is_none() {
                d.ev_sector = Some(d.sectors.len());
            }
            let monthly = sector.base_monthly_t;
            let stocks = [sector.cn_share, 1.0 - sector.cn_share].map(|share| {
                ProductStock::in_steady_growth(
                    sector.lifetime_years.max(1.0),
                    sector.lifetime_shape,
                    average_magnet * (monthly * share),
                    sector.growth_per_year,
                )
            });
            d.in_use.push((d.sectors.len(), stocks));
        }
        let stream = stream_id(&format!("demand:{}", cfg.id));
        d.sector_rngs.push(stream_rng(master_seed, trial, stream));
        d.sectors.push(sector);
    }
    Ok(d)
}

fn stockpile_rule(cfg: &StockpileConfig) -> StockpileRule {
    let months = element_months(&cfg.target_months);
    (months, cfg.buy_below.max(0.0), cfg.release_above.max(0.0))
}

/// Months of demand by element from a map of element names (validated upstream).
fn element_months(map: &remsim_scenario::ElementMap) -> ElementVec {
    let mut months = ElementVec::ZERO;
    for (key, m) in map {
        if let Ok(e) = Element::parse(key) {
            months[e] = m.max(0.0);
        }
    }
    months
}

fn build_params(config: &ScenarioConfig, o: &Opening, sectors: &[DemandSector]) -> Params {
    let m = &config.market;
    let grid: [f64; GRID_LEVELS] =
        std::array::from_fn(|k| (GRID_LOG_STEP * (k as i32 - GRID_STEPS) as f64).exp());
    let stock_response = m.stock_price_response.max(0.01);
    let demand_cap = config.tick.sector_demand_cap;
    let cost_weight = m.expectation_cost_weight.clamp(0.0, 1.0);
    Params {
        freight: m.freight_usd_per_kg.max(0.0),
        china_imports: m.china_imports,
        china_import_duty: m.china_import_duty.clamp(0.0, 1.0),
        floor: ElementVec::from_fn(|e| o.floor.max(m.storage_floor_share * o.incentive[1][e]))
            .min(&o.cap),
        incentive: o.incentive,
        cost_weight,
        incentive_ln_weighted: std::array::from_fn(|r| {
            ElementVec::from_fn(|e| o.incentive[r][e].ln() * cost_weight)
        }),
        kept_at_cap: std::array::from_fn(|r| {
            ElementVec::from_fn(|e| {
                let threshold = config.tick.demand_destruction_from * o.incentive[r][e];
                crate::tick::schedules::demand_kept(&config.tick, threshold, o.cap[e])
            })
        }),
        cap: o.cap,
        stock_target_months: m.stock_target_months.max(0.1),
        initial_stock_months: m.initial_stock_months.max(0.0),
        smoothing: m.expectation_smoothing.clamp(0.0, 1.0),
        trend_following: m.trend_following.max(0.0),
        fundamental_weight: m.fundamental_weight.max(0.0),
        payable: m.concentrate_payable_share.clamp(0.0, 1.0),
        markup: m.magnet_markup.max(0.0),
        coef: config.tick.clone(),
        environment: config.environment.clone(),
        stockpile_rules: [
            stockpile_rule(&config.policy.china.stockpile),
            stockpile_rule(&config.policy.rest_of_world.stockpile),
        ],
        stockpile_opening_months: [
            element_months(&config.policy.china.stockpile.initial_months),
            element_months(&config.policy.rest_of_world.stockpile.initial_months),
        ],
        holder_curve: std::array::from_fn(|k| grid[k].powf(-1.0 / stock_response)),
        sector_curve: sectors
            .iter()
            .map(|s| std::array::from_fn(|k| grid[k].powf(s.elasticity).min(demand_cap)))
            .collect(),
        grid,
    }
}

fn build_policy(
    config: &ScenarioConfig,
    master_seed: u64,
    trial: u64,
) -> Result<PolicyState, SimError> {
    let with_shares = |entry: &Option<EntryConfig>| -> Result<_, SimError> {
        Ok(match entry {
            Some(entry) => {
                let profile =
                    remsim_core::DepositProfile::named(&entry.deposit).map_err(build_error)?;
                Some((entry.clone(), profile.shares))
            }
            None => None,
        })
    };
    let entry = with_shares(&config.entry)?;
    let heavy_entry = with_shares(&config.heavy_entry)?;
    Ok(PolicyState {
        china: ChinaRules::new(&config.policy.china, config.scenario.start),
        shocks: config
            .shocks
            .iter()
            .map(|sc| ShockRuntime::new(sc.clone(), master_seed, trial))
            .collect(),
        shock_applied: vec![false; config.shocks.len()],
        overlay: Overlay::default(),
        entry,
        entries_launched: 0,
        heavy_entry,
        heavy_entries_launched: 0,
        demand_year_t: ElementVec::ZERO,
        demand_years_t: Vec::with_capacity(crate::state::DEMAND_YEARS_KEPT),
        feed_year_t: [0.0; 2],
        feed_years_t: Vec::with_capacity(crate::state::DEMAND_YEARS_KEPT),
    })
}

fn empty_markets() -> Markets {
    let mut markets = Vec::with_capacity(Element::COUNT);
    markets.resize_with(Element::COUNT, ScheduleMarket::new);
    Markets {
        markets,
        clearing: ScheduleClearing::default(),
        participants: Element::ALL
            .iter()
            .map(|_| [Participants::new(), Participants::new()])
            .collect(),
        links: [Link::CLOSED; Element::COUNT],
        import_links: [Link::CLOSED; Element::COUNT],
        licence_rent_usd_per_kg: 0.0,
        exports_t: ElementVec::ZERO,
    }
}

impl World {
    /// Builds the world of trial `trial` from its drawn config.
    pub fn new(config: &ScenarioConfig, master_seed: u64, trial: u64) -> Result<World, SimError> {
        let start: Month = config.scenario.start;
        let n_ticks = (config.scenario.end.months_since(start) + 1).max(0) as usize;
        let o = opening(&config.market, [&config.entry, &config.heavy_entry])?;
        let supply = build_supply(config, master_seed, trial)?;
        let average_magnet = average_magnet_composition(&supply.makers, &supply.maker_units);
        let demand = build_demand(config, average_magnet, master_seed, trial)?;
        let params = build_params(config, &o, &demand.sectors);
        let opening = [o.cn, o.row];
        Ok(World {
            clock: Clock {
                start,
                end: config.scenario.end,
                master_seed,
                trial,
                n_ticks,
                ticks_done: 0,
            },
            metrics: MetricIndex::new(),
            params,
            policy: build_policy(config, master_seed, trial)?,
            supply,
            demand,
            inventories: Inventories {
                stock: [ElementVec::ZERO; 2],
                stockpile: [ElementVec::ZERO; 2],
                concentrate: [ElementVec::ZERO; 2],
                residue_potential: [0.0; 2],
                scrap: [ElementVec::ZERO; 2],
                initialised: false,
            },
            prices: PriceState {
                price: opening,
                initial_price: opening,
                smoothed: opening,
                long_run: opening,
                trend: [ElementVec::ZERO; 2],
            },
            markets: empty_markets(),
            scratch: Scratch::default(),
        })
    }
}

/// Capacity-weighted rare-earth composition of the makers' magnets: what magnets in use
/// hold at the start.
fn average_magnet_composition(makers: &[MagnetMaker], units: &[u32]) -> ElementVec {
    let mut total = ElementVec::ZERO;
    for (m, &n) in makers.iter().zip(units) {
        total.add_repeated(&(m.composition * m.capacity_t), n);
    }
    total.normalised().unwrap_or(ElementVec::ZERO)
}
