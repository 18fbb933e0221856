//! The typed scenario: what a config file says, after `extends` is merged and every
//! distribution has been replaced by a number (its central value for `remsim check`, a
//! trial's draw for a simulation). Field names carry units: `_t` is t REO (annual unless the
//! doc says otherwise), `_usd_per_kg` is USD per kg of oxide, `_pct` is percent, shares are
//! fractions in [0, 1], dates are `YYYY-MM`.
//!
//! These structs are the config edge: every one denies unknown fields, so a misspelt key is
//! an error with its file, line and column, never silently ignored.

use remsim_core::Month;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Per-element numbers keyed by element symbol or name (`nd = 56`, `neodymium = 56`).
/// Keys are checked against the 17 elements by validation, with a suggestion if misspelt.
pub type ElementMap = BTreeMap<String, f64>;

/// A whole scenario.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioConfig {
    /// The file this one builds on, resolved relative to this file (or `builtin:baseline`).
    /// Consumed by the loader; kept here so the resolved config shows where it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    /// Name, description and horizon.
    pub scenario: ScenarioMeta,
    /// Market settings shared by every element.
    pub market: MarketConfig,
    /// Primary producers inside China and in newcomer countries without state support
    /// (China's state groups, small and illegal miners, Myanmar's clays).
    #[serde(default)]
    pub miners: Vec<MinerConfig>,
    /// Separation and smelting plants.
    #[serde(default)]
    pub separators: Vec<SeparatorConfig>,
    /// NdFeB magnet makers.
    #[serde(default)]
    pub magnet_makers: Vec<MagnetMakerConfig>,
    /// Overseas miners, separators and magnet makers with state support and project risk.
    #[serde(default)]
    pub rivals: Vec<RivalConfig>,
    /// Magnet recyclers.
    #[serde(default)]
    pub recyclers: Vec<RecyclerConfig>,
    /// End-use demand sectors.
    #[serde(default)]
    pub demand: Vec<DemandSectorConfig>,
    /// Governments: China's quotas and export rules, foreign price floors and stockpiles.
    #[serde(default)]
    pub policy: PolicyConfig,
    /// Environmental coefficients: wastewater and radioactive residue per tonne.
    pub environment: EnvironmentConfig,
    /// Greenfield entry: generic new mine-and-separation projects outside China that start
    /// when expected prices pay for them. Absent = no entry beyond the listed rivals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<EntryConfig>,
    /// Greenfield entry of heavy-rich projects (ion-adsorption clays outside China), decided
    /// on the value of their own basket, so that Dy and Tb scarcity brings heavy supply
    /// rather than more Ce. Absent = none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heavy_entry: Option<EntryConfig>,
    /// Shocks and policy changes during the run.
    #[serde(default)]
    pub shocks: Vec<crate::shocks::ShockConfig>,
    /// Behavioural coefficients of the monthly tick (see [`crate::coefficients`]); each
    /// defaults to the calibrated value.
    #[serde(default)]
    pub tick: crate::coefficients::TickCoefficients,
}

/// Generic greenfield projects, launched by an NPV-style test each January.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryConfig {
    /// Country code of the projects.
    pub country: String,
    /// Named element distribution of their deposits.
    pub deposit: String,
    /// Mine and separation capacity of one project, t REO per year.
    pub capacity_t: f64,
    /// Mining cash cost, USD/kg REO.
    pub cash_cost_usd_per_kg: f64,
    /// Separation cost, USD/kg REO.
    pub separation_cost_usd_per_kg: f64,
    /// Margin over cash cost, as a share of it, that expected prices must offer to launch.
    pub hurdle: f64,
    /// Shortest and longest years from decision to first output (drawn per project).
    pub lead_time_years: [f64; 2],
    /// Years of ramp-up.
    pub ramp_years: f64,
    /// Chance a project fails during ramp-up.
    pub failure_probability: f64,
    /// Most projects launched in one year.
    pub max_per_year: u32,
    /// Share of the world market, a year, that the projects launched in one year may add
    /// once the failures are taken out: `round(share × last year's world oxide demand /
    /// (capacity_t × (1 − failure_probability)))` projects, at most `max_per_year`. Absent:
    /// `max_per_year` projects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_market_share_per_year: Option<f64>,
    /// Region whose separators buy the projects' concentrate (`cn` or `row`); default `row`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sells_to: Option<String>,
    /// Long-run price elasticity of demand (magnitude) with which investors turn the market
    /// balance they expect at first output into a price: demand grown at its recent rate
    /// against today's supply plus the projects already in the pipeline. Absent: projects
    /// are valued at today's long-run prices, blind to the pipeline and to demand growth.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forecast_elasticity: Option<f64>,
}

