//! The world of one trial and its monthly tick: policy → demand → production decisions →
//! market clearing → settlement and investment → observation.

use crate::SimError;
use crate::metrics::{MetricIndex, RECYCLED_ELEMENTS};
use crate::policy::{ChinaRules, group_index};
use crate::shocks::{Overlay, ShockRuntime, element_mask, region_mask};
use rand_chacha::ChaCha8Rng;
use remsim_core::rng::{stream_id, stream_rng};
use remsim_core::{Country, Element, ElementVec, Month, Region, Trajectory};
use remsim_demand::DemandSector;
use remsim_magnets::MagnetMaker;
use remsim_market::{Link, Participants, PriceBounds, ScheduleClearing, ScheduleMarket, Values};
use remsim_miners::{Miner, MinerMarket};
use remsim_recyclers::{ProductStock, Recycler};
use remsim_rivals::RivalProject;
use remsim_scenario::{
    DemandKind, EntryConfig, EnvironmentConfig, MagnetMakerConfig, MinerConfig, Owner, QuotaGroup,
    RivalConfig, ScenarioConfig, SeparatorConfig, Stage, StockpileConfig,
};
use remsim_smelters::Separator;
use std::sync::Arc;

/// Price levels stock holders quote around their expected price: ±8% steps, 0.38× to 2.6×.
const GRID_STEPS: i32 = 12;
const GRID_LOG_STEP: f64 = 0.08;
/// Unmet demand below this (one gram) is rounding, not shortage.
const MIN_SHORTAGE_T: f64 = 1e-6;
const GRID_LEVELS: usize = 2 * GRID_STEPS as usize + 1;
/// Participants of each region's schedule (see `remsim_market::Schedule`): the holder
/// first, as it absorbs the clearing's rounding residual.
const HOLDER: usize = 0;
const CONSUMERS: usize = 1;
const MAKERS_CONTRACTED: usize = 2;
const MAKERS_DISCRETIONARY: usize = 3;
const STOCKPILE_RELEASE: usize = 4;
const STOCKPILE_BUY: usize = 5;
const PARTICIPANTS: usize = 6;

/// Mass-balance ledger of one tick, t by element.
#[derive(Debug, Clone, Copy, Default)]
struct Ledger {
    mined: ElementVec,
    eol_collected: ElementVec,
    consumed: ElementVec,
    losses: ElementVec,
}

/// Everything one trial owns.
pub struct World {
    start: Month,
    master_seed: u64,
    trial: u64,
    /// Greenfield entry, with its deposit's element shares (looked up once).
    entry: Option<(EntryConfig, ElementVec)>,
    entries_launched: u32,
    end: Month,
    shocks: Vec<ShockRuntime>,
    /// Shocks whose one-off effect (new adoption curve, outbound project) has happened.
    shock_applied: Vec<bool>,
    n_ticks: usize,
    /// Ticks run so far.
    ticks_done: usize,
    metrics: MetricIndex,
    // Settings.
    freight: f64,
    floor: f64,
    cap: ElementVec,
    stock_target_months: f64,
    initial_stock_months: f64,
    smoothing: f64,
    trend_following: f64,
    /// Pull of stock holders toward long-run prices (`market.fundamental_weight`).
    fundamental_weight: f64,
    payable: f64,
    markup: f64,
    environment: EnvironmentConfig,
    china: ChinaRules,
    /// Stockpile rules by region: target months by element, buy-below and release-above
    /// multiples of the opening price.
    stockpile_rules: [(ElementVec, f64, f64); 2],
    // Agents.
    miners: Vec<Miner>,
    miner_cost_owner_region: Vec<Region>,
    miner_rival: Vec<Option<usize>>,
    separators: Vec<Separator>,
    separator_rival: Vec<Option<usize>>,
    /// Each separator's own price floor and share, before any shock.
    separator_base_floor: Vec<(f64, f64)>,
    makers: Vec<MagnetMaker>,
    maker_rival: Vec<Option<usize>>,
    rivals: Vec<RivalProject>,
    recyclers: Vec<Recycler>,
    sectors: Vec<DemandSector>,
    sector_rngs: Vec<ChaCha8Rng>,
    /// Magnets in use, by magnet sector index (into `sectors`) and region.
    in_use: Vec<(usize, [ProductStock; 2])>,
    /// Rare-earth composition of an average magnet (for unmet magnet orders).
    average_magnet: ElementVec,
    ev_sector: Option<usize>,
    // Market state.
    price: [ElementVec; 2],
    initial_price: [ElementVec; 2],
    smoothed: [ElementVec; 2],
    /// Slow (three-year) average of prices: what investors plan on.
    long_run: [ElementVec; 2],
    trend: [ElementVec; 2],
    stock: [ElementVec; 2],
    stockpile: [ElementVec; 2],
    concentrate: [ElementVec; 2],
    residue_potential: [f64; 2],
    scrap: [ElementVec; 2],
    stocks_initialised: bool,
    markets: Vec<ScheduleMarket>,
    clearing: ScheduleClearing,
    /// Each element's participants by region (rebuilt every tick; all are built before any
    /// is cleared, because an all-element export quota ties the elements together).
    participants: Vec<[Participants<PARTICIPANTS>; 2]>,
    /// Each element's export link before any all-element quota (rebuilt every tick).
    links: [Link; 17],
    /// What an export licence under the all-element quota earned last month, USD/kg.
    licence_rent_usd_per_kg: f64,
    /// Last month's exports from China by element, t.
    exports_t: ElementVec,
    /// Scratch: (region, demand at expected prices, sector index) of each oxide sector.
    sector_oxide: Vec<(usize, ElementVec, usize)>,
    /// Price multipliers of the holders' grid, `exp(GRID_LOG_STEP * k)`, k = -12..=12.
    grid: [f64; GRID_LEVELS],
    /// Holders' desired stock at each grid level, relative to target.
    holder_curve: [f64; GRID_LEVELS],
    /// Each sector's demand at each grid level relative to the expected price, capped at 2.
    sector_curve: Vec<[f64; GRID_LEVELS]>,
    /// Per-agent buffers of the tick, kept between ticks so that a tick does not allocate.
    scratch: Scratch,
    /// What the active shocks change this month; rebuilt in place every tick.
    overlay: Overlay,
    /// Indices of the miners that draw on one of China's quotas, in order.
    quota_miners: Vec<usize>,
    /// Indices of the magnet makers of each region, in order.
    makers_in: [Vec<usize>; 2],
    /// The worst [`state_bits`] of the capacity, reserves and utilisation of the first
    /// `.1` miners, taken in the tick's mining pass (after which no rule changes them);
    /// the invariant check covers the rest itself.
    miner_bits: (u64, usize),
}

/// Buffers a tick fills and reads, one entry per agent (or sector); each tick resizes and
/// zeroes them, so their contents never carry over.
#[derive(Default)]
struct Scratch {
    /// Magnet orders by sector index and region.
    sector_orders: Vec<[f64; 2]>,
    /// Magnets each maker plans to make this month.
    maker_plan: Vec<f64>,
    /// Each maker's orders by the region they come from.
    maker_orders_from: Vec<[f64; 2]>,
    /// Each maker's oxide need.
    maker_need: Vec<ElementVec>,
    /// Oxide each maker bought.
    maker_input: Vec<ElementVec>,
    /// Each miner's planned output.
    planned: Vec<f64>,
    /// Each miner's output.
    miner_output: Vec<f64>,
    /// Each separator's feed.
    separator_feed: Vec<ElementVec>,
    /// Each separator's wanted throughput in the region being separated.
    separator_wanted: Vec<f64>,
}

/// `v` emptied and refilled with `n` copies of `value`, keeping its room.
fn reset<T: Clone>(v: &mut Vec<T>, n: usize, value: T) {
    v.clear();
    v.resize(n, value);
}

fn region_of(code: &str) -> Result<Region, SimError> {
    Country::parse(code)
        .map(Country::region)
        .map_err(|e| SimError::Build(e.to_string()))
}

