//! The owned sub-states of a [`crate::World`]: what a trial carries from one month to the
//! next, grouped by who writes it. Each tick phase (`crate::tick`) borrows only the
//! sub-states it needs, mutably only those it writes, so the borrow checker enforces each
//! phase's declared inputs and outputs.
//!
//! - [`Params`]: settings fixed for the trial (read by every phase, written by none);
//! - [`Clock`]: the trial's identity and calendar;
//! - [`PolicyState`]: China's rules, the shocks and their overlay, greenfield entry;
//! - [`Supply`]: the operating units of every stage (miners, separators, magnet makers,
//!   recyclers) and the rival projects behind some of them;
//! - [`DemandState`]: end-use sectors and the magnets in use;
//! - [`Inventories`]: regional oxide stocks, stockpiles, concentrate pools and scrap;
//! - [`PriceState`]: prices and what traders expect of them;
//! - [`Markets`]: each element's schedule market and export link.

use crate::policy::ChinaRules;
use crate::shocks::{Overlay, ShockRuntime};
use rand_chacha::ChaCha8Rng;
use remsim_core::{Element, ElementVec, Month, Region};
use remsim_demand::DemandSector;
use remsim_magnets::MagnetMaker;
use remsim_market::{Link, Participants, ScheduleClearing, ScheduleMarket};
use remsim_miners::Miner;
use remsim_recyclers::{ProductStock, Recycler};
use remsim_rivals::RivalProject;
use remsim_scenario::{EntryConfig, EnvironmentConfig, TickCoefficients};
use remsim_smelters::Separator;

/// Price levels stock holders quote around their expected price: ±8% steps, 0.38× to 2.6×.
pub(crate) const GRID_STEPS: i32 = 12;
/// Log-price step of the holders' grid.
pub(crate) const GRID_LOG_STEP: f64 = 0.08;
/// Number of levels of the holders' grid.
pub(crate) const GRID_LEVELS: usize = 2 * GRID_STEPS as usize + 1;
/// Participants of each region's schedule (see `remsim_market::Schedule`).
pub(crate) const PARTICIPANTS: usize = 6;
/// A region's participants of one element: the last two (the government stockpile's
/// releases and purchases) trade only through orders.
pub(crate) type RegionParticipants =
    Participants<PARTICIPANTS, { crate::tick::schedules::STOCKPILE_RELEASE }>;

/// A pair of values, one per region, indexed by [`Region::index`] (China 0, rest of world 1).
pub(crate) type PerRegion<T> = [T; 2];

/// A stockpile rule: target months by element, buy-below and release-above multiples of
/// the opening price.
pub(crate) type StockpileRule = (ElementVec, f64, f64);

/// Settings fixed for the trial: read by the phases, written by none.
pub(crate) struct Params {
    /// Freight on the export link, USD/kg.
    pub freight: f64,
    /// Whether the import direction of the link (rest of world -> China) is open.
    pub china_imports: bool,
    /// China's import duty on oxides, fraction of the price.
    pub china_import_duty: f64,
    /// Price floor by element, USD/kg: the market's floor or the storage floor (a share of
    /// the incentive price), whichever is higher.
    pub floor: ElementVec,
    /// Long-run incentive price by region and element, USD/kg: what the marginal project
    /// needs to earn its full cost, spread over the elements at opening relative prices.
    pub incentive: PerRegion<ElementVec>,
    /// Weight of the incentive price in expectations (`market.expectation_cost_weight`).
    pub cost_weight: f64,
    /// `ln(incentive) · cost_weight` by region and element, worked out once per trial for
    /// [`Params::cost_anchored`] (the same operations on the same values, so the same
    /// bits; read only where the incentive price is positive).
    pub incentive_ln_weighted: PerRegion<ElementVec>,
    /// Share of end users' and makers' demand kept at the cap by region and element under
    /// demand destruction (`tick::schedules::demand_kept`), worked out once per trial: the
    /// cap and the threshold are the trial's.
    pub kept_at_cap: PerRegion<ElementVec>,
    /// Price cap by element, USD/kg.
    pub cap: ElementVec,
    /// Holders' target stock, months of demand.
    pub stock_target_months: f64,
    /// Opening stocks, months of the first month's demand.
    pub initial_stock_months: f64,
    /// Weight of the newest price in the smoothed expectation.
    pub smoothing: f64,
    /// Weight of the price trend in expectations and hoarding.
    pub trend_following: f64,
    /// Pull of stock holders toward long-run prices (`market.fundamental_weight`).
    pub fundamental_weight: f64,
    /// Share of the oxide value a concentrate seller is paid.
    pub payable: f64,
    /// Magnet makers' margin over their conversion cost, fraction.
    pub markup: f64,
    /// The behavioural coefficients of the tick (`[tick]` in the scenario).
    pub coef: TickCoefficients,
    /// Environmental rules the miners obey.
    pub environment: EnvironmentConfig,
    /// Stockpile rules by region.
    pub stockpile_rules: PerRegion<StockpileRule>,
    /// Government stockpiles' opening holdings by region, months of the first month's
    /// demand.
    pub stockpile_opening_months: PerRegion<ElementVec>,
    /// Price multipliers of the holders' grid, `exp(GRID_LOG_STEP * k)`, k = -12..=12.
    pub grid: [f64; GRID_LEVELS],
    /// Holders' desired stock at each grid level, relative to target.
    pub holder_curve: [f64; GRID_LEVELS],
    /// Each sector's demand at each grid level relative to the expected price, capped.
    pub sector_curve: Vec<[f64; GRID_LEVELS]>,
}