/// Environmental coefficients of mining and processing.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentConfig {
    /// Ammonia-nitrogen wastewater of heap and pond leaching, t per t REO.
    pub heap_pond_wastewater_t_per_t: f64,
    /// Ammonia-nitrogen wastewater of in-situ leaching, t per t REO.
    pub in_situ_wastewater_t_per_t: f64,
    /// Extra cash cost of in-situ over heap/pond leaching, as a fraction of cash cost.
    pub in_situ_cost_premium: f64,
    /// Thorium-bearing radioactive residue from cracking monazite-bearing concentrate, t per
    /// t REO processed.
    pub monazite_residue_t_per_t: f64,
}

/// Name, description and horizon of a scenario.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioMeta {
    /// Short name, used in results folder names.
    pub name: String,
    /// What the scenario represents.
    #[serde(default)]
    pub description: String,
    /// First simulated month.
    pub start: Month,
    /// Last simulated month (inclusive).
    pub end: Month,
}

/// Market settings shared by every element and region.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketConfig {
    /// Freight and insurance from China to the rest of the world, USD/kg.
    pub freight_usd_per_kg: f64,
    /// Lowest price any oxide can fall to (storage or disposal value), USD/kg.
    pub price_floor_usd_per_kg: f64,
    /// Highest price, as a multiple of the element's initial price.
    pub price_cap_multiple: f64,
    /// Opening prices in China, USD/kg oxide, for every element with supply.
    pub initial_price_cn_usd_per_kg: ElementMap,
    /// Opening premium of rest-of-world prices over China's, as a fraction (0.1 = +10%).
    #[serde(default)]
    pub initial_row_premium: f64,
    /// Merchant and producer stock each region aims to hold, in months of demand.
    pub stock_target_months: f64,
    /// Stock held at the start, in months of demand.
    pub initial_stock_months: f64,
    /// Weight of the newest price in adaptive expectations (0..1, per month).
    pub expectation_smoothing: f64,
    /// Strength of trend-following in expectations (0 = none): the speculative term.
    pub trend_following: f64,
    /// Elasticity of the price stock holders ask with respect to their coverage: at half
    /// the target cover they ask 2^this times the expected price.
    pub stock_price_response: f64,
    /// Strength of the pull of stock holders toward long-run prices (0 = none): the
    /// fundamentalist term. Holders aim at `(expected / incentive price)^-this` times
    /// their usual cover (within the `[tick]` anchor bounds), buying when prices are low
    /// against what new supply costs and selling when high.
    #[serde(default)]
    pub fundamental_weight: f64,
    /// Weight of each element's long-run incentive price in expected prices (0 = purely
    /// adaptive): expectations are `adaptive^(1-w) · incentive^w`, so that a price far from
    /// what the marginal project needs is expected to revert toward it. The incentive price
    /// is the `[entry]` project's full cost spread over the elements at opening relative
    /// prices (see `docs/model.md`).
    #[serde(default)]
    pub expectation_cost_weight: f64,
    /// Competitive storage: below this share of an element's incentive price, holders and
    /// separators keep any surplus off the market rather than sell it, because carrying it
    /// until prices revert pays (0 = only `price_floor_usd_per_kg` holds prices up). Each
    /// element's floor is the larger of the two.
    #[serde(default)]
    pub storage_floor_share: f64,
    /// Whether oxide separated outside China is sold into China when China's price exceeds
    /// the rest of the world's by more than freight and China's import duty (the import
    /// direction of the link; `false` closes it).
    #[serde(default = "default_china_imports")]
    pub china_imports: bool,
    /// China's import duty on rare-earth oxides, a fraction of the price (default 0).
    #[serde(default)]
    pub china_import_duty: f64,
    /// Share of the contained oxide value that a mine is paid for its concentrate; the rest
    /// pays for separation (approx. 0.6-0.7).
    #[serde(default = "default_payable")]
    pub concentrate_payable_share: f64,
    /// Magnet makers' margin on their conversion cost.
    #[serde(default = "default_markup")]
    pub magnet_markup: f64,
}