impl World {
    /// Builds the world of trial `trial` from its drawn config.
    pub fn new(config: &ScenarioConfig, master_seed: u64, trial: u64) -> Result<World, SimError> {
        let start = config.scenario.start;
        let n_ticks = (config.scenario.end.months_since(start) + 1).max(0) as usize;
        let m = &config.market;
        let mut initial_cn = ElementVec::ZERO;
        for (key, price) in &m.initial_price_cn_usd_per_kg {
            let e = Element::parse(key).map_err(|e| SimError::Build(e.to_string()))?;
            initial_cn[e] = *price;
        }
        let floor = m.price_floor_usd_per_kg.max(0.0);
        let initial_cn = initial_cn.max(&ElementVec::splat(floor.max(1e-6)));
        let initial_row = initial_cn * (1.0 + m.initial_row_premium);
        let cap = initial_row * m.price_cap_multiple.max(1.0);

        let mut miners = Vec::new();
        let mut miner_rival = Vec::new();
        // An entry with a `count` stands for that many identical units, one after another.
        for cfg in &config.miners {
            let miner = Miner::from_config(cfg).map_err(|e| SimError::Build(e.to_string()))?;
            for _ in 1..cfg.count {
                miners.push(miner.clone());
                miner_rival.push(None);
            }
            miners.push(miner);
            miner_rival.push(None);
        }
        let mut separators = Vec::new();
        let mut separator_rival = Vec::new();
        for cfg in &config.separators {
            separators
                .push(Separator::from_config(cfg).map_err(|e| SimError::Build(e.to_string()))?);
            separator_rival.push(None);
        }
        let mut makers = Vec::new();
        let mut maker_rival = Vec::new();
        for cfg in &config.magnet_makers {
            let maker =
                MagnetMaker::from_config(cfg).map_err(|e| SimError::Build(e.to_string()))?;
            for _ in 1..cfg.count {
                makers.push(maker.clone());
                maker_rival.push(None);
            }
            makers.push(maker);
            maker_rival.push(None);
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
            let project = RivalProject::from_config(cfg, start, &mut rng)
                .map_err(|e| SimError::Build(e.to_string()))?;
            let index = rivals.len();
            match rival_unit(cfg, &project, &reference_recipe)? {
                RivalUnit::Mine(unit) => {
                    miners.push(unit);
                    miner_rival.push(Some(index));
                }
                RivalUnit::Separation(unit) => {
                    separators.push(unit);
                    separator_rival.push(Some(index));
                }
                RivalUnit::Magnet(unit) => {
                    makers.push(unit);
                    maker_rival.push(Some(index));
                }
            }
            rivals.push(project);
        }
        let miner_cost_owner_region = miners.iter().map(Miner::region).collect();
        let makers_in = Region::ALL.map(|region| {
            (0..makers.len())
                .filter(|&i| makers[i].region() == region)
                .collect()
        });
        let quota_miners = (0..miners.len())
            .filter(|&i| miners[i].quota_group.is_some())
            .collect();

        let mut recyclers = Vec::new();
        for cfg in &config.recyclers {
            recyclers.push(Recycler::from_config(cfg).map_err(|e| SimError::Build(e.to_string()))?);
        }
        let mut sectors = Vec::new();
        let mut sector_rngs = Vec::new();
        let mut in_use = Vec::new();
        let mut ev_sector = None;
        let average_magnet = average_magnet_composition(&makers);
        for cfg in &config.demand {
            let sector = DemandSector::from_config(cfg, start)
                .map_err(|e| SimError::Build(e.to_string()))?;
            if sector.kind == DemandKind::Magnet {
                if cfg.id.starts_with("ev") && ev_sector.is_none() {
                    ev_sector = Some(sectors.len());
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
                in_use.push((sectors.len(), stocks));
            }
            sector_rngs.push(stream_rng(
                master_seed,
                trial,
                stream_id(&format!("demand:{}", cfg.id)),
            ));
            sectors.push(sector);
        }
        let stockpile_rule = |cfg: &StockpileConfig| {
            let mut months = ElementVec::ZERO;
            for (key, m) in &cfg.target_months {
                if let Ok(e) = Element::parse(key) {
                    months[e] = m.max(0.0);
                }
            }
            (months, cfg.buy_below.max(0.0), cfg.release_above.max(0.0))
        };
        let stockpile_rules = [
            stockpile_rule(&config.policy.china.stockpile),
            stockpile_rule(&config.policy.rest_of_world.stockpile),
        ];
        let grid: [f64; GRID_LEVELS] =
            std::array::from_fn(|k| (GRID_LOG_STEP * (k as i32 - GRID_STEPS) as f64).exp());
        let stock_response = m.stock_price_response.max(0.01);
        let holder_curve: [f64; GRID_LEVELS] =
            std::array::from_fn(|k| grid[k].powf(-1.0 / stock_response));
        let sector_curve: Vec<[f64; GRID_LEVELS]> = sectors
            .iter()
            .map(|s: &DemandSector| std::array::from_fn(|k| grid[k].powf(s.elasticity).min(2.0)))
            .collect();
        let mut markets = Vec::with_capacity(17);
        markets.resize_with(17, ScheduleMarket::new);
        let entry = match &config.entry {
            Some(entry) => {
                let profile = remsim_core::DepositProfile::named(&entry.deposit)
                    .map_err(|e| SimError::Build(e.to_string()))?;
                Some((entry.clone(), profile.shares))
            }
            None => None,
        };
        Ok(World {
            start,
            master_seed,
            trial,
            entry,
            entries_launched: 0,
            end: config.scenario.end,
            shocks: config
                .shocks
                .iter()
                .map(|sc| ShockRuntime::new(sc.clone(), master_seed, trial))
                .collect(),
            shock_applied: vec![false; config.shocks.len()],
            n_ticks,
            ticks_done: 0,
            metrics: MetricIndex::new(),
            freight: m.freight_usd_per_kg.max(0.0),
            floor,
            cap,
            stock_target_months: m.stock_target_months.max(0.1),
            initial_stock_months: m.initial_stock_months.max(0.0),
            smoothing: m.expectation_smoothing.clamp(0.0, 1.0),
            trend_following: m.trend_following.max(0.0),
            fundamental_weight: m.fundamental_weight.max(0.0),
            payable: m.concentrate_payable_share.clamp(0.0, 1.0),
            markup: m.magnet_markup.max(0.0),
            environment: config.environment.clone(),
            china: ChinaRules::new(&config.policy.china, start),
            stockpile_rules,
            miners,
            miner_cost_owner_region,
            miner_rival,
            separator_base_floor: separators
                .iter()
                .map(|x| (x.price_floor_usd_per_kg, x.floor_share))
                .collect(),
            separators,
            separator_rival,
            makers,
            maker_rival,
            rivals,
            recyclers,
            sectors,
            sector_rngs,
            in_use,
            average_magnet,
            ev_sector,
            price: [initial_cn, initial_row],
            initial_price: [initial_cn, initial_row],
            smoothed: [initial_cn, initial_row],
            long_run: [initial_cn, initial_row],
            trend: [ElementVec::ZERO; 2],
            stock: [ElementVec::ZERO; 2],
            stockpile: [ElementVec::ZERO; 2],
            concentrate: [ElementVec::ZERO; 2],
            residue_potential: [0.0; 2],
            scrap: [ElementVec::ZERO; 2],
            stocks_initialised: false,
            markets,
            clearing: ScheduleClearing::default(),
            participants: Element::ALL
                .iter()
                .map(|_| [Participants::new(), Participants::new()])
                .collect(),
            links: [Link {
                capacity_t: 0.0,
                wedge_usd_per_kg: 0.0,
            }; 17],
            licence_rent_usd_per_kg: 0.0,
            exports_t: ElementVec::ZERO,
            sector_oxide: Vec::new(),
            grid,
            holder_curve,
            sector_curve,
            scratch: Scratch::default(),
            overlay: Overlay::default(),
            quota_miners,
            makers_in,
            miner_bits: (0, 0),
        })
    }

    /// Metric names, in column order.
    pub fn metric_names(&self) -> std::sync::Arc<[String]> {
        self.metrics.names.clone()
    }

    /// Runs every tick and returns the trajectory.
    pub fn run(mut self) -> Result<Trajectory, SimError> {
        let mut out = Trajectory::zeros(self.start, self.metrics.names.clone(), self.n_ticks);
        for tick in self.ticks_done..self.n_ticks {
            self.tick(out.tick_mut(tick))?;
        }
        Ok(out)
    }

    /// Last month's prices, USD/kg, by region (China, rest of world).
    pub fn prices(&self) -> [ElementVec; 2] {
        self.price
    }

    /// Last month's exports from China to the rest of the world by element, t.
    pub fn exports_t(&self) -> ElementVec {
        self.exports_t
    }

    /// Last month's price wedge of each element's export link, USD/kg: tariff, freight
    /// and the licence rent.
    pub fn export_wedges_usd_per_kg(&self) -> ElementVec {
        let mut wedges = ElementVec::ZERO;
        for e in crate::metrics::traded_elements() {
            wedges[e] = self.links[e.index()].wedge_usd_per_kg + self.licence_rent_usd_per_kg;
        }
        wedges
    }

    /// What a licence under an all-element export quota earned last month, USD/kg (zero
    /// without such a quota, or when it did not bind).
    pub fn licence_rent_usd_per_kg(&self) -> f64 {
        self.licence_rent_usd_per_kg
    }

    /// Number of monthly ticks of the trial.
    pub fn n_ticks(&self) -> usize {
        self.n_ticks
    }

    /// Ticks run so far.
    pub fn ticks_done(&self) -> usize {
        self.ticks_done
    }

    /// Runs the next tick and writes its metrics into `row` (one value per metric, in
    /// [`World::metric_names`] order): [`World::run`] one month at a time, for benchmarks
    /// and tools that look inside a trial.
    ///
    /// # Errors
    /// An invariant broken by the tick, or a call after the last tick (`Build`).
    pub fn tick(&mut self, row: &mut [f64]) -> Result<(), SimError> {
        if self.ticks_done >= self.n_ticks {
            return Err(SimError::Build(format!(
                "the trial has run all its {} ticks",
                self.n_ticks
            )));
        }
        if row.len() != self.metrics.names.len() {
            return Err(SimError::Build(format!(
                "a tick writes {} metrics, not {}",
                self.metrics.names.len(),
                row.len()
            )));
        }
        let month = self.start.add_months(self.ticks_done as i32);
        self.step(month, row)?;
        if let Some(what) = self.invariant_violation(row[self.metrics.balance]) {
            return Err(SimError::Invariant {
                month: month.to_string(),
                what,
            });
        }
        self.ticks_done += 1;
        Ok(())
    }

    /// Expected prices: smoothed, extrapolated a quarter along the trend by the
    /// trend-following weight.
    fn expected(&self, r: usize) -> ElementVec {
        let mut pe = self.smoothed[r];
        for e in Element::ALL {
            let lift = (self.trend_following * 3.0 * self.trend[r][e]).clamp(-0.5, 0.5);
            pe[e] = (pe[e] * lift.exp()).clamp(self.floor, self.cap[e]);
        }
        pe
    }

    fn stocks_total(&self) -> ElementVec {
        self.stock[0]
            + self.stock[1]
            + self.stockpile[0]
            + self.stockpile[1]
            + self.concentrate[0]
            + self.concentrate[1]
            + self.scrap[0]
            + self.scrap[1]
    }

    #[allow(clippy::too_many_lines)]
    fn step(&mut self, month: Month, row: &mut [f64]) -> Result<(), SimError> {
        if month.month() == 1 && month != self.start {
            // The planner sets this year's quotas from the NdPr and Dy prices it has seen.
            let ndpr = |p: &ElementVec| p[Element::Nd] + p[Element::Pr];
            self.china.advance_year(
                month.year(),
                ratio(ndpr(&self.smoothed[0]), ndpr(&self.initial_price[0])),
                ratio(
                    self.smoothed[0][Element::Dy],
                    self.initial_price[0][Element::Dy],
                ),
            );
        }
        let expected = [self.expected(0), self.expected(1)];
        let mut overlay = std::mem::take(&mut self.overlay);
        self.shock_overlay(month, &mut overlay)?;
        let heap_pond_banned = self.china.heap_pond_banned(month) || overlay.heap_pond_ban;
        let mut ledger = Ledger::default();

        // --- Demand -------------------------------------------------------------------
        let mut oxide_demand = [ElementVec::ZERO; 2];
        // Each oxide sector's demand at expected prices, by region, for its bid curve.
        let mut sector_oxide = std::mem::take(&mut self.sector_oxide);
        sector_oxide.clear();
        // China's oxide demand in sectors that count as deep processing.
        let mut cn_deep_demand = ElementVec::ZERO;
        let mut magnet_orders = [0.0f64; 2];
        let mut scratch = std::mem::take(&mut self.scratch);
        let Scratch {
            sector_orders,
            maker_plan,
            maker_orders_from,
            maker_need,
            maker_input,
            planned,
            miner_output,
            separator_feed,
            separator_wanted: wanted,
        } = &mut scratch;
        reset(sector_orders, self.sectors.len(), [0.0; 2]);
        let magnet_index = |p: &ElementVec| (p[Element::Nd] + p[Element::Pr]) / 2.0;
        let magnet_ratio =
            magnet_index(&expected[1]) / magnet_index(&self.initial_price[1]).max(1e-9);
        for (s, sector) in self.sectors.iter_mut().enumerate() {
            let rng = &mut self.sector_rngs[s];
            match sector.kind {
                DemandKind::Magnet => {
                    let base =
                        sector.base_demand(month, magnet_ratio, rng) * overlay.demand_factor[s];
                    for r in 0..2 {
                        let share = if r == 0 {
                            sector.cn_share
                        } else {
                            1.0 - sector.cn_share
                        };
                        let reference = magnet_index(&self.initial_price[r]);
                        let q =
                            sector.at_price(base * share, magnet_index(&expected[r]), reference);
                        sector_orders[s][r] = q;
                        magnet_orders[r] += q;
                    }
                }
                DemandKind::Oxide => {
                    let basket = sector.mix.dot(&expected[1])
                        / sector.mix.dot(&self.initial_price[1]).max(1e-9);
                    let base = sector.base_demand(month, basket, rng) * overlay.demand_factor[s];
                    for r in 0..2 {
                        let share = if r == 0 {
                            sector.cn_share
                        } else {
                            1.0 - sector.cn_share
                        };
                        let reference = sector.mix.dot(&self.initial_price[r]);
                        let q =
                            sector.at_price(base * share, sector.mix.dot(&expected[r]), reference);
                        oxide_demand[r] += sector.mix * q;
                        sector_oxide.push((r, sector.mix * q, s));
                        if r == 0 && sector.deep_processing {
                            cn_deep_demand += sector.mix * q;
                        }
                    }
                }
            }
        }

        // Rival life cycles and active shocks scale the operating units (miners: in the
        // mining pass below, so that a fragmented world streams its many miners once).
        for (i, sep) in self.separators.iter_mut().enumerate() {
            sep.available_share = self.separator_rival[i]
                .map_or(1.0, |k| self.rivals[k].capacity_share(month, self.start));
            sep.cost_factor = 1.0 - overlay.separation_cost_cut;
            let (floor, share) = self.separator_base_floor[i];
            match overlay.price_floor {
                Some((usd, cover)) if sep.region() == Region::RestOfWorld && usd > floor => {
                    sep.price_floor_usd_per_kg = usd;
                    sep.floor_share = cover;
                }
                _ => {
                    sep.price_floor_usd_per_kg = floor;
                    sep.floor_share = share;
                }
            }
        }
        for (i, mk) in self.makers.iter_mut().enumerate() {
            let life = self.maker_rival[i]
                .map_or(1.0, |k| self.rivals[k].capacity_share(month, self.start));
            let r = mk.region().index();
            let push = if r == 0 {
                overlay.cn_magnet_capacity
            } else {
                1.0
            };
            mk.available_share = life * push;
            mk.apply_shock_substitution(overlay.ce_substitution[r], overlay.heavy_reduction[r]);
        }

        // Magnet orders: the rest of the world's makers serve its orders first, pro rata to
        // capacity; what they cannot make goes to China's makers (magnet exports), which
        // serve China's orders too. What nobody can make is unmet.
        reset(maker_plan, self.makers.len(), 0.0);
        reset(maker_orders_from, self.makers.len(), [0.0; 2]);
        let capacity_in = |r: usize| -> f64 {
            self.makers
                .iter()
                .filter(|mk| mk.region().index() == r)
                .map(MagnetMaker::dependable_capacity_reo_per_month)
                .sum()
        };
        let row_capacity = capacity_in(1);
        let row_placed = magnet_orders[1].min(row_capacity);
        let overflow = magnet_orders[1] - row_placed;
        let cn_capacity = capacity_in(0);
        let cn_orders = magnet_orders[0] + overflow;
        let cn_placed = cn_orders.min(cn_capacity);
        for (i, mk) in self.makers.iter().enumerate() {
            let cap = mk.dependable_capacity_reo_per_month();
            if mk.region() == Region::RestOfWorld && row_capacity > 0.0 {
                let q = row_placed * cap / row_capacity;
                maker_plan[i] = q;
                maker_orders_from[i][1] = q;
            } else if mk.region() == Region::China && cn_capacity > 0.0 && cn_orders > 0.0 {
                let q = cn_placed * cap / cn_capacity;
                maker_plan[i] = q;
                maker_orders_from[i][0] = q * magnet_orders[0] / cn_orders;
                maker_orders_from[i][1] = q * overflow / cn_orders;
            }
        }
        let unmade_magnets = (cn_orders - cn_placed).max(0.0);
        for (i, mk) in self.makers.iter_mut().enumerate() {
            mk.record_orders(month, maker_orders_from[i][0] + maker_orders_from[i][1]);
        }
        // Every maker of a region buys at the same prices: the pairs' tilts once per region.
        let tilts = [0, 1]
            .map(|r| remsim_magnets::substitution_tilts(&expected[r], &self.initial_price[r]));
        for mk in &mut self.makers {
            mk.choose_substitutes_tilted(&tilts[mk.region().index()]);
        }
        reset(maker_need, self.makers.len(), ElementVec::ZERO);
        let mut regional_need = [ElementVec::ZERO; 2];
        for (i, mk) in self.makers.iter().enumerate() {
            maker_need[i] = mk.oxide_need(maker_plan[i]);
            regional_need[mk.region().index()] += maker_need[i];
        }
        let demand_by_region = [
            oxide_demand[0] + regional_need[0],
            oxide_demand[1] + regional_need[1],
        ];

        // Opening stocks, once, from the first month's demand.
        if !self.stocks_initialised {
            for r in 0..2 {
                self.stock[r] = demand_by_region[r] * self.initial_stock_months;
                self.stockpile[r] = ElementVec::ZERO;
            }
            self.stocks_initialised = true;
        }
        let stocks_before = self.stocks_total();

        // --- Mining -------------------------------------------------------------------
        let miner_market = MinerMarket {
            month,
            expected_prices: &expected,
            payable_share: self.payable,
            heap_pond_banned,
            ban_on_illegal: overlay.ban_on_illegal,
            environment: &self.environment,
        };
        // The capacity that draws on each of China's quotas this month, over the (few)
        // miners with a quota group, in miner order.
        let mut group_capacity = [0.0f64; 2];
        for &i in &self.quota_miners {
            let mn = &self.miners[i];
            if let Some(g) = mn.quota_group
                && mn.is_active(month)
            {
                group_capacity[group_index(g)] += mn.capacity_t;
            }
        }
        // Before a miner plans: its rival life cycle and the active shocks.
        let prepare = |i: usize, mn: &mut Miner| {
            let life = self.miner_rival[i]
                .map_or(1.0, |k| self.rivals[k].capacity_share(month, self.start));
            let consolidated = if mn.owner == Owner::SmallIllegal {
                1.0 - overlay.consolidated
            } else {
                1.0
            };
            mn.available_share = life * overlay.miner_capacity[i] * consolidated;
            mn.disrupted_share = overlay.disrupted[i];
            mn.cost_factor = overlay.miner_cost[i];
            mn.forced_in_situ = overlay.miner_in_situ[i];
        };
        // After a miner produced, its capacity, reserves and utilisation stay as they are
        // for the rest of the tick: they are checked here, in the same pass.
        let mut miner_bits = 0u64;
        let mut check = |mn: &Miner| {
            miner_bits = miner_bits
                .max(state_bits(mn.capacity_t))
                .max(state_bits(mn.reserves_t))
                .max(state_bits(mn.utilisation));
        };
        let quota_cap = |mn: &Miner| match mn.quota_group {
            Some(g) if mn.region() == Region::China => {
                let annual = self.china.annual_quota_t(g);
                let total = group_capacity[group_index(g)].max(1e-9);
                annual / 12.0 * mn.capacity_t / total
            }
            _ => f64::INFINITY,
        };
        // Element-level extraction caps, t this month (infinite where none).
        let element_cap = ElementVec::from_fn(|e| {
            (self.china.element_quota_t[e] / 12.0).min(overlay.element_quota_t[e])
        });
        let mut mined_by_region = [0.0f64; 2];
        let mut wastewater_cn = 0.0;
        reset(miner_output, self.miners.len(), 0.0);
        let mut book_output = |mn: &Miner, out: &remsim_miners::MinerOutput| -> f64 {
            let produced = out.concentrate.sum();
            ledger.mined += out.concentrate;
            self.concentrate[mn.sells_to.index()] += out.concentrate;
            self.residue_potential[mn.sells_to.index()] += out.residue_potential_t;
            mined_by_region[mn.region().index()] += produced;
            if mn.region() == Region::China {
                wastewater_cn += out.wastewater_t;
            }
            produced
        };
        if element_cap.0.iter().all(|cap| !cap.is_finite()) {
            // No element-level quota: every miner mines what it plans, planned and produced
            // in one pass.
            let mut memo = DotMemo::default();
            for (i, mn) in self.miners.iter_mut().enumerate() {
                prepare(i, mn);
                let dot = memo.dot(&mn.shares, mn.sells_to.index(), &expected);
                let basket = mn.basket_value_from_dot(dot, self.payable);
                let tonnes = mn.plan_output_valued(&miner_market, quota_cap(mn), basket);
                let out = mn.produce(tonnes, &miner_market);
                miner_output[i] = book_output(mn, &out);
                check(mn);
            }
        } else {
            reset(planned, self.miners.len(), 0.0);
            let mut cn_licensed_extraction = ElementVec::ZERO;
            let mut memo = DotMemo::default();
            for (i, mn) in self.miners.iter_mut().enumerate() {
                prepare(i, mn);
                let dot = memo.dot(&mn.shares, mn.sells_to.index(), &expected);
                let basket = mn.basket_value_from_dot(dot, self.payable);
                planned[i] = mn.plan_output_valued(&miner_market, quota_cap(mn), basket);
                if mn.region() == Region::China && mn.owner != Owner::SmallIllegal {
                    cn_licensed_extraction += *mn.shares * planned[i];
                }
            }
            // Element-level extraction quotas scale China's licensed mines together.
            let mut element_scale: f64 = 1.0;
            for e in Element::ALL {
                let cap = element_cap[e];
                if cap.is_finite() && cn_licensed_extraction[e] > cap {
                    element_scale = element_scale.min(cap / cn_licensed_extraction[e]);
                }
            }
            for (i, mn) in self.miners.iter_mut().enumerate() {
                let tonnes = if mn.region() == Region::China && mn.owner != Owner::SmallIllegal {
                    planned[i] * element_scale
                } else {
                    planned[i]
                };
                let out = mn.produce(tonnes, &miner_market);
                miner_output[i] = book_output(mn, &out);
                check(mn);
            }
        }
        self.miner_bits = (miner_bits, self.miners.len());

        // --- Separation ---------------------------------------------------------------
        let mut separated = [ElementVec::ZERO; 2];
        let mut residue = [0.0f64; 2];
        reset(separator_feed, self.separators.len(), ElementVec::ZERO);
        for r in 0..2 {
            let pool = self.concentrate[r];
            let pool_t = pool.sum();
            let feed_shares = pool.normalised().unwrap_or(ElementVec::ZERO);
            reset(wanted, self.separators.len(), 0.0);
            let mut total_wanted = 0.0;
            for (i, sep) in self.separators.iter_mut().enumerate() {
                if sep.region().index() == r {
                    wanted[i] =
                        sep.plan_throughput(month, &feed_shares, &expected[r], self.payable);
                    total_wanted += wanted[i];
                }
            }
            let capacity: f64 = self
                .separators
                .iter()
                .filter(|sep| sep.region().index() == r)
                .map(|sep| sep.capacity_t / 12.0 * sep.available_share)
                .sum();
            let load = ratio(pool_t, capacity);
            for (i, sep) in self.separators.iter_mut().enumerate() {
                if sep.region().index() == r && self.separator_rival[i].is_none() {
                    sep.record_load(month, load);
                }
            }
            if pool_t <= 0.0 || total_wanted <= 0.0 {
                continue;
            }
            let take = pool_t.min(total_wanted);
            let fraction = take / pool_t;
            for (i, sep) in self.separators.iter().enumerate() {
                if wanted[i] <= 0.0 {
                    continue;
                }
                let feed = pool * (fraction * wanted[i] / total_wanted);
                let processed = sep.process(&feed);
                separator_feed[i] = feed;
                separated[r] += processed.oxides;
                ledger.losses += processed.losses;
                self.concentrate[r] -= feed;
            }
            // Float dust must not turn into negative stock.
            self.concentrate[r] =
                self.concentrate[r].clamp_non_negative_tracked(&mut ledger.losses);
            // Magnetic pre-separation keeps part of the gangue (and its thorium) out of
            // the cracking plant.
            residue[r] +=
                self.residue_potential[r] * fraction * (1.0 - overlay.separation_waste_cut);
            self.residue_potential[r] *= 1.0 - fraction;
        }
        for r in 0..2 {
            self.stock[r] += separated[r];
        }

        // --- Recycling ----------------------------------------------------------------
        let mut recycled = [ElementVec::ZERO; 2];
        for r in 0..2 {
            let capacity: f64 = self
                .recyclers
                .iter()
                .filter(|rc| rc.region().index() == r)
                .map(Recycler::capacity_per_month)
                .sum::<f64>()
                * overlay.recycling_capacity[r];
            let available = self.scrap[r].sum();
            if capacity <= 0.0 || available <= 0.0 {
                continue;
            }
            let fraction = (capacity / available).min(1.0);
            for rc in self.recyclers.iter().filter(|rc| rc.region().index() == r) {
                let feed = self.scrap[r]
                    * (fraction * rc.capacity_per_month() * overlay.recycling_capacity[r]
                        / capacity);
                let out = rc.process(&feed);
                recycled[r] += out.oxides;
                ledger.losses += out.losses;
                self.scrap[r] -= feed;
            }
            self.scrap[r] = self.scrap[r].clamp_non_negative_tracked(&mut ledger.losses);
            self.stock[r] += recycled[r];
        }

        // --- Markets --------------------------------------------------------------------
        reset(maker_input, self.makers.len(), ElementVec::ZERO);
        let mut consumer_fill = [ElementVec::ZERO; 2];
        let mut shortage = ElementVec::ZERO;
        let mut demanded = ElementVec::ZERO;
        let mut new_price = self.price;
        let mut maker_need_total = [[0.0f64; 2]; 17];
        for e in crate::metrics::traded_elements() {
            let ei = e.index();
            let market = &mut self.markets[ei];
            for r in 0..2 {
                let pe = expected[r][e];
                let cap = self.cap[e];
                let d = demand_by_region[r][e];
                // Holder's schedule: desired stock S*(p) = T (p/pe)^(-1/k), T grown by
                // speculative hoarding while prices trend up; it sells what it holds above
                // S*(p) and buys up to it, and sells everything at the cap.
                let hoard = (1.0 + self.trend_following * 6.0 * self.trend[r][e]).clamp(0.5, 2.0);
                // Fundamentalists: more cover when prices are low against their three-year
                // average, less when high (chartists above, fundamentalists here: the two
                // kinds of traders of heterogeneous-agent market models, Brock & Hommes 1998).
                let anchor = if self.fundamental_weight > 0.0 && self.long_run[r][e] > 0.0 {
                    (pe / self.long_run[r][e])
                        .powf(-self.fundamental_weight)
                        .clamp(0.25, 4.0)
                } else {
                    1.0
                };
                let target = self.stock_target_months * d * hoard * anchor;
                let s = self.stock[r][e];
                // End users' demand at each level of the holders' price grid: each sector's
                // demand at the expected price scaled by (p / pe)^elasticity, summed over the
                // region's sectors in order; linear in price between levels. A sector that
                // does not use the element adds nothing (its terms are zeros added to a sum
                // that starts at +0, which leaves every bit as it is), so it is skipped.
                let mut consumers = [0.0f64; GRID_LEVELS];
                for (region, q, sector) in &sector_oxide {
                    let qe = q[e];
                    if *region != r || qe == 0.0 {
                        continue;
                    }
                    let curve = &self.sector_curve[*sector];
                    for (level, &m) in consumers.iter_mut().zip(curve) {
                        *level += qe * m;
                    }
                }
                // Magnet makers: half their need is contracted and paid at any price; the
                // other half they give up above three times the expected price, when a
                // magnet stops paying (assumed split).
                let need: f64 = self.makers_in[r].iter().map(|&i| maker_need[i][e]).sum();
                maker_need_total[ei][r] = need;
                let contracted = 0.5 * need;
                let discretionary = need - contracted;
                // Government stockpile releases above its trigger and builds toward its
                // target over a year while prices are low.
                let (months, buy_below, release_above) =
                    overlay.stockpile[r].unwrap_or(self.stockpile_rules[r]);
                let release = self.initial_price[r][e] * release_above;
                let release_t = if release > 0.0 {
                    self.stockpile[r][e] / 6.0
                } else {
                    0.0
                };
                let gap_t = if months[e] > 0.0 && buy_below > 0.0 {
                    (months[e] * d - self.stockpile[r][e]).max(0.0) / 12.0
                } else {
                    0.0
                };
                let schedule = &mut self.participants[ei][r];
                schedule.clear();
                // Multipliers are tabulated once per trial: the tick loop does no powf.
                let mut top = 0.0;
                for k in 0..GRID_LEVELS {
                    let held = s - target * self.holder_curve[k];
                    let mut row = [Values::flat(0.0); PARTICIPANTS];
                    // Nobody sells below the lowest level.
                    row[HOLDER] = Values::jump(if k == 0 { held.min(0.0) } else { held }, held);
                    row[CONSUMERS] = Values::flat(-consumers[k]);
                    row[MAKERS_CONTRACTED] = Values::flat(-contracted);
                    row[MAKERS_DISCRETIONARY] = Values::flat(-discretionary);
                    row[STOCKPILE_RELEASE] = Values::flat(0.0);
                    row[STOCKPILE_BUY] = Values::flat(0.0);
                    schedule.push_row((pe * self.grid[k]).clamp(self.floor, cap), row);
                    top = held;
                }
                let top_demand = consumers[GRID_LEVELS - 1];
                let row = schedule.push_point((3.0 * pe).clamp(self.floor, cap));
                row[HOLDER] = Values::flat(top);
                row[CONSUMERS] = Values::flat(-top_demand);
                row[MAKERS_CONTRACTED] = Values::flat(-contracted);
                row[MAKERS_DISCRETIONARY] = Values::jump(-discretionary, 0.0);
                // What end users still want at the top level they pay up to the cap for.
                let row = schedule.push_point(cap);
                row[HOLDER] = Values::jump(top, s.max(top));
                row[CONSUMERS] = Values::jump(-top_demand, 0.0);
                row[MAKERS_CONTRACTED] = Values::jump(-contracted, 0.0);
                if release_t > 0.0 {
                    let price = release.clamp(self.floor, cap);
                    schedule.add_order(STOCKPILE_RELEASE, price, release_t, true);
                }
                if gap_t > 0.0 {
                    let limit = (buy_below * self.initial_price[r][e]).clamp(self.floor, cap);
                    schedule.add_order(STOCKPILE_BUY, limit, gap_t, false);
                }
                debug_assert_eq!(schedule.invalid(), None, "{month} {e} region {r}");
                schedule.total_into(&mut market.schedules[r]);
                demanded[e] += oxide_demand[r][e] + regional_need[r][e];
            }
            let tariff = self.china.export_tariff[e] + overlay.tariff[e];
            let normal_export = demand_by_region[1][e];
            let mut capacity = self.china.export_capacity_t(e, month, normal_export);
            capacity = capacity.min(overlay.export_quota_t[e]);
            if overlay.licence_approval[e] < 1.0 {
                capacity = capacity.min(overlay.licence_approval[e] * normal_export);
            }
            self.links[ei] = Link {
                capacity_t: (capacity * overlay.link_capacity).max(0.0),
                wedge_usd_per_kg: (tariff * expected[0][e] + self.freight + overlay.freight_add)
                    .max(0.0),
            };
        }
        // A quota on all rare earths together (China, 2009-14): licence holders export
        // whatever earns most per tonne, so a licence earns the same rent on every element
        // it is used for, and that rent rises until the elements' exports fit the quota.
        self.licence_rent_usd_per_kg = match self.china.export_quota_total_t(month.year()) {
            Some(total) => {
                self.licence_rent(month, total / 12.0 * overlay.link_capacity, &expected)?
            }
            None => 0.0,
        };
        for e in crate::metrics::traded_elements() {
            let ei = e.index();
            let market = &mut self.markets[ei];
            let mut link = self.links[ei];
            link.wedge_usd_per_kg += self.licence_rent_usd_per_kg;
            let bounds = PriceBounds {
                floor_usd_per_kg: self.floor,
                cap_usd_per_kg: self.cap[e],
            };
            let clearing = &mut self.clearing;
            market
                .clear(link, bounds, [expected[0][e], expected[1][e]], clearing)
                .map_err(|err| SimError::Market(format!("{month} {e}: {err}")))?;
            let exports = [clearing.flow_t, -clearing.flow_t];
            self.exports_t[e] = clearing.flow_t;
            for r in 0..2 {
                new_price[r][e] = clearing.price_usd_per_kg[r];
                let fills = self.participants[ei][r].fills(clearing.position[r]);
                let fill = fills.net_supply_t;
                // The holder takes the rounding residual, so the region's parts add up to
                // its export exactly (up to one rounding).
                let others: f64 = fill[CONSUMERS..].iter().sum();
                let holder = exports[r] - others;
                self.stock[r][e] = (self.stock[r][e] - holder).max(0.0);
                self.stockpile[r][e] =
                    (self.stockpile[r][e] - fill[STOCKPILE_RELEASE] - fill[STOCKPILE_BUY]).max(0.0);
                consumer_fill[r][e] += -fill[CONSUMERS];
                // Buyers rationed at the price (or the cap) are short; buyers priced out
                // below it chose not to buy.
                shortage[e] += [CONSUMERS, MAKERS_CONTRACTED, MAKERS_DISCRETIONARY]
                    .iter()
                    .map(|&j| fills.unserved_t[j])
                    .sum::<f64>();
                let bought = -(fill[MAKERS_CONTRACTED] + fill[MAKERS_DISCRETIONARY]);
                if maker_need_total[ei][r] > 0.0 && bought > 0.0 {
                    // Both halves of every maker's need are the same fraction of it, so the
                    // makers share what they bought pro rata by need.
                    let share = bought / maker_need_total[ei][r];
                    for &i in &self.makers_in[r] {
                        maker_input[i][e] += maker_need[i][e] * share;
                    }
                }
            }
        }
        ledger.consumed += consumer_fill[0] + consumer_fill[1];
        self.sector_oxide = sector_oxide;
        // Magnets nobody had the capacity to make are a shortage of their rare earths.
        shortage += self.average_magnet * unmade_magnets;

        // --- Magnets, deliveries, end of life ---------------------------------------------
        let mut magnets_made = [0.0f64; 2];
        let mut delivered = [ElementVec::ZERO; 2];
        let mut cn_maker_input = 0.0;
        let mut maker_profit = [0.0f64; 2];
        for (i, mk) in self.makers.iter_mut().enumerate() {
            let r = mk.region().index();
            let (made, unused) = mk.make(maker_plan[i], &maker_input[i]);
            self.stock[r] += unused;
            self.scrap[r] += made.swarf;
            ledger.consumed += made.in_magnets;
            magnets_made[r] += made.in_magnets.sum();
            if r == 0 {
                cn_maker_input += (maker_input[i] - unused).sum();
            }
            let orders = maker_orders_from[i][0] + maker_orders_from[i][1];
            if orders > 0.0 {
                delivered[0] += made.in_magnets * (maker_orders_from[i][0] / orders);
                delivered[1] += made.in_magnets * (maker_orders_from[i][1] / orders);
            }
            // Conversion margin and subsidy, million USD (t × USD/kg / 1000).
            maker_profit[r] += made.magnets_t
                * (mk.cost_usd_per_kg * self.markup + mk.subsidy_usd_per_kg)
                / 1000.0;
        }
        let mut eol_collected = [ElementVec::ZERO; 2];
        let collection = self.collection_rates(&overlay);
        for (s, stocks) in &mut self.in_use {
            for r in 0..2 {
                let share = ratio(sector_orders[*s][r], magnet_orders[r]);
                let returns = stocks[r].step(delivered[r] * share);
                eol_collected[r] += returns * collection[r];
            }
        }
        for r in 0..2 {
            self.scrap[r] += eol_collected[r];
            ledger.eol_collected += eol_collected[r];
        }

        // --- Prices and expectations --------------------------------------------------------
        for r in 0..2 {
            for e in Element::ALL {
                let old = self.price[r][e].max(1e-9);
                let new = new_price[r][e].max(1e-9);
                self.trend[r][e] += 0.25 * ((new / old).ln() - self.trend[r][e]);
                self.smoothed[r][e] += self.smoothing * (new - self.smoothed[r][e]);
                self.long_run[r][e] += (new - self.long_run[r][e]) / 36.0;
            }
        }
        self.price = new_price;

        // --- Settlement: profit, margins ------------------------------------------------------
        let mut profit = maker_profit;
        let mut memo = DotMemo::default();
        for (i, mn) in self.miners.iter_mut().enumerate() {
            let r = mn.sells_to.index();
            let value =
                mn.basket_value_from_dot(memo.dot(&mn.shares, r, &self.price), self.payable);
            let cost = mn.cash_cost_usd_per_kg(&miner_market_for(
                month,
                &self.price,
                self.payable,
                heap_pond_banned,
                &self.environment,
            ));
            if miner_output[i] > 0.0 {
                mn.record_margin(value - cost);
            }
            profit[self.miner_cost_owner_region[i].index()] +=
                miner_output[i] * (value - cost) / 1000.0;
        }
        for (i, sep) in self.separators.iter().enumerate() {
            let feed = separator_feed[i];
            let t = feed.sum();
            if t <= 0.0 {
                continue;
            }
            let r = sep.region().index();
            let shares = feed * (1.0 / t);
            let margin = sep.margin_usd_per_kg(&shares, &self.price[r], self.payable);
            profit[r] += t * margin / 1000.0;
        }
        for r in 0..2 {
            let cost: f64 = self
                .recyclers
                .iter()
                .filter(|rc| rc.region().index() == r)
                .map(|rc| rc.cost_usd_per_kg)
                .fold(0.0, f64::max);
            profit[r] += (recycled[r].dot(&self.price[r]) - recycled[r].sum() * cost) / 1000.0;
        }

        // --- Investment, each January ---------------------------------------------------------
        if month.month() == 1 && month != self.start {
            let mut room = [f64::INFINITY; 2];
            for g in [QuotaGroup::HardRock, QuotaGroup::IonClay] {
                room[group_index(g)] =
                    self.china.scheduled_next_quota_t(g) - group_capacity[group_index(g)];
            }
            for mn in &mut self.miners {
                let quota_room = match mn.quota_group {
                    Some(g) if mn.region() == Region::China => room[group_index(g)],
                    _ => f64::INFINITY,
                };
                mn.decide_investment(month, quota_room);
            }
            for (i, sep) in self.separators.iter_mut().enumerate() {
                if self.separator_rival[i].is_none() {
                    let r = sep.region().index();
                    let feed = self.concentrate[r].normalised().unwrap_or(ElementVec::ZERO);
                    let margin = sep.margin_usd_per_kg(&feed, &expected[r], self.payable);
                    sep.decide_investment(month, margin);
                }
            }
            let long_run = self.long_run[1];
            self.launch_entry(month, &long_run)?;
            for (i, mk) in self.makers.iter_mut().enumerate() {
                let r = mk.region().index();
                mk.adapt_to_heavy_prices(ratio(
                    self.smoothed[r][Element::Dy],
                    self.initial_price[r][Element::Dy],
                ));
                if self.maker_rival[i].is_none() {
                    mk.decide_investment(month);
                }
            }
        }

        // --- Observation -----------------------------------------------------------------------
        let stocks_after = self.stocks_total();
        let sources = ledger.mined + ledger.eol_collected;
        let sinks = ledger.consumed + ledger.losses;
        let mut worst: f64 = 0.0;
        for e in Element::ALL {
            let residual = (stocks_after[e] - stocks_before[e]) - (sources[e] - sinks[e]);
            let scale =
                stocks_before[e].abs() + stocks_after[e].abs() + sources[e].abs() + sinks[e].abs();
            if scale > 0.0 {
                worst = worst.max(residual.abs() / scale);
            }
        }
        let mi = &self.metrics;
        for (r, &column) in mi.price_ndpr.iter().enumerate() {
            row[column] = crate::metrics::NDPR_COMPOSITION
                .iter()
                .map(|&(e, share)| share * self.price[r][e])
                .sum();
        }
        for e in crate::metrics::traded_elements() {
            let ei = e.index();
            row[mi.price[ei][0]] = self.price[0][e];
            row[mi.price[ei][1]] = self.price[1][e];
            row[mi.demand[ei]] = demanded[e];
            // Float dust from pro-rata fills is not a shortage: below a gram, it is zero.
            row[mi.shortage[ei]] = if shortage[e] > MIN_SHORTAGE_T {
                shortage[e]
            } else {
                0.0
            };
            row[mi.stock[ei]] =
                self.stock[0][e] + self.stock[1][e] + self.stockpile[0][e] + self.stockpile[1][e];
        }
        let mined_world = mined_by_region[0] + mined_by_region[1];
        let separated_world = separated[0].sum() + separated[1].sum();
        let magnet_world = magnets_made[0] + magnets_made[1];
        row[mi.mine_world] = mined_world;
        row[mi.separation_world] = separated_world;
        row[mi.magnet_world] = magnet_world;
        row[mi.mine_cn_share] = ratio(mined_by_region[0], mined_world);
        row[mi.separation_cn_share] = ratio(separated[0].sum(), separated_world);
        row[mi.magnet_cn_share] = ratio(magnets_made[0], magnet_world);
        row[mi.row_supply_share] = ratio(mined_by_region[1], demanded.sum());
        // Consumers in a region are served pro rata, so the deep-processing sectors' part of
        // China's oxide purchases is their part of China's oxide demand.
        let cn_deep_fill = consumer_fill[0].hadamard(&cn_deep_demand.safe_div(&oxide_demand[0]));
        row[mi.deep_processing_cn_share] =
            ratio(cn_deep_fill.sum() + cn_maker_input, separated[0].sum());
        for (i, e) in RECYCLED_ELEMENTS.iter().enumerate() {
            let secondary = recycled[0][*e] + recycled[1][*e];
            let primary = separated[0][*e] + separated[1][*e];
            row[mi.recycled_share[i]] = ratio(secondary, primary + secondary);
        }
        row[mi.ev_ree_free_share] = self
            .ev_sector
            .map_or(0.0, |s| self.sectors[s].ree_free_share());
        row[mi.wastewater_cn] = wastewater_cn;
        row[mi.residue[0]] = residue[0];
        row[mi.residue[1]] = residue[1];
        row[mi.profit[0]] = profit[0];
        row[mi.profit[1]] = profit[1];
        row[mi.exports_cn] = self.exports_t.sum();
        row[mi.licence_rent] = self.licence_rent_usd_per_kg;
        row[mi.balance] = worst;
        self.scratch = scratch;
        self.overlay = overlay;
        Ok(())
    }

    /// The licence rent, USD/kg, at which all elements' exports together fit `quota_t` this
    /// month: zero if they fit without one. Each element's export falls as the rent widens
    /// its wedge, so the rent is found by bisection; the upper end is returned, whose
    /// exports fit the quota.
    fn licence_rent(
        &mut self,
        month: Month,
        quota_t: f64,
        expected: &[ElementVec; 2],
    ) -> Result<f64, SimError> {
        let quota_t = quota_t.max(0.0);
        let mut exports_at = |rent: f64| -> Result<f64, SimError> {
            let mut total = 0.0;
            for e in crate::metrics::traded_elements() {
                let ei = e.index();
                let mut link = self.links[ei];
                link.wedge_usd_per_kg += rent;
                let bounds = PriceBounds {
                    floor_usd_per_kg: self.floor,
                    cap_usd_per_kg: self.cap[e],
                };
                self.markets[ei]
                    .clear(
                        link,
                        bounds,
                        [expected[0][e], expected[1][e]],
                        &mut self.clearing,
                    )
                    .map_err(|err| SimError::Market(format!("{month} {e}: {err}")))?;
                total += self.clearing.flow_t.max(0.0);
            }
            Ok(total)
        };
        if exports_at(0.0)? <= quota_t {
            return Ok(0.0);
        }
        // No export pays a rent above the dearest price cap, where every flow stops.
        let mut low = 0.0;
        let mut high = crate::metrics::traded_elements()
            .map(|e| self.cap[e])
            .fold(0.0, f64::max);
        // 30 halvings of a cap of at most a few 10,000 USD/kg: well under a cent.
        for _ in 0..30 {
            let mid = 0.5 * (low + high);
            if exports_at(mid)? <= quota_t {
                high = mid;
            } else {
                low = mid;
            }
        }
        Ok(high)
    }

    /// Greenfield entry, each January: when expected rest-of-world prices give a generic
    /// integrated mine-and-separation project a margin above the hurdle, up to
    /// `max_per_year` projects are decided; each draws its lead time and fate from its own
    /// stream and comes online through the rival life cycle.
    fn launch_entry(&mut self, month: Month, prices: &ElementVec) -> Result<(), SimError> {
        let Some((entry, shares)) = &self.entry else {
            return Ok(());
        };
        let value = shares.dot(prices) * remsim_miners::VALUATION_RECOVERY
            - entry.separation_cost_usd_per_kg;
        if value - entry.cash_cost_usd_per_kg <= entry.hurdle * entry.cash_cost_usd_per_kg {
            return Ok(());
        }
        // Only a decided project needs its own copy (most Januaries decide none).
        let entry = entry.clone();
        for _ in 0..entry.max_per_year {
            let id = format!("entry-{}", self.entries_launched + 1);
            let mut rng = stream_rng(
                self.master_seed,
                self.trial,
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
                sells_to: Region::RestOfWorld,
                chinese_owned: false,
                separation_cost_usd_per_kg: Some(entry.separation_cost_usd_per_kg),
            };
            self.add_mine_project(month, &project, &mut rng)?;
            self.entries_launched += 1;
        }
        Ok(())
    }

    /// Adds a new mine (and, if asked, its own separation plant) that comes online through
    /// the rival life cycle: greenfield entry and Chinese outbound investment.
    fn add_mine_project(
        &mut self,
        month: Month,
        p: &MineProject,
        rng: &mut ChaCha8Rng,
    ) -> Result<(), SimError> {
        let rival = RivalConfig {
            id: p.id.clone(),
            name: format!("new project {}", p.id),
            country: p.country.clone(),
            stage: Stage::Mine,
            deposit: Some(p.deposit.clone()),
            capacity_t: p.capacity_t,
            initial_utilisation: 0.0,
            cash_cost_usd_per_kg: p.cash_cost_usd_per_kg,
            recovery: 0.92,
            decision: Some(month),
            permitting_delay_years: 0.0,
            construction_years: p.lead_time_years,
            ramp_years: p.ramp_years,
            opposition_probability: 0.0,
            opposition_delay_years: 0.0,
            failure_probability: p.failure_probability,
            subsidy_usd_per_kg: 0.0,
            offtake_share: 0.0,
            price_floor_usd_per_kg: 0.0,
            chinese_owned_share: if p.chinese_owned { 1.0 } else { 0.0 },
            sells_to: Some(p.sells_to.key().to_string()),
        };
        let project = RivalProject::from_config(&rival, self.start, rng)
            .map_err(|e| SimError::Build(e.to_string()))?;
        let index = self.rivals.len();
        let no_recipe = remsim_scenario::ElementMap::new();
        if let RivalUnit::Mine(miner) = rival_unit(&rival, &project, &no_recipe)? {
            if miner.quota_group.is_some() {
                self.quota_miners.push(self.miners.len());
            }
            self.miner_cost_owner_region.push(miner.region());
            self.miners.push(miner);
            self.miner_rival.push(Some(index));
        }
        if let Some(cost) = p.separation_cost_usd_per_kg {
            let plant = RivalConfig {
                stage: Stage::Separation,
                cash_cost_usd_per_kg: cost,
                ..rival
            };
            if let RivalUnit::Separation(separator) = rival_unit(&plant, &project, &no_recipe)? {
                self.separator_base_floor
                    .push((separator.price_floor_usd_per_kg, separator.floor_share));
                self.separators.push(separator);
                self.separator_rival.push(Some(index));
            }
        }
        self.rivals.push(project);
        Ok(())
    }

    /// Advances every shock to `month` and gathers what the active ones change. One-off
    /// effects (a new adoption curve, an outbound investment) happen the first month a
    /// shock acts.
    fn shock_overlay(&mut self, month: Month, o: &mut Overlay) -> Result<(), SimError> {
        let mut shocks = std::mem::take(&mut self.shocks);
        let result = self.gather_overlay(month, &mut shocks, o);
        self.shocks = shocks;
        result
    }

    fn gather_overlay(
        &mut self,
        month: Month,
        shocks: &mut [ShockRuntime],
        o: &mut Overlay,
    ) -> Result<(), SimError> {
        o.reset(self.miners.len(), self.sectors.len());
        for (k, runtime) in shocks.iter_mut().enumerate() {
            let x = runtime.advance(month, (self.start, self.end));
            if x <= 0.0 {
                continue;
            }
            let first = !self.shock_applied[k];
            self.shock_applied[k] = true;
            let c = &runtime.config;
            if let Some(f) = &c.ree_free
                && first
            {
                for sector in self
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
                        price_pull_years: pull,
                        pulled_years: 0.0,
                        share,
                    });
                }
            }
            if let Some(f) = &c.ce_substitution {
                let mask = region_mask(&f.regions);
                for r in 0..2 {
                    if mask[r] {
                        o.ce_substitution[r] = o.ce_substitution[r].max(f.share * x);
                    }
                }
            }
            if let Some(f) = &c.heavy_reduction {
                let mask = region_mask(&f.regions);
                for r in 0..2 {
                    if mask[r] {
                        o.heavy_reduction[r] = o.heavy_reduction[r].max(f.share * x);
                    }
                }
            }
            for (quota, target) in [
                (&c.export_quota, &mut o.export_quota_t),
                (&c.element_quota, &mut o.element_quota_t),
            ] {
                if let Some(f) = quota {
                    for (key, t) in &f.t_per_year {
                        if let Ok(e) = Element::parse(key) {
                            target[e] = target[e].min(t.max(0.0) / 12.0);
                        }
                    }
                }
            }
            if let Some(f) = &c.export_licence {
                let waiting = c
                    .when
                    .start
                    .is_some_and(|s| (month.months_since(s) as f64) < f.delay_months);
                let approval = if waiting { 0.0 } else { f.approval };
                for e in Element::ALL {
                    if element_mask(&f.elements)[e.index()] {
                        o.licence_approval[e] = o.licence_approval[e].min(approval);
                    }
                }
            }
            if let Some(f) = &c.tariff {
                let mask = element_mask(&f.elements);
                for e in Element::ALL {
                    if mask[e.index()] {
                        o.tariff[e] += f.rate * x;
                    }
                }
            }
            if let Some(f) = &c.shipping {
                o.link_capacity *= 1.0 - f.capacity_cut * x;
                o.freight_add += f.freight_add_usd_per_kg * x;
            }
            if let Some(f) = &c.supply_disruption {
                for (i, mn) in self.miners.iter().enumerate() {
                    if f.miners.contains(&mn.id)
                        || f.countries
                            .iter()
                            .any(|code| code.eq_ignore_ascii_case(mn.country.code()))
                    {
                        o.disrupted[i] = o.disrupted[i].max(f.fraction * x);
                    }
                }
            }
            if let Some(f) = &c.green_mining {
                o.heap_pond_ban = true;
                o.ban_on_illegal |= f.enforce_on_illegal;
                if x < 1.0 {
                    // Workings still converting to in-situ leaching lose output.
                    for (i, mn) in self.miners.iter().enumerate() {
                        let bound = mn.country == remsim_core::Country::CN
                            && (mn.owner != Owner::SmallIllegal || f.enforce_on_illegal);
                        if mn.leaching == Some(remsim_scenario::Leaching::HeapPond) && bound {
                            o.disrupted[i] = o.disrupted[i].max(f.conversion_outage);
                        }
                    }
                }
            }
            if let Some(f) = &c.magnetic_separation {
                o.separation_waste_cut = o.separation_waste_cut.max(f.adoption * f.waste_cut * x);
                o.separation_cost_cut = o.separation_cost_cut.max(f.adoption * f.cost_cut * x);
            }
            if let Some(f) = &c.consolidation {
                o.consolidated = o.consolidated.max(f.share * x);
            }
            if let Some(f) = &c.epr_recycling {
                let mask = region_mask(&f.regions);
                for r in 0..2 {
                    if mask[r] {
                        o.collection_rate[r] = o.collection_rate[r].max(f.collection_rate * x);
                        o.recycling_capacity[r] *= 1.0 + f.capacity_growth * x;
                    }
                }
            }
            if let Some(f) = &c.deep_processing {
                o.cn_magnet_capacity *= 1.0 + f.magnet_capacity_growth * x;
            }
            if let Some(f) = &c.technology_export {
                for (i, mn) in self.miners.iter().enumerate() {
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
            if let Some(f) = &c.stockpile
                && let Some(region) = Region::parse(&f.region)
            {
                let mut months = ElementVec::ZERO;
                for (key, m) in &f.target_months {
                    if let Ok(e) = Element::parse(key) {
                        months[e] = m.max(0.0);
                    }
                }
                o.stockpile[region.index()] = Some((months, f.buy_below, f.release_above));
            }
            if let Some(f) = &c.price_floor {
                o.price_floor = Some((f.usd_per_kg, f.share * x));
            }
            if let Some(f) = &c.demand {
                for (s, sector) in self.sectors.iter().enumerate() {
                    if f.sectors.contains(&sector.id) {
                        o.demand_factor[s] *= 1.0 + (f.factor - 1.0) * x;
                    }
                }
            }
            if let Some(f) = &c.outbound_investment
                && first
            {
                let id = format!("{}-project", c.id);
                let mut rng = stream_rng(
                    self.master_seed,
                    self.trial,
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
                self.add_mine_project(month, &project, &mut rng)?;
            }
        }
        // A project added this month has no entries yet: size the vectors to the agents.
        o.disrupted.resize(self.miners.len(), 0.0);
        o.miner_cost.resize(self.miners.len(), 1.0);
        o.miner_capacity.resize(self.miners.len(), 1.0);
        o.miner_in_situ.resize(self.miners.len(), false);
        Ok(())
    }

    /// The first broken invariant after a tick, if any: the mass balance within
    /// [`crate::MAX_BALANCE_ERROR`], and no negative or non-finite stock, price, capacity,
    /// utilisation or reserve.
    pub fn invariant_violation(&self, balance_error: f64) -> Option<String> {
        // NaN fails this check too.
        if balance_error.is_nan() || balance_error > crate::MAX_BALANCE_ERROR {
            return Some(format!("mass balance residual {balance_error:e}"));
        }
        if self.all_states_valid() {
            return None;
        }
        let bad = |x: f64| !(x >= 0.0 && x.is_finite());
        for r in 0..2 {
            let region = Region::ALL[r];
            for e in Element::ALL {
                for (what, value) in [
                    ("price", self.price[r][e]),
                    ("oxide stock", self.stock[r][e]),
                    ("stockpile", self.stockpile[r][e]),
                    ("concentrate", self.concentrate[r][e]),
                    ("scrap", self.scrap[r][e]),
                ] {
                    if bad(value) {
                        return Some(format!("{what} of {e} in {region} is {value}"));
                    }
                }
            }
        }
        for m in &self.miners {
            for (what, value) in [
                ("capacity", m.capacity_t),
                ("reserves", m.reserves_t),
                ("utilisation", m.utilisation),
            ] {
                if bad(value) {
                    return Some(format!("{what} of miner {} is {value}", m.id));
                }
            }
        }
        for s in &self.separators {
            if bad(s.capacity_t) || bad(s.utilisation) {
                return Some(format!(
                    "capacity or utilisation of separator {} is negative",
                    s.id
                ));
            }
        }
        for m in &self.makers {
            if bad(m.capacity_t) {
                return Some(format!(
                    "capacity of magnet maker {} is {}",
                    m.id, m.capacity_t
                ));
            }
        }
        None
    }

    /// Whether every stock, price, capacity, utilisation and reserve is finite and
    /// non-negative, in one branch-free pass (the every-tick case; the caller looks for the
    /// culprit only when this fails). `x + 0.0` turns `-0.0` into `+0.0`; then `x` is finite
    /// and non-negative exactly when its bit pattern is below that of `+inf`.
    fn all_states_valid(&self) -> bool {
        let bits = state_bits;
        let mut worst = 0u64;
        for r in 0..2 {
            for v in [
                &self.price[r],
                &self.stock[r],
                &self.stockpile[r],
                &self.concentrate[r],
                &self.scrap[r],
            ] {
                worst = v.0.iter().fold(worst, |w, &x| w.max(bits(x)));
            }
        }
        // Miners were checked in the tick's mining pass; any added since are checked here.
        let (miner_bits, checked) = self.miner_bits;
        worst = worst.max(miner_bits);
        for m in self.miners.get(checked..).unwrap_or_default() {
            worst = worst
                .max(bits(m.capacity_t))
                .max(bits(m.reserves_t))
                .max(bits(m.utilisation));
        }
        for s in &self.separators {
            worst = worst.max(bits(s.capacity_t)).max(bits(s.utilisation));
        }
        for m in &self.makers {
            worst = worst.max(bits(m.capacity_t));
        }
        worst < INF_BITS
    }

    /// Capacity-weighted collection rate of each region's recyclers, raised by any
    /// producer-responsibility mandate in force.
    fn collection_rates(&self, overlay: &Overlay) -> [f64; 2] {
        let mut weighted = [0.0f64; 2];
        let mut capacity = [0.0f64; 2];
        for rc in &self.recyclers {
            let r = rc.region().index();
            weighted[r] += rc.collection_rate.max(overlay.collection_rate[r]) * rc.capacity_t;
            capacity[r] += rc.capacity_t;
        }
        [
            ratio(weighted[0], capacity[0]),
            ratio(weighted[1], capacity[1]),
        ]
    }
}

/// A new mine decided during a run.
struct MineProject {
    id: String,
    country: String,
    deposit: String,
    capacity_t: f64,
    cash_cost_usd_per_kg: f64,
    lead_time_years: f64,
    ramp_years: f64,
    failure_probability: f64,
    sells_to: Region,
    chinese_owned: bool,
    /// Builds its own separation plant at this cost, if set.
    separation_cost_usd_per_kg: Option<f64>,
}

/// The operating unit a rival project runs, by stage.
// Built a handful of times per trial, never stored: the size difference does not matter.
#[allow(clippy::large_enum_variant)]
enum RivalUnit {
    Mine(Miner),
    Separation(Separator),
    Magnet(MagnetMaker),
}

/// Builds the operating unit of a rival project: a miner, separator or magnet maker
/// carrying the project's state support.
fn rival_unit(
    cfg: &RivalConfig,
    project: &RivalProject,
    reference_recipe: &remsim_scenario::ElementMap,
) -> Result<RivalUnit, SimError> {
    let owner = if cfg.chinese_owned_share > 0.5 {
        Owner::ChineseOwnedAbroad
    } else {
        Owner::Foreign
    };
    match cfg.stage {
        Stage::Mine => {
            let deposit = cfg.deposit.clone().unwrap_or_default();
            let leached = remsim_core::DepositProfile::named(&deposit)
                .is_ok_and(|d| d.deposit_type.is_leached());
            let unit = MinerConfig {
                id: cfg.id.clone(),
                name: cfg.name.clone(),
                country: cfg.country.clone(),
                deposit,
                distribution_pct: None,
                owner,
                capacity_t: cfg.capacity_t,
                utilisation: 1.0,
                // Overseas projects are sized on decades of reserves.
                reserves_t: cfg.capacity_t * 40.0,
                grade_pct: 1.0,
                cash_cost_usd_per_kg: cfg.cash_cost_usd_per_kg,
                depletion_cost_rise: 0.2,
                leaching: leached.then_some(remsim_scenario::Leaching::InSitu),
                quota_group: None,
                sells_to: cfg.sells_to.clone(),
                start: None,
                expansion_capex_usd_per_t: 0.0,
                expansion_lead_time_years: 0.0,
                expansion_step: 0.0,
                count: 1,
            };
            let mut miner =
                Miner::from_config(&unit).map_err(|e| SimError::Build(e.to_string()))?;
            miner.subsidy_usd_per_kg = project.subsidy_usd_per_kg;
            Ok(RivalUnit::Mine(miner))
        }
        Stage::Separation => {
            let unit = SeparatorConfig {
                id: cfg.id.clone(),
                name: cfg.name.clone(),
                country: cfg.country.clone(),
                owner,
                capacity_t: cfg.capacity_t,
                utilisation: 1.0,
                recovery: cfg.recovery,
                cost_usd_per_kg: cfg.cash_cost_usd_per_kg,
                purity: "high".into(),
                acid_waste_t_per_t: 1.0,
                start: None,
            };
            let mut sep =
                Separator::from_config(&unit).map_err(|e| SimError::Build(e.to_string()))?;
            sep.subsidy_usd_per_kg = project.subsidy_usd_per_kg;
            sep.price_floor_usd_per_kg = project.price_floor_usd_per_kg;
            sep.floor_share = project.offtake_share;
            Ok(RivalUnit::Separation(sep))
        }
        Stage::Magnet => {
            let unit = MagnetMakerConfig {
                id: cfg.id.clone(),
                name: cfg.name.clone(),
                country: cfg.country.clone(),
                owner,
                capacity_t: cfg.capacity_t,
                utilisation: 0.8,
                re_content: 0.31,
                recipe_pct: reference_recipe.clone(),
                gbd_share: 0.6,
                gbd_heavy_cut: 0.7,
                ce_substitution: 0.0,
                yield_share: 0.7,
                cost_usd_per_kg: cfg.cash_cost_usd_per_kg,
                expansion_lead_time_years: 0.0,
                count: 1,
            };
            let mut maker =
                MagnetMaker::from_config(&unit).map_err(|e| SimError::Build(e.to_string()))?;
            maker.subsidy_usd_per_kg = project.subsidy_usd_per_kg;
            Ok(RivalUnit::Magnet(maker))
        }
    }
}

fn miner_market_for<'a>(
    month: Month,
    prices: &'a [ElementVec; 2],
    payable: f64,
    heap_pond_banned: bool,
    environment: &'a EnvironmentConfig,
) -> MinerMarket<'a> {
    MinerMarket {
        month,
        expected_prices: prices,
        payable_share: payable,
        heap_pond_banned,
        ban_on_illegal: false,
        environment,
    }
}