impl Params {
    /// `price` (USD/kg, of element `e` in region `r`) anchored to the incentive price:
    /// `price^(1-w) · incentive^w` with `w` the cost weight, so that a belief formed from
    /// recent prices reverts toward what new supply costs. `price` itself at weight 0 (no
    /// arithmetic, so every bit stays as it was) or where either is not positive.
    pub fn cost_anchored(&self, price: f64, r: usize, e: Element) -> f64 {
        let incentive = self.incentive[r][e];
        if self.cost_weight > 0.0 && incentive > 0.0 && price > 0.0 {
            (price.ln() * (1.0 - self.cost_weight) + self.incentive_ln_weighted[r][e]).exp()
        } else {
            price
        }
    }
}

/// The trial's identity and calendar.
pub(crate) struct Clock {
    /// First month.
    pub start: Month,
    /// Last month.
    pub end: Month,
    /// Master seed of the batch.
    pub master_seed: u64,
    /// Trial index.
    pub trial: u64,
    /// Number of monthly ticks of the trial.
    pub n_ticks: usize,
    /// Ticks run so far.
    pub ticks_done: usize,
}

/// China's rules, the shocks and what they change this month, greenfield entry.
pub(crate) struct PolicyState {
    /// China's quotas, tariffs and bans.
    pub china: ChinaRules,
    /// Each configured shock and its timing state.
    pub shocks: Vec<ShockRuntime>,
    /// Shocks whose one-off effect (new adoption curve, outbound project) has happened.
    pub shock_applied: Vec<bool>,
    /// What the active shocks change this month; rebuilt in place every tick.
    pub overlay: Overlay,
    /// Greenfield entry, with its deposit's element shares (looked up once).
    pub entry: Option<(EntryConfig, ElementVec)>,
    /// Greenfield projects launched so far.
    pub entries_launched: u32,
    /// Heavy-rich greenfield entry, with its deposit's element shares.
    pub heavy_entry: Option<(EntryConfig, ElementVec)>,
    /// Heavy-rich greenfield projects launched so far.
    pub heavy_entries_launched: u32,
    /// World oxide demand (end users and makers) of the calendar year so far, t: the
    /// entrants' demand forecast reads the finished years.
    pub demand_year_t: ElementVec,
    /// World oxide demand of the last finished calendar years, t, oldest first (at most
    /// [`DEMAND_YEARS_KEPT`]).
    pub demand_years_t: Vec<ElementVec>,
    /// Concentrate that entered each region's pool in the calendar year so far, t: the
    /// separators' feed outlook reads the finished years.
    pub feed_year_t: PerRegion<f64>,
    /// The same for the last finished calendar years, oldest first (at most
    /// [`DEMAND_YEARS_KEPT`]).
    pub feed_years_t: Vec<PerRegion<f64>>,
}

/// Finished years of demand the entrants' forecast keeps: growth is read over the last
/// three, long enough to average out a year's noise and short enough to see a turn.
pub(crate) const DEMAND_YEARS_KEPT: usize = 4;

/// The operating units of every stage and the rival projects behind some of them.
pub(crate) struct Supply {
    /// Miners, configured then rival then added during the run.
    pub miners: Vec<Miner>,
    /// How many identical units each miner stands for (a config entry's `count`; 1 for
    /// every other miner). The units of an entry start alike and see the same inputs, so
    /// they decide alike: the entry's miner decides once and what it mines and earns is
    /// booked once per unit, in unit order, the same additions as for that many copies.
    pub miner_units: Vec<u32>,
    /// Region whose profit each miner's margin counts toward.
    pub miner_cost_owner_region: Vec<Region>,
    /// The rival project behind each miner, if any.
    pub miner_rival: Vec<Option<usize>>,
    /// Separation plants.
    pub separators: Vec<Separator>,
    /// The rival project behind each separator, if any.
    pub separator_rival: Vec<Option<usize>>,
    /// Each separator's own price floor and share, before any shock.
    pub separator_base_floor: Vec<(f64, f64)>,
    /// Magnet makers.
    pub makers: Vec<MagnetMaker>,
    /// The rival project behind each maker, if any.
    pub maker_rival: Vec<Option<usize>>,
    /// How many identical units each maker stands for, as [`Supply::miner_units`].
    pub maker_units: Vec<u32>,
    /// Rival project life cycles.
    pub rivals: Vec<RivalProject>,
    /// Recyclers.
    pub recyclers: Vec<Recycler>,
    /// Indices of the miners that draw on one of China's quotas, in order.
    pub quota_miners: Vec<usize>,
    /// Indices of the magnet makers of each region, in order.
    pub makers_in: PerRegion<Vec<usize>>,
    /// The worst `state_bits` of the capacity, reserves and utilisation of the first
    /// `.1` miners, taken in the tick's mining pass (after which no rule changes them);
    /// the invariant check covers the rest itself.
    pub miner_bits: (u64, usize),
}