fn default_china_imports() -> bool {
    true
}

fn default_payable() -> f64 {
    0.65
}

fn default_markup() -> f64 {
    0.15
}

fn default_adjustment_years() -> f64 {
    5.0
}

/// Who owns a producer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Owner {
    /// A Chinese state group (China Northern Rare Earth, China Rare Earth Group).
    StateGroup,
    /// A private company.
    Private,
    /// Small or illegal operators, the target of consolidation.
    SmallIllegal,
    /// A foreign company.
    Foreign,
    /// A project abroad owned by Chinese investors.
    ChineseOwnedAbroad,
}

/// How ion-adsorption clay is leached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Leaching {
    /// Heap and pond leaching: cheap, high ammonia-nitrogen wastewater.
    HeapPond,
    /// In-situ leaching: dearer, less wastewater, no surface tailings.
    InSitu,
}

/// Which of China's mining quotas a Chinese mine draws on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuotaGroup {
    /// Hard-rock (light) rare earths, e.g. Bayan Obo.
    HardRock,
    /// Ion-adsorption clays (medium/heavy).
    IonClay,
}

/// A mine.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinerConfig {
    /// Unique id (lower-case, dashes), used by `extends` merging and shocks.
    pub id: String,
    /// Human-readable name and operator.
    pub name: String,
    /// Country code (CN, MM, AU, …).
    pub country: String,
    /// Named element distribution (`bayan_obo`, `ion_clay_heavy`, …).
    pub deposit: String,
    /// Overrides the named distribution: percent of REO by element, summing to 100 ± 0.5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distribution_pct: Option<ElementMap>,
    /// Owner type.
    pub owner: Owner,
    /// Output capacity, t REO per year.
    pub capacity_t: f64,
    /// Share of capacity used at the start (0..1).
    pub utilisation: f64,
    /// Remaining reserves, t REO.
    pub reserves_t: f64,
    /// Ore grade, percent REO.
    pub grade_pct: f64,
    /// Cash cost at full reserves, USD per kg REO in concentrate.
    pub cash_cost_usd_per_kg: f64,
    /// Fractional rise of cash cost as reserves run from full to empty.
    #[serde(default)]
    pub depletion_cost_rise: f64,
    /// Leaching method, for ion-adsorption clays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leaching: Option<Leaching>,
    /// China's quota this mine draws on (Chinese mines only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota_group: Option<QuotaGroup>,
    /// Region whose separators buy the concentrate (`cn` or `row`); default: the mine's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sells_to: Option<String>,
    /// First month of output, if later than the scenario start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Month>,
    /// Capital cost of new capacity, USD per t REO of annual capacity.
    #[serde(default)]
    pub expansion_capex_usd_per_t: f64,
    /// Years from an expansion decision to output.
    #[serde(default)]
    pub expansion_lead_time_years: f64,
    /// Capacity added by one expansion, as a fraction of current capacity.
    #[serde(default = "default_expansion_step")]
    pub expansion_step: f64,
    /// Number of identical, independent units this entry stands for (default 1): a
    /// fragmented sector written once, e.g. thousands of small workings. Capacity, reserves
    /// and every other quantity are per unit; shocks naming the id act on all units. The
    /// units decide alike, so the simulation decides once per entry and books each unit's
    /// output: a large count costs a few additions a unit-month, not a miner's rules.
    #[serde(default = "one_unit", skip_serializing_if = "is_one_unit")]
    pub count: u32,
}

fn default_expansion_step() -> f64 {
    0.1
}

/// Most units one entry may stand for ([`MinerConfig::count`],
/// [`MagnetMakerConfig::count`]).
pub const MAX_UNITS_PER_ENTRY: u32 = 1_000_000;

fn one_unit() -> u32 {
    1
}

fn is_one_unit(count: &u32) -> bool {
    *count == 1
}