/// The last `shares · prices` computed in a pass over the miners: units of one config entry
/// share their element shares (one allocation), so in a fragmented sector a unit reuses its
/// predecessor's dot product, the same number.
#[derive(Default)]
struct DotMemo {
    /// Address of the shares and region of the prices of the last dot product, and its value.
    last: Option<(*const ElementVec, usize, f64)>,
}

impl DotMemo {
    /// `shares · prices[region]`.
    fn dot(&mut self, shares: &Arc<ElementVec>, region: usize, prices: &[ElementVec; 2]) -> f64 {
        let key = Arc::as_ptr(shares);
        match self.last {
            Some((k, r, dot)) if k == key && r == region => dot,
            _ => {
                let dot = shares.dot(&prices[region]);
                self.last = Some((key, region, dot));
                dot
            }
        }
    }
}

/// Bit pattern of `+inf`: a state value `x` is finite and non-negative exactly when
/// [`state_bits`]`(x)` is below it.
const INF_BITS: u64 = 0x7FF0_0000_0000_0000;

/// The bit pattern of `x + 0.0` (which turns `-0.0` into `+0.0`): below [`INF_BITS`]
/// exactly when `x` is finite and non-negative, since negative numbers have the sign bit
/// set and NaNs lie above `+inf`.
fn state_bits(x: f64) -> u64 {
    (x + 0.0).to_bits()
}

fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator > 0.0 {
        numerator / denominator
    } else {
        0.0
    }
}

/// Capacity-weighted rare-earth composition of the makers' magnets: what magnets in use
/// hold at the start.
fn average_magnet_composition(makers: &[MagnetMaker]) -> ElementVec {
    let total: ElementVec = makers.iter().map(|m| m.composition * m.capacity_t).sum();
    total.normalised().unwrap_or(ElementVec::ZERO)
}

/// Clamping float dust to zero, with the dust booked as a loss so the ledger still closes.
trait ClampTracked {
    fn clamp_non_negative_tracked(&self, losses: &mut ElementVec) -> ElementVec;
}

impl ClampTracked for ElementVec {
    fn clamp_non_negative_tracked(&self, losses: &mut ElementVec) -> ElementVec {
        let clamped = self.clamp_non_negative();
        *losses -= clamped - *self;
        clamped
    }
}