impl Supply {
    /// Share of a unit's capacity its rival life cycle makes available in `month` (1 for a
    /// unit no rival project stands behind).
    pub fn life_share(&self, rival: Option<usize>, month: Month, start: Month) -> f64 {
        rival.map_or(1.0, |k| self.rivals[k].capacity_share(month, start))
    }
}

/// End-use sectors and the magnets in use.
pub(crate) struct DemandState {
    /// End-use sectors.
    pub sectors: Vec<DemandSector>,
    /// Each sector's own random stream.
    pub sector_rngs: Vec<ChaCha8Rng>,
    /// Magnets in use, by magnet sector index (into `sectors`) and region.
    pub in_use: Vec<(usize, PerRegion<ProductStock>)>,
    /// The EV sector, whose rare-earth-free share is observed.
    pub ev_sector: Option<usize>,
}

/// Regional stocks of material between the stages, t by element.
pub(crate) struct Inventories {
    /// Oxide held by traders and users.
    pub stock: PerRegion<ElementVec>,
    /// Government stockpiles.
    pub stockpile: PerRegion<ElementVec>,
    /// Concentrate waiting for separation, by the region it is sold to.
    pub concentrate: PerRegion<ElementVec>,
    /// Radioactive residue the waiting concentrate will leave, t.
    pub residue_potential: PerRegion<f64>,
    /// Scrap waiting for recycling.
    pub scrap: PerRegion<ElementVec>,
    /// Whether the opening stocks have been set (from the first month's demand).
    pub initialised: bool,
}

impl Inventories {
    /// All material held anywhere, t by element (the mass balance's stock term).
    pub fn total(&self) -> ElementVec {
        self.stock[0]
            + self.stock[1]
            + self.stockpile[0]
            + self.stockpile[1]
            + self.concentrate[0]
            + self.concentrate[1]
            + self.scrap[0]
            + self.scrap[1]
    }
}

/// Prices and what traders expect of them, USD/kg by region.
pub(crate) struct PriceState {
    /// Last month's clearing prices.
    pub price: PerRegion<ElementVec>,
    /// Opening prices (the reference of demand responses and policy rules).
    pub initial_price: PerRegion<ElementVec>,
    /// Exponentially smoothed prices.
    pub smoothed: PerRegion<ElementVec>,
    /// Slow (three-year) average of prices: what investors plan on.
    pub long_run: PerRegion<ElementVec>,
    /// Smoothed monthly log-price change.
    pub trend: PerRegion<ElementVec>,
}

impl PriceState {
    /// Expected prices of region `r`: smoothed, extrapolated along the trend by the
    /// trend-following weight.
    pub fn expected(&self, r: usize, p: &Params) -> ElementVec {
        let mut pe = self.smoothed[r];
        let c = &p.coef;
        for e in Element::ALL {
            let lift = (p.trend_following * c.trend_horizon_months * self.trend[r][e])
                .clamp(-c.trend_lift_limit, c.trend_lift_limit);
            // Cost-anchored: a geometric blend of the adaptive expectation and the
            // incentive price, so a price far from what new supply costs is expected to
            // revert toward it (skipped at weight 0, which leaves every bit as it was).
            pe[e] = (p.cost_anchored(pe[e], r, e) * lift.exp()).clamp(p.floor[e], p.cap[e]);
        }
        pe
    }
}

/// Each element's schedule market and export link.
pub(crate) struct Markets {
    /// One market per element (indexed by [`Element::index`]).
    pub markets: Vec<ScheduleMarket>,
    /// The clearing buffer.
    pub clearing: ScheduleClearing,
    /// Each element's participants by region (rebuilt every tick; all are built before
    /// any is cleared, because an all-element export quota ties the elements together).
    pub participants: Vec<PerRegion<RegionParticipants>>,
    /// Each element's export link before any all-element quota (rebuilt every tick).
    pub links: [Link; Element::COUNT],
    /// Each element's import link into China (rebuilt every tick; closed when the config
    /// closes imports).
    pub import_links: [Link; Element::COUNT],
    /// What an export licence under the all-element quota earned last month, USD/kg.
    pub licence_rent_usd_per_kg: f64,
    /// Last month's net exports from China by element, t (negative: China imported).
    pub exports_t: ElementVec,
}