/// A separation and smelting plant.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeparatorConfig {
    /// Unique id.
    pub id: String,
    /// Name and operator.
    pub name: String,
    /// Country code.
    pub country: String,
    /// Owner type.
    pub owner: Owner,
    /// Throughput capacity, t REO per year.
    pub capacity_t: f64,
    /// Share of capacity used at the start.
    pub utilisation: f64,
    /// Share of contained REO recovered into separated oxides.
    pub recovery: f64,
    /// Processing cost, USD per kg REO.
    pub cost_usd_per_kg: f64,
    /// `standard` or `high` purity (high purity fetches the full oxide price).
    #[serde(default = "default_purity")]
    pub purity: String,
    /// Acid and alkali waste, t per t REO processed.
    #[serde(default)]
    pub acid_waste_t_per_t: f64,
    /// First month of operation, if later than the scenario start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Month>,
}

fn default_purity() -> String {
    "standard".to_string()
}

/// An NdFeB magnet maker.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MagnetMakerConfig {
    /// Unique id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Country code.
    pub country: String,
    /// Owner type.
    pub owner: Owner,
    /// Output capacity, t magnet per year.
    pub capacity_t: f64,
    /// Share of capacity used at the start.
    pub utilisation: f64,
    /// Rare-earth content of the magnet, mass fraction (0.29–0.32).
    pub re_content: f64,
    /// Rare-earth recipe, percent of the magnet's REO by element (sums to 100 ± 0.5).
    pub recipe_pct: ElementMap,
    /// Share of output made with grain-boundary diffusion.
    #[serde(default)]
    pub gbd_share: f64,
    /// Fraction of Dy and Tb that grain-boundary diffusion saves.
    #[serde(default)]
    pub gbd_heavy_cut: f64,
    /// Fraction of Nd+Pr replaced by Ce in Ce-substituted grades, over all output.
    #[serde(default)]
    pub ce_substitution: f64,
    /// Share of rare-earth input that ends in the magnet; the rest is swarf (0.60–0.75).
    pub yield_share: f64,
    /// Processing cost, USD per kg magnet.
    pub cost_usd_per_kg: f64,
    /// Years from a decision to add capacity to its first output.
    #[serde(default = "default_magnet_lead_time")]
    pub expansion_lead_time_years: f64,
    /// Number of identical, independent makers this entry stands for (default 1), each
    /// with the capacity given: fragmented downstream industry written once. Decided once
    /// per entry, booked once per unit, as for miners.
    #[serde(default = "one_unit", skip_serializing_if = "is_one_unit")]
    pub count: u32,
}

fn default_magnet_lead_time() -> f64 {
    2.0
}

/// Supply-chain stage of a rival project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Mining (concentrate).
    Mine,
    /// Separation and smelting (oxides).
    Separation,
    /// NdFeB magnets.
    Magnet,
}

/// An overseas project or operation with state support.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RivalConfig {
    /// Unique id.
    pub id: String,
    /// Name and operator.
    pub name: String,
    /// Country code.
    pub country: String,
    /// Stage it competes in.
    pub stage: Stage,
    /// Named element distribution, for mines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposit: Option<String>,
    /// Full capacity: t REO per year (mines, separators) or t magnet per year (magnets).
    pub capacity_t: f64,
    /// Output at the start as a share of capacity (operations already running).
    #[serde(default)]
    pub initial_utilisation: f64,
    /// Cash cost, USD per kg of product.
    pub cash_cost_usd_per_kg: f64,
    /// Recovery into oxides, for separators.
    #[serde(default = "default_recovery")]
    pub recovery: f64,
    /// Month the project was decided, for projects not yet producing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Month>,
    /// Years of permitting between decision and construction.
    #[serde(default)]
    pub permitting_delay_years: f64,
    /// Years of construction.
    #[serde(default)]
    pub construction_years: f64,
    /// Years of ramp-up from first output to full capacity (learning curve).
    #[serde(default)]
    pub ramp_years: f64,
    /// Chance that environmental opposition adds delay, per project.
    #[serde(default)]
    pub opposition_probability: f64,
    /// Years added by opposition when it happens.
    #[serde(default)]
    pub opposition_delay_years: f64,
    /// Chance the project fails for good during ramp-up.
    #[serde(default)]
    pub failure_probability: f64,
    /// Government subsidy, USD per kg of product.
    #[serde(default)]
    pub subsidy_usd_per_kg: f64,
    /// Share of output bought by a government offtake at the price floor.
    #[serde(default)]
    pub offtake_share: f64,
    /// Guaranteed price for the Nd and Pr oxide in the rival's output, USD/kg, on the
    /// offtake share (0 = none); the government pays the top-up.
    #[serde(default)]
    pub price_floor_usd_per_kg: f64,
    /// Share owned by Chinese investors.
    #[serde(default)]
    pub chinese_owned_share: f64,
    /// Region whose buyers take the product; default: the rival's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sells_to: Option<String>,
}

fn default_recovery() -> f64 {
    0.9
}

/// A magnet recycler.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecyclerConfig {
    /// Unique id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Country code.
    pub country: String,
    /// Throughput capacity, t REO in scrap per year.
    pub capacity_t: f64,
    /// Share of end-of-life magnets collected (raised by producer-responsibility mandates).
    pub collection_rate: f64,
    /// Share of rare earths in processed scrap recovered as oxide (up to 0.92).
    pub recovery: f64,
    /// Processing cost, USD per kg REO recovered.
    pub cost_usd_per_kg: f64,
}

/// How a demand sector buys rare earths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DemandKind {
    /// Through NdFeB magnets made by magnet makers.
    Magnet,
    /// Directly as oxides (catalysts, polishing, glass, …).
    Oxide,
}

/// Logistic adoption of a substitute technology.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdoptionConfig {
    /// Year at which half of the ceiling is reached, at normal prices.
    pub midpoint_year: f64,
    /// Logistic steepness, per year.
    pub steepness: f64,
    /// Highest share the substitute can take (0..1).
    pub ceiling: f64,
    /// Years the midpoint moves earlier for each year spent at twice the opening price of
    /// the magnet elements (adoption speeds up while prices are high and does not reverse).
    #[serde(default)]
    pub price_pull_years: f64,
}

/// An end-use sector.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemandSectorConfig {
    /// Unique id, e.g. `ev-traction`.
    pub id: String,
    /// Name.
    pub name: String,
    /// `magnet` or `oxide`.
    pub kind: DemandKind,
    /// Demand in the first year, t REO per year (for magnet sectors: REO in magnets).
    pub base_t: f64,
    /// Share of the sector's demand located in China.
    pub cn_share: f64,
    /// Element mix for oxide sectors, percent (sums to 100 ± 0.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mix_pct: Option<ElementMap>,
    /// Growth of activity, fraction per year.
    pub growth_per_year: f64,
    /// Short-run price elasticity of demand (≤ 0).
    #[serde(default)]
    pub elasticity: f64,
    /// Long-run price elasticity (≤ 0; 0 = none), reached through technology switching:
    /// the sector's demand moves toward `(price / opening price)^this` of its trend level,
    /// closing `1 / (12 × adjustment_years)` of the gap a month (partial adjustment). For
    /// sectors whose switching is already a rare-earth-free adoption curve, leave it 0.
    #[serde(default)]
    pub long_run_elasticity: f64,
    /// Years over which demand closes most of the gap to its long-run level.
    #[serde(default = "default_adjustment_years")]
    pub adjustment_years: f64,
    /// Mean product lifetime, years (for end-of-life returns).
    #[serde(default)]
    pub lifetime_years: f64,
    /// Weibull shape of the lifetime distribution.
    #[serde(default = "default_weibull_shape")]
    pub lifetime_shape: f64,
    /// Whether China's use of oxide in this sector counts as deep processing in
    /// `deep_processing.cn_share` (magnets always do). Default: yes.
    #[serde(default = "yes")]
    pub deep_processing: bool,
    /// Month-to-month demand noise: standard deviation of a lognormal factor with mean 1.
    #[serde(default)]
    pub noise_sd: f64,
    /// Rare-earth-free substitute (motors without permanent magnets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ree_free: Option<AdoptionConfig>,
}

fn yes() -> bool {
    true
}

fn default_weibull_shape() -> f64 {
    2.5
}

/// Governments.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyConfig {
    /// China's planner.
    #[serde(default)]
    pub china: ChinaPolicy,
    /// Foreign governments.
    #[serde(default)]
    pub rest_of_world: RowPolicy,
}

/// China's quotas, export rules and mandates.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChinaPolicy {
    /// Hard-rock mining quota, t REO per year (0 = no quota).
    #[serde(default)]
    pub hard_rock_quota_t: f64,
    /// Ion-adsorption clay mining quota, t REO per year (0 = no quota).
    #[serde(default)]
    pub ion_clay_quota_t: f64,
    /// Scheduled yearly growth of both quotas (of the hard-rock quota only where
    /// `ion_clay_quota_growth_per_year` is given).
    #[serde(default)]
    pub quota_growth_per_year: f64,
    /// Scheduled yearly growth of the ion-adsorption clay quota, if it differs from
    /// `quota_growth_per_year` (it has been frozen since about 2018).
    #[serde(default)]
    pub ion_clay_quota_growth_per_year: Option<f64>,
    /// Mining quotas year by year, overriding growth for the years listed (history).
    #[serde(default)]
    pub quota_path: Vec<QuotaYear>,
    /// Total export quota (all rare earths) year by year, shared among elements by one
    /// licence rent per kg that makes their exports fit it; years not listed have none.
    #[serde(default)]
    pub export_quota_path: Vec<ExportQuotaYear>,
    /// The planner's demand-led rule: the elasticity of the quota to the price against its
    /// opening level (hard rock to NdPr, ion clay to Dy): the quota is the scheduled one
    /// times `price ratio^this`, moved at most -10%/+20% a year; 0 = schedule only.
    #[serde(default)]
    pub quota_price_response: f64,
    /// Element-level extraction caps, t REO per year (the paper's element-level quotas).
    #[serde(default)]
    pub element_quota_t: ElementMap,
    /// Annual export quota by element, t REO (absent = no quota).
    #[serde(default)]
    pub export_quota_t: ElementMap,
    /// Export tariff by element, fraction of value.
    #[serde(default)]
    pub export_tariff: ElementMap,
    /// Elements whose exports need a licence.
    #[serde(default)]
    pub export_licence_elements: Vec<String>,
    /// Month from which export licences are required (default: from the start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export_licence_from: Option<Month>,
    /// Share of normal export volume that licences approve (1 = all).
    #[serde(default = "one")]
    pub export_licence_approval: f64,
    /// Months between application and approval.
    #[serde(default)]
    pub export_licence_delay_months: f64,
    /// The approval path observed after licences began: from each listed month on, the
    /// share of normal export volume licensed, until the next entry (the last one stays,
    /// in place of `export_licence_approval`). Months before the first entry follow the
    /// delay rule.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub export_licence_approval_path: Vec<ApprovalMonth>,
    /// China's state reserve (the National Food and Strategic Reserves Administration).
    #[serde(default)]
    pub stockpile: StockpileConfig,
    /// Month from which heap and pond leaching is banned (green-mining mandate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heap_pond_ban_from: Option<Month>,
}

fn one() -> f64 {
    1.0
}

/// China's mining quotas in one year.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuotaYear {
    /// Calendar year.
    pub year: i32,
    /// Hard-rock quota, t REO.
    pub hard_rock_t: f64,
    /// Ion-adsorption clay quota, t REO.
    pub ion_clay_t: f64,
}

/// The share of normal export volume licences approved from one month on.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovalMonth {
    /// First month the share applies to, `YYYY-MM`.
    pub month: Month,
    /// Share of normal export volume licensed (0..1).
    pub share: f64,
}

/// China's total export quota in one year.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportQuotaYear {
    /// Calendar year.
    pub year: i32,
    /// Quota on all rare-earth products, t REO.
    pub t: f64,
}

/// Foreign governments' support and stockpiles.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowPolicy {
    /// Strategic stockpiles of the rest of the world.
    #[serde(default)]
    pub stockpile: StockpileConfig,
}

/// A government stockpile: it buys while prices are low, up to a target, and releases
/// when prices are high.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StockpileConfig {
    /// Target holding by element, in months of the region's demand.
    #[serde(default)]
    pub target_months: ElementMap,
    /// Buys (a twelfth of the gap each month) while the price is below this multiple of
    /// the opening price.
    #[serde(default)]
    pub buy_below: f64,
    /// Releases (a sixth of the holding each month) at this multiple of the opening price
    /// (0 = never).
    #[serde(default)]
    pub release_above: f64,
    /// Holding at the start by element, in months of the region's first-month demand
    /// (absent: empty).
    #[serde(default)]
    pub initial_months: ElementMap,
}
